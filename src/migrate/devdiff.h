/*
 * devdiff.h - one schema change as the development commands (migrate dev,
 * db push, drift detection) need it: the differ's steps turned into text
 * (migration.sql bytes, the drift summary, one string per statement) and
 * the destructive-change report with row counts from a live database.
 *
 * The development commands use it rather than sqlschema/steps.h so that
 * they deal in text and warnings, not in differ steps.
 *
 *	st_devdiff *d;
 *	if (st_devdiff_compute(cx, shadow_schema, target, dev_db, &d) < 0)
 *		goto done;
 *	if (d->unexecutable.len) ...      // refuse
 *	fputs(d->script, f);              // warnings header + SQL
 */
#ifndef ST_MIGRATE_DEVDIFF_H
#define ST_MIGRATE_DEVDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "sqlschema/schema.h"
#include "util/error.h"
#include "util/vec.h"

typedef struct st_devdiff {
	size_t nsteps;
	const char *script;      /* migration.sql: warnings comment + SQL */
	const char *sql;         /* the SQL alone (`migrate diff --script`) */
	const char *summary;     /* Prisma's summary ("No difference detected.") */
	st_vec statements;       /* const char *, each without ';' */
	st_vec warnings;         /* const char *: with row counts when a
				    database was given */
	st_vec unexecutable;     /* const char *, idem */
} st_devdiff;

/*
 * Diffs from -> to (both finished).  counts (may be NULL) is the database
 * the change would be applied to: row counts for the warnings come from
 * it.  The script's warnings header uses Prisma's offline texts, as
 * migration.sql files do.
 */
int st_devdiff_compute(st_ctx *cx, const st_schema *from, const st_schema *to,
		       st_db *counts, st_devdiff **out);

#endif
