/*
 * diff.c - the differ: two SQL schema models -> migration steps, the way
 * Prisma's sql_schema_differ does it for PostgreSQL (pairing tables and
 * enums by name, columns by name, indexes and foreign keys by shape),
 * then sorted by step kind and by the position of the objects involved.
 * Column comparisons (types, defaults) live in diff_column.c.
 *
 * A big diff (thousands of tables) is made in parts on threads
 * (util/par.h), each a range of table pairs: their columns paired, their
 * steps, and the columns whose enum an AlterEnum step rewrites.  Steps
 * are not pushed into one list to be sorted afterwards: every stretch
 * of the push order (a segment: the extension and namespace steps, one
 * pass of one part over its pairs, the enum steps) keeps one list per
 * step kind, and st_diff joins them kind by kind, segment by segment in
 * push order.  That is exactly the order the sort by kind (stable)
 * gave, so a kind whose lists are each in key order (checked as they
 * are made), and in order where they meet, is done; only a kind found
 * out of order is sorted (by its keys, ties in push order), as Prisma's
 * sort would.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sqlschema/diff_internal.h"
#include "sqlschema/sqlparse.h"
#include "util/par.h"

/* ==== step keys ==== */

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
	memset(k, 0, sizeof(sk->k));
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

/* ==== pairing ==== */

enum {
	NKINDS = ST_STEP_RENAME_INDEX + 1,
	/*
	 * The passes over the table pairs, in Prisma's order: created and
	 * dropped tables, dropped indexes, created (and re-created)
	 * indexes, altered tables.  A part makes all four in one loop over
	 * its pairs, each pass into a segment of its own.
	 */
	PASS_TABLES = 0,
	PASS_DROP_INDEX,
	PASS_CREATE_INDEX,
	PASS_ALTER,
	NPASSES,
	/* pairs per part: a section on threads costs some tens of
	 * microseconds, and a new table some tenths of one */
	PAIRS_PER_PART = 500,
	/* tables looked up by name per part (pair_tables) */
	LOOKUPS_PER_PART = 1000,
	/*
	 * What a part takes per pair of a diff from nothing (its steps and
	 * their lists; a little more with both sides), reserved as one
	 * block: a big one comes from the arenas' huge-page heap, where the
	 * run of small blocks it would grow through otherwise costs a page
	 * fault per 4 KB (a 5000-table diff: 700 faults more than on one
	 * thread, which took all its memory from the command's big block).
	 */
	PART_BYTES_PER_PAIR = 640,
};

typedef struct col_pair {
	st_column *prev, *next;
	int changes;
	st_type_change type_change;
} col_pair;

typedef struct table_pair {
	st_table *prev, *next;
	col_pair *cols;          /* ncols, sorted by column name */
	size_t ncols;
	col_pair **by_prev_pos;  /* prev column position -> its pair */
} table_pair;

/* What both sides share, read only once the pairs are made. */
typedef struct differ {
	const st_schema *from, *to;
	table_pair *pairs;       /* previous order, then new tables */
	size_t npairs;
	table_pair **by_prev_id; /* from's table id -> its pair, or NULL */
	st_vec alters;           /* st_step *: the AlterEnum steps */
} differ;

/*
 * The steps of one kind made by one stretch of the push order, and
 * whether they are in key order (the sort would then leave them as they
 * are: ties keep the push order).  That is checked as they are made,
 * while what a step points to is still in the cache: a step's key when
 * the next one is pushed (its maker has set it by then), the last one's
 * by segment_check_order.
 */
typedef struct step_list {
	st_step **items;
	size_t len, cap;
	step_key last;           /* of items[len - 2], while pushing */
	bool unordered;
} step_list;

typedef struct segment {
	step_list kinds[NKINDS];
} segment;

/*
 * A maker of steps: one per part of the table pairs [lo, hi), and one
 * each for the steps made before (extensions, namespaces) and after
 * (enums) them, which use seg[0] only.  Everything it makes is in a:
 * on a thread of its own, an arena of its own.
 */
typedef struct part {
	const differ *d;
	st_arena *a;
	size_t lo, hi;
	st_step *pool;           /* unused steps of the last chunk */
	size_t pool_left, chunk;
	segment seg[NPASSES];
	/* st_enum_usage *: the default usages of d->alters[e] in the
	 * part's dropped tables (usages[e]), then in its paired ones
	 * (usages[nalters + e]) */
	st_vec *usages;
} part;

