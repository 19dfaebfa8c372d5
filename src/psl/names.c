/*
 * names.c - Prisma's default constraint names for PostgreSQL (63-byte
 * identifiers), and the validator's checks that explicit and default
 * names fit and do not clash (Prisma's "constraint namespaces").  On a
 * big schema the per-model part of the checks (local namespaces, name
 * lengths, global keys and their hashes) runs in parts
 * (psl__par_models); the global namespace is counted in shards of the
 * hashes, also in parts (global_counts()), and the clashes are reported
 * on this thread, reading again only the models that have one.
 */
#include <stdint.h>
#include <string.h>

#include "psl/model.h"
#include "psl/validate_int.h"
#include "util/par.h"
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
 * counter of its key, so the report needs no second lookup.  slot is this
 * constraint's own zeroed counter, the key's when the key is new.
 */
static size_t *
count(st_map *m, const char *key, size_t *slot)
{
	/* names are nearly always new: insert first (one probe), and put the
	 * earlier counter back on the rare clash */
	size_t *n = slot, *prev = st_map_put(m, key, n);

	if (prev) {
		st_map_put(m, key, prev);
		n = prev;
	}
	++*n;
	return n;
}

static const char *
global_key(psl__v *v, bool any_schema, const st_psl_rmodel *m,
	   const char *name)
{
	if (!any_schema)
		return name;
	return psl__key(v, m->schema ? m->schema : "", name, NULL);
}

static const char *
local_key(psl__v *v, const st_psl_rmodel *m, const char *name)
{
	return psl__key(v, m->name, name, NULL);
}

/* The relation side relfields[j] (phase 4 keeps relfields model by model:
 * those of models[k] are at [rel_first[k], rel_first[k + 1])). */
static const st_psl_rrel *
rel_at(const psl__v *v, size_t j)
{
	return ((const st_psl_rfield *)v->relfields.items[j])->rel;
}

static bool
has_fk(const st_psl_rrel *r)
{
	return r->holds_fk && r->fk_name;
}

/* Up to this many local names per model, they are compared pairwise. */
#define LOCAL_PAIRWISE_MAX 32

/*
 * The counters of the model-local namespace for m, in the order pk,
 * indexes, foreign keys: how many of its constraints have each one's
 * name.  The foreign keys (relation sides holding one) go to fks, their
 * number to *nfks.  Models have a few constraints, so they are compared
 * pairwise; only a model with very many goes through the map (keyed
 * "model\x1fname", as the namespace is per model).
 */
