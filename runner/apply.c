/* The apply engine: plan checks in the order of their exit codes, then the journaled step loop
 * with gates and the recovery snapshot for a step that fails when re-run after a crash, or for
 * a rollback's failed after-restore checks. */
#define _DEFAULT_SOURCE /* realpath */
#include "apply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canonical_json.h"
#include "journal.h"
#include "plan_reader.h"
#include "runner_exit.h"
#include "snapshot.h"
#include "state.h"
#include "steps.h"
#include "util.h"
#include "banned.h"

static int verdict_exit(enum plan_reader_verdict verdict)
{
	switch (verdict) {
	case PLAN_READER_ACCEPTED: return RUNNER_EXIT_SUCCESS;
	case PLAN_READER_MALFORMED: return RUNNER_EXIT_MALFORMED_PLAN;
	case PLAN_READER_BAD_SIGNATURE: return RUNNER_EXIT_BAD_SIGNATURE;
	case PLAN_READER_UNTRUSTED_KEY: return RUNNER_EXIT_UNTRUSTED_KEY;
	case PLAN_READER_UNSIGNED: return RUNNER_EXIT_UNSIGNED;
	case PLAN_READER_EXPIRED: return RUNNER_EXIT_EXPIRED;
	case PLAN_READER_NO_EXPIRY: return RUNNER_EXIT_NO_EXPIRY;
	}
	return RUNNER_EXIT_BAD_SIGNATURE;
}

static int load_and_verify(const struct apply_options *options, const char *path, bool check_expiry,
			   struct plan_reader_plan *plan, char **error)
{
	if (plan_reader_load(plan, path, error) != 0)
		return RUNNER_EXIT_MALFORMED_PLAN;
	struct plan_reader_policy policy = {
		.trusted = options->trusted,
		.trusted_count = options->trusted_count,
		.allow_unsigned = options->allow_unsigned,
		.allow_no_expiry = options->allow_no_expiry,
		.check_expiry = check_expiry,
		.now = options->now,
	};
	return verdict_exit(plan_reader_verify(plan, &policy, error));
}

int apply_verify(const struct apply_options *options, char **error)
{
	struct plan_reader_plan plan;
	plan_reader_init(&plan);
	int status = load_and_verify(options, options->plan_path, true, &plan, error);
	if (status == RUNNER_EXIT_SUCCESS)
		fprintf(options->out, "plan '%s' verified: %s of stage '%s', %zu steps, digest %s\n", options->plan_path,
			plan.workflow, plan.stage, json_array_size(plan.steps), plan.digest);
	plan_reader_release(&plan);
	return status;
}

/* NULL when the registry matches the plan's expected state; otherwise the one-line reason. */
static char *stale_reason(struct state_dir *state, const json_t *expected)
{
	const char *stage;
	const json_t *entry;
	json_object_foreach((json_t *)expected, stage, entry) {
		long long want = (long long)json_integer_value(json_object_get(entry, "generation"));
		long long have = (long long)state_stage_generation(state, stage);
		if (want != have)
			return xasprintf("stale plan: stage '%s' generation is %lld, plan expects %lld", stage, have, want);
		const char *want_digest = json_string_value(json_object_get(entry, "release_digest"));
		const char *have_digest = state_stage_release_digest(state, stage);
		if ((want_digest == NULL) != (have_digest == NULL) || (want_digest && strcmp(want_digest, have_digest) != 0))
			return xasprintf("stale plan: stage '%s' runs release %s, plan expects %s", stage,
					 have_digest ? have_digest : "none", want_digest ? want_digest : "none");
	}
	return NULL;
}

/* The generation and release of every stage the plan touches, as the run first saw them. */
static json_t *state_seen(struct state_dir *state, const struct plan_reader_plan *plan)
{
	json_t *seen = json_object();
	const char *names[2] = { plan->stage, json_string_value(json_object_get(plan->payload, "from_stage")) };
	for (size_t i = 0; i < 2; i++) {
		if (!names[i])
			continue;
		const char *digest = state_stage_release_digest(state, names[i]);
		const char *version = state_stage_release_version(state, names[i]);
		json_object_set_new(seen, names[i],
				    json_pack("{s:I,s:o,s:o}", "generation", (json_int_t)state_stage_generation(state, names[i]),
					      "release_digest", digest ? json_string(digest) : json_null(), "release_version",
					      version ? json_string(version) : json_null()));
	}
	return seen;
}

