#!/bin/sh
# test_format.sh - `strata format`: in-place rewrite with Prisma's bytes,
# --check (names files, exit 1, writes nothing), schema folders, the default
# schema location, syntax errors (exit 1, nothing written), missing file,
# folder without .prisma files, non-UTF-8, a 50 MB file, usage errors.
. "$(dirname "$0")/../lib.sh"

CASES="$T_ROOT/tests/fixtures/format-cases"
W="$T_TMP/w"
mkdir -p "$W"

# --- a single file: --check, then format, then --check again ---------------
cp "$CASES/long_attrs.prisma" "$W/schema.prisma"
cp "$W/schema.prisma" "$W/orig.prisma"
t_run 1 "$STRATA" format --schema "$W/schema.prisma" --check
t_ok "--check exits 1 on an unformatted file"
t_stdout_has "$W/schema.prisma" "--check names the file that would change"
t_stderr_has "There are unformatted files"
t_same_file "--check leaves the file alone" "$W/orig.prisma" "$W/schema.prisma"

t_run 0 "$STRATA" format --schema "$W/schema.prisma"
t_ok "format exits 0"
t_stdout_has "Formatted $W/schema.prisma in " "format reports the schema like prisma format"
t_same_file "format writes Prisma's bytes" "$CASES/long_attrs.expected" "$W/schema.prisma"

t_run 0 "$STRATA" format --schema "$W/schema.prisma" --check
t_ok "--check exits 0 once formatted"
t_stdout_has "All files are formatted correctly!"

cp "$W/schema.prisma" "$W/once.prisma"
t_run 0 "$STRATA" format --schema "$W/schema.prisma"
t_same_file "format is idempotent" "$W/once.prisma" "$W/schema.prisma"

# --- every hand case through the CLI ---------------------------------------
ok=1
for f in "$CASES"/*.prisma; do
	cp "$f" "$W/case.prisma"
	"$STRATA" format --schema "$W/case.prisma" >/dev/null 2>&1 || ok=0
	cmp -s "${f%.prisma}.expected" "$W/case.prisma" || { ok=0; t_diag "differs: $f"; }
done
t_check "every format case gives Prisma's output through the CLI" test "$ok" = 1

# --- a schema folder ---------------------------------------------------------
mkdir -p "$W/proj/prisma/schema/models"
cp "$CASES/enum_map.expected" "$W/proj/prisma/schema/enums.prisma"
cp "$CASES/tabs.prisma" "$W/proj/prisma/schema/models/tabs.prisma"
printf 'datasource db {\n  provider = "postgresql"\n}\n' > "$W/proj/prisma/schema/schema.prisma"
echo "not a schema" > "$W/proj/prisma/schema/notes.txt"
t_run 1 "$STRATA" format --schema "$W/proj/prisma/schema" --check
t_ok "--check on a folder exits 1 when one file is unformatted"
t_stdout_has "models/tabs.prisma" "--check names the unformatted file of the folder"
t_stdout_lacks "enums.prisma" "--check does not name formatted files"
t_run 0 "$STRATA" format --schema "$W/proj/prisma/schema"
t_ok "format on a folder exits 0"
t_same_file "the folder's unformatted file is rewritten" "$CASES/tabs.expected" \
	"$W/proj/prisma/schema/models/tabs.prisma"
t_same_file "the folder's formatted file is unchanged" "$CASES/enum_map.expected" \
	"$W/proj/prisma/schema/enums.prisma"

# --- default location (./prisma/schema.prisma) -------------------------------
mkdir -p "$W/proj2/prisma"
cp "$CASES/mixed_widths.prisma" "$W/proj2/prisma/schema.prisma"
t_run 0 sh -c "cd '$W/proj2' && '$STRATA' format"
t_ok "format finds prisma/schema.prisma without --schema"
t_same_file "the default schema is formatted" "$CASES/mixed_widths.expected" \
	"$W/proj2/prisma/schema.prisma"

# --- syntax errors: diagnostics, exit 1, nothing written ---------------------
printf 'model A {\n  id Int @id\n  name    String\n  tags String[] @default([\n    "a"])\n}\n' > "$W/bad.prisma"
cp "$W/bad.prisma" "$W/bad.orig"
t_run 1 "$STRATA" format --schema "$W/bad.prisma"
t_ok "a schema with syntax errors exits 1"
t_stderr_has "bad.prisma:4:3: error" "the error names file:line:col"
t_stderr_has "This line is not a valid field or attribute definition."
t_stderr_has "bad.prisma:5:5: error" "every error is reported"
t_stderr_has "P1012"
t_same_file "a schema with syntax errors is not written" "$W/bad.orig" "$W/bad.prisma"
t_run 1 "$STRATA" format --schema "$W/bad.prisma" --check
t_ok "--check also exits 1 on syntax errors"

# --- bad input -----------------------------------------------------------------
t_run 1 "$STRATA" format --schema "$W/nope.prisma"
t_ok "a missing schema file exits 1"
t_stderr_has "nope.prisma"
mkdir -p "$W/empty"
t_run 1 "$STRATA" format --schema "$W/empty"
t_ok "a folder without .prisma files exits 1"
t_stderr_has "no .prisma files"
printf 'model A {\n  id Int @id // caf\351\n}\n' > "$W/latin1.prisma"
t_run 1 "$STRATA" format --schema "$W/latin1.prisma"
t_ok "a file that is not UTF-8 exits 1"
t_stderr_has "not valid UTF-8"
t_run 2 "$STRATA" format --bogus
t_ok "an unknown flag is a usage error (exit 2)"

# --- a 50 MB file: handled, no crash ---------------------------------------
awk 'BEGIN {
	print "model Big {"; print "  id Int @id"; print "}"; print ""
	line = "// "; for (i = 0; i < 1000; i++) line = line "x"
	for (i = 0; i < 52000; i++) print line
}' > "$W/big.prisma"
t_run 0 "$STRATA" format --schema "$W/big.prisma" --check
t_ok "a 50 MB schema is checked without error"

t_done
