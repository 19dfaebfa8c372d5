/*
 * diff_column.c - how two columns of the same name differ: arity, type
 * (with Prisma's PostgreSQL cast classification: safe, risky, not
 * castable), default (Prisma's defaults_match rules) and autoincrement.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlschema/diff_internal.h"

typedef st_type_change tc_t;
#define SAFE ST_TYPECHG_SAFE
#define RISKY ST_TYPECHG_RISKY
#define NOCAST ST_TYPECHG_NOT_CASTABLE

static bool
native_equal(const st_coltype *a, const st_coltype *b)
{
	if (a->native != b->native || a->nargs != b->nargs)
		return false;
	for (int i = 0; i < a->nargs; i++)
		if (a->args[i] != b->args[i])
			return false;
	return true;
}

/* Optional single argument: -1 when absent. */
static long
arg0(const st_coltype *t)
{
	return t->nargs >= 1 ? t->args[0] : -1;
}

static tc_t
string_target(long len, bool next_is_char, long risky_below)
{
	if (len >= 0 && len < risky_below)
		return RISKY;
	if (len < 0 && next_is_char)
		return RISKY;
	return SAFE;
}

/* postgres_native_type_change_riskyness; ST_TYPECHG_NONE means "no change". */
static tc_t
native_change(const st_coltype *p, const st_coltype *n)
{
	st_pgtype nt = n->native;
	bool next_is_char = nt == ST_PG_CHAR;
	long nl = arg0(n);
	bool n_is_vc_or_char = nt == ST_PG_VARCHAR || nt == ST_PG_CHAR;

	if (native_equal(p, n))
		return ST_TYPECHG_NONE;

	switch (p->native) {
	case ST_PG_INET:
		return nt == ST_PG_CITEXT || nt == ST_PG_TEXT || nt == ST_PG_VARCHAR ?
		       SAFE : NOCAST;
	case ST_PG_MONEY:
		return nt == ST_PG_CITEXT || nt == ST_PG_TEXT || nt == ST_PG_VARCHAR ?
		       SAFE : RISKY;
	case ST_PG_CITEXT:
		return nt == ST_PG_TEXT || nt == ST_PG_VARCHAR ? SAFE : RISKY;
	case ST_PG_OID:
		return nt == ST_PG_TEXT || nt == ST_PG_VARCHAR || nt == ST_PG_BIGINT ||
		       nt == ST_PG_INTEGER ? SAFE : NOCAST;
	case ST_PG_SMALLINT:
	case ST_PG_INTEGER:
	case ST_PG_BIGINT: {
		long digits = p->native == ST_PG_SMALLINT ? 3 :
			      p->native == ST_PG_INTEGER ? 10 : 19;
		long strlen_min = p->native == ST_PG_SMALLINT ? 4 :
				  p->native == ST_PG_INTEGER ? 11 : 20;

		switch (nt) {
		case ST_PG_SMALLINT:
			return RISKY;
		case ST_PG_INTEGER:
			return p->native == ST_PG_BIGINT ? RISKY : SAFE;
		case ST_PG_BIGINT:
			return SAFE;
		case ST_PG_DECIMAL:
			if (n->nargs == 2 && n->args[0] - n->args[1] < digits)
				return RISKY;
			return SAFE;
		case ST_PG_REAL:
		case ST_PG_DOUBLE:
		case ST_PG_TEXT:
			return SAFE;
		case ST_PG_VARCHAR:
		case ST_PG_CHAR:
			return string_target(nl, next_is_char, strlen_min);
		default:
			return NOCAST;
		}
	}
	case ST_PG_DECIMAL: {
		bool has = p->nargs == 2;
		long pp = has ? p->args[0] : 0, ps = has ? p->args[1] : 0;

		switch (nt) {
		case ST_PG_SMALLINT:
		case ST_PG_INTEGER:
		case ST_PG_BIGINT: {
			long lim = nt == ST_PG_SMALLINT ? 2 : nt == ST_PG_INTEGER ? 9 : 18;

			if (!has || ps > 0 || pp > lim)
				return RISKY;
			return SAFE;
		}
		case ST_PG_DECIMAL: {
			bool nhas = n->nargs == 2;

			if (has && !nhas)
				return SAFE;
			if (!has && nhas &&
			    (n->args[0] < 131072 || n->args[1] < 16383))
				return RISKY;
			if (has && nhas &&
			    (pp - ps > n->args[0] - n->args[1] || ps > n->args[1]))
				return RISKY;
			return SAFE;
		}
		case ST_PG_REAL:
		case ST_PG_DOUBLE:
			return RISKY;
		case ST_PG_VARCHAR:
		case ST_PG_CHAR:
			if (nl >= 0 && has && ps == 0 && pp + 1 > nl)
				return RISKY;
			if (nl >= 0 && has && ps > 0 && pp + 2 > nl)
				return RISKY;
			if (nl >= 0 && !has && nl < 131073)
				return RISKY;
			if (nl < 0 && next_is_char)
				return RISKY;
			return SAFE;
		case ST_PG_TEXT:
			return SAFE;
		default:
			return NOCAST;
		}
	}
	case ST_PG_REAL:
	case ST_PG_DOUBLE:
		switch (nt) {
		case ST_PG_SMALLINT:
		case ST_PG_INTEGER:
		case ST_PG_BIGINT:
		case ST_PG_DECIMAL:
			return RISKY;
		case ST_PG_REAL:
			return p->native == ST_PG_REAL ? SAFE : RISKY;
		case ST_PG_DOUBLE:
		case ST_PG_TEXT:
			return SAFE;
		case ST_PG_VARCHAR:
		case ST_PG_CHAR:
			return string_target(nl, next_is_char,
					     p->native == ST_PG_REAL ? 47 : 317);
		default:
			return NOCAST;
		}
	case ST_PG_VARCHAR:
	case ST_PG_CHAR: {
		long ol = arg0(p);

		if (nt == ST_PG_TEXT)
			return SAFE;
		if (!n_is_vc_or_char)
			return NOCAST;
		if (p->native == ST_PG_VARCHAR) {
			if (ol < 0 && nl < 0 && next_is_char)
				return RISKY;
			if (ol < 0 && nl >= 0)
				return RISKY;
			if (ol == 1 && nl < 0)
				return SAFE;
			if (ol >= 0 && nl < 0 && next_is_char)
				return RISKY;
			if (ol >= 0 && nl < 0)
				return SAFE;
		} else {
			if (ol < 0)
				return SAFE;
			if (ol == 1 && nl < 0)
				return SAFE;
			if (nl < 0 && next_is_char)
				return RISKY;
			if (nl < 0)
				return SAFE;
		}
		if (ol >= 0 && nl >= 0 && ol > nl)
			return RISKY;
		return SAFE;
	}
	case ST_PG_TEXT:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0) ||
		    nt == ST_PG_CITEXT)
			return SAFE;
		if (n_is_vc_or_char)
			return RISKY;
		return NOCAST;
	case ST_PG_BYTEA:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
			return SAFE;
		if (n_is_vc_or_char && nl > 2)
			return RISKY;
		return NOCAST;
	case ST_PG_TIMESTAMP:
	case ST_PG_TIMESTAMPTZ:
	case ST_PG_TIME:
	case ST_PG_TIMETZ: {
		long minlen = p->native == ST_PG_TIMESTAMP ? 22 :
			      p->native == ST_PG_TIMESTAMPTZ ? 27 :
			      p->native == ST_PG_TIME ? 13 : 18;
		long a = arg0(p);

		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
			return SAFE;
		if (n_is_vc_or_char && nl > minlen)
			return SAFE;
		if (nt == p->native) {
			if (nl < 0)
				return ST_TYPECHG_NONE;
			if (a < 0 || a == nl)
				return ST_TYPECHG_NONE;
		}
		if (p->native == ST_PG_TIMESTAMP || p->native == ST_PG_TIMESTAMPTZ)
			return nt == ST_PG_TIMESTAMP || nt == ST_PG_TIMESTAMPTZ ||
			       nt == ST_PG_DATE || nt == ST_PG_TIME ||
			       nt == ST_PG_TIMETZ ? SAFE : NOCAST;
		if (p->native == ST_PG_TIME)
			return nt == ST_PG_TIMETZ ? SAFE : NOCAST;
		return nt == ST_PG_TIMETZ || nt == ST_PG_TIME ? SAFE : NOCAST;
	}
	case ST_PG_DATE:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
			return SAFE;
		if (n_is_vc_or_char && nl > 27)
			return SAFE;
		return nt == ST_PG_TIMESTAMP || nt == ST_PG_TIMESTAMPTZ ? SAFE : NOCAST;
	case ST_PG_BOOLEAN:
		if (nt == ST_PG_TEXT || nt == ST_PG_VARCHAR)
			return SAFE;
		if (nt == ST_PG_CHAR && nl > 4)
			return SAFE;
		if (nt == ST_PG_CHAR && nl > 3)
			return RISKY;
		return NOCAST;
	case ST_PG_BIT: {
		long ol = arg0(p);

		if (ol < 0)
			return nt == ST_PG_TEXT || nt == ST_PG_VARCHAR ||
			       nt == ST_PG_CHAR || nt == ST_PG_VARBIT ? SAFE : NOCAST;
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0) ||
		    (nt == ST_PG_VARBIT && nl < 0))
			return SAFE;
		if ((nt == ST_PG_VARCHAR || nt == ST_PG_VARBIT || nt == ST_PG_CHAR) &&
		    nl >= ol)
			return SAFE;
		return NOCAST;
	}
	case ST_PG_VARBIT: {
		long ol = arg0(p);

		if (ol < 0) {
			if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
				return SAFE;
			if (n_is_vc_or_char || nt == ST_PG_BIT)
				return RISKY;
			return NOCAST;
		}
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0) ||
		    (nt == ST_PG_VARBIT && nl < 0))
			return SAFE;
		if (nt == ST_PG_VARBIT && nl > ol)
			return SAFE;
		if (n_is_vc_or_char && nl >= ol)
			return SAFE;
		if (nt == ST_PG_BIT && nl >= 0 && nl <= ol)
			return RISKY;
		if (nt == ST_PG_BIT && nl < 0)
			return RISKY;
		if (n_is_vc_or_char)
			return RISKY;
		return NOCAST;
	}
	case ST_PG_UUID:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
			return SAFE;
		if (n_is_vc_or_char && nl > 31)
			return SAFE;
		return NOCAST;
	case ST_PG_XML:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0))
			return SAFE;
		return n_is_vc_or_char ? RISKY : NOCAST;
	case ST_PG_JSON:
	case ST_PG_JSONB:
		if (nt == ST_PG_TEXT || (nt == ST_PG_VARCHAR && nl < 0) ||
		    nt == (p->native == ST_PG_JSON ? ST_PG_JSONB : ST_PG_JSON))
			return SAFE;
		return n_is_vc_or_char ? RISKY : NOCAST;
	case ST_PG_NONE:
		break;
	}
	return NOCAST;
}

