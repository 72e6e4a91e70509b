/* Sensitive labels (goose.yaml's sensitive_labels): no alert, recording rule or dashboard query
 * may return a series that can still carry one, and no alert may write or template one. */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "promql.h"
#include "rulefile.h"
#include "util.h"
#include "banned.h"

enum taint { TAINT_UNKNOWN, TAINT_COMPUTING, TAINT_CLEAN, TAINT_CARRIES };

struct recording_taint {
	const struct model_recording_rule *rule;
	struct promql_expr parsed;
	bool parsed_ok;
	enum taint *by_label; /* one per sensitive label */
};

struct sensitive_context {
	const struct model_name_list *labels;
	struct recording_taint *recordings;
	size_t recording_count;
	size_t label_index; /* the label being asked about */
};

static bool carries(struct sensitive_context *context, const struct promql_node *node, size_t label_index);

static struct recording_taint *recording_named(struct sensitive_context *context, const char *name)
{
	for (size_t i = 0; i < context->recording_count; i++)
		if (context->recordings[i].rule->record.text && strcmp(context->recordings[i].rule->record.text, name) == 0)
			return &context->recordings[i];
	return NULL;
}

/* A selector of a recording rule carries what the rule's expression carries (and any label the
 * rule sets); any other metric may carry any label. */
static bool selector_carries(const struct promql_node *selector, const char *label, void *opaque)
{
	struct sensitive_context *context = opaque;
	struct recording_taint *recording = selector->metric_name ? recording_named(context, selector->metric_name) : NULL;
	if (!recording || !recording->parsed_ok)
		return true;
	size_t index = context->label_index;
	enum taint *state = &recording->by_label[index];
	if (*state == TAINT_UNKNOWN) {
		*state = TAINT_COMPUTING;
		bool result = carries(context, recording->parsed.root, index);
		for (size_t i = 0; i < recording->rule->labels.count; i++)
			result |= strcmp(recording->rule->labels.items[i].name, label) == 0;
		*state = result ? TAINT_CARRIES : TAINT_CLEAN;
	}
	return *state != TAINT_CLEAN; /* a cycle counts as carrying: we cannot prove otherwise */
}

static bool carries(struct sensitive_context *context, const struct promql_node *node, size_t label_index)
{
	size_t saved = context->label_index;
	context->label_index = label_index;
	bool result = promql_may_carry_label(node, context->labels->items[label_index].text, selector_carries, context);
	context->label_index = saved;
	return result;
}

static void check_expression(struct sensitive_context *context, const struct model_text *expr,
			     const struct promql_node *root, const char *subject, struct diag_list *diags)
{
	for (size_t l = 0; l < context->labels->count; l++) {
		const char *label = context->labels->items[l].text;
		if (!label || !carries(context, root, l))
			continue;
		struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-sensitive-label", expr->location.file, expr->location.line,
					     expr->location.col,
					     "%s can expose sensitive label '%s': aggregate it away with by (...) or without (%s)",
					     subject, label, label);
		const struct model_location *defined = &context->labels->items[l].location;
		diag_add_related(diag, defined->file, defined->line, defined->col, "'%s' is marked sensitive here", label);
	}
}

static void check_parsed(struct sensitive_context *context, const struct model_text *expr, const char *subject,
			 struct diag_list *diags)
{
	if (!expr->text)
		return;
	struct promql_expr parsed;
	promql_expr_init(&parsed);
	if (promql_parse(&parsed, expr->text, strlen(expr->text)) == 0)
		check_expression(context, expr, parsed.root, subject, diags);
	promql_expr_release(&parsed); /* parse errors are resolve's to report */
}

struct template_use {
	struct sensitive_context *context;
	const char *alert;
	const struct model_label *where;
	const char *what;
	struct diag_list *diags;
};

static void template_label(const char *name, size_t length, size_t offset, void *opaque)
{
	struct template_use *use = opaque;
	(void)offset;
	for (size_t l = 0; l < use->context->labels->count; l++) {
		const char *label = use->context->labels->items[l].text;
		if (!label || strlen(label) != length || strncmp(label, name, length) != 0)
			continue;
		const struct model_location *at = &use->where->location;
		struct diag *diag = diag_add(use->diags, DIAG_ERROR, "lint-sensitive-label", at->file, at->line, at->col,
					     "alert '%s' %s '%s' shows sensitive label '%s'", use->alert, use->what,
					     use->where->name, label);
		diag_set_hint(diag, "remove $labels.%s from the template", label);
	}
}

