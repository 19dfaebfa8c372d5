/*
 * devcli.h - what the development commands (migrate dev, migrate reset,
 * db push, db pull) share on top of dbcli.h: the production-safety guard,
 * the terminal I/O handed to the library (migrate/dev.h), and running the
 * seed after a reset.
 */
#ifndef ST_CLI_DEVCLI_H
#define ST_CLI_DEVCLI_H

#include <stdbool.h>

#include "cli/dbcli.h"
#include "migrate/dev.h"

/* Whether host is this machine: loopback, a Unix socket, or empty. */
bool st_devcli_host_is_local(const char *host);

/*
 * Before changing anything: prints the target, and when the database is
 * not local (not loopback, not a socket, not the project's `db start`
 * database) asks on a TTY, or without one refuses unless allow_remote.
 * Returns 0 to go on, or an exit code.
 */
int st_devcli_guard(st_cli *cli, st_dbcli *d, const char *what,
		    bool allow_remote);

/* Terminal I/O for the library: stdout, st_cli_confirm, name prompt. */
st_dev_io st_devcli_io(st_cli *cli);

/* Runs the project's seed when one is configured (after a reset).
 * Returns an exit code. */
int st_devcli_seed(st_cli *cli, st_dbcli *d);

#endif
