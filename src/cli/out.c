/*
 * out.c - what the CLI prints besides command output: errors with their
 * DETAIL/HINT parts, diagnostics, warnings, confirmations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

const char *
st_c(const st_cli *cli, FILE *f, const char *code)
{
	static const char *table[][2] = {
		{ "0", "\033[0m" }, { "1", "\033[1m" }, { "2", "\033[2m" },
		{ "31", "\033[31m" }, { "32", "\033[32m" }, { "33", "\033[33m" },
		{ "36", "\033[36m" },
	};
	bool on = f == stderr ? cli->color_err : cli->color_out;

	if (!on)
		return "";
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i][0], code))
			return table[i][1];
	return "";
}

int
st_cli_report(st_cli *cli)
{
	st_ctx *cx = cli->cx;

	st_cli_report_diags(cli);
	if (!cx->err)
		return ST_EXIT_FAIL;
	fprintf(stderr, "strata: %serror:%s ", st_c(cli, stderr, ST_C_RED),
		st_c(cli, stderr, ST_C_RESET));
	if (cx->err_pcode)
		fprintf(stderr, "%s: ", cx->err_pcode);
	fprintf(stderr, "%s\n", cx->err_msg.buf);
	if (cx->err_detail.len)
		fprintf(stderr, "DETAIL: %s\n", cx->err_detail.buf);
	if (cx->err_hint.len)
		fprintf(stderr, "HINT: %s\n", cx->err_hint.buf);
	return ST_EXIT_FAIL;
}

size_t
st_cli_report_diags(st_cli *cli)
{
	st_ctx *cx = cli->cx;
	st_strbuf sb = ST_STRBUF_INIT;
	size_t nerr = 0;

	for (size_t i = 0; i < cx->diags.len; i++) {
		const st_diag *d = cx->diags.items[i];

		if (d->severity == ST_SEV_ERROR)
			nerr++;
		st_diag_render(&sb, d, cli->color_err);
	}
	fputs(sb.buf, stderr);
	st_strbuf_release(&sb);
	cx->diags.len = 0;
	return nerr;
}

void
st_cli_warn(st_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "strata: %swarning:%s ", st_c(cli, stderr, ST_C_YELLOW),
		st_c(cli, stderr, ST_C_RESET));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
st_cli_info(st_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->cx->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool
st_cli_confirm(st_cli *cli, const char *question)
{
	char line[64];

	if (!cli->interactive)
		return false;
	fprintf(stderr, "%s%s%s [y/N] ", st_c(cli, stderr, ST_C_BOLD), question,
		st_c(cli, stderr, ST_C_RESET));
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}
