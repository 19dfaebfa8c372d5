/*
 * resolve.c - `migrate resolve`: recording by hand that a migration was
 * applied (baselining, or a failed one finished manually) or rolled back,
 * with Prisma's semantics and errors (P3008, P3011, P3012, P3017).
 */
#include <string.h>

#include "migrate/migrate.h"

static int
finish(st_ctx *cx, st_db *db, int rc)
{
	int saved = cx->err;

	if (PQstatus(db->conn) == CONNECTION_OK) {
		if (st_db_in_txn(db))
			st_db_exec(cx, db, "ROLLBACK");
		st_migrate_unlock(cx, db);
	}
	if (!saved)
		st_err_clear(cx);
	return rc;
}

int
st_migrate_resolve_applied(st_ctx *cx, st_db *db, const st_migdir *md,
			   const char *name, int lock_timeout_ms)
{
	st_migration *m = st_migdir_find(md, name);
	const char *table = st_history_table(cx, db);
	st_vec rows;
	bool exists;
	char id[37];
	int rc;

	if (!m)
		return st_err_setp(cx, ST_ENOTFOUND, "P3017",
				   "The migration %s could not be found. Please make "
				   "sure that the migration exists, and that you "
				   "included the whole name of the directory. (example: "
				   "\"20201207184859_initial_migration\")", name);
	if ((rc = st_migrate_lock(cx, db, lock_timeout_ms)) < 0)
		return rc;
	if ((rc = st_history_exists(cx, db, &exists)) < 0)
		return finish(cx, db, rc);
	if (!exists && (rc = st_history_create(cx, db)) < 0)
		return finish(cx, db, rc);
	if ((rc = st_history_load(cx, db, &rows)) < 0)
		return finish(cx, db, rc);
	for (size_t i = 0; i < rows.len; i++) {
		st_histrow *h = rows.items[i];

		if (!strcmp(h->migration_name, name) && ST_HISTROW_APPLIED(h))
			return finish(cx, db,
				      st_err_setp(cx, ST_ECONFLICT, "P3008",
						  "The migration `%s` is already "
						  "recorded as applied in the database.",
						  name));
	}
	st_uuid_v4(id);
	{
		const char *p1[] = { name };
		const char *p2[] = { id, m->checksum, name };

		if ((rc = st_db_exec(cx, db, "BEGIN")) < 0 ||
		    (rc = st_db_query(cx, db, NULL,
				      st_strfmt(cx->arena,
						"UPDATE %s SET rolled_back_at = "
						"clock_timestamp() WHERE migration_name "
						"= $1 AND finished_at IS NULL AND "
						"rolled_back_at IS NULL", table),
				      1, p1)) < 0 ||
		    (rc = st_db_query(cx, db, NULL,
				      st_strfmt(cx->arena,
						"INSERT INTO %s (id, checksum, "
						"started_at, finished_at, migration_name, "
						"logs, applied_steps_count) VALUES ($1, "
						"$2, clock_timestamp(), clock_timestamp(), "
						"$3, '', 0)", table),
				      3, p2)) < 0 ||
		    (rc = st_db_exec(cx, db, "COMMIT")) < 0)
			return finish(cx, db, rc);
	}
	return finish(cx, db, 0);
}

int
st_migrate_resolve_rolled_back(st_ctx *cx, st_db *db, const char *name,
			       int lock_timeout_ms)
{
	st_vec rows;
	bool exists, any = false, failed = false, all_rolled_back = true;
	int rc;

	if ((rc = st_migrate_lock(cx, db, lock_timeout_ms)) < 0)
		return rc;
	if ((rc = st_history_exists(cx, db, &exists)) < 0)
		return finish(cx, db, rc);
	if (exists && (rc = st_history_load(cx, db, &rows)) < 0)
		return finish(cx, db, rc);
	for (size_t i = 0; exists && i < rows.len; i++) {
		st_histrow *h = rows.items[i];

		if (strcmp(h->migration_name, name))
			continue;
		any = true;
		failed |= ST_HISTROW_FAILED(h);
		all_rolled_back &= h->rolled_back_at != NULL;
	}
	if (!any)
		return finish(cx, db,
			      st_err_setp(cx, ST_ENOTFOUND, "P3011",
					  "Migration `%s` cannot be rolled back "
					  "because it was never applied to the "
					  "database. Hint: did you pass in the whole "
					  "migration name? (example: "
					  "\"20201207184859_initial_migration\")",
					  name));
	if (!failed && !all_rolled_back)
		return finish(cx, db,
			      st_err_setp(cx, ST_ECONFLICT, "P3012",
					  "Migration `%s` cannot be rolled back "
					  "because it is not in a failed state.",
					  name));
	if (failed) {
		const char *p[] = { name };

		rc = st_db_query(cx, db, NULL,
				 st_strfmt(cx->arena,
					   "UPDATE %s SET rolled_back_at = "
					   "clock_timestamp() WHERE migration_name = $1 "
					   "AND finished_at IS NULL AND rolled_back_at "
					   "IS NULL", st_history_table(cx, db)),
				 1, p);
	}
	return finish(cx, db, rc);
}
