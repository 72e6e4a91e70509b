/* Unit tests for compiler/resolve (symbol table, suggestions, the interim recording-rule scan,
 * positions inside strings) and for whole-tree checks run through the real pipeline. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "resolve.h"
#include "tree_fixture.h"

static struct model_name name_at(const char *text, int line, int col)
{
	struct model_name name = { text, { "defs.yaml", line, col } };
	return name;
}

START_TEST(test_define_find_duplicate)
{
	struct xref_table table;
	xref_table_init(&table);
	struct diag_list diags;
	diag_list_init(&diags);
	struct model_name first = name_at("ledger_api_latency_p95", 2, 3);
	struct model_name again = name_at("ledger_api_latency_p95", 9, 3);
	ck_assert_ptr_nonnull(xref_define(&table, XREF_THRESHOLD, NULL, &first, NULL, &diags));
	/* the same name in another class or scope is another symbol */
	ck_assert_ptr_nonnull(xref_define(&table, XREF_SERVICE, NULL, &first, NULL, &diags));
	ck_assert_ptr_nonnull(xref_define(&table, XREF_SCENARIO, "a.yaml", &first, NULL, &diags));
	ck_assert_ptr_nonnull(xref_define(&table, XREF_SCENARIO, "b.yaml", &first, NULL, &diags));
	ck_assert_int_eq(diags.count, 0);
	ck_assert_ptr_null(xref_define(&table, XREF_THRESHOLD, NULL, &again, NULL, &diags));
	ck_assert_int_eq(diags.count, 1);
	const struct diag *diag = &diags.items[0];
	ck_assert_str_eq(diag->rule, "xref-duplicate-threshold");
	ck_assert_str_eq(diag->message, "duplicate threshold 'ledger_api_latency_p95'");
	ck_assert_int_eq(diag->line, 9);
	ck_assert_int_eq(diag->related_count, 1);
	ck_assert_int_eq(diag->related[0].line, 2);
	ck_assert_str_eq(diag->related[0].message, "'ledger_api_latency_p95' is first defined here");

	ck_assert_ptr_nonnull(xref_find(&table, XREF_THRESHOLD, NULL, "ledger_api_latency_p95"));
	ck_assert_ptr_nonnull(xref_find(&table, XREF_SCENARIO, "b.yaml", "ledger_api_latency_p95"));
	ck_assert_ptr_null(xref_find(&table, XREF_SCENARIO, NULL, "ledger_api_latency_p95"));
	ck_assert_ptr_null(xref_find(&table, XREF_STAGE, NULL, "ledger_api_latency_p95"));
	diag_list_release(&diags);
	xref_table_release(&table);
}
END_TEST

START_TEST(test_many_symbols)
{
	struct xref_table table;
	xref_table_init(&table);
	char (*names)[32] = malloc(20000 * sizeof(*names));
	for (int i = 0; i < 20000; i++) {
		snprintf(names[i], sizeof(names[i]), "service-%d", i);
		struct model_name name = name_at(names[i], i + 1, 1);
		ck_assert_ptr_nonnull(xref_define(&table, XREF_SERVICE, NULL, &name, NULL, NULL));
	}
	for (int i = 0; i < 20000; i++) {
		const struct xref_symbol *symbol = xref_find(&table, XREF_SERVICE, NULL, names[i]);
		ck_assert_ptr_nonnull(symbol);
		ck_assert_int_eq(symbol->location.line, i + 1);
	}
	ck_assert_ptr_null(xref_find(&table, XREF_SERVICE, NULL, "service-20000"));
	xref_table_release(&table);
	free(names);
}
END_TEST

