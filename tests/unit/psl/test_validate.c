/*
 * test_validate.c - the validator's resolved model (model.h): relations,
 * implicit many-to-many, indexes and their default names, native types,
 * defaults, datasource; diagnostics with Prisma's lines; the corpus;
 * the same results on one thread and split into parts.  The golden
 * invalid-schema cases run in tests/e2e/test_validate.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "util/fs.h"

#include "unit/split_env.h"

static const char head[] = "datasource db {\n  provider = \"postgresql\"\n}\n";

/* Parses and validates text (prefixed with a datasource unless it has
 * one); returns the validation result code. */
static int
check(st_ctx *cx, const char *text, st_psl_model **out)
{
	const char *full = strstr(text, "datasource") ? text
		: st_strfmt(cx->arena, "%s\n%s", head, text);
	st_source *src = st_source_new(cx, "schema.prisma", full, strlen(full));
	st_psl_schema *ast;

	*out = NULL;
	if (st_psl_parse_schema(cx, &src, 1, &ast) < 0)
		return -100;
	return st_psl_validate(cx, ast, out);
}

/* Line of the i-th error diagnostic. */
static size_t
diag_line(st_ctx *cx, size_t i)
{
	size_t line, col, k = 0;

	for (size_t j = 0; j < cx->diags.len; j++) {
		const st_diag *d = cx->diags.items[j];

		if (d->severity != ST_SEV_ERROR)
			continue;
		if (k++ == i) {
			st_source_linecol(d->span.src, d->span.start, &line, &col);
			return line;
		}
	}
	return 0;
}

static void
dump_diags(st_ctx *cx)
{
	st_strbuf sb = ST_STRBUF_INIT;

	for (size_t i = 0; i < cx->diags.len; i++)
		st_diag_render(&sb, cx->diags.items[i], false);
	fputs(sb.buf, stderr);
	st_strbuf_release(&sb);
}

#define assert_valid(cx, text, m) do { \
	int rc_ = check(cx, text, m); \
	if (rc_ != 0) dump_diags(cx); \
	assert_int_equal(rc_, 0); \
} while (0)

static void
test_validate_relations__one_to_many(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_rmodel *user, *post;
	st_psl_rfield *author, *posts;

	assert_valid(cx,
		"model User {\n"
		"  id    Int    @id @default(autoincrement())\n"
		"  posts Post[]\n"
		"  @@map(\"users\")\n"
		"}\n"
		"model Post {\n"
		"  id       Int   @id\n"
		"  authorId Int?  @map(\"author_id\")\n"
		"  author   User? @relation(fields: [authorId], references: [id])\n"
		"}\n", &m);
	user = st_psl_model_find(m, "User");
	post = st_psl_model_find(m, "Post");
	assert_non_null(user);
	assert_non_null(post);
	assert_string_equal(user->db_name, "users");
	author = st_psl_rmodel_field(post, "author");
	posts = st_psl_rmodel_field(user, "posts");
	assert_int_equal(author->type, ST_PSL_T_RELATION);
	assert_int_equal(author->rel->kind, ST_PSL_REL_ONE_TO_MANY);
	assert_int_equal(posts->rel->kind, ST_PSL_REL_ONE_TO_MANY);
	assert_ptr_equal(author->rel->related, user);
	assert_ptr_equal(author->rel->back, posts);
	assert_ptr_equal(posts->rel->back, author);
	assert_true(author->rel->holds_fk);
	assert_false(posts->rel->holds_fk);
	assert_int_equal(author->rel->nfields, 1);
	assert_ptr_equal(author->rel->fields[0],
			 st_psl_rmodel_field(post, "authorId"));
	assert_ptr_equal(author->rel->references[0],
			 st_psl_rmodel_field(user, "id"));
	assert_string_equal(author->rel->name, "PostToUser");
	/* optional FK: ON DELETE SET NULL, ON UPDATE CASCADE */
	assert_int_equal(author->rel->on_delete, ST_PSL_ACT_UNSET);
	assert_int_equal(author->rel->eff_on_delete, ST_PSL_ACT_SET_NULL);
	assert_int_equal(author->rel->eff_on_update, ST_PSL_ACT_CASCADE);
	assert_string_equal(author->rel->fk_name, "Post_author_id_fkey");
	assert_string_equal(user->pk->db_name, "users_pkey");
	assert_int_equal(st_psl_rmodel_field(user, "id")->def->kind,
			 ST_PSL_DEF_AUTOINCREMENT);
	assert_int_equal(m->nm2m, 0);
	st_ctx_free(cx);
}

