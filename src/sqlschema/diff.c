/*
 * diff.c - the differ: two SQL schema models -> migration steps, the way
 * Prisma's sql_schema_differ does it for PostgreSQL (pairing tables and
 * enums by name, columns by name, indexes and foreign keys by shape),
 * then sorted by step kind and by the position of the objects involved.
 * Column comparisons (types, defaults) live in diff_column.c.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sqlschema/diff_internal.h"
#include "sqlschema/sqlparse.h"

/* ==== pairing ==== */

typedef struct table_pair {
	st_table *prev, *next;
	st_vec cols;   /* col_pair *, sorted by column name */
	struct col_pair **by_prev_pos;  /* prev column position -> its pair */
} table_pair;

typedef struct col_pair {
	st_column *prev, *next;
	int changes;
	st_type_change type_change;
} col_pair;

typedef struct differ {
	st_ctx *cx;
	const st_schema *from, *to;
	st_vec pairs;        /* table_pair *: previous order, then new tables */
	table_pair **by_prev_id;  /* from's table id -> its pair, or NULL */
	st_vec steps;
	st_step *pool;       /* unused steps of the last chunk (push_step) */
	size_t pool_left;
	size_t ndrop_index;  /* DropIndex steps (apply_partial_order) */
} differ;

static int
cmp_col_name(const void *a, const void *b)
{
	const st_column *x = *(st_column *const *)a, *y = *(st_column *const *)b;

	return strcmp(x->name, y->name);
}

static st_step *
push_step(differ *d, st_step_kind kind)
{
	st_step *s;

	/* a diff from nothing has several steps per table: in chunks */
	if (!d->pool_left) {
		d->pool_left = 256;
		d->pool = st_alloc_array(d->cx->arena, d->pool_left, sizeof(*s));
	}
	s = d->pool++;
	d->pool_left--;
	s->kind = kind;
	if (kind == ST_STEP_DROP_INDEX)
		d->ndrop_index++;
	/* the lists of AlterEnum and AlterTable are set by their makers */
	st_vec_push(&d->steps, s);
	return s;
}

static bool
table_ignored(const st_table *t)
{
	return t->name[0] == '_' && !strcmp(t->name, "_prisma_migrations");
}

static void
pair_columns(differ *d, table_pair *tp)
{
	st_arena *a = d->cx->arena;
	size_t np = tp->prev->columns.len, nn = tp->next->columns.len;
	st_column **pv = st_alloc_array(a, np ? np : 1, sizeof(*pv));
	st_column **nv = st_alloc_array(a, nn ? nn : 1, sizeof(*nv));
	size_t i = 0, j = 0;

	tp->by_prev_pos = st_alloc_array(a, np ? np : 1, sizeof(*tp->by_prev_pos));
	memcpy(pv, tp->prev->columns.items, np * sizeof(*pv));
	memcpy(nv, tp->next->columns.items, nn * sizeof(*nv));
	qsort(pv, np, sizeof(*pv), cmp_col_name);
	qsort(nv, nn, sizeof(*nv), cmp_col_name);
	st_vec_init(&tp->cols, a);
	while (i < np || j < nn) {
		col_pair *cp = st_alloc(a, sizeof(*cp));
		int c = i >= np ? 1 : j >= nn ? -1 : strcmp(pv[i]->name, nv[j]->name);

		if (c < 0) {
			cp->prev = pv[i++];
		} else if (c > 0) {
			cp->next = nv[j++];
		} else {
			cp->prev = pv[i++];
			cp->next = nv[j++];
			cp->changes = st__column_changes(cp->prev, cp->next,
							 &cp->type_change);
			tp->by_prev_pos[cp->prev->pos] = cp;
		}
		st_vec_push(&tp->cols, cp);
	}
}

/* The pair of a column of the old side that is in both, or NULL. */
static col_pair *
find_col_pair(const differ *d, const st_column *prev)
{
	const st_table *t = prev->table;
	const table_pair *tp;

	if (t->id < 0 || (size_t)t->id >= d->from->tables.len)
		return NULL;
	tp = d->by_prev_id[t->id];
	if (!tp || tp->prev != t || !tp->by_prev_pos ||
	    (size_t)prev->pos >= t->columns.len)
		return NULL;
	return tp->by_prev_pos[prev->pos];
}

