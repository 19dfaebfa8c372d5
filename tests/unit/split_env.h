/*
 * split_env.h - shared by the unit tests that compare a stage split into
 * parts on threads (src/util/par.h) with its one-thread result, and that
 * read the corpus of real projects.  Header-only; include after
 * util/fs.h.
 */
#ifndef ST_TESTS_SPLIT_ENV_H
#define ST_TESTS_SPLIT_ENV_H

#include <stdbool.h>
#include <stdlib.h>

/* STRATA_THREADS and STRATA_PAR_MIN as given; NULL unsets one. */
static inline void
split_env(const char *threads, const char *par_min)
{
	if (threads)
		setenv("STRATA_THREADS", threads, 1);
	else
		unsetenv("STRATA_THREADS");
	if (par_min)
		setenv("STRATA_PAR_MIN", par_min, 1);
	else
		unsetenv("STRATA_PAR_MIN");
}

/* The schema of corpus project folder dir: its "schema" folder, else its
 * "schema.prisma", else NULL. */
static inline char *
corpus_schema(st_arena *a, const char *dir)
{
	char *p = st_path_join(a, dir, "schema");

	if (!st_path_is_dir(p))
		p = st_path_join(a, dir, "schema.prisma");
	return st_path_exists(p) ? p : NULL;
}

/* Appends the schema of every project of the corpus folder (see
 * corpus_schema) to out, in folder order; false when there is no such
 * folder (the caller says what it skips). */
static inline bool
corpus_schemas(st_ctx *cx, const char *corpus, st_vec *out)
{
	st_vec names;

	if (!st_path_is_dir(corpus) || st_dir_list(cx, corpus, &names) < 0)
		return false;
	for (size_t i = 0; i < names.len; i++) {
		char *p = corpus_schema(cx->arena,
			st_path_join(cx->arena, corpus, names.items[i]));

		if (p)
			st_vec_push(out, p);
	}
	return true;
}

#endif
