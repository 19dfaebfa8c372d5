/*
 * cmd_db_push.c - `strata db push [--accept-data-loss] [--force-reset]`:
 * makes the database match schema.prisma without migrations (migrate/
 * push.c).  Data-loss warnings carry real row counts; nothing is applied
 * when data would be lost without --accept-data-loss (or a confirmed
 * prompt), or when a change cannot be executed.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/devcli.h"

static const st_cmd_help help = {
	"strata db push [--accept-data-loss] [--force-reset] [--allow-remote]",
	"Push the schema to the database without migrations",
	"Compares the database with schema.prisma and runs the statements that\n"
	"make them match, one by one, without writing a migration or touching\n"
	"the history table.  Changes that lose data are listed with row counts\n"
	"and need --accept-data-loss (or confirmation on a terminal); changes\n"
	"that cannot run on the existing rows stop the push.  --force-reset\n"
	"drops the schema first.  A database that is not on this machine needs\n"
	"confirmation or --allow-remote.",
	"  strata db push\n"
	"  strata db push --accept-data-loss\n"
	"  strata db push --force-reset",
};

int
cmd_db_push(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	bool accept = false, force_reset = false, allow_remote = false;
	const st_opt opts[] = {
		{ "accept-data-loss", 0, ST_OPT_FLAG, &accept, NULL,
		  "Apply even when data would be lost" },
		{ "force-reset", 0, ST_OPT_FLAG, &force_reset, NULL,
		  "Reset the database before pushing" },
		{ "allow-remote", 0, ST_OPT_FLAG, &allow_remote, NULL,
		  "Allow changing a database that is not on this machine" },
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_dev_opts o = { 0 };
	st_push_result res;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if ((rc = st_dbcli_open(cli, &d)) != 0)
		return rc;
	if ((rc = st_devcli_guard(cli, &d, "db push", allow_remote)) != 0)
		return rc;
	o.url = d.url;
	o.schema_path = d.p->schema_path;
	o.accept_data_loss = accept;
	o.force_reset = force_reset;
	o.io = st_devcli_io(cli);
	/* the warnings are printed before the question */
	o.io.confirm = NULL;
	rc = st_db_push(cx, &o, &res);
	if (res.reset)
		printf("The %s database \"%s\" schema \"%s\" was successfully reset.\n\n",
		       "PostgreSQL", d.u.dbname, d.u.schema);
	if (res.warnings.len || res.unexecutable.len) {
		if (res.unexecutable.len) {
			printf("\n⚠️ We found changes that cannot be executed:\n\n");
			for (size_t i = 0; i < res.unexecutable.len; i++)
				printf("  • %s\n", (const char *)res.unexecutable.items[i]);
			printf("\n");
		}
		if (res.warnings.len) {
			printf("⚠️  There might be data loss when applying the changes:\n\n");
			for (size_t i = 0; i < res.warnings.len; i++)
				printf("  • %s\n", (const char *)res.warnings.items[i]);
			printf("\n");
		}
		fflush(stdout);
		if (rc == ST_ECANCEL && cli->interactive && !res.unexecutable.len &&
		    st_cli_confirm(cli, "Do you want to ignore the warning(s)?")) {
			st_err_clear(cx);
			o.accept_data_loss = true;
			o.force_reset = false;
			rc = st_db_push(cx, &o, &res);
		}
	}
	if (rc < 0)
		return st_cli_report(cli);
	if (!res.nsteps)
		printf("The database is already in sync with the Prisma schema.\n");
	else
		printf("🚀  Your database is now in sync with your Prisma schema.\n");
	return ST_EXIT_OK;
}