static void
pair_tables(differ *d)
{
	st_arena *a = d->cx->arena;
	/* d->to's tables already paired, by id (= position once finished) */
	bool *seen = st_alloc(a, d->to->tables.len + 1);

	d->by_prev_id = st_alloc_array(a, d->from->tables.len + 1,
				       sizeof(*d->by_prev_id));
	for (size_t i = 0; i < d->from->tables.len; i++) {
		st_table *t = d->from->tables.items[i];
		table_pair *tp;

		if (table_ignored(t))
			continue;
		tp = st_alloc(a, sizeof(*tp));
		tp->prev = t;
		d->by_prev_id[i] = tp;
		tp->next = st_schema_table(d->to, t->ns, t->name);
		if (tp->next && table_ignored(tp->next))
			tp->next = NULL;
		if (tp->next) {
			assert(d->to->tables.items[tp->next->id] == tp->next);
			seen[tp->next->id] = true;
		}
		st_vec_push(&d->pairs, tp);
	}
	for (size_t i = 0; i < d->to->tables.len; i++) {
		st_table *t = d->to->tables.items[i];
		table_pair *tp;

		if (table_ignored(t) || seen[i])
			continue;
		tp = st_alloc(a, sizeof(*tp));
		tp->next = t;
		st_vec_push(&d->pairs, tp);
	}
	for (size_t i = 0; i < d->pairs.len; i++) {
		table_pair *tp = d->pairs.items[i];

		if (tp->prev && tp->next)
			pair_columns(d, tp);
	}
}

/* ==== indexes and foreign keys ==== */

static bool
opclasses_match(const st_index_col *a, const st_index_col *b)
{
	if (a->opclass && b->opclass)
		return !strcmp(a->opclass, b->opclass);
	if (!a->opclass && !b->opclass)
		return true;
	if (!a->opclass)
		return b->opclass_is_default;
	return a->opclass_is_default;
}

static bool
indexes_match(const st_index *a, const st_index *b)
{
	if (a->cols.len != b->cols.len || a->kind != b->kind ||
	    a->algo != b->algo)
		return false;
	for (size_t i = 0; i < a->cols.len; i++) {
		const st_index_col *x = a->cols.items[i], *y = b->cols.items[i];
		st_sort sx = x->sort == ST_SORT_NONE ? ST_SORT_ASC : x->sort;
		st_sort sy = y->sort == ST_SORT_NONE ? ST_SORT_ASC : y->sort;

		if (strcmp(x->column->name, y->column->name) || sx != sy ||
		    x->length != y->length || !opclasses_match(x, y))
			return false;
	}
	if ((a->predicate == NULL) != (b->predicate == NULL))
		return false;
	if (a->predicate && !st_sqlparse_same_predicate(a->predicate, b->predicate))
		return false;
	return true;
}

static bool
same_columns_and_type(const st_index *a, const st_index *b)
{
	if (a->cols.len != b->cols.len || a->kind != b->kind)
		return false;
	for (size_t i = 0; i < a->cols.len; i++) {
		const st_index_col *x = a->cols.items[i], *y = b->cols.items[i];

		if (strcmp(x->column->name, y->column->name))
			return false;
	}
	return true;
}

static bool
fks_match(const differ *d, const st_fk *p, const st_fk *n)
{
	if (strcmp(p->ref_table->name, n->ref_table->name) ||
	    p->ref_cols.len != n->ref_cols.len || p->cols.len != n->cols.len)
		return false;
	for (size_t i = 0; i < p->cols.len; i++) {
		const st_column *pc = p->cols.items[i], *nc = n->cols.items[i];
		col_pair *cp;

		if (strcmp(pc->name, nc->name))
			return false;
		cp = find_col_pair(d, pc);
		if (cp && cp->next == nc && (cp->changes & ST_COLCHG_TYPE))
			return false;
	}
	for (size_t i = 0; i < p->ref_cols.len; i++) {
		const st_column *pc = p->ref_cols.items[i], *nc = n->ref_cols.items[i];

		if (strcmp(pc->name, nc->name))
			return false;
	}
	return p->on_delete == n->on_delete && p->on_update == n->on_update;
}

static bool
is_implicit_m2m_fk(const st_fk *fk)
{
	const st_table *t = fk->table;

	return t->columns.len == 2 && st_table_column(t, "A") &&
	       st_table_column(t, "B");
}

