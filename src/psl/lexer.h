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

/* Spaces, tabs and Unicode space separators (never line breaks). */
size_t psl__ws(const char *s, size_t len, size_t pos);
/* A line break: "\n", "\r\n" or "\r". */
size_t psl__newline(const char *s, size_t len, size_t pos);
/* Offset of the next "\n" or "\r" at or after pos (len when none). */
size_t psl__line_end(const char *s, size_t len, size_t pos);

/* identifier: alnum (alnum | "_" | "-")* */
size_t psl__ident(const char *s, size_t len, size_t pos);
/* path: identifier ("." identifier?)* */
size_t psl__path(const char *s, size_t len, size_t pos);
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
