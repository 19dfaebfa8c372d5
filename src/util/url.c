/*
 * url.c - password redaction for URLs and libpq key=value strings.
 */
#include "util/url.h"

#include <string.h>

#include "util/strbuf.h"

static void
mask_params(st_strbuf *sb, const char *s, char sep)
{
	/* copy s, replacing the value of password=... up to sep or end */
	while (*s) {
		const char *p = strstr(s, "password=");

		if (!p || (p != s && p[-1] != sep && p[-1] != '?' &&
			   p[-1] != ' ' && p[-1] != '&')) {
			if (!p) {
				st_strbuf_adds(sb, s);
				return;
			}
			st_strbuf_add(sb, s, (size_t)(p - s) + 9);
			s = p + 9;
			continue;
		}
		st_strbuf_add(sb, s, (size_t)(p - s) + 9);
		s = p + 9;
		st_strbuf_adds(sb, "****");
		while (*s && *s != sep && *s != ' ' && *s != '&')
			s++;
	}
}

char *
st_url_redact(st_arena *a, const char *url)
{
	st_strbuf sb;
	const char *scheme, *auth, *at, *colon, *rest, *query;

	st_strbuf_init_arena(&sb, a);
	if (!url)
		return st_strdup(a, "");
	scheme = strstr(url, "://");
	if (!scheme) {
		mask_params(&sb, url, ' ');
		return sb.alloc ? sb.buf : st_strdup(a, "");
	}
	auth = scheme + 3;
	/*
	 * The user info ends at the last '@' before the query string: a
	 * password typed without percent-encoding may itself hold '@', '/'
	 * or ':', and must still be masked whole.
	 */
	query = strchr(auth, '?');
	at = strrchr(auth, '@');
	if (at && query && at > query) {
		/* an '@' after '?' belongs to the query unless no '=' precedes
		 * it there, in which case the '?' was part of the password */
		const char *eq = memchr(query, '=', (size_t)(at - query));

		if (eq) {
			at = NULL;
			for (const char *p = auth; p < query; p++)
				if (*p == '@')
					at = p;
		}
	}
	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon) {
			st_strbuf_add(&sb, url, (size_t)(colon - url) + 1);
			st_strbuf_adds(&sb, "****");
		} else {
			st_strbuf_add(&sb, url, (size_t)(at - url));
		}
		rest = at;
	} else {
		rest = auth;
		st_strbuf_add(&sb, url, (size_t)(auth - url));
	}
	query = strchr(rest, '?');
	st_strbuf_add(&sb, rest, (size_t)((query ? query : rest + strlen(rest)) - rest));
	if (query)
		mask_params(&sb, query, '&');
	return sb.alloc ? sb.buf : st_strdup(a, "");
}
