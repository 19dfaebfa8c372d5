/*
 * dberr.c - a PGresult error as data: {severity, sqlstate, primary,
 * detail, hint, position ...}, and its psql-like rendering.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

static const char *
field(st_arena *a, const PGresult *res, int code)
{
	const char *v = PQresultErrorField(res, code);

	return v ? st_strdup(a, v) : NULL;
}

void
st_dberr_from_result(st_arena *a, const PGresult *res, st_dberr *err)
{
	const char *pos;

	memset(err, 0, sizeof(*err));
	err->severity = field(a, res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (!err->severity)
		err->severity = field(a, res, PG_DIAG_SEVERITY);
	if (!err->severity)
		err->severity = "ERROR";
	err->sqlstate = field(a, res, PG_DIAG_SQLSTATE);
	err->primary = field(a, res, PG_DIAG_MESSAGE_PRIMARY);
	if (!err->primary) {
		/* client-side failure (lost connection ...): libpq's text */
		st_strbuf sb;

		st_strbuf_init_arena(&sb, a);
		st_strbuf_adds(&sb, res ? PQresultErrorMessage(res) : "");
		st_strbuf_rtrim(&sb);
		if (!sb.len)
			st_strbuf_adds(&sb, "server closed the connection unexpectedly");
		err->primary = sb.buf;
	}
	err->detail = field(a, res, PG_DIAG_MESSAGE_DETAIL);
	err->hint = field(a, res, PG_DIAG_MESSAGE_HINT);
	err->where = field(a, res, PG_DIAG_CONTEXT);
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	err->position = pos ? atoi(pos) : 0;
	pos = PQresultErrorField(res, PG_DIAG_INTERNAL_POSITION);
	err->internal_position = pos ? atoi(pos) : 0;
	err->internal_query = field(a, res, PG_DIAG_INTERNAL_QUERY);
}

void
st_dberr_render(st_strbuf *sb, const st_dberr *e)
{
	st_strbuf_addf(sb, "%s: %s", e->severity ? e->severity : "ERROR",
		       e->primary ? e->primary : "");
	if (e->detail)
		st_strbuf_addf(sb, "\nDETAIL: %s", e->detail);
	if (e->hint)
		st_strbuf_addf(sb, "\nHINT: %s", e->hint);
	if (e->where)
		st_strbuf_addf(sb, "\nCONTEXT: %s", e->where);
}

size_t
st_dberr_pos_to_byte(const char *s, size_t len, int pos)
{
	size_t b = 0;

	for (int c = 1; c < pos && b < len; c++) {
		b++;
		while (b < len && ((unsigned char)s[b] & 0xC0) == 0x80)
			b++;
	}
	return b;
}
