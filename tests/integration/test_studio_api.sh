#!/bin/sh
# test_studio_api.sh - `strata db studio`'s JSON API against a real
# database: access control (token, Host, Origin), tables and relations,
# keyset pagination with sort and NULLs, filters, inserts, edits and
# deletes with hostile names and values (quotes, unicode, huge text,
# bytea, NULL vs empty string), database errors as JSON, read-only mode,
# and the _prisma_migrations view with `migrate status`.
. "$(dirname "$0")/../lib.sh"
t_need_pg
for tool in curl jq; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "ok - studio API # SKIP $tool is not installed (make deps)"
		exit 0
	fi
done
HERE=$(cd "$(dirname "$0")" && pwd)
DB=strata_studio_api_$$
t_db "$DB"
psql -X -q -h "$T_PGHOST" -p "$STRATA_TEST_PGPORT" -U postgres -d "$DB" \
	-v ON_ERROR_STOP=1 -f "$HERE/studio_hostile.sql" >/dev/null
HOSTILE='we"ird; DROP TABLE users;--'
HOSTILE_Q=$(printf '%s' "$HOSTILE" | jq -sRr @uri)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T_TMP"' EXIT

# start_studio NAME args...: runs the studio on a free port; sets BASE, TOKEN, PORT
start_studio() {
	n=$1
	shift
	"$STRATA" db studio --port 0 --no-open "$@" >"$T_TMP/$n.out" 2>"$T_TMP/$n.err" &
	PIDS="$PIDS $!"
	i=0
	while [ $i -lt 100 ] && ! grep -q 'running at' "$T_TMP/$n.out" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	url=$(sed -n 's/.*running at //p' "$T_TMP/$n.out")
	BASE=${url%%/\?token=*}
	TOKEN=${url##*token=}
	PORT=${BASE##*:}
}

# req METHOD PATH [BODY] [curl args...]: sets STATUS, body in $T_TMP/body
req() {
	m=$1
	p=$2
	shift 2
	b=""
	if [ $# -gt 0 ]; then
		b=$1
		shift
	fi
	if [ -n "$b" ]; then
		STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X "$m" \
			-H "X-Strata-Token: $TOKEN" -H 'Content-Type: application/json' \
			--data-binary "$b" "$@" "$BASE$p")
	else
		STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X "$m" \
			-H "X-Strata-Token: $TOKEN" "$@" "$BASE$p")
	fi
}
# j FILTER: jq -r over the last body
j() { jq -r "$1" "$T_TMP/body"; }
# is NAME EXPECTED ACTUAL
is() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1"
		t_diag "expected: $(printf '%s' "$2" | head -c 300)" "actual:   $(printf '%s' "$3" | head -c 300)"
		t_diag "body: $(head -c 400 "$T_TMP/body")"
	fi
}
q() { t_psql "$DB" "$1"; }

start_studio main --url "$T_URL"
is "the studio prints its URL with a 64-hex-digit token" 64 "${#TOKEN}"

# ==== access control ====
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' "$BASE/api/tables")
is "an API request without the token is refused (401)" 401 "$STATUS"
# a token that differs from the real one in its last digit
case "$TOKEN" in *0) WRONG="${TOKEN%?}1" ;; *) WRONG="${TOKEN%?}0" ;; esac
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -H "X-Strata-Token: $WRONG" "$BASE/api/tables")
is "an API request with a wrong token is refused (401)" 401 "$STATUS"
req GET /api/tables "" -H "Host: evil.example:$PORT"
is "a foreign Host header is refused (403, DNS rebinding)" 403 "$STATUS"
req GET /api/tables "" -H "Host: 127.0.0.1.evil.example:$PORT"
is "a Host that only starts like loopback is refused" 403 "$STATUS"
req GET /api/tables "" -H "Host: 127.0.0.1:1"
is "a Host with another port is refused" 403 "$STATUS"
req GET /api/tables "" -H "Host: localhost:$PORT"
is "Host localhost:PORT is accepted" 200 "$STATUS"
req GET /api/tables "" -H "Origin: http://evil.example"
is "a request from another origin is refused (403)" 403 "$STATUS"
req PATCH "/api/rows?table=users" '{"key":{"id":1},"set":{"name":"pwned"}}' -H "Origin: http://evil.example"
is "a cross-origin write is refused before it runs" "403 Ada" "$STATUS $(q "SELECT name FROM users WHERE id = 1")"
req GET /api/tables "" -H "Origin: http://127.0.0.1:$PORT"
is "the studio's own origin is accepted" 200 "$STATUS"
head -c 2000000 /dev/zero >"$T_TMP/zeros"
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' --max-time 20 -X POST \
	--data-binary @"$T_TMP/zeros" "$BASE/api/rows?table=users")
