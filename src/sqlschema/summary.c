/*
 * summary.c - Prisma's human summary of a migration (the drift summary
 * of sql_migration.rs): "[+] Added tables", "[*] Changed the `T` table"
 * ... grouped and ordered exactly like Prisma, "No difference detected."
 * when there is nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "sqlschema/steps.h"

/* Prisma's DriftType order. */
enum {
	DT_ALTERED_EXTENSION,
	DT_DROPPED_EXTENSION,
	DT_CREATED_EXTENSION,
	DT_ADDED_SCHEMA,
	DT_ADDED_ENUM,
	DT_ADDED_TABLE,
	DT_REMOVED_ENUM,
	DT_REMOVED_TABLE,
	DT_CHANGED_ENUM,
	DT_CHANGED_TABLE,
};

typedef struct item {
	int type;
	const char *name;
	size_t idx;
} item;

static int
cmp_item(const void *a, const void *b)
{
	const item *x = a, *y = b;
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((c = strcmp(x->name, y->name)))
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
debug_str(st_strbuf *sb, const char *s)
{
	st_strbuf_addch(sb, '"');
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '"': st_strbuf_adds(sb, "\\\""); break;
		case '\\': st_strbuf_adds(sb, "\\\\"); break;
		case '\n': st_strbuf_adds(sb, "\\n"); break;
		case '\t': st_strbuf_adds(sb, "\\t"); break;
		case '\r': st_strbuf_adds(sb, "\\r"); break;
		default: st_strbuf_addch(sb, *p);
		}
	}
	st_strbuf_addch(sb, '"');
}

static void
debug_value(st_strbuf *sb, const st_value *v)
{
	switch (v->kind) {
	case ST_VAL_STRING: st_strbuf_adds(sb, "String("); debug_str(sb, v->text); break;
	case ST_VAL_ENUM: st_strbuf_adds(sb, "Enum("); debug_str(sb, v->text); break;
	case ST_VAL_JSON: st_strbuf_adds(sb, "Json("); debug_str(sb, v->text); break;
	case ST_VAL_DATETIME: st_strbuf_addf(sb, "DateTime(%s", v->text); break;
	case ST_VAL_INT: st_strbuf_addf(sb, "Int(%s", v->text); break;
	case ST_VAL_BIGINT: st_strbuf_addf(sb, "BigInt(%s", v->text); break;
	case ST_VAL_FLOAT: st_strbuf_addf(sb, "Float(BigDecimal(\"%s\")", v->text); break;
	case ST_VAL_BOOLEAN: st_strbuf_addf(sb, "Boolean(%s", v->text); break;
	case ST_VAL_BYTES: {
		st_strbuf_adds(sb, "Bytes([");
		for (size_t i = 0; v->text[i] && v->text[i + 1]; i += 2) {
			char h[3] = { v->text[i], v->text[i + 1], 0 };

			st_strbuf_addf(sb, "%s%ld", i ? ", " : "", strtol(h, NULL, 16));
		}
		st_strbuf_addch(sb, ']');
		break;
	}
	case ST_VAL_LIST:
		st_strbuf_adds(sb, "List([");
		for (size_t i = 0; i < v->items.len; i++) {
			if (i)
				st_strbuf_adds(sb, ", ");
			debug_value(sb, v->items.items[i]);
		}
		st_strbuf_addch(sb, ']');
		break;
	}
	st_strbuf_addch(sb, ')');
}

