/*
 * project.c - schema location, prisma.config.ts (read statically), .env
 * files, the migrations folder and database URL resolution.
 *
 * prisma.config.ts is never executed: a tiny reader walks the object given
 * to defineConfig(...) (or `export default {...}`) and understands string
 * literals, env("X"), process.env.X / process.env["X"], `?? "fallback"`
 * and nested objects.  Anything else is "computed": the key is remembered,
 * and using it is an error naming the key and the flag to pass instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/project.h"
#include "db/localdb.h"
#include "psl/psl.h"
#include "util/fs.h"

/* ==== paths ==== */

static const char *
under(st_arena *a, const char *base, const char *path)
{
	if (!path)
		return NULL;
	if (path[0] == '/' || !base || !strcmp(base, "."))
		return st_strdup(a, path);
	return st_path_join(a, base, path);
}

/* dir/name, or just name when dir is "." */
static const char *
join_dir(st_arena *a, const char *dir, const char *name)
{
	if (!strcmp(dir, "."))
		return st_strdup(a, name);
	return st_path_join(a, dir, name);
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* Every .prisma file under dir, recursively, as paths. */
static int
collect_prisma(st_ctx *cx, const char *dir, st_vec *out)
{
	st_vec names;
	int rc;

	if ((rc = st_dir_list(cx, dir, &names)) < 0)
		return rc;
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		char *path = st_path_join(cx->arena, dir, name);

		if (name[0] == '.' || !strcmp(name, "node_modules"))
			continue;
		if (st_path_is_dir(path)) {
			if ((rc = collect_prisma(cx, path, out)) < 0)
				return rc;
		} else if (has_suffix(name, ".prisma") && st_path_is_file(path)) {
			st_vec_push(out, path);
		}
	}
	return 0;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ==== prisma.config.ts, statically ==== */

typedef enum cfg_kind { CFG_STRING, CFG_OBJECT, CFG_COMPUTED } cfg_kind;

struct cfg_val {
	cfg_kind kind;
	const char *str;         /* CFG_STRING: the value (env already read) */
	const char *raw;         /* CFG_COMPUTED: the source text, trimmed */
	const char *missing_env; /* env("X") with X unset, and no fallback */
	st_vec keys, vals;       /* CFG_OBJECT: const char *, cfg_val * */
};
typedef struct cfg_val cfg_val;

typedef struct cfg_reader {
	st_ctx *cx;
	st_project *p;
	const char *s, *end;
} cfg_reader;

static void
cfg_skip(cfg_reader *r)
{
	for (;;) {
		while (r->s < r->end && isspace((unsigned char)*r->s))
			r->s++;
		if (r->s + 1 < r->end && r->s[0] == '/' && r->s[1] == '/') {
			while (r->s < r->end && *r->s != '\n')
				r->s++;
		} else if (r->s + 1 < r->end && r->s[0] == '/' && r->s[1] == '*') {
			const char *e = strstr(r->s + 2, "*/");

			r->s = e ? e + 2 : r->end;
		} else {
			return;
		}
	}
}

static bool
cfg_lit(cfg_reader *r, const char *lit)
{
	size_t n = strlen(lit);

	cfg_skip(r);
	if ((size_t)(r->end - r->s) >= n && !strncmp(r->s, lit, n)) {
		r->s += n;
		return true;
	}
	return false;
}

static bool
is_ident_ch(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

static const char *
cfg_ident(cfg_reader *r)
{
	const char *b;

	cfg_skip(r);
	b = r->s;
	while (r->s < r->end && is_ident_ch((unsigned char)*r->s))
		r->s++;
	return r->s > b ? st_strndup(r->cx->arena, b, (size_t)(r->s - b)) : NULL;
}

/* A quoted string; a template literal with ${...} is not a plain string. */
static const char *
cfg_string(cfg_reader *r, bool *templ)
{
	st_strbuf sb;
	char q;

	cfg_skip(r);
	if (r->s >= r->end || (*r->s != '"' && *r->s != '\'' && *r->s != '`'))
		return NULL;
	q = *r->s++;
	st_strbuf_init_arena(&sb, r->cx->arena);
	while (r->s < r->end && *r->s != q) {
		if (*r->s == '\\' && r->s + 1 < r->end) {
			char c = r->s[1];

			st_strbuf_addch(&sb, c == 'n' ? '\n' : c == 't' ? '\t' : c);
			r->s += 2;
			continue;
		}
		if (q == '`' && *r->s == '$' && r->s + 1 < r->end && r->s[1] == '{')
			*templ = true;
		st_strbuf_addch(&sb, *r->s++);
	}
	if (r->s < r->end)
		r->s++;
	return sb.buf;
}

/* Skips one balanced expression up to a top-level ',' or closing bracket. */
static void
cfg_skip_expr(cfg_reader *r)
{
	int depth = 0;

	while (r->s < r->end) {
		char c = *r->s;
		bool t = false;

		if (c == '"' || c == '\'' || c == '`') {
			cfg_string(r, &t);
			continue;
		}
		if (c == '/' && r->s + 1 < r->end && (r->s[1] == '/' || r->s[1] == '*')) {
			cfg_skip(r);
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}') {
			if (depth == 0)
				return;
			depth--;
		} else if (c == ',' && depth == 0)
			return;
		r->s++;
	}
}

static cfg_val *cfg_value(cfg_reader *r);

static cfg_val *
cfg_object(cfg_reader *r)
{
	cfg_val *v = st_alloc(r->cx->arena, sizeof(*v));

	v->kind = CFG_OBJECT;
	st_vec_init(&v->keys, r->cx->arena);
	st_vec_init(&v->vals, r->cx->arena);
	/* caller consumed '{' */
	for (;;) {
		const char *key;
		bool t = false;

		if (cfg_lit(r, "}"))
			return v;
		if (cfg_lit(r, "...")) {
			cfg_skip_expr(r);
			cfg_lit(r, ",");
			continue;
		}
		cfg_skip(r);
		key = cfg_string(r, &t);
		if (!key)
			key = cfg_ident(r);
		if (!key)
			return NULL;
		if (cfg_lit(r, ":")) {
			st_vec_push(&v->keys, (void *)key);
			st_vec_push(&v->vals, cfg_value(r));
		} else if (cfg_lit(r, "(")) { /* method: seed() {...} */
			cfg_val *c = st_alloc(r->cx->arena, sizeof(*c));

			r->s--;
			cfg_skip_expr(r);
			c->kind = CFG_COMPUTED;
			c->raw = "a method";
			st_vec_push(&v->keys, (void *)key);
			st_vec_push(&v->vals, c);
		} else { /* shorthand { schema } */
			cfg_val *c = st_alloc(r->cx->arena, sizeof(*c));

			c->kind = CFG_COMPUTED;
			c->raw = key;
			st_vec_push(&v->keys, (void *)key);
			st_vec_push(&v->vals, c);
		}
		if (!cfg_lit(r, ",")) {
			if (cfg_lit(r, "}"))
				return v;
			return NULL;
		}
	}
}

/* env("X"), process.env.X, process.env["X"]; NULL when not one of these. */
static const char *
cfg_env_ref(cfg_reader *r)
{
	const char *save = r->s, *name = NULL;
	bool t = false;

	if (cfg_lit(r, "env") && cfg_lit(r, "(")) {
		name = cfg_string(r, &t);
		if (name && cfg_lit(r, ")") && !t)
			return name;
	}
	r->s = save;
	if (cfg_lit(r, "process") && cfg_lit(r, ".") && cfg_lit(r, "env")) {
		if (cfg_lit(r, ".")) {
			name = cfg_ident(r);
		} else if (cfg_lit(r, "[")) {
			name = cfg_string(r, &t);
			if (!cfg_lit(r, "]") || t)
				name = NULL;
		}
		if (name) {
			cfg_lit(r, "!");
			return name;
		}
	}
	r->s = save;
	return NULL;
}

static cfg_val *
cfg_value(cfg_reader *r)
{
	cfg_val *v = st_alloc(r->cx->arena, sizeof(*v));
	const char *start, *envname, *str;
	bool templ = false;

	cfg_skip(r);
	start = r->s;
	if (cfg_lit(r, "{")) {
		cfg_val *o = cfg_object(r);

		if (o) {
			cfg_lit(r, "as");
			return o;
		}
		r->s = start;
		goto computed;
	}
	if ((str = cfg_string(r, &templ)) && !templ) {
		v->kind = CFG_STRING;
		v->str = str;
	} else if (!str && (envname = cfg_env_ref(r))) {
		const char *from;

		v->kind = CFG_STRING;
		v->str = st_project_env(r->cx, r->p, envname, &from);
		if (!v->str)
			v->missing_env = envname;
	} else {
		goto computed;
	}
	/* `a ?? "b"` / `a || "b"`: the fallback applies when a is unset */
	while (cfg_lit(r, "??") || cfg_lit(r, "||")) {
		cfg_val *alt = cfg_value(r);

		if (!v->str) {
			if (alt->kind != CFG_STRING)
				goto computed;
			v->str = alt->str;
			v->missing_env = alt->missing_env;
		}
	}
	cfg_skip(r);
	if (r->s < r->end && *r->s != ',' && *r->s != '}' && *r->s != ')')
		goto computed;
	return v;
computed:
	r->s = start;
	cfg_skip_expr(r);
	v->kind = CFG_COMPUTED;
	v->str = NULL;
	v->raw = st_strndup(r->cx->arena, start, (size_t)(r->s - start));
	{
		st_strbuf sb;

		st_strbuf_init_arena(&sb, r->cx->arena);
		st_strbuf_adds(&sb, v->raw);
		st_strbuf_rtrim(&sb);
		v->raw = sb.buf;
	}
	return v;
}

static cfg_val *
cfg_get(cfg_val *obj, const char *path)
{
	const char *dot;

	while (obj && obj->kind == CFG_OBJECT) {
		size_t n;
		cfg_val *next = NULL;

		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		for (size_t i = 0; i < obj->keys.len; i++) {
			const char *k = obj->keys.items[i];

			if (strlen(k) == n && !strncmp(k, path, n))
				next = obj->vals.items[i];
		}
		if (!dot || !next)
			return next;
		obj = next;
		path = dot + 1;
	}
	return NULL;
}

/* Where the word w (an identifier) first occurs outside comments and
 * strings, or NULL. */
static const char *
find_code_word(const char *text, size_t len, const char *w)
{
	size_t n = strlen(w);
	const char *s = text, *end = text + len;

	while (s < end) {
		if (s + 1 < end && s[0] == '/' && s[1] == '/') {
			while (s < end && *s != '\n')
				s++;
		} else if (s + 1 < end && s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e ? e + 2 : end;
		} else if (*s == '"' || *s == '\'' || *s == '`') {
			char q = *s++;

			while (s < end && *s != q)
				s += *s == '\\' ? 2 : 1;
			s++;
		} else if ((size_t)(end - s) >= n && !strncmp(s, w, n) &&
			   (s == text || !is_ident_ch((unsigned char)s[-1])) &&
			   (s + n == end || !is_ident_ch((unsigned char)s[n]))) {
			return s;
		} else {
			s++;
		}
	}
	return NULL;
}

/* Finds the config object: defineConfig({...}) or export default {...}. */
static cfg_val *
cfg_parse(st_ctx *cx, st_project *p, const char *text, size_t len)
{
	cfg_reader r = { cx, p, text, text + len };
	const char *at;

	/* defineConfig(, not the name in `import { defineConfig }` */
	for (at = find_code_word(text, len, "defineConfig"); at;
	     at = find_code_word(at + 12, len - (size_t)(at + 12 - text),
				 "defineConfig")) {
		r.s = at + strlen("defineConfig");
		if (cfg_lit(&r, "("))
			break;
	}
	if (at) {
		/* r.s is after "(" */
	} else if ((at = find_code_word(text, len, "export"))) {
		r.s = at + strlen("export");
		if (!cfg_lit(&r, "default"))
			return NULL;
	} else if ((at = find_code_word(text, len, "module"))) {
		r.s = at + strlen("module");
		if (!cfg_lit(&r, ".") || !cfg_lit(&r, "exports") || !cfg_lit(&r, "="))
			return NULL;
	} else {
		return NULL;
	}
	if (!cfg_lit(&r, "{"))
		return NULL;
	return cfg_object(&r);
}

/* A string config value; ST_EUSAGE naming the key when it is computed. */
static int
cfg_string_at(st_ctx *cx, st_project *p, cfg_val *root, const char *key,
	      const char *flag, const char **out)
{
	cfg_val *v = cfg_get(root, key);

	*out = NULL;
	if (!v)
		return 0;
	if (v->kind == CFG_STRING) {
		if (!v->str) {
			st_err_set(cx, ST_ENOTFOUND,
				   "environment variable \"%s\" is not set",
				   v->missing_env);
			st_err_detail(cx, "%s reads %s from env(\"%s\").",
				      p->config_path, key, v->missing_env);
			st_err_hint(cx, "Set %s in the environment or in a .env "
				    "file, or pass %s.", v->missing_env, flag);
			return ST_ENOTFOUND;
		}
		*out = v->str;
		return 0;
	}
	st_err_set(cx, ST_EUSAGE, "cannot read \"%s\" in %s", key,
		   p->config_path);
	st_err_detail(cx, "Its value (%s) is computed; strata reads only string "
		      "literals, env(\"X\") and process.env.X, and never runs "
		      "TypeScript.",
		      v->kind == CFG_OBJECT ? "an object" : v->raw);
	st_err_hint(cx, "Pass %s instead.", flag);
	return ST_EUSAGE;
}

/* ==== .env files ==== */

/* Looks name up in one .env file (dotenv syntax, ${VAR} expansion). */
static const char *project_env(st_ctx *cx, st_project *p, const char *name,
			       const char **from, int depth);

static const char *
dotenv_lookup(st_ctx *cx, st_project *p, const char *path, const char *name,
	      int depth)
{
	char *text;
	size_t len;
	const char *s, *found = NULL;
	size_t nlen = strlen(name);

	if (st_file_read(cx, path, &text, &len) < 0) {
		st_err_clear(cx);
		return NULL;
	}
	for (s = text; *s;) {
		const char *eol = strchr(s, '\n'), *v;
		size_t linelen = eol ? (size_t)(eol - s) : strlen(s);
		const char *e = s + linelen;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (!strncmp(s, "export ", 7))
			s += 7;
		if ((size_t)(e - s) > nlen && !strncmp(s, name, nlen)) {
			v = s + nlen;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (v < e && *v == '=') {
				st_strbuf sb;
				char q = 0;

				v++;
				while (v < e && (*v == ' ' || *v == '\t'))
					v++;
				st_strbuf_init_arena(&sb, cx->arena);
				if (v < e && (*v == '"' || *v == '\'' || *v == '`'))
					q = *v++;
				for (; v < e; v++) {
					if (q && *v == q)
						break;
					if (!q && *v == '#' &&
					    (sb.len == 0 || v[-1] == ' ' || v[-1] == '\t'))
						break;
					if (q == '"' && *v == '\\' && v + 1 < e &&
					    v[1] == 'n') {
						st_strbuf_addch(&sb, '\n');
						v++;
						continue;
					}
					if (q != '\'' && *v == '$' && v + 1 < e &&
					    v[1] == '{' && depth < 8) {
						const char *close = memchr(v, '}', (size_t)(e - v));

						if (close) {
							char *ref = st_strndup(cx->arena, v + 2,
									      (size_t)(close - v - 2));
							/* depth bounds A=${A} and cycles */
							const char *val = project_env(cx, p, ref, NULL,
										      depth + 1);

							if (val)
								st_strbuf_adds(&sb, val);
							v = close;
							continue;
						}
					}
					st_strbuf_addch(&sb, *v);
				}
				if (!q)
					st_strbuf_rtrim(&sb);
				found = sb.buf; /* the last assignment wins */
			}
		}
		s = eol ? eol + 1 : s + linelen;
	}
	return found;
}

static const char *
project_env(st_ctx *cx, st_project *p, const char *name, const char **from,
	    int depth)
{
	const char *v = getenv(name);

	if (from)
		*from = "environment";
	if (v)
		return v;
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->env_files.len; i++) {
		v = dotenv_lookup(cx, p, p->env_files.items[i], name, depth);
		if (v) {
			if (from)
				*from = p->env_files.items[i];
			return v;
		}
	}
	return NULL;
}

