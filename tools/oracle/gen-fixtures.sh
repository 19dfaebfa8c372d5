#!/usr/bin/env bash
# Regenerates tests/fixtures/prisma/{format,validate,diff-empty,alter} from the real Prisma 7.10 CLI
# (the "oracle", see $STRATA_ORACLE/README.md). Idempotent: each of those four folders is rebuilt
# from scratch in a staging area and only then swapped in; tests/fixtures/prisma/README.md is kept.
#
# Usage: tools/oracle/gen-fixtures.sh
# Environment:
#   STRATA_CORPUS   corpus of real projects   (default: <repo>/../shared/corpus)
#   STRATA_ORACLE   prisma-oracle wrappers    (default: <repo>/../shared/prisma-oracle)
#   STRATA_SAMPLES  reference samples         (default: <oracle>/../reference/samples)
#   STRATA_FIXTURES output folder             (default: <repo>/tests/fixtures/prisma)
#   PRISMA_REF_PORT PostgreSQL port the oracle connects to (default 55432). If nothing answers
#                   there, a throwaway cluster is started for the run and stopped afterwards.
#
# Every Prisma command runs with its working directory set to a staging copy of the schema, so the
# paths Prisma prints are relative ("schema.prisma", "schema") and the outputs are reproducible.
# NO_COLOR=1 is set (it only affects the ANSI colouring of validation errors on stderr).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=$(cd "${STRATA_CORPUS:-$ROOT/../shared/corpus}" && pwd)
ORACLE=$(cd "${STRATA_ORACLE:-$ROOT/../shared/prisma-oracle}" && pwd)
SAMPLES=$(cd "${STRATA_SAMPLES:-$ORACLE/../reference/samples}" && pwd)
OUT=${STRATA_FIXTURES:-$ROOT/tests/fixtures/prisma}
export NO_COLOR=1

