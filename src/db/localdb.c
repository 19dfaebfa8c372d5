/*
 * localdb.c - the project's development PostgreSQL: finding the server
 * binaries, initdb, starting and stopping with pg_ctl (as the "postgres" OS
 * user when we are root), the pid/port files in .strata/db/, and creating
 * the project's database.  See localdb.h for the layout.
 */
#include "db/localdb.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "util/fs.h"
#include "util/strbuf.h"

#define RELOCATE_BASE "/var/tmp/strata-db"

/* ==== small file helpers ==== */

/* First line of a small file, or NULL when it cannot be read. */
static char *
read_line(st_arena *a, const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return st_strdup(a, buf);
}

static long
read_long(st_arena *a, const char *path)
{
	char *s = read_line(a, path), *end;
	long v;

	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	return *end || v < 0 ? 0 : v;
}

static int
write_text(st_ctx *cx, const char *path, const char *text)
{
	if (st_file_write(cx, path, text, strlen(text)) < 0)
		return cx->err;
	return 0;
}

static void
note_f(void (*note)(void *, const char *), void *arg, st_arena *a,
       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
note_f(void (*note)(void *, const char *), void *arg, st_arena *a,
       const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!note)
		return;
	va_start(ap, fmt);
	s = st_vstrfmt(a, fmt, ap);
	va_end(ap);
	note(arg, s);
}

/* The last lines of a log file (at most max bytes), for error details. */
static char *
log_tail(st_arena *a, const char *path, size_t max)
{
	st_ctx *tmp = st_ctx_new(a);
	char *text = NULL, *start;
	size_t len = 0;

	if (st_file_read(tmp, path, &text, &len) < 0 || !len)
		return NULL;
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	start = len > max ? text + len - max : text;
	if (start != text) {
		char *nl = strchr(start, '\n');

		if (nl)
			start = nl + 1;
	}
	return st_strdup(a, start);
}

/* ==== processes ==== */

/* The postgres OS user when we are root (the server cannot run as root). */
static int
server_user(st_ctx *cx, struct passwd **out)
{
	struct passwd *pw;

	*out = NULL;
	if (geteuid() != 0)
		return 0;
	pw = getpwnam("postgres");
	if (!pw) {
		st_err_set(cx, ST_ENOTFOUND,
			   "the \"postgres\" OS user does not exist");
		st_err_detail(cx, "PostgreSQL refuses to run as root, so strata "
			      "runs the local server as the \"postgres\" user.");
		st_err_hint(cx, "Install the postgresql package (it creates the "
			    "user), or run strata as an ordinary user.");
		return cx->err;
	}
	*out = pw;
	return 0;
}

static void
become(const struct passwd *pw)
{
	if (!pw)
		return;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "strata: could not switch to user \"%s\": %s\n",
			pw->pw_name, strerror(errno));
		_exit(127);
	}
}

/*
 * Runs argv (argv[0] an absolute path) as pw (NULL: ourselves), with stdin
 * from /dev/null and stdout+stderr into outfd (-1: /dev/null).  Returns the
 * exit status, or -1 when it could not run or was killed.
 */
static int
run(char *const argv[], const struct passwd *pw, int outfd)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(outfd >= 0 ? outfd : nul, 1);
		dup2(outfd >= 0 ? outfd : nul, 2);
		become(pw);
		if (chdir("/") < 0)
			_exit(127);
		execv(argv[0], argv);
		fprintf(stderr, "could not run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* run() with its output written to the file log (truncated first);
 * *status as run() returns it.  0, or an error when log cannot be made. */
static int
run_logged(st_ctx *cx, char *const argv[], const struct passwd *pw,
	   const char *log, int *status)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return st_err_set(cx, ST_ERROR, "could not create \"%s\": %s", log,
				  strerror(errno));
	*status = run(argv, pw, fd);
	close(fd);
	return 0;
}

