/*
 * format.c - `prisma format` byte for byte: the layout rules of Prisma's
 * reformatter (psl/schema-ast/src/reformat.rs) over our syntax tree.
 *
 * A block body is rendered as tables of rows; a row has up to three
 * columns (field name, type, attributes; or key, "= value"; or enum value,
 * attributes) padded to the widest cell of the table (byte lengths, one
 * space apart, the last cell never padded) plus a suffix (a trailing
 * comment).  A blank line starts a new table.  Block attributes move to the
 * end of the block after one blank line, with the comments right above
 * them, ordered like field attributes: id, unique, default, updatedAt,
 * index, fulltext, map, relation, ignore, then the rest in source order.
 */
#include <stdlib.h>
#include <string.h>

#include "psl/psl.h"

/* ==== output with indentation (Prisma's Renderer) ==== */

typedef struct renderer {
	st_strbuf *out;
	int indent;
} renderer;

static void
r_write(renderer *r, const char *s, size_t n)
{
	if (r->out->len == 0 || r->out->buf[r->out->len - 1] == '\n')
		st_strbuf_addchars(r->out, ' ', (size_t)r->indent * 2);
	st_strbuf_add(r->out, s, n);
}

static void
r_end_line(renderer *r)
{
	st_strbuf_addch(r->out, '\n');
}

/* ==== tables (Prisma's TableFormat) ==== */

enum { MAX_COLS = 3 };

/* A row's cells and suffix are slices of the table's one text buffer. */
typedef struct row {
	size_t off[MAX_COLS], len[MAX_COLS];
	int ncols;
	size_t suf_off, suf_len;
} row;

typedef struct table {
	st_strbuf text;     /* heap; all cells, appended in writing order */
	row *rows;
	size_t nrows, cap;
	size_t *open;       /* length of the cell being written, or NULL */
	size_t open_start;
} table;

static void
t_init(table *t)
{
	memset(t, 0, sizeof(*t));
	st_strbuf_init(&t->text);
}

static void
t_release(table *t)
{
	st_strbuf_release(&t->text);
	free(t->rows);
}

/* Ends the cell being written: its length is what was appended since. */
static void
t_close(table *t)
{
	if (t->open)
		*t->open = t->text.len - t->open_start;
	t->open = NULL;
}

static void
t_new_row(table *t)
{
	t_close(t);
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->rows = st_xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->nrows++], 0, sizeof(row));
}

/* column_locked_writer_for(i): the row gets exactly i + 1 columns and the
 * caller appends cell i to the returned buffer. */
static st_strbuf *
t_col(table *t, int i)
{
	row *rw = &t->rows[t->nrows - 1];

	t_close(t);
	for (int j = rw->ncols; j <= i; j++)
		rw->len[j] = 0;
	rw->ncols = i + 1;
	rw->off[i] = t->text.len;
	rw->len[i] = 0;
	t->open = &rw->len[i];
	t->open_start = t->text.len;
	return &t->text;
}

/* Appends to the current row's suffix (always written last in a row). */
static void
t_suffix(table *t, const char *s, size_t n)
{
	row *rw = &t->rows[t->nrows - 1];

	if (t->open != &rw->suf_len) {
		t_close(t);
		rw->suf_off = t->text.len;
		rw->suf_len = 0;
		t->open = &rw->suf_len;
		t->open_start = t->text.len;
	}
	st_strbuf_add(&t->text, s, n);
}

static void
t_render(table *t, renderer *r)
{
	size_t width[MAX_COLS] = { 0 };
	const char *txt;

	t_close(t);
	txt = t->text.buf;
	for (size_t i = 0; i < t->nrows; i++) {
		row *rw = &t->rows[i];

		while (rw->ncols > 0 && rw->len[rw->ncols - 1] == 0)
			rw->ncols--;
		for (int c = 0; c < rw->ncols; c++)
			if (rw->len[c] > width[c])
				width[c] = rw->len[c];
	}
	for (size_t i = 0; i < t->nrows; i++) {
		row *rw = &t->rows[i];

		for (int c = 0; c < rw->ncols; c++) {
			r_write(r, txt + rw->off[c], rw->len[c]);
			if (c < rw->ncols - 1)
				st_strbuf_addchars(r->out, ' ',
						   width[c] - rw->len[c] + 1);
		}
		if (rw->suf_len) {
			if (rw->ncols)
				r_write(r, " ", 1);
			r_write(r, txt + rw->suf_off, rw->suf_len);
		}
		r_end_line(r);
	}
	t->nrows = 0;
	st_strbuf_reset(&t->text);
}

