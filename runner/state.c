/* The state directory: lock, stage registry and atomic writes. A registry change is one
 * rename, so a crash leaves either the old registry or the new one, never half of either. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canonical_json.h"
#include "fileio.h"
#include "util.h"
#include "banned.h"

#define STATE_REGISTRY_MAX_SIZE (4u << 20)

void state_dir_init(struct state_dir *state)
{
	state->path = NULL;
	state->lock_fd = -1;
	state->registry = NULL;
}

void state_dir_release(struct state_dir *state)
{
	if (state->lock_fd >= 0)
		close(state->lock_fd); /* closing drops the flock */
	free(state->path);
	json_decref(state->registry);
	state_dir_init(state);
}

char *state_path(const struct state_dir *state, const char *relative)
{
	return xasprintf("%s/%s", state->path, relative);
}

int state_make_directories(const char *path)
{
	char *copy = xstrdup(path);
	for (char *slash = copy + 1; *slash; slash++) {
		if (*slash != '/')
			continue;
		*slash = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*slash = '/';
	}
	int status = mkdir(copy, 0755) != 0 && errno != EEXIST ? -1 : 0;
	free(copy);
	return status;
}

int state_sync_parent(const char *path)
{
	return fileio_sync_parent(path);
}

int state_write_file_atomic(const char *path, const void *data, size_t length, char **error)
{
	return fileio_write_atomic(path, data, length, 0644, error);
}

static json_t *empty_registry(void)
{
	return json_pack("{s:n,s:{}}", "project", "stages");
}

/* Why a parsed registry cannot be used, or NULL: every stage needs the generation and release
 * goose-run wrote (a damaged entry must not read as generation 0, nor export a state goosec
 * build --state-from refuses). */
static const char *registry_damage(const json_t *root)
{
	const json_t *stages = json_object_get(root, "stages");
	if (!json_is_object(stages))
		return "no 'stages' object";
	const char *name;
	const json_t *entry;
	json_object_foreach((json_t *)stages, name, entry) {
		const json_t *generation = json_object_get(entry, "generation");
		const json_t *digest = json_object_get(entry, "release_digest");
		const json_t *version = json_object_get(entry, "release_version");
		if (!json_is_object(entry) || !json_is_integer(generation) || json_integer_value(generation) < 0 ||
		    (digest && !json_is_string(digest) && !json_is_null(digest)) ||
		    (version && !json_is_string(version) && !json_is_null(version)))
			return "a stage needs a generation >= 0 and a release digest and version that are strings or null";
	}
	return NULL;
}

int state_dir_open(struct state_dir *state, const char *path, bool create, char **error)
{
	state_dir_release(state);
	state->path = xstrdup(path);
	if (create && state_make_directories(path) != 0) {
		*error = xasprintf("cannot create state dir '%s': %s", path, strerror(errno));
		return -1;
	}
	char *registry_path = state_path(state, "stages.json");
	char *data;
	size_t length;
	if (read_file_bytes(registry_path, STATE_REGISTRY_MAX_SIZE, &data, &length) != 0) {
		int read_errno = errno;
		free(registry_path);
		if (read_errno == ENOENT) {
			state->registry = empty_registry();
			return 0;
		}
		*error = xasprintf("cannot read the stage registry of '%s': %s", path, strerror(read_errno));
		return -1;
	}
	char *reason = NULL;
	json_t *root = NULL;
	bool parsed = canonical_json_parse_canonical(data, length, &root, &reason);
	free(data);
	const char *damage = parsed ? registry_damage(root) : NULL;
	if (!parsed || damage) {
		*error = xasprintf("stage registry '%s' is damaged: %s", registry_path, reason ? reason : damage);
		free(reason);
		free(registry_path);
		json_decref(root);
		return -1;
	}
	free(registry_path);
	state->registry = root;
	return 0;
}

int state_dir_lock(struct state_dir *state, char **error)
{
	char *lock_path = state_path(state, "lock");
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		*error = xasprintf("cannot open lock '%s': %s", lock_path, strerror(errno));
		free(lock_path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int lock_errno = errno;
		close(fd);
		if (lock_errno == EWOULDBLOCK) {
			*error = xasprintf("state dir '%s' is locked by another goose-run", state->path);
			free(lock_path);
			return 1;
		}
		*error = xasprintf("cannot lock '%s': %s", lock_path, strerror(lock_errno));
		free(lock_path);
		return -1;
	}
	free(lock_path);
	state->lock_fd = fd;
	return 0;
}

int state_registry_save(struct state_dir *state, char **error)
{
	size_t length;
	char *canonical = canonical_json_dumps(state->registry, &length);
	if (!canonical) {
		*error = xstrdup("the stage registry cannot be written as canonical JSON");
		return -1;
	}
	char *registry_path = state_path(state, "stages.json");
	int status = state_write_file_atomic(registry_path, canonical, length, error);
	free(registry_path);
	free(canonical);
	return status;
}

json_t *state_stage(struct state_dir *state, const char *stage, bool create)
{
	json_t *stages = json_object_get(state->registry, "stages");
	json_t *entry = json_object_get(stages, stage);
	if (entry || !create)
		return entry;
	entry = json_pack("{s:i,s:n,s:n,s:i,s:i}", "generation", 0, "release_digest", "release_version", "promotions", 0,
			  "rollbacks", 0);
	json_object_set_new(stages, stage, entry);
	return entry;
}

int64_t state_stage_generation(struct state_dir *state, const char *stage)
{
	return (int64_t)json_integer_value(json_object_get(state_stage(state, stage, false), "generation"));
}

const char *state_stage_release_digest(struct state_dir *state, const char *stage)
{
	return json_string_value(json_object_get(state_stage(state, stage, false), "release_digest"));
}

const char *state_stage_release_version(struct state_dir *state, const char *stage)
{
	return json_string_value(json_object_get(state_stage(state, stage, false), "release_version"));
}

json_t *state_status_json(struct state_dir *state)
{
	json_t *stages = json_object();
	const char *name;
	json_t *entry;
	json_object_foreach(json_object_get(state->registry, "stages"), name, entry) {
		json_t *out = json_object();
		json_object_set_new(out, "generation", json_integer(json_integer_value(json_object_get(entry, "generation"))));
		const char *digest = json_string_value(json_object_get(entry, "release_digest"));
		const char *version = json_string_value(json_object_get(entry, "release_version"));
		json_object_set_new(out, "release_digest", digest ? json_string(digest) : json_null());
		json_object_set_new(out, "release_version", version ? json_string(version) : json_null());
		/* the stage's latest load test, for people (goosec build --state-from reads only the above) */
		const json_t *loadtest = json_object_get(entry, "last_loadtest");
		if (json_is_object(loadtest)) {
			json_t *last = json_object();
			static const char *const keys[] = { "run_id", "time", "passed", "criteria_passed", "baseline_passed",
							    "complete", "report" };
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				if (json_object_get(loadtest, keys[i]))
					json_object_set(last, keys[i], json_object_get(loadtest, keys[i]));
			json_object_set_new(out, "last_loadtest", last);
		}
		json_object_set_new(stages, name, out);
	}
	json_t *status = json_object();
	json_object_set_new(status, "stages", stages);
	return status;
}
