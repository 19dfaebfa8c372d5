/*
 * project.h - where a project's files are and which database it talks to.
 *
 * Every command that reads the schema or touches the database starts with
 *
 *	st_project_opts po = { 0 };          // filled by ST_PROJECT_OPT_ROWS
 *	st_project *p;
 *	if (st_project_load(cli->cx, &po, &p) < 0)
 *		return st_cli_report(cli);
 *	... p->sources (st_source *, sorted) ...
 *	const char *url;
 *	if (st_project_url(cli->cx, p, &url) < 0)   // only when a database is needed
 *		return st_cli_report(cli);
 *
 * Schema location, in Prisma's order when --schema is not given:
 * prisma.config.ts `schema`, package.json "prisma": {"schema": ...},
 * ./prisma/schema.prisma, ./schema.prisma, ./prisma/schema/ (a folder: every
 * .prisma file in it, recursively).  prisma.config.ts is read statically
 * (string literals, env("X"), process.env.X); it is never executed.
 *
 * Everything lives in cx's arena.  Errors: ST_ENOTFOUND (schema missing; the
 * detail lists the paths tried), ST_EUSAGE (a config value strata cannot
 * read statically: the message names the key and the flag to use instead),
 * ST_ERROR (unreadable files).  This header only grows (additive changes).
 */
#ifndef ST_CLI_PROJECT_H
#define ST_CLI_PROJECT_H

#include <stdbool.h>

#include "util/diag.h"
#include "util/error.h"
#include "util/vec.h"

typedef struct st_project_opts {
	const char *schema;     /* --schema PATH (file or folder), or NULL */
	const char *migrations; /* --migrations DIR, or NULL */
	const char *url;        /* --url URL, or NULL */
	const char *config;     /* --config PATH (prisma.config.ts), or NULL */
	const char *cwd;        /* working directory; NULL means "." */
	bool no_schema_ok;      /* a missing schema is not an error (sources empty;
				   e.g. `db execute --url`, `migrate deploy
				   --migrations DIR --url URL`) */
} st_project_opts;

typedef enum st_url_origin {
	ST_URL_NONE = 0,
	ST_URL_FLAG,            /* --url */
	ST_URL_CONFIG,          /* prisma.config.ts datasource.url */
	ST_URL_SCHEMA_ENV,      /* datasource url = env("X") */
	ST_URL_SCHEMA_LITERAL,  /* datasource url = "postgresql://..." */
	ST_URL_DATABASE_URL,    /* DATABASE_URL fallback */
	ST_URL_LOCALDB,         /* the project's running `strata db start` db */
} st_url_origin;

typedef struct st_project {
	const char *dir;            /* project root: the config file's folder,
				       else the working directory */
	const char *schema_path;    /* file or folder; NULL when none found and
				       no_schema_ok */
	bool schema_is_dir;
	const char *schema_from;    /* "--schema", "prisma.config.ts",
				       "package.json", "default location" */
	st_vec sources;             /* st_source *, the .prisma files sorted by
				       path (one for a single-file schema) */
	const char *config_path;    /* prisma.config.ts used, or NULL */
	const char *migrations_dir; /* --migrations, config migrations.path, or
				       the default beside the schema */
	const char *seed;           /* migrations.seed (config) or package.json
				       "prisma": {"seed": ...}, or NULL */
	const char *shadow_url;     /* config datasource.shadowDatabaseUrl, or NULL */

	/* Filled by st_project_url(); NULL / ST_URL_NONE before. */
	const char *url;
	st_url_origin url_origin;
	const char *url_origin_text; /* "--url", "env DATABASE_URL from .env", ... */

	/* private */
	const char *opt_url;
	const char *cfg_url;        /* config datasource.url, resolved */
	const char *cwd;
	st_vec env_files;           /* .env paths to consult, in order */
	struct cfg_val *cfg;        /* parsed prisma.config.ts, or NULL */

	/* Filled by st_project_datasource() (also called by st_project_url). */
	bool ds_scanned;
	const char *ds_name;        /* datasource block name, "db" by default */
	const char *provider;       /* "postgresql", "postgres" ..., or NULL */
	const char *ds_url_env;     /* url = env("X"): X */
	const char *ds_url_literal; /* url = "..." */
	const char *ds_path;        /* file holding the datasource block */
	const char *ds_url_key;     /* "directUrl" when set (Prisma Migrate
				       uses it), else "url" */
} st_project;

/* Finds the schema, reads its files, and settles the migrations folder. */
int st_project_load(st_ctx *cx, const st_project_opts *opts,
		    st_project **out);

/*
 * The migrations folder (p->migrations_dir).  ST_EUSAGE when
 * prisma.config.ts computes migrations.path in a way strata cannot read
 * (the message says to pass --migrations DIR).
 */
int st_project_migrations(st_ctx *cx, st_project *p, const char **out);

/* The seed command (migrations.seed, else package.json prisma.seed), or
 * NULL; ST_EUSAGE when the config computes it. */
int st_project_seed(st_ctx *cx, st_project *p, const char **out);

/*
 * Resolves the database URL: --url, else prisma.config.ts datasource.url,
 * else the schema's datasource `url = env("X")` or string, else
 * DATABASE_URL, else the project's running local database.  Env vars come
 * from the environment, else from .env beside the schema, else from .env in
 * the working directory.  ST_ENOTFOUND with a hint when nothing is set.
 * Sets p->url and p->url_origin*; *out = p->url.
 */
int st_project_url(st_ctx *cx, st_project *p, const char **out);

/* Reads the datasource block (name, provider, url) from the parsed
 * schema; syntax errors elsewhere are ignored.  Never fails. */
void st_project_datasource(st_ctx *cx, st_project *p);

/* An environment variable: the process environment first, then the
 * project's .env files.  NULL when unset.  *from (may be NULL) is set to
 * "environment" or the .env path. */
const char *st_project_env(st_ctx *cx, st_project *p, const char *name,
			   const char **from);

/* Option-table rows for the common flags (use inside an st_opt table). */
#define ST_PROJECT_OPT_SCHEMA(po) \
	{ "schema", 0, ST_OPT_STRING, &(po).schema, "PATH", \
	  "Schema file or folder (default: Prisma's locations)" }
#define ST_PROJECT_OPT_CONFIG(po) \
	{ "config", 0, ST_OPT_STRING, &(po).config, "PATH", \
	  "prisma.config.ts to read (default: ./prisma.config.ts)" }
#define ST_PROJECT_OPT_MIGRATIONS(po) \
	{ "migrations", 0, ST_OPT_STRING, &(po).migrations, "DIR", \
	  "Migrations folder (default: migrations/ beside the schema)" }
#define ST_PROJECT_OPT_URL(po) \
	{ "url", 0, ST_OPT_STRING, &(po).url, "URL", \
	  "Database URL (default: the datasource's url, DATABASE_URL)" }

#endif
