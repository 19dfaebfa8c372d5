/*
 * validate.c - the validator's entry point: configuration blocks
 * (datasource, generators), names (phase 1), types (phase 2) and the
 * order of the later phases (see validate_int.h).  Builds the resolved
 * model of model.h.  Messages are Prisma's, so users can search them.
 *
 * Split and join ("parts" below): on a big schema, the work that goes
 * model by model runs on threads, each part a range of models with a
 * psl__v of its own (st_ctx, arena, vectors, counters); psl__par_models
 * joins the parts' diagnostics and vectors in model order, so the result
 * is byte for byte a one-thread run's.  Split so: phases 1 to 3 (their
 * resolved fields in one allocation made before, field_slab) with the
 * first step of relation pairing, its second step and the relation
 * checks (validate_relations.c), the per-model constraint names and the
 * count of the global ones (names.c).  Block names (phase 1), enums and the
 * whole-schema checks stay on this thread, and are kept from walking all
 * models again: names() sums what the later phases need of the models'
 * blocks (field counts, the parts' weights) while it reads them, and the
 * parts of phases 1 to 3 note per model what phases 4 and 5 would
 * otherwise look for in every model (its number of relation fields,
 * whether schema_checks has anything to say about it), so that those
 * passes read small arrays and only the few models that need it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psl/psl.h"
#include "psl/validate_int.h"
#include "util/par.h"

/* ==== diagnostics ==== */

static void
vreport(psl__v *v, st_severity sev, st_span span, const char *fmt,
	va_list ap)
{
	st_diag *d;

	if (v->defer && sev == ST_SEV_ERROR) {
		psl__defer_msg *dm = st_alloc(v->a, sizeof(*dm));

		dm->span = span;
		dm->msg = st_vstrfmt(v->a, fmt, ap);
		st_vec_push(&v->deferred, dm);
		return;
	}
	d = st_diag_add(v->cx, sev, span, "%s", st_vstrfmt(v->a, fmt, ap));

	if (sev == ST_SEV_ERROR) {
		d->code = ST_PSL_PCODE;
		v->nerrors++;
	}
}

void
psl__err(psl__v *v, st_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(v, ST_SEV_ERROR, span, fmt, ap);
	va_end(ap);
}

void
psl__warn(psl__v *v, st_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(v, ST_SEV_WARNING, span, fmt, ap);
	va_end(ap);
}

size_t
psl__keybuf(char *buf, size_t size, const char *a, const char *b,
	    const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = c ? strlen(c) : 0;
	char *p = buf;

	if (la + lb + lc + 3 > size)
		return (size_t)-1;
	memcpy(p, a, la);
	p += la;
	*p++ = '\x1f';
	memcpy(p, b, lb);
	p += lb;
	if (c) {
		*p++ = '\x1f';
		memcpy(p, c, lc);
		p += lc;
	}
	*p = '\0';
	return (size_t)(p - buf);
}

const char *
psl__key(psl__v *v, const char *a, const char *b, const char *c)
{
	char buf[256];
	size_t n = psl__keybuf(buf, sizeof(buf), a, b, c);

	if (n != (size_t)-1)
		return st_memdup(v->a, buf, n);

	size_t la = strlen(a), lb = strlen(b), lc = c ? strlen(c) : 0;
	char *k = st_alloc(v->a, la + lb + lc + 3), *p = k;

	memcpy(p, a, la);
	p += la;
	*p++ = '\x1f';
	memcpy(p, b, lb);
	p += lb;
	if (c) {
		*p++ = '\x1f';
		memcpy(p, c, lc);
		p += lc;
	}
	*p = '\0';
	return k;
}

void
psl__map_reserve(st_map *m, size_t n)
{
	size_t cap = 16;

	/* below 12 keys the map's first growth gives the same 16 slots */
	if (m->cap || n < 12)
		return;
	while ((n + 1) * 4 > cap * 3)
		cap *= 2;
	m->slots = st_alloc_array(m->arena, cap, sizeof(*m->slots));
	m->cap = cap;
}

const char *
psl__value_kind(const st_psl_expr *e)
{
	switch (e->kind) {
	case ST_PSL_EXPR_STRING: return "string";
	case ST_PSL_EXPR_NUMBER: return "numeric";
	case ST_PSL_EXPR_CONST: return "literal";
	case ST_PSL_EXPR_ARRAY: return "array";
	default: return "functional";
	}
}

/* ==== small lookups ==== */

/*
 * Models with at most this many fields have no field_map: their fields are
 * searched in order, which is as fast for so few names and saves the map
 * (16 slots, 384 bytes) that most models would need.
 */
#define FIELD_SCAN_MAX 16

st_psl_rfield *
st_psl_rmodel_field(const st_psl_rmodel *m, const char *name)
{
	if (m->field_map.len)
		return st_map_get(&m->field_map, name);
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i]->name[0] == name[0] &&
		    !strcmp(m->fields[i]->name, name))
			return m->fields[i];
	return NULL;
}

st_psl_rmodel *
st_psl_model_find(const st_psl_model *m, const char *name)
{
	return st_map_get(&m->model_map, name);
}

st_psl_renum *
st_psl_enum_find(const st_psl_model *m, const char *name)
{
	return st_map_get(&m->enum_map, name);
}

bool
st_psl_has_preview(const st_psl_model *m, const char *feature)
{
	for (size_t i = 0; i < m->ngenerators; i++)
		for (size_t j = 0; j < m->generators[i]->npreview_features; j++)
			if (!strcasecmp(m->generators[i]->preview_features[j],
					feature))
				return true;
	return false;
}

const char *
st_psl_action_name(st_psl_action a)
{
	static const char *const n[] = { NULL, "Cascade", "Restrict",
					 "NoAction", "SetNull", "SetDefault" };

	return (size_t)a < 6 ? n[a] : NULL;
}

const char *
st_psl_action_sql(st_psl_action a)
{
	static const char *const n[] = { NULL, "CASCADE", "RESTRICT",
					 "NO ACTION", "SET NULL", "SET DEFAULT" };

	return (size_t)a < 6 ? n[a] : NULL;
}

const char *
st_psl_index_type_name(st_psl_index_type t)
{
	static const char *const n[] = { NULL, "BTree", "Hash", "Gist",
					 "Gin", "SpGist", "Brin" };

	return (size_t)t < 7 ? n[t] : NULL;
}

const char *
st_psl_index_type_sql(st_psl_index_type t)
{
	static const char *const n[] = { "BTREE", "BTREE", "HASH", "GIST",
					 "GIN", "SPGIST", "BRIN" };

	return (size_t)t < 7 ? n[t] : NULL;
}

