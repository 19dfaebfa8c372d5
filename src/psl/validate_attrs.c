/*
 * validate_attrs.c - field and block attributes of models, views and
 * enums (phase 3): @id @unique @default @map @updatedAt @ignore @db.*,
 * @@id @@unique @@index @@map @@ignore @@schema, enum @map/@@map.
 * Builds the primary key and index list of each model with their
 * database names.  @relation is read by validate_relations.c.
 */
#include <stdlib.h>
#include <string.h>

#include "psl/validate_int.h"

/* ==== argument helpers ==== */

/* psl__str_arg on an argument already looked up (e may be NULL). */
static const char *
str_val(psl__v *v, const st_psl_expr *e, bool *bad)
{
	const char *s;

	if (!e)
		return NULL;
	if (st_psl_expr_string(e, &s, NULL))
		return s;
	psl__err(v, e->span, "Expected a string value, but received %s value "
		 "`%s`.", psl__value_kind(e), st_psl_expr_raw(v->a, e));
	if (bad)
		*bad = true;
	return NULL;
}

/*
 * One pass over a's arguments: out[k] is the first argument named
 * names[k] (as st_psl_arg_named finds it), *first_unnamed the first
 * unnamed one.  False when st_psl_attr_arg could answer otherwise (no
 * arguments parsed, or more than 99 unnamed ones, so that position 99
 * exists): the caller asks st_psl_attr_arg then.
 */
static bool
scan_args(const st_psl_attr *a, const char *const *names,
	  const st_psl_arg **out, const st_psl_arg **first_unnamed)
{
	size_t nunnamed = 0;

	if (!a->has_args)
		return false;
	*first_unnamed = NULL;
	for (size_t k = 0; names[k]; k++)
		out[k] = NULL;
	for (size_t i = 0; i < a->args.n; i++) {
		const st_psl_arg *arg = a->args.items[i];
		const char *n = arg->name.name;

		if (!n) {
			if (!nunnamed++)
				*first_unnamed = arg;
			continue;
		}
		for (size_t k = 0; names[k]; k++)
			if (!out[k] && n[0] == names[k][0] &&
			    !strcmp(n, names[k])) {
				out[k] = arg;
				break;
			}
	}
	return nunnamed <= 99;
}

const char *
psl__str_arg(psl__v *v, const st_psl_attr *a, const char *name, size_t pos,
	     bool *bad)
{
	st_psl_expr *e = st_psl_attr_arg(a, name, pos);
	const char *s;

	if (!e)
		return NULL;
	if (st_psl_expr_string(e, &s, NULL))
		return s;
	psl__err(v, e->span, "Expected a string value, but received %s value "
		 "`%s`.", psl__value_kind(e), st_psl_expr_raw(v->a, e));
	if (bad)
		*bad = true;
	return NULL;
}

/* Reports arguments whose name is not in allowed (NULL-terminated; ""
 * stands for the positional first argument). */
static void
check_args(psl__v *v, const st_psl_attr *a, const char *const *allowed)
{
	for (size_t i = 0; i < a->args.n; i++) {
		const st_psl_arg *arg = a->args.items[i];
		const char *n = arg->name.name;
		bool ok = false;

		for (const char *const *p = allowed; *p && !ok; p++)
			ok = n ? !strcmp(*p, n) : (**p == '\0' && i == 0);
		if (ok)
			continue;
		if (n)
			psl__err(v, arg->span, "No such argument.");
		else
			psl__err(v, arg->span, "Error parsing attribute \"@%s%s\": "
				 "Unexpected unnamed argument.",
				 a->block ? "@" : "", a->name.name);
	}
}

/*
 * The attribute names the validator knows, recognised once per attribute
 * (by first byte, then one compare) instead of by a chain of strcmp at
 * each place that asks.
 */
enum akind {
	AK_OTHER,       /* a name not below (an error where it is read) */
	AK_DOTTED,      /* "db.VarChar": a native type */
	AK_ID, AK_UNIQUE, AK_DEFAULT, AK_MAP, AK_UPDATED_AT, AK_IGNORE,
	AK_RELATION, AK_SCHEMA, AK_INDEX, AK_FULLTEXT,
};

static enum akind
attr_kind(const char *n)
{
	static const struct {
		const char *name;
		enum akind k;
	} words[] = {
		{ "id", AK_ID }, { "ignore", AK_IGNORE }, { "index", AK_INDEX },
		{ "unique", AK_UNIQUE }, { "updatedAt", AK_UPDATED_AT },
		{ "default", AK_DEFAULT }, { "map", AK_MAP },
		{ "relation", AK_RELATION }, { "schema", AK_SCHEMA },
		{ "fulltext", AK_FULLTEXT },
	};

	switch (n[0]) {
	case 'i': case 'u': case 'd': case 'm': case 'r': case 's': case 'f':
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (words[i].name[0] == n[0] &&
			    !strcmp(words[i].name, n))
				return words[i].k;
		break;
	default:
		break;
	}
	return strchr(n, '.') ? AK_DOTTED : AK_OTHER;
}

static bool
repeatable(enum akind k, bool block)
{
	return block && (k == AK_UNIQUE || k == AK_INDEX || k == AK_FULLTEXT);
}

/*
 * Attribute "@x" can only be defined once: reported on each copy.  kinds
 * holds attr_kind() of each name (0 for a missing name); names of one
 * kind are the same name except for AK_OTHER and AK_DOTTED.
 */
