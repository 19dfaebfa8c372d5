/*
 * dynlib.h - shared libraries opened on first use instead of at start-up.
 *
 * libpq alone drags in ~20 libraries (krb5, ldap, gnutls, p11-kit ...);
 * binding them costs a few milliseconds on every run, even `--version`,
 * while validate, format and diff between schema files need none of them.
 * So the binary does not link them: each library gets one shim file that
 * defines the functions we call, with the header's exact signatures, and
 * forwards them to the real ones, looked up the first time any is called.
 * The rest of the code calls PQexec() and friends as before.
 *
 * A shim file, in short (see db/pq_shim.c):
 *
 *	#define SYMBOLS(X) X(PQexec) X(PQclear)
 *	ST_DYNLIB_DEFINE(libpq, "libpq.so.5", "libpq5", SYMBOLS);
 *	#define REAL(f) ST_DYNLIB_REAL(libpq, f)
 *
 *	PGresult *
 *	PQexec(PGconn *conn, const char *query)
 *	{
 *		return REAL(PQexec)(conn, query);
 *	}
 *
 * All of a library's symbols are resolved together on first use, under a
 * lock, so the shims are safe from studio's request threads.  A library or
 * symbol that cannot be found is fatal: like the dynamic loader before, we
 * print why (with the package to install) and exit with status 127.  The
 * callers cannot recover from a missing libpq anyway, and their error
 * paths expect libpq's own failures, not "no libpq".
 */
#ifndef ST_UTIL_DYNLIB_H
#define ST_UTIL_DYNLIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct st_dynlib {
	const char *soname;         /* what -l<name> recorded as DT_NEEDED */
	const char *package;        /* the Debian package that ships it */
	const char *const *names;   /* the symbols the shims call ... */
	void **syms;                /* ... and their addresses, once loaded */
	size_t nsyms;
	atomic_bool loaded;         /* syms are filled in */
} st_dynlib;

/* Opens lib and resolves all its symbols; exits when it cannot. */
void st_dynlib__load(st_dynlib *lib);

/* The address of symbol i of lib, loading lib on first use. */
static inline void *
st_dynlib_sym(st_dynlib *lib, size_t i)
{
	if (!atomic_load_explicit(&lib->loaded, memory_order_acquire))
		st_dynlib__load(lib);
	return lib->syms[i];
}

/*
 * Defines the static st_dynlib `var` for the X-macro list `SYMBOLS` (each
 * entry X(name)), with the symbols' indexes as enum constants.  One per
 * file: the constants are named after the symbols alone.
 */
#define ST_DYNLIB__INDEX(f) ST_DYNLIB__I_##f,
#define ST_DYNLIB__NAME(f) #f,
#define ST_DYNLIB_DEFINE(var, soname, package, SYMBOLS) \
	enum { SYMBOLS(ST_DYNLIB__INDEX) ST_DYNLIB__N_##var }; \
	static const char *const var##_names[] = { SYMBOLS(ST_DYNLIB__NAME) }; \
	static void *var##_syms[ST_DYNLIB__N_##var]; \
	static st_dynlib var = { soname, package, var##_names, var##_syms, \
				 ST_DYNLIB__N_##var, false }

/* The real function f of library var, with f's own type from its header,
 * so a call through it is type-checked like a direct one. */
#define ST_DYNLIB_REAL(var, f) \
	((__typeof__(f) *)st_dynlib_sym(&(var), ST_DYNLIB__I_##f))

#endif