is "an unauthenticated body is refused (401) before it is read" 401 "$STATUS"
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' --max-time 20 -X POST \
	-H "X-Strata-Token: $TOKEN" -H "Content-Length: 99999999999" \
	--data-binary x "$BASE/api/rows?table=users")
is "a body announced larger than the limit is refused (413) without waiting for it" 413 "$STATUS"
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -H "Cookie: strata_token=$TOKEN" "$BASE/api/meta")
is "the token cookie authorises API calls" 200 "$STATUS"
curl -s -D "$T_TMP/hdr" -o "$T_TMP/page" "$BASE/?token=$TOKEN"
t_check "the page sets an HttpOnly SameSite=Strict token cookie" \
	grep -qi "^set-cookie: strata_token=$TOKEN; Path=/; HttpOnly; SameSite=Strict" "$T_TMP/hdr"
t_check "the page is served with a restrictive Content-Security-Policy" \
	grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$T_TMP/hdr"
t_check "the page is the embedded studio" grep -q '<title>strata studio</title>' "$T_TMP/page"
curl -s -D "$T_TMP/hdr" -o /dev/null "$BASE/"
t_check "the page without the token sets no cookie" sh -c '! grep -qi "^set-cookie" "$0"' "$T_TMP/hdr"
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -H "Host: evil.example:$PORT" "$BASE/")
is "the page itself is refused under a foreign Host" 403 "$STATUS"
t_run 2 "$STRATA" db studio --url "$T_URL" --host 0.0.0.0 --no-open
t_ok "a non-loopback address without --allow-remote is a usage error"
t_stderr_has "without --allow-remote"
MAIN_BASE=$BASE MAIN_TOKEN=$TOKEN MAIN_PORT=$PORT
start_studio remote --url "$T_URL" --host 0.0.0.0 --allow-remote
t_check "--allow-remote on a non-loopback address warns" \
	grep -q "warning: listening on 0.0.0.0" "$T_TMP/remote.err"
req GET /api/meta "" -H "Host: 10.1.2.3:$PORT"
is "a wildcard bind still refuses Host names it was not given" 403 "$STATUS"
req GET /api/meta
is "a wildcard bind answers on loopback" 200 "$STATUS"
BASE=$MAIN_BASE TOKEN=$MAIN_TOKEN PORT=$MAIN_PORT

# ==== tables, columns, keys, relations ====
req GET /api/tables
is "GET /api/tables lists every table, sorted" \
	"no_pk,orders,pairs,users,$HOSTILE" "$(j '[.tables[].name] | join(",")')"
is "the hostile table's quoted primary key is reported" 'id "quoted"' \
	"$(j ".tables[] | select(.name == \"$(printf '%s' "$HOSTILE" | sed 's/"/\\"/g')\") | .primaryKey[0]")"
is "a table without a primary key is read-only" true "$(j '.tables[] | select(.name == "no_pk") | .readOnly')"
is "estimates come from the catalog (users: 5)" 5 "$(j '.tables[] | select(.name == "users") | .estimate')"
is "foreign keys are reported with their target" "user_id->users.id" \
	"$(j '.tables[] | select(.name == "orders") | .foreignKeys[0] | "\(.columns[0])->\(.refTable).\(.refColumns[0])"')"
is "referencing tables are reported on the target" "orders.user_id" \
	"$(j '.tables[] | select(.name == "users") | .referencedBy[0] | "\(.table).\(.columns[0])"')"
is "enum labels come with the column, quotes intact" 'USER|ADMIN|it'"'"'s "odd"' \
	"$(j '.tables[] | select(.name == "users") | .columns[] | select(.name == "role") | .enum | join("|")')"
is "composite primary keys keep their order" "left_id,right_id" \
	"$(j '.tables[] | select(.name == "pairs") | .primaryKey | join(",")')"
req GET "/api/table?table=$HOSTILE_Q"
is "GET /api/table finds the hostile table by name" '["id \"quoted\"","ünïcødé ✓","bytes","Mixed Case"]' \
	"$(j '[.columns[].name] | tojson')"
