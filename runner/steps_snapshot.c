/* snapshot.create and snapshot.restore through the snapshot store: a labelled recovery point
 * per plan step (so a re-run finds it instead of taking another), restores into a staging dir. */
#define _DEFAULT_SOURCE /* readlink */
#include "steps.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "util.h"
#include "banned.h"

#define FILES_MATCH_MAX_FILE (1u << 30)

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

/* Which file differs: the snapshot read again, each archived entry compared with the tree on
 * disk, then the tree searched for what the snapshot does not hold. Only run once the digests
 * disagree, to name the first difference. */
struct difference_walk {
	const char *dir;
	json_t *archived;     /* every archived path, as an object's keys */
	char *difference;     /* the first difference found */
	EVP_MD_CTX *content;
	char *file_path;      /* the archived file being hashed, when its counterpart on disk is one */
};

static void note_difference(struct difference_walk *walk, const char *path, const char *what)
{
	if (!walk->difference)
		walk->difference = xasprintf("'%s' %s", path, what);
}

static int difference_begin(void *context, const struct archive_entry *entry, char **error)
{
	struct difference_walk *walk = context;
	json_object_set_new_nocheck(walk->archived, entry->path, json_true()); /* any bytes: file names need not be UTF-8 */
	char *path = xasprintf("%s/%s", walk->dir, entry->path);
	struct stat info;
	bool present = lstat(path, &info) == 0;
	if (!present) {
		note_difference(walk, entry->path, "is missing");
	} else if (entry->type == ARCHIVE_DIRECTORY && !S_ISDIR(info.st_mode)) {
		note_difference(walk, entry->path, "is no longer a directory");
	} else if (entry->type == ARCHIVE_SYMLINK) {
		char target[4096];
		ssize_t length = S_ISLNK(info.st_mode) ? readlink(path, target, sizeof(target) - 1) : -1;
		if (length < 0 || (target[length] = '\0', strcmp(target, entry->link_target ? entry->link_target : "") != 0))
			note_difference(walk, entry->path, "is not the link the snapshot holds");
	} else if (entry->type == ARCHIVE_FILE) {
		free(walk->file_path);
		walk->file_path = S_ISREG(info.st_mode) ? xstrdup(entry->path) : NULL;
		if (!S_ISREG(info.st_mode))
			note_difference(walk, entry->path, "is no longer a regular file");
		else if (((info.st_mode & 0111) != 0) != ((entry->mode & 0111) != 0))
			note_difference(walk, entry->path, "changed its execute bits");
		else if (EVP_DigestInit_ex(walk->content, EVP_sha256(), NULL) != 1)
			*error = xstrdup("cannot hash");
	}
	free(path);
	return *error ? -1 : 0;
}

static int difference_data(void *context, const void *data, size_t length, char **error)
{
	struct difference_walk *walk = context;
	if (walk->file_path && EVP_DigestUpdate(walk->content, data, length) != 1) {
		*error = xstrdup("cannot hash");
		return -1;
	}
	return 0;
}

static int difference_end(void *context, char **error)
{
	struct difference_walk *walk = context;
	if (!walk->file_path)
		return 0;
	unsigned char archived[CRYPTO_SHA256_SIZE], on_disk[CRYPTO_SHA256_SIZE];
	unsigned int length;
	char *path = xasprintf("%s/%s", walk->dir, walk->file_path);
	char *data = NULL;
	size_t size = 0;
	if (EVP_DigestFinal_ex(walk->content, archived, &length) != 1) {
		*error = xstrdup("cannot hash");
	} else if (read_file_bytes(path, FILES_MATCH_MAX_FILE, &data, &size) != 0) {
		note_difference(walk, walk->file_path, "cannot be read");
	} else {
		crypto_sha256(data, size, on_disk);
		if (memcmp(archived, on_disk, sizeof(on_disk)) != 0)
			note_difference(walk, walk->file_path, "differs from the snapshot");
	}
	free(data);
	free(path);
	free(walk->file_path);
	walk->file_path = NULL;
	return *error ? -1 : 0;
}

static int skip_dots(const struct dirent *entry)
{
	return strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
}

static int compare_names(const struct dirent **left, const struct dirent **right)
{
	return strcmp((*left)->d_name, (*right)->d_name);
}

/* The first path under `relative` that the snapshot does not hold. */
static void find_unarchived(struct difference_walk *walk, const char *relative)
{
	char *full = *relative ? xasprintf("%s/%s", walk->dir, relative) : xstrdup(walk->dir);
	struct dirent **entries;
	int count = scandir(full, &entries, skip_dots, compare_names);
	for (int i = 0; i < count; i++) {
		char *child = *relative ? xasprintf("%s/%s", relative, entries[i]->d_name) : xstrdup(entries[i]->d_name);
		char *child_full = xasprintf("%s/%s", walk->dir, child);
		struct stat info;
		if (!json_object_get(walk->archived, child))
			note_difference(walk, child, "is not in the snapshot");
		else if (!walk->difference && lstat(child_full, &info) == 0 && S_ISDIR(info.st_mode))
			find_unarchived(walk, child);
		free(child_full);
		free(child);
		free(entries[i]);
	}
	if (count > 0)
		free(entries);
	free(full);
}

/* "'index.html' differs from the snapshot", or NULL when none is found (or it cannot look). */
static char *first_difference(struct steps_context *context, const char *store_path, const char *id, const char *dir)
{
	if (!context->snapshot_key || !store_path)
		return NULL;
	struct snap_store store = { .path = store_path };
	struct snap_index index;
	char *error = NULL;
	if (snap_index_load(&store, &index, &error) != 0) {
		free(error);
		return NULL;
	}
	const struct snap_info *entry = NULL;
	for (size_t i = 0; i < index.count; i++)
		if (strcmp(index.items[i].id, id) == 0)
			entry = &index.items[i];
	struct difference_walk walk = { .dir = dir, .archived = json_object(), .content = EVP_MD_CTX_new() };
	struct archive_visitor visitor = { .context = &walk, .begin = difference_begin, .data = difference_data,
					   .end = difference_end };
	if (entry && walk.content && snap_read(&store, entry, context->snapshot_key, &visitor, &error) == 0 && !walk.difference)
		find_unarchived(&walk, "");
	free(error);
	free(walk.file_path);
	EVP_MD_CTX_free(walk.content);
	json_decref(walk.archived);
	snap_index_release(&index);
	return walk.difference;
}

/* NULL when the tree under `dir` hashes as the snapshot recorded at create time. */
static char *tree_matches(struct steps_context *context, const char *store_path, const char *id, const char *recorded,
			  const char *dir)
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
	if (strcmp(digest, recorded) != 0) {
		char *difference = first_difference(context, store_path, id, dir);
		message = xasprintf("files in '%s' do not hash as snapshot '%s' recorded%s%s (%s, recorded %s)", dir, id,
				    difference ? ": " : "", difference ? difference : "", digest, recorded);
		free(difference);
	}
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
	return tree_matches(context, json_string_value(json_object_get(restored, "store")),
			    json_string_value(json_object_get(restored, "snapshot_id")),
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
			char *problem = tree_matches(context, store->path, entry->id, entry->tree_digest, restored_dir);
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
