/*
 * from_psl.c - the resolved data model (psl/model.h) -> SQL schema model,
 * following Prisma's sql_schema_calculator for PostgreSQL: namespaces,
 * enums, one table per model (columns in field order, primary key,
 * indexes in Prisma's order), foreign keys in relation order, then the
 * implicit many-to-many join tables, then extensions.
 *
 * A big schema is built in parts, on threads (util/par.h): the models are
 * cut into contiguous ranges, and each part pushes the tables of its
 * range (columns, primary key, indexes) into a schema of its own, in an
 * arena of its own (part 0 straight into the real schema).  The join
 * appends the parts' tables in model order.  Then, in a second run, each
 * part moves its index ids on by the previous parts' count (ids are the
 * global push order) and pushes the foreign keys of its range, which
 * reference tables of any part; their ids follow the previous parts'
 * too, each part's count known from the first run.  The join tables and
 * the extensions come last, on this thread.  The result is the schema one
 * pass builds, ids included.  (The foreign keys are made after all the
 * tables, as in one pass, so that they lie together in memory: the
 * renderer reads them one after another.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl/model.h"
#include "sqlschema/from_psl.h"
#include "util/par.h"

/*
 * Relations and indexes name their models and fields by pointer, so the
 * calculator finds tables and columns through the model's position
 * (a pointer-keyed table built once) and the field's position, not by
 * hashing or comparing names.
 */
typedef struct model_slot {
	const st_psl_rmodel *m;
	size_t index;             /* in pm->models */
} model_slot;

typedef struct calc {
	st_ctx *cx;
	const st_psl_model *pm;
	st_schema *s;
	model_slot *slots;        /* open addressing, mask + 1 slots */
	size_t mask;
	st_table **tables;        /* by model index; NULL for views */
	st_column ***columns;     /* by model index, then field pos */
	/* relation fields that hold a foreign key, in model and field
	 * order: noted by push_model so that the foreign key pass does not
	 * read every field of the schema a second time.  Each gets its
	 * foreign key: the related model is one of pm's (the validator
	 * resolved it) and not a view. */
	st_vec fk_fields;
} calc;

static size_t
ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

static void
index_models(calc *c)
{
	size_t cap = 16, n = c->pm->nmodels;

	while (cap < 2 * n)
		cap *= 2;
	c->mask = cap - 1;
	c->slots = st_alloc_array(c->cx->arena, cap, sizeof(*c->slots));
	c->tables = st_alloc_array(c->cx->arena, n + 1, sizeof(*c->tables));
	c->columns = st_alloc_array(c->cx->arena, n + 1, sizeof(*c->columns));
	for (size_t i = 0; i < n; i++) {
		const st_psl_rmodel *m = c->pm->models[i];
		size_t h = ptr_hash(m) & c->mask;

		while (c->slots[h].m)
			h = (h + 1) & c->mask;
		c->slots[h].m = m;
		c->slots[h].index = i;
	}
}

/* The model's index in pm->models, or -1. */
static long
model_index(const calc *c, const st_psl_rmodel *m)
{
	for (size_t h = ptr_hash(m) & c->mask; c->slots[h].m;
	     h = (h + 1) & c->mask)
		if (c->slots[h].m == m)
			return (long)c->slots[h].index;
	return -1;
}

static st_table *
table_of(const calc *c, const st_psl_rmodel *m)
{
	long i = model_index(c, m);

	return i < 0 ? NULL : c->tables[i];
}

/* The column of a scalar field (NULL for relation fields and views). */
static st_column *
column_of(const calc *c, const st_psl_rfield *f)
{
	long i = model_index(c, f->model);

	return i < 0 || !c->columns[i] ? NULL : c->columns[i][f->pos];
}

/* ==== types ==== */

