/*
 * load_schema.h - the SQL schema of a schema file or folder, for the unit
 * tests that diff and render real schemas (the corpus, the diff-pairs
 * fixtures).  Header-only.
 */
#ifndef ST_TESTS_LOAD_SCHEMA_H
#define ST_TESTS_LOAD_SCHEMA_H

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/diag.h"

/* The schema at path (the empty schema for NULL), in lcx; NULL when it
 * does not read, parse or validate. */
static inline st_schema *
load_schema(st_ctx *lcx, const char *path)
{
	st_vec srcs;
	st_psl_schema *ast;
	st_psl_model *pm;
	st_schema *s;

	if (!path)
		return st_schema_empty(lcx);
	if (st_psl_read_sources(lcx, path, &srcs) < 0 ||
	    st_psl_parse_schema(lcx, (st_source **)srcs.items, srcs.len,
				&ast) < 0 ||
	    st_psl_validate(lcx, ast, &pm) < 0 ||
	    st_diag_count(lcx, ST_SEV_ERROR) ||
	    st_schema_from_psl(lcx, pm, &s) < 0)
		return NULL;
	return s;
}

#endif