START_TEST(test_unknown_suggests_from_its_class_only)
{
	struct xref_table table;
	xref_table_init(&table);
	struct diag_list diags;
	diag_list_init(&diags);
	struct model_name service = name_at("ledger-api", 3, 3);
	struct model_name stage = name_at("ledger-apx", 7, 7);
	xref_define(&table, XREF_SERVICE, NULL, &service, NULL, &diags);
	xref_define(&table, XREF_STAGE, NULL, &stage, NULL, &diags);
	struct model_name use = { "ledger-apu", { "use.yaml", 5, 12 } };
	ck_assert_ptr_null(xref_resolve(&table, XREF_SERVICE, NULL, &use, true, NULL, &diags));
	ck_assert_int_eq(diags.count, 1);
	const struct diag *diag = &diags.items[0];
	ck_assert_str_eq(diag->rule, "xref-unknown-service");
	ck_assert_str_eq(diag->file, "use.yaml");
	ck_assert_int_eq(diag->line, 5);
	ck_assert_int_eq(diag->col, 12);
	ck_assert_str_eq(diag->message, "unknown service 'ledger-apu'");
	ck_assert_str_eq(diag->hint, "did you mean 'ledger-api'?");
	ck_assert_int_eq(diag->related_count, 1);
	ck_assert_int_eq(diag->related[0].line, 3);
	ck_assert_str_eq(diag->related[0].message, "'ledger-api' is defined here");
	/* the candidate counts as used: its misspelling is not also an unused definition */
	ck_assert_int_eq(xref_find(&table, XREF_SERVICE, NULL, "ledger-api")->use_count, 1);

	/* nothing close: the few choices are listed */
	struct model_name far = { "zzz", { "use.yaml", 6, 1 } };
	xref_resolve(&table, XREF_STAGE, NULL, &far, true, NULL, &diags);
	ck_assert_str_eq(diags.items[1].hint, "expected one of 'ledger-apx'");
	xref_resolve(&table, XREF_CONTROL, NULL, &far, true, NULL, &diags);
	ck_assert_str_eq(diags.items[2].hint, "no controls are defined");
	diag_list_release(&diags);
	xref_table_release(&table);
}
END_TEST

static int column_inside(const char *source, const char *value, size_t index)
{
	struct model_text text = { value, { "f", 1, 8 }, 7 };
	return xref_location_inside(source, strlen(source), &text, index).col;
}

START_TEST(test_location_inside)
{
	/* values start at offset 7, column 8 */
	ck_assert_int_eq(column_inside("query: a + job:x:y", "a + job:x:y", 4), 12);
	ck_assert_int_eq(column_inside("query: \"a\\\"b + job:x:y\"", "a\"b + job:x:y", 6), 16);
	ck_assert_int_eq(column_inside("query: 'it''s + job:x:y'", "it's + job:x:y", 7), 17);
	/* a block scalar starts on the next line: the value's own position */
	ck_assert_int_eq(column_inside("query: |\n  job:x:y\n", "job:x:y\n", 0), 8);
	/* across a line break: the value's own position */
	ck_assert_int_eq(column_inside("query: a\n  + job:x:y", "a + job:x:y", 4), 8);
}
END_TEST

/* ---- through the pipeline ---- */

static const char project_yaml[] =
	"project: demo\n"
	"services:\n"
	"  api:\n"
	"    job: api\n"
	"    owner: team-a\n"
	"    sbom: security/sbom/api.cdx.json\n";

static const char thresholds_yaml[] =
	"thresholds:\n"
	"  api_latency_p95:\n"
	"    service: api\n"
	"    unit: seconds\n"
	"    direction: above\n"
	"    warning: 250ms\n"
	"    critical: 500ms\n"
	"  api_availability:\n"
	"    service: api\n"
	"    slo: { objective: 99.9%, window: 30d, sli: { errors: 'e{code=\"5\"}', total: e } }\n"
	"  api_availability_eu:\n"
	"    service: api\n"
	"    slo: { objective: 99.5%, window: 30d, sli: { errors: 'e{code=\"5\"}', total: e } }\n";

