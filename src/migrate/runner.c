/*
 * runner.c - `migrate deploy`: Prisma's advisory lock, the history table,
 * and each pending migration applied atomically where PostgreSQL allows.
 *
 * Modes (st_migrate_plan):
 *   TXN    BEGIN; INSERT row; script; UPDATE row finished; COMMIT.  A crash
 *          leaves either everything or nothing, row included.
 *   SCRIPT the file as one simple query outside a transaction block, as
 *          Prisma sends it: files with their own BEGIN/COMMIT, and files
 *          whose only statement cannot run in a transaction block.
 *   STEPS  a file mixing such statements with others: runs of ordinary
 *          statements in one transaction each, the others alone; the row's
 *          applied_steps_count counts the statements done.
 * Session settings a migration makes are reset before the next one.
 */
#include <string.h>
#include <time.h>

#include "migrate/migrate.h"
#include "sqlschema/sqlparse.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ==== planning ==== */

typedef struct group {
	size_t first, n;   /* statements [first, first + n) */
	bool txn;
} group;

/* Whether the label 'value' appears as a string literal after off. */
static bool
value_used_later(st_ctx *cx, const char *sql, size_t off, const char *value)
{
	st_strbuf lit;

	st_strbuf_init_arena(&lit, cx->arena);
	st_strbuf_addch(&lit, '\'');
	for (const char *v = value; *v; v++) {
		if (*v == '\'')
			st_strbuf_addch(&lit, '\'');
		st_strbuf_addch(&lit, *v);
	}
	st_strbuf_addch(&lit, '\'');
	return strstr(sql + off, lit.buf) != NULL;
}

static int
plan(st_ctx *cx, const char *sql, size_t len, st_apply_mode *mode,
     const char **why, st_vec *stmts, st_vec *groups)
{
	size_t notxn = 0, boundaries = 0;
	const char *what = NULL;
	group *g = NULL;

	*mode = ST_APPLY_TXN;
	*why = NULL;
	st_vec_init(stmts, cx->arena);
	st_vec_init(groups, cx->arena);
	if (!st_sqlparse_maybe_special(sql, len))
		return 0;
	if (st_sqlparse_split(cx, sql, stmts) < 0) {
		/* libpg_query (PostgreSQL 15's grammar) cannot read it: run it
		 * exactly as Prisma would, and let the server judge it */
		st_err_clear(cx);
		stmts->len = 0;
		*mode = ST_APPLY_SCRIPT;
		*why = "strata's SQL parser cannot read the file; it runs as one "
		       "script, as under Prisma";
		return 0;
	}
	for (size_t i = 0; i < stmts->len; i++) {
		st_sqlstmt *s = stmts->items[i];

		if (s->kind == ST_SQLSTMT_TXNCTL) {
			*mode = ST_APPLY_SCRIPT;
			*why = "the file has its own transaction control "
			       "(BEGIN/COMMIT); it runs as one script, as under Prisma";
			return 0;
		}
		if (s->kind == ST_SQLSTMT_NOTXN) {
			notxn++;
			what = s->what;
		}
	}
	if (notxn == 1 && stmts->len == 1) {
		*mode = ST_APPLY_SCRIPT;
		*why = st_strfmt(cx->arena, "%s cannot run in a transaction block",
				 what);
		return 0;
	}
	for (size_t i = 0; i < stmts->len; i++) {
		st_sqlstmt *s = stmts->items[i];

		if (s->kind == ST_SQLSTMT_NOTXN) {
			g = st_alloc(cx->arena, sizeof(*g));
			g->first = i;
			g->n = 1;
			st_vec_push(groups, g);
			g = NULL;
			continue;
		}
		if (!g) {
			g = st_alloc(cx->arena, sizeof(*g));
			g->first = i;
			g->txn = true;
			st_vec_push(groups, g);
		}
		g->n++;
		if (s->kind == ST_SQLSTMT_ADDVALUE && i + 1 < stmts->len &&
		    value_used_later(cx, sql, s->off + s->len, s->enum_value)) {
			/* the new label is usable only once this commits */
			boundaries++;
			if (!what)
				what = st_strfmt(cx->arena, "ALTER TYPE ... ADD VALUE "
						 "'%s' (used later in the file)",
						 s->enum_value);
			g = NULL;
		}
	}
	if (!notxn && !boundaries) {
		groups->len = 0;
		return 0;
	}
	*mode = ST_APPLY_STEPS;
	*why = st_strfmt(cx->arena, "%s cannot share a transaction with the "
			 "rest of the file; it runs in %zu steps",
			 what, groups->len);
	return 0;
}

