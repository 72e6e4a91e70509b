/* Unit tests of the load-test report: histogram round trips, status expectations, a scenario's
 * figures from an engine result, criteria per scenario, the baseline comparison and verdict, and
 * the JUnit, Markdown and HTML renderings (exact counts, escaping, template placeholders). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "loadgen.h"
#include "loadreport.h"
#include "banned.h"

static json_t *parse(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, 0, &error);
	ck_assert_msg(value != NULL, "test JSON: %s", error.text);
	return value;
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t count = 0;
	for (const char *at = strstr(haystack, needle); at; at = strstr(at + 1, needle))
		count++;
	return count;
}

START_TEST(histogram_round_trip_keeps_every_count)
{
	struct loadgen_hist hist, back;
	loadgen_hist_init(&hist);
	loadgen_hist_init(&back);
	for (int64_t value = 1; value <= 200000; value = value * 3 / 2 + 1)
		loadgen_hist_record_n(&hist, value, (uint64_t)(value % 7 + 1));
	loadgen_hist_record(&hist, 123456789); /* beyond 60 s: counted in the top bucket, max exact */
	json_t *json = loadreport_histogram_json(&hist);
	ck_assert_str_eq(json_string_value(json_object_get(json, "unit")), "us");
	ck_assert_int_eq(json_integer_value(json_object_get(json, "count")), (json_int_t)hist.total_count);
	ck_assert_int_eq(loadreport_histogram_read(json, &back), 0);
	ck_assert_uint_eq(back.total_count, hist.total_count);
	ck_assert_int_eq(back.min, hist.min);
	ck_assert_int_eq(back.max, 123456789);
	for (double percentile = 1; percentile <= 99.9; percentile += 7.3)
		ck_assert_int_eq(loadgen_hist_percentile(&back, percentile), loadgen_hist_percentile(&hist, percentile));
	json_decref(json);
	loadgen_hist_release(&back);
	loadgen_hist_release(&hist);
}
END_TEST

START_TEST(histogram_read_refuses_what_is_not_one)
{
	struct loadgen_hist hist;
	loadgen_hist_init(&hist);
	json_t *bad = parse("{\"buckets\":[[10,-1]]}");
	ck_assert_int_eq(loadreport_histogram_read(bad, &hist), -1);
	json_decref(bad);
	bad = parse("{\"buckets\":{}}");
	ck_assert_int_eq(loadreport_histogram_read(bad, &hist), -1);
	json_decref(bad);
	loadgen_hist_release(&hist);
}
END_TEST

START_TEST(expected_status_classes)
{
	ck_assert(loadreport_class_expected(NULL, 2));
	ck_assert(!loadreport_class_expected(NULL, 3));
	ck_assert(!loadreport_class_expected(NULL, 4));
	json_t *created = parse("{\"status\":201}");
	ck_assert(loadreport_class_expected(created, 2));
	ck_assert(!loadreport_class_expected(created, 5));
	json_t *list = parse("{\"status\":[200,404]}");
	ck_assert(loadreport_class_expected(list, 2));
	ck_assert(loadreport_class_expected(list, 4));
	ck_assert(!loadreport_class_expected(list, 5));
	json_decref(created);
	json_decref(list);
}
END_TEST

/* Two requests: "read" got 90 2xx and 10 5xx in 1..10 ms; "missing" expects 404 and got 20 of
 * them plus 2 refused connections. 3 sends never went out. Three seconds of series. */
