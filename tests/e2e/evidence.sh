#!/usr/bin/env bash
# Evidence bundles end to end: goosec evidence collect over the example tree, verify and show;
# every kind of tampering refused with its exact reason; the DSSE signature checked by openssl
# over the PAE bytes; the evidence.collect step inside real goose-run plan runs (a promotion's
# bundle, a load-test report folder stored with retention, no key refused); the rollback_tested
# gate failing without a drill, passing after one, failing once the drill is too old; a promotion
# proving its restore by the stage's last drill, {service} paths per service, the evidence key's name.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
trap 'rm -rf "$E2E_TMP"' EXIT
source_root=$(cd "$(dirname "$0")/../.." && pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795651200}

if ! command -v zstd >/dev/null || ! command -v python3 >/dev/null; then
	echo "skip: evidence tests need zstd and python3"
	echo "0 passed, 0 failed"
	exit 0
fi

keys=$E2E_TMP/evidence-keys
"$GOOSEC" keygen "$keys" --name audit-2026q4 >/dev/null
"$GOOSEC" keygen "$keys" --name intruder >/dev/null
PUB=$keys/audit-2026q4.pub
KEY=$keys/audit-2026q4.key
build=$E2E_TMP/build
"$GOOSEC" build --unsigned --no-cache -o "$build" "$source_root" >/dev/null 2>&1 || fail "build of the example tree"
plan=$build/plans/promote-sandbox-to-compliance.plan
bundle=$E2E_TMP/evidence.bundle

# ---- goosec evidence collect / verify / show ----

check_contains "collect reports each missing piece with its reason" 0 \
	"warning: control CC7.1 lacks evidence 'scan-report': no run journal [evidence-incomplete]" -- \
	"$GOOSEC" evidence collect --tree "$source_root" --build-dir "$build" --plan "$plan" --out "$bundle" --sign-key "$KEY"
items=$(($(zstd -dc "$bundle" | wc -l) - 2))
head_hex=$(zstd -dc "$bundle" | tail -n 2 | head -n 1 | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read().rstrip(b"\n")).hexdigest())')
key_id=$(openssl pkey -pubin -in "$PUB" -outform DER 2>/dev/null | tail -c 32 | sha256sum | cut -d' ' -f1)
check "verify accepts the bundle" 0 \
	"$bundle: verified: $items items, 1 of 5 controls complete, chain head ${head_hex:0:16}, signed by key id $key_id" -- \
	"$GOOSEC" evidence verify "$bundle" --trust "$PUB"
check_contains "show lists the plan as the first item, for CC8.1" 0 \
	"  1. promotion-plan/plan (application/vnd.goosec.plan+json," -- "$GOOSEC" evidence show "$bundle" --trust "$PUB"
check_contains "show names the controls still incomplete" 0 "  A1.2     INCOMPLETE, missing snapshot-manifest restore-validation" -- \
	"$GOOSEC" evidence show "$bundle"
check_contains "show verifies with --trust" 0 "signature: verified (key id $key_id)" -- "$GOOSEC" evidence show "$bundle" --trust "$PUB"
check_contains "the decompressed bundle is one JSON document a line" 0 '{"format":"goosec-evidence","version":1}' -- \
	sh -c "zstd -dc '$bundle' | head -n 1"
check_contains "--require-complete refuses to write an incomplete bundle" 1 \
	"error: control A1.2 lacks evidence 'restore-validation': no run journal [evidence-incomplete]" -- \
	"$GOOSEC" evidence collect --tree "$source_root" --build-dir "$build" --plan "$plan" --out "$E2E_TMP/incomplete.bundle" \
	--sign-key "$KEY" --require-complete
check "nothing was written with --require-complete" 1 - -- test -e "$E2E_TMP/incomplete.bundle"
check_contains "collect without a key is a usage error" 2 "no evidence key: pass --sign-key FILE" -- \
	env -u GOOSEC_EVIDENCE_KEY_FILE "$GOOSEC" evidence collect --tree "$source_root" --build-dir "$build" --out "$E2E_TMP/x.bundle"
evidence_line=$(grep -n '^  evidence: ' "$source_root/goose.yaml" | cut -d: -f1)
check_contains "a key goose.yaml does not name for evidence is refused" 1 \
	"goose.yaml:$evidence_line:13: error: evidence would be signed with key 'intruder' (id" -- \
	bash -c "cd '$source_root' && '$GOOSEC' evidence collect --build-dir '$build' --out '$E2E_TMP/x.bundle' --sign-key '$keys/intruder.key'"
