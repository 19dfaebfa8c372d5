/*
 * shadow.h - the shadow database: a scratch database where a migrations
 * folder is replayed to learn the schema it produces (migrate dev's drift
 * check, `migrate diff --from-migrations`).
 *
 *	st_shadow *sh;
 *	if (st_shadow_open(cx, dev_url, shadow_url, &sh) < 0)   // P3014 ...
 *		goto done;
 *	rc = st_shadow_replay(cx, sh, md, ST_SHADOW_ALL);        // P3006
 *	... st_introspect(cx, sh->db, ...) ...
 *	st_shadow_close(cx, sh);                                 // always drops
 *
 * Which database is used, in order:
 *   1. shadow_url (shadowDatabaseUrl) when given: its schema is emptied
 *      first, and it is never dropped;
 *   2. `prisma_migrate_shadow_db_<uuid>` created on the development server
 *      and dropped afterwards (DROP DATABASE ... WITH (FORCE));
 *   3. when the server refuses CREATE DATABASE and PostgreSQL's server
 *      binaries are installed here, an ephemeral local cluster in a
 *      temporary folder, stopped and deleted afterwards.
 * sh->desc says which, for the user.
 *
 * The drop happens however the process ends: st_shadow_close on the
 * normal path, an atexit handler for exit() paths, signal handlers for
 * SIGINT/SIGTERM/SIGHUP, and a watchdog process that notices when its
 * parent dies (even by SIGKILL) and drops the database itself.
 *
 * This header deliberately does not include migrate.h (its st_migration
 * is another type than the differ's); migrations folders are passed as
 * struct st_migdir.
 */
#ifndef ST_MIGRATE_SHADOW_H
#define ST_MIGRATE_SHADOW_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "util/error.h"

struct st_migdir;
struct st_schema;

#define ST_SHADOW_ALL ((size_t)-1)
#define ST_SHADOW_PREFIX "prisma_migrate_shadow_db_"

typedef enum st_shadow_kind {
	ST_SHADOW_CONFIGURED,   /* shadowDatabaseUrl */
	ST_SHADOW_CREATED,      /* created on the development server */
	ST_SHADOW_LOCAL,        /* ephemeral local cluster */
} st_shadow_kind;

typedef struct st_shadow {
	st_shadow_kind kind;
	const char *url;        /* connection URL of the shadow database */
	const char *name;       /* its database name */
	const char *desc;       /* e.g. `shadow database "prisma_..." on
				   127.0.0.1:5432 (dropped afterwards)` */
	st_db *db;              /* connected */
	int slot;               /* private: cleanup registry slot */
} st_shadow;

/*
 * Opens a shadow database (see above).  dev_url: the development
 * database's URL (its server is where the shadow is created; may be NULL
 * when shadow_url is given).  Errors: P3014 (cannot create it and no
 * local binaries), connection errors of the URLs, ST_EUSAGE when
 * shadow_url is the development database itself.
 */
int st_shadow_open(st_ctx *cx, const char *dev_url, const char *shadow_url,
		   st_shadow **out);

/*
 * Applies the first n migrations of md (ST_SHADOW_ALL: all) to the shadow
 * database, in order.  A failing migration is P3006 ("Migration `X`
 * failed to apply cleanly to the shadow database.") and its name goes to
 * *failed (may be NULL).
 */
int st_shadow_replay(st_ctx *cx, st_shadow *sh, const struct st_migdir *md,
		     size_t n, const char **failed);

/* Drops (or empties/stops) the shadow database; safe to call twice. */
void st_shadow_close(st_ctx *cx, st_shadow *sh);

/*
 * The schema a migrations folder produces: open, replay everything,
 * introspect (namespaces as in st_introspect_opts), close.
 * desc (may be NULL) receives sh->desc.
 */
int st_shadow_schema_of(st_ctx *cx, const char *dev_url,
			const char *shadow_url, const char *migrations_dir,
			const char *const *namespaces, size_t nnamespaces,
			bool multi_schema, struct st_schema **out,
			const char **desc);

/* The URL with its database name replaced (credentials and parameters
 * kept). */
char *st_url_with_dbname(st_arena *a, const char *url, const char *dbname);

#endif
