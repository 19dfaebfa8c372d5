/*
 * test_fs.c - reading and writing whole files: st_file_read (the same
 * bytes and a NUL after them, whatever the size against the page size;
 * its errors), and the atomic write in pieces (st_file_out: nothing
 * replaced before the commit, nothing left after an abort).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/strata-test-fs-%ld", (long)getpid());
	return mkdir(dir, 0755);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static char *
path_of(st_ctx *cx, const char *name)
{
	return st_path_join(cx->arena, dir, name);
}

/* size bytes of a pattern that has no NUL */
static char *
pattern(size_t size)
{
	char *p = malloc(size + 1);

	for (size_t i = 0; i < size; i++)
		p[i] = i % 61 == 60 ? '\n' : (char)('!' + i % 90);
	p[size] = '\0';
	return p;
}

/* Sizes around the page size and around 1 MB, where the read buffer is
 * populated in one call: the same bytes back, then a NUL. */
static void
test_util_fs__read_sizes(void **state)
{
	const size_t mb = 1024 * 1024;
	const size_t sizes[] = { 0, 1, 10, 4095, 4096, mb - 1, mb, mb + 1,
				 mb + 4095 - 63, mb + 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		st_ctx *cx = st_ctx_new(NULL);
		char *want = pattern(sizes[i]), *got;
		char *path = path_of(cx, "f");
		size_t len = 12345;

		assert_int_equal(st_file_write(cx, path, want, sizes[i]), 0);
		assert_int_equal(st_file_read(cx, path, &got, &len), 0);
		assert_int_equal(len, sizes[i]);
		assert_memory_equal(got, want, sizes[i]);
		assert_int_equal(got[sizes[i]], 0);
		free(want);
		st_ctx_free(cx);
	}
}

static void
test_util_fs__read_errors(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char *got;
	size_t len;

	(void)state;
	assert_int_equal(st_file_read(cx, path_of(cx, "missing"), &got, &len),
			 ST_ENOTFOUND);
	assert_non_null(strstr(cx->err_msg.buf, "could not open file"));
	st_err_clear(cx);
	assert_int_equal(st_file_read(cx, dir, &got, &len), ST_ERROR);
	assert_non_null(strstr(cx->err_msg.buf, "is not a regular file"));
	st_ctx_free(cx);
}

static void
test_util_fs__out_in_pieces(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char *path = path_of(cx, "out.sql"), *text;
	st_file_out f;
	size_t len;

	(void)state;
	assert_int_equal(st_file_write(cx, path, "old", 3), 0);
	assert_int_equal(st_file_out_open(cx, &f, path), 0);
	assert_int_equal(st_file_out_write(cx, &f, "one ", 4), 0);
	assert_int_equal(st_file_out_write(cx, &f, "two\n", 4), 0);
	/* not replaced before the commit */
	assert_int_equal(st_file_read(cx, path, &text, &len), 0);
	assert_string_equal(text, "old");
	assert_int_equal(st_file_out_commit(cx, &f), 0);
	assert_int_equal(st_file_read(cx, path, &text, &len), 0);
	assert_string_equal(text, "one two\n");
	assert_false(st_path_exists(f.tmp));

	/* an abort leaves the file as it was, and no temporary file */
	assert_int_equal(st_file_out_open(cx, &f, path), 0);
	assert_int_equal(st_file_out_write(cx, &f, "three", 5), 0);
	st_file_out_abort(&f);
	assert_false(st_path_exists(f.tmp));
	assert_int_equal(st_file_read(cx, path, &text, &len), 0);
	assert_string_equal(text, "one two\n");

	/* a directory that does not exist: st_file_write's message */
	assert_int_equal(st_file_out_open(cx, &f, path_of(cx, "no/such")),
			 ST_ERROR);
	assert_non_null(strstr(cx->err_msg.buf, "could not create file"));
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_fs__read_sizes),
		cmocka_unit_test(test_util_fs__read_errors),
		cmocka_unit_test(test_util_fs__out_in_pieces),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
