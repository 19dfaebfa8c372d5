/*
 * parser.c - Prisma schema language parser: st_source -> st_psl_file.
 *
 * A hand-written, single-pass emulation of Prisma's pest grammar
 * (datamodel.pest), line by line: every line of a block is a field, an
 * enum value, a key = value, a block attribute, a comment, blank, or an
 * invalid line that gets Prisma's error and is skipped.  A block without
 * its closing "}" fails as a whole, and its lines are read again at the top
 * level, exactly as the PEG grammar does, so the errors match Prisma's.
 * Diagnostics raised inside an alternative that fails are rolled back.
 *
 * A big file (st_par_parts(len, PAR_MIN) > 1) is parsed on threads (see
 * "parts" below): it is cut into pieces at top-level block boundaries
 * ("}" line, blank lines, "model X {" at column 0), each piece is parsed
 * as a run of top-level items by a parser of its own, and the pieces'
 * items are joined in file order.  The split is speculative: it is kept
 * only when every piece parsed without an error and ended exactly at the
 * next piece's start, which is when the one-pass parse makes the same
 * items; otherwise the pieces are thrown away and the file is parsed in
 * one pass, so errors and their order are always the one-pass ones.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psl/lexer.h"
#include "psl/psl.h"
#include "util/par.h"

/* A bump allocator over arena chunks (see pool_alloc). */
typedef struct pool {
	char *mem;
	size_t used, size;  /* of the current chunk */
	size_t total;       /* all chunks so far */
} pool;

typedef struct parser {
	st_ctx *cx;
	const st_source *src;
	const char *s;
	size_t len;         /* the whole file's, even when parsing a part */
	size_t nerrors;
	bool piece;         /* parsing a piece: stop at the first error */
	size_t fail_from;   /* a block starting at or after this offset cannot
	                     * find its "}" (a scan from here reached EOF) */
	size_t last_rbrace; /* offset of the last '}' (SIZE_MAX when none) */
	unsigned depth;
	bool too_deep;
	/* A scratch stack for lists under construction (arguments, array
	 * items, attributes, block members): nested lists push above their
	 * parent's items and are copied out at their exact size, so the
	 * arena holds no half-grown vectors. */
	void **stk;
	size_t nstk, capstk;
	/* Node memory (see pool_alloc). */
	pool nodes, texts;
} parser;

/* A rollback point for diagnostics. */
typedef struct mark {
	size_t ndiags, nerrors;
} mark;

static mark
mark_get(const parser *p)
{
	mark m = { p->cx->diags.len, p->nerrors };

	return m;
}

static void
mark_reset(parser *p, mark m)
{
	if (p->cx->diags.len > m.ndiags)
		p->cx->diags.len = m.ndiags;
	p->nerrors = m.nerrors;
}

static void
stk_push(parser *p, void *item)
{
	if (p->nstk == p->capstk) {
		p->capstk *= 2;
		p->stk = st_xrealloc(p->stk, p->capstk * sizeof(void *));
	}
	p->stk[p->nstk++] = item;
}

/*
 * Node memory.  A 5000-model schema makes some 400 000 small nodes and
 * strings, so rather than one st_alloc() each they are carved out of
 * arena chunks with a bump pointer: an inline add instead of a call, and
 * no padding to st_alloc's 16 bytes.  Nodes and texts have a pool each,
 * so that nodes need no padding after odd-sized texts either.  The chunks
 * come zeroed from st_alloc() and nothing is handed out twice, so nodes
 * start zeroed too.  The bytes left over at the end of a chunk are the
 * price, so chunks grow with the tree, from POOL_MIN to POOL_MAX; they
 * stay at an eighth of what the pool already used, which keeps them well
 * below the arena's block size, so that they come from its ordinary
 * (growing, huge-page) blocks rather than from blocks of their own.
 * Requests over POOL_BIG go to the arena directly.
 */
#define POOL_MIN (4 * 1024)
#define POOL_MAX (64 * 1024)
#define POOL_BIG 512
#define NODE_ALIGN _Alignof(void *)

/* pool_alloc when the current chunk is full (out of line, so that the
 * fast path inlines well) */
static void * __attribute__((noinline))
pool_refill(st_arena *a, pool *pl, size_t size)
{
	size_t chunk = pl->total / 8;

	if (size > POOL_BIG)
		return st_alloc(a, size);
	chunk = chunk < POOL_MIN ? POOL_MIN : chunk > POOL_MAX ? POOL_MAX : chunk;
	pl->mem = st_alloc(a, chunk);
	pl->size = chunk;
	pl->used = size;
	pl->total += chunk;
	return pl->mem;
}

static inline void *
pool_alloc(st_arena *a, pool *pl, size_t size, size_t align)
{
	size_t at = (pl->used + align - 1) & ~(align - 1);

	if (at + size > pl->size)
		return pool_refill(a, pl, size);
	pl->used = at + size;
	return pl->mem + at;
}

/* A zeroed node. */
static void *
node(parser *p, size_t size)
{
	return pool_alloc(p->cx->arena, &p->nodes, size, NODE_ALIGN);
}

/*
 * A NUL-terminated copy of the source text [a, b).  Most texts are short
 * names, so those are copied with one fixed-size, inline 16-byte move
 * when both the source and the chunk have room for it: what lands past
 * the NUL is free space of the text pool, which the next text overwrites.
 */
static const char *
text(parser *p, size_t a, size_t b)
{
	size_t n = b - a;
	char *t = pool_alloc(p->cx->arena, &p->texts, n + 1, 1);

	if (n < 16 && a + 16 <= p->len &&
	    t + 16 <= p->texts.mem + p->texts.size)
		memcpy(t, p->s + a, 16);
	else
		memcpy(t, p->s + a, n);
	t[n] = '\0';
	return t;
}

/* Moves the items pushed since base into an exact-size array. */
static void *
stk_take(parser *p, size_t base, size_t *n)
{
	void **out = NULL;

	*n = p->nstk - base;
	if (*n) {
		out = node(p, *n * sizeof(void *));
		memcpy(out, p->stk + base, *n * sizeof(void *));
	}
	p->nstk = base;
	return out;
}

static st_span
span(const parser *p, size_t a, size_t b)
{
	st_span sp = { p->src, a, b };

	return sp;
}

