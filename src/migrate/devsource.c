/*
 * devsource.c - the sources of `migrate diff` that need a database: a
 * URL (introspection) and a migrations folder (replayed on a shadow
 * database), next to the schema-file sources of sqlschema/source.c.
 */
#include <string.h>

#include "migrate/dev.h"
#include "migrate/shadow.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/introspect.h"

static bool
is_db_side(const st_dev_src *s)
{
	return s->kind == ST_DEV_SRC_URL || s->kind == ST_DEV_SRC_MIGRATIONS;
}

static int
load_schema_side(st_ctx *cx, const st_dev_src *s, st_schema **out)
{
	return st_schema_from_source(cx, s->kind == ST_DEV_SRC_EMPTY ?
				     ST_SCHEMA_SRC_EMPTY : ST_SCHEMA_SRC_SCHEMA,
				     s->arg, out);
}

/* The namespaces a schema uses, for introspecting the other side. */
static void
namespaces_from(st_ctx *cx, const st_schema *s, st_introspect_opts *o)
{
	st_vec v;

	memset(o, 0, sizeof(*o));
	if (!s || !s->multi_schema)
		return;
	st_vec_init(&v, cx->arena);
	for (size_t i = 0; i < s->namespaces.len; i++) {
		const char *n = ((st_namespace *)s->namespaces.items[i])->name;
		bool used = strcmp(n, "public") != 0;

		for (size_t j = 0; !used && j < s->tables.len; j++)
			used = !strcmp(((st_table *)s->tables.items[j])->ns, n);
		if (used)
			st_vec_push(&v, (void *)n);
	}
	o->namespaces = (const char *const *)v.items;
	o->nnamespaces = v.len;
	o->multi_schema = true;
}

static int
load_db_side(st_ctx *cx, st_dev_src *s, const st_schema *other,
	     st_schema **out)
{
	st_introspect_opts o;
	int rc;

	namespaces_from(cx, other, &o);
	if (s->kind == ST_DEV_SRC_URL) {
		st_db *db;

		/* Prisma reads the extensions of a live database only for a
		 * schema that declares some */
		o.extensions = other && other->extensions.len > 0;
		o.parallel_url = s->arg;   /* a fresh connection */
		if ((rc = st_db_connect(cx, s->arg, NULL, &db)) < 0)
			return rc;
		rc = st_introspect(cx, db, &o, out, NULL);
		st_db_close(db);
	} else {
		rc = st_shadow_schema_of(cx, s->dev_url, s->shadow_url, s->arg,
					 o.namespaces, o.nnamespaces, o.multi_schema,
					 out, &s->desc);
	}
	if (rc == 0 && other)
		st_introspect_reconcile_partial(*out, other);
	return rc;
}

int
st_dev_load_pair(st_ctx *cx, st_dev_src *from, st_dev_src *to,
		 st_schema **from_out, st_schema **to_out)
{
	int rc;

	if (!is_db_side(from) && (rc = load_schema_side(cx, from, from_out)) < 0)
		return rc;
	if (!is_db_side(to) && (rc = load_schema_side(cx, to, to_out)) < 0)
		return rc;
	if (is_db_side(from) &&
	    (rc = load_db_side(cx, from, is_db_side(to) ? NULL : *to_out,
			       from_out)) < 0)
		return rc;
	if (is_db_side(to) &&
	    (rc = load_db_side(cx, to, is_db_side(from) ? NULL : *from_out,
			       to_out)) < 0)
		return rc;
	return 0;
}
