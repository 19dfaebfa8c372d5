/*
 * render.c - migration steps -> SQL, in the exact text of Prisma's
 * PostgreSQL renderer (flavour/postgres/renderer.rs and sql-ddl), so that
 * a script is byte-identical to `prisma migrate diff --script`.
 *
 * Identifiers are always double-quoted.  Prisma does not double embedded
 * quotes (its output is broken SQL for such names); strata does, so the
 * SQL applies and creates exactly the name (see docs/commands/diff.md).
 *
 * A big script is rendered in parts, on threads (util/par.h): the step
 * list is cut into contiguous ranges of about equal work (a CreateTable
 * weighs more than a CreateIndex), and each part renders its range into a
 * buffer of its own, with a context of its own for the arena work of
 * ALTER TABLE.  There is no join pass: as soon as a part and all before
 * it are done, the calling thread hands its text on, in order, while the
 * other threads still render later parts.  st_render_script_to hands it
 * to a sink (`migrate diff --script` writes it out, so the megabytes of a
 * big script are never copied into one string); st_render_script renders
 * part 0 straight into the string and appends the others.  The only state
 * carried from step to step is the blank line between two steps that
 * rendered something: each part's buffer starts with its '\n', left out
 * when nothing came before.  The AlterEnum steps look tables and columns
 * up in the schemas' maps, which are filled on first use: they all go to
 * part 0, the only part that uses the maps.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "sqlschema/steps.h"
#include "util/par.h"

#define INDENT "    "
#define EMPTY_MIGRATION "-- This is an empty migration.\n"

/*
 * Namespaces.  Objects with a rendering schema (multiSchema) are always
 * qualified.  Others are qualified when a side of the diff was
 * introspected (st_schema.qualify_ns): Prisma 7.10 qualifies every name
 * when the new side ("to") was read from a database, and, when the old
 * side was, only the DROP DEFAULT and DROP TYPE "E_old" of an enum
 * recreation (checked with the oracle in both directions).
 */
typedef struct rctx {
	st_ctx *cx;
	const st_diff_result *m;
	st_vec *out;         /* statements, or NULL when writing a script */
	/*
	 * A script is written in place: each statement is built at the end
	 * of the script buffer itself and ended with ";\n", instead of being
	 * copied into the arena and then into the script.
	 */
	st_strbuf *script;
	size_t nstmts;       /* statements written to script so far */
	const char *q;       /* m->to->qualify_ns */
	const char *qprev;   /* m->from->qualify_ns */
} rctx;

/* Ends the statement built in sb (the script itself, or a scratch buffer
 * that is then emptied). */
static void
emit(rctx *r, st_strbuf *sb)
{
	if (r->script) {
		if (sb != r->script) {
			st_strbuf_add(r->script, sb->buf, sb->len);
			st_strbuf_reset(sb);
		}
		st_strbuf_add(r->script, ";\n", 2);
		r->nstmts++;
		return;
	}
	st_vec_push(r->out, st_strdup(r->cx->arena, sb->buf));
	st_strbuf_reset(sb);
}

/* A statement already built elsewhere (in the arena). */
static void
emit_str(rctx *r, const char *stmt)
{
	if (r->script) {
		st_strbuf_adds(r->script, stmt);
		st_strbuf_add(r->script, ";\n", 2);
		r->nstmts++;
		return;
	}
	st_vec_push(r->out, (void *)stmt);
}

static void
table_ref(const rctx *r, st_strbuf *sb, const st_table *t)
{
	st_render_qualified(sb, t->schema ? t->schema : r->q, t->name);
}

/* A name of the old side in the two statements that follow it (above). */
static void
table_ref_prev(const rctx *r, st_strbuf *sb, const st_table *t)
{
	st_render_qualified(sb, t->schema ? t->schema : r->qprev, t->name);
}

static void
coltype(const rctx *r, st_strbuf *sb, const st_column *c)
{
	const st_coltype *t = &c->type;

	if (t->family == ST_FAM_ENUM && !t->enum_schema && r->q) {
		st_render_qualified(sb, r->q, t->enum_name);
		if (t->arity == ST_ARITY_LIST)
			st_strbuf_adds(sb, "[]");
		return;
	}
	st_coltype_render(sb, c);
}

static void
render_column(const rctx *r, st_strbuf *sb, const st_column *c)
{
	st_strbuf_adds(sb, INDENT);
	st_render_ident(sb, c->name);
	st_strbuf_addch(sb, ' ');
	coltype(r, sb, c);
	if (c->type.arity == ST_ARITY_REQUIRED)
		st_strbuf_adds(sb, " NOT NULL");
	if (c->def.kind != ST_DEF_NONE) {
		/* rendered in place; an empty default takes the prefix back */
		size_t mark = sb->len;

		st_strbuf_add(sb, " DEFAULT ", 9);
		st_default_render(sb, c, &c->def);
		if (sb->len == mark + 9)
			st_strbuf_setlen(sb, mark);
	}
}

