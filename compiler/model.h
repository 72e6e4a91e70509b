/* The typed model: every loaded, schema-valid file of a project read once into C structs, so
 * later phases (resolve, lint, emit) never walk raw JSON. Every name and reference keeps where it
 * was written.
 *
 * Ownership: a model owns its structs (one arena, freed by model_release) and borrows every
 * string from the project it was read from: release the model before the project. */
#ifndef GOOSE_MODEL_H
#define GOOSE_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "project.h"
#include "util.h"

/* Where something was written: 1-based line and column; for a mapping entry named by its key,
 * the key's position. `file` is the project file's path as shown in diagnostics. */
struct model_location {
	const char *file;
	int line, col;
};

/* A name as written (a definition or a reference) and where. `text` is NULL when absent. */
struct model_name {
	const char *text;
	struct model_location location;
};

/* A list of names (e.g. `services: [a, b]`). */
struct model_name_list {
	struct model_name *items;
	size_t count;
};

/* A string value with no name semantics (an expression, a URL) and where it starts. */
struct model_text {
	const char *text;
	struct model_location location;
	size_t offset; /* byte offset of the value in its file's text, for positions inside it */
};

/* A parsed number such as a level, ratio or duration, with its source spelling for messages. */
struct model_value {
	bool present;
	double value;       /* seconds for durations, 0..1 for ratios */
	const char *spelling; /* "250ms", "1%", or NULL when written as a number */
	struct model_location location;
};

/* A number kept as written, for values passed on to outputs: an integer stays an integer (a
 * Grafana `max: 100` is emitted as 100, `max: 1e3` as 1000.0). */
struct model_number {
	bool present;
	bool integral;       /* written as an integer: `integer` holds it exactly */
	long long integer;
	double value;
	struct model_location location;
};

/* A boolean field that may be absent. */
struct model_flag {
	bool present;
	bool value;
	struct model_location location;
};

struct model_label {
	const char *name;
	const char *value;
	struct model_location location; /* of the key */
};

struct model_label_list {
	struct model_label *items;
	size_t count;
};

/* ---- Project (goose.yaml) ---- */

struct model_service {
	struct model_name name;
	const char *job, *owner, *description;
	struct model_name sbom; /* a tree path; text NULL when the service has no SBOM */
};

struct model_project {
	const struct project_file *source;
	struct model_name name;
	const char *output;
	struct model_service *services;
	size_t service_count;
	struct model_name signing_plans, signing_evidence; /* key ids */
	struct model_name_list sensitive_labels;
};

/* ---- Thresholds ---- */

enum model_unit {
	MODEL_UNIT_NONE, /* SLO thresholds */
	MODEL_UNIT_SECONDS,
	MODEL_UNIT_RATIO,
	MODEL_UNIT_REQUESTS_PER_SECOND,
	MODEL_UNIT_BYTES,
	MODEL_UNIT_COUNT,
};

enum model_direction {
	MODEL_DIRECTION_ABOVE,
	MODEL_DIRECTION_BELOW,
};

enum model_level {
	MODEL_LEVEL_WARNING,
	MODEL_LEVEL_CRITICAL,
};

struct model_threshold {
	struct model_name name;
	struct model_name service;
	const char *description;
	bool is_slo;
	/* level thresholds */
	enum model_unit unit;
	enum model_direction direction;
	struct model_location direction_location;
	struct model_value warning, critical;
	/* SLO thresholds */
	struct model_value objective; /* 0..1 */
	struct model_value window;    /* seconds */
	struct model_text sli_errors, sli_total;
};

struct model_thresholds {
	const struct project_file *source;
	struct model_threshold *thresholds;
	size_t threshold_count;
};

/* ---- AlertRules and RecordingRules ---- */

struct model_alert {
	struct model_name name;        /* `alert` */
	struct model_location location; /* of the rule (the sequence item) */
	struct model_text expr;        /* text NULL for SLO alerts */
	struct model_name threshold;   /* `threshold:` reference */
	struct model_name slo;         /* `slo:` reference */
	bool levels_given;             /* `levels:` limits the levels emitted */
	bool level_warning, level_critical;
	struct model_location levels_location;
	struct model_value for_duration;
	struct model_value keep_firing_for;
	struct model_name severity;    /* labels.severity (plain alerts) */
	struct model_label_list labels;
	struct model_label_list annotations;
	struct model_text runbook_url; /* annotations.runbook_url */
};

