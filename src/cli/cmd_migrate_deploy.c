/*
 * cmd_migrate_deploy.c - `strata migrate deploy`: apply pending migrations
 * (production and CI), with Prisma's output plus each migration's duration.
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/dbcli.h"
#include "migrate/migrate.h"

static const st_cmd_help help = {
	"strata migrate deploy [--schema PATH] [--migrations DIR] [--url URL] "
	"[--lock-timeout MS] [--json]",
	"Apply pending migrations to the database",
	"Applies every migration of the migrations folder that the database has\n"
	"not recorded in _prisma_migrations, in name order, under Prisma's\n"
	"advisory lock (72707369), so strata and Prisma deployers exclude each\n"
	"other.  Each migration runs in its own transaction together with its\n"
	"history row; statements PostgreSQL cannot run in a transaction block\n"
	"(CREATE INDEX CONCURRENTLY, VACUUM, ...) run on their own.  A failing\n"
	"migration is recorded (P3018) and stops the run; earlier ones stay\n"
	"applied.  A missing database is created.",
	"  strata migrate deploy\n"
	"  DATABASE_URL=postgresql://app@db/prod strata migrate deploy --json\n",
};

static void
on_event(void *arg, const st_deploy_event *ev)
{
	st_dbcli *d = arg;

	if (d->json)
		return;
	switch (ev->kind) {
	case ST_DEPLOY_APPLYING:
		printf("Applying migration `%s`", ev->migration->name);
		fflush(stdout);
		break;
	case ST_DEPLOY_APPLIED:
		printf(" (%.0f ms%s%s)\n", ev->ms,
		       ev->mode == ST_APPLY_TXN ? "" : ", ",
		       ev->mode == ST_APPLY_TXN ? ""
		       : ev->mode == ST_APPLY_SCRIPT ? "outside a transaction"
						      : "in steps");
		fflush(stdout);
		break;
	case ST_DEPLOY_FAILED:
		printf("\n");
		fflush(stdout);
		break;
	}
}

static json_t *
result_json(st_dbcli *d, const st_deploy_result *r)
{
	json_t *doc = json_object(), *arr = json_array();

	json_object_set_new(doc, "ok", json_boolean(!r->failed));
	json_object_set_new(doc, "database", json_string(d->u.dbname));
	json_object_set_new(doc, "schema", json_string(d->u.schema));
	json_object_set_new(doc, "database_created",
			    json_boolean(d->db && d->db->created));
	json_object_set_new(doc, "migrations_dir", json_string(d->p->migrations_dir));
	json_object_set_new(doc, "found", json_integer((json_int_t)r->found));
	for (size_t i = 0; i < r->applied.len; i++) {
		const st_migration *m = r->applied.items[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(m->name));
		json_object_set_new(o, "checksum", json_string(m->checksum));
		json_object_set_new(o, "ms", json_real(*(double *)r->durations.items[i]));
		json_array_append_new(arr, o);
	}
	json_object_set_new(doc, "applied", arr);
	return doc;
}

int
cmd_migrate_deploy(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_MIGRATIONS(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ "lock-timeout", 0, ST_OPT_INT, &d.lock_timeout, "MS",
		  "How long to wait for another deployer's lock (default 10000, "
		  "or STRATA_LOCK_TIMEOUT)" },
		{ "json", 0, ST_OPT_FLAG, &d.json, NULL, "Print the result as JSON" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_deploy_opts dopts = { 0 };
	st_deploy_result res;
	st_migdir *md;
	const char *mdir;
	int rc;

	if ((rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL)) != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	d.po.no_schema_ok = d.po.url || d.po.migrations;
	if ((rc = st_dbcli_open(cli, &d)) != 0)
		return rc;
	if ((rc = st_dbcli_migrations(cli, &d, &mdir, &md)) != 0)
		return rc;
	if (st_migdir_check_provider(cx, md, d.p->provider ? d.p->provider
							   : "postgresql") < 0)
		return st_dbcli_fail(cli, &d);
	if ((rc = st_dbcli_connect(cli, &d, true)) != 0)
		return rc;
	if (!d.json) {
		if (md->migrations.len)
			printf("%zu migration%s found in %s\n\n", md->migrations.len,
			       md->migrations.len == 1 ? "" : "s", mdir);
		else
			printf("No migration found in %s\n\n", mdir);
		fflush(stdout);
	}
	dopts.lock_timeout_ms = st_dbcli_lock_timeout(&d);
	dopts.on_event = on_event;
	dopts.arg = &d;
	rc = st_migrate_deploy(cx, d.db, md, &dopts, &res);
	if (d.json) {
		json_t *doc = result_json(&d, &res);

		if (rc < 0) {
			json_object_set_new(doc, "ok", json_false());
			json_object_set_new(doc, "error", st_dbcli_json_error(cx));
			if (res.failed)
				json_object_set_new(doc, "failed",
						    json_pack("{s:s, s:s?}", "name",
							      res.failed->name, "sqlstate",
							      res.failed_sqlstate));
		}
		st_dbcli_json_print(doc);
		return rc < 0 ? ST_EXIT_FAIL : ST_EXIT_OK;
	}
	if (rc < 0)
		return st_cli_report(cli);
	if (!res.applied.len) {
		printf("\nNo pending migrations to apply.\n");
		return ST_EXIT_OK;
	}
	printf("\nThe following migration(s) have been applied:\n\nmigrations/\n");
	for (size_t i = 0; i < res.applied.len; i++)
		printf("  └─ %s/\n    └─ migration.sql\n",
		       ((st_migration *)res.applied.items[i])->name);
	printf("\nAll migrations have been successfully applied.\n");
	return ST_EXIT_OK;
}
