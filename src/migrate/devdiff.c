/*
 * devdiff.c - a schema change as text, with destructive-change warnings
 * whose row counts come from the database the change is for (devdiff.h).
 * The steps, SQL, summary and warning texts are the differ's (steps.h);
 * this file only asks the database for the counts the checker needs.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate/devdiff.h"
#include "sqlschema/steps.h"

typedef struct counter {
	st_ctx *cx;
	st_db *db;
} counter;

static long
count_query(counter *c, const char *sql)
{
	st_dbres *r;
	st_ctx *qcx = st_ctx_new(c->cx->arena);
	long n = -1;

	if (st_db_query(qcx, c->db, &r, sql, 0, NULL) == 0 && r->nrows == 1 &&
	    !st_dbres_isnull(r, 0, 0))
		n = atol(st_dbres_get(r, 0, 0));
	st_ctx_free(qcx);
	return n;
}

static void
from_clause(st_strbuf *sb, const char *schema, const char *table)
{
	st_strbuf_adds(sb, " FROM ");
	st_sql_qualified(sb, schema, table);
}

static long
table_rows(void *arg, const char *schema, const char *table)
{
	counter *c = arg;
	st_strbuf sb;

	st_strbuf_init_arena(&sb, c->cx->arena);
	st_strbuf_adds(&sb, "SELECT COUNT(*)");
	from_clause(&sb, schema, table);
	return count_query(c, sb.buf);
}

static long
values_where(counter *c, const char *schema, const char *table,
	     const char *column, const char *cond)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, c->cx->arena);
	st_strbuf_adds(&sb, "SELECT COUNT(*)");
	from_clause(&sb, schema, table);
	st_strbuf_adds(&sb, " WHERE ");
	st_sql_ident(&sb, column);
	st_strbuf_adds(&sb, cond);
	return count_query(c, sb.buf);
}

static long
non_null_values(void *arg, const char *schema, const char *table,
		const char *column)
{
	return values_where(arg, schema, table, column, " IS NOT NULL");
}

static long
null_values(void *arg, const char *schema, const char *table,
	    const char *column)
{
	return values_where(arg, schema, table, column, " IS NULL");
}

int
st_devdiff_compute(st_ctx *cx, const st_schema *from, const st_schema *to,
		   st_db *counts, st_devdiff **out)
{
	st_devdiff *d = st_alloc(cx->arena, sizeof(*d));
	st_diff_result *m;
	st_destructive_report *offline = NULL, *live = NULL;
	counter c = { cx, counts };
	st_row_counter rc_live = { table_rows, non_null_values, null_values, &c };
	st_strbuf sb;
	int rc;

	st_vec_init(&d->statements, cx->arena);
	st_vec_init(&d->warnings, cx->arena);
	st_vec_init(&d->unexecutable, cx->arena);
	if ((rc = st_diff(cx, from, to, &m)) < 0)
		return rc;
	d->nsteps = m->steps.len;
	for (size_t i = 0; i < m->steps.len; i++)
		st_render_step(cx, m, m->steps.items[i], &d->statements);

	st_strbuf_init_arena(&sb, cx->arena);
	st_render_script(cx, &sb, m);
	d->sql = sb.buf;
	st_strbuf_init_arena(&sb, cx->arena);
	st_render_summary(&sb, m);
	d->summary = sb.buf;

	if ((rc = st_destructive_check(cx, m, NULL, &offline)) < 0)
		return rc;
	if (counts && (rc = st_destructive_check(cx, m, &rc_live, &live)) < 0)
		return rc;
	if (!live)
		live = offline;
	for (size_t i = 0; i < live->warnings.len; i++)
		st_vec_push(&d->warnings, live->warnings.items[i]);
	for (size_t i = 0; i < live->unexecutable.len; i++)
		st_vec_push(&d->unexecutable, live->unexecutable.items[i]);
	st_strbuf_init_arena(&sb, cx->arena);
	st_render_warnings_header(&sb, offline);
	st_strbuf_adds(&sb, d->sql);
	d->script = sb.buf;
	*out = d;
	return 0;
}
