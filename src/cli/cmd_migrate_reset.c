/*
 * cmd_migrate_reset.c - `strata migrate reset [--force] [--skip-seed]`:
 * drops and recreates the schema(s), re-applies every migration, then
 * runs the seed.  Asks first on a terminal; without one it needs --force.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/devcli.h"

static const st_cmd_help help = {
	"strata migrate reset [--force] [--skip-seed] [--allow-remote]",
	"Drop the database schema, re-apply all migrations, seed",
	"Drops and recreates the schema(s) of the development database (all\n"
	"data is lost), applies every migration of the migrations folder, and\n"
	"runs the seed unless --skip-seed.  It asks for confirmation on a\n"
	"terminal; without one, --force is required.  A database that is not on\n"
	"this machine also needs confirmation or --allow-remote.",
	"  strata migrate reset\n"
	"  strata migrate reset --force --skip-seed",
};

int
cmd_migrate_reset(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	bool force = false, skip_seed = false, allow_remote = false;
	const st_opt opts[] = {
		{ "force", 'f', ST_OPT_FLAG, &force, NULL,
		  "Skip the confirmation prompt" },
		{ "skip-seed", 0, ST_OPT_FLAG, &skip_seed, NULL,
		  "Do not run the seed" },
		{ "allow-remote", 0, ST_OPT_FLAG, &allow_remote, NULL,
		  "Allow resetting a database that is not on this machine" },
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_MIGRATIONS(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_dev_opts o = { 0 };
	st_dev_result res;
	const char *mdir;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	d.po.no_schema_ok = true;
	if ((rc = st_dbcli_open(cli, &d)) != 0)
		return rc;
	if ((rc = st_devcli_guard(cli, &d, "migrate reset", allow_remote)) != 0)
		return rc;
	if (!force) {
		if (!cli->interactive) {
			st_err_set(cx, ST_EUSAGE, "migrate reset needs --force when "
				   "not run from a terminal");
			st_err_detail(cx, "It drops every table and all data of "
				      "database \"%s\" on %s:%s.", d.u.dbname,
				      d.u.host, d.u.port);
			st_err_hint(cx, "Pass --force to reset without a prompt.");
			return st_cli_report(cli);
		}
		if (!st_cli_confirm(cli, "Are you sure you want to reset your "
				    "database? All data will be lost.")) {
			printf("Reset cancelled.\n");
			return ST_EXIT_FAIL;
		}
	}
	if (st_project_migrations(cx, d.p, &mdir) < 0)
		return st_cli_report(cli);
	o.url = d.url;
	o.migrations_dir = mdir;
	o.schema_path = d.p->schema_path;
	rc = st_migrate_reset(cx, &o, &res);
	if (res.reset)
		printf("Database reset successful\n\n");
	if (res.applied.len) {
		printf("The following migration(s) have been applied:\n\nmigrations/\n");
		for (size_t i = 0; i < res.applied.len; i++)
			printf("  └─ %s/\n    └─ migration.sql\n",
			       (const char *)res.applied.items[i]);
	}
	fflush(stdout);
	if (rc < 0)
		return st_cli_report(cli);
	if (!skip_seed)
		return st_devcli_seed(cli, &d);
	return ST_EXIT_OK;
}
