/*
 * dbcli.h - what the database commands (migrate deploy/status/resolve,
 * db execute, db status/stop) share: project + URL resolution, the
 * "Prisma schema loaded from" and "Datasource" lines, reading the
 * migrations folder, connecting, the lock timeout setting, JSON output,
 * and opening the local database's state.
 */
#ifndef ST_CLI_DBCLI_H
#define ST_CLI_DBCLI_H

#include <jansson.h>

#include "cli/cli.h"
#include "cli/project.h"
#include "db/db.h"
#include "db/localdb.h"
#include "migrate/migrate.h"

typedef struct st_dbcli {
	st_project_opts po;
	bool json;
	long lock_timeout;     /* --lock-timeout MS, 0: STRATA_LOCK_TIMEOUT or 10 s */
	st_project *p;
	const char *url;
	st_dburl u;
	st_db *db;
} st_dbcli;

/* Loads the project and resolves the URL; prints the schema and
 * Datasource lines unless --json.  Returns 0 or an exit code (1). */
int st_dbcli_open(st_cli *cli, st_dbcli *d);
/* Reads the project's migrations folder into *md (*mdir its path).
 * Returns 0 or an exit code (1) after reporting. */
int st_dbcli_migrations(st_cli *cli, st_dbcli *d, const char **mdir,
			st_migdir **md);
/* Connects (create_missing for deploy; prints Prisma's "created" line). */
int st_dbcli_connect(st_cli *cli, st_dbcli *d, bool create_missing);
/* The lock wait in milliseconds (flag, STRATA_LOCK_TIMEOUT, default). */
int st_dbcli_lock_timeout(const st_dbcli *d);
/* Prints a JSON document to stdout and frees it. */
void st_dbcli_json_print(json_t *doc);
/* {"code": "P3018", "message": ..., "detail": ..., "hint": ...} */
json_t *st_dbcli_json_error(st_ctx *cx);
/* Reports cx's error: as JSON {"ok": false, "error": ...} with --json,
 * else with st_cli_report.  Returns 1. */
int st_dbcli_fail(st_cli *cli, st_dbcli *d);
/* For commands that take only --schema/--config and act on the local
 * database (db status, db stop): parses argv, loads the project and its
 * .strata/db state into *out.  Returns -1 with *out set, or the exit code
 * to return (after --help, a usage error or a reported error). */
int st_dbcli_localdb(st_cli *cli, const st_cmd_help *help, int argc,
		     char **argv, st_localdb **out);

#endif
