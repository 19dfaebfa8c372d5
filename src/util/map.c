/*
 * map.c - FNV-1a hashed, linearly probed string map.
 */
#include "util/map.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

void
st_map_init(st_map *m, st_arena *a)
{
	m->slots = NULL;
	m->cap = m->len = 0;
	m->arena = a;
}

static st_map_entry *
find(const st_map *m, const char *key, size_t n, uint32_t h)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = h & (m->cap - 1);
	for (;;) {
		st_map_entry *e = &m->slots[i];

		if (!e->key)
			return e;
		if (e->hash == h && e->keylen == n && memcmp(e->key, key, n) == 0)
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
			*find(m, old[i].key, old[i].keylen, old[i].hash) = old[i];
	}
}

void *
st_map_putn(st_map *m, const char *key, size_t keylen, void *value)
{
	uint32_t h = st_map_hash(key, keylen);
	st_map_entry *e;
	void *prev;

	assert(keylen <= UINT32_MAX);
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	e = find(m, key, keylen, h);
	if (!e->key) {
		e->key = key;
		e->keylen = (uint32_t)keylen;
		e->hash = h;
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
	st_map_entry *e;

	/* an empty map (composite types, most schemas' enums...) has no key
	 * to hash for */
	if (!m->len)
		return NULL;
	e = find(m, key, keylen, st_map_hash(key, keylen));
	return e && e->key ? e->value : NULL;
}

void *
st_map_get(const st_map *m, const char *key)
{
	return m->len ? st_map_getn(m, key, strlen(key)) : NULL;
}

bool
st_map_has(const st_map *m, const char *key)
{
	size_t n;
	st_map_entry *e;

	if (!m->len)
		return false;
	n = strlen(key);
	e = find(m, key, n, st_map_hash(key, n));
	return e && e->key;
}
