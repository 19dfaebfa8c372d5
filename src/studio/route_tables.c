/*
 * route_tables.c - GET /api/tables and GET /api/table: the database's
 * tables with row-count estimates, columns, keys and relations, plus the
 * schema.prisma model name of each table when a schema is present.
 *
 * Catalog access: exactly three pg_catalog queries per request, whatever
 * the number of tables (relations, columns, constraints), joined here by
 * table OID.  When src/sqlschema/introspect.c lands, introspect_tables()
 * is the one function to switch to it; the JSON shape stays.
 */
#include <stdlib.h>
#include <string.h>

#include "studio/route.h"
#include "studio/schema_models.h"

/* Relations a user browses: tables, views, matviews, foreign tables and
 * partitioned parents, outside the system schemas.  $1 schema, $2 name
 * (NULL = all). */
#define REL_FILTER(n, c)                                                     \
	" " c ".relkind IN ('r','p','v','m','f')"                            \
	" AND " n ".nspname <> 'information_schema' AND " n ".nspname !~ '^pg_'" \
	" AND NOT " c ".relispartition"

static const char sql_tables[] =
	"SELECT c.oid::text, n.nspname, c.relname, c.relkind::text,"
	/* the planner's estimate: density from the last ANALYZE times the
	 * current size; never-analyzed tables use the statistics counter */
	" (CASE WHEN c.reltuples < 0 OR c.relkind NOT IN ('r', 'm')"
	"   THEN coalesce(s.n_live_tup, 0)"
	"   WHEN c.relpages = 0 THEN c.reltuples"
	"   ELSE c.reltuples / c.relpages * (pg_relation_size(c.oid)"
	"     / current_setting('block_size')::int) END)::bigint::text,"
	" obj_description(c.oid, 'pg_class')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid"
	" WHERE" REL_FILTER("n", "c")
	" AND ($1::text IS NULL OR n.nspname = $1)"
	" AND ($2::text IS NULL OR c.relname = $2)"
	" ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/* Columns of the selected tables ($1: their OIDs from sql_tables). */
static const char sql_columns[] =
	"SELECT a.attrelid::text, a.attname, format_type(a.atttypid, a.atttypmod),"
	" coalesce(bt.typname, t.typname), t.typtype::text,"
	" coalesce(bt.typcategory, t.typcategory)::text, a.attnotnull::text,"
	" pg_get_expr(d.adbin, d.adrelid), a.attidentity::text,"
	" a.attgenerated::text,"
	" CASE WHEN t.typtype = 'e' THEN (SELECT json_agg(e.enumlabel"
	"   ORDER BY e.enumsortorder) FROM pg_enum e"
	"   WHERE e.enumtypid = t.oid)::text END,"
	" col_description(a.attrelid, a.attnum)"
	" FROM pg_attribute a"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY a.attrelid, a.attnum";

/* Keys of the selected tables ($1: their OIDs), and foreign keys
 * pointing at them. */
static const char sql_constraints[] =
	"SELECT co.conrelid::text, co.contype::text, co.conname,"
	" (SELECT json_agg(a.attname ORDER BY k.i)"
	"   FROM unnest(co.conkey) WITH ORDINALITY k(n, i)"
	"   JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n)::text,"
	" fn.nspname, fc.relname,"
	" (SELECT json_agg(a.attname ORDER BY k.i)"
	"   FROM unnest(co.confkey) WITH ORDINALITY k(n, i)"
	"   JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n)::text,"
	" co.confrelid::text, tn.nspname, tc.relname"
	" FROM pg_constraint co"
	" JOIN pg_class tc ON tc.oid = co.conrelid"
	" JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
	" LEFT JOIN pg_class fc ON fc.oid = co.confrelid"
	" LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace"
	" WHERE co.contype IN ('p', 'u', 'f')"
	" AND (co.conrelid = ANY ($1::oid[])"
	"      OR (co.contype = 'f' AND co.confrelid = ANY ($1::oid[])))"
	" ORDER BY co.conrelid, co.contype, co.conname COLLATE \"C\"";

static json_t *
json_list(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;

	return j ? j : json_array();
}

