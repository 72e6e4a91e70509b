#!/usr/bin/env bash
# goose-run crash safety: a plan killed by SIGKILL before and after every step's journal record
# (and inside the swap) is finished by `goose-run resume` to the same final state as a clean
# run; applying a finished plan again changes nothing. First a hand-made promotion with an exec
# step, then every plan the example tree builds, on nginx; the crash points come from each
# plan's own steps.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
trap 'stop_server; rm -rf "$E2E_TMP"' EXIT

if ! runner_setup; then
	fail "setup" "cannot create keys or sign the test plan"
	finish
	exit 1
fi

clean=$E2E_TMP/clean
fresh_workdir "$clean"
start_server "$clean"
check_contains "clean run applies every step" 0 "applied promote plan" -- run_in "$clean" apply "$E2E_TMP/promote.plan" --approve alice
stop_server
final_state "$clean" >"$E2E_TMP/clean.state" 2>&1
check_contains "exec saw only its allowed environment" 0 '"output":"prepared hello\n"' -- cat "$clean/.goose/run/runs/"*/journal
check_contains "status shows the promoted release" 0 "compliance: generation 1, release 1.2.0" -- bash -c "cd '$clean' && '$RUNNER' status"
check_contains "metrics hold the release info" 0 'goose_release_info{stage="compliance",version="1.2.0"' -- cat "$clean/.goose/run/metrics/goose-run.prom"
before=$(cat "$clean/.goose/run/stages.json")
check_contains "applying a finished plan again changes nothing" 0 "already applied" -- run_in "$clean" apply "$E2E_TMP/promote.plan"
if [ "$before" = "$(cat "$clean/.goose/run/stages.json")" ]; then pass "registry unchanged by the second apply"; else fail "registry unchanged by the second apply"; fi

if ! command -v jq >/dev/null 2>&1; then
	echo "skip: the crash tests read plans with jq (scripts/install-deps.sh installs it)"
	finish
	exit 0
fi
points=$(crash_points "$E2E_TMP/payload.json")
check "crash points come from the plan's steps" 0 "begin:done validate:intent validate:done snapshot:intent snapshot:done exec:intent exec:done promote:intent promote:done promote:swapped promote:registered ${HTTP_PORT:+verify:intent verify:done }monitoring:intent monitoring:done finish:done" -- \
	echo $points
for point in $points; do
	work=$E2E_TMP/crash
	fresh_workdir "$work"
	start_server "$work"
	GOOSE_RUN_CRASH_AT=$point run_in "$work" apply "$E2E_TMP/promote.plan" --approve alice >/dev/null 2>&1
	status=$?
	if [ "$status" -ne 137 ]; then
		fail "killed at $point" "exit $status, expected 137 (SIGKILL)"
		stop_server
		continue
	fi
	resume_output=$(run_in "$work" resume --approve alice 2>&1)
	resume_status=$?
	stop_server
	final_state "$work" >"$E2E_TMP/crash.state" 2>&1
	if [ "$resume_status" -ne 0 ]; then
		fail "killed at $point, resumed" "resume exit $resume_status" "$resume_output"
	elif ! diff -u "$E2E_TMP/clean.state" "$E2E_TMP/crash.state" >"$E2E_TMP/diff"; then
		fail "killed at $point, resumed" "final state differs from a clean run:" "$(cat "$E2E_TMP/diff")"
	else
		pass "killed at $point, resumed to the clean run's state"
	fi
done

work=$E2E_TMP/nothing
fresh_workdir "$work"
check_contains "resume with nothing in progress" 0 "nothing to resume" -- run_in "$work" resume

# Every step of every workflow the example tree builds, on its three stages served by nginx:
# each plan is run clean, then killed at each of its crash points and resumed, and must end in
# the clean run's state with every step done exactly once. Steps excluded, and why:
#   loadtest.run  drives load at the compliance stage for its scenarios' whole durations: too
#                 slow to repeat at every crash point, and its figures (latencies, rates), which
#                 the registry and reports keep, differ from one run to the next, so no two
#                 final states could be equal (tests/e2e/loadtest-workflow.sh kills a load-test
#                 run and resumes it). The gates that read its results (loadtest,
#                 performance_baseline) go with it, and so does the load-test workflow's
#                 evidence.collect, which stores the report those steps write.
# They are taken out of the built plans, which are signed again with the test key; any other
# step the plans hold, today's or a later one, is killed at.
CRASH_EXCLUDED_ACTIONS='["loadtest.run"]'
CRASH_EXCLUDED_GATES='["loadtest","performance_baseline"]'
CRASH_EXCLUDED_LOADTEST_ACTIONS='["evidence.collect"]'
source "$(dirname "$0")/../../scripts/stages.sh"
trap 'stop_server; stages_stop; rm -rf "$E2E_TMP"' EXIT
echo "built plans: not killed at $CRASH_EXCLUDED_ACTIONS steps (nor gates $CRASH_EXCLUDED_GATES; in the load-test workflow, $CRASH_EXCLUDED_LOADTEST_ACTIONS)"
if ! stages_available >/dev/null || ! command -v curl >/dev/null 2>&1; then
	echo "skip: the built plans' crash tests need nginx and curl (scripts/install-deps.sh installs them)"
	finish
	exit
