/* goosec: the command-line driver. Parses arguments, runs the pipeline stages, renders the
 * collected diagnostics and chooses the exit code; the only place that prints or exits. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "jsonschema.h"
#include "load.h"
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

/* Converts a schema keyword to a rule id: "additionalProperties" -> "schema-additional-properties". */
static char *schema_rule_id(const char *keyword)
{
	struct strbuf rule;
	strbuf_init(&rule);
	strbuf_addstr(&rule, "schema-");
	for (const char *c = keyword; *c; c++) {
		if (*c == '$')
			continue;
		if (*c >= 'A' && *c <= 'Z') {
			strbuf_addch(&rule, '-');
			strbuf_addch(&rule, (char)(*c - 'A' + 'a'));
		} else {
			strbuf_addch(&rule, *c);
		}
	}
	return strbuf_detach(&rule, NULL);
}

/* Turns validation errors into diagnostics at the instance's source positions. */
static void report_schema_errors(const struct load_document *document, const struct schema_result *result,
				 struct diag_list *diags)
{
	for (size_t i = 0; i < result->count; i++) {
		const struct schema_error *error = &result->errors[i];
		const struct load_position *position = load_position_nearest(document, error->instance_path);
		int line = position ? position->line : 0, col = position ? position->col : 0;
		if (position && error->at_property_name && position->has_key) {
			line = position->key_line;
			col = position->key_col;
		}
		char *rule = schema_rule_id(error->keyword ? error->keyword : "invalid");
		struct diag *diag = diag_add(diags, DIAG_ERROR, rule, document->path, line, col, "%s", error->message);
		if (error->suggestion)
			diag_set_hint(diag, "did you mean '%s'?", error->suggestion);
		free(rule);
	}
}

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
				report_schema_errors(&document, &result, &diags);
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

/* ---- dispatch ---- */

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
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
