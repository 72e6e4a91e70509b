/* Compiles the monitoring model into Prometheus 2.42 rule groups: one alert per threshold level,
 * burn-rate alerts and their recording rules per SLO, plain rules as written. */
#include "promrule.h"

#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "selector.h"
#include "util.h"
#include "yaml.h"
#include "banned.h"

const struct promrule_burn_window promrule_burn_windows[PROMRULE_BURN_WINDOW_COUNT] = {
	{ "5m", "1h", 3600, 0.02, MODEL_LEVEL_CRITICAL },
	{ "30m", "6h", 6 * 3600, 0.05, MODEL_LEVEL_CRITICAL },
	{ "2h", "1d", 86400, 0.10, MODEL_LEVEL_WARNING },
	{ "6h", "3d", 3 * 86400, 0.10, MODEL_LEVEL_WARNING },
};

/* Every window an error ratio is recorded over, shortest first. */
static const char *const recorded_windows[] = { "5m", "30m", "1h", "2h", "6h", "1d", "3d" };

double promrule_burn_factor(const struct promrule_burn_window *window, double slo_window_seconds)
{
	double factor = window->budget_fraction * slo_window_seconds / window->long_seconds;
	return factor < 1 ? 1 : factor;
}

void promrule_error_ratio_name(const char *window, struct strbuf *out)
{
	strbuf_addf(out, "slo:sli_error:ratio_rate%s", window);
}

bool promrule_level_trips(enum model_direction direction, double value, double level_value)
{
	return direction == MODEL_DIRECTION_BELOW ? value < level_value : value > level_value;
}

const struct model_threshold *promrule_find_threshold(const struct model *model, const char *name)
{
	for (size_t f = 0; name && f < model->thresholds_count; f++)
		for (size_t t = 0; t < model->thresholds[f].threshold_count; t++)
			if (strcmp(model->thresholds[f].thresholds[t].name.text, name) == 0)
				return &model->thresholds[f].thresholds[t];
	return NULL;
}

void promrule_set_init(struct promrule_set *set)
{
	memset(set, 0, sizeof(*set));
	strbuf_init(&set->alerts_inputs);
	strbuf_init(&set->recording_inputs);
}

void promrule_set_release(struct promrule_set *set)
{
	for (size_t g = 0; g < set->alert_group_count; g++) {
		struct promrule_alert_group *group = &set->alert_groups[g];
		for (size_t a = 0; a < group->alert_count; a++)
			json_decref(group->alerts[a].rule);
		free(group->alerts);
		json_decref(group->group);
	}
	free(set->alert_groups);
	json_decref(set->alerts_document);
	json_decref(set->recording_document);
	strbuf_release(&set->alerts_inputs);
	strbuf_release(&set->recording_inputs);
	promrule_set_init(set);
}

static json_t *number_string(double value)
{
	struct strbuf text;
	strbuf_init(&text);
	number_format(value, &text);
	json_t *string = json_string(text.buf);
	strbuf_release(&text);
	return string;
}

static json_t *duration_string(const struct model_value *duration)
{
	struct strbuf text;
	strbuf_init(&text);
	number_format_duration(duration->value, &text);
	json_t *string = json_string(text.buf);
	strbuf_release(&text);
	return string;
}

/* Appends `path` to a comma-separated list of inputs unless it is there already. */
static void add_input(struct strbuf *inputs, const struct project_file *source)
{
	const char *path = source ? source->relative_path : NULL;
	if (!path)
		return;
	for (const char *found = strstr(inputs->buf, path); found; found = strstr(found + 1, path)) {
		size_t length = strlen(path);
		bool starts = found == inputs->buf || found[-1] == ' ';
		if (starts && (found[length] == ',' || found[length] == '\0'))
			return;
	}
	if (inputs->len)
		strbuf_addstr(inputs, ", ");
	strbuf_addstr(inputs, path);
}

/* name, interval, limit of a group, in Prometheus' order. Group `labels` (Prometheus 3) are
 * folded into each rule by the caller; `query_offset` cannot be said in 2.42. */
