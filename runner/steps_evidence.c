/* evidence.collect: a signed evidence bundle of what this run produced (promotions) or of a
 * load-test run's report files (store), with retention after each store; the gates that read
 * evidence (rollback_tested, evidence_complete) and the record of a successful rollback. */
#include "steps.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto.h"
#include "evidence.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

#define STEPS_EVIDENCE_BUNDLE_NAME "evidence.bundle"

static enum steps_outcome fail(char **error, char *message)
{
	*error = message;
	return STEPS_FAILED;
}

/* The name a key file carries: "audit-2026q4" for ".../audit-2026q4.key" (what `goosec keygen
 * --name` writes), or NULL when the file name does not end in ".key". Caller frees. */
static char *key_file_name(const char *path)
{
	bool has_suffix;
	char *name = signing_key_name_from_path(path, &has_suffix);
	if (!has_suffix) {
		free(name);
		return NULL;
	}
	return name;
}

/* The evidence key, or none for an unsigned plan the operator allowed (--allow-unsigned: the
 * runner only runs an unsigned plan then). A signed plan never gets an unsigned bundle. When
 * the plan names the evidence key (goose.yaml's signing.evidence, args.signing_key) and the key
 * file carries a name, they must agree, as goosec checks --sign-key-name for plans. */
static int load_key(struct steps_context *context, const json_t *args, struct signing_key *key, bool *has_key,
		    char **error)
{
	*has_key = false;
	if (!context->evidence_key_path) {
		if (context->plan->envelope.signature_count == 0)
			return 0;
		*error = xstrdup("evidence.collect needs the evidence signing key: pass --evidence-key FILE or set "
				 "GOOSE_EVIDENCE_KEY_FILE");
		return -1;
	}
	const char *expected = json_string_value(json_object_get(args, "signing_key"));
	char *name = key_file_name(context->evidence_key_path);
	if (expected && name && strcmp(expected, name) != 0) {
		*error = xasprintf("the evidence key '%s' is named '%s' but the plan signs evidence with '%s' (goose.yaml "
				   "signing.evidence): pass that key with --evidence-key",
				   context->evidence_key_path, name, expected);
		free(name);
		return -1;
	}
	free(name);
	char *pem;
	size_t length;
	if (read_file_bytes(context->evidence_key_path, 1 << 16, &pem, &length) != 0) {
		*error = xasprintf("cannot read the evidence key '%s': %s", context->evidence_key_path, strerror(errno));
		return -1;
	}
	char *reason = NULL;
	int status = signing_key_read_private_pem(key, pem, length, &reason);
	crypto_wipe(pem, length);
	free(pem);
	if (status != 0) {
		*error = xasprintf("evidence key '%s': %s", context->evidence_key_path, reason);
		free(reason);
		return -1;
	}
	*has_key = true;
	return 0;
}

/* {keep_last, max_age_ms} applied to `dir`, never removing `keep`; removed names go to detail. */
static int apply_retention(struct steps_context *context, const json_t *retention, const char *dir, const char *suffix,
			   const char *keep, json_t *detail, char **error)
{
	if (!json_is_object(retention))
		return 0;
	long long keep_last = (long long)json_integer_value(json_object_get(retention, "keep_last"));
	long long max_age_ms = (long long)json_integer_value(json_object_get(retention, "max_age_ms"));
	json_t *removed = json_array();
	int count = evidence_retention_apply(dir, suffix, keep_last, max_age_ms / 1000, context->now, keep, removed, error);
	if (count > 0)
		json_object_set_new(detail, "retention_removed", removed);
	else
		json_decref(removed);
	return count < 0 ? -1 : 0;
}

static void describe(json_t *detail, const struct evidence_bundle *bundle, const char *path, const struct signing_key *key)
{
	json_object_set_new(detail, "bundle", json_string(path));
	json_object_set_new(detail, "items", json_integer((json_int_t)bundle->item_count));
	json_object_set_new(detail, "chain_head", json_string(bundle->chain_head));
	json_object_set_new(detail, "key_id", key ? json_string(key->key_id) : json_null());
	json_object_set_new(detail, "complete", json_boolean(evidence_bundle_complete(bundle)));
	json_t *controls = json_object();
	for (size_t c = 0; c < bundle->control_count; c++)
		json_object_set_new(controls, bundle->controls[c].id, json_boolean(evidence_control_complete(bundle, c)));
	json_object_set_new(detail, "controls", controls);
	json_t *missing = json_array();
	for (size_t i = 0; i < bundle->missing_count; i++)
		json_array_append_new(missing, json_pack("{s:s,s:s}", "evidence", bundle->missing[i].evidence, "reason",
							 bundle->missing[i].reason));
	json_object_set_new(detail, "missing", missing);
}

