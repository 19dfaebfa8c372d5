/*
 * cmd_db_pull.c - `strata db pull [--print] [--force]`: introspects the
 * database (sqlschema/introspect.c) and writes schema.prisma as Prisma's
 * `db pull` does (sqlschema/pull.c), keeping the generator and datasource
 * blocks and, unless --force, the model and field names already chosen.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/devcli.h"
#include "psl/model.h"
#include "psl/psl.h"
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

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Prisma's --print form of the warnings: on stderr, every line behind
 * "// " so that the block can be pasted into the schema. */
static void
print_warnings_commented(const st_strbuf *w)
{
	const char *p = w->buf;

	fputs("\n", stderr);
	for (;;) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "// %.*s", (int)n, p);
		if (!p[n])
			break;
		fputs("\n", stderr);
		p += n + 1;
	}
	fputs("\n", stderr);
}

/*
 * The namespaces to introspect: with `schemas = [...]` in the datasource,
 * every one listed, whether or not a model uses it yet (Prisma's db pull
 * reads them all; st_dev_namespaces leaves out an unused "public", which
 * is right for migrate only); otherwise none, i.e. the URL's ?schema=.
 * A schema that does not validate counts as single-schema (*invalid set:
 * db pull refuses it, unless --force, which still keeps its blocks).  The
 * validation runs in a context of its own so that its diagnostics do not
 * reach the user.
 */
static void
pull_namespaces(st_ctx *cx, const st_project *p, const char *const **ns,
		size_t *n, bool *multi, bool *invalid)
{
	st_ctx *pcx = st_ctx_new(cx->arena);
	st_psl_schema *ast = NULL;
	st_psl_model *pm = NULL;
	const st_psl_datasource *ds;

	*ns = NULL;
	*n = 0;
	*multi = false;
	*invalid = p->sources.len &&
		   (st_psl_parse_schema(pcx, (st_source **)p->sources.items,
					p->sources.len, &ast) < 0 ||
		    st_psl_validate(pcx, ast, &pm) < 0);
	if (!*invalid && pm && (ds = pm->datasource) && ds->nschemas) {
		const char **v = st_alloc_array(cx->arena, ds->nschemas, sizeof(*v));

		for (size_t i = 0; i < ds->nschemas; i++)
			v[i] = st_strdup(cx->arena, ds->schemas[i]);
		*ns = v;
		*n = ds->nschemas;
		*multi = true;
	}
	st_ctx_free(pcx);
}

/*
 * Prisma's refusal of an existing schema file that does not validate
 * (P1012, exit 1): the spinner line turns into a failure (with --print,
 * a lone newline), then its diagnostics and its advice.  The validation
 * runs again, in cx this time, for the diagnostics.
 */
static int
refuse_invalid(st_cli *cli, const st_project *p, bool print, const char *path)
{
	st_ctx *cx = cli->cx;
	st_psl_schema *ast = NULL;
	st_psl_model *pm = NULL;

	if (print)
		fputs("\n", stdout);
	else
		printf("✖ Introspecting based on datasource defined in %s\n\n", path);
	fflush(stdout);
	if (st_psl_parse_schema(cx, (st_source **)p->sources.items, p->sources.len,
				&ast) == 0)
		st_psl_validate(cx, ast, &pm);
	st_diag_sort(cx);
	st_err_clear(cx);
	st_err_setp(cx, ST_EPARSE, "P1012", "Introspection failed as your current "
		    "Prisma schema file is invalid");
	st_err_hint(cx, "Please fix your current schema manually (using either "
		    "prisma validate or the Prisma VS Code extension to understand "
		    "what's broken and confirm you fixed it), and then run this "
		    "command again.\nOr run this command with the --force flag to "
		    "ignore your current schema and overwrite it. All local "
		    "modifications will be lost.");
	return st_cli_report(cli);
}

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
	bool multi = false, invalid = false;
	char *existing = NULL;
	size_t len;
	st_schema *s;
	st_introspect_extra *extra;
	st_strbuf out = ST_STRBUF_INIT, warnings = ST_STRBUF_INIT;
	const char *path;
	long started;
	int rc;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, NULL);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	d.po.no_schema_ok = true;
	if (st_project_load(cx, &d.po, &d.p) < 0 ||
	    st_project_url(cx, d.p, &d.url) < 0 ||
	    st_dburl_parse(cx, d.url, &d.u) < 0)
		return st_cli_report(cli);
	/* with --print, Prisma writes only the schema (stdout) and the
	 * warnings (stderr) */
	st_project_datasource(cx, d.p);
	if (d.p->schema_path && !print)
		fprintf(stderr, "Prisma schema loaded from %s.\n", d.p->schema_path);
	pull_namespaces(cx, d.p, &ns, &nns, &multi, &invalid);
	if (!print) {
		printf("Datasource \"%s\": PostgreSQL database \"%s\", schema%s \"",
		       d.p->ds_name ? d.p->ds_name : "db", d.u.dbname, multi ? "s" : "");
		if (multi)
			for (size_t i = 0; i < nns; i++)
				printf("%s%s", i ? ", " : "", ns[i]);
		else
			fputs(d.u.schema, stdout);
		printf("\" at \"%s:%s\"\n\n", d.u.host, d.u.port);
		fflush(stdout);
	}
	path = d.p->schema_path;
	if (path && d.p->schema_is_dir) {
		st_err_set(cx, ST_EUSAGE, "db pull cannot write into a schema folder");
		st_err_hint(cx, "Use --print, or --schema with a single file.");
		return st_cli_report(cli);
	}
	if (path && st_path_is_file(path)) {
		if (st_file_read(cx, path, &existing, &len) < 0)
			return st_cli_report(cli);
	}
	if (st_db_connect(cx, d.url, NULL, &d.db) < 0)
		return st_cli_report(cli);
	started = now_ms();
	if (!print) {
		printf("- Introspecting based on datasource%s%s\n",
		       path ? " defined in " : "", path ? path : "");
		fflush(stdout);
	}
	if (existing && invalid && !force)
		return refuse_invalid(cli, d.p, print, path);
	if (st_introspect(cx, d.db, &(st_introspect_opts){ .namespaces = ns, .nnamespaces = nns,
			  .multi_schema = multi, .parallel_url = d.url }, &s,
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
	if (st_pull_render_warn(cx, s, extra, existing, !force, &out, &warnings) < 0) {
		st_strbuf_release(&out);
		st_strbuf_release(&warnings);
		return st_cli_report(cli);
	}
	if (print || !path) {
		/* Prisma's --print ends with two more newlines */
		fwrite(out.buf, 1, out.len, stdout);
		fputs("\n\n", stdout);
		fflush(stdout);
		if (warnings.len)
			print_warnings_commented(&warnings);
	} else {
		if (st_file_write(cx, path, out.buf, out.len) < 0) {
			st_strbuf_release(&out);
			st_strbuf_release(&warnings);
			return st_cli_report(cli);
		}
		/* Prisma's lines, the time included (6 spaces on the next) */
		printf("✔ Introspected %zu model%s and wrote %s into %s in %ldms\n"
		       "      \n", nmodels, nmodels == 1 ? "" : "s",
		       nmodels == 1 ? "it" : "them", path, now_ms() - started);
		if (warnings.len)
			printf("%s\n", warnings.buf);
		printf("Run prisma generate to generate Prisma Client.\n\n");
	}
	st_strbuf_release(&out);
	st_strbuf_release(&warnings);
	return ST_EXIT_OK;
}
