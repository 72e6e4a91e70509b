/* Command line of plan verification and application: parses options, loads trusted keys,
 * calls the apply engine and prints its one-line refusal. Only this file and main print. */
#include "run_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "plan_reader.h"
#include "runner_exit.h"
#include "state.h"
#include "util.h"
#include "banned.h"

#define RUN_CLI_KEY_ENV "GOOSE_SNAPSHOT_KEY_FILE"
#define RUN_CLI_EVIDENCE_KEY_ENV "GOOSE_EVIDENCE_KEY_FILE"

const char run_cli_help_text[] =
	"  verify PLAN --trust PUBKEY...       check a plan's signature, trust and expiry\n"
	"  apply PLAN --trust PUBKEY... [--state DIR] [--dry-run] [--approve NAME]...\n"
	"        [--ignore-window] [--snapshot-key FILE] [--metrics-file FILE] [--root DIR]\n"
	"        [--evidence-key FILE]\n"
	"                                      verify, check the expected state, run the steps\n"
	"  resume [--state DIR] --trust PUBKEY...  finish the interrupted run of the state dir\n"
	"  status [--state DIR] [--json]       the stage registry (--json feeds goosec build --state-from)\n"
	"\n"
	"  common: --allow-unsigned, --allow-no-expiry, --now SECONDS (the clock, for tests);\n"
	"  --state defaults to " STATE_DEFAULT_DIR "; the snapshot key comes from --snapshot-key or $" RUN_CLI_KEY_ENV ";\n"
	"  the evidence signing key from --evidence-key or $" RUN_CLI_EVIDENCE_KEY_ENV ". --root names the config\n"
	"  tree the plan's relative paths (SBOMs, baselines, reports) name and where exec steps run (default: .).\n"
	"  GOOSE_RUN_CRASH_AT=STEP:PHASE (intent, done, swapped, registered) kills the runner there (tests).\n"
	"\n"
	"exit codes: 0 success, 1 step failed, 2 usage, 3 gate failed or load-test criteria not met,\n"
	"  4 interrupted (resume later), 10 malformed plan, 11 bad signature, 12 untrusted key, 13 unsigned,\n"
	"  14 expired, 15 no expiry, 16 other project, 17 stale plan, 18 journal tampered, 19 state dir busy\n";

struct cli_options {
	struct apply_options apply;
	const char *positional;
	const char **trust_paths;
	size_t trust_count, trust_alloc;
	const char **approvals;
	size_t approval_count, approval_alloc;
	bool json;
};

static int usage_error(const char *command, const char *message, const char *subject)
{
	fprintf(stderr, "goose-run %s: ", command);
	fprintf(stderr, message, subject);
	fputs("\nrun 'goose-run --help' for usage\n", stderr);
	return RUNNER_EXIT_USAGE;
}

static int parse(struct cli_options *options, const char *command, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(arg, "--trust") == 0 && has_value) {
			ALLOC_GROW(options->trust_paths, options->trust_count + 1, options->trust_alloc);
			options->trust_paths[options->trust_count++] = argv[++i];
		} else if (strcmp(arg, "--approve") == 0 && has_value) {
			ALLOC_GROW(options->approvals, options->approval_count + 1, options->approval_alloc);
			options->approvals[options->approval_count++] = argv[++i];
		} else if (strcmp(arg, "--state") == 0 && has_value) {
			options->apply.state_path = argv[++i];
		} else if (strcmp(arg, "--snapshot-key") == 0 && has_value) {
			options->apply.snapshot_key_path = argv[++i];
		} else if (strcmp(arg, "--root") == 0 && has_value) {
			options->apply.root = argv[++i];
		} else if (strcmp(arg, "--evidence-key") == 0 && has_value) {
			options->apply.evidence_key_path = argv[++i];
		} else if (strcmp(arg, "--metrics-file") == 0 && has_value) {
			options->apply.metrics_path = argv[++i];
		} else if (strcmp(arg, "--now") == 0 && has_value) {
			char *end;
			long long now = strtoll(argv[++i], &end, 10);
			if (*end || end == argv[i] || now < 0)
				return usage_error(command, "--now needs seconds since the epoch, not '%s'", argv[i]);
			options->apply.now = now;
		} else if (strcmp(arg, "--allow-unsigned") == 0) {
			options->apply.allow_unsigned = true;
		} else if (strcmp(arg, "--allow-no-expiry") == 0) {
			options->apply.allow_no_expiry = true;
		} else if (strcmp(arg, "--dry-run") == 0) {
			options->apply.dry_run = true;
		} else if (strcmp(arg, "--ignore-window") == 0) {
			options->apply.ignore_window = true;
		} else if (strcmp(arg, "--json") == 0) {
			options->json = true;
		} else if (arg[0] == '-' && arg[1]) {
			return usage_error(command, "unknown option or missing value: '%s'", arg);
		} else if (!options->positional) {
			options->positional = arg;
		} else {
			return usage_error(command, "unexpected argument '%s'", arg);
		}
	}
	return RUNNER_EXIT_SUCCESS;
}

