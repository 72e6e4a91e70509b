/* Load-test reports: scenario figures from the engine's result, criteria per scenario, the
 * baseline comparison and the verdict, rendered as JSON, JUnit XML, Markdown and one HTML page. */
#include "loadreport.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen_schedule.h"
#include "util.h"
#include "banned.h"

/* ---- small helpers ---- */

static json_t *milliseconds(int64_t microseconds)
{
	return json_real((double)microseconds / 1000.0);
}

static double number(const json_t *value)
{
	return json_is_number(value) ? json_number_value(value) : 0.0;
}

static const char *string_or(const json_t *value, const char *fallback)
{
	return json_is_string(value) ? json_string_value(value) : fallback;
}

/* Figures with at most three decimals and no trailing zeros: 12, 12.5, 0.125. */
static void add_number(struct strbuf *out, double value)
{
	if (!isfinite(value)) {
		strbuf_addstr(out, "-");
		return;
	}
	char text[64];
	snprintf(text, sizeof(text), "%.3f", value);
	char *dot = strchr(text, '.');
	if (dot) {
		char *end = text + strlen(text) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(text, "-0") == 0)
		strbuf_addstr(out, "0");
	else
		strbuf_addstr(out, text);
}

/* Markup-safe text: &, <, >, quotes escaped; control characters other than tab and newline dropped. */
static void add_escaped(struct strbuf *out, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; c++) {
		switch (*c) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default:
			if (*c >= 0x20 || *c == '\t' || *c == '\n')
				strbuf_addch(out, (char)*c);
		}
	}
}

/* Text for a Markdown table cell: pipes and newlines would break the row, and markup would be
 * rendered as HTML by most viewers. */
static void add_cell(struct strbuf *out, const char *text)
{
	for (const char *c = text ? text : ""; *c; c++) {
		if (*c == '|')
			strbuf_addstr(out, "\\|");
		else if (*c == '<')
			strbuf_addstr(out, "&lt;");
		else if (*c == '>')
			strbuf_addstr(out, "&gt;");
		else if (*c == '&')
			strbuf_addstr(out, "&amp;");
		else if (*c == '\n' || *c == '\r')
			strbuf_addch(out, ' ');
		else if ((unsigned char)*c >= 0x20)
			strbuf_addch(out, *c);
	}
}

/* ---- histograms ---- */

json_t *loadreport_histogram_json(const struct loadgen_hist *hist)
{
	json_t *buckets = json_array();
	for (int32_t index = 0; index < hist->counts_len; index++) {
		if (!hist->counts[index])
			continue;
		json_array_append_new(buckets, json_pack("[I,I]", (json_int_t)loadgen_hist_value_at_index(hist, index),
							 (json_int_t)hist->counts[index]));
	}
	return json_pack("{s:s,s:I,s:I,s:I,s:o}", "unit", "us", "count", (json_int_t)hist->total_count, "min",
			 (json_int_t)(hist->total_count ? hist->min : 0), "max", (json_int_t)(hist->total_count ? hist->max : 0),
			 "buckets", buckets);
}

int loadreport_histogram_read(const json_t *json, struct loadgen_hist *hist)
{
	const json_t *buckets = json_object_get(json, "buckets");
	if (!json_is_array(buckets))
		return -1;
	size_t index;
	const json_t *bucket;
	json_array_foreach(buckets, index, bucket) {
		const json_t *value = json_array_get(bucket, 0), *count = json_array_get(bucket, 1);
		if (!json_is_integer(value) || !json_is_integer(count) || json_integer_value(value) < 0 ||
		    json_integer_value(count) < 0)
			return -1;
		loadgen_hist_record_n(hist, (int64_t)json_integer_value(value), (uint64_t)json_integer_value(count));
	}
	/* the buckets hold each value's bucket; min and max are exact */
	if (hist->total_count) {
		int64_t min = (int64_t)json_integer_value(json_object_get(json, "min"));
		int64_t max = (int64_t)json_integer_value(json_object_get(json, "max"));
		if (min > 0 && min < hist->min)
			hist->min = min;
		if (max > hist->max)
			hist->max = max;
	}
	return 0;
}

static json_t *latency_json(const struct loadgen_hist *hist)
{
	json_t *latency = json_object();
	json_object_set_new(latency, "min", milliseconds(hist->total_count ? hist->min : 0));
	static const struct {
		const char *name;
		double percentile;
	} points[] = { { "p50", 50 }, { "p90", 90 }, { "p95", 95 }, { "p99", 99 }, { "p999", 99.9 } };
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		json_object_set_new(latency, points[i].name, milliseconds(loadgen_hist_percentile(hist, points[i].percentile)));
	json_object_set_new(latency, "max", milliseconds(hist->total_count ? hist->max : 0));
	json_object_set_new(latency, "mean", json_real(round(loadgen_hist_mean(hist)) / 1000.0));
	return latency;
}

/* ---- one scenario ---- */

bool loadreport_class_expected(const json_t *expect, int status_class)
{
	const json_t *status = json_object_get(expect, "status");
	if (json_is_integer(status))
		return json_integer_value(status) / 100 == status_class;
	if (json_is_array(status) && json_array_size(status)) {
		size_t index;
		const json_t *code;
		json_array_foreach(status, index, code)
			if (json_is_integer(code) && json_integer_value(code) / 100 == status_class)
				return true;
		return false;
	}
	return status_class == 2;
}

struct tally {
	uint64_t responses, attempts, errors, unexpected;
};

static struct tally tally_counts(const struct loadgen_counts *counts, const json_t *expect)
{
	struct tally tally = { .responses = counts->responses };
	uint64_t transport = counts->connect_errors + counts->timeouts + counts->resets + counts->protocol_errors +
			     counts->tls_errors;
	for (int status_class = 0; status_class < 6; status_class++)
		if (!loadreport_class_expected(expect, status_class))
			tally.unexpected += counts->status_class[status_class];
	tally.attempts = counts->responses + transport;
	tally.errors = transport + tally.unexpected;
	return tally;
}

static json_int_t ratio_ppm(uint64_t part, uint64_t whole)
{
	return whole ? (json_int_t)llround((double)part * 1e6 / (double)whole) : 0;
}

static json_t *status_json(const struct loadgen_counts *counts)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "1xx", (json_int_t)counts->status_class[1], "2xx",
			 (json_int_t)counts->status_class[2], "3xx", (json_int_t)counts->status_class[3], "4xx",
			 (json_int_t)counts->status_class[4], "5xx", (json_int_t)counts->status_class[5], "other",
			 (json_int_t)counts->status_class[0]);
}

static json_t *errors_json(const struct loadgen_counts *counts, uint64_t unexpected, uint64_t dropped)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "connect", (json_int_t)counts->connect_errors, "tls",
			 (json_int_t)counts->tls_errors, "timeout", (json_int_t)counts->timeouts, "reset", (json_int_t)counts->resets,
			 "protocol", (json_int_t)counts->protocol_errors, "unexpected_status", (json_int_t)unexpected, "dropped",
			 (json_int_t)dropped);
}

int loadreport_schedule(const json_t *args, struct loadgen_schedule *schedule, struct loadgen_stage **stages)
{
	memset(schedule, 0, sizeof(*schedule));
	*stages = NULL;
	const json_t *ramp = json_object_get(args, "stages");
	if (json_is_array(ramp) && json_array_size(ramp)) {
		*stages = xcalloc(json_array_size(ramp), sizeof(**stages));
		size_t index;
		const json_t *stage;
		json_array_foreach(ramp, index, stage) {
			json_int_t duration_ms = json_integer_value(json_object_get(stage, "duration_ms"));
			double target = number(json_object_get(stage, "target"));
			if (duration_ms < 0 || duration_ms > LOADREPORT_DURATION_MAX_MS || !(target >= 0 && target <= 1e8)) {
				free(*stages);
				*stages = NULL;
				return -1;
			}
			(*stages)[index].duration_ns = (int64_t)duration_ms * 1000000;
			(*stages)[index].target_rate = target;
		}
		schedule->stages = *stages;
		schedule->stage_count = json_array_size(ramp);
		return 0;
	}
	json_int_t rate = json_integer_value(json_object_get(args, "rate"));
	json_int_t duration_ms = json_integer_value(json_object_get(args, "duration_ms"));
	if (!json_is_integer(json_object_get(args, "rate")) || rate < 0 || rate > 100000000 || duration_ms < 0 ||
	    duration_ms > LOADREPORT_DURATION_MAX_MS)
		return -1;
	*stages = xcalloc(1, sizeof(**stages));
	(*stages)[0].duration_ns = (int64_t)duration_ms * 1000000;
	(*stages)[0].target_rate = number(json_object_get(args, "rate"));
	schedule->start_rate = (*stages)[0].target_rate;
	schedule->stages = *stages;
	schedule->stage_count = 1;
	return 0;
}

