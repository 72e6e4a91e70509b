/* Unit tests for compiler/model: the value parsers, and reading small trees into typed structs
 * with the source position of every name and reference. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "model.h"
#include "tree_fixture.h"

static double duration(const char *text)
{
	double seconds = -1;
	ck_assert_msg(model_parse_duration(text, &seconds) == 0, "'%s' should parse", text);
	return seconds;
}

START_TEST(test_parse_duration)
{
	ck_assert(fabs(duration("250ms") - 0.25) < 1e-12);
	ck_assert(duration("5m") == 300);
	ck_assert(duration("1.5h") == 5400);
	ck_assert(duration("30d") == 30 * 86400);
	ck_assert(duration("2w") == 14 * 86400);
	ck_assert(duration("0s") == 0);
	double untouched = 42;
	const char *refused[] = { "", "5", "m", "5 m", "-5m", "5mm", "1.m", ".5s", "5M", "1h30m", "5min" };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(model_parse_duration(refused[i], &untouched) == -1, "'%s' should be refused", refused[i]);
	ck_assert(untouched == 42);
}
END_TEST

START_TEST(test_parse_percentage_size_time_date)
{
	double ratio = -1;
	ck_assert_int_eq(model_parse_percentage("1%", &ratio), 0);
	ck_assert(fabs(ratio - 0.01) < 1e-12);
	ck_assert_int_eq(model_parse_percentage("99.9%", &ratio), 0);
	ck_assert(fabs(ratio - 0.999) < 1e-12);
	ck_assert_int_eq(model_parse_percentage("100%", &ratio), 0);
	ck_assert(ratio == 1);
	ck_assert_int_eq(model_parse_percentage("100.5%", &ratio), -1);
	ck_assert_int_eq(model_parse_percentage("1", &ratio), -1);
	ck_assert_int_eq(model_parse_percentage("%", &ratio), -1);

	double bytes = 0;
	ck_assert_int_eq(model_parse_size("1MiB", &bytes), 0);
	ck_assert(bytes == 1048576);
	ck_assert_int_eq(model_parse_size("64KiB", &bytes), 0);
	ck_assert(bytes == 65536);
	ck_assert_int_eq(model_parse_size("1MB", &bytes), -1);

	int minutes = -1;
	ck_assert_int_eq(model_parse_time_of_day("01:00", &minutes), 0);
	ck_assert_int_eq(minutes, 60);
	ck_assert_int_eq(model_parse_time_of_day("24:00", &minutes), 0);
	ck_assert_int_eq(minutes, 1440);
	ck_assert_int_eq(model_parse_time_of_day("24:01", &minutes), -1);
	ck_assert_int_eq(model_parse_time_of_day("1:00", &minutes), -1);
	ck_assert_int_eq(model_parse_time_of_day("12:60", &minutes), -1);

	int year = 0, month = 0, day = 0;
	ck_assert_int_eq(model_parse_date("2026-10-01", &year, &month, &day), 0);
	ck_assert_int_eq(year, 2026);
	ck_assert_int_eq(month, 10);
	ck_assert_int_eq(day, 1);
	ck_assert_int_eq(model_parse_date("2028-02-29", &year, &month, &day), 0);
	ck_assert_int_eq(model_parse_date("2026-02-29", &year, &month, &day), -1);
	ck_assert_int_eq(model_parse_date("2100-02-29", &year, &month, &day), -1);
	ck_assert_int_eq(model_parse_date("2000-02-29", &year, &month, &day), 0);
	ck_assert_int_eq(model_parse_date("2026-13-01", &year, &month, &day), -1);
	ck_assert_int_eq(model_parse_date("2026-1-01", &year, &month, &day), -1);
}
END_TEST

START_TEST(test_purl_without_version)
{
	struct strbuf out;
	strbuf_init(&out);
	model_purl_without_version("pkg:npm/http-proxy-middleware@2.0.6", &out);
	ck_assert_str_eq(out.buf, "pkg:npm/http-proxy-middleware");
	model_purl_without_version("pkg:golang/golang.org/x/net@v0.15.0?type=module#sub", &out);
	ck_assert_str_eq(out.buf, "pkg:golang/golang.org/x/net");
	model_purl_without_version("pkg:npm/%40scope/name@1.0.0", &out);
	ck_assert_str_eq(out.buf, "pkg:npm/%40scope/name");
	model_purl_without_version("pkg:npm/plain", &out);
	ck_assert_str_eq(out.buf, "pkg:npm/plain");
	strbuf_release(&out);
}
END_TEST

static const char goose_yaml[] =
	"project: demo\n"
	"services:\n"
	"  api:\n"
	"    job: api\n"
	"    owner: team-a\n"
	"    sbom: security/sbom/api.cdx.json\n"
	"  worker:\n"
	"    job: worker\n"
	"    owner: team-b\n"
	"signing: { plans: plans-key, evidence: evidence-key }\n"
	"sensitive_labels: [account_id]\n";

static const char thresholds_yaml[] =
	"thresholds:\n"
	"  api_latency_p95:\n"
	"    service: api\n"
	"    unit: seconds\n"
	"    direction: above\n"
	"    warning: 250ms\n"
	"    critical: 0.5\n"
	"  api_error_ratio:\n"
	"    service: api\n"
	"    unit: ratio\n"
	"    direction: above\n"
	"    warning: 1%\n"
	"    critical: 0.05\n"
	"  api_availability:\n"
	"    service: api\n"
	"    slo:\n"
	"      objective: 99.9%\n"
	"      window: 30d\n"
	"      sli: { errors: 'e_total{code=~\"5..\"}', total: e_total }\n";

static const char alerts_yaml[] =
	"groups:\n"
	"  - name: api.alerts\n"
	"    interval: 30s\n"
	"    rules:\n"
	"      - alert: ApiSlow\n"
	"        expr: job:latency:p95{job=\"api\"}\n"
	"        threshold: api_latency_p95\n"
	"        levels: [critical]\n"
	"        for: 5m\n"
	"        labels: { team: a }\n"
	"        annotations: { runbook_url: 'https://runbooks/api' }\n"
	"      - alert: ApiDown\n"
	"        expr: up{job=\"api\"} == 0\n"
	"        labels: { severity: critical }\n";

START_TEST(test_read_project_thresholds_alerts)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	tree_fixture_write(&tree, "goose.yaml", goose_yaml);
	tree_fixture_write(&tree, "monitoring/config/thresholds.yaml", thresholds_yaml);
	tree_fixture_write(&tree, "monitoring/prometheus/alerts.yaml", alerts_yaml);
	tree_fixture_load(&tree);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(tree.diags.count, 0);

	struct model model;
	model_init(&model);
	ck_assert_int_eq(model_read(&model, &tree.project), 3);
	ck_assert_int_eq(model.project_count, 1);
	const struct model_project *project = &model.projects[0];
	ck_assert_str_eq(project->name.text, "demo");
	ck_assert_str_eq(project->output, "build");
	ck_assert_int_eq(project->service_count, 2);
	ck_assert_str_eq(project->services[0].name.text, "api");
	/* a mapping entry's name is located at its key */
	ck_assert_int_eq(project->services[0].name.location.line, 3);
	ck_assert_int_eq(project->services[0].name.location.col, 3);
	ck_assert_str_eq(project->services[0].sbom.text, "security/sbom/api.cdx.json");
	ck_assert_int_eq(project->services[0].sbom.location.line, 6);
	ck_assert_int_eq(project->services[0].sbom.location.col, 11);
	ck_assert_ptr_null(project->services[1].sbom.text);
	ck_assert_str_eq(project->signing_plans.text, "plans-key");
	ck_assert_int_eq(project->sensitive_labels.count, 1);

	ck_assert_int_eq(model.thresholds_count, 1);
	const struct model_thresholds *thresholds = &model.thresholds[0];
	ck_assert_int_eq(thresholds->threshold_count, 3);
	const struct model_threshold *latency = &thresholds->thresholds[0];
	ck_assert_str_eq(latency->name.text, "api_latency_p95");
	ck_assert_int_eq(latency->name.location.line, 2);
	ck_assert(!latency->is_slo);
	ck_assert_int_eq(latency->unit, MODEL_UNIT_SECONDS);
	ck_assert_int_eq(latency->direction, MODEL_DIRECTION_ABOVE);
	ck_assert(latency->warning.present && fabs(latency->warning.value - 0.25) < 1e-12);
	ck_assert_str_eq(latency->warning.spelling, "250ms");
	ck_assert_int_eq(latency->warning.location.line, 6);
	ck_assert(latency->critical.present && latency->critical.value == 0.5);
	ck_assert_ptr_null(latency->critical.spelling);
	ck_assert_str_eq(latency->service.text, "api");
	ck_assert_int_eq(latency->service.location.line, 3);
	ck_assert_int_eq(latency->service.location.col, 14);
	const struct model_threshold *errors = &thresholds->thresholds[1];
	ck_assert(fabs(errors->warning.value - 0.01) < 1e-12);
	ck_assert(fabs(errors->critical.value - 0.05) < 1e-12);
	const struct model_threshold *availability = &thresholds->thresholds[2];
	ck_assert(availability->is_slo);
	ck_assert(fabs(availability->objective.value - 0.999) < 1e-12);
	ck_assert(availability->window.value == 30 * 86400);
	ck_assert_str_eq(availability->sli_total.text, "e_total");
	ck_assert_ptr_null(model_threshold_level(availability, MODEL_LEVEL_WARNING));
	ck_assert_ptr_nonnull(model_threshold_level(latency, MODEL_LEVEL_CRITICAL));

	ck_assert_int_eq(model.alert_rules_count, 1);
	const struct model_alert_group *group = &model.alert_rules[0].groups[0];
	ck_assert_str_eq(group->name.text, "api.alerts");
	ck_assert(group->interval.value == 30);
	ck_assert_int_eq(group->alert_count, 2);
	const struct model_alert *slow = &group->alerts[0];
	ck_assert_str_eq(slow->name.text, "ApiSlow");
	ck_assert_str_eq(slow->threshold.text, "api_latency_p95");
	ck_assert_int_eq(slow->threshold.location.line, 7);
	ck_assert_int_eq(slow->threshold.location.col, 20);
	ck_assert(slow->levels_given && slow->level_critical && !slow->level_warning);
	ck_assert(slow->for_duration.value == 300);
	ck_assert_str_eq(slow->runbook_url.text, "https://runbooks/api");
	ck_assert_int_eq(slow->labels.count, 1);
	ck_assert_ptr_null(slow->severity.text);
	const struct model_alert *down = &group->alerts[1];
	ck_assert_str_eq(down->severity.text, "critical");
	ck_assert_ptr_null(down->runbook_url.text);
	ck_assert_str_eq(down->expr.text, "up{job=\"api\"} == 0");
	ck_assert_int_eq(down->location.line, 12);

	model_release(&model);
	tree_fixture_release(&tree);
}
END_TEST


