#!/bin/sh
# test_migrate_interchange.sh - strata and the real Prisma CLI (the oracle,
# ../shared/prisma-oracle) share one history: a corpus history half applied
# by Prisma is finished by strata and Prisma then reports it up to date;
# and the other way round.  A failure recorded by one blocks the other.
. "$(dirname "$0")/../lib.sh"
t_need_pg

O=$STRATA_ORACLE
ENTRY=${STRATA_INTERCHANGE_ENTRY:-hoppscotch}
if [ ! -f "$O/ref-deploy.sh" ] || [ ! -f "${PRISMA_ORACLE_HOME:-$HOME/.cache/strata-prisma-oracle}/node_modules/prisma/build/index.js" ]; then
	t_skip "interchange with Prisma" "the Prisma oracle is not installed ($O/setup.sh)"
	t_done
	exit 0
fi
# the oracle's engine wants a server for its own start-up connection: ours
export PRISMA_REF_PORT="$STRATA_TEST_PGPORT"
if [ ! -d "$STRATA_CORPUS/$ENTRY/migrations" ]; then
	t_skip "interchange with Prisma" "corpus not found at $STRATA_CORPUS"
	t_done
	exit 0
fi

ALL="$T_TMP/all"
mkdir -p "$ALL"
cp -r "$STRATA_CORPUS/$ENTRY/migrations" "$ALL/"
total=$(ls -d "$ALL"/migrations/*/ | wc -l)
half=$((total / 2))
HALF="$T_TMP/half"
mkdir -p "$HALF/migrations"
cp "$ALL/migrations/migration_lock.toml" "$HALF/migrations/" 2>/dev/null
for d in $(cd "$ALL/migrations" && ls -d */ | LC_ALL=C sort | head -n $half); do
	cp -r "$ALL/migrations/$d" "$HALF/migrations/"
done

# ---- Prisma first, strata finishes
t_db "strata_ix_a_$$"
A=$T_URL
t_run 0 bash "$O/ref-deploy.sh" "$HALF" "$A"
t_ok "Prisma deploys the first $half of $total $ENTRY migrations"
t_run 1 "$STRATA" migrate status --url "$A" --migrations "$ALL/migrations"
t_ok "strata status sees the rest pending"
t_check "pending count is $((total - half))" [ "$(grep -c "^[0-9][0-9]*_" "$T_OUT")" -eq $((total - half)) ]
t_run 0 "$STRATA" migrate deploy --url "$A" --migrations "$ALL/migrations"
t_ok "strata deploys the remaining migrations"
t_check "strata applied exactly the rest" [ "$(grep -c '^Applying migration' "$T_OUT")" -eq $((total - half)) ]
t_run 0 bash "$O/ref-status.sh" "$ALL" "$A"
t_ok "Prisma's migrate status exits 0 after strata"
t_stdout_has "Database schema is up to date!" "Prisma reports up to date"
t_run 0 bash "$O/ref-deploy.sh" "$ALL" "$A"
t_stdout_has "No pending migrations to apply." "Prisma finds nothing pending after strata"

# ---- strata first, Prisma finishes
t_db "strata_ix_b_$$"
B=$T_URL
t_run 0 "$STRATA" migrate deploy --url "$B" --migrations "$HALF/migrations"
t_ok "strata deploys the first half"
t_run 1 bash "$O/ref-status.sh" "$ALL" "$B"
t_ok "Prisma status sees the rest pending"
t_run 0 bash "$O/ref-deploy.sh" "$ALL" "$B"
t_ok "Prisma deploys the remaining migrations after strata"
t_run 0 "$STRATA" migrate status --url "$B" --migrations "$ALL/migrations"
t_ok "strata status exits 0 after Prisma"
t_stdout_has "Database schema is up to date!"
t_stdout_lacks "checksum differs" "strata's checksums match Prisma's"
t_check "both tools recorded identical checksums for identical files" \
	[ "$(t_psql "strata_ix_a_$$" "SELECT string_agg(migration_name || checksum, ',' ORDER BY migration_name) FROM _prisma_migrations")" = \
	  "$(t_psql "strata_ix_b_$$" "SELECT string_agg(migration_name || checksum, ',' ORDER BY migration_name) FROM _prisma_migrations")" ]
t_check "schemas identical whichever tool applied what" \
	[ "$(pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -T _prisma_migrations "strata_ix_a_$$" | grep -v '^--\|^.restrict\|^.unrestrict' | md5sum)" = \
	  "$(pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -T _prisma_migrations "strata_ix_b_$$" | grep -v '^--\|^.restrict\|^.unrestrict' | md5sum)" ]

# ---- failures cross over: a strata failure blocks Prisma, and back
F="$T_TMP/fail"
mkdir -p "$F/migrations/1_ok" "$F/migrations/2_fail"
echo 'CREATE TABLE ok_t (id int);' >"$F/migrations/1_ok/migration.sql"
echo 'INSERT INTO does_not_exist VALUES (1);' >"$F/migrations/2_fail/migration.sql"
t_db "strata_ix_c_$$"
C=$T_URL
t_run 1 "$STRATA" migrate deploy --url "$C" --migrations "$F/migrations"
t_ok "strata records the failure"
t_run 1 bash "$O/ref-deploy.sh" "$F" "$C"
t_ok "Prisma refuses to deploy over strata's failed migration"
t_stderr_has "P3009"
t_run 0 bash "$O/ref-resolve.sh" "$F" "$C" --rolled-back 2_fail
t_ok "Prisma resolves strata's failed migration"
echo 'CREATE TABLE fixed_t (id int);' >"$F/migrations/2_fail/migration.sql"
t_run 0 "$STRATA" migrate deploy --url "$C" --migrations "$F/migrations"
t_ok "strata deploys after Prisma's resolve"
mkdir -p "$F/migrations/3_fail"
echo 'SELECT 1/0;' >"$F/migrations/3_fail/migration.sql"
t_run 1 bash "$O/ref-deploy.sh" "$F" "$C"
t_ok "Prisma records a failure"
t_run 1 "$STRATA" migrate deploy --url "$C" --migrations "$F/migrations"
t_ok "strata refuses to deploy over Prisma's failed migration"
t_stderr_has "P3009"
t_stderr_has '`3_fail`'

[ -n "${KEEP:-}" ] || psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
	-c "DROP DATABASE IF EXISTS \"strata_ix_a_$$\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"strata_ix_b_$$\" WITH (FORCE)" \
	-c "DROP DATABASE IF EXISTS \"strata_ix_c_$$\" WITH (FORCE)" >/dev/null 2>&1
t_done
