/*
 * arena.h - region allocation, modelled on PostgreSQL memory contexts.
 *
 * Everything a command or a studio request builds (AST, schema model, SQL
 * text) lives in one arena and is released at once with st_arena_free().
 * Arenas form a tree: freeing a parent frees its children first.  Foreign
 * memory (PGresult, libpg_query results) is attached with
 * st_arena_on_reset() so it cannot leak on an error path.  Allocation
 * failure aborts the process (like pg_malloc), so callers never check NULL.
 */
#ifndef ST_UTIL_ARENA_H
#define ST_UTIL_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct st_arena st_arena;

/*
 * The free end of an arena's current block.  It is the first member of
 * every st_arena, so st_alloc() can hand out memory inline (a parse makes
 * hundreds of thousands of small nodes); everything else about an arena
 * is private to arena.c.
 */
typedef struct st_arena_cur {
	unsigned char *ptr, *end;
	bool zeroed;               /* ptr..end is known to be zero */
} st_arena_cur;

void *st_alloc_slow(st_arena *a, size_t size);

/* A new arena; freed with its parent when parent is not NULL. */
st_arena *st_arena_new(st_arena *parent);
/*
 * Makes the next block the arena takes hold at least size bytes (up to
 * the largest ordinary block: 2 MB from the block heap, see arena.c).
 * For an arena that is known to grow big, such as a thread's part of a
 * big schema: it then starts with one big block instead of a run of
 * small doubling ones, each a malloc and page faults of 4 KB.  Only a
 * hint: nothing changes for the memory already handed out.
 */
void st_arena_reserve(st_arena *a, size_t size);
/*
 * Prefaulting.  A big command touches tens of megabytes of fresh memory,
 * and the kernel clears each page on its first touch: a sixth of the CPU
 * time of a 5000-model diff.  st_arena_prefault(bytes) asks for the next
 * bytes of the block heap (where every arena's big blocks come from, in
 * the order they are asked for) to be populated ahead of use; a thread
 * with nothing else to do (util/par.c's idle workers) calls
 * st_arena_prefault_step(), which populates the next 2 MB and returns
 * true, or returns false when there is nothing left to do.  Only speed
 * changes: memory reads as zero either way.
 */
void st_arena_prefault(size_t bytes);
bool st_arena_prefault_pending(void);
bool st_arena_prefault_step(void);
/* Frees the arena, its children, and runs its reset callbacks (LIFO). */
void st_arena_free(st_arena *a);
/* Runs callbacks and releases all memory, but keeps the arena usable. */
void st_arena_reset(st_arena *a);

/* Zeroed, 16-byte aligned. */
static inline void *
st_alloc(st_arena *a, size_t size)
{
	st_arena_cur *c = (st_arena_cur *)a;
	size_t room = (size_t)(c->end - c->ptr);

	if (size - 1 < room) {          /* 0 < size <= room */
		size_t need = (size + 15) & ~(size_t)15;

		if (need <= room) {
			void *p = c->ptr;

			c->ptr += need;
			if (!c->zeroed)
				memset(p, 0, size);
			return p;
		}
	}
	return st_alloc_slow(a, size);
}
void *st_alloc_array(st_arena *a, size_t n, size_t size);
char *st_strdup(st_arena *a, const char *s);
char *st_strndup(st_arena *a, const char *s, size_t n);
void *st_memdup(st_arena *a, const void *p, size_t n);
char *st_strfmt(st_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *st_vstrfmt(st_arena *a, const char *fmt, va_list ap);

/* Call fn(arg) when the arena is reset or freed. */
void st_arena_on_reset(st_arena *a, void (*fn)(void *), void *arg);

/* Bytes handed out so far (for benchmarks and tests). */
size_t st_arena_used(const st_arena *a);

/* Process-wide allocation helpers that abort on failure. */
void *st_xmalloc(size_t n);
void *st_xrealloc(void *p, size_t n);
char *st_xstrdup(const char *s);

#endif
