#!/bin/sh
# test_project_config.sh - where commands find the schema, the migrations
# and the database URL: Prisma's schema search order, package.json,
# prisma.config.ts shapes read statically, .env precedence, errors.
. "$(dirname "$0")/../lib.sh"
t_need_pg

t_db "strata_e2e_cfg_$$"
GOOD=$T_URL
BAD="postgresql://postgres@127.0.0.1:1/unreachable"
ds='datasource db {\n  provider = "postgresql"\n}\n'
status() { # status DIR [args]: `migrate status --json` run in DIR
	d=$1
	shift
	(cd "$d" && env -u DATABASE_URL "$STRATA" migrate status --json "$@" >"$T_OUT" 2>"$T_ERR" </dev/null)
	T_RC=$?
}
has() { grep -qF -- "$1" "$T_OUT"; }

# ---- schema search order
A="$T_TMP/a"
mkdir -p "$A/prisma/schema/models" "$A/prisma/schema/migrations/1_x"
printf "$ds" >"$A/prisma/schema/main.prisma"
printf 'model M {\n  id Int @id\n}\n' >"$A/prisma/schema/models/m.prisma"
echo 'SELECT 1;' >"$A/prisma/schema/migrations/1_x/migration.sql"
status "$A" --url "$GOOD"
t_check "schema folder prisma/schema/ found; migrations inside it" has '"migrations_dir": "prisma/schema/migrations"'
printf "$ds" >"$A/schema.prisma"
status "$A" --url "$GOOD"
t_check "./schema.prisma wins over prisma/schema/" has '"migrations_dir": "migrations"'
mkdir -p "$A/prisma"
printf "$ds" >"$A/prisma/schema.prisma"
status "$A" --url "$GOOD"
t_check "./prisma/schema.prisma wins over ./schema.prisma" has '"migrations_dir": "prisma/migrations"'
mkdir -p "$A/custom"
printf "$ds" >"$A/custom/app.prisma"
echo '{ "name": "x", "prisma": { "schema": "custom/app.prisma", "seed": "node seed.js" } }' >"$A/package.json"
status "$A" --url "$GOOD"
t_check "package.json prisma.schema wins over the defaults" has '"migrations_dir": "custom/migrations"'
status "$A" --url "$GOOD" --schema prisma/schema
t_check "--schema wins over everything" has '"migrations_dir": "prisma/schema/migrations"'
status "$A" --url "$GOOD" --schema nope.prisma
t_check "--schema to a missing file exits 1" [ "$T_RC" -eq 1 ]
t_check "and names the file" grep -q 'nope.prisma' "$T_OUT"

# ---- prisma.config.ts shapes
C="$T_TMP/c"
mkdir -p "$C/db"
printf "$ds" >"$C/db/s.prisma"
cat >"$C/prisma.config.ts" <<'EOF2'
import type { PrismaConfig } from "prisma";

/* a block comment with defineConfig( in it */
export default {
  schema: 'db/s.prisma',
  migrations: { path: `db/mig` },
  datasource: {
    url: process.env["NOT_SET_X"] ?? process.env.CFG_URL_2,
  },
} satisfies PrismaConfig;
EOF2
(cd "$C" && CFG_URL_2=$GOOD "$STRATA" migrate status --json >"$T_OUT" 2>"$T_ERR")
T_RC=$?
t_check "export default {...} satisfies, ?? fallback, process.env[\"X\"]" has '"migrations_dir": "db/mig"'
t_check "the config's url is used" has "\"database\": \"strata_e2e_cfg_$$\""
cat >"$C/other.config.ts" <<'EOF2'
import { defineConfig } from "prisma/config";
const base = "db";
export default defineConfig({
  schema: base + "/s.prisma",
});
EOF2
status "$C" --config other.config.ts --url "$GOOD"
t_check "a computed schema is an error (exit 1)" [ "$T_RC" -eq 1 ]
t_check "naming the key" grep -q 'cannot read \\"schema\\"' "$T_OUT"
t_check "and the flag to use" grep -q 'Pass --schema PATH' "$T_OUT"
status "$C" --config other.config.ts --url "$GOOD" --schema db/s.prisma
t_check "--schema replaces a computed schema" [ "$T_RC" -eq 1 ] && has '"state": "not_managed"'
status "$C" --config missing.config.ts --url "$GOOD"
t_check "--config to a missing file exits 1" [ "$T_RC" -eq 1 ]

# ---- .env: beside the schema before the working directory; environment first
E="$T_TMP/e"
mkdir -p "$E/prisma"
printf 'datasource db {\n  provider = "postgresql"\n  url = env("E_URL")\n}\n' >"$E/prisma/schema.prisma"
echo "E_URL=$GOOD" >"$E/prisma/.env"
echo "E_URL=$BAD" >"$E/.env"
status "$E"
t_check ".env beside the schema wins over ./.env" has "\"database\": \"strata_e2e_cfg_$$\""
(cd "$E" && E_URL=$BAD "$STRATA" migrate status --json >"$T_OUT" 2>"$T_ERR")
t_check "the environment wins over .env files" grep -q "P1001" "$T_OUT"
rm "$E/prisma/.env"
printf '# comment\nexport OTHER=1\nHOST_PART="127.0.0.1:%s"\nE_URL="postgresql://postgres@${HOST_PART}/strata_e2e_cfg_%s" # trailing\n' "$STRATA_TEST_PGPORT" "$$" >"$E/.env"
status "$E"
t_check ".env with export, quotes, comments and \${VAR} expansion" has "\"database\": \"strata_e2e_cfg_$$\""
printf 'LOOP_A=${LOOP_B}a\nLOOP_B=${LOOP_A}b\nSELF=${SELF}x\nE_URL="postgresql://postgres@${HOST_PART}/strata_e2e_cfg_%s?application_name=${LOOP_A}${SELF}"\nHOST_PART="127.0.0.1:%s"\n' "$$" "$STRATA_TEST_PGPORT" >"$E/.env"
status "$E"
t_check ".env with self-referencing and cyclic \${VAR} does not crash" [ "$T_RC" -le 1 ]
t_check "and the other references still expand" has "\"database\": \"strata_e2e_cfg_$$\""
printf 'datasource db {\n  provider  = "postgresql"\n  url       = env("POOL_URL")\n  directUrl = env("DIRECT_URL")\n}\n' >"$E/prisma/schema.prisma"
(cd "$E" && POOL_URL=$BAD DIRECT_URL=$GOOD "$STRATA" migrate status --json >"$T_OUT" 2>"$T_ERR")
t_check "directUrl is used for migrations when set (as Prisma Migrate does)" has "\"database\": \"strata_e2e_cfg_$$\""
printf 'datasource db {\n  provider = "postgresql"\n  url = env("E_URL")\n}\n' >"$E/prisma/schema.prisma"
rm "$E/.env"
status "$E"
t_check "an unset env() url exits 1" [ "$T_RC" -eq 1 ]
t_check "and names the variable" grep -q 'E_URL' "$T_OUT"

psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d postgres \
	-c "DROP DATABASE IF EXISTS \"strata_e2e_cfg_$$\" WITH (FORCE)" >/dev/null 2>&1
t_done
