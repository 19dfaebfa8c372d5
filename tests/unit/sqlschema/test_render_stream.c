/*
 * test_render_stream.c - st_render_script_to, the script handed to a sink
 * part by part as it is rendered: the same bytes as st_render_script on
 * one thread, with the steps in as many parts as can be (forced split)
 * and on one thread, for every diff pair both ways, the corpus from
 * empty and a generated schema of a few hundred models; the sink only
 * ever runs on the calling thread, and its first error stops it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/par.h"

#include "unit/load_schema.h"
#include "unit/split_env.h"

/* What a sink was given. */
typedef struct collect {
	st_strbuf text;
	pthread_t caller;
	int calls;
	bool other_thread;   /* called on a thread other than the caller */
	int fail_at;         /* return an error on this call (0: never) */
} collect;

static int
collect_sink(void *arg, const char *text, size_t len)
{
	collect *c = arg;

	if (!pthread_equal(pthread_self(), c->caller))
		c->other_thread = true;
	c->calls++;
	assert_true(len > 0);
	st_strbuf_add(&c->text, text, len);
	return c->calls == c->fail_at ? ST_EUSAGE : 0;
}

/*
 * The script from a to b (NULL: the empty schema) three ways: one thread
 * into a string (the reference), then streamed on one thread and forced
 * into parts on four; all must be equal.  Returns 1 when compared, 0
 * when a side does not validate.
 */
static int
assert_stream_same(const char *a, const char *b)
{
	st_ctx *lcx = st_ctx_new(NULL);
	st_schema *from, *to;
	st_diff_result *m;
	st_strbuf ref = ST_STRBUF_INIT;
	int ok = 0;

	split_env("1", NULL);
	from = load_schema(lcx, a);
	to = from ? load_schema(lcx, b) : NULL;
	if (!to)
		goto done;
	assert_int_equal(st_diff(lcx, from, to, &m), 0);
	st_render_script(lcx, &ref, m);
	for (int split = 0; split < 2; split++) {
		collect c = { ST_STRBUF_INIT, pthread_self(), 0, false, 0 };

		if (split)
			split_env("4", "1");
		assert_int_equal(st_render_script_to(lcx, m, collect_sink, &c), 0);
		assert_false(c.other_thread);
		if (strcmp(ref.buf, c.text.buf)) {
			size_t at = 0;

			while (ref.buf[at] == c.text.buf[at])
				at++;
			print_error("%s -> %s: %s stream differs at byte %zu:\n"
				    "%.200s\n--- stream:\n%.200s\n",
				    a ? a : "(empty)", b,
				    split ? "split" : "one-thread", at,
				    ref.buf + at, c.text.buf + at);
			fail();
		}
		st_strbuf_release(&c.text);
	}
	ok = 1;
done:
	split_env(NULL, NULL);
	st_strbuf_release(&ref);
	st_ctx_free(lcx);
	return ok;
}

static void
test_sqlschema_render_stream__pairs_and_corpus(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	const char *pairs = "tests/fixtures/diff-pairs";
	st_ctx *lcx = st_ctx_new(NULL);
	st_vec names;
	int n = 0;

	(void)state;
	if (!corpus)
		corpus = "../shared/corpus";
	if (st_path_is_dir(pairs)) {
		assert_int_equal(st_dir_list(lcx, pairs, &names), 0);
		for (size_t i = 0; i < names.len; i++) {
			char *dir = st_path_join(lcx->arena, pairs, names.items[i]);
			char *a = st_path_join(lcx->arena, dir, "a.prisma");
			char *b = st_path_join(lcx->arena, dir, "b.prisma");

			if (!st_path_exists(a) || !st_path_exists(b))
				continue;
			n += assert_stream_same(a, b);
			n += assert_stream_same(b, a);
		}
	}
	st_vec_init(&names, lcx->arena);
	if (corpus_schemas(lcx, corpus, &names))
		for (size_t i = 0; i < names.len; i++)
			n += assert_stream_same(NULL, names.items[i]);
	st_ctx_free(lcx);
	print_message("%d scripts the same streamed\n", n);
	if (n == 0)
		skip();
}

