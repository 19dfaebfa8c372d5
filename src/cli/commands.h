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

/* migration runner (cmd_migrate_deploy.c ... cmd_db_execute.c) */
int cmd_migrate_deploy(st_cli *cli, int argc, char **argv);
int cmd_migrate_status(st_cli *cli, int argc, char **argv);
int cmd_migrate_resolve(st_cli *cli, int argc, char **argv);
int cmd_db_execute(st_cli *cli, int argc, char **argv);

/* local database and seeding (cmd_db_start.c ... cmd_db_seed.c) */
int cmd_db_start(st_cli *cli, int argc, char **argv);
int cmd_db_stop(st_cli *cli, int argc, char **argv);
int cmd_db_status(st_cli *cli, int argc, char **argv);
int cmd_db_seed(st_cli *cli, int argc, char **argv);

/* schema diff (cmd_migrate_diff.c, src/sqlschema/) */
int cmd_migrate_diff(st_cli *cli, int argc, char **argv);

/* schema validation (cmd_validate.c, src/psl/validate*.c) */
int cmd_validate(st_cli *cli, int argc, char **argv);

/* schema formatter (cmd_format.c, src/psl/format.c) */
int cmd_format(st_cli *cli, int argc, char **argv);

/* web data browser (cmd_db_studio.c, src/studio/) */
int cmd_db_studio(st_cli *cli, int argc, char **argv);

/* development loop (cmd_migrate_dev.c, cmd_migrate_reset.c, cmd_db_push.c,
 * cmd_db_pull.c, src/migrate/dev.c, src/sqlschema/introspect.c, pull.c) */
int cmd_migrate_dev(st_cli *cli, int argc, char **argv);
int cmd_migrate_reset(st_cli *cli, int argc, char **argv);
int cmd_db_push(st_cli *cli, int argc, char **argv);
int cmd_db_pull(st_cli *cli, int argc, char **argv);

#endif