struct run {
	const struct apply_options *options;
	struct plan_reader_plan plan;
	struct state_dir state;
	struct journal journal;
	struct steps_context context;
	struct snap_key snapshot_key;
	char *run_dir;
	char *current_path;
	char *metrics_path;
	char *run_id;
	char *root; /* absolute path of the config tree; journaled in the begin record */
};

static bool gate_approvals(struct run *run, const json_t *gate, char **reason)
{
	long long required = (long long)json_integer_value(json_object_get(gate, "required"));
	const json_t *allowed = json_object_get(gate, "from");
	json_t *names = json_array();
	size_t index;
	const json_t *record;
	json_array_foreach(run->journal.records, index, record) {
		if (strcmp(json_string_value(json_object_get(record, "kind")), "approval") != 0)
			continue;
		const json_t *name = json_object_get(json_object_get(record, "detail"), "name");
		bool listed = json_array_size(allowed) == 0, seen = false;
		size_t other;
		const json_t *value;
		json_array_foreach(allowed, other, value)
			listed |= json_equal(value, name);
		json_array_foreach(names, other, value)
			seen |= json_equal(value, name);
		if (listed && !seen)
			json_array_append(names, (json_t *)name);
	}
	long long have = (long long)json_array_size(names);
	json_decref(names);
	if (have >= required)
		return true;
	*reason = xasprintf("needs %lld approval(s), has %lld (pass --approve NAME)", required, have);
	return false;
}

/* One gate: true when it passes (advisory gates pass with a note in `*reason`). */
static bool evaluate_gate(struct run *run, const char *name, const json_t *gate, char **reason)
{
	const char *enforcement = json_string_value(json_object_get(gate, "enforcement"));
	bool required = !enforcement || strcmp(enforcement, "required") == 0;
	bool passed;
	if (strcmp(name, "approvals") == 0)
		return gate_approvals(run, gate, reason);
	if (strcmp(name, "alerts_configured") == 0) {
		passed = json_is_true(json_object_get(gate, "configured"));
		if (!passed)
			*reason = xstrdup("the build found services without a threshold-backed alert");
	} else if (strcmp(name, "loadtest") == 0) {
		passed = steps_loadtest_gate(&run->state, &run->plan, gate, reason);
	} else if (strcmp(name, "performance_baseline") == 0) {
		passed = steps_performance_baseline_gate(&run->state, &run->plan, gate, reason);
	} else if (strcmp(name, "rollback_tested") == 0) {
		passed = steps_gate_rollback_tested(&run->context, gate, reason);
	} else if (strcmp(name, "evidence_complete") == 0) {
		passed = steps_gate_evidence_complete(&run->context, gate, reason);
	} else if (strcmp(name, "security_scan") == 0) {
		passed = steps_gate_security_scan(&run->context, gate, reason);
	} else {
		/* load-test, baseline, rollback-test and scan results come from steps not built yet */
		passed = false;
		*reason = xasprintf("no evidence for gate '%s': the steps that produce it are not implemented", name);
	}
	if (!passed && !required) {
		char *note = *reason;
		*reason = xasprintf("advisory: %s", note);
		free(note);
		return true;
	}
	return passed;
}

/* True when this run's journal records that gate `name` passed. */
static bool gate_passed_before(const struct run *run, const char *name)
{
	size_t index;
	const json_t *record;
	json_array_foreach(run->journal.records, index, record) {
		const json_t *detail = json_object_get(record, "detail");
		const char *gate = json_string_value(json_object_get(detail, "gate"));
		if (strcmp(json_string_value(json_object_get(record, "kind")), "gate") == 0 && gate && strcmp(gate, name) == 0 &&
		    json_is_true(json_object_get(detail, "passed")))
			return true;
	}
	return false;
}

/* Checks the gates due before `phase`; RUNNER_EXIT_SUCCESS, or GATE_FAILED with `*error`. A gate
 * this run already passed is not asked again. */
