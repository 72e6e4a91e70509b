/* Coverage rules, "all alerts configured" at compile time: every service has a threshold-backed
 * alert and a dashboard; every alert has a runbook and a severity. Unused thresholds are the
 * resolver's warning (xref-unused-threshold). */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/* Per service of the services catalog, what covers it. */
struct service_coverage {
	const struct model_service *service;
	size_t alerts, dashboards;
	size_t deploying_stages, advisory_stages; /* stages deploying it; those with an advisory alerts gate */
};

struct coverage {
	struct service_coverage *services;
	size_t count;
	const struct lint_context *context;
};

/* The coverage entry of a service name, or NULL when it names no service. */
static struct service_coverage *coverage_of(struct coverage *coverage, const char *name)
{
	if (!name)
		return NULL;
	const struct xref_symbol *symbol = xref_find(coverage->context->table, XREF_SERVICE, NULL, name);
	/* a misspelt service (reported already) still counts for the one it was meant to be */
	if (!symbol)
		symbol = xref_suggest(coverage->context->table, XREF_SERVICE, NULL, 0, NULL, name);
	if (!symbol)
		return NULL;
	/* services are numbered in catalog order: find the project that holds this one */
	const struct model *model = coverage->context->model;
	size_t base = 0;
	for (size_t p = 0; p < model->project_count; p++) {
		const struct model_project *project = &model->projects[p];
		const struct model_service *service = symbol->definition;
		if (service >= project->services && service < project->services + project->service_count)
			return &coverage->services[base + (size_t)(service - project->services)];
		base += project->service_count;
	}
	return NULL;
}

static void count_alerts(struct coverage *coverage)
{
	const struct model *model = coverage->context->model;
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *rules = &model->alert_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			for (size_t a = 0; a < rules->groups[g].alert_count; a++) {
				const struct model_alert *alert = &rules->groups[g].alerts[a];
				const char *name = alert->threshold.text ? alert->threshold.text : alert->slo.text;
				if (!name)
					continue;
				const struct xref_symbol *symbol = xref_find(coverage->context->table, XREF_THRESHOLD, NULL, name);
				/* a misspelt threshold (reported already) still covers the service it was meant for */
				if (!symbol)
					symbol = xref_suggest(coverage->context->table, XREF_THRESHOLD, NULL, 0, NULL, name);
				if (!symbol)
					continue;
				const struct model_threshold *threshold = symbol->definition;
				struct service_coverage *entry = coverage_of(coverage, threshold->service.text);
				if (entry)
					entry->alerts++;
			}
		}
	}
}

static void count_dashboards_and_stages(struct coverage *coverage)
{
	const struct model *model = coverage->context->model;
	for (size_t d = 0; d < model->dashboard_count; d++) {
		struct service_coverage *entry = coverage_of(coverage, model->dashboards[d].service.text);
		if (entry)
			entry->dashboards++;
	}
	for (size_t s = 0; s < model->stage_count; s++) {
		const struct model_stage *stage = &model->stages[s];
		bool advisory = stage->alerts_configured == MODEL_ENFORCEMENT_ADVISORY;
		if (stage->services.count == 0) {
			/* a stage without a services list deploys every service */
			for (size_t i = 0; i < coverage->count; i++) {
				coverage->services[i].deploying_stages++;
				coverage->services[i].advisory_stages += advisory;
			}
			continue;
		}
		for (size_t i = 0; i < stage->services.count; i++) {
			struct service_coverage *entry = coverage_of(coverage, stage->services.items[i].text);
			if (entry) {
				entry->deploying_stages++;
				entry->advisory_stages += advisory;
			}
		}
	}
}

static void check_services(struct coverage *coverage, struct diag_list *diags)
{
	const struct model *model = coverage->context->model;
	bool alerts_known = !model_kind_incomplete(model, "AlertRules") && !model_kind_incomplete(model, "Thresholds");
	bool dashboards_known = !model_kind_incomplete(model, "Dashboard");
	for (size_t i = 0; i < coverage->count; i++) {
		const struct service_coverage *entry = &coverage->services[i];
		const struct model_name *name = &entry->service->name;
		if (alerts_known && entry->alerts == 0) {
			/* every stage that deploys it may relax the gate to advisory: then it is a warning */
			bool advisory = entry->deploying_stages && entry->advisory_stages == entry->deploying_stages;
			struct diag *diag = diag_add(diags, advisory ? DIAG_WARNING : DIAG_ERROR,
						     "lint-service-without-alert", name->location.file, name->location.line,
						     name->location.col, "service '%s' has no threshold-backed alert",
						     name->text);
			diag_set_hint(diag, "add an alert with 'threshold:' or 'slo:' naming one of its thresholds");
		}
		if (dashboards_known && entry->dashboards == 0) {
			struct diag *diag = diag_add(diags, DIAG_WARNING, "lint-service-without-dashboard",
						     name->location.file, name->location.line, name->location.col,
						     "service '%s' has no dashboard", name->text);
			diag_set_hint(diag, "add monitoring/grafana/dashboards/%s.json with 'service: %s'", name->text,
				      name->text);
		}
	}
}

static void check_alerts(const struct model *model, struct diag_list *diags)
{
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *rules = &model->alert_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			for (size_t a = 0; a < rules->groups[g].alert_count; a++) {
				const struct model_alert *alert = &rules->groups[g].alerts[a];
				const struct model_location *at = &alert->name.location;
				if (!alert->runbook_url.text) {
					struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-alert-missing-runbook", at->file,
								     at->line, at->col, "alert '%s' has no runbook",
								     alert->name.text);
					diag_set_hint(diag, "add 'annotations: { runbook_url: https://... }' saying what to do when it fires");
				}
				/* threshold and SLO alerts take their severity from the level they fire at */
				if (!alert->threshold.text && !alert->slo.text && !alert->severity.text) {
					struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-alert-missing-severity", at->file,
								     at->line, at->col, "alert '%s' has no severity",
								     alert->name.text);
					diag_set_hint(diag, "add 'labels: { severity: critical }' (or warning, info)");
				}
			}
		}
	}
}

void lint_coverage(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	struct coverage coverage = { NULL, 0, context };
	for (size_t p = 0; p < model->project_count; p++)
		coverage.count += model->projects[p].service_count;
	coverage.services = xcalloc(coverage.count + 1, sizeof(*coverage.services));
	size_t index = 0;
	for (size_t p = 0; p < model->project_count; p++)
		for (size_t i = 0; i < model->projects[p].service_count; i++)
			coverage.services[index++].service = &model->projects[p].services[i];
	count_alerts(&coverage);
	count_dashboards_and_stages(&coverage);
	check_services(&coverage, diags);
	check_alerts(model, diags);
	free(coverage.services);
}
