/*
 * cmd_db_start.c - `strata db start [--port N] [--detach]`: the project's
 * local development PostgreSQL (db/localdb.c), in the foreground until
 * Ctrl-C like `wasp start db`, or detached.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "db/localdb.h"

static const st_cmd_help help = {
	"strata db start [--port N] [--detach]",
	"Start a local PostgreSQL for this project (no Docker, no setup)",
	"Creates a PostgreSQL cluster with the locally installed server in\n"
	".strata/db/ (git-ignored), listening on 127.0.0.1 only, starts it on\n"
	"port 5432 when free (else a free port), creates a database named after\n"
	"the project folder and prints its URL.  While it runs, strata commands\n"
	"in this project use it when no other database URL is configured.\n"
	"Without --detach it runs until Ctrl-C.  As root the server runs as the\n"
	"\"postgres\" OS user.",
	"  strata db start --detach\n"
	"  strata db start --port 55000",
};

static void
note(void *arg, const char *text)
{
	st_cli_info(arg, "%s", text);
}

/* Waits for Ctrl-C (or SIGTERM/SIGHUP) while the server lives.
 * Returns 0 after a signal, 1 when the server went away by itself. */
static int
wait_foreground(st_localdb *db)
{
	sigset_t set;
	struct timespec ts = { 1, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		if (sigtimedwait(&set, NULL, &ts) > 0)
			return 0;
		if (!st_localdb_alive(db))
			return 1;
	}
}

int
cmd_db_start(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	long port = 0;
	bool detach = false;
	const st_opt opts[] = {
		{ "port", 'p', ST_OPT_INT, &port, "N",
		  "Port to listen on (default: 5432 when free, else a free one)" },
		{ "detach", 'd', ST_OPT_FLAG, &detach, NULL,
		  "Start in the background and return" },
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_project *p;
	st_localdb *db;
	const char *other_url = NULL;
	bool was_running;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (port < 0 || port > 65535)
		return st_cli_usage_error(cli, "invalid port %ld", port);
	po.no_schema_ok = true;
	if (st_project_load(cx, &po, &p) < 0 || st_localdb_open(cx, p->dir, &db) < 0)
		return st_cli_report(cli);

	/* another URL configured? then other commands will not use this one */
	cx->quiet = 1;
	if (st_project_url(cx, p, &other_url) == 0 &&
	    p->url_origin != ST_URL_LOCALDB)
		st_cli_warn(cli, "%s is configured, so strata commands in this "
			    "project use that database, not the local one",
			    p->url_origin_text);
	cx->quiet = 0;
	st_err_clear(cx);

	was_running = db->running;
	if (st_localdb_start(cx, db, (int)port, note, cli) < 0)
		return st_cli_report(cli);
	if (was_running) {
		printf("The local database is already running.\n\n"
		       "  URL:  %s\n  pid:  %ld\n\n", db->url, db->pid);
		printf("Stop it with `strata db stop`.\n");
		return ST_EXIT_OK;
	}
	printf("The local database is running (PostgreSQL %d).\n\n"
	       "  URL:  %s\n  data: %s\n  log:  %s\n\n"
	       "strata commands in this project use it while no other database "
	       "URL is configured.\n",
	       db->bin_major, db->url, db->data_dir, db->log_path);
	if (detach) {
		printf("Stop it with `strata db stop`.\n");
		return ST_EXIT_OK;
	}
	printf("Press Ctrl-C to stop it.\n");
	fflush(stdout);
	if (wait_foreground(db) != 0) {
		st_err_set(cx, ST_ERROR, "the local database stopped unexpectedly");
		st_err_hint(cx, "Look at its log: %s", db->log_path);
		st_localdb_stop(cx, db); /* clears the pid file */
		return st_cli_report(cli);
	}
	printf("\nStopping the local database ...\n");
	fflush(stdout);
	if (st_localdb_stop(cx, db) < 0)
		return st_cli_report(cli);
	printf("The local database has stopped.\n");
	return ST_EXIT_OK;
}
