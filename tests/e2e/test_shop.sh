#!/bin/sh
# test_shop.sh - the example shop (examples/shop) end to end on a fresh
# database: deploy 0_init, seed (permissions, roles, admin, categories,
# settings), seed again (identical), SEED_ADMIN_* respected, bcrypt only,
# re-seeding overwrites nothing, restore-settings restores the settings and
# nothing else, and a failing seed leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
t_need_pg

SHOP=$T_ROOT/examples/shop
P=$T_TMP/shop
mkdir -p "$P"
cp -R "$SHOP/schema.prisma" "$SHOP/migrations" "$SHOP/seed.sql" "$SHOP/seeds" "$P/"

# fresh DB: migrate (strata migrate deploy when built, else psql), set $DB
fresh() {
	DB=$1
	t_db "$DB"
	if "$STRATA" migrate deploy --help >/dev/null 2>&1; then
		(cd "$P" && DATABASE_URL=$T_URL "$STRATA" migrate deploy) >"$T_TMP/deploy.log" 2>&1 ||
			{ t_diag "migrate deploy failed:"; sed 's/^/#   /' "$T_TMP/deploy.log"; }
	else
		psql -X -q -v ON_ERROR_STOP=1 -d "$T_URL" -f "$P/migrations/0_init/migration.sql" >/dev/null 2>&1
	fi
}
q() { t_psql "$DB" "$1"; }
seed() { (cd "$P" && DATABASE_URL=$T_URL "$STRATA" db seed "$@"); }
counts() {
	q "SELECT (SELECT count(*) FROM permissions) || ' ' || (SELECT count(*) FROM roles) || ' ' ||
	   (SELECT count(*) FROM role_permissions) || ' ' || (SELECT count(*) FROM users) || ' ' ||
	   (SELECT count(*) FROM categories) || ' ' || (SELECT count(*) FROM site_settings)"
}

fresh strata_shop_e2e
t_check "0_init creates the shop's tables" \
	[ "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'")" = 11 ]

t_run 0 env -u SEED_ADMIN_EMAIL -u SEED_ADMIN_PASSWORD -u SEED_ADMIN_NAME sh -c "cd '$P' && DATABASE_URL='$T_URL' '$STRATA' db seed"
t_ok "db seed on a fresh shop database"
t_stdout_has "Running seed seed.sql"
t_check "14 permissions, 2 roles, 14 admin grants, 1 user, 3 categories, 8 settings" \
	[ "$(counts)" = "14 2 14 1 3 8" ]
t_check "the permissions are the 14 of the guide" [ "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM permissions")" = \
	"categories:read,categories:write,emaillogs:read,emaillogs:resend,orders:read,orders:write,products:read,products:write,settings:read,settings:write,users:read,users:write,vouchers:read,vouchers:write" ]
t_check "Admin has every permission" [ "$(q "SELECT count(*) FROM role_permissions rp JOIN roles r ON r.id = rp.role_id WHERE r.name = 'Admin'")" = 14 ]
t_check "Customer exists with no admin permission" [ "$(q "SELECT count(*) FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id WHERE r.name = 'Customer' AND rp.role_id IS NULL")" = 1 ]
t_check "the categories are Shirts, Accessories, Footwear" \
	[ "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM categories")" = "Accessories,Footwear,Shirts" ]
t_check "the settings groups are the 8 of the guide" \
	[ "$(q "SELECT string_agg(key, ',' ORDER BY key) FROM site_settings")" = "about,banking,delivery,footer,general,marketing,seo,social" ]
t_check "the default admin is admin@example.com, named Admin, with the Admin role" \
	[ "$(q "SELECT u.email || '|' || u.name || '|' || r.name FROM users u JOIN roles r ON r.id = u.role_id")" = "admin@example.com|Admin|Admin" ]
HASH=$(q "SELECT password_hash FROM users")
t_check "the password is stored as a bcrypt hash" sh -c "echo '$HASH' | grep -Eq '^\\\$2[ab]\\\$[0-9]{2}\\\$.{53}\$'"
t_check "the hash verifies the default password" [ "$(q "SELECT password_hash = crypt('Admin123!', password_hash) FROM users")" = t ]
t_check "the clear password is stored nowhere in users" \
	[ "$(q "SELECT count(*) FROM users u WHERE u::text LIKE '%Admin123!%'")" = 0 ]

before=$(counts)
settings_before=$(q "SELECT string_agg(key || '=' || value::text, ';' ORDER BY key) FROM site_settings")
t_run 0 seed
t_ok "a second db seed succeeds"
t_check "seeding twice leaves identical row counts" [ "$(counts)" = "$before" ]
t_check "the admin's hash is not replaced by a re-run" [ "$(q "SELECT password_hash FROM users")" = "$HASH" ]

