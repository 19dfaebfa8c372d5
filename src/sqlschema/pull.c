/*
 * pull.c - introspected SQL schema model -> schema.prisma (pull.h), in
 * Prisma's re-introspection style, then formatted by psl/format.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/pull.h"

typedef struct pctx {
	st_ctx *cx;
	const st_schema *s;
	const st_introspect_extra *extra;
	const st_psl_model *old;     /* existing schema's model, or NULL */
	st_map model_names;          /* st_table * (as %p) -> model name */
	st_map enum_names;           /* "ns\x1fname" -> enum name */
	st_strbuf *out;
} pctx;

/* ==== names ==== */

static bool
valid_ident(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Prisma's sanitization: invalid characters become '_', a leading
 * non-letter gets a prefix. */
static const char *
sanitize(st_arena *a, const char *s, const char *prefix)
{
	st_strbuf sb;

	if (valid_ident(s))
		return s;
	st_strbuf_init_arena(&sb, a);
	if (!isalpha((unsigned char)*s))
		st_strbuf_adds(&sb, prefix);
	for (const char *p = s; *p; p++)
		st_strbuf_addch(&sb, isalnum((unsigned char)*p) ? *p : '_');
	return sb.buf;
}

static const st_psl_rmodel *
old_model(const pctx *p, const st_table *t)
{
	if (!p->old)
		return NULL;
	for (size_t i = 0; i < p->old->nmodels; i++) {
		const st_psl_rmodel *m = p->old->models[i];

		if (!strcmp(m->db_name, t->name))
			return m;
	}
	return NULL;
}

static const char *
model_name(pctx *p, const st_table *t)
{
	char key[32];
	const char *n;

	snprintf(key, sizeof(key), "%p", (const void *)t);
	if ((n = st_map_get(&p->model_names, key)))
		return n;
	const st_psl_rmodel *m = old_model(p, t);

	n = m ? m->name : sanitize(p->cx->arena, t->name, "M");
	st_map_put(&p->model_names, st_strdup(p->cx->arena, key), (void *)n);
	return n;
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
	return sanitize(p->cx->arena, column, "c");
}

static const char *
enum_name(pctx *p, const char *name)
{
	if (p->old)
		for (size_t i = 0; i < p->old->nenums; i++)
			if (!strcmp(p->old->enums[i]->db_name, name))
				return p->old->enums[i]->name;
	return sanitize(p->cx->arena, name, "E");
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
		st_strbuf_adds(sb, enum_name(p, t->enum_name));
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
		st_strbuf_adds(sb, sanitize(p->cx->arena, v->text, "V"));
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
			st_strbuf_adds(sb, "ops: raw(");
			add_string(sb, ic->opclass);
			st_strbuf_addch(sb, ')');
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
is_m2m(const st_table *t)
{
	return t->name[0] == '_' && t->columns.len == 2 && t->fks.len == 2 &&
	       st_table_column(t, "A") && st_table_column(t, "B");
}

static int
relations_between(const st_schema *s, const st_table *a, const st_table *b)
{
	int n = 0;

	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		if (is_m2m(t)) {
			const st_table *x = ((st_fk *)t->fks.items[0])->ref_table;
			const st_table *y = ((st_fk *)t->fks.items[1])->ref_table;

			if ((x == a && y == b) || (x == b && y == a))
				n++;
			continue;
		}
		for (size_t j = 0; j < t->fks.len; j++) {
			const st_fk *fk = t->fks.items[j];

			if ((t == a && fk->ref_table == b) || (t == b && fk->ref_table == a))
				n++;
		}
	}
	return n;
}

static const char *
relation_name(pctx *p, const st_fk *fk, bool *named)
{
	const char *t = model_name(p, fk->table), *r = model_name(p, fk->ref_table);
	st_strbuf sb;

	*named = fk->table == fk->ref_table ||
		 relations_between(p->s, fk->table, fk->ref_table) > 1;
	if (!*named)
		return NULL;
	if (fk->table == fk->ref_table &&
	    relations_between(p->s, fk->table, fk->ref_table) == 1)
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
			    st_strfmt(p->cx->arena, "%s_%s", rm, rel) : rm;
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
	st_strbuf_adds(sb, ")\n");
}

static void
back_relations(pctx *p, st_strbuf *sb, const st_table *me)
{
	for (size_t i = 0; i < p->s->tables.len; i++) {
		const st_table *t = p->s->tables.items[i];

		for (size_t j = 0; j < t->fks.len; j++) {
			const st_fk *fk = t->fks.items[j];
			bool named;
			const char *rel, *tm, *fname;

			if (fk->ref_table != me)
				continue;
			if (is_m2m(t)) {
				/* the other side of the join table */
				const st_fk *other = t->fks.items[1 - j];
				const char *om = model_name(p, other->ref_table);
				const char *dflt;

				dflt = st_strfmt(p->cx->arena, "_%sTo%s",
					strcmp(model_name(p, me), om) < 0 ? model_name(p, me) : om,
					strcmp(model_name(p, me), om) < 0 ? om : model_name(p, me));
				const char *fn = om;
				const st_psl_rmodel *mm = old_model(p, me);

				for (size_t k = 0; mm && k < mm->nfields; k++) {
					const st_psl_rfield *f = mm->fields[k];

					if (f->rel && f->rel->kind == ST_PSL_REL_MANY_TO_MANY &&
					    !strcmp(f->rel->related->db_name, other->ref_table->name))
						fn = f->name;
				}
				if (fn == om && relations_between(p->s, me, other->ref_table) > 1)
					fn = st_strfmt(p->cx->arena, "%s_%s", om, t->name + 1);
				st_strbuf_addf(sb, "  %s %s[]", fn, om);
				if (strcmp(t->name, dflt)) {
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
			fname = !named ? tm : t == me ? st_strfmt(p->cx->arena, "other_%s", tm) :
				st_strfmt(p->cx->arena, "%s_%s", tm, rel);
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
			st_strbuf_adds(sb, "\n");
		}
	}
}

/* ==== models ==== */

static bool
has_note(pctx *p, const st_table *t, const char *kind)
{
	if (!p->extra)
		return false;
	for (size_t i = 0; i < p->extra->notes.len; i++) {
		const st_introspect_note *n = p->extra->notes.items[i];

		if (n->table && !strcmp(n->table, t->name) && !strcmp(n->kind, kind))
			return true;
	}
	return false;
}

static const char *
comment_of(pctx *p, const st_table *t, const char *col)
{
	char *key;

	if (!p->extra)
		return NULL;
	key = col ? st_strfmt(p->cx->arena, "%s\x1f%s\x1f%s", t->ns, t->name, col) :
		    st_strfmt(p->cx->arena, "%s\x1f%s", t->ns, t->name);
	return st_map_get(&p->extra->comments, key);
}

static void
render_model(pctx *p, const st_table *t)
{
	st_arena *a = p->cx->arena;
	st_strbuf *sb = p->out;
	const char *mname = model_name(p, t);
	const char *cmt = comment_of(p, t, NULL);
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
	if (!cmt && old_model(p, t))
		cmt = old_model(p, t)->doc;
	if (cmt)
		doc_lines(sb, "", cmt);
	if (has_note(p, t, "check"))
		st_strbuf_adds(sb, "/// This table contains check constraints and "
			       "requires additional setup for migrations. Visit "
			       "https://pris.ly/d/check-constraints for more info.\n");
	if (has_note(p, t, "expression index"))
		st_strbuf_adds(sb, "/// This model contains an expression index "
			       "which requires additional setup for migrations. Visit "
			       "https://pris.ly/d/expression-indexes for more info.\n");
	if (has_note(p, t, "row level security"))
		st_strbuf_adds(sb, "/// This model contains row level security and "
			       "requires additional setup for migrations. Visit "
			       "https://pris.ly/d/row-level-security for more info.\n");
	if (has_note(p, t, "partition"))
		st_strbuf_adds(sb, "/// This table is a partition table and requires "
			       "additional setup for migrations. Visit "
			       "https://pris.ly/d/partition-tables for more info.\n");
	if (has_note(p, t, "deferrable"))
		st_strbuf_adds(sb, "/// This model has constraints using non-default "
			       "deferring rules and requires additional setup for "
			       "migrations. Visit https://pris.ly/d/constraint-deferring "
			       "for more info.\n");
	for (size_t i = 0; p->extra && i < p->extra->notes.len; i++) {
		const st_introspect_note *n = p->extra->notes.items[i];

		if (n->table && !strcmp(n->table, t->name) &&
		    !strcmp(n->kind, "partial index"))
			st_strbuf_addf(sb, "/// This model has a partial index the schema "
				       "does not describe: %s\n", n->text);
	}
	if (!unique_id)
		st_strbuf_adds(sb, "/// The underlying table does not contain a valid "
			       "unique identifier and can therefore currently not be "
			       "handled by Prisma Client.\n");
	st_strbuf_addf(sb, "model %s {\n", mname);
	for (size_t i = 0; i < t->columns.len; i++) {
		const st_column *c = t->columns.items[i];
		const char *fname = field_name(p, t, c->name);
		st_strbuf native;

		const st_psl_rfield *of = old_field(p, t, c->name);

		st_strbuf_init_arena(&native, a);
		if ((cmt = comment_of(p, t, c->name)) || (of && (cmt = of->doc)))
			doc_lines(sb, "  ", cmt);
		st_strbuf_addf(sb, "  %s ", fname);
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
			const st_index_col *ic = ix->cols.len == 1 ? ix->cols.items[0] : NULL;

			if (ix->kind != ST_INDEX_UNIQUE || !ic || ic->column != c ||
			    ix->predicate || ix->algo != ST_ALGO_BTREE ||
			    ic->sort == ST_SORT_DESC ||
			    (ic->opclass && !ic->opclass_is_default))
				continue;
			st_strbuf_adds(sb, " @unique");
			if (strcmp(ix->name, st_psl_name_unique(a, t->name, &c->name, 1))) {
				st_strbuf_adds(sb, "(map: ");
				add_string(sb, ix->name);
				st_strbuf_adds(sb, ")");
			}
			break;
		}
		st_strbuf_adds(sb, native.buf);
		if (strcmp(fname, c->name)) {
			st_strbuf_adds(sb, " @map(");
			add_string(sb, c->name);
			st_strbuf_adds(sb, ")");
		}
		st_strbuf_adds(sb, "\n");
	}
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

		if (ix->kind == ST_INDEX_UNIQUE && ic && !ix->predicate &&
		    ix->algo == ST_ALGO_BTREE && ic->sort != ST_SORT_DESC &&
		    !(ic->opclass && !ic->opclass_is_default))
			continue;   /* rendered as @unique */
		if (ix->predicate)
			st_strbuf_addf(sb, "  // The index \"%s\" has a WHERE clause "
				       "(%s) that the schema cannot express.\n",
				       ix->name, ix->predicate);
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
render_enum(pctx *p, const st_enum *e)
{
	st_strbuf *sb = p->out;
	const char *name = enum_name(p, e->name);

	st_strbuf_addf(sb, "enum %s {\n", name);
	for (size_t i = 0; i < e->values.len; i++) {
		const char *v = e->values.items[i];
		const char *n = sanitize(p->cx->arena, v, "V");

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

/* Copies the generator and datasource blocks of text verbatim. */
static bool
copy_config_blocks(st_strbuf *sb, const char *text)
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
	pctx p = { .cx = cx, .s = s, .extra = extra };
	st_strbuf raw;
	st_source *src;
	int rc;

	st_strbuf_init_arena(&raw, cx->arena);
	st_map_init(&p.model_names, cx->arena);
	st_map_init(&p.enum_names, cx->arena);
	p.out = &raw;
	if (existing && reuse_names)
		p.old = parse_existing(cx, existing);
	if (!existing || !copy_config_blocks(&raw, existing)) {
		st_strbuf_adds(&raw, "generator client {\n  provider = \"prisma-client-js\"\n}\n\n"
			       "datasource db {\n  provider = \"postgresql\"\n");
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
	if (p.old) {
		/* re-introspection keeps the existing order of models and enums */
		size_t mi = 0, ei = 0;

		while (mi < p.old->nmodels || ei < p.old->nenums) {
			const st_psl_rmodel *m = mi < p.old->nmodels ? p.old->models[mi] : NULL;
			const st_psl_renum *e = ei < p.old->nenums ? p.old->enums[ei] : NULL;

			if (m && (!e || m->name_span.start < e->span.start)) {
				mi++;
				for (size_t j = 0; j < s->tables.len && !m->is_view; j++) {
					const st_table *t = s->tables.items[j];

					if (!is_m2m(t) && !strcmp(t->name, m->db_name))
						render_model(&p, t);
				}
			} else {
				ei++;
				for (size_t j = 0; j < s->enums.len; j++)
					if (!strcmp(((st_enum *)s->enums.items[j])->name, e->db_name))
						render_enum(&p, s->enums.items[j]);
			}
		}
	}
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		if (!is_m2m(t) && !old_model(&p, t))
			render_model(&p, t);
	}
	for (size_t i = 0; i < s->enums.len; i++) {
		const st_enum *e = s->enums.items[i];
		bool seen = false;

		for (size_t j = 0; p.old && j < p.old->nenums && !seen; j++)
			seen = !strcmp(p.old->enums[j]->db_name, e->name);
		if (!seen)
			render_enum(&p, e);
	}
	if (extra)
		for (size_t i = 0; i < extra->views.len; i++)
			st_strbuf_addf(&raw, "// The view %s is not described in the schema "
				       "(views need the \"views\" preview feature).\n",
				       (const char *)extra->views.items[i]);
	src = st_source_new(cx, "schema.prisma", raw.buf, raw.len);
	st_strbuf_reset(out);
	rc = st_psl_format_source(cx, src, out);
	if (rc < 0) {
		/* not expected: show what was generated */
		st_strbuf_reset(out);
		st_strbuf_add(out, raw.buf, raw.len);
	}
	return rc;
}