fi
tree=$E2E_TMP/tree
mkdir -p "$tree"
(cd "$source_root" && cp -r goose.yaml load-test monitoring golden-goose security "$tree"/)
# the example's SBOMs carry a high finding its gate refuses on purpose: here the gate may pass
sed -i 's/security_scan: { fail_on: high }/security_scan: { fail_on: critical }/' "$tree"/golden-goose/stages/*.yaml
stages_seed "$tree"
cp -a "$tree/.goose" "$E2E_TMP/seed"
export STAGES_RANDOM_PORTS=1
if ! stages_start "$tree"; then
	fail "start nginx for the three stages"
	finish
	exit 1
fi
stages_point_tree "$tree"
"$GOOSEC" keygen "$E2E_TMP/evidence" --name audit-2026q4 >/dev/null # the tree's signing.evidence
env SOURCE_DATE_EPOCH=$((NOW - 60)) "$GOOSEC" build --no-cache --unsigned -o "$E2E_TMP/build" "$tree" >/dev/null 2>&1 ||
	fail "build the adapted example tree"
mkdir -p "$E2E_TMP/crash-plans"

# the stages as seeded, and before a rollback, a promotion into the stage so it has a release
# and a snapshot of the one before (sandbox takes compliance's release: a test fixture)
reset_tree() {
	rm -rf "$tree/.goose"
	cp -a "$E2E_TMP/seed" "$tree/.goose"
}
prepare_for() {
	local payload=$1 workflow stage from
	workflow=$(jq -r .workflow "$payload")
	stage=$(jq -r .stage "$payload")
	[ "$workflow" = rollback ] || return 0
	from=compliance
	[ "$stage" = compliance ] && from=sandbox
	stages_promotion_payload "$from" "$stage" "$NOW" ledger >"$E2E_TMP/prepare.json"
	"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/prepare.json" >"$E2E_TMP/prepare.plan"
	run_built apply "$E2E_TMP/prepare.plan" >/dev/null 2>&1
}
run_built() {
	(cd "$tree" && "$RUNNER" "$@" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" \
		--snapshot-key "$E2E_TMP/snapshot.key" --evidence-key "$E2E_TMP/evidence/audit-2026q4.key")
}
built_state() {
	(cd "$tree" && "$RUNNER" status --json &&
		for stage in $STAGES_NAMES; do (cd ".goose/stages/$stage" && find . -type f | LC_ALL=C sort | xargs sha256sum); done &&
		ls -d .goose/stages/* && cat .goose/run/metrics/goose-run.prom &&
		"$RUNNER" snapshots list --store .goose/snapshots --json | grep -c '"id"')
}

for plan in "$E2E_TMP"/build/plans/*.plan; do
	name=$(basename "$plan" .plan)
	payload=$E2E_TMP/crash-plans/$name.json
	plan_payload "$plan" | jq --argjson actions "$CRASH_EXCLUDED_ACTIONS" --argjson gates "$CRASH_EXCLUDED_GATES" \
		--argjson loadtest_actions "$CRASH_EXCLUDED_LOADTEST_ACTIONS" \
		'.gates |= (if type == "object" then with_entries(select(.key as $gate | $gates | index($gate) | not)) else . end) |
		 (if .workflow == "loadtest" then $actions + $loadtest_actions else $actions end) as $excluded |
		 .steps |= map(select(.action as $action | $excluded | index($action) | not))' >"$payload"
	if [ "$(jq '.steps | length' "$payload")" -eq 0 ]; then
		echo "skip: $name: every step is excluded"
		continue
	fi
	"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$payload" >"$E2E_TMP/crash-plans/$name.plan"
	digest=$(run_built verify "$E2E_TMP/crash-plans/$name.plan" | sed -E 's/.*digest sha256://')
	journal=$tree/.goose/run/runs/$digest/journal
	approvals=$(jq -r '.gates.approvals.from // [] | map("--approve " + .) | join(" ")' "$payload")
	reset_tree
	prepare_for "$payload"
	# shellcheck disable=SC2086
	clean_output=$(run_built apply "$E2E_TMP/crash-plans/$name.plan" $approvals 2>&1)
	clean_status=$?
	if [ "$clean_status" -ne 0 ]; then
		fail "$name: clean run" "exit $clean_status" "$clean_output"
		continue
	fi
	expected_steps=$(jq -r '.steps[].id' "$payload" | tr '\n' ' ')
	clean_steps=$(done_steps "$journal")
	built_state >"$E2E_TMP/$name.clean" 2>&1
	pass "$name: clean run ($(jq '.steps | length' "$payload") steps)"
	failures=0
	points=$(crash_points "$payload")
	for point in $points; do
		reset_tree
		prepare_for "$payload"
		# shellcheck disable=SC2086
		GOOSE_RUN_CRASH_AT=$point run_built apply "$E2E_TMP/crash-plans/$name.plan" $approvals >/dev/null 2>&1
		status=$?
		# approvals given to apply are journaled after begin: a run killed before then needs them again
		# shellcheck disable=SC2086
		resume_output=$(run_built resume $approvals 2>&1)
		resume_status=$?
		built_state >"$E2E_TMP/$name.crash" 2>&1
		steps=$(done_steps "$journal")
		if [ "$status" -ne 137 ]; then
			fail "$name: killed at $point" "exit $status, expected 137 (SIGKILL)"
		elif [ "$resume_status" -ne 0 ]; then
			fail "$name: killed at $point, resumed" "resume exit $resume_status" "$resume_output"
		elif [ "$steps" != "$expected_steps" ]; then
			fail "$name: killed at $point, resumed" "steps done: $steps" "expected:   $expected_steps"
		elif ! diff -u "$E2E_TMP/$name.clean" "$E2E_TMP/$name.crash" >"$E2E_TMP/diff"; then
			fail "$name: killed at $point, resumed" "final state differs from a clean run:" "$(cat "$E2E_TMP/diff")"
		else
			continue
		fi
		failures=$((failures + 1))
	done
	if [ "$failures" -eq 0 ]; then
		pass "$name: killed at each of $(echo $points | wc -w) points and resumed to the clean run's state, each step done once"
	fi
	[ "$clean_steps" = "$expected_steps" ] || fail "$name: clean run's steps" "$clean_steps"
done
finish
