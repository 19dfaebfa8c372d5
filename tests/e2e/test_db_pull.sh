#!/bin/sh
# test_db_pull.sh - `strata db pull`: re-introspecting a database made
# from a schema gives that schema back (names chosen with @map and
# relation field names kept; enums after the models, as Prisma writes
# them); a hand-made database with names the
# schema language cannot use, CHECK constraints, comments, expression
# indexes and views gives a schema that validates and that the database
# already matches (db push finds nothing to do); an empty database is
# P4001; pulls of a few databases equal Prisma's byte for byte (comments
# in a non-public schema, a multi-schema datasource, partitioned tables,
# names alike in two schemas, relations to ignored models, sanitized
# names and operator classes, the order of a re-pull, check constraints,
# partial indexes, views, an implicit many-to-many relation pulled
# again), its messages and warnings too, with and without --print; an
# existing schema that does not validate is refused (P1012) unless
# --force; a few deployed
# corpus projects pull into schemas that validate and match their
# database.
. "$(dirname "$0")/../lib.sh"
t_need_pg

FIX="$T_ROOT/tests/fixtures/dev-session"
P="$T_TMP/proj"
mkdir -p "$P/prisma"
DB=strata_e2e_pull_$$
t_db "$DB"
export DATABASE_URL="$T_URL"
cd "$P" || exit 1

# ==== round trip of a schema ====
# Prisma writes the enums after the models (the file has enum Role first),
# names the implicit many-to-many relation already in the file on both
# sides (@relation("PostToTag")), and --print's output ends with two more
# newlines.
cp "$FIX/steps/10-tags_m2m.prisma" prisma/schema.prisma
awk '/^enum Role/ { e = 1 } e { held = held $0 "\n"; if ($0 == "") e = 0; next }
	{ print } END { printf "\n%s", held }' "$FIX/steps/10-tags_m2m.prisma" |
	sed -e '$d' -e 's/^  tags      Tag\[\]$/&    @relation("PostToTag")/' \
	    -e 's/^  posts Post\[\]$/& @relation("PostToTag")/' >round-trip.prisma
t_run 0 "$STRATA" db push
t_ok "setup: db push"
t_run 0 "$STRATA" db pull --print
t_ok "db pull --print"
printf '\n\n' >>round-trip.prisma
t_same_file "re-introspection gives the schema back" round-trip.prisma "$T_OUT"
t_stderr_lacks 'Datasource "db"' "--print: no messages (Prisma)"
t_stderr_has 'Model: "User", field: "fullName"' "--print: the @map kept is a warning on stderr"
sed -i '$d' round-trip.prisma
sed -i '$d' round-trip.prisma
echo "// old" >>prisma/schema.prisma
t_run 0 "$STRATA" db pull
t_ok "db pull writes the schema file"
t_stdout_has "Introspected 3 models and wrote them into prisma/schema.prisma"
t_same_file "written file is the formatted schema" round-trip.prisma prisma/schema.prisma

# ==== a hand-made database ====
t_db "${DB}_hand"
HAND_URL=$T_URL
t_psql "${DB}_hand" '
CREATE TYPE "order status" AS ENUM ($$new$$, $$in-progress$$);
CREATE TABLE customer (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email varchar(200) NOT NULL UNIQUE,
  created timestamptz NOT NULL DEFAULT now(), score numeric(8,2) DEFAULT 0, tags text[] NOT NULL DEFAULT $${}$$,
  CHECK (score >= 0));
COMMENT ON TABLE customer IS $$People who buy things$$;
COMMENT ON COLUMN customer.email IS $$Where receipts go$$;
CREATE TABLE "order-items" (id bigserial PRIMARY KEY, "2fa" boolean NOT NULL DEFAULT false,
  customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  status "order status" NOT NULL DEFAULT $$new$$, payload jsonb);
CREATE INDEX items_payload ON "order-items" USING gin (payload jsonb_path_ops);
CREATE INDEX customer_lower_email ON customer (lower(email));
CREATE TABLE log (at timestamp(6) NOT NULL, msg text);
CREATE VIEW recent AS SELECT * FROM customer;' >/dev/null
t_run 0 "$STRATA" db pull --print --url "$HAND_URL"
t_ok "db pull of a hand-made database"
cp "$T_OUT" hand.prisma
t_stdout_has '@@map("order-items")' "invalid table name mapped"
t_stdout_has '@map("2fa")' "invalid column name mapped"
t_stdout_has '/// This model or at least one of its fields has comments in the database' \
	"commented table noted (Prisma does not pull the comment text)"
t_stdout_lacks 'People who buy things' "comment text not pulled"
t_stdout_lacks 'Where receipts go' "column comment text not pulled"
t_stdout_has 'check constraints' "check constraint noted"
t_stdout_has 'expression index' "expression index noted"
t_stdout_has '@@ignore' "table without a unique identifier ignored"
t_stdout_has '@default(dbgenerated("gen_random_uuid()")) @db.Uuid' "database default kept"
t_stdout_has 'ops: JsonbPathOps' "operator class kept"
t_run 0 "$STRATA" validate --schema hand.prisma
t_ok "the pulled schema validates"
t_run 0 "$STRATA" db push --schema hand.prisma --url "$HAND_URL"
t_ok "db push of the pulled schema"
t_stdout_has "already in sync" "the database already matches the pulled schema"

