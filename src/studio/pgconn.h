/*
 * pgconn.h - the studio's libpq gateway: a small connection pool shared
 * by request threads, and parameterised queries whose results live in
 * the request's arena.
 *
 * Connections are opened with db/db.h (st_db_connect: Prisma URLs and
 * error codes); this file adds pooling, result shapes the routes want
 * (column names and type OIDs) and keeps libpq out of other studio files.
 */
#ifndef ST_STUDIO_PGCONN_H
#define ST_STUDIO_PGCONN_H

#include <stdbool.h>

#include "util/error.h"

struct st_db;
typedef struct st_pgpool st_pgpool;
typedef struct st_pgconn st_pgconn;

/* A result: values are NUL-terminated text (PostgreSQL's output format),
 * NULL for SQL NULL.  Everything lives until the arena of the cx that ran
 * the query is reset or freed. */
typedef struct st_pgres {
	int nrows, ncols;
	const char **names;        /* ncols */
	unsigned *types;           /* ncols, type OIDs */
	const char **vals;         /* nrows * ncols, row-major */
	long affected;             /* rows affected by INSERT/UPDATE/DELETE */
} st_pgres;

#define ST_PGRES_VAL(r, row, col) ((r)->vals[(size_t)(row) * (r)->ncols + (col)])

/* Opens one connection to check the URL (st_db_connect's errors:
 * P1000, P1001, P1003, P1013).  read_only sets default_transaction_read_only. */
int st_pgpool_new(st_ctx *cx, const char *url, bool read_only, int max_idle,
		  st_pgpool **out);
void st_pgpool_free(st_pgpool *p);
/* Borrows an idle connection or opens one. */
int st_pgpool_get(st_ctx *cx, st_pgpool *p, st_pgconn **out);
/* Returns it; a broken connection or one inside a transaction (after
 * a ROLLBACK attempt) is closed instead. */
void st_pgpool_put(st_pgpool *p, st_pgconn *c);

/* Runs sql with text parameters (NULL entries are SQL NULL).
 * On failure: ST_EDB with the server's primary message, DETAIL and HINT
 * in cx, and the SQLSTATE kept in st_pgconn_sqlstate(). */
int st_pg_exec(st_ctx *cx, st_pgconn *c, const char *sql, int nparams,
	       const char *const *params, st_pgres **out);
/* Convenience for statements without results (BEGIN, COMMIT). */
int st_pg_cmd(st_ctx *cx, st_pgconn *c, const char *sql);
/* "23505" after a failed query, "" otherwise */
const char *st_pgconn_sqlstate(const st_pgconn *c);
/* Name of the current database and the server version ("15.18"). */
const char *st_pgconn_dbname(const st_pgconn *c);
int st_pgconn_server_version(const st_pgconn *c);
/* The connection as db/db.h sees it, for library calls (migrate status). */
struct st_db *st_pgconn_db(st_pgconn *c);

#endif
