#!/bin/sh
# test_shop_demo.sh - `make demo` (tools/demo.sh) with no input, twice (it
# must be idempotent), on a copy of examples/shop so the repository's own
# .strata/ is left alone: local database, deploy, seed, status, rows.
. "$(dirname "$0")/../lib.sh"

R=$T_TMP/repo
cleanup() {
	(cd "$R/examples/shop" 2>/dev/null && "$STRATA" db stop >/dev/null 2>&1)
	rm -rf "$T_TMP"
}
trap cleanup EXIT

if ! sh "$T_ROOT/tests/pg/cluster.sh" bindir >/dev/null 2>&1; then
	t_skip "make demo" "no PostgreSQL server binaries"
	t_done
	exit 0
fi
if ! "$STRATA" migrate deploy --help >/dev/null 2>&1; then
	t_skip "make demo" "strata migrate deploy is not built yet"
	t_done
	exit 0
fi

mkdir -p "$R/tools" "$R/examples" "$R/demobuild"
cp "$T_ROOT/tools/demo.sh" "$T_ROOT/tools/deps.sh" "$R/tools/"
cp -R "$T_ROOT/examples/shop" "$R/examples/shop"
rm -rf "$R/examples/shop/.strata"
ln -s "$STRATA" "$R/demobuild/strata"

t_run 0 env BUILD=demobuild DATABASE_URL=postgresql://nobody@192.0.2.1:1/never sh "$R/tools/demo.sh"
t_ok "the demo runs with no input"
t_stdout_has "All migrations have been successfully applied." "it deploys 0_init"
t_stdout_has "The seed has been applied" "it seeds"
t_stdout_has "Database schema is up to date!" "it shows migrate status"
t_stdout_has "admin@example.com" "it shows the admin user"
t_stdout_has "strata db studio" "it says how to open the studio"
t_stderr_has "using the local database started by \`strata db start\`" \
	"it uses the local database, not DATABASE_URL from the shell"

t_run 0 env BUILD=demobuild sh "$R/tools/demo.sh"
t_ok "the demo runs a second time"
t_stdout_has "already running" "the second run reuses the database"
t_stdout_has "No pending migrations to apply." "the second deploy has nothing to do"
URL="postgresql://postgres@127.0.0.1:$(cat "$R/examples/shop/.strata/db/port")/shop"
t_check "after two runs there is still one admin and 14 permissions" \
	[ "$(psql -X -A -t -d "$URL" -c "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM permissions)")" = "1 14" ]

t_done
