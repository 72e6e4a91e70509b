/* Step dispatch and the file-system steps: stage.validate, stage.promote (copy beside the
 * live release, one rename swaps it in) and monitoring.update, plus the off-peak window. */
#define _GNU_SOURCE
#include "steps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "tz.h"
#include "util.h"
#include "banned.h"

#define STEPS_TREE_MAX_FILE (1u << 30)

void steps_crash_point(const char *step_id, const char *phase)
{
	const char *target = getenv(STEPS_CRASH_ENV);
	if (!target || !step_id)
		return;
	size_t id_length = strlen(step_id);
	if (strncmp(target, step_id, id_length) == 0 && target[id_length] == ':' && strcmp(target + id_length + 1, phase) == 0)
		kill(getpid(), SIGKILL);
}

int steps_window_contains(const json_t *window, int64_t now, char **error)
{
	static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
	if (!json_is_object(window)) {
		*error = xstrdup("the off-peak window is not an object");
		return -1;
	}
	const char *timezone = json_string_value(json_object_get(window, "timezone"));
	struct tz_zone zone;
	if (tz_load(timezone ? timezone : "UTC", &zone, error) != 0)
		return -1;
	/* wall-clock membership: the minute of the day as a clock in the zone shows it. A DST gap
	 * shortens a window over it (its minutes never happen), an overlap lengthens it (they
	 * happen twice): the window is what the clock on the wall says, both times. */
	struct tz_local local;
	tz_localize(&zone, now, &local);
	tz_zone_release(&zone);
	long minute = local.hour * 60 + local.minute;
	long start = (long)json_integer_value(json_object_get(window, "start_minute"));
	long end = (long)json_integer_value(json_object_get(window, "end_minute"));
	/* a window past midnight belongs to the day it starts on */
	int day = local.weekday;
	bool inside;
	if (start <= end) {
		inside = minute >= start && minute < end;
	} else {
		inside = minute >= start || minute < end;
		if (minute < end)
			day = (day + 6) % 7;
	}
	if (!inside)
		return 0;
	size_t index;
	const json_t *name;
	json_array_foreach(json_object_get(window, "days"), index, name)
		if (json_is_string(name) && strcmp(json_string_value(name), day_names[day]) == 0)
			return 1;
	return 0;
}

bool steps_in_window(const json_t *window, int64_t now)
{
	char *error = NULL;
	int inside = steps_window_contains(window, now, &error);
	free(error);
	return inside == 1;
}

char *steps_substitute(const char *text, const char *version)
{
	static const char placeholder[] = "${release.version}";
	struct strbuf out;
	strbuf_init(&out);
	const char *cursor = text;
	const char *found;
	while (version && (found = strstr(cursor, placeholder))) {
		strbuf_add(&out, cursor, (size_t)(found - cursor));
		strbuf_addstr(&out, version);
		cursor = found + sizeof(placeholder) - 1;
	}
	strbuf_addstr(&out, cursor);
	return strbuf_detach(&out, NULL);
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *walk)
{
	return remove(path);
}