/* ==== configuration: datasource ==== */

/*
 * Preview features, as Prisma 7.10 sees them: active ones (accepted),
 * deprecated ones (accepted with Prisma's warning: the feature became
 * generally available or was dropped), and "fullTextSearch" (renamed).
 * Prisma 7 rejects "metrics", which Prisma 5/6 knew; strata validates
 * schemas written for either major, so that one is a warning too.  A name
 * in no list is an error, as in both Prismas.
 */
static const char *const preview_active[] = {
	"fullTextSearchPostgres", "nativeDistinct", "partialIndexes",
	"postgresqlExtensions", "relationJoins", "schemaEngineDriverAdapters",
	"shardKeys", "strictUndefinedChecks", "typedSql", "views", NULL,
};

static const char *const preview_deprecated[] = {
	"clientExtensions", "cockroachdb", "createMany", "dataProxy", "deno",
	"driverAdapters", "extendedIndexes", "extendedWhereUnique",
	"fieldReference", "filterJson", "filteredRelationCount",
	"fullTextIndex", "groupBy", "improvedQueryRaw",
	"interactiveTransactions", "jsonProtocol", "microsoftSqlServer",
	"mongoDb", "multiSchema", "namedConstraints", "napi", "nativeTypes",
	"omitApi", "orderByAggregateGroup", "orderByNulls", "orderByRelation",
	"prismaSchemaFolder", "queryCompiler", "referentialActions",
	"referentialIntegrity", "selectRelationCount", "tracing",
	"uncheckedScalarInputs", NULL,
};

static const char *const preview_removed_in_7[] = { "metrics", NULL };

static bool
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcasecmp(*list, s))
			return true;
	return false;
}

/* A string value or env("X"); false (nothing reported) otherwise. */
static bool
confval(const st_psl_expr *e, st_psl_confval *out)
{
	const char *s;

	if (!e)
		return false;
	if (st_psl_expr_string(e, &s, NULL)) {
		out->present = true;
		out->value = s;
		out->span = e->span;
		return true;
	}
	if (st_psl_expr_is_call(e, "env") && e->args.n == 1 &&
	    e->args.items[0]->value &&
	    st_psl_expr_string(e->args.items[0]->value, &s, NULL)) {
		out->present = true;
		out->is_env = true;
		out->value = s;
		out->span = e->span;
		return true;
	}
	return false;
}

static void
expected_string(psl__v *v, const st_psl_prop *p)
{
	psl__err(v, p->value ? p->value->span : p->span,
		 "Expected a string value, but received %s value `%s`.",
		 p->value ? psl__value_kind(p->value) : "no",
		 p->value ? st_psl_expr_raw(v->a, p->value) : "");
}

static void
datasource_extensions(psl__v *v, st_psl_datasource *ds, const st_psl_prop *p)
{
	const st_psl_expr *e = p->value;
	st_vec exts = ST_VEC_INIT(v->a);

	if (e->kind != ST_PSL_EXPR_ARRAY) {
		psl__err(v, e->span, "Expected an array of extensions, but "
			 "found %s.", st_psl_expr_raw(v->a, e));
		return;
	}
	for (size_t i = 0; i < e->nitems; i++) {
		const st_psl_expr *it = e->items[i];
		st_psl_extension *x = st_alloc(v->a, sizeof(*x));

		x->span = it->span;
		if (it->kind == ST_PSL_EXPR_CONST) {
			x->name = it->str;
		} else if (it->kind == ST_PSL_EXPR_CALL) {
			x->name = it->func.name;
			for (size_t j = 0; j < it->args.n; j++) {
				const st_psl_arg *a = it->args.items[j];
				const char *s = NULL;

				if (!a->name.name || !a->value ||
				    !st_psl_expr_string(a->value, &s, NULL)) {
					psl__err(v, a->span, "Expected a named "
						 "string argument (map, schema or "
						 "version) for extension \"%s\".",
						 x->name);
					continue;
				}
				if (!strcmp(a->name.name, "map"))
					x->map = s;
				else if (!strcmp(a->name.name, "schema"))
					x->schema = s;
				else if (!strcmp(a->name.name, "version"))
					x->version = s;
				else
					psl__err(v, a->name.span, "The argument "
						 "\"%s\" is not known for "
						 "extensions.", a->name.name);
			}
		} else {
			psl__err(v, it->span, "Expected an extension name, but "
				 "found %s.", st_psl_expr_raw(v->a, it));
			continue;
		}
		x->db_name = x->map ? x->map : x->name;
		st_vec_push(&exts, x);
	}
	ds->extensions = (st_psl_extension **)exts.items;
	ds->nextensions = exts.len;
}

static void
datasource_schemas(psl__v *v, st_psl_datasource *ds, const st_psl_prop *p)
{
	const st_psl_expr *e = p->value;
	st_vec names = ST_VEC_INIT(v->a);
	st_map seen;

	st_map_init(&seen, v->a);
	if (e->kind != ST_PSL_EXPR_ARRAY) {
		expected_string(v, p);
		return;
	}
	for (size_t i = 0; i < e->nitems; i++) {
		const char *s;

		if (!st_psl_expr_string(e->items[i], &s, NULL)) {
			psl__err(v, e->items[i]->span, "Expected a string value, "
				 "but received %s value `%s`.",
				 psl__value_kind(e->items[i]),
				 st_psl_expr_raw(v->a, e->items[i]));
			continue;
		}
		if (st_map_put(&seen, s, (void *)s))
			psl__err(v, e->items[i]->span, "Duplicated schema names "
				 "are not allowed");
		st_vec_push(&names, (void *)s);
	}
	ds->schemas = (const char **)names.items;
	ds->nschemas = names.len;
}

