/*
 * test_diff.c - the SQL schema model, the differ, the renderer, the
 * summary and the destructive-change checker, on hand-built models and on
 * small schemas (through the parser and validator), with expectations
 * taken from the real Prisma 7.10 (../shared/reference/samples); and each
 * stage in parts on threads against its one-thread result (the differ
 * step by step, on the corpus, the diff-pairs and a generated big pair).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/fs.h"
#include "util/par.h"

#include "unit/load_schema.h"
#include "unit/split_env.h"

static st_ctx *cx;

static int
setup(void **state)
{
	cx = st_ctx_new(NULL);
	return 0;
}

static int
teardown(void **state)
{
	st_ctx_free(cx);
	return 0;
}

static st_schema *
psl(const char *text)
{
	st_source *src = st_source_new(cx, "test.prisma", text, strlen(text));
	st_psl_schema *ast;
	st_psl_model *pm;
	st_schema *s = NULL;

	if (st_psl_parse_schema(cx, &src, 1, &ast) < 0 ||
	    st_psl_validate(cx, ast, &pm) < 0 ||
	    st_schema_from_psl(cx, pm, &s) < 0) {
		print_error("schema error: %s\n", cx->err_msg.buf);
		for (size_t i = 0; i < cx->diags.len; i++)
			print_error("  %s\n", ((st_diag *)cx->diags.items[i])->msg);
		fail();
	}
	return s;
}

static const char *
script(const st_schema *a, const st_schema *b)
{
	st_diff_result *m;
	st_strbuf sb;

	assert_int_equal(st_diff(cx, a, b, &m), 0);
	st_strbuf_init_arena(&sb, cx->arena);
	st_render_script(cx, &sb, m);
	return sb.buf;
}

static const char *
summary(const st_schema *a, const st_schema *b)
{
	st_diff_result *m;
	st_strbuf sb;

	assert_int_equal(st_diff(cx, a, b, &m), 0);
	st_strbuf_init_arena(&sb, cx->arena);
	st_render_summary(&sb, m);
	return sb.buf;
}

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n"

/* ==== hand-built IR ==== */

static st_schema *
handmade(bool reversed)
{
	st_schema *s = st_schema_new(cx);
	st_table *u, *p;
	st_column *uid, *pid, *pauthor;
	st_fk *fk;
	st_index *ix;

	st_schema_add_namespace(s, "public");
	u = st_schema_add_table(s, NULL, "User");
	uid = st_table_add_column(s, u, "id");
	uid->type.family = ST_FAM_INT;
	uid->type.native = ST_PG_INTEGER;
	uid->autoincrement = true;
	uid->def.kind = ST_DEF_SEQUENCE;
	uid->def.text = "";
	st_index_add_column(s, st_table_add_index(s, u, "User_pkey", ST_INDEX_PRIMARY), uid);
	(void)reversed;
	p = st_schema_add_table(s, NULL, "Post");
	pid = st_table_add_column(s, p, "id");
	pid->type.family = ST_FAM_STRING;
	pid->type.native = ST_PG_VARCHAR;
	pid->type.nargs = 1;
	pid->type.args[0] = 36;
	pauthor = st_table_add_column(s, p, "authorId");
	pauthor->type.family = ST_FAM_INT;
	pauthor->type.native = ST_PG_INTEGER;
	pauthor->type.arity = ST_ARITY_NULLABLE;
	st_index_add_column(s, st_table_add_index(s, p, "Post_pkey", ST_INDEX_PRIMARY), pid);
	ix = st_table_add_index(s, p, "Post_authorId_idx", ST_INDEX_NORMAL);
	st_index_add_column(s, ix, pauthor)->sort = ST_SORT_DESC;
	fk = st_table_add_fk(s, p, "Post_authorId_fkey", u);
	st_vec_push(&fk->cols, pauthor);
	st_vec_push(&fk->ref_cols, uid);
	fk->on_delete = ST_FK_SET_NULL;
	fk->on_update = ST_FK_CASCADE;
	st_schema_finish(s);
	return s;
}

