/*
 * validate_defaults.c - @default(...) of scalar fields: decodes the value
 * into st_psl_default and checks it against the field's type with
 * Prisma's rules and messages.
 */
#include <stdlib.h>
#include <string.h>

#include "psl/validate_int.h"

#define DEFERR "Error parsing attribute \"@default\": "

static const char *
type_word(const st_psl_rfield *f)
{
	return f->type == ST_PSL_T_ENUM ? f->type_name
					: st_psl_scalar_name(f->type);
}

static bool
is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A literal for a field of f's scalar type; false after reporting. */
static bool
literal(psl__v *v, st_psl_rfield *f, const st_psl_expr *e,
	st_psl_literal *out)
{
	const char *s;
	size_t len;

	out->span = e->span;
	switch (f->type) {
	case ST_PSL_T_STRING:
	case ST_PSL_T_JSON:
	case ST_PSL_T_BYTES:
	case ST_PSL_T_DATETIME:
		if (!st_psl_expr_string(e, &s, &len))
			break;
		out->kind = ST_PSL_V_STRING;
		out->text = s;
		out->len = len;
		return true;
	case ST_PSL_T_INT:
	case ST_PSL_T_BIGINT:
		if (e->kind != ST_PSL_EXPR_NUMBER)
			break;
		if (!is_integer_text(e->str)) {
			psl__err(v, e->span, DEFERR "Parse error: \"%s\" is not a "
				 "valid integer. (invalid digit found in string)",
				 e->str);
			return false;
		}
		out->kind = ST_PSL_V_NUMBER;
		out->text = e->str;
		out->len = strlen(e->str);
		return true;
	case ST_PSL_T_DECIMAL:
		/* Prisma also takes a decimal written as a string: "2.00" */
		if (st_psl_expr_string(e, &s, &len) && len &&
		    strspn(s, "-+.0123456789eE") == len) {
			out->kind = ST_PSL_V_NUMBER;
			out->text = s;
			out->len = len;
			return true;
		}
		/* fall through */
	case ST_PSL_T_FLOAT:
		if (e->kind != ST_PSL_EXPR_NUMBER)
			break;
		out->kind = ST_PSL_V_NUMBER;
		out->text = e->str;
		out->len = strlen(e->str);
		return true;
	case ST_PSL_T_BOOLEAN:
		if (!st_psl_expr_is_const(e, "true") &&
		    !st_psl_expr_is_const(e, "false"))
			break;
		out->kind = ST_PSL_V_BOOL;
		out->text = e->str;
		out->len = strlen(e->str);
		return true;
	case ST_PSL_T_ENUM:
		if (e->kind != ST_PSL_EXPR_CONST)
			break;
		for (size_t i = 0; i < f->enum_ref->nvalues; i++)
			if (!strcmp(f->enum_ref->values[i]->name, e->str)) {
				out->kind = ST_PSL_V_ENUM;
				out->text = e->str;
				out->len = strlen(e->str);
				out->enum_value = f->enum_ref->values[i];
				return true;
			}
		psl__err(v, e->span, DEFERR "The defined default value `%s` is "
			 "not a valid value of the enum specified for the field.",
			 e->str);
		return false;
	default:
		break;
	}
	if (f->type == ST_PSL_T_ENUM)
		psl__err(v, e->span, DEFERR "Expected an enum value, but found "
			 "`%s`.", st_psl_expr_raw(v->a, e));
	else
		psl__err(v, e->span, DEFERR "Expected a %s value, but found `%s`.",
			 type_word(f), st_psl_expr_raw(v->a, e));
	return false;
}

static bool
one_of(const st_psl_rfield *f, st_psl_scalar a, st_psl_scalar b)
{
	return f->type == a || f->type == b;
}

static void
wrong_type(psl__v *v, const st_psl_rfield *f, const st_psl_expr *e)
{
	psl__err(v, e->span, DEFERR "The function `%s()` cannot be used on "
		 "fields of type `%s`.", e->func.name, type_word(f));
}

