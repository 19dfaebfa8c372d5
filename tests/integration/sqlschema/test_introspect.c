/*
 * test_introspect.c - introspection round trips against a real server:
 * for each schema, apply Prisma's SQL for it (empty -> schema), introspect
 * the database, and check that the differ finds nothing in either
 * direction.  Also: the number of catalog queries does not grow with the
 * number of tables, and objects Prisma ignores stay out of the model.
 * Needs STRATA_TEST_URL (tests/run.sh integration); skipped without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/introspect.h"
#include "sqlschema/steps.h"
#include "util/fs.h"

static const char *admin_url;
static int dbseq;

typedef struct fixture {
	st_ctx *cx;
	st_db *admin;
	st_db *db;
	const char *dbname;
} fixture;

static void
fail_ctx(st_ctx *cx)
{
	print_error("error: %s\n", cx->err_msg.buf);
	if (cx->err_detail.len)
		print_error("DETAIL: %s\n", cx->err_detail.buf);
	fail();
}

#define assert_st_ok(cx, expr) do { if ((expr) < 0) fail_ctx(cx); } while (0)

static char *
url_for(st_ctx *cx, const char *dbname)
{
	const char *slash = strrchr(admin_url, '/');
	const char *q = strchr(slash, '?');

	return st_strfmt(cx->arena, "%.*s/%s%s", (int)(slash - admin_url), admin_url,
			 dbname, q ? q : "");
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	st_strbuf sql = ST_STRBUF_INIT;

	f->cx = st_ctx_new(NULL);
	f->dbname = st_strfmt(f->cx->arena, "strata_it_introspect_%d_%d",
			      (int)getpid(), ++dbseq);
	if (st_db_connect(f->cx, admin_url, NULL, &f->admin) < 0)
		fail_ctx(f->cx);
	st_strbuf_adds(&sql, "CREATE DATABASE ");
	st_sql_ident(&sql, f->dbname);
	if (st_db_exec(f->cx, f->admin, sql.buf) < 0)
		fail_ctx(f->cx);
	st_strbuf_release(&sql);
	if (st_db_connect(f->cx, url_for(f->cx, f->dbname), NULL, &f->db) < 0)
		fail_ctx(f->cx);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	st_strbuf sql = ST_STRBUF_INIT;

	if (f->db)
		st_db_close(f->db);
	st_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
	st_sql_ident(&sql, f->dbname);
	st_db_exec(f->cx, f->admin, sql.buf);
	st_strbuf_release(&sql);
	st_ctx_free(f->cx);
	free(f);
	return 0;
}

static st_schema *
schema_of(st_ctx *cx, const char *text)
{
	char path[] = "/tmp/strata-it-introspect-XXXXXX.prisma";
	int fd = mkstemps(path, 7);
	st_schema *s = NULL;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (st_schema_from_source(cx, ST_SCHEMA_SRC_SCHEMA, path, &s) < 0) {
		unlink(path);
		fail_ctx(cx);
	}
	unlink(path);
	return s;
}

/* Applies empty -> schema, introspects, and checks both directions. */
static st_schema *
round_trip(fixture *f, const char *psl, const st_introspect_opts *o)
{
	st_ctx *cx = f->cx;
	st_schema *want = schema_of(cx, psl), *got;
	st_diff_result *m;
	st_strbuf sb = ST_STRBUF_INIT;

	assert_st_ok(cx, st_diff(cx, st_schema_empty(cx), want, &m));
	st_render_script(cx, &sb, m);
	assert_st_ok(cx, st_db_exec(cx, f->db, sb.buf));
	assert_st_ok(cx, st_introspect(cx, f->db, o, &got, NULL));
	assert_st_ok(cx, st_diff(cx, got, want, &m));
	if (m->steps.len) {
		st_strbuf_reset(&sb);
		st_render_script(cx, &sb, m);
		print_error("database -> schema is not empty:\n%s\n", sb.buf);
	}
	assert_int_equal(m->steps.len, 0);
	assert_st_ok(cx, st_diff(cx, want, got, &m));
	if (m->steps.len) {
		st_strbuf_reset(&sb);
		st_render_script(cx, &sb, m);
		print_error("schema -> database is not empty:\n%s\n", sb.buf);
	}
	assert_int_equal(m->steps.len, 0);
	st_strbuf_release(&sb);
	return got;
}

