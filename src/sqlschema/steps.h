/*
 * steps.h - migration steps: what the differ (diff.c) computes from two
 * SQL schema models, and what the renderer (render.c), the summary
 * (summary.c) and the destructive-change checker (destructive.c) read.
 *
 *	st_diff_result *m;
 *	if (st_diff(cx, from, to, &m) < 0) goto done;
 *	st_strbuf sql = ST_STRBUF_INIT;
 *	st_render_script(cx, &sql, m);  // Prisma's exact migration.sql text
 *
 * The step kinds, their order and their names are Prisma's
 * (SqlMigrationStep); steps point into the two schemas, which must
 * outlive the migration.  Everything is in cx->arena.
 */
#ifndef ST_SQLSCHEMA_STEPS_H
#define ST_SQLSCHEMA_STEPS_H

#include <stdbool.h>

#include "sqlschema/schema.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/vec.h"

/* In Prisma's sort order (the enum order of SqlMigrationStep). */
typedef enum st_step_kind {
	ST_STEP_CREATE_SCHEMA,
	ST_STEP_DROP_EXTENSION,
	ST_STEP_CREATE_EXTENSION,
	ST_STEP_ALTER_EXTENSION,
	ST_STEP_CREATE_ENUM,
	ST_STEP_ALTER_ENUM,
	ST_STEP_DROP_FOREIGN_KEY,
	ST_STEP_DROP_INDEX,
	ST_STEP_ALTER_TABLE,
	ST_STEP_DROP_TABLE,
	ST_STEP_DROP_ENUM,
	ST_STEP_CREATE_TABLE,
	ST_STEP_CREATE_INDEX,
	ST_STEP_RENAME_FOREIGN_KEY,
	ST_STEP_ADD_FOREIGN_KEY,
	ST_STEP_RENAME_INDEX,
} st_step_kind;

/* Column change bits, in Prisma's iteration order. */
enum {
	ST_COLCHG_ARITY = 1,
	ST_COLCHG_DEFAULT = 2,
	ST_COLCHG_TYPE = 4,
	ST_COLCHG_AUTOINC = 8,
};

typedef enum st_type_change {
	ST_TYPECHG_NONE,
	ST_TYPECHG_SAFE,
	ST_TYPECHG_RISKY,
	ST_TYPECHG_NOT_CASTABLE,
} st_type_change;

typedef enum st_table_change_kind {
	ST_TCHG_ADD_COLUMN,
	ST_TCHG_ALTER_COLUMN,
	ST_TCHG_DROP_COLUMN,
	ST_TCHG_DROP_AND_RECREATE_COLUMN,
	ST_TCHG_DROP_PRIMARY_KEY,
	ST_TCHG_ADD_PRIMARY_KEY,
	ST_TCHG_RENAME_PRIMARY_KEY,
} st_table_change_kind;

typedef struct st_table_change {
	st_table_change_kind kind;
	st_column *prev, *next;   /* as applicable */
	int changes;              /* ST_COLCHG_* bits */
	st_type_change type_change;
} st_table_change;

/* A column whose default uses an enum being rewritten (AlterEnum). */
typedef struct st_enum_usage {
	st_column *prev;
	st_column *next;          /* NULL when the default is not reinstalled */
} st_enum_usage;

/* What an AlterEnum step changes. */
typedef struct st_alter_enum {
	st_vec created_values, dropped_values; /* const char * */
	st_vec default_usages;               /* st_enum_usage * */
} st_alter_enum;

typedef struct st_step {
	st_step_kind kind;
	bool ext_alter_version, ext_alter_schema;
	bool from_drop_and_recreate;         /* CreateIndex */
	st_namespace *ns;                    /* CreateSchema */
	st_extension *ext_prev, *ext_next;   /* extension steps */
	st_enum *enum_prev, *enum_next;      /* enum steps */
	st_table *table_prev, *table_next;   /* table steps */
	st_index *index_prev, *index_next;   /* index steps */
	st_fk *fk_prev, *fk_next;            /* foreign key steps */
	/*
	 * The lists of the two kinds that have any; read them only for a
	 * step of that kind.  (A big diff has tens of thousands of steps,
	 * and most have no list at all.)
	 */
	union {
		st_alter_enum *alter_enum;   /* AlterEnum */
		st_vec changes;              /* AlterTable: st_table_change * */
	};
} st_step;

typedef struct st_diff_result {
	const st_schema *from, *to;
	st_vec steps;                        /* st_step *, sorted */
} st_diff_result;

