/*
 * test_util.c - arena (and its block heap), strbuf, vec, map, diagnostics,
 * URL redaction.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/map.h"
#include "util/strbuf.h"
#include "util/url.h"
#include "util/vec.h"

static int calls;
static void count_call(void *arg) { calls += *(int *)arg; }

static void
test_util_arena__children_and_callbacks(void **state)
{
	st_arena *root = st_arena_new(NULL);
	st_arena *child = st_arena_new(root);
	int one = 1, ten = 10;
	char *big;

	calls = 0;
	st_arena_on_reset(root, count_call, &one);
	st_arena_on_reset(child, count_call, &ten);
	big = st_alloc(child, 1 << 20);       /* larger than a block */
	memset(big, 'x', 1 << 20);
	assert_string_equal(st_strfmt(child, "%d-%s", 7, "x"), "7-x");
	/* formatted strings of every length near a block's end stay intact */
	for (int i = 0; i < 5000; i++) {
		char *s = st_strfmt(child, "%0*d", i % 97, i);
		char *t = st_strdup(child, "after");

		assert_int_equal(strlen(s), i % 97 > 0 && (size_t)(i % 97) > (size_t)snprintf(NULL, 0, "%d", i) ? (size_t)(i % 97) : (size_t)snprintf(NULL, 0, "%d", i));
		assert_int_equal(atoi(s), i);
		assert_string_equal(t, "after");
	}
	assert_int_equal((uintptr_t)st_alloc(root, 3) % 16, 0);
	st_arena_free(root);                  /* frees the child too */
	assert_int_equal(calls, 11);
}

/* Memory from a freed arena goes to the next one: st_alloc() still hands
 * it out zeroed (a reused heap block is not zero any more). */
static void
test_util_arena__reused_blocks_are_zeroed(void **state)
{
	for (int round = 0; round < 3; round++) {
		st_arena *a = st_arena_new(NULL);

		for (int i = 0; i < 200; i++) {
			size_t n = 1000 + (size_t)i * 997 % 90000;
			unsigned char *p = st_alloc(a, n);

			for (size_t k = 0; k < n; k++)
				if (p[k] != 0)
					fail_msg("round %d alloc %d byte %zu not zero",
						 round, i, k);
			memset(p, 0xAB, n);
		}
		st_arena_free(a);
	}
}

/*
 * Arenas on several threads take blocks from the one heap while another
 * thread prefaults it: every block is handed out once (each thread's
 * pattern survives), fresh memory reads as zero, and the prefault writes
 * never land in memory already handed out.
 */
typedef struct heap_job {
	int id;
	int bad;
} heap_job;

static atomic_int prefault_stop;

static void *
prefaulter(void *arg)
{
	(void)arg;
	while (!prefault_stop)
		if (!st_arena_prefault_step())
			st_arena_prefault(8 << 20);
	return NULL;
}

/* Blocks of their own (over a quarter of a block), so that every
 * allocation takes a heap slot: the threads race for slots all along. */
#define HEAP_ALLOCS 120

static void *
heap_user(void *arg)
{
	heap_job *j = arg;
	st_arena *a[2] = { st_arena_new(NULL), st_arena_new(NULL) };
	unsigned char *ptr[HEAP_ALLOCS];
	size_t len[HEAP_ALLOCS];

	for (int i = 0; i < HEAP_ALLOCS; i++) {
		len[i] = (300 + (size_t)(i * 7919 + j->id * 104729) % 400) << 10;
		ptr[i] = st_alloc(a[i % 2], len[i]);
		for (size_t k = 0; k < len[i]; k += 4096)
			j->bad += ptr[i][k] != 0;
		for (size_t k = 0; k < len[i]; k += 4096)
			ptr[i][k] = (unsigned char)(j->id * 31 + i);
	}
	for (int i = 0; i < HEAP_ALLOCS; i++)
		for (size_t k = 0; k < len[i]; k += 4096)
			j->bad += ptr[i][k] != (unsigned char)(j->id * 31 + i);
	for (int i = 0; i < 2; i++)
		st_arena_free(a[i]);
	return NULL;
}

