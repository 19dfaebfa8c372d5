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
