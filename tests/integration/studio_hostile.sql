-- studio_hostile.sql - tables for tests/integration/test_studio_api.sh:
-- a shop-like pair with a foreign key, and names and values meant to
-- break quoting: quotes, semicolons, unicode, spaces, huge text, bytea,
-- NULLs, enums, json, a table without a primary key, a composite key.
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'it''s "odd"');
CREATE TABLE users (
	id serial PRIMARY KEY,
	email text NOT NULL UNIQUE,
	name text,
	role "Role" NOT NULL DEFAULT 'USER',
	active boolean NOT NULL DEFAULT true,
	profile jsonb,
	born date,
	created_at timestamp(3) NOT NULL DEFAULT now()
);
CREATE TABLE orders (
	id serial PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	total numeric(10,2) NOT NULL,
	note text
);
CREATE TABLE "we""ird; DROP TABLE users;--" (
	"id ""quoted""" text PRIMARY KEY,
	"ünïcødé ✓" text,
	"bytes" bytea,
	"Mixed Case" integer
);
CREATE TABLE no_pk (a integer, b text);
CREATE TABLE pairs (
	left_id integer,
	right_id integer,
	label text,
	PRIMARY KEY (left_id, right_id)
);
INSERT INTO users (email, name, role, active, profile, born) VALUES
	('ada@example.com', 'Ada', 'ADMIN', true, '{"lang": "en"}', '1815-12-10'),
	('bob@example.com', 'Bob', 'USER', false, NULL, NULL),
	('o''neil@example.com', 'O''Neil "the" Quote', 'it''s "odd"', true, '[1, 2]', NULL),
	('uni@example.com', 'Zoë 🚀 日本', 'USER', true, NULL, '2000-01-01'),
	('empty@example.com', '', 'USER', true, NULL, NULL);
INSERT INTO orders (user_id, total, note)
	SELECT 1 + (g % 5), g * 1.5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'order ' || g END
	FROM generate_series(1, 120) g;
INSERT INTO "we""ird; DROP TABLE users;--" VALUES
	('a''b"c', 'snow ☃', '\x00ff10', 1),
	('%_\', NULL, NULL, NULL),
	('huge', repeat('x', 1000000), decode(repeat('ab', 5000), 'hex'), 3);
INSERT INTO no_pk VALUES (1, 'one'), (2, 'two');
INSERT INTO pairs SELECT a, b, a || '-' || b FROM generate_series(1, 5) a, generate_series(1, 5) b;
ANALYZE;