static void
create_table(const rctx *r, st_strbuf *sb, const st_table *t)
{
	st_strbuf_adds(sb, "CREATE TABLE ");
	table_ref(r, sb, t);
	st_strbuf_adds(sb, " (\n");
	for (size_t i = 0; i < t->columns.len; i++) {
		if (i)
			st_strbuf_adds(sb, ",\n");
		render_column(r, sb, t->columns.items[i]);
	}
	if (t->pk) {
		st_strbuf_adds(sb, ",\n\n" INDENT "CONSTRAINT ");
		st_render_ident(sb, t->pk->name);
		st_strbuf_adds(sb, " PRIMARY KEY (");
		for (size_t i = 0; i < t->pk->cols.len; i++) {
			if (i)
				st_strbuf_addch(sb, ',');
			st_render_ident(sb, ((st_index_col *)t->pk->cols.items[i])->column->name);
		}
		st_strbuf_addch(sb, ')');
	}
	st_strbuf_adds(sb, "\n)");
}

static void
create_index(const rctx *r, st_strbuf *sb, const st_index *ix)
{
	st_strbuf_adds(sb, ix->kind == ST_INDEX_UNIQUE ? "CREATE UNIQUE INDEX " :
			   "CREATE INDEX ");
	st_render_ident(sb, ix->name);
	st_strbuf_adds(sb, " ON ");
	table_ref(r, sb, ix->table);
	if (ix->algo != ST_ALGO_BTREE) {
		st_strbuf_addf(sb, " USING %s (", st_index_algo_sql(ix->algo));
	} else {
		st_strbuf_addch(sb, '(');
	}
	for (size_t i = 0; i < ix->cols.len; i++) {
		const st_index_col *ic = ix->cols.items[i];

		if (i)
			st_strbuf_adds(sb, ", ");
		st_render_ident(sb, ic->column->name);
		if (ic->opclass) {
			st_strbuf_addch(sb, ' ');
			st_strbuf_adds(sb, ic->opclass);
		}
		if (ic->sort == ST_SORT_ASC)
			st_strbuf_adds(sb, " ASC");
		else if (ic->sort == ST_SORT_DESC)
			st_strbuf_adds(sb, " DESC");
	}
	st_strbuf_addch(sb, ')');
	if (ix->predicate) {
		/* Prisma adds the parentheses only where the text does not
		 * already start with "(" and end with ")": raw("(n > 0)")
		 * gives WHERE (n > 0), and so does raw("n > 0") (it checks
		 * only the two ends, so "(a) AND (b)" stays as written) */
		size_t n = strlen(ix->predicate);
		bool wrapped = n >= 2 && ix->predicate[0] == '(' &&
			       ix->predicate[n - 1] == ')';

		st_strbuf_adds(sb, wrapped ? " WHERE " : " WHERE (");
		st_strbuf_adds(sb, ix->predicate);
		if (!wrapped)
			st_strbuf_addch(sb, ')');
	}
}

static void
add_fk(const rctx *r, st_strbuf *sb, const st_fk *fk)
{
	st_strbuf_adds(sb, "ALTER TABLE ");
	table_ref(r, sb, fk->table);
	st_strbuf_adds(sb, " ADD ");
	if (fk->name) {
		st_strbuf_adds(sb, "CONSTRAINT ");
		st_render_ident(sb, fk->name);
		st_strbuf_addch(sb, ' ');
	}
	st_strbuf_adds(sb, "FOREIGN KEY (");
	for (size_t i = 0; i < fk->cols.len; i++) {
		if (i)
			st_strbuf_adds(sb, ", ");
		st_render_ident(sb, ((st_column *)fk->cols.items[i])->name);
	}
	st_strbuf_adds(sb, ") REFERENCES ");
	table_ref(r, sb, fk->ref_table);
	st_strbuf_addch(sb, '(');
	for (size_t i = 0; i < fk->ref_cols.len; i++) {
		if (i)
			st_strbuf_adds(sb, ", ");
		st_render_ident(sb, ((st_column *)fk->ref_cols.items[i])->name);
	}
	st_strbuf_adds(sb, ") ON DELETE ");
	st_strbuf_adds(sb, st_fk_action_sql(fk->on_delete));
	st_strbuf_adds(sb, " ON UPDATE ");
	st_strbuf_adds(sb, st_fk_action_sql(fk->on_update));
}

static void
pk_columns(st_strbuf *sb, const st_index *pk, const char *sep)
{
	for (size_t i = 0; i < pk->cols.len; i++) {
		if (i)
			st_strbuf_adds(sb, sep);
		st_render_ident(sb, ((st_index_col *)pk->cols.items[i])->column->name);
	}
}

static bool
sequence_still_used(const st_diff_result *m, const st_column *next,
		    const char *seq)
{
	for (size_t i = 0; i < m->to->tables.len; i++) {
		const st_table *t = m->to->tables.items[i];

		for (size_t j = 0; j < t->columns.len; j++) {
			const st_column *c = t->columns.items[j];

			if (c != next && c->def.kind == ST_DEF_SEQUENCE &&
			    !strcmp(c->def.text ? c->def.text : "", seq))
				return true;
		}
	}
	return false;
}

