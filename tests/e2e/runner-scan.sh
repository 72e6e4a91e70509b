#!/usr/bin/env bash
# goose-run's sbom.scan step and security_scan gate on copies of the example tree: the scan step
# and gate come from a real `goosec build` (plans carry the SBOM and database digests, purl
# types, enrichment rules and waivers), inside a signed promotion plan of local steps. A clean
# enough scan passes the gate and the release is promoted; a database with a new high
# vulnerability of an SBOM component makes the gate refuse (exit 3, nothing promoted); an SBOM
# or database changed after the build is refused by the step; a waiver past its expiry no
# longer waives; an exec step runs in the tree root given by --root.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
source_root=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v jq >/dev/null 2>&1 || [ ! -x "$PLAN_SIGN" ]; then
	echo "skip: needs jq and the plan signing test program $PLAN_SIGN (make check builds it)"
	echo "0 passed, 0 failed"
	exit 0
fi
"$GOOSEC" keygen "$E2E_TMP/keys" --name runner-test >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$E2E_TMP/snapshot.key"

# A copy of the example tree whose ledger-api SBOM has golang.org/x/net at the fixed 0.17.0, so
# the only finding left at the production gate's 'high' is the gateway's waived one.
make_tree() {
	local tree=$1
	mkdir -p "$tree"
	(cd "$source_root" && cp -r goose.yaml load-test monitoring golden-goose security "$tree"/)
	local sbom=$tree/security/sbom/ledger-api.cdx.json
	jq '(.components[] | select(.name == "golang.org/x/net")) |=
		(.version = "v0.17.0" | .purl = "pkg:golang/golang.org/x/net@v0.17.0" | .["bom-ref"] = .purl)' \
		"$sbom" >"$sbom.new" && mv "$sbom.new" "$sbom"
	mkdir -p "$tree/.goose/stages/compliance" "$tree/.goose/stages/production"
	printf '{"version":"1.1.0"}' >"$tree/.goose/stages/compliance/version.json"
	printf '{"version":"1.0.0"}' >"$tree/.goose/stages/production/version.json"
}

# Builds the tree and writes a signed compliance -> production plan whose sbom.scan step and
# security_scan gate are the built ones, between local steps.
make_plan() {
	local tree=$1 plan=$2 expires=${3:-$((NOW + 3600))}
	rm -rf "$tree.build"
	SOURCE_DATE_EPOCH=$((NOW - 60)) "$GOOSEC" build --unsigned --no-cache -o "$tree.build" "$tree" >/dev/null || return 1
	local built
	built=$(jq -r .payload "$tree.build/plans/promote-compliance-to-production.plan" | base64 -d) || return 1
	local scan_args gate
	scan_args=$(printf '%s' "$built" | jq -c '.steps[] | select(.action == "sbom.scan") | .args')
	gate=$(printf '%s' "$built" | jq -c '.gates.security_scan')
	cat >"$plan.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"ledger","workflow":"promote","stage":"production","from_stage":"compliance",
 "created":$((NOW - 60)),"expires":$expires,"expected_state":null,"state_check":"first-seen","inputs":{},
 "gates":{"security_scan":$gate},
 "steps":[
  {"id":"validate","phase":"validate-current-stage","action":"stage.validate","title":"compliance is whole","args":{"stage":"compliance","state_dir":".goose/stages/compliance","require_files":["version.json"]}},
  {"id":"snapshot","phase":"create-stage-snapshot","action":"snapshot.create","title":"recovery point","args":{"stage":"production","state_dir":".goose/stages/production","purpose":"recovery","store":".goose/snapshots","include":[],"exclude":[],"retention":{"keep_last":5,"max_age_ms":null},"key_id":"test","checks":[{"check":"integrity"}]}},
  {"id":"scan","phase":"update-sbom-and-scan","action":"sbom.scan","title":"Update the SBOMs and scan them","args":$scan_args},
  {"id":"promote","phase":"execute-promotion","action":"stage.promote","title":"promote","args":{"from":"compliance","to":"production","from_state_dir":".goose/stages/compliance","to_state_dir":".goose/stages/production","source":"stage","release_digest":null}}
 ]}