json_t *loadreport_scenario_json(const json_t *args, const struct loadgen_result *result)
{
	json_t *scenario = json_object();
	json_object_set_new(scenario, "name", json_string(string_or(json_object_get(args, "scenario"), "")));
	json_object_set_new(scenario, "status", json_string("ran"));
	json_object_set_new(scenario, "executor", json_string(string_or(json_object_get(args, "executor"), "")));
	json_t *target = json_object();
	static const char *const target_keys[] = { "rate", "stages", "duration_ms" };
	for (size_t i = 0; i < sizeof(target_keys) / sizeof(target_keys[0]); i++)
		if (json_object_get(args, target_keys[i]))
			json_object_set_new(target, target_keys[i], json_deep_copy(json_object_get(args, target_keys[i])));
	json_object_set_new(scenario, "target", target);
	json_object_set_new(scenario, "connections", json_integer(result->connections));
	json_object_set_new(scenario, "threads", json_integer(result->threads));
	json_object_set_new(scenario, "duration_s", json_real(round(result->duration_s * 1000) / 1000));

	const json_t *definitions = json_object_get(args, "requests");
	json_t *requests = json_array();
	uint64_t responses = 0, attempts = 0, errors = 0, unexpected = 0;
	for (size_t r = 0; r < result->request_count; r++) {
		const json_t *definition = json_array_get(definitions, r);
		const struct loadgen_request_stats *stats = &result->per_request[r];
		const json_t *expect = json_object_get(definition, "expect");
		struct tally tally = tally_counts(&stats->counts, expect);
		responses += tally.responses;
		attempts += tally.attempts;
		errors += tally.errors;
		unexpected += tally.unexpected;
		json_t *request = json_object();
		json_object_set_new(request, "name", json_string(string_or(json_object_get(definition, "name"), "")));
		json_object_set_new(request, "method", json_string(string_or(json_object_get(definition, "method"), "GET")));
		/* no path: a path can carry an identifier (an account id), and reports are kept as evidence */
		json_object_set_new(request, "weight", json_integer(json_integer_value(json_object_get(definition, "weight"))));
		json_object_set_new(request, "responses", json_integer((json_int_t)tally.responses));
		json_object_set_new(request, "attempts", json_integer((json_int_t)tally.attempts));
		json_object_set_new(request, "errors", json_integer((json_int_t)tally.errors));
		json_object_set_new(request, "error_ratio_ppm", json_integer(ratio_ppm(tally.errors, tally.attempts)));
		json_object_set_new(request, "errors_by_class", errors_json(&stats->counts, tally.unexpected, 0));
		json_object_set_new(request, "status_classes", status_json(&stats->counts));
		json_object_set_new(request, "latency_ms", latency_json(&stats->latency));
		json_object_set_new(request, "histogram", loadreport_histogram_json(&stats->latency));
		json_array_append_new(requests, request);
	}
	/* sends due that never went out are failed attempts of the scenario (no request owns them) */
	uint64_t dropped = result->counts.dropped_sends;
	attempts += dropped;
	errors += dropped;
	json_object_set_new(scenario, "responses", json_integer((json_int_t)responses));
	json_object_set_new(scenario, "attempts", json_integer((json_int_t)attempts));
	json_object_set_new(scenario, "errors", json_integer((json_int_t)errors));
	json_object_set_new(scenario, "error_ratio_ppm", json_integer(ratio_ppm(errors, attempts)));
	double rps = result->duration_s > 0 ? (double)responses / result->duration_s : 0.0;
	json_object_set_new(scenario, "rps", json_real(round(rps * 10) / 10));
	json_object_set_new(scenario, "errors_by_class", errors_json(&result->counts, unexpected, dropped));
	json_object_set_new(scenario, "status_classes", status_json(&result->counts));
	json_object_set_new(scenario, "late_sends", json_integer((json_int_t)result->counts.late_sends));
	json_object_set_new(scenario, "dropped_sends", json_integer((json_int_t)dropped));
	json_object_set_new(scenario, "bytes_read", json_integer((json_int_t)result->counts.bytes_read));
	if (result->tls_error)
		json_object_set_new(scenario, "tls_error", json_string(result->tls_error));
	json_object_set_new(scenario, "engine",
			    json_pack("{s:f,s:f,s:I}", "cpu_user_s", round(result->cpu_user_s * 1000) / 1000, "cpu_system_s",
				      round(result->cpu_system_s * 1000) / 1000, "max_rss_kib", (json_int_t)result->max_rss_kib));
	json_object_set_new(scenario, "latency_ms", latency_json(&result->latency));
	json_object_set_new(scenario, "histogram", loadreport_histogram_json(&result->latency));
	json_object_set_new(scenario, "requests", requests);

	struct loadgen_schedule schedule;
	struct loadgen_stage *stages;
	bool open_model = loadreport_schedule(args, &schedule, &stages) == 0;
	json_t *series = json_array();
	for (size_t i = 0; i < result->series_count; i++) {
		const struct loadgen_series_point *point = &result->series[i];
		/* a long run's series is coarsened: a point then covers span_s seconds, its responses and
		 * errors are totals over them, rates are per second, percentiles the slowest second's */
		int64_t span = point->span_s > 0 ? point->span_s : 1;
		json_t *entry = json_pack("{s:I,s:I,s:I,s:I}", "second", (json_int_t)point->second, "span_s", (json_int_t)span,
					  "responses", (json_int_t)point->responses, "errors", (json_int_t)point->errors);
		json_object_set_new(entry, "rate", json_real(round((double)point->responses / (double)span * 10) / 10));
		json_object_set_new(entry, "error_rate", json_real(round((double)point->errors / (double)span * 10) / 10));
		if (open_model) {
			double due = loadgen_schedule_count_before(&schedule, (point->second + span) * 1000000000LL) -
				     loadgen_schedule_count_before(&schedule, point->second * 1000000000LL);
			json_object_set_new(entry, "target_rate", json_real(round(due / (double)span * 10) / 10));
		}
		json_object_set_new(entry, "p50_ms", milliseconds(point->p50_us));
		json_object_set_new(entry, "p90_ms", milliseconds(point->p90_us));
		json_object_set_new(entry, "p99_ms", milliseconds(point->p99_us));
		json_object_set_new(entry, "max_ms", milliseconds(point->max_us));
		/* the engine's own usage: CPU over that second (percent of one core) and memory */
		double cpu_before = i ? result->series[i - 1].engine_cpu_s : 0.0;
		double cpu_percent = (point->engine_cpu_s - cpu_before) / (double)span * 100.0;
		json_object_set_new(entry, "engine_cpu_percent", json_real(round((cpu_percent > 0 ? cpu_percent : 0) * 10) / 10));
		json_object_set_new(entry, "engine_rss_mib", json_real(round((double)point->engine_rss_kib / 1024.0 * 10) / 10));
		json_array_append_new(series, entry);
	}
	free(stages);
	json_object_set_new(scenario, "series", series);
	return scenario;
}

/* ---- criteria ---- */

static bool name_listed(const json_t *list, const char *name)
{
	if (!json_is_array(list) || json_array_size(list) == 0)
		return true;
	size_t index;
	const json_t *item;
	json_array_foreach(list, index, item)
		if (json_is_string(item) && name && strcmp(json_string_value(item), name) == 0)
			return true;
	return false;
}

static const char *metric_unit(const char *metric)
{
	if (strncmp(metric, "latency_", 8) == 0)
		return "ms";
	if (strcmp(metric, "error_ratio") == 0)
		return "ppm";
	if (strcmp(metric, "throughput") == 0)
		return "requests_per_second";
	return NULL;
}

bool loadreport_metric_value(const json_t *scenario, const char *metric, const json_t *requests, double *value)
{
	if (!metric || !metric_unit(metric))
		return false;
	bool all = !json_is_array(requests) || json_array_size(requests) == 0;
	if (strncmp(metric, "latency_", 8) == 0) {
		static const struct {
			const char *name;
			double percentile;
		} percentiles[] = { { "latency_p50", 50 }, { "latency_p95", 95 }, { "latency_p99", 99 }, { "latency_max", 100 } };
		double percentile = -1;
		for (size_t i = 0; i < sizeof(percentiles) / sizeof(percentiles[0]); i++)
			if (strcmp(metric, percentiles[i].name) == 0)
				percentile = percentiles[i].percentile;
		if (percentile < 0)
			return false;
		struct loadgen_hist hist;
		loadgen_hist_init(&hist);
		int status = 0;
		if (all) {
			status = loadreport_histogram_read(json_object_get(scenario, "histogram"), &hist);
		} else {
			size_t index;
			const json_t *request;
			json_array_foreach(json_object_get(scenario, "requests"), index, request)
				if (name_listed(requests, json_string_value(json_object_get(request, "name"))) &&
				    loadreport_histogram_read(json_object_get(request, "histogram"), &hist) != 0)
					status = -1;
		}
		bool found = status == 0 && hist.total_count > 0;
		if (found)
			*value = (double)loadgen_hist_percentile(&hist, percentile) / 1000.0;
		loadgen_hist_release(&hist);
		return found;
	}
	double responses = 0, attempts = 0, errors = 0;
	if (all) {
		responses = number(json_object_get(scenario, "responses"));
		attempts = number(json_object_get(scenario, "attempts"));
		errors = number(json_object_get(scenario, "errors"));
	} else {
		size_t index;
		const json_t *request;
		json_array_foreach(json_object_get(scenario, "requests"), index, request) {
			if (!name_listed(requests, json_string_value(json_object_get(request, "name"))))
				continue;
			responses += number(json_object_get(request, "responses"));
			attempts += number(json_object_get(request, "attempts"));
			errors += number(json_object_get(request, "errors"));
		}
	}
	if (strcmp(metric, "error_ratio") == 0) {
		if (attempts <= 0)
			return false;
		*value = round(errors * 1e6 / attempts);
		return true;
	}
	double duration = number(json_object_get(scenario, "duration_s"));
	if (duration <= 0)
		return false;
	*value = round(responses / duration * 10) / 10;
	return true;
}

