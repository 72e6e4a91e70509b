#!/usr/bin/env bash
# Mutation test of the resolver: copy the example tree, break one reference of each kind of the
# cross-reference table (a misspelt name), and expect `goosec lint .` to fail with a diagnostic
# at the use site: file:line, the rule id, and "did you mean" naming the original.
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)

# The untouched example must be clean first, or every case below proves nothing.
pristine="$E2E_TMP/pristine"
mkdir -p "$pristine"
cp -R "$source_root"/goose.yaml "$source_root"/load-test "$source_root"/monitoring "$source_root"/golden-goose \
	"$source_root"/security "$pristine"/
check "example tree is clean" 0 "" -- sh -c "cd '$pristine' && NO_COLOR=1 '$GOOSEC' lint ."

# mutate NAME FILE SED_SCRIPT NEW_TEXT RULE SUGGESTION: apply SED_SCRIPT to FILE of a fresh copy;
# the diagnostic must sit on the first line holding NEW_TEXT, with RULE and the suggestion ("-":
# no hint expected).
mutate() {
	local name=$1 file=$2 script=$3 new_text=$4 rule=$5 suggestion=$6
	local tree="$E2E_TMP/case"
	rm -rf "$tree"
	cp -R "$pristine" "$tree"
	sed -i -e "$script" "$tree/$file"
	local line
	line=$(grep -nF -- "$new_text" "$tree/$file" | head -n 1 | cut -d: -f1)
	if [ -z "$line" ]; then
		fail "$name" "the edit did not apply to $file"
		return
	fi
	local output status
	output=$(cd "$tree" && NO_COLOR=1 "$GOOSEC" lint . 2>&1)
	status=$?
	# the diagnostic block: its first line and what follows up to the next diagnostic
	local block
	block=$(awk -v prefix="$file:$line:" -v rule="[$rule]" '
		index($0, prefix) == 1 && index($0, rule) { inside = 1; print; next }
		inside && /^[^ ]/ { exit }
		inside { print }' <<<"$output")
	if [ "$status" -ne 1 ]; then
		fail "$name" "exit $status, expected 1" "$output"
	elif [ -z "$block" ]; then
		fail "$name" "no [$rule] diagnostic at $file:$line" "$output"
	elif [ "$suggestion" != - ] && [[ "$block" != *"hint: did you mean '$suggestion'?"* ]]; then
		fail "$name" "no 'did you mean '$suggestion'?' hint" "$block"
	else
		pass "$name"
	fi
}

mutate "Project services sbom -> CycloneDxSbom file" goose.yaml \
	's|sbom: security/sbom/ledger-api.cdx.json|sbom: security/sbom/ledger-api.cdx.jsn|' ledger-api.cdx.jsn \
	xref-unknown-file security/sbom/ledger-api.cdx.json
mutate "Thresholds service -> Project service" monitoring/config/thresholds.yaml \
	'0,/service: gateway/s//service: gatway/' 'service: gatway' xref-unknown-service gateway
mutate "AlertRules threshold -> level threshold" monitoring/prometheus/alerts.yaml \
	's/threshold: ledger_api_latency_p95/threshold: ledger_api_latncy_p95/' ledger_api_latncy_p95 \
	xref-unknown-threshold ledger_api_latency_p95
mutate "AlertRules slo -> SLO threshold" monitoring/prometheus/alerts.yaml \
	's/slo: ledger_api_availability/slo: ledger_api_availabilty/' ledger_api_availabilty \
	xref-unknown-threshold ledger_api_availability
mutate "AlertRules expr -> recording rule" monitoring/prometheus/alerts.yaml \
	'0,/ratio_rate5m/s//ratio_rate5n/' ratio_rate5n xref-unknown-recording-rule job:http_requests_errors:ratio_rate5m
mutate "Dashboard service -> Project service" monitoring/grafana/dashboards/ledger-api.json \
	's/"service": "ledger-api"/"service": "ledger-apii"/' ledger-apii xref-unknown-service ledger-api
mutate "Dashboard panel threshold -> Thresholds" monitoring/grafana/dashboards/ledger-api.json \
	's/"threshold": "ledger_api_latency_p99"/"threshold": "ledger_api_latency_p999"/' ledger_api_latency_p999 \
	xref-unknown-threshold ledger_api_latency_p99
mutate "Dashboard query -> recording rule" monitoring/grafana/dashboards/ledger-api.json \
	's/job_code:http_requests:rate5m/job_code:http_request:rate5m/' job_code:http_request:rate5m \
	xref-unknown-recording-rule job_code:http_requests:rate5m
mutate "LoadTest service -> Project service" load-test/config/stress-test.yaml \
	's/^service: ledger-api/service: ledger-ap/' 'service: ledger-ap' xref-unknown-service ledger-api
mutate "LoadTest target.stage -> Stage" load-test/config/stress-test.yaml \
	's/stage: compliance/stage: complance/' 'stage: complance' xref-unknown-stage compliance
mutate "LoadTest criteria threshold -> level threshold" load-test/config/stress-test.yaml \
	's/threshold: ledger_api_error_ratio/threshold: ledger_api_eror_ratio/' ledger_api_eror_ratio \
	xref-unknown-threshold ledger_api_error_ratio
mutate "LoadTest criteria baseline -> Baseline file" load-test/config/stress-test.yaml \
	's|baseline: load-test/baseline/compliance.json|baseline: load-test/baseline/complaince.json|' complaince.json \
	xref-unknown-file load-test/baseline/compliance.json
mutate "LoadTest criteria scenarios -> this file's scenarios" load-test/config/stress-test.yaml \
	's/scenarios: \[baseline, stress\]/scenarios: [baseline, stres]/' '[baseline, stres]' xref-unknown-scenario stress
mutate "Baseline service -> Project service" load-test/baseline/compliance.json \
	's/"service": "ledger-api"/"service": "ledger-apj"/' ledger-apj xref-unknown-service ledger-api
mutate "Baseline stage -> Stage" load-test/baseline/compliance.json \
	's/"stage": "compliance"/"stage": "complianse"/' complianse xref-unknown-stage compliance
mutate "Baseline scenarios -> LoadTest scenarios" load-test/baseline/compliance.json \
	's/"stress": {/"stres": {/' '"stres"' xref-unknown-scenario stress
mutate "Baseline requests -> LoadTest requests" load-test/baseline/compliance.json \
	'0,/"get-balance"/s//"get-balanse"/' get-balanse xref-unknown-request get-balance
mutate "Stage promotes_from -> Stage" golden-goose/stages/production.yaml \
	's/promotes_from: compliance/promotes_from: complianc/' 'promotes_from: complianc' lint-stage-gap compliance
mutate "Stage gates.loadtest.from_stage -> Stage" golden-goose/stages/production.yaml \
	's/from_stage: compliance/from_stage: compliancee/' compliancee xref-unknown-stage compliance
mutate "Stage services -> Project services" golden-goose/stages/sandbox.yaml \
	's/services: \[ledger-api, gateway\]/services: [ledger-api, gatewey]/' gatewey xref-unknown-service gateway
mutate "Stage snapshot_policy -> SnapshotManifest policy" golden-goose/stages/production.yaml \
	's/snapshot_policy: production/snapshot_policy: productoin/' productoin xref-unknown-snapshot-policy production
mutate "Stage gate thresholds -> level threshold" golden-goose/stages/compliance.yaml \
	's/latency_p99: ledger_api_latency_p99/latency_p99: ledger_api_latency_p999/' ledger_api_latency_p999 \
	xref-unknown-threshold ledger_api_latency_p99
mutate "Stage tests.loadtest.scenarios -> LoadTest scenarios" golden-goose/stages/compliance.yaml \
	's/scenarios: \[baseline, stress\]/scenarios: [baseline, strss]/' strss xref-unknown-scenario stress
mutate "SnapshotValidation policies -> SnapshotManifest policy" golden-goose/snapshots/validation.yaml \
	's/^  production:/  prodution:/' prodution xref-unknown-snapshot-policy production
mutate "SecretRotation used_by -> Project service" security/policies/secret-rotation.yaml \
	's/used_by: \[gateway\]/used_by: [gatewya]/' gatewya xref-unknown-service gateway
mutate "ComplianceRules controls -> EvidenceTemplate control" security/policies/compliance-rules.yaml \
	's/controls: \[CC6.1\]/controls: [CC6.2]/' CC6.2 xref-unknown-control CC6.1
# The schema's enum of kind names catches this one before the resolver sees it.
mutate "ComplianceRules kind -> kind name" security/policies/compliance-rules.yaml \
	'0,/kind: Stage/s//kind: Stag/' 'kind: Stag' schema-enum -
mutate "SbomEnrichment sboms service -> service with an SBOM" security/sbom/enrichment.yaml \
	'0,/service: gateway/s//service: gatewy/' 'service: gatewy' xref-unknown-service gateway
mutate "SbomEnrichment database -> VulnerabilityDb file" security/sbom/enrichment.yaml \
	's|database: security/sbom/vulnerability-db.json|database: security/sbom/vulnerability-db.jsn|' \
	vulnerability-db.jsn xref-unknown-file security/sbom/vulnerability-db.json
mutate "SbomEnrichment waiver id -> vulnerability id or alias" security/sbom/enrichment.yaml \
	's/id: GHSA-c7qv-q95q-8v27/id: GHSA-c7qv-q95q-8v28/' GHSA-c7qv-q95q-8v28 xref-unknown-vulnerability GHSA-c7qv-q95q-8v27
mutate "SbomEnrichment waiver service -> Project service" security/sbom/enrichment.yaml \
	's/^    service: gateway/    service: gatewai/' gatewai xref-unknown-service gateway
mutate "SbomEnrichment waiver component -> SBOM purl" security/sbom/enrichment.yaml \
	's|component: pkg:npm/http-proxy-middleware|component: pkg:npm/http-proxy-midleware|' http-proxy-midleware \
	xref-unknown-component pkg:npm/http-proxy-middleware
mutate "EvidenceTemplate evidence -> CollectionRules item" security/audit/evidence-template.yaml \
	's/evidence: \[sbom, scan-report\]/evidence: [sbom, scan-reprt]/' scan-reprt xref-unknown-evidence scan-report

finish
