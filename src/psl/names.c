/*
 * names.c - Prisma's default constraint names for PostgreSQL (63-byte
 * identifiers), and the validator's checks that explicit and default
 * names fit and do not clash (Prisma's "constraint namespaces").
 */
#include <string.h>

#include "psl/model.h"
#include "psl/validate_int.h"
#include "util/strbuf.h"

/* ==== default names ==== */

/* Largest n <= len such that s[n] starts a UTF-8 character. */
static size_t
floor_char_boundary(const char *s, size_t len, size_t n)
{
	if (n >= len)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

char *
st_psl_default_constraint_name(st_arena *a, const char *table,
			       const char *const *cols, size_t ncols,
			       const char *suffix)
{
	st_strbuf sb;
	size_t limit, slen = strlen(suffix) + 1;
	bool pkey = !strcmp(suffix, "pkey");
	char buf[256];
	size_t n = strlen(table);

	/* the usual short name: built on the stack, one arena copy (this
	 * runs for every index, key and foreign key) */
	if (n < sizeof(buf)) {
		memcpy(buf, table, n);
		for (size_t i = 0; !pkey && i < ncols; i++) {
			size_t k = strlen(cols[i]);

			if (n + 1 + k >= sizeof(buf)) {
				n = sizeof(buf);
				break;
			}
			buf[n++] = '_';
			memcpy(buf + n, cols[i], k);
			n += k;
		}
		if (!pkey && ncols == 0 && n < sizeof(buf))
			buf[n++] = '_';
	}
	if (n + slen < sizeof(buf)) {
		limit = ST_PSL_MAX_IDENT - slen;
		if (n >= limit)
			n = floor_char_boundary(buf, n, limit);
		buf[n++] = '_';
		memcpy(buf + n, suffix, slen - 1);
		n += slen - 1;
		return st_memdup(a, buf, n);
	}

	st_strbuf_init_arena(&sb, a);
	st_strbuf_adds(&sb, table);
	if (strcmp(suffix, "pkey") != 0) {
		st_strbuf_addch(&sb, '_');
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				st_strbuf_addch(&sb, '_');
			st_strbuf_adds(&sb, cols[i]);
		}
	}
	limit = ST_PSL_MAX_IDENT - slen;
	if (sb.len >= limit)
		st_strbuf_setlen(&sb, floor_char_boundary(sb.buf, sb.len, limit));
	st_strbuf_addch(&sb, '_');
	st_strbuf_adds(&sb, suffix);
	return st_strbuf_detach(&sb, NULL);
}

char *
st_psl_name_pk(st_arena *a, const char *table)
{
	return st_psl_default_constraint_name(a, table, NULL, 0, "pkey");
}

char *
st_psl_name_unique(st_arena *a, const char *table, const char *const *cols,
		   size_t ncols)
{
	return st_psl_default_constraint_name(a, table, cols, ncols, "key");
}

char *
st_psl_name_index(st_arena *a, const char *table, const char *const *cols,
		  size_t ncols)
{
	return st_psl_default_constraint_name(a, table, cols, ncols, "idx");
}

char *
st_psl_name_fk(st_arena *a, const char *table, const char *const *cols,
	       size_t ncols)
{
	return st_psl_default_constraint_name(a, table, cols, ncols, "fkey");
}

/* ==== namespace checks ==== */

static const char *
index_attr_name(const st_psl_rindex *ix)
{
	switch (ix->kind) {
	case ST_PSL_IDX_PRIMARY:
		return ix->field_level ? "@id" : "@@id";
	case ST_PSL_IDX_UNIQUE:
		return ix->field_level ? "@unique" : "@@unique";
	case ST_PSL_IDX_FULLTEXT:
		return "@@fulltext";
	default:
		return "@@index";
	}
}

/*
 * A namespace maps a key to a shared counter; each constraint keeps the
 * counter of its key, so the report needs no second lookup.
 */
static size_t *
count(psl__v *v, st_map *m, const char *key)
{
	/* names are nearly always new: insert first (one probe), and put the
	 * earlier counter back on the rare clash */
	size_t *n = st_alloc(v->a, sizeof(*n)), *prev = st_map_put(m, key, n);

	if (prev) {
		st_map_put(m, key, prev);
		n = prev;
	}
	++*n;
	return n;
}

static const char *
global_key(psl__v *v, const st_psl_rmodel *m, const char *name)
{
	if (!v->any_schema)
		return name;
	return psl__key(v, m->schema ? m->schema : "", name, NULL);
}

