/*
 * dev.c - `migrate dev`, following Prisma's devDiagnostic and
 * MigrateDev.ts (PRISMA_BEHAVIOUR.md §2.2): history diagnosis, drift
 * detection on the shadow database, reset reasons, pending migrations
 * validated on the shadow and applied, the new migration computed from
 * the shadow schema to schema.prisma, destructive warnings with row
 * counts, and the migration written and applied.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "migrate/dev.h"
#include "migrate/devdiff.h"
#include "migrate/migrate.h"
#include "migrate/shadow.h"
#include "sqlschema/from_psl.h"
#include "sqlschema/introspect.h"
#include "util/fs.h"

#define SAY(o, ...) say_f((o), __VA_ARGS__)

static void say_f(const st_dev_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say_f(const st_dev_opts *o, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	if (!o->io.say)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->io.say(o->io.arg, buf);
}

static bool
ask(const st_dev_opts *o, const char *q)
{
	return o->io.confirm && o->io.confirm(o->io.arg, q);
}

/* ==== names ==== */

char *
st_migration_slug(st_arena *a, const char *name)
{
	st_strbuf sb;
	bool sep = false;
	size_t n = strlen(name);

	st_strbuf_init_arena(&sb, a);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (isalnum(c)) {
			/* decamelize: fooBar -> foo_bar, FOOBar -> foo_bar */
			if (isupper(c) && i > 0 && sb.len && !sep &&
			    (islower((unsigned char)name[i - 1]) ||
			     isdigit((unsigned char)name[i - 1]) ||
			     (isupper((unsigned char)name[i - 1]) && i + 1 < n &&
			      islower((unsigned char)name[i + 1]))))
				sep = true;
			if (sep && sb.len)
				st_strbuf_addch(&sb, '_');
			sep = false;
			st_strbuf_addch(&sb, tolower(c));
		} else {
			sep = true;
		}
	}
	return sb.buf;
}

/*
 * The UTC timestamp of a new migration: now, or one second after the
 * newest migration of the folder when that is not earlier (two runs in
 * the same second, or a clock behind the history, must not create a
 * migration that sorts before the ones it builds on).
 */
static const char *
timestamp_for(st_arena *a, const st_migdir *md)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	if (md->migrations.len) {
		const char *last = ((st_migration *)st_vec_last(&md->migrations))->name;
		struct tm lt = { 0 };

		if (strlen(last) >= 14 &&
		    sscanf(last, "%4d%2d%2d%2d%2d%2d", &lt.tm_year, &lt.tm_mon,
			   &lt.tm_mday, &lt.tm_hour, &lt.tm_min, &lt.tm_sec) == 6) {
			time_t lts;

			lt.tm_year -= 1900;
			lt.tm_mon -= 1;
			lts = timegm(&lt);
			if (lts != (time_t)-1 && lts >= t)
				t = lts + 1;
		}
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
	return st_strdup(a, buf);
}

/* ==== namespaces ==== */

static void
namespaces_of(st_ctx *cx, const st_schema *target, const st_dburl *u,
	      const char *const **ns, size_t *n, bool *multi)
{
	st_vec v;

	st_vec_init(&v, cx->arena);
	*multi = target->multi_schema;
	if (target->multi_schema) {
		for (size_t i = 0; i < target->namespaces.len; i++) {
			const char *name = ((st_namespace *)target->namespaces.items[i])->name;
			bool used = strcmp(name, "public") != 0;

			for (size_t j = 0; !used && j < target->tables.len; j++)
				used = !strcmp(((st_table *)target->tables.items[j])->ns, name);
			for (size_t j = 0; !used && j < target->enums.len; j++)
				used = !strcmp(((st_enum *)target->enums.items[j])->ns, name);
			if (used)
				st_vec_push(&v, (void *)name);
		}
	} else {
		st_vec_push(&v, (void *)(u->schema ? u->schema : "public"));
	}
	*ns = (const char *const *)v.items;
	*n = v.len;
}

