#!/bin/sh
# test_migrate_script_edges.sh - scripts libpq cannot send as they are:
# COPY ... FROM STDIN / TO STDOUT in a migration or a `db execute` script
# (no data stream: the statement must fail, or its output be dropped,
# instead of leaving strata waiting forever), and files with a NUL byte
# (libpq would send only the text before it).
. "$(dirname "$0")/../lib.sh"
t_need_pg

DBN="strata_e2e_edges_$$"
t_db "$DBN"
URL=$T_URL
P="$T_TMP/proj"
mkdir -p "$P/migrations/1_table" "$P/migrations/2_copy"
echo 'CREATE TABLE t (a int);' >"$P/migrations/1_table/migration.sql"
printf 'INSERT INTO t VALUES (1);\nCOPY t FROM STDIN;\n' >"$P/migrations/2_copy/migration.sql"

# timeout: before the fix this never returned
t_run 1 timeout 60 "$STRATA" migrate deploy --url "$URL" --migrations "$P/migrations"
t_ok "deploy of a migration with COPY FROM STDIN fails (does not hang)"
t_stderr_has "P3018"
t_stderr_has "COPY FROM STDIN is not supported"
t_check "the failed migration left nothing behind" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM t")" = 0 ]
t_check "the failure is recorded" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '2_copy' AND finished_at IS NULL AND logs LIKE '%COPY%'")" = 1 ]
t_check "the lock was released" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" = 0 ]

echo 'COPY t FROM STDIN;' >"$T_TMP/in.sql"
t_run 1 timeout 60 "$STRATA" db execute --url "$URL" --file "$T_TMP/in.sql"
t_ok "db execute with COPY FROM STDIN fails (does not hang)"
t_stderr_has "COPY FROM STDIN is not supported"

printf 'COPY (SELECT 1) TO STDOUT;\nINSERT INTO t VALUES (2);\n' >"$T_TMP/out.sql"
t_run 0 timeout 60 "$STRATA" db execute --url "$URL" --file "$T_TMP/out.sql"
t_ok "db execute with COPY TO STDOUT runs the rest of the script"
t_check "the statement after COPY TO STDOUT ran" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM t WHERE a = 2")" = 1 ]

# ---- a NUL byte: nothing runs, nothing is recorded
t_run 0 "$STRATA" migrate resolve --rolled-back 2_copy --url "$URL" --migrations "$P/migrations"
t_ok "the failed COPY migration is resolved as rolled back"
rm -rf "$P/migrations/2_copy"
mkdir -p "$P/migrations/3_nul"
printf 'INSERT INTO t VALUES (3);\n\000DROP TABLE t;\n' >"$P/migrations/3_nul/migration.sql"
t_run 1 "$STRATA" migrate deploy --url "$URL" --migrations "$P/migrations"
t_ok "deploy refuses a migration file with a NUL byte"
t_stderr_has "contains a NUL byte"
t_check "nothing of it ran" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM t WHERE a = 3")" = 0 ]
t_check "no row was recorded for it" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '3_nul'")" = 0 ]
printf 'INSERT INTO t VALUES (4);\n\000DROP TABLE t;\n' >"$T_TMP/nul.sql"
t_run 1 "$STRATA" db execute --url "$URL" --file "$T_TMP/nul.sql"
t_ok "db execute refuses a script with a NUL byte"
t_stderr_has "contains a NUL byte"
t_check "nothing of the script ran" \
	[ "$(t_psql "$DBN" "SELECT count(*) FROM t WHERE a = 4")" = 0 ]

t_done
