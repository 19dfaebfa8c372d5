/*
 * status.c - the migrations folder against _prisma_migrations, with
 * Prisma's states (up to date, pending, failed, diverged, not managed) and
 * what Prisma leaves out: edited applied migrations, applied migrations
 * missing locally.
 */
#include <string.h>

#include "migrate/migrate.h"

/* Prisma also accepts a file whose line endings changed since. */
static bool
checksum_matches(st_ctx *cx, const st_migration *m, const char *sum)
{
	st_strbuf alt;
	char hex[65];
	bool crlf = memchr(m->sql, '\r', m->len) != NULL;

	if (!sum || !strcmp(m->checksum, sum))
		return true;
	st_strbuf_init_arena(&alt, cx->arena);
	for (size_t i = 0; i < m->len; i++) {
		if (crlf && m->sql[i] == '\r' && i + 1 < m->len && m->sql[i + 1] == '\n')
			continue;
		if (!crlf && m->sql[i] == '\n')
			st_strbuf_addch(&alt, '\r');
		st_strbuf_addch(&alt, m->sql[i]);
	}
	st_sha256_hex(alt.buf, alt.len, hex);
	return !strcmp(hex, sum);
}

int
st_migrate_status(st_ctx *cx, st_db *db, const st_migdir *md, st_status *out)
{
	int rc;
	long first_fs_only = -1;

	memset(out, 0, sizeof(*out));
	st_vec_init(&out->pending, cx->arena);
	st_vec_init(&out->failed, cx->arena);
	st_vec_init(&out->missing_locally, cx->arena);
	st_vec_init(&out->edited, cx->arena);
	st_vec_init(&out->rows, cx->arena);
	out->found = md->migrations.len;
	if ((rc = st_history_exists(cx, db, &out->has_table)) < 0)
		return rc;
	if (!out->has_table) {
		if (!md->migrations.len) {
			out->state = ST_STATUS_NOT_MANAGED;
			return 0;
		}
		for (size_t i = 0; i < md->migrations.len; i++)
			st_vec_push(&out->pending, md->migrations.items[i]);
		out->state = ST_STATUS_PENDING;
		return 0;
	}
	if ((rc = st_history_load(cx, db, &out->rows)) < 0)
		return rc;
	for (size_t i = 0; i < md->migrations.len; i++) {
		st_migration *m = md->migrations.items[i];
		bool present = false, edited = false;

		for (size_t r = 0; r < out->rows.len; r++) {
			st_histrow *h = out->rows.items[r];

			if (h->rolled_back_at || strcmp(h->migration_name, m->name))
				continue;
			present = true;
			if (h->finished_at && !checksum_matches(cx, m, h->checksum))
				edited = true;
		}
		if (!present) {
			st_vec_push(&out->pending, m);
			if (first_fs_only < 0)
				first_fs_only = (long)i;
		}
		if (edited)
			st_vec_push(&out->edited, m);
	}
	for (size_t r = 0; r < out->rows.len; r++) {
		st_histrow *h = out->rows.items[r];
		bool dup = false;

		if (ST_HISTROW_FAILED(h))
			st_vec_push(&out->failed, h);
		if (h->rolled_back_at || st_migdir_find(md, h->migration_name))
			continue;
		for (size_t k = 0; k < out->missing_locally.len; k++)
			dup |= !strcmp(out->missing_locally.items[k], h->migration_name);
		if (!dup)
			st_vec_push(&out->missing_locally, (void *)h->migration_name);
	}
	if (out->pending.len && out->missing_locally.len) {
		out->state = ST_STATUS_DIVERGED;
		if (first_fs_only > 0)
			out->last_common = ((st_migration *)md->migrations
						    .items[first_fs_only - 1])->name;
	} else if (out->pending.len) {
		out->state = ST_STATUS_PENDING;
	} else if (out->failed.len) {
		out->state = ST_STATUS_FAILED;
	} else {
		out->state = ST_STATUS_UP_TO_DATE;
	}
	return 0;
}
