/*
 * strbuf.h - the one string builder (git's strbuf invariants).
 *
 * buf is never NULL and always NUL-terminated, even right after
 * ST_STRBUF_INIT.  A strbuf either owns heap memory (release with
 * st_strbuf_release) or, when initialised with st_strbuf_init_arena(),
 * grows inside an arena and needs no release at all.
 *
 *	st_strbuf sb = ST_STRBUF_INIT;
 *	st_strbuf_addf(&sb, "%d rows", n);
 *	puts(sb.buf);
 *	st_strbuf_release(&sb);
 *
 * SQL helpers (st_sql_*) quote identifiers and literals the way
 * PostgreSQL's fmtId/appendStringLiteral do, without static buffers.
 */
#ifndef ST_UTIL_STRBUF_H
#define ST_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/arena.h"

typedef struct st_strbuf {
	char *buf;
	size_t len;
	size_t alloc;      /* 0: buf points at a shared empty string */
	st_arena *arena;   /* NULL: heap-owned */
} st_strbuf;

extern char st_strbuf_empty[];
#define ST_STRBUF_INIT { st_strbuf_empty, 0, 0, NULL }

void st_strbuf_init(st_strbuf *sb);
void st_strbuf_init_arena(st_strbuf *sb, st_arena *a);
void st_strbuf_release(st_strbuf *sb);
/* Hands the buffer to the caller (malloc'd, or arena memory). */
char *st_strbuf_detach(st_strbuf *sb, size_t *len);
void st_strbuf_reset(st_strbuf *sb);
void st_strbuf_setlen(st_strbuf *sb, size_t len);

void st_strbuf_grow(st_strbuf *sb, size_t extra);

/* The appends renderers call millions of times are inline: a bounds
 * check and a copy, growing only when the room runs out. */
static inline void
st_strbuf_add(st_strbuf *sb, const void *data, size_t n)
{
	if (sb->len + n + 1 > sb->alloc)
		st_strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void
st_strbuf_adds(st_strbuf *sb, const char *s)
{
	st_strbuf_add(sb, s, strlen(s));
}

static inline void
st_strbuf_addch(st_strbuf *sb, int c)
{
	if (sb->len + 2 > sb->alloc)
		st_strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}
void st_strbuf_addchars(st_strbuf *sb, int c, size_t n);
void st_strbuf_addf(st_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void st_strbuf_vaddf(st_strbuf *sb, const char *fmt, va_list ap);
void st_strbuf_rtrim(st_strbuf *sb);
bool st_strbuf_ends_with(const st_strbuf *sb, const char *suffix);

/* "name" with embedded quotes doubled. Always quotes. */
void st_sql_ident(st_strbuf *sb, const char *name);
/* "schema"."name", or just "name" when schema is NULL or empty. */
void st_sql_qualified(st_strbuf *sb, const char *schema, const char *name);
/* 'value' with quotes doubled; E'' form when it holds a backslash. */
void st_sql_literal(st_strbuf *sb, const char *value);

#endif
