/*
 * lexer.h - PSL token scanners shared by parser.c and format.c (private to
 * src/psl).  Each scanner looks at s[pos..len) and returns the offset just
 * after the token it recognises, or pos itself when there is none; none of
 * them relies on NUL termination, so any bytes are safe.
 *
 * The token shapes follow Prisma's pest grammar (datamodel.pest); see ast.h
 * for the summary.
 */
#ifndef ST_PSL_LEXER_H
#define ST_PSL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "util/error.h"

/* Decodes one UTF-8 character at pos (pos < len).  Returns its length in
 * bytes (1..4); an invalid sequence yields length 1 and *cp = 0xFFFD. */
size_t psl__utf8(const char *s, size_t len, size_t pos, uint32_t *cp);
/* "Alphanumeric" as Prisma's identifiers use it: ASCII letters and digits
 * and the Unicode letters of any script (not other digits, not marks). */
bool psl__is_alnum(uint32_t cp);

/*
 * The scanners the parser calls for nearly every byte are inline below:
 * their ASCII cases are a table lookup per byte, and only a byte >= 0x80
 * leaves for the out-of-line Unicode code (the *_slow functions).
 */

/* Byte classes: ASCII letter or digit, "_" or "-", space or tab, and any
 * byte of a multi-byte UTF-8 sequence. */
enum {
	PSL_C_ALNUM = 1,
	PSL_C_IDENT = 2,
	PSL_C_BLANK = 4,
	PSL_C_HIGH = 8,
};
extern const unsigned char psl__class[256];

static inline unsigned
psl__cls(const char *s, size_t pos)
{
	return psl__class[(unsigned char)s[pos]];
}

size_t psl__ws_slow(const char *s, size_t len, size_t pos);
size_t psl__ident_slow(const char *s, size_t len, size_t pos);

/* Spaces, tabs and Unicode space separators (never line breaks). */
static inline size_t
psl__ws(const char *s, size_t len, size_t pos)
{
	while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	if (pos < len && psl__cls(s, pos) == PSL_C_HIGH)
		return psl__ws_slow(s, len, pos);
	return pos;
}

/* A line break: "\n", "\r\n" or "\r". */
static inline size_t
psl__newline(const char *s, size_t len, size_t pos)
{
	if (pos < len && s[pos] == '\n')
		return pos + 1;
	if (pos < len && s[pos] == '\r')
		return pos + 1 < len && s[pos + 1] == '\n' ? pos + 2 : pos + 1;
	return pos;
}

/* Offset of the next "\n" or "\r" at or after pos (len when none). */
static inline size_t
psl__line_end(const char *s, size_t len, size_t pos)
{
	while (pos < len && s[pos] != '\n' && s[pos] != '\r')
		pos++;
	return pos;
}

/* identifier: alnum (alnum | "_" | "-")* */
static inline size_t
psl__ident(const char *s, size_t len, size_t pos)
{
	size_t start = pos;

	if (pos >= len || psl__cls(s, pos) != PSL_C_ALNUM)
		return pos < len && psl__cls(s, pos) == PSL_C_HIGH ?
			psl__ident_slow(s, len, pos) : pos;
	for (pos++; pos < len; pos++) {
		unsigned c = psl__cls(s, pos);

		if (c == PSL_C_HIGH)
			return psl__ident_slow(s, len, start);
		if (!(c & (PSL_C_ALNUM | PSL_C_IDENT)))
			break;
	}
	return pos;
}

/* path: identifier ("." identifier?)* */
static inline size_t
psl__path(const char *s, size_t len, size_t pos)
{
	size_t end = psl__ident(s, len, pos);

	if (end == pos)
		return pos;
	while (end < len && s[end] == '.')
		end = psl__ident(s, len, end + 1);
	return end;
}

/* numeric literal: "-"? digit+ ("." digit+)? ; *is_float set when it has a
 * fraction. */
size_t psl__number(const char *s, size_t len, size_t pos, bool *is_float);
/* string literal "..." (escapes skipped, no control characters). */
size_t psl__string(const char *s, size_t len, size_t pos);
/*
 * A comment starting exactly at pos: "//..." up to the line break
 * (excluded), or a multi-line comment up to and including its closing
 * delimiter.  *doc is set for "///", *multi for multi-line ones.
 */
size_t psl__comment(const char *s, size_t len, size_t pos, bool *doc,
		    bool *multi);

/*
 * Decodes the string literal src->text[start..end) (quotes included) into
 * a new NUL-terminated arena string, reporting Prisma's errors for unknown
 * escapes and bad \u sequences as diagnostics (code P1012).  Returns the
 * number of errors reported.
 */
size_t psl__unescape(st_ctx *cx, const st_source *src, size_t start,
		     size_t end, const char **out, size_t *outlen);

#endif
