-- shop_extra.sql - a few customers, products and orders on top of
-- examples/shop's seed, so the browser test (and its screenshot) has
-- relations to follow and rows to sort and filter.
INSERT INTO users (email, name, password_hash, role_id, is_active, updated_at)
SELECT e, n, 'x', (SELECT id FROM roles WHERE name = 'Customer'), a, now()
FROM (VALUES ('grace@example.com', 'Grace Hopper', true),
	     ('linus@example.com', 'Linus Torvalds', true),
	     ('ada@example.com', 'Ada Lovelace', true),
	     ('ken@example.com', 'Ken Thompson', false),
	     ('barbara@example.com', 'Barbara Liskov', true)) v(e, n, a);
INSERT INTO products (name, slug, description, price, stock, category_id, updated_at)
SELECT n, s, d, p, st, (SELECT id FROM categories WHERE slug = c), now()
FROM (VALUES ('Classic Tee', 'classic-tee', 'Soft cotton T-shirt', 19.00, 120, 'shirts'),
	     ('Oxford Shirt', 'oxford-shirt', 'Button-down, slim fit', 49.50, 40, 'shirts'),
	     ('Polo Shirt', 'polo-shirt', NULL, 29.90, 75, 'shirts'),
	     ('Canvas Tote', 'canvas-tote', 'Heavy canvas bag', 24.00, 60, 'accessories'),
	     ('Leather Belt', 'leather-belt', 'Full-grain leather', 39.00, 25, 'accessories'),
	     ('Wool Cap', 'wool-cap', NULL, 18.00, 0, 'accessories'),
	     ('Trail Runner', 'trail-runner', 'Grippy outsole', 119.00, 14, 'footwear'),
	     ('Court Sneaker', 'court-sneaker', 'White leather sneaker', 89.00, 32, 'footwear'),
	     ('Sandal', 'sandal', NULL, 35.00, 50, 'footwear')) v(n, s, d, p, st, c);
INSERT INTO orders (order_number, user_id, customer_email, status, subtotal, total,
		    shipping_address, updated_at)
SELECT 'ORD-' || lpad(g::text, 4, '0'), u.id, u.email,
       (ARRAY['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']::"OrderStatus"[])[1 + g % 5],
       10 * g, 10 * g + 5, jsonb_build_object('city', 'Berlin', 'zip', lpad(g::text, 5, '1')), now()
FROM generate_series(1, 12) g
JOIN LATERAL (SELECT id, email FROM users WHERE role_id = (SELECT id FROM roles WHERE name = 'Customer') ORDER BY id OFFSET g % 5 LIMIT 1) u ON true;
INSERT INTO order_items (order_id, product_id, name, unit_price, quantity)
SELECT o.id, p.id, p.name, p.price, 1 + (o.id + p.id) % 3
FROM orders o JOIN products p ON (o.id + p.id) % 4 = 0;
ANALYZE;