static void serr(parser *p, size_t a, size_t b, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
serr(parser *p, size_t a, size_t b, const char *fmt, ...)
{
	va_list ap;
	st_diag *d;

	if (p->nerrors++ >= ST_PSL_MAX_ERRORS)
		return;
	d = st_diag_add(p->cx, ST_SEV_ERROR, span(p, a, b), "%s", "");
	va_start(ap, fmt);
	d->msg = st_vstrfmt(p->cx->arena, fmt, ap);
	va_end(ap);
	d->code = ST_PSL_PCODE;
}

static size_t
ws(const parser *p, size_t pos)
{
	return psl__ws(p->s, p->len, pos);
}

static bool
at(const parser *p, size_t pos, char c)
{
	return pos < p->len && p->s[pos] == c;
}

static bool
at_str(const parser *p, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	return pos + n <= p->len && memcmp(p->s + pos, lit, n) == 0;
}

static st_psl_ident
ident(parser *p, size_t a, size_t b)
{
	st_psl_ident id = { text(p, a, b), span(p, a, b) };

	return id;
}

/* End of the text of a line starting at pos, trailing blanks removed. */
static size_t
trim_end(const parser *p, size_t a, size_t b)
{
	while (b > a && (p->s[b - 1] == ' ' || p->s[b - 1] == '\t'))
		b--;
	return b;
}

/* ==== expressions ==== */

static st_psl_expr *expr(parser *p, size_t pos, size_t *end);

/* Sets the value of the string literal e, [a, b) with its quotes: most
 * strings have no escape, and their value is then the text inside. */
static void
string_value(parser *p, st_psl_expr *e, size_t a, size_t b)
{
	if (!memchr(p->s + a + 1, '\\', b - a - 2)) {
		e->str = text(p, a + 1, b - 1);
		e->str_len = b - a - 2;
		return;
	}
	p->nerrors += psl__unescape(p->cx, p->src, a, b, &e->str, &e->str_len);
}

/* A node of the size its kind needs (see st_psl_expr in ast.h). */
static st_psl_expr *
new_expr(parser *p, st_psl_expr_kind kind, size_t a, size_t b)
{
	bool big = kind == ST_PSL_EXPR_CALL || kind == ST_PSL_EXPR_OBJECT;
	st_psl_expr *e = node(p, big ? sizeof(*e) : ST_PSL_EXPR_SMALL_SIZE);

	e->kind = kind;
	e->span = span(p, a, b);
	return e;
}

/*
 * argument = named_argument | empty_argument | expression
 * named_argument = identifier ":" expression ; empty_argument = identifier ":"
 * With names_only (object entries) only named_argument is accepted.
 */
static st_psl_arg *
argument(parser *p, size_t pos, size_t *end, bool names_only)
{
	st_psl_arg *a;
	size_t ie = psl__ident(p->s, p->len, pos);
	st_psl_expr *e;

	if (ie > pos) {
		size_t c = ws(p, ie);

		if (at(p, c, ':')) {
			size_t v = ws(p, c + 1), ve;

			a = node(p, sizeof(*a));
			a->name = ident(p, pos, ie);
			e = expr(p, v, &ve);
			if (e) {
				a->value = e;
				*end = ve;
			} else if (names_only) {
				return NULL;
			} else {
				*end = c + 1;
			}
			a->span = span(p, pos, *end);
			return a;
		}
	}
	if (names_only)
		return NULL;
	e = expr(p, pos, end);
	if (!e)
		return NULL;
	a = node(p, sizeof(*a));
	a->value = e;
	a->span = e->span;
	return a;
}

/*
 * "(" (argument ("," argument)*)? ","? ")"  or, for objects,
 * "{" (entry ("," entry)*)? "}".  pos is at the opening bracket.
 */
static bool
arg_list(parser *p, size_t pos, size_t *end, st_psl_args *out, bool object)
{
	char close = object ? '}' : ')';
	size_t base = p->nstk;
	mark m = mark_get(p);
	size_t q = ws(p, pos + 1), e, n;
	st_psl_arg *a;

	out->trailing_comma = false;
	a = argument(p, q, &e, object);
	if (a) {
		stk_push(p, a);
		q = ws(p, e);
		while (at(p, q, ',')) {
			size_t r = ws(p, q + 1);

			a = argument(p, r, &e, object);
			if (!a)
				break;
			stk_push(p, a);
			q = ws(p, e);
		}
	}
	if (!object && at(p, q, ',')) {
		out->trailing_comma = true;
		q = ws(p, q + 1);
	}
	if (!at(p, q, close)) {
		p->nstk = base;
		mark_reset(p, m);
		return false;
	}
	out->items = stk_take(p, base, &n);
	out->n = (uint32_t)n;
	out->span = span(p, pos, q + 1);
	*end = q + 1;
	return true;
}

/* "[" (expression ("," expression)*)? "]" */
static st_psl_expr *
array(parser *p, size_t pos, size_t *end)
{
	size_t base = p->nstk;
	mark m = mark_get(p);
	size_t q = ws(p, pos + 1), e;
	st_psl_expr *x = expr(p, q, &e), *arr;

	if (x) {
		stk_push(p, x);
		q = ws(p, e);
		while (at(p, q, ',')) {
			x = expr(p, ws(p, q + 1), &e);
			if (!x)
				break;
			stk_push(p, x);
			q = ws(p, e);
		}
	}
	if (!at(p, q, ']')) {
		p->nstk = base;
		mark_reset(p, m);
		return NULL;
	}
	arr = new_expr(p, ST_PSL_EXPR_ARRAY, pos, q + 1);
	arr->items = stk_take(p, base, &arr->nitems);
	*end = q + 1;
	return arr;
}

/*
 * expression = function_call | array_expression | object_expression |
 *              numeric_literal | string_literal | path
 * Nesting deeper than ST_PSL_MAX_DEPTH fails (and sets too_deep).
 */
static st_psl_expr *
expr(parser *p, size_t pos, size_t *end)
{
	st_psl_expr *e = NULL;
	size_t pe, q;
	bool is_float;

	if (pos >= p->len)
		return NULL;
	if (p->depth >= ST_PSL_MAX_DEPTH) {
		p->too_deep = true;
		return NULL;
	}
	p->depth++;
	pe = psl__path(p->s, p->len, pos);
	if (pe > pos) {
		st_psl_args args;

		q = ws(p, pe);
		if (at(p, q, '(') && arg_list(p, q, end, &args, false)) {
			e = new_expr(p, ST_PSL_EXPR_CALL, pos, *end);
			e->func = ident(p, pos, pe);
			e->args = args;
			goto done;
		}
	}
	if (at(p, pos, '[')) {
		e = array(p, pos, end);
		if (e)
			goto done;
	}
	if (at(p, pos, '{')) {
		st_psl_args args;

		if (arg_list(p, pos, end, &args, true)) {
			e = new_expr(p, ST_PSL_EXPR_OBJECT, pos, *end);
			e->args = args;
			goto done;
		}
	}
	q = psl__number(p->s, p->len, pos, &is_float);
	if (q > pos) {
		e = new_expr(p, ST_PSL_EXPR_NUMBER, pos, q);
		e->str = text(p, pos, q);
		e->str_len = q - pos;
		e->is_float = is_float;
		*end = q;
		goto done;
	}
	q = psl__string(p->s, p->len, pos);
	if (q > pos) {
		e = new_expr(p, ST_PSL_EXPR_STRING, pos, q);
		string_value(p, e, pos, q);
		*end = q;
		goto done;
	}
	if (pe > pos) {
		e = new_expr(p, ST_PSL_EXPR_CONST, pos, pe);
		e->str = text(p, pos, pe);
		e->str_len = pe - pos;
		*end = pe;
	}
done:
	p->depth--;
	return e;
}

/* ==== attributes, types, comments ==== */

/* field_attribute = "@" path arguments_list?  (block: "@@") */
static st_psl_attr *
attribute(parser *p, size_t pos, size_t *end, bool block)
{
	size_t r = ws(p, pos + (block ? 2 : 1)), pe, q;
	st_psl_attr *a;

	if (!at(p, pos, '@') || (block && !at(p, pos + 1, '@')))
		return NULL;
	pe = psl__path(p->s, p->len, r);
	if (pe == r)
		return NULL;
	a = node(p, sizeof(*a));
	a->name = ident(p, r, pe);
	a->block = block;
	*end = pe;
	q = ws(p, pe);
	if (at(p, q, '(') && arg_list(p, q, end, &a->args, false))
		a->has_args = true;
	a->span = span(p, pos, *end);
	return a;
}

/* Zero or more field attributes; returns the position after the last. */
static size_t
attributes(parser *p, size_t q, st_psl_attr ***out, size_t *n)
{
	size_t base = p->nstk, e;
	st_psl_attr *a;

	while (at(p, q, '@') && (a = attribute(p, q, &e, false))) {
		stk_push(p, a);
		q = ws(p, e);
	}
	*out = stk_take(p, base, n);
	return q;
}

static st_psl_comment *
comment(parser *p, size_t pos, size_t *end)
{
	bool doc, multi;
	size_t e = psl__comment(p->s, p->len, pos, &doc, &multi);
	st_psl_comment *c;

	if (e == pos)
		return NULL;
	c = node(p, sizeof(*c));
	c->text = text(p, pos, e);
	c->doc = doc;
	c->multiline = multi;
	c->span = span(p, pos, e);
	*end = e;
	return c;
}

/* trailing_comment? NEWLINE: returns the end of the line, or 0 on failure
 * (0 can never be the end of a line). */
static size_t
line_tail(parser *p, size_t q, st_psl_comment **trailing)
{
	size_t e, nl;

	*trailing = NULL;
	if (at(p, q, '/') && (*trailing = comment(p, q, &e)))
		q = ws(p, e);
	nl = psl__newline(p->s, p->len, q);
	return nl > q ? nl : 0;
}

/* base_type = unsupported_type | identifier */
static size_t
base_type(parser *p, size_t pos, st_psl_type *t)
{
	size_t e;

	if (at_str(p, pos, "Unsupported(")) {
		size_t q = ws(p, pos + 12), se = psl__string(p->s, p->len, q);

		if (se > q && at(p, ws(p, se), ')')) {
			st_psl_expr *x = new_expr(p, ST_PSL_EXPR_STRING, q, se);

			string_value(p, x, q, se);
			t->unsupported = true;
			t->unsupported_arg = x;
			t->name = ident(p, pos, pos + 11);
			return ws(p, se) + 1;
		}
	}
	e = psl__ident(p->s, p->len, pos);
	if (e > pos)
		t->name = ident(p, pos, e);
	return e;
}

/* Legacy type forms, reported once the line parsed. */
enum { TYPE_OK, TYPE_LEGACY_REQUIRED, TYPE_LEGACY_LIST, TYPE_OPT_LIST };

/*
 * field_type = base[]? | base[] | base? | base! | "[" base "]" | base
 * Returns the end, or pos when there is no type (t is then left as it
 * was).  t must come zeroed: it is part of a fresh field node.
 */
static size_t
field_type(parser *p, size_t pos, st_psl_type *t, int *legacy)
{
	size_t be, r;

	*legacy = TYPE_OK;
	be = base_type(p, pos, t);
	if (be > pos) {
		r = ws(p, be);
		t->arity = ST_PSL_REQUIRED;
		if (at_str(p, r, "[]")) {
			size_t r2 = ws(p, r + 2);

			t->arity = ST_PSL_LIST;
			if (at(p, r2, '?')) {
				*legacy = TYPE_OPT_LIST;
				r = r2 + 1;
			} else {
				r += 2;
			}
		} else if (at(p, r, '?')) {
			t->arity = ST_PSL_OPTIONAL;
			r++;
		} else if (at(p, r, '!')) {
			*legacy = TYPE_LEGACY_REQUIRED;
			r++;
		} else {
			r = be;
		}
		t->span = span(p, pos, r);
		return r;
	}
	if (at(p, pos, '[')) {
		size_t q = ws(p, pos + 1);

		be = base_type(p, q, t);
		if (be > q && at(p, ws(p, be), ']')) {
			r = ws(p, be) + 1;
			t->arity = ST_PSL_LIST;
			t->span = span(p, pos, r);
			*legacy = TYPE_LEGACY_LIST;
			return r;
		}
		memset(t, 0, sizeof(*t));
	}
	return pos;
}

/* ==== block members ==== */

/*
 * field_declaration = identifier ":"? field_type? field_attribute*
 *                     trailing_comment? NEWLINE
 */
static st_psl_field *
field_line(parser *p, size_t pos, size_t *end)
{
	mark m = mark_get(p);
	size_t ne = psl__ident(p->s, p->len, pos), q, te, colon = 0, nl;
	st_psl_field *f;
	int legacy = TYPE_OK;

	if (ne == pos)
		return NULL;
	f = node(p, sizeof(*f));
	f->name = ident(p, pos, ne);
	q = ws(p, ne);
	if (at(p, q, ':')) {
		colon = q + 1;
		q = ws(p, q + 1);
	}
	te = field_type(p, q, &f->type, &legacy);
	if (te > q)
		q = ws(p, te);
	q = attributes(p, q, &f->attrs, &f->nattrs);
	nl = line_tail(p, q, &f->trailing);
	if (!nl) {
		mark_reset(p, m);
		return NULL;
	}
	f->span = span(p, pos, trim_end(p, pos, f->trailing ?
				f->trailing->span.start : psl__line_end(p->s, p->len, q)));
	if (colon)     /* Prisma reports only this one for such a line */
		serr(p, colon - 1, colon, "Field declarations don't require a `:`.");
	else if (!f->type.name.name)
		serr(p, f->span.start, f->span.end,
		     "This field declaration is invalid. It is either missing a "
		     "name or a type.");
	else if (legacy == TYPE_LEGACY_REQUIRED)
		serr(p, f->type.span.start, f->type.span.end,
		     "Fields are required by default, `!` is no longer required.");
	else if (legacy == TYPE_LEGACY_LIST)
		serr(p, f->type.span.start, f->type.span.end,
		     "To specify a list, please use `Type[]` instead of `[Type]`.");
	else if (legacy == TYPE_OPT_LIST)
		serr(p, f->type.span.start, f->type.span.end,
		     "Optional lists are not supported. Use either `Type[]` or "
		     "`Type?`.");
	*end = nl;
	return f;
}

/* enum_value_declaration = identifier field_attribute* trailing_comment?
 * NEWLINE */
static st_psl_enum_value *
value_line(parser *p, size_t pos, size_t *end)
{
	mark m = mark_get(p);
	size_t ne = psl__ident(p->s, p->len, pos), q, nl;
	st_psl_enum_value *v;

	if (ne == pos)
		return NULL;
	v = node(p, sizeof(*v));
	v->name = ident(p, pos, ne);
	q = attributes(p, ws(p, ne), &v->attrs, &v->nattrs);
	nl = line_tail(p, q, &v->trailing);
	if (!nl) {
		mark_reset(p, m);
		return NULL;
	}
	v->span = span(p, pos, trim_end(p, pos, v->trailing ?
				v->trailing->span.start : psl__line_end(p->s, p->len, q)));
	*end = nl;
	return v;
}

/* key_value = identifier "=" expression? trailing_comment? NEWLINE */
static st_psl_prop *
prop_line(parser *p, size_t pos, size_t *end)
{
	mark m = mark_get(p);
	size_t ne = psl__ident(p->s, p->len, pos), q, ee, nl;
	st_psl_prop *kv;

	if (ne == pos)
		return NULL;
	q = ws(p, ne);
	if (!at(p, q, '='))
		return NULL;
	kv = node(p, sizeof(*kv));
	kv->name = ident(p, pos, ne);
	kv->value = expr(p, ws(p, q + 1), &ee);
	if (!kv->value) {
		if (p->too_deep)
			goto fail;
		ee = q + 1;
	}
	nl = line_tail(p, ws(p, ee), &kv->trailing);
	if (!nl)
		goto fail;
	kv->span = span(p, pos, ee);
	*end = nl;
	return kv;
fail:
	mark_reset(p, m);
	return NULL;
}

/* block_attribute NEWLINE, block_attribute = "@@" path arguments_list?
 * trailing_comment? */
static st_psl_attr *
attr_line(parser *p, size_t pos, size_t *end, st_psl_comment **trailing)
{
	mark m = mark_get(p);
	size_t e, nl;
	st_psl_attr *a = attribute(p, pos, &e, true);

	if (!a)
		return NULL;
	nl = line_tail(p, ws(p, e), trailing);
	if (!nl) {
		mark_reset(p, m);
		return NULL;
	}
	*end = nl;
	return a;
}

/*
 * Documentation for the member about to be added after members[0..n):
 * like Prisma's pending comment, the last run of comment lines since the
 * previous field / value / property, blank lines, block attributes and
 * invalid lines in between notwithstanding.
 */
static const char *
doc_before(parser *p, void *const *members, size_t n)
{
	size_t i, start;
	st_strbuf sb;
	bool any = false;

	while (n > 0) {
		st_psl_member_kind k = ((st_psl_member *)members[n - 1])->kind;

		if (k != ST_PSL_MEMBER_BLANK && k != ST_PSL_MEMBER_ATTR &&
		    k != ST_PSL_MEMBER_INVALID)
			break;
		n--;
	}
	i = n;
	while (i > 0 && ((st_psl_member *)members[i - 1])->kind ==
				ST_PSL_MEMBER_COMMENT)
		i--;
	start = i;
	if (start == n)
		return NULL;
	st_strbuf_init_arena(&sb, p->cx->arena);
	for (i = start; i < n; i++) {
		st_psl_comment *c = ((st_psl_member *)members[i])->u.comment;
		const char *t = c->text;
		size_t n = c->span.end - c->span.start; /* may hold NULs */

		if (c->doc) {
			t += 3, n -= 3;
			while (n && (*t == ' ' || *t == '\t'))
				t++, n--;
		} else if (c->multiline) {
			t += 2, n -= 4;
			while (n && (*t == ' ' || *t == '\t' || *t == '\n' ||
				     *t == '\r'))
				t++, n--;
			while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' ||
				     t[n - 1] == '\n' || t[n - 1] == '\r'))
				n--;
		} else {
			continue;
		}
		if (any)
			st_strbuf_addch(&sb, '\n');
		st_strbuf_add(&sb, t, n);
		any = true;
	}
	return any ? st_strbuf_detach(&sb, NULL) : NULL;
}

