/*
 * introspect.h - a live PostgreSQL database -> SQL schema model, the way
 * Prisma's sql-schema-describer sees it, in a constant number of
 * pg_catalog queries (eight, whatever the number of tables), sent at once
 * in libpq pipeline mode.
 *
 *	st_schema *s;
 *	st_introspect_opts o = { 0 };          // the URL's ?schema= namespace
 *	if (st_introspect(cx, db, &o, &s) < 0)
 *		goto done;                     // ST_EDB: cx + db->err
 *
 * What it reads: tables (relkind r, and p for partitioned parents; the
 * partitions themselves are skipped, like Prisma), columns (types with
 * their modifiers, arrays, enums, identity and serial, defaults, generated
 * columns), primary keys, unique constraints and unique indexes (both are
 * unique indexes for Prisma), other indexes (method, operator classes,
 * sort order, partial predicates), foreign keys, enums and extensions.
 * What it leaves out, as Prisma's differ does: the _prisma_migrations
 * table, expression indexes (Prisma cannot describe them, so it never
 * touches them), extensions unless asked for, foreign keys to tables outside the namespaces read,
 * views, functions, triggers, sequences not owned by a column.
 *
 * Side information that only `db pull` needs (comments, views, check
 * constraints, deferrable foreign keys, sequences, NULLS FIRST/LAST
 * orders, expression indexes) is collected in st_introspect_extra when
 * the caller asks for it.
 *
 * Everything lives in cx's arena.
 */
#ifndef ST_SQLSCHEMA_INTROSPECT_H
#define ST_SQLSCHEMA_INTROSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "sqlschema/schema.h"
#include "util/error.h"
#include "util/map.h"
#include "util/vec.h"

typedef struct st_introspect_opts {
	/* Namespaces to read; NULL/0: the connection's ?schema= (public). */
	const char *const *namespaces;
	size_t nnamespaces;
	/* Record tables and enums under their namespace (the schema uses
	 * `schemas = [...]`).  Otherwise everything is in the default
	 * namespace, like a single-schema Prisma project. */
	bool multi_schema;
	/* Describe installed extensions (Prisma does when the schema enables
	 * postgresqlExtensions; `migrate diff --from-migrations` does not). */
	bool extensions;
	/* When set, the URL of the connection's own database: the longest
	 * catalog query runs on a second connection to it, beside the
	 * others (about a third less wall time on big schemas).  Only for
	 * a connection whose session state is the URL's (fresh: nothing
	 * SET on it), since the second one sees only that. */
	const char *parallel_url;
} st_introspect_opts;

/* What PSL may express only as comments, for db pull. */
typedef struct st_introspect_note {
	const char *ns;
	const char *table;   /* NULL for enum / database-level notes */
	const char *column;  /* or NULL */
	const char *kind;    /* "comment", "check", "expression index", "view",
				"deferrable", "row level security", "partition" */
	const char *text;
} st_introspect_note;

typedef struct st_introspect_extra {
	st_vec notes;        /* st_introspect_note * */
	st_map comments;     /* "ns\x1ftable[\x1fcolumn]" -> comment text;
				ns as in st_table.ns ("public" in
				single-schema mode) */
	st_map enum_comments;/* "ns\x1fenum" -> comment text (ns likewise) */
	st_vec views;        /* const char *: "ns.view" */
} st_introspect_extra;

/*
 * Reads the namespaces into a finished st_schema.  extra may be NULL.
 * Errors: ST_EDB (a catalog query failed).  An empty namespace, or one
 * that does not exist, gives an empty schema (not an error).
 */
int st_introspect(st_ctx *cx, st_db *db, const st_introspect_opts *opts,
		  st_schema **out, st_introspect_extra **extra);

/*
 * Prisma's treatment of partial indexes when the schema does not use them
 * (no `where:`): a partial index of the database is matched with the
 * schema's index of the same name as if it had no predicate, and one the
 * schema does not name is left alone (removed from db's model, so the
 * differ never drops it).  Nothing changes when target uses `where:`.
 */
void st_introspect_reconcile_partial(st_schema *db, const st_schema *target);

/*
 * Parses a column default as pg_get_expr() prints it into col->def (and
 * col->autoincrement for nextval(...)), the way Prisma's describer
 * does.  Exposed for unit tests.
 */
void st_introspect_parse_default(st_schema *s, st_column *col,
				 const char *expr);

#endif
