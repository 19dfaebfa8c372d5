/*
 * test_par.c - st_par_threads' and st_par_parts' choices (CPU count,
 * per-part minimum, STRATA_THREADS, STRATA_PAR_MIN) and st_par_run: every
 * part runs exactly once, on up to st_par_threads() threads at the same
 * time (the calling one among them), and all are done on return.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/par.h"

static void
clear_env(void)
{
	unsetenv("STRATA_THREADS");
	unsetenv("STRATA_PAR_MIN");
}

static void
test_util_par__parts(void **state)
{
	cpu_set_t set;
	unsigned ncpu, per = ST_PAR_PER_THREAD;

	(void)state;
	clear_env();
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	ncpu = (unsigned)CPU_COUNT(&set);
	if (ncpu > ST_PAR_THREADS)
		ncpu = ST_PAR_THREADS;
	/* the affinity mask, or fewer under a cgroup CPU quota */
	assert_true(st_par_threads() >= 1 && st_par_threads() <= ncpu);
	ncpu = st_par_threads();
	/* by default: ST_PAR_PER_THREAD parts per CPU, each part at least
	 * min units; one part on a one-CPU machine */
	assert_int_equal(st_par_parts(1000000, 100), ncpu > 1 ? ncpu * per : 1);
	assert_int_equal(st_par_parts(99, 100), 1);
	assert_int_equal(st_par_parts(0, 100), 1);
	assert_int_equal(st_par_parts(150, 100), 1);
	assert_int_equal(st_par_parts(250, 100), ncpu > 1 ? 2 : 1);
	/* STRATA_THREADS sets the threads, even beyond the CPU count */
	setenv("STRATA_THREADS", "1", 1);
	assert_int_equal(st_par_threads(), 1);
	assert_int_equal(st_par_parts(1000000, 100), 1);
	setenv("STRATA_THREADS", "3", 1);
	assert_int_equal(st_par_threads(), 3);
	assert_int_equal(st_par_parts(1000000, 100), 3 * per);
	assert_int_equal(st_par_parts(250, 100), 2);
	setenv("STRATA_THREADS", "100", 1);
	assert_int_equal(st_par_threads(), ST_PAR_THREADS);
	assert_int_equal(st_par_parts(1000000, 1), ST_PAR_MAX);
	/* not a number: ignored */
	setenv("STRATA_THREADS", "two", 1);
	assert_int_equal(st_par_threads(), ncpu);
	/* STRATA_PAR_MIN replaces each caller's minimum */
	setenv("STRATA_THREADS", "4", 1);
	setenv("STRATA_PAR_MIN", "1", 1);
	assert_int_equal(st_par_parts(3, 100), 3);
	assert_int_equal(st_par_parts(2, 100000), 2);
	setenv("STRATA_PAR_MIN", "0", 1);
	assert_int_equal(st_par_parts(7, 100), 7);
	assert_int_equal(st_par_parts(1000, 100), 4 * per);
	clear_env();
}

typedef struct job {
	int index;
	int runs;
	pthread_t thread;
	atomic_int *arrived;
	int nparts;
	int saw_all;    /* every part had started while this one ran */
	bool sigint_blocked;
} job;

/* Waits (up to ~2 s) until all nparts parts have started: proves they run
 * at the same time, not one after another (nparts 0: no waiting). */
static void
work(void *arg)
{
	job *j = arg;
	struct timespec ts = { 0, 1000000 };
	sigset_t mask;

	j->runs++;
	j->thread = pthread_self();
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	j->sigint_blocked = sigismember(&mask, SIGINT) == 1;
	atomic_fetch_add(j->arrived, 1);
	if (j->nparts == 0)
		return;
	for (int i = 0; i < 2000; i++) {
		if (atomic_load(j->arrived) == j->nparts) {
			j->saw_all = 1;
			break;
		}
		nanosleep(&ts, NULL);
	}
}

/* Four threads, four parts that wait for each other: each part on a
 * thread of its own, the calling thread one of them. */
static void
test_util_par__run(void **state)
{
	job jobs[4];
	atomic_int arrived = 0;
	bool here = false;

	(void)state;
	setenv("STRATA_THREADS", "4", 1);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < 4; i++) {
		jobs[i].index = i;
		jobs[i].arrived = &arrived;
		jobs[i].nparts = 4;
	}
	st_par_run(4, work, jobs, sizeof(jobs[0]));
	assert_int_equal(atomic_load(&arrived), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(jobs[i].runs, 1);
		assert_true(jobs[i].saw_all);
		here |= pthread_equal(jobs[i].thread, pthread_self()) != 0;
		/* signals go to the main thread, never to a worker */
		if (!pthread_equal(jobs[i].thread, pthread_self()))
			assert_true(jobs[i].sigint_blocked);
		else
			assert_false(jobs[i].sigint_blocked);
		for (int k = 0; k < i; k++)
			assert_false(pthread_equal(jobs[i].thread, jobs[k].thread));
	}
	assert_true(here);
	clear_env();
}