check "nothing was written for the wrong key" 1 - -- test -e "$E2E_TMP/x.bundle"
check_contains "verify needs --trust" 2 "verify: --trust PUB is required" -- "$GOOSEC" evidence verify "$bundle"
check "an untrusted key is refused" 1 \
	"$bundle: error: signed by an untrusted key (key id $key_id) [evidence-untrusted-key]" -- \
	"$GOOSEC" evidence verify "$bundle" --trust "$keys/intruder.pub"
"$GOOSEC" evidence collect --tree "$source_root" --build-dir "$build" --out "$E2E_TMP/unsigned.bundle" --unsigned >/dev/null
check "an unsigned bundle is refused" 1 \
	"$E2E_TMP/unsigned.bundle: error: unsigned bundle: the statement carries no signature [evidence-unsigned]" -- \
	"$GOOSEC" evidence verify "$E2E_TMP/unsigned.bundle" --trust "$PUB"

# ---- retention from the collection rules reaches the plans ----

tree=$E2E_TMP/tree
mkdir "$tree"
cp -r "$source_root"/goose.yaml "$source_root"/load-test "$source_root"/monitoring "$source_root"/golden-goose "$source_root"/security "$tree"/
# the example keeps reports 90 days; here only a count, so an absent max_age is seen in the plan
sed -i 's/^  reports: { keep_last: 20, max_age: 90d }$/  reports: { keep_last: 20 }/' "$tree/security/audit/collection-rules.yaml"
"$GOOSEC" build --unsigned --no-cache -o "$tree/out" "$tree" >/dev/null 2>&1 || fail "build of the tree with retention"
check "the plans' evidence.collect steps carry the retention of collection-rules.yaml" 0 \
"generate-compliance-evidence {'keep_last': 50, 'max_age_ms': 34560000000} build
store-report {'keep_last': 20, 'max_age_ms': None} None" -- python3 - "$tree/out/plans/promote-sandbox-to-compliance.plan" "$tree/out/plans/loadtest-compliance.plan" <<'PY'
import base64, json, sys
for path in sys.argv[1:]:
    payload = json.loads(base64.b64decode(json.load(open(path))["payload"]))
    for step in payload["steps"]:
        if step["action"] == "evidence.collect":
            print(step["id"], step["args"].get("retention"), step["args"].get("build_dir"))
PY
sed -i 's/reports: { keep_last: 20 }/reports: { keep_lats: 20 }/' "$tree/security/audit/collection-rules.yaml"
check_contains "a misspelt retention key is a schema error" 1 "unknown property 'keep_lats'" -- "$GOOSEC" lint --no-cache "$tree"

# ---- openssl verifies the DSSE signature over the PAE bytes on its own ----

zstd -dc "$bundle" | tail -n 1 >"$E2E_TMP/envelope.json"
python3 - "$E2E_TMP/envelope.json" "$E2E_TMP" <<'PY'
import base64, json, sys
envelope = json.load(open(sys.argv[1]))
payload = base64.b64decode(envelope["payload"])
kind = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
open(sys.argv[2] + "/pae.bin", "wb").write(pae)
open(sys.argv[2] + "/sig.bin", "wb").write(base64.b64decode(envelope["signatures"][0]["sig"]))
statement = json.loads(payload)
assert statement["_type"] == "https://in-toto.io/Statement/v1", statement["_type"]
assert envelope["payloadType"] == "application/vnd.in-toto+json"
PY
check "the statement names its predicate type, its subjects and the chain head" 0 \
	"https://goosec.dev/evidence/v1 $items $head_hex" -- python3 - "$E2E_TMP/envelope.json" <<'PY'
import base64, json, sys
statement = json.loads(base64.b64decode(json.load(open(sys.argv[1]))["payload"]))
print(statement["predicateType"], len(statement["subject"]), statement["predicate"]["chain_head"])
PY
if command -v openssl >/dev/null; then
	check "openssl verifies the bundle's signature over the PAE bytes" 0 - -- \
		openssl pkeyutl -verify -rawin -pubin -inkey "$PUB" -in "$E2E_TMP/pae.bin" -sigfile "$E2E_TMP/sig.bin"
	printf 'x' >>"$E2E_TMP/pae.bin"
	check "openssl refuses changed bytes" 1 - -- \
		openssl pkeyutl -verify -rawin -pubin -inkey "$PUB" -in "$E2E_TMP/pae.bin" -sigfile "$E2E_TMP/sig.bin"
