/*
 * map.h - string-keyed hash map (open addressing), arena-backed.
 * Keys are not copied: they must live at least as long as the map
 * (normally they are in the same arena).
 */
#ifndef ST_UTIL_MAP_H
#define ST_UTIL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"

/*
 * The maps' hash of n bytes: FNV-1a over 8-byte words, then a final mix:
 * cheap for the short identifiers maps hold, and well spread in the low
 * bits they mask (32 of them are kept: tables never get near 2^32
 * slots).  For code that hashes keys ahead of a lookup of its own (the
 * validator's global name count, psl/names.c).
 */
static inline uint32_t
st_map_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 1099511628211ULL;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	h ^= h >> 32;
	h *= 0x9E3779B97F4A7C15ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* 24 bytes: keys are short, and a smaller table stays in the cache. */
typedef struct st_map_entry {
	const char *key;
	void *value;
	uint32_t keylen;
	uint32_t hash;
} st_map_entry;

typedef struct st_map {
	st_map_entry *slots;
	size_t cap, len;
	st_arena *arena;
} st_map;

void st_map_init(st_map *m, st_arena *a);
/* Sets key to value; returns the previous value or NULL. */
void *st_map_put(st_map *m, const char *key, void *value);
void *st_map_putn(st_map *m, const char *key, size_t keylen, void *value);
void *st_map_get(const st_map *m, const char *key);
void *st_map_getn(const st_map *m, const char *key, size_t keylen);
bool st_map_has(const st_map *m, const char *key);

#endif
