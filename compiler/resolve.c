/* The symbol table (one chained hash map keyed by class, scope and name) and the resolution of
 * every cross-file reference of the model, with "did you mean" from the same class. */
#include "resolve.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promql.h"
#include "rulefile.h"
#include "util.h"
#include "banned.h"

/* How each class is named in messages, which rules report on it, and which kinds define and
 * use it (to stay quiet when one of those files failed to load). */
struct class_info {
	const char *noun, *plural;
	const char *unknown_rule, *duplicate_rule;
	bool duplicates_allowed;      /* aliases, components, key ids: one name, several places */
	const char *defining_kind;    /* NULL: always complete */
	const char *unused_rule;      /* NULL: unused definitions are fine */
	const char *unused_message;   /* after "NOUN 'name' " */
	const char *using_kind;
};

static const struct class_info class_infos[XREF_CLASS_COUNT] = {
	[XREF_SERVICE] = { "service", "services", "xref-unknown-service", "xref-duplicate-service", false,
			   "Project", NULL, NULL, NULL },
	[XREF_THRESHOLD] = { "threshold", "thresholds", "xref-unknown-threshold", "xref-duplicate-threshold", false,
			     "Thresholds", "xref-unused-threshold", "is not used by any alert", "AlertRules" },
	[XREF_RECORDING_RULE] = { "recording rule", "recording rules", "xref-unknown-recording-rule",
				  "xref-duplicate-recording-rule", false, "RecordingRules", "xref-unused-recording-rule",
				  "is not used by any alert, dashboard, SLO or other recording rule", "AlertRules" },
	[XREF_ALERT] = { "alert", "alerts", NULL, "xref-duplicate-alert", false, "AlertRules", NULL, NULL, NULL },
	[XREF_RULE_GROUP] = { "rule group", "rule groups", NULL, "xref-duplicate-rule-group", false, NULL, NULL, NULL,
			      NULL },
	[XREF_DASHBOARD] = { "dashboard uid", "dashboard uids", NULL, "xref-duplicate-dashboard", false, "Dashboard",
			     NULL, NULL, NULL },
	[XREF_REQUEST] = { "request", "requests", "xref-unknown-request", "xref-duplicate-request", false, "LoadTest",
			   NULL, NULL, NULL },
	[XREF_SCENARIO] = { "scenario", "scenarios", "xref-unknown-scenario", "xref-duplicate-scenario", false,
			    "LoadTest", NULL, NULL, NULL },
	[XREF_STAGE] = { "stage", "stages", "xref-unknown-stage", "xref-duplicate-stage", false, "Stage", NULL, NULL,
			 NULL },
	[XREF_SNAPSHOT_POLICY] = { "snapshot policy", "snapshot policies", "xref-unknown-snapshot-policy",
				   "xref-duplicate-snapshot-policy", false, "SnapshotManifest",
				   "xref-unused-snapshot-policy", "is not used by any stage", "Stage" },
	[XREF_KEY_ID] = { "key id", "key ids", NULL, NULL, true, NULL, NULL, NULL, NULL },
	[XREF_SECRET] = { "secret", "secrets", NULL, "xref-duplicate-secret", false, "SecretRotation", NULL, NULL,
			  NULL },
	[XREF_COMPLIANCE_RULE] = { "compliance rule", "compliance rules", NULL, "xref-duplicate-compliance-rule",
				   false, "ComplianceRules", NULL, NULL, NULL },
	[XREF_EVIDENCE] = { "evidence item", "evidence items", "xref-unknown-evidence", "xref-duplicate-evidence",
			    false, "CollectionRules", "xref-unused-evidence", "is not named by any control",
			    "EvidenceTemplate" },
	[XREF_CONTROL] = { "control", "controls", "xref-unknown-control", "xref-duplicate-control", false,
			   "EvidenceTemplate", NULL, NULL, NULL },
	[XREF_VULNERABILITY] = { "vulnerability", "vulnerabilities", "xref-unknown-vulnerability",
				 "xref-duplicate-vulnerability", false, "VulnerabilityDb", NULL, NULL, NULL },
	[XREF_COMPONENT] = { "component", "components", "xref-unknown-component", NULL, true, "CycloneDxSbom", NULL,
			     NULL, NULL },
	[XREF_FILE] = { "file", "files", "xref-unknown-file", NULL, true, NULL, NULL, NULL, NULL },
	[XREF_KIND] = { "kind", "kinds", "xref-unknown-kind", NULL, true, NULL, NULL, NULL, NULL },
};

const char *xref_class_noun(enum xref_class class)
{
	return class_infos[class].noun;
}

/* ---- the table ---- */

#define SYMBOL_BLOCK_SIZE 256

struct xref_symbol_block {
	struct xref_symbol_block *next;
	size_t used;
	struct xref_symbol symbols[SYMBOL_BLOCK_SIZE];
};

void xref_table_init(struct xref_table *table)
{
	memset(table, 0, sizeof(*table));
	table->bucket_count = 256;
	table->buckets = xcalloc(table->bucket_count, sizeof(*table->buckets));
}

void xref_table_release(struct xref_table *table)
{
	while (table->blocks) {
		struct xref_symbol_block *next = table->blocks->next;
		free(table->blocks);
		table->blocks = next;
	}
	for (int class = 0; class < XREF_CLASS_COUNT; class++)
		free(table->class_symbols[class]);
	for (size_t i = 0; i < table->owned_name_count; i++)
		free(table->owned_names[i]);
	free(table->owned_names);
	free(table->buckets);
	memset(table, 0, sizeof(*table));
}

/* FNV-1a over class, scope and name. */
static uint64_t symbol_hash(enum xref_class class, const char *scope, const char *name)
{
	uint64_t hash = 14695981039346656037u;
	hash = (hash ^ (uint64_t)class) * 1099511628211u;
	for (const char *c = scope; *c; c++)
		hash = (hash ^ (unsigned char)*c) * 1099511628211u;
	hash = (hash ^ 0xff) * 1099511628211u; /* separates "ab"+"c" from "a"+"bc" */
	for (const char *c = name; *c; c++)
		hash = (hash ^ (unsigned char)*c) * 1099511628211u;
	return hash;
}

