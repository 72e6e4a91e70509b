/* The runner's state directory: one lock per directory, the stage registry (generation,
 * release digest and version, counters per stage) and the atomic file writes everything uses.
 *
 * Layout: DIR/lock, DIR/stages.json (the registry), DIR/current (digest of the run in
 * progress), DIR/runs/<hex>/plan and DIR/runs/<hex>/journal, DIR/metrics/goose.prom.
 * Ownership: a state_dir owns its path and registry (state_dir_release). */
#ifndef GOOSE_STATE_H
#define GOOSE_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_DEFAULT_DIR ".goose/run"

struct state_dir {
	char *path;
	int lock_fd;      /* -1 when not locked */
	json_t *registry; /* {"project":..., "stages":{NAME:{...}}} */
};

void state_dir_init(struct state_dir *state);
void state_dir_release(struct state_dir *state); /* unlocks */

/* Opens DIR (created with `create`) and reads its registry: 0, or -1 with `*error`. A missing
 * directory without `create` has an empty registry. */
int state_dir_open(struct state_dir *state, const char *path, bool create, char **error);

/* Takes the directory's lock without waiting: 0, 1 when another process holds it, -1 on error. */
int state_dir_lock(struct state_dir *state, char **error);

/* Writes the registry atomically: 0, or -1 with `*error`. */
int state_registry_save(struct state_dir *state, char **error);

/* The entry of `stage`, created (generation 0, no release) when `create`; NULL otherwise. */
json_t *state_stage(struct state_dir *state, const char *stage, bool create);
int64_t state_stage_generation(struct state_dir *state, const char *stage);
const char *state_stage_release_digest(struct state_dir *state, const char *stage);
const char *state_stage_release_version(struct state_dir *state, const char *stage);

/* What `goose-run status --json` prints and `goosec build --state-from` reads (caller owns). */
json_t *state_status_json(struct state_dir *state);

/* DIR/<relative>, malloc'd. */
char *state_path(const struct state_dir *state, const char *relative);

/* mkdir -p: 0, or -1 with errno. */
int state_make_directories(const char *path);

/* Writes `data` to `path` by temp file + fsync + rename + directory fsync: 0, or -1 with `*error`. */
int state_write_file_atomic(const char *path, const void *data, size_t length, char **error);

/* fsyncs the directory holding `path`: 0, or -1 with errno. */
int state_sync_parent(const char *path);

#endif
