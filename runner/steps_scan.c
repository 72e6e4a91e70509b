/* sbom.scan: the build's vulnerability scan repeated from the plan alone (SBOMs and database
 * checked against the digests the plan was signed with, enrichment and waivers from its args),
 * the result kept as <run_dir>/scan.json; and the security_scan gate that reads that result. */
#include "steps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrich.h"
#include "fileio.h"
#include "osv.h"
#include "sbom.h"
#include "scan.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

/* The largest SBOM or database the step reads (the scan benchmark's database is well below). */
#define STEPS_SCAN_MAX_FILE_BYTES ((size_t)1 << 30)
#define STEPS_SCAN_RESULT_NAME "scan.json"
/* How many findings a gate reason names before "and N more". */
#define STEPS_SCAN_REASON_FINDINGS 3

static enum steps_outcome fail(char **error, char *message)
{
	*error = message;
	return STEPS_FAILED;
}

/* The UTC calendar day of `seconds` as "YYYY-MM-DD" (Howard Hinnant's civil_from_days): waivers
 * expire against it. */
static void utc_day(int64_t seconds, char day[48])
{
	int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t day_of_era = days - era * 146097;
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_index = (5 * day_of_year + 2) / 153;
	int64_t day_of_month = day_of_year - (153 * month_index + 2) / 5 + 1;
	int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
	int64_t year = year_of_era + era * 400 + (month <= 2);
	snprintf(day, 48, "%04lld-%02d-%02d", (long long)year, (int)month, (int)day_of_month);
}

/* Reads a tree file named by the plan and checks it against the digest the plan recorded. 0
 * with the bytes (caller frees), or -1 with *error: a file changed after the plan was signed is
 * refused before a byte of it is trusted. */
static int read_pinned(struct steps_context *context, const char *what, const char *relative, const json_t *digest,
		       char **bytes, size_t *length, char **error)
{
	if (!json_is_string(digest)) {
		*error = xasprintf("%s '%s' has no digest in the plan (the tree lacked it at build)", what, relative);
		return -1;
	}
	char *path = steps_tree_path(context, relative);
	if (read_file_bytes(path, STEPS_SCAN_MAX_FILE_BYTES, bytes, length) != 0) {
		*error = xasprintf("cannot read %s '%s': %s", what, path, strerror(errno));
		free(path);
		return -1;
	}
	char actual[SIGNING_KEY_ID_SIZE];
	signing_sha256_hex(*bytes, *length, actual);
	if (strcmp(actual, json_string_value(digest)) != 0) {
		*error = xasprintf("%s '%s' changed after the plan was built: sha256 %.12s..., the plan expects %.12s...", what,
				   path, actual, json_string_value(digest));
		free(path);
		free(*bytes);
		*bytes = NULL;
		return -1;
	}
	free(path);
	return 0;
}

struct scan_inputs {
	struct sbom *sboms;
	const char **services;
	size_t count;
	size_t enrichment_changes;
	struct osv_db db;
};

static void scan_inputs_release(struct scan_inputs *inputs)
{
	for (size_t i = 0; i < inputs->count; i++)
		sbom_release(&inputs->sboms[i]);
	free(inputs->sboms);
	free(inputs->services);
	osv_db_release(&inputs->db);
}

