/*
 * validate_int.h - state shared by the validator's files (validate.c,
 * validate_attrs.c, validate_defaults.c, validate_relations.c,
 * native_types.c, names.c).  Semi-private: psl__ prefix, not for other
 * modules.
 *
 * The validator runs in Prisma's phases; a later phase runs only when the
 * earlier ones reported no error, so the set of messages matches Prisma's
 * for the same schema:
 *   1. names      duplicate blocks/fields/values, reserved names
 *   2. types      field types resolve to a scalar, enum or model
 *   3. attributes @id @unique @default @map @db.* @relation @@...
 *   4. relations  pairing of relation fields, names, ambiguity
 *   5. checks     unique criteria, fields/references, one-to-one,
 *                 constraint names, database names, composite types
 * The datasource and generators are checked independently (always).
 * Phases 1 to 3 run model by model (block names first), each model's
 * part of the tree read once while it is in the cache; a check Prisma
 * makes in phase 5 may run earlier with its errors deferred (v->defer).
 * On a big schema, model-by-model work runs in parts on threads
 * (psl__par_models below); a part writes only its own models and its own
 * psl__v, whose results are joined in model order.
 */
#ifndef ST_PSL_VALIDATE_INT_H
#define ST_PSL_VALIDATE_INT_H

#include <stdbool.h>

#include "psl/ast.h"
#include "psl/model.h"
#include "util/diag.h"
#include "util/map.h"
#include "util/vec.h"

typedef struct psl__v {
	st_ctx *cx;
	st_arena *a;
	st_psl_model *m;
	const st_psl_schema *ast;
	size_t nerrors;
	st_vec composites;   /* st_psl_block * of `type` blocks */
	st_map type_map;     /* composite type name -> block */
	st_vec relfields;    /* st_psl_rfield * with T_RELATION */
	st_vec m2m;          /* st_psl_m2m * */
	/* relfields holds the relation fields model by model, those of
	 * models[k] at [rel_first[k], rel_first[k + 1]) (set by validate.c
	 * after phases 1 to 3, from counts their parts make).
	 * validate_relations.c: the fields of one model with the same
	 * related model and relation name (none and "" alike) form a group:
	 * relgroup[i] is the index of the first field of relfields[i]'s
	 * group, relgroup_len[j] the size of the group that field j leads. */
	size_t *rel_first;
	struct psl__relkeys *relkeys; /* per model (psl__relation_keys) */
	size_t *relgroup;
	size_t *relgroup_len;
	/* weight[i]: the work of models[0, i) (fields, attributes and one
	 * for the model, each), summed by names() in phase 1, for cutting
	 * psl__par_models' parts */
	size_t *weight;
	st_vec natives;      /* (rfield, st_psl_native * or NULL) pairs: @db.X
	                      * decoded in phase 3, set on the field in 5 */
	/* While set, psl__err() keeps errors in `deferred` (psl__defer_msg
	 * records, in order) instead of reporting them: for checks that
	 * Prisma makes in phase 5, done while their part of the tree is in
	 * the cache (native types). */
	bool defer;
	st_vec deferred;
	st_vec unresolved;   /* rfields whose type is unknown (an error) */
	bool any_schema;     /* names.c: some model/enum has a @@schema */
	bool any_ix_name;    /* some @@id/@@unique/@@index has a name: */
	/* native_types.c: the last few "SQL(args)" texts made, for reuse by
	 * fields with the same type and arguments */
	struct {
		const void *row;
		long args[2];
		size_t nargs;
		const char *sql;
	} nat_cache[8];
	unsigned nat_next;
} psl__v;

typedef struct psl__defer_msg {
	st_span span;
	const char *msg;
} psl__defer_msg;

/*
 * Runs fn(pv, from, to, arg) over models[0, nmodels): on a big schema in
 * parts on threads (util/par.h), each part a range of models and a psl__v
 * of its own (validate.c "parts"): its own st_ctx and arena, empty
 * vectors, zero nerrors and flags; whatever else fn needs from v comes
 * through arg, read only.  The parts' diagnostics, vectors, nerrors and
 * flags are joined into v in model order.  fn must write nothing shared
 * but the models of its range (and what hangs from them).  per_model:
 * about how many bytes fn allocates per model, so that a part's arena
 * can start big enough (0 when it allocates little: a part's arena of
 * huge pages would cost more to clear than it saves).
 */
