/*
 * cmd_format.c - `strata format`: rewrites the schema files in Prisma's
 * canonical layout (byte-identical to `prisma format`), or with --check
 * only reports the files that are not formatted.  Files are written only
 * when every file of the schema parsed, each one atomically.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "psl/psl.h"
#include "util/fs.h"

static const st_cmd_help help = {
	"strata format [--schema PATH] [--check]",
	"Format the Prisma schema files",
	"Rewrites the schema (a file, or every .prisma file of a schema folder)\n"
	"exactly as `prisma format` does: aligned columns, comments and blank\n"
	"lines kept, block attributes at the end of their block.  Files that are\n"
	"already formatted are not touched; changed files are replaced\n"
	"atomically.  A schema with syntax errors is not written: the errors are\n"
	"printed and the exit code is 1.\n"
	"\n"
	"With --check nothing is written: the files that would change are\n"
	"listed, and the exit code is 1 when there is any.",
	"  strata format\n"
	"  strata format --schema prisma/schema --check",
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int
cmd_format(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	bool check = false;
	const st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		{ "check", 0, ST_OPT_FLAG, &check, NULL,
		  "Only report files that are not formatted (exit 1 if any)" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_project *p;
	st_psl_schema *schema;
	st_strbuf out = ST_STRBUF_INIT;
	size_t n, nchanged = 0, nwritten = 0;
	double t0 = now_ms();
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (st_project_load(cx, &po, &p) < 0)
		return st_cli_report(cli);
	n = p->sources.len;
	if (st_psl_parse_schema(cx, (st_source **)p->sources.items, n,
				&schema) < 0) {
		size_t nerr = st_diag_count(cx, ST_SEV_ERROR);

		st_diag_sort(cx);
		st_err_clear(cx);
		st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
			    "could not format the schema at %s: %zu syntax error%s",
			    p->schema_path, nerr, nerr == 1 ? "" : "s");
		st_err_detail(cx, "No file was changed.");
		return st_cli_report(cli);
	}

	/*
	 * Every file parsed, so formatting cannot fail; files are formatted
	 * and written one at a time (a heap buffer, released at once, keeps
	 * the peak memory low for huge schemas).
	 */
	for (size_t i = 0; i < n; i++) {
		const st_source *src = schema->files[i]->src;
		bool same;

		st_strbuf_reset(&out);
		if (st_psl_format(cx, schema->files[i], &out) < 0)
			goto fail;
		same = out.len == src->len &&
		       memcmp(out.buf, src->text, src->len) == 0;
		if (same)
			continue;
		nchanged++;
		if (check) {
			printf("%s\n", src->path);
			continue;
		}
		if (st_file_write(cx, src->path, out.buf, out.len) < 0)
			goto fail;
		nwritten++;
		if (n > 1)
			st_cli_info(cli, "formatted %s", src->path);
	}
	st_strbuf_release(&out);
	if (check) {
		if (nchanged) {
			fprintf(stderr, "! There are unformatted files. Run "
				"strata format to format them.\n");
			return ST_EXIT_FAIL;
		}
		printf("All files are formatted correctly!\n");
		return ST_EXIT_OK;
	}
	printf("Formatted %s in %.0fms 🚀\n", p->schema_path, now_ms() - t0);
	return ST_EXIT_OK;
fail:
	st_strbuf_release(&out);
	if (nwritten)
		st_err_detail(cx, "%zu of the %zu files were already rewritten.",
			      nwritten, n);
	return st_cli_report(cli);
}
