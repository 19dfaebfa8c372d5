/*
 * route_status.c - GET /api/status, the `migrate status` panel: the
 * migrations folder against _prisma_migrations (pending, applied, failed,
 * rolled back, edited after applying, missing locally), with the summary
 * Prisma prints; and GET /api/meta, what the page shows in its header.
 *
 * The report itself is migrate/status.c's st_migrate_status(), so the panel
 * and `strata migrate status` always agree.
 */
#include <string.h>

#include "migrate/migrate.h"
#include "strata/version.h"
#include "studio/route.h"

const char *st_studio_histrow_status(const st_histrow *r);

typedef struct mig_state {
	const st_histrow *applied, *failed, *rolled_back;
} mig_state;

static mig_state
rows_for(const st_vec *rows, const char *name)
{
	mig_state s = { 0 };

	for (size_t i = 0; i < rows->len; i++) {
		const st_histrow *r = rows->items[i];

		if (strcmp(r->migration_name, name))
			continue;
		if (ST_HISTROW_APPLIED(r))
			s.applied = r;
		else if (ST_HISTROW_FAILED(r))
			s.failed = r;
		else
			s.rolled_back = r;
	}
	return s;
}

static json_t *
entry(const char *name, const char *status, const st_histrow *r,
      bool in_folder, bool edited)
{
	return json_pack("{s:o,s:s,s:b,s:b,s:o,s:o,s:o}",
			 "name", st_json_str(name), "status", status,
			 "inFolder", in_folder, "edited", edited,
			 "startedAt", st_json_str(r ? r->started_at : NULL),
			 "finishedAt", st_json_str(r ? r->finished_at : NULL),
			 "logs", st_json_str(r ? r->logs : NULL));
}

static void
add_lines(st_strbuf *sb, json_t *names)
{
	size_t i;
	json_t *n;

	json_array_foreach(names, i, n)
		st_strbuf_addf(sb, "\n%s", json_string_value(n));
}

static bool
vec_has_migration(const st_vec *v, const char *name)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(((const st_migration *)v->items[i])->name, name))
			return true;
	return false;
}

static const char *
state_name(st_status_state s)
{
	switch (s) {
	case ST_STATUS_UP_TO_DATE:
		return "up to date";
	case ST_STATUS_PENDING:
		return "pending";
	case ST_STATUS_FAILED:
		return "failed";
	case ST_STATUS_DIVERGED:
		return "diverged";
	default:
		return "not managed";
	}
}

/*
 * The states and lists come from migrate/status.c (the same report as
 * `strata migrate status`); this adds one entry per migration for the
 * panel.  Without a migrations folder only the history is listed.
 */
