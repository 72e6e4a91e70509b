/* Unit tests for emit/grafana*: grid layout without overlaps (property-based), stable ids,
 * units and threshold steps, uid rules, structural templates that no value can break, and the
 * whole backend run on small trees through the real front end. */
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "emit.h"
#include "grafana_layout.h"
#include "grafana_panel.h"
#include "grafana_template.h"
#include "grafana_uid.h"
#include "tree_fixture.h"

/* ---- layout ---- */

/* A small deterministic generator: the property test sees the same cases on every run. */
static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

static void assert_valid_layout(const struct grafana_cell *cells, const struct grafana_rect *rects, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct grafana_rect *r = &rects[i];
		ck_assert_msg(r->x >= 0 && r->y >= 0 && r->w >= 1 && r->h >= 1, "cell %zu has an empty or negative box", i);
		ck_assert_msg(r->x + r->w <= GRAFANA_GRID_COLUMNS, "cell %zu ends at column %d", i, r->x + r->w);
		if (cells[i].is_row)
			ck_assert(r->x == 0 && r->w == GRAFANA_GRID_COLUMNS && r->h == 1);
		else if (cells[i].width > 0)
			ck_assert_int_eq(r->w, cells[i].width > 24 ? 24 : cells[i].width);
		if (i > 0) /* document order reads top to bottom, left to right */
			ck_assert(r->y > rects[i - 1].y || (r->y == rects[i - 1].y && r->x >= rects[i - 1].x + rects[i - 1].w));
		/* plain ifs: a Check assertion per pair costs a pipe write in fork mode */
		for (size_t j = 0; j < i; j++)
			if (grafana_rects_overlap(&rects[i], &rects[j]))
				ck_abort_msg("cells %zu (%d,%d %dx%d) and %zu (%d,%d %dx%d) overlap", j, rects[j].x, rects[j].y,
					     rects[j].w, rects[j].h, i, r->x, r->y, r->w, r->h);
	}
}

START_TEST(test_layout_never_overlaps)
{
	uint32_t state = 20260101;
	for (int round = 0; round < 2000; round++) {
		size_t count = 1 + next_random(&state) % 80;
		struct grafana_cell *cells = calloc(count, sizeof(*cells));
		struct grafana_rect *rects = calloc(count, sizeof(*rects));
		for (size_t i = 0; i < count; i++) {
			cells[i].is_row = next_random(&state) % 6 == 0;
			uint32_t width_choice = next_random(&state) % 4;
			cells[i].width = width_choice == 0 ? 0 : (int)(next_random(&state) % 30); /* 0 and >24 too */
			cells[i].height = (int)(next_random(&state) % 14);
		}
		grafana_layout(cells, count, rects);
		assert_valid_layout(cells, rects, count);
		free(cells);
		free(rects);
	}
}
END_TEST

START_TEST(test_layout_shares_lines)
{
	/* row; three auto panels share 24; two autos then a full-width one wraps */
	struct grafana_cell cells[] = { { true, 0, 0 }, { false, 0, 0 }, { false, 0, 0 }, { false, 0, 0 },
					{ true, 0, 0 }, { false, 0, 0 }, { false, 0, 5 }, { false, 24, 0 } };
	struct grafana_rect rects[8];
	grafana_layout(cells, 8, rects);
	assert_valid_layout(cells, rects, 8);
	ck_assert(rects[1].w == 8 && rects[2].w == 8 && rects[3].w == 8 && rects[3].x == 16 && rects[1].y == 1);
	ck_assert_int_eq(rects[4].y, 9);
	ck_assert(rects[5].w == 12 && rects[6].w == 12 && rects[5].h == 8 && rects[6].h == 5);
	/* the line is as tall as its tallest panel */
	ck_assert(rects[7].x == 0 && rects[7].y == 18 && rects[7].w == 24);

	/* five auto panels: four fit a line (6 columns each), the fifth gets a line of its own */
	struct grafana_cell five[5] = { { false, 0, 0 }, { false, 0, 0 }, { false, 0, 0 }, { false, 0, 0 }, { false, 0, 0 } };
	struct grafana_rect five_rects[5];
	grafana_layout(five, 5, five_rects);
	ck_assert(five_rects[3].w == 6 && five_rects[3].x == 18 && five_rects[4].w == 24 && five_rects[4].y == 8);

	/* 24 / 5 does not divide: the leftmost panels take the remainder */
	struct grafana_cell mixed[] = { { false, 4, 0 }, { false, 0, 0 }, { false, 0, 0 }, { false, 0, 0 } };
	struct grafana_rect mixed_rects[4];
	grafana_layout(mixed, 4, mixed_rects);
	ck_assert(mixed_rects[1].w == 7 && mixed_rects[2].w == 7 && mixed_rects[3].w == 6 && mixed_rects[3].x == 18);
}
END_TEST

/* ---- uids ---- */