/* More parts than threads: each part once, on at most two threads. */
static void
test_util_par__more_parts_than_threads(void **state)
{
	job jobs[20];
	atomic_int arrived = 0;
	pthread_t seen[20];
	int nseen = 0;

	(void)state;
	setenv("STRATA_THREADS", "2", 1);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < 20; i++) {
		jobs[i].arrived = &arrived;
		jobs[i].nparts = 0;     /* no waiting */
	}
	st_par_run(20, work, jobs, sizeof(jobs[0]));
	assert_int_equal(atomic_load(&arrived), 20);
	for (int i = 0; i < 20; i++) {
		bool known = false;

		assert_int_equal(jobs[i].runs, 1);
		for (int k = 0; k < nseen; k++)
			known |= pthread_equal(seen[k], jobs[i].thread) != 0;
		if (!known)
			seen[nseen++] = jobs[i].thread;
	}
	assert_true(nseen >= 1 && nseen <= 2);
	clear_env();
}

/* A part that runs parts of its own: they run in that part's thread. */
typedef struct outer {
	int inner_runs[3];
	pthread_t thread;
	bool inner_same_thread;
} outer;

static void
inner_work(void *arg)
{
	int *runs = arg;

	(*runs)++;
}

static void
outer_work(void *arg)
{
	outer *o = arg;

	o->thread = pthread_self();
	st_par_run(3, inner_work, o->inner_runs, sizeof(o->inner_runs[0]));
	o->inner_same_thread = true;
}

static void
test_util_par__nested(void **state)
{
	outer o[6];

	(void)state;
	setenv("STRATA_THREADS", "3", 1);
	memset(o, 0, sizeof(o));
	for (int round = 0; round < 50; round++) {
		st_par_run(6, outer_work, o, sizeof(o[0]));
		for (int i = 0; i < 6; i++) {
			assert_true(o[i].inner_same_thread);
			for (int k = 0; k < 3; k++)
				assert_int_equal(o[i].inner_runs[k], round + 1);
		}
	}
	clear_env();
}

/* Many short jobs in a row on the kept workers: each part once, every
 * time (a worker arriving late to a job must not run it twice or run a
 * stale one). */
static void
add_one(void *arg)
{
	atomic_int *x = arg;

	atomic_fetch_add(x, 1);
}

static void
test_util_par__many_jobs(void **state)
{
	atomic_int cells[16];

	(void)state;
	setenv("STRATA_THREADS", "4", 1);
	for (int i = 0; i < 16; i++)
		atomic_init(&cells[i], 0);
	for (int round = 1; round <= 2000; round++) {
		unsigned n = 1 + (unsigned)round % 16;

		st_par_run(n, add_one, cells, sizeof(cells[0]));
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(atomic_exchange(&cells[i], 0), 1);
	}
	clear_env();
}

/* Two threads of a program running jobs at the same time (the studio
 * serves requests on threads): every part of each runs once, no hang. */
static void *
jobs_in_a_row(void *arg)
{
	atomic_int *cells = arg;

	for (int round = 1; round <= 500; round++) {
		unsigned n = 1 + (unsigned)round % 8;

		st_par_run(n, add_one, cells, sizeof(cells[0]));
		for (unsigned i = 0; i < n; i++)
			if (atomic_exchange(&cells[i], 0) != 1)
				return (void *)1;
	}
	return NULL;
}

static void
test_util_par__two_callers(void **state)
{
	atomic_int a[8], b[8];
	pthread_t t;
	void *ra, *rb;

	(void)state;
	setenv("STRATA_THREADS", "3", 1);
	for (int i = 0; i < 8; i++) {
		atomic_init(&a[i], 0);
		atomic_init(&b[i], 0);
	}
	assert_int_equal(pthread_create(&t, NULL, jobs_in_a_row, a), 0);
	rb = jobs_in_a_row(b);
	assert_int_equal(pthread_join(t, &ra), 0);
	assert_null(ra);
	assert_null(rb);
	clear_env();
}

static void
test_util_par__one_part_stays_here(void **state)
{
	job j;
	atomic_int arrived = 0;

	(void)state;
	memset(&j, 0, sizeof(j));
	j.arrived = &arrived;
	j.nparts = 1;
	st_par_run(1, work, &j, sizeof(j));
	assert_int_equal(j.runs, 1);
	assert_true(pthread_equal(j.thread, pthread_self()));
	st_par_run(0, work, &j, sizeof(j));
	assert_int_equal(j.runs, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_par__parts),
		cmocka_unit_test(test_util_par__run),
		cmocka_unit_test(test_util_par__more_parts_than_threads),
		cmocka_unit_test(test_util_par__nested),
		cmocka_unit_test(test_util_par__many_jobs),
		cmocka_unit_test(test_util_par__two_callers),
		cmocka_unit_test(test_util_par__one_part_stays_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
