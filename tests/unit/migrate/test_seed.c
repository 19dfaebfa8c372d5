/*
 * test_seed.c - ${VAR} substitution in SQL seeds (migrate/seed.c): where
 * references are replaced and where they are left alone, quoting of
 * values, statement counting, and the errors (unset variable, malformed
 * reference, transaction statements, a value that would end a $$ body).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/seed.h"

/* a fixed environment for the table below */
static const char *
fake_env(void *arg, const char *name)
{
	static const char *vars[][2] = {
		{ "EMAIL", "owner@shop.test" },
		{ "QUOTE", "O'Brien" },
		{ "EVIL", "x'); DROP TABLE users; --" },
		{ "BACKSLASH", "a\\b" },
		{ "EMPTY", "" },
		{ "DOLLARS", "a $$ b" },
		{ "TAGGED", "a $body$ b" },
	};

	(void)arg;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (!strcmp(vars[i][0], name))
			return vars[i][1];
	return NULL;
}

typedef struct ok_case {
	const char *in, *out;
	int nstmt;
} ok_case;

static const ok_case ok_cases[] = {
	{ "SELECT ${EMAIL};", "SELECT 'owner@shop.test';", 1 },
	{ "SELECT ${MISSING:-admin@example.com};", "SELECT 'admin@example.com';", 1 },
	{ "SELECT ${EMAIL:-other};", "SELECT 'owner@shop.test';", 1 },
	/* :- also replaces an empty value, like the shell */
	{ "SELECT ${EMPTY:-fallback};", "SELECT 'fallback';", 1 },
	{ "SELECT ${EMPTY};", "SELECT '';", 1 },
	{ "SELECT ${MISSING:-};", "SELECT '';", 1 },
	{ "SELECT ${QUOTE};", "SELECT 'O''Brien';", 1 },
	{ "SELECT ${EVIL};", "SELECT 'x''); DROP TABLE users; --';", 1 },
	{ "SELECT ${BACKSLASH};", "SELECT E'a\\\\b';", 1 },
	{ "SELECT ${MISSING:-Admin123!};", "SELECT 'Admin123!';", 1 },
	/* left alone: comments, strings, quoted identifiers */
	{ "-- ${EMAIL}\nSELECT 1;", "-- ${EMAIL}\nSELECT 1;", 1 },
	{ "/* ${EMAIL} /* nested */ ${EMAIL} */ SELECT 1;",
	  "/* ${EMAIL} /* nested */ ${EMAIL} */ SELECT 1;", 1 },
	{ "SELECT '${EMAIL}', \"${EMAIL}\";", "SELECT '${EMAIL}', \"${EMAIL}\";", 1 },
	{ "SELECT 'it''s ${EMAIL}';", "SELECT 'it''s ${EMAIL}';", 1 },
	{ "SELECT E'\\' ${EMAIL}';", "SELECT E'\\' ${EMAIL}';", 1 },
	/* replaced inside dollar-quoted bodies */
	{ "DO $$ BEGIN PERFORM ${EMAIL}; END $$;",
	  "DO $$ BEGIN PERFORM 'owner@shop.test'; END $$;", 1 },
	{ "DO $body$ BEGIN PERFORM ${DOLLARS}; END $body$;",
	  "DO $body$ BEGIN PERFORM 'a $$ b'; END $body$;", 1 },
	/* $1 is not a dollar quote */
	{ "PREPARE p AS SELECT $1; EXECUTE p(${EMAIL});",
	  "PREPARE p AS SELECT $1; EXECUTE p('owner@shop.test');", 2 },
	/* statements: empty ones and a trailing one without ';' */
	{ ";;SELECT 1;\n\nSELECT 2", ";;SELECT 1;\n\nSELECT 2", 2 },
	{ "", "", 0 },
	/* savepoints are fine in the seed's transaction */
	{ "SAVEPOINT a; ROLLBACK TO SAVEPOINT a; RELEASE a;",
	  "SAVEPOINT a; ROLLBACK TO SAVEPOINT a; RELEASE a;", 3 },
	/* BEGIN ATOMIC bodies are one statement, their END is not a COMMIT */
	{ "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
	  "SELECT CASE WHEN true THEN 2 END; END; SELECT f();",
	  "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
	  "SELECT CASE WHEN true THEN 2 END; END; SELECT f();", 2 },
};