static const char *
local_key(psl__v *v, const st_psl_rmodel *m, const char *name)
{
	return psl__key(v, m->name, name, NULL);
}

/* Up to this many local names per model, they are compared pairwise. */
#define LOCAL_PAIRWISE_MAX 32

/*
 * The counters of the model-local namespace for m, in the order pk,
 * indexes, foreign keys: how many of its constraints have each one's
 * name.  Models have a few constraints, so they are compared pairwise;
 * only a model with very many goes through the map (keyed "model\x1fname",
 * as the namespace is per model).
 */
static size_t *
local_counts(psl__v *v, const st_psl_rmodel *m, st_map *local)
{
	const char *names[LOCAL_PAIRWISE_MAX];
	size_t n = 0, *lc;

	if (m->pk)
		n++;
	n += m->nindexes;
	for (size_t j = 0; j < m->nfields; j++) {
		const st_psl_rrel *r = m->fields[j]->rel;

		if (r && r->holds_fk && r->fk_name)
			n++;
	}
	lc = st_alloc_array(v->a, n ? n : 1, sizeof(*lc));
	if (n > LOCAL_PAIRWISE_MAX) {
		/* as many counters as names: the map's ones, copied at the end */
		size_t **ctr = st_alloc_array(v->a, n, sizeof(*ctr)), k = 0;

		if (m->pk)
			ctr[k++] = count(v, local, local_key(v, m, m->pk->db_name));
		for (size_t j = 0; j < m->nindexes; j++)
			ctr[k++] = count(v, local,
					 local_key(v, m, m->indexes[j]->db_name));
		for (size_t j = 0; j < m->nfields; j++) {
			const st_psl_rrel *r = m->fields[j]->rel;

			if (r && r->holds_fk && r->fk_name)
				ctr[k++] = count(v, local,
						 local_key(v, m, r->fk_name));
		}
		for (size_t j = 0; j < n; j++)
			lc[j] = *ctr[j];
		return lc;
	}
	n = 0;
	if (m->pk)
		names[n++] = m->pk->db_name;
	for (size_t j = 0; j < m->nindexes; j++)
		names[n++] = m->indexes[j]->db_name;
	for (size_t j = 0; j < m->nfields; j++) {
		const st_psl_rrel *r = m->fields[j]->rel;

		if (r && r->holds_fk && r->fk_name)
			names[n++] = r->fk_name;
	}
	/* each name counts itself; each equal pair counts on both sides */
	for (size_t j = 0; j < n; j++) {
		lc[j]++;
		for (size_t k = j + 1; k < n; k++)
			if (names[j][0] == names[k][0] &&
			    !strcmp(names[j], names[k])) {
				lc[j]++;
				lc[k]++;
			}
	}
	return lc;
}

static void
too_long(psl__v *v, const st_psl_rmodel *m, const char *map,
	 const char *attr, st_span span)
{
	if (map && strlen(map) > ST_PSL_MAX_IDENT)
		psl__err(v, span,
			 "Error validating model \"%s\": The constraint name '%s' "
			 "specified in the `map` argument for the `%s` constraint "
			 "is too long for your chosen provider. The maximum "
			 "allowed length is %d bytes.",
			 m->name, map, attr, ST_PSL_MAX_IDENT);
}

static void
clash(psl__v *v, const st_psl_rmodel *m, const char *name, const char *attr,
      st_span span, const size_t *global, const size_t *local)
{
	static const char tail[] = "Please provide a different name using "
				   "the `map` argument.";

	if (global && *global > 1)
		psl__err(v, span,
			 "Error parsing attribute \"%s\": The given constraint "
			 "name `%s` has to be unique in the following namespace: "
			 "global for primary key, indexes and unique constraints. "
			 "%s", attr, name, tail);
	if (*local > 1)
		psl__err(v, span,
			 "Error parsing attribute \"%s\": The given constraint "
			 "name `%s` has to be unique in the following namespace: "
			 "on model `%s` for primary key, indexes, unique "
			 "constraints and foreign keys. %s", attr, name, m->name,
			 tail);
}