START_TEST(test_uid_rules)
{
	ck_assert(grafana_uid_is_valid("ledger-api_overview-1"));
	ck_assert(!grafana_uid_is_valid(""));
	ck_assert(!grafana_uid_is_valid("a b"));
	ck_assert(!grafana_uid_is_valid("a/b"));
	ck_assert(grafana_uid_is_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));   /* 40 */
	ck_assert(!grafana_uid_is_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 41 */

	struct grafana_uid_set set;
	grafana_uid_set_init(&set);
	ck_assert_int_eq(grafana_uid_claim(&set, "api"), 0);
	ck_assert_int_eq(grafana_uid_claim(&set, "api"), -1);
	ck_assert_int_eq(grafana_uid_claim(&set, "not valid"), -1);

	char *sanitized = grafana_uid_derive(&set, "Ledger API: \"prod\"/eu");
	ck_assert_str_eq(sanitized, "Ledger-API---prod--eu");
	char *empty = grafana_uid_derive(&set, "");
	ck_assert_str_eq(empty, "dashboard");

	/* two long names with the same first 40 characters: both valid, both distinct */
	const char *long_a = "service-with-a-very-long-name-that-goes-on-and-on-a";
	const char *long_b = "service-with-a-very-long-name-that-goes-on-and-on-b";
	char *first = grafana_uid_derive(&set, long_a);
	char *second = grafana_uid_derive(&set, long_b);
	char *third = grafana_uid_derive(&set, long_b);
	ck_assert_int_eq(strlen(first), 40);
	ck_assert(strncmp(first, long_a, 40) == 0);
	ck_assert(grafana_uid_is_valid(second) && grafana_uid_is_valid(third));
	ck_assert_str_ne(first, second);
	ck_assert_str_ne(second, third);
	ck_assert_str_ne(first, third);
	/* a collision with an authored uid moves the generated one, never the authored one */
	char *api = grafana_uid_derive(&set, "api");
	ck_assert_str_ne(api, "api");
	ck_assert(strncmp(api, "api-", 4) == 0 && grafana_uid_is_valid(api));

	/* the same names in the same order give the same uids */
	struct grafana_uid_set again;
	grafana_uid_set_init(&again);
	grafana_uid_claim(&again, "api");
	char *names[] = { "Ledger API: \"prod\"/eu", "", (char *)long_a, (char *)long_b, (char *)long_b, "api" };
	char *expected[] = { sanitized, empty, first, second, third, api };
	for (size_t i = 0; i < 6; i++) {
		char *uid = grafana_uid_derive(&again, names[i]);
		ck_assert_str_eq(uid, expected[i]);
		free(uid);
	}
	grafana_uid_set_release(&again);
	for (size_t i = 0; i < 6; i++)
		free(expected[i]);
	grafana_uid_set_release(&set);
}
END_TEST

/* ---- units and threshold steps ---- */

static struct model_threshold level_threshold(enum model_unit unit, enum model_direction direction, double warning,
					      double critical)
{
	struct model_threshold threshold;
	memset(&threshold, 0, sizeof(threshold));
	threshold.unit = unit;
	threshold.direction = direction;
	threshold.warning = (struct model_value){ .present = true, .value = warning };
	threshold.critical = (struct model_value){ .present = true, .value = critical };
	return threshold;
}

/* "red@-,yellow@1,green@5": the steps of a ThresholdsConfig as text, '-' for the base step. */
static char *steps_text(const json_t *config)
{
	ck_assert_str_eq(json_string_value(json_object_get(config, "mode")), "absolute");
	struct strbuf text;
	strbuf_init(&text);
	const json_t *steps = json_object_get(config, "steps");
	for (size_t i = 0; i < json_array_size(steps); i++) {
		const json_t *step = json_array_get(steps, i);
		const json_t *value = json_object_get(step, "value");
		if (i)
			strbuf_addch(&text, ',');
		strbuf_addf(&text, "%s@", json_string_value(json_object_get(step, "color")));
		if (json_is_null(value))
			strbuf_addch(&text, '-');
		else
			strbuf_addf(&text, "%g", json_number_value(value));
	}
	return strbuf_detach(&text, NULL);
}

static void assert_steps(const struct model_threshold *threshold, const char *expected)
{
	json_t *config = grafana_threshold_steps(threshold);
	char *text = steps_text(config);
	ck_assert_str_eq(text, expected);
	free(text);
	json_decref(config);
}