/* One ALTER COLUMN change set, Prisma's expand_alter_column order. */
static void
alter_column(rctx *r, const st_table_change *c, st_vec *before,
	     st_vec *clauses, st_vec *after)
{
	st_arena *a = r->cx->arena;
	const st_column *p = c->prev, *n = c->next;
	bool set_type = false;
	st_strbuf prefix = ST_STRBUF_INIT, sb = ST_STRBUF_INIT;

	st_strbuf_adds(&prefix, "ALTER COLUMN ");
	st_render_ident(&prefix, p->name);

#define CLAUSE(...) do { st_strbuf_reset(&sb); st_strbuf_addf(&sb, __VA_ARGS__); \
	st_vec_push(clauses, st_strdup(a, sb.buf)); } while (0)

	/* DropDefault handling shared by Default and Autoincrement changes */
	for (int bit = 1; bit <= ST_COLCHG_AUTOINC; bit <<= 1) {
		if (!(c->changes & bit))
			continue;
		if (bit == ST_COLCHG_DEFAULT || (bit == ST_COLCHG_AUTOINC &&
						 p->autoincrement)) {
			if (bit == ST_COLCHG_DEFAULT && n->def.kind != ST_DEF_NONE) {
				st_strbuf d = ST_STRBUF_INIT;

				st_default_render(&d, n, &n->def);
				CLAUSE("%s SET DEFAULT %s", prefix.buf, d.buf);
				st_strbuf_release(&d);
			} else {
				CLAUSE("%s DROP DEFAULT", prefix.buf);
				if (p->def.kind == ST_DEF_SEQUENCE) {
					const char *seq = p->def.text ? p->def.text : "";

					/*
					 * Prisma renders DROP SEQUENCE "" when the name is
					 * unknown (a schema-file source), which PostgreSQL
					 * rejects; the sequence is owned by the column, so
					 * strata leaves it out.
					 */
					if (*seq && !sequence_still_used(r->m, n, seq)) {
						st_strbuf_reset(&sb);
						st_strbuf_adds(&sb, "DROP SEQUENCE ");
						st_render_ident(&sb, seq);
						st_vec_push(after, st_strdup(a, sb.buf));
					}
				}
			}
		} else if (bit == ST_COLCHG_ARITY) {
			st_arity pa = p->type.arity, na = n->type.arity;

			if (pa == ST_ARITY_REQUIRED && na == ST_ARITY_NULLABLE)
				CLAUSE("%s DROP NOT NULL", prefix.buf);
			else if (pa == ST_ARITY_NULLABLE && na == ST_ARITY_REQUIRED)
				CLAUSE("%s SET NOT NULL", prefix.buf);
			else if (pa == ST_ARITY_LIST && na == ST_ARITY_NULLABLE) {
				set_type = true;
				CLAUSE("%s DROP NOT NULL", prefix.buf);
			} else if (pa == ST_ARITY_LIST && na == ST_ARITY_REQUIRED) {
				set_type = true;
				CLAUSE("%s SET NOT NULL", prefix.buf);
			} else if (na == ST_ARITY_LIST && pa != na)
				set_type = true;
		} else if (bit == ST_COLCHG_TYPE) {
			set_type = true;
		} else if (bit == ST_COLCHG_AUTOINC) {
			/* AddSequence: imitate the sequence a SERIAL column gets */
			st_strbuf seq = ST_STRBUF_INIT;

			const char *sq = n->table->schema ? n->table->schema : r->q;

			if (sq) {
				st_render_ident(&seq, sq);
				st_strbuf_addch(&seq, '.');
			}
			st_strbuf_addf(&seq, "%s_%s_seq", n->table->name, n->name);
			for (char *q = seq.buf; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
			st_vec_push(before, st_strfmt(a, "CREATE SEQUENCE %s", seq.buf));
			st_strbuf_reset(&sb);
			st_strbuf_addf(&sb, "%s SET DEFAULT nextval(", prefix.buf);
			st_render_string(&sb, seq.buf);
			st_strbuf_addch(&sb, ')');
			st_vec_push(clauses, st_strdup(a, sb.buf));
			st_strbuf_reset(&sb);
			st_strbuf_addf(&sb, "ALTER SEQUENCE %s OWNED BY ", seq.buf);
			table_ref(r, &sb, p->table);
			st_strbuf_addch(&sb, '.');
			st_render_ident(&sb, p->name);
			st_vec_push(after, st_strdup(a, sb.buf));
			st_strbuf_release(&seq);
		}
	}
	if (set_type) {
		st_strbuf t = ST_STRBUF_INIT;

		coltype(r, &t, n);
		CLAUSE("%s SET DATA TYPE %s", prefix.buf, t.buf);
		st_strbuf_release(&t);
	}
#undef CLAUSE
	st_strbuf_release(&prefix);
	st_strbuf_release(&sb);
}