static void
test_validate_relations__one_to_one_and_actions(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_rfield *user, *profile;

	assert_valid(cx,
		"model User {\n"
		"  id      String   @id @default(uuid(7))\n"
		"  profile Profile?\n"
		"}\n"
		"model Profile {\n"
		"  id     Int    @id\n"
		"  userId String @unique\n"
		"  user   User   @relation(fields: [userId], references: [id], "
		"onDelete: Cascade, map: \"profile_owner\")\n"
		"}\n", &m);
	user = st_psl_rmodel_field(st_psl_model_find(m, "Profile"), "user");
	profile = st_psl_rmodel_field(st_psl_model_find(m, "User"), "profile");
	assert_int_equal(user->rel->kind, ST_PSL_REL_ONE_TO_ONE);
	assert_int_equal(profile->rel->kind, ST_PSL_REL_ONE_TO_ONE);
	assert_true(user->rel->holds_fk);
	assert_false(profile->rel->holds_fk);
	assert_int_equal(user->rel->on_delete, ST_PSL_ACT_CASCADE);
	assert_int_equal(user->rel->eff_on_delete, ST_PSL_ACT_CASCADE);
	assert_string_equal(user->rel->fk_name, "profile_owner");
	assert_string_equal(st_psl_action_sql(user->rel->eff_on_update),
			    "CASCADE");
	assert_int_equal(st_psl_rmodel_field(st_psl_model_find(m, "User"),
					     "id")->def->version, 7);
	st_ctx_free(cx);
}

static void
test_validate_relations__implicit_many_to_many(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_m2m *j;

	assert_valid(cx,
		"model Post {\n"
		"  id         Int        @id\n"
		"  categories Category[]\n"
		"  tags       Tag[]      @relation(\"PostTags\")\n"
		"}\n"
		"model Category {\n"
		"  id    Int    @id\n"
		"  posts Post[]\n"
		"}\n"
		"model Tag {\n"
		"  id    String @id\n"
		"  posts Post[] @relation(\"PostTags\")\n"
		"}\n", &m);
	assert_int_equal(m->nm2m, 2);
	j = m->m2m[0];                    /* sorted by table name */
	assert_string_equal(j->table, "_CategoryToPost");
	assert_string_equal(j->model_a->name, "Category");
	assert_string_equal(j->model_b->name, "Post");
	assert_string_equal(j->field_a->name, "posts");
	assert_string_equal(j->id_a->name, "id");
	j = m->m2m[1];
	assert_string_equal(j->table, "_PostTags");
	assert_string_equal(j->model_a->name, "Post");
	assert_int_equal(j->id_b->type, ST_PSL_T_STRING);
	assert_ptr_equal(st_psl_rmodel_field(st_psl_model_find(m, "Tag"),
					     "posts")->rel->m2m, j);
	st_ctx_free(cx);
}

static void
test_validate_indexes__names_and_arguments(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_rmodel *u;

	assert_valid(cx,
		"model User {\n"
		"  id        Int    @id(map: \"user_pk\")\n"
		"  email     String @unique @map(\"e_mail\")\n"
		"  firstName String @map(\"first_name\")\n"
		"  lastName  String\n"
		"  meta      Json\n"
		"  @@unique([firstName, lastName], name: \"fullName\")\n"
		"  @@index([lastName(sort: Desc)])\n"
		"  @@index([meta(ops: JsonbPathOps)], type: Gin, map: \"meta_gin\")\n"
		"}\n", &m);
	u = st_psl_model_find(m, "User");
	assert_string_equal(u->pk->db_name, "user_pk");
	assert_true(u->pk->field_level);
	assert_int_equal(u->nindexes, 4);
	assert_int_equal(u->indexes[0]->kind, ST_PSL_IDX_UNIQUE);
	assert_string_equal(u->indexes[0]->db_name, "User_e_mail_key");
	assert_string_equal(u->indexes[1]->db_name, "User_first_name_lastName_key");
	assert_string_equal(u->indexes[1]->name, "fullName");
	assert_int_equal(u->indexes[2]->kind, ST_PSL_IDX_NORMAL);
	assert_string_equal(u->indexes[2]->db_name, "User_lastName_idx");
	assert_int_equal(u->indexes[2]->fields[0].sort, ST_PSL_SORT_DESC);
	assert_string_equal(u->indexes[3]->db_name, "meta_gin");
	assert_int_equal(u->indexes[3]->type, ST_PSL_ITYPE_GIN);
	assert_string_equal(u->indexes[3]->fields[0].ops_sql, "jsonb_path_ops");
	assert_true(st_psl_rmodel_field(u, "id")->is_id);
	assert_true(st_psl_rmodel_field(u, "email")->is_unique);
	st_ctx_free(cx);
}

