/*
 * route_rows.c - rows of one table: GET (keyset or offset pagination,
 * sort on any column, AND-ed filters), POST (insert), PATCH (update one
 * cell or more of one row), DELETE (rows by primary key).
 *
 * Every identifier is quoted with st_sql_ident/st_sql_qualified after it
 * was checked against the catalog; every value is a PQexecParams
 * parameter in PostgreSQL's text format, so each column type parses its
 * own input.  Writes run in a transaction and report the database's
 * message on failure.  Tables (and views) without a primary key are
 * read-only.  Counting is never done: a page fetches limit + 1 rows to
 * know whether there is a next one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "studio/route.h"
#include "util/map.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 1000
#define DELETE_MAX 1000
#define BOOLOID 16

typedef struct params {
	const char **v;
	int n, cap;
	st_arena *a;
} params;

/* Adds a parameter and returns its number ($n). */
static int
param(params *p, const char *value)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		const char **v = st_alloc_array(p->a, (size_t)cap, sizeof(char *));

		if (p->n)
			memcpy(v, p->v, (size_t)p->n * sizeof(char *));
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = value;
	return p->n;
}

typedef struct target {
	const char *schema, *name;
	json_t *info;   /* from st_studio_table_info */
	json_t *pk;     /* array of column names, may be empty */
	st_strbuf qname;
} target;

static int
load_target(st_studio_req *req, target *t)
{
	int rc;

	t->schema = st_studio_arg(req, "schema");
	t->name = st_studio_arg(req, "table");
	if (!t->schema || !*t->schema)
		t->schema = "public";
	if ((rc = st_studio_table_info(req, t->schema, t->name, &t->info)) < 0)
		return rc;
	t->pk = json_object_get(t->info, "primaryKey");
	st_strbuf_init_arena(&t->qname, req->cx->arena);
	st_sql_qualified(&t->qname, t->schema, t->name);
	return 0;
}

static json_t *
find_column(const target *t, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(t->info, "columns"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	return NULL;
}

static int
unknown_column(st_studio_req *req, const target *t, const char *name)
{
	st_err_set(req->cx, ST_EUSAGE, "column \"%s\" does not exist in table \"%s\"",
		   name, t->name);
	return ST_EUSAGE;
}

static int
require_pk(st_studio_req *req, const target *t)
{
	if (json_array_size(t->pk) > 0)
		return 0;
	st_err_set(req->cx, ST_ECONFLICT, "table \"%s\" has no primary key", t->name);
	st_err_detail(req->cx, "Rows of a table without a primary key cannot be "
		      "identified, so the studio shows them read-only.");
	return ST_ECONFLICT;
}

/* Comparison of types without an equality operator goes through text. */
static bool
compare_as_text(json_t *col)
{
	static const char *const types[] = { "json", "xml", "point", "line",
		"lseg", "box", "path", "polygon", "circle", NULL };
	const char *udt = json_string_value(json_object_get(col, "udt"));

	for (int i = 0; types[i]; i++)
		if (udt && !strcmp(udt, types[i]))
			return true;
	return false;
}

/* Rows as JSON: booleans as true/false, every other value as text. */
static json_t *
rows_json(st_pgres *r, int limit)
{
	json_t *cols = json_array(), *rows = json_array();
	int n = limit >= 0 && r->nrows > limit ? limit : r->nrows;

	for (int j = 0; j < r->ncols; j++)
		json_array_append_new(cols, st_json_str(r->names[j]));
	for (int i = 0; i < n; i++) {
		json_t *row = json_array();

		for (int j = 0; j < r->ncols; j++) {
			const char *v = ST_PGRES_VAL(r, i, j);

			if (v && r->types[j] == BOOLOID)
				json_array_append_new(row, json_boolean(v[0] == 't'));
			else
				json_array_append_new(row, st_json_str(v));
		}
		json_array_append_new(rows, row);
	}
	return json_pack("{s:o,s:o}", "columns", cols, "rows", rows);
}

static int
result_col(st_pgres *r, const char *name)
{
	for (int j = 0; j < r->ncols; j++)
		if (!strcmp(r->names[j], name))
			return j;
	return -1;
}

/* ==== GET /api/rows ==== */

/* "%" || value with LIKE's wildcards escaped || "%" */
static const char *
like_pattern(st_arena *a, const char *v)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	st_strbuf_addch(&sb, '%');
	for (; *v; v++) {
		if (*v == '%' || *v == '_' || *v == '\\')
			st_strbuf_addch(&sb, '\\');
		st_strbuf_addch(&sb, *v);
	}
	st_strbuf_addch(&sb, '%');
	return sb.buf;
}