static void fake_result(struct loadgen_result *result)
{
	memset(result, 0, sizeof(*result));
	loadgen_hist_init(&result->latency);
	result->request_count = 2;
	result->per_request = calloc(2, sizeof(*result->per_request));
	for (size_t r = 0; r < 2; r++)
		loadgen_hist_init(&result->per_request[r].latency);
	struct loadgen_counts *read = &result->per_request[0].counts, *missing = &result->per_request[1].counts;
	read->responses = 100;
	read->status_class[2] = 90;
	read->status_class[5] = 10;
	for (int i = 0; i < 100; i++) {
		loadgen_hist_record(&result->per_request[0].latency, 1000 + i * 90);
		loadgen_hist_record(&result->latency, 1000 + i * 90);
	}
	missing->responses = 20;
	missing->status_class[4] = 20;
	missing->connect_errors = 2;
	for (int i = 0; i < 20; i++) {
		loadgen_hist_record(&result->per_request[1].latency, 500);
		loadgen_hist_record(&result->latency, 500);
	}
	result->counts.responses = 120;
	result->counts.status_class[2] = 90;
	result->counts.status_class[4] = 20;
	result->counts.status_class[5] = 10;
	result->counts.connect_errors = 2;
	result->counts.dropped_sends = 3;
	result->duration_s = 2.0;
	result->connections = 4;
	result->threads = 2;
	result->series = calloc(3, sizeof(*result->series));
	result->series_count = result->series_alloc = 3;
	for (int s = 0; s < 3; s++)
		result->series[s] = (struct loadgen_series_point){ .second = s, .responses = 40, .errors = (uint64_t)s,
								    .p50_us = 2000, .p90_us = 5000, .p99_us = 9000, .max_us = 9900,
								    .engine_rss_kib = 10240 + s * 512, .engine_cpu_s = 0.25 * (s + 1) };
}

static const char scenario_args[] =
	"{\"operation\":\"run\",\"scenario\":\"ramp\",\"executor\":\"ramping-rate\",\"connections\":4,"
	"\"stages\":[{\"target\":100,\"duration_ms\":2000}],"
	"\"requests\":[{\"name\":\"read\",\"method\":\"GET\",\"path\":\"/r\",\"weight\":5},"
	"{\"name\":\"missing\",\"method\":\"GET\",\"path\":\"/m\",\"weight\":1,\"expect\":{\"status\":404}}]}";

static json_t *fake_scenario(void)
{
	struct loadgen_result result;
	fake_result(&result);
	json_t *args = parse(scenario_args);
	json_t *scenario = loadreport_scenario_json(args, &result);
	json_decref(args);
	loadgen_result_release(&result);
	return scenario;
}

START_TEST(scenario_figures_follow_the_expectations)
{
	json_t *scenario = fake_scenario();
	ck_assert_str_eq(json_string_value(json_object_get(scenario, "status")), "ran");
	ck_assert_str_eq(json_string_value(json_object_get(scenario, "executor")), "ramping-rate");
	/* read: 10 errors (5xx) of 100; missing: its 404s are expected, 2 refused connections are not */
	const json_t *read = json_array_get(json_object_get(scenario, "requests"), 0);
	const json_t *missing = json_array_get(json_object_get(scenario, "requests"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(read, "errors")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(read, "error_ratio_ppm")), 100000);
	ck_assert_int_eq(json_integer_value(json_object_get(missing, "errors")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(missing, "attempts")), 22);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(missing, "errors_by_class"), "unexpected_status")), 0);
	/* the scenario adds the 3 dropped sends: 15 errors of 125 attempts */
	ck_assert_int_eq(json_integer_value(json_object_get(scenario, "responses")), 120);
	ck_assert_int_eq(json_integer_value(json_object_get(scenario, "attempts")), 125);
	ck_assert_int_eq(json_integer_value(json_object_get(scenario, "errors")), 15);
	ck_assert_int_eq(json_integer_value(json_object_get(scenario, "error_ratio_ppm")), 120000);
	ck_assert_double_eq(json_real_value(json_object_get(scenario, "rps")), 60.0);
	/* a ramp from 0 to 100 req/s over 2 s asks for 25 in the first second, 75 in the second */
	const json_t *series = json_object_get(scenario, "series");
	ck_assert_int_eq(json_array_size(series), 3);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 0), "target_rate")), 25.0);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 1), "target_rate")), 75.0);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 2), "target_rate")), 0.0);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 1), "p99_ms")), 9.0);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 1), "engine_cpu_percent")), 25.0);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(series, 2), "engine_rss_mib")), 11.0);
	double value;
	ck_assert(loadreport_metric_value(scenario, "error_ratio", NULL, &value));
	ck_assert_double_eq(value, 120000);
	json_t *only_missing = parse("[\"missing\"]");
	ck_assert(loadreport_metric_value(scenario, "error_ratio", only_missing, &value));
	ck_assert_double_eq(value, 90909); /* 2 of 22 */
	ck_assert(loadreport_metric_value(scenario, "latency_p95", only_missing, &value));
	ck_assert_double_eq(value, 0.5);
	ck_assert(loadreport_metric_value(scenario, "throughput", NULL, &value));
	ck_assert_double_eq(value, 60);
	ck_assert(!loadreport_metric_value(scenario, "latency_p42", NULL, &value));
	json_decref(only_missing);
	json_decref(scenario);
}
END_TEST

