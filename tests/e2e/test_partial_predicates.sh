#!/bin/sh
# test_partial_predicates.sh - partial indexes are not re-created just
# because PostgreSQL prints their predicates differently from the schema
# (tests/fixtures/partial-predicates/README.md has Prisma's verdicts).
. "$(dirname "$0")/../lib.sh"
t_need_pg
F="$T_ROOT/tests/fixtures/partial-predicates"

t_db strata_partial_pred
t_psql strata_partial_pred "$(cat "$F/prisma-from-empty.sql")" >/dev/null

t_run 2 "$STRATA" migrate diff --from-url "$T_URL" --to-schema "$F/schema.prisma" --script --exit-code
t_ok "a cast of a column is a real difference (exit 2)"
printf '%s\n' '-- DropIndex' 'DROP INDEX "i4";' '' '-- CreateIndex' \
	'CREATE INDEX "i4" ON "T"("v") WHERE (v = '"'x'"');' '' >"$T_TMP/want.sql"
t_same_file "only i4 is re-created, as Prisma does" "$T_TMP/want.sql" "$T_OUT"

sed '/map: "i4"/d' "$F/schema.prisma" >"$T_TMP/no-i4.prisma"
t_psql strata_partial_pred 'DROP INDEX "i4"' >/dev/null
t_run 0 "$STRATA" migrate diff --from-url "$T_URL" --to-schema "$T_TMP/no-i4.prisma" --script --exit-code
t_ok "parentheses, quoting and casts of literals are no difference (exit 0)"

sed 's/raw("n > 5"), map: "i2"/raw("n > 6"), map: "i2"/' "$T_TMP/no-i4.prisma" >"$T_TMP/changed.prisma"
t_run 2 "$STRATA" migrate diff --from-url "$T_URL" --to-schema "$T_TMP/changed.prisma" --script --exit-code
t_ok "a changed literal is a difference (exit 2)"
t_stdout_has 'CREATE INDEX "i2" ON "T"("n") WHERE (n > 6);'

t_done
