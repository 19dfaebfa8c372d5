/*
 * main.c - the command table and the process entry point.
 *
 * A command name is one or two words ("validate", "migrate deploy").
 * Each row points at cmd_<name> in cmd_<name>.c.  main() sets up the
 * context (one arena per command), decides colour and interactivity,
 * dispatches, and turns the result into the process exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "strata/version.h"

typedef struct cmd_row {
	const char *group; /* NULL for top-level commands */
	const char *name;
	st_cmd_fn fn;
	const char *summary;
} cmd_row;

static const cmd_row commands[] = {
	{ NULL, "validate", cmd_validate, "Check the Prisma schema for errors" },
	{ NULL, "format", cmd_format, "Format the Prisma schema files like prisma format" },
	{ "migrate", "dev", cmd_migrate_dev, "Create a migration from schema changes and apply it" },
	{ "migrate", "deploy", cmd_migrate_deploy, "Apply pending migrations to the database" },
	{ "migrate", "status", cmd_migrate_status, "Compare the migrations folder with the database" },
	{ "migrate", "resolve", cmd_migrate_resolve, "Mark a migration as applied or rolled back" },
	{ "migrate", "diff", cmd_migrate_diff, "Compare two schema sources: summary or SQL migration" },
	{ "migrate", "reset", cmd_migrate_reset, "Drop the schema, re-apply all migrations, seed" },
	{ "db", "start", cmd_db_start, "Start a local PostgreSQL for this project" },
	{ "db", "stop", cmd_db_stop, "Stop the local PostgreSQL" },
	{ "db", "status", cmd_db_status, "Is the local PostgreSQL running, and where" },
	{ "db", "seed", cmd_db_seed, "Fill the database with seed data" },
	{ "db", "execute", cmd_db_execute, "Run a SQL script against the database" },
	{ "db", "push", cmd_db_push, "Push the schema to the database without migrations" },
	{ "db", "pull", cmd_db_pull, "Write schema.prisma from the database" },
	{ "db", "studio", cmd_db_studio, "Browse and edit the database in a web page" },
	{ NULL, NULL, NULL, NULL },
};

static const char *groups[][2] = {
	{ "migrate", "Create and apply migrations" },
	{ "db", "Work with the database directly" },
};

static bool
use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f));
}

static void
print_main_help(FILE *f)
{
	fputs("strata - PostgreSQL schema migrations, compatible with Prisma Migrate\n\n"
	      "Usage: strata <command> [options]\n\nCommands:\n", f);
	for (const cmd_row *c = commands; c->name; c++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s", c->group ? c->group : "",
			 c->group ? " " : "", c->name);
		fprintf(f, "  %-20s %s\n", name, c->summary);
	}
	fputs("\nOptions:\n"
	      "  -h, --help           Show help (also after any command)\n"
	      "  -v, --version        Show the version\n\n"
	      "Run 'strata <command> --help' for a command's options.\n", f);
}

static bool
group_exists(const char *g)
{
	for (const cmd_row *c = commands; c->name; c++)
		if (c->group && !strcmp(c->group, g))
			return true;
	return false;
}

static void
print_group_help(FILE *f, const char *group)
{
	const char *summary = "";

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!strcmp(groups[i][0], group))
			summary = groups[i][1];
	fprintf(f, "Usage: strata %s <command> [options]\n\n%s\n\nCommands:\n",
		group, summary);
	for (const cmd_row *c = commands; c->name; c++)
		if (c->group && !strcmp(c->group, group))
			fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'strata %s <command> --help' for a command's options.\n",
		group);
}

int
main(int argc, char **argv)
{
	const cmd_row *row = NULL;
	st_cli cli = { 0 };
	int shift = 1, rc;
	const char *ci = getenv("CI");

	cli.color_out = use_color(stdout);
	cli.color_err = use_color(stderr);
	cli.interactive = isatty(0) && isatty(1) && !(ci && *ci && strcmp(ci, "false"));

	if (argc < 2) {
		print_main_help(stderr);
		return ST_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_main_help(stdout);
		return ST_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v") ||
	    !strcmp(argv[1], "version")) {
		printf("strata %s\n", ST_VERSION);
		return ST_EXIT_OK;
	}
	if (group_exists(argv[1])) {
		if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
			print_group_help(argc < 3 ? stderr : stdout, argv[1]);
			return argc < 3 ? ST_EXIT_USAGE : ST_EXIT_OK;
		}
		for (const cmd_row *c = commands; c->name; c++)
			if (c->group && !strcmp(c->group, argv[1]) &&
			    !strcmp(c->name, argv[2]))
				row = c;
		shift = 2;
		if (!row) {
			fprintf(stderr, "strata: error: unknown command \"%s %s\"\n"
				"Try 'strata %s --help' for the list of commands.\n",
				argv[1], argv[2], argv[1]);
			return ST_EXIT_USAGE;
		}
	} else {
		for (const cmd_row *c = commands; c->name; c++)
			if (!c->group && !strcmp(c->name, argv[1]))
				row = c;
		if (!row) {
			fprintf(stderr, "strata: error: unknown command \"%s\"\n"
				"Try 'strata --help' for the list of commands.\n",
				argv[1]);
			return ST_EXIT_USAGE;
		}
	}

	cli.cx = st_ctx_new(NULL);
	cli.command = row->group ? st_strfmt(cli.cx->arena, "%s %s", row->group,
					     row->name)
				 : row->name;
	rc = row->fn(&cli, argc - shift, argv + shift);
	fflush(stdout);
	st_ctx_free(cli.cx);
	return rc;
}