START_TEST(test_units_and_steps)
{
	ck_assert_str_eq(grafana_unit_for(MODEL_UNIT_SECONDS), "s");
	ck_assert_str_eq(grafana_unit_for(MODEL_UNIT_RATIO), "percentunit");
	ck_assert_str_eq(grafana_unit_for(MODEL_UNIT_REQUESTS_PER_SECOND), "reqps");
	ck_assert_str_eq(grafana_unit_for(MODEL_UNIT_BYTES), "bytes");
	ck_assert_str_eq(grafana_unit_for(MODEL_UNIT_COUNT), "short");

	struct model_threshold above = level_threshold(MODEL_UNIT_SECONDS, MODEL_DIRECTION_ABOVE, 0.25, 0.5);
	assert_steps(&above, "green@-,yellow@0.25,red@0.5");
	/* low is bad: red below critical, yellow up to warning, green above; steps still ascend */
	struct model_threshold below = level_threshold(MODEL_UNIT_REQUESTS_PER_SECOND, MODEL_DIRECTION_BELOW, 5, 1);
	assert_steps(&below, "red@-,yellow@1,green@5");
	struct model_threshold critical_only = below;
	critical_only.warning.present = false;
	assert_steps(&critical_only, "red@-,yellow@1");
	struct model_threshold warning_only = above;
	warning_only.critical.present = false;
	assert_steps(&warning_only, "green@-,yellow@0.25");

	struct model_threshold slo;
	memset(&slo, 0, sizeof(slo));
	slo.is_slo = true;
	slo.objective = (struct model_value){ .present = true, .value = 0.999 };
	assert_steps(&slo, "red@-,green@0.999");

	json_t *burn = grafana_burn_rate_steps(30 * 86400.0);
	char *text = steps_text(burn);
	ck_assert_str_eq(text, "green@-,yellow@6,red@14.4");
	free(text);
	json_decref(burn);

	/* an authored unit wins over the threshold's; a timeseries draws the steps as lines */
	json_t *panel = json_pack("{s:s, s:{s:{s:s}}}", "type", "timeseries", "fieldConfig", "defaults", "unit", "ms");
	grafana_apply_threshold(panel, &above);
	json_t *defaults = json_object_get(json_object_get(panel, "fieldConfig"), "defaults");
	ck_assert_str_eq(json_string_value(json_object_get(defaults, "unit")), "ms");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(defaults, "custom"), "thresholdsStyle"), "mode")), "line");
	json_decref(panel);
}
END_TEST

START_TEST(test_numbers_and_durations)
{
	char *text = grafana_format_number(1 - 0.999);
	ck_assert_str_eq(text, "0.001");
	free(text);
	json_t *number = grafana_number(5);
	ck_assert(json_is_integer(number));
	json_decref(number);
	const struct {
		double seconds;
		const char *text;
	} durations[] = { { 30 * 86400.0, "30d" }, { 6 * 3600.0, "6h" }, { 90, "90s" }, { 0.25, "250ms" }, { 14 * 86400.0, "2w" } };
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		text = grafana_promql_duration(durations[i].seconds);
		ck_assert_str_eq(text, durations[i].text);
		free(text);
	}
}
END_TEST

/* ---- structural templates ---- */

static const char hostile[] = "x\"}[5m])) or vector(1) # \\ \n ${job} \"panels\": [{}], \x01 é";

START_TEST(test_template_hostile_values)
{
	json_t *document = json_loads("{\"title\": \"${title}\", \"tags\": [\"${service}\", \"fixed\"],"
				      " \"targets\": [{\"expr\": \"sum(rate(x{job=${job}, code=~\\\"5..\\\"}[5m]))\"}],"
				      " \"note\": \"not ${job} a placeholder\", \"thresholds\": \"${steps}\"}",
				      0, NULL);
	ck_assert_ptr_nonnull(document);
	struct grafana_bindings bindings;
	grafana_bindings_init(&bindings);
	grafana_bind_label(&bindings, "title", hostile);
	grafana_bind_label(&bindings, "service", hostile);
	grafana_bind_label(&bindings, "job", hostile);
	grafana_bind_value(&bindings, "steps", json_pack("{s:s}", "mode", "absolute"));
	char *error = NULL;
	ck_assert_int_eq(grafana_template_fill(document, &bindings, &error), 0);
	ck_assert_ptr_null(error);

	/* dumped and read back: still the same shape, values exactly as given */
	char *text = json_dumps(document, JSON_ENSURE_ASCII);
	json_t *reread = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(reread);
	ck_assert_int_eq(json_object_size(reread), 5);
	ck_assert_str_eq(json_string_value(json_object_get(reread, "title")), hostile);
	ck_assert_int_eq(json_array_size(json_object_get(reread, "tags")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(reread, "tags"), 0)), hostile);
	ck_assert_str_eq(json_string_value(json_object_get(reread, "note")), "not ${job} a placeholder");
	ck_assert(json_is_object(json_object_get(reread, "thresholds")));
	const json_t *targets = json_object_get(reread, "targets");
	ck_assert_int_eq(json_array_size(targets), 1);
	ck_assert_int_eq(json_object_size(json_array_get(targets, 0)), 1);
	/* the label value is one PromQL string: quotes and backslashes escaped, the ${job} inside
	 * it not expanded again */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(targets, 0), "expr")),
			 "sum(rate(x{job=\"x\\\"}[5m])) or vector(1) # \\\\ \\n ${job} \\\"panels\\\": [{}], \\x01 é\", code=~\"5..\"}[5m]))");
	json_decref(reread);
	json_decref(document);
	grafana_bindings_release(&bindings);
}
END_TEST

