#!/bin/sh
# test_migrate_runner.sh - `migrate deploy`, `status`, `resolve`, `db execute`
# end to end: Prisma's texts and exit codes, the _prisma_migrations row
# lifecycle, the failure flow, baselining, transaction modes, configuration.
. "$(dirname "$0")/../lib.sh"
t_need_pg

P="$T_TMP/proj"
DBN="strata_e2e_runner_$$"
mkdir -p "$P/prisma/migrations"
cat >"$P/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id   Int    @id
  name String?
}
EOF
mig() { # mig NAME SQL
	mkdir -p "$P/prisma/migrations/$1"
	printf '%s\n' "$2" >"$P/prisma/migrations/$1/migration.sql"
}
q() { t_psql "$DBN" "$1"; }
st() { (cd "$P" && t_run "$@"); }

psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
	-c "DROP DATABASE IF EXISTS \"$DBN\" WITH (FORCE)" >/dev/null 2>&1
URL="postgresql://postgres@$T_PGHOST:$STRATA_TEST_PGPORT/$DBN"
# the URL comes from .env beside the schema (the environment is not set)
unset DATABASE_URL
echo "DATABASE_URL=\"$URL?schema=public\"" >"$P/prisma/.env"

mig 20240101000000_init 'CREATE TABLE "User" ("id" INTEGER NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));'
mig 20240101000001_name 'SET lock_timeout = '"'"'1ms'"'"';
ALTER TABLE "User" ADD COLUMN "name" TEXT;'

# ---- status on a database that does not exist: P1003
st 1 "$STRATA" migrate status
t_ok "status on a missing database exits 1"
t_stderr_has "P1003" "status reports P1003 for a missing database"
t_stderr_lacks "password" "no password in the P1003 message"

# ---- first deploy creates the database
st 0 "$STRATA" migrate deploy
t_ok "deploy creates the database and applies"
t_stdout_has "PostgreSQL database $DBN created at $T_PGHOST:$STRATA_TEST_PGPORT"
t_stdout_has "2 migrations found in prisma/migrations"
t_stdout_has 'Applying migration `20240101000000_init`'
t_stdout_has "All migrations have been successfully applied."
t_stdout_has "  └─ 20240101000001_name/"
t_stderr_has "Prisma schema loaded from prisma/schema.prisma"
t_check "two finished rows with steps 1 and null logs" \
	[ "$(q "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND applied_steps_count = 1 AND logs IS NULL AND rolled_back_at IS NULL")" = 2 ]
sum=$(sha256sum "$P/prisma/migrations/20240101000000_init/migration.sql" | cut -d' ' -f1)
t_check "checksum is the SHA-256 of the file" \
	[ "$(q "SELECT checksum FROM _prisma_migrations WHERE migration_name = '20240101000000_init'")" = "$sum" ]
