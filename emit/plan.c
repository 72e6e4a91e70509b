/* The plan backend: turns the checked model into load-test, promotion and rollback plans of
 * typed steps (the seed's workflows), binds each to its inputs, expected state and expiry. */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canonical_json.h"
#include "banned.h"

/* Defaults the runner would otherwise have to guess: written into every plan instead. */
#define PLAN_HTTP_TIMEOUT_MS 5000
#define PLAN_HTTP_ATTEMPTS 3
#define PLAN_HTTP_BACKOFF_MS 1000

/* ---- lookups over the model (small lists: linear is fine) ---- */

static const struct model_stage *find_stage(const struct model *model, const char *name)
{
	for (size_t i = 0; name && i < model->stage_count; i++)
		if (model->stages[i].name.text && strcmp(model->stages[i].name.text, name) == 0)
			return &model->stages[i];
	return NULL;
}

static const struct model_snapshot_policy *find_policy(const struct model *model, const char *name,
						       const struct model_snapshot_manifest **manifest)
{
	for (size_t i = 0; name && i < model->snapshot_manifest_count; i++)
		for (size_t j = 0; j < model->snapshot_manifests[i].policy_count; j++)
			if (strcmp(model->snapshot_manifests[i].policies[j].name.text, name) == 0) {
				*manifest = &model->snapshot_manifests[i];
				return &model->snapshot_manifests[i].policies[j];
			}
	return NULL;
}

static const struct model_threshold *find_threshold(const struct model *model, const char *name,
						    const struct project_file **source)
{
	for (size_t i = 0; name && i < model->thresholds_count; i++)
		for (size_t j = 0; j < model->thresholds[i].threshold_count; j++)
			if (strcmp(model->thresholds[i].thresholds[j].name.text, name) == 0) {
				*source = model->thresholds[i].source;
				return &model->thresholds[i].thresholds[j];
			}
	return NULL;
}

static const struct model_scenario *find_scenario(const struct model_load_test *load_test, const char *name)
{
	for (size_t i = 0; i < load_test->scenario_count; i++)
		if (strcmp(load_test->scenarios[i].name.text, name) == 0)
			return &load_test->scenarios[i];
	return NULL;
}

static bool stage_deploys(const struct model_stage *stage, const char *service)
{
	if (stage->services.count == 0)
		return true;
	for (size_t i = 0; i < stage->services.count; i++)
		if (strcmp(stage->services.items[i].text, service) == 0)
			return true;
	return false;
}

/* The load test that targets `stage`, else (as the language says) one of a service it deploys. */
static const struct model_load_test *load_test_for_stage(const struct model *model, const struct model_stage *stage)
{
	for (size_t i = 0; i < model->load_test_count; i++)
		if (model->load_tests[i].target_stage.text && strcmp(model->load_tests[i].target_stage.text, stage->name.text) == 0)
			return &model->load_tests[i];
	for (size_t i = 0; i < model->load_test_count; i++)
		if (model->load_tests[i].service.text && stage_deploys(stage, model->load_tests[i].service.text))
			return &model->load_tests[i];
	return NULL;
}

/* ---- value conversions: plans are integer-only ---- */

static json_t *milliseconds(const struct model_value *value)
{
	return value->present ? json_integer((json_int_t)llround(value->value * 1000)) : json_null();
}

static json_t *parts_per_million(const struct model_value *value)
{
	return value->present ? json_integer((json_int_t)llround(value->value * 1e6)) : json_null();
}

/* A retention policy of the collection rules ({keep_last, max_age}) as plan args
 * {keep_last, max_age_ms}, or null. `which` is "evidence" or "reports". */
static json_t *evidence_retention(const struct model *model, const char *which)
{
	for (size_t i = 0; i < model->collection_rules_count; i++) {
		const struct project_file *source = model->collection_rules[i].source;
		const json_t *policy = source ? json_object_get(json_object_get(source->document.root, "retention"), which) : NULL;
		if (!json_is_object(policy))
			continue;
		const json_t *keep_last = json_object_get(policy, "keep_last");
		const char *max_age = json_string_value(json_object_get(policy, "max_age"));
		double seconds = 0;
		bool has_age = max_age && model_parse_duration(max_age, &seconds) == 0;
		return json_pack("{s:o,s:o}", "keep_last", json_is_integer(keep_last) ? json_integer(json_integer_value(keep_last)) : json_null(),
				 "max_age_ms", has_age ? json_integer((json_int_t)llround(seconds * 1000)) : json_null());
	}
	return json_null();
}

static const char *enforcement_name(enum model_enforcement enforcement)
{
	return enforcement == MODEL_ENFORCEMENT_REQUIRED ? "required" : enforcement == MODEL_ENFORCEMENT_ADVISORY ? "advisory" : "none";
}

static json_t *string_list(const struct model_name_list *names)
{
	json_t *list = json_array();
	for (size_t i = 0; i < names->count; i++)
		json_array_append_new(list, json_string(names->items[i].text));
	return list;
}

static json_t *string_array(const char *const *strings, size_t count)
{
	json_t *list = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(list, json_string(strings[i]));
	return list;
}

/* A threshold's limit at `level` in the plan's integer units: ms for seconds, ppm for ratios. */
static json_t *threshold_limit(const struct model_threshold *threshold, enum model_level level)
{
	const struct model_value *value = threshold ? model_threshold_level(threshold, level) : NULL;
	json_t *limit = json_object();
	if (!value || !value->present) {
		json_object_set_new(limit, "limit", json_null());
		return limit;
	}
	switch (threshold->unit) {
	case MODEL_UNIT_SECONDS:
		json_object_set_new(limit, "limit", json_integer((json_int_t)llround(value->value * 1000)));
		json_object_set_new(limit, "unit", json_string("ms"));
		break;
	case MODEL_UNIT_RATIO:
		json_object_set_new(limit, "limit", json_integer((json_int_t)llround(value->value * 1e6)));
		json_object_set_new(limit, "unit", json_string("ppm"));
		break;
	default:
		json_object_set_new(limit, "limit", json_integer((json_int_t)llround(value->value)));
		json_object_set_new(limit, "unit", json_string(model_unit_name(threshold->unit)));
	}
	json_object_set_new(limit, "direction", json_string(threshold->direction == MODEL_DIRECTION_BELOW ? "below" : "above"));
	return limit;
}

/* ---- one plan under construction ---- */

struct plan_builder {
	const struct emit_context *context;
	struct diag_list *diags;
	json_t *payload;
	json_t *inputs;
	json_t *steps;
	const char *phase; /* the seed workflow step the next steps belong to */
	size_t phase_step_count;
};

static void use_input(struct plan_builder *builder, const struct project_file *file)
{
	if (!file || !file->relative_path)
		return;
	char digest[SIGNING_KEY_ID_SIZE];
	signing_sha256_hex(file->document.text ? file->document.text : "", file->document.text ? file->document.text_length : 0,
			   digest);
	json_object_set_new(builder->inputs, file->relative_path, json_string(digest));
}

