/* `goose-run load URL`: the load engine on its own, as wrk and vegeta are used. Parses
 * options, runs runner/loadgen and prints the figures as text or one JSON object. */
#ifndef GOOSE_LOAD_CLI_H
#define GOOSE_LOAD_CLI_H

extern const char load_cli_help_text[];

/* argv[0] is "load". Returns 0 (no errors), 1 (some requests failed or none succeeded) or 2 (usage). */
int load_cli_main(int argc, char **argv);

#endif
