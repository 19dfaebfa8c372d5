/*
 * server.c - the studio's HTTP server: the only file that includes
 * microhttpd.h.  It owns the route table, applies the Host / Origin /
 * token checks to every request, serves the embedded page, gives each
 * request its own st_ctx and database connection, and writes responses.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "studio/assets.h"
#include "studio/auth.h"
#include "studio/route.h"
#include "studio/studio.h"
#include "util/url.h"

/* Largest request body: inserts and edits of big text and bytea values. */
#define BODY_MAX (64u * 1024 * 1024)

/* ==== the route table ==== */

typedef struct route {
	const char *method;
	const char *path;
	st_studio_route_fn fn;
} route;

static const route routes[] = {
	{ "GET", "/api/meta", st_route_meta },
	{ "GET", "/api/tables", st_route_tables_list },
	{ "GET", "/api/table", st_route_table_get },
	{ "GET", "/api/rows", st_route_rows_list },
	{ "POST", "/api/rows", st_route_rows_insert },
	{ "PATCH", "/api/rows", st_route_rows_update },
	{ "DELETE", "/api/rows", st_route_rows_delete },
	{ "GET", "/api/migrations", st_route_migrations },
	{ "GET", "/api/status", st_route_status },
};

struct st_studio {
	struct MHD_Daemon *daemon;
	st_arena *arena;
	st_studio_env env;
	char token[ST_STUDIO_TOKEN_LEN + 1];
	const char *host;
	unsigned port;
};

/* Per-connection upload state, between MHD's calls for one request. */
typedef struct upload {
	st_strbuf body;
	bool too_big;
} upload;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ==== helpers for routes (route.h) ==== */

const char *
st_studio_arg(st_studio_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

int
st_studio_db(st_studio_req *req, st_pgconn **out)
{
	int rc;

	if (!req->db) {
		double t0 = now_ms();

		rc = st_pgpool_get(req->cx, req->env->pool, &req->db);
		req->db_ms += now_ms() - t0;
		if (rc < 0)
			return rc;
	}
	*out = req->db;
	return 0;
}

int
st_studio_query(st_studio_req *req, const char *sql, int nparams,
		const char *const *params, st_pgres **out)
{
	st_pgconn *c;
	double t0;
	int rc;

	if ((rc = st_studio_db(req, &c)) < 0)
		return rc;
	t0 = now_ms();
	rc = st_pg_exec(req->cx, c, sql, nparams, params, out);
	req->db_ms += now_ms() - t0;
	return rc;
}

int
st_studio_reply(st_studio_req *req, json_t *body)
{
	req->out = st_json_own(req->cx, body);
	return 0;
}

int
st_studio_require_writable(st_studio_req *req)
{
	if (!req->env->read_only)
		return 0;
	req->status = MHD_HTTP_FORBIDDEN;
	st_err_set(req->cx, ST_ECONFLICT, "the studio is read-only");
	st_err_hint(req->cx, "Restart it without --read-only to edit data.");
	return ST_ECONFLICT;
}

/* ==== responses ==== */

static void
common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; "
				"style-src 'self'; img-src 'self' data:; "
				"connect-src 'self'; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'none'");
}