"$ORACLE/setup.sh" >/dev/null
# shellcheck source=/dev/null
. "$ORACLE/lib.sh"   # prisma_ref, make_config, PRISMA_REF_PORT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-oracle-fixtures.XXXXXX")
PGDIR=
cleanup() {
  if [ -n "$PGDIR" ]; then "$ORACLE/pg-throwaway.sh" stop "$PGDIR" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PRISMA_REF_PORT" -t 2; then
  PGDIR="$WORK/pg"
  echo "gen-fixtures: starting a throwaway PostgreSQL on port $PRISMA_REF_PORT" >&2
  "$ORACLE/pg-throwaway.sh" start "$PRISMA_REF_PORT" "$PGDIR" >/dev/null
fi

NEW="$WORK/out"
mkdir -p "$NEW/format" "$NEW/validate" "$NEW/diff-empty" "$NEW/alter"
log() { echo "gen-fixtures: $*" >&2; }

# schema_of PROJECT -> "schema.prisma" or "schema" (multi-file folder)
schema_of() {
  if [ -d "$CORPUS/$1/schema" ]; then echo schema; else echo schema.prisma; fi
}

# stage DIR SRC NAME: DIR/NAME = copy of SRC (file or folder, .prisma files only), plus a config.
stage() {
  local dir=$1 src=$2 name=$3
  rm -rf "$dir"; mkdir -p "$dir"
  if [ -d "$src" ]; then
    (cd "$src" && find . -name '*.prisma' -type f) | while IFS= read -r f; do
      mkdir -p "$dir/$name/$(dirname "$f")"; cp "$src/$f" "$dir/$name/$f"
    done
  else
    cp "$src" "$dir/$name"
  fi
  make_config "$dir" "$dir/$name" >/dev/null
}

# in DIR CMD...: run the Prisma CLI inside DIR with its config
prisma_in() { local dir=$1; shift; (cd "$dir" && prisma_ref "$@" --config prisma.config.mjs); }

# quiet DIR ARGS...: prisma_in with stderr kept aside (shown only on failure)
quiet() {
  local rc=0
  prisma_in "$@" 2>"$WORK/quiet.stderr" || rc=$?
  if [ $rc != 0 ]; then cat "$WORK/quiet.stderr" >&2; log "FAILED (exit $rc): prisma ${*:2}"; fi
  return $rc
}

# list_prisma DIR: the .prisma files under DIR, relative, sorted (C order)
list_prisma() { (cd "$1" && find . -name '*.prisma' -type f | sed 's|^\./||' | LC_ALL=C sort); }

PROJECTS=$(cd "$CORPUS" && for d in */; do d=${d%/}; if [ -f "$d/schema.prisma" ] || [ -d "$d/schema" ]; then echo "$d"; fi; done | LC_ALL=C sort)

###############################################################################
# 1. format
###############################################################################
printf 'project\tschema\tmethod\tfiles\tunvalidated_formatter_agrees\n' >"$NEW/format/METHODS.tsv"
for p in $PROJECTS; do
  s=$(schema_of "$p"); d="$WORK/fmt/$p"
  stage "$d" "$CORPUS/$p/$s" "$s"
  mkdir -p "$NEW/format/$p"
  # Prisma's formatter, without validation (always run: used as fallback and as a cross-check)
  "$ORACLE/format-unvalidated.sh" "$CORPUS/$p/$s" "$WORK/fmt-unvalidated/$p/$s"
  if prisma_in "$d" format --schema "$s" >"$d.stdout" 2>"$d.stderr"; then
    method="prisma format"; from="$d"
  else
    method="format-unvalidated.sh (prisma format refused: validation failed)"; from="$WORK/fmt-unvalidated/$p"
  fi
  agree=yes
  if [ -d "$CORPUS/$p/$s" ]; then
    diff -r -q "$d/$s" "$WORK/fmt-unvalidated/$p/$s" >/dev/null || agree=no
  else
    cmp -s "$d/$s" "$WORK/fmt-unvalidated/$p/$s" || agree=no
  fi
  [ "$method" = "prisma format" ] || agree=n/a
  if [ -d "$CORPUS/$p/$s" ]; then
    n=0
    for f in $(list_prisma "$CORPUS/$p/$s"); do
      mkdir -p "$NEW/format/$p/$s/$(dirname "$f")"; cp "$from/$s/$f" "$NEW/format/$p/$s/$f"; n=$((n + 1))
    done
  else
    cp "$from/$s" "$NEW/format/$p/$s"; n=1
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$p" "$s" "$method" "$n" "$agree" >>"$NEW/format/METHODS.tsv"
  [ "$agree" = no ] && log "WARNING: $p: prisma format and format-unvalidated.sh disagree"
  log "format $p: $method"
done

###############################################################################
# 2. validate (+ 4. diff-from-empty for the corpus)
###############################################################################
# record_run OUTFILE TITLE DIR ARGS...: appends exit code, stdout and stderr of a prisma command
record_run() {
  local out=$1 title=$2 dir=$3; shift 3
  local rc=0
  prisma_in "$dir" "$@" >"$WORK/run.stdout" 2>"$WORK/run.stderr" || rc=$?
  {
    printf '### %s\n' "$title"
    printf '$ prisma %s\n' "$*"
    printf 'exit code: %s\n' "$rc"
    printf -- '--- stdout ---\n'; cat "$WORK/run.stdout"
    printf -- '--- stderr ---\n'; cat "$WORK/run.stderr"
    printf -- '--- end ---\n'
  } >>"$out"
  return $rc
}

printf 'name\tsource\tvalidate_original\tsanitized\n' >"$NEW/diff-empty/SOURCES.tsv"
for p in $PROJECTS; do
  s=$(schema_of "$p"); d="$WORK/val/$p"
  stage "$d" "$CORPUS/$p/$s" "$s"
  vout="$NEW/validate/$p.txt"; : >"$vout"
  if record_run "$vout" "$p: original corpus schema ($s)" "$d" validate --schema "$s"; then
    vrc=0; use="$d"; san=no
  else
    vrc=1; san=yes
    # sanitized copy (same name, same place relative to the config)
    ds="$WORK/san/$p"; rm -rf "$ds"; mkdir -p "$ds"
    "$ORACLE/sanitize-for-prisma7.sh" "$CORPUS/$p/$s" "$ds/$s"
    make_config "$ds" "$ds/$s" >/dev/null
    printf '\n' >>"$vout"
    record_run "$vout" "$p: after sanitize-for-prisma7.sh ($s)" "$ds" validate --schema "$s" || {
      log "ERROR: $p: sanitized schema still rejected"; }
    use="$ds"
    # what the sanitizer changed, as a unified diff between original/ and sanitized/
    mkdir -p "$WORK/sandiff/original" "$WORK/sandiff/sanitized"
    rm -rf "$WORK/sandiff/original/$p" "$WORK/sandiff/sanitized/$p"
    cp -r "$d/$s" "$WORK/sandiff/original/$p"; cp -r "$ds/$s" "$WORK/sandiff/sanitized/$p"
    # (file timestamps stripped from the ---/+++ lines so that the output is reproducible)
    { (cd "$WORK/sandiff" && diff -ru "original/$p" "sanitized/$p") || true; } \
      | sed -E 's/^((---|\+\+\+) [^\t]*)\t.*$/\1/' >"$NEW/diff-empty/$p.sanitize.diff"
  fi
  printf '%s\tcorpus/%s/%s\t%s\t%s\n' "$p" "$p" "$s" "$([ $vrc = 0 ] && echo accepted || echo rejected)" "$san" \
    >>"$NEW/diff-empty/SOURCES.tsv"
  if ! prisma_in "$use" migrate diff --from-empty --to-schema "$s" --script >"$NEW/diff-empty/$p.sql" 2>"$WORK/err" \
     || ! prisma_in "$use" migrate diff --from-empty --to-schema "$s" >"$NEW/diff-empty/$p.summary.txt" 2>"$WORK/err"; then
    log "ERROR: $p: migrate diff failed"; cp "$WORK/err" "$NEW/diff-empty/$p.error.txt"
  fi
  log "validate+diff-empty $p: validate=$vrc sanitized=$san"
done

###############################################################################
# 4b. diff-from-empty for the reference samples
###############################################################################
# diff_empty_sample NAME SRC
diff_empty_sample() {
  local name=$1 src=$2 d="$WORK/des/$1"
  stage "$d" "$src" schema.prisma
  quiet "$d" migrate diff --from-empty --to-schema schema.prisma --script >"$NEW/diff-empty/$name.sql"
  quiet "$d" migrate diff --from-empty --to-schema schema.prisma >"$NEW/diff-empty/$name.summary.txt"
  printf '%s\tsamples/%s\t-\tno\n' "$name" "${src#"$SAMPLES/"}" >>"$NEW/diff-empty/SOURCES.tsv"
}
diff_empty_sample full "$SAMPLES/full.prisma"
if ! cmp -s "$NEW/diff-empty/full.sql" "$SAMPLES/full.sql"; then
  log "WARNING: diff-empty/full.sql differs from samples/full.sql"
fi
diff_empty_sample alter-base "$SAMPLES/alter/base.prisma"
CASES=$(cd "$SAMPLES/alter" && for c in */; do c=${c%/}; [ -f "$c/to.prisma" ] && echo "$c"; done | LC_ALL=C sort)
for c in $CASES; do
  diff_empty_sample "alter-$c" "$SAMPLES/alter/$c/to.prisma"
done
log "diff-empty samples done"

###############################################################################
# 5. alter: --from-schema a.prisma --to-schema b.prisma
###############################################################################
printf 'case\tsql_matches_samples\tsummary_matches_samples\n' >"$NEW/alter/VERIFY.tsv"
for c in $CASES; do
  src="$SAMPLES/alter/$c"; d="$WORK/alter/$c"; o="$NEW/alter/$c"
  rm -rf "$d"; mkdir -p "$d" "$o"
  a="$src/from.prisma"; [ -f "$a" ] || a="$SAMPLES/alter/base.prisma"
  cp "$a" "$d/a.prisma"; cp "$src/to.prisma" "$d/b.prisma"
  make_config "$d" "$d/b.prisma" >/dev/null
  cp "$d/a.prisma" "$d/b.prisma" "$o/"
  quiet "$d" migrate diff --from-schema a.prisma --to-schema b.prisma --script >"$o/expected.sql"
  quiet "$d" migrate diff --from-schema a.prisma --to-schema b.prisma >"$o/expected.summary.txt"
  m1=n/a; m2=n/a
  if [ -f "$src/diff.sql" ]; then cmp -s "$o/expected.sql" "$src/diff.sql" && m1=yes || m1=no; fi
  if [ -f "$src/summary.txt" ]; then cmp -s "$o/expected.summary.txt" "$src/summary.txt" && m2=yes || m2=no; fi
  printf '%s\t%s\t%s\n' "$c" "$m1" "$m2" >>"$NEW/alter/VERIFY.tsv"
  if [ "$m1" = no ] || [ "$m2" = no ]; then log "WARNING: alter/$c differs from the samples"; fi
done
log "alter done"

###############################################################################
# swap in
###############################################################################
mkdir -p "$OUT"
for sub in format validate diff-empty alter; do
  rm -rf "$OUT/$sub"
  cp -r "$NEW/$sub" "$OUT/$sub"
done
log "fixtures written to $OUT"