static int
add_filters(st_studio_req *req, const target *t, const char *text,
	    st_strbuf *where, params *p)
{
	json_t *filters, *f;
	size_t i;
	int rc;

	if (!text || !*text)
		return 0;
	if ((rc = st_json_parse(req->cx, text, strlen(text), &filters)) < 0)
		return rc;
	if (!json_is_array(filters))
		return st_err_set(req->cx, ST_EUSAGE, "\"filters\" must be a JSON array");
	json_array_foreach(filters, i, f) {
		const char *cname = json_string_value(json_object_get(f, "column"));
		const char *op = json_string_value(json_object_get(f, "op"));
		json_t *val = json_object_get(f, "value"), *col;
		const char *sqlop = NULL;
		const char *v;

		if (!cname || !op)
			return st_err_set(req->cx, ST_EUSAGE,
					  "a filter needs \"column\" and \"op\"");
		if (!(col = find_column(t, cname)))
			return unknown_column(req, t, cname);
		st_strbuf_adds(where, where->len ? " AND " : " WHERE ");
		if (!strcmp(op, "null") || !strcmp(op, "notnull")) {
			st_sql_ident(where, cname);
			st_strbuf_adds(where, op[0] == 'n' && op[1] == 'u'
				       ? " IS NULL" : " IS NOT NULL");
			continue;
		}
		if (!val || json_is_null(val))
			return st_err_set(req->cx, ST_EUSAGE,
					  "filter \"%s\" on \"%s\" needs a value",
					  op, cname);
		v = st_json_to_sql_text(req->cx, val);
		if (!strcmp(op, "contains")) {
			st_sql_ident(where, cname);
			st_strbuf_addf(where, "::text ILIKE $%d",
				       param(p, like_pattern(req->cx->arena, v)));
			continue;
		}
		if (!strcmp(op, "eq"))
			sqlop = "=";
		else if (!strcmp(op, "neq"))
			sqlop = "IS DISTINCT FROM";
		else if (!strcmp(op, "lt"))
			sqlop = "<";
		else if (!strcmp(op, "lte"))
			sqlop = "<=";
		else if (!strcmp(op, "gt"))
			sqlop = ">";
		else if (!strcmp(op, "gte"))
			sqlop = ">=";
		else
			return st_err_set(req->cx, ST_EUSAGE,
					  "unknown filter operator \"%s\"", op);
		st_sql_ident(where, cname);
		if (compare_as_text(col))
			st_strbuf_adds(where, "::text");
		st_strbuf_addf(where, " %s $%d", sqlop, param(p, v));
	}
	return 0;
}

/* (pk1, pk2) as SQL, or ($3, $4) for values of a cursor */
static void
pk_tuple(st_strbuf *sb, json_t *pk)
{
	size_t i;
	json_t *c;

	st_strbuf_addch(sb, '(');
	json_array_foreach(pk, i, c) {
		if (i)
			st_strbuf_adds(sb, ", ");
		st_sql_ident(sb, json_string_value(c));
	}
	st_strbuf_addch(sb, ')');
}