static void add_criterion_label(struct strbuf *out, const json_t *criterion)
{
	const char *metric = string_or(json_object_get(criterion, "metric"), "?");
	const char *direction = string_or(json_object_get(criterion, "direction"), "above");
	const json_t *limit = json_object_get(criterion, "limit");
	strbuf_addstr(out, metric);
	if (json_is_number(limit)) {
		strbuf_addstr(out, strcmp(direction, "below") == 0 ? " >= " : " <= ");
		add_number(out, number(limit));
		strbuf_addf(out, " %s", string_or(json_object_get(criterion, "unit"), ""));
	}
	const char *threshold = json_string_value(json_object_get(criterion, "threshold"));
	if (threshold)
		strbuf_addf(out, " (%s, %s)", threshold, string_or(json_object_get(criterion, "level"), "?"));
}

static json_t *evaluate_criterion(const json_t *criterion, const json_t *scenarios)
{
	const char *metric = string_or(json_object_get(criterion, "metric"), "");
	const char *unit = string_or(json_object_get(criterion, "unit"), "");
	const char *direction = string_or(json_object_get(criterion, "direction"), "above");
	const json_t *limit = json_object_get(criterion, "limit");
	json_t *evaluated = json_deep_copy(criterion);
	struct strbuf label;
	strbuf_init(&label);
	add_criterion_label(&label, criterion);
	json_object_set_new(evaluated, "label", json_string(label.buf));
	strbuf_release(&label);
	json_t *results = json_array();
	size_t index;
	const json_t *scenario;
	json_array_foreach(scenarios, index, scenario) {
		const char *name = string_or(json_object_get(scenario, "name"), "");
		if (!name_listed(json_object_get(criterion, "scenarios"), name))
			continue;
		json_t *result = json_pack("{s:s}", "scenario", name);
		double value = 0;
		const char *expected_unit = metric_unit(metric);
		if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") != 0) {
			json_object_set_new(result, "status", json_string("skipped"));
			json_object_set_new(result, "reason", json_string("the scenario did not run"));
		} else if (!expected_unit) {
			json_object_set_new(result, "status", json_string("failed"));
			json_object_set_new(result, "reason", json_string("goose-run cannot measure this metric"));
		} else if (!json_is_number(limit)) {
			json_object_set_new(result, "status", json_string("failed"));
			json_object_set_new(result, "reason", json_string("the threshold has no limit at this level"));
		} else if (strcmp(unit, expected_unit) != 0) {
			char *reason = xasprintf("the limit is in '%s', the metric in '%s'", unit, expected_unit);
			json_object_set_new(result, "status", json_string("failed"));
			json_object_set_new(result, "reason", json_string(reason));
			free(reason);
		} else if (!loadreport_metric_value(scenario, metric, json_object_get(criterion, "requests"), &value)) {
			json_object_set_new(result, "status", json_string("failed"));
			json_object_set_new(result, "reason", json_string("no response to measure"));
		} else {
			bool below = strcmp(direction, "below") == 0;
			bool passed = below ? value >= number(limit) : value <= number(limit);
			json_object_set_new(result, "value", json_real(value));
			json_object_set_new(result, "status", json_string(passed ? "passed" : "failed"));
			if (!passed) {
				struct strbuf reason;
				strbuf_init(&reason);
				add_number(&reason, value);
				strbuf_addf(&reason, " %s is %s the limit of ", unit, below ? "below" : "above");
				add_number(&reason, number(limit));
				strbuf_addf(&reason, " %s", unit);
				json_object_set_new(result, "reason", json_string(reason.buf));
				strbuf_release(&reason);
			}
		}
		json_array_append_new(results, result);
	}
	json_object_set_new(evaluated, "results", results);
	return evaluated;
}

void loadreport_verdict(json_t *report)
{
	json_t *failures = json_array();
	bool complete = true;
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") == 0)
			continue;
		complete = false;
		char *text = xasprintf("scenario '%s' did not run: %s", string_or(json_object_get(scenario, "name"), "?"),
				       string_or(json_object_get(scenario, "reason"), "no result"));
		json_array_append_new(failures, json_string(text));
		free(text);
	}
	bool criteria_passed = complete;
	const json_t *criterion;
	json_array_foreach(json_object_get(report, "criteria"), index, criterion) {
		size_t result_index;
		const json_t *result;
		json_array_foreach(json_object_get(criterion, "results"), result_index, result) {
			const char *status = string_or(json_object_get(result, "status"), "");
			if (strcmp(status, "passed") == 0)
				continue;
			criteria_passed = false;
			if (strcmp(status, "skipped") == 0)
				continue; /* the scenario's own failure line says why */
			char *text = xasprintf("%s in scenario '%s': %s", string_or(json_object_get(criterion, "label"), "?"),
					       string_or(json_object_get(result, "scenario"), "?"),
					       string_or(json_object_get(result, "reason"), "failed"));
			json_array_append_new(failures, json_string(text));
			free(text);
		}
	}
	const json_t *baseline = json_object_get(report, "baseline");
	json_t *baseline_passed = json_null();
	if (json_is_object(baseline)) {
		baseline_passed = json_boolean(json_is_true(json_object_get(baseline, "passed")));
		const json_t *comparison;
		json_array_foreach(json_object_get(baseline, "comparisons"), index, comparison) {
			if (json_is_true(json_object_get(comparison, "passed")))
				continue;
			struct strbuf text;
			strbuf_init(&text);
			strbuf_addf(&text, "baseline regression in scenario '%s'",
				    string_or(json_object_get(comparison, "scenario"), "?"));
			if (json_is_string(json_object_get(comparison, "request")))
				strbuf_addf(&text, ", request '%s'", json_string_value(json_object_get(comparison, "request")));
			if (json_is_string(json_object_get(comparison, "metric")))
				strbuf_addf(&text, ", %s", json_string_value(json_object_get(comparison, "metric")));
			strbuf_addf(&text, ": %s", string_or(json_object_get(comparison, "reason"), "failed"));
			json_array_append_new(failures, json_string(text.buf));
			strbuf_release(&text);
		}
	}
	bool passed = criteria_passed && !json_is_false(baseline_passed);
	json_object_set_new(report, "verdict",
			    json_pack("{s:b,s:b,s:b,s:o,s:o}", "passed", passed, "complete", complete, "criteria_passed",
				      criteria_passed, "baseline_passed", baseline_passed, "failures", failures));
}

json_t *loadreport_build(const json_t *meta, const json_t *scenarios, const json_t *criteria)
{
	json_t *report = json_pack("{s:i,s:s}", "format", LOADREPORT_FORMAT, "kind", "goose-loadtest-report");
	json_object_update(report, (json_t *)meta);
	json_t *evaluated = json_array();
	size_t index;
	const json_t *criterion;
	json_array_foreach(criteria, index, criterion)
		json_array_append_new(evaluated, evaluate_criterion(criterion, scenarios));
	json_object_set_new(report, "scenarios", json_deep_copy(scenarios));
	/* every scenario's histogram merged: the run's latency as a whole */
	struct loadgen_hist merged;
	loadgen_hist_init(&merged);
	const json_t *scenario;
	json_array_foreach(scenarios, index, scenario)
		if (json_object_get(scenario, "histogram"))
			loadreport_histogram_read(json_object_get(scenario, "histogram"), &merged);
	json_object_set_new(report, "latency_ms", latency_json(&merged));
	json_object_set_new(report, "histogram", loadreport_histogram_json(&merged));
	loadgen_hist_release(&merged);
	json_object_set_new(report, "criteria", evaluated);
	json_object_set_new(report, "baseline", json_null());
	loadreport_verdict(report);
	return report;
}

/* ---- baseline ---- */