static const char *
kind_name(const char *k)
{
	switch (k[0]) {
	case 'v':
		return "view";
	case 'm':
		return "materialized view";
	case 'f':
		return "foreign table";
	case 'p':
		return "partitioned table";
	default:
		return "table";
	}
}

static void
add_columns(st_studio_req *req, st_map *byoid, st_pgres *r)
{
	for (int i = 0; i < r->nrows; i++) {
		json_t *t = st_map_get(byoid, ST_PGRES_VAL(r, i, 0)), *col;
		const char *enums = ST_PGRES_VAL(r, i, 10);
		const char *ident = ST_PGRES_VAL(r, i, 8);
		const char *gen = ST_PGRES_VAL(r, i, 9);

		if (!t)
			continue;
		col = json_pack("{s:o,s:o,s:o,s:o,s:b,s:o,s:b,s:b,s:b}",
				"name", st_json_str(ST_PGRES_VAL(r, i, 1)),
				"type", st_json_str(ST_PGRES_VAL(r, i, 2)),
				"udt", st_json_str(ST_PGRES_VAL(r, i, 3)),
				"category", st_json_str(ST_PGRES_VAL(r, i, 5)),
				"nullable", strcmp(ST_PGRES_VAL(r, i, 6), "true") != 0,
				"default", st_json_str(ST_PGRES_VAL(r, i, 7)),
				"identity", ident && *ident,
				"generated", gen && *gen,
				"isId", 0);
		if (enums)
			json_object_set_new(col, "enum", json_list(enums));
		if (ST_PGRES_VAL(r, i, 11))
			json_object_set_new(col, "comment",
					    st_json_str(ST_PGRES_VAL(r, i, 11)));
		json_array_append_new(json_object_get(t, "columns"), col);
	}
}

static void
mark_id_columns(json_t *t, json_t *pk)
{
	size_t i, j;
	json_t *c, *name;

	json_array_foreach(json_object_get(t, "columns"), i, c)
		json_array_foreach(pk, j, name)
			if (json_equal(json_object_get(c, "name"), name))
				json_object_set(c, "isId", json_true());
}

static void
add_constraints(st_map *byoid, st_pgres *r)
{
	for (int i = 0; i < r->nrows; i++) {
		json_t *t = st_map_get(byoid, ST_PGRES_VAL(r, i, 0));
		json_t *target = ST_PGRES_VAL(r, i, 7)
			? st_map_get(byoid, ST_PGRES_VAL(r, i, 7)) : NULL;
		char kind = ST_PGRES_VAL(r, i, 1)[0];
		json_t *cols = json_list(ST_PGRES_VAL(r, i, 3));

		if (kind == 'p' && t) {
			json_object_set(t, "primaryKey", cols);
			json_object_set_new(t, "readOnly", json_false());
			mark_id_columns(t, cols);
		} else if (kind == 'u' && t) {
			json_array_append(json_object_get(t, "unique"), cols);
		} else if (kind == 'f') {
			if (t)
				json_array_append_new(
					json_object_get(t, "foreignKeys"),
					json_pack("{s:o,s:O,s:o,s:o,s:o}",
						  "name", st_json_str(ST_PGRES_VAL(r, i, 2)),
						  "columns", cols,
						  "refSchema", st_json_str(ST_PGRES_VAL(r, i, 4)),
						  "refTable", st_json_str(ST_PGRES_VAL(r, i, 5)),
						  "refColumns", json_list(ST_PGRES_VAL(r, i, 6))));
			if (target)
				json_array_append_new(
					json_object_get(target, "referencedBy"),
					json_pack("{s:o,s:o,s:o,s:O,s:o}",
						  "name", st_json_str(ST_PGRES_VAL(r, i, 2)),
						  "schema", st_json_str(ST_PGRES_VAL(r, i, 8)),
						  "table", st_json_str(ST_PGRES_VAL(r, i, 9)),
						  "columns", cols,
						  "refColumns", json_list(ST_PGRES_VAL(r, i, 6))));
		}
		json_decref(cols);
	}
}