/* The SHA-256 of a tree file by path, or null when the tree does not hold it. */
static json_t *file_digest(struct plan_builder *builder, const char *relative_path)
{
	const struct project_file *file = relative_path ? project_file_at(builder->context->project, relative_path) : NULL;
	if (!file || !file->document.text)
		return json_null();
	use_input(builder, file);
	char digest[SIGNING_KEY_ID_SIZE];
	signing_sha256_hex(file->document.text, file->document.text_length, digest);
	return json_string(digest);
}

static void begin_phase(struct plan_builder *builder, const char *phase)
{
	builder->phase = phase;
	builder->phase_step_count = 0;
}

/* Adds a step of the current phase; steals `args`. Ids are the phase, numbered from the second. */
static void add_step(struct plan_builder *builder, const char *action, const char *title, json_t *args)
{
	builder->phase_step_count++;
	char *id = builder->phase_step_count == 1 ? xstrdup(builder->phase)
						  : xasprintf("%s-%zu", builder->phase, builder->phase_step_count);
	json_t *step = json_object();
	json_object_set_new(step, "id", json_string(id));
	json_object_set_new(step, "phase", json_string(builder->phase));
	json_object_set_new(step, "action", json_string(action));
	json_object_set_new(step, "title", json_string(title));
	json_object_set_new(step, "args", args);
	json_array_append_new(builder->steps, step);
	free(id);
}

/* An http.check's arguments from a check of the model. */
static json_t *http_check_args(const char *stage_name, const char *base_url, const struct model_http_check *check,
			       long long default_timeout_ms)
{
	json_t *args = json_object();
	const char *path = check->path;
	const char *method = check->method;
	json_object_set_new(args, "stage", stage_name ? json_string(stage_name) : json_null());
	json_object_set_new(args, "base_url", json_string(base_url ? base_url : ""));
	json_object_set_new(args, "path", json_string(path ? path : "/"));
	char *url = xasprintf("%s%s", base_url ? base_url : "", path ? path : "/");
	json_object_set_new(args, "url", json_string(url));
	free(url);
	json_object_set_new(args, "method", json_string(method ? method : "GET"));
	json_t *expect = json_object();
	const json_t *status = check->expect_status;
	if (json_is_integer(status)) {
		json_t *list = json_array();
		json_array_append_new(list, json_integer(json_integer_value(status)));
		json_object_set_new(expect, "status", list);
	} else if (json_is_array(status)) {
		json_object_set_new(expect, "status", json_deep_copy(status));
	}
	if (check->expect_json)
		json_object_set_new(expect, "json", json_deep_copy(check->expect_json));
	if (check->expect_body_contains)
		json_object_set_new(expect, "body_contains", json_deep_copy(check->expect_body_contains));
	json_object_set_new(args, "expect", expect);
	long long timeout_ms = check->timeout.present ? llround(check->timeout.value * 1000) : default_timeout_ms;
	json_object_set_new(args, "timeout_ms", json_integer(timeout_ms));
	json_t *retry = json_object();
	json_object_set_new(retry, "attempts", json_integer(PLAN_HTTP_ATTEMPTS));
	json_object_set_new(retry, "backoff_ms", json_integer(PLAN_HTTP_BACKOFF_MS));
	json_object_set_new(args, "retry", retry);
	return args;
}

static void add_health_checks(struct plan_builder *builder, const struct model_stage *stage, const char *title)
{
	for (size_t i = 0; i < stage->health_check_count; i++) {
		json_t *args = http_check_args(stage->name.text, stage->base_url, &stage->health_checks[i], PLAN_HTTP_TIMEOUT_MS);
		char *step_title = xasprintf("%s: %s", title, json_string_value(json_object_get(args, "path")));
		add_step(builder, "http.check", step_title, args);
		free(step_title);
	}
}

static json_t *stage_validate_args(const struct model_stage *stage)
{
	json_t *args = json_object();
	json_object_set_new(args, "stage", json_string(stage->name.text));
	json_object_set_new(args, "state_dir", json_string(stage->state_dir ? stage->state_dir : ""));
	json_object_set_new(args, "base_url", json_string(stage->base_url ? stage->base_url : ""));
	json_object_set_new(args, "services", string_list(&stage->services));
	return args;
}

static json_t *window_json(const struct model_window *window)
{
	if (!window->present)
		return json_null();
	static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	json_t *days = json_array();
	for (int day = 0; day < 7; day++)
		if (window->days & (1u << day))
			json_array_append_new(days, json_string(day_names[day]));
	json_t *object = json_object();
	json_object_set_new(object, "days", days);
	json_object_set_new(object, "start_minute", json_integer(window->start_minute));
	json_object_set_new(object, "end_minute", json_integer(window->end_minute));
	json_object_set_new(object, "timezone", json_string(window->timezone ? window->timezone : "UTC"));
	return object;
}

static json_t *validation_checks(const struct model *model, const char *policy_name, enum model_snapshot_phase phase)
{
	json_t *checks = json_array();
	for (size_t i = 0; i < model->snapshot_validation_count; i++) {
		const struct model_snapshot_validation *validation = &model->snapshot_validations[i];
		const struct model_snapshot_check_list *lists[2] = { &validation->phases[phase], NULL };
		for (size_t p = 0; p < validation->policy_count; p++)
			if (policy_name && strcmp(validation->policies[p].policy.text, policy_name) == 0)
				lists[1] = &validation->policies[p].phases[phase];
		for (size_t l = 0; l < 2; l++) {
			for (size_t c = 0; lists[l] && c < lists[l]->count; c++) {
				const struct model_snapshot_check *check = &lists[l]->checks[c];
				json_t *entry = json_object();
				json_object_set_new(entry, "check", json_string(check->name));
				if (check->file_count)
					json_object_set_new(entry, "files", string_array(check->files, check->file_count));
				if (check->max_age.present)
					json_object_set_new(entry, "max_age_ms", milliseconds(&check->max_age));
				if (check->http_path)
					json_object_set_new(entry, "path", json_string(check->http_path));
				json_array_append_new(checks, entry);
			}
		}
	}
	return checks;
}

/* snapshot.create / snapshot.restore arguments: the stage's policy, resolved. */
static json_t *snapshot_args(struct plan_builder *builder, const struct model_stage *stage, const char *purpose)
{
	const struct model *model = builder->context->model;
	const struct model_snapshot_manifest *manifest = NULL;
	const struct model_snapshot_policy *policy = find_policy(model, stage->snapshot_policy.text, &manifest);
	json_t *args = json_object();
	json_object_set_new(args, "stage", json_string(stage->name.text));
	json_object_set_new(args, "state_dir", json_string(stage->state_dir ? stage->state_dir : ""));
	json_object_set_new(args, "purpose", json_string(purpose));
	json_object_set_new(args, "policy", json_string(stage->snapshot_policy.text ? stage->snapshot_policy.text : ""));
	if (policy && manifest) {
		use_input(builder, manifest->source);
		json_object_set_new(args, "include", string_array(policy->include, policy->include_count));
		json_object_set_new(args, "exclude", string_array(policy->exclude, policy->exclude_count));
		json_t *retention = json_object();
		json_object_set_new(retention, "keep_last", policy->keep_last ? json_integer(policy->keep_last) : json_null());
		json_object_set_new(retention, "max_age_ms", milliseconds(&policy->max_age));
		json_object_set_new(args, "retention", retention);
		json_object_set_new(args, "store", json_string(manifest->store ? manifest->store : ""));
		json_object_set_new(args, "key_id", json_string(manifest->key_id.text ? manifest->key_id.text : ""));
		json_t *encryption = json_object();
		json_object_set_new(encryption, "algorithm", json_string(manifest->encryption_algorithm ? manifest->encryption_algorithm : "aes-256-gcm"));
		json_object_set_new(encryption, "chunk_size_bytes", manifest->chunk_size_bytes > 0 ? json_integer((json_int_t)llround(manifest->chunk_size_bytes)) : json_null());
		json_object_set_new(args, "encryption", encryption);
		json_t *compression = json_object();
		json_object_set_new(compression, "algorithm", json_string(manifest->compression_algorithm ? manifest->compression_algorithm : "zstd"));
		json_object_set_new(compression, "level", manifest->compression_level ? json_integer(manifest->compression_level) : json_null());
		json_object_set_new(args, "compression", compression);
	}
	for (size_t i = 0; i < model->snapshot_validation_count; i++)
		use_input(builder, model->snapshot_validations[i].source);
	return args;
}

