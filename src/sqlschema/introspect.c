/*
 * introspect.c - pg_catalog -> SQL schema model (introspect.h).  Eight
 * queries, each covering every table of every namespace at once, read in
 * the order Prisma's describer sorts things (namespace, then name), so the
 * positional ids the differ sorts by are Prisma's.  Defaults are parsed
 * from pg_get_expr() text the way the describer's get_default_value does.
 *
 * The tables query gives each table's oid; the column, index and foreign
 * key queries name tables by oid only and the client maps them back (no
 * joins for the names, narrower rows), and types come once each from
 * their own query rather than joined into every column row.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlschema/introspect.h"

/* The queries of one introspection, sent at once in libpq pipeline mode
 * (one round trip; the server runs the next query while the client reads
 * the previous result); run() hands their results out in order. */
#define PIPE_MAX 12

typedef struct ictx {
	st_ctx *cx;
	st_db *db;
	bool piped;            /* queries pending in pipeline mode */
	int nq, next;          /* queued, handed out */
	int syncs;             /* syncs sent, not yet read */
	const char *queue[PIPE_MAX];
	/* The columns query, the longest by far, on a second connection
	 * while the first runs the others (opts->parallel_url); NULL when
	 * there is none, or it failed: then it is queued on db like the
	 * rest. */
	st_db *db2;
	st_ctx *cx2;           /* db2's context: its errors stay there */
	st_schema *s;
	st_introspect_extra *extra;
	const char *nsparam;   /* '{"a","b"}' */
	bool multi;
	/* columns by table (st_table.id, the read order) and attnum */
	struct tabcols {
		st_column **at;
		int cap;
	} *cols;
	size_t ncols;
	st_map tables;         /* pg_class oid (text) -> st_table * */
	const char **tabns;    /* by st_table.id: its pg_namespace name */
	st_map types;          /* pg_type oid (text) -> const typeinfo * */
} ictx;

static const char *
ns_of(ictx *ic, const char *ns)
{
	return ic->multi ? ns : NULL;
}

/* ==== queries ==== */

#define TABLE_FILTER \
	"((c.relkind = 'r' AND NOT c.relispartition) OR c.relkind = 'p')"

/* The namespaces read, as oids. */
#define NAMESPACE_OIDS \
	"(SELECT oid FROM pg_namespace WHERE nspname = ANY($1::text[]))"

/* The relations read, for the queries that name tables by oid only. */
#define TABLE_OIDS \
	"(SELECT c.oid FROM pg_class c WHERE c.relnamespace IN " NAMESPACE_OIDS \
	" AND " TABLE_FILTER ")"

static const char q_tables[] =
	"SELECT n.nspname, c.relname, c.relkind = 'p' AND c.relhassubclass,"
	" c.relrowsecurity, c.oid"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = ANY($1::text[]) AND " TABLE_FILTER
	" ORDER BY n.nspname, c.relname";

/* The type_map names (see there); the arrays of the builtin ones below. */
#define MAPPED_TYPNAMES \
	"'int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'numeric'," \
	" 'money', 'text', 'varchar', 'bpchar', 'uuid', 'citext', 'inet'," \
	" 'xml', 'bit', 'varbit', 'bool', 'bytea', 'timestamp', 'timestamptz'," \
	" 'date', 'time', 'timetz', 'json', 'jsonb'"

/*
 * The element types columns may have (arrays stand for their element
 * type): not the array types, nor relation row types unless named like
 * a type_map type (a row type column is Unsupported, as read_columns
 * makes a type missing here).  A few hundred rows, however many tables.
 */
static const char q_types[] =
	"SELECT t.oid, t.typname, t.typtype::text, n.nspname, bt.typname"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype"
	" WHERE NOT (t.typcategory = 'A' AND t.typelem <> 0)"
	" AND (t.typtype <> 'c' OR t.typname IN (" MAPPED_TYPNAMES "))";

/* The element type of an array type (the describer's test), else NULL. */
#define ELEMENT_TYPE \
	"CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem END"

static const char q_columns[] =
	"SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.atttypid,"
	" " ELEMENT_TYPE ", a.atttypmod,"
	/* format_type() only where column_type() may keep it: never for
	 * the builtin type_map types and their arrays (fixed oids, these
	 * are int2 ... jsonb and _int2 ... _jsonb) */
	" CASE WHEN a.atttypid <> ALL ('{21,23,20,26,700,701,1700,790,25,1043,"
	"  1042,2950,869,142,1560,1562,16,17,1114,1184,1082,1083,1266,114,3802,"
	"  1005,1007,1016,1028,1021,1022,1231,791,1009,1015,1014,2951,1041,143,"
	"  1561,1563,1000,1001,1115,1185,1182,1183,1270,199,3807}'::oid[])"
	"  THEN format_type(COALESCE(" ELEMENT_TYPE ", t.oid), a.atttypmod) END,"
	" a.attidentity::text, a.attgenerated::text,"
	/* relid 0: no relation to open and lock per table (10x faster);
	 * only generated columns reference other columns */
	" CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0)"
	"  ELSE pg_get_expr(d.adbin, d.adrelid) END"
	" FROM pg_attribute a"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" WHERE a.attrelid IN " TABLE_OIDS
	" AND a.attnum > 0 AND NOT a.attisdropped";
	/* sorted client-side: the rows are wide and a server sort spills */

static const char q_namespaces[] =
	"SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])"
	" ORDER BY nspname";

static const char q_enums[] =
	"SELECT n.nspname, t.typname, e.enumlabel"
	" FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
	" JOIN pg_namespace n ON n.oid = t.typnamespace"
	" WHERE n.nspname = ANY($1::text[])"
	" ORDER BY n.nspname, t.typname, e.enumsortorder";

/*
 * One row per index; key columns are mapped to names client-side (no
 * join with pg_attribute: the columns query already has them).  Every
 * index of the namespaces (an index lives in its table's): read_indexes
 * leaves out those of relations not read, cheaper than a join here.
 */
static const char q_indexes[] =
	"SELECT x.indrelid, i.relname, x.indisprimary, x.indisunique,"
	" am.amname, x.indkey::text, x.indclass::text, x.indoption::text,"
	" x.indnkeyatts,"
	" CASE WHEN x.indpred IS NOT NULL THEN pg_get_expr(x.indpred, x.indrelid) END,"
	" x.indexprs IS NOT NULL,"
	" CASE WHEN x.indexprs IS NOT NULL OR x.indpred IS NOT NULL"
	"  THEN pg_get_indexdef(x.indexrelid) END,"
	/* a DEFERRABLE primary key or unique constraint */
	" NOT x.indimmediate"
	" FROM pg_class i"
	" JOIN pg_index x ON x.indexrelid = i.oid"
	" JOIN pg_am am ON am.oid = i.relam"
	" WHERE i.relnamespace IN " NAMESPACE_OIDS " AND i.relkind IN ('i', 'I')"
	" AND NOT EXISTS (SELECT 1 FROM pg_constraint xc"
	"  WHERE xc.conindid = x.indexrelid AND xc.contype = 'x')";
	/* sorted client-side (namespace, table, primary key first, name):
	 * less server time, and the client sorts while the server runs the
	 * next query */