static json_t *meta(void)
{
	return parse("{\"run_id\":\"20261126T020000Z-abcdef\",\"plan_digest\":\"sha256:00\",\"project\":\"ledger\","
		     "\"service\":\"ledger-api\",\"stage\":\"compliance\",\"time\":1795658400,"
		     "\"time_utc\":\"2026-11-26T02:00:00Z\",\"release\":{\"digest\":null,\"version\":\"1.2.0\"}}");
}

static const char criteria_text[] =
	"[{\"metric\":\"latency_p95\",\"threshold\":\"p95\",\"level\":\"warning\",\"limit\":250,\"unit\":\"ms\",\"direction\":\"above\"},"
	"{\"metric\":\"error_ratio\",\"threshold\":\"errors\",\"level\":\"warning\",\"limit\":10000,\"unit\":\"ppm\",\"direction\":\"above\"},"
	"{\"metric\":\"throughput\",\"threshold\":\"rate\",\"level\":\"critical\",\"limit\":50,\"unit\":\"requests_per_second\",\"direction\":\"below\"},"
	"{\"metric\":\"latency_p99\",\"threshold\":\"p99\",\"level\":\"critical\",\"limit\":null}]";

START_TEST(criteria_evaluated_per_scenario)
{
	json_t *scenarios = json_array();
	json_array_append_new(scenarios, fake_scenario());
	json_array_append_new(scenarios, parse("{\"name\":\"soak\",\"status\":\"not-run\",\"reason\":\"outside the window\"}"));
	json_t *criteria = parse(criteria_text);
	json_t *info = meta();
	json_t *report = loadreport_build(info, scenarios, criteria);
	const json_t *evaluated = json_object_get(report, "criteria");
	ck_assert_int_eq(json_array_size(evaluated), 4);
	const json_t *p95 = json_array_get(evaluated, 0);
	ck_assert_str_eq(json_string_value(json_object_get(p95, "label")), "latency_p95 <= 250 ms (p95, warning)");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(p95, "results"), 0), "status")), "passed");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(p95, "results"), 1), "status")), "skipped");
	const json_t *errors = json_array_get(json_object_get(json_array_get(evaluated, 1), "results"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(errors, "status")), "failed");
	ck_assert_str_eq(json_string_value(json_object_get(errors, "reason")), "120000 ppm is above the limit of 10000 ppm");
	const json_t *rate = json_array_get(evaluated, 2);
	ck_assert_str_eq(json_string_value(json_object_get(rate, "label")),
			 "throughput >= 50 requests_per_second (rate, critical)");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(rate, "results"), 0), "status")), "passed");
	const json_t *no_limit = json_array_get(json_object_get(json_array_get(evaluated, 3), "results"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(no_limit, "reason")), "the threshold has no limit at this level");
	const json_t *verdict = json_object_get(report, "verdict");
	ck_assert(json_is_false(json_object_get(verdict, "passed")));
	ck_assert(json_is_false(json_object_get(verdict, "complete")));
	ck_assert(json_is_null(json_object_get(verdict, "baseline_passed")));
	const json_t *failures = json_object_get(verdict, "failures");
	ck_assert_int_eq(json_array_size(failures), 3);
	ck_assert_str_eq(json_string_value(json_array_get(failures, 0)), "scenario 'soak' did not run: outside the window");
	ck_assert_str_eq(json_string_value(json_array_get(failures, 1)),
			 "error_ratio <= 10000 ppm (errors, warning) in scenario 'ramp': 120000 ppm is above the limit of 10000 ppm");
	/* the merged histogram holds the one scenario that ran */
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(report, "histogram"), "count")), 120);
	ck_assert_str_eq(json_string_value(json_object_get(report, "run_id")), "20261126T020000Z-abcdef");
	json_decref(report);
	json_decref(info);
	json_decref(criteria);
	json_decref(scenarios);
}
END_TEST

