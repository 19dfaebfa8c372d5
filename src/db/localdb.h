/*
 * localdb.h - the project's own development PostgreSQL (`strata db start`).
 *
 * A cluster made with the locally installed server binaries (initdb,
 * pg_ctl), listening on 127.0.0.1 only, trust authentication for the
 * "postgres" role, one database named after the project.  Its files live in
 * the project, under .strata/db/ (git-ignored):
 *
 *	.strata/db/cluster/data/     PGDATA
 *	.strata/db/cluster/server.log
 *	.strata/db/port              port of the running server
 *	.strata/db/pid               postmaster pid while it runs
 *	.strata/db/datadir           only when the data directory lives elsewhere
 *
 * As root, the server runs as the "postgres" OS user (PostgreSQL refuses to
 * run as root).  When that user cannot reach the project folder (a home
 * directory with mode 0700, say), the cluster goes to
 * /var/tmp/strata-db/<name>-<hash>/ instead and .strata/db/datadir says so.
 *
 * Everything lives in cx's arena.  Errors: ST_ENOTFOUND (server binaries
 * missing: the hint names the package), ST_ECONFLICT (port taken, data
 * directory of another major version, server already running as another
 * cluster), ST_ERROR (initdb/pg_ctl failed: the detail quotes its log).
 */
#ifndef ST_DB_LOCALDB_H
#define ST_DB_LOCALDB_H

#include <stdbool.h>

#include "util/error.h"

/* The default port, used when free. */
#define ST_LOCALDB_PORT 5432

typedef struct st_localdb {
	const char *project_dir; /* absolute */
	const char *state_dir;   /* <project>/.strata/db */
	const char *cluster_dir; /* holds data/ and server.log */
	const char *data_dir;    /* PGDATA */
	const char *log_path;
	bool relocated;          /* cluster_dir is outside the project */
	const char *dbname;      /* named after the project folder */

	bool initialized;        /* data_dir/PG_VERSION exists */
	int data_major;          /* from PG_VERSION, 0 when unknown */
	bool running;
	long pid;                /* postmaster pid when running */
	int port;                /* when running: its port; else the last one */
	bool stale_pid;          /* a pid file without a server was found */
	const char *url;         /* postgresql://postgres@127.0.0.1:PORT/DB */

	/* filled by st_localdb_find_bin() */
	const char *bindir;
	int bin_major;
} st_localdb;

/*
 * Reads the state of project_dir's local database (nothing is started or
 * created).  Sets running, pid, port, url, stale_pid, initialized,
 * data_major.
 */
int st_localdb_open(st_ctx *cx, const char *project_dir, st_localdb **out);

/*
 * Finds initdb and pg_ctl: $STRATA_PG_BINDIR, then PATH, then
 * `pg_config --bindir`, then /usr/lib/postgresql/<major>/bin (newest
 * first).  When db's data directory exists, binaries of its major version
 * are preferred.  ST_ENOTFOUND when none are installed.
 */
int st_localdb_find_bin(st_ctx *cx, st_localdb *db);

/*
 * Initializes the cluster when needed, starts it on port (0: the last
 * port, else 5432 when free, else a free one), and creates the project's
 * database.  Messages for the user (notes about a stale pid file, a
 * relocated data directory, initdb) go to note(arg, text) when note is not
 * NULL.
 */
int st_localdb_start(st_ctx *cx, st_localdb *db, int port,
		     void (*note)(void *arg, const char *text), void *arg);

/* Stops the server (fast shutdown).  Not running is not an error. */
int st_localdb_stop(st_ctx *cx, st_localdb *db);

/* True while the server with db->pid is alive. */
bool st_localdb_alive(st_localdb *db);

/*
 * For URL resolution: returns 1 and sets *out_url when project_dir's local
 * database is running, 0 when it is not, < 0 on error.
 */
int st_localdb_running_url(st_ctx *cx, const char *project_dir,
			   char **out_url);

/* The database name for a project folder: its lowercased name, with
 * characters other than [a-z0-9_] turned into "_" (at most 63 bytes). */
char *st_localdb_dbname(st_arena *a, const char *project_dir);

#endif
