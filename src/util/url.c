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
	const char *scheme, *auth, *at, *colon, *slash;

	st_strbuf_init_arena(&sb, a);
	if (!url)
		return st_strdup(a, "");
	scheme = strstr(url, "://");
	if (!scheme) {
		mask_params(&sb, url, ' ');
		return sb.alloc ? sb.buf : st_strdup(a, "");
	}
	auth = scheme + 3;
	slash = strpbrk(auth, "/?");
	at = NULL;
	for (const char *p = auth; *p && (!slash || p < slash); p++)
		if (*p == '@')
			at = p;
	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon) {
			st_strbuf_add(&sb, url, (size_t)(colon - url) + 1);
			st_strbuf_adds(&sb, "****");
			st_strbuf_add(&sb, at, (size_t)((slash ? slash : at + strlen(at)) - at));
		} else {
			st_strbuf_add(&sb, url, (size_t)((slash ? slash : url + strlen(url)) - url));
		}
	} else {
		st_strbuf_add(&sb, url, (size_t)((slash ? slash : url + strlen(url)) - url));
	}
	if (slash)
		mask_params(&sb, slash, '&');
	return sb.alloc ? sb.buf : st_strdup(a, "");
}