static const struct {
	const char *name;
	st_pgtype t;
} native_names[] = {
	{ "VarChar", ST_PG_VARCHAR }, { "Char", ST_PG_CHAR },
	{ "Text", ST_PG_TEXT }, { "Uuid", ST_PG_UUID },
	{ "Citext", ST_PG_CITEXT }, { "Inet", ST_PG_INET },
	{ "Timestamp", ST_PG_TIMESTAMP }, { "Timestamptz", ST_PG_TIMESTAMPTZ },
	{ "Date", ST_PG_DATE }, { "Time", ST_PG_TIME }, { "Timetz", ST_PG_TIMETZ },
	{ "Decimal", ST_PG_DECIMAL }, { "Money", ST_PG_MONEY },
	{ "Integer", ST_PG_INTEGER }, { "SmallInt", ST_PG_SMALLINT },
	{ "BigInt", ST_PG_BIGINT }, { "Oid", ST_PG_OID }, { "Real", ST_PG_REAL },
	{ "DoublePrecision", ST_PG_DOUBLE }, { "Boolean", ST_PG_BOOLEAN },
	{ "Bit", ST_PG_BIT }, { "VarBit", ST_PG_VARBIT }, { "Xml", ST_PG_XML },
	{ "Json", ST_PG_JSON }, { "JsonB", ST_PG_JSONB }, { "ByteA", ST_PG_BYTEA },
};

static st_family
family_of(st_psl_scalar t)
{
	switch (t) {
	case ST_PSL_T_INT: return ST_FAM_INT;
	case ST_PSL_T_BIGINT: return ST_FAM_BIGINT;
	case ST_PSL_T_FLOAT: return ST_FAM_FLOAT;
	case ST_PSL_T_DECIMAL: return ST_FAM_DECIMAL;
	case ST_PSL_T_BOOLEAN: return ST_FAM_BOOLEAN;
	case ST_PSL_T_STRING: return ST_FAM_STRING;
	case ST_PSL_T_DATETIME: return ST_FAM_DATETIME;
	case ST_PSL_T_JSON: return ST_FAM_JSON;
	case ST_PSL_T_BYTES: return ST_FAM_BINARY;
	case ST_PSL_T_ENUM: return ST_FAM_ENUM;
	default: return ST_FAM_UNSUPPORTED;
	}
}

static void
default_native(st_coltype *ct, st_psl_scalar t)
{
	switch (t) {
	case ST_PSL_T_STRING: ct->native = ST_PG_TEXT; break;
	case ST_PSL_T_INT: ct->native = ST_PG_INTEGER; break;
	case ST_PSL_T_BIGINT: ct->native = ST_PG_BIGINT; break;
	case ST_PSL_T_FLOAT: ct->native = ST_PG_DOUBLE; break;
	case ST_PSL_T_DECIMAL:
		ct->native = ST_PG_DECIMAL;
		ct->nargs = 2;
		ct->args[0] = 65;
		ct->args[1] = 30;
		break;
	case ST_PSL_T_BOOLEAN: ct->native = ST_PG_BOOLEAN; break;
	case ST_PSL_T_DATETIME:
		ct->native = ST_PG_TIMESTAMP;
		ct->nargs = 1;
		ct->args[0] = 3;
		break;
	case ST_PSL_T_JSON: ct->native = ST_PG_JSONB; break;
	case ST_PSL_T_BYTES: ct->native = ST_PG_BYTEA; break;
	default: ct->native = ST_PG_NONE; break;
	}
}

static void
column_type(calc *c, const st_psl_rfield *f, st_coltype *ct)
{
	ct->family = family_of(f->type);
	ct->arity = f->arity == ST_PSL_LIST ? ST_ARITY_LIST :
		    f->arity == ST_PSL_OPTIONAL ? ST_ARITY_NULLABLE :
		    ST_ARITY_REQUIRED;
	if (f->type == ST_PSL_T_ENUM) {
		ct->enum_name = f->enum_ref->db_name;
		ct->enum_schema = c->s->multi_schema ?
			(f->enum_ref->schema ? f->enum_ref->schema : "public") : NULL;
		return;
	}
	if (f->type == ST_PSL_T_UNSUPPORTED) {
		ct->raw = f->unsupported;
		return;
	}
	if (f->native) {
		const char *name = f->native->name;

		for (size_t i = 0; i < sizeof(native_names) / sizeof(native_names[0]); i++)
			if (native_names[i].name[0] == name[0] &&
			    !strcmp(native_names[i].name, name)) {
				ct->native = native_names[i].t;
				break;
			}
		ct->nargs = (int)(f->native->nargs > 2 ? 2 : f->native->nargs);
		ct->args[0] = f->native->args[0];
		ct->args[1] = f->native->args[1];
		if (ct->native != ST_PG_NONE)
			return;
		ct->nargs = 0;
	}
	default_native(ct, f->type);
}