static void
duplicates(psl__v *v, st_psl_attr *const *attrs, const unsigned char *kinds,
	   size_t n)
{
	/* attribute lists are short: pairwise is cheaper than a map */
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *k = attrs[i]->name.name;
		bool dup = false;

		if (!k || repeatable(kinds[i], attrs[i]->block))
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = j != i && attrs[j]->name.name &&
			      kinds[j] == kinds[i] &&
			      (kinds[i] > AK_DOTTED ||
			       !strcmp(attrs[j]->name.name, k));
		if (dup)
			psl__err(v, attrs[i]->name.span, "Attribute \"@%s%s\" can "
				 "only be defined once.", attrs[i]->block ? "@" : "",
				 k);
	}
}

/* attr_kind() of each attribute's name into kinds (n entries), 0 where
 * the name is missing. */
static void
attr_kinds(st_psl_attr *const *attrs, size_t n, unsigned char *kinds)
{
	for (size_t i = 0; i < n; i++)
		kinds[i] = attrs[i]->name.name
			? (unsigned char)attr_kind(attrs[i]->name.name) : 0;
}

/* Attribute lists longer than this get their kinds in the arena. */
#define KINDS_STACK 16

/* ==== index field lists ==== */

static st_psl_sort
sort_arg(psl__v *v, const st_psl_expr *e)
{
	if (st_psl_expr_is_const(e, "Asc"))
		return ST_PSL_SORT_ASC;
	if (st_psl_expr_is_const(e, "Desc"))
		return ST_PSL_SORT_DESC;
	psl__err(v, e->span, "Unexpected token. Expected one of: Asc, Desc");
	return ST_PSL_SORT_NONE;
}

/* JsonbPathOps -> jsonb_path_ops, BitMinMaxOps -> bit_minmax_ops */
static const char *
ops_sql(psl__v *v, const char *ops)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, v->a);
	for (const char *p = ops; *p; p++) {
		if (!strncmp(p, "MinMax", 6)) {
			if (sb.len)
				st_strbuf_addch(&sb, '_');
			st_strbuf_adds(&sb, "minmax");
			p += 5;
			continue;
		}
		if (*p >= 'A' && *p <= 'Z') {
			if (sb.len)
				st_strbuf_addch(&sb, '_');
			st_strbuf_addch(&sb, *p - 'A' + 'a');
		} else {
			st_strbuf_addch(&sb, *p);
		}
	}
	return st_strbuf_detach(&sb, NULL);
}

static void
index_field_args(psl__v *v, const st_psl_attr *a, const st_psl_expr *e,
		 st_psl_index_field *xf)
{
	for (size_t i = 0; i < e->args.n; i++) {
		const st_psl_arg *arg = e->args.items[i];
		const char *n = arg->name.name;
		const st_psl_expr *val = arg->value;

		if (!n || !val) {
			psl__err(v, arg->span, "Error parsing attribute \"@%s%s\": "
				 "Unexpected unnamed argument.",
				 a->block ? "@" : "", a->name.name);
		} else if (!strcmp(n, "sort")) {
			xf->sort = sort_arg(v, val);
		} else if (!strcmp(n, "length")) {
			if (val->kind == ST_PSL_EXPR_NUMBER)
				xf->length = atoi(val->str);
			psl__err(v, arg->span, "Error parsing attribute \"@%s%s\": "
				 "The length argument is not supported in an index "
				 "definition with the current connector",
				 a->block ? "@" : "", a->name.name);
		} else if (!strcmp(n, "ops")) {
			const char *s;

			if (val->kind == ST_PSL_EXPR_CONST) {
				xf->ops = val->str;
				xf->ops_sql = ops_sql(v, val->str);
			} else if (st_psl_expr_is_call(val, "raw") &&
				   val->args.n == 1 && val->args.items[0]->value &&
				   st_psl_expr_string(val->args.items[0]->value, &s,
						      NULL)) {
				xf->ops = st_psl_expr_raw(v->a, val);
				xf->ops_sql = s;
			} else {
				psl__err(v, val->span, "Error parsing attribute "
					 "\"@%s%s\": Invalid operator class: %s.",
					 a->block ? "@" : "", a->name.name,
					 st_psl_expr_raw(v->a, val));
			}
		} else {
			psl__err(v, arg->span, "Error parsing attribute \"@%s%s\": "
				 "No such argument.", a->block ? "@" : "",
				 a->name.name);
		}
	}
}

static const char *
definition_word(st_psl_index_kind k)
{
	switch (k) {
	case ST_PSL_IDX_PRIMARY: return "id";
	case ST_PSL_IDX_UNIQUE: return "unique index";
	default: return "index";
	}
}

