/* The loadtest.run step (run a scenario with the load engine, report against the criteria,
 * compare with the recorded baseline) and the promotion gates that read its verdict. */
#define _GNU_SOURCE
#include "steps.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "embedded.h"
#include "fileio.h"
#include "loadgen.h"
#include "loadgen_http.h"
#include "loadgen_target.h"
#include "loadgen_tls.h"
#include "loadreport.h"
#include "util.h"
#include "banned.h"

#define LOADTEST_BASELINE_MAX (16u << 20)
#define LOADTEST_RESULT_MAX (256u << 20)
#define LOADTEST_DEFAULT_REPORTS "load-test/reports/dr"
#define LOADTEST_TEMPLATE "templates/loadtest-report.html"

static enum steps_outcome fail(char **error, char *message)
{
	*error = message;
	return STEPS_FAILED;
}

static const char *string_arg(const json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

/* A scenario name becomes a file name: nothing that could leave the results folder. */
static bool safe_name(const char *name)
{
	if (!name || !*name || name[0] == '.' || strlen(name) > 128)
		return false;
	for (const char *c = name; *c; c++)
		if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

static char *result_path(const struct steps_context *context, const char *scenario)
{
	return xasprintf("%s/loadtest/%s.json", context->run_dir, scenario);
}

static char *report_dir(const struct steps_context *context, const json_t *args)
{
	const char *reports = string_arg(args, "reports_dir");
	char *relative = xasprintf("%s/%s", reports && *reports ? reports : LOADTEST_DEFAULT_REPORTS, context->run_id);
	char *dir = steps_tree_path(context, relative);
	free(relative);
	return dir;
}

static char *dumps(const json_t *value)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	char *with_newline = xasprintf("%s\n", text ? text : "null");
	free(text);
	return with_newline;
}

static int write_json(const char *path, const json_t *value, char **error)
{
	char *text = dumps(value);
	int status = fileio_write_atomic(path, text, strlen(text), 0644, error);
	free(text);
	return status;
}

static json_t *load_json(const char *path, size_t max_size, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(path, max_size, &data, &length) != 0) {
		*error = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	json_error_t parse_error;
	json_t *value = json_loadb(data, length, JSON_REJECT_DUPLICATES, &parse_error);
	free(data);
	if (!value)
		*error = xasprintf("'%s' is not JSON: line %d: %s", path, parse_error.line, parse_error.text);
	return value;
}

static void utc_text(int64_t when, char *buffer, size_t size)
{
	time_t seconds = (time_t)when;
	struct tm parts;
	if (!gmtime_r(&seconds, &parts) || strftime(buffer, size, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0)
		snprintf(buffer, size, "%lld", (long long)when);
}

/* ---- progress on a terminal ---- */

struct progress_line {
	const char *scenario;
	bool printed;
};

static void show_progress(const struct loadgen_progress *progress, void *data)
{
	struct progress_line *line = data;
	printf("\r     %s: %.0f s, %.0f s left, ", line->scenario, progress->elapsed_s, progress->remaining_s);
	if (progress->target_rate > 0)
		printf("%.0f/%.0f req/s", progress->achieved_rate, progress->target_rate);
	else
		printf("%.0f req/s", progress->achieved_rate);
	printf(", p95 %.1f ms, %llu error%s\033[K", (double)progress->p95_us / 1000.0, (unsigned long long)progress->errors,
	       progress->errors == 1 ? "" : "s");
	fflush(stdout);
	line->printed = true;
}

/* ---- run ---- */

static bool has_header(const json_t *headers, const char *name)
{
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)headers, key, value)
		if (strcasecmp(key, name) == 0)
			return true;
	return false;
}

/* ${run.id} in a path, header value or body becomes the run id here; ${request.sequence} stays
 * in the serialised request, and the engine writes each send's number over it. */
static char *substitute_run_id(const char *text, const char *run_id)
{
	static const char placeholder[] = "${run.id}";
	struct strbuf out;
	strbuf_init(&out);
	const char *cursor = text, *found;
	while ((found = strstr(cursor, placeholder))) {
		strbuf_add(&out, cursor, (size_t)(found - cursor));
		strbuf_addstr(&out, run_id ? run_id : "");
		cursor = found + sizeof(placeholder) - 1;
	}
	strbuf_addstr(&out, cursor);
	return strbuf_detach(&out, NULL);
}

struct prepared {
	struct loadgen_request *requests;
	struct strbuf *wires;
	size_t count;
};

static void prepared_release(struct prepared *prepared)
{
	for (size_t i = 0; i < prepared->count; i++)
		strbuf_release(&prepared->wires[i]);
	free(prepared->wires);
	free(prepared->requests);
	memset(prepared, 0, sizeof(*prepared));
}

