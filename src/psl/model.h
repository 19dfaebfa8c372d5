/*
 * model.h - the resolved data model of a Prisma schema, produced by the
 * validator (validate*.c) from the AST of ast.h, and the constraint-name
 * rules shared with the SQL schema calculator (names.c).
 *
 *	st_psl_model *m;
 *	if (st_psl_validate(cx, schema, &m) < 0)
 *		goto done;            // errors are diagnostics on cx->diags
 *	for (size_t i = 0; i < m->nmodels; i++)
 *		use(m->models[i]->db_name);
 *
 * Where the AST keeps what was written, the model keeps what it means:
 * names are resolved to pointers (field types to enums, relation fields
 * to their related model, back-relation field and fields/references),
 * @map/@@map are folded into db_name, defaults are decoded into a tagged
 * union, and every index carries its final database name (explicit map
 * or Prisma's default name).  Every element keeps a span back into the
 * source so later stages can report at the right place.
 *
 * Lifetime: everything lives in cx->arena (the same arena as the AST,
 * whose strings it shares).  Nothing is ever freed individually.
 *
 * Arrays: every `T **xs; size_t nxs;` pair is a plain array of pointers,
 * never NULL when n > 0, in source order unless stated otherwise.
 *
 * Stability: this header only grows (new fields at the end of structs,
 * new enum constants at the end).  Zero-initialised fields mean "absent".
 */
#ifndef ST_PSL_MODEL_H
#define ST_PSL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psl/ast.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/map.h"
#include "util/strbuf.h"

/* PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
#define ST_PSL_MAX_IDENT 63

typedef struct st_psl_model st_psl_model;
typedef struct st_psl_rmodel st_psl_rmodel;
typedef struct st_psl_rfield st_psl_rfield;
typedef struct st_psl_renum st_psl_renum;
typedef struct st_psl_rindex st_psl_rindex;
typedef struct st_psl_rrel st_psl_rrel;

/* ==== entry point ==== */

/*
 * Validates the schema with Prisma's rules (PostgreSQL connector) and
 * builds the resolved model.  Every problem is a diagnostic on cx->diags
 * (code "P1012", Prisma's message text where Prisma has one); warnings
 * (e.g. a preview feature only the other Prisma major knows) do not fail.
 * Returns 0, or ST_EPARSE when at least one error was reported (cx's
 * error slot then says how many).  *out is always set; after an error the
 * model may be incomplete and must not be used to generate SQL.
 * An AST with syntax errors may be given (as `validate` does, to report
 * the other errors too): the result is then ST_EPARSE as well.
 * env("X") is never resolved here.
 */
int st_psl_validate(st_ctx *cx, const st_psl_schema *ast, st_psl_model **out);

/* ==== scalar types, native types, defaults ==== */

typedef enum st_psl_scalar {
	ST_PSL_T_STRING,
	ST_PSL_T_INT,
	ST_PSL_T_BIGINT,
	ST_PSL_T_FLOAT,
	ST_PSL_T_DECIMAL,
	ST_PSL_T_BOOLEAN,
	ST_PSL_T_DATETIME,
	ST_PSL_T_JSON,
	ST_PSL_T_BYTES,
	ST_PSL_T_UNSUPPORTED, /* Unsupported("text"): rfield.unsupported */
	ST_PSL_T_ENUM,        /* rfield.enum_ref */
	ST_PSL_T_RELATION,    /* a field whose type is a model/view: rfield.rel */
} st_psl_scalar;

/* "String", "Int", ... "Unsupported", "Enum", "Relation". */
const char *st_psl_scalar_name(st_psl_scalar t);

/*
 * A native type attribute @db.Name(args), already checked against the
 * PostgreSQL connector's table (native_types.c): e.g. VarChar(n), Char(n),
 * Text, Uuid, Citext, Inet, Timestamp(p), Timestamptz(p), Date, Time(p),
 * Timetz(p), Decimal(p,s), Money, Integer, SmallInt, BigInt, Oid, Real,
 * DoublePrecision, Boolean, Bit(n), VarBit(n), Xml, Json, JsonB, ByteA.
 */
