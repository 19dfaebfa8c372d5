/*
 * ast.h - the syntax tree of the Prisma schema language (PSL).
 *
 * The parser (parser.c) turns one st_source into one st_psl_file; a
 * schema made of several files (a Prisma schema folder) is a
 * st_psl_schema.  Every node lives in the arena of the st_ctx that was
 * given to the parser, so nodes have no free functions, and every node
 * carries a st_span into its st_source so diagnostics can point at the
 * exact token (file:line:col).
 *
 * The tree is lossless enough for the formatter: comments ("//" and "///"),
 * trailing comments at the end of a line and blank lines between members
 * are kept, in source order, in the `members` list of a block and in the
 * `items` list of a file.  The validator normally uses the typed arrays
 * (fields, attrs, props, values) and ignores members/items.
 *
 * Lexical facts (from Prisma's pest grammar, datamodel.pest):
 *   - identifiers: an alphanumeric, then alphanumerics, "_" and "-",
 *     where alphanumeric means an ASCII letter or digit or a Unicode
 *     letter of any script ("Café", "日本"; checked against Prisma 7.10;
 *     non-ASCII digits and combining marks are not).  The validator
 *     rejects names that start with a digit or contain '-'.  Inside
 *     strings and comments any valid UTF-8 is allowed.
 *   - strings are "..." on one line; control characters are not allowed
 *     inside.  JSON escapes (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate
 *     pairs too) are decoded; any other escape, or a bad \u, is reported
 *     with Prisma's message ("Unknown escape sequence. ...") and dropped.
 *   - numbers are -?[0-9]+(\.[0-9]+)?
 *   - "//" starts a comment, "///" a doc comment, both to end of line;
 *     slash-star starts a multi-line comment, up to star-slash (it is
 *     documentation too).
 *   - spaces and tabs (and Unicode space separators) are whitespace;
 *     line breaks are "\n", "\r\n" or "\r".
 *
 * Counts and arrays: every `T **xs; size_t nxs;` pair (uint32_t n for
 * arguments) is a plain array of pointers in the arena; it is never NULL
 * when n > 0.
 */
#ifndef ST_PSL_AST_H
#define ST_PSL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"

/* ==== identifiers ==== */

/* A name as written, with its place.  name is NUL-terminated. */
typedef struct st_psl_ident {
	const char *name;
	st_span span;
} st_psl_ident;

/* ==== expressions ==== */

typedef enum st_psl_expr_kind {
	ST_PSL_EXPR_STRING,   /* "text" */
	ST_PSL_EXPR_NUMBER,   /* 42, -1, 3.14 */
	ST_PSL_EXPR_CONST,    /* identifier or path: true, false, Cascade,
	                       * Desc, User.id, db.VarChar (no call) */
	ST_PSL_EXPR_ARRAY,    /* [a, b, c] */
	ST_PSL_EXPR_CALL,     /* env("X"), now(), uuid(7), dbgenerated("..")
	                       * also sort/ops forms like id(sort: Desc) */
	ST_PSL_EXPR_OBJECT,   /* { key: value, ... } (Prisma 7 partial index
	                       * `where: { active: true }`); entries are in
	                       * args, each named */
} st_psl_expr_kind;

typedef struct st_psl_expr st_psl_expr;
typedef struct st_psl_arg st_psl_arg;

/*
 * An argument list "( ... )".  Arguments are positional (name.name ==
 * NULL) or named ("map: \"x\"").  span covers the parentheses.
 */
typedef struct st_psl_args {
	st_psl_arg **items;
	st_span span;          /* "(" .. ")" inclusive */
	uint32_t n;
	bool trailing_comma;   /* "(a, b,)": valid syntax; for attributes the
	                        * validator reports Prisma's "Trailing commas are
	                        * not valid in attribute arguments, please remove
	                        * the comma." */
} st_psl_args;

struct st_psl_arg {
	st_psl_ident name;     /* name.name NULL for a positional argument */
	st_psl_expr *value;    /* NULL for an empty named argument "fields: "
	                        * (valid syntax for Prisma; the validator reports
	                        * "The `fields` argument is missing a value.") */
	st_span span;          /* whole argument, name included */
};