/* ==== defaults ==== */

static int
b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z') return ch - 'A';
	if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9') return ch - '0' + 52;
	if (ch == '+' || ch == '-') return 62;
	if (ch == '/' || ch == '_') return 63;
	return -1;
}

/* base64 text -> lowercase hex of the bytes. */
static const char *
bytes_hex(st_arena *a, const char *text)
{
	st_strbuf sb;
	unsigned acc = 0;
	int bits = 0;

	st_strbuf_init_arena(&sb, a);
	for (const char *p = text; *p; p++) {
		int v = b64val((unsigned char)*p);

		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			st_strbuf_addf(&sb, "%02x", (acc >> bits) & 0xff);
		}
	}
	return sb.buf;
}

/*
 * An RFC 3339 timestamp as chrono's DateTime<FixedOffset> displays it:
 * "2020-01-01 00:00:00 +00:00" (fraction as 3, 6 or 9 digits when
 * non-zero).  Text that does not parse is kept as written.
 */
static const char *
datetime_text(st_arena *a, const char *t)
{
	int Y, M, D, h, m, sec, n = 0;
	long nanos = 0;
	const char *p;
	char off[8] = "+00:00";
	char frac[32] = "";

	if (sscanf(t, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &Y, &M, &D, &h, &m,
		   &sec, &n) != 6 || !n)
		return t;
	p = t + n;
	if (*p == '.') {
		int digits = 0;

		p++;
		while (*p >= '0' && *p <= '9') {
			if (digits < 9) {
				nanos = nanos * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		while (digits++ < 9)
			nanos *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) >= 6) {
		memcpy(off, p, 6);
		off[6] = 0;
		p += 6;
	} else {
		return t;
	}
	if (*p)
		return t;
	if (nanos) {
		if (nanos % 1000000 == 0)
			snprintf(frac, sizeof(frac), ".%03ld", nanos / 1000000);
		else if (nanos % 1000 == 0)
			snprintf(frac, sizeof(frac), ".%06ld", nanos / 1000);
		else
			snprintf(frac, sizeof(frac), ".%09ld", nanos);
	}
	return st_strfmt(a, "%04d-%02d-%02d %02d:%02d:%02d%s %s", Y, M, D, h, m,
			 sec, frac, off);
}

static st_value *
literal_value(calc *c, const st_psl_rfield *f, const st_psl_literal *l)
{
	st_arena *a = c->cx->arena;

	switch (l->kind) {
	case ST_PSL_V_ENUM:
		return st_value_new(c->s, ST_VAL_ENUM,
				    l->enum_value ? l->enum_value->db_name : l->text);
	case ST_PSL_V_BOOL:
		return st_value_new(c->s, ST_VAL_BOOLEAN, l->text);
	case ST_PSL_V_NUMBER:
		switch (f->type) {
		case ST_PSL_T_INT:
		case ST_PSL_T_BIGINT:
			return st_value_new(c->s, f->type == ST_PSL_T_INT ? ST_VAL_INT :
					    ST_VAL_BIGINT,
					    st_strfmt(a, "%lld", strtoll(l->text, NULL, 10)));
		default:
			return st_value_new(c->s, ST_VAL_FLOAT, l->text);
		}
	case ST_PSL_V_STRING:
		switch (f->type) {
		case ST_PSL_T_DATETIME:
			return st_value_new(c->s, ST_VAL_DATETIME, datetime_text(a, l->text));
		case ST_PSL_T_JSON:
			return st_value_new(c->s, ST_VAL_JSON, l->text);
		case ST_PSL_T_BYTES:
			return st_value_new(c->s, ST_VAL_BYTES, bytes_hex(a, l->text));
		case ST_PSL_T_DECIMAL:
		case ST_PSL_T_FLOAT:
			return st_value_new(c->s, ST_VAL_FLOAT, l->text);
		default:
			return st_value_new(c->s, ST_VAL_STRING, l->text);
		}
	}
	return st_value_new(c->s, ST_VAL_STRING, l->text);
}

static void
column_default(calc *c, const st_psl_rfield *f, st_column *col)
{
	const st_psl_default *d = f->def;

	if (!d)
		return;
	switch (d->kind) {
	case ST_PSL_DEF_NONE:
	case ST_PSL_DEF_SEQUENCE:
		break;
	case ST_PSL_DEF_AUTOINCREMENT:
		col->def.kind = ST_DEF_SEQUENCE;
		col->def.text = "";
		col->autoincrement = true;
		break;
	case ST_PSL_DEF_NOW:
		col->def.kind = ST_DEF_NOW;
		break;
	case ST_PSL_DEF_UUID:
	case ST_PSL_DEF_CUID:
	case ST_PSL_DEF_NANOID:
	case ST_PSL_DEF_ULID:
		col->virtual_default = true;
		break;
	case ST_PSL_DEF_DBGENERATED:
		col->def.kind = ST_DEF_DBGEN;
		col->def.text = d->expr;
		break;
	case ST_PSL_DEF_LITERAL:
		col->def.kind = ST_DEF_VALUE;
		col->def.value = literal_value(c, f, &d->value);
		break;
	case ST_PSL_DEF_LIST: {
		st_value *v = st_value_new(c->s, ST_VAL_LIST, "");

		for (size_t i = 0; i < d->nitems; i++)
			st_vec_push(&v->items, literal_value(c, f, &d->items[i]));
		col->def.kind = ST_DEF_VALUE;
		col->def.value = v;
		break;
	}
	}
}

/* ==== opclasses ==== */

/* Prisma's is_default for an operator class (convert_opclass). */
static bool
opclass_is_default(const char *ops, st_psl_index_type type)
{
	static const char *defaults[] = {
		"JsonbOps", "ArrayOps", "TextOps", "BitMinMaxOps", "VarBitMinMaxOps",
		"BpcharMinMaxOps", "ByteaMinMaxOps", "DateMinMaxOps",
		"Float4MinMaxOps", "Float8MinMaxOps", "InetInclusionOps",
		"InetMinMaxOps", "Int2MinMaxOps", "Int4MinMaxOps", "Int8MinMaxOps",
		"NumericMinMaxOps", "OidMinMaxOps", "TextMinMaxOps",
		"TimestampMinMaxOps", "TimestampTzMinMaxOps", "TimeMinMaxOps",
		"TimeTzMinMaxOps", "UuidMinMaxOps",
	};

	if (!ops)
		return false;
	if (!strcmp(ops, "InetOps"))
		return type == ST_PSL_ITYPE_SPGIST;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (!strcmp(ops, defaults[i]))
			return true;
	return false;
}

static st_index_algo
algo_of(st_psl_index_type t)
{
	switch (t) {
	case ST_PSL_ITYPE_HASH: return ST_ALGO_HASH;
	case ST_PSL_ITYPE_GIST: return ST_ALGO_GIST;
	case ST_PSL_ITYPE_GIN: return ST_ALGO_GIN;
	case ST_PSL_ITYPE_SPGIST: return ST_ALGO_SPGIST;
	case ST_PSL_ITYPE_BRIN: return ST_ALGO_BRIN;
	default: return ST_ALGO_BTREE;
	}
}

static st_sort
sort_of(st_psl_sort s)
{
	return s == ST_PSL_SORT_ASC ? ST_SORT_ASC :
	       s == ST_PSL_SORT_DESC ? ST_SORT_DESC : ST_SORT_NONE;
}

/* ==== tables ==== */

/* One value of the object form of `where:`, as Prisma writes it: the
 * number's text as written, a string in quotes with quotes doubled (no
 * E'' form: Prisma writes backslashes as they are). */
static void
where_literal(st_strbuf *sb, const st_psl_expr *e)
{
	if (e->kind != ST_PSL_EXPR_STRING) {
		st_strbuf_adds(sb, e->str);
		return;
	}
	st_strbuf_addch(sb, '\'');
	for (size_t i = 0; i < e->str_len; i++) {
		if (e->str[i] == '\'')
			st_strbuf_addch(sb, '\'');
		st_strbuf_addch(sb, e->str[i]);
	}
	st_strbuf_addch(sb, '\'');
}

/*
 * The predicate of `where: { field: value, ... }` (validated already), as
 * Prisma renders it: "col" = v, "col" != v, "col" IS NULL, "col" IS NOT
 * NULL, in the order written, joined with AND (the renderer adds the
 * parentheses).  NULL when ri has no object form.
 */
static const char *
where_object_sql(calc *c, const st_psl_rmodel *m, const st_psl_rindex *ri)
{
	const st_psl_expr *e = st_psl_attr_arg(ri->attr, "where", 99);
	st_strbuf sb;

	if (!e || e->kind != ST_PSL_EXPR_OBJECT)
		return NULL;
	st_strbuf_init_arena(&sb, c->cx->arena);
	for (size_t i = 0; i < e->args.n; i++) {
		const st_psl_arg *g = e->args.items[i];
		const st_psl_rfield *f = st_psl_rmodel_field(m, g->name.name);
		const st_psl_expr *val = g->value;
		bool neg = false;

		if (val->kind == ST_PSL_EXPR_OBJECT) {
			neg = true;
			val = val->args.items[0]->value;
		}
		if (i)
			st_strbuf_adds(&sb, " AND ");
		st_render_ident(&sb, f->db_name);
		if (val->kind == ST_PSL_EXPR_CONST && !strcmp(val->str, "null")) {
			st_strbuf_adds(&sb, neg ? " IS NOT NULL" : " IS NULL");
			continue;
		}
		st_strbuf_adds(&sb, neg ? " != " : " = ");
		where_literal(&sb, val);
	}
	return st_strbuf_detach(&sb, NULL);
}

/* cols: the columns of model m (t) by field position. */
static void
push_index(calc *c, const st_psl_rmodel *m, st_table *t, st_column **cols,
	   const st_psl_rindex *ri, st_index_kind kind)
{
	const char *name = ri->db_name;
	st_index *ix;

	/* legacy @@index([...], name: "x"): name is the database name */
	if (ri->kind == ST_PSL_IDX_NORMAL && !ri->map && ri->name)
		name = ri->name;
	ix = st_table_add_index(c->s, t, name, kind);

	ix->algo = algo_of(ri->type);
	ix->predicate = ri->where ? ri->where : where_object_sql(c, m, ri);
	st_index_presize(c->s, ix, ri->nfields);
	for (size_t i = 0; i < ri->nfields; i++) {
		const st_psl_index_field *f = &ri->fields[i];
		/* the validator resolves index fields in m itself; another
		 * model's columns may be a part still being built */
		st_column *col = f->field->model == m ? cols[f->field->pos] :
				 NULL;
		st_index_col *ic;

		if (!col)
			continue;
		ic = st_index_add_column(c->s, ix, col);
		ic->sort = sort_of(f->sort);
		ic->length = f->length;
		if (f->ops_sql) {
			ic->opclass = f->ops_sql;
			ic->opclass_is_default = opclass_is_default(f->ops, ri->type);
		}
	}
}

static void
push_model(calc *c, size_t index)
{
	const st_psl_rmodel *m = c->pm->models[index];
	st_table *t = st_schema_add_table(c->s, m->schema, m->db_name);
	st_column **cols = st_alloc_array(c->cx->arena, m->nfields + 1,
					  sizeof(*cols));
	size_t ncols = 0, nfks = 0;

	c->tables[index] = t;
	c->columns[index] = cols;
	for (size_t i = 0; i < m->nfields; i++) {
		const st_psl_rfield *f = m->fields[i];

		if (f->type != ST_PSL_T_RELATION) {
			ncols++;
		} else if (f->rel && f->rel->holds_fk &&
			   f->rel->kind != ST_PSL_REL_MANY_TO_MANY &&
			   !f->rel->related->is_view) {
			nfks++;
			st_vec_push(&c->fk_fields, (void *)f);
		}
	}
	st_table_presize(c->s, t, ncols, m->nindexes, nfks);
	for (size_t i = 0; i < m->nfields; i++) {
		const st_psl_rfield *f = m->fields[i];
		st_column *col;

		if (f->type == ST_PSL_T_RELATION)
			continue;
		col = st_table_add_column(c->s, t, f->db_name);
		cols[f->pos] = col;
		column_type(c, f, &col->type);
		column_default(c, f, col);
	}
	if (m->pk)
		push_index(c, m, t, cols, m->pk, ST_INDEX_PRIMARY);
	/* Prisma's order: field-level @unique, then every @@index, then
	 * every @@unique (parser-database visits the attributes that way). */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < m->nindexes; i++) {
			const st_psl_rindex *ri = m->indexes[i];
			int p = ri->field_level ? 0 :
				ri->kind == ST_PSL_IDX_NORMAL ? 1 : 2;

			if (ri->kind == ST_PSL_IDX_FULLTEXT ||
			    ri->kind == ST_PSL_IDX_PRIMARY || p != pass)
				continue;
			push_index(c, m, t, cols, ri,
				   ri->kind == ST_PSL_IDX_UNIQUE ? ST_INDEX_UNIQUE :
				   ST_INDEX_NORMAL);
		}
	}
}