const char *
st_project_env(st_ctx *cx, st_project *p, const char *name, const char **from)
{
	return project_env(cx, p, name, from, 0);
}

static void
add_env_file(st_project *p, st_arena *a, const char *path)
{
	for (size_t i = 0; i < p->env_files.len; i++)
		if (!strcmp(p->env_files.items[i], path))
			return;
	if (st_path_is_file(path))
		st_vec_push(&p->env_files, st_strdup(a, path));
}

/* ==== package.json ==== */

/* The string value of "prisma": { "<key>": "..." } in package.json. */
static const char *
package_json_prisma(st_ctx *cx, const char *dir, const char *key)
{
	char *text, *at;
	size_t len;
	cfg_reader r;
	cfg_val *obj, *v;

	if (st_file_read(cx, st_path_join(cx->arena, dir, "package.json"), &text,
			 &len) < 0) {
		st_err_clear(cx);
		return NULL;
	}
	at = strstr(text, "\"prisma\"");
	while (at) {
		r = (cfg_reader){ cx, NULL, at + 8, text + len };
		if (cfg_lit(&r, ":") && cfg_lit(&r, "{")) {
			obj = cfg_object(&r);
			v = obj ? cfg_get(obj, key) : NULL;
			return v && v->kind == CFG_STRING ? v->str : NULL;
		}
		at = strstr(at + 8, "\"prisma\"");
	}
	return NULL;
}