static size_t *
local_counts(psl__v *v, const psl__v *all, const st_psl_rmodel *m,
	     st_map *local, const st_psl_rrel **fks, size_t *nfks)
{
	const char *names[LOCAL_PAIRWISE_MAX];
	size_t n = 0, nix, *lc;

	for (size_t j = all->rel_first[m->pos]; j < all->rel_first[m->pos + 1];
	     j++)
		if (has_fk(rel_at(all, j)))
			fks[n++] = rel_at(all, j);
	*nfks = n;
	nix = (m->pk != NULL) + m->nindexes;
	n += nix;
	lc = st_alloc_array(v->a, n ? n : 1, sizeof(*lc));
	if (n > LOCAL_PAIRWISE_MAX) {
		/* as many counters as names: the map's ones, copied at the end */
		size_t **ctr = st_alloc_array(v->a, n, sizeof(*ctr)), k = 0;
		size_t *slot = st_alloc_array(v->a, n, sizeof(*slot));

		if (m->pk) {
			ctr[k] = count(local, local_key(v, m, m->pk->db_name),
				       &slot[k]);
			k++;
		}
		for (size_t j = 0; j < m->nindexes; j++, k++)
			ctr[k] = count(local,
				       local_key(v, m, m->indexes[j]->db_name),
				       &slot[k]);
		for (size_t j = 0; j < *nfks; j++, k++)
			ctr[k] = count(local, local_key(v, m, fks[j]->fk_name),
				       &slot[k]);
		for (size_t j = 0; j < n; j++)
			lc[j] = *ctr[j];
		return lc;
	}
	n = 0;
	if (m->pk)
		names[n++] = m->pk->db_name;
	for (size_t j = 0; j < m->nindexes; j++)
		names[n++] = m->indexes[j]->db_name;
	for (size_t j = 0; j < *nfks; j++)
		names[n++] = fks[j]->fk_name;
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

static bool
is_too_long(const char *map)
{
	return map && strlen(map) > ST_PSL_MAX_IDENT;
}

static void
too_long(psl__v *v, const st_psl_rmodel *m, const char *map,
	 const char *attr, st_span span)
{
	if (is_too_long(map))
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

/*
 * The namespaces' inputs, filled model by model (in parts on a big
 * schema, each part writing the entries of its own models): a model's
 * local counters, its foreign keys (at fks + rel_first[model]: a model
 * has at most as many as relation fields) and the global key of each of
 * its pk and indexes (at gkeys + ixfirst[model]); and whether it has a
 * name too long (reported afterwards, in model order, after the database
 * names' clashes: the parts that fill run with the relation checks,
 * whose messages come first).
 */
typedef struct psl__names {
	const psl__v *all;      /* relfields, rel_first; v->any_schema */
	bool mapped;            /* some model / enum has a @@map */
	bool enums_mapped;
	size_t nix;             /* global keys, all models' */
	size_t *ixfirst;
	const char **gkeys;
	uint32_t *glen;         /* gkeys[k]'s length and hash (st_map_hash) */
	uint32_t *ghash;
	size_t **lcs;
	size_t *fkn;
	const st_psl_rrel **fks;
	unsigned char *local_clash; /* some local count above 1 */
	unsigned char *long_name;   /* some `map` name too long */
} names_fill;

/* names_fill for models[from, to), and the explicit names' lengths
 * checked meanwhile (no message: see names_fill). */
void
psl__names_fill(psl__v *v, size_t from, size_t to, void *arg)
{
	names_fill *nf = arg;
	const psl__v *all = nf->all;
	/* keys are "model\x1fname": a map of the part's own counts the same
	 * as one for all models */
	st_map local;

	st_map_init(&local, v->a);
	for (size_t i = from; i < to; i++) {
		const st_psl_rmodel *m = all->m->models[i];
		const st_psl_rrel **fks = nf->fks + all->rel_first[i];
		size_t k = nf->ixfirst[i], len;
		const char *key;

		nf->lcs[i] = local_counts(v, all, m, &local, fks, &nf->fkn[i]);
		/* pk first, then the indexes: the order of the report */
		for (size_t j = 0; j <= m->nindexes; j++) {
			st_psl_rindex *ix = j == 0 ? m->pk : m->indexes[j - 1];

			if (!ix)
				continue;
			if (is_too_long(ix->map))
				nf->long_name[i] = 1;
			key = global_key(v, all->any_schema, m, ix->db_name);
			len = strlen(key);
			nf->gkeys[k] = key;
			nf->glen[k] = (uint32_t)len;
			nf->ghash[k++] = st_map_hash(key, len);
		}
		for (size_t j = 0; j < nf->fkn[i]; j++)
			if (is_too_long(fks[j]->map))
				nf->long_name[i] = 1;
		for (size_t j = 0; j < k - nf->ixfirst[i] + nf->fkn[i]; j++)
			if (nf->lcs[i][j] > 1)
				nf->local_clash[i] = 1;
	}
}

/*
 * The global namespace (pk, indexes and unique constraints of all
 * models), counted in shards: a key goes to the shard its hash's top bits
 * name, and is looked up there in an open addressing table of key
 * indexes, probed from its hash's low bits.  Equal keys have equal
 * hashes, so each shard counts its keys alone: on a big schema the
 * shards run in parts on threads (util/par.h) without locks, each
 * writing the first[] and count[] entries of its own keys only, and
 * reading the keys, lengths and hashes psl__names_fill made.  first[k]
 * is the first key equal to gkeys[k] (the keys are taken in order, so
 * the first of equal keys leads), count[first[k]] how many there are.
 */
#define GLOBAL_PART_MIN 2000

typedef struct global_count {
	const names_fill *nf;
	size_t nkeys;
	unsigned nshards;
	size_t *first, *count;
} global_count;

typedef struct global_shard {
	const global_count *gc;
	unsigned id;
	uint32_t *slots;        /* key index + 1 (a schema has far fewer
				 * than 2^32 constraints); 0: free */
	size_t mask;
} global_shard;

static unsigned
shard_of(uint32_t h, unsigned nshards)
{
	return (unsigned)(((uint64_t)h * nshards) >> 32);
}

static void
count_shard(void *arg)
{
	const global_shard *sh = arg;
	const global_count *gc = sh->gc;
	const names_fill *nf = gc->nf;

	for (size_t k = 0; k < gc->nkeys; k++) {
		uint32_t h = nf->ghash[k], n = nf->glen[k];
		size_t i = h & sh->mask, j;

		if (gc->nshards > 1 && shard_of(h, gc->nshards) != sh->id)
			continue;
		for (; sh->slots[i]; i = (i + 1) & sh->mask) {
			j = sh->slots[i] - 1;
			if (nf->ghash[j] == h && nf->glen[j] == n &&
			    !memcmp(nf->gkeys[j], nf->gkeys[k], n))
				break;
		}
		if (sh->slots[i]) {
			j = sh->slots[i] - 1;
			gc->first[k] = j;
			gc->count[j]++;
		} else {
			sh->slots[i] = (uint32_t)(k + 1);
			gc->first[k] = k;
			gc->count[k] = 1;
		}
	}
}

/* Counts nf's nkeys global keys into gc (see above). */
static void
global_counts(psl__v *v, const names_fill *nf, size_t nkeys,
	      global_count *gc)
{
	global_shard shards[ST_PAR_MAX];
	size_t nin[ST_PAR_MAX] = { 0 }, total = 0;
	uint32_t *slots;
	unsigned n = st_par_parts(nkeys, GLOBAL_PART_MIN);

	gc->nf = nf;
	gc->nkeys = nkeys;
	gc->nshards = n;
	gc->first = st_alloc_array(v->a, nkeys ? nkeys : 1, sizeof(*gc->first));
	gc->count = st_alloc_array(v->a, nkeys ? nkeys : 1, sizeof(*gc->count));
	/* each shard's table at most 1/2 full: no probe runs long */
	for (size_t k = 0; n > 1 && k < nkeys; k++)
		nin[shard_of(nf->ghash[k], n)]++;
	if (n == 1)
		nin[0] = nkeys;
	for (unsigned s = 0; s < n; s++) {
		size_t cap = 16;

		while (cap < 2 * nin[s])
			cap *= 2;
		shards[s].mask = cap - 1;
		total += cap;
	}
	slots = st_alloc_array(v->a, total, sizeof(*slots));
	for (unsigned s = 0; s < n; s++) {
		shards[s].gc = gc;
		shards[s].id = s;
		shards[s].slots = slots;
		slots += shards[s].mask + 1;
	}
	if (n == 1)
		count_shard(&shards[0]);
	else
		st_par_run(n, count_shard, shards, sizeof(shards[0]));
}

names_fill *
psl__names_prepare(psl__v *v)
{
	st_psl_model *mm = v->m;
	names_fill *nf = st_alloc(v->a, sizeof(*nf));
	size_t nix = 0;

	/* One pass over the models: without any @@schema every global key
	 * would be "\x1fNAME", and the name alone keys the maps just as
	 * well; without @@map (and @@schema) database names are the block
	 * names, which phase 1 found unique: no clash to look for.  And
	 * where each model's global keys go (pk, then indexes). */
	v->any_schema = false;
	nf->all = v;
	nf->ixfirst = st_alloc_array(v->a, mm->nmodels + 1,
				     sizeof(*nf->ixfirst));
	for (size_t i = 0; i < mm->nmodels; i++) {
		const st_psl_rmodel *m = mm->models[i];

		v->any_schema |= m->schema != NULL;
		nf->mapped |= m->db_name != m->name;
		nf->ixfirst[i] = nix;
		nix += (m->pk != NULL) + m->nindexes;
	}
	nf->ixfirst[mm->nmodels] = nix;
	nf->nix = nix;
	for (size_t i = 0; i < mm->nenums; i++) {
		v->any_schema |= mm->enums[i]->schema != NULL;
		nf->enums_mapped |= mm->enums[i]->db_name != mm->enums[i]->name;
	}
	nf->gkeys = st_alloc_array(v->a, nix ? nix : 1, sizeof(*nf->gkeys));
	nf->glen = st_alloc_array(v->a, nix ? nix : 1, sizeof(*nf->glen));
	nf->ghash = st_alloc_array(v->a, nix ? nix : 1, sizeof(*nf->ghash));
	nf->lcs = st_alloc_array(v->a, mm->nmodels ? mm->nmodels : 1,
				 sizeof(*nf->lcs));
	nf->fkn = st_alloc_array(v->a, mm->nmodels ? mm->nmodels : 1,
				 sizeof(*nf->fkn));
	nf->fks = st_alloc_array(v->a, v->relfields.len ? v->relfields.len : 1,
				 sizeof(*nf->fks));
	nf->local_clash = st_alloc_array(v->a, mm->nmodels ? mm->nmodels : 1,
					 sizeof(*nf->local_clash));
	nf->long_name = st_alloc_array(v->a, mm->nmodels ? mm->nmodels : 1,
				       sizeof(*nf->long_name));
	return nf;
}

void
psl__names_check(psl__v *v, names_fill *nf)
{
	st_psl_model *mm = v->m;
	st_map tables, enums;
	bool mapped = nf->mapped, enums_mapped = nf->enums_mapped;
	global_count gc;

	st_map_init(&tables, v->a);
	st_map_init(&enums, v->a);
	if (mapped || v->any_schema)
		psl__map_reserve(&tables, mm->nmodels);
	if (enums_mapped || v->any_schema)
		psl__map_reserve(&enums, mm->nenums);

	/* database names of models/views and enums */
	for (size_t i = 0; (mapped || v->any_schema) && i < mm->nmodels; i++) {
		st_psl_rmodel *m = mm->models[i];
		const char *key = global_key(v, v->any_schema, m, m->db_name);
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
	for (size_t i = 0; (enums_mapped || v->any_schema) && i < mm->nenums;
	     i++) {
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

	/*
	 * The namespaces were filled model by model (psl__names_fill, in
	 * the relation checks' parts); the names too long, then count the global
	 * names; then report the clashes, once all counts are final: only a
	 * model with a name too long or a clash needs reading again.
	 */
	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m;
		const st_psl_rrel **fks = nf->fks + v->rel_first[i];

		if (!nf->long_name[i])
			continue;
		m = mm->models[i];
		for (size_t j = 0; j <= m->nindexes; j++) {
			st_psl_rindex *ix = j == 0 ? m->pk : m->indexes[j - 1];

			if (ix)
				too_long(v, m, ix->map, index_attr_name(ix),
					 ix->span);
		}
		for (size_t j = 0; j < nf->fkn[i]; j++)
			too_long(v, m, fks[j]->map, "@relation", fks[j]->span);
	}
	global_counts(v, nf, nf->nix, &gc);

	/* report, in the same order: pk, indexes, foreign keys per model;
	 * only a model with a clash needs reading again */
	for (size_t i = 0; i < mm->nmodels; i++) {
		st_psl_rmodel *m;
		const size_t *lc = nf->lcs[i];
		const st_psl_rrel **fks = nf->fks + v->rel_first[i];
		size_t k = nf->ixfirst[i];
		bool any = nf->local_clash[i];

		for (size_t j = k; !any && j < nf->ixfirst[i + 1]; j++)
			any = gc.count[gc.first[j]] > 1;
		if (!any)
			continue;
		m = mm->models[i];
		if (m->pk) {
			const size_t *g = &gc.count[gc.first[k]];

			if (*g > 1 || *lc > 1)
				clash(v, m, m->pk->db_name,
				      index_attr_name(m->pk), m->pk->span, g,
				      lc);
			k++;
			lc++;
		}
		for (size_t j = 0; j < m->nindexes; j++, k++, lc++) {
			st_psl_rindex *ix = m->indexes[j];
			const size_t *g = &gc.count[gc.first[k]];

			if (*g > 1 || *lc > 1)
				clash(v, m, ix->db_name, index_attr_name(ix),
				      ix->span, g, lc);
		}
		for (size_t j = 0; j < nf->fkn[i]; j++, lc++) {
			const st_psl_rrel *r = fks[j];

			if (*lc > 1)
				clash(v, m, r->fk_name, "@relation", r->span,
				      NULL, lc);
		}
	}
}
