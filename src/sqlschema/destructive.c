/*
 * destructive.c - destructive-change detection as data, following
 * Prisma's sql_destructive_change_checker (PostgreSQL flavour): which
 * steps may lose data (warnings) or cannot run on a table with rows
 * (unexecutable steps), and the messages Prisma prints for them, with or
 * without row counts from a live database (st_row_counter).
 */
#include <string.h>

#include "sqlschema/steps.h"

typedef struct checker {
	st_ctx *cx;
	const st_row_counter *rc;
	st_destructive_report *r;
} checker;

static const char *
native_name(st_pgtype t)
{
	switch (t) {
	case ST_PG_SMALLINT: return "SmallInt";
	case ST_PG_INTEGER: return "Integer";
	case ST_PG_BIGINT: return "BigInt";
	case ST_PG_DECIMAL: return "Decimal";
	case ST_PG_MONEY: return "Money";
	case ST_PG_INET: return "Inet";
	case ST_PG_OID: return "Oid";
	case ST_PG_CITEXT: return "Citext";
	case ST_PG_REAL: return "Real";
	case ST_PG_DOUBLE: return "DoublePrecision";
	case ST_PG_VARCHAR: return "VarChar";
	case ST_PG_CHAR: return "Char";
	case ST_PG_TEXT: return "Text";
	case ST_PG_BYTEA: return "ByteA";
	case ST_PG_TIMESTAMP: return "Timestamp";
	case ST_PG_TIMESTAMPTZ: return "Timestamptz";
	case ST_PG_DATE: return "Date";
	case ST_PG_TIME: return "Time";
	case ST_PG_TIMETZ: return "Timetz";
	case ST_PG_BOOLEAN: return "Boolean";
	case ST_PG_BIT: return "Bit";
	case ST_PG_VARBIT: return "VarBit";
	case ST_PG_UUID: return "Uuid";
	case ST_PG_XML: return "Xml";
	case ST_PG_JSON: return "Json";
	case ST_PG_JSONB: return "JsonB";
	case ST_PG_NONE: break;
	}
	return "";
}

/* Prisma's display_column_type: the native type as PSL writes it. */
static const char *
display_type(checker *k, const st_diff_result *m, const st_column *c)
{
	const st_coltype *t = &c->type;

	if (t->family == ST_FAM_ENUM) {
		const st_schema *s = c->table && st_schema_table(m->to, c->table->ns,
					c->table->name) == c->table ? m->to : m->from;
		long id = 0;

		for (size_t i = 0; i < s->enums.len; i++)
			if (!strcmp(((st_enum *)s->enums.items[i])->name, t->enum_name))
				id = (long)i;
		return st_strfmt(k->cx->arena, "Enum(EnumId(%ld))", id);
	}
	if (t->family == ST_FAM_UNSUPPORTED || t->native == ST_PG_NONE)
		return st_strfmt(k->cx->arena, "Unsupported(\"%s\")", t->raw ? t->raw : "");
	if (t->nargs == 2)
		return st_strfmt(k->cx->arena, "%s(%ld,%ld)", native_name(t->native),
				 t->args[0], t->args[1]);
	if (t->nargs == 1)
		return st_strfmt(k->cx->arena, "%s(%ld)", native_name(t->native),
				 t->args[0]);
	return native_name(t->native);
}

static long
table_rows(checker *k, const st_table *t)
{
	if (!k->rc || !k->rc->table_rows)
		return -1;
	return k->rc->table_rows(k->rc->arg, t->ns, t->name);
}

static long
non_null(checker *k, const st_column *c)
{
	if (!k->rc || !k->rc->non_null_values)
		return -1;
	return k->rc->non_null_values(k->rc->arg, c->table->ns, c->table->name,
				      c->name);
}

static void
add(checker *k, st_destructive_kind_check check, bool unexecutable, int idx,
    const char *table, const char *schema, const char *column,
    const char *detail, const char *msg)
{
	st_destructive_item *it = st_alloc(k->cx->arena, sizeof(*it));

	it->check = check;
	it->step_index = idx;
	it->table = table;
	it->schema = schema;
	it->column = column;
	it->detail = detail;
	st_vec_push(&k->r->items, it);
	if (msg)
		st_vec_push(unexecutable ? &k->r->unexecutable : &k->r->warnings,
			    (void *)msg);
}

