/* goosec: the command-line driver. Parses arguments, runs the pipeline stages, renders the
 * collected diagnostics and chooses the exit code; the only place that prints or exits. */
#define _DEFAULT_SOURCE /* realpath, timegm */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "classify.h"
#include "diag.h"
#include "embedded.h"
#include "fileio.h"
#include "emit.h"
#include "jsonschema.h"
#include "load.h"
#include "model.h"
#include "evidence_cli.h"
#include "plan.h"
#include "project.h"
#include "rules.h"
#include "signing.h"
#include "rulefile.h"
#include "scan_cli.h"
#include "util.h"
#include "banned.h"

enum exit_code {
	EXIT_CLEAN = 0,        /* nothing of error severity */
	EXIT_DIAGNOSTICS = 1,  /* the input has errors */
	EXIT_USAGE = 2,        /* bad command line or internal failure */
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Options every command that reports diagnostics accepts. */
struct report_options {
	enum diag_format format;
	enum color_mode color;
	bool warnings_as_errors;
};

static const char usage_text[] =
	"usage: goosec <command> [options] [args]\n"
	"\n"
	"commands:\n"
	"  lint [DIR | FILE...]\n"
	"                     check a whole config tree (default: the current folder); with files,\n"
	"                     check the tree around them but report only on them (pre-commit)\n"
	"  build [DIR] [-o OUT]\n"
	"                     lint, then emit Prometheus rules, promtool tests and Grafana dashboards\n"
	"                     into OUT (default: goose.yaml's output, else build/), replaced atomically\n"
	"    build also takes:\n"
	"      --sign-key FILE          Ed25519 PEM key that signs plans (or GOOSEC_SIGNING_KEY_FILE);\n"
	"                               needs SOURCE_DATE_EPOCH or --now, the base of the plans' expiry\n"
	"      --sign-key-name NAME     the key's name, checked against goose.yaml's signing.plans\n"
	"                               (default: the key file's name without .key)\n"
	"      --unsigned               emit plans without a signature (goose-run refuses them by default)\n"
	"      --state-from FILE        a 'goose-run status --json' export: plans expect that state\n"
	"      --plan-ttl DURATION      how long plans stay valid after the build time (default 24h)\n"
	"      --force                  SBOM enrichment overwrites values the SBOMs already have\n"
	"    lint and build also take:\n"
	"      --threads N    load and validate on N threads (default: one per core)\n"
	"      --no-cache     do not read or write ROOT/.goosec-cache (results are the same)\n"
	"      --now DATE     the date rules compare against (default SOURCE_DATE_EPOCH, else today)\n"
	"  check rules FILE...\n"
	"                     check plain Prometheus rule files as promtool 2.42 does (pre-commit)\n"
	"  explain RULE       what a diagnostic's rule id means (--list: every rule; a compliance\n"
	"                     rule's id reads the tree at . or --tree DIR)\n"
	"  plan show FILE [--trust PUB]...\n"
	"                     render a signed plan for people; with --trust, verify its signature\n"
	"  evidence collect [--run-dir DIR] [--plan FILE] [--out FILE] [--sign-key FILE] ...\n"
	"                     gather the evidence the tree's controls need into a signed bundle\n"
	"  evidence verify BUNDLE --trust PUB...\n"
	"                     check a bundle's chain, items and signature; 'evidence show' renders it\n"
	"  scan [SBOM...] [--db FILE] [--fail-on SEVERITY] [--format text|json|sarif] [--now DATE]\n"
	"                     scan SBOMs (default: the tree's, enriched) against the OSV database, waivers\n"
	"                     applied; exit 1 on an unwaived finding at or above --fail-on\n"
	"  keygen DIR [--name NAME]\n"
	"                     write an Ed25519 plan-signing key pair DIR/NAME.key (0600) and\n"
	"                     DIR/NAME.pub (default NAME goosec-signing); prints the key id\n"
	"  schema list        the kinds, their schemas and seed paths\n"
	"  schema show KIND   print a kind's JSON Schema\n"
	"  schema export DIR  write every schema and a yaml-language-server settings snippet\n"
	"  validate --schema SCHEMA [--map URI=DIR]... FILE...\n"
	"                     validate YAML or JSON files against a JSON Schema (2020-12 or draft-07)\n"
	"\n"
	"report options (every command that reports diagnostics):\n"
	"  --format text|json|sarif|github   how diagnostics are written (default text)\n"
	"  --color auto|always|never         colour in text output (default auto: a terminal, no NO_COLOR)\n"
	"  --warnings-as-errors              warnings make the exit code 1\n"
	"\n"
	"  -h, --help         show this help\n"
	"  --version          show the version\n"
	"\n"
	"exit codes: 0 no errors, 1 errors in the input, 2 usage or internal error\n";

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fputs("goosec: ", stderr);
	vfprintf(stderr, format, args);
	va_end(args);
	fputs("\nrun 'goosec --help' for usage\n", stderr);
	return EXIT_USAGE;
}

static bool color_enabled(enum color_mode mode)
{
	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return false;
	return isatty(STDOUT_FILENO);
}

/* Handles a report option; returns 1 if `option` was one, 0 if not, -1 on a bad value. */
static int parse_report_option(struct report_options *report, int option, const char *value)
{
	switch (option) {
	case 'f':
		if (diag_format_parse(value, &report->format) != 0) {
			usage_error("unknown format '%s' (expected text, json, sarif or github)", value);
			return -1;
		}
		return 1;
	case 'C':
		if (strcmp(value, "auto") == 0)
			report->color = COLOR_AUTO;
		else if (strcmp(value, "always") == 0)
			report->color = COLOR_ALWAYS;
		else if (strcmp(value, "never") == 0)
			report->color = COLOR_NEVER;
		else {
			usage_error("unknown colour mode '%s' (expected auto, always or never)", value);
			return -1;
		}
		return 1;
	case 'W':
		report->warnings_as_errors = true;
		return 1;
	}
	return 0;
}

