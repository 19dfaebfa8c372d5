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

#include "util/arena.h"

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