/* Small integer argument of uuid(4)/cuid(2)/nanoid(n); -1 if absent. */
static long
int_arg(const st_psl_expr *e, bool *bad)
{
	const st_psl_expr *a;

	if (e->args.n == 0)
		return -1;
	a = e->args.items[0]->value;
	if (e->args.n > 1 || !a || a->kind != ST_PSL_EXPR_NUMBER ||
	    !is_integer_text(a->str)) {
		*bad = true;
		return -1;
	}
	return strtol(a->str, NULL, 10);
}

static bool
function(psl__v *v, st_psl_rfield *f, const st_psl_expr *e,
	 st_psl_default *d)
{
	const char *fn = e->func.name;
	bool bad = false;
	long n;

	if (!strcmp(fn, "dbgenerated")) {
		const char *s;

		d->kind = ST_PSL_DEF_DBGENERATED;
		if (e->args.n == 0)
			return true;
		if (e->args.n == 1 && e->args.items[0]->value &&
		    st_psl_expr_string(e->args.items[0]->value, &s, NULL)) {
			if (!*s) {
				psl__err(v, e->span, DEFERR "dbgenerated() takes "
					 "either no argument, or a single "
					 "nonempty string argument.");
				return false;
			}
			d->expr = s;
			return true;
		}
		psl__err(v, e->span, DEFERR "`dbgenerated()` takes a single "
			 "String argument");
		return false;
	}
	if (f->type == ST_PSL_T_UNSUPPORTED) {
		psl__err(v, e->span, DEFERR "Only @default(dbgenerated(\"...\")) "
			 "can be used for Unsupported types.");
		return false;
	}
	if (f->arity == ST_PSL_LIST) {
		psl__err(v, e->span, DEFERR "The function `%s()` cannot be used "
			 "on fields of type `%s[]`.", fn, type_word(f));
		return false;
	}
	if (!strcmp(fn, "autoincrement")) {
		if (!one_of(f, ST_PSL_T_INT, ST_PSL_T_BIGINT)) {
			wrong_type(v, f, e);
			return false;
		}
		d->kind = ST_PSL_DEF_AUTOINCREMENT;
	} else if (!strcmp(fn, "now")) {
		if (f->type != ST_PSL_T_DATETIME) {
			wrong_type(v, f, e);
			return false;
		}
		d->kind = ST_PSL_DEF_NOW;
	} else if (!strcmp(fn, "uuid") || !strcmp(fn, "cuid") ||
		   !strcmp(fn, "nanoid") || !strcmp(fn, "ulid")) {
		if (f->type != ST_PSL_T_STRING) {
			wrong_type(v, f, e);
			return false;
		}
		n = int_arg(e, &bad);
		if (!strcmp(fn, "uuid")) {
			d->kind = ST_PSL_DEF_UUID;
			if (bad || (n != -1 && n != 4 && n != 7)) {
				psl__err(v, e->span, DEFERR "`uuid()` takes "
					 "either no argument, or a single integer "
					 "argument which is either 4 or 7.");
				return false;
			}
			d->version = n == -1 ? 4 : (int)n;
		} else if (!strcmp(fn, "cuid")) {
			d->kind = ST_PSL_DEF_CUID;
			if (bad || (n != -1 && n != 1 && n != 2)) {
				psl__err(v, e->span, DEFERR "`cuid()` takes "
					 "either no argument, or a single integer "
					 "argument which is either 1 or 2.");
				return false;
			}
			d->version = n == -1 ? 1 : (int)n;
		} else if (!strcmp(fn, "nanoid")) {
			d->kind = ST_PSL_DEF_NANOID;
			if (bad || (n != -1 && (n < 2 || n > 255))) {
				psl__err(v, e->span, DEFERR "`nanoid()` takes "
					 "either no argument, or a single integer "
					 "argument between 2 and 255.");
				return false;
			}
			d->length = n == -1 ? 0 : (int)n;
		} else {
			d->kind = ST_PSL_DEF_ULID;
			if (e->args.n) {
				psl__err(v, e->span, DEFERR "`ulid()` takes no "
					 "arguments.");
				return false;
			}
		}
	} else if (!strcmp(fn, "sequence")) {
		psl__err(v, e->span, DEFERR "The `sequence()` default is only "
			 "available on CockroachDB.");
		return false;
	} else if (!strcmp(fn, "auto")) {
		psl__err(v, e->span, DEFERR "The current connector does not "
			 "support the `auto()` function.");
		return false;
	} else {
		psl__err(v, e->span, "Unknown function in @default(): "
			 "`%s` is not known. You can read about the available "
			 "functions here: https://pris.ly/d/attribute-functions",
			 fn);
		return false;
	}
	return true;
}

