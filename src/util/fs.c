/*
 * fs.c - POSIX file helpers.
 */
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Opens path for reading and checks that it is a regular file of at
 * most ST_FS_MAX_FILE bytes: the descriptor, or a negative code with
 * st_file_read's messages.
 */
static int
open_regular(st_ctx *cx, const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return st_err_set(cx, ST_ENOTFOUND,
					  "could not open file \"%s\": %s", path,
					  strerror(errno));
		return st_err_set(cx, ST_ERROR, "could not open file \"%s\": %s",
				  path, strerror(errno));
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return st_err_set(cx, ST_ERROR, "\"%s\" is not a regular file",
				  path);
	}
	if ((unsigned long long)st->st_size > ST_FS_MAX_FILE) {
		close(fd);
		st_err_set(cx, ST_ERROR, "file \"%s\" is too large (%lld bytes)",
			   path, (long long)st->st_size);
		st_err_detail(cx, "strata reads files of at most %u MiB.",
			      ST_FS_MAX_FILE / (1024 * 1024));
		return cx->err;
	}
	return fd;
}

/* Reads the size bytes of fd into buf (fewer when the file shrank). */
static int
read_all(st_ctx *cx, const char *path, int fd, char *buf, size_t size,
	 size_t *got)
{
	*got = 0;
	while (*got < size) {
		ssize_t n = read(fd, buf + *got, size - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return st_err_set(cx, ST_ERROR,
					  "could not read file \"%s\": %s",
					  path, strerror(errno));
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* The rest of st_file_read, on fd (which it closes). */
static int
read_fd(st_ctx *cx, const char *path, int fd, const struct stat *st,
	char **out, size_t *len)
{
	char *buf = st_alloc(cx->arena, (size_t)st->st_size + 1);
	size_t got;
	int rc;

#ifdef MADV_POPULATE_WRITE
	/* A big file's buffer is fresh memory from the kernel: map all of it
	 * in one call rather than one page fault per 4 KB while read()
	 * copies (a 2.4 MB schema reads ~0.3 ms faster; an old kernel
	 * refuses the advice, and then the faults happen as before). */
	if (st->st_size >= 1024 * 1024) {
		uintptr_t a = ((uintptr_t)buf + 4095) & ~(uintptr_t)4095;
		uintptr_t e = ((uintptr_t)buf + (size_t)st->st_size) & ~(uintptr_t)4095;

		if (e > a)
			(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
	}
#endif
	rc = read_all(cx, path, fd, buf, (size_t)st->st_size, &got);
	close(fd);
	if (rc < 0)
		return rc;
	buf[got] = '\0';
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

int
st_file_read(st_ctx *cx, const char *path, char **out, size_t *len)
{
	struct stat st;
	int fd = open_regular(cx, path, &st);

	if (fd < 0)
		return fd;
	return read_fd(cx, path, fd, &st, out, len);
}

int
st_fd_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
st_file_out_open(st_ctx *cx, st_file_out *f, const char *path)
{
	f->path = path;
	f->tmp = st_strfmt(cx->arena, "%s.tmp.%ld", path, (long)getpid());
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0)
		return st_err_set(cx, ST_ERROR, "could not create file \"%s\": %s",
				  path, strerror(errno));
	return 0;
}

int
st_file_out_write(st_ctx *cx, st_file_out *f, const char *data, size_t len)
{
	if (st_fd_write_all(f->fd, data, len) < 0) {
		int e = errno;

		st_file_out_abort(f);
		return st_err_set(cx, ST_ERROR, "could not write file \"%s\": %s",
				  f->path, strerror(e));
	}
	return 0;
}

int
st_file_out_commit(st_ctx *cx, st_file_out *f)
{
	int rc = close(f->fd);

	f->fd = -1;
	if (rc < 0 || rename(f->tmp, f->path) < 0) {
		int e = errno;

		unlink(f->tmp);
		return st_err_set(cx, ST_ERROR, "could not write file \"%s\": %s",
				  f->path, strerror(e));
	}
	return 0;
}

void
st_file_out_abort(st_file_out *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unlink(f->tmp);
}

int
st_file_write(st_ctx *cx, const char *path, const char *data, size_t len)
{
	st_file_out f;

	if (st_file_out_open(cx, &f, path) < 0 ||
	    st_file_out_write(cx, &f, data, len) < 0)
		return cx->err;
	return st_file_out_commit(cx, &f);
}

bool
st_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

bool
st_path_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
st_path_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *
st_path_join(st_arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (!n || (name[0] == '/'))
		return st_strdup(a, name);
	if (dir[n - 1] == '/')
		return st_strfmt(a, "%s%s", dir, name);
	return st_strfmt(a, "%s/%s", dir, name);
}

char *
st_path_dirname(st_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return st_strdup(a, ".");
	if (slash == path)
		return st_strdup(a, "/");
	return st_strndup(a, path, (size_t)(slash - path));
}

const char *
st_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int
st_mkdir_p(st_ctx *cx, const char *path)
{
	char *p = st_strdup(cx->arena, path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return st_err_set(cx, ST_ERROR,
					  "could not create directory \"%s\": %s",
					  p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return st_err_set(cx, ST_ERROR,
				  "could not create directory \"%s\": %s", p,
				  strerror(errno));
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
st_dir_list(st_ctx *cx, const char *dir, st_vec *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return st_err_set(cx, errno == ENOENT ? ST_ENOTFOUND : ST_ERROR,
				  "could not open directory \"%s\": %s", dir,
				  strerror(errno));
	st_vec_init(out, cx->arena);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		st_vec_push(out, st_strdup(cx->arena, e->d_name));
	}
	closedir(d);
	st_vec_sort(out, cmp_str);
	return 0;
}