static int check_gates(struct run *run, const char *phase, char **error)
{
	const char *name;
	const json_t *gate;
	json_object_foreach(json_object_get(run->plan.payload, "gates"), name, gate) {
		if (strcmp(json_string_value(json_object_get(gate, "checked_before")), phase) != 0)
			continue;
		if (gate_passed_before(run, name)) {
			/* a resumed run keeps the verdict: its own steps may have changed what the gate reads */
			fprintf(run->options->out, "gate %s: passed earlier in this run\n", name);
			continue;
		}
		char *reason = NULL;
		bool passed = evaluate_gate(run, name, gate, &reason);
		json_t *detail = json_pack("{s:s,s:b}", "gate", name, "passed", passed);
		if (reason)
			json_object_set_new(detail, "reason", json_string(reason));
		char *journal_error = NULL;
		if (journal_append(&run->journal, "gate", NULL, run->options->now, detail, &journal_error) != 0) {
			*error = journal_error;
			free(reason);
			return RUNNER_EXIT_STEP_FAILED;
		}
		json_t *entry = state_stage(&run->state, run->plan.stage, true);
		if (!json_is_object(json_object_get(entry, "gates")))
			json_object_set_new(entry, "gates", json_object());
		json_object_set_new(json_object_get(entry, "gates"), name, json_boolean(passed));
		state_registry_save(&run->state, &journal_error);
		free(journal_error);
		fprintf(run->options->out, "gate %s: %s%s%s\n", name, passed ? "passed" : "FAILED", reason ? ": " : "",
			reason ? reason : "");
		if (!passed) {
			*error = xasprintf("gate '%s' failed: %s", name, reason);
			free(reason);
			return RUNNER_EXIT_GATE_FAILED;
		}
		free(reason);
	}
	return RUNNER_EXIT_SUCCESS;
}

/* After a re-run step failed: put the recovery snapshot back and the registry as first seen. */
static int recover(struct run *run, const char *failed_step, char **error)
{
	const json_t *snapshot = NULL;
	size_t index;
	const json_t *record;
	json_array_foreach(run->journal.records, index, record) {
		const json_t *detail = json_object_get(record, "detail");
		if (strcmp(json_string_value(json_object_get(record, "kind")), "done") == 0 &&
		    json_is_string(json_object_get(detail, "snapshot_id")) &&
		    json_is_string(json_object_get(detail, "purpose")) &&
		    strcmp(json_string_value(json_object_get(detail, "purpose")), "recovery") == 0)
			snapshot = detail;
	}
	if (!snapshot)
		return 1;
	const char *id = json_string_value(json_object_get(snapshot, "snapshot_id"));
	if (steps_restore_snapshot(&run->context, json_string_value(json_object_get(snapshot, "store")), id,
				   json_string_value(json_object_get(snapshot, "state_dir")), error) != 0)
		return -1;
	const json_t *seen = json_object_get(json_object_get(journal_find(&run->journal, "begin", NULL), "detail"), "state_seen");
	const char *stage;
	const json_t *entry;
	json_object_foreach((json_t *)seen, stage, entry) {
		json_t *current = state_stage(&run->state, stage, true);
		json_object_set(current, "generation", json_object_get(entry, "generation"));
		json_object_set(current, "release_digest", json_object_get(entry, "release_digest"));
		json_object_set(current, "release_version", json_object_get(entry, "release_version"));
		json_object_set_new(current, "last_change", json_null());
	}
	if (state_registry_save(&run->state, error) != 0)
		return -1;
	json_t *detail = json_pack("{s:s,s:s}", "snapshot_id", id, "failed_step", failed_step);
	if (journal_append(&run->journal, "recovered", NULL, run->options->now, detail, error) != 0 ||
	    journal_append(&run->journal, "finish", NULL, run->options->now, json_pack("{s:s}", "outcome", "recovered"), error) != 0)
		return -1;
	unlink(run->current_path);
	state_sync_parent(run->current_path);
	fprintf(run->options->out, "restored recovery snapshot %s\n", id);
	return 0;
}

/* A rollback's after-restore checks: a stage.validate with checks once the restored snapshot
 * is swapped in. validation.yaml says their failure rolls the stage back to the recovery
 * snapshot, so it does at once rather than on a resume. */
static bool after_restore_check(const struct run *run, const json_t *step)
{
	const json_t *args = json_object_get(step, "args");
	if (strcmp(run->plan.workflow, "rollback") != 0 || strcmp(plan_reader_step_action(step), "stage.validate") != 0 ||
	    json_array_size(json_object_get(args, "checks")) == 0)
		return false;
	size_t index;
	const json_t *other;
	json_array_foreach(run->plan.steps, index, other) {
		const char *source = json_string_value(json_object_get(json_object_get(other, "args"), "source"));
		if (strcmp(plan_reader_step_action(other), "stage.promote") == 0 && source &&
		    strcmp(source, "restored-snapshot") == 0 && journal_find(&run->journal, "done", plan_reader_step_id(other)))
			return true;
	}
	return false;
}