static tc_t
type_change(const st_column *pc, const st_column *nc)
{
	const st_coltype *p = &pc->type, *n = &nc->type;
	bool pe = p->family == ST_FAM_ENUM, ne = n->family == ST_FAM_ENUM;
	bool list_to_scalar = p->arity == ST_ARITY_LIST && n->arity != ST_ARITY_LIST;
	bool scalar_to_list = p->arity != ST_ARITY_LIST && n->arity == ST_ARITY_LIST;
	bool pn = p->native != ST_PG_NONE && !pe && p->family != ST_FAM_UNSUPPORTED;
	bool nn = n->native != ST_PG_NONE && !ne && n->family != ST_FAM_UNSUPPORTED;

	if (pe && ne) {
		const char *ps = p->enum_schema ? p->enum_schema : "";
		const char *ns = n->enum_schema ? n->enum_schema : "";

		if (!strcmp(p->enum_name, n->enum_name) && !strcmp(ps, ns))
			return ST_TYPECHG_NONE;
		return NOCAST;
	}
	if (pe || ne)
		return NOCAST;
	if (list_to_scalar && nn) {
		if (n->native == ST_PG_TEXT)
			return SAFE;
		if (n->native == ST_PG_VARCHAR)
			return n->nargs ? RISKY : SAFE;
		if (n->native == ST_PG_CHAR)
			return RISKY;
	}
	if (list_to_scalar || scalar_to_list)
		return NOCAST;
	if (pn && nn)
		return native_change(p, n);
	if (pn != nn)
		return RISKY;
	/* Prisma compares the previous type with itself here: never a change. */
	return ST_TYPECHG_NONE;
}