fi

# ---- tampering: each refused with its own reason ----

# tamper MODE OUT: rewrites the decompressed bundle with python and compresses it again.
tamper() {
	zstd -dc "$bundle" >"$E2E_TMP/bundle.txt"
	python3 - "$1" "$E2E_TMP/bundle.txt" <<'PY' || return 1
import base64, hashlib, json, sys
mode, path = sys.argv[1], sys.argv[2]
lines = open(path, "rb").read().decode().split("\n")[:-1]
records = lines[1:-1]
def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
if mode == "change":
    record = json.loads(records[1])
    content = bytearray(base64.b64decode(record["content"]))
    content[0] ^= 0x20
    record["content"] = base64.b64encode(bytes(content)).decode()
    records[1] = canonical(record)
elif mode == "reorder":
    records[0], records[1] = records[1], records[0]
elif mode == "remove-middle":
    del records[1]
elif mode == "remove-last":
    del records[-1]
elif mode == "add":
    prev = hashlib.sha256(records[-1].encode()).hexdigest()
    content = b"forged\n"
    records.append(canonical({"content": base64.b64encode(content).decode(), "controls": ["CC8.1"],
        "evidence": "approvals", "media_type": "text/plain", "name": "approvals/forged.txt", "prev": prev,
        "seq": len(records) + 1, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
        "source": "file:forged.txt"}))
elif mode == "record-byte":
    records[0] = records[0].replace('"source":"plan:', '"source":"plan;', 1)
elif mode == "signature-byte":
    envelope = json.loads(lines[-1])
    signature = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    signature[0] ^= 0x01
    envelope["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
    lines[-1] = canonical(envelope)
open(path, "wb").write(("\n".join([lines[0]] + records + [lines[-1]]) + "\n").encode())
PY
	zstd -q -f -c "$E2E_TMP/bundle.txt" >"$2"
}

record_name() { zstd -dc "$bundle" | sed -n "$(($1 + 1))p" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])'; }
second=$(record_name 2)
third=$(record_name 3)
tampered=$E2E_TMP/tampered.bundle
tamper change "$tampered"
check "a changed item" 1 "$tampered: error: record 2 '$second': content does not match its sha256 [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper reorder "$tampered"
check "reordered items" 1 \
	"$tampered: error: record 1 '$second': it is item 2 of the chain: records were reordered, added or removed [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper remove-middle "$tampered"
check "an item removed from the middle" 1 \
	"$tampered: error: record 2 '$third': it is item 3 of the chain: records were reordered, added or removed [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper remove-last "$tampered"
check "the last item removed" 1 \
	"$tampered: error: the bundle holds $((items - 1)) items, the statement lists $items [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper add "$tampered"
check "an item added, chained properly" 1 \
	"$tampered: error: the bundle holds $((items + 1)) items, the statement lists $items [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper record-byte "$tampered"
check "one byte changed in a record" 1 \
	"$tampered: error: record 2 '$second': chain broken: prev is not the hash of the record before [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
tamper signature-byte "$tampered"
check "one bit flipped in the signature" 1 \
	"$tampered: error: bad signature: the statement is not the one the key signed [evidence-bad-signature]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
size=$(stat -c %s "$bundle")
head -c $((size - 100)) "$bundle" >"$tampered"
check "a truncated file" 1 "$tampered: error: truncated bundle: the compressed data ends early [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
cp "$bundle" "$tampered"
printf '\x00' | dd of="$tampered" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
check_contains "a byte changed in the compressed file" 1 "$tampered: error: corrupt bundle: " -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"
printf 'not a bundle' >"$tampered"
check "not a bundle at all" 1 "$tampered: error: not an evidence bundle: no zstd frame [evidence-tampered]" -- \
	"$GOOSEC" evidence verify "$tampered" --trust "$PUB"

# ---- the evidence.collect step in real goose-run runs ----

if ! runner_setup; then
	fail "runner setup" "cannot create keys or sign the test plans"
	finish
	exit 1
fi
SIGN_KEY=$E2E_TMP/keys/runner-test.key
run_with() {
	local dir=$1
	shift
	(cd "$dir" && "$RUNNER" "$@" --trust "$E2E_TMP/keys/runner-test.pub" --snapshot-key "$E2E_TMP/snapshot.key")
}
# plan_file NAME WORKFLOW GATES STEPS [EXPIRES]: a signed plan for stage compliance.
plan_file() {
	cat >"$E2E_TMP/$1.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"runner-test","workflow":"$2","stage":"compliance","from_stage":"sandbox",
 "created":$((NOW - 60)),"expires":${5:-$((NOW + 3600))},"expected_state":null,"state_check":"first-seen","inputs":{},
 "gates":$3,"steps":$4}
