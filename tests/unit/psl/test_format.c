/*
 * test_format.c - the formatter against Prisma's own output: every corpus
 * schema file against tests/fixtures/prisma/format/ (prisma format's bytes),
 * the hand-written cases in tests/fixtures/format-cases/ (*.prisma with
 * the oracle's *.expected), idempotency, and refusal on syntax errors.
 * Run from the repository root (tests/run.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl/psl.h"
#include "util/fs.h"

#define CASES_DIR "tests/fixtures/format-cases"
#define PRISMA_DIR "tests/fixtures/prisma/format"

/* Formats text; returns the output in cx's arena (NULL on parse error). */
static const char *
format_text(st_ctx *cx, const char *path, const char *text, size_t len,
	    size_t *outlen)
{
	st_source *src = st_source_new(cx, path, text, len);
	st_strbuf out;

	st_strbuf_init_arena(&out, cx->arena);
	if (st_psl_format_source(cx, src, &out) < 0)
		return NULL;
	*outlen = out.len;
	return out.buf;
}

/* Compares with a readable message: first differing line. */
static void
assert_same_text(const char *what, const char *got, size_t glen,
		 const char *want, size_t wlen)
{
	size_t i = 0, line = 1;

	if (glen == wlen && memcmp(got, want, glen) == 0)
		return;
	while (i < glen && i < wlen && got[i] == want[i]) {
		if (got[i] == '\n')
			line++;
		i++;
	}
	fail_msg("%s: output differs from Prisma's at line %zu (byte %zu; "
		 "lengths %zu vs %zu)", what, line, i, glen, wlen);
}

/* format(text) == expected and format(expected) == expected */
static void
check_case(const char *what, const char *text, size_t len,
	   const char *want, size_t wlen)
{
	st_ctx *cx = st_ctx_new(NULL);
	const char *got, *again;
	size_t glen = 0, alen = 0;

	got = format_text(cx, what, text, len, &glen);
	if (!got)
		fail_msg("%s: does not parse: %s", what,
			 ((st_diag *)cx->diags.items[0])->msg);
	assert_same_text(what, got, glen, want, wlen);
	again = format_text(cx, what, got, glen, &alen);
	assert_non_null(again);
	assert_same_text(what, again, alen, got, glen);
	st_ctx_free(cx);
}

static void
test_psl_format__hand_cases(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_vec names;
	size_t ncases = 0;

	assert_int_equal(st_dir_list(cx, CASES_DIR, &names), 0);
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		size_t n = strlen(name), len, wlen;
		char *text, *want;

		if (n < 8 || strcmp(name + n - 7, ".prisma") != 0)
			continue;
		assert_int_equal(st_file_read(cx, st_path_join(cx->arena, CASES_DIR,
					name), &text, &len), 0);
		assert_int_equal(st_file_read(cx, st_strfmt(cx->arena, "%s/%.*s.expected",
					CASES_DIR, (int)(n - 7), name), &want, &wlen), 0);
		check_case(name, text, len, want, wlen);
		ncases++;
	}
	assert_true(ncases >= 20);
	st_ctx_free(cx);
}

static void
test_psl_format__corpus_matches_prisma(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	st_ctx *cx = st_ctx_new(NULL);
	st_vec projects;
	size_t nfiles = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	if (!st_path_is_dir(corpus) || !st_path_is_dir(PRISMA_DIR)) {
		print_message("corpus (%s) or %s missing: set STRATA_CORPUS\n",
			      corpus, PRISMA_DIR);
		st_ctx_free(cx);
		skip();
	}
	assert_int_equal(st_dir_list(cx, corpus, &projects), 0);
	for (size_t i = 0; i < projects.len; i++) {
		const char *proj = projects.items[i];
		const char *cand[] = { "schema.prisma", "schema" };

		for (size_t k = 0; k < 2; k++) {
			const char *p = st_strfmt(cx->arena, "%s/%s/%s", corpus,
						  proj, cand[k]);
			size_t prefix = strlen(corpus) + 1;
			st_vec srcs;

			if (!st_path_exists(p))
				continue;
			assert_int_equal(st_psl_read_sources(cx, p, &srcs), 0);
			for (size_t j = 0; j < srcs.len; j++) {
				st_source *src = srcs.items[j];
				const char *fx = st_path_join(cx->arena, PRISMA_DIR,
							      src->path + prefix);
				char *want;
				size_t wlen;

				if (!st_path_is_file(fx)) {
					print_message("no fixture %s\n", fx);
					continue;
				}
				assert_int_equal(st_file_read(cx, fx, &want, &wlen), 0);
				check_case(src->path, src->text, src->len, want, wlen);
				nfiles++;
			}
		}
	}
	print_message("%zu corpus files format exactly like prisma format\n",
		      nfiles);
	assert_true(nfiles >= 50);
	st_ctx_free(cx);
}

