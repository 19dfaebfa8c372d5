#!/bin/sh
# diff.sh - `strata migrate diff --from-empty --to-schema X --script`
# beside Prisma's (the oracle's ref-diff-empty.sh: the real Prisma 7 CLI
# and schema engine) for the corpus's largest schema (civitai) and a
# generated 5000-model one, on the same Prisma-7-accepted copies (timed
# runs write to /dev/null); checks once that both print the same SQL.
# Then strata's in-process time for the whole pipeline (parse, validate,
# SQL schema, diff, render; psl_bench).
# Prisma's engine needs a PostgreSQL even for this (port 55432): reused
# when one is running, else a throwaway one is started and stopped.
. "$(dirname "$0")/lib.sh"
N=${BENCH_RUNS:-20}
PN=${BENCH_PEER_RUNS:-5}
PBUDGET=${BENCH_PEER_BUDGET_MS:-30000}
ITER=${BENCH_ITER:-50}

bench_inputs
if bench_oracle && bench_oracle_pg; then
	:
else
	echo "   prisma unavailable: $B_ORACLE_WHY"
fi

models() { grep -c '^model ' "$1"; }
for f in "$B_CIVITAI" "$B_GEN5000"; do
	[ -n "$f" ] || continue
	case "$f" in *civitai*) name="civitai" ;; *) name="generated" ;; esac
	label="diff --from-empty $name ($(models "$f") models)"
	# timed with the output to /dev/null, as in every bench; one more
	# run of each tool writes its SQL to a file to compare them (on ext4,
	# writing a 3.6 MB file that the shell truncated costs a flush at
	# close, ~5 ms here, the same for both tools)
	bench_run "$N" -- "$STRATA" migrate diff --from-empty --to-schema "$f" --script
	"$STRATA" migrate diff --from-empty --to-schema "$f" --script >"$B_TMP/strata.sql" 2>/dev/null
	if [ "$B_RC" != 0 ]; then
		echo "$(printf '%-42s' "$label") strata FAILED (exit $B_RC)"
		continue
	fi
	s_ms=$B_WALL s_cpu=$B_CPU s_kb=$B_RSS
	p_ms=- p_cpu=- p_kb=-
	same=""
	if [ "$B_ORACLE_OK" = 1 ]; then
		bench_run "$PN" "$PBUDGET" -- bash "$STRATA_ORACLE/ref-diff-empty.sh" "$f"
		[ "$B_RC" = 0 ] &&
			bash "$STRATA_ORACLE/ref-diff-empty.sh" "$f" >"$B_TMP/prisma.sql" 2>/dev/null
		if [ "$B_RC" = 0 ]; then
			p_ms=$B_WALL p_cpu=$B_CPU p_kb=$B_RSS
			if cmp -s "$B_TMP/strata.sql" "$B_TMP/prisma.sql"; then
				same="same SQL as Prisma ($(wc -l <"$B_TMP/strata.sql") lines)"
			else
				same="SQL DIFFERS from Prisma's ($(diff "$B_TMP/prisma.sql" "$B_TMP/strata.sql" | grep -c '^[<>]') lines)"
			fi
		else
			echo "   (prisma migrate diff failed on $f, exit $B_RC)"
		fi
	fi
	bench_row_m "$label" "$s_ms" "$s_cpu" "$s_kb" prisma "$p_ms" "$p_cpu" "$p_kb"
	[ -n "$same" ] && echo "   $same"
done

if bench_psl_bench; then
	for f in "$B_CIVITAI" "$B_GEN5000"; do
		[ -n "$f" ] || continue
		case "$f" in *civitai*) name="civitai" ;; *) name="generated 5000" ;; esac
		name="$name (x$ITER)"
		if "$B_PSL_BENCH" -n "$ITER" "$f" >"$B_TMP/inproc" 2>"$B_TMP/inproc.err"; then
			bench_inproc_row "diff pipeline $name" diff_pipeline \
				"parse validate sql_schema diff render" "$B_TMP/inproc"
		else
			echo "   (psl_bench failed on $f: $(head -n 1 "$B_TMP/inproc.err"))"
		fi
	done
else
	echo "   (bench/psl_bench.c did not build against $BUILD/libstrata.a: in-process rows skipped)"
fi