/* Members of the block being parsed are on the scratch stack from base. */
static st_psl_member *
new_member(parser *p, st_psl_member_kind kind, size_t a, size_t b)
{
	st_psl_member *mb = node(p, sizeof(*mb));

	mb->kind = kind;
	mb->span = span(p, a, b);
	stk_push(p, mb);
	return mb;
}

static const char *
invalid_line_msg(st_psl_block_kind kind)
{
	switch (kind) {
	case ST_PSL_ENUM:
		return "This line is not an enum value definition.";
	case ST_PSL_DATASOURCE:
		return "This line is not a valid definition within a datasource.";
	case ST_PSL_GENERATOR:
		return "This line is not a valid definition within a generator.";
	default:
		return "This line is not a valid field or attribute definition.";
	}
}

static const char too_deep_msg[] =
	"expression nested too deeply (more than %d levels of arrays, "
	"objects and calls)";

/* One member line (or comment / blank run) at q; returns its end. */
static size_t
member(parser *p, st_psl_block *b, size_t q, size_t base)
{
	size_t nmembers = p->nstk - base; /* p->stk may move: index it late */
	size_t e, nl;
	st_psl_member *mb;
	st_psl_comment *c;

	nl = psl__newline(p->s, p->len, q);
	if (nl > q) {
		size_t n = 0;

		e = q;
		while ((nl = psl__newline(p->s, p->len, ws(p, e))) > ws(p, e)) {
			e = nl;
			n++;
		}
		mb = new_member(p, ST_PSL_MEMBER_BLANK, q, e);
		mb->nblank = n;
		return e;
	}
	if (at(p, q, '/') && (c = comment(p, q, &e))) {
		mb = new_member(p, ST_PSL_MEMBER_COMMENT, q, e);
		mb->u.comment = c;
		return psl__newline(p->s, p->len, e);
	}
	if (at(p, q, '@')) {
		st_psl_comment *tc;
		st_psl_attr *a = attr_line(p, q, &e, &tc);

		if (a) {
			mb = new_member(p, ST_PSL_MEMBER_ATTR, q, a->span.end);
			mb->u.attr = a;
			mb->trailing = tc;
			return e;
		}
	} else if (b->kind == ST_PSL_ENUM) {
		st_psl_enum_value *v = value_line(p, q, &e);

		if (v) {
			v->doc = doc_before(p, p->stk + base, nmembers);
			mb = new_member(p, ST_PSL_MEMBER_VALUE, q, v->span.end);
			mb->u.value = v;
			mb->trailing = v->trailing;
			return e;
		}
	} else if (b->kind == ST_PSL_DATASOURCE || b->kind == ST_PSL_GENERATOR) {
		st_psl_prop *kv = prop_line(p, q, &e);

		if (kv) {
			if (!kv->value)
				serr(p, b->keyword.span.start, b->name.span.end,
				     "Property %s in %s %s needs to be assigned a "
				     "value", kv->name.name,
				     st_psl_block_kind_name(b->kind), b->name.name);
			kv->doc = doc_before(p, p->stk + base, nmembers);
			mb = new_member(p, ST_PSL_MEMBER_PROP, q, kv->span.end);
			mb->u.prop = kv;
			mb->trailing = kv->trailing;
			return e;
		}
	} else {
		st_psl_field *f = field_line(p, q, &e);

		if (f) {
			f->doc = doc_before(p, p->stk + base, nmembers);
			mb = new_member(p, ST_PSL_MEMBER_FIELD, q, f->span.end);
			mb->u.field = f;
			mb->trailing = f->trailing;
			return e;
		}
	}
	/* BLOCK_LEVEL_CATCH_ALL */
	e = psl__line_end(p->s, p->len, q);
	mb = new_member(p, ST_PSL_MEMBER_INVALID, q, e);
	mb->u.raw = text(p, q, e);
	if (p->too_deep)
		serr(p, q, trim_end(p, q, e), too_deep_msg, ST_PSL_MAX_DEPTH);
	else
		serr(p, q, trim_end(p, q, e), "%s", invalid_line_msg(b->kind));
	p->too_deep = false;
	return psl__newline(p->s, p->len, e);
}