START_TEST(test_template_unbound_placeholder)
{
	struct grafana_bindings bindings;
	grafana_bindings_init(&bindings);
	grafana_bind_label(&bindings, "job", "api");
	char *error = NULL;
	json_t *node = json_loads("{\"a\": [\"${missing}\"]}", 0, NULL);
	ck_assert_int_eq(grafana_template_fill(node, &bindings, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "${missing}"));
	free(error);
	json_decref(node);
	json_t *expr = json_loads("{\"expr\": \"up{job=${job}} / ${budget}\"}", 0, NULL);
	ck_assert_int_eq(grafana_template_fill(expr, &bindings, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "${budget}"));
	free(error);
	json_decref(expr);
	grafana_bindings_release(&bindings);
}
END_TEST

START_TEST(test_promql_quote)
{
	struct strbuf out;
	strbuf_init(&out);
	grafana_promql_quote(&out, "a\"b\\c\nd\te");
	ck_assert_str_eq(out.buf, "\"a\\\"b\\\\c\\nd\\te\"");
	strbuf_release(&out);
}
END_TEST

/* ---- the backend on real trees ---- */

static const char tree_goose[] =
	"project: demo\n"
	"services:\n"
	"  api:\n"
	"    job: api\n"
	"    owner: team-a\n"
	"    description: \"API \\\"}], \\\"panels\\\": [{\\\"x\\\": 1}]\\n${job} {{job}}\"\n"
	"  service-with-a-very-long-name-that-goes-on-and-on-a:\n"
	"    job: long-a\n"
	"    owner: team-a\n"
	"  service-with-a-very-long-name-that-goes-on-and-on-b:\n"
	"    job: long-b\n"
	"    owner: team-a\n";

static const char tree_thresholds[] =
	"thresholds:\n"
	"  api_latency:\n"
	"    service: api\n"
	"    unit: seconds\n"
	"    direction: above\n"
	"    warning: 250ms\n"
	"    critical: 500ms\n"
	"  api_errors:\n"
	"    service: api\n"
	"    unit: ratio\n"
	"    direction: above\n"
	"    warning: 1%\n"
	"    critical: 5%\n"
	"  api_rate:\n"
	"    service: api\n"
	"    unit: requests_per_second\n"
	"    direction: below\n"
	"    warning: 5\n"
	"    critical: 1\n"
	"  api_memory:\n"
	"    service: api\n"
	"    unit: bytes\n"
	"    direction: above\n"
	"    warning: 1000000\n"
	"    critical: 2000000\n"
	"  api_queue:\n"
	"    service: api\n"
	"    unit: count\n"
	"    direction: above\n"
	"    warning: 100\n"
	"    critical: 1000\n"
	"  api_availability:\n"
	"    service: api\n"
	"    slo: { objective: 99.9%, window: 30d, sli: { errors: 'http_requests_total{job=\"api\", code=~\"5..\"}', total: 'http_requests_total{job=\"api\"}' } }\n";

/* The uid "goose-api" is what the generated overview of `api` would take: it must move. */
static const char tree_dashboard[] =
	"{ \"uid\": \"goose-api\", \"title\": \"API\", \"service\": \"api\", \"rows\": [\n"
	"  { \"title\": \"Levels\", \"panels\": [\n"
	"    { \"title\": \"latency\", \"type\": \"timeseries\", \"query\": \"up\", \"threshold\": \"api_latency\" },\n"
	"    { \"title\": \"errors\", \"type\": \"timeseries\", \"query\": \"up\", \"threshold\": \"api_errors\" },\n"
	"    { \"title\": \"rate\", \"type\": \"timeseries\", \"query\": \"up\", \"threshold\": \"api_rate\" },\n"
	"    { \"title\": \"memory\", \"type\": \"gauge\", \"query\": \"up\", \"threshold\": \"api_memory\" },\n"
	"    { \"title\": \"queue\", \"type\": \"bargauge\", \"query\": \"up\", \"threshold\": \"api_queue\" } ] },\n"
	"  { \"title\": \"Objective\", \"collapsed\": true, \"panels\": [\n"
	"    { \"title\": \"availability\", \"type\": \"stat\", \"query\": \"up\", \"threshold\": \"api_availability\", \"width\": 6, \"height\": 4 },\n"
	"    { \"title\": \"overridden\", \"type\": \"table\", \"queries\": [ { \"expr\": \"up\" }, { \"expr\": \"up\", \"legend\": \"{{instance}}\" } ],\n"
	"      \"threshold\": \"api_latency\", \"unit\": \"ms\", \"min\": 0, \"decimals\": 2 } ] } ] }\n";