static void grow_buckets(struct xref_table *table)
{
	size_t new_count = table->bucket_count * 2;
	struct xref_symbol **new_buckets = xcalloc(new_count, sizeof(*new_buckets));
	for (size_t i = 0; i < table->bucket_count; i++) {
		struct xref_symbol *symbol = table->buckets[i];
		while (symbol) {
			struct xref_symbol *next = symbol->next_in_bucket;
			size_t bucket = symbol_hash(symbol->class, symbol->scope, symbol->name) & (new_count - 1);
			symbol->next_in_bucket = new_buckets[bucket];
			new_buckets[bucket] = symbol;
			symbol = next;
		}
	}
	free(table->buckets);
	table->buckets = new_buckets;
	table->bucket_count = new_count;
}

struct xref_symbol *xref_find(const struct xref_table *table, enum xref_class class, const char *scope,
			      const char *name)
{
	if (!scope)
		scope = "";
	if (!name)
		return NULL;
	size_t bucket = symbol_hash(class, scope, name) & (table->bucket_count - 1);
	for (struct xref_symbol *symbol = table->buckets[bucket]; symbol; symbol = symbol->next_in_bucket)
		if (symbol->class == class && strcmp(symbol->name, name) == 0 && strcmp(symbol->scope, scope) == 0)
			return symbol;
	return NULL;
}

struct xref_symbol *xref_define(struct xref_table *table, enum xref_class class, const char *scope,
				const struct model_name *name, const void *definition, struct diag_list *diags)
{
	if (!scope)
		scope = "";
	if (!name->text)
		return NULL;
	const struct class_info *info = &class_infos[class];
	struct xref_symbol *existing = xref_find(table, class, scope, name->text);
	if (existing) {
		if (!info->duplicates_allowed && diags) {
			struct diag *diag = diag_add(diags, DIAG_ERROR, info->duplicate_rule, name->location.file,
						     name->location.line, name->location.col, "duplicate %s '%s'",
						     info->noun, name->text);
			diag_add_related(diag, existing->location.file, existing->location.line, existing->location.col,
					 "'%s' is first defined here", name->text);
		}
		return NULL;
	}
	if (!table->blocks || table->blocks->used == SYMBOL_BLOCK_SIZE) {
		struct xref_symbol_block *block = xcalloc(1, sizeof(*block));
		block->next = table->blocks;
		table->blocks = block;
	}
	struct xref_symbol *symbol = &table->blocks->symbols[table->blocks->used++];
	symbol->class = class;
	symbol->scope = scope;
	symbol->name = name->text;
	symbol->location = name->location;
	symbol->definition = definition;
	if (table->symbol_count + 1 > table->bucket_count / 4 * 3)
		grow_buckets(table);
	size_t bucket = symbol_hash(class, scope, name->text) & (table->bucket_count - 1);
	symbol->next_in_bucket = table->buckets[bucket];
	table->buckets[bucket] = symbol;
	table->symbol_count++;
	ALLOC_GROW(table->class_symbols[class], table->class_count[class] + 1, table->class_alloc[class]);
	table->class_symbols[class][table->class_count[class]++] = symbol;
	return symbol;
}

/* A name the table computed (not borrowed from the model), freed with the table. */
static const char *own_name(struct xref_table *table, char *name)
{
	ALLOC_GROW(table->owned_names, table->owned_name_count + 1, table->owned_name_alloc);
	table->owned_names[table->owned_name_count++] = name;
	return name;
}

static bool in_scopes(const struct xref_symbol *symbol, const char *const *scopes, size_t scope_count)
{
	if (!scopes || scope_count == 0)
		return symbol->scope[0] == '\0';
	for (size_t i = 0; i < scope_count; i++)
		if (strcmp(symbol->scope, scopes[i] ? scopes[i] : "") == 0)
			return true;
	return false;
}

/* The candidates' names: what suggest_closest weighs. Caller frees the array. */
static const char **candidate_names(const struct xref_table *table, enum xref_class class, const char *const *scopes,
				    size_t scope_count, xref_filter *suggest, size_t *count)
{
	const char **names = xmalloc((table->class_count[class] + 1) * sizeof(*names));
	*count = 0;
	for (size_t i = 0; i < table->class_count[class]; i++) {
		const struct xref_symbol *symbol = table->class_symbols[class][i];
		if (in_scopes(symbol, scopes, scope_count) && (!suggest || suggest(symbol)))
			names[(*count)++] = symbol->name;
	}
	return names;
}

const struct xref_symbol *xref_suggest(const struct xref_table *table, enum xref_class class,
				       const char *const *scopes, size_t scope_count, xref_filter *suggest,
				       const char *name)
{
	size_t count;
	const char **names = candidate_names(table, class, scopes, scope_count, suggest, &count);
	const char *closest = suggest_closest(name, names, count);
	free(names);
	if (!closest)
		return NULL;
	if (!scopes || scope_count == 0)
		return xref_find(table, class, "", closest);
	for (size_t i = 0; i < scope_count; i++) {
		const struct xref_symbol *symbol = xref_find(table, class, scopes[i], closest);
		if (symbol)
			return symbol;
	}
	return NULL;
}

const struct xref_symbol *xref_report_unknown(const struct xref_table *table, enum xref_class class,
					      const char *const *scopes, size_t scope_count, xref_filter *suggest,
					      const char *rule, const struct model_name *reference, struct diag_list *diags)
{
	const struct class_info *info = &class_infos[class];
	struct diag *diag = diag_add(diags, DIAG_ERROR, rule, reference->location.file, reference->location.line,
				     reference->location.col, "unknown %s '%s'", info->noun, reference->text);
	const struct xref_symbol *closest = xref_suggest(table, class, scopes, scope_count, suggest, reference->text);
	if (closest) {
		diag_set_hint(diag, "did you mean '%s'?", closest->name);
		if (closest->location.line > 0)
			diag_add_related(diag, closest->location.file, closest->location.line, closest->location.col,
					 "'%s' is defined here", closest->name);
		return closest;
	}
	/* nothing close: list a short set of choices, or say there are none */
	size_t count;
	const char **names = candidate_names(table, class, scopes, scope_count, suggest, &count);
	if (count == 0) {
		diag_set_hint(diag, "no %s are defined", info->plural);
	} else if (count <= 5) {
		struct strbuf choices;
		strbuf_init(&choices);
		for (size_t i = 0; i < count; i++)
			strbuf_addf(&choices, "%s'%s'", i ? ", " : "", names[i]);
		diag_set_hint(diag, "expected one of %s", choices.buf);
		strbuf_release(&choices);
	}
	free(names);
	return NULL;
}