/* Reads fields: [a, b(sort: Desc)] of a block attribute into ix. */
static bool
index_fields(psl__v *v, st_psl_rmodel *m, const st_psl_attr *a,
	     st_psl_rindex *ix, const st_psl_expr *e)
{
	st_strbuf unknown, rels, fks;
	size_t nunknown = 0, nrels = 0;

	if (!e) {
		psl__err(v, a->span, "Error parsing attribute \"@@%s\": Argument "
			 "\"fields\" is missing.", a->name.name);
		return false;
	}
	if (e->kind == ST_PSL_EXPR_CONST || e->kind == ST_PSL_EXPR_CALL) {
		/* Prisma accepts a single field without brackets: @@index(a) */
		st_psl_expr *arr = st_alloc(v->a, sizeof(*arr));

		arr->kind = ST_PSL_EXPR_ARRAY;
		arr->span = e->span;
		arr->items = st_alloc(v->a, sizeof(*arr->items));
		arr->items[0] = (st_psl_expr *)e;
		arr->nitems = 1;
		e = arr;
	}
	if (e->kind != ST_PSL_EXPR_ARRAY) {
		psl__err(v, e->span, "Error parsing attribute \"@@%s\": Expected "
			 "an array of field names, but found `%s`.", a->name.name,
			 st_psl_expr_raw(v->a, e));
		return false;
	}
	st_strbuf_init_arena(&unknown, v->a);
	st_strbuf_init_arena(&rels, v->a);
	st_strbuf_init_arena(&fks, v->a);
	ix->fields = st_alloc_array(v->a, e->nitems ? e->nitems : 1,
				    sizeof(*ix->fields));
	for (size_t i = 0; i < e->nitems; i++) {
		const st_psl_expr *it = e->items[i];
		const char *name = it->kind == ST_PSL_EXPR_CALL ? it->func.name
			: it->kind == ST_PSL_EXPR_CONST ? it->str : NULL;
		st_psl_rfield *f;
		st_psl_index_field *xf;

		if (!name) {
			psl__err(v, it->span, "Error parsing attribute \"@@%s\": "
				 "Expected a field name, but found `%s`.",
				 a->name.name, st_psl_expr_raw(v->a, it));
			continue;
		}
		f = st_psl_rmodel_field(m, name);
		if (!f) {
			st_strbuf_addf(&unknown, "%s%s", nunknown++ ? ", " : "",
				       name);
			continue;
		}
		/* a field of unknown type counts as a relation field, as
		 * in Prisma */
		if (f->type == ST_PSL_T_RELATION || psl__unresolved(v, f)) {
			bool id = ix->kind == ST_PSL_IDX_PRIMARY;

			st_strbuf_addf(&rels, id ? "%s`%s`" : "%s%s",
				       nrels++ ? ", " : "", name);
			if (f->ast && f->type == ST_PSL_T_RELATION) {
				st_psl_expr *fe = st_psl_attr_arg(
					st_psl_field_attr(f->ast, "relation"),
					"fields", 99);

				/* the suggestion names existing fields only */
				for (size_t k = 0; fe && fe->kind ==
				     ST_PSL_EXPR_ARRAY && k < fe->nitems; k++) {
					const char *fk = st_psl_expr_raw(
						v->a, fe->items[k]);

					if (st_psl_rmodel_field(m, fk))
						st_strbuf_addf(&fks, "%s%s",
							       fks.len ? ", " : "",
							       fk);
				}
			}
			continue;
		}
		xf = &ix->fields[ix->nfields++];
		xf->field = f;
		xf->span = it->span;
		if (it->kind == ST_PSL_EXPR_CALL)
			index_field_args(v, a, it, xf);
	}
	if (nunknown) {
		psl__err(v, a->span, "Error validating model \"%s\": The %s "
			 "definition refers to the unknown fields: %s.", m->name,
			 ix->kind == ST_PSL_IDX_PRIMARY
				 ? "multi field id" : definition_word(ix->kind),
			 unknown.buf);
		return false;
	}
	if (nrels) {
		const char *hint = ix->kind == ST_PSL_IDX_PRIMARY || !fks.len ? ""
			: st_strfmt(v->a, " Did you mean `@@%s([%s])`?",
				    a->name.name, fks.buf);

		/* Prisma 7: "relation field `a`" for one id field, but
		 * "relation fields a" for one index field */
		psl__err(v, a->span, "Error validating model \"%s\": The %s "
			 "definition refers to the relation field%s %s. %s "
			 "definitions must reference only scalar fields.%s",
			 m->name, definition_word(ix->kind),
			 ix->kind == ST_PSL_IDX_PRIMARY && nrels == 1 ? "" : "s",
			 rels.buf,
			 ix->kind == ST_PSL_IDX_PRIMARY ? "ID" : "Index", hint);
		return false;
	}
	return true;
}

/* ==== partial indexes ==== */

/*
 * Prisma's check of one value in the object form of `where:` (field f,
 * key as written): true, false, null, a string, a number, or { not: v }
 * around one of those.  Errors name the attribute with one "@" (also for
 * @@index / @@unique) and sit on the whole attribute, as Prisma's do.
 */
static bool
where_value(psl__v *v, const st_psl_attr *a, const st_psl_rfield *f,
	    const char *key, const st_psl_expr *e, bool negated)
{
	const char *want;
	bool ok;

	if (e && e->kind == ST_PSL_EXPR_CONST && !strcmp(e->str, "null"))
		return true;
	if (e && e->kind == ST_PSL_EXPR_CONST &&
	    (!strcmp(e->str, "true") || !strcmp(e->str, "false"))) {
		want = "Boolean";
		ok = f->type == ST_PSL_T_BOOLEAN;
	} else if (e && e->kind == ST_PSL_EXPR_CONST) {
		psl__err(v, a->span, "Error parsing attribute \"@%s\": "
			 "Invalid value '%s' in where clause. Expected true, "
			 "false, null, a string, a number, or an object like "
			 "{ not: null }.", a->name.name, e->str);
		return false;
	} else if (e && e->kind == ST_PSL_EXPR_STRING) {
		want = "a String";
		ok = f->type == ST_PSL_T_STRING ||
		     f->type == ST_PSL_T_DATETIME || f->type == ST_PSL_T_ENUM;
	} else if (e && e->kind == ST_PSL_EXPR_NUMBER) {
		want = "a Number";
		ok = f->type == ST_PSL_T_INT || f->type == ST_PSL_T_BIGINT ||
		     f->type == ST_PSL_T_FLOAT || f->type == ST_PSL_T_DECIMAL;
	} else if (e && e->kind == ST_PSL_EXPR_OBJECT && !negated) {
		const st_psl_arg *in = e->args.n == 1 ? e->args.items[0] : NULL;

		if (!in) {
			psl__err(v, a->span, "Error parsing attribute \"@%s\": "
				 "Nested object in where clause must have "
				 "exactly one key. Use `{ not: null }` or "
				 "`{ not: \"value\" }`.", a->name.name);
			return false;
		}
		if (!in->name.name || strcmp(in->name.name, "not")) {
			psl__err(v, a->span, "Error parsing attribute \"@%s\": "
				 "Unknown key '%s' in nested where clause "
				 "object. Only 'not' is supported.", a->name.name,
				 in->name.name ? in->name.name : "");
			return false;
		}
		return where_value(v, a, f, key, in->value, true);
	} else {
		psl__err(v, a->span, "Error parsing attribute \"@%s\": Invalid "
			 "value in where clause. Expected true, false, null, a "
			 "string, a number, or an object like { not: null }.",
			 a->name.name);
		return false;
	}
	if (ok)
		return true;
	if (f->type == ST_PSL_T_ENUM)
		psl__err(v, a->span, "Error parsing attribute \"@%s\": Type "
			 "mismatch: field '%s' is an Enum and only accepts String "
			 "values in the where clause.", a->name.name, key);
	else if (f->type == ST_PSL_T_UNSUPPORTED)
		psl__err(v, a->span, "Error parsing attribute \"@%s\": Field "
			 "'%s' is an unsupported type and cannot be used in the "
			 "object syntax of a where clause. Use raw() instead.",
			 a->name.name, key);
	else
		psl__err(v, a->span, "Error parsing attribute \"@%s\": Type "
			 "mismatch: field '%s' is of type %s, but the value is "
			 "%s.", a->name.name, key, f->type_name, want);
	return false;
}

