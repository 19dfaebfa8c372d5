/*
 * psl.h - the Prisma schema language front end: reading schema files,
 * parsing them into the tree of ast.h, and formatting them the way
 * `prisma format` does.
 *
 *	st_vec srcs;
 *	st_psl_schema *schema;
 *	if (st_psl_read_sources(cx, "prisma/schema.prisma", &srcs) < 0)
 *		goto done;                    // cx has the error
 *	if (st_psl_parse_schema(cx, (st_source **)srcs.items, srcs.len,
 *				&schema) < 0)
 *		goto done;                    // diagnostics are on cx->diags
 *
 * Syntax errors are collected as diagnostics (st_diag_add, severity
 * ERROR, code "P1012" like Prisma's schema errors) with spans; the parser
 * recovers at the next line / block and keeps going, so every error is
 * reported, and still returns a (partial) tree.  All memory is in
 * cx->arena.
 */
#ifndef ST_PSL_PSL_H
#define ST_PSL_PSL_H

#include <stdbool.h>
#include <stddef.h>

#include "psl/ast.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/vec.h"

/* Prisma's error code for schema (syntax and validation) errors. */
#define ST_PSL_PCODE "P1012"

/* Deepest nesting of arrays / calls / argument lists the parser accepts;
 * deeper input is reported as an error instead of recursing further. */
#define ST_PSL_MAX_DEPTH 64

/* At most this many syntax errors are reported per file (the rest are
 * counted but not added as diagnostics). */
#define ST_PSL_MAX_ERRORS 200

/*
 * Parses one file.  *out is always set (possibly to a partial tree, never
 * NULL).  Returns 0, or ST_EPARSE when at least one syntax error was
 * reported (diagnostics on cx->diags; cx's error slot is also set to a
 * summary "schema has N syntax errors" with code P1012).
 */
int st_psl_parse(st_ctx *cx, st_source *src, st_psl_file **out);

/*
 * Parses several files as one schema (a schema folder), in the order
 * given.  *out is always set.  Returns 0 or ST_EPARSE when any file had a
 * syntax error (all files are parsed regardless).
 */
int st_psl_parse_schema(st_ctx *cx, st_source **srcs, size_t n,
			st_psl_schema **out);

/*
 * Reads the schema at path into st_source * items appended to out
 * (initialised by this function in cx's arena): a single file, or for a
 * directory every "*.prisma" file below it (recursively, sorted by path;
 * hidden entries and node_modules skipped).
 * Errors: ST_ENOTFOUND when path does not exist
 * ("could not find schema file \"P\""), ST_ENOTFOUND when a directory
 * holds no .prisma file, ST_EPARSE for a file that is not valid UTF-8 or
 * contains a NUL byte (a diagnostic with the position is added too),
 * ST_ERROR for I/O errors and files over ST_FS_MAX_FILE.
 */
int st_psl_read_sources(st_ctx *cx, const char *path, st_vec *out);

/* Byte offset of the first invalid UTF-8 sequence in s, or len when it is
 * valid. */
size_t st_psl_utf8_check(const char *s, size_t len);

/*
 * Formats a parsed file exactly as `prisma format` would and appends the
 * bytes to out.  The file must have parsed without errors
 * (file->nerrors == 0); otherwise returns ST_EPARSE without output.
 */
int st_psl_format(st_ctx *cx, const st_psl_file *file, st_strbuf *out);

/*
 * Parses and formats one source: 0 with the formatted text in out,
 * ST_EPARSE with diagnostics on cx when the source has syntax errors.
 */
int st_psl_format_source(st_ctx *cx, st_source *src, st_strbuf *out);

/* Prints the tree in an S-expression-like debug form (tests, fuzzing). */
void st_psl_dump(st_strbuf *out, const st_psl_file *file);

#endif