static void
test_validate_names__truncation(void **state)
{
	st_arena *a = st_arena_new(NULL);
	const char *cols[] = { "a_rather_long_column_name", "another_long_one" };
	char *n;
	char table[80];

	assert_string_equal(st_psl_name_pk(a, "User"), "User_pkey");
	assert_string_equal(st_psl_name_fk(a, "Post", cols, 1),
			    "Post_a_rather_long_column_name_fkey");
	n = st_psl_name_index(a, "SomeVeryLongTableNameForTesting", cols, 2);
	assert_int_equal(strlen(n), 63);
	assert_string_equal(n, "SomeVeryLongTableNameForTesting_a_rather_long_column_name_a_idx");
	/* a name of 63 - strlen("_pkey") bytes or more is cut there */
	memset(table, 'x', 59);
	table[59] = '\0';
	n = st_psl_name_pk(a, table);
	assert_int_equal(strlen(n), 63);
	assert_int_equal(strncmp(n, table, 58), 0);
	assert_string_equal(n + 58, "_pkey");
	/* never inside a UTF-8 character: the cut at byte 59 would split
	 * the 2-byte "é" at bytes 58-59, so it happens at 58 */
	memset(table, 'x', 58);
	strcpy(table + 58, "\xc3\xa9yy");
	n = st_psl_name_unique(a, table, cols, 1);
	assert_int_equal(strlen(n), 62);
	assert_int_equal(strncmp(n, table, 58), 0);
	assert_string_equal(n + 58, "_key");
	st_arena_free(a);
}

static void
test_validate_types__native_and_defaults(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_rmodel *t;
	st_psl_rfield *f;

	assert_valid(cx,
		"enum Role {\n"
		"  ADMIN @map(\"admin\")\n"
		"  USER\n"
		"  @@map(\"role\")\n"
		"}\n"
		"model T {\n"
		"  id     String   @id @default(cuid(2)) @db.VarChar(30)\n"
		"  price  Decimal  @default(\"2.50\") @db.Decimal(10, 2)\n"
		"  at     DateTime @default(now()) @db.Timestamptz(6)\n"
		"  role   Role     @default(ADMIN)\n"
		"  tags   String[] @default([\"a\", \"b\"])\n"
		"  expr   Int      @default(dbgenerated(\"(1 + 1)\"))\n"
		"  shape  Unsupported(\"circle\")?\n"
		"  ok     Boolean  @default(true) @db.Boolean\n"
		"  big    BigInt   @default(-5)\n"
		"}\n", &m);
	t = st_psl_model_find(m, "T");
	f = st_psl_rmodel_field(t, "id");
	assert_string_equal(f->native->sql_type, "VARCHAR(30)");
	assert_int_equal(f->def->kind, ST_PSL_DEF_CUID);
	assert_int_equal(f->def->version, 2);
	f = st_psl_rmodel_field(t, "price");
	assert_string_equal(f->native->sql_type, "DECIMAL(10,2)");
	assert_int_equal(f->def->kind, ST_PSL_DEF_LITERAL);
	assert_string_equal(f->def->value.text, "2.50");
	assert_string_equal(st_psl_rmodel_field(t, "at")->native->sql_type,
			    "TIMESTAMPTZ(6)");
	f = st_psl_rmodel_field(t, "role");
	assert_int_equal(f->type, ST_PSL_T_ENUM);
	assert_string_equal(f->enum_ref->db_name, "role");
	assert_int_equal(f->def->value.kind, ST_PSL_V_ENUM);
	assert_string_equal(f->def->value.enum_value->db_name, "admin");
	f = st_psl_rmodel_field(t, "tags");
	assert_int_equal(f->arity, ST_PSL_LIST);
	assert_int_equal(f->def->kind, ST_PSL_DEF_LIST);
	assert_int_equal(f->def->nitems, 2);
	assert_string_equal(f->def->items[1].text, "b");
	assert_string_equal(st_psl_rmodel_field(t, "expr")->def->expr, "(1 + 1)");
	f = st_psl_rmodel_field(t, "shape");
	assert_int_equal(f->type, ST_PSL_T_UNSUPPORTED);
	assert_string_equal(f->unsupported, "circle");
	assert_string_equal(st_psl_rmodel_field(t, "big")->def->value.text, "-5");
	assert_string_equal(st_psl_default_sql_type(ST_PSL_T_DATETIME),
			    "TIMESTAMP(3)");
	st_ctx_free(cx);
}

