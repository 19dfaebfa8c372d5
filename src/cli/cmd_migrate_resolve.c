/*
 * cmd_migrate_resolve.c - `strata migrate resolve --applied NAME |
 * --rolled-back NAME`: fix the recorded history by hand after a failed
 * migration, or baseline an existing database.
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/dbcli.h"
#include "migrate/migrate.h"

static const st_cmd_help help = {
	"strata migrate resolve (--applied NAME | --rolled-back NAME) "
	"[--schema PATH] [--migrations DIR] [--url URL] [--json]",
	"Mark a migration as applied or rolled back",
	"--rolled-back NAME marks a failed migration as rolled back (you undid\n"
	"its changes); the next deploy applies it again.  --applied NAME records\n"
	"a migration as applied without running it: a failed one you finished by\n"
	"hand, or the first migration of an existing database (baselining). Takes\n"
	"the same advisory lock as deploy.",
	"  strata migrate resolve --rolled-back 20240102000001_add_index\n"
	"  strata migrate resolve --applied 0_init\n",
};

int
cmd_migrate_resolve(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	const char *applied = NULL, *rolled_back = NULL;
	st_opt opts[] = {
		{ "applied", 0, ST_OPT_STRING, &applied, "NAME",
		  "Record NAME as applied (without running it)" },
		{ "rolled-back", 0, ST_OPT_STRING, &rolled_back, "NAME",
		  "Record the failed migration NAME as rolled back" },
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_MIGRATIONS(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ "lock-timeout", 0, ST_OPT_INT, &d.lock_timeout, "MS",
		  "How long to wait for a deployer's lock (default 10000)" },
		{ "json", 0, ST_OPT_FLAG, &d.json, NULL, "Print the result as JSON" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_migdir *md = NULL;
	const char *mdir, *name;
	int rc;

	if ((rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL)) != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (applied && rolled_back)
		return st_cli_usage_error(cli, "Pass either --applied or "
					  "--rolled-back, not both.");
	if (!applied && !rolled_back)
		return st_cli_usage_error(cli, "--applied or --rolled-back must be "
					  "part of the command.");
	name = applied ? applied : rolled_back;
	/* "migrations/0_init/" is a common slip: accept the folder path */
	{
		size_t n = strlen(name);
		const char *slash;
		char *t = st_strdup(cx->arena, name);

		while (n > 1 && t[n - 1] == '/')
			t[--n] = 0;
		slash = strrchr(t, '/');
		name = slash ? slash + 1 : t;
	}
	d.po.no_schema_ok = d.po.url || d.po.migrations;
	if ((rc = st_dbcli_open(cli, &d)) != 0)
		return rc;
	if (applied && (rc = st_dbcli_migrations(cli, &d, &mdir, &md)) != 0)
		return rc;
	if ((rc = st_dbcli_connect(cli, &d, false)) != 0)
		return rc;
	if (applied)
		rc = st_migrate_resolve_applied(cx, d.db, md, name,
						st_dbcli_lock_timeout(&d));
	else
		rc = st_migrate_resolve_rolled_back(cx, d.db, name,
						    st_dbcli_lock_timeout(&d));
	if (rc < 0)
		return st_dbcli_fail(cli, &d);
	if (d.json) {
		json_t *doc = json_object();

		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "migration", json_string(name));
		json_object_set_new(doc, "marked",
				    json_string(applied ? "applied" : "rolled_back"));
		st_dbcli_json_print(doc);
		return ST_EXIT_OK;
	}
	printf("Migration %s marked as %s.\n\n", name,
	       applied ? "applied" : "rolled back");
	return ST_EXIT_OK;
}