static json_t *passing_report(void)
{
	json_t *scenarios = json_array();
	json_array_append_new(scenarios, fake_scenario());
	json_t *criteria = parse("[{\"metric\":\"latency_p95\",\"threshold\":\"p95\",\"level\":\"warning\",\"limit\":250,"
				 "\"unit\":\"ms\",\"direction\":\"above\"}]");
	json_t *info = meta();
	json_t *report = loadreport_build(info, scenarios, criteria);
	json_decref(info);
	json_decref(criteria);
	json_decref(scenarios);
	return report;
}

START_TEST(baseline_comparison_per_request_and_metric)
{
	json_t *report = passing_report();
	ck_assert(json_is_true(json_object_get(json_object_get(report, "verdict"), "passed")));
	/* read: p50 now 5.411 ms (its bucket's highest value); missing: p95 0.5 ms, error ratio 2/22 */
	json_t *baseline = parse("{\"kind\":\"Baseline\",\"mode\":\"compliance\",\"release\":\"1.1.0\",\"scenarios\":{"
				 "\"ramp\":{\"rate\":100,\"requests\":{\"read\":{\"p50_ms\":4.9,\"p95_ms\":20.0,\"error_ratio\":0.1},"
				 "\"missing\":{\"p95_ms\":0.5,\"error_ratio\":0}}},"
				 "\"gone\":{\"rate\":5,\"requests\":{}}}}");
	json_t *args = parse("{\"max_increase_ppm\":100000,\"scenarios\":[\"ramp\"],\"requests\":[]}");
	char *error = NULL;
	ck_assert_int_eq(loadreport_compare(report, baseline, args, "load-test/baseline/x.json", "abc", &error), 0);
	const json_t *section = json_object_get(report, "baseline");
	const json_t *comparisons = json_object_get(section, "comparisons");
	ck_assert_int_eq(json_array_size(comparisons), 5);
	const json_t *read_p50 = json_array_get(comparisons, 0);
	ck_assert_str_eq(json_string_value(json_object_get(read_p50, "metric")), "p50_ms");
	ck_assert_int_eq(json_integer_value(json_object_get(read_p50, "increase_ppm")), 104286); /* 5.411 / 4.9 */
	ck_assert(json_is_false(json_object_get(read_p50, "passed")));
	ck_assert_str_eq(json_string_value(json_object_get(read_p50, "reason")), "from 4.9 to 5.411, +10.4% (at most 10.0%)");
	const json_t *read_p95 = json_array_get(comparisons, 1);
	ck_assert(json_is_true(json_object_get(read_p95, "passed")));
	/* an error ratio of 0.1 against a baseline of 0.1: no change */
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(comparisons, 2), "increase_ppm")), 0);
	/* against a baseline of 0 errors the floor of 0.1% stands in: 0.0909 / 0.001 */
	const json_t *missing_errors = json_array_get(comparisons, 4);
	ck_assert_str_eq(json_string_value(json_object_get(missing_errors, "metric")), "error_ratio");
	ck_assert_int_eq(json_integer_value(json_object_get(missing_errors, "increase_ppm")), 90909091);
	ck_assert_int_eq(json_integer_value(json_object_get(section, "regression_ppm")), 90909091);
	ck_assert(json_is_false(json_object_get(section, "passed")));
	ck_assert(json_is_true(json_object_get(section, "complete")));
	const json_t *verdict = json_object_get(report, "verdict");
	ck_assert(json_is_true(json_object_get(verdict, "criteria_passed")));
	ck_assert(json_is_false(json_object_get(verdict, "baseline_passed")));
	ck_assert(json_is_false(json_object_get(verdict, "passed")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(verdict, "failures"), 0)),
			 "baseline regression in scenario 'ramp', request 'read', p50_ms: from 4.9 to 5.411, +10.4% (at most 10.0%)");

	/* a scenario the baseline names but this load test lacks is a failed, incomplete comparison */
	json_t *all = parse("{\"max_increase_ppm\":100000000000,\"scenarios\":[],\"requests\":[\"read\"]}");
	ck_assert_int_eq(loadreport_compare(report, baseline, all, "b.json", "abc", &error), 0);
	section = json_object_get(report, "baseline");
	ck_assert_int_eq(json_array_size(json_object_get(section, "comparisons")), 4);
	const json_t *gone = json_array_get(json_object_get(section, "comparisons"), 3);
	ck_assert_str_eq(json_string_value(json_object_get(gone, "scenario")), "gone");
	ck_assert_str_eq(json_string_value(json_object_get(gone, "reason")), "this load test has no such scenario");
	ck_assert(json_is_false(json_object_get(section, "complete")));
	ck_assert(json_is_false(json_object_get(section, "passed")));

	json_t *proposed = loadreport_proposed_baseline(report, baseline, NULL, "2026-11-26T02:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(proposed, "kind")), "Baseline");
	ck_assert_str_eq(json_string_value(json_object_get(proposed, "release")), "1.2.0");
	const json_t *ramp = json_object_get(json_object_get(proposed, "scenarios"), "ramp");
	ck_assert_int_eq(json_integer_value(json_object_get(ramp, "rate")), 100);
	ck_assert_double_eq(json_real_value(json_object_get(json_object_get(json_object_get(ramp, "requests"), "read"), "error_ratio")), 0.1);
	json_decref(proposed);

	json_t *not_baseline = parse("{\"scenarios\":[]}");
	ck_assert_int_eq(loadreport_compare(report, not_baseline, args, "b.json", "abc", &error), -1);
	ck_assert_str_eq(error, "baseline 'b.json' has no 'scenarios' object");
	free(error);
	json_decref(not_baseline);
	json_decref(all);
	json_decref(args);
	json_decref(baseline);
	json_decref(report);
}
END_TEST