static const json_t *find_named(const json_t *array, const char *name)
{
	size_t index;
	const json_t *item;
	json_array_foreach(array, index, item)
		if (name && json_is_string(json_object_get(item, "name")) && strcmp(json_string_value(json_object_get(item, "name")), name) == 0)
			return item;
	return NULL;
}

static json_t *comparison_failure(const char *scenario, const char *request, const char *reason)
{
	json_t *entry = json_pack("{s:s,s:b,s:s}", "scenario", scenario, "passed", 0, "reason", reason);
	if (request)
		json_object_set_new(entry, "request", json_string(request));
	return entry;
}

int loadreport_compare(json_t *report, const json_t *baseline, const json_t *compare_args, const char *baseline_path,
		       const char *baseline_sha256, char **error)
{
	const json_t *baseline_scenarios = json_object_get(baseline, "scenarios");
	if (!json_is_object(baseline_scenarios)) {
		*error = xasprintf("baseline '%s' has no 'scenarios' object", baseline_path);
		return -1;
	}
	json_int_t max_increase = json_integer_value(json_object_get(compare_args, "max_increase_ppm"));
	const json_t *wanted_scenarios = json_object_get(compare_args, "scenarios");
	const json_t *wanted_requests = json_object_get(compare_args, "requests");
	json_t *comparisons = json_array();
	bool have_regression = false;
	json_int_t regression = 0;
	/* the scenarios to compare: those the step names, else every scenario of the baseline */
	json_t *names = json_array();
	if (json_is_array(wanted_scenarios) && json_array_size(wanted_scenarios)) {
		json_array_extend(names, (json_t *)wanted_scenarios);
	} else {
		const char *key;
		const json_t *value;
		json_object_foreach((json_t *)baseline_scenarios, key, value)
			json_array_append_new(names, json_string(key));
	}
	static const char *const metrics[] = { "p50_ms", "p95_ms", "p99_ms", "error_ratio" };
	size_t index;
	const json_t *name_value;
	json_array_foreach(names, index, name_value) {
		const char *name = json_string_value(name_value);
		if (!name)
			continue;
		const json_t *recorded = json_object_get(baseline_scenarios, name);
		const json_t *scenario = find_named(json_object_get(report, "scenarios"), name);
		if (!json_is_object(recorded)) {
			json_array_append_new(comparisons, comparison_failure(name, NULL, "the baseline has no figures for it"));
			continue;
		}
		if (!scenario) {
			json_array_append_new(comparisons, comparison_failure(name, NULL, "this load test has no such scenario"));
			continue;
		}
		if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") != 0) {
			json_array_append_new(comparisons, comparison_failure(name, NULL, "the scenario did not run"));
			continue;
		}
		const char *request_name;
		const json_t *figures;
		json_object_foreach(json_object_get((json_t *)recorded, "requests"), request_name, figures) {
			if (!name_listed(wanted_requests, request_name))
				continue;
			const json_t *request = find_named(json_object_get(scenario, "requests"), request_name);
			if (!request || json_integer_value(json_object_get(request, "attempts")) == 0) {
				json_array_append_new(comparisons, comparison_failure(name, request_name, "no request of this name was sent"));
				continue;
			}
			for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
				const json_t *base_value = json_object_get(figures, metrics[m]);
				if (!json_is_number(base_value))
					continue;
				double base = json_number_value(base_value), current, denominator;
				if (strcmp(metrics[m], "error_ratio") == 0) {
					double attempts = number(json_object_get(request, "attempts"));
					current = number(json_object_get(request, "errors")) / attempts;
					denominator = base > LOADREPORT_ERROR_RATIO_FLOOR ? base : LOADREPORT_ERROR_RATIO_FLOOR;
				} else {
					char key[8];
					snprintf(key, sizeof(key), "%.3s", metrics[m]);
					current = number(json_object_get(json_object_get(request, "latency_ms"), key));
					denominator = base > 0.001 ? base : 0.001;
				}
				json_int_t increase = (json_int_t)llround((current - base) / denominator * 1e6);
				bool passed = increase <= max_increase;
				if (!have_regression || increase > regression)
					regression = increase;
				have_regression = true;
				json_t *entry = json_pack("{s:s,s:s,s:s,s:f,s:f,s:I,s:b}", "scenario", name, "request", request_name,
							  "metric", metrics[m], "baseline", base, "current",
							  strcmp(metrics[m], "error_ratio") == 0 ? round(current * 1e6) / 1e6 : current,
							  "increase_ppm", increase, "passed", passed);
				if (!passed) {
					struct strbuf reason;
					strbuf_init(&reason);
					strbuf_addstr(&reason, "from ");
					add_number(&reason, base);
					strbuf_addstr(&reason, " to ");
					add_number(&reason, strcmp(metrics[m], "error_ratio") == 0 ? round(current * 1e6) / 1e6 : current);
					strbuf_addf(&reason, ", +%.1f%% (at most %.1f%%)", (double)increase / 1e4, (double)max_increase / 1e4);
					json_object_set_new(entry, "reason", json_string(reason.buf));
					strbuf_release(&reason);
				}
				json_array_append_new(comparisons, entry);
			}
		}
	}
	json_decref(names);
	bool passed = json_array_size(comparisons) > 0, complete = passed;
	const json_t *comparison;
	json_array_foreach(comparisons, index, comparison) {
		passed &= json_is_true(json_object_get(comparison, "passed"));
		complete &= json_object_get(comparison, "increase_ppm") != NULL;
	}
	json_t *section = json_pack("{s:s,s:s,s:I,s:o,s:b,s:b,s:o}", "path", baseline_path, "sha256",
				    baseline_sha256 ? baseline_sha256 : "", "max_increase_ppm", max_increase, "regression_ppm",
				    have_regression ? json_integer(regression) : json_null(), "passed", passed, "complete", complete,
				    "comparisons", comparisons);
	json_object_set_new(section, "release", json_deep_copy(json_object_get(baseline, "release")));
	json_object_set_new(section, "run_id", json_deep_copy(json_object_get(baseline, "run_id")));
	json_object_set_new(report, "baseline", section);
	loadreport_verdict(report);
	return 0;
}

json_t *loadreport_proposed_baseline(const json_t *report, const json_t *baseline, const json_t *scenario_names,
				     const char *recorded_utc)
{
	json_t *proposed = json_pack("{s:s}", "kind", "Baseline");
	json_object_set_new(proposed, "service", json_deep_copy(json_object_get(report, "service")));
	const json_t *mode = json_object_get(baseline, "mode");
	json_object_set_new(proposed, "mode", json_string(json_is_string(mode) ? json_string_value(mode) : "compliance"));
	json_object_set_new(proposed, "stage", json_deep_copy(json_object_get(report, "stage")));
	const json_t *version = json_object_get(json_object_get(report, "release"), "version");
	json_object_set_new(proposed, "release", json_is_string(version) ? json_deep_copy(version) : json_null());
	json_object_set_new(proposed, "run_id", json_deep_copy(json_object_get(report, "run_id")));
	json_object_set_new(proposed, "recorded", json_string(recorded_utc));
	json_t *scenarios = json_object();
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") != 0 ||
		    !name_listed(scenario_names, json_string_value(json_object_get(scenario, "name"))))
			continue;
		const json_t *target = json_object_get(scenario, "target");
		double rate = number(json_object_get(target, "rate"));
		size_t stage_index;
		const json_t *stage;
		json_array_foreach(json_object_get(target, "stages"), stage_index, stage)
			if (number(json_object_get(stage, "target")) > rate)
				rate = number(json_object_get(stage, "target"));
		json_t *requests = json_object();
		size_t request_index;
		const json_t *request;
		json_array_foreach(json_object_get(scenario, "requests"), request_index, request) {
			if (json_integer_value(json_object_get(request, "attempts")) == 0)
				continue;
			const json_t *latency = json_object_get(request, "latency_ms");
			double ratio = number(json_object_get(request, "errors")) / number(json_object_get(request, "attempts"));
			json_object_set_new(requests, json_string_value(json_object_get(request, "name")),
					    json_pack("{s:f,s:f,s:f,s:f}", "p50_ms", number(json_object_get(latency, "p50")), "p95_ms",
						      number(json_object_get(latency, "p95")), "p99_ms", number(json_object_get(latency, "p99")),
						      "error_ratio", round(ratio * 1e6) / 1e6));
		}
		json_object_set_new(scenarios, json_string_value(json_object_get(scenario, "name")),
				    json_pack("{s:I,s:o}", "rate", (json_int_t)llround(rate), "requests", requests));
	}
	json_object_set_new(proposed, "scenarios", scenarios);
	return proposed;
}

/* ---- renderings ---- */

static bool verdict_passed(const json_t *report)
{
	return json_is_true(json_object_get(json_object_get(report, "verdict"), "passed"));
}

static void add_title(struct strbuf *out, const json_t *report)
{
	strbuf_addf(out, "Load test of %s on %s", string_or(json_object_get(report, "service"), "?"),
		    string_or(json_object_get(report, "stage"), "?"));
}