static const char recording_yaml[] =
	"groups:\n"
	"  - name: http\n"
	"    rules:\n"
	"      - { record: 'job:latency:p95', expr: 'histogram_quantile(0.95, x)' }\n";

static const char dashboard_json[] =
	"{ \"uid\": \"api\", \"title\": \"API\", \"service\": \"api\", \"rows\": [ { \"title\": \"r\", \"panels\": [\n"
	"  { \"title\": \"p95\", \"type\": \"timeseries\", \"query\": \"job:latency:p95\", \"threshold\": \"api_latency_p95\" } ] } ] }\n";

static void write_monitoring(struct tree_fixture *tree, const char *alerts)
{
	tree_fixture_write(tree, "goose.yaml", project_yaml);
	tree_fixture_write(tree, "monitoring/config/thresholds.yaml", thresholds_yaml);
	tree_fixture_write(tree, "monitoring/prometheus/recording.yaml", recording_yaml);
	tree_fixture_write(tree, "monitoring/prometheus/alerts.yaml", alerts);
	tree_fixture_write(tree, "monitoring/grafana/dashboards/api.json", dashboard_json);
}

static const char good_alerts[] =
	"groups:\n"
	"  - name: api\n"
	"    rules:\n"
	"      - alert: ApiSlow\n"
	"        expr: job:latency:p95\n"
	"        threshold: api_latency_p95\n"
	"        annotations: { runbook_url: 'https://r/slow' }\n"
	"      - alert: ApiBurn\n"
	"        slo: api_availability\n"
	"        annotations: { runbook_url: 'https://r/burn' }\n"
	"      - alert: ApiBurnEu\n"
	"        slo: api_availability_eu\n"
	"        annotations: { runbook_url: 'https://r/burn' }\n";

/* The tree minus its SBOM side: the service names an SBOM that must exist. */
static void write_sbom(struct tree_fixture *tree)
{
	tree_fixture_write(tree, "security/sbom/api.cdx.json",
			   "{ \"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [\n"
			   "  { \"type\": \"library\", \"name\": \"left-pad\", \"version\": \"1.3.0\",\n"
			   "    \"purl\": \"pkg:npm/left-pad@1.3.0\" } ] }\n");
}

START_TEST(test_clean_tree)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	write_monitoring(&tree, good_alerts);
	write_sbom(&tree);
	size_t errors = tree_fixture_check(&tree);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(errors, 0);
	ck_assert_int_eq(tree.diags.count, 0);
	tree_fixture_release(&tree);
}
END_TEST

START_TEST(test_slo_reference_suggests_slo_thresholds_only)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	char alerts[sizeof(good_alerts) + 16];
	snprintf(alerts, sizeof(alerts), "%s", good_alerts);
	/* "api_availabilit" is one edit from an SLO threshold; level thresholds are never offered */
	char *slo = strstr(alerts, "slo: api_availability\n");
	memcpy(slo, "slo: api_availabilit \n", 22);
	write_monitoring(&tree, alerts);
	write_sbom(&tree);
	ck_assert_int_eq(tree_fixture_check(&tree), 1);
	const struct diag *diag = tree_fixture_find(&tree, "xref-unknown-threshold");
	ck_assert_ptr_nonnull(diag);
	ck_assert_str_eq(diag->message, "unknown threshold 'api_availabilit'");
	ck_assert_str_eq(diag->hint, "did you mean 'api_availability'?");
	ck_assert_int_eq(diag->line, 9);
	ck_assert_int_eq(diag->col, 14);
	ck_assert_int_eq(diag->related[0].line, 8);
	/* neither the misspelt threshold nor its service is reported as a second problem */
	ck_assert_ptr_null(tree_fixture_find(&tree, "xref-unused-threshold"));
	ck_assert_ptr_null(tree_fixture_find(&tree, "lint-service-without-alert"));
	tree_fixture_release(&tree);
}
END_TEST

