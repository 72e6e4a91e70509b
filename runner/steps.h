/* The typed actions a plan's steps name, run one at a time by the apply engine. Each step is
 * idempotent or checks its own postcondition, so a resumed run may run it again.
 *
 * Ownership: `*detail` (a JSON object recorded in the journal) and `*error` go to the caller. */
#ifndef GOOSE_STEPS_H
#define GOOSE_STEPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal.h"
#include "plan_reader.h"
#include "snapshot.h"
#include "state.h"

/* GOOSE_RUN_CRASH_AT=<step-id>:<phase> makes the runner SIGKILL itself there (tests only). */
#define STEPS_CRASH_ENV "GOOSE_RUN_CRASH_AT"

/* Default bound on the output of an exec step kept in the journal. */
#define STEPS_EXEC_OUTPUT_LIMIT 16384

struct steps_context {
	struct state_dir *state;
	const struct plan_reader_plan *plan;
	struct journal *journal;
	int64_t now;
	const struct snap_key *snapshot_key; /* NULL without --snapshot-key */
	const char *metrics_path;            /* the textfile-collector file monitoring.update writes */
	bool ignore_window;
	const char *root;              /* the config tree the plan's relative paths name ("." by default) */
	const char *run_dir;           /* STATE/runs/<plan digest hex>: this run's own files */
	const char *run_id;            /* "<begin time, UTC, compact ISO 8601>-<6 hex of the plan digest>" */
	const char *evidence_key_path; /* NULL without --evidence-key */
};

enum steps_outcome {
	STEPS_DONE = 0,
	STEPS_FAILED = -1,
	STEPS_DEFERRED = 1, /* outside the stage's off-peak window: run again later */
};

enum steps_outcome steps_run(struct steps_context *context, const json_t *step, json_t **detail, char **error);

/* `relative` resolved against the tree root (absolute paths are kept); caller frees. */
char *steps_tree_path(const struct steps_context *context, const char *relative);

/* Kills the process with SIGKILL when GOOSE_RUN_CRASH_AT names this step and phase. */
void steps_crash_point(const char *step_id, const char *phase);

/* Whether `now` falls in the window {days, start_minute, end_minute, timezone}: the minutes
 * and days are read on a wall clock of the IANA zone (default UTC; runner/tz.h reads the zone
 * files). Minutes a DST gap skips are never in a window, minutes an overlap repeats are in it
 * both times. 1 inside, 0 outside, -1 with `*error` when the window or its zone cannot be read. */
int steps_window_contains(const json_t *window, int64_t now, char **error);

/* steps_window_contains as a predicate: a window that cannot be read is never open. */
bool steps_in_window(const json_t *window, int64_t now);

/* The digest of a directory tree: "sha256:" over its sorted paths, kinds and file contents. */
int steps_tree_digest(const char *dir, char **digest, char **error);

/* Recursive removal; a missing path is fine. 0, or -1 with errno. */
int steps_remove_tree(const char *path);

/* ${release.version} in `text` replaced by `version` (or left when NULL); caller frees. */
char *steps_substitute(const char *text, const char *version);

/* Writes the Prometheus textfile for the registry: 0, or -1 with `*error`. */
int steps_write_metrics(struct steps_context *context, char **error);

/* The individual actions (steps.c, steps_exec.c, steps_http.c, steps_snapshot.c). */
enum steps_outcome steps_exec(struct steps_context *context, const json_t *args, json_t *detail, char **error);
enum steps_outcome steps_http_check(struct steps_context *context, const json_t *args, json_t *detail, char **error);
enum steps_outcome steps_snapshot_create(struct steps_context *context, const char *step_id, const json_t *args,
					 json_t *detail, char **error);
enum steps_outcome steps_snapshot_restore(struct steps_context *context, const json_t *args, json_t *detail, char **error);

/* evidence.collect (steps_evidence.c): a signed evidence bundle of the run, or of a load-test
 * run's report folder (args with an 'items' list), then retention. */
enum steps_outcome steps_evidence_collect(struct steps_context *context, const json_t *args, json_t *detail, char **error);

/* Before a run starts: when an evidence key is given, every evidence.collect step of the plan can
 * use it (readable, named as the plan says), so a wrong key is refused before any snapshot or
 * change rather than half-way. */
int steps_evidence_precheck(struct steps_context *context, char **error);

/* The rollback_tested gate: passes when the plan's stage recorded a successful rollback within the
 * gate's within_ms of now (or was never deployed: nothing to roll back). `*reason` always set. */
bool steps_gate_rollback_tested(struct steps_context *context, const json_t *gate, char **reason);

/* The evidence_complete gate: the last bundle of this run covers every control. */
bool steps_gate_evidence_complete(struct steps_context *context, const json_t *gate, char **reason);

/* After a rollback plan's steps all succeeded: the stage's registry entry records the time
 * ("last_rollback"), which the rollback_tested gate reads. No-op for other workflows. */
int steps_record_rollback(struct steps_context *context, char **error);

/* loadtest.run (steps_loadtest.c): operation run, report or compare. A failed criterion is not a
 * failed step: the step is done, its detail says "loadtest_passed": false with the failures. */
enum steps_outcome steps_loadtest(struct steps_context *context, const char *step_id, const json_t *args, json_t *detail,
				  char **error);
/* The failed load-test criteria of a run's journal records as one line naming the report, or
 * NULL when none failed (caller frees). */
char *steps_loadtest_failures(const json_t *journal_records);
/* Promotion gates over the latest load test recorded for the gate's from_stage: `loadtest`
 * (the gate's thresholds against the worst figures) and `performance_baseline` (the largest
 * increase over the baseline against max_regression_ppm). `*reason` is set either way. */
bool steps_loadtest_gate(struct state_dir *state, const struct plan_reader_plan *plan, const json_t *gate, char **reason);
bool steps_performance_baseline_gate(struct state_dir *state, const struct plan_reader_plan *plan, const json_t *gate,
				     char **reason);

/* sbom.scan (steps_scan.c): the SBOMs and database checked against the plan's digests, enriched
 * and scanned with the plan's waivers at `now`; the result goes to <run_dir>/scan.json. Findings
 * never fail the step (the security_scan gate reads them); errors do. The gate passes when that
 * result holds no unwaived finding at or above the gate's fail_on; `*reason` is set either way. */
enum steps_outcome steps_sbom_scan(struct steps_context *context, const json_t *args, json_t *detail, char **error);
bool steps_gate_security_scan(struct steps_context *context, const json_t *gate, char **reason);

/* The files_match check of stage.validate: NULL when `dir` hashes as the snapshot this run
 * restored recorded at create time, else the reason (caller frees). */
char *steps_snapshot_files_match(struct steps_context *context, const char *dir);

/* One HTTP GET (http:// only) within timeout_ms: 0 with status and body, or -1 with `*error`. */
int steps_http_get(const char *url, const char *method, long timeout_ms, int *status, struct strbuf *body, char **error);

/* Restores snapshot `id` of the store over `target_dir` (the recovery path of resume). */
int steps_restore_snapshot(struct steps_context *context, const char *store, const char *id, const char *target_dir,
			   char **error);

#endif