/* ==== loading ==== */

static const char *const config_names[] = {
	"prisma.config.ts", "prisma.config.mts", "prisma.config.cts",
	"prisma.config.js", "prisma.config.mjs", "prisma.config.cjs",
	".config/prisma.ts", ".config/prisma.js",
};

static int
read_sources(st_ctx *cx, st_project *p)
{
	st_vec files = ST_VEC_INIT(cx->arena);
	int rc;

	if (p->schema_is_dir) {
		if ((rc = collect_prisma(cx, p->schema_path, &files)) < 0)
			return rc;
		st_vec_sort(&files, cmp_path);
		if (!files.len) {
			st_err_setp(cx, ST_ENOTFOUND, "P1012",
				    "no .prisma files in schema folder \"%s\"",
				    p->schema_path);
			st_err_hint(cx, "A schema folder holds one or more .prisma "
				    "files; pass --schema with a file or a folder "
				    "that has them.");
			return ST_ENOTFOUND;
		}
	} else {
		st_vec_push(&files, (void *)p->schema_path);
	}
	for (size_t i = 0; i < files.len; i++) {
		char *text;
		size_t len;

		if ((rc = st_file_read(cx, files.items[i], &text, &len)) < 0)
			return rc;
		st_vec_push(&p->sources,
			    st_source_adopt(cx, files.items[i], text, len));
	}
	return 0;
}