static st_fk_action
action_of(st_psl_action a)
{
	switch (a) {
	case ST_PSL_ACT_CASCADE: return ST_FK_CASCADE;
	case ST_PSL_ACT_RESTRICT: return ST_FK_RESTRICT;
	case ST_PSL_ACT_SET_NULL: return ST_FK_SET_NULL;
	case ST_PSL_ACT_SET_DEFAULT: return ST_FK_SET_DEFAULT;
	default: return ST_FK_NO_ACTION;
	}
}

static void
push_inline_relation(calc *c, const st_psl_rfield *f)
{
	const st_psl_rrel *r = f->rel;
	long mi = model_index(c, f->model), ri = model_index(c, r->related);
	st_table *t = mi < 0 ? NULL : c->tables[mi];
	st_table *rt = ri < 0 ? NULL : c->tables[ri];
	st_fk *fk;
	/* Prisma's referential arity: required when any FK field is required,
	 * else the relation field's arity. */
	bool optional = f->arity == ST_PSL_OPTIONAL;

	if (!t || !rt)
		return;
	fk = st_table_add_fk(c->s, t, r->fk_name, rt);
	for (size_t i = 0; i < r->nfields; i++) {
		/* fields of this model, references of the related one */
		st_column *a = r->fields[i]->model == f->model ?
			       c->columns[mi][r->fields[i]->pos] :
			       column_of(c, r->fields[i]);
		st_column *b = r->references[i]->model == r->related ?
			       c->columns[ri][r->references[i]->pos] :
			       column_of(c, r->references[i]);

		if (r->fields[i]->arity == ST_PSL_REQUIRED)
			optional = false;
		if (a && b) {
			st_vec_push(&fk->cols, a);
			st_vec_push(&fk->ref_cols, b);
		}
	}
	if (r->on_delete != ST_PSL_ACT_UNSET)
		fk->on_delete = action_of(r->on_delete);
	else
		fk->on_delete = optional ? ST_FK_SET_NULL : ST_FK_RESTRICT;
	fk->on_update = r->on_update != ST_PSL_ACT_UNSET ?
			action_of(r->on_update) : ST_FK_CASCADE;
}