static bool
pk_changed(const differ *d, const table_pair *tp)
{
	const st_index *p = tp->prev->pk, *n = tp->next->pk;

	if (!p || !n)
		return false;
	if (p->cols.len != n->cols.len)
		return true;
	for (size_t i = 0; i < p->cols.len; i++) {
		const st_index_col *x = p->cols.items[i], *y = n->cols.items[i];
		st_sort sx = x->sort == ST_SORT_NONE ? ST_SORT_ASC : x->sort;
		st_sort sy = y->sort == ST_SORT_NONE ? ST_SORT_ASC : y->sort;

		if (strcmp(x->column->name, y->column->name) || sx != sy ||
		    x->length != y->length)
			return true;
	}
	for (size_t i = 0; i < tp->cols.len; i++) {
		const col_pair *cp = tp->cols.items[i];

		if (!cp->prev || !cp->next || !(cp->changes & ST_COLCHG_TYPE))
			continue;
		for (size_t k = 0; k < p->cols.len; k++) {
			const st_index_col *x = p->cols.items[k];

			if (!strcmp(x->column->name, cp->prev->name))
				return true;
		}
	}
	return false;
}

static st_table_change *
tchange(differ *d, st_table_change_kind kind, st_column *prev,
	st_column *next)
{
	st_table_change *c = st_alloc(d->cx->arena, sizeof(*c));

	c->kind = kind;
	c->prev = prev;
	c->next = next;
	return c;
}

static int
cmp_alter_change(const void *a, const void *b)
{
	const st_table_change *x = *(st_table_change *const *)a;
	const st_table_change *y = *(st_table_change *const *)b;

	if (x->prev->pos != y->prev->pos)
		return x->prev->pos < y->prev->pos ? -1 : 1;
	if (x->next->pos != y->next->pos)
		return x->next->pos < y->next->pos ? -1 : 1;
	return 0;
}

static void
push_altered_table(differ *d, table_pair *tp)
{
	st_table *p = tp->prev, *n = tp->next;
	st_arena *a = d->cx->arena;
	st_vec changes = ST_VEC_INIT(a), alters = ST_VEC_INIT(a);
	bool changed_pk;

	/* foreign keys */
	for (size_t i = 0; i < n->fks.len; i++) {
		st_fk *nf = n->fks.items[i];
		bool found = false;

		for (size_t j = 0; j < p->fks.len && !found; j++)
			found = fks_match(d, p->fks.items[j], nf);
		if (!found)
			push_step(d, ST_STEP_ADD_FOREIGN_KEY)->fk_next = nf;
	}
	for (size_t i = 0; i < p->fks.len; i++) {
		st_fk *pf = p->fks.items[i];
		bool found = false;

		for (size_t j = 0; j < n->fks.len && !found; j++)
			found = fks_match(d, pf, n->fks.items[j]);
		if (!found)
			push_step(d, ST_STEP_DROP_FOREIGN_KEY)->fk_prev = pf;
	}
	{
		bool *used = st_alloc_array(a, n->fks.len + 1, sizeof(bool));

		for (size_t i = 0; i < p->fks.len; i++) {
			st_fk *pf = p->fks.items[i];

			for (size_t j = 0; j < n->fks.len; j++) {
				st_fk *nf = n->fks.items[j];

				if (used[j] || !fks_match(d, pf, nf))
					continue;
				used[j] = true;
				if (pf->name && nf->name && strcmp(pf->name, nf->name) &&
				    !(is_implicit_m2m_fk(pf) && is_implicit_m2m_fk(nf))) {
					st_step *s = push_step(d, ST_STEP_RENAME_FOREIGN_KEY);

					s->fk_prev = pf;
					s->fk_next = nf;
				}
				break;
			}
		}
	}

	/* index renames (only for indexes with a unique shape) */
	for (size_t i = 0; i < p->indexes.len; i++) {
		st_index *pi = p->indexes.items[i];
		size_t same = 0;

		for (size_t j = 0; j < p->indexes.len; j++)
			if (same_columns_and_type(pi, p->indexes.items[j]))
				same++;
		if (same != 1)
			continue;
		for (size_t j = 0; j < n->indexes.len; j++) {
			st_index *ni = n->indexes.items[j];

			if (!indexes_match(pi, ni))
				continue;
			if (strcmp(pi->name, ni->name)) {
				st_step *s = push_step(d, ST_STEP_RENAME_INDEX);

				s->index_prev = pi;
				s->index_next = ni;
			}
			break;
		}
	}

	/* the ALTER TABLE clauses, in Prisma's order */
	changed_pk = pk_changed(d, tp);
	if ((p->pk && !n->pk) || changed_pk)
		st_vec_push(&changes, tchange(d, ST_TCHG_DROP_PRIMARY_KEY, NULL, NULL));
	if (p->pk && n->pk && strcmp(p->pk->name, n->pk->name))
		st_vec_push(&changes, tchange(d, ST_TCHG_RENAME_PRIMARY_KEY, NULL, NULL));
	for (size_t i = 0; i < tp->cols.len; i++) {
		col_pair *cp = tp->cols.items[i];

		if (cp->prev && !cp->next)
			st_vec_push(&changes, tchange(d, ST_TCHG_DROP_COLUMN, cp->prev, NULL));
	}
	for (size_t i = 0; i < tp->cols.len; i++) {
		col_pair *cp = tp->cols.items[i];

		if (!cp->prev && cp->next)
			st_vec_push(&changes, tchange(d, ST_TCHG_ADD_COLUMN, NULL, cp->next));
	}
	for (size_t i = 0; i < tp->cols.len; i++) {
		col_pair *cp = tp->cols.items[i];
		st_table_change *c;

		if (!cp->prev || !cp->next || !cp->changes)
			continue;
		c = tchange(d, cp->type_change == ST_TYPECHG_NOT_CASTABLE ?
			    ST_TCHG_DROP_AND_RECREATE_COLUMN : ST_TCHG_ALTER_COLUMN,
			    cp->prev, cp->next);
		c->changes = cp->changes;
		c->type_change = cp->type_change;
		st_vec_push(&alters, c);
	}
	st_vec_sort(&alters, cmp_alter_change);
	for (size_t i = 0; i < alters.len; i++)
		st_vec_push(&changes, alters.items[i]);
	if ((!p->pk && n->pk) || changed_pk)
		st_vec_push(&changes, tchange(d, ST_TCHG_ADD_PRIMARY_KEY, NULL, NULL));

	if (changes.len) {
		st_step *s = push_step(d, ST_STEP_ALTER_TABLE);

		s->table_prev = p;
		s->table_next = n;
		s->changes = changes;
	}
}

