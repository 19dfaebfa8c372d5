-- restore-settings.sql - puts every site-settings group (general, about,
-- footer, social, delivery, banking, seo, marketing) back to its default,
-- overwriting what the admin changed, and creates a group that is missing.
-- Nothing else is touched: not users, roles, categories or orders.
--
--   strata db seed --name restore-settings
--
-- Use it when settings were lost (after a restore, say), then customise
-- them again in the admin under Settings.  The defaults are the same as in
-- ../seed.sql.  Runs in one transaction.

INSERT INTO "site_settings" ("key", "value", "updated_at") VALUES
    ('general', '{"siteName": "My Shop", "tagline": "Quality goods, delivered", "contactEmail": "hello@example.com", "contactPhone": "", "currency": "USD", "timezone": "UTC"}', CURRENT_TIMESTAMP),
    ('about', '{"title": "About us", "body": "We are a small team selling things we like."}', CURRENT_TIMESTAMP),
    ('footer', '{"text": "© My Shop. All rights reserved.", "links": [{"label": "Privacy", "url": "/privacy"}, {"label": "Terms", "url": "/terms"}]}', CURRENT_TIMESTAMP),
    ('social', '{"facebook": "", "instagram": "", "twitter": "", "tiktok": ""}', CURRENT_TIMESTAMP),
    ('delivery', '{"flatRate": "5.00", "freeShippingThreshold": "50.00", "estimatedDays": "3-5", "countries": ["US"]}', CURRENT_TIMESTAMP),
    ('banking', '{"bankName": "", "accountName": "", "accountNumber": "", "instructions": "Use your order number as the payment reference."}', CURRENT_TIMESTAMP),
    ('seo', '{"metaTitle": "My Shop", "metaDescription": "Quality goods, delivered to your door.", "keywords": ["shop", "shirts", "accessories", "footwear"]}', CURRENT_TIMESTAMP),
    ('marketing', '{"newsletterEnabled": true, "bannerText": "", "googleAnalyticsId": ""}', CURRENT_TIMESTAMP)
ON CONFLICT ("key") DO UPDATE
SET "value" = EXCLUDED."value", "updated_at" = EXCLUDED."updated_at";