static int prepare_requests(const struct steps_context *context, const json_t *definitions, const char *host_header,
			    const char *base_target, struct prepared *prepared, char **error)
{
	size_t count = json_array_size(definitions);
	if (count == 0 || count > 64) {
		*error = xasprintf("a scenario needs 1 to 64 requests, this one has %zu", count);
		return -1;
	}
	prepared->requests = xcalloc(count, sizeof(*prepared->requests));
	prepared->wires = xcalloc(count, sizeof(*prepared->wires));
	prepared->count = count;
	size_t base_length = strlen(base_target);
	while (base_length && base_target[base_length - 1] == '/')
		base_length--;
	for (size_t i = 0; i < count; i++) {
		const json_t *definition = json_array_get(definitions, i);
		const char *name = string_arg(definition, "name");
		const char *method = string_arg(definition, "method");
		const char *path = string_arg(definition, "path");
		json_int_t weight = json_integer_value(json_object_get(definition, "weight"));
		if (!name || !method || !path || path[0] != '/' || weight <= 0 || weight > 1000000) {
			*error = xasprintf("request %zu needs a name, a method, a path from '/' and a positive weight", i + 1);
			return -1;
		}
		char *path_text = substitute_run_id(path, context->run_id);
		char *target = xasprintf("%.*s%s", (int)base_length, base_target, path_text);
		free(path_text);
		const json_t *headers = json_object_get(definition, "headers");
		const char **lines = xcalloc(json_object_size(headers) + 1, sizeof(*lines));
		size_t line_count = 0;
		const char *key;
		const json_t *value;
		json_object_foreach((json_t *)headers, key, value) {
			char *text = substitute_run_id(json_is_string(value) ? json_string_value(value) : "", context->run_id);
			lines[line_count++] = xasprintf("%s: %s", key, text);
			free(text);
		}
		char *body = NULL;
		const json_t *body_json = json_object_get(definition, "body_json");
		const json_t *body_text = json_object_get(definition, "body");
		if (body_json) {
			body = json_dumps(body_json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			if (!has_header(headers, "Content-Type"))
				lines[line_count++] = xstrdup("Content-Type: application/json");
		} else if (json_is_string(body_text)) {
			body = xstrdup(json_string_value(body_text));
		}
		if (body) {
			char *substituted = substitute_run_id(body, context->run_id);
			free(body);
			body = substituted;
		}
		int status = loadgen_http_serialize(&prepared->wires[i], method, host_header, target, lines, line_count, body,
						    body ? strlen(body) : 0);
		for (size_t l = 0; l < line_count; l++)
			free((char *)lines[l]);
		free(lines);
		free(body);
		free(target);
		if (status != 0) {
			*error = xasprintf("request '%s': its method, path or a header would break the HTTP request", name);
			return -1;
		}
		prepared->requests[i] = (struct loadgen_request){ .name = name, .wire = prepared->wires[i].buf,
								  .wire_length = prepared->wires[i].len, .weight = (unsigned)weight,
								  .no_body = strcmp(method, "HEAD") == 0 };
	}
	return 0;
}

/* Sequence numbers of a scenario start above every earlier step's: the step's position in the
 * plan times 10^15, plus 10^13 per earlier attempt of the same step in this run (a load cut short
 * by a crash is run again on resume, and must not repeat the keys it already sent). So
 * ${run.id}-${request.sequence} is unique over the whole run while an attempt sends fewer than
 * 10^13 requests and a step is attempted at most 100 times. */
#define LOADTEST_SEQUENCE_BLOCK 1000000000000000ULL
#define LOADTEST_SEQUENCE_ATTEMPT 10000000000000ULL
#define LOADTEST_ATTEMPTS_MAX 100

/* The attempt of this scenario in this run (0 the first time), counted in a file of the run's
 * folder that is written before any load goes out. */
static int next_attempt(const struct steps_context *context, const char *scenario, unsigned *attempt, char **error)
{
	char *dir = xasprintf("%s/loadtest-attempts", context->run_dir);
	char *path = xasprintf("%s/%s", dir, scenario);
	char *data = NULL;
	size_t length = 0;
	*attempt = 0;
	if (read_file_bytes(path, 64, &data, &length) == 0) {
		char *end;
		unsigned long previous = strtoul(data, &end, 10);
		*attempt = end != data && previous < LOADTEST_ATTEMPTS_MAX ? (unsigned)previous : LOADTEST_ATTEMPTS_MAX;
	}
	free(data);
	int status = 0;
	if (*attempt >= LOADTEST_ATTEMPTS_MAX) {
		*error = xasprintf("scenario '%s' was started %d times in this run already: its request numbers would repeat",
				   scenario, LOADTEST_ATTEMPTS_MAX);
		status = -1;
	} else if (state_make_directories(dir) != 0) {
		*error = xasprintf("cannot create '%s': %s", dir, strerror(errno));
		status = -1;
	} else {
		char count[16];
		snprintf(count, sizeof(count), "%u\n", *attempt + 1);
		status = fileio_write_atomic(path, count, strlen(count), 0644, error);
	}
	free(path);
	free(dir);
	return status;
}

static uint64_t sequence_start(const struct steps_context *context, const char *step_id, unsigned attempt)
{
	size_t index;
	const json_t *step;
	json_array_foreach(context->plan->steps, index, step) {
		const char *id = plan_reader_step_id(step);
		if (id && strcmp(id, step_id) == 0)
			return (uint64_t)(index + 1) * LOADTEST_SEQUENCE_BLOCK + attempt * LOADTEST_SEQUENCE_ATTEMPT;
	}
	return 0;
}

#define LOADTEST_PROMETHEUS_TIMEOUT_MS 5000
#define LOADTEST_PROMETHEUS_SETTLE_MS 3000

/* The target's CPU and memory over the run from the plan's Prometheus ({url, selector}; the
 * selector defaults to the base URL's instance), or {prometheus, selector, error}: a server that
 * cannot answer leaves the figures out, it does not fail a run that happened. */
static json_t *target_usage(const json_t *prometheus, const char *host, const char *port,
			    const struct loadgen_result *result)
{
	const char *url = string_arg(prometheus, "url");
	if (!url)
		return NULL;
	char *default_selector = NULL;
	const char *selector = string_arg(prometheus, "selector");
	if (!selector)
		selector = default_selector = loadgen_target_default_selector(host, port);
	struct loadgen_target_usage usage;
	char *reason = NULL;
	json_t *figures;
	if (loadgen_target_query(url, selector, result->start_unix_s, result->end_unix_s, LOADTEST_PROMETHEUS_TIMEOUT_MS,
				 LOADTEST_PROMETHEUS_SETTLE_MS, &usage, &reason) == 0)
		figures = loadgen_target_json(&usage, url, selector);
	else
		figures = json_pack("{s:s,s:s,s:s}", "prometheus", url, "selector", selector, "error", reason ? reason : "no answer");
	free(reason);
	free(default_selector);
	return figures;
}

static json_t *scenario_summary(const json_t *scenario)
{
	const json_t *latency = json_object_get(scenario, "latency_ms");
	return json_pack("{s:O,s:O,s:O,s:O,s:O}", "responses", json_object_get(scenario, "responses"), "errors",
			 json_object_get(scenario, "errors"), "rps", json_object_get(scenario, "rps"), "p95_ms",
			 json_object_get(latency, "p95"), "p99_ms", json_object_get(latency, "p99"));
}

static enum steps_outcome run_scenario(struct steps_context *context, const char *step_id, const json_t *args,
				       json_t *detail, char **error)
{
	const char *scenario = string_arg(args, "scenario");
	const char *base_url = string_arg(args, "base_url");
	const char *executor_name = string_arg(args, "executor");
	if (!safe_name(scenario))
		return fail(error, xasprintf("loadtest.run: scenario name '%s' is not a plain name", scenario ? scenario : ""));
	if (!base_url || !executor_name)
		return fail(error, xstrdup("loadtest.run needs 'base_url' and 'executor'"));
	char *path = result_path(context, scenario);
	json_object_set_new(detail, "scenario", json_string(scenario));
	json_object_set_new(detail, "result", json_string(path));
	/* a resumed run keeps a scenario that finished: its result is already durable */
	char *reason = NULL;
	json_t *previous = access(path, F_OK) == 0 ? load_json(path, LOADTEST_RESULT_MAX, &reason) : NULL;
	free(reason);
	if (previous && json_is_string(json_object_get(previous, "step")) &&
	    strcmp(json_string_value(json_object_get(previous, "step")), step_id) == 0) {
		json_object_set_new(detail, "already_ran", json_true());
		json_object_set_new(detail, "summary", scenario_summary(previous));
		json_decref(previous);
		free(path);
		return STEPS_DONE;
	}
	json_decref(previous);

	struct loadgen_config config;
	memset(&config, 0, sizeof(config));
	struct loadgen_stage *stages = NULL;
	if (strcmp(executor_name, "max-throughput") == 0) {
		config.executor = LOADGEN_MAX_THROUGHPUT;
		json_int_t duration_ms = json_integer_value(json_object_get(args, "duration_ms"));
		if (duration_ms <= 0 || duration_ms > LOADREPORT_DURATION_MAX_MS) {
			free(path);
			return fail(error, xasprintf("scenario '%s': max-throughput needs 'duration_ms' from 1 to %lld", scenario,
						     (long long)LOADREPORT_DURATION_MAX_MS));
		}
		config.duration_ns = (int64_t)duration_ms * 1000000;
	} else if (strcmp(executor_name, "constant-rate") == 0 || strcmp(executor_name, "ramping-rate") == 0) {
		config.executor = strcmp(executor_name, "constant-rate") == 0 ? LOADGEN_CONSTANT_RATE : LOADGEN_RAMPING_RATE;
		if (loadreport_schedule(args, &config.schedule, &stages) != 0) {
			free(path);
			return fail(error, xasprintf("scenario '%s': %s needs 'rate' and 'duration_ms', or 'stages', within "
						     "100000000 req/s and 30 days", scenario, executor_name));
		}
	} else {
		free(path);
		return fail(error, xasprintf("scenario '%s': unknown executor '%s'", scenario, executor_name));
	}
	char *host = NULL, *port = NULL, *target = NULL, *host_header = NULL;
	struct prepared prepared;
	memset(&prepared, 0, sizeof(prepared));
	struct loadgen_result result;
	memset(&result, 0, sizeof(result));
	enum steps_outcome outcome = STEPS_FAILED;
	bool tls = false;
	if (loadgen_parse_url_tls(base_url, &tls, &host, &port, &target) != 0) {
		*error = xasprintf("scenario '%s': '%s' is not an http:// or https:// URL", scenario, base_url);
		goto out;
	}
	if (tls) {
		/* the system's CAs verify the stage's certificate; a plan cannot turn that off */
		char *tls_error = NULL;
		config.tls = loadgen_tls_context_new(host, NULL, false, &tls_error);
		if (!config.tls) {
			*error = xasprintf("scenario '%s': %s", scenario, tls_error ? tls_error : "cannot set up TLS");
			free(tls_error);
			goto out;
		}
		config.tls_server_name = host;
	}
	host_header = strchr(host, ':') ? xasprintf("[%s]", host) : xstrdup(host);
	if (strcmp(port, tls ? "443" : "80") != 0) {
		char *with_port = xasprintf("%s:%s", host_header, port);
		free(host_header);
		host_header = with_port;
	}
	if (prepare_requests(context, json_object_get(args, "requests"), host_header, target, &prepared, error) != 0) {
		char *message = xasprintf("scenario '%s': %s", scenario, *error);
		free(*error);
		*error = message;
		goto out;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *found = NULL;
	int resolved = getaddrinfo(host, port, &hints, &found);
	if (resolved != 0 || !found) {
		*error = xasprintf("scenario '%s': cannot resolve '%s': %s", scenario, host, gai_strerror(resolved));
		goto out;
	}
	memcpy(&config.address, found->ai_addr, found->ai_addrlen);
	config.address_length = found->ai_addrlen;
	freeaddrinfo(found);
	json_int_t connections = json_integer_value(json_object_get(args, "connections"));
	json_int_t timeout_ms = json_integer_value(json_object_get(args, "timeout_ms"));
	config.requests = prepared.requests;
	config.request_count = prepared.count;
	config.connections = connections > 0 && connections <= 100000 ? (unsigned)connections : 16;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	config.threads = cpus > 0 ? (unsigned)cpus : 1;
	if (config.threads > config.connections)
		config.threads = config.connections;
	config.timeout_ns = (timeout_ms > 0 && timeout_ms <= 3600000 ? timeout_ms : 5000) * 1000000LL;
	config.late_threshold_ns = 1000000;
	unsigned attempt;
	if (next_attempt(context, scenario, &attempt, error) != 0)
		goto out;
	config.sequence_start = sequence_start(context, step_id, attempt);
	struct progress_line line = { .scenario = scenario, .printed = false };
	if (isatty(STDOUT_FILENO)) {
		config.progress = show_progress;
		config.progress_data = &line;
	}
	char *run_error = NULL;
	int ran = loadgen_run(&config, &result, &run_error);
	if (line.printed) {
		fputs("\r\033[K", stdout);
		fflush(stdout);
	}
	if (ran != 0) {
		*error = xasprintf("scenario '%s': %s", scenario, run_error ? run_error : "the load engine could not start");
		free(run_error);
		goto out;
	}
	json_t *record = loadreport_scenario_json(args, &result);
	json_t *usage = target_usage(json_object_get(args, "target_prometheus"), host, port, &result);
	if (usage)
		json_object_set_new(record, "target_usage", usage);
	json_object_set_new(record, "step", json_string(step_id));
	json_object_set_new(record, "base_url", json_string(base_url));
	char *dir = xasprintf("%s/loadtest", context->run_dir);
	if (state_make_directories(dir) != 0) {
		*error = xasprintf("cannot create '%s': %s", dir, strerror(errno));
	} else if (write_json(path, record, error) == 0) {
		json_object_set_new(detail, "summary", scenario_summary(record));
		outcome = STEPS_DONE;
	}
	free(dir);
	json_decref(record);
out:
	if (config.tls)
		loadgen_tls_context_free(config.tls);
	loadgen_result_release(&result);
	prepared_release(&prepared);
	free(stages);
	free(host);
	free(port);
	free(target);
	free(host_header);
	free(path);
	return outcome;
}

/* ---- report and compare ---- */

static int write_text(const char *dir, const char *name, const char *text, char **error)
{
	char *path = xasprintf("%s/%s", dir, name);
	int status = fileio_write_atomic(path, text, strlen(text), 0644, error);
	free(path);
	return status;
}

/* Writes report.json, junit.xml, summary.md and report.html into `dir`. */
static int write_report_files(const char *dir, const json_t *report, char **error)
{
	const struct embedded_file *page = embedded_find(LOADTEST_TEMPLATE);
	if (!page) {
		*error = xstrdup("the report page template is not built in");
		return -1;
	}
	char *html = loadreport_html(report, (const char *)page->data, error);
	if (!html)
		return -1;
	char *junit = loadreport_junit(report);
	char *markdown = loadreport_markdown(report);
	char *json = dumps(report);
	int status = state_make_directories(dir) == 0 ? 0 : -1;
	if (status != 0)
		*error = xasprintf("cannot create '%s': %s", dir, strerror(errno));
	/* report.json last: the evidence step and readers take its presence as "complete" */
	if (status == 0)
		status = write_text(dir, "junit.xml", junit, error);
	if (status == 0)
		status = write_text(dir, "summary.md", markdown, error);
	if (status == 0)
		status = write_text(dir, "report.html", html, error);
	if (status == 0)
		status = write_text(dir, "report.json", json, error);
	free(html);
	free(junit);
	free(markdown);
	free(json);
	return status;
}

/* The worst figure of each metric over the scenarios that ran: what the gates compare. */
static json_t *worst_figures(const json_t *report)
{
	static const char *const metrics[] = { "latency_p50", "latency_p95", "latency_p99", "latency_max", "error_ratio", "throughput" };
	json_t *figures = json_object();
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		bool lower_is_worse = strcmp(metrics[m], "throughput") == 0;
		bool have = false;
		double worst = 0;
		size_t index;
		const json_t *scenario;
		json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
			double value;
			if (!loadreport_metric_value(scenario, metrics[m], NULL, &value))
				continue;
			if (!have || (lower_is_worse ? value < worst : value > worst))
				worst = value;
			have = true;
		}
		if (have)
			json_object_set_new(figures, metrics[m], json_real(worst));
	}
	return figures;
}

