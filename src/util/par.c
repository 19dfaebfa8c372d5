/*
 * par.c - see par.h.
 */
#include "util/par.h"

#include "util/arena.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * CPUs a cgroup quota allows, rounded up, or 0 for no quota: cgroup v2's
 * cpu.max ("QUOTA PERIOD" or "max PERIOD") or v1's cpu.cfs_quota_us and
 * cpu.cfs_period_us, for the process's own cgroup and its ancestors (a
 * container started with --cpus=1 sees every CPU of the host in its
 * affinity mask, but its threads get one CPU's time: two threads, one of
 * them spinning, would only slow it down).
 */
static long
read_long(const char *path, char *rest, size_t restlen)
{
	FILE *f = fopen(path, "re");
	char buf[128];
	long v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		char *end;

		if (strncmp(buf, "max", 3) == 0) {
			v = 0;
			end = buf + 3;
		} else {
			v = strtol(buf, &end, 10);
			if (end == buf)
				v = -1;
		}
		if (rest)
			snprintf(rest, restlen, "%s", end);
	}
	fclose(f);
	return v;
}

static unsigned
quota_in(const char *dir, bool v2)
{
	char path[4096], rest[128];
	long quota, period;

	if (v2) {
		snprintf(path, sizeof(path), "%s/cpu.max", dir);
		quota = read_long(path, rest, sizeof(rest));
		period = strtol(rest, NULL, 10);
	} else {
		snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
		quota = read_long(path, NULL, 0);
		snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
		period = read_long(path, NULL, 0);
	}
	if (quota <= 0 || period <= 0)
		return 0;
	return (unsigned)((quota + period - 1) / period);
}

static unsigned
cgroup_cpus(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	unsigned best = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *ctrl = strchr(line, ':'), *cg, dir[4096];
		bool v2;
		size_t base;

		if (!ctrl || !(cg = strchr(ctrl + 1, ':')))
			continue;
		*cg++ = '\0';
		cg[strcspn(cg, "\n")] = '\0';
		ctrl++;
		v2 = *ctrl == '\0';
		if (!v2) {
			/* "cpu" or "cpu,cpuacct", not "cpuset"/"cpuacct" alone */
			char *t, *save = NULL;
			bool cpu = false;

			for (t = strtok_r(ctrl, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				cpu |= strcmp(t, "cpu") == 0;
			if (!cpu)
				continue;
		}
		base = (size_t)snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s",
					v2 ? "" : "/cpu");
		if (base >= sizeof(dir))
			continue;
		/* the cgroup, then each ancestor up to the mount's root */
		for (;;) {
			unsigned q;
			char *slash;

			snprintf(dir + base, sizeof(dir) - base, "%s",
				 strcmp(cg, "/") == 0 ? "" : cg);
			q = quota_in(dir, v2);
			if (q && (!best || q < best))
				best = q;
			slash = strrchr(cg, '/');
			if (!slash || slash == cg)
				break;
			*slash = '\0';
		}
		if (v2) {
			unsigned q;

			/* /sys/fs/cgroup itself (a namespaced container) */
			dir[base] = '\0';
			q = quota_in(dir, true);
			if (q && (!best || q < best))
				best = q;
		}
	}
	fclose(f);
	return best;
}

static unsigned ncpus;
static pthread_once_t ncpus_once = PTHREAD_ONCE_INIT;

static void
count_cpus(void)
{
	cpu_set_t set;
	int n = 1;
	unsigned quota;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n < 1)
		n = 1;
	quota = cgroup_cpus();
	ncpus = quota && quota < (unsigned)n ? quota : (unsigned)n;
}

/* CPUs this process may use: its affinity mask, capped by a cgroup CPU
 * quota; counted once. */
