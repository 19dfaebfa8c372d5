#!/bin/sh
# demo.sh - `make demo`: the example shop end to end on a local database.
#
#   make demo            (runs `make deps all` first, then this script)
#   sh tools/demo.sh     (builds when build/strata is missing)
#
# Starts the project's own PostgreSQL (strata db start --detach; no Docker,
# data in examples/shop/.strata/db), applies the migrations, seeds, shows
# `strata migrate status` and a few rows, and says how to open the studio.
# Needs no input and can be run again: every step is idempotent.  The
# database is left running; `strata db stop` in examples/shop stops it.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
STRATA=$ROOT/$BUILD/strata
SHOP=$ROOT/examples/shop

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$STRATA" ]; then
	step "Building strata"
	(cd "$ROOT" && sh tools/deps.sh && make BUILD="$BUILD" all)
fi
if ! command -v psql >/dev/null 2>&1; then
	echo "demo: psql is missing; run \`make deps\` (or apt-get install postgresql-client)" >&2
	exit 1
fi

cd "$SHOP"
# the demo works on the shop's own local database, whatever the shell has
unset DATABASE_URL

step "strata db start --detach      (a local PostgreSQL for examples/shop)"
"$STRATA" db start --detach
URL=$("$STRATA" db status | sed -n 's/^  URL: *//p')

step "strata migrate deploy         (apply migrations/0_init)"
"$STRATA" migrate deploy

step "strata db seed                (permissions, roles, admin, categories, settings)"
"$STRATA" db seed

step "strata migrate status"
"$STRATA" migrate status

step "A few rows (psql)"
psql -X -q -d "$URL" -P pager=off <<'SQL'
SELECT r.name AS role, count(rp.permission_id) AS permissions
FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id
GROUP BY r.name ORDER BY r.name;
SELECT u.email, u.name, r.name AS role, left(u.password_hash, 7) || '...' AS password_hash
FROM users u JOIN roles r ON r.id = u.role_id ORDER BY u.id;
SELECT name, slug FROM categories ORDER BY id;
SELECT key AS settings_group, left(value::text, 60) AS value FROM site_settings ORDER BY id;
SQL

cat <<EOF

==> Done.  The shop's database is running at
    $URL

  Browse and edit it in the studio:   cd examples/shop && ../../$BUILD/strata db studio
  Restore the default site settings:  cd examples/shop && ../../$BUILD/strata db seed --name restore-settings
  Stop the database:                  cd examples/shop && ../../$BUILD/strata db stop

Next: \`make test\` runs every test.
EOF