/* What the monitoring emitters pass on: group options (limit, labels, query_offset) and the
 * dashboard's presentation fields, each with its position; numbers keep their integer-ness. */
START_TEST(test_read_group_options_and_dashboard)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	tree_fixture_write(&tree, "goose.yaml", goose_yaml);
	tree_fixture_write(&tree, "monitoring/prometheus/alerts.yaml",
			   "groups:\n"
			   "  - name: api.alerts\n"
			   "    limit: 7\n"
			   "    query_offset: 1m\n"
			   "    labels: { tier: gold, team: core }\n"
			   "    rules:\n"
			   "      - alert: ApiDown\n"
			   "        expr: up{job=\"api\"} == 0\n"
			   "        labels: { severity: critical }\n");
	tree_fixture_write(&tree, "monitoring/prometheus/recording.yaml",
			   "groups:\n"
			   "  - name: http\n"
			   "    rules:\n"
			   "      - record: job:up:sum\n"
			   "        expr: sum by (job) (up)\n");
	tree_fixture_write(&tree, "monitoring/grafana/dashboards/api.json",
			   "{\n"
			   "  \"uid\": \"api\", \"title\": \"API\", \"service\": \"api\",\n"
			   "  \"tags\": [],\n"
			   "  \"refresh\": \"1m\",\n"
			   "  \"time\": { \"from\": \"now-1d\", \"to\": \"now-1h\" },\n"
			   "  \"rows\": [\n"
			   "    { \"title\": \"One\", \"collapsed\": true, \"panels\": [\n"
			   "      { \"title\": \"a\", \"type\": \"stat\", \"query\": \"up\", \"min\": 0, \"max\": 1e3,\n"
			   "        \"decimals\": 2, \"width\": 6, \"height\": 4, \"stack\": false, \"description\": \"d\" } ] },\n"
			   "    { \"title\": \"Two\", \"panels\": [\n"
			   "      { \"title\": \"b\", \"type\": \"timeseries\", \"query\": \"up\", \"max\": 1.5, \"stack\": true },\n"
			   "      { \"title\": \"c\", \"type\": \"timeseries\", \"query\": \"up\" } ] }\n"
			   "  ]\n"
			   "}\n");
	tree_fixture_load(&tree);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(tree.diags.count, 0);
	struct model model;
	model_init(&model);
	ck_assert_int_eq(model_read(&model, &tree.project), 4);

	const struct model_group_options *options = &model.alert_rules[0].groups[0].options;
	ck_assert(options->limit.present && options->limit.integral);
	ck_assert_int_eq(options->limit.integer, 7);
	ck_assert_int_eq(options->limit.location.line, 3);
	ck_assert_int_eq(options->limit.location.col, 12);
	ck_assert(options->query_offset.present && options->query_offset.value == 60);
	ck_assert_int_eq(options->query_offset.location.line, 4);
	ck_assert_int_eq(options->query_offset.location.col, 19);
	ck_assert_int_eq(options->labels.count, 2);
	ck_assert_str_eq(options->labels.items[0].name, "tier");
	ck_assert_str_eq(options->labels.items[0].value, "gold");
	ck_assert_int_eq(options->labels.items[1].location.line, 5);
	ck_assert_int_eq(options->labels.items[1].location.col, 27);
	const struct model_group_options *plain = &model.recording_rules[0].groups[0].options;
	ck_assert(!plain->limit.present && !plain->query_offset.present);
	ck_assert_int_eq(plain->labels.count, 0);

	ck_assert_int_eq(model.dashboard_count, 1);
	const struct model_dashboard *dashboard = &model.dashboards[0];
	ck_assert(!dashboard->complete);
	ck_assert_ptr_null(dashboard->grafana_document);
	ck_assert_ptr_null(dashboard->description);
	ck_assert(dashboard->tags_given);
	ck_assert_int_eq(dashboard->tags.count, 0);
	ck_assert_str_eq(dashboard->refresh.text, "1m");
	ck_assert_int_eq(dashboard->refresh.location.line, 4);
	ck_assert_str_eq(dashboard->time_from.text, "now-1d");
	ck_assert_str_eq(dashboard->time_to.text, "now-1h");
	ck_assert_int_eq(dashboard->row_count, 2);
	ck_assert_int_eq(dashboard->panel_count, 3);
	ck_assert_str_eq(dashboard->rows[0].title, "One");
	ck_assert(dashboard->rows[0].collapsed);
	ck_assert_int_eq(dashboard->rows[0].location.line, 7);
	ck_assert_uint_eq(dashboard->rows[0].first_panel, 0);
	ck_assert_uint_eq(dashboard->rows[0].panel_count, 1);
	ck_assert(!dashboard->rows[1].collapsed);
	ck_assert_uint_eq(dashboard->rows[1].first_panel, 1);
	ck_assert_uint_eq(dashboard->rows[1].panel_count, 2);
	const struct model_panel *a = &dashboard->panels[0];
	ck_assert_str_eq(a->description, "d");
	ck_assert(a->min.present && a->min.integral && a->min.integer == 0);
	ck_assert(a->max.present && !a->max.integral && a->max.value == 1000);
	ck_assert_int_eq(a->max.location.line, 8);
	ck_assert_int_eq(a->max.location.col, 71);
	ck_assert(a->decimals.integral && a->decimals.integer == 2);
	ck_assert(a->width.integer == 6 && a->height.integer == 4);
	ck_assert(a->stack.present && !a->stack.value);
	const struct model_panel *b = &dashboard->panels[1];
	ck_assert_str_eq(b->row_title, "Two");
	ck_assert(!b->min.present && !b->decimals.present && !b->width.present);
	ck_assert(!b->max.integral && b->max.value == 1.5);
	ck_assert(b->stack.present && b->stack.value);
	ck_assert(!dashboard->panels[2].stack.present);

	model_release(&model);
	tree_fixture_release(&tree);
}
END_TEST

