/*
 * cmd_db_stop.c - `strata db stop`: stops the project's local database
 * started by `strata db start --detach` (fast shutdown: open sessions are
 * ended, committed data is kept).
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/dbcli.h"

static const st_cmd_help help = {
	"strata db stop",
	"Stop this project's local PostgreSQL",
	"Stops the server started by `strata db start` (fast shutdown: sessions\n"
	"are disconnected, committed data stays in .strata/db/).  Stopping a\n"
	"database that is not running is not an error.",
	"  strata db stop",
};

int
cmd_db_stop(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_localdb *db;
	int rc;

	if ((rc = st_dbcli_localdb(cli, &help, argc, argv, &db)) >= 0)
		return rc;
	if (!db->running) {
		if (db->stale_pid)
			st_cli_info(cli, "Removed a stale pid file (the local database "
				    "had stopped without `strata db stop`).");
		st_localdb_stop(cx, db);
		printf("The local database is not running.\n");
		return ST_EXIT_OK;
	}
	printf("Stopping the local database (pid %ld) ...\n", db->pid);
	fflush(stdout);
	if (st_localdb_stop(cx, db) < 0)
		return st_cli_report(cli);
	printf("The local database has stopped.\n");
	return ST_EXIT_OK;
}
