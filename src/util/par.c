/*
 * par.c - see par.h.
 */
#include "util/par.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

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

/*
 * The workers.  Threads are made on the first st_par_run and kept: a big
 * command runs a dozen parallel sections a few milliseconds apart
 * (parser, validator phases, SQL schema, renderer), and a thread made
 * per section, on a virtual machine, often starts a millisecond or more
 * after it is asked for, while the section itself lasts 2 to 10 ms.
 * Between sections a worker spins for SPIN_NS (5 ms) on the job number (so its
 * CPU stays awake and the next section starts at once), then sleeps on
 * the condition variable.  The process never waits for them: exit()
 * ends them wherever they are.
 *
 * One job at a time: st_par_run posts it under the mutex (fn, args, the
 * part counter, a new job number), takes parts itself, then closes the
 * job, so that a worker arriving late joins nothing, and waits until the
 * workers that joined have finished their parts.  A worker copies the job
 * under the mutex when it joins, so it never sees half of one.  A part
 * may itself call st_par_run: that runs on its own thread, in order.
 */
#define SPIN_NS (5 * 1000 * 1000L)

typedef struct job {
	void (*fn)(void *);
	char *args;
	size_t size;
	unsigned nparts;
	atomic_uint *next;         /* the next part not yet taken */
} job;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t wake;       /* a job was posted */
	pthread_cond_t done;       /* active fell to 0 */
	unsigned nworkers;         /* threads made so far */
	atomic_ulong jobno;        /* number of the last job posted */
	job cur;
	bool open;                 /* workers may still join cur */
	unsigned seats;            /* how many more may join it */
	unsigned active;           /* workers inside cur */
} pool = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

/* Set while this thread runs a part: a part that calls st_par_run runs
 * that inner job's parts itself (the pool has one job at a time). */
static _Thread_local bool in_part;

/* Takes parts of j until none is left. */
static void
take_parts(const job *j)
{
	unsigned i;

	in_part = true;
	while ((i = atomic_fetch_add(j->next, 1)) < j->nparts)
		j->fn(j->args + (size_t)i * j->size);
	in_part = false;
}

static long
elapsed_ns(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000000000L +
	       (now.tv_nsec - since->tv_nsec);
}

static void *
worker(void *arg)
{
	unsigned long seen = (unsigned long)(uintptr_t)arg;

	for (;;) {
		struct timespec t0;
		job j;
		bool joined = false;

		/* spin a while for the next job, then sleep */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned n = 0; atomic_load(&pool.jobno) == seen; n++) {
			if ((n & 255) == 255 && elapsed_ns(&t0) > SPIN_NS)
				break;
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
		pthread_mutex_lock(&pool.mu);
		while (atomic_load(&pool.jobno) == seen)
			pthread_cond_wait(&pool.wake, &pool.mu);
		seen = atomic_load(&pool.jobno);
		if (pool.open && pool.seats > 0) {
			pool.seats--;
			pool.active++;
			j = pool.cur;
			joined = true;
		}
		pthread_mutex_unlock(&pool.mu);
		if (!joined)
			continue;
		take_parts(&j);
		pthread_mutex_lock(&pool.mu);
		if (--pool.active == 0)
			pthread_cond_signal(&pool.done);
		pthread_mutex_unlock(&pool.mu);
	}
	return NULL;
}

/* Makes workers until there are want of them (as far as possible). */
static void
grow_pool(unsigned want)
{
	pthread_attr_t attr;

	if (pool.nworkers >= want)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (pool.nworkers < want) {
		pthread_t tid;
		unsigned long seen = atomic_load(&pool.jobno);

		if (pthread_create(&tid, &attr, worker,
				   (void *)(uintptr_t)seen) != 0)
			break;
		pool.nworkers++;
	}
	pthread_attr_destroy(&attr);
}

void
st_par_run(unsigned nparts, void (*fn)(void *arg), void *args, size_t size)
{
	unsigned nthreads = st_par_threads();
	atomic_uint next;
	job j;

	if (nparts == 0)
		return;
	if (nthreads > nparts)
		nthreads = nparts;
	atomic_init(&next, 0);
	j.fn = fn;
	j.args = args;
	j.size = size;
	j.nparts = nparts;
	j.next = &next;
	if (nthreads < 2 || in_part) {
		bool outer = in_part;

		take_parts(&j);
		in_part = outer;
		return;
	}
	pthread_mutex_lock(&pool.mu);
	grow_pool(nthreads - 1);
	pool.cur = j;
	pool.open = true;
	pool.seats = nthreads - 1;
	atomic_fetch_add(&pool.jobno, 1);
	pthread_cond_broadcast(&pool.wake);
	pthread_mutex_unlock(&pool.mu);

	take_parts(&j);

	pthread_mutex_lock(&pool.mu);
	pool.open = false;
	while (pool.active > 0)
		pthread_cond_wait(&pool.done, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
}