/* Runs argv and returns its stdout (first 4 KiB) in a, or NULL. */
static char *
capture(st_arena *a, char *const argv[])
{
	char path[] = "/tmp/strata-capture.XXXXXX";
	char buf[4096];
	int fd = mkstemp(path);
	ssize_t n;

	if (fd < 0)
		return NULL;
	unlink(path);
	if (run(argv, NULL, fd) != 0) {
		close(fd);
		return NULL;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return st_strdup(a, buf);
}

/* Can pw read, write and enter dir?  (A child switches user and asks.) */
static bool
can_reach(const struct passwd *pw, const char *dir)
{
	pid_t pid;
	int status;

	if (!pw)
		return access(dir, R_OK | W_OK | X_OK) == 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		become(pw);
		_exit(access(dir, R_OK | W_OK | X_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Is pid a live PostgreSQL process?  (kill(0) + its command name.) */
static bool
pid_is_postgres(st_arena *a, long pid)
{
	char path[64], *comm;

	if (pid <= 0)
		return false;
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	comm = read_line(a, path);
	if (!comm)
		return !st_path_is_dir("/proc/self"); /* no procfs: trust kill */
	return !strncmp(comm, "postgres", 8) || !strncmp(comm, "postmaster", 10);
}

/* Is pid the postmaster of data_dir?  A pid file can outlive its server
 * and the pid be reused, even by another PostgreSQL: its command line
 * (/proc/PID/cmdline, "postgres -D DIR ...") must name our directory. */
static bool
pid_is_server(st_arena *a, long pid, const char *data_dir)
{
	char path[64], buf[8192];
	FILE *f;
	size_t n;

	if (!pid_is_postgres(a, pid))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return true; /* no procfs, or hidden: trust the name */
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, data_dir) != NULL;
}

bool
st_localdb_alive(st_localdb *db)
{
	st_arena *a = st_arena_new(NULL);
	bool alive = pid_is_server(a, db->pid, db->data_dir);

	st_arena_free(a);
	return alive;
}

/* ==== ports ==== */

static bool
port_free(int port)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	bool ok;

	if (fd < 0)
		return false;
	/* as PostgreSQL does, so a TIME_WAIT leftover does not count */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* ==== naming ==== */

char *
st_localdb_dbname(st_arena *a, const char *project_dir)
{
	const char *base = st_path_basename(project_dir);
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	for (const char *p = base; *p && sb.len < 63; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c))
			st_strbuf_addch(&sb, tolower(c));
		else
			st_strbuf_addch(&sb, '_');
	}
	if (!sb.len || !strcmp(sb.buf, "postgres") ||
	    !strncmp(sb.buf, "template", 8))
		st_strbuf_adds(&sb, sb.len ? "_dev" : "strata_dev");
	return st_strbuf_detach(&sb, NULL);
}

static unsigned long long
fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static char *
make_url(st_arena *a, int port, const char *dbname)
{
	return st_strfmt(a, "postgresql://postgres@127.0.0.1:%d/%s", port,
			 dbname);
}

/* ==== state ==== */

int
st_localdb_open(st_ctx *cx, const char *project_dir, st_localdb **out)
{
	st_arena *a = cx->arena;
	st_localdb *db = st_alloc(a, sizeof(*db));
	char *real = realpath(project_dir, NULL), *rel;

	if (!real)
		return st_err_set(cx, ST_ENOTFOUND,
				  "could not find project folder \"%s\": %s",
				  project_dir, strerror(errno));
	db->project_dir = st_strdup(a, real);
	free(real);
	db->state_dir = st_path_join(a, db->project_dir, ".strata/db");
	rel = read_line(a, st_path_join(a, db->state_dir, "datadir"));
	if (rel && *rel == '/') {
		db->cluster_dir = rel;
		db->relocated = true;
	} else {
		db->cluster_dir = st_path_join(a, db->state_dir, "cluster");
	}
	db->data_dir = st_path_join(a, db->cluster_dir, "data");
	db->log_path = st_path_join(a, db->cluster_dir, "server.log");
	db->dbname = st_localdb_dbname(a, db->project_dir);
	db->data_major = (int)read_long(a, st_path_join(a, db->data_dir,
							"PG_VERSION"));
	db->initialized = db->data_major > 0;
	db->port = (int)read_long(a, st_path_join(a, db->state_dir, "port"));
	db->pid = read_long(a, st_path_join(a, db->state_dir, "pid"));
	if (db->pid) {
		db->running = pid_is_server(a, db->pid, db->data_dir);
		db->stale_pid = !db->running;
	}
	if (!db->running)
		db->pid = 0;
	if (db->running && db->port)
		db->url = make_url(a, db->port, db->dbname);
	*out = db;
	return 0;
}

int
st_localdb_running_url(st_ctx *cx, const char *project_dir, char **out_url)
{
	st_localdb *db;
	int rc;

	*out_url = NULL;
	if (!st_path_is_dir(st_path_join(cx->arena, project_dir, ".strata/db")))
		return 0;
	rc = st_localdb_open(cx, project_dir, &db);
	if (rc < 0)
		return rc;
	if (!db->url)
		return 0;
	*out_url = (char *)db->url;
	return 1;
}

/* ==== binaries ==== */

static bool
has_bins(st_arena *a, const char *dir)
{
	return dir && *dir &&
	       access(st_path_join(a, dir, "initdb"), X_OK) == 0 &&
	       access(st_path_join(a, dir, "pg_ctl"), X_OK) == 0;
}

/* Major version of the initdb in dir ("initdb (PostgreSQL) 15.14 ..."). */
static int
bin_major(st_arena *a, const char *dir)
{
	char *argv[] = { st_path_join(a, dir, "initdb"), "--version", NULL };
	char *out = capture(a, argv), *p;

	if (!out || !(p = strstr(out, ") ")))
		return 0;
	return atoi(p + 2);
}

static int
cmp_version_desc(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;

	return strverscmp(b, a);
}

int
st_localdb_find_bin(st_ctx *cx, st_localdb *db)
{
	st_arena *a = cx->arena;
	st_vec cand = ST_VEC_INIT(a), vers = ST_VEC_INIT(a);
	const char *env = getenv("STRATA_PG_BINDIR"), *path = getenv("PATH");
	const char *first = NULL;
	int first_major = 0;

	if (env && *env) {
		/* explicit: the only place looked at */
		if (!has_bins(a, env)) {
			st_err_set(cx, ST_ENOTFOUND,
				   "PostgreSQL server binaries not found in \"%s\"",
				   env);
			st_err_detail(cx, "STRATA_PG_BINDIR names a folder without "
				      "initdb and pg_ctl.");
			st_err_hint(cx, "Install the server with: apt-get install "
				    "postgresql (Debian, Ubuntu), or point "
				    "STRATA_PG_BINDIR at its bin folder.");
			return cx->err;
		}
		st_vec_push(&cand, (void *)env);
	} else {
		if (path) {
			char *copy = st_strdup(a, path), *save = NULL;

			for (char *d = strtok_r(copy, ":", &save); d;
			     d = strtok_r(NULL, ":", &save))
				st_vec_push(&cand, d);
		}
		{
			char *argv[] = { "/usr/bin/pg_config", "--bindir", NULL };
			char *pgc = NULL;

			if (access(argv[0], X_OK) == 0)
				pgc = capture(a, argv);
			for (size_t i = 0; !pgc && i < cand.len; i++) {
				char *p = st_path_join(a, cand.items[i], "pg_config");

				if (access(p, X_OK) == 0) {
					argv[0] = p;
					pgc = capture(a, argv);
				}
			}
			if (pgc)
				st_vec_push(&cand, pgc);
		}
		{
			DIR *d = opendir("/usr/lib/postgresql");
			struct dirent *e;

			while (d && (e = readdir(d)))
				if (e->d_name[0] != '.')
					st_vec_push(&vers, st_strdup(a, e->d_name));
			if (d)
				closedir(d);
			st_vec_sort(&vers, cmp_version_desc);
			for (size_t i = 0; i < vers.len; i++)
				st_vec_push(&cand,
					    st_strfmt(a, "/usr/lib/postgresql/%s/bin",
						      (char *)vers.items[i]));
		}
	}

	for (size_t i = 0; i < cand.len; i++) {
		const char *dir = cand.items[i];
		int major;

		if (!has_bins(a, dir))
			continue;
		major = bin_major(a, dir);
		if (!major)
			continue;
		if (!first) {
			first = dir;
			first_major = major;
		}
		if (!db->initialized || major == db->data_major) {
			db->bindir = dir;
			db->bin_major = major;
			return 0;
		}
	}
	if (!first) {
		st_err_set(cx, ST_ENOTFOUND, "PostgreSQL server binaries not found");
		st_err_detail(cx, "strata looked for initdb and pg_ctl in PATH, in "
			      "`pg_config --bindir` and in /usr/lib/postgresql/*/bin.");
		st_err_hint(cx, "Install the PostgreSQL server: apt-get install "
			    "postgresql (Debian, Ubuntu), dnf install "
			    "postgresql-server (Fedora), brew install postgresql "
			    "(macOS); or set STRATA_PG_BINDIR to its bin folder.");
		return cx->err;
	}
	st_err_set(cx, ST_ECONFLICT,
		   "the local database was created by PostgreSQL %d, but the "
		   "installed server is PostgreSQL %d",
		   db->data_major, first_major);
	st_err_detail(cx, "The data directory %s needs the server binaries of "
		      "its own major version (found %s).",
		      db->data_dir, first);
	st_err_hint(cx, "Install PostgreSQL %d (apt-get install postgresql-%d), "
		    "or remove %s%s%s to start over with an empty database.",
		    db->data_major, db->data_major, db->relocated ? db->cluster_dir : "",
		    db->relocated ? " and " : "", ".strata/db");
	return cx->err;
}

/* ==== start ==== */

static int
mkdir_owned(st_ctx *cx, const char *dir, const struct passwd *pw)
{
	if (st_mkdir_p(cx, dir) < 0)
		return cx->err;
	if (pw && chown(dir, pw->pw_uid, pw->pw_gid) < 0)
		return st_err_set(cx, ST_ERROR, "could not change owner of \"%s\": %s",
				  dir, strerror(errno));
	if (chmod(dir, 0700) < 0)
		return st_err_set(cx, ST_ERROR, "could not change mode of \"%s\": %s",
				  dir, strerror(errno));
	return 0;
}

/* Picks the cluster folder: in the project, or (root, unreachable for
 * the postgres user) under /var/tmp/strata-db. */
static int
place_cluster(st_ctx *cx, st_localdb *db, const struct passwd *pw,
	      void (*note)(void *, const char *), void *arg)
{
	st_arena *a = cx->arena;
	char *base, *dir;

	if (mkdir_owned(cx, db->cluster_dir, pw) < 0)
		return cx->err;
	if (can_reach(pw, db->cluster_dir))
		return 0;
	if (!pw)
		return st_err_set(cx, ST_ERROR, "cannot write to \"%s\"",
				  db->cluster_dir);
	rmdir(db->cluster_dir);
	base = RELOCATE_BASE;
	if (st_mkdir_p(cx, base) < 0)
		return cx->err;
	chmod(base, 0755);
	dir = st_strfmt(a, "%s/%s-%08llx", base, db->dbname,
			fnv1a(db->project_dir) & 0xffffffffULL);
	if (mkdir_owned(cx, dir, pw) < 0)
		return cx->err;
	if (!can_reach(pw, dir)) {
		st_err_set(cx, ST_ERROR,
			   "the \"postgres\" OS user cannot reach \"%s\"", dir);
		st_err_hint(cx, "Make the folders above it searchable "
			    "(chmod o+x), or run strata as an ordinary user.");
		return cx->err;
	}
	if (write_text(cx, st_path_join(a, db->state_dir, "datadir"),
		       st_strfmt(a, "%s\n", dir)) < 0)
		return cx->err;
	note_f(note, arg, a,
	       "The \"postgres\" OS user cannot reach %s, so the data "
	       "directory lives in %s (recorded in .strata/db/datadir).",
	       db->project_dir, dir);
	db->cluster_dir = dir;
	db->relocated = true;
	db->data_dir = st_path_join(a, dir, "data");
	db->log_path = st_path_join(a, dir, "server.log");
	return 0;
}

static int
init_cluster(st_ctx *cx, st_localdb *db, const struct passwd *pw,
	     void (*note)(void *, const char *), void *arg)
{
	st_arena *a = cx->arena;
	char *log = st_path_join(a, db->state_dir, "initdb.log");
	char *argv[] = { st_path_join(a, db->bindir, "initdb"), "-D",
			 (char *)db->data_dir, "-U", "postgres", "-A", "trust",
			 "-E", "UTF8", "--locale=C", NULL };
	int rc;

	if (place_cluster(cx, db, pw, note, arg) < 0)
		return cx->err;
	/* a relocated cluster outlives .strata/db: use it again */
	db->data_major = (int)read_long(a, st_path_join(a, db->data_dir,
							"PG_VERSION"));
	if (db->data_major > 0) {
		db->initialized = true;
		note_f(note, arg, a, "Using the existing data directory %s.",
		       db->data_dir);
		return st_localdb_find_bin(cx, db);
	}
	argv[2] = (char *)db->data_dir;
	note_f(note, arg, a, "Creating a PostgreSQL %d cluster in %s ...",
	       db->bin_major, db->data_dir);
	if (run_logged(cx, argv, pw, log, &rc) < 0)
		return cx->err;
	if (rc != 0) {
		char *tail = log_tail(a, log, 1500);

		st_err_set(cx, ST_ERROR, "initdb failed (exit code %d)", rc);
		if (tail)
			st_err_detail(cx, "%s", tail);
		st_err_hint(cx, "The whole output is in %s.", log);
		return cx->err;
	}
	db->initialized = true;
	db->data_major = db->bin_major;
	return 0;
}

/* A postmaster.pid left by a server that is gone stops the next start
 * when its pid now belongs to another process: remove it. */
static void
clear_stale_postmaster_pid(st_localdb *db, st_arena *a,
			   void (*note)(void *, const char *), void *arg)
{
	char *pidfile = st_path_join(a, db->data_dir, "postmaster.pid");
	long pid = read_long(a, pidfile);

	if (pid > 0 && !pid_is_server(a, pid, db->data_dir) && unlink(pidfile) == 0)
		note_f(note, arg, a,
		       "Removed the stale lock file %s (process %ld is not this "
		       "database's server).", pidfile, pid);
}

static int
pick_port(st_ctx *cx, st_localdb *db, int want, int *out)
{
	if (want) {
		if (want < 1 || want > 65535)
			return st_err_set(cx, ST_EUSAGE, "invalid port %d", want);
		if (!port_free(want)) {
			st_err_set(cx, ST_ECONFLICT, "port %d is already in use", want);
			st_err_detail(cx, "Another program listens on 127.0.0.1:%d.",
				      want);
			st_err_hint(cx, "Choose another port with --port, or leave "
				    "it out and strata picks a free one.");
			return cx->err;
		}
		*out = want;
		return 0;
	}
	if (db->port > 0 && port_free(db->port)) {
		*out = db->port;
		return 0;
	}
	for (int p = ST_LOCALDB_PORT; p < ST_LOCALDB_PORT + 500; p++)
		if (port_free(p)) {
			*out = p;
			return 0;
		}
	return st_err_set(cx, ST_ECONFLICT,
			  "no free port between %d and %d on 127.0.0.1",
			  ST_LOCALDB_PORT, ST_LOCALDB_PORT + 499);
}

static int
pg_ctl_start(st_ctx *cx, st_localdb *db, const struct passwd *pw, int port)
{
	st_arena *a = cx->arena;
	char *log = st_path_join(a, db->state_dir, "pg_ctl.log");
	char *opts = st_strfmt(a, "-p %d -c listen_addresses=127.0.0.1 "
			       "-c unix_socket_directories=''", port);
	char *argv[] = { st_path_join(a, db->bindir, "pg_ctl"), "-D",
			 (char *)db->data_dir, "-l", (char *)db->log_path, "-w",
			 "-t", "60", "-s", "-o", opts, "start", NULL };
	int rc;

	if (run_logged(cx, argv, pw, log, &rc) < 0)
		return cx->err;
	return rc;
}

/* Connects once to the project's database, creating it when missing. */
static int
create_database(st_ctx *cx, st_localdb *db)
{
	st_db_opts o = { .create_missing = true, .connect_timeout = 10 };
	st_db *conn;

	if (st_db_connect(cx, db->url, &o, &conn) < 0)
		return cx->err;
	st_db_close(conn);
	return 0;
}

int
st_localdb_start(st_ctx *cx, st_localdb *db, int want_port,
		 void (*note)(void *arg, const char *text), void *arg)
{
	st_arena *a = cx->arena;
	struct passwd *pw;
	char *pidfile = st_path_join(a, db->state_dir, "pid");
	char *portfile = st_path_join(a, db->state_dir, "port");
	int port = 0, rc;

	if (db->running) {
		if (want_port && want_port != db->port) {
			st_err_set(cx, ST_ECONFLICT,
				   "the local database is already running on port %d",
				   db->port);
			st_err_hint(cx, "Stop it first with `strata db stop` to "
				    "move it to port %d.", want_port);
			return cx->err;
		}
		return 0;
	}
	if (st_mkdir_p(cx, db->state_dir) < 0)
		return cx->err;
	if (db->stale_pid) {
		unlink(pidfile);
		note_f(note, arg, a, "Removed a stale pid file (the local database "
		       "had stopped without `strata db stop`).");
		db->stale_pid = false;
	}
	if (server_user(cx, &pw) < 0 || st_localdb_find_bin(cx, db) < 0)
		return cx->err;
	if (!db->initialized && init_cluster(cx, db, pw, note, arg) < 0)
		return cx->err;

	/* a server of this data directory already up (our pid file lost)? */
	{
		long pid = read_long(a, st_path_join(a, db->data_dir,
						     "postmaster.pid"));

		if (pid > 0 && pid_is_server(a, pid, db->data_dir)) {
			st_err_set(cx, ST_ECONFLICT,
				   "a PostgreSQL server (pid %ld) is already running "
				   "on the data directory %s", pid, db->data_dir);
			st_err_hint(cx, "Stop it with: pg_ctl -D %s stop",
				    db->data_dir);
			return cx->err;
		}
	}
	clear_stale_postmaster_pid(db, a, note, arg);

	for (int attempt = 0;; attempt++) {
		char *tail;

		if (pick_port(cx, db, want_port, &port) < 0)
			return cx->err;
		rc = pg_ctl_start(cx, db, pw, port);
		if (rc < 0 && cx->err)
			return cx->err;
		if (rc == 0)
			break;
		tail = log_tail(a, db->log_path, 1500);
		/* lost a race for an automatically chosen port: next one */
		if (!want_port && attempt < 5 && tail &&
		    strstr(tail, "could not bind")) {
			db->port = 0;
			continue;
		}
		if (tail && strstr(tail, "could not bind")) {
			st_err_set(cx, ST_ECONFLICT, "port %d is already in use",
				   port);
			st_err_hint(cx, "Choose another port with --port.");
			return cx->err;
		}
		st_err_set(cx, ST_ERROR, "could not start the local database");
		if (tail)
			st_err_detail(cx, "%s", tail);
		st_err_hint(cx, "The server log is %s.", db->log_path);
		return cx->err;
	}

	db->port = port;
	db->pid = read_long(a, st_path_join(a, db->data_dir, "postmaster.pid"));
	db->running = true;
	if (write_text(cx, portfile, st_strfmt(a, "%d\n", port)) < 0 ||
	    write_text(cx, pidfile, st_strfmt(a, "%ld\n", db->pid)) < 0)
		return cx->err;
	db->url = make_url(a, port, db->dbname);
	return create_database(cx, db);
}

/* ==== stop ==== */

int
st_localdb_stop(st_ctx *cx, st_localdb *db)
{
	st_arena *a = cx->arena;
	char *pidfile = st_path_join(a, db->state_dir, "pid");
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	if (!db->running) {
		if (db->stale_pid)
			unlink(pidfile);
		return 0;
	}
	/* SIGINT is PostgreSQL's "fast" shutdown, what pg_ctl -m fast sends */
	if (kill((pid_t)db->pid, SIGINT) < 0 && errno != ESRCH)
		return st_err_set(cx, ST_ERROR,
				  "could not stop the local database (pid %ld): %s",
				  db->pid, strerror(errno));
	for (int i = 0; i < 600 && pid_is_postgres(a, db->pid); i++)
		nanosleep(&ts, NULL);
	if (pid_is_postgres(a, db->pid)) {
		st_err_set(cx, ST_ERROR,
			   "the local database (pid %ld) did not stop within 60 s",
			   db->pid);
		st_err_hint(cx, "Look at %s; kill -QUIT %ld stops it at once.",
			    db->log_path, db->pid);
		return cx->err;
	}
	unlink(pidfile);
	db->running = false;
	db->pid = 0;
	db->url = NULL;
	return 0;
}