START_TEST(test_recording_rule_position_in_json_query)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	write_monitoring(&tree, good_alerts);
	write_sbom(&tree);
	tree_fixture_write(&tree, "monitoring/grafana/dashboards/api.json",
			   "{ \"uid\": \"api\", \"title\": \"API\", \"service\": \"api\", \"rows\": [ { \"title\": \"r\", \"panels\": [\n"
			   "  { \"title\": \"p95\", \"type\": \"timeseries\", \"query\": \"x{a=\\\"b\\\"} / job:latncy:p95\" } ] } ] }\n");
	ck_assert_int_eq(tree_fixture_check(&tree), 1);
	const struct diag *diag = tree_fixture_find(&tree, "xref-unknown-recording-rule");
	ck_assert_ptr_nonnull(diag);
	ck_assert_int_eq(diag->line, 2);
	/* the value's quote is at column 51; the name follows `x{a=\"b\"} / ` (14 source chars) */
	ck_assert_int_eq(diag->col, 66);
	ck_assert_str_eq(diag->hint, "did you mean 'job:latency:p95'?");
	tree_fixture_release(&tree);
}
END_TEST

START_TEST(test_invalid_file_does_not_cascade)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	write_monitoring(&tree, good_alerts);
	write_sbom(&tree);
	tree_fixture_write(&tree, "monitoring/config/thresholds.yaml", "thresholds:\n  api_latency_p95: { service: api }\n");
	tree_fixture_check(&tree);
	ck_assert_ptr_nonnull(tree_fixture_find(&tree, "schema-required"));
	ck_assert_ptr_null(tree_fixture_find(&tree, "xref-unknown-threshold"));
	ck_assert_ptr_null(tree_fixture_find(&tree, "lint-service-without-alert"));
	tree_fixture_release(&tree);
}
END_TEST

static const char load_test_yaml[] =
	"service: api\n"
	"target: { stage: staging }\n"
	"requests:\n"
	"  - { name: get-item, method: GET, path: /items/1 }\n"
	"  - { name: put-item, method: PUT, path: /items/1 }\n"
	"scenarios:\n"
	"  steady: { executor: constant-rate, rate: 10, duration: 1m, connections: 2 }\n"
	"  burst: { executor: constant-rate, rate: 100, duration: 1m, connections: 8, requests: [get-item] }\n"
	"criteria:\n"
	"  - { metric: latency_p95, threshold: api_latency_p95, level: warning }\n"
	"  - { metric: baseline_regression, baseline: load-test/baseline/api.json, max_increase: 10%%, scenarios: [%s] }\n";

static const char baseline_json[] =
	"{ \"service\": \"api\", \"stage\": \"staging\", \"recorded\": \"2026-01-01T00:00:00Z\", \"scenarios\": {\n"
	"  \"steady\": { \"requests\": { \"get-item\": { \"p50_ms\": 1, \"p95_ms\": 2, \"p99_ms\": 3, \"error_ratio\": 0 },\n"
	"                            \"%s\": { \"p50_ms\": 1, \"p95_ms\": 2, \"p99_ms\": 3, \"error_ratio\": 0 } } } } }\n";

static const char stage_yaml[] =
	"name: %s\n"
	"%s"
	"target: { base_url: 'http://127.0.0.1:1', health: [ { path: /h, expect: { status: 200 } } ] }\n"
	"state_dir: .goose/%s\n"
	"snapshot_policy: default\n"
	"tests: { loadtest: { scenarios: [%s] } }\n"
	"approvals: { required: 0 }\n";

static void write_stage(struct tree_fixture *tree, const char *name, const char *promotes_from, const char *scenarios)
{
	char path[128], text[1024], from[64] = "";
	if (promotes_from)
		snprintf(from, sizeof(from), "promotes_from: %s\n", promotes_from);
	snprintf(path, sizeof(path), "golden-goose/stages/%s.yaml", name);
	snprintf(text, sizeof(text), stage_yaml, name, from, name, scenarios);
	tree_fixture_write(tree, path, text);
}