/* Every service's SBOM, checked and enriched as the build enriches it. */
static int read_sboms(struct steps_context *context, const json_t *args, struct scan_inputs *inputs, json_t *detail,
		      char **error)
{
	const json_t *services = json_object_get(args, "services");
	const json_t *enrichment = json_object_get(args, "enrichment");
	if (!json_is_array(services)) {
		*error = xstrdup("the plan's sbom.scan step names no services");
		return -1;
	}
	inputs->sboms = xcalloc(json_array_size(services) + 1, sizeof(*inputs->sboms));
	inputs->services = xcalloc(json_array_size(services) + 1, sizeof(*inputs->services));
	json_t *skipped = json_array();
	size_t index;
	const json_t *entry;
	json_array_foreach(services, index, entry) {
		const char *service = json_string_value(json_object_get(entry, "service"));
		const char *relative = json_string_value(json_object_get(entry, "sbom"));
		if (!service) {
			*error = xasprintf("service %zu of the sbom.scan step has no name", index);
			json_decref(skipped);
			return -1;
		}
		if (!relative) {
			json_array_append_new(skipped, json_string(service));
			continue;
		}
		char *bytes;
		size_t length;
		if (read_pinned(context, "the SBOM", relative, json_object_get(entry, "sbom_sha256"), &bytes, &length, error) != 0) {
			json_decref(skipped);
			return -1;
		}
		struct sbom *sbom = &inputs->sboms[inputs->count];
		char *reason = NULL;
		int status = sbom_parse(sbom, bytes, length, &reason);
		free(bytes);
		if (status != 0) {
			*error = xasprintf("SBOM '%s' of service '%s': %s", relative, service, reason);
			free(reason);
			json_decref(skipped);
			return -1;
		}
		inputs->services[inputs->count++] = service;
		if (json_is_object(enrichment)) {
			struct enrich_report report;
			enrich_report_init(&report);
			status = enrich_sbom(sbom, enrichment, service, false, &report, &reason);
			inputs->enrichment_changes += report.change_count;
			enrich_report_release(&report);
			if (status != 0) {
				*error = xasprintf("enrichment of service '%s': %s", service, reason);
				free(reason);
				json_decref(skipped);
				return -1;
			}
		}
	}
	if (json_array_size(skipped) > 0)
		json_object_set_new(detail, "services_without_sbom", skipped);
	else
		json_decref(skipped);
	return 0;
}

/* The database, keeping only the records of packages the SBOMs hold (as goosec scan does). */
static int read_database(struct steps_context *context, const json_t *args, struct scan_inputs *inputs, char **error)
{
	const char *relative = json_string_value(json_object_get(args, "database"));
	if (!relative) {
		*error = xstrdup("the plan's sbom.scan step names no vulnerability database");
		return -1;
	}
	char *bytes;
	size_t length;
	if (read_pinned(context, "the vulnerability database", relative, json_object_get(args, "database_sha256"), &bytes,
			&length, error) != 0)
		return -1;
	char *reason = NULL;
	int status = scan_read_database_for(&inputs->db, bytes, length, inputs->sboms, inputs->count, &reason);
	free(bytes);
	if (status != 0) {
		*error = xasprintf("vulnerability database '%s': %s", relative, reason);
		free(reason);
		return -1;
	}
	return 0;
}

/* A finding for people: "GHSA-xxxx (high 7.5) in pkg:npm/foo@1.2.3". */
static char *describe_finding(const json_t *finding)
{
	const char *id = json_string_value(json_object_get(finding, "id"));
	const char *severity = json_string_value(json_object_get(finding, "severity"));
	const char *purl = json_string_value(json_object_get(finding, "purl"));
	const char *component = json_string_value(json_object_get(finding, "component"));
	const json_t *score = json_object_get(finding, "score");
	struct strbuf text;
	strbuf_init(&text);
	strbuf_addf(&text, "%s (%s", id ? id : "?", severity ? severity : "unknown");
	if (json_is_number(score)) {
		long tenths = (long)(json_number_value(score) * 10.0 + 0.5);
		strbuf_addf(&text, " %ld.%ld", tenths / 10, tenths % 10);
	}
	strbuf_addf(&text, ") in %s", purl ? purl : component ? component : "?");
	const json_t *expired = json_object_get(finding, "expired_waiver");
	if (json_is_object(expired) && json_is_string(json_object_get(expired, "expires")))
		strbuf_addf(&text, " (its waiver expired %s)", json_string_value(json_object_get(expired, "expires")));
	return strbuf_detach(&text, NULL);
}

