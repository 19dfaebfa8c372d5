/*
 * par.h - splitting one big job across the machine's cores.
 *
 * strata is a one-shot command, and the only work worth threads is a big
 * schema (thousands of models): the parser, the validator, the SQL schema
 * builder and the renderer each cut their input into parts, run one
 * function per part (part 0 on the calling thread, the others on threads
 * of their own), then join the parts' results in order, so that what
 * comes out is byte for byte what a one-thread run gives.
 *
 *	unsigned n = st_par_parts(nmodels, 500);
 *	job jobs[ST_PAR_MAX];
 *	...fill jobs[0..n), each with its range and its own st_ctx...
 *	st_par_run(n, work, jobs, sizeof(jobs[0]));
 *	...append jobs[1..n)'s results to jobs[0]'s, in order...
 *
 * Rules for a part: it allocates only from an arena of its own (a child
 * of the command's arena made before st_par_run, e.g. st_ctx_new(), since
 * making a child arena changes its parent), reports diagnostics on a
 * st_ctx of its own, and only reads what the parts share.
 *
 * Threads: one per CPU the process may run on (sched_getaffinity, capped
 * by a cgroup v1 or v2 CPU quota: a container limited to one CPU gets one
 * thread), at most ST_PAR_THREADS.  Parts: ST_PAR_PER_THREAD per thread,
 * and only as many as leave each part at least `min` units of work (a
 * section on threads costs some tens of microseconds; a small schema is
 * done sooner on one).  There are more
 * parts than threads because the threads take the parts in turn, each the
 * next one not yet taken: on a busy machine, where one thread may wait
 * for a CPU while the other runs, the running one goes on with the rest
 * instead of everything waiting for the slow half.  Environment:
 *	STRATA_THREADS=N   N threads (1: never split); when set, N is used
 *	                   even beyond the CPU count
 *	STRATA_PAR_MIN=K   K units per part instead of each caller's minimum
 *	                   (tests set 1 to split even tiny schemas)
 */
#ifndef ST_UTIL_PAR_H
#define ST_UTIL_PAR_H

#include <stddef.h>

#define ST_PAR_THREADS 8
#define ST_PAR_PER_THREAD 4
#define ST_PAR_MAX (ST_PAR_THREADS * ST_PAR_PER_THREAD)

/* Number of threads to use (1..ST_PAR_THREADS; see above). */
unsigned st_par_threads(void);

/* Number of parts (1..ST_PAR_MAX) to cut n units of work into, each part
 * at least min units (see above); 1 when only one thread is to be used. */
unsigned st_par_parts(size_t n, size_t min);

/*
 * Runs fn on nparts arguments laid out size bytes apart from args:
 * fn(args), fn(args + size), ...; on this thread and up to
 * st_par_threads() - 1 others, each taking the next part not yet taken,
 * so any part may run on any thread.  Returns when all have returned.
 * When no thread can be started, every part runs on this one.
 */
void st_par_run(unsigned nparts, void (*fn)(void *arg), void *args,
		size_t size);

/*
 * Asks for the next `bytes` of arena memory to be made ready ahead of use
 * (st_arena_prefault: the kernel clears each fresh page on first touch)
 * by the workers, whenever they have no part to run: a big command has
 * one-thread stretches where they would only spin.  Starts the workers
 * if need be; does nothing when only one thread is to be used.
 */
void st_par_prefault(size_t bytes);

#endif