static void
test_migrate_seed__substitutes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		st_ctx *cx = st_ctx_new(NULL);
		char *out = NULL;
		int n = -1, rc;

		rc = st_seed_substitute(cx, ok_cases[i].in, "seed.sql", fake_env,
					NULL, &out, &n);
		if (rc != 0)
			fail_msg("case %zu (%s): %s", i, ok_cases[i].in, cx->err_msg.buf);
		assert_string_equal(out, ok_cases[i].out);
		assert_int_equal(n, ok_cases[i].nstmt);
		st_ctx_free(cx);
	}
}

typedef struct err_case {
	const char *in, *msg;
} err_case;

static const err_case err_cases[] = {
	{ "SELECT 1;\nSELECT ${MISSING};", "seed variable \"MISSING\" is not set" },
	{ "SELECT ${};", "malformed variable reference in \"seed.sql\" at line 1, column 8" },
	{ "SELECT ${EMAIL", "malformed variable reference" },
	{ "SELECT ${EMAIL:default};", "malformed variable reference" },
	{ "SELECT ${1X};", "malformed variable reference" },
	{ "BEGIN;\nSELECT 1;", "contains a transaction statement (BEGIN) at line 1" },
	{ "SELECT 1;\ncommit;", "contains a transaction statement (COMMIT) at line 2" },
	{ "SELECT 1;\nROLLBACK;", "contains a transaction statement (ROLLBACK) at line 2" },
	{ "START TRANSACTION; SELECT 1;", "(START TRANSACTION)" },
	{ "SELECT 1;\nEND;", "(END)" },
	{ "DO $$ BEGIN PERFORM ${DOLLARS}; END $$;",
	  "the value of seed variable \"DOLLARS\" contains $$" },
	{ "DO $body$ BEGIN PERFORM ${TAGGED}; END $body$;",
	  "the value of seed variable \"TAGGED\" contains $body$" },
};

static void
test_migrate_seed__errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		st_ctx *cx = st_ctx_new(NULL);
		char *out = NULL;
		int rc = st_seed_substitute(cx, err_cases[i].in, "seed.sql", fake_env,
					    NULL, &out, NULL);

		if (rc != ST_EUSAGE)
			fail_msg("case %zu (%s): rc %d, expected ST_EUSAGE", i,
				 err_cases[i].in, rc);
		if (!strstr(cx->err_msg.buf, err_cases[i].msg))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
				 cx->err_msg.buf, err_cases[i].msg);
		st_ctx_free(cx);
	}
}

static void
test_migrate_seed__unset_detail_names_the_line(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char *out;

	(void)state;
	assert_int_equal(st_seed_substitute(cx, "SELECT 1;\n\nSELECT ${NOPE};",
					    "prisma/seed.sql", fake_env, NULL,
					    &out, NULL), ST_EUSAGE);
	assert_string_equal(cx->err_detail.buf,
			    "prisma/seed.sql uses ${NOPE} at line 3 and gives no default.");
	assert_non_null(strstr(cx->err_hint.buf, "${NOPE:-default}"));
	st_ctx_free(cx);
}

/* a NUL byte would silently cut the seed short: refused, nothing runs
 * (the URL is never reached) */
static void
test_migrate_seed__nul_byte_refused(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char path[] = "/tmp/strata-seed-nul.XXXXXX";
	static const char text[] = "INSERT INTO t VALUES (1);\n\0DROP TABLE t;\n";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	assert_int_equal(st_seed_run_sql(cx, "postgresql://u@127.0.0.1:1/x", path,
					 fake_env, NULL, NULL), ST_EPARSE);
	assert_non_null(strstr(cx->err_msg.buf, "NUL byte"));
	unlink(path);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_seed__substitutes),
		cmocka_unit_test(test_migrate_seed__errors),
		cmocka_unit_test(test_migrate_seed__unset_detail_names_the_line),
		cmocka_unit_test(test_migrate_seed__nul_byte_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
