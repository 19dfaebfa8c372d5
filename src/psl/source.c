/*
 * source.c - reading a schema from disk: one .prisma file, or every
 * .prisma file below a schema folder (Prisma's prismaSchemaFolder layout),
 * checked to be UTF-8 before anyone parses it.  The file is read into
 * memory rather than mapped: mapping a big one saved ~0.3 ms, but a
 * mapped file truncated by another process while strata reads it (an
 * editor saving in place) kills the process with SIGBUS.  (Checking a
 * 2.4 MB schema in parts on two threads was slower: the first section
 * on threads pays for starting the worker.)
 */
#include <string.h>
#include <sys/stat.h>

#include "psl/psl.h"
#include "util/fs.h"
#include "util/par.h"

/* A file this big is parsed on threads (parser.c's split starts at
 * 512 KB with two threads). */
#define BIG_SOURCE (512 * 1024)

static bool
has_prisma_ext(const char *name)
{
	size_t n = strlen(name);

	return n > 7 && strcmp(name + n - 7, ".prisma") == 0;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the .prisma files below dir (recursively) to paths. */
static int
walk(st_ctx *cx, const char *dir, st_vec *paths, int depth)
{
	st_vec names;
	int rc;

	if (depth > 32)
		return 0;
	st_vec_init(&names, cx->arena);
	if ((rc = st_dir_list(cx, dir, &names)) < 0)
		return rc;
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		char *path;

		if (name[0] == '.' || strcmp(name, "node_modules") == 0)
			continue;
		path = st_path_join(cx->arena, dir, name);
		if (st_path_is_dir(path)) {
			if ((rc = walk(cx, path, paths, depth + 1)) < 0)
				return rc;
		} else if (has_prisma_ext(name) && st_path_is_file(path)) {
			st_vec_push(paths, path);
		}
	}
	return 0;
}

/* Reads one file into a source, rejecting bytes that are not UTF-8. */
static int
read_one(st_ctx *cx, const char *path, st_vec *out)
{
	char *data;
	size_t len, bad;
	st_source *src;
	struct stat st;
	int rc;

	/* a big schema: the idle workers start making the memory of the
	 * whole pipeline ready (~32 bytes a byte of schema: the tree, the
	 * model, the SQL schema, the steps) while this thread reads and
	 * checks the file (see util/par.h) */
	if (stat(path, &st) == 0 && st.st_size >= BIG_SOURCE)
		st_par_prefault((size_t)st.st_size * 32);
	if ((rc = st_file_read(cx, path, &data, &len)) < 0)
		return rc;
	src = st_source_adopt(cx, path, data, len);
	bad = st_psl_utf8_check(src->text, src->len);
	if (bad < src->len) {
		st_span sp = { src, bad, bad + 1 };
		size_t line, col;
		st_diag *d;

		st_source_linecol(src, bad, &line, &col);
		d = st_diag_add(cx, ST_SEV_ERROR, sp,
				"the file is not valid UTF-8 (byte 0x%02x)",
				(unsigned char)src->text[bad]);
		d->code = ST_PSL_PCODE;
		st_err_setp(cx, ST_EPARSE, ST_PSL_PCODE,
			    "schema file \"%s\" is not valid UTF-8", path);
		st_err_detail(cx, "The first invalid byte is at line %zu, "
			      "column %zu.", line, col);
		st_err_hint(cx, "Save the file as UTF-8.");
		return ST_EPARSE;
	}
	st_vec_push(out, src);
	return 0;
}

int
st_psl_read_sources(st_ctx *cx, const char *path, st_vec *out)
{
	st_vec paths;
	int rc;

	st_vec_init(out, cx->arena);
	if (!st_path_exists(path)) {
		st_err_set(cx, ST_ENOTFOUND, "could not find schema file \"%s\"",
			   path);
		st_err_hint(cx, "Pass the schema location with --schema.");
		return ST_ENOTFOUND;
	}
	if (!st_path_is_dir(path))
		return read_one(cx, path, out);
	st_vec_init(&paths, cx->arena);
	if ((rc = walk(cx, path, &paths, 0)) < 0)
		return rc;
	if (paths.len == 0) {
		st_err_set(cx, ST_ENOTFOUND,
			   "no .prisma files found in directory \"%s\"", path);
		st_err_detail(cx, "A schema folder must contain at least one "
			      "file ending in .prisma.");
		return ST_ENOTFOUND;
	}
	st_vec_sort(&paths, cmp_path);
	for (size_t i = 0; i < paths.len; i++)
		if ((rc = read_one(cx, paths.items[i], out)) < 0)
			return rc;
	return 0;
}