/*
 * The object form `where: { field: value, ... }` (e an OBJECT): true when
 * Prisma accepts it.  Like Prisma, stops at the first bad entry.  The SQL
 * is made later, from the resolved model (st_sqlschema from_psl.c), when
 * every field's column name is known.
 */
static bool
where_object(psl__v *v, const st_psl_rmodel *m, const st_psl_attr *a,
	     const st_psl_expr *e)
{
	if (e->args.n == 0) {
		psl__err(v, a->span, "Error parsing attribute \"@%s\": The "
			 "`where` argument cannot be an empty object.",
			 a->name.name);
		return false;
	}
	for (size_t i = 0; i < e->args.n; i++) {
		const st_psl_arg *g = e->args.items[i];
		const char *key = g->name.name ? g->name.name : "";
		const st_psl_rfield *f = st_psl_rmodel_field(m, key);

		if (!f) {
			psl__err(v, a->span, "Error parsing attribute \"@%s\": "
				 "Field '%s' does not exist in model '%s'.",
				 a->name.name, key, m->name);
			return false;
		}
		if (f->type == ST_PSL_T_RELATION) {
			psl__err(v, a->span, "Error parsing attribute \"@%s\": "
				 "Field '%s' is a relation field. Only scalar "
				 "fields can be used in the where clause.",
				 a->name.name, key);
			return false;
		}
		if (!where_value(v, a, f, key, g->value, false))
			return false;
	}
	return true;
}

/*
 * The value e of a `where:` argument (Prisma 7's partial indexes), as
 * Prisma's parser checks it for @unique, @@unique and @@index alike: an
 * object (where_object) or raw("non-empty SQL").  False after an error;
 * else *sql is the raw SQL, or NULL for the object form (from_psl.c turns
 * that into SQL).  The messages name the attribute with one "@".
 */
static bool
where_arg(psl__v *v, const st_psl_rmodel *m, const st_psl_attr *a,
	  const st_psl_expr *e, const char **sql)
{
	const st_psl_expr *s;

	*sql = NULL;
	if (e->kind == ST_PSL_EXPR_OBJECT)
		return where_object(v, m, a, e);
	if (!st_psl_expr_is_call(e, "raw")) {
		if (e->kind != ST_PSL_EXPR_CALL)
			psl__err(v, e->span, "Expected a function value, but "
				 "received %s value `%s`.", psl__value_kind(e),
				 st_psl_expr_raw(v->a, e));
		psl__err(v, a->span, "Error parsing attribute \"@%s\": The "
			 "`where` argument must be either a raw() function call "
			 "or an object literal, e.g. `where: raw(\"status = "
			 "'active'\")` or `where: { active: true }`.",
			 a->name.name);
		return false;
	}
	s = e->args.n >= 1 ? e->args.items[0]->value : NULL;
	if (!s || !st_psl_expr_string(s, sql, NULL)) {
		if (s)
			psl__err(v, s->span, "Expected a string value, but "
				 "received %s value `%s`.", psl__value_kind(s),
				 st_psl_expr_raw(v->a, s));
		psl__err(v, a->span, "Error parsing attribute \"@%s\": The "
			 "`where` argument must be a raw() function with a string "
			 "argument, e.g. `where: raw(\"status = 'active'\")`.",
			 a->name.name);
		*sql = NULL;
		return false;
	}
	if (!**sql) {
		psl__err(v, a->span, "Error parsing attribute \"@%s\": The "
			 "`where` argument cannot contain an empty string.",
			 a->name.name);
		*sql = NULL;
		return false;
	}
	return true;
}

/*
 * The `where:` argument of @unique / @@unique: its raw("...") SQL, or
 * NULL (the object form, or after an error).  Prisma checks the value
 * first and asks for the partialIndexes preview feature only of a
 * well-formed one (on the argument's span).
 */