struct xref_symbol *xref_resolve(struct xref_table *table, enum xref_class class, const char *scope,
				 const struct model_name *reference, bool counts_as_use, xref_filter *suggest,
				 struct diag_list *diags)
{
	if (!reference->text)
		return NULL;
	struct xref_symbol *symbol = xref_find(table, class, scope, reference->text);
	if (symbol) {
		if (counts_as_use)
			symbol->use_count++;
		return symbol;
	}
	if (!table->incomplete[class] && class_infos[class].unknown_rule) {
		const char *scopes[1] = { scope };
		const struct xref_symbol *closest = xref_report_unknown(table, class, scope ? scopes : NULL, scope ? 1 : 0,
									suggest, class_infos[class].unknown_rule, reference,
									diags);
		/* the name meant is used, only misspelt: do not also call it unused */
		if (closest && counts_as_use)
			xref_find(table, class, closest->scope, closest->name)->use_count++;
	}
	return NULL;
}

/* ---- positions inside string values ---- */

/* Columns count characters: skip UTF-8 continuation bytes. */
static bool starts_character(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

struct model_location xref_location_inside(const char *source_text, size_t source_length,
					   const struct model_text *value, size_t index)
{
	struct model_location location = value->location;
	if (!source_text || value->offset >= source_length || !value->text)
		return location;
	const char *source = source_text + value->offset;
	const char *end = source_text + source_length;
	char quote = *source == '"' || *source == '\'' ? *source : '\0';
	if (*source == '|' || *source == '>')
		return location; /* block scalar: its text starts on a later line */
	const char *cursor = source + (quote ? 1 : 0);
	int column = location.col + (quote ? 1 : 0);
	size_t decoded = 0;
	while (decoded < index && cursor < end) {
		if (*cursor == '\n' || *cursor == '\r')
			return value->location;
		size_t width = 1; /* source bytes that decode to one byte of the value */
		if (quote == '"' && *cursor == '\\') {
			if (cursor + 1 >= end)
				return value->location;
			char escape = cursor[1];
			if (escape == 'u' || escape == 'x' || escape == 'U')
				return value->location; /* a multi-byte escape: give up being exact */
			width = 2;
		} else if (quote == '\'' && *cursor == '\'' && cursor + 1 < end && cursor[1] == '\'') {
			width = 2;
		}
		for (size_t k = 0; k < width; k++)
			column += starts_character(cursor[k]);
		cursor += width;
		decoded++;
	}
	location.col = column;
	return location;
}

/* ---- building the table ---- */

static void note_incomplete_classes(struct xref_table *table, const struct model *model)
{
	for (int class = 0; class < XREF_CLASS_COUNT; class++) {
		const char *kind = class_infos[class].defining_kind;
		table->incomplete[class] = kind && model_kind_incomplete(model, kind);
	}
}

static void define_rule_groups(struct xref_table *table, const char *scope, const struct model_name *name,
			       struct diag_list *diags)
{
	xref_define(table, XREF_RULE_GROUP, scope, name, NULL, diags);
}

/* The relative path a reference names, in the form the project keeps ("./a/b" -> "a/b"). */
static const char *normalized_path(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static void define_files(struct xref_table *table, const struct project *project)
{
	for (size_t i = 0; i < project->file_count; i++) {
		const struct project_file *file = &project->files[i];
		if (!file->kind)
			continue;
		struct model_name name = { file->relative_path, { file->path, 0, 0 } };
		xref_define(table, XREF_FILE, file->kind->name, &name, file, NULL);
	}
	for (size_t i = 0; i < project->kinds.count; i++) {
		struct model_name name = { project->kinds.kinds[i].name, { NULL, 0, 0 } };
		xref_define(table, XREF_KIND, NULL, &name, &project->kinds.kinds[i], NULL);
	}
}

/* Points a file symbol at the model struct read from it, so references by path reach it. */
static void attach_file_definition(struct xref_table *table, const struct project_file *source, const void *definition)
{
	struct xref_symbol *symbol = xref_find(table, XREF_FILE, source->kind->name, source->relative_path);
	if (symbol)
		symbol->definition = definition;
}

void xref_build(struct xref_table *table, const struct model *model, const struct project *project,
		struct diag_list *diags)
{
	note_incomplete_classes(table, model);
	define_files(table, project);

	for (size_t p = 0; p < model->project_count; p++) {
		const struct model_project *project_model = &model->projects[p];
		for (size_t i = 0; i < project_model->service_count; i++)
			xref_define(table, XREF_SERVICE, NULL, &project_model->services[i].name,
				    &project_model->services[i], diags);
		xref_define(table, XREF_KEY_ID, NULL, &project_model->signing_plans, NULL, NULL);
		xref_define(table, XREF_KEY_ID, NULL, &project_model->signing_evidence, NULL, NULL);
	}
	for (size_t f = 0; f < model->thresholds_count; f++)
		for (size_t i = 0; i < model->thresholds[f].threshold_count; i++)
			xref_define(table, XREF_THRESHOLD, NULL, &model->thresholds[f].thresholds[i].name,
				    &model->thresholds[f].thresholds[i], diags);
	for (size_t f = 0; f < model->recording_rules_count; f++) {
		const struct model_recording_rules *rules = &model->recording_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			define_rule_groups(table, rules->source->path, &rules->groups[g].name, diags);
			for (size_t r = 0; r < rules->groups[g].rule_count; r++)
				xref_define(table, XREF_RECORDING_RULE, NULL, &rules->groups[g].rules[r].record,
					    &rules->groups[g].rules[r], diags);
		}
	}
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *rules = &model->alert_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			define_rule_groups(table, rules->source->path, &rules->groups[g].name, diags);
			for (size_t a = 0; a < rules->groups[g].alert_count; a++)
				xref_define(table, XREF_ALERT, NULL, &rules->groups[g].alerts[a].name,
					    &rules->groups[g].alerts[a], diags);
		}
	}
	for (size_t d = 0; d < model->dashboard_count; d++)
		xref_define(table, XREF_DASHBOARD, NULL, &model->dashboards[d].uid, &model->dashboards[d], diags);
	for (size_t l = 0; l < model->load_test_count; l++) {
		const struct model_load_test *load_test = &model->load_tests[l];
		attach_file_definition(table, load_test->source, load_test);
		for (size_t i = 0; i < load_test->request_count; i++)
			xref_define(table, XREF_REQUEST, load_test->source->path, &load_test->requests[i].name,
				    &load_test->requests[i], diags);
		for (size_t i = 0; i < load_test->scenario_count; i++)
			xref_define(table, XREF_SCENARIO, load_test->source->path, &load_test->scenarios[i].name,
				    &load_test->scenarios[i], diags);
	}
	for (size_t b = 0; b < model->baseline_count; b++)
		attach_file_definition(table, model->baselines[b].source, &model->baselines[b]);
	for (size_t s = 0; s < model->stage_count; s++)
		xref_define(table, XREF_STAGE, NULL, &model->stages[s].name, &model->stages[s], diags);
	for (size_t m = 0; m < model->snapshot_manifest_count; m++) {
		const struct model_snapshot_manifest *manifest = &model->snapshot_manifests[m];
		xref_define(table, XREF_KEY_ID, NULL, &manifest->key_id, manifest, NULL);
		for (size_t i = 0; i < manifest->policy_count; i++)
			xref_define(table, XREF_SNAPSHOT_POLICY, NULL, &manifest->policies[i].name,
				    &manifest->policies[i], diags);
	}
	for (size_t f = 0; f < model->secret_rotation_count; f++)
		for (size_t i = 0; i < model->secret_rotations[f].secret_count; i++)
			xref_define(table, XREF_SECRET, NULL, &model->secret_rotations[f].secrets[i].name,
				    &model->secret_rotations[f].secrets[i], diags);
	for (size_t f = 0; f < model->compliance_rules_count; f++)
		for (size_t i = 0; i < model->compliance_rules[f].rule_count; i++)
			xref_define(table, XREF_COMPLIANCE_RULE, NULL, &model->compliance_rules[f].rules[i].id,
				    &model->compliance_rules[f].rules[i], diags);
	for (size_t f = 0; f < model->collection_rules_count; f++)
		for (size_t i = 0; i < model->collection_rules[f].item_count; i++)
			xref_define(table, XREF_EVIDENCE, NULL, &model->collection_rules[f].items[i].name,
				    &model->collection_rules[f].items[i], diags);
	for (size_t f = 0; f < model->evidence_template_count; f++)
		for (size_t i = 0; i < model->evidence_templates[f].control_count; i++)
			xref_define(table, XREF_CONTROL, NULL, &model->evidence_templates[f].controls[i].id,
				    &model->evidence_templates[f].controls[i], diags);
	for (size_t f = 0; f < model->vulnerability_db_count; f++) {
		const struct model_vulnerability_db *database = &model->vulnerability_dbs[f];
		attach_file_definition(table, database->source, database);
		const char *scope = database->source->relative_path;
		for (size_t i = 0; i < database->record_count; i++)
			xref_define(table, XREF_VULNERABILITY, scope, &database->records[i].id, &database->records[i],
				    diags);
		/* aliases after every id, so an alias never shadows an id; one alias may be shared */
		for (size_t i = 0; i < database->record_count; i++)
			for (size_t a = 0; a < database->records[i].aliases.count; a++)
				if (!xref_find(table, XREF_VULNERABILITY, scope, database->records[i].aliases.items[a].text))
					xref_define(table, XREF_VULNERABILITY, scope, &database->records[i].aliases.items[a],
						    &database->records[i], NULL);
	}
	struct strbuf purl;
	strbuf_init(&purl);
	for (size_t f = 0; f < model->sbom_count; f++) {
		const struct model_sbom *sbom = &model->sboms[f];
		attach_file_definition(table, sbom->source, sbom);
		for (size_t i = 0; i < sbom->component_count; i++) {
			const struct model_component *component = &sbom->components[i];
			if (!component->purl)
				continue;
			model_purl_without_version(component->purl, &purl);
			if (xref_find(table, XREF_COMPONENT, sbom->source->relative_path, purl.buf))
				continue;
			struct model_name name = { own_name(table, xstrdup(purl.buf)), component->location };
			xref_define(table, XREF_COMPONENT, sbom->source->relative_path, &name, component, NULL);
		}
	}
	strbuf_release(&purl);
}