static void
test_sqlschema_render__create_from_handmade_ir(void **state)
{
	const char *got = script(st_schema_empty(cx), handmade(false));

	assert_string_equal(got,
		"-- CreateSchema\n"
		"CREATE SCHEMA IF NOT EXISTS \"public\";\n"
		"\n"
		"-- CreateTable\n"
		"CREATE TABLE \"User\" (\n"
		"    \"id\" SERIAL NOT NULL,\n"
		"\n"
		"    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
		");\n"
		"\n"
		"-- CreateTable\n"
		"CREATE TABLE \"Post\" (\n"
		"    \"id\" VARCHAR(36) NOT NULL,\n"
		"    \"authorId\" INTEGER,\n"
		"\n"
		"    CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\")\n"
		");\n"
		"\n"
		"-- CreateIndex\n"
		"CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\" DESC);\n"
		"\n"
		"-- AddForeignKey\n"
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY "
		"(\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE "
		"CASCADE;\n");
}

static void
test_sqlschema_diff__same_schema_is_empty(void **state)
{
	st_schema *a = handmade(false), *b = handmade(true);

	assert_string_equal(script(a, b), "-- This is an empty migration.\n");
	assert_string_equal(summary(a, b), "No difference detected.\n");
}

static void
test_sqlschema_diff__drop_everything(void **state)
{
	const char *got = script(handmade(false), st_schema_empty(cx));

	/* foreign keys go first, then the tables in their order */
	assert_string_equal(got,
		"-- DropForeignKey\n"
		"ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n"
		"\n"
		"-- DropTable\n"
		"DROP TABLE \"User\";\n"
		"\n"
		"-- DropTable\n"
		"DROP TABLE \"Post\";\n");
}

static void
test_sqlschema_render__hostile_identifier_is_quoted(void **state)
{
	st_schema *s = st_schema_new(cx);
	st_table *t;
	st_column *c;

	st_schema_add_namespace(s, "public");
	t = st_schema_add_table(s, NULL, "we\"ird table");
	c = st_table_add_column(s, t, "sel\"ect");
	c->type.family = ST_FAM_STRING;
	c->type.native = ST_PG_TEXT;
	c->def.kind = ST_DEF_VALUE;
	c->def.value = st_value_new(s, ST_VAL_STRING, "it's");
	st_schema_finish(s);
	assert_non_null(strstr(script(st_schema_empty(cx), s),
		"CREATE TABLE \"we\"\"ird table\" (\n"
		"    \"sel\"\"ect\" TEXT NOT NULL DEFAULT 'it''s'\n)"));
}

/* ==== through the schema language ==== */

static const char *BASE = DS
	"\nenum Color {\n  RED\n  GREEN\n  BLUE\n}\n"
	"\nmodel Item {\n"
	"  id       Int     @id @default(autoincrement())\n"
	"  name     String\n"
	"  qty      Int     @default(0)\n"
	"  note     String?\n"
	"  color    Color   @default(RED)\n"
	"  code     String\n"
	"\n  @@index([code])\n}\n";

static void
test_sqlschema_diff__merged_alter_table_order(void **state)
{
	st_schema *a = psl(BASE);
	st_schema *b = psl(DS
		"\nenum Color {\n  RED\n  GREEN\n  BLUE\n}\n"
		"\nmodel Item {\n"
		"  id       Int     @id @default(autoincrement())\n"
		"  name     String\n"
		"  qty      BigInt  @default(0)\n"
		"  color    Color   @default(RED)\n"
		"  code     String\n"
		"  extra    String\n"
		"\n  @@index([code])\n}\n");

	/* PRISMA_FACTS §9: drops, then adds, then alters, in one statement */
	assert_string_equal(script(a, b),
		"-- AlterTable\n"
		"ALTER TABLE \"Item\" DROP COLUMN \"note\",\n"
		"ADD COLUMN     \"extra\" TEXT NOT NULL,\n"
		"ALTER COLUMN \"qty\" SET DATA TYPE BIGINT;\n");
}

