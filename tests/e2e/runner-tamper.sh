#!/usr/bin/env bash
# goose-run refusals: one flipped byte in a plan's payload, in its signature, in a journal
# record; an unsigned, untrusted, expired, expiry-less, stale and malformed plan: each refused
# with a one-line reason and its own exit code.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
trap 'rm -rf "$E2E_TMP"' EXIT

if ! runner_setup; then
	fail "setup" "cannot create keys or sign the test plan"
	finish
	exit 1
fi
PLAN=$E2E_TMP/promote.plan
PUB=$E2E_TMP/keys/runner-test.pub

# flip_at FILE OFFSET: replaces one base64 letter by another (so the envelope still parses).
flip_at() {
	python3 - "$1" "$2" <<'PY'
import sys
path, offset = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, 'rb').read())
data[offset] = ord('B') if data[offset] != ord('B') else ord('C')
open(path, 'wb').write(bytes(data))
PY
}

check_contains "a signed plan verifies" 0 "verified: promote of stage 'compliance'" -- "$RUNNER" verify "$PLAN" --trust "$PUB" --now "$NOW"

cp "$PLAN" "$E2E_TMP/payload-flipped.plan"
offset=$(grep -bo '"payload":"' "$PLAN" | head -n1 | cut -d: -f1)
flip_at "$E2E_TMP/payload-flipped.plan" $((offset + 11 + 40))
check_contains "a flipped payload byte is a bad signature" 11 "bad signature" -- "$RUNNER" verify "$E2E_TMP/payload-flipped.plan" --trust "$PUB" --now "$NOW"

cp "$PLAN" "$E2E_TMP/signature-flipped.plan"
offset=$(grep -bo '"sig":"' "$PLAN" | head -n1 | cut -d: -f1)
flip_at "$E2E_TMP/signature-flipped.plan" $((offset + 7 + 10))
check_contains "a flipped signature byte is a bad signature" 11 "bad signature" -- "$RUNNER" verify "$E2E_TMP/signature-flipped.plan" --trust "$PUB" --now "$NOW"

"$GOOSEC" keygen "$E2E_TMP/other" --name other >/dev/null
check_contains "an untrusted key is refused" 12 "untrusted key" -- "$RUNNER" verify "$PLAN" --trust "$E2E_TMP/other/other.pub" --now "$NOW"
check_contains "an expired plan is refused" 14 "plan expired" -- "$RUNNER" verify "$PLAN" --trust "$PUB" --now $((NOW + 7200))

"$PLAN_SIGN" --unsigned "$E2E_TMP/payload.json" >"$E2E_TMP/unsigned.plan"
check_contains "an unsigned plan is refused" 13 "plan is unsigned" -- "$RUNNER" verify "$E2E_TMP/unsigned.plan" --trust "$PUB" --now "$NOW"
check_contains "an unsigned plan passes with --allow-unsigned" 0 "verified" -- "$RUNNER" verify "$E2E_TMP/unsigned.plan" --allow-unsigned --now "$NOW"

python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["expires"]=None; json.dump(p, open(sys.argv[2],"w"))' "$E2E_TMP/payload.json" "$E2E_TMP/no-expiry.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/no-expiry.json" >"$E2E_TMP/no-expiry.plan"
check_contains "a plan without expiry is refused" 15 "no expiry" -- "$RUNNER" verify "$E2E_TMP/no-expiry.plan" --trust "$PUB" --now "$NOW"
check_contains "a plan without expiry passes with --allow-no-expiry" 0 "verified" -- "$RUNNER" verify "$E2E_TMP/no-expiry.plan" --trust "$PUB" --allow-no-expiry --now "$NOW"

python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["steps"][0]["action"]="rm.rf"; json.dump(p, open(sys.argv[2],"w"))' "$E2E_TMP/payload.json" "$E2E_TMP/bad-action.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/bad-action.json" >"$E2E_TMP/bad-action.plan"
check_contains "a signed plan with an unknown action is malformed" 10 "unknown action 'rm.rf'" -- "$RUNNER" verify "$E2E_TMP/bad-action.plan" --trust "$PUB" --now "$NOW"
printf 'not json' >"$E2E_TMP/garbage.plan"
check_contains "garbage is not a plan" 10 "not a plan envelope" -- "$RUNNER" verify "$E2E_TMP/garbage.plan" --trust "$PUB" --now "$NOW"