static unsigned
cpus(void)
{
	pthread_once(&ncpus_once, count_cpus);
	return ncpus;
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
	unsigned threads;
	size_t parts;

	min = env_count("STRATA_PAR_MIN", min);
	if (min == 0)
		min = 1;
	parts = n / min;
	if (parts < 2)
		return 1;       /* small: no need to count CPUs */
	threads = st_par_threads();
	if (threads < 2)
		return 1;
	if (parts > (size_t)threads * ST_PAR_PER_THREAD)
		parts = (size_t)threads * ST_PAR_PER_THREAD;
	return (unsigned)parts;
}

/*
 * The workers.  Threads are made on the first st_par_run and kept: a big
 * command runs a dozen parallel sections a few milliseconds apart
 * (parser, validator phases, SQL schema, renderer), and a thread made
 * per section, on a virtual machine, often starts a millisecond or more
 * after it is asked for, while the section itself lasts 2 to 10 ms.
 * Between sections a worker spins for SPIN_NS (5 ms) on the job number
 * (so its CPU stays awake and the next section starts at once), then
 * sleeps on the condition variable.  The process never waits for them:
 * exit() ends them wherever they are.
 *
 * One job at a time: st_par_run posts it under the mutex (fn, args, the
 * part counter, a new job number), takes parts itself, then closes the
 * job, so that a worker arriving late joins nothing, and waits until the
 * workers that joined have finished their parts.  A worker copies the job
 * under the mutex when it joins, so it never sees half of one.  A part
 * may itself call st_par_run: that runs on its own thread, in order.
 * Two threads may call st_par_run at once: each still takes its own
 * job's parts until none is left, so every part runs once; a job may
 * then get fewer workers, or wait for the other job's.
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

		/* spin a while for the next job, then sleep; with nothing
		 * to do, populate the memory the command asked for ahead
		 * (st_par_prefault), one huge page at a time */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned n = 0; atomic_load(&pool.jobno) == seen; n++) {
			if (st_arena_prefault_step()) {
				clock_gettime(CLOCK_MONOTONIC, &t0);
				continue;
			}
			if ((n & 255) == 255 && elapsed_ns(&t0) > SPIN_NS)
				break;
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
		pthread_mutex_lock(&pool.mu);
		while (atomic_load(&pool.jobno) == seen &&
		       !st_arena_prefault_pending())
			pthread_cond_wait(&pool.wake, &pool.mu);
		if (atomic_load(&pool.jobno) == seen) {
			pthread_mutex_unlock(&pool.mu);
			continue;          /* woken to prefault */
		}
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
		/* broadcast: two threads of a program (the studio serves
		 * each request on a thread of its own) may both be waiting */
		if (--pool.active == 0)
			pthread_cond_broadcast(&pool.done);
		pthread_mutex_unlock(&pool.mu);
	}
	return NULL;
}

/* Makes workers until there are want of them (as far as possible). */
static void
grow_pool(unsigned want)
{
	pthread_attr_t attr;
	sigset_t all, old;

	if (pool.nworkers >= want)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* workers block every signal (they inherit this thread's mask), so
	 * that a Ctrl-C or a child's SIGCHLD reaches the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (pool.nworkers < want) {
		pthread_t tid;
		unsigned long seen = atomic_load(&pool.jobno);

		if (pthread_create(&tid, &attr, worker,
				   (void *)(uintptr_t)seen) != 0)
			break;
		pool.nworkers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
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
	/* while the workers finish their last parts: prefault, if asked */
	while (pool.active > 0) {
		pthread_mutex_unlock(&pool.mu);
		if (!st_arena_prefault_step()) {
			pthread_mutex_lock(&pool.mu);
			while (pool.active > 0)
				pthread_cond_wait(&pool.done, &pool.mu);
			break;
		}
		pthread_mutex_lock(&pool.mu);
	}
	pthread_mutex_unlock(&pool.mu);
}

void
st_par_prefault(size_t bytes)
{
	unsigned nthreads = st_par_threads();

	if (nthreads < 2)
		return;
	st_arena_prefault(bytes);
	pthread_mutex_lock(&pool.mu);
	grow_pool(nthreads - 1);
	pthread_cond_broadcast(&pool.wake);
	pthread_mutex_unlock(&pool.mu);
}
