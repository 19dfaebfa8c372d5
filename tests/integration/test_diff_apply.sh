#!/bin/sh
# test_diff_apply.sh - strata's migration SQL on a real PostgreSQL:
#   - every corpus schema's --from-empty script applies cleanly to a fresh
#     database (schemas needing an extension the server lacks are skipped,
#     with the reason);
#   - for every schema pair (tests/fixtures/diff-pairs, the alter samples):
#     applying A's from-empty SQL and then the A->B diff gives the same
#     schema (pg_dump --schema-only, columns compared as a set since ADD
#     COLUMN appends) as applying B's from-empty SQL;
#   - hostile names (quotes, spaces, unicode, reserved words, 63+ bytes)
#     create exactly those names.
. "$(dirname "$0")/../lib.sh"
t_need_pg

PAIRS=$T_ROOT/tests/fixtures/diff-pairs
ALTER=$T_ROOT/tests/fixtures/prisma/alter
EMPTY=$T_ROOT/tests/fixtures/prisma/diff-empty
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $T_PGHOST -p $STRATA_TEST_PGPORT -U postgres"
SEQ=0

# apply DB FILE: runs a script as one psql session; stderr in $T_TMP/apply.err
apply() {
	$PSQL -d "$1" -f "$2" >/dev/null 2>"$T_TMP/apply.err"
}

# dump DB OUT: pg_dump --schema-only, normalised (comments, SET lines and
# blank lines dropped; the column lines of each CREATE TABLE sorted)
dump() {
	pg_dump --schema-only --no-owner --no-privileges -h "$T_PGHOST" \
		-p "$STRATA_TEST_PGPORT" -U postgres -d "$1" 2>"$T_TMP/dump.err" |
	awk '
		/^--/ || /^$/ || /^SET / || /^SELECT pg_catalog.set_config/ { next }
		/^\\(un)?restrict / { next }
		/^CREATE TABLE / { intable = 1; print; n = 0; next }
		intable && /^\);/ {
			cmd = "sort"
			for (i = 1; i <= n; i++) print cols[i] | cmd
			close(cmd); intable = 0; print; next
		}
		intable { sub(/,$/, ""); cols[++n] = $0; next }
		{ print }
	' >"$2"
}

newdb() {
	SEQ=$((SEQ + 1))
	T_DB="strata_diffapply_$$_$SEQ"
	t_db "$T_DB"
}

dropdb_() {
	$PSQL -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1
}

missing_extension() {
	sed -n 's/.*extension "\([^"]*\)" is not available.*/\1/p; s/.*could not open extension control file.*\/\([^/]*\)\.control.*/\1/p' \
		"$T_TMP/apply.err" | head -1
}

