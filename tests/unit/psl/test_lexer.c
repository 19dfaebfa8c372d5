/*
 * test_lexer.c - PSL token scanners: UTF-8, Unicode classes, whitespace,
 * identifiers, paths, numbers, strings, comments, and string escapes with
 * Prisma's error messages and spans.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "psl/lexer.h"
#include "psl/psl.h"

#define S(lit) lit, sizeof(lit) - 1

static void
test_psl_lexer__utf8(void **state)
{
	uint32_t cp;

	assert_int_equal(psl__utf8(S("é"), 0, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(psl__utf8(S("日"), 0, &cp), 3);
	assert_int_equal(cp, 0x65E5);
	assert_int_equal(psl__utf8(S("\xF0\x9F\x98\x80"), 0, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* truncated, overlong, surrogate, stray continuation */
	assert_int_equal(psl__utf8(S("\xE6\x97"), 0, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(psl__utf8(S("\xC0\xAF"), 0, &cp), 1);
	assert_int_equal(psl__utf8(S("\xED\xA0\x80"), 0, &cp), 1);
	assert_int_equal(psl__utf8(S("\x80"), 0, &cp), 1);
	assert_int_equal(st_psl_utf8_check(S("model Café {}")), 14);
	assert_int_equal(st_psl_utf8_check(S("ab\xFF" "cd")), 2);
	assert_int_equal(st_psl_utf8_check(S("a\0b")), 3); /* NUL is UTF-8 */
}

static void
test_psl_lexer__classes(void **state)
{
	assert_true(psl__is_alnum('a'));
	assert_true(psl__is_alnum('Z'));
	assert_true(psl__is_alnum('7'));
	assert_false(psl__is_alnum('_'));
	assert_false(psl__is_alnum('-'));
	assert_true(psl__is_alnum(0xE9));    /* é */
	assert_true(psl__is_alnum(0x65E5));  /* 日 */
	assert_true(psl__is_alnum(0x02B0));  /* modifier letter (Lm) */
	assert_true(psl__is_alnum(0xFF21));  /* fullwidth A */
	/* like Prisma: no non-ASCII digits, no marks, no letter numbers */
	assert_false(psl__is_alnum(0x0661)); /* Arabic-Indic digit one */
	assert_false(psl__is_alnum(0xFF11)); /* fullwidth 1 */
	assert_false(psl__is_alnum(0x0301)); /* combining acute accent */
	assert_false(psl__is_alnum(0x00B2)); /* superscript two */
	assert_false(psl__is_alnum(0x216B)); /* roman numeral twelve */
	assert_false(psl__is_alnum(0x2014)); /* em dash */
	assert_false(psl__is_alnum(0xA0));   /* no-break space */
	assert_false(psl__is_alnum(0x1F600));/* emoji */

	/* whitespace: space, tab, Unicode space separators; never newlines */
	assert_int_equal(psl__ws(S(" \t\xC2\xA0\xE3\x80\x80x"), 0), 7);
	assert_int_equal(psl__ws(S("\n"), 0), 0);
	/* ASCII blanks, then a Unicode one, then a non-space letter */
	assert_int_equal(psl__ws(S("  \xE2\x80\x83 \xC3\xA9"), 0), 6);
	assert_int_equal(psl__ws(S("\xC3\xA9"), 0), 0);
	assert_int_equal(psl__ws(S("   "), 1), 3);
	assert_int_equal(psl__newline(S("\r\nx"), 0), 2);
	assert_int_equal(psl__newline(S("\rx"), 0), 1);
	assert_int_equal(psl__newline(S("\nx"), 0), 1);
	assert_int_equal(psl__newline(S("x"), 0), 0);
	assert_int_equal(psl__line_end(S("ab\r\ncd"), 0), 2);
}

static void
test_psl_lexer__identifiers_and_paths(void **state)
{
	assert_int_equal(psl__ident(S("user_id-2 x"), 0), 9);
	assert_int_equal(psl__ident(S("_hidden"), 0), 0); /* no leading _ */
	assert_int_equal(psl__ident(S("1abc"), 0), 4);   /* digits may lead */
	assert_int_equal(psl__ident(S("Café("), 0), 5);
	/* ASCII start, non-ASCII letters and marks inside, at the end */
	assert_int_equal(psl__ident(S("ab\xC3\xA9" "cd x"), 0), 6);
	assert_int_equal(psl__ident(S("ab\xC3\xA9"), 0), 4);
	assert_int_equal(psl__ident(S("ab\xCC\x81"), 0), 2); /* combining */
	assert_int_equal(psl__ident(S("\xC3\xA9t\xC3\xA9-1 "), 0), 7);
	assert_int_equal(psl__ident(S("\xCC\x81" "ab"), 0), 0);
	assert_int_equal(psl__ident(S("ab"), 2), 2);
	assert_int_equal(psl__ident(S("a\xFF"), 0), 1);        /* bad UTF-8 */
	assert_int_equal(psl__path(S("db.VarChar(3)"), 0), 10);
	assert_int_equal(psl__path(S("a.b.c"), 0), 5);
	assert_int_equal(psl__path(S("a."), 0), 2);      /* like pest: path? */
	assert_int_equal(psl__path(S(".a"), 0), 0);
}

static void
test_psl_lexer__numbers(void **state)
{
	bool f;

	assert_int_equal(psl__number(S("42)"), 0, &f), 2);
	assert_false(f);
	assert_int_equal(psl__number(S("-1.25,"), 0, &f), 5);
	assert_true(f);
	assert_int_equal(psl__number(S("1."), 0, &f), 1); /* "1" then "." */
	assert_int_equal(psl__number(S(".5"), 0, &f), 0);
	assert_int_equal(psl__number(S("-x"), 0, &f), 0);
	assert_int_equal(psl__number(S("1e5"), 0, &f), 1);
}

static void
test_psl_lexer__strings_and_comments(void **state)
{
	bool doc, multi;

	assert_int_equal(psl__string(S("\"a\\\"b\" x"), 0), 6);
	assert_int_equal(psl__string(S("\"unterminated"), 0), 0);
	assert_int_equal(psl__string(S("\"tab\there\""), 0), 0); /* control */
	assert_int_equal(psl__string(S("\"a\nb\""), 0), 0);
	assert_int_equal(psl__string(S("\"日本\""), 0), 8);
	assert_int_equal(psl__string(S("\"\\"), 0), 0);

	assert_int_equal(psl__comment(S("// hi\r\nx"), 0, &doc, &multi), 5);
	assert_false(doc);
	assert_int_equal(psl__comment(S("/// doc"), 0, &doc, &multi), 7);
	assert_true(doc);
	assert_int_equal(psl__comment(S("/* a\n b */x"), 0, &doc, &multi), 10);
	assert_true(multi);
	assert_int_equal(psl__comment(S("/* open"), 0, &doc, &multi), 0);
	assert_int_equal(psl__comment(S("/ x"), 0, &doc, &multi), 0);
}

typedef struct esc_case {
	const char *lit;      /* the literal, quotes included */
	const char *value;    /* decoded */
	size_t value_len;
	size_t nerr;
	const char *msg;      /* first error, or NULL */
	size_t err_start, err_end;
} esc_case;

static void
test_psl_lexer__unescape(void **state)
{
	static const esc_case cases[] = {
		{ "\"plain\"", "plain", 5, 0, NULL, 0, 0 },
		{ "\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d", 7, 0, NULL, 0, 0 },
		{ "\"\\n\\t\\r\\b\\f\"", "\n\t\r\b\f", 5, 0, NULL, 0, 0 },
		{ "\"\\u00e9\"", "\xC3\xA9", 2, 0, NULL, 0, 0 },
		{ "\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80", 4, 0, NULL, 0, 0 },
		{ "\"\\u0000x\"", "\0x", 2, 0, NULL, 0, 0 },
		{ "\"C:\\q\"", "C:", 2, 1,
		  "Unknown escape sequence. If the value is a windows-style path, "
		  "`\\` must be escaped as `\\\\`.", 3, 5 },
		{ "\"a\\u00\"", "a", 1, 1, "Invalid unicode escape sequence.", 2, 6 },
		{ "\"\\ud83dx\"", "x", 1, 1, "Invalid unicode escape sequence.", 1, 7 },
		{ "\"\\ude00\\u0041\"", "", 0, 1, "Invalid unicode escape sequence.", 1, 13 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st_ctx *cx = st_ctx_new(NULL);
		const esc_case *c = &cases[i];
		st_source *src = st_source_new(cx, "t", c->lit, strlen(c->lit));
		const char *out;
		size_t len;

		assert_int_equal(psl__string(src->text, src->len, 0), src->len);
		assert_int_equal(psl__unescape(cx, src, 0, src->len, &out, &len),
				 c->nerr);
		assert_int_equal(len, c->value_len);
		assert_memory_equal(out, c->value, len);
		assert_int_equal(out[len], '\0');
		assert_int_equal(cx->diags.len, c->nerr);
		if (c->msg) {
			st_diag *d = cx->diags.items[0];

			assert_string_equal(d->msg, c->msg);
			assert_string_equal(d->code, "P1012");
			assert_int_equal(d->span.start, c->err_start);
			assert_int_equal(d->span.end, c->err_end);
		}
		st_ctx_free(cx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_lexer__utf8),
		cmocka_unit_test(test_psl_lexer__classes),
		cmocka_unit_test(test_psl_lexer__identifiers_and_paths),
		cmocka_unit_test(test_psl_lexer__numbers),
		cmocka_unit_test(test_psl_lexer__strings_and_comments),
		cmocka_unit_test(test_psl_lexer__unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
