# lib.sh - helpers for end-to-end tests of the real binary (sourced).
#
#   . "$(dirname "$0")/../lib.sh"
#   t_run 0 "$STRATA" validate --schema x.prisma     # runs, checks exit code
#   t_ok "validate accepts x" ; t_stdout_has "valid"; t_stderr_has "P1012"
#   t_db mydb       # creates a fresh database, sets $T_URL
#   t_done          # prints the summary, sets the exit status
#
# Output is TAP-like: "ok - name" / "not ok - name" lines, counted by
# tests/run.sh.  Environment from the runner: STRATA (the binary),
# STRATA_TEST_PGPORT / STRATA_TEST_PGHOST (the throwaway cluster),
# STRATA_CORPUS (../shared/corpus unless set).

set -u
T_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${BUILD:=build}"
: "${STRATA:=$T_ROOT/$BUILD/strata}"
: "${STRATA_CORPUS:=$T_ROOT/../shared/corpus}"
: "${STRATA_ORACLE:=$T_ROOT/../shared/prisma-oracle}"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-test.XXXXXX")
chmod 755 "$T_TMP"
T_PASS=0
T_FAIL=0
T_SKIP=0
T_RC=0
T_OUT="$T_TMP/stdout"
T_ERR="$T_TMP/stderr"
T_LAST_OK=1
trap 'rm -rf "$T_TMP"' EXIT
export NO_COLOR=1

# t_run EXPECTED_RC cmd args...   (EXPECTED_RC may be "any")
t_run() {
	t_expect=$1
	shift
	"$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	T_RC=$?
	if [ "$t_expect" = any ] || [ "$T_RC" -eq "$t_expect" ]; then
		T_LAST_OK=1
	else
		T_LAST_OK=0
		t_diag "exit code $T_RC, expected $t_expect: $*"
	fi
}

t_diag() {
	printf '#   %s\n' "$@"
}

_t_show() {
	t_diag "--- stdout:"
	head -c 3000 "$T_OUT" | sed 's/^/#   /'
	t_diag "--- stderr:"
	head -c 3000 "$T_ERR" | sed 's/^/#   /'
}

t_pass() { T_PASS=$((T_PASS + 1)); echo "ok - $1"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $1"; }
t_skip() { T_SKIP=$((T_SKIP + 1)); echo "ok - $1 # SKIP ${2:-}"; }

# t_ok NAME: passes when the last t_run had the expected exit code
t_ok() {
	if [ "$T_LAST_OK" -eq 1 ]; then t_pass "$1"; else t_fail "$1"; _t_show; fi
}

# t_check NAME cmd...: passes when cmd succeeds
t_check() {
	t_name=$1
	shift
	if "$@"; then t_pass "$t_name"; else t_fail "$t_name"; t_diag "failed: $*"; fi
}

t_stdout_has() { t_check "${2:-stdout contains: $1}" grep -qF -- "$1" "$T_OUT" || _t_show; }
t_stderr_has() { t_check "${2:-stderr contains: $1}" grep -qF -- "$1" "$T_ERR" || _t_show; }
t_stdout_lacks() { t_check "${2:-stdout lacks: $1}" sh -c '! grep -qF -- "$0" "$1"' "$1" "$T_OUT"; }
t_stderr_lacks() { t_check "${2:-stderr lacks: $1}" sh -c '! grep -qF -- "$0" "$1"' "$1" "$T_ERR"; }

# t_same_file NAME EXPECTED ACTUAL: byte comparison with a diff on failure
t_same_file() {
	if cmp -s "$2" "$3"; then
		t_pass "$1"
	else
		t_fail "$1"
		diff -u "$2" "$3" | head -40 | sed 's/^/#   /'
	fi
}

t_need_pg() {
	if [ -z "${STRATA_TEST_PGPORT:-}" ]; then
		echo "ok - database tests # SKIP no test cluster (run through tests/run.sh)"
		exit 0
	fi
}

T_PGHOST=${STRATA_TEST_PGHOST:-127.0.0.1}

# t_db NAME: drop/create database NAME; sets T_URL to it
t_db() {
	t_need_pg
	psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
		-c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null
	T_URL="postgresql://postgres@$T_PGHOST:$STRATA_TEST_PGPORT/$1"
}

# t_psql DB SQL: runs SQL, prints unaligned tuples
t_psql() {
	psql -X -q -A -t -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d "$1" -c "$2"
}

t_done() {
	echo "# $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}