/*
 * An expression: a header (kind, span) and the part of its kind, in a
 * union.  Read a part only after checking kind: the others overlap it.
 * The parser allocates the CALL and OBJECT nodes whole (80 bytes) and the
 * others without the call part (ST_PSL_EXPR_SMALL_SIZE, 40 bytes): a big
 * schema has some 80 000 expressions, most of them names and numbers,
 * which had 128 bytes each with all parts side by side and a copy of
 * their text.  So never copy an st_psl_expr by value.  The source text of
 * an expression is st_psl_expr_raw().
 */
struct st_psl_expr {
	st_psl_expr_kind kind;
	/* NUMBER: whether the literal has a fractional part. */
	bool is_float;
	/* ARRAY: trailing_comma is always false: Prisma 7 rejects "[a, b,]"
	 * as a syntax error.  (Both flags sit beside kind, in its padding.) */
	bool trailing_comma;
	st_span span;
	union {
		/*
		 * STRING: the unescaped value and its length (may hold NUL
		 * bytes from "\u0000"; str is NUL-terminated anyway).
		 * NUMBER, CONST: the token text ("-1.5", "User.id").
		 */
		struct {
			const char *str;
			size_t str_len;
		};
		/* CALL: the function name (may be a path, "db.VarChar") and
		 * its arguments.  OBJECT: args holds the entries (all named;
		 * span of the list is the braces; func is unset). */
		struct {
			st_psl_ident func;
			st_psl_args args;
		};
		/* ARRAY: elements (see trailing_comma above). */
		struct {
			st_psl_expr **items;
			size_t nitems;
		};
	};
};

/* Bytes of a STRING, NUMBER, CONST or ARRAY node (see above). */
#define ST_PSL_EXPR_SMALL_SIZE (offsetof(st_psl_expr, str_len) + sizeof(size_t))
_Static_assert(offsetof(st_psl_expr, nitems) + sizeof(size_t) <=
	       ST_PSL_EXPR_SMALL_SIZE, "the ARRAY part fits a small node");

/* ==== attributes ==== */

/*
 * @name(args) on a field or enum value, @@name(args) on a block.
 * name excludes the "@"/"@@" and keeps a namespace: "db.VarChar",
 * "default", "relation".  has_args is false for "@id" and true for
 * "@id()" (args.n == 0).
 */
typedef struct st_psl_attr {
	st_psl_ident name;
	st_psl_args args;
	st_span span;          /* from "@" through ")" or the name */
	bool block;            /* "@@" */
	bool has_args;
} st_psl_attr;

/* ==== comments and members ==== */

/*
 * A comment.  text is the full comment as written, starting with "//" (or
 * slash-star for a multi-line comment: then it may span several lines and
 * ends with star-slash), without the line break (and without a '\r'
 * before it).  doc is true for "///"; multiline for a slash-star comment
 * (which Prisma counts as documentation, like "///").  Comments may hold
 * NUL bytes: the length of text is span.end - span.start.
 */
typedef struct st_psl_comment {
	const char *text;
	bool doc;
	bool multiline;
	st_span span;
} st_psl_comment;

typedef struct st_psl_field st_psl_field;
typedef struct st_psl_prop st_psl_prop;
typedef struct st_psl_enum_value st_psl_enum_value;

typedef enum st_psl_member_kind {
	ST_PSL_MEMBER_FIELD,      /* model/view/type field */
	ST_PSL_MEMBER_PROP,       /* datasource/generator key = value */
	ST_PSL_MEMBER_VALUE,      /* enum value */
	ST_PSL_MEMBER_ATTR,       /* block attribute @@x */
	ST_PSL_MEMBER_COMMENT,    /* a comment on a line of its own, "//" or
	                           * "///" (doc comments appear here too, in
	                           * order, as well as in the next member's doc) */
	ST_PSL_MEMBER_BLANK,      /* one or more empty lines (count in nblank) */
	ST_PSL_MEMBER_INVALID,    /* a line that could not be parsed (an error
	                           * was reported); u.raw holds its text */
} st_psl_member_kind;

/* One line-level item inside a block, in source order. */
typedef struct st_psl_member {
	st_psl_member_kind kind;
	uint32_t nblank;          /* BLANK: number of empty lines */
	st_span span;
	union {
		st_psl_field *field;
		st_psl_prop *prop;
		st_psl_enum_value *value;
		st_psl_attr *attr;
		st_psl_comment *comment;
		const char *raw;  /* INVALID: the line's text */
	} u;
	/* FIELD/PROP/VALUE/ATTR: the comment after it on the same line, or
	 * NULL. */
	st_psl_comment *trailing;
} st_psl_member;