static void
test_validate_config__datasource_and_generators(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	st_psl_datasource *ds;

	assert_valid(cx,
		"generator client {\n"
		"  provider        = \"prisma-client-js\"\n"
		"  previewFeatures = [\"postgresqlExtensions\", \"metrics\"]\n"
		"}\n"
		"datasource db {\n"
		"  provider     = \"postgres\"\n"
		"  url          = env(\"DATABASE_URL\")\n"
		"  directUrl    = \"postgresql://u@h/d\"\n"
		"  relationMode = \"prisma\"\n"
		"  extensions   = [pg_trgm, uuid_ossp(map: \"uuid-ossp\", schema: \"ext\")]\n"
		"  schemas      = [\"public\", \"auth\"]\n"
		"}\n"
		"model A {\n"
		"  id Int @id\n"
		"  @@schema(\"auth\")\n"
		"}\n", &m);
	ds = m->datasource;
	assert_string_equal(ds->provider, "postgres");
	assert_true(ds->url.is_env);
	assert_string_equal(ds->url.value, "DATABASE_URL");
	assert_false(ds->direct_url.is_env);
	assert_true(ds->relation_mode_prisma);
	assert_int_equal(ds->nextensions, 2);
	assert_string_equal(ds->extensions[1]->db_name, "uuid-ossp");
	assert_string_equal(ds->extensions[1]->schema, "ext");
	assert_int_equal(ds->nschemas, 2);
	assert_string_equal(st_psl_model_find(m, "A")->schema, "auth");
	assert_int_equal(m->ngenerators, 1);
	assert_true(st_psl_has_preview(m, "postgresqlExtensions"));
	/* metrics: known to Prisma 6 only, a warning not an error */
	assert_int_equal(st_diag_count(cx, ST_SEV_ERROR), 0);
	assert_int_equal(st_diag_count(cx, ST_SEV_WARNING), 1);
	st_ctx_free(cx);
}

static void
test_validate_errors__all_reported_on_prisma_lines(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;

	/* the first datasource is 3 lines and a blank, so models start at 5 */
	assert_int_equal(check(cx,
		"model A {\n"            /* 5 */
		"  id Int @id\n"
		"  x  Int @default(\"no\")\n"      /* 7 */
		"  y  String @db.Integer\n"        /* 8 */
		"  z  DateTime @updatedAt @default(now()) @unique @unique\n"
		"}\n", &m), ST_EPARSE);
	st_diag_sort(cx);
	/* Prisma 7.10 (oracle): the native type on line 8 belongs to its
	 * validation pipeline, which does not run after attribute errors */
	assert_int_equal(st_diag_count(cx, ST_SEV_ERROR), 3);
	assert_int_equal(diag_line(cx, 0), 7);
	assert_int_equal(diag_line(cx, 1), 9);
	assert_int_equal(diag_line(cx, 2), 9);
	assert_true(strstr(((st_diag *)cx->diags.items[0])->msg,
			   "Expected a Int value") != NULL);
	assert_string_equal(((st_diag *)cx->diags.items[0])->code, "P1012");
	assert_true(st_err_is_set(cx));
	st_ctx_free(cx);
}

/* Every corpus schema validates; civitai resolves its 302 models. */
/* Native types and custom-name clashes are Prisma's validation
 * pipeline: reported together with the constraint-name checks. */
static void
test_validate_errors__late_checks_together(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;

	assert_int_equal(check(cx,
		"model A {\n"                       /* 5 */
		"  id Int    @id\n"
		"  x  Int    @db.Text\n"             /* 7 */
		"  b  Int\n"
		"  @@unique([b], name: \"x\")\n"
		"  @@map(\"B\")\n"                    /* 10 */
		"}\n"
		"model B {\n"                       /* 12 */
		"  id Int @id\n"
		"}\n", &m), ST_EPARSE);
	st_diag_sort(cx);
	assert_int_equal(st_diag_count(cx, ST_SEV_ERROR), 5);
	assert_int_equal(diag_line(cx, 0), 5);  /* custom name `x` */
	assert_int_equal(diag_line(cx, 1), 6);  /* B_pkey (A maps to B) */
	assert_int_equal(diag_line(cx, 2), 7);  /* Text on Int */
	assert_int_equal(diag_line(cx, 3), 10); /* on A's @@map, naming B */
	assert_true(strstr(((st_diag *)cx->diags.items[3])->msg,
			   "exists: \"B\"") != NULL);
	assert_int_equal(diag_line(cx, 4), 13); /* B_pkey again */
	st_ctx_free(cx);
}