static bool
dropped_pk(const st_step *s)
{
	for (size_t i = 0; i < s->changes.len; i++)
		if (((st_table_change *)s->changes.items[i])->kind ==
		    ST_TCHG_DROP_PRIMARY_KEY)
			return true;
	return false;
}

static void
alter_table(rctx *r, const st_step *s)
{
	st_arena *a = r->cx->arena;
	const st_table *p = s->table_prev, *n = s->table_next;
	st_vec lines = ST_VEC_INIT(a), before = ST_VEC_INIT(a),
	       after = ST_VEC_INIT(a);
	st_strbuf sb = ST_STRBUF_INIT;

	for (size_t i = 0; i < s->changes.len; i++) {
		const st_table_change *c = s->changes.items[i];

		st_strbuf_reset(&sb);
		switch (c->kind) {
		case ST_TCHG_DROP_PRIMARY_KEY:
			st_strbuf_adds(&sb, "DROP CONSTRAINT ");
			st_render_ident(&sb, p->pk->name);
			break;
		case ST_TCHG_RENAME_PRIMARY_KEY:
			/*
			 * Prisma renders the rename as a statement of its own
			 * after the ALTER TABLE.  When the primary key is also
			 * dropped and re-added (under its new name), Prisma
			 * still renames the constraint that no longer exists,
			 * which fails; strata leaves the rename out then.
			 */
			if (dropped_pk(s))
				continue;
			st_strbuf_adds(&sb, "ALTER TABLE ");
			table_ref(r, &sb, p);
			st_strbuf_adds(&sb, " RENAME CONSTRAINT ");
			st_render_ident(&sb, p->pk->name);
			st_strbuf_adds(&sb, " TO ");
			st_render_ident(&sb, n->pk->name);
			st_vec_push(&after, st_strdup(a, sb.buf));
			continue;
		case ST_TCHG_ADD_PRIMARY_KEY:
			st_strbuf_adds(&sb, "ADD ");
			if (n->pk->name && *n->pk->name) {
				st_strbuf_adds(&sb, "CONSTRAINT ");
				st_render_ident(&sb, n->pk->name);
				st_strbuf_addch(&sb, ' ');
			}
			st_strbuf_adds(&sb, "PRIMARY KEY (");
			pk_columns(&sb, n->pk, ", ");
			st_strbuf_addch(&sb, ')');
			break;
		case ST_TCHG_ADD_COLUMN:
			st_strbuf_adds(&sb, "ADD COLUMN ");
			render_column(r, &sb, c->next);
			break;
		case ST_TCHG_DROP_COLUMN:
			st_strbuf_adds(&sb, "DROP COLUMN ");
			st_render_ident(&sb, c->prev->name);
			break;
		case ST_TCHG_ALTER_COLUMN:
			alter_column(r, c, &before, &lines, &after);
			continue;
		case ST_TCHG_DROP_AND_RECREATE_COLUMN:
			st_strbuf_adds(&sb, "DROP COLUMN ");
			st_render_ident(&sb, c->prev->name);
			st_vec_push(&lines, st_strdup(a, sb.buf));
			st_strbuf_reset(&sb);
			st_strbuf_adds(&sb, "ADD COLUMN ");
			render_column(r, &sb, c->next);
			break;
		}
		st_vec_push(&lines, st_strdup(a, sb.buf));
	}
	for (size_t i = 0; i < before.len; i++)
		emit_str(r, before.items[i]);
	if (lines.len) {
		st_strbuf_reset(&sb);
		st_strbuf_adds(&sb, "ALTER TABLE ");
		table_ref(r, &sb, p);
		st_strbuf_addch(&sb, ' ');
		for (size_t i = 0; i < lines.len; i++) {
			if (i)
				st_strbuf_adds(&sb, ",\n");
			st_strbuf_adds(&sb, lines.items[i]);
		}
		emit(r, &sb);
	}
	for (size_t i = 0; i < after.len; i++)
		emit_str(r, after.items[i]);
	st_strbuf_release(&sb);
}