static int
pk_params(st_studio_req *req, st_strbuf *sb, params *p, json_t *keys,
	  size_t npk)
{
	size_t i;
	json_t *v;

	if (!json_is_array(keys) || json_array_size(keys) != npk)
		return st_err_set(req->cx, ST_EUSAGE, "invalid \"after\" cursor");
	st_strbuf_addch(sb, '(');
	json_array_foreach(keys, i, v)
		st_strbuf_addf(sb, "%s$%d", i ? ", " : "",
			       param(p, st_json_to_sql_text(req->cx, v)));
	st_strbuf_addch(sb, ')');
	return 0;
}

/*
 * Keyset condition after the cursor {"k": [pk values], "s": sort value}
 * for ORDER BY sort dir NULLS LAST, pk ASC (sort may be NULL: pk dir).
 */
static int
add_keyset(st_studio_req *req, const target *t, const char *sort, bool desc,
	   const char *after, st_strbuf *where, params *p)
{
	json_t *cur, *s;
	st_strbuf pkv;
	const char *op = desc ? "<" : ">";
	int rc, sp;

	if ((rc = st_json_parse(req->cx, after, strlen(after), &cur)) < 0)
		return rc;
	st_strbuf_init_arena(&pkv, req->cx->arena);
	st_strbuf_adds(where, where->len ? " AND " : " WHERE ");
	if (!sort) {
		if ((rc = pk_params(req, &pkv, p, json_object_get(cur, "k"),
				    json_array_size(t->pk))) < 0)
			return rc;
		pk_tuple(where, t->pk);
		st_strbuf_addf(where, " %s %s", op, pkv.buf);
		return 0;
	}
	s = json_object_get(cur, "s");
	if (!s)
		return st_err_set(req->cx, ST_EUSAGE, "invalid \"after\" cursor");
	if ((rc = pk_params(req, &pkv, p, json_object_get(cur, "k"),
			    json_array_size(t->pk))) < 0)
		return rc;
	if (json_is_null(s)) {
		st_strbuf_addch(where, '(');
		st_sql_ident(where, sort);
		st_strbuf_adds(where, " IS NULL AND ");
		pk_tuple(where, t->pk);
		st_strbuf_addf(where, " > %s)", pkv.buf);
		return 0;
	}
	sp = param(p, st_json_to_sql_text(req->cx, s));
	st_strbuf_addch(where, '(');
	st_sql_ident(where, sort);
	st_strbuf_addf(where, " %s $%d OR (", op, sp);
	st_sql_ident(where, sort);
	st_strbuf_addf(where, " = $%d AND ", sp);
	pk_tuple(where, t->pk);
	st_strbuf_addf(where, " > %s) OR ", pkv.buf);
	st_sql_ident(where, sort);
	st_strbuf_adds(where, " IS NULL)");
	return 0;
}

static json_t *
make_cursor(st_pgres *r, int row, const target *t, const char *sort)
{
	json_t *k = json_array(), *c;
	size_t i;
	int j;

	json_array_foreach(t->pk, i, c) {
		j = result_col(r, json_string_value(c));
		json_array_append_new(k, st_json_str(j >= 0 ? ST_PGRES_VAL(r, row, j)
							    : NULL));
	}
	c = json_pack("{s:o}", "k", k);
	if (sort) {
		j = result_col(r, sort);
		json_object_set_new(c, "s", st_json_str(j >= 0 ? ST_PGRES_VAL(r, row, j)
							       : NULL));
	}
	return c;
}

/* A whole decimal number, or -1 ("10abc", "", overflow). */
static long
int_arg(const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end)
		return -1;
	return v;
}