static void
test_validate_corpus__all_valid(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	static const char *const projects[] = {
		"civitai", "comp", "documenso", "formbricks", "ghostfolio",
		"hoppscotch", "inbox-zero", "langfuse", "papermark", "rallly",
		"teable", "tianji", "trigger", "typebot", "umami", "webstudio",
	};
	size_t done = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	if (!st_path_is_dir(corpus)) {
		skip();
		return;
	}
	for (size_t i = 0; i < sizeof(projects) / sizeof(projects[0]); i++) {
		st_ctx *cx = st_ctx_new(NULL);
		char *dir = st_path_join(cx->arena, corpus, projects[i]);
		char *path = st_path_join(cx->arena, dir, "schema");
		st_vec srcs;
		st_psl_schema *ast;
		st_psl_model *m;
		int rc;

		if (!st_path_is_dir(path))
			path = st_path_join(cx->arena, dir, "schema.prisma");
		if (!st_path_exists(path)) {
			st_ctx_free(cx);
			continue;
		}
		assert_int_equal(st_psl_read_sources(cx, path, &srcs), 0);
		assert_int_equal(st_psl_parse_schema(cx, (st_source **)srcs.items,
						     srcs.len, &ast), 0);
		rc = st_psl_validate(cx, ast, &m);
		if (rc != 0) {
			fprintf(stderr, "corpus %s:\n", projects[i]);
			dump_diags(cx);
		}
		assert_int_equal(rc, 0);
		/* every relation field found its other side */
		for (size_t j = 0; j < m->nmodels; j++)
			for (size_t k = 0; k < m->models[j]->nfields; k++) {
				st_psl_rfield *f = m->models[j]->fields[k];

				if (f->type == ST_PSL_T_RELATION)
					assert_non_null(f->rel->back);
			}
		if (!strcmp(projects[i], "civitai")) {
			size_t models = 0;

			for (size_t j = 0; j < m->nmodels; j++)
				models += !m->models[j]->is_view;
			assert_int_equal(models, 302);
			assert_int_equal(m->nenums, 121);
		}
		done++;
		st_ctx_free(cx);
	}
	assert_true(done > 0);
}

/* ==== one thread or several: the same result ====
 *
 * On a big schema st_psl_validate runs its model-by-model work in parts,
 * one range of models per thread (validate.c "parts": phases 1 to 3,
 * relation pairing and checks, constraint names), and joins them in
 * model order.  These tests validate the same AST with STRATA_THREADS=1
 * and with every schema forced to split (STRATA_THREADS=4
 * STRATA_PAR_MIN=1, or the default minimum on a generated big schema)
 * and compare the diagnostics, in the order they were reported (not
 * sorted), and a dump of the whole resolved model, byte for byte.
 */

static void
dump_rfield_list(st_strbuf *sb, const char *what, st_psl_rfield *const *fs,
		 size_t n)
{
	st_strbuf_addf(sb, " %s=[", what);
	for (size_t i = 0; i < n; i++)
		st_strbuf_addf(sb, "%s%s.%s", i ? "," : "",
			       fs[i] ? fs[i]->model->name : "?",
			       fs[i] ? fs[i]->name : "?");
	st_strbuf_adds(sb, "]");
}

static void
dump_literal(st_strbuf *sb, const st_psl_literal *l)
{
	st_strbuf_addf(sb, "%d:", (int)l->kind);
	st_strbuf_add(sb, l->text ? l->text : "", l->text ? l->len : 0);
}

static void
dump_index(st_strbuf *sb, const st_psl_rindex *ix)
{
	st_strbuf_addf(sb, "  index kind=%d db=%s name=%s map=%s type=%d "
		       "where=%s field_level=%d [", (int)ix->kind,
		       ix->db_name ? ix->db_name : "-",
		       ix->name ? ix->name : "-", ix->map ? ix->map : "-",
		       (int)ix->type, ix->where ? ix->where : "-",
		       ix->field_level);
	for (size_t i = 0; i < ix->nfields; i++)
		st_strbuf_addf(sb, "%s%s sort=%d ops=%s/%s", i ? ", " : "",
			       ix->fields[i].field->name, (int)ix->fields[i].sort,
			       ix->fields[i].ops ? ix->fields[i].ops : "-",
			       ix->fields[i].ops_sql ? ix->fields[i].ops_sql
						     : "-");
	st_strbuf_adds(sb, "]\n");
}