t_check "ids are UUID v4" \
	[ "$(q "SELECT count(*) FROM _prisma_migrations WHERE id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$'")" = 2 ]
t_check "history table has Prisma's exact columns" \
	[ "$(q "SELECT string_agg(column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, ''), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '_prisma_migrations'")" = \
	"id:character varying:NO:,checksum:character varying:NO:,finished_at:timestamp with time zone:YES:,migration_name:character varying:NO:,logs:text:YES:,rolled_back_at:timestamp with time zone:YES:,started_at:timestamp with time zone:NO:now(),applied_steps_count:integer:NO:0" ]

# ---- second deploy is a no-op; status up to date
st 0 "$STRATA" migrate deploy
t_ok "second deploy exits 0"
t_stdout_has "No pending migrations to apply."
st 0 "$STRATA" migrate status
t_ok "status up to date exits 0"
t_stdout_has "Database schema is up to date!"

# ---- session settings do not leak: the next migration may take locks
mig 20240101000003_set 'SET statement_timeout = '"'"'1ms'"'"'; SET lock_timeout = '"'"'1ms'"'"';'
mig 20240101000004_check 'DO $$ BEGIN IF current_setting('"'"'lock_timeout'"'"') <> '"'"'0'"'"' OR current_setting('"'"'statement_timeout'"'"') <> '"'"'0'"'"' THEN RAISE EXCEPTION '"'"'setting leaked'"'"'; END IF; END $$; SELECT pg_sleep(0.01);'
st 0 "$STRATA" migrate deploy
t_ok "SET in one migration does not leak into the next"

# ---- status: pending (exit 1)
mig 20240101000005_pending 'CREATE TABLE "P" (id int);'
st 1 "$STRATA" migrate status
t_ok "status with a pending migration exits 1"
t_stdout_has "Following migration have not yet been applied:"
t_stdout_has "20240101000005_pending"
t_stdout_has "To apply migrations in production run prisma migrate deploy."
st 1 "$STRATA" migrate status --json
t_check "status --json says pending" grep -q '"state": "pending"' "$T_OUT"
st 0 "$STRATA" migrate deploy --json
t_check "deploy --json lists the applied migration" grep -q '"name": "20240101000005_pending"' "$T_OUT"

# ---- failure flow: P3018 -> P3009 -> resolve --rolled-back -> fix -> deploy
mig 20240102000000_fail 'CREATE TABLE "Left" (id int);
-- the next statement fails
INSERT INTO does_not_exist VALUES (1);'
mig 20240102000001_after 'CREATE TABLE "After" (id int);'
st 1 "$STRATA" migrate deploy
t_ok "failing migration: deploy exits 1"
t_stderr_has "P3018" "P3018 reported"
t_stderr_has "Migration name: 20240102000000_fail"
t_stderr_has "Database error code: 42P01"
t_stderr_has 'relation "does_not_exist" does not exist'
t_stderr_has "line 3 of prisma/migrations/20240102000000_fail/migration.sql" "the failing line is named"
t_stdout_has 'Applying migration `20240102000000_fail`'
t_check "failed migration left nothing behind (atomic)" [ -z "$(q "SELECT to_regclass('\"Left\"')")" ]
t_check "later migration not attempted" [ -z "$(q "SELECT to_regclass('\"After\"')")" ]
t_check "failed row: finished_at NULL, steps 0, logs with SQLSTATE" \
	[ "$(q "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240102000000_fail' AND finished_at IS NULL AND rolled_back_at IS NULL AND applied_steps_count = 0 AND logs LIKE '%42P01%'")" = 1 ]
st 1 "$STRATA" migrate deploy
t_ok "deploy after a failure exits 1"
t_stderr_has "P3009" "P3009 reported"
t_stderr_has 'The `20240102000000_fail` migration started at'
st 1 "$STRATA" migrate status
t_ok "status: failed + pending exits 1"
t_stdout_has "20240102000001_after" "pending listed first, as Prisma"
st 1 "$STRATA" migrate resolve --rolled-back 20240102000001_after
t_ok "resolve --rolled-back on a never-applied migration exits 1"
t_stderr_has "P3011"
st 1 "$STRATA" migrate resolve --rolled-back 20240101000000_init
t_ok "resolve --rolled-back on an applied migration exits 1"
t_stderr_has "P3012"
st 0 "$STRATA" migrate resolve --rolled-back 20240102000000_fail
t_ok "resolve --rolled-back exits 0"
t_stdout_has "Migration 20240102000000_fail marked as rolled back."
st 0 "$STRATA" migrate resolve --rolled-back 20240102000000_fail
t_ok "resolve --rolled-back again still exits 0"
mig 20240102000000_fail 'CREATE TABLE "Left" (id int);'
st 0 "$STRATA" migrate deploy
t_ok "fixed migration deploys"
t_check "rolled-back row kept and a new finished row added" \
	[ "$(q "SELECT count(*) FILTER (WHERE rolled_back_at IS NOT NULL) || '/' || count(*) FILTER (WHERE finished_at IS NOT NULL) FROM _prisma_migrations WHERE migration_name = '20240102000000_fail'")" = "1/1" ]
st 0 "$STRATA" migrate status
t_ok "status up to date after the fix"

# ---- resolve --applied: P3008, P3017, and on a failed migration
st 1 "$STRATA" migrate resolve --applied 20240101000000_init
t_ok "resolve --applied on an applied migration exits 1"
t_stderr_has "P3008"
st 1 "$STRATA" migrate resolve --applied nope
t_ok "resolve --applied unknown exits 1"
t_stderr_has "P3017"
st 2 "$STRATA" migrate resolve --applied a --rolled-back b
t_ok "resolve with both flags is a usage error"
mig 20240103000000_hotfix 'ALTER TABLE "User" ADD COLUMN "x" int; SELECT 1/0;'
st 1 "$STRATA" migrate deploy
st 0 "$STRATA" migrate resolve --applied 20240103000000_hotfix
t_ok "resolve --applied on a failed migration exits 0"
t_check "failed row rolled back, new row with logs '' and finished" \
	[ "$(q "SELECT count(*) FILTER (WHERE rolled_back_at IS NOT NULL AND finished_at IS NULL) || '/' || count(*) FILTER (WHERE finished_at IS NOT NULL AND logs = '' AND applied_steps_count = 0) FROM _prisma_migrations WHERE migration_name = '20240103000000_hotfix'")" = "1/1" ]
st 0 "$STRATA" migrate status
t_ok "status up to date after resolve --applied"

# ---- edited applied migration and migration missing locally
printf '\n-- edited\n' >>"$P/prisma/migrations/20240101000000_init/migration.sql"
st 0 "$STRATA" migrate status
t_ok "edited applied migration: still up to date (exit 0, as Prisma)"
t_stdout_has "whose file changed since" "edited migration reported"
t_stdout_has "20240101000000_init"
mv "$P/prisma/migrations/20240103000000_hotfix" "$T_TMP/hotfix"
st 0 "$STRATA" migrate status
t_ok "migration missing locally, nothing pending: exit 0"
t_stdout_has "not found locally" "missing-locally migration reported"
mig 20240104000000_new 'CREATE TABLE "New" (id int);'
st 1 "$STRATA" migrate status
t_ok "diverged history exits 1"
t_stderr_has "Your local migration history and the migrations table from your database are different"
t_stderr_has "The last common migration is: 20240102000001_after"
st 0 "$STRATA" migrate deploy
t_ok "deploy ignores migrations missing locally"

# ---- transaction modes
mig 20240105000000_cic 'CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");'
mig 20240105000001_mixed 'CREATE TYPE "Role" AS ENUM ('"'"'A'"'"');
ALTER TYPE "Role" ADD VALUE '"'"'B'"'"';
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT '"'"'B'"'"';
CREATE INDEX CONCURRENTLY "User_role_idx" ON "User"("role");
CREATE TABLE "M" (id int);'
mig 20240105000002_own_txn 'BEGIN;
CREATE TABLE "Own" (id int);
COMMIT;'
mig 20240105000003_fn 'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;'
st 0 "$STRATA" migrate deploy
t_ok "CONCURRENTLY, mixed file, own BEGIN/COMMIT and plpgsql apply"
t_stdout_has "outside a transaction" "single CONCURRENTLY statement runs outside a transaction"
t_stdout_has "in steps" "mixed file runs in steps"
t_check "CONCURRENTLY index is valid" \
	[ "$(q "SELECT bool_and(indisvalid) FROM pg_index WHERE indexrelid::regclass::text IN ('\"User_name_idx\"', '\"User_role_idx\"')")" = t ]
t_check "steps counted in applied_steps_count" \
	[ "$(q "SELECT applied_steps_count FROM _prisma_migrations WHERE migration_name = '20240105000001_mixed'")" = 5 ]
mig 20240106000000_mixed_fail 'CREATE TABLE "S1" (id int);
CREATE INDEX CONCURRENTLY "S1_idx" ON "S1"(id);
CREATE TABLE "S1" (id int);'
st 1 "$STRATA" migrate deploy
t_ok "failing step exits 1"
t_check "failed step row records the steps done" \
	[ "$(q "SELECT applied_steps_count FROM _prisma_migrations WHERE migration_name = '20240106000000_mixed_fail' AND finished_at IS NULL")" = 2 ]
t_stderr_has "step 3 of 3"
rm -rf "$P/prisma/migrations/20240106000000_mixed_fail"
q "DELETE FROM _prisma_migrations WHERE migration_name = '20240106000000_mixed_fail'; DROP TABLE \"S1\"" >/dev/null

# ---- db execute
printf 'CREATE TABLE "Exec" (id int);\nINSERT INTO "Exec" VALUES (1), (2);\n' >"$T_TMP/x.sql"
st 0 "$STRATA" db execute --file "$T_TMP/x.sql"
t_ok "db execute --file exits 0"
t_stdout_has "Script executed successfully."
t_check "db execute ran the script" [ "$(q 'SELECT count(*) FROM "Exec"')" = 2 ]
(cd "$P" && echo 'SELECT 1/0;' | "$STRATA" db execute --stdin --url "$URL" >"$T_OUT" 2>"$T_ERR")
t_check "db execute --stdin reports a failure with exit 1" [ $? -eq 1 ]
t_stderr_has "division by zero"
t_stderr_has "22012"
st 2 "$STRATA" db execute
t_ok "db execute without --file/--stdin is a usage error"

# ---- lock file, P3015, unreachable, non-empty database (P3005), baselining
printf 'provider = "mysql"\n' >"$P/prisma/migrations/migration_lock.toml"
st 1 "$STRATA" migrate deploy
t_ok "provider mismatch exits 1"
t_stderr_has "P3019"
printf '# Please do not edit this file manually\nprovider = "postgresql"\n' >"$P/prisma/migrations/migration_lock.toml"
mkdir -p "$P/prisma/migrations/20240107000000_empty_dir"
st 1 "$STRATA" migrate deploy
t_ok "migration folder without migration.sql exits 1"
t_stderr_has "P3015"
rmdir "$P/prisma/migrations/20240107000000_empty_dir"
st 1 "$STRATA" migrate deploy --url "postgresql://u:s3cr3tpw@127.0.0.1:1/x"
t_ok "unreachable server exits 1"
t_stderr_has 'P1001: Can'"'"'t reach database server at `127.0.0.1`:`1`'
t_stderr_lacks "s3cr3tpw" "password never printed"

B="$T_TMP/base"
mkdir -p "$B/prisma"
cp "$P/prisma/schema.prisma" "$B/prisma/"
t_db "${DBN}_base"
BURL=$T_URL
t_psql "${DBN}_base" 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"))' >/dev/null
(cd "$B" && DATABASE_URL=$BURL t_run 1 "$STRATA" migrate status)
t_ok "status on an unmanaged database exits 1"
(cd "$B" && DATABASE_URL=$BURL t_run 1 "$STRATA" migrate deploy)
t_ok "deploy on a non-empty database without history exits 1"
t_stderr_has "P3005"
if "$STRATA" migrate diff --help >/dev/null 2>&1; then
	mkdir -p "$B/prisma/migrations/0_init"
	(cd "$B" && "$STRATA" migrate diff --from-empty --to-schema prisma/schema.prisma --script >prisma/migrations/0_init/migration.sql)
	t_check "migrate diff wrote the baseline" grep -q 'CREATE TABLE "User"' "$B/prisma/migrations/0_init/migration.sql"
else
	mkdir -p "$B/prisma/migrations/0_init"
	echo 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));' >"$B/prisma/migrations/0_init/migration.sql"
	t_skip "migrate diff wrote the baseline" "migrate diff not built"