# ==== from-empty of every corpus project and sample ====
# What a project's migration history creates before Prisma's SQL can run,
# although the schema does not declare it (extensions used without
# `extensions = [...]`, functions called from dbgenerated defaults).
prelude() {
	case $1 in
	civitai | rallly) echo 'CREATE EXTENSION IF NOT EXISTS citext;' ;;
	documenso) echo 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' ;;
	comp)
		echo 'CREATE EXTENSION IF NOT EXISTS pgcrypto;'
		echo "CREATE FUNCTION generate_prefixed_cuid(prefix text) RETURNS text LANGUAGE sql AS \$\$ SELECT prefix || '_' || encode(gen_random_bytes(8), 'hex') \$\$;"
		;;
	esac
}
if [ -f "$EMPTY/SOURCES.tsv" ]; then
	tail -n +2 "$EMPTY/SOURCES.tsv" | while IFS='	' read -r name src _v _s; do
		case $src in
		corpus/*) p=$STRATA_CORPUS/${src#corpus/} ;;
		samples/*) p=$T_ROOT/../shared/reference/$src ;;
		*) continue ;;
		esac
		[ -e "$p" ] || { echo "ok - from-empty $name applies # SKIP $p not present"; continue; }
		case $name in alter-*) continue ;; esac  # the pairs below cover them
		"$STRATA" migrate diff --from-empty --to-schema "$p" --script >"$T_TMP/e.sql" 2>"$T_TMP/e.err" ||
			{ echo "not ok - from-empty $name: strata failed"; sed 's/^/#   /' "$T_TMP/e.err"; continue; }
		newdb
		prelude "$name" >"$T_TMP/prelude.sql"
		if [ -s "$T_TMP/prelude.sql" ] && ! apply "$T_DB" "$T_TMP/prelude.sql"; then
			echo "not ok - from-empty $name: prelude applies"
			head -3 "$T_TMP/apply.err" | sed 's/^/#   /'
		elif apply "$T_DB" "$T_TMP/e.sql"; then
			echo "ok - from-empty $name applies to a fresh database"
		elif ext=$(missing_extension) && [ -n "$ext" ]; then
			echo "ok - from-empty $name applies # SKIP needs extension \"$ext\", not installed on the test server"
		else
			echo "not ok - from-empty $name applies to a fresh database"
			head -5 "$T_TMP/apply.err" | sed 's/^/#   /'
		fi
		dropdb_ "$T_DB"
	done >"$T_TMP/empty.log"
	cat "$T_TMP/empty.log"
	T_PASS=$((T_PASS + $(grep '^ok - ' "$T_TMP/empty.log" | grep -vc '# SKIP')))
	T_SKIP=$((T_SKIP + $(grep -c '# SKIP' "$T_TMP/empty.log")))
	T_FAIL=$((T_FAIL + $(grep -c '^not ok - ' "$T_TMP/empty.log")))
fi

# ==== A, then A->B  ==  B ====
# Cases whose result differs from B's from-empty schema by design (Prisma's
# own SQL does the same), with the reason:
known_different() {
	case $1 in
	default-autoincrement-add) echo "Prisma names the new sequence t_c_seq (lowercased), SERIAL names it T_c_seq" ;;
	default-autoincrement-drop) echo "the owned sequence stays until the column is dropped" ;;
	default-datetime-change) echo "Prisma never compares DateTime defaults (no step, like Prisma)" ;;
	default-float-equivalent) echo "1.5 and 1.50 are the same default for Prisma; the stored expression text differs" ;;
	type-unsupported-change) echo "Prisma never compares Unsupported types (no step, like Prisma)" ;;
	"corpus civitai--comp") echo "Prisma creates enum \"Role\" before dropping table \"Role\" (whose row type has that name), like Prisma's own script" ;;
	extension-remove) echo "Prisma never drops an extension removed from the schema (no step, like Prisma)" ;;
	22-enum-reorder) echo "Prisma ignores the order of enum values (no step, like Prisma)" ;;
	multischema-move-table) echo "Prisma assumes every schema listed in schemas = [...] exists and creates none for the moved table" ;;
	*) return 1 ;;
	esac
}

# reset DB: drops every user schema (and what is in it), recreates public
reset() {
	$PSQL -d "$1" >/dev/null 2>&1 <<'SQL'
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT nspname FROM pg_namespace
		 WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
	LOOP
		EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
	END LOOP;
END $$;
CREATE SCHEMA public;
SQL
}

newdb; RT_DB=$T_DB

roundtrip() { # NAME A B
	if reason=$(known_different "$1"); then
		t_skip "round trip $1" "$reason"
		return
	fi
	"$STRATA" migrate diff --from-empty --to-schema "$2" --script >"$T_TMP/a.sql" 2>/dev/null &&
	"$STRATA" migrate diff --from-schema "$2" --to-schema "$3" --script >"$T_TMP/ab.sql" 2>/dev/null &&
	"$STRATA" migrate diff --from-empty --to-schema "$3" --script >"$T_TMP/b.sql" 2>/dev/null ||
		{ t_fail "round trip $1: strata diff runs"; return; }
	reset "$RT_DB"
	[ -n "${roundtrip_prelude:-}" ] && apply "$RT_DB" "$roundtrip_prelude"
	if ! apply "$RT_DB" "$T_TMP/a.sql"; then
		if ext=$(missing_extension) && [ -n "$ext" ]; then
			t_skip "round trip $1" "needs extension \"$ext\""
		else
			t_fail "round trip $1: A's SQL applies"; head -3 "$T_TMP/apply.err" | sed 's/^/#   /'
		fi
		return
	fi
	if ! apply "$RT_DB" "$T_TMP/ab.sql"; then
		if ext=$(missing_extension) && [ -n "$ext" ]; then
			t_skip "round trip $1" "needs extension \"$ext\""
			return
		fi
		t_fail "round trip $1: the A->B migration applies"
		head -5 "$T_TMP/apply.err" | sed 's/^/#   /'
		return
	fi
	dump "$RT_DB" "$T_TMP/d1"
	reset "$RT_DB"
	[ -n "${roundtrip_prelude:-}" ] && apply "$RT_DB" "$roundtrip_prelude"
	apply "$RT_DB" "$T_TMP/b.sql" || { t_fail "round trip $1: B's SQL applies"; return; }
	dump "$RT_DB" "$T_TMP/d2"
	t_same_file "round trip $1: A + diff gives B's schema" "$T_TMP/d2" "$T_TMP/d1"
}

for d in "$PAIRS"/*/ "$ALTER"/*/; do
	[ -f "$d/a.prisma" ] && [ -f "$d/b.prisma" ] || continue
	[ -f "$d/expected.error" ] && continue
	roundtrip "$(basename "$d")" "$d/a.prisma" "$d/b.prisma"
done

# ==== corpus -> corpus (tests/fixtures/diff-corpus): whole real schemas ====
srcpath() {
	awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$EMPTY/SOURCES.tsv" | sed "s|^corpus/|$STRATA_CORPUS/|"
}
for f in "$T_ROOT"/tests/fixtures/diff-corpus/*--*.sql; do
	case $f in *.strata.sql) continue ;; esac
	[ -f "$f" ] || continue
	pair=$(basename "$f" .sql)
	an=${pair%%--*} bn=${pair#*--}
	a=$(srcpath "$an") b=$(srcpath "$bn")
	if [ ! -e "$a" ] || [ ! -e "$b" ]; then
		t_skip "round trip corpus $pair" "corpus not present (STRATA_CORPUS)"
		continue
	fi
	{ prelude "$an"; prelude "$bn"; } >"$T_TMP/prelude.sql"
	reset "$RT_DB"
	apply "$RT_DB" "$T_TMP/prelude.sql"
	roundtrip_prelude=$T_TMP/prelude.sql
	roundtrip "corpus $pair" "$a" "$b"
	roundtrip_prelude=
done

dropdb_ "$RT_DB"

# ==== hostile names create exactly those names ====
H=$PAIRS/hostile-names/b.prisma
"$STRATA" migrate diff --from-empty --to-schema "$H" --script >"$T_TMP/h.sql"
newdb
apply "$T_DB" "$T_TMP/h.sql"
t_check "hostile names: the script applies" [ $? -eq 0 ]
t_psql "$T_DB" "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'order' ORDER BY ordinal_position" >"$T_TMP/cols"
printf '%s\n' 'user id' 'select' 'it"s' 'naïve_ünïcødé' >"$T_TMP/cols.want"
t_same_file "hostile names: table \"order\" has exactly the mapped column names" "$T_TMP/cols.want" "$T_TMP/cols"
t_check "hostile names: the unicode index exists" sh -c "[ \"\$(psql -X -A -t -h $T_PGHOST -p $STRATA_TEST_PGPORT -U postgres -d $T_DB -c \"SELECT count(*) FROM pg_indexes WHERE indexname = 'order_select_naïve_ünïcødé_idx'\")\" = 1 ]"
dropdb_ "$T_DB"

L=$PAIRS/hostile-long-names/b.prisma
"$STRATA" migrate diff --from-empty --to-schema "$L" --script >"$T_TMP/l.sql"
newdb
apply "$T_DB" "$T_TMP/l.sql"
t_check "63+ byte names: the script applies" [ $? -eq 0 ]
t_psql "$T_DB" "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'AVeryLong%' ORDER BY 1" >"$T_TMP/idx"
grep -o 'INDEX "[^"]*"' "$T_TMP/l.sql" | sed 's/INDEX "//; s/"$//' | grep '^AVeryLong' >"$T_TMP/idx.sql"
grep -o 'CONSTRAINT "[^"]*" PRIMARY' "$T_TMP/l.sql" | sed 's/CONSTRAINT "//; s/" PRIMARY//' | grep '^AVeryLong' >>"$T_TMP/idx.sql"
sort "$T_TMP/idx.sql" >"$T_TMP/idx.want"
t_same_file "63+ byte names: PostgreSQL keeps exactly the (truncated) names strata rendered" "$T_TMP/idx.want" "$T_TMP/idx"
t_check "63+ byte names: every rendered name fits in 63 bytes" sh -c '! awk "length(\$0) > 63" "$0" | grep -q .' "$T_TMP/idx.want"
dropdb_ "$T_DB"

t_done
