/*
 * native_types.c - the PostgreSQL connector's @db.* native types: which
 * Prisma scalar each one goes with, its arguments, and the SQL type it
 * stands for.  Messages are Prisma's.
 */
#include <stdlib.h>
#include <string.h>

#include "psl/validate_int.h"

enum argk { A_NONE, A_OPT1, A_OPT2 };

typedef struct native_row {
	const char *name;
	st_psl_scalar scalar;
	enum argk args;
	const char *sql;         /* base SQL type */
} native_row;

static const native_row natives[] = {
	{ "SmallInt", ST_PSL_T_INT, A_NONE, "SMALLINT" },
	{ "Integer", ST_PSL_T_INT, A_NONE, "INTEGER" },
	{ "BigInt", ST_PSL_T_BIGINT, A_NONE, "BIGINT" },
	{ "Decimal", ST_PSL_T_DECIMAL, A_OPT2, "DECIMAL" },
	{ "Money", ST_PSL_T_DECIMAL, A_NONE, "MONEY" },
	{ "Inet", ST_PSL_T_STRING, A_NONE, "INET" },
	{ "Oid", ST_PSL_T_INT, A_NONE, "OID" },
	{ "Citext", ST_PSL_T_STRING, A_NONE, "CITEXT" },
	{ "Real", ST_PSL_T_FLOAT, A_NONE, "REAL" },
	{ "DoublePrecision", ST_PSL_T_FLOAT, A_NONE, "DOUBLE PRECISION" },
	{ "VarChar", ST_PSL_T_STRING, A_OPT1, "VARCHAR" },
	{ "Char", ST_PSL_T_STRING, A_OPT1, "CHAR" },
	{ "Text", ST_PSL_T_STRING, A_NONE, "TEXT" },
	{ "ByteA", ST_PSL_T_BYTES, A_NONE, "BYTEA" },
	{ "Timestamp", ST_PSL_T_DATETIME, A_OPT1, "TIMESTAMP" },
	{ "Timestamptz", ST_PSL_T_DATETIME, A_OPT1, "TIMESTAMPTZ" },
	{ "Date", ST_PSL_T_DATETIME, A_NONE, "DATE" },
	{ "Time", ST_PSL_T_DATETIME, A_OPT1, "TIME" },
	{ "Timetz", ST_PSL_T_DATETIME, A_OPT1, "TIMETZ" },
	{ "Boolean", ST_PSL_T_BOOLEAN, A_NONE, "BOOLEAN" },
	{ "Bit", ST_PSL_T_STRING, A_OPT1, "BIT" },
	{ "VarBit", ST_PSL_T_STRING, A_OPT1, "VARBIT" },
	{ "Uuid", ST_PSL_T_STRING, A_NONE, "UUID" },
	{ "Xml", ST_PSL_T_STRING, A_NONE, "XML" },
	{ "Json", ST_PSL_T_JSON, A_NONE, "JSON" },
	{ "JsonB", ST_PSL_T_JSON, A_NONE, "JSONB" },
};

const char *
st_psl_scalar_name(st_psl_scalar t)
{
	static const char *const names[] = {
		"String", "Int", "BigInt", "Float", "Decimal", "Boolean",
		"DateTime", "Json", "Bytes", "Unsupported", "Enum", "Relation",
	};

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

const char *
st_psl_default_sql_type(st_psl_scalar t)
{
	switch (t) {
	case ST_PSL_T_STRING: return "TEXT";
	case ST_PSL_T_INT: return "INTEGER";
	case ST_PSL_T_BIGINT: return "BIGINT";
	case ST_PSL_T_FLOAT: return "DOUBLE PRECISION";
	case ST_PSL_T_DECIMAL: return "DECIMAL(65,30)";
	case ST_PSL_T_BOOLEAN: return "BOOLEAN";
	case ST_PSL_T_DATETIME: return "TIMESTAMP(3)";
	case ST_PSL_T_JSON: return "JSONB";
	case ST_PSL_T_BYTES: return "BYTEA";
	default: return NULL;
	}
}

static const native_row *
find_native(const char *name)
{
	for (size_t i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (natives[i].name[0] == name[0] &&
		    !strcmp(natives[i].name, name))
			return &natives[i];
	return NULL;
}

/* "(a, b)" as written, for messages. */
static const char *
args_text(psl__v *v, const st_psl_attr *a)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, v->a);
	st_strbuf_addch(&sb, '(');
	for (size_t i = 0; i < a->args.n; i++) {
		if (i)
			st_strbuf_adds(&sb, ", ");
		if (a->args.items[i]->value)
			st_strbuf_adds(&sb, st_psl_expr_raw(v->a,
						  a->args.items[i]->value));
	}
	st_strbuf_addch(&sb, ')');
	return st_strbuf_detach(&sb, NULL);
}

static bool
nonneg_int(const st_psl_arg *arg, long *out)
{
	const st_psl_expr *e = arg->value;
	char *end;

	if (!e || arg->name.name || e->kind != ST_PSL_EXPR_NUMBER || e->is_float ||
	    e->str[0] == '-')
		return false;
	/* the usual short digit string without strtol */
	{
		const char *p = e->str;
		long x = 0;
		int nd = 0;

		while (*p >= '0' && *p <= '9' && nd < 18)
			x = x * 10 + (*p++ - '0'), nd++;
		if (nd && *p == '\0') {
			*out = x;
			return true;
		}
	}
	*out = strtol(e->str, &end, 10);
	return *end == '\0';
}

