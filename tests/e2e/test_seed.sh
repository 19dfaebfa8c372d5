#!/bin/sh
# test_seed.sh - `strata db seed`: SQL seeds (one transaction, ${VAR}
# substitution as quoted literals, errors pointing into the file), named
# seeds, seed commands from package.json (DATABASE_URL, -- ARGS, exit codes).
. "$(dirname "$0")/../lib.sh"
t_need_pg

t_db strata_seed_e2e
URL=$T_URL
P=$T_TMP/app
mkdir -p "$P/prisma/seeds"
cat >"$P/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
}

model Note {
  id   Int    @id @default(autoincrement())
  body String
}
EOF
t_psql strata_seed_e2e 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL UNIQUE)' >/dev/null
notes() { t_psql strata_seed_e2e 'SELECT count(*) FROM notes'; }
seed() { (cd "$P" && DATABASE_URL=$URL "$STRATA" db seed "$@"); }

# --- a plain SQL seed --------------------------------------------------
cat >"$P/prisma/seed.sql" <<'EOF'
-- a comment with ${NOT_A_VARIABLE}
INSERT INTO notes (body) VALUES ('first'), ('second') ON CONFLICT DO NOTHING;
INSERT INTO notes (body) VALUES ('${STAYS_AS_WRITTEN}') ON CONFLICT DO NOTHING;
INSERT INTO notes (body) VALUES (${SEED_NOTE:-the default}) ON CONFLICT DO NOTHING;
EOF
t_run 0 seed
t_ok "db seed runs prisma/seed.sql"
t_stdout_has "Running seed prisma/seed.sql"
t_stdout_has "The seed has been applied (3 statements, one transaction)"
t_check "the seed inserted four rows" [ "$(notes)" = 4 ]
t_check "\${VAR:-default} uses the default when VAR is unset" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'the default'")" = 1 ]
t_check "references inside string literals stay as written" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = '\${STAYS_AS_WRITTEN}'")" = 1 ]
t_run 0 seed
t_check "re-running an idempotent seed adds nothing" [ "$(notes)" = 4 ]

# --- values are literals, never SQL --------------------------------------
EVIL="x'); DROP TABLE notes; --"
(cd "$P" && DATABASE_URL=$URL SEED_NOTE="$EVIL" "$STRATA" db seed) >"$T_OUT" 2>"$T_ERR"
t_check "a value with quotes is inserted verbatim" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'x''); DROP TABLE notes; --'")" = 1 ]
t_check "the table survived the quote in the value" [ "$(notes)" = 5 ]
(cd "$P" && DATABASE_URL=$URL SEED_NOTE="back\\slash \$\$ and 'quotes'" "$STRATA" db seed) >"$T_OUT" 2>"$T_ERR"
t_check "a value with a backslash, dollars and quotes is inserted verbatim" \
	[ "$(t_psql strata_seed_e2e 'SELECT count(*) FROM notes WHERE body = $v$back\slash $$ and '"'quotes'"'$v$')" = 1 ]

# the password of the URL is never printed (trust auth ignores it)
PWURL="postgresql://postgres:hunter2secret@$T_PGHOST:$STRATA_TEST_PGPORT/strata_seed_e2e"
(cd "$P" && DATABASE_URL=$PWURL "$STRATA" db seed) >"$T_OUT" 2>"$T_ERR"
t_stdout_has "postgresql://postgres:****@" "the URL is shown redacted"
t_stdout_lacks "hunter2secret" "the password is not on stdout"
t_stderr_lacks "hunter2secret" "the password is not on stderr"

# a variable from .env beside the working directory
printf 'SEED_NOTE=from dot env\n' >"$P/.env"
t_run 0 seed
t_check "variables are read from .env too" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'from dot env'")" = 1 ]
rm -f "$P/.env"

# --- dollar-quoted bodies ----------------------------------------------
cat >"$P/prisma/seed.sql" <<'EOF'
DO $$
BEGIN
    INSERT INTO notes (body) VALUES (${DO_NOTE:-from a do block}) ON CONFLICT DO NOTHING;
END
$$;
EOF
t_run 0 seed
t_ok "a seed with a DO block runs"
t_check "references inside a DO body are substituted" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'from a do block'")" = 1 ]
(cd "$P" && DATABASE_URL=$URL DO_NOTE='a $$ b' "$STRATA" db seed) >"$T_OUT" 2>"$T_ERR"
T_RC=$?
t_check "a value that would end the \$\$ body is refused" [ "$T_RC" -eq 1 ]
t_stderr_has 'the value of seed variable "DO_NOTE" contains $$'