#define REPORT_LONG_OPTIONS                                                  \
	{ "format", required_argument, NULL, 'f' },                          \
	{ "color", required_argument, NULL, 'C' },                           \
	{ "colour", required_argument, NULL, 'C' },                          \
	{ "warnings-as-errors", no_argument, NULL, 'W' }

/* Renders the diagnostics and turns them into the exit code. */
static int finish_report(struct diag_list *diags, const struct report_options *report)
{
	diag_sort(diags);
	struct diag_render_options render = {
		.format = report->format,
		.color = report->format == DIAG_FORMAT_TEXT && color_enabled(report->color),
		.show_source = true,
		.tool_version = GOOSE_VERSION,
	};
	if (diag_render(stdout, diags, &render) != 0) {
		fprintf(stderr, "goosec: cannot write output: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	size_t errors = diag_count(diags, DIAG_ERROR);
	size_t warnings = diag_count(diags, DIAG_WARNING);
	if (errors || (report->warnings_as_errors && warnings))
		return EXIT_DIAGNOSTICS;
	return EXIT_CLEAN;
}

/* ---- validate ---- */

/* Remote schemas are read with our own loader, so they may be YAML and get strict checks. */
static json_t *load_schema_document(const char *path, void *context, char **error)
{
	(void)context;
	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document document;
	load_document_init(&document);
	json_t *root = NULL;
	if (load_file(path, LOAD_SYNTAX_AUTO, &load_default_limits, &document, &diags) == 0) {
		root = json_incref(document.root);
	} else if (diags.count) {
		const struct diag *first = &diags.items[0];
		*error = xasprintf("%s:%d:%d: %s", first->file ? first->file : path, first->line, first->col,
				   first->message);
	} else {
		*error = xasprintf("cannot load '%s'", path);
	}
	load_document_release(&document);
	diag_list_release(&diags);
	return root;
}

static char *file_uri(const char *path)
{
	char resolved[PATH_MAX];
	if (!realpath(path, resolved))
		return xasprintf("file://%s", path);
	return xasprintf("file://%s", resolved);
}

static int command_validate(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "schema", required_argument, NULL, 's' },
		{ "map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		REPORT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct report_options report = { 0 };
	const char *schema_path = NULL;
	struct schema_registry *registry = schema_registry_new();
	schema_registry_set_loader(registry, load_schema_document, NULL);
	schema_registry_map(registry, "file:///", "/");
	int option, status = EXIT_USAGE;
	optind = 1;
	while ((option = getopt_long(argc, argv, "s:m:h", long_options, NULL)) != -1) {
		int handled = parse_report_option(&report, option, optarg);
		if (handled < 0)
			goto out;
		if (handled)
			continue;
		switch (option) {
		case 's':
			schema_path = optarg;
			break;
		case 'm': {
			char *equals = strchr(optarg, '=');
			if (!equals || equals == optarg || !equals[1]) {
				usage_error("--map takes URI=DIR, got '%s'", optarg);
				goto out;
			}
			char *uri = xstrndup(optarg, (size_t)(equals - optarg));
			schema_registry_map(registry, uri, equals + 1);
			free(uri);
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			status = EXIT_CLEAN;
			goto out;
		default:
			usage_error("validate: bad option");
			goto out;
		}
	}
	if (!schema_path) {
		usage_error("validate: --schema SCHEMA is required");
		goto out;
	}
	if (optind >= argc) {
		usage_error("validate: no files to validate");
		goto out;
	}

	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document schema_document;
	load_document_init(&schema_document);
	if (load_file(schema_path, LOAD_SYNTAX_AUTO, &load_default_limits, &schema_document, &diags) != 0) {
		status = finish_report(&diags, &report);
		goto release;
	}
	char *schema_uri = file_uri(schema_path);
	char *error = NULL;
	const struct schema *schema = NULL;
	if (schema_registry_add(registry, schema_document.root, schema_uri, &error) == 0)
		schema = schema_compile(registry, schema_uri, &error);
	free(schema_uri);
	if (!schema) {
		diag_add(&diags, DIAG_ERROR, "schema-invalid", schema_path, 0, 0, "cannot use schema: %s",
			 error ? error : "unknown error");
		free(error);
		status = finish_report(&diags, &report);
		goto release;
	}

	for (int i = optind; i < argc; i++) {
		struct load_document document;
		load_document_init(&document);
		if (load_file(argv[i], LOAD_SYNTAX_AUTO, &load_default_limits, &document, &diags) == 0) {
			struct schema_result result;
			schema_result_init(&result);
			if (!schema_validate(schema, document.root, &result))
				project_report_schema_errors(&document, &result, &diags);
			schema_result_release(&result);
		}
		load_document_release(&document);
	}
	status = finish_report(&diags, &report);
release:
	load_document_release(&schema_document);
	diag_list_release(&diags);
out:
	schema_registry_free(registry);
	return status;
}

/* ---- lint ---- */

/* The tree a set of files belongs to: the nearest folder above the first one that holds a
 * goose.yaml, else the current folder. */
static char *find_tree_root(const char *file)
{
	char *directory = xstrdup(file);
	char *slash = strrchr(directory, '/');
	if (!slash) {
		free(directory);
		return xstrdup(".");
	}
	*slash = '\0';
	for (;;) {
		char *candidate = xasprintf("%s/goose.yaml", *directory ? directory : "/");
		bool found = access(candidate, F_OK) == 0;
		free(candidate);
		if (found)
			return directory;
		slash = strrchr(directory, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(directory);
	return xstrdup(".");
}

/* `path` relative to `root` in the '/'-separated form the project uses ("./a/b" -> "a/b"). */
static char *relative_to_root(const char *root, const char *path)
{
	char resolved_root[PATH_MAX], resolved_path[PATH_MAX];
	if (!realpath(root, resolved_root) || !realpath(path, resolved_path))
		return xstrdup(path);
	size_t length = strlen(resolved_root);
	if (strncmp(resolved_path, resolved_root, length) == 0 && resolved_path[length] == '/')
		return xstrdup(resolved_path + length + 1);
	return xstrdup(path);
}

/* Which files a pre-commit run reports on. */
struct report_filter {
	const struct project *project;
	char **relative_paths;
	size_t count;
};

static bool diagnostic_is_about_named_file(const struct diag *diag, void *context)
{
	const struct report_filter *filter = context;
	if (!diag->file)
		return true; /* problems with no file (configuration) always matter */
	for (size_t i = 0; i < filter->project->file_count; i++) {
		const struct project_file *file = &filter->project->files[i];
		if (strcmp(file->path, diag->file) != 0)
			continue;
		for (size_t k = 0; k < filter->count; k++)
			if (strcmp(file->relative_path, filter->relative_paths[k]) == 0)
				return true;
		return false;
	}
	return false;
}

/* Parses --now: a date (midnight UTC), an RFC 3339 UTC time, or @seconds since the epoch. */
static int parse_now(const char *text, time_t *now)
{
	if (text[0] == '@') {
		char *end;
		long long seconds = strtoll(text + 1, &end, 10);
		if (*end || end == text + 1 || seconds < 0)
			return -1;
		*now = (time_t)seconds;
		return 0;
	}
	struct tm parts = { 0 };
	char trailing;
	int matched = sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
			     &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &trailing);
	if (matched != 3 && matched != 6)
		return -1;
	if (matched == 3 && strlen(text) != 10)
		return -1;
	if (parts.tm_mon < 1 || parts.tm_mon > 12 || parts.tm_mday < 1 || parts.tm_mday > 31 || parts.tm_hour > 23 ||
	    parts.tm_min > 59 || parts.tm_sec > 60)
		return -1;
	parts.tm_year -= 1900;
	parts.tm_mon -= 1;
	*now = timegm(&parts);
	return 0;
}

/* "now" when --now is not given: SOURCE_DATE_EPOCH for reproducible builds, else the clock. */
static int resolve_now(time_t *now)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		long long seconds = strtoll(epoch, &end, 10);
		if (*end || seconds < 0)
			return -1;
		*now = (time_t)seconds;
		return 0;
	}
	*now = time(NULL);
	return 0;
}

/* Options of the commands that process a whole tree (lint, build). */
struct tree_options {
	struct report_options report;
	struct check_options check;
	bool now_given;
	unsigned threads;
	bool use_cache;
};

#define TREE_LONG_OPTIONS                                                    \
	{ "threads", required_argument, NULL, 'j' },                         \
	{ "now", required_argument, NULL, 'n' },                             \
	{ "no-cache", no_argument, NULL, 'N' },                              \
	REPORT_LONG_OPTIONS

/* Handles a tree option; 1 if `option` was one, 0 if not, -1 after a usage error. */
static int parse_tree_option(struct tree_options *options, int option, const char *value)
{
	int handled = parse_report_option(&options->report, option, value);
	if (handled)
		return handled;
	switch (option) {
	case 'j': {
		char *end;
		long threads = strtol(value, &end, 10);
		if (*end || end == value || threads < 0 || threads > 64) {
			usage_error("--threads takes 0 to 64, got '%s'", value);
			return -1;
		}
		options->threads = (unsigned)threads;
		return 1;
	}
	case 'N':
		options->use_cache = false;
		return 1;
	case 'n':
		if (parse_now(value, &options->check.now) != 0) {
			usage_error("--now takes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or @SECONDS, got '%s'", value);
			return -1;
		}
		options->now_given = true;
		return 1;
	}
	return 0;
}

/* After option parsing: fills "now" from SOURCE_DATE_EPOCH or the clock. -1 after a usage error. */
static int finish_tree_options(struct tree_options *options)
{
	if (!options->now_given && resolve_now(&options->check.now) != 0) {
		usage_error("SOURCE_DATE_EPOCH must be a number of seconds");
		return -1;
	}
	return 0;
}

/* Loads, validates and checks the tree at `root`: everything `lint` does before reporting.
 * Returns -1 when goosec itself could not start (its built-in tables are broken). */
static int run_front_end(struct project *project, const char *root, const struct tree_options *options,
			 struct analysis *analysis, struct diag_list *diags)
{
	if (project_prepare(project, diags) != 0)
		return -1;
	if (options->use_cache) {
		char *cache_directory = xasprintf("%s/.goosec-cache", root);
		project_use_cache(project, cache_directory);
		free(cache_directory);
	}
	project_discover(project, root, diags);
	project_load(project, options->threads, diags);
	check_project(project, &options->check, analysis, diags);
	return 0;
}

static int command_lint(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct tree_options options = { .use_cache = true };
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "j:h", long_options, NULL)) != -1) {
		int handled = parse_tree_option(&options, option, optarg);
		if (handled < 0)
			return EXIT_USAGE;
		if (handled)
			continue;
		if (option == 'h') {
			fputs(usage_text, stdout);
			return EXIT_CLEAN;
		}
		return usage_error("lint: bad option");
	}
	if (finish_tree_options(&options) != 0)
		return EXIT_USAGE;

	char *root;
	char **only = NULL;
	size_t only_count = 0;
	struct stat info;
	if (optind >= argc) {
		root = xstrdup(".");
	} else if (argc - optind == 1 && stat(argv[optind], &info) == 0 && S_ISDIR(info.st_mode)) {
		root = xstrdup(argv[optind]);
	} else {
		root = find_tree_root(argv[optind]);
		only_count = (size_t)(argc - optind);
		only = xcalloc(only_count, sizeof(*only));
		for (size_t i = 0; i < only_count; i++)
			only[i] = relative_to_root(root, argv[optind + (int)i]);
	}

	struct diag_list diags;
	diag_list_init(&diags);
	struct project project;
	project_init(&project);
	int status;
	if (run_front_end(&project, root, &options, NULL, &diags) != 0) {
		finish_report(&diags, &options.report);
		status = EXIT_USAGE;
	} else {
		if (only) {
			struct report_filter filter = { &project, only, only_count };
			diag_list_filter(&diags, diagnostic_is_about_named_file, &filter);
		}
		status = finish_report(&diags, &options.report);
	}
	project_release(&project);
	diag_list_release(&diags);
	for (size_t i = 0; i < only_count; i++)
		free(only[i]);
	free(only);
	free(root);
	return status;
}