/* ---- resolving ---- */

struct resolver {
	struct xref_table *table;
	const struct model *model;
	const struct project *project;
	struct diag_list *diags;
	/* load tests sorted by service and by target stage, for the baseline and stage lookups */
	const struct model_load_test **by_service, **by_stage;
};

static bool threshold_has_levels(const struct xref_symbol *symbol)
{
	return !((const struct model_threshold *)symbol->definition)->is_slo;
}

static bool threshold_is_slo(const struct xref_symbol *symbol)
{
	return ((const struct model_threshold *)symbol->definition)->is_slo;
}

enum threshold_type {
	THRESHOLD_ANY,
	THRESHOLD_LEVELS,
	THRESHOLD_SLO,
};

/* A threshold reference, checked for its type: `what` says who needs it ("a load-test
 * criterion") and `remedy` how to fix a mismatch. */
static const struct model_threshold *resolve_threshold(struct resolver *resolver, const struct model_name *reference,
							enum threshold_type type, bool counts_as_use, const char *what,
							const char *remedy)
{
	xref_filter *filter = type == THRESHOLD_LEVELS ? threshold_has_levels
			      : type == THRESHOLD_SLO  ? threshold_is_slo
						       : NULL;
	struct xref_symbol *symbol = xref_resolve(resolver->table, XREF_THRESHOLD, NULL, reference, counts_as_use,
						  filter, resolver->diags);
	if (!symbol)
		return NULL;
	const struct model_threshold *threshold = symbol->definition;
	if (type == THRESHOLD_ANY || (type == THRESHOLD_SLO) == threshold->is_slo)
		return threshold;
	struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-threshold-type", reference->location.file,
				     reference->location.line, reference->location.col,
				     "%s needs a %s threshold, but '%s' is %s threshold", what,
				     type == THRESHOLD_SLO ? "SLO" : "level", reference->text,
				     threshold->is_slo ? "an SLO" : "a level");
	if (remedy)
		diag_set_hint(diag, "%s", remedy);
	diag_add_related(diag, symbol->location.file, symbol->location.line, symbol->location.col,
			 "'%s' is defined here", symbol->name);
	return NULL;
}

