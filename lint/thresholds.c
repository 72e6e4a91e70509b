/* Threshold rules: warning and critical ordered by direction, SLO objectives and windows in
 * range, and every alert, load-test criterion and gate asking for a level the threshold has, in
 * a unit that fits what it measures. */
#include "lint.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "banned.h"

#define SLO_WINDOW_MIN (86400.0)       /* 1d: the slow burn-rate alerts look back days */
#define SLO_WINDOW_MAX (365 * 86400.0) /* a year */

/* A value as the author wrote it: "250ms", "1%", or the number. */
static void spell_value(const struct model_value *value, struct strbuf *out)
{
	strbuf_reset(out);
	if (value->spelling)
		strbuf_addstr(out, value->spelling);
	else
		strbuf_addf(out, "%g", value->value);
}

static void check_level_order(const struct model_threshold *threshold, struct diag_list *diags)
{
	if (threshold->is_slo || !threshold->warning.present || !threshold->critical.present)
		return;
	bool above = threshold->direction == MODEL_DIRECTION_ABOVE;
	double warning = threshold->warning.value, critical = threshold->critical.value;
	if (above ? warning < critical : warning > critical)
		return;
	struct strbuf warning_text, critical_text;
	strbuf_init(&warning_text);
	strbuf_init(&critical_text);
	spell_value(&threshold->warning, &warning_text);
	spell_value(&threshold->critical, &critical_text);
	const struct model_location *at = &threshold->warning.location;
	struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-threshold-level-order", at->file, at->line, at->col,
				     "warning level %s of '%s' is not %s its critical level %s", warning_text.buf,
				     threshold->name.text, above ? "below" : "above", critical_text.buf);
	diag_set_hint(diag, "with 'direction: %s' the warning fires first, so it must be %s than critical",
		      above ? "above" : "below", above ? "lower" : "higher");
	diag_add_related(diag, threshold->critical.location.file, threshold->critical.location.line,
			 threshold->critical.location.col, "the critical level is set here");
	strbuf_release(&warning_text);
	strbuf_release(&critical_text);
}

static void check_slo(const struct model_threshold *threshold, struct diag_list *diags)
{
	if (!threshold->is_slo)
		return;
	struct strbuf text;
	strbuf_init(&text);
	const struct model_value *objective = &threshold->objective;
	if (objective->present && (objective->value <= 0 || objective->value >= 1)) {
		spell_value(objective, &text);
		struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-slo-objective-range", objective->location.file,
					     objective->location.line, objective->location.col,
					     "SLO objective %s of '%s' is not strictly between 0%% and 100%%", text.buf,
					     threshold->name.text);
		diag_set_hint(diag, "%s", objective->value >= 1 ? "an objective of 100% leaves no error budget to burn; try 99.9%"
								: "an objective is the share of good events to meet, e.g. 99.9%");
	}
	const struct model_value *window = &threshold->window;
	if (window->present && (window->value < SLO_WINDOW_MIN || window->value > SLO_WINDOW_MAX)) {
		spell_value(window, &text);
		struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-slo-window-range", window->location.file,
					     window->location.line, window->location.col,
					     "SLO window %s of '%s' is %s", text.buf, threshold->name.text,
					     window->value < SLO_WINDOW_MIN ? "shorter than a day" : "longer than a year");
		diag_set_hint(diag, "SLOs are measured over days to weeks: 7d, 28d or 30d");
	}
	strbuf_release(&text);
}

/* The threshold a (resolved) reference names, when it is a level threshold. */
static const struct model_threshold *level_threshold(const struct lint_context *context,
						     const struct model_name *reference)
{
	const struct xref_symbol *symbol = xref_find(context->table, XREF_THRESHOLD, NULL, reference->text);
	const struct model_threshold *threshold = symbol ? symbol->definition : NULL;
	return threshold && !threshold->is_slo ? threshold : NULL;
}

