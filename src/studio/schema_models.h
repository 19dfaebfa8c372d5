/*
 * schema_models.h - which schema.prisma model each table belongs to, for
 * the studio's sidebar ("User" beside table "users").
 */
#ifndef ST_STUDIO_SCHEMA_MODELS_H
#define ST_STUDIO_SCHEMA_MODELS_H

#include "util/error.h"
#include "util/map.h"

/*
 * Fills out (table name -> model name, both in cx's arena) from the schema
 * file or folder at path: `model X { ... @@map("y") }` maps table y (or X
 * without @@map).  The validated PSL model is used; a schema that does not
 * validate is scanned for model blocks instead.  A schema that cannot be
 * read leaves out empty; the studio works without model names.
 */
void st_studio_schema_models(st_ctx *cx, const char *path, st_map *out);

#endif