static void
alter_enum(rctx *r, const st_step *s)
{
	const st_enum *pe = s->enum_prev, *ne = s->enum_next;
	const st_alter_enum *ae = s->alter_enum;
	st_strbuf sb = ST_STRBUF_INIT, tmp = ST_STRBUF_INIT;

	if (!ae->dropped_values.len) {
		for (size_t i = 0; i < ae->created_values.len; i++) {
			if (i == 0 && ae->created_values.len > 1)
				st_strbuf_adds(&sb,
					"-- This migration adds more than one value to an enum.\n"
					"-- With PostgreSQL versions 11 and earlier, this is not possible\n"
					"-- in a single migration. This can be worked around by creating\n"
					"-- multiple migrations, each migration adding only one value to\n"
					"-- the enum.\n\n\n");
			st_strbuf_adds(&sb, "ALTER TYPE ");
			st_render_qualified(&sb, pe->schema ? pe->schema : r->q, pe->name);
			st_strbuf_adds(&sb, " ADD VALUE ");
			st_render_string(&sb, ae->created_values.items[i]);
			emit(r, &sb);
		}
		goto done;
	}
	{
		char *tmpname = st_strfmt(r->cx->arena, "%s_new", ne->name);
		char *oldname = st_strfmt(r->cx->arena, "%s_old", pe->name);

		st_render_qualified(&tmp, ne->schema ? ne->schema : r->q, tmpname);
		st_strbuf_adds(&sb, "BEGIN");
		emit(r, &sb);
		st_strbuf_addf(&sb, "CREATE TYPE %s AS ENUM (", tmp.buf);
		for (size_t i = 0; i < ne->values.len; i++) {
			if (i)
				st_strbuf_adds(&sb, ", ");
			st_render_string(&sb, ne->values.items[i]);
		}
		st_strbuf_addch(&sb, ')');
		emit(r, &sb);
		for (size_t i = 0; i < ae->default_usages.len; i++) {
			const st_enum_usage *u = ae->default_usages.items[i];

			st_strbuf_adds(&sb, "ALTER TABLE ");
			table_ref_prev(r, &sb, u->prev->table);
			st_strbuf_adds(&sb, " ALTER COLUMN ");
			st_render_ident(&sb, u->prev->name);
			st_strbuf_adds(&sb, " DROP DEFAULT");
			emit(r, &sb);
		}
		for (size_t t = 0; t < r->m->to->tables.len; t++) {
			const st_table *tb = r->m->to->tables.items[t];

			for (size_t c = 0; c < tb->columns.len; c++) {
				const st_column *col = tb->columns.items[c];
				const char *arr = col->type.arity == ST_ARITY_LIST ? "[]" : "";

				const st_table *pt;

				if (col->type.family != ST_FAM_ENUM ||
				    strcmp(col->type.enum_name, ne->name) ||
				    strcmp(tb->ns, ne->ns))
					continue;
				/*
				 * Prisma also casts columns that do not exist yet
				 * (tables and columns the script creates later), and
				 * its script then fails; only existing columns can
				 * and need to be cast.
				 */
				pt = st_schema_table(r->m->from, tb->ns, tb->name);
				if (!pt || !st_table_column(pt, col->name))
					continue;
				st_strbuf_adds(&sb, "ALTER TABLE ");
				table_ref(r, &sb, tb);
				st_strbuf_adds(&sb, " ALTER COLUMN ");
				st_render_ident(&sb, col->name);
				st_strbuf_addf(&sb, " TYPE %s%s USING (", tmp.buf, arr);
				st_render_ident(&sb, col->name);
				st_strbuf_addf(&sb, "::text::%s%s)", tmp.buf, arr);
				emit(r, &sb);
			}
		}
		/*
		 * Columns of the old type that the rest of the script drops
		 * (dropped tables and columns, columns changing type) still
		 * depend on it, and Prisma's DROP TYPE "E_old" then fails.
		 * strata turns them into text first; they go away later in
		 * the same script.
		 */
		for (size_t t = 0; t < r->m->from->tables.len; t++) {
			const st_table *tb = r->m->from->tables.items[t];
			const st_table *nt = st_schema_table(r->m->to, tb->ns, tb->name);

			for (size_t c = 0; c < tb->columns.len; c++) {
				const st_column *col = tb->columns.items[c];
				const st_column *nc;
				const char *arr = col->type.arity == ST_ARITY_LIST ? "[]" : "";

				if (col->type.family != ST_FAM_ENUM ||
				    strcmp(col->type.enum_name, pe->name) ||
				    strcmp(tb->ns, pe->ns))
					continue;
				nc = nt ? st_table_column(nt, col->name) : NULL;
				if (nc && nc->type.family == ST_FAM_ENUM &&
				    !strcmp(nc->type.enum_name, ne->name))
					continue;
				st_strbuf_adds(&sb, "ALTER TABLE ");
				table_ref(r, &sb, tb);
				st_strbuf_adds(&sb, " ALTER COLUMN ");
				st_render_ident(&sb, col->name);
				st_strbuf_addf(&sb, " TYPE TEXT%s USING (", arr);
				st_render_ident(&sb, col->name);
				st_strbuf_addf(&sb, "::text%s)", arr);
				emit(r, &sb);
			}
		}
		st_strbuf_adds(&sb, "ALTER TYPE ");
		st_render_qualified(&sb, pe->schema ? pe->schema : r->q, pe->name);
		st_strbuf_adds(&sb, " RENAME TO ");
		st_render_ident(&sb, oldname);
		emit(r, &sb);
		st_strbuf_addf(&sb, "ALTER TYPE %s RENAME TO ", tmp.buf);
		st_render_ident(&sb, ne->name);
		emit(r, &sb);
		st_strbuf_adds(&sb, "DROP TYPE ");
		st_render_qualified(&sb, pe->schema ? pe->schema : r->qprev, oldname);
		emit(r, &sb);
		for (size_t i = 0; i < ae->default_usages.len; i++) {
			const st_enum_usage *u = ae->default_usages.items[i];
			st_strbuf d = ST_STRBUF_INIT;

			if (!u->next || u->next->def.kind == ST_DEF_NONE)
				continue;
			st_default_render(&d, u->next, &u->next->def);
			st_strbuf_adds(&sb, "ALTER TABLE ");
			table_ref(r, &sb, u->prev->table);
			st_strbuf_adds(&sb, " ALTER COLUMN ");
			st_render_ident(&sb, u->prev->name);
			st_strbuf_addf(&sb, " SET DEFAULT %s", d.buf);
			st_strbuf_release(&d);
			emit(r, &sb);
		}
		st_strbuf_adds(&sb, "COMMIT");
		emit(r, &sb);
	}
done:
	st_strbuf_release(&sb);
	st_strbuf_release(&tmp);
}

