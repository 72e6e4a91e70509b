/* Grafana panels from the model: units and threshold steps taken from a named threshold, and
 * the defaults every panel type needs (datasource input, options, field config, targets), so
 * an authored or templated panel becomes ready to import. */
#ifndef GOOSE_GRAFANA_PANEL_H
#define GOOSE_GRAFANA_PANEL_H

#include <jansson.h>

#include "model.h"

/* The datasource input every emitted panel and target uses. */
#define GRAFANA_DATASOURCE_INPUT "DS_PROMETHEUS"
#define GRAFANA_DATASOURCE_UID "${DS_PROMETHEUS}"

/* The Grafana unit id of a threshold unit: seconds "s", ratio "percentunit",
 * requests_per_second "reqps", bytes "bytes", count "short"; an SLO objective is a ratio. */
const char *grafana_unit_for(enum model_unit unit);

/* A ThresholdsConfig ({mode, steps}) for `threshold`. Direction above: green, yellow from the
 * warning level, red from the critical level. Direction below (low is bad): red, yellow from
 * the critical level, green from the warning level. An SLO: red, green from the objective. */
json_t *grafana_threshold_steps(const struct model_threshold *threshold);

/* Burn-rate lines for an SLO over `window_seconds`: yellow at the slow-burn factor (5% of the
 * budget in 6h: 6 for 30 days), red at the fast-burn factor (2% in 1h: 14.4 for 30 days). */
json_t *grafana_burn_rate_steps(double window_seconds);

/* Sets the panel's unit (unless it already has one: an authored unit wins) and its threshold
 * steps from `threshold`, and on a timeseries draws them as lines. */
void grafana_apply_threshold(json_t *panel, const struct model_threshold *threshold);

/* Sets `steps` (stolen) as the panel's thresholds, drawn as lines on a timeseries. */
void grafana_apply_steps(json_t *panel, json_t *steps);

/* Fills in what Grafana needs and the panel lacks: datasource, field config defaults, options
 * for its type, and each target's datasource, refId (A, B, ... Z, AA, ...) and query mode. Keys
 * are put in one fixed order. Row panels are left alone. */
void grafana_complete_panel(json_t *panel);

/* The final document: __inputs and __requires first (as a Grafana export), then `fields` with
 * `panels` (a flat list, rows as row panels) laid out, numbered and `id` null. Steals `fields`
 * and `panels`. Defined in grafana.c; every emitted dashboard goes through it. */
json_t *grafana_finish_dashboard(json_t *fields, json_t *panels);

/* Puts a panel's keys in the one order every emitted panel has. */
void grafana_order_panel_keys(json_t *panel);

/* A number node: an integer when `value` is whole, else a real; never a float artefact such as
 * 0.0009999999999999432 (values are rounded to 12 significant digits). */
json_t *grafana_number(double value);

/* `value` rounded to 12 significant digits, printed without artefacts ("0.001", "14.4"). */
char *grafana_format_number(double value);

/* `seconds` as a PromQL duration ("30d", "6h", "90s", "250ms"). */
char *grafana_promql_duration(double seconds);

/* Moves the keys of `object` named in `order` (NULL-terminated) to the front, in that order;
 * other keys follow in their order. */
void grafana_order_keys(json_t *object, const char *const *order);

#endif
