/*
 * test_parser.c - the PSL parser: the tree (blocks, fields, types,
 * attributes, arguments, expressions, comments), spans as line:col,
 * syntax errors with Prisma's messages at Prisma's lines, recovery, hostile
 * input (deep nesting, NUL, invalid UTF-8, unterminated blocks, large
 * files), schema folders, every corpus schema parsing cleanly, and a big
 * file parsed in pieces on threads giving the one-pass tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psl/psl.h"
#include "util/fs.h"

#include "unit/split_env.h"

/* ==== helpers ==== */

static st_psl_file *
parse(st_ctx *cx, const char *text, int expect_rc)
{
	st_source *src = st_source_new(cx, "schema.prisma", text, strlen(text));
	st_psl_file *f = NULL;

	assert_int_equal(st_psl_parse(cx, src, &f), expect_rc);
	assert_non_null(f);
	return f;
}

static void
linecol(st_span sp, size_t *line, size_t *col)
{
	st_source_linecol(sp.src, sp.start, line, col);
}

static const char *
span_text(st_ctx *cx, st_span sp)
{
	return st_strndup(cx->arena, sp.src->text + sp.start, sp.end - sp.start);
}

/* Asserts diagnostic i: error at line:col with message msg. */
static void
assert_diag(st_ctx *cx, size_t i, size_t line, size_t col, const char *msg)
{
	st_diag *d;
	size_t l, c;

	assert_true(i < cx->diags.len);
	d = cx->diags.items[i];
	assert_int_equal(d->severity, ST_SEV_ERROR);
	assert_string_equal(d->code, "P1012");
	linecol(d->span, &l, &c);
	assert_string_equal(d->msg, msg);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

/* ==== the tree ==== */

static const char shop[] =
	"generator client {\n"
	"  provider        = \"prisma-client-js\"\n"
	"  previewFeatures = [\"views\"]\n"
	"}\n"
	"\n"
	"datasource db {\n"
	"  provider   = \"postgresql\"\n"
	"  url        = env(\"DATABASE_URL\")\n"
	"  extensions = [citext(schema: \"ext\")]\n"
	"}\n"
	"\n"
	"/// A customer.\n"
	"model User {\n"
	"  id      String   @id @default(uuid(7)) @db.Uuid\n"
	"  email   String   @unique @db.VarChar(255) // login\n"
	"  posts   Post[]\n"
	"  geo     Unsupported(\"point\")?\n"
	"\n"
	"  @@index([email(sort: Desc)], map: \"user_email_idx\")\n"
	"  @@map(\"users\")\n"
	"}\n"
	"\n"
	"model Post {\n"
	"  id       Int    @id @default(autoincrement())\n"
	"  authorId String\n"
	"  author   User   @relation(\"Author\", fields: [authorId], references: [id], onDelete: Cascade)\n"
	"  price    Decimal @default(-1.50)\n"
	"  meta     Json   @default(\"{\\\"a\\\": 1}\")\n"
	"}\n"
	"\n"
	"enum Role {\n"
	"  USER  @map(\"user\")\n"
	"  ADMIN\n"
	"  @@map(\"roles\")\n"
	"}\n"
	"\n"
	"view Active {\n"
	"  id Int @unique\n"
	"}\n"
	"\n"
	"type Address {\n"
	"  street String\n"
	"}\n";

static void
test_psl_parser__blocks_and_fields(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx, shop, 0);
	st_psl_block *user, *post, *role, *ds;
	st_psl_field *fld;
	st_psl_attr *a;
	st_psl_expr *e;
	size_t line, col;

	assert_int_equal(f->nblocks, 7);
	assert_int_equal(f->blocks[0]->kind, ST_PSL_GENERATOR);
	assert_int_equal(f->blocks[1]->kind, ST_PSL_DATASOURCE);
	assert_int_equal(f->blocks[4]->kind, ST_PSL_ENUM);
	assert_int_equal(f->blocks[5]->kind, ST_PSL_VIEW);
	assert_int_equal(f->blocks[6]->kind, ST_PSL_TYPE);
	assert_string_equal(st_psl_block_kind_name(f->blocks[6]->kind), "type");

	ds = st_psl_file_block(f, "db");
	assert_non_null(ds);
	assert_int_equal(ds->nprops, 3);
	e = st_psl_block_prop(ds, "url")->value;
	assert_true(st_psl_expr_is_call(e, "env"));
	assert_int_equal(e->args.n, 1);
	assert_string_equal(e->args.items[0]->value->str, "DATABASE_URL");
	e = st_psl_block_prop(ds, "extensions")->value;
	assert_int_equal(e->kind, ST_PSL_EXPR_ARRAY);
	assert_true(st_psl_expr_is_call(e->items[0], "citext"));
	assert_string_equal(st_psl_arg_named(&e->items[0]->args, "schema")
				    ->value->str, "ext");

	user = st_psl_file_block(f, "User");
	assert_string_equal(user->doc, "A customer.");
	assert_int_equal(user->nfields, 4);
	assert_int_equal(user->nattrs, 2);
	linecol(user->name.span, &line, &col);
	assert_int_equal(line, 13);
	assert_int_equal(col, 7);

	fld = st_psl_block_field(user, "id");
	assert_string_equal(fld->type.name.name, "String");
	assert_int_equal(fld->type.arity, ST_PSL_REQUIRED);
	assert_int_equal(fld->nattrs, 3);
	a = st_psl_field_attr(fld, "default");
	assert_non_null(a);
	e = st_psl_attr_arg(a, NULL, 0);
	assert_true(st_psl_expr_is_call(e, "uuid"));
	assert_string_equal(st_psl_expr_raw(cx->arena,
						 e->args.items[0]->value), "7");
	a = st_psl_field_attr(fld, "db.Uuid");
	assert_non_null(a);
	assert_false(a->has_args);
	linecol(a->span, &line, &col);
	assert_int_equal(line, 14);
	assert_int_equal(col, 42);
	assert_string_equal(span_text(cx, a->span), "@db.Uuid");

	fld = st_psl_block_field(user, "email");
	assert_non_null(fld->trailing);
	assert_string_equal(fld->trailing->text, "// login");
	a = st_psl_field_attr(fld, "db.VarChar");
	assert_true(a->has_args);
	assert_string_equal(st_psl_expr_raw(cx->arena,
						 st_psl_attr_arg(a, NULL, 0)),
			    "255");
	assert_int_equal(st_psl_block_field(user, "posts")->type.arity,
			 ST_PSL_LIST);
	fld = st_psl_block_field(user, "geo");
	assert_true(fld->type.unsupported);
	assert_int_equal(fld->type.arity, ST_PSL_OPTIONAL);
	assert_string_equal(fld->type.unsupported_arg->str, "point");

	a = st_psl_block_attr(user, "index");
	assert_true(a->block);
	e = st_psl_attr_arg(a, "fields", 0);
	assert_int_equal(e->kind, ST_PSL_EXPR_ARRAY);
	assert_true(st_psl_expr_is_call(e->items[0], "email"));
	assert_true(st_psl_expr_is_const(
		st_psl_arg_named(&e->items[0]->args, "sort")->value, "Desc"));
	assert_string_equal(st_psl_attr_arg(a, "map", 99)->str, "user_email_idx");
	assert_string_equal(span_text(cx, st_psl_arg_named(&a->args, "map")->name.span),
			    "map");

	post = st_psl_file_block(f, "Post");
	a = st_psl_field_attr(st_psl_block_field(post, "author"), "relation");
	assert_string_equal(st_psl_attr_arg(a, "name", 0)->str, "Author");
	assert_true(st_psl_expr_is_const(st_psl_attr_arg(a, "onDelete", 99),
					 "Cascade"));
	assert_null(st_psl_attr_arg(a, "onUpdate", 99));
	e = st_psl_attr_arg(st_psl_field_attr(st_psl_block_field(post, "price"),
					      "default"), NULL, 0);
	assert_int_equal(e->kind, ST_PSL_EXPR_NUMBER);
	assert_true(e->is_float);
	assert_string_equal(st_psl_expr_raw(cx->arena, e), "-1.50");
	e = st_psl_attr_arg(st_psl_field_attr(st_psl_block_field(post, "meta"),
					      "default"), NULL, 0);
	assert_string_equal(e->str, "{\"a\": 1}");
	assert_string_equal(st_psl_expr_raw(cx->arena, e),
			    "\"{\\\"a\\\": 1}\"");

	role = st_psl_file_block(f, "Role");
	assert_int_equal(role->nvalues, 2);
	assert_string_equal(st_psl_attr_arg(st_psl_attr_find(
		role->values[0]->attrs, role->values[0]->nattrs, "map"),
		"name", 0)->str, "user");
	assert_int_equal(role->nattrs, 1);
	assert_non_null(st_psl_block_value(role, "ADMIN"));
	assert_null(st_psl_block_value(role, "GUEST"));
	st_ctx_free(cx);
}

