/*
 * cmd_db_execute.c - `strata db execute --file F | --stdin`: run a SQL
 * script against the project's database (one simple query, as Prisma
 * does), without touching the migration history.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/dbcli.h"
#include "util/fs.h"

static const st_cmd_help help = {
	"strata db execute (--file PATH | --stdin) [--url URL] [--schema PATH]",
	"Run a SQL script against the database",
	"Sends the script as one simple query, so a multi-statement script runs\n"
	"as one implicit transaction unless it has its own BEGIN/COMMIT.  The URL\n"
	"comes from --url, else from the project (prisma.config.ts, the schema's\n"
	"datasource, DATABASE_URL).  Nothing is recorded in _prisma_migrations.",
	"  strata db execute --file prisma/fix.sql\n"
	"  echo 'TRUNCATE \"Session\"' | strata db execute --stdin --url \"$DATABASE_URL\"\n",
};

static int
read_stdin(st_ctx *cx, char **out, size_t *len)
{
	st_strbuf sb;
	char buf[65536];
	size_t n;

	st_strbuf_init_arena(&sb, cx->arena);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		st_strbuf_add(&sb, buf, n);
	if (ferror(stdin))
		return st_err_set(cx, ST_ERROR, "could not read standard input");
	*out = sb.buf;
	*len = sb.len;
	return 0;
}

int
cmd_db_execute(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	const char *file = NULL;
	bool use_stdin = false;
	st_opt opts[] = {
		{ "file", 0, ST_OPT_STRING, &file, "PATH", "SQL file to run" },
		{ "stdin", 0, ST_OPT_FLAG, &use_stdin, NULL, "Read the script from standard input" },
		ST_PROJECT_OPT_URL(d.po),
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	char *sql;
	size_t len;
	int rc;

	if ((rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL)) != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (!!file == use_stdin)
		return st_cli_usage_error(cli, "pass either --file PATH or --stdin");
	if ((file ? st_file_read(cx, file, &sql, &len) : read_stdin(cx, &sql, &len)) < 0)
		return st_cli_report(cli);
	if (memchr(sql, '\0', len)) {
		/* libpq would send the text up to the NUL only */
		st_err_set(cx, ST_EPARSE, "the script %s%s%s contains a NUL byte",
			   file ? "\"" : "", file ? file : "on standard input",
			   file ? "\"" : "");
		st_err_detail(cx, "Nothing was run.");
		return st_cli_report(cli);
	}
	d.po.no_schema_ok = true;
	d.json = true; /* no Datasource banner: the output is the script's */
	if (st_project_load(cx, &d.po, &d.p) < 0 ||
	    st_project_url(cx, d.p, &d.url) < 0)
		return st_cli_report(cli);
	{
		st_db_opts o = { 0 };

		if (st_db_connect(cx, d.url, &o, &d.db) < 0)
			return st_cli_report(cli);
	}
	if (st_db_exec(cx, d.db, sql) < 0) {
		const st_dberr *e = &d.db->err;

		if (e->position > 0) {
			size_t line = 1;
			size_t at = st_dberr_pos_to_byte(sql, len, e->position);

			for (size_t i = 0; i < at; i++)
				line += sql[i] == '\n';
			st_err_detail(cx, "%s%sThe error is at line %zu of %s.",
				      e->detail ? e->detail : "", e->detail ? " " : "",
				      line, file ? file : "the script");
		}
		if (e->sqlstate) {
			st_strbuf m;

			st_strbuf_init_arena(&m, cx->arena);
			st_strbuf_addf(&m, "%s (SQLSTATE %s)", cx->err_msg.buf, e->sqlstate);
			st_strbuf_reset(&cx->err_msg);
			st_strbuf_adds(&cx->err_msg, m.buf);
		}
		return st_cli_report(cli);
	}
	printf("Script executed successfully.\n");
	return ST_EXIT_OK;
}
