/*
 * strata.h - the public C API: apply a Prisma-compatible migrations folder
 * from inside a program, e.g. a C server that migrates its database at
 * start-up before it serves traffic (as a Wasp server does).
 *
 *	strata_error err;
 *	strata_db *db = strata_connect(getenv("DATABASE_URL"), &err);
 *	if (!db) { fprintf(stderr, "%s\n", err.message); exit(1); }
 *	strata_deploy_report rep;
 *	if (strata_deploy(db, "prisma/migrations", NULL, &rep, &err) != 0) {
 *		fprintf(stderr, "%s: %s\n%s\n", err.pcode, err.message, err.detail);
 *		exit(1);
 *	}
 *	printf("%zu applied\n", rep.applied);
 *	strata_close(db);
 *
 * Semantics are those of `strata migrate deploy` / `migrate status`:
 * Prisma's _prisma_migrations table and advisory lock (72707369), so a
 * program using this library, the strata CLI and Prisma can share one
 * database.  Link with libstrata.a -ldl -lpthread -lm (libpq and the other
 * libraries are loaded on first use, see src/util/dynlib.h).
 * The API is thread-compatible: one strata_db per thread.
 */
#ifndef STRATA_STRATA_H
#define STRATA_STRATA_H

#include <stdbool.h>
#include <stddef.h>

#include "strata/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct strata_db strata_db;

typedef struct strata_error {
	int code;            /* 0, or a negative error class (-4 database,
				-5 conflict such as a failed migration or the
				lock, -7 connection ...) */
	char pcode[8];       /* Prisma's error code ("P3018") or "" */
	char message[1024];
	char detail[4096];   /* may be "" */
	char hint[1024];     /* may be "" */
} strata_error;

typedef struct strata_deploy_options {
	int lock_timeout_ms; /* 0: 10000, as Prisma */
	bool create_database;/* ignored: the database is already connected
				here; use strata_connect_create() */
	/* called before each migration (done false) and after each one
	 * applied (done true, ms its duration); a failed migration gets no
	 * done call, see rep->failed.  May be NULL. */
	void (*on_migration)(void *arg, const char *name, bool done, double ms);
	void *arg;
} strata_deploy_options;

typedef struct strata_deploy_report {
	size_t found;        /* migrations in the folder */
	size_t applied;      /* applied by this call */
	char failed[256];    /* name of the migration that failed, or "" */
} strata_deploy_report;

typedef enum strata_state {
	STRATA_UP_TO_DATE = 0,
	STRATA_PENDING,
	STRATA_FAILED,
	STRATA_DIVERGED,
	STRATA_NOT_MANAGED,
} strata_state;

typedef struct strata_status_report {
	strata_state state;
	size_t found;            /* migrations in the folder */
	size_t pending;          /* never applied */
	size_t failed;           /* failed rows */
	size_t edited;           /* applied, file changed since */
	size_t missing_locally;  /* applied, not in the folder */
	char first_pending[256]; /* or "" */
} strata_status_report;

/* "0.1.0" */
const char *strata_version(void);

/* Connects from a URL (postgresql://..., ?schema= honoured).  NULL on
 * failure with err filled (P1000, P1001, P1003, P1013). */
strata_db *strata_connect(const char *url, strata_error *err);
/* Same, creating the database when it does not exist. */
strata_db *strata_connect_create(const char *url, strata_error *err);
void strata_close(strata_db *db);

/* Applies pending migrations of dir.  0, or -1 with err (P1002, P3005,
 * P3009, P3015, P3018 ...) and rep->failed set when a migration failed. */
int strata_deploy(strata_db *db, const char *dir,
		  const strata_deploy_options *opts, strata_deploy_report *rep,
		  strata_error *err);

/* Reads the status of dir against the database.  0, or -1 with err. */
int strata_status(strata_db *db, const char *dir, strata_status_report *out,
		  strata_error *err);

#ifdef __cplusplus
}
#endif

#endif