static void
push_table_steps(differ *d)
{
	for (size_t i = 0; i < d->pairs.len; i++) {
		table_pair *tp = d->pairs.items[i];

		if (!tp->prev) {
			st_step *s = push_step(d, ST_STEP_CREATE_TABLE);

			s->table_next = tp->next;
			for (size_t j = 0; j < tp->next->fks.len; j++)
				push_step(d, ST_STEP_ADD_FOREIGN_KEY)->fk_next =
					tp->next->fks.items[j];
			for (size_t j = 0; j < tp->next->indexes.len; j++) {
				st_step *ci = push_step(d, ST_STEP_CREATE_INDEX);

				ci->table_next = tp->next;
				ci->index_next = tp->next->indexes.items[j];
			}
		} else if (!tp->next) {
			push_step(d, ST_STEP_DROP_TABLE)->table_prev = tp->prev;
			for (size_t j = 0; j < tp->prev->fks.len; j++)
				push_step(d, ST_STEP_DROP_FOREIGN_KEY)->fk_prev =
					tp->prev->fks.items[j];
		}
	}
	/* dropped indexes */
	for (size_t i = 0; i < d->pairs.len; i++) {
		table_pair *tp = d->pairs.items[i];

		if (!tp->prev || !tp->next)
			continue;
		for (size_t j = 0; j < tp->prev->indexes.len; j++) {
			st_index *pi = tp->prev->indexes.items[j];
			bool found = false;

			for (size_t k = 0; k < tp->next->indexes.len && !found; k++)
				found = indexes_match(pi, tp->next->indexes.items[k]);
			if (!found)
				push_step(d, ST_STEP_DROP_INDEX)->index_prev = pi;
		}
	}
	/* created indexes, and indexes re-created after a column re-creation */
	for (size_t i = 0; i < d->pairs.len; i++) {
		table_pair *tp = d->pairs.items[i];

		if (!tp->prev || !tp->next)
			continue;
		for (size_t j = 0; j < tp->next->indexes.len; j++) {
			st_index *ni = tp->next->indexes.items[j];
			bool found = false;

			for (size_t k = 0; k < tp->prev->indexes.len && !found; k++)
				found = indexes_match(tp->prev->indexes.items[k], ni);
			if (!found) {
				st_step *s = push_step(d, ST_STEP_CREATE_INDEX);

				s->table_prev = tp->prev;
				s->table_next = tp->next;
				s->index_next = ni;
			}
		}
		for (size_t j = 0; j < tp->prev->indexes.len; j++) {
			st_index *pi = tp->prev->indexes.items[j];
			st_index *ni = NULL;
			bool recreated = false;

			/* index_pairs(): singular shape only */
			size_t same = 0;

			for (size_t k = 0; k < tp->prev->indexes.len; k++)
				if (same_columns_and_type(pi, tp->prev->indexes.items[k]))
					same++;
			if (same != 1)
				continue;
			for (size_t k = 0; k < tp->next->indexes.len && !ni; k++)
				if (indexes_match(pi, tp->next->indexes.items[k]))
					ni = tp->next->indexes.items[k];
			if (!ni)
				continue;
			for (size_t k = 0; k < ni->cols.len && !recreated; k++) {
				st_column *nc = ((st_index_col *)ni->cols.items[k])->column;

				for (size_t m = 0; m < tp->cols.len; m++) {
					col_pair *cp = tp->cols.items[m];

					if (cp->next == nc && cp->prev &&
					    cp->type_change == ST_TYPECHG_NOT_CASTABLE)
						recreated = true;
				}
			}
			if (recreated) {
				st_step *s = push_step(d, ST_STEP_CREATE_INDEX);

				s->table_prev = tp->prev;
				s->table_next = tp->next;
				s->index_next = ni;
				s->from_drop_and_recreate = true;
			}
		}
	}
	for (size_t i = 0; i < d->pairs.len; i++) {
		table_pair *tp = d->pairs.items[i];

		if (tp->prev && tp->next)
			push_altered_table(d, tp);
	}
}