/* ---- plan signing options of build ---- */

/* How `goosec build` signs plans. The key comes from --sign-key or GOOSEC_SIGNING_KEY_FILE,
 * never from the tree; its name (goose.yaml's signing.plans) is --sign-key-name, else the key
 * file's name without ".key" (what `goosec keygen --name` wrote). */
struct plan_options {
	const char *key_path;
	const char *key_name_option;
	bool unsigned_plans;
	const char *state_path;
	long long ttl_seconds;
	/* filled by plan_options_prepare */
	struct signing_key key;
	bool has_key;
	char *key_name;
	json_t *state;
};

#define PLAN_LONG_OPTIONS                                                    \
	{ "sign-key", required_argument, NULL, 'K' },                        \
	{ "sign-key-name", required_argument, NULL, 'I' },                   \
	{ "unsigned", no_argument, NULL, 'U' },                              \
	{ "state-from", required_argument, NULL, 'S' },                      \
	{ "plan-ttl", required_argument, NULL, 'T' }

static void plan_options_init(struct plan_options *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->ttl_seconds = 24 * 60 * 60;
	signing_key_init(&plan->key);
}

static void plan_options_release(struct plan_options *plan)
{
	signing_key_release(&plan->key);
	free(plan->key_name);
	json_decref(plan->state);
}

