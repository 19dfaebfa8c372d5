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
#include <unistd.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "migrate/dev.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/fs.h"

static const st_cmd_help help = {
	"strata migrate diff --from-empty|--from-schema PATH|--from-url URL|"
	"--from-migrations DIR|--from-config-datasource --to-... "
	"[--script] [--exit-code] [-o FILE]",
	"Compare two schemas and print the difference or the SQL migration",
	"Computes the migration from one schema source to another, the way\n"
	"`prisma migrate diff` does.  A source is --from-empty / --to-empty\n"
	"(no tables at all), --from-schema / --to-schema with a schema file\n"
	"or a folder of .prisma files, --from-url / --to-url (a live database),\n"
	"--from-config-datasource / --to-config-datasource (the project's\n"
	"database), or --from-migrations / --to-migrations (a migrations folder\n"
	"replayed on a shadow database that is always dropped afterwards).\n"
	"Without --script it prints a summary\n"
	"of the changes (\"[+] Added tables\" ...); with --script the SQL\n"
	"(\"-- This is an empty migration.\" when nothing changes).  Exactly one\n"
	"--from-* and one --to-* must be given.  With --exit-code the exit code\n"
	"is 0 when there is no difference, 2 when there is one, 1 on errors.",
	"  strata migrate diff --from-empty --to-schema prisma/schema.prisma --script\n"
	"  strata migrate diff --from-schema old.prisma --to-schema prisma/schema.prisma\n"
	"  strata migrate diff --from-schema a.prisma --to-schema b.prisma --exit-code",
};

/*
 * Where --script goes: a big script (megabytes) is written piece by piece
 * while the renderer still makes the rest (st_render_script_to), with
 * write(2) and no stdio copy, and never joined into one string.
 */
typedef struct script_out {
	st_ctx *cx;
	st_file_out file;   /* -o FILE: a temporary file renamed at the end */
	bool to_file;
	bool failed;        /* stdout: stop writing (the old fwrite did too) */
} script_out;

static int
script_sink(void *arg, const char *text, size_t len)
{
	script_out *o = arg;

	if (o->to_file)
		return st_file_out_write(o->cx, &o->file, text, len);
	/* like the fwrite this replaced, a failed write to standard output
	 * is not an error of the command */
	if (!o->failed && st_fd_write_all(STDOUT_FILENO, text, len) < 0)
		o->failed = true;
	return 0;
}

/* The script to -o FILE (atomically, as Prisma writes the engine's text
 * as is) or to standard output followed by one more newline. */
static int
write_script(st_ctx *cx, const st_diff_result *m, const char *output)
{
	script_out o = { .cx = cx, .to_file = output != NULL };

	if (output) {
		if (st_file_out_open(cx, &o.file, output) < 0 ||
		    st_render_script_to(cx, m, script_sink, &o) < 0)
			return cx->err;
		return st_file_out_commit(cx, &o.file);
	}
	fflush(stdout);
	st_render_script_to(cx, m, script_sink, &o);
	return script_sink(&o, "\n", 1);
}

/*
 * One side of the comparison as a migrate/dev.h source.  --*-migrations
 * needs a server for its shadow database: --shadow-database-url, the
 * config's shadowDatabaseUrl, else the project's database URL.
 */
static int
diff_sources(st_cli *cli, st_dev_src *s, bool empty, const char *schema,
	     const char *url, const char *mig, bool cfg, const char *shadow,
	     const char *config)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { .config = config, .no_schema_ok = true };
	st_project *p;

	s->kind = empty ? ST_DEV_SRC_EMPTY : schema ? ST_DEV_SRC_SCHEMA :
		  url ? ST_DEV_SRC_URL : ST_DEV_SRC_MIGRATIONS;
	s->arg = schema ? schema : url ? url : mig;
	if (!cfg && !mig)
		return 0;
	if (st_project_load(cx, &po, &p) < 0)
		return cx->err;
	if (cfg) {
		s->kind = ST_DEV_SRC_URL;
		return st_project_url(cx, p, &s->arg);
	}
	s->shadow_url = shadow ? shadow : p->shadow_url;
	if (st_project_url(cx, p, &s->dev_url) < 0) {
		if (s->shadow_url) {
			st_err_clear(cx);
			return 0;
		}
		st_err_hint(cx, "--from-migrations and --to-migrations replay the "
			    "history on a shadow database: give --shadow-database-url, "
			    "or a database URL whose server strata may create it on.");
		return cx->err;
	}
	return 0;
}