static void
test_psl_parser__comments_and_members(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"// top\n"
		"\n"
		"model A { // open\n"
		"  /// doc one\n"
		"  ///   doc two\n"
		"  id Int @id\n"
		"\n"
		"\n"
		"  // plain\n"
		"  /** block\n"
		"   * doc */\n"
		"  b Int /// trailing\n"
		"}\n", 0);
	st_psl_block *b = f->blocks[0];
	st_psl_member_kind kinds[] = {
		ST_PSL_MEMBER_COMMENT, ST_PSL_MEMBER_COMMENT, ST_PSL_MEMBER_FIELD,
		ST_PSL_MEMBER_BLANK, ST_PSL_MEMBER_COMMENT, ST_PSL_MEMBER_COMMENT,
		ST_PSL_MEMBER_FIELD,
	};

	assert_int_equal(f->nitems, 4); /* the end of the "}" line is a BLANK */
	assert_int_equal(f->items[0]->kind, ST_PSL_ITEM_COMMENT);
	assert_string_equal(f->items[0]->comment->text, "// top");
	assert_int_equal(f->items[1]->kind, ST_PSL_ITEM_BLANK);
	assert_int_equal(f->items[2]->kind, ST_PSL_ITEM_BLOCK);
	assert_int_equal(f->items[3]->kind, ST_PSL_ITEM_BLANK);
	assert_string_equal(b->trailing->text, "// open");
	assert_int_equal(b->nmembers, sizeof(kinds) / sizeof(kinds[0]));
	for (size_t i = 0; i < b->nmembers; i++)
		assert_int_equal(b->members[i]->kind, kinds[i]);
	assert_int_equal(b->members[3]->nblank, 2);
	assert_true(b->members[0]->u.comment->doc);
	assert_true(b->members[5]->u.comment->multiline);
	assert_string_equal(b->fields[0]->doc, "doc one\ndoc two");
	/* Prisma keeps the inner text, trimmed, stars included */
	assert_string_equal(b->fields[1]->doc, "* block\n   * doc");
	assert_string_equal(b->fields[1]->trailing->text, "/// trailing");
	assert_true(b->fields[1]->trailing->doc);
	st_ctx_free(cx);
}

