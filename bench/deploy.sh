#!/bin/sh
# deploy.sh - `strata migrate deploy` beside Prisma (the oracle's real CLI),
# dbmate (npm @dbmate/linux-x64, installed into ~/.cache/strata-bench) and
# one psql session (apply-with-psql.sh --single-session, the SQL's own
# cost): full corpus histories and 1000 generated migrations onto fresh
# databases, then a no-op deploy; peak memory of strata.  Each full
# deploy runs BENCH_DEPLOY_RUNS times (default 3), each onto a fresh
# database, and the median is kept (one run swung 1.1x-1.6x of psql on
# this VM); ratios are peer time / strata time.
. "$(dirname "$0")/lib.sh"

ENTRIES=${BENCH_DEPLOY_ENTRIES:-"trigger langfuse comp"}
RUNS=${BENCH_DEPLOY_RUNS:-3}
CACHE=${STRATA_BENCH_CACHE:-$HOME/.cache/strata-bench}
DBMATE="$CACHE/node_modules/@dbmate/linux-x64/bin/dbmate"
if [ ! -x "$DBMATE" ] && command -v npm >/dev/null 2>&1; then
	mkdir -p "$CACHE"
	(cd "$CACHE" && npm install --no-audit --no-fund --silent @dbmate/linux-x64 >/dev/null 2>&1)
fi
[ -x "$DBMATE" ] || DBMATE=""
PRISMA=""
bench_pg_start
if [ -f "${PRISMA_ORACLE_HOME:-$HOME/.cache/strata-prisma-oracle}/node_modules/prisma/build/index.js" ]; then
	PRISMA="$STRATA_ORACLE/ref-deploy.sh"
	export PRISMA_REF_PORT="$B_PGPORT"  # the engine's start-up connection
fi
n=0
fresh() { n=$((n + 1)); FRESH="bench_deploy_$n"; bench_psql -d postgres -c "CREATE DATABASE $FRESH" >/dev/null; }
once_ms() { # once_ms cmd...: wall ms of one run (exit status in $B_TMP/rc)
	s=$(now_ns)
	"$@" >"$B_TMP/last.out" 2>&1
	echo $? >"$B_TMP/rc"
	e=$(now_ns)
	echo $(( (e - s) / 1000000 ))
}