START_TEST(junit_counts_and_escapes)
{
	json_t *scenarios = json_array();
	json_t *odd = fake_scenario();
	json_object_set_new(odd, "name", json_string("a<b>&\"c\""));
	json_array_append_new(scenarios, odd);
	json_array_append_new(scenarios, parse("{\"name\":\"soak\",\"status\":\"not-run\",\"reason\":\"window\"}"));
	json_t *criteria = parse(criteria_text);
	json_t *info = meta();
	json_t *report = loadreport_build(info, scenarios, criteria);
	char *junit = loadreport_junit(report);
	ck_assert_msg(strstr(junit, "<testsuites name=\"Load test of ledger-api on compliance\" tests=\"8\" failures=\"2\" "
				    "errors=\"0\" skipped=\"4\"") != NULL, "%s", junit);
	ck_assert(strstr(junit, "<testsuite name=\"a&lt;b&gt;&amp;&quot;c&quot;\" tests=\"4\" failures=\"2\"") != NULL);
	ck_assert_int_eq(count_of(junit, "<testcase "), 8);
	ck_assert_int_eq(count_of(junit, "<skipped message=\"the scenario did not run\"/>"), 4);
	ck_assert(strstr(junit, "a<b>") == NULL);
	char *markdown = loadreport_markdown(report);
	ck_assert(strncmp(markdown, "# Load test of ledger-api on compliance: FAILED\n", 48) == 0);
	ck_assert(strstr(markdown, "| soak | not run: window |") != NULL);
	ck_assert_msg(strstr(markdown, "| a&lt;b&gt;&amp;\"c\" | read | 100 | 10 | 5.411 | ") != NULL, "%s", markdown);
	ck_assert(strstr(markdown, "a<b>") == NULL);
	char *error = NULL;
	char *html = loadreport_html(report, "<title>{{title}}</title>{{verdict_class}} {{verdict}} {{body}} {{other}}", &error);
	ck_assert_ptr_nonnull(html);
	ck_assert(strncmp(html, "<title>Load test of ledger-api on compliance</title>failed FAILED ", 66) == 0);
	ck_assert(strstr(html, "{{other}}") != NULL); /* unknown placeholders are left as written */
	ck_assert(strstr(html, "a&lt;b&gt;&amp;&quot;c&quot;") != NULL && strstr(html, "a<b>") == NULL);
	ck_assert_int_eq(count_of(html, "<svg class=\"chart\""), 4);
	ck_assert(strstr(html, "<script") == NULL);
	ck_assert_ptr_null(loadreport_html(report, "{{title}} {{verdict}} {{body}}", &error));
	ck_assert_str_eq(error, "the report page template lacks {{verdict_class}}");
	free(error);
	free(html);
	free(markdown);
	free(junit);
	json_decref(report);
	json_decref(info);
	json_decref(criteria);
	json_decref(scenarios);
}
END_TEST

