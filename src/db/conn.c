/*
 * conn.c - connecting from a Prisma-style database URL: Prisma's own query
 * parameters (schema, connection_limit, pgbouncer ...) are taken out before
 * libpq sees the URL, ?schema= becomes search_path, a missing database can
 * be created (as `migrate deploy` does), and connection failures become
 * Prisma's P1000 / P1001 / P1003 errors without the password.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "util/url.h"
#include "util/vec.h"

/* URL parameters Prisma understands and libpq does not. */
static const char *const prisma_params[] = {
	"schema", "connection_limit", "pool_timeout", "pgbouncer",
	"statement_cache_size", "socket_timeout", "sslaccept", "sslidentity",
	"max_idle_connection_lifetime", "max_connection_lifetime", NULL,
};

static bool
is_prisma_param(const char *k, size_t n)
{
	for (const char *const *p = prisma_params; *p; p++)
		if (strlen(*p) == n && !strncmp(*p, k, n))
			return true;
	return false;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *
pct_decode(st_arena *a, const char *s, size_t n)
{
	char *out = st_alloc(a, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

typedef struct parsed {
	char *libpq_url;        /* the URL without Prisma-only parameters */
	PQconninfoOption *opts; /* freed with the arena */
} parsed;

static void
free_conninfo(void *p)
{
	PQconninfoFree(p);
}

static void
add_secret(st_vec *v, st_arena *a, const char *s, size_t n)
{
	if (n)
		st_vec_push(v, st_strndup(a, s, n));
}

/*
 * libpq's URL parse errors quote the offending component as written
 * (invalid percent-encoded token: "se%zzcret"), which may be the
 * password: mask every password the URL holds (user:PASSWORD@ and
 * password=...) in msg.
 */
static const char *
scrub_secrets(st_arena *a, const char *msg, const char *url)
{
	st_vec secrets;
	const char *p = strstr(url, "://");
	st_strbuf sb;

	st_vec_init(&secrets, a);
	if (p) {
		const char *host = p + 3, *end = host + strcspn(host, "/?#");
		const char *at = NULL, *colon;

		for (const char *q = host; q < end; q++)
			if (*q == '@')
				at = q;
		if (at && (colon = memchr(host, ':', (size_t)(at - host))))
			add_secret(&secrets, a, colon + 1, (size_t)(at - colon - 1));
	}
	for (p = url; (p = strstr(p, "password")); ) {
		p += 8;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');

			add_secret(&secrets, a, p + 1,
				   e ? (size_t)(e - p - 1) : strlen(p + 1));
		} else {
			size_t n = strcspn(p, "& \t\n#");

			add_secret(&secrets, a, p, n);
			/* key=value form, "password=a b": libpq reports the
			 * words after the first (missing "=" after "b") */
			for (p += n; !strstr(url, "://") && (*p == ' ' || *p == '\t');) {
				p += strspn(p, " \t");
				n = strcspn(p, " \t\n");
				if (!n || memchr(p, '=', n))
					break;
				add_secret(&secrets, a, p, n);
				p += n;
			}
		}
	}
	st_strbuf_init_arena(&sb, a);
	st_strbuf_adds(&sb, msg);
	for (size_t i = 0; i < secrets.len; i++) {
		const char *sec = secrets.items[i];
		size_t n = strlen(sec);
		st_strbuf out;
		const char *s = sb.buf, *hit;

		st_strbuf_init_arena(&out, a);
		while ((hit = strstr(s, sec))) {
			st_strbuf_add(&out, s, (size_t)(hit - s));
			st_strbuf_adds(&out, "****");
			s = hit + n;
		}
		st_strbuf_adds(&out, s);
		sb = out;
	}
	return sb.buf;
}

/* A host never holds "@" and a port is digits (a list: "1,2"); anything
 * else means an unencoded "@" or "/" in the password moved the split. */
static bool
uri_authority_ok(const st_dburl *u)
{
	if (u->host && strchr(u->host, '@'))
		return false;
	for (const char *p = u->port; p && *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ',')
			return false;
	return true;
}

static int
parse_url(st_ctx *cx, const char *url, st_dburl *out, parsed *pp)
{
	st_strbuf sb;
	const char *q;
	char *err = NULL;
	PQconninfoOption *opts;
	bool is_uri = !strncmp(url, "postgresql://", 13) ||
		      !strncmp(url, "postgres://", 11);

	memset(out, 0, sizeof(*out));
	out->redacted = st_url_redact(cx->arena, url);
	out->schema = "public";
	if (!is_uri && strstr(url, "://")) {
		st_err_setp(cx, ST_EUSAGE, "P1013",
			    "the provided database string is invalid");
		st_err_detail(cx, "The URL %s must start with the protocol "
			      "`postgresql://` or `postgres://`.", out->redacted);
		return ST_EUSAGE;
	}
	st_strbuf_init_arena(&sb, cx->arena);
	q = is_uri ? strchr(url, '?') : NULL;
	if (q) {
		const char *s = q + 1;
		bool first = true;

		st_strbuf_add(&sb, url, (size_t)(q - url));
		while (*s) {
			const char *amp = strchr(s, '&'), *eq;
			size_t n = amp ? (size_t)(amp - s) : strlen(s);

			eq = memchr(s, '=', n);
			if (is_prisma_param(s, eq ? (size_t)(eq - s) : n)) {
				if (eq && !strncmp(s, "schema=", 7))
					out->schema = pct_decode(cx->arena, eq + 1,
								 n - (size_t)(eq + 1 - s));
			} else if (n) {
				st_strbuf_addch(&sb, first ? '?' : '&');
				st_strbuf_add(&sb, s, n);
				first = false;
			}
			s += n;
			if (*s == '&')
				s++;
		}
	} else {
		st_strbuf_adds(&sb, url);
	}
	opts = PQconninfoParse(sb.buf, &err);
	if (!opts) {
		st_err_setp(cx, ST_EUSAGE, "P1013",
			    "the provided database string is invalid");
		if (err) {
			st_strbuf e;

			st_strbuf_init_arena(&e, cx->arena);
			st_strbuf_adds(&e, err);
			st_strbuf_rtrim(&e);
			st_err_detail(cx, "%s (in %s).",
				      scrub_secrets(cx->arena, e.buf, url),
				      scrub_secrets(cx->arena, out->redacted, url));
			PQfreemem(err);
		}
		return ST_EUSAGE;
	}
	st_arena_on_reset(cx->arena, free_conninfo, opts);
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "host"))
			out->host = st_strdup(cx->arena, o->val);
		else if (!strcmp(o->keyword, "port"))
			out->port = st_strdup(cx->arena, o->val);
		else if (!strcmp(o->keyword, "dbname"))
			out->dbname = st_strdup(cx->arena, o->val);
		else if (!strcmp(o->keyword, "user"))
			out->user = st_strdup(cx->arena, o->val);
	}
	if (is_uri && !uri_authority_ok(out)) {
		/* libpq split the URL somewhere inside the password: its host,
		 * port or database now hold pieces of it, and every message
		 * (ours, libpq's) would show them */
		st_err_setp(cx, ST_EUSAGE, "P1013",
			    "the provided database string is invalid");
		st_err_detail(cx, "The host or port in the URL is not valid.");
		st_err_hint(cx, "A user name or password containing \"@\", \"/\", "
			    "\":\", \"?\" or \"#\" must be percent-encoded (%%40, "
			    "%%2F, %%3A, %%3F, %%23).");
		return ST_EUSAGE;
	}
	if (!out->host)
		out->host = "localhost";
	if (!out->port)
		out->port = "5432";
	if (!out->user) {
		const char *u = getenv("PGUSER");

		out->user = u ? u : getenv("USER") ? getenv("USER") : "postgres";
	}
	if (!out->dbname)
		out->dbname = getenv("PGDATABASE") ? getenv("PGDATABASE") : out->user;
	if (pp) {
		pp->libpq_url = sb.buf;
		pp->opts = opts;
	}
	return 0;
}