int
st_dev_namespaces(st_ctx *cx, const char *schema_path, const char *url,
		  const char *const **ns, size_t *n, bool *multi)
{
	st_schema *target;
	st_dburl u;
	int rc;

	if ((rc = st_dburl_parse(cx, url, &u)) < 0 ||
	    (rc = st_schema_from_source(cx, ST_SCHEMA_SRC_SCHEMA, schema_path,
					&target)) < 0)
		return rc;
	namespaces_of(cx, target, &u, ns, n, multi);
	return 0;
}

/* ==== reset ==== */

int
st_db_reset_schemas(st_ctx *cx, st_db *db, const char *const *namespaces,
		    size_t n)
{
	st_strbuf sql = ST_STRBUF_INIT;
	const char *dflt = db->url.schema ? db->url.schema : "public";
	int rc;

	if (!namespaces || !n) {
		namespaces = &dflt;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		st_strbuf_adds(&sql, "DROP SCHEMA IF EXISTS ");
		st_sql_ident(&sql, namespaces[i]);
		st_strbuf_adds(&sql, " CASCADE;\nCREATE SCHEMA ");
		st_sql_ident(&sql, namespaces[i]);
		st_strbuf_adds(&sql, ";\n");
	}
	/* the history table lives in the connection's schema */
	st_strbuf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
	st_sql_ident(&sql, dflt);
	st_strbuf_adds(&sql, ";\nDROP TABLE IF EXISTS ");
	st_sql_qualified(&sql, dflt, ST_MIGRATE_TABLE);
	st_strbuf_adds(&sql, ";\n");
	rc = st_db_exec(cx, db, sql.buf);
	st_strbuf_release(&sql);
	return rc;
}

/* ==== history diagnosis ==== */

static const char drift_text[] =
	"Drift detected: Your database schema is not in sync with your migration "
	"history.\n\nThe following is a summary of the differences between the "
	"expected database schema given your migrations files, and the actual "
	"schema of the database.\n\nIt should be understood as the set of "
	"changes to get from the expected schema to the actual schema.\n";

static const char first_time_text[] =
	"\nIf you are running this the first time on an existing database, please "
	"make sure to read this documentation page:\nhttps://www.prisma.io/docs/"
	"guides/database/developing-with-prisma-migrate/troubleshooting-development\n";

static const char *
join_names(st_ctx *cx, const st_vec *names)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, cx->arena);
	for (size_t i = 0; i < names->len; i++)
		st_strbuf_addf(&sb, "%s%s", i ? ", " : "", (const char *)names->items[i]);
	return sb.buf;
}

/* The migrations of the folder recorded as applied, in folder order. */
static st_migdir *
applied_subset(st_ctx *cx, const st_migdir *md, const st_status *st)
{
	st_migdir *sub = st_alloc(cx->arena, sizeof(*sub));

	*sub = *md;
	st_vec_init(&sub->migrations, cx->arena);
	for (size_t i = 0; i < md->migrations.len; i++) {
		st_migration *m = md->migrations.items[i];

		for (size_t j = 0; j < st->rows.len; j++) {
			st_histrow *r = st->rows.items[j];

			if (ST_HISTROW_APPLIED(r) && !strcmp(r->migration_name, m->name)) {
				st_vec_push(&sub->migrations, m);
				break;
			}
		}
	}
	return sub;
}

typedef struct devrun {
	st_ctx *cx;
	const st_dev_opts *o;
	st_dev_result *res;
	st_schema *target;
	const char *const *ns;
	size_t nns;
	bool multi;
	st_db *db;
	st_dburl u;
	st_migdir *md;
	st_shadow *sh;
} devrun;

static int
introspect_db(devrun *r, st_db *db, st_schema **out)
{
	st_introspect_opts io = { .namespaces = r->ns, .nnamespaces = r->nns,
				  .multi_schema = r->multi,
				  .extensions = r->target->extensions.len > 0 };

	return st_introspect(r->cx, db, &io, out, NULL);
}

