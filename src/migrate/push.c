/*
 * push.c - `db push`: the schema straight onto the database, without
 * migrations: introspect, diff, check for data loss with real row counts,
 * then run the statements one by one (Prisma's schema_push).  Nothing is
 * executed when a step cannot run or data would be lost without consent.
 */
#include <string.h>

#include "migrate/dev.h"
#include "migrate/devdiff.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/introspect.h"

int
st_db_push(st_ctx *cx, const st_dev_opts *o, st_push_result *res)
{
	const char *const *ns;
	size_t nns;
	bool multi;
	st_schema *target, *live;
	st_db *db = NULL;
	st_devdiff *d;
	int rc;

	memset(res, 0, sizeof(*res));
	st_vec_init(&res->warnings, cx->arena);
	st_vec_init(&res->unexecutable, cx->arena);
	if ((rc = st_schema_from_source(cx, ST_SCHEMA_SRC_SCHEMA, o->schema_path,
					&target)) < 0 ||
	    (rc = st_dev_namespaces(cx, o->schema_path, o->url, &ns, &nns,
				    &multi)) < 0 ||
	    (rc = st_db_connect(cx, o->url, &(st_db_opts){ .create_missing = true },
				&db)) < 0)
		return rc;
	if (o->force_reset) {
		if ((rc = st_db_reset_schemas(cx, db, ns, nns)) < 0)
			goto done;
		res->reset = true;
	}
	if ((rc = st_introspect(cx, db, &(st_introspect_opts){ .namespaces = ns,
				.nnamespaces = nns, .multi_schema = multi,
				.extensions = target->extensions.len > 0 },
				&live, NULL)) < 0)
		goto done;
	st_introspect_reconcile_partial(live, target);
	if ((rc = st_devdiff_compute(cx, live, target, db, &d)) < 0)
		goto done;
	res->nsteps = d->nsteps;
	res->warnings = d->warnings;
	res->unexecutable = d->unexecutable;
	if (d->unexecutable.len) {
		rc = st_err_set(cx, ST_EUSAGE, "the schema cannot be pushed: %zu "
				"change%s cannot be executed", d->unexecutable.len,
				d->unexecutable.len == 1 ? "" : "s");
		st_err_hint(cx, "Nothing was changed. Use --force-reset to reset the "
			    "database first (all data will be lost).");
		goto done;
	}
	if (d->warnings.len && !o->accept_data_loss &&
	    !(o->io.confirm && o->io.confirm(o->io.arg, "Do you want to ignore the "
					     "warning(s)?"))) {
		rc = st_err_set(cx, ST_ECANCEL, "the schema was not pushed: data "
				"would be lost");
		st_err_hint(cx, "Nothing was changed. Use the --accept-data-loss flag "
			    "to ignore the data loss warnings.");
		goto done;
	}
	for (size_t i = 0; i < d->statements.len; i++)
		if ((rc = st_db_exec(cx, db, d->statements.items[i])) < 0)
			goto done;
	res->applied = d->statements.len > 0;
done:
	st_db_close(db);
	return rc;
}