static void
test_util_arena__heap_shared_by_threads(void **state)
{
	pthread_t pf, users[3];
	heap_job jobs[3];

	prefault_stop = 0;
	st_arena_prefault(64 << 20);
	assert_int_equal(pthread_create(&pf, NULL, prefaulter, NULL), 0);
	for (int i = 0; i < 3; i++) {
		jobs[i] = (heap_job){ .id = i + 1, .bad = 0 };
		assert_int_equal(pthread_create(&users[i], NULL, heap_user,
						&jobs[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(users[i], NULL);
		assert_int_equal(jobs[i].bad, 0);
	}
	prefault_stop = 1;
	pthread_join(pf, NULL);
}

static void
test_util_strbuf__invariants(void **state)
{
	st_strbuf sb = ST_STRBUF_INIT;

	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		st_strbuf_addf(&sb, "%d,", i);
	assert_true(st_strbuf_ends_with(&sb, "999,"));
	assert_int_equal(sb.len, strlen(sb.buf));
	st_strbuf_reset(&sb);
	st_sql_ident(&sb, "we\"ird name");
	assert_string_equal(sb.buf, "\"we\"\"ird name\"");
	st_strbuf_reset(&sb);
	st_sql_literal(&sb, "it's");
	assert_string_equal(sb.buf, "'it''s'");
	st_strbuf_reset(&sb);
	st_sql_literal(&sb, "a\\b");
	assert_string_equal(sb.buf, "E'a\\\\b'");
	st_strbuf_reset(&sb);
	st_sql_qualified(&sb, "s", "t");
	assert_string_equal(sb.buf, "\"s\".\"t\"");
	st_strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void
test_util_strbuf__arena_backed(void **state)
{
	st_arena *a = st_arena_new(NULL);
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	for (int i = 0; i < 100; i++)
		st_strbuf_adds(&sb, "abcdefghij");
	assert_int_equal(sb.len, 1000);
	st_arena_free(a);   /* no release needed */
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_util_vec_map__basics(void **state)
{
	st_arena *a = st_arena_new(NULL);
	st_vec v = ST_VEC_INIT(a);
	st_map m;
	char *keys[200];

	st_vec_push(&v, "b");
	st_vec_push(&v, "c");
	st_vec_insert(&v, 0, "a");
	st_vec_sort(&v, cmp_str);
	assert_string_equal(v.items[0], "a");
	assert_string_equal(st_vec_last(&v), "c");
	st_vec_remove(&v, 0);
	assert_int_equal(v.len, 2);

	st_map_init(&m, a);
	for (int i = 0; i < 200; i++) {
		keys[i] = st_strfmt(a, "key%d", i);
		assert_null(st_map_put(&m, keys[i], keys[i]));
	}
	for (int i = 0; i < 200; i++)
		assert_ptr_equal(st_map_get(&m, keys[i]), keys[i]);
	assert_null(st_map_get(&m, "nope"));
	assert_true(st_map_has(&m, "key7"));
	st_arena_free(a);
}

static void
test_util_diag__caret_rendering(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *text = "model A {\n  id Strin @id\n}\n";
	st_source *src = st_source_new(cx, "s.prisma", text, strlen(text));
	st_strbuf sb = ST_STRBUF_INIT;
	size_t line, col;
	st_span sp = { src, 15, 20 };

	st_source_linecol(src, 15, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 6);
	st_diag_add(cx, ST_SEV_ERROR, sp, "type \"%s\" is not defined", "Strin");
	assert_int_equal(st_diag_count(cx, ST_SEV_ERROR), 1);
	st_diag_render(&sb, cx->diags.items[0], false);
	assert_string_equal(sb.buf,
		"s.prisma:2:6: error: type \"Strin\" is not defined\n"
		" 2 |    id Strin @id\n"
		"   |       ^^^^^\n");
	st_strbuf_release(&sb);
	st_ctx_free(cx);
}

static void
test_util_url__redacts_passwords(void **state)
{
	st_arena *a = st_arena_new(NULL);
	static const struct { const char *in, *out; } cases[] = {
		{ "postgresql://u:secret@h:5432/db", "postgresql://u:****@h:5432/db" },
		{ "postgresql://u@h/db", "postgresql://u@h/db" },
		{ "postgres://u:p%40ss@h/db?schema=x&password=zz&sslmode=require",
		  "postgres://u:****@h/db?schema=x&password=****&sslmode=require" },
		{ "host=h password=abc dbname=d", "host=h password=**** dbname=d" },
		{ "postgresql://h/db", "postgresql://h/db" },
		{ "postgresql://u:p@ss@h/db", "postgresql://u:****@h/db" },
		{ "postgresql://u:se/cr:et@h:5432/db?schema=s", "postgresql://u:****@h:5432/db?schema=s" },
		{ "postgresql://u:a?b@h/db", "postgresql://u:****@h/db" },
		{ "postgresql://u@h/db?options=a@b&password=p", "postgresql://u@h/db?options=a@b&password=****" },
		{ "postgresql://u@h/db?password=x", "postgresql://u@h/db?password=****" },
		{ "postgresql://h/d%40b", "postgresql://h/d%40b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(st_url_redact(a, cases[i].in), cases[i].out);
	st_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_arena__children_and_callbacks),
		cmocka_unit_test(test_util_arena__reused_blocks_are_zeroed),
		cmocka_unit_test(test_util_arena__heap_shared_by_threads),
		cmocka_unit_test(test_util_strbuf__invariants),
		cmocka_unit_test(test_util_strbuf__arena_backed),
		cmocka_unit_test(test_util_vec_map__basics),
		cmocka_unit_test(test_util_diag__caret_rendering),
		cmocka_unit_test(test_util_url__redacts_passwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