static const char shop[] =
	"datasource db {\n  provider = \"postgresql\"\n}\n\n"
	"enum Role {\n  USER\n  ADMIN @map(\"admin\")\n}\n\n"
	"model User {\n"
	"  id        Int      @id @default(autoincrement())\n"
	"  email     String   @unique @db.VarChar(255)\n"
	"  name      String?\n"
	"  role      Role     @default(USER)\n"
	"  roles     Role[]   @default([USER])\n"
	"  tags      String[] @default([])\n"
	"  scores    Int[]    @default([1, 2])\n"
	"  createdAt DateTime @default(now())\n"
	"  updatedAt DateTime @updatedAt @db.Timestamptz(6)\n"
	"  born      DateTime? @db.Date\n"
	"  balance   Decimal  @default(0.5) @db.Decimal(10, 2)\n"
	"  ratio     Float    @default(-1.25)\n"
	"  big       BigInt   @default(9000000000)\n"
	"  small     Int      @default(-3) @db.SmallInt\n"
	"  active    Boolean  @default(true)\n"
	"  meta      Json     @default(\"{\\\"a\\\": [1, 2]}\")\n"
	"  avatar    Bytes?\n"
	"  country   String   @default(\"it's\") @db.Char(2)\n"
	"  token     String   @default(uuid())\n"
	"  ext       String   @default(dbgenerated(\"gen_random_uuid()\")) @db.Uuid\n"
	"  search    Unsupported(\"tsvector\")?\n"
	"  posts     Post[]\n"
	"  profile   Profile?\n"
	"  groups    Group[]\n"
	"  @@index([createdAt(sort: Desc), name])\n"
	"  @@unique([name, country])\n"
	"  @@map(\"users\")\n"
	"}\n\n"
	"model Profile {\n"
	"  userId Int  @id @map(\"user_id\")\n"
	"  bio    String @default(\"\")\n"
	"  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n"
	"}\n\n"
	"model Post {\n"
	"  id       String  @id @default(cuid())\n"
	"  authorId Int?\n"
	"  title    String  @db.VarChar(100)\n"
	"  data     Json?\n"
	"  author   User?   @relation(fields: [authorId], references: [id])\n"
	"  @@index([data(ops: JsonbPathOps)], type: Gin)\n"
	"  @@index([title], map: \"post_title_hash\", type: Hash)\n"
	"}\n\n"
	"model Group {\n"
	"  id    BigInt @id @default(autoincrement())\n"
	"  users User[]\n"
	"}\n\n"
	"model Membership {\n"
	"  a Int\n"
	"  b String\n"
	"  @@id([a, b])\n"
	"}\n";

static void
test_introspect__shop_round_trip(void **state)
{
	fixture *f = *state;
	st_schema *got = round_trip(f, shop, NULL);
	st_table *u = st_schema_table(got, NULL, "users");
	st_column *c;

	assert_non_null(u);
	c = st_table_column(u, "id");
	assert_true(c->autoincrement);
	assert_int_equal(c->def.kind, ST_DEF_SEQUENCE);
	assert_string_equal(c->def.text, "users_id_seq");
	c = st_table_column(u, "email");
	assert_int_equal(c->type.native, ST_PG_VARCHAR);
	assert_int_equal(c->type.args[0], 255);
	c = st_table_column(u, "balance");
	assert_int_equal(c->type.nargs, 2);
	assert_int_equal(c->type.args[0], 10);
	assert_int_equal(c->type.args[1], 2);
	c = st_table_column(u, "search");
	assert_int_equal(c->type.family, ST_FAM_UNSUPPORTED);
	assert_string_equal(c->type.raw, "tsvector");
	c = st_table_column(u, "roles");
	assert_int_equal(c->type.arity, ST_ARITY_LIST);
	assert_int_equal(c->type.family, ST_FAM_ENUM);
	assert_int_equal(c->def.value->kind, ST_VAL_LIST);
	assert_non_null(st_schema_table(got, NULL, "_GroupToUser"));
	assert_non_null(st_schema_enum(got, NULL, "Role"));
}