static void
test_sqlschema_diff__enum_rewrite_and_summary(void **state)
{
	st_schema *a = psl(BASE);
	st_schema *b = psl(DS
		"\nenum Color {\n  RED\n  BLUE\n  PINK\n}\n"
		"\nmodel Item {\n"
		"  id       Int     @id @default(autoincrement())\n"
		"  name     String\n"
		"  qty      Int     @default(0)\n"
		"  note     String?\n"
		"  color    Color   @default(RED)\n"
		"  code     String\n"
		"\n  @@index([code])\n}\n");

	assert_string_equal(script(a, b),
		"-- AlterEnum\n"
		"BEGIN;\n"
		"CREATE TYPE \"Color_new\" AS ENUM ('RED', 'BLUE', 'PINK');\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" DROP DEFAULT;\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" TYPE \"Color_new\" USING (\"color\"::text::\"Color_new\");\n"
		"ALTER TYPE \"Color\" RENAME TO \"Color_old\";\n"
		"ALTER TYPE \"Color_new\" RENAME TO \"Color\";\n"
		"DROP TYPE \"Color_old\";\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" SET DEFAULT 'RED';\n"
		"COMMIT;\n");
	assert_string_equal(summary(a, b),
		"\n[*] Changed the `Color` enum\n"
		"  [+] Added variant `PINK`\n"
		"  [-] Removed variant `GREEN`\n");
}

/*
 * A side read from a database (st_schema.qualify_ns): Prisma 7.10
 * qualifies every name when the new side is introspected, and only the
 * DROP DEFAULT and DROP TYPE "E_old" of an enum rewrite when the old side
 * is (prisma migrate diff --from-url / --to-url, checked on the oracle).
 */
static void
test_sqlschema_render__introspected_side_qualifies(void **state)
{
	static const char *NEXT = DS
		"\nenum Color {\n  RED\n  BLUE\n}\n"
		"\nmodel Item {\n"
		"  id       Int     @id @default(autoincrement())\n"
		"  name     String\n"
		"  qty      Int     @default(0)\n"
		"  note     String?\n"
		"  color    Color   @default(RED)\n"
		"  code     String\n"
		"\n  @@index([code])\n}\n"
		"\nmodel Z {\n  id Int @id\n  k Color[]\n}\n";
	st_schema *a = psl(BASE), *b = psl(NEXT);

	a->qualify_ns = "public";
	assert_string_equal(script(a, b),
		"-- AlterEnum\n"
		"BEGIN;\n"
		"CREATE TYPE \"Color_new\" AS ENUM ('RED', 'BLUE');\n"
		"ALTER TABLE \"public\".\"Item\" ALTER COLUMN \"color\" DROP DEFAULT;\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" TYPE \"Color_new\" USING (\"color\"::text::\"Color_new\");\n"
		"ALTER TYPE \"Color\" RENAME TO \"Color_old\";\n"
		"ALTER TYPE \"Color_new\" RENAME TO \"Color\";\n"
		"DROP TYPE \"public\".\"Color_old\";\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" SET DEFAULT 'RED';\n"
		"COMMIT;\n"
		"\n-- CreateTable\n"
		"CREATE TABLE \"Z\" (\n"
		"    \"id\" INTEGER NOT NULL,\n"
		"    \"k\" \"Color\"[],\n"
		"\n    CONSTRAINT \"Z_pkey\" PRIMARY KEY (\"id\")\n"
		");\n");

	a = psl(BASE);
	b = psl(NEXT);
	b->qualify_ns = "foo";
	assert_string_equal(script(a, b),
		"-- AlterEnum\n"
		"BEGIN;\n"
		"CREATE TYPE \"foo\".\"Color_new\" AS ENUM ('RED', 'BLUE');\n"
		"ALTER TABLE \"Item\" ALTER COLUMN \"color\" DROP DEFAULT;\n"
		"ALTER TABLE \"foo\".\"Item\" ALTER COLUMN \"color\" TYPE \"foo\".\"Color_new\" USING (\"color\"::text::\"foo\".\"Color_new\");\n"
		"ALTER TYPE \"foo\".\"Color\" RENAME TO \"Color_old\";\n"
		"ALTER TYPE \"foo\".\"Color_new\" RENAME TO \"Color\";\n"
		"DROP TYPE \"Color_old\";\n"
		"ALTER TABLE \"foo\".\"Item\" ALTER COLUMN \"color\" SET DEFAULT 'RED';\n"
		"COMMIT;\n"
		"\n-- CreateTable\n"
		"CREATE TABLE \"foo\".\"Z\" (\n"
		"    \"id\" INTEGER NOT NULL,\n"
		"    \"k\" \"foo\".\"Color\"[],\n"
		"\n    CONSTRAINT \"Z_pkey\" PRIMARY KEY (\"id\")\n"
		");\n");
}