fi
(cd "$B" && DATABASE_URL=$BURL t_run 0 "$STRATA" migrate resolve --applied 0_init)
t_ok "baselining: resolve --applied 0_init exits 0"
mkdir -p "$B/prisma/migrations/1_next"
echo 'ALTER TABLE "User" ADD COLUMN "age" INTEGER;' >"$B/prisma/migrations/1_next/migration.sql"
(cd "$B" && DATABASE_URL=$BURL t_run 0 "$STRATA" migrate deploy)
t_ok "deploy after baselining applies only the new migration"
t_stdout_has 'Applying migration `1_next`'
t_stdout_lacks 'Applying migration `0_init`'

# ---- prisma.config.ts: schema, migrations.path and datasource.url
C="$T_TMP/cfg"
mkdir -p "$C/db/schema" "$C/db/history/1_a"
printf 'datasource db {\n  provider = "postgresql"\n}\n' >"$C/db/schema/main.prisma"
printf 'model A {\n  id Int @id\n}\n' >"$C/db/schema/a.prisma"
echo 'CREATE TABLE "A" (id int PRIMARY KEY);' >"$C/db/history/1_a/migration.sql"
t_db "${DBN}_cfg"
cat >"$C/prisma.config.ts" <<'EOF'
import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  // the schema folder
  schema: "db/schema",
  migrations: {
    path: "db/history",
    seed: "tsx db/seed.ts",
  },
  datasource: {
    url: env("CFG_DB_URL"),
  },
});
EOF
echo "CFG_DB_URL=$T_URL" >"$C/.env"
(cd "$C" && t_run 0 "$STRATA" migrate deploy)
t_ok "prisma.config.ts: schema folder, migrations.path, env() url from .env"
t_stdout_has "1 migration found in db/history" "migrations.path is used"
t_stderr_has "Loaded Prisma config from prisma.config.ts"
(cd "$C" && CFG_DB_URL="postgresql://postgres@127.0.0.1:1/x" t_run 1 "$STRATA" migrate status)
t_ok "the environment wins over .env"
sed -i 's|url: env("CFG_DB_URL"),|url: process.env.CFG_DB_URL!,|' "$C/prisma.config.ts"
(cd "$C" && t_run 0 "$STRATA" migrate status)
t_ok "process.env.X is read"
sed -i 's|path: "db/history",|path: path.join("db", "history"),|' "$C/prisma.config.ts"
(cd "$C" && t_run 1 "$STRATA" migrate status)
t_ok "a computed migrations.path is an error"
t_stderr_has 'cannot read "migrations.path"'
t_stderr_has "--migrations DIR"
(cd "$C" && t_run 0 "$STRATA" migrate status --migrations db/history)
t_ok "--migrations overrides the computed value"