/* ---- load tests ---- */

static json_t *request_definitions(const struct model_load_test *load_test, const struct model_scenario *scenario)
{
	json_t *requests = json_array();
	for (size_t r = 0; r < load_test->request_count; r++) {
		const struct model_request *request = &load_test->requests[r];
		const char *name = request->name.text;
		bool wanted = scenario->requests.count == 0;
		for (size_t i = 0; i < scenario->requests.count && !wanted; i++)
			wanted = name && strcmp(scenario->requests.items[i].text, name) == 0;
		if (!wanted)
			continue;
		json_t *definition = json_object();
		json_object_set_new(definition, "name", json_string(name ? name : ""));
		json_object_set_new(definition, "method", json_string(request->method ? request->method : "GET"));
		if (request->path)
			json_object_set_new(definition, "path", json_string(request->path));
		json_object_set_new(definition, "weight", json_integer(request->weight));
		/* the file's common headers, overridden by the request's own */
		json_t *headers = json_is_object(load_test->headers) ? json_deep_copy(load_test->headers) : json_object();
		if (json_is_object(request->headers))
			json_object_update(headers, (json_t *)request->headers);
		json_object_set_new(definition, "headers", headers);
		if (request->json_body)
			json_object_set_new(definition, "body_json", json_deep_copy(request->json_body));
		if (request->body)
			json_object_set_new(definition, "body", json_deep_copy(request->body));
		if (request->expect)
			json_object_set_new(definition, "expect", json_deep_copy(request->expect));
		json_array_append_new(requests, definition);
	}
	return requests;
}

static json_t *loadtest_run_args(struct plan_builder *builder, const struct model_load_test *load_test,
				 const struct model_scenario *scenario, const struct model_stage *stage)
{
	use_input(builder, load_test->source);
	json_t *args = json_object();
	json_object_set_new(args, "operation", json_string("run"));
	json_object_set_new(args, "service", json_string(load_test->service.text ? load_test->service.text : ""));
	json_object_set_new(args, "stage", json_string(stage->name.text));
	json_object_set_new(args, "base_url", json_string(stage->base_url ? stage->base_url : ""));
	json_object_set_new(args, "scenario", json_string(scenario->name.text));
	json_object_set_new(args, "executor", json_string(scenario->executor ? scenario->executor : ""));
	if (scenario->ramp_count == 0) {
		if (scenario->rate != floor(scenario->rate))
			diag_add(builder->diags, DIAG_ERROR, "plan-not-integer", scenario->name.location.file,
				 scenario->name.location.line, scenario->name.location.col,
				 "scenario '%s': rate %g is not a whole number of requests per second", scenario->name.text,
				 scenario->rate);
		json_object_set_new(args, "rate", json_integer((json_int_t)llround(scenario->rate)));
		json_object_set_new(args, "duration_ms", milliseconds(&scenario->duration));
	} else {
		json_t *stages = json_array();
		for (size_t i = 0; i < scenario->ramp_count; i++) {
			json_t *ramp = json_object();
			json_object_set_new(ramp, "target", json_integer((json_int_t)llround(scenario->ramp[i].target)));
			json_object_set_new(ramp, "duration_ms", milliseconds(&scenario->ramp[i].duration));
			json_array_append_new(stages, ramp);
		}
		json_object_set_new(args, "stages", stages);
	}
	json_object_set_new(args, "connections", json_integer(scenario->connections));
	json_object_set_new(args, "timeout_ms", load_test->timeout.present ? milliseconds(&load_test->timeout)
									   : json_integer(PLAN_HTTP_TIMEOUT_MS));
	json_object_set_new(args, "off_peak_only", json_boolean(scenario->off_peak_only));
	json_object_set_new(args, "off_peak_window", window_json(&stage->off_peak_window));
	json_object_set_new(args, "requests", request_definitions(load_test, scenario));
	if (load_test->prometheus_url) {
		/* the runner reads the target's CPU and memory over the run from there */
		json_t *prometheus = json_object();
		json_object_set_new(prometheus, "url", json_string(load_test->prometheus_url));
		if (load_test->prometheus_selector)
			json_object_set_new(prometheus, "selector", json_string(load_test->prometheus_selector));
		json_object_set_new(args, "target_prometheus", prometheus);
	}
	return args;
}

static json_t *criteria_json(struct plan_builder *builder, const struct model_load_test *load_test)
{
	const struct model *model = builder->context->model;
	json_t *criteria = json_array();
	for (size_t i = 0; i < load_test->criterion_count; i++) {
		const struct model_criterion *criterion = &load_test->criteria[i];
		if (criterion->metric == MODEL_METRIC_BASELINE_REGRESSION)
			continue; /* the compare step carries these */
		json_t *entry = json_object();
		json_object_set_new(entry, "metric", json_string(criterion->metric_name));
		if (criterion->threshold.text) {
			const struct project_file *source = NULL;
			const struct model_threshold *threshold = find_threshold(model, criterion->threshold.text, &source);
			use_input(builder, source);
			json_object_set_new(entry, "threshold", json_string(criterion->threshold.text));
			json_object_set_new(entry, "level", json_string(model_level_name(criterion->level)));
			json_t *limit = threshold_limit(threshold, criterion->level);
			json_object_update(entry, limit);
			json_decref(limit);
		} else if (criterion->max.present || criterion->min.present) {
			/* a literal bound, in the unit the runner measures the metric in */
			const struct model_value *bound = criterion->max.present ? &criterion->max : &criterion->min;
			const char *metric = criterion->metric_name ? criterion->metric_name : "";
			bool latency = strncmp(metric, "latency_", 8) == 0, ratio = strcmp(metric, "error_ratio") == 0;
			double scale = latency ? 1000 : ratio ? 1e6 : 1;
			json_object_set_new(entry, "limit", json_integer((json_int_t)llround(bound->value * scale)));
			json_object_set_new(entry, "unit", json_string(latency ? "ms" : ratio ? "ppm" : "requests_per_second"));
			json_object_set_new(entry, "direction", json_string(criterion->max.present ? "above" : "below"));
		}
		if (criterion->scenarios.count)
			json_object_set_new(entry, "scenarios", string_list(&criterion->scenarios));
		if (criterion->requests.count)
			json_object_set_new(entry, "requests", string_list(&criterion->requests));
		json_array_append_new(criteria, entry);
	}
	return criteria;
}