static const char *
unique_where(psl__v *v, const st_psl_rmodel *m, const st_psl_attr *a,
	     const st_psl_arg *arg)
{
	const char *sql;

	if (!arg->value || !where_arg(v, m, a, arg->value, &sql))
		return NULL;
	if (!st_psl_has_preview(v->m, "partialIndexes"))
		psl__err(v, arg->span, "Error parsing attribute \"@%s%s\": "
			 "Partial indexes are a preview feature. Add "
			 "\"partialIndexes\" to previewFeatures in your generator "
			 "block.", a->block ? "@" : "", a->name.name);
	return sql;
}

/* The named argument `name` of a, or NULL. */
static const st_psl_arg *
named_arg(const st_psl_attr *a, const char *name)
{
	for (size_t i = 0; i < a->args.n; i++) {
		const st_psl_arg *g = a->args.items[i];

		if (g->name.name && !strcmp(g->name.name, name))
			return g;
	}
	return NULL;
}

/* ==== field attributes ==== */

static st_psl_rindex *
field_index(psl__v *v, st_psl_rmodel *m, st_psl_rfield *f,
	    const st_psl_attr *a, st_psl_index_kind kind)
{
	static const char *const allowed[] = { "map", "sort", "length",
					       "clustered", "", NULL };
	static const char *const allowed_unique[] = { "map", "sort", "length",
						      "clustered", "where", "",
						      NULL };
	/* the index and its one field in one allocation */
	st_psl_rindex *ix = st_alloc(v->a, sizeof(*ix) + sizeof(*ix->fields));
	st_psl_expr *e;

	ix->kind = kind;
	ix->model = m;
	ix->field_level = true;
	ix->attr = a;
	ix->span = a->span;
	ix->nfields = 1;
	ix->fields = (st_psl_index_field *)(ix + 1);
	ix->fields[0].field = f;
	ix->fields[0].span = f->ast->name.span;
	/* the usual bare @id / @unique: no argument to read */
	if (!a->has_args || a->args.n == 0)
		return ix;
	check_args(v, a, kind == ST_PSL_IDX_UNIQUE ? allowed_unique : allowed);
	ix->map = psl__str_arg(v, a, "map", 0, NULL);
	if ((e = st_psl_attr_arg(a, "sort", 99))) {
		ix->fields[0].sort = sort_arg(v, e);
		if (kind == ST_PSL_IDX_PRIMARY)
			psl__err(v, e->span, "Error parsing attribute \"@id\": The "
				 "sort argument is not supported in the primary key "
				 "with the current connector");
	}
	if ((e = st_psl_attr_arg(a, "length", 99)))
		psl__err(v, e->span, "Error parsing attribute \"@%s\": The "
			 "length argument is not supported in an index definition "
			 "with the current connector", a->name.name);
	if ((e = st_psl_attr_arg(a, "clustered", 99)))
		psl__err(v, e->span, "Error parsing attribute \"@%s\": Defining "
			 "clustering is not supported in the current connector.",
			 a->name.name);
	if (kind == ST_PSL_IDX_UNIQUE) {
		const st_psl_arg *w = named_arg(a, "where");

		if (w)
			ix->where = unique_where(v, m, a, w);
	}
	return ix;
}

static void
field_attrs(psl__v *v, st_psl_rmodel *m, st_psl_rfield *f, st_vec *uniques)
{
	const st_psl_field *af = f->ast;
	bool rel = f->type == ST_PSL_T_RELATION;
	unsigned char kbuf[KINDS_STACK], *kinds = kbuf;

	if (af->nattrs == 0)
		return;
	if (af->nattrs > KINDS_STACK)
		kinds = st_alloc(v->a, af->nattrs);
	attr_kinds(af->attrs, af->nattrs, kinds);
	duplicates(v, af->attrs, kinds, af->nattrs);
	for (size_t i = 0; i < af->nattrs; i++) {
		const st_psl_attr *a = af->attrs[i];
		const char *n = a->name.name;
		enum akind k = kinds[i];

		if (!n)
			continue;
		if (k == AK_ID) {
			if (rel) {
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@id\": The field `%s` is a relation "
					 "field and cannot be marked with `@id`. "
					 "Only scalar fields can be declared as id.",
					 f->name);
				continue;
			}
			if (f->arity != ST_PSL_REQUIRED) {
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@id\": Fields that are marked as id "
					 "must be required.");
				continue;
			}
			if (m->pk) {
				psl__err(v, m->name_span, "Error validating model "
					 "\"%s\": At most one field must be marked "
					 "as the id field with the `@id` "
					 "attribute.", m->name);
				continue;
			}
			m->pk = field_index(v, m, f, a, ST_PSL_IDX_PRIMARY);
			f->is_id = true;
		} else if (k == AK_UNIQUE) {
			if (rel) {
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@unique\": The field `%s` is a relation "
					 "field and cannot be marked with "
					 "`@unique`. Only scalar fields can be made "
					 "unique.", f->name);
				continue;
			}
			st_vec_push(uniques, field_index(v, m, f, a,
							 ST_PSL_IDX_UNIQUE));
			f->is_unique = true;
		} else if (k == AK_DEFAULT) {
			if (rel) {
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@default\": Cannot set a default value "
					 "on a relation field.");
				continue;
			}
			psl__default(v, f, a);
		} else if (k == AK_MAP) {
			const char *s = psl__str_arg(v, a, "name", 0, NULL);

			if (rel)
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@map\": The attribute `@map` cannot be "
					 "used on relation fields.");
			else if (s)
				f->db_name = s;
			else if (!st_psl_attr_arg(a, "name", 0))
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@map\": Argument \"name\" is missing.");
		} else if (k == AK_UPDATED_AT) {
			if (f->type != ST_PSL_T_DATETIME)
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@updatedAt\": Fields that are marked "
					 "with @updatedAt must be of type "
					 "DateTime.");
			else if (f->arity == ST_PSL_LIST)
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@updatedAt\": Fields that are marked "
					 "with @updatedAt cannot be lists.");
			else
				f->updated_at = true;
		} else if (k == AK_IGNORE) {
			f->ignored = true;
		} else if (k == AK_RELATION) {
			if (!rel)
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@relation\": Invalid field type, not a "
					 "relation.");
			else if (!f->rel->attr)
				/* the first @relation (as st_psl_field_attr
				 * finds it), for psl__relation_read() */
				f->rel->attr = a;
		} else if (k == AK_DOTTED) {
			if (rel || f->type == ST_PSL_T_ENUM ||
			    f->type == ST_PSL_T_UNSUPPORTED)
				psl__err(v, a->name.span, "Attribute not known: "
					 "\"@%s\".", n);
			else
				psl__native_later(v, f, a);
		} else {
			psl__err(v, a->name.span, "Attribute not known: \"@%s\".",
				 n);
		}
	}
}