static void write_load_testing(struct tree_fixture *tree, const char *criterion_scenarios, const char *baseline_request,
			       const char *staging_scenarios, const char *production_scenarios)
{
	char text[2048];
	write_monitoring(tree, good_alerts);
	write_sbom(tree);
	snprintf(text, sizeof(text), load_test_yaml, criterion_scenarios);
	tree_fixture_write(tree, "load-test/config/api.yaml", text);
	snprintf(text, sizeof(text), baseline_json, baseline_request);
	tree_fixture_write(tree, "load-test/baseline/api.json", text);
	tree_fixture_write(tree, "golden-goose/snapshots/manifest.yaml",
			   "store: s\nencryption: { algorithm: aes-256-gcm, key_id: k }\n"
			   "policies: { default: { include: ['**'], retention: { keep_last: 1 } } }\n");
	write_stage(tree, "staging", NULL, staging_scenarios);
	write_stage(tree, "production", "staging", production_scenarios);
}

START_TEST(test_load_test_scopes)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	/* production is targeted by no load test: its scenarios come from the load tests of the
	 * services it deploys (all of them, as it lists none) */
	write_load_testing(&tree, "steady", "put-item", "steady, burst", "burst");
	size_t errors = tree_fixture_check(&tree);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(errors, 0);
	ck_assert_int_eq(tree.diags.count, 0);
	tree_fixture_release(&tree);

	tree_fixture_init(&tree);
	write_load_testing(&tree, "steady, burst", "put-itme", "steady, brust", "steady");
	ck_assert_int_eq(tree_fixture_check(&tree), 3);
	const struct diag *missing = tree_fixture_find(&tree, "xref-scenario-not-in-baseline");
	ck_assert_ptr_nonnull(missing);
	ck_assert_str_eq(missing->message, "scenario 'burst' has no results in baseline 'load-test/baseline/api.json'");
	const struct diag *request = tree_fixture_find(&tree, "xref-unknown-request");
	ck_assert_ptr_nonnull(request);
	ck_assert_str_eq(request->hint, "did you mean 'put-item'?");
	ck_assert(strstr(request->file, "load-test/baseline/api.json"));
	const struct diag *scenario = tree_fixture_find(&tree, "xref-unknown-scenario");
	ck_assert_ptr_nonnull(scenario);
	ck_assert_str_eq(scenario->message, "unknown scenario 'brust'");
	ck_assert_str_eq(scenario->hint, "did you mean 'burst'?");
	ck_assert(strstr(scenario->file, "golden-goose/stages/staging.yaml"));
	tree_fixture_release(&tree);
}
END_TEST

START_TEST(test_waivers_resolve_aliases_and_purls)
{
	static const char enrichment[] =
		"sboms: [ { service: api } ]\n"
		"database: security/sbom/vulnerability-db.json\n"
		"waivers:\n"
		"  - { id: %s, service: api, component: '%s', reason: 'not reachable from outside, see ticket',\n"
		"      approved_by: team-sec, expires: '2027-01-01' }\n";
	static const char database[] =
		"{ \"records\": [ { \"id\": \"GHSA-aaaa-bbbb-cccc\", \"modified\": \"2026-01-01T00:00:00Z\",\n"
		"    \"aliases\": [\"CVE-2026-0001\"] } ] }\n";
	struct tree_fixture tree;
	char text[1024];
	tree_fixture_init(&tree);
	write_monitoring(&tree, good_alerts);
	write_sbom(&tree);
	tree_fixture_write(&tree, "security/sbom/vulnerability-db.json", database);
	/* an alias and a purl without version both resolve */
	snprintf(text, sizeof(text), enrichment, "CVE-2026-0001", "pkg:npm/left-pad");
	tree_fixture_write(&tree, "security/sbom/enrichment.yaml", text);
	size_t errors = tree_fixture_check(&tree);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(errors, 0);
	tree_fixture_release(&tree);

	tree_fixture_init(&tree);
	write_monitoring(&tree, good_alerts);
	write_sbom(&tree);
	tree_fixture_write(&tree, "security/sbom/vulnerability-db.json", database);
	snprintf(text, sizeof(text), enrichment, "CVE-2026-0002", "pkg:npm/left-pda");
	tree_fixture_write(&tree, "security/sbom/enrichment.yaml", text);
	ck_assert_int_eq(tree_fixture_check(&tree), 2);
	const struct diag *id = tree_fixture_find(&tree, "xref-unknown-vulnerability");
	ck_assert_ptr_nonnull(id);
	ck_assert_str_eq(id->hint, "did you mean 'CVE-2026-0001'?");
	const struct diag *component = tree_fixture_find(&tree, "xref-unknown-component");
	ck_assert_ptr_nonnull(component);
	ck_assert_str_eq(component->hint, "did you mean 'pkg:npm/left-pad'?");
	ck_assert(strstr(component->related[0].file, "security/sbom/api.cdx.json"));
	tree_fixture_release(&tree);
}
END_TEST

