/*
 * vec.c - pointer vectors whose storage lives in an arena.
 */
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

void
st_vec_init(st_vec *v, st_arena *a)
{
	v->items = NULL;
	v->len = v->cap = 0;
	v->arena = a;
}

static void
reserve(st_vec *v, size_t need)
{
	void **n;
	size_t cap;

	if (need <= v->cap)
		return;
	cap = v->cap ? v->cap * 2 : 8;
	while (cap < need)
		cap *= 2;
	n = st_alloc_array(v->arena, cap, sizeof(void *));
	if (v->len)
		memcpy(n, v->items, v->len * sizeof(void *));
	v->items = n;
	v->cap = cap;
}

void
st_vec_push(st_vec *v, void *item)
{
	reserve(v, v->len + 1);
	v->items[v->len++] = item;
}

void
st_vec_append(st_vec *to, const st_vec *from)
{
	if (!from->len)
		return;
	reserve(to, to->len + from->len);
	memcpy(to->items + to->len, from->items, from->len * sizeof(void *));
	to->len += from->len;
}

void *
st_vec_pop(st_vec *v)
{
	return v->len ? v->items[--v->len] : NULL;
}

void
st_vec_insert(st_vec *v, size_t at, void *item)
{
	if (at > v->len)
		at = v->len;
	reserve(v, v->len + 1);
	memmove(v->items + at + 1, v->items + at,
		(v->len - at) * sizeof(void *));
	v->items[at] = item;
	v->len++;
}

void
st_vec_remove(st_vec *v, size_t at)
{
	if (at >= v->len)
		return;
	memmove(v->items + at, v->items + at + 1,
		(v->len - at - 1) * sizeof(void *));
	v->len--;
}

void
st_vec_sort(st_vec *v, int (*cmp)(const void *a, const void *b))
{
	if (v->len > 1)
		qsort(v->items, v->len, sizeof(void *), cmp);
}

void *
st_vec_last(const st_vec *v)
{
	return v->len ? v->items[v->len - 1] : NULL;
}