static void add_loadtest_steps(struct plan_builder *builder, const struct model_stage *stage)
{
	const struct model *model = builder->context->model;
	for (size_t t = 0; t < model->load_test_count; t++) {
		const struct model_load_test *load_test = &model->load_tests[t];
		if (!load_test->target_stage.text || strcmp(load_test->target_stage.text, stage->name.text) != 0)
			continue;
		use_input(builder, load_test->source);
		begin_phase(builder, "validate-compliance-mode");
		if (load_test->compliance_mode.present) {
			long long timeout_ms = load_test->timeout.present ? llround(load_test->timeout.value * 1000) : PLAN_HTTP_TIMEOUT_MS;
			add_step(builder, "http.check", "Validate compliance mode",
				 http_check_args(stage->name.text, stage->base_url, &load_test->compliance_mode, timeout_ms));
		} else {
			add_step(builder, "stage.validate", "Validate the stage before load", stage_validate_args(stage));
		}

		const struct model_scenario *baseline = find_scenario(load_test, "baseline");
		if (baseline) {
			begin_phase(builder, "baseline-scenario");
			add_step(builder, "loadtest.run", "Baseline scenario", loadtest_run_args(builder, load_test, baseline, stage));
		}
		begin_phase(builder, "stress-scenarios");
		for (size_t s = 0; s < load_test->scenario_count; s++) {
			if (&load_test->scenarios[s] == baseline)
				continue;
			char *title = xasprintf("Scenario %s", load_test->scenarios[s].name.text);
			add_step(builder, "loadtest.run", title, loadtest_run_args(builder, load_test, &load_test->scenarios[s], stage));
			free(title);
		}

		const char *reports_dir = load_test->reports_dir ? load_test->reports_dir : "load-test/reports/dr";
		begin_phase(builder, "report");
		json_t *report = json_object();
		json_object_set_new(report, "operation", json_string("report"));
		json_object_set_new(report, "service", json_string(load_test->service.text ? load_test->service.text : ""));
		json_object_set_new(report, "stage", json_string(stage->name.text));
		json_object_set_new(report, "criteria", criteria_json(builder, load_test));
		json_object_set_new(report, "reports_dir", json_string(reports_dir));
		json_object_set_new(report, "sensitive_labels", model->project_count ? string_list(&model->projects[0].sensitive_labels) : json_array());
		add_step(builder, "loadtest.run", "Report against the pass criteria", report);

		begin_phase(builder, "compare-with-baselines");
		for (size_t c = 0; c < load_test->criterion_count; c++) {
			const struct model_criterion *criterion = &load_test->criteria[c];
			if (criterion->metric != MODEL_METRIC_BASELINE_REGRESSION)
				continue;
			json_t *compare = json_object();
			json_object_set_new(compare, "operation", json_string("compare"));
			json_object_set_new(compare, "baseline", json_string(criterion->baseline.text ? criterion->baseline.text : ""));
			json_object_set_new(compare, "baseline_sha256", file_digest(builder, criterion->baseline.text));
			json_object_set_new(compare, "max_increase_ppm", parts_per_million(&criterion->max_increase));
			json_object_set_new(compare, "scenarios", string_list(&criterion->scenarios));
			json_object_set_new(compare, "requests", string_list(&criterion->requests));
			json_object_set_new(compare, "reports_dir", json_string(reports_dir));
			add_step(builder, "loadtest.run", "Compare with the recorded baseline", compare);
		}

		begin_phase(builder, "store-report");
		json_t *store = json_object();
		json_object_set_new(store, "items", json_pack("[s]", "loadtest-report"));
		json_object_set_new(store, "dir", json_string(reports_dir));
		json_object_set_new(store, "layout", json_string("{run}/report.json"));
		json_object_set_new(store, "stage", json_string(stage->name.text));
		json_object_set_new(store, "retention", evidence_retention(model, "reports"));
		add_step(builder, "evidence.collect", "Store the report", store);
	}
}

/* ---- promotions and rollbacks ---- */

/* A member of the enrichment document as JSON (a deep copy), or an empty array. The runner has
 * no YAML reader: the plan carries what the scan needs. The kind's schema allows no numbers,
 * so the plan stays integer-only. */
static json_t *enrichment_member(const struct model_sbom_enrichment *enrichment, const char *member)
{
	const json_t *root = enrichment && enrichment->source ? enrichment->source->document.root : NULL;
	const json_t *value = json_object_get(root, member);
	return json_is_array(value) ? json_deep_copy(value) : json_array();
}

/* Everything the runner needs to repeat the build's scan without the tree's YAML: each deployed
 * service's SBOM (path, digest, purl type), the enrichment rules, the waivers (matched against
 * ids and aliases, expiring against the run's clock), the database (path, digest), and the
 * stage's fail_on and enforcement. */
static json_t *sbom_scan_args(struct plan_builder *builder, const struct model_stage *stage)
{
	const struct model *model = builder->context->model;
	const struct model_sbom_enrichment *enrichment = model->sbom_enrichment_count ? &model->sbom_enrichments[0] : NULL;
	json_t *args = json_object();
	json_t *services = json_array();
	for (size_t p = 0; p < model->project_count; p++) {
		for (size_t s = 0; s < model->projects[p].service_count; s++) {
			const struct model_service *service = &model->projects[p].services[s];
			if (!stage_deploys(stage, service->name.text))
				continue;
			const char *purl_type = NULL;
			for (size_t i = 0; enrichment && i < enrichment->sbom_count; i++)
				if (enrichment->sboms[i].service.text && strcmp(enrichment->sboms[i].service.text, service->name.text) == 0)
					purl_type = enrichment->sboms[i].purl_type;
			json_t *entry = json_object();
			json_object_set_new(entry, "service", json_string(service->name.text));
			json_object_set_new(entry, "sbom", service->sbom.text ? json_string(service->sbom.text) : json_null());
			json_object_set_new(entry, "sbom_sha256", file_digest(builder, service->sbom.text));
			json_object_set_new(entry, "purl_type", purl_type ? json_string(purl_type) : json_null());
			json_array_append_new(services, entry);
		}
	}
	json_object_set_new(args, "services", services);
	const char *database = NULL;
	for (size_t i = 0; i < model->sbom_enrichment_count; i++) {
		use_input(builder, model->sbom_enrichments[i].source);
		if (!database)
			database = model->sbom_enrichments[i].database.text;
	}
	json_t *rules = json_object();
	json_object_set_new(rules, "sboms", enrichment_member(enrichment, "sboms"));
	json_object_set_new(rules, "rules", enrichment_member(enrichment, "rules"));
	json_object_set_new(args, "enrichment", rules);
	json_object_set_new(args, "waivers", enrichment_member(enrichment, "waivers"));
	json_object_set_new(args, "database", database ? json_string(database) : json_null());
	json_object_set_new(args, "database_sha256", file_digest(builder, database));
	json_object_set_new(args, "fail_on", stage->security_fail_on ? json_string(stage->security_fail_on) : json_null());
	json_object_set_new(args, "enforcement", json_string(enforcement_name(stage->security_gate)));
	return args;
}