static void
datasource(psl__v *v, const st_psl_block *b)
{
	st_psl_datasource *ds = st_alloc(v->a, sizeof(*ds));
	const st_psl_prop *provider = st_psl_block_prop(b, "provider");
	st_span head = st_psl_span_join(b->keyword.span, b->name.span);

	ds->name = b->name.name;
	ds->ast = b;
	ds->span = b->span;
	v->m->datasource = ds;

	if (!provider) {
		psl__err(v, head, "Argument \"provider\" is missing in data "
			 "source block \"%s\".", b->name.name);
	} else if (provider->value) {
		const char *s;

		if (!st_psl_expr_string(provider->value, &s, NULL)) {
			expected_string(v, provider);
		} else if (!strcmp(s, "postgresql") || !strcmp(s, "postgres")) {
			ds->provider = s;
		} else if (!strcmp(s, "mysql") || !strcmp(s, "sqlite") ||
			   !strcmp(s, "sqlserver") || !strcmp(s, "mongodb") ||
			   !strcmp(s, "cockroachdb")) {
			psl__err(v, provider->value->span,
				 "Datasource provider \"%s\" is not supported by "
				 "strata, which works with PostgreSQL only "
				 "(provider = \"postgresql\").", s);
		} else {
			psl__err(v, provider->value->span,
				 "Datasource provider not known: \"%s\".", s);
		}
	}

	for (size_t i = 0; i < b->nprops; i++) {
		const st_psl_prop *p = b->props[i];
		const char *k = p->name.name;

		if (!p->value || !strcmp(k, "provider"))
			continue;
		if (!strcmp(k, "url") || !strcmp(k, "shadowDatabaseUrl") ||
		    !strcmp(k, "directUrl")) {
			st_psl_confval *cv = !strcmp(k, "url") ? &ds->url
					   : !strcmp(k, "directUrl") ? &ds->direct_url
					   : &ds->shadow_url;

			if (!confval(p->value, cv))
				expected_string(v, p);
		} else if (!strcmp(k, "relationMode") ||
			   !strcmp(k, "referentialIntegrity")) {
			const char *s;

			if (!st_psl_expr_string(p->value, &s, NULL))
				expected_string(v, p);
			else if (!strcmp(s, "prisma"))
				ds->relation_mode_prisma = true;
			else if (strcmp(s, "foreignKeys") != 0)
				psl__err(v, head, "Error validating datasource "
					 "`relationMode`: Invalid relation mode "
					 "setting: \"%s\". Supported values: "
					 "\"prisma\", \"foreignKeys\"", s);
		} else if (!strcmp(k, "extensions")) {
			datasource_extensions(v, ds, p);
		} else if (!strcmp(k, "schemas")) {
			datasource_schemas(v, ds, p);
		} else {
			psl__err(v, p->name.span, "Property not known: \"%s\".", k);
		}
	}
}

/* ==== configuration: generators ==== */

static st_psl_generator *
generator(psl__v *v, const st_psl_block *b)
{
	st_psl_generator *g = st_alloc(v->a, sizeof(*g));
	st_vec props = ST_VEC_INIT(v->a), feats = ST_VEC_INIT(v->a);
	st_span head = st_psl_span_join(b->keyword.span, b->name.span);

	g->name = b->name.name;
	g->ast = b;
	g->span = b->span;
	for (size_t i = 0; i < b->nprops; i++) {
		const st_psl_prop *p = b->props[i];
		st_psl_genprop *gp = st_alloc(v->a, sizeof(*gp));
		st_psl_confval cv = { 0 };

		gp->key = p->name.name;
		gp->value = p->value;
		if (confval(p->value, &cv))
			gp->str = cv.value;
		st_vec_push(&props, gp);
		if (!p->value)
			continue;
		if (!strcmp(gp->key, "provider")) {
			if (!cv.present)
				expected_string(v, p);
			g->provider = cv;
		} else if (!strcmp(gp->key, "previewFeatures")) {
			const st_psl_expr *e = p->value;

			if (e->kind != ST_PSL_EXPR_ARRAY) {
				psl__err(v, e->span, "Expected an array of "
					 "strings, but found %s.",
					 st_psl_expr_raw(v->a, e));
				continue;
			}
			for (size_t j = 0; j < e->nitems; j++) {
				const char *s;

				if (!st_psl_expr_string(e->items[j], &s, NULL)) {
					psl__err(v, e->items[j]->span, "Expected a "
						 "string value, but received %s "
						 "value `%s`.",
						 psl__value_kind(e->items[j]),
						 st_psl_expr_raw(v->a,
								 e->items[j]));
					continue;
				}
				st_vec_push(&feats, (void *)s);
				if (in_list(preview_active, s))
					continue;
				if (in_list(preview_deprecated, s)) {
					psl__warn(v, e->items[j]->span, "Preview "
						  "feature \"%s\" is deprecated. The "
						  "functionality can be used without "
						  "specifying it as a preview feature.",
						  s);
					continue;
				}
				if (!strcmp(s, "fullTextSearch")) {
					psl__warn(v, e->items[j]->span, "On "
						  "`provider = \"postgresql\"`, preview "
						  "feature \"fullTextSearch\" has been "
						  "renamed to \"fullTextSearchPostgres\". "
						  "Learn more at "
						  "https://pris.ly/d/fts-postgres.");
					continue;
				}
				if (in_list(preview_removed_in_7, s)) {
					psl__warn(v, e->items[j]->span, "The preview "
						  "feature \"%s\" is not known to Prisma "
						  "7 (it was removed); strata accepts it "
						  "for Prisma 6 schemas and ignores it.", s);
					continue;
				}
				st_strbuf sb;

				st_strbuf_init_arena(&sb, v->a);
				for (size_t k = 0; preview_active[k]; k++)
					st_strbuf_addf(&sb, "%s%s", k ? ", " : "",
						       preview_active[k]);
				psl__err(v, e->items[j]->span, "The preview "
					 "feature \"%s\" is not known. Expected "
					 "one of: %s", s, sb.buf);
			}
		}
	}
	if (!g->provider.present && !st_psl_block_prop(b, "provider"))
		psl__err(v, head, "Argument \"provider\" is missing in generator "
			 "block \"%s\".", b->name.name);
	g->props = (st_psl_genprop **)props.items;
	g->nprops = props.len;
	g->preview_features = (const char **)feats.items;
	g->npreview_features = feats.len;
	return g;
}

/* How many blocks of each kind the schema has (configuration() counts
 * them, names() sizes its maps with them). */
typedef struct block_counts {
	size_t models, enums, types;
} block_counts;