/* Operator classes of GiST, GIN, SP-GiST and BRIN (the ones Prisma
 * describes); a few hundred rows whatever the schema. */
static const char q_opclasses[] =
	"SELECT oc.oid, oc.opcname, oc.opcdefault FROM pg_opclass oc"
	" JOIN pg_am am ON am.oid = oc.opcmethod"
	" WHERE am.amname IN ('gist', 'gin', 'spgist', 'brin')";

/* The foreign keys of the namespaces (a constraint lives in its
 * table's), sorted client-side (table, then name); read_fks leaves out
 * those from or to relations not read. */
static const char q_fks[] =
	"SELECT f.conrelid, f.conname, f.confrelid,"
	" f.conkey::text, f.confkey::text, f.confdeltype::text,"
	" f.confupdtype::text, f.condeferrable"
	" FROM pg_constraint f"
	" WHERE f.contype = 'f' AND f.connamespace IN " NAMESPACE_OIDS;

static const char q_extensions[] =
	"SELECT e.extname, n.nspname, e.extversion, e.extrelocatable"
	" FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
	" WHERE e.extname <> 'plpgsql'"
	" ORDER BY e.extname";

/* Views, CHECK constraints (by name: Prisma's warning lists them so,
 * in byte order) and comments on tables, columns and enums (db pull
 * notes only). */
static const char q_others[] =
	"SELECT 'view', n.nspname, c.relname, NULL, NULL"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('v', 'm')"
	" UNION ALL "
	"SELECT 'check', n.nspname, c.relname, k.conname::text COLLATE \"C\", NULL"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE k.contype = 'c' AND n.nspname = ANY($1::text[]) AND " TABLE_FILTER
	" UNION ALL "
	"SELECT 'comment', n.nspname, c.relname, ds.description, a.attname"
	" FROM pg_description ds"
	" JOIN pg_class c ON c.oid = ds.objoid AND ds.classoid = 'pg_class'::regclass"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ds.objsubid"
	"  AND ds.objsubid > 0"
	" WHERE n.nspname = ANY($1::text[]) AND " TABLE_FILTER
	" UNION ALL "
	"SELECT 'enum comment', n.nspname, t.typname, ds.description, NULL"
	" FROM pg_description ds"
	" JOIN pg_type t ON t.oid = ds.objoid AND ds.classoid = 'pg_type'::regclass"
	" JOIN pg_namespace n ON n.oid = t.typnamespace"
	" WHERE n.nspname = ANY($1::text[]) AND t.typtype = 'e'"
	" ORDER BY 1, 2, 3, 4";

static int
nparams_of(const char *sql)
{
	return sql == q_opclasses || sql == q_extensions || sql == q_types ? 0 : 1;
}

static void
clear_cb(void *p)
{
	PQclear(p);
}

/* st_db_query's error reporting (db/query.c), for a pipelined result. */
static int
pipe_fail(ictx *ic, PGresult *res)
{
	st_ctx *cx = ic->cx;
	st_db *db = ic->db;

	st_dberr_from_result(cx->arena, res, &db->err);
	if (!res) {
		st_strbuf sb;

		st_strbuf_init_arena(&sb, cx->arena);
		st_strbuf_adds(&sb, PQerrorMessage(db->conn));
		st_strbuf_rtrim(&sb);
		if (sb.len)
			db->err.primary = sb.buf;
	}
	db->has_err = true;
	PQclear(res);
	st_err_set(cx, ST_EDB, "%s", db->err.primary);
	if (db->err.detail)
		st_err_detail(cx, "%s", db->err.detail);
	if (db->err.hint)
		st_err_hint(cx, "%s", db->err.hint);
	return ST_EDB;
}

/* Reads the results up to the next sync; false when the connection has
 * nothing more to give (it broke). */
static bool
pipe_read_sync(ictx *ic)
{
	PGconn *conn = ic->db->conn;
	int nulls = 0;

	for (;;) {
		PGresult *res = PQgetResult(conn);

		if (!res) {
			/* one NULL ends each query's results; two in a row:
			 * nothing is pending */
			if (++nulls > 1 || PQstatus(conn) != CONNECTION_OK) {
				ic->syncs = 0;
				return false;
			}
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			ic->syncs--;
			return true;
		}
		PQclear(res);
	}
}

/* Reads what is left of the pipeline and leaves pipeline mode: the
 * connection is as st_db_query leaves it. */
static void
pipe_end(ictx *ic)
{
	if (!ic->piped)
		return;
	ic->piped = false;
	while (ic->syncs > 0 && pipe_read_sync(ic))
		;
	PQexitPipelineMode(ic->db->conn);
}

/* Sends the queries st_introspect will run, in its order, each followed
 * by a sync (its own implicit transaction, as with PQexecParams); false
 * (nothing pending) when pipeline mode is not available: run() then
 * queries one by one. */
static bool
pipe_start(ictx *ic)
{
	PGconn *conn = ic->db->conn;
	const char *p[] = { ic->nsparam };

	if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF ||
	    PQtransactionStatus(conn) == PQTRANS_ACTIVE ||
	    !PQenterPipelineMode(conn))
		return false;
	ic->piped = true;
	ic->syncs = 0;
	for (int i = 0; i < ic->nq; i++) {
		if (!PQsendQueryParams(conn, ic->queue[i], nparams_of(ic->queue[i]),
				       NULL, p, NULL, NULL, 0) ||
		    !PQpipelineSync(conn)) {
			/* the sequential queries report the connection's
			 * error, if any */
			pipe_end(ic);
			return false;
		}
		ic->syncs++;
	}
	return true;
}

/* A successful result, owned by cx's arena from now on. */
static int
keep(ictx *ic, PGresult *res, st_dbres **out)
{
	st_dbres *r = st_alloc(ic->cx->arena, sizeof(*r));

	r->res = res;
	r->nrows = PQntuples(res);
	r->ncols = PQnfields(res);
	r->cmd_tuples = PQcmdTuples(res);
	st_arena_on_reset(ic->cx->arena, clear_cb, res);
	*out = r;
	return 0;
}

/* Whether URL's query string has NAME=VALUE. */
static bool
url_param_is(const char *url, const char *name, const char *value)
{
	const char *q = strchr(url, '?');
	size_t nl = strlen(name), vl = strlen(value);

	while (q && *q) {
		const char *e = q + 1 + strcspn(q + 1, "&");

		if ((size_t)(e - q - 1) == nl + 1 + vl && !strncmp(q + 1, name, nl) &&
		    q[1 + nl] == '=' && !strncmp(q + 2 + nl, value, vl))
			return true;
		q = *e ? e : NULL;
	}
	return false;
}

/* Closes the second connection, if any (its query may still run: the
 * server cancels it when the connection goes). */