static void bundle_for_run(struct steps_context *context, struct evidence_bundle *bundle, const json_t *args)
{
	const char *framework = json_string_value(json_object_get(args, "framework"));
	const char *stage = json_string_value(json_object_get(args, "stage"));
	bundle->framework = framework ? xstrdup(framework) : NULL;
	bundle->workflow = xstrdup(context->plan->workflow);
	bundle->stage = xstrdup(stage ? stage : context->plan->stage);
	bundle->run_id = context->run_id ? xstrdup(context->run_id) : NULL;
	bundle->plan_digest = xstrdup(context->plan->digest);
	bundle->created = context->now;
}

/* Store shape {dir, layout, items:[NAME], stage}: every report file of DIR/<run> as evidence. */
static enum steps_outcome store_reports(struct steps_context *context, const json_t *args, const struct signing_key *key,
					json_t *detail, char **error)
{
	const char *dir = json_string_value(json_object_get(args, "dir"));
	const char *layout = json_string_value(json_object_get(args, "layout"));
	const char *evidence = json_string_value(json_array_get(json_object_get(args, "items"), 0));
	if (!dir || !*dir || !evidence || !context->run_id)
		return fail(error, xstrdup("evidence.collect (store) needs 'dir' and 'items'"));
	if (strstr(dir, "..") || (layout && strstr(layout, "..")))
		return fail(error, xasprintf("evidence.collect: '%s' leaves the tree", dir));
	char *reports = steps_tree_path(context, dir);
	char *run_reports = xasprintf("%s/%s", reports, context->run_id);
	/* the layout names the primary report: "{run}/report.json" */
	const char *primary = layout && strrchr(layout, '/') ? strrchr(layout, '/') + 1 : "report.json";
	char *primary_path = xasprintf("%s/%s", run_reports, primary);
	char *bundle_path = xasprintf("%s/%s", run_reports, STEPS_EVIDENCE_BUNDLE_NAME);
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	enum steps_outcome outcome = STEPS_FAILED;
	struct stat info;
	if (stat(primary_path, &info) != 0 || !S_ISREG(info.st_mode)) {
		*error = xasprintf("no report to store: '%s' does not exist", primary_path);
		goto out;
	}
	bundle_for_run(context, &bundle, args);
	/* each file of the run's report folder but the bundle itself, in name order */
	struct dirent **entries;
	int count = scandir(run_reports, &entries, NULL, alphasort);
	if (count < 0) {
		*error = xasprintf("cannot read '%s': %s", run_reports, strerror(errno));
		goto out;
	}
	int status = 0;
	for (int i = 0; i < count; i++) {
		const char *name = entries[i]->d_name;
		char *path = xasprintf("%s/%s", run_reports, name);
		if (status == 0 && name[0] != '.' && strcmp(name, STEPS_EVIDENCE_BUNDLE_NAME) != 0 && stat(path, &info) == 0 &&
		    S_ISREG(info.st_mode)) {
			char *data;
			size_t length;
			if (read_file_bytes(path, EVIDENCE_MAX_ITEM_SIZE, &data, &length) != 0) {
				*error = xasprintf("cannot read '%s': %s", path, strerror(errno));
				status = -1;
			} else {
				char *item_name = xasprintf("%s/%s", evidence, name);
				char *source = xasprintf("report:%s/%s/%s", dir, context->run_id, name);
				evidence_bundle_add_item(&bundle, evidence, item_name, evidence_media_type(name), source, data, length);
				free(item_name);
				free(source);
				free(data);
			}
		}
		free(path);
		free(entries[i]);
	}
	free(entries);
	if (status != 0 || evidence_bundle_write_file(&bundle, key, bundle_path, error) != 0)
		goto out;
	describe(detail, &bundle, bundle_path, key);
	if (apply_retention(context, json_object_get(args, "retention"), reports, "", context->run_id, detail, error) != 0)
		goto out;
	outcome = STEPS_DONE;
out:
	evidence_bundle_release(&bundle);
	free(bundle_path);
	free(primary_path);
	free(run_reports);
	free(reports);
	return outcome;
}

/* The journal of the stage's last successful rollback (the registry's last_rollback {plan,
 * run}), read and verified into *drill: its run id, or NULL when there is none. A drill whose
 * journal cannot be read is noted in the detail and not used. */
