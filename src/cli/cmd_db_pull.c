/*
 * cmd_db_pull.c - `strata db pull [--print] [--force]`: introspects the
 * database (sqlschema/introspect.c) and writes schema.prisma as Prisma's
 * `db pull` does (sqlschema/pull.c), keeping the generator and datasource
 * blocks and, unless --force, the model and field names already chosen.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/devcli.h"
#include "sqlschema/introspect.h"
#include "sqlschema/pull.h"
#include "util/fs.h"

static const st_cmd_help help = {
	"strata db pull [--print] [--force] [--schema PATH] [--url URL]",
	"Write schema.prisma from the database",
	"Reads the tables, columns, keys, indexes, foreign keys and enums of the\n"
	"database and writes the matching models into the schema file, the way\n"
	"`prisma db pull` does.  The generator and datasource blocks are kept, and\n"
	"so are the names you gave models and fields with @@map/@map (--force\n"
	"starts from the database names instead).  What the schema language cannot\n"
	"express (check constraints, expression indexes, row level security ...)\n"
	"is noted in /// comments.  --print writes to standard output instead.",
	"  strata db pull\n"
	"  strata db pull --print > introspected.prisma\n"
	"  strata db pull --url postgresql://me@localhost/legacy --print",
};

int
cmd_db_pull(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_dbcli d = { 0 };
	bool print = false, force = false;
	const st_opt opts[] = {
		{ "print", 0, ST_OPT_FLAG, &print, NULL,
		  "Print the schema instead of writing the file" },
		{ "force", 0, ST_OPT_FLAG, &force, NULL,
		  "Ignore the names chosen in the current schema" },
		ST_PROJECT_OPT_SCHEMA(d.po),
		ST_PROJECT_OPT_CONFIG(d.po),
		ST_PROJECT_OPT_URL(d.po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	const char *const *ns = NULL;
	size_t nns = 0, nmodels = 0;
	bool multi = false;
	char *existing = NULL;
	size_t len;
	st_schema *s;
	st_introspect_extra *extra;
	st_strbuf out = ST_STRBUF_INIT;
	const char *path;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	d.po.no_schema_ok = true;
	if (st_project_load(cx, &d.po, &d.p) < 0 ||
	    st_project_url(cx, d.p, &d.url) < 0 ||
	    st_dburl_parse(cx, d.url, &d.u) < 0)
		return st_cli_report(cli);
	/* with --print, stdout carries only the schema */
	st_project_datasource(cx, d.p);
	if (d.p->schema_path)
		fprintf(stderr, "Prisma schema loaded from %s.\n", d.p->schema_path);
	fprintf(print ? stderr : stdout, "Datasource \"%s\": PostgreSQL database "
		"\"%s\", schema \"%s\" at \"%s:%s\"\n\n",
		d.p->ds_name ? d.p->ds_name : "db", d.u.dbname, d.u.schema,
		d.u.host, d.u.port);
	fflush(stdout);
	path = d.p->schema_path;
	if (path && d.p->schema_is_dir) {
		st_err_set(cx, ST_EUSAGE, "db pull cannot write into a schema folder");
		st_err_hint(cx, "Use --print, or --schema with a single file.");
		return st_cli_report(cli);
	}
	if (path && st_path_is_file(path)) {
		if (st_file_read(cx, path, &existing, &len) < 0)
			return st_cli_report(cli);
		if (st_dev_namespaces(cx, path, d.url, &ns, &nns, &multi) < 0) {
			/* an invalid schema: keep its blocks, read the URL's schema */
			st_err_clear(cx);
			ns = NULL;
			nns = 0;
			multi = false;
		}
	}
	if (st_db_connect(cx, d.url, NULL, &d.db) < 0)
		return st_cli_report(cli);
	if (!print)
		fprintf(stderr, "- Introspecting based on the datasource%s%s\n",
			path ? " defined in " : "", path ? path : "");
	if (st_introspect(cx, d.db, &(st_introspect_opts){ .namespaces = ns, .nnamespaces = nns,
			  .multi_schema = multi }, &s,
			  &extra) < 0)
		return st_cli_report(cli);
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		if (!(t->name[0] == '_' && t->columns.len == 2 && t->fks.len == 2))
			nmodels++;
	}
	if (!s->tables.len && !s->enums.len) {
		st_err_setp(cx, ST_ENOTFOUND, "P4001", "The introspected database was "
			    "empty.");
		st_err_detail(cx, "Database \"%s\", schema \"%s\" on %s:%s has no "
			      "tables or enums.", d.u.dbname, d.u.schema, d.u.host,
			      d.u.port);
		return st_cli_report(cli);
	}
	if (st_pull_render(cx, s, extra, existing, !force, &out) < 0) {
		st_strbuf_release(&out);
		return st_cli_report(cli);
	}
	if (print || !path) {
		fwrite(out.buf, 1, out.len, stdout);
	} else {
		if (st_file_write(cx, path, out.buf, out.len) < 0) {
			st_strbuf_release(&out);
			return st_cli_report(cli);
		}
		printf("✔ Introspected %zu model%s and wrote %s into %s\n", nmodels,
		       nmodels == 1 ? "" : "s", nmodels == 1 ? "it" : "them", path);
	}
	st_strbuf_release(&out);
	return ST_EXIT_OK;
}