static void
db2_abort(ictx *ic)
{
	if (ic->cx2)
		st_ctx_free(ic->cx2);
	ic->cx2 = NULL;
	ic->db2 = NULL;
}

/* Opens the second connection and sends the columns query there (the
 * first one is busy with its pipeline meanwhile).  Any failure just
 * leaves the query to the first connection.  Not behind a pooler or with
 * a one-connection limit: a second connection would queue behind the
 * first. */
static void
start_db2(ictx *ic, const char *url)
{
	const char *p[] = { ic->nsparam };

	if (url_param_is(url, "pgbouncer", "true") ||
	    url_param_is(url, "connection_limit", "1"))
		return;
	ic->cx2 = st_ctx_new(ic->cx->arena);
	if (st_db_connect(ic->cx2, url, NULL, &ic->db2) < 0 ||
	    !PQsendQueryParams(ic->db2->conn, q_columns, 1, NULL, p, NULL,
			       NULL, 0))
		db2_abort(ic);
}

/*
 * The columns result from the second connection, or NULL (then the
 * caller runs the query on the first).  A blocking PQgetResult: libpq's
 * own wait knows about data already decrypted by TLS, which a poll() on
 * the socket would miss.  The first connection's results wait in its
 * socket meanwhile (its server process waits to send, nothing more).
 */
static PGresult *
take_db2(ictx *ic)
{
	PGconn *c2 = ic->db2->conn;
	PGresult *res, *extra;

	res = PQgetResult(c2);
	while ((extra = PQgetResult(c2)) != NULL)
		PQclear(extra);
	db2_abort(ic);                 /* done with it: close */
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	PQclear(res);
	return NULL;
}

static int
run(ictx *ic, const char *sql, st_dbres **out)
{
	const char *p[] = { ic->nsparam };
	PGresult *res, *extra;
	ExecStatusType st;

	if (sql == q_columns && ic->db2 && (res = take_db2(ic)) != NULL)
		return keep(ic, res, out);
	if (!ic->piped || ic->next >= ic->nq || ic->queue[ic->next] != sql) {
		pipe_end(ic);
		return st_db_query(ic->cx, ic->db, out, sql, nparams_of(sql), p);
	}
	ic->next++;
	ic->db->has_err = false;
	*out = NULL;
	res = PQgetResult(ic->db->conn);
	/* each query's results end with a NULL, then its sync */
	while (res && (extra = PQgetResult(ic->db->conn)) != NULL)
		PQclear(extra);
	if (res)
		pipe_read_sync(ic);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (!res || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		     st != PGRES_EMPTY_QUERY)) {
		int rc = pipe_fail(ic, res);

		pipe_end(ic);
		return rc;
	}
	if (ic->next == ic->nq)
		pipe_end(ic);
	return keep(ic, res, out);
}

static bool
bool_at(const st_dbres *r, int row, int col)
{
	const char *v = st_dbres_get(r, row, col);

	return v && v[0] == 't';
}

/* The results live as long as cx's arena, like the schema: their text
 * is used in place. */
static const char *
str_at(ictx *ic, const st_dbres *r, int row, int col)
{
	return st_dbres_get(r, row, col);
}

static void
note(ictx *ic, const char *ns, const char *table, const char *column,
     const char *kind, const char *text)
{
	st_introspect_note *n;

	if (!ic->extra)
		return;
	n = st_alloc(ic->cx->arena, sizeof(*n));
	n->ns = ns;
	n->table = table;
	n->column = column;
	n->kind = kind;
	n->text = text;
	st_vec_push(&ic->extra->notes, n);
}

/* ==== types ==== */

static const struct {
	const char *typname;
	st_family fam;
	st_pgtype native;
	int mod;       /* 0 none, 1 length, 2 numeric, 3 precision */
} type_map[] = {
	{ "int2", ST_FAM_INT, ST_PG_SMALLINT, 0 },
	{ "int4", ST_FAM_INT, ST_PG_INTEGER, 0 },
	{ "int8", ST_FAM_BIGINT, ST_PG_BIGINT, 0 },
	{ "oid", ST_FAM_INT, ST_PG_OID, 0 },
	{ "float4", ST_FAM_FLOAT, ST_PG_REAL, 0 },
	{ "float8", ST_FAM_FLOAT, ST_PG_DOUBLE, 0 },
	{ "numeric", ST_FAM_DECIMAL, ST_PG_DECIMAL, 2 },
	{ "money", ST_FAM_DECIMAL, ST_PG_MONEY, 0 },
	{ "text", ST_FAM_STRING, ST_PG_TEXT, 0 },
	{ "varchar", ST_FAM_STRING, ST_PG_VARCHAR, 1 },
	{ "bpchar", ST_FAM_STRING, ST_PG_CHAR, 1 },
	{ "uuid", ST_FAM_STRING, ST_PG_UUID, 0 },
	{ "citext", ST_FAM_STRING, ST_PG_CITEXT, 0 },
	{ "inet", ST_FAM_STRING, ST_PG_INET, 0 },
	{ "xml", ST_FAM_STRING, ST_PG_XML, 0 },
	{ "bit", ST_FAM_STRING, ST_PG_BIT, 3 },
	{ "varbit", ST_FAM_STRING, ST_PG_VARBIT, 3 },
	{ "bool", ST_FAM_BOOLEAN, ST_PG_BOOLEAN, 0 },
	{ "bytea", ST_FAM_BINARY, ST_PG_BYTEA, 0 },
	{ "timestamp", ST_FAM_DATETIME, ST_PG_TIMESTAMP, 3 },
	{ "timestamptz", ST_FAM_DATETIME, ST_PG_TIMESTAMPTZ, 3 },
	{ "date", ST_FAM_DATETIME, ST_PG_DATE, 0 },
	{ "time", ST_FAM_DATETIME, ST_PG_TIME, 3 },
	{ "timetz", ST_FAM_DATETIME, ST_PG_TIMETZ, 3 },
	{ "json", ST_FAM_JSON, ST_PG_JSON, 0 },
	{ "jsonb", ST_FAM_JSON, ST_PG_JSONB, 0 },
};

/*
 * Fills the column type.  typname is the element type for arrays (and
 * the base type for domains); fmt is format_type() for unsupported types.
 */
static void
column_type(ictx *ic, st_coltype *ct, const char *typname, const char *typtype,
	    const char *typns, long typmod, const char *fmt, bool is_array)
{
	ct->arity = is_array ? ST_ARITY_LIST : ct->arity;
	if (typtype && typtype[0] == 'e') {
		ct->family = ST_FAM_ENUM;
		ct->native = ST_PG_NONE;
		ct->enum_name = typname;
		ct->enum_schema = ic->multi ? typns : NULL;
		return;
	}
	for (size_t i = 0; i < sizeof(type_map) / sizeof(type_map[0]); i++) {
		if (strcmp(type_map[i].typname, typname))
			continue;
		ct->family = type_map[i].fam;
		ct->native = type_map[i].native;
		switch (type_map[i].mod) {
		case 1:
			if (typmod >= 4) {
				ct->nargs = 1;
				ct->args[0] = typmod - 4;
			}
			break;
		case 2:
			if (typmod >= 4) {
				ct->nargs = 2;
				ct->args[0] = ((typmod - 4) >> 16) & 0xffff;
				ct->args[1] = (typmod - 4) & 0xffff;
			}
			break;
		case 3:
			if (typmod >= 0) {
				ct->nargs = 1;
				ct->args[0] = typmod;
			}
			break;
		}
		return;
	}
	ct->family = ST_FAM_UNSUPPORTED;
	ct->native = ST_PG_NONE;
	ct->raw = fmt;
}

