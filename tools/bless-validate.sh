#!/bin/sh
# bless-validate.sh - regenerates the golden files of the validator cases.
#
#   tools/bless-validate.sh [--oracle] [CASE...]
#
# For each tests/fixtures/validate/CASE.prisma (all of them by default)
# writes CASE.expected: strata's full output of
# `strata validate --schema tests/fixtures/validate/CASE.prisma`
# (stdout, then stderr, then "[exit N]").  With --oracle it also writes
# CASE.oracle: what the real Prisma CLI prints for the same file (ANSI
# colours and the config/version noise removed), via
# ../shared/prisma-oracle/ref-validate.sh.  Review `git diff` afterwards.
# Environment: BUILD (default build), STRATA_ORACLE.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STRATA=${STRATA:-$ROOT/${BUILD:-build}/strata}
ORACLE=${STRATA_ORACLE:-$ROOT/../shared/prisma-oracle}
DIR=tests/fixtures/validate
oracle=0
if [ "${1:-}" = "--oracle" ]; then
	oracle=1
	shift
fi
if [ $# -eq 0 ]; then
	set -- $(cd "$DIR" && ls *.prisma | sed 's/\.prisma$//')
fi
[ -x "$STRATA" ] || { echo "bless-validate: build $STRATA first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in "$@"; do
	c=${c%.prisma}
	f=$DIR/$c.prisma
	[ -f "$f" ] || { echo "bless-validate: no $f" >&2; exit 1; }
	rc=0
	NO_COLOR=1 "$STRATA" validate --schema "$f" >"$tmp/out" 2>"$tmp/err" || rc=$?
	cat "$tmp/out" "$tmp/err" >"$DIR/$c.expected"
	echo "[exit $rc]" >>"$DIR/$c.expected"
	if [ $oracle -eq 1 ]; then
		rc=0
		(cd "$DIR" && "$ORACLE/ref-validate.sh" "$c.prisma") >"$tmp/o" 2>&1 || rc=$?
		sed 's/\x1b\[[0-9;]*m//g' "$tmp/o" | grep -v -e '^Loaded Prisma config' \
			-e '^Prisma schema loaded' -e '^Prisma CLI Version' \
			-e '^\[Context' -e '^$' >"$DIR/$c.oracle" || true
		echo "rc=$rc" >>"$DIR/$c.oracle"
	fi
	echo "blessed $c"
done