/* What every rule group may set beside its rules. */
struct model_group_options {
	struct model_number limit;        /* the most series a rule may produce; 0 or absent: none */
	struct model_value query_offset;  /* Prometheus 3 only: emitters refuse it */
	struct model_label_list labels;   /* Prometheus 3 group labels, added to every rule */
};

struct model_alert_group {
	struct model_name name;
	struct model_value interval;
	struct model_group_options options;
	struct model_alert *alerts;
	size_t alert_count;
};

struct model_alert_rules {
	const struct project_file *source;
	struct model_alert_group *groups;
	size_t group_count;
};

struct model_recording_rule {
	struct model_name record;
	struct model_text expr;
	struct model_label_list labels;
};

struct model_recording_group {
	struct model_name name;
	struct model_value interval;
	struct model_group_options options;
	struct model_recording_rule *rules;
	size_t rule_count;
};

struct model_recording_rules {
	const struct project_file *source;
	struct model_recording_group *groups;
	size_t group_count;
};

/* ---- Dashboard ---- */

struct model_query {
	struct model_text expr;
	const char *legend;
};

struct model_panel {
	const char *title;
	const char *row_title;
	const char *type;
	const char *description;
	struct model_location location;
	struct model_query *queries; /* `query` or `queries[]` */
	size_t query_count;
	struct model_name threshold;
	const char *unit;
	/* presentation, passed on to Grafana as written */
	struct model_number min, max, decimals;
	struct model_number width, height; /* grid size hints */
	struct model_flag stack;
};

/* A row: its panels are `panel_count` consecutive panels of the dashboard from `first_panel`. */
struct model_row {
	const char *title;
	bool collapsed;
	struct model_location location;
	size_t first_panel, panel_count;
};

struct model_dashboard {
	const struct project_file *source;
	bool complete; /* a complete Grafana dashboard, passed through: no service, no panels read */
	const json_t *grafana_document; /* complete dashboards: the document, borrowed, passed through as data */
	struct model_name uid;
	const char *title;
	const char *description;
	struct model_name service;
	bool tags_given;                 /* `tags:` written, even empty */
	struct model_name_list tags;
	struct model_text refresh;       /* text NULL when not given */
	struct model_text time_from, time_to;
	struct model_row *rows;
	size_t row_count;
	struct model_panel *panels; /* every row's panels, in order */
	size_t panel_count;
};

/* ---- LoadTest ---- */

/* An HTTP probe as written: a stage health check or a load test's compliance-mode check. The
 * expected values are borrowed from the file's tree: they are data to compare, not structure. */
struct model_http_check {
	bool present;
	const char *path;
	const char *method;               /* NULL when not given (GET) */
	const json_t *expect_status;      /* a number, a list of numbers, or NULL */
	const json_t *expect_json;        /* expected JSON fields, or NULL */
	const json_t *expect_body_contains;
	struct model_value timeout;
	struct model_location location;
};

struct model_request {
	struct model_name name;
	const char *method, *path;
	long weight;
	/* the request as sent; borrowed JSON payloads, NULL when not given */
	const json_t *headers;   /* object: name -> value */
	const json_t *json_body;
	const json_t *body;
	const json_t *expect;
};

struct model_ramp_stage {
	double target;
	struct model_value duration;
};

struct model_scenario {
	struct model_name name; /* the key */
	const char *executor;
	double rate;
	struct model_value duration;
	struct model_ramp_stage *ramp;
	size_t ramp_count;
	long connections;
	struct model_name_list requests; /* restricts the mix; empty means all */
	bool off_peak_only;
};

enum model_metric {
	MODEL_METRIC_LATENCY_P50,
	MODEL_METRIC_LATENCY_P95,
	MODEL_METRIC_LATENCY_P99,
	MODEL_METRIC_LATENCY_MAX,
	MODEL_METRIC_ERROR_RATIO,
	MODEL_METRIC_THROUGHPUT,
	MODEL_METRIC_BASELINE_REGRESSION,
};

struct model_criterion {
	enum model_metric metric;
	const char *metric_name;
	struct model_location location;
	struct model_name threshold;
	enum model_level level;
	struct model_location level_location;
	struct model_value max, min; /* raw numbers or durations/ratios as written */
	struct model_name baseline;  /* a tree path */
	struct model_value max_increase;
	struct model_name_list scenarios;
	struct model_name_list requests;
};