/* Documentation attaches like Prisma's (checked with Prisma's DMMF). */
static void
test_psl_parser__doc_attachment(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"/// not for A: a blank line follows\n"
		"\n"
		"model A {\n"
		"  /// fdoc\n"
		"\n"
		"  id Int @id\n"
		"  /// before attr\n"
		"  @@map(\"a\")\n"
		"  x Int\n"
		"  // plain\n"
		"  y Int\n"
		"}\n"
		"/// B's doc\n"
		"model B {\n"
		"  id Int @id\n"
		"}\n", 0);
	st_psl_block *a = f->blocks[0];

	assert_null(a->doc);
	assert_string_equal(st_psl_block_field(a, "id")->doc, "fdoc");
	assert_string_equal(st_psl_block_field(a, "x")->doc, "before attr");
	assert_null(st_psl_block_field(a, "y")->doc);
	assert_string_equal(f->blocks[1]->doc, "B's doc");
	st_ctx_free(cx);
}

static void
test_psl_parser__objects_and_odd_syntax(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"model A{\n"
		"  id Int @ id\n"
		"  x  Int@default (1)\n"
		"  r  R @relation(fields: , references: [id],)\n"
		"  @@index([x], where: { active: true, n: { not: null } })\n"
		"} model B {\n"
		"  id Int @id\n"
		"}\n", 0);
	st_psl_block *a = f->blocks[0];
	st_psl_expr *w;
	st_psl_attr *rel;

	assert_int_equal(f->nblocks, 2);
	assert_non_null(st_psl_field_attr(a->fields[0], "id"));
	assert_string_equal(st_psl_expr_raw(cx->arena, st_psl_attr_arg(
				st_psl_field_attr(a->fields[1], "default"),
				NULL, 0)), "1");
	rel = st_psl_field_attr(a->fields[2], "relation");
	assert_true(rel->args.trailing_comma);
	assert_non_null(st_psl_arg_named(&rel->args, "fields"));
	assert_null(st_psl_arg_named(&rel->args, "fields")->value);
	w = st_psl_attr_arg(a->attrs[0], "where", 99);
	assert_int_equal(w->kind, ST_PSL_EXPR_OBJECT);
	assert_int_equal(w->args.n, 2);
	assert_int_equal(st_psl_arg_named(&w->args, "n")->value->kind,
			 ST_PSL_EXPR_OBJECT);
	st_ctx_free(cx);
}

/* ==== errors ==== */

static void
test_psl_parser__invalid_lines(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"datasource db {\n"
		"  provider = \"postgresql\"\n"
		"  nonsense\n"
		"}\n"
		"generator g {\n"
		"  provider = \"x\"\n"
		"  a b\n"
		"}\n"
		"model A {\n"
		"  id Int @id\n"
		"  x Int @default(\"abc\n"
		"    y Int @id @@map(\"x\")\n"
		"  ok String\n"
		"}\n"
		"enum E {\n"
		"  A\n"
		"  B C\n"
		"}\n"
		"foo bar\n"
		"Thing {\n"
		"  a b\n"
		"}\n"
		"type Alias = String\n", ST_EPARSE);

	assert_int_equal(f->nerrors, 8);
	assert_int_equal(cx->diags.len, 8);
	assert_diag(cx, 0, 3, 3, "This line is not a valid definition within a datasource.");
	assert_diag(cx, 1, 7, 3, "This line is not a valid definition within a generator.");
	assert_diag(cx, 2, 11, 3, "This line is not a valid field or attribute definition.");
	assert_diag(cx, 3, 12, 5, "This line is not a valid field or attribute definition.");
	assert_diag(cx, 4, 17, 3, "This line is not an enum value definition.");
	assert_diag(cx, 5, 19, 1, "This line is invalid. It does not start with any known Prisma schema keyword.");
	assert_diag(cx, 6, 20, 1, "This block is invalid. It does not start with any known "
		    "Prisma schema keyword. Valid keywords include 'model', 'enum', "
		    "'type', 'datasource' and 'generator'.");
	assert_diag(cx, 7, 23, 1, "Invalid type definition. Please check the documentation "
		    "in https://pris.ly/d/composite-types");
	/* recovery: the valid parts are all there */
	assert_int_equal(f->nblocks, 4);
	assert_non_null(st_psl_block_field(st_psl_file_block(f, "A"), "ok"));
	assert_int_equal(st_err_is_set(cx), true);
	assert_string_equal(cx->err_pcode, "P1012");
	st_ctx_free(cx);
}