typedef void psl__part_fn(psl__v *pv, size_t from, size_t to, void *arg);
void psl__par_models(psl__v *v, psl__part_fn *fn, void *arg,
		     size_t per_model);

/* Reports an error / warning (code P1012) at span. */
void psl__err(psl__v *v, st_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void psl__warn(psl__v *v, st_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "a\x1fb" or "a\x1fb\x1fc" (c may be NULL): a map key, in v's arena,
 * built without printf (the validator makes thousands of them). */
const char *psl__key(psl__v *v, const char *a, const char *b, const char *c);
/* The same key written into buf (size bytes): its length, or (size_t)-1
 * when it does not fit. */
size_t psl__keybuf(char *buf, size_t size, const char *a, const char *b,
		   const char *c);

/* Sizes m (still empty) for n keys, so filling it never rehashes; the
 * map behaves as if it had grown to that size on its own. */
void psl__map_reserve(st_map *m, size_t n);

/* Prisma's word for an expression's kind in "Expected a string value,
 * but received numeric value `42`.": string, numeric, literal, array,
 * functional. */
const char *psl__value_kind(const st_psl_expr *e);

/* Whether f's type was reported unknown: its attributes are not read
 * (Prisma does not treat it as a scalar field). */
bool psl__unresolved(const psl__v *v, const st_psl_rfield *f);

/* validate_attrs.c: field and block attributes of every model (phase 3) */
void psl__attrs_model(psl__v *v, st_psl_rmodel *m);
void psl__attrs_enum(psl__v *v, st_psl_renum *e);
/* Phase 5 part of the attributes (Prisma's validation pipeline): native
 * types (decoded by psl__native_later in phase 3, their errors deferred),
 * custom names that are field names. */
void psl__native_later(psl__v *v, st_psl_rfield *f, const st_psl_attr *a);
void psl__attrs_late(psl__v *v);
/* A string argument value; reports "Expected a string value" otherwise. */
const char *psl__str_arg(psl__v *v, const st_psl_attr *a, const char *name,
			 size_t pos, bool *bad);

/* validate_defaults.c: decodes @default for field f (phase 3) */
void psl__default(psl__v *v, st_psl_rfield *f, const st_psl_attr *a);

/* validate_relations.c: @relation of a relation field (phase 3, after
 * the field's attributes), pairing (phase 4) and checks (phase 5) */
void psl__relation_read(psl__v *v, st_psl_rfield *f);
/* One model's relation fields keyed for pairing, made by the model's part
 * of phases 1 to 3 once its @relation attributes are read, and read by
 * psl__relations_pair: keys sorted by (related model, name); j counting
 * the model's relation fields in order, at[j] is field j's key, lead[j]
 * the first field of j's group, len[j] the size of the group j leads
 * (0 when it leads none).  All NULL for a model without any. */
typedef struct psl__relkeys {
	struct psl__relkey *keys;
	size_t *at, *lead, *len;
} psl__relkeys;
void psl__relation_keys(psl__v *v, st_psl_rfield *const *fs, size_t n,
			psl__relkeys *out);
void psl__relations_pair(psl__v *v);
/* The relation checks of phase 5; also(pv, from, to, arg) runs once over
 * all models, in the checks' parts (or alone when they stop early), for
 * work of phase 5 that reports nothing (psl__names_fill). */
void psl__relations_check(psl__v *v, psl__part_fn *also, void *arg);

/* native_types.c: decodes @db.X on f: the native type, or NULL after
 * reporting why not */
st_psl_native *psl__native(psl__v *v, const st_psl_rfield *f,
			   const st_psl_attr *a);

/*
 * names.c: constraint namespaces and database name clashes (phase 5), in
 * three steps: psl__names_prepare (on this thread), psl__names_fill over
 * all models (a psl__part_fn: run in the parts of the relation checks,
 * psl__relations_check), then psl__names_check (the messages).
 */
typedef struct psl__names psl__names;
psl__names *psl__names_prepare(psl__v *v);
void psl__names_fill(psl__v *pv, size_t from, size_t to, void *names);
void psl__names_check(psl__v *v, psl__names *names);

#endif
