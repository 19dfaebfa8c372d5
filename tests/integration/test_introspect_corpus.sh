#!/bin/sh
# test_introspect_corpus.sh - the corpus projects that replay cleanly
# (tests/fixtures/introspect-corpus/projects): after `strata migrate
# deploy`, `migrate diff --from-url DB --to-schema S --script` and
# `--from-migrations DIR --to-schema S --script` print exactly what Prisma
# 7.10 printed for the same project (fixtures NAME.from-url.sql and
# NAME.from-migrations.sql, made by bless.sh), and --exit-code gives the
# same verdict for both.  STRATA_CORPUS_ONLY="a b" restricts the projects.
. "$(dirname "$0")/../lib.sh"
t_need_pg

FIX="$T_ROOT/tests/fixtures/introspect-corpus"
if [ ! -d "$STRATA_CORPUS" ]; then
	t_skip "corpus" "not found at $STRATA_CORPUS (set STRATA_CORPUS)"
	t_done
	exit $?
fi
export DATABASE_URL="postgresql://postgres@$T_PGHOST:$STRATA_TEST_PGPORT/postgres"
norm() { sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$1"; }
for n in ${STRATA_CORPUS_ONLY:-$(cat "$FIX/projects")}; do
	src="$STRATA_CORPUS/$n"
	sch="$src/schema.prisma"
	[ -d "$src/schema" ] && sch="$src/schema"
	if [ ! -d "$src/migrations" ]; then
		t_skip "corpus $n" "not in $STRATA_CORPUS"
		continue
	fi
	t_db "strata_it_ic_${n}_$$"
	url=$T_URL
	t_run 0 "$STRATA" migrate deploy --url "$url" --migrations "$src/migrations" --schema "$sch"
	t_ok "$n: deployed"
	for side in url migrations; do
		if [ $side = url ]; then
			set -- --from-url "$url"
		else
			set -- --from-migrations "$src/migrations"
		fi
		t_run any "$STRATA" migrate diff "$@" --to-schema "$sch" --script
		norm "$T_OUT" >"$T_TMP/got.sql"
		norm "$FIX/$n.from-$side.sql" >"$T_TMP/want.sql"
		t_same_file "$n: --from-$side script is Prisma's" "$T_TMP/want.sql" "$T_TMP/got.sql"
		if grep -q '^-- This is an empty migration.$' "$T_TMP/want.sql"; then want=0; else want=2; fi
		t_run $want "$STRATA" migrate diff "$@" --to-schema "$sch" --exit-code
		t_ok "$n: --from-$side --exit-code is $want"
	done
	t_psql postgres "DROP DATABASE IF EXISTS \"strata_it_ic_${n}_$$\" WITH (FORCE)" >/dev/null
	t_check "$n: no shadow database left" \
		[ "$(t_psql postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'prisma\_migrate\_shadow\_db\_%'")" = 0 ]
done
t_done