static void
test_psl_parser__field_errors(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"model A {\n"
		"  id Int @id\n"
		"  a\n"
		"  b Int!\n"
		"  c [Int]\n"
		"  d Int[]?\n"
		"  e: Int\n"
		"  f String @default(\"C:\\dir\")\n"
		"}\n", ST_EPARSE);

	assert_int_equal(cx->diags.len, 6);
	assert_diag(cx, 0, 3, 3, "This field declaration is invalid. It is either "
		    "missing a name or a type.");
	assert_diag(cx, 1, 4, 5, "Fields are required by default, `!` is no longer required.");
	assert_diag(cx, 2, 5, 5, "To specify a list, please use `Type[]` instead of `[Type]`.");
	assert_diag(cx, 3, 6, 5, "Optional lists are not supported. Use either `Type[]` or `Type?`.");
	assert_diag(cx, 4, 7, 4, "Field declarations don't require a `:`.");
	assert_diag(cx, 5, 8, 24, "Unknown escape sequence. If the value is a "
		    "windows-style path, `\\` must be escaped as `\\\\`.");
	/* the fields are still in the tree */
	assert_int_equal(f->blocks[0]->nfields, 7);
	assert_int_equal(st_psl_block_field(f->blocks[0], "c")->type.arity, ST_PSL_LIST);
	st_ctx_free(cx);
}

static void
test_psl_parser__config_without_value(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"generator client {\n"
		"  provider = \"prisma-client-js\"\n"
		"  output =\n"
		"}\n", ST_EPARSE);
	st_psl_prop *kv = st_psl_block_prop(f->blocks[0], "output");

	/* Prisma's message, at the block (where Prisma points) */
	assert_int_equal(cx->diags.len, 1);
	assert_diag(cx, 0, 1, 1, "Property output in generator client needs "
		    "to be assigned a value");
	assert_non_null(kv);
	assert_null(kv->value);
	st_ctx_free(cx);
}

static void
test_psl_parser__unterminated_block(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_psl_file *f = parse(cx,
		"model A {\n"
		"  id Int @id\n"
		"\n"
		"model B {\n"
		"  id Int @id }\n", ST_EPARSE);

	/* like Prisma: every line of the failed block is reported */
	assert_int_equal(f->nblocks, 0);
	assert_int_equal(cx->diags.len, 4);
	assert_diag(cx, 0, 1, 1, "This line is invalid. It does not start with any known Prisma schema keyword.");
	assert_diag(cx, 1, 2, 3, "This line is invalid. It does not start with any known Prisma schema keyword.");
	assert_diag(cx, 2, 4, 1, "This line is invalid. It does not start with any known Prisma schema keyword.");
	assert_diag(cx, 3, 5, 3, "This line is invalid. It does not start with any known Prisma schema keyword.");
	st_ctx_free(cx);
}

static void
test_psl_parser__deep_nesting(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_strbuf sb = ST_STRBUF_INIT;
	st_psl_file *f;
	st_diag *d;

	st_strbuf_adds(&sb, "model A {\n  id Int @id @default(");
	for (int i = 0; i < 100000; i++)
		st_strbuf_addch(&sb, '[');
	for (int i = 0; i < 100000; i++)
		st_strbuf_addch(&sb, ']');
	st_strbuf_adds(&sb, ")\n  ok Int\n}\n");
	f = parse(cx, sb.buf, ST_EPARSE);
	assert_int_equal(cx->diags.len, 1);
	d = cx->diags.items[0];
	assert_non_null(strstr(d->msg, "nested too deeply"));
	assert_int_equal(f->blocks[0]->nfields, 1);
	st_strbuf_release(&sb);

	/* within the limit it parses */
	st_strbuf_init(&sb);
	st_strbuf_adds(&sb, "model A {\n  id Int @id @default(");
	for (int i = 0; i < ST_PSL_MAX_DEPTH - 2; i++)
		st_strbuf_adds(&sb, "f(");
	for (int i = 0; i < ST_PSL_MAX_DEPTH - 2; i++)
		st_strbuf_adds(&sb, ")");
	st_strbuf_adds(&sb, ")\n}\n");
	parse(cx, sb.buf, 0);
	st_strbuf_release(&sb);
	st_ctx_free(cx);
}

static void
test_psl_parser__hostile_bytes(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	static const char nul[] = "model A {\n  id Int @id\n  x\0y Int\n}\n";
	static const char bad[] = "model A {\n  id Int @id // \xFF\xFE\n}\n";
	st_source *src;
	st_psl_file *f;

	src = st_source_new(cx, "nul.prisma", nul, sizeof(nul) - 1);
	assert_int_equal(st_psl_parse(cx, src, &f), ST_EPARSE);
	assert_diag(cx, 0, 3, 3, "This line is not a valid field or attribute definition.");
	st_ctx_free(cx);

	cx = st_ctx_new(NULL);
	src = st_source_new(cx, "bad.prisma", bad, sizeof(bad) - 1);
	assert_int_equal(st_psl_parse(cx, src, &f), ST_EPARSE);
	assert_diag(cx, 0, 2, 17, "the file is not valid UTF-8");
	st_ctx_free(cx);

	/* NUL bytes inside comments (found by the fuzzer) */
	cx = st_ctx_new(NULL);
	{
		static const char cm[] = "/*\0*/\nmodel A {\n  /*\0\0*/\n  id Int @id // a\0b\n}\n";
		st_strbuf out = ST_STRBUF_INIT;

		src = st_source_new(cx, "c.prisma", cm, sizeof(cm) - 1);
		assert_int_equal(st_psl_parse(cx, src, &f), 0);
		assert_int_equal(f->blocks[0]->fields[0]->trailing->span.end -
				 f->blocks[0]->fields[0]->trailing->span.start, 6);
		assert_int_equal(st_psl_format(cx, f, &out), 0);
		assert_non_null(memmem(out.buf, out.len, "// a\0b\n", 7));
		st_strbuf_release(&out);
	}
	st_ctx_free(cx);

	/* unterminated everything, and only garbage */
	cx = st_ctx_new(NULL);
	parse(cx, "model A {\n  s String @default(\"abc", ST_EPARSE);
	parse(cx, "/* never closed\nmodel A {\n}\n", ST_EPARSE);
	parse(cx, "}}}}\n{{{{\n@@@\n", ST_EPARSE);
	parse(cx, "", 0);
	parse(cx, "\n\n   \n", 0);
	st_ctx_free(cx);
}