/* Appends the decimal digits of x (>= 0) at p; returns the end. */
static char *
put_long(char *p, long x)
{
	char tmp[24];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + x % 10);
	while ((x /= 10) > 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * "SQL(a)" or "SQL(a,b)": what st_strfmt("%s(%ld,%ld)") gives for
 * nonnegative arguments, without two vsnprintf passes per @db attribute.
 */
static const char *sql_with_args_new(psl__v *v, const char *sql,
				     const long *args, size_t nargs);

/* Schemas repeat the same few native types (VarChar(255) ...): the text
 * of a recent one is reused when it is the same (the strings are never
 * written to). */
static const char *
sql_with_args(psl__v *v, const native_row *row, const long *args,
	      size_t nargs)
{
	size_t ncache = sizeof(v->nat_cache) / sizeof(v->nat_cache[0]);
	unsigned k;

	for (size_t i = 0; i < ncache; i++)
		if (v->nat_cache[i].sql && v->nat_cache[i].row == row &&
		    v->nat_cache[i].nargs == nargs &&
		    v->nat_cache[i].args[0] == args[0] &&
		    (nargs < 2 || v->nat_cache[i].args[1] == args[1]))
			return v->nat_cache[i].sql;
	k = v->nat_next++ % ncache;
	v->nat_cache[k].sql = sql_with_args_new(v, row->sql, args, nargs);
	v->nat_cache[k].row = row;
	v->nat_cache[k].nargs = nargs;
	v->nat_cache[k].args[0] = args[0];
	v->nat_cache[k].args[1] = nargs > 1 ? args[1] : 0;
	return v->nat_cache[k].sql;
}

static const char *
sql_with_args_new(psl__v *v, const char *sql, const long *args, size_t nargs)
{
	char buf[96], *p = buf;
	size_t n = strlen(sql);

	if (n > sizeof(buf) - 2 * 21 - 4)
		return nargs == 1 ? st_strfmt(v->a, "%s(%ld)", sql, args[0])
				  : st_strfmt(v->a, "%s(%ld,%ld)", sql, args[0],
					      args[1]);
	memcpy(p, sql, n);
	p += n;
	*p++ = '(';
	p = put_long(p, args[0]);
	if (nargs == 2) {
		*p++ = ',';
		p = put_long(p, args[1]);
	}
	*p++ = ')';
	return st_strndup(v->a, buf, (size_t)(p - buf));
}

st_psl_native *
psl__native(psl__v *v, const st_psl_rfield *f, const st_psl_attr *a)
{
	const char *dot = strchr(a->name.name, '.');
	size_t plen = (size_t)(dot - a->name.name);
	const char *prefix;
	const char *tname = dot + 1;
	const native_row *row;
	const char *ds = v->m->datasource ? v->m->datasource->name : NULL;
	st_psl_native *n;
	size_t nargs = a->has_args ? a->args.n : 0;

	if (!ds || strncmp(a->name.name, ds, plen) != 0 || ds[plen] != '\0') {
		prefix = st_strndup(v->a, a->name.name, plen);
		if (ds)
			psl__err(v, a->span,
				 "The prefix %s is invalid. It must be equal to the "
				 "name of an existing datasource e.g. %s. Did you "
				 "mean to use %s.%s?", prefix, ds, ds, tname);
		else
			psl__err(v, a->span,
				 "Attribute not known: \"@%s\".", a->name.name);
		return NULL;
	}
	row = find_native(tname);
	if (!row) {
		psl__err(v, a->span,
			 "Native type %s is not supported for postgresql "
			 "connector.", tname);
		return NULL;
	}
	if (f->type == ST_PSL_T_ENUM || f->type == ST_PSL_T_UNSUPPORTED ||
	    f->type == ST_PSL_T_RELATION || row->scalar != f->type) {
		psl__err(v, a->span,
			 "Native type %s is not compatible with declared field "
			 "type %s, expected field type %s.", tname,
			 f->type == ST_PSL_T_ENUM ? f->type_name
						  : st_psl_scalar_name(f->type),
			 st_psl_scalar_name(row->scalar));
		return NULL;
	}

	n = st_alloc(v->a, sizeof(*n));
	n->name = tname;
	n->span = a->span;
	switch (row->args) {
	case A_NONE:
		if (nargs) {
			psl__err(v, a->span,
				 "Function \"%s\" takes 0 arguments, but received "
				 "%zu.", tname, nargs);
			return NULL;
		}
		n->sql_type = row->sql;
		break;
	case A_OPT1:
		if (nargs > 1) {
			psl__err(v, a->span,
				 "Native type %s takes 1 optional arguments, but "
				 "received %zu.", tname, nargs);
			return NULL;
		}
		if (nargs == 1 && !nonneg_int(a->args.items[0], &n->args[0])) {
			psl__err(v, a->span,
				 "Expected a nonnegative integer, but found %s.",
				 args_text(v, a));
			return NULL;
		}
		n->nargs = nargs;
		n->sql_type = nargs ? sql_with_args(v, row, n->args, 1)
				    : row->sql;
		break;
	case A_OPT2:
		if (nargs > 2) {
			psl__err(v, a->span,
				 "Native type %s takes 2 optional arguments, but "
				 "received %zu.", tname, nargs);
			return NULL;
		}
		if (nargs == 1 || (nargs == 2 &&
		    (!nonneg_int(a->args.items[0], &n->args[0]) ||
		     !nonneg_int(a->args.items[1], &n->args[1])))) {
			psl__err(v, a->span,
				 "Expected two nonnegative integers, but found %s.",
				 args_text(v, a));
			return NULL;
		}
		n->nargs = nargs;
		n->sql_type = nargs ? sql_with_args(v, row, n->args, 2)
				    : row->sql;
		break;
	}
	return n;
}