enum steps_outcome steps_sbom_scan(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	if (!context->run_dir)
		return fail(error, xstrdup("sbom.scan needs the run's directory"));
	const char *fail_on_name = json_string_value(json_object_get(args, "fail_on"));
	struct scan_options options = { .fail_on = SCAN_SEVERITY_NONE };
	if (fail_on_name && scan_fail_on_from_name(fail_on_name, &options.fail_on) != 0)
		return fail(error, xasprintf("the plan's fail_on '%s' is not a severity", fail_on_name));
	char today[48];
	utc_day(context->now, today);
	options.today = today;

	struct scan_inputs inputs = { 0 };
	osv_db_init(&inputs.db);
	if (read_sboms(context, args, &inputs, detail, error) != 0 || read_database(context, args, &inputs, error) != 0) {
		scan_inputs_release(&inputs);
		return STEPS_FAILED;
	}
	struct scan_input *scan_inputs = xcalloc(inputs.count + 1, sizeof(*scan_inputs));
	for (size_t i = 0; i < inputs.count; i++) {
		scan_inputs[i].service = inputs.services[i];
		scan_inputs[i].sbom = &inputs.sboms[i];
	}
	const json_t *waivers = json_object_get(args, "waivers");
	struct scan_result result;
	char *reason = NULL;
	int status = scan_run(&inputs.db, scan_inputs, inputs.count, json_is_array(waivers) ? waivers : NULL, &options,
			      &result, &reason);
	free(scan_inputs);
	if (status != 0) {
		scan_inputs_release(&inputs);
		return fail(error, xasprintf("waivers: %s", reason));
	}

	json_t *document = scan_result_to_json(&result);
	json_object_set_new(document, "run_id", context->run_id ? json_string(context->run_id) : json_null());
	json_object_set_new(document, "stage", context->plan && context->plan->stage ? json_string(context->plan->stage) : json_null());
	json_object_set_new(document, "today", json_string(today));
	json_object_set_new(document, "database", json_pack("{s:O?,s:O?}", "path", json_object_get(args, "database"), "sha256",
							     json_object_get(args, "database_sha256")));
	char *text = json_dumps(document, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(document);
	char *path = xasprintf("%s/%s", context->run_dir, STEPS_SCAN_RESULT_NAME);
	struct strbuf bytes;
	strbuf_init(&bytes);
	strbuf_addstr(&bytes, text ? text : "{}");
	strbuf_addch(&bytes, '\n');
	free(text);
	char *write_error = NULL;
	status = fileio_write_atomic(path, bytes.buf, bytes.len, 0644, &write_error);
	strbuf_release(&bytes);
	if (status != 0) {
		*error = xasprintf("cannot write the scan result '%s': %s", path, write_error);
		free(write_error);
		free(path);
		scan_result_release(&result);
		scan_inputs_release(&inputs);
		return STEPS_FAILED;
	}

	/* The journal's summary: counts, the worst finding; the findings themselves are the gate's. */
	json_object_set_new(detail, "result", json_string(path));
	json_object_set_new(detail, "sboms", json_integer((json_int_t)inputs.count));
	json_object_set_new(detail, "components", json_integer((json_int_t)result.component_count));
	json_object_set_new(detail, "findings", json_integer((json_int_t)result.finding_count));
	json_object_set_new(detail, "waived", json_integer((json_int_t)result.waived_count));
	json_object_set_new(detail, "failing", json_integer((json_int_t)result.failing_count));
	json_object_set_new(detail, "expired_waivers", json_integer((json_int_t)result.expired_waiver_count));
	json_object_set_new(detail, "enrichment_changes", json_integer((json_int_t)inputs.enrichment_changes));
	json_object_set_new(detail, "fail_on", json_string(scan_severity_name(options.fail_on)));
	json_object_set_new(detail, "today", json_string(today));
	/* the worst unwaived finding, as the gate would name it */
	const struct scan_finding *worst = NULL;
	for (size_t i = 0; i < result.finding_count; i++) {
		const struct scan_finding *finding = &result.findings[i];
		if (finding->waived_by)
			continue;
		if (!worst || finding->severity > worst->severity ||
		    (finding->severity == worst->severity && finding->score_tenths > worst->score_tenths))
			worst = finding;
	}
	if (worst) {
		struct strbuf line;
		strbuf_init(&line);
		strbuf_addf(&line, "%s (%s", worst->id, scan_severity_name(worst->severity));
		if (worst->score_tenths >= 0)
			strbuf_addf(&line, " %d.%d", worst->score_tenths / 10, worst->score_tenths % 10);
		strbuf_addf(&line, ") in %s", worst->purl ? worst->purl : worst->component);
		json_object_set_new(detail, "worst_unwaived", json_string(line.buf));
		strbuf_release(&line);
	}
	free(path);
	scan_result_release(&result);
	scan_inputs_release(&inputs);
	return STEPS_DONE;
}

/* ---- the security_scan gate ------------------------------------------------------------- */

static int severity_rank(const char *name)
{
	for (int rank = SCAN_SEVERITY_NONE; rank <= SCAN_SEVERITY_UNKNOWN; rank++)
		if (name && strcmp(name, scan_severity_name((enum scan_severity)rank)) == 0)
			return rank;
	return SCAN_SEVERITY_UNKNOWN; /* never assume a severity nobody can tell is harmless */
}

static double finding_score(const json_t *finding)
{
	const json_t *score = json_object_get(finding, "score");
	return json_is_number(score) ? json_number_value(score) : -1.0;
}

/* Worst first: severity, then score, then id. */
static int compare_findings(const void *a, const void *b)
{
	const json_t *left = *(const json_t *const *)a, *right = *(const json_t *const *)b;
	int left_rank = severity_rank(json_string_value(json_object_get(left, "severity")));
	int right_rank = severity_rank(json_string_value(json_object_get(right, "severity")));
	if (left_rank != right_rank)
		return left_rank > right_rank ? -1 : 1;
	double left_score = finding_score(left), right_score = finding_score(right);
	if (left_score != right_score)
		return left_score > right_score ? -1 : 1;
	const char *left_id = json_string_value(json_object_get(left, "id"));
	const char *right_id = json_string_value(json_object_get(right, "id"));
	return strcmp(left_id ? left_id : "", right_id ? right_id : "");
}

bool steps_gate_security_scan(struct steps_context *context, const json_t *gate, char **reason)
{
	const char *fail_on_name = json_string_value(json_object_get(gate, "fail_on"));
	enum scan_severity threshold = SCAN_SEVERITY_NONE;
	if (!fail_on_name || scan_fail_on_from_name(fail_on_name, &threshold) != 0) {
		*reason = xasprintf("the gate's fail_on '%s' is not a severity", fail_on_name ? fail_on_name : "(none)");
		return false;
	}
	char *path = xasprintf("%s/%s", context->run_dir ? context->run_dir : ".", STEPS_SCAN_RESULT_NAME);
	json_error_t parse_error;
	json_t *result = json_load_file(path, JSON_REJECT_DUPLICATES, &parse_error);
	if (!result) {
		if (access(path, F_OK) != 0)
			*reason = xstrdup("no scan result in this run: the sbom.scan step has not run");
		else
			*reason = xasprintf("cannot read the scan result '%s': %s", path, parse_error.text);
		free(path);
		return false;
	}
	const json_t *findings = json_object_get(result, "findings");
	if (!json_is_array(findings)) {
		*reason = xasprintf("the scan result '%s' has no findings list", path);
		free(path);
		json_decref(result);
		return false;
	}
	free(path);
	size_t total = json_array_size(findings), waived = 0, count = 0;
	const json_t **blocking = xcalloc(total + 1, sizeof(*blocking));
	size_t index;
	const json_t *finding;
	json_array_foreach(findings, index, finding) {
		if (json_is_object(json_object_get(finding, "waived_by"))) {
			waived++;
			continue;
		}
		if (severity_rank(json_string_value(json_object_get(finding, "severity"))) >= (int)threshold)
			blocking[count++] = finding;
	}
	bool passed = count == 0;
	if (passed) {
		*reason = xasprintf("no unwaived finding at or above %s (%zu finding%s, %zu waived)", fail_on_name, total,
				    total == 1 ? "" : "s", waived);
	} else {
		qsort(blocking, count, sizeof(*blocking), compare_findings);
		struct strbuf text;
		strbuf_init(&text);
		strbuf_addf(&text, "%zu unwaived finding%s at or above %s: ", count, count == 1 ? "" : "s", fail_on_name);
		for (size_t i = 0; i < count && i < STEPS_SCAN_REASON_FINDINGS; i++) {
			char *line = describe_finding(blocking[i]);
			strbuf_addf(&text, "%s%s", i ? ", " : "", line);
			free(line);
		}
		if (count > STEPS_SCAN_REASON_FINDINGS)
			strbuf_addf(&text, " and %zu more", count - STEPS_SCAN_REASON_FINDINGS);
		*reason = strbuf_detach(&text, NULL);
	}
	free(blocking);
	json_decref(result);
	return passed;
}