typedef struct st_psl_native {
	const char *name;      /* "VarChar" (without "db.") */
	long args[2];          /* decoded numeric arguments */
	size_t nargs;          /* 0, 1 or 2 as written */
	const char *sql_type;  /* PostgreSQL type text: "VARCHAR(255)",
	                        * "TIMESTAMPTZ(3)", "DECIMAL(65,30)", "TEXT",
	                        * "UUID", "DOUBLE PRECISION" ... (no array []) */
	st_span span;          /* the @db.X(...) attribute */
} st_psl_native;

/*
 * The PostgreSQL type Prisma uses for a scalar without @db.* (Prisma's
 * defaults: String TEXT, Int INTEGER, BigInt BIGINT, Float DOUBLE
 * PRECISION, Decimal DECIMAL(65,30), Boolean BOOLEAN, DateTime
 * TIMESTAMP(3), Json JSONB, Bytes BYTEA); NULL for enum/unsupported/
 * relation.
 */
const char *st_psl_default_sql_type(st_psl_scalar t);

typedef enum st_psl_default_kind {
	ST_PSL_DEF_NONE = 0,
	ST_PSL_DEF_AUTOINCREMENT,  /* autoincrement(): a sequence (serial) */
	ST_PSL_DEF_NOW,            /* now(): CURRENT_TIMESTAMP */
	ST_PSL_DEF_UUID,           /* uuid() / uuid(4) / uuid(7); client-side */
	ST_PSL_DEF_CUID,           /* cuid() / cuid(1) / cuid(2); client-side */
	ST_PSL_DEF_NANOID,         /* nanoid() / nanoid(n); client-side */
	ST_PSL_DEF_ULID,           /* ulid(); client-side */
	ST_PSL_DEF_DBGENERATED,    /* dbgenerated("expr") or dbgenerated() */
	ST_PSL_DEF_LITERAL,        /* a single literal: default.value */
	ST_PSL_DEF_LIST,           /* [lit, ...] for a list field */
	ST_PSL_DEF_SEQUENCE,       /* sequence(): CockroachDB only, rejected */
} st_psl_default_kind;

typedef enum st_psl_value_kind {
	ST_PSL_V_STRING,   /* "text": text is the unescaped value */
	ST_PSL_V_NUMBER,   /* 42, -1.5: text is the token as written */
	ST_PSL_V_BOOL,     /* true / false: text is "true" / "false" */
	ST_PSL_V_ENUM,     /* an enum value: text is its PSL name; enum_value
	                    * points at it (its db_name is what SQL uses) */
} st_psl_value_kind;

typedef struct st_psl_rvalue st_psl_rvalue; /* an enum value, below */

typedef struct st_psl_literal {
	st_psl_value_kind kind;
	const char *text;
	size_t len;                        /* STRING may hold NUL bytes */
	const st_psl_rvalue *enum_value;   /* V_ENUM only */
	st_span span;
} st_psl_literal;

typedef struct st_psl_default {
	st_psl_default_kind kind;
	int version;            /* UUID: 4 or 7; CUID: 1 or 2 */
	int length;             /* NANOID: 0 = Prisma's default (21) */
	const char *expr;       /* DBGENERATED: the SQL text, or NULL for
	                         * dbgenerated() without argument */
	st_psl_literal value;   /* LITERAL */
	st_psl_literal *items;  /* LIST: array of nitems literals */
	size_t nitems;
	const char *map;        /* @default(..., map: "name") or NULL */
	st_span span;           /* the @default(...) attribute */
} st_psl_default;

/* ==== enums ==== */

struct st_psl_rvalue {
	const char *name;       /* as written */
	const char *db_name;    /* @map("x") or name */
	const char *doc;
	st_span span;
};

struct st_psl_renum {
	const char *name;
	const char *db_name;    /* @@map("x") or name */
	const char *schema;     /* @@schema("x") or NULL */
	const char *doc;
	st_psl_rvalue **values;
	size_t nvalues;
	const st_psl_block *ast;
	st_span span;           /* the whole block */
};

/* ==== relations ==== */

typedef enum st_psl_action {
	ST_PSL_ACT_UNSET = 0,   /* not written */
	ST_PSL_ACT_CASCADE,
	ST_PSL_ACT_RESTRICT,
	ST_PSL_ACT_NO_ACTION,
	ST_PSL_ACT_SET_NULL,
	ST_PSL_ACT_SET_DEFAULT,
} st_psl_action;

/* "Cascade", "Restrict", "NoAction", "SetNull", "SetDefault", or NULL. */
const char *st_psl_action_name(st_psl_action a);
/* "CASCADE", "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT", NULL. */
const char *st_psl_action_sql(st_psl_action a);

