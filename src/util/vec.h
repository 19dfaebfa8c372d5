/*
 * vec.h - a growable array of pointers, arena-backed.
 *
 *	st_vec v = ST_VEC_INIT(arena);
 *	st_vec_push(&v, item);
 *	for (size_t i = 0; i < v.len; i++) use(v.items[i]);
 */
#ifndef ST_UTIL_VEC_H
#define ST_UTIL_VEC_H

#include <stddef.h>

#include "util/arena.h"

typedef struct st_vec {
	void **items;
	size_t len, cap;
	st_arena *arena;
} st_vec;

#define ST_VEC_INIT(a) { NULL, 0, 0, (a) }

void st_vec_init(st_vec *v, st_arena *a);
void st_vec_push(st_vec *v, void *item);
void *st_vec_pop(st_vec *v);
void st_vec_insert(st_vec *v, size_t at, void *item);
void st_vec_remove(st_vec *v, size_t at);
/* Appends all of from's items to to, growing it once. */
void st_vec_append(st_vec *to, const st_vec *from);
void st_vec_sort(st_vec *v, int (*cmp)(const void *a, const void *b));
/* The last item, or NULL when empty. */
void *st_vec_last(const st_vec *v);

#endif