/* Collects Prisma's reset reasons; drift is checked on the shadow. */
static int
diagnose(devrun *r, st_vec *reasons)
{
	st_ctx *cx = r->cx;
	st_status st;
	st_migdir *applied;
	st_schema *expected, *live;
	st_devdiff *d;
	int rc;

	if ((rc = st_migrate_status(cx, r->db, r->md, &st)) < 0)
		return rc;
	for (size_t i = 0; i < st.failed.len; i++)
		st_vec_push(reasons, st_strfmt(cx->arena, "The migration `%s` failed.",
			((st_histrow *)st.failed.items[i])->migration_name));
	for (size_t i = 0; i < st.edited.len; i++)
		st_vec_push(reasons, st_strfmt(cx->arena, "The migration `%s` was "
			"modified after it was applied.",
			((st_migration *)st.edited.items[i])->name));
	if (st.missing_locally.len) {
		if (st.state == ST_STATUS_DIVERGED && st.last_common)
			st_vec_push(reasons, st_strfmt(cx->arena, "The migrations recorded "
				"in the database diverge from the local migrations "
				"directory. Last common migration: `%s`. Migrations "
				"applied to the database but absent from the migrations "
				"directory are: %s", st.last_common,
				join_names(cx, &st.missing_locally)));
		else
			st_vec_push(reasons, st_strfmt(cx->arena, "The following "
				"migration(s) are applied to the database but missing "
				"from the local migrations directory: %s",
				join_names(cx, &st.missing_locally)));
	}
	/* drift: replay what the database says is applied */
	applied = applied_subset(cx, r->md, &st);
	if ((rc = st_shadow_replay(cx, r->sh, applied, ST_SHADOW_ALL, NULL)) < 0 ||
	    (rc = introspect_db(r, r->sh->db, &expected)) < 0 ||
	    (rc = introspect_db(r, r->db, &live)) < 0 ||
	    (rc = st_devdiff_compute(cx, expected, live, NULL, &d)) < 0)
		return rc;
	if (d->nsteps && !st.failed.len && !st.edited.len) {
		st_strbuf sb;

		st_strbuf_init_arena(&sb, cx->arena);
		st_strbuf_adds(&sb, drift_text);
		if (!st.has_table)
			st_strbuf_adds(&sb, first_time_text);
		st_strbuf_addf(&sb, "%s%s", d->summary[0] == '\n' ? "" : "\n",
			       d->summary);
		st_vec_push(reasons, sb.buf);
	}
	return 0;
}

static const char *
reasons_text(st_ctx *cx, const st_vec *reasons)
{
	st_strbuf sb;

	if (reasons->len == 1)
		return reasons->items[0];
	st_strbuf_init_arena(&sb, cx->arena);
	for (size_t i = 0; i < reasons->len; i++)
		st_strbuf_addf(&sb, "- %s\n", (const char *)reasons->items[i]);
	return sb.buf;
}

