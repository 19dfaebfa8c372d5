/*
 * dynlib.c - opening a shim's library on first use (see dynlib.h for why
 * and how the shims use it).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/dynlib.h"

/* One lock for all libraries: each is loaded once per process, so it is
 * never contended for long. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* Prints why lib cannot be used (dlerror's text names the file or the
 * symbol) and exits with 127, the status the dynamic loader gave when a
 * linked library was missing. */
static void
fatal(const st_dynlib *lib, bool missing_symbol)
{
	const char *why = dlerror();

	fprintf(stderr, "strata: fatal: cannot load %s: %s\n", lib->soname,
		why ? why : "unknown error");
	if (missing_symbol)
		fprintf(stderr, "HINT: strata needs a newer %s than the one installed.\n",
			lib->package);
	else
		fprintf(stderr, "HINT: Install the %s package (make deps).\n",
			lib->package);
	exit(127);
}

void
st_dynlib__load(st_dynlib *lib)
{
	void *h;

	pthread_mutex_lock(&load_lock);
	if (atomic_load_explicit(&lib->loaded, memory_order_relaxed))
		goto done;      /* another thread got here first */
	/* RTLD_LAZY: the library's own calls bind on first use, as they did
	 * when it was linked; RTLD_LOCAL: only our shims look its symbols
	 * up, through the handle, so they stay out of the global scope. */
	h = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
	if (!h)
		fatal(lib, false);
	for (size_t i = 0; i < lib->nsyms; i++) {
		lib->syms[i] = dlsym(h, lib->names[i]);
		if (!lib->syms[i])
			fatal(lib, true);
	}
	/* the handle stays open for the life of the process */
	atomic_store_explicit(&lib->loaded, true, memory_order_release);
done:
	pthread_mutex_unlock(&load_lock);
}