/*
 * One step: its statements are built in sb, which is r->script when
 * writing a script, else an empty scratch buffer kept across steps.
 */
static void
render_step(rctx *r, const st_step *s, st_strbuf *sb)
{
	switch (s->kind) {
	case ST_STEP_CREATE_SCHEMA:
		st_strbuf_adds(sb, "CREATE SCHEMA IF NOT EXISTS ");
		st_render_ident(sb, s->ns->name);
		emit(r, sb);
		break;
	case ST_STEP_DROP_EXTENSION:
		st_strbuf_adds(sb, "DROP EXTENSION ");
		st_render_ident(sb, s->ext_prev->name);
		emit(r, sb);
		break;
	case ST_STEP_CREATE_EXTENSION: {
		const st_extension *x = s->ext_next;

		st_strbuf_adds(sb, "CREATE EXTENSION IF NOT EXISTS ");
		st_render_ident(sb, x->name);
		if (*x->version || *x->schema)
			st_strbuf_adds(sb, " WITH");
		if (*x->schema) {
			st_strbuf_adds(sb, " SCHEMA ");
			st_render_ident(sb, x->schema);
		}
		if (*x->version) {
			st_strbuf_adds(sb, " VERSION ");
			st_render_ident(sb, x->version);
		}
		emit(r, sb);
		break;
	}
	case ST_STEP_ALTER_EXTENSION:
		if (s->ext_alter_version) {
			st_strbuf_adds(sb, "ALTER EXTENSION ");
			st_render_ident(sb, s->ext_prev->name);
			st_strbuf_adds(sb, " UPDATE TO ");
			st_render_ident(sb, s->ext_next->version);
			emit(r, sb);
		}
		if (s->ext_alter_schema) {
			st_strbuf_adds(sb, "ALTER EXTENSION ");
			st_render_ident(sb, s->ext_prev->name);
			st_strbuf_adds(sb, " SET SCHEMA ");
			st_render_ident(sb, s->ext_next->schema);
			emit(r, sb);
		}
		break;
	case ST_STEP_CREATE_ENUM: {
		const st_enum *e = s->enum_next;

		st_strbuf_adds(sb, "CREATE TYPE ");
		st_render_qualified(sb, e->schema ? e->schema : r->q, e->name);
		st_strbuf_adds(sb, " AS ENUM (");
		for (size_t i = 0; i < e->values.len; i++) {
			if (i)
				st_strbuf_adds(sb, ", ");
			st_render_string(sb, e->values.items[i]);
		}
		st_strbuf_addch(sb, ')');
		emit(r, sb);
		break;
	}
	case ST_STEP_ALTER_ENUM:
		alter_enum(r, s);
		break;
	case ST_STEP_DROP_FOREIGN_KEY:
		st_strbuf_adds(sb, "ALTER TABLE ");
		table_ref(r, sb, s->fk_prev->table);
		st_strbuf_adds(sb, " DROP CONSTRAINT ");
		st_render_ident(sb, s->fk_prev->name ? s->fk_prev->name : "");
		emit(r, sb);
		break;
	case ST_STEP_DROP_INDEX:
		st_strbuf_adds(sb, "DROP INDEX ");
		st_render_qualified(sb, s->index_prev->table->schema ?
				    s->index_prev->table->schema : r->q,
				    s->index_prev->name);
		emit(r, sb);
		break;
	case ST_STEP_ALTER_TABLE:
		alter_table(r, s);
		break;
	case ST_STEP_DROP_TABLE:
		st_strbuf_adds(sb, "DROP TABLE ");
		table_ref(r, sb, s->table_prev);
		emit(r, sb);
		break;
	case ST_STEP_DROP_ENUM:
		st_strbuf_adds(sb, "DROP TYPE ");
		st_render_qualified(sb, s->enum_prev->schema ?
				    s->enum_prev->schema : r->q, s->enum_prev->name);
		emit(r, sb);
		break;
	case ST_STEP_CREATE_TABLE:
		create_table(r, sb, s->table_next);
		emit(r, sb);
		break;
	case ST_STEP_CREATE_INDEX:
		create_index(r, sb, s->index_next);
		emit(r, sb);
		break;
	case ST_STEP_RENAME_FOREIGN_KEY:
		st_strbuf_adds(sb, "ALTER TABLE ");
		table_ref(r, sb, s->fk_prev->table);
		st_strbuf_adds(sb, " RENAME CONSTRAINT ");
		st_render_ident(sb, s->fk_prev->name);
		st_strbuf_adds(sb, " TO ");
		st_render_ident(sb, s->fk_next->name);
		emit(r, sb);
		break;
	case ST_STEP_ADD_FOREIGN_KEY:
		add_fk(r, sb, s->fk_next);
		emit(r, sb);
		break;
	case ST_STEP_RENAME_INDEX:
		st_strbuf_adds(sb, "ALTER INDEX ");
		st_render_qualified(sb, s->index_prev->table->schema ?
				    s->index_prev->table->schema : r->q,
				    s->index_prev->name);
		st_strbuf_adds(sb, " RENAME TO ");
		st_render_ident(sb, s->index_next->name);
		emit(r, sb);
		break;
	}
}

