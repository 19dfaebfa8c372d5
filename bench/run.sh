#!/bin/sh
# run.sh - make bench: every bench/*.sh (but this one, lib.sh and gen-*),
# each timing strata beside its peers in the same run and printing ratios.
# Never pass/fail: a bench that breaks prints "(... failed)" and the next
# one runs; a peer that cannot run prints "unavailable".
#
# Before the benches: builds $BUILD/strata when missing, sets up the
# Prisma oracle once (npm, into ~/.cache; skipped when node is missing)
# and gives it the PostgreSQL it needs on port 55432 (reused when one is
# running, else a throwaway one, stopped at the end).
#
#   BUILD=build-bench sh bench/run.sh [NAME...]   only bench/NAME.sh
#   BENCH_MD=FILE      also write the strata-vs-Prisma rows as Markdown
#   BENCH_TIMEOUT=S    seconds allowed per bench (default 1800)
set -u
B_ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$B_ROOT" || exit 1
: "${BUILD:=build}"
export BUILD
. "$B_ROOT/bench/lib.sh"

if [ ! -x "$B_BUILD/strata" ] || [ ! -f "$B_BUILD/libstrata.a" ]; then
	echo "building $BUILD/strata ..."
	make BUILD="$BUILD" -j"$(nproc 2>/dev/null || echo 2)" all >"$B_TMP/make.log" 2>&1 ||
		{ tail -n 20 "$B_TMP/make.log"; echo "(build failed: no benches)"; exit 1; }
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "strata $("$STRATA" --version 2>/dev/null | cut -d' ' -f2) — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${cpu:-unknown CPU}, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "(ratios: peer time / strata time; higher is better for strata)"

# the Prisma oracle, once for every bench (results exported to them)
if bench_oracle && bench_oracle_pg; then
	echo "(prisma: $(bash "$STRATA_ORACLE/prisma" --version 2>/dev/null | sed -n 's/^prisma *: *//p' | head -n 1) via $STRATA_ORACLE, PostgreSQL on port $PRISMA_REF_PORT)"
else
	echo "(prisma unavailable: $B_ORACLE_WHY)"
fi
if [ -n "${BENCH_MD:-}" ]; then
	: >"$BENCH_MD"
	export BENCH_MD
fi

TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${BENCH_TIMEOUT:-1800}"
for b in bench/*.sh; do
	case "$b" in bench/run.sh | bench/lib.sh | bench/gen-*.sh) continue ;; esac
	if [ $# -gt 0 ]; then
		want=0
		for n in "$@"; do [ "$b" = "bench/$n.sh" ] && want=1; done
		[ $want = 1 ] || continue
	fi
	echo
	echo "== $(basename "$b" .sh)"
	s=$(now_ns)
	$TO sh "$b"
	rc=$?
	case $rc in
	0) ;;
	124) echo "   ($b timed out after ${BENCH_TIMEOUT:-1800} s)" ;;
	*) echo "   ($b failed, exit $rc)" ;;
	esac
	echo "   ($(( ($(now_ns) - s) / 1000000000 )) s)"
done