static long
rows3(void *arg, const char *ns, const char *table)
{
	return 3;
}

static long
vals2(void *arg, const char *ns, const char *table, const char *col)
{
	return 2;
}

static void
test_sqlschema_destructive__warnings_like_migrate_dev(void **state)
{
	st_schema *a = psl(BASE);
	st_schema *b = psl(DS
		"\nenum Color {\n  RED\n  BLUE\n}\n"
		"\nmodel Item {\n"
		"  id       Int     @id @default(autoincrement())\n"
		"  name     String  @unique\n"
		"  qty      BigInt  @default(0)\n"
		"  color    Color   @default(RED)\n"
		"  code     String\n"
		"  extra    String\n"
		"\n  @@index([code])\n}\n");
	st_diff_result *m;
	st_destructive_report *r;
	st_strbuf sb;
	st_row_counter rc = { rows3, vals2, NULL, NULL };

	assert_int_equal(st_diff(cx, a, b, &m), 0);
	assert_int_equal(st_destructive_check(cx, m, NULL, &r), 0);
	st_strbuf_init_arena(&sb, cx->arena);
	st_render_warnings_header(&sb, r);
	/* ../shared/reference/samples/migrate-dev-warnings/02_change.migration.sql */
	assert_string_equal(sb.buf,
		"/*\n  Warnings:\n\n"
		"  - The values [GREEN] on the enum `Color` will be removed. If these variants are still used in the database, this will fail.\n"
		"  - You are about to drop the column `note` on the `Item` table. All the data in the column will be lost.\n"
		"  - A unique constraint covering the columns `[name]` on the table `Item` will be added. If there are existing duplicate values, this will fail.\n"
		"  - Added the required column `extra` to the `Item` table without a default value. This is not possible if the table is not empty.\n"
		"\n*/\n");
	assert_int_equal(r->unexecutable.len, 1);

	/* with row counts from a database */
	assert_int_equal(st_destructive_check(cx, m, &rc, &r), 0);
	assert_string_equal(r->unexecutable.items[0],
		"Added the required column `extra` to the `Item` table without a default value. There are 3 rows in this table, it is not possible to execute this step.");
	assert_string_equal(r->warnings.items[1],
		"You are about to drop the column `note` on the `Item` table, which still contains 2 non-null values.");
}

static void
test_sqlschema_destructive__empty_tables_are_safe(void **state)
{
	st_schema *a = psl(BASE);
	st_schema *b = psl(DS "\nmodel Other {\n  id Int @id\n}\n");
	st_diff_result *m;
	st_destructive_report *r;
	st_row_counter rc = { NULL, NULL, NULL, NULL };

	assert_int_equal(st_diff(cx, a, b, &m), 0);
	assert_int_equal(st_destructive_check(cx, m, NULL, &r), 0);
	assert_int_equal(r->warnings.len, 1);
	assert_string_equal(r->warnings.items[0],
		"You are about to drop the `Item` table. If the table is not empty, all the data it contains will be lost.");
	assert_int_equal(((st_destructive_item *)r->items.items[0])->check, ST_CHECK_DROP_TABLE);
	(void)rc;
}

