/*
 * ast.c - lookups over the PSL syntax tree (attributes, arguments, blocks,
 * fields) and a debug dump used by tests and the fuzzer.
 */
#include <string.h>

#include "psl/psl.h"

/* ==== names ==== */

const char *
st_psl_block_kind_name(st_psl_block_kind kind)
{
	switch (kind) {
	case ST_PSL_DATASOURCE: return "datasource";
	case ST_PSL_GENERATOR: return "generator";
	case ST_PSL_MODEL: return "model";
	case ST_PSL_VIEW: return "view";
	case ST_PSL_ENUM: return "enum";
	case ST_PSL_TYPE: return "type";
	}
	return "block";
}

const char *
st_psl_expr_kind_name(st_psl_expr_kind kind)
{
	switch (kind) {
	case ST_PSL_EXPR_STRING: return "string";
	case ST_PSL_EXPR_NUMBER: return "number";
	case ST_PSL_EXPR_CONST: return "constant";
	case ST_PSL_EXPR_ARRAY: return "array";
	case ST_PSL_EXPR_CALL: return "function";
	case ST_PSL_EXPR_OBJECT: return "object";
	}
	return "expression";
}

/* ==== attributes and arguments ==== */

st_psl_attr *
st_psl_attr_find(st_psl_attr *const *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i]->name.name, name) == 0)
			return attrs[i];
	return NULL;
}

size_t
st_psl_attr_count(st_psl_attr *const *attrs, size_t n, const char *name)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i]->name.name, name) == 0)
			c++;
	return c;
}

st_psl_attr *
st_psl_field_attr(const st_psl_field *f, const char *name)
{
	return st_psl_attr_find(f->attrs, f->nattrs, name);
}

st_psl_attr *
st_psl_block_attr(const st_psl_block *b, const char *name)
{
	return st_psl_attr_find(b->attrs, b->nattrs, name);
}

st_psl_arg *
st_psl_arg_named(const st_psl_args *args, const char *name)
{
	if (!args)
		return NULL;
	for (size_t i = 0; i < args->n; i++)
		if (args->items[i]->name.name &&
		    args->items[i]->name.name[0] == name[0] &&
		    strcmp(args->items[i]->name.name, name) == 0)
			return args->items[i];
	return NULL;
}

st_psl_arg *
st_psl_arg_pos(const st_psl_args *args, size_t pos)
{
	if (!args)
		return NULL;
	for (size_t i = 0; i < args->n; i++)
		if (!args->items[i]->name.name && pos-- == 0)
			return args->items[i];
	return NULL;
}

st_psl_arg *
st_psl_arg_get(const st_psl_args *args, const char *name, size_t pos)
{
	st_psl_arg *a = name ? st_psl_arg_named(args, name) : NULL;

	return a ? a : st_psl_arg_pos(args, pos);
}

st_psl_expr *
st_psl_attr_arg(const st_psl_attr *a, const char *name, size_t pos)
{
	st_psl_arg *arg;

	if (!a || !a->has_args)
		return NULL;
	arg = st_psl_arg_get(&a->args, name, pos);
	return arg ? arg->value : NULL;
}

/* ==== lookups ==== */

st_psl_field *
st_psl_block_field(const st_psl_block *b, const char *name)
{
	for (size_t i = 0; i < b->nfields; i++)
		if (strcmp(b->fields[i]->name.name, name) == 0)
			return b->fields[i];
	return NULL;
}

st_psl_prop *
st_psl_block_prop(const st_psl_block *b, const char *name)
{
	for (size_t i = 0; i < b->nprops; i++)
		if (strcmp(b->props[i]->name.name, name) == 0)
			return b->props[i];
	return NULL;
}

st_psl_enum_value *
st_psl_block_value(const st_psl_block *b, const char *name)
{
	for (size_t i = 0; i < b->nvalues; i++)
		if (strcmp(b->values[i]->name.name, name) == 0)
			return b->values[i];
	return NULL;
}

st_psl_block *
st_psl_file_block(const st_psl_file *f, const char *name)
{
	for (size_t i = 0; i < f->nblocks; i++)
		if (strcmp(f->blocks[i]->name.name, name) == 0)
			return f->blocks[i];
	return NULL;
}

st_psl_block *
st_psl_schema_block(const st_psl_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nblocks; i++)
		if (strcmp(s->blocks[i]->name.name, name) == 0)
			return s->blocks[i];
	return NULL;
}

/* ==== expressions ==== */

const char *
st_psl_expr_raw(st_arena *a, const st_psl_expr *e)
{
	if (e->kind == ST_PSL_EXPR_NUMBER || e->kind == ST_PSL_EXPR_CONST)
		return e->str;
	return st_strndup(a, e->span.src->text + e->span.start,
			  e->span.end - e->span.start);
}

bool
st_psl_expr_string(const st_psl_expr *e, const char **out, size_t *len)
{
	if (!e || e->kind != ST_PSL_EXPR_STRING)
		return false;
	if (out)
		*out = e->str;
	if (len)
		*len = e->str_len;
	return true;
}

bool
st_psl_expr_is_const(const st_psl_expr *e, const char *name)
{
	return e && e->kind == ST_PSL_EXPR_CONST && strcmp(e->str, name) == 0;
}

