#!/usr/bin/env bash
# Regenerates the expected outputs of tests/fixtures/diff-pairs/<case>/ from the real Prisma 7.10
# CLI (the "oracle", see $STRATA_ORACLE/README.md):
#   expected.sql          prisma migrate diff --from-schema a.prisma --to-schema b.prisma --script
#   expected.summary.txt  the same without --script (Prisma's human summary)
# a.prisma and b.prisma are the hand-written inputs and are never touched.  A case whose schemas
# Prisma rejects gets expected.error (stderr) instead, so the test can see it is not a diff case.
#
# With --corpus it instead regenerates tests/fixtures/diff-corpus/: for each project of the
# corpus (in SOURCES.tsv order of tests/fixtures/prisma/diff-empty) the diff from it to the next
# one (the last to the first) - whole real schemas replaced by other real schemas, so that tables
# of the same name are altered column by column.  Prisma 7 runs on sanitized copies
# (sanitize-for-prisma7.sh); strata's test reads the ORIGINAL corpus files:
#   <a>--<b>.sql, <a>--<b>.summary.txt
#
# Usage: tools/oracle/gen-diff-pairs.sh [CASE...]      (default: every case)
#        tools/oracle/gen-diff-pairs.sh --corpus
# Environment:
#   STRATA_ORACLE   prisma-oracle wrappers (default: <repo>/../shared/prisma-oracle)
#   STRATA_CORPUS   corpus of real projects (default: <repo>/../shared/corpus), for --corpus
#   PRISMA_REF_PORT PostgreSQL port the oracle connects to (default 55439, a port of its own so
#                   that other users of the shared 55432 cannot stop it mid-run); if nothing
#                   answers there, a throwaway cluster is started for the run and stopped after.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORACLE=$(cd "${STRATA_ORACLE:-$ROOT/../shared/prisma-oracle}" && pwd)
PAIRS=$ROOT/tests/fixtures/diff-pairs
export NO_COLOR=1
PRISMA_REF_PORT=${PRISMA_REF_PORT:-55439}
export PRISMA_REF_PORT

"$ORACLE/setup.sh" >/dev/null

PGDIR=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-diff-pairs.XXXXXX")
chmod 755 "$WORK"   # the throwaway server runs as the postgres user when we are root
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

if [ "${1:-}" = --corpus ]; then
  CORPUS=$(cd "${STRATA_CORPUS:-$ROOT/../shared/corpus}" && pwd)
  OUTC=$ROOT/tests/fixtures/diff-corpus
  mkdir -p "$OUTC"
  mapfile -t names < <(awk -F'\t' 'NR > 1 && $2 ~ /^corpus\// { print $1 "\t" $2 }' \
    "$ROOT/tests/fixtures/prisma/diff-empty/SOURCES.tsv")
  n=${#names[@]}
  for ((i = 0; i < n; i++)); do
    IFS=$'\t' read -r a asrc <<<"${names[i]}"
    IFS=$'\t' read -r b bsrc <<<"${names[(i + 1) % n]}"
    s="$WORK/corpus-$a--$b"; mkdir -p "$s"
    "$ORACLE/sanitize-for-prisma7.sh" "$CORPUS/${asrc#corpus/}" "$s/a-$(basename "$asrc")" >/dev/null
    "$ORACLE/sanitize-for-prisma7.sh" "$CORPUS/${bsrc#corpus/}" "$s/b-$(basename "$bsrc")" >/dev/null
    if (cd "$s" && "$ORACLE/ref-diff.sh" -- --from-schema "a-$(basename "$asrc")" \
          --to-schema "b-$(basename "$bsrc")" --script >out.sql 2>err.txt &&
        "$ORACLE/ref-diff.sh" -- --from-schema "a-$(basename "$asrc")" \
          --to-schema "b-$(basename "$bsrc")" >out.txt 2>>err.txt); then
      cp "$s/out.sql" "$OUTC/$a--$b.sql"
      cp "$s/out.txt" "$OUTC/$a--$b.summary.txt"
      echo "ok    $a -> $b"
    else
      echo "error $a -> $b:"; grep -v '^Loaded Prisma config' "$s/err.txt" | head -5
    fi
  done
  exit 0
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
    if (cd "$s" && "$ORACLE/ref-diff.sh" -- --from-schema a.prisma --to-schema b.prisma \
          >"$s/out.txt" 2>"$s/err.txt"); then
      cp "$s/out.sql" "$d/expected.sql"
      cp "$s/out.txt" "$d/expected.summary.txt"
      echo "ok    $c"
    else
      grep -v '^Loaded Prisma config' "$s/err.txt" >"$d/expected.error" || true
      echo "error $c (summary; see $d/expected.error)"
    fi
  else
    grep -v '^Loaded Prisma config' "$s/err.txt" >"$d/expected.error" || true
    echo "error $c (see $d/expected.error)"
  fi
done