static json_t *group_header(const struct model_name *name, const struct model_value *interval,
			    const struct model_group_options *options, struct diag_list *diags)
{
	json_t *group = json_object();
	json_object_set_new(group, "name", json_string(name->text));
	if (interval->present)
		json_object_set_new(group, "interval", duration_string(interval));
	if (options->limit.present && options->limit.integral && options->limit.integer > 0)
		json_object_set_new(group, "limit", json_integer((json_int_t)options->limit.integer));
	if (options->query_offset.present) {
		const struct model_location *at = &options->query_offset.location;
		struct diag *diag = diag_add(diags, DIAG_ERROR, "emit-prometheus-query-offset", at->file, at->line, at->col,
					     "group '%s' sets query_offset, which Prometheus 2.42 does not know", name->text);
		diag_set_hint(diag, "remove it, or put the offset into the expressions ('offset 1m')");
	}
	return group;
}

/* Prometheus refuses a file with two groups of one name: reports `name` when `groups` (what goes
 * into `output` so far) already has it. */
static void check_group_name(const json_t *groups, const char *name, const struct model_location *location,
			     const char *output, struct diag_list *diags)
{
	for (size_t i = 0; i < json_array_size(groups); i++)
		if (strcmp(name, json_string_value(json_object_get(json_array_get(groups, i), "name"))) == 0) {
			diag_add(diags, DIAG_ERROR, "emit-prometheus-duplicate-group", location->file, location->line,
				 location->col, "a second rule group named '%s' would go into '%s'", name, output);
			return;
		}
}

/* Rule labels after the group's labels: Prometheus 3 lets a rule's own label win. */
static void add_group_labels(json_t *labels, const struct model_group_options *options)
{
	for (size_t i = 0; i < options->labels.count; i++)
		if (!json_object_get(labels, options->labels.items[i].name))
			json_object_set_new(labels, options->labels.items[i].name, json_string(options->labels.items[i].value));
}

static void set_labels(json_t *object, const char *key, const struct model_label_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		json_t *map = json_object_get(object, key);
		if (!map) {
			map = json_object();
			json_object_set_new(object, key, map);
		}
		json_object_set_new(map, list->items[i].name, json_string(list->items[i].value));
	}
}

/* An expression as it goes into a rule: trailing line breaks and blanks dropped. */
static char *trimmed_expression(const char *text)
{
	size_t length = strlen(text);
	while (length && strchr(" \t\r\n", text[length - 1]))
		length--;
	return xstrndup(text, length);
}

/* `signal OP level`: a lone selector needs no parentheses; anything else gets them, with the
 * closing one on its own line when a '#' comment could otherwise swallow it. */
static char *comparison(const char *signal_text, enum model_direction direction, double level_value)
{
	char *signal = trimmed_expression(signal_text);
	struct strbuf expr;
	strbuf_init(&expr);
	struct selector selector;
	if (selector_parse(signal, &selector) == 0) {
		strbuf_addstr(&expr, signal);
		selector_release(&selector);
	} else {
		strbuf_addf(&expr, "(%s%s)", signal, strchr(signal, '#') || strchr(signal, '\n') ? "\n" : "");
	}
	strbuf_addstr(&expr, direction == MODEL_DIRECTION_BELOW ? " < " : " > ");
	number_format(level_value, &expr);
	free(signal);
	return strbuf_detach(&expr, NULL);
}

static struct promrule_alert *add_alert(struct promrule_alert_group *group, enum promrule_kind kind,
					const struct model_alert *source, const struct model_threshold *threshold)
{
	ALLOC_GROW(group->alerts, group->alert_count + 1, group->alert_alloc);
	struct promrule_alert *alert = &group->alerts[group->alert_count++];
	memset(alert, 0, sizeof(*alert));
	alert->kind = kind;
	alert->source = source;
	alert->threshold = threshold;
	return alert;
}