/* 1 if `option` was a plan option, 0 if not, -1 after a usage error. */
static int parse_plan_option(struct plan_options *plan, int option, const char *value)
{
	double seconds;
	switch (option) {
	case 'K': plan->key_path = value; return 1;
	case 'I': plan->key_name_option = value; return 1;
	case 'U': plan->unsigned_plans = true; return 1;
	case 'S': plan->state_path = value; return 1;
	case 'T':
		if (model_parse_duration(value, &seconds) != 0 || seconds < 1 || seconds > 366.0 * 24 * 60 * 60) {
			usage_error("--plan-ttl takes a duration from 1s to 366d such as 24h or 7d, got '%s'", value);
			return -1;
		}
		plan->ttl_seconds = (long long)seconds;
		return 1;
	}
	return 0;
}

/* True when `path` lies inside the folder `root`. */
static bool path_is_inside(const char *path, const char *root)
{
	char resolved_path[PATH_MAX], resolved_root[PATH_MAX];
	if (!realpath(path, resolved_path) || !realpath(root, resolved_root))
		return false;
	size_t length = strlen(resolved_root);
	return strncmp(resolved_path, resolved_root, length) == 0 && (resolved_path[length] == '/' || length == 1);
}

/* Reads the key and the state export before anything is built. 0, or -1 after a message. */
static int plan_options_prepare(struct plan_options *plan, const char *root, bool has_source_date)
{
	const char *environment_key = getenv("GOOSEC_SIGNING_KEY_FILE");
	const char *key_path = plan->key_path ? plan->key_path : environment_key && *environment_key ? environment_key : NULL;
	if (!key_path && !plan->unsigned_plans) {
		fprintf(stderr, "goosec: build: plans need a signing key: pass --sign-key FILE or set "
				"GOOSEC_SIGNING_KEY_FILE (or --unsigned for unsigned plans)\n");
		return -1;
	}
	if (key_path && plan->unsigned_plans) {
		usage_error("build: --unsigned and a signing key exclude each other");
		return -1;
	}
	if (key_path) {
		if (path_is_inside(key_path, root)) {
			fprintf(stderr, "goosec: build: signing key '%s' is inside the tree; keep keys out of it\n", key_path);
			return -1;
		}
		/* a signed plan without an expiry would be valid forever, and outputs carry no clock */
		if (!has_source_date) {
			fprintf(stderr, "goosec: build: signed plans need a build time for their expiry: set "
					"SOURCE_DATE_EPOCH or pass --now\n");
			return -1;
		}
		char *pem;
		size_t length;
		char *error = NULL;
		if (read_file_bytes(key_path, 1 << 16, &pem, &length) != 0) {
			fprintf(stderr, "goosec: build: cannot read signing key '%s': %s\n", key_path, strerror(errno));
			return -1;
		}
		int status = signing_key_read_private_pem(&plan->key, pem, length, &error);
		OPENSSL_cleanse(pem, length);
		free(pem);
		if (status != 0) {
			fprintf(stderr, "goosec: build: signing key '%s': %s\n", key_path, error);
			free(error);
			return -1;
		}
		plan->has_key = true;
		if (plan->key_name_option) {
			plan->key_name = xstrdup(plan->key_name_option);
		} else {
			bool has_suffix;
			plan->key_name = signing_key_name_from_path(key_path, &has_suffix);
		}
	}
	if (plan->state_path) {
		json_error_t error;
		plan->state = json_load_file(plan->state_path, JSON_REJECT_DUPLICATES, &error);
		if (!plan->state) {
			fprintf(stderr, "goosec: build: cannot read state '%s': %s (line %d)\n", plan->state_path, error.text,
				error.line);
			return -1;
		}
		const json_t *stages = json_object_get(plan->state, "stages");
		const char *name;
		const json_t *entry;
		bool valid = json_is_object(stages);
		json_object_foreach((json_t *)stages, name, entry) {
			const json_t *generation = json_object_get(entry, "generation");
			const json_t *digest = json_object_get(entry, "release_digest");
			valid = valid && json_is_integer(generation) && json_integer_value(generation) >= 0 &&
				(json_is_null(digest) || json_is_string(digest));
		}
		if (!valid) {
			fprintf(stderr, "goosec: build: state '%s' is not a 'goose-run status --json' export "
					"({\"stages\": {NAME: {\"generation\": N, \"release_digest\": \"sha256:...\"}}})\n",
				plan->state_path);
			return -1;
		}
	}
	return 0;
}

