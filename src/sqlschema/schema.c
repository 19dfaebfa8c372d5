/*
 * schema.c - building and reading the SQL schema model (schema.h), and
 * the small rendering helpers (types, defaults, identifiers) that the
 * renderer, the summary and the destructive-change checker share.
 */
#include <stdio.h>
#include <string.h>

#include "sqlschema/schema.h"

static const char *
nsname(const char *ns)
{
	return ns && *ns ? ns : "public";
}

/* "ns\x1fname" into out (room for lens + 2), returns its length. */
static size_t
put_key(char *out, const char *ns, size_t nl, const char *name, size_t ml)
{
	memcpy(out, ns, nl);
	out[nl] = '\x1f';
	memcpy(out + nl + 1, name, ml + 1);
	return nl + 1 + ml;
}

static const char *
qual_key(st_arena *a, const char *ns, const char *name)
{
	const char *n = nsname(ns);
	size_t nl = strlen(n), ml = strlen(name);
	char *k = st_alloc(a, nl + ml + 2);

	put_key(k, n, nl, name, ml);
	return k;
}

st_schema *
st_schema_new(st_ctx *cx)
{
	st_schema *s = st_alloc(cx->arena, sizeof(*s));

	s->cx = cx;
	st_vec_init(&s->namespaces, cx->arena);
	st_vec_init(&s->tables, cx->arena);
	st_vec_init(&s->enums, cx->arena);
	st_vec_init(&s->extensions, cx->arena);
	st_map_init(&s->tablemap, cx->arena);
	st_map_init(&s->enummap, cx->arena);
	return s;
}

st_namespace *
st_schema_add_namespace(st_schema *s, const char *name)
{
	for (size_t i = 0; i < s->namespaces.len; i++) {
		st_namespace *ns = s->namespaces.items[i];

		if (!strcmp(ns->name, name))
			return ns;
	}
	st_namespace *ns = st_alloc(s->cx->arena, sizeof(*ns));

	ns->name = st_strdup(s->cx->arena, name);
	ns->id = (int)s->namespaces.len;
	st_vec_push(&s->namespaces, ns);
	return ns;
}

/* Tables with at least this many columns look them up by hash. */
#define COLMAP_MIN 16

st_table *
st_schema_add_table(st_schema *s, const char *schema, const char *name)
{
	st_arena *a = s->cx->arena;
	st_table *t = st_alloc(a, sizeof(*t));

	t->name = st_strdup(a, name);
	t->ns = st_strdup(a, nsname(schema));
	t->schema = s->multi_schema ? t->ns : NULL;
	st_vec_init(&t->columns, a);
	st_vec_init(&t->indexes, a);
	st_vec_init(&t->fks, a);
	st_map_init(&t->colmap, a);
	t->id = (int)s->tables.len;
	st_vec_push(&s->tables, t);
	st_map_put(&s->tablemap, qual_key(a, schema, name), t);
	return t;
}

st_column *
st_table_add_column(st_schema *s, st_table *t, const char *name)
{
	st_column *c = st_alloc(s->cx->arena, sizeof(*c));

	c->name = st_strdup(s->cx->arena, name);
	c->table = t;
	c->pos = (int)t->columns.len;
	c->type.arity = ST_ARITY_REQUIRED;
	st_vec_push(&t->columns, c);
	/*
	 * Small tables (most) are searched linearly, which costs less than
	 * hashing; the map is built when the table grows past that size.
	 */
	if (t->columns.len == COLMAP_MIN) {
		for (size_t i = 0; i < t->columns.len; i++) {
			st_column *o = t->columns.items[i];

			if (!st_map_get(&t->colmap, o->name))
				st_map_put(&t->colmap, o->name, o);
		}
	} else if (t->columns.len > COLMAP_MIN &&
		   !st_map_get(&t->colmap, c->name)) {
		st_map_put(&t->colmap, c->name, c);
	}
	return c;
}

st_index *
st_table_add_index(st_schema *s, st_table *t, const char *name,
		   st_index_kind kind)
{
	st_index *ix = st_alloc(s->cx->arena, sizeof(*ix));

	ix->name = st_strdup(s->cx->arena, name ? name : "");
	ix->kind = kind;
	ix->table = t;
	ix->id = s->next_index_id++;
	st_vec_init(&ix->cols, s->cx->arena);
	if (kind == ST_INDEX_PRIMARY)
		t->pk = ix;
	else
		st_vec_push(&t->indexes, ix);
	return ix;
}