/* ==== defaults ==== */

typedef enum lit_kind {
	LIT_NONE,      /* not a literal */
	LIT_STRING,    /* '...' */
	LIT_BARE,      /* 12, 1.5, true */
	LIT_NULL,
	LIT_ARRAY,     /* ARRAY[...] or '{...}'::t[] */
} lit_kind;

typedef struct lit {
	lit_kind kind;
	const char *text;
	st_vec items;  /* lit * */
} lit;

static const char *
skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Skips "::type" casts (quoted names, schema dots, (n), []); returns the
 * end, or NULL when something else follows. */
static const char *
skip_casts(const char *p)
{
	p = skip_ws(p);
	while (p[0] == ':' && p[1] == ':') {
		p = skip_ws(p + 2);
		for (;;) {
			if (*p == '"') {
				for (p++; *p && !(*p == '"' && p[1] != '"'); p++)
					if (*p == '"')
						p++;
				if (!*p)
					return NULL;
				p++;
			} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
				   *p == ' ') {
				/* "character varying", "timestamp without time zone" */
				p++;
			} else if (*p == '(') {
				while (*p && *p != ')')
					p++;
				if (!*p)
					return NULL;
				p++;
			} else if (*p == '[' && p[1] == ']') {
				p += 2;
			} else {
				break;
			}
		}
		p = skip_ws(p);
	}
	return p;
}

/* Reads a '...' (or E'...') literal at p; *end after the closing quote. */
static const char *
read_quoted(st_arena *a, const char *p, const char **end)
{
	st_strbuf sb;
	bool esc = false;

	if (*p == 'E' || *p == 'e') {
		esc = true;
		p++;
	}
	if (*p != '\'')
		return NULL;
	st_strbuf_init_arena(&sb, a);
	for (p++; *p; p++) {
		if (*p == '\'') {
			if (p[1] == '\'') {
				st_strbuf_addch(&sb, '\'');
				p++;
				continue;
			}
			*end = p + 1;
			return sb.buf;
		}
		if (esc && *p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': st_strbuf_addch(&sb, '\n'); break;
			case 't': st_strbuf_addch(&sb, '\t'); break;
			case 'r': st_strbuf_addch(&sb, '\r'); break;
			default: st_strbuf_addch(&sb, *p); break;
			}
			continue;
		}
		st_strbuf_addch(&sb, *p);
	}
	return NULL;
}

static lit *parse_lit(st_arena *a, const char *p, const char **end);

/* '{a,"b c",NULL}' array text -> items. */
static bool
parse_brace_array(st_arena *a, const char *s, lit *out)
{
	const char *p = skip_ws(s);

	if (*p != '{')
		return false;
	p = skip_ws(p + 1);
	if (*p == '}')
		return !*skip_ws(p + 1);
	for (;;) {
		lit *it = st_alloc(a, sizeof(*it));
		st_strbuf sb;

		st_strbuf_init_arena(&sb, a);
		p = skip_ws(p);
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				st_strbuf_addch(&sb, *p);
			}
			if (*p != '"')
				return false;
			p++;
			it->kind = LIT_STRING;
		} else {
			while (*p && *p != ',' && *p != '}')
				st_strbuf_addch(&sb, *p++);
			st_strbuf_rtrim(&sb);
			it->kind = !strcasecmp(sb.buf, "NULL") ? LIT_NULL : LIT_STRING;
		}
		it->text = sb.buf;
		st_vec_push(&out->items, it);
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}')
			return !*skip_ws(p + 1);
		return false;
	}
}

/* A literal, possibly parenthesised and cast; NULL when not one. */
static lit *
parse_lit(st_arena *a, const char *p, const char **end)
{
	lit *l = st_alloc(a, sizeof(*l));
	const char *q;

	st_vec_init(&l->items, a);
	p = skip_ws(p);
	if (*p == '(') {
		lit *in = parse_lit(a, p + 1, &q);

		if (!in || *(q = skip_ws(q)) != ')')
			return NULL;
		q = skip_casts(q + 1);
		if (!q)
			return NULL;
		*end = q;
		return in;
	}
	if (*p == '\'' || ((*p == 'E' || *p == 'e') && p[1] == '\'')) {
		l->text = read_quoted(a, p, &q);
		if (!l->text)
			return NULL;
		l->kind = LIT_STRING;
		q = skip_casts(q);
		if (!q)
			return NULL;
		/* '{...}'::type[] */
		if (q > p && memmem(p, (size_t)(q - p), "[]", 2) && *l->text == '{') {
			lit *arr = st_alloc(a, sizeof(*arr));

			st_vec_init(&arr->items, a);
			arr->kind = LIT_ARRAY;
			if (!parse_brace_array(a, l->text, arr))
				return NULL;
			*end = q;
			return arr;
		}
		*end = q;
		return l;
	}
	if (!strncasecmp(p, "ARRAY[", 6)) {
		l->kind = LIT_ARRAY;
		p = skip_ws(p + 6);
		if (*p != ']') {
			for (;;) {
				lit *it = parse_lit(a, p, &q);

				if (!it || it->kind == LIT_ARRAY)
					return NULL;
				st_vec_push(&l->items, it);
				p = skip_ws(q);
				if (*p == ',') {
					p++;
					continue;
				}
				break;
			}
		}
		if (*p != ']')
			return NULL;
		q = skip_casts(p + 1);
		if (!q)
			return NULL;
		*end = q;
		return l;
	}
	q = p;
	if (*q == '-' || *q == '+')
		q++;
	if (isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1]))) {
		char *e;

		strtod(p, &e);
		l->kind = LIT_BARE;
		l->text = st_strndup(a, p, (size_t)(e - p));
		q = skip_casts(e);
		if (!q)
			return NULL;
		*end = q;
		return l;
	}
	if (!strncasecmp(p, "true", 4) || !strncasecmp(p, "false", 5) ||
	    !strncasecmp(p, "NULL", 4)) {
		size_t n = (*p == 'f' || *p == 'F') ? 5 : 4;

		if (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '(')
			return NULL;
		l->kind = !strncasecmp(p, "NULL", 4) ? LIT_NULL : LIT_BARE;
		l->text = st_strndup(a, p, n);
		for (char *c = (char *)l->text; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		q = skip_casts(p + n);
		if (!q)
			return NULL;
		*end = q;
		return l;
	}
	return NULL;
}