# ---- nothing configured: the error says what to do
E="$T_TMP/none"
mkdir -p "$E/prisma"
printf 'datasource db {\n  provider = "postgresql"\n}\n' >"$E/prisma/schema.prisma"
(cd "$E" && env -u DATABASE_URL "$STRATA" migrate status >"$T_OUT" 2>"$T_ERR")
t_check "no URL configured exits 1" [ $? -eq 1 ]
t_stderr_has "DATABASE_URL"
t_stderr_has "strata db start"
(cd "$T_TMP" && t_run 1 "$STRATA" migrate status)
t_ok "no schema found exits 1"
t_stderr_has "prisma/schema.prisma" "the paths tried are listed"

# ---- the public C API: examples/deploy_at_startup
EX="$T_ROOT/$BUILD/examples/deploy_at_startup"
if [ -x "$EX" ]; then
	t_db "${DBN}_api"
	DATABASE_URL=$T_URL t_run 0 "$EX" "$P/prisma/migrations"
	t_ok "example program deploys at start-up"
	t_stdout_has "state up to date"
	t_stdout_has "applied 20240101000000_init"
	DATABASE_URL=$T_URL t_run 0 "$EX" "$P/prisma/migrations"
	t_ok "example program: second start applies nothing"
	t_stdout_has "0 applied now"
	DATABASE_URL="postgresql://postgres@127.0.0.1:1/x" t_run 1 "$EX" "$P/prisma/migrations"
	t_ok "example program: unreachable database exits 1"
	t_stderr_has "P1001"
else
	t_fail "example program built ($EX)"
fi

psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
	-c "DROP DATABASE IF EXISTS \"$DBN\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${DBN}_base\" WITH (FORCE)" \
	-c "DROP DATABASE IF EXISTS \"${DBN}_cfg\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${DBN}_api\" WITH (FORCE)" >/dev/null 2>&1
t_done