typedef enum st_psl_rel_kind {
	ST_PSL_REL_ONE_TO_ONE,
	ST_PSL_REL_ONE_TO_MANY,
	ST_PSL_REL_MANY_TO_MANY, /* implicit: both sides are lists */
} st_psl_rel_kind;

/*
 * One side of a relation, hung on its relation field (rfield.rel).  The
 * two sides of a relation point at each other through `back`.  The side
 * with holds_fk == true carries fields/references (the foreign key lives
 * in its model's table); for ONE_TO_MANY that is always the non-list
 * side.  For MANY_TO_MANY neither side holds a foreign key: the join
 * table is described by the st_psl_m2m in model->m2m (rel.m2m).
 */
struct st_psl_rrel {
	st_psl_rel_kind kind;
	const char *name;          /* relation name: explicit @relation("N") /
	                            * @relation(name: "N"), else Prisma's
	                            * default: the two model names sorted and
	                            * joined with "To" ("PostToUser") */
	bool name_explicit;
	st_psl_rfield *field;      /* this side's relation field */
	st_psl_rmodel *related;    /* the model this field points at */
	st_psl_rfield *back;       /* the opposite relation field (never NULL
	                            * in a valid model) */
	bool holds_fk;
	/* holds_fk only: the FK columns in this model, and the referenced
	 * fields in `related` (same count, same order as written). */
	st_psl_rfield **fields;
	st_psl_rfield **references;
	size_t nfields;
	/* As written (ACT_UNSET when not given), on the holds_fk side. */
	st_psl_action on_delete;
	st_psl_action on_update;
	/* What Prisma applies (holds_fk side; also set on MANY_TO_MANY, where
	 * both are CASCADE): on_delete defaults to SET_NULL when any FK field
	 * is optional, else RESTRICT; on_update defaults to CASCADE. */
	st_psl_action eff_on_delete;
	st_psl_action eff_on_update;
	const char *map;           /* @relation(map: "fk_name") or NULL */
	const char *fk_name;       /* holds_fk: map, or Prisma's default
	                            * "{table}_{cols}_fkey" (63-byte rule) */
	struct st_psl_m2m *m2m;    /* MANY_TO_MANY only */
	const st_psl_attr *attr;   /* the @relation attribute, or NULL */
	st_span span;              /* @relation(...) or the field */
	/* Number of entries in `references` as written (equals nfields in a
	 * valid model; may differ only after an error). */
	size_t nreferences;
	/* The values of the `fields` and `references` arguments as written
	 * (st_psl_attr_arg(attr, "fields", 99)), or NULL. */
	const st_psl_expr *fields_arg, *references_arg;
};

/*
 * An implicit many-to-many relation: a join table "_{name}" with columns
 * "A" (references model a's id) and "B" (model b's id), where a is the
 * model whose name sorts first (bytewise; for a self-relation a == b and
 * field_a is the field that sorts first by name).  Prisma (6 and later)
 * creates the primary key "_{name}_AB_pkey" on (A, B) (older Prismas made a
 * unique index "_{name}_AB_unique" instead), an index "_{name}_B_index" on
 * B, and FKs "_{name}_A_fkey"/"_{name}_B_fkey" ON DELETE CASCADE ON UPDATE
 * CASCADE.  The column types are those of each model's single-field id.
 */
typedef struct st_psl_m2m {
	const char *name;          /* relation name */
	const char *table;         /* "_" + name */
	const char *schema;        /* @@schema of model a, or NULL */
	st_psl_rmodel *model_a, *model_b;
	st_psl_rfield *field_a;    /* relation field in model_a (list of b) */
	st_psl_rfield *field_b;    /* relation field in model_b (list of a) */
	st_psl_rfield *id_a;       /* the single id field of model_a */
	st_psl_rfield *id_b;
} st_psl_m2m;

/* ==== indexes, uniques, primary keys ==== */

typedef enum st_psl_index_kind {
	ST_PSL_IDX_PRIMARY,   /* @id / @@id */
	ST_PSL_IDX_UNIQUE,    /* @unique / @@unique */
	ST_PSL_IDX_NORMAL,    /* @@index */
	ST_PSL_IDX_FULLTEXT,  /* @@fulltext (MySQL/Mongo only: rejected) */
} st_psl_index_kind;

