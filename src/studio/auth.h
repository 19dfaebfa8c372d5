/*
 * auth.h - who may talk to the studio: a random per-run token, and the
 * Host / Origin checks that stop DNS rebinding and cross-site requests.
 * Pure functions over strings; server.c applies them to every request.
 */
#ifndef ST_STUDIO_AUTH_H
#define ST_STUDIO_AUTH_H

#include <stdbool.h>

#include "util/error.h"

#define ST_STUDIO_TOKEN_LEN 64 /* 32 random bytes in hex */

/* Fills out (ST_STUDIO_TOKEN_LEN + 1 bytes) from getrandom(2). */
int st_studio_token_new(st_ctx *cx, char *out);
/* Constant-time comparison; false when given is NULL. */
bool st_studio_token_ok(const char *expected, const char *given);
/*
 * The Host header must name this server: 127.0.0.1:PORT, localhost:PORT,
 * [::1]:PORT, or bind_host:PORT when the studio was bound to another
 * address explicitly.  A missing Host header is refused.
 */
bool st_studio_host_ok(const char *bind_host, unsigned port, const char *host);
/* An Origin header, when present, must be http://<an allowed host>. */
bool st_studio_origin_ok(const char *bind_host, unsigned port,
			 const char *origin);

#endif
