/*
 * strbuf.c - growable strings, heap- or arena-backed, plus SQL quoting.
 */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char st_strbuf_empty[1];

void
st_strbuf_init(st_strbuf *sb)
{
	sb->buf = st_strbuf_empty;
	sb->len = sb->alloc = 0;
	sb->arena = NULL;
}

void
st_strbuf_init_arena(st_strbuf *sb, st_arena *a)
{
	st_strbuf_init(sb);
	sb->arena = a;
}

void
st_strbuf_release(st_strbuf *sb)
{
	if (sb->alloc && !sb->arena)
		free(sb->buf);
	sb->buf = st_strbuf_empty;
	sb->len = sb->alloc = 0;
}

char *
st_strbuf_detach(st_strbuf *sb, size_t *len)
{
	char *res;

	if (!sb->alloc)
		st_strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	sb->buf = st_strbuf_empty;
	sb->len = sb->alloc = 0;
	return res;
}

void
st_strbuf_reset(st_strbuf *sb)
{
	st_strbuf_setlen(sb, 0);
}

void
st_strbuf_grow(st_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t nalloc;

	if (need <= sb->alloc)
		return;
	nalloc = sb->alloc ? sb->alloc : 64;
	while (nalloc < need)
		nalloc *= 2;
	if (sb->arena) {
		char *nb = st_alloc(sb->arena, nalloc);

		memcpy(nb, sb->buf, sb->len + 1);
		sb->buf = nb;
	} else if (sb->alloc) {
		sb->buf = st_xrealloc(sb->buf, nalloc);
	} else {
		sb->buf = st_xmalloc(nalloc);
		sb->buf[0] = '\0';
	}
	sb->alloc = nalloc;
}

void
st_strbuf_setlen(st_strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
st_strbuf_addchars(st_strbuf *sb, int c, size_t n)
{
	st_strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
st_strbuf_vaddf(st_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	/* Try the spare room first; format again only when it was too small. */
	if (!sb->alloc)
		st_strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n <= 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		sb->buf[sb->len] = '\0';
		st_strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void
st_strbuf_addf(st_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
st_strbuf_rtrim(st_strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == ' ' ||
			   sb->buf[sb->len - 1] == '\t' ||
			   sb->buf[sb->len - 1] == '\n' ||
			   sb->buf[sb->len - 1] == '\r'))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

bool
st_strbuf_ends_with(const st_strbuf *sb, const char *suffix)
{
	size_t n = strlen(suffix);

	return sb->len >= n && memcmp(sb->buf + sb->len - n, suffix, n) == 0;
}

void
st_sql_ident(st_strbuf *sb, const char *name)
{
	st_strbuf_addch(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			st_strbuf_addch(sb, '"');
		st_strbuf_addch(sb, *p);
	}
	st_strbuf_addch(sb, '"');
}

void
st_sql_qualified(st_strbuf *sb, const char *schema, const char *name)
{
	if (schema && *schema) {
		st_sql_ident(sb, schema);
		st_strbuf_addch(sb, '.');
	}
	st_sql_ident(sb, name);
}

void
st_sql_literal(st_strbuf *sb, const char *value)
{
	if (strchr(value, '\\'))
		st_strbuf_addch(sb, 'E');
	st_strbuf_addch(sb, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			st_strbuf_addch(sb, *p);
		st_strbuf_addch(sb, *p);
	}
	st_strbuf_addch(sb, '\'');
}