/* ==== blocks ==== */

/* Fills the typed arrays of a block from its members. */
static void
typed_members(parser *p, st_psl_block *b)
{
	size_t n[5] = { 0 };

	for (size_t i = 0; i < b->nmembers; i++)
		if (b->members[i]->kind <= ST_PSL_MEMBER_ATTR)
			n[b->members[i]->kind]++;
	b->fields = node(p, (n[ST_PSL_MEMBER_FIELD] + 1) * sizeof(*b->fields));
	b->props = node(p, (n[ST_PSL_MEMBER_PROP] + 1) * sizeof(*b->props));
	b->values = node(p, (n[ST_PSL_MEMBER_VALUE] + 1) * sizeof(*b->values));
	b->attrs = node(p, (n[ST_PSL_MEMBER_ATTR] + 1) * sizeof(*b->attrs));
	for (size_t i = 0; i < b->nmembers; i++) {
		st_psl_member *m = b->members[i];

		switch (m->kind) {
		case ST_PSL_MEMBER_FIELD: b->fields[b->nfields++] = m->u.field; break;
		case ST_PSL_MEMBER_PROP: b->props[b->nprops++] = m->u.prop; break;
		case ST_PSL_MEMBER_VALUE: b->values[b->nvalues++] = m->u.value; break;
		case ST_PSL_MEMBER_ATTR: b->attrs[b->nattrs++] = m->u.attr; break;
		default: break;
		}
	}
}

