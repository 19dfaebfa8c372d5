#!/usr/bin/env bash
# Regenerates the expected outputs of tests/fixtures/diff-pairs/<case>/ from the real Prisma 7.10
# CLI (the "oracle", see $STRATA_ORACLE/README.md):
#   expected.sql          prisma migrate diff --from-schema a.prisma --to-schema b.prisma --script
#   expected.summary.txt  the same without --script (Prisma's human summary)
# a.prisma and b.prisma are the hand-written inputs and are never touched.  A case whose schemas
# Prisma rejects gets expected.error (stderr) instead, so the test can see it is not a diff case.
#
# Usage: tools/oracle/gen-diff-pairs.sh [CASE...]      (default: every case)
# Environment:
#   STRATA_ORACLE   prisma-oracle wrappers (default: <repo>/../shared/prisma-oracle)
#   PRISMA_REF_PORT PostgreSQL port the oracle connects to (default 55432); if nothing answers
#                   there, a throwaway cluster is started for the run and stopped afterwards.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORACLE=$(cd "${STRATA_ORACLE:-$ROOT/../shared/prisma-oracle}" && pwd)
PAIRS=$ROOT/tests/fixtures/diff-pairs
export NO_COLOR=1
PRISMA_REF_PORT=${PRISMA_REF_PORT:-55432}
export PRISMA_REF_PORT

"$ORACLE/setup.sh" >/dev/null

PGDIR=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-diff-pairs.XXXXXX")
cleanup() {
  if [ -n "$PGDIR" ]; then "$ORACLE/pg-throwaway.sh" stop "$PGDIR" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PRISMA_REF_PORT" -t 2; then
  PGDIR="$WORK/pg"
  "$ORACLE/pg-throwaway.sh" start "$PRISMA_REF_PORT" "$PGDIR" >/dev/null
fi

if [ $# -gt 0 ]; then cases=("$@"); else
  cases=()
  for d in "$PAIRS"/*/; do cases+=("$(basename "$d")"); done
fi

for c in "${cases[@]}"; do
  d="$PAIRS/$c"
  [ -f "$d/a.prisma" ] && [ -f "$d/b.prisma" ] || { echo "skip $c: no a.prisma/b.prisma" >&2; continue; }
  # run in a staging copy so that nothing Prisma prints depends on this checkout's path
  s="$WORK/$c"; mkdir -p "$s"; cp "$d/a.prisma" "$d/b.prisma" "$s/"
  rm -f "$d/expected.sql" "$d/expected.summary.txt" "$d/expected.error"
  if (cd "$s" && "$ORACLE/ref-diff.sh" -- --from-schema a.prisma --to-schema b.prisma --script \
        >"$s/out.sql" 2>"$s/err.txt"); then
    cp "$s/out.sql" "$d/expected.sql"
    (cd "$s" && "$ORACLE/ref-diff.sh" -- --from-schema a.prisma --to-schema b.prisma \
        >"$d/expected.summary.txt" 2>/dev/null)
    echo "ok    $c"
  else
    grep -v '^Loaded Prisma config' "$s/err.txt" >"$d/expected.error" || true
    echo "error $c (see $d/expected.error)"
  fi
done