/* ==== defaults ==== */

static bool
json_equal_text(const char *a, const char *b)
{
	json_error_t err;
	json_t *x = json_loads(a, JSON_DECODE_ANY, &err);
	json_t *y = x ? json_loads(b, JSON_DECODE_ANY, &err) : NULL;
	bool eq = true;

	if (x && y)
		eq = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return eq;
}

static bool
numeric_equal(const char *a, const char *b)
{
	long double x = strtold(a, NULL), y = strtold(b, NULL);

	return x == y;
}

static bool
is_numeric_kind(st_value_kind k)
{
	return k == ST_VAL_INT || k == ST_VAL_BIGINT || k == ST_VAL_FLOAT;
}

/* PrismaValue equality. */
static bool
value_equal(const st_value *a, const st_value *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ST_VAL_LIST) {
		if (a->items.len != b->items.len)
			return false;
		for (size_t i = 0; i < a->items.len; i++)
			if (!value_equal(a->items.items[i], b->items.items[i]))
				return false;
		return true;
	}
	if (is_numeric_kind(a->kind))
		return numeric_equal(a->text, b->text);
	return !strcmp(a->text, b->text);
}

static bool
list_defaults_match(const st_value *p, const st_value *n)
{
	if (p->items.len != n->items.len)
		return false;
	for (size_t i = 0; i < p->items.len; i++) {
		const st_value *a = p->items.items[i], *b = n->items.items[i];

		if ((a->kind == ST_VAL_STRING && b->kind == ST_VAL_JSON) ||
		    (a->kind == ST_VAL_JSON && b->kind == ST_VAL_STRING)) {
			if (!json_equal_text(a->text, b->text))
				return false;
			continue;
		}
		if (a->kind == ST_VAL_DATETIME || b->kind == ST_VAL_DATETIME)
			continue;
		if ((a->kind == ST_VAL_ENUM && b->kind == ST_VAL_BYTES) ||
		    (a->kind == ST_VAL_BYTES && b->kind == ST_VAL_ENUM)) {
			const char *s = a->kind == ST_VAL_ENUM ? a->text : b->text;
			const char *h = a->kind == ST_VAL_BYTES ? a->text : b->text;

			if (strncmp(s, "\\x", 2) || strcasecmp(s + 2, h))
				return false;
			continue;
		}
		if (!value_equal(a, b))
			return false;
	}
	return true;
}