/* Everything the validator resolves, as text. */
static void
dump_model(st_strbuf *sb, const st_psl_model *m)
{
	for (size_t i = 0; i < m->nenums; i++) {
		const st_psl_renum *e = m->enums[i];

		st_strbuf_addf(sb, "enum %s db=%s schema=%s:", e->name,
			       e->db_name, e->schema ? e->schema : "-");
		for (size_t j = 0; j < e->nvalues; j++)
			st_strbuf_addf(sb, " %s=%s", e->values[j]->name,
				       e->values[j]->db_name);
		st_strbuf_adds(sb, "\n");
	}
	for (size_t i = 0; i < m->nmodels; i++) {
		const st_psl_rmodel *rm = m->models[i];

		st_strbuf_addf(sb, "model %s db=%s schema=%s view=%d ignored=%d "
			       "pos=%zu\n", rm->name, rm->db_name,
			       rm->schema ? rm->schema : "-", rm->is_view,
			       rm->ignored, rm->pos);
		for (size_t j = 0; j < rm->nfields; j++) {
			const st_psl_rfield *f = rm->fields[j];
			const st_psl_default *d = f->def;

			assert_ptr_equal(st_psl_rmodel_field(rm, f->name), f);
			st_strbuf_addf(sb, "  %s db=%s type=%d/%s arity=%d pos=%u "
				       "id=%d unique=%d updated_at=%d ignored=%d "
				       "unsupported=%s enum=%s native=%s",
				       f->name, f->db_name, (int)f->type,
				       f->type_name ? f->type_name : "-",
				       (int)f->arity, f->pos, f->is_id,
				       f->is_unique, f->updated_at, f->ignored,
				       f->unsupported ? f->unsupported : "-",
				       f->enum_ref ? f->enum_ref->name : "-",
				       f->native ? f->native->sql_type : "-");
			if (d) {
				st_strbuf_addf(sb, " default=%d/%d/%d/%s/",
					       (int)d->kind, d->version, d->length,
					       d->expr ? d->expr : "-");
				dump_literal(sb, &d->value);
				for (size_t k = 0; k < d->nitems; k++) {
					st_strbuf_adds(sb, ",");
					dump_literal(sb, &d->items[k]);
				}
			}
			if (f->rel) {
				const st_psl_rrel *r = f->rel;

				st_strbuf_addf(sb, " rel=%d name=%s/%d related=%s "
					       "back=%s fk=%d del=%d/%d upd=%d/%d "
					       "map=%s fk_name=%s m2m=%s",
					       (int)r->kind, r->name ? r->name : "-",
					       r->name_explicit, r->related->name,
					       r->back ? r->back->name : "-",
					       r->holds_fk, (int)r->on_delete,
					       (int)r->eff_on_delete,
					       (int)r->on_update,
					       (int)r->eff_on_update,
					       r->map ? r->map : "-",
					       r->fk_name ? r->fk_name : "-",
					       r->m2m ? r->m2m->table : "-");
				dump_rfield_list(sb, "fields", r->fields,
						 r->fields ? r->nfields : 0);
				dump_rfield_list(sb, "references", r->references,
						 r->references ? r->nreferences
							       : 0);
			}
			st_strbuf_adds(sb, "\n");
		}
		if (rm->pk)
			dump_index(sb, rm->pk);
		for (size_t j = 0; j < rm->nindexes; j++)
			dump_index(sb, rm->indexes[j]);
	}
	for (size_t i = 0; i < m->nm2m; i++) {
		const st_psl_m2m *x = m->m2m[i];

		st_strbuf_addf(sb, "m2m %s %s.%s %s.%s id=%s/%s schema=%s\n",
			       x->table, x->model_a->name, x->field_a->name,
			       x->model_b->name, x->field_b->name,
			       x->id_a ? x->id_a->name : "-",
			       x->id_b ? x->id_b->name : "-",
			       x->schema ? x->schema : "-");
	}
}

/* Validates ast in a context of its own with the environment given
 * (NULL: unset), into *out: the result code, the diagnostics in the
 * order reported, and the model's dump. */
static void
validate_with(const st_psl_schema *ast, const char *threads,
	      const char *par_min, st_strbuf *out)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_model *m;
	int rc;

	split_env(threads, par_min);
	rc = st_psl_validate(cx, ast, &m);
	split_env(NULL, NULL);
	st_strbuf_addf(out, "rc %d: %s\n", rc, cx->err ? cx->err_msg.buf : "");
	for (size_t i = 0; i < cx->diags.len; i++) {
		const st_diag *d = cx->diags.items[i];

		st_strbuf_addf(out, "[%s] ", d->code ? d->code : "-");
		st_diag_render(out, d, false);
	}
	dump_model(out, m);
	st_ctx_free(cx);
}

/* The sources' AST validated on one thread and split: the same. */
static void
assert_split_same(const char *name, const st_psl_schema *ast,
		  const char *par_min)
{
	st_strbuf one = ST_STRBUF_INIT, split = ST_STRBUF_INIT;

	validate_with(ast, "1", NULL, &one);
	validate_with(ast, "4", par_min, &split);
	if (strcmp(one.buf, split.buf) != 0) {
		fprintf(stderr, "%s: one thread:\n%s\nsplit:\n%s\n", name,
			one.buf, split.buf);
		fail_msg("%s: validation differs when split", name);
	}
	st_strbuf_release(&one);
	st_strbuf_release(&split);
}