static void
test_psl_parser__error_cap_and_large_input(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_strbuf sb = ST_STRBUF_INIT;
	st_psl_file *f;
	const size_t nmodels = 20000;

	/* many errors: capped diagnostics, exact count */
	for (int i = 0; i < 1000; i++)
		st_strbuf_adds(&sb, "garbage line\n");
	f = parse(cx, sb.buf, ST_EPARSE);
	assert_int_equal(f->nerrors, 1000);
	assert_int_equal(st_diag_count(cx, ST_SEV_ERROR), ST_PSL_MAX_ERRORS);
	st_ctx_free(cx);

	/* a large valid file (several MB) parses completely */
	cx = st_ctx_new(NULL);
	st_strbuf_reset(&sb);
	for (size_t i = 0; i < nmodels; i++)
		st_strbuf_addf(&sb, "model M%zu {\n  id Int @id @default(autoincrement())\n"
			       "  name String? @db.VarChar(100) // c\n}\n\n", i);
	f = parse(cx, sb.buf, 0);
	assert_int_equal(f->nblocks, nmodels);
	st_ctx_free(cx);

	/* an unterminated block at the start of a large file: linear, and
	 * every line reported (capped) */
	cx = st_ctx_new(NULL);
	st_strbuf_reset(&sb);
	for (size_t i = 0; i < nmodels; i++)
		st_strbuf_adds(&sb, "model X {\n  id Int\n");
	f = parse(cx, sb.buf, ST_EPARSE);
	assert_int_equal(f->nerrors, 2 * nmodels);
	st_strbuf_release(&sb);
	st_ctx_free(cx);
}

/* ==== schemas and files ==== */

static void
test_psl_parser__schema_folder(void **state)
{
	st_ctx *cx = st_ctx_new(NULL);
	char tmpl[] = "/tmp/strata-psl-XXXXXX";
	char *dir = mkdtemp(tmpl);
	const char *sub, *p;
	st_vec srcs;
	st_psl_schema *s;
	FILE *fp;

	assert_non_null(dir);
	sub = st_path_join(cx->arena, dir, "models");
	assert_int_equal(mkdir(sub, 0755), 0);
	p = st_path_join(cx->arena, dir, "schema.prisma");
	fp = fopen(p, "w");
	fputs("datasource db {\n  provider = \"postgresql\"\n}\n", fp);
	fclose(fp);
	fp = fopen(st_path_join(cx->arena, sub, "user.prisma"), "w");
	fputs("model User {\n  id Int @id\n}\n", fp);
	fclose(fp);
	fp = fopen(st_path_join(cx->arena, sub, "notes.txt"), "w");
	fputs("not a schema", fp);
	fclose(fp);
	fp = fopen(st_path_join(cx->arena, dir, ".hidden.prisma"), "w");
	fputs("garbage", fp);
	fclose(fp);

	assert_int_equal(st_psl_read_sources(cx, dir, &srcs), 0);
	assert_int_equal(srcs.len, 2);
	assert_non_null(strstr(((st_source *)srcs.items[0])->path, "models/user.prisma"));
	assert_non_null(strstr(((st_source *)srcs.items[1])->path, "schema.prisma"));
	assert_int_equal(st_psl_parse_schema(cx, (st_source **)srcs.items,
					     srcs.len, &s), 0);
	assert_int_equal(s->nfiles, 2);
	assert_int_equal(s->nblocks, 2);
	assert_non_null(st_psl_schema_block(s, "User"));
	assert_non_null(st_psl_schema_block(s, "db"));
	assert_ptr_equal(st_psl_schema_block(s, "User")->src, srcs.items[0]);

	/* errors: missing path, folder without schema files, not UTF-8 */
	assert_int_equal(st_psl_read_sources(cx, "/nonexistent/x.prisma", &srcs),
			 ST_ENOTFOUND);
	assert_int_equal(st_psl_read_sources(cx, sub, &srcs), 0);
	assert_int_equal(remove(st_path_join(cx->arena, sub, "user.prisma")), 0);
	assert_int_equal(st_psl_read_sources(cx, sub, &srcs), ST_ENOTFOUND);
	assert_non_null(strstr(cx->err_msg.buf, "no .prisma files"));
	fp = fopen(p, "w");
	fputs("model A {\n  id Int @id // \xC3\x28\n}\n", fp);
	fclose(fp);
	cx->diags.len = 0;
	assert_int_equal(st_psl_read_sources(cx, p, &srcs), ST_EPARSE);
	assert_diag(cx, 0, 2, 17, "the file is not valid UTF-8 (byte 0xc3)");

	remove(p);
	remove(st_path_join(cx->arena, sub, "notes.txt"));
	remove(st_path_join(cx->arena, dir, ".hidden.prisma"));
	rmdir(sub);
	rmdir(dir);
	st_ctx_free(cx);
}

