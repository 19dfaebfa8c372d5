/*
 * migrate.h - Prisma-compatible migration history: the migrations folder
 * (dir.c), the _prisma_migrations table (history.c), applying pending
 * migrations under Prisma's advisory lock (runner.c), the status report
 * (status.c) and `resolve` (resolve.c).
 *
 *	st_migdir *md;  st_db *db;  st_deploy_result res;
 *	if (st_migdir_read(cx, "prisma/migrations", &md) < 0 ||
 *	    st_db_connect(cx, url, &(st_db_opts){ .create_missing = true }, &db) < 0 ||
 *	    st_migrate_deploy(cx, db, md, NULL, &res) < 0)
 *		goto done;     // cx: P1002, P3005, P3009, P3018 ...
 *
 * Everything lives in cx's arena.  Error codes carry Prisma's P-codes.
 */
#ifndef ST_MIGRATE_MIGRATE_H
#define ST_MIGRATE_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "util/error.h"
#include "util/vec.h"

/* Prisma's advisory lock key (so strata and Prisma exclude each other). */
#define ST_MIGRATE_LOCK_KEY 72707369
#define ST_MIGRATE_LOCK_TIMEOUT_MS 10000
#define ST_MIGRATE_TABLE "_prisma_migrations"
#define ST_STRINGIFY_(x) #x
#define ST_STRINGIFY(x) ST_STRINGIFY_(x)

/* ==== dir.c: the migrations folder ==== */

typedef struct st_migration {
	const char *name;     /* directory name */
	const char *path;     /* <dir>/<name>/migration.sql */
	const char *sql;      /* file bytes, NUL-terminated */
	size_t len;
	char checksum[65];    /* lowercase hex SHA-256 of the bytes */
} st_migration;

typedef struct st_migdir {
	const char *path;
	bool exists;
	st_vec migrations;    /* st_migration *, by name (bytewise) */
	const char *lock_provider; /* from migration_lock.toml, or NULL */
} st_migdir;

/*
 * Reads every <path>/<name>/migration.sql.  A missing folder is an empty
 * history (exists = false).  A subdirectory without migration.sql is
 * P3015.  Migrations are ordered by name, bytewise.
 */
int st_migdir_read(st_ctx *cx, const char *path, st_migdir **out);
/* P3019 when migration_lock.toml names another provider ("postgres" and
 * "postgresql" are the same). */
int st_migdir_check_provider(st_ctx *cx, const st_migdir *md,
			     const char *provider);
/* Writes migration_lock.toml in Prisma's format. */
int st_migdir_write_lock(st_ctx *cx, const char *path, const char *provider);
st_migration *st_migdir_find(const st_migdir *md, const char *name);

/* SHA-256 of data as 64 lowercase hex digits + NUL. */
void st_sha256_hex(const void *data, size_t len, char out[65]);
/* A random UUID v4 string (36 chars + NUL). */
void st_uuid_v4(char out[37]);

/* ==== history.c: _prisma_migrations ==== */

typedef struct st_histrow {
	const char *id;
	const char *checksum;
	const char *finished_at;    /* NULL: not finished */
	const char *migration_name;
	const char *logs;
	const char *rolled_back_at; /* NULL: not rolled back */
	const char *started_at;
	int applied_steps_count;
} st_histrow;

#define ST_HISTROW_FAILED(r) (!(r)->finished_at && !(r)->rolled_back_at)
#define ST_HISTROW_APPLIED(r) ((r)->finished_at && !(r)->rolled_back_at)

/* "schema"."_prisma_migrations" for the connection's schema. */
const char *st_history_table(st_ctx *cx, const st_db *db);
int st_history_exists(st_ctx *cx, st_db *db, bool *out);
/* Whether the schema has tables other than _prisma_migrations. */
int st_history_schema_nonempty(st_ctx *cx, st_db *db, bool *out);
/* CREATE SCHEMA IF NOT EXISTS + the table with Prisma's exact DDL. */
int st_history_create(st_ctx *cx, st_db *db);
/* All rows, oldest first (ORDER BY started_at), as st_histrow *. */
int st_history_load(st_ctx *cx, st_db *db, st_vec *out);