static const char *kind_noun(const char *kind_name)
{
	if (strcmp(kind_name, "CycloneDxSbom") == 0)
		return "CycloneDX SBOM";
	if (strcmp(kind_name, "Baseline") == 0)
		return "baseline";
	if (strcmp(kind_name, "VulnerabilityDb") == 0)
		return "vulnerability database";
	return kind_name;
}

/* A path reference to a file of `kind_name`: the file's symbol, or NULL after a diagnostic. */
static const struct xref_symbol *resolve_file(struct resolver *resolver, const char *kind_name,
					       const struct model_name *reference)
{
	if (!reference->text)
		return NULL;
	const char *path = normalized_path(reference->text);
	const struct xref_symbol *symbol = xref_find(resolver->table, XREF_FILE, kind_name, path);
	if (symbol)
		return symbol;
	const struct project_file *other = project_file_at(resolver->project, path);
	const struct model_location *at = &reference->location;
	if (other) {
		struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-file-kind", at->file, at->line, at->col,
					     "'%s' is not a %s file", reference->text, kind_noun(kind_name));
		if (other->kind)
			diag_set_hint(diag, "goosec reads it as a %s file", other->kind->name);
		return NULL;
	}
	const char *scopes[1] = { kind_name };
	const struct xref_symbol *closest = xref_suggest(resolver->table, XREF_FILE, scopes, 1, NULL, path);
	struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-unknown-file", at->file, at->line, at->col,
				     "unknown %s file '%s'", kind_noun(kind_name), reference->text);
	if (closest)
		diag_set_hint(diag, "did you mean '%s'?", closest->name);
	else
		diag_set_hint(diag, "paths are relative to the tree root (the folder of goose.yaml)");
	return NULL;
}

static const struct model_service *resolve_service(struct resolver *resolver, const struct model_name *reference)
{
	struct xref_symbol *symbol =
		xref_resolve(resolver->table, XREF_SERVICE, NULL, reference, true, NULL, resolver->diags);
	return symbol ? symbol->definition : NULL;
}

/* Every expression is parsed (errors at their position inside the value), and every
 * recording-rule name (a metric name with ':') it selects must be defined. */
struct expression_use {
	struct resolver *resolver;
	const struct model_text *expr;
	const struct project_file *source;
	const char *self; /* the recording rule the expression defines: using itself is no use */
};

static void check_recording_name(const char *name, size_t offset, void *context)
{
	struct expression_use *use = context;
	if (!strchr(name, ':') || (use->self && strcmp(use->self, name) == 0))
		return;
	struct xref_symbol *symbol = xref_find(use->resolver->table, XREF_RECORDING_RULE, NULL, name);
	if (symbol) {
		symbol->use_count++;
		return;
	}
	struct model_name reference = {
		name,
		xref_location_inside(use->source->document.text, use->source->document.text_length, use->expr, offset),
	};
	xref_resolve(use->resolver->table, XREF_RECORDING_RULE, NULL, &reference, true, NULL, use->resolver->diags);
}

static void resolve_expression(struct resolver *resolver, const struct project_file *source,
			       const struct model_text *expr, const char *self, const char *subject_format, ...)
	__attribute__((format(printf, 5, 6)));
static void resolve_expression(struct resolver *resolver, const struct project_file *source,
			       const struct model_text *expr, const char *self, const char *subject_format, ...)
{
	if (!expr->text)
		return;
	va_list args;
	va_start(args, subject_format);
	char *subject = xvasprintf(subject_format, args);
	va_end(args);
	struct promql_expr parsed;
	promql_expr_init(&parsed);
	if (rulefile_check_expression(&parsed, expr, source->document.text, source->document.text_length, true, subject,
				      resolver->diags) == 0) {
		struct expression_use use = { resolver, expr, source, self };
		promql_metric_names(parsed.root, check_recording_name, &use);
	}
	promql_expr_release(&parsed);
	free(subject);
}

static void resolve_recording_rules(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t f = 0; f < model->recording_rules_count; f++) {
		const struct model_recording_rules *rules = &model->recording_rules[f];
		for (size_t g = 0; g < rules->group_count; g++)
			for (size_t r = 0; r < rules->groups[g].rule_count; r++) {
				const struct model_recording_rule *rule = &rules->groups[g].rules[r];
				resolve_expression(resolver, rules->source, &rule->expr, rule->record.text, "recording rule '%s'",
						   rule->record.text ? rule->record.text : "");
			}
	}
}

static void resolve_slo_selectors(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t f = 0; f < model->thresholds_count; f++)
		for (size_t i = 0; i < model->thresholds[f].threshold_count; i++) {
			const struct model_threshold *threshold = &model->thresholds[f].thresholds[i];
			const char *name = threshold->name.text ? threshold->name.text : "";
			resolve_expression(resolver, model->thresholds[f].source, &threshold->sli_errors, NULL,
					   "threshold '%s' sli.errors", name);
			resolve_expression(resolver, model->thresholds[f].source, &threshold->sli_total, NULL,
					   "threshold '%s' sli.total", name);
		}
}

static void resolve_alerts(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t f = 0; f < model->alert_rules_count; f++) {
		const struct model_alert_rules *rules = &model->alert_rules[f];
		for (size_t g = 0; g < rules->group_count; g++) {
			for (size_t a = 0; a < rules->groups[g].alert_count; a++) {
				const struct model_alert *alert = &rules->groups[g].alerts[a];
				resolve_threshold(resolver, &alert->threshold, THRESHOLD_LEVELS, true, "'threshold:'",
						  "name an SLO threshold with 'slo:' instead");
				resolve_threshold(resolver, &alert->slo, THRESHOLD_SLO, true, "'slo:'",
						  "name a level threshold with 'threshold:' instead");
				resolve_expression(resolver, rules->source, &alert->expr, NULL, "alert '%s'",
						   alert->name.text ? alert->name.text : "");
			}
		}
	}
}

