/*
 * test_introspect_default.c - column defaults as pg_get_expr() prints
 * them -> the SQL schema model's defaults (introspect.c), table-driven;
 * and Prisma's migration-name slug (migrate/dev.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "migrate/dev.h"
#include "sqlschema/introspect.h"

typedef struct dcase {
	st_family fam;
	st_arity arity;
	const char *expr;
	st_default_kind kind;
	st_value_kind vkind;   /* ST_DEF_VALUE */
	const char *text;      /* value text, dbgenerated text, sequence */
	int nitems;            /* lists */
} dcase;

static const dcase cases[] = {
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "nextval('\"User_id_seq\"'::regclass)",
	  ST_DEF_SEQUENCE, 0, "User_id_seq", 0 },
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "nextval('app.\"Order_id_seq\"'::regclass)",
	  ST_DEF_SEQUENCE, 0, "Order_id_seq", 0 },
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "0", ST_DEF_VALUE, ST_VAL_INT, "0", 0 },
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "'-3'::integer", ST_DEF_VALUE, ST_VAL_INT, "-3", 0 },
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "(-3)", ST_DEF_VALUE, ST_VAL_INT, "-3", 0 },
	{ ST_FAM_BIGINT, ST_ARITY_REQUIRED, "'9000000000'::bigint", ST_DEF_VALUE,
	  ST_VAL_BIGINT, "9000000000", 0 },
	{ ST_FAM_FLOAT, ST_ARITY_REQUIRED, "'-1.25'::double precision", ST_DEF_VALUE,
	  ST_VAL_FLOAT, "-1.25", 0 },
	{ ST_FAM_DECIMAL, ST_ARITY_REQUIRED, "0.5", ST_DEF_VALUE, ST_VAL_FLOAT, "0.5", 0 },
	{ ST_FAM_BOOLEAN, ST_ARITY_REQUIRED, "true", ST_DEF_VALUE, ST_VAL_BOOLEAN, "true", 0 },
	{ ST_FAM_BOOLEAN, ST_ARITY_REQUIRED, "false", ST_DEF_VALUE, ST_VAL_BOOLEAN, "false", 0 },
	{ ST_FAM_STRING, ST_ARITY_REQUIRED, "'it''s'::text", ST_DEF_VALUE, ST_VAL_STRING, "it's", 0 },
	{ ST_FAM_STRING, ST_ARITY_REQUIRED, "''::character varying", ST_DEF_VALUE,
	  ST_VAL_STRING, "", 0 },
	{ ST_FAM_STRING, ST_ARITY_REQUIRED, "E'a\\\\b'::text", ST_DEF_VALUE,
	  ST_VAL_STRING, "a\\b", 0 },
	{ ST_FAM_STRING, ST_ARITY_REQUIRED, "gen_random_uuid()", ST_DEF_DBGEN, 0,
	  "gen_random_uuid()", 0 },
	{ ST_FAM_STRING, ST_ARITY_REQUIRED, "('a'::text || 'b'::text)", ST_DEF_DBGEN, 0,
	  "('a'::text || 'b'::text)", 0 },
	{ ST_FAM_STRING, ST_ARITY_NULLABLE, "NULL::text", ST_DEF_NONE, 0, NULL, 0 },
	{ ST_FAM_ENUM, ST_ARITY_REQUIRED, "'USER'::\"Role\"", ST_DEF_VALUE, ST_VAL_ENUM, "USER", 0 },
	{ ST_FAM_ENUM, ST_ARITY_REQUIRED, "'in-progress'::app.\"order status\"", ST_DEF_VALUE,
	  ST_VAL_ENUM, "in-progress", 0 },
	{ ST_FAM_JSON, ST_ARITY_REQUIRED, "'{\"a\": [1, 2]}'::jsonb", ST_DEF_VALUE,
	  ST_VAL_JSON, "{\"a\": [1, 2]}", 0 },
	{ ST_FAM_BINARY, ST_ARITY_REQUIRED, "'\\xDEADbeef'::bytea", ST_DEF_VALUE,
	  ST_VAL_BYTES, "deadbeef", 0 },
	{ ST_FAM_DATETIME, ST_ARITY_REQUIRED, "CURRENT_TIMESTAMP", ST_DEF_NOW, 0, NULL, 0 },
	{ ST_FAM_DATETIME, ST_ARITY_REQUIRED, "now()", ST_DEF_NOW, 0, NULL, 0 },
	{ ST_FAM_DATETIME, ST_ARITY_REQUIRED,
	  "'2020-01-01 00:00:00'::timestamp without time zone", ST_DEF_VALUE,
	  ST_VAL_DATETIME, "2020-01-01 00:00:00", 0 },
	{ ST_FAM_DATETIME, ST_ARITY_REQUIRED, "CURRENT_DATE", ST_DEF_DBGEN, 0,
	  "CURRENT_DATE", 0 },
	{ ST_FAM_STRING, ST_ARITY_LIST, "ARRAY[]::text[]", ST_DEF_VALUE, ST_VAL_LIST, NULL, 0 },
	{ ST_FAM_STRING, ST_ARITY_LIST, "'{}'::text[]", ST_DEF_VALUE, ST_VAL_LIST, NULL, 0 },
	{ ST_FAM_STRING, ST_ARITY_LIST, "ARRAY['a'::text, 'b c'::text]", ST_DEF_VALUE,
	  ST_VAL_LIST, NULL, 2 },
	{ ST_FAM_STRING, ST_ARITY_LIST, "'{a,\"b c\"}'::text[]", ST_DEF_VALUE,
	  ST_VAL_LIST, NULL, 2 },
	{ ST_FAM_INT, ST_ARITY_LIST, "ARRAY[1, 2]", ST_DEF_VALUE, ST_VAL_LIST, NULL, 2 },
	{ ST_FAM_ENUM, ST_ARITY_LIST, "ARRAY['USER'::\"Role\"]", ST_DEF_VALUE,
	  ST_VAL_LIST, NULL, 1 },
	/* a scalar literal on a list column is not a list default */
	{ ST_FAM_INT, ST_ARITY_LIST, "1", ST_DEF_DBGEN, 0, "1", 0 },
	/* not a number for an Int column */
	{ ST_FAM_INT, ST_ARITY_REQUIRED, "'abc'::text", ST_DEF_DBGEN, 0, "'abc'::text", 0 },
};