/* True once a step that replaces stage content (a promotion's swap, a restore) has started. */
static bool stage_touched(const struct run *run)
{
	size_t index;
	const json_t *record;
	json_array_foreach(run->journal.records, index, record) {
		const char *action = json_string_value(json_object_get(json_object_get(record, "detail"), "action"));
		if (strcmp(json_string_value(json_object_get(record, "kind")), "intent") == 0 && action &&
		    (strcmp(action, "stage.promote") == 0 || strcmp(action, "snapshot.restore") == 0))
			return true;
	}
	return false;
}

/* A gate refused before any stage content changed: the run is set aside instead of blocking the
 * state dir. Applying the same plan again continues it (with more --approve, a new load test...),
 * provided the stages are still as the run first saw them; other plans may run meanwhile. */
static void park_run(struct run *run, char **error)
{
	char *park_error = NULL;
	if (stage_touched(run) ||
	    journal_append(&run->journal, "parked", NULL, run->options->now, json_object(), &park_error) != 0 ||
	    unlink(run->current_path) != 0) {
		free(park_error);
		return;
	}
	state_sync_parent(run->current_path);
	char *message = *error;
	*error = xasprintf("%s; nothing was changed: the run is set aside (apply the same plan again to continue it), "
			   "other plans may run meanwhile",
			   message);
	free(message);
}

/* A set-aside run continues only while every stage it touches is as it first saw them. */
static char *parked_stale_reason(struct run *run)
{
	const json_t *begin = journal_find(&run->journal, "begin", NULL);
	const json_t *seen = json_object_get(json_object_get(begin, "detail"), "state_seen");
	const char *stage;
	const json_t *entry;
	json_object_foreach((json_t *)seen, stage, entry) {
		long long was = (long long)json_integer_value(json_object_get(entry, "generation"));
		long long now = (long long)state_stage_generation(&run->state, stage);
		const char *was_digest = json_string_value(json_object_get(entry, "release_digest"));
		const char *now_digest = state_stage_release_digest(&run->state, stage);
		bool same_digest = (was_digest == NULL) == (now_digest == NULL) && (!was_digest || strcmp(was_digest, now_digest) == 0);
		if (was != now || !same_digest)
			return xasprintf("stale run: stage '%s' moved on since this run was set aside (generation %lld, was %lld): "
					 "build and apply a new plan",
					 stage, now, was);
	}
	return NULL;
}

static int run_steps(struct run *run, bool resumed, char **error)
{
	const struct apply_options *options = run->options;
	size_t index;
	const json_t *step;
	const char *checked_phase = NULL;
	json_array_foreach(run->plan.steps, index, step) {
		const char *id = plan_reader_step_id(step);
		const char *action = plan_reader_step_action(step);
		const char *phase = json_string_value(json_object_get(step, "phase"));
		if (journal_find(&run->journal, "done", id)) {
			fprintf(options->out, "%3zu. %-18s %s: already done\n", index + 1, action, id);
			continue;
		}
		if (phase && (!checked_phase || strcmp(checked_phase, phase) != 0)) {
			checked_phase = phase;
			int gate_status = check_gates(run, phase, error);
			if (gate_status == RUNNER_EXIT_GATE_FAILED)
				park_run(run, error);
			if (gate_status != RUNNER_EXIT_SUCCESS)
				return gate_status;
		}
		bool rerun = journal_find(&run->journal, "intent", id) != NULL;
		if (journal_append(&run->journal, "intent", id, options->now, json_pack("{s:s}", "action", action), error) != 0)
			return RUNNER_EXIT_STEP_FAILED;
		steps_crash_point(id, "intent");
		json_t *detail = NULL;
		char *step_error = NULL;
		enum steps_outcome outcome = steps_run(&run->context, step, &detail, &step_error);
		if (outcome == STEPS_DEFERRED) {
			json_decref(detail);
			fprintf(options->out, "%3zu. %-18s %s: deferred\n", index + 1, action, id);
			*error = xasprintf("%s; the run is kept: 'goose-run resume' continues it", step_error);
			free(step_error);
			return RUNNER_EXIT_INTERRUPTED;
		}
		if (outcome == STEPS_FAILED) {
			json_object_set_new(detail, "error", json_string(step_error ? step_error : "failed"));
			if (journal_append(&run->journal, "failed", id, options->now, detail, error) != 0) {
				free(step_error);
				return RUNNER_EXIT_STEP_FAILED;
			}
			fprintf(options->out, "%3zu. %-18s %s: FAILED\n", index + 1, action, id);
			*error = xasprintf("step '%s' failed: %s", id, step_error ? step_error : "failed");
			free(step_error);
			steps_crash_point(id, "failed");
			if ((rerun && resumed) || after_restore_check(run, step)) {
				char *recover_error = NULL;
				int recovered = recover(run, id, &recover_error);
				if (recovered < 0) {
					char *message = *error;
					*error = xasprintf("%s; recovery failed too: %s", message, recover_error);
					free(message);
				} else if (recovered == 0) {
					char *message = *error;
					*error = xasprintf("%s; the stage was restored from its recovery snapshot", message);
					free(message);
				}
				free(recover_error);
			}
			return RUNNER_EXIT_STEP_FAILED;
		}
		free(step_error);
		if (journal_append(&run->journal, "done", id, options->now, detail, error) != 0)
			return RUNNER_EXIT_STEP_FAILED;
		fprintf(options->out, "%3zu. %-18s %s: done\n", index + 1, action, id);
		steps_crash_point(id, "done");
	}
	if (steps_record_rollback(&run->context, error) != 0 ||
	    journal_append(&run->journal, "finish", NULL, options->now, json_pack("{s:s}", "outcome", "applied"), error) != 0)
		return RUNNER_EXIT_STEP_FAILED;
	steps_crash_point("finish", "done");
	if (unlink(run->current_path) != 0 && errno != ENOENT) {
		*error = xasprintf("cannot remove '%s': %s", run->current_path, strerror(errno));
		return RUNNER_EXIT_STEP_FAILED;
	}
	state_sync_parent(run->current_path);
	fprintf(options->out, "applied %s plan for stage '%s'\n", run->plan.workflow, run->plan.stage);
	/* a load test that ran but missed its criteria ends like a refused gate, not like a crash */
	char *criteria = steps_loadtest_failures(run->journal.records);
	if (criteria) {
		*error = criteria;
		return RUNNER_EXIT_GATE_FAILED;
	}
	return RUNNER_EXIT_SUCCESS;
}