/* Records the verdict as the stage's latest load test (what the promotion gates read). */
static int record_verdict(struct steps_context *context, const char *stage, const json_t *report, const char *report_path,
			  char **error)
{
	json_t *entry = state_stage(context->state, stage, true);
	const json_t *verdict = json_object_get(report, "verdict");
	const json_t *baseline = json_object_get(report, "baseline");
	const json_t *release = json_object_get(report, "release");
	json_t *last = json_pack("{s:s,s:s,s:I,s:O,s:O,s:O,s:O,s:s,s:O,s:o}", "run_id", context->run_id, "plan",
				 context->plan->digest, "time", (json_int_t)context->now, "passed", json_object_get(verdict, "passed"),
				 "complete", json_object_get(verdict, "complete"), "criteria_passed",
				 json_object_get(verdict, "criteria_passed"), "baseline_passed", json_object_get(verdict, "baseline_passed"),
				 "report", report_path, "release_digest", json_object_get(release, "digest"), "figures",
				 worst_figures(report));
	json_object_set_new(last, "regression_ppm", json_is_object(baseline) ? json_deep_copy(json_object_get(baseline, "regression_ppm"))
										: json_null());
	json_object_set_new(last, "baseline_complete", json_boolean(json_is_true(json_object_get(baseline, "complete"))));
	json_object_set_new(entry, "last_loadtest", last);
	return state_registry_save(context->state, error);
}