char *loadreport_junit(const json_t *report)
{
	struct strbuf suites;
	strbuf_init(&suites);
	size_t total_tests = 0, total_failures = 0, total_skipped = 0;
	double total_time = 0;
	size_t index;
	const json_t *scenario;
	const json_t *baseline = json_object_get(report, "baseline");
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		const char *name = string_or(json_object_get(scenario, "name"), "?");
		struct strbuf cases;
		strbuf_init(&cases);
		size_t tests = 0, failures = 0, skipped = 0;
		size_t criterion_index;
		const json_t *criterion;
		json_array_foreach(json_object_get(report, "criteria"), criterion_index, criterion) {
			const json_t *result = NULL;
			size_t result_index;
			const json_t *candidate;
			json_array_foreach(json_object_get(criterion, "results"), result_index, candidate)
				if (strcmp(string_or(json_object_get(candidate, "scenario"), ""), name) == 0)
					result = candidate;
			if (!result)
				continue;
			tests++;
			const char *status = string_or(json_object_get(result, "status"), "failed");
			strbuf_addstr(&cases, "    <testcase classname=\"loadtest.");
			add_escaped(&cases, name);
			strbuf_addstr(&cases, "\" name=\"");
			add_escaped(&cases, string_or(json_object_get(criterion, "label"), "?"));
			strbuf_addstr(&cases, "\" time=\"0\">\n");
			if (strcmp(status, "skipped") == 0) {
				skipped++;
				strbuf_addstr(&cases, "      <skipped message=\"");
				add_escaped(&cases, string_or(json_object_get(result, "reason"), "skipped"));
				strbuf_addstr(&cases, "\"/>\n");
			} else if (strcmp(status, "passed") != 0) {
				failures++;
				strbuf_addstr(&cases, "      <failure type=\"criterion\" message=\"");
				add_escaped(&cases, string_or(json_object_get(result, "reason"), "failed"));
				strbuf_addstr(&cases, "\"/>\n");
			}
			if (json_is_number(json_object_get(result, "value"))) {
				strbuf_addstr(&cases, "      <system-out>");
				add_number(&cases, number(json_object_get(result, "value")));
				strbuf_addf(&cases, " %s</system-out>\n", string_or(json_object_get(criterion, "unit"), ""));
			}
			strbuf_addstr(&cases, "    </testcase>\n");
		}
		if (json_is_object(baseline)) {
			bool compared = false, scenario_passed = true;
			struct strbuf reasons;
			strbuf_init(&reasons);
			size_t comparison_index;
			const json_t *comparison;
			json_array_foreach(json_object_get(baseline, "comparisons"), comparison_index, comparison) {
				if (strcmp(string_or(json_object_get(comparison, "scenario"), ""), name) != 0)
					continue;
				compared = true;
				if (json_is_true(json_object_get(comparison, "passed")))
					continue;
				scenario_passed = false;
				if (reasons.len)
					strbuf_addstr(&reasons, "; ");
				if (json_is_string(json_object_get(comparison, "request")))
					strbuf_addf(&reasons, "%s ", json_string_value(json_object_get(comparison, "request")));
				if (json_is_string(json_object_get(comparison, "metric")))
					strbuf_addf(&reasons, "%s ", json_string_value(json_object_get(comparison, "metric")));
				strbuf_addstr(&reasons, string_or(json_object_get(comparison, "reason"), "failed"));
			}
			if (compared) {
				tests++;
				strbuf_addstr(&cases, "    <testcase classname=\"loadtest.");
				add_escaped(&cases, name);
				strbuf_addf(&cases, "\" name=\"baseline_regression &lt;= %.1f%% (", 
					    (double)json_integer_value(json_object_get(baseline, "max_increase_ppm")) / 1e4);
				add_escaped(&cases, string_or(json_object_get(baseline, "path"), "?"));
				strbuf_addstr(&cases, ")\" time=\"0\">\n");
				if (!scenario_passed) {
					failures++;
					strbuf_addstr(&cases, "      <failure type=\"baseline\" message=\"");
					add_escaped(&cases, reasons.buf);
					strbuf_addstr(&cases, "\"/>\n");
				}
				strbuf_addstr(&cases, "    </testcase>\n");
			}
			strbuf_release(&reasons);
		}
		double time = number(json_object_get(scenario, "duration_s"));
		strbuf_addstr(&suites, "  <testsuite name=\"");
		add_escaped(&suites, name);
		strbuf_addf(&suites, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n", tests, failures,
			    skipped, time);
		strbuf_add(&suites, cases.buf, cases.len);
		strbuf_addstr(&suites, "  </testsuite>\n");
		strbuf_release(&cases);
		total_tests += tests;
		total_failures += failures;
		total_skipped += skipped;
		total_time += time;
	}
	struct strbuf out;
	strbuf_init(&out);
	strbuf_addstr(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	struct strbuf title;
	strbuf_init(&title);
	add_title(&title, report);
	add_escaped(&out, title.buf);
	strbuf_release(&title);
	strbuf_addf(&out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n", total_tests,
		    total_failures, total_skipped, total_time);
	strbuf_add(&out, suites.buf, suites.len);
	strbuf_addstr(&out, "</testsuites>\n");
	strbuf_release(&suites);
	return strbuf_detach(&out, NULL);
}

static void add_latency_cells(struct strbuf *out, const json_t *latency, const char *separator)
{
	static const char *const points[] = { "p50", "p95", "p99", "max" };
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		add_number(out, number(json_object_get(latency, points[i])));
		strbuf_addstr(out, separator);
	}
}

static bool any_target_usage(const json_t *report)
{
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario)
		if (json_is_object(json_object_get(scenario, "target_usage")))
			return true;
	return false;
}

/* The target's CPU and memory per scenario, as Prometheus saw them (or why it could not). */
static void add_markdown_target_usage(struct strbuf *out, const json_t *report)
{
	if (!any_target_usage(report))
		return;
	strbuf_addstr(out, "\n## Target resource usage\n\n| scenario | CPU (cores) | CPU (s) | memory max (MiB) | memory mean (MiB) | "
			   "source |\n|---|---:|---:|---:|---:|---|\n");
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		const json_t *usage = json_object_get(scenario, "target_usage");
		if (!json_is_object(usage))
			continue;
		strbuf_addstr(out, "| ");
		add_cell(out, string_or(json_object_get(scenario, "name"), "?"));
		if (json_is_string(json_object_get(usage, "error"))) {
			strbuf_addstr(out, " | not measured: ");
			add_cell(out, json_string_value(json_object_get(usage, "error")));
			strbuf_addstr(out, " | | | | ");
		} else {
			strbuf_addstr(out, " | ");
			add_number(out, round(number(json_object_get(usage, "cpu_cores")) * 1000) / 1000);
			strbuf_addstr(out, " | ");
			add_number(out, round(number(json_object_get(usage, "cpu_seconds")) * 100) / 100);
			strbuf_addstr(out, " | ");
			add_number(out, round(number(json_object_get(usage, "memory_bytes_max")) / 1048576.0 * 10) / 10);
			strbuf_addstr(out, " | ");
			add_number(out, round(number(json_object_get(usage, "memory_bytes_mean")) / 1048576.0 * 10) / 10);
			strbuf_addstr(out, " | ");
		}
		add_cell(out, string_or(json_object_get(usage, "prometheus"), "?"));
		strbuf_addch(out, ' ');
		add_cell(out, string_or(json_object_get(usage, "selector"), ""));
		strbuf_addstr(out, " |\n");
	}
}