int
cmd_migrate_diff(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	bool from_empty = false, to_empty = false, script = false,
	     exit_code = false;
	const char *from_schema = NULL, *to_schema = NULL, *output = NULL;
	/* database sources (migrate/devsource.c) */
	const char *from_url = NULL, *to_url = NULL, *from_mig = NULL,
		   *to_mig = NULL, *shadow_url = NULL, *config = NULL;
	bool from_cfg = false, to_cfg = false;
	st_dev_src src_from = { 0 }, src_to = { 0 };
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
		{ "from-url", 0, ST_OPT_STRING, &from_url, "URL",
		  "Start from the schema of this database" },
		{ "to-url", 0, ST_OPT_STRING, &to_url, "URL",
		  "End at the schema of this database" },
		{ "from-migrations", 0, ST_OPT_STRING, &from_mig, "DIR",
		  "Start from what this migrations folder creates (shadow database)" },
		{ "to-migrations", 0, ST_OPT_STRING, &to_mig, "DIR",
		  "End at what this migrations folder creates (shadow database)" },
		{ "from-config-datasource", 0, ST_OPT_FLAG, &from_cfg, NULL,
		  "Start from the project's database (prisma.config.ts, DATABASE_URL)" },
		{ "to-config-datasource", 0, ST_OPT_FLAG, &to_cfg, NULL,
		  "End at the project's database" },
		{ "shadow-database-url", 0, ST_OPT_STRING, &shadow_url, "URL",
		  "Shadow database for --from/--to-migrations" },
		{ "config", 0, ST_OPT_STRING, &config, "PATH",
		  "prisma.config.ts to read (default: ./prisma.config.ts)" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_schema *from = NULL, *to = NULL;
	st_diff_result *m;
	st_strbuf out;
	int nfrom, nto, rc;

	/* the summary (a script goes out as it is made: write_script) */
	st_strbuf_init_arena(&out, cx->arena);
	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	nfrom = from_empty + (from_schema != NULL) + (from_url != NULL) +
		(from_mig != NULL) + from_cfg;
	nto = to_empty + (to_schema != NULL) + (to_url != NULL) +
	      (to_mig != NULL) + to_cfg;
	if (nfrom != 1)
		return st_cli_usage_error(cli,
			"%d `--from-...` parameter(s) provided. 1 must be provided.",
			nfrom);
	if (nto != 1)
		return st_cli_usage_error(cli,
			"%d `--to-...` parameter(s) provided. 1 must be provided.",
			nto);

	if (diff_sources(cli, &src_from, from_empty, from_schema, from_url,
			 from_mig, from_cfg, shadow_url, config) < 0 ||
	    diff_sources(cli, &src_to, to_empty, to_schema, to_url, to_mig,
			 to_cfg, shadow_url, config) < 0 ||
	    st_dev_load_pair(cx, &src_from, &src_to, &from, &to) < 0 ||
	    st_diff(cx, from, to, &m) < 0) {
		rc = st_cli_report(cli);
		goto done;
	}
	if (script) {
		if (write_script(cx, m, output) < 0) {
			rc = st_cli_report(cli);
			goto done;
		}
	} else {
		st_render_summary(&out, m);
		if (output) {
			/* Prisma writes the engine's text as is; on stdout it
			 * adds a newline */
			if (st_file_write(cx, output, out.buf, out.len) < 0) {
				rc = st_cli_report(cli);
				goto done;
			}
		} else {
			st_strbuf_addch(&out, '\n');
			fwrite(out.buf, 1, out.len, stdout);
			fflush(stdout);
		}
	}
	rc = exit_code && m->steps.len ? 2 : ST_EXIT_OK;
done:
	st_strbuf_release(&out);
	return rc;
}
