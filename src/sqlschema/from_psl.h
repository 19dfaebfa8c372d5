/*
 * from_psl.h - SQL schema models from schema sources: the resolved data
 * model of a Prisma schema (Prisma's sql_schema_calculator rules), and
 * the generic "a source -> IR" entry point `strata migrate diff` and
 * later commands use.
 *
 *	st_schema *ir;
 *	if (st_schema_from_source(cx, ST_SCHEMA_SRC_SCHEMA,
 *				  "prisma/schema.prisma", &ir) < 0)
 *		goto done;           // cx has the error; diagnostics on cx->diags
 *
 * Errors: ST_ENOTFOUND (no such schema file), ST_EPARSE (the schema has
 * syntax or validation errors: diagnostics are on cx->diags, code P1012).
 */
#ifndef ST_SQLSCHEMA_FROM_PSL_H
#define ST_SQLSCHEMA_FROM_PSL_H

#include "sqlschema/schema.h"
#include "util/error.h"

struct st_psl_model;

/* The SQL schema Prisma computes for a validated model (never fails on a
 * model that validated without errors). */
int st_schema_from_psl(st_ctx *cx, const struct st_psl_model *pm,
		       st_schema **out);

typedef enum st_schema_src_kind {
	ST_SCHEMA_SRC_EMPTY,   /* nothing (arg ignored) */
	ST_SCHEMA_SRC_SCHEMA,  /* a schema file or a folder of .prisma files */
} st_schema_src_kind;

int st_schema_from_source(st_ctx *cx, st_schema_src_kind kind,
			  const char *arg, st_schema **out);

#endif