static void check_has_level(const struct model_threshold *threshold, enum model_level level,
			    const struct model_location *at, const char *user, struct diag_list *diags)
{
	if (model_threshold_level(threshold, level))
		return;
	struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-threshold-level-missing", at->file, at->line, at->col,
				     "%s asks for the %s level of '%s', which has none", user, model_level_name(level),
				     threshold->name.text);
	diag_set_hint(diag, "set '%s:' on the threshold or use its %s level", model_level_name(level),
		      model_level_name(level == MODEL_LEVEL_WARNING ? MODEL_LEVEL_CRITICAL : MODEL_LEVEL_WARNING));
	diag_add_related(diag, threshold->name.location.file, threshold->name.location.line,
			 threshold->name.location.col, "'%s' is defined here", threshold->name.text);
}

/* The unit a load-test metric is measured in. */
static enum model_unit metric_unit(const char *metric)
{
	if (strncmp(metric, "latency_", 8) == 0)
		return MODEL_UNIT_SECONDS;
	if (strcmp(metric, "error_ratio") == 0)
		return MODEL_UNIT_RATIO;
	if (strcmp(metric, "throughput") == 0)
		return MODEL_UNIT_REQUESTS_PER_SECOND;
	return MODEL_UNIT_NONE;
}

static void check_metric_unit(const char *metric, const struct model_threshold *threshold,
			      const struct model_location *at, struct diag_list *diags)
{
	enum model_unit expected = metric_unit(metric);
	if (expected == MODEL_UNIT_NONE || expected == threshold->unit)
		return;
	struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-metric-unit-mismatch", at->file, at->line, at->col,
				     "metric '%s' is measured in %s, but threshold '%s' is in %s", metric,
				     model_unit_name(expected), threshold->name.text, model_unit_name(threshold->unit));
	diag_add_related(diag, threshold->name.location.file, threshold->name.location.line,
			 threshold->name.location.col, "'%s' is defined here", threshold->name.text);
}

static void check_alert_levels(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *rules = &model->alert_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			for (size_t a = 0; a < rules->groups[g].alert_count; a++) {
				const struct model_alert *alert = &rules->groups[g].alerts[a];
				const struct model_threshold *threshold;
				if (!alert->levels_given || !(threshold = level_threshold(context, &alert->threshold)))
					continue;
				struct strbuf user;
				strbuf_init(&user);
				strbuf_addf(&user, "alert '%s'", alert->name.text);
				if (alert->level_warning)
					check_has_level(threshold, MODEL_LEVEL_WARNING, &alert->levels_location, user.buf, diags);
				if (alert->level_critical)
					check_has_level(threshold, MODEL_LEVEL_CRITICAL, &alert->levels_location, user.buf,
							diags);
				strbuf_release(&user);
			}
		}
	}
}

static void check_load_test_uses(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	for (size_t l = 0; l < model->load_test_count; l++) {
		const struct model_load_test *load_test = &model->load_tests[l];
		for (size_t c = 0; c < load_test->criterion_count; c++) {
			const struct model_criterion *criterion = &load_test->criteria[c];
			const struct model_threshold *threshold = level_threshold(context, &criterion->threshold);
			if (!threshold)
				continue;
			check_has_level(threshold, criterion->level, &criterion->level_location, "the criterion", diags);
			check_metric_unit(criterion->metric_name, threshold, &criterion->threshold.location, diags);
		}
	}
	for (size_t s = 0; s < model->stage_count; s++) {
		const struct model_stage *stage = &model->stages[s];
		struct strbuf user;
		strbuf_init(&user);
		strbuf_addf(&user, "the load-test gate of stage '%s'", stage->name.text);
		for (size_t g = 0; g < stage->gate_threshold_count; g++) {
			const struct model_gate_threshold *gate = &stage->gate_thresholds[g];
			const struct model_threshold *threshold = level_threshold(context, &gate->threshold);
			if (!threshold)
				continue;
			/* reported at the threshold name: the level is shared by every entry of the gate */
			check_has_level(threshold, stage->loadtest_level, &gate->threshold.location, user.buf, diags);
			check_metric_unit(gate->metric, threshold, &gate->threshold.location, diags);
		}
		strbuf_release(&user);
	}
}

void lint_thresholds(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	for (size_t f = 0; f < model->thresholds_count; f++) {
		for (size_t i = 0; i < model->thresholds[f].threshold_count; i++) {
			const struct model_threshold *threshold = &model->thresholds[f].thresholds[i];
			check_level_order(threshold, diags);
			check_slo(threshold, diags);
		}
	}
	check_alert_levels(context, diags);
	check_load_test_uses(context, diags);
}