# ==== pulls compared with Prisma's (tests/fixtures/pull/*/) ====
# expected.prisma is what Prisma 7.10's `db pull` wrote into schema.prisma
# for a database made by setup.sql; a second pull must leave it unchanged.
#   comments-schema: comments on a table, a column and an enum in a
#     non-public schema, pulled with ?schema=shop (the comment notes were
#     looked up under "public" and never found).
#   multischema-public: `schemas = ["other", "public"]` pulls the tables
#     of both (public's were left out because no model used it yet).
for c in comments-schema multischema-public; do
	F="$T_ROOT/tests/fixtures/pull/$c"
	t_db "${DB}_fx"
	U=$T_URL
	[ "$c" = comments-schema ] && U="$U?schema=shop"
	t_psql "${DB}_fx" "$(cat "$F/setup.sql")" >/dev/null
	cp "$F/schema.prisma" "$c.prisma"
	t_run 0 "$STRATA" db pull --schema "$c.prisma" --url "$U"
	t_ok "$c: db pull"
	t_same_file "$c: the pulled schema is Prisma's" "$F/expected.prisma" "$c.prisma"
	t_run 0 "$STRATA" db pull --schema "$c.prisma" --url "$U"
	t_ok "$c: db pull again"
	t_same_file "$c: re-introspection keeps it" "$F/expected.prisma" "$c.prisma"
	t_psql postgres "DROP DATABASE IF EXISTS \"${DB}_fx\" WITH (FORCE)" >/dev/null
done
t_stdout_has 'schemas "other, public"' "multischema-public: the schemas are named"