static char *
take_chars(st_arena *a, const char *s, size_t nchars)
{
	const char *p = s;

	while (*p && nchars) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
		nchars--;
	}
	return st_strndup(a, s, (size_t)(p - s));
}

static void
push_m2m(calc *c, const st_psl_m2m *mm)
{
	st_arena *a = c->cx->arena;
	st_table *ta = table_of(c, mm->model_a);
	st_table *tb = table_of(c, mm->model_b);
	const char *name;
	size_t len, maxlen = ST_PSL_MAX_IDENT - 5 - 2;
	st_table *t;
	st_column *ca, *cb;
	st_index *pk, *ix;
	char *fka, *fkb;

	if (!ta || !tb || !ta->pk || !tb->pk || !ta->pk->cols.len ||
	    !tb->pk->cols.len)
		return;
	name = take_chars(a, mm->table, ST_PSL_MAX_IDENT);
	len = strlen(name);
	fka = len > maxlen ? st_strfmt(a, "%.*s_A_fkey", (int)maxlen, name) :
	      st_strfmt(a, "%s_A_fkey", name);
	fkb = len >= maxlen ? st_strfmt(a, "%.*s_B_fkey", (int)maxlen, name) :
	      st_strfmt(a, "%s_B_fkey", name);
	t = st_schema_add_table(c->s, ta->ns, name);
	ca = st_table_add_column(c->s, t, "A");
	ca->type = ((st_index_col *)ta->pk->cols.items[0])->column->type;
	ca->type.arity = ST_ARITY_REQUIRED;
	cb = st_table_add_column(c->s, t, "B");
	cb->type = ((st_index_col *)tb->pk->cols.items[0])->column->type;
	cb->type.arity = ST_ARITY_REQUIRED;
	pk = st_table_add_index(c->s, t, st_strfmt(a, "%s_AB_pkey",
			take_chars(a, name, ST_PSL_MAX_IDENT - 8)), ST_INDEX_PRIMARY);
	st_index_add_column(c->s, pk, ca);
	st_index_add_column(c->s, pk, cb);
	ix = st_table_add_index(c->s, t, st_strfmt(a, "%s_B_index",
			take_chars(a, name, ST_PSL_MAX_IDENT - 8)), ST_INDEX_NORMAL);
	st_index_add_column(c->s, ix, cb);
	if (!c->pm->datasource || !c->pm->datasource->relation_mode_prisma) {
		st_fk *f = st_table_add_fk(c->s, t, fka, ta);

		st_vec_push(&f->cols, ca);
		st_vec_push(&f->ref_cols, ((st_index_col *)ta->pk->cols.items[0])->column);
		f->on_delete = f->on_update = ST_FK_CASCADE;
		f = st_table_add_fk(c->s, t, fkb, tb);
		st_vec_push(&f->cols, cb);
		st_vec_push(&f->ref_cols, ((st_index_col *)tb->pk->cols.items[0])->column);
		f->on_delete = f->on_update = ST_FK_CASCADE;
	}
}