static void
configuration(psl__v *v, block_counts *bc)
{
	const st_psl_schema *s = v->ast;
	st_vec gens = ST_VEC_INIT(v->a), conf = ST_VEC_INIT(v->a);
	st_map gnames;
	size_t nds = 0;

	/* one pass over all blocks (thousands on a big schema): the counts,
	 * and the few configuration blocks, read next in order */
	st_map_init(&gnames, v->a);
	memset(bc, 0, sizeof(*bc));
	for (size_t i = 0; i < s->nblocks; i++) {
		st_psl_block_kind k;

		/* the first read of each block on this thread: ask early */
		if (i + 16 < s->nblocks)
			__builtin_prefetch(s->blocks[i + 16]);
		k = s->blocks[i]->kind;
		nds += k == ST_PSL_DATASOURCE;
		bc->models += k == ST_PSL_MODEL || k == ST_PSL_VIEW;
		bc->enums += k == ST_PSL_ENUM;
		bc->types += k == ST_PSL_TYPE;
		if (k == ST_PSL_DATASOURCE || k == ST_PSL_GENERATOR)
			st_vec_push(&conf, s->blocks[i]);
	}
	for (size_t i = 0; i < conf.len; i++) {
		const st_psl_block *b = conf.items[i];

		if (b->kind == ST_PSL_DATASOURCE) {
			if (nds > 1) {
				psl__err(v, st_psl_span_join(b->keyword.span,
							     b->name.span),
					 "Error validating datasource `%s`: You "
					 "defined more than one datasource. This is "
					 "not allowed yet because support for "
					 "multiple databases has not been "
					 "implemented yet.", b->name.name);
				if (!v->m->datasource)
					datasource(v, b);
				continue;
			}
			datasource(v, b);
		} else if (b->kind == ST_PSL_GENERATOR) {
			if (st_map_get(&gnames, b->name.name))
				psl__err(v, b->name.span, "The generator \"%s\" "
					 "cannot be defined because a generator "
					 "with that name already exists.",
					 b->name.name);
			st_map_put(&gnames, b->name.name, (void *)b);
			st_vec_push(&gens, generator(v, b));
		}
	}
	v->m->generators = (st_psl_generator **)gens.items;
	v->m->ngenerators = gens.len;
	if (v->m->datasource && v->m->datasource->nextensions &&
	    !st_psl_has_preview(v->m, "postgresqlExtensions")) {
		const st_psl_prop *p = st_psl_block_prop(v->m->datasource->ast,
							 "extensions");

		psl__err(v, p->span, "The `extensions` property is only available "
			 "with the `postgresqlExtensions` preview feature.");
	}
}

/* ==== phase 1: names ==== */

static const char *
kind_word(st_psl_block_kind k)
{
	switch (k) {
	case ST_PSL_MODEL: return "model";
	case ST_PSL_VIEW: return "view";
	case ST_PSL_ENUM: return "enum";
	case ST_PSL_TYPE: return "composite type";
	default: return st_psl_block_kind_name(k);
	}
}

/* Names Prisma Client reserves (parser-database reserved_model_names). */
static const char *const reserved_names[] = {
	"PrismaClient", "break", "case", "catch", "class", "const", "continue",
	"debugger", "default", "delete", "do", "else", "enum", "export",
	"extends", "false", "finally", "for", "function", "if", "implements",
	"import", "in", "instanceof", "interface", "let", "new", "null",
	"package", "private", "protected", "public", "return", "super",
	"switch", "this", "throw", "true", "try", "typeof", "var", "void",
	"while", "with", "yield", NULL,
};

