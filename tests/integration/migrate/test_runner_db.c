/*
 * test_runner_db.c - the runner library against a real PostgreSQL (the
 * cluster tests/run.sh starts, STRATA_TEST_URL): deploy with events,
 * session settings reset between migrations, ?schema= with an odd name,
 * steps for ADD VALUE used later, status and resolve errors, error
 * positions with multibyte text, and the public API of strata.h.
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

#include "migrate/migrate.h"
#include "strata/strata.h"
#include "util/fs.h"

#define assert_st_ok(cx, expr) \
	do { \
		int rc_ = (expr); \
		if (rc_ < 0) \
			fail_msg("%s -> %d: %s (%s)", #expr, rc_, (cx)->err_msg.buf, \
				 (cx)->err_detail.buf); \
	} while (0)

static const char *base_url;

/* A fresh database; returns its URL (with extra, e.g. "?schema=x"). */
static const char *
fresh_db(st_ctx *cx, const char *name, const char *extra)
{
	st_db *admin;
	const char *dbname = st_strfmt(cx->arena, "strata_it_%s_%d", name, (int)getpid());
	st_strbuf sql;
	const char *slash = strrchr(base_url, '/');

	assert_st_ok(cx, st_db_connect(cx, base_url, NULL, &admin));
	st_strbuf_init_arena(&sql, cx->arena);
	st_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
	st_sql_ident(&sql, dbname);
	st_strbuf_adds(&sql, " WITH (FORCE)");
	assert_st_ok(cx, st_db_exec(cx, admin, sql.buf));
	st_strbuf_reset(&sql);
	st_strbuf_adds(&sql, "CREATE DATABASE ");
	st_sql_ident(&sql, dbname);
	assert_st_ok(cx, st_db_exec(cx, admin, sql.buf));
	st_db_close(admin);
	return st_strfmt(cx->arena, "%.*s/%s%s", (int)(slash - base_url), base_url,
			 dbname, extra ? extra : "");
}

