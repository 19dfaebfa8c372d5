/*
 * validate_relations.c - relation fields: reading @relation (phase 3/4),
 * pairing each relation field with its back-relation field, deciding
 * 1:1 / 1:n / implicit m:n and the side that holds the foreign key, and
 * Prisma's checks on them (phase 5).  On a big schema, pairing (in two
 * steps, the first in the parts of phases 1 to 3) and the checks run in
 * parts, each for a range of models (psl__par_models): a part writes
 * only its own relation fields' state, and its messages join in
 * relfields order; the join tables of implicit m:n relations are made
 * after the join, in relfields order.  The checks' parts also fill the
 * constraint namespaces of their models (names.c), one run for both.
 */
#include <stdlib.h>
#include <string.h>

#include "psl/validate_int.h"

#define RELERR "Error parsing attribute \"@relation\": "

/* ==== reading @relation ==== */

static st_psl_action
action(psl__v *v, const st_psl_expr *e)
{
	static const char *const names[] = { "Cascade", "Restrict", "NoAction",
					     "SetNull", "SetDefault" };

	for (size_t i = 0; i < 5; i++)
		if (st_psl_expr_is_const(e, names[i]))
			return (st_psl_action)(i + 1);
	psl__err(v, e->span, RELERR "Invalid referential action: `%s`",
		 st_psl_expr_raw(v->a, e));
	return ST_PSL_ACT_UNSET;
}

/* Resolves [a, b] against model m; reports unknown names. */
static st_psl_rfield **
field_list(psl__v *v, const st_psl_expr *e, st_psl_rmodel *m, bool refs,
	   size_t *n)
{
	st_psl_rfield **out;
	st_strbuf unknown;
	size_t nunknown = 0;

	*n = 0;
	if (e->kind != ST_PSL_EXPR_ARRAY) {
		psl__err(v, e->span, RELERR "Expected an array of field names, "
			 "but found `%s`.", st_psl_expr_raw(v->a, e));
		return NULL;
	}
	st_strbuf_init_arena(&unknown, v->a);
	out = st_alloc_array(v->a, e->nitems ? e->nitems : 1, sizeof(*out));
	for (size_t i = 0; i < e->nitems; i++) {
		const st_psl_expr *it = e->items[i];
		st_psl_rfield *f = it->kind == ST_PSL_EXPR_CONST
			? st_psl_rmodel_field(m, it->str) : NULL;

		if (!f || f->type == ST_PSL_T_RELATION) {
			st_strbuf_addf(&unknown, "%s%s", nunknown++ ? ", " : "",
				       st_psl_expr_raw(v->a, it));
			continue;
		}
		out[(*n)++] = f;
	}
	if (nunknown) {
		if (refs)
			psl__err(v, e->span, "Error validating: The argument "
				 "`references` must refer only to existing fields "
				 "in the related model `%s`. The following fields "
				 "do not exist in the related model: %s", m->name,
				 unknown.buf);
		else
			psl__err(v, e->span, "Error validating: The argument "
				 "fields must refer only to existing fields. The "
				 "following fields do not exist in this model: %s",
				 unknown.buf);
		return NULL;
	}
	return out;
}

/* Reads the @relation attribute of f into f->rel (no pairing yet), but
 * for `references` (read_references()). */
