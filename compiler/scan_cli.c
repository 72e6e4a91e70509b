/* `goosec scan`: reads SBOMs (the tree's, enriched in memory, or the files given), the OSV
 * database and the waivers, runs the scan of vuln/scan.h and prints text, JSON or SARIF. */
#define _DEFAULT_SOURCE /* realpath */
#include "scan_cli.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "enrich.h"
#include "lint.h"
#include "load.h"
#include "osv.h"
#include "sbom.h"
#include "scan.h"
#include "util.h"
#include "banned.h"

#define SCAN_EXIT_CLEAN 0
#define SCAN_EXIT_FINDINGS 1
#define SCAN_EXIT_ERROR 2
#define SCAN_MAX_FILE_BYTES ((size_t)1 << 30)

enum scan_format { SCAN_FORMAT_TEXT, SCAN_FORMAT_JSON, SCAN_FORMAT_SARIF };

static const char scan_usage[] =
	"usage: goosec scan [SBOM...] [--db FILE] [--fail-on SEVERITY] [--format text|json|sarif]\n"
	"                   [--now DATE] [--tree DIR]\n"
	"\n"
	"Without SBOM files, scans the SBOMs security/sbom/enrichment.yaml names (paths from goose.yaml),\n"
	"enriched in memory, against its database with its waivers. SBOM files given are scanned as they\n"
	"are (a file that is a service's SBOM of the tree is enriched and waived as that service).\n"
	"\n"
	"  --db FILE          the OSV database (default: enrichment.yaml's database)\n"
	"  --fail-on SEV      none, low, medium, high or critical: unwaived findings at or above it make\n"
	"                     the exit code 1 (default none: every unwaived finding); a finding of\n"
	"                     unknown severity meets every threshold\n"
	"  --format FORMAT    text (default), json or sarif (SARIF 2.1.0)\n"
	"  --now DATE         the day waivers expire against: YYYY-MM-DD or @SECONDS (default\n"
	"                     SOURCE_DATE_EPOCH, else today)\n"
	"  --tree DIR         the config tree (default: the current folder)\n"
	"\n"
	"exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or unreadable input\n";

struct scan_cli {
	const char *root;
	const char *db_option;
	enum scan_format format;
	struct scan_options options;
	char today[16];
	json_t *goose;      /* goose.yaml, or NULL */
	json_t *enrichment; /* enrichment.yaml, or NULL */
	char *enrichment_path;
	struct sbom *sboms;
	char **sbom_paths;
	char **services;    /* per SBOM, or NULL */
	size_t sbom_count;
	struct osv_db db;
	bool has_db;
};

static char *tree_path(const char *root, const char *relative)
{
	return strcmp(root, ".") == 0 ? xstrdup(relative) : xasprintf("%s/%s", root, relative);
}

/* A problem with a file: "file:line:col: error: message [rule]" when the JSON Pointer at the
 * head of the message can be placed, else "file: error: message [rule]". */
static void report_error(const char *path, const char *message, const char *rule)
{
	int line = 0, col = 0;
	const char *text = message;
	if (message[0] == '/') {
		const char *end = strstr(message, ": ");
		if (end) {
			char *pointer = xstrndup(message, (size_t)(end - message));
			struct diag_list diags;
			diag_list_init(&diags);
			struct load_document document;
			load_document_init(&document);
			if (load_file(path, LOAD_SYNTAX_AUTO, &load_default_limits, &document, &diags) == 0) {
				const struct load_position *position = load_position_nearest(&document, pointer);
				if (position) {
					line = position->line;
					col = position->col;
				}
			}
			load_document_release(&document);
			diag_list_release(&diags);
			free(pointer);
		}
	}
	if (line)
		fprintf(stderr, "%s:%d:%d: error: %s [%s]\n", path, line, col, text, rule);
	else
		fprintf(stderr, "%s: error: %s [%s]\n", path, text, rule);
}

/* Reads a JSON file with jansson directly (fast: no position table; positions are looked up
 * only when there is an error to place). NULL after a message. */