static void resolve_dashboards(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t d = 0; d < model->dashboard_count; d++) {
		const struct model_dashboard *dashboard = &model->dashboards[d];
		resolve_service(resolver, &dashboard->service);
		for (size_t p = 0; p < dashboard->panel_count; p++) {
			const struct model_panel *panel = &dashboard->panels[p];
			resolve_threshold(resolver, &panel->threshold, THRESHOLD_ANY, false, NULL, NULL);
			for (size_t q = 0; q < panel->query_count; q++)
				resolve_expression(resolver, dashboard->source, &panel->queries[q].expr, NULL,
						   "panel '%s' query", panel->title ? panel->title : "");
		}
	}
}

static bool name_in_baseline(const struct model_baseline *baseline, const char *scenario)
{
	for (size_t i = 0; i < baseline->scenario_count; i++)
		if (strcmp(baseline->scenarios[i].name.text, scenario) == 0)
			return true;
	return false;
}

static void resolve_load_tests(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t l = 0; l < model->load_test_count; l++) {
		const struct model_load_test *load_test = &model->load_tests[l];
		const char *scope = load_test->source->path;
		resolve_service(resolver, &load_test->service);
		xref_resolve(resolver->table, XREF_STAGE, NULL, &load_test->target_stage, true, NULL, resolver->diags);
		for (size_t s = 0; s < load_test->scenario_count; s++) {
			const struct model_name_list *requests = &load_test->scenarios[s].requests;
			for (size_t r = 0; r < requests->count; r++)
				xref_resolve(resolver->table, XREF_REQUEST, scope, &requests->items[r], true, NULL,
					     resolver->diags);
		}
		for (size_t c = 0; c < load_test->criterion_count; c++) {
			const struct model_criterion *criterion = &load_test->criteria[c];
			resolve_threshold(resolver, &criterion->threshold, THRESHOLD_LEVELS, false, "a load-test criterion",
					  "load-test criteria compare against warning or critical levels");
			for (size_t r = 0; r < criterion->requests.count; r++)
				xref_resolve(resolver->table, XREF_REQUEST, scope, &criterion->requests.items[r], true, NULL,
					     resolver->diags);
			const struct xref_symbol *file = resolve_file(resolver, "Baseline", &criterion->baseline);
			const struct model_baseline *baseline = file ? file->definition : NULL;
			for (size_t s = 0; s < criterion->scenarios.count; s++) {
				const struct model_name *scenario = &criterion->scenarios.items[s];
				if (!xref_resolve(resolver->table, XREF_SCENARIO, scope, scenario, true, NULL, resolver->diags))
					continue;
				if (baseline && !name_in_baseline(baseline, scenario->text)) {
					struct diag *diag = diag_add(
						resolver->diags, DIAG_ERROR, "xref-scenario-not-in-baseline",
						scenario->location.file, scenario->location.line, scenario->location.col,
						"scenario '%s' has no results in baseline '%s'", scenario->text,
						criterion->baseline.text);
					diag_set_hint(diag, "record a baseline of the scenario, or drop it from the criterion");
				}
			}
		}
	}
}

static int compare_by_service(const void *a, const void *b)
{
	const struct model_load_test *left = *(const struct model_load_test *const *)a;
	const struct model_load_test *right = *(const struct model_load_test *const *)b;
	int order = strcmp(left->service.text ? left->service.text : "", right->service.text ? right->service.text : "");
	return order ? order : (left < right ? -1 : left > right);
}

static int compare_by_stage(const void *a, const void *b)
{
	const struct model_load_test *left = *(const struct model_load_test *const *)a;
	const struct model_load_test *right = *(const struct model_load_test *const *)b;
	int order = strcmp(left->target_stage.text ? left->target_stage.text : "",
			   right->target_stage.text ? right->target_stage.text : "");
	return order ? order : (left < right ? -1 : left > right);
}

/* The range of `sorted` whose service (or target stage) is `name`. */
static size_t load_tests_named(const struct model_load_test **sorted, size_t count, bool by_stage, const char *name,
			       const struct model_load_test ***first)
{
	size_t low = 0, high = count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct model_name *key = by_stage ? &sorted[middle]->target_stage : &sorted[middle]->service;
		if (strcmp(key->text ? key->text : "", name) < 0)
			low = middle + 1;
		else
			high = middle;
	}
	size_t end = low;
	while (end < count) {
		const struct model_name *key = by_stage ? &sorted[end]->target_stage : &sorted[end]->service;
		if (strcmp(key->text ? key->text : "", name) != 0)
			break;
		end++;
	}
	*first = sorted + low;
	return end - low;
}

/* Each scenario and request of a baseline must exist in the load test it records: the load
 * tests whose criteria name the baseline, else those of the baseline's service. */
static void resolve_baselines(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	size_t count = model->load_test_count;
	/* which load tests name each baseline, as a list per baseline (index into model->baselines) */
	const struct model_load_test **naming = xcalloc(model->baseline_count + 1, sizeof(*naming));
	for (size_t l = 0; l < count; l++) {
		const struct model_load_test *load_test = &model->load_tests[l];
		for (size_t c = 0; c < load_test->criterion_count; c++) {
			if (!load_test->criteria[c].baseline.text)
				continue;
			const struct xref_symbol *file = xref_find(resolver->table, XREF_FILE, "Baseline",
								   normalized_path(load_test->criteria[c].baseline.text));
			if (!file || !file->definition)
				continue;
			size_t index = (size_t)((const struct model_baseline *)file->definition - model->baselines);
			if (index < model->baseline_count && !naming[index])
				naming[index] = load_test;
		}
	}
	const char **scopes = xmalloc((count + 1) * sizeof(*scopes));
	for (size_t b = 0; b < model->baseline_count; b++) {
		const struct model_baseline *baseline = &model->baselines[b];
		const struct model_service *baseline_service = resolve_service(resolver, &baseline->service);
		xref_resolve(resolver->table, XREF_STAGE, NULL, &baseline->stage, true, NULL, resolver->diags);
		size_t scope_count = 0;
		if (naming[b]) {
			scopes[scope_count++] = naming[b]->source->path;
			const struct model_name *service = &baseline->service;
			/* a misspelt service is reported once, as unknown */
			if (baseline_service && naming[b]->service.text && strcmp(service->text, naming[b]->service.text) != 0) {
				struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-baseline-service",
							     service->location.file, service->location.line,
							     service->location.col,
							     "baseline is for service '%s', but the load test that uses it tests '%s'",
							     service->text, naming[b]->service.text);
				diag_add_related(diag, naming[b]->service.location.file, naming[b]->service.location.line,
						 naming[b]->service.location.col, "the load test names '%s' here",
						 naming[b]->service.text);
			}
		} else if (baseline->service.text) {
			const struct model_load_test **first;
			size_t found = load_tests_named(resolver->by_service, count, false, baseline->service.text, &first);
			for (size_t i = 0; i < found; i++)
				scopes[scope_count++] = first[i]->source->path;
		}
		if (scope_count == 0 || model_kind_incomplete(model, "LoadTest"))
			continue; /* no load test to compare with */
		for (size_t s = 0; s < baseline->scenario_count; s++) {
			const struct model_scenario_result *scenario = &baseline->scenarios[s];
			bool found = false;
			for (size_t i = 0; i < scope_count && !found; i++)
				found = xref_find(resolver->table, XREF_SCENARIO, scopes[i], scenario->name.text) != NULL;
			if (!found)
				xref_report_unknown(resolver->table, XREF_SCENARIO, scopes, scope_count, NULL,
						    "xref-unknown-scenario", &scenario->name, resolver->diags);
			for (size_t r = 0; r < scenario->request_count; r++) {
				const struct model_name *request = &scenario->requests[r].name;
				bool request_found = false;
				for (size_t i = 0; i < scope_count && !request_found; i++)
					request_found = xref_find(resolver->table, XREF_REQUEST, scopes[i], request->text) != NULL;
				if (!request_found)
					xref_report_unknown(resolver->table, XREF_REQUEST, scopes, scope_count, NULL,
							    "xref-unknown-request", request, resolver->diags);
			}
		}
	}
	free(scopes);
	free(naming);
}

