/*
 * url.h - database URL helpers that need no database library:
 * redaction for every message that may show a URL.
 */
#ifndef ST_UTIL_URL_H
#define ST_UTIL_URL_H

#include "util/arena.h"

/* "postgresql://user:secret@host/db" -> "postgresql://user:****@host/db";
 * also masks password=... in query strings and key=value strings. */
char *st_url_redact(st_arena *a, const char *url);

#endif