/* A schema of nmodels models with an enum, relations and indexes. */
static char *
gen_schema(st_ctx *lcx, int nmodels)
{
	st_strbuf sb = ST_STRBUF_INIT;
	char *path = st_strfmt(lcx->arena, "/tmp/strata-test-render-%ld.prisma",
			       (long)getpid());

	st_strbuf_adds(&sb, "datasource db {\n  provider = \"postgresql\"\n}\n\n"
			    "enum Kind {\n  A\n  B\n}\n\n");
	for (int i = 0; i < nmodels; i++) {
		st_strbuf_addf(&sb, "model M%d {\n  id Int @id @default(autoincrement())\n"
			       "  name String @unique\n  kind Kind @default(A)\n"
			       "  at DateTime @default(now())\n", i);
		if (i)
			st_strbuf_addf(&sb, "  prevId Int\n  prev M%d @relation(\"R%d\", "
				       "fields: [prevId], references: [id])\n", i - 1, i);
		if (i + 1 < nmodels)
			st_strbuf_addf(&sb, "  next M%d[] @relation(\"R%d\")\n", i + 1, i + 1);
		st_strbuf_adds(&sb, "  @@index([kind, at])\n}\n\n");
	}
	assert_int_equal(st_file_write(lcx, path, sb.buf, sb.len), 0);
	st_strbuf_release(&sb);
	return path;
}

static void
test_sqlschema_render_stream__big_schema_both_ways(void **state)
{
	st_ctx *lcx = st_ctx_new(NULL);
	char *path = gen_schema(lcx, 300);

	(void)state;
	assert_int_equal(assert_stream_same(NULL, path), 1);
	assert_int_equal(assert_stream_same(path, NULL), 1);
	unlink(path);
	st_ctx_free(lcx);
}

/* Nothing to do: the empty migration's line, once. */
static void
test_sqlschema_render_stream__empty_migration(void **state)
{
	st_ctx *lcx = st_ctx_new(NULL);
	st_diff_result *m;

	(void)state;
	for (int split = 0; split < 2; split++) {
		collect c = { ST_STRBUF_INIT, pthread_self(), 0, false, 0 };

		split_env(split ? "4" : "1", split ? "1" : NULL);
		assert_int_equal(st_diff(lcx, st_schema_empty(lcx),
					 st_schema_empty(lcx), &m), 0);
		assert_int_equal(st_render_script_to(lcx, m, collect_sink, &c), 0);
		assert_string_equal(c.text.buf, "-- This is an empty migration.\n");
		assert_int_equal(c.calls, 1);
		st_strbuf_release(&c.text);
	}
	split_env(NULL, NULL);
	st_ctx_free(lcx);
}

/* The sink's first error is returned, and the sink is not called again. */
static void
test_sqlschema_render_stream__sink_error_stops(void **state)
{
	st_ctx *lcx = st_ctx_new(NULL);
	char *path = gen_schema(lcx, 200);
	st_schema *to;
	st_diff_result *m;
	collect c = { ST_STRBUF_INIT, pthread_self(), 0, false, 1 };

	(void)state;
	split_env("4", "1");
	to = load_schema(lcx, path);
	assert_non_null(to);
	assert_int_equal(st_diff(lcx, st_schema_empty(lcx), to, &m), 0);
	assert_int_equal(st_render_script_to(lcx, m, collect_sink, &c), ST_EUSAGE);
	assert_int_equal(c.calls, 1);
	split_env(NULL, NULL);
	unlink(path);
	st_strbuf_release(&c.text);
	st_ctx_free(lcx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlschema_render_stream__pairs_and_corpus),
		cmocka_unit_test(test_sqlschema_render_stream__big_schema_both_ways),
		cmocka_unit_test(test_sqlschema_render_stream__empty_migration),
		cmocka_unit_test(test_sqlschema_render_stream__sink_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