struct model_load_test {
	const struct project_file *source;
	struct model_name service;
	struct model_name target_stage;
	const char *target_base_url;
	struct model_value timeout;
	struct model_http_check compliance_mode; /* present is false when not given */
	const char *prometheus_url;              /* target.prometheus: where the target's usage is read, or NULL */
	const char *prometheus_selector;         /* its series selector, or NULL for the base URL's instance */
	const json_t *headers;                   /* sent with every request, or NULL */
	struct model_request *requests;
	size_t request_count;
	struct model_scenario *scenarios;
	size_t scenario_count;
	struct model_criterion *criteria;
	size_t criterion_count;
	const char *reports_dir;
};

/* ---- Baseline ---- */

struct model_request_result {
	struct model_name name;
	double p50_ms, p95_ms, p99_ms, max_ms, error_ratio, throughput_rps; /* -1 when absent */
};

struct model_scenario_result {
	struct model_name name;
	double rate; /* -1 when absent */
	struct model_request_result *requests;
	size_t request_count;
};

struct model_baseline {
	const struct project_file *source;
	struct model_name service;
	struct model_name stage;
	const char *mode, *release, *run_id, *recorded;
	struct model_scenario_result *scenarios;
	size_t scenario_count;
};

/* ---- Stage ---- */

enum model_enforcement {
	MODEL_ENFORCEMENT_NONE, /* the gate is not configured */
	MODEL_ENFORCEMENT_REQUIRED,
	MODEL_ENFORCEMENT_ADVISORY,
};

struct model_gate_threshold {
	const char *metric; /* latency_p95, ... */
	struct model_name threshold;
};

struct model_window {
	bool present;
	unsigned days;     /* bit 0 = monday ... bit 6 = sunday */
	int start_minute;  /* minutes after midnight */
	int end_minute;    /* 1440 for "24:00"; end before start crosses midnight */
	const char *timezone;
	struct model_location location;
};

struct model_stage {
	const struct project_file *source;
	struct model_name name;
	struct model_name promotes_from;
	struct model_name_list services; /* empty: not restricted */
	const char *base_url;
	struct model_http_check *health_checks;
	size_t health_check_count;
	const char *state_dir;
	struct model_name snapshot_policy;
	struct model_window off_peak_window;
	struct model_name_list test_scenarios; /* tests.loadtest.scenarios */
	struct model_location tests_location;
	/* gates */
	enum model_enforcement loadtest_gate;
	struct model_name loadtest_from_stage;
	enum model_level loadtest_level;
	struct model_location loadtest_level_location;
	struct model_gate_threshold *gate_thresholds;
	size_t gate_threshold_count;
	enum model_enforcement baseline_gate;
	struct model_value max_regression;
	enum model_enforcement alerts_configured;
	enum model_enforcement rollback_gate;
	struct model_value rollback_within;
	enum model_enforcement security_gate;
	const char *security_fail_on;
	long approvals_required;
	struct model_name_list approvers;
};

/* ---- SnapshotManifest and SnapshotValidation ---- */

struct model_snapshot_policy {
	struct model_name name;
	const char *const *include;
	size_t include_count;
	const char *const *exclude;
	size_t exclude_count;
	long keep_last; /* 0 when absent */
	struct model_value max_age;
};

struct model_snapshot_manifest {
	const struct project_file *source;
	const char *store;
	const char *encryption_algorithm;
	struct model_name key_id;
	double chunk_size_bytes; /* 0 when absent */
	const char *compression_algorithm;
	long compression_level;
	struct model_snapshot_policy *policies;
	size_t policy_count;
};

enum model_snapshot_phase {
	MODEL_PHASE_AFTER_CREATE,
	MODEL_PHASE_BEFORE_RESTORE,
	MODEL_PHASE_AFTER_RESTORE,
	MODEL_PHASE_COUNT,
};

/* One check: a plain one ("integrity", "health", ...) or a parameterised one ("require_files",
 * "max_age", "http"). */
struct model_snapshot_check {
	const char *name;
	struct model_location location;
	const char *const *files;  /* require_files */
	size_t file_count;
	struct model_value max_age;
	const char *http_path;
};

