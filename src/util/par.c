/*
 * par.c - see par.h.
 */
#include "util/par.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

/* The value of environment variable name as a count, or def when it is
 * unset or not a plain number. */
static size_t
env_count(const char *name, size_t def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	v = strtoul(s, &end, 10);
	return *end ? def : (size_t)v;
}

static unsigned
cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (unsigned)n : 1;
}

unsigned
st_par_threads(void)
{
	size_t n = env_count("STRATA_THREADS", 0);

	if (n == 0)
		n = cpus();
	return n > ST_PAR_THREADS ? ST_PAR_THREADS : (unsigned)n;
}

unsigned
st_par_parts(size_t n, size_t min)
{
	unsigned threads = st_par_threads();
	size_t parts;

	if (threads < 2)
		return 1;
	min = env_count("STRATA_PAR_MIN", min);
	if (min == 0)
		min = 1;
	parts = n / min;
	if (parts > (size_t)threads * ST_PAR_PER_THREAD)
		parts = (size_t)threads * ST_PAR_PER_THREAD;
	return parts ? (unsigned)parts : 1;
}

/* What the threads of one st_par_run share. */
typedef struct run {
	void (*fn)(void *);
	char *args;
	size_t size;
	unsigned nparts;
	atomic_uint next;          /* the next part not yet taken */
} run;

/* Takes parts until none is left. */
static void *
take_parts(void *arg)
{
	run *r = arg;
	unsigned i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->nparts)
		r->fn(r->args + (size_t)i * r->size);
	return NULL;
}

void
st_par_run(unsigned nparts, void (*fn)(void *arg), void *args, size_t size)
{
	pthread_t tid[ST_PAR_THREADS];
	unsigned nthreads = st_par_threads(), started = 0;
	run r;

	if (nparts == 0)
		return;
	if (nthreads > nparts)
		nthreads = nparts;
	r.fn = fn;
	r.args = args;
	r.size = size;
	r.nparts = nparts;
	atomic_init(&r.next, 0);
	for (unsigned i = 1; i < nthreads; i++)
		if (pthread_create(&tid[started], NULL, take_parts, &r) == 0)
			started++;
	take_parts(&r);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}