static void
test_sqlschema_from_psl__implicit_m2m_and_names(void **state)
{
	st_schema *s = psl(DS
		"\nmodel Post {\n  id   Int   @id\n  tags Tag[]\n}\n"
		"\nmodel Tag {\n  id    String @id @db.Uuid\n  posts Post[]\n}\n");
	st_table *j = st_schema_table(s, NULL, "_PostToTag");

	assert_non_null(j);
	assert_string_equal(j->pk->name, "_PostToTag_AB_pkey");
	assert_int_equal(((st_column *)j->columns.items[0])->type.native, ST_PG_INTEGER);
	assert_int_equal(((st_column *)j->columns.items[1])->type.native, ST_PG_UUID);
	assert_string_equal(((st_index *)j->indexes.items[0])->name, "_PostToTag_B_index");
	assert_string_equal(((st_fk *)j->fks.items[0])->name, "_PostToTag_A_fkey");
	assert_int_equal(((st_fk *)j->fks.items[1])->on_delete, ST_FK_CASCADE);
}

/* ==== built and rendered in parts = in one pass ==== */

/* The threads' environment (util/par.h): one part, or as many as can be
 * (a part per model, per step, up to 4). */
static void
par_env(bool split)
{
	split_env(split ? "4" : "1", split ? "1" : NULL);
}

/* What the script does not show of a schema: ids and positions. */
static void
dump_ids(st_strbuf *sb, const st_schema *s)
{
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		st_strbuf_addf(sb, "table %d %s pk %d:", t->id, t->name,
			       t->pk ? t->pk->id : -1);
		for (size_t j = 0; j < t->columns.len; j++)
			st_strbuf_addf(sb, " %d",
				       ((st_column *)t->columns.items[j])->pos);
		for (size_t j = 0; j < t->indexes.len; j++)
			st_strbuf_addf(sb, " i%d",
				       ((st_index *)t->indexes.items[j])->id);
		for (size_t j = 0; j < t->fks.len; j++)
			st_strbuf_addf(sb, " f%d", ((st_fk *)t->fks.items[j])->id);
		st_strbuf_addch(sb, '\n');
	}
	st_strbuf_addf(sb, "next %d %d\n", s->next_index_id, s->next_fk_id);
}

/*
 * The script from a to b (NULL: the empty schema) and both schemas' ids,
 * into out; false when a schema does not validate.
 */
static bool
diff_text(st_strbuf *out, const char *a, const char *b, bool split)
{
	st_ctx *lcx = st_ctx_new(NULL);
	st_schema *from, *to;
	st_diff_result *m;
	bool ok = false;

	par_env(split);
	if (split)
		assert_int_equal(st_par_parts(2, 1000), 2);
	from = load_schema(lcx, a);
	to = from ? load_schema(lcx, b) : NULL;
	if (to) {
		assert_int_equal(st_diff(lcx, from, to, &m), 0);
		st_render_script(lcx, out, m);
		dump_ids(out, from);
		dump_ids(out, to);
		ok = true;
	}
	st_ctx_free(lcx);
	return ok;
}

/* Returns 1 when the pair was compared, 0 when a side does not validate. */
static int
assert_split_same(const char *a, const char *b)
{
	st_strbuf one = ST_STRBUF_INIT, split = ST_STRBUF_INIT;
	bool ok1 = diff_text(&one, a, b, false);
	bool ok2 = diff_text(&split, a, b, true);

	assert_int_equal(ok1, ok2);
	if (strcmp(one.buf, split.buf)) {
		size_t at = 0;

		while (one.buf[at] == split.buf[at])
			at++;
		print_error("%s -> %s: one pass and parts differ at byte %zu:\n"
			    "%.200s\n--- parts:\n%.200s\n", a ? a : "(empty)", b,
			    at, one.buf + at, split.buf + at);
		fail();
	}
	st_strbuf_release(&one);
	st_strbuf_release(&split);
	return ok1;
}

/*
 * Every corpus schema from empty and from the previous one, every
 * diff-pairs case both ways: the same SQL (and ids) with each stage in
 * as many parts as can be as on one thread.
 */
