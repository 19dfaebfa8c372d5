/*
 * lexer.c - the token scanners of the Prisma schema language: UTF-8 and
 * Unicode classes, whitespace, identifiers, paths, numbers, strings,
 * comments, and the decoding of string escapes with Prisma's errors.
 * Scanners never read past len and never allocate.
 */
#include "psl/lexer.h"

#include <string.h>

#include "psl/psl.h"
#include "psl/unicode_alnum.h"
#include "util/strbuf.h"

/* ==== characters ==== */

#define A PSL_C_ALNUM
#define H PSL_C_HIGH
const unsigned char psl__class[256] = {
	['\t'] = PSL_C_BLANK, [' '] = PSL_C_BLANK,
	['_'] = PSL_C_IDENT, ['-'] = PSL_C_IDENT,
	['0'] = A, ['1'] = A, ['2'] = A, ['3'] = A, ['4'] = A, ['5'] = A,
	['6'] = A, ['7'] = A, ['8'] = A, ['9'] = A,
	['a'] = A, ['b'] = A, ['c'] = A, ['d'] = A, ['e'] = A, ['f'] = A,
	['g'] = A, ['h'] = A, ['i'] = A, ['j'] = A, ['k'] = A, ['l'] = A,
	['m'] = A, ['n'] = A, ['o'] = A, ['p'] = A, ['q'] = A, ['r'] = A,
	['s'] = A, ['t'] = A, ['u'] = A, ['v'] = A, ['w'] = A, ['x'] = A,
	['y'] = A, ['z'] = A,
	['A'] = A, ['B'] = A, ['C'] = A, ['D'] = A, ['E'] = A, ['F'] = A,
	['G'] = A, ['H'] = A, ['I'] = A, ['J'] = A, ['K'] = A, ['L'] = A,
	['M'] = A, ['N'] = A, ['O'] = A, ['P'] = A, ['Q'] = A, ['R'] = A,
	['S'] = A, ['T'] = A, ['U'] = A, ['V'] = A, ['W'] = A, ['X'] = A,
	['Y'] = A, ['Z'] = A,
	/* 0x80 .. 0xFF: all of UTF-8's lead and continuation bytes */
	[0x80] =
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H,
};
#undef A
#undef H

size_t
psl__utf8(const char *s, size_t len, size_t pos, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s + pos;
	size_t avail = len - pos, n;
	uint32_t c, min;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0) {
		n = 2, c = u[0] & 0x1F, min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		n = 3, c = u[0] & 0x0F, min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		n = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		goto bad;
	}
	if (avail < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t
st_psl_utf8_check(const char *s, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		uint32_t cp;
		size_t n;
		uint64_t w;

		/* ASCII runs 32 bytes at a time, then 8 */
		while (pos + 32 <= len) {
			uint64_t w4[4];

			memcpy(w4, s + pos, 32);
			if ((w4[0] | w4[1] | w4[2] | w4[3]) & 0x8080808080808080ull)
				break;
			pos += 32;
		}
		if (pos + 8 <= len) {
			memcpy(&w, s + pos, 8);
			if (!(w & 0x8080808080808080ull)) {
				pos += 8;
				continue;
			}
		}
		if ((unsigned char)s[pos] < 0x80) {
			pos++;
			continue;
		}
		n = psl__utf8(s, len, pos, &cp);
		if (cp == 0xFFFD && n == 1)
			return pos;
		pos += n;
	}
	return len;
}