/* The SQL schema with nothing in it (the --from-empty side). */
st_schema *st_schema_empty(st_ctx *cx);

/* Computes the steps from `from` to `to`.  Both schemas must be finished. */
int st_diff(st_ctx *cx, const st_schema *from, const st_schema *to,
	    st_diff_result **out);

/* The step's comment name ("CreateTable"). */
const char *st_step_name(st_step_kind k);

/*
 * Renders the statements of one step (no ';'), appending const char *
 * to out (in cx's arena).
 */
void st_render_step(st_ctx *cx, const st_diff_result *m, const st_step *s,
		    st_vec *out);
/*
 * The whole script as Prisma's engine returns it (migration.sql's bytes):
 * each step "-- Name\n" + statements ending ";\n", steps separated by a
 * blank line; "-- This is an empty migration.\n" when there are no steps.
 * `migrate diff --script` prints it followed by one more newline.
 */
void st_render_script(st_ctx *cx, st_strbuf *sb, const st_diff_result *m);
/*
 * Receives a script in pieces (st_render_script_to): 0, or a negative
 * ST_E* code after which it is not called again.
 */
typedef int (*st_render_sink)(void *arg, const char *text, size_t len);
/*
 * The same bytes as st_render_script, handed to sink piece by piece in
 * order as they are rendered, never joined into one string: a big script
 * is written out (sink writes to a file) while later parts are still
 * being rendered on other threads.  The sink is called on the calling
 * thread only, one call at a time; the text it gets is valid during the
 * call.  Returns 0, or the sink's first error (the rest is still
 * rendered but not handed over).
 */
int st_render_script_to(st_ctx *cx, const st_diff_result *m,
			st_render_sink sink, void *arg);
/* Prisma's human summary (drift summary); "No difference detected." when empty. */
void st_render_summary(st_strbuf *sb, const st_diff_result *m);

/* ==== destructive-change detection (destructive.c) ==== */

typedef enum st_destructive_kind {
	ST_DESTR_WARNING,       /* data may be lost; applying needs consent */
	ST_DESTR_UNEXECUTABLE,  /* cannot be applied to a table with rows */
} st_destructive_kind;

typedef enum st_destructive_check {
	ST_CHECK_DROP_TABLE,
	ST_CHECK_DROP_COLUMN,
	ST_CHECK_ALTER_COLUMN_TYPE,      /* risky cast */
	ST_CHECK_DROP_AND_RECREATE,      /* not castable */
	ST_CHECK_ADD_REQUIRED_COLUMN,    /* required, no default, existing table */
	ST_CHECK_MADE_REQUIRED,          /* nullable -> required */
	ST_CHECK_PRIMARY_KEY_CHANGED,
	ST_CHECK_UNIQUE_ADDED,
	ST_CHECK_ENUM_VALUES_REMOVED,
	ST_CHECK_SCALAR_TO_LIST,         /* unexecutable when the table has rows */
	ST_CHECK_REQUIRED_PRISMA_DEFAULT,/* required column with a client-side default */
} st_destructive_kind_check;

typedef struct st_destructive_item {
	st_destructive_kind_check check;
	int step_index;            /* 0-based index in m->steps */
	const char *table;         /* table name (or enum name for enum values) */
	const char *schema;        /* its namespace, for row-count queries */
	const char *column;        /* or NULL */
	const char *detail;        /* e.g. "[a,b]" columns / values, casts "`A` to `B`" */
} st_destructive_item;

/*
 * Row counts supplied by a live database (later issues).  Each callback
 * returns the count, or -1 when unknown (then the offline message is used).
 */
typedef struct st_row_counter {
	long (*table_rows)(void *arg, const char *schema, const char *table);
	long (*non_null_values)(void *arg, const char *schema, const char *table,
				const char *column);
	long (*null_values)(void *arg, const char *schema, const char *table,
			    const char *column);
	void *arg;
} st_row_counter;

typedef struct st_destructive_report {
	st_vec items;              /* st_destructive_item *, in step order */
	st_vec warnings;           /* const char *: Prisma's warning texts */
	st_vec unexecutable;       /* const char *: Prisma's unexecutable texts */
} st_destructive_report;

/* Checks m for data loss; counter may be NULL (offline). */
int st_destructive_check(st_ctx *cx, const st_diff_result *m,
			 const st_row_counter *counter,
			 st_destructive_report **out);
/* The Warnings comment block migrate dev writes atop migration.sql; empty when none. */
void st_render_warnings_header(st_strbuf *sb, const st_destructive_report *r);

#endif
