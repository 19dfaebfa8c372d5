/*
 * test_diff.c - the SQL schema model, the differ, the renderer, the
 * summary and the destructive-change checker, on hand-built models and on
 * small schemas (through the parser and validator), with expectations
 * taken from the real Prisma 7.10 (../shared/reference/samples).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"

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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