void
psl__relation_read(psl__v *v, st_psl_rfield *f)
{
	static const char *const known[] = { "name", "fields", "references",
					     "onDelete", "onUpdate", "map", NULL };
	st_psl_rrel *r = f->rel;
	/* the first @relation: noted by the attribute pass (phase 3) */
	const st_psl_attr *a = r->attr;
	st_psl_expr *e;

	r->span = f->span;
	if (!a)
		return;
	r->span = a->span;
	/* one pass over the arguments: the first of each known name, as
	 * st_psl_attr_arg finds it */
	const st_psl_arg *named[6] = { 0 };
	size_t nunnamed = 0;

	for (size_t i = 0; i < a->args.n; i++) {
		const st_psl_arg *arg = a->args.items[i];
		bool ok = !arg->name.name && i == 0;

		if (!arg->name.name)
			nunnamed++;
		for (size_t k = 0; !ok && arg->name.name && known[k]; k++)
			if (arg->name.name[0] == known[k][0] &&
			    !strcmp(arg->name.name, known[k])) {
				ok = true;
				if (!named[k])
					named[k] = arg;
			}
		if (!ok)
			psl__err(v, arg->span, "%s", arg->name.name
				 ? "No such argument." : RELERR "Unexpected unnamed "
				 "argument.");
	}
	/* beyond 99 unnamed arguments st_psl_attr_arg(a, x, 99) would
	 * return one: keep its exact answers then */
	if (!a->has_args || nunnamed > 99)
		goto generic;
	if ((e = named[0] ? named[0]->value
		 : st_psl_attr_arg(a, "name", 0))) {
		const char *s;

		if (st_psl_expr_string(e, &s, NULL)) {
			r->name = s;
			r->name_explicit = true;
		} else {
			psl__err(v, e->span, "Expected a string value, but "
				 "received %s value `%s`.", psl__value_kind(e),
				 st_psl_expr_raw(v->a, e));
		}
	}
	if ((e = named[5] ? named[5]->value : NULL)) {
		const char *s;

		if (st_psl_expr_string(e, &s, NULL))
			r->map = s;
		else
			psl__err(v, e->span, "Expected a string value, but "
				 "received %s value `%s`.", psl__value_kind(e),
				 st_psl_expr_raw(v->a, e));
	}
	if ((e = named[3] ? named[3]->value : NULL))
		r->on_delete = action(v, e);
	if ((e = named[4] ? named[4]->value : NULL))
		r->on_update = action(v, e);
	r->fields_arg = named[1] ? named[1]->value : NULL;
	r->references_arg = named[2] ? named[2]->value : NULL;
	if ((e = named[1] ? named[1]->value : NULL)) {
		r->fields = field_list(v, e, f->model, false, &r->nfields);
		if (!r->fields) {
			r->fields = st_alloc(v->a, sizeof(*r->fields));
			r->nfields = 0;
		}
		r->holds_fk = true;
	}
	return;
generic:
	if ((e = st_psl_attr_arg(a, "name", 0))) {
		const char *s;

		if (st_psl_expr_string(e, &s, NULL)) {
			r->name = s;
			r->name_explicit = true;
		} else {
			psl__err(v, e->span, "Expected a string value, but "
				 "received %s value `%s`.", psl__value_kind(e),
				 st_psl_expr_raw(v->a, e));
		}
	}
	r->map = psl__str_arg(v, a, "map", 99, NULL);
	if ((e = st_psl_attr_arg(a, "onDelete", 99)))
		r->on_delete = action(v, e);
	if ((e = st_psl_attr_arg(a, "onUpdate", 99)))
		r->on_update = action(v, e);
	r->fields_arg = st_psl_attr_arg(a, "fields", 99);
	r->references_arg = st_psl_attr_arg(a, "references", 99);
	if ((e = st_psl_attr_arg(a, "fields", 99))) {
		r->fields = field_list(v, e, f->model, false, &r->nfields);
		if (!r->fields) {
			r->fields = st_alloc(v->a, sizeof(*r->fields));
			r->nfields = 0;
		}
		r->holds_fk = true;
	}
}

/* The `references` of f's @relation: fields of the related model, so
 * read once every model has its fields (phase 4). */
static void
read_references(psl__v *v, st_psl_rfield *f)
{
	st_psl_rrel *r = f->rel;
	size_t nrefs = 0;

	if (!r->references_arg)
		return;
	r->references = field_list(v, r->references_arg, r->related, true,
				   &nrefs);
	if (!r->references) {
		r->references = st_alloc(v->a, sizeof(*r->references));
		nrefs = 0;
	}
	r->nreferences = nrefs;
	r->holds_fk = true;
	/* nfields stays the count of `fields`; a mismatch is an error
	 * (phase 5) and the shorter count is what both arrays hold */
	if (!r->fields_arg)
		r->nfields = 0;
	else if (nrefs < r->nfields)
		r->nfields = nrefs;
}

/* ==== pairing ==== */

static const char *
default_name(psl__v *v, const st_psl_rmodel *a, const st_psl_rmodel *b)
{
	const char *x = a->name, *y = b->name;
	size_t lx, ly;
	char *s;

	if (strcmp(x, y) > 0) {
		x = b->name;
		y = a->name;
	}
	/* x "To" y: called for every unnamed relation field, so no
	 * st_strfmt (two vsnprintf passes) */
	lx = strlen(x);
	ly = strlen(y);
	s = st_alloc(v->a, lx + ly + 3);
	memcpy(s, x, lx);
	memcpy(s + lx, "To", 2);
	memcpy(s + lx + 2, y, ly + 1);
	return s;
}

static st_psl_rfield *
single_id(const st_psl_rmodel *m)
{
	return m->pk && m->pk->nfields == 1 ? m->pk->fields[0].field : NULL;
}

/*
 * f's kind and, when paired, its name.  Reads its back field only for
 * what phase 3 settled (arity, model), so the two sides may be classified
 * on different threads; each side makes the default name itself (the
 * same text on both).  The join table of an implicit many-to-many
 * relation is made afterwards, in relfields order (m2m_tables()).
 */