static const char tree_complete[] =
	"{ \"uid\": \"imported\", \"title\": \"Imported\", \"id\": 42, \"schemaVersion\": 36, \"editable\": false,\n"
	"  \"panels\": [ { \"type\": \"text\", \"id\": 7, \"gridPos\": { \"x\": 0, \"y\": 0, \"w\": 5, \"h\": 3 },\n"
	"                \"options\": { \"content\": \"${job} is not filled here\" } } ] }\n";

struct built_tree {
	struct tree_fixture tree;
	struct analysis analysis;
	struct emit_output output;
	struct diag_list emit_diags;
};

static void build_tree(struct built_tree *built, const char *complete_dashboard)
{
	tree_fixture_init(&built->tree);
	tree_fixture_write(&built->tree, "goose.yaml", tree_goose);
	tree_fixture_write(&built->tree, "monitoring/config/thresholds.yaml", tree_thresholds);
	tree_fixture_write(&built->tree, "monitoring/grafana/dashboards/api.json", tree_dashboard);
	if (complete_dashboard)
		tree_fixture_write(&built->tree, "monitoring/grafana/dashboards/imported.json", complete_dashboard);
	tree_fixture_load(&built->tree);
	struct check_options options = { .now = 1767225600 };
	analysis_init(&built->analysis);
	check_project(&built->tree.project, &options, &built->analysis, &built->tree.diags);
	/* the tree has no alerts, on purpose: dashboards are what is under test */
	size_t errors = 0;
	for (size_t i = 0; i < built->tree.diags.count; i++)
		errors += built->tree.diags.items[i].severity == DIAG_ERROR &&
			  strcmp(built->tree.diags.items[i].rule, "lint-service-without-alert") != 0;
	if (errors)
		tree_fixture_dump(&built->tree);
	ck_assert_int_eq(errors, 0);
	emit_output_init(&built->output);
	diag_list_init(&built->emit_diags);
	struct emit_context context = { .project = &built->tree.project, .model = &built->analysis.model, .table = &built->analysis.table };
	emit_grafana_dashboards(&context, &built->output, &built->emit_diags);
	ck_assert_int_eq(built->emit_diags.count, 0);
}

static void release_tree(struct built_tree *built)
{
	diag_list_release(&built->emit_diags);
	emit_output_release(&built->output);
	analysis_release(&built->analysis);
	tree_fixture_release(&built->tree);
}

static json_t *emitted(const struct built_tree *built, const char *uid)
{
	char *path = xasprintf("monitoring/grafana/dashboards/%s.json", uid);
	const struct emit_file *file = emit_output_find(&built->output, path);
	ck_assert_msg(file != NULL, "'%s' was not emitted", path);
	free(path);
	json_error_t error;
	json_t *document = json_loadb(file->data, file->length, JSON_REJECT_DUPLICATES, &error);
	ck_assert_msg(document != NULL, "emitted JSON does not parse: %s", error.text);
	return document;
}

/* Every panel of a dashboard, rows' nested panels included, in document order. */
static void collect_panels(const json_t *panels, json_t *into)
{
	for (size_t i = 0; i < json_array_size(panels); i++) {
		json_t *panel = json_array_get(panels, i);
		json_array_append(into, panel);
		collect_panels(json_object_get(panel, "panels"), into);
	}
}

static const json_t *panel_titled(const json_t *all, const char *title)
{
	for (size_t i = 0; i < json_array_size(all); i++) {
		const char *panel_title = json_string_value(json_object_get(json_array_get(all, i), "title"));
		if (panel_title && strcmp(panel_title, title) == 0)
			return json_array_get(all, i);
	}
	ck_abort_msg("no panel '%s'", title);
	return NULL;
}

static const json_t *defaults_of(const json_t *panel)
{
	return json_object_get(json_object_get(panel, "fieldConfig"), "defaults");
}

static void assert_panel(const json_t *all, const char *title, const char *unit, const char *steps)
{
	const json_t *defaults = defaults_of(panel_titled(all, title));
	ck_assert_str_eq(json_string_value(json_object_get(defaults, "unit")), unit);
	char *text = steps_text(json_object_get(defaults, "thresholds"));
	ck_assert_msg(strcmp(text, steps) == 0, "panel '%s': steps %s, expected %s", title, text, steps);
	free(text);
}

/* Ids 1..n in document order, every box inside 24 columns, no two boxes overlapping (panels of
 * a collapsed row are checked among themselves: they open below their row). */