req GET "/api/table?table=nope"
is "an unknown table is 404 with a message" '404 table "public"."nope" does not exist' "$STATUS $(j .error.message)"

# ==== pagination and sorting ====
req GET "/api/rows?table=users&limit=2"
is "the first page has limit rows and a cursor" "2 true keyset" "$(j '.rows | length') $(j .hasMore) $(j .mode)"
next=$(j .next)
req GET "/api/rows?table=users&limit=2" "" -G --data-urlencode "after=$next"
is "the next page continues after the cursor" "3,4" "$(j '[.rows[][0]] | join(",")')"
next=$(j .next)
req GET "/api/rows?table=users&limit=2" "" -G --data-urlencode "after=$next"
is "the last page says there is no more" "5 false null" "$(j '[.rows[][0]] | join(",")') $(j .hasMore) $(j .next)"

# walk SORT DIR LIMIT [filters]: every id, page by page, into $T_TMP/walk
walk() {
	: >"$T_TMP/walk"
	after=""
	pages=0
	while :; do
		req GET "/api/rows?table=orders&sort=$1&dir=$2&limit=$3" "" -G \
			--data-urlencode "after=$after" --data-urlencode "filters=${4:-}"
		[ "$STATUS" = 200 ] || { echo "status $STATUS" >>"$T_TMP/walk"; break; }
		j '.rows[][0]' >>"$T_TMP/walk"
		pages=$((pages + 1))
		[ "$(j .hasMore)" = true ] || break
		after=$(j .next)
		[ $pages -lt 100 ] || break
	done
}
walk note desc 7
q "SELECT id FROM orders ORDER BY note DESC NULLS LAST, id" >"$T_TMP/want"
t_same_file "keyset pages sorted by a text column with NULLs visit every row once, in order" "$T_TMP/want" "$T_TMP/walk"
walk total asc 11
q "SELECT id FROM orders ORDER BY total ASC NULLS LAST, id" >"$T_TMP/want"
t_same_file "keyset pages sorted by a numeric column ascending match SQL" "$T_TMP/want" "$T_TMP/walk"
walk id desc 13
q "SELECT id FROM orders ORDER BY id DESC" >"$T_TMP/want"
t_same_file "keyset pages on the primary key descending match SQL" "$T_TMP/want" "$T_TMP/walk"
walk user_id desc 7
q "SELECT id FROM orders ORDER BY user_id DESC NULLS LAST, id" >"$T_TMP/want"
t_same_file "keyset pages sorted by a column with duplicate values (groups larger than a page) match SQL" "$T_TMP/want" "$T_TMP/walk"
walk user_id asc 24
q "SELECT id FROM orders ORDER BY user_id ASC NULLS LAST, id" >"$T_TMP/want"
t_same_file "keyset pages ending exactly on a duplicate group's edge match SQL" "$T_TMP/want" "$T_TMP/walk"
req GET "/api/rows?table=orders&limit=10abc"
is "a limit that is not a whole number is refused" 400 "$STATUS"
req GET "/api/rows?table=orders&offset=1x"
is "an offset that is not a whole number is refused" 400 "$STATUS"
walk note asc 9 '[{"column":"user_id","op":"eq","value":"2"}]'
q "SELECT id FROM orders WHERE user_id = 2 ORDER BY note ASC NULLS LAST, id" >"$T_TMP/want"
t_same_file "keyset pages with a filter match SQL" "$T_TMP/want" "$T_TMP/walk"
req GET "/api/rows?table=pairs&limit=25&sort=label&dir=desc"
is "a composite-key table sorts by any column" "$(q "SELECT string_agg(label, ',' ORDER BY label DESC) FROM pairs")" \
	"$(j '[.rows[][2]] | join(",")')"
req GET "/api/rows?table=no_pk&limit=1&sort=a"
is "a table without a primary key pages by offset" "offset 1 true" "$(j .mode) $(j '.rows[0][0]') $(j .hasMore)"
req GET "/api/rows?table=no_pk&limit=1&sort=a&offset=1"
is "the offset page follows" "2 false" "$(j '.rows[0][0]') $(j .hasMore)"
req GET "/api/rows?table=users&sort=nope"
is "sorting by an unknown column is a 400" '400 column "nope" does not exist in table "users"' "$STATUS $(j .error.message)"