bool
psl__is_alnum(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(psl_alnum_ranges) / sizeof(psl_alnum_ranges[0]);

	if (cp < 0x80)
		return psl__class[cp] == PSL_C_ALNUM;
	if (cp == 0xFFFD)
		return false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < psl_alnum_ranges[mid][0])
			hi = mid;
		else if (cp > psl_alnum_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool
is_space_sep(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* psl__ws from a non-ASCII byte on */
size_t
psl__ws_slow(const char *s, size_t len, size_t pos)
{
	while (pos < len) {
		uint32_t cp;
		size_t n;

		unsigned char c = (unsigned char)s[pos];

		if (c < 0x80) {
			if (psl__class[c] != PSL_C_BLANK)
				break;
			pos++;
			continue;
		}
		n = psl__utf8(s, len, pos, &cp);
		if (!is_space_sep(cp))
			break;
		pos += n;
	}
	return pos;
}

/* ==== tokens ==== */

/* Length of an alphanumeric character at pos, 0 when there is none. */
static size_t
alnum_at(const char *s, size_t len, size_t pos)
{
	uint32_t cp;
	size_t n;

	if (pos >= len)
		return 0;
	if ((unsigned char)s[pos] < 0x80)
		return psl__class[(unsigned char)s[pos]] == PSL_C_ALNUM;
	n = psl__utf8(s, len, pos, &cp);
	return psl__is_alnum(cp) ? n : 0;
}

/* psl__ident for an identifier with a non-ASCII byte in it: the whole
 * identifier from pos again, with Unicode classes. */
size_t
psl__ident_slow(const char *s, size_t len, size_t pos)
{
	size_t n = alnum_at(s, len, pos);

	if (!n)
		return pos;
	pos += n;
	for (;;) {
		/* ASCII letters, digits, "_" and "-" */
		while (pos < len && (psl__cls(s, pos) &
				     (PSL_C_ALNUM | PSL_C_IDENT)))
			pos++;
		n = alnum_at(s, len, pos);
		if (!n)
			return pos;
		pos += n;
	}
}

static size_t
digits(const char *s, size_t len, size_t pos)
{
	while (pos < len && s[pos] >= '0' && s[pos] <= '9')
		pos++;
	return pos;
}

size_t
psl__number(const char *s, size_t len, size_t pos, bool *is_float)
{
	size_t p = pos, q;

	*is_float = false;
	if (p < len && s[p] == '-')
		p++;
	q = digits(s, len, p);
	if (q == p)
		return pos;
	if (q + 1 < len && s[q] == '.') {
		size_t r = digits(s, len, q + 1);

		if (r > q + 1) {
			*is_float = true;
			return r;
		}
	}
	return q;
}

size_t
psl__string(const char *s, size_t len, size_t pos)
{
	size_t p = pos + 1;

	if (pos >= len || s[pos] != '"')
		return pos;
	while (p < len) {
		unsigned char c = (unsigned char)s[p];
		uint32_t cp;

		if (c == '"')
			return p + 1;
		if (c == '\\') {
			/* "\\" ~ ANY: the escaped character may be anything */
			if (p + 1 >= len)
				return pos;
			p += 1 + psl__utf8(s, len, p + 1, &cp);
			continue;
		}
		if (c < 0x20)
			return pos;
		p += c < 0x80 ? 1 : psl__utf8(s, len, p, &cp);
	}
	return pos;
}

size_t
psl__comment(const char *s, size_t len, size_t pos, bool *doc, bool *multi)
{
	*doc = *multi = false;
	if (pos + 1 >= len || s[pos] != '/')
		return pos;
	if (s[pos + 1] == '/') {
		*doc = pos + 2 < len && s[pos + 2] == '/';
		return psl__line_end(s, len, pos + 2);
	}
	if (s[pos + 1] == '*') {
		for (size_t p = pos + 2; p + 1 < len; p++)
			if (s[p] == '*' && s[p + 1] == '/') {
				*multi = true;
				return p + 2;
			}
	}
	return pos;
}

/* ==== string escapes ==== */

static void
add_utf8(st_strbuf *sb, uint32_t c)
{
	if (c < 0x80) {
		st_strbuf_addch(sb, (int)c);
	} else if (c < 0x800) {
		st_strbuf_addch(sb, (int)(0xC0 | (c >> 6)));
		st_strbuf_addch(sb, (int)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		st_strbuf_addch(sb, (int)(0xE0 | (c >> 12)));
		st_strbuf_addch(sb, (int)(0x80 | ((c >> 6) & 0x3F)));
		st_strbuf_addch(sb, (int)(0x80 | (c & 0x3F)));
	} else {
		st_strbuf_addch(sb, (int)(0xF0 | (c >> 18)));
		st_strbuf_addch(sb, (int)(0x80 | ((c >> 12) & 0x3F)));
		st_strbuf_addch(sb, (int)(0x80 | ((c >> 6) & 0x3F)));
		st_strbuf_addch(sb, (int)(0x80 | (c & 0x3F)));
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Prisma's parse_codepoint: "\uXXXX" at s[pos..end).  Returns how many
 * bytes were consumed (6 on success) and sets *ok.
 */
static size_t
codepoint(const char *s, size_t end, size_t pos, uint32_t *cp, bool *ok)
{
	*ok = false;
	*cp = 0;
	if (end - pos < 4 || s[pos] != '\\' || s[pos + 1] != 'u')
		return 0;
	for (size_t i = 0; i < 4; i++) {
		int h = pos + 2 + i < end ? hexval(s[pos + 2 + i]) : -1;

		if (h < 0)
			return 2 + i;
		*cp = (*cp << 4) | (uint32_t)h;
	}
	*ok = true;
	return 6;
}

static void
escape_error(st_ctx *cx, const st_source *src, size_t start, size_t end,
	     const char *msg, size_t *nerr)
{
	st_span sp = { src, start, end };
	st_diag *d = st_diag_add(cx, ST_SEV_ERROR, sp, "%s", msg);

	d->code = ST_PSL_PCODE;
	(*nerr)++;
}

static const char bad_unicode[] = "Invalid unicode escape sequence.";

size_t
psl__unescape(st_ctx *cx, const st_source *src, size_t start, size_t end,
	      const char **out, size_t *outlen)
{
	const char *s = src->text;
	size_t p = start + 1, stop = end - 1, nerr = 0;
	st_strbuf sb;

	st_strbuf_init_arena(&sb, cx->arena);
	while (p < stop) {
		uint32_t c1, c2;
		size_t n1, n2;
		bool ok1, ok2;

		if (s[p] != '\\') {
			size_t q = p + 1;

			while (q < stop && s[q] != '\\')
				q++;
			st_strbuf_add(&sb, s + p, q - p);
			p = q;
			continue;
		}
		switch (s[p + 1]) {
		case '"': st_strbuf_addch(&sb, '"'); p += 2; continue;
		case '\\': st_strbuf_addch(&sb, '\\'); p += 2; continue;
		case '/': st_strbuf_addch(&sb, '/'); p += 2; continue;
		case 'b': st_strbuf_addch(&sb, '\b'); p += 2; continue;
		case 'f': st_strbuf_addch(&sb, '\f'); p += 2; continue;
		case 'n': st_strbuf_addch(&sb, '\n'); p += 2; continue;
		case 'r': st_strbuf_addch(&sb, '\r'); p += 2; continue;
		case 't': st_strbuf_addch(&sb, '\t'); p += 2; continue;
		case 'u':
			break;
		default: {
			uint32_t cp;
			size_t n = psl__utf8(s, stop, p + 1, &cp);

			escape_error(cx, src, p, p + 1 + n,
				     "Unknown escape sequence. If the value is a "
				     "windows-style path, `\\` must be escaped as "
				     "`\\\\`.", &nerr);
			p += 1 + n;
			continue;
		}
		}
		/* \u: one code point, or a UTF-16 surrogate pair */
		n1 = codepoint(s, stop, p, &c1, &ok1);
		if (!ok1) {
			size_t n = n1 > 2 ? n1 : 2;

			escape_error(cx, src, p, p + n < stop ? p + n : stop,
				     bad_unicode, &nerr);
			p += n1 > 2 ? n1 : 2;
			continue;
		}
		if (c1 < 0xD800 || c1 > 0xDFFF) {
			add_utf8(&sb, c1);
			p += 6;
			continue;
		}
		n2 = codepoint(s, stop, p + 6, &c2, &ok2);
		if (!ok2) {
			escape_error(cx, src, p, p + 6, bad_unicode, &nerr);
			p += 6;
			continue;
		}
		if (c1 <= 0xDBFF && c2 >= 0xDC00 && c2 <= 0xDFFF) {
			add_utf8(&sb, 0x10000 + ((c1 - 0xD800) << 10) +
					      (c2 - 0xDC00));
		} else {
			escape_error(cx, src, p, p + 6 + n2, bad_unicode, &nerr);
		}
		p += 12;
	}
	*outlen = sb.len;
	*out = st_strbuf_detach(&sb, NULL);
	return nerr;
}

/*
 * unicode_alnum.h is generated by:
 *
 *	import unicodedata
 *	r, s = [], None
 *	for c in range(0x80, 0x110000):
 *	    ok = unicodedata.category(chr(c))[0] == 'L'
 *	    if ok and s is None: s = c
 *	    if not ok and s is not None: r.append((s, c - 1)); s = None
 *	# then print r as {0xA, 0xB}, pairs
 */