/* The repository's example tree uses every kind: read it and spot-check each struct. The tests
 * run from the repository root (tests/run-tests.sh); elsewhere this test has nothing to read. */
START_TEST(test_read_example_tree)
{
	if (access("goose.yaml", R_OK) != 0 || access("golden-goose/stages/compliance.yaml", R_OK) != 0)
		return;
	struct project project;
	struct diag_list diags;
	project_init(&project);
	diag_list_init(&diags);
	ck_assert_int_eq(project_prepare(&project, &diags), 0);
	project_discover(&project, ".", &diags);
	project_load(&project, 2, &diags);
	ck_assert_int_eq(diags.count, 0);
	struct model model;
	model_init(&model);
	ck_assert_int_eq(model_read(&model, &project), project.file_count);
	ck_assert_int_eq(model.incomplete_kind_count, 0);

	ck_assert_int_eq(model.stage_count, 3);
	const struct model_stage *compliance = NULL;
	for (size_t i = 0; i < model.stage_count; i++)
		if (strcmp(model.stages[i].name.text, "compliance") == 0)
			compliance = &model.stages[i];
	ck_assert_ptr_nonnull(compliance);
	ck_assert_str_eq(compliance->promotes_from.text, "sandbox");
	ck_assert_int_eq(compliance->promotes_from.location.line, 7);
	ck_assert_int_eq(compliance->services.count, 2);
	ck_assert_str_eq(compliance->snapshot_policy.text, "default");
	ck_assert(compliance->off_peak_window.present);
	ck_assert_uint_eq(compliance->off_peak_window.days, 0x1f); /* mon..fri */
	ck_assert_int_eq(compliance->off_peak_window.start_minute, 60);
	ck_assert_int_eq(compliance->off_peak_window.end_minute, 300);
	ck_assert_int_eq(compliance->test_scenarios.count, 2);
	ck_assert_int_eq(compliance->loadtest_gate, MODEL_ENFORCEMENT_REQUIRED);
	ck_assert_int_eq(compliance->loadtest_level, MODEL_LEVEL_WARNING);
	ck_assert_int_eq(compliance->gate_threshold_count, 3);
	ck_assert_str_eq(compliance->gate_thresholds[0].metric, "latency_p95");
	ck_assert_str_eq(compliance->gate_thresholds[0].threshold.text, "ledger_api_latency_p95");
	ck_assert(fabs(compliance->max_regression.value - 0.10) < 1e-12);
	ck_assert_int_eq(compliance->alerts_configured, MODEL_ENFORCEMENT_REQUIRED);
	ck_assert(compliance->rollback_within.value == 30 * 86400);
	ck_assert_str_eq(compliance->security_fail_on, "high");
	ck_assert_int_eq(compliance->approvals_required, 1);

	ck_assert_int_eq(model.load_test_count, 1);
	const struct model_load_test *load_test = &model.load_tests[0];
	ck_assert_str_eq(load_test->service.text, "ledger-api");
	ck_assert_str_eq(load_test->target_stage.text, "compliance");
	ck_assert(load_test->timeout.value == 5);
	ck_assert_int_eq(load_test->request_count, 3);
	ck_assert_int_eq(load_test->requests[0].weight, 6);
	ck_assert_int_eq(load_test->scenario_count, 4);
	ck_assert_str_eq(load_test->scenarios[1].name.text, "stress");
	ck_assert_int_eq(load_test->scenarios[1].ramp_count, 3);
	ck_assert(load_test->scenarios[1].off_peak_only);
	ck_assert(load_test->scenarios[3].duration.value == 7200);
	ck_assert_int_eq(load_test->criterion_count, 4);
	ck_assert_int_eq(load_test->criteria[1].level, MODEL_LEVEL_CRITICAL);
	ck_assert_int_eq(load_test->criteria[3].metric, MODEL_METRIC_BASELINE_REGRESSION);
	ck_assert_str_eq(load_test->criteria[3].baseline.text, "load-test/baseline/compliance.json");
	ck_assert_int_eq(load_test->criteria[3].scenarios.count, 2);

	ck_assert_int_eq(model.baseline_count, 1);
	ck_assert_int_eq(model.baselines[0].scenario_count, 2);
	ck_assert_int_eq(model.baselines[0].scenarios[1].request_count, 3);
	ck_assert(model.baselines[0].scenarios[1].requests[0].p95_ms == 31.0);
	ck_assert(model.baselines[0].scenarios[0].requests[0].max_ms == -1);

	ck_assert_int_eq(model.dashboard_count, 2);
	const struct model_dashboard *ledger = &model.dashboards[1];
	ck_assert_str_eq(ledger->uid.text, "ledger-api-overview");
	ck_assert_str_eq(ledger->service.text, "ledger-api");
	ck_assert_int_eq(ledger->panel_count, 8);
	ck_assert_int_eq(ledger->panels[5].query_count, 1);
	ck_assert_str_eq(ledger->panels[5].row_title, "Latency");

	const struct model_snapshot_manifest *manifest = &model.snapshot_manifests[0];
	ck_assert_str_eq(manifest->key_id.text, "snap-2026q4");
	ck_assert(manifest->chunk_size_bytes == 1048576);
	ck_assert_int_eq(manifest->compression_level, 6);
	ck_assert_int_eq(manifest->policy_count, 3);
	ck_assert_int_eq(manifest->policies[2].keep_last, 30);
	ck_assert(manifest->policies[2].max_age.value == 365 * 86400.0);
	ck_assert_int_eq(manifest->policies[0].exclude_count, 3);

	const struct model_snapshot_validation *validation = &model.snapshot_validations[0];
	ck_assert_int_eq(validation->phases[MODEL_PHASE_BEFORE_RESTORE].count, 3);
	ck_assert_str_eq(validation->phases[MODEL_PHASE_BEFORE_RESTORE].checks[2].name, "require_files");
	ck_assert_int_eq(validation->phases[MODEL_PHASE_BEFORE_RESTORE].checks[2].file_count, 2);
	ck_assert_int_eq(validation->policy_count, 1);
	ck_assert_str_eq(validation->policies[0].policy.text, "production");
	ck_assert(validation->policies[0].phases[MODEL_PHASE_BEFORE_RESTORE].checks[0].max_age.value == 30 * 86400);

	const struct model_secret_rotation *secrets = &model.secret_rotations[0];
	ck_assert(secrets->default_max_age.value == 180 * 86400);
	ck_assert_int_eq(secrets->secret_count, 4);
	ck_assert_int_eq(secrets->secrets[0].last_rotated.year, 2026);
	ck_assert_int_eq(secrets->secrets[0].last_rotated.month, 10);
	ck_assert(!secrets->secrets[1].max_age.present);
	ck_assert_int_eq(secrets->secrets[3].used_by.count, 2);

	const struct model_compliance_rules *rules = &model.compliance_rules[0];
	ck_assert_int_eq(rules->rule_count, 5);
	ck_assert_int_eq(rules->rules[0].file_count, 3);
	ck_assert_ptr_nonnull(rules->rules[0].forbid_pattern.text);
	ck_assert_int_eq(rules->rules[0].allow_pattern_count, 1);
	const struct model_compliance_rule *approvals = &rules->rules[1];
	ck_assert_str_eq(approvals->kind.text, "Stage");
	ck_assert_int_eq(approvals->where_count, 1);
	ck_assert_str_eq(approvals->where[0].pointer, "/name");
	ck_assert_str_eq(approvals->where[0].values[0].string, "production");
	ck_assert(approvals->requirements[0].has_min && approvals->requirements[0].min == 2);
	ck_assert_int_eq(rules->rules[4].where[0].value_count, 2);

	const struct model_sbom_enrichment *enrichment = &model.sbom_enrichments[0];
	ck_assert_int_eq(enrichment->sbom_count, 2);
	ck_assert_str_eq(enrichment->database.text, "security/sbom/vulnerability-db.json");
	ck_assert_int_eq(enrichment->rule_count, 5);
	ck_assert_int_eq(enrichment->licenses_deny_count, 3);
	ck_assert_int_eq(enrichment->waiver_count, 1);
	ck_assert_str_eq(enrichment->waivers[0].component.text, "pkg:npm/http-proxy-middleware");
	ck_assert_int_eq(enrichment->waivers[0].expires.year, 2027);

	ck_assert_int_eq(model.vulnerability_db_count, 1);
	ck_assert_str_eq(model.vulnerability_dbs[0].records[0].aliases.items[0].text, "CVE-2023-39325");
	ck_assert_int_eq(model.sbom_count, 2);
	ck_assert_ptr_nonnull(model.sboms[0].main_component.name);
	ck_assert_int_gt(model.sboms[0].component_count, 0);

	ck_assert_int_eq(model.evidence_templates[0].control_count, 5);
	ck_assert_int_eq(model.evidence_templates[0].controls[3].evidence.count, 5);
	ck_assert_int_eq(model.collection_rules[0].item_count, 11);
	ck_assert_str_eq(model.collection_rules[0].items[3].step, "sbom.scan");

	model_release(&model);
	project_release(&project);
	diag_list_release(&diags);
}
END_TEST

Suite *model_suite(void);
Suite *model_suite(void)
{
	Suite *suite = suite_create("model");
	TCase *parsers = tcase_create("parsers");
	tcase_add_test(parsers, test_parse_duration);
	tcase_add_test(parsers, test_parse_percentage_size_time_date);
	tcase_add_test(parsers, test_purl_without_version);
	suite_add_tcase(suite, parsers);
	TCase *reading = tcase_create("reading");
	tcase_add_test(reading, test_read_project_thresholds_alerts);
	tcase_add_test(reading, test_read_group_options_and_dashboard);
	tcase_add_test(reading, test_read_example_tree);
	suite_add_tcase(suite, reading);
	return suite;
}

CHECK_MAIN(model_suite)