static int dry_run(struct run *run, char **error)
{
	if (state_dir_open(&run->state, run->options->state_path, false, error) != 0)
		return RUNNER_EXIT_STEP_FAILED;
	const json_t *expected = json_object_get(run->plan.payload, "expected_state");
	char *stale = json_is_object(expected) ? stale_reason(&run->state, expected) : NULL;
	if (stale) {
		*error = stale;
		return RUNNER_EXIT_STALE;
	}
	FILE *out = run->options->out;
	fprintf(out, "dry run: %s plan for stage '%s' (%s), nothing is changed\n", run->plan.workflow, run->plan.stage,
		run->plan.digest);
	size_t index;
	const json_t *step;
	json_array_foreach(run->plan.steps, index, step) {
		const char *title = json_string_value(json_object_get(step, "title"));
		fprintf(out, "%3zu. %-18s %s%s%s\n", index + 1, plan_reader_step_action(step), plan_reader_step_id(step),
			title ? ": " : "", title ? title : "");
	}
	return RUNNER_EXIT_SUCCESS;
}

/* Reads DIR/current: the digest hex of the run in progress, or NULL. */
static char *read_current(const char *current_path)
{
	char *data;
	size_t length;
	if (read_file_bytes(current_path, 256, &data, &length) != 0)
		return NULL;
	while (length && (data[length - 1] == '\n'))
		data[--length] = '\0';
	return data;
}

/* A promotion's source stage that goose-run never deployed (sandbox is deployed by CI, never
 * promoted into) has no release of goose-run's in the registry, so nothing would say which
 * version its health checks expect. At begin the run adopts the release the stage's state dir
 * holds (version.json, tree digest) and journals it; it does so again whenever the stage has
 * changed since, as long as goose-run has not deployed it (generation 0). Without a readable
 * state dir the plan's own stage.validate step says why. */
