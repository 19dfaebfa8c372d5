/*
 * test_source.c - reading schema sources, small and big (over a megabyte,
 * where the read buffer is populated in one call): the UTF-8 check gives
 * the same result either way: the first invalid byte of a text full of
 * 2-, 3- and 4-byte characters, at every position, with the same error,
 * detail and diagnostic; CRLF, no final newline and empty files read as
 * they are.
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

#include "psl/psl.h"
#include "util/diag.h"
#include "util/fs.h"

#define BIG_FILE (1024 * 1024)  /* bytes: the big files are over this */

/*
 * What reading path gave: rc, messages, the diagnostic's offsets, and the
 * source's length; offsets counted from `base` bytes into the file.
 */
static void
read_result(st_strbuf *out, const char *path, size_t base)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_vec srcs;
	int rc = st_psl_read_sources(cx, path, &srcs);

	st_strbuf_addf(out, "rc %d: %s / %s / %s", rc, cx->err_msg.buf,
		       cx->err_detail.buf, cx->err_hint.buf);
	for (size_t i = 0; i < cx->diags.len; i++) {
		const st_diag *d = cx->diags.items[i];

		st_strbuf_addf(out, " | %zu-%zu %s", d->span.start - base,
			       d->span.end - base, d->msg);
	}
	if (rc == 0) {
		const st_source *src = srcs.items[0];

		st_strbuf_addf(out, " | len %zu", src->len - base);
		assert_int_equal(src->text[src->len], '\0');
	}
	st_ctx_free(cx);
}

/* A text of mixed characters (é: 2 bytes, €: 3, 😀: 4) and a model. */
static void
mixed_text(st_strbuf *sb)
{
	static const char *const chars[] = { "a", "\xC3\xA9", "\xE2\x82\xAC",
					     "\xF0\x9F\x98\x80", "\n// " };

	st_strbuf_adds(sb, "// ");
	for (int i = 0; i < 60; i++)
		st_strbuf_adds(sb, chars[(i * i + i / 3) % 5]);
	st_strbuf_adds(sb, "\nmodel A {\n  id Int @id\n}\n");
}

/*
 * Each byte of bads at each position of text: the diagnostic is at the
 * one pass's byte, and a big file (the text after a megabyte of comment
 * lines) gives the same error at the same line
 * offset as the small one.
 */
static void
test_psl_source__utf8_small_and_big(void **state)
{
	static const unsigned char bads[] = { 0xFF, 0x80, 0xC3, 0xF0, 0xC0 };
	st_ctx *cx = st_ctx_new(NULL);
	char *path = st_strfmt(cx->arena, "/tmp/strata-test-source-%ld.prisma",
			       (long)getpid());
	st_strbuf text = ST_STRBUF_INIT, pad = ST_STRBUF_INIT;
	size_t npad;
	int compared = 0;

	(void)state;
	mixed_text(&text);
	while (pad.len < BIG_FILE)
		st_strbuf_adds(&pad, "// a comment line of padding\n");
	npad = pad.len;
	for (size_t at = 0; at <= text.len; at++) {
		for (size_t b = 0; b < sizeof(bads); b++) {
			st_strbuf small = ST_STRBUF_INIT, big = ST_STRBUF_INIT;
			char *bad = st_memdup(cx->arena, text.buf, text.len + 1);
			size_t first;

			if (at < text.len)
				bad[at] = (char)bads[b];
			else if (b)
				break;        /* the valid text, once */
			first = st_psl_utf8_check(bad, text.len);
			assert_int_equal(st_file_write(cx, path, bad, text.len), 0);
			read_result(&small, path, 0);
			if (first < text.len) {
				char want[64];

				snprintf(want, sizeof(want), " | %zu-%zu ", first,
					 first + 1);
				assert_non_null(strstr(small.buf, want));
			} else {
				assert_non_null(strstr(small.buf, "rc 0:"));
			}
			/* the big file: a few positions are enough (it is
			 * the same check on other memory) */
			if (at % 37 == 0 || at == text.len) {
				st_strbuf_setlen(&pad, npad);
				st_strbuf_add(&pad, bad, text.len);
				assert_int_equal(st_file_write(cx, path, pad.buf,
							       pad.len), 0);
				read_result(&big, path, npad);
				/* the same but for the line numbers */
				assert_int_equal(strncmp(small.buf, big.buf, 6), 0);
				assert_string_equal(strchr(small.buf, '|') ?
						    strchr(small.buf, '|') : "",
						    strchr(big.buf, '|') ?
						    strchr(big.buf, '|') : "");
			}
			compared++;
			st_strbuf_release(&small);
			st_strbuf_release(&big);
		}
	}
	unlink(path);
	st_strbuf_release(&text);
	st_strbuf_release(&pad);
	st_ctx_free(cx);
	print_message("%d files compared\n", compared);
}

/* CRLF, no final newline, an empty file: read as they are, big or small. */
static void
test_psl_source__edges_small_and_big(void **state)
{
	static const char *const texts[] = {
		"model A {\r\n  id Int @id\r\n}\r\n",
		"model A {\n  id Int @id\n}",
		"",
	};
	st_ctx *cx = st_ctx_new(NULL);
	char *path = st_strfmt(cx->arena, "/tmp/strata-test-source-%ld.prisma",
			       (long)getpid());

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int big = 0; big < 2; big++) {
			st_strbuf file = ST_STRBUF_INIT, got = ST_STRBUF_INIT;
			char want[32];

			while (big && file.len < BIG_FILE + 1)
				st_strbuf_adds(&file, "// padding\n");
			st_strbuf_adds(&file, texts[i]);
			assert_int_equal(st_file_write(cx, path, file.buf,
						       file.len), 0);
			read_result(&got, path, 0);
			snprintf(want, sizeof(want), "| len %zu", file.len);
			assert_non_null(strstr(got.buf, "rc 0:"));
			assert_non_null(strstr(got.buf, want));
			st_strbuf_release(&file);
			st_strbuf_release(&got);
		}
	}
	unlink(path);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_source__utf8_small_and_big),
		cmocka_unit_test(test_psl_source__edges_small_and_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
