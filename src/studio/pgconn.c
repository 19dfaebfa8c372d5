/*
 * pgconn.c - libpq for the studio: a mutex-guarded pool of idle
 * connections, parameterised queries whose PGresult is attached to the
 * caller's arena, and PostgreSQL's error fields mapped into st_ctx.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db.h"
#include "studio/pgconn.h"

struct st_pgconn {
	st_ctx *own;       /* owns db (closed when own is freed) */
	st_db *db;
	PGconn *conn;
	char sqlstate[6];
	st_pgconn *next;
};

struct st_pgpool {
	pthread_mutex_t lock;
	char *url;
	bool read_only;
	int max_idle, nidle;
	st_pgconn *idle;
};

/*
 * Connections come from st_db_connect (Prisma URL parameters, ?schema= as
 * search_path, P1000/P1001/P1003 errors); each pooled connection keeps its
 * own context so it can outlive the request that opened it.
 */
static int
open_conn(st_ctx *cx, st_pgpool *p, st_pgconn **out)
{
	st_db_opts o = { .application_name = "strata studio" };
	st_ctx *own = st_ctx_new(NULL);
	st_pgconn *c;
	st_db *db;
	PGresult *r;

	if (st_db_connect(own, p->url, &o, &db) < 0) {
		int code = own->err ? own->err : ST_ECONNECT;

		st_err_setp(cx, code, own->err_pcode
			    ? st_strdup(cx->arena, own->err_pcode) : NULL,
			    "%s", own->err_msg.buf);
		if (own->err_detail.len)
			st_err_detail(cx, "%s", own->err_detail.buf);
		if (own->err_hint.len)
			st_err_hint(cx, "%s", own->err_hint.buf);
		st_ctx_free(own);
		return code;
	}
	/* A runaway query must not hold a request thread forever. */
	r = PQexec(db->conn, p->read_only
		   ? "SET statement_timeout = '60s'; SET default_transaction_read_only = on"
		   : "SET statement_timeout = '60s'");
	PQclear(r);
	c = st_xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->own = own;
	c->db = db;
	c->conn = db->conn;
	*out = c;
	return 0;
}

static void
close_conn(st_pgconn *c)
{
	st_ctx_free(c->own);
	free(c);
}

int
st_pgpool_new(st_ctx *cx, const char *url, bool read_only, int max_idle,
	      st_pgpool **out)
{
	st_pgpool *p = st_xmalloc(sizeof(*p));
	st_pgconn *c;
	int rc;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->url = st_xstrdup(url);
	p->read_only = read_only;
	p->max_idle = max_idle > 0 ? max_idle : 1;
	if ((rc = open_conn(cx, p, &c)) < 0) {
		st_pgpool_free(p);
		return rc;
	}
	st_pgpool_put(p, c);
	*out = p;
	return 0;
}

void
st_pgpool_free(st_pgpool *p)
{
	if (!p)
		return;
	while (p->idle) {
		st_pgconn *c = p->idle;

		p->idle = c->next;
		close_conn(c);
	}
	pthread_mutex_destroy(&p->lock);
	free(p->url);
	free(p);
}

int
st_pgpool_get(st_ctx *cx, st_pgpool *p, st_pgconn **out)
{
	st_pgconn *c;

	pthread_mutex_lock(&p->lock);
	c = p->idle;
	if (c) {
		p->idle = c->next;
		p->nidle--;
	}
	pthread_mutex_unlock(&p->lock);
	if (c && PQstatus(c->conn) != CONNECTION_OK) {
		close_conn(c);
		c = NULL;
	}
	if (!c)
		return open_conn(cx, p, out);
	c->next = NULL;
	c->sqlstate[0] = '\0';
	*out = c;
	return 0;
}

void
st_pgpool_put(st_pgpool *p, st_pgconn *c)
{
	if (!c)
		return;
	if (PQstatus(c->conn) == CONNECTION_OK &&
	    PQtransactionStatus(c->conn) != PQTRANS_IDLE)
		PQclear(PQexec(c->conn, "ROLLBACK"));
	if (PQstatus(c->conn) != CONNECTION_OK ||
	    PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
		close_conn(c);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nidle < p->max_idle) {
		c->next = p->idle;
		p->idle = c;
		p->nidle++;
		c = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	if (c)
		close_conn(c);
}

static void
clear_result(void *r)
{
	PQclear(r);
}

static void
set_db_error(st_ctx *cx, st_pgconn *c, const PGresult *r)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (!primary) {
		const char *m = PQerrorMessage(c->conn);
		size_t n = strlen(m);

		while (n && m[n - 1] == '\n')
			n--;
		primary = st_strndup(cx->arena, m, n);
	}
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	st_err_set(cx, ST_EDB, "%s", primary);
	if (detail)
		st_err_detail(cx, "%s", detail);
	if (hint)
		st_err_hint(cx, "%s", hint);
}

int
st_pg_exec(st_ctx *cx, st_pgconn *c, const char *sql, int nparams,
	   const char *const *params, st_pgres **out)
{
	PGresult *r = PQexecParams(c->conn, sql, nparams, NULL, params, NULL,
				   NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	st_pgres *res;
	const char *aff;

	if (r)
		st_arena_on_reset(cx->arena, clear_result, r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		set_db_error(cx, c, r);
		return ST_EDB;
	}
	c->sqlstate[0] = '\0';
	if (!out)
		return 0;
	res = st_alloc(cx->arena, sizeof(*res));
	res->nrows = PQntuples(r);
	res->ncols = PQnfields(r);
	res->names = st_alloc_array(cx->arena, res->ncols + 1, sizeof(char *));
	res->types = st_alloc_array(cx->arena, res->ncols + 1, sizeof(unsigned));
	res->vals = st_alloc_array(cx->arena, (size_t)res->nrows * res->ncols + 1,
				   sizeof(char *));
	for (int j = 0; j < res->ncols; j++) {
		res->names[j] = PQfname(r, j);
		res->types[j] = PQftype(r, j);
	}
	for (int i = 0; i < res->nrows; i++)
		for (int j = 0; j < res->ncols; j++)
			ST_PGRES_VAL(res, i, j) =
				PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
	aff = PQcmdTuples(r);
	res->affected = aff && *aff ? strtol(aff, NULL, 10) : 0;
	*out = res;
	return 0;
}

int
st_pg_cmd(st_ctx *cx, st_pgconn *c, const char *sql)
{
	return st_pg_exec(cx, c, sql, 0, NULL, NULL);
}

const char *
st_pgconn_sqlstate(const st_pgconn *c)
{
	return c->sqlstate;
}

const char *
st_pgconn_dbname(const st_pgconn *c)
{
	return PQdb(c->conn);
}

int
st_pgconn_server_version(const st_pgconn *c)
{
	return PQserverVersion(c->conn);
}

st_db *
st_pgconn_db(st_pgconn *c)
{
	return c->db;
}