/* Rust's {:?} of Option<&DefaultKind>. */
static void
debug_default(st_strbuf *sb, const st_default *d)
{
	switch (d->kind) {
	case ST_DEF_NONE:
		st_strbuf_adds(sb, "None");
		return;
	case ST_DEF_VALUE:
		st_strbuf_adds(sb, "Some(Value(");
		debug_value(sb, d->value);
		st_strbuf_adds(sb, "))");
		return;
	case ST_DEF_NOW:
		st_strbuf_adds(sb, "Some(Now)");
		return;
	case ST_DEF_SEQUENCE:
		st_strbuf_adds(sb, "Some(Sequence(");
		debug_str(sb, d->text ? d->text : "");
		st_strbuf_adds(sb, "))");
		return;
	case ST_DEF_DBGEN:
		st_strbuf_adds(sb, "Some(DbGenerated(");
		if (d->text) {
			st_strbuf_adds(sb, "Some(");
			debug_str(sb, d->text);
			st_strbuf_addch(sb, ')');
		} else {
			st_strbuf_adds(sb, "None");
		}
		st_strbuf_adds(sb, "))");
		return;
	}
}

static const char *
arity_name(st_arity a)
{
	return a == ST_ARITY_REQUIRED ? "Required" :
	       a == ST_ARITY_NULLABLE ? "Nullable" : "List";
}

static void
column_changes(st_strbuf *sb, const st_table_change *c)
{
	bool first = true;

	st_strbuf_addch(sb, '(');
	for (int bit = 1; bit <= ST_COLCHG_AUTOINC; bit <<= 1) {
		if (!(c->changes & bit))
			continue;
		if (!first)
			st_strbuf_adds(sb, ", ");
		first = false;
		switch (bit) {
		case ST_COLCHG_ARITY:
			st_strbuf_addf(sb, "changed from %s to %s",
				       arity_name(c->prev->type.arity),
				       arity_name(c->next->type.arity));
			break;
		case ST_COLCHG_DEFAULT:
			st_strbuf_adds(sb, "default changed from `");
			debug_default(sb, &c->prev->def);
			st_strbuf_adds(sb, "` to `");
			debug_default(sb, &c->next->def);
			st_strbuf_addch(sb, '`');
			break;
		case ST_COLCHG_TYPE:
			st_strbuf_adds(sb, "type changed");
			break;
		case ST_COLCHG_AUTOINC:
			st_strbuf_adds(sb, c->prev->autoincrement ?
				       "column is no longer autoincrementing" :
				       "column became autoincrementing");
			break;
		}
	}
	st_strbuf_addch(sb, ')');
}

static void
column_list(st_strbuf *sb, const st_vec *cols, bool index_cols)
{
	for (size_t i = 0; i < cols->len; i++) {
		const st_column *c = index_cols ?
			((st_index_col *)cols->items[i])->column : cols->items[i];

		if (i)
			st_strbuf_adds(sb, ", ");
		st_strbuf_adds(sb, c->name);
	}
}

