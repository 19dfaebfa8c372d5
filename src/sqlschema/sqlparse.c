/*
 * sqlparse.c - libpg_query behind our types: statements with their byte
 * ranges, classified by whether they may run in a transaction block.
 * libpg_query's JSON parse tree is read with jansson; its errors become
 * ours (the only file including pg_query.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <pg_query.h>

#include "sqlschema/sqlparse.h"

static const char *const special_words[] = {
	"concurrently", "vacuum", "value", "system", "tablespace", "database",
	"subscription", "reindex", "cluster", "begin", "commit", "rollback",
	"start", "savepoint", "end", "abort", "prepare", "release", NULL,
};

bool
st_sqlparse_maybe_special(const char *sql, size_t len)
{
	char word[16];
	size_t n;

	for (size_t i = 0; i < len;) {
		if (!isalpha((unsigned char)sql[i])) {
			i++;
			continue;
		}
		n = 0;
		while (i < len && (isalnum((unsigned char)sql[i]) || sql[i] == '_')) {
			if (n < sizeof(word) - 1)
				word[n++] = (char)tolower((unsigned char)sql[i]);
			else
				n = sizeof(word); /* too long to be one of ours */
			i++;
		}
		if (n >= sizeof(word))
			continue;
		word[n] = 0;
		for (const char *const *w = special_words; *w; w++)
			if (!strcmp(word, *w))
				return true;
	}
	return false;
}

