/*
 * dbcli.c - shared plumbing of the database commands: project and URL,
 * Prisma's header lines, connection, lock timeout, JSON output.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/dbcli.h"
#include "migrate/migrate.h"

int
st_dbcli_fail(st_cli *cli, st_dbcli *d)
{
	if (d->json) {
		json_t *doc = json_object();

		json_object_set_new(doc, "ok", json_false());
		json_object_set_new(doc, "error", st_dbcli_json_error(cli->cx));
		st_dbcli_json_print(doc);
		return ST_EXIT_FAIL;
	}
	return st_cli_report(cli);
}

int
st_dbcli_open(st_cli *cli, st_dbcli *d)
{
	st_ctx *cx = cli->cx;

	if (st_project_load(cx, &d->po, &d->p) < 0)
		return st_dbcli_fail(cli, d);
	if (st_project_url(cx, d->p, &d->url) < 0)
		return st_dbcli_fail(cli, d);
	if (st_dburl_parse(cx, d->url, &d->u) < 0)
		return st_dbcli_fail(cli, d);
	if (d->json)
		return 0;
	if (d->p->config_path)
		fprintf(stderr, "Loaded Prisma config from %s.\n\n", d->p->config_path);
	if (d->p->schema_path)
		fprintf(stderr, "Prisma schema loaded from %s.\n", d->p->schema_path);
	st_project_datasource(cx, d->p);
	printf("Datasource \"%s\": PostgreSQL database \"%s\", schema \"%s\" at "
	       "\"%s:%s\"\n\n", d->p->ds_name ? d->p->ds_name : "db", d->u.dbname,
	       d->u.schema, d->u.host, d->u.port);
	fflush(stdout);
	return 0;
}

int
st_dbcli_migrations(st_cli *cli, st_dbcli *d, const char **mdir,
		    st_migdir **md)
{
	if (st_project_migrations(cli->cx, d->p, mdir) < 0 ||
	    st_migdir_read(cli->cx, *mdir, md) < 0)
		return st_dbcli_fail(cli, d);
	return 0;
}

int
st_dbcli_connect(st_cli *cli, st_dbcli *d, bool create_missing)
{
	st_db_opts o = { .create_missing = create_missing };

	if (st_db_connect(cli->cx, d->url, &o, &d->db) < 0)
		return st_dbcli_fail(cli, d);
	if (d->db->created && !d->json)
		printf("PostgreSQL database %s created at %s:%s\n\n", d->u.dbname,
		       d->u.host, d->u.port);
	return 0;
}

int
st_dbcli_lock_timeout(const st_dbcli *d)
{
	const char *env = getenv("STRATA_LOCK_TIMEOUT");

	if (d->lock_timeout > 0)
		return (int)d->lock_timeout;
	if (env && atoi(env) > 0)
		return atoi(env);
	return ST_MIGRATE_LOCK_TIMEOUT_MS;
}

void
st_dbcli_json_print(json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	puts(s);
	free(s);
	json_decref(doc);
}

json_t *
st_dbcli_json_error(st_ctx *cx)
{
	json_t *e = json_object();

	json_object_set_new(e, "code", cx->err_pcode ? json_string(cx->err_pcode)
						      : json_null());
	json_object_set_new(e, "message", json_string(cx->err_msg.buf));
	if (cx->err_detail.len)
		json_object_set_new(e, "detail", json_string(cx->err_detail.buf));
	if (cx->err_hint.len)
		json_object_set_new(e, "hint", json_string(cx->err_hint.buf));
	return e;
}

int
st_dbcli_localdb(st_cli *cli, const st_cmd_help *help, int argc, char **argv,
		 st_localdb **out)
{
	st_project_opts po = { 0 };
	const st_opt opts[] = {
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_project *p;
	int rc;

	*out = NULL;
	rc = st_opt_parse(cli, help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	po.no_schema_ok = true;
	if (st_project_load(cli->cx, &po, &p) < 0 ||
	    st_localdb_open(cli->cx, p->dir, out) < 0)
		return st_cli_report(cli);
	return -1;
}