static void assert_ids_and_grid(const json_t *dashboard)
{
	json_t *all = json_array();
	collect_panels(json_object_get(dashboard, "panels"), all);
	struct grafana_rect *rects = calloc(json_array_size(all) + 1, sizeof(*rects));
	for (size_t i = 0; i < json_array_size(all); i++) {
		const json_t *panel = json_array_get(all, i);
		ck_assert_int_eq(json_integer_value(json_object_get(panel, "id")), (json_int_t)i + 1);
		const json_t *grid = json_object_get(panel, "gridPos");
		ck_assert_int_eq(json_object_size(grid), 4);
		rects[i] = (struct grafana_rect){ (int)json_integer_value(json_object_get(grid, "x")),
						  (int)json_integer_value(json_object_get(grid, "y")),
						  (int)json_integer_value(json_object_get(grid, "w")),
						  (int)json_integer_value(json_object_get(grid, "h")) };
		ck_assert(rects[i].w >= 1 && rects[i].h >= 1 && rects[i].x >= 0 && rects[i].x + rects[i].w <= 24);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(!grafana_rects_overlap(&rects[i], &rects[j]), "panels %zu and %zu overlap", j + 1, i + 1);
	}
	free(rects);
	json_decref(all);
}

START_TEST(test_backend_compact_dashboard)
{
	struct built_tree built;
	build_tree(&built, NULL);
	json_t *dashboard = emitted(&built, "goose-api");
	ck_assert_int_eq(json_integer_value(json_object_get(dashboard, "schemaVersion")), 39);
	ck_assert(json_is_null(json_object_get(dashboard, "id")));
	ck_assert_str_eq(json_string_value(json_object_get(dashboard, "uid")), "goose-api");
	const json_t *input = json_array_get(json_object_get(dashboard, "__inputs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(input, "name")), "DS_PROMETHEUS");
	ck_assert_str_eq(json_string_value(json_object_get(input, "type")), "datasource");
	ck_assert_str_eq(json_string_value(json_object_get(input, "pluginId")), "prometheus");
	/* grafana, the datasource, then each panel plugin used, sorted */
	const json_t *requires = json_object_get(dashboard, "__requires");
	const char *expected_requires[] = { "grafana", "prometheus", "bargauge", "gauge", "stat", "table", "timeseries" };
	ck_assert_int_eq(json_array_size(requires), 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(requires, i), "id")), expected_requires[i]);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(json_object_get(dashboard, "annotations"), "list"), 0), "builtIn")), 1);
	ck_assert(json_is_array(json_object_get(json_object_get(dashboard, "templating"), "list")));

	assert_ids_and_grid(dashboard);
	json_t *all = json_array();
	collect_panels(json_object_get(dashboard, "panels"), all);
	assert_panel(all, "latency", "s", "green@-,yellow@0.25,red@0.5");
	assert_panel(all, "errors", "percentunit", "green@-,yellow@0.01,red@0.05");
	assert_panel(all, "rate", "reqps", "red@-,yellow@1,green@5");
	assert_panel(all, "memory", "bytes", "green@-,yellow@1e+06,red@2e+06");
	assert_panel(all, "queue", "short", "green@-,yellow@100,red@1000");
	assert_panel(all, "availability", "percentunit", "red@-,green@0.999");
	assert_panel(all, "overridden", "ms", "green@-,yellow@0.25,red@0.5");
	const json_t *latency = panel_titled(all, "latency");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(defaults_of(latency), "custom"), "thresholdsStyle"), "mode")), "line");
	const json_t *target = json_array_get(json_object_get(latency, "targets"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(target, "expr")), "up");
	ck_assert_str_eq(json_string_value(json_object_get(target, "refId")), "A");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(target, "datasource"), "uid")), "${DS_PROMETHEUS}");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(latency, "datasource"), "uid")), "${DS_PROMETHEUS}");
	/* five auto panels: four on the first line, the fifth alone below */
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(panel_titled(all, "queue"), "gridPos"), "w")), 24);
	/* the collapsed row holds its panels; sizes come from width/height */
	const json_t *objective = panel_titled(all, "Objective");
	ck_assert(json_is_true(json_object_get(objective, "collapsed")));
	ck_assert_int_eq(json_array_size(json_object_get(objective, "panels")), 2);
	const json_t *availability_grid = json_object_get(panel_titled(all, "availability"), "gridPos");
	ck_assert(json_integer_value(json_object_get(availability_grid, "w")) == 6 && json_integer_value(json_object_get(availability_grid, "h")) == 4);
	const json_t *overridden = panel_titled(all, "overridden");
	ck_assert_int_eq(json_integer_value(json_object_get(defaults_of(overridden), "decimals")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(overridden, "targets"), 1), "refId")), "B");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(overridden, "targets"), 1), "legendFormat")), "{{instance}}");
	json_decref(all);
	json_decref(dashboard);
	release_tree(&built);
}
END_TEST

