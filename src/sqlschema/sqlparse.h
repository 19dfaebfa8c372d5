/*
 * sqlparse.h - the libpg_query gateway: splitting a SQL script into
 * statements and telling which of them cannot run inside a transaction
 * block.  sqlparse.c is the only file that includes pg_query.h.
 *
 *	st_vec stmts;                       // st_sqlstmt *
 *	if (st_sqlparse_split(cx, sql, &stmts) < 0)
 *		...                             // ST_EPARSE, cx has the message
 */
#ifndef ST_SQLSCHEMA_SQLPARSE_H
#define ST_SQLSCHEMA_SQLPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/vec.h"

typedef enum st_sqlstmt_kind {
	ST_SQLSTMT_PLAIN,     /* runs anywhere */
	ST_SQLSTMT_NOTXN,     /* cannot run in a transaction block
			         (CREATE INDEX CONCURRENTLY, VACUUM ...) */
	ST_SQLSTMT_TXNCTL,    /* BEGIN, COMMIT, ROLLBACK, SAVEPOINT ... */
	ST_SQLSTMT_ADDVALUE,  /* ALTER TYPE ... ADD VALUE (value usable only
			         after its transaction commits) */
} st_sqlstmt_kind;

typedef struct st_sqlstmt {
	size_t off, len;        /* bytes into the script, trailing ';'
				   included when present */
	st_sqlstmt_kind kind;
	const char *what;       /* "CREATE INDEX CONCURRENTLY", ... or NULL */
	const char *enum_value; /* ADDVALUE: the new label */
} st_sqlstmt;

/* Splits and classifies (statements in order).  ST_EPARSE on a syntax
 * error: the message is libpg_query's, the detail gives the line. */
int st_sqlparse_split(st_ctx *cx, const char *sql, st_vec *out);

/* A cheap pre-check: false when the script certainly holds no
 * statement other than ST_SQLSTMT_PLAIN (no need to parse it). */
bool st_sqlparse_maybe_special(const char *sql, size_t len);

/*
 * Whether two partial-index predicates say the same thing, the way
 * Prisma's differ compares them: as parse trees, so parentheses, quoting
 * of names and the casts PostgreSQL adds to string literals
 * (`'active'::text`) do not count, while a cast of a column
 * (`(v)::text`) or a different literal does.  Either text failing to
 * parse: only byte equality counts.
 */
bool st_sqlparse_same_predicate(const char *a, const char *b);

#endif
