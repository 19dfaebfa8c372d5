/*
 * diag.c - line index, line:col computation and caret rendering.
 */
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

st_source *
st_source_adopt(st_ctx *cx, const char *path, const char *text, size_t len)
{
	st_source *s = st_alloc(cx->arena, sizeof(*s));

	s->path = st_strdup(cx->arena, path);
	s->text = text;
	s->len = len;
	s->arena = cx->arena;
	return s;
}

st_source *
st_source_new(st_ctx *cx, const char *path, const char *text, size_t len)
{
	return st_source_adopt(cx, path, st_memdup(cx->arena, text, len), len);
}

/* The line index, built on first use (a source is read-only otherwise). */
static void
index_lines(const st_source *src)
{
	st_source *s = (st_source *)src;
	const char *p, *text = s->text, *end = text + s->len;
	size_t n = 1;

	if (s->line_starts)
		return;
	for (p = text; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	s->line_starts = st_alloc_array(s->arena, n, sizeof(size_t));
	s->line_starts[0] = 0;
	n = 1;
	for (p = text; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		s->line_starts[n++] = (size_t)(p - text) + 1;
	s->nlines = n;
}

static size_t
line_index(const st_source *src, size_t off)
{
	size_t lo = 0, hi;

	index_lines(src);
	hi = src->nlines;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (src->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

void
st_source_linecol(const st_source *src, size_t off, size_t *line,
		  size_t *col)
{
	size_t li;

	if (off > src->len)
		off = src->len;
	li = line_index(src, off);
	*line = li + 1;
	*col = utf8_chars(src->text + src->line_starts[li],
			  off - src->line_starts[li]) + 1;
}

st_diag *
st_diag_add(st_ctx *cx, st_severity sev, st_span span, const char *fmt, ...)
{
	st_diag *d = st_alloc(cx->arena, sizeof(*d));
	va_list ap;

	d->severity = sev;
	d->span = span;
	va_start(ap, fmt);
	d->msg = st_vstrfmt(cx->arena, fmt, ap);
	va_end(ap);
	st_vec_push(&cx->diags, d);
	return d;
}

size_t
st_diag_count(const st_ctx *cx, st_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < cx->diags.len; i++)
		if (((st_diag *)cx->diags.items[i])->severity == sev)
			n++;
	return n;
}

static int
cmp_diag(const void *a, const void *b)
{
	const st_diag *x = *(st_diag *const *)a, *y = *(st_diag *const *)b;
	const char *px = x->span.src ? x->span.src->path : "";
	const char *py = y->span.src ? y->span.src->path : "";
	int c = strcmp(px, py);

	if (c)
		return c;
	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return 0;
}

void
st_diag_sort(st_ctx *cx)
{
	/* insertion sort: stable, and the lists are short */
	for (size_t i = 1; i < cx->diags.len; i++) {
		void *cur = cx->diags.items[i];
		size_t j = i;

		while (j > 0 && cmp_diag(&cx->diags.items[j - 1], &cur) > 0) {
			cx->diags.items[j] = cx->diags.items[j - 1];
			j--;
		}
		cx->diags.items[j] = cur;
	}
}

void
st_diag_render(st_strbuf *out, const st_diag *d, bool color)
{
	static const char *names[] = { "error", "warning", "note" };
	static const char *colors[] = { "\033[1;31m", "\033[1;33m",
					"\033[1;36m" };
	const char *sevcol = color ? colors[d->severity] : "";
	const char *bold = color ? "\033[1m" : "";
	const char *reset = color ? "\033[0m" : "";
	const st_source *src = d->span.src;
	size_t line = 0, col = 0;

	if (src) {
		st_source_linecol(src, d->span.start, &line, &col);
		st_strbuf_addf(out, "%s%s:%zu:%zu:%s ", bold, src->path, line,
			       col, reset);
	}
	st_strbuf_addf(out, "%s%s%s", sevcol, names[d->severity], reset);
	if (d->code)
		st_strbuf_addf(out, "[%s]", d->code);
	st_strbuf_addf(out, ": %s%s%s\n", bold, d->msg, reset);
	if (src) {
		size_t li = line - 1;
		size_t ls = src->line_starts[li];
		size_t le = li + 1 < src->nlines ? src->line_starts[li + 1] : src->len;
		size_t end = d->span.end;
		char num[32];
		int w;

		while (le > ls && (src->text[le - 1] == '\n' ||
				   src->text[le - 1] == '\r'))
			le--;
		w = snprintf(num, sizeof(num), "%zu", line);
		st_strbuf_addf(out, " %s |  ", num);
		for (size_t i = ls; i < le; i++)
			st_strbuf_addch(out, src->text[i] == '\t' ? ' ' : src->text[i]);
		st_strbuf_addch(out, '\n');
		st_strbuf_addchars(out, ' ', (size_t)w + 1);
		st_strbuf_adds(out, " |  ");
		st_strbuf_addchars(out, ' ', col - 1);
		if (end > le)
			end = le;
		if (end <= d->span.start)
			end = d->span.start + 1;
		st_strbuf_adds(out, sevcol);
		st_strbuf_addchars(out, '^', end <= le ? utf8_chars(src->text + d->span.start, end - d->span.start) : 1);
		st_strbuf_adds(out, reset);
		st_strbuf_addch(out, '\n');
		if (d->hint)
			st_strbuf_addf(out, "  = hint: %s\n", d->hint);
	} else if (d->hint) {
		st_strbuf_addf(out, "  hint: %s\n", d->hint);
	}
}