static int
locate_schema(st_ctx *cx, st_project *p, const st_project_opts *o,
	      cfg_val *cfg)
{
	const char *cwd = p->cwd, *val;
	static const char *const defaults[] = {
		"prisma/schema.prisma", "schema.prisma", "prisma/schema",
	};
	st_strbuf tried;
	int rc;

	if (o->schema) {
		p->schema_path = under(cx->arena, cwd, o->schema);
		p->schema_from = "--schema";
		if (!st_path_exists(p->schema_path)) {
			st_err_setp(cx, ST_ENOTFOUND, "P1012",
				    "schema file or folder \"%s\" does not exist",
				    p->schema_path);
			st_err_detail(cx, "It was given with --schema.");
			return ST_ENOTFOUND;
		}
		goto found;
	}
	if (cfg) {
		if ((rc = cfg_string_at(cx, p, cfg, "schema", "--schema PATH",
					&val)) < 0)
			return rc;
		if (val) {
			p->schema_path = under(cx->arena, p->dir, val);
			p->schema_from = p->config_path;
			if (!st_path_exists(p->schema_path)) {
				st_err_setp(cx, ST_ENOTFOUND, "P1012",
					    "schema file or folder \"%s\" does not exist",
					    p->schema_path);
				st_err_detail(cx, "It is the \"schema\" key of %s.",
					      p->config_path);
				return ST_ENOTFOUND;
			}
			goto found;
		}
	}
	if ((val = package_json_prisma(cx, cwd, "schema"))) {
		p->schema_path = under(cx->arena, cwd, val);
		p->schema_from = "package.json";
		if (!st_path_exists(p->schema_path)) {
			st_err_setp(cx, ST_ENOTFOUND, "P1012",
				    "schema file or folder \"%s\" does not exist",
				    p->schema_path);
			st_err_detail(cx, "It is set by \"prisma\": {\"schema\"} in "
				      "package.json.");
			return ST_ENOTFOUND;
		}
		goto found;
	}
	st_strbuf_init_arena(&tried, cx->arena);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		const char *path = under(cx->arena, cwd, defaults[i]);

		if (i == 2 ? st_path_is_dir(path) : st_path_is_file(path)) {
			p->schema_path = path;
			p->schema_from = "default location";
			goto found;
		}
		st_strbuf_addf(&tried, "%s%s", i ? ", " : "", path);
	}
	if (o->no_schema_ok)
		return 0;
	st_err_setp(cx, ST_ENOTFOUND, "P1012", "could not find a schema file");
	st_err_detail(cx, "Checked the following paths: %s.", tried.buf);
	st_err_hint(cx, "Pass --schema PATH, or set \"schema\" in "
		    "prisma.config.ts.");
	return ST_ENOTFOUND;