static void
test_psl_format__layout_rules(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* attributes sorted, columns aligned, one blank line between
		 * blocks, final newline added */
		{ "model A {\n  b String @map(\"b\") @unique\n  id Int @default(1) @id\n}\nmodel B {\n  id Int @id\n}",
		  "model A {\n  b  String @unique @map(\"b\")\n  id Int    @id @default(1)\n}\n\nmodel B {\n  id Int @id\n}\n" },
		/* block attributes last, after one blank line; trailing comma
		 * and the comment after "{" dropped */
		{ "model A { // x\n  @@map(\"a\")\n  id Int @id @default(autoincrement(),)\n}\n",
		  "model A {\n  id Int @id @default(autoincrement())\n\n  @@map(\"a\")\n}\n" },
		/* CRLF input gives LF output; tabs become the canonical layout */
		{ "enum E {\r\n\tA\t@map(\"a\")\r\n\tBB\r\n}\r\n",
		  "enum E {\n  A  @map(\"a\")\n  BB\n}\n" },
		/* byte widths: a non-ASCII type cell pads like Prisma */
		{ "model A {\n  id Int @id\n  g Unsupported(\"é\")\n  x Int @unique\n}\n",
		  "model A {\n  id Int               @id\n  g  Unsupported(\"é\")\n  x  Int               @unique\n}\n" },
		{ "", "\n" },
		/* text after a block's "}" on the same line: Prisma adds the
		 * blank line only on a second run; strata at once (idempotent) */
		{ "model A {\n}model C {\n  id Int @id\n} // c\n",
		  "model A {\n}\n\nmodel C {\n  id Int @id\n}\n\n// c\n" },
		/* block attributes first, then a blank line: Prisma starts the
		 * body with a blank line that its next run removes */
		{ "model M {\n  @@map(\"m\")\n\n  id Int @id\n}\n",
		  "model M {\n  id Int @id\n\n  @@map(\"m\")\n}\n" },
		/* a multi-line comment after another comment line: Prisma
		 * would write " * /" "* y" and grow it on every run */
		{ "model M {\n  id Int @id\n  // x\n  /* y */\n}\n",
		  "model M {\n  id Int @id\n  // x\n  /**\n   * y\n   */\n}\n" },
		/* a trailing comment on a key = value line */
		{ "generator g {\n  provider = \"x\" // p\n}\n",
		  "generator g {\n  provider = \"x\" // p\n}\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "layout case %zu", i);
		check_case(what, cases[i].in, strlen(cases[i].in), cases[i].out,
			   strlen(cases[i].out));
	}
}

static void
test_psl_format__refuses_syntax_errors(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	static const char text[] = "model A {\n  id Int @id\n  tags String[] @default([\n    \"a\"\n  ])\n}\n";
	st_source *src = st_source_new(cx, "a.prisma", text, sizeof(text) - 1);
	st_strbuf out = ST_STRBUF_INIT;
	st_psl_file *f;

	/* multi-line arrays are not PSL: Prisma 7 rejects them line by line */
	assert_int_equal(st_psl_format_source(cx, src, &out), ST_EPARSE);
	assert_int_equal(out.len, 0);
	assert_int_equal(cx->diags.len, 3);
	assert_int_equal(st_psl_parse(cx, src, &f), ST_EPARSE);
	assert_int_equal(st_psl_format(cx, f, &out), ST_EPARSE);
	assert_int_equal(out.len, 0);
	st_strbuf_release(&out);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_format__hand_cases),
		cmocka_unit_test(test_psl_format__corpus_matches_prisma),
		cmocka_unit_test(test_psl_format__layout_rules),
		cmocka_unit_test(test_psl_format__refuses_syntax_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
