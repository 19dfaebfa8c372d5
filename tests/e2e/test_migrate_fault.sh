#!/bin/sh
# test_migrate_fault.sh - crash safety of `migrate deploy`: kill -9 of the
# deployer at random moments (60 trials) and pg_terminate_backend in the
# middle of a migration.  Invariants checked with SQL after every trial:
# never a half-applied transactional migration, never a finished row for
# an unapplied migration, no unfinished row left behind; a re-run completes.
. "$(dirname "$0")/../lib.sh"
t_need_pg

DBN="strata_e2e_fault_$$"
M="$T_TMP/migrations"
N=8
i=1
while [ $i -le $N ]; do
	d="$M/2024010100000${i}_m$i"
	mkdir -p "$d"
	{
		echo "CREATE TABLE t$i (id int PRIMARY KEY, v text);"
		echo "INSERT INTO t$i SELECT g, md5(g::text) FROM generate_series(1, 3000) g;"
		echo "SELECT pg_sleep(0.01 * ($i % 3));"
		echo "CREATE INDEX t${i}_v ON t$i (v);"
		echo "CREATE TABLE t${i}_done (ok int);"
	} >"$d/migration.sql"
	i=$((i + 1))
done
URL="postgresql://postgres@$T_PGHOST:$STRATA_TEST_PGPORT/$DBN"
reset_db() { t_db "$DBN"; }

# invariants: for each migration, (finished row) <=> (both its tables exist,
# fully populated); no row without finished_at; one finished row at most.
check() {
	t_psql "$DBN" "
	WITH m AS (SELECT i, 't' || i AS t FROM generate_series(1, $N) i),
	r AS (SELECT m.i,
		(SELECT count(*) FROM _prisma_migrations p
		  WHERE p.migration_name LIKE '2024010100000' || m.i || '_%'
		    AND p.finished_at IS NOT NULL) AS fin,
		to_regclass(m.t) IS NOT NULL AS t1,
		to_regclass(m.t || '_done') IS NOT NULL AS t2
	      FROM m)
	SELECT
	  (SELECT count(*) FROM r WHERE NOT ((fin = 1 AND t1 AND t2) OR (fin = 0 AND NOT t1 AND NOT t2)))
	  + (SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL)" 2>/dev/null
}

reset_db
bad=0
trials=0
completed=0
seed=$$
while [ $trials -lt 60 ]; do
	"$STRATA" migrate deploy --url "$URL" --migrations "$M" >/dev/null 2>&1 &
	pid=$!
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	ms=$(( seed / 65536 % 400 ))
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	trials=$((trials + 1))
	# the server may still be finishing the killed session's statement
	n=0
	while [ "$(t_psql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DBN' AND application_name = 'strata'")" != 0 ] && [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	has=$(t_psql "$DBN" "SELECT to_regclass('_prisma_migrations') IS NOT NULL")
	if [ "$has" = t ]; then
		v=$(check)
		if [ "$v" != 0 ]; then
			bad=$((bad + 1))
			t_diag "trial $trials (kill after ${ms} ms): $v invariant violations"
			t_psql "$DBN" "SELECT migration_name, finished_at IS NOT NULL, applied_steps_count FROM _prisma_migrations" | sed 's/^/#   /'
		fi
		if [ "$(t_psql "$DBN" "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" = $N ]; then
			completed=$((completed + 1))
			reset_db
		fi
	fi
done
t_check "kill -9 at random moments: invariants hold in all $trials trials" [ $bad -eq 0 ]
t_diag "$completed histories completed between kills"
t_run 0 "$STRATA" migrate deploy --url "$URL" --migrations "$M"
t_ok "a re-run after the last kill completes"
t_check "and everything is applied exactly once" [ "$(check)" = 0 ]
t_run 0 "$STRATA" migrate status --url "$URL" --migrations "$M"
t_ok "status is up to date after the re-run"

# pg_terminate_backend in the middle of a migration
T="$T_TMP/term"
mkdir -p "$T/1_a" "$T/2_slow" "$T/3_c"
echo 'CREATE TABLE a (id int);' >"$T/1_a/migration.sql"
echo 'CREATE TABLE slow_part (id int); SELECT pg_sleep(30); CREATE TABLE slow_done (id int);' >"$T/2_slow/migration.sql"
echo 'CREATE TABLE c (id int);' >"$T/3_c/migration.sql"
t_db "${DBN}_term"
TURL=$T_URL
"$STRATA" migrate deploy --url "$TURL" --migrations "$T" >"$T_TMP/t.out" 2>"$T_TMP/t.err" &
pid=$!
n=0
while [ "$(t_psql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '${DBN}_term' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()")" != 1 ] && [ $n -lt 200 ]; do
	sleep 0.05
	n=$((n + 1))
done
t_psql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${DBN}_term' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
wait $pid
rc=$?
t_check "deploy whose backend is terminated exits 1" [ $rc -eq 1 ]
t_check "the terminated migration left nothing behind" \
	[ "$(t_psql "${DBN}_term" "SELECT coalesce(to_regclass('slow_part')::text, '') || coalesce(to_regclass('slow_done')::text, '')")" = "" ]
t_check "no finished row for it" \
	[ "$(t_psql "${DBN}_term" "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '2_slow' AND finished_at IS NOT NULL")" = 0 ]
t_check "the migration before it stays applied" \
	[ "$(t_psql "${DBN}_term" "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '1_a' AND finished_at IS NOT NULL")" = 1 ]
echo 'CREATE TABLE slow_part (id int); SELECT pg_sleep(0.01); CREATE TABLE slow_done (id int);' >"$T/2_slow/migration.sql"
t_run 0 "$STRATA" migrate deploy --url "$TURL" --migrations "$T"
t_ok "a re-run after pg_terminate_backend completes"

psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
	-c "DROP DATABASE IF EXISTS \"$DBN\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${DBN}_term\" WITH (FORCE)" >/dev/null 2>&1
t_done