# ==== filters ====
# rows FILTERS-JSON [table]: ids of matching rows (limit 1000)
rows() {
	req GET "/api/rows?table=${2:-users}&limit=1000" "" -G --data-urlencode "filters=$1"
	j '[.rows[][0]] | join(",")'
}
is "contains is case-insensitive and quote-safe" 3 "$(rows '[{"column":"name","op":"contains","value":"o'"'"'NEIL \"THE"}]')"
is "equals on an enum" 1 "$(rows '[{"column":"role","op":"eq","value":"ADMIN"}]')"
is "equals on a boolean" 2 "$(rows '[{"column":"active","op":"eq","value":false}]')"
is "equals on jsonb" 1 "$(rows '[{"column":"profile","op":"eq","value":"{\"lang\":\"en\"}"}]')"
is "is null" "2,4,5" "$(rows '[{"column":"profile","op":"null"}]')"
is "is not null AND-ed with a comparison" 3 "$(rows '[{"column":"profile","op":"notnull"},{"column":"id","op":"gt","value":"1"}]')"
is "empty string is not NULL" 5 "$(rows '[{"column":"name","op":"eq","value":""}]')"
is "comparisons on dates" 1 "$(rows '[{"column":"born","op":"lt","value":"1900-01-01"}]')"
is "not equal keeps NULL rows" "1,3,4,5" "$(rows '[{"column":"born","op":"neq","value":"1815-12-11"},{"column":"id","op":"neq","value":"2"}]')"
is "unicode in filter values" 4 "$(rows '[{"column":"name","op":"contains","value":"🚀 日"}]')"
req GET "/api/rows?table=$HOSTILE_Q&limit=10" "" -G --data-urlencode 'filters=[{"column":"id \"quoted\"","op":"contains","value":"%_\\"}]'
is "LIKE wildcards in contains are literal" '1 %_\' "$(j '.rows | length') $(j '.rows[0][0]')"
is "the counts match SQL" "$(q "SELECT count(*) FROM orders WHERE total >= 30 AND total < 90.5")" \
	"$(rows '[{"column":"total","op":"gte","value":30},{"column":"total","op":"lt","value":"90.5"}]' orders | tr ',' '\n' | grep -c .)"
req GET "/api/rows?table=users" "" -G --data-urlencode 'filters=[{"column":"x; DROP","op":"eq","value":"1"}]'
is "a filter on an unknown column is a 400, not SQL" 400 "$STATUS"
req GET "/api/rows?table=users" "" -G --data-urlencode 'filters=[{"column":"id","op":"eq","value":"abc"}]'
is "a bad value is the database's message as JSON" '400 invalid input syntax for type integer: "abc" 22P02' \
	"$STATUS $(j .error.message) $(j .error.sqlstate)"

# ==== hostile table: reads and writes ====
req GET "/api/rows?table=$HOSTILE_Q&limit=10"
is "huge text comes back whole" 1000000 "$(j '.rows[] | select(.[0] == "huge") | .[1] | length')"
is "bytea comes back as hex" '\x00ff10' "$(j '.rows[] | select(.[0] == "a'"'"'b\"c") | .[2]')"
is "NULLs are JSON null" null "$(j '.rows[] | select(.[0] == "%_\\") | .[1]')"
req POST "/api/rows?table=$HOSTILE_Q" '{"values":{"id \"quoted\"":"new'"'"'\"row","ünïcødé ✓":"Zoë ☃ 🚀","bytes":"\\xdeadbeef","Mixed Case":7}}'
is "insert into the hostile table returns the row (201)" '201 new'"'"'"row' "$STATUS $(j '.rows[0][0]')"
is "the inserted values are stored exactly" 'Zoë ☃ 🚀|deadbeef|7' \
	"$(q "SELECT \"ünïcødé ✓\" || '|' || encode(bytes, 'hex') || '|' || \"Mixed Case\" FROM \"we\"\"ird; DROP TABLE users;--\" WHERE \"id \"\"quoted\"\"\" = 'new''\"row'")"
python3 -c 'import json; print(json.dumps({"key": {"id \"quoted\"": "new'"'"'\"row"}, "set": {"ünïcødé ✓": "é" * 300000}}))' >"$T_TMP/big.json"
STATUS=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X PATCH -H "X-Strata-Token: $TOKEN" \
	-H 'Content-Type: application/json' --data-binary "@$T_TMP/big.json" "$BASE/api/rows?table=$HOSTILE_Q")