void
psl__names_check(psl__v *v)
{
	st_psl_model *mm = v->m;
	st_map global, local, tables, enums;

	st_map_init(&global, v->a);
	st_map_init(&local, v->a);
	st_map_init(&tables, v->a);
	st_map_init(&enums, v->a);
	/* without any @@schema every global key would be "\x1fNAME": the
	 * name alone keys the maps just as well */
	v->any_schema = false;
	for (size_t i = 0; i < mm->nmodels && !v->any_schema; i++)
		v->any_schema = mm->models[i]->schema != NULL;
	for (size_t i = 0; i < mm->nenums && !v->any_schema; i++)
		v->any_schema = mm->enums[i]->schema != NULL;
	{
		size_t nc = 0;

		for (size_t i = 0; i < mm->nmodels; i++)
			nc += (mm->models[i]->pk != NULL) + mm->models[i]->nindexes;
		psl__map_reserve(&global, nc);
		psl__map_reserve(&tables, mm->nmodels);
		psl__map_reserve(&enums, mm->nenums);
	}

	/* database names of models/views and enums */
	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];
		const char *key = global_key(v, m, m->db_name);
		/* the map keeps the latest model, as Prisma's HashMap::insert */
		st_psl_rmodel *prev = st_map_put(&tables, key, m);
		const st_psl_attr *map, *pmap;

		if (!prev)
			continue;
		/* the error goes on a @@map: this model's, naming the earlier
		 * one, else the earlier model's, naming this one */
		if ((map = st_psl_block_attr(m->ast, "map")))
			psl__err(v, map->span,
				 "The %s with database name \"%s\" could not be "
				 "defined because another model or view with this "
				 "name exists: \"%s\"", m->is_view ? "view" : "model",
				 m->db_name, prev->name);
		else {
			pmap = st_psl_block_attr(prev->ast, "map");
			psl__err(v, pmap ? pmap->span : prev->name_span,
				 "The %s with database name \"%s\" could not be "
				 "defined because another model or view with this "
				 "name exists: \"%s\"", m->is_view ? "view" : "model",
				 m->db_name, m->name);
		}
	}
	for (size_t i = 0; i < mm->nenums; i++) {
		st_psl_renum *e = mm->enums[i];
		const char *key = !v->any_schema ? e->db_name
			: psl__key(v, e->schema ? e->schema : "", e->db_name,
				   NULL);
		st_psl_renum *prev = st_map_get(&enums, key);

		if (prev) {
			const st_psl_attr *map = st_psl_block_attr(e->ast, "map");

			psl__err(v, map ? map->span : e->span,
				 "An enum with the same database name is already "
				 "defined.");
		} else {
			st_map_put(&enums, key, e);
		}
	}

	/* fill the namespaces: per constraint, its global and local
	 * counters (pk, then indexes, then foreign keys of each model) */
	/* as many counters as constraints: counted first, one array */
	size_t nctr = 0, nc = 0;
	size_t **ctr;

	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];

		nctr += 2 * ((m->pk != NULL) + m->nindexes);
		for (size_t j = 0; j < m->nfields; j++) {
			st_psl_rrel *r = m->fields[j]->rel;

			if (r && r->holds_fk && r->fk_name)
				nctr++;
		}
	}
	ctr = st_alloc_array(v->a, nctr ? nctr : 1, sizeof(*ctr));
	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];
		size_t *lc = local_counts(v, m, &local);

		if (m->pk) {
			ctr[nc++] = count(v, &global,
					  global_key(v, m, m->pk->db_name));
			ctr[nc++] = lc++;
		}
		for (size_t j = 0; j < m->nindexes; j++) {
			const char *n = m->indexes[j]->db_name;

			ctr[nc++] = count(v, &global, global_key(v, m, n));
			ctr[nc++] = lc++;
		}
		for (size_t j = 0; j < m->nfields; j++) {
			st_psl_rrel *r = m->fields[j]->rel;

			if (r && r->holds_fk && r->fk_name)
				ctr[nc++] = lc++;
		}
	}

	/* report, in the same order */
	size_t k = 0;

	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];

		if (m->pk) {
			too_long(v, m, m->pk->map, index_attr_name(m->pk),
				 m->pk->span);
			clash(v, m, m->pk->db_name, index_attr_name(m->pk),
			      m->pk->span, ctr[k], ctr[k + 1]);
			k += 2;
		}
		for (size_t j = 0; j < m->nindexes; j++) {
			st_psl_rindex *ix = m->indexes[j];

			too_long(v, m, ix->map, index_attr_name(ix), ix->span);
			clash(v, m, ix->db_name, index_attr_name(ix), ix->span,
			      ctr[k], ctr[k + 1]);
			k += 2;
		}
		for (size_t j = 0; j < m->nfields; j++) {
			st_psl_rrel *r = m->fields[j]->rel;

			if (!r || !r->holds_fk || !r->fk_name)
				continue;
			too_long(v, m, r->map, "@relation", r->span);
			clash(v, m, r->fk_name, "@relation", r->span, NULL,
			      ctr[k++]);
		}
	}
}
