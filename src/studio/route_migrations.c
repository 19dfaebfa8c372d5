/*
 * route_migrations.c - GET /api/migrations: the _prisma_migrations table
 * (which Prisma's own studio cannot show), each row with its status:
 * "applied" (finished, not rolled back), "failed" (neither finished nor
 * rolled back) or "rolled back".  Rows come from migrate/history.c, so
 * the table is found in the URL's schema exactly as deploy writes it.
 */
#include "migrate/migrate.h"
#include "studio/route.h"

const char *st_studio_histrow_status(const st_histrow *r);

const char *
st_studio_histrow_status(const st_histrow *r)
{
	if (r->rolled_back_at)
		return "rolled back";
	return r->finished_at ? "applied" : "failed";
}

int
st_route_migrations(st_studio_req *req)
{
	st_pgconn *c;
	st_db *db;
	bool exists;
	st_vec rows;
	json_t *list;
	int rc;

	if ((rc = st_studio_db(req, &c)) < 0)
		return rc;
	db = st_pgconn_db(c);
	if ((rc = st_history_exists(req->cx, db, &exists)) < 0)
		return rc;
	list = json_array();
	if (exists && (rc = st_history_load(req->cx, db, &rows)) < 0) {
		json_decref(list);
		return rc;
	}
	for (size_t i = 0; exists && i < rows.len; i++) {
		const st_histrow *r = rows.items[i];

		json_array_append_new(list, json_pack(
			"{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:s}",
			"id", st_json_str(r->id),
			"migration_name", st_json_str(r->migration_name),
			"checksum", st_json_str(r->checksum),
			"started_at", st_json_str(r->started_at),
			"finished_at", st_json_str(r->finished_at),
			"rolled_back_at", st_json_str(r->rolled_back_at),
			"logs", st_json_str(r->logs),
			"applied_steps_count", r->applied_steps_count,
			"status", st_studio_histrow_status(r)));
	}
	return st_studio_reply(req, json_pack("{s:b,s:s,s:o}", "exists", exists,
					      "table", st_history_table(req->cx, db),
					      "migrations", list));
}
