#!/usr/bin/env bash
# goose-run crash safety: a promotion killed by SIGKILL before and after every step's journal
# record (and inside the swap) is finished by `goose-run resume` to the same final state as a
# clean run; applying a finished plan again changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
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

points="begin:done"
for step in validate snapshot exec promote ${HTTP_PORT:+verify} monitoring; do
	points="$points $step:intent $step:done"
done
points="$points promote:swapped promote:registered finish:done"
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
finish