static void add_verdict_detail(json_t *detail, const json_t *report, bool passed, const char *report_path)
{
	json_object_set_new(detail, "report", json_string(report_path));
	json_object_set_new(detail, "loadtest_passed", json_boolean(passed));
	json_object_set(detail, "failures", json_object_get(json_object_get(report, "verdict"), "failures"));
}

static enum steps_outcome report(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const char *stage = string_arg(args, "stage");
	if (!stage)
		stage = context->plan->stage;
	json_t *scenarios = json_array();
	size_t index;
	const json_t *step;
	json_array_foreach(context->plan->steps, index, step) {
		const json_t *step_args = json_object_get(step, "args");
		if (strcmp(plan_reader_step_action(step), "loadtest.run") != 0 || !string_arg(step_args, "operation") ||
		    strcmp(string_arg(step_args, "operation"), "run") != 0)
			continue;
		const char *name = string_arg(step_args, "scenario");
		if (!safe_name(name))
			continue;
		char *path = result_path(context, name);
		char *reason = NULL;
		json_t *record = access(path, F_OK) == 0 ? load_json(path, LOADTEST_RESULT_MAX, &reason) : NULL;
		if (!record)
			record = json_pack("{s:s,s:s,s:s}", "name", name, "status", "not-run", "reason",
					   reason ? reason : "no result was recorded for it in this run");
		free(reason);
		free(path);
		json_array_append_new(scenarios, record);
	}
	char time_utc[32];
	utc_text(context->now, time_utc, sizeof(time_utc));
	const char *digest = state_stage_release_digest(context->state, stage);
	const char *version = state_stage_release_version(context->state, stage);
	json_t *meta = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:{s:o,s:o}}", "run_id", context->run_id, "plan_digest",
				 context->plan->digest, "project", context->plan->project, "service",
				 string_arg(args, "service") ? string_arg(args, "service") : "", "stage", stage, "time",
				 (json_int_t)context->now, "time_utc", time_utc, "release", "digest",
				 digest ? json_string(digest) : json_null(), "version", version ? json_string(version) : json_null());
	json_t *built = loadreport_build(meta, scenarios, json_object_get(args, "criteria"));
	json_decref(meta);
	json_decref(scenarios);
	char *dir = report_dir(context, args);
	char *report_path = xasprintf("%s/report.json", dir);
	enum steps_outcome outcome = STEPS_FAILED;
	if (write_report_files(dir, built, error) == 0 && record_verdict(context, stage, built, report_path, error) == 0) {
		const json_t *verdict = json_object_get(built, "verdict");
		add_verdict_detail(detail, built, json_is_true(json_object_get(verdict, "criteria_passed")), report_path);
		outcome = STEPS_DONE;
	}
	free(report_path);
	free(dir);
	json_decref(built);
	return outcome;
}

