/*
 * db.h - the libpq gateway: connecting from a Prisma-style URL, running
 * scripts and parameterised queries, and PostgreSQL errors as data.
 * This header and localdb/studio are the only places that include
 * libpq-fe.h; everything else sees st_db and st_dbres.
 *
 *	st_db *db;
 *	if (st_db_connect(cx, url, NULL, &db) < 0)     // P1000/P1001/P1003
 *		goto done;
 *	st_dbres *r;
 *	const char *p[] = { "public" };
 *	if (st_db_query(cx, db, &r, "SELECT $1::text", 1, p) < 0)
 *		goto done;                             // cx + st_db_error(db)
 *	puts(st_dbres_get(r, 0, 0));
 *	st_db_close(db);      // also closed when cx's arena is freed
 *
 * Results live until cx's arena is reset (st_arena_on_reset).  URLs are
 * never printed unredacted (st_url_redact).
 */
#ifndef ST_DB_DB_H
#define ST_DB_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "util/error.h"

typedef struct st_dberr {
	const char *severity;  /* "ERROR", "FATAL" ... */
	const char *sqlstate;  /* "42P01", or NULL for client-side failures */
	const char *primary;   /* PostgreSQL's primary message */
	const char *detail;
	const char *hint;
	const char *where;     /* CONTEXT */
	int position;          /* 1-based character offset into the statement
				  sent, 0 when unknown */
	int internal_position;
	const char *internal_query;
} st_dberr;

/* Parts of a connection URL, for messages and for creating the database. */
typedef struct st_dburl {
	const char *host;      /* "127.0.0.1", a socket dir, or "localhost" */
	const char *port;      /* "5432" when not given */
	const char *dbname;
	const char *user;
	const char *schema;    /* ?schema=, default "public" */
	const char *redacted;  /* the URL with the password masked */
} st_dburl;

typedef struct st_db_opts {
	bool create_missing;   /* create the database when it does not exist */
	const char *application_name; /* default "strata" */
	int connect_timeout;   /* seconds; 0: libpq's / the URL's */
} st_db_opts;

typedef struct st_db {
	PGconn *conn;
	st_dburl url;
	bool created;          /* the database was created by this connect */
	st_dberr err;          /* last server error (valid after ST_EDB) */
	bool has_err;
	int server_version;    /* 150018 */
} st_db;

typedef struct st_dbres {
	PGresult *res;
	int nrows, ncols;
	const char *cmd_tuples; /* "3" for UPDATE 3 */
} st_dbres;

/*
 * Splits a postgres:// / postgresql:// URL (Prisma parameters such as
 * schema, connection_limit, pgbouncer are understood and removed from what
 * libpq sees).  ST_EUSAGE with P1013 for an invalid URL.
 */
int st_dburl_parse(st_ctx *cx, const char *url, st_dburl *out);

/*
 * Connects.  ?schema=NAME becomes search_path (NAME only, as Prisma does).
 * Errors carry Prisma's codes: P1000 (authentication), P1001 (cannot
 * reach), P1003 (database missing and !create_missing), P1013 (bad URL).
 * The connection is closed when cx's arena is freed, or with st_db_close.
 */
int st_db_connect(st_ctx *cx, const char *url, const st_db_opts *opts,
		  st_db **out);
void st_db_close(st_db *db);

/*
 * Runs a script with the simple query protocol (several statements in one
 * string, as psql -c and Prisma do).  ST_EDB on error: cx's message is
 * built from the server error, and db->err holds its parts.  There is no
 * data stream: COPY ... FROM STDIN fails, COPY ... TO STDOUT output is
 * dropped.  The script ends at its first NUL byte.
 */
int st_db_exec(st_ctx *cx, st_db *db, const char *sql);

/* A parameterised query (text parameters, text results); out may be NULL. */
int st_db_query(st_ctx *cx, st_db *db, st_dbres **out, const char *sql,
		int nparams, const char *const *params);

/* Cell value (NULL for SQL NULL). */
const char *st_dbres_get(const st_dbres *r, int row, int col);
bool st_dbres_isnull(const st_dbres *r, int row, int col);

/* Whether the session is inside a transaction block (or a failed one). */
bool st_db_in_txn(const st_db *db);
/* Backend process id of the session. */
int st_db_backend_pid(const st_db *db);
/* Asks the server to cancel the running query (from another thread). */
void st_db_cancel(st_db *db);

/* Fills err from a PGresult (dberr.c). Strings are copied into a. */
void st_dberr_from_result(st_arena *a, const PGresult *res, st_dberr *err);
/* "ERROR: relation \"x\" does not exist" + DETAIL/HINT lines. */
void st_dberr_render(st_strbuf *sb, const st_dberr *err);
/* Byte offset in s (len bytes, UTF-8) of PostgreSQL's 1-based character
 * position pos (st_dberr.position); len when pos is past the end. */
size_t st_dberr_pos_to_byte(const char *s, size_t len, int pos);

#endif