typedef enum st_psl_sort {
	ST_PSL_SORT_NONE = 0, /* not written (ascending) */
	ST_PSL_SORT_ASC,
	ST_PSL_SORT_DESC,
} st_psl_sort;

typedef enum st_psl_index_type {
	ST_PSL_ITYPE_NONE = 0, /* not written: BTree */
	ST_PSL_ITYPE_BTREE,
	ST_PSL_ITYPE_HASH,
	ST_PSL_ITYPE_GIST,
	ST_PSL_ITYPE_GIN,
	ST_PSL_ITYPE_SPGIST,
	ST_PSL_ITYPE_BRIN,
} st_psl_index_type;

/* "BTree", "Hash", "Gist", "Gin", "SpGist", "Brin" / SQL "btree" ... */
const char *st_psl_index_type_name(st_psl_index_type t);
const char *st_psl_index_type_sql(st_psl_index_type t);

typedef struct st_psl_index_field {
	st_psl_rfield *field;
	st_psl_sort sort;
	int length;            /* length: n (MySQL only; 0 = none) */
	/* ops: the operator class as written: a constant like
	 * "JsonbPathOps" / "GinTrgmOps" (ops_sql gives "jsonb_path_ops",
	 * "gin_trgm_ops"), or raw("text") whose text is in ops_sql. */
	const char *ops;
	const char *ops_sql;
	st_span span;
} st_psl_index_field;

struct st_psl_rindex {
	st_psl_index_kind kind;
	st_psl_rmodel *model;
	st_psl_index_field *fields;   /* array of nfields */
	size_t nfields;
	bool field_level;             /* @id / @unique on a field */
	const char *name;             /* name: "x" (client name) or NULL */
	const char *map;              /* map: "x" as written, or NULL */
	const char *db_name;          /* map, else Prisma's default name:
	                               * {table}_pkey / {table}_{cols}_key /
	                               * {table}_{cols}_idx (names.c) */
	st_psl_index_type type;       /* @@index(type: X); NONE otherwise */
	const char *where;            /* @@index(where: raw("...")) SQL, or
	                               * NULL */
	bool clustered;               /* SQL Server only: rejected */
	const st_psl_attr *attr;
	st_span span;
};

/* ==== fields and models ==== */

struct st_psl_rfield {
	const char *name;
	const char *db_name;          /* @map("x") or name (scalar fields) */
	st_psl_rmodel *model;         /* owning model */
	/* (pos and the flags share 8 bytes: a big schema has some 50 000
	 * fields) */
	uint32_t pos;                 /* index in model->fields */
	bool is_id;                   /* part of the primary key (@id or
	                               * @@id) */
	bool is_unique;               /* has a field-level @unique */
	bool updated_at;              /* @updatedAt */
	bool ignored;                 /* @ignore */
	st_psl_scalar type;
	st_psl_arity arity;           /* REQUIRED / OPTIONAL / LIST (ast.h) */
	const char *type_name;        /* the type as written ("String",
	                               * "Role", "User", "Unsupported") */
	const char *unsupported;      /* T_UNSUPPORTED: the "text" */
	st_psl_renum *enum_ref;       /* T_ENUM */
	st_psl_native *native;        /* @db.X or NULL */
	st_psl_default *def;          /* @default or NULL */
	st_psl_rrel *rel;             /* T_RELATION */
	const char *doc;
	const st_psl_field *ast;      /* its type's span: ast->type.span */
	st_span span;                 /* the whole field */
};

struct st_psl_rmodel {
	const char *name;
	const char *db_name;          /* @@map("x") or name */
	const char *schema;           /* @@schema("x") or NULL */
	bool is_view;                 /* declared with `view` */
	bool ignored;                 /* @@ignore */
	const char *doc;
	st_psl_rfield **fields;       /* all fields, source order */
	size_t nfields;
	st_map field_map;             /* name -> st_psl_rfield *, only for
	                               * models with more than 16 fields
	                               * (empty otherwise): look fields up
	                               * with st_psl_rmodel_field() */
	st_psl_rindex *pk;            /* @id or @@id, or NULL */
	/* @unique, @@unique and @@index in this order: field-level uniques
	 * in field order, then block attributes in source order.  The pk is
	 * not in this list. */
	st_psl_rindex **indexes;
	size_t nindexes;
	const st_psl_block *ast;
	st_span span;                 /* the whole block */
	st_span name_span;
	size_t pos;                   /* index in model->models */
};