static enum steps_outcome compare(struct steps_context *context, const char *step_id, const json_t *args, json_t *detail,
				  char **error)
{
	const char *baseline_name = string_arg(args, "baseline");
	const char *expected_sha256 = string_arg(args, "baseline_sha256");
	if (!baseline_name || !*baseline_name)
		return fail(error, xstrdup("loadtest.run compare needs 'baseline'"));
	char *baseline_path = steps_tree_path(context, baseline_name);
	char *data = NULL;
	size_t length = 0;
	enum steps_outcome outcome = STEPS_FAILED;
	json_t *baseline = NULL, *built = NULL, *proposed = NULL;
	char *dir = report_dir(context, args);
	char *report_path = xasprintf("%s/report.json", dir);
	if (read_file_bytes(baseline_path, LOADTEST_BASELINE_MAX, &data, &length) != 0) {
		*error = xasprintf("cannot read baseline '%s': %s", baseline_path, strerror(errno));
		goto out;
	}
	unsigned char digest[CRYPTO_SHA256_SIZE];
	char hex[2 * CRYPTO_SHA256_SIZE + 1];
	crypto_sha256(data, length, digest);
	crypto_hex(digest, sizeof(digest), hex);
	json_object_set_new(detail, "baseline_sha256", json_string(hex));
	/* the plan pins the baseline it was built with: a changed file was never reviewed with it */
	if (expected_sha256 && strcmp(expected_sha256, hex) != 0) {
		*error = xasprintf("baseline '%s' changed since the plan was built (sha256 %s, the plan expects %s)", baseline_name,
				   hex, expected_sha256);
		goto out;
	}
	json_error_t parse_error;
	baseline = json_loadb(data, length, JSON_REJECT_DUPLICATES, &parse_error);
	if (!baseline) {
		*error = xasprintf("baseline '%s' is not JSON: line %d: %s", baseline_name, parse_error.line, parse_error.text);
		goto out;
	}
	if (access(report_path, F_OK) != 0) {
		*error = xasprintf("no report of run %s at '%s': the report step comes before the comparison", context->run_id,
				   report_path);
		goto out;
	}
	built = load_json(report_path, LOADTEST_RESULT_MAX, error);
	if (!built)
		goto out;
	const json_t *existing = json_object_get(built, "baseline");
	const char *existing_step = string_arg(existing, "step");
	if (existing_step && strcmp(existing_step, step_id) != 0) {
		*error = xasprintf("the report of run %s already holds the comparison of step '%s': a report keeps one baseline",
				   context->run_id, existing_step);
		goto out;
	}
	if (loadreport_compare(built, baseline, args, baseline_name, hex, error) != 0)
		goto out;
	json_object_set_new(json_object_get(built, "baseline"), "step", json_string(step_id));
	char recorded[32];
	utc_text(context->now, recorded, sizeof(recorded));
	proposed = loadreport_proposed_baseline(built, baseline, json_object_get(args, "scenarios"), recorded);
	char *proposed_path = xasprintf("%s/proposed-baseline.json", dir);
	int status = state_make_directories(dir) == 0 ? write_json(proposed_path, proposed, error) : -1;
	if (status != 0 && !*error)
		*error = xasprintf("cannot create '%s': %s", dir, strerror(errno));
	free(proposed_path);
	if (status != 0)
		goto out;
	json_object_set_new(built, "proposed_baseline", json_string("proposed-baseline.json"));
	const char *stage = string_arg(built, "stage") ? string_arg(built, "stage") : context->plan->stage;
	if (write_report_files(dir, built, error) != 0 || record_verdict(context, stage, built, report_path, error) != 0)
		goto out;
	const json_t *section = json_object_get(built, "baseline");
	add_verdict_detail(detail, built, json_is_true(json_object_get(section, "passed")), report_path);
	json_object_set(detail, "regression_ppm", json_object_get(section, "regression_ppm"));
	outcome = STEPS_DONE;
out:
	free(data);
	free(baseline_path);
	free(dir);
	free(report_path);
	json_decref(baseline);
	json_decref(built);
	json_decref(proposed);
	return outcome;
}