static void
print_tree(devrun *r, const char *title, const st_vec *names)
{
	st_strbuf sb;

	const char *dir = r->o->migrations_dir;

	if (!strncmp(dir, "./", 2))
		dir += 2;
	st_strbuf_init_arena(&sb, r->cx->arena);
	st_strbuf_addf(&sb, "%s\n\n%s%s\n", title, dir,
		       dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/");
	for (size_t i = 0; i < names->len; i++)
		st_strbuf_addf(&sb, "  └─ %s/\n    └─ migration.sql\n",
			       (const char *)names->items[i]);
	SAY(r->o, "%s\n", sb.buf);
}

static int
reopen_shadow(devrun *r)
{
	st_shadow_close(r->cx, r->sh);
	return st_shadow_open(r->cx, r->o->url, r->o->shadow_url, &r->sh);
}

static int
write_migration(devrun *r, const char *dirname, const char *script)
{
	st_ctx *cx = r->cx;
	const char *mdir = r->o->migrations_dir;
	const char *dir = st_path_join(cx->arena, mdir, dirname);
	const char *lock = st_path_join(cx->arena, mdir, "migration_lock.toml");
	int rc;

	if (st_path_exists(dir))
		return st_err_set(cx, ST_ECONFLICT, "The migration directory already "
				  "exists at %s", dir);
	if ((rc = st_mkdir_p(cx, dir)) < 0 ||
	    (rc = st_file_write(cx, st_path_join(cx->arena, dir, "migration.sql"),
				script, strlen(script))) < 0)
		return rc;
	if (!st_path_exists(lock))
		rc = st_migdir_write_lock(cx, mdir, "postgresql");
	return rc;
}

static void
on_deploy_event(void *arg, const st_deploy_event *ev)
{
	devrun *r = arg;

	if (ev->kind == ST_DEPLOY_APPLYING)
		SAY(r->o, "Applying migration `%s`\n", ev->migration->name);
}

static int
apply_pending(devrun *r, st_vec *names)
{
	st_deploy_result dr;
	st_deploy_opts dopts = { .on_event = on_deploy_event, .arg = r };
	int rc;

	memset(&dr, 0, sizeof(dr));
	rc = st_migrate_deploy(r->cx, r->db, r->md, &dopts, &dr);
	for (size_t i = 0; i < dr.applied.len; i++) {
		const char *n = ((st_migration *)dr.applied.items[i])->name;

		st_vec_push(names, (void *)n);
		st_vec_push(&r->res->applied, (void *)n);
	}
	return rc;
}

static int
unexecutable_error(devrun *r, const st_devdiff *d)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, r->cx->arena);
	st_strbuf_adds(&sb, "⚠️ We found changes that cannot be executed:\n\n");
	for (size_t i = 0; i < d->unexecutable.len; i++)
		st_strbuf_addf(&sb, "  • %s\n", (const char *)d->unexecutable.items[i]);
	st_err_set(r->cx, ST_EUSAGE, "%s", sb.buf);
	st_err_hint(r->cx, "You can use strata migrate dev --create-only to create "
		    "the migration file, and manually modify it to address the "
		    "underlying issue(s). Then run strata migrate dev to apply it "
		    "and verify it works.");
	return r->cx->err;
}