static json_t *evidence_args(struct plan_builder *builder, const char *workflow, const struct model_stage *stage)
{
	const struct model *model = builder->context->model;
	json_t *args = json_object();
	json_object_set_new(args, "workflow", json_string(workflow));
	json_object_set_new(args, "stage", json_string(stage->name.text));
	json_t *controls = json_array();
	const char *framework = NULL;
	for (size_t i = 0; i < model->evidence_template_count; i++) {
		const struct model_evidence_template *template = &model->evidence_templates[i];
		use_input(builder, template->source);
		framework = framework ? framework : template->framework;
		for (size_t c = 0; c < template->control_count; c++) {
			json_t *control = json_object();
			json_object_set_new(control, "id", json_string(template->controls[c].id.text));
			json_object_set_new(control, "evidence", string_list(&template->controls[c].evidence));
			json_array_append_new(controls, control);
		}
	}
	json_object_set_new(args, "framework", framework ? json_string(framework) : json_null());
	json_object_set_new(args, "controls", controls);
	json_t *items = json_object();
	for (size_t i = 0; i < model->collection_rules_count; i++) {
		use_input(builder, model->collection_rules[i].source);
		for (size_t k = 0; k < model->collection_rules[i].item_count; k++) {
			const struct model_evidence_item *item = &model->collection_rules[i].items[k];
			json_t *entry = json_object();
			json_object_set_new(entry, "from", json_string(item->from ? item->from : ""));
			if (item->step)
				json_object_set_new(entry, "step", json_string(item->step));
			if (item->path)
				json_object_set_new(entry, "path", json_string(item->path));
			json_object_set_new(items, item->name.text, entry);
		}
	}
	json_object_set_new(args, "items", items);
	/* what {service} stands for in collection paths: the stage's services, else all of them */
	json_t *services = string_list(&stage->services);
	for (size_t p = 0; !stage->services.count && p < model->project_count; p++)
		for (size_t i = 0; i < model->projects[p].service_count; i++)
			json_array_append_new(services, json_string(model->projects[p].services[i].name.text));
	json_object_set_new(args, "services", services);
	const char *signing_key = model->project_count ? model->projects[0].signing_evidence.text : NULL;
	json_object_set_new(args, "signing_key", signing_key ? json_string(signing_key) : json_null());
	const char *output = model->project_count && model->projects[0].output ? model->projects[0].output : "build";
	json_object_set_new(args, "build_dir", json_string(output));
	json_object_set_new(args, "retention", evidence_retention(model, "evidence"));
	return args;
}

/* The gates of `stage`, each with the step before which the runner checks it. */
static json_t *gates_json(struct plan_builder *builder, const struct model_stage *stage)
{
	const struct model *model = builder->context->model;
	json_t *gates = json_object();
	if (stage->loadtest_gate != MODEL_ENFORCEMENT_NONE) {
		json_t *gate = json_object();
		json_object_set_new(gate, "enforcement", json_string(enforcement_name(stage->loadtest_gate)));
		json_object_set_new(gate, "from_stage", json_string(stage->loadtest_from_stage.text ? stage->loadtest_from_stage.text : stage->name.text));
		json_object_set_new(gate, "level", json_string(model_level_name(stage->loadtest_level)));
		json_t *thresholds = json_array();
		for (size_t i = 0; i < stage->gate_threshold_count; i++) {
			const struct project_file *source = NULL;
			const struct model_threshold *threshold = find_threshold(model, stage->gate_thresholds[i].threshold.text, &source);
			use_input(builder, source);
			json_t *entry = threshold_limit(threshold, stage->loadtest_level);
			json_object_set_new(entry, "metric", json_string(stage->gate_thresholds[i].metric));
			json_object_set_new(entry, "threshold", json_string(stage->gate_thresholds[i].threshold.text));
			json_array_append_new(thresholds, entry);
		}
		json_object_set_new(gate, "thresholds", thresholds);
		json_object_set_new(gate, "checked_before", json_string("execute-promotion"));
		json_object_set_new(gates, "loadtest", gate);
	}
	if (stage->baseline_gate != MODEL_ENFORCEMENT_NONE) {
		json_t *gate = json_object();
		json_object_set_new(gate, "enforcement", json_string(enforcement_name(stage->baseline_gate)));
		json_object_set_new(gate, "max_regression_ppm", parts_per_million(&stage->max_regression));
		/* the baseline comparison is part of the same load-test report the loadtest gate reads */
		json_object_set_new(gate, "from_stage", json_string(stage->loadtest_from_stage.text ? stage->loadtest_from_stage.text : stage->name.text));
		json_object_set_new(gate, "checked_before", json_string("execute-promotion"));
		json_object_set_new(gates, "performance_baseline", gate);
	}
	if (stage->alerts_configured != MODEL_ENFORCEMENT_NONE) {
		/* the build's own verdict: a service without a threshold-backed alert is a finding */
		bool configured = true;
		for (size_t i = 0; i < builder->diags->count; i++)
			if (builder->diags->items[i].rule && strcmp(builder->diags->items[i].rule, "lint-service-without-alert") == 0)
				configured = false;
		json_t *gate = json_object();
		json_object_set_new(gate, "enforcement", json_string(enforcement_name(stage->alerts_configured)));
		json_object_set_new(gate, "configured", json_boolean(configured));
		json_object_set_new(gate, "checked_before", json_string("validate-current-stage"));
		json_object_set_new(gates, "alerts_configured", gate);
	}
	if (stage->rollback_gate != MODEL_ENFORCEMENT_NONE) {
		json_t *gate = json_object();
		json_object_set_new(gate, "enforcement", json_string(enforcement_name(stage->rollback_gate)));
		json_object_set_new(gate, "within_ms", milliseconds(&stage->rollback_within));
		json_object_set_new(gate, "checked_before", json_string("execute-promotion"));
		json_object_set_new(gates, "rollback_tested", gate);
	}
	if (stage->security_gate != MODEL_ENFORCEMENT_NONE) {
		json_t *gate = json_object();
		json_object_set_new(gate, "enforcement", json_string(enforcement_name(stage->security_gate)));
		json_object_set_new(gate, "fail_on", stage->security_fail_on ? json_string(stage->security_fail_on) : json_null());
		json_object_set_new(gate, "checked_before", json_string("execute-promotion"));
		json_object_set_new(gates, "security_scan", gate);
	}
	json_t *approvals = json_object();
	json_object_set_new(approvals, "required", json_integer(stage->approvals_required));
	json_object_set_new(approvals, "from", string_list(&stage->approvers));
	json_object_set_new(approvals, "checked_before", json_string("execute-promotion"));
	json_object_set_new(gates, "approvals", approvals);
	return gates;
}

/* What the state export says of `stage`: {generation, release_digest}; a stage the export does
 * not list has never been deployed (generation 0, no release). */