/* ==== the model tables, in parts ==== */

/* Models per part: schemas of a few hundred models (civitai: 300) are
 * built sooner on one thread. */
#define MODELS_PER_PART 500

typedef struct part {
	calc c;                   /* this part's context and schema */
	st_schema s;              /* parts 1..: their own tables, ids from 0 */
	size_t lo, hi;            /* models [lo, hi) */
	int index_base;           /* global id of the part's first index */
	bool fks;                 /* push the foreign keys (not relationMode
				   * "prisma") */
} part;

/*
 * The memory a part of n models is likely to take, as a hint for its
 * arena: some 2 KB a table (10 columns, 3 indexes, a foreign key), and at
 * least 4 MB, the smallest block the arena maps with huge pages (without
 * them a part of 600 models takes some 300 page faults of 4 KB; only the
 * pages touched count).
 */
static size_t
part_bytes(size_t n)
{
	size_t least = (size_t)4 << 20;

	return n * 2048 > least ? n * 2048 : least;
}

static void
part_tables(void *arg)
{
	part *p = arg;

	for (size_t i = p->lo; i < p->hi; i++) {
		if (!p->c.pm->models[i]->is_view)
			push_model(&p->c, i);
	}
}

/* The index ids in the global push order, then the foreign keys of the
 * part's models, in Prisma's relation order (model, then field); every
 * table exists now. */
