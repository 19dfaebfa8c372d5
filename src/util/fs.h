/*
 * fs.h - files and directories, with errors reported through st_ctx.
 */
#ifndef ST_UTIL_FS_H
#define ST_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/vec.h"

/* Largest file strata reads (schemas and migrations): 64 MiB. */
#define ST_FS_MAX_FILE (64u * 1024 * 1024)

/* Reads a whole file into cx's arena (NUL-terminated).
 * ST_ENOTFOUND when it does not exist, ST_ERROR otherwise. */
int st_file_read(st_ctx *cx, const char *path, char **out, size_t *len);
/* Writes atomically (temp file + rename) with mode 0644. */
int st_file_write(st_ctx *cx, const char *path, const char *data, size_t len);

/*
 * The same atomic write in pieces, for text that is written as it is
 * made (a big migration script, see st_render_script_to):
 *
 *	st_file_out f;
 *	if (st_file_out_open(cx, &f, path) < 0) return cx->err;
 *	...st_file_out_write(cx, &f, piece, n) for each piece...
 *	rc = st_file_out_commit(cx, &f);   // or st_file_out_abort(&f)
 *
 * The file appears, complete, at commit (a rename), never half written.
 * Each call returns 0 or ST_ERROR with the messages of st_file_write; a
 * failed write or commit has already removed the temporary file, and
 * then nothing more needs to be called.
 */
typedef struct st_file_out {
	int fd;
	const char *path, *tmp;    /* in cx's arena */
} st_file_out;

int st_file_out_open(st_ctx *cx, st_file_out *f, const char *path);
int st_file_out_write(st_ctx *cx, st_file_out *f, const char *data,
		      size_t len);
int st_file_out_commit(st_ctx *cx, st_file_out *f);
/* Gives up: closes and removes the temporary file. */
void st_file_out_abort(st_file_out *f);

/* write(2) until all of data is written (EINTR retried): 0, or -1 with
 * errno set. */
int st_fd_write_all(int fd, const char *data, size_t len);

bool st_path_exists(const char *path);
bool st_path_is_dir(const char *path);
bool st_path_is_file(const char *path);
/* a/b, without doubling the slash; in cx's arena */
char *st_path_join(st_arena *a, const char *dir, const char *name);
/* directory part ("." when none) and last component */
char *st_path_dirname(st_arena *a, const char *path);
const char *st_path_basename(const char *path);
/* mkdir -p */
int st_mkdir_p(st_ctx *cx, const char *path);

/* Names of the entries in dir (no "." or ".."), sorted bytewise.
 * Each item is a char * in cx's arena. */
int st_dir_list(st_ctx *cx, const char *dir, st_vec *out);

#endif