/* ==== expressions and attributes ==== */

static void fmt_expr(st_strbuf *sb, const st_psl_expr *e);

static void
fmt_args(st_strbuf *sb, const st_psl_args *a, bool object)
{
	st_strbuf_adds(sb, object ? "{ " : "(");
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			st_strbuf_adds(sb, ", ");
		if (a->items[i]->name.name) {
			st_strbuf_adds(sb, a->items[i]->name.name);
			st_strbuf_adds(sb, ": ");
		}
		if (a->items[i]->value)
			fmt_expr(sb, a->items[i]->value);
	}
	st_strbuf_adds(sb, object ? " }" : ")");
}

static void
fmt_expr(st_strbuf *sb, const st_psl_expr *e)
{
	switch (e->kind) {
	case ST_PSL_EXPR_STRING: {
		/* as written, quotes included (up to a NUL byte, like the
		 * NUL-terminated text it once was) */
		const char *t = e->span.src->text + e->span.start;

		st_strbuf_add(sb, t, strnlen(t, e->span.end - e->span.start));
		break;
	}
	case ST_PSL_EXPR_NUMBER:
	case ST_PSL_EXPR_CONST:
		st_strbuf_adds(sb, e->str);
		break;
	case ST_PSL_EXPR_CALL:
		st_strbuf_adds(sb, e->func.name);
		fmt_args(sb, &e->args, false);
		break;
	case ST_PSL_EXPR_OBJECT:
		fmt_args(sb, &e->args, true);
		break;
	case ST_PSL_EXPR_ARRAY:
		st_strbuf_addch(sb, '[');
		for (size_t i = 0; i < e->nitems; i++) {
			if (i)
				st_strbuf_adds(sb, ", ");
			fmt_expr(sb, e->items[i]);
		}
		st_strbuf_addch(sb, ']');
		break;
	}
}

static void
fmt_attr(st_strbuf *sb, const st_psl_attr *a)
{
	st_strbuf_adds(sb, a->block ? "@@" : "@");
	st_strbuf_adds(sb, a->name.name);
	if (a->has_args)
		fmt_args(sb, &a->args, false);
}

static size_t
attr_rank(const st_psl_attr *a)
{
	static const char *const order[] = {
		"id", "unique", "default", "updatedAt", "index",
		"fulltext", "map", "relation", "ignore",
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(a->name.name, order[i]) == 0)
			return i;
	return sizeof(order) / sizeof(order[0]);
}

/* A stable insertion sort by rank (lists are short). */
static void
sort_by_rank(const void **items, const st_psl_attr **attrs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const void *it = items[i];
		const st_psl_attr *a = attrs[i];
		size_t j = i;

		while (j > 0 && attr_rank(attrs[j - 1]) > attr_rank(a)) {
			items[j] = items[j - 1];
			attrs[j] = attrs[j - 1];
			j--;
		}
		items[j] = it;
		attrs[j] = a;
	}
}

/* ==== comments ==== */

