#!/bin/sh
# test_db_local.sh - `strata db start/stop/status` as the current user (root
# in CI, where the server must run as the "postgres" OS user): start,
# already running, status, port taken, stale pid file, data directory of
# another major version, missing binaries, foreground mode with Ctrl-C,
# and (as root) a project the postgres user cannot reach.
# Needs no test cluster: each project gets its own server.
. "$(dirname "$0")/../lib.sh"

PROJECTS=""
cleanup() {
	for d in $PROJECTS; do
		(cd "$d" && "$STRATA" db stop >/dev/null 2>&1)
		if [ -f "$d/.strata/db/datadir" ]; then
			rm -rf "$(cat "$d/.strata/db/datadir")"
		fi
	done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

if ! sh "$T_ROOT/tests/pg/cluster.sh" bindir >/dev/null 2>&1; then
	t_skip "db start" "no PostgreSQL server binaries (apt-get install postgresql)"
	t_done
	exit 0
fi

# new_project NAME: an empty project folder with a schema; prints its path
new_project() {
	mkdir -p "$T_TMP/$1/prisma"
	printf 'datasource db {\n  provider = "postgresql"\n}\n' >"$T_TMP/$1/prisma/schema.prisma"
	PROJECTS="$PROJECTS $T_TMP/$1"
	echo "$T_TMP/$1"
}
in_p() { (cd "$P" && env -u DATABASE_URL "$@"); }

P=$(new_project "My-App")

t_run 3 in_p "$STRATA" db status
t_ok "db status before any start exits 3"
t_stdout_has "The local database is not running."

t_run 0 in_p "$STRATA" db start --detach
t_ok "db start --detach starts the local database"
t_stdout_has "postgresql://postgres@127.0.0.1:" "it prints the connection URL"
t_stdout_has "/my_app" "the database is named after the project folder"
t_stderr_has "Creating a PostgreSQL"
PORT=$(cat "$P/.strata/db/port" 2>/dev/null)
URL="postgresql://postgres@127.0.0.1:$PORT/my_app"
t_check "the data directory is in the project's .strata/db" [ -f "$P/.strata/db/cluster/data/PG_VERSION" ]
t_check "the URL connects to the project's database" \
	[ "$(psql -X -A -t -d "$URL" -c 'SELECT current_database()' 2>/dev/null)" = my_app ]
t_check "the server listens on loopback only" \
	[ "$(psql -X -A -t -d "$URL" -c 'SHOW listen_addresses' 2>/dev/null)" = 127.0.0.1 ]
PID=$(cat "$P/.strata/db/pid" 2>/dev/null)
if [ "$(id -u)" -eq 0 ]; then
	t_check "as root the server runs as the postgres OS user" \
		[ "$(stat -c %U "/proc/$PID" 2>/dev/null)" = postgres ]
else
	t_check "the server runs as the invoking user" \
		[ "$(stat -c %U "/proc/$PID" 2>/dev/null)" = "$(id -un)" ]
fi

t_run 0 in_p "$STRATA" db status
t_ok "db status exits 0 while running"
t_stdout_has "The local database is running."
t_stdout_has "$URL"
t_stdout_has "pid:  $PID"

t_run 0 in_p "$STRATA" db start --detach
t_ok "a second db start is fine"
t_stdout_has "already running"
t_check "and keeps the same server" [ "$(cat "$P/.strata/db/pid")" = "$PID" ]

# --- port taken ------------------------------------------------------------
P2=$(new_project other)
t_run 1 sh -c "cd '$P2' && '$STRATA' db start --detach --port $PORT"
t_ok "db start on a port in use fails"
t_stderr_has "port $PORT is already in use"
t_stderr_has "--port" "the hint names --port"
t_check "no pid file is left for the failed start" [ ! -f "$P2/.strata/db/pid" ]
t_run 0 sh -c "cd '$P2' && '$STRATA' db start --detach"
t_ok "without --port a second project picks another free port"
t_check "on a different port" [ "$(cat "$P2/.strata/db/port")" != "$PORT" ]
P3=$(new_project third)
mkdir -p "$P3/.strata/db"
cp "$P2/.strata/db/pid" "$P2/.strata/db/port" "$P3/.strata/db/"
t_run 3 sh -c "cd '$P3' && '$STRATA' db status"
t_ok "a pid file naming another project's PostgreSQL is not taken for ours"
t_stdout_has "stale pid file"
t_run 0 sh -c "cd '$P2' && '$STRATA' db stop"

# --- stop ----------------------------------------------------------------
t_run 0 in_p "$STRATA" db stop
t_ok "db stop stops it"
t_stdout_has "The local database has stopped."
t_check "the server process is gone" sh -c "! kill -0 $PID 2>/dev/null"
t_check "the pid file is removed" [ ! -f "$P/.strata/db/pid" ]
t_run 3 in_p "$STRATA" db status
t_ok "db status after stop exits 3"
t_run 0 in_p "$STRATA" db stop
t_ok "db stop when not running exits 0"
t_stdout_has "not running"

# --- stale pid file ----------------------------------------------------------
DEAD=$(sh -c 'echo $$')
echo "$DEAD" >"$P/.strata/db/pid"
t_run 3 in_p "$STRATA" db status
t_ok "a stale pid file is not taken for a running server"
t_stdout_has "stale pid file"
sleep 300 &
SLEEPER=$!
echo "$SLEEPER" >"$P/.strata/db/pid"
t_run 3 in_p "$STRATA" db status
t_ok "a pid file naming another live process is stale too"
t_run 0 in_p "$STRATA" db start --detach
t_ok "db start after a stale pid file starts the server"
t_stderr_has "Removed a stale pid file"
t_check "the process that had the stale pid was left alone" kill -0 "$SLEEPER"
kill "$SLEEPER" 2>/dev/null
t_check "the data survived the restart" \
	[ "$(psql -X -A -t -d "postgresql://postgres@127.0.0.1:$(cat "$P/.strata/db/port")/my_app" -c 'SELECT 1' 2>/dev/null)" = 1 ]
t_run 0 in_p "$STRATA" db stop

# --- another major version ------------------------------------------------
V=$P/.strata/db/cluster/data/PG_VERSION
cp "$V" "$T_TMP/PG_VERSION.real"
echo 9 >"$V"
t_run 1 in_p "$STRATA" db start --detach
t_ok "db start refuses a data directory of another major version"
t_stderr_has "created by PostgreSQL 9"
t_stderr_has "apt-get install postgresql-9" "the hint names the package"
cp "$T_TMP/PG_VERSION.real" "$V"

# --- missing binaries --------------------------------------------------------
t_run 1 in_p env STRATA_PG_BINDIR="$T_TMP/nowhere" "$STRATA" db start --detach
t_ok "db start without server binaries fails"
t_stderr_has "PostgreSQL server binaries not found"
t_stderr_has "apt-get install postgresql" "the hint names the package"

# --- foreground: Ctrl-C stops it ---------------------------------------------
(cd "$P" && exec "$STRATA" db start) >"$T_TMP/fg.out" 2>&1 &
FG=$!
i=0
while [ $i -lt 600 ] && ! grep -q "Press Ctrl-C" "$T_TMP/fg.out" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
t_check "db start in the foreground says how to stop it" grep -q "Press Ctrl-C to stop it" "$T_TMP/fg.out"
t_run 0 in_p "$STRATA" db status
t_ok "the foreground server is running"
FGPID=$(cat "$P/.strata/db/pid")
kill -INT "$FG"
wait "$FG"
FGRC=$?
t_check "Ctrl-C ends db start with exit 0" [ "$FGRC" -eq 0 ]
t_check "and stops the server" sh -c "! kill -0 $FGPID 2>/dev/null"
t_check "it says so" grep -q "The local database has stopped." "$T_TMP/fg.out"
t_run 3 in_p "$STRATA" db status
t_ok "db status after Ctrl-C exits 3"

# --- as root: a project the postgres user cannot reach -------------------------
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T_TMP/private"
	chmod 700 "$T_TMP/private"
	mkdir -p "$T_TMP/private/shut"
	PROJECTS="$PROJECTS $T_TMP/private/shut"
	t_run 0 sh -c "cd '$T_TMP/private/shut' && '$STRATA' db start --detach"
	t_ok "as root, a project the postgres user cannot reach still starts"
	t_stderr_has "cannot reach" "it says why the data lives elsewhere"
	t_check "the data directory is recorded in .strata/db/datadir" \
		[ -s "$T_TMP/private/shut/.strata/db/datadir" ]
	t_run 0 sh -c "cd '$T_TMP/private/shut' && '$STRATA' db stop"
	t_ok "and stops"
else
	t_skip "unreachable project folder" "only relevant as root"
fi

t_done