#define F(...) st_strfmt(k->cx->arena, __VA_ARGS__)

static void
check_add_column(checker *k, int idx, const st_column *c)
{
	const char *msg = NULL;
	long rows;

	if (c->type.arity != ST_ARITY_REQUIRED || c->def.kind != ST_DEF_NONE)
		return;
	rows = table_rows(k, c->table);
	if (rows == 0)
		return;
	if (c->virtual_default) {
		msg = F("The required column `%s` was added to the `%s` table with a "
			"prisma-level default value. %s Please add this column as "
			"optional, then populate it before making it required.",
			c->name, c->table->name, rows > 0 ?
			F("There are %ld rows in this table, it is not possible to "
			  "execute this step.", rows) :
			"This is not possible if the table is not empty.");
		add(k, ST_CHECK_REQUIRED_PRISMA_DEFAULT, true, idx, c->table->name,
		    c->table->ns, c->name, NULL, msg);
		return;
	}
	msg = F("Added the required column `%s` to the `%s` table without a default "
		"value. %s", c->name, c->table->name, rows > 0 ?
		F("There are %ld rows in this table, it is not possible to execute "
		  "this step.", rows) :
		"This is not possible if the table is not empty.");
	add(k, ST_CHECK_ADD_REQUIRED_COLUMN, true, idx, c->table->name,
	    c->table->ns, c->name, NULL, msg);
}

static void
check_alter_column(checker *k, const st_diff_result *m, int idx,
		   const st_table_change *c)
{
	const st_column *p = c->prev, *n = c->next;
	bool arity = c->changes & ST_COLCHG_ARITY;

	if (arity && p->type.arity == ST_ARITY_NULLABLE &&
	    n->type.arity == ST_ARITY_REQUIRED) {
		long rows = table_rows(k, p->table), vals = non_null(k, p);
		const char *msg = NULL;

		if (rows == 0 || (rows > 0 && vals >= 0 && rows - vals == 0))
			msg = NULL;
		else if (rows > 0 && vals >= 0)
			msg = F("Made the column `%s` on table `%s` required, but there "
				"are %ld existing NULL values.", p->name, p->table->name,
				rows - vals);
		else
			msg = F("Made the column `%s` on table `%s` required. This step "
				"will fail if there are existing NULL values in that column.",
				p->name, p->table->name);
		add(k, ST_CHECK_MADE_REQUIRED, true, idx, p->table->name,
		    p->table->ns, p->name, NULL, msg);
	}
	if (arity && p->type.arity != ST_ARITY_LIST &&
	    n->type.arity == ST_ARITY_LIST) {
		long rows = table_rows(k, p->table), vals = non_null(k, p);
		const char *msg = NULL;
		const char *head = F("Changed the column `%s` on the `%s` table from "
				     "a scalar field to a list field.", p->name,
				     p->table->name);

		if (rows == 0 || vals == 0)
			msg = NULL;
		else if (vals > 0)
			msg = F("%s There are %ld existing non-null values in that "
				"column, this step cannot be executed.", head, vals);
		else
			msg = F("%s If there are non-null values in that column, this "
				"step will fail.", head);
		add(k, ST_CHECK_SCALAR_TO_LIST, true, idx, p->table->name,
		    p->table->ns, p->name, NULL, msg);
	}
	if (c->type_change == ST_TYPECHG_RISKY ||
	    c->type_change == ST_TYPECHG_NOT_CASTABLE) {
		const char *pt = display_type(k, m, p), *nt = display_type(k, m, n);
		long rows = table_rows(k, p->table), vals = non_null(k, p);
		const char *msg = NULL;
		bool risky = c->type_change == ST_TYPECHG_RISKY;

		if (rows == 0 || vals == 0)
			msg = NULL;
		else if (vals > 0)
			msg = F("You are about to alter the column `%s` on the `%s` table, "
				"which contains %ld non-null values. The data in that column "
				"will be cast from `%s` to `%s`.%s", p->name, p->table->name,
				vals, pt, nt, risky ? "" : " This cast may fail. Please make "
				"sure the data in the column can be cast.");
		else if (risky)
			msg = F("You are about to alter the column `%s` on the `%s` table. "
				"The data in that column could be lost. The data in that "
				"column will be cast from `%s` to `%s`.", p->name,
				p->table->name, pt, nt);
		else
			msg = F("You are about to alter the column `%s` on the `%s` table. "
				"The data in that column will be cast from `%s` to `%s`. This "
				"cast may fail. Please make sure the data in the column can be "
				"cast.", p->name, p->table->name, pt, nt);
		add(k, ST_CHECK_ALTER_COLUMN_TYPE, false, idx, p->table->name,
		    p->table->ns, p->name, F("`%s` to `%s`", pt, nt), msg);
	}
}

