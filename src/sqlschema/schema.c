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

/*
 * An object of `size` bytes with a copy of name right after it (read it
 * back with named_copy): the code that reads an object almost always
 * reads its name too, and finds it in the same cache lines.
 */
static void *
alloc_named(st_schema *s, size_t size, const char *name)
{
	size_t n = strlen(name);
	char *p = st_alloc(s->cx->arena, size + n + 1);

	memcpy(p + size, name, n + 1);
	return p;
}

#define named_copy(obj) ((const char *)((obj) + 1))

/* st_vec_push, without the call when the vector has room (presized). */
static inline void
push(st_vec *v, void *item)
{
	if (v->len < v->cap)
		v->items[v->len++] = item;
	else
		st_vec_push(v, item);
}

/* The namespace name a table or enum keeps: one copy per namespace. */
static const char *
ns_name(st_schema *s, const char *schema)
{
	const char *n = nsname(schema);

	if (n == schema) {
		for (size_t i = 0; i < s->namespaces.len; i++) {
			st_namespace *ns = s->namespaces.items[i];

			if (!strcmp(ns->name, n))
				return ns->name;
		}
		n = st_strdup(s->cx->arena, n);
	}
	return n;
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
	st_table *t = alloc_named(s, sizeof(*t), name);

	t->name = named_copy(t);
	t->ns = ns_name(s, schema);
	t->schema = s->multi_schema ? t->ns : NULL;
	st_vec_init(&t->columns, a);
	st_vec_init(&t->indexes, a);
	st_vec_init(&t->fks, a);
	st_map_init(&t->colmap, a);
	t->id = (int)s->tables.len;
	push(&s->tables, t);
	return t;
}

/* Gives an empty vector room for exactly n items at *room. */
static void
presize(st_vec *v, void ***room, size_t n)
{
	if (v->len || v->cap >= n)
		return;
	v->items = *room;
	v->cap = n;
	*room += n;
}

void
st_table_presize(st_schema *s, st_table *t, size_t ncolumns, size_t nindexes,
		 size_t nfks)
{
	size_t n = ncolumns + nindexes + nfks;
	void **room;

	if (!n)
		return;
	room = st_alloc_array(s->cx->arena, n, sizeof(void *));   /* all three */
	presize(&t->columns, &room, ncolumns);
	presize(&t->indexes, &room, nindexes);
	presize(&t->fks, &room, nfks);
}

void
st_index_presize(st_schema *s, st_index *ix, size_t ncolumns)
{
	void **room;

	if (!ncolumns)
		return;
	room = st_alloc_array(s->cx->arena, ncolumns, sizeof(void *));
	presize(&ix->cols, &room, ncolumns);
}

st_column *
st_table_add_column(st_schema *s, st_table *t, const char *name)
{
	st_column *c = alloc_named(s, sizeof(*c), name);

	c->name = named_copy(c);
	c->table = t;
	c->pos = (int)t->columns.len;
	c->type.arity = ST_ARITY_REQUIRED;
	push(&t->columns, c);
	return c;
}

st_index *
st_table_add_index(st_schema *s, st_table *t, const char *name,
		   st_index_kind kind)
{
	st_index *ix = alloc_named(s, sizeof(*ix), name ? name : "");

	ix->name = named_copy(ix);
	ix->kind = kind;
	ix->table = t;
	ix->id = s->next_index_id++;
	st_vec_init(&ix->cols, s->cx->arena);
	if (kind == ST_INDEX_PRIMARY)
		t->pk = ix;
	else
		push(&t->indexes, ix);
	return ix;
}

st_index_col *
st_index_add_column(st_schema *s, st_index *ix, st_column *c)
{
	st_index_col *ic = st_alloc(s->cx->arena, sizeof(*ic));

	ic->column = c;
	push(&ix->cols, ic);
	return ic;
}

st_fk *
st_table_add_fk(st_schema *s, st_table *t, const char *name, st_table *ref)
{
	st_fk *fk = alloc_named(s, sizeof(*fk), name ? name : "");

	fk->name = name ? named_copy(fk) : NULL;
	fk->table = t;
	fk->ref_table = ref;
	fk->on_delete = ST_FK_NO_ACTION;
	fk->on_update = ST_FK_NO_ACTION;
	st_vec_init(&fk->cols, s->cx->arena);
	st_vec_init(&fk->ref_cols, s->cx->arena);
	fk->id = s->next_fk_id++;
	push(&t->fks, fk);
	return fk;
}