/* alert, expr, for, keep_firing_for, labels (severity first), annotations. */
static json_t *alert_rule(const struct model_alert *source, const char *expr, const char *severity,
			  const struct model_group_options *group_options, bool with_for)
{
	json_t *rule = json_object();
	json_object_set_new(rule, "alert", json_string(source->name.text));
	json_object_set_new(rule, "expr", json_string(expr));
	if (with_for && source->for_duration.present)
		json_object_set_new(rule, "for", duration_string(&source->for_duration));
	if (source->keep_firing_for.present)
		json_object_set_new(rule, "keep_firing_for", duration_string(&source->keep_firing_for));
	json_t *labels = json_object();
	if (severity)
		json_object_set_new(labels, "severity", json_string(severity));
	json_object_set_new(rule, "labels", labels);
	set_labels(rule, "labels", &source->labels);
	add_group_labels(labels, group_options);
	if (json_object_size(labels) == 0)
		json_object_del(rule, "labels");
	set_labels(rule, "annotations", &source->annotations);
	return rule;
}

static void compile_level_alerts(struct promrule_alert_group *group, const struct model_alert *source,
				 const struct model_threshold *threshold, const struct model_group_options *group_options)
{
	static const enum model_level levels[] = { MODEL_LEVEL_WARNING, MODEL_LEVEL_CRITICAL };
	for (size_t i = 0; i < 2; i++) {
		enum model_level level = levels[i];
		const struct model_value *value = model_threshold_level(threshold, level);
		if (!value || !value->present)
			continue;
		if (source->levels_given && !(level == MODEL_LEVEL_WARNING ? source->level_warning : source->level_critical))
			continue;
		char *expr = comparison(source->expr.text, threshold->direction, value->value);
		json_t *rule = alert_rule(source, expr, model_level_name(level), group_options, true);
		free(expr);
		json_t *labels = json_object_get(rule, "labels");
		if (!json_object_get(labels, "threshold_name"))
			json_object_set_new(labels, "threshold_name", json_string(threshold->name.text));
		json_t *annotations = json_object_get(rule, "annotations");
		if (!annotations) {
			annotations = json_object();
			json_object_set_new(rule, "annotations", annotations);
		}
		if (!json_object_get(annotations, "threshold"))
			json_object_set_new(annotations, "threshold", number_string(value->value));
		struct promrule_alert *alert = add_alert(group, PROMRULE_LEVEL, source, threshold);
		alert->level = level;
		alert->level_value = value->value;
		alert->rule = rule;
	}
}

/* The page (critical) or ticket (warning) alert: either of its two window pairs burning, each
 * pair seen over its long window and confirmed over its short one. Vector matching ignores the
 * metric name, so `and` pairs the two ratios of one job and `or` keeps one series per job. */
static void compile_burn_rate_alert(struct promrule_alert_group *group, const struct model_alert *source,
				    const struct model_threshold *threshold, enum model_level level,
				    const struct model_group_options *group_options)
{
	double budget = 1 - threshold->objective.value;
	struct strbuf expr;
	strbuf_init(&expr);
	bool first = true;
	for (size_t w = 0; w < PROMRULE_BURN_WINDOW_COUNT; w++) {
		const struct promrule_burn_window *window = &promrule_burn_windows[w];
		if (window->level != level)
			continue;
		double limit = promrule_burn_factor(window, threshold->window.value) * budget;
		if (!first)
			strbuf_addstr(&expr, "\nor\n");
		first = false;
		const char *pair[] = { window->long_window, window->short_window };
		strbuf_addstr(&expr, "(\n");
		for (size_t p = 0; p < 2; p++) {
			strbuf_addstr(&expr, p ? "\n  and\n  " : "  ");
			promrule_error_ratio_name(pair[p], &expr);
			strbuf_addf(&expr, "{slo=\"%s\"} > ", threshold->name.text);
			number_format(limit, &expr);
		}
		strbuf_addstr(&expr, "\n)");
	}
	json_t *rule = alert_rule(source, expr.buf, model_level_name(level), group_options, false);
	strbuf_release(&expr);
	struct promrule_alert *alert = add_alert(group, PROMRULE_BURN_RATE, source, threshold);
	alert->level = level;
	alert->rule = rule;
}

