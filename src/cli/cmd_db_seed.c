/*
 * cmd_db_seed.c - `strata db seed [--name NAME] [-- ARGS]`: runs the
 * project's seed (migrate/seed.c).  Which seed, in order: --name NAME is
 * seeds/NAME.sql; else the seed command (prisma.config.ts migrations.seed
 * read statically, or package.json "prisma": {"seed": ...}); else seed.sql.
 * SQL seeds live in the folder that holds migrations/ (prisma/ usually).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/project.h"
#include "migrate/seed.h"
#include "util/fs.h"
#include "util/url.h"

static const st_cmd_help help = {
	"strata db seed [--name NAME] [-- ARGS...]",
	"Fill the database with seed data",
	"Runs the seed command from package.json (\"prisma\": {\"seed\": \"...\"})\n"
	"or prisma.config.ts (migrations.seed, read without running TypeScript)\n"
	"through sh -c, with DATABASE_URL set and ARGS appended; without one, runs\n"
	"prisma/seed.sql.  --name NAME runs prisma/seeds/NAME.sql instead.\n"
	"SQL seeds run in one transaction (all or nothing).  ${VAR} and\n"
	"${VAR:-default} in them are replaced by the variable's value from the\n"
	"environment or .env, as a quoted SQL string literal.",
	"  strata db seed\n"
	"  SEED_ADMIN_EMAIL=me@shop.test strata db seed\n"
	"  strata db seed --name restore-settings\n"
	"  strata db seed -- --environment staging",
};

static const char *
env_lookup(void *arg, const char *name)
{
	void **a = arg;

	return st_project_env(a[0], a[1], name, NULL);
}

/* The folder that holds migrations/, seed.sql and seeds/. */
static const char *
seed_dir(st_ctx *cx, st_project *p)
{
	const char *m = NULL;

	if (st_project_migrations(cx, p, &m) == 0 && m)
		return st_path_dirname(cx->arena, m);
	st_err_clear(cx);
	if (p->schema_path)
		return st_path_dirname(cx->arena, p->schema_path);
	if (st_path_is_dir(st_path_join(cx->arena, p->dir, "prisma")))
		return st_path_join(cx->arena, p->dir, "prisma");
	return p->dir;
}

static bool
valid_name(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || *n == '\\')
			return false;
	return true;
}

/* "restore-settings, demo" from the .sql files in dir, or NULL. */
static char *
list_seeds(st_ctx *cx, const char *dir)
{
	st_vec names = ST_VEC_INIT(cx->arena);
	st_strbuf sb;

	st_strbuf_init_arena(&sb, cx->arena);
	if (st_dir_list(cx, dir, &names) < 0) {
		st_err_clear(cx);
		return NULL;
	}
	for (size_t i = 0; i < names.len; i++) {
		const char *n = names.items[i];
		size_t len = strlen(n);

		if (len > 4 && !strcmp(n + len - 4, ".sql"))
			st_strbuf_addf(&sb, "%s%.*s", sb.len ? ", " : "",
				       (int)(len - 4), n);
	}
	return sb.len ? sb.buf : NULL;
}

static int
run_sql(st_cli *cli, st_project *p, const char *path)
{
	st_ctx *cx = cli->cx;
	const char *url;
	void *arg[2] = { cx, p };
	int nstmt = 0;

	if (st_project_url(cx, p, &url) < 0)
		return st_cli_report(cli);
	printf("Running seed %s on %s ...\n", strncmp(path, "./", 2) ? path : path + 2,
	       st_url_redact(cx->arena, url));
	fflush(stdout);
	if (st_seed_run_sql(cx, url, path, env_lookup, arg, &nstmt) < 0) {
		bool in_db = cx->err == ST_EDB;

		st_cli_report(cli);
		if (in_db)
			fprintf(stderr, "The seed was rolled back: nothing was "
				"changed.\n");
		return ST_EXIT_FAIL;
	}
	printf("\xf0\x9f\x8c\xb1  The seed has been applied (%d statement%s, one "
	       "transaction).\n", nstmt, nstmt == 1 ? "" : "s");
	return ST_EXIT_OK;
}