static const char multi[] =
	"datasource db {\n  provider = \"postgresql\"\n  schemas = [\"base\", \"auth\"]\n}\n\n"
	"enum Status {\n  ON\n  OFF\n  @@schema(\"auth\")\n}\n\n"
	"model Account {\n"
	"  id     Int    @id @default(autoincrement())\n"
	"  status Status @default(ON)\n"
	"  items  Item[]\n"
	"  @@schema(\"auth\")\n"
	"}\n\n"
	"model Item {\n"
	"  id        Int     @id\n"
	"  accountId Int\n"
	"  account   Account @relation(fields: [accountId], references: [id])\n"
	"  @@index([accountId])\n"
	"  @@schema(\"base\")\n"
	"}\n";

static void
test_introspect__multi_schema_round_trip(void **state)
{
	fixture *f = *state;
	const char *ns[] = { "auth", "base" };
	st_introspect_opts o = { .namespaces = ns, .nnamespaces = 2,
				 .multi_schema = true };
	st_schema *got = round_trip(f, multi, &o);
	st_table *t = st_schema_table(got, "base", "Item");

	assert_non_null(t);
	assert_string_equal(t->schema, "base");
	assert_int_equal(t->fks.len, 1);
	assert_string_equal(((st_fk *)t->fks.items[0])->ref_table->ns, "auth");
}

/* Objects Prisma does not describe stay out of the model. */
static void
test_introspect__ignored_objects(void **state)
{
	fixture *f = *state;
	st_ctx *cx = f->cx;
	st_schema *got;
	st_introspect_extra *extra;
	st_table *t;

	assert_st_ok(cx, st_db_exec(cx, f->db,
		"CREATE TABLE \"_prisma_migrations\" (id text PRIMARY KEY);"
		"CREATE TABLE m (id int PRIMARY KEY, at date NOT NULL,"
		" name text CHECK (name <> ''), up text GENERATED ALWAYS AS (upper(name)) STORED,"
		" n int GENERATED BY DEFAULT AS IDENTITY) PARTITION BY RANGE (id);"
		"CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM (0) TO (10);"
		"CREATE INDEX m_lower ON m_1 (lower(name));"
		"CREATE TABLE t (id int PRIMARY KEY, name text, note text);"
		"CREATE INDEX t_lower ON t (lower(name));"
		"CREATE INDEX t_inc ON t (name) INCLUDE (note);"
		"CREATE INDEX t_part ON t (name) WHERE note IS NOT NULL;"
		"CREATE VIEW v AS SELECT 1 AS x;"
		"COMMENT ON TABLE t IS 'the t';"
		"CREATE SCHEMA other; CREATE TABLE other.x (id int);"));
	assert_st_ok(cx, st_introspect(cx, f->db, NULL, &got, &extra));
	assert_int_equal(got->tables.len, 2);
	assert_null(st_schema_table(got, NULL, "_prisma_migrations"));
	assert_null(st_schema_table(got, NULL, "m_1"));
	assert_null(st_schema_table(got, NULL, "v"));
	t = st_schema_table(got, NULL, "t");
	assert_int_equal(t->indexes.len, 2);   /* t_inc and t_part, not t_lower */
	/* INCLUDE columns are index columns for Prisma */
	assert_int_equal(((st_index *)t->indexes.items[0])->cols.len, 2);
	assert_string_equal(((st_index *)t->indexes.items[1])->predicate,
			    "(note IS NOT NULL)");
	t = st_schema_table(got, NULL, "m");
	assert_true(st_table_column(t, "n")->autoincrement);
	assert_int_equal(st_table_column(t, "up")->def.kind, ST_DEF_DBGEN);
	assert_string_equal(st_map_get(&extra->comments, "public\x1ft"), "the t");
	assert_int_equal(extra->views.len, 1);
}

/* Transactions committed in the test database, read from the admin
 * connection (so reading does not count), once the number is stable. */
/* Partial indexes against a schema without `where:` (Prisma 7.10): the
 * one the schema names is matched without its predicate, the others are
 * left alone (never dropped). */
