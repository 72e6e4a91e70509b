/* `goosec scan`: the vulnerability scan of SBOMs against an OSV database, with the tree's
 * enrichment and waivers, as text, JSON or SARIF 2.1.0. */
#ifndef GOOSE_SCAN_CLI_H
#define GOOSE_SCAN_CLI_H

/* argv[0] is "scan". Returns the exit code: 0 clean, 1 an unwaived finding at or above
 * --fail-on, 2 usage, unreadable or malformed input. */
int scan_cli_main(int argc, char **argv);

#endif