typedef struct keyword {
	const char *word;
	st_psl_block_kind kind;
} keyword;

/* In the order of the grammar's alternatives. */
static const keyword keywords[] = {
	{ "model", ST_PSL_MODEL },
	{ "type", ST_PSL_TYPE },
	{ "view", ST_PSL_VIEW },
	{ "enum", ST_PSL_ENUM },
	{ "datasource", ST_PSL_DATASOURCE },
	{ "generator", ST_PSL_GENERATOR },
};

/*
 * KEYWORD identifier BLOCK_OPEN members BLOCK_CLOSE, where BLOCK_OPEN is
 * "{" plus the rest of its line.  Returns the block or NULL (diagnostics
 * rolled back) and sets *end just after "}".
 */
static st_psl_block *
block(parser *p, const keyword *kw, size_t pos, size_t *end)
{
	mark m = mark_get(p);
	size_t ke = pos + strlen(kw->word), q = ws(p, ke), ne, r, le, nl;
	size_t base = p->nstk;
	st_psl_block *b;

	ne = psl__ident(p->s, p->len, q);
	if (ne == q)
		return NULL;
	r = ws(p, ne);
	if (!at(p, r, '{'))
		return NULL;
	le = psl__line_end(p->s, p->len, r + 1);
	nl = psl__newline(p->s, p->len, le);
	if (nl == le || pos >= p->fail_from)
		return NULL;
	b = node(p, sizeof(*b));
	b->kind = kw->kind;
	b->keyword = ident(p, pos, ke);
	b->name = ident(p, q, ne);
	b->src = p->src;
	{
		size_t c = ws(p, r + 1), ce;

		if (at(p, c, '/'))
			b->trailing = comment(p, c, &ce);
	}
	q = nl;
	for (;;) {
		q = ws(p, q);
		if (q >= p->len) {
			p->fail_from = pos;
			p->nstk = base;
			mark_reset(p, m);
			return NULL;
		}
		if (p->s[q] == '}')
			break;
		q = member(p, b, q, base);
	}
	b->span = span(p, pos, q + 1);
	b->body = span(p, r, q + 1);
	b->members = stk_take(p, base, &b->nmembers);
	typed_members(p, b);
	*end = q + 1;
	return b;
}

