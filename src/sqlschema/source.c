/*
 * source.c - "a source -> SQL schema model": the entry point commands use
 * to turn --from-X / --to-X arguments into IR.  Schema files go through
 * the parser and the validator, then from_psl.c.
 */
#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"

static int
from_schema_path(st_ctx *cx, const char *path, st_schema **out)
{
	st_vec srcs;
	st_psl_schema *ast = NULL;
	st_psl_model *pm = NULL;
	int rc;

	if ((rc = st_psl_read_sources(cx, path, &srcs)) < 0)
		return rc;
	rc = st_psl_parse_schema(cx, (st_source **)srcs.items, srcs.len, &ast);
	if (rc == 0)
		rc = st_psl_validate(cx, ast, &pm);
	st_diag_sort(cx);
	if (rc < 0 || st_diag_count(cx, ST_SEV_ERROR)) {
		size_t n = st_diag_count(cx, ST_SEV_ERROR);

		st_err_clear(cx);
		return st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
				   "could not validate the schema at %s: %zu error%s",
				   path, n, n == 1 ? "" : "s");
	}
	return st_schema_from_psl(cx, pm, out);
}

int
st_schema_from_source(st_ctx *cx, st_schema_src_kind kind, const char *arg,
		      st_schema **out)
{
	switch (kind) {
	case ST_SCHEMA_SRC_EMPTY:
		*out = st_schema_empty(cx);
		return 0;
	case ST_SCHEMA_SRC_SCHEMA:
		return from_schema_path(cx, arg, out);
	}
	return st_err_set(cx, ST_EUSAGE, "unknown schema source");
}
