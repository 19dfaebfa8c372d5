#!/bin/sh
# test_migrate_dev.sh - `strata migrate dev`: the scripted development
# session of tests/fixtures/dev-session (each migration byte-identical to
# the one Prisma 7.10 wrote for the same step), drift made by hand, an
# edited applied migration, non-interactive safety (no silent reset, no
# data loss without --accept-data-loss, unexecutable steps refused), the
# production-safety guard, and the shadow database always dropped.
. "$(dirname "$0")/../lib.sh"
t_need_pg

FIX="$T_ROOT/tests/fixtures/dev-session"
P="$T_TMP/proj"
mkdir -p "$P/prisma"
DB=strata_e2e_dev_$$
t_db "$DB"
export DATABASE_URL="$T_URL"
cd "$P" || exit 1

shadow_count() {
	t_psql postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma\_migrate\_shadow\_db\_%'"
}
# the SQL of a migration without its Warnings comment
body() { sed '1{/^\/\*$/!q};1,/^\*\/$/d' "$1"; }

# ==== the scripted session ====
for step in "$FIX"/steps/*.prisma; do
	base=$(basename "$step" .prisma)
	name=${base#*-}
	cp "$step" prisma/schema.prisma
	if [ -f "$FIX/steps/$base.before.sql" ]; then
		psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d "$DB" \
			-v ON_ERROR_STOP=1 -f "$FIX/steps/$base.before.sql" >/dev/null
	fi
	t_run 0 "$STRATA" migrate dev --name "$name" --accept-data-loss
	t_ok "session $base: migrate dev succeeds"
	dir=$(ls -d prisma/migrations/*_"$name" 2>/dev/null | tail -1)
	if [ -z "$dir" ]; then
		t_fail "session $base: migration directory created"
		continue
	fi
	body "$FIX/expected/$base.sql" >"$T_TMP/want.sql"
	body "$dir/migration.sql" >"$T_TMP/got.sql"
	t_same_file "session $base: SQL identical to Prisma's" "$T_TMP/want.sql" "$T_TMP/got.sql"
	t_same_file "session $base: migration.sql identical to Prisma's (warnings included)" \
		"$FIX/expected/$base.sql" "$dir/migration.sql"
	t_check "session $base: shadow database dropped" [ "$(shadow_count)" = 0 ]
done
t_check "migration_lock.toml written" grep -q 'provider = "postgresql"' prisma/migrations/migration_lock.toml

t_run 0 "$STRATA" migrate dev --name nothing
t_ok "no change: exit 0"
t_stdout_has "Already in sync, no schema change or pending migration was found."
t_check "no change: no migration created" sh -c '! ls -d prisma/migrations/*_nothing 2>/dev/null'

# ==== drift made by hand ====
t_psql "$DB" 'ALTER TABLE "Tag" ADD COLUMN "color" TEXT' >/dev/null
t_run 130 "$STRATA" migrate dev --name after_drift
t_ok "drift: refused without a terminal (exit 130, as Prisma 7)"
t_stderr_has "Drift detected: Your database schema is not in sync with your migration history."
t_stderr_has '[*] Changed the `Tag` table'
t_stderr_has '[+] Added column `color`'
t_stderr_has "--force-reset"
t_check "drift: nothing was reset" [ "$(t_psql "$DB" "SELECT count(*) FROM \"User\"")" = 3 ]

t_run 0 "$STRATA" migrate dev --name after_drift --force-reset --skip-seed
t_ok "drift: --force-reset resets and re-applies"
t_stdout_has "Database reset successful"
t_stdout_has "Your database is now in sync with your schema."
t_check "drift: the hand-made column is gone" \
	[ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Tag' AND column_name = 'color'")" = 0 ]

# ==== on a terminal: the reset is asked for ====
if command -v script >/dev/null 2>&1; then
	t_psql "$DB" 'ALTER TABLE "Tag" ADD COLUMN "color2" TEXT' >/dev/null
	printf 'n\n' | env -u CI script -qec "'$STRATA' migrate dev --name tty --skip-seed" /dev/null >"$T_TMP/tty.out" 2>&1
	t_check "terminal: the reset question is asked" grep -q "Do you want to continue? All data will be lost." "$T_TMP/tty.out"
	t_check "terminal: declined, the column is still there" \
		[ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE column_name = 'color2'")" = 1 ]
	printf 'y\n' | env -u CI script -qec "'$STRATA' migrate dev --name tty --skip-seed" /dev/null >"$T_TMP/tty.out" 2>&1
	t_check "terminal: confirmed, the database is reset" grep -q "Database reset successful" "$T_TMP/tty.out"
	t_check "terminal: confirmed, the column is gone" \
		[ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE column_name = 'color2'")" = 0 ]
else
	t_skip "terminal prompts" "script(1) is not installed"
fi

# ==== an edited applied migration ====
first=$(ls -d prisma/migrations/*_init | head -1)
printf '\n-- edited\n' >>"$first/migration.sql"
t_run 130 "$STRATA" migrate dev --name after_edit
t_ok "edited migration: refused (exit 130)"
t_stderr_has "was modified after it was applied."
t_stderr_has "$(basename "$first")"
t_run 0 "$STRATA" migrate dev --name after_edit --force-reset --skip-seed
t_ok "edited migration: --force-reset re-applies the edited history"

# ==== non-interactive safety ====
t_psql "$DB" "INSERT INTO \"User\" (email, full_name) VALUES ('x@example.com', 'X')" >/dev/null
sed 's/^  role     Role    @default(USER)$/  role     Role    @default(USER)\n  nick     String/' \
	"$FIX/steps/11-unique_title.prisma" >prisma/schema.prisma
t_run 1 "$STRATA" migrate dev --name nick
t_ok "unexecutable change: refused"
t_stderr_has "cannot be executed"
t_check "unexecutable change: no migration written" sh -c '! ls -d prisma/migrations/*_nick 2>/dev/null'

sed '/^  fullName/d' "$FIX/steps/11-unique_title.prisma" >prisma/schema.prisma
t_run 1 "$STRATA" migrate dev --name drop_full_name
t_ok "data loss without --accept-data-loss: refused"
t_stdout_has 'You are about to drop the column `full_name` on the `User` table'
t_stderr_has "--accept-data-loss"
t_check "data loss refused: no migration written" sh -c '! ls -d prisma/migrations/*_drop_full_name 2>/dev/null'
t_check "data loss refused: column kept" \
	[ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'full_name'")" = 1 ]

t_run 0 "$STRATA" migrate dev --name drop_full_name --create-only --accept-data-loss
t_ok "--create-only writes without applying"
t_stdout_has "created the following migration without applying it"
t_check "--create-only: column still there" \
	[ "$(t_psql "$DB" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'full_name'")" = 1 ]
t_run 0 "$STRATA" migrate dev
t_ok "the created migration is applied by the next run"
t_stdout_has "The following migration(s) have been applied:"

# ==== migrate diff with database sources ====
t_run 0 "$STRATA" migrate diff --from-config-datasource --to-schema prisma/schema.prisma --exit-code
t_ok "migrate diff --from-config-datasource: in sync (exit 0)"
t_stdout_has "No difference detected."
t_run 0 "$STRATA" migrate diff --from-migrations prisma/migrations --to-url "$DATABASE_URL" --exit-code
t_ok "migrate diff --from-migrations --to-url: the history gives the database (exit 0)"
t_check "migrate diff --from-migrations: shadow database dropped" [ "$(shadow_count)" = 0 ]
t_psql "$DB" 'CREATE INDEX "by_hand" ON "Tag" ("label")' >/dev/null
t_run 2 "$STRATA" migrate diff --from-migrations prisma/migrations --to-config-datasource --script --exit-code
t_ok "migrate diff: drift shows (exit 2)"
t_stdout_has 'CREATE INDEX "by_hand" ON '
t_psql "$DB" 'DROP INDEX "by_hand"' >/dev/null
t_run 2 "$STRATA" migrate diff --from-url "$DATABASE_URL" --to-migrations prisma/migrations --from-empty
t_ok "migrate diff: two --from-* is a usage error"

# ==== production safety ====
t_run 1 "$STRATA" migrate dev --name remote --url "postgresql://me@db.example.invalid:5432/prod"
t_ok "remote database: refused without a terminal"
t_stdout_has 'PostgreSQL database "prod", schema "public" at "db.example.invalid:5432"' \
	"remote database: target shown before anything"
t_stderr_has "refusing to change the remote database"
t_stderr_has "--allow-remote"

# ==== the shadow database is dropped even when migrate dev is killed ====
cp "$FIX/steps/11-unique_title.prisma" prisma/schema.prisma
rm -rf prisma/migrations/*_drop_full_name
t_run 0 "$STRATA" migrate dev --name settle --force-reset --skip-seed --accept-data-loss
mkdir -p prisma/migrations/29990101000000_slow
echo 'SELECT pg_sleep(60);' >prisma/migrations/29990101000000_slow/migration.sql
for sig in TERM HUP KILL; do
	"$STRATA" migrate dev --name never </dev/null >"$T_TMP/bg.out" 2>&1 &
	pid=$!
	i=0
	while [ "$(shadow_count)" = 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	t_check "kill -$sig: the shadow database existed while it ran" [ "$(shadow_count)" != 0 ]
	sleep 0.5
	kill -"$sig" "$pid"
	wait "$pid" 2>/dev/null
	i=0
	while [ "$(shadow_count)" != 0 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	t_check "kill -$sig: the shadow database is gone" [ "$(shadow_count)" = 0 ]
done
rm -rf prisma/migrations/29990101000000_slow

# ==== a pending migration that does not apply: P3006, nothing applied ====
mkdir -p prisma/migrations/29990101000001_broken
echo 'ALTER TABLE "Nope" ADD COLUMN x int;' >prisma/migrations/29990101000001_broken/migration.sql
t_run 1 "$STRATA" migrate dev --name never
t_ok "broken pending migration: refused"
t_stderr_has "P3006"
t_stderr_has 'Migration `29990101000001_broken` failed to apply cleanly to the shadow database.'
t_check "broken pending migration: not recorded" \
	[ "$(t_psql "$DB" "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%broken'")" = 0 ]
rm -rf prisma/migrations/29990101000001_broken

# ==== several schemas (datasource schemas = [...]) ====
mkdir -p "$T_TMP/ms/prisma"
cat >"$T_TMP/ms/prisma/schema.prisma" <<'PSL'
datasource db {
  provider = "postgresql"
  schemas  = ["base", "auth"]
}

enum Status {
  ON
  OFF

  @@schema("auth")
}

model Account {
  id     Int    @id @default(autoincrement())
  status Status @default(ON)
  items  Item[]

  @@schema("auth")
}

model Item {
  id        Int     @id
  accountId Int
  account   Account @relation(fields: [accountId], references: [id])

  @@schema("base")
}
PSL
t_db "${DB}_ms"
MS_URL=$T_URL
cd "$T_TMP/ms" || exit 1
t_run 0 "$STRATA" migrate dev --name init --url "$MS_URL"
t_ok "multi-schema: migrate dev creates the schemas and tables"
t_check "multi-schema: CREATE SCHEMA in the migration" grep -q 'CREATE SCHEMA IF NOT EXISTS "auth";' prisma/migrations/*_init/migration.sql
t_run 0 "$STRATA" migrate dev --name again --url "$MS_URL"
t_ok "multi-schema: second run"
t_stdout_has "Already in sync"
t_run 0 "$STRATA" migrate reset --force --skip-seed --url "$MS_URL"
t_ok "multi-schema: reset"
t_check "multi-schema: tables back after reset" \
	[ "$(t_psql "${DB}_ms" "SELECT count(*) FROM pg_tables WHERE schemaname IN ('auth', 'base')")" = 2 ]
cd "$P" || exit 1
t_psql postgres "DROP DATABASE IF EXISTS \"${DB}_ms\" WITH (FORCE)" >/dev/null

# ==== CREATE DATABASE refused (P3014): an ephemeral local cluster ====
ROLE=strata_nocreate_$$
t_psql postgres "CREATE ROLE $ROLE LOGIN" >/dev/null
t_psql postgres "CREATE DATABASE ${DB}_nc OWNER $ROLE" >/dev/null
mkdir -p "$T_TMP/nc/prisma"
cp "$FIX/steps/01-init.prisma" "$T_TMP/nc/prisma/schema.prisma"
cd "$T_TMP/nc" || exit 1
t_run 0 "$STRATA" migrate dev --name init \
	--url "postgresql://$ROLE@$T_PGHOST:$STRATA_TEST_PGPORT/${DB}_nc"
cd "$P" || exit 1
t_ok "no CREATEDB privilege: migrate dev still works"
t_stderr_has "ephemeral local PostgreSQL" "says which shadow database was used"
t_check "ephemeral cluster removed" sh -c '! ls -d /tmp/strata-shadow-* 2>/dev/null | grep -q .'
t_psql postgres "DROP DATABASE IF EXISTS \"${DB}_nc\" WITH (FORCE)" >/dev/null
t_psql postgres "DROP ROLE IF EXISTS $ROLE" >/dev/null

t_psql postgres "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
t_done
