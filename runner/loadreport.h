/* Load-test reports as data: a scenario's engine result turned into JSON, criteria evaluated
 * over every scenario, the comparison with a recorded baseline, and the four renderings of one
 * report (report.json is the model; junit.xml, summary.md and report.html are drawn from it).
 *
 * Ownership: every json_t and char * returned is new and goes to the caller; arguments are
 * borrowed. Functions here never print, never touch files and never read the clock. */
#ifndef GOOSE_LOADREPORT_H
#define GOOSE_LOADREPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "loadgen.h"

#define LOADREPORT_FORMAT 1

/* Error ratios below this floor (0.1%) are compared with a baseline as if they were the floor,
 * so a baseline of zero errors does not turn one error into an infinite regression. */
#define LOADREPORT_ERROR_RATIO_FLOOR 0.001

/* The non-empty buckets of a histogram: {"unit":"us","count","min","max","buckets":[[value,count]...]}
 * where value is the bucket's lowest value; loadreport_histogram_read rebuilds the same counts. */
json_t *loadreport_histogram_json(const struct loadgen_hist *hist);
/* Adds the buckets of `json` into `hist` (initialised with loadgen_hist_init): 0, or -1 when
 * the JSON is not such a histogram. */
int loadreport_histogram_read(const json_t *json, struct loadgen_hist *hist);

/* Whether a response of `status_class` (1..5) meets a request's `expect` (NULL: any 2xx). */
bool loadreport_class_expected(const json_t *expect, int status_class);

/* The stored record of one scenario run: what was asked (executor, rates, duration, mix) from
 * the step's `args`, and every figure of `result` (totals, errors by class, per-request figures
 * with histograms, the per-second series with the schedule's target rate, engine usage). */
json_t *loadreport_scenario_json(const json_t *args, const struct loadgen_result *result);

/* The longest scenario (or stage of one) a plan may ask for: 30 days. */
#define LOADREPORT_DURATION_MAX_MS 2592000000LL

/* The open-model schedule a run step's args ask for ("rate" + "duration_ms", or "stages" of
 * {target, duration_ms} ramping from 0): 0 with the stages in `*stages` (caller frees), or -1
 * when the args hold neither, or durations or rates out of range. */
int loadreport_schedule(const json_t *args, struct loadgen_schedule *schedule, struct loadgen_stage **stages);

/* The report of a load test. `meta` ({run_id, plan_digest, project, service, stage, release,
 * time}) is copied in; `scenarios` holds one entry per scenario of the plan, in plan order: a
 * record from loadreport_scenario_json, or {"name","status":"not-run","reason"}. Criteria
 * (the report step's `criteria`) are evaluated per criterion per scenario; a scenario that did
 * not run makes its criteria "skipped" and the verdict failed (an incomplete load test proves
 * nothing). */
json_t *loadreport_build(const json_t *meta, const json_t *scenarios, const json_t *criteria);

/* Compares `report` with `baseline` (the parsed baseline file) per scenario, request and metric
 * (p50_ms, p95_ms, p99_ms, error_ratio) against `compare_args` {max_increase_ppm, scenarios,
 * requests} and records it under "baseline" (with `baseline_path` and `baseline_sha256`), then
 * recomputes the verdict. 0, or -1 with `*error` when the baseline cannot be read. */
int loadreport_compare(json_t *report, const json_t *baseline, const json_t *compare_args, const char *baseline_path,
		       const char *baseline_sha256, char **error);

/* The baseline this run would record, in the tracked baseline's format, for review: the
 * scenarios named in `scenario_names` (all that ran when it is empty or NULL). */
json_t *loadreport_proposed_baseline(const json_t *report, const json_t *baseline, const json_t *scenario_names,
				     const char *recorded_utc);

/* Recomputes report["verdict"] from its criteria and baseline sections. */
void loadreport_verdict(json_t *report);

/* The renderings. junit: one testsuite per scenario, one testcase per criterion per scenario
 * (plus one per scenario for the baseline comparison). html: `page_template` with its
 * placeholders filled; NULL with `*error` when the template lacks one. */
char *loadreport_junit(const json_t *report);
char *loadreport_markdown(const json_t *report);
char *loadreport_html(const json_t *report, const char *page_template, char **error);

/* A criterion's value in a scenario in the criterion's unit ("ms", "ppm", "requests_per_second"),
 * over the named requests only when `requests` is a non-empty array. false when the metric is
 * unknown or there is no data. */
bool loadreport_metric_value(const json_t *scenario, const char *metric, const json_t *requests, double *value);

#endif