enum steps_outcome steps_loadtest(struct steps_context *context, const char *step_id, const json_t *args, json_t *detail,
				  char **error)
{
	const char *operation = string_arg(args, "operation");
	if (!context->run_dir || !context->run_id)
		return fail(error, xstrdup("loadtest.run needs the run's folder and id"));
	if (operation && strcmp(operation, "run") == 0)
		return run_scenario(context, step_id, args, detail, error);
	if (operation && strcmp(operation, "report") == 0)
		return report(context, args, detail, error);
	if (operation && strcmp(operation, "compare") == 0)
		return compare(context, step_id, args, detail, error);
	return fail(error, xasprintf("loadtest.run: unknown operation '%s'", operation ? operation : ""));
}

char *steps_loadtest_failures(const json_t *journal_records)
{
	struct strbuf out;
	strbuf_init(&out);
	const char *report_path = NULL;
	size_t index;
	const json_t *record;
	json_array_foreach(journal_records, index, record) {
		const json_t *detail = json_object_get(record, "detail");
		if (strcmp(json_string_value(json_object_get(record, "kind")), "done") != 0 ||
		    !json_is_false(json_object_get(detail, "loadtest_passed")))
			continue;
		report_path = json_string_value(json_object_get(detail, "report"));
		size_t failure_index;
		const json_t *failure;
		json_array_foreach(json_object_get(detail, "failures"), failure_index, failure) {
			if (!json_is_string(failure) || strstr(out.buf, json_string_value(failure)))
				continue;
			strbuf_addf(&out, "%s%s", out.len ? "; " : "", json_string_value(failure));
		}
	}
	if (!report_path) {
		strbuf_release(&out);
		return NULL;
	}
	/* people open the page; the folder holds it beside report.json */
	size_t folder_length = strlen(report_path);
	if (folder_length > 12 && strcmp(report_path + folder_length - 12, "/report.json") == 0)
		folder_length -= 12;
	char *message = xasprintf("load-test criteria failed: %s (report: %.*s/report.html)", out.len ? out.buf : "see the report",
				  (int)folder_length, report_path);
	strbuf_release(&out);
	return message;
}