static void
test_sqlschema_split__corpus_and_pairs(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	const char *pairs = "tests/fixtures/diff-pairs";
	st_ctx *lcx = st_ctx_new(NULL);
	const char *prev = NULL;
	st_vec names;
	int n = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	st_vec_init(&names, lcx->arena);
	if (corpus_schemas(lcx, corpus, &names)) {
		for (size_t i = 0; i < names.len; i++) {
			const char *path = names.items[i];

			n += assert_split_same(NULL, path);
			if (prev)
				n += assert_split_same(prev, path);
			prev = path;
		}
	} else {
		print_message("no corpus at %s (set STRATA_CORPUS): corpus "
			      "skipped\n", corpus);
	}
	if (st_path_is_dir(pairs)) {
		assert_int_equal(st_dir_list(lcx, pairs, &names), 0);
		for (size_t i = 0; i < names.len; i++) {
			char *dir = st_path_join(lcx->arena, pairs,
						 names.items[i]);
			char *a = st_path_join(lcx->arena, dir, "a.prisma");
			char *b = st_path_join(lcx->arena, dir, "b.prisma");

			if (!st_path_exists(a) || !st_path_exists(b))
				continue;
			n += assert_split_same(a, b);
			n += assert_split_same(b, a);
		}
	} else {
		print_message("no %s (run from the source tree): pairs "
			      "skipped\n", pairs);
	}
	split_env(NULL, NULL);
	st_ctx_free(lcx);
	print_message("%d scripts the same in parts\n", n);
	if (n == 0)
		skip();
}

/* ==== the differ in parts = in one pass, step by step ==== */

static void
assert_vec_same(const st_vec *a, const st_vec *b)
{
	assert_int_equal(a->len, b->len);
	for (size_t i = 0; i < a->len; i++)
		assert_ptr_equal(a->items[i], b->items[i]);
}

/*
 * Every field of every step the same (the objects of the same two
 * schemas, the lists made anew): more than the script shows, e.g. a
 * default usage of an enum that the renderer would print the same from
 * another column of that name.
 */
static void
assert_steps_same(const st_diff_result *one, const st_diff_result *split,
		  const char *what)
{
	if (one->steps.len != split->steps.len)
		print_error("%s: %zu steps in one pass, %zu in parts\n", what,
			    one->steps.len, split->steps.len);
	assert_int_equal(one->steps.len, split->steps.len);
	for (size_t i = 0; i < one->steps.len; i++) {
		const st_step *x = one->steps.items[i], *y = split->steps.items[i];

		if (x->kind != y->kind)
			print_error("%s: step %zu is %s in one pass, %s in parts\n",
				    what, i, st_step_name(x->kind),
				    st_step_name(y->kind));
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->ext_alter_version, y->ext_alter_version);
		assert_int_equal(x->ext_alter_schema, y->ext_alter_schema);
		assert_int_equal(x->from_drop_and_recreate,
				 y->from_drop_and_recreate);
		assert_ptr_equal(x->ns, y->ns);
		assert_ptr_equal(x->ext_prev, y->ext_prev);
		assert_ptr_equal(x->ext_next, y->ext_next);
		assert_ptr_equal(x->enum_prev, y->enum_prev);
		assert_ptr_equal(x->enum_next, y->enum_next);
		assert_ptr_equal(x->table_prev, y->table_prev);
		assert_ptr_equal(x->table_next, y->table_next);
		assert_ptr_equal(x->index_prev, y->index_prev);
		assert_ptr_equal(x->index_next, y->index_next);
		assert_ptr_equal(x->fk_prev, y->fk_prev);
		assert_ptr_equal(x->fk_next, y->fk_next);
		if (x->kind == ST_STEP_ALTER_TABLE) {
			assert_int_equal(x->changes.len, y->changes.len);
			for (size_t j = 0; j < x->changes.len; j++) {
				const st_table_change *c = x->changes.items[j];
				const st_table_change *d = y->changes.items[j];

				assert_int_equal(c->kind, d->kind);
				assert_ptr_equal(c->prev, d->prev);
				assert_ptr_equal(c->next, d->next);
				assert_int_equal(c->changes, d->changes);
				assert_int_equal(c->type_change, d->type_change);
			}
		} else if (x->kind == ST_STEP_ALTER_ENUM) {
			const st_alter_enum *e = x->alter_enum, *f = y->alter_enum;

			assert_vec_same(&e->created_values, &f->created_values);
			assert_vec_same(&e->dropped_values, &f->dropped_values);
			assert_int_equal(e->default_usages.len,
					 f->default_usages.len);
			for (size_t j = 0; j < e->default_usages.len; j++) {
				const st_enum_usage *u = e->default_usages.items[j];
				const st_enum_usage *v = f->default_usages.items[j];

				assert_ptr_equal(u->prev, v->prev);
				assert_ptr_equal(u->next, v->next);
			}
		}
	}
}