int
st_migrate_plan(st_ctx *cx, const char *sql, size_t len, st_apply_mode *mode,
		const char **why)
{
	st_vec stmts, groups;

	return plan(cx, sql, len, mode, why, &stmts, &groups);
}

/* ==== failure text (P3018) ==== */

/* Numbered lines of the file up to the failing one (Prisma's Position). */
static void
render_position(st_strbuf *sb, const char *sql, size_t len, size_t at)
{
	size_t line = 1, first;
	size_t starts[6] = { 0 };
	int n = 0;

	for (size_t i = 0; i < at && i < len; i++)
		if (sql[i] == '\n')
			line++;
	/* up to 5 lines before */
	first = line > 5 ? line - 5 : 1;
	{
		size_t cur = 1, pos = 0;

		while (cur < first && pos < len) {
			if (sql[pos++] == '\n')
				cur++;
		}
		for (; cur <= line && n < 6; cur++) {
			starts[n++] = pos;
			while (pos < len && sql[pos] != '\n')
				pos++;
			pos++;
		}
	}
	st_strbuf_adds(sb, "\n\nPosition:\n");
	for (int i = 0; i < n; i++) {
		size_t s = starts[i], e = s;

		while (e < len && sql[e] != '\n')
			e++;
		st_strbuf_addf(sb, "%s%4zu  %.*s\n", i == n - 1 ? ">" : " ",
			       first + (size_t)i, (int)(e - s), sql + s);
	}
}

static const char *
failure_text(st_ctx *cx, const st_migration *m, const st_dberr *e,
	     size_t base, const char *sent, size_t sent_len, const char *extra)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, cx->arena);
	st_strbuf_addf(&sb, "Migration name: %s\n\nDatabase error code: %s\n\n"
		       "Database error:\n", m->name,
		       e->sqlstate ? e->sqlstate : "none");
	st_dberr_render(&sb, e);
	if (e->position > 0) {
		size_t at = base + st_dberr_pos_to_byte(sent, sent_len, e->position);
		size_t line = 1;

		for (size_t i = 0; i < at && i < m->len; i++)
			if (m->sql[i] == '\n')
				line++;
		render_position(&sb, m->sql, m->len, at);
		st_strbuf_addf(&sb, "\nThe failing statement is at line %zu of %s.",
			       line, m->path);
	} else if (extra) {
		st_strbuf_addf(&sb, "\n\n%s", extra);
	}
	return sb.buf;
}

#define P3018_TEXT \
	"A migration failed to apply. New migrations cannot be applied before " \
	"the error is recovered from. Read more about how to resolve migration " \
	"issues in a production database: https://pris.ly/d/migrate-resolve"

/* ==== applying ==== */

typedef struct applier {
	st_ctx *cx;
	st_db *db;
	const char *table;
	const st_migration *m;
	char id[37];
	const char *logs;      /* set on failure */
	const char *sqlstate;
} applier;

static int
insert_row(applier *a)
{
	const char *p[] = { a->id, a->m->checksum, a->m->name };

	return st_db_query(a->cx, a->db, NULL,
			   st_strfmt(a->cx->arena,
				     "INSERT INTO %s (id, checksum, started_at, "
				     "migration_name) VALUES ($1, $2, "
				     "clock_timestamp(), $3)",
				     a->table),
			   3, p);
}

static int
advance_row(applier *a, int steps, bool finish)
{
	const char *p[] = { a->id, st_strfmt(a->cx->arena, "%d", steps) };

	return st_db_query(
		a->cx, a->db, NULL,
		st_strfmt(a->cx->arena,
			  "UPDATE %s SET applied_steps_count = applied_steps_count "
			  "+ $2::integer%s WHERE id = $1",
			  a->table, finish ? ", finished_at = clock_timestamp()" : ""),
		2, p);
}

/* What a migration may have changed in the session (SET, SET ROLE ...);
 * not DISCARD ALL, which would also release the advisory lock. */
#define RESET_SQL "RESET SESSION AUTHORIZATION; RESET ALL"
/* Run right after a script, before the history row is written: a script
 * that switched role must not make the bookkeeping fail. */