st_enum *
st_schema_add_enum(st_schema *s, const char *schema, const char *name)
{
	st_arena *a = s->cx->arena;
	st_enum *e = alloc_named(s, sizeof(*e), name);

	e->name = named_copy(e);
	e->ns = ns_name(s, schema);
	e->schema = s->multi_schema ? e->ns : NULL;
	st_vec_init(&e->values, a);
	e->id = (int)s->enums.len;
	st_vec_push(&s->enums, e);
	e->same_name = st_map_put(&s->enummap, e->name, e);
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
	st_value *v = alloc_named(s, sizeof(*v), text ? text : "");

	v->text = named_copy(v);
	v->kind = kind;
	st_vec_init(&v->items, s->cx->arena);
	return v;
}

/*
 * Brings the table map up to date.  Lookups take a const schema: the map
 * is a cache of s->tables, filled on demand, hence the cast.
 */
static void
map_tables(const st_schema *cs)
{
	st_schema *s = (st_schema *)cs;

	for (; s->tables_mapped < s->tables.len; s->tables_mapped++) {
		st_table *t = s->tables.items[s->tables_mapped];

		/* the newest first, so that a duplicate shadows the older one */
		t->same_name = st_map_put(&s->tablemap, t->name, t);
	}
}

st_table *
st_schema_table(const st_schema *s, const char *schema, const char *name)
{
	const char *ns = nsname(schema);

	map_tables(s);
	for (st_table *t = st_map_get(&s->tablemap, name); t; t = t->same_name)
		if (!strcmp(t->ns, ns))
			return t;
	return NULL;
}

st_enum *
st_schema_enum(const st_schema *s, const char *schema, const char *name)
{
	const char *ns = nsname(schema);

	for (st_enum *e = st_map_get(&s->enummap, name); e; e = e->same_name)
		if (!strcmp(e->ns, ns))
			return e;
	return NULL;
}

/*
 * Small tables (most) are searched linearly, which costs less than
 * hashing; bigger ones get a map on their first lookup (a cache of
 * t->columns, hence the cast), where the first column of a name wins.
 */
st_column *
st_table_column(const st_table *ct, const char *name)
{
	st_table *t = (st_table *)ct;

	if (t->columns.len >= COLMAP_MIN) {
		for (; t->cols_mapped < t->columns.len; t->cols_mapped++) {
			st_column *c = t->columns.items[t->cols_mapped];
			st_column *prev = st_map_put(&t->colmap, c->name, c);

			if (prev)
				st_map_put(&t->colmap, c->name, prev);
		}
		return st_map_get(&t->colmap, name);
	}
	for (size_t i = 0; i < t->columns.len; i++) {
		st_column *c = t->columns.items[i];

		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

/*
 * Tables, enums, extensions and namespaces are only ever appended, so
 * their ids already are their positions, as are the columns' (set by
 * st_table_add_column); the loops restate that for the few objects
 * there are, and leave the many columns untouched.
 */
void
st_schema_finish(st_schema *s)
{
	for (size_t i = 0; i < s->tables.len; i++)
		((st_table *)s->tables.items[i])->id = (int)i;
	for (size_t i = 0; i < s->enums.len; i++)
		((st_enum *)s->enums.items[i])->id = (int)i;
	for (size_t i = 0; i < s->extensions.len; i++)
		((st_extension *)s->extensions.items[i])->id = (int)i;
	for (size_t i = 0; i < s->namespaces.len; i++)
		((st_namespace *)s->namespaces.items[i])->id = (int)i;
}

/* ==== rendering helpers ==== */

/* The renderer's most frequent append: one scan finds the end of the
 * name and any quote (then st_sql_ident doubles them). */
void
st_render_ident(st_strbuf *sb, const char *name)
{
	const char *end = strchrnul(name, '"');
	size_t n = (size_t)(end - name);

	if (*end) {
		st_sql_ident(sb, name);
		return;
	}
	if (sb->len + n + 3 > sb->alloc)
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