static const char *load_drill(struct steps_context *context, const char *stage, struct journal *drill, json_t *detail)
{
	const json_t *record = json_object_get(state_stage(context->state, stage, false), "last_rollback");
	const char *plan = json_string_value(json_object_get(record, "plan"));
	const char *run = json_string_value(json_object_get(record, "run"));
	if (!plan || !run || strncmp(plan, "sha256:", 7) != 0 || !plan_format_is_plain_name(plan + 7))
		return NULL;
	char *relative = xasprintf("runs/%s/journal", plan + 7);
	char *path = state_path(context->state, relative);
	char *error = NULL;
	const char *found = NULL;
	if (journal_load(drill, path, plan, &error) == 0)
		found = run;
	else
		json_object_set_new(detail, "drill", json_pack("{s:s,s:s}", "run", run, "journal_error", error ? error : "?"));
	free(error);
	free(path);
	free(relative);
	return found;
}

/* Promotion shape {framework, controls, items:{NAME:{from,...}}, stage, build_dir, retention,
 * services, signing_key}. */
static enum steps_outcome collect_run(struct steps_context *context, const json_t *args, const struct signing_key *key,
				      json_t *detail, char **error)
{
	const json_t *items = json_object_get(args, "items");
	if (!json_is_object(items))
		return fail(error, xstrdup("evidence.collect needs 'items' (the collection rules)"));
	const char *stage = json_string_value(json_object_get(args, "stage"));
	stage = stage ? stage : context->plan->stage;
	if (!context->run_id || !plan_format_is_plain_name(stage))
		return fail(error, xstrdup("evidence.collect needs a plain 'stage' name and a run id"));
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	bundle_for_run(context, &bundle, args);
	size_t index;
	const json_t *control;
	json_array_foreach(json_object_get(args, "controls"), index, control) {
		const char *id = json_string_value(json_object_get(control, "id"));
		const json_t *needs = json_object_get(control, "evidence");
		size_t count = json_array_size(needs);
		const char **names = xcalloc(count + 1, sizeof(*names));
		for (size_t e = 0; e < count; e++)
			names[e] = json_string_value(json_array_get(needs, e)) ? json_string_value(json_array_get(needs, e)) : "";
		evidence_bundle_add_control(&bundle, id ? id : "", names, count);
		free(names);
	}
	const char *build_relative = json_string_value(json_object_get(args, "build_dir"));
	char *build_dir = steps_tree_path(context, build_relative ? build_relative : "build");
	char *plan_source = xasprintf("runs/%s/plan", context->plan->digest + 7);
	/* {release}: a promotion collects before its swap, so the release is the source stage's */
	const char *from_stage = json_string_value(json_object_get(context->plan->payload, "from_stage"));
	const char *release = state_stage_release_version(context->state, from_stage ? from_stage : stage);
	/* {service}: the services the plan names for the stage (plans built before list none: any) */
	const json_t *service_list = json_object_get(args, "services");
	size_t service_count = json_array_size(service_list);
	const char **services = json_is_array(service_list) ? xcalloc(service_count + 1, sizeof(*services)) : NULL;
	for (size_t i = 0; services && i < service_count; i++) {
		const char *service = json_string_value(json_array_get(service_list, i));
		if (!service || !plan_format_is_plain_name(service)) {
			free(services);
			evidence_bundle_release(&bundle);
			return fail(error, xasprintf("evidence.collect: services[%zu] is not a plain service name", i));
		}
		services[i] = service;
	}
	struct journal drill;
	journal_init(&drill);
	const char *drill_run_id = load_drill(context, stage, &drill, detail);
	struct evidence_sources sources = {
		.services = services,
		.service_count = service_count,
		.drill_journal_records = drill_run_id ? drill.records : NULL,
		.drill_run_id = drill_run_id,
		.tree_root = context->root,
		.build_dir = build_dir,
		.run_dir = context->run_dir,
		.plan_bytes = context->plan->envelope_bytes,
		.plan_length = context->plan->envelope_length,
		.plan_source = plan_source,
		.journal_records = context->journal->records,
		.run_id = context->run_id,
		.stage = stage,
		.release = release,
	};
	char *relative = xasprintf("evidence/%s", stage);
	char *dir = state_path(context->state, relative);
	char *file_name = xasprintf("%s.bundle", context->run_id);
	char *path = xasprintf("%s/%s", dir, file_name);
	enum steps_outcome outcome = STEPS_FAILED;
	if (evidence_collect(&bundle, items, &sources, error) != 0)
		goto out;
	if (state_make_directories(dir) != 0) {
		*error = xasprintf("cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (evidence_bundle_write_file(&bundle, key, path, error) != 0)
		goto out;
	describe(detail, &bundle, path, key);
	if (apply_retention(context, json_object_get(args, "retention"), dir, ".bundle", file_name, detail, error) != 0)
		goto out;
	outcome = STEPS_DONE;
out:
	free(path);
	free(file_name);
	free(dir);
	free(relative);
	free(plan_source);
	free(build_dir);
	free(services);
	journal_release(&drill);
	evidence_bundle_release(&bundle);
	return outcome;
}

enum steps_outcome steps_evidence_collect(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	struct signing_key key;
	signing_key_init(&key);
	bool has_key;
	if (load_key(context, args, &key, &has_key, error) != 0)
		return STEPS_FAILED;
	if (!has_key)
		json_object_set_new(detail, "unsigned", json_true());
	enum steps_outcome outcome = json_is_array(json_object_get(args, "items"))
					     ? store_reports(context, args, has_key ? &key : NULL, detail, error)
					     : collect_run(context, args, has_key ? &key : NULL, detail, error);
	signing_key_release(&key);
	return outcome;
}

int steps_evidence_precheck(struct steps_context *context, char **error)
{
	/* without a key the step itself says how to pass one: a run may get it at resume */
	if (!context->evidence_key_path)
		return 0;
	size_t index;
	const json_t *step;
	json_array_foreach(context->plan->steps, index, step) {
		if (strcmp(plan_reader_step_action(step), "evidence.collect") != 0)
			continue;
		struct signing_key key;
		signing_key_init(&key);
		bool has_key;
		int status = load_key(context, json_object_get(step, "args"), &key, &has_key, error);
		signing_key_release(&key);
		if (status != 0)
			return -1;
	}
	return 0;
}

/* ---- gates and the rollback record ---- */

bool steps_gate_rollback_tested(struct steps_context *context, const json_t *gate, char **reason)
{
	const char *stage = context->plan->stage;
	json_t *entry = state_stage(context->state, stage, false);
	const json_t *within = json_object_get(gate, "within_ms");
	long long within_seconds = json_is_integer(within) ? (long long)(json_integer_value(within) / 1000) : 0;
	if (state_stage_generation(context->state, stage) == 0) {
		/* nothing was ever deployed there: there is no release to roll back to yet */
		*reason = xasprintf("stage '%s' has no release yet: no rollback to drill", stage);
		return true;
	}
	const json_t *drill = json_object_get(entry, "last_rollback");
	const json_t *time = json_object_get(drill, "time");
	if (!json_is_integer(time)) {
		*reason = xasprintf("no successful rollback of stage '%s' is recorded (run its rollback plan as a drill)", stage);
		return false;
	}
	long long age = (long long)(context->now - json_integer_value(time));
	if (within_seconds > 0 && age > within_seconds) {
		*reason = xasprintf("the last successful rollback of stage '%s' was %lld days ago, the gate wants one within %lld days",
				    stage, age / 86400, within_seconds / 86400);
		return false;
	}
	*reason = xasprintf("stage '%s' was rolled back successfully %lld hours ago", stage, age / 3600);
	return true;
}

bool steps_gate_evidence_complete(struct steps_context *context, const json_t *gate, char **reason)
{
	const json_t *found = NULL;
	size_t index;
	const json_t *record;
	json_array_foreach(context->journal->records, index, record) {
		const char *kind = json_string_value(json_object_get(record, "kind"));
		const json_t *detail = json_object_get(record, "detail");
		if (kind && strcmp(kind, "done") == 0 && json_is_boolean(json_object_get(detail, "complete")) &&
		    json_is_string(json_object_get(detail, "chain_head")))
			found = detail;
	}
	if (!found) {
		*reason = xstrdup("no evidence bundle was collected in this run");
		return false;
	}
	if (json_is_true(json_object_get(found, "complete")))
		return true;
	struct strbuf missing;
	strbuf_init(&missing);
	const json_t *item;
	json_array_foreach(json_object_get(found, "missing"), index, item)
		strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", json_string_value(json_object_get(item, "evidence")));
	*reason = xasprintf("evidence is incomplete: missing %s", missing.len ? missing.buf : "some items");
	strbuf_release(&missing);
	return false;
}

int steps_record_rollback(struct steps_context *context, char **error)
{
	if (strcmp(context->plan->workflow, "rollback") != 0)
		return 0;
	json_t *entry = state_stage(context->state, context->plan->stage, true);
	json_object_set_new(entry, "last_rollback", json_pack("{s:I,s:s,s:s?}", "time", (json_int_t)context->now, "plan",
							      context->plan->digest, "run", context->run_id));
	return state_registry_save(context->state, error);
}