static json_t *read_json(const char *path, const char *rule)
{
	char *bytes;
	size_t length;
	if (read_file_bytes(path, SCAN_MAX_FILE_BYTES, &bytes, &length) != 0) {
		fprintf(stderr, "goosec: scan: cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	json_error_t error;
	json_t *root = json_loadb(bytes, length, JSON_REJECT_DUPLICATES, &error);
	free(bytes);
	if (!root)
		fprintf(stderr, "%s:%d:%d: error: %s [%s]\n", path, error.line, error.column > 0 ? error.column : 1,
			error.text, rule);
	return root;
}

/* YAML (or JSON) through the loader, with positioned diagnostics on stderr. NULL after them. */
static json_t *read_config(const char *path)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document document;
	load_document_init(&document);
	json_t *root = NULL;
	if (load_file(path, LOAD_SYNTAX_AUTO, &load_default_limits, &document, &diags) == 0) {
		root = json_incref(document.root);
	} else {
		struct diag_render_options render = { .format = DIAG_FORMAT_TEXT, .show_source = true };
		diag_render(stderr, &diags, &render);
	}
	load_document_release(&document);
	diag_list_release(&diags);
	return root;
}

static void scan_cli_release(struct scan_cli *cli)
{
	json_decref(cli->goose);
	json_decref(cli->enrichment);
	free(cli->enrichment_path);
	for (size_t i = 0; i < cli->sbom_count; i++) {
		sbom_release(&cli->sboms[i]);
		free(cli->sbom_paths[i]);
		free(cli->services[i]);
	}
	free(cli->sboms);
	free(cli->sbom_paths);
	free(cli->services);
	if (cli->has_db)
		osv_db_release(&cli->db);
}

/* "now" as YYYY-MM-DD: --now, else SOURCE_DATE_EPOCH, else the clock. -1 after a message. */
static int resolve_today(struct scan_cli *cli, const char *now_option)
{
	long long seconds;
	if (now_option) {
		int year, month, day;
		char tail;
		if (now_option[0] == '@') {
			char *end;
			seconds = strtoll(now_option + 1, &end, 10);
			if (*end || end == now_option + 1 || seconds < 0)
				goto bad;
		} else if (sscanf(now_option, "%4d-%2d-%2d%c", &year, &month, &day, &tail) >= 3 && strlen(now_option) >= 10 &&
			   (now_option[10] == '\0' || now_option[10] == 'T') && month >= 1 && month <= 12 && day >= 1 &&
			   day <= 31) {
			snprintf(cli->today, sizeof(cli->today), "%04d-%02d-%02d", year, month, day);
			return 0;
		} else {
			goto bad;
		}
	} else {
		const char *epoch = getenv("SOURCE_DATE_EPOCH");
		if (epoch && *epoch) {
			char *end;
			seconds = strtoll(epoch, &end, 10);
			if (*end || seconds < 0) {
				fprintf(stderr, "goosec: scan: SOURCE_DATE_EPOCH must be a number of seconds\n");
				return -1;
			}
		} else {
			seconds = (long long)time(NULL);
		}
	}
	int year, month, day;
	rotation_civil_from_days(seconds / 86400, &year, &month, &day);
	snprintf(cli->today, sizeof(cli->today), "%04d-%02d-%02d", year, month, day);
	return 0;
bad:
	fprintf(stderr, "goosec: scan: --now takes YYYY-MM-DD or @SECONDS, got '%s'\n", now_option);
	return -1;
}

/* goose.yaml and enrichment.yaml of the tree, when there. -1 after a message. */
static int read_tree_config(struct scan_cli *cli, bool required)
{
	char *goose_path = tree_path(cli->root, "goose.yaml");
	cli->enrichment_path = tree_path(cli->root, "security/sbom/enrichment.yaml");
	FILE *probe = fopen(cli->enrichment_path, "r");
	int status = 0;
	if (!probe) {
		if (required) {
			fprintf(stderr, "goosec: scan: no SBOM given and no '%s' naming the tree's SBOMs\n",
				cli->enrichment_path);
			status = -1;
		}
	} else {
		fclose(probe);
		cli->goose = read_config(goose_path);
		cli->enrichment = cli->goose ? read_config(cli->enrichment_path) : NULL;
		if (!cli->goose || !cli->enrichment)
			status = -1;
		else if (!json_is_object(cli->enrichment)) {
			fprintf(stderr, "%s: error: expected a mapping [enrichment-invalid]\n", cli->enrichment_path);
			status = -1;
		}
	}
	free(goose_path);
	return status;
}

/* The tree-relative SBOM path goose.yaml gives a service, or NULL. */
static const char *service_sbom_path(const struct scan_cli *cli, const char *service)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(cli->goose, "services"), service), "sbom"));
}

