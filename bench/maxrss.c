/*
 * maxrss.c - runs a command N times and reports its wall time, CPU time
 * and peak memory, for make bench (GNU time is not always installed).
 *
 *	maxrss [-n RUNS] [-b BUDGET_MS] [-o OUT] -- cmd args...
 *
 * Prints one line:  WALL_MS CPU_MS MAXRSS_KB STATUS  where WALL_MS is the
 * median wall time, CPU_MS the median user+system time (of the command
 * and every descendant it waited for), MAXRSS_KB the largest resident
 * set of any process of the tree over all runs (wait4() rusage), and
 * STATUS the exit code of the first run that did not exit 0 (0 when all
 * did; 128+N for a signal).
 *
 * -b: after the first run, do at most BUDGET_MS / first-run-time runs
 * (at least 1), so that a slow peer is not run N times.  stdin is
 * /dev/null; stdout goes to OUT (default /dev/null, the last run's output
 * is kept), stderr to /dev/null.  Timing overhead is a fork + exec; no
 * shell is involved.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
tv_ms(struct timeval tv)
{
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run: returns the exit status (128+sig on a signal, 127 when the
 * command could not be started); sets wall/cpu ms and maxrss kB. */
static int
run_once(char **argv, const char *out, double *wall, double *cpu, long *rss)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int st;

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		exit(2);
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open("/dev/null", O_WRONLY);

		if (in < 0 || o < 0 || e < 0)
			_exit(127);
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("maxrss: wait4");
		exit(2);
	}
	*wall = now_ms() - t0;
	*cpu = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	*rss = ru.ru_maxrss;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int
main(int argc, char **argv)
{
	const char *out = "/dev/null";
	int n = 5, c, i, status = 0;
	double budget = 0, *walls, *cpus;
	long maxrss = 0;

	while ((c = getopt(argc, argv, "+n:b:o:")) != -1) {
		switch (c) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'b':
			budget = atof(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: maxrss [-n RUNS] [-b BUDGET_MS] "
					"[-o OUT] -- cmd args...\n");
			return 2;
		}
	}
	if (optind >= argc || n < 1) {
		fprintf(stderr, "maxrss: no command\n");
		return 2;
	}
	argv += optind;
	walls = calloc(n, sizeof(*walls));
	cpus = calloc(n, sizeof(*cpus));
	if (!walls || !cpus)
		return 2;
	for (i = 0; i < n; i++) {
		long rss;
		int rc = run_once(argv, out, &walls[i], &cpus[i], &rss);

		if (rc && !status)
			status = rc;
		if (rss > maxrss)
			maxrss = rss;
		if (i == 0 && budget > 0 && walls[0] > 0) {
			double fit = budget / walls[0];

			if (fit < n)
				n = fit < 1 ? 1 : (int)fit;
		}
	}
	printf("%.3f %.3f %ld %d\n", median(walls, n), median(cpus, n), maxrss,
	       status);
	return 0;
}
