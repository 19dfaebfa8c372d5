#!/bin/sh
# test_migrate_corpus.sh - every corpus project that replays under psql
# (../shared/corpus/SOURCES.md §2) deploys with strata onto a fresh
# database: the schema is identical (pg_dump --schema-only) to the psql
# replay, one finished row per migration with the file's checksum, a
# second deploy applies nothing, and status exits 0.
# STRATA_CORPUS_ENTRIES="umami teable" limits the entries.
. "$(dirname "$0")/../lib.sh"
t_need_pg

if [ ! -d "$STRATA_CORPUS" ] || [ ! -f "$STRATA_CORPUS/apply-with-psql.sh" ]; then
	t_skip "corpus deploy" "corpus not found at $STRATA_CORPUS"
	t_done
	exit 0
fi
ENTRIES=${STRATA_CORPUS_ENTRIES:-"trigger langfuse comp inbox-zero documenso rallly papermark umami tianji teable ghostfolio typebot hoppscotch civitai formbricks"}
# entries that do not replay on a plain PostgreSQL 15 (SOURCES.md §2): the
# first migration that fails under psql, which must fail under strata too
expected_failure() {
	case "$1" in
	civitai) echo 20251117182613_post_metrics_denormalization ;;
	formbricks) echo 20241017124431_add_documents_and_insights ;;
	esac
}
BASE="postgresql://postgres@$T_PGHOST:$STRATA_TEST_PGPORT"
PSQL="psql -X -q -h $T_PGHOST -p $STRATA_TEST_PGPORT -U postgres"