static void
part_fks(void *arg)
{
	part *p = arg;

	if (p->index_base) {
		for (size_t i = 0; i < p->s.tables.len; i++) {
			st_table *t = p->s.tables.items[i];

			if (t->pk)
				t->pk->id += p->index_base;
			for (size_t j = 0; j < t->indexes.len; j++) {
				st_index *ix = t->indexes.items[j];

				ix->id += p->index_base;
			}
		}
	}
	if (p->fks) {
		for (size_t i = 0; i < p->c.fk_fields.len; i++)
			push_inline_relation(&p->c, p->c.fk_fields.items[i]);
	}
}

/*
 * The tables of all models (not views), then their foreign keys.  Part 0
 * is c itself (its schema, context and arena); the others get a context
 * and a schema of their own, made here before the threads start, and
 * share only what they read: the resolved model, c's model slots and
 * namespaces, and the tables[] / columns[] arrays, where each part writes
 * the entries of its own models (and reads the others' after the join).
 */
static void
push_models(calc *c)
{
	const st_psl_datasource *ds = c->pm->datasource;
	size_t n = c->pm->nmodels;
	unsigned np = st_par_parts(n, MODELS_PER_PART);
	size_t shares = (size_t)np * (np + 1) / 2;
	part parts[ST_PAR_MAX];
	int fk_base;

	for (unsigned k = 0, share = 0; k < np; k++) {
		part *p = &parts[k];

		memset(p, 0, sizeof(*p));
		p->c = *c;
		/* guided: part k gets np - k of np(np+1)/2 shares, big parts
		 * first and small ones last, so that the threads finish
		 * together */
		p->lo = n * share / shares;
		share += np - k;
		p->hi = k + 1 == np ? n : n * share / shares;
		p->fks = !ds || !ds->relation_mode_prisma;
		if (k == 0)
			continue;
		p->c.cx = st_ctx_new(c->cx->arena);
		st_arena_reserve(p->c.cx->arena, part_bytes(p->hi - p->lo));
		p->c.s = &p->s;
		p->s.cx = p->c.cx;
		p->s.namespaces = c->s->namespaces;   /* read only */
		p->s.multi_schema = c->s->multi_schema;
		st_vec_init(&p->s.tables, p->c.cx->arena);
		st_vec_init(&p->c.fk_fields, p->c.cx->arena);
	}
	st_par_run(np, part_tables, parts, sizeof(parts[0]));

	/* join: the tables in model order; each part's index and foreign
	 * key ids go on from the previous part's */
	fk_base = parts[0].fks ? (int)parts[0].c.fk_fields.len : 0;
	for (unsigned k = 1; k < np; k++) {
		part *p = &parts[k];

		st_vec_append(&c->s->tables, &p->s.tables);
		p->index_base = c->s->next_index_id;
		c->s->next_index_id += p->s.next_index_id;
		p->s.next_fk_id = fk_base;
		if (p->fks)
			fk_base += (int)p->c.fk_fields.len;
	}
	st_par_run(np, part_fks, parts, sizeof(parts[0]));
	if (np > 1)
		c->s->next_fk_id = parts[np - 1].s.next_fk_id;
}