JSON
	"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$plan.json" >"$plan"
}

apply_in() {
	local tree=$1
	shift
	(cd "$tree" && "$RUNNER" apply "$@" --trust "$E2E_TMP/keys/runner-test.pub" --snapshot-key "$E2E_TMP/snapshot.key")
}

scan_result() { find "$1/.goose/run" -name scan.json | head -n 1; }

sha() { sha256sum "$1" | cut -c1-12; }
status_json() { (cd "$1" && "$RUNNER" status --json); }

# 1. The tree's scan is clean enough: the gateway's high finding is waived, nothing else is high.
clean=$E2E_TMP/clean
make_tree "$clean"
if make_plan "$clean" "$E2E_TMP/clean.plan"; then pass "build, and a plan with the built sbom.scan step"; else fail "build, and a plan with the built sbom.scan step"; fi
check "the built step names each SBOM with its digest and purl type, the rules, the waiver, fail_on" 0 \
	"gateway npm ledger-api golang | 5 rules | GHSA-c7qv-q95q-8v27 gateway pkg:npm/http-proxy-middleware 2027-01-31 | high required" -- \
	jq -r '.steps[2].args | "\([.services[] | select(.sbom_sha256 | length == 64) | "\(.service) \(.purl_type)"] | sort | join(" ")) | \(.enrichment.rules | length) rules | \(.waivers[0] | "\(.id) \(.service) \(.component) \(.expires)") | \(.fail_on) \(.enforcement)"' \
	"$E2E_TMP/clean.plan.json"
# apply_in without the two lines every first run here starts with (compliance's release adopted,
# the state first seen recorded): they are not the scan's business.
apply_steps() {
	local output status
	output=$(apply_in "$@")
	status=$?
	printf '%s\n' "$output" | grep -v -e "^stage 'compliance' was not deployed by goose-run: adopted 1.1.0 " \
		-e '^no expected state in the plan: recorded the state first seen$'
	return $status
}
check "a clean enough scan passes the gate and the release is promoted" 0 "  1. stage.validate     validate: done
  2. snapshot.create    snapshot: done
  3. sbom.scan          scan: done
gate security_scan: passed: no unwaived finding at or above high (1 finding, 1 waived)
  4. stage.promote      promote: done
applied promote plan for stage 'production'" -- apply_steps "$clean" "$E2E_TMP/clean.plan" --now "$NOW"
check "production now holds the compliance release" 0 '{"version":"1.1.0"}' -- cat "$clean/.goose/stages/production/version.json"
result=$(scan_result "$clean")
check "the scan result is kept in the run's directory" 0 \
	"12 components, 1 findings, 1 waived, 0 failing; GHSA-c7qv-q95q-8v27 waived by security-team; 2026-11-26 production" -- \
	jq -r '"\(.summary.components) components, \(.summary.findings) findings, \(.summary.waived) waived, \(.summary.failing) failing; \(.findings[0].id) waived by \(.findings[0].waived_by.approved_by); \(.today) \(.stage)"' "$result"
check "the journal records the step's summary" 0 "2 sboms, 12 components, 1 findings, 1 waived, 0 failing at high" -- \
	sh -c "grep -o '\"detail\":{[^}]*\"components\":[^}]*}' '$(dirname "$result")/journal' | sed 's/^\"detail\"://' |
		jq -r '\"\(.sboms) sboms, \(.components) components, \(.findings) findings, \(.waived) waived, \(.failing) failing at \(.fail_on)\"'"