found:
	p->schema_is_dir = st_path_is_dir(p->schema_path);
	return read_sources(cx, p);
}

int
st_project_load(st_ctx *cx, const st_project_opts *o, st_project **out)
{
	st_project *p = st_alloc(cx->arena, sizeof(*p));
	cfg_val *cfg = NULL;
	int rc;

	p->cwd = o->cwd ? o->cwd : ".";
	p->dir = p->cwd;
	p->opt_url = o->url;
	st_vec_init(&p->sources, cx->arena);
	st_vec_init(&p->env_files, cx->arena);

	if (o->config) {
		p->config_path = under(cx->arena, p->cwd, o->config);
		if (!st_path_is_file(p->config_path)) {
			st_err_set(cx, ST_ENOTFOUND,
				   "config file \"%s\" does not exist",
				   p->config_path);
			return ST_ENOTFOUND;
		}
	} else {
		for (size_t i = 0; i < sizeof(config_names) / sizeof(config_names[0]); i++) {
			const char *c = under(cx->arena, p->cwd, config_names[i]);

			if (st_path_is_file(c)) {
				p->config_path = c;
				break;
			}
		}
	}
	/* .env in the working directory is known before the config is read
	 * (`import "dotenv/config"` loads it the same way). */
	add_env_file(p, cx->arena, under(cx->arena, p->cwd, ".env"));
	if (p->config_path) {
		char *text;
		size_t len;

		if (!strstr(p->config_path, ".config/"))
			p->dir = st_path_dirname(cx->arena, p->config_path);
		add_env_file(p, cx->arena,
			     join_dir(cx->arena, p->dir, ".env"));
		if ((rc = st_file_read(cx, p->config_path, &text, &len)) < 0)
			return rc;
		cfg = cfg_parse(cx, p, text, len);
		if (!cfg) {
			st_err_set(cx, ST_EUSAGE, "cannot read %s", p->config_path);
			st_err_detail(cx, "strata reads the object passed to "
				      "defineConfig({...}) or exported with `export "
				      "default {...}`, and found neither.");
			st_err_hint(cx, "Pass --schema, --migrations and --url "
				    "instead, or use --config with a readable file.");
			return ST_EUSAGE;
		}
	}
	if ((rc = locate_schema(cx, p, o, cfg)) < 0)
		return rc;
	if (p->schema_path) {
		const char *sdir = p->schema_is_dir
					   ? p->schema_path
					   : st_path_dirname(cx->arena, p->schema_path);

		/* .env beside the schema comes before the working directory's */
		st_vec_insert(&p->env_files, 0,
			      (char *)join_dir(cx->arena, sdir, ".env"));
		if (!st_path_is_file(p->env_files.items[0]))
			st_vec_remove(&p->env_files, 0);
		else
			for (size_t i = 1; i < p->env_files.len; i++)
				if (!strcmp(p->env_files.items[i], p->env_files.items[0]))
					st_vec_remove(&p->env_files, i--);
	}

	/* migrations folder */
	if (o->migrations) {
		p->migrations_dir = under(cx->arena, p->cwd, o->migrations);
	} else {
		cfg_val *mv = cfg ? cfg_get(cfg, "migrations.path") : NULL;

		if (mv && mv->kind == CFG_STRING && mv->str) {
			p->migrations_dir = under(cx->arena, p->dir, mv->str);
		} else if (mv) {
			p->migrations_dir = NULL; /* st_project_migrations says why */
		} else if (p->schema_path && p->schema_is_dir) {
			const char *in = st_path_join(cx->arena, p->schema_path,
						      "migrations");

			p->migrations_dir =
				st_path_is_dir(in)
					? in
					: join_dir(cx->arena,
						   st_path_dirname(cx->arena, p->schema_path),
						   "migrations");
		} else if (p->schema_path) {
			p->migrations_dir = join_dir(
				cx->arena, st_path_dirname(cx->arena, p->schema_path),
				"migrations");
		} else {
			p->migrations_dir = under(cx->arena, p->cwd, "prisma/migrations");
		}
	}
	p->cfg = cfg;

	/* seed: config migrations.seed, else package.json prisma.seed */
	if (cfg && cfg_get(cfg, "migrations.seed")) {
		cfg_val *sv = cfg_get(cfg, "migrations.seed");

		p->seed = sv->kind == CFG_STRING ? sv->str : NULL;
	} else {
		p->seed = package_json_prisma(cx, p->cwd, "seed");
	}
	if (cfg) {
		cfg_val *sv = cfg_get(cfg, "datasource.shadowDatabaseUrl");

		p->shadow_url = sv && sv->kind == CFG_STRING ? sv->str : NULL;
	}
	*out = p;
	return 0;
}

