#!/bin/sh
# test_migrate_diff.sh - `strata migrate diff` between schemas, checked
# byte for byte against the real Prisma 7.10 (fixtures made by the oracle):
#   - every pair in tests/fixtures/diff-pairs/<case>/ (a.prisma -> b.prisma):
#     --script against expected.sql, the summary against expected.summary.txt
#     (a case with strata.sql documents a deliberate difference, see NOTE)
#   - every case of tests/fixtures/prisma/alter/ (the reference samples)
#   - --from-empty for every corpus project and sample of
#     tests/fixtures/prisma/diff-empty/ (from the ORIGINAL corpus schema)
#   - each corpus project's schema -> the next project's (diff-corpus/)
#   - the command line: --exit-code, -o, usage and schema errors.
. "$(dirname "$0")/../lib.sh"

PAIRS=$T_ROOT/tests/fixtures/diff-pairs
ALTER=$T_ROOT/tests/fixtures/prisma/alter
EMPTY=$T_ROOT/tests/fixtures/prisma/diff-empty

# check_pair NAME A B EXPECTED_SQL EXPECTED_SUMMARY
check_pair() {
	"$STRATA" migrate diff --from-schema "$2" --to-schema "$3" --script >"$T_TMP/got.sql" 2>"$T_TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		t_fail "$1: --script exits 0 (got $rc)"
		sed 's/^/#   /' "$T_TMP/err" | head -20
	else
		t_same_file "$1: --script is byte-identical to Prisma" "$4" "$T_TMP/got.sql"
	fi
	if [ -n "$5" ] && [ -f "$5" ]; then
		"$STRATA" migrate diff --from-schema "$2" --to-schema "$3" >"$T_TMP/got.txt" 2>"$T_TMP/err"
		t_same_file "$1: summary is byte-identical to Prisma" "$5" "$T_TMP/got.txt"
	fi
}

npairs=0
for d in "$PAIRS"/*/; do
	c=$(basename "$d")
	[ -f "$d/expected.sql" ] || continue
	exp=$d/expected.sql
	[ -f "$d/strata.sql" ] && exp=$d/strata.sql
	check_pair "pair $c" "$d/a.prisma" "$d/b.prisma" "$exp" "$d/expected.summary.txt"
	npairs=$((npairs + 1))
done
t_check "at least 60 oracle pairs were checked ($npairs)" [ "$npairs" -ge 60 ]

for d in "$ALTER"/*/; do
	c=$(basename "$d")
	[ -f "$d/expected.sql" ] || continue
	check_pair "alter $c" "$d/a.prisma" "$d/b.prisma" "$d/expected.sql" "$d/expected.summary.txt"
done

