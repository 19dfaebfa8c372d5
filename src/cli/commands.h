/*
 * commands.h - one entry point per user-visible command, each in the
 * file of the same name (cmd_migrate_deploy.c for `strata migrate deploy`).
 * The table that maps names to these lives in main.c.
 */
#ifndef ST_CLI_COMMANDS_H
#define ST_CLI_COMMANDS_H

#include "cli/cli.h"

typedef int (*st_cmd_fn)(st_cli *cli, int argc, char **argv);

/* Declarations are added here as command files land. */

#endif
