/*
 * history.c - the _prisma_migrations table, exactly as Prisma has it, and
 * the advisory lock every writer (Prisma or strata) takes first.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/migrate.h"

const char *
st_history_table(st_ctx *cx, const st_db *db)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, cx->arena);
	st_sql_qualified(&sb, db->url.schema, ST_MIGRATE_TABLE);
	return sb.buf;
}

/* Whether the schema has a table (plain or partitioned) named (op "=")
 * or not named (op "<>") like the history table. */
static int
table_exists(st_ctx *cx, st_db *db, const char *op, bool *out)
{
	st_dbres *r;
	const char *p[] = { db->url.schema, ST_MIGRATE_TABLE };
	int rc = st_db_query(cx, db, &r,
			     st_strfmt(cx->arena,
				       "SELECT 1 FROM pg_catalog.pg_class c JOIN "
				       "pg_catalog.pg_namespace n ON n.oid = "
				       "c.relnamespace WHERE n.nspname = $1 AND "
				       "c.relname %s $2 AND c.relkind IN ('r', 'p') "
				       "LIMIT 1", op),
			     2, p);

	if (rc < 0)
		return rc;
	*out = r->nrows > 0;
	return 0;
}

int
st_history_exists(st_ctx *cx, st_db *db, bool *out)
{
	return table_exists(cx, db, "=", out);
}

int
st_history_schema_nonempty(st_ctx *cx, st_db *db, bool *out)
{
	return table_exists(cx, db, "<>", out);
}

int
st_history_create(st_ctx *cx, st_db *db)
{
	st_strbuf sql;

	st_strbuf_init_arena(&sql, cx->arena);
	st_strbuf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
	st_sql_ident(&sql, db->url.schema);
	st_strbuf_adds(&sql, ";\nCREATE TABLE ");
	st_strbuf_adds(&sql, st_history_table(cx, db));
	st_strbuf_adds(&sql,
		       " (\n"
		       "    id                      VARCHAR(36) PRIMARY KEY NOT NULL,\n"
		       "    checksum                VARCHAR(64) NOT NULL,\n"
		       "    finished_at             TIMESTAMPTZ,\n"
		       "    migration_name          VARCHAR(255) NOT NULL,\n"
		       "    logs                    TEXT,\n"
		       "    rolled_back_at          TIMESTAMPTZ,\n"
		       "    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
		       "    applied_steps_count     INTEGER NOT NULL DEFAULT 0\n"
		       ");");
	return st_db_exec(cx, db, sql.buf);
}

int
st_history_load(st_ctx *cx, st_db *db, st_vec *out)
{
	st_dbres *r;
	const char *sql = st_strfmt(
		cx->arena,
		"SELECT id, checksum, finished_at, migration_name, logs, "
		"rolled_back_at, to_char(started_at AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD HH24:MI:SS.US') || ' UTC', applied_steps_count FROM %s "
		"ORDER BY started_at ASC",
		st_history_table(cx, db));
	int rc = st_db_query(cx, db, &r, sql, 0, NULL);

	st_vec_init(out, cx->arena);
	if (rc < 0)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		st_histrow *h = st_alloc(cx->arena, sizeof(*h));

		h->id = st_dbres_get(r, i, 0);
		h->checksum = st_dbres_get(r, i, 1);
		h->finished_at = st_dbres_get(r, i, 2);
		h->migration_name = st_dbres_get(r, i, 3);
		h->logs = st_dbres_get(r, i, 4);
		h->rolled_back_at = st_dbres_get(r, i, 5);
		h->started_at = st_dbres_get(r, i, 6);
		h->applied_steps_count = atoi(st_dbres_get(r, i, 7));
		st_vec_push(out, h);
	}
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int
st_migrate_lock(st_ctx *cx, st_db *db, int timeout_ms)
{
	double start = now_ms();
	long sleep_us = 2000;
	const char *key = ST_STRINGIFY(ST_MIGRATE_LOCK_KEY);
	int rc;

	if (timeout_ms <= 0)
		timeout_ms = ST_MIGRATE_LOCK_TIMEOUT_MS;
	for (;;) {
		st_dbres *r;
		const char *p[] = { key };

		/* each poll is its own short statement: a waiting deployer
		 * holds no snapshot that CREATE INDEX CONCURRENTLY would wait
		 * for */
		if ((rc = st_db_query(cx, db, &r,
				      "SELECT pg_try_advisory_lock($1::bigint)", 1,
				      p)) < 0)
			return rc;
		if (!strcmp(st_dbres_get(r, 0, 0), "t"))
			return 0;
		if (now_ms() - start >= timeout_ms)
			break;
		{
			double left = timeout_ms - (now_ms() - start);
			long us = sleep_us;
			struct timespec ts;

			if (us / 1000.0 > left)
				us = (long)(left * 1000) + 1;
			ts.tv_sec = us / 1000000;
			ts.tv_nsec = (us % 1000000) * 1000;
			nanosleep(&ts, NULL);
		}
		if (sleep_us < 200000)
			sleep_us = sleep_us * 3 / 2;
	}
	st_err_setp(cx, ST_ECONFLICT, "P1002",
		    "The database server at `%s`:`%s` was reached but timed out.",
		    db->url.host, db->url.port);
	st_err_detail(cx, "Timed out trying to acquire a postgres advisory lock "
		      "(SELECT pg_advisory_lock(%d)). Timeout: %dms. See "
		      "https://pris.ly/d/migrate-advisory-locking for details.",
		      ST_MIGRATE_LOCK_KEY, timeout_ms);
	st_err_hint(cx, "Another `migrate deploy` or `migrate resolve` (strata or "
		    "Prisma) holds the lock. Please try again, or raise the wait "
		    "with --lock-timeout or STRATA_LOCK_TIMEOUT (milliseconds).");
	return ST_ECONFLICT;
}

int
st_migrate_unlock(st_ctx *cx, st_db *db)
{
	const char *p[] = { ST_STRINGIFY(ST_MIGRATE_LOCK_KEY) };

	return st_db_query(cx, db, NULL, "SELECT pg_advisory_unlock($1::bigint)",
			   1, p);
}