static json_t *expected_stage_state(const json_t *state, const char *stage)
{
	const json_t *entry = json_object_get(json_object_get(state, "stages"), stage);
	json_t *expected = json_object();
	const json_t *generation = json_object_get(entry, "generation");
	const json_t *digest = json_object_get(entry, "release_digest");
	json_object_set_new(expected, "generation", json_integer(json_is_integer(generation) ? json_integer_value(generation) : 0));
	json_object_set_new(expected, "release_digest", json_is_string(digest) ? json_string(json_string_value(digest)) : json_null());
	return expected;
}

static void add_promotion_steps(struct plan_builder *builder, const struct model_stage *from, const struct model_stage *to)
{
	const struct model *model = builder->context->model;
	begin_phase(builder, "validate-current-stage");
	add_step(builder, "stage.validate", "Validate the current stage", stage_validate_args(from));
	add_health_checks(builder, from, "Health of the current stage");

	begin_phase(builder, "create-stage-snapshot");
	json_t *snapshot = snapshot_args(builder, to, "recovery");
	json_object_set_new(snapshot, "checks", validation_checks(model, to->snapshot_policy.text, MODEL_PHASE_AFTER_CREATE));
	add_step(builder, "snapshot.create", "Create a snapshot of the target stage", snapshot);

	begin_phase(builder, "run-stage-tests");
	const struct model_load_test *load_test = load_test_for_stage(model, to);
	for (size_t i = 0; load_test && i < to->test_scenarios.count; i++) {
		const struct model_scenario *scenario = find_scenario(load_test, to->test_scenarios.items[i].text);
		if (!scenario)
			continue;
		char *title = xasprintf("Stage test: scenario %s", scenario->name.text);
		add_step(builder, "loadtest.run", title, loadtest_run_args(builder, load_test, scenario, to));
		free(title);
	}
	if (builder->phase_step_count == 0)
		add_step(builder, "stage.validate", "No stage tests configured: validate the target", stage_validate_args(to));

	begin_phase(builder, "update-sbom-and-scan");
	add_step(builder, "sbom.scan", "Update the SBOMs and scan them", sbom_scan_args(builder, to));

	begin_phase(builder, "generate-compliance-evidence");
	add_step(builder, "evidence.collect", "Generate compliance evidence", evidence_args(builder, "promote", to));

	begin_phase(builder, "execute-promotion");
	json_t *promote = json_object();
	json_object_set_new(promote, "from", json_string(from->name.text));
	json_object_set_new(promote, "to", json_string(to->name.text));
	json_object_set_new(promote, "from_state_dir", json_string(from->state_dir ? from->state_dir : ""));
	json_object_set_new(promote, "to_state_dir", json_string(to->state_dir ? to->state_dir : ""));
	json_object_set_new(promote, "source", json_string("stage"));
	const json_t *state = builder->context->plan_state;
	json_t *source_state = state ? expected_stage_state(state, from->name.text) : NULL;
	json_object_set_new(promote, "release_digest",
			    source_state ? json_incref(json_object_get(source_state, "release_digest")) : json_null());
	json_decref(source_state);
	add_step(builder, "stage.promote", "Promote the release", promote);

	begin_phase(builder, "verify-new-stage");
	add_health_checks(builder, to, "Health of the new stage");
}

static void add_rollback_steps(struct plan_builder *builder, const struct model_stage *stage)
{
	const struct model *model = builder->context->model;
	begin_phase(builder, "validate-rollback-target");
	add_step(builder, "stage.validate", "Validate the rollback target", stage_validate_args(stage));

	begin_phase(builder, "create-recovery-snapshot");
	json_t *recovery = snapshot_args(builder, stage, "recovery");
	json_object_set_new(recovery, "checks", validation_checks(model, stage->snapshot_policy.text, MODEL_PHASE_AFTER_CREATE));
	add_step(builder, "snapshot.create", "Create a recovery snapshot", recovery);

	begin_phase(builder, "restore-previous-snapshot");
	json_t *restore = snapshot_args(builder, stage, "rollback");
	json_object_set_new(restore, "select", json_string("latest-before-current-release"));
	json_object_set_new(restore, "into", json_string("staging"));
	json_object_set_new(restore, "checks", validation_checks(model, stage->snapshot_policy.text, MODEL_PHASE_BEFORE_RESTORE));
	add_step(builder, "snapshot.restore", "Load the previous stage snapshot", restore);

	begin_phase(builder, "verify-dependencies");
	json_t *dependencies = stage_validate_args(stage);
	json_object_set_new(dependencies, "scope", json_string("restored-snapshot"));
	json_t *required_files = json_array();
	json_t *before = validation_checks(model, stage->snapshot_policy.text, MODEL_PHASE_BEFORE_RESTORE);
	size_t index;
	json_t *check;
	json_array_foreach(before, index, check) {
		size_t file_index;
		json_t *file;
		json_array_foreach(json_object_get(check, "files"), file_index, file)
			json_array_append(required_files, file);
	}
	json_decref(before);
	json_object_set_new(dependencies, "require_files", required_files);
	add_step(builder, "stage.validate", "Verify the restored state's dependencies", dependencies);

	begin_phase(builder, "execute-rollback");
	json_t *swap = json_object();
	json_object_set_new(swap, "from", json_string(stage->name.text));
	json_object_set_new(swap, "to", json_string(stage->name.text));
	json_object_set_new(swap, "source", json_string("restored-snapshot"));
	json_object_set_new(swap, "to_state_dir", json_string(stage->state_dir ? stage->state_dir : ""));
	json_object_set_new(swap, "release_digest", json_null());
	add_step(builder, "stage.promote", "Swap the restored state in", swap);

	begin_phase(builder, "run-health-checks");
	add_health_checks(builder, stage, "Health after rollback");
	json_t *after = stage_validate_args(stage);
	json_object_set_new(after, "checks", validation_checks(model, stage->snapshot_policy.text, MODEL_PHASE_AFTER_RESTORE));
	add_step(builder, "stage.validate", "Snapshot checks after restore", after);

	begin_phase(builder, "update-monitoring");
	json_t *monitoring = json_object();
	json_object_set_new(monitoring, "stage", json_string(stage->name.text));
	json_object_set_new(monitoring, "event", json_string("rollback"));
	add_step(builder, "monitoring.update", "Update monitoring", monitoring);
}