/* ==== fields, properties, enum values ==== */

typedef enum st_psl_arity {
	ST_PSL_REQUIRED,
	ST_PSL_OPTIONAL,          /* T? */
	ST_PSL_LIST,              /* T[] */
} st_psl_arity;

/*
 * A field type.  For `Unsupported("circle")` name is "Unsupported",
 * unsupported is true and unsupported_arg is the string expression.
 * Legacy forms are parsed and reported as syntax errors (like Prisma):
 * "T!" (legacy_required), "[T]" (legacy_list), "T[]?" (optional list).
 */
typedef struct st_psl_type {
	st_psl_ident name;
	st_psl_arity arity;
	bool unsupported;
	st_psl_expr *unsupported_arg; /* STRING expression, or NULL */
	st_span span;                 /* whole type, "?"/"[]" included */
} st_psl_type;

struct st_psl_field {
	st_psl_ident name;
	st_psl_type type;         /* type.name.name NULL when missing (error) */
	st_psl_attr **attrs;      /* @x, in source order */
	size_t nattrs;
	/* Documentation, as Prisma computes it (checked with its DMMF): from
	 * the last run of comment lines since the previous field (blank lines
	 * and block attributes in between do not matter), each "///" line
	 * with "///" and leading whitespace removed, each multi-line
	 * comment's inner text trimmed, joined with "\n" ("//" lines are not
	 * documentation); NULL if none.  A block's doc needs the comment run
	 * right above it (no blank line). */
	const char *doc;
	st_psl_comment *trailing; /* "// ..." at the end of the line or NULL */
	st_span span;             /* name through the last attribute */
};

/* key = value in a datasource or generator. */
struct st_psl_prop {
	st_psl_ident name;
	st_psl_expr *value;       /* NULL for "key =" without a value (the
	                           * parser reported Prisma's "Property key in
	                           * generator g needs to be assigned a value") */
	const char *doc;
	st_psl_comment *trailing;
	st_span span;
};

/* An enum value with its attributes (@map("x")). */
struct st_psl_enum_value {
	st_psl_ident name;
	st_psl_attr **attrs;
	size_t nattrs;
	const char *doc;
	st_psl_comment *trailing;
	st_span span;
};

/* ==== blocks ==== */

typedef enum st_psl_block_kind {
	ST_PSL_DATASOURCE,
	ST_PSL_GENERATOR,
	ST_PSL_MODEL,
	ST_PSL_VIEW,
	ST_PSL_ENUM,
	ST_PSL_TYPE,              /* composite type */
} st_psl_block_kind;

typedef struct st_psl_block {
	st_psl_block_kind kind;
	st_psl_ident keyword;     /* "model", "enum", ... */
	st_psl_ident name;
	const char *doc;          /* "///" lines above the block, or NULL */
	st_span span;             /* keyword through "}" */
	st_span body;             /* "{" through "}" */
	/* All lines of the body in source order (for the formatter). */
	st_psl_member **members;
	size_t nmembers;
	/* Typed views of the members (for the validator):
	 *   MODEL, VIEW, TYPE: fields and attrs
	 *   ENUM: values and attrs
	 *   DATASOURCE, GENERATOR: props */
	st_psl_field **fields;
	size_t nfields;
	st_psl_enum_value **values;
	size_t nvalues;
	st_psl_prop **props;
	size_t nprops;
	st_psl_attr **attrs;      /* block attributes @@x, in source order */
	size_t nattrs;
	st_psl_comment *trailing; /* comment after "{" on the opening line */
	const st_source *src;
} st_psl_block;

/* ==== files and schemas ==== */

typedef enum st_psl_item_kind {
	ST_PSL_ITEM_BLOCK,
	ST_PSL_ITEM_COMMENT,      /* top-level comment line */
	ST_PSL_ITEM_BLANK,        /* line breaks between items: nblank counts
	                           * them, and the end of a block's "}" line
	                           * is one (so "}\n\nmodel" gives 2) */
	ST_PSL_ITEM_INVALID,      /* unparsable top-level text (error reported) */
} st_psl_item_kind;