int steps_remove_tree(const char *path)
{
	struct stat info;
	if (lstat(path, &info) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(info.st_mode))
		return unlink(path);
	return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

static int compare_names(const struct dirent **left, const struct dirent **right)
{
	return strcmp((*left)->d_name, (*right)->d_name);
}

static int skip_dots(const struct dirent *entry)
{
	return strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
}

/* Feeds "path NUL kind NUL content-digest LF" for each entry, in sorted order, to `hash`. */
static int digest_tree(const char *root, const char *relative, struct strbuf *listing, char **error)
{
	char *dir = *relative ? xasprintf("%s/%s", root, relative) : xstrdup(root);
	struct dirent **entries;
	int count = scandir(dir, &entries, skip_dots, compare_names);
	if (count < 0) {
		*error = xasprintf("cannot read '%s': %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	int status = 0;
	for (int i = 0; i < count; i++) {
		char *child = *relative ? xasprintf("%s/%s", relative, entries[i]->d_name) : xstrdup(entries[i]->d_name);
		char *full = xasprintf("%s/%s", root, child);
		struct stat info;
		if (status == 0 && lstat(full, &info) != 0) {
			*error = xasprintf("cannot stat '%s': %s", full, strerror(errno));
			status = -1;
		} else if (status == 0 && S_ISDIR(info.st_mode)) {
			strbuf_add(listing, child, strlen(child) + 1);
			strbuf_addstr(listing, "dir\n");
			status = digest_tree(root, child, listing, error);
		} else if (status == 0) {
			char *data = NULL;
			size_t length = 0;
			char target[4096];
			const char *kind = "file";
			if (S_ISLNK(info.st_mode)) {
				ssize_t target_length = readlink(full, target, sizeof(target));
				data = xstrndup(target, target_length > 0 ? (size_t)target_length : 0);
				length = strlen(data);
				kind = "link";
			} else if (!S_ISREG(info.st_mode) || read_file_bytes(full, STEPS_TREE_MAX_FILE, &data, &length) != 0) {
				*error = xasprintf("cannot read '%s' for the release digest", full);
				status = -1;
			}
			if (status == 0) {
				unsigned char digest[CRYPTO_SHA256_SIZE];
				char hex[2 * CRYPTO_SHA256_SIZE + 1];
				crypto_sha256(data, length, digest);
				crypto_hex(digest, sizeof(digest), hex);
				strbuf_add(listing, child, strlen(child) + 1);
				strbuf_addf(listing, "%s%c%s%s\n", kind, '\0', (info.st_mode & 0111) ? "x" : "", hex);
			}
			free(data);
		}
		free(full);
		free(child);
		free(entries[i]);
	}
	free(entries);
	free(dir);
	return status;
}

int steps_tree_digest(const char *dir, char **digest, char **error)
{
	struct strbuf listing;
	strbuf_init(&listing);
	if (digest_tree(dir, "", &listing, error) != 0) {
		strbuf_release(&listing);
		return -1;
	}
	unsigned char bytes[CRYPTO_SHA256_SIZE];
	char hex[2 * CRYPTO_SHA256_SIZE + 1];
	crypto_sha256(listing.buf, listing.len, bytes);
	crypto_hex(bytes, sizeof(bytes), hex);
	strbuf_release(&listing);
	*digest = xasprintf("sha256:%s", hex);
	return 0;
}

static int copy_file(const char *from, const char *to, mode_t mode, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(from, STEPS_TREE_MAX_FILE, &data, &length) != 0) {
		*error = xasprintf("cannot read '%s': %s", from, strerror(errno));
		return -1;
	}
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777);
	size_t offset = 0;
	while (fd >= 0 && offset < length) {
		ssize_t written = write(fd, data + offset, length - offset);
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0)
			break;
		offset += (size_t)written;
	}
	free(data);
	/* the swap must never expose a release whose bytes are not yet on disk */
	if (fd < 0 || offset < length || fsync(fd) != 0) {
		*error = xasprintf("cannot write '%s': %s", to, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int copy_tree(const char *from, const char *to, char **error)
{
	struct stat info;
	if (stat(from, &info) != 0 || mkdir(to, info.st_mode & 0777) != 0) {
		*error = xasprintf("cannot copy '%s' to '%s': %s", from, to, strerror(errno));
		return -1;
	}
	struct dirent **entries;
	int count = scandir(from, &entries, skip_dots, compare_names);
	if (count < 0) {
		*error = xasprintf("cannot read '%s': %s", from, strerror(errno));
		return -1;
	}
	int status = 0;
	for (int i = 0; i < count; i++) {
		char *source = xasprintf("%s/%s", from, entries[i]->d_name);
		char *target = xasprintf("%s/%s", to, entries[i]->d_name);
		struct stat entry;
		if (status == 0 && lstat(source, &entry) != 0) {
			*error = xasprintf("cannot stat '%s': %s", source, strerror(errno));
			status = -1;
		} else if (status == 0 && S_ISDIR(entry.st_mode)) {
			status = copy_tree(source, target, error);
		} else if (status == 0 && S_ISLNK(entry.st_mode)) {
			char link_target[4096];
			ssize_t length = readlink(source, link_target, sizeof(link_target) - 1);
			if (length < 0 || (link_target[length] = '\0', symlink(link_target, target) != 0)) {
				*error = xasprintf("cannot copy link '%s': %s", source, strerror(errno));
				status = -1;
			}
		} else if (status == 0 && S_ISREG(entry.st_mode)) {
			status = copy_file(source, target, entry.st_mode, error);
		}
		free(source);
		free(target);
		free(entries[i]);
	}
	free(entries);
	if (status == 0) {
		int fd = open(to, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return status;
}

/* The "version" of DIR/version.json, or NULL. */
static char *read_release_version(const char *dir)
{
	char *path = xasprintf("%s/version.json", dir);
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	free(path);
	const char *version = json_string_value(json_object_get(root, "version"));
	char *copy = version ? xstrdup(version) : NULL;
	json_decref(root);
	return copy;
}

static bool is_directory(const char *path)
{
	struct stat info;
	return path && stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

static enum steps_outcome fail(char **error, char *message)
{
	*error = message;
	return STEPS_FAILED;
}

static enum steps_outcome stage_validate(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const char *stage = json_string_value(json_object_get(args, "stage"));
	const char *state_dir = json_string_value(json_object_get(args, "state_dir"));
	const char *scope = json_string_value(json_object_get(args, "scope"));
	if (!stage || !state_dir || !*state_dir)
		return fail(error, xstrdup("stage.validate needs 'stage' and 'state_dir'"));
	char *stage_dir = steps_tree_path(context, state_dir);
	char *dir = scope && strcmp(scope, "restored-snapshot") == 0 ? xasprintf("%s.restored", stage_dir) : xstrdup(stage_dir);
	free(stage_dir);
	json_object_set_new(detail, "dir", json_string(dir));
	if (!is_directory(dir)) {
		char *message = xasprintf("state dir '%s' of stage '%s' does not exist", dir, stage);
		free(dir);
		return fail(error, message);
	}
	json_t *required = json_array();
	json_array_extend(required, json_object_get(args, "require_files"));
	size_t index;
	const json_t *check;
	json_array_foreach(json_object_get(args, "checks"), index, check)
		json_array_extend(required, json_object_get(check, "files"));
	const json_t *file;
	json_array_foreach(required, index, file) {
		const char *name = json_string_value(file);
		char *path = xasprintf("%s/%s", dir, name ? name : "");
		bool present = name && !strstr(name, "..") && access(path, F_OK) == 0;
		free(path);
		if (!present) {
			char *message = xasprintf("stage '%s' lacks required file '%s' in '%s'", stage, name ? name : "?", dir);
			json_decref(required);
			free(dir);
			return fail(error, message);
		}
	}
	json_decref(required);
	json_t *passed = json_array();
	json_object_set_new(detail, "checks", passed);
	json_array_foreach(json_object_get(args, "checks"), index, check) {
		const char *name = json_string_value(json_object_get(check, "check"));
		char *message = NULL;
		if (!name) {
			message = xstrdup("a check without a name");
		} else if (json_object_get(check, "files") && strcmp(name, "require_files") == 0) {
			/* checked above with the other required files */
		} else if (strcmp(name, "health") == 0) {
			const char *base_url = json_string_value(json_object_get(args, "base_url"));
			const char *path = json_string_value(json_object_get(check, "path"));
			char *url = xasprintf("%s%s", base_url ? base_url : "", path ? path : "/healthz");
			int status = 0;
			struct strbuf body;
			strbuf_init(&body);
			char *reason = NULL;
			if (steps_http_get(url, "GET", 5000, &status, &body, &reason) != 0 || status != 200)
				message = reason ? xasprintf("health check '%s': %s", url, reason)
						 : xasprintf("health check '%s' answered %d", url, status);
			free(reason);
			strbuf_release(&body);
			free(url);
		} else if (strcmp(name, "version_matches") == 0) {
			char *version = read_release_version(dir);
			const char *recorded = state_stage_release_version(context->state, stage);
			if (!version || !recorded || strcmp(version, recorded) != 0)
				message = xasprintf("version.json says '%s', the registry '%s'", version ? version : "none",
						    recorded ? recorded : "none");
			free(version);
		} else if (strcmp(name, "files_match") == 0) {
			message = steps_snapshot_files_match(context, dir);
		} else {
			message = xasprintf("check '%s' is not implemented", name);
		}
		if (message) {
			*error = xasprintf("stage '%s': %s", stage, message);
			free(message);
			free(dir);
			return STEPS_FAILED;
		}
		json_array_append_new(passed, json_string(name));
	}
	free(dir);
	return STEPS_DONE;
}

static enum steps_outcome stage_promote(struct steps_context *context, const char *step_id, const json_t *args,
					json_t *detail, char **error)
{
	const char *to = json_string_value(json_object_get(args, "to"));
	const char *to_state_dir = json_string_value(json_object_get(args, "to_state_dir"));
	const char *source = json_string_value(json_object_get(args, "source"));
	const char *expected_digest = json_string_value(json_object_get(args, "release_digest"));
	if (!to || !to_state_dir || !*to_state_dir || !source)
		return fail(error, xstrdup("stage.promote needs 'to', 'to_state_dir' and 'source'"));
	json_t *entry = state_stage(context->state, to, true);
	const json_t *last = json_object_get(entry, "last_change");
	const char *last_plan = json_string_value(json_object_get(last, "plan"));
	const char *last_step = json_string_value(json_object_get(last, "step"));
	char *source_dir;
	if (strcmp(source, "stage") == 0) {
		const char *from_dir = json_string_value(json_object_get(args, "from_state_dir"));
		if (!from_dir || !*from_dir)
			return fail(error, xstrdup("stage.promote from a stage needs 'from_state_dir'"));
		source_dir = steps_tree_path(context, from_dir);
	} else if (strcmp(source, "restored-snapshot") == 0) {
		char *live = steps_tree_path(context, to_state_dir);
		source_dir = xasprintf("%s.restored", live);
		free(live);
	} else {
		return fail(error, xasprintf("stage.promote: unknown source '%s'", source));
	}
	char *to_dir = steps_tree_path(context, to_state_dir);
	char *incoming = xasprintf("%s.incoming", to_dir);
	char *digest = NULL;
	enum steps_outcome outcome = STEPS_FAILED;
	if (last_plan && last_step && strcmp(last_plan, context->plan->digest) == 0 && strcmp(last_step, step_id) == 0) {
		/* the registry already records this very step: only the clean-up may be left */
		json_object_set_new(detail, "already_promoted", json_true());
		outcome = STEPS_DONE;
		goto cleanup;
	}
	if (!is_directory(source_dir)) {
		*error = xasprintf("release source '%s' does not exist", source_dir);
		goto out;
	}
	if (steps_tree_digest(source_dir, &digest, error) != 0)
		goto out;
	if (expected_digest && strcmp(expected_digest, digest) != 0) {
		*error = xasprintf("release in '%s' is %s, the plan expects %s", source_dir, digest, expected_digest);
		goto out;
	}
	if (steps_remove_tree(incoming) != 0) {
		*error = xasprintf("cannot clear '%s': %s", incoming, strerror(errno));
		goto out;
	}
	char *parent = xstrdup(to_dir);
	char *slash = strrchr(parent, '/');
	if (slash) {
		*slash = '\0';
		state_make_directories(parent);
	}
	free(parent);
	if (copy_tree(source_dir, incoming, error) != 0)
		goto out;
	/* one rename makes the new release live: exchange when a live one exists */
	if (is_directory(to_dir)) {
		if (renameat2(AT_FDCWD, incoming, AT_FDCWD, to_dir, RENAME_EXCHANGE) != 0) {
			*error = xasprintf("cannot swap '%s' in: %s", to_dir, strerror(errno));
			goto out;
		}
	} else if (rename(incoming, to_dir) != 0) {
		*error = xasprintf("cannot move '%s' in: %s", to_dir, strerror(errno));
		goto out;
	}
	state_sync_parent(to_dir);
	steps_crash_point(step_id, "swapped");
	char *version = read_release_version(to_dir);
	bool rollback = strcmp(context->plan->workflow, "rollback") == 0;
	const char *counter = rollback ? "rollbacks" : "promotions";
	json_object_set_new(entry, "generation", json_integer(json_integer_value(json_object_get(entry, "generation")) + 1));
	json_object_set_new(entry, "release_digest", json_string(digest));
	json_object_set_new(entry, "release_version", version ? json_string(version) : json_null());
	json_object_set_new(entry, counter, json_integer(json_integer_value(json_object_get(entry, counter)) + 1));
	json_object_set_new(entry, "last_change", json_pack("{s:s,s:s}", "plan", context->plan->digest, "step", step_id));
	free(version);
	if (state_registry_save(context->state, error) != 0)
		goto out;
	steps_crash_point(step_id, "registered");
	outcome = STEPS_DONE;
cleanup:
	if (steps_remove_tree(incoming) != 0 ||
	    (strcmp(source, "restored-snapshot") == 0 && steps_remove_tree(source_dir) != 0)) {
		*error = xasprintf("cannot remove the previous release beside '%s': %s", to_dir, strerror(errno));
		outcome = STEPS_FAILED;
	}
	json_object_set_new(detail, "generation", json_integer(json_integer_value(json_object_get(entry, "generation"))));
	json_object_set(detail, "release_digest", json_object_get(entry, "release_digest"));
out:
	free(digest);
	free(incoming);
	free(source_dir);
	free(to_dir);
	return outcome;
}

static void add_label_value(struct strbuf *out, const char *value)
{
	for (const char *c = value ? value : ""; *c; c++) {
		if (*c == '\\' || *c == '"')
			strbuf_addch(out, '\\');
		if (*c == '\n')
			strbuf_addstr(out, "\\n");
		else
			strbuf_addch(out, *c);
	}
}

int steps_write_metrics(struct steps_context *context, char **error)
{
	struct strbuf out;
	strbuf_init(&out);
	const json_t *stages = json_object_get(context->state->registry, "stages");
	static const char *const families[][3] = {
		{ "goose_release_info", "gauge", "The release live on each stage (value always 1)" },
		{ "goose_stage_generation", "gauge", "How many releases each stage has had" },
		{ "goose_promotions_total", "counter", "Promotions applied to each stage" },
		{ "goose_rollbacks_total", "counter", "Rollbacks applied to each stage" },
		{ "goose_last_recovery_duration_seconds", "gauge", "Duration of the last rollback run of each stage" },
		{ "goose_gate_result", "gauge", "Last result of each promotion gate (1 passed, 0 failed)" },
	};
	for (size_t family = 0; family < sizeof(families) / sizeof(families[0]); family++) {
		strbuf_addf(&out, "# HELP %s %s\n# TYPE %s %s\n", families[family][0], families[family][2], families[family][0],
			    families[family][1]);
		const char *name;
		const json_t *entry;
		json_object_foreach((json_t *)stages, name, entry) {
			const json_t *recovery = json_object_get(entry, "last_recovery_seconds");
			if (family == 4 && !json_is_integer(recovery))
				continue;
			if (family == 5) {
				const char *gate;
				const json_t *passed;
				json_object_foreach(json_object_get(entry, "gates"), gate, passed) {
					strbuf_addf(&out, "%s{stage=\"", families[family][0]);
					add_label_value(&out, name);
					strbuf_addstr(&out, "\",gate=\"");
					add_label_value(&out, gate);
					strbuf_addf(&out, "\"} %d\n", json_is_true(passed) ? 1 : 0);
				}
				continue;
			}
			strbuf_addf(&out, "%s{stage=\"", families[family][0]);
			add_label_value(&out, name);
			if (family == 0) {
				strbuf_addstr(&out, "\",version=\"");
				add_label_value(&out, json_string_value(json_object_get(entry, "release_version")));
				strbuf_addstr(&out, "\",digest=\"");
				add_label_value(&out, json_string_value(json_object_get(entry, "release_digest")));
				strbuf_addstr(&out, "\"} 1\n");
				continue;
			}
			static const char *const members[] = { NULL, "generation", "promotions", "rollbacks", "last_recovery_seconds" };
			strbuf_addf(&out, "\"} %lld\n", (long long)json_integer_value(json_object_get(entry, members[family])));
		}
	}
	char *dir = xstrdup(context->metrics_path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		state_make_directories(dir);
	}
	free(dir);
	int status = state_write_file_atomic(context->metrics_path, out.buf, out.len, error);
	strbuf_release(&out);
	return status;
}

static enum steps_outcome monitoring_update(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const char *stage = json_string_value(json_object_get(args, "stage"));
	const char *event = json_string_value(json_object_get(args, "event"));
	if (!stage)
		return fail(error, xstrdup("monitoring.update needs 'stage'"));
	json_t *entry = state_stage(context->state, stage, true);
	const json_t *begin = journal_find(context->journal, "begin", NULL);
	if (event && strcmp(event, "rollback") == 0 && begin) {
		json_int_t seconds = (json_int_t)context->now - json_integer_value(json_object_get(begin, "time"));
		json_object_set_new(entry, "last_recovery_seconds", json_integer(seconds < 0 ? 0 : seconds));
		if (state_registry_save(context->state, error) != 0)
			return STEPS_FAILED;
	}
	if (steps_write_metrics(context, error) != 0)
		return STEPS_FAILED;
	json_object_set_new(detail, "file", json_string(context->metrics_path));
	return STEPS_DONE;
}

char *steps_tree_path(const struct steps_context *context, const char *relative)
{
	if (relative[0] == '/' || !context->root || strcmp(context->root, ".") == 0)
		return xstrdup(relative);
	return xasprintf("%s/%s", context->root, relative);
}

enum steps_outcome steps_run(struct steps_context *context, const json_t *step, json_t **detail, char **error)
{
	const char *id = plan_reader_step_id(step);
	const char *action = plan_reader_step_action(step);
	const json_t *args = json_object_get(step, "args");
	*detail = json_object();
	*error = NULL;
	if (json_is_true(json_object_get(args, "off_peak_only")) && !context->ignore_window) {
		char *reason = NULL;
		int inside = steps_window_contains(json_object_get(args, "off_peak_window"), context->now, &reason);
		if (inside < 0) {
			*error = xasprintf("step '%s': off-peak window: %s", id, reason);
			free(reason);
			return STEPS_FAILED;
		}
		if (inside == 0) {
			*error = xasprintf("step '%s' runs only in the stage's off-peak window (or pass --ignore-window)", id);
			return STEPS_DEFERRED;
		}
	}
	if (strcmp(action, "stage.validate") == 0)
		return stage_validate(context, args, *detail, error);
	if (strcmp(action, "stage.promote") == 0)
		return stage_promote(context, id, args, *detail, error);
	if (strcmp(action, "monitoring.update") == 0)
		return monitoring_update(context, args, *detail, error);
	if (strcmp(action, "exec") == 0)
		return steps_exec(context, args, *detail, error);
	if (strcmp(action, "http.check") == 0)
		return steps_http_check(context, args, *detail, error);
	if (strcmp(action, "snapshot.create") == 0)
		return steps_snapshot_create(context, id, args, *detail, error);
	if (strcmp(action, "snapshot.restore") == 0)
		return steps_snapshot_restore(context, args, *detail, error);
	if (strcmp(action, "evidence.collect") == 0)
		return steps_evidence_collect(context, args, *detail, error);
	if (strcmp(action, "loadtest.run") == 0)
		return steps_loadtest(context, id, args, *detail, error);
	if (strcmp(action, "sbom.scan") == 0)
		return steps_sbom_scan(context, args, *detail, error);
	/* loadtest.run, sbom.scan, evidence.collect: later issues; never pass silently */
	return fail(error, xasprintf("action '%s' is not implemented", action));
}