/* ==== enums, namespaces, extensions ==== */

static bool
has_value(const st_enum *e, const char *v)
{
	for (size_t i = 0; i < e->values.len; i++)
		if (!strcmp(e->values.items[i], v))
			return true;
	return false;
}

static bool
column_uses_enum(const st_column *c, const st_enum *e)
{
	return c->type.family == ST_FAM_ENUM && !strcmp(c->type.enum_name, e->name);
}

static void
push_enum_steps(differ *d)
{
	st_arena *a = d->cx->arena;

	for (size_t i = 0; i < d->from->enums.len; i++) {
		st_enum *pe = d->from->enums.items[i];
		st_enum *ne = st_schema_enum(d->to, pe->ns, pe->name);
		st_step *s;
		st_vec created = ST_VEC_INIT(a), dropped = ST_VEC_INIT(a);

		if (!ne) {
			push_step(d, ST_STEP_DROP_ENUM)->enum_prev = pe;
			continue;
		}
		for (size_t j = 0; j < ne->values.len; j++)
			if (!has_value(pe, ne->values.items[j]))
				st_vec_push(&created, ne->values.items[j]);
		for (size_t j = 0; j < pe->values.len; j++)
			if (!has_value(ne, pe->values.items[j]))
				st_vec_push(&dropped, pe->values.items[j]);
		if (!created.len && !dropped.len)
			continue;
		s = push_step(d, ST_STEP_ALTER_ENUM);
		s->enum_prev = pe;
		s->enum_next = ne;
		s->alter_enum = st_alloc(a, sizeof(*s->alter_enum));
		s->alter_enum->created_values = created;
		s->alter_enum->dropped_values = dropped;
		st_vec_init(&s->alter_enum->default_usages, a);
		/* previous usages as default: dropped tables, dropped columns, pairs */
		for (size_t t = 0; t < d->pairs.len; t++) {
			table_pair *tp = d->pairs.items[t];

			if (!tp->prev || tp->next)
				continue;
			for (size_t c = 0; c < tp->prev->columns.len; c++) {
				st_column *col = tp->prev->columns.items[c];

				if (column_uses_enum(col, pe) && col->def.kind != ST_DEF_NONE) {
					st_enum_usage *u = st_alloc(a, sizeof(*u));

					u->prev = col;
					st_vec_push(&s->alter_enum->default_usages, u);
				}
			}
		}
		for (size_t t = 0; t < d->pairs.len; t++) {
			table_pair *tp = d->pairs.items[t];

			if (!tp->prev || !tp->next)
				continue;
			for (size_t c = 0; c < tp->cols.len; c++) {
				col_pair *cp = tp->cols.items[c];

				if (cp->prev && !cp->next && column_uses_enum(cp->prev, pe) &&
				    cp->prev->def.kind != ST_DEF_NONE) {
					st_enum_usage *u = st_alloc(a, sizeof(*u));

					u->prev = cp->prev;
					st_vec_push(&s->alter_enum->default_usages, u);
				}
			}
			for (size_t c = 0; c < tp->cols.len; c++) {
				col_pair *cp = tp->cols.items[c];
				st_enum_usage *u;

				if (!cp->prev || !cp->next || !column_uses_enum(cp->prev, pe) ||
				    cp->prev->def.kind == ST_DEF_NONE)
					continue;
				u = st_alloc(a, sizeof(*u));
				u->prev = cp->prev;
				if (column_uses_enum(cp->next, ne) &&
				    cp->next->def.kind != ST_DEF_NONE)
					u->next = cp->next;
				st_vec_push(&s->alter_enum->default_usages, u);
			}
		}
	}
	for (size_t i = 0; i < d->to->enums.len; i++) {
		st_enum *ne = d->to->enums.items[i];

		if (!st_schema_enum(d->from, ne->ns, ne->name))
			push_step(d, ST_STEP_CREATE_ENUM)->enum_next = ne;
	}
}

