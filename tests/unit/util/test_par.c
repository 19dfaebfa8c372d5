/*
 * test_par.c - st_par_parts' choice of the number of parts (CPU count,
 * per-part minimum, STRATA_THREADS, STRATA_PAR_MIN) and st_par_run: every
 * part runs exactly once, part 0 on the calling thread, the others on
 * threads of their own, at the same time, and all are done on return.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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
	unsigned ncpu;

	(void)state;
	clear_env();
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	ncpu = (unsigned)CPU_COUNT(&set);
	if (ncpu > ST_PAR_MAX)
		ncpu = ST_PAR_MAX;
	/* by default: one part per CPU, each part at least min units */
	assert_int_equal(st_par_parts(1000000, 100), ncpu);
	assert_int_equal(st_par_parts(99, 100), 1);
	assert_int_equal(st_par_parts(0, 100), 1);
	assert_int_equal(st_par_parts(150, 100), 1);
	/* STRATA_THREADS caps the parts, and is used beyond the CPU count */
	setenv("STRATA_THREADS", "1", 1);
	assert_int_equal(st_par_parts(1000000, 100), 1);
	setenv("STRATA_THREADS", "3", 1);
	assert_int_equal(st_par_parts(1000000, 100), 3);
	assert_int_equal(st_par_parts(250, 100), 2);
	setenv("STRATA_THREADS", "100", 1);
	assert_int_equal(st_par_parts(1000000, 1), ST_PAR_MAX);
	/* not a number: ignored */
	setenv("STRATA_THREADS", "two", 1);
	assert_int_equal(st_par_parts(1000000, 100), ncpu);
	/* STRATA_PAR_MIN replaces each caller's minimum */
	setenv("STRATA_THREADS", "4", 1);
	setenv("STRATA_PAR_MIN", "1", 1);
	assert_int_equal(st_par_parts(3, 100), 3);
	assert_int_equal(st_par_parts(2, 100000), 2);
	setenv("STRATA_PAR_MIN", "0", 1);
	assert_int_equal(st_par_parts(7, 100), 4);
	clear_env();
}

typedef struct job {
	int index;
	int runs;
	pthread_t thread;
	atomic_int *arrived;
	int nparts;
	int saw_all;    /* every part had started while this one ran */
} job;

/* Waits (up to ~2 s) until all parts have started: proves they run at the
 * same time, not one after another. */
static void
work(void *arg)
{
	job *j = arg;
	struct timespec ts = { 0, 1000000 };

	j->runs++;
	j->thread = pthread_self();
	atomic_fetch_add(j->arrived, 1);
	for (int i = 0; i < 2000; i++) {
		if (atomic_load(j->arrived) == j->nparts) {
			j->saw_all = 1;
			break;
		}
		nanosleep(&ts, NULL);
	}
}

static void
test_util_par__run(void **state)
{
	job jobs[4];
	atomic_int arrived = 0;

	(void)state;
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
		for (int k = 0; k < i; k++)
			assert_false(pthread_equal(jobs[i].thread, jobs[k].thread));
	}
	assert_true(pthread_equal(jobs[0].thread, pthread_self()));
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
		cmocka_unit_test(test_util_par__one_part_stays_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