# A run killed just before and just after the scan resumes to the same result and promotion.
for point in scan:intent scan:done; do
	crashed=$E2E_TMP/crash-${point/:/-}
	make_tree "$crashed"
	cp "$E2E_TMP/clean.plan" "$crashed.plan"
	(GOOSE_RUN_CRASH_AT=$point apply_in "$crashed" "$crashed.plan" --now "$NOW" >/dev/null 2>&1)
	if [ -e "$crashed/.goose/stages/production/version.json" ] &&
		[ "$(cat "$crashed/.goose/stages/production/version.json")" = '{"version":"1.0.0"}' ]; then
		pass "killed at $point: nothing promoted yet"
	else
		fail "killed at $point: nothing promoted yet"
	fi
	check_contains "killed at $point, resume passes the gate and promotes" 0 \
		"gate security_scan: passed: no unwaived finding at or above high (1 finding, 1 waived)" -- \
		sh -c "cd '$crashed' && '$RUNNER' resume --trust '$E2E_TMP/keys/runner-test.pub' --snapshot-key '$E2E_TMP/snapshot.key' --now $NOW"
	check "killed at $point, resumed: the same scan result as a clean run" 0 "$(jq -S 'del(.run_id)' "$result")" -- \
		jq -S 'del(.run_id)' "$(scan_result "$crashed")"
done

# 2. A database with a new high vulnerability of an SBOM component: the gate refuses, exit 3.
vulnerable=$E2E_TMP/vulnerable
make_tree "$vulnerable"
db=$vulnerable/security/sbom/vulnerability-db.json
jq '.records += [{"schema_version":"1.6.0","id":"GHSA-e2e0-test-0001","modified":"2026-11-01T00:00:00Z",
	"aliases":["CVE-2026-0001"],"summary":"Route patterns leak request headers",
	"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
	"affected":[{"package":{"ecosystem":"Go","name":"github.com/go-chi/chi/v5"},
		"ranges":[{"type":"SEMVER","events":[{"introduced":"5.0.0"},{"fixed":"5.0.14"}]}]}]}]' "$db" >"$db.new" && mv "$db.new" "$db"
make_plan "$vulnerable" "$E2E_TMP/vulnerable.plan"
refusal="gate security_scan: FAILED: 1 unwaived finding at or above high: GHSA-e2e0-test-0001 (high 7.5) in pkg:golang/github.com/go-chi/chi/v5@v5.0.12"
check "a new high vulnerability makes the gate refuse the promotion" 3 "  1. stage.validate     validate: done
  2. snapshot.create    snapshot: done
  3. sbom.scan          scan: done
$refusal" -- apply_steps "$vulnerable" "$E2E_TMP/vulnerable.plan" --now "$NOW"
check_contains "the refusal names the gate and the finding" 3 "gate 'security_scan' failed: 1 unwaived finding at or above high: GHSA-e2e0-test-0001 (high 7.5)" -- \
	apply_in "$vulnerable" "$E2E_TMP/vulnerable.plan" --now "$NOW"
check "nothing was promoted" 0 '{"version":"1.0.0"}' -- cat "$vulnerable/.goose/stages/production/version.json"
check "the journal names the worst unwaived finding" 0 \
	"GHSA-e2e0-test-0001 (high 7.5) in pkg:golang/github.com/go-chi/chi/v5@v5.0.12" -- \
	sh -c "grep -o '\"worst_unwaived\":\"[^\"]*\"' '$(dirname "$(scan_result "$vulnerable")")/journal' | head -n 1 | cut -d'\"' -f4"
check "the registry records the failed gate" 0 "false" -- jq '.stages.production.gates.security_scan' "$vulnerable/.goose/run/stages.json"

# An advisory gate reports the same finding and lets the promotion through.
jq '.gates.security_scan.enforcement = "advisory"' "$E2E_TMP/vulnerable.plan.json" >"$E2E_TMP/advisory.plan.json"
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/advisory.plan.json" >"$E2E_TMP/advisory.plan"
advisory=$E2E_TMP/advisory
make_tree "$advisory"
cp "$db" "$advisory/security/sbom/vulnerability-db.json"
check_contains "an advisory gate passes and says why it would not" 0 \
	"gate security_scan: passed: advisory: 1 unwaived finding at or above high: GHSA-e2e0-test-0001 (high 7.5) in pkg:golang/github.com/go-chi/chi/v5@v5.0.12" -- \
	apply_in "$advisory" "$E2E_TMP/advisory.plan" --now "$NOW"