static void check_alert_labels(struct sensitive_context *context, const struct model_alert *alert, struct diag_list *diags)
{
	const char *name = alert->name.text ? alert->name.text : "";
	for (size_t i = 0; i < alert->labels.count; i++) {
		const struct model_label *label = &alert->labels.items[i];
		for (size_t l = 0; l < context->labels->count; l++) {
			if (!context->labels->items[l].text || strcmp(label->name, context->labels->items[l].text) != 0)
				continue;
			diag_add(diags, DIAG_ERROR, "lint-sensitive-label", label->location.file, label->location.line,
				 label->location.col, "alert '%s' sets sensitive label '%s'", name, label->name);
		}
		struct template_use use = { context, name, label, "label", diags };
		if (label->value)
			rulefile_template_labels(label->value, template_label, &use);
	}
	for (size_t i = 0; i < alert->annotations.count; i++) {
		const struct model_label *annotation = &alert->annotations.items[i];
		struct template_use use = { context, name, annotation, "annotation", diags };
		if (annotation->value)
			rulefile_template_labels(annotation->value, template_label, &use);
	}
}

void lint_sensitive_labels(const struct lint_context *lint, struct diag_list *diags)
{
	const struct model *model = lint->model;
	if (model->project_count == 0 || model->projects[0].sensitive_labels.count == 0)
		return;
	struct sensitive_context context = { &model->projects[0].sensitive_labels, NULL, 0, 0 };
	size_t label_count = context.labels->count;
	for (size_t f = 0; f < model->recording_rules_count; f++)
		for (size_t g = 0; g < model->recording_rules[f].group_count; g++)
			context.recording_count += model->recording_rules[f].groups[g].rule_count;
	context.recordings = xcalloc(context.recording_count + 1, sizeof(*context.recordings));
	size_t next = 0;
	for (size_t f = 0; f < model->recording_rules_count; f++)
		for (size_t g = 0; g < model->recording_rules[f].group_count; g++)
			for (size_t r = 0; r < model->recording_rules[f].groups[g].rule_count; r++) {
				struct recording_taint *recording = &context.recordings[next++];
				recording->rule = &model->recording_rules[f].groups[g].rules[r];
				promql_expr_init(&recording->parsed);
				recording->parsed_ok = recording->rule->expr.text &&
						       promql_parse(&recording->parsed, recording->rule->expr.text,
								    strlen(recording->rule->expr.text)) == 0;
				recording->by_label = xcalloc(label_count, sizeof(*recording->by_label));
			}

	for (size_t i = 0; i < context.recording_count; i++) {
		struct recording_taint *recording = &context.recordings[i];
		if (!recording->parsed_ok)
			continue;
		char *subject = xasprintf("recording rule '%s'", recording->rule->record.text ? recording->rule->record.text : "");
		check_expression(&context, &recording->rule->expr, recording->parsed.root, subject, diags);
		free(subject);
	}
	for (size_t f = 0; f < model->alert_rules_count; f++)
		for (size_t g = 0; g < model->alert_rules[f].group_count; g++)
			for (size_t a = 0; a < model->alert_rules[f].groups[g].alert_count; a++) {
				const struct model_alert *alert = &model->alert_rules[f].groups[g].alerts[a];
				char *subject = xasprintf("alert '%s'", alert->name.text ? alert->name.text : "");
				check_parsed(&context, &alert->expr, subject, diags);
				free(subject);
				check_alert_labels(&context, alert, diags);
			}
	for (size_t d = 0; d < model->dashboard_count; d++)
		for (size_t p = 0; p < model->dashboards[d].panel_count; p++) {
			const struct model_panel *panel = &model->dashboards[d].panels[p];
			char *subject = xasprintf("panel '%s' query", panel->title ? panel->title : "");
			for (size_t q = 0; q < panel->query_count; q++)
				check_parsed(&context, &panel->queries[q].expr, subject, diags);
			free(subject);
		}

	for (size_t i = 0; i < context.recording_count; i++) {
		promql_expr_release(&context.recordings[i].parsed);
		free(context.recordings[i].by_label);
	}
	free(context.recordings);
}
