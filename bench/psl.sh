#!/bin/sh
# psl.sh - parse + validate: `strata validate --schema X` beside
# `prisma validate` (the oracle's real Prisma 7 CLI) on the same files:
# the corpus's largest schema (civitai) and a generated 5000-model one
# (bench/gen-schema.sh), both as copies Prisma 7 accepts
# (sanitize-for-prisma7.sh).  Wall time is the median of the runs; peak
# memory is the largest resident set of the command's processes.  Then
# strata's in-process time for st_psl_parse_schema + st_psl_validate
# alone (bench/psl_bench.c, 50 iterations), since process start-up
# dominates at these sizes.
. "$(dirname "$0")/lib.sh"
N=${BENCH_RUNS:-20}
PN=${BENCH_PEER_RUNS:-5}
PBUDGET=${BENCH_PEER_BUDGET_MS:-30000}
ITER=${BENCH_ITER:-50}

bench_inputs
bench_oracle || echo "   prisma unavailable: $B_ORACLE_WHY"

models() { grep -c '^model ' "$1"; }
for f in "$B_CIVITAI" "$B_GEN5000"; do
	[ -n "$f" ] || continue
	case "$f" in *civitai*) name="civitai" ;; *) name="generated" ;; esac
	label="validate $name ($(models "$f") models, $(($(wc -c <"$f") / 1024)) KB)"
	bench_run "$N" -- "$STRATA" validate --schema "$f"
	if [ "$B_RC" != 0 ]; then
		echo "$(printf '%-44s' "$label") strata FAILED (exit $B_RC)"
		continue
	fi
	s_ms=$B_WALL s_cpu=$B_CPU s_kb=$B_RSS
	p_ms=- p_cpu=- p_kb=-
	if bench_oracle; then
		bench_run "$PN" "$PBUDGET" -- bash "$STRATA_ORACLE/ref-validate.sh" "$f"
		if [ "$B_RC" = 0 ]; then
			p_ms=$B_WALL p_cpu=$B_CPU p_kb=$B_RSS
		else
			echo "   (prisma validate failed on $f, exit $B_RC)"
		fi
	fi
	bench_row_m "$label" "$s_ms" "$s_cpu" "$s_kb" prisma "$p_ms" "$p_cpu" "$p_kb"
done

# in-process: parse + validate only (no start-up, no file reading)
if bench_psl_bench; then
	for f in "$B_CIVITAI" "$B_GEN5000"; do
		[ -n "$f" ] || continue
		case "$f" in *civitai*) name="civitai" ;; *) name="generated 5000" ;; esac
		name="$name (x$ITER)"
		if "$B_PSL_BENCH" -n "$ITER" "$f" >"$B_TMP/inproc" 2>"$B_TMP/inproc.err"; then
			bench_inproc_row "parse+validate $name" parse+validate "parse validate" "$B_TMP/inproc"
		else
			echo "   (psl_bench failed on $f: $(head -n 1 "$B_TMP/inproc.err"))"
		fi
	done
else
	echo "   (bench/psl_bench.c did not build against $BUILD/libstrata.a: in-process rows skipped)"
fi
