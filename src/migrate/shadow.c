/*
 * shadow.c - the shadow database (shadow.h): creating it, replaying a
 * migrations folder onto it with the runner, and making sure it is gone
 * afterwards.  Cleanup is done by a watchdog process forked when the
 * database is created: the parent tells it "drop now" through a pipe (on
 * close, at exit, from a signal handler - write() and waitpid() are
 * async-signal-safe), and when the pipe closes without a word the parent
 * died (SIGKILL, a crash) and the watchdog drops the database anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/localdb.h"
#include "migrate/migrate.h"
#include "migrate/shadow.h"
#include "sqlschema/introspect.h"
#include "util/url.h"

/* ==== URLs ==== */

char *
st_url_with_dbname(st_arena *a, const char *url, const char *dbname)
{
	const char *auth = strstr(url, "://");
	const char *path, *query;

	auth = auth ? auth + 3 : url;
	query = strchr(auth, '?');
	path = strchr(auth, '/');
	if (path && query && path > query)
		path = NULL;
	if (!path)
		path = query ? query : auth + strlen(auth);
	return st_strfmt(a, "%.*s/%s%s", (int)(path - url), url, dbname,
			 query ? query : "");
}

/* ==== the cleanup registry and the watchdog ==== */

#define MAX_SLOTS 4

typedef struct slot {
	bool used;
	st_shadow_kind kind;
	char *admin_url;     /* malloc'd: where to run DROP DATABASE */
	char *dbname;
	char *local_dir;     /* ST_SHADOW_LOCAL: the temporary project dir */
	pid_t watchdog;
	int pipe_w;          /* write end: 'D' = clean up now */
	int conn_fd;         /* the parent's socket to the shadow database */
} slot;