# --- unset variable, malformed reference ---------------------------------
before=$(notes)
printf "INSERT INTO notes (body) VALUES ('ok');\nINSERT INTO notes (body) VALUES (\${SEED_REQUIRED});\n" >"$P/prisma/seed.sql"
t_run 1 seed
t_ok "an unset \${VAR} without default fails"
t_stderr_has 'seed variable "SEED_REQUIRED" is not set'
t_stderr_has 'prisma/seed.sql uses ${SEED_REQUIRED} at line 2'
t_check "nothing ran" [ "$(notes)" = "$before" ]
printf 'INSERT INTO notes (body) VALUES (${BROKEN);\n' >"$P/prisma/seed.sql"
t_run 1 seed
t_stderr_has "malformed variable reference" "a malformed reference is reported"

# --- a failing seed leaves nothing behind --------------------------------
cat >"$P/prisma/seed.sql" <<'EOF'
INSERT INTO notes (body) VALUES ('rolled back 1');
INSERT INTO notes (body) VALUES ('rolled back 2');

INSERT INTO no_such_table (x) VALUES (1);
EOF
t_run 1 seed
t_ok "a failing SQL seed exits 1"
t_stderr_has 'relation "no_such_table" does not exist' "the database error is shown"
t_stderr_has "prisma/seed.sql at line 4, column 13" "the error points into the file"
t_stderr_has "nothing was changed"
t_check "a failing seed leaves nothing behind" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body LIKE 'rolled back%'")" = 0 ]

printf "INSERT INTO notes (body) VALUES ('committed?');\nCOMMIT;\n" >"$P/prisma/seed.sql"
t_run 1 seed
t_ok "a seed with COMMIT is refused"
t_stderr_has "contains a transaction statement (COMMIT) at line 2"
t_check "nothing of it ran" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'committed?'")" = 0 ]

# --- named seeds -----------------------------------------------------------
printf "INSERT INTO notes (body) VALUES ('named') ON CONFLICT DO NOTHING;\n" >"$P/prisma/seeds/extra.sql"
printf "SELECT 1;\n" >"$P/prisma/seeds/other.sql"
t_run 0 seed --name extra
t_ok "db seed --name runs seeds/NAME.sql"
t_stdout_has "Running seed prisma/seeds/extra.sql"
t_check "the named seed ran" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'named'")" = 1 ]
t_run 1 seed --name missing
t_ok "an unknown named seed fails"
t_stderr_has 'seed "missing" not found'
t_stderr_has "Named seeds here: extra, other."
t_run 2 seed --name ../x
t_ok "a seed name with a slash is a usage error"

# --- no database configured --------------------------------------------------
t_run 1 sh -c "cd '$P' && unset DATABASE_URL && '$STRATA' db seed --name extra"
t_ok "an SQL seed without a database fails"
t_stderr_has "strata db start" "the error says how to start a local database"
t_stderr_has "DATABASE_URL" "the error says how to set DATABASE_URL"

# --- seed commands (package.json) --------------------------------------------
cat >"$P/package.json" <<'EOF'
{
  "name": "app",
  "prisma": { "seed": "sh ./seed.sh" }
}
EOF
cat >"$P/seed.sh" <<'EOF'
printf '%s\n' "$DATABASE_URL" >seed-url.txt
for a in "$@"; do printf '<%s>\n' "$a"; done >seed-args.txt
exit "${SEED_EXIT:-0}"
EOF
t_run 0 seed -- --env staging "two words" "it's"
t_ok "the package.json seed command runs"
t_stdout_has 'Running seed command `sh ./seed.sh` ...'
t_stdout_has "The seed command has been executed."
t_check "it gets DATABASE_URL" [ "$(cat "$P/seed-url.txt")" = "$URL" ]
printf '<--env>\n<staging>\n<two words>\n<it'"'"'s>\n' >"$T_TMP/args.expected"
t_same_file "arguments after -- reach the command unchanged" "$T_TMP/args.expected" "$P/seed-args.txt"
t_check "a seed command takes precedence over seed.sql" \
	[ "$(t_psql strata_seed_e2e "SELECT count(*) FROM notes WHERE body = 'committed?'")" = 0 ]
(cd "$P" && DATABASE_URL=$URL SEED_EXIT=3 "$STRATA" db seed) >"$T_OUT" 2>"$T_ERR"
T_RC=$?
t_check "a failing seed command makes db seed exit 1" [ "$T_RC" -eq 1 ]
t_stderr_has 'An error occurred while running the seed command:'
t_stderr_has 'exited with code 3'

# --- nothing configured ------------------------------------------------------
rm -f "$P/package.json" "$P/prisma/seed.sql"
t_run 0 seed
t_ok "db seed with no seed configured exits 0 (as Prisma)"
t_stderr_has "no seed is configured"

t_done
