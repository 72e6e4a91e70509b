/* The Prometheus rules goosec emits, computed once from the model: threshold alerts expanded per
 * level, SLO thresholds turned into burn-rate alerts and their recording rules, plain rules
 * passed through. emit/prometheus.c writes them; emit/promtest.c writes tests for them, so the
 * tests always test what was emitted.
 *
 * Ownership: a promrule_set owns its JSON trees and arrays; it borrows the model's strings. */
#ifndef GOOSE_PROMRULE_H
#define GOOSE_PROMRULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "emit.h"
#include "model.h"

/* The multi-window multi-burn-rate pairs of the Google SRE workbook (chapter 5), for a 30-day
 * SLO: page when 2% of the budget burns in 1h (seen over 5m too) or 5% in 6h (and 30m); ticket
 * when 10% burns in 1d (and 2h) or 10% in 3d (and 6h). */
struct promrule_burn_window {
	const char *short_window, *long_window; /* Prometheus durations, also in record names */
	double long_seconds;
	double budget_fraction; /* of the whole window's error budget, consumed in long_window */
	enum model_level level; /* critical pages, warning tickets */
};

#define PROMRULE_BURN_WINDOW_COUNT 4
extern const struct promrule_burn_window promrule_burn_windows[PROMRULE_BURN_WINDOW_COUNT];

/* The burn rate at which `window` alerts for an SLO measured over `slo_window_seconds`:
 * budget_fraction * slo_window / long_window (14.4, 6, 3, 1 for 30 days), never below 1: a burn
 * rate under 1 spends less than the budget, so the SLO is being met and nobody should be told. */
double promrule_burn_factor(const struct promrule_burn_window *window, double slo_window_seconds);

/* "slo:sli_error:ratio_rate5m": the recorded error ratio of every SLO over `window`, told apart
 * by its `slo` label (the threshold's name). */
void promrule_error_ratio_name(const char *window, struct strbuf *out);

enum promrule_kind {
	PROMRULE_PLAIN,     /* passed through */
	PROMRULE_LEVEL,     /* one level of a `threshold:` alert */
	PROMRULE_BURN_RATE, /* the page (critical) or ticket (warning) alert of an `slo:` alert */
};

struct promrule_alert {
	enum promrule_kind kind;
	const struct model_alert *source;
	const struct model_threshold *threshold; /* level and burn-rate alerts */
	enum model_level level;
	double level_value;  /* level alerts: the threshold's value at `level` */
	json_t *rule;        /* the Prometheus rule as emitted */
};

struct promrule_alert_group {
	json_t *group; /* name, interval, limit; "rules" holds the rules of `alerts` */
	struct promrule_alert *alerts;
	size_t alert_count, alert_alloc;
};

struct promrule_set {
	struct promrule_alert_group *alert_groups;
	size_t alert_group_count, alert_group_alloc;
	json_t *alerts_document;    /* {groups: [...]}, sharing the groups above */
	json_t *recording_document; /* authored groups, then one group per SLO */
	struct strbuf alerts_inputs, recording_inputs; /* the tree files each output comes from */
};

void promrule_set_init(struct promrule_set *set);
void promrule_set_release(struct promrule_set *set);

/* Builds every rule from the model. Problems (fields Prometheus 2.42 does not know, duplicate
 * group names, SLI selectors that are not selectors) go to `diags`. */
void promrule_set_build(struct promrule_set *set, const struct model *model, struct diag_list *diags);

/* The threshold named `name`, or NULL. */
const struct model_threshold *promrule_find_threshold(const struct model *model, const char *name);

/* Does `value` trip a level alert at `level_value` in `direction`? The same comparison the
 * emitted expression makes. */
bool promrule_level_trips(enum model_direction direction, double value, double level_value);

#endif