/* The target's usage as a scenario records it (a measured one and one Prometheus could not
 * give) in summary.md and report.html: a table row each, and two bar charts. */
START_TEST(target_usage_rendered)
{
	json_t *scenarios = json_array();
	json_t *measured = fake_scenario();
	json_object_set_new(measured, "target_usage",
			    parse("{\"prometheus\":\"http://127.0.0.1:9090\",\"selector\":\"{job=\\\"ledger\\\"}\",\"window_s\":2,"
				  "\"cpu_seconds\":0.734,\"cpu_cores\":0.1835,\"cpu_interval_s\":4,\"memory_bytes_max\":52428800,"
				  "\"memory_bytes_mean\":47185920,\"cpu_series\":1,\"memory_series\":1,\"samples\":5}"));
	json_array_append_new(scenarios, measured);
	json_t *unmeasured = fake_scenario();
	json_object_set_new(unmeasured, "name", json_string("spike"));
	json_object_set_new(unmeasured, "target_usage",
			    parse("{\"prometheus\":\"http://127.0.0.1:9090\",\"selector\":\"{job=\\\"ledger\\\"}\","
				  "\"error\":\"no series matched the selector\"}"));
	json_array_append_new(scenarios, unmeasured);
	json_t *criteria = parse(criteria_text);
	json_t *info = meta();
	json_t *report = loadreport_build(info, scenarios, criteria);
	char *markdown = loadreport_markdown(report);
	ck_assert_msg(strstr(markdown, "\n## Target resource usage\n\n| scenario | CPU (cores) | CPU (s) | memory max (MiB) | "
				       "memory mean (MiB) | source |\n|---|---:|---:|---:|---:|---|\n"
				       "| ramp | 0.184 | 0.73 | 50 | 45 | http://127.0.0.1:9090 {job=\"ledger\"} |\n"
				       "| spike | not measured: no series matched the selector | | | | http://127.0.0.1:9090 {job=\"ledger\"} |\n") != NULL,
		      "%s", markdown);
	char *error = NULL;
	char *html = loadreport_html(report, "{{title}}{{verdict_class}}{{verdict}}{{body}}", &error);
	ck_assert_ptr_nonnull(html);
	ck_assert_msg(strstr(html, "<h2>Target resource usage</h2>") != NULL, "%s", html);
	ck_assert(strstr(html, "<tr><td>ramp</td><td>0.184</td><td>0.73</td><td>50</td><td>45</td>"
			       "<td>http://127.0.0.1:9090 {job=&quot;ledger&quot;}</td></tr>") != NULL);
	ck_assert(strstr(html, "<tr><td>spike</td><td colspan=\"4\" class=\"skipped\">not measured: no series matched the selector</td>") != NULL);
	ck_assert_int_eq(count_of(html, "aria-label=\"Target CPU by scenario\""), 1);
	ck_assert_int_eq(count_of(html, "aria-label=\"Target memory by scenario\""), 1);
	ck_assert_int_eq(count_of(html, "<svg class=\"chart\""), 2 + 2 * 4);
	ck_assert_int_eq(count_of(html, ">not measured</text>"), 2); /* spike in both charts */
	free(html);
	free(markdown);
	json_decref(report);

	/* without a Prometheus, neither the section nor its charts */
	json_object_del(measured, "target_usage");
	json_object_del(unmeasured, "target_usage");
	report = loadreport_build(info, scenarios, criteria);
	markdown = loadreport_markdown(report);
	html = loadreport_html(report, "{{title}}{{verdict_class}}{{verdict}}{{body}}", &error);
	ck_assert(strstr(markdown, "Target resource usage") == NULL && strstr(html, "Target resource usage") == NULL);
	ck_assert_int_eq(count_of(html, "<svg class=\"chart\""), 2 * 4);
	free(html);
	free(markdown);
	json_decref(report);
	json_decref(info);
	json_decref(criteria);
	json_decref(scenarios);
}
END_TEST