/* Every invalid schema of the golden cases and every corpus schema. */
static void
test_validate_split__fixtures_and_corpus(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	const char *fixtures = "tests/fixtures/validate";
	st_ctx *lcx = st_ctx_new(NULL);
	st_vec names, dirs;
	size_t nschemas = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	st_vec_init(&dirs, lcx->arena);
	if (st_path_is_dir(fixtures)) {
		assert_int_equal(st_dir_list(lcx, fixtures, &names), 0);
		for (size_t i = 0; i < names.len; i++) {
			const char *n = names.items[i];
			size_t len = strlen(n);

			if (len > 7 && !strcmp(n + len - 7, ".prisma"))
				st_vec_push(&dirs, st_path_join(lcx->arena,
								fixtures, n));
		}
	} else {
		fprintf(stderr, "test_validate_split: no %s (run from the "
			"source tree): golden cases skipped\n", fixtures);
	}
	if (!corpus_schemas(lcx, corpus, &dirs)) {
		fprintf(stderr, "test_validate_split: no corpus at %s (set "
			"STRATA_CORPUS): corpus skipped\n", corpus);
	}
	for (size_t i = 0; i < dirs.len; i++) {
		st_ctx *cx = st_ctx_new(NULL);
		st_vec srcs;
		st_psl_schema *ast;

		/* unreadable fixtures (bad UTF-8 ...) are not the point */
		if (st_psl_read_sources(cx, dirs.items[i], &srcs) < 0) {
			st_ctx_free(cx);
			continue;
		}
		/* syntax errors included: validate runs on such ASTs too */
		st_psl_parse_schema(cx, (st_source **)srcs.items, srcs.len,
				    &ast);
		if (ast) {
			assert_split_same(dirs.items[i], ast, "1");
			nschemas++;
		}
		st_ctx_free(cx);
	}
	st_ctx_free(lcx);
	if (nschemas == 0)
		skip();
}

/*
 * A generated schema of 1500 models, big enough to split with the
 * validator's own minimum.  errors: 0 none, 1 only errors of phases 4
 * and 5 (references, constraint names: these run on the joined parts),
 * 2 errors of phases 1 to 3 too, spread over the models (and so over the
 * parts).
 */
static void
big_schema(st_strbuf *sb, int errors)
{
	st_strbuf_adds(sb, "datasource db {\n  provider = \"postgresql\"\n}\n"
		       "enum Status {\n  A\n  B\n}\n");
	for (int i = 1; i <= 1500; i++) {
		bool e1 = errors >= 1, e2 = errors >= 2;

		st_strbuf_addf(sb, "model M%d {\n"
			       "  id     Int      @id @default(autoincrement())\n"
			       "  name   String   @db.VarChar(%d)\n"
			       "  slug   String   @unique\n"
			       "  status Status   @default(%s)\n"
			       "  at     DateTime @default(now())\n",
			       i, 10 + i % 7, e2 && i % 97 == 5 ? "C" : "A");
		if (e2 && i % 113 == 7)
			st_strbuf_adds(sb, "  bad    Strin\n");
		if (e2 && i % 131 == 9)
			st_strbuf_adds(sb, "  name   Int\n");
		if (e1 && i % 157 == 11)
			st_strbuf_adds(sb, "  n      Int @db.Text\n");
		if (e2 && i % 173 == 13)
			st_strbuf_adds(sb, "  k      Int @unknown\n");
		if (i > 1)
			st_strbuf_addf(sb, "  parentId Int?\n"
				       "  parent M%d? @relation(\"R%d\", "
				       "fields: [parentId], references: [%s])\n",
				       i - 1, i, e1 && i % 149 == 3 ? "nope" : "id");
		if (i < 1500)
			st_strbuf_addf(sb, "  children M%d[] @relation(\"R%d\")\n",
				       i + 1, i + 1);
		/* implicit many-to-many relations, and one self-relation */
		if (i % 50 == 0)
			st_strbuf_addf(sb, "  tags M%d[]\n", i - 1);
		if (i % 50 == 49)
			st_strbuf_addf(sb, "  tagged M%d[]\n", i + 1);
		if (i % 400 == 1)
			st_strbuf_adds(sb, "  followers M1[] @relation(\"F\")\n"
				       "  following M1[] @relation(\"F\")\n");
		st_strbuf_addf(sb, "  @@index([name, at]%s)\n}\n",
			       e1 && i % 191 == 17 ? ", map: \"M1_name_at_idx\""
						   : "");
	}
}