JSON
	"$PLAN_SIGN" "$SIGN_KEY" "$E2E_TMP/$1.json" >"$E2E_TMP/$1.plan"
}
validate='{"id":"validate","phase":"validate","action":"stage.validate","title":"sandbox","args":{"stage":"sandbox","state_dir":".goose/stages/sandbox","require_files":["version.json"]}}'
snapshot='{"id":"snapshot","phase":"snapshot","action":"snapshot.create","title":"recovery point","args":{"stage":"compliance","state_dir":".goose/stages/compliance","purpose":"recovery","store":".goose/snapshots","include":[],"exclude":[],"retention":{"keep_last":5,"max_age_ms":null},"key_id":"test","checks":[{"check":"integrity"}]}}'
promote='{"id":"promote","phase":"promote","action":"stage.promote","title":"promote","args":{"from":"sandbox","to":"compliance","from_state_dir":".goose/stages/sandbox","to_state_dir":".goose/stages/compliance","source":"stage","release_digest":null}}'
evidence='{"id":"evidence","phase":"evidence","action":"evidence.collect","title":"evidence","args":{"workflow":"promote","stage":"compliance","framework":"Test framework",
 "controls":[{"id":"CC8.1","evidence":["promotion-plan","approvals","snapshot-manifest"]},{"id":"A1.2","evidence":["snapshot-manifest","restore-validation"]}],
 "items":{"promotion-plan":{"from":"plan"},"approvals":{"from":"approvals"},"snapshot-manifest":{"from":"step","step":"snapshot.create"},
 "restore-validation":{"from":"step","step":"snapshot.restore"},"unused":{"from":"file","path":"*.txt"}},
 "signing_key":"audit-2026q4","build_dir":"build","retention":{"keep_last":2,"max_age_ms":null}}}'
plan_file promote-evidence promote '{}' "[$validate,$snapshot,$evidence,$promote]"

work=$E2E_TMP/work-evidence
fresh_workdir "$work"
mkdir -p "$work/.goose/run/evidence/compliance"
printf old >"$work/.goose/run/evidence/compliance/20261101T000000Z-aaaaaa.bundle"
printf old >"$work/.goose/run/evidence/compliance/20261102T000000Z-bbbbbb.bundle"
check_contains "without an evidence key the step fails and says how to pass one" 1 \
	"evidence.collect needs the evidence signing key: pass --evidence-key FILE or set GOOSE_EVIDENCE_KEY_FILE" -- \
	env -u GOOSE_EVIDENCE_KEY_FILE bash -c "cd '$work' && '$RUNNER' apply '$E2E_TMP/promote-evidence.plan' --trust '$E2E_TMP/keys/runner-test.pub' --now $NOW --snapshot-key '$E2E_TMP/snapshot.key' --approve alice"
check_contains "resumed with the key, the step writes the bundle" 0 "applied promote plan for stage 'compliance'" -- \
	run_with "$work" resume --now "$NOW" --evidence-key "$KEY"