static enum MHD_Result
send_json(struct MHD_Connection *conn, unsigned status, json_t *body,
	  const char *timing)
{
	size_t len;
	char *text = st_json_dump(body, &len);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	common_headers(r);
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (timing)
		MHD_add_response_header(r, "Server-Timing", timing);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A refusal before any route runs (403 / 401 / 404 / 413). */
static enum MHD_Result
refuse(struct MHD_Connection *conn, unsigned status, const char *msg,
       const char *hint)
{
	json_t *e = json_pack("{s:{s:s}}", "error", "message", msg);
	enum MHD_Result ret;

	if (hint)
		json_object_set_new(json_object_get(e, "error"), "hint",
				    json_string(hint));
	ret = send_json(conn, status, e, NULL);
	json_decref(e);
	return ret;
}

static unsigned
status_for(int code, const char *sqlstate)
{
	switch (code) {
	case ST_EUSAGE:
		return MHD_HTTP_BAD_REQUEST;
	case ST_ENOTFOUND:
		return MHD_HTTP_NOT_FOUND;
	case ST_ECONFLICT:
		return MHD_HTTP_CONFLICT;
	case ST_ECONNECT:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	case ST_EDB:
		/* data, constraint and name errors are the caller's */
		if (sqlstate && (!strncmp(sqlstate, "22", 2) ||
				 !strncmp(sqlstate, "23", 2) ||
				 !strncmp(sqlstate, "42", 2) ||
				 !strncmp(sqlstate, "25", 2)))
			return MHD_HTTP_BAD_REQUEST;
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* Prisma's query-engine codes for the constraint errors users meet. */
static const char *
pcode_for(const char *sqlstate)
{
	if (!strcmp(sqlstate, "23505"))
		return "P2002";
	if (!strcmp(sqlstate, "23503"))
		return "P2003";
	if (!strcmp(sqlstate, "23502"))
		return "P2011";
	if (!strcmp(sqlstate, "23514"))
		return "P2004";
	return NULL;
}

static enum MHD_Result
serve_api(st_studio *s, struct MHD_Connection *conn, const char *method,
	  const char *url, upload *up)
{
	const route *rt = NULL;
	bool path_known = false;
	st_studio_req req = { 0 };
	char timing[96];
	double t0 = now_ms();
	enum MHD_Result ret;
	unsigned status;
	int rc;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(routes[i].path, url)) {
			path_known = true;
			if (!strcmp(routes[i].method, method))
				rt = &routes[i];
		}
	if (!rt)
		return path_known
			? refuse(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				 "method not allowed", NULL)
			: refuse(conn, MHD_HTTP_NOT_FOUND, "no such API route", NULL);

	req.cx = st_ctx_new(NULL);
	req.env = &s->env;
	req.method = method;
	req.path = url;
	req.body = up ? up->body.buf : NULL;
	req.body_len = up ? up->body.len : 0;
	req.conn = conn;

	rc = rt->fn(&req);
	if (rc < 0 || !req.out) {
		const char *state = req.db ? st_pgconn_sqlstate(req.db) : "";

		if (rc >= 0)
			st_err_set(req.cx, ST_ERROR, "the route gave no answer");
		if (!req.cx->err_pcode && *state)
			req.cx->err_pcode = pcode_for(state);
		status = req.status ? (unsigned)req.status
				    : status_for(req.cx->err, state);
		req.out = st_json_error(req.cx, state);
	} else {
		status = req.status ? (unsigned)req.status : MHD_HTTP_OK;
	}
	if (req.db)
		st_pgpool_put(s->env.pool, req.db);
	snprintf(timing, sizeof(timing), "db;dur=%.2f, app;dur=%.2f", req.db_ms,
		 now_ms() - t0);
	ret = send_json(conn, status, req.out, timing);
	st_ctx_free(req.cx);
	return ret;
}

static enum MHD_Result
serve_asset(st_studio *s, struct MHD_Connection *conn, const char *url)
{
	const char *path = url[0] == '/' ? url + 1 : url;
	const char *tok = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
						      "token");
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!*path)
		path = "index.html";
	for (size_t i = 0; i < st_studio_asset_count; i++) {
		const st_asset *a = &st_studio_assets[i];

		if (strcmp(a->path, path))
			continue;
		r = MHD_create_response_from_buffer(a->len, (void *)a->data,
						    MHD_RESPMEM_PERSISTENT);
		common_headers(r);
		MHD_add_response_header(r, "Content-Type", a->content_type);
		MHD_add_response_header(r, "Cache-Control", "no-cache");
		/* The page opened with the printed URL keeps the token in a
		 * cookie that no other site can send or read. */
		if (tok && st_studio_token_ok(s->token, tok)) {
			char cookie[160];

			snprintf(cookie, sizeof(cookie),
				 "strata_token=%s; Path=/; HttpOnly; SameSite=Strict",
				 s->token);
			MHD_add_response_header(r, "Set-Cookie", cookie);
		}
		ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
		return ret;
	}
	return refuse(conn, MHD_HTTP_NOT_FOUND, "not found", NULL);
}

static bool
token_given(st_studio *s, struct MHD_Connection *conn)
{
	return st_studio_token_ok(s->token, MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, "X-Strata-Token")) ||
	       st_studio_token_ok(s->token, MHD_lookup_connection_value(
			conn, MHD_COOKIE_KIND, "strata_token")) ||
	       st_studio_token_ok(s->token, MHD_lookup_connection_value(
			conn, MHD_GET_ARGUMENT_KIND, "token"));
}