/* Starts a payload with the members every plan has; the steps and inputs are filled after. */
static void builder_start(struct plan_builder *builder, const struct emit_context *context, struct diag_list *diags,
			  const char *workflow, const char *stage, const char *from_stage)
{
	const struct model *model = context->model;
	builder->context = context;
	builder->diags = diags;
	builder->payload = json_object();
	builder->inputs = json_object();
	builder->steps = json_array();
	json_t *payload = builder->payload;
	json_object_set_new(payload, "format", json_integer(PLAN_FORMAT_VERSION));
	json_object_set_new(payload, "kind", json_string("goosec-plan"));
	json_object_set_new(payload, "project", json_string(model->project_count && model->projects[0].name.text ? model->projects[0].name.text : ""));
	json_object_set_new(payload, "workflow", json_string(workflow));
	json_object_set_new(payload, "stage", json_string(stage));
	json_object_set_new(payload, "from_stage", from_stage ? json_string(from_stage) : json_null());
	if (context->has_source_date) {
		json_object_set_new(payload, "created", json_integer((json_int_t)context->source_date));
		json_object_set_new(payload, "expires", json_integer((json_int_t)context->source_date + context->plan_ttl_seconds));
	} else {
		json_object_set_new(payload, "created", json_null());
		json_object_set_new(payload, "expires", json_null());
	}
	if (context->plan_signing_key) {
		json_t *key = json_object();
		json_object_set_new(key, "name", context->plan_signing_key_name ? json_string(context->plan_signing_key_name) : json_null());
		json_object_set_new(key, "id", json_string(context->plan_signing_key->key_id));
		json_object_set_new(payload, "signing_key", key);
	} else {
		json_object_set_new(payload, "signing_key", json_null());
	}
	if (context->plan_state) {
		json_t *expected = json_object();
		json_object_set_new(expected, stage, expected_stage_state(context->plan_state, stage));
		if (from_stage)
			json_object_set_new(expected, from_stage, expected_stage_state(context->plan_state, from_stage));
		json_object_set_new(payload, "expected_state", expected);
		json_object_set_new(payload, "state_check", json_string("exact"));
	} else {
		json_object_set_new(payload, "expected_state", json_null());
		json_object_set_new(payload, "state_check", json_string("first-seen"));
	}
	for (size_t i = 0; i < model->project_count; i++)
		use_input(builder, model->projects[i].source);
}

static json_t *builder_finish(struct plan_builder *builder)
{
	json_object_set_new(builder->payload, "inputs", builder->inputs);
	json_object_set_new(builder->payload, "steps", builder->steps);
	return builder->payload;
}

json_t *plan_build_all(const struct emit_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	json_t *plans = json_object();
	for (size_t i = 0; i < model->stage_count; i++) {
		const struct model_stage *stage = &model->stages[i];
		if (!stage->name.text)
			continue;
		struct plan_builder builder;
		bool targeted = false;
		for (size_t t = 0; t < model->load_test_count; t++)
			targeted |= model->load_tests[t].target_stage.text && strcmp(model->load_tests[t].target_stage.text, stage->name.text) == 0;
		if (targeted) {
			builder_start(&builder, context, diags, "loadtest", stage->name.text, NULL);
			use_input(&builder, stage->source);
			add_loadtest_steps(&builder, stage);
			char *path = xasprintf("plans/loadtest-%s.plan", stage->name.text);
			json_object_set_new(plans, path, builder_finish(&builder));
			free(path);
		}
		const struct model_stage *from = find_stage(model, stage->promotes_from.text);
		if (from) {
			builder_start(&builder, context, diags, "promote", stage->name.text, from->name.text);
			use_input(&builder, from->source);
			use_input(&builder, stage->source);
			json_object_set_new(builder.payload, "gates", gates_json(&builder, stage));
			add_promotion_steps(&builder, from, stage);
			char *path = xasprintf("plans/promote-%s-to-%s.plan", from->name.text, stage->name.text);
			json_object_set_new(plans, path, builder_finish(&builder));
			free(path);
		}
		if (stage->snapshot_policy.text) {
			builder_start(&builder, context, diags, "rollback", stage->name.text, NULL);
			use_input(&builder, stage->source);
			add_rollback_steps(&builder, stage);
			char *path = xasprintf("plans/rollback-%s.plan", stage->name.text);
			json_object_set_new(plans, path, builder_finish(&builder));
			free(path);
		}
	}
	return plans;
}

int plan_encode(const json_t *payload, const struct signing_key *key, struct strbuf *out)
{
	if (!plan_format_is_integer_only(payload))
		return -1;
	size_t length;
	char *canonical = canonical_json_dumps(payload, &length);
	if (!canonical)
		return -1;
	int status = signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, canonical, length, key, out);
	free(canonical);
	return status;
}

void emit_plans(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	if (!context->plan_signing_key && !context->plans_unsigned) {
		diag_add(diags, DIAG_ERROR, "plan-signing-key", NULL, 0, 0,
			 "plans need a signing key: pass --sign-key FILE or set GOOSEC_SIGNING_KEY_FILE (or --unsigned)");
		return;
	}
	json_t *plans = plan_build_all(context, diags);
	const char *path;
	json_t *payload;
	json_object_foreach(plans, path, payload) {
		struct strbuf envelope;
		strbuf_init(&envelope);
		if (plan_encode(payload, context->plan_signing_key, &envelope) != 0) {
			diag_add(diags, DIAG_ERROR, "plan-encoding", NULL, 0, 0,
				 "cannot encode plan '%s': not integer-only canonical JSON, or signing failed", path);
			strbuf_release(&envelope);
			continue;
		}
		size_t length;
		char *data = strbuf_detach(&envelope, &length);
		emit_output_add(output, path, data, length);
	}
	json_decref(plans);
}

/* ---- reading and rendering ---- */

int plan_read(const char *data, size_t length, struct signing_envelope *envelope, json_t **payload, char **error)
{
	*payload = NULL;
	char *reason = NULL;
	if (signing_envelope_parse(envelope, data, length, &reason) != 0) {
		*error = reason;
		return -1;
	}
	json_t *root = NULL;
	if (strcmp(envelope->payload_type, SIGNING_PLAN_PAYLOAD_TYPE) != 0) {
		reason = xasprintf("payload type is '%s', not '%s'", envelope->payload_type, SIGNING_PLAN_PAYLOAD_TYPE);
	} else if (!canonical_json_parse_canonical(envelope->payload, envelope->payload_length, &root, &reason)) {
		char *detail = reason;
		reason = xasprintf("plan payload: %s", detail);
		free(detail);
	} else if (!plan_format_is_integer_only(root)) {
		reason = xstrdup("plan payload holds a non-integer number");
	} else {
		reason = plan_format_check(root);
	}
	if (reason) {
		json_decref(root);
		signing_envelope_release(envelope);
		*error = reason;
		return -1;
	}
	*payload = root;
	return 0;
}

static void render_time(const json_t *seconds, struct strbuf *out)
{
	if (!json_is_integer(seconds)) {
		strbuf_addstr(out, "none");
		return;
	}
	time_t value = (time_t)json_integer_value(seconds);
	struct tm parts;
	char text[32];
	if (gmtime_r(&value, &parts) && strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &parts))
		strbuf_addstr(out, text);
	else
		strbuf_addf(out, "@%lld", (long long)json_integer_value(seconds));
}

