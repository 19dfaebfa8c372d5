/*
 * psl_bench.c - strata's in-process time for the schema pipeline, without
 * process start-up or file reading (for make bench; built against
 * $BUILD/libstrata.a by bench/psl.sh).
 *
 *	psl_bench [-n ITERATIONS] SCHEMA
 *
 * Reads SCHEMA once, then ITERATIONS times (default 50), each in a fresh
 * context/arena: st_psl_parse_schema, st_psl_validate, and, for the
 * stages of `migrate diff --from-empty --script`, st_schema_from_psl,
 * st_diff from the empty schema and st_render_script.  Prints one line
 * per stage and for parse+validate and the whole pipeline:
 *
 *	STAGE MEDIAN_MS MIN_MS MEDIAN_CPU_MS
 *
 * (wall times from CLOCK_MONOTONIC; CPU time of the thread from
 * CLOCK_THREAD_CPUTIME_ID, which a busy machine inflates much less)
 *
 * Exit 1 when the schema does not parse/validate (diagnostics on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/steps.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/strbuf.h"

enum { S_PARSE, S_VALIDATE, S_FROM_PSL, S_DIFF, S_RENDER, S_PV, S_ALL, NS };
static const char *const stage_name[NS] = {
	"parse", "validate", "sql_schema", "diff", "render",
	"parse+validate", "diff_pipeline",
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b);

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
print_diags(st_ctx *cx)
{
	st_strbuf sb = ST_STRBUF_INIT;

	for (size_t i = 0; i < cx->diags.len; i++) {
		st_diag_render(&sb, cx->diags.items[i], false);
		st_strbuf_addch(&sb, '\n');
	}
	fputs(sb.buf, stderr);
	if (cx->err_msg.len)
		fprintf(stderr, "psl_bench: %s\n", cx->err_msg.buf);
	st_strbuf_release(&sb);
}

int
main(int argc, char **argv)
{
	int n = 50, c;
	st_ctx *rcx;
	st_vec srcs;
	double *t[NS], *cpu[NS];

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c == 'n')
			n = atoi(optarg);
		else
			goto usage;
	}
	if (optind + 1 != argc || n < 1) {
usage:
		fprintf(stderr, "usage: psl_bench [-n ITERATIONS] SCHEMA\n");
		return 2;
	}
	rcx = st_ctx_new(NULL);
	if (st_psl_read_sources(rcx, argv[optind], &srcs) < 0) {
		print_diags(rcx);
		return 1;
	}
	for (int s = 0; s < NS; s++)
	{
		t[s] = calloc(n, sizeof(double));
		cpu[s] = calloc(n, sizeof(double));
	}

	for (int i = 0; i < n; i++) {
		st_ctx *cx = st_ctx_new(NULL);
		st_psl_schema *ast;
		st_psl_model *model;
		st_schema *to;
		st_diff_result *m;
		st_strbuf out = ST_STRBUF_INIT;
		double t0, t1, t2, t3, t4, t5, c[6];

		c[0] = cpu_ms();
		t0 = now_ms();
		if (st_psl_parse_schema(cx, (st_source **)srcs.items, srcs.len,
					&ast) < 0)
			goto fail;
		t1 = now_ms();
		c[1] = cpu_ms();
		if (st_psl_validate(cx, ast, &model) < 0 ||
		    st_diag_count(cx, ST_SEV_ERROR))
			goto fail;
		t2 = now_ms();
		c[2] = cpu_ms();
		if (st_schema_from_psl(cx, model, &to) < 0)
			goto fail;
		t3 = now_ms();
		c[3] = cpu_ms();
		if (st_diff(cx, st_schema_empty(cx), to, &m) < 0)
			goto fail;
		t4 = now_ms();
		c[4] = cpu_ms();
		st_render_script(cx, &out, m);
		t5 = now_ms();
		c[5] = cpu_ms();
		t[S_PARSE][i] = t1 - t0;
		t[S_VALIDATE][i] = t2 - t1;
		t[S_FROM_PSL][i] = t3 - t2;
		t[S_DIFF][i] = t4 - t3;
		t[S_RENDER][i] = t5 - t4;
		t[S_PV][i] = t2 - t0;
		t[S_ALL][i] = t5 - t0;
		for (int s = 0; s < S_PV; s++)
			cpu[s][i] = c[s + 1] - c[s];
		cpu[S_PV][i] = c[2] - c[0];
		cpu[S_ALL][i] = c[5] - c[0];
		st_strbuf_release(&out);
		st_ctx_free(cx);
		continue;
fail:
		print_diags(cx);
		return 1;
	}
	for (int s = 0; s < NS; s++) {
		double med = median(t[s], n);

		printf("%s %.3f %.3f %.3f\n", stage_name[s], med, t[s][0],
		       median(cpu[s], n));
	}
	return 0;
}
