/*
 * schema_models.c - model names and their table names.  The schema is
 * read, parsed and validated by src/psl/ (db_name folds @@map in); when it
 * does not validate (a schema being edited while the studio runs), a small
 * scanner of the block structure (model blocks, @@map, strings, comments)
 * still finds the names, so the sidebar keeps them.
 */
#include <ctype.h>
#include <string.h>

#include "psl/model.h"
#include "psl/psl.h"
#include "studio/schema_models.h"
#include "util/fs.h"
#include "util/vec.h"

static const char *
skip_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		return p;
	}
}

static const char *
word(st_arena *a, const char *p, char **out)
{
	const char *s = p;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	*out = st_strndup(a, s, (size_t)(p - s));
	return p;
}

/* A "..." string with \" escapes; p at the opening quote. */
static const char *
string_lit(st_arena *a, const char *p, char **out)
{
	st_strbuf sb;

	st_strbuf_init_arena(&sb, a);
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		st_strbuf_addch(&sb, *p);
	}
	*out = sb.buf;
	return *p ? p + 1 : p;
}

static void
scan(st_ctx *cx, const char *src, st_map *out)
{
	const char *p = src;
	char *kw, *name, *map;
	int depth;

	while (*(p = skip_space(p))) {
		if (!isalpha((unsigned char)*p)) {
			p = *p == '"' ? string_lit(cx->arena, p, &kw) : p + 1;
			continue;
		}
		p = word(cx->arena, p, &kw);
		if (strcmp(kw, "model"))
			continue;
		p = word(cx->arena, skip_space(p), &name);
		p = skip_space(p);
		if (!*name || *p != '{')
			continue;
		map = NULL;
		depth = 0;
		/* Walk the block; only @@map at depth 1 matters. */
		for (; *p; ) {
			p = skip_space(p);
			if (*p == '{' || *p == '(' || *p == '[') {
				depth++;
				p++;
			} else if (*p == '}' || *p == ')' || *p == ']') {
				depth--;
				p++;
				if (depth == 0)
					break;
			} else if (*p == '"') {
				p = string_lit(cx->arena, p, &kw);
			} else if (depth == 1 && !strncmp(p, "@@map", 5) &&
				   !isalnum((unsigned char)p[5])) {
				p = skip_space(p + 5);
				if (*p == '(') {
					p = skip_space(p + 1);
					if (!strncmp(p, "name", 4)) {
						p = skip_space(p + 4);
						if (*p == ':')
							p = skip_space(p + 1);
					}
					if (*p == '"')
						p = string_lit(cx->arena, p, &map);
					depth++;
					if (*p != ')') {
						p = strchr(p, ')');
						if (!p)
							break;
					}
					/* the ')' closes the depth++ above */
				}
			} else {
				p++;
			}
		}
		st_map_put(out, map ? map : name, name);
		if (!p || !*p)
			break;
	}
}

/* The validated model; false when the schema does not validate. */
static bool
from_psl(st_ctx *cx, const char *path, st_map *out)
{
	st_ctx *tmp = st_ctx_new(NULL);
	st_vec srcs;
	st_psl_schema *ast;
	st_psl_model *m;
	bool ok = false;

	tmp->quiet = 1;
	if (st_psl_read_sources(tmp, path, &srcs) == 0 &&
	    st_psl_parse_schema(tmp, (st_source **)srcs.items, srcs.len, &ast) == 0 &&
	    st_psl_validate(tmp, ast, &m) == 0) {
		for (size_t i = 0; i < m->nmodels; i++)
			st_map_put(out, st_strdup(cx->arena, m->models[i]->db_name),
				   st_strdup(cx->arena, m->models[i]->name));
		ok = true;
	}
	st_ctx_free(tmp);
	return ok;
}

void
st_studio_schema_models(st_ctx *cx, const char *path, st_map *out)
{
	st_ctx *tmp;
	char *src;
	size_t len;

	if (from_psl(cx, path, out))
		return;
	tmp = st_ctx_new(NULL);
	if (st_path_is_dir(path)) {
		st_vec names = ST_VEC_INIT(cx->arena);

		if (st_dir_list(tmp, path, &names) == 0)
			for (size_t i = 0; i < names.len; i++) {
				const char *n = names.items[i];
				size_t l = strlen(n);

				if (l > 7 && !strcmp(n + l - 7, ".prisma") &&
				    st_file_read(tmp, st_path_join(tmp->arena, path, n),
						 &src, &len) == 0)
					scan(cx, src, out);
			}
	} else if (st_file_read(tmp, path, &src, &len) == 0) {
		scan(cx, src, out);
	}
	st_ctx_free(tmp);
}
