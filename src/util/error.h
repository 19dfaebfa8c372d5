/*
 * error.h - the context every fallible function takes first, and the
 * error model: return 0 or a negative ST_E* code, with details in cx.
 *
 *	if (st_file_read(cx, path, &src) < 0)
 *		goto done;              // cx holds the message, code unchanged
 *
 * Messages follow PostgreSQL's tone: primary lowercase, no final period,
 * names quoted; detail and hint are full sentences.  An error may carry a
 * Prisma error code ("P3018") so users can search for it.  Schema
 * diagnostics are collected on the context (see diag.h), not thrown.
 */
#ifndef ST_UTIL_ERROR_H
#define ST_UTIL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

#include "util/arena.h"
#include "util/strbuf.h"
#include "util/vec.h"

enum {
	ST_OK = 0,
	ST_ERROR = -1,       /* anything else */
	ST_ENOTFOUND = -2,   /* a file, migration, table ... is missing */
	ST_EPARSE = -3,      /* schema or SQL could not be parsed/validated */
	ST_EDB = -4,         /* the database said no */
	ST_ECONFLICT = -5,   /* state forbids it: failed migration, lock ... */
	ST_EUSAGE = -6,      /* wrong flags or arguments */
	ST_ECONNECT = -7,    /* cannot reach / authenticate */
	ST_ECANCEL = -8,     /* user declined or interrupted */
};

typedef struct st_ctx {
	st_arena *arena;        /* the command's (or request's) arena */
	int err;                /* last ST_E* code, 0 when clear */
	const char *err_pcode;  /* Prisma error code or NULL */
	st_strbuf err_msg;      /* primary message */
	st_strbuf err_detail;
	st_strbuf err_hint;
	st_vec diags;           /* st_diag *, collected */
	int quiet;
} st_ctx;

/* Creates a context with its own arena (child of parent, may be NULL). */
st_ctx *st_ctx_new(st_arena *parent);
void st_ctx_free(st_ctx *cx);

/* Sets the error; returns code so that `return st_err_set(...)` works. */
int st_err_set(st_ctx *cx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a Prisma error code such as "P3018". */
int st_err_setp(st_ctx *cx, int code, const char *pcode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int st_err_vset(st_ctx *cx, int code, const char *pcode, const char *fmt,
		va_list ap);
void st_err_detail(st_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void st_err_hint(st_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void st_err_clear(st_ctx *cx);
bool st_err_is_set(const st_ctx *cx);

#endif