/* A short, one-line form of a value: scalars as they are, containers by their size. */
static void render_value(const json_t *value, struct strbuf *out)
{
	switch (json_typeof(value)) {
	case JSON_STRING: {
		/* a plan is untrusted until verified: no control characters reach the terminal */
		const char *text = json_string_value(value);
		for (size_t i = 0; i < json_string_length(value); i++)
			strbuf_addch(out, (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i]);
		break;
	}
	case JSON_INTEGER: strbuf_addf(out, "%lld", (long long)json_integer_value(value)); break;
	case JSON_TRUE: strbuf_addstr(out, "true"); break;
	case JSON_FALSE: strbuf_addstr(out, "false"); break;
	case JSON_NULL: strbuf_addstr(out, "none"); break;
	case JSON_ARRAY: {
		bool scalars = json_array_size(value) <= 6;
		for (size_t i = 0; i < json_array_size(value) && scalars; i++)
			scalars = json_is_string(json_array_get(value, i)) || json_is_integer(json_array_get(value, i));
		if (!scalars) {
			strbuf_addf(out, "[%zu items]", json_array_size(value));
			break;
		}
		strbuf_addch(out, '[');
		for (size_t i = 0; i < json_array_size(value); i++) {
			if (i)
				strbuf_addstr(out, ", ");
			render_value(json_array_get(value, i), out);
		}
		strbuf_addch(out, ']');
		break;
	}
	case JSON_OBJECT: strbuf_addf(out, "{%zu}", json_object_size(value)); break;
	default: strbuf_addstr(out, "?");
	}
}

/* The arguments worth a glance for each action, in the order people read them. */
static const char *const *key_arguments(const char *action)
{
	static const char *const validate[] = { "stage", "state_dir", "scope", "require_files", NULL };
	static const char *const http[] = { "method", "url", "expect", "timeout_ms", NULL };
	static const char *const snapshot[] = { "stage", "purpose", "policy", "select", "store", "key_id", NULL };
	static const char *const loadtest[] = { "operation", "scenario", "executor", "rate", "duration_ms", "stages",
						"connections", "off_peak_only", "baseline", "max_increase_ppm", "criteria", NULL };
	static const char *const sbom[] = { "services", "database", "fail_on", "enforcement", NULL };
	static const char *const evidence[] = { "framework", "controls", "items", "dir", NULL };
	static const char *const promote[] = { "from", "to", "source", "to_state_dir", "release_digest", NULL };
	static const char *const exec[] = { "argv", "timeout_ms", NULL };
	static const char *const monitoring[] = { "stage", "event", NULL };
	if (strcmp(action, "stage.validate") == 0) return validate;
	if (strcmp(action, "http.check") == 0) return http;
	if (strncmp(action, "snapshot.", 9) == 0) return snapshot;
	if (strcmp(action, "loadtest.run") == 0) return loadtest;
	if (strcmp(action, "sbom.scan") == 0) return sbom;
	if (strcmp(action, "evidence.collect") == 0) return evidence;
	if (strcmp(action, "stage.promote") == 0) return promote;
	if (strcmp(action, "exec") == 0) return exec;
	return monitoring;
}

static void render_expect(const json_t *expect, struct strbuf *out)
{
	const json_t *status = json_object_get(expect, "status");
	if (status) {
		strbuf_addstr(out, "status ");
		render_value(status, out);
	}
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)json_object_get(expect, "json"), key, value) {
		strbuf_addf(out, ", json %s=", key);
		render_value(value, out);
	}
	if (json_object_get(expect, "body_contains"))
		strbuf_addf(out, ", body contains '%s'", json_string_value(json_object_get(expect, "body_contains")));
}

static void render_plan(const json_t *payload, struct strbuf *out);

void plan_render_text(const json_t *payload, struct strbuf *out)
{
	size_t start = out->len;
	render_plan(payload, out);
	/* names and titles are printed as they are: replace any control character but the newline */
	for (size_t i = start; i < out->len; i++)
		if (((unsigned char)out->buf[i] < 0x20 && out->buf[i] != '\n') || out->buf[i] == 0x7f)
			out->buf[i] = '?';
}

static void render_plan(const json_t *payload, struct strbuf *out)
{
	const char *workflow = json_string_value(json_object_get(payload, "workflow"));
	const char *stage = json_string_value(json_object_get(payload, "stage"));
	const char *from = json_string_value(json_object_get(payload, "from_stage"));
	strbuf_addf(out, "plan: %s ", workflow ? workflow : "?");
	if (from)
		strbuf_addf(out, "%s -> ", from);
	strbuf_addf(out, "%s (project %s, format %lld)\n", stage ? stage : "?",
		    json_string_value(json_object_get(payload, "project")) ? json_string_value(json_object_get(payload, "project")) : "?",
		    (long long)json_integer_value(json_object_get(payload, "format")));
	const json_t *key = json_object_get(payload, "signing_key");
	if (json_is_object(key))
		strbuf_addf(out, "signing key: %s (id %s)\n",
			    json_string_value(json_object_get(key, "name")) ? json_string_value(json_object_get(key, "name")) : "unnamed",
			    json_string_value(json_object_get(key, "id")) ? json_string_value(json_object_get(key, "id")) : "?");
	else
		strbuf_addstr(out, "signing key: none (built --unsigned)\n");
	strbuf_addstr(out, "created: ");
	render_time(json_object_get(payload, "created"), out);
	strbuf_addstr(out, "\nexpires: ");
	render_time(json_object_get(payload, "expires"), out);
	strbuf_addstr(out, "\nexpected state: ");
	const json_t *expected = json_object_get(payload, "expected_state");
	if (json_is_object(expected)) {
		const char *name;
		const json_t *entry;
		bool first = true;
		json_object_foreach((json_t *)expected, name, entry) {
			strbuf_addf(out, "%s%s generation %lld, release ", first ? "" : "; ", name,
				    (long long)json_integer_value(json_object_get(entry, "generation")));
			render_value(json_object_get(entry, "release_digest"), out);
			first = false;
		}
	} else {
		strbuf_addstr(out, "none given at build; the runner records the state it first sees");
	}
	strbuf_addf(out, "\ninputs: %zu files\n", json_object_size(json_object_get(payload, "inputs")));
	const json_t *gates = json_object_get(payload, "gates");
	if (json_is_object(gates) && json_object_size(gates)) {
		strbuf_addstr(out, "gates:\n");
		const char *name;
		const json_t *gate;
		json_object_foreach((json_t *)gates, name, gate) {
			strbuf_addf(out, "  %s:", name);
			const char *member;
			const json_t *value;
			json_object_foreach((json_t *)gate, member, value) {
				strbuf_addf(out, " %s=", member);
				render_value(value, out);
			}
			strbuf_addch(out, '\n');
		}
	}
	const json_t *steps = json_object_get(payload, "steps");
	strbuf_addf(out, "steps: %zu\n", json_array_size(steps));
	size_t index;
	const json_t *step;
	json_array_foreach(steps, index, step) {
		const char *action = json_string_value(json_object_get(step, "action"));
		const json_t *args = json_object_get(step, "args");
		strbuf_addf(out, "%3zu. %-18s %s\n", index + 1, action ? action : "?",
			    json_string_value(json_object_get(step, "title")) ? json_string_value(json_object_get(step, "title")) : "");
		strbuf_addstr(out, "      ");
		bool first = true;
		for (const char *const *name = key_arguments(action ? action : ""); *name; name++) {
			const json_t *value = json_object_get(args, *name);
			if (!value)
				continue;
			strbuf_addf(out, "%s%s=", first ? "" : "  ", *name);
			if (strcmp(*name, "expect") == 0)
				render_expect(value, out);
			else
				render_value(value, out);
			first = false;
		}
		strbuf_addch(out, '\n');
	}
}