static void
test_introspect_default__table(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_schema *s = st_schema_new(cx);
	st_table *t = st_schema_add_table(s, NULL, "T");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const dcase *c = &cases[i];
		st_column *col = st_table_add_column(s, t, st_strfmt(cx->arena, "c%zu", i));

		col->type.family = c->fam;
		col->type.arity = c->arity;
		st_introspect_parse_default(s, col, c->expr);
		print_message("case %zu: %s\n", i, c->expr);
		assert_int_equal(col->def.kind, c->kind);
		if (c->kind == ST_DEF_VALUE) {
			assert_int_equal(col->def.value->kind, c->vkind);
			if (c->vkind == ST_VAL_LIST)
				assert_int_equal(col->def.value->items.len, c->nitems);
			else
				assert_string_equal(col->def.value->text, c->text);
		} else if (c->text) {
			assert_string_equal(col->def.text, c->text);
		}
		assert_int_equal(col->autoincrement, c->kind == ST_DEF_SEQUENCE);
	}
	st_ctx_free(cx);
}

static void
test_introspect_default__slug(void **state)
{
	static const char *cases[][2] = {
		{ "add_order_notes", "add_order_notes" },
		{ "Add Order Notes!", "add_order_notes" },
		{ "addOrderNotes", "add_order_notes" },
		{ "HTMLParser v2", "html_parser_v2" },
		{ "  --x--  ", "x" },
		{ "", "" },
	};
	st_arena *a = st_arena_new(NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(st_migration_slug(a, cases[i][0]), cases[i][1]);
	st_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_introspect_default__table),
		cmocka_unit_test(test_introspect_default__slug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