char *loadreport_markdown(const json_t *report)
{
	struct strbuf out;
	strbuf_init(&out);
	const json_t *verdict = json_object_get(report, "verdict");
	strbuf_addstr(&out, "# ");
	add_title(&out, report);
	strbuf_addf(&out, ": %s\n\n", verdict_passed(report) ? "PASSED" : "FAILED");
	const json_t *release = json_object_get(report, "release");
	strbuf_addf(&out, "- run: `%s`\n- time: %s\n- release: %s (%s)\n- plan: `%s`\n\n",
		    string_or(json_object_get(report, "run_id"), "?"), string_or(json_object_get(report, "time_utc"), "?"),
		    string_or(json_object_get(release, "version"), "unknown"), string_or(json_object_get(release, "digest"), "no digest"),
		    string_or(json_object_get(report, "plan_digest"), "?"));
	if (json_array_size(json_object_get(verdict, "failures"))) {
		strbuf_addstr(&out, "## Failures\n\n");
		size_t index;
		const json_t *failure;
		json_array_foreach(json_object_get(verdict, "failures"), index, failure) {
			strbuf_addstr(&out, "- ");
			add_cell(&out, json_string_value(failure));
			strbuf_addch(&out, '\n');
		}
		strbuf_addch(&out, '\n');
	}
	strbuf_addstr(&out, "## Scenarios\n\n| scenario | executor | duration (s) | responses | req/s | errors | error ratio (ppm) "
			    "| p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		strbuf_addstr(&out, "| ");
		add_cell(&out, string_or(json_object_get(scenario, "name"), "?"));
		if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") != 0) {
			strbuf_addstr(&out, " | not run: ");
			add_cell(&out, string_or(json_object_get(scenario, "reason"), ""));
			strbuf_addstr(&out, " | | | | | | | | | |\n");
			continue;
		}
		strbuf_addstr(&out, " | ");
		add_cell(&out, string_or(json_object_get(scenario, "executor"), ""));
		strbuf_addstr(&out, " | ");
		add_number(&out, number(json_object_get(scenario, "duration_s")));
		strbuf_addf(&out, " | %lld | ", (long long)json_integer_value(json_object_get(scenario, "responses")));
		add_number(&out, number(json_object_get(scenario, "rps")));
		strbuf_addf(&out, " | %lld | %lld | ", (long long)json_integer_value(json_object_get(scenario, "errors")),
			    (long long)json_integer_value(json_object_get(scenario, "error_ratio_ppm")));
		add_latency_cells(&out, json_object_get(scenario, "latency_ms"), " | ");
		out.len -= 1; /* the last separator's trailing space */
		out.buf[out.len] = '\0';
		strbuf_addch(&out, '\n');
	}
	strbuf_addstr(&out, "\n## Requests\n\n| scenario | request | responses | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |\n"
			    "|---|---|---:|---:|---:|---:|---:|---:|\n");
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		size_t request_index;
		const json_t *request;
		json_array_foreach(json_object_get(scenario, "requests"), request_index, request) {
			strbuf_addstr(&out, "| ");
			add_cell(&out, string_or(json_object_get(scenario, "name"), "?"));
			strbuf_addstr(&out, " | ");
			add_cell(&out, string_or(json_object_get(request, "name"), "?"));
			strbuf_addf(&out, " | %lld | %lld | ", (long long)json_integer_value(json_object_get(request, "responses")),
				    (long long)json_integer_value(json_object_get(request, "errors")));
			add_latency_cells(&out, json_object_get(request, "latency_ms"), " | ");
			out.len -= 1;
			out.buf[out.len] = '\0';
			strbuf_addch(&out, '\n');
		}
	}
	add_markdown_target_usage(&out, report);
	strbuf_addstr(&out, "\n## Criteria\n\n| criterion | scenario | value | result |\n|---|---|---:|---|\n");
	const json_t *criterion;
	json_array_foreach(json_object_get(report, "criteria"), index, criterion) {
		size_t result_index;
		const json_t *result;
		json_array_foreach(json_object_get(criterion, "results"), result_index, result) {
			strbuf_addstr(&out, "| ");
			add_cell(&out, string_or(json_object_get(criterion, "label"), "?"));
			strbuf_addstr(&out, " | ");
			add_cell(&out, string_or(json_object_get(result, "scenario"), "?"));
			strbuf_addstr(&out, " | ");
			if (json_is_number(json_object_get(result, "value"))) {
				add_number(&out, number(json_object_get(result, "value")));
				strbuf_addf(&out, " %s", string_or(json_object_get(criterion, "unit"), ""));
			}
			strbuf_addf(&out, " | %s", string_or(json_object_get(result, "status"), "?"));
			if (json_is_string(json_object_get(result, "reason"))) {
				strbuf_addstr(&out, ": ");
				add_cell(&out, json_string_value(json_object_get(result, "reason")));
			}
			strbuf_addstr(&out, " |\n");
		}
	}
	const json_t *baseline = json_object_get(report, "baseline");
	if (json_is_object(baseline)) {
		const json_t *regression = json_object_get(baseline, "regression_ppm");
		strbuf_addstr(&out, "\n## Baseline comparison\n\n");
		strbuf_addstr(&out, "- baseline: `");
		add_cell(&out, string_or(json_object_get(baseline, "path"), "?"));
		strbuf_addf(&out, "` (sha256 %s, release %s)\n", string_or(json_object_get(baseline, "sha256"), "?"),
			    string_or(json_object_get(baseline, "release"), "unknown"));
		strbuf_addf(&out, "- tolerance: +%.1f%%; largest increase: ",
			    (double)json_integer_value(json_object_get(baseline, "max_increase_ppm")) / 1e4);
		if (json_is_integer(regression))
			strbuf_addf(&out, "%+.1f%%\n", (double)json_integer_value(regression) / 1e4);
		else
			strbuf_addstr(&out, "none measured\n");
		strbuf_addf(&out, "- result: %s\n", json_is_true(json_object_get(baseline, "passed")) ? "passed" : "FAILED");
		if (json_is_string(json_object_get(report, "proposed_baseline")))
			strbuf_addf(&out, "- proposed new baseline (for review): `%s`\n", json_string_value(json_object_get(report, "proposed_baseline")));
		strbuf_addstr(&out, "\n| scenario | request | metric | baseline | now | change | result |\n|---|---|---|---:|---:|---:|---|\n");
		const json_t *comparison;
		json_array_foreach(json_object_get(baseline, "comparisons"), index, comparison) {
			strbuf_addstr(&out, "| ");
			add_cell(&out, string_or(json_object_get(comparison, "scenario"), "?"));
			strbuf_addstr(&out, " | ");
			add_cell(&out, string_or(json_object_get(comparison, "request"), ""));
			strbuf_addstr(&out, " | ");
			add_cell(&out, string_or(json_object_get(comparison, "metric"), ""));
			strbuf_addstr(&out, " | ");
			if (json_is_number(json_object_get(comparison, "baseline"))) {
				add_number(&out, number(json_object_get(comparison, "baseline")));
				strbuf_addstr(&out, " | ");
				add_number(&out, number(json_object_get(comparison, "current")));
				strbuf_addf(&out, " | %+.1f%%", (double)json_integer_value(json_object_get(comparison, "increase_ppm")) / 1e4);
			} else {
				strbuf_addstr(&out, " | | ");
			}
			strbuf_addf(&out, " | %s", json_is_true(json_object_get(comparison, "passed")) ? "passed" : "FAILED");
			if (json_is_string(json_object_get(comparison, "reason"))) {
				strbuf_addstr(&out, ": ");
				add_cell(&out, json_string_value(json_object_get(comparison, "reason")));
			}
			strbuf_addstr(&out, " |\n");
		}
	}
	return strbuf_detach(&out, NULL);
}

/* ---- HTML ---- */

#define CHART_WIDTH 640
#define CHART_HEIGHT 220
#define CHART_LEFT 56
#define CHART_RIGHT 16
#define CHART_TOP 28
#define CHART_BOTTOM 36

struct chart_line {
	const char *label;
	const char *color;
	const char *key;     /* member of each series point */
	bool bars;
	bool dashed;         /* a reference line (a target) drawn over the measured one */
};

/* A round step for about five grid lines up to `max`. */
static double nice_step(double max)
{
	if (!(max > 0))
		return 1;
	double raw = max / 5;
	double magnitude = pow(10, floor(log10(raw)));
	double fraction = raw / magnitude;
	double step = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
	return step * magnitude;
}

