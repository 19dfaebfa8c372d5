/*
 * json.c - jansson glue for the studio: ownership by arena, request
 * bodies, JSON values to SQL parameter text, and error objects.
 */
#include <stdlib.h>
#include <string.h>

#include "studio/json.h"

static void
decref(void *j)
{
	json_decref(j);
}

json_t *
st_json_own(st_ctx *cx, json_t *j)
{
	if (j)
		st_arena_on_reset(cx->arena, decref, j);
	return j;
}

json_t *
st_json_str(const char *s)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	/* Text that is not valid UTF-8 (SQL_ASCII databases) still shows. */
	return j ? j : json_stringn_nocheck(s, strlen(s));
}

int
st_json_parse(st_ctx *cx, const char *body, size_t len, json_t **out)
{
	json_error_t e;
	json_t *j;

	if (!body || !len)
		return st_err_set(cx, ST_EUSAGE, "the request needs a JSON body");
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		st_err_set(cx, ST_EUSAGE, "invalid JSON in the request body");
		st_err_detail(cx, "%s at line %d, column %d.", e.text, e.line,
			      e.column);
		return ST_EUSAGE;
	}
	*out = st_json_own(cx, j);
	return 0;
}

const char *
st_json_to_sql_text(st_ctx *cx, json_t *v)
{
	char *s, *copy;

	switch (json_typeof(v)) {
	case JSON_NULL:
		return NULL;
	case JSON_STRING:
		return st_strndup(cx->arena, json_string_value(v),
				  json_string_length(v));
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_INTEGER:
		return st_strfmt(cx->arena, "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
	default:
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		copy = st_strdup(cx->arena, s ? s : "");
		free(s);
		return copy;
	}
}

json_t *
st_json_error(st_ctx *cx, const char *sqlstate)
{
	json_t *e = json_object();

	json_object_set_new(e, "message", st_json_str(cx->err_msg.len
			    ? cx->err_msg.buf : "internal error"));
	if (cx->err_detail.len)
		json_object_set_new(e, "detail", st_json_str(cx->err_detail.buf));
	if (cx->err_hint.len)
		json_object_set_new(e, "hint", st_json_str(cx->err_hint.buf));
	if (cx->err_pcode)
		json_object_set_new(e, "code", json_string(cx->err_pcode));
	if (sqlstate && *sqlstate)
		json_object_set_new(e, "sqlstate", json_string(sqlstate));
	return st_json_own(cx, json_pack("{s:o}", "error", e));
}

char *
st_json_dump(json_t *j, size_t *len)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	if (!s)
		s = st_xstrdup("null");
	*len = strlen(s);
	return s;
}