int
st_route_rows_list(st_studio_req *req)
{
	target t = { 0 };
	params p = { .a = req->cx->arena };
	const char *sort = st_studio_arg(req, "sort");
	const char *dir = st_studio_arg(req, "dir");
	const char *after = st_studio_arg(req, "after");
	const char *off = st_studio_arg(req, "offset");
	const char *lim = st_studio_arg(req, "limit");
	long limit = lim ? int_arg(lim) : PAGE_DEFAULT;
	long offset = off ? int_arg(off) : 0;
	bool desc = dir && !strcmp(dir, "desc");
	bool keyset;
	st_strbuf sql, where;
	st_pgres *r;
	json_t *out;
	int rc;

	if ((rc = load_target(req, &t)) < 0)
		return rc;
	if (limit < 1 || limit > PAGE_MAX)
		return st_err_set(req->cx, ST_EUSAGE,
				  "\"limit\" must be between 1 and %d", PAGE_MAX);
	if (offset < 0)
		return st_err_set(req->cx, ST_EUSAGE, "\"offset\" must not be negative");
	if (sort && !*sort)
		sort = NULL;
	if (sort && !find_column(&t, sort))
		return unknown_column(req, &t, sort);
	keyset = json_array_size(t.pk) > 0 && !off;
	/* Sorting by the single primary-key column is plain pk order. */
	if (keyset && sort && json_array_size(t.pk) == 1 &&
	    !strcmp(sort, json_string_value(json_array_get(t.pk, 0))))
		sort = NULL;

	st_strbuf_init_arena(&sql, req->cx->arena);
	st_strbuf_init_arena(&where, req->cx->arena);
	if ((rc = add_filters(req, &t, st_studio_arg(req, "filters"), &where, &p)) < 0)
		return rc;
	if (keyset && after && *after &&
	    (rc = add_keyset(req, &t, sort, desc, after, &where, &p)) < 0)
		return rc;

	st_strbuf_addf(&sql, "SELECT * FROM %s%s", t.qname.buf, where.buf);
	if (sort) {
		st_strbuf_adds(&sql, " ORDER BY ");
		st_sql_ident(&sql, sort);
		st_strbuf_adds(&sql, desc ? " DESC NULLS LAST" : " ASC NULLS LAST");
		if (json_array_size(t.pk)) {
			size_t i;
			json_t *c;

			json_array_foreach(t.pk, i, c) {
				st_strbuf_adds(&sql, ", ");
				st_sql_ident(&sql, json_string_value(c));
			}
		}
	} else if (json_array_size(t.pk)) {
		size_t i;
		json_t *c;

		st_strbuf_adds(&sql, " ORDER BY ");
		json_array_foreach(t.pk, i, c) {
			if (i)
				st_strbuf_adds(&sql, ", ");
			st_sql_ident(&sql, json_string_value(c));
			st_strbuf_adds(&sql, desc ? " DESC" : "");
		}
	}
	st_strbuf_addf(&sql, " LIMIT %ld", limit + 1);
	if (!keyset && offset)
		st_strbuf_addf(&sql, " OFFSET %ld", offset);

	if ((rc = st_studio_query(req, sql.buf, p.n, p.v, &r)) < 0)
		return rc;
	out = rows_json(r, (int)limit);
	json_object_set_new(out, "mode", json_string(keyset ? "keyset" : "offset"));
	json_object_set_new(out, "limit", json_integer(limit));
	json_object_set_new(out, "offset", json_integer(keyset ? 0 : offset));
	json_object_set_new(out, "hasMore", json_boolean(r->nrows > limit));
	json_object_set_new(out, "readOnly", json_boolean(
		req->env->read_only || json_array_size(t.pk) == 0));
	if (keyset && r->nrows > limit) {
		json_t *cur = make_cursor(r, (int)limit - 1, &t, sort);
		size_t len;
		char *text = st_json_dump(cur, &len);

		json_object_set_new(out, "next", json_string(text));
		free(text);
		json_decref(cur);
	} else {
		json_object_set_new(out, "next", json_null());
	}
	return st_studio_reply(req, out);
}

/* ==== writes ==== */

static int
begin(st_studio_req *req)
{
	return st_studio_query(req, "BEGIN", 0, NULL, NULL);
}

static int
commit(st_studio_req *req)
{
	return st_studio_query(req, "COMMIT", 0, NULL, NULL);
}

static int
rollback_with(st_studio_req *req, int code, const char *msg)
{
	st_studio_query(req, "ROLLBACK", 0, NULL, NULL);
	return st_err_set(req->cx, code, "%s", msg);
}