/* Hands the plan options to the emitters; the key's name must be goose.yaml's signing.plans. */
static void plan_options_apply(const struct plan_options *plan, const struct model *model, bool has_source_date,
			       struct emit_context *context, struct diag_list *diags)
{
	context->has_source_date = has_source_date;
	context->plan_signing_key = plan->has_key ? &plan->key : NULL;
	context->plan_signing_key_name = plan->key_name;
	context->plans_unsigned = plan->unsigned_plans;
	context->plan_state = plan->state;
	context->plan_ttl_seconds = plan->ttl_seconds;
	const struct model_name *declared = model->project_count ? &model->projects[0].signing_plans : NULL;
	if (plan->has_key && declared && declared->text && strcmp(declared->text, plan->key_name) != 0)
		diag_add(diags, DIAG_ERROR, "plan-signing-key", declared->location.file, declared->location.line,
			 declared->location.col,
			 "plans are signed with key '%s' (id %s) but goose.yaml names '%s'", plan->key_name, plan->key.key_id,
			 declared->text);
}

/* ---- build ---- */

static int compare_strings(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

/* One line per output folder: how many files landed there. */
static void print_build_summary(const struct emit_output *output, const char *directory)
{
	printf("build: wrote %zu files to %s/\n", output->count, directory);
	char **folders = xcalloc(output->count ? output->count : 1, sizeof(*folders));
	size_t folder_count = 0;
	for (size_t i = 0; i < output->count; i++) {
		char *folder = fileio_parent_directory(output->files[i].path);
		bool seen = false;
		for (size_t j = 0; j < folder_count && !seen; j++)
			seen = strcmp(folders[j], folder) == 0;
		if (seen)
			free(folder);
		else
			folders[folder_count++] = folder;
	}
	qsort(folders, folder_count, sizeof(*folders), compare_strings);
	for (size_t i = 0; i < folder_count; i++) {
		size_t count = 0;
		for (size_t j = 0; j < output->count; j++) {
			char *folder = fileio_parent_directory(output->files[j].path);
			count += strcmp(folder, folders[i]) == 0;
			free(folder);
		}
		printf("  %-44s %zu\n", folders[i], count);
		free(folders[i]);
	}
	free(folders);
}

static int command_build(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		TREE_LONG_OPTIONS,
		PLAN_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct tree_options options = { .use_cache = true };
	const char *output_option = NULL;
	bool force_enrichment = false;
	struct plan_options plan;
	plan_options_init(&plan);
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "o:j:h", long_options, NULL)) != -1) {
		int handled = parse_tree_option(&options, option, optarg);
		if (handled == 0)
			handled = parse_plan_option(&plan, option, optarg);
		if (handled < 0)
			return EXIT_USAGE;
		if (handled)
			continue;
		if (option == 'o') {
			output_option = optarg;
			continue;
		}
		if (option == 'r') {
			force_enrichment = true;
			continue;
		}
		if (option == 'h') {
			fputs(usage_text, stdout);
			return EXIT_CLEAN;
		}
		return usage_error("build: bad option");
	}
	if (finish_tree_options(&options) != 0)
		return EXIT_USAGE;
	if (argc - optind > 1)
		return usage_error("build: expected at most one tree folder");
	const char *root = optind < argc ? argv[optind] : ".";
	/* outputs carry no wall-clock time: only SOURCE_DATE_EPOCH or --now, else none */
	time_t source_date = 0;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (options.now_given || (epoch && *epoch))
		source_date = options.check.now;
	bool has_source_date = options.now_given || (epoch && *epoch);
	if (plan_options_prepare(&plan, root, has_source_date) != 0) {
		plan_options_release(&plan);
		return EXIT_USAGE;
	}

	struct diag_list diags;
	diag_list_init(&diags);
	struct project project;
	project_init(&project);
	struct analysis analysis;
	analysis_init(&analysis);
	struct emit_output output;
	emit_output_init(&output);
	int status;
	if (run_front_end(&project, root, &options, &analysis, &diags) != 0) {
		finish_report(&diags, &options.report);
		status = EXIT_USAGE;
	} else if (diag_count(&diags, DIAG_ERROR) || (options.report.warnings_as_errors && diag_count(&diags, DIAG_WARNING))) {
		status = finish_report(&diags, &options.report); /* nothing is written */
	} else {
		struct emit_context context = { .project = &project, .model = &analysis.model, .table = &analysis.table, .source_date = source_date };
		context.sbom_force = force_enrichment;
		plan_options_apply(&plan, &analysis.model, has_source_date, &context, &diags);
		emit_all(&context, &output, &diags);
		status = finish_report(&diags, &options.report);
		if (status == EXIT_CLEAN) {
			const char *configured = analysis.model.project_count ? analysis.model.projects[0].output : NULL;
			char *directory = output_option ? xstrdup(output_option)
					  : strcmp(root, ".") == 0 ? xstrdup(configured ? configured : "build")
								  : xasprintf("%s/%s", root, configured ? configured : "build");
			char *error = NULL;
			if (emit_output_commit(&output, directory, &error) != 0) {
				fprintf(stderr, "goosec: build: %s\n", error);
				free(error);
				status = EXIT_USAGE;
			} else if (options.report.format == DIAG_FORMAT_TEXT) {
				print_build_summary(&output, directory);
			}
			free(directory);
		}
	}
	emit_output_release(&output);
	analysis_release(&analysis);
	project_release(&project);
	diag_list_release(&diags);
	plan_options_release(&plan);
	return status;
}