static bool
is_api(const char *url)
{
	return !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
	st_studio *s = cls;
	upload *up = *con_cls;
	const char *host, *origin;

	/*
	 * The first call has the headers only: Host, Origin, token and the
	 * announced length are checked here, so a refused request never gets
	 * its body buffered (MHD closes the connection after an early reply).
	 */
	if (!up) {
		const char *len;

		host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
		origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     "Origin");
		len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						  "Content-Length");
		if (!st_studio_host_ok(s->host, s->port, host))
			return refuse(conn, MHD_HTTP_FORBIDDEN,
				      "unexpected Host header",
				      "Open the studio with the URL it printed.");
		if (!st_studio_origin_ok(s->host, s->port, origin))
			return refuse(conn, MHD_HTTP_FORBIDDEN,
				      "requests from another origin are refused",
				      NULL);
		if (is_api(url) && !token_given(s, conn))
			return refuse(conn, MHD_HTTP_UNAUTHORIZED,
				      "missing or wrong access token",
				      "Open the studio with the URL it printed, "
				      "which carries the token.");
		if (len && strtoull(len, NULL, 10) > BODY_MAX)
			return refuse(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				      "request body too large", NULL);
		up = st_xmalloc(sizeof(*up));
		memset(up, 0, sizeof(*up));
		st_strbuf_init(&up->body);
		*con_cls = up;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (up->body.len + *upload_data_size > BODY_MAX)
			up->too_big = true;
		else if (!up->too_big)
			st_strbuf_add(&up->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	if (up->too_big)
		return refuse(conn, MHD_HTTP_CONTENT_TOO_LARGE,
			      "request body too large", NULL);
	if (is_api(url))
		return serve_api(s, conn, method, url, up);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return refuse(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			      "method not allowed", NULL);
	return serve_asset(s, conn, url);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	upload *up = *con_cls;

	if (up) {
		st_strbuf_release(&up->body);
		free(up);
		*con_cls = NULL;
	}
}

/* ==== lifecycle ==== */

int
st_studio_start(st_ctx *cx, const st_studio_opts *o, st_studio **out)
{
	const char *host = o->host && *o->host ? o->host : "127.0.0.1";
	struct addrinfo hints = { 0 }, *ai = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	char portstr[16];
	st_studio *s;
	int rc;

	if (!st_studio_host_is_loopback(host) && !o->allow_remote) {
		st_err_set(cx, ST_EUSAGE,
			   "refusing to listen on non-loopback address \"%s\"", host);
		st_err_detail(cx, "Anyone who can reach this address and learns "
			      "the token can read and change the database.");
		st_err_hint(cx, "Add --allow-remote to do it anyway.");
		return ST_EUSAGE;
	}
	s = st_xmalloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->arena = st_arena_new(NULL);
	s->host = st_strdup(s->arena, host);
	s->env.read_only = o->read_only;
	s->env.db_url_redacted = st_url_redact(s->arena, o->db_url);
	s->env.schema_path = o->schema_path ? st_strdup(s->arena, o->schema_path)
					    : NULL;
	s->env.migrations_dir = o->migrations_dir
		? st_strdup(s->arena, o->migrations_dir) : NULL;
	if ((rc = st_studio_token_new(cx, s->token)) < 0)
		goto fail;

	if ((rc = st_pgpool_new(cx, o->db_url, o->read_only, 8, &s->env.pool)) < 0)
		goto fail;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%u", o->port);
	if (getaddrinfo(!strcmp(host, "[::1]") ? "::1" : host, portstr, &hints,
			&ai) != 0 || !ai) {
		rc = st_err_set(cx, ST_EUSAGE, "cannot resolve host \"%s\"", host);
		goto fail;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, handle, s,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->daemon) {
		rc = st_err_set(cx, ST_ERROR, "could not listen on %s:%u", host,
				o->port);
		st_err_hint(cx, "Is another program using the port? Try --port.");
		goto fail;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	*out = s;
	return 0;
fail:
	st_pgpool_free(s->env.pool);
	st_arena_free(s->arena);
	free(s);
	return rc;
}

unsigned
st_studio_port(const st_studio *s)
{
	return s->port;
}

const char *
st_studio_token(const st_studio *s)
{
	return s->token;
}

char *
st_studio_url(st_arena *a, const st_studio *s)
{
	const char *h = s->host;

	if (!strcmp(h, "0.0.0.0"))
		h = "127.0.0.1";
	else if (!strcmp(h, "::"))
		h = "[::1]";
	if (strchr(h, ':') && h[0] != '[')
		return st_strfmt(a, "http://[%s]:%u/?token=%s", h, s->port, s->token);
	return st_strfmt(a, "http://%s:%u/?token=%s", h, s->port, s->token);
}

void
st_studio_stop(st_studio *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	st_pgpool_free(s->env.pool);
	st_arena_free(s->arena);
	free(s);
}