static int
parse_object_body(st_studio_req *req, json_t **out)
{
	int rc;

	if ((rc = st_json_parse(req->cx, req->body, req->body_len, out)) < 0)
		return rc;
	if (!json_is_object(*out))
		return st_err_set(req->cx, ST_EUSAGE,
				  "the request body must be a JSON object");
	return 0;
}

/* What every write checks first: writable studio, table with a primary
 * key, a JSON object body. */
static int
write_target(st_studio_req *req, target *t, json_t **body)
{
	int rc;

	if ((rc = st_studio_require_writable(req)) < 0 ||
	    (rc = load_target(req, t)) < 0 || (rc = require_pk(req, t)) < 0 ||
	    (rc = parse_object_body(req, body)) < 0)
		return rc;
	return 0;
}

/* WHERE "pk1" = $a AND "pk2" = $b for one key object */
static int
add_key_match(st_studio_req *req, const target *t, json_t *key, st_strbuf *sb,
	      params *p)
{
	size_t i;
	json_t *c, *v;

	if (!json_is_object(key))
		return st_err_set(req->cx, ST_EUSAGE,
				  "a row key must be an object of primary-key values");
	json_array_foreach(t->pk, i, c) {
		const char *name = json_string_value(c);

		v = json_object_get(key, name);
		if (!v || json_is_null(v))
			return st_err_set(req->cx, ST_EUSAGE,
					  "the row key lacks primary-key column \"%s\"",
					  name);
		if (i)
			st_strbuf_adds(sb, " AND ");
		st_sql_ident(sb, name);
		st_strbuf_addf(sb, " = $%d", param(p, st_json_to_sql_text(req->cx, v)));
	}
	return 0;
}

int
st_route_rows_insert(st_studio_req *req)
{
	target t = { 0 };
	params p = { .a = req->cx->arena };
	json_t *body, *values, *v;
	const char *name;
	st_strbuf sql, vals;
	st_pgres *r;
	int rc;

	if ((rc = write_target(req, &t, &body)) < 0)
		return rc;
	values = json_object_get(body, "values");
	if (values && !json_is_object(values))
		return st_err_set(req->cx, ST_EUSAGE, "\"values\" must be an object");
	st_strbuf_init_arena(&sql, req->cx->arena);
	st_strbuf_init_arena(&vals, req->cx->arena);
	st_strbuf_addf(&sql, "INSERT INTO %s", t.qname.buf);
	if (!values || json_object_size(values) == 0) {
		st_strbuf_adds(&sql, " DEFAULT VALUES");
	} else {
		st_strbuf_adds(&sql, " (");
		json_object_foreach(values, name, v) {
			if (!find_column(&t, name))
				return unknown_column(req, &t, name);
			if (p.n) {
				st_strbuf_adds(&sql, ", ");
				st_strbuf_adds(&vals, ", ");
			}
			st_sql_ident(&sql, name);
			st_strbuf_addf(&vals, "$%d",
				       param(&p, st_json_to_sql_text(req->cx, v)));
		}
		st_strbuf_addf(&sql, ") VALUES (%s)", vals.buf);
	}
	st_strbuf_adds(&sql, " RETURNING *");
	if ((rc = begin(req)) < 0 ||
	    (rc = st_studio_query(req, sql.buf, p.n, p.v, &r)) < 0 ||
	    (rc = commit(req)) < 0)
		return rc;
	req->status = 201;
	return st_studio_reply(req, rows_json(r, -1));
}