is "a 600 kB edit is stored" "200 300000" \
	"$STATUS $(q "SELECT length(\"ünïcødé ✓\") FROM \"we\"\"ird; DROP TABLE users;--\" WHERE \"Mixed Case\" = 7")"
req GET /api/tables
is "tables are still all there" 5 "$(j '.tables | length')"

# ==== edits: NULL vs empty string, errors, transactions ====
req PATCH "/api/rows?table=users" '{"key":{"id":2},"set":{"name":""}}'
is "a cell set to the empty string is not NULL" "200 f|0" "$STATUS $(q "SELECT (name IS NULL)::text || '|' || length(name) FROM users WHERE id = 2" | sed 's/^false/f/')"
req PATCH "/api/rows?table=users" '{"key":{"id":2},"set":{"name":null}}'
is "a cell set to null is NULL" "200 true" "$STATUS $(q "SELECT (name IS NULL)::text FROM users WHERE id = 2")"
req PATCH "/api/rows?table=users" '{"key":{"id":"2"},"set":{"active":true,"profile":{"a":[1,"x"]},"role":"it'"'"'s \"odd\""}}'
is "booleans, JSON objects and quoted enum labels are stored" "true|{\"a\": [1, \"x\"]}|it's \"odd\"" \
	"$(q "SELECT active::text || '|' || profile::text || '|' || role FROM users WHERE id = 2")"
is "the response carries the updated row" "true" "$(j '.rows[0][4]')"
req PATCH "/api/rows?table=users" '{"key":{"id":1},"set":{"role":"NOPE"}}'
is "an invalid enum value is a 400 with the database's message" \
	'400 invalid input value for enum "Role": "NOPE"' "$STATUS $(j .error.message)"
req PATCH "/api/rows?table=users" '{"key":{"id":1},"set":{"email":"bob@example.com"}}'
is "a unique violation carries P2002 and the detail" \
	'400 P2002 23505 Key (email)=(bob@example.com) already exists.' "$STATUS $(j .error.code) $(j .error.sqlstate) $(j .error.detail)"
req PATCH "/api/rows?table=users" '{"key":{"id":999},"set":{"name":"x"}}'
is "editing a missing row is a 404" "404 row not found" "$STATUS $(j .error.message)"
req PATCH "/api/rows?table=users" '{"key":{},"set":{"name":"x"}}'
is "an edit without the primary key is a 400" 400 "$STATUS"
req PATCH "/api/rows?table=pairs" '{"key":{"left_id":2,"right_id":3},"set":{"label":"two→three"}}'
is "edits on composite keys touch one row" "two→three|1" \
	"$(q "SELECT max(label) FILTER (WHERE left_id = 2 AND right_id = 3) || '|' || count(*) FILTER (WHERE label = 'two→three') FROM pairs")"
req POST "/api/rows?table=orders" '{"values":{"user_id":999,"total":"1"}}'
is "a foreign-key violation carries P2003" "400 P2003" "$STATUS $(j .error.code)"
req POST "/api/rows?table=orders" '{"values":{"user_id":1,"total":"12.50"}}'
is "an insert uses column defaults" "201 12.50" "$STATUS $(j '.rows[0][2]')"
new_id=$(j '.rows[0][0]')
req POST "/api/rows?table=no_pk" '{"values":{"a":3}}'
is "a table without a primary key refuses inserts" '409 table "no_pk" has no primary key' "$STATUS $(j .error.message)"
req POST "/api/rows?table=orders" '{"values":'
is "invalid JSON is a 400" "400 invalid JSON in the request body" "$STATUS $(j .error.message)"
before=$(q "SELECT count(*) FROM orders")
req DELETE "/api/rows?table=orders" "{\"keys\":[{\"id\":$new_id},{\"id\":99999}]}"
is "a delete with a missing key deletes nothing" "404 $before" "$STATUS $(q "SELECT count(*) FROM orders")"
req DELETE "/api/rows?table=orders" "{\"keys\":[{\"id\":$new_id},{\"id\":\"1\"}]}"
is "delete by primary key removes exactly those rows" "200 2 $((before - 2)) 0" \
	"$STATUS $(j .deleted) $(q "SELECT count(*) FROM orders") $(q "SELECT count(*) FROM orders WHERE id IN (1, $new_id)")"