static void
step_lines(st_strbuf *sb, const st_step *s)
{
	switch (s->kind) {
	case ST_STEP_CREATE_SCHEMA:
		st_strbuf_addf(sb, "  - %s\n", s->ns->name);
		break;
	case ST_STEP_CREATE_ENUM:
		st_strbuf_addf(sb, "  - %s\n", s->enum_next->name);
		break;
	case ST_STEP_ALTER_ENUM: {
		const st_alter_enum *ae = s->alter_enum;

		for (size_t i = 0; i < ae->created_values.len; i++)
			st_strbuf_addf(sb, "  [+] Added variant `%s`\n",
				       (const char *)ae->created_values.items[i]);
		for (size_t i = 0; i < ae->dropped_values.len; i++)
			st_strbuf_addf(sb, "  [-] Removed variant `%s`\n",
				       (const char *)ae->dropped_values.items[i]);
		break;
	}
	case ST_STEP_DROP_FOREIGN_KEY:
		st_strbuf_adds(sb, "  [-] Removed foreign key on columns (");
		column_list(sb, &s->fk_prev->cols, false);
		st_strbuf_adds(sb, ")\n");
		break;
	case ST_STEP_DROP_INDEX:
		st_strbuf_addf(sb, "  [-] Removed %sindex on columns (",
			       s->index_prev->kind == ST_INDEX_UNIQUE ? "unique " : "");
		column_list(sb, &s->index_prev->cols, true);
		st_strbuf_adds(sb, ")\n");
		break;
	case ST_STEP_ALTER_TABLE:
		for (size_t i = 0; i < s->changes.len; i++) {
			const st_table_change *c = s->changes.items[i];

			switch (c->kind) {
			case ST_TCHG_ADD_COLUMN:
				st_strbuf_addf(sb, "  [+] Added column `%s`\n", c->next->name);
				break;
			case ST_TCHG_ALTER_COLUMN:
				st_strbuf_addf(sb, "  [*] Altered column `%s` ", c->next->name);
				column_changes(sb, c);
				st_strbuf_addch(sb, '\n');
				break;
			case ST_TCHG_DROP_COLUMN:
				st_strbuf_addf(sb, "  [-] Removed column `%s`\n", c->prev->name);
				break;
			case ST_TCHG_DROP_AND_RECREATE_COLUMN:
				st_strbuf_addf(sb, "  [*] Column `%s` would be dropped and recreated ",
					       c->next->name);
				column_changes(sb, c);
				st_strbuf_addch(sb, '\n');
				break;
			case ST_TCHG_DROP_PRIMARY_KEY:
				st_strbuf_adds(sb, "  [-] Dropped the primary key on columns (");
				column_list(sb, &s->table_prev->pk->cols, true);
				st_strbuf_adds(sb, ")\n");
				break;
			case ST_TCHG_RENAME_PRIMARY_KEY:
				st_strbuf_adds(sb, "  [*] Renamed the primary key on columns (");
				column_list(sb, &s->table_prev->pk->cols, true);
				st_strbuf_adds(sb, ")\n");
				break;
			case ST_TCHG_ADD_PRIMARY_KEY:
				st_strbuf_adds(sb, "  [+] Added primary key on columns (");
				column_list(sb, &s->table_next->pk->cols, true);
				st_strbuf_adds(sb, ")\n)\n");
				break;
			}
		}
		break;
	case ST_STEP_DROP_TABLE:
		st_strbuf_addf(sb, "  - %s\n", s->table_prev->name);
		break;
	case ST_STEP_DROP_ENUM:
		st_strbuf_addf(sb, "  - %s\n", s->enum_prev->name);
		break;
	case ST_STEP_CREATE_TABLE:
		st_strbuf_addf(sb, "  - %s\n", s->table_next->name);
		break;
	case ST_STEP_RENAME_FOREIGN_KEY:
		st_strbuf_addf(sb, "  [*] Renamed the foreign key \"%s\" to \"%s\"\n",
			       s->fk_prev->name, s->fk_next->name);
		break;
	case ST_STEP_CREATE_INDEX:
		st_strbuf_addf(sb, "  [+] Added %sindex on columns (",
			       s->index_next->kind == ST_INDEX_UNIQUE ? "unique " : "");
		column_list(sb, &s->index_next->cols, true);
		st_strbuf_adds(sb, ")\n");
		break;
	case ST_STEP_ADD_FOREIGN_KEY:
		st_strbuf_adds(sb, "  [+] Added foreign key on columns (");
		column_list(sb, &s->fk_next->cols, false);
		st_strbuf_adds(sb, ")\n");
		break;
	case ST_STEP_RENAME_INDEX:
		st_strbuf_addf(sb, "  [*] Renamed index `%s` to `%s`\n",
			       s->index_prev->name, s->index_next->name);
		break;
	case ST_STEP_CREATE_EXTENSION:
		st_strbuf_addf(sb, "  - %s\n", s->ext_next->name);
		break;
	case ST_STEP_ALTER_EXTENSION:
	case ST_STEP_DROP_EXTENSION:
		break;
	}
}