#define RESET_ROLE_SQL "\n;RESET SESSION AUTHORIZATION;RESET ROLE;"

/* Leaves no transaction open and no session setting behind. */
static void
clean_session(applier *a)
{
	st_ctx *cx = a->cx;
	int saved = cx->err;

	if (st_db_in_txn(a->db))
		st_db_exec(cx, a->db, "ROLLBACK");
	st_db_exec(cx, a->db, RESET_SQL);
	if (saved == 0)
		st_err_clear(cx);
}

/* Records the failure in the row (creating it when the transaction that
 * inserted it was rolled back). */
static void
record_failure(applier *a, const st_dberr *e, size_t base, const char *sent,
	       size_t sent_len, int steps_done, const char *extra)
{
	st_ctx *cx = a->cx;
	st_dberr err = *e;
	const char *text;
	st_strbuf logs;

	/* keep the server's error: cleaning the session may overwrite it */
	text = failure_text(cx, a->m, &err, base, sent, sent_len, extra);
	a->sqlstate = err.sqlstate;
	clean_session(a);
	st_strbuf_init_arena(&logs, cx->arena);
	st_strbuf_addf(&logs, "%s\n\n%s", P3018_TEXT, text);
	a->logs = logs.buf;
	{
		const char *p[] = { a->id, a->m->checksum, a->m->name, logs.buf,
				    st_strfmt(cx->arena, "%d", steps_done) };

		if (st_db_query(cx, a->db, NULL,
				st_strfmt(cx->arena,
					  "INSERT INTO %s (id, checksum, started_at, "
					  "migration_name, logs, applied_steps_count) "
					  "VALUES ($1, $2, clock_timestamp(), $3, $4, "
					  "$5::integer) ON CONFLICT (id) DO UPDATE SET "
					  "logs = EXCLUDED.logs",
					  a->table),
				5, p) < 0)
			st_err_clear(cx); /* connection gone: nothing recorded */
	}
	st_err_setp(cx, ST_EDB, "P3018", "%s", P3018_TEXT);
	st_err_detail(cx, "%s", text);
}

/* Three round trips: "BEGIN;" + the script as one simple query, the
 * finished row (started_at = now(), the transaction's start), then
 * "COMMIT; RESET ...".  The row commits with the script or not at all. */
static int
apply_txn(applier *a)
{
	st_ctx *cx = a->cx;
	const st_migration *m = a->m;
	static const char prefix[] = "BEGIN;\n";
	const size_t plen = sizeof(prefix) - 1;
	st_strbuf q;

	st_strbuf_init_arena(&q, cx->arena);
	st_strbuf_grow(&q, plen + m->len + sizeof(RESET_ROLE_SQL));
	st_strbuf_add(&q, prefix, plen);
	st_strbuf_add(&q, m->sql, m->len);
	st_strbuf_adds(&q, RESET_ROLE_SQL);
	if (st_db_exec(cx, a->db, q.buf) < 0) {
		st_dberr e = a->db->err;

		/* positions are relative to the file, not to our prefix */
		e.position = e.position > (int)plen ? e.position - (int)plen : 0;
		record_failure(a, &e, 0, m->sql, m->len, 0, NULL);
		return ST_EDB;
	}
	{
		const char *p[] = { a->id, m->checksum, m->name };

		if (st_db_query(cx, a->db, NULL,
				st_strfmt(cx->arena,
					  "INSERT INTO %s (id, checksum, started_at, "
					  "finished_at, migration_name, "
					  "applied_steps_count) VALUES ($1, $2, now(), "
					  "clock_timestamp(), $3, 1)", a->table),
				3, p) < 0)
			goto fail_nopos;
	}
	/* COMMIT can fail too (deferred constraints) */
	if (st_db_exec(cx, a->db, "COMMIT; " RESET_SQL) < 0)
		goto fail_nopos;
	return 0;
fail_nopos:
	record_failure(a, &a->db->err, 0, "", 0, 0, NULL);
	return ST_EDB;
}