/* Every .prisma file of the corpus parses without a single error. */
static void
test_psl_parser__corpus(void **state)
{
	const char *corpus = getenv("STRATA_CORPUS");
	st_ctx *cx = st_ctx_new(NULL);
	st_vec projects;
	size_t nfiles = 0;

	if (!corpus)
		corpus = "../shared/corpus";
	if (!st_path_is_dir(corpus)) {
		print_message("corpus not found at %s (set STRATA_CORPUS)\n", corpus);
		st_ctx_free(cx);
		skip();
	}
	assert_int_equal(st_dir_list(cx, corpus, &projects), 0);
	for (size_t i = 0; i < projects.len; i++) {
		const char *dir = st_path_join(cx->arena, corpus, projects.items[i]);
		const char *cand[] = { "schema.prisma", "schema" };

		for (size_t k = 0; k < 2; k++) {
			const char *p = st_path_join(cx->arena, dir, cand[k]);
			st_vec srcs;
			st_psl_schema *s;

			if (!st_path_exists(p))
				continue;
			assert_int_equal(st_psl_read_sources(cx, p, &srcs), 0);
			if (st_psl_parse_schema(cx, (st_source **)srcs.items,
						srcs.len, &s) < 0) {
				st_strbuf sb = ST_STRBUF_INIT;

				st_diag_render(&sb, cx->diags.items[0], false);
				fail_msg("%s: %s", p, sb.buf);
			}
			assert_true(s->nblocks > 0);
			nfiles += srcs.len;
		}
	}
	assert_true(nfiles >= 50);
	st_ctx_free(cx);
}

/* ==== a big file in parts ==== */

static void
dump_span(st_strbuf *sb, st_span sp)
{
	st_strbuf_addf(sb, " [%u,%u)", (unsigned)sp.start, (unsigned)sp.end);
}

/* A comment as written (it may hold NUL bytes), with its span. */
static void
dump_comment(st_strbuf *sb, const char *label, const st_psl_comment *c)
{
	if (!c)
		return;
	st_strbuf_addf(sb, " %s%s%s", label, c->doc ? " doc" : "",
		       c->multiline ? " multi" : "");
	dump_span(sb, c->span);
	st_strbuf_addch(sb, ' ');
	st_strbuf_add(sb, c->text, c->span.end - c->span.start);
}

static void
dump_doc(st_strbuf *sb, const char *doc)
{
	if (doc)
		st_strbuf_addf(sb, " doc<%s>", doc);
}

/*
 * What st_psl_dump leaves out and the split could get wrong: every item
 * and member with its kind, span and blank-line count, comments (above,
 * after, inside), docs, and the typed views' sizes.
 */
static void
dump_items(st_strbuf *sb, const st_psl_file *f)
{
	st_strbuf_addf(sb, "items %zu blocks %zu errors %zu\n", f->nitems,
		       f->nblocks, f->nerrors);
	for (size_t i = 0, nb = 0; i < f->nitems; i++) {
		const st_psl_item *it = f->items[i];
		const st_psl_block *b = it->block;

		st_strbuf_addf(sb, "item %d", it->kind);
		dump_span(sb, it->span);
		if (it->kind == ST_PSL_ITEM_BLANK)
			st_strbuf_addf(sb, " nblank %zu", it->nblank);
		if (it->raw)
			st_strbuf_addf(sb, " raw %s", it->raw);
		dump_comment(sb, "comment", it->comment);
		st_strbuf_addch(sb, '\n');
		if (!b)
			continue;
		assert_ptr_equal(b, f->blocks[nb++]);
		st_strbuf_addf(sb, " block %s %s", b->keyword.name, b->name.name);
		dump_span(sb, b->span);
		dump_span(sb, b->body);
		dump_span(sb, b->name.span);
		dump_doc(sb, b->doc);
		dump_comment(sb, "trailing", b->trailing);
		st_strbuf_addf(sb, " %zu %zu %zu %zu %zu\n", b->nmembers,
			       b->nfields, b->nvalues, b->nprops, b->nattrs);
		for (size_t j = 0; j < b->nmembers; j++) {
			const st_psl_member *m = b->members[j];

			st_strbuf_addf(sb, "  member %d", m->kind);
			dump_span(sb, m->span);
			if (m->kind == ST_PSL_MEMBER_BLANK)
				st_strbuf_addf(sb, " nblank %u", m->nblank);
			if (m->kind == ST_PSL_MEMBER_FIELD) {
				dump_span(sb, m->u.field->type.span);
				dump_doc(sb, m->u.field->doc);
			} else if (m->kind == ST_PSL_MEMBER_VALUE) {
				dump_doc(sb, m->u.value->doc);
			} else if (m->kind == ST_PSL_MEMBER_PROP) {
				dump_doc(sb, m->u.prop->doc);
			} else if (m->kind == ST_PSL_MEMBER_COMMENT) {
				dump_comment(sb, "comment", m->u.comment);
			} else if (m->kind == ST_PSL_MEMBER_INVALID) {
				st_strbuf_addf(sb, " raw %s", m->u.raw);
			}
			dump_comment(sb, "trailing", m->trailing);
			st_strbuf_addch(sb, '\n');
		}
	}
}