st_index_col *
st_index_add_column(st_schema *s, st_index *ix, st_column *c)
{
	st_index_col *ic = st_alloc(s->cx->arena, sizeof(*ic));

	ic->column = c;
	st_vec_push(&ix->cols, ic);
	return ic;
}

st_fk *
st_table_add_fk(st_schema *s, st_table *t, const char *name, st_table *ref)
{
	st_fk *fk = st_alloc(s->cx->arena, sizeof(*fk));

	fk->name = name ? st_strdup(s->cx->arena, name) : NULL;
	fk->table = t;
	fk->ref_table = ref;
	fk->on_delete = ST_FK_NO_ACTION;
	fk->on_update = ST_FK_NO_ACTION;
	st_vec_init(&fk->cols, s->cx->arena);
	st_vec_init(&fk->ref_cols, s->cx->arena);
	fk->id = s->next_fk_id++;
	st_vec_push(&t->fks, fk);
	return fk;
}

st_enum *
st_schema_add_enum(st_schema *s, const char *schema, const char *name)
{
	st_arena *a = s->cx->arena;
	st_enum *e = st_alloc(a, sizeof(*e));

	e->name = st_strdup(a, name);
	e->ns = st_strdup(a, nsname(schema));
	e->schema = s->multi_schema ? e->ns : NULL;
	st_vec_init(&e->values, a);
	e->id = (int)s->enums.len;
	st_vec_push(&s->enums, e);
	st_map_put(&s->enummap, qual_key(a, schema, name), e);
	return e;
}

st_extension *
st_schema_add_extension(st_schema *s, const char *name)
{
	st_extension *x = st_alloc(s->cx->arena, sizeof(*x));

	x->name = st_strdup(s->cx->arena, name);
	x->schema = "";
	x->version = "";
	x->id = (int)s->extensions.len;
	st_vec_push(&s->extensions, x);
	return x;
}

st_value *
st_value_new(st_schema *s, st_value_kind kind, const char *text)
{
	st_value *v = st_alloc(s->cx->arena, sizeof(*v));

	v->kind = kind;
	v->text = text ? st_strdup(s->cx->arena, text) : "";
	st_vec_init(&v->items, s->cx->arena);
	return v;
}

st_table *
st_schema_table(const st_schema *s, const char *schema, const char *name)
{
	char buf[512];
	const char *n = nsname(schema);
	size_t nl = strlen(n), ml = strlen(name);

	if (nl + ml + 2 > sizeof(buf))
		return st_map_get(&s->tablemap, qual_key(s->cx->arena, schema, name));
	return st_map_getn(&s->tablemap, buf, put_key(buf, n, nl, name, ml));
}

st_enum *
st_schema_enum(const st_schema *s, const char *schema, const char *name)
{
	char buf[512];
	const char *n = nsname(schema);
	size_t nl = strlen(n), ml = strlen(name);

	if (nl + ml + 2 > sizeof(buf))
		return st_map_get(&s->enummap, qual_key(s->cx->arena, schema, name));
	return st_map_getn(&s->enummap, buf, put_key(buf, n, nl, name, ml));
}