static bool
is_integer_text(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool
is_number_text(const char *s)
{
	char *e;

	if (!*s)
		return false;
	strtod(s, &e);
	return !*e;
}

/* One literal as a value of the column's family; NULL when it is not. */
static st_value *
lit_value(st_schema *s, const st_column *col, const lit *l)
{
	st_arena *a = s->cx->arena;
	const char *t = l->text;

	if (l->kind != LIT_STRING && l->kind != LIT_BARE)
		return NULL;
	switch (col->type.family) {
	case ST_FAM_INT:
	case ST_FAM_BIGINT:
		if (!is_integer_text(t))
			return NULL;
		return st_value_new(s, col->type.family == ST_FAM_INT ?
				    ST_VAL_INT : ST_VAL_BIGINT,
				    st_strfmt(a, "%lld", strtoll(t, NULL, 10)));
	case ST_FAM_FLOAT:
	case ST_FAM_DECIMAL:
		if (!is_number_text(t))
			return NULL;
		return st_value_new(s, ST_VAL_FLOAT, t);
	case ST_FAM_BOOLEAN:
		if (!strcasecmp(t, "true") || !strcasecmp(t, "t"))
			return st_value_new(s, ST_VAL_BOOLEAN, "true");
		if (!strcasecmp(t, "false") || !strcasecmp(t, "f"))
			return st_value_new(s, ST_VAL_BOOLEAN, "false");
		return NULL;
	case ST_FAM_STRING:
		return l->kind == LIT_STRING ? st_value_new(s, ST_VAL_STRING, t) : NULL;
	case ST_FAM_JSON:
		return l->kind == LIT_STRING ? st_value_new(s, ST_VAL_JSON, t) : NULL;
	case ST_FAM_ENUM:
		return l->kind == LIT_STRING ? st_value_new(s, ST_VAL_ENUM, t) : NULL;
	case ST_FAM_DATETIME:
		return l->kind == LIT_STRING ? st_value_new(s, ST_VAL_DATETIME, t) : NULL;
	case ST_FAM_BINARY: {
		st_strbuf sb;

		if (l->kind != LIT_STRING || strncmp(t, "\\x", 2))
			return NULL;
		st_strbuf_init_arena(&sb, a);
		for (const char *p = t + 2; *p; p++)
			st_strbuf_addch(&sb, tolower((unsigned char)*p));
		return st_value_new(s, ST_VAL_BYTES, sb.buf);
	}
	default:
		return NULL;
	}
}

/* nextval('"x_seq"'::regclass) -> "x_seq" (last name component). */
static const char *
sequence_name(st_arena *a, const char *expr)
{
	const char *p = expr + 7, *q, *arg, *last;
	st_strbuf sb;

	p = skip_ws(p);
	if (*p != '(')
		return NULL;
	arg = read_quoted(a, skip_ws(p + 1), &q);
	if (!arg)
		return NULL;
	/* last dotted component outside double quotes */
	last = arg;
	for (const char *c = arg; *c; c++) {
		if (*c == '"') {
			for (c++; *c && !(*c == '"' && c[1] != '"'); c++)
				if (*c == '"')
					c++;
			if (!*c)
				break;
		} else if (*c == '.') {
			last = c + 1;
		}
	}
	st_strbuf_init_arena(&sb, a);
	for (const char *c = last; *c; c++) {
		if (*c == '"') {
			if (c[1] == '"')
				st_strbuf_addch(&sb, *++c);
			continue;
		}
		st_strbuf_addch(&sb, *c);
	}
	return sb.buf;
}

void
st_introspect_parse_default(st_schema *s, st_column *col, const char *expr)
{
	st_arena *a = s->cx->arena;
	const char *end;
	lit *l;

	col->def.kind = ST_DEF_NONE;
	if (!expr)
		return;
	expr = skip_ws(expr);
	if (!strncasecmp(expr, "nextval(", 8) || !strncasecmp(expr, "nextval (", 9)) {
		const char *seq = sequence_name(a, expr);

		if (seq) {
			col->def.kind = ST_DEF_SEQUENCE;
			col->def.text = seq;
			col->autoincrement = true;
			return;
		}
	}
	if (col->type.family == ST_FAM_DATETIME &&
	    (!strcasecmp(expr, "now()") || !strcasecmp(expr, "CURRENT_TIMESTAMP") ||
	     !strcasecmp(expr, "CURRENT_TIMESTAMP(3)"))) {
		col->def.kind = ST_DEF_NOW;
		return;
	}
	l = parse_lit(a, expr, &end);
	if (l && !*skip_ws(end)) {
		if (l->kind == LIT_NULL)
			return;
		if (l->kind == LIT_ARRAY && col->type.arity == ST_ARITY_LIST) {
			st_value *v = st_value_new(s, ST_VAL_LIST, "");
			size_t i;

			for (i = 0; i < l->items.len; i++) {
				st_value *it = lit_value(s, col, l->items.items[i]);

				if (!it)
					break;
				st_vec_push(&v->items, it);
			}
			if (i == l->items.len) {
				col->def.kind = ST_DEF_VALUE;
				col->def.value = v;
				return;
			}
		} else if (l->kind != LIT_ARRAY && col->type.arity != ST_ARITY_LIST) {
			st_value *v = lit_value(s, col, l);

			if (v) {
				col->def.kind = ST_DEF_VALUE;
				col->def.value = v;
				return;
			}
		}
	}
	col->def.kind = ST_DEF_DBGEN;
	col->def.text = st_strdup(a, expr);
}

/* ==== the passes ==== */

/* The key of a comment in st_introspect_extra.comments.  It names the
 * namespace the table or enum is recorded under (st_table.ns), not the
 * one it was read from: in single-schema mode that is the default
 * namespace whatever ?schema= says, and db pull looks comments up from
 * the st_table. */
static const char *
comment_key(ictx *ic, const char *ns, const char *t, const char *c)
{
	if (!ic->multi)
		ns = "public";
	return c ? st_strfmt(ic->cx->arena, "%s\x1f%s\x1f%s", ns, t, c) :
		   st_strfmt(ic->cx->arena, "%s\x1f%s", ns, t);
}

/* The table read with that pg_class oid, or NULL (not read). */
static st_table *
table_of(ictx *ic, const st_dbres *r, int row, int col)
{
	return st_map_get(&ic->tables, PQgetvalue(r->res, row, col));
}

static int
read_tables(ictx *ic)
{
	st_dbres *r;
	int rc;

	if ((rc = run(ic, q_tables, &r)) < 0)
		return rc;
	ic->tabns = st_alloc_array(ic->cx->arena, (size_t)r->nrows + 1,
				   sizeof(*ic->tabns));
	for (int i = 0; i < r->nrows; i++) {
		const char *ns = str_at(ic, r, i, 0), *name = str_at(ic, r, i, 1);
		st_table *t;

		if (!strcmp(name, "_prisma_migrations"))
			continue;
		t = st_schema_add_table(ic->s, ns_of(ic, ns), name);
		if (t->id >= 0 && t->id < r->nrows)
			ic->tabns[t->id] = ns;
		st_map_put(&ic->tables, PQgetvalue(r->res, i, 4), t);
		if (bool_at(r, i, 3))
			note(ic, ns, name, NULL, "row level security", NULL);
		/* like Prisma, only a partitioned table that has partitions */
		if (bool_at(r, i, 2))
			note(ic, ns, name, NULL, "partition", NULL);
	}
	return 0;
}

typedef struct typeinfo {
	const char *name;      /* typname, a domain's base typname */
	const char *typtype;
	const char *ns;
} typeinfo;

static int
read_types(ictx *ic)
{
	st_dbres *r;
	typeinfo *ti;
	int rc;

	if ((rc = run(ic, q_types, &r)) < 0)
		return rc;
	ti = st_alloc_array(ic->cx->arena, (size_t)r->nrows + 1, sizeof(*ti));
	for (int i = 0; i < r->nrows; i++) {
		ti[i].typtype = st_dbres_get(r, i, 2);
		ti[i].ns = st_dbres_get(r, i, 3);
		ti[i].name = st_dbres_get(r, i, 1);
		if (ti[i].typtype[0] == 'd' && !st_dbres_isnull(r, i, 4))
			ti[i].name = st_dbres_get(r, i, 4);
		st_map_put(&ic->types, PQgetvalue(r->res, i, 0), &ti[i]);
	}
	return 0;
}

typedef struct colrow {
	int table, attnum, row;
} colrow;

/* (table, attnum): the describer's order (tables are numbered in
 * (namespace, name) order) */
static int
cmp_column_rows(const void *a, const void *b)
{
	const colrow *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	return x->attnum < y->attnum ? -1 : x->attnum > y->attnum;
}

static void
put_column(ictx *ic, const st_table *t, long attnum, st_column *c)
{
	struct tabcols *tc;

	if (t->id < 0 || (size_t)t->id >= ic->ncols || attnum < 0 || attnum > 100000)
		return;
	tc = &ic->cols[t->id];
	if (attnum >= tc->cap) {
		int cap = tc->cap ? tc->cap : 8;
		st_column **at;

		while (cap <= attnum)
			cap *= 2;
		at = st_alloc_array(ic->cx->arena, (size_t)cap, sizeof(*at));
		if (tc->cap)
			memcpy(at, tc->at, (size_t)tc->cap * sizeof(*at));
		tc->at = at;
		tc->cap = cap;
	}
	tc->at[attnum] = c;
}

static int
read_columns(ictx *ic)
{
	static const typeinfo row_type = { "", "c", "" };
	st_dbres *r;
	colrow *order;
	st_table **tables;
	int rc, n = 0;

	if ((rc = run(ic, q_columns, &r)) < 0)
		return rc;
	ic->ncols = ic->s->tables.len;
	ic->cols = st_alloc_array(ic->cx->arena, ic->ncols + 1, sizeof(*ic->cols));
	tables = st_alloc_array(ic->cx->arena, ic->ncols + 1, sizeof(*tables));
	order = st_alloc_array(ic->cx->arena, (size_t)r->nrows + 1, sizeof(*order));
	for (int i = 0; i < r->nrows; i++) {
		st_table *t = table_of(ic, r, i, 0);

		if (!t || t->id < 0 || (size_t)t->id >= ic->ncols)
			continue;
		tables[t->id] = t;
		order[n].table = t->id;
		order[n].attnum = atoi(PQgetvalue(r->res, i, 1));
		order[n].row = i;
		n++;
	}
	qsort(order, (size_t)n, sizeof(*order), cmp_column_rows);
	for (int oi = 0; oi < n; oi++) {
		int i = order[oi].row;
		st_table *t = tables[order[oi].table];
		bool is_array = !st_dbres_isnull(r, i, 5);
		const typeinfo *ti = st_map_get(&ic->types,
						PQgetvalue(r->res, i, is_array ? 5 : 4));
		const char *ident = st_dbres_get(r, i, 8);
		const char *gen = st_dbres_get(r, i, 9);
		const char *dflt = st_dbres_get(r, i, 10);
		st_column *c;

		if (!ti)
			ti = &row_type;
		c = st_table_add_column(ic->s, t, str_at(ic, r, i, 2));
		put_column(ic, t, order[oi].attnum, c);
		c->type.arity = bool_at(r, i, 3) ? ST_ARITY_REQUIRED : ST_ARITY_NULLABLE;
		column_type(ic, &c->type, ti->name, ti->typtype, ti->ns,
			    strtol(st_dbres_get(r, i, 6), NULL, 10),
			    str_at(ic, r, i, 7), is_array);
		if (gen && *gen) {
			/* GENERATED ALWAYS AS (expr) STORED */
			if (dflt) {
				c->def.kind = ST_DEF_DBGEN;
				c->def.text = dflt;
			}
			note(ic, ic->tabns[t->id], t->name, c->name, "generated", dflt);
		} else if (ident && *ident) {
			c->autoincrement = true;
		} else {
			st_introspect_parse_default(ic->s, c, dflt);
		}
	}
	return 0;
}

static int
read_enums(ictx *ic)
{
	st_dbres *r;
	st_enum *e = NULL;
	int rc;

	if ((rc = run(ic, q_enums, &r)) < 0)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		const char *ns = st_dbres_get(r, i, 0), *name = st_dbres_get(r, i, 1);

		if (!e || strcmp(e->name, name) || strcmp(e->ns, ic->multi ? ns : "public"))
			e = st_schema_add_enum(ic->s, ns_of(ic, str_at(ic, r, i, 0)),
					       str_at(ic, r, i, 1));
		st_vec_push(&e->values, (void *)str_at(ic, r, i, 2));
	}
	return 0;
}