static void compile_alert_rules(struct promrule_set *set, const struct model *model, json_t *groups,
				struct diag_list *diags)
{
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *file = &model->alert_rules[f];
		add_input(&set->alerts_inputs, file->source);
		for (size_t g = 0; g < file->group_count; g++) {
			const struct model_alert_group *authored = &file->groups[g];
			ALLOC_GROW(set->alert_groups, set->alert_group_count + 1, set->alert_group_alloc);
			struct promrule_alert_group *group = &set->alert_groups[set->alert_group_count++];
			memset(group, 0, sizeof(*group));
			check_group_name(groups, authored->name.text, &authored->name.location, "alerts.yaml", diags);
			group->group = group_header(&authored->name, &authored->interval, &authored->options, diags);
			for (size_t a = 0; a < authored->alert_count; a++) {
				const struct model_alert *source = &authored->alerts[a];
				const struct model_threshold *threshold =
					promrule_find_threshold(model, source->threshold.text ? source->threshold.text : source->slo.text);
				if (source->threshold.text && threshold && !threshold->is_slo) {
					compile_level_alerts(group, source, threshold, &authored->options);
				} else if (source->slo.text && threshold && threshold->is_slo) {
					compile_burn_rate_alert(group, source, threshold, MODEL_LEVEL_CRITICAL, &authored->options);
					compile_burn_rate_alert(group, source, threshold, MODEL_LEVEL_WARNING, &authored->options);
				} else if (!source->threshold.text && !source->slo.text) {
					struct promrule_alert *alert = add_alert(group, PROMRULE_PLAIN, source, NULL);
					char *expr = trimmed_expression(source->expr.text ? source->expr.text : "");
					alert->rule = alert_rule(source, expr, NULL, &authored->options, true);
					free(expr);
				}
			}
			json_t *rules = json_array();
			for (size_t a = 0; a < group->alert_count; a++)
				json_array_append(rules, group->alerts[a].rule);
			json_object_set_new(group->group, "rules", rules);
			json_array_append(groups, group->group);
		}
	}
}

/* sum by (job) (rate(SELECTOR[WINDOW])): the job label stays, so one SLO over several jobs
 * still gives one ratio per job. */
static void add_rate_sum(struct strbuf *expr, const char *selector, const char *window)
{
	strbuf_addf(expr, "sum by (job) (rate(%s[%s]))", selector, window);
}

static json_t *recording_rule(const char *record, const char *expr, const char *slo_name)
{
	json_t *rule = json_object();
	json_object_set_new(rule, "record", json_string(record));
	json_object_set_new(rule, "expr", json_string(expr));
	json_object_set_new(rule, "labels", json_pack("{s:s}", "slo", slo_name));
	return rule;
}

/* One group per SLO: the error ratio over every window the alerts read, and the objective and
 * error budget as series, for dashboards to draw burn rates against. */
static json_t *slo_recording_group(const struct model_threshold *threshold, struct diag_list *diags)
{
	char *errors = trimmed_expression(threshold->sli_errors.text ? threshold->sli_errors.text : "");
	char *total = trimmed_expression(threshold->sli_total.text ? threshold->sli_total.text : "");
	const struct model_text *sli[] = { &threshold->sli_errors, &threshold->sli_total };
	const char *texts[] = { errors, total };
	bool usable = true;
	for (size_t i = 0; i < 2; i++) {
		struct selector selector;
		if (selector_parse(texts[i], &selector) == 0) {
			selector_release(&selector);
			continue;
		}
		usable = false;
		struct diag *diag = diag_add(diags, DIAG_ERROR, "emit-prometheus-sli-not-selector", sli[i]->location.file,
					     sli[i]->location.line, sli[i]->location.col,
					     "SLI '%s' of '%s' is not a single counter selector", i ? "total" : "errors",
					     threshold->name.text);
		diag_set_hint(diag, "write a selector such as http_requests_total{job=\"api\", code=~\"5..\"}; goosec adds rate() and the windows");
	}
	json_t *group = NULL;
	if (usable) {
		json_t *rules = json_array();
		struct strbuf record, expr;
		strbuf_init(&record);
		strbuf_init(&expr);
		for (size_t w = 0; w < sizeof(recorded_windows) / sizeof(recorded_windows[0]); w++) {
			strbuf_reset(&record);
			strbuf_reset(&expr);
			promrule_error_ratio_name(recorded_windows[w], &record);
			add_rate_sum(&expr, errors, recorded_windows[w]);
			strbuf_addstr(&expr, "\n/\n");
			add_rate_sum(&expr, total, recorded_windows[w]);
			json_array_append_new(rules, recording_rule(record.buf, expr.buf, threshold->name.text));
		}
		strbuf_reset(&expr);
		strbuf_addstr(&expr, "vector(");
		number_format(threshold->objective.value, &expr);
		strbuf_addch(&expr, ')');
		json_array_append_new(rules, recording_rule("slo:objective:ratio", expr.buf, threshold->name.text));
		strbuf_reset(&expr);
		strbuf_addstr(&expr, "vector(");
		number_format(1 - threshold->objective.value, &expr);
		strbuf_addch(&expr, ')');
		json_array_append_new(rules, recording_rule("slo:error_budget:ratio", expr.buf, threshold->name.text));
		strbuf_release(&record);
		strbuf_release(&expr);
		char *name = xasprintf("slo:%s", threshold->name.text);
		group = json_pack("{s:s, s:o}", "name", name, "rules", rules);
		free(name);
	}
	free(errors);
	free(total);
	return group;
}