/* type_alias = "type" identifier "=" base_type field_attribute* */
static size_t
type_alias(parser *p, size_t pos)
{
	mark m = mark_get(p);
	size_t q, ne, be;
	st_psl_type t;
	st_psl_attr **attrs;
	size_t nattrs;

	if (!at_str(p, pos, "type"))
		return pos;
	q = ws(p, pos + 4);
	ne = psl__ident(p->s, p->len, q);
	if (ne == q)
		return pos;
	q = ws(p, ne);
	if (!at(p, q, '='))
		return pos;
	q = ws(p, q + 1);
	memset(&t, 0, sizeof(t));
	be = base_type(p, q, &t);
	mark_reset(p, m);
	if (be == q)
		return pos;
	q = attributes(p, ws(p, be), &attrs, &nattrs);
	mark_reset(p, m);
	return trim_end(p, pos, q);
}

/* arbitrary_block = identifier BLOCK_OPEN (anything but "}")* "}" */
static size_t
arbitrary_block(parser *p, size_t pos)
{
	size_t ne = psl__ident(p->s, p->len, pos), r, le, nl;
	const char *close;

	if (ne == pos)
		return pos;
	r = ws(p, ne);
	if (!at(p, r, '{'))
		return pos;
	le = psl__line_end(p->s, p->len, r + 1);
	nl = psl__newline(p->s, p->len, le);
	if (nl == le || p->last_rbrace == SIZE_MAX || p->last_rbrace < nl)
		return pos;
	close = memchr(p->s + nl, '}', p->len - nl);
	return close ? (size_t)(close - p->s) + 1 : pos;
}

static st_psl_item *
new_item(parser *p, st_vec *items, st_psl_item_kind kind, size_t a, size_t b)
{
	st_psl_item *it = node(p, sizeof(*it));

	it->kind = kind;
	it->span = span(p, a, b);
	st_vec_push(items, it);
	return it;
}

/* Documentation for a block: the run of top-level comments right above. */
static const char *
block_doc(parser *p, st_vec *items)
{
	size_t i = items->len, base = p->nstk, n;
	const char *doc;

	/* only a comment run right above the block (Prisma 7.10's DMMF) */
	while (i > 0 && ((st_psl_item *)items->items[i - 1])->kind ==
				ST_PSL_ITEM_COMMENT)
		i--;
	if (i == items->len)
		return NULL;
	for (; i < items->len; i++) {
		st_psl_member *mb = node(p, sizeof(*mb));

		mb->kind = ST_PSL_MEMBER_COMMENT;
		mb->u.comment = ((st_psl_item *)items->items[i])->comment;
		stk_push(p, mb);
	}
	n = p->nstk - base;
	doc = doc_before(p, p->stk + base, n);
	p->nstk = base;
	return doc;
}

/* ==== files ==== */

/*
 * The top-level items from pos up to stop (the last may run past it),
 * appended to items, and the blocks among them to blocks.  Lookahead sees
 * the whole file (p->len), so a part parses exactly as the one pass does
 * from the same offset and state.
 */
static void
parse_items(parser *p, size_t pos, size_t stop, st_vec *items,
	    st_vec *blocks)
{
	size_t bad = pos + st_psl_utf8_check(p->s + pos, stop - pos);

	if (bad < stop) {
		uint32_t cp;

		serr(p, bad, bad + psl__utf8(p->s, p->len, bad, &cp),
		     "the file is not valid UTF-8");
	}
	while (pos < stop && !(p->piece && p->nerrors)) {
		size_t q = ws(p, pos), e, nl;
		st_psl_item *it;
		st_psl_comment *c;
		st_psl_block *b = NULL;

		if (q >= p->len)
			break;
		nl = psl__newline(p->s, p->len, q);
		if (nl > q) {
			size_t n = 0;

			e = q;
			while ((nl = psl__newline(p->s, p->len, ws(p, e))) > ws(p, e)) {
				e = nl;
				n++;
			}
			it = new_item(p, items, ST_PSL_ITEM_BLANK, q, e);
			it->nblank = n;
			pos = e;
			continue;
		}
		for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
			if (at_str(p, q, keywords[k].word) &&
			    (b = block(p, &keywords[k], q, &e)))
				break;
		}
		if (b) {
			b->doc = block_doc(p, items);
			it = new_item(p, items, ST_PSL_ITEM_BLOCK, q, e);
			it->block = b;
			st_vec_push(blocks, b);
			pos = e;
			continue;
		}
		if ((e = type_alias(p, q)) > q) {
			it = new_item(p, items, ST_PSL_ITEM_INVALID, q, e);
			it->raw = text(p, q, e);
			serr(p, q, e, "Invalid type definition. Please check the "
				      "documentation in "
				      "https://pris.ly/d/composite-types");
			pos = e;
			continue;
		}
		if ((e = arbitrary_block(p, q)) > q) {
			it = new_item(p, items, ST_PSL_ITEM_INVALID, q, e);
			it->raw = text(p, q, e);
			serr(p, q, e, "This block is invalid. It does not start "
				      "with any known Prisma schema keyword. Valid "
				      "keywords include 'model', 'enum', 'type', "
				      "'datasource' and 'generator'.");
			pos = e;
			continue;
		}
		if (at(p, q, '/') && (c = comment(p, q, &e))) {
			it = new_item(p, items, ST_PSL_ITEM_COMMENT, q, e);
			it->comment = c;
			pos = psl__newline(p->s, p->len, e);
			continue;
		}
		e = psl__line_end(p->s, p->len, q);
		it = new_item(p, items, ST_PSL_ITEM_INVALID, q, e);
		it->raw = text(p, q, e);
		serr(p, q, trim_end(p, q, e), "This line is invalid. It does not "
			 "start with any known Prisma schema keyword.");
		pos = psl__newline(p->s, p->len, e);
	}
}

