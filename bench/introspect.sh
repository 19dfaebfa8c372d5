#!/bin/sh
# introspect.sh - introspection and the development loop beside Prisma:
#   * `db pull --print` of a generated 2000-table database (tables with a
#     serial key, a unique column, a defaulted timestamp, a foreign key to
#     the previous table and an index): strata vs `prisma db pull --print`;
#     the target is under 300 ms and at least 20x faster than Prisma;
#   * `migrate dev` with nothing to do on the largest corpus history that
#     replays cleanly (shadow database, drift check, diff), after deploy.
# Timings are printed, never asserted.
. "$(dirname "$0")/lib.sh"

TABLES=${BENCH_INTROSPECT_TABLES:-2000}
DEV_ENTRY=${BENCH_DEV_ENTRY:-trigger}
bench_pg_start
bench_psql -d postgres -c "CREATE DATABASE bench_introspect" >/dev/null
bench_psql -d bench_introspect -c "
DO \$\$
BEGIN
  FOR i IN 1..$TABLES LOOP
    EXECUTE format('CREATE TABLE %I (id serial PRIMARY KEY, name varchar(100) NOT NULL UNIQUE,
      created timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, score numeric(10,2), tags text[],
      prev_id integer %s)', 't' || i,
      CASE WHEN i > 1 THEN format('REFERENCES %I(id) ON DELETE SET NULL', 't' || (i - 1)) ELSE '' END);
    EXECUTE format('CREATE INDEX %I ON %I (created DESC, name)', 't' || i || '_created_idx', 't' || i);
  END LOOP;
END
\$\$;" >/dev/null
URL="$B_URL_BASE/bench_introspect"

bench_run 5 -o "$B_TMP/strata.prisma" -- "$STRATA" db pull --print --url "$URL"
s_ms=$B_WALL s_cpu=$B_CPU s_kb=$B_RSS
[ "$B_RC" = 0 ] || echo "   (strata db pull failed, exit $B_RC)"
p_ms=- p_cpu=- p_kb=-
if bench_oracle; then
	mkdir -p "$B_TMP/pp"
	printf 'datasource db {\n  provider = "postgresql"\n}\n' >"$B_TMP/pp/schema.prisma"
	printf 'export default { schema: "%s", datasource: { url: "%s" } }\n' \
		"$B_TMP/pp/schema.prisma" "$URL" >"$B_TMP/pp/prisma.config.mjs"
	PRISMA_REF_PORT=$B_PGPORT bench_run 1 -o "$B_TMP/prisma.prisma" -- \
		bash "$STRATA_ORACLE/prisma" db pull --print --config "$B_TMP/pp/prisma.config.mjs"
	if [ "$B_RC" = 0 ]; then
		p_ms=$B_WALL p_cpu=$B_CPU p_kb=$B_RSS
	else
		echo "   (prisma db pull failed, exit $B_RC)"
	fi
fi
bench_row_m "db pull --print, $TABLES tables" "$s_ms" "$s_cpu" "$s_kb" prisma "$p_ms" "$p_cpu" "$p_kb"
models=$(grep -c '^model ' "$B_TMP/strata.prisma" 2>/dev/null)
echo "   (strata wrote $models models; under 300 ms wanted: $(awk -v t="$s_ms" 'BEGIN { print (t + 0 < 300) ? "yes" : "no" }'))"

# ---- migrate dev on a large corpus history
M="$STRATA_CORPUS/$DEV_ENTRY/migrations"
if [ ! -d "$M" ]; then
	echo "   (corpus entry $DEV_ENTRY not found: no migrate dev row)"
	exit 0
fi
P="$B_TMP/dev/prisma"
mkdir -p "$P"
cp -r "$M" "$P/"
cp "$STRATA_CORPUS/$DEV_ENTRY/schema.prisma" "$P/schema.prisma"
bench_psql -d postgres -c "CREATE DATABASE bench_dev" >/dev/null
DURL="$B_URL_BASE/bench_dev"
"$STRATA" migrate deploy --url "$DURL" --schema "$P/schema.prisma" --migrations "$P/migrations" >/dev/null 2>&1 ||
	echo "   (deploy of $DEV_ENTRY failed)"
count=$(ls -d "$M"/*/ | wc -l)
bench_run 3 -o "$B_TMP/dev.out" -- "$STRATA" migrate dev --url "$DURL" --schema "$P/schema.prisma" \
	--migrations "$P/migrations" --create-only --name bench
d_ms=$B_WALL d_cpu=$B_CPU d_kb=$B_RSS
rm -rf "$P"/migrations/*_bench
bench_row_m "migrate dev, $DEV_ENTRY ($count migrations)" "$d_ms" "$d_cpu" "$d_kb"
