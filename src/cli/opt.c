/*
 * opt.c - option tables: parsing, --help text, usage errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const st_opt *
find_long(const st_opt *opts, const char *name, size_t n)
{
	for (const st_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == n && !strncmp(o->name, name, n))
			return o;
	return NULL;
}

static const st_opt *
find_short(const st_opt *opts, char c)
{
	for (const st_opt *o = opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

int
st_cli_usage_error(st_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "strata: %serror:%s ", st_c(cli, stderr, ST_C_RED),
		st_c(cli, stderr, ST_C_RESET));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'strata %s --help' for more information.\n",
		cli->command ? cli->command : "");
	return ST_EXIT_USAGE;
}

static int
set_value(st_cli *cli, const st_opt *o, const char *val)
{
	switch (o->kind) {
	case ST_OPT_STRING:
		*(const char **)o->dest = val;
		return 0;
	case ST_OPT_LIST:
		st_vec_push((st_vec *)o->dest, (void *)val);
		return 0;
	case ST_OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(val, &end, 10);
		if (errno || end == val || *end) {
			st_cli_usage_error(cli, "option --%s needs a number, not \"%s\"",
					   o->name, val);
			return -1;
		}
		*(long *)o->dest = v;
		return 0;
	}
	case ST_OPT_FLAG:
		break;
	}
	return -1;
}

int
st_opt_parse(st_cli *cli, const st_cmd_help *help, const st_opt *opts,
	     int argc, char **argv, st_vec *positional, st_vec *rest)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const st_opt *o;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++) {
				st_vec *to = rest ? rest : positional;

				if (!to) {
					st_cli_usage_error(cli, "unexpected argument \"%s\"",
							   argv[i]);
					return ST_OPT_ERR;
				}
				st_vec_push(to, argv[i]);
			}
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			st_opt_print_help(stdout, help, opts);
			return ST_OPT_HELP;
		}
		if (a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);

			o = find_long(opts, name, n);
			if (!o) {
				st_cli_usage_error(cli, "unknown option \"--%.*s\"",
						   (int)n, name);
				return ST_OPT_ERR;
			}
			if (o->kind == ST_OPT_FLAG) {
				if (eq) {
					st_cli_usage_error(cli,
							   "option --%s takes no value",
							   o->name);
					return ST_OPT_ERR;
				}
				*(bool *)o->dest = true;
				continue;
			}
			if (eq) {
				if (set_value(cli, o, eq + 1) < 0)
					return ST_OPT_ERR;
				continue;
			}
			if (i + 1 >= argc) {
				st_cli_usage_error(cli, "option --%s needs a value (%s)",
						   o->name, o->arg ? o->arg : "VALUE");
				return ST_OPT_ERR;
			}
			if (set_value(cli, o, argv[++i]) < 0)
				return ST_OPT_ERR;
			continue;
		}
		if (a[0] == '-' && a[1] && a[1] != '-') {
			for (const char *s = a + 1; *s; s++) {
				o = find_short(opts, *s);
				if (!o) {
					st_cli_usage_error(cli, "unknown option \"-%c\"", *s);
					return ST_OPT_ERR;
				}
				if (o->kind == ST_OPT_FLAG) {
					*(bool *)o->dest = true;
					continue;
				}
				if (s[1]) {
					if (set_value(cli, o, s + 1) < 0)
						return ST_OPT_ERR;
				} else if (i + 1 < argc) {
					if (set_value(cli, o, argv[++i]) < 0)
						return ST_OPT_ERR;
				} else {
					st_cli_usage_error(cli, "option -%c needs a value (%s)",
							   *s, o->arg ? o->arg : "VALUE");
					return ST_OPT_ERR;
				}
				break;
			}
			continue;
		}
		if (!positional) {
			st_cli_usage_error(cli, "unexpected argument \"%s\"", a);
			return ST_OPT_ERR;
		}
		st_vec_push(positional, (void *)a);
	}
	return ST_OPT_OK;
}

void
st_opt_print_help(FILE *f, const st_cmd_help *help, const st_opt *opts)
{
	fprintf(f, "Usage: %s\n\n%s\n", help->usage, help->summary);
	if (help->description)
		fprintf(f, "\n%s\n", help->description);
	fputs("\nOptions:\n", f);
	for (const st_opt *o = opts; o && o->name; o++) {
		char left[64];

		if (o->kind == ST_OPT_FLAG)
			snprintf(left, sizeof(left), "%s%c%s--%s",
				 o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
				 o->short_name ? ", " : "  ", o->name);
		else
			snprintf(left, sizeof(left), "%s%c%s--%s %s",
				 o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
				 o->short_name ? ", " : "  ", o->name,
				 o->arg ? o->arg : "VALUE");
		fprintf(f, "  %-30s %s\n", left + (o->short_name ? 0 : 1), o->help);
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "Show this help");
	if (help->examples)
		fprintf(f, "\nExamples:\n%s\n", help->examples);
}
