/*
 * cmd_migrate_dev.c - `strata migrate dev [--name N] [--create-only]`:
 * Prisma's development loop (migrate/dev.c): diagnose the history, check
 * for drift on a shadow database, apply pending migrations, create the
 * migration that brings the database to schema.prisma, apply it, and seed
 * after a reset.  Never prompts without a TTY: a needed reset stops
 * unless --force-reset, data-loss warnings unless --accept-data-loss.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/devcli.h"
#include "util/url.h"

static const st_cmd_help help = {
	"strata migrate dev [--name NAME] [--create-only] [--accept-data-loss] "
	"[--force-reset] [--skip-seed] [--allow-remote]",
	"Create a migration from schema changes and apply it",
	"Compares the migration history with the development database (drift,\n"
	"failed, edited or missing migrations), replays the history on a shadow\n"
	"database, applies pending migrations, then writes\n"
	"migrations/<timestamp>_<name>/migration.sql for the changes in the\n"
	"schema and applies it.  The shadow database is created on the same\n"
	"server and always dropped (shadowDatabaseUrl in prisma.config.ts is used\n"
	"instead when set).  When the database must be reset, strata says why and\n"
	"asks on a terminal; without one it stops unless --force-reset.  Changes\n"
	"that lose data need confirmation or --accept-data-loss.  After a reset\n"
	"the seed runs (unless --skip-seed).  A database that is not on this\n"
	"machine needs confirmation or --allow-remote.",
	"  strata migrate dev --name add_order_notes\n"
	"  strata migrate dev --create-only --name split_address\n"
	"  strata migrate dev --name drop_legacy --accept-data-loss",
};

int
cmd_migrate_dev(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	const char *name = NULL;
	bool create_only = false, accept = false, force_reset = false,
	     skip_seed = false, allow_remote = false;
	const st_opt opts[] = {
		{ "name", 'n', ST_OPT_STRING, &name, "NAME",
		  "Name of the new migration" },
		{ "create-only", 0, ST_OPT_FLAG, &create_only, NULL,
		  "Create the migration without applying it" },
		{ "accept-data-loss", 0, ST_OPT_FLAG, &accept, NULL,
		  "Proceed past data-loss warnings" },
		{ "force-reset", 0, ST_OPT_FLAG, &force_reset, NULL,
		  "Reset the database when needed without asking" },
		{ "skip-seed", 0, ST_OPT_FLAG, &skip_seed, NULL,
		  "Do not run the seed after a reset" },
		{ "allow-remote", 0, ST_OPT_FLAG, &allow_remote, NULL,
		  "Allow changing a database that is not on this machine" },
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
	if ((rc = st_dbcli_open(cli, &d)) != 0)
		return rc;
	if ((rc = st_devcli_guard(cli, &d, "migrate dev", allow_remote)) != 0)
		return rc;
	if (st_project_migrations(cx, d.p, &mdir) < 0)
		return st_cli_report(cli);
	o.url = d.url;
	o.shadow_url = d.p->shadow_url;
	o.migrations_dir = mdir;
	o.schema_path = d.p->schema_path;
	o.name = name;
	o.create_only = create_only;
	o.accept_data_loss = accept;
	o.force_reset = force_reset;
	o.io = st_devcli_io(cli);
	rc = st_migrate_dev(cx, &o, &res);
	if (res.shadow_desc)
		fprintf(stderr, "Shadow database: %s.\n", res.shadow_desc);
	if (rc < 0) {
		int ex = st_cli_report(cli);

		return rc == ST_ECANCEL ? ST_EXIT_CANCEL : ex;
	}
	if (res.reset && !skip_seed)
		return st_devcli_seed(cli, &d);
	return ST_EXIT_OK;
}