void
st_render_step(st_ctx *cx, const st_diff_result *m, const st_step *s,
	       st_vec *out)
{
	rctx r = { cx, m, out, NULL, 0, m->to->qualify_ns, m->from->qualify_ns };
	st_strbuf sb = ST_STRBUF_INIT;

	render_step(&r, s, &sb);
	st_strbuf_release(&sb);
}

/*
 * Renders steps [lo, hi) into sb, each "-- Name\n" + its statements,
 * separated by a blank line; false when none rendered anything.
 */
static bool
render_steps(rctx *r, st_strbuf *sb, size_t lo, size_t hi)
{
	bool first = true;

	for (size_t i = lo; i < hi; i++) {
		const st_step *s = r->m->steps.items[i];
		size_t mark = sb->len;

		/* the step's comment goes first; taken back if it renders nothing */
		if (!first)
			st_strbuf_addch(sb, '\n');
		st_strbuf_adds(sb, "-- ");
		st_strbuf_adds(sb, st_step_name(s->kind));
		st_strbuf_addch(sb, '\n');
		r->nstmts = 0;
		render_step(r, s, sb);
		if (!r->nstmts) {
			st_strbuf_setlen(sb, mark);
			continue;
		}
		first = false;
	}
	return !first;
}

/* ==== the script in parts ==== */

/* Steps per part: civitai's 1,300 are rendered sooner on one thread. */
#define STEPS_PER_PART 2000

/* About 200 bytes of SQL per step: one allocation for most scripts. */
#define STEP_BYTES 200

typedef struct rstream rstream;

typedef struct rpart {
	rctx r;              /* r.script: the script (in place) or buf */
	st_strbuf buf;
	size_t lo, hi;       /* steps [lo, hi) */
	bool any;            /* rendered something */
	rstream *out;
	atomic_bool done;    /* rendered (buf then complete) */
} rpart;

/*
 * Where the parts' text goes: to the sink, in order, each part as soon
 * as it and all before it are rendered, and only from the calling
 * thread (the sink may write to a file descriptor: a worker thread,
 * which blocks all signals, would turn a SIGPIPE into EPIPE).
 */
struct rstream {
	st_render_sink sink;
	void *arg;
	pthread_t caller;
	rpart *parts;
	unsigned np, next;   /* parts [0, next) handed over */
	bool any;            /* something was */
	int rc;              /* the sink's first error */
};

/*
 * Hands the parts that are ready, in order, to the sink.  A part's buf
 * starts with the '\n' of the blank line between two steps, left out when
 * nothing came before it; a part rendered in place (st_render_script's
 * first) is already where it goes.
 */
static void
send_ready(rstream *st)
{
	while (st->next < st->np) {
		rpart *p = &st->parts[st->next];

		if (!atomic_load_explicit(&p->done, memory_order_acquire))
			return;
		st->next++;
		if (!p->any)
			continue;
		if (!st->rc && p->r.script == &p->buf)
			st->rc = st->sink(st->arg, p->buf.buf + !st->any,
					  p->buf.len - !st->any);
		st->any = true;
	}
}

static void
render_part(void *arg)
{
	rpart *p = arg;

	if (p->r.script == &p->buf) {
		st_strbuf_grow(&p->buf, (p->hi - p->lo) * STEP_BYTES);
		st_strbuf_addch(&p->buf, '\n');
	}
	p->any = render_steps(&p->r, p->r.script, p->lo, p->hi);
	atomic_store_explicit(&p->done, true, memory_order_release);
	if (pthread_equal(pthread_self(), p->out->caller))
		send_ready(p->out);
}

/* Relative rendering time of a step of kind k (measured on a 5000-model
 * schema: a CreateTable of ten columns takes about twice as long as a
 * CreateIndex or an AddForeignKey). */
