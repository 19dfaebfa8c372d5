/*
 * diag.h - source files, spans, and collected diagnostics.
 *
 * A st_source is a file's bytes plus a line index.  A st_diag points into
 * one with a byte span, and renders jq/rustc-style:
 *
 *	prisma/schema.prisma:12:10: error: type "Strin" is not defined
 *	   12 |   name Strin
 *	      |        ^^^^^
 *
 * Diagnostics are appended to cx->diags and rendered by the CLI.
 */
#ifndef ST_UTIL_DIAG_H
#define ST_UTIL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

typedef struct st_source {
	const char *path;     /* as given by the user */
	const char *text;     /* NUL-terminated bytes in the ctx's arena */
	size_t len;
	/* Byte offset of each line: built on the first line/column lookup
	 * (only diagnostics need it), in arena. */
	size_t *line_starts;
	size_t nlines;
	st_arena *arena;
} st_source;

typedef enum st_severity {
	ST_SEV_ERROR,
	ST_SEV_WARNING,
	ST_SEV_NOTE,
} st_severity;

/* 16 bytes: the syntax tree holds several per line.  32-bit offsets are
 * enough since files are read up to ST_FS_MAX_FILE (64 MiB). */
typedef struct st_span {
	const st_source *src; /* may be NULL for diagnostics without a place */
	uint32_t start, end;  /* byte offsets, end exclusive */
} st_span;

typedef struct st_diag {
	st_severity severity;
	const char *code;     /* Prisma-style code, e.g. "P1012", or NULL */
	st_span span;
	const char *msg;
	const char *hint;     /* or NULL */
} st_diag;

/* Builds a source from bytes (copied into cx's arena). */
st_source *st_source_new(st_ctx *cx, const char *path, const char *text,
			 size_t len);
/* Like st_source_new, but takes text as it is: it must stay alive as long
 * as the source and be NUL-terminated at len (st_file_read's buffer). */
st_source *st_source_adopt(st_ctx *cx, const char *path, const char *text,
			   size_t len);
/* 1-based line and column (column in characters, UTF-8 aware). */
void st_source_linecol(const st_source *src, size_t off, size_t *line,
		       size_t *col);

st_diag *st_diag_add(st_ctx *cx, st_severity sev, st_span span,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
size_t st_diag_count(const st_ctx *cx, st_severity sev);
/* Stable sort by file, then position (errors keep insertion order on ties). */
void st_diag_sort(st_ctx *cx);
/* Renders one diagnostic, with source line and caret underline. */
void st_diag_render(st_strbuf *out, const st_diag *d, bool color);

#endif
