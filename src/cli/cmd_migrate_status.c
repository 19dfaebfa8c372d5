/*
 * cmd_migrate_status.c - `strata migrate status`: Prisma's states, texts
 * and exit codes, plus edited applied migrations and applied migrations
 * missing locally.
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/dbcli.h"
#include "migrate/migrate.h"

static const st_cmd_help help = {
	"strata migrate status [--schema PATH] [--migrations DIR] [--url URL] [--json]",
	"Compare the migrations folder with the database's history",
	"Exit status: 0 when the database is up to date; 1 when migrations are\n"
	"pending, one failed, the histories diverged, or the database is not\n"
	"managed by migrations (and on errors).  Also reports applied migrations\n"
	"whose file changed since (checksum) and applied migrations missing from\n"
	"the folder.",
	"  strata migrate status\n  strata migrate status --json | jq .state\n",
};

static const char *const state_names[] = {
	"up_to_date", "pending", "failed", "diverged", "not_managed",
};

static json_t *
names_json(const st_vec *v, int kind)
{
	json_t *a = json_array();

	for (size_t i = 0; i < v->len; i++) {
		const char *n = kind == 0 ? ((st_migration *)v->items[i])->name
			      : kind == 1 ? ((st_histrow *)v->items[i])->migration_name
					  : (const char *)v->items[i];

		json_array_append_new(a, json_string(n));
	}
	return a;
}

static void
print_names(FILE *f, const st_vec *v, int kind)
{
	for (size_t i = 0; i < v->len; i++)
		fprintf(f, "%s\n", kind == 0 ? ((st_migration *)v->items[i])->name
				 : kind == 1 ? ((st_histrow *)v->items[i])->migration_name
					     : (const char *)v->items[i]);
}

int
cmd_migrate_status(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_MIGRATIONS(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ "json", 0, ST_OPT_FLAG, &d.json, NULL, "Print the result as JSON" },
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_status st;
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
	if ((rc = st_dbcli_connect(cli, &d, false)) != 0)
		return rc;
	if (st_migrate_status(cx, d.db, md, &st) < 0)
		return st_dbcli_fail(cli, &d);
	rc = st.state == ST_STATUS_UP_TO_DATE ? ST_EXIT_OK : ST_EXIT_FAIL;
	if (d.json) {
		json_t *doc = json_object();

		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "state", json_string(state_names[st.state]));
		json_object_set_new(doc, "database", json_string(d.u.dbname));
		json_object_set_new(doc, "schema", json_string(d.u.schema));
		json_object_set_new(doc, "migrations_dir", json_string(mdir));
		json_object_set_new(doc, "found", json_integer((json_int_t)st.found));
		json_object_set_new(doc, "has_history_table", json_boolean(st.has_table));
		json_object_set_new(doc, "pending", names_json(&st.pending, 0));
		json_object_set_new(doc, "failed", names_json(&st.failed, 1));
		json_object_set_new(doc, "edited", names_json(&st.edited, 0));
		json_object_set_new(doc, "missing_locally",
				    names_json(&st.missing_locally, 2));
		json_object_set_new(doc, "last_common",
				    st.last_common ? json_string(st.last_common)
						   : json_null());
		st_dbcli_json_print(doc);
		return rc;
	}
	if (st.found)
		printf("%zu migration%s found in %s\n", st.found,
		       st.found == 1 ? "" : "s", mdir);
	else
		printf("No migration found in %s\n", mdir);
	switch (st.state) {
	case ST_STATUS_NOT_MANAGED:
		fflush(stdout);
		fprintf(stderr, "The current database is not managed by Prisma "
			"Migrate.\n\nRead more about how to baseline an existing "
			"production database:\nhttps://pris.ly/d/migrate-baseline\n");
		break;
	case ST_STATUS_PENDING:
		printf("Following migration%s have not yet been applied:\n",
		       st.pending.len == 1 ? "" : "s");
		print_names(stdout, &st.pending, 0);
		printf("\nTo apply migrations in development run prisma migrate dev.\n"
		       "To apply migrations in production run prisma migrate deploy.\n");
		break;
	case ST_STATUS_FAILED: {
		const st_histrow *h = st.failed.items[0];

		fflush(stdout);
		fprintf(stderr, "Following migration%s have failed:\n",
			st.failed.len == 1 ? "" : "s");
		print_names(stderr, &st.failed, 1);
		fprintf(stderr, "\nDuring development if the failed migration(s) have "
			"not been deployed to a production database you can then fix "
			"the migration(s) and run prisma migrate dev.\n\n"
			"The failed migration(s) can be marked as rolled back or "
			"applied:\n\n- If you rolled back the migration(s) manually:\n"
			"prisma migrate resolve --rolled-back \"%s\"\n\n- If you fixed "
			"the database manually (hotfix):\nprisma migrate resolve "
			"--applied \"%s\"\n\nRead more about how to resolve migration "
			"issues in a production database:\n"
			"https://pris.ly/d/migrate-resolve\n",
			h->migration_name, h->migration_name);
		break;
	}
	case ST_STATUS_DIVERGED:
		fflush(stdout);
		fprintf(stderr, "Your local migration history and the migrations table "
			"from your database are different:\n\n");
		if (st.last_common)
			fprintf(stderr, "The last common migration is: %s\n\n",
				st.last_common);
		fprintf(stderr, "The migration%s have not yet been applied:\n",
			st.pending.len == 1 ? "" : "s");
		print_names(stderr, &st.pending, 0);
		fprintf(stderr, "\nThe migration%s from the database are not found "
			"locally in %s:\n", st.missing_locally.len == 1 ? "" : "s",
			mdir);
		print_names(stderr, &st.missing_locally, 2);
		break;
	case ST_STATUS_UP_TO_DATE:
		printf("\nDatabase schema is up to date!\n");
		break;
	}
	if (st.state != ST_STATUS_DIVERGED && st.missing_locally.len) {
		printf("\nApplied to the database but not found locally in %s:\n", mdir);
		print_names(stdout, &st.missing_locally, 2);
	}
	if (st.edited.len) {
		printf("\nApplied migration%s whose file changed since (checksum "
		       "differs):\n", st.edited.len == 1 ? "" : "s");
		print_names(stdout, &st.edited, 0);
	}
	return rc;
}
