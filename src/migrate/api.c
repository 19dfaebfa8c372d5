/*
 * api.c - include/strata/strata.h over the migrate and db modules: one
 * context (and arena) per strata_db, errors copied out into strata_error.
 */
#include <stdio.h>
#include <string.h>

#include "migrate/migrate.h"
#include "strata/strata.h"

struct strata_db {
	st_ctx *cx;      /* the connection lives in cx's arena */
	st_db *db;
};

const char *
strata_version(void)
{
	return ST_VERSION;
}

static void
copy_err(st_ctx *cx, strata_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->code = cx->err ? cx->err : ST_ERROR;
	snprintf(err->pcode, sizeof(err->pcode), "%s",
		 cx->err_pcode ? cx->err_pcode : "");
	snprintf(err->message, sizeof(err->message), "%s", cx->err_msg.buf);
	snprintf(err->detail, sizeof(err->detail), "%s", cx->err_detail.buf);
	snprintf(err->hint, sizeof(err->hint), "%s", cx->err_hint.buf);
}

static strata_db *
connect_url(const char *url, bool create, strata_error *err)
{
	strata_db *s;
	st_ctx *cx = st_ctx_new(NULL);
	st_db_opts o = { .create_missing = create };

	if (err)
		memset(err, 0, sizeof(*err));
	if (!url || !*url) {
		st_err_set(cx, ST_EUSAGE, "no database URL given");
		copy_err(cx, err);
		st_ctx_free(cx);
		return NULL;
	}
	s = st_alloc(cx->arena, sizeof(*s));
	s->cx = cx;
	if (st_db_connect(cx, url, &o, &s->db) < 0) {
		copy_err(cx, err);
		st_ctx_free(cx);
		return NULL;
	}
	return s;
}

strata_db *
strata_connect(const char *url, strata_error *err)
{
	return connect_url(url, false, err);
}

strata_db *
strata_connect_create(const char *url, strata_error *err)
{
	return connect_url(url, true, err);
}

void
strata_close(strata_db *s)
{
	if (s)
		st_ctx_free(s->cx);  /* closes the connection */
}

typedef struct ev_arg {
	const strata_deploy_options *o;
} ev_arg;

static void
on_event(void *arg, const st_deploy_event *ev)
{
	const strata_deploy_options *o = ((ev_arg *)arg)->o;

	/* a failed migration is not "done": it is reported in rep->failed
	 * and err, so a caller printing "applied NAME" cannot be misled */
	if (ev->kind == ST_DEPLOY_APPLYING)
		o->on_migration(o->arg, ev->migration->name, false, 0);
	else if (ev->kind == ST_DEPLOY_APPLIED)
		o->on_migration(o->arg, ev->migration->name, true, ev->ms);
}

int
strata_deploy(strata_db *s, const char *dir, const strata_deploy_options *opts,
	      strata_deploy_report *rep, strata_error *err)
{
	st_ctx *cx = s->cx;
	st_arena *saved = cx->arena;
	st_migdir *md;
	st_deploy_result res = { 0 };
	st_deploy_opts o = { 0 };
	ev_arg ea = { opts };
	int rc;

	/* per-call memory: a child arena, freed before returning */
	cx->arena = st_arena_new(saved);
	st_err_clear(cx);
	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (err)
		memset(err, 0, sizeof(*err));
	if (opts) {
		o.lock_timeout_ms = opts->lock_timeout_ms;
		if (opts->on_migration) {
			o.on_event = on_event;
			o.arg = &ea;
		}
	}
	rc = st_migdir_read(cx, dir, &md);
	if (rc == 0)
		rc = st_migrate_deploy(cx, s->db, md, &o, &res);
	if (rep && rc == 0) {
		rep->found = res.found;
		rep->applied = res.applied.len;
	} else if (rep && res.found) {
		rep->found = res.found;
		rep->applied = res.applied.len;
		if (res.failed)
			snprintf(rep->failed, sizeof(rep->failed), "%s", res.failed->name);
	}
	if (rc < 0)
		copy_err(cx, err);
	st_arena_free(cx->arena);
	cx->arena = saved;
	return rc < 0 ? -1 : 0;
}

int
strata_status(strata_db *s, const char *dir, strata_status_report *out,
	      strata_error *err)
{
	st_ctx *cx = s->cx;
	st_arena *saved = cx->arena;
	st_migdir *md;
	st_status st;
	int rc;

	cx->arena = st_arena_new(saved);
	st_err_clear(cx);
	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	rc = st_migdir_read(cx, dir, &md);
	if (rc == 0)
		rc = st_migrate_status(cx, s->db, md, &st);
	if (rc == 0) {
		out->state = (strata_state)st.state;
		out->found = st.found;
		out->pending = st.pending.len;
		out->failed = st.failed.len;
		out->edited = st.edited.len;
		out->missing_locally = st.missing_locally.len;
		if (st.pending.len)
			snprintf(out->first_pending, sizeof(out->first_pending), "%s",
				 ((st_migration *)st.pending.items[0])->name);
	} else {
		copy_err(cx, err);
	}
	st_arena_free(cx->arena);
	cx->arena = saved;
	return rc < 0 ? -1 : 0;
}
