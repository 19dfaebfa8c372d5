/*
 * cmd_db_status.c - `strata db status`: is the project's local database
 * running, and where.  Exit code 0 when it runs, 3 when it does not (as
 * `pg_ctl status`), 1 on error.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/dbcli.h"

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
	st_localdb *db;
	int rc;

	if ((rc = st_dbcli_localdb(cli, &help, argc, argv, &db)) >= 0)
		return rc;
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