/* ---- schema ---- */

static int command_schema(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("schema: expected 'list', 'show KIND' or 'export DIR'");
	struct classify_table kinds;
	classify_table_init(&kinds);
	char *error = NULL;
	if (classify_table_load_builtin(&kinds, &error) != 0) {
		fprintf(stderr, "goosec: %s\n", error);
		free(error);
		return EXIT_USAGE;
	}
	int status = EXIT_CLEAN;
	const char *action = argv[1];
	if (strcmp(action, "list") == 0 && argc == 2) {
		for (size_t i = 0; i < kinds.count; i++) {
			printf("%-20s %-32s", kinds.kinds[i].name, kinds.kinds[i].schema_file);
			for (size_t j = 0; j < kinds.kinds[i].path_count; j++)
				printf("%s%s", j ? ", " : "", kinds.kinds[i].paths[j]);
			putchar('\n');
		}
	} else if (strcmp(action, "show") == 0 && argc == 3) {
		const struct classify_kind *kind = classify_kind_named(&kinds, argv[2]);
		for (size_t i = 0; i < kinds.count && !kind; i++)
			if (strcmp(kinds.kinds[i].schema_file, argv[2]) == 0)
				kind = &kinds.kinds[i];
		char *path = kind ? xasprintf("schemas/%s", kind->schema_file) : NULL;
		const struct embedded_file *file = path ? embedded_find(path) : NULL;
		free(path);
		if (!file) {
			const char **names = xmalloc((kinds.count + 1) * sizeof(*names));
			for (size_t i = 0; i < kinds.count; i++)
				names[i] = kinds.kinds[i].name;
			const char *closest = suggest_closest(argv[2], names, kinds.count);
			if (closest)
				status = usage_error("schema: unknown kind '%s'; did you mean '%s'?", argv[2], closest);
			else
				status = usage_error("schema: unknown kind '%s' (see 'goosec schema list')", argv[2]);
			free(names);
		} else {
			fwrite(file->data, 1, file->length, stdout);
		}
	} else if (strcmp(action, "export") == 0 && argc == 3) {
		const char *directory = argv[2];
		if (mkdir(directory, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "goosec: cannot create '%s': %s\n", directory, strerror(errno));
			status = EXIT_USAGE;
		}
		/* the schemas, then a VS Code / yaml-language-server settings snippet mapping seed paths */
		json_t *mapping = json_object();
		for (size_t i = 0; i < kinds.count && status == EXIT_CLEAN; i++) {
			char *source = xasprintf("schemas/%s", kinds.kinds[i].schema_file);
			const struct embedded_file *file = embedded_find(source);
			char *target = xasprintf("%s/%s", directory, kinds.kinds[i].schema_file);
			char *write_error = NULL;
			if (!file || fileio_write_atomic(target, file->data, file->length, 0644, &write_error) != 0) {
				fprintf(stderr, "goosec: %s\n", write_error ? write_error : "schema is not built in");
				status = EXIT_USAGE;
			}
			free(write_error);
			json_t *globs = json_array();
			for (size_t j = 0; j < kinds.kinds[i].path_count; j++)
				json_array_append_new(globs, json_string(kinds.kinds[i].paths[j]));
			char *key = xasprintf("./%s", target);
			json_object_set_new(mapping, key, globs);
			free(key);
			free(source);
			free(target);
		}
		json_t *settings = json_object();
		json_object_set_new(settings, "yaml.schemas", json_incref(mapping));
		json_object_set_new(settings, "json.schemas", json_array());
		/* JSON files are mapped through json.schemas: one entry per kind with .json paths */
		for (size_t i = 0; i < kinds.count; i++) {
			json_t *match = json_array();
			for (size_t j = 0; j < kinds.kinds[i].path_count; j++) {
				const char *glob = kinds.kinds[i].paths[j];
				size_t length = strlen(glob);
				if (length > 5 && strcmp(glob + length - 5, ".json") == 0)
					json_array_append_new(match, json_string(glob));
			}
			if (json_array_size(match)) {
				json_t *entry = json_object();
				json_object_set_new(entry, "fileMatch", match);
				json_object_set_new(entry, "url", json_string_nocheck(kinds.kinds[i].schema_file));
				json_array_append_new(json_object_get(settings, "json.schemas"), entry);
			} else {
				json_decref(match);
			}
		}
		json_decref(mapping);
		char *text = json_dumps(settings, JSON_INDENT(2));
		json_decref(settings);
		char *settings_path = xasprintf("%s/vscode-settings.json", directory);
		if (status == EXIT_CLEAN) {
			struct strbuf with_newline;
			strbuf_init(&with_newline);
			strbuf_addstr(&with_newline, text);
			strbuf_addch(&with_newline, '\n');
			char *write_error = NULL;
			if (fileio_write_atomic(settings_path, with_newline.buf, with_newline.len, 0644, &write_error) != 0) {
				fprintf(stderr, "goosec: %s\n", write_error);
				free(write_error);
				status = EXIT_USAGE;
			} else {
				printf("wrote %zu schemas and %s\n", kinds.count, settings_path);
			}
			strbuf_release(&with_newline);
		}
		free(settings_path);
		free(text);
	} else {
		status = usage_error("schema: expected 'list', 'show KIND' or 'export DIR'");
	}
	classify_table_release(&kinds);
	return status;
}

/* ---- check rules ---- */