# restore-settings on untouched settings changes no value: the seed and the
# restore share the same defaults
t_run 0 seed --name restore-settings
t_ok "db seed --name restore-settings"
t_stdout_has "Running seed seeds/restore-settings.sql"
t_check "seed.sql and restore-settings.sql have the same defaults" \
	[ "$(q "SELECT string_agg(key || '=' || value::text, ';' ORDER BY key) FROM site_settings")" = "$settings_before" ]

# re-seeding overwrites nothing the admin changed
q "UPDATE site_settings SET value = '{\"siteName\": \"Renamed\"}' WHERE key = 'general';
   UPDATE categories SET description = 'our own words' WHERE slug = 'shirts';
   UPDATE users SET name = 'Boss'" >/dev/null
q "DELETE FROM site_settings WHERE key = 'seo'; DELETE FROM categories WHERE slug = 'footwear'" >/dev/null
t_run 0 seed
t_ok "db seed after edits"
t_check "a changed setting is not overwritten by the seed" \
	[ "$(q "SELECT value->>'siteName' FROM site_settings WHERE key = 'general'")" = Renamed ]
t_check "a changed category is not overwritten" \
	[ "$(q "SELECT description FROM categories WHERE slug = 'shirts'")" = "our own words" ]
t_check "the admin is not overwritten" [ "$(q "SELECT name FROM users")" = Boss ]
t_check "what was missing is created again" [ "$(counts)" = "14 2 14 1 3 8" ]

# restore-settings: every setting back to default, nothing else touched
q "UPDATE site_settings SET value = '{\"siteName\": \"Renamed again\"}' WHERE key = 'general';
   DELETE FROM site_settings WHERE key = 'banking'" >/dev/null
others_before=$(q "SELECT (SELECT string_agg(name || description, ',' ORDER BY id) FROM categories) || '|' ||
                          (SELECT string_agg(email || name || password_hash, ',') FROM users) || '|' ||
                          (SELECT count(*) FROM role_permissions)")
t_run 0 seed --name restore-settings
t_ok "restore-settings after a setting was changed"
t_check "restore-settings restores the changed setting" \
	[ "$(q "SELECT value->>'siteName' FROM site_settings WHERE key = 'general'")" = "My Shop" ]
t_check "and re-creates a missing group" [ "$(q "SELECT count(*) FROM site_settings WHERE key = 'banking'")" = 1 ]
t_check "every setting equals the seed's default again" \
	[ "$(q "SELECT string_agg(key || '=' || value::text, ';' ORDER BY key) FROM site_settings")" = "$settings_before" ]
t_check "restore-settings leaves users, categories and grants alone" \
	[ "$(q "SELECT (SELECT string_agg(name || description, ',' ORDER BY id) FROM categories) || '|' ||
	            (SELECT string_agg(email || name || password_hash, ',') FROM users) || '|' ||
	            (SELECT count(*) FROM role_permissions)")" = "$others_before" ]

# SEED_ADMIN_* from the environment, on a fresh database
fresh strata_shop_env_e2e
t_run 0 sh -c "cd '$P' && DATABASE_URL='$T_URL' SEED_ADMIN_EMAIL='Owner@Shop.Test' SEED_ADMIN_PASSWORD=\"s3cret'pass\" SEED_ADMIN_NAME=\"O'Brien\" '$STRATA' db seed"
t_ok "db seed with SEED_ADMIN_EMAIL/PASSWORD/NAME"
t_check "SEED_ADMIN_EMAIL is respected (lowercased)" [ "$(q "SELECT email FROM users")" = owner@shop.test ]
t_check "SEED_ADMIN_NAME is respected, quote and all" [ "$(q "SELECT name FROM users")" = "O'Brien" ]
t_check "SEED_ADMIN_PASSWORD is what the hash verifies" \
	[ "$(q "SELECT password_hash = crypt('s3cret''pass', password_hash) FROM users")" = t ]
t_check "no admin@example.com was created" [ "$(q "SELECT count(*) FROM users WHERE email = 'admin@example.com'")" = 0 ]
t_stdout_lacks "s3cret" "the password is not printed"
t_stderr_lacks "s3cret" "the password is not printed on stderr"

# a failing seed leaves nothing behind: make the admin insert fail
fresh strata_shop_fail_e2e
q "CREATE FUNCTION no_users() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'users are locked'; END \$\$;
   CREATE TRIGGER no_users BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION no_users()" >/dev/null
t_run 1 seed
t_ok "a failing seed exits 1"
t_stderr_has "users are locked" "with the database's error"
t_check "a failing seed leaves nothing behind (no permission, role or category)" \
	[ "$(q "SELECT (SELECT count(*) FROM permissions) + (SELECT count(*) FROM roles) + (SELECT count(*) FROM categories) + (SELECT count(*) FROM site_settings)")" = 0 ]

t_done