static int
dev_run(devrun *r)
{
	st_ctx *cx = r->cx;
	const st_dev_opts *o = r->o;
	st_vec reasons, applied_now;
	st_schema *shadow_schema;
	st_devdiff *d;
	const char *name, *dirname;
	int rc;

	st_vec_init(&reasons, cx->arena);
	st_vec_init(&applied_now, cx->arena);
	if ((rc = diagnose(r, &reasons)) < 0)
		return rc;
	if (reasons.len) {
		const char *why = reasons_text(cx, &reasons);
		const char *where = st_strfmt(cx->arena, "We need to reset the \"%s\" "
			"schema at \"%s:%s\"", r->nns == 1 ? r->ns[0] : "public",
			r->u.host, r->u.port);

		if (o->force_reset || o->io.confirm)
			SAY(o, "%s%s\n%s\n", why,
			    why[strlen(why) - 1] == '\n' ? "" : "\n", where);
		if (!o->force_reset &&
		    !ask(o, "Do you want to continue? All data will be lost.")) {
			st_err_set(cx, ST_ECANCEL, "the database must be reset before "
				   "migrate dev can continue");
			if (!o->io.confirm)   /* else it was just shown */
				st_err_detail(cx, "%s\n%s.", why, where);
			st_err_hint(cx, o->io.confirm ? "Nothing was changed. Run strata "
				    "migrate reset to drop the development database." :
				    "Nothing was changed. Rerun with --force-reset to reset "
				    "the database (all data will be lost), or use strata "
				    "migrate reset.");
			return cx->err;
		}
		if ((rc = st_db_reset_schemas(cx, r->db, r->ns, r->nns)) < 0 ||
		    (rc = reopen_shadow(r)) < 0)
			return rc;
		r->res->reset = true;
		SAY(o, "Database reset successful\n\n");
	}
	/* every migration must apply cleanly on the shadow database */
	if ((rc = st_shadow_replay(cx, r->sh, r->md, ST_SHADOW_ALL, NULL)) < 0)
		return rc;
	if ((rc = apply_pending(r, &applied_now)) < 0)
		return rc;
	if (applied_now.len)
		print_tree(r, "\nThe following migration(s) have been applied:",
			   &applied_now);
	if ((rc = introspect_db(r, r->sh->db, &shadow_schema)) < 0)
		return rc;
	st_introspect_reconcile_partial(shadow_schema, r->target);
	if ((rc = st_devdiff_compute(cx, shadow_schema, r->target, r->db, &d)) < 0)
		return rc;
	if (!d->nsteps && !o->create_only) {
		SAY(o, "%s\n", applied_now.len || r->res->reset ?
		    "Your database is now in sync with your schema." :
		    "Already in sync, no schema change or pending migration was found.");
		return 0;
	}
	if (d->unexecutable.len && !o->create_only)
		return unexecutable_error(r, d);
	if (d->warnings.len) {
		st_strbuf sb;

		st_strbuf_init_arena(&sb, cx->arena);
		st_strbuf_adds(&sb, "⚠️  Warnings for the current datasource:\n\n");
		for (size_t i = 0; i < d->warnings.len; i++)
			st_strbuf_addf(&sb, "  • %s\n", (const char *)d->warnings.items[i]);
		SAY(o, "%s\n", sb.buf);
		if (!o->accept_data_loss &&
		    !ask(o, o->create_only ? "Are you sure you want to create this "
			 "migration?" : "Are you sure you want to create and apply "
			 "this migration?")) {
			/* declined on a terminal: cancelled (130, as Prisma);
			 * without one it is an error (1) */
			st_err_set(cx, o->io.confirm ? ST_ECANCEL : ST_ECONFLICT,
				   "Migration cancelled.");
			if (!o->io.confirm)
				st_err_hint(cx, "Rerun with --accept-data-loss to create "
					    "and apply it anyway.");
			return cx->err;
		}
	}
	name = o->name;
	if (!name && o->io.ask_name)
		name = o->io.ask_name(o->io.arg);
	name = st_migration_slug(cx->arena, name ? name : "");
	if (strlen(name) > 200)
		return st_err_setp(cx, ST_EUSAGE, "P3010", "The name of the migration "
				   "is too long. It must not be longer than 200 "
				   "characters (bytes).");
	dirname = st_strfmt(cx->arena, "%s_%s", timestamp_for(cx->arena, r->md), name);
	if ((rc = write_migration(r, dirname, d->script)) < 0)
		return rc;
	r->res->created = dirname;
	if (o->create_only) {
		SAY(o, "Prisma Migrate created the following migration without "
		    "applying it %s\n\nYou can now edit it and apply it by running "
		    "strata migrate dev.\n", dirname);
		return 0;
	}
	if ((rc = st_migdir_read(cx, o->migrations_dir, &r->md)) < 0)
		return rc;
	st_vec_init(&applied_now, cx->arena);
	if ((rc = apply_pending(r, &applied_now)) < 0)
		return rc;
	print_tree(r, "\nThe following migration(s) have been created and applied "
		   "from new schema changes:", &applied_now);
	SAY(o, "Your database is now in sync with your schema.\n");
	return 0;
}

int
st_migrate_dev(st_ctx *cx, const st_dev_opts *o, st_dev_result *res)
{
	devrun r = { .cx = cx, .o = o, .res = res };
	int rc;

	memset(res, 0, sizeof(*res));
	st_vec_init(&res->applied, cx->arena);
	if ((rc = st_schema_from_source(cx, ST_SCHEMA_SRC_SCHEMA, o->schema_path,
					&r.target)) < 0 ||
	    (rc = st_dburl_parse(cx, o->url, &r.u)) < 0)
		return rc;
	namespaces_of(cx, r.target, &r.u, &r.ns, &r.nns, &r.multi);
	if ((rc = st_migdir_read(cx, o->migrations_dir, &r.md)) < 0 ||
	    (rc = st_migdir_check_provider(cx, r.md, "postgresql")) < 0)
		return rc;
	if ((rc = st_db_connect(cx, o->url, &(st_db_opts){ .create_missing = true },
				&r.db)) < 0)
		return rc;
	res->created_db = r.db->created;
	if (r.db->created)
		SAY(o, "PostgreSQL database %s created at %s:%s\n\n", r.u.dbname,
		    r.u.host, r.u.port);
	if ((rc = st_shadow_open(cx, o->url, o->shadow_url, &r.sh)) < 0)
		goto done;
	res->shadow_desc = r.sh->desc;
	rc = dev_run(&r);
done:
	st_shadow_close(cx, r.sh);
	st_db_close(r.db);
	return rc;
}
