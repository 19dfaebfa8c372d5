/*
 * par.c - see par.h.
 */
#include "util/par.h"

#include <pthread.h>
#include <sched.h>
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
st_par_parts(size_t n, size_t min)
{
	size_t cap = env_count("STRATA_THREADS", 0), parts;

	if (cap == 0)
		cap = cpus();
	if (cap > ST_PAR_MAX)
		cap = ST_PAR_MAX;
	min = env_count("STRATA_PAR_MIN", min);
	if (min == 0)
		min = 1;
	parts = n / min;
	if (parts > cap)
		parts = cap;
	return parts ? (unsigned)parts : 1;
}

typedef struct part {
	void (*fn)(void *);
	void *arg;
} part;

static void *
run_part(void *arg)
{
	part *p = arg;

	p->fn(p->arg);
	return NULL;
}

void
st_par_run(unsigned nparts, void (*fn)(void *arg), void *args, size_t size)
{
	pthread_t tid[ST_PAR_MAX];
	part parts[ST_PAR_MAX];
	bool started[ST_PAR_MAX] = { false };

	if (nparts > ST_PAR_MAX)
		nparts = ST_PAR_MAX;
	for (unsigned i = 1; i < nparts; i++) {
		parts[i].fn = fn;
		parts[i].arg = (char *)args + i * size;
		started[i] = pthread_create(&tid[i], NULL, run_part,
					    &parts[i]) == 0;
	}
	if (nparts > 0)
		fn(args);
	for (unsigned i = 1; i < nparts; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			fn(parts[i].arg);
	}
}