static void
test_introspect__partial_indexes_reconciled(void **state)
{
	fixture *f = *state;
	st_ctx *cx = f->cx;
	st_schema *got, *want;
	st_table *t;
	st_diff_result *m;

	assert_st_ok(cx, st_db_exec(cx, f->db,
		"CREATE TABLE \"Item\" (id int PRIMARY KEY, a text, b text);"
		"CREATE INDEX \"Item_a_idx\" ON \"Item\" (a) WHERE b IS NOT NULL;"
		"CREATE INDEX \"hand_made\" ON \"Item\" (b) WHERE a IS NULL;"));
	want = schema_of(cx, "datasource db {\n  provider = \"postgresql\"\n}\n"
		"model Item {\n  id Int @id\n  a String?\n  b String?\n"
		"  @@index([a])\n}\n");
	assert_st_ok(cx, st_introspect(cx, f->db, NULL, &got, NULL));
	t = st_schema_table(got, NULL, "Item");
	assert_int_equal(t->indexes.len, 2);
	st_introspect_reconcile_partial(got, want);
	assert_int_equal(t->indexes.len, 1);
	assert_string_equal(((st_index *)t->indexes.items[0])->name, "Item_a_idx");
	assert_null(((st_index *)t->indexes.items[0])->predicate);
	assert_st_ok(cx, st_diff(cx, got, want, &m));
	assert_int_equal(m->steps.len, 0);
}

static long
xacts(fixture *f)
{
	const char *p[] = { f->dbname };
	long last = -1, cur;
	int same = 0;

	for (int i = 0; i < 100 && same < 3; i++) {
		st_dbres *r;

		assert_st_ok(f->cx, st_db_exec(f->cx, f->admin,
					       "SELECT pg_stat_clear_snapshot()"));
		assert_st_ok(f->cx, st_db_query(f->cx, f->admin, &r,
			"SELECT xact_commit + xact_rollback FROM pg_stat_database"
			" WHERE datname = $1", 1, p));
		cur = atol(st_dbres_get(r, 0, 0));
		same = cur == last ? same + 1 : 0;
		last = cur;
		usleep(300000);
	}
	return last;
}

/* The query count does not depend on the number of tables: introspect
 * 200 tables on a connection of its own and count the transactions the
 * server saw (a backend flushes its statistics when it exits). */
static void
test_introspect__constant_queries(void **state)
{
	fixture *f = *state;
	st_ctx *cx = f->cx;
	st_strbuf sb = ST_STRBUF_INIT;
	st_schema *got;
	st_db *db2;
	long before, after;

	for (int i = 0; i < 200; i++)
		st_strbuf_addf(&sb, "CREATE TABLE t%d (id serial PRIMARY KEY,"
			       " p int REFERENCES t%d(id), v varchar(%d) UNIQUE);",
			       i, i ? i - 1 : 0, i + 1);
	assert_st_ok(cx, st_db_exec(cx, f->db, sb.buf));
	st_strbuf_release(&sb);
	st_db_close(f->db);
	f->db = NULL;
	before = xacts(f);
	assert_st_ok(cx, st_db_connect(cx, url_for(cx, f->dbname), NULL, &db2));
	assert_st_ok(cx, st_introspect(cx, db2, NULL, &got, NULL));
	st_db_close(db2);
	assert_int_equal(got->tables.len, 200);
	assert_int_equal(((st_table *)got->tables.items[1])->fks.len, 1);
	after = xacts(f);
	/* five catalog queries plus the session's own setup: never one per
	 * table */
	print_message("introspection of 200 tables: %ld transactions\n",
		      after - before);
	assert_true(after - before >= 5);
	assert_true(after - before <= 40);   /* autovacuum may add a few */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_introspect__shop_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_introspect__multi_schema_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_introspect__ignored_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_introspect__constant_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_introspect__partial_indexes_reconciled, setup, teardown),
	};

	admin_url = getenv("STRATA_TEST_URL");
	if (!admin_url) {
		printf("# skipped: STRATA_TEST_URL is not set (run through tests/run.sh)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
