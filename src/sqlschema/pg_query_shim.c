/*
 * pg_query_shim.c - the two libpg_query functions sqlparse.c calls,
 * forwarding to the library opened on first use (util/dynlib.h says why):
 * only commands that split migration SQL need the parser.
 */
#include <pg_query.h>

#include "util/dynlib.h"

#define SYMBOLS(X) X(pg_query_parse) X(pg_query_free_parse_result)

/* The soname carries the PostgreSQL and library versions (15-4.0), as
 * -lpg_query recorded it; a new libpg-query package means a new name. */
ST_DYNLIB_DEFINE(libpg_query, "libpg_query.so.1504.0", "libpg-query1504.0",
		 SYMBOLS);
#define REAL(f) ST_DYNLIB_REAL(libpg_query, f)

PgQueryParseResult
pg_query_parse(const char *input)
{
	return REAL(pg_query_parse)(input);
}

void
pg_query_free_parse_result(PgQueryParseResult result)
{
	REAL(pg_query_free_parse_result)(result);
}