static void
push_namespace_steps(differ *d)
{
	for (size_t i = 0; i < d->to->namespaces.len; i++) {
		st_namespace *ns = d->to->namespaces.items[i];
		bool exists = false, used = false;

		for (size_t j = 0; j < d->from->namespaces.len && !exists; j++)
			exists = !strcmp(((st_namespace *)d->from->namespaces.items[j])->name,
					 ns->name);
		if (exists)
			continue;
		for (size_t j = 0; j < d->to->tables.len && !used; j++)
			used = !strcmp(((st_table *)d->to->tables.items[j])->ns, ns->name);
		for (size_t j = 0; j < d->to->enums.len && !used; j++) {
			st_enum *e = d->to->enums.items[j];

			used = !strcmp(e->ns, ns->name) &&
			       !st_schema_enum(d->from, e->ns, e->name);
		}
		if (used)
			push_step(d, ST_STEP_CREATE_SCHEMA)->ns = ns;
	}
}

static void
push_extension_steps(differ *d)
{
	for (size_t i = 0; i < d->to->extensions.len; i++) {
		st_extension *nx = d->to->extensions.items[i];
		st_extension *px = NULL;

		for (size_t j = 0; j < d->from->extensions.len && !px; j++) {
			st_extension *x = d->from->extensions.items[j];

			if (!strcmp(x->name, nx->name))
				px = x;
		}
		if (!px) {
			push_step(d, ST_STEP_CREATE_EXTENSION)->ext_next = nx;
			continue;
		}
		bool versions = !strcmp(px->version, nx->version) || !*px->version ||
				!*nx->version;
		bool schemas = !strcmp(px->schema, nx->schema) || !*px->schema ||
			       !*nx->schema;

		if (versions && schemas)
			continue;
		if (!px->relocatable && !nx->relocatable) {
			push_step(d, ST_STEP_DROP_EXTENSION)->ext_prev = px;
			push_step(d, ST_STEP_CREATE_EXTENSION)->ext_next = nx;
		} else {
			st_step *s = push_step(d, ST_STEP_ALTER_EXTENSION);

			s->ext_prev = px;
			s->ext_next = nx;
			s->ext_alter_version = !versions;
			s->ext_alter_schema = !schemas;
		}
	}
}

/* ==== sorting ==== */