st_column *
st_table_column(const st_table *t, const char *name)
{
	if (t->columns.len >= COLMAP_MIN)
		return st_map_get(&t->colmap, name);
	for (size_t i = 0; i < t->columns.len; i++) {
		st_column *c = t->columns.items[i];

		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

void
st_schema_finish(st_schema *s)
{
	for (size_t i = 0; i < s->tables.len; i++) {
		st_table *t = s->tables.items[i];

		t->id = (int)i;
		for (size_t j = 0; j < t->columns.len; j++)
			((st_column *)t->columns.items[j])->pos = (int)j;
	}
	for (size_t i = 0; i < s->enums.len; i++)
		((st_enum *)s->enums.items[i])->id = (int)i;
	for (size_t i = 0; i < s->extensions.len; i++)
		((st_extension *)s->extensions.items[i])->id = (int)i;
	for (size_t i = 0; i < s->namespaces.len; i++)
		((st_namespace *)s->namespaces.items[i])->id = (int)i;
}

/* ==== rendering helpers ==== */

void
st_render_ident(st_strbuf *sb, const char *name)
{
	size_t n = strlen(name);

	if (memchr(name, '"', n)) {
		st_sql_ident(sb, name);
		return;
	}
	st_strbuf_grow(sb, n + 2);
	sb->buf[sb->len++] = '"';
	memcpy(sb->buf + sb->len, name, n);
	sb->len += n;
	sb->buf[sb->len++] = '"';
	sb->buf[sb->len] = 0;
}

void
st_render_qualified(st_strbuf *sb, const char *schema, const char *name)
{
	if (schema) {
		st_render_ident(sb, schema);
		st_strbuf_addch(sb, '.');
	}
	st_render_ident(sb, name);
}

void
st_render_string(st_strbuf *sb, const char *s)
{
	if (!strchr(s, '\'')) {
		st_strbuf_addch(sb, '\'');
		st_strbuf_adds(sb, s);
		st_strbuf_addch(sb, '\'');
		return;
	}
	st_strbuf_addch(sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			st_strbuf_addch(sb, '\'');
		st_strbuf_addch(sb, *p);
	}
	st_strbuf_addch(sb, '\'');
}

/* Appends a decimal integer without printf (hot: one per typed column). */
static void
add_long(st_strbuf *sb, long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	st_strbuf_add(sb, tmp + i, sizeof(tmp) - i);
}

static void
args1(st_strbuf *sb, const st_coltype *t)
{
	if (t->nargs >= 1) {
		st_strbuf_addch(sb, '(');
		add_long(sb, t->args[0]);
		st_strbuf_addch(sb, ')');
	}
}

void
st_coltype_render(st_strbuf *sb, const st_column *c)
{
	const st_coltype *t = &c->type;

	if (t->family == ST_FAM_ENUM) {
		st_render_qualified(sb, t->enum_schema, t->enum_name);
	} else if (t->family == ST_FAM_UNSUPPORTED || t->native == ST_PG_NONE) {
		st_strbuf_adds(sb, t->raw ? t->raw : "");
	} else {
		switch (t->native) {
		case ST_PG_CITEXT: st_strbuf_adds(sb, "CITEXT"); break;
		case ST_PG_OID: st_strbuf_adds(sb, "OID"); break;
		case ST_PG_INET: st_strbuf_adds(sb, "INET"); break;
		case ST_PG_MONEY: st_strbuf_adds(sb, "MONEY"); break;
		case ST_PG_SMALLINT:
			st_strbuf_adds(sb, c->autoincrement ? "SMALLSERIAL" : "SMALLINT");
			break;
		case ST_PG_INTEGER:
			st_strbuf_adds(sb, c->autoincrement ? "SERIAL" : "INTEGER");
			break;
		case ST_PG_BIGINT:
			st_strbuf_adds(sb, c->autoincrement ? "BIGSERIAL" : "BIGINT");
			break;
		case ST_PG_DECIMAL:
			st_strbuf_adds(sb, "DECIMAL");
			if (t->nargs >= 2)
			{
				st_strbuf_addch(sb, '(');
				add_long(sb, t->args[0]);
				st_strbuf_addch(sb, ',');
				add_long(sb, t->args[1]);
				st_strbuf_addch(sb, ')');
			}
			break;
		case ST_PG_REAL: st_strbuf_adds(sb, "REAL"); break;
		case ST_PG_DOUBLE: st_strbuf_adds(sb, "DOUBLE PRECISION"); break;
		case ST_PG_VARCHAR: st_strbuf_adds(sb, "VARCHAR"); args1(sb, t); break;
		case ST_PG_CHAR: st_strbuf_adds(sb, "CHAR"); args1(sb, t); break;
		case ST_PG_TEXT: st_strbuf_adds(sb, "TEXT"); break;
		case ST_PG_BYTEA: st_strbuf_adds(sb, "BYTEA"); break;
		case ST_PG_DATE: st_strbuf_adds(sb, "DATE"); break;
		case ST_PG_TIMESTAMP: st_strbuf_adds(sb, "TIMESTAMP"); args1(sb, t); break;
		case ST_PG_TIMESTAMPTZ: st_strbuf_adds(sb, "TIMESTAMPTZ"); args1(sb, t); break;
		case ST_PG_TIME: st_strbuf_adds(sb, "TIME"); args1(sb, t); break;
		case ST_PG_TIMETZ: st_strbuf_adds(sb, "TIMETZ"); args1(sb, t); break;
		case ST_PG_BOOLEAN: st_strbuf_adds(sb, "BOOLEAN"); break;
		case ST_PG_BIT: st_strbuf_adds(sb, "BIT"); args1(sb, t); break;
		case ST_PG_VARBIT: st_strbuf_adds(sb, "VARBIT"); args1(sb, t); break;
		case ST_PG_UUID: st_strbuf_adds(sb, "UUID"); break;
		case ST_PG_XML: st_strbuf_adds(sb, "XML"); break;
		case ST_PG_JSON: st_strbuf_adds(sb, "JSON"); break;
		case ST_PG_JSONB: st_strbuf_adds(sb, "JSONB"); break;
		case ST_PG_NONE: break;
		}
	}
	if (t->arity == ST_ARITY_LIST)
		st_strbuf_adds(sb, "[]");
}

static void
render_value(st_strbuf *sb, const st_value *v, const char *full_type)
{
	switch (v->kind) {
	case ST_VAL_STRING:
	case ST_VAL_ENUM:
	case ST_VAL_JSON:
	case ST_VAL_DATETIME:
		st_render_string(sb, v->text);
		break;
	case ST_VAL_BYTES:
		st_strbuf_adds(sb, "'\\x");
		st_strbuf_adds(sb, v->text);
		st_strbuf_addch(sb, '\'');
		break;
	case ST_VAL_LIST:
		st_strbuf_adds(sb, "ARRAY[");
		for (size_t i = 0; i < v->items.len; i++) {
			if (i)
				st_strbuf_adds(sb, ", ");
			render_value(sb, v->items.items[i], full_type);
		}
		st_strbuf_adds(sb, "]::");
		st_strbuf_adds(sb, full_type);
		break;
	case ST_VAL_INT:
	case ST_VAL_BIGINT:
	case ST_VAL_FLOAT:
	case ST_VAL_BOOLEAN:
		st_strbuf_adds(sb, v->text);
		break;
	}
}

void
st_default_render(st_strbuf *sb, const st_column *c, const st_default *d)
{
	switch (d->kind) {
	case ST_DEF_NONE:
	case ST_DEF_SEQUENCE:
		break;
	case ST_DEF_DBGEN:
		if (d->text)
			st_strbuf_adds(sb, d->text);
		break;
	case ST_DEF_NOW:
		st_strbuf_adds(sb, "CURRENT_TIMESTAMP");
		break;
	case ST_DEF_VALUE: {
		st_strbuf ty;

		/* only a list's ARRAY[...]::type needs the type text */
		if (d->value->kind != ST_VAL_LIST) {
			render_value(sb, d->value, "");
			break;
		}
		st_strbuf_init(&ty);
		st_coltype_render(&ty, c);
		render_value(sb, d->value, ty.buf);
		st_strbuf_release(&ty);
		break;
	}
	}
}

const char *
st_fk_action_sql(st_fk_action a)
{
	switch (a) {
	case ST_FK_CASCADE: return "CASCADE";
	case ST_FK_RESTRICT: return "RESTRICT";
	case ST_FK_SET_NULL: return "SET NULL";
	case ST_FK_SET_DEFAULT: return "SET DEFAULT";
	case ST_FK_NO_ACTION: break;
	}
	return "NO ACTION";
}

const char *
st_index_algo_sql(st_index_algo a)
{
	switch (a) {
	case ST_ALGO_HASH: return "HASH";
	case ST_ALGO_GIST: return "GIST";
	case ST_ALGO_GIN: return "GIN";
	case ST_ALGO_SPGIST: return "SPGIST";
	case ST_ALGO_BRIN: return "BRIN";
	case ST_ALGO_BTREE: break;
	}
	return "BTREE";
}

bool
st_values_equal(const st_value *a, const st_value *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ST_VAL_LIST) {
		if (a->items.len != b->items.len)
			return false;
		for (size_t i = 0; i < a->items.len; i++)
			if (!st_values_equal(a->items.items[i], b->items.items[i]))
				return false;
		return true;
	}
	return !strcmp(a->text, b->text);
}
