/*
 * jansson_shim.c - the jansson functions strata calls (sqlschema, the CLI's
 * --json output, studio), forwarding to libjansson.so.4 opened on first
 * use (util/dynlib.h says why).  jansson.h's inline helpers (json_decref,
 * json_incref, json_boolean, the foreach macros) call the functions below.
 * json_pack is variadic, so it goes through json_vpack_ex exactly as
 * jansson's own json_pack does.
 */
#include <stdarg.h>

#include <jansson.h>

#include "util/dynlib.h"

#define SYMBOLS(X) \
	X(json_array) X(json_array_append_new) X(json_array_get) \
	X(json_array_size) X(json_delete) X(json_dumps) X(json_equal) \
	X(json_false) X(json_integer) X(json_integer_value) X(json_loadb) \
	X(json_loads) X(json_null) X(json_object) X(json_object_get) \
	X(json_object_iter) X(json_object_iter_key) X(json_object_iter_next) \
	X(json_object_iter_value) X(json_object_key_to_iter) \
	X(json_object_set_new) X(json_object_size) X(json_real) \
	X(json_string) X(json_string_length) X(json_string_value) \
	X(json_stringn_nocheck) X(json_true) X(json_vpack_ex)

ST_DYNLIB_DEFINE(libjansson, "libjansson.so.4", "libjansson4", SYMBOLS);
#define REAL(f) ST_DYNLIB_REAL(libjansson, f)

/* ==== construction ==== */

json_t *
json_object(void)
{
	return REAL(json_object)();
}

json_t *
json_array(void)
{
	return REAL(json_array)();
}

json_t *
json_string(const char *value)
{
	return REAL(json_string)(value);
}

json_t *
json_stringn_nocheck(const char *value, size_t len)
{
	return REAL(json_stringn_nocheck)(value, len);
}

json_t *
json_integer(json_int_t value)
{
	return REAL(json_integer)(value);
}

json_t *
json_real(double value)
{
	return REAL(json_real)(value);
}

json_t *
json_true(void)
{
	return REAL(json_true)();
}

json_t *
json_false(void)
{
	return REAL(json_false)();
}

json_t *
json_null(void)
{
	return REAL(json_null)();
}

json_t *
json_pack(const char *fmt, ...)
{
	va_list ap;
	json_t *value;

	va_start(ap, fmt);
	value = REAL(json_vpack_ex)(NULL, 0, fmt, ap);
	va_end(ap);
	return value;
}

void
json_delete(json_t *json)
{
	REAL(json_delete)(json);
}

/* ==== objects and arrays ==== */

int
json_object_set_new(json_t *object, const char *key, json_t *value)
{
	return REAL(json_object_set_new)(object, key, value);
}

json_t *
json_object_get(const json_t *object, const char *key)
{
	return REAL(json_object_get)(object, key);
}

size_t
json_object_size(const json_t *object)
{
	return REAL(json_object_size)(object);
}

void *
json_object_iter(json_t *object)
{
	return REAL(json_object_iter)(object);
}

void *
json_object_iter_next(json_t *object, void *iter)
{
	return REAL(json_object_iter_next)(object, iter);
}

const char *
json_object_iter_key(void *iter)
{
	return REAL(json_object_iter_key)(iter);
}

json_t *
json_object_iter_value(void *iter)
{
	return REAL(json_object_iter_value)(iter);
}

void *
json_object_key_to_iter(const char *key)
{
	return REAL(json_object_key_to_iter)(key);
}

int
json_array_append_new(json_t *array, json_t *value)
{
	return REAL(json_array_append_new)(array, value);
}

json_t *
json_array_get(const json_t *array, size_t index)
{
	return REAL(json_array_get)(array, index);
}

size_t
json_array_size(const json_t *array)
{
	return REAL(json_array_size)(array);
}

/* ==== values ==== */

const char *
json_string_value(const json_t *string)
{
	return REAL(json_string_value)(string);
}

size_t
json_string_length(const json_t *string)
{
	return REAL(json_string_length)(string);
}

json_int_t
json_integer_value(const json_t *integer)
{
	return REAL(json_integer_value)(integer);
}

int
json_equal(const json_t *value1, const json_t *value2)
{
	return REAL(json_equal)(value1, value2);
}

/* ==== text ==== */

json_t *
json_loads(const char *input, size_t flags, json_error_t *error)
{
	return REAL(json_loads)(input, flags, error);
}

json_t *
json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	return REAL(json_loadb)(buffer, buflen, flags, error);
}

char *
json_dumps(const json_t *json, size_t flags)
{
	return REAL(json_dumps)(json, flags);
}