static const char *
tmpdir(st_ctx *cx)
{
	char *d = st_strdup(cx->arena, "/tmp/strata-it-runner.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
mig(st_ctx *cx, const char *dir, const char *name, const char *sql)
{
	const char *d = st_path_join(cx->arena, dir, name);

	assert_st_ok(cx, st_mkdir_p(cx, d));
	assert_st_ok(cx, st_file_write(cx, st_path_join(cx->arena, d, "migration.sql"),
				       sql, strlen(sql)));
}

static const char *
one(st_ctx *cx, st_db *db, const char *sql)
{
	st_dbres *r;

	assert_st_ok(cx, st_db_query(cx, db, &r, sql, 0, NULL));
	return r->nrows ? st_dbres_get(r, 0, 0) : NULL;
}

static int nevents[3];
static void
count_event(void *arg, const st_deploy_event *ev)
{
	nevents[ev->kind]++;
}

static void
test_runner_db__deploy_events_and_reset(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *dir = tmpdir(cx), *url = fresh_db(cx, "reset", NULL);
	st_deploy_opts o = { .on_event = count_event };
	st_deploy_result res;
	st_migdir *md;
	st_db *db;

	mig(cx, dir, "1_path", "CREATE SCHEMA other; SET search_path TO other; "
	    "SET statement_timeout = '5s';");
	mig(cx, dir, "2_table", "CREATE TABLE t2 (id int);");
	mig(cx, dir, "3_role", "CREATE ROLE strata_it_role_x; SET ROLE strata_it_role_x;");
	mig(cx, dir, "4_check", "DO $$ BEGIN IF current_user <> session_user OR "
	    "current_setting('statement_timeout') <> '0' THEN RAISE EXCEPTION "
	    "'leaked'; END IF; END $$; DROP ROLE strata_it_role_x;");
	assert_st_ok(cx, st_migdir_read(cx, dir, &md));
	assert_st_ok(cx, st_db_connect(cx, url, NULL, &db));
	memset(nevents, 0, sizeof(nevents));
	assert_st_ok(cx, st_migrate_deploy(cx, db, md, &o, &res));
	assert_int_equal(res.applied.len, 4);
	assert_int_equal(nevents[ST_DEPLOY_APPLYING], 4);
	assert_int_equal(nevents[ST_DEPLOY_APPLIED], 4);
	/* search_path set by 1_path did not leak into 2_table */
	assert_string_equal(one(cx, db, "SELECT to_regclass('public.t2')::text"), "t2");
	assert_st_ok(cx, st_migrate_deploy(cx, db, md, &o, &res));
	assert_int_equal(res.applied.len, 0);
	/* the lock is released after deploy */
	assert_string_equal(one(cx, db, "SELECT count(*) FROM pg_locks WHERE "
				    "locktype = 'advisory' AND objid = 72707369"), "0");
	st_ctx_free(cx);
}

static void
test_runner_db__schema_parameter(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *dir = tmpdir(cx);
	const char *url = fresh_db(cx, "schema", "?schema=tenant%20one&connection_limit=3");
	st_deploy_result res;
	st_migdir *md;
	st_db *db;

	mig(cx, dir, "1_a", "CREATE TABLE a (id int);");
	assert_st_ok(cx, st_migdir_read(cx, dir, &md));
	assert_st_ok(cx, st_db_connect(cx, url, NULL, &db));
	assert_string_equal(db->url.schema, "tenant one");
	assert_st_ok(cx, st_migrate_deploy(cx, db, md, NULL, &res));
	assert_string_equal(one(cx, db, "SELECT count(*) FROM \"tenant one\"._prisma_migrations"), "1");
	assert_string_equal(one(cx, db, "SELECT to_regclass('\"tenant one\".a') IS NOT NULL"), "t");
	assert_null(one(cx, db, "SELECT to_regclass('public._prisma_migrations')"));
	st_ctx_free(cx);
}

static void
test_runner_db__add_value_used_later_runs_in_steps(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *dir = tmpdir(cx), *url = fresh_db(cx, "enum", NULL);
	st_deploy_result res;
	st_migdir *md;
	st_db *db;

	mig(cx, dir, "1_enum", "CREATE TYPE \"Color\" AS ENUM ('RED');\n"
	    "CREATE TABLE item (c \"Color\" NOT NULL DEFAULT 'RED');\n");
	mig(cx, dir, "2_add", "ALTER TYPE \"Color\" ADD VALUE 'BLUE';\n"
	    "UPDATE item SET c = 'BLUE';\nALTER TABLE item ALTER COLUMN c SET DEFAULT 'BLUE';\n");
	assert_st_ok(cx, st_migdir_read(cx, dir, &md));
	assert_st_ok(cx, st_db_connect(cx, url, NULL, &db));
	assert_st_ok(cx, st_migrate_deploy(cx, db, md, NULL, &res));
	assert_string_equal(one(cx, db, "SELECT applied_steps_count FROM _prisma_migrations "
				    "WHERE migration_name = '2_add'"), "3");
	st_ctx_free(cx);
}

static void
test_runner_db__failure_position_and_resolve(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *dir = tmpdir(cx), *url = fresh_db(cx, "fail", NULL);
	st_deploy_result res;
	st_status st;
	st_migdir *md;
	st_db *db;

	mig(cx, dir, "1_ok", "CREATE TABLE ok (id int);");
	mig(cx, dir, "2_bad", "-- crème brûlée\nCREATE TABLE x (id int);\n"
	    "COMMENT ON TABLE x IS 'é';\nSELECT nope FROM x;\n");
	assert_st_ok(cx, st_migdir_read(cx, dir, &md));
	assert_st_ok(cx, st_db_connect(cx, url, NULL, &db));
	assert_int_equal(st_migrate_deploy(cx, db, md, NULL, &res), ST_EDB);
	assert_string_equal(cx->err_pcode, "P3018");
	assert_non_null(res.failed);
	assert_string_equal(res.failed->name, "2_bad");
	assert_string_equal(res.failed_sqlstate, "42703");
	assert_non_null(strstr(cx->err_detail.buf, "line 4 of"));
	assert_int_equal(res.applied.len, 1);
	assert_null(one(cx, db, "SELECT to_regclass('x')"));

	st_err_clear(cx);
	assert_st_ok(cx, st_migrate_status(cx, db, md, &st));
	assert_int_equal(st.state, ST_STATUS_FAILED);
	assert_int_equal(st_migrate_deploy(cx, db, md, NULL, &res), ST_ECONFLICT);
	assert_string_equal(cx->err_pcode, "P3009");
	assert_int_equal(st_migrate_resolve_rolled_back(cx, db, "1_ok", 1000), ST_ECONFLICT);
	assert_string_equal(cx->err_pcode, "P3012");
	assert_int_equal(st_migrate_resolve_rolled_back(cx, db, "3_never", 1000), ST_ENOTFOUND);
	assert_string_equal(cx->err_pcode, "P3011");
	assert_int_equal(st_migrate_resolve_applied(cx, db, md, "1_ok", 1000), ST_ECONFLICT);
	assert_string_equal(cx->err_pcode, "P3008");
	assert_int_equal(st_migrate_resolve_applied(cx, db, md, "9_nope", 1000), ST_ENOTFOUND);
	assert_string_equal(cx->err_pcode, "P3017");
	st_err_clear(cx);
	assert_st_ok(cx, st_migrate_resolve_rolled_back(cx, db, "2_bad", 1000));
	assert_st_ok(cx, st_migrate_status(cx, db, md, &st));
	assert_int_equal(st.state, ST_STATUS_PENDING);
	assert_int_equal(st.pending.len, 1);
	st_ctx_free(cx);
}

static int napi;
static void
api_progress(void *arg, const char *name, bool done, double ms)
{
	napi += done;
}

static void
test_runner_db__public_api(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *dir = tmpdir(cx), *url = fresh_db(cx, "api", NULL);
	strata_deploy_options o = { .on_migration = api_progress };
	strata_deploy_report rep;
	strata_status_report st;
	strata_error err;
	strata_db *db;

	mig(cx, dir, "1_a", "CREATE TABLE a (id int);");
	mig(cx, dir, "2_b", "CREATE TABLE b (id int);");
	assert_null(strata_connect("postgresql://postgres@127.0.0.1:1/x", &err));
	assert_string_equal(err.pcode, "P1001");
	db = strata_connect(url, &err);
	assert_non_null(db);
	assert_int_equal(strata_status(db, dir, &st, &err), 0);
	assert_int_equal(st.state, STRATA_PENDING);
	assert_int_equal(st.pending, 2);
	assert_string_equal(st.first_pending, "1_a");
	napi = 0;
	assert_int_equal(strata_deploy(db, dir, &o, &rep, &err), 0);
	assert_int_equal(rep.found, 2);
	assert_int_equal(rep.applied, 2);
	assert_int_equal(napi, 2);
	assert_int_equal(strata_status(db, dir, &st, &err), 0);
	assert_int_equal(st.state, STRATA_UP_TO_DATE);
	mig(cx, dir, "3_bad", "SELECT 1/0;");
	napi = 0;
	assert_int_equal(strata_deploy(db, dir, &o, &rep, &err), -1);
	assert_int_equal(napi, 0); /* a failed migration is not reported done */
	assert_string_equal(err.pcode, "P3018");
	assert_string_equal(rep.failed, "3_bad");
	assert_non_null(strstr(err.detail, "22012"));
	strata_close(db);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner_db__deploy_events_and_reset),
		cmocka_unit_test(test_runner_db__schema_parameter),
		cmocka_unit_test(test_runner_db__add_value_used_later_runs_in_steps),
		cmocka_unit_test(test_runner_db__failure_position_and_resolve),
		cmocka_unit_test(test_runner_db__public_api),
	};

	base_url = getenv("STRATA_TEST_URL");
	if (!base_url) {
		printf("[  PASSED  ] 0 test(s).\n# SKIP no test cluster (run through tests/run.sh)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
