/*
 * cmd_validate.c - `strata validate`: parses and validates the schema
 * with Prisma's rules (src/psl/validate*.c) and prints every diagnostic
 * with its place.  Exit 0 when valid (warnings allowed), 1 otherwise.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "psl/model.h"
#include "psl/psl.h"

static const st_cmd_help help = {
	"strata validate [--schema PATH]",
	"Check the Prisma schema for errors",
	"Parses the schema (a file, or a folder of .prisma files) and checks it\n"
	"with Prisma's rules for PostgreSQL: types, duplicates, relations,\n"
	"defaults, native types, constraint names.  Every error is printed as\n"
	"file:line:col with the source line; env(\"...\") values are never\n"
	"resolved.  Exit code 0 when the schema is valid (warnings allowed),\n"
	"1 when it has errors (Prisma's code P1012).",
	"  strata validate\n"
	"  strata validate --schema prisma/schema",
};

int
cmd_validate(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	const st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_project *p;
	st_psl_schema *ast;
	st_psl_model *model;
	size_t nerr, nwarn;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (st_project_load(cx, &po, &p) < 0)
		return st_cli_report(cli);

	rc = st_psl_parse_schema(cx, (st_source **)p->sources.items,
				 p->sources.len, &ast);
	/* As Prisma: a syntax error does not hide the schema's other errors
	 * (the validator skips its last phase after one). */
	if (st_psl_validate(cx, ast, &model) < 0)
		rc = -1;
	st_diag_sort(cx);
	nerr = st_diag_count(cx, ST_SEV_ERROR);
	nwarn = st_diag_count(cx, ST_SEV_WARNING);
	if (rc < 0 || nerr) {
		st_err_clear(cx);
		st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
			    "could not validate the schema at %s: %zu error%s",
			    p->schema_path, nerr, nerr == 1 ? "" : "s");
		return st_cli_report(cli);
	}
	if (nwarn)
		st_cli_report_diags(cli);
	printf("The schema at %s is valid 🚀\n", p->schema_path);
	return ST_EXIT_OK;
}
