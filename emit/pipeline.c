/* Monitoring of the release pipeline itself: an operations dashboard, alerts and their promtool
 * tests over the metrics goose-run's monitoring.update writes (runner/steps.c, textfile collector). */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "grafana_layout.h"
#include "grafana_panel.h"
#include "grafana_template.h"
#include "grafana_uid.h"
#include "util.h"
#include "yaml.h"
#include "banned.h"

#define PIPELINE_TEMPLATE "templates/pipeline-overview.json"
#define PIPELINE_DASHBOARD_DIRECTORY "monitoring/grafana/dashboards"
#define PIPELINE_UID "goose-pipeline"
#define PIPELINE_ALERTS "monitoring/prometheus/pipeline-alerts.yaml"
#define PIPELINE_TESTS "monitoring/prometheus/tests/pipeline-alerts.yaml"
/* a rollback run that takes longer than this is an incident of its own */
#define PIPELINE_RECOVERY_LIMIT_SECONDS 900

/* ---- the dashboard ---- */

static json_t *pipeline_dashboard(const char *project, const char *uid, char **error)
{
	const struct embedded_file *file = embedded_find(PIPELINE_TEMPLATE);
	if (!file) {
		*error = xstrdup("the template is not built in");
		return NULL;
	}
	json_error_t parse_error;
	json_t *fields = json_loadb((const char *)file->data, file->length, JSON_REJECT_DUPLICATES, &parse_error);
	json_t *panels = json_incref(json_object_get(fields, "panels"));
	if (!json_is_object(fields) || !json_is_array(panels)) {
		*error = xasprintf("the template is not a dashboard with a 'panels' array: %s", parse_error.text);
		json_decref(panels);
		json_decref(fields);
		return NULL;
	}
	json_object_del(fields, "panels");
	struct grafana_bindings bindings;
	grafana_bindings_init(&bindings);
	grafana_bind_label(&bindings, "uid", uid);
	grafana_bind_label(&bindings, "project", project);
	char *title = xasprintf("%s - Release pipeline", project);
	grafana_bind_label(&bindings, "title", title);
	free(title);
	char *description = xasprintf("Generated operations view of the %s release pipeline: releases per stage, "
				      "promotions, rollbacks, recovery time and gate results, from goose-run's metrics",
				      project);
	grafana_bind_label(&bindings, "description", description);
	free(description);
	grafana_bind_value(&bindings, "recovery_limit_seconds", json_integer(PIPELINE_RECOVERY_LIMIT_SECONDS));
	grafana_bind_value(&bindings, GRAFANA_DATASOURCE_INPUT, json_string(GRAFANA_DATASOURCE_UID));
	int status = grafana_template_fill(fields, &bindings, error);
	if (status == 0)
		status = grafana_template_fill(panels, &bindings, error);
	grafana_bindings_release(&bindings);
	if (status != 0) {
		json_decref(panels);
		json_decref(fields);
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(panels); i++) {
		json_t *panel = json_array_get(panels, i);
		const char *type = json_string_value(json_object_get(panel, "type"));
		if (!type || strcmp(type, "row") != 0)
			grafana_complete_panel(panel);
	}
	return grafana_finish_dashboard(fields, panels);
}

/* ---- alerts and their tests ---- */

struct pipeline_alert {
	const char *name, *expr, *for_duration, *severity, *summary, *description;
};

static const struct pipeline_alert pipeline_alerts[] = {
	{ "GooseRollbackApplied", "increase(goose_rollbacks_total[1h]) > 0", NULL, "warning",
	  "Stage {{ $labels.stage }} was rolled back",
	  "goose-run applied a rollback to this stage within the last hour: find out why its release was withdrawn." },
	{ "GooseRecoverySlow", "goose_last_recovery_duration_seconds > 900", NULL, "critical",
	  "The last rollback of stage {{ $labels.stage }} took {{ $value | humanizeDuration }}",
	  "The last rollback run of this stage took longer than 15 minutes: recovery is slower than it must be." },
	{ "GooseGateFailed", "goose_gate_result == 0", NULL, "warning",
	  "Gate {{ $labels.gate }} of stage {{ $labels.stage }} failed",
	  "The last promotion into this stage was stopped by this gate." },
	{ "GoosePromotionsFailing",
	  "count by (stage) (goose_gate_result == 0) unless on (stage) (increase(goose_promotions_total[6h]) > 0)", "1h",
	  "critical", "Promotions into stage {{ $labels.stage }} keep failing",
	  "A gate of this stage has failed and no promotion into it has succeeded for 6 hours." },
};

