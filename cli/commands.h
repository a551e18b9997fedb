/* commands.h - the subcommands of bin/thermometer. Each takes the arguments
 * after its name (argv[0] is the command name) and returns the exit status.
 */
#ifndef TM_COMMANDS_H
#define TM_COMMANDS_H

#include "core/error.h"
#include "server/app/app.h"

typedef struct command {
    const char *name;
    const char *summary; /* one line for `thermometer --help` */
    int (*run)(int argc, char **argv);
    const char *help; /* the full text of `thermometer NAME --help` */
} command;

extern const command commands[];

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_analyse(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Parses the value of --wave at argv[*i + 1] (advancing *i); the id, or -1
 * after telling the user what is wrong. */
long long parse_wave_arg(int argc, char **argv, int *i, const char *cmd);

/* Whether argv holds -h or --help. */
int wants_help(int argc, char **argv);

/* Opens the application on DATABASE_URL with one database connection,
 * borrowed into *c. Returns NULL after telling the user what is wrong. */
app *cli_app_open(const char *cmd, PGconn **c);

/* Gives the connection back and closes the application. */
void cli_app_close(app *a, PGconn *c);

/* Prints err (and its details) for cmd on stderr, clears it; returns 1. */
int cli_fail(const char *cmd, tm_error *err);

#endif