START_TEST(test_backend_service_overviews)
{
	struct built_tree built;
	build_tree(&built, NULL);
	/* one authored dashboard and three generated overviews, all uids valid and distinct */
	ck_assert_int_eq(built.output.count, 4);
	for (size_t i = 0; i < built.output.count; i++) {
		const char *path = built.output.files[i].path;
		const char *name = strrchr(path, '/') + 1;
		char *uid = xstrndup(name, strlen(name) - strlen(".json"));
		ck_assert_msg(grafana_uid_is_valid(uid), "bad uid '%s'", uid);
		json_t *dashboard = emitted(&built, uid);
		ck_assert_str_eq(json_string_value(json_object_get(dashboard, "uid")), uid);
		assert_ids_and_grid(dashboard);
		json_decref(dashboard);
		free(uid);
	}
	/* `api` lost "goose-api" to the authored dashboard: its overview moved to a hashed uid */
	const struct emit_file *api_file = NULL;
	for (size_t i = 0; i < built.output.count; i++)
		if (strstr(built.output.files[i].path, "/goose-api-"))
			api_file = &built.output.files[i];
	ck_assert_ptr_nonnull(api_file);
	json_t *api = json_loadb(api_file->data, api_file->length, 0, NULL);
	ck_assert_ptr_nonnull(api);
	/* the hostile description is one string, nothing more */
	ck_assert_str_eq(json_string_value(json_object_get(api, "description")),
			 "Generated overview of api: API \"}], \"panels\": [{\"x\": 1}]\n${job} {{job}}");
	json_t *all = json_array();
	collect_panels(json_object_get(api, "panels"), all);
	ck_assert_int_eq(json_array_size(all), 8); /* 3 rows + rate, errors, duration, burn, availability */
	assert_panel(all, "Request rate", "reqps", "red@-,yellow@1,green@5");
	assert_panel(all, "Error ratio (5xx)", "percentunit", "green@-,yellow@0.01,red@0.05");
	assert_panel(all, "Request duration", "s", "green@-,yellow@0.25,red@0.5");
	assert_panel(all, "Error budget burn rate", "short", "green@-,yellow@6,red@14.4");
	assert_panel(all, "Availability over the SLO window", "percentunit", "red@-,green@0.999");
	const json_t *burn = panel_titled(all, "Error budget burn rate");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(burn, "targets"), 0), "expr")),
			 "(sum(rate(http_requests_total{job=\"api\", code=~\"5..\"}[1h])) / sum(rate(http_requests_total{job=\"api\"}[1h]))) / 0.001");
	json_decref(all);
	json_decref(api);

	/* a service without thresholds keeps its traffic, error and duration panels, and no SLO row */
	json_t *long_a = emitted(&built, "goose-service-with-a-very-long-name-that");
	all = json_array();
	collect_panels(json_object_get(long_a, "panels"), all);
	ck_assert_int_eq(json_array_size(all), 5);
	const json_t *rate = panel_titled(all, "Request rate");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(rate, "targets"), 0), "expr")),
			 "sum(rate(http_requests_total{job=\"long-a\"}[5m]))");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(defaults_of(rate), "custom"), "thresholdsStyle"), "mode")), "off");
	json_decref(all);
	json_decref(long_a);
	release_tree(&built);
}
END_TEST

START_TEST(test_backend_pass_through)
{
	struct built_tree built;
	build_tree(&built, tree_complete);
	json_t *dashboard = emitted(&built, "imported");
	json_t *expected = json_loads(tree_complete, 0, NULL);
	json_object_set_new(expected, "id", json_null());
	ck_assert_msg(json_equal(dashboard, expected), "a complete dashboard changes only its id");
	json_decref(expected);
	json_decref(dashboard);
	release_tree(&built);
}
END_TEST

START_TEST(test_backend_complete_dashboard_without_uid)
{
	struct built_tree built;
	build_tree(&built, "{ \"title\": \"No uid\", \"schemaVersion\": 39, \"panels\": [] }\n");
	/* the file name gives the uid, so the output is stable */
	json_t *dashboard = emitted(&built, "imported");
	ck_assert_str_eq(json_string_value(json_object_get(dashboard, "uid")), "imported");
	json_decref(dashboard);
	release_tree(&built);
}
END_TEST

/* Dashboard and panel presentation fields, as the model read them: what is written is kept
 * (an empty tags list stays empty, numbers keep their integer-ness), what is not gets defaults. */
static const char tree_presented[] =
	"{ \"uid\": \"presented\", \"title\": \"Presented\", \"service\": \"api\", \"description\": \"what it shows\",\n"
	"  \"tags\": [], \"refresh\": \"1m\", \"time\": { \"from\": \"now-1d\", \"to\": \"now-1h\" },\n"
	"  \"rows\": [ { \"title\": \"Only\", \"panels\": [\n"
	"    { \"title\": \"shown\", \"type\": \"timeseries\", \"query\": \"up\", \"description\": \"a panel\",\n"
	"      \"min\": 0, \"max\": 1e3, \"decimals\": 3, \"stack\": true, \"width\": 8, \"height\": 5 },\n"
	"    { \"title\": \"plain\", \"type\": \"timeseries\", \"query\": \"up\", \"max\": 2.5, \"stack\": false } ] } ] }\n";