/* tests.loadtest.scenarios name scenarios of the load tests that target the stage; when none
 * targets it, of the load tests of the services deployed there (a run can point a load test
 * at any stage). */
static void resolve_stage_tests(struct resolver *resolver, const struct model_stage *stage)
{
	if (!stage->test_scenarios.count || !stage->name.text || model_kind_incomplete(resolver->model, "LoadTest"))
		return;
	size_t count = resolver->model->load_test_count;
	const char **scopes = xmalloc((count + 1) * sizeof(*scopes));
	size_t scope_count = 0;
	const struct model_load_test **first;
	size_t found = load_tests_named(resolver->by_stage, count, true, stage->name.text, &first);
	for (size_t i = 0; i < found; i++)
		scopes[scope_count++] = first[i]->source->path;
	if (scope_count == 0) {
		for (size_t l = 0; l < count; l++) {
			const struct model_load_test *load_test = &resolver->model->load_tests[l];
			bool deployed = stage->services.count == 0;
			for (size_t s = 0; s < stage->services.count && !deployed && load_test->service.text; s++)
				deployed = strcmp(stage->services.items[s].text, load_test->service.text) == 0;
			if (deployed)
				scopes[scope_count++] = load_test->source->path;
		}
	}
	if (scope_count == 0) {
		struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-stage-without-loadtest",
					     stage->tests_location.file, stage->tests_location.line,
					     stage->tests_location.col,
					     "stage '%s' runs load-test scenarios, but no load test targets it or tests its services",
					     stage->name.text);
		diag_set_hint(diag, "add a load test under load-test/config/ with 'target: { stage: %s }'", stage->name.text);
		free(scopes);
		return;
	}
	for (size_t s = 0; s < stage->test_scenarios.count; s++) {
		const struct model_name *scenario = &stage->test_scenarios.items[s];
		struct xref_symbol *symbol = NULL;
		for (size_t i = 0; i < scope_count && !symbol; i++)
			symbol = xref_find(resolver->table, XREF_SCENARIO, scopes[i], scenario->text);
		if (symbol)
			symbol->use_count++;
		else
			xref_report_unknown(resolver->table, XREF_SCENARIO, scopes, scope_count, NULL, "xref-unknown-scenario",
					    scenario, resolver->diags);
	}
	free(scopes);
}

static void resolve_stages(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t s = 0; s < model->stage_count; s++) {
		const struct model_stage *stage = &model->stages[s];
		for (size_t i = 0; i < stage->services.count; i++)
			resolve_service(resolver, &stage->services.items[i]);
		xref_resolve(resolver->table, XREF_SNAPSHOT_POLICY, NULL, &stage->snapshot_policy, true, NULL,
			     resolver->diags);
		xref_resolve(resolver->table, XREF_STAGE, NULL, &stage->loadtest_from_stage, true, NULL, resolver->diags);
		for (size_t g = 0; g < stage->gate_threshold_count; g++)
			resolve_threshold(resolver, &stage->gate_thresholds[g].threshold, THRESHOLD_LEVELS, false,
					  "a load-test gate", "load-test gates compare against warning or critical levels");
		resolve_stage_tests(resolver, stage);
	}
}

static void resolve_security(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t p = 0; p < model->project_count; p++)
		for (size_t i = 0; i < model->projects[p].service_count; i++)
			resolve_file(resolver, "CycloneDxSbom", &model->projects[p].services[i].sbom);
	for (size_t f = 0; f < model->snapshot_validation_count; f++)
		for (size_t i = 0; i < model->snapshot_validations[f].policy_count; i++)
			xref_resolve(resolver->table, XREF_SNAPSHOT_POLICY, NULL, &model->snapshot_validations[f].policies[i].policy,
				     false, NULL, resolver->diags);
	for (size_t f = 0; f < model->secret_rotation_count; f++)
		for (size_t i = 0; i < model->secret_rotations[f].secret_count; i++) {
			const struct model_name_list *used_by = &model->secret_rotations[f].secrets[i].used_by;
			for (size_t u = 0; u < used_by->count; u++)
				resolve_service(resolver, &used_by->items[u]);
		}
	for (size_t f = 0; f < model->compliance_rules_count; f++)
		for (size_t i = 0; i < model->compliance_rules[f].rule_count; i++) {
			const struct model_compliance_rule *rule = &model->compliance_rules[f].rules[i];
			for (size_t c = 0; c < rule->controls.count; c++)
				xref_resolve(resolver->table, XREF_CONTROL, NULL, &rule->controls.items[c], true, NULL,
					     resolver->diags);
			xref_resolve(resolver->table, XREF_KIND, NULL, &rule->kind, true, NULL, resolver->diags);
		}
	for (size_t f = 0; f < model->evidence_template_count; f++)
		for (size_t i = 0; i < model->evidence_templates[f].control_count; i++) {
			const struct model_name_list *evidence = &model->evidence_templates[f].controls[i].evidence;
			for (size_t e = 0; e < evidence->count; e++)
				xref_resolve(resolver->table, XREF_EVIDENCE, NULL, &evidence->items[e], true, NULL,
					     resolver->diags);
		}
}

