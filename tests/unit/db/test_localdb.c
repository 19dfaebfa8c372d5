/*
 * test_localdb.c - the parts of db/localdb.c that need no server: the
 * database name made from the project folder, and reading the state of
 * .strata/db (no server, a stale pid file, a pid that is not PostgreSQL).
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

#include "db/localdb.h"
#include "util/fs.h"

static void
test_db_localdb__dbname(void **state)
{
	static const char *cases[][2] = {
		{ "/home/me/shop", "shop" },
		{ "/home/me/My-App", "my_app" },
		{ "/srv/e-commerce.backend", "e_commerce_backend" },
		{ "/x/postgres", "postgres_dev" },
		{ "/x/template1", "template1_dev" },
		{ "/x/123", "123" },
		{ "/x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	};
	st_arena *a = st_arena_new(NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(st_localdb_dbname(a, cases[i][0]), cases[i][1]);
	assert_int_equal(strlen(cases[6][1]), 63);
	st_arena_free(a);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_db_localdb__state(void **state)
{
	char tmpl[] = "/tmp/strata-localdb-unit.XXXXXX";
	char *dir = mkdtemp(tmpl), *url = (char *)"unset", pid[32];
	st_ctx *cx = st_ctx_new(NULL);
	st_localdb *db;
	char *sd;

	(void)state;
	assert_non_null(dir);
	/* no .strata/db at all: not running, no error */
	assert_int_equal(st_localdb_running_url(cx, dir, &url), 0);
	assert_null(url);

	sd = st_path_join(cx->arena, dir, ".strata/db");
	assert_int_equal(st_mkdir_p(cx, sd), 0);
	assert_int_equal(st_localdb_open(cx, dir, &db), 0);
	assert_false(db->running);
	assert_false(db->stale_pid);
	assert_false(db->initialized);
	assert_null(db->url);

	/* a pid file naming a process that is not PostgreSQL (ourselves) */
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	write_file(sd, "pid", pid);
	write_file(sd, "port", "5999\n");
	assert_int_equal(st_localdb_open(cx, dir, &db), 0);
	assert_false(db->running);
	assert_true(db->stale_pid);
	assert_int_equal(db->port, 5999);
	assert_int_equal(st_localdb_running_url(cx, dir, &url), 0);
	assert_null(url);

	/* a relocated data directory is read from .strata/db/datadir */
	write_file(sd, "datadir", "/var/tmp/strata-db/x-1234\n");
	assert_int_equal(st_localdb_open(cx, dir, &db), 0);
	assert_true(db->relocated);
	assert_string_equal(db->data_dir, "/var/tmp/strata-db/x-1234/data");

	/* stop with a stale pid file: removes it, no error */
	assert_int_equal(st_localdb_stop(cx, db), 0);
	assert_false(st_path_exists(st_path_join(cx->arena, sd, "pid")));

	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_localdb__dbname),
		cmocka_unit_test(test_db_localdb__state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
