/*
 * dev.h - the development loop: `migrate dev` (Prisma's algorithm, dev.c),
 * `migrate reset` (reset.c) and `db push` (push.c).  The library never
 * prints or prompts: messages go to io->say, questions to io->confirm
 * (NULL or false when there is no terminal), and the caller decides.
 *
 *	st_dev_opts o = { .url = url, .migrations_dir = dir,
 *			  .schema_path = path, .name = "add_notes", .io = io };
 *	st_dev_result res;
 *	if (st_migrate_dev(cx, &o, &res) < 0) ...   // P3006, P3019, reset refused
 *	if (res.reset) run the seed
 *
 * This header does not include migrate.h or steps.h (both define a type
 * named st_migration); it only needs names.
 */
#ifndef ST_MIGRATE_DEV_H
#define ST_MIGRATE_DEV_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "util/error.h"
#include "util/vec.h"

typedef struct st_dev_io {
	/* Text for stdout (a whole paragraph, newlines included). */
	void (*say)(void *arg, const char *text);
	/* A yes/no question; NULL or false when not interactive. */
	bool (*confirm)(void *arg, const char *question);
	/* Asks for a migration name (TTY); NULL: not interactive. */
	const char *(*ask_name)(void *arg);
	void *arg;
} st_dev_io;

typedef struct st_dev_opts {
	const char *url;            /* development database */
	const char *shadow_url;     /* shadowDatabaseUrl, or NULL */
	const char *migrations_dir;
	const char *schema_path;    /* schema file or folder */
	const char *name;           /* --name, or NULL */
	bool create_only;
	bool accept_data_loss;      /* proceed past warnings without asking */
	bool force_reset;           /* reset without asking when needed */
	st_dev_io io;
} st_dev_opts;

typedef struct st_dev_result {
	bool created_db;            /* the database did not exist */
	bool reset;                 /* the database was reset: seed it */
	const char *created;        /* new migration's directory name, or NULL */
	const char *shadow_desc;    /* which shadow database was used */
	st_vec applied;             /* const char *: migrations applied */
} st_dev_result;

/* `migrate dev`.  Errors: P3006 (a migration does not apply on the shadow
 * database), P3010 (name too long), P3014 (shadow), P3019 (provider),
 * ST_ECANCEL (a reset is needed and was not allowed: the detail gives
 * Prisma's reasons; or warnings declined at the prompt), ST_ECONFLICT
 * (warnings without a terminal and without accept_data_loss; or the
 * migration folder exists), ST_EUSAGE (unexecutable steps: the message
 * lists them). */
int st_migrate_dev(st_ctx *cx, const st_dev_opts *o, st_dev_result *res);

/*
 * Drops and recreates the namespaces (DROP SCHEMA ... CASCADE; CREATE
 * SCHEMA), which also removes the history table.  NULL/0 namespaces: the
 * connection's schema.
 */
int st_db_reset_schemas(st_ctx *cx, st_db *db, const char *const *namespaces,
			size_t n);

/* `migrate reset`: reset, then apply every migration (names in
 * res->applied). */
int st_migrate_reset(st_ctx *cx, const st_dev_opts *o, st_dev_result *res);

typedef struct st_push_result {
	size_t nsteps;
	bool reset;
	bool applied;               /* statements were executed */
	st_vec warnings;            /* const char * */
	st_vec unexecutable;        /* const char * */
} st_push_result;

/*
 * `db push`: schema -> database directly.  Nothing is applied when there
 * are unexecutable steps (ST_EUSAGE) or warnings without
 * accept_data_loss / confirmation (ST_ECANCEL); force_reset resets
 * first.
 */
int st_db_push(st_ctx *cx, const st_dev_opts *o, st_push_result *res);

/* ==== schema sources with a database behind them (devsource.c) ==== */

struct st_schema;

typedef enum st_dev_src_kind {
	ST_DEV_SRC_EMPTY,
	ST_DEV_SRC_SCHEMA,       /* schema file or folder */
	ST_DEV_SRC_URL,          /* a live database: introspection */
	ST_DEV_SRC_MIGRATIONS,   /* a migrations folder replayed on a shadow */
} st_dev_src_kind;

typedef struct st_dev_src {
	st_dev_src_kind kind;
	const char *arg;         /* path or URL */
	const char *dev_url;     /* MIGRATIONS: server for the shadow database */
	const char *shadow_url;  /* MIGRATIONS: shadowDatabaseUrl, or NULL */
	const char *desc;        /* out: which shadow database was used */
} st_dev_src;

/*
 * Loads both sides of a comparison (`migrate diff`).  Schema sides are
 * read first: when one side is a schema, a database side is introspected
 * with its namespaces (`schemas = [...]`) and its partial indexes are
 * reconciled with it the way Prisma does (st_introspect_reconcile_partial).
 * Errors: those of the schema reader, connection errors, P3006, P3014.
 */
int st_dev_load_pair(st_ctx *cx, st_dev_src *from, st_dev_src *to,
		     struct st_schema **from_out, struct st_schema **to_out);

/* Prisma's migration name slug: "Add OrderNotes!" -> "add_order_notes". */
char *st_migration_slug(st_arena *a, const char *name);

/* Namespaces a schema file uses (its datasource `schemas`, else the
 * URL's schema) and whether it is multi-schema. */
int st_dev_namespaces(st_ctx *cx, const char *schema_path, const char *url,
		      const char *const **ns, size_t *n, bool *multi);

#endif