typedef struct st_psl_item {
	st_psl_item_kind kind;
	st_span span;
	st_psl_block *block;      /* BLOCK */
	st_psl_comment *comment;  /* COMMENT */
	size_t nblank;            /* BLANK */
	const char *raw;          /* INVALID: the text */
} st_psl_item;

typedef struct st_psl_file {
	const st_source *src;
	st_psl_block **blocks;    /* in source order */
	size_t nblocks;
	st_psl_item **items;      /* blocks, comments and blank lines, in order */
	size_t nitems;
	size_t nerrors;           /* syntax errors reported for this file */
} st_psl_file;

/* Several files forming one schema (a Prisma schema folder), or one. */
typedef struct st_psl_schema {
	st_psl_file **files;      /* in the order given */
	size_t nfiles;
	st_psl_block **blocks;    /* all blocks of all files, file by file */
	size_t nblocks;
} st_psl_schema;

/* ==== helpers (ast.c) ==== */

/* "datasource", "generator", "model", "view", "enum", "type". */
const char *st_psl_block_kind_name(st_psl_block_kind kind);

/* First attribute named name ("id", "db.VarChar"; without "@") in an
 * array of attributes, or NULL. */
st_psl_attr *st_psl_attr_find(st_psl_attr *const *attrs, size_t n,
			      const char *name);
/* Shorthands over fields and blocks (block attributes "@@name"). */
st_psl_attr *st_psl_field_attr(const st_psl_field *f, const char *name);
st_psl_attr *st_psl_block_attr(const st_psl_block *b, const char *name);
/* Number of attributes with that name (to detect duplicates). */
size_t st_psl_attr_count(st_psl_attr *const *attrs, size_t n,
			 const char *name);

/*
 * Argument lookup.  st_psl_arg_named finds the named argument name.
 * st_psl_arg_pos returns the pos-th positional (unnamed) argument.
 * st_psl_arg_get implements Prisma's rule for an argument that may be
 * given by name or as the first unnamed argument (e.g. @@index([a],
 * map: "x") vs @relation("Name", ...)): the named one if present, else the
 * positional one at index pos.  All return NULL when absent; args may be
 * NULL (an attribute without parentheses).
 */
st_psl_arg *st_psl_arg_named(const st_psl_args *args, const char *name);
st_psl_arg *st_psl_arg_pos(const st_psl_args *args, size_t pos);
st_psl_arg *st_psl_arg_get(const st_psl_args *args, const char *name,
			   size_t pos);
/* Convenience over an attribute: st_psl_arg_get(&a->args, name, pos)
 * (NULL when a is NULL or has no arguments). */
st_psl_expr *st_psl_attr_arg(const st_psl_attr *a, const char *name,
			     size_t pos);

/* Lookups by name within one block, or across a file/schema. NULL if
 * absent. */
st_psl_field *st_psl_block_field(const st_psl_block *b, const char *name);
st_psl_prop *st_psl_block_prop(const st_psl_block *b, const char *name);
st_psl_enum_value *st_psl_block_value(const st_psl_block *b,
				      const char *name);
st_psl_block *st_psl_file_block(const st_psl_file *f, const char *name);
st_psl_block *st_psl_schema_block(const st_psl_schema *s, const char *name);

/*
 * The exact source text of e, NUL-terminated (up to a NUL byte in it, if
 * any): for a string with its quotes, for an array or call the full text
 * including nested whitespace and comments.  That is str for a NUMBER or
 * CONST, else a copy in a (messages need it, rarely, so the parser keeps
 * no copy).
 */
const char *st_psl_expr_raw(st_arena *a, const st_psl_expr *e);
/* True when e is a STRING (and then *out/len get its value). */
bool st_psl_expr_string(const st_psl_expr *e, const char **out,
			size_t *len);
/* True when e is a CONST with exactly that text ("true", "Cascade"). */
bool st_psl_expr_is_const(const st_psl_expr *e, const char *name);
/* True when e is a CALL of func (e.g. "env", "now"). */
bool st_psl_expr_is_call(const st_psl_expr *e, const char *func);
/* Short human name of the kind: "string", "number", "constant",
 * "array", "function". */
const char *st_psl_expr_kind_name(st_psl_expr_kind kind);

/* A span covering a .. b (same source); for diagnostics. */
st_span st_psl_span_join(st_span a, st_span b);

#endif