/* ---- gates ---- */

static const json_t *latest_loadtest(struct state_dir *state, const struct plan_reader_plan *plan, const json_t *gate,
				     const char **stage, char **reason)
{
	*stage = json_string_value(json_object_get(gate, "from_stage"));
	if (!*stage)
		*stage = json_string_value(json_object_get(plan->payload, "from_stage"));
	if (!*stage)
		*stage = plan->stage;
	const json_t *entry = state_stage(state, *stage, false);
	const json_t *last = json_object_get(entry, "last_loadtest");
	if (!json_is_object(last)) {
		*reason = xasprintf("no load test of stage '%s' is recorded (apply its loadtest plan first)", *stage);
		return NULL;
	}
	/* the verdict speaks for the release it measured, not for one deployed since */
	const char *tested = json_string_value(json_object_get(last, "release_digest"));
	const char *live = state_stage_release_digest(state, *stage);
	if ((tested == NULL) != (live == NULL) || (tested && strcmp(tested, live) != 0)) {
		*reason = xasprintf("the last load test of stage '%s' (run %s) measured release %s; the stage now runs %s", *stage,
				    json_string_value(json_object_get(last, "run_id")), tested ? tested : "none", live ? live : "none");
		return NULL;
	}
	if (!json_is_true(json_object_get(last, "complete"))) {
		*reason = xasprintf("the last load test of stage '%s' (run %s) did not run every scenario", *stage,
				    json_string_value(json_object_get(last, "run_id")));
		return NULL;
	}
	return last;
}

