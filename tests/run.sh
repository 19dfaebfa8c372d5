#!/bin/sh
# run.sh - runs the test suites and prints one summary line.
#
#   sh tests/run.sh all|unit|integration|e2e|split|browser [FILTER]
#
# Starts one throwaway PostgreSQL cluster (tests/pg/cluster.sh) for the
# suites that need it and always stops it.  Each suite reports per-test
# results; the last line is "N passed, N failed, N skipped".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
: "${BUILD:=build}"
export BUILD
export STRATA="$ROOT/$BUILD/strata"
export STRATA_CORPUS="${STRATA_CORPUS:-$ROOT/../shared/corpus}"
export STRATA_ORACLE="${STRATA_ORACLE:-$ROOT/../shared/prisma-oracle}"
export NO_COLOR=1
mode=${1:-all}
filter=${2:-}
PASS=0
FAIL=0
SKIP=0
FAILED=""
LOGDIR="$ROOT/$BUILD/test-logs"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

PGDIR=""
cleanup() {
	if [ -n "$PGDIR" ]; then
		sh "$ROOT/tests/pg/cluster.sh" stop "$PGDIR/c" >/dev/null 2>&1
		rm -rf "$PGDIR"
	fi
}
trap cleanup EXIT INT TERM

start_pg() {
	[ -n "$PGDIR" ] && return 0
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-pg.XXXXXX")
	chmod 755 "$PGDIR"
	if ! STRATA_TEST_PGPORT=$(sh "$ROOT/tests/pg/cluster.sh" start "$PGDIR/c"); then
		echo "run.sh: could not start the test PostgreSQL cluster" >&2
		exit 1
	fi
	export STRATA_TEST_PGPORT
	export STRATA_TEST_PGHOST=127.0.0.1
	export STRATA_TEST_URL="postgresql://postgres@127.0.0.1:$STRATA_TEST_PGPORT/postgres"
	echo "# test cluster on 127.0.0.1:$STRATA_TEST_PGPORT"
}

want() {
	[ -z "$filter" ] && return 0
	case "$1" in *"$filter"*) return 0 ;; esac
	return 1
}

# cmocka binaries: count "[  PASSED  ] N" and "[  FAILED  ] N test(s)"
run_cmocka() {
	bin=$1
	name=${bin#"$ROOT/$BUILD/tests/"}
	log="$LOGDIR/$(echo "$name" | tr / _).log"
	"$bin" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	if [ "$f" -ne 0 ]; then
		FAILED="$FAILED $name"
		echo "FAIL $name ($p passed, $f failed)"
		grep -E '^\[  (FAILED|ERROR) |^\[  ERROR|error:|Assert|Failure' "$log" | head -20 | sed 's/^/    /'
	else
		echo "ok   $name ($p tests)"
	fi
}

# shell/node tests: count "ok - " and "not ok - " lines
run_tap() {
	t=$1
	shift
	name=${TAP_PREFIX:-}${t#"$ROOT/tests/"}
	log="$LOGDIR/$(echo "$name" | tr /: __).log"
	start=$(date +%s)
	"$@" "$t" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$log" | tr -d ' ')
	s=$(grep -c '^ok - .*# SKIP' "$log" | tr -d ' ')
	f=$(grep -c '^not ok - ' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with $rc" >>"$log"
	fi
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	SKIP=$((SKIP + s))
	secs=$(( $(date +%s) - start ))
	if [ "$f" -ne 0 ]; then
		FAILED="$FAILED $name"
		echo "FAIL $name ($p passed, $f failed, ${secs}s)"
		grep -A12 '^not ok' "$log" | head -60 | sed 's/^/    /'
	else
		echo "ok   $name ($p passed, $s skipped, ${secs}s)"
		grep '# SKIP' "$log" | head -3 | sed 's/^/    /'
	fi
}

suite_unit() {
	for b in $(find "$ROOT/$BUILD/tests/unit" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
		want "$b" && run_cmocka "$b"
	done
}

suite_integration() {
	start_pg
	for b in $(find "$ROOT/$BUILD/tests/integration" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
		want "$b" && run_cmocka "$b"
	done
	for t in $(find "$ROOT/tests/integration" -name 'test_*.sh' 2>/dev/null | sort); do
		want "$t" && run_tap "$t" sh
	done
}

suite_e2e() {
	start_pg
	for t in $(find "$ROOT/tests/e2e" -name 'test_*.sh' 2>/dev/null | sort); do
		want "$t" && run_tap "$t" sh
	done
}

# The fixture suites again with every big-schema stage forced to split its
# work into parts on threads (src/util/par.h), even for tiny schemas: the
# output must be byte for byte the one-thread output.  Under
# `make check-split SANITIZE=thread` this is the ThreadSanitizer run (without
# its default 1 s sleep at exit, which would make it last ten minutes).
SPLIT_TESTS="test_validate test_format test_migrate_diff test_partial_predicates"
suite_split() {
	start_pg
	export STRATA_THREADS=4 STRATA_PAR_MIN=1
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66 atexit_sleep_ms=0 ${TSAN_OPTIONS:-}"
	TAP_PREFIX="split:"
	for n in $SPLIT_TESTS; do
		t=$(find "$ROOT/tests/e2e" "$ROOT/tests/integration" -name "$n.sh" | head -1)
		[ -n "$t" ] || continue
		want "$t" && run_tap "$t" sh
	done
	TAP_PREFIX=
	unset STRATA_THREADS STRATA_PAR_MIN
}

suite_browser() {
	start_pg
	for t in $(find "$ROOT/tests/browser" -name 'test_*.mjs' 2>/dev/null | sort); do
		want "$t" && run_tap "$t" node
	done
}

case "$mode" in
unit) suite_unit ;;
integration) suite_integration ;;
e2e) suite_e2e ;;
browser) suite_browser ;;
split) suite_split ;;
all)
	suite_unit
	suite_integration
	suite_e2e
	suite_split
	suite_browser
	;;
*)
	echo "usage: run.sh all|unit|integration|e2e|split|browser [FILTER]" >&2
	exit 2
	;;
esac

echo
[ -n "$FAILED" ] && echo "failed:$FAILED"
echo "logs: $LOGDIR"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