/* The SBOM file of a service, or NULL (no SBOM, or it does not resolve). */
static const char *service_sbom_scope(struct resolver *resolver, const struct model_service *service)
{
	if (!service || !service->sbom.text)
		return NULL;
	const struct xref_symbol *file =
		xref_find(resolver->table, XREF_FILE, "CycloneDxSbom", normalized_path(service->sbom.text));
	return file ? file->name : NULL;
}

static void resolve_waiver_component(struct resolver *resolver, const struct model_sbom_enrichment *enrichment,
				     const struct model_waiver *waiver, const struct model_service *service)
{
	if (!waiver->component.text || model_kind_incomplete(resolver->model, "CycloneDxSbom"))
		return;
	const char **scopes = xmalloc((enrichment->sbom_count + 1) * sizeof(*scopes));
	size_t scope_count = 0;
	if (waiver->service.text) {
		const char *scope = service_sbom_scope(resolver, service);
		if (scope)
			scopes[scope_count++] = scope;
	} else {
		/* no service: the component may be in any enriched SBOM */
		for (size_t s = 0; s < enrichment->sbom_count; s++) {
			const struct xref_symbol *symbol =
				xref_find(resolver->table, XREF_SERVICE, NULL, enrichment->sboms[s].service.text);
			const char *scope = symbol ? service_sbom_scope(resolver, symbol->definition) : NULL;
			if (scope)
				scopes[scope_count++] = scope;
		}
	}
	if (scope_count) {
		struct strbuf purl;
		strbuf_init(&purl);
		model_purl_without_version(waiver->component.text, &purl);
		bool found = false;
		for (size_t i = 0; i < scope_count && !found; i++)
			found = xref_find(resolver->table, XREF_COMPONENT, scopes[i], purl.buf) != NULL;
		if (!found) {
			struct model_name reference = { waiver->component.text, waiver->component.location };
			xref_report_unknown(resolver->table, XREF_COMPONENT, scopes, scope_count, NULL,
					    "xref-unknown-component", &reference, resolver->diags);
		}
		strbuf_release(&purl);
	}
	free(scopes);
}

static void resolve_enrichment(struct resolver *resolver)
{
	const struct model *model = resolver->model;
	for (size_t f = 0; f < model->sbom_enrichment_count; f++) {
		const struct model_sbom_enrichment *enrichment = &model->sbom_enrichments[f];
		for (size_t s = 0; s < enrichment->sbom_count; s++) {
			const struct model_name *reference = &enrichment->sboms[s].service;
			const struct model_service *service = resolve_service(resolver, reference);
			if (service && !service->sbom.text) {
				struct diag *diag = diag_add(resolver->diags, DIAG_ERROR, "xref-service-without-sbom",
							     reference->location.file, reference->location.line,
							     reference->location.col, "service '%s' has no 'sbom' to enrich",
							     reference->text);
				diag_set_hint(diag, "give the service an 'sbom:' path in goose.yaml");
				diag_add_related(diag, service->name.location.file, service->name.location.line,
						 service->name.location.col, "'%s' is defined here", service->name.text);
			}
		}
		const struct xref_symbol *database = resolve_file(resolver, "VulnerabilityDb", &enrichment->database);
		for (size_t w = 0; w < enrichment->waiver_count; w++) {
			const struct model_waiver *waiver = &enrichment->waivers[w];
			if (database && database->definition)
				xref_resolve(resolver->table, XREF_VULNERABILITY, database->name, &waiver->id, true, NULL,
					     resolver->diags);
			const struct model_service *service = resolve_service(resolver, &waiver->service);
			if (waiver->service.text && !service)
				continue;
			resolve_waiver_component(resolver, enrichment, waiver, service);
		}
	}
}

void xref_resolve_all(struct xref_table *table, const struct model *model, const struct project *project,
		      struct diag_list *diags)
{
	struct resolver resolver = { table, model, project, diags, NULL, NULL };
	size_t count = model->load_test_count;
	resolver.by_service = xmalloc((count + 1) * sizeof(*resolver.by_service));
	resolver.by_stage = xmalloc((count + 1) * sizeof(*resolver.by_stage));
	for (size_t l = 0; l < count; l++)
		resolver.by_service[l] = resolver.by_stage[l] = &model->load_tests[l];
	qsort(resolver.by_service, count, sizeof(*resolver.by_service), compare_by_service);
	qsort(resolver.by_stage, count, sizeof(*resolver.by_stage), compare_by_stage);

	for (size_t f = 0; f < model->thresholds_count; f++)
		for (size_t i = 0; i < model->thresholds[f].threshold_count; i++)
			resolve_service(&resolver, &model->thresholds[f].thresholds[i].service);
	resolve_alerts(&resolver);
	resolve_recording_rules(&resolver);
	resolve_slo_selectors(&resolver);
	resolve_dashboards(&resolver);
	resolve_load_tests(&resolver);
	resolve_baselines(&resolver);
	resolve_stages(&resolver);
	resolve_security(&resolver);
	resolve_enrichment(&resolver);

	free(resolver.by_service);
	free(resolver.by_stage);
}

void xref_report_unused(const struct xref_table *table, const struct model *model, struct diag_list *diags)
{
	for (int class = 0; class < XREF_CLASS_COUNT; class++) {
		const struct class_info *info = &class_infos[class];
		if (!info->unused_rule || model_kind_incomplete(model, info->using_kind))
			continue;
		for (size_t i = 0; i < table->class_count[class]; i++) {
			const struct xref_symbol *symbol = table->class_symbols[class][i];
			if (symbol->use_count)
				continue;
			diag_add(diags, DIAG_WARNING, info->unused_rule, symbol->location.file, symbol->location.line,
				 symbol->location.col, "%s '%s' %s", info->noun, symbol->name, info->unused_message);
		}
	}
}