/* A comment's length (its text may hold NUL bytes). */
static size_t
clen(const st_psl_comment *c)
{
	return c->span.end - c->span.start;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * One row per comment line; multi-line comments become a canonical
 * "/" "**" ... " *" "/" block.
 *
 * Where we differ from Prisma: when a multi-line comment follows another
 * comment line in the same run, Prisma takes its text from where the
 * previous comment ended, indentation included, and cuts the first two
 * bytes of that instead of the delimiter ("  /" "* a *" "/" becomes
 * " * /" "* a"), so the comment grows on every run.  We always cut the
 * delimiter, which is what Prisma does for every other multi-line comment,
 * and stays idempotent.
 */
static void
fmt_comment(table *t, const st_psl_comment *c)
{
	const char *s = c->text, *end;

	if (!c->multiline) {
		t_new_row(t);
		t_suffix(t, s, clen(c));
		return;
	}
	end = s + clen(c) - 2;
	t_new_row(t);
	t_suffix(t, "/**", 3);
	for (s += 2; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *a = s, *b = le;

		while (a < b && is_space(*a))
			a++;
		while (b > a && is_space(b[-1]))
			b--;
		if (a < b && *a == '*') {
			a++;
			while (a < b && is_space(*a))
				a++;
		}
		if (a < b) {
			t_new_row(t);
			t_suffix(t, " * ", 3);
			t_suffix(t, a, (size_t)(b - a));
		}
		s = nl ? nl + 1 : end;
	}
	t_new_row(t);
	t_suffix(t, " */", 3);
}

/* ==== block bodies ==== */

static void
fmt_field(table *t, const st_psl_field *f, const st_psl_comment *trailing,
	  st_arena *arena)
{
	const st_psl_type *ty = &f->type;
	st_strbuf *col;
	const void **items;
	const st_psl_attr **attrs;

	t_new_row(t);
	st_strbuf_adds(t_col(t, 0), f->name.name);
	if (ty->name.name) {
		col = t_col(t, 1);
		if (ty->unsupported) {
			/* the base type as written, e.g. Unsupported("circle") */
			const char *s = ty->name.span.src->text;
			size_t a = ty->span.start, b = ty->unsupported_arg->span.end;

			while (s[b] != ')')
				b++;
			st_strbuf_add(col, s + a, b + 1 - a);
		} else {
			st_strbuf_adds(col, ty->name.name);
		}
		if (ty->arity == ST_PSL_OPTIONAL)
			st_strbuf_addch(col, '?');
		else if (ty->arity == ST_PSL_LIST)
			st_strbuf_adds(col, "[]");
	}
	col = t_col(t, 2);
	items = st_alloc_array(arena, f->nattrs + 1, sizeof(*items));
	attrs = st_alloc_array(arena, f->nattrs + 1, sizeof(*attrs));
	for (size_t i = 0; i < f->nattrs; i++)
		items[i] = attrs[i] = f->attrs[i];
	sort_by_rank(items, attrs, f->nattrs);
	for (size_t i = 0; i < f->nattrs; i++) {
		if (i)
			st_strbuf_addch(col, ' ');
		fmt_attr(col, attrs[i]);
	}
	if (trailing)
		t_suffix(t, trailing->text, clen(trailing));
}

static void
fmt_value(table *t, const st_psl_enum_value *v, const st_psl_comment *trailing)
{
	t_new_row(t);
	st_strbuf_adds(t_col(t, 0), v->name.name);
	if (v->nattrs) {
		/* Prisma writes enum value attributes without a separator */
		st_strbuf *col = t_col(t, 1);

		for (size_t i = 0; i < v->nattrs; i++)
			fmt_attr(col, v->attrs[i]);
	}
	if (trailing)
		t_suffix(t, trailing->text, clen(trailing));
}

static void
fmt_prop(table *t, const st_psl_prop *kv, const st_psl_comment *trailing)
{
	st_strbuf *col;

	t_new_row(t);
	st_strbuf_adds(t_col(t, 0), kv->name.name);
	if (kv->value) {
		col = t_col(t, 1);
		st_strbuf_adds(col, "= ");
		fmt_expr(col, kv->value);
	}
	if (trailing)
		t_suffix(t, trailing->text, clen(trailing));
}

/* A block attribute to be placed at the end, with the comments above it
 * (members[cfrom..cto)). */
typedef struct pending_attr {
	size_t cfrom, cto;
	const st_psl_member *m;
} pending_attr;

static bool
is_kind(const st_psl_block *b, size_t i, st_psl_member_kind k)
{
	return i < b->nmembers && b->members[i]->kind == k;
}


static void
fmt_block(renderer *r, const st_psl_block *b, st_arena *arena)
{
	table t;
	st_vec pend = ST_VEC_INIT(arena);
	size_t i = 0, n = b->nmembers;
	const void **items;
	const st_psl_attr **attrs;
	/*
	 * Whether a row was produced yet.  Prisma also writes the blank line
	 * of an empty line that follows only moved block attributes, so
	 * "{ @@map(..) <blank> id Int" starts its body with a blank line that
	 * its next run removes; we leave it out at once (idempotency).
	 */
	bool started = false;

	t_init(&t);
	r_write(r, b->keyword.name, strlen(b->keyword.name));
	r_write(r, " ", 1);
	r_write(r, b->name.name, strlen(b->name.name));
	r_write(r, " {", 2);
	r_end_line(r);
	r->indent++;

	if (is_kind(b, i, ST_PSL_MEMBER_BLANK))
		i++;
	while (i < n) {
		const st_psl_member *m;
		bool ate = false;

		if (is_kind(b, i, ST_PSL_MEMBER_BLANK)) {
			ate = true;
			i++;
			if (i < n && started &&
			    !is_kind(b, i, ST_PSL_MEMBER_ATTR) &&
			    !is_kind(b, i, ST_PSL_MEMBER_COMMENT)) {
				t_render(&t, r);
				t_new_row(&t);
			}
			if (i >= n)
				break;
		}
		m = b->members[i];
		if (m->kind == ST_PSL_MEMBER_COMMENT) {
			size_t j = i;

			while (is_kind(b, j, ST_PSL_MEMBER_COMMENT))
				j++;
			if (is_kind(b, j, ST_PSL_MEMBER_ATTR)) {
				pending_attr *pa = st_alloc(arena, sizeof(*pa));

				pa->cfrom = i;
				pa->cto = j;
				pa->m = b->members[j];
				st_vec_push(&pend, pa);
				i = j + 1;
				continue;
			}
			if (ate && started) {
				t_render(&t, r);
				t_new_row(&t);
			}
			started = true;
			for (; i < j; i++)
				fmt_comment(&t, b->members[i]->u.comment);
			continue;
		}
		if (m->kind != ST_PSL_MEMBER_ATTR)
			started = true;
		switch (m->kind) {
		case ST_PSL_MEMBER_FIELD:
			fmt_field(&t, m->u.field, m->trailing, arena);
			break;
		case ST_PSL_MEMBER_VALUE:
			fmt_value(&t, m->u.value, m->trailing);
			break;
		case ST_PSL_MEMBER_PROP:
			fmt_prop(&t, m->u.prop, m->trailing);
			break;
		case ST_PSL_MEMBER_ATTR: {
			pending_attr *pa = st_alloc(arena, sizeof(*pa));

			pa->cfrom = pa->cto = i;
			pa->m = m;
			st_vec_push(&pend, pa);
			break;
		}
		default:
			break;
		}
		i++;
	}
	t_render(&t, r);
	if (pend.len)
		t_new_row(&t);
	items = st_alloc_array(arena, pend.len + 1, sizeof(*items));
	attrs = st_alloc_array(arena, pend.len + 1, sizeof(*attrs));
	for (size_t k = 0; k < pend.len; k++) {
		items[k] = pend.items[k];
		attrs[k] = ((pending_attr *)pend.items[k])->m->u.attr;
	}
	sort_by_rank(items, attrs, pend.len);
	for (size_t k = 0; k < pend.len; k++) {
		const pending_attr *pa = items[k];

		for (size_t c = pa->cfrom; c < pa->cto; c++)
			fmt_comment(&t, b->members[c]->u.comment);
		t_new_row(&t);
		fmt_attr(t_col(&t, 0), pa->m->u.attr);
		if (pa->m->trailing)
			t_suffix(&t, pa->m->trailing->text,
				 clen(pa->m->trailing));
	}
	t_render(&t, r);
	t_release(&t);
	r->indent--;
	r_write(r, "}", 1);
	r_end_line(r);
}

/* ==== files ==== */

int
st_psl_format(st_ctx *cx, const st_psl_file *file, st_strbuf *out)
{
	renderer r = { out, 0 };
	st_arena *arena = st_arena_new(cx->arena);
	size_t i = 0, n = file->nitems;
	size_t start = out->len;

	if (file->nerrors)
		return ST_EPARSE;
	if (i < n && file->items[i]->kind == ST_PSL_ITEM_BLANK)
		i++;
	for (; i < n; i++) {
		const st_psl_item *it = file->items[i];

		/*
		 * Prisma puts a blank line after a block only when a line
		 * break follows its "}", so "}model B {" or "} // c" would
		 * get one on the second run only.  We always separate, which
		 * keeps format idempotent (the one place we differ).
		 */
		if (i > 0 && file->items[i - 1]->kind == ST_PSL_ITEM_BLOCK &&
		    it->kind != ST_PSL_ITEM_BLANK)
			r_end_line(&r);
		switch (it->kind) {
		case ST_PSL_ITEM_BLOCK:
			fmt_block(&r, it->block, arena);
			break;
		case ST_PSL_ITEM_COMMENT: {
			table t;

			t_init(&t);
			fmt_comment(&t, it->comment);
			t_render(&t, &r);
			t_release(&t);
			break;
		}
		case ST_PSL_ITEM_BLANK:
			if (i + 1 < n)
				r_end_line(&r);
			break;
		case ST_PSL_ITEM_INVALID:
			st_strbuf_adds(out, it->raw);
			break;
		}
	}
	if (out->len == start || out->buf[out->len - 1] != '\n')
		st_strbuf_addch(out, '\n');
	st_arena_free(arena);
	return 0;
}

int
st_psl_format_source(st_ctx *cx, st_source *src, st_strbuf *out)
{
	st_psl_file *file;
	int rc = st_psl_parse(cx, src, &file);

	if (rc < 0)
		return rc;
	return st_psl_format(cx, file, out);
}