/*
 * Parses text with the environment given (NULL: unset) into *out: the
 * result, the error, the diagnostics in order, the tree (st_psl_dump,
 * dump_items) and, when it parsed, the formatted text.  *used is what the
 * parse allocated from the context's own arena: the parts' nodes live in
 * arenas of their own, so a kept split leaves it nearly empty.
 */
static void
parse_with(const char *text, size_t len, const char *threads,
	   const char *par_min, st_strbuf *out, size_t *used)
{
	st_ctx *cx = st_ctx_new(NULL);
	st_source *src = st_source_new(cx, "schema.prisma", text, len);
	size_t before = st_arena_used(cx->arena);
	st_psl_file *f = NULL;
	int rc;

	split_env(threads, par_min);
	rc = st_psl_parse(cx, src, &f);
	split_env(NULL, NULL);
	*used = st_arena_used(cx->arena) - before;
	assert_non_null(f);
	st_strbuf_addf(out, "rc %d: %s\n", rc, cx->err ? cx->err_msg.buf : "");
	st_strbuf_addf(out, "%zu diagnostics\n", cx->diags.len);
	for (size_t i = 0; i < cx->diags.len; i++) {
		const st_diag *d = cx->diags.items[i];

		st_strbuf_addf(out, "[%d %s]", d->severity,
			       d->code ? d->code : "-");
		dump_span(out, d->span);
		st_strbuf_addf(out, " %s\n", d->msg);
	}
	st_psl_dump(out, f);
	dump_items(out, f);
	if (rc == 0) {
		st_strbuf_adds(out, "formatted:\n");
		assert_int_equal(st_psl_format(cx, f, out), 0);
	}
	st_ctx_free(cx);
}

/*
 * text parsed on one thread and forced into parts (4 threads, no
 * minimum: up to 16 pieces) must give the same bytes.  must_split: the
 * input is built so that the split is certainly kept (block boundaries
 * all along, no errors), and the arena shows that it was.
 */
static void
assert_parts_same(const char *name, const char *text, size_t len,
		  bool must_split)
{
	st_strbuf one = ST_STRBUF_INIT, split = ST_STRBUF_INIT;
	size_t used_one, used_split;

	parse_with(text, len, "1", NULL, &one, &used_one);
	parse_with(text, len, "4", "1", &split, &used_split);
	if (strcmp(one.buf, split.buf) != 0) {
		size_t at = 0, line = 1;

		while (one.buf[at] == split.buf[at]) {
			if (one.buf[at] == '\n')
				line++;
			at++;
		}
		fprintf(stderr, "%s: the dumps differ from line %zu:\n"
			"one pass: %.200s\nparts:    %.200s\n", name, line,
			one.buf + at, split.buf + at);
		fail_msg("%s: parsing in parts differs", name);
	}
	if (must_split && used_split * 4 >= used_one)
		fail_msg("%s: not parsed in parts (%zu bytes in the caller's "
			 "arena, %zu in one pass)", name, used_split, used_one);
	st_strbuf_release(&one);
	st_strbuf_release(&split);
}

enum {
	BIG_CLEAN,         /* blank lines, comments, docs, all block kinds */
	BIG_CRLF,          /* the same with "\r\n" line breaks */
	BIG_TIGHT,         /* "}\nmodel X {": no blank line between blocks */
	BIG_SPANNING,      /* header comments that end in the next block */
	BIG_DOCS,          /* a doc comment right above every block: no cut */
	BIG_ERROR,         /* one invalid line, late in the file */
	BIG_UNTERMINATED,  /* one block without its "}" */
	BIG_MANY_ERRORS,   /* more than ST_PSL_MAX_ERRORS */
	BIG_BAD_UTF8,      /* an invalid byte in a comment, late */
	BIG_COMMENTED,     /* the middle half inside a top-level comment */
};