# med_ms cmd...: sets MED to the median wall ms of $RUNS runs of cmd,
# each onto a fresh database made just before it (cmd reads its name
# from the exported FRESH at run time, e.g. through sh -c); "fail" when a
# run failed.  The last run's database stays in $FRESH.
med_ms() {
	: >"$B_TMP/runs"
	r=0
	bad=0
	while [ $r -lt "$RUNS" ]; do
		fresh
		export FRESH
		# (in a subshell: once_ms sets s and e, the caller's loop variable)
		(once_ms "$@") >>"$B_TMP/runs"
		[ "$(cat "$B_TMP/rc")" = 0 ] || bad=1
		r=$((r + 1))
	done
	MED=$(sort -n "$B_TMP/runs" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	[ $bad = 0 ] || MED=fail
}

# dbmate wants NNN_name.sql files with "-- migrate:up" headers
to_dbmate() { # to_dbmate MIGRATIONS_DIR OUT_DIR
	mkdir -p "$2"
	(cd "$1" && ls -d */ | LC_ALL=C sort) | {
		i=0
		while IFS= read -r d; do
			f="$1/${d%/}/migration.sql"
			[ -f "$f" ] || continue
			i=$((i + 1))
			{
				# like psql --single-session: bare when the file cannot
				# run inside dbmate's transaction
				if grep -qiE 'concurrently|vacuum|^[[:space:]]*(begin|commit)[[:space:]]*;' "$f"; then
					echo '-- migrate:up transaction:false'
				else
					echo '-- migrate:up'
				fi
				cat "$f"
				printf '\n-- migrate:down\n'
			} >"$2/$(printf '%06d' $i)_m.sql"
		done
	}
}

gen_history() { # gen_history DIR N: N small migrations
	i=1
	while [ $i -le "$2" ]; do
		d="$1/$(printf '%08d' $i)_m$i"
		mkdir -p "$d"
		{
			echo "-- CreateTable"
			echo "CREATE TABLE \"G$i\" (\"id\" SERIAL NOT NULL, \"name\" TEXT NOT NULL, \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT \"G${i}_pkey\" PRIMARY KEY (\"id\"));"
			echo "CREATE INDEX \"G${i}_name_idx\" ON \"G$i\"(\"name\");"
			[ $i -gt 1 ] && echo "ALTER TABLE \"G$((i - 1))\" ADD COLUMN \"next\" INTEGER;"
		} >"$d/migration.sql"
		i=$((i + 1))
	done
}

GEN="$B_TMP/gen/migrations"
gen_history "$GEN" 1000
printf '%-34s %10s %10s %10s %10s %10s\n' "history" "strata" "psql 1x" "dbmate" "prisma" "strata MB"
for e in $ENTRIES gen1000; do
	if [ "$e" = gen1000 ]; then
		M=$GEN
		P="$B_TMP/gen"
	else
		M="$STRATA_CORPUS/$e/migrations"
		P="$B_TMP/prisma-$e"
		[ -d "$M" ] || continue
		mkdir -p "$P"
		cp -r "$M" "$P/"
	fi
	count=$(ls -d "$M"/*/ | wc -l)
	# peak memory: one more run, under /usr/bin/time
	fresh
	/usr/bin/time -f '%M' -o "$B_TMP/mem" "$STRATA" migrate deploy --url "$B_URL_BASE/$FRESH" --migrations "$M" >"$B_TMP/last.out" 2>&1
	mem=$(awk '{ printf "%.1f", $1 / 1024 }' "$B_TMP/mem")
	med_ms sh -c '"$0" migrate deploy --url "$1/$FRESH" --migrations "$2"' "$STRATA" "$B_URL_BASE" "$M"
	st_ms=$MED
	# no-op deploy on the migrated database (median of 5)
	noop_st=$(bench_ms 5 "$STRATA" migrate deploy --url "$B_URL_BASE/$FRESH" --migrations "$M")

	if [ "$e" = gen1000 ]; then
		src="$B_TMP/gen"
	else
		src="$STRATA_CORPUS/$e"
	fi
	# the script's own measure of the psql session (without its set-up)
	: >"$B_TMP/psruns"
	ps_ms=""
	r=0
	while [ $r -lt "$RUNS" ]; do
		fresh
		(once_ms bash "$STRATA_CORPUS/apply-with-psql.sh" --single-session "$src" "$B_URL_BASE/$FRESH") >/dev/null
		w=$(sed -n 's/^RESULT .*wall_s=\([0-9.]*\).*/\1/p' "$B_TMP/last.out")
		if [ "$(cat "$B_TMP/rc")" != 0 ] || [ -z "$w" ]; then
			ps_ms=fail
		else
			awk -v w="$w" 'BEGIN { printf "%d\n", w * 1000 }' >>"$B_TMP/psruns"
		fi
		r=$((r + 1))
	done
	[ -n "$ps_ms" ] ||
		ps_ms=$(sort -n "$B_TMP/psruns" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

	dm_ms="-" noop_dm="-"
	if [ -n "$DBMATE" ]; then
		rm -rf "$B_TMP/dbmate-$e"
		to_dbmate "$M" "$B_TMP/dbmate-$e"
		med_ms sh -c '"$0" --url "$1/$FRESH?sslmode=disable" --migrations-dir "$2" --no-dump-schema up' \
			"$DBMATE" "$B_URL_BASE" "$B_TMP/dbmate-$e"
		dm_ms=$MED
		noop_dm=$(once_ms "$DBMATE" --url "$B_URL_BASE/$FRESH?sslmode=disable" --migrations-dir "$B_TMP/dbmate-$e" --no-dump-schema up)
	fi

	pr_ms="-" noop_pr="-"
	if [ -n "$PRISMA" ]; then
		med_ms sh -c 'bash "$0" "$1" "$2/$FRESH"' "$PRISMA" "$P" "$B_URL_BASE"
		pr_ms=$MED
		noop_pr=$(once_ms bash "$PRISMA" "$P" "$B_URL_BASE/$FRESH")
	fi
	printf '%-34s %10s %10s %10s %10s %10s\n' "$e ($count migrations)" "$st_ms" "$ps_ms" "$dm_ms" "$pr_ms" "$mem"
	echo "$e $st_ms $ps_ms $dm_ms $pr_ms $noop_st $noop_dm $noop_pr" >>"$B_TMP/rows"
done
echo
echo "ratios (peer / strata; psql 1x: strata / psql, want <= 1.2):"
while read -r e st ps dm pr nst ndm npr; do
	awk -v e="$e" -v st="$st" -v ps="$ps" -v dm="$dm" -v pr="$pr" -v nst="$nst" -v ndm="$ndm" -v npr="$npr" 'BEGIN {
		printf "  %-12s full: strata/psql %s, dbmate %s, prisma %s | no-op: strata %.0f ms, dbmate %s, prisma %s\n", e,
			(ps + 0 > 0 && st + 0 > 0) ? sprintf("%.2fx", st / ps) : "-",
			(dm + 0 > 0 && st + 0 > 0) ? sprintf("%.1fx", dm / st) : "-",
			(pr + 0 > 0 && st + 0 > 0) ? sprintf("%.1fx", pr / st) : "-",
			nst,
			(ndm + 0 > 0) ? sprintf("%.1fx", ndm / nst) : "-",
			(npr + 0 > 0) ? sprintf("%.1fx", npr / nst) : "-"
	}'
done <"$B_TMP/rows"
echo "(times in ms, median of $RUNS runs, each on a fresh database; no-op = deploy with nothing pending)"
