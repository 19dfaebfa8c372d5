/*
 * query.c - scripts (simple protocol) and parameterised queries
 * (PQexecParams), with results attached to the caller's arena.
 */
#include <string.h>

#include "db/db.h"

static void
clear_cb(void *p)
{
	PQclear(p);
}

/* Turns a failed result into cx's error and db->err.  Frees res. */
static int
fail(st_ctx *cx, st_db *db, PGresult *res)
{
	st_dberr_from_result(cx->arena, res, &db->err);
	if (!res) {
		st_strbuf sb;

		st_strbuf_init_arena(&sb, cx->arena);
		st_strbuf_adds(&sb, PQerrorMessage(db->conn));
		st_strbuf_rtrim(&sb);
		if (sb.len)
			db->err.primary = sb.buf;
	}
	db->has_err = true;
	PQclear(res);
	st_err_set(cx, ST_EDB, "%s", db->err.primary);
	if (db->err.detail)
		st_err_detail(cx, "%s", db->err.detail);
	if (db->err.hint)
		st_err_hint(cx, "%s", db->err.hint);
	return ST_EDB;
}

static bool
ok_status(PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);

	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ||
	       s == PGRES_EMPTY_QUERY;
}

int
st_db_exec(st_ctx *cx, st_db *db, const char *sql)
{
	PGresult *res, *last = NULL;
	int rc = 0;

	db->has_err = false;
	if (!PQsendQuery(db->conn, sql))
		return fail(cx, db, NULL);
	/* a multi-statement string yields one result per statement; the
	 * first error ends the string */
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		/* COPY ... FROM STDIN / TO STDOUT in a script: there is no
		 * data stream to give or take here.  Without this, libpq
		 * returns the COPY result forever and the call never ends. */
		if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH) {
			PQclear(res);
			if (PQputCopyEnd(db->conn, "COPY FROM STDIN is not "
					 "supported in a script run by strata") < 0)
				break;
			continue;
		}
		if (st == PGRES_COPY_OUT) {
			char *row;

			PQclear(res);
			while (PQgetCopyData(db->conn, &row, 0) > 0)
				PQfreemem(row);
			continue;
		}
		if (!ok_status(res) && rc == 0) {
			rc = fail(cx, db, res);
			continue;
		}
		if (last)
			PQclear(last);
		last = res;
	}
	if (last)
		PQclear(last);
	if (rc == 0 && PQstatus(db->conn) != CONNECTION_OK)
		return fail(cx, db, NULL);
	return rc;
}

int
st_db_query(st_ctx *cx, st_db *db, st_dbres **out, const char *sql,
	    int nparams, const char *const *params)
{
	PGresult *res;
	st_dbres *r;

	db->has_err = false;
	if (out)
		*out = NULL;
	res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (!res || !ok_status(res))
		return fail(cx, db, res);
	if (!out) {
		PQclear(res);
		return 0;
	}
	r = st_alloc(cx->arena, sizeof(*r));
	r->res = res;
	r->nrows = PQntuples(res);
	r->ncols = PQnfields(res);
	r->cmd_tuples = PQcmdTuples(res);
	st_arena_on_reset(cx->arena, clear_cb, res);
	*out = r;
	return 0;
}

const char *
st_dbres_get(const st_dbres *r, int row, int col)
{
	if (row >= r->nrows || col >= r->ncols || PQgetisnull(r->res, row, col))
		return NULL;
	return PQgetvalue(r->res, row, col);
}

bool
st_dbres_isnull(const st_dbres *r, int row, int col)
{
	return PQgetisnull(r->res, row, col);
}