struct model_snapshot_check_list {
	struct model_snapshot_check *checks;
	size_t count;
};

struct model_policy_checks {
	struct model_name policy; /* the key: a SnapshotManifest policy */
	struct model_snapshot_check_list phases[MODEL_PHASE_COUNT];
};

struct model_snapshot_validation {
	const struct project_file *source;
	struct model_snapshot_check_list phases[MODEL_PHASE_COUNT];
	struct model_policy_checks *policies;
	size_t policy_count;
};

/* ---- SecretRotation ---- */

/* A calendar date; year 0 when absent. */
struct model_date {
	int year, month, day;
	struct model_location location;
};

struct model_secret {
	struct model_name name;
	const char *owner, *location_reference, *rotation, *description;
	struct model_date last_rotated;
	struct model_value max_age, warn_before; /* absent: the defaults apply */
	struct model_name_list used_by;
};

struct model_secret_rotation {
	const struct project_file *source;
	struct model_value default_max_age, default_warn_before;
	struct model_secret *secrets;
	size_t secret_count;
};

/* ---- ComplianceRules ---- */

enum model_scalar_type {
	MODEL_SCALAR_STRING,
	MODEL_SCALAR_NUMBER,
	MODEL_SCALAR_BOOLEAN,
};

struct model_scalar {
	enum model_scalar_type type;
	const char *string;
	double number;
	bool boolean;
};

/* `where: { /pointer: value-or-list }`: the entry matches when the value at `pointer` equals
 * any of `values`. */
struct model_where {
	const char *pointer;
	struct model_location location;
	struct model_scalar *values;
	size_t value_count;
};

struct model_requirement {
	const char *path; /* JSON Pointer; a '*' segment matches every element */
	struct model_location location;
	bool has_exists, exists;
	bool has_equals;
	struct model_scalar equals;
	struct model_scalar *one_of;
	size_t one_of_count;
	struct model_text pattern;
	bool has_min, has_max;
	double min, max;
};

struct model_compliance_rule {
	struct model_name id;
	const char *title, *description, *severity;
	struct model_name_list controls;
	const char *const *files;
	size_t file_count;
	const char *const *exclude;
	size_t exclude_count;
	struct model_name kind;
	struct model_where *where;
	size_t where_count;
	struct model_text forbid_pattern;
	struct model_text *allow_patterns;
	size_t allow_pattern_count;
	struct model_requirement *requirements;
	size_t requirement_count;
};

struct model_compliance_rules {
	const struct project_file *source;
	struct model_compliance_rule *rules;
	size_t rule_count;
};

/* ---- SbomEnrichment, VulnerabilityDb, CycloneDxSbom ---- */

struct model_sbom_source {
	struct model_name service;
	const char *purl_type;
};

struct model_enrichment_rule {
	const char *match_purl, *match_name; /* globs; either may be NULL */
	struct model_location location;
	const char *const *licenses;
	size_t license_count;
	const char *supplier_name;
};

struct model_waiver {
	struct model_name id;
	struct model_name service;
	struct model_name component; /* a purl without version */
	const char *reason, *approved_by, *ticket;
	struct model_date expires;
	struct model_location location;
};

struct model_sbom_enrichment {
	const struct project_file *source;
	struct model_sbom_source *sboms;
	size_t sbom_count;
	struct model_name database; /* a tree path */
	struct model_enrichment_rule *rules;
	size_t rule_count;
	const char *const *licenses_allow;
	size_t licenses_allow_count;
	const char *const *licenses_deny;
	size_t licenses_deny_count;
	const char *licenses_unknown;
	struct model_waiver *waivers;
	size_t waiver_count;
};

struct model_vulnerability {
	struct model_name id;
	struct model_name_list aliases;
	const char *summary;
	const char *const *affected_purls; /* package purls, where given */
	size_t affected_purl_count;
};

struct model_vulnerability_db {
	const struct project_file *source;
	struct model_vulnerability *records;
	size_t record_count;
};

struct model_component {
	const char *name, *group, *version, *purl, *bom_ref;
	struct model_location location;
};

struct model_sbom {
	const struct project_file *source;
	const char *spec_version;
	struct model_component main_component; /* metadata.component; name NULL when absent */
	struct model_component *components;    /* nested components flattened, depth first */
	size_t component_count;
};