/* ==== block attributes ==== */

static st_psl_index_type
index_type(psl__v *v, const st_psl_expr *e)
{
	static const char *const names[] = { "BTree", "Hash", "Gist", "Gin",
					     "SpGist", "Brin" };

	for (size_t i = 0; i < 6; i++)
		if (st_psl_expr_is_const(e, names[i]))
			return (st_psl_index_type)(i + 1);
	psl__err(v, e->span, "Error parsing attribute \"@index\": Unknown index "
		 "type: %s.", st_psl_expr_raw(v->a, e));
	return ST_PSL_ITYPE_NONE;
}

/* Prisma's PostgreSQL operator classes per index type (raw("...") aside). */
static bool
opclass_fits(st_psl_index_type t, const char *ops)
{
	static const char *const gist[] = { "InetOps", NULL };
	static const char *const gin[] = { "JsonbOps", "JsonbPathOps",
					   "ArrayOps", NULL };
	static const char *const spgist[] = { "InetOps", "TextOps", NULL };
	const char *const *list = t == ST_PSL_ITYPE_GIST ? gist
		: t == ST_PSL_ITYPE_GIN ? gin
		: t == ST_PSL_ITYPE_SPGIST ? spgist : NULL;
	size_t n = strlen(ops);

	if (t == ST_PSL_ITYPE_BRIN) {
		static const char *const tails[] = { "BloomOps", "MinMaxOps",
						     "MinMaxMultiOps",
						     "InclusionOps", NULL };

		for (size_t i = 0; tails[i]; i++) {
			size_t k = strlen(tails[i]);

			if (n > k && !strcmp(ops + n - k, tails[i]))
				return true;
		}
		return false;
	}
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], ops))
			return true;
	return false;
}

static void
block_index(psl__v *v, st_psl_rmodel *m, const st_psl_attr *a,
	    st_psl_index_kind kind, st_vec *list)
{
	static const char *const allowed_id[] = { "", "fields", "name", "map",
						  "clustered", NULL };
	static const char *const allowed_uq[] = { "", "fields", "name", "map",
						  "clustered", "where", NULL };
	static const char *const allowed_ix[] = { "", "fields", "name", "map",
						  "clustered", "type", "where",
						  NULL };
	static const char *const want[] = { "name", "map", "clustered",
					    "type", "where", "fields", NULL };
	st_psl_rindex *ix = st_alloc(v->a, sizeof(*ix));
	st_psl_expr *e;
	const st_psl_arg *w[6], *pos0;
	bool fast = scan_args(a, want, w, &pos0);
/* the argument named want[k] (position pos otherwise), as
 * st_psl_attr_arg(a, want[k], pos) gives it */
#define ARG(k, pos) (fast ? (w[k] ? w[k]->value \
				  : (pos) == 0 && pos0 ? pos0->value : NULL) \
			  : st_psl_attr_arg(a, want[k], (pos)))

	ix->kind = kind;
	ix->model = m;
	ix->attr = a;
	ix->span = a->span;
	check_args(v, a, kind == ST_PSL_IDX_NORMAL ? allowed_ix
		   : kind == ST_PSL_IDX_UNIQUE ? allowed_uq : allowed_id);
	ix->name = str_val(v, ARG(0, 99), NULL);
	if (ix->name)
		v->any_ix_name = true;
	ix->map = str_val(v, ARG(1, 99), NULL);
	if ((e = ARG(2, 99)))
		psl__err(v, e->span, "Error parsing attribute \"@@%s\": Defining "
			 "clustering is not supported in the current connector.",
			 a->name.name);
	if (kind == ST_PSL_IDX_NORMAL) {
		if ((e = ARG(3, 99)))
			ix->type = index_type(v, e);
		if ((e = ARG(4, 99))) {
			if (!st_psl_has_preview(v->m, "partialIndexes"))
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@@index\": Partial indexes are a preview "
					 "feature. Add \"partialIndexes\" to "
					 "previewFeatures in your generator block.");
			where_arg(v, m, a, e, &ix->where);
		}
	} else if (kind == ST_PSL_IDX_UNIQUE && ARG(4, 99)) {
		const st_psl_arg *wa = named_arg(a, "where");

		if (wa)
			ix->where = unique_where(v, m, a, wa);
	}
	e = ARG(5, 0);