/* A schema of n blocks of every kind, in the given variant. */
static void
big_file(st_strbuf *sb, int n, int variant)
{
	const char *nl = variant == BIG_CRLF ? "\r\n" : "\n";

#define L(...) (st_strbuf_addf(sb, __VA_ARGS__), st_strbuf_adds(sb, nl))
	L("datasource db {");
	L("  provider = \"postgresql\" // where");
	L("}");
	L("%s", "");
	L("generator client {");
	L("  provider = \"prisma-client-js\"");
	L("}");
	L("%s", "");
	for (int i = 0; i < n; i++) {
		/* even blocks open a comment after their "{" that odd ones
		 * close: the cuts, only before odd blocks (even ones have
		 * a doc comment above), cross such comments */
		bool odd = i % 2 == 1, spanning = variant == BIG_SPANNING;
		const char *open = spanning && !odd ?
			" /* header comment, closed in the next block" : "";
		const char *close = spanning && odd ?
			" // end of the header comment above */" : "";

		if (variant == BIG_COMMENTED && i == n / 8)
			L("/* the middle of the file, commented out");
		if (variant == BIG_COMMENTED && i == n * 7 / 8)
			L("// (a line comment to the parts) */");
		if (variant == BIG_DOCS || i % 5 == 1 || (spanning && !odd))
			L("/// Block %d,", i);
		if (i % 5 == 1)
			L("/// documented.");
		if (i % 7 == 3) {
			L("// a section");
			L("%s", "");
		}
		switch (i % 4) {
		case 0:
		case 1:
			L("model M%d {%s", i, open);
			L("  id    Int    @id @default(autoincrement())%s", close);
			L("  /// the name");
			L("  name  String @db.VarChar(%d) // trailing", 10 + i);
			if (variant == BIG_ERROR && i == n * 7 / 8)
				L("  this is not a field !");
			if (variant == BIG_MANY_ERRORS)
				L("  @@@ bad");
			L("%s", "");
			if (variant != BIG_SPANNING &&
			    variant != BIG_COMMENTED) {
				L("  /* a multi-line");
				L("     comment */");
			}
			L("  tags  String[]");
			L("  @@index([name], map: \"m%d_name\")", i);
			break;
		case 2:
			L("enum E%d {%s", i, open);
			L("  A%s", close);
			L("  B @map(\"b\") // trailing");
			L("  /// doc of C");
			L("  C");
			break;
		case 3:
			L("%s T%d {%s", i % 8 == 3 ? "type" : "view", i, open);
			L("  x Int%s", close);
			L("  y String? @default(\"}\")");
			break;
		}
		if (variant == BIG_BAD_UTF8 && i == n * 3 / 4)
			L("  // \xC3\x28");
		if (variant != BIG_UNTERMINATED || i != n / 2)
			L("}");
		if (variant != BIG_TIGHT)
			for (int k = 0; k <= i % 3; k++)
				L("%s", k == 1 ? "  " : "");
	}
	L("// the end");
#undef L
}

/* Every corpus schema, every fixture schema, and big files built to be
 * cut (or to void the cut): the same tree, diagnostics and formatting on
 * one thread and in parts. */
static void
test_psl_parser__parts(void **state)
{
	static const struct {
		int variant;
		bool must_split;
	} big[] = {
		{ BIG_CLEAN, true }, { BIG_CRLF, true }, { BIG_TIGHT, true },
		{ BIG_SPANNING, true }, { BIG_DOCS, false }, { BIG_ERROR, false },
		{ BIG_UNTERMINATED, false }, { BIG_MANY_ERRORS, false },
		{ BIG_BAD_UTF8, false }, { BIG_COMMENTED, false },
	};
	const char *corpus = getenv("STRATA_CORPUS");
	const char *fixtures[] = { "tests/fixtures/validate",
				   "tests/fixtures/format-cases" };
	st_ctx *cx = st_ctx_new(NULL);
	st_strbuf sb = ST_STRBUF_INIT;
	st_vec names, paths = ST_VEC_INIT(cx->arena);
	size_t nfiles = 0;

	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "big file %d", big[i].variant);
		st_strbuf_reset(&sb);
		big_file(&sb, 400, big[i].variant);
		assert_parts_same(name, sb.buf, sb.len, big[i].must_split);
	}
	st_strbuf_release(&sb);

	/* fixtures as bytes (some are not UTF-8 on purpose) */
	for (size_t k = 0; k < 2; k++) {
		if (!st_path_is_dir(fixtures[k])) {
			print_message("no %s (run from the source tree)\n",
				      fixtures[k]);
			continue;
		}
		assert_int_equal(st_dir_list(cx, fixtures[k], &names), 0);
		for (size_t i = 0; i < names.len; i++) {
			const char *n = names.items[i];
			size_t len = strlen(n);
			char *text;

			if (len < 7 || strcmp(n + len - 7, ".prisma") != 0)
				continue;
			n = st_path_join(cx->arena, fixtures[k], n);
			assert_int_equal(st_file_read(cx, n, &text, &len), 0);
			assert_parts_same(n, text, len, false);
			nfiles++;
		}
	}

	/* the corpus: files and folders */
	if (!corpus)
		corpus = "../shared/corpus";
	if (!corpus_schemas(cx, corpus, &paths)) {
		print_message("corpus not found at %s (set STRATA_CORPUS)\n",
			      corpus);
	}
	for (size_t i = 0; i < paths.len; i++) {
		st_vec srcs;

		assert_int_equal(st_psl_read_sources(cx, paths.items[i], &srcs), 0);
		for (size_t j = 0; j < srcs.len; j++) {
			const st_source *src = srcs.items[j];

			assert_parts_same(src->path, src->text, src->len, false);
			nfiles++;
		}
	}
	print_message("%zu files parsed in parts\n", nfiles);
	st_ctx_free(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_parser__blocks_and_fields),
		cmocka_unit_test(test_psl_parser__comments_and_members),
		cmocka_unit_test(test_psl_parser__doc_attachment),
		cmocka_unit_test(test_psl_parser__objects_and_odd_syntax),
		cmocka_unit_test(test_psl_parser__invalid_lines),
		cmocka_unit_test(test_psl_parser__field_errors),
		cmocka_unit_test(test_psl_parser__config_without_value),
		cmocka_unit_test(test_psl_parser__unterminated_block),
		cmocka_unit_test(test_psl_parser__deep_nesting),
		cmocka_unit_test(test_psl_parser__hostile_bytes),
		cmocka_unit_test(test_psl_parser__error_cap_and_large_input),
		cmocka_unit_test(test_psl_parser__schema_folder),
		cmocka_unit_test(test_psl_parser__corpus),
		cmocka_unit_test(test_psl_parser__parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