/* Field lookup by PSL name (hash map), NULL when absent. */
st_psl_rfield *st_psl_rmodel_field(const st_psl_rmodel *m, const char *name);

/* ==== datasource and generators ==== */

/* A configuration value: a string, or env("NAME") (never resolved). */
typedef struct st_psl_confval {
	bool present;
	bool is_env;          /* env("NAME"): value is NAME */
	const char *value;
	st_span span;
} st_psl_confval;

typedef struct st_psl_extension {
	const char *name;     /* PSL name (e.g. "pg_trgm", "uuid_ossp") */
	const char *map;      /* map: "uuid-ossp" or NULL */
	const char *db_name;  /* map or name: what CREATE EXTENSION uses */
	const char *schema;   /* schema: "x" or NULL */
	const char *version;  /* version: "1.2" or NULL */
	st_span span;
} st_psl_extension;

typedef struct st_psl_datasource {
	const char *name;             /* "db" */
	const char *provider;         /* as written: "postgresql"/"postgres" */
	st_psl_confval url;           /* absent in Prisma 7 schemas */
	st_psl_confval shadow_url;    /* shadowDatabaseUrl */
	st_psl_confval direct_url;    /* directUrl */
	st_psl_extension **extensions;
	size_t nextensions;
	const char **schemas;         /* schemas = ["a", "b"] */
	size_t nschemas;
	bool relation_mode_prisma;    /* relationMode = "prisma": no FKs */
	const st_psl_block *ast;
	st_span span;
} st_psl_datasource;

typedef struct st_psl_genprop {
	const char *key;
	const st_psl_expr *value;     /* as parsed */
	const char *str;              /* string value (or env name), else
	                               * NULL */
} st_psl_genprop;

typedef struct st_psl_generator {
	const char *name;
	st_psl_confval provider;
	st_psl_genprop **props;       /* all key = value, source order */
	size_t nprops;
	const char **preview_features;
	size_t npreview_features;
	const st_psl_block *ast;
	st_span span;
} st_psl_generator;

/* True when any generator lists the preview feature (case-insensitive,
 * like Prisma). */
bool st_psl_has_preview(const st_psl_model *m, const char *feature);

/* ==== the whole model ==== */

struct st_psl_model {
	const st_psl_schema *ast;
	st_psl_datasource *datasource;     /* NULL when there is none */
	st_psl_generator **generators;
	size_t ngenerators;
	st_psl_rmodel **models;            /* models and views, source order */
	size_t nmodels;
	st_psl_renum **enums;
	size_t nenums;
	st_psl_m2m **m2m;                  /* implicit many-to-many, sorted by
	                                    * table name */
	size_t nm2m;
	st_map model_map;                  /* name -> st_psl_rmodel * */
	st_map enum_map;                   /* name -> st_psl_renum * */
};

st_psl_rmodel *st_psl_model_find(const st_psl_model *m, const char *name);
st_psl_renum *st_psl_enum_find(const st_psl_model *m, const char *name);

/* ==== constraint names (names.c) ====
 *
 * Prisma's default constraint names on PostgreSQL (63-byte limit):
 *	primary key   {table}_pkey
 *	unique        {table}_{col1}_{col2}_key
 *	index         {table}_{col1}_{col2}_idx
 *	foreign key   {table}_{col1}_{col2}_fkey
 * `table` and `cols` are database names (after @@map/@map).  When the
 * joined name is too long, the part before the suffix is cut to
 * 63 - strlen(suffix) bytes (at a UTF-8 character boundary) and the
 * suffix appended, so the result is at most 63 bytes.  Results are in
 * arena a.
 */
char *st_psl_name_pk(st_arena *a, const char *table);
char *st_psl_name_unique(st_arena *a, const char *table,
			 const char *const *cols, size_t ncols);
char *st_psl_name_index(st_arena *a, const char *table,
			const char *const *cols, size_t ncols);
char *st_psl_name_fk(st_arena *a, const char *table,
		     const char *const *cols, size_t ncols);
/* The generic rule: table, cols joined with "_", suffix ("key", "idx",
 * "fkey", "pkey"; for "pkey" cols is ignored). */
char *st_psl_default_constraint_name(st_arena *a, const char *table,
				     const char *const *cols, size_t ncols,
				     const char *suffix);

#endif