static size_t
step_weight(st_step_kind k)
{
	switch (k) {
	case ST_STEP_CREATE_TABLE: return 9;
	case ST_STEP_ALTER_TABLE: return 12;
	default: return 4;
	}
}

/*
 * The first step of kind > k, by binary search: the steps are sorted by
 * kind, but for DropIndex steps the differ moves behind an AlterTable
 * (apply_partial_order), so the answer is exact for every k but
 * ST_STEP_DROP_INDEX, where it is close; that only affects the balance.
 */
static size_t
kind_end(const st_vec *steps, st_step_kind k)
{
	size_t lo = 0, hi = steps->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (((const st_step *)steps->items[mid])->kind <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Cuts the steps into np ranges of about equal weight: cut[j] is where
 * part j starts (cut[0] = 0, cut[np] = the number of steps).  Part 0 ends
 * after the last AlterEnum step at the earliest.
 */
static void
cut_steps(const st_vec *steps, unsigned np, size_t *cut)
{
	enum { NKINDS = ST_STEP_RENAME_INDEX + 1 };
	size_t end[NKINDS], total = 0;

	for (int k = 0; k < NKINDS; k++) {
		size_t start = k ? end[k - 1] : 0;

		end[k] = k == NKINDS - 1 ? steps->len : kind_end(steps, k);
		if (end[k] < start)
			end[k] = start;
		total += (end[k] - start) * step_weight(k);
	}
	cut[0] = 0;
	cut[np] = steps->len;
	for (unsigned j = 1; j < np; j++) {
		size_t target = total * j / np, acc = 0;
		int k = 0;

		for (; k < NKINDS; k++) {
			size_t start = k ? end[k - 1] : 0;
			size_t w = (end[k] - start) * step_weight(k);

			if (acc + w >= target) {
				cut[j] = start +
					 (target - acc) / step_weight(k);
				break;
			}
			acc += w;
		}
		if (k == NKINDS)
			cut[j] = steps->len;
		if (j == 1 && cut[j] < end[ST_STEP_ALTER_ENUM])
			cut[j] = end[ST_STEP_ALTER_ENUM];
		if (cut[j] < cut[j - 1])
			cut[j] = cut[j - 1];
	}
}

/*
 * Renders the script in parts on threads, each part into a buffer of its
 * own (in the arena of a context of its own, made here on the calling
 * thread, since making a child arena changes its parent), handed to
 * sink as described at rstream; with script, the first part is rendered
 * straight into it instead.  Returns the sink's first error.
 */
static int
render_parts(st_ctx *cx, const st_diff_result *m, st_strbuf *script,
	     st_render_sink sink, void *arg)
{
	size_t cut[ST_PAR_MAX + 1];
	unsigned np = st_par_parts(m->steps.len, STEPS_PER_PART);
	rpart parts[ST_PAR_MAX];
	rstream st = { sink, arg, pthread_self(), parts, np, 0, false, 0 };

	cut_steps(&m->steps, np, cut);
	for (unsigned k = 0; k < np; k++) {
		rpart *p = &parts[k];

		p->r = (rctx){ cx, m, NULL, script, 0, m->to->qualify_ns,
			       m->from->qualify_ns };
		p->buf = (st_strbuf)ST_STRBUF_INIT;
		p->lo = cut[k];
		p->hi = cut[k + 1];
		p->any = false;
		p->out = &st;
		atomic_init(&p->done, false);
		if (k == 0 && script)
			continue;
		/* the part's text in its own arena, which then starts with a
		 * block of huge pages rather than heap memory of 4 KB pages */
		p->r.cx = st_ctx_new(cx->arena);
		st_arena_reserve(p->r.cx->arena, (p->hi - p->lo) * STEP_BYTES * 2);
		st_strbuf_init_arena(&p->buf, p->r.cx->arena);
		p->r.script = &p->buf;
	}
	st_par_run(np, render_part, parts, sizeof(parts[0]));
	/* what the calling thread did not hand over between its parts */
	send_ready(&st);
	for (unsigned k = script ? 1 : 0; k < np; k++)
		st_ctx_free(parts[k].r.cx);
	if (!st.any && !st.rc)
		st.rc = sink(arg, EMPTY_MIGRATION, strlen(EMPTY_MIGRATION));
	return st.rc;
}

static int
append_sink(void *arg, const char *text, size_t len)
{
	st_strbuf_add(arg, text, len);
	return 0;
}

/*
 * The first part renders into the script itself (grown to its likely
 * size first), and the others are appended as they come, by the calling
 * thread while the other threads still render.
 */
void
st_render_script(st_ctx *cx, st_strbuf *sb, const st_diff_result *m)
{
	st_strbuf_grow(sb, m->steps.len * STEP_BYTES);
	render_parts(cx, m, sb, append_sink, sb);
}

int
st_render_script_to(st_ctx *cx, const st_diff_result *m,
		    st_render_sink sink, void *arg)
{
	return render_parts(cx, m, NULL, sink, arg);
}
