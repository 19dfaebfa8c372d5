/*
 * schema.h - the SQL schema model (IR): one in-memory description of a
 * PostgreSQL schema that every source produces (the schema language via
 * from_psl.c, a live database via introspection, "empty") and every
 * consumer reads (the differ, the renderer, db pull).
 *
 *	st_schema *s = st_schema_new(cx);
 *	st_table *t = st_schema_add_table(s, NULL, "User");
 *	st_column *c = st_table_add_column(s, t, "id");
 *	c->type.family = ST_FAM_INT; c->type.native = ST_PG_INTEGER;
 *	...
 *	st_schema_finish(s);          // positional ids; call once, last
 *
 * Everything lives in the arena of the context passed to st_schema_new();
 * nothing has a free function.  Names are copied into it: a column's
 * (table's, index's) name is stored right after the object, so that the
 * differ and the renderer find both in the same cache lines.  The order
 * in which objects are added is meaningful: it is the order Prisma's calculator pushes them, and the
 * differ sorts its steps by these positions (the `id` fields set by
 * st_schema_finish), exactly like Prisma sorts by describer ids.
 */
#ifndef ST_SQLSCHEMA_SCHEMA_H
#define ST_SQLSCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/map.h"
#include "util/strbuf.h"
#include "util/vec.h"

/* Prisma's scalar family of a column (ColumnTypeFamily). */
typedef enum st_family {
	ST_FAM_INT,
	ST_FAM_BIGINT,
	ST_FAM_FLOAT,
	ST_FAM_DECIMAL,
	ST_FAM_BOOLEAN,
	ST_FAM_STRING,
	ST_FAM_DATETIME,
	ST_FAM_JSON,
	ST_FAM_BINARY,
	ST_FAM_ENUM,
	ST_FAM_UNSUPPORTED,
} st_family;

/* PostgreSQL native types Prisma knows (PostgresType); NONE: unsupported
 * (the column's type is then the raw text in st_coltype.raw). */
typedef enum st_pgtype {
	ST_PG_NONE,
	ST_PG_SMALLINT,
	ST_PG_INTEGER,
	ST_PG_BIGINT,
	ST_PG_DECIMAL,   /* args: precision, scale (nargs 0 or 2) */
	ST_PG_MONEY,
	ST_PG_INET,
	ST_PG_OID,
	ST_PG_CITEXT,
	ST_PG_REAL,
	ST_PG_DOUBLE,
	ST_PG_VARCHAR,   /* args: length (nargs 0 or 1) */
	ST_PG_CHAR,
	ST_PG_TEXT,
	ST_PG_BYTEA,
	ST_PG_TIMESTAMP, /* args: precision */
	ST_PG_TIMESTAMPTZ,
	ST_PG_DATE,
	ST_PG_TIME,
	ST_PG_TIMETZ,
	ST_PG_BOOLEAN,
	ST_PG_BIT,
	ST_PG_VARBIT,
	ST_PG_UUID,
	ST_PG_XML,
	ST_PG_JSON,
	ST_PG_JSONB,
} st_pgtype;

typedef enum st_arity {
	ST_ARITY_REQUIRED,
	ST_ARITY_NULLABLE,
	ST_ARITY_LIST,
} st_arity;

typedef struct st_coltype {
	st_family family;
	st_pgtype native;          /* ST_PG_NONE for enums and unsupported */
	int nargs;                 /* 0..2 native type arguments */
	st_arity arity;
	long args[2];
	const char *enum_name;     /* ST_FAM_ENUM: the enum's database name */
	const char *enum_schema;   /* its namespace, NULL when unqualified */
	const char *raw;           /* ST_FAM_UNSUPPORTED: type text as written */
} st_coltype;

/* A constant default value (Prisma's PrismaValue). */
typedef enum st_value_kind {
	ST_VAL_STRING,
	ST_VAL_INT,       /* text holds the decimal digits */
	ST_VAL_BIGINT,
	ST_VAL_FLOAT,     /* text as written in the schema (Float and Decimal) */
	ST_VAL_BOOLEAN,   /* text "true" / "false" */
	ST_VAL_DATETIME,  /* text already normalised, e.g. "2020-01-01 00:00:00 +00:00" */
	ST_VAL_JSON,
	ST_VAL_BYTES,     /* text: lowercase hex of the bytes */
	ST_VAL_ENUM,      /* text: the value's database name */
	ST_VAL_LIST,
} st_value_kind;

