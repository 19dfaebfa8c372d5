/*
 * deploy_at_startup.c - a server that applies pending migrations before it
 * serves, with the public API of include/strata/strata.h.
 *
 *	cc deploy_at_startup.c libstrata.a -ldl -lpthread -lm
 *	DATABASE_URL=postgresql://app@localhost/app ./deploy_at_startup prisma/migrations
 *
 * Several replicas may start at once: the advisory lock lets one apply
 * the migrations while the others wait, then find nothing pending.
 * Exit status: 0 when the database is up to date (the server would now
 * start serving), 1 when it is not.
 */
#include <stdio.h>
#include <stdlib.h>

#include "strata/strata.h"

static void
progress(void *arg, const char *name, bool done, double ms)
{
	if (done)
		printf("  applied %s (%.0f ms)\n", name, ms);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "prisma/migrations";
	strata_deploy_options opts = { .lock_timeout_ms = 60000,
				       .on_migration = progress };
	strata_deploy_report rep;
	strata_status_report st;
	strata_error err;
	strata_db *db;

	db = strata_connect_create(getenv("DATABASE_URL"), &err);
	if (!db) {
		fprintf(stderr, "cannot connect: %s%s%s\n", err.pcode,
			err.pcode[0] ? ": " : "", err.message);
		return 1;
	}
	if (strata_deploy(db, dir, &opts, &rep, &err) != 0) {
		fprintf(stderr, "migration failed%s%s: %s: %s\n%s\n",
			rep.failed[0] ? " in " : "", rep.failed, err.pcode,
			err.message, err.detail);
		strata_close(db);
		return 1;
	}
	if (strata_status(db, dir, &st, &err) != 0) {
		fprintf(stderr, "status: %s\n", err.message);
		strata_close(db);
		return 1;
	}
	printf("strata %s: %zu migrations, %zu applied now, state %s\n",
	       strata_version(), rep.found, rep.applied,
	       st.state == STRATA_UP_TO_DATE ? "up to date" : "not up to date");
	strata_close(db);
	/* ... start serving here ... */
	return st.state == STRATA_UP_TO_DATE ? 0 : 1;
}
