/*
 * cmd_migrate_diff.c - `strata migrate diff`: compares two schema sources
 * (empty, a schema file or folder) and prints Prisma's summary of the
 * differences, or with --script the SQL migration that goes from the
 * first to the second, byte-identical to `prisma migrate diff`.
 * Exit codes: 0 ok; with --exit-code 0 empty / 2 changes; 1 errors;
 * 2 usage errors.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/fs.h"

static const st_cmd_help help = {
	"strata migrate diff --from-empty|--from-schema PATH "
	"--to-empty|--to-schema PATH [--script] [--exit-code] [-o FILE]",
	"Compare two schemas and print the difference or the SQL migration",
	"Computes the migration from one schema source to another, the way\n"
	"`prisma migrate diff` does.  A source is --from-empty / --to-empty\n"
	"(no tables at all) or --from-schema / --to-schema with a schema file\n"
	"or a folder of .prisma files.  Without --script it prints a summary\n"
	"of the changes (\"[+] Added tables\" ...); with --script the SQL\n"
	"(\"-- This is an empty migration.\" when nothing changes).  Exactly one\n"
	"--from-* and one --to-* must be given.  With --exit-code the exit code\n"
	"is 0 when there is no difference, 2 when there is one, 1 on errors.",
	"  strata migrate diff --from-empty --to-schema prisma/schema.prisma --script\n"
	"  strata migrate diff --from-schema old.prisma --to-schema prisma/schema.prisma\n"
	"  strata migrate diff --from-schema a.prisma --to-schema b.prisma --exit-code",
};

int
cmd_migrate_diff(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	bool from_empty = false, to_empty = false, script = false,
	     exit_code = false;
	const char *from_schema = NULL, *to_schema = NULL, *output = NULL;
	const st_opt opts[] = {
		{ "from-empty", 0, ST_OPT_FLAG, &from_empty, NULL,
		  "Start from an empty schema" },
		{ "from-schema", 0, ST_OPT_STRING, &from_schema, "PATH",
		  "Start from this schema file or folder" },
		{ "to-empty", 0, ST_OPT_FLAG, &to_empty, NULL,
		  "End at an empty schema" },
		{ "to-schema", 0, ST_OPT_STRING, &to_schema, "PATH",
		  "End at this schema file or folder" },
		{ "script", 0, ST_OPT_FLAG, &script, NULL,
		  "Print the SQL migration instead of a summary" },
		{ "exit-code", 0, ST_OPT_FLAG, &exit_code, NULL,
		  "Exit 2 when there is a difference, 0 when there is none" },
		{ "output", 'o', ST_OPT_STRING, &output, "FILE",
		  "Write to FILE instead of standard output" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_schema *from = NULL, *to = NULL;
	st_migration *m;
	st_strbuf out = ST_STRBUF_INIT;
	int nfrom, nto, rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	nfrom = from_empty + (from_schema != NULL);
	nto = to_empty + (to_schema != NULL);
	if (nfrom != 1)
		return st_cli_usage_error(cli,
			"%d `--from-...` parameter(s) provided. 1 must be provided.",
			nfrom);
	if (nto != 1)
		return st_cli_usage_error(cli,
			"%d `--to-...` parameter(s) provided. 1 must be provided.",
			nto);

	if (st_schema_from_source(cx, from_empty ? ST_SCHEMA_SRC_EMPTY :
				  ST_SCHEMA_SRC_SCHEMA, from_schema, &from) < 0 ||
	    st_schema_from_source(cx, to_empty ? ST_SCHEMA_SRC_EMPTY :
				  ST_SCHEMA_SRC_SCHEMA, to_schema, &to) < 0 ||
	    st_diff(cx, from, to, &m) < 0) {
		rc = st_cli_report(cli);
		goto done;
	}
	if (script)
		st_render_script(cx, &out, m);
	else
		st_render_summary(&out, m);
	st_strbuf_addch(&out, '\n');
	if (output) {
		if (st_file_write(cx, output, out.buf, out.len) < 0) {
			rc = st_cli_report(cli);
			goto done;
		}
	} else {
		fwrite(out.buf, 1, out.len, stdout);
		fflush(stdout);
	}
	rc = exit_code && m->steps.len ? 2 : ST_EXIT_OK;
done:
	st_strbuf_release(&out);
	return rc;
}