static void
classify(psl__v *v, st_psl_rfield *f)
{
	st_psl_rrel *r = f->rel;
	st_psl_rfield *back = r->back;

	if (!back) {
		r->kind = f->arity == ST_PSL_LIST ? ST_PSL_REL_ONE_TO_MANY
						  : ST_PSL_REL_ONE_TO_ONE;
		return;
	}
	if (!r->name)
		r->name = default_name(v, f->model, back->model);
	if (f->arity == ST_PSL_LIST && back->arity == ST_PSL_LIST) {
		r->kind = ST_PSL_REL_MANY_TO_MANY;
		r->eff_on_delete = ST_PSL_ACT_CASCADE;
		r->eff_on_update = ST_PSL_ACT_CASCADE;
		return;
	}
	if (f->arity == ST_PSL_LIST || back->arity == ST_PSL_LIST)
		r->kind = ST_PSL_REL_ONE_TO_MANY;
	else
		r->kind = ST_PSL_REL_ONE_TO_ONE;
}

/* The join table of f's relation when it is an implicit many-to-many
 * one, made by the side that comes first in relfields. */
static void
m2m_table(psl__v *v, st_psl_rfield *f)
{
	st_psl_rfield *back = f->rel->back;
	st_psl_rrel *r = f->rel, *b;
	st_psl_m2m *mm;
	bool first;

	if (r->kind != ST_PSL_REL_MANY_TO_MANY)
		return;
	b = back->rel;
	if (b->m2m || r->m2m) {
		r->m2m = b->m2m;
		return;
	}
	mm = st_alloc(v->a, sizeof(*mm));
	first = strcmp(f->model->name, back->model->name) < 0 ||
		(f->model == back->model && strcmp(f->name, back->name) <= 0);
	mm->name = r->name;
	mm->table = st_strfmt(v->a, "_%s", r->name);
	mm->model_a = first ? f->model : back->model;
	mm->model_b = first ? back->model : f->model;
	mm->field_a = first ? f : back;
	mm->field_b = first ? back : f;
	mm->id_a = single_id(mm->model_a);
	mm->id_b = single_id(mm->model_b);
	mm->schema = mm->model_a->schema;
	st_vec_push(&v->m2m, mm);
	r->m2m = mm;
}

/* The join tables, in relfields order; has[k]: models[k] has a
 * many-to-many relation field (the others are not read again). */
static void
m2m_tables(psl__v *v, const unsigned char *has)
{
	for (size_t k = 0; k < v->m->nmodels; k++) {
		if (!has[k])
			continue;
		for (size_t i = v->rel_first[k]; i < v->rel_first[k + 1]; i++)
			m2m_table(v, v->relfields.items[i]);
	}
}

static void
fk_details(psl__v *v, st_psl_rfield *f)
{
	st_psl_rrel *r = f->rel;
	bool optional = false;
	/* the column names, on the stack unless there are many */
	const char *cbuf[16], **cols = cbuf;

	if (!r->holds_fk || r->kind == ST_PSL_REL_MANY_TO_MANY)
		return;
	if (r->nfields > sizeof(cbuf) / sizeof(cbuf[0]))
		cols = st_alloc_array(v->a, r->nfields, sizeof(*cols));
	for (size_t i = 0; i < r->nfields; i++) {
		cols[i] = r->fields[i]->db_name;
		if (r->fields[i]->arity != ST_PSL_REQUIRED)
			optional = true;
	}
	r->eff_on_delete = r->on_delete ? r->on_delete
		: optional ? ST_PSL_ACT_SET_NULL : ST_PSL_ACT_RESTRICT;
	r->eff_on_update = r->on_update ? r->on_update : ST_PSL_ACT_CASCADE;
	r->fk_name = r->map ? r->map
		: st_psl_name_fk(v->a, f->model->db_name, cols, r->nfields);
}

/* One relation field for pairing: its related model (by position), its
 * relation name (none and "" alike) and its index among its model's
 * relation fields. */
typedef struct psl__relkey {
	size_t to;
	const char *name;
	size_t i;
} relkey;

static int
cmp_relkey_name(const relkey *x, size_t to, const char *name)
{
	if (x->to != to)
		return x->to < to ? -1 : 1;
	return strcmp(x->name, name);
}