/* The first bytes of reserved_names: most block names start otherwise. */
static const unsigned char reserved_first[256] = {
	['P'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['i'] = 1, ['l'] = 1, ['n'] = 1, ['p'] = 1, ['r'] = 1, ['s'] = 1,
	['t'] = 1, ['v'] = 1, ['w'] = 1, ['y'] = 1,
};

static bool
reserved(psl__v *v, const st_psl_block *b)
{
	if (!reserved_first[(unsigned char)b->name.name[0]])
		return false;
	for (size_t i = 0; reserved_names[i]; i++) {
		/* first byte first: this runs for every block */
		if (reserved_names[i][0] != b->name.name[0] ||
		    strcmp(reserved_names[i], b->name.name) != 0)
			continue;
		if (b->kind == ST_PSL_ENUM)
			psl__err(v, b->name.span, "Error validating enum \"%s\": "
				 "The enum name `%s` is invalid. It is a reserved "
				 "name. Please change it. Read more at "
				 "https://www.prisma.io/docs/reference/tools-and-"
				 "interfaces/prisma-schema/data-model#naming-enums",
				 b->name.name, b->name.name);
		else
			psl__err(v, b->name.span, "Error validating model \"%s\": "
				 "The %s name `%s` is invalid. It is a reserved "
				 "name. Please change it. Read more at "
				 "https://pris.ly/d/naming-models", b->name.name,
				 b->kind == ST_PSL_VIEW ? "view" : "model",
				 b->name.name);
		return true;
	}
	return false;
}

/*
 * Prisma: identifiers must not start with a digit nor contain '-'.  The
 * name's length goes to *len (the callers key maps with it), found in
 * the same walk over the name as the '-'.
 */
static bool
bad_ident(psl__v *v, const st_psl_ident *id, const char *what, size_t *len)
{
	const char *p = id->name;

	if (!p)
		return true;
	if (p[0] >= '0' && p[0] <= '9') {
		psl__err(v, id->span, "Error validating: The name of a %s must "
			 "not start with a number.", what);
		return true;
	}
	for (; *p; p++)
		if (*p == '-') {
			psl__err(v, id->span, "The character `-` is not "
				 "allowed in %s names.", what);
			return true;
		}
	*len = (size_t)(p - id->name);
	return false;
}

/* The model of block b, without its fields yet (model_fields()). */
static st_psl_rmodel *
new_model(psl__v *v, const st_psl_block *b)
{
	st_psl_rmodel *m = st_alloc(v->a, sizeof(*m));

	m->name = b->name.name;
	m->db_name = m->name;
	m->is_view = b->kind == ST_PSL_VIEW;
	m->doc = b->doc;
	m->ast = b;
	m->span = b->span;
	m->name_span = b->name.span;
	/* field_map is set up by model_fields(), in the arena of the part
	 * that reads the model (see "parts") */
	return m;
}

/*
 * Phase 1 for m's fields: names (duplicates, bad identifiers).  fields
 * and fmem have room for one resolved field per AST field (zeroed): the
 * array, and the fields themselves (a duplicate's slot is reused by the
 * next field).
 */
static void
model_fields(psl__v *v, st_psl_rmodel *m, st_psl_rfield **fields,
	     st_psl_rfield *fmem)
{
	const st_psl_block *b = m->ast;
	size_t nfields = 0;
	const char *container = b->kind == ST_PSL_VIEW ? "view" : "model";
	bool use_map = b->nfields > FIELD_SCAN_MAX;

	st_map_init(&m->field_map, v->a);
	if (use_map)
		psl__map_reserve(&m->field_map, b->nfields);
	for (size_t i = 0; i < b->nfields; i++) {
		const st_psl_field *af = b->fields[i];
		st_psl_rfield *f, *prev = NULL;
		size_t len;

		if (!af->name.name || bad_ident(v, &af->name, "Field", &len))
			continue;
		/* with a map, insert first (one probe for the usual new
		 * name); a duplicate puts the first field back and is
		 * dropped */
		f = &fmem[nfields];
		if (use_map) {
			prev = st_map_putn(&m->field_map, af->name.name, len,
					   f);
			if (prev)
				st_map_putn(&m->field_map, af->name.name, len,
					    prev);
		} else {
			for (size_t j = 0; j < nfields && !prev; j++)
				if (fields[j]->name[0] == af->name.name[0] &&
				    !strcmp(fields[j]->name, af->name.name))
					prev = fields[j];
		}
		if (prev) {
			psl__err(v, af->name.span, "Field \"%s\" is already "
				 "defined on %s \"%s\".", af->name.name,
				 container, m->name);
			continue;
		}
		f->name = af->name.name;
		f->db_name = f->name;
		f->model = m;
		f->pos = (uint32_t)nfields;
		f->arity = af->type.arity;
		f->type_name = af->type.name.name;
		f->doc = af->doc;
		f->ast = af;
		f->span = af->span;
		fields[nfields++] = f;
	}
	m->fields = nfields ? fields : NULL;
	m->nfields = nfields;
}

static st_psl_renum *
new_enum(psl__v *v, const st_psl_block *b)
{
	st_psl_renum *e = st_alloc(v->a, sizeof(*e));
	st_map seen;
	st_vec vals = ST_VEC_INIT(v->a);

	e->name = b->name.name;
	e->db_name = e->name;
	e->doc = b->doc;
	e->ast = b;
	e->span = b->span;
	st_map_init(&seen, v->a);
	for (size_t i = 0; i < b->nvalues; i++) {
		const st_psl_enum_value *av = b->values[i];
		st_psl_rvalue *rv;
		size_t len;

		if (!av->name.name ||
		    bad_ident(v, &av->name, "Enum Value", &len))
			continue;
		if (st_map_getn(&seen, av->name.name, len)) {
			psl__err(v, av->name.span, "Value \"%s\" is already "
				 "defined on enum \"%s\".", av->name.name,
				 e->name);
			continue;
		}
		rv = st_alloc(v->a, sizeof(*rv));
		rv->name = av->name.name;
		rv->db_name = rv->name;
		rv->doc = av->doc;
		rv->span = av->span;
		st_map_putn(&seen, rv->name, len, rv);
		st_vec_push(&vals, rv);
	}
	e->values = (st_psl_rvalue **)vals.items;
	e->nvalues = vals.len;
	return e;
}

/*
 * The block already defined with that name (model, view, enum or
 * composite type), or NULL; with models false, among enums and
 * composite types only (names() finds an earlier model as it inserts).
 * Block names share one namespace; each kind has its map, and a name is
 * in at most one of them.
 */
static const st_psl_block *
earlier_block(psl__v *v, const char *name, size_t len, bool models)
{
	const st_psl_rmodel *m;
	const st_psl_renum *e;

	if (models && (m = st_map_getn(&v->m->model_map, name, len)))
		return m->ast;
	if ((e = st_map_getn(&v->m->enum_map, name, len)))
		return e->ast;
	return st_map_getn(&v->type_map, name, len);
}

/*
 * Phase 1 for the blocks: their names, the maps of block names, the
 * models (without their fields) and enums.  Meanwhile, while each block
 * is in the cache, the sums the later phases need of the models'
 * blocks, so that nobody walks all models' blocks again:
 * (*fields_before)[i] counts the fields of models[0, i) (the field slab
 * of phases 1 to 3), v->weight[i] their work (psl__par_models' cuts).
 */
static void
names(psl__v *v, const block_counts *bc, size_t **fields_before)
{
	const st_psl_schema *s = v->ast;
	st_vec enums = ST_VEC_INIT(v->a);
	size_t nm = bc->models, nmodels = 0, nf = 0, w = 0;
	st_psl_rmodel **models;
	size_t *fb, *wt;

	psl__map_reserve(&v->m->model_map, nm);
	psl__map_reserve(&v->m->enum_map, bc->enums);
	psl__map_reserve(&v->type_map, bc->types);
	models = nm ? st_alloc_array(v->a, nm, sizeof(*models)) : NULL;
	fb = st_alloc_array(v->a, nm + 1, sizeof(*fb));
	wt = st_alloc_array(v->a, nm + 1, sizeof(*wt));
	for (size_t i = 0; i < s->nblocks; i++) {
		const st_psl_block *b = s->blocks[i];
		const st_psl_block *prev;
		st_psl_rmodel *m = NULL, *pm;
		bool is_model;
		size_t len;

		/* this thread waits on memory here, block after block (the
		 * parser's parts left them in other caches, and this loop is
		 * too long for the CPU to run ahead on its own): ask for the
		 * blocks (192 bytes, all read) and their names early */
		if (i + 8 < s->nblocks) {
			const char *pf = (const char *)s->blocks[i + 8];

			__builtin_prefetch(pf);
			__builtin_prefetch(pf + 64);
			__builtin_prefetch(pf + 128);
		}
		if (i + 4 < s->nblocks)
			__builtin_prefetch(s->blocks[i + 4]->name.name);
		if (b->kind == ST_PSL_DATASOURCE || b->kind == ST_PSL_GENERATOR ||
		    !b->name.name)
			continue;
		if (bad_ident(v, &b->name, b->kind == ST_PSL_VIEW ? "View"
				: b->kind == ST_PSL_ENUM ? "Enum"
				: b->kind == ST_PSL_TYPE ? "Composite Type" : "Model",
			      &len))
			continue;
		if (b->kind != ST_PSL_TYPE && reserved(v, b))
			continue;
		is_model = b->kind == ST_PSL_MODEL || b->kind == ST_PSL_VIEW;
		prev = earlier_block(v, b->name.name, len, !is_model);
		if (!prev && is_model) {
			/* insert first: one probe for the usual new name; an
			 * earlier model is put back, and this one dropped */
			m = new_model(v, b);
			pm = st_map_putn(&v->m->model_map, m->name, len, m);
			if (pm) {
				st_map_putn(&v->m->model_map, m->name, len, pm);
				prev = pm->ast;
			}
		}
		if (prev) {
			psl__err(v, b->name.span, "The %s \"%s\" cannot be "
				 "defined because a %s with that name already "
				 "exists.", kind_word(b->kind), b->name.name,
				 kind_word(prev->kind));
			continue;
		}
		switch (b->kind) {
		case ST_PSL_MODEL:
		case ST_PSL_VIEW:
			m->pos = nmodels;
			fb[nmodels] = nf;
			wt[nmodels] = w;
			nf += b->nfields;
			w += b->nfields + b->nattrs + 1;
			models[nmodels++] = m;
			break;
		case ST_PSL_ENUM: {
			st_psl_renum *e = new_enum(v, b);

			st_vec_push(&enums, e);
			st_map_putn(&v->m->enum_map, e->name, len, e);
			break;
		}
		case ST_PSL_TYPE:
			st_vec_push(&v->composites, (void *)b);
			st_map_putn(&v->type_map, b->name.name, len, (void *)b);
			break;
		default:
			break;
		}
	}
	fb[nmodels] = nf;
	wt[nmodels] = w;
	*fields_before = fb;
	v->weight = wt;
	v->m->models = nmodels ? models : NULL;
	v->m->nmodels = nmodels;
	v->m->enums = (st_psl_renum **)enums.items;
	v->m->nenums = enums.len;
}

/* ==== phase 2: types ==== */

static const struct {
	const char *name;
	st_psl_scalar t;
} scalars[] = {
	{ "String", ST_PSL_T_STRING }, { "Int", ST_PSL_T_INT },
	{ "BigInt", ST_PSL_T_BIGINT }, { "Float", ST_PSL_T_FLOAT },
	{ "Decimal", ST_PSL_T_DECIMAL }, { "Boolean", ST_PSL_T_BOOLEAN },
	{ "DateTime", ST_PSL_T_DATETIME }, { "Json", ST_PSL_T_JSON },
	{ "Bytes", ST_PSL_T_BYTES },
};

static void
resolve_field_type(psl__v *v, st_psl_rfield *f)
{
	const st_psl_type *t = &f->ast->type;
	const char *n = t->name.name;
	st_psl_rmodel *rel;

	if (!n)
		return;
	if (t->unsupported) {
		const char *s = NULL;

		f->type = ST_PSL_T_UNSUPPORTED;
		if (t->unsupported_arg)
			st_psl_expr_string(t->unsupported_arg, &s, NULL);
		f->unsupported = s ? s : "";
		return;
	}
	/* by first byte: the scalar names start with 6 letters */
	switch (n[0]) {
	case 'S': case 'I': case 'B': case 'F': case 'D': case 'J':
		for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
			if (n[0] == scalars[i].name[0] &&
			    !strcmp(n, scalars[i].name)) {
				f->type = scalars[i].t;
				return;
			}
		break;
	default:
		break;
	}
	/* models first: relation fields outnumber enum fields */
	if ((rel = st_map_get(&v->m->model_map, n))) {
		f->type = ST_PSL_T_RELATION;
		f->rel = st_alloc(v->a, sizeof(*f->rel));
		f->rel->field = f;
		f->rel->related = rel;
		st_vec_push(&v->relfields, f);
		return;
	}
	if ((f->enum_ref = st_map_get(&v->m->enum_map, n))) {
		f->type = ST_PSL_T_ENUM;
		return;
	}
	if (st_map_get(&v->type_map, n)) {
		/* a composite type: rejected for PostgreSQL in phase 5 */
		f->type = ST_PSL_T_JSON;
		return;
	}
	psl__err(v, t->name.span, "Type \"%s\" is neither a built-in type, nor "
		 "refers to another model, composite type, or enum.", n);
	st_vec_push(&v->unresolved, f);
}

bool
psl__unresolved(const psl__v *v, const st_psl_rfield *f)
{
	for (size_t i = 0; i < v->unresolved.len; i++)
		if (v->unresolved.items[i] == f)
			return true;
	return false;
}

/* Fields of composite types must resolve too (model fields are resolved
 * by resolve_field_type, model by model). */
static void
composite_types(psl__v *v)
{
	for (size_t i = 0; i < v->composites.len; i++) {
		const st_psl_block *b = v->composites.items[i];

		for (size_t j = 0; j < b->nfields; j++) {
			const st_psl_type *t = &b->fields[j]->type;
			const char *n = t->name.name;
			bool ok = !n || t->unsupported;

			for (size_t k = 0; !ok && k < sizeof(scalars) / sizeof(scalars[0]); k++)
				ok = !strcmp(n, scalars[k].name);
			if (!ok && (st_map_get(&v->m->enum_map, n) ||
				    st_map_get(&v->type_map, n) ||
				    st_map_get(&v->m->model_map, n)))
				ok = true;
			if (!ok)
				psl__err(v, t->name.span, "Type \"%s\" is neither "
					 "a built-in type, nor refers to another "
					 "model, composite type, or enum.", n);
		}
	}
}

/* ==== phase 5: model-level checks ==== */

static bool
all_required(const st_psl_rindex *ix)
{
	for (size_t i = 0; i < ix->nfields; i++)
		if (ix->fields[i].field->arity != ST_PSL_REQUIRED ||
		    ix->fields[i].field->type == ST_PSL_T_UNSUPPORTED)
			return false;
	return true;
}

/* Whether m has a unique criteria (pk or unique) of required fields
 * only, as Prisma asks of every model not ignored. */
static bool
has_criteria(const st_psl_rmodel *m)
{
	for (size_t i = 0; i <= m->nindexes; i++) {
		const st_psl_rindex *ix = i < m->nindexes ? m->indexes[i] : m->pk;

		if (ix && ix->kind != ST_PSL_IDX_NORMAL &&
		    ix->kind != ST_PSL_IDX_FULLTEXT && all_required(ix))
			return true;
	}
	return false;
}

/*
 * Whether schema_checks may have something to say about m: false only
 * when it has nothing to report.  Known at the end of phase 3 (m's pk,
 * indexes, @@schema and @@ignore do not change after), so it is decided
 * there, in m's part while m is in the cache, and the whole-schema pass
 * of phase 5 reads one byte per model instead of every model's indexes.
 */
static bool
model_look(const psl__v *v, const st_psl_rmodel *m)
{
	const st_psl_datasource *ds = v->m->datasource;

	if (m->is_view || (ds && ds->nschemas && !m->schema))
		return true;
	return !m->ignored && !has_criteria(m);
}

static void
model_checks(psl__v *v, st_psl_rmodel *m)
{
	st_strbuf loose;
	bool has = false;

	if (m->ignored || m->is_view)
		return;
	st_strbuf_init_arena(&loose, v->a);
	for (size_t i = 0; i <= m->nindexes; i++) {
		const st_psl_rindex *ix = i < m->nindexes ? m->indexes[i] : m->pk;

		if (!ix || ix->kind == ST_PSL_IDX_NORMAL ||
		    ix->kind == ST_PSL_IDX_FULLTEXT)
			continue;
		if (all_required(ix)) {
			has = true;
			break;
		}
		st_strbuf_adds(&loose, "\n- ");
		for (size_t j = 0; j < ix->nfields; j++)
			st_strbuf_addf(&loose, "%s%s", j ? ", " : "",
				       ix->fields[j].field->name);
	}
	if (has)
		return;
	psl__err(v, st_psl_span_join(m->ast->keyword.span, m->name_span),
		 "Error validating model \"%s\": Each model must have at least "
		 "one unique criteria that has only required fields. Either "
		 "mark a single field with `@id`, `@unique` or add a multi field "
		 "criterion with `@@id([])` or `@@unique([])` to the model.%s%s",
		 m->name, loose.len ? " The following unique criterias were not "
		 "considered as they contain fields that are not required:" : "",
		 loose.buf);
}

/* Phase 5's whole-schema checks; look[i]: model_look() of models[i]. */
static void
schema_checks(psl__v *v, const unsigned char *look)
{
	const st_psl_datasource *ds = v->m->datasource;

	for (size_t i = 0; i < v->composites.len; i++) {
		const st_psl_block *b = v->composites.items[i];

		psl__err(v, st_psl_span_join(b->keyword.span, b->name.span),
			 "Error validating: Composite types are not supported on "
			 "Postgres.");
	}
	for (size_t i = 0; i < v->m->nenums; i++) {
		st_psl_renum *e = v->m->enums[i];

		if (e->nvalues == 0)
			psl__err(v, st_psl_span_join(e->ast->keyword.span,
						     e->ast->name.span),
				 "Error validating: An enum must have at least "
				 "one value.");
	}
	for (size_t i = 0; i < v->m->nmodels; i++) {
		st_psl_rmodel *m;
		const st_psl_block *b;

		if (!look[i])
			continue;
		m = v->m->models[i];
		b = m->ast;
		model_checks(v, m);
		if (ds && ds->nschemas && !m->schema)
			psl__err(v, st_psl_span_join(b->keyword.span, b->name.span),
				 "Error validating model \"%s\": This model is "
				 "missing an `@@schema` attribute.", m->name);
		if (!m->is_view)
			continue;
		if (!st_psl_has_preview(v->m, "views"))
			psl__err(v, st_psl_span_join(b->keyword.span, b->name.span),
				 "Error validating: View definitions are only "
				 "available with the `views` preview feature.");
		else if (m->pk)
			psl__warn(v, m->pk->span, "Prisma 7 rejects primary keys on "
				  "views (\"Views cannot have primary keys.\"); "
				  "Prisma 6 accepts them, and so does strata.");
	}
	for (size_t i = 0; ds && ds->nschemas && i < v->m->nenums; i++) {
		st_psl_renum *e = v->m->enums[i];

		if (!e->schema)
			psl__err(v, st_psl_span_join(e->ast->keyword.span,
						     e->ast->name.span),
				 "Error validating enum \"%s\": This enum is "
				 "missing an `@@schema` attribute.", e->name);
	}
}

/* ==== parts: a big schema's models on several threads ==== */

/*
 * A big schema's models are cut into contiguous ranges, one per part
 * (st_par_parts: PSL_PART_MIN models at least, so a civitai-sized schema
 * stays on this thread), each about as many fields and attributes as the
 * others.  Part 0 goes on with the caller's psl__v (copied into the part
 * and back after the run); each other part works on a copy made by
 * part_init(): its own st_ctx (diagnostics, and the arena every
 * allocation comes from), empty vectors, nat_cache, nerrors and flags of
 * its own, the rest (m, ast, maps, datasource) shared and only read.
 * Joined in part order after the run, so that every vector and the
 * diagnostics come out as a one-part run makes them.
 */
#define PSL_PART_MIN 500

typedef struct models_part {
	psl__v v;
	size_t from, to;
	psl__part_fn *fn;
	void *arg;
} models_part;

static void
models_part_run(void *arg)
{
	models_part *p = arg;

	p->fn(&p->v, p->from, p->to, p->arg);
}

/* A part's copy of v, with state of its own (made on this thread: making
 * a child arena changes its parent). */
static void
part_init(models_part *p, const psl__v *v)
{
	st_ctx *cx = st_ctx_new(v->cx->arena);

	p->v = *v;
	p->v.cx = cx;
	p->v.a = cx->arena;
	p->v.nerrors = 0;
	st_vec_init(&p->v.relfields, p->v.a);
	st_vec_init(&p->v.m2m, p->v.a);
	st_vec_init(&p->v.natives, p->v.a);
	st_vec_init(&p->v.deferred, p->v.a);
	st_vec_init(&p->v.unresolved, p->v.a);
	p->v.defer = false;
	p->v.any_ix_name = false;
	memset(p->v.nat_cache, 0, sizeof(p->v.nat_cache));
	p->v.nat_next = 0;
}

void
psl__par_models(psl__v *v, psl__part_fn *fn, void *arg, size_t per_model)
{
	size_t n = v->m->nmodels, at = 0;
	const size_t *w = v->weight;
	unsigned nparts = st_par_parts(n, PSL_PART_MIN);
	models_part parts[ST_PAR_MAX];

	if (nparts <= 1) {
		fn(v, 0, n, arg);
		return;
	}
	for (unsigned k = 0; k < nparts; k++) {
		/* each part gets one model at least (nparts <= n); w[at] is
		 * the work of the models before at */
		size_t from = at, goal = w[n] / nparts * (k + 1),
		       last = n - (nparts - 1 - k);

		if (k + 1 == nparts)
			at = n;
		else
			while (at < last && (w[at] < goal || at == from))
				at++;
		if (k == 0) {
			parts[0].v = *v;
		} else {
			part_init(&parts[k], v);
			if (per_model)
				st_arena_reserve(parts[k].v.a,
						 (at - from) * per_model);
		}
		parts[k].from = from;
		parts[k].to = at;
		parts[k].fn = fn;
		parts[k].arg = arg;
	}
	st_par_run(nparts, models_part_run, parts, sizeof(parts[0]));

	/* join: part 0 is v, the others follow it in model order */
	*v = parts[0].v;
	for (unsigned k = 1; k < nparts; k++) {
		const psl__v *pv = &parts[k].v;

		st_vec_append(&v->cx->diags, &pv->cx->diags);
		st_vec_append(&v->relfields, &pv->relfields);
		st_vec_append(&v->m2m, &pv->m2m);
		st_vec_append(&v->natives, &pv->natives);
		st_vec_append(&v->deferred, &pv->deferred);
		st_vec_append(&v->unresolved, &pv->unresolved);
		v->nerrors += pv->nerrors;
		v->any_ix_name |= pv->any_ix_name;
	}
}

/* ==== phases 1 to 3, model by model ==== */

/*
 * Phases 1 to 3 for models[from, to): one model at a time, while its
 * part of the tree is in the cache: field names, field types (all block
 * names are known by now), attributes, @relation.  Each phase of one
 * model sees what it would see in phase order: only its own fields,
 * resolved.  In parts (psl__par_models): a model's phases write only
 * that model (its rmodel and rfields, and what hangs from them) and v's
 * own state, and read the shared maps of phase 1, complete by now; a
 * relation field keeps its related model as a pointer, read in phase 4.
 */
/*
 * The resolved fields of all models, allocated at once before phases 1
 * to 3 (on this thread, from the command's arena): a few megabytes on a
 * big schema, which the arena maps with huge pages, where a part's own
 * arena would grow block by block, page fault by page fault.  models[i]'s
 * fields go at ptrs + first[i] and mem + first[i].
 */
typedef struct field_slab {
	size_t *first;
	st_psl_rfield **ptrs;
	st_psl_rfield *mem;
	/* and what phases 1 to 3 find out per model for the later ones,
	 * written by the part of models[i]: its number of relation fields
	 * (v->rel_first) and their keys for pairing (phase 4), and
	 * model_look() (phase 5) */
	size_t *nrel;
	unsigned char *look;
	psl__relkeys *relkeys;  /* pairing, step 1 (v->relkeys) */
} field_slab;

/* first: the models' field counts summed (names()). */
static void
field_slab_init(psl__v *v, field_slab *fs, size_t *first)
{
	size_t n = v->m->nmodels, total = first[n];

	fs->first = first;
	fs->ptrs = st_alloc_array(v->a, total ? total : 1, sizeof(*fs->ptrs));
	fs->mem = st_alloc_array(v->a, total ? total : 1, sizeof(*fs->mem));
	fs->nrel = st_alloc_array(v->a, n + 1, sizeof(*fs->nrel));
	fs->look = st_alloc_array(v->a, n ? n : 1, sizeof(*fs->look));
	fs->relkeys = st_alloc_array(v->a, n ? n : 1, sizeof(*fs->relkeys));
}

static void
models_range(psl__v *v, size_t from, size_t to, void *arg)
{
	const field_slab *fs = arg;

	for (size_t i = from; i < to; i++) {
		st_psl_rmodel *rm = v->m->models[i];
		size_t r0 = v->relfields.len;

		model_fields(v, rm, fs->ptrs + fs->first[i],
			     fs->mem + fs->first[i]);
		for (size_t j = 0; j < rm->nfields; j++)
			resolve_field_type(v, rm->fields[j]);
		psl__attrs_model(v, rm);
		/* @relation of this model's relation fields: appended to
		 * relfields by resolve_field_type */
		for (size_t j = r0; j < v->relfields.len; j++)
			psl__relation_read(v, v->relfields.items[j]);
		fs->nrel[i] = v->relfields.len - r0;
		psl__relation_keys(v, (st_psl_rfield **)v->relfields.items + r0,
				   fs->nrel[i], &fs->relkeys[i]);
		fs->look[i] = model_look(v, rm);
	}
}

/* v->rel_first from the counts of phases 1 to 3 (relfields holds the
 * relation fields model by model: phase 2, joined in model order), and
 * the keys of pairing's step 1. */
static void
rel_first(psl__v *v, const field_slab *fs)
{
	size_t n = v->m->nmodels, k = 0;

	v->relkeys = fs->relkeys;
	v->rel_first = fs->nrel;
	for (size_t i = 0; i < n; i++) {
		size_t c = fs->nrel[i];

		v->rel_first[i] = k;
		k += c;
	}
	v->rel_first[n] = k;
}

/* ==== entry point ==== */

static int
cmp_m2m(const void *a, const void *b)
{
	const st_psl_m2m *x = *(st_psl_m2m *const *)a;
	const st_psl_m2m *y = *(st_psl_m2m *const *)b;

	return strcmp(x->table, y->table);
}

int
st_psl_validate(st_ctx *cx, const st_psl_schema *ast, st_psl_model **out)
{
	psl__v v = { 0 };
	field_slab slab;
	size_t *fields_before;
	block_counts counts;
	st_psl_model *m;
	size_t nsyntax = 0;

	/* ~4 KB per block validated: on a big schema the arena's next
	 * block is then one of huge pages, not a run of small ones */
	st_arena_reserve(cx->arena, ast->nblocks * 4096);
	m = st_alloc(cx->arena, sizeof(*m));
	m->ast = ast;
	st_map_init(&m->model_map, cx->arena);
	st_map_init(&m->enum_map, cx->arena);
	v.cx = cx;
	v.a = cx->arena;
	v.m = m;
	v.ast = ast;
	st_vec_init(&v.composites, v.a);
	st_vec_init(&v.relfields, v.a);
	st_vec_init(&v.m2m, v.a);
	st_vec_init(&v.natives, v.a);
	st_vec_init(&v.deferred, v.a);
	st_vec_init(&v.unresolved, v.a);
	st_map_init(&v.type_map, v.a);
	*out = m;

	configuration(&v, &counts);

	/* Prisma 7 (the oracle) reports name, type and attribute errors
	 * together: these phases do not stop at an earlier error. */
	names(&v, &counts, &fields_before);
	/* phases 1 to 3, model by model, in parts on big schemas */
	field_slab_init(&v, &slab, fields_before);
	/* ~3 KB per model: a part's arena starts on huge pages rather
	 * than a run of small blocks, each page a fault */
	psl__par_models(&v, models_range, &slab, 3072);
	rel_first(&v, &slab);
	composite_types(&v);
	for (size_t i = 0; i < m->nenums; i++)
		psl__attrs_enum(&v, m->enums[i]);
	psl__relations_pair(&v);
	/* Prisma's validation pipeline runs only on a schema without any
	 * error so far, syntax errors included. */
	for (size_t i = 0; i < ast->nfiles; i++)
		nsyntax += ast->files[i] ? ast->files[i]->nerrors : 0;
	if (v.nerrors == 0 && nsyntax == 0) {
		psl__names *names;

		psl__attrs_late(&v);
		schema_checks(&v, slab.look);
		/* the constraint names' namespaces are filled in the parts of
		 * the relation checks: the messages of both come in turn */
		names = psl__names_prepare(&v);
		psl__relations_check(&v, psl__names_fill, names);
		psl__names_check(&v, names);
	}

	m->m2m = (st_psl_m2m **)v.m2m.items;
	m->nm2m = v.m2m.len;
	if (m->nm2m > 1)
		qsort(m->m2m, m->nm2m, sizeof(*m->m2m), cmp_m2m);
	if (v.nerrors || nsyntax) {
		size_t n = v.nerrors + nsyntax;

		st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
			    "could not validate the schema: %zu error%s", n,
			    n == 1 ? "" : "s");
		return ST_EPARSE;
	}
	return 0;
}