bool steps_loadtest_gate(struct state_dir *state, const struct plan_reader_plan *plan, const json_t *gate, char **reason)
{
	const char *stage;
	const json_t *last = latest_loadtest(state, plan, gate, &stage, reason);
	if (!last)
		return false;
	const char *run_id = json_string_value(json_object_get(last, "run_id"));
	const json_t *thresholds = json_object_get(gate, "thresholds");
	if (json_array_size(thresholds) == 0) {
		if (json_is_true(json_object_get(last, "criteria_passed"))) {
			*reason = xasprintf("load test %s of stage '%s' met its criteria", run_id, stage);
			return true;
		}
		*reason = xasprintf("load test %s of stage '%s' failed its criteria (%s)", run_id, stage,
				    json_string_value(json_object_get(last, "report")));
		return false;
	}
	struct strbuf failures;
	strbuf_init(&failures);
	const json_t *figures = json_object_get(last, "figures");
	size_t index;
	const json_t *threshold;
	json_array_foreach(thresholds, index, threshold) {
		const char *metric = json_string_value(json_object_get(threshold, "metric"));
		const json_t *limit = json_object_get(threshold, "limit");
		const json_t *figure = json_object_get(figures, metric ? metric : "");
		const char *unit = json_string_value(json_object_get(threshold, "unit"));
		bool below = json_is_string(json_object_get(threshold, "direction")) &&
			     strcmp(json_string_value(json_object_get(threshold, "direction")), "below") == 0;
		if (!metric || !json_is_number(limit) || !json_is_number(figure)) {
			strbuf_addf(&failures, "%s%s: not measured", failures.len ? "; " : "", metric ? metric : "?");
			continue;
		}
		double value = json_number_value(figure), bound = json_number_value(limit);
		if (below ? value < bound : value > bound)
			strbuf_addf(&failures, "%s%s %.3f %s %s the limit of %.3f %s", failures.len ? "; " : "", metric, value,
				    unit ? unit : "", below ? "is below" : "is above", bound, unit ? unit : "");
	}
	bool passed = failures.len == 0;
	if (passed)
		*reason = xasprintf("load test %s of stage '%s' is within every threshold at level %s", run_id, stage,
				    json_string_value(json_object_get(gate, "level")) ? json_string_value(json_object_get(gate, "level")) : "?");
	else
		*reason = xasprintf("load test %s of stage '%s': %s", run_id, stage, failures.buf);
	strbuf_release(&failures);
	return passed;
}

bool steps_performance_baseline_gate(struct state_dir *state, const struct plan_reader_plan *plan, const json_t *gate,
				     char **reason)
{
	const char *stage;
	const json_t *last = latest_loadtest(state, plan, gate, &stage, reason);
	if (!last)
		return false;
	const char *run_id = json_string_value(json_object_get(last, "run_id"));
	const json_t *regression = json_object_get(last, "regression_ppm");
	if (!json_is_integer(regression) || !json_is_true(json_object_get(last, "baseline_complete"))) {
		*reason = xasprintf("load test %s of stage '%s' has no complete baseline comparison", run_id, stage);
		return false;
	}
	json_int_t allowed = json_integer_value(json_object_get(gate, "max_regression_ppm"));
	json_int_t measured = json_integer_value(regression);
	if (measured > allowed) {
		*reason = xasprintf("load test %s of stage '%s' regressed %+.1f%% over its baseline (at most %.1f%%)", run_id, stage,
				    (double)measured / 1e4, (double)allowed / 1e4);
		return false;
	}
	*reason = xasprintf("load test %s of stage '%s': largest change over the baseline %+.1f%% (at most %.1f%%)", run_id, stage,
			    (double)measured / 1e4, (double)allowed / 1e4);
	return true;
}
