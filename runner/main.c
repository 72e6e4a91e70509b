/* goose-run: verifies signed plans and applies them step by step in the target environment.
 * Links only jansson, OpenSSL and zstd: it reads nothing but signed JSON. */
#include <stdio.h>
#include <string.h>

#include "load_cli.h"
#include "run_cli.h"
#include "runner_exit.h"
#include "snapshot_cli.h"
#include "util.h"
#include "banned.h"

static const char usage_text[] =
	"usage: goose-run <command> [options]\n"
	"\n"
	"  snapshots create|restore|list|verify|prune   encrypted snapshots of a directory\n"
	"                 (goose-run snapshots --help)\n"
	"  -h, --help     show this help\n"
	"  --version      show the version\n"
	"\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return RUNNER_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		fputs(run_cli_help_text, stdout);
		fputs(load_cli_help_text, stdout);
		return RUNNER_EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("goose-run %s\n", GOOSE_VERSION);
		return RUNNER_EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "load") == 0)
		return load_cli_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "snapshots") == 0)
		return snap_cli_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0 || strcmp(argv[1], "apply") == 0 || strcmp(argv[1], "resume") == 0 ||
	    strcmp(argv[1], "status") == 0)
		return run_cli_main(argc - 1, argv + 1);
	fprintf(stderr, "goose-run: unknown command '%s'\nrun 'goose-run --help' for usage\n", argv[1]);
	return RUNNER_EXIT_USAGE;
}