/* st_diff from a to b (schemas, NULL: the empty one) on one thread and
 * in as many parts as can be; returns 1 when both validate. */
static int
assert_diff_steps_same(st_ctx *lcx, st_schema *a, st_schema *b,
		       const char *what)
{
	st_diff_result *one, *split;

	if (!a || !b)
		return 0;
	par_env(false);
	assert_int_equal(st_diff(lcx, a, b, &one), 0);
	par_env(true);
	assert_int_equal(st_diff(lcx, a, b, &split), 0);
	assert_steps_same(one, split, what);
	return 1;
}

/*
 * A schema of n models in a chain of relations (bench/gen-schema.sh's
 * shape), and a version b of it with every kind of change the differ
 * makes in parts, spread over the tables: types (risky, not castable),
 * columns added and dropped, indexes changed and dropped, foreign keys
 * changed, tables added and dropped, and a value dropped from an enum
 * that many columns (of dropped tables too) have as default.
 */
static char *
gen_schema(st_arena *a, int n, bool b)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	st_strbuf_addf(&sb, "datasource db {\n  provider = \"postgresql\"\n}\n\n"
		       "enum Status {\n  ACTIVE\n  ARCHIVED\n%s  DELETED\n}\n\n",
		       b ? "" : "  PAUSED\n");
	for (int i = 1; i <= n; i++) {
		st_strbuf_addf(&sb, "model M%d {\n"
			       "  id Int @id @default(autoincrement())\n"
			       "  name String @db.VarChar(%d)\n"
			       "  slug String%s\n"
			       "  status Status @default(ACTIVE)\n", i,
			       b && i % 7 == 0 ? 80 : 120,
			       b && i % 17 == 0 ? "" : " @unique");
		if (!(b && i % 19 == 0))
			st_strbuf_adds(&sb, "  amount Decimal? @db.Decimal(12, 2)\n");
		st_strbuf_addf(&sb, "  data %s?\n",
			       b && i % 43 == 0 ? "Int" : "Json");
		if (b && i % 11 == 0)
			st_strbuf_adds(&sb, "  extra Int?\n");
		st_strbuf_adds(&sb, "  createdAt DateTime @default(now())\n");
		if (b && i % 29 == 0)
			st_strbuf_addf(&sb, "  n N%d?\n", i);
		if (i > 1)
			st_strbuf_addf(&sb, "  parentId Int?\n"
				       "  parent M%d? @relation(\"P%d\", "
				       "fields: [parentId], references: [id], "
				       "onDelete: %s)\n", i - 1, i,
				       b && i % 41 == 0 ? "SetNull" : "Cascade");
		if (i < n)
			st_strbuf_addf(&sb, "  children M%d[] @relation(\"P%d\")\n",
				       i + 1, i + 1);
		st_strbuf_addf(&sb, "\n  @@index([%s])\n}\n\n",
			       b && i % 13 == 0 ? "createdAt, name" :
			       "name, createdAt");
		if (!b && i % 31 == 0)
			st_strbuf_addf(&sb, "model D%d {\n  id Int @id\n"
				       "  status Status @default(PAUSED)\n"
				       "  code String\n\n  @@unique([code])\n}\n\n",
				       i);
		if (b && i % 29 == 0)
			st_strbuf_addf(&sb, "model N%d {\n  id Int @id\n"
				       "  status Status @default(ACTIVE)\n"
				       "  m M%d @relation(fields: [id], "
				       "references: [id])\n}\n\n", i, i);
	}
	return sb.buf;
}