static int
cmp_col_name(const void *a, const void *b)
{
	const st_column *x = *(st_column *const *)a, *y = *(st_column *const *)b;

	return strcmp(x->name, y->name);
}

/* The key of l's last step, which its maker has set by now, against
 * the one before. */
static void
list_check_last(step_list *l)
{
	step_key k;

	step_key_init(&k, l->items[l->len - 1], l->len - 1);
	if (l->len > 1 && cmp_keys(&l->last, &k) > 0)
		l->unordered = true;
	l->last = k;
}

/* A new step of kind, to sg; its maker sets it before pushing another. */
static st_step *
push_step(part *p, segment *sg, st_step_kind kind)
{
	step_list *l = &sg->kinds[kind];
	st_step *s;

	/* a diff from nothing has several steps per table: in chunks,
	 * small ones first for the many small diffs */
	if (!p->pool_left) {
		p->chunk = p->chunk ? p->chunk * 2 : 16;
		if (p->chunk > 256)
			p->chunk = 256;
		p->pool_left = p->chunk;
		p->pool = st_alloc_array(p->a, p->pool_left, sizeof(*s));
	}
	s = p->pool++;
	p->pool_left--;
	s->kind = kind;
	/* the lists of AlterEnum and AlterTable are set by their makers */
	if (l->len)
		list_check_last(l);
	if (l->len == l->cap) {
		st_step **items;

		l->cap = l->cap ? l->cap * 2 : 16;
		items = st_alloc_array(p->a, l->cap, sizeof(*items));
		if (l->len)
			memcpy(items, l->items, l->len * sizeof(*items));
		l->items = items;
	}
	l->items[l->len++] = s;
	return s;
}

static bool
table_ignored(const st_table *t)
{
	return t->name[0] == '_' && !strcmp(t->name, "_prisma_migrations");
}

static void
pair_columns(part *p, table_pair *tp)
{
	st_arena *a = p->a;
	size_t np = tp->prev->columns.len, nn = tp->next->columns.len;
	st_column **pv = st_alloc_array(a, np + nn + 1, sizeof(*pv));
	st_column **nv = pv + np;
	size_t i = 0, j = 0;

	tp->cols = st_alloc_array(a, np + nn + 1, sizeof(*tp->cols));
	tp->by_prev_pos = st_alloc_array(a, np ? np : 1, sizeof(*tp->by_prev_pos));
	memcpy(pv, tp->prev->columns.items, np * sizeof(*pv));
	memcpy(nv, tp->next->columns.items, nn * sizeof(*nv));
	qsort(pv, np, sizeof(*pv), cmp_col_name);
	qsort(nv, nn, sizeof(*nv), cmp_col_name);
	while (i < np || j < nn) {
		col_pair *cp = &tp->cols[tp->ncols++];
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
	}
}

/*
 * The pair of a column of the old side that is in both, or NULL.  Only
 * asked of the columns of the pair being diffed (a foreign key's own
 * columns), so a part reads only pairs it has made.
 */
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

/* A range of the old side's tables looked up on the new side. */
typedef struct match_part {
	const differ *d;
	size_t lo, hi;
	st_table **match;        /* from's table i -> its pair, or NULL */
	bool *ignored;           /* from's table i is not diffed */
} match_part;

static void
match_tables(void *arg)
{
	match_part *mp = arg;
	const st_schema *from = mp->d->from, *to = mp->d->to;

	for (size_t i = mp->lo; i < mp->hi; i++) {
		st_table *t = from->tables.items[i], *n = NULL;

		mp->ignored[i] = table_ignored(t);
		if (!mp->ignored[i]) {
			n = st_schema_table(to, t->ns, t->name);
			if (n && table_ignored(n))
				n = NULL;
		}
		mp->match[i] = n;
	}
}

/*
 * The tables of both sides paired by (namespace, name), in Prisma's
 * order: the old side's, then the new tables.  Columns are paired later,
 * by each part for its pairs.  The old side's tables are looked up on
 * threads for a big diff; with one side empty (a diff from or to
 * nothing) there is nothing to look up.
 */