static int
apply_script(applier *a)
{
	st_ctx *cx = a->cx;
	const st_migration *m = a->m;

	if (insert_row(a) < 0) {
		record_failure(a, &a->db->err, 0, "", 0, 0, NULL);
		return ST_EDB;
	}
	if (st_db_exec(cx, a->db, m->sql) < 0) {
		record_failure(a, &a->db->err, 0, m->sql, m->len, 0, NULL);
		return ST_EDB;
	}
	/* a BEGIN without COMMIT: PostgreSQL would roll it back at
	 * disconnect; commit it so the file means what it says */
	if (st_db_in_txn(a->db) && st_db_exec(cx, a->db, "COMMIT") < 0) {
		record_failure(a, &a->db->err, 0, "", 0, 0, NULL);
		return ST_EDB;
	}
	if (st_db_exec(cx, a->db, RESET_ROLE_SQL + 2) < 0 || advance_row(a, 1, true) < 0) {
		record_failure(a, &a->db->err, 0, "", 0, 0, NULL);
		return ST_EDB;
	}
	clean_session(a);
	return 0;
}

static int
apply_steps(applier *a, st_vec *stmts, st_vec *groups)
{
	st_ctx *cx = a->cx;
	const st_migration *m = a->m;
	bool have_row = false;
	int done = 0;

	for (size_t gi = 0; gi < groups->len; gi++) {
		group *g = groups->items[gi];
		st_sqlstmt *first = stmts->items[g->first];
		st_sqlstmt *last = stmts->items[g->first + g->n - 1];
		size_t off = first->off, len = last->off + last->len - off;
		char *text = st_strndup(cx->arena, m->sql + off, len);
		bool final = gi + 1 == groups->len;
		const char *extra = st_strfmt(
			cx->arena, "The error happened in step %zu of %zu (%s); "
			"%d statement(s) of the file had been applied and stay "
			"applied.", gi + 1, groups->len,
			g->txn ? "a transaction" : first->what, done);

		if (g->txn) {
			if (st_db_exec(cx, a->db, "BEGIN") < 0)
				goto fail_nopos;
			if (!have_row && insert_row(a) < 0)
				goto fail_nopos;
		} else if (!have_row) {
			if (insert_row(a) < 0)
				goto fail_nopos;
			have_row = true;
		}
		if (st_db_exec(cx, a->db, text) < 0) {
			record_failure(a, &a->db->err, off, text, len, done, extra);
			return ST_EDB;
		}
		if (st_db_in_txn(a->db) && !g->txn &&
		    st_db_exec(cx, a->db, "COMMIT") < 0)
			goto fail_nopos;
		if (st_db_exec(cx, a->db, RESET_ROLE_SQL + 2) < 0)
			goto fail_nopos;
		if (advance_row(a, (int)g->n, final) < 0)
			goto fail_nopos;
		if (g->txn && st_db_exec(cx, a->db, "COMMIT") < 0)
			goto fail_nopos;
		have_row = true;
		done += (int)g->n;
		clean_session(a);
		continue;
fail_nopos:
		record_failure(a, &a->db->err, 0, "", 0, done, extra);
		return ST_EDB;
	}
	return 0;
}

static void
emit(const st_deploy_opts *o, st_deploy_event_kind k, const st_migration *m,
     st_apply_mode mode, double ms)
{
	st_deploy_event ev = { k, m, mode, ms };

	if (o && o->on_event)
		o->on_event(o->arg, &ev);
}

/* The P3009 error listing failed rows. */
static int
failed_error(st_ctx *cx, st_vec *rows)
{
	st_strbuf d;

	st_strbuf_init_arena(&d, cx->arena);
	for (size_t i = 0; i < rows->len; i++) {
		st_histrow *h = rows->items[i];

		if (!ST_HISTROW_FAILED(h))
			continue;
		st_strbuf_addf(&d, "%sThe `%s` migration started at %s failed%s",
			       d.len ? "\n" : "", h->migration_name, h->started_at,
			       h->logs ? "" : " (it was interrupted: no error was "
			       "recorded; check what it applied)");
	}
	st_err_setp(cx, ST_ECONFLICT, "P3009",
		    "migrate found failed migrations in the target database, new "
		    "migrations will not be applied. Read more about how to "
		    "resolve migration issues in a production database: "
		    "https://pris.ly/d/migrate-resolve");
	st_err_detail(cx, "%s", d.buf);
	st_err_hint(cx, "Fix the cause, then run `strata migrate resolve "
		    "--rolled-back NAME` (its changes were undone) or `strata "
		    "migrate resolve --applied NAME` (you finished it by hand), "
		    "and deploy again.");
	return ST_ECONFLICT;
}

