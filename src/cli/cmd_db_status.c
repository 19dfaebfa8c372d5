/*
 * cmd_db_status.c - `strata db status`: is the project's local database
 * running, and where.  Exit code 0 when it runs, 3 when it does not (as
 * `pg_ctl status`), 1 on error.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "db/localdb.h"

static const st_cmd_help help = {
	"strata db status",
	"Show whether this project's local PostgreSQL is running",
	"Prints the state of the database started by `strata db start`: its\n"
	"URL, pid, port and data directory.  Exit code 0 when it is running, 3\n"
	"when it is not.",
	"  strata db status",
};

int
cmd_db_status(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	const st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_project *p;
	st_localdb *db;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	po.no_schema_ok = true;
	if (st_project_load(cx, &po, &p) < 0 || st_localdb_open(cx, p->dir, &db) < 0)
		return st_cli_report(cli);
	if (db->running) {
		printf("The local database is running.\n\n"
		       "  URL:  %s\n  pid:  %ld\n  port: %d\n  data: %s\n"
		       "  log:  %s\n",
		       db->url, db->pid, db->port, db->data_dir, db->log_path);
		return ST_EXIT_OK;
	}
	if (db->stale_pid)
		printf("The local database is not running (it stopped without "
		       "`strata db stop`: stale pid file .strata/db/pid).\n");
	else
		printf("The local database is not running.\n");
	if (db->initialized)
		printf("\n  data: %s (PostgreSQL %d)\n", db->data_dir, db->data_major);
	printf("\nStart it with `strata db start`.\n");
	return ST_EXIT_DRIFT;
}
