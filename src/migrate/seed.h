/*
 * seed.h - `strata db seed`: a seed command (package.json "prisma":
 * {"seed": "..."} or prisma.config.ts migrations.seed) run through sh -c
 * with DATABASE_URL exported, or an SQL seed file run in one transaction.
 *
 * SQL seeds may use ${VAR} and ${VAR:-default}.  Each reference becomes one
 * SQL string literal holding the variable's value (st_sql_literal), so a
 * value can never change the statement around it.  References are
 * recognised in SQL text and inside dollar-quoted bodies (DO $$ ... $$),
 * not inside '...' strings, "..." identifiers or comments, which stay as
 * written.  ${VAR} with VAR unset is an error; ${VAR:-default} uses default
 * when VAR is unset or empty.  A seed file may not COMMIT or ROLLBACK: it
 * runs in the one transaction strata opens, so a failure leaves nothing
 * behind.
 *
 * Everything lives in cx's arena.
 */
#ifndef ST_MIGRATE_SEED_H
#define ST_MIGRATE_SEED_H

#include <stddef.h>

#include "util/error.h"

/* Looks up a variable: the environment, then .env files (cli/project.h).
 * NULL when unset. */
typedef const char *(*st_seed_env_fn)(void *arg, const char *name);

/*
 * Replaces the ${...} references of an SQL seed.  path names the file in
 * messages.  ST_EUSAGE for an unset ${VAR}, a malformed reference, a value
 * that would end the dollar-quoted body it is used in, or a transaction
 * statement (BEGIN, COMMIT, ROLLBACK, ...) in the script.  *nstmt (may be
 * NULL) receives the number of top-level statements.
 */
int st_seed_substitute(st_ctx *cx, const char *sql, const char *path,
		       st_seed_env_fn env, void *env_arg, char **out,
		       int *nstmt);

/*
 * Runs an SQL seed file against url in one transaction (BEGIN ... COMMIT;
 * ROLLBACK on any error).  Database errors are ST_EDB with PostgreSQL's
 * message; the detail names the file, line and column.
 */
int st_seed_run_sql(st_ctx *cx, const char *url, const char *path,
		    st_seed_env_fn env, void *env_arg, int *nstmt);

/*
 * Runs a seed command with `sh -c` in dir, args appended (each quoted for
 * the shell) and, when url is not NULL, DATABASE_URL set to it.  stdin,
 * stdout and stderr are the caller's.  *status receives the command's exit
 * status (128+N when killed by signal N).  Returns < 0 only when the
 * command could not be started.
 */
int st_seed_run_command(st_ctx *cx, const char *command, const char *dir,
			const char *url, const char *const *args, size_t nargs,
			int *status);

#endif
