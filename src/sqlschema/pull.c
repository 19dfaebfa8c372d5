/*
 * pull.c - introspected SQL schema model -> schema.prisma (pull.h), in
 * Prisma's re-introspection style, then formatted by psl/format.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/pull.h"

/*
 * The warnings Prisma prints after a pull ("*** WARNING ***"), in its
 * order; each item is one "  - ..." line.
 */
enum {
	W_EMPTY_FIELDS, W_REMAPPED_FIELDS, W_EMPTY_VALUES, W_NO_ID,
	W_REMAPPED_MODELS, W_REMAPPED_ENUMS, W_DUPLICATES, W_PARTITIONS,
	W_RLS, W_CHECKS, W_DEFERRING, W_COMMENTS, W_EXPRESSION_INDEXES, W_COUNT
};

static const char *const warn_title[W_COUNT] = {
	"These fields were commented out because their names are currently "
	"not supported by Prisma. Please provide valid ones that match "
	"[a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:",
	"These fields were enriched with `@map` information taken from the "
	"previous Prisma schema:",
	"These enum values were commented out because their names are "
	"currently not supported by Prisma. Please provide valid ones that "
	"match [a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:",
	"The following models were ignored as they do not have a valid unique "
	"identifier or id. This is currently not supported by Prisma Client:",
	"These models were enriched with `@@map` information taken from the "
	"previous Prisma schema:",
	"These enums were enriched with `@@map` information taken from the "
	"previous Prisma schema:",
	"These items were renamed due to their names being duplicates in the "
	"Prisma schema:",
	"These tables are partition tables, which are not yet fully supported:",
	"These tables contain row level security, which is not yet fully "
	"supported. Read more: https://pris.ly/d/row-level-security",
	"These constraints are not supported by Prisma Client, because Prisma "
	"currently does not fully support check constraints. Read more: "
	"https://pris.ly/d/check-constraints",
	"These primary key, foreign key or unique constraints are using "
	"non-default deferring in the database, which is not yet fully "
	"supported. Read more: https://pris.ly/d/constraint-deferring",
	"These objects have comments defined in the database, which is not yet "
	"fully supported. Read more: https://pris.ly/d/database-comments",
	"These indexes are not supported by Prisma Client, because Prisma "
	"currently does not fully support expression indexes. Read more: "
	"https://pris.ly/d/expression-indexes",
};

/*
 * Rendering a model looks at its relations from both ends and at the
 * existing schema's model of the same table; the lookups below are
 * indexed once (by st_table.id, the position in s->tables) so that a
 * schema of thousands of tables is not scanned once per model.
 */
typedef struct pctx {
	st_ctx *cx;
	const st_schema *s;
	const st_introspect_extra *extra;
	const st_psl_model *old;     /* existing schema's model, or NULL */
	st_map old_models;           /* db name -> its first st_psl_rmodel */
	st_map tables_named;         /* with old: table name -> st_vec of the
					tables (not join tables) so named */
	const char **model_names;    /* by table id; NULL: not named yet */
	bool *m2m;                   /* by table id: an implicit join table */
	bool *ignored;               /* by table id: no unique identifier,
					so @@ignore */
	st_vec *incoming;            /* by table id: st_fk * referencing it,
					in table order, then fk order */
	st_map table_notes;          /* table name -> st_vec of its notes */
	st_map dup_names;            /* multi-schema: "m\x1fname" / "e\x1fname"
					for a table / enum name found in
					several namespaces */
	st_strbuf *out;
	bool partial;                /* a `where:` written: the generators
					need the partialIndexes preview */
	st_vec warn[W_COUNT];        /* const char *: the warning lines */
} pctx;

/* ==== names ==== */

/* ASCII only, whatever the locale: Prisma's identifiers are ASCII. */
static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_ident_char(char c)
{
	return is_letter(c) || (c >= '0' && c <= '9') || c == '_';
}

static bool
valid_ident(const char *s)
{
	if (!is_letter(*s))
		return false;
	for (s++; *s; s++)
		if (!is_ident_char(*s))
			return false;
	return true;
}

/*
 * Prisma's sanitization of a database name (its regexes ^[^a-zA-Z]+ -> ""
 * then [^_a-zA-Z0-9] -> "_"): everything before the first ASCII letter
 * goes ("2fa" -> "fa", "_x" -> "x", "über" -> "ber"), and every other
 * character outside [_a-zA-Z0-9] becomes one '_' (a UTF-8 sequence is one
 * character: "ümlaut_ñ" -> "mlaut__").  "" when nothing is left: the
 * caller comments the field or enum value out.
 */
static const char *
sanitize(st_arena *a, const char *s)
{
	st_strbuf sb;

	if (valid_ident(s))
		return s;
	while (*s && !is_letter(*s))
		s++;
	st_strbuf_init_arena(&sb, a);
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) == 0x80)
			continue;   /* a UTF-8 continuation byte: '_' already */
		st_strbuf_addch(&sb, is_ident_char(*s) ? *s : '_');
	}
	return sb.len ? sb.buf : "";
}

/* An enum value's name: Prisma names the empty value EMPTY_ENUM_VALUE. */
static const char *
value_name(st_arena *a, const char *v)
{
	return *v ? sanitize(a, v) : "EMPTY_ENUM_VALUE";
}