static int
cmp_relkey(const void *a, const void *b)
{
	const relkey *x = a, *y = b;
	int c = cmp_relkey_name(x, y->to, y->name);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* First key in k[0..n) not below (to, name). */
static size_t
lower_bound(const relkey *k, size_t n, size_t to, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_relkey_name(&k[mid], to, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Pairing, step 1, for the n relation fields fs of one model, in phase 3
 * (models_range in validate.c, in the model's part, while they are in
 * the cache): the keys, sorted, and the groups (see validate_int.h).
 * Reads of other models only their positions, set in phase 1.
 */
void
psl__relation_keys(psl__v *v, st_psl_rfield *const *fs, size_t n,
		   psl__relkeys *out)
{
	relkey *keys;

	memset(out, 0, sizeof(*out));
	if (!n)
		return;
	keys = st_alloc_array(v->a, n, sizeof(*keys));
	out->at = st_alloc_array(v->a, 3 * n, sizeof(*out->at));
	out->lead = out->at + n;
	out->len = out->lead + n;
	for (size_t j = 0; j < n; j++) {
		const st_psl_rrel *r = fs[j]->rel;

		keys[j].to = r->related->pos;
		keys[j].name = r->name ? r->name : "";
		keys[j].i = j;
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), cmp_relkey);
	/* runs of equal (to, name) are the groups, each led by its first
	 * field */
	for (size_t p = 0; p < n; p++) {
		size_t j = keys[p].i;
		bool start = p == 0 || cmp_relkey_name(&keys[p - 1], keys[p].to,
						       keys[p].name) != 0;

		out->at[j] = p;
		out->lead[j] = start ? j : out->lead[keys[p - 1].i];
		out->len[out->lead[j]]++;
	}
	out->keys = keys;
}

/* The state of pairing, shared by its parts (read only but for the
 * entries of each part's own relation fields). */
typedef struct pairing {
	st_psl_rfield **rf;
	size_t *first;  /* rf of models[k]: [first[k], first[k + 1]) */
	const psl__relkeys *rk; /* rk[k]: models[k]'s keys (step 1) */
	size_t *lead;   /* lead[i]: first field of rf[i]'s group */
	size_t *len;    /* len[lead]: fields in the group */
	unsigned char *has_m2m; /* has_m2m[k]: models[k] has an m:n field */
} pairing;

/*
 * Pairing, step 2 for models[from, to): first `references` (phase 4:
 * other models' fields are known now); then each relation field finds
 * its other side in the keys of step 1 (every model's, complete now) and
 * sets its own back; the other side finds it the same way, the pairing
 * being symmetric.  Then its kind, and on the side that holds the
 * foreign key its actions and name.
 */
static void
pair_fields(psl__v *v, size_t from, size_t to, void *arg)
{
	const pairing *pg = arg;
	size_t s = pg->first[from], e = pg->first[to];

	for (size_t i = s; i < e; i++)
		read_references(v, pg->rf[i]);
	for (size_t m = from; m < to; m++) {
		const psl__relkeys *ka = &pg->rk[m];
		size_t base = pg->first[m], n = pg->first[m + 1] - base;

		for (size_t j = 0; j < n; j++) {
			size_t i = base + j, g = ka->lead[j], p, bs, nb;
			st_psl_rfield *f = pg->rf[i];
			const st_psl_rmodel *a = f->model, *b = f->rel->related;
			const char *name = ka->keys[ka->at[j]].name;
			const psl__relkeys *kb;

			/* the groups, in relfields' numbering */
			pg->lead[i] = base + g;
			pg->len[i] = ka->len[j];
			if (ka->len[g] != (a == b ? 2u : 1u))
				continue;
			if (a == b) {
				/* the group's two keys are side by side */
				size_t other = ka->keys[ka->at[g] + 1].i;

				if (j != g)
					other = g;
				f->rel->back = pg->rf[base + other];
				continue;
			}
			/* B's group for A and this name: paired when it is one
			 * field */
			kb = &pg->rk[b->pos];
			bs = pg->first[b->pos];
			nb = pg->first[b->pos + 1] - bs;
			p = lower_bound(kb->keys, nb, a->pos, name);
			if (p < nb &&
			    !cmp_relkey_name(&kb->keys[p], a->pos, name) &&
			    kb->len[kb->keys[p].i] == 1)
				f->rel->back = pg->rf[bs + kb->keys[p].i];
		}
	}
	for (size_t i = s; i < e; i++)
		classify(v, pg->rf[i]);
	/* the FK side of 1:n is the non-list side; of 1:1 the side with
	 * fields/references */
	for (size_t i = s; i < e; i++) {
		st_psl_rfield *f = pg->rf[i];

		if (f->rel->kind == ST_PSL_REL_MANY_TO_MANY) {
			f->rel->holds_fk = false;
			pg->has_m2m[f->model->pos] = 1;
		} else if (f->rel->kind == ST_PSL_REL_ONE_TO_MANY &&
			 f->arity != ST_PSL_LIST && f->rel->back)
			f->rel->holds_fk = true;
		fk_details(v, f);
	}
}

/*
 * Pairs relation fields.  The fields of one model with the same related
 * model and relation name form a group; a field of A pointing to B pairs
 * with the field of B pointing to A that has the same name when both are
 * alone in their groups, and the two fields of a self-relation group of
 * two pair with each other.  Each model's relation fields are sorted by
 * (related model, name), so groups are runs and the other side is found
 * by binary search: no keys to build or hash, and no quadratic cost for
 * a model with very many relations.
 *
 * Step 1 (the keys) runs model by model in phase 3, in the parts of
 * phases 1 to 3 (psl__relation_keys); step 2 needs every model's keys,
 * and runs after them, in parts (psl__par_models) on a big schema, each
 * for a range of models, writing only the entries of its own relation
 * fields.  The only messages (unknown `references`) join in relfields
 * order.
 */
void
psl__relations_pair(psl__v *v)
{
	size_t n = v->relfields.len, nn = n ? n : 1;
	pairing pg;

	pg.rf = (st_psl_rfield **)v->relfields.items;
	pg.first = v->rel_first;
	pg.rk = v->relkeys;
	pg.lead = st_alloc_array(v->a, nn, sizeof(*pg.lead));
	pg.len = st_alloc_array(v->a, nn, sizeof(*pg.len));
	pg.has_m2m = st_alloc_array(v->a, v->m->nmodels ? v->m->nmodels : 1,
				    sizeof(*pg.has_m2m));
	psl__par_models(v, pair_fields, &pg, 0);
	v->relgroup = pg.lead;
	v->relgroup_len = pg.len;
	m2m_tables(v, pg.has_m2m);
}

/* ==== phase 5 checks ==== */

/* The fields of the group led by relfields[g], in order. */
static void
names_list(psl__v *v, st_strbuf *sb, size_t g)
{
	const st_psl_rfield *f = v->relfields.items[g];
	size_t end = v->rel_first[f->model->pos + 1], n = v->relgroup_len[g];

	for (size_t j = g, i = 0; j < end; j++) {
		if (v->relgroup[j] != g)
			continue;
		f = v->relfields.items[j];
		if (i)
			st_strbuf_adds(sb, i + 1 == n ? " and " : ", ");
		st_strbuf_addf(sb, "`%s`", f->name);
		i++;
	}
}

/* Prisma stops validating after the first ambiguity.  i: f's index in
 * relfields. */
static bool
ambiguity(psl__v *v, st_psl_rfield *f, size_t i)
{
	st_psl_rmodel *a = f->model, *b = f->rel->related;
	const char *explicit_name = f->rel->name_explicit ? f->rel->name : NULL;
	st_strbuf sb;
	const char *what = a->is_view ? "view" : "model";
	size_t g = v->relgroup[i], n = v->relgroup_len[g];

	if (n < 2 || (a == b && explicit_name && n == 2))
		return false;
	st_strbuf_init_arena(&sb, v->a);
	names_list(v, &sb, g);
	if (a == b && !explicit_name && n == 2)
		psl__err(v, f->span, "Error validating %s \"%s\": Ambiguous self "
			 "relation detected. The fields %s in model `%s` both refer "
			 "to `%s`. If they are part of the same relation add the "
			 "same relation name for them with `@relation(<name>)`.",
			 what, a->name, sb.buf, a->name, a->name);
	else if (a == b && !explicit_name)
		psl__err(v, f->span, "Error validating %s \"%s\": Unnamed self "
			 "relation detected. The fields %s in model `%s` have no "
			 "relation name. Please provide a relation name for one "
			 "of them by adding `@relation(<name>).", what, a->name,
			 sb.buf, a->name);
	else if (a == b)
		psl__err(v, f->span, "Error validating %s \"%s\": Wrongly named "
			 "self relation detected. The fields %s in model `%s` "
			 "have the same relation name. At most two relation "
			 "fields can belong to the same relation and therefore "
			 "have the same name. Please assign a different relation "
			 "name to one of them.", what, a->name, sb.buf, a->name);
	else if (!explicit_name)
		psl__err(v, f->span, "Error validating %s \"%s\": Ambiguous "
			 "relation detected. The fields %s in model `%s` both "
			 "refer to `%s`. Please provide different relation names "
			 "for them by adding `@relation(<name>).", what, a->name,
			 sb.buf, a->name, b->name);
	else
		psl__err(v, f->span, "Error validating %s \"%s\": Wrongly named "
			 "relation detected. The fields %s in model `%s` both use "
			 "the same relation name. Please provide different "
			 "relation names for them through `@relation(<name>).",
			 what, a->name, sb.buf, a->name);
	return true;
}

static bool
is_unique_set(const st_psl_rmodel *m, st_psl_rfield *const *fs, size_t n)
{
	size_t total = m->nindexes + 1;

	for (size_t i = 0; i < total; i++) {
		const st_psl_rindex *ix = i < m->nindexes ? m->indexes[i] : m->pk;
		size_t hit = 0;

		if (!ix || (ix->kind != ST_PSL_IDX_UNIQUE &&
			    ix->kind != ST_PSL_IDX_PRIMARY) || ix->nfields != n)
			continue;
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < n; k++)
				if (ix->fields[k].field == fs[j]) {
					hit++;
					break;
				}
		if (hit == n)
			return true;
	}
	return false;
}

static void
join_names(st_strbuf *sb, st_psl_rfield *const *fs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		st_strbuf_addf(sb, "%s%s", i ? ", " : "", fs[i]->name);
}

/* Whether f's @relation has a `fields` / `references` value. */
static bool
has_fields(const st_psl_rfield *f)
{
	return f->rel->fields_arg != NULL;
}

static bool
has_refs(const st_psl_rfield *f)
{
	return f->rel->references_arg != NULL;
}

/* Checks on the side that holds the foreign key (1:1 and 1:n). */
static void
check_fk_side(psl__v *v, st_psl_rfield *f)
{
	st_psl_rrel *r = f->rel;
	const st_psl_attr *a = r->attr;
	const st_psl_expr *fe = r->fields_arg, *re = r->references_arg;
	size_t nf = fe && fe->kind == ST_PSL_EXPR_ARRAY ? fe->nitems : 0;
	size_t nr = re && re->kind == ST_PSL_EXPR_ARRAY ? re->nitems : 0;
	size_t nref = r->nreferences;
	st_strbuf sb;

	if (!fe && !re) {
		psl__err(v, f->span, RELERR "The relation field `%s` on Model "
			 "`%s` must specify the `fields` argument in the "
			 "@relation attribute. You can run `prisma format` to fix "
			 "this automatically.", f->name, f->model->name);
		psl__err(v, f->span, RELERR "The relation field `%s` on Model "
			 "`%s` must specify the `references` argument in the "
			 "@relation attribute.", f->name, f->model->name);
		return;
	}
	if (!re) {
		psl__err(v, f->span, RELERR "The relation field `%s` on Model "
			 "`%s` must specify the `references` argument in the "
			 "@relation attribute.", f->name, f->model->name);
		return;
	}
	if (!fe) {
		psl__err(v, f->span, RELERR "The relation field `%s` on Model "
			 "`%s` must specify the `fields` argument in the "
			 "@relation attribute. You can run `prisma format` to fix "
			 "this automatically.", f->name, f->model->name);
		return;
	}
	/* references must be a unique criterion of the related model */
	if (nref && !is_unique_set(r->related, r->references, nref)) {
		st_strbuf_init_arena(&sb, v->a);
		join_names(&sb, r->references, nref);
		if (nref == 1)
			psl__err(v, f->span, RELERR "The argument `references` "
				 "must refer to a unique criterion in the related "
				 "model. Consider adding an `@unique` attribute to "
				 "the field `%s` in the model `%s`.", sb.buf,
				 r->related->name);
		else
			psl__err(v, f->span, RELERR "The argument `references` "
				 "must refer to a unique criterion in the related "
				 "model. Consider adding an `@@unique([%s])` "
				 "attribute to the model `%s`.", sb.buf,
				 r->related->name);
	}
	if (nf != nr) {
		psl__err(v, a->span, "Error validating: You must specify the same "
			 "number of fields in `fields` and `references`.");
		return;
	}
	/* a required relation field over optional scalars */
	if (f->arity == ST_PSL_REQUIRED) {
		bool opt = false;

		for (size_t i = 0; i < r->nfields; i++)
			opt |= r->fields[i]->arity == ST_PSL_OPTIONAL;
		if (opt) {
			st_strbuf_init_arena(&sb, v->a);
			join_names(&sb, r->fields, r->nfields);
			psl__err(v, f->span, "Error validating: The relation field "
				 "`%s` uses the scalar fields %s. At least one of "
				 "those fields is optional. Hence the relation "
				 "field must be optional as well.", f->name,
				 sb.buf);
		}
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const st_psl_rfield *x = r->fields[i], *y = r->references[i];
		bool same = x->type == y->type &&
			(x->type != ST_PSL_T_ENUM || x->enum_ref == y->enum_ref) &&
			(x->type != ST_PSL_T_UNSUPPORTED ||
			 !strcmp(x->unsupported, y->unsupported));

		if (same && x->native && y->native &&
		    strcmp(x->native->sql_type, y->native->sql_type) != 0)
			same = false;
		if (!same)
			psl__err(v, f->span, RELERR "The type of the field `%s` in "
				 "the model `%s` is not matching the type of the "
				 "referenced field `%s` in model `%s`.", x->name,
				 f->model->name, y->name, r->related->name);
	}
	if (r->kind == ST_PSL_REL_ONE_TO_ONE && r->nfields &&
	    !is_unique_set(f->model, r->fields, r->nfields)) {
		st_strbuf_init_arena(&sb, v->a);
		join_names(&sb, r->fields, r->nfields);
		if (r->nfields == 1)
			psl__err(v, f->span, RELERR "A one-to-one relation must "
				 "use unique fields on the defining side. Either "
				 "add an `@unique` attribute to the field `%s`, or "
				 "change the relation to one-to-many.", sb.buf);
		else
			psl__err(v, f->span, RELERR "A one-to-one relation must "
				 "use unique fields on the defining side. Either "
				 "add an `@@unique([%s])` attribute to the model, "
				 "or change the relation to one-to-many.", sb.buf);
	}
	if (v->m->datasource && v->m->datasource->relation_mode_prisma &&
	    r->on_delete == ST_PSL_ACT_SET_DEFAULT)
		psl__err(v, f->span, "Error validating: Invalid referential "
			 "action: `SetDefault`. Allowed values: (`Cascade`, "
			 "`Restrict`, `NoAction`, `SetNull`)");
}

static void
check_pair(psl__v *v, st_psl_rfield *f)
{
	st_psl_rrel *r = f->rel;
	st_psl_rfield *back = r->back;

	if (r->kind == ST_PSL_REL_MANY_TO_MANY) {
		if (f == r->m2m->field_a) {
			if (!r->m2m->id_a || !r->m2m->id_b) {
				st_psl_rmodel *bad = !r->m2m->id_a
					? r->m2m->model_a : r->m2m->model_b;
				st_psl_rfield *bf = !r->m2m->id_a
					? r->m2m->field_b : r->m2m->field_a;

				psl__err(v, bf->span, "Error validating field `%s` "
					 "in model `%s`: The relation field `%s` on "
					 "model `%s` references `%s` which does not "
					 "have an `@id` field. Models without `@id` "
					 "cannot be part of a many to many "
					 "relation. Use an explicit intermediate "
					 "Model to represent this relationship.",
					 bf->name, bf->model->name, bf->name,
					 bf->model->name, bad->name);
			}
		}
		if (has_refs(f))
			psl__err(v, f->span, RELERR "Implicit many-to-many "
				 "relation should not have references argument "
				 "defined. Either remove it, or change the relation "
				 "to one-to-many.");
		if (has_fields(f))
			psl__err(v, f->span, RELERR "Implicit many-to-many "
				 "relation should not have fields argument "
				 "defined. Either remove it, or change the relation "
				 "to one-to-many.");
		if (r->on_delete || r->on_update)
			psl__err(v, f->span, "Error validating: Referential "
				 "actions on implicit many-to-many relations are not "
				 "supported");
		return;
	}
	if (r->kind == ST_PSL_REL_ONE_TO_MANY) {
		if (f->arity == ST_PSL_LIST) {
			if (has_fields(f) || has_refs(f))
				psl__err(v, f->span, RELERR "The relation field "
					 "`%s` on Model `%s` must not specify the "
					 "`fields` or `references` argument in the "
					 "@relation attribute. You must only specify "
					 "it on the opposite field `%s` on model "
					 "`%s`.", f->name, f->model->name,
					 back->name, back->model->name);
			if (r->on_delete || r->on_update)
				psl__err(v, f->span, RELERR "The relation field "
					 "`%s` on Model `%s` must not specify the "
					 "`onDelete` or `onUpdate` argument in the "
					 "@relation attribute. You must only specify "
					 "it on the opposite field `%s` on model "
					 "`%s`, or in case of a many to many "
					 "relation, in an explicit join table.",
					 f->name, f->model->name, back->name,
					 back->model->name);
			return;
		}
		check_fk_side(v, f);
		return;
	}
	/* one-to-one */
	{
		bool mine = has_fields(f) || has_refs(f);
		bool theirs = has_fields(back) ||
			      has_refs(back);

		if (mine && theirs) {
			/* Prisma names the pair in one order on both fields */
			bool fwd = strcmp(f->model->name, back->model->name) < 0 ||
				(f->model == back->model &&
				 strcmp(f->name, back->name) < 0);
			const st_psl_rfield *y = fwd ? f : back;
			const st_psl_rfield *x = fwd ? back : f;

			if (has_refs(f) && has_refs(back))
				psl__err(v, f->span, RELERR "The relation fields "
					 "`%s` on Model `%s` and `%s` on Model `%s` "
					 "both provide the `references` argument in "
					 "the @relation attribute. You have to "
					 "provide it only on one of the two fields.",
					 y->name, y->model->name, x->name,
					 x->model->name);
			if (has_fields(f) && has_fields(back))
				psl__err(v, f->span, RELERR "The relation fields "
					 "`%s` on Model `%s` and `%s` on Model `%s` "
					 "both provide the `fields` argument in the "
					 "@relation attribute. You have to provide it "
					 "only on one of the two fields.", y->name,
					 y->model->name, x->name, x->model->name);
			return;
		}
		if (!mine && !theirs) {
			psl__err(v, f->span, RELERR "The relation fields `%s` on "
				 "Model `%s` and `%s` on Model `%s` do not provide "
				 "the `fields` argument in the @relation attribute. "
				 "You have to provide it on one of the two fields.",
				 f->name, f->model->name, back->name,
				 back->model->name);
			psl__err(v, f->span, RELERR "The relation fields `%s` on "
				 "Model `%s` and `%s` on Model `%s` do not provide "
				 "the `references` argument in the @relation "
				 "attribute. You have to provide it on one of the "
				 "two fields.", f->name, f->model->name, back->name,
				 back->model->name);
			return;
		}
		if (mine) {
			check_fk_side(v, f);
			return;
		}
		/* back side of a 1:1: must be optional */
		if (f->arity == ST_PSL_REQUIRED)
			psl__err(v, f->span, RELERR "The relation field `%s` on "
				 "Model `%s` is required. This is not valid because "
				 "it's not possible to enforce this constraint on "
				 "the database level. Please change the field type "
				 "from `%s` to `%s?` to fix this.", f->name,
				 f->model->name, back->model->name,
				 back->model->name);
		if (r->on_delete || r->on_update)
			psl__err(v, f->span, RELERR "The relation field `%s` on "
				 "Model `%s` must not specify the `onDelete` or "
				 "`onUpdate` argument in the @relation attribute. "
				 "You must only specify it on the opposite field "
				 "`%s` on model `%s`.", f->name, f->model->name,
				 back->name, back->model->name);
	}
}

/* The relation checks' parts: the whole v (read through a copy taken
 * before the run), and the work that goes with them. */
typedef struct checks {
	const psl__v *all;
	psl__part_fn *also;
	void *arg;
} checks;

/* Phase 5 checks of the relation fields of models[from, to), then the
 * work that goes with them for the same models. */
static void
check_fields(psl__v *v, size_t from, size_t to, void *arg)
{
	const checks *ck = arg;
	const psl__v *all = ck->all;

	for (size_t i = all->rel_first[from]; i < all->rel_first[to]; i++) {
		st_psl_rfield *f = all->relfields.items[i];

		if (f->rel->related->ignored && !f->ignored && !f->model->ignored)
			psl__err(v, f->span, "Error parsing attribute \"@ignore\": "
				 "The relation field `%s` on Model `%s` must "
				 "specify the `@ignore` attribute, because the "
				 "model %s it is pointing to is marked ignored.",
				 f->name, f->model->name, f->rel->related->name);
		if (!f->rel->back) {
			psl__err(v, f->span, "Error validating field `%s` in model "
				 "`%s`: The relation field `%s` on model `%s` is "
				 "missing an opposite relation field on the model "
				 "`%s`. Either run `prisma format` or add it "
				 "manually.", f->name, f->model->name, f->name,
				 f->model->name, f->rel->related->name);
			continue;
		}
		check_pair(v, f);
	}
	if (ck->also)
		ck->also(v, from, to, ck->arg);
}

void
psl__relations_check(psl__v *v, psl__part_fn *also, void *arg)
{
	psl__v all;
	checks ck;

	for (size_t i = 0; i < v->relfields.len; i++)
		/* the field's group: its model's fields with the same related
		 * model and name, as paired; only a group of two or more can
		 * be ambiguous (known without reading the field) */
		if (v->relgroup_len[v->relgroup[i]] > 1 &&
		    ambiguity(v, v->relfields.items[i], i)) {
			if (also)
				psl__par_models(v, also, arg, 0);
			return;
		}
	/* the checks read the paired model and report only: in parts,
	 * each reading relfields through a copy of v taken before */
	all = *v;
	ck.all = &all;
	ck.also = also;
	ck.arg = arg;
	psl__par_models(v, check_fields, &ck, 0);
}