# ==== pulls, messages and warnings compared with Prisma's ====
# tests/fixtures/pull/*/: gen-expected.sh wrote expected.prisma,
# expected.stdout/.stderr (`prisma db pull`) and print.stdout/.stderr
# (`--print`) with Prisma 7.10, for a database made by setup.sql and the
# schema file schema.prisma.  The time and the database's name and
# address in the messages are normalized.
#   partition-tables: only a partitioned table that has partitions gets
#     the partition note and warning.
#   multischema-duplicates: a table and an enum named alike in two
#     schemas become other_thing/public_thing (@@map("thing")), relation
#     fields named after the table.
#   ignored-relation: relation fields to an ignored model get @ignore.
#   sanitized-names: Prisma's sanitizing (leading non-letters dropped,
#     others '_', empty names commented out, EMPTY_ENUM_VALUE) and named
#     operator classes (ops: JsonbPathOps).
#   repull-order: re-introspection writes the models (existing, then
#     new), then the enums (likewise), and warns about the kept @map.
#   check-constraints: their names in the warnings, among the others.
#   deferrable-keys: deferrable primary keys and unique constraints (not
#     only foreign keys) get the deferring note and warning.
#   partial-index, partial-unique: `where: raw("...")` on @@index,
#     @unique and @@unique, and the partialIndexes preview feature added
#     to the generator (a new line, or at the end of its list).
#   views: not pulled, and not mentioned either.
#   m2m-repull: an implicit many-to-many relation is named on both
#     sides once it is in the file.
# A second pull gives expected-again.prisma where Prisma's differs from
# expected.prisma (it drops the @ignore of a back relation to a model
# already @@ignore'd; it names the many-to-many relation);
# sanitized-names is not pulled again (below: its pulled schema does not
# validate).  partial-unique is, but its previewFeatures line is left out
# of the comparison: Prisma rewrites the list sorted when it already holds
# "partialIndexes" (["partialIndexes", "views"]), strata's pull keeps it as
# written.
norm() {
	sed -e 's/ in [0-9]*ms$/ in Nms/' \
	    -e 's/PostgreSQL database "[^"]*"/PostgreSQL database "DB"/' \
	    -e 's/" at "[^"]*"$/" at "HOST"/' "$1" >"$1.norm"
}
for c in partition-tables multischema-duplicates ignored-relation sanitized-names \
	repull-order check-constraints deferrable-keys partial-index partial-unique views \
	m2m-repull; do
	F="$T_ROOT/tests/fixtures/pull/$c"
	t_db "${DB}_fx"
	t_psql "${DB}_fx" "$(cat "$F/setup.sql")" >/dev/null
	mkdir -p "fx-$c"
	cp "$F/schema.prisma" "fx-$c/schema.prisma"
	t_run 0 sh -c 'cd "$0" && exec "$1" db pull --print --url "$2"' "fx-$c" "$STRATA" "$T_URL"
	t_ok "$c: db pull --print"
	t_same_file "$c: --print output is Prisma's" "$F/print.stdout" "$T_OUT"
	t_same_file "$c: --print warnings are Prisma's" "$F/print.stderr" "$T_ERR"
	t_run 0 sh -c 'cd "$0" && exec "$1" db pull --url "$2"' "fx-$c" "$STRATA" "$T_URL"
	t_ok "$c: db pull"
	t_same_file "$c: the pulled schema is Prisma's" "$F/expected.prisma" "fx-$c/schema.prisma"
	norm "$T_OUT"
	t_same_file "$c: the messages are Prisma's" "$F/expected.stdout" "$T_OUT.norm"
	t_same_file "$c: stderr is Prisma's" "$F/expected.stderr" "$T_ERR"
	if [ "$c" = sanitized-names ]; then
		# two fields `x`: the pulled schema does not validate, and
		# Prisma refuses to pull into it (P1012; its stdout below),
		# but not with --force
		printf '%s\n' '- Introspecting based on datasource defined in schema.prisma' \
			'✖ Introspecting based on datasource defined in schema.prisma' '' >fail.stdout
		cp "fx-$c/schema.prisma" invalid.prisma
		t_run 1 sh -c 'cd "$0" && exec "$1" db pull --url "$2"' "fx-$c" "$STRATA" "$T_URL"
		t_ok "$c: db pull into the invalid schema: error"
		sed '1,2d' "$T_OUT" >"$T_OUT.tail"
		t_same_file "$c: its messages are Prisma's" fail.stdout "$T_OUT.tail"
		t_stderr_has "P1012: Introspection failed as your current Prisma schema file is invalid"
		t_stderr_has "Or run this command with the --force flag"
		t_same_file "$c: the invalid file is left alone" invalid.prisma "fx-$c/schema.prisma"
		t_run 1 sh -c 'cd "$0" && exec "$1" db pull --print --url "$2"' "fx-$c" "$STRATA" "$T_URL"
		t_ok "$c: db pull --print: error"
		printf '\n' >fail.stdout
		t_same_file "$c: --print writes a newline only (Prisma)" fail.stdout "$T_OUT"
		t_stderr_has "P1012"
		t_run 0 sh -c 'cd "$0" && exec "$1" db pull --force --url "$2"' "fx-$c" "$STRATA" "$T_URL"
		t_ok "$c: db pull --force pulls all the same"
		t_same_file "$c: --force gives Prisma's" "$F/expected.prisma" "fx-$c/schema.prisma"
	else
		again=$F/expected.prisma
		[ -f "$F/expected-again.prisma" ] && again=$F/expected-again.prisma
		t_run 0 sh -c 'cd "$0" && exec "$1" db pull --url "$2"' "fx-$c" "$STRATA" "$T_URL"
		t_ok "$c: db pull again"
		if [ "$c" = partial-unique ]; then
			grep -v previewFeatures "$again" >again.want
			grep -v previewFeatures "fx-$c/schema.prisma" >again.got
			t_same_file "$c: re-introspection gives Prisma's (but the previewFeatures order)" again.want again.got
		else
			t_same_file "$c: re-introspection gives Prisma's" "$again" "fx-$c/schema.prisma"
		fi
	fi
	if [ "$c" = partial-index ] || [ "$c" = partial-unique ]; then
		t_run 0 "$STRATA" validate --schema "fx-$c/schema.prisma"
		t_ok "$c: the pulled schema validates"
		t_run 0 "$STRATA" db push --schema "fx-$c/schema.prisma" --url "$T_URL"
		t_ok "$c: db push of the pulled schema"
		t_stdout_has "already in sync" "$c: the database already matches it"
	fi
	t_psql postgres "DROP DATABASE IF EXISTS \"${DB}_fx\" WITH (FORCE)" >/dev/null
done

# ==== empty database ====
t_db "${DB}_empty"
t_run 1 "$STRATA" db pull --print --url "$T_URL"
t_ok "empty database: error"
t_stderr_has "P4001"

# ==== deployed corpus projects ====
for n in umami ghostfolio; do
	src="$STRATA_CORPUS/$n"
	if [ ! -d "$src/migrations" ]; then
		t_skip "corpus $n" "corpus not found at $STRATA_CORPUS"
		continue
	fi
	t_db "${DB}_$n"
	U=$T_URL
	t_run 0 "$STRATA" migrate deploy --migrations "$src/migrations" --url "$U" --schema "$src/schema.prisma"
	t_ok "corpus $n: deployed"
	t_run 0 "$STRATA" db pull --print --url "$U" --schema "$src/schema.prisma"
	t_ok "corpus $n: pulled"
	cp "$T_OUT" "$n.prisma"
	t_run 0 "$STRATA" validate --schema "$n.prisma"
	t_ok "corpus $n: pulled schema validates"
	t_run 0 "$STRATA" db push --schema "$n.prisma" --url "$U"
	t_ok "corpus $n: db push of the pulled schema"
	t_stdout_has "already in sync" "corpus $n: the database matches the pulled schema"
	t_psql postgres "DROP DATABASE IF EXISTS \"${DB}_$n\" WITH (FORCE)" >/dev/null
done

for d in "$DB" "${DB}_hand" "${DB}_empty"; do
	t_psql postgres "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null
done
t_done