static void add_chart(struct strbuf *out, const char *title, const char *unit, const json_t *series,
		      const struct chart_line *lines, size_t line_count)
{
	size_t points = json_array_size(series);
	double max_value = 0;
	for (size_t i = 0; i < points; i++)
		for (size_t l = 0; l < line_count; l++) {
			double value = number(json_object_get(json_array_get(series, i), lines[l].key));
			if (value > max_value)
				max_value = value;
		}
	double step = nice_step(max_value);
	double top = step * ceil(max_value / step);
	if (!(top > 0))
		top = step;
	double plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT, plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM;
	double x_span = points > 1 ? (double)(points - 1) : 1;
	strbuf_addf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
			 "role=\"img\" aria-label=\"", CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH, CHART_HEIGHT);
	add_escaped(out, title);
	strbuf_addf(out, "\">\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", CHART_WIDTH, CHART_HEIGHT);
	strbuf_addf(out, "<text x=\"%d\" y=\"18\" class=\"chart-title\">", CHART_LEFT);
	add_escaped(out, title);
	strbuf_addf(out, " (%s)</text>\n", unit);
	for (double value = 0; value <= top + step / 2; value += step) {
		double y = CHART_TOP + plot_height - value / top * plot_height;
		strbuf_addf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d8dde3\"/>", CHART_LEFT, y,
			    CHART_WIDTH - CHART_RIGHT, y);
		strbuf_addf(out, "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">", CHART_LEFT - 6, y + 4);
		add_number(out, value);
		strbuf_addstr(out, "</text>\n");
	}
	size_t tick_every = points > 10 ? (points + 9) / 10 : 1;
	for (size_t i = 0; i < points; i += tick_every) {
		double x = CHART_LEFT + (double)i / x_span * plot_width;
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%lld s</text>", x,
			    CHART_HEIGHT - CHART_BOTTOM + 16,
			    (long long)json_integer_value(json_object_get(json_array_get(series, i), "second")));
	}
	strbuf_addch(out, '\n');
	for (size_t l = 0; l < line_count; l++) {
		if (lines[l].bars) {
			double bar = plot_width / (double)(points ? points : 1) * 0.6;
			for (size_t i = 0; i < points; i++) {
				double value = number(json_object_get(json_array_get(series, i), lines[l].key));
				double height = value / top * plot_height;
				double x = CHART_LEFT + (double)i / x_span * plot_width - bar / 2;
				strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x,
					    CHART_TOP + plot_height - height, bar, height, lines[l].color);
			}
			strbuf_addch(out, '\n');
			continue;
		}
		strbuf_addf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", lines[l].color,
			    lines[l].dashed ? " stroke-dasharray=\"6 4\"" : "");
		for (size_t i = 0; i < points; i++) {
			double value = number(json_object_get(json_array_get(series, i), lines[l].key));
			strbuf_addf(out, "%s%.1f,%.1f", i ? " " : "", CHART_LEFT + (double)i / x_span * plot_width,
				    CHART_TOP + plot_height - value / top * plot_height);
		}
		strbuf_addstr(out, "\"/>\n");
	}
	/* the legend sits right-aligned, clear of the title */
	double legend_x = CHART_WIDTH - CHART_RIGHT - 80.0 * (double)line_count;
	for (size_t l = 0; l < line_count; l++) {
		strbuf_addf(out, "<rect x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"18\" class=\"axis\">%s</text>",
			    legend_x, lines[l].color, legend_x + 16, lines[l].label);
		legend_x += 80;
	}
	if (points == 0)
		strbuf_addf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\">no data</text>", CHART_WIDTH / 2, CHART_HEIGHT / 2);
	strbuf_addstr(out, "\n</svg>\n");
}

static void add_html_scenario(struct strbuf *out, const json_t *scenario)
{
	const char *name = string_or(json_object_get(scenario, "name"), "?");
	strbuf_addstr(out, "<section class=\"scenario\">\n<h2>Scenario ");
	add_escaped(out, name);
	strbuf_addstr(out, "</h2>\n");
	if (strcmp(string_or(json_object_get(scenario, "status"), ""), "ran") != 0) {
		strbuf_addstr(out, "<p class=\"failed\">Did not run: ");
		add_escaped(out, string_or(json_object_get(scenario, "reason"), "no result"));
		strbuf_addstr(out, "</p>\n</section>\n");
		return;
	}
	const json_t *latency = json_object_get(scenario, "latency_ms");
	strbuf_addstr(out, "<p class=\"figures\">");
	add_escaped(out, string_or(json_object_get(scenario, "executor"), ""));
	strbuf_addstr(out, ", ");
	add_number(out, number(json_object_get(scenario, "duration_s")));
	strbuf_addf(out, " s, %lld connections: %lld responses (", (long long)json_integer_value(json_object_get(scenario, "connections")),
		    (long long)json_integer_value(json_object_get(scenario, "responses")));
	add_number(out, number(json_object_get(scenario, "rps")));
	strbuf_addf(out, " req/s), %lld errors; latency p50 ", (long long)json_integer_value(json_object_get(scenario, "errors")));
	add_number(out, number(json_object_get(latency, "p50")));
	strbuf_addstr(out, " ms, p95 ");
	add_number(out, number(json_object_get(latency, "p95")));
	strbuf_addstr(out, " ms, p99 ");
	add_number(out, number(json_object_get(latency, "p99")));
	strbuf_addstr(out, " ms, max ");
	add_number(out, number(json_object_get(latency, "max")));
	strbuf_addstr(out, " ms</p>\n<div class=\"charts\">\n");
	const json_t *series = json_object_get(scenario, "series");
	static const struct chart_line latency_lines[] = {
		{ "p50", "#2b7bb9", "p50_ms", false, false }, { "p90", "#e69f00", "p90_ms", false, false },
		{ "p99", "#c0392b", "p99_ms", false, false } };
	static const struct chart_line rate_lines[] = {
		{ "achieved", "#1e8449", "rate", false, false }, { "target", "#7f8c8d", "target_rate", false, true } };
	static const struct chart_line error_lines[] = { { "errors", "#c0392b", "error_rate", true, false } };
	add_chart(out, "Latency percentiles over time", "ms", series, latency_lines, 3);
	add_chart(out, "Throughput", "responses per second", series, rate_lines,
		  json_object_get(json_array_get(series, 0), "target_rate") ? 2 : 1);
	add_chart(out, "Errors", "per second", series, error_lines, 1);
	static const struct chart_line engine_lines[] = { { "CPU", "#8e44ad", "engine_cpu_percent", false, false } };
	add_chart(out, "Load engine CPU", "% of one core", series, engine_lines, 1);
	strbuf_addstr(out, "</div>\n<table>\n<tr><th>request</th><th>responses</th><th>errors</th><th>p50 (ms)</th><th>p95 (ms)</th>"
			   "<th>p99 (ms)</th><th>max (ms)</th></tr>\n");
	size_t index;
	const json_t *request;
	json_array_foreach(json_object_get(scenario, "requests"), index, request) {
		strbuf_addstr(out, "<tr><td>");
		add_escaped(out, string_or(json_object_get(request, "name"), "?"));
		strbuf_addf(out, "</td><td>%lld</td><td>%lld</td><td>", (long long)json_integer_value(json_object_get(request, "responses")),
			    (long long)json_integer_value(json_object_get(request, "errors")));
		add_latency_cells(out, json_object_get(request, "latency_ms"), "</td><td>");
		out->len -= 4; /* the last "<td>" */
		out->buf[out->len] = '\0';
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</table>\n</section>\n");
}

/* A bar per scenario (its value from `key` of target_usage, scaled), for the usage table. */
static void add_usage_bars(struct strbuf *out, const char *title, const char *unit, const json_t *report, const char *key,
			   double scale, const char *color)
{
	size_t count = json_array_size(json_object_get(report, "scenarios"));
	double max_value = 0;
	for (size_t i = 0; i < count; i++) {
		const json_t *usage = json_object_get(json_array_get(json_object_get(report, "scenarios"), i), "target_usage");
		double value = number(json_object_get(usage, key)) * scale;
		if (value > max_value)
			max_value = value;
	}
	double step = nice_step(max_value);
	double top = step * ceil(max_value / step);
	if (!(top > 0))
		top = step;
	double row = 26, label_width = 120, plot_width = CHART_WIDTH - label_width - 90;
	double height = CHART_TOP + row * (double)count + 8;
	strbuf_addf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %.0f\" width=\"%d\" height=\"%.0f\" "
			 "role=\"img\" aria-label=\"", CHART_WIDTH, height, CHART_WIDTH, height);
	add_escaped(out, title);
	strbuf_addf(out, "\">\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>\n", CHART_WIDTH, height);
	strbuf_addstr(out, "<text x=\"8\" y=\"18\" class=\"chart-title\">");
	add_escaped(out, title);
	strbuf_addf(out, " (%s)</text>\n", unit);
	for (size_t i = 0; i < count; i++) {
		const json_t *scenario = json_array_get(json_object_get(report, "scenarios"), i);
		const json_t *usage = json_object_get(scenario, "target_usage");
		double y = CHART_TOP + row * (double)i;
		strbuf_addf(out, "<text x=\"8\" y=\"%.1f\" class=\"axis\">", y + 16);
		add_escaped(out, string_or(json_object_get(scenario, "name"), "?"));
		strbuf_addstr(out, "</text>");
		if (!json_is_number(json_object_get(usage, key))) {
			strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">not measured</text>\n", label_width, y + 16);
			continue;
		}
		double value = number(json_object_get(usage, key)) * scale;
		strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", label_width, y + 3,
			    value / top * plot_width, color);
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">", label_width + value / top * plot_width + 6, y + 16);
		add_number(out, round(value * 1000) / 1000);
		strbuf_addstr(out, "</text>\n");
	}
	strbuf_addstr(out, "</svg>\n");
}

