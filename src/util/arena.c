/*
 * arena.c - block-chained regions with child arenas and reset callbacks.
 * See arena.h for the contract.
 */
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BLOCK_MIN (16 * 1024)
#define BLOCK_MAX (32 * 1024 * 1024)
#define ALIGN 16

/*
 * Blocks from BIG_BLOCK bytes up are mapped straight from the kernel:
 * such memory is zero, so st_alloc() skips its memset there (a bump
 * allocator never hands the same bytes out twice), and blocks of several
 * megabytes ask for transparent huge pages, which turns the page faults
 * of a big command (a 5000-model schema touches ~100 MB) from thousands
 * into dozens.  Smaller blocks come from malloc and are cleared on demand.
 */
#define BIG_BLOCK (256 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)

struct block {
	struct block *next;
	size_t size, used;
	size_t mapped;             /* bytes mmap()ed (0: malloc'd) */
	bool zeroed;               /* the unused part is known to be zero */
	_Alignas(16) unsigned char data[];
};

static struct block *
block_new(size_t bsize)
{
	size_t total = sizeof(struct block) + bsize;
	struct block *b;

	if (total >= BIG_BLOCK) {
		size_t len = (total + 4095) & ~(size_t)4095;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			if (len >= 2 * HUGE_PAGE)
				(void)madvise(p, len, MADV_HUGEPAGE);
#endif
			b = p;
			b->mapped = len;
			b->zeroed = true;
			b->size = bsize;
			b->used = 0;
			return b;
		}
	}
	b = st_xmalloc(total);
	b->mapped = 0;
	b->zeroed = false;
	b->size = bsize;
	b->used = 0;
	return b;
}

static void
block_free(struct block *b)
{
	if (b->mapped)
		munmap(b, b->mapped);
	else
		free(b);
}

struct callback {
	struct callback *next;
	void (*fn)(void *);
	void *arg;
};

struct st_arena {
	st_arena_cur cur;         /* bump pointer into blocks (first: arena.h) */
	size_t next_block;        /* size of the next ordinary block */
	st_arena *parent;
	st_arena *first_child, *next_sibling;
	struct block *blocks;
	struct callback *callbacks;
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

void
st_arena_reserve(st_arena *a, size_t size)
{
	size_t want = BLOCK_MIN;

	size += sizeof(struct block);
	/* from 1 MB up: at least the size that gets huge pages (a huge
	 * page costs one fault, and clearing 2 MB takes about as long as a
	 * few hundred 4 KB faults; below 1 MB, most of the one huge page
	 * would be cleared for nothing) */
	if (size >= HUGE_PAGE / 2 && size < 2 * HUGE_PAGE)
		size = 2 * HUGE_PAGE;
	while (want < size && want < BLOCK_MAX)
		want *= 2;
	if (want > a->next_block)
		a->next_block = want;
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
		block_free(b);
	}
	memset(&a->cur, 0, sizeof(a->cur));
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

/* Room for size bytes, not zeroed; *zeroed says whether they are zero
 * anyway (fresh mapped memory). */
static void *
alloc_block(st_arena *a, size_t size, bool *zeroed)
{
	struct block *b;
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1), bsize;

	if (need == 0)
		need = ALIGN;
	if (need <= (size_t)(a->cur.end - a->cur.ptr)) {
		void *p = a->cur.ptr;

		a->cur.ptr += need;
		*zeroed = a->cur.zeroed;
		return p;
	}

	/* ordinary blocks double up to BLOCK_MAX, so a big command touches
	 * few blocks; big requests get their own block */
	if (a->next_block < BLOCK_MIN)
		a->next_block = BLOCK_MIN;
	if (need > a->next_block / 4) {
		bsize = need;
	} else {
		/* header included, so a mapped block is exactly a power of
		 * two (huge-page aligned by the kernel) */
		bsize = a->next_block - sizeof(struct block);
		if (a->next_block < BLOCK_MAX)
			a->next_block *= 2;
	}
	b = block_new(bsize);
	b->used = need;
	*zeroed = b->zeroed;
	if (bsize == need && a->blocks) {
		/* a big request: behind the current block, which stays */
		b->next = a->blocks->next;
		a->blocks->next = b;
	} else {
		if (a->blocks)
			a->blocks->used = (size_t)(a->cur.ptr - a->blocks->data);
		b->next = a->blocks;
		a->blocks = b;
		a->cur.ptr = b->data + need;
		a->cur.end = b->data + b->size;
		a->cur.zeroed = b->zeroed;
	}
	return b->data;
}

static void *
alloc_raw(st_arena *a, size_t size)
{
	bool zeroed;

	return alloc_block(a, size, &zeroed);
}

void *
st_alloc_slow(st_arena *a, size_t size)
{
	bool zeroed;
	void *p = alloc_block(a, size, &zeroed);

	if (!zeroed)
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
	va_list cp;
	int n;
	char *s;

	/* Format straight into the free end of the current block; only when
	 * the text does not fit is it formatted a second time. */
	va_copy(cp, ap);
	if (a->cur.ptr < a->cur.end) {
		size_t room = (size_t)(a->cur.end - a->cur.ptr);

		s = (char *)a->cur.ptr;
		n = vsnprintf(s, room, fmt, cp);
		va_end(cp);
		/* alloc_raw hands out this very spot when the rounded size
		 * fits (vsnprintf wrote just those n + 1 bytes) */
		if (n >= 0 &&
		    (((size_t)n + 1 + ALIGN - 1) & ~(size_t)(ALIGN - 1)) <= room)
			return alloc_raw(a, (size_t)n + 1);
		/* else it wrote into the free end: no longer zero */
		a->cur.zeroed = false;
		if (n < 0)
			return st_strdup(a, "");
	} else {
		n = vsnprintf(NULL, 0, fmt, cp);
		va_end(cp);
		if (n < 0)
			return st_strdup(a, "");
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
	size_t n = 0;

	for (const struct block *b = a->blocks; b; b = b->next)
		n += b == a->blocks ? (size_t)(a->cur.ptr - b->data) : b->used;
	return n;
}