static bool same_file(const char *a, const char *b)
{
	char resolved_a[PATH_MAX], resolved_b[PATH_MAX];
	return realpath(a, resolved_a) && realpath(b, resolved_b) && strcmp(resolved_a, resolved_b) == 0;
}

/* The service whose SBOM (per goose.yaml and enrichment.yaml) `path` is, or NULL. */
static char *service_of_file(const struct scan_cli *cli, const char *path)
{
	size_t index;
	const json_t *entry;
	json_array_foreach(json_object_get(cli->enrichment, "sboms"), index, entry) {
		const char *service = json_string_value(json_object_get(entry, "service"));
		const char *relative = service ? service_sbom_path(cli, service) : NULL;
		if (!relative)
			continue;
		char *full = tree_path(cli->root, relative);
		bool same = same_file(full, path);
		free(full);
		if (same)
			return xstrdup(service);
	}
	return NULL;
}

static int add_sbom(struct scan_cli *cli, const char *path, const char *service)
{
	json_t *document = read_json(path, "sbom-invalid");
	if (!document)
		return -1;
	size_t i = cli->sbom_count;
	cli->sboms = xrealloc(cli->sboms, (i + 1) * sizeof(*cli->sboms));
	cli->sbom_paths = xrealloc(cli->sbom_paths, (i + 1) * sizeof(*cli->sbom_paths));
	cli->services = xrealloc(cli->services, (i + 1) * sizeof(*cli->services));
	char *error = NULL;
	int status = sbom_read(&cli->sboms[i], document, &error);
	json_decref(document);
	if (status != 0) {
		report_error(path, error, "sbom-invalid");
		free(error);
		return -1;
	}
	cli->sbom_paths[i] = xstrdup(path);
	cli->services[i] = service ? xstrdup(service) : NULL;
	cli->sbom_count++;
	if (service && cli->enrichment) {
		struct enrich_report report;
		enrich_report_init(&report);
		status = enrich_sbom(&cli->sboms[i], cli->enrichment, service, false, &report, &error);
		enrich_report_release(&report);
		if (status != 0) {
			report_error(cli->enrichment_path, error, "enrichment-invalid");
			free(error);
			return -1;
		}
	}
	return 0;
}

/* The database, keeping only the records of packages the SBOMs hold: a scan of a few thousand
 * components need not build a tree of a hundred thousand records. -1 after a message. */
static int read_database(struct scan_cli *cli, const char *path)
{
	char *bytes;
	size_t length;
	if (read_file_bytes(path, SCAN_MAX_FILE_BYTES, &bytes, &length) != 0) {
		fprintf(stderr, "goosec: scan: cannot read '%s': %s\n", path, strerror(errno));
		return -1;
	}
	char *error = NULL;
	int status = scan_read_database_for(&cli->db, bytes, length, cli->sboms, cli->sbom_count, &error);
	free(bytes);
	if (status == 0) {
		cli->has_db = true;
		return 0;
	}
	int line, col, consumed = 0;
	if (sscanf(error, "line %d column %d: %n", &line, &col, &consumed) == 2 && consumed > 0)
		fprintf(stderr, "%s:%d:%d: error: %s [osv-invalid]\n", path, line, col > 0 ? col : 1, error + consumed);
	else
		report_error(path, error, "osv-invalid");
	free(error);
	return -1;
}