void
st_render_summary(st_strbuf *sb, const st_diff_result *m)
{
	size_t n = m->steps.len, k = 0;
	item *items;

	if (!n) {
		st_strbuf_adds(sb, "No difference detected.\n");
		return;
	}
	items = st_xmalloc(n * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		const st_step *s = m->steps.items[i];
		item it = { 0, "", i };

		switch (s->kind) {
		case ST_STEP_CREATE_SCHEMA: it.type = DT_ADDED_SCHEMA; break;
		case ST_STEP_CREATE_ENUM: it.type = DT_ADDED_ENUM; break;
		case ST_STEP_ALTER_ENUM:
			it.type = DT_CHANGED_ENUM;
			it.name = s->enum_prev->name;
			break;
		case ST_STEP_DROP_FOREIGN_KEY:
			it.type = DT_CHANGED_TABLE;
			it.name = s->fk_prev->table->name;
			break;
		case ST_STEP_DROP_INDEX:
			it.type = DT_CHANGED_TABLE;
			it.name = s->index_prev->table->name;
			break;
		case ST_STEP_ALTER_TABLE:
			it.type = DT_CHANGED_TABLE;
			it.name = s->table_prev->name;
			break;
		case ST_STEP_DROP_TABLE: it.type = DT_REMOVED_TABLE; break;
		case ST_STEP_DROP_ENUM: it.type = DT_REMOVED_ENUM; break;
		case ST_STEP_CREATE_TABLE: it.type = DT_ADDED_TABLE; break;
		case ST_STEP_RENAME_FOREIGN_KEY:
			it.type = DT_CHANGED_TABLE;
			it.name = s->fk_next->table->name;
			break;
		case ST_STEP_CREATE_INDEX:
			it.type = DT_CHANGED_TABLE;
			it.name = s->index_next->table->name;
			break;
		case ST_STEP_ADD_FOREIGN_KEY:
			it.type = DT_CHANGED_TABLE;
			it.name = s->fk_next->table->name;
			break;
		case ST_STEP_RENAME_INDEX:
			it.type = DT_CHANGED_TABLE;
			it.name = s->index_prev->table->name;
			break;
		case ST_STEP_CREATE_EXTENSION:
			it.type = DT_CREATED_EXTENSION;
			it.name = s->ext_next->name;
			break;
		case ST_STEP_ALTER_EXTENSION:
			it.type = DT_ALTERED_EXTENSION;
			it.name = s->ext_prev->name;
			break;
		case ST_STEP_DROP_EXTENSION:
			it.type = DT_DROPPED_EXTENSION;
			it.name = s->ext_prev->name;
			break;
		}
		items[k++] = it;
	}
	qsort(items, k, sizeof(*items), cmp_item);
	for (size_t i = 0; i < k; i++) {
		const item *it = &items[i];

		if (i == 0 || it->type != items[i - 1].type ||
		    strcmp(it->name, items[i - 1].name)) {
			switch (it->type) {
			case DT_ADDED_SCHEMA: st_strbuf_adds(sb, "\n[+] Added Schemas\n"); break;
			case DT_ADDED_ENUM: st_strbuf_adds(sb, "\n[+] Added enums\n"); break;
			case DT_ADDED_TABLE: st_strbuf_adds(sb, "\n[+] Added tables\n"); break;
			case DT_REMOVED_ENUM: st_strbuf_adds(sb, "\n[-] Removed enums\n"); break;
			case DT_REMOVED_TABLE: st_strbuf_adds(sb, "\n[-] Removed tables\n"); break;
			case DT_CHANGED_ENUM:
				st_strbuf_addf(sb, "\n[*] Changed the `%s` enum\n", it->name);
				break;
			case DT_CHANGED_TABLE:
				st_strbuf_addf(sb, "\n[*] Changed the `%s` table\n", it->name);
				break;
			case DT_CREATED_EXTENSION:
				st_strbuf_adds(sb, "\n[+] Added extensions\n");
				break;
			case DT_ALTERED_EXTENSION:
				st_strbuf_addf(sb, "\n[*] Changed the `%s` extension\n", it->name);
				break;
			case DT_DROPPED_EXTENSION:
				st_strbuf_adds(sb, "\n[-] Removed extensions\n`");
				break;
			}
		}
		step_lines(sb, m->steps.items[it->idx]);
	}
	free(items);
}