typedef struct m2m_key {
	const st_psl_m2m *mm;
	size_t model_index, field_pos;
} m2m_key;

static int
cmp_m2m(const void *a, const void *b)
{
	const m2m_key *x = a, *y = b;

	if (x->model_index != y->model_index)
		return x->model_index < y->model_index ? -1 : 1;
	return x->field_pos < y->field_pos ? -1 : x->field_pos > y->field_pos;
}

int
st_schema_from_psl(st_ctx *cx, const st_psl_model *pm, st_schema **out)
{
	calc c = { .cx = cx, .pm = pm };
	const st_psl_datasource *ds = pm->datasource;

	c.s = st_schema_new(cx);
	c.s->multi_schema = ds && ds->nschemas > 0;
	index_models(&c);
	st_vec_init(&c.fk_fields, cx->arena);

	/* namespaces */
	if (c.s->multi_schema) {
		for (size_t i = 0; i < ds->nschemas; i++)
			st_schema_add_namespace(c.s, ds->schemas[i]);
	}
	st_schema_add_namespace(c.s, "public");

	/* enums */
	for (size_t i = 0; i < pm->nenums; i++) {
		const st_psl_renum *e = pm->enums[i];
		st_enum *se = st_schema_add_enum(c.s, e->schema, e->db_name);

		for (size_t j = 0; j < e->nvalues; j++)
			st_vec_push(&se->values, (void *)e->values[j]->db_name);
	}

	/* model tables and their foreign keys, in parts */
	push_models(&c);

	/* implicit many-to-many join tables */
	if (pm->nm2m) {
		m2m_key *keys = st_alloc_array(cx->arena, pm->nm2m, sizeof(*keys));

		for (size_t i = 0; i < pm->nm2m; i++) {
			keys[i].mm = pm->m2m[i];
			/* as before: 0 for a model that is not there, else 1 + index */
			keys[i].model_index =
				(size_t)(model_index(&c, pm->m2m[i]->model_a) + 1);
			keys[i].field_pos = pm->m2m[i]->field_a ? pm->m2m[i]->field_a->pos : 0;
		}
		qsort(keys, pm->nm2m, sizeof(*keys), cmp_m2m);
		for (size_t i = 0; i < pm->nm2m; i++) {
			if (keys[i].mm->model_a->is_view || keys[i].mm->model_b->is_view)
				continue;
			push_m2m(&c, keys[i].mm);
		}
	}

	/* extensions */
	if (ds) {
		for (size_t i = 0; i < ds->nextensions; i++) {
			const st_psl_extension *px = ds->extensions[i];
			st_extension *x = st_schema_add_extension(c.s, px->db_name);

			x->schema = px->schema ? px->schema : "";
			x->version = px->version ? px->version : "";
		}
	}

	st_schema_finish(c.s);
	*out = c.s;
	return 0;
}
