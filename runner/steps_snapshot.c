/* snapshot.create and snapshot.restore through the snapshot store: a labelled recovery point
 * per plan step (so a re-run finds it instead of taking another), restores into a staging dir. */
#include "steps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "banned.h"

static enum steps_outcome fail(char **error, char *message)
{
	*error = message;
	return STEPS_FAILED;
}

static bool need_key(struct steps_context *context, const char *action, char **error)
{
	if (context->snapshot_key)
		return true;
	*error = xasprintf("%s needs the snapshot master key: pass --snapshot-key FILE or set GOOSE_SNAPSHOT_KEY_FILE", action);
	return false;
}

/* "stage=S purpose=P plan=HEX16 step=ID": what a later restore selects by. */
static char *snapshot_label(struct steps_context *context, const char *stage, const char *purpose, const char *step_id)
{
	return xasprintf("stage=%s purpose=%s plan=%.16s step=%s", stage, purpose, context->plan->digest + 7, step_id);
}

static bool label_has(const char *label, const char *field)
{
	size_t length = strlen(field);
	for (const char *found = label ? strstr(label, field) : NULL; found; found = strstr(found + 1, field))
		if ((found == label || found[-1] == ' ') && (found[length] == ' ' || found[length] == '\0'))
			return true;
	return false;
}

static const char **string_list(const json_t *array, size_t *count)
{
	*count = json_array_size(array);
	const char **strings = xcalloc(*count + 1, sizeof(*strings));
	for (size_t i = 0; i < *count; i++)
		strings[i] = json_string_value(json_array_get(array, i)) ? json_string_value(json_array_get(array, i)) : "";
	return strings;
}

/* NULL when the tree under `dir` hashes as the snapshot recorded at create time. */
static char *tree_matches(const char *id, const char *recorded, const char *dir)
{
	if (!recorded || !*recorded)
		return xasprintf("snapshot '%s' records no file hashes (taken by an older goose-run): files_match cannot be checked",
				 id);
	char *digest = NULL, *reason = NULL;
	if (steps_tree_digest(dir, &digest, &reason) != 0) {
		char *message = xasprintf("files_match: %s", reason);
		free(reason);
		return message;
	}
	char *message = NULL;
	if (strcmp(digest, recorded) != 0)
		message = xasprintf("files in '%s' do not hash as snapshot '%s' recorded: %s, recorded %s", dir, id, digest, recorded);
	free(digest);
	return message;
}

char *steps_snapshot_files_match(struct steps_context *context, const char *dir)
{
	/* the snapshot this run restored: the last snapshot.restore step done */
	const json_t *restored = NULL;
	size_t index;
	const json_t *record;
	json_array_foreach(context->journal->records, index, record) {
		const json_t *detail = json_object_get(record, "detail");
		if (strcmp(json_string_value(json_object_get(record, "kind")), "done") == 0 &&
		    json_is_string(json_object_get(detail, "restored_to")) && json_is_string(json_object_get(detail, "snapshot_id")))
			restored = detail;
	}
	if (!restored)
		return xstrdup("files_match: this run restored no snapshot to compare with");
	return tree_matches(json_string_value(json_object_get(restored, "snapshot_id")),
			    json_string_value(json_object_get(restored, "tree_digest")), dir);
}