static void
warn(pctx *p, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
warn(pctx *p, int kind, const char *fmt, ...)
{
	va_list ap;
	st_strbuf sb;

	st_strbuf_init_arena(&sb, p->cx->arena);
	st_strbuf_adds(&sb, "  - ");
	va_start(ap, fmt);
	st_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	st_vec_push(&p->warn[kind], sb.buf);
}

/* The key of old_models: the table name, with its namespace when the
 * datasource has several (two tables may then share a name). */
static const char *
old_key(const pctx *p, const char *ns, const char *name)
{
	return p->s->multi_schema ?
	       st_strfmt(p->cx->arena, "%s\x1f%s", ns ? ns : "", name) : name;
}

static const st_psl_rmodel *
old_model(const pctx *p, const st_table *t)
{
	return p->old ? st_map_get(&p->old_models, old_key(p, t->ns, t->name)) : NULL;
}

static const char *
model_name(pctx *p, const st_table *t)
{
	const char **n = &p->model_names[t->id];

	if (!*n) {
		const st_psl_rmodel *m = old_model(p, t);

		/* a name found in several namespaces gets the namespace as
		 * a prefix (other_thing, public_thing) */
		if (m)
			*n = m->name;
		else if (st_map_has(&p->dup_names, st_strfmt(p->cx->arena, "m\x1f%s",
								t->name)))
			*n = sanitize(p->cx->arena, st_strfmt(p->cx->arena, "%s_%s",
							      t->ns, t->name));
		else
			*n = sanitize(p->cx->arena, t->name);
	}
	return *n;
}

/* What a relation field to t is named after: its model's name, except
 * that Prisma uses the table name when it prefixed the model's with the
 * namespace (two `thing` tables: `thing other_thing?`). */
static const char *
rel_base(pctx *p, const st_table *t)
{
	if (!old_model(p, t) &&
	    st_map_has(&p->dup_names, st_strfmt(p->cx->arena, "m\x1f%s", t->name)))
		return sanitize(p->cx->arena, t->name);
	return model_name(p, t);
}

static const st_psl_rfield *
old_field(pctx *p, const st_table *t, const char *column)
{
	const st_psl_rmodel *m = old_model(p, t);

	if (m)
		for (size_t i = 0; i < m->nfields; i++)
			if (m->fields[i]->type != ST_PSL_T_RELATION &&
			    m->fields[i]->db_name && !strcmp(m->fields[i]->db_name, column))
				return m->fields[i];
	return NULL;
}

/* The existing relation field holding fk (forward) or pointing back at
 * it (back), or NULL. */
static const st_psl_rfield *
old_relation(pctx *p, const st_fk *fk, bool back)
{
	const st_psl_rmodel *m = old_model(p, back ? fk->ref_table : fk->table);

	if (!m)
		return NULL;
	for (size_t i = 0; i < m->nfields; i++) {
		const st_psl_rfield *f = m->fields[i];
		const st_psl_rrel *r = f->rel;
		const st_psl_rrel *fr;

		if (f->type != ST_PSL_T_RELATION || !r)
			continue;
		fr = back ? (r->back ? r->back->rel : NULL) : r;
		if (!fr || !fr->holds_fk || fr->nfields != fk->cols.len ||
		    (back && strcmp(fr->field->model->db_name, fk->table->name)) ||
		    (!back && strcmp(r->related->db_name, fk->ref_table->name)))
			continue;
		size_t j;

		for (j = 0; j < fr->nfields; j++)
			if (strcmp(fr->fields[j]->db_name,
				   ((st_column *)fk->cols.items[j])->name))
				break;
		if (j == fr->nfields)
			return f;
	}
	return NULL;
}

static const char *
field_name(pctx *p, const st_table *t, const char *column)
{
	const st_psl_rmodel *m = old_model(p, t);

	if (m)
		for (size_t i = 0; i < m->nfields; i++)
			if (m->fields[i]->db_name && !strcmp(m->fields[i]->db_name, column))
				return m->fields[i]->name;
	return sanitize(p->cx->arena, column);
}

/* The existing schema's enum for the database enum ns.name, or NULL. */
static const st_psl_renum *
old_enum(const pctx *p, const char *ns, const char *name)
{
	for (size_t i = 0; p->old && i < p->old->nenums; i++) {
		const st_psl_renum *e = p->old->enums[i];

		if (!strcmp(e->db_name, name) &&
		    (!p->s->multi_schema || !ns || !e->schema ||
		     !strcmp(e->schema, ns)))
			return e;
	}
	return NULL;
}

static const char *
enum_name(pctx *p, const char *name, const char *ns)
{
	const st_psl_renum *e = old_enum(p, ns, name);

	if (e)
		return e->name;
	if (ns && st_map_has(&p->dup_names, st_strfmt(p->cx->arena, "e\x1f%s", name)))
		return sanitize(p->cx->arena, st_strfmt(p->cx->arena, "%s_%s", ns, name));
	return sanitize(p->cx->arena, name);
}

/* ==== text helpers ==== */

static void
add_string(st_strbuf *sb, const char *s)
{
	st_strbuf_addch(sb, '"');
	for (; *s; s++) {
		switch (*s) {
		case '"': st_strbuf_adds(sb, "\\\""); break;
		case '\\': st_strbuf_adds(sb, "\\\\"); break;
		case '\n': st_strbuf_adds(sb, "\\n"); break;
		case '\r': st_strbuf_adds(sb, "\\r"); break;
		case '\t': st_strbuf_adds(sb, "\\t"); break;
		default: st_strbuf_addch(sb, *s); break;
		}
	}
	st_strbuf_addch(sb, '"');
}

static void
doc_lines(st_strbuf *sb, const char *indent, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		st_strbuf_addf(sb, "%s/// %.*s\n", indent, (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

/* ==== types and defaults ==== */

static void
render_type(pctx *p, st_strbuf *sb, const st_column *c, st_strbuf *native)
{
	const st_coltype *t = &c->type;
	long a0 = t->nargs >= 1 ? t->args[0] : -1;

	switch (t->family) {
	case ST_FAM_INT:
		st_strbuf_adds(sb, "Int");
		if (t->native == ST_PG_SMALLINT) st_strbuf_adds(native, " @db.SmallInt");
		if (t->native == ST_PG_OID) st_strbuf_adds(native, " @db.Oid");
		break;
	case ST_FAM_BIGINT:
		st_strbuf_adds(sb, "BigInt");
		break;
	case ST_FAM_FLOAT:
		st_strbuf_adds(sb, "Float");
		if (t->native == ST_PG_REAL) st_strbuf_adds(native, " @db.Real");
		break;
	case ST_FAM_DECIMAL:
		st_strbuf_adds(sb, "Decimal");
		if (t->native == ST_PG_MONEY)
			st_strbuf_adds(native, " @db.Money");
		else if (t->nargs == 2 && !(t->args[0] == 65 && t->args[1] == 30))
			st_strbuf_addf(native, " @db.Decimal(%ld, %ld)", t->args[0], t->args[1]);
		else if (t->nargs != 2)
			st_strbuf_adds(native, " @db.Decimal");
		break;
	case ST_FAM_BOOLEAN:
		st_strbuf_adds(sb, "Boolean");
		break;
	case ST_FAM_STRING:
		st_strbuf_adds(sb, "String");
		switch (t->native) {
		case ST_PG_VARCHAR:
			st_strbuf_adds(native, " @db.VarChar");
			if (a0 >= 0) st_strbuf_addf(native, "(%ld)", a0);
			break;
		case ST_PG_CHAR:
			st_strbuf_adds(native, " @db.Char");
			if (a0 >= 0) st_strbuf_addf(native, "(%ld)", a0);
			break;
		case ST_PG_UUID: st_strbuf_adds(native, " @db.Uuid"); break;
		case ST_PG_CITEXT: st_strbuf_adds(native, " @db.Citext"); break;
		case ST_PG_INET: st_strbuf_adds(native, " @db.Inet"); break;
		case ST_PG_XML: st_strbuf_adds(native, " @db.Xml"); break;
		case ST_PG_BIT:
			st_strbuf_adds(native, " @db.Bit");
			if (a0 >= 0) st_strbuf_addf(native, "(%ld)", a0);
			break;
		case ST_PG_VARBIT:
			st_strbuf_adds(native, " @db.VarBit");
			if (a0 >= 0) st_strbuf_addf(native, "(%ld)", a0);
			break;
		default: break;
		}
		break;
	case ST_FAM_DATETIME:
		st_strbuf_adds(sb, "DateTime");
		switch (t->native) {
		case ST_PG_TIMESTAMP:
			if (a0 != 3)
				st_strbuf_addf(native, " @db.Timestamp(%ld)", a0 >= 0 ? a0 : 6);
			break;
		case ST_PG_TIMESTAMPTZ:
			st_strbuf_addf(native, " @db.Timestamptz(%ld)", a0 >= 0 ? a0 : 6);
			break;
		case ST_PG_DATE: st_strbuf_adds(native, " @db.Date"); break;
		case ST_PG_TIME:
			st_strbuf_addf(native, " @db.Time(%ld)", a0 >= 0 ? a0 : 6);
			break;
		case ST_PG_TIMETZ:
			st_strbuf_addf(native, " @db.Timetz(%ld)", a0 >= 0 ? a0 : 6);
			break;
		default: break;
		}
		break;
	case ST_FAM_JSON:
		st_strbuf_adds(sb, "Json");
		if (t->native == ST_PG_JSON) st_strbuf_adds(native, " @db.Json");
		break;
	case ST_FAM_BINARY:
		st_strbuf_adds(sb, "Bytes");
		break;
	case ST_FAM_ENUM:
		st_strbuf_adds(sb, enum_name(p, t->enum_name, t->enum_schema));
		break;
	case ST_FAM_UNSUPPORTED:
		st_strbuf_adds(sb, "Unsupported(");
		add_string(sb, t->raw ? t->raw : "");
		st_strbuf_adds(sb, ")");
		break;
	}
	if (t->arity == ST_ARITY_LIST)
		st_strbuf_adds(sb, "[]");
	else if (t->arity == ST_ARITY_NULLABLE)
		st_strbuf_adds(sb, "?");
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
hex_to_base64(st_strbuf *sb, const char *hex)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;

	for (const char *h = hex; h[0] && h[1]; h += 2) {
		unsigned v;

		sscanf(h, "%2x", &v);
		acc = (acc << 8) | v;
		bits += 8;
		n++;
		while (bits >= 6) {
			bits -= 6;
			st_strbuf_addch(sb, b64[(acc >> bits) & 63]);
		}
	}
	if (bits)
		st_strbuf_addch(sb, b64[(acc << (6 - bits)) & 63]);
	while (n % 3) {
		st_strbuf_addch(sb, '=');
		n++;
	}
}

static void
render_value(pctx *p, st_strbuf *sb, const st_value *v)
{
	switch (v->kind) {
	case ST_VAL_STRING:
	case ST_VAL_JSON:
		add_string(sb, v->text);
		break;
	case ST_VAL_BYTES:
		st_strbuf_addch(sb, '"');
		hex_to_base64(sb, v->text);
		st_strbuf_addch(sb, '"');
		break;
	case ST_VAL_ENUM:
		st_strbuf_adds(sb, value_name(p->cx->arena, v->text));
		break;
	case ST_VAL_LIST:
		st_strbuf_addch(sb, '[');
		for (size_t i = 0; i < v->items.len; i++) {
			if (i)
				st_strbuf_adds(sb, ", ");
			render_value(p, sb, v->items.items[i]);
		}
		st_strbuf_addch(sb, ']');
		break;
	default:
		st_strbuf_adds(sb, v->text);
		break;
	}
}

static void
render_default(pctx *p, st_strbuf *sb, const st_column *c)
{
	const st_default *d = &c->def;

	if (c->autoincrement) {
		st_strbuf_adds(sb, " @default(autoincrement())");
		return;
	}
	switch (d->kind) {
	case ST_DEF_NOW:
		st_strbuf_adds(sb, " @default(now())");
		break;
	case ST_DEF_VALUE:
		if (d->value->kind == ST_VAL_DATETIME) {
			st_strbuf_adds(sb, " @default(dbgenerated(");
			add_string(sb, st_strfmt(p->cx->arena, "'%s'", d->value->text));
			st_strbuf_adds(sb, "))");
			break;
		}
		st_strbuf_adds(sb, " @default(");
		render_value(p, sb, d->value);
		st_strbuf_adds(sb, ")");
		break;
	case ST_DEF_DBGEN:
		st_strbuf_adds(sb, " @default(dbgenerated(");
		add_string(sb, d->text ? d->text : "");
		st_strbuf_adds(sb, "))");
		break;
	default:
		break;
	}
}

/* ==== indexes and relations ==== */

static const char **
col_names(st_arena *a, const st_index *ix)
{
	const char **v = st_alloc_array(a, ix->cols.len + 1, sizeof(*v));

	for (size_t i = 0; i < ix->cols.len; i++)
		v[i] = ((st_index_col *)ix->cols.items[i])->column->name;
	return v;
}

/*
 * The operator classes the schema language names (Prisma's OperatorClass
 * for PostgreSQL): ops: JsonbPathOps; any other is ops: raw("...").
 */
static const char *
opclass_name(const char *sql)
{
	static const char *const names[][2] = {
		{ "inet_ops", "InetOps" }, { "jsonb_ops", "JsonbOps" },
		{ "jsonb_path_ops", "JsonbPathOps" }, { "array_ops", "ArrayOps" },
		{ "text_ops", "TextOps" },
		{ "bit_minmax_ops", "BitMinMaxOps" },
		{ "varbit_minmax_ops", "VarBitMinMaxOps" },
		{ "bpchar_bloom_ops", "BpcharBloomOps" },
		{ "bpchar_minmax_ops", "BpcharMinMaxOps" },
		{ "bytea_bloom_ops", "ByteaBloomOps" },
		{ "bytea_minmax_ops", "ByteaMinMaxOps" },
		{ "date_bloom_ops", "DateBloomOps" },
		{ "date_minmax_ops", "DateMinMaxOps" },
		{ "date_minmax_multi_ops", "DateMinMaxMultiOps" },
		{ "float4_bloom_ops", "Float4BloomOps" },
		{ "float4_minmax_ops", "Float4MinMaxOps" },
		{ "float4_minmax_multi_ops", "Float4MinMaxMultiOps" },
		{ "float8_bloom_ops", "Float8BloomOps" },
		{ "float8_minmax_ops", "Float8MinMaxOps" },
		{ "float8_minmax_multi_ops", "Float8MinMaxMultiOps" },
		{ "inet_inclusion_ops", "InetInclusionOps" },
		{ "inet_bloom_ops", "InetBloomOps" },
		{ "inet_minmax_ops", "InetMinMaxOps" },
		{ "inet_minmax_multi_ops", "InetMinMaxMultiOps" },
		{ "int2_bloom_ops", "Int2BloomOps" },
		{ "int2_minmax_ops", "Int2MinMaxOps" },
		{ "int2_minmax_multi_ops", "Int2MinMaxMultiOps" },
		{ "int4_bloom_ops", "Int4BloomOps" },
		{ "int4_minmax_ops", "Int4MinMaxOps" },
		{ "int4_minmax_multi_ops", "Int4MinMaxMultiOps" },
		{ "int8_bloom_ops", "Int8BloomOps" },
		{ "int8_minmax_ops", "Int8MinMaxOps" },
		{ "int8_minmax_multi_ops", "Int8MinMaxMultiOps" },
		{ "numeric_bloom_ops", "NumericBloomOps" },
		{ "numeric_minmax_ops", "NumericMinMaxOps" },
		{ "numeric_minmax_multi_ops", "NumericMinMaxMultiOps" },
		{ "oid_bloom_ops", "OidBloomOps" },
		{ "oid_minmax_ops", "OidMinMaxOps" },
		{ "oid_minmax_multi_ops", "OidMinMaxMultiOps" },
		{ "text_bloom_ops", "TextBloomOps" },
		{ "text_minmax_ops", "TextMinMaxOps" },
		{ "timestamp_bloom_ops", "TimestampBloomOps" },
		{ "timestamp_minmax_ops", "TimestampMinMaxOps" },
		{ "timestamp_minmax_multi_ops", "TimestampMinMaxMultiOps" },
		{ "timestamptz_bloom_ops", "TimestampTzBloomOps" },
		{ "timestamptz_minmax_ops", "TimestampTzMinMaxOps" },
		{ "timestamptz_minmax_multi_ops", "TimestampTzMinMaxMultiOps" },
		{ "time_bloom_ops", "TimeBloomOps" },
		{ "time_minmax_ops", "TimeMinMaxOps" },
		{ "time_minmax_multi_ops", "TimeMinMaxMultiOps" },
		{ "timetz_bloom_ops", "TimeTzBloomOps" },
		{ "timetz_minmax_ops", "TimeTzMinMaxOps" },
		{ "timetz_minmax_multi_ops", "TimeTzMinMaxMultiOps" },
		{ "uuid_bloom_ops", "UuidBloomOps" },
		{ "uuid_minmax_ops", "UuidMinMaxOps" },
		{ "uuid_minmax_multi_ops", "UuidMinMaxMultiOps" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i][0], sql))
			return names[i][1];
	return NULL;
}

static void
index_fields(pctx *p, st_strbuf *sb, const st_table *t, const st_index *ix)
{
	st_strbuf_addch(sb, '[');
	for (size_t i = 0; i < ix->cols.len; i++) {
		const st_index_col *ic = ix->cols.items[i];
		bool args = ic->sort == ST_SORT_DESC ||
			    (ic->opclass && !ic->opclass_is_default);

		if (i)
			st_strbuf_adds(sb, ", ");
		st_strbuf_adds(sb, field_name(p, t, ic->column->name));
		if (!args)
			continue;
		st_strbuf_addch(sb, '(');
		if (ic->sort == ST_SORT_DESC)
			st_strbuf_adds(sb, "sort: Desc");
		if (ic->opclass && !ic->opclass_is_default) {
			if (ic->sort == ST_SORT_DESC)
				st_strbuf_adds(sb, ", ");
			const char *name = opclass_name(ic->opclass);

			if (name) {
				st_strbuf_addf(sb, "ops: %s", name);
			} else {
				st_strbuf_adds(sb, "ops: raw(");
				add_string(sb, ic->opclass);
				st_strbuf_addch(sb, ')');
			}
		}
		st_strbuf_addch(sb, ')');
	}
	st_strbuf_addch(sb, ']');
}

static const char *
algo_name(st_index_algo a)
{
	switch (a) {
	case ST_ALGO_HASH: return "Hash";
	case ST_ALGO_GIST: return "Gist";
	case ST_ALGO_GIN: return "Gin";
	case ST_ALGO_SPGIST: return "SpGist";
	case ST_ALGO_BRIN: return "Brin";
	default: return NULL;
	}
}

static bool
same_cols(const st_vec *a, const st_index *ix)
{
	if (a->len != ix->cols.len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		bool found = false;

		for (size_t j = 0; j < ix->cols.len && !found; j++)
			found = ((st_index_col *)ix->cols.items[j])->column == a->items[i];
		if (!found)
			return false;
	}
	return true;
}

static bool
fk_unique(const st_fk *fk)
{
	const st_table *t = fk->table;

	if (t->pk && same_cols(&fk->cols, t->pk))
		return true;
	for (size_t i = 0; i < t->indexes.len; i++) {
		const st_index *ix = t->indexes.items[i];

		if (ix->kind == ST_INDEX_UNIQUE && same_cols(&fk->cols, ix))
			return true;
	}
	return false;
}

static bool
fk_optional(const st_fk *fk)
{
	for (size_t i = 0; i < fk->cols.len; i++)
		if (((st_column *)fk->cols.items[i])->type.arity != ST_ARITY_REQUIRED)
			return true;
	return false;
}

/* Implicit many-to-many join table (_AToB with A, B). */
static bool
test_m2m(const st_table *t)
{
	return t->name[0] == '_' && t->columns.len == 2 && t->fks.len == 2 &&
	       st_table_column(t, "A") && st_table_column(t, "B");
}

static bool
is_m2m(const pctx *p, const st_table *t)
{
	return p->m2m[t->id];
}

/* Relations between a and b: foreign keys from one to the other (a
 * join table's keys aside) plus join tables linking the two.  A join
 * table linking a is among a's incoming keys (twice when it links a
 * with itself: counted at its first key to a). */
static int
relations_between(const pctx *p, const st_table *a, const st_table *b)
{
	const st_vec *in = &p->incoming[a->id];
	int n = 0;

	for (size_t i = 0; i < in->len; i++) {
		const st_fk *fk = in->items[i];
		const st_table *t = fk->table;
		const st_fk *f0 = t->fks.items[0];
		const st_table *x, *y;

		if (!is_m2m(p, t) || (fk != f0 && f0->ref_table == a))
			continue;
		x = f0->ref_table;
		y = ((st_fk *)t->fks.items[1])->ref_table;
		if ((x == a && y == b) || (x == b && y == a))
			n++;
	}
	for (size_t i = 0; !is_m2m(p, a) && i < a->fks.len; i++)
		n += ((st_fk *)a->fks.items[i])->ref_table == b;
	for (size_t i = 0; b != a && !is_m2m(p, b) && i < b->fks.len; i++)
		n += ((st_fk *)b->fks.items[i])->ref_table == a;
	return n;
}

static const char *
relation_name(pctx *p, const st_fk *fk, bool *named)
{
	const char *t = model_name(p, fk->table), *r = model_name(p, fk->ref_table);
	st_strbuf sb;

	*named = fk->table == fk->ref_table ||
		 relations_between(p, fk->table, fk->ref_table) > 1;
	if (!*named)
		return NULL;
	if (fk->table == fk->ref_table &&
	    relations_between(p, fk->table, fk->ref_table) == 1)
		return st_strfmt(p->cx->arena, "%sTo%s", t, r);
	st_strbuf_init_arena(&sb, p->cx->arena);
	st_strbuf_addf(&sb, "%s_", t);
	for (size_t i = 0; i < fk->cols.len; i++)
		st_strbuf_addf(&sb, "%s%s", i ? "_" : "",
			       ((st_column *)fk->cols.items[i])->name);
	st_strbuf_addf(&sb, "To%s", r);
	return sb.buf;
}

static const char *
action_name(st_fk_action a)
{
	switch (a) {
	case ST_FK_RESTRICT: return "Restrict";
	case ST_FK_CASCADE: return "Cascade";
	case ST_FK_SET_NULL: return "SetNull";
	case ST_FK_SET_DEFAULT: return "SetDefault";
	default: return "NoAction";
	}
}

static void
forward_relation(pctx *p, st_strbuf *sb, const st_fk *fk)
{
	const st_table *t = fk->table;
	bool named, opt = fk_optional(fk);
	const char *rel = relation_name(p, fk, &named);
	const char *rm = model_name(p, fk->ref_table);
	const char *fname = named && fk->table != fk->ref_table ?
			    st_strfmt(p->cx->arena, "%s_%s", rel_base(p, fk->ref_table), rel) :
			    rel_base(p, fk->ref_table);
	const char **cols = st_alloc_array(p->cx->arena, fk->cols.len + 1, sizeof(*cols));
	st_fk_action dflt_delete = opt ? ST_FK_SET_NULL : ST_FK_RESTRICT;
	const st_psl_rfield *of = old_relation(p, fk, false);

	if (of) {
		fname = of->name;
		named = of->rel->name_explicit;
		rel = of->rel->name;
	} else if (st_table_column(t, fname))
		fname = st_strfmt(p->cx->arena, "%s_relation", fname);
	st_strbuf_addf(sb, "  %s %s%s @relation(", fname, rm, opt ? "?" : "");
	if (named) {
		add_string(sb, rel);
		st_strbuf_adds(sb, ", ");
	}
	st_strbuf_adds(sb, "fields: [");
	for (size_t i = 0; i < fk->cols.len; i++) {
		cols[i] = ((st_column *)fk->cols.items[i])->name;
		st_strbuf_addf(sb, "%s%s", i ? ", " : "", field_name(p, t, cols[i]));
	}
	st_strbuf_adds(sb, "], references: [");
	for (size_t i = 0; i < fk->ref_cols.len; i++)
		st_strbuf_addf(sb, "%s%s", i ? ", " : "",
			       field_name(p, fk->ref_table,
					  ((st_column *)fk->ref_cols.items[i])->name));
	st_strbuf_adds(sb, "]");
	if (fk->on_delete != dflt_delete)
		st_strbuf_addf(sb, ", onDelete: %s", action_name(fk->on_delete));
	if (fk->on_update != ST_FK_CASCADE)
		st_strbuf_addf(sb, ", onUpdate: %s", action_name(fk->on_update));
	if (fk->name && strcmp(fk->name, st_psl_name_fk(p->cx->arena, t->name, cols,
							 fk->cols.len))) {
		st_strbuf_adds(sb, ", map: ");
		add_string(sb, fk->name);
	}
	st_strbuf_adds(sb, ")");
	/* a relation to an ignored model is ignored too (Prisma) */
	if (p->ignored[fk->ref_table->id] && !p->ignored[t->id])
		st_strbuf_adds(sb, " @ignore");
	st_strbuf_adds(sb, "\n");
}

static void
back_relations(pctx *p, st_strbuf *sb, const st_table *me)
{
	const st_vec *in = &p->incoming[me->id];

	for (size_t i = 0; i < in->len; i++) {
		const st_fk *fk = in->items[i];
		const st_table *t = fk->table;
		bool named;
		const char *rel, *tm, *fname;

		if (is_m2m(p, t)) {
			/* the other side of the join table */
			const st_fk *other = t->fks.items[fk == t->fks.items[0]];
			const char *om = model_name(p, other->ref_table);
			const char *dflt;

			dflt = st_strfmt(p->cx->arena, "_%sTo%s",
				strcmp(model_name(p, me), om) < 0 ? model_name(p, me) : om,
				strcmp(model_name(p, me), om) < 0 ? om : model_name(p, me));
			const char *fn = om;
			const st_psl_rmodel *mm = old_model(p, me);
			bool kept = false;

			for (size_t k = 0; mm && k < mm->nfields; k++) {
				const st_psl_rfield *f = mm->fields[k];

				if (f->rel && f->rel->kind == ST_PSL_REL_MANY_TO_MANY &&
				    !strcmp(f->rel->related->db_name, other->ref_table->name)) {
					fn = f->name;
					kept = true;
				}
			}
			if (!kept && relations_between(p, me, other->ref_table) > 1)
				fn = st_strfmt(p->cx->arena, "%s_%s", om, t->name + 1);
			st_strbuf_addf(sb, "  %s %s[]", fn, om);
			/* a relation already in the existing schema gets its name
			 * written, default or not (Prisma's re-introspection) */
			if (kept || strcmp(t->name, dflt)) {
				st_strbuf_adds(sb, " @relation(");
				add_string(sb, t->name + 1);
				st_strbuf_adds(sb, ")");
			}
			st_strbuf_adds(sb, "\n");
			continue;
		}
		const st_psl_rfield *of = old_relation(p, fk, true);

		rel = relation_name(p, fk, &named);
		tm = model_name(p, t);
		fname = rel_base(p, t);
		fname = !named ? fname : t == me ? st_strfmt(p->cx->arena, "other_%s", fname) :
			st_strfmt(p->cx->arena, "%s_%s", fname, rel);
		if (of) {
			fname = of->name;
			named = of->rel->name_explicit;
			rel = of->rel->name;
		} else if (st_table_column(me, fname))
			fname = st_strfmt(p->cx->arena, "%s_relation", fname);
		st_strbuf_addf(sb, "  %s %s%s", fname, tm, fk_unique(fk) ? "?" : "[]");
		if (named) {
			st_strbuf_adds(sb, " @relation(");
			add_string(sb, rel);
			st_strbuf_adds(sb, ")");
		}
		/* the back relation of one to an ignored model is ignored
		 * too, unless that model already was (@@ignore in the
		 * existing schema): Prisma's re-introspection drops it */
		if (p->ignored[t->id] && !p->ignored[me->id] &&
		    !(old_model(p, t) && old_model(p, t)->ignored))
			st_strbuf_adds(sb, " @ignore");
		st_strbuf_adds(sb, "\n");
	}
}

/* ==== models ==== */

/* The notes about tables named like t (whatever their namespace), or
 * NULL. */
static const st_vec *
notes_of(pctx *p, const st_table *t)
{
	return p->extra ? st_map_get(&p->table_notes, t->name) : NULL;
}

static bool
has_note(pctx *p, const st_table *t, const char *kind)
{
	const st_vec *v = notes_of(p, t);

	for (size_t i = 0; v && i < v->len; i++)
		if (!strcmp(((st_introspect_note *)v->items[i])->kind, kind))
			return true;
	return false;
}

/*
 * Prisma does not pull COMMENT ON text into the schema: a model whose
 * table or any of whose columns has a comment, and an enum whose type has
 * one, get a fixed note instead (and the field none).  Both look the
 * comment up under the namespace the object is recorded under (see
 * st_introspect_extra).
 */
static const char comment_note_model[] =
	"/// This model or at least one of its fields has comments in the "
	"database, and requires an additional setup for migrations: Read "
	"more: https://pris.ly/d/database-comments\n";
static const char comment_note_enum[] =
	"/// This enum is commented in the database, and requires an "
	"additional setup for migrations: Read more: "
	"https://pris.ly/d/database-comments\n";

static const char note_partition[] =
	"/// This table is a partition table and requires additional setup "
	"for migrations. Visit https://pris.ly/d/partition-tables for more "
	"info.\n";
static const char note_check[] =
	"/// This table contains check constraints and requires additional "
	"setup for migrations. Visit https://pris.ly/d/check-constraints for "
	"more info.\n";
static const char note_no_unique_id[] =
	"/// The underlying table does not contain a valid unique identifier "
	"and can therefore currently not be handled by Prisma Client.\n";
static const char note_deferrable[] =
	"/// This model has constraints using non-default deferring rules and "
	"requires additional setup for migrations. Visit "
	"https://pris.ly/d/constraint-deferring for more info.\n";
static const char note_rls[] =
	"/// This model contains row level security and requires additional "
	"setup for migrations. Visit https://pris.ly/d/row-level-security for "
	"more info.\n";
static const char note_expression_index[] =
	"/// This model contains an expression index which requires additional "
	"setup for migrations. Visit https://pris.ly/d/expression-indexes for "
	"more info.\n";

/* Whether a parsed doc comment (lines without their "/// ") already has
 * a note's line. */
static bool
doc_has_note(const char *doc, const char *note)
{
	const char *text = note + 4;              /* after "/// " */
	size_t n = strlen(text) - 1;              /* without the '\n' */

	/* the line without its '\n': the doc's last line has none */
	for (const char *p = doc; p && (p = memmem(p, strlen(p), text, n)); p++)
		if ((p == doc || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static bool
table_commented(pctx *p, const st_table *t)
{
	st_arena *a = p->cx->arena;

	if (!p->extra || !p->extra->comments.len)
		return false;
	if (st_map_has(&p->extra->comments, st_strfmt(a, "%s\x1f%s", t->ns, t->name)))
		return true;
	for (size_t i = 0; i < t->columns.len; i++) {
		const st_column *c = t->columns.items[i];

		if (st_map_has(&p->extra->comments,
			       st_strfmt(a, "%s\x1f%s\x1f%s", t->ns, t->name, c->name)))
			return true;
	}
	return false;
}

static bool
enum_commented(pctx *p, const st_enum *e)
{
	return p->extra && p->extra->enum_comments.len &&
	       st_map_has(&p->extra->enum_comments,
			  st_strfmt(p->cx->arena, "%s\x1f%s", e->ns, e->name));
}

/* A primary key, or a unique index over required columns only. */
static bool
has_unique_id(const st_table *t)
{
	bool unique_id = t->pk != NULL;

	for (size_t i = 0; !unique_id && i < t->indexes.len; i++) {
		const st_index *ix = t->indexes.items[i];
		bool all_required = true;

		for (size_t j = 0; j < ix->cols.len; j++)
			all_required = all_required &&
				((st_index_col *)ix->cols.items[j])->column->type.arity ==
				ST_ARITY_REQUIRED;
		unique_id = ix->kind == ST_INDEX_UNIQUE && !ix->predicate && all_required;
	}
	return unique_id;
}

/* The index name in pg_get_indexdef's "CREATE [UNIQUE] INDEX name ON ...". */
static const char *
indexdef_name(st_arena *a, const char *def)
{
	const char *p = strstr(def, "INDEX ");
	st_strbuf sb;

	if (!p)
		return def;
	p += 6;
	st_strbuf_init_arena(&sb, a);
	if (*p == '"') {
		for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
			if (*p == '"')
				p++;
			st_strbuf_addch(&sb, *p);
		}
	} else {
		st_strbuf_add(&sb, p, strcspn(p, " "));
	}
	return sb.len ? sb.buf : "";
}

/* The warnings about a model that Prisma prints, whatever the notes in
 * the schema (re-introspection keeps those from the first pull). */
static void
model_warnings(pctx *p, const st_table *t, const char *mname)
{
	const st_vec *notes = notes_of(p, t);
	const st_psl_rmodel *om = old_model(p, t);
	st_arena *a = p->cx->arena;

	if (p->ignored[t->id] && !(om && om->ignored))
		warn(p, W_NO_ID, "\"%s\"", mname);
	if (om && strcmp(om->name, om->db_name))
		warn(p, W_REMAPPED_MODELS, "\"%s\"", mname);
	if (has_note(p, t, "partition"))
		warn(p, W_PARTITIONS, "\"%s\"", mname);
	if (has_note(p, t, "row level security"))
		warn(p, W_RLS, "\"%s\"", mname);
	for (size_t i = 0; notes && i < notes->len; i++) {
		const st_introspect_note *n = notes->items[i];

		if (!strcmp(n->kind, "check"))
			warn(p, W_CHECKS, "Model: \"%s\", constraint: \"%s\"",
			     mname, n->text);
	}
	for (size_t i = 0; notes && i < notes->len; i++) {
		const st_introspect_note *n = notes->items[i];

		if (!strcmp(n->kind, "deferrable"))
			warn(p, W_DEFERRING, "Model: \"%s\", constraint: \"%s\"",
			     mname, n->text);
	}
	if (p->extra && p->extra->comments.len) {
		if (st_map_has(&p->extra->comments,
			       st_strfmt(a, "%s\x1f%s", t->ns, t->name)))
			warn(p, W_COMMENTS, "Type: \"model\", name: \"%s\"", mname);
		for (size_t i = 0; i < t->columns.len; i++) {
			const st_column *c = t->columns.items[i];

			if (st_map_has(&p->extra->comments,
				       st_strfmt(a, "%s\x1f%s\x1f%s", t->ns, t->name,
						 c->name)))
				warn(p, W_COMMENTS, "Type: \"field\", name: \"%s.%s\"",
				     mname, field_name(p, t, c->name));
		}
	}
	for (size_t i = 0; notes && i < notes->len; i++) {
		const st_introspect_note *n = notes->items[i];

		if (!strcmp(n->kind, "expression index") && n->text)
			warn(p, W_EXPRESSION_INDEXES, "Model: \"%s\", constraint: \"%s\"",
			     mname, indexdef_name(a, n->text));
	}
}

/* Whether ix is written as c's @unique: a plain btree unique index on
 * c alone (partial or not). */
static bool
field_unique(const st_index *ix, const st_column *c)
{
	const st_index_col *ic = ix->cols.len == 1 ? ix->cols.items[0] : NULL;

	return ix->kind == ST_INDEX_UNIQUE && ic && ic->column == c &&
	       ix->algo == ST_ALGO_BTREE && ic->sort != ST_SORT_DESC &&
	       !(ic->opclass && !ic->opclass_is_default);
}

/* A partial index's predicate as Prisma 7 writes it, `where: raw("(id >
 * 3)")` (pg_get_expr's text), after other arguments if any. */
static void
where_arg(pctx *p, st_strbuf *sb, const st_index *ix, bool after)
{
	st_strbuf_adds(sb, after ? ", where: raw(" : "where: raw(");
	add_string(sb, ix->predicate);
	st_strbuf_adds(sb, ")");
	p->partial = true;
}

static void
render_model(pctx *p, const st_table *t)
{
	st_arena *a = p->cx->arena;
	st_strbuf *sb = p->out;
	const char *mname = model_name(p, t);
	const st_psl_rmodel *om = old_model(p, t);
	const char *cmt;
	bool unique_id = !p->ignored[t->id];
	st_strbuf dropped;          /* "\"a\", \"b\"": fields commented out */

	st_strbuf_init_arena(&dropped, a);
	model_warnings(p, t, mname);
	/*
	 * The notes in Prisma's order.  Re-introspection keeps the existing
	 * model's doc comment (which holds the notes of the first pull)
	 * instead of all but the expression index note.
	 */
	if (om) {
		if (om->doc)
			doc_lines(sb, "", om->doc);
	} else {
		if (has_note(p, t, "partition"))
			st_strbuf_adds(sb, note_partition);
		if (has_note(p, t, "check"))
			st_strbuf_adds(sb, note_check);
		if (!unique_id)
			st_strbuf_adds(sb, note_no_unique_id);
		if (table_commented(p, t))
			st_strbuf_adds(sb, comment_note_model);
		if (has_note(p, t, "deferrable"))
			st_strbuf_adds(sb, note_deferrable);
		if (has_note(p, t, "row level security"))
			st_strbuf_adds(sb, note_rls);
	}
	if (has_note(p, t, "expression index") &&
	    !(om && doc_has_note(om->doc, note_expression_index)))
		st_strbuf_adds(sb, note_expression_index);
	st_strbuf_addf(sb, "model %s {\n", mname);
	for (size_t i = 0; i < t->columns.len; i++) {
		const st_column *c = t->columns.items[i];
		const char *fname = field_name(p, t, c->name);
		st_strbuf native;
		const st_psl_rfield *of = old_field(p, t, c->name);
		/* nothing left of the name after sanitizing: Prisma comments
		 * the field out, under its database name */
		bool dropped_field = !*fname;

		st_strbuf_init_arena(&native, a);
		if (of && (cmt = of->doc))
			doc_lines(sb, "  ", cmt);
		if (of && strcmp(of->name, c->name))
			warn(p, W_REMAPPED_FIELDS, "Model: \"%s\", field: \"%s\"",
			     mname, fname);
		if (dropped_field) {
			st_strbuf_addf(&dropped, "%s\"%s\"", dropped.len ? ", " : "",
				       c->name);
			st_strbuf_adds(sb, "  /// This field was commented out because "
				       "of an invalid name. Please provide a valid one "
				       "that matches [a-zA-Z][a-zA-Z0-9_]*\n  // ");
			fname = c->name;
		} else {
			st_strbuf_adds(sb, "  ");
		}
		st_strbuf_addf(sb, "%s ", fname);
		render_type(p, sb, c, &native);
		if (t->pk && t->pk->cols.len == 1 &&
		    ((st_index_col *)t->pk->cols.items[0])->column == c) {
			st_strbuf_adds(sb, " @id");
			if (strcmp(t->pk->name, st_psl_name_pk(a, t->name))) {
				st_strbuf_adds(sb, "(map: ");
				add_string(sb, t->pk->name);
				st_strbuf_adds(sb, ")");
			}
		}
		render_default(p, sb, c);
		if (of && c->def.kind == ST_DEF_NONE && !c->autoincrement && of->def) {
			switch (of->def->kind) {
			case ST_PSL_DEF_UUID: st_strbuf_adds(sb, " @default(uuid())"); break;
			case ST_PSL_DEF_CUID: st_strbuf_adds(sb, " @default(cuid())"); break;
			case ST_PSL_DEF_NANOID: st_strbuf_adds(sb, " @default(nanoid())"); break;
			case ST_PSL_DEF_ULID: st_strbuf_adds(sb, " @default(ulid())"); break;
			default: break;
			}
		}
		if (of && of->updated_at)
			st_strbuf_adds(sb, " @updatedAt");
		for (size_t j = 0; j < t->indexes.len; j++) {
			const st_index *ix = t->indexes.items[j];
			bool map;

			if (!field_unique(ix, c))
				continue;
			map = strcmp(ix->name, st_psl_name_unique(a, t->name, &c->name, 1));
			st_strbuf_adds(sb, " @unique");
			if (map || ix->predicate)
				st_strbuf_adds(sb, "(");
			if (map) {
				st_strbuf_adds(sb, "map: ");
				add_string(sb, ix->name);
			}
			if (ix->predicate)
				where_arg(p, sb, ix, map);
			if (map || ix->predicate)
				st_strbuf_adds(sb, ")");
			break;
		}
		st_strbuf_adds(sb, native.buf);
		if (strcmp(fname, c->name) || dropped_field) {
			st_strbuf_adds(sb, " @map(");
			add_string(sb, c->name);
			st_strbuf_adds(sb, ")");
		}
		st_strbuf_adds(sb, "\n");
	}
	if (dropped.len)
		warn(p, W_EMPTY_FIELDS, "Model: \"%s\", field(s): [%s]", mname,
		     dropped.buf);
	for (size_t i = 0; i < t->fks.len; i++)
		forward_relation(p, sb, t->fks.items[i]);
	back_relations(p, sb, t);
	st_strbuf_adds(sb, "\n");
	if (t->pk && t->pk->cols.len > 1) {
		st_strbuf_adds(sb, "  @@id(");
		index_fields(p, sb, t, t->pk);
		if (strcmp(t->pk->name, st_psl_name_pk(a, t->name))) {
			st_strbuf_adds(sb, ", map: ");
			add_string(sb, t->pk->name);
		}
		st_strbuf_adds(sb, ")\n");
	}
	for (size_t i = 0; i < t->indexes.len; i++) {
		const st_index *ix = t->indexes.items[i];
		const st_index_col *ic = ix->cols.len == 1 ? ix->cols.items[0] : NULL;
		const char **cols = col_names(a, ix);
		const char *dflt, *algo = algo_name(ix->algo);

		if (ic && field_unique(ix, ic->column))
			continue;   /* rendered as @unique */
		dflt = ix->kind == ST_INDEX_UNIQUE ?
		       st_psl_name_unique(a, t->name, cols, ix->cols.len) :
		       st_psl_name_index(a, t->name, cols, ix->cols.len);
		st_strbuf_addf(sb, "  @@%s(", ix->kind == ST_INDEX_UNIQUE ? "unique" :
			       "index");
		index_fields(p, sb, t, ix);
		if (strcmp(ix->name, dflt)) {
			st_strbuf_adds(sb, ", map: ");
			add_string(sb, ix->name);
		}
		if (algo)
			st_strbuf_addf(sb, ", type: %s", algo);
		if (ix->predicate)
			where_arg(p, sb, ix, true);
		st_strbuf_adds(sb, ")\n");
	}
	if (strcmp(mname, t->name)) {
		st_strbuf_adds(sb, "  @@map(");
		add_string(sb, t->name);
		st_strbuf_adds(sb, ")\n");
	}
	if (p->s->multi_schema) {
		st_strbuf_adds(sb, "  @@schema(");
		add_string(sb, t->ns);
		st_strbuf_adds(sb, ")\n");
	}
	if (!unique_id)
		st_strbuf_adds(sb, "  @@ignore\n");
	st_strbuf_adds(sb, "}\n\n");
}

static void
render_enum(pctx *p, const st_enum *e, const st_psl_renum *old)
{
	st_strbuf *sb = p->out;
	const char *name = enum_name(p, e->name, e->ns);
	st_strbuf dropped;      /* values commented out, not yet written */

	st_strbuf_init_arena(&dropped, p->cx->arena);
	if (old && strcmp(old->name, old->db_name))
		warn(p, W_REMAPPED_ENUMS, "\"%s\"", name);
	if (enum_commented(p, e))
		warn(p, W_COMMENTS, "Type: \"enum\", name: \"%s\"", name);

	/* re-introspection keeps the enum's doc comment, like a model's */
	if (old) {
		if (old->doc)
			doc_lines(sb, "", old->doc);
	} else if (enum_commented(p, e)) {
		st_strbuf_adds(sb, comment_note_enum);
	}
	st_strbuf_addf(sb, "enum %s {\n", name);
	for (size_t i = 0; i < e->values.len; i++) {
		const char *v = e->values.items[i];
		const char *n = value_name(p->cx->arena, v);

		if (!*n) {
			/* nothing left of the name: commented out, in place;
			 * after the last value, Prisma's formatter moves the
			 * comment down to the block attributes */
			st_strbuf_addf(&dropped, "  // %s @map(", v);
			add_string(&dropped, v);
			st_strbuf_adds(&dropped, ")\n");
			warn(p, W_EMPTY_VALUES, "Enum: \"%s\", value: \"%s\"", name, v);
			continue;
		}
		st_strbuf_adds(sb, dropped.buf ? dropped.buf : "");
		st_strbuf_reset(&dropped);
		st_strbuf_addf(sb, "  %s", n);
		if (strcmp(n, v)) {
			st_strbuf_adds(sb, " @map(");
			add_string(sb, v);
			st_strbuf_adds(sb, ")");
		}
		st_strbuf_adds(sb, "\n");
	}
	if (strcmp(name, e->name) || p->s->multi_schema)
		st_strbuf_adds(sb, "\n");
	st_strbuf_adds(sb, dropped.buf ? dropped.buf : "");
	if (strcmp(name, e->name)) {
		st_strbuf_adds(sb, "  @@map(");
		add_string(sb, e->name);
		st_strbuf_adds(sb, ")\n");
	}
	if (p->s->multi_schema) {
		st_strbuf_adds(sb, "  @@schema(");
		add_string(sb, e->ns);
		st_strbuf_adds(sb, ")\n");
	}
	st_strbuf_adds(sb, "}\n\n");
}

/* ==== the existing file ==== */

/*
 * A generator block (b, n bytes up to its '}') with "partialIndexes" in
 * its previewFeatures, as Prisma writes it when the pulled schema has a
 * partial index: added at the end of the list, or as a new last line
 * `previewFeatures = ["partialIndexes"]`.
 */
static void
copy_generator_partial(st_strbuf *sb, const char *b, size_t n)
{
	const char *close = b + n - 1;          /* the '}' */
	const char *key = NULL, *open, *end, *at;

	for (const char *l = b; l && l < close; l = strchr(l, '\n')) {
		l += *l == '\n';
		l += strspn(l, " \t");
		if (!strncmp(l, "previewFeatures", 15) &&
		    l[15 + strspn(l + 15, " \t")] == '=') {
			key = l;
			break;
		}
	}
	if (key && (open = memchr(key, '[', (size_t)(close - key))) &&
	    (end = memchr(open, ']', (size_t)(close - open)))) {
		bool empty = open + 1 + strspn(open + 1, " \t\n") == end;

		st_strbuf_add(sb, b, (size_t)(end - b));
		if (!memmem(open, (size_t)(end - open), "\"partialIndexes\"", 16))
			st_strbuf_adds(sb, empty ? "\"partialIndexes\"" :
				       ", \"partialIndexes\"");
		st_strbuf_add(sb, end, (size_t)(b + n - end));
		return;
	}
	/* a new line before the one of the '}' (or before it, on one line) */
	for (at = close; at > b && (at[-1] == ' ' || at[-1] == '\t'); at--)
		;
	st_strbuf_add(sb, b, (size_t)(at - b));
	st_strbuf_adds(sb, at[-1] == '\n' ? "  previewFeatures = [\"partialIndexes\"]\n" :
		       "\n  previewFeatures = [\"partialIndexes\"]\n");
	st_strbuf_add(sb, at, (size_t)(b + n - at));
}

/* Copies the generator and datasource blocks of text verbatim (the
 * generators with the partialIndexes preview if partial). */
static bool
copy_config_blocks(st_strbuf *sb, const char *text, bool partial)
{
	const char *p = text;
	bool any = false;

	while (*p) {
		const char *line = p;
		size_t n = strcspn(p, "\n");

		if (!strncmp(line, "generator ", 10) || !strncmp(line, "datasource ", 11)) {
			int depth = 0;
			bool in_str = false, opened = false;
			const char *q = line;

			for (; *q; q++) {
				if (in_str) {
					if (*q == '\\' && q[1])
						q++;
					else if (*q == '"')
						in_str = false;
				} else if (*q == '"') {
					in_str = true;
				} else if (*q == '/' && q[1] == '/') {
					q += strcspn(q, "\n") - 1;
				} else if (*q == '{') {
					depth++;
					opened = true;
				} else if (*q == '}' && --depth == 0 && opened) {
					q++;
					break;
				}
			}
			if (partial && line[0] == 'g')
				copy_generator_partial(sb, line, (size_t)(q - line));
			else
				st_strbuf_add(sb, line, (size_t)(q - line));
			st_strbuf_adds(sb, "\n\n");
			any = true;
			p = q;
			continue;
		}
		p += n;
		if (*p)
			p++;
	}
	return any;
}

/*
 * With several namespaces, the table (and enum) names found in more than
 * one: Prisma prefixes those with their namespace and warns, enums first.
 */
static void
index_duplicates(pctx *p)
{
	st_arena *a = p->cx->arena;
	const st_schema *s = p->s;
	st_map seen;

	st_map_init(&p->dup_names, a);
	if (!s->multi_schema)
		return;
	st_map_init(&seen, a);
	for (size_t i = 0; i < s->enums.len; i++) {
		const char *k = st_strfmt(a, "e\x1f%s", ((st_enum *)s->enums.items[i])->name);

		if (st_map_has(&seen, k))
			st_map_put(&p->dup_names, k, (void *)1);
		st_map_put(&seen, k, (void *)1);
	}
	for (size_t i = 0; i < s->tables.len; i++) {
		const char *k = st_strfmt(a, "m\x1f%s", ((st_table *)s->tables.items[i])->name);

		if (p->m2m[i])
			continue;
		if (st_map_has(&seen, k))
			st_map_put(&p->dup_names, k, (void *)1);
		st_map_put(&seen, k, (void *)1);
	}
	for (size_t i = 0; i < s->enums.len; i++) {
		const st_enum *e = s->enums.items[i];

		if (!old_enum(p, e->ns, e->name) &&
		    st_map_has(&p->dup_names, st_strfmt(a, "e\x1f%s", e->name)))
			warn(p, W_DUPLICATES, "Type: \"enum\", name: \"%s\"",
			     enum_name(p, e->name, e->ns));
	}
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		if (!p->m2m[i] && !old_model(p, t) &&
		    st_map_has(&p->dup_names, st_strfmt(a, "m\x1f%s", t->name)))
			warn(p, W_DUPLICATES, "Type: \"model\", name: \"%s\"",
			     model_name(p, t));
	}
}

/* The lookups of pctx (see there). */
static void
index_schema(pctx *p)
{
	st_arena *a = p->cx->arena;
	const st_schema *s = p->s;
	size_t n = s->tables.len;

	p->model_names = st_alloc_array(a, n + 1, sizeof(*p->model_names));
	p->m2m = st_alloc_array(a, n + 1, sizeof(*p->m2m));
	p->ignored = st_alloc_array(a, n + 1, sizeof(*p->ignored));
	for (int k = 0; k < W_COUNT; k++)
		st_vec_init(&p->warn[k], a);
	p->incoming = st_alloc_array(a, n + 1, sizeof(*p->incoming));
	for (size_t i = 0; i < n; i++) {
		p->m2m[i] = test_m2m(s->tables.items[i]);
		p->ignored[i] = !has_unique_id(s->tables.items[i]);
		st_vec_init(&p->incoming[i], a);
	}
	for (size_t i = 0; i < n; i++) {
		const st_table *t = s->tables.items[i];

		for (size_t j = 0; j < t->fks.len; j++) {
			st_fk *fk = t->fks.items[j];

			st_vec_push(&p->incoming[fk->ref_table->id], fk);
		}
	}
	st_map_init(&p->old_models, a);
	st_map_init(&p->tables_named, a);
	for (size_t i = 0; p->old && i < p->old->nmodels; i++) {
		const st_psl_rmodel *m = p->old->models[i];

		const char *key = old_key(p, m->schema, m->db_name);

		if (!st_map_has(&p->old_models, key))
			st_map_put(&p->old_models, key, (void *)m);
	}
	index_duplicates(p);
	for (size_t i = 0; p->old && i < n; i++) {
		st_table *t = s->tables.items[i];
		st_vec *v;

		if (p->m2m[i])
			continue;
		if (!(v = st_map_get(&p->tables_named, t->name))) {
			v = st_alloc(a, sizeof(*v));
			st_vec_init(v, a);
			st_map_put(&p->tables_named, t->name, v);
		}
		st_vec_push(v, t);
	}
	st_map_init(&p->table_notes, a);
	for (size_t i = 0; p->extra && i < p->extra->notes.len; i++) {
		st_introspect_note *note = p->extra->notes.items[i];
		st_vec *v;

		if (!note->table)
			continue;
		if (!(v = st_map_get(&p->table_notes, note->table))) {
			v = st_alloc(a, sizeof(*v));
			st_vec_init(v, a);
			st_map_put(&p->table_notes, note->table, v);
		}
		st_vec_push(v, note);
	}
}

static const st_psl_model *
parse_existing(st_ctx *cx, const char *text)
{
	st_ctx *pcx = st_ctx_new(cx->arena);
	st_source *src = st_source_new(pcx, "schema.prisma", text, strlen(text));
	st_psl_schema *ast = NULL;
	st_psl_model *pm = NULL;

	if (st_psl_parse_schema(pcx, &src, 1, &ast) < 0 ||
	    st_psl_validate(pcx, ast, &pm) < 0)
		pm = NULL;
	/* pcx's arena is a child of cx's: the model stays valid; only the
	 * heap-held message buffers go now */
	st_strbuf_release(&pcx->err_msg);
	st_strbuf_release(&pcx->err_detail);
	st_strbuf_release(&pcx->err_hint);
	return pm;
}

int
st_pull_render(st_ctx *cx, const st_schema *s, const st_introspect_extra *extra,
	       const char *existing, bool reuse_names, st_strbuf *out)
{
	return st_pull_render_warn(cx, s, extra, existing, reuse_names, out, NULL);
}

int
st_pull_render_warn(st_ctx *cx, const st_schema *s,
		    const st_introspect_extra *extra, const char *existing,
		    bool reuse_names, st_strbuf *out, st_strbuf *warnings)
{
	pctx p = { .cx = cx, .s = s, .extra = extra };
	st_strbuf raw, body;
	st_source *src;
	int rc;

	st_strbuf_init_arena(&raw, cx->arena);
	st_strbuf_init_arena(&body, cx->arena);
	p.out = &body;
	if (existing && reuse_names)
		p.old = parse_existing(cx, existing);
	index_schema(&p);
	/*
	 * Models, then enums, as Prisma writes them; re-introspection keeps
	 * the existing order of each (not their interleaving: Prisma moves
	 * the enums after the models) and puts the new ones after those.
	 * They go into body first: the generator blocks before them depend
	 * on what they hold (p.partial).
	 */
	for (size_t i = 0; p.old && i < p.old->nmodels; i++) {
		const st_psl_rmodel *m = p.old->models[i];
		const st_vec *v = st_map_get(&p.tables_named, m->db_name);

		for (size_t j = 0; v && j < v->len && !m->is_view; j++)
			if (old_model(&p, v->items[j]) == m)
				render_model(&p, v->items[j]);
	}
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		if (!is_m2m(&p, t) && !old_model(&p, t))
			render_model(&p, t);
	}
	for (size_t i = 0; p.old && i < p.old->nenums; i++) {
		const st_psl_renum *e = p.old->enums[i];

		for (size_t j = 0; j < s->enums.len; j++) {
			const st_enum *se = s->enums.items[j];

			if (old_enum(&p, se->ns, se->name) == e)
				render_enum(&p, se, e);
		}
	}
	for (size_t i = 0; i < s->enums.len; i++) {
		const st_enum *e = s->enums.items[i];

		if (!old_enum(&p, e->ns, e->name))
			render_enum(&p, e, NULL);
	}
	if (!existing || !copy_config_blocks(&raw, existing, p.partial)) {
		st_strbuf_adds(&raw, "generator client {\n  provider = \"prisma-client-js\"\n");
		if (p.partial)
			st_strbuf_adds(&raw, "  previewFeatures = [\"partialIndexes\"]\n");
		st_strbuf_adds(&raw, "}\n\ndatasource db {\n  provider = \"postgresql\"\n");
		if (s->multi_schema) {
			st_strbuf_adds(&raw, "  schemas = [");
			for (size_t i = 0; i < s->namespaces.len; i++) {
				const char *n = ((st_namespace *)s->namespaces.items[i])->name;

				if (!strcmp(n, "public") && i + 1 == s->namespaces.len && i)
					break;
				if (i)
					st_strbuf_adds(&raw, ", ");
				add_string(&raw, n);
			}
			st_strbuf_adds(&raw, "]\n");
		}
		st_strbuf_adds(&raw, "}\n\n");
	}
	st_strbuf_add(&raw, body.buf ? body.buf : "", body.len);
	src = st_source_new(cx, "schema.prisma", raw.buf, raw.len);
	st_strbuf_reset(out);
	rc = st_psl_format_source(cx, src, out);
	if (rc < 0) {
		/* not expected: show what was generated */
		st_strbuf_reset(out);
		st_strbuf_add(out, raw.buf, raw.len);
	}
	for (int k = 0; warnings && k < W_COUNT; k++) {
		if (!p.warn[k].len)
			continue;
		if (!warnings->len)
			st_strbuf_adds(warnings, "*** WARNING ***\n");
		st_strbuf_addf(warnings, "\n%s\n", warn_title[k]);
		for (size_t i = 0; i < p.warn[k].len; i++)
			st_strbuf_addf(warnings, "%s\n", (const char *)p.warn[k].items[i]);
	}
	return rc;
}