static int read_inputs(struct scan_cli *cli, char **files, size_t file_count)
{
	if (read_tree_config(cli, file_count == 0) != 0)
		return -1;
	if (file_count) {
		for (size_t i = 0; i < file_count; i++) {
			char *service = cli->enrichment ? service_of_file(cli, files[i]) : NULL;
			int status = add_sbom(cli, files[i], service);
			free(service);
			if (status != 0)
				return -1;
		}
	} else {
		const json_t *entries = json_object_get(cli->enrichment, "sboms");
		size_t index;
		const json_t *entry;
		json_array_foreach(entries, index, entry) {
			const char *service = json_string_value(json_object_get(entry, "service"));
			const char *relative = service ? service_sbom_path(cli, service) : NULL;
			if (!relative) {
				fprintf(stderr, "%s: error: service '%s' has no sbom in goose.yaml [enrichment-invalid]\n",
					cli->enrichment_path, service ? service : "?");
				return -1;
			}
			char *path = tree_path(cli->root, relative);
			int status = add_sbom(cli, path, service);
			free(path);
			if (status != 0)
				return -1;
		}
	}
	const char *database = json_string_value(json_object_get(cli->enrichment, "database"));
	char *db_path = cli->db_option ? xstrdup(cli->db_option) : database ? tree_path(cli->root, database) : NULL;
	if (!db_path) {
		fprintf(stderr, "goosec: scan: no vulnerability database: pass --db FILE\n");
		return -1;
	}
	int status = read_database(cli, db_path);
	free(db_path);
	return status;
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(const struct scan_finding *finding)
{
	switch (finding->severity) {
	case SCAN_SEVERITY_CRITICAL:
	case SCAN_SEVERITY_HIGH:
	case SCAN_SEVERITY_UNKNOWN:
		return "error";
	case SCAN_SEVERITY_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

static json_t *sarif_text(const char *text)
{
	json_t *message = json_object();
	json_object_set_new(message, "text", json_string(text));
	return message;
}

static json_t *render_sarif(const struct scan_cli *cli, const struct scan_result *result)
{
	struct load_document *documents = xcalloc(cli->sbom_count + 1, sizeof(*documents));
	bool *loaded = xcalloc(cli->sbom_count + 1, sizeof(*loaded));
	json_t *rules = json_array();
	json_t *rule_index = json_object();
	json_t *results = json_array();
	for (size_t i = 0; i < result->finding_count; i++) {
		const struct scan_finding *finding = &result->findings[i];
		json_t *index = json_object_get(rule_index, finding->id);
		if (!index) {
			json_t *rule = json_object();
			json_object_set_new(rule, "id", json_string(finding->id));
			if (finding->summary)
				json_object_set_new(rule, "shortDescription", sarif_text(finding->summary));
			json_t *properties = json_object();
			if (finding->score_tenths >= 0) {
				char *score = xasprintf("%d.%d", finding->score_tenths / 10, finding->score_tenths % 10);
				json_object_set_new(properties, "security-severity", json_string(score));
				free(score);
			}
			json_object_set_new(properties, "severity", json_string(scan_severity_name(finding->severity)));
			json_object_set_new(rule, "properties", properties);
			json_array_append_new(rules, rule);
			index = json_integer((json_int_t)json_array_size(rules) - 1);
			json_object_set_new(rule_index, finding->id, index);
		}
		json_t *entry = json_object();
		json_object_set_new(entry, "ruleId", json_string(finding->id));
		json_object_set(entry, "ruleIndex", index);
		json_object_set_new(entry, "level", json_string(sarif_level(finding)));
		char *text = xasprintf("%s is affected by %s (%s)%s%s", finding->component, finding->id,
				       scan_severity_name(finding->severity), finding->fixed ? ", fixed in " : "",
				       finding->fixed ? finding->fixed : "");
		json_object_set_new(entry, "message", sarif_text(text));
		free(text);
		size_t input = finding->input_index;
		if (!loaded[input]) {
			struct diag_list diags;
			diag_list_init(&diags);
			load_document_init(&documents[input]);
			load_file(cli->sbom_paths[input], LOAD_SYNTAX_AUTO, &load_default_limits, &documents[input], &diags);
			diag_list_release(&diags);
			loaded[input] = true;
		}
		json_t *physical = json_object();
		json_object_set_new(physical, "artifactLocation", json_pack("{s:s}", "uri", cli->sbom_paths[input]));
		const struct load_position *position =
			documents[input].root ? load_position_nearest(&documents[input], finding->pointer) : NULL;
		if (position)
			json_object_set_new(physical, "region",
					    json_pack("{s:i,s:i}", "startLine", position->line, "startColumn", position->col));
		json_t *location = json_object();
		json_object_set_new(location, "physicalLocation", physical);
		json_object_set_new(entry, "locations", json_pack("[o]", location));
		if (finding->waived_by) {
			json_t *suppression = json_object();
			json_object_set_new(suppression, "kind", json_string("external"));
			json_object_set_new(suppression, "justification", json_string(finding->waived_by->reason));
			json_object_set_new(entry, "suppressions", json_pack("[o]", suppression));
		}
		json_array_append_new(results, entry);
	}
	json_decref(rule_index);
	for (size_t i = 0; i < cli->sbom_count; i++)
		if (loaded[i])
			load_document_release(&documents[i]);
	free(documents);
	free(loaded);
	json_t *driver = json_object();
	json_object_set_new(driver, "name", json_string("goosec"));
	json_object_set_new(driver, "version", json_string(GOOSE_VERSION));
	json_object_set_new(driver, "rules", rules);
	json_t *run = json_object();
	json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
	json_object_set_new(run, "results", results);
	json_t *document = json_object();
	json_object_set_new(document, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(document, "version", json_string("2.1.0"));
	json_object_set_new(document, "runs", json_pack("[o]", run));
	return document;
}

static int print_result(const struct scan_cli *cli, const struct scan_result *result)
{
	struct strbuf out;
	strbuf_init(&out);
	if (cli->format == SCAN_FORMAT_TEXT) {
		scan_result_format_text(result, &out);
	} else {
		json_t *document = cli->format == SCAN_FORMAT_JSON ? scan_result_to_json(result) : render_sarif(cli, result);
		char *text = json_dumps(document, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
		json_decref(document);
		if (text)
			strbuf_addstr(&out, text);
		strbuf_addch(&out, '\n');
		free(text);
	}
	size_t written = fwrite(out.buf, 1, out.len, stdout);
	int status = written == out.len && fflush(stdout) == 0 ? 0 : -1;
	strbuf_release(&out);
	if (status != 0)
		fprintf(stderr, "goosec: scan: cannot write output: %s\n", strerror(errno));
	return status;
}

static int usage(const char *message, const char *value)
{
	fprintf(stderr, "goosec: scan: ");
	fprintf(stderr, message, value);
	fputs("\nrun 'goosec scan --help' for usage\n", stderr);
	return SCAN_EXIT_ERROR;
}

int scan_cli_main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "db", required_argument, NULL, 'd' },       { "fail-on", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },   { "now", required_argument, NULL, 'n' },
		{ "tree", required_argument, NULL, 't' },     { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan_cli cli;
	memset(&cli, 0, sizeof(cli));
	cli.root = ".";
	cli.options.fail_on = SCAN_SEVERITY_NONE;
	const char *now_option = NULL;
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'd':
			cli.db_option = optarg;
			break;
		case 'F':
			if (scan_fail_on_from_name(optarg, &cli.options.fail_on) != 0)
				return usage("--fail-on takes none, low, medium, high or critical, got '%s'", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				cli.format = SCAN_FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				cli.format = SCAN_FORMAT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				cli.format = SCAN_FORMAT_SARIF;
			else
				return usage("unknown format '%s' (expected text, json or sarif)", optarg);
			break;
		case 'n':
			now_option = optarg;
			break;
		case 't':
			cli.root = optarg;
			break;
		case 'h':
			fputs(scan_usage, stdout);
			return SCAN_EXIT_CLEAN;
		default:
			return usage("bad option%s", "");
		}
	}
	if (resolve_today(&cli, now_option) != 0)
		return SCAN_EXIT_ERROR;
	cli.options.today = cli.today;
	int status = SCAN_EXIT_ERROR;
	if (read_inputs(&cli, argv + optind, (size_t)(argc - optind)) == 0) {
		struct scan_input *inputs = xcalloc(cli.sbom_count + 1, sizeof(*inputs));
		for (size_t i = 0; i < cli.sbom_count; i++) {
			inputs[i].service = cli.services[i];
			inputs[i].sbom = &cli.sboms[i];
		}
		struct scan_result result;
		char *error = NULL;
		if (scan_run(&cli.db, inputs, cli.sbom_count, json_object_get(cli.enrichment, "waivers"), &cli.options,
			     &result, &error) != 0) {
			report_error(cli.enrichment_path ? cli.enrichment_path : "waivers", error, "enrichment-invalid");
			free(error);
		} else {
			if (print_result(&cli, &result) == 0)
				status = result.failed ? SCAN_EXIT_FINDINGS : SCAN_EXIT_CLEAN;
			scan_result_release(&result);
		}
		free(inputs);
	}
	scan_cli_release(&cli);
	return status;
}