static char *run_checks(struct steps_context *context, const struct snap_store *store, const struct snap_info *entry,
			const json_t *checks, const char *restored_dir)
{
	size_t index;
	const json_t *check;
	json_array_foreach(checks, index, check) {
		const char *name = json_string_value(json_object_get(check, "check"));
		char *reason = NULL;
		if (!name)
			return xstrdup("a snapshot check without a name");
		if (strcmp(name, "integrity") == 0) {
			if (snap_verify(store, entry, context->snapshot_key, &reason) != 0) {
				char *message = xasprintf("snapshot '%s' fails its integrity check: %s", entry->id, reason);
				free(reason);
				return message;
			}
		} else if (strcmp(name, "key_available") == 0) {
			if (strcmp(entry->key_id, context->snapshot_key->id) != 0)
				return xasprintf("snapshot '%s' was made with key %s, not the given key %s", entry->id, entry->key_id,
						 context->snapshot_key->id);
		} else if (json_is_integer(json_object_get(check, "max_age_ms"))) {
			int64_t max_age = (int64_t)(json_integer_value(json_object_get(check, "max_age_ms")) / 1000);
			if (context->now - entry->created > max_age)
				return xasprintf("snapshot '%s' is older than %lld s", entry->id, (long long)max_age);
		} else if (strcmp(name, "files_match") == 0) {
			if (!restored_dir)
				continue; /* a property of the restored tree */
			char *problem = tree_matches(entry->id, entry->tree_digest, restored_dir);
			if (problem)
				return problem;
		} else if (json_object_get(check, "files")) {
			if (!restored_dir)
				continue; /* checked on the restored tree by the restore step */
			size_t file_index;
			const json_t *file;
			json_array_foreach(json_object_get(check, "files"), file_index, file) {
				char *path = xasprintf("%s/%s", restored_dir, json_string_value(file) ? json_string_value(file) : "");
				struct stat info;
				bool present = stat(path, &info) == 0;
				free(path);
				if (!present)
					return xasprintf("restored snapshot '%s' lacks '%s'", entry->id, json_string_value(file));
			}
		} else {
			return xasprintf("snapshot check '%s' is not implemented", name);
		}
	}
	return NULL;
}

enum steps_outcome steps_snapshot_create(struct steps_context *context, const char *step_id, const json_t *args,
					 json_t *detail, char **error)
{
	const char *stage = json_string_value(json_object_get(args, "stage"));
	const char *state_arg = json_string_value(json_object_get(args, "state_dir"));
	const char *store_arg = json_string_value(json_object_get(args, "store"));
	const char *purpose = json_string_value(json_object_get(args, "purpose"));
	if (!stage || !state_arg || !*state_arg || !store_arg || !*store_arg)
		return fail(error, xstrdup("snapshot.create needs 'stage', 'state_dir' and 'store'"));
	if (!need_key(context, "snapshot.create", error))
		return STEPS_FAILED;
	struct stat info;
	char *state_dir = steps_tree_path(context, state_arg);
	if (stat(state_dir, &info) != 0 || !S_ISDIR(info.st_mode)) {
		/* a stage never deployed has nothing to recover: said so in the journal */
		json_object_set_new(detail, "snapshot_id", json_null());
		json_object_set_new(detail, "note", json_string("the stage has no state dir yet: nothing to snapshot"));
		free(state_dir);
		return STEPS_DONE;
	}
	char *store_path = steps_tree_path(context, store_arg);
	struct snap_store store = { .path = store_path };
	char *label = snapshot_label(context, stage, purpose ? purpose : "recovery", step_id);
	struct snap_index index;
	snap_index_init(&index);
	char *reason = NULL;
	enum steps_outcome outcome = STEPS_FAILED;
	if (snap_index_load(&store, &index, &reason) != 0) {
		*error = xasprintf("snapshot store '%s': %s", store_path, reason);
		goto out;
	}
	const struct snap_info *entry = NULL;
	for (size_t i = 0; i < index.count; i++)
		if (index.items[i].label && strcmp(index.items[i].label, label) == 0)
			entry = &index.items[i];
	struct snap_info created;
	memset(&created, 0, sizeof(created));
	if (!entry) {
		size_t include_count, exclude_count;
		const char **include = string_list(json_object_get(args, "include"), &include_count);
		const char **exclude = string_list(json_object_get(args, "exclude"), &exclude_count);
		const json_t *retention = json_object_get(args, "retention");
		struct snap_policy policy = {
			.include = include,
			.include_count = include_count,
			.exclude = exclude,
			.exclude_count = exclude_count,
			.chunk_size = (uint32_t)json_integer_value(json_object_get(json_object_get(args, "encryption"), "chunk_size_bytes")),
			.level = (int)json_integer_value(json_object_get(json_object_get(args, "compression"), "level")),
			.key_name = json_string_value(json_object_get(args, "key_id")),
			.keep_last = (unsigned)json_integer_value(json_object_get(retention, "keep_last")),
			.max_age = (int64_t)(json_integer_value(json_object_get(retention, "max_age_ms")) / 1000),
		};
		int status = snap_create(&store, state_dir, &policy, context->snapshot_key, label, context->now, &created, NULL,
					 &reason);
		free(include);
		free(exclude);
		if (status != 0) {
			*error = xasprintf("cannot snapshot stage '%s': %s", stage, reason);
			goto out;
		}
		entry = &created;
	}
	char *problem = run_checks(context, &store, entry, json_object_get(args, "checks"), NULL);
	json_object_set_new(detail, "snapshot_id", json_string(entry->id));
	json_object_set_new(detail, "digest", json_string(entry->digest));
	json_object_set_new(detail, "store", json_string(store_path));
	json_object_set_new(detail, "purpose", json_string(purpose ? purpose : "recovery"));
	json_object_set_new(detail, "state_dir", json_string(state_dir));
	snap_info_release(&created);
	if (problem) {
		*error = problem;
		goto out;
	}
	outcome = STEPS_DONE;
out:
	free(reason);
	free(label);
	free(state_dir);
	free(store_path);
	snap_index_release(&index);
	return outcome;
}