static json_t *adopt_source_stage(struct run *run, char **error)
{
	const char *from = json_string_value(json_object_get(run->plan.payload, "from_stage"));
	if (!from || strcmp(run->plan.workflow, "promote") != 0 || state_stage_generation(&run->state, from) != 0)
		return NULL;
	const char *state_dir = NULL;
	size_t index;
	const json_t *step;
	json_array_foreach(run->plan.steps, index, step) {
		const json_t *args = json_object_get(step, "args");
		const char *stage = json_string_value(json_object_get(args, "stage"));
		if (!state_dir && strcmp(plan_reader_step_action(step), "stage.validate") == 0 && stage && strcmp(stage, from) == 0)
			state_dir = json_string_value(json_object_get(args, "state_dir"));
	}
	if (!state_dir || !*state_dir)
		return NULL;
	char *dir = steps_tree_path(&run->context, state_dir);
	char *version_path = xasprintf("%s/version.json", dir);
	json_t *version_file = json_load_file(version_path, JSON_REJECT_DUPLICATES, NULL);
	const char *version = json_string_value(json_object_get(version_file, "version"));
	char *digest = NULL, *reason = NULL;
	json_t *adopted = NULL;
	const char *registered_version = state_stage_release_version(&run->state, from);
	const char *registered_digest = state_stage_release_digest(&run->state, from);
	if (version && steps_tree_digest(dir, &digest, &reason) == 0 &&
	    !(registered_version && registered_digest && strcmp(registered_version, version) == 0 &&
	      strcmp(registered_digest, digest) == 0)) {
		json_t *entry = state_stage(&run->state, from, true);
		json_object_set_new(entry, "release_version", json_string(version));
		json_object_set_new(entry, "release_digest", json_string(digest));
		adopted = json_pack("{s:{s:s,s:s,s:s}}", from, "release_version", version, "release_digest", digest, "state_dir", dir);
		if (state_registry_save(&run->state, error) != 0) {
			json_decref(adopted);
			adopted = json_null();
		} else {
			fprintf(run->options->out, "stage '%s' was not deployed by goose-run: adopted %s (%s) from '%s'\n", from,
				version, digest, dir);
		}
	}
	free(reason);
	free(digest);
	json_decref(version_file);
	free(version_path);
	free(dir);
	return adopted;
}

static int start_or_continue(struct run *run, bool resumed, char **error)
{
	const struct apply_options *options = run->options;
	const char *hex = run->plan.digest + 7;
	char *relative = xasprintf("runs/%s", hex);
	run->run_dir = state_path(&run->state, relative);
	free(relative);
	char *journal_path = xasprintf("%s/journal", run->run_dir);
	char *plan_copy = xasprintf("%s/plan", run->run_dir);
	int status = RUNNER_EXIT_STEP_FAILED;
	char *current = read_current(run->current_path);
	if (current && strcmp(current, hex) != 0) {
		*error = xasprintf("another plan (sha256:%.16s…) is in progress in '%s': finish it with 'goose-run resume'", current,
				   options->state_path);
		status = RUNNER_EXIT_BUSY;
		goto out;
	}
	if (state_make_directories(run->run_dir) != 0) {
		*error = xasprintf("cannot create '%s': %s", run->run_dir, strerror(errno));
		goto out;
	}
	int opened = journal_open(&run->journal, journal_path, run->plan.digest, error);
	if (opened != 0) {
		status = opened == -2 ? RUNNER_EXIT_JOURNAL_TAMPERED : RUNNER_EXIT_STEP_FAILED;
		goto out;
	}
	/* a resumed run works on the tree it began with */
	const char *began_root = json_string_value(
		json_object_get(json_object_get(journal_find(&run->journal, "begin", NULL), "detail"), "root"));
	if (began_root && !options->root) {
		free(run->root);
		run->root = xstrdup(began_root);
		run->context.root = run->root;
	} else if (began_root && strcmp(began_root, run->root) != 0) {
		*error = xasprintf("the run in '%s' began with --root '%s', not '%s'", options->state_path, began_root, run->root);
		status = RUNNER_EXIT_USAGE;
		goto out;
	}
	if (journal_is_finished(&run->journal)) {
		fprintf(options->out, "already applied: %s plan for stage '%s' (%s)\n", run->plan.workflow, run->plan.stage,
			run->plan.digest);
		status = RUNNER_EXIT_SUCCESS;
		goto out;
	}
	if (json_array_size(run->journal.records) == 0) {
		const char *project = json_string_value(json_object_get(run->state.registry, "project"));
		if (project && strcmp(project, run->plan.project) != 0) {
			*error = xasprintf("state dir '%s' serves project '%s', the plan is for '%s'", options->state_path, project,
					   run->plan.project);
			status = RUNNER_EXIT_WRONG_STAGE;
			goto out;
		}
		const json_t *expected = json_object_get(run->plan.payload, "expected_state");
		char *stale = json_is_object(expected) ? stale_reason(&run->state, expected) : NULL;
		if (stale) {
			*error = stale;
			status = RUNNER_EXIT_STALE;
			goto out;
		}
		json_object_set_new(run->state.registry, "project", json_string(run->plan.project));
		state_stage(&run->state, run->plan.stage, true);
		if (state_registry_save(&run->state, error) != 0 ||
		    state_write_file_atomic(plan_copy, run->plan.envelope_bytes, run->plan.envelope_length, error) != 0 ||
		    state_write_file_atomic(run->current_path, hex, strlen(hex), error) != 0)
			goto out;
		json_t *adopted = adopt_source_stage(run, error);
		if (json_is_null(adopted))
			goto out;
		const char *check = json_string_value(json_object_get(run->plan.payload, "state_check"));
		json_t *detail = json_pack("{s:s,s:s,s:s,s:o,s:s}", "workflow", run->plan.workflow, "stage", run->plan.stage,
					   "state_check", check, "state_seen", state_seen(&run->state, &run->plan), "root", run->root);
		if (adopted)
			json_object_set_new(detail, "adopted", adopted);
		if (journal_append(&run->journal, "begin", NULL, options->now, detail, error) != 0)
			goto out;
		steps_crash_point("begin", "done");
		if (strcmp(check, "first-seen") == 0)
			fprintf(options->out, "no expected state in the plan: recorded the state first seen\n");
	} else if (!current) {
		/* the last record says whether this run was set aside by a refused gate */
		const json_t *last = json_array_get(run->journal.records, json_array_size(run->journal.records) - 1);
		char *stale = strcmp(json_string_value(json_object_get(last, "kind")), "parked") == 0 ? parked_stale_reason(run) : NULL;
		if (stale) {
			*error = stale;
			status = RUNNER_EXIT_STALE;
			goto out;
		}
		if (state_write_file_atomic(run->current_path, hex, strlen(hex), error) != 0)
			goto out;
	}
	for (size_t i = 0; i < options->approval_count; i++) {
		bool recorded = false;
		size_t index;
		const json_t *record;
		json_array_foreach(run->journal.records, index, record) {
			const char *name = json_string_value(json_object_get(json_object_get(record, "detail"), "name"));
			recorded |= strcmp(json_string_value(json_object_get(record, "kind")), "approval") == 0 && name &&
				    strcmp(name, options->approvals[i]) == 0;
		}
		if (!recorded && journal_append(&run->journal, "approval", NULL, options->now,
						json_pack("{s:s}", "name", options->approvals[i]), error) != 0)
			goto out;
	}
	const json_t *begin = journal_find(&run->journal, "begin", NULL);
	time_t began = (time_t)json_integer_value(json_object_get(begin, "time"));
	struct tm utc;
	char stamp[32] = "00000000T000000Z";
	if (gmtime_r(&began, &utc))
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
	run->run_id = xasprintf("%s-%.6s", stamp, hex);
	run->context.run_id = run->run_id;
	run->context.run_dir = run->run_dir;
	status = run_steps(run, resumed, error);
out:
	free(current);
	free(journal_path);
	free(plan_copy);
	return status;
}