one() { # one ENTRY: writes $T_TMP/res.ENTRY with "ok|not ok - text" lines
	e=$1
	r="$T_TMP/res.$e"
	db=$(echo "strata_corpus_${e}_$$" | tr '-' '_')
	: >"$r"
	$PSQL -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${db}_psql\" WITH (FORCE)" >/dev/null 2>&1
	res() { if [ "$1" = 0 ]; then echo "ok - $e: $2" >>"$r"; else echo "not ok - $e: $2" >>"$r"; fi; }
	"$STRATA" migrate deploy --url "$BASE/$db" --migrations "$STRATA_CORPUS/$e/migrations" >"$T_TMP/$e.out" 2>"$T_TMP/$e.err"
	rc=$?
	xf=$(expected_failure "$e")
	if [ -n "$xf" ]; then
		[ $rc -eq 1 ] && grep -q "Migration name: $xf" "$T_TMP/$e.err"
		res $? "deploy stops at $xf, where the psql replay fails"
		grep -q "Migration name: $xf" "$T_TMP/$e.err" || sed 's/^/#   /' "$T_TMP/$e.err" | head -20 >>"$r"
		# psql replays the migrations before the failing one (psql would
		# leave a non-transactional failing file half applied; strata
		# rolls back the failing step)
		mkdir -p "$T_TMP/$e-pre/migrations"
		for d in $(cd "$STRATA_CORPUS/$e/migrations" && ls -d */ | LC_ALL=C sort); do
			d=${d%/}
			[ "$d" = "$xf" ] && break
			cp -r "$STRATA_CORPUS/$e/migrations/$d" "$T_TMP/$e-pre/migrations/$d"
		done
		bash "$STRATA_CORPUS/apply-with-psql.sh" --create --single-session "$T_TMP/$e-pre" "$BASE/${db}_psql" >"$T_TMP/$e.psql" 2>&1
		n_ok=$(ls "$T_TMP/$e-pre/migrations" | wc -l)
		[ "$($PSQL -A -t -d "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" = "$n_ok" ]
		res $? "the $n_ok migrations before it are recorded as finished"
		pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -T _prisma_migrations "$db" | grep -v '^-- Dumped\|^\\restrict\|^\\unrestrict' >"$T_TMP/$e.a.sql"
		pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres "${db}_psql" | grep -v '^-- Dumped\|^\\restrict\|^\\unrestrict' >"$T_TMP/$e.b.sql"
		cmp -s "$T_TMP/$e.a.sql" "$T_TMP/$e.b.sql"
		res $? "schema up to the failure identical to the psql replay"
		cmp -s "$T_TMP/$e.a.sql" "$T_TMP/$e.b.sql" || { tail -3 "$T_TMP/$e.psql"; diff "$T_TMP/$e.b.sql" "$T_TMP/$e.a.sql" | head -20; } | sed 's/^/#   /' >>"$r"
		$PSQL -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${db}_psql\" WITH (FORCE)" >/dev/null 2>&1
		return
	fi
	res $rc "deploy onto a fresh database exits 0"
	if [ $rc -ne 0 ]; then sed 's/^/#   /' "$T_TMP/$e.err" | head -20 >>"$r"; return; fi
	bash "$STRATA_CORPUS/apply-with-psql.sh" --create --single-session "$STRATA_CORPUS/$e" "$BASE/${db}_psql" >"$T_TMP/$e.psql" 2>&1 ||
		bash "$STRATA_CORPUS/apply-with-psql.sh" --create "$STRATA_CORPUS/$e" "$BASE/${db}_psql" >"$T_TMP/$e.psql" 2>&1
	pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -T _prisma_migrations "$db" | grep -v '^-- Dumped\|^\\restrict\|^\\unrestrict' >"$T_TMP/$e.a.sql"
	pg_dump -s -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres "${db}_psql" | grep -v '^-- Dumped\|^\\restrict\|^\\unrestrict' >"$T_TMP/$e.b.sql"
	cmp -s "$T_TMP/$e.a.sql" "$T_TMP/$e.b.sql"
	res $? "schema identical to the psql replay (pg_dump --schema-only)"
	cmp -s "$T_TMP/$e.a.sql" "$T_TMP/$e.b.sql" || diff "$T_TMP/$e.b.sql" "$T_TMP/$e.a.sql" | head -20 | sed 's/^/#   /' >>"$r"
	(cd "$STRATA_CORPUS/$e/migrations" && for d in */; do
		d=${d%/}
		[ -f "$d/migration.sql" ] && printf '%s|%s\n' "$d" "$(sha256sum "$d/migration.sql" | cut -d' ' -f1)"
	done) | LC_ALL=C sort >"$T_TMP/$e.sums"
	$PSQL -A -t -d "$db" -c "SELECT migration_name || '|' || checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND logs IS NULL" | LC_ALL=C sort >"$T_TMP/$e.rows"
	cmp -s "$T_TMP/$e.sums" "$T_TMP/$e.rows"
	res $? "one finished row per migration with the file's SHA-256 ($(wc -l <"$T_TMP/$e.sums") migrations)"
	"$STRATA" migrate deploy --url "$BASE/$db" --migrations "$STRATA_CORPUS/$e/migrations" >"$T_TMP/$e.out2" 2>&1 &&
		grep -q "No pending migrations to apply." "$T_TMP/$e.out2"
	res $? "a second deploy applies nothing"
	"$STRATA" migrate status --url "$BASE/$db" --migrations "$STRATA_CORPUS/$e/migrations" >/dev/null 2>&1
	res $? "status exits 0"
	$PSQL -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "DROP DATABASE IF EXISTS \"${db}_psql\" WITH (FORCE)" >/dev/null 2>&1
}

# two entries at a time (2 cores)
set -- $ENTRIES
while [ $# -gt 0 ]; do
	one "$1" &
	p1=$!
	p2=""
	if [ $# -gt 1 ]; then one "$2" & p2=$!; fi
	wait $p1
	[ -n "$p2" ] && wait $p2
	shift
	[ $# -gt 0 ] && shift
done
for e in $ENTRIES; do
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) t_pass "${line#ok - }" ;;
		"not ok - "*) t_fail "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$T_TMP/res.$e"
done
t_done