/* Takes the advisory lock by polling pg_try_advisory_lock with backoff
 * (never blocks in the server, so it cannot deadlock with CREATE INDEX
 * CONCURRENTLY).  P1002 after timeout_ms. */
int st_migrate_lock(st_ctx *cx, st_db *db, int timeout_ms);
int st_migrate_unlock(st_ctx *cx, st_db *db);

/* ==== runner.c: deploy ==== */

typedef enum st_apply_mode {
	ST_APPLY_TXN,        /* one transaction: row + script + finish */
	ST_APPLY_SCRIPT,     /* the whole file as one simple query, outside a
				transaction block (own BEGIN/COMMIT, or a single
				statement that cannot run in a transaction) */
	ST_APPLY_STEPS,      /* statement groups, progress in
				applied_steps_count */
} st_apply_mode;

typedef enum st_deploy_event_kind {
	ST_DEPLOY_APPLYING,
	ST_DEPLOY_APPLIED,
	ST_DEPLOY_FAILED,
} st_deploy_event_kind;

typedef struct st_deploy_event {
	st_deploy_event_kind kind;
	const st_migration *migration;
	st_apply_mode mode;
	double ms;           /* APPLIED / FAILED: duration */
} st_deploy_event;

typedef struct st_deploy_opts {
	int lock_timeout_ms;      /* 0: ST_MIGRATE_LOCK_TIMEOUT_MS */
	void (*on_event)(void *arg, const st_deploy_event *ev);
	void *arg;
} st_deploy_opts;

typedef struct st_deploy_result {
	size_t found;             /* migrations in the folder */
	st_vec applied;           /* st_migration * applied by this run */
	st_vec durations;         /* double * ms, parallel to applied */
	const st_migration *failed; /* the migration that failed, or NULL */
	const char *failed_logs;  /* what went into its row's logs */
	const char *failed_sqlstate;
} st_deploy_result;

/*
 * Applies pending migrations (no row, or only rolled-back rows), in order,
 * each atomically when PostgreSQL allows it.  Errors: P1002 (lock),
 * P3005 (non-empty schema without history), P3009 (a failed migration is
 * recorded), P3018 (a migration failed: recorded, earlier ones of the run
 * stay applied; res->failed is set).
 */
int st_migrate_deploy(st_ctx *cx, st_db *db, const st_migdir *md,
		      const st_deploy_opts *opts, st_deploy_result *res);

/* How a script would be applied, and why (for --json and tests). */
int st_migrate_plan(st_ctx *cx, const char *sql, size_t len,
		    st_apply_mode *mode, const char **why);

/* ==== status.c ==== */

typedef enum st_status_state {
	ST_STATUS_UP_TO_DATE,
	ST_STATUS_PENDING,
	ST_STATUS_FAILED,
	ST_STATUS_DIVERGED,
	ST_STATUS_NOT_MANAGED,
} st_status_state;

typedef struct st_status {
	st_status_state state;
	bool has_table;
	size_t found;
	st_vec pending;          /* st_migration *: local, never applied */
	st_vec failed;           /* st_histrow *: failed rows */
	st_vec missing_locally;  /* const char *: applied names not in folder */
	st_vec edited;           /* st_migration *: applied, checksum differs */
	const char *last_common; /* DIVERGED: last name in both, or NULL */
	st_vec rows;             /* st_histrow * */
} st_status;

int st_migrate_status(st_ctx *cx, st_db *db, const st_migdir *md,
		      st_status *out);

/* ==== resolve.c ==== */

/* --applied: P3017 (not in folder), P3008 (already applied). */
int st_migrate_resolve_applied(st_ctx *cx, st_db *db, const st_migdir *md,
			       const char *name, int lock_timeout_ms);
/* --rolled-back: P3011 (never applied), P3012 (not failed). */
int st_migrate_resolve_rolled_back(st_ctx *cx, st_db *db, const char *name,
				   int lock_timeout_ms);

#endif