START_TEST(test_stage_chain_rules)
{
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	write_load_testing(&tree, "steady", "put-item", "steady", "steady");
	/* a cycle of three beside the root: one diagnostic naming all three */
	write_stage(&tree, "a", "c", "steady");
	write_stage(&tree, "b", "a", "steady");
	write_stage(&tree, "c", "b", "steady");
	tree_fixture_check(&tree);
	ck_assert_int_eq(tree_fixture_count(&tree, "lint-stage-cycle"), 1);
	const struct diag *cycle = tree_fixture_find(&tree, "lint-stage-cycle");
	ck_assert_str_eq(cycle->message, "stages promote in a cycle: 'a' -> 'b' -> 'c' -> 'a'");
	ck_assert_int_eq(cycle->related_count, 2);
	ck_assert_ptr_null(tree_fixture_find(&tree, "lint-stage-second-root"));
	tree_fixture_release(&tree);
}
END_TEST

/* 1,000 services, each with a threshold, an alert, a dashboard, a load test and a stage entry:
 * the whole lint (load, validate, model, resolve, rules) stays well under a second. */
START_TEST(test_thousand_services_are_fast)
{
	enum { SERVICES = 1000 };
	struct tree_fixture tree;
	tree_fixture_init(&tree);
	struct strbuf goose, thresholds, alerts, stage, text;
	strbuf_init(&goose);
	strbuf_init(&thresholds);
	strbuf_init(&alerts);
	strbuf_init(&stage);
	strbuf_init(&text);
	strbuf_addstr(&goose, "project: big\nservices:\n");
	strbuf_addstr(&thresholds, "thresholds:\n");
	strbuf_addstr(&alerts, "groups:\n  - name: all\n    rules:\n");
	strbuf_addstr(&stage, "name: staging\ntarget: { base_url: 'http://127.0.0.1:1', health: [ { path: /h, expect: { status: 200 } } ] }\n"
			      "state_dir: s\nsnapshot_policy: default\napprovals: { required: 0 }\nservices:\n");
	for (int i = 0; i < SERVICES; i++) {
		strbuf_addf(&goose, "  service-%d: { job: service-%d, owner: team }\n", i, i);
		strbuf_addf(&thresholds, "  service_%d_latency: { service: service-%d, unit: seconds, direction: above, "
					 "warning: 250ms, critical: 500ms }\n", i, i);
		strbuf_addf(&alerts, "      - { alert: Slow%d, expr: 'job:latency:p95{job=\"service-%d\"}', threshold: "
				     "service_%d_latency, annotations: { runbook_url: 'https://r/%d' } }\n", i, i, i, i);
		strbuf_addf(&stage, "  - service-%d\n", i);
		strbuf_reset(&text);
		strbuf_addf(&text, "{ \"uid\": \"s%d\", \"title\": \"S\", \"service\": \"service-%d\", \"rows\": [ { \"title\": \"r\", "
				   "\"panels\": [ { \"title\": \"p\", \"type\": \"stat\", \"query\": \"job:latency:p95\", "
				   "\"threshold\": \"service_%d_latency\" } ] } ] }\n", i, i, i);
		char path[96];
		snprintf(path, sizeof(path), "monitoring/grafana/dashboards/s%d.json", i);
		tree_fixture_write(&tree, path, text.buf);
		strbuf_reset(&text);
		strbuf_addf(&text, "service: service-%d\ntarget: { stage: staging }\n"
				   "requests: [ { name: get, method: GET, path: / } ]\n"
				   "scenarios: { steady: { executor: constant-rate, rate: 1, duration: 1m, connections: 1 } }\n"
				   "criteria: [ { metric: latency_p95, threshold: service_%d_latency, level: warning } ]\n", i, i);
		snprintf(path, sizeof(path), "load-test/config/s%d.yaml", i);
		tree_fixture_write(&tree, path, text.buf);
	}
	tree_fixture_write(&tree, "goose.yaml", goose.buf);
	tree_fixture_write(&tree, "monitoring/config/thresholds.yaml", thresholds.buf);
	tree_fixture_write(&tree, "monitoring/prometheus/alerts.yaml", alerts.buf);
	tree_fixture_write(&tree, "monitoring/prometheus/recording.yaml",
			   "groups: [ { name: r, rules: [ { record: 'job:latency:p95', expr: x } ] } ]\n");
	tree_fixture_write(&tree, "golden-goose/stages/staging.yaml", stage.buf);
	tree_fixture_write(&tree, "golden-goose/snapshots/manifest.yaml",
			   "store: s\nencryption: { algorithm: aes-256-gcm, key_id: k }\n"
			   "policies: { default: { include: ['**'], retention: { keep_last: 1 } } }\n");

	/* correctness at scale only: timings belong to bench/lint-scale.sh */
	tree_fixture_load(&tree);
	struct check_options options = { .now = 0 };
	size_t errors = check_project(&tree.project, &options, NULL, &tree.diags);
	if (tree.diags.count)
		tree_fixture_dump(&tree);
	ck_assert_int_eq(errors, 0);
	ck_assert_int_eq(tree.diags.count, 0);

	strbuf_release(&goose);
	strbuf_release(&thresholds);
	strbuf_release(&alerts);
	strbuf_release(&stage);
	strbuf_release(&text);
	tree_fixture_release(&tree);
}
END_TEST

Suite *resolve_suite(void);
Suite *resolve_suite(void)
{
	Suite *suite = suite_create("resolve");
	TCase *table = tcase_create("table");
	tcase_add_test(table, test_define_find_duplicate);
	tcase_add_test(table, test_many_symbols);
	tcase_add_test(table, test_unknown_suggests_from_its_class_only);
	tcase_add_test(table, test_location_inside);
	suite_add_tcase(suite, table);
	TCase *pipeline = tcase_create("pipeline");
	tcase_set_timeout(pipeline, 60);
	tcase_add_test(pipeline, test_clean_tree);
	tcase_add_test(pipeline, test_slo_reference_suggests_slo_thresholds_only);
	tcase_add_test(pipeline, test_recording_rule_position_in_json_query);
	tcase_add_test(pipeline, test_invalid_file_does_not_cascade);
	tcase_add_test(pipeline, test_load_test_scopes);
	tcase_add_test(pipeline, test_waivers_resolve_aliases_and_purls);
	tcase_add_test(pipeline, test_stage_chain_rules);
	tcase_add_test(pipeline, test_thousand_services_are_fast);
	suite_add_tcase(suite, pipeline);
	return suite;
}

CHECK_MAIN(resolve_suite)
