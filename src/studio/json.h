/*
 * json.h - the studio's JSON helpers over jansson (the only jansson include
 * of the studio).  json_t values built for a request are owned by the
 * request's arena through st_json_own(), so error paths cannot leak them.
 */
#ifndef ST_STUDIO_JSON_H
#define ST_STUDIO_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "util/error.h"

/* Attaches j to cx's arena (json_decref when the arena goes); returns j. */
json_t *st_json_own(st_ctx *cx, json_t *j);
/* A JSON string, or null for a NULL pointer. */
json_t *st_json_str(const char *s);
/* Parses a request body (ST_EUSAGE "invalid JSON in the request body"). */
int st_json_parse(st_ctx *cx, const char *body, size_t len, json_t **out);
/*
 * A JSON value as the text PostgreSQL's input functions parse: strings as
 * they are, true/false, numbers, objects and arrays as compact JSON (for
 * json/jsonb columns); NULL for JSON null.
 */
const char *st_json_to_sql_text(st_ctx *cx, json_t *v);
/* {"error": {"message", "detail", "hint", "code", "sqlstate"}} from cx. */
json_t *st_json_error(st_ctx *cx, const char *sqlstate);
/* Compact UTF-8 text, malloc'd (the caller frees it). */
char *st_json_dump(json_t *j, size_t *len);

#endif