static bool
algo_of(const char *am, st_index_algo *out)
{
	static const struct { const char *n; st_index_algo a; } m[] = {
		{ "btree", ST_ALGO_BTREE }, { "hash", ST_ALGO_HASH },
		{ "gist", ST_ALGO_GIST }, { "gin", ST_ALGO_GIN },
		{ "spgist", ST_ALGO_SPGIST }, { "brin", ST_ALGO_BRIN },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (!strcmp(m[i].n, am)) {
			*out = m[i].a;
			return true;
		}
	}
	return false;
}

/* "1 2 -3" or "{1,2}" -> numbers; returns how many (at most max). */
static int
numbers(const char *text, long *out, int max)
{
	int n = 0;

	while (text && *text && n < max) {
		char *end;
		long v;

		while (*text && *text != '-' && (*text < '0' || *text > '9'))
			text++;
		if (!*text)
			break;
		v = strtol(text, &end, 10);
		if (end == text)
			break;
		out[n++] = v;
		text = end;
	}
	return n;
}

static st_column *
column_at(ictx *ic, const st_table *t, long attnum)
{
	const struct tabcols *tc;

	if (t->id < 0 || (size_t)t->id >= ic->ncols)
		return NULL;
	tc = &ic->cols[t->id];
	return attnum >= 0 && attnum < tc->cap ? tc->at[attnum] : NULL;
}