int
st_dburl_parse(st_ctx *cx, const char *url, st_dburl *out)
{
	return parse_url(cx, url, out, NULL);
}

/* Server NOTICEs ("table does not exist, skipping") are not ours to print. */
static void
quiet_notice(void *arg, const char *msg)
{
}

static void
close_cb(void *p)
{
	st_db_close(p);
}

void
st_db_close(st_db *db)
{
	if (db && db->conn) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
}

/* "-c search_path=..." with spaces and backslashes escaped for options. */
static const char *
search_path_option(st_arena *a, const char *schema)
{
	st_strbuf sb, q;

	st_strbuf_init_arena(&q, a);
	st_sql_ident(&q, schema);
	st_strbuf_init_arena(&sb, a);
	st_strbuf_adds(&sb, "-c search_path=");
	for (const char *s = q.buf; *s; s++) {
		if (*s == ' ' || *s == '\\')
			st_strbuf_addch(&sb, '\\');
		st_strbuf_addch(&sb, *s);
	}
	return sb.buf;
}

static PGconn *
connect_with(st_ctx *cx, const parsed *pp, const st_dburl *u,
	     const char *dbname, const st_db_opts *o, bool set_path)
{
	const char *keys[64], *vals[64];
	int n = 0;
	const char *options = NULL;
	bool have_app = false, have_timeout = false;

	for (PQconninfoOption *c = pp->opts; c->keyword && n < 56; c++) {
		if (!c->val || !*c->val)
			continue;
		if (!strcmp(c->keyword, "dbname") && dbname)
			continue;
		if (!strcmp(c->keyword, "options")) {
			options = c->val;
			continue;
		}
		if (!strcmp(c->keyword, "application_name"))
			have_app = true;
		if (!strcmp(c->keyword, "connect_timeout")) {
			if (o && o->connect_timeout)
				continue;
			have_timeout = true;
		}
		keys[n] = c->keyword;
		vals[n++] = c->val;
	}
	if (dbname) {
		keys[n] = "dbname";
		vals[n++] = dbname;
	}
	if (set_path) {
		const char *sp = search_path_option(cx->arena, u->schema);

		keys[n] = "options";
		vals[n++] = options ? st_strfmt(cx->arena, "%s %s", options, sp) : sp;
	} else if (options) {
		keys[n] = "options";
		vals[n++] = options;
	}
	if (!have_app) {
		keys[n] = "application_name";
		vals[n++] = o && o->application_name ? o->application_name : "strata";
	}
	if (o && o->connect_timeout) {
		keys[n] = "connect_timeout";
		vals[n++] = st_strfmt(cx->arena, "%d", o->connect_timeout);
	} else if (!have_timeout) {
		/* Prisma's default: an unreachable host fails in 5 s, not never */
		keys[n] = "connect_timeout";
		vals[n++] = "5";
	}
	keys[n] = NULL;
	vals[n] = NULL;
	return PQconnectdbParams(keys, vals, 0);
}

