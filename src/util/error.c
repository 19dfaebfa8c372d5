/*
 * error.c - the error slot of st_ctx.
 */
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

st_ctx *
st_ctx_new(st_arena *parent)
{
	st_arena *a = st_arena_new(parent);
	st_ctx *cx = st_alloc(a, sizeof(*cx));

	cx->arena = a;
	st_strbuf_init(&cx->err_msg);
	st_strbuf_init(&cx->err_detail);
	st_strbuf_init(&cx->err_hint);
	st_vec_init(&cx->diags, a);
	return cx;
}

void
st_ctx_free(st_ctx *cx)
{
	if (!cx)
		return;
	st_strbuf_release(&cx->err_msg);
	st_strbuf_release(&cx->err_detail);
	st_strbuf_release(&cx->err_hint);
	st_arena_free(cx->arena);
}

int
st_err_vset(st_ctx *cx, int code, const char *pcode, const char *fmt,
	    va_list ap)
{
	cx->err = code ? code : ST_ERROR;
	cx->err_pcode = pcode;
	st_strbuf_reset(&cx->err_msg);
	st_strbuf_reset(&cx->err_detail);
	st_strbuf_reset(&cx->err_hint);
	st_strbuf_vaddf(&cx->err_msg, fmt, ap);
	return cx->err;
}

int
st_err_set(st_ctx *cx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_err_vset(cx, code, NULL, fmt, ap);
	va_end(ap);
	return cx->err;
}

int
st_err_setp(st_ctx *cx, int code, const char *pcode, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_err_vset(cx, code, pcode, fmt, ap);
	va_end(ap);
	return cx->err;
}

void
st_err_detail(st_ctx *cx, const char *fmt, ...)
{
	va_list ap;

	st_strbuf_reset(&cx->err_detail);
	va_start(ap, fmt);
	st_strbuf_vaddf(&cx->err_detail, fmt, ap);
	va_end(ap);
}

void
st_err_hint(st_ctx *cx, const char *fmt, ...)
{
	va_list ap;

	st_strbuf_reset(&cx->err_hint);
	va_start(ap, fmt);
	st_strbuf_vaddf(&cx->err_hint, fmt, ap);
	va_end(ap);
}

void
st_err_clear(st_ctx *cx)
{
	cx->err = 0;
	cx->err_pcode = NULL;
	st_strbuf_reset(&cx->err_msg);
	st_strbuf_reset(&cx->err_detail);
	st_strbuf_reset(&cx->err_hint);
}

bool
st_err_is_set(const st_ctx *cx)
{
	return cx->err != 0;
}
