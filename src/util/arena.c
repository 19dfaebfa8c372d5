/*
 * arena.c - block-chained regions with child arenas and reset callbacks.
 * See arena.h for the contract.
 */
#include "util/arena.h"

#include <pthread.h>
#include <stdatomic.h>
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
 * Blocks from BIG_BLOCK bytes up are zero when they are handed out, so
 * st_alloc() skips its memset there (a bump allocator never hands the
 * same bytes out twice); smaller blocks come from malloc and are cleared
 * on demand.
 *
 * Big blocks come from the block heap: one reservation of address space
 * (HEAP_SIZE; nothing is committed until touched), backed by transparent
 * huge pages and carved in the order blocks are asked for, by every
 * arena of every thread.  It serves two ends.  Packing: the kernel
 * clears a whole 2 MB huge page on its first touch, and with a mapping
 * of its own per block, each arena of a big schema's parts (dozens) left
 * a partly used huge page behind; carved from one heap, the next block,
 * whoever asks for it, starts where the last one ended, and blocks stay
 * at most HEAP_BLOCK_MAX.  Prefaulting: the kernel's clearing of fresh
 * pages is a sixth of the CPU time of a big command, and a heap filled
 * in order can be populated ahead of use by a thread with nothing else
 * to do (st_arena_prefault, below).  A freed heap block goes to a free
 * list for the next arena (not zero any more).  When the reservation
 * fails or is used up, or with STRATA_NO_HEAP set, blocks are mapped
 * one by one.
 */
#define BIG_BLOCK (256 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)
#define HEAP_SIZE ((size_t)1 << 30)
#define HEAP_BLOCK_MAX (1024 * 1024)

struct block {
	struct block *next;
	size_t size, used;
	size_t mapped;             /* bytes of the mapping or heap slot (0:
	                            * malloc'd) */
	bool heap;                 /* a slot of the block heap */
	bool zeroed;               /* the unused part is known to be zero */
	_Alignas(16) unsigned char data[];
};

static struct {
	unsigned char *base;       /* NULL: no heap (mmap block by block) */
	pthread_mutex_t mu;        /* everything below */
	pthread_cond_t filled;     /* a prefault step ended */
	size_t used;               /* bytes carved so far */
	size_t want;               /* st_arena_prefault(): populate up to */
	size_t populated;          /* huge pages below are populated */
	size_t filling;            /* a prefault step is populating the huge
	                            * page at filling - HUGE_PAGE (0: none) */
	atomic_bool more;          /* want may be ahead of populated: read
	                            * without the mutex, so that an idle
	                            * worker polling for prefault work does
	                            * not take it (and keep it from the
	                            * threads carving blocks) */
	struct block *free;        /* freed heap blocks */
} heap = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.filled = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t heap_once = PTHREAD_ONCE_INIT;

static void
heap_init(void)
{
	unsigned char *p;
	uintptr_t at;

	if (getenv("STRATA_NO_HEAP"))
		return;
	/* one huge page more, to start the heap on a huge-page boundary */
	p = mmap(NULL, HEAP_SIZE + HUGE_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	at = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)at, HEAP_SIZE, MADV_HUGEPAGE);
#endif
	heap.base = (unsigned char *)at;
}

/* A heap slot of len bytes (a multiple of 4 KB), or NULL. */
static struct block *
heap_take(size_t len)
{
	struct block *b, **pp;
	size_t at;

	pthread_once(&heap_once, heap_init);
	if (!heap.base)
		return NULL;
	pthread_mutex_lock(&heap.mu);
	for (pp = &heap.free; (b = *pp); pp = &b->next)
		if (b->mapped >= len && b->mapped <= 2 * len) {
			*pp = b->next;
			pthread_mutex_unlock(&heap.mu);
			return b;
		}
	/* not into the huge page a prefault step is touching (it writes
	 * to it): that step ends within a fraction of a millisecond, and
	 * then the page is ready */
	while (heap.filling && heap.used + len > heap.filling - HUGE_PAGE)
		pthread_cond_wait(&heap.filled, &heap.mu);
	at = heap.used;
	if (len > HEAP_SIZE - at) {
		pthread_mutex_unlock(&heap.mu);
		return NULL;       /* used up */
	}
	heap.used = at + len;
	pthread_mutex_unlock(&heap.mu);
	b = (struct block *)(heap.base + at);
	b->mapped = len;
	b->zeroed = true;
	return b;
}

/* A freed heap block to the free list, as it is.  (Not emptied with
 * MADV_DONTNEED past some size: the free list lives in the blocks'
 * headers, so each would be faulted straight back in, a cleared huge
 * page per block, which made freeing a big command's arena at exit cost
 * milliseconds.  The heap keeps what a command's peak needed, as malloc
 * keeps its arenas.) */
static void
heap_give_back(struct block *b)
{
	b->zeroed = false;
	pthread_mutex_lock(&heap.mu);
	b->next = heap.free;
	heap.free = b;
	pthread_mutex_unlock(&heap.mu);
}

/* The largest ordinary block: with the heap, blocks stay small enough
 * to pack (see above); without it, they double up to BLOCK_MAX. */