typedef struct st_value {
	st_value_kind kind;
	const char *text;
	st_vec items;     /* ST_VAL_LIST: st_value * */
} st_value;

typedef enum st_default_kind {
	ST_DEF_NONE,
	ST_DEF_VALUE,     /* value */
	ST_DEF_NOW,       /* CURRENT_TIMESTAMP */
	ST_DEF_SEQUENCE,  /* nextval(...) / serial; text = sequence name ("" from PSL) */
	ST_DEF_DBGEN,     /* text = raw SQL expression, NULL for dbgenerated() */
} st_default_kind;

typedef struct st_default {
	st_default_kind kind;
	st_value *value;
	const char *text;
} st_default;

typedef struct st_table st_table;

/* (Fields ordered without padding: a big schema has 100,000 columns.) */
typedef struct st_column {
	const char *name;
	st_coltype type;
	st_default def;
	st_table *table;
	int pos;                  /* position in its table */
	bool autoincrement;       /* SERIAL-like: the type renders as *SERIAL */
	bool virtual_default;     /* client-side default (uuid(), cuid() ...) */
} st_column;

typedef enum st_index_kind {
	ST_INDEX_NORMAL,
	ST_INDEX_UNIQUE,
	ST_INDEX_PRIMARY,
} st_index_kind;

typedef enum st_sort {
	ST_SORT_NONE,   /* not specified */
	ST_SORT_ASC,
	ST_SORT_DESC,
} st_sort;

typedef enum st_index_algo {
	ST_ALGO_BTREE,
	ST_ALGO_HASH,
	ST_ALGO_GIST,
	ST_ALGO_GIN,
	ST_ALGO_SPGIST,
	ST_ALGO_BRIN,
} st_index_algo;

typedef struct st_index_col {
	st_column *column;
	const char *opclass;      /* e.g. "jsonb_path_ops", NULL when none */
	long length;              /* 0 when none (not used by PostgreSQL) */
	st_sort sort;
	bool opclass_is_default;  /* Prisma's is_default for that opclass */
} st_index_col;

typedef struct st_index {
	const char *name;
	st_index_kind kind;
	st_index_algo algo;
	st_vec cols;              /* st_index_col * */
	const char *predicate;    /* partial index WHERE text, or NULL */
	st_table *table;
	int id;                   /* global push order */
} st_index;

typedef enum st_fk_action {
	ST_FK_NO_ACTION,
	ST_FK_RESTRICT,
	ST_FK_CASCADE,
	ST_FK_SET_NULL,
	ST_FK_SET_DEFAULT,
} st_fk_action;

typedef struct st_fk {
	const char *name;         /* constraint name, may be NULL */
	st_table *table;
	st_vec cols;              /* st_column * (constrained) */
	st_table *ref_table;
	st_vec ref_cols;          /* st_column * (referenced) */
	st_fk_action on_delete, on_update;
	int id;                   /* global push order */
} st_fk;

struct st_table {
	const char *name;
	const char *schema;       /* namespace for rendering; NULL: unqualified */
	const char *ns;           /* namespace it lives in ("public" by default) */
	st_vec columns;           /* st_column * */
	st_index *pk;             /* or NULL */
	st_vec indexes;           /* st_index *, not the primary key */
	st_vec fks;               /* st_fk * */
	/* name -> st_column * for tables of 16 columns or more, filled by
	 * st_table_column (cols_mapped columns so far) */
	st_map colmap;
	size_t cols_mapped;
	st_table *same_name;      /* tablemap chain: same name, other ns */
	int id;
};

typedef struct st_enum {
	const char *name;
	const char *schema;       /* for rendering; NULL: unqualified */
	const char *ns;
	st_vec values;            /* const char * */
	struct st_enum *same_name; /* enummap chain: same name, other ns */
	int id;
} st_enum;

typedef struct st_extension {
	const char *name;
	const char *schema;       /* "" when not given */
	const char *version;      /* "" when not given */
	bool relocatable;
	int id;
} st_extension;

