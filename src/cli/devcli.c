/*
 * devcli.c - shared CLI plumbing of the development commands (devcli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/devcli.h"
#include "util/fs.h"

bool
st_devcli_host_is_local(const char *host)
{
	if (!host || !*host || host[0] == '/' || host[0] == '@')
		return true;
	return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) ||
	       !strcmp(host, "::1") || !strcmp(host, "[::1]");
}

int
st_devcli_guard(st_cli *cli, st_dbcli *d, const char *what, bool allow_remote)
{
	st_ctx *cx = cli->cx;
	const char *q;

	if (d->p->url_origin == ST_URL_LOCALDB || st_devcli_host_is_local(d->u.host))
		return 0;
	fprintf(stderr, "%s%s will change the database \"%s\" on %s:%s, which is "
		"not on this machine.%s\n", st_c(cli, stderr, ST_C_YELLOW), what,
		d->u.dbname, d->u.host, d->u.port, st_c(cli, stderr, ST_C_RESET));
	if (allow_remote)
		return 0;
	if (cli->interactive) {
		q = st_strfmt(cx->arena, "Are you sure you want to change the "
			      "database at %s?", d->u.host);
		if (st_cli_confirm(cli, q))
			return 0;
		st_err_set(cx, ST_ECANCEL, "cancelled: nothing was changed");
		return st_cli_report(cli);
	}
	st_err_set(cx, ST_EUSAGE, "refusing to change the remote database \"%s\" "
		   "on %s without confirmation", d->u.dbname, d->u.host);
	st_err_detail(cx, "The database URL comes from %s. Development commands "
		      "drop data; a URL left pointing at a shared or production "
		      "server turns them into accidents.",
		      d->p->url_origin_text ? d->p->url_origin_text : "the project");
	st_err_hint(cx, "Pass --allow-remote if this is really your development "
		    "database.");
	return st_cli_report(cli);
}

static void
io_say(void *arg, const char *text)
{
	(void)arg;
	fputs(text, stdout);
	fflush(stdout);
}

static bool
io_confirm(void *arg, const char *q)
{
	st_cli *cli = arg;

	fflush(stdout);
	return st_cli_confirm(cli, q);
}

static const char *
io_ask_name(void *arg)
{
	st_cli *cli = arg;
	char line[256];
	size_t n;

	if (!cli->interactive)
		return NULL;
	fprintf(stderr, "Enter a name for the new migration: ");
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return NULL;
	n = strcspn(line, "\r\n");
	line[n] = 0;
	return st_strdup(cli->cx->arena, line);
}

st_dev_io
st_devcli_io(st_cli *cli)
{
	st_dev_io io = { io_say, cli->interactive ? io_confirm : NULL,
			 io_ask_name, cli };

	return io;
}

int
st_devcli_seed(st_cli *cli, st_dbcli *d)
{
	st_ctx *cx = cli->cx;
	const char *cmd = NULL, *mdir = NULL, *sql = NULL;
	char *argv[12];
	int argc = 0;

	if (st_project_seed(cx, d->p, &cmd) < 0)
		st_err_clear(cx);
	if (st_project_migrations(cx, d->p, &mdir) == 0 && mdir)
		sql = st_path_join(cx->arena, st_path_dirname(cx->arena, mdir),
				   "seed.sql");
	st_err_clear(cx);
	if (!(cmd && *cmd) && !(sql && st_path_is_file(sql)))
		return ST_EXIT_OK;
	printf("\n");
	argv[argc++] = "seed";
	if (d->p->schema_path) {
		argv[argc++] = "--schema";
		argv[argc++] = (char *)d->p->schema_path;
	}
	if (d->p->config_path) {
		argv[argc++] = "--config";
		argv[argc++] = (char *)d->p->config_path;
	}
	if (mdir) {
		argv[argc++] = "--migrations";
		argv[argc++] = (char *)mdir;
	}
	argv[argc++] = "--url";
	argv[argc++] = (char *)d->url;
	argv[argc] = NULL;
	return cmd_db_seed(cli, argc, argv);
}