static bool
jtrue(json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

static const char *
jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void
classify(st_ctx *cx, json_t *stmt, st_sqlstmt *s)
{
	const char *type;
	json_t *node;

	s->kind = ST_SQLSTMT_PLAIN;
	if (!json_is_object(stmt) || json_object_size(stmt) != 1)
		return;
	type = json_object_iter_key(json_object_iter(stmt));
	node = json_object_iter_value(json_object_iter(stmt));
	if (!strcmp(type, "TransactionStmt")) {
		s->kind = ST_SQLSTMT_TXNCTL;
		s->what = "transaction control";
	} else if (!strcmp(type, "IndexStmt") && jtrue(node, "concurrent")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "CREATE INDEX CONCURRENTLY";
	} else if (!strcmp(type, "DropStmt") && jtrue(node, "concurrent")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "DROP INDEX CONCURRENTLY";
	} else if (!strcmp(type, "ReindexStmt")) {
		const char *kind = jstr(node, "kind");
		json_t *params = json_object_get(node, "params"), *p;
		size_t i;

		if (kind && (!strcmp(kind, "REINDEX_OBJECT_SCHEMA") ||
			     !strcmp(kind, "REINDEX_OBJECT_SYSTEM") ||
			     !strcmp(kind, "REINDEX_OBJECT_DATABASE"))) {
			s->kind = ST_SQLSTMT_NOTXN;
			s->what = "REINDEX SCHEMA/DATABASE/SYSTEM";
		}
		json_array_foreach(params, i, p) {
			const char *d = jstr(json_object_get(p, "DefElem"), "defname");

			if (d && !strcmp(d, "concurrently")) {
				s->kind = ST_SQLSTMT_NOTXN;
				s->what = "REINDEX CONCURRENTLY";
			}
		}
	} else if (!strcmp(type, "VacuumStmt") && jtrue(node, "is_vacuumcmd")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "VACUUM";
	} else if (!strcmp(type, "CreatedbStmt") || !strcmp(type, "DropdbStmt")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "CREATE/DROP DATABASE";
	} else if (!strcmp(type, "CreateTableSpaceStmt") ||
		   !strcmp(type, "DropTableSpaceStmt")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "CREATE/DROP TABLESPACE";
	} else if (!strcmp(type, "AlterSystemStmt")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "ALTER SYSTEM";
	} else if (!strcmp(type, "ClusterStmt") && !json_object_get(node, "relation")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "CLUSTER";
	} else if (!strcmp(type, "CreateSubscriptionStmt") ||
		   !strcmp(type, "DropSubscriptionStmt")) {
		s->kind = ST_SQLSTMT_NOTXN;
		s->what = "CREATE/DROP SUBSCRIPTION";
	} else if (!strcmp(type, "AlterTableStmt")) {
		json_t *cmds = json_object_get(node, "cmds"), *c;
		size_t i;

		json_array_foreach(cmds, i, c) {
			json_t *atc = json_object_get(c, "AlterTableCmd");
			json_t *pc = json_object_get(json_object_get(atc, "def"),
						     "PartitionCmd");
			const char *st = jstr(atc, "subtype");

			if (st && !strcmp(st, "AT_DetachPartition") &&
			    jtrue(pc, "concurrent")) {
				s->kind = ST_SQLSTMT_NOTXN;
				s->what = "DETACH PARTITION CONCURRENTLY";
			}
		}
	} else if (!strcmp(type, "AlterEnumStmt") && jstr(node, "newVal") &&
		   !jstr(node, "oldVal")) {
		s->kind = ST_SQLSTMT_ADDVALUE;
		s->what = "ALTER TYPE ... ADD VALUE";
		s->enum_value = st_strdup(cx->arena, jstr(node, "newVal"));
	}
}

int
st_sqlparse_split(st_ctx *cx, const char *sql, st_vec *out)
{
	PgQueryParseResult r = pg_query_parse(sql);
	json_t *root = NULL, *stmts, *item;
	json_error_t jerr;
	size_t i, total = strlen(sql);
	int rc = 0;

	st_vec_init(out, cx->arena);
	if (r.error) {
		size_t line = 1;
		int pos = r.error->cursorpos;

		for (int k = 0; k < pos - 1 && sql[k]; k++)
			if (sql[k] == '\n')
				line++;
		st_err_set(cx, ST_EPARSE, "%s", r.error->message);
		if (pos > 0)
			st_err_detail(cx, "At line %zu of the script.", line);
		rc = ST_EPARSE;
		goto done;
	}
	root = json_loads(r.parse_tree, 0, &jerr);
	if (!root) {
		/* e.g. nested deeper than jansson reads: saying "no special
		 * statement" here would wrap a COMMIT in our transaction */
		st_err_set(cx, ST_EPARSE, "could not read the parse tree: %s",
			   jerr.text);
		rc = ST_EPARSE;
		goto done;
	}
	stmts = json_object_get(root, "stmts");
	json_array_foreach(stmts, i, item) {
		st_sqlstmt *s = st_alloc(cx->arena, sizeof(*s));
		json_int_t loc = json_integer_value(json_object_get(item, "stmt_location"));
		json_int_t len = json_integer_value(json_object_get(item, "stmt_len"));

		s->off = (size_t)loc;
		s->len = len ? (size_t)len : total - s->off;
		/* include the terminating semicolon */
		if (s->off + s->len < total && sql[s->off + s->len] == ';')
			s->len++;
		classify(cx, json_object_get(item, "stmt"), s);
		st_vec_push(out, s);
	}
done:
	if (root)
		json_decref(root);
	pg_query_free_parse_result(r);
	return rc;
}

/* A string literal under a cast ('x'::text) stands for the literal. */
static json_t *
uncast(json_t *n)
{
	json_t *tc = json_object_get(n, "TypeCast");
	json_t *arg = tc ? json_object_get(tc, "arg") : NULL;
	json_t *c = arg ? json_object_get(arg, "A_Const") : NULL;

	return c && json_object_get(c, "sval") ? arg : n;
}

/* Tree equality without source positions. */
static bool
same_tree(json_t *a, json_t *b)
{
	a = uncast(a);
	b = uncast(b);
	if (json_is_object(a) && json_is_object(b)) {
		size_t na = 0, nb = 0;
		const char *k;
		json_t *v;

		json_object_foreach(a, k, v) {
			if (!strcmp(k, "location"))
				continue;
			na++;
			if (!same_tree(v, json_object_get(b, k)))
				return false;
		}
		json_object_foreach(b, k, v)
			nb += strcmp(k, "location") != 0;
		return na == nb;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same_tree(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return a && b && json_equal(a, b);
}

/* The WHERE clause of "SELECT 1 WHERE pred", as a tree (NULL when it
 * does not parse as exactly that). */
static json_t *
predicate_tree(const char *pred, json_t **root)
{
	size_t n = strlen(pred);
	char *sql = malloc(n + 16);
	PgQueryParseResult r;
	json_t *stmts, *sel;

	*root = NULL;
	if (!sql)
		return NULL;
	memcpy(sql, "SELECT 1 WHERE ", 15);
	memcpy(sql + 15, pred, n + 1);
	r = pg_query_parse(sql);
	free(sql);
	if (!r.error)
		*root = json_loads(r.parse_tree, 0, NULL);
	pg_query_free_parse_result(r);
	stmts = json_object_get(*root, "stmts");
	if (json_array_size(stmts) != 1)
		return NULL;
	sel = json_object_get(json_object_get(json_array_get(stmts, 0), "stmt"),
			      "SelectStmt");
	return json_object_get(sel, "whereClause");
}

bool
st_sqlparse_same_predicate(const char *a, const char *b)
{
	json_t *ra, *rb, *ta, *tb;
	bool same;

	if (!strcmp(a, b))
		return true;
	ta = predicate_tree(a, &ra);
	tb = predicate_tree(b, &rb);
	same = ta && tb && same_tree(ta, tb);
	json_decref(ra);
	json_decref(rb);
	return same;
}
