/* Grafana panels: units, threshold steps and per-type defaults, shared by authored and
 * templated dashboards so both come out the same shape. */
#include "grafana_panel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

const char *grafana_unit_for(enum model_unit unit)
{
	switch (unit) {
	case MODEL_UNIT_SECONDS: return "s";
	case MODEL_UNIT_RATIO: return "percentunit";
	case MODEL_UNIT_REQUESTS_PER_SECOND: return "reqps";
	case MODEL_UNIT_BYTES: return "bytes";
	case MODEL_UNIT_COUNT: return "short";
	case MODEL_UNIT_NONE: return "percentunit"; /* an SLO objective is a ratio */
	}
	return "short";
}

char *grafana_format_number(double value)
{
	if (value == 0)
		return xstrdup("0"); /* also turns -0 into 0 */
	char text[64];
	snprintf(text, sizeof(text), "%.12g", value);
	return xstrdup(text);
}

json_t *grafana_number(double value)
{
	char *text = grafana_format_number(value);
	double rounded = strtod(text, NULL);
	free(text);
	if (rounded == floor(rounded) && fabs(rounded) < 1e15)
		return json_integer((json_int_t)rounded);
	return json_real(rounded);
}

char *grafana_promql_duration(double seconds)
{
	long long milliseconds = llround(seconds * 1000);
	static const struct {
		const char *suffix;
		long long milliseconds;
	} units[] = { { "w", 604800000LL }, { "d", 86400000LL }, { "h", 3600000LL }, { "m", 60000LL }, { "s", 1000LL } };
	if (milliseconds <= 0)
		return xstrdup("0s");
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (milliseconds % units[i].milliseconds == 0)
			return xasprintf("%lld%s", milliseconds / units[i].milliseconds, units[i].suffix);
	return xasprintf("%lldms", milliseconds);
}

static json_t *step(json_t *value, const char *color)
{
	return json_pack("{s:s, s:o}", "color", color, "value", value);
}

static json_t *thresholds_config(json_t *steps)
{
	return json_pack("{s:s, s:o}", "mode", "absolute", "steps", steps);
}

json_t *grafana_threshold_steps(const struct model_threshold *threshold)
{
	json_t *steps = json_array();
	if (threshold->is_slo) {
		json_array_append_new(steps, step(json_null(), "red"));
		if (threshold->objective.present)
			json_array_append_new(steps, step(grafana_number(threshold->objective.value), "green"));
		return thresholds_config(steps);
	}
	const struct model_value *warning = &threshold->warning, *critical = &threshold->critical;
	if (threshold->direction == MODEL_DIRECTION_BELOW) {
		/* low is bad: the steps still ascend, so critical (the lower level) comes first */
		json_array_append_new(steps, step(json_null(), "red"));
		if (critical->present)
			json_array_append_new(steps, step(grafana_number(critical->value), "yellow"));
		if (warning->present)
			json_array_append_new(steps, step(grafana_number(warning->value), "green"));
		else if (!critical->present)
			json_array_set_new(steps, 0, step(json_null(), "green"));
	} else {
		json_array_append_new(steps, step(json_null(), "green"));
		if (warning->present)
			json_array_append_new(steps, step(grafana_number(warning->value), "yellow"));
		if (critical->present)
			json_array_append_new(steps, step(grafana_number(critical->value), "red"));
	}
	return thresholds_config(steps);
}

json_t *grafana_burn_rate_steps(double window_seconds)
{
	double window_hours = window_seconds / 3600;
	json_t *steps = json_array();
	json_array_append_new(steps, step(json_null(), "green"));
	json_array_append_new(steps, step(grafana_number(0.05 * window_hours / 6), "yellow"));
	json_array_append_new(steps, step(grafana_number(0.02 * window_hours / 1), "red"));
	return thresholds_config(steps);
}

/* The object at `key` of `parent`, created empty when missing or not an object. */
static json_t *object_member(json_t *parent, const char *key)
{
	json_t *member = json_object_get(parent, key);
	if (!json_is_object(member)) {
		member = json_object();
		json_object_set_new(parent, key, member);
	}
	return member;
}

static json_t *field_defaults(json_t *panel)
{
	return object_member(object_member(panel, "fieldConfig"), "defaults");
}

static bool is_type(const json_t *panel, const char *type)
{
	const char *panel_type = json_string_value(json_object_get(panel, "type"));
	return panel_type && strcmp(panel_type, type) == 0;
}

void grafana_apply_steps(json_t *panel, json_t *steps)
{
	json_object_set_new(field_defaults(panel), "thresholds", steps);
	if (is_type(panel, "timeseries"))
		json_object_set_new(object_member(object_member(field_defaults(panel), "custom"), "thresholdsStyle"),
				    "mode", json_string("line"));
}

void grafana_apply_threshold(json_t *panel, const struct model_threshold *threshold)
{
	json_t *defaults = field_defaults(panel);
	if (!json_object_get(defaults, "unit"))
		json_object_set_new(defaults, "unit", json_string(grafana_unit_for(threshold->is_slo ? MODEL_UNIT_NONE : threshold->unit)));
	grafana_apply_steps(panel, grafana_threshold_steps(threshold));
}

void grafana_order_keys(json_t *object, const char *const *order)
{
	json_t *ordered = json_object();
	for (const char *const *key = order; *key; key++) {
		json_t *value = json_object_get(object, *key);
		if (value)
			json_object_set(ordered, *key, value);
	}
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value)
		if (!json_object_get(ordered, key))
			json_object_set(ordered, key, value);
	json_object_clear(object);
	json_object_update(object, ordered);
	json_decref(ordered);
}