static size_t
block_cap(void)
{
	pthread_once(&heap_once, heap_init);
	return heap.base ? HEAP_BLOCK_MAX : BLOCK_MAX;
}

static struct block *
block_new(size_t bsize)
{
	size_t total = sizeof(struct block) + bsize;
	struct block *b;

	if (total >= BIG_BLOCK) {
		size_t len = (total + 4095) & ~(size_t)4095;

		b = heap_take(len);
		if (b) {
			/* a slot from the free list may be bigger */
			b->heap = true;
			b->size = b->mapped - sizeof(struct block);
			b->used = 0;
			return b;
		} else {
			void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
				if (len >= 2 * HUGE_PAGE)
					(void)madvise(p, len, MADV_HUGEPAGE);
#endif
				b = p;
				b->mapped = len;
				b->heap = false;
				b->zeroed = true;
				b->size = bsize;
				b->used = 0;
				return b;
			}
		}
	}
	b = st_xmalloc(total);
	b->mapped = 0;
	b->heap = false;
	b->zeroed = false;
	b->size = bsize;
	b->used = 0;
	return b;
}

static void
block_free(struct block *b)
{
	if (b->heap)
		heap_give_back(b);
	else if (b->mapped)
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
	size_t want = BLOCK_MIN, cap = block_cap();

	size += sizeof(struct block);
	/* without the heap, from 1 MB up: at least the size that gets huge
	 * pages (a huge page costs one fault, and clearing 2 MB takes about
	 * as long as a few hundred 4 KB faults; below 1 MB, most of the one
	 * huge page would be cleared for nothing) */
	if (cap == BLOCK_MAX && size >= HUGE_PAGE / 2 && size < 2 * HUGE_PAGE)
		size = 2 * HUGE_PAGE;
	while (want < size && want < cap)
		want *= 2;
	if (want > a->next_block)
		a->next_block = want;
}

/* ==== prefaulting the heap ==== */

/*
 * A prefault step touches one huge page of the heap that nobody has
 * been handed yet (beyond heap.used), with a write: the fault brings the
 * page in, cleared.  Touching rather than MADV_POPULATE_WRITE, because
 * that takes the process's mmap lock, and a malloc that grows the heap
 * on the main thread (brk, which needs that lock for writing) then
 * waited behind a run of them for up to 13 ms; a fault takes only the
 * lock of its own mapping.  Writing to memory nobody has yet is safe,
 * and heap_take waits while the page it would carve is being touched.
 * Idle workers poll st_arena_prefault_step() in their spin loop, so it
 * answers "nothing to do" from an atomic flag, and takes the mutex only
 * with trylock: polling through the mutex kept it from the main thread
 * (freeing a big command's arena at exit took 1 ms of futex calls).
 */
void
st_arena_prefault(size_t bytes)
{
	pthread_once(&heap_once, heap_init);
	if (!heap.base)
		return;
	pthread_mutex_lock(&heap.mu);
	if (bytes > HEAP_SIZE - heap.used)
		bytes = HEAP_SIZE - heap.used;
	if (heap.used + bytes > heap.want) {
		heap.want = heap.used + bytes;
		atomic_store(&heap.more, true);
	}
	pthread_mutex_unlock(&heap.mu);
}

/* The first untouched huge page at or after what was carved. */
static size_t
next_fill(void)
{
	size_t p = (heap.used + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);

	return p > heap.populated ? p : heap.populated;
}

bool
st_arena_prefault_pending(void)
{
	return atomic_load_explicit(&heap.more, memory_order_relaxed);
}

bool
st_arena_prefault_step(void)
{
	size_t p;
	volatile unsigned char *page;

	/* no work, or the heap busy (a thread carving a block, another
	 * step starting or ending): back to polling, never in anyone's way */
	if (!atomic_load_explicit(&heap.more, memory_order_relaxed) ||
	    pthread_mutex_trylock(&heap.mu) != 0)
		return false;
	p = next_fill();
	if (heap.filling || p + HUGE_PAGE > heap.want) {
		if (!heap.filling)
			atomic_store(&heap.more, false);
		pthread_mutex_unlock(&heap.mu);
		return false;
	}
	heap.filling = p + HUGE_PAGE;
	pthread_mutex_unlock(&heap.mu);

	/* one write per 4 KB page: with huge pages the first brings in
	 * all 2 MB, the others find it there; without, each is a page */
	page = heap.base + p;
	for (size_t off = 0; off < HUGE_PAGE; off += 4096)
		page[off] = 0;

	pthread_mutex_lock(&heap.mu);
	heap.populated = p + HUGE_PAGE;
	heap.filling = 0;
	pthread_cond_broadcast(&heap.filled);
	pthread_mutex_unlock(&heap.mu);
	return true;
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

	/* ordinary blocks double up to block_cap(), so a big command touches
	 * few blocks; big requests get their own block */
	if (a->next_block < BLOCK_MIN)
		a->next_block = BLOCK_MIN;
	if (need > a->next_block / 4) {
		bsize = need;
	} else {
		/* header included, so a mapped block is exactly a power of
		 * two (huge-page aligned by the kernel) */
		bsize = a->next_block - sizeof(struct block);
		if (a->next_block < block_cap())
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