static void
test_validate_split__big_schema(void **state)
{
	for (int errors = 0; errors <= 2; errors++) {
		st_ctx *cx = st_ctx_new(NULL);
		st_strbuf sb;
		st_source *src;
		st_psl_schema *ast = NULL;

		st_strbuf_init_arena(&sb, cx->arena);
		big_schema(&sb, errors);
		src = st_source_new(cx, "big.prisma", sb.buf, sb.len);
		assert_int_equal(st_psl_parse_schema(cx, &src, 1, &ast), 0);
		/* with the default minimum the schema's size decides */
		assert_split_same("big.prisma", ast, NULL);
		assert_split_same("big.prisma (STRATA_PAR_MIN=1)", ast, "1");
		st_ctx_free(cx);
	}
}

/* How many times needle occurs in hay. */
static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * The whole-schema work of phases 4 and 5 that reads what the parts of
 * phases 1 to 3 noted per model (relation field counts, which models
 * schema_checks must look at) and the global constraint names counted in
 * shards on threads (names.c global_counts): a schema valid up to phase
 * 5, with its errors spread over the models, validated on one thread and
 * split into as many parts and shards as STRATA_PAR_MIN=1 gives.  The
 * messages are counted too, so that a join losing some (on both paths)
 * fails as well.
 */
static void
test_validate_split__late_checks(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_strbuf sb, one = ST_STRBUF_INIT, split = ST_STRBUF_INIT;
	st_source *src;
	st_psl_schema *ast = NULL;
	size_t nshared = 0, ndup = 0, nloose = 0;

	st_strbuf_init_arena(&sb, cx->arena);
	st_strbuf_adds(&sb, "datasource db {\n  provider = \"postgresql\"\n}\n");
	for (int i = 1; i <= 300; i++) {
		bool loose = i % 37 == 5;

		/* no unique criteria of required fields only */
		st_strbuf_addf(&sb, "model M%d {\n  id   Int%s\n"
			       "  name String\n  slug String%s @unique\n", i,
			       loose ? "? @unique" : " @id", loose ? "?" : "");
		nloose += loose;
		/* implicit many-to-many relations between neighbours */
		if (i % 50 == 0)
			st_strbuf_addf(&sb, "  tags M%d[]\n", i - 1);
		if (i % 50 == 49)
			st_strbuf_addf(&sb, "  tagged M%d[]\n", i + 1);
		/* one name in the global namespace of several models */
		if (i % 41 == 3) {
			st_strbuf_adds(&sb, "  @@index([name], map: \"shared\")\n");
			nshared++;
		}
		/* a name twice in one model: both namespaces */
		if (i % 53 == 7) {
			st_strbuf_addf(&sb, "  @@index([name], map: \"dup%d\")\n"
				       "  @@unique([slug, name], map: \"dup%d\")\n",
				       i, i);
			ndup++;
		}
		st_strbuf_adds(&sb, "}\n");
	}
	st_strbuf_adds(&sb, "view V1 {\n  id Int @unique\n}\n");
	src = st_source_new(cx, "late.prisma", sb.buf, sb.len);
	assert_int_equal(st_psl_parse_schema(cx, &src, 1, &ast), 0);
	validate_with(ast, "1", NULL, &one);
	validate_with(ast, "4", "1", &split);
	if (strcmp(one.buf, split.buf) != 0) {
		fprintf(stderr, "one thread:\n%s\nsplit:\n%s\n", one.buf,
			split.buf);
		fail_msg("late checks differ when split");
	}
	assert_int_equal(occurrences(one.buf, "namespace: global"),
			 nshared + 2 * ndup);
	assert_int_equal(occurrences(one.buf, "namespace: on model"),
			 2 * ndup);
	assert_int_equal(occurrences(one.buf, "at least one unique criteria"),
			 nloose);
	assert_int_equal(occurrences(one.buf, "the `views` preview feature"),
			 1);
	assert_int_equal(occurrences(one.buf, "m2m _M"), 6);
	st_strbuf_release(&one);
	st_strbuf_release(&split);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_relations__one_to_many),
		cmocka_unit_test(test_validate_relations__one_to_one_and_actions),
		cmocka_unit_test(test_validate_relations__implicit_many_to_many),
		cmocka_unit_test(test_validate_indexes__names_and_arguments),
		cmocka_unit_test(test_validate_names__truncation),
		cmocka_unit_test(test_validate_types__native_and_defaults),
		cmocka_unit_test(test_validate_config__datasource_and_generators),
		cmocka_unit_test(test_validate_errors__all_reported_on_prisma_lines),
		cmocka_unit_test(test_validate_errors__late_checks_together),
		cmocka_unit_test(test_validate_corpus__all_valid),
		cmocka_unit_test(test_validate_split__fixtures_and_corpus),
		cmocka_unit_test(test_validate_split__big_schema),
		cmocka_unit_test(test_validate_split__late_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