/*
 * The three catalog queries; schema/name NULL for every table.  The
 * result is a JSON array of table objects owned by req->cx.
 */
static int
introspect_tables(st_studio_req *req, const char *schema, const char *name,
		  json_t **out)
{
	const char *params[2] = { schema, name };
	const char *oid_param[1];
	st_strbuf oids;
	st_pgres *rt, *rc, *rk;
	st_map byoid, models;
	json_t *list = st_json_own(req->cx, json_array());
	int rc_;

	if ((rc_ = st_studio_query(req, sql_tables, 2, params, &rt)) < 0)
		return rc_;
	st_strbuf_init_arena(&oids, req->cx->arena);
	st_strbuf_addch(&oids, '{');
	for (int i = 0; i < rt->nrows; i++)
		st_strbuf_addf(&oids, "%s%s", i ? "," : "", ST_PGRES_VAL(rt, i, 0));
	st_strbuf_addch(&oids, '}');
	oid_param[0] = oids.buf;
	if ((rc_ = st_studio_query(req, sql_columns, 1, oid_param, &rc)) < 0 ||
	    (rc_ = st_studio_query(req, sql_constraints, 1, oid_param, &rk)) < 0)
		return rc_;
	st_map_init(&byoid, req->cx->arena);
	st_map_init(&models, req->cx->arena);
	if (req->env->schema_path)
		st_studio_schema_models(req->cx, req->env->schema_path, &models);

	for (int i = 0; i < rt->nrows; i++) {
		const char *kind = ST_PGRES_VAL(rt, i, 3);
		const char *tname = ST_PGRES_VAL(rt, i, 2);
		const char *model = st_map_get(&models, tname);
		json_t *t = json_pack(
			"{s:o,s:o,s:s,s:I,s:o,s:[],s:[],s:[],s:[],s:[],s:b}",
			"schema", st_json_str(ST_PGRES_VAL(rt, i, 1)),
			"name", st_json_str(tname),
			"kind", kind_name(kind),
			"estimate", (json_int_t)strtoll(ST_PGRES_VAL(rt, i, 4), NULL, 10),
			"model", st_json_str(model),
			"columns", "primaryKey", "unique", "foreignKeys",
			"referencedBy",
			"readOnly", 1);
		if (ST_PGRES_VAL(rt, i, 5))
			json_object_set_new(t, "comment",
					    st_json_str(ST_PGRES_VAL(rt, i, 5)));
		if (!strcmp(tname, "_prisma_migrations"))
			json_object_set_new(t, "migrations", json_true());
		json_array_append_new(list, t);
		st_map_put(&byoid, ST_PGRES_VAL(rt, i, 0), t);
	}
	add_columns(req, &byoid, rc);
	add_constraints(&byoid, rk);
	*out = list;
	return 0;
}

int
st_studio_table_info(st_studio_req *req, const char *schema, const char *name,
		     json_t **out)
{
	json_t *list;
	int rc;

	if (!name || !*name) {
		st_err_set(req->cx, ST_EUSAGE, "the \"table\" argument is missing");
		return ST_EUSAGE;
	}
	if (!schema || !*schema)
		schema = "public";
	if ((rc = introspect_tables(req, schema, name, &list)) < 0)
		return rc;
	if (json_array_size(list) == 0) {
		st_err_set(req->cx, ST_ENOTFOUND, "table \"%s\".\"%s\" does not exist",
			   schema, name);
		return ST_ENOTFOUND;
	}
	*out = json_array_get(list, 0);
	return 0;
}

int
st_route_tables_list(st_studio_req *req)
{
	json_t *list;
	int rc;

	if ((rc = introspect_tables(req, st_studio_arg(req, "schema"), NULL,
				    &list)) < 0)
		return rc;
	return st_studio_reply(req, json_pack("{s:O}", "tables", list));
}

int
st_route_table_get(st_studio_req *req)
{
	json_t *t;
	int rc;

	if ((rc = st_studio_table_info(req, st_studio_arg(req, "schema"),
				       st_studio_arg(req, "table"), &t)) < 0)
		return rc;
	return st_studio_reply(req, json_incref(t));
}
