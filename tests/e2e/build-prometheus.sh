#!/usr/bin/env bash
# goosec build on the example tree, checked by the real promtool: the rule files pass
# `promtool check rules`, every generated unit test passes `promtool test rules`, two builds are
# byte-identical, and a build that fails lint leaves an existing output folder untouched.
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
# Plans are signed when a build has a key; these tests are about rules, so ask for unsigned plans
# where the build knows that option.
build_options=(--no-cache)
if "$GOOSEC" build --help 2>&1 | grep -q -- '--unsigned'; then build_options+=(--unsigned); fi

if ! command -v promtool >/dev/null 2>&1; then
	echo "skip: promtool is not installed (scripts/install-deps.sh installs the prometheus package)"
	echo "0 passed, 0 failed"
	exit 0
fi

tree="$E2E_TMP/tree"
mkdir -p "$tree"
(cd "$source_root" && cp -r goose.yaml load-test monitoring golden-goose security "$tree"/)
rm -rf "$tree/.goosec-cache"

first="$E2E_TMP/first"
check "build the example tree" 0 - -- "$GOOSEC" build "${build_options[@]}" -o "$first" "$tree"

prometheus="$first/monitoring/prometheus"
for file in alerts.yaml recording.yaml pipeline-alerts.yaml; do
	check_contains "promtool check rules $file" 0 "SUCCESS" -- promtool check rules "$prometheus/$file"
done

tests=("$prometheus"/tests/*.yaml)
if [ -e "${tests[0]}" ]; then pass "tests were generated (${#tests[@]} files)"
else fail "no test files under $prometheus/tests"; fi
for test_file in "${tests[@]}"; do
	[ -e "$test_file" ] || continue
	check_contains "promtool test rules $(basename "$test_file")" 0 "SUCCESS" -- promtool test rules "$test_file"
done

# every threshold and SLO alert of the example has its test file
for alert in $(grep -B2 -E '^\s+(threshold|slo): ' "$tree/monitoring/prometheus/alerts.yaml" | sed -nE 's/^\s+- alert: (\S+)/\1/p'); do
	if [ -f "$prometheus/tests/$alert.yaml" ]; then pass "alert $alert has a test"
	else fail "alert $alert has no test file"; fi
done

# the pipeline's own alerts (over goose-run's metrics) have their tests too
if [ -f "$prometheus/tests/pipeline-alerts.yaml" ]; then pass "pipeline alerts have a test file"
else fail "no tests/pipeline-alerts.yaml"; fi
check_contains "pipeline alerts name every metric family they watch" 0 "goose_gate_result" -- cat "$prometheus/pipeline-alerts.yaml"

second="$E2E_TMP/second"
check "build again" 0 - -- "$GOOSEC" build "${build_options[@]}" -o "$second" "$tree"
if diff -r "$first" "$second" >"$E2E_TMP/diff" 2>&1; then pass "two builds are byte-identical"
else fail "two builds differ" "$(head -20 "$E2E_TMP/diff")"; fi

# nothing wall-clock: a build with another SOURCE_DATE_EPOCH and clock gives the same rules
third="$E2E_TMP/third"
check "build with SOURCE_DATE_EPOCH" 0 - -- env SOURCE_DATE_EPOCH=1795000000 "$GOOSEC" build "${build_options[@]}" -o "$third" "$tree"
if diff -r "$first/monitoring/prometheus" "$third/monitoring/prometheus" >"$E2E_TMP/diff" 2>&1; then
	pass "rules do not depend on the date"
else fail "rules change with SOURCE_DATE_EPOCH" "$(head -20 "$E2E_TMP/diff")"; fi

# a failing lint writes nothing: the previous output stays exactly as it was
sed -i 's/threshold: ledger_api_latency_p95/threshold: ledger_api_latency_p59/' "$tree/monitoring/prometheus/alerts.yaml"
check_contains "a broken tree fails the build" 1 "ledger_api_latency_p59" -- "$GOOSEC" build "${build_options[@]}" -o "$first" "$tree"
if diff -r "$first" "$second" >"$E2E_TMP/diff" 2>&1; then pass "a failed build leaves the output untouched"
else fail "a failed build changed the output" "$(head -20 "$E2E_TMP/diff")"; fi
if ls -d "$first".tmp-* >/dev/null 2>&1; then fail "a failed build left a staging folder"
else pass "a failed build leaves no staging folder"; fi

finish