static bool slo_is_alerted(const struct model *model, const char *name)
{
	for (size_t f = 0; f < model->alert_rules_count; f++)
		for (size_t g = 0; g < model->alert_rules[f].group_count; g++)
			for (size_t a = 0; a < model->alert_rules[f].groups[g].alert_count; a++) {
				const char *slo = model->alert_rules[f].groups[g].alerts[a].slo.text;
				if (slo && strcmp(slo, name) == 0)
					return true;
			}
	return false;
}

static void compile_recording_rules(struct promrule_set *set, const struct model *model, json_t *groups,
				    struct diag_list *diags)
{
	for (size_t f = 0; f < model->recording_rules_count; f++) {
		const struct model_recording_rules *file = &model->recording_rules[f];
		add_input(&set->recording_inputs, file->source);
		for (size_t g = 0; g < file->group_count; g++) {
			const struct model_recording_group *authored = &file->groups[g];
			check_group_name(groups, authored->name.text, &authored->name.location, "recording.yaml", diags);
			json_t *group = group_header(&authored->name, &authored->interval, &authored->options, diags);
			json_t *rules = json_array();
			for (size_t r = 0; r < authored->rule_count; r++) {
				const struct model_recording_rule *source = &authored->rules[r];
				json_t *rule = json_object();
				json_object_set_new(rule, "record", json_string(source->record.text));
				char *expr = trimmed_expression(source->expr.text ? source->expr.text : "");
				json_object_set_new(rule, "expr", json_string(expr));
				free(expr);
				json_t *labels = json_object();
				json_object_set_new(rule, "labels", labels);
				set_labels(rule, "labels", &source->labels);
				add_group_labels(labels, &authored->options);
				if (json_object_size(labels) == 0)
					json_object_del(rule, "labels");
				json_array_append_new(rules, rule);
			}
			json_object_set_new(group, "rules", rules);
			json_array_append_new(groups, group);
		}
	}
	/* SLOs that an alert uses, in threshold order */
	for (size_t f = 0; f < model->thresholds_count; f++)
		for (size_t t = 0; t < model->thresholds[f].threshold_count; t++) {
			const struct model_threshold *threshold = &model->thresholds[f].thresholds[t];
			if (!threshold->is_slo || !slo_is_alerted(model, threshold->name.text))
				continue;
			add_input(&set->recording_inputs, model->thresholds[f].source);
			json_t *group = slo_recording_group(threshold, diags);
			if (group)
				check_group_name(groups, json_string_value(json_object_get(group, "name")),
						 &threshold->name.location, "recording.yaml", diags);
			if (group)
				json_array_append_new(groups, group);
		}
}

void promrule_set_build(struct promrule_set *set, const struct model *model, struct diag_list *diags)
{
	json_t *alert_groups = json_array();
	compile_alert_rules(set, model, alert_groups, diags);
	for (size_t f = 0; f < model->thresholds_count; f++)
		add_input(&set->alerts_inputs, model->thresholds[f].source);
	json_t *recording_groups = json_array();
	compile_recording_rules(set, model, recording_groups, diags);
	set->alerts_document = json_pack("{s:o}", "groups", alert_groups);
	set->recording_document = json_pack("{s:o}", "groups", recording_groups);
}