# --from-empty: corpus projects (original schemas) and samples
if [ -f "$EMPTY/SOURCES.tsv" ]; then
	tail -n +2 "$EMPTY/SOURCES.tsv" | while IFS='	' read -r name src _v _s; do
		case $src in
		corpus/*) p=$STRATA_CORPUS/${src#corpus/} ;;
		samples/*) p=$T_ROOT/../shared/reference/${src} ;;
		*) continue ;;
		esac
		if [ ! -e "$p" ]; then
			t_skip "from-empty $name" "source $p not present (STRATA_CORPUS)"
			continue
		fi
		"$STRATA" migrate diff --from-empty --to-schema "$p" --script >"$T_TMP/e.sql" 2>"$T_TMP/err"
		t_same_file "from-empty $name: --script is byte-identical to Prisma" "$EMPTY/$name.sql" "$T_TMP/e.sql"
		"$STRATA" migrate diff --from-empty --to-schema "$p" >"$T_TMP/e.txt" 2>"$T_TMP/err"
		t_same_file "from-empty $name: summary is byte-identical to Prisma" "$EMPTY/$name.summary.txt" "$T_TMP/e.txt"
	done > "$T_TMP/empty.log"
	cat "$T_TMP/empty.log"
	T_PASS=$((T_PASS + $(grep -c '^ok - ' "$T_TMP/empty.log" | tr -d ' ') - $(grep -c '# SKIP' "$T_TMP/empty.log" | tr -d ' ')))
	T_SKIP=$((T_SKIP + $(grep -c '# SKIP' "$T_TMP/empty.log" | tr -d ' ')))
	T_FAIL=$((T_FAIL + $(grep -c '^not ok - ' "$T_TMP/empty.log" | tr -d ' ')))
else
	t_skip "from-empty fixtures" "tests/fixtures/prisma/diff-empty/SOURCES.tsv missing"
fi

# corpus -> corpus: a whole real schema replaced by another real schema
# (tests/fixtures/diff-corpus, made by tools/oracle/gen-diff-pairs.sh --corpus)
srcpath() {
	awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$EMPTY/SOURCES.tsv" | sed "s|^corpus/|$STRATA_CORPUS/|"
}
for f in "$T_ROOT"/tests/fixtures/diff-corpus/*--*.sql; do
	case $f in *.strata.sql) continue ;; esac
	[ -f "$f" ] || continue
	pair=$(basename "$f" .sql)
	a=$(srcpath "${pair%%--*}")
	b=$(srcpath "${pair#*--}")
	if [ ! -e "$a" ] || [ ! -e "$b" ]; then
		t_skip "corpus $pair" "corpus not present (STRATA_CORPUS)"
		continue
	fi
	exp=$f
	[ -f "${f%.sql}.strata.sql" ] && exp=${f%.sql}.strata.sql
	check_pair "corpus $pair" "$a" "$b" "$exp" "${f%.sql}.summary.txt"
done

# ==== the command line ====
A=$T_TMP/a.prisma
B=$T_TMP/b.prisma
cat >"$A" <<'P'
datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
P
cat "$A" >"$B"
printf '\nmodel Post {\n  id Int @id\n}\n' >>"$B"

t_run 0 "$STRATA" migrate diff --from-schema "$A" --to-schema "$A" --script
t_ok "identical schemas: exit 0"
t_check "identical schemas: empty-migration text" sh -c 'printf -- "-- This is an empty migration.\n\n" | cmp -s - "$0"' "$T_OUT"

t_run 0 "$STRATA" migrate diff --from-schema "$A" --to-schema "$A" --exit-code
t_ok "--exit-code: 0 when nothing differs"
t_stdout_has "No difference detected."

t_run 2 "$STRATA" migrate diff --from-schema "$A" --to-schema "$B" --exit-code
t_ok "--exit-code: 2 when the schemas differ"
t_stdout_has "[+] Added tables"
t_stdout_has "  - Post"

t_run 0 "$STRATA" migrate diff --from-schema "$A" --to-schema "$B"
t_ok "without --exit-code a difference still exits 0"

t_run 0 "$STRATA" migrate diff --from-schema "$B" --to-empty --script
t_ok "--to-empty works"
t_stdout_has 'DROP TABLE "Post";'
t_stdout_has 'DROP TABLE "User";'

t_run 0 "$STRATA" migrate diff --from-empty --to-schema "$B" --script -o "$T_TMP/out.sql"
t_ok "-o FILE exits 0"
t_check "-o FILE writes the script and prints nothing" sh -c 'grep -q "CREATE TABLE \"Post\"" "$0" && [ ! -s "$1" ]' "$T_TMP/out.sql" "$T_OUT"
# Prisma writes the engine's text to the file without the newline it adds on stdout
"$STRATA" migrate diff --from-empty --to-schema "$B" --script >"$T_TMP/stdout.sql"
t_check "-o FILE holds stdout's script minus the final newline" sh -c 'head -c -1 "$0" | cmp -s - "$1"' "$T_TMP/stdout.sql" "$T_TMP/out.sql"

t_run 2 "$STRATA" migrate diff --to-schema "$B"
t_ok "no --from-*: usage error (exit 2)"
t_stderr_has "0 \`--from-...\` parameter(s) provided. 1 must be provided."

t_run 2 "$STRATA" migrate diff --from-empty --from-schema "$A" --to-schema "$B"
t_ok "two --from-*: usage error (exit 2)"
t_stderr_has "2 \`--from-...\` parameter(s) provided"

t_run 2 "$STRATA" migrate diff --from-empty
t_ok "no --to-*: usage error (exit 2)"

printf 'datasource db {\n  provider = "postgresql"\n}\n\nmodel X {\n  id Strin @id\n}\n' >"$T_TMP/bad.prisma"
t_run 1 "$STRATA" migrate diff --from-empty --to-schema "$T_TMP/bad.prisma" --script --exit-code
t_ok "invalid schema: exit 1 even with --exit-code"
t_stderr_has "P1012"
t_stdout_lacks "CREATE TABLE"

t_run 1 "$STRATA" migrate diff --from-empty --to-schema "$T_TMP/missing.prisma"
t_ok "missing schema file: exit 1"

# deterministic whatever the input order: shuffled models give the same
# statements (sorted), and the differ sees no change between the orders
cat >"$T_TMP/o1.prisma" <<'P'
datasource db {
  provider = "postgresql"
}

model A {
  id Int @id
  b  B[]
}

model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id])
}
P
cat >"$T_TMP/o2.prisma" <<'P'
datasource db {
  provider = "postgresql"
}

model B {
  aId Int
  id  Int @id
  a   A   @relation(fields: [aId], references: [id])
}

model A {
  b  B[]
  id Int @id
}
P
t_run 0 "$STRATA" migrate diff --from-schema "$T_TMP/o1.prisma" --to-schema "$T_TMP/o2.prisma" --exit-code
t_ok "reordering models and fields is no difference"

t_done