/* Prepares the history table under the lock: P3005, creation. */
static int
init_history(st_ctx *cx, st_db *db)
{
	bool exists, nonempty;
	int rc;

	if ((rc = st_history_exists(cx, db, &exists)) < 0)
		return rc;
	if (exists)
		return 0;
	if ((rc = st_history_schema_nonempty(cx, db, &nonempty)) < 0)
		return rc;
	if (nonempty) {
		st_err_setp(cx, ST_ECONFLICT, "P3005",
			    "The database schema is not empty. Read more about how "
			    "to baseline an existing production database: "
			    "https://pris.ly/d/migrate-baseline");
		st_err_hint(cx, "Baseline it: write the current schema as the first "
			    "migration (`strata migrate diff --from-empty "
			    "--to-schema prisma/schema.prisma --script > "
			    "prisma/migrations/0_init/migration.sql`), mark it with "
			    "`strata migrate resolve --applied 0_init`, then deploy.");
		return ST_ECONFLICT;
	}
	return st_history_create(cx, db);
}

int
st_migrate_deploy(st_ctx *cx, st_db *db, const st_migdir *md,
		  const st_deploy_opts *o, st_deploy_result *res)
{
	st_vec rows;
	int rc;

	memset(res, 0, sizeof(*res));
	st_vec_init(&res->applied, cx->arena);
	st_vec_init(&res->durations, cx->arena);
	res->found = md->migrations.len;
	if ((rc = st_migrate_lock(cx, db, o ? o->lock_timeout_ms : 0)) < 0)
		return rc;
	if ((rc = init_history(cx, db)) < 0)
		goto done;
	if ((rc = st_history_load(cx, db, &rows)) < 0)
		goto done;
	for (size_t i = 0; i < rows.len; i++)
		if (ST_HISTROW_FAILED((st_histrow *)rows.items[i])) {
			rc = failed_error(cx, &rows);
			goto done;
		}
	for (size_t i = 0; i < md->migrations.len; i++) {
		st_migration *m = md->migrations.items[i];
		applier a = { cx, db, st_history_table(cx, db), m, { 0 }, NULL, NULL };
		st_vec stmts, groups;
		st_apply_mode mode;
		const char *why;
		bool applied = false;
		double t0, *ms;

		for (size_t r = 0; r < rows.len && !applied; r++) {
			st_histrow *h = rows.items[r];

			applied = !h->rolled_back_at && !strcmp(h->migration_name, m->name);
		}
		if (applied)
			continue;
		if (memchr(m->sql, '\0', m->len)) {
			/* libpq would send the text up to the NUL only: the rest
			 * of the file would be skipped and the migration still
			 * recorded as applied */
			res->failed = m;
			rc = st_err_set(cx, ST_EPARSE, "migration file \"%s\" "
					"contains a NUL byte", m->path);
			st_err_detail(cx, "Nothing of migration `%s` was applied "
				      "and nothing was recorded.", m->name);
			st_err_hint(cx, "Remove the NUL byte (a file saved as "
				    "UTF-16?), then deploy again.");
			goto done;
		}
		plan(cx, m->sql, m->len, &mode, &why, &stmts, &groups);
		st_uuid_v4(a.id);
		emit(o, ST_DEPLOY_APPLYING, m, mode, 0);
		t0 = now_ms();
		switch (mode) {
		case ST_APPLY_TXN:
			rc = apply_txn(&a);
			break;
		case ST_APPLY_SCRIPT:
			rc = apply_script(&a);
			break;
		default:
			rc = apply_steps(&a, &stmts, &groups);
			break;
		}
		if (rc < 0) {
			res->failed = m;
			res->failed_logs = a.logs;
			res->failed_sqlstate = a.sqlstate;
			emit(o, ST_DEPLOY_FAILED, m, mode, now_ms() - t0);
			goto done;
		}
		ms = st_alloc(cx->arena, sizeof(*ms));
		*ms = now_ms() - t0;
		st_vec_push(&res->applied, m);
		st_vec_push(&res->durations, ms);
		emit(o, ST_DEPLOY_APPLIED, m, mode, *ms);
	}
	rc = 0;
done:
	if (PQstatus(db->conn) == CONNECTION_OK) {
		int saved = cx->err;

		st_migrate_unlock(cx, db);
		if (!saved)
			st_err_clear(cx);
	}
	return rc;
}