int
st_project_migrations(st_ctx *cx, st_project *p, const char **out)
{
	if (!p->migrations_dir) {
		const char *v;
		int rc = cfg_string_at(cx, p, p->cfg, "migrations.path",
				       "--migrations DIR", &v);

		if (rc < 0)
			return rc;
		p->migrations_dir = under(cx->arena, p->dir, v);
	}
	*out = p->migrations_dir;
	return 0;
}

int
st_project_seed(st_ctx *cx, st_project *p, const char **out)
{
	*out = NULL;
	if (p->cfg && cfg_get(p->cfg, "migrations.seed"))
		return cfg_string_at(cx, p, p->cfg, "migrations.seed",
				     "a seed command your package.json runs", out);
	*out = p->seed;
	return 0;
}

/* ==== URL ==== */

static void
set_url(st_project *p, const char *url, st_url_origin o, const char *text)
{
	p->url = url;
	p->url_origin = o;
	p->url_origin_text = text;
}

/* The embedded default: the project's running `strata db start` database.
 * 1 when used (and said so on stderr unless cx->quiet), 0 when none runs. */
static int
use_localdb(st_ctx *cx, st_project *p)
{
	char *url = NULL;
	int rc = st_localdb_running_url(cx, p->dir, &url);

	if (rc <= 0) {
		st_err_clear(cx);
		return 0;
	}
	set_url(p, url, ST_URL_LOCALDB, "the local database (strata db start)");
	if (!cx->quiet)
		fprintf(stderr, "strata: using the local database started by "
			"`strata db start` at %s\n", url);
	return 1;
}