START_TEST(test_backend_presentation_fields)
{
	struct built_tree built;
	build_tree(&built, tree_presented);
	const struct emit_file *file = emit_output_find(&built.output, "monitoring/grafana/dashboards/presented.json");
	ck_assert_ptr_nonnull(file);
	/* integers stay integers, a number written with an exponent stays a real */
	ck_assert_ptr_nonnull(strstr(file->data, "\"decimals\": 3,"));
	ck_assert_ptr_nonnull(strstr(file->data, "\"max\": 1000.0,"));
	ck_assert_ptr_nonnull(strstr(file->data, "\"min\": 0,"));
	json_t *dashboard = emitted(&built, "presented");
	ck_assert_str_eq(json_string_value(json_object_get(dashboard, "description")), "what it shows");
	ck_assert_int_eq(json_array_size(json_object_get(dashboard, "tags")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(dashboard, "refresh")), "1m");
	const json_t *time = json_object_get(dashboard, "time");
	ck_assert_str_eq(json_string_value(json_object_get(time, "from")), "now-1d");
	ck_assert_str_eq(json_string_value(json_object_get(time, "to")), "now-1h");
	json_t *all = json_array();
	collect_panels(json_object_get(dashboard, "panels"), all);
	ck_assert_int_eq(json_array_size(all), 3);
	const json_t *row = json_array_get(all, 0);
	ck_assert_str_eq(json_string_value(json_object_get(row, "title")), "Only");
	ck_assert(json_is_false(json_object_get(row, "collapsed")));
	const json_t *shown = panel_titled(all, "shown");
	ck_assert_str_eq(json_string_value(json_object_get(shown, "description")), "a panel");
	const json_t *grid = json_object_get(shown, "gridPos");
	ck_assert_int_eq(json_integer_value(json_object_get(grid, "w")), 8);
	ck_assert_int_eq(json_integer_value(json_object_get(grid, "h")), 5);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(defaults_of(shown), "custom"), "stacking"), "mode")), "normal");
	const json_t *plain = panel_titled(all, "plain");
	ck_assert(json_real_value(json_object_get(defaults_of(plain), "max")) == 2.5);
	ck_assert_ptr_null(json_object_get(json_object_get(defaults_of(plain), "custom"), "stacking"));
	ck_assert_ptr_null(json_object_get(defaults_of(plain), "min"));
	ck_assert_ptr_null(json_object_get(plain, "description"));
	/* the other dashboard wrote none of them: the service as its tag, 30s, the last 6 hours */
	json_t *api = emitted(&built, "goose-api");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(api, "tags"), 0)), "api");
	ck_assert_int_eq(json_array_size(json_object_get(api, "tags")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(api, "refresh")), "30s");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(api, "time"), "from")), "now-6h");
	ck_assert_ptr_null(json_object_get(api, "description"));
	json_decref(api);
	json_decref(all);
	json_decref(dashboard);
	release_tree(&built);
}
END_TEST

START_TEST(test_backend_deterministic)
{
	struct built_tree first, second;
	build_tree(&first, tree_complete);
	build_tree(&second, tree_complete);
	ck_assert_int_eq(first.output.count, second.output.count);
	for (size_t i = 0; i < first.output.count; i++) {
		const struct emit_file *other = emit_output_find(&second.output, first.output.files[i].path);
		ck_assert_ptr_nonnull(other);
		ck_assert(other->length == first.output.files[i].length &&
			  memcmp(other->data, first.output.files[i].data, other->length) == 0);
	}
	release_tree(&first);
	release_tree(&second);
}
END_TEST

Suite *emit_grafana_suite(void);
Suite *emit_grafana_suite(void)
{
	Suite *suite = suite_create("emit_grafana");
	TCase *units = tcase_create("parts");
	tcase_add_test(units, test_layout_never_overlaps);
	tcase_add_test(units, test_layout_shares_lines);
	tcase_add_test(units, test_uid_rules);
	tcase_add_test(units, test_units_and_steps);
	tcase_add_test(units, test_numbers_and_durations);
	tcase_add_test(units, test_template_hostile_values);
	tcase_add_test(units, test_template_unbound_placeholder);
	tcase_add_test(units, test_promql_quote);
	suite_add_tcase(suite, units);
	TCase *backend = tcase_create("backend");
	tcase_set_timeout(backend, 30);
	tcase_add_test(backend, test_backend_compact_dashboard);
	tcase_add_test(backend, test_backend_service_overviews);
	tcase_add_test(backend, test_backend_pass_through);
	tcase_add_test(backend, test_backend_complete_dashboard_without_uid);
	tcase_add_test(backend, test_backend_presentation_fields);
	tcase_add_test(backend, test_backend_deterministic);
	suite_add_tcase(suite, backend);
	return suite;
}

CHECK_MAIN(emit_grafana_suite)