# stale: a plan that expects generation 0 after the stage moved to 1
work=$E2E_TMP/work
fresh_workdir "$work"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["steps"]=[s for s in p["steps"] if s["action"]!="http.check"]; json.dump(p, open(sys.argv[2],"w"))' "$E2E_TMP/payload.json" "$E2E_TMP/local.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/local.json" >"$E2E_TMP/local.plan"
check_contains "dry run changes nothing" 0 "nothing is changed" -- run_in "$work" apply "$E2E_TMP/local.plan" --dry-run
if [ ! -e "$work/.goose/run" ]; then pass "dry run left no state dir"; else fail "dry run left no state dir"; fi
check_contains "a missing approval fails the gate" 3 "gate 'approvals' failed" -- run_in "$work" apply "$E2E_TMP/local.plan"
check_contains "the approval lets the run finish" 0 "applied promote plan" -- run_in "$work" apply "$E2E_TMP/local.plan" --approve bob

# A refused gate before any stage change sets the run aside: the state dir is free for other
# plans, and the same plan applied again continues where it stopped unless its stages moved on.
parked=$E2E_TMP/parked
fresh_workdir "$parked"
check_contains "a refused gate sets the run aside" 3 \
	"gate 'approvals' failed: needs 1 approval(s), has 0 (pass --approve NAME); nothing was changed: the run is set aside (apply the same plan again to continue it), other plans may run meanwhile" -- \
	run_in "$parked" apply "$E2E_TMP/local.plan"
check "nothing is in progress after it" 0 "nothing to resume in '.goose/run'" -- run_in "$parked" resume
check "the stage was not touched" 0 '{"version":"1.1.0"}' -- cat "$parked/.goose/stages/compliance/version.json"
check "the same plan with the approval continues the run" 0 "  1. stage.validate     validate: already done
  2. snapshot.create    snapshot: already done
  3. exec               exec: already done
gate approvals: passed
  4. stage.promote      promote: done
  5. monitoring.update  monitoring: done
applied promote plan for stage 'compliance'" -- run_in "$parked" apply "$E2E_TMP/local.plan" --approve alice
check "one snapshot: the continued run did not take a second" 0 1 -- \
	sh -c "cd '$parked' && '$RUNNER' snapshots list --store .goose/snapshots --json | grep -c '\"id\"'"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["created"]-=1; json.dump(p, open(sys.argv[2],"w"))' "$E2E_TMP/local.json" "$E2E_TMP/other.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/other.json" >"$E2E_TMP/other.plan"
moved=$E2E_TMP/moved
fresh_workdir "$moved"
run_in "$moved" apply "$E2E_TMP/local.plan" >/dev/null 2>&1
check_contains "another plan runs while one is set aside" 0 "applied promote plan" -- run_in "$moved" apply "$E2E_TMP/other.plan" --approve bob
check_contains "the set-aside run is stale once its stage moved on" 17 \
	"stale run: stage 'compliance' moved on since this run was set aside (generation 1, was 0): build and apply a new plan" -- \
	run_in "$moved" apply "$E2E_TMP/local.plan" --approve bob
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["expected_state"]={"compliance":{"generation":0,"release_digest":None}}; p["state_check"]="exact"; json.dump(p, open(sys.argv[2],"w"))' "$E2E_TMP/local.json" "$E2E_TMP/stale.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/stale.json" >"$E2E_TMP/stale.plan"
check_contains "a stale plan is refused" 17 "stage 'compliance' generation is 1, plan expects 0" -- run_in "$work" apply "$E2E_TMP/stale.plan"
(cd "$work" && "$RUNNER" status --json) >"$E2E_TMP/state.json"
check_contains "status --json is what goosec build --state-from reads" 0 '{"stages":{"compliance":{"generation":1,"release_digest":"sha256:' -- cat "$E2E_TMP/state.json"

# a journal record with one flipped byte
work=$E2E_TMP/journal
fresh_workdir "$work"
GOOSE_RUN_CRASH_AT=exec:done run_in "$work" apply "$E2E_TMP/local.plan" --approve alice >/dev/null 2>&1
journal=$(ls "$work"/.goose/run/runs/*/journal)
python3 - "$journal" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, 'rb').read().split(b'\n')
record = bytearray(lines[2])
at = record.index(b'"time":') + 8
record[at] = ord('7') if record[at] != ord('7') else ord('6')
lines[2] = bytes(record)
open(path, 'wb').write(b'\n'.join(lines))
PY
check_contains "a flipped journal byte is refused, naming the record" 18 "journal record 3 is refused" -- run_in "$work" resume
check_contains "a tampered journal blocks apply too" 18 "hash does not match" -- run_in "$work" apply "$E2E_TMP/local.plan"
finish