static int refuse(const char *command, int status, char *error)
{
	fprintf(stderr, "goose-run %s: %s\n", command, error ? error : "failed");
	free(error);
	return status;
}

int run_cli_main(int argc, char **argv)
{
	const char *command = argv[0];
	struct cli_options options;
	memset(&options, 0, sizeof(options));
	options.apply.state_path = STATE_DEFAULT_DIR;
	options.apply.now = (int64_t)time(NULL);
	options.apply.out = stdout;
	struct signing_key *trusted = NULL;
	size_t loaded = 0;
	char *error = NULL;
	int status = parse(&options, command, argc, argv);
	if (status != RUNNER_EXIT_SUCCESS)
		goto out;
	bool is_status = strcmp(command, "status") == 0, is_resume = strcmp(command, "resume") == 0;
	if ((is_status || is_resume) != (options.positional == NULL)) {
		status = usage_error(command, "%s", is_status || is_resume ? "takes no plan argument" : "needs a PLAN file");
		goto out;
	}
	if (is_status) {
		status = apply_status(options.apply.state_path, options.json, stdout, &error);
		if (status != RUNNER_EXIT_SUCCESS)
			status = refuse(command, status, error);
		goto out;
	}
	if (options.trust_count == 0 && !options.apply.allow_unsigned) {
		status = usage_error(command, "%s", "needs at least one --trust PUBKEY (or --allow-unsigned)");
		goto out;
	}
	trusted = xcalloc(options.trust_count ? options.trust_count : 1, sizeof(*trusted));
	for (; loaded < options.trust_count; loaded++) {
		signing_key_init(&trusted[loaded]);
		if (plan_reader_load_trusted_key(options.trust_paths[loaded], &trusted[loaded], &error) != 0) {
			signing_key_release(&trusted[loaded]);
			status = refuse(command, RUNNER_EXIT_USAGE, error);
			goto out;
		}
	}
	if (!options.apply.snapshot_key_path && getenv(RUN_CLI_KEY_ENV) && *getenv(RUN_CLI_KEY_ENV))
		options.apply.snapshot_key_path = getenv(RUN_CLI_KEY_ENV);
	if (!options.apply.evidence_key_path && getenv(RUN_CLI_EVIDENCE_KEY_ENV) && *getenv(RUN_CLI_EVIDENCE_KEY_ENV))
		options.apply.evidence_key_path = getenv(RUN_CLI_EVIDENCE_KEY_ENV);
	options.apply.trusted = trusted;
	options.apply.trusted_count = options.trust_count;
	options.apply.approvals = options.approvals;
	options.apply.approval_count = options.approval_count;
	options.apply.plan_path = options.positional;
	if (strcmp(command, "verify") == 0)
		status = apply_verify(&options.apply, &error);
	else
		status = apply_run(&options.apply, &error);
	if (status != RUNNER_EXIT_SUCCESS)
		status = refuse(command, status, error);
	else
		free(error);
out:
	for (size_t i = 0; i < loaded; i++)
		signing_key_release(&trusted[i]);
	free(trusted);
	free(options.trust_paths);
	free(options.approvals);
	return status;
}