req DELETE "/api/rows?table=orders" '{"keys":[{"id":2},{"id":"2"},{"id":2}]}'
is "the same key given twice deletes that one row" "200 1 $((before - 3))" \
	"$STATUS $(j .deleted) $(q "SELECT count(*) FROM orders")"
req GET "/api/rows?table=orders&limit=1"
t_check "responses carry the server time (Server-Timing)" sh -c \
	'curl -s -D - -o /dev/null -H "X-Strata-Token: $1" "$2/api/rows?table=orders&limit=1" | grep -qi "^server-timing: db;dur="' _ "$TOKEN" "$BASE"

# ==== read-only studio ====
start_studio ro --url "$T_URL" --read-only
req GET "/api/rows?table=users&limit=1"
is "a read-only studio reads" "200 true" "$STATUS $(j .readOnly)"
req PATCH "/api/rows?table=users" '{"key":{"id":1},"set":{"name":"changed"}}'
is "a read-only studio refuses edits (403)" "403 Ada" "$STATUS $(q "SELECT name FROM users WHERE id = 1")"
req DELETE "/api/rows?table=users" '{"keys":[{"id":1}]}'
is "a read-only studio refuses deletes" 403 "$STATUS"

# ==== _prisma_migrations and migrate status ====
req GET /api/migrations
is "no history table: migrations says so" "false 0" "$(j .exists) $(j '.migrations | length')"
mkdir -p "$T_TMP/migrations/20240101000000_init" "$T_TMP/migrations/20240201000000_add"
printf 'CREATE TABLE a (id int);\n' >"$T_TMP/migrations/20240101000000_init/migration.sql"
printf 'CREATE TABLE b (id int);\n' >"$T_TMP/migrations/20240201000000_add/migration.sql"
sum=$(sha256sum "$T_TMP/migrations/20240101000000_init/migration.sql" | cut -c1-64)
q "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL,
	finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text,
	rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
	applied_steps_count integer NOT NULL DEFAULT 0);
INSERT INTO _prisma_migrations VALUES
	('1', '$sum', now(), '20240101000000_init', NULL, NULL, now() - interval '3 min', 1),
	('2', 'x', NULL, '20240201000000_add', 'ERROR: boom', now() - interval '1 min', now() - interval '2 min', 0),
	('3', 'x', NULL, '20240201000000_add', 'ERROR: boom', NULL, now() - interval '1 min', 0);" >/dev/null
start_studio mig --url "$T_URL" --migrations "$T_TMP/migrations"
req GET /api/migrations
is "history rows carry their status" "applied,rolled back,failed" "$(j '[.migrations[].status] | join(",")')"
req GET /api/status
is "migrate status: a failed migration wins" "failed" "$(j .state)"
is "migrate status: Prisma's message" "Following migration have failed:
20240201000000_add" "$(j .message)"
is "migrate status: per-migration states" "applied,failed" "$(j '[.migrations[].status] | join(",")')"
mkdir -p "$T_TMP/migrations/20240301000000_more"
printf 'CREATE TABLE c (id int);\n' >"$T_TMP/migrations/20240301000000_more/migration.sql"
req GET /api/status
is "migrate status: a new migration in the folder is pending" \
	"pending|applied,failed,pending|20240301000000_more|20240201000000_add" \
	"$(j .state)|$(j '[.migrations[].status] | join(",")')|$(j '.pending | join(",")')|$(j '.failed | join(",")')"
req GET "/api/rows?table=_prisma_migrations&limit=10"
is "the _prisma_migrations table is browsable" 3 "$(j '.rows | length')"
req GET /api/tables
is "the migrations table is flagged" true "$(j '.tables[] | select(.name == "_prisma_migrations") | .migrations')"
q "DELETE FROM _prisma_migrations WHERE finished_at IS NULL;
INSERT INTO _prisma_migrations VALUES
	('4', 'x', now(), '20240201000000_add', NULL, NULL, now(), 1),
	('5', 'x', now(), '20240301000000_more', NULL, NULL, now(), 1);" >/dev/null
req GET /api/status
is "migrate status: up to date, with the edited migration flagged" "up to date|Database schema is up to date!|20240201000000_add,20240301000000_more" \
	"$(j .state)|$(j .message)|$(j '.edited | join(",")')"

t_done