#undef ARG
	if (!index_fields(v, m, a, ix, e))
		return;
	for (size_t i = 0; i < ix->nfields; i++) {
		const st_psl_index_field *xf = &ix->fields[i];

		if (ix->type == ST_PSL_ITYPE_HASH && xf->sort) {
			psl__err(v, a->span, "Error parsing attribute \"@@index\": "
				 "Hash type does not support sort option.");
			break;
		}
	}
	for (size_t i = 0; i < ix->nfields; i++) {
		const st_psl_index_field *xf = &ix->fields[i];

		if (!xf->ops ||
		    !strncmp(xf->ops, "raw(", 4))
			continue;
		if (!opclass_fits(ix->type, xf->ops))
			psl__err(v, a->span, "Error parsing attribute \"@@%s\": The "
				 "given operator class `%s` is not supported with "
				 "the `%s` index type.", a->name.name, xf->ops,
				 st_psl_index_type_name(ix->type ? ix->type
							: ST_PSL_ITYPE_BTREE));
		if (kind != ST_PSL_IDX_NORMAL)
			psl__err(v, a->span, "Error parsing attribute \"@@%s\": "
				 "Operator classes can only be defined to fields in "
				 "an @@index attribute.", a->name.name);
	}
	if (kind == ST_PSL_IDX_PRIMARY) {
		if (m->pk) {
			psl__err(v, m->name_span, "Error validating model \"%s\": "
				 "Each model must have at most one id criteria. "
				 "You can't have `@id` and `@@id` at the same time.",
				 m->name);
			return;
		}
		for (size_t i = 0; i < ix->nfields; i++) {
			if (ix->fields[i].sort) {
				psl__err(v, ix->fields[i].span, "Error parsing "
					 "attribute \"@@id\": The sort argument is "
					 "not supported in the primary key with the "
					 "current connector");
				return;
			}
			if (ix->fields[i].field->arity != ST_PSL_REQUIRED) {
				psl__err(v, a->span, "Error parsing attribute "
					 "\"@@id\": Fields that are marked as id "
					 "must be required.");
				return;
			}
			ix->fields[i].field->is_id = true;
		}
		m->pk = ix;
		return;
	}
	st_vec_push(list, ix);
}

static const char *
schema_arg(psl__v *v, const st_psl_attr *a)
{
	const char *s = psl__str_arg(v, a, "name", 0, NULL);
	const st_psl_datasource *ds = v->m->datasource;

	if (!s)
		return NULL;
	for (size_t i = 0; ds && i < ds->nschemas; i++)
		if (!strcmp(ds->schemas[i], s))
			return s;
	psl__err(v, a->span, "This schema is not defined in the datasource. "
		 "Read more on `@@schema` at https://pris.ly/d/multi-schema");
	return s;
}

static void
compute_names(psl__v *v, st_psl_rmodel *m)
{
	for (size_t i = 0; i <= m->nindexes; i++) {
		st_psl_rindex *ix = i < m->nindexes ? m->indexes[i] : m->pk;
		/* the column names, on the stack unless there are many */
		const char *cbuf[16], **cols = cbuf;

		if (!ix)
			continue;
		if (ix->map) {
			ix->db_name = ix->map;
			continue;
		}
		if (ix->nfields > sizeof(cbuf) / sizeof(cbuf[0]))
			cols = st_alloc_array(v->a, ix->nfields, sizeof(*cols));
		for (size_t j = 0; j < ix->nfields; j++)
			cols[j] = ix->fields[j].field->db_name;
		switch (ix->kind) {
		case ST_PSL_IDX_PRIMARY:
			ix->db_name = st_psl_name_pk(v->a, m->db_name);
			break;
		case ST_PSL_IDX_UNIQUE:
			ix->db_name = st_psl_name_unique(v->a, m->db_name, cols,
							 ix->nfields);
			break;
		default:
			ix->db_name = st_psl_name_index(v->a, m->db_name, cols,
							ix->nfields);
			break;
		}
	}
}

/* Two scalar fields mapped to the same column (@map). */
static void
column_clashes(psl__v *v, st_psl_rmodel *m)
{
	st_map cols;
	bool mapped = false;

	/* without @map, column names are the (already unique) field names */
	for (size_t i = 0; i < m->nfields && !mapped; i++)
		mapped = m->fields[i]->db_name != m->fields[i]->name;
	if (!mapped)
		return;
	st_map_init(&cols, v->a);
	for (size_t i = 0; i < m->nfields; i++) {
		st_psl_rfield *f = m->fields[i];

		if (f->type == ST_PSL_T_RELATION)
			continue;
		if (st_map_get(&cols, f->db_name))
			psl__err(v, f->ast->name.span, "Field \"%s\" is already "
				 "defined on %s \"%s\".", f->name,
				 m->is_view ? "view" : "model", m->name);
		else
			st_map_put(&cols, f->db_name, f);
	}
}

