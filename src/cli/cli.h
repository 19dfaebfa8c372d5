/*
 * cli.h - what every cmd_<name>.c needs: the invocation, option tables,
 * output helpers and error reporting.  Only src/cli/ may exit().
 *
 * Exit codes: 0 ok, 1 failure, 2 usage error, 3 drift / pending work
 * where a command documents it (Prisma-compatible commands keep Prisma's
 * codes, e.g. `migrate status` exits 1 when migrations are pending).
 */
#ifndef ST_CLI_CLI_H
#define ST_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/diag.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/vec.h"

/* ST_EXIT_CANCEL: migrate dev stopped for a reset it may not do, or a
 * question answered no (Prisma 7 exits 130 there too). */
enum { ST_EXIT_OK = 0, ST_EXIT_FAIL = 1, ST_EXIT_USAGE = 2, ST_EXIT_DRIFT = 3,
       ST_EXIT_CANCEL = 130 };

typedef struct st_cli {
	st_ctx *cx;          /* the command's context and arena */
	const char *command; /* "migrate deploy" */
	bool color_out;      /* colour on stdout (TTY and no NO_COLOR) */
	bool color_err;
	bool interactive;    /* stdin and stdout are TTYs and not CI */
} st_cli;

typedef enum st_opt_kind {
	ST_OPT_FLAG,   /* bool *dest */
	ST_OPT_STRING, /* const char **dest */
	ST_OPT_INT,    /* long *dest */
	ST_OPT_LIST,   /* st_vec *dest of const char *, repeatable */
} st_opt_kind;

typedef struct st_opt {
	const char *name;  /* long name without dashes; NULL ends the table */
	char short_name;   /* 0 for none */
	st_opt_kind kind;
	void *dest;
	const char *arg;   /* metavar shown in help, e.g. "PATH" */
	const char *help;
} st_opt;

typedef struct st_cmd_help {
	const char *usage;       /* "strata validate [--schema PATH]" */
	const char *summary;     /* one line */
	const char *description; /* paragraphs, may be NULL */
	const char *examples;    /* lines, may be NULL */
} st_cmd_help;

enum { ST_OPT_OK = 0, ST_OPT_HELP = 1, ST_OPT_ERR = -1 };

/*
 * Parses argv[1..] against opts (a NULL-terminated table); --help/-h is
 * built in.  Positional arguments go to positional (may be NULL, then
 * any positional is a usage error); after "--" everything is positional
 * and, when rest is not NULL, goes to rest instead.
 * Returns ST_OPT_OK, ST_OPT_HELP (help printed: exit 0) or ST_OPT_ERR
 * (usage error printed: exit 2).
 */
int st_opt_parse(st_cli *cli, const st_cmd_help *help, const st_opt *opts,
		 int argc, char **argv, st_vec *positional, st_vec *rest);
void st_opt_print_help(FILE *f, const st_cmd_help *help, const st_opt *opts);
/* Prints "strata: error: msg" and "Try 'strata X --help'" and returns 2. */
int st_cli_usage_error(st_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints cx's error (with Prisma code, DETAIL, HINT) to stderr; returns 1. */
int st_cli_report(st_cli *cli);
/* Prints collected diagnostics to stderr; returns the number of errors. */
size_t st_cli_report_diags(st_cli *cli);

/* Output helpers: colour only when enabled for that stream. */
const char *st_c(const st_cli *cli, FILE *f, const char *code);
#define ST_C_BOLD "1"
#define ST_C_RED "31"
#define ST_C_GREEN "32"
#define ST_C_YELLOW "33"
#define ST_C_CYAN "36"
#define ST_C_DIM "2"
#define ST_C_RESET "0"
void st_cli_warn(st_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void st_cli_info(st_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Asks a yes/no question on the TTY; false when not interactive. */
bool st_cli_confirm(st_cli *cli, const char *question);

#endif