/* A file node in cx's arena with the given items and blocks. */
static st_psl_file *
new_file(st_ctx *cx, const st_source *src, void **items, size_t nitems,
	 void **blocks, size_t nblocks, size_t nerrors)
{
	st_psl_file *f = st_alloc(cx->arena, sizeof(*f));

	f->src = src;
	f->items = (st_psl_item **)items;
	f->nitems = nitems;
	f->blocks = (st_psl_block **)blocks;
	f->nblocks = nblocks;
	f->nerrors = nerrors;
	return f;
}

/* A parser for src on cx, its lists empty; free(p->stk) when done. */
static void
parser_init(parser *p, st_ctx *cx, const st_source *src, size_t last_rbrace)
{
	memset(p, 0, sizeof(*p));
	p->cx = cx;
	p->src = src;
	p->s = src->text;
	p->len = src->len;
	p->fail_from = SIZE_MAX;
	p->last_rbrace = last_rbrace;
	p->capstk = 256;
	p->stk = st_xmalloc(p->capstk * sizeof(void *));
}

/* ==== parts ==== */

/*
 * Cutting a big file.  A piece starts at a line that begins at column 0
 * with a block keyword, whose previous non-blank line is exactly "}": so
 * normally no block, multi-line comment or doc comment run lies across
 * the cut, and the piece before it ends with a BLOCK item then the BLANK
 * item of the "}" line and the blank lines.
 *
 * Why a piece's items are the one pass's: the one pass reads the file as
 * a sequence of top-level items, each a function of its start offset, the
 * whole text (lookahead sees it all, in both), and a little state: the
 * error count, fail_from, too_deep, last_rbrace (the file's, in both) and
 * the comment items right above a block (block_doc).  A piece starts with
 * none of these: no errors, no failed block, and no comments above (the
 * previous item is a BLANK).  So when piece i ended with a BLANK item
 * ending exactly at piece i + 1's start, with no error, no failed block
 * and too_deep clear, the one pass reaches that start in the state piece
 * i + 1 started in, and makes the same items from there.  A piece that
 * does not meet this voids the split (piece_ok), and the file is parsed
 * in one pass.
 *
 * A file is split when st_par_parts(len, PAR_MIN) says so.  The threads
 * (st_par_threads() of them, each with a st_ctx of its own) take the
 * pieces, some PIECES per thread, in turn from a shared counter:
 * when a core is busy with something else, its thread takes fewer pieces
 * instead of making the others wait.  Pieces shrink along the file (the
 * first is n times the last), so the threads finish close together.  Pieces are joined in file order,
 * whichever thread parsed them.
 */
#define PAR_MIN (256 * 1024)    /* bytes per part: ~500 models */
#define PIECES 4                /* pieces per thread */

typedef struct piece {
	size_t start, stop;     /* the piece's items start in [start, stop) */
	st_vec items, blocks;   /* results, in its thread's arena */
	size_t nerrors;
	bool clean;             /* no failed block, too_deep clear */
} piece;

typedef struct split {
	const st_source *src;
	size_t last_rbrace;
	piece *pieces;
	unsigned npieces;
	atomic_uint next;       /* the next piece to take */
	atomic_bool failed;     /* a piece had an error: stop taking */
} split;

/* One thread's share.  Padded: the threads' entries lie side by side. */
typedef struct worker {
	_Alignas(64) st_ctx *cx;  /* the thread's own, child of the caller's */
	split *sp;
} worker;

/* Parses piece pc on worker w's context; false when it had an error. */
static bool
parse_piece(const worker *w, piece *pc)
{
	const split *sp = w->sp;
	parser p;
	/* not pc's until done: pieces lie side by side, and writing a
	 * vector's length at every item would keep stealing the cache line
	 * from the thread parsing the next piece */
	st_vec items = ST_VEC_INIT(w->cx->arena);
	st_vec blocks = ST_VEC_INIT(w->cx->arena);

	parser_init(&p, w->cx, sp->src, sp->last_rbrace);
	p.piece = true;
	parse_items(&p, pc->start, pc->stop, &items, &blocks);
	free(p.stk);
	pc->items = items;
	pc->blocks = blocks;
	pc->nerrors = p.nerrors;
	pc->clean = p.fail_from == SIZE_MAX && !p.too_deep;
	return p.nerrors == 0;
}

/* A thread's work: pieces, in turn, until none is left or one failed
 * (then the split is void anyway). */
static void
parse_pieces(void *arg)
{
	worker *w = arg;
	split *sp = w->sp;
	unsigned i;

	while (!atomic_load_explicit(&sp->failed, memory_order_relaxed)) {
		i = atomic_fetch_add_explicit(&sp->next, 1,
					      memory_order_relaxed);
		if (i >= sp->npieces)
			break;
		if (!parse_piece(w, &sp->pieces[i]))
			atomic_store_explicit(&sp->failed, true,
					      memory_order_relaxed);
	}
}

/* Whether s (NUL-terminated) starts with a block keyword and a blank. */
static bool
starts_block(const char *s)
{
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		size_t n = strlen(keywords[k].word);

		if (strncmp(s, keywords[k].word, n) == 0 &&
		    (s[n] == ' ' || s[n] == '\t'))
			return true;
	}
	return false;
}

/*
 * The first place a piece may start (see above) whose "}" line is in
 * [pos, limit), or 0 when there is none.  s is NUL-terminated.
 */
static size_t
split_point(const char *s, size_t pos, size_t limit)
{
	while (pos < limit) {
		const char *rb = memchr(s + pos, '}', limit - pos);
		size_t q;

		if (!rb)
			return 0;
		q = (size_t)(rb - s);
		pos = q + 1;
		if (q == 0 || s[q - 1] != '\n')
			continue;
		q++;
		if (s[q] == '\r')
			q++;
		if (s[q] != '\n')
			continue;
		q++;
		for (;;) {      /* blank lines */
			size_t r = q;

			while (s[r] == ' ' || s[r] == '\t')
				r++;
			if (s[r] == '\n')
				q = r + 1;
			else if (s[r] == '\r' && s[r + 1] == '\n')
				q = r + 2;
			else
				break;
		}
		if (starts_block(s + q))
			return q;
	}
	return 0;
}

/*
 * Whether piece pc's items are what the one pass makes there, given that
 * the previous pieces' were (see above); next is the next piece's start,
 * or 0 for the last piece.  A failed block or too_deep without an error
 * cannot happen today, but the state would carry over, so check.
 */
static bool
piece_ok(const piece *pc, size_t next)
{
	const st_psl_item *last;

	if (pc->nerrors || !pc->clean)
		return false;
	if (!next)
		return true;
	if (pc->items.len == 0)
		return false;
	last = pc->items.items[pc->items.len - 1];
	return last->kind == ST_PSL_ITEM_BLANK && last->span.end == next;
}