static void add_html_target_usage(struct strbuf *out, const json_t *report)
{
	if (!any_target_usage(report))
		return;
	strbuf_addstr(out, "<h2>Target resource usage</h2>\n<table>\n<tr><th>scenario</th><th>CPU (cores)</th><th>CPU (s)</th>"
			   "<th>memory max (MiB)</th><th>memory mean (MiB)</th><th>source</th></tr>\n");
	size_t index;
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario) {
		const json_t *usage = json_object_get(scenario, "target_usage");
		if (!json_is_object(usage))
			continue;
		strbuf_addstr(out, "<tr><td>");
		add_escaped(out, string_or(json_object_get(scenario, "name"), "?"));
		if (json_is_string(json_object_get(usage, "error"))) {
			strbuf_addstr(out, "</td><td colspan=\"4\" class=\"skipped\">not measured: ");
			add_escaped(out, json_string_value(json_object_get(usage, "error")));
		} else {
			strbuf_addstr(out, "</td><td>");
			add_number(out, round(number(json_object_get(usage, "cpu_cores")) * 1000) / 1000);
			strbuf_addstr(out, "</td><td>");
			add_number(out, round(number(json_object_get(usage, "cpu_seconds")) * 100) / 100);
			strbuf_addstr(out, "</td><td>");
			add_number(out, round(number(json_object_get(usage, "memory_bytes_max")) / 1048576.0 * 10) / 10);
			strbuf_addstr(out, "</td><td>");
			add_number(out, round(number(json_object_get(usage, "memory_bytes_mean")) / 1048576.0 * 10) / 10);
		}
		strbuf_addstr(out, "</td><td>");
		add_escaped(out, string_or(json_object_get(usage, "prometheus"), "?"));
		strbuf_addch(out, ' ');
		add_escaped(out, string_or(json_object_get(usage, "selector"), ""));
		strbuf_addstr(out, "</td></tr>\n");
	}
	strbuf_addstr(out, "</table>\n<div class=\"charts\">\n");
	add_usage_bars(out, "Target CPU by scenario", "cores", report, "cpu_cores", 1, "#8e44ad");
	add_usage_bars(out, "Target memory by scenario", "MiB, max", report, "memory_bytes_max", 1.0 / 1048576.0, "#2b7bb9");
	strbuf_addstr(out, "</div>\n");
}

static void add_html_body(struct strbuf *out, const json_t *report)
{
	const json_t *verdict = json_object_get(report, "verdict");
	const json_t *release = json_object_get(report, "release");
	strbuf_addstr(out, "<dl class=\"meta\"><dt>run</dt><dd>");
	add_escaped(out, string_or(json_object_get(report, "run_id"), "?"));
	strbuf_addstr(out, "</dd><dt>time</dt><dd>");
	add_escaped(out, string_or(json_object_get(report, "time_utc"), "?"));
	strbuf_addstr(out, "</dd><dt>release</dt><dd>");
	add_escaped(out, string_or(json_object_get(release, "version"), "unknown"));
	strbuf_addstr(out, "</dd><dt>plan</dt><dd>");
	add_escaped(out, string_or(json_object_get(report, "plan_digest"), "?"));
	strbuf_addstr(out, "</dd></dl>\n");
	if (json_array_size(json_object_get(verdict, "failures"))) {
		strbuf_addstr(out, "<h2>Failures</h2>\n<ul class=\"failures\">\n");
		size_t index;
		const json_t *failure;
		json_array_foreach(json_object_get(verdict, "failures"), index, failure) {
			strbuf_addstr(out, "<li>");
			add_escaped(out, json_string_value(failure));
			strbuf_addstr(out, "</li>\n");
		}
		strbuf_addstr(out, "</ul>\n");
	}
	strbuf_addstr(out, "<h2>Criteria</h2>\n<table>\n<tr><th>criterion</th><th>scenario</th><th>value</th><th>result</th></tr>\n");
	size_t index;
	const json_t *criterion;
	json_array_foreach(json_object_get(report, "criteria"), index, criterion) {
		size_t result_index;
		const json_t *result;
		json_array_foreach(json_object_get(criterion, "results"), result_index, result) {
			const char *status = string_or(json_object_get(result, "status"), "?");
			strbuf_addstr(out, "<tr><td>");
			add_escaped(out, string_or(json_object_get(criterion, "label"), "?"));
			strbuf_addstr(out, "</td><td>");
			add_escaped(out, string_or(json_object_get(result, "scenario"), "?"));
			strbuf_addstr(out, "</td><td>");
			if (json_is_number(json_object_get(result, "value"))) {
				add_number(out, number(json_object_get(result, "value")));
				strbuf_addch(out, ' ');
				add_escaped(out, string_or(json_object_get(criterion, "unit"), ""));
			}
			strbuf_addf(out, "</td><td class=\"%s\">%s", status, status);
			if (json_is_string(json_object_get(result, "reason"))) {
				strbuf_addstr(out, ": ");
				add_escaped(out, json_string_value(json_object_get(result, "reason")));
			}
			strbuf_addstr(out, "</td></tr>\n");
		}
	}
	strbuf_addstr(out, "</table>\n");
	const json_t *baseline = json_object_get(report, "baseline");
	if (json_is_object(baseline)) {
		bool passed = json_is_true(json_object_get(baseline, "passed"));
		strbuf_addstr(out, "<h2>Baseline comparison</h2>\n<p>");
		add_escaped(out, string_or(json_object_get(baseline, "path"), "?"));
		strbuf_addf(out, ", tolerance +%.1f%%: <span class=\"%s\">%s</span></p>\n",
			    (double)json_integer_value(json_object_get(baseline, "max_increase_ppm")) / 1e4, passed ? "passed" : "failed",
			    passed ? "passed" : "failed");
		if (json_is_string(json_object_get(report, "proposed_baseline"))) {
			strbuf_addstr(out, "<p>Proposed new baseline, for review (the tracked one is unchanged): ");
			add_escaped(out, json_string_value(json_object_get(report, "proposed_baseline")));
			strbuf_addstr(out, "</p>\n");
		}
		strbuf_addstr(out, "<table>\n<tr><th>scenario</th><th>request</th><th>metric</th><th>baseline</th><th>now</th><th>change</th></tr>\n");
		const json_t *comparison;
		json_array_foreach(json_object_get(baseline, "comparisons"), index, comparison) {
			bool ok = json_is_true(json_object_get(comparison, "passed"));
			strbuf_addf(out, "<tr class=\"%s\"><td>", ok ? "passed" : "failed");
			add_escaped(out, string_or(json_object_get(comparison, "scenario"), "?"));
			strbuf_addstr(out, "</td><td>");
			add_escaped(out, string_or(json_object_get(comparison, "request"), ""));
			strbuf_addstr(out, "</td><td>");
			add_escaped(out, string_or(json_object_get(comparison, "metric"), ""));
			strbuf_addstr(out, "</td><td>");
			if (json_is_number(json_object_get(comparison, "baseline"))) {
				add_number(out, number(json_object_get(comparison, "baseline")));
				strbuf_addstr(out, "</td><td>");
				add_number(out, number(json_object_get(comparison, "current")));
				strbuf_addf(out, "</td><td>%+.1f%%</td></tr>\n", (double)json_integer_value(json_object_get(comparison, "increase_ppm")) / 1e4);
			} else {
				strbuf_addstr(out, "</td><td></td><td>");
				add_escaped(out, string_or(json_object_get(comparison, "reason"), ""));
				strbuf_addstr(out, "</td></tr>\n");
			}
		}
		strbuf_addstr(out, "</table>\n");
	}
	add_html_target_usage(out, report);
	const json_t *scenario;
	json_array_foreach(json_object_get(report, "scenarios"), index, scenario)
		add_html_scenario(out, scenario);
}

char *loadreport_html(const json_t *report, const char *page_template, char **error)
{
	static const char *const placeholders[] = { "{{title}}", "{{verdict_class}}", "{{verdict}}", "{{body}}" };
	struct strbuf values[4];
	for (size_t i = 0; i < 4; i++)
		strbuf_init(&values[i]);
	struct strbuf title;
	strbuf_init(&title);
	add_title(&title, report);
	add_escaped(&values[0], title.buf);
	strbuf_release(&title);
	bool passed = verdict_passed(report);
	strbuf_addstr(&values[1], passed ? "passed" : "failed");
	strbuf_addstr(&values[2], passed ? "PASSED" : "FAILED");
	add_html_body(&values[3], report);
	struct strbuf out;
	strbuf_init(&out);
	const char *cursor = page_template;
	bool seen[4] = { false, false, false, false };
	for (;;) {
		const char *open = strstr(cursor, "{{");
		if (!open)
			break;
		size_t which = 4;
		for (size_t i = 0; i < 4; i++)
			if (strncmp(open, placeholders[i], strlen(placeholders[i])) == 0)
				which = i;
		strbuf_add(&out, cursor, (size_t)(open - cursor));
		if (which == 4) {
			strbuf_addstr(&out, "{{");
			cursor = open + 2;
			continue;
		}
		strbuf_add(&out, values[which].buf, values[which].len);
		seen[which] = true;
		cursor = open + strlen(placeholders[which]);
	}
	strbuf_addstr(&out, cursor);
	for (size_t i = 0; i < 4; i++)
		strbuf_release(&values[i]);
	for (size_t i = 0; i < 4; i++) {
		if (!seen[i]) {
			*error = xasprintf("the report page template lacks %s", placeholders[i]);
			strbuf_release(&out);
			return NULL;
		}
	}
	return strbuf_detach(&out, NULL);
}
