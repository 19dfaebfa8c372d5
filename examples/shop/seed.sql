-- seed.sql - fills a new shop database with what the app needs to start:
-- the permissions, the Admin and Customer roles, the first admin user, the
-- example categories and the default site settings.
--
-- Safe to re-run: every insert skips what already exists (ON CONFLICT DO
-- NOTHING), so a second run creates only what is missing and overwrites
-- nothing: not the admin's password, not a renamed category, not a changed
-- setting.  `strata db seed --name restore-settings` is the one that
-- overwrites, and only the site settings.
--
-- The admin comes from the environment (or .env):
--   SEED_ADMIN_EMAIL     default admin@example.com
--   SEED_ADMIN_PASSWORD  default Admin123!  (change it in production)
--   SEED_ADMIN_NAME      default Admin
-- strata puts each value in as a quoted SQL literal.  The password is stored
-- only as a bcrypt hash (pgcrypto's crypt() with a gen_salt('bf') salt).
--
-- strata runs this file in one transaction: if any statement fails, nothing
-- is left behind.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Permissions: <resource>:<action>
INSERT INTO "permissions" ("name", "description") VALUES
    ('users:read', 'View users'),
    ('users:write', 'Create, edit and deactivate users'),
    ('orders:read', 'View orders'),
    ('orders:write', 'Update, cancel and refund orders'),
    ('products:read', 'View products'),
    ('products:write', 'Create, edit and delete products'),
    ('categories:read', 'View categories'),
    ('categories:write', 'Create, edit and delete categories'),
    ('vouchers:read', 'View vouchers'),
    ('vouchers:write', 'Create, edit and delete vouchers'),
    ('settings:read', 'View site settings'),
    ('settings:write', 'Change site settings'),
    ('emaillogs:read', 'View the email log'),
    ('emaillogs:resend', 'Resend logged emails')
ON CONFLICT ("name") DO NOTHING;

-- Roles
INSERT INTO "roles" ("name", "description") VALUES
    ('Admin', 'Full access to the admin area'),
    ('Customer', 'Shop customers')
ON CONFLICT ("name") DO NOTHING;

-- Admin has every permission (links that are missing are added)
INSERT INTO "role_permissions" ("role_id", "permission_id")
SELECT r."id", p."id"
FROM "roles" r CROSS JOIN "permissions" p
WHERE r."name" = 'Admin'
ON CONFLICT DO NOTHING;

-- The first admin user; an existing user with this email is left alone
INSERT INTO "users" ("email", "name", "password_hash", "role_id", "updated_at")
SELECT lower(${SEED_ADMIN_EMAIL:-admin@example.com}),
       ${SEED_ADMIN_NAME:-Admin},
       crypt(${SEED_ADMIN_PASSWORD:-Admin123!}, gen_salt('bf', 10)),
       r."id",
       CURRENT_TIMESTAMP
FROM "roles" r
WHERE r."name" = 'Admin'
ON CONFLICT ("email") DO NOTHING;

-- Example categories
INSERT INTO "categories" ("name", "slug", "description") VALUES
    ('Shirts', 'shirts', 'T-shirts, polos and shirts'),
    ('Accessories', 'accessories', 'Bags, belts, caps and more'),
    ('Footwear', 'footwear', 'Shoes, sneakers and sandals')
ON CONFLICT DO NOTHING;

-- Site settings, one row per group; the same defaults as
-- seeds/restore-settings.sql, but an existing group is never overwritten
INSERT INTO "site_settings" ("key", "value", "updated_at") VALUES
    ('general', '{"siteName": "My Shop", "tagline": "Quality goods, delivered", "contactEmail": "hello@example.com", "contactPhone": "", "currency": "USD", "timezone": "UTC"}', CURRENT_TIMESTAMP),
    ('about', '{"title": "About us", "body": "We are a small team selling things we like."}', CURRENT_TIMESTAMP),
    ('footer', '{"text": "© My Shop. All rights reserved.", "links": [{"label": "Privacy", "url": "/privacy"}, {"label": "Terms", "url": "/terms"}]}', CURRENT_TIMESTAMP),
    ('social', '{"facebook": "", "instagram": "", "twitter": "", "tiktok": ""}', CURRENT_TIMESTAMP),
    ('delivery', '{"flatRate": "5.00", "freeShippingThreshold": "50.00", "estimatedDays": "3-5", "countries": ["US"]}', CURRENT_TIMESTAMP),
    ('banking', '{"bankName": "", "accountName": "", "accountNumber": "", "instructions": "Use your order number as the payment reference."}', CURRENT_TIMESTAMP),
    ('seo', '{"metaTitle": "My Shop", "metaDescription": "Quality goods, delivered to your door.", "keywords": ["shop", "shirts", "accessories", "footwear"]}', CURRENT_TIMESTAMP),
    ('marketing', '{"newsletterEnabled": true, "bannerText": "", "googleAnalyticsId": ""}', CURRENT_TIMESTAMP)
ON CONFLICT ("key") DO NOTHING;
