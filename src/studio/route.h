/*
 * route.h - what a route_<resource>.c sees of a request.  The server
 * (server.c) fills st_studio_req, calls the route from its table and
 * turns the result into an HTTP response:
 *
 *	0   -> req->status (200 unless set) with req->out as the JSON body
 *	<0  -> an {"error": ...} body from cx, status from req->status when
 *	       set, else from the code (ST_EUSAGE 400, ST_ENOTFOUND 404,
 *	       ST_ECONFLICT 409, ST_EDB 400/500, ST_ECONNECT 503)
 *
 * Routes never include microhttpd.h: query arguments come through
 * st_studio_arg().  Everything lives in req->cx's arena.
 */
#ifndef ST_STUDIO_ROUTE_H
#define ST_STUDIO_ROUTE_H

#include <stdbool.h>

#include "studio/json.h"
#include "studio/pgconn.h"
#include "util/error.h"

/* Server-wide settings, read-only while serving. */
typedef struct st_studio_env {
	bool read_only;
	st_pgpool *pool;
	const char *db_url_redacted;
	const char *schema_path;    /* NULL when there is no schema */
	const char *migrations_dir; /* NULL when unknown */
} st_studio_env;

typedef struct st_studio_req {
	st_ctx *cx;
	const st_studio_env *env;
	const char *method;
	const char *path;
	const char *body;
	size_t body_len;
	void *conn;      /* the server's connection handle (opaque here) */
	st_pgconn *db;   /* borrowed on first use, returned by the server */
	int status;      /* HTTP status; 0 = default */
	json_t *out;     /* the response body (owned by cx) */
	double db_ms;    /* time spent waiting for the database */
} st_studio_req;

typedef int (*st_studio_route_fn)(st_studio_req *req);

/* Query-string argument (decoded) or NULL. */
const char *st_studio_arg(st_studio_req *req, const char *name);
/* The request's database connection (borrowed from the pool once). */
int st_studio_db(st_studio_req *req, st_pgconn **out);
/* st_pg_exec on the request's connection, timing it into req->db_ms. */
int st_studio_query(st_studio_req *req, const char *sql, int nparams,
		    const char *const *params, st_pgres **out);
/* Sets req->out (taking ownership) and returns 0. */
int st_studio_reply(st_studio_req *req, json_t *body);
/* Fails with 403 unless the studio may write. */
int st_studio_require_writable(st_studio_req *req);

/* ==== route_tables.c ==== */
int st_route_tables_list(st_studio_req *req);   /* GET /api/tables */
int st_route_table_get(st_studio_req *req);     /* GET /api/table */
/*
 * Table metadata for the rows routes: one table (schema, name) as the
 * JSON object GET /api/table returns.  ST_ENOTFOUND when it is missing.
 */
int st_studio_table_info(st_studio_req *req, const char *schema,
			 const char *name, json_t **out);

/* ==== route_rows.c ==== */
int st_route_rows_list(st_studio_req *req);     /* GET /api/rows */
int st_route_rows_insert(st_studio_req *req);   /* POST /api/rows */
int st_route_rows_update(st_studio_req *req);   /* PATCH /api/rows */
int st_route_rows_delete(st_studio_req *req);   /* DELETE /api/rows */

/* ==== route_migrations.c ==== */
int st_route_migrations(st_studio_req *req);    /* GET /api/migrations */

/* ==== route_status.c ==== */
int st_route_status(st_studio_req *req);        /* GET /api/status */
int st_route_meta(st_studio_req *req);          /* GET /api/meta */

#endif
