/*
 * studio.h - `strata db studio`: an HTTP server with a JSON API over the
 * database and an embedded web page (web/, compiled in by
 * tools/embed-assets.sh).  server.c owns libmicrohttpd and the route
 * table; route_<resource>.c answer requests; auth.c guards them.
 *
 * Lifetimes: st_studio_start() copies what it needs from opts; every
 * request gets its own st_ctx (own arena), freed after the response, so
 * requests never share memory.  Database connections come from a small
 * pool (pgconn.c) that outlives requests.
 */
#ifndef ST_STUDIO_STUDIO_H
#define ST_STUDIO_STUDIO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

typedef struct st_studio st_studio;

typedef struct st_studio_opts {
	const char *host;          /* address to bind; "127.0.0.1" by default */
	unsigned port;             /* 0: any free port */
	bool read_only;            /* refuse insert/update/delete */
	bool allow_remote;         /* permit a non-loopback bind address */
	const char *db_url;        /* libpq URL */
	const char *schema_path;   /* schema.prisma or NULL */
	const char *migrations_dir;/* prisma/migrations or NULL */
} st_studio_opts;

/* Binds, connects once to check the URL, and starts serving in
 * background threads.  ST_EUSAGE for a non-loopback host without
 * allow_remote, ST_ECONNECT when the database is unreachable. */
int st_studio_start(st_ctx *cx, const st_studio_opts *opts, st_studio **out);
unsigned st_studio_port(const st_studio *s);
const char *st_studio_token(const st_studio *s);
/* "http://127.0.0.1:5555/?token=..." in a (arena) */
char *st_studio_url(st_arena *a, const st_studio *s);
void st_studio_stop(st_studio *s);

/* true for 127.0.0.0/8, ::1 and "localhost" */
bool st_studio_host_is_loopback(const char *host);

#endif