bool
st_psl_expr_is_call(const st_psl_expr *e, const char *func)
{
	return e && e->kind == ST_PSL_EXPR_CALL &&
	       strcmp(e->func.name, func) == 0;
}

st_span
st_psl_span_join(st_span a, st_span b)
{
	st_span s = a;

	if (!a.src)
		return b;
	if (b.src == a.src) {
		if (b.start < s.start)
			s.start = b.start;
		if (b.end > s.end)
			s.end = b.end;
	}
	return s;
}

/* ==== debug dump ==== */

static void dump_expr(st_strbuf *out, const st_psl_expr *e);

static void
dump_args(st_strbuf *out, const st_psl_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			st_strbuf_adds(out, " ");
		if (a->items[i]->name.name)
			st_strbuf_addf(out, "%s=", a->items[i]->name.name);
		if (a->items[i]->value)
			dump_expr(out, a->items[i]->value);
		else
			st_strbuf_adds(out, "<empty>");
	}
	if (a->trailing_comma)
		st_strbuf_adds(out, " ,");
}

static void
dump_expr(st_strbuf *out, const st_psl_expr *e)
{
	switch (e->kind) {
	case ST_PSL_EXPR_STRING:
		st_strbuf_adds(out, "(str ");
		st_strbuf_add(out, e->str, e->str_len);
		st_strbuf_adds(out, ")");
		break;
	case ST_PSL_EXPR_NUMBER:
		st_strbuf_addf(out, "(num %s)", e->str);
		break;
	case ST_PSL_EXPR_CONST:
		st_strbuf_addf(out, "(const %s)", e->str);
		break;
	case ST_PSL_EXPR_ARRAY:
		st_strbuf_adds(out, "(array");
		for (size_t i = 0; i < e->nitems; i++) {
			st_strbuf_adds(out, " ");
			dump_expr(out, e->items[i]);
		}
		st_strbuf_adds(out, ")");
		break;
	case ST_PSL_EXPR_CALL:
		st_strbuf_addf(out, "(call %s", e->func.name);
		if (e->args.n)
			st_strbuf_adds(out, " ");
		dump_args(out, &e->args);
		st_strbuf_adds(out, ")");
		break;
	case ST_PSL_EXPR_OBJECT:
		st_strbuf_adds(out, "(object");
		if (e->args.n)
			st_strbuf_adds(out, " ");
		dump_args(out, &e->args);
		st_strbuf_adds(out, ")");
		break;
	}
}

static void
dump_attrs(st_strbuf *out, st_psl_attr *const *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		st_strbuf_addf(out, " (%s%s", attrs[i]->block ? "@@" : "@",
			       attrs[i]->name.name);
		if (attrs[i]->has_args) {
			st_strbuf_adds(out, " [");
			dump_args(out, &attrs[i]->args);
			st_strbuf_adds(out, "]");
		}
		st_strbuf_adds(out, ")");
	}
}

static const char *
arity_mark(st_psl_arity a)
{
	return a == ST_PSL_OPTIONAL ? "?" : a == ST_PSL_LIST ? "[]" : "";
}

void
st_psl_dump(st_strbuf *out, const st_psl_file *file)
{
	for (size_t i = 0; i < file->nblocks; i++) {
		const st_psl_block *b = file->blocks[i];

		st_strbuf_addf(out, "%s %s\n", st_psl_block_kind_name(b->kind),
			       b->name.name);
		for (size_t j = 0; j < b->nmembers; j++) {
			const st_psl_member *m = b->members[j];

			switch (m->kind) {
			case ST_PSL_MEMBER_FIELD: {
				const st_psl_field *f = m->u.field;

				st_strbuf_addf(out, "  field %s %s%s%s",
					       f->name.name,
					       f->type.name.name ? f->type.name.name : "<none>",
					       arity_mark(f->type.arity),
					       f->type.unsupported ? " unsupported" : "");
				dump_attrs(out, f->attrs, f->nattrs);
				break;
			}
			case ST_PSL_MEMBER_PROP:
				st_strbuf_addf(out, "  prop %s = ", m->u.prop->name.name);
				if (m->u.prop->value)
					dump_expr(out, m->u.prop->value);
				else
					st_strbuf_adds(out, "<none>");
				break;
			case ST_PSL_MEMBER_VALUE:
				st_strbuf_addf(out, "  value %s", m->u.value->name.name);
				dump_attrs(out, m->u.value->attrs, m->u.value->nattrs);
				break;
			case ST_PSL_MEMBER_ATTR:
				st_strbuf_adds(out, " ");
				dump_attrs(out, &m->u.attr, 1);
				break;
			case ST_PSL_MEMBER_COMMENT:
				st_strbuf_addf(out, "  comment %s", m->u.comment->text);
				break;
			case ST_PSL_MEMBER_BLANK:
				st_strbuf_addf(out, "  blank %u",
					       (unsigned)m->nblank);
				break;
			case ST_PSL_MEMBER_INVALID:
				st_strbuf_addf(out, "  invalid %s", m->u.raw);
				break;
			}
			if (m->trailing)
				st_strbuf_addf(out, " # %s", m->trailing->text);
			st_strbuf_adds(out, "\n");
		}
	}
}