#define PIPELINE_ALERT_COUNT (sizeof(pipeline_alerts) / sizeof(pipeline_alerts[0]))

static json_t *alerts_document(void)
{
	json_t *rules = json_array();
	for (size_t i = 0; i < PIPELINE_ALERT_COUNT; i++) {
		const struct pipeline_alert *alert = &pipeline_alerts[i];
		json_t *rule = json_pack("{s:s, s:s}", "alert", alert->name, "expr", alert->expr);
		if (alert->for_duration)
			json_object_set_new(rule, "for", json_string(alert->for_duration));
		json_object_set_new(rule, "labels", json_pack("{s:s, s:s}", "severity", alert->severity, "component", "goose-pipeline"));
		json_object_set_new(rule, "annotations", json_pack("{s:s, s:s}", "summary", alert->summary, "description", alert->description));
		json_array_append_new(rules, rule);
	}
	return json_pack("{s:[{s:s, s:o}]}", "groups", "name", "goose-pipeline.alerts", "rules", rules);
}

/* One promtool case: `series` (name, values pairs) evaluated at `eval_time`, expecting alert
 * `alert_index` to fire with `labels` (NULL-terminated key, value pairs) and `summary` (as
 * rendered), or to be silent when labels is NULL. */
static json_t *test_case(const char *name, const char *const *series, const char *eval_time, size_t alert_index,
			 const char *const *labels, const char *summary)
{
	const struct pipeline_alert *alert = &pipeline_alerts[alert_index];
	json_t *inputs = json_array();
	for (size_t i = 0; series[i]; i += 2)
		json_array_append_new(inputs, json_pack("{s:s, s:s}", "series", series[i], "values", series[i + 1]));
	json_t *expected = json_array();
	if (labels) {
		json_t *expected_labels = json_object();
		for (size_t i = 0; labels[i]; i += 2)
			json_object_set_new(expected_labels, labels[i], json_string(labels[i + 1]));
		json_array_append_new(expected, json_pack("{s:o, s:{s:s, s:s}}", "exp_labels", expected_labels, "exp_annotations",
							  "summary", summary, "description", alert->description));
	}
	json_t *check = json_pack("{s:s, s:s, s:o}", "eval_time", eval_time, "alertname", alert->name, "exp_alerts", expected);
	return json_pack("{s:s, s:s, s:o, s:[o]}", "name", name, "interval", "1m", "input_series", inputs,
			 "alert_rule_test", check);
}