static slot slots[MAX_SLOTS];
static bool handlers_installed;
static struct sigaction old_actions[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Runs in the watchdog (a fresh process image of the parent's memory). */
static void
cleanup_slot(slot *s)
{
	st_ctx *cx = st_ctx_new(NULL);

	if (s->kind == ST_SHADOW_CREATED) {
		st_db *db;
		st_strbuf sql = ST_STRBUF_INIT;
		int rc = -1;

		if (st_db_connect(cx, s->admin_url, NULL, &db) == 0) {
			st_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
			st_sql_ident(&sql, s->dbname);
			st_strbuf_adds(&sql, " WITH (FORCE)");
			rc = st_db_exec(cx, db, sql.buf);
			if (rc < 0 && db->err.sqlstate &&
			    !strcmp(db->err.sqlstate, "42601")) {
				/* before PostgreSQL 13: no FORCE */
				st_strbuf_setlen(&sql, sql.len - strlen(" WITH (FORCE)"));
				for (int i = 0; i < 50 && rc < 0; i++) {
					st_err_clear(cx);
					rc = st_db_exec(cx, db, sql.buf);
					if (rc < 0)
						usleep(100000);
				}
			}
			st_db_close(db);
		}
		if (rc < 0)
			fprintf(stderr, "strata: warning: could not drop the shadow "
				"database \"%s\": %s\n", s->dbname, cx->err_msg.buf);
		st_strbuf_release(&sql);
	} else if (s->kind == ST_SHADOW_LOCAL) {
		st_localdb *ldb;

		if (st_localdb_open(cx, s->local_dir, &ldb) == 0)
			st_localdb_stop(cx, ldb);
		nftw(s->local_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	st_ctx_free(cx);
}

static void
watchdog_main(slot *s, int pipe_r)
{
	char c = 0;
	ssize_t n;
	int nul = open("/dev/null", O_RDWR);

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
	}
	/* Drop every inherited descriptor but the pipe and stderr, so the
	 * parent's connections close when the parent goes away. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != pipe_r)
			close(fd);
	do {
		n = read(pipe_r, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n == 1 && c == 'K')
		_exit(0);
	cleanup_slot(s);
	_exit(0);
}

/* Tells the watchdog to clean up and waits for it.  Signal-safe. */
static void
finish_slot(slot *s, char what)
{
	if (!s->used)
		return;
	s->used = false;
	if (s->conn_fd >= 0 && what == 'D')
		close(s->conn_fd);
	s->conn_fd = -1;
	if (write(s->pipe_w, &what, 1) < 0) {
		/* the watchdog is gone already */
	}
	close(s->pipe_w);
	while (waitpid(s->watchdog, NULL, 0) < 0 && errno == EINTR)
		;
}

static void
on_exit_cleanup(void)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		finish_slot(&slots[i], 'D');
}

static void
on_signal(int sig)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		finish_slot(&slots[i], 'D');
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_handlers(void)
{
	struct sigaction sa;

	if (handlers_installed)
		return;
	handlers_installed = true;
	atexit(on_exit_cleanup);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++) {
		sigaction(caught[i], NULL, &old_actions[i]);
		if (old_actions[i].sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
	}
}

/* Registers a database to clean up and starts its watchdog. */
static int
register_slot(st_ctx *cx, st_shadow_kind kind, const char *admin_url,
	      const char *dbname, const char *local_dir, int *out)
{
	int fds[2], i;
	slot *s;
	pid_t pid;

	for (i = 0; i < MAX_SLOTS && slots[i].used; i++)
		;
	if (i == MAX_SLOTS)
		return st_err_set(cx, ST_ERROR, "too many shadow databases open");
	if (pipe(fds) < 0)
		return st_err_set(cx, ST_ERROR, "could not create a pipe: %s",
				  strerror(errno));
	s = &slots[i];
	free(s->admin_url);
	free(s->dbname);
	free(s->local_dir);
	s->kind = kind;
	s->admin_url = admin_url ? st_xstrdup(admin_url) : NULL;
	s->dbname = dbname ? st_xstrdup(dbname) : NULL;
	s->local_dir = local_dir ? st_xstrdup(local_dir) : NULL;
	s->conn_fd = -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return st_err_set(cx, ST_ERROR, "could not fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[1]);
		watchdog_main(s, fds[0]);
	}
	close(fds[0]);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	s->watchdog = pid;
	s->pipe_w = fds[1];
	s->used = true;
	install_handlers();
	*out = i;
	return 0;
}

/* ==== opening ==== */

/* Empties a configured shadow database: every non-system schema. */
static int
empty_database(st_ctx *cx, st_db *db)
{
	st_dbres *r;
	st_strbuf sql = ST_STRBUF_INIT;
	int rc;

	rc = st_db_query(cx, db, &r,
		"SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
		" AND nspname <> 'information_schema' ORDER BY nspname", 0, NULL);
	if (rc < 0)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		st_strbuf_adds(&sql, "DROP SCHEMA ");
		st_sql_ident(&sql, st_dbres_get(r, i, 0));
		st_strbuf_adds(&sql, " CASCADE;");
	}
	st_strbuf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
	st_sql_ident(&sql, db->url.schema ? db->url.schema : "public");
	st_strbuf_adds(&sql, ";");
	if (strcmp(db->url.schema ? db->url.schema : "public", "public"))
		st_strbuf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS \"public\";");
	rc = st_db_exec(cx, db, sql.buf);
	st_strbuf_release(&sql);
	return rc;
}

static int
open_configured(st_ctx *cx, const char *dev_url, const char *shadow_url,
		st_shadow *sh)
{
	st_dburl du, su;
	int rc;

	if ((rc = st_dburl_parse(cx, shadow_url, &su)) < 0)
		return rc;
	if (dev_url && st_dburl_parse(cx, dev_url, &du) == 0 &&
	    !strcmp(du.host, su.host) && !strcmp(du.port, su.port) &&
	    !strcmp(du.dbname, su.dbname)) {
		st_err_set(cx, ST_EUSAGE, "the shadow database is the development "
			   "database");
		st_err_detail(cx, "shadowDatabaseUrl points at the same database as "
			      "the datasource url (%s); using it would wipe the "
			      "development data.", su.redacted);
		st_err_hint(cx, "Point shadowDatabaseUrl at a separate, empty "
			    "database.");
		return cx->err;
	}
	if ((rc = st_db_connect(cx, shadow_url,
				&(st_db_opts){ .create_missing = true }, &sh->db)) < 0 ||
	    (rc = empty_database(cx, sh->db)) < 0)
		return rc;
	sh->kind = ST_SHADOW_CONFIGURED;
	sh->url = shadow_url;
	sh->name = su.dbname;
	sh->desc = st_strfmt(cx->arena, "shadow database from shadowDatabaseUrl "
			     "(%s)", su.redacted);
	sh->slot = -1;
	return 0;
}

static int
open_local(st_ctx *cx, st_shadow *sh)
{
	char tmpl[] = "/tmp/strata-shadow-XXXXXX";
	char *dir = mkdtemp(tmpl);
	st_localdb *ldb;
	int rc;

	if (!dir)
		return st_err_set(cx, ST_ERROR, "could not create a temporary "
				  "folder: %s", strerror(errno));
	chmod(dir, 0755);
	dir = st_strdup(cx->arena, dir);
	if ((rc = register_slot(cx, ST_SHADOW_LOCAL, NULL, NULL, dir, &sh->slot)) < 0)
		return rc;
	if ((rc = st_localdb_open(cx, dir, &ldb)) < 0 ||
	    (rc = st_localdb_find_bin(cx, ldb)) < 0 ||
	    (rc = st_localdb_start(cx, ldb, 0, NULL, NULL)) < 0 ||
	    (rc = st_db_connect(cx, ldb->url, NULL, &sh->db)) < 0)
		return rc;
	sh->kind = ST_SHADOW_LOCAL;
	sh->url = ldb->url;
	sh->name = ldb->dbname;
	sh->desc = st_strfmt(cx->arena, "an ephemeral local PostgreSQL %d cluster "
			     "on 127.0.0.1:%d (the server refused CREATE DATABASE; "
			     "removed afterwards)", ldb->bin_major, ldb->port);
	return 0;
}

int
st_shadow_open(st_ctx *cx, const char *dev_url, const char *shadow_url,
	       st_shadow **out)
{
	st_shadow *sh = st_alloc(cx->arena, sizeof(*sh));
	st_db *admin = NULL;
	st_dburl du;
	char uuid[37];
	st_strbuf sql = ST_STRBUF_INIT;
	int rc;

	sh->slot = -1;
	*out = sh;
	if (shadow_url)
		return open_configured(cx, dev_url, shadow_url, sh);
	if (!dev_url)
		return st_err_set(cx, ST_EUSAGE, "a shadow database needs a database "
				  "URL or shadowDatabaseUrl");
	if ((rc = st_dburl_parse(cx, dev_url, &du)) < 0 ||
	    (rc = st_db_connect(cx, dev_url,
				&(st_db_opts){ .create_missing = true }, &admin)) < 0)
		return rc;
	st_uuid_v4(uuid);
	sh->name = st_strfmt(cx->arena, ST_SHADOW_PREFIX "%s", uuid);
	st_strbuf_adds(&sql, "CREATE DATABASE ");
	st_sql_ident(&sql, sh->name);
	/* register first: a signal between CREATE and registering must not
	 * leak the database (DROP IF EXISTS of a missing one is harmless) */
	if ((rc = register_slot(cx, ST_SHADOW_CREATED, dev_url, sh->name, NULL,
				&sh->slot)) < 0)
		goto done;
	rc = st_db_exec(cx, admin, sql.buf);
	if (rc < 0) {
		const char *state = admin->err.sqlstate ? admin->err.sqlstate : "";
		const char *inner = st_strdup(cx->arena, cx->err_msg.buf);
		st_localdb probe = { 0 };
		st_ctx *pcx;
		bool have_bins;

		finish_slot(&slots[sh->slot], 'K');
		sh->slot = -1;
		pcx = st_ctx_new(cx->arena);
		have_bins = st_localdb_find_bin(pcx, &probe) == 0;
		st_ctx_free(pcx);
		if (have_bins && !strcmp(state, "42501")) {
			st_err_clear(cx);
			st_db_close(admin);
			admin = NULL;
			rc = open_local(cx, sh);
			goto done;
		}
		st_err_clear(cx);
		rc = st_err_setp(cx, ST_EDB, "P3014", "Prisma Migrate could not create "
				 "the shadow database. Please make sure the database "
				 "user has permission to create databases. Read more "
				 "about the shadow database (and workarounds) at "
				 "https://pris.ly/d/migrate-shadow");
		st_err_detail(cx, "Original error: %s%s%s", *state ? "Error code: " : "",
			      state, inner);
		st_err_hint(cx, "Set shadowDatabaseUrl to a database you may use, or "
			    "install the PostgreSQL server binaries so strata can "
			    "start a temporary local cluster.");
		goto done;
	}
	slots[sh->slot].conn_fd = -1;
	sh->kind = ST_SHADOW_CREATED;
	sh->url = st_url_with_dbname(cx->arena, dev_url, sh->name);
	if ((rc = st_db_connect(cx, sh->url, NULL, &sh->db)) < 0)
		goto done;
	slots[sh->slot].conn_fd = PQsocket(sh->db->conn);
	sh->desc = st_strfmt(cx->arena, "shadow database \"%s\" on %s:%s "
			     "(dropped afterwards)", sh->name, du.host, du.port);
done:
	if (admin)
		st_db_close(admin);
	st_strbuf_release(&sql);
	if (rc < 0)
		st_shadow_close(cx, sh);
	return rc;
}

void
st_shadow_close(st_ctx *cx, st_shadow *sh)
{
	(void)cx;
	if (!sh)
		return;
	if (sh->db) {
		st_db_close(sh->db);
		sh->db = NULL;
	}
	if (sh->slot >= 0) {
		slots[sh->slot].conn_fd = -1;
		finish_slot(&slots[sh->slot], 'D');
		sh->slot = -1;
	}
}

/* ==== replaying ==== */

int
st_shadow_replay(st_ctx *cx, st_shadow *sh, const struct st_migdir *md,
		 size_t n, const char **failed)
{
	st_migdir sub = *md;
	st_deploy_result res;
	int rc;

	if (failed)
		*failed = NULL;
	st_vec_init(&sub.migrations, cx->arena);
	for (size_t i = 0; i < md->migrations.len && i < n; i++)
		st_vec_push(&sub.migrations, md->migrations.items[i]);
	memset(&res, 0, sizeof(res));
	rc = st_migrate_deploy(cx, sh->db, &sub, NULL, &res);
	if (rc < 0 && res.failed) {
		const char *code = res.failed_sqlstate ? res.failed_sqlstate : NULL;
		const char *logs = res.failed_logs ? res.failed_logs : cx->err_msg.buf;

		logs = st_strdup(cx->arena, logs);
		if (failed)
			*failed = res.failed->name;
		st_err_clear(cx);
		rc = st_err_setp(cx, ST_EDB, "P3006", "Migration `%s` failed to apply "
				 "cleanly to the shadow database. \n%s%s%sError:\n%s",
				 res.failed->name, code ? "Error code: " : "",
				 code ? code : "", code ? "\n" : "", logs);
	}
	return rc;
}

int
st_shadow_schema_of(st_ctx *cx, const char *dev_url, const char *shadow_url,
		    const char *migrations_dir, const char *const *namespaces,
		    size_t nnamespaces, bool multi_schema, struct st_schema **out,
		    const char **desc)
{
	st_migdir *md;
	st_shadow *sh = NULL;
	st_introspect_opts o = { .namespaces = namespaces,
				 .nnamespaces = nnamespaces,
				 .multi_schema = multi_schema };
	int rc;

	if ((rc = st_migdir_read(cx, migrations_dir, &md)) < 0)
		return rc;
	if ((rc = st_shadow_open(cx, dev_url, shadow_url, &sh)) < 0)
		return rc;
	if (desc)
		*desc = sh->desc;
	if ((rc = st_shadow_replay(cx, sh, md, ST_SHADOW_ALL, NULL)) == 0)
		rc = st_introspect(cx, sh->db, &o, out, NULL);
	st_shadow_close(cx, sh);
	return rc;
}