int
cmd_db_seed(st_cli *cli, int argc, char **argv)
{
	st_ctx *cx = cli->cx;
	st_project_opts po = { 0 };
	const char *name = NULL;
	const st_opt opts[] = {
		{ "name", 'n', ST_OPT_STRING, &name, "NAME",
		  "Run the named seed seeds/NAME.sql" },
		ST_PROJECT_OPT_SCHEMA(po),
		ST_PROJECT_OPT_CONFIG(po),
		ST_PROJECT_OPT_MIGRATIONS(po),
		ST_PROJECT_OPT_URL(po),
		{ NULL, 0, 0, NULL, NULL, NULL },
	};
	st_vec rest = ST_VEC_INIT(cx->arena);
	st_project *p;
	const char *dir, *command = NULL, *path;
	int rc, status = 0;

	rc = st_opt_parse(cli, &help, opts, argc, argv, NULL, &rest);
	if (rc != ST_OPT_OK)
		return rc == ST_OPT_HELP ? ST_EXIT_OK : ST_EXIT_USAGE;
	if (name && !valid_name(name))
		return st_cli_usage_error(cli, "invalid seed name \"%s\"", name);
	po.no_schema_ok = true;
	if (st_project_load(cx, &po, &p) < 0)
		return st_cli_report(cli);
	dir = seed_dir(cx, p);

	if (name) {
		path = st_path_join(cx->arena, dir,
				    st_strfmt(cx->arena, "seeds/%s.sql", name));
		if (!st_path_is_file(path)) {
			char *have = list_seeds(cx, st_path_join(cx->arena, dir, "seeds"));

			st_err_set(cx, ST_ENOTFOUND, "seed \"%s\" not found", name);
			st_err_detail(cx, "strata looked for %s.", path);
			if (have)
				st_err_hint(cx, "Named seeds here: %s.", have);
			else
				st_err_hint(cx, "Write the seed as %s.", path);
			return st_cli_report(cli);
		}
		if (rest.len)
			return st_cli_usage_error(cli, "arguments after -- go to seed "
						  "commands; SQL seeds read ${VAR} "
						  "from the environment");
		return run_sql(cli, p, path);
	}

	if (st_project_seed(cx, p, &command) < 0)
		return st_cli_report(cli);
	if (command && *command) {
		const char *url = NULL;

		if (st_project_url(cx, p, &url) < 0) {
			st_err_clear(cx); /* the command may find its database itself */
			url = NULL;
		}
		printf("Running seed command `%s` ...\n", command);
		fflush(stdout);
		if (st_seed_run_command(cx, command, p->dir, url,
					(const char *const *)rest.items, rest.len,
					&status) < 0)
			return st_cli_report(cli);
		if (status != 0) {
			fprintf(stderr, "\nAn error occurred while running the seed "
				"command:\n");
			st_err_set(cx, ST_ERROR, "seed command `%s` exited with code %d",
				   command, status);
			return st_cli_report(cli);
		}
		printf("\n\xf0\x9f\x8c\xb1  The seed command has been executed.\n");
		return ST_EXIT_OK;
	}

	path = st_path_join(cx->arena, dir, "seed.sql");
	if (st_path_is_file(path)) {
		if (rest.len)
			return st_cli_usage_error(cli, "arguments after -- go to seed "
						  "commands; SQL seeds read ${VAR} "
						  "from the environment");
		return run_sql(cli, p, path);
	}
	st_cli_warn(cli, "no seed is configured");
	fprintf(stderr, "strata looked for \"prisma\": {\"seed\": \"...\"} in "
		"package.json, migrations.seed in prisma.config.ts, and %s.\n"
		"Add a seed command, e.g. \"prisma\": {\"seed\": \"node "
		"prisma/seed.js\"}, or write %s.\n", path, path);
	return ST_EXIT_OK;
}
