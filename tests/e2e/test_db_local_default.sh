#!/bin/sh
# test_db_local_default.sh - the embedded default: with no database URL
# configured anywhere and the project's `strata db start` database running,
# commands (migrate deploy, migrate status, db seed) use it and say so; a
# configured URL wins; with nothing configured and nothing running, the
# error says how to start one or set DATABASE_URL.
. "$(dirname "$0")/../lib.sh"

P=$T_TMP/shopfront
cleanup() {
	(cd "$P" 2>/dev/null && "$STRATA" db stop >/dev/null 2>&1)
	rm -rf "$T_TMP"
}
trap cleanup EXIT

if ! sh "$T_ROOT/tests/pg/cluster.sh" bindir >/dev/null 2>&1; then
	t_skip "embedded default" "no PostgreSQL server binaries"
	t_done
	exit 0
fi
if ! "$STRATA" migrate deploy --help >/dev/null 2>&1; then
	t_skip "embedded default" "strata migrate deploy is not built yet"
	t_done
	exit 0
fi

mkdir -p "$P/prisma/migrations/0_init"
cat >"$P/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
}

model Item {
  id   Int    @id @default(autoincrement())
  name String
}
EOF
cat >"$P/prisma/migrations/0_init/migration.sql" <<'EOF'
-- CreateTable
CREATE TABLE "Item" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);
EOF
printf "INSERT INTO \"Item\" (name) VALUES ('from the seed');\n" >"$P/prisma/seed.sql"
in_p() { t_run "$1" sh -c "cd '$P' && unset DATABASE_URL && $2"; }

# nothing configured, nothing running
in_p 1 "'$STRATA' migrate status"
t_ok "migrate status with no database anywhere fails"
t_stderr_has "strata db start" "the error says how to start a local database"
t_stderr_has "DATABASE_URL" "the error says how to set DATABASE_URL"

in_p 0 "'$STRATA' db start --detach"
t_ok "db start --detach"
URL="postgresql://postgres@127.0.0.1:$(cat "$P/.strata/db/port")/shopfront"

in_p 0 "'$STRATA' migrate deploy"
t_ok "migrate deploy uses the running local database"
t_stderr_has "using the local database started by \`strata db start\` at $URL"
t_check "the migration reached the local database" \
	[ "$(psql -X -A -t -d "$URL" -c 'SELECT count(*) FROM "Item"' 2>/dev/null)" = 0 ]

in_p 0 "'$STRATA' migrate status"
t_ok "migrate status uses it too"
t_stderr_has "using the local database started by \`strata db start\`"
t_stdout_has "Database schema is up to date!"

in_p 0 "'$STRATA' db seed"
t_ok "db seed uses it too"
t_check "the seed reached the local database" \
	[ "$(psql -X -A -t -d "$URL" -c 'SELECT name FROM "Item"' 2>/dev/null)" = "from the seed" ]

# a schema that reads env("DATABASE_URL") with the variable unset
cat >"$P/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Item {
  id   Int    @id @default(autoincrement())
  name String
}
EOF
in_p 0 "'$STRATA' migrate status"
t_ok "url = env(\"DATABASE_URL\") unset falls back to the local database"
t_stderr_has "using the local database"

# a configured URL wins over the local database
if [ -n "${STRATA_TEST_PGPORT:-}" ]; then
	t_db strata_localdefault_e2e
	t_run 1 sh -c "cd '$P' && DATABASE_URL='$T_URL' '$STRATA' migrate status"
	t_stderr_lacks "using the local database" "DATABASE_URL wins over the local database"
	t_run 0 sh -c "cd '$P' && DATABASE_URL='$T_URL' '$STRATA' db start --detach"
	t_ok "db start with DATABASE_URL set still reports the running database"
	t_stderr_has "DATABASE_URL from environment is configured, so strata commands in this project use that database" \
		"db start warns that DATABASE_URL wins"
else
	t_skip "DATABASE_URL wins" "no test cluster"
fi

in_p 0 "'$STRATA' db stop"
t_ok "db stop"
in_p 1 "'$STRATA' migrate status"
t_ok "after db stop, commands no longer find a database"
t_stderr_has "strata db start"
t_stderr_lacks "using the local database"

t_done