static void set_default(json_t *object, const char *key, json_t *value)
{
	if (json_object_get(object, key))
		json_decref(value);
	else
		json_object_set_new(object, key, value);
}

static json_t *datasource_reference(void)
{
	return json_pack("{s:s, s:s}", "type", "prometheus", "uid", GRAFANA_DATASOURCE_UID);
}

/* "A".."Z", then "AA", "AB", ...: Grafana's own refId sequence. */
static char *reference_id(size_t index)
{
	char letters[16];
	size_t length = 0;
	for (size_t n = index + 1; n > 0 && length < sizeof(letters) - 1; n = (n - 1) / 26)
		letters[length++] = (char)('A' + (n - 1) % 26);
	char *id = xmalloc(length + 1);
	for (size_t i = 0; i < length; i++)
		id[i] = letters[length - 1 - i];
	id[length] = '\0';
	return id;
}

static void complete_targets(json_t *panel)
{
	json_t *targets = json_object_get(panel, "targets");
	if (!json_is_array(targets))
		return;
	bool range = is_type(panel, "timeseries");
	for (size_t i = 0; i < json_array_size(targets); i++) {
		json_t *target = json_array_get(targets, i);
		if (!json_is_object(target))
			continue;
		set_default(target, "datasource", datasource_reference());
		set_default(target, "editorMode", json_string("code"));
		set_default(target, "legendFormat", json_string("__auto"));
		set_default(target, range ? "range" : "instant", json_true());
		if (is_type(panel, "table"))
			set_default(target, "format", json_string("table"));
		char *id = reference_id(i);
		set_default(target, "refId", json_string(id));
		free(id);
		static const char *const target_order[] = { "datasource", "editorMode", "expr", "format", "instant",
							     "legendFormat", "range", "refId", NULL };
		grafana_order_keys(target, target_order);
	}
}

static json_t *reduce_options(void)
{
	return json_pack("{s:[s], s:s, s:b}", "calcs", "lastNotNull", "fields", "", "values", 0);
}

static void complete_options(json_t *panel)
{
	json_t *options = object_member(panel, "options");
	if (is_type(panel, "timeseries")) {
		set_default(options, "legend", json_pack("{s:[], s:s, s:s, s:b}", "calcs", "displayMode", "list",
							  "placement", "bottom", "showLegend", 1));
		set_default(options, "tooltip", json_pack("{s:s, s:s}", "mode", "multi", "sort", "none"));
	} else if (is_type(panel, "stat")) {
		set_default(options, "colorMode", json_string("value"));
		set_default(options, "graphMode", json_string("area"));
		set_default(options, "justifyMode", json_string("auto"));
		set_default(options, "orientation", json_string("auto"));
		set_default(options, "percentChangeColorMode", json_string("standard"));
		set_default(options, "reduceOptions", reduce_options());
		set_default(options, "showPercentChange", json_false());
		set_default(options, "textMode", json_string("auto"));
		set_default(options, "wideLayout", json_true());
	} else if (is_type(panel, "gauge")) {
		set_default(options, "orientation", json_string("auto"));
		set_default(options, "reduceOptions", reduce_options());
		set_default(options, "showThresholdLabels", json_false());
		set_default(options, "showThresholdMarkers", json_true());
	} else if (is_type(panel, "bargauge")) {
		set_default(options, "displayMode", json_string("gradient"));
		set_default(options, "orientation", json_string("horizontal"));
		set_default(options, "reduceOptions", reduce_options());
		set_default(options, "showUnfilled", json_true());
	} else if (is_type(panel, "table")) {
		set_default(options, "cellHeight", json_string("sm"));
		set_default(options, "showHeader", json_true());
	}
}

static void complete_field_config(json_t *panel)
{
	json_t *field_config = object_member(panel, "fieldConfig");
	json_t *defaults = object_member(field_config, "defaults");
	set_default(field_config, "overrides", json_array());
	bool timeseries = is_type(panel, "timeseries");
	set_default(defaults, "color", json_pack("{s:s}", "mode", timeseries ? "palette-classic" : "thresholds"));
	/* no named threshold: one neutral step, as Grafana's own default */
	set_default(defaults, "thresholds", thresholds_config(json_pack("[{s:s, s:n}]", "color", "green", "value")));
	if (timeseries) {
		json_t *custom = object_member(defaults, "custom");
		set_default(custom, "drawStyle", json_string("line"));
		set_default(custom, "fillOpacity", json_integer(10));
		set_default(custom, "lineWidth", json_integer(1));
		set_default(custom, "showPoints", json_string("never"));
		set_default(custom, "spanNulls", json_false());
		set_default(custom, "thresholdsStyle", json_pack("{s:s}", "mode", "off"));
		static const char *const custom_order[] = { "drawStyle", "fillOpacity", "lineWidth", "showPoints",
							    "spanNulls", "stacking", "thresholdsStyle", NULL };
		grafana_order_keys(custom, custom_order);
	}
	static const char *const defaults_order[] = { "color", "custom", "decimals", "max", "min", "thresholds", "unit", NULL };
	grafana_order_keys(defaults, defaults_order);
	static const char *const field_config_order[] = { "defaults", "overrides", NULL };
	grafana_order_keys(field_config, field_config_order);
}

void grafana_complete_panel(json_t *panel)
{
	if (is_type(panel, "row"))
		return;
	set_default(panel, "datasource", datasource_reference());
	complete_field_config(panel);
	complete_options(panel);
	complete_targets(panel);
	grafana_order_panel_keys(panel);
}

void grafana_order_panel_keys(json_t *panel)
{
	static const char *const panel_order[] = { "type", "title", "description", "id", "gridPos", "datasource",
						   "fieldConfig", "options", "targets", NULL };
	grafana_order_keys(panel, panel_order);
}
