/* `goose-run verify|apply|resume|status`: option parsing and messages over the apply engine;
 * the exit codes are enum runner_exit (runner_exit.h). */
#ifndef GOOSE_RUN_CLI_H
#define GOOSE_RUN_CLI_H

/* argv[0] is the command name. Returns an enum runner_exit. */
int run_cli_main(int argc, char **argv);

/* The option and exit-code summary `goose-run --help` prints. */
extern const char run_cli_help_text[];

#endif