static int
studio_status(st_studio_req *req, st_db *db, const st_migdir *md, json_t **out)
{
	st_ctx *cx = req->cx;
	st_status st;
	json_t *list = st_json_own(cx, json_array());
	json_t *pending = st_json_own(cx, json_array());
	json_t *failed = st_json_own(cx, json_array());
	json_t *missing = st_json_own(cx, json_array());
	json_t *edited = st_json_own(cx, json_array());
	const char *state;
	st_strbuf msg;
	int rc;

	if (md) {
		if ((rc = st_migrate_status(cx, db, md, &st)) < 0)
			return rc;
	} else {
		memset(&st, 0, sizeof(st));
		st_vec_init(&st.rows, cx->arena);
		if ((rc = st_history_exists(cx, db, &st.has_table)) < 0 ||
		    (st.has_table && (rc = st_history_load(cx, db, &st.rows)) < 0))
			return rc;
	}
	for (size_t i = 0; md && i < md->migrations.len; i++) {
		const st_migration *m = md->migrations.items[i];
		mig_state s = rows_for(&st.rows, m->name);

		if (s.applied)
			json_array_append_new(list, entry(m->name, "applied", s.applied,
				true, vec_has_migration(&st.edited, m->name)));
		else if (s.failed)
			json_array_append_new(list, entry(m->name, "failed", s.failed,
							  true, false));
		else
			json_array_append_new(list, entry(m->name,
				s.rolled_back ? "rolled back" : "pending",
				s.rolled_back, true, false));
	}
	for (size_t i = 0; i < st.rows.len; i++) {
		const st_histrow *r = st.rows.items[i];

		if (md && st_migdir_find(md, r->migration_name))
			continue;
		if (!md || ST_HISTROW_APPLIED(r) || ST_HISTROW_FAILED(r))
			json_array_append_new(list, entry(r->migration_name,
				st_studio_histrow_status(r), r, false, false));
	}
	for (size_t i = 0; md && i < st.pending.len; i++)
		json_array_append_new(pending, st_json_str(
			((const st_migration *)st.pending.items[i])->name));
	for (size_t i = 0; md && i < st.failed.len; i++)
		json_array_append_new(failed, st_json_str(
			((const st_histrow *)st.failed.items[i])->migration_name));
	for (size_t i = 0; md && i < st.missing_locally.len; i++)
		json_array_append_new(missing, st_json_str(st.missing_locally.items[i]));
	for (size_t i = 0; md && i < st.edited.len; i++)
		json_array_append_new(edited, st_json_str(
			((const st_migration *)st.edited.items[i])->name));

	/* Prisma's wording (PRISMA_BEHAVIOUR.md, `migrate status`) */
	st_strbuf_init_arena(&msg, cx->arena);
	state = md ? state_name(st.state) : "unknown";
	if (!md) {
		st_strbuf_adds(&msg, "No migrations folder: only the database's "
			       "history is shown.");
	} else if (st.state == ST_STATUS_NOT_MANAGED) {
		st_strbuf_adds(&msg, "The current database is not managed by Prisma Migrate.");
	} else if (st.state == ST_STATUS_FAILED) {
		st_strbuf_adds(&msg, json_array_size(failed) > 1
			       ? "Following migrations have failed:"
			       : "Following migration have failed:");
		add_lines(&msg, failed);
	} else if (st.state == ST_STATUS_DIVERGED) {
		st_strbuf_adds(&msg, "Your local migration history and the migrations "
			       "table from your database are different:");
		if (json_array_size(missing)) {
			st_strbuf_adds(&msg, "\n\nThe migrations from the database "
				       "are not found locally in prisma/migrations:");
			add_lines(&msg, missing);
		}
		if (json_array_size(pending)) {
			st_strbuf_adds(&msg, "\n\nThe migrations have not yet been "
				       "applied:");
			add_lines(&msg, pending);
		}
	} else if (st.state == ST_STATUS_PENDING) {
		st_strbuf_adds(&msg, json_array_size(pending) > 1
			       ? "Following migrations have not yet been applied:"
			       : "Following migration have not yet been applied:");
		add_lines(&msg, pending);
	} else {
		st_strbuf_adds(&msg, "Database schema is up to date!");
	}
	*out = json_pack("{s:s,s:s,s:b,s:o,s:I,s:O,s:O,s:O,s:O,s:O}",
			 "state", state, "message", msg.buf,
			 "hasTable", st.has_table,
			 "migrationsDir", st_json_str(md ? md->path : NULL),
			 "found", (json_int_t)(md ? md->migrations.len : 0),
			 "migrations", list, "pending", pending,
			 "failed", failed, "missingLocally", missing,
			 "edited", edited);
	return 0;
}

int
st_route_status(st_studio_req *req)
{
	st_migdir *md = NULL;
	st_pgconn *c;
	json_t *out;
	int rc;

	if (req->env->migrations_dir) {
		if ((rc = st_migdir_read(req->cx, req->env->migrations_dir, &md)) < 0)
			return rc;
		if (!md->exists)
			md = NULL;
	}
	if ((rc = st_studio_db(req, &c)) < 0 ||
	    (rc = studio_status(req, st_pgconn_db(c), md, &out)) < 0)
		return rc;
	return st_studio_reply(req, out);
}

int
st_route_meta(st_studio_req *req)
{
	st_pgconn *c;
	int rc, v;

	if ((rc = st_studio_db(req, &c)) < 0)
		return rc;
	v = st_pgconn_server_version(c);
	return st_studio_reply(req, json_pack(
		"{s:s,s:o,s:o,s:s,s:b,s:o,s:o}",
		"version", ST_VERSION,
		"database", st_json_str(st_pgconn_dbname(c)),
		"url", st_json_str(req->env->db_url_redacted),
		"server", st_strfmt(req->cx->arena, "%d.%d", v / 10000, v % 10000),
		"readOnly", req->env->read_only,
		"schemaPath", st_json_str(req->env->schema_path),
		"migrationsDir", st_json_str(req->env->migrations_dir)));
}