/* `goosec check rules FILE...`: plain Prometheus rule files, outside any tree, checked as
 * promtool 2.42 checks them; the same report options and exit codes as lint. */
static int command_check(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		REPORT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct report_options report = { 0 };
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		int handled = parse_report_option(&report, option, optarg);
		if (handled < 0)
			return EXIT_USAGE;
		if (handled)
			continue;
		if (option == 'h') {
			fputs("usage: goosec check rules [--format text|json|sarif|github] [-W] FILE...\n", stdout);
			return EXIT_CLEAN;
		}
		return usage_error("check: bad option");
	}
	if (optind >= argc || strcmp(argv[optind], "rules") != 0)
		return usage_error("check: expected 'rules' and rule files");
	if (optind + 1 >= argc)
		return usage_error("check rules: no rule files given");
	struct diag_list diags;
	diag_list_init(&diags);
	for (int i = optind + 1; i < argc; i++)
		rulefile_check(argv[i], &diags);
	int status = finish_report(&diags, &report);
	diag_list_release(&diags);
	return status;
}

/* ---- keygen ---- */

/* Creates `path` with `mode`, refusing to replace anything, and syncs it. 0, or -1 with errno. */
static int create_new_file(const char *path, const void *data, size_t length, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	const char *cursor = data;
	size_t left = length;
	while (left) {
		ssize_t written = write(fd, cursor, left);
		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0) {
			int saved = errno;
			close(fd);
			unlink(path);
			errno = saved;
			return -1;
		}
		cursor += written;
		left -= (size_t)written;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int saved = errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

/* A key name becomes a file name: letters, digits, '.', '_' and '-', not starting with '.'. */
static bool key_name_is_valid(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 128)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '_' || *c == '-'))
			return false;
	return true;
}

static int command_keygen(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "goosec-signing";
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "n:h", long_options, NULL)) != -1) {
		if (option == 'n') {
			name = optarg;
		} else if (option == 'h') {
			fputs(usage_text, stdout);
			return EXIT_CLEAN;
		} else {
			return usage_error("keygen: bad option");
		}
	}
	if (argc - optind != 1)
		return usage_error("keygen: expected one folder");
	if (!key_name_is_valid(name))
		return usage_error("keygen: key name '%s' must be letters, digits, '.', '_' or '-'", name);
	const char *directory = argv[optind];
	char *private_path = xasprintf("%s/%s.key", directory, name);
	char *public_path = xasprintf("%s/%s.pub", directory, name);
	int status = EXIT_USAGE;
	struct signing_key key;
	signing_key_init(&key);
	struct strbuf private_pem, public_pem;
	strbuf_init(&private_pem);
	strbuf_init(&public_pem);
	char *error = NULL;
	if (access(private_path, F_OK) == 0 || access(public_path, F_OK) == 0) {
		fprintf(stderr, "goosec: keygen: '%s' or '%s' exists; not overwriting a key\n", private_path, public_path);
	} else if (mkdir(directory, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "goosec: keygen: cannot create '%s': %s\n", directory, strerror(errno));
	} else if (signing_key_generate(&key, &error) != 0 || signing_key_write_private_pem(&key, &private_pem) != 0 ||
		   signing_key_write_public_pem(&key, &public_pem) != 0) {
		fprintf(stderr, "goosec: keygen: cannot generate a key: %s\n", error ? error : "OpenSSL failed");
	} else if (create_new_file(private_path, private_pem.buf, private_pem.len, 0600) != 0) {
		fprintf(stderr, "goosec: keygen: cannot write '%s': %s\n", private_path, strerror(errno));
	} else if (create_new_file(public_path, public_pem.buf, public_pem.len, 0644) != 0) {
		fprintf(stderr, "goosec: keygen: cannot write '%s': %s\n", public_path, strerror(errno));
		unlink(private_path); /* half a key pair is no use */
	} else {
		printf("wrote %s (private, keep it out of the tree) and %s\nkey id %s\n", private_path, public_path,
		       key.key_id);
		status = EXIT_CLEAN;
	}
	free(error);
	/* the private PEM held key material: clear it before the memory is reused */
	OPENSSL_cleanse(private_pem.buf, private_pem.len);
	strbuf_release(&private_pem);
	strbuf_release(&public_pem);
	signing_key_release(&key);
	free(private_path);
	free(public_path);
	return status;
}

/* ---- plan show ---- */