# 3. An SBOM changed after the build is refused before the scan, and so is a changed database.
changed=$E2E_TMP/changed
make_tree "$changed"
make_plan "$changed" "$E2E_TMP/changed.plan"
sbom=$changed/security/sbom/ledger-api.cdx.json
expected=$(sha "$sbom")
jq '.components[0].version = "v5.5.4"' "$sbom" >"$sbom.new" && mv "$sbom.new" "$sbom"
check_contains "an SBOM changed after the build is refused" 1 \
	"goose-run apply: step 'scan' failed: the SBOM '$changed/security/sbom/ledger-api.cdx.json' changed after the plan was built: sha256 $(sha "$sbom")..., the plan expects $expected..." -- \
	apply_in "$changed" "$E2E_TMP/changed.plan" --now "$NOW"
check "nothing was promoted after the refused SBOM" 0 '{"version":"1.0.0"}' -- cat "$changed/.goose/stages/production/version.json"

changed_db=$E2E_TMP/changed-db
make_tree "$changed_db"
make_plan "$changed_db" "$E2E_TMP/changed-db.plan"
db=$changed_db/security/sbom/vulnerability-db.json
expected=$(sha "$db")
jq '.records |= .[1:]' "$db" >"$db.new" && mv "$db.new" "$db"
check_contains "a database changed after the build is refused" 1 \
	"the vulnerability database '$changed_db/security/sbom/vulnerability-db.json' changed after the plan was built: sha256 $(sha "$db")..., the plan expects $expected..." -- \
	apply_in "$changed_db" "$E2E_TMP/changed-db.plan" --now "$NOW"

# 4. Waivers expire against the run's clock: after 2027-01-31 the gateway's finding counts.
expired=$E2E_TMP/expired
make_tree "$expired"
make_plan "$expired" "$E2E_TMP/expired.plan" $((NOW + 120 * 86400))
check_contains "a waiver past its expiry no longer waives" 3 \
	"gate security_scan: FAILED: 1 unwaived finding at or above high: GHSA-c7qv-q95q-8v27 (high 7.5) in pkg:npm/http-proxy-middleware@2.0.6 (its waiver expired 2027-01-31)" -- \
	apply_in "$expired" "$E2E_TMP/expired.plan" --now $((NOW + 70 * 86400))

# 5. exec steps run in the tree root (--root), not in the folder goose-run was started in.
rooted=$E2E_TMP/rooted
mkdir -p "$rooted/scripts" "$E2E_TMP/elsewhere"
printf 'marker of the tree\n' >"$rooted/marker.txt"
printf 'marker of elsewhere\n' >"$E2E_TMP/elsewhere/marker.txt"
printf '#!/bin/sh\necho "in $(basename "$(pwd)")"\ncat marker.txt\n' >"$rooted/scripts/where.sh"
chmod +x "$rooted/scripts/where.sh"
cat >"$E2E_TMP/exec.plan.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"ledger","workflow":"promote","stage":"production","from_stage":"compliance",
 "created":$((NOW - 60)),"expires":$((NOW + 3600)),"expected_state":null,"state_check":"first-seen","inputs":{},"gates":{},
 "steps":[{"id":"where","phase":"exec","action":"exec","title":"where am I","args":{"argv":["./scripts/where.sh"],"env":{},"env_allow":["PATH"],"timeout_ms":5000}}]}
JSON
"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/exec.plan.json" >"$E2E_TMP/exec.plan"
check_contains "with --root, an exec step runs in the tree" 0 "  1. exec               where: done" -- \
	sh -c "cd '$E2E_TMP/elsewhere' && '$RUNNER' apply '$E2E_TMP/exec.plan' --root '$rooted' --state '$rooted/.goose/run' --trust '$E2E_TMP/keys/runner-test.pub' --now $NOW"
check "  ... its relative argv[0] and files are the tree's" 0 "in rooted
marker of the tree" -- \
	sh -c "grep -o '\"output\":\"[^\"]*\"' '$rooted'/.goose/run/runs/*/journal | cut -d'\"' -f4 | sed 's/\\\\n/\n/g' | head -n 2"

finish