typedef enum { CONN_OK, CONN_AUTH, CONN_NODB, CONN_REACH, CONN_OTHER } conn_fail;

static conn_fail
classify(PGconn *c)
{
	const char *m;

	if (PQstatus(c) == CONNECTION_OK)
		return CONN_OK;
	m = PQerrorMessage(c);
	if (strstr(m, "password authentication failed") ||
	    strstr(m, "no password supplied") ||
	    strstr(m, "authentication failed") ||
	    strstr(m, "password is required"))
		return CONN_AUTH;
	if (strstr(m, "database \"") && strstr(m, "\" does not exist"))
		return CONN_NODB;
	if (strstr(m, "could not connect") || strstr(m, "Connection refused") ||
	    strstr(m, "could not translate host name") ||
	    strstr(m, "timeout expired") || strstr(m, "No such file or directory") ||
	    strstr(m, "Network is unreachable") || strstr(m, "No route to host"))
		return CONN_REACH;
	return CONN_OTHER;
}

static void
set_conn_error(st_ctx *cx, PGconn *c, conn_fail f, const st_dburl *u)
{
	st_strbuf m;

	st_strbuf_init_arena(&m, cx->arena);
	st_strbuf_adds(&m, PQerrorMessage(c));
	st_strbuf_rtrim(&m);
	switch (f) {
	case CONN_AUTH:
		st_err_setp(cx, ST_ECONNECT, "P1000",
			    "Authentication failed against database server at "
			    "`%s`, the provided database credentials for `%s` are "
			    "not valid.", u->host, u->user);
		st_err_hint(cx, "Please make sure to provide valid database "
			    "credentials for the database server at `%s`.", u->host);
		break;
	case CONN_NODB:
		st_err_setp(cx, ST_ECONNECT, "P1003",
			    "Database `%s` does not exist on the database server at "
			    "`%s:%s`.", u->dbname, u->host, u->port);
		break;
	case CONN_REACH:
		st_err_setp(cx, ST_ECONNECT, "P1001",
			    "Can't reach database server at `%s`:`%s`", u->host,
			    u->port);
		st_err_hint(cx, "Please make sure your database server is running "
			    "at `%s`:`%s`.", u->host, u->port);
		break;
	default:
		st_err_set(cx, ST_ECONNECT, "could not connect to the database "
			   "server at `%s`:`%s`", u->host, u->port);
		break;
	}
	/* libpq's own text never holds the password */
	st_err_detail(cx, "%s", m.buf);
}