static int
icmp(long a, long b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * Steps are sorted by kind, then by the positions of the objects they
 * involve (Prisma's derived Ord on SqlMigrationStep).  Those positions
 * are read once per step into a key: the objects are spread over the
 * two schemas, and reading them at every comparison cost more than the
 * rest of the sort.
 */
typedef struct step_key {
	st_step *s;
	size_t pos;    /* position before sorting: ties keep it (stable) */
	int k[5];      /* the kind's keys, most significant first */
} step_key;

static void
step_key_init(step_key *sk, st_step *s, size_t pos)
{
	int *k = sk->k;

	sk->s = s;
	sk->pos = pos;
	switch (s->kind) {
	case ST_STEP_CREATE_SCHEMA:
		k[0] = s->ns->id;
		break;
	case ST_STEP_DROP_EXTENSION:
	case ST_STEP_CREATE_EXTENSION:
	case ST_STEP_ALTER_EXTENSION:
		break;   /* by name, in cmp_keys */
	case ST_STEP_CREATE_ENUM:
		k[0] = s->enum_next->id;
		break;
	case ST_STEP_ALTER_ENUM:
		k[0] = s->enum_prev->id;
		k[1] = s->enum_next->id;
		break;
	case ST_STEP_DROP_FOREIGN_KEY:
		k[0] = s->fk_prev->id;
		break;
	case ST_STEP_DROP_INDEX:
		k[0] = s->index_prev->id;
		break;
	case ST_STEP_ALTER_TABLE:
		k[0] = s->table_prev->id;
		k[1] = s->table_next->id;
		break;
	case ST_STEP_DROP_TABLE:
		k[0] = s->table_prev->id;
		break;
	case ST_STEP_DROP_ENUM:
		k[0] = s->enum_prev->id;
		break;
	case ST_STEP_CREATE_TABLE:
		k[0] = s->table_next->id;
		break;
	case ST_STEP_CREATE_INDEX:
		/* (Option<prev table>, next table), index, from_drop_and_recreate */
		k[0] = s->table_prev != NULL;
		k[1] = s->table_prev ? s->table_prev->id : 0;
		k[2] = s->table_next->id;
		k[3] = s->index_next->id;
		k[4] = s->from_drop_and_recreate;
		break;
	case ST_STEP_RENAME_FOREIGN_KEY:
		k[0] = s->fk_prev->id;
		k[1] = s->fk_next->id;
		break;
	case ST_STEP_ADD_FOREIGN_KEY:
		k[0] = s->fk_next->id;
		break;
	case ST_STEP_RENAME_INDEX:
		k[0] = s->index_prev->id;
		k[1] = s->index_next->id;
		break;
	}
}

/* Two keys of steps of the same kind. */
static int
cmp_keys(const void *pa, const void *pb)
{
	const step_key *a = pa, *b = pb;
	int c = 0;

	switch (a->s->kind) {
	case ST_STEP_DROP_EXTENSION:
	case ST_STEP_ALTER_EXTENSION:
		c = strcmp(a->s->ext_prev->name, b->s->ext_prev->name);
		break;
	case ST_STEP_CREATE_EXTENSION:
		c = strcmp(a->s->ext_next->name, b->s->ext_next->name);
		break;
	default:
		for (int i = 0; i < 5 && !c; i++)
			c = icmp(a->k[i], b->k[i]);
		break;
	}
	return c ? c : icmp((long)a->pos, (long)b->pos);
}

/*
 * Steps are first bucketed by kind (stably; kind is the first key), and
 * each bucket, usually pushed in order already, is sorted only when it
 * is not.
 */
static void
sort_steps(st_arena *a, st_vec *steps)
{
	enum { NKINDS = ST_STEP_RENAME_INDEX + 1 };
	size_t start[NKINDS + 1] = { 0 };
	step_key *keys;

	if (steps->len < 2)
		return;
	for (size_t i = 0; i < steps->len; i++) {
		const st_step *s = steps->items[i];

		assert((unsigned)s->kind < (unsigned)NKINDS);
		start[s->kind + 1]++;
	}
	for (int k = 0; k < NKINDS; k++)
		start[k + 1] += start[k];
	keys = st_alloc_array(a, steps->len, sizeof(*keys));
	{
		size_t pos[NKINDS];

		memcpy(pos, start, sizeof(pos));
		for (size_t i = 0; i < steps->len; i++) {
			st_step *s = steps->items[i];
			size_t at = pos[s->kind]++;

			step_key_init(&keys[at], s, at);
		}
	}
	for (int k = 0; k < NKINDS; k++) {
		size_t lo = start[k], hi = start[k + 1];

		for (size_t i = lo + 1; i < hi; i++) {
			if (cmp_keys(&keys[i - 1], &keys[i]) > 0) {
				qsort(keys + lo, hi - lo, sizeof(*keys), cmp_keys);
				break;
			}
		}
	}
	for (size_t i = 0; i < steps->len; i++)
		steps->items[i] = keys[i].s;
}

static bool
index_has_column(const st_index *ix, const st_column *c)
{
	for (size_t i = 0; i < ix->cols.len; i++)
		if (((st_index_col *)ix->cols.items[i])->column == c)
			return true;
	return false;
}

/*
 * A unique index dropped from a table without primary key must be dropped
 * after the ALTER TABLE that adds a primary key on the same columns
 * (Prisma's apply_partial_order_permutations).
 */
static void
apply_partial_order(differ *d)
{
	st_vec *v = &d->steps;

	for (size_t i = 0; i < v->len; i++) {
		st_step *s = v->items[i];
		st_index *ix;

		if (s->kind != ST_STEP_DROP_INDEX)
			continue;
		ix = s->index_prev;
		if (ix->kind != ST_INDEX_UNIQUE || ix->table->pk)
			continue;
		for (size_t j = i + 1; j < v->len; j++) {
			st_step *at = v->items[j];
			bool adds_pk = false, ok = true;
			const st_index *npk;

			if (at->kind != ST_STEP_ALTER_TABLE || at->table_prev != ix->table)
				continue;
			for (size_t k = 0; k < at->changes.len; k++) {
				st_table_change *c = at->changes.items[k];

				if (c->kind == ST_TCHG_ADD_PRIMARY_KEY)
					adds_pk = true;
				if ((c->kind == ST_TCHG_DROP_COLUMN ||
				     c->kind == ST_TCHG_DROP_AND_RECREATE_COLUMN) &&
				    index_has_column(ix, c->prev))
					ok = false;
			}
			npk = at->table_next->pk;
			if (!adds_pk || !ok || !npk || npk->cols.len != ix->cols.len)
				continue;
			for (size_t k = 0; k < npk->cols.len && ok; k++)
				ok = !strcmp(((st_index_col *)npk->cols.items[k])->column->name,
					     ((st_index_col *)ix->cols.items[k])->column->name);
			if (!ok)
				continue;
			st_vec_remove(v, i);
			st_vec_insert(v, j, s);
			i--;
			break;
		}
	}
}

/* ==== entry points ==== */

st_schema *
st_schema_empty(st_ctx *cx)
{
	st_schema *s = st_schema_new(cx);

	st_schema_finish(s);
	return s;
}

int
st_diff(st_ctx *cx, const st_schema *from, const st_schema *to,
	st_diff_result **out)
{
	differ d = { .cx = cx, .from = from, .to = to };
	st_diff_result *m;

	st_vec_init(&d.pairs, cx->arena);
	st_vec_init(&d.steps, cx->arena);

	push_extension_steps(&d);
	push_namespace_steps(&d);
	pair_tables(&d);
	push_table_steps(&d);
	push_enum_steps(&d);
	sort_steps(cx->arena, &d.steps);
	if (d.ndrop_index)
		apply_partial_order(&d);

	m = st_alloc(cx->arena, sizeof(*m));
	m->from = from;
	m->to = to;
	m->steps = d.steps;
	*out = m;
	return 0;
}

const char *
st_step_name(st_step_kind k)
{
	switch (k) {
	case ST_STEP_CREATE_SCHEMA: return "CreateSchema";
	case ST_STEP_DROP_EXTENSION: return "DropExtension";
	case ST_STEP_CREATE_EXTENSION: return "CreateExtension";
	case ST_STEP_ALTER_EXTENSION: return "AlterExtension";
	case ST_STEP_CREATE_ENUM: return "CreateEnum";
	case ST_STEP_ALTER_ENUM: return "AlterEnum";
	case ST_STEP_DROP_FOREIGN_KEY: return "DropForeignKey";
	case ST_STEP_DROP_INDEX: return "DropIndex";
	case ST_STEP_ALTER_TABLE: return "AlterTable";
	case ST_STEP_DROP_TABLE: return "DropTable";
	case ST_STEP_DROP_ENUM: return "DropEnum";
	case ST_STEP_CREATE_TABLE: return "CreateTable";
	case ST_STEP_CREATE_INDEX: return "CreateIndex";
	case ST_STEP_RENAME_FOREIGN_KEY: return "RenameForeignKey";
	case ST_STEP_ADD_FOREIGN_KEY: return "AddForeignKey";
	case ST_STEP_RENAME_INDEX: return "RenameIndex";
	}
	return "Unknown";
}
