/*
 * auth.c - token generation and comparison, Host and Origin checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "studio/auth.h"
#include "studio/studio.h"

int
st_studio_token_new(st_ctx *cx, char *out)
{
	unsigned char raw[ST_STUDIO_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return st_err_set(cx, ST_ERROR,
					  "could not read random bytes: %s",
					  strerror(errno));
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

bool
st_studio_token_ok(const char *expected, const char *given)
{
	size_t n = strlen(expected);
	unsigned char diff = 0;

	if (!given || strlen(given) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)expected[i] ^ (unsigned char)given[i];
	return diff == 0;
}

bool
st_studio_host_is_loopback(const char *host)
{
	struct in_addr a4;

	if (!host)
		return true;
	/* 127.x only as a numeric address: "127.evil.example" is a DNS name
	 * that can resolve anywhere. */
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return !strcasecmp(host, "localhost") || !strcmp(host, "::1") ||
	       !strcmp(host, "[::1]");
}

/* host is "name:port" (or "[v6]:port"); compare name and port. */
static bool
host_matches(const char *host, const char *name, unsigned port)
{
	char want[300];

	if (strchr(name, ':') && name[0] != '[')
		snprintf(want, sizeof(want), "[%s]:%u", name, port);
	else
		snprintf(want, sizeof(want), "%s:%u", name, port);
	return !strcasecmp(host, want);
}

bool
st_studio_host_ok(const char *bind_host, unsigned port, const char *host)
{
	static const char *const loop[] = { "127.0.0.1", "localhost", "::1" };

	if (!host || !*host)
		return false;
	for (size_t i = 0; i < sizeof(loop) / sizeof(loop[0]); i++)
		if (host_matches(host, loop[i], port))
			return true;
	/* An explicit non-wildcard bind address is a name users type. */
	if (bind_host && *bind_host && strcmp(bind_host, "0.0.0.0") &&
	    strcmp(bind_host, "::") && host_matches(host, bind_host, port))
		return true;
	return false;
}

bool
st_studio_origin_ok(const char *bind_host, unsigned port, const char *origin)
{
	if (!origin)
		return true;
	if (strlen(origin) < 8 || strncasecmp(origin, "http://", 7))
		return false;
	return st_studio_host_ok(bind_host, port, origin + 7);
}