static int command_plan(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return usage_error("plan: expected 'show FILE [--trust PUB]...'");
	struct signing_key *trusted = NULL;
	size_t trusted_count = 0, trusted_alloc = 0;
	int status = EXIT_USAGE;
	int option;
	optind = 1;
	char *error = NULL;
	while ((option = getopt_long(argc - 1, argv + 1, "t:h", long_options, NULL)) != -1) {
		if (option == 'h') {
			fputs(usage_text, stdout);
			status = EXIT_CLEAN;
			goto out;
		}
		if (option != 't') {
			usage_error("plan show: bad option");
			goto out;
		}
		char *pem;
		size_t length;
		if (read_file_bytes(optarg, 1 << 16, &pem, &length) != 0) {
			fprintf(stderr, "goosec: plan show: cannot read '%s': %s\n", optarg, strerror(errno));
			goto out;
		}
		ALLOC_GROW(trusted, trusted_count + 1, trusted_alloc);
		signing_key_init(&trusted[trusted_count]);
		int read_status = signing_key_read_public_pem(&trusted[trusted_count], pem, length, &error);
		free(pem);
		if (read_status != 0) {
			fprintf(stderr, "goosec: plan show: '%s': %s\n", optarg, error);
			goto out;
		}
		trusted_count++;
	}
	if (argc - 1 - optind != 1) {
		usage_error("plan show: expected one plan file");
		goto out;
	}
	const char *path = argv[1 + optind];
	char *data;
	size_t length;
	if (read_file_bytes(path, 64 << 20, &data, &length) != 0) {
		fprintf(stderr, "goosec: plan show: cannot read '%s': %s\n", path, strerror(errno));
		goto out;
	}
	struct signing_envelope envelope;
	json_t *payload = NULL;
	if (plan_read(data, length, &envelope, &payload, &error) != 0) {
		fprintf(stderr, "goosec: plan show: '%s': %s\n", path, error);
		free(data);
		status = EXIT_DIAGNOSTICS;
		goto out;
	}
	free(data);
	struct strbuf text;
	strbuf_init(&text);
	status = EXIT_CLEAN;
	if (trusted_count) {
		const struct signing_key *signer = NULL;
		enum signing_verdict verdict = signing_envelope_verify(&envelope, trusted, trusted_count, &signer);
		if (verdict == SIGNING_VERIFIED) {
			strbuf_addf(&text, "signature: verified (key id %s)\n", signer->key_id);
		} else {
			strbuf_addf(&text, "signature: REFUSED: %s\n", signing_verdict_text(verdict));
			status = EXIT_DIAGNOSTICS;
		}
	} else if (envelope.signature_count == 0) {
		strbuf_addstr(&text, "signature: none (an unsigned plan)\n");
	} else {
		strbuf_addf(&text, "signature: not checked (%zu signature%s by key id %s; pass --trust PUB to verify)\n",
			    envelope.signature_count, envelope.signature_count == 1 ? "" : "s", envelope.signatures[0].key_id);
	}
	plan_render_text(payload, &text);
	fwrite(text.buf, 1, text.len, stdout);
	strbuf_release(&text);
	json_decref(payload);
	signing_envelope_release(&envelope);
out:
	free(error);
	for (size_t i = 0; i < trusted_count; i++)
		signing_key_release(&trusted[i]);
	free(trusted);
	return status;
}

/* ---- explain ---- */

/* A rule of the tree's own compliance-rules.yaml (ids such as GG-OPS-002): loads the tree at
 * `root` through the same front end as lint and prints the rule. 0 when found, -1 when not. */
static int explain_compliance_rule(const char *root, const char *id)
{
	struct tree_options options = { .use_cache = false };
	if (resolve_now(&options.check.now) != 0)
		options.check.now = 0;
	struct diag_list diags;
	diag_list_init(&diags);
	struct project project;
	project_init(&project);
	struct analysis analysis;
	analysis_init(&analysis);
	int status = -1;
	if (run_front_end(&project, root, &options, &analysis, &diags) == 0) {
		const struct model *model = &analysis.model;
		for (size_t f = 0; f < model->compliance_rules_count && status != 0; f++)
			for (size_t i = 0; i < model->compliance_rules[f].rule_count && status != 0; i++) {
				const struct model_compliance_rule *rule = &model->compliance_rules[f].rules[i];
				if (!rule->id.text || strcmp(rule->id.text, id) != 0)
					continue;
				printf("%s: %s\n\n", id, rule->title ? rule->title : "");
				if (rule->description)
					printf("%s\n\n", rule->description);
				printf("severity: %s\n", rule->severity ? rule->severity : "error");
				if (rule->controls.count) {
					printf("controls:");
					for (size_t c = 0; c < rule->controls.count; c++)
						printf(" %s", rule->controls.items[c].text);
					printf("\n");
				}
				printf("defined at %s:%d:%d\n", rule->id.location.file, rule->id.location.line,
				       rule->id.location.col);
				status = 0;
			}
	}
	analysis_release(&analysis);
	project_release(&project);
	diag_list_release(&diags);
	return status;
}

static int command_explain(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < rules_catalogue_count; i++)
			printf("%-28s %s\n", rules_catalogue[i].id, rules_catalogue[i].summary);
		return EXIT_CLEAN;
	}
	/* `explain ID [--tree DIR]`: the tree is only read for the ids of its compliance rules */
	const char *tree = ".";
	if (argc == 4 && strcmp(argv[2], "--tree") == 0)
		tree = argv[3];
	else if (argc == 4 && strcmp(argv[1], "--tree") == 0) {
		tree = argv[2];
		argv[1] = argv[3];
	} else if (argc != 2)
		return usage_error("explain: expected one rule id (or --list)");
	const struct rule_info *rule = rules_find(argv[1]);
	if (!rule && explain_compliance_rule(tree, argv[1]) == 0)
		return EXIT_CLEAN;
	if (!rule) {
		const char **ids = xmalloc(rules_catalogue_count * sizeof(*ids));
		for (size_t i = 0; i < rules_catalogue_count; i++)
			ids[i] = rules_catalogue[i].id;
		const char *closest = suggest_closest(argv[1], ids, rules_catalogue_count);
		int status = closest ? usage_error("explain: unknown rule '%s'; did you mean '%s'?", argv[1], closest)
				     : usage_error("explain: unknown rule '%s' (see 'goosec explain --list')", argv[1]);
		free(ids);
		return status;
	}
	printf("%s: %s\n\n%s", argv[1], rule->summary, rule->explanation);
	return EXIT_CLEAN;
}

/* ---- dispatch ---- */

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "build", command_build },
	{ "check", command_check },
	{ "evidence", evidence_cli_main },
	{ "explain", command_explain },
	{ "keygen", command_keygen },
	{ "lint", command_lint },
	{ "plan", command_plan },
	{ "scan", scan_cli_main },
	{ "schema", command_schema },
	{ "validate", command_validate },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("goosec %s\n", GOOSE_VERSION);
		return EXIT_CLEAN;
	}
	const char *names[sizeof(commands) / sizeof(commands[0])];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		names[i] = commands[i].name;
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	const char *closest = suggest_closest(name, names, sizeof(names) / sizeof(names[0]));
	if (closest)
		return usage_error("unknown command '%s'; did you mean '%s'?", name, closest);
	return usage_error("unknown command '%s'", name);
}