int
st_route_rows_update(st_studio_req *req)
{
	target t = { 0 };
	params p = { .a = req->cx->arena };
	json_t *body, *set, *v;
	const char *name;
	st_strbuf sql;
	st_pgres *r;
	int rc;

	if ((rc = write_target(req, &t, &body)) < 0)
		return rc;
	set = json_object_get(body, "set");
	if (!json_is_object(set) || json_object_size(set) == 0)
		return st_err_set(req->cx, ST_EUSAGE,
				  "\"set\" must be an object with at least one column");
	st_strbuf_init_arena(&sql, req->cx->arena);
	st_strbuf_addf(&sql, "UPDATE %s SET ", t.qname.buf);
	json_object_foreach(set, name, v) {
		if (!find_column(&t, name))
			return unknown_column(req, &t, name);
		if (p.n)
			st_strbuf_adds(&sql, ", ");
		st_sql_ident(&sql, name);
		st_strbuf_addf(&sql, " = $%d", param(&p, st_json_to_sql_text(req->cx, v)));
	}
	st_strbuf_adds(&sql, " WHERE ");
	if ((rc = add_key_match(req, &t, json_object_get(body, "key"), &sql, &p)) < 0)
		return rc;
	st_strbuf_adds(&sql, " RETURNING *");
	if ((rc = begin(req)) < 0 ||
	    (rc = st_studio_query(req, sql.buf, p.n, p.v, &r)) < 0)
		return rc;
	if (r->nrows != 1)
		return rollback_with(req, ST_ENOTFOUND, "row not found");
	if ((rc = commit(req)) < 0)
		return rc;
	return st_studio_reply(req, rows_json(r, -1));
}

/* A row key's primary-key values as parameter text, "\x1f"-separated
 * (NULL when add_key_match will refuse the key). */
static const char *
key_text(st_studio_req *req, const target *t, json_t *key)
{
	st_strbuf sb;
	size_t i;
	json_t *c, *v;

	if (!json_is_object(key))
		return NULL;
	st_strbuf_init_arena(&sb, req->cx->arena);
	json_array_foreach(t->pk, i, c) {
		v = json_object_get(key, json_string_value(c));
		if (!v || json_is_null(v))
			return NULL;
		if (i)
			st_strbuf_addch(&sb, '\x1f');
		st_strbuf_adds(&sb, st_json_to_sql_text(req->cx, v));
	}
	return sb.buf;
}

int
st_route_rows_delete(st_studio_req *req)
{
	target t = { 0 };
	params p = { .a = req->cx->arena };
	json_t *body, *keys, *key;
	st_strbuf sql;
	st_pgres *r;
	size_t i, nkeys = 0;
	st_map seen;
	int rc;

	if ((rc = write_target(req, &t, &body)) < 0)
		return rc;
	keys = json_object_get(body, "keys");
	if (!json_is_array(keys) || json_array_size(keys) == 0 ||
	    json_array_size(keys) > DELETE_MAX)
		return st_err_set(req->cx, ST_EUSAGE,
				  "\"keys\" must be an array of 1 to %d row keys",
				  DELETE_MAX);
	/* the same key twice ({"id": 1}, {"id": "1"}) is one row */
	st_map_init(&seen, req->cx->arena);
	json_array_foreach(keys, i, key) {
		const char *k = key_text(req, &t, key);

		if (!k || !st_map_put(&seen, k, key))
			nkeys++;
	}
	st_strbuf_init_arena(&sql, req->cx->arena);
	st_strbuf_addf(&sql, "DELETE FROM %s WHERE ", t.qname.buf);
	json_array_foreach(keys, i, key) {
		st_strbuf_adds(&sql, i ? " OR (" : "(");
		if ((rc = add_key_match(req, &t, key, &sql, &p)) < 0)
			return rc;
		st_strbuf_addch(&sql, ')');
	}
	if ((rc = begin(req)) < 0 ||
	    (rc = st_studio_query(req, sql.buf, p.n, p.v, &r)) < 0)
		return rc;
	if (r->affected != (long)nkeys)
		return rollback_with(req, ST_ENOTFOUND,
				     st_strfmt(req->cx->arena,
					       "%ld of %zu rows not found; nothing was deleted",
					       (long)nkeys - r->affected, nkeys));
	if ((rc = commit(req)) < 0)
		return rc;
	return st_studio_reply(req, json_pack("{s:I}", "deleted",
					      (json_int_t)r->affected));
}
