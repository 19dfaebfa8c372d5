#!/bin/sh
# test_db_pull.sh - `strata db pull`: re-introspecting a database made
# from a schema gives that schema back byte for byte (names chosen with
# @map and relation field names kept); a hand-made database with names the
# schema language cannot use, CHECK constraints, comments, expression
# indexes and views gives a schema that validates and that the database
# already matches (db push finds nothing to do); an empty database is
# P4001; a few deployed corpus projects pull into schemas that validate
# and match their database.
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
cp "$FIX/steps/10-tags_m2m.prisma" prisma/schema.prisma
t_run 0 "$STRATA" db push
t_ok "setup: db push"
t_run 0 "$STRATA" db pull --print
t_ok "db pull --print"
t_same_file "re-introspection gives the schema back" prisma/schema.prisma "$T_OUT"
t_stderr_has 'Datasource "db"' "--print: messages on stderr only"
echo "// old" >>prisma/schema.prisma
t_run 0 "$STRATA" db pull
t_ok "db pull writes the schema file"
t_stdout_has "Introspected 3 models and wrote them into prisma/schema.prisma"
t_same_file "written file is the formatted schema" "$FIX/steps/10-tags_m2m.prisma" prisma/schema.prisma

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
t_stdout_has '/// People who buy things' "table comment kept"
t_stdout_has 'check constraints' "check constraint noted"
t_stdout_has 'expression index' "expression index noted"
t_stdout_has '@@ignore' "table without a unique identifier ignored"
t_stdout_has '@default(dbgenerated("gen_random_uuid()")) @db.Uuid' "database default kept"
t_stdout_has 'ops: raw("jsonb_path_ops")' "operator class kept"
t_run 0 "$STRATA" validate --schema hand.prisma
t_ok "the pulled schema validates"
t_run 0 "$STRATA" db push --schema hand.prisma --url "$HAND_URL"
t_ok "db push of the pulled schema"
t_stdout_has "already in sync" "the database already matches the pulled schema"

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