static json_t *tests_document(void)
{
	static const char *const rollback[] = { "goose_rollbacks_total{stage=\"production\"}", "0 0 0 1 1 1", NULL };
	static const char *const no_rollback[] = { "goose_rollbacks_total{stage=\"production\"}", "1 1 1 1 1 1", NULL };
	static const char *const slow[] = { "goose_last_recovery_duration_seconds{stage=\"production\"}", "1200x5", NULL };
	static const char *const fast[] = { "goose_last_recovery_duration_seconds{stage=\"production\"}", "900x5", NULL };
	static const char *const gate_failed[] = { "goose_gate_result{stage=\"production\", gate=\"approvals\"}", "0x5", NULL };
	static const char *const gate_passed[] = { "goose_gate_result{stage=\"production\", gate=\"approvals\"}", "1x5", NULL };
	static const char *const stuck[] = { "goose_gate_result{stage=\"production\", gate=\"approvals\"}", "0x480",
					     "goose_promotions_total{stage=\"production\"}", "3x480", NULL };
	static const char *const recovering[] = { "goose_gate_result{stage=\"production\", gate=\"approvals\"}", "0x480",
						  "goose_promotions_total{stage=\"production\"}", "3x400 4x80", NULL };
	static const char *const rollback_labels[] = { "stage", "production", "severity", "warning", "component", "goose-pipeline", NULL };
	static const char *const slow_labels[] = { "stage", "production", "severity", "critical", "component", "goose-pipeline", NULL };
	static const char *const gate_labels[] = { "stage", "production", "gate", "approvals", "severity", "warning",
						   "component", "goose-pipeline", NULL };
	static const char *const stuck_labels[] = { "stage", "production", "severity", "critical", "component", "goose-pipeline", NULL };
	json_t *tests = json_array();
	json_array_append_new(tests, test_case("GooseRollbackApplied: a rollback fires", rollback, "5m", 0, rollback_labels,
					       "Stage production was rolled back"));
	json_array_append_new(tests, test_case("GooseRollbackApplied: no new rollback is silent", no_rollback, "5m", 0, NULL, NULL));
	json_array_append_new(tests, test_case("GooseRecoverySlow: 20 minutes fires", slow, "2m", 1, slow_labels,
					       "The last rollback of stage production took 20m 0s"));
	json_array_append_new(tests, test_case("GooseRecoverySlow: 15 minutes is silent", fast, "2m", 1, NULL, NULL));
	json_array_append_new(tests, test_case("GooseGateFailed: a failed gate fires", gate_failed, "2m", 2, gate_labels,
					       "Gate approvals of stage production failed"));
	json_array_append_new(tests, test_case("GooseGateFailed: a passed gate is silent", gate_passed, "2m", 2, NULL, NULL));
	json_array_append_new(tests, test_case("GoosePromotionsFailing: failed gate, no promotion for 6h fires", stuck, "7h30m", 3,
					       stuck_labels, "Promotions into stage production keep failing"));
	json_array_append_new(tests, test_case("GoosePromotionsFailing: a recent promotion is silent", recovering, "7h30m", 3,
					       NULL, NULL));
	return json_pack("{s:[s], s:s, s:o}", "rule_files", "../pipeline-alerts.yaml", "evaluation_interval", "1m", "tests", tests);
}

static void add_yaml(struct emit_output *output, struct diag_list *diags, const char *path, json_t *document, const char *header)
{
	struct strbuf out;
	strbuf_init(&out);
	yaml_write(document, header, &out);
	json_decref(document);
	size_t length;
	char *data = strbuf_detach(&out, &length);
	if (emit_output_add(output, path, data, length) != 0)
		diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "cannot emit '%s'", path);
}

/* ---- the backend ---- */

void emit_pipeline_monitoring(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	const struct model *model = context->model;
	const char *project = model->project_count && model->projects[0].name.text ? model->projects[0].name.text : "goose";
	/* a service called "pipeline" already has goose-pipeline.json: take the next free name */
	char *uid = xstrdup(PIPELINE_UID);
	char *path = xasprintf(PIPELINE_DASHBOARD_DIRECTORY "/%s.json", uid);
	for (int suffix = 2; emit_output_find(output, path); suffix++) {
		free(uid);
		free(path);
		uid = xasprintf(PIPELINE_UID "-%d", suffix);
		path = xasprintf(PIPELINE_DASHBOARD_DIRECTORY "/%s.json", uid);
	}
	char *error = NULL;
	json_t *dashboard = pipeline_dashboard(project, uid, &error);
	if (!dashboard) {
		diag_add(diags, DIAG_ERROR, "internal", PIPELINE_TEMPLATE, 0, 0, "cannot fill the pipeline dashboard: %s", error);
		free(error);
	} else if (emit_output_add_json(output, path, dashboard) != 0) {
		diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "cannot emit '%s'", path);
	}
	free(path);
	free(uid);
	add_yaml(output, diags, PIPELINE_ALERTS, alerts_document(),
		 "Generated by goosec: alerts on the release pipeline itself, over the metrics goose-run's\n"
		 "monitoring.update writes. Do not edit: run 'goosec build'.");
	add_yaml(output, diags, PIPELINE_TESTS, tests_document(),
		 "Generated by goosec: unit tests of pipeline-alerts.yaml.\n"
		 "Run with: promtool test rules pipeline-alerts.yaml");
}