static void
pair_tables(st_arena *a, differ *d)
{
	size_t nfrom = d->from->tables.len, nto = d->to->tables.len;
	/* d->to's tables already paired, by id (= position once finished) */
	bool *seen = NULL, *ignored = NULL;
	st_table **match = NULL;

	d->pairs = st_alloc_array(a, nfrom + nto + 1, sizeof(*d->pairs));
	d->by_prev_id = st_alloc_array(a, nfrom + 1, sizeof(*d->by_prev_id));
	if (nfrom && nto) {
		unsigned np = st_par_parts(nfrom, LOOKUPS_PER_PART);
		match_part mps[ST_PAR_MAX];

		seen = st_alloc(a, nto + 1);
		match = st_alloc_array(a, nfrom, sizeof(*match));
		ignored = st_alloc(a, nfrom);
		/* the first lookup maps d->to's tables (built on first use):
		 * here, so that the threads only read the map */
		(void)st_schema_table(d->to, NULL, "");
		for (unsigned k = 0; k < np; k++)
			mps[k] = (match_part){ d, nfrom * k / np,
					       nfrom * (k + 1) / np, match,
					       ignored };
		if (np > 1)
			st_par_run(np, match_tables, mps, sizeof(mps[0]));
		else
			match_tables(&mps[0]);
	}
	for (size_t i = 0; i < nfrom; i++) {
		st_table *t = d->from->tables.items[i];
		table_pair *tp;

		if (ignored ? ignored[i] : table_ignored(t))
			continue;
		tp = &d->pairs[d->npairs++];
		tp->prev = t;
		d->by_prev_id[i] = tp;
		if (match && match[i]) {
			tp->next = match[i];
			assert(d->to->tables.items[tp->next->id] == tp->next);
			seen[tp->next->id] = true;
		}
	}
	/* the new tables (not read here: an ignored one is skipped by its
	 * part, so a diff from nothing does not touch every table twice) */
	for (size_t i = 0; i < nto; i++)
		if (!seen || !seen[i])
			d->pairs[d->npairs++].next = d->to->tables.items[i];
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
	for (size_t i = 0; i < tp->ncols; i++) {
		const col_pair *cp = &tp->cols[i];

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
tchange(part *pt, st_table_change_kind kind, st_column *prev,
	st_column *next)
{
	st_table_change *c = st_alloc(pt->a, sizeof(*c));

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
push_altered_table(part *pt, table_pair *tp)
{
	const differ *d = pt->d;
	segment *sg = &pt->seg[PASS_ALTER];
	st_table *p = tp->prev, *n = tp->next;
	st_arena *a = pt->a;
	st_vec changes = ST_VEC_INIT(a), alters = ST_VEC_INIT(a);
	bool changed_pk;

	/* foreign keys */
	for (size_t i = 0; i < n->fks.len; i++) {
		st_fk *nf = n->fks.items[i];
		bool found = false;

		for (size_t j = 0; j < p->fks.len && !found; j++)
			found = fks_match(d, p->fks.items[j], nf);
		if (!found)
			push_step(pt, sg, ST_STEP_ADD_FOREIGN_KEY)->fk_next = nf;
	}
	for (size_t i = 0; i < p->fks.len; i++) {
		st_fk *pf = p->fks.items[i];
		bool found = false;

		for (size_t j = 0; j < n->fks.len && !found; j++)
			found = fks_match(d, pf, n->fks.items[j]);
		if (!found)
			push_step(pt, sg, ST_STEP_DROP_FOREIGN_KEY)->fk_prev = pf;
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
					st_step *s = push_step(pt, sg, ST_STEP_RENAME_FOREIGN_KEY);

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
				st_step *s = push_step(pt, sg, ST_STEP_RENAME_INDEX);

				s->index_prev = pi;
				s->index_next = ni;
			}
			break;
		}
	}

	/* the ALTER TABLE clauses, in Prisma's order */
	changed_pk = pk_changed(d, tp);
	if ((p->pk && !n->pk) || changed_pk)
		st_vec_push(&changes, tchange(pt, ST_TCHG_DROP_PRIMARY_KEY, NULL, NULL));
	if (p->pk && n->pk && strcmp(p->pk->name, n->pk->name))
		st_vec_push(&changes, tchange(pt, ST_TCHG_RENAME_PRIMARY_KEY, NULL, NULL));
	for (size_t i = 0; i < tp->ncols; i++) {
		col_pair *cp = &tp->cols[i];

		if (cp->prev && !cp->next)
			st_vec_push(&changes, tchange(pt, ST_TCHG_DROP_COLUMN, cp->prev, NULL));
	}
	for (size_t i = 0; i < tp->ncols; i++) {
		col_pair *cp = &tp->cols[i];

		if (!cp->prev && cp->next)
			st_vec_push(&changes, tchange(pt, ST_TCHG_ADD_COLUMN, NULL, cp->next));
	}
	for (size_t i = 0; i < tp->ncols; i++) {
		col_pair *cp = &tp->cols[i];
		st_table_change *c;

		if (!cp->prev || !cp->next || !cp->changes)
			continue;
		c = tchange(pt, cp->type_change == ST_TYPECHG_NOT_CASTABLE ?
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
		st_vec_push(&changes, tchange(pt, ST_TCHG_ADD_PRIMARY_KEY, NULL, NULL));

	if (changes.len) {
		st_step *s = push_step(pt, sg, ST_STEP_ALTER_TABLE);

		s->table_prev = p;
		s->table_next = n;
		s->changes = changes;
	}
}

/* A created table (CreateTable, its foreign keys and indexes) or a
 * dropped one (DropTable, its foreign keys). */
static void
push_table(part *pt, const table_pair *tp)
{
	segment *sg = &pt->seg[PASS_TABLES];

	if (!tp->prev) {
		st_step *s;

		/* their keys are read as the steps are made (list_check_last):
		 * ask for all the table's objects at once, not one by one */
		for (size_t j = 0; j < tp->next->fks.len; j++)
			__builtin_prefetch(tp->next->fks.items[j]);
		for (size_t j = 0; j < tp->next->indexes.len; j++)
			__builtin_prefetch(tp->next->indexes.items[j]);
		s = push_step(pt, sg, ST_STEP_CREATE_TABLE);
		s->table_next = tp->next;
		for (size_t j = 0; j < tp->next->fks.len; j++)
			push_step(pt, sg, ST_STEP_ADD_FOREIGN_KEY)->fk_next =
				tp->next->fks.items[j];
		for (size_t j = 0; j < tp->next->indexes.len; j++) {
			st_step *ci = push_step(pt, sg, ST_STEP_CREATE_INDEX);

			ci->table_next = tp->next;
			ci->index_next = tp->next->indexes.items[j];
		}
	} else {
		push_step(pt, sg, ST_STEP_DROP_TABLE)->table_prev = tp->prev;
		for (size_t j = 0; j < tp->prev->fks.len; j++)
			push_step(pt, sg, ST_STEP_DROP_FOREIGN_KEY)->fk_prev =
				tp->prev->fks.items[j];
	}
}

static void
push_dropped_indexes(part *pt, const table_pair *tp)
{
	segment *sg = &pt->seg[PASS_DROP_INDEX];

	for (size_t j = 0; j < tp->prev->indexes.len; j++) {
		st_index *pi = tp->prev->indexes.items[j];
		bool found = false;

		for (size_t k = 0; k < tp->next->indexes.len && !found; k++)
			found = indexes_match(pi, tp->next->indexes.items[k]);
		if (!found)
			push_step(pt, sg, ST_STEP_DROP_INDEX)->index_prev = pi;
	}
}

/* Created indexes, and indexes re-created after a column re-creation. */
static void
push_created_indexes(part *pt, const table_pair *tp)
{
	segment *sg = &pt->seg[PASS_CREATE_INDEX];

	for (size_t j = 0; j < tp->next->indexes.len; j++) {
		st_index *ni = tp->next->indexes.items[j];
		bool found = false;

		for (size_t k = 0; k < tp->prev->indexes.len && !found; k++)
			found = indexes_match(tp->prev->indexes.items[k], ni);
		if (!found) {
			st_step *s = push_step(pt, sg, ST_STEP_CREATE_INDEX);

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

			for (size_t m = 0; m < tp->ncols; m++) {
				const col_pair *cp = &tp->cols[m];

				if (cp->next == nc && cp->prev &&
				    cp->type_change == ST_TYPECHG_NOT_CASTABLE)
					recreated = true;
			}
		}
		if (recreated) {
			st_step *s = push_step(pt, sg, ST_STEP_CREATE_INDEX);

			s->table_prev = tp->prev;
			s->table_next = tp->next;
			s->index_next = ni;
			s->from_drop_and_recreate = true;
		}
	}
}

/* A segment's steps are all made: the last of each kind checked. */
static void
segment_check_order(segment *sg)
{
	for (int k = 0; k < NKINDS; k++)
		if (sg->kinds[k].len)
			list_check_last(&sg->kinds[k]);
}

static bool
column_uses_enum(const st_column *c, const st_enum *e)
{
	return c->type.family == ST_FAM_ENUM && !strcmp(c->type.enum_name, e->name);
}

/* A column of the old side with an enum type and a default, to the
 * usages of each altered enum it has; next: its kept column, or NULL. */
static void
add_enum_usage(part *pt, st_vec *usages, st_column *prev, st_column *next)
{
	const st_vec *alters = &pt->d->alters;

	if (prev->type.family != ST_FAM_ENUM || prev->def.kind == ST_DEF_NONE)
		return;
	for (size_t e = 0; e < alters->len; e++) {
		const st_step *s = alters->items[e];
		st_enum_usage *u;

		if (!column_uses_enum(prev, s->enum_prev))
			continue;
		u = st_alloc(pt->a, sizeof(*u));
		u->prev = prev;
		/* the default is reinstalled when still of the enum */
		if (next && column_uses_enum(next, s->enum_next) &&
		    next->def.kind != ST_DEF_NONE)
			u->next = next;
		st_vec_push(&usages[e], u);
	}
}

/*
 * The columns of tp whose default an AlterEnum step drops and maybe
 * reinstalls (the enum's values are rewritten), for each altered enum in
 * Prisma's order: the columns of dropped tables, then, table by table,
 * the dropped columns of a paired table and then its kept ones.
 */
static void
find_enum_usages(part *pt, const table_pair *tp)
{
	st_vec *dropped_tables = pt->usages;
	st_vec *paired = pt->usages + pt->d->alters.len;

	if (!tp->next) {
		for (size_t c = 0; c < tp->prev->columns.len; c++)
			add_enum_usage(pt, dropped_tables,
				       tp->prev->columns.items[c], NULL);
		return;
	}
	for (size_t c = 0; c < tp->ncols; c++)
		if (tp->cols[c].prev && !tp->cols[c].next)
			add_enum_usage(pt, paired, tp->cols[c].prev, NULL);
	for (size_t c = 0; c < tp->ncols; c++)
		if (tp->cols[c].prev && tp->cols[c].next)
			add_enum_usage(pt, paired, tp->cols[c].prev,
				       tp->cols[c].next);
}

/*
 * A part: the steps of the table pairs [lo, hi), one pair after the
 * other, each pass into a segment of its own (see NPASSES; joined pass
 * by pass, part by part, they come in the order of one pass after the
 * other over all the pairs), the columns the AlterEnum steps rewrite,
 * and whether its lists are in key order.  Runs on any thread: it
 * writes only its pairs and its own lists, and allocates only from
 * pt->a.
 */
static void
run_part(void *arg)
{
	part *pt = arg;
	table_pair *pairs = pt->d->pairs;
	size_t nalters = pt->d->alters.len;

	if (nalters) {
		pt->usages = st_alloc_array(pt->a, 2 * nalters,
					    sizeof(*pt->usages));
		for (size_t e = 0; e < 2 * nalters; e++)
			st_vec_init(&pt->usages[e], pt->a);
	}
	for (size_t i = pt->lo; i < pt->hi; i++) {
		table_pair *tp = &pairs[i];

		if (!tp->prev || !tp->next) {
			if (tp->prev || !table_ignored(tp->next))
				push_table(pt, tp);
			if (tp->prev && nalters)
				find_enum_usages(pt, tp);
			continue;
		}
		pair_columns(pt, tp);
		push_dropped_indexes(pt, tp);
		push_created_indexes(pt, tp);
		push_altered_table(pt, tp);
		if (nalters)
			find_enum_usages(pt, tp);
	}
	for (int k = 0; k < NPASSES; k++)
		segment_check_order(&pt->seg[k]);
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

/* The enum steps; the AlterEnum ones also to alters. */
static void
push_enum_steps(part *pt, st_vec *alters)
{
	const differ *d = pt->d;
	segment *sg = &pt->seg[0];
	st_arena *a = pt->a;

	for (size_t i = 0; i < d->from->enums.len; i++) {
		st_enum *pe = d->from->enums.items[i];
		st_enum *ne = st_schema_enum(d->to, pe->ns, pe->name);
		st_step *s;
		st_vec created = ST_VEC_INIT(a), dropped = ST_VEC_INIT(a);

		if (!ne) {
			push_step(pt, sg, ST_STEP_DROP_ENUM)->enum_prev = pe;
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
		s = push_step(pt, sg, ST_STEP_ALTER_ENUM);
		s->enum_prev = pe;
		s->enum_next = ne;
		s->alter_enum = st_alloc(a, sizeof(*s->alter_enum));
		s->alter_enum->created_values = created;
		s->alter_enum->dropped_values = dropped;
		/* filled by the parts (find_enum_usages) */
		st_vec_init(&s->alter_enum->default_usages, a);
		st_vec_push(alters, s);
	}
	for (size_t i = 0; i < d->to->enums.len; i++) {
		st_enum *ne = d->to->enums.items[i];

		if (!st_schema_enum(d->from, ne->ns, ne->name))
			push_step(pt, sg, ST_STEP_CREATE_ENUM)->enum_next = ne;
	}
}

static void
push_namespace_steps(part *pt)
{
	const differ *d = pt->d;
	segment *sg = &pt->seg[0];

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
			push_step(pt, sg, ST_STEP_CREATE_SCHEMA)->ns = ns;
	}
}

static void
push_extension_steps(part *pt)
{
	const differ *d = pt->d;
	segment *sg = &pt->seg[0];

	for (size_t i = 0; i < d->to->extensions.len; i++) {
		st_extension *nx = d->to->extensions.items[i];
		st_extension *px = NULL;

		for (size_t j = 0; j < d->from->extensions.len && !px; j++) {
			st_extension *x = d->from->extensions.items[j];

			if (!strcmp(x->name, nx->name))
				px = x;
		}
		if (!px) {
			push_step(pt, sg, ST_STEP_CREATE_EXTENSION)->ext_next = nx;
			continue;
		}
		bool versions = !strcmp(px->version, nx->version) || !*px->version ||
				!*nx->version;
		bool schemas = !strcmp(px->schema, nx->schema) || !*px->schema ||
			       !*nx->schema;

		if (versions && schemas)
			continue;
		if (!px->relocatable && !nx->relocatable) {
			push_step(pt, sg, ST_STEP_DROP_EXTENSION)->ext_prev = px;
			push_step(pt, sg, ST_STEP_CREATE_EXTENSION)->ext_next = nx;
		} else {
			st_step *s = push_step(pt, sg, ST_STEP_ALTER_EXTENSION);

			s->ext_prev = px;
			s->ext_next = nx;
			s->ext_alter_version = !versions;
			s->ext_alter_schema = !schemas;
		}
	}
}

/* ==== sorting ==== */

/* Sorts n steps of one kind by their keys, ties in the order given. */
static void
sort_kind(st_arena *a, st_step **steps, size_t n)
{
	step_key *keys = st_alloc_array(a, n, sizeof(*keys));

	for (size_t i = 0; i < n; i++)
		step_key_init(&keys[i], steps[i], i);
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (size_t i = 0; i < n; i++)
		steps[i] = keys[i].s;
}

/*
 * The segments' steps (segs: nsegs segments in push order), joined
 * kind by kind into out: the order of a stable sort by kind.  A kind is
 * then sorted by its keys only when a list of it is out of order, or
 * two of its lists are where they meet.  start[k] gets where kind k
 * starts in out (start[NKINDS]: out->len).
 */
static void
join_steps(st_arena *a, st_vec *out, size_t start[NKINDS + 1],
	   segment *const *segs, size_t nsegs)
{
	size_t n = 0;

	for (size_t i = 0; i < nsegs; i++)
		for (int k = 0; k < NKINDS; k++)
			n += segs[i]->kinds[k].len;
	st_vec_init(out, a);
	memset(start, 0, (NKINDS + 1) * sizeof(*start));
	if (!n)
		return;
	out->items = st_alloc_array(a, n, sizeof(*out->items));
	out->cap = n;
	for (int k = 0; k < NKINDS; k++) {
		bool ordered = true;
		step_key last, first;

		start[k] = out->len;

		for (size_t i = 0; i < nsegs; i++) {
			const step_list *l = &segs[i]->kinds[k];

			if (!l->len)
				continue;
			if (l->unordered) {
				ordered = false;
			} else if (ordered && out->len > start[k]) {
				step_key_init(&last, out->items[out->len - 1], 0);
				step_key_init(&first, l->items[0], 1);
				ordered = cmp_keys(&last, &first) <= 0;
			}
			memcpy(out->items + out->len, l->items,
			       l->len * sizeof(*l->items));
			out->len += l->len;
		}
		if (!ordered)
			sort_kind(a, (st_step **)out->items + start[k],
				  out->len - start[k]);
	}
	start[NKINDS] = out->len;
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
 * (Prisma's apply_partial_order_permutations).  The steps are sorted, so
 * the DropIndex steps start at `from` (steps only ever move forward):
 * the many steps before are not even read.
 */
static void
apply_partial_order(st_vec *v, size_t from)
{
	for (size_t i = from; i < v->len; i++) {
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

/* pt a maker of d's steps in arena a, for the pairs [lo, hi). */
static void
part_init(part *pt, const differ *d, st_arena *a, size_t lo, size_t hi)
{
	memset(pt, 0, sizeof(*pt));
	pt->d = d;
	pt->a = a;
	pt->lo = lo;
	pt->hi = hi;
}

int
st_diff(st_ctx *cx, const st_schema *from, const st_schema *to,
	st_diff_result **out)
{
	st_arena *a = cx->arena;
	differ d = { .from = from, .to = to };
	/* (a part holds a list per kind and pass: not on the stack) */
	part *pre = st_alloc(a, sizeof(*pre)), *post = st_alloc(a, sizeof(*post));
	part *parts;
	segment **segs;
	size_t nsegs = 0, start[NKINDS + 1];
	unsigned np;
	st_diff_result *m;

	part_init(pre, &d, a, 0, 0);
	push_extension_steps(pre);
	push_namespace_steps(pre);
	segment_check_order(&pre->seg[0]);

	/* the enum steps (joined last); their columns are found by the
	 * parts */
	st_vec_init(&d.alters, a);
	part_init(post, &d, a, 0, 0);
	push_enum_steps(post, &d.alters);
	segment_check_order(&post->seg[0]);

	/* the table pairs in parts; the first on this thread, in cx */
	pair_tables(a, &d);
	np = st_par_parts(d.npairs, PAIRS_PER_PART);
	parts = st_alloc_array(a, np, sizeof(*parts));
	for (unsigned k = 0; k < np; k++) {
		size_t lo = d.npairs * k / np, hi = d.npairs * (k + 1) / np;
		st_arena *pa = a;

		if (k) {
			pa = st_arena_new(a);
			st_arena_reserve(pa, (hi - lo) * PART_BYTES_PER_PAIR);
		}
		part_init(&parts[k], &d, pa, lo, hi);
	}
	if (np > 1)
		st_par_run(np, run_part, parts, sizeof(parts[0]));
	else
		run_part(&parts[0]);

	for (size_t e = 0; e < d.alters.len; e++) {
		st_step *s = d.alters.items[e];

		for (size_t u = e; u < 2 * d.alters.len; u += d.alters.len)
			for (unsigned k = 0; k < np; k++)
				for (size_t i = 0; i < parts[k].usages[u].len; i++)
					st_vec_push(&s->alter_enum->default_usages,
						    parts[k].usages[u].items[i]);
	}

	m = st_alloc(a, sizeof(*m));
	m->from = from;
	m->to = to;
	segs = st_alloc_array(a, 2 + NPASSES * np, sizeof(*segs));
	segs[nsegs++] = &pre->seg[0];
	for (int pass = 0; pass < NPASSES; pass++)
		for (unsigned k = 0; k < np; k++)
			segs[nsegs++] = &parts[k].seg[pass];
	segs[nsegs++] = &post->seg[0];
	join_steps(a, &m->steps, start, segs, nsegs);
	if (start[ST_STEP_DROP_INDEX + 1] > start[ST_STEP_DROP_INDEX])
		apply_partial_order(&m->steps, start[ST_STEP_DROP_INDEX]);
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