void
st_project_datasource(st_ctx *cx, st_project *p)
{
	size_t ndiags = cx->diags.len;
	int saved = cx->err;

	if (p->ds_scanned)
		return;
	p->ds_scanned = true;
	p->ds_name = "db";
	for (size_t i = 0; i < p->sources.len; i++) {
		st_source *src = p->sources.items[i];
		st_psl_file *f = NULL;

		st_psl_parse(cx, src, &f);
		cx->diags.len = ndiags;
		if (!saved)
			st_err_clear(cx);
		for (size_t b = 0; f && b < f->nblocks; b++) {
			st_psl_block *blk = f->blocks[b];
			st_psl_prop *prop;
			const char *s, *env;
			size_t len;

			if (blk->kind != ST_PSL_DATASOURCE)
				continue;
			if (blk->name.name)
				p->ds_name = blk->name.name;
			p->ds_path = src->path;
			prop = st_psl_block_prop(blk, "provider");
			if (prop && prop->value && st_psl_expr_string(prop->value, &s, &len))
				p->provider = s;
			/* Prisma Migrate connects with directUrl when there is one
			 * (the url then usually points at a pooler) */
			p->ds_url_key = "directUrl";
			prop = st_psl_block_prop(blk, "directUrl");
			if (!prop || !prop->value) {
				p->ds_url_key = "url";
				prop = st_psl_block_prop(blk, "url");
			}
			if (prop && prop->value) {
				st_psl_expr *e = prop->value;

				if (st_psl_expr_is_call(e, "env") && e->args.n == 1 &&
				    e->args.items[0]->value &&
				    st_psl_expr_string(e->args.items[0]->value, &env,
						       &len))
					p->ds_url_env = env;
				else if (st_psl_expr_string(e, &s, &len))
					p->ds_url_literal = s;
			}
			return;
		}
	}
}