static bool
is_datetime_family(const st_column *c)
{
	return c->type.family == ST_FAM_DATETIME;
}

static bool
defaults_match(const st_column *pc, const st_column *nc)
{
	const st_default *p = &pc->def, *n = &nc->def;
	st_default_kind pk = p->kind, nk = n->kind;
	const st_value *pv = pk == ST_DEF_VALUE ? p->value : NULL;
	const st_value *nv = nk == ST_DEF_VALUE ? n->value : NULL;

	if (((pk == ST_DEF_DBGEN && nv && nv->kind == ST_VAL_LIST) ||
	     (pv && pv->kind == ST_VAL_LIST && nk == ST_DEF_DBGEN)) &&
	    (is_datetime_family(pc) || is_datetime_family(nc)))
		return true;
	if (pv && nv && pv->kind == ST_VAL_LIST && nv->kind == ST_VAL_LIST)
		return list_defaults_match(pv, nv);
	if (pv && nv &&
	    ((pv->kind == ST_VAL_JSON && nv->kind == ST_VAL_JSON) ||
	     (pv->kind == ST_VAL_STRING && nv->kind == ST_VAL_JSON) ||
	     (pv->kind == ST_VAL_JSON && nv->kind == ST_VAL_STRING)))
		return json_equal_text(pv->text, nv->text);
	if ((pv && pv->kind == ST_VAL_DATETIME && nk != ST_DEF_NONE) ||
	    (nv && nv->kind == ST_VAL_DATETIME && pk != ST_DEF_NONE))
		return true;
	if (pv && nv &&
	    ((pv->kind == ST_VAL_INT && nv->kind == ST_VAL_BIGINT) ||
	     (pv->kind == ST_VAL_BIGINT && nv->kind == ST_VAL_INT)))
		return numeric_equal(pv->text, nv->text);
	if (pv && nv &&
	    (pv->kind == ST_VAL_ENUM || pv->kind == ST_VAL_STRING) &&
	    (nv->kind == ST_VAL_ENUM || nv->kind == ST_VAL_STRING))
		return !strcmp(pv->text, nv->text);
	if (pv && nv)
		return value_equal(pv, nv);
	if (pv && (nk == ST_DEF_NOW || nk == ST_DEF_NONE))
		return false;
	if (pk == ST_DEF_NOW && nk == ST_DEF_NOW)
		return true;
	if (pk == ST_DEF_NOW && (nk == ST_DEF_NONE || nk == ST_DEF_VALUE))
		return false;
	if (pk == ST_DEF_DBGEN &&
	    (nk == ST_DEF_VALUE || nk == ST_DEF_NOW || nk == ST_DEF_NONE))
		return false;
	if (nk == ST_DEF_DBGEN && !n->text)
		return true;
	if (pk == ST_DEF_SEQUENCE && nk == ST_DEF_NONE)
		return true;
	if (pk == ST_DEF_SEQUENCE && (nk == ST_DEF_VALUE || nk == ST_DEF_NOW))
		return false;
	if (pk == ST_DEF_NONE && nk == ST_DEF_NONE)
		return true;
	if (pk == ST_DEF_NONE && (nk == ST_DEF_VALUE || nk == ST_DEF_NOW))
		return false;
	if (pk == ST_DEF_DBGEN && nk == ST_DEF_DBGEN && p->text && n->text)
		return !strcasecmp(p->text, n->text);
	if (nk == ST_DEF_DBGEN)
		return false;
	/* (_, Sequence) */
	return true;
}

int
st__column_changes(const st_column *prev, const st_column *next,
		   st_type_change *tc)
{
	int ch = 0;

	*tc = type_change(prev, next);
	if (prev->type.arity != next->type.arity)
		ch |= ST_COLCHG_ARITY;
	if (*tc != ST_TYPECHG_NONE)
		ch |= ST_COLCHG_TYPE;
	if (!defaults_match(prev, next))
		ch |= ST_COLCHG_DEFAULT;
	if (prev->autoincrement != next->autoincrement)
		ch |= ST_COLCHG_AUTOINC;
	return ch;
}