digest=$("$RUNNER" verify "$E2E_TMP/promote-evidence.plan" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" | sed 's/.*digest sha256://')
run_bundle=$work/.goose/run/evidence/compliance/20261126T000000Z-${digest:0:6}.bundle
check_contains "the run's bundle verifies: plan, approval and snapshot step" 0 "verified: 3 items, 1 of 2 controls complete" -- \
	"$GOOSEC" evidence verify "$run_bundle" --trust "$PUB"
check_contains "the bundle names the run, its plan and its stage" 0 \
	"run: 20261126T000000Z-${digest:0:6}, promote of stage compliance" -- "$GOOSEC" evidence show "$run_bundle"
check_contains "the missing restore drill is recorded in the bundle" 0 \
	"missing restore-validation: no 'snapshot.restore' step finished in the run" -- "$GOOSEC" evidence show "$run_bundle"
check "the approval is evidence; show --item prints an item's bytes" 0 '{"approvals":[{"name":"alice","time":1795651200}]}' -- \
	"$GOOSEC" evidence show "$run_bundle" --trust "$PUB" --item approvals/approvals.json
check_contains "show --item names an item the bundle lacks" 1 "holds no item 'approvals/nothing'" -- \
	"$GOOSEC" evidence show "$run_bundle" --item approvals/nothing
check "retention kept the two newest bundles, the new one among them" 0 \
	"20261102T000000Z-bbbbbb.bundle
20261126T000000Z-${digest:0:6}.bundle" -- ls "$work/.goose/run/evidence/compliance"
check_contains "the journal records the bundle and what retention removed" 0 '"retention_removed":["20261101T000000Z-aaaaaa.bundle"]' -- \
	cat "$work/.goose/run/runs/$digest/journal"

# an unsigned plan (run only with --allow-unsigned) gets an unsigned bundle; a signed one never does
"$PLAN_SIGN" --unsigned "$E2E_TMP/promote-evidence.json" >"$E2E_TMP/unsigned-evidence.plan"
unsigned_work=$E2E_TMP/work-unsigned
fresh_workdir "$unsigned_work"
check_contains "an unsigned plan with --allow-unsigned collects without a key" 0 "applied promote plan for stage 'compliance'" -- \
	env -u GOOSE_EVIDENCE_KEY_FILE bash -c "cd '$unsigned_work' && '$RUNNER' apply '$E2E_TMP/unsigned-evidence.plan' --allow-unsigned --now $NOW --snapshot-key '$E2E_TMP/snapshot.key' --approve alice"
check_contains "and its bundle is refused as unsigned" 1 "unsigned bundle: the statement carries no signature [evidence-unsigned]" -- \
	bash -c "'$GOOSEC' evidence verify '$unsigned_work'/.goose/run/evidence/compliance/*.bundle --trust '$PUB'"

# goosec collects from the same run directory: its journal (approvals, step results) and plan
run_dir=$work/.goose/run/runs/$digest
check_contains "goosec collect --run-dir finds the run's approvals and snapshot step" 0 \
	"evidence.bundle: $((items + 2)) items, 2 of 5 controls complete" -- bash -c "cd '$E2E_TMP' && '$GOOSEC' evidence collect --tree '$source_root' \
	--build-dir '$build' --run-dir '$run_dir' --sign-key '$KEY' | tail -n 1"
check_contains "the run's approval and step detail are items, under the run's id" 0 \
	"run: 20261126T000000Z-${digest:0:6}, promote of stage compliance" -- "$GOOSEC" evidence show "$E2E_TMP/evidence.bundle"
check_contains "the snapshot step's detail is the snapshot-manifest evidence" 0 \
	"snapshot-manifest/snapshot.json (application/json," -- "$GOOSEC" evidence show "$E2E_TMP/evidence.bundle"

check_contains "the snapshot evidence carries the store's index entry of the recovery point" 0 '"index_entry":{' -- \
	sh -c "zstd -dc '$run_bundle' | grep -F '\"name\":\"snapshot-manifest/snapshot.json\"' | python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(sys.stdin)[\"content\"]).decode())'"
cp -a "$run_dir" "$E2E_TMP/changed-run"
sed -i 's/"name":"alice"/"name":"mallory"/' "$E2E_TMP/changed-run/journal"
check "goosec collect refuses a run journal that was changed" 1 \
	"goosec: evidence collect: '$E2E_TMP/changed-run/journal' line 2: the journal record was changed (its hash chain does not hold)" -- \
	bash -c "'$GOOSEC' evidence collect --tree '$source_root' --build-dir '$build' --run-dir '$E2E_TMP/changed-run' --out '$E2E_TMP/x.bundle' --sign-key '$KEY' 2>&1 >/dev/null"

# the evidence_complete gate reads the run's bundle
complete_gate='{"evidence_complete":{"enforcement":"required","checked_before":"promote"}}'
plan_file promote-complete promote "$complete_gate" "[$validate,$snapshot,$evidence,$promote]"
work=$E2E_TMP/work-complete
fresh_workdir "$work"
check_contains "an incomplete bundle fails the evidence_complete gate (exit 3)" 3 \
	"gate evidence_complete: FAILED: evidence is incomplete: missing restore-validation" -- \
	run_with "$work" apply "$E2E_TMP/promote-complete.plan" --now "$NOW" --evidence-key "$KEY" --approve alice

# the load-test store step: the report folder of this run, bundled beside its reports
store='{"id":"store-report","phase":"store-report","action":"evidence.collect","title":"Store the report","args":{"items":["loadtest-report"],"dir":"load-test/reports/dr","layout":"{run}/report.json","stage":"compliance","retention":{"keep_last":2,"max_age_ms":null}}}'
plan_file loadtest-store loadtest '{}' "[$store]"
digest=$("$RUNNER" verify "$E2E_TMP/loadtest-store.plan" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" | sed 's/.*digest sha256://')
run_id=20261126T000000Z-${digest:0:6}
work=$E2E_TMP/work-store
fresh_workdir "$work"
reports=$work/load-test/reports/dr
check_contains "no report: the store step fails" 1 "no report to store: '$reports/$run_id/report.json' does not exist" -- \
	run_with "$work" apply "$E2E_TMP/loadtest-store.plan" --now "$NOW" --evidence-key "$KEY"
mkdir -p "$reports/$run_id" "$reports/20261101T000000Z-aaaaaa" "$reports/20261120T000000Z-cccccc"
printf '{"passed":true}' >"$reports/$run_id/report.json"
printf '<testsuites/>' >"$reports/$run_id/junit.xml"
printf '# summary\n' >"$reports/$run_id/summary.md"
printf '<html></html>' >"$reports/$run_id/report.html"
check_contains "with the reports there, resume stores them" 0 "applied loadtest plan for stage 'compliance'" -- \
	run_with "$work" resume --now "$NOW" --evidence-key "$KEY"
check_contains "the report bundle verifies" 0 "verified: 4 items, 0 of 0 controls complete" -- \
	"$GOOSEC" evidence verify "$reports/$run_id/evidence.bundle" --trust "$PUB"
check_contains "it holds each report file" 0 "  4. loadtest-report/summary.md (text/markdown, 10 bytes)" -- \
	"$GOOSEC" evidence show "$reports/$run_id/evidence.bundle"
check "retention keeps the newest two run folders" 0 "20261120T000000Z-cccccc
$run_id" -- ls "$reports"

# ---- the rollback_tested gate ----

gate='{"rollback_tested":{"enforcement":"required","within_ms":1209600000,"checked_before":"promote"}}'
plan_file first-promote promote '{}' "[$validate,$promote]"
# a second release to promote once the first is live
plan_file gated-promote promote "$gate" "[$validate,$promote]" $((NOW + 30 * 86400))
drill='[{"id":"drill","phase":"drill","action":"monitoring.update","title":"rollback drill","args":{"stage":"compliance","event":"rollback"}}]'
plan_file rollback-drill rollback '{}' "$drill"

work=$E2E_TMP/work-gate
fresh_workdir "$work"
check_contains "a stage never deployed has nothing to drill" 0 \
	"gate rollback_tested: passed: stage 'compliance' has no release yet: no rollback to drill" -- \
	bash -c "cp -a '$work' '$work-empty' && cd '$work-empty' && '$RUNNER' apply '$E2E_TMP/gated-promote.plan' --trust '$E2E_TMP/keys/runner-test.pub' --now $NOW"
run_with "$work" apply "$E2E_TMP/first-promote.plan" --now "$NOW" >/dev/null 2>&1
check_contains "without a recorded drill the gate fails (exit 3)" 3 \
	"gate rollback_tested: FAILED: no successful rollback of stage 'compliance' is recorded (run its rollback plan as a drill)" -- \
	run_with "$work" apply "$E2E_TMP/gated-promote.plan" --now "$NOW"

work=$E2E_TMP/work-drill
fresh_workdir "$work"
run_with "$work" apply "$E2E_TMP/first-promote.plan" --now "$NOW" >/dev/null 2>&1
check_contains "the rollback drill succeeds" 0 "applied rollback plan for stage 'compliance'" -- \
	run_with "$work" apply "$E2E_TMP/rollback-drill.plan" --now "$((NOW + 10))"
check_contains "the registry records the drill" 0 "\"last_rollback\":{\"plan\":\"sha256:" -- cat "$work/.goose/run/stages.json"
cp -a "$work" "$work-late"
check_contains "after a drill the gate passes" 0 \
	"gate rollback_tested: passed: stage 'compliance' was rolled back successfully 1 hours ago" -- \
	run_with "$work" apply "$E2E_TMP/gated-promote.plan" --now "$((NOW + 3610))"
check_contains "a drill older than the gate's window fails it" 3 \
	"gate rollback_tested: FAILED: the last successful rollback of stage 'compliance' was 15 days ago, the gate wants one within 14 days" -- \
	run_with "$work-late" apply "$E2E_TMP/gated-promote.plan" --now "$((NOW + 15 * 86400 + 10))"

# ---- restore evidence from the last rollback drill, {service} per service, the key's name ----

# A promotion proves A1.2 with the stage's last rollback drill: the restore step of that run,
# found through the registry's last_rollback record.
snap_first='{"id":"snapshot","phase":"snapshot","action":"snapshot.create","title":"recovery point","args":{"stage":"compliance","state_dir":".goose/stages/compliance","purpose":"recovery","store":".goose/snapshots","include":[],"exclude":[],"retention":{"keep_last":5,"max_age_ms":null},"key_id":"test","checks":[{"check":"integrity"}]}}'
plan_file snapshot-promote promote '{}' "[$validate,$snap_first,$promote]"
restore='[{"id":"restore","phase":"restore","action":"snapshot.restore","title":"restore the previous snapshot","args":{"stage":"compliance","state_dir":".goose/stages/compliance","store":".goose/snapshots","select":"latest-before-current-release","checks":[{"check":"integrity"},{"check":"require_files","files":["version.json"]}]}}]'
plan_file restore-drill rollback '{}' "$restore"
drill_evidence='{"id":"evidence","phase":"evidence","action":"evidence.collect","title":"evidence","args":{"workflow":"promote","stage":"compliance","framework":"Test framework",
 "controls":[{"id":"A1.2","evidence":["snapshot-manifest","restore-validation"]},{"id":"CC7.1","evidence":["sbom"]}],
 "items":{"snapshot-manifest":{"from":"step","step":"snapshot.create"},"restore-validation":{"from":"step","step":"snapshot.restore"},
  "sbom":{"from":"build","path":"security/sbom/{service}.cdx.json"}},
 "services":["ledger-api","gateway"],"signing_key":"audit-2026q4","build_dir":"build","retention":null}}'
