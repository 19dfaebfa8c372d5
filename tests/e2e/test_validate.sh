#!/bin/sh
# test_validate.sh - `strata validate`: the golden invalid-schema cases
# (tests/fixtures/validate, each checked against Prisma's own output), the
# real-project corpus, and bad input.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DIR=tests/fixtures/validate

# Line numbers of diagnostics in strata's output / in Prisma's (.oracle).
our_lines() {
	grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning)' "$1" |
		sed -E 's/^[^:]+:([0-9]+):.*/\1/' | sort -un | tr '\n' ' '
}
prisma_lines() {
	grep -E '^  -->  ' "$1" | sed -E 's/.*:([0-9]+)$/\1/' | sort -un | tr '\n' ' '
}

# ---- golden cases ------------------------------------------------------
n=0
for f in "$DIR"/*.prisma; do
	c=$(basename "$f" .prisma)
	n=$((n + 1))
	rc=0
	"$STRATA" validate --schema "$f" >"$T_TMP/out" 2>"$T_TMP/err" || rc=$?
	cat "$T_TMP/out" "$T_TMP/err" >"$T_TMP/all"
	echo "[exit $rc]" >>"$T_TMP/all"
	t_same_file "case $c: output equals $c.expected" "$DIR/$c.expected" "$T_TMP/all"
	if [ -f "$DIR/$c.oracle" ]; then
		ours=$(our_lines "$T_TMP/all")
		theirs=$(prisma_lines "$DIR/$c.oracle")
		if [ -n "$theirs" ] && [ "$ours" = "$theirs" ]; then
			t_pass "case $c: reported on Prisma's lines ($theirs)"
		else
			t_fail "case $c: reported on Prisma's lines"
			t_diag "strata: [$ours] prisma: [$theirs]"
		fi
	fi
done
t_check "at least 40 golden cases ($n)" test "$n" -ge 40

# ---- corpus: every real schema validates ---------------------------------
if [ -d "${STRATA_CORPUS:-}" ]; then
	for p in "$STRATA_CORPUS"/*/; do
		p=${p%/}
		name=$(basename "$p")
		if [ -d "$p/schema" ]; then s=$p/schema; else s=$p/schema.prisma; fi
		[ -e "$s" ] || continue
		t_run 0 "$STRATA" validate --schema "$s"
		t_ok "corpus $name validates"
	done
	t_run 0 "$STRATA" validate --schema "$STRATA_CORPUS/trigger/schema.prisma"
	t_stderr_has 'preview feature "metrics" is not known to Prisma 7' \
		"trigger's removed preview feature is a warning"
else
	t_skip "corpus schemas validate" "no corpus at \$STRATA_CORPUS"
fi

# ---- valid schema, env() never resolved, default location -----------------
mkdir -p "$T_TMP/proj/prisma"
cat >"$T_TMP/proj/prisma/schema.prisma" <<'PSL'
datasource db {
  provider  = "postgresql"
  url       = env("STRATA_TEST_SURELY_UNSET_URL")
  directUrl = env("STRATA_TEST_SURELY_UNSET_DIRECT")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
PSL
(cd "$T_TMP/proj" && "$STRATA" validate >"$T_OUT" 2>"$T_ERR"); T_RC=$?
t_check "valid schema at the default location exits 0" test "$T_RC" -eq 0
t_stdout_has "The schema at prisma/schema.prisma is valid"
t_stderr_lacks "STRATA_TEST_SURELY_UNSET_URL" "env() is not resolved"

# ---- a schema folder -----------------------------------------------------
mkdir -p "$T_TMP/folder"
printf 'datasource db {\n  provider = "postgresql"\n}\n' >"$T_TMP/folder/main.prisma"
printf 'model Post {\n  id     Int  @id\n  author User @relation(fields: [userId], references: [id])\n  userId Int\n}\n' >"$T_TMP/folder/post.prisma"
printf 'model User {\n  id    Int    @id\n  posts Post[]\n}\n' >"$T_TMP/folder/user.prisma"
t_run 0 "$STRATA" validate --schema "$T_TMP/folder"
t_ok "a folder whose files refer to each other validates"
printf 'model Tag {\n  id   Int @id\n  name Strng\n}\n' >"$T_TMP/folder/tag.prisma"
t_run 1 "$STRATA" validate --schema "$T_TMP/folder"
t_ok "an error in one file of a folder fails"
t_stderr_has "tag.prisma:3:8: error" "the error names the file, line and column"

# ---- every error is reported, with a count --------------------------------
cat >"$T_TMP/many.prisma" <<'PSL'
datasource db {
  provider = "postgresql"
}

model A {
  id Int @id
  x  Strin
  y  Nope
}

model B {
  id Int @id
  z  Zed
}
PSL
t_run 1 "$STRATA" validate --schema "$T_TMP/many.prisma"
t_ok "three unknown types fail"
t_stderr_has "many.prisma:7:6: error" "first error"
t_stderr_has "many.prisma:13:6: error" "last error"
t_stderr_has "P1012" "Prisma's error code is named"
t_stderr_has "3 errors" "the count line"

# ---- bad input -----------------------------------------------------------
t_run 1 "$STRATA" validate --schema "$T_TMP/does-not-exist.prisma"
t_ok "a missing file fails"
t_stderr_has "does-not-exist.prisma"
mkdir -p "$T_TMP/empty"
t_run 1 "$STRATA" validate --schema "$T_TMP/empty"
t_ok "a folder without .prisma files fails"
printf 'model A {\n  id Int @id \377\376\n}\n' >"$T_TMP/latin1.prisma"
t_run 1 "$STRATA" validate --schema "$T_TMP/latin1.prisma"
t_ok "non-UTF-8 bytes fail"
t_run 2 "$STRATA" validate --bogus
t_ok "an unknown flag is a usage error"
t_run 0 "$STRATA" validate --help
t_ok "--help exits 0"
t_stdout_has "--schema"
t_done