enum steps_outcome steps_snapshot_restore(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const char *stage = json_string_value(json_object_get(args, "stage"));
	const char *state_arg = json_string_value(json_object_get(args, "state_dir"));
	const char *store_arg = json_string_value(json_object_get(args, "store"));
	const char *select = json_string_value(json_object_get(args, "select"));
	if (!stage || !state_arg || !*state_arg || !store_arg || !*store_arg)
		return fail(error, xstrdup("snapshot.restore needs 'stage', 'state_dir' and 'store'"));
	if (select && strcmp(select, "latest-before-current-release") != 0)
		return fail(error, xasprintf("snapshot.restore: selection '%s' is not supported", select));
	if (!need_key(context, "snapshot.restore", error))
		return STEPS_FAILED;
	char *store_path = steps_tree_path(context, store_arg);
	struct snap_store store = { .path = store_path };
	struct snap_index index;
	snap_index_init(&index);
	char *reason = NULL;
	if (snap_index_load(&store, &index, &reason) != 0) {
		*error = xasprintf("snapshot store '%s': %s", store_path, reason);
		free(reason);
		free(store_path);
		snap_index_release(&index);
		return STEPS_FAILED;
	}
	/* the newest snapshot of this stage that this plan did not take itself */
	char *stage_field = xasprintf("stage=%s", stage);
	char *plan_field = xasprintf("plan=%.16s", context->plan->digest + 7);
	const struct snap_info *entry = NULL;
	for (size_t i = index.count; i > 0 && !entry; i--)
		if (label_has(index.items[i - 1].label, stage_field) && !label_has(index.items[i - 1].label, plan_field))
			entry = &index.items[i - 1];
	free(stage_field);
	free(plan_field);
	enum steps_outcome outcome = STEPS_FAILED;
	char *state_dir = steps_tree_path(context, state_arg);
	char *restored = xasprintf("%s.restored", state_dir);
	if (!entry) {
		*error = xasprintf("no earlier snapshot of stage '%s' in '%s'", stage, store_path);
		goto out;
	}
	char *problem = run_checks(context, &store, entry, json_object_get(args, "checks"), NULL);
	if (!problem && snap_restore(&store, entry->id, context->snapshot_key, restored, &reason) != 0) {
		problem = xasprintf("cannot restore snapshot '%s': %s", entry->id, reason);
		free(reason);
	}
	if (!problem)
		problem = run_checks(context, &store, entry, json_object_get(args, "checks"), restored);
	json_object_set_new(detail, "snapshot_id", json_string(entry->id));
	json_object_set_new(detail, "restored_to", json_string(restored));
	json_object_set_new(detail, "store", json_string(store_path));
	json_object_set_new(detail, "tree_digest", entry->tree_digest[0] ? json_string(entry->tree_digest) : json_null());
	if (problem) {
		*error = problem;
		goto out;
	}
	outcome = STEPS_DONE;
out:
	free(restored);
	free(state_dir);
	free(store_path);
	snap_index_release(&index);
	return outcome;
}

int steps_restore_snapshot(struct steps_context *context, const char *store_path, const char *id, const char *target_dir,
			   char **error)
{
	if (!need_key(context, "restoring the recovery snapshot", error))
		return -1;
	struct snap_store store = { .path = store_path };
	char *reason = NULL;
	if (snap_restore(&store, id, context->snapshot_key, target_dir, &reason) != 0) {
		*error = xasprintf("cannot restore recovery snapshot '%s': %s", id, reason);
		free(reason);
		return -1;
	}
	return 0;
}