plan_file drill-evidence promote '{}' "[$validate,$snapshot,$drill_evidence,$promote]" $((NOW + 86400))
drill_digest=$("$RUNNER" verify "$E2E_TMP/restore-drill.plan" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" | sed 's/.*digest sha256://')
evidence_digest=$("$RUNNER" verify "$E2E_TMP/drill-evidence.plan" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" | sed 's/.*digest sha256://')
drill_run=20261126T000010Z-${drill_digest:0:6}

work=$E2E_TMP/work-restore
fresh_workdir "$work"
mkdir -p "$work/build/security/sbom"
printf '{"bomFormat":"CycloneDX"}' >"$work/build/security/sbom/ledger-api.cdx.json"
printf '{"bomFormat":"CycloneDX"}' >"$work/build/security/sbom/gateway.cdx.json"
printf '{"bomFormat":"CycloneDX"}' >"$work/build/security/sbom/stray.cdx.json"
run_with "$work" apply "$E2E_TMP/snapshot-promote.plan" --now "$NOW" >/dev/null 2>&1
check_contains "a rollback drill restores the previous snapshot" 0 "applied rollback plan for stage 'compliance'" -- \
	run_with "$work" apply "$E2E_TMP/restore-drill.plan" --now "$((NOW + 10))"
check_contains "the registry records the drill's run" 0 "\"run\":\"$drill_run\"" -- cat "$work/.goose/run/stages.json"
# a key file named otherwise than the plan's evidence key is refused before the run starts
check_contains "an evidence key whose name is not the plan's is refused before anything runs" 2 \
	"goose-run apply: the evidence key '$keys/intruder.key' is named 'intruder' but the plan signs evidence with 'audit-2026q4' (goose.yaml signing.evidence): pass that key with --evidence-key" -- \
	run_with "$work" apply "$E2E_TMP/drill-evidence.plan" --now "$((NOW + 20))" --evidence-key "$keys/intruder.key"
check "... and leaves no run behind" 0 "nothing to resume in '.goose/run'" -- run_with "$work" resume --now "$((NOW + 20))"
check_contains "applied with the named key, the promotion collects its evidence" 0 "applied promote plan for stage 'compliance'" -- \
	run_with "$work" apply "$E2E_TMP/drill-evidence.plan" --now "$((NOW + 20))" --evidence-key "$KEY"
drill_bundle=$work/.goose/run/evidence/compliance/20261126T000020Z-${evidence_digest:0:6}.bundle
check_contains "A1.2 is complete: the restore evidence is the drill's" 0 "verified: 4 items, 2 of 2 controls complete" -- \
	"$GOOSEC" evidence verify "$drill_bundle" --trust "$PUB"
check "the items: the drill's restore, one SBOM per service (no stray file), the run's snapshot" 0 \
"restore-validation/drill-restore.json from drill:$drill_run/step:restore
sbom/security/sbom/ledger-api.cdx.json from build:security/sbom/ledger-api.cdx.json
sbom/security/sbom/gateway.cdx.json from build:security/sbom/gateway.cdx.json
snapshot-manifest/snapshot.json from step:snapshot" -- \
	bash -c "'$GOOSEC' evidence show '$drill_bundle' | sed -n 's/^ *[0-9]*\. \([^ ]*\) (.* from \([^ ]*\) for .*/\1 from \2/p'"
check_contains "the drill's restore detail names the snapshot it restored" 0 '"action":"snapshot.restore","detail":{"restored_to":' -- \
	sh -c "zstd -dc '$drill_bundle' | grep -F '\"name\":\"restore-validation/drill-restore.json\"' | python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(sys.stdin)[\"content\"]).decode())'"

check_contains "goosec collect --run-dir finds the drill through the state dir's registry too" 0 \
	"restore-validation/drill-restore.json (application/json," -- bash -c "'$GOOSEC' evidence collect --tree '$source_root' \
	--build-dir '$build' --run-dir '$work/.goose/run/runs/$evidence_digest' --out '$E2E_TMP/drill-cli.bundle' --sign-key '$KEY' \
	>/dev/null && '$GOOSEC' evidence show '$E2E_TMP/drill-cli.bundle'"

# a service without its SBOM leaves CC7.1 incomplete even though another service's is there;
# a key file that carries no name (not NAME.key) is used as given
rm "$work/build/security/sbom/gateway.cdx.json"
cp "$KEY" "$E2E_TMP/evidence-key.pem"
plan_file drill-evidence-2 promote '{}' "[$validate,$snapshot,$drill_evidence,$promote]" $((NOW + 86400 + 1))
check_contains "a service whose SBOM is missing is named as missing evidence" 0 "applied promote plan for stage 'compliance'" -- \
	run_with "$work" apply "$E2E_TMP/drill-evidence-2.plan" --now "$((NOW + 30))" --evidence-key "$E2E_TMP/evidence-key.pem"
check_contains "  ... and its control is incomplete" 0 \
	"missing sbom: nothing matches 'security/sbom/gateway.cdx.json' in '$work/build' for service 'gateway'" -- \
	bash -c "'$GOOSEC' evidence show \$(ls -t '$work'/.goose/run/evidence/compliance/*.bundle | head -n 1)"

# a stage whose last rollback took no restore: the reason names the drill
work=$E2E_TMP/work-no-restore
fresh_workdir "$work"
run_with "$work" apply "$E2E_TMP/first-promote.plan" --now "$NOW" >/dev/null 2>&1
run_with "$work" apply "$E2E_TMP/rollback-drill.plan" --now "$((NOW + 10))" >/dev/null 2>&1
monitor_digest=$("$RUNNER" verify "$E2E_TMP/rollback-drill.plan" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" | sed 's/.*digest sha256://')
run_with "$work" apply "$E2E_TMP/drill-evidence.plan" --now "$((NOW + 20))" --evidence-key "$KEY" >/dev/null 2>&1
check_contains "a drill without a restore step does not prove A1.2" 0 \
	"missing restore-validation: no 'snapshot.restore' step finished in the run, nor in the stage's last rollback drill (run 20261126T000010Z-${monitor_digest:0:6})" -- \
	bash -c "'$GOOSEC' evidence show '$work'/.goose/run/evidence/compliance/*.bundle"

# goosec collect: {service} is each service of goose.yaml, not every file the glob matches
svc_build=$E2E_TMP/service-build
cp -r "$build" "$svc_build"
rm "$svc_build/security/sbom/gateway.cdx.json"
cp "$svc_build/security/sbom/ledger-api.cdx.json" "$svc_build/security/sbom/retired.cdx.json"
check_contains "goosec collect names the service whose SBOM is missing" 0 \
	"warning: control CC7.1 lacks evidence 'sbom': nothing matches 'security/sbom/gateway.cdx.json' in '$svc_build' for service 'gateway' [evidence-incomplete]" -- \
	"$GOOSEC" evidence collect --tree "$source_root" --build-dir "$svc_build" --out "$E2E_TMP/service.bundle" --sign-key "$KEY"
check "  ... and collects only the services' SBOMs" 0 "sbom/security/sbom/ledger-api.cdx.json" -- \
	bash -c "'$GOOSEC' evidence show '$E2E_TMP/service.bundle' | grep -o 'sbom/security/sbom/[^ ]*'"

finish
