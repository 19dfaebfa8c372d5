#!/bin/sh
# test_migrate_reset.sh - `strata migrate reset`: needs --force without a
# terminal, drops everything (hand-made tables included), re-applies every
# migration, runs the SQL seed unless --skip-seed, and refuses a remote
# database without --allow-remote.
. "$(dirname "$0")/../lib.sh"
t_need_pg

FIX="$T_ROOT/tests/fixtures/dev-session"
P="$T_TMP/proj"
mkdir -p "$P/prisma"
DB=strata_e2e_reset_$$
t_db "$DB"
export DATABASE_URL="$T_URL"
cd "$P" || exit 1
cp "$FIX/steps/03-add_relation.prisma" prisma/schema.prisma
t_run 0 "$STRATA" migrate dev --name init
t_ok "setup: migrate dev creates the first migration"
t_psql "$DB" "CREATE TABLE scratch (x int); INSERT INTO \"User\" (email) VALUES ('a@example.com')" >/dev/null
cat >prisma/seed.sql <<'SQL'
INSERT INTO "User" (email, name) VALUES ('seed@example.com', 'Seed');
SQL

t_run 1 "$STRATA" migrate reset
t_ok "without a terminal: refused without --force"
t_stderr_has "--force"
t_check "refused: data kept" [ "$(t_psql "$DB" "SELECT count(*) FROM \"User\"")" = 1 ]

t_run 0 "$STRATA" migrate reset --force
t_ok "--force: reset succeeds"
t_stdout_has 'Datasource "db": PostgreSQL database' "target shown first"
t_stdout_has "Database reset successful"
t_stdout_has "The following migration(s) have been applied:"
t_stdout_has "The seed has been applied"
t_check "hand-made table dropped" [ "$(t_psql "$DB" "SELECT count(*) FROM pg_class WHERE relname = 'scratch'")" = 0 ]
t_check "only the seed's row is left" [ "$(t_psql "$DB" "SELECT string_agg(email, ',') FROM \"User\"")" = "seed@example.com" ]
t_check "history re-recorded" [ "$(t_psql "$DB" "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" = 1 ]

t_run 0 "$STRATA" migrate reset --force --skip-seed
t_ok "--skip-seed: reset succeeds"
t_stdout_lacks "The seed has been applied"
t_check "--skip-seed: no rows" [ "$(t_psql "$DB" "SELECT count(*) FROM \"User\"")" = 0 ]

t_run 1 "$STRATA" migrate reset --force --url "postgresql://me@10.255.255.1:5432/prod"
t_ok "remote database: refused without --allow-remote"
t_stderr_has "refusing to change the remote database"

t_psql postgres "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
t_done
