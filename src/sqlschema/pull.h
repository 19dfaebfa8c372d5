/*
 * pull.h - an introspected SQL schema model -> schema.prisma text, as
 * Prisma's `db pull` writes it: models named after tables (@@map when the
 * table name is not a valid identifier), @db native types, @default,
 * @id/@@id, @unique/@@unique, @@index, relations named on both sides,
 * implicit many-to-many tables folded into list fields, enums, and `///`
 * comments for what the schema language cannot express.  The result is
 * run through the formatter, so the bytes are canonical.
 *
 *	st_strbuf out;
 *	if (st_pull_render(cx, schema, extra, existing_text, &out) < 0) ...
 *
 * existing (may be NULL) is the current schema.prisma: its generator and
 * datasource blocks are kept, and the model, enum and field names the
 * user chose for a table or column (through @@map/@map) are reused when
 * reuse_names (`db pull` without --force).  Errors: ST_EPARSE only if the
 * generated text does not parse (a bug); out then holds the raw text.
 */
#ifndef ST_SQLSCHEMA_PULL_H
#define ST_SQLSCHEMA_PULL_H

#include "sqlschema/introspect.h"
#include "sqlschema/schema.h"
#include "util/error.h"
#include "util/strbuf.h"

int st_pull_render(st_ctx *cx, const st_schema *s,
		   const st_introspect_extra *extra, const char *existing,
		   bool reuse_names, st_strbuf *out);

/*
 * st_pull_render, and in warnings (may be NULL) the block Prisma prints
 * after a pull: "*** WARNING ***\n" and, per kind of warning, "\n", its
 * title and its "  - ..." lines; left empty when there is none.
 */
int st_pull_render_warn(st_ctx *cx, const st_schema *s,
			const st_introspect_extra *extra, const char *existing,
			bool reuse_names, st_strbuf *out, st_strbuf *warnings);

#endif