static void
check_drop_and_recreate(checker *k, int idx, const st_table_change *c)
{
	const st_column *p = c->prev, *n = c->next;
	long rows = table_rows(k, p->table);

	if ((c->changes & ST_COLCHG_ARITY) && p->type.arity == ST_ARITY_NULLABLE &&
	    n->type.arity == ST_ARITY_REQUIRED && n->def.kind == ST_DEF_NONE) {
		const char *msg = rows == 0 ? NULL :
			F("Added the required column `%s` to the `%s` table without a "
			  "default value. %s", p->name, p->table->name, rows > 0 ?
			  F("There are %ld rows in this table, it is not possible to "
			    "execute this step.", rows) :
			  "This is not possible if the table is not empty.");

		add(k, ST_CHECK_ADD_REQUIRED_COLUMN, true, idx, p->table->name,
		    p->table->ns, p->name, NULL, msg);
	} else if (n->type.arity == ST_ARITY_REQUIRED && n->def.kind == ST_DEF_NONE) {
		const char *msg = rows == 0 ? NULL : rows > 0 ?
			F("Changed the type of `%s` on the `%s` table. No cast exists, the "
			  "column would be dropped and recreated, which cannot be done "
			  "since the column is required and there is data in the table.",
			  p->name, p->table->name) :
			F("Changed the type of `%s` on the `%s` table. No cast exists, the "
			  "column would be dropped and recreated, which cannot be done if "
			  "there is data, since the column is required.", p->name,
			  p->table->name);

		add(k, ST_CHECK_DROP_AND_RECREATE, true, idx, p->table->name,
		    p->table->ns, p->name, NULL, msg);
	} else {
		long vals = non_null(k, p);
		const char *msg = rows == 0 || vals == 0 ? NULL : vals < 0 ?
			F("The `%s` column on the `%s` table would be dropped and "
			  "recreated. This will lead to data loss if there is data in the "
			  "column.", p->name, p->table->name) :
			F("The `%s` column on the `%s` table would be dropped and "
			  "recreated. This will lead to data loss.", p->name,
			  p->table->name);

		add(k, ST_CHECK_DROP_AND_RECREATE, false, idx, p->table->name,
		    p->table->ns, p->name, NULL, msg);
	}
}