/* The schema's datasource url: a string, or env("X").  0 when absent. */
static int
schema_datasource_url(st_ctx *cx, st_project *p)
{
	st_project_datasource(cx, p);
	if (p->ds_url_env) {
		const char *from, *v = st_project_env(cx, p, p->ds_url_env, &from);

		/* unset counts as "not configured": the embedded default */
		if (!v && use_localdb(cx, p))
			return 1;
		if (!v) {
			st_err_setp(cx, ST_ENOTFOUND, "P1012",
				    "environment variable not found: %s", p->ds_url_env);
			st_err_detail(cx, "The datasource in %s reads its %s from "
				      "env(\"%s\").", p->ds_path, p->ds_url_key,
				      p->ds_url_env);
			st_err_hint(cx, "Set %s in the environment or in a .env file "
				    "beside the schema, pass --url, or start a local "
				    "database with `strata db start`.", p->ds_url_env);
			return ST_ENOTFOUND;
		}
		set_url(p, v, ST_URL_SCHEMA_ENV,
			st_strfmt(cx->arena, "env %s from %s", p->ds_url_env, from));
		return 1;
	}
	if (p->ds_url_literal) {
		set_url(p, p->ds_url_literal, ST_URL_SCHEMA_LITERAL,
			st_strfmt(cx->arena, "the datasource in %s", p->ds_path));
		return 1;
	}
	return 0;
}

int
st_project_url(st_ctx *cx, st_project *p, const char **out)
{
	const char *v, *from;
	int rc;

	*out = NULL;
	if (p->url) {
		*out = p->url;
		return 0;
	}
	if (p->opt_url) {
		set_url(p, p->opt_url, ST_URL_FLAG, "--url");
		goto done;
	}
	if (p->cfg && cfg_get(p->cfg, "datasource.url")) {
		if ((rc = cfg_string_at(cx, p, p->cfg, "datasource.url", "--url URL",
					&v)) < 0)
			return rc;
		set_url(p, v, ST_URL_CONFIG,
			st_strfmt(cx->arena, "datasource.url in %s", p->config_path));
		goto done;
	}
	if ((rc = schema_datasource_url(cx, p)) < 0)
		return rc;
	if (rc > 0)
		goto done;
	if ((v = st_project_env(cx, p, "DATABASE_URL", &from))) {
		set_url(p, v, ST_URL_DATABASE_URL,
			st_strfmt(cx->arena, "env DATABASE_URL from %s", from));
		goto done;
	}
	/* ==== local database fallback ==== (db/localdb.h) */
	if (use_localdb(cx, p))
		goto done;
	st_err_setp(cx, ST_ENOTFOUND, "P1012", "no database URL is configured");
	st_err_detail(cx, "strata looks at --url, datasource.url in "
		      "prisma.config.ts, the schema's datasource url, and "
		      "DATABASE_URL (environment or .env).");
	st_err_hint(cx, "Set DATABASE_URL, e.g. export DATABASE_URL="
		    "\"postgresql://USER:PASSWORD@HOST:5432/DB?schema=public\", "
		    "or start a local database with `strata db start`.");
	return ST_ENOTFOUND;
done:
	*out = p->url;
	return 0;
}