typedef struct opclass {
	const char *name;
	bool is_default;
} opclass;

typedef struct indexrow {
	st_table *table;
	const char *name;
	bool primary;
	int row;
} indexrow;

/* ORDER BY nspname, relname (the table numbering), indisprimary DESC,
 * index name (name columns compare bytewise, like strcmp) */
static int
cmp_index_rows(const void *a, const void *b)
{
	const indexrow *x = a, *y = b;

	if (x->table->id != y->table->id)
		return x->table->id < y->table->id ? -1 : 1;
	if (x->primary != y->primary)
		return x->primary ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
read_indexes(ictx *ic)
{
	st_dbres *r, *oc;
	st_map opclasses;
	indexrow *order;
	int rc, n = 0;

	if ((rc = run(ic, q_opclasses, &oc)) < 0 ||
	    (rc = run(ic, q_indexes, &r)) < 0)
		return rc;
	st_map_init(&opclasses, ic->cx->arena);
	for (int i = 0; i < oc->nrows; i++) {
		opclass *o = st_alloc(ic->cx->arena, sizeof(*o));

		o->name = str_at(ic, oc, i, 1);
		o->is_default = bool_at(oc, i, 2);
		st_map_put(&opclasses, str_at(ic, oc, i, 0), o);
	}
	order = st_alloc_array(ic->cx->arena, (size_t)r->nrows + 1, sizeof(*order));
	for (int i = 0; i < r->nrows; i++) {
		if (!(order[n].table = table_of(ic, r, i, 0)))
			continue;
		order[n].name = PQgetvalue(r->res, i, 1);
		order[n].primary = bool_at(r, i, 2);
		order[n].row = i;
		n++;
	}
	qsort(order, (size_t)n, sizeof(*order), cmp_index_rows);
	for (int oi = 0; oi < n; oi++) {
		int i = order[oi].row;
		st_table *t = order[oi].table;
		const char *ns = ic->tabns[t->id];
		const char *iname = st_dbres_get(r, i, 1);
		st_index_algo algo = ST_ALGO_BTREE;
		long keys[64], classes[64], options[64];
		int nkeys, nclasses, noptions;
		st_index *ix;

		if (bool_at(r, i, 10)) {
			note(ic, ns, t->name, NULL, "expression index", str_at(ic, r, i, 11));
			continue;
		}
		if (!st_dbres_isnull(r, i, 9))
			note(ic, ns, t->name, NULL, "partial index", str_at(ic, r, i, 11));
		/* (before the foreign keys' notes, as Prisma lists them) */
		if (bool_at(r, i, 12))
			note(ic, ns, t->name, NULL, "deferrable", iname);
		if (!algo_of(st_dbres_get(r, i, 4), &algo))
			continue;
		nkeys = numbers(st_dbres_get(r, i, 5), keys, 64);
		nclasses = numbers(st_dbres_get(r, i, 6), classes, 64);
		noptions = numbers(st_dbres_get(r, i, 7), options, 64);
		ix = st_table_add_index(ic->s, t, iname,
					bool_at(r, i, 2) ? ST_INDEX_PRIMARY :
					bool_at(r, i, 3) ? ST_INDEX_UNIQUE :
					ST_INDEX_NORMAL);
		ix->algo = algo;
		ix->predicate = str_at(ic, r, i, 9);
		for (int k = 0; k < nkeys; k++) {
			/* INCLUDE columns (k >= indnkeyatts) count as index
			 * columns, as in Prisma's describer (such an index never
			 * matches the schema's, so Prisma recreates it) */
			st_column *c = column_at(ic, t, keys[k]);
			long opt = k < noptions ? options[k] : 0;
			st_index_col *icol;

			if (!c)
				continue;
			icol = st_index_add_column(ic->s, ix, c);
			icol->sort = opt & 1 ? ST_SORT_DESC : ST_SORT_ASC;
			/* Prisma describes operator classes of GiST, GIN,
			 * SP-GiST and BRIN indexes only */
			if (algo != ST_ALGO_BTREE && algo != ST_ALGO_HASH &&
			    k < nclasses) {
				char key[32];
				const opclass *o;

				snprintf(key, sizeof(key), "%ld", classes[k]);
				if ((o = st_map_get(&opclasses, key))) {
					icol->opclass = o->name;
					icol->opclass_is_default = o->is_default;
				}
			}
			if (!!(opt & 2) != !!(opt & 1))
				note(ic, ns, t->name, c->name, "nulls order", iname);
		}
	}
	return 0;
}

static st_fk_action
action_of(const char *c)
{
	switch (c ? c[0] : 'a') {
	case 'r': return ST_FK_RESTRICT;
	case 'c': return ST_FK_CASCADE;
	case 'n': return ST_FK_SET_NULL;
	case 'd': return ST_FK_SET_DEFAULT;
	default: return ST_FK_NO_ACTION;
	}
}

typedef struct fkrow {
	st_table *table, *ref;
	const char *name;
	int row;
} fkrow;

/* ORDER BY nspname, relname (the table numbering), conname */
static int
cmp_fk_rows(const void *a, const void *b)
{
	const fkrow *x = a, *y = b;

	if (x->table->id != y->table->id)
		return x->table->id < y->table->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
read_fks(ictx *ic)
{
	st_dbres *r;
	fkrow *order;
	int rc, n = 0;

	if ((rc = run(ic, q_fks, &r)) < 0)
		return rc;
	order = st_alloc_array(ic->cx->arena, (size_t)r->nrows + 1, sizeof(*order));
	for (int i = 0; i < r->nrows; i++) {
		/* keys to relations not read (other namespaces) are left out */
		if (!(order[n].table = table_of(ic, r, i, 0)) ||
		    !(order[n].ref = table_of(ic, r, i, 2)))
			continue;
		order[n].name = PQgetvalue(r->res, i, 1);
		order[n].row = i;
		n++;
	}
	qsort(order, (size_t)n, sizeof(*order), cmp_fk_rows);
	for (int oi = 0; oi < n; oi++) {
		int i = order[oi].row;
		st_table *t = order[oi].table, *rt = order[oi].ref;
		long cols[64], refs[64];
		int ncols, nrefs;
		st_fk *fk;

		ncols = numbers(st_dbres_get(r, i, 3), cols, 64);
		nrefs = numbers(st_dbres_get(r, i, 4), refs, 64);
		fk = st_table_add_fk(ic->s, t, order[oi].name, rt);
		fk->on_delete = action_of(st_dbres_get(r, i, 5));
		fk->on_update = action_of(st_dbres_get(r, i, 6));
		for (int k = 0; k < ncols && k < nrefs; k++) {
			st_column *a = column_at(ic, t, cols[k]);
			st_column *b = column_at(ic, rt, refs[k]);

			if (a && b) {
				st_vec_push(&fk->cols, a);
				st_vec_push(&fk->ref_cols, b);
			}
		}
		if (bool_at(r, i, 7))
			note(ic, ic->tabns[t->id], t->name, NULL, "deferrable", fk->name);
	}
	return 0;
}

static int
read_extensions(ictx *ic)
{
	st_dbres *r;
	int rc;

	if ((rc = run(ic, q_extensions, &r)) < 0)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		st_extension *x = st_schema_add_extension(ic->s, str_at(ic, r, i, 0));

		x->schema = str_at(ic, r, i, 1);
		x->version = str_at(ic, r, i, 2);
		x->relocatable = bool_at(r, i, 3);
	}
	return 0;
}

static int
read_others(ictx *ic)
{
	st_dbres *r;
	int rc;

	if ((rc = run(ic, q_others, &r)) < 0)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		const char *kind = st_dbres_get(r, i, 0);
		const char *ns = str_at(ic, r, i, 1), *name = str_at(ic, r, i, 2);

		if (!strcmp(kind, "comment")) {
			st_map_put(&ic->extra->comments,
				   comment_key(ic, ns, name, st_dbres_isnull(r, i, 4) ? NULL :
					       str_at(ic, r, i, 4)),
				   (void *)str_at(ic, r, i, 3));
		} else if (!strcmp(kind, "enum comment")) {
			st_map_put(&ic->extra->enum_comments,
				   comment_key(ic, ns, name, NULL),
				   (void *)str_at(ic, r, i, 3));
		} else if (!strcmp(kind, "view")) {
			st_vec_push(&ic->extra->views, st_strfmt(ic->cx->arena, "%s.%s",
								  ns, name));
			note(ic, ns, name, NULL, "view", NULL);
		} else {
			/* the constraint's name, for Prisma's warning */
			note(ic, ns, name, NULL, "check", str_at(ic, r, i, 3));
		}
	}
	return 0;
}

