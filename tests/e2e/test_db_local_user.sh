#!/bin/sh
# test_db_local_user.sh - `strata db start/status/stop` as an ordinary
# (unprivileged) OS user: the server runs as that user, from the project's
# own .strata/db.  As root (CI) the test runs strata through runuser as a
# throwaway user it creates (strata_dbtest), removed again at the end.
. "$(dirname "$0")/../lib.sh"

CREATED_USER=""
P=""
cleanup() {
	if [ -n "$P" ] && [ -d "$P" ]; then
		as_user sh -c "cd '$P' && '$BIN' db stop" >/dev/null 2>&1
	fi
	if [ -n "$CREATED_USER" ]; then
		userdel "$CREATED_USER" >/dev/null 2>&1
	fi
	rm -rf "$T_TMP"
}
trap cleanup EXIT

if ! sh "$T_ROOT/tests/pg/cluster.sh" bindir >/dev/null 2>&1; then
	t_skip "db start as an ordinary user" "no PostgreSQL server binaries"
	t_done
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	U=strata_dbtest
	if ! id "$U" >/dev/null 2>&1; then
		if useradd --system --no-create-home --shell /bin/sh "$U" >/dev/null 2>&1; then
			CREATED_USER=$U
		elif id nobody >/dev/null 2>&1; then
			U=nobody
		else
			t_skip "db start as an ordinary user" "could not create a user (useradd failed, no nobody)"
			t_done
			exit 0
		fi
	fi
	as_user() { runuser -u "$U" -- "$@"; }
else
	U=$(id -un)
	as_user() { "$@"; }
fi

# the binary where the user can run it (the checkout may be under /root)
BIN=$T_TMP/strata
cp "$STRATA" "$BIN"
chmod 755 "$BIN"
P=$T_TMP/userapp
mkdir -p "$P/prisma" "$P/prisma/migrations/0_init"
printf 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Thing {\n  id Int @id\n}\n' >"$P/prisma/schema.prisma"
printf 'CREATE TABLE "Thing" ("id" INTEGER NOT NULL, CONSTRAINT "Thing_pkey" PRIMARY KEY ("id"));\n' \
	>"$P/prisma/migrations/0_init/migration.sql"
[ "$(id -u)" -eq 0 ] && chown -R "$U" "$P"

run_u() { t_run "$1" as_user sh -c "cd '$P' && unset DATABASE_URL && $2"; }

run_u 3 "'$BIN' db status"
t_ok "db status as $U before start exits 3"

run_u 0 "'$BIN' db start --detach"
t_ok "db start --detach as an ordinary user ($U)"
t_stdout_has "postgresql://postgres@127.0.0.1:"
PID=$(cat "$P/.strata/db/pid" 2>/dev/null)
t_check "the server runs as $U, not as root or postgres" \
	[ "$(stat -c %U "/proc/${PID:-0}" 2>/dev/null)" = "$(id -un "$U" 2>/dev/null || echo "$U")" ]
t_check "the data directory belongs to $U" \
	[ "$(stat -c %U "$P/.strata/db/cluster/data")" = "$(id -un "$U")" ]
t_check "and is private (mode 700)" \
	[ "$(stat -c %a "$P/.strata/db/cluster/data")" = 700 ]

run_u 0 "'$BIN' db status"
t_ok "db status as $U exits 0 while running"
t_stdout_has "pid:  $PID"

if "$BIN" migrate status --help >/dev/null 2>&1; then
	run_u 0 "'$BIN' migrate deploy"
	t_ok "migrate deploy as $U uses the local database"
	t_stderr_has "using the local database started by \`strata db start\`"
	t_check "the migration created the table" \
		[ "$(psql -X -A -t -d "postgresql://postgres@127.0.0.1:$(cat "$P/.strata/db/port")/userapp" \
			-c 'SELECT count(*) FROM "Thing"' 2>/dev/null)" = 0 ]
else
	t_skip "migrate deploy with the local database" "strata migrate deploy is not built yet"
fi

run_u 0 "'$BIN' db stop"
t_ok "db stop as $U"
t_check "the server is gone" sh -c "! kill -0 ${PID:-0} 2>/dev/null"
run_u 3 "'$BIN' db status"
t_ok "db status as $U after stop exits 3"

t_done
