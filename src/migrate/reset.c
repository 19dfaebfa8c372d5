/*
 * reset.c - `migrate reset`: drop and recreate the project's schema(s),
 * then apply every migration of the folder (Prisma's reset + apply).
 * The seed is the caller's business (it runs after a successful reset).
 */
#include <string.h>

#include "migrate/dev.h"
#include "migrate/migrate.h"
#include "util/fs.h"

int
st_migrate_reset(st_ctx *cx, const st_dev_opts *o, st_dev_result *res)
{
	const char *const *ns = NULL;
	size_t nns = 0;
	bool multi = false;
	st_migdir *md;
	st_db *db = NULL;
	st_deploy_result dr;
	int rc;

	memset(res, 0, sizeof(*res));
	st_vec_init(&res->applied, cx->arena);
	if (o->schema_path && st_path_exists(o->schema_path) &&
	    (rc = st_dev_namespaces(cx, o->schema_path, o->url, &ns, &nns,
				    &multi)) < 0)
		return rc;
	if ((rc = st_migdir_read(cx, o->migrations_dir, &md)) < 0 ||
	    (rc = st_migdir_check_provider(cx, md, "postgresql")) < 0 ||
	    (rc = st_db_connect(cx, o->url, &(st_db_opts){ .create_missing = true },
				&db)) < 0)
		return rc;
	res->created_db = db->created;
	if ((rc = st_db_reset_schemas(cx, db, ns, nns)) < 0)
		goto done;
	res->reset = true;
	memset(&dr, 0, sizeof(dr));
	rc = st_migrate_deploy(cx, db, md, NULL, &dr);
	for (size_t i = 0; i < dr.applied.len; i++)
		st_vec_push(&res->applied,
			    (void *)((st_migration *)dr.applied.items[i])->name);
done:
	st_db_close(db);
	return rc;
}