static int
create_database(st_ctx *cx, const parsed *pp, const st_dburl *u,
		const st_db_opts *o)
{
	static const char *const admin[] = { "postgres", "template1", "defaultdb" };
	PGconn *c = NULL;
	PGresult *res;
	st_strbuf sql;
	int rc = 0;

	for (size_t i = 0; i < 3; i++) {
		c = connect_with(cx, pp, u, admin[i], o, false);
		if (PQstatus(c) == CONNECTION_OK)
			break;
		PQfinish(c);
		c = NULL;
	}
	if (!c) {
		st_err_setp(cx, ST_ECONNECT, "P1003",
			    "Database `%s` does not exist on the database server at "
			    "`%s:%s`.", u->dbname, u->host, u->port);
		st_err_detail(cx, "Prisma could not connect to a default database "
			      "(`postgres` or `template1`), it cannot create the "
			      "specified database.");
		return ST_ECONNECT;
	}
	st_strbuf_init_arena(&sql, cx->arena);
	st_strbuf_adds(&sql, "CREATE DATABASE ");
	st_sql_ident(&sql, u->dbname);
	for (int attempt = 0;; attempt++) {
		const char *state;

		res = PQexec(c, sql.buf);
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			break;
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* 55006: another session is copying template1 right now (a
		 * concurrent deployer creating the same database): retry */
		if (state && !strcmp(state, "55006") && attempt < 100) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			PQclear(res);
			nanosleep(&ts, NULL);
			continue;
		}
		/* a concurrent deployer created it first: fine */
		if (!state || (strcmp(state, "42P04") && strcmp(state, "23505"))) {
			st_dberr e;
			st_strbuf m;

			st_dberr_from_result(cx->arena, res, &e);
			st_strbuf_init_arena(&m, cx->arena);
			st_dberr_render(&m, &e);
			st_err_setp(cx, ST_EDB, "P3000",
				    "Failed to create database: %s", m.buf);
			rc = ST_EDB;
		}
		break;
	}
	PQclear(res);
	PQfinish(c);
	return rc;
}

int
st_db_connect(st_ctx *cx, const char *url, const st_db_opts *o, st_db **out)
{
	st_db *db = st_alloc(cx->arena, sizeof(*db));
	parsed pp;
	conn_fail f;
	int rc;

	*out = NULL;
	if ((rc = parse_url(cx, url, &db->url, &pp)) < 0)
		return rc;
	db->conn = connect_with(cx, &pp, &db->url, NULL, o, true);
	f = classify(db->conn);
	if (f == CONN_NODB && o && o->create_missing) {
		PQfinish(db->conn);
		db->conn = NULL;
		if ((rc = create_database(cx, &pp, &db->url, o)) < 0)
			return rc;
		db->created = true;
		db->conn = connect_with(cx, &pp, &db->url, NULL, o, true);
		f = classify(db->conn);
	}
	if (f != CONN_OK) {
		set_conn_error(cx, db->conn, f, &db->url);
		PQfinish(db->conn);
		db->conn = NULL;
		return ST_ECONNECT;
	}
	db->server_version = PQserverVersion(db->conn);
	PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
	st_arena_on_reset(cx->arena, close_cb, db);
	*out = db;
	return 0;
}

bool
st_db_in_txn(const st_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(db->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

int
st_db_backend_pid(const st_db *db)
{
	return PQbackendPID(db->conn);
}

void
st_db_cancel(st_db *db)
{
	PGcancel *c = PQgetCancel(db->conn);
	char buf[256];

	if (c) {
		PQcancel(c, buf, sizeof(buf));
		PQfreeCancel(c);
	}
}
