/* `goose-run snapshots ...`: the snapshot store as a command of its own, on any directory.
 * Parses options, calls runner/snapshot and chooses the exit code. */
#ifndef GOOSE_SNAPSHOT_CLI_H
#define GOOSE_SNAPSHOT_CLI_H

enum snap_cli_exit {
	SNAP_CLI_EXIT_SUCCESS = 0,
	SNAP_CLI_EXIT_FAILURE = 1,
	SNAP_CLI_EXIT_USAGE = 2,
};

/* argv[0] is "snapshots", argv[1] the subcommand. Returns an enum snap_cli_exit. */
int snap_cli_main(int argc, char **argv);

#endif