int apply_run(const struct apply_options *options, char **error)
{
	struct run run;
	memset(&run, 0, sizeof(run));
	run.options = options;
	plan_reader_init(&run.plan);
	state_dir_init(&run.state);
	journal_init(&run.journal);
	bool resumed = options->plan_path == NULL;
	int status;
	char *stored_plan = NULL;
	if (resumed) {
		/* the plan is the one the run started with, verified again */
		struct state_dir probe;
		state_dir_init(&probe);
		probe.path = xstrdup(options->state_path);
		char *current_path = state_path(&probe, "current");
		char *current = read_current(current_path);
		free(current_path);
		if (!current) {
			fprintf(options->out, "nothing to resume in '%s'\n", options->state_path);
			state_dir_release(&probe);
			return RUNNER_EXIT_SUCCESS;
		}
		char *relative = xasprintf("runs/%s/plan", current);
		stored_plan = state_path(&probe, relative);
		free(relative);
		free(current);
		state_dir_release(&probe);
	}
	status = load_and_verify(options, resumed ? stored_plan : options->plan_path, !resumed, &run.plan, error);
	free(stored_plan);
	if (status != RUNNER_EXIT_SUCCESS)
		goto out;
	if (options->dry_run) {
		status = dry_run(&run, error);
		goto out;
	}
	status = RUNNER_EXIT_STEP_FAILED;
	if (state_dir_open(&run.state, options->state_path, true, error) != 0)
		goto out;
	int locked = state_dir_lock(&run.state, error);
	if (locked != 0) {
		status = locked > 0 ? RUNNER_EXIT_BUSY : RUNNER_EXIT_STEP_FAILED;
		goto out;
	}
	/* read again under the lock: another run may have changed it before we held it */
	json_decref(run.state.registry);
	run.state.registry = NULL;
	int lock_fd = run.state.lock_fd;
	run.state.lock_fd = -1;
	if (state_dir_open(&run.state, options->state_path, false, error) != 0) {
		run.state.lock_fd = lock_fd;
		goto out;
	}
	run.state.lock_fd = lock_fd;
	if (options->snapshot_key_path) {
		char *key_error = NULL;
		if (snap_key_load(options->snapshot_key_path, &run.snapshot_key, &key_error) != 0) {
			*error = xasprintf("snapshot key: %s", key_error);
			free(key_error);
			status = RUNNER_EXIT_USAGE;
			goto out;
		}
		run.context.snapshot_key = &run.snapshot_key;
	}
	run.current_path = state_path(&run.state, "current");
	run.metrics_path = options->metrics_path ? xstrdup(options->metrics_path) : state_path(&run.state, "metrics/goose-run.prom");
	run.context.state = &run.state;
	run.context.plan = &run.plan;
	run.context.journal = &run.journal;
	run.context.now = options->now;
	run.context.metrics_path = run.metrics_path;
	run.context.ignore_window = options->ignore_window;
	run.root = realpath(options->root ? options->root : ".", NULL);
	if (!run.root) {
		*error = xasprintf("--root '%s': %s", options->root ? options->root : ".", strerror(errno));
		status = RUNNER_EXIT_USAGE;
		goto out;
	}
	run.context.root = run.root;
	run.context.evidence_key_path = options->evidence_key_path;
	if (steps_evidence_precheck(&run.context, error) != 0) {
		status = RUNNER_EXIT_USAGE;
		goto out;
	}
	status = start_or_continue(&run, resumed, error);
out:
	snap_key_clear(&run.snapshot_key);
	free(run.run_dir);
	free(run.current_path);
	free(run.metrics_path);
	free(run.run_id);
	free(run.root);
	journal_release(&run.journal);
	state_dir_release(&run.state);
	plan_reader_release(&run.plan);
	return status;
}