static bool
has_partial_indexes(const st_schema *s)
{
	for (size_t i = 0; i < s->tables.len; i++) {
		const st_table *t = s->tables.items[i];

		for (size_t j = 0; j < t->indexes.len; j++)
			if (((st_index *)t->indexes.items[j])->predicate)
				return true;
	}
	return false;
}

void
st_introspect_reconcile_partial(st_schema *db, const st_schema *target)
{
	if (has_partial_indexes(target))
		return;
	for (size_t i = 0; i < db->tables.len; i++) {
		st_table *t = db->tables.items[i];
		const st_table *tt = st_schema_table(target, t->ns, t->name);

		for (size_t j = 0; j < t->indexes.len;) {
			st_index *ix = t->indexes.items[j];
			const st_index *match = NULL;

			for (size_t k = 0; tt && k < tt->indexes.len && !match; k++)
				if (!strcmp(((st_index *)tt->indexes.items[k])->name, ix->name))
					match = tt->indexes.items[k];
			if (!ix->predicate || match) {
				ix->predicate = NULL;
				j++;
				continue;
			}
			st_vec_remove(&t->indexes, j);
		}
	}
}

/* '{"a","b"}' for a text[] parameter. */
static const char *
ns_array(st_arena *a, const char *const *ns, size_t n)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	st_strbuf_addch(&sb, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			st_strbuf_addch(&sb, ',');
		st_strbuf_addch(&sb, '"');
		for (const char *p = ns[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				st_strbuf_addch(&sb, '\\');
			st_strbuf_addch(&sb, *p);
		}
		st_strbuf_addch(&sb, '"');
	}
	st_strbuf_addch(&sb, '}');
	return sb.buf;
}

int
st_introspect(st_ctx *cx, st_db *db, const st_introspect_opts *opts,
	      st_schema **out, st_introspect_extra **extra)
{
	ictx ic = { .cx = cx, .db = db };
	const char *dflt[1];
	const char *const *ns = opts ? opts->namespaces : NULL;
	size_t nns = opts ? opts->nnamespaces : 0;
	int rc;

	if (!ns || !nns) {
		dflt[0] = db->url.schema ? db->url.schema : "public";
		ns = dflt;
		nns = 1;
	}
	ic.multi = opts && opts->multi_schema;
	ic.s = st_schema_new(cx);
	ic.s->multi_schema = ic.multi;
	ic.s->qualify_ns = ic.multi ? NULL : st_strdup(cx->arena, ns[0]);
	ic.nsparam = ns_array(cx->arena, ns, nns);
	st_map_init(&ic.tables, cx->arena);
	st_map_init(&ic.types, cx->arena);
	if (extra) {
		ic.extra = st_alloc(cx->arena, sizeof(*ic.extra));
		st_vec_init(&ic.extra->notes, cx->arena);
		st_vec_init(&ic.extra->views, cx->arena);
		st_map_init(&ic.extra->comments, cx->arena);
		st_map_init(&ic.extra->enum_comments, cx->arena);
	}
	if (ic.multi)
		ic.queue[ic.nq++] = q_namespaces;
	ic.queue[ic.nq++] = q_enums;
	ic.queue[ic.nq++] = q_tables;
	ic.queue[ic.nq++] = q_types;
	if (!opts || !opts->parallel_url)
		ic.queue[ic.nq++] = q_columns;
	ic.queue[ic.nq++] = q_opclasses;
	ic.queue[ic.nq++] = q_indexes;
	ic.queue[ic.nq++] = q_fks;
	if (opts && opts->extensions)
		ic.queue[ic.nq++] = q_extensions;
	if (extra)
		ic.queue[ic.nq++] = q_others;
	/* (without a second connection, or when it fails, run() sends the
	 * columns query on the first connection after the pipeline) */
	if (pipe_start(&ic) && opts && opts->parallel_url)
		start_db2(&ic, opts->parallel_url);
	if (ic.multi) {
		/* only the namespaces that exist: the differ creates the others */
		st_dbres *r;

		if ((rc = run(&ic, q_namespaces, &r)) < 0) {
			db2_abort(&ic);
			return rc;
		}
		for (size_t i = 0; i < nns; i++)
			for (int j = 0; j < r->nrows; j++)
				if (!strcmp(st_dbres_get(r, j, 0), ns[i]))
					st_schema_add_namespace(ic.s, ns[i]);
	}
	st_schema_add_namespace(ic.s, "public");
	if ((rc = read_enums(&ic)) < 0 || (rc = read_tables(&ic)) < 0 ||
	    (rc = read_types(&ic)) < 0 || (rc = read_columns(&ic)) < 0 || (rc = read_indexes(&ic)) < 0 ||
	    (rc = read_fks(&ic)) < 0 ||
	    (opts && opts->extensions && (rc = read_extensions(&ic)) < 0) ||
	    (extra && (rc = read_others(&ic)) < 0)) {
		pipe_end(&ic);
		db2_abort(&ic);
		return rc;
	}
	pipe_end(&ic);
	db2_abort(&ic);
	st_schema_finish(ic.s);
	*out = ic.s;
	if (extra)
		*extra = ic.extra;
	return 0;
}
