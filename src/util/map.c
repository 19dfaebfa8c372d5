/*
 * map.c - FNV-1a hashed, linearly probed string map.
 */
#include "util/map.h"

#include <string.h>

static size_t
hash(const char *s, size_t n)
{
	size_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
st_map_init(st_map *m, st_arena *a)
{
	m->slots = NULL;
	m->cap = m->len = 0;
	m->arena = a;
}

static st_map_entry *
find(const st_map *m, const char *key, size_t n)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = hash(key, n) & (m->cap - 1);
	for (;;) {
		st_map_entry *e = &m->slots[i];

		if (!e->key)
			return e;
		if (e->keylen == n && memcmp(e->key, key, n) == 0)
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static void
grow(st_map *m)
{
	st_map_entry *old = m->slots;
	size_t oldcap = m->cap;

	m->cap = m->cap ? m->cap * 2 : 16;
	m->slots = st_alloc_array(m->arena, m->cap, sizeof(st_map_entry));
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].key)
			*find(m, old[i].key, old[i].keylen) = old[i];
	}
}

void *
st_map_putn(st_map *m, const char *key, size_t keylen, void *value)
{
	st_map_entry *e;
	void *prev;

	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	e = find(m, key, keylen);
	if (!e->key) {
		e->key = key;
		e->keylen = keylen;
		e->value = value;
		m->len++;
		return NULL;
	}
	prev = e->value;
	e->value = value;
	return prev;
}

void *
st_map_put(st_map *m, const char *key, void *value)
{
	return st_map_putn(m, key, strlen(key), value);
}

void *
st_map_getn(const st_map *m, const char *key, size_t keylen)
{
	st_map_entry *e = find(m, key, keylen);

	return e && e->key ? e->value : NULL;
}

void *
st_map_get(const st_map *m, const char *key)
{
	return st_map_getn(m, key, strlen(key));
}

bool
st_map_has(const st_map *m, const char *key)
{
	st_map_entry *e = find(m, key, strlen(key));

	return e && e->key;
}