/* A coarsened series point covers several seconds: its rates are per second of its span. */
START_TEST(coarse_series_points_report_rates)
{
	struct loadgen_result result;
	fake_result(&result);
	result.series[0].span_s = 2; /* seconds 0-1: 40 responses, 0 errors, 0.25 s CPU */
	result.series[1] = result.series[2];
	result.series[1].second = 2;
	result.series[1].span_s = 1;
	result.series_count = 2;
	json_t *args = parse(scenario_args);
	json_t *scenario = loadreport_scenario_json(args, &result);
	const json_t *first = json_array_get(json_object_get(scenario, "series"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(first, "span_s")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(first, "responses")), 40);
	ck_assert_double_eq(json_real_value(json_object_get(first, "rate")), 20.0);
	ck_assert_double_eq(json_real_value(json_object_get(first, "target_rate")), 50.0); /* 100 due over 2 s */
	ck_assert_double_eq(json_real_value(json_object_get(first, "engine_cpu_percent")), 12.5);
	const json_t *second = json_array_get(json_object_get(scenario, "series"), 1);
	ck_assert_double_eq(json_real_value(json_object_get(second, "error_rate")), 2.0);
	ck_assert_double_eq(json_real_value(json_object_get(second, "rate")), 40.0);
	json_decref(scenario);
	json_decref(args);
	loadgen_result_release(&result);
}
END_TEST

static Suite *loadreport_suite(void)
{
	Suite *suite = suite_create("loadreport");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, histogram_round_trip_keeps_every_count);
	tcase_add_test(tcase, histogram_read_refuses_what_is_not_one);
	tcase_add_test(tcase, expected_status_classes);
	tcase_add_test(tcase, scenario_figures_follow_the_expectations);
	tcase_add_test(tcase, criteria_evaluated_per_scenario);
	tcase_add_test(tcase, baseline_comparison_per_request_and_metric);
	tcase_add_test(tcase, junit_counts_and_escapes);
	tcase_add_test(tcase, target_usage_rendered);
	tcase_add_test(tcase, coarse_series_points_report_rates);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(loadreport_suite)