/* The schema of a text, or NULL when it does not validate. */
static st_schema *
load_text(st_ctx *lcx, const char *text)
{
	st_source *src = st_source_new(lcx, "gen.prisma", text, strlen(text));
	st_psl_schema *ast;
	st_psl_model *pm;
	st_schema *s;

	if (st_psl_parse_schema(lcx, &src, 1, &ast) < 0 ||
	    st_psl_validate(lcx, ast, &pm) < 0 ||
	    st_schema_from_psl(lcx, pm, &s) < 0)
		return NULL;
	return s;
}

/*
 * st_diff in parts (table pairs in ranges on threads, their steps joined
 * kind by kind) gives every step as on one thread: the corpus from empty
 * and from the previous project, the diff-pairs both ways, and a
 * generated pair of 400 models both ways and from and to nothing.
 */
static void
test_sqlschema_split__diff_steps(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	const char *pairs = "tests/fixtures/diff-pairs";
	st_ctx *lcx = st_ctx_new(NULL);
	st_schema *empty = st_schema_empty(lcx), *prev = NULL, *ga, *gb;
	st_vec names;
	int n = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	par_env(false);
	st_vec_init(&names, lcx->arena);
	if (corpus_schemas(lcx, corpus, &names)) {
		for (size_t i = 0; i < names.len; i++) {
			const char *path = names.items[i];
			st_schema *s;

			par_env(false);
			s = load_schema(lcx, path);
			n += assert_diff_steps_same(lcx, empty, s, path);
			if (prev)
				n += assert_diff_steps_same(lcx, prev, s, path);
			if (s)
				prev = s;
		}
	}
	if (st_path_is_dir(pairs)) {
		assert_int_equal(st_dir_list(lcx, pairs, &names), 0);
		for (size_t i = 0; i < names.len; i++) {
			char *dir = st_path_join(lcx->arena, pairs,
						 names.items[i]);
			char *pa = st_path_join(lcx->arena, dir, "a.prisma");
			char *pb = st_path_join(lcx->arena, dir, "b.prisma");
			st_schema *a, *b;

			if (!st_path_exists(pa) || !st_path_exists(pb))
				continue;
			par_env(false);
			a = load_schema(lcx, pa);
			b = a ? load_schema(lcx, pb) : NULL;
			n += assert_diff_steps_same(lcx, a, b, dir);
			n += assert_diff_steps_same(lcx, b, a, dir);
		}
	}
	par_env(false);
	ga = load_text(lcx, gen_schema(lcx->arena, 400, false));
	gb = load_text(lcx, gen_schema(lcx->arena, 400, true));
	if (!ga || !gb)
		for (size_t i = 0; i < lcx->diags.len; i++)
			print_error("  %s\n", ((st_diag *)lcx->diags.items[i])->msg);
	assert_non_null(ga);
	assert_non_null(gb);
	assert_int_equal(assert_diff_steps_same(lcx, ga, gb, "generated a -> b"), 1);
	assert_int_equal(assert_diff_steps_same(lcx, gb, ga, "generated b -> a"), 1);
	assert_int_equal(assert_diff_steps_same(lcx, empty, gb, "generated b"), 1);
	assert_int_equal(assert_diff_steps_same(lcx, ga, empty, "generated -a"), 1);
	n += 4;
	split_env(NULL, NULL);
	st_ctx_free(lcx);
	print_message("%d diffs the same step by step in parts\n", n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlschema_render__create_from_handmade_ir),
		cmocka_unit_test(test_sqlschema_diff__same_schema_is_empty),
		cmocka_unit_test(test_sqlschema_diff__drop_everything),
		cmocka_unit_test(test_sqlschema_render__hostile_identifier_is_quoted),
		cmocka_unit_test(test_sqlschema_diff__merged_alter_table_order),
		cmocka_unit_test(test_sqlschema_diff__enum_rewrite_and_summary),
		cmocka_unit_test(test_sqlschema_render__introspected_side_qualifies),
		cmocka_unit_test(test_sqlschema_destructive__warnings_like_migrate_dev),
		cmocka_unit_test(test_sqlschema_destructive__empty_tables_are_safe),
		cmocka_unit_test(test_sqlschema_from_psl__implicit_m2m_and_names),
		cmocka_unit_test(test_sqlschema_split__corpus_and_pairs),
		cmocka_unit_test(test_sqlschema_split__diff_steps),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
