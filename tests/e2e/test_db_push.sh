#!/bin/sh
# test_db_push.sh - `strata db push`: creates the schema from nothing
# without a history table, changes it in place, refuses data loss without
# --accept-data-loss (warnings with real row counts, nothing applied),
# refuses unexecutable changes, and --force-reset starts over.
. "$(dirname "$0")/../lib.sh"
t_need_pg

FIX="$T_ROOT/tests/fixtures/dev-session"
P="$T_TMP/proj"
mkdir -p "$P/prisma"
DB=strata_e2e_push_$$
t_db "$DB"
export DATABASE_URL="$T_URL"
cd "$P" || exit 1

cp "$FIX/steps/04-required_bio.prisma" prisma/schema.prisma
t_run 0 "$STRATA" db push
t_ok "push to an empty database"
t_stdout_has "Your database is now in sync with your Prisma schema."
t_check "tables created" [ "$(t_psql "$DB" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 2 ]
t_check "no history table" [ "$(t_psql "$DB" "SELECT count(*) FROM pg_tables WHERE tablename = '_prisma_migrations'")" = 0 ]

t_run 0 "$STRATA" db push
t_ok "second push"
t_stdout_has "already in sync"

t_psql "$DB" "INSERT INTO \"User\" (email, bio) VALUES ('a@example.com', 'x'), ('b@example.com', 'y')" >/dev/null
cp "$FIX/steps/08-drop_bio.prisma" prisma/schema.prisma
t_run 1 "$STRATA" db push
t_ok "data loss: refused without --accept-data-loss"
t_stdout_has 'You are about to drop the column `bio` on the `User` table, which still contains 2 non-null values.'
t_stderr_has "--accept-data-loss"
t_check "refused: column kept" [ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bio'")" = 1 ]

t_run 0 "$STRATA" db push --accept-data-loss
t_ok "--accept-data-loss: applied"
t_check "column dropped" [ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bio'")" = 0 ]
t_check "rows kept" [ "$(t_psql "$DB" "SELECT count(*) FROM \"User\"")" = 2 ]

sed 's/^  role     Role    @default(USER)$/  role     Role    @default(USER)\n  nick     String/' \
	"$FIX/steps/08-drop_bio.prisma" >prisma/schema.prisma
t_run 1 "$STRATA" db push --accept-data-loss
t_ok "unexecutable: refused even with --accept-data-loss"
t_stdout_has 'Added the required column `nick` to the `User` table without a default value. There are 2 rows in this table, it is not possible to execute this step.'

t_run 0 "$STRATA" db push --force-reset
t_ok "--force-reset: starts over"
t_stdout_has "was successfully reset"
t_check "--force-reset: empty table with the new column" [ "$(t_psql "$DB" "SELECT count(*) FROM \"User\"")" = 0 ]

t_psql postgres "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
t_done