/* ---- EvidenceTemplate and CollectionRules ---- */

struct model_control {
	struct model_name id;
	const char *title, *owner;
	struct model_name_list evidence;
};

struct model_evidence_template {
	const struct project_file *source;
	const char *framework;
	struct model_control *controls;
	size_t control_count;
};

struct model_evidence_item {
	struct model_name name; /* the key */
	const char *from, *step, *path, *description;
};

struct model_collection_rules {
	const struct project_file *source;
	struct model_evidence_item *items;
	size_t item_count;
};

/* ---- the whole model ---- */

struct model_arena_block;

/* One array per kind: most kinds have one file in a tree, but goose.yaml's extra_paths and
 * `kind:` fields can add more, and the resolver treats them all alike. */
struct model {
	struct model_arena_block *arena;

	struct model_project *projects;
	size_t project_count;
	struct model_thresholds *thresholds;
	size_t thresholds_count;
	struct model_alert_rules *alert_rules;
	size_t alert_rules_count;
	struct model_recording_rules *recording_rules;
	size_t recording_rules_count;
	struct model_dashboard *dashboards;
	size_t dashboard_count;
	struct model_load_test *load_tests;
	size_t load_test_count;
	struct model_baseline *baselines;
	size_t baseline_count;
	struct model_stage *stages;
	size_t stage_count;
	struct model_snapshot_manifest *snapshot_manifests;
	size_t snapshot_manifest_count;
	struct model_snapshot_validation *snapshot_validations;
	size_t snapshot_validation_count;
	struct model_secret_rotation *secret_rotations;
	size_t secret_rotation_count;
	struct model_compliance_rules *compliance_rules;
	size_t compliance_rules_count;
	struct model_sbom_enrichment *sbom_enrichments;
	size_t sbom_enrichment_count;
	struct model_vulnerability_db *vulnerability_dbs;
	size_t vulnerability_db_count;
	struct model_sbom *sboms;
	size_t sbom_count;
	struct model_evidence_template *evidence_templates;
	size_t evidence_template_count;
	struct model_collection_rules *collection_rules;
	size_t collection_rules_count;

	/* kinds with at least one file that did not load or validate: their definitions are
	 * incomplete, so later phases must not call names they would define unknown */
	const char **incomplete_kinds;
	size_t incomplete_kind_count, incomplete_kind_alloc;
};

void model_init(struct model *model);
void model_release(struct model *model);

/* Reads every loaded and schema-valid file of `project` into `model`. Files that failed are
 * skipped (they already have diagnostics) and their kinds recorded as incomplete. Returns the
 * number of files read. Nothing here reports: a schema-valid tree always reads. */
size_t model_read(struct model *model, const struct project *project);

/* True when some file of kind `kind_name` was not read (failed to load or validate). */
bool model_kind_incomplete(const struct model *model, const char *kind_name);

/* Pure parsers of the config language's value syntaxes. Each returns 0, or -1 when `text` does
 * not follow the syntax (the schema's pattern), leaving the output untouched. */

/* "250ms", "5m", "1.5h", "30d", "2w" (a number and one of ms, s, m, h, d, w) -> seconds. */
int model_parse_duration(const char *text, double *seconds);
/* "1%", "99.9%", "100%" -> 0.01, 0.999, 1. Numbers are given as numbers, not text. */
int model_parse_percentage(const char *text, double *ratio);
/* "64KiB", "1MiB" -> bytes. */
int model_parse_size(const char *text, double *bytes);
/* "01:00" -> 60; "24:00" -> 1440. */
int model_parse_time_of_day(const char *text, int *minutes);
/* "2026-10-01" -> its parts (checked against the month's length, leap years included). */
int model_parse_date(const char *text, int *year, int *month, int *day);

/* "warning" / "critical"; "seconds", "ratio", ...; "latency_p95", ... */
const char *model_level_name(enum model_level level);
const char *model_unit_name(enum model_unit unit);

/* The threshold's value for `level`, or NULL when it has no such level. */
const struct model_value *model_threshold_level(const struct model_threshold *threshold, enum model_level level);

/* A purl without its version, qualifiers and subpath ("pkg:npm/a@1.0?x=y" -> "pkg:npm/a"), in
 * `out` (reset first). */
void model_purl_without_version(const char *purl, struct strbuf *out);

#endif