void
psl__default(psl__v *v, st_psl_rfield *f, const st_psl_attr *a)
{
	st_psl_default *d = st_alloc(v->a, sizeof(*d));
	st_psl_expr *e = NULL;
	bool ok = false, named_map = false;
	/* st_psl_attr_arg(a, "value", 0), found in the pass below: the
	 * first argument named value, else the first unnamed one */
	const st_psl_arg *named_value = NULL, *first_unnamed = NULL;

	d->span = a->span;
	for (size_t i = 0; i < a->args.n; i++) {
		const st_psl_arg *arg = a->args.items[i];

		if (!arg->name.name && !first_unnamed)
			first_unnamed = arg;
		if (arg->name.name && !named_value &&
		    !strcmp(arg->name.name, "value"))
			named_value = arg;
		if (arg->name.name && !strcmp(arg->name.name, "map"))
			named_map = true;
		if (arg->name.name && strcmp(arg->name.name, "value") &&
		    strcmp(arg->name.name, "map"))
			psl__err(v, arg->span, DEFERR "No such argument.");
		else if (!arg->name.name && i > 0)
			psl__err(v, arg->span, DEFERR "Unexpected unnamed "
				 "argument.");
	}
	if (a->has_args)
		e = named_value ? named_value->value
		    : first_unnamed ? first_unnamed->value : NULL;
	/* without a map: argument (nor 100 unnamed ones) there is none */
	if (named_map || a->args.n > 99)
		d->map = psl__str_arg(v, a, "map", 99, NULL);
	if (d->map) {
		psl__err(v, a->span, DEFERR "You defined a database name for the "
			 "default value of a field on the model. This is not "
			 "supported by the provider.");
		return;
	}
	if (!e) {
		psl__err(v, a->span, DEFERR "Argument \"value\" is missing.");
		return;
	}
	if (e->kind == ST_PSL_EXPR_CALL) {
		ok = function(v, f, e, d);
	} else if (f->type == ST_PSL_T_UNSUPPORTED) {
		psl__err(v, e->span, DEFERR "Only @default(dbgenerated(\"...\")) "
			 "can be used for Unsupported types.");
	} else if (e->kind == ST_PSL_EXPR_ARRAY) {
		if (f->arity != ST_PSL_LIST) {
			psl__err(v, e->span, DEFERR "The default value of a "
				 "non-list field cannot be a list.");
			return;
		}
		d->kind = ST_PSL_DEF_LIST;
		d->nitems = e->nitems;
		d->items = st_alloc_array(v->a, e->nitems ? e->nitems : 1,
					  sizeof(*d->items));
		ok = true;
		for (size_t i = 0; i < e->nitems; i++)
			if (!literal(v, f, e->items[i], &d->items[i])) {
				ok = false;
				break;
			}
	} else if (f->arity == ST_PSL_LIST) {
		psl__err(v, e->span, DEFERR "The default value of a list field "
			 "must be a list.");
	} else {
		d->kind = ST_PSL_DEF_LITERAL;
		ok = literal(v, f, e, &d->value);
	}
	if (ok)
		f->def = d;
}