/*
 * Parses the file of whole in pieces on nthreads threads (nthreads > 1).
 * Returns the file, or NULL when the file could not be cut or the split
 * is void; then nothing is left on cx but some arena memory.
 */
static st_psl_file *
parse_split(st_ctx *cx, const parser *whole, unsigned nthreads)
{
	piece pieces[ST_PAR_THREADS * PIECES];
	worker workers[ST_PAR_THREADS];
	split sp;
	size_t len = whole->len, start = 0, nitems = 0, nblocks = 0;
	unsigned n = nthreads * PIECES, k = 0;
	size_t shares = (size_t)n * (n + 1) / 2, share = 0;
	void **items, **blocks;
	bool ok = true;

	/* guided: piece i gets n - i of n(n+1)/2 shares, the big pieces
	 * first and small ones last, so that whichever thread takes the
	 * last piece is not left parsing alone for long */
	for (unsigned i = 1; i < n; i++) {
		size_t from, to, at;

		share += n - (i - 1);
		from = len * share / shares;
		to = len * (share + n - i) / shares;
		at = split_point(whole->s, from > start ? from : start, to);

		if (at > start) {
			pieces[k].start = start;
			pieces[k++].stop = at;
			start = at;
		}
	}
	if (k == 0)
		return NULL;
	pieces[k].start = start;
	pieces[k++].stop = len;

	sp.src = whole->src;
	sp.last_rbrace = whole->last_rbrace;
	sp.pieces = pieces;
	sp.npieces = k;
	atomic_init(&sp.next, 0);
	atomic_init(&sp.failed, false);
	if (nthreads > k)
		nthreads = k;
	/* made here: making a child arena changes its parent */
	for (unsigned i = 0; i < nthreads; i++) {
		workers[i].cx = st_ctx_new(cx->arena);
		workers[i].sp = &sp;
		/* the tree takes ~11 bytes per byte of schema: one block of
		 * huge pages rather than a run of small ones */
		st_arena_reserve(workers[i].cx->arena, len / nthreads * 12);
	}
	st_par_run(nthreads, parse_pieces, workers, sizeof(workers[0]));

	ok = !atomic_load(&sp.failed);
	for (unsigned i = 0; i < nthreads; i++)
		ok = ok && workers[i].cx->diags.len == 0;
	for (unsigned i = 0; i < k && ok; i++) {
		ok = piece_ok(&pieces[i], i + 1 < k ? pieces[i + 1].start : 0);
		nitems += pieces[i].items.len;
		nblocks += pieces[i].blocks.len;
	}
	if (!ok) {
		for (unsigned i = 0; i < nthreads; i++)
			st_ctx_free(workers[i].cx);
		return NULL;
	}
	items = st_alloc_array(cx->arena, nitems, sizeof(void *));
	blocks = st_alloc_array(cx->arena, nblocks ? nblocks : 1,
				sizeof(void *));
	nitems = nblocks = 0;
	for (unsigned i = 0; i < k; i++) {
		const st_vec *pi = &pieces[i].items, *pb = &pieces[i].blocks;

		if (pi->len)
			memcpy(items + nitems, pi->items,
			       pi->len * sizeof(void *));
		if (pb->len)
			memcpy(blocks + nblocks, pb->items,
			       pb->len * sizeof(void *));
		nitems += pi->len;
		nblocks += pb->len;
	}
	return new_file(cx, whole->src, items, nitems, blocks, nblocks, 0);
}

/* ==== entry points ==== */

int
st_psl_parse(st_ctx *cx, st_source *src, st_psl_file **out)
{
	parser p;
	size_t last_rbrace = SIZE_MAX;
	unsigned nparts = st_par_parts(src->len, PAR_MIN);

	/* a big schema's tree takes ~12 bytes per byte of it, the
	 * validator's model ~8 more, the SQL schema, steps and script
	 * ~12: made ready ahead by the workers while they have nothing
	 * else to do (util/par.h) */
	if (nparts > 1)
		st_par_prefault(src->len * 32);

	for (const char *rb = src->text + src->len; rb > src->text; rb--)
		if (rb[-1] == '}') {
			last_rbrace = (size_t)(rb - 1 - src->text);
			break;
		}
	parser_init(&p, cx, src, last_rbrace);
	*out = nparts > 1 ? parse_split(cx, &p, st_par_threads()) : NULL;
	if (!*out) {
		st_vec items = ST_VEC_INIT(cx->arena);
		st_vec blocks = ST_VEC_INIT(cx->arena);

		parse_items(&p, 0, p.len, &items, &blocks);
		*out = new_file(cx, src, items.items, items.len, blocks.items,
				blocks.len, p.nerrors);
	}
	free(p.stk);
	if (p.nerrors > ST_PSL_MAX_ERRORS) {
		st_span none = { src, 0, 0 };
		st_diag *d = st_diag_add(cx, ST_SEV_NOTE, none,
					 "%zu more syntax errors not shown",
					 p.nerrors - ST_PSL_MAX_ERRORS);

		d->code = ST_PSL_PCODE;
	}
	if (p.nerrors)
		return st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
				   "could not parse \"%s\": %zu syntax error%s",
				   src->path, p.nerrors,
				   p.nerrors == 1 ? "" : "s");
	return 0;
}

int
st_psl_parse_schema(st_ctx *cx, st_source **srcs, size_t n,
		    st_psl_schema **out)
{
	st_psl_schema *s = st_alloc(cx->arena, sizeof(*s));
	st_vec blocks = ST_VEC_INIT(cx->arena);
	size_t nerr = 0, nbad = 0;

	s->files = st_alloc_array(cx->arena, n ? n : 1, sizeof(*s->files));
	s->nfiles = n;
	for (size_t i = 0; i < n; i++) {
		st_psl_file *f;

		if (st_psl_parse(cx, srcs[i], &f) < 0) {
			nerr += f->nerrors;
			nbad++;
		}
		s->files[i] = f;
		for (size_t j = 0; j < f->nblocks; j++)
			st_vec_push(&blocks, f->blocks[j]);
	}
	s->blocks = (st_psl_block **)blocks.items;
	s->nblocks = blocks.len;
	*out = s;
	if (nbad > 1)
		return st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
				   "could not parse the schema: %zu syntax "
				   "errors in %zu files", nerr, nbad);
	return nbad ? ST_EPARSE : 0;
}