int
st_destructive_check(st_ctx *cx, const st_diff_result *m,
		     const st_row_counter *counter, st_destructive_report **out)
{
	checker kk = { cx, counter, st_alloc(cx->arena, sizeof(st_destructive_report)) };
	checker *k = &kk;

	st_vec_init(&k->r->items, cx->arena);
	st_vec_init(&k->r->warnings, cx->arena);
	st_vec_init(&k->r->unexecutable, cx->arena);
	for (size_t i = 0; i < m->steps.len; i++) {
		const st_step *s = m->steps.items[i];
		int idx = (int)i;

		switch (s->kind) {
		case ST_STEP_ALTER_TABLE:
			for (size_t j = 0; j < s->changes.len; j++) {
				const st_table_change *c = s->changes.items[j];

				switch (c->kind) {
				case ST_TCHG_DROP_COLUMN: {
					long rows = table_rows(k, c->prev->table);
					long vals = non_null(k, c->prev);
					const char *msg = rows == 0 || vals == 0 ? NULL :
						vals > 0 ?
						F("You are about to drop the column `%s` on the `%s` "
						  "table, which still contains %ld non-null values.",
						  c->prev->name, c->prev->table->name, vals) :
						F("You are about to drop the column `%s` on the `%s` "
						  "table. All the data in the column will be lost.",
						  c->prev->name, c->prev->table->name);

					add(k, ST_CHECK_DROP_COLUMN, false, idx,
					    c->prev->table->name, c->prev->table->ns,
					    c->prev->name, NULL, msg);
					break;
				}
				case ST_TCHG_ALTER_COLUMN:
					check_alter_column(k, m, idx, c);
					break;
				case ST_TCHG_ADD_COLUMN:
					check_add_column(k, idx, c->next);
					break;
				case ST_TCHG_DROP_PRIMARY_KEY: {
					long rows = table_rows(k, s->table_prev);

					add(k, ST_CHECK_PRIMARY_KEY_CHANGED, false, idx,
					    s->table_prev->name, s->table_prev->ns, NULL, NULL,
					    rows == 0 ? NULL :
					    F("The primary key for the `%s` table will be changed. "
					      "If it partially fails, the table could be left "
					      "without primary key constraint.",
					      s->table_prev->name));
					break;
				}
				case ST_TCHG_DROP_AND_RECREATE_COLUMN:
					check_drop_and_recreate(k, idx, c);
					break;
				case ST_TCHG_ADD_PRIMARY_KEY:
				case ST_TCHG_RENAME_PRIMARY_KEY:
					break;
				}
			}
			break;
		case ST_STEP_DROP_TABLE: {
			long rows = table_rows(k, s->table_prev);

			add(k, ST_CHECK_DROP_TABLE, false, idx, s->table_prev->name,
			    s->table_prev->ns, NULL, NULL, rows == 0 ? NULL : rows > 0 ?
			    F("You are about to drop the `%s` table, which is not empty "
			      "(%ld rows).", s->table_prev->name, rows) :
			    F("You are about to drop the `%s` table. If the table is not "
			      "empty, all the data it contains will be lost.",
			      s->table_prev->name));
			break;
		}
		case ST_STEP_CREATE_INDEX: {
			st_strbuf cols;

			if (!s->table_prev || s->from_drop_and_recreate ||
			    s->index_next->kind != ST_INDEX_UNIQUE)
				break;
			st_strbuf_init_arena(&cols, cx->arena);
			for (size_t j = 0; j < s->index_next->cols.len; j++)
				st_strbuf_addf(&cols, "%s%s", j ? "," : "",
					       ((st_index_col *)s->index_next->cols.items[j])->column->name);
			add(k, ST_CHECK_UNIQUE_ADDED, false, idx,
			    s->index_next->table->name, s->index_next->table->ns, NULL,
			    F("[%s]", cols.buf),
			    F("A unique constraint covering the columns `[%s]` on the table "
			      "`%s` will be added. If there are existing duplicate values, "
			      "this will fail.", cols.buf, s->index_next->table->name));
			break;
		}
		case ST_STEP_ALTER_ENUM: {
			const st_vec *dropped = &s->alter_enum->dropped_values;
			st_strbuf vals;

			if (!dropped->len)
				break;
			st_strbuf_init_arena(&vals, cx->arena);
			for (size_t j = 0; j < dropped->len; j++)
				st_strbuf_addf(&vals, "%s%s", j ? "," : "",
					       (const char *)dropped->items[j]);
			add(k, ST_CHECK_ENUM_VALUES_REMOVED, false, idx,
			    s->enum_next->name, s->enum_next->ns, NULL,
			    F("[%s]", vals.buf),
			    F("The values [%s] on the enum `%s` will be removed. If these "
			      "variants are still used in the database, this will fail.",
			      vals.buf, s->enum_next->name));
			break;
		}
		default:
			break;
		}
	}
	*out = k->r;
	return 0;
}

void
st_render_warnings_header(st_strbuf *sb, const st_destructive_report *r)
{
	if (!r->warnings.len && !r->unexecutable.len)
		return;
	st_strbuf_adds(sb, "/*\n  Warnings:\n\n");
	for (size_t i = 0; i < r->warnings.len; i++)
		st_strbuf_addf(sb, "  - %s\n", (const char *)r->warnings.items[i]);
	for (size_t i = 0; i < r->unexecutable.len; i++)
		st_strbuf_addf(sb, "  - %s\n", (const char *)r->unexecutable.items[i]);
	st_strbuf_adds(sb, "\n*/\n");
}