typedef struct st_namespace {
	const char *name;
	int id;
} st_namespace;

typedef struct st_schema {
	st_ctx *cx;
	st_vec namespaces;        /* st_namespace * */
	st_vec tables;            /* st_table * */
	st_vec enums;             /* st_enum * */
	st_vec extensions;        /* st_extension * */
	bool multi_schema;        /* names are rendered schema-qualified */
	/*
	 * Introspected without multiSchema: the namespace read.  Prisma
	 * qualifies unqualified names with it when this schema is a side of
	 * a diff (see render.c); NULL for a schema built from PSL.
	 */
	const char *qualify_ns;
	int next_index_id, next_fk_id;
	/*
	 * name -> the last table (enum) added with that name; the others of
	 * that name, in other namespaces, follow through same_name.  The
	 * table map is filled on the first lookup (tables_mapped of them so
	 * far): a schema that is only rendered, like the new side of a
	 * --from-empty diff, never needs it.
	 */
	st_map tablemap;
	size_t tables_mapped;
	st_map enummap;
} st_schema;

st_schema *st_schema_new(st_ctx *cx);
/* Adds a namespace unless one of that name exists; returns it. */
st_namespace *st_schema_add_namespace(st_schema *s, const char *name);
/*
 * Tables and enums are matched across schemas by (ns, name); ns is the
 * namespace they live in (NULL means "public").  The rendering schema
 * (t->schema) is set to ns when s->multi_schema, else NULL (unqualified);
 * a source may override it afterwards.
 */
st_table *st_schema_add_table(st_schema *s, const char *ns,
			      const char *name);
/* Columns are never removed or reordered: c->pos is set here. */
st_column *st_table_add_column(st_schema *s, st_table *t, const char *name);
/*
 * Optional: sizes t's vectors (ix's) for the number of objects the
 * source is about to add, so that big schemas do not grow them step by
 * step.  Call before the first add.
 */
void st_table_presize(st_schema *s, st_table *t, size_t ncolumns,
		      size_t nindexes, size_t nfks);
void st_index_presize(st_schema *s, st_index *ix, size_t ncolumns);
/* kind ST_INDEX_PRIMARY sets t->pk; others are appended to t->indexes. */
st_index *st_table_add_index(st_schema *s, st_table *t, const char *name,
			     st_index_kind kind);
st_index_col *st_index_add_column(st_schema *s, st_index *ix, st_column *c);
st_fk *st_table_add_fk(st_schema *s, st_table *t, const char *name,
		       st_table *ref);
st_enum *st_schema_add_enum(st_schema *s, const char *ns,
			    const char *name);
st_extension *st_schema_add_extension(st_schema *s, const char *name);
st_value *st_value_new(st_schema *s, st_value_kind kind, const char *text);

/* Lookups, at any time: they see every object added so far.  (Not
 * thread-safe: the table map is filled on the first lookup.) */
st_table *st_schema_table(const st_schema *s, const char *ns,
			  const char *name);
st_enum *st_schema_enum(const st_schema *s, const char *ns,
			const char *name);
st_column *st_table_column(const st_table *t, const char *name);

/* Assigns positional ids; call after the last add. */
void st_schema_finish(st_schema *s);

/* ==== helpers shared by the differ, renderer and summary ==== */

/* Appends the column type as PostgreSQL DDL ("VARCHAR(10)[]", "SERIAL"). */
void st_coltype_render(st_strbuf *sb, const st_column *c);
/* Appends the default as DDL text; nothing for sequences / empty dbgenerated. */
void st_default_render(st_strbuf *sb, const st_column *c, const st_default *d);
/* Appends Prisma's quoted identifier ("name", quotes doubled). */
void st_render_ident(st_strbuf *sb, const char *name);
/* Appends "schema"."name" or "name". */
void st_render_qualified(st_strbuf *sb, const char *schema, const char *name);
/* Appends a string literal the way Prisma does: '...' with ' doubled. */
void st_render_string(st_strbuf *sb, const char *s);
const char *st_fk_action_sql(st_fk_action a);
const char *st_index_algo_sql(st_index_algo a);
bool st_values_equal(const st_value *a, const st_value *b);

#endif