int apply_status(const char *state_path_text, bool json, FILE *out, char **error)
{
	struct state_dir state;
	state_dir_init(&state);
	if (state_dir_open(&state, state_path_text, false, error) != 0) {
		state_dir_release(&state);
		return RUNNER_EXIT_STEP_FAILED;
	}
	json_t *status = state_status_json(&state);
	if (json) {
		char *text = canonical_json_dumps(status, NULL);
		fprintf(out, "%s\n", text ? text : "{}");
		free(text);
	} else {
		const char *name;
		const json_t *entry;
		json_object_foreach(json_object_get(status, "stages"), name, entry) {
			const char *version = json_string_value(json_object_get(entry, "release_version"));
			const char *digest = json_string_value(json_object_get(entry, "release_digest"));
			fprintf(out, "%s: generation %lld, release %s (%s)\n", name,
				(long long)json_integer_value(json_object_get(entry, "generation")), version ? version : "none",
				digest ? digest : "no digest");
			const json_t *loadtest = json_object_get(entry, "last_loadtest");
			if (json_is_object(loadtest)) {
				const char *run_id = json_string_value(json_object_get(loadtest, "run_id"));
				const char *report = json_string_value(json_object_get(loadtest, "report"));
				time_t when = (time_t)json_integer_value(json_object_get(loadtest, "time"));
				struct tm parts;
				char when_text[32] = "?";
				if (gmtime_r(&when, &parts))
					strftime(when_text, sizeof(when_text), "%Y-%m-%dT%H:%M:%SZ", &parts);
				const char *verdict = json_is_true(json_object_get(loadtest, "passed")) ? "passed"
						      : !json_is_true(json_object_get(loadtest, "complete")) ? "incomplete"
											      : "failed";
				fprintf(out, "  last load test: run %s, %s, %s%s%s\n", run_id ? run_id : "?", verdict, when_text,
					report ? ", report " : "", report ? report : "");
			}
		}
		if (json_object_size(json_object_get(status, "stages")) == 0)
			fprintf(out, "no stage has been deployed from '%s'\n", state_path_text);
		char *current_path = state_path(&state, "current");
		char *current = read_current(current_path);
		if (current)
			fprintf(out, "in progress: plan sha256:%s (run 'goose-run resume')\n", current);
		free(current);
		free(current_path);
	}
	json_decref(status);
	state_dir_release(&state);
	return RUNNER_EXIT_SUCCESS;
}
