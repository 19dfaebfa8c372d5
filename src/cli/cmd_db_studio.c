/*
 * cmd_db_studio.c - `strata db studio`: serve the web data browser
 * (src/studio/) for the project's database until Ctrl+C, printing the URL
 * with its one-run access token and opening a browser when there is a
 * display.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "studio/studio.h"
#include "util/url.h"

extern char **environ;

static const st_cmd_help help = {
	"strata db studio [--port 5555] [--host 127.0.0.1] [--read-only] [--no-open]",
	"Browse and edit the database in a web page",
	"Serves a data browser for the project's database from this binary:\n"
	"tables with search, a grid with sorting, filters and inline edits,\n"
	"foreign-key navigation, and the _prisma_migrations table with the\n"
	"`migrate status` panel.  The printed URL carries a random access token\n"
	"made for this run; the server answers only requests that carry it and\n"
	"name this server in their Host header.  It listens on 127.0.0.1 unless\n"
	"--host names another address, which also needs --allow-remote.\n"
	"Stop it with Ctrl+C.",
	"  strata db studio\n"
	"  strata db studio --port 6000 --read-only --no-open\n"
	"  strata db studio --url postgresql://me@localhost/shop",
};

/* xdg-open (or macOS open) in the background; never waits for it. */
static void
open_browser(st_cli *cli, const char *url)
{
	const char *disp = getenv("DISPLAY"), *way = getenv("WAYLAND_DISPLAY");
#ifdef __APPLE__
	const char *prog = "open";
	bool display = true;
#else
	const char *prog = "xdg-open";
	bool display = (disp && *disp) || (way && *way);
#endif
	char *argv[] = { (char *)prog, (char *)url, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!display)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, prog, &fa, NULL, argv, environ) != 0)
		st_cli_info(cli, "Open the URL above in a browser.");
	posix_spawn_file_actions_destroy(&fa);
}

int
cmd_db_studio(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	const char *host = "127.0.0.1", *migs = NULL;
	long port = 5555;
	bool read_only = false, no_open = false, allow_remote = false;
	const st_opt opts[] = {
		{ "port", 'p', ST_OPT_INT, &port, "PORT",
		  "Port to listen on (default 5555; 0 picks a free one)" },
		{ "host", 0, ST_OPT_STRING, &host, "ADDR",
		  "Address to listen on (default 127.0.0.1)" },
		{ "read-only", 0, ST_OPT_FLAG, &read_only, NULL,
		  "Browse only: refuse inserts, edits and deletes" },
		{ "no-open", 0, ST_OPT_FLAG, &no_open, NULL,
		  "Do not open a browser" },
		{ "allow-remote", 0, ST_OPT_FLAG, &allow_remote, NULL,
		  "Permit --host to be a non-loopback address" },
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		ST_PROJECT_OPT_MIGRATIONS(po),
		ST_PROJECT_OPT_URL(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_studio_opts so = { 0 };
	st_studio *s = NULL;
	st_project *p;
	sigset_t sigs;
	const char *url;
	int rc, sig;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (port < 0 || port > 65535)
		return st_cli_usage_error(cli, "invalid port %ld", port);
	if (!st_studio_host_is_loopback(host) && !allow_remote)
		return st_cli_usage_error(cli,
			"refusing to listen on non-loopback address \"%s\" "
			"without --allow-remote", host);

	po.no_schema_ok = true;
	if (st_project_load(cx, &po, &p) < 0 || st_project_url(cx, p, &url) < 0)
		return st_cli_report(cli);
	if (p->schema_path && st_project_migrations(cx, p, &migs) < 0)
		st_err_clear(cx); /* the studio works without the folder */
	else if (!p->schema_path)
		migs = po.migrations;

	so.host = host;
	so.port = (unsigned)port;
	so.read_only = read_only;
	so.allow_remote = allow_remote;
	so.db_url = url;
	so.schema_path = p->schema_path;
	so.migrations_dir = migs;

	/* Signals go to sigwait below, not to the server's threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* no zombie from the browser opener */

	if (st_studio_start(cx, &so, &s) < 0)
		return st_cli_report(cli);
	if (!st_studio_host_is_loopback(host))
		st_cli_warn(cli, "listening on %s: anyone who can reach it and has "
			    "the URL can read and change the database", host);

	url = st_studio_url(cx->arena, s);
	printf("strata studio is running at %s\n", url);
	printf("  database: %s%s\n", st_url_redact(cx->arena, so.db_url),
	       read_only ? " (read-only)" : "");
	if (so.schema_path)
		printf("  schema:   %s\n", so.schema_path);
	printf("Press Ctrl+C to stop.\n");
	fflush(stdout);
	if (!no_open)
		open_browser(cli, url);

	sigwait(&sigs, &sig);
	st_studio_stop(s);
	st_cli_info(cli, "studio stopped");
	return ST_EXIT_OK;
}