void
psl__attrs_model(psl__v *v, st_psl_rmodel *m)
{
	const st_psl_block *b = m->ast;
	/* on the stack while they are filled (a vector that outgrows its
	 * buffer moves to the arena); m->indexes is an exact copy */
	void *ubuf[16], *bbuf[8];
	st_vec uniques = { ubuf, 0, 16, v->a }, blockix = { bbuf, 0, 8, v->a };
	unsigned char kbuf[KINDS_STACK], *kinds = kbuf;

	if (b->nattrs > KINDS_STACK)
		kinds = st_alloc(v->a, b->nattrs);
	attr_kinds(b->attrs, b->nattrs, kinds);
	duplicates(v, b->attrs, kinds, b->nattrs);
	/* @@map, @@schema, @@ignore first: names depend on them */
	for (size_t i = 0; i < b->nattrs; i++) {
		const st_psl_attr *a = b->attrs[i];

		if (!a->name.name)
			continue;
		if (kinds[i] == AK_MAP) {
			const char *s = psl__str_arg(v, a, "name", 0, NULL);

			if (s)
				m->db_name = s;
		} else if (kinds[i] == AK_SCHEMA) {
			m->schema = schema_arg(v, a);
		} else if (kinds[i] == AK_IGNORE) {
			m->ignored = true;
		}
	}
	for (size_t i = 0; i < m->nfields; i++)
		if (!psl__unresolved(v, m->fields[i]))
			field_attrs(v, m, m->fields[i], &uniques);
	column_clashes(v, m);
	for (size_t i = 0; i < b->nattrs; i++) {
		const st_psl_attr *a = b->attrs[i];
		const char *n = a->name.name;
		enum akind k = kinds[i];

		if (!n || k == AK_MAP || k == AK_SCHEMA || k == AK_IGNORE)
			continue;
		if (k == AK_ID)
			block_index(v, m, a, ST_PSL_IDX_PRIMARY, &blockix);
		else if (k == AK_UNIQUE)
			block_index(v, m, a, ST_PSL_IDX_UNIQUE, &blockix);
		else if (k == AK_INDEX)
			block_index(v, m, a, ST_PSL_IDX_NORMAL, &blockix);
		else if (k == AK_FULLTEXT)
			psl__err(v, a->span, "Error parsing attribute "
				 "\"@@fulltext\": Defining fulltext indexes is "
				 "not supported with the current connector.");
		else
			psl__err(v, a->name.span, "Attribute not known: \"@%s\".",
				 n);
	}
	for (size_t i = 0; i < blockix.len; i++)
		st_vec_push(&uniques, blockix.items[i]);
	m->indexes = uniques.len ? st_memdup(v->a, uniques.items, uniques.len *
					      sizeof(*uniques.items))
				 : NULL;
	m->nindexes = uniques.len;
	compute_names(v, m);
}

/*
 * Checks Prisma makes in its validation pipeline, which runs only when
 * the attributes had no error (phase 5): native types, then custom
 * @@id / @@unique names that are field names.
 */
void
psl__native_later(psl__v *v, st_psl_rfield *f, const st_psl_attr *a)
{
	st_psl_native *n;

	/* decoded now, while a is in the cache; reported in phase 5 */
	v->defer = true;
	n = psl__native(v, f, a);
	v->defer = false;
	st_vec_push(&v->natives, f);
	st_vec_push(&v->natives, n);
}

void
psl__attrs_late(psl__v *v)
{
	const st_psl_model *mm = v->m;

	for (size_t i = 0; i < v->deferred.len; i++) {
		const psl__defer_msg *d = v->deferred.items[i];

		psl__err(v, d->span, "%s", d->msg);
	}
	for (size_t i = 0; i + 1 < v->natives.len; i += 2) {
		st_psl_rfield *f = v->natives.items[i];

		f->native = v->natives.items[i + 1];
	}
	/* custom names (name: "x") come from block attributes only */
	for (size_t i = 0; v->any_ix_name && i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];

		for (size_t j = 0; j <= m->nindexes; j++) {
			const st_psl_rindex *ix = j < m->nindexes ? m->indexes[j]
								  : m->pk;

			if (!ix || !ix->name || ix->kind == ST_PSL_IDX_NORMAL ||
			    !ix->attr || !ix->attr->block ||
			    !st_psl_rmodel_field(m, ix->name))
				continue;
			psl__err(v, st_psl_span_join(m->ast->keyword.span,
						     m->name_span),
				 "Error validating model \"%s\": The custom name "
				 "`%s` specified for the `@@%s` attribute is already "
				 "used as a name for a field. Please choose a "
				 "different name.", m->name, ix->name,
				 ix->attr->name.name);
		}
	}
}

void
psl__attrs_enum(psl__v *v, st_psl_renum *e)
{
	const st_psl_block *b = e->ast;
	size_t k = 0;
	unsigned char kbuf[KINDS_STACK], *kinds = kbuf;

	if (b->nattrs > KINDS_STACK)
		kinds = st_alloc(v->a, b->nattrs);
	attr_kinds(b->attrs, b->nattrs, kinds);
	duplicates(v, b->attrs, kinds, b->nattrs);
	for (size_t i = 0; i < b->nattrs; i++) {
		const st_psl_attr *a = b->attrs[i];
		const char *n = a->name.name;

		if (!n)
			continue;
		if (!strcmp(n, "map")) {
			const char *s = psl__str_arg(v, a, "name", 0, NULL);

			if (s)
				e->db_name = s;
		} else if (!strcmp(n, "schema")) {
			e->schema = schema_arg(v, a);
		} else {
			psl__err(v, a->name.span, "Attribute not known: \"@%s\".",
				 n);
		}
	}
	/* values: e->values skips duplicates, walk the AST in step */
	for (size_t i = 0; i < b->nvalues && k < e->nvalues; i++) {
		const st_psl_enum_value *av = b->values[i];
		st_psl_rvalue *rv = e->values[k];

		if (!av->name.name || strcmp(av->name.name, rv->name) != 0 ||
		    av->span.start != rv->span.start)
			continue;
		k++;
		kinds = av->nattrs > KINDS_STACK ? st_alloc(v->a, av->nattrs)
						 : kbuf;
		attr_kinds(av->attrs, av->nattrs, kinds);
		duplicates(v, av->attrs, kinds, av->nattrs);
		for (size_t j = 0; j < av->nattrs; j++) {
			const st_psl_attr *a = av->attrs[j];

			if (!a->name.name)
				continue;
			if (!strcmp(a->name.name, "map")) {
				const char *s = psl__str_arg(v, a, "name", 0,
							     NULL);

				if (s)
					rv->db_name = s;
			} else {
				psl__err(v, a->name.span, "Attribute not known: "
					 "\"@%s\".", a->name.name);
			}
		}
	}
}
