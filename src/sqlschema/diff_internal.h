/*
 * diff_internal.h - helpers shared by the differ's files (diff.c,
 * diff_column.c); not part of the library's interface.
 */
#ifndef ST_SQLSCHEMA_DIFF_INTERNAL_H
#define ST_SQLSCHEMA_DIFF_INTERNAL_H

#include <stdio.h>

#include "sqlschema/schema.h"
#include "sqlschema/steps.h"

/* ST_COLCHG_* bits between two columns of the same name; *tc gets the
 * type change classification (Prisma's postgres flavour). */
int st__column_changes(const st_column *prev, const st_column *next,
		       st_type_change *tc);

#endif
