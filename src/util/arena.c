/*
 * arena.c - block-chained regions with child arenas and reset callbacks.
 * See arena.h for the contract.
 */
#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (16 * 1024)
#define BLOCK_MAX (1024 * 1024)
#define ALIGN 16

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct callback {
	struct callback *next;
	void (*fn)(void *);
	void *arg;
};

struct st_arena {
	size_t next_block;        /* size of the next ordinary block */
	st_arena *parent;
	st_arena *first_child, *next_sibling;
	struct block *blocks;
	struct callback *callbacks;
	size_t used;
};

void *
st_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("strata: fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *
st_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("strata: fatal: out of memory\n", stderr);
		abort();
	}
	return q;
}

char *
st_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(st_xmalloc(n), s, n);
}

st_arena *
st_arena_new(st_arena *parent)
{
	st_arena *a = st_xmalloc(sizeof(*a));

	memset(a, 0, sizeof(*a));
	a->parent = parent;
	if (parent) {
		a->next_sibling = parent->first_child;
		parent->first_child = a;
	}
	return a;
}

static void
release(st_arena *a)
{
	while (a->first_child)
		st_arena_free(a->first_child);
	while (a->callbacks) {
		struct callback *cb = a->callbacks;

		a->callbacks = cb->next;
		cb->fn(cb->arg);
		free(cb);
	}
	while (a->blocks) {
		struct block *b = a->blocks;

		a->blocks = b->next;
		free(b);
	}
	a->used = 0;
	a->next_block = 0;
}

void
st_arena_reset(st_arena *a)
{
	release(a);
}

void
st_arena_free(st_arena *a)
{
	if (!a)
		return;
	release(a);
	if (a->parent) {
		st_arena **pp = &a->parent->first_child;

		while (*pp && *pp != a)
			pp = &(*pp)->next_sibling;
		if (*pp)
			*pp = a->next_sibling;
	}
	free(a);
}

/* Room for size bytes, not zeroed. */
static void *
alloc_raw(st_arena *a, size_t size)
{
	struct block *b = a->blocks;
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (need == 0)
		need = ALIGN;
	if (!b || b->size - b->used < need) {
		size_t bsize;

		/* ordinary blocks double up to BLOCK_MAX, so a big command
		 * touches few blocks; big requests get their own block */
		if (a->next_block < BLOCK_MIN)
			a->next_block = BLOCK_MIN;
		if (need > a->next_block / 4) {
			bsize = need;
		} else {
			bsize = a->next_block;
			if (a->next_block < BLOCK_MAX)
				a->next_block *= 2;
		}

		/* big requests get their own block behind the current one */
		b = st_xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		b->used = 0;
		if (bsize == need && a->blocks) {
			b->next = a->blocks->next;
			a->blocks->next = b;
		} else {
			b->next = a->blocks;
			a->blocks = b;
		}
	}
	p = b->data + b->used;
	b->used += need;
	a->used += need;
	return p;
}

void *
st_alloc(st_arena *a, size_t size)
{
	void *p = alloc_raw(a, size);

	memset(p, 0, size);
	return p;
}

void *
st_alloc_array(st_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		fputs("strata: fatal: allocation overflow\n", stderr);
		abort();
	}
	return st_alloc(a, n * size);
}

void *
st_memdup(st_arena *a, const void *p, size_t n)
{
	char *q = alloc_raw(a, n + 1);

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

char *
st_strndup(st_arena *a, const char *s, size_t n)
{
	return st_memdup(a, s, n);
}

char *
st_strdup(st_arena *a, const char *s)
{
	return s ? st_strndup(a, s, strlen(s)) : NULL;
}

char *
st_vstrfmt(st_arena *a, const char *fmt, va_list ap)
{
	struct block *b = a->blocks;
	va_list cp;
	int n;
	char *s;

	/* Format straight into the free end of the current block; only when
	 * the text does not fit is it formatted a second time. */
	va_copy(cp, ap);
	if (b && b->size > b->used) {
		size_t room = b->size - b->used;

		s = (char *)b->data + b->used;
		n = vsnprintf(s, room, fmt, cp);
		va_end(cp);
		if (n < 0)
			n = 0;
		/* alloc_raw hands out this very spot when the rounded size fits */
		if ((((size_t)n + 1 + ALIGN - 1) & ~(size_t)(ALIGN - 1)) <= room)
			return alloc_raw(a, (size_t)n + 1);
	} else {
		n = vsnprintf(NULL, 0, fmt, cp);
		va_end(cp);
		if (n < 0)
			n = 0;
	}
	s = alloc_raw(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
st_strfmt(st_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = st_vstrfmt(a, fmt, ap);
	va_end(ap);
	return s;
}

void
st_arena_on_reset(st_arena *a, void (*fn)(void *), void *arg)
{
	struct callback *cb = st_xmalloc(sizeof(*cb));

	cb->fn = fn;
	cb->arg = arg;
	cb->next = a->callbacks;
	a->callbacks = cb;
}

size_t
st_arena_used(const st_arena *a)
{
	return a->used;
}
