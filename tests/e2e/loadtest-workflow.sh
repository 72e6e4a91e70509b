#!/usr/bin/env bash
# The load-test workflow against real services on loopback: the example tree with scenarios cut
# to about two seconds, built and applied as its load-test plan. A passing run against nginx
# writes report.json, junit.xml, summary.md and report.html (and a proposed baseline); a target
# not in compliance mode is refused before any load request (nginx's access log proves it); a
# slow server breaks the p95 criterion; a tightened baseline is a regression; nginx stopped
# mid-run turns into connection errors that fail the error-ratio criterion, report still
# written. The promotion gates read the recorded verdicts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
NGINX=${NGINX:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
SLOW_HTTP=${GOOSE_TEST_OUT:-.build/default}/tests/slow_http
NGINX_PIDS=""
SLOW_PID=""
PROM_PID=""
# LT_KEEP=1 keeps the temporary folder (trees, reports, logs) for inspection
cleanup() {
	local pid
	for pid in $NGINX_PIDS $SLOW_PID $PROM_PID; do kill "$pid" 2>/dev/null; done
	[ -n "${LT_KEEP:-}" ] || rm -rf "$E2E_TMP"
}
trap cleanup EXIT

if [ ! -x "$NGINX" ]; then
	echo "skip: nginx is not installed (scripts/install-deps.sh installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1 || [ ! -x "$SLOW_HTTP" ] || [ ! -x "$PLAN_SIGN" ]; then
	echo "skip: needs jq, python3 and the test helpers $SLOW_HTTP and $PLAN_SIGN (make check-build builds them)"
	echo "0 passed, 0 failed"
	exit 0
fi

# 02:00 UTC on a Thursday: inside the compliance stage's off-peak window, so every scenario runs
WINDOW_NOW=$((NOW + 7200))

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_nginx NAME MODE: an nginx on a free port answering /mode with MODE and the example's
# ledger API, with an access log; sets PORT and LOG.
start_nginx() {
	local name=$1 mode=$2 prefix=$E2E_TMP/nginx-$1
	PORT=$(free_port)
	LOG=$prefix/access.log
	mkdir -p "$prefix/tmp"
	cat >"$prefix/nginx.conf" <<CONF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log;
events { worker_connections 1024; }
http {
	access_log $LOG;
	log_format keys '\$http_idempotency_key \$status';
	keepalive_requests 1000000;
	client_body_temp_path $prefix/tmp;
	proxy_temp_path $prefix/tmp;
	fastcgi_temp_path $prefix/tmp;
	uwsgi_temp_path $prefix/tmp;
	scgi_temp_path $prefix/tmp;
	server {
		listen 127.0.0.1:$PORT;
		location = /mode { default_type application/json; return 200 '{"mode":"$mode"}'; }
		location ~ ^/v1/accounts/[^/]+/balance\$ { default_type application/json; return 200 '{"balance":{"value":"100.00"}}'; }
		location ~ ^/v1/accounts/[^/]+/transactions\$ { default_type application/json; return 200 '{"transactions":[]}'; }
		location = /v1/transfers {
			access_log $LOG;
			access_log $prefix/keys.log keys;
			default_type application/json;
			return 201 '{"status":"accepted"}';
		}
	}
}
CONF
	"$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -g 'daemon on;' || return 1
	for _ in $(seq 1 50); do [ -s "$prefix/nginx.pid" ] && break; sleep 0.1; done
	NGINX_PIDS="$NGINX_PIDS $(cat "$prefix/nginx.pid")"
}

stop_nginx() {
	local pid
	pid=$(cat "$E2E_TMP/nginx-$1/nginx.pid")
	kill "$pid"
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# make_tree DIR PORT: the example tree, scenarios shortened, the compliance stage at PORT.
make_tree() {
	local tree=$1 port=$2
	mkdir -p "$tree"
	(cd "$source_root" && cp -r goose.yaml load-test monitoring golden-goose security "$tree"/)
	rm -rf "$tree/load-test/reports"/*
	# rates cut to a quarter too: the test machine is shared, and latency counts from the intended
	# send time, so a starved client would measure its own starvation
	sed -i -E 's/duration: [0-9]+s \}/duration: 500ms }/; s/duration: 60s$/duration: 2s/; s/duration: 2h$/duration: 1s/;
		s/rate: 200$/rate: 50/; s/rate: 150$/rate: 40/; s/target: 500,/target: 120,/; s/target: 800,/target: 200,/;
		s/target: 1500,/target: 300,/g; s/target: 100,/target: 30,/g' "$tree/load-test/config/stress-test.yaml"
	sed -i -E "s#^(  base_url: http://127\\.0\\.0\\.1:)[0-9]+#\\1$port#" "$tree/golden-goose/stages/compliance.yaml"
	# a baseline a loopback nginx on a busy test machine meets with room to spare
	jq '.scenarios[].requests[] |= (.p50_ms = 250 | .p95_ms = 500 | .p99_ms = 1000)' \
		"$source_root/load-test/baseline/compliance.json" >"$tree/load-test/baseline/compliance.json"
}

build_tree() {
	SOURCE_DATE_EPOCH=$NOW "$GOOSEC" build --no-cache --unsigned -o "$1/build" "$1" >/dev/null
}

apply_loadtest() {
	local tree=$1
	shift
	"$RUNNER" apply "$tree/build/plans/loadtest-compliance.plan" --allow-unsigned --now "$WINDOW_NOW" --root "$tree" \
		--state "$tree/.goose/run" "$@"
}

report_dir_of() {
	local dirs
	dirs=$(find "$1/load-test/reports/dr" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)
	[ "$(printf '%s\n' "$dirs" | grep -c .)" = 1 ] && printf '%s' "$dirs"
}

# ---- 0. criteria with literal bounds reach the plan in the runner's units ----
literal=$E2E_TMP/literal
make_tree "$literal" 1
sed -i 's/^criteria:$/criteria:\n  - { metric: throughput, min: 10, scenarios: [baseline] }\n  - { metric: latency_max, max: 2s, requests: [get-balance] }/' \
	"$literal/load-test/config/stress-test.yaml"
build_tree "$literal"
check "literal criteria: limit, unit, direction and filters in the report step" 0 \
	'{"direction":"below","limit":10,"metric":"throughput","scenarios":["baseline"],"unit":"requests_per_second"}
{"direction":"above","limit":2000,"metric":"latency_max","requests":["get-balance"],"unit":"ms"}' -- \
	sh -c "jq -r .payload '$literal/build/plans/loadtest-compliance.plan' | base64 -d | jq -c '.steps[] | select(.id == \"report\") | .args.criteria[0,1]'"

# ---- 1. a passing run against nginx ----
mkdir -p "$E2E_TMP/keys"
"$GOOSEC" keygen "$E2E_TMP/keys" --name gate-test >/dev/null
start_nginx good compliance || { fail "start nginx"; finish; exit 1; }
GOOD_PORT=$PORT
GOOD_LOG=$LOG
good=$E2E_TMP/good
make_tree "$good" "$PORT"
check "fixture tree builds" 0 "" -- build_tree "$good"
check_contains "show: the shortened baseline scenario" 0 "rate=50  duration_ms=2000" -- "$GOOSEC" plan show "$good/build/plans/loadtest-compliance.plan"
baseline_before=$(sha256sum <"$good/load-test/baseline/compliance.json")
apply_loadtest "$good" >"$E2E_TMP/good.out" 2>"$E2E_TMP/good.err"
status=$?
check "passing run: exit 0 and every step done" 0 "no expected state in the plan: recorded the state first seen
  1. http.check         validate-compliance-mode: done
  2. loadtest.run       baseline-scenario: done
  3. loadtest.run       stress-scenarios: done
  4. loadtest.run       stress-scenarios-2: done
  5. loadtest.run       stress-scenarios-3: done
  6. loadtest.run       report: done
  7. loadtest.run       compare-with-baselines: done" -- \
	sh -c "echo \"\$(head -n 8 '$E2E_TMP/good.out')\"; exit $status"
dir=$(report_dir_of "$good")
if [ -n "$dir" ]; then pass "one report folder: ${dir#"$good"/}"; else fail "one report folder under load-test/reports/dr"; fi
for file in report.json junit.xml summary.md report.html proposed-baseline.json; do
	if [ -s "$dir/$file" ]; then pass "report file $file written"; else fail "report file $file written"; fi
done
report=$dir/report.json
check "report.json: verdict passed, complete, criteria and baseline passed" 0 "true true true true" -- \
	jq -r '[.verdict.passed, .verdict.complete, .verdict.criteria_passed, .verdict.baseline_passed] | map(tostring) | join(" ")' "$report"
check "report.json: the four scenarios ran, in plan order" 0 "baseline:ran stress:ran spike:ran soak:ran" -- \
	jq -r '[.scenarios[] | "\(.name):\(.status)"] | join(" ")' "$report"
check "report.json: 3 criteria x 4 scenarios evaluated, all passed" 0 "12 12" -- \
	jq -r '[([.criteria[].results[]] | length), ([.criteria[].results[] | select(.status == "passed")] | length)] | map(tostring) | join(" ")' "$report"
check "report.json: the baseline's digest and the plan's agree" 0 "$(sha256sum "$good/load-test/baseline/compliance.json" | cut -d' ' -f1)" -- \
	jq -r '.baseline.sha256' "$report"
check "report.json: baseline compared per request and metric (2 scenarios x 3 requests x 4 metrics)" 0 "24" -- \
	jq -r '.baseline.comparisons | length' "$report"
responses=$(jq '.scenarios[0].responses' "$report")
if [ "$responses" -ge 95 ] && [ "$responses" -le 105 ]; then pass "baseline scenario: 50 req/s for 2 s gave $responses responses"; else fail "baseline scenario: about 100 responses" "got $responses"; fi
check "report.json: no error in any scenario" 0 "0" -- jq '[.scenarios[].errors] | add' "$report"
check "report.json: merged histogram counts every response" 0 "true" -- \
	jq '.histogram.count == ([.scenarios[].responses] | add) and (.histogram.buckets | length) > 0' "$report"
check "report.json: a per-second series per scenario with target rates" 0 "true" -- \
	jq '(.scenarios[0].series | length) >= 2 and .scenarios[0].series[0].target_rate == 50' "$report"
check "junit.xml: 14 testcases (3 criteria x 4 scenarios + 2 baseline), no failure" 0 \
	'<testsuites name="Load test of ledger-api on compliance" tests="14" failures="0" errors="0" skipped="0"' -- \
	sh -c "sed -n 2p '$dir/junit.xml' | sed -E 's/ time=.*//'"
check "junit.xml: one testcase per criterion in the baseline suite" 0 "4" -- \
	sh -c "sed -n '/<testsuite name=\"baseline\"/,/<\/testsuite>/p' '$dir/junit.xml' | grep -c '<testcase '"
check "summary.md: headline" 0 "# Load test of ledger-api on compliance: PASSED" -- head -n 1 "$dir/summary.md"
html=$dir/report.html
check "report.html: one svg chart of each kind per scenario" 0 "16" -- grep -c '<svg class="chart"' "$html"
check "report.html: no external script, style, font or image" 1 "" -- grep -Ei '<script|<link|src=|@import|url\(|@font-face' "$html"
check "report.html: the only URL is the SVG namespace" 0 "http://www.w3.org/2000/svg" -- sh -c "grep -oE 'https?://[^\"<> ]+' '$html' | sort -u"
check "report.html: verdict" 0 '<h1>Load test of ledger-api on compliance <span class="verdict passed">PASSED</span></h1>' -- grep '<h1>' "$html"
check "report.html: names the proposed baseline" 0 "1" -- grep -c 'Proposed new baseline, for review (the tracked one is unchanged): proposed-baseline.json' "$html"
check "tracked baseline untouched" 0 "$baseline_before" -- sh -c "sha256sum <'$good/load-test/baseline/compliance.json'"
check "proposed baseline: same shape, this run's figures" 0 "Baseline baseline,stress get-balance,list-transactions,create-transfer" -- \
	jq -r '"\(.kind) \(.scenarios | keys_unsorted | join(",")) \(.scenarios.baseline.requests | keys_unsorted | join(","))"' "$dir/proposed-baseline.json"
check "the registry records the verdict" 0 "true 0" -- \
	jq -r '"\(.stages.compliance.last_loadtest.passed) \(.stages.compliance.last_loadtest.figures.error_ratio)"' "$good/.goose/run/stages.json"
# the example's Idempotency-Key: ${run.id}-${request.sequence}: each transfer its own key,
# unique over the whole run (each scenario step numbers from its position in the plan: steps 2-5)
run_id=$(basename "$dir")
transfers=$(jq '[.scenarios[].requests[] | select(.name == "create-transfer") | .attempts] | add' "$report")
keys=$E2E_TMP/nginx-good/keys.log
check "idempotency keys: one per transfer, none repeated, each <run id>-<step><15 digits>" 0 "$transfers $transfers 0" -- \
	sh -c "echo \$(wc -l <'$keys') \$(cut -d' ' -f1 '$keys' | sort -u | wc -l) \$(grep -cvE '^$run_id-000[2-5][0-9]{15} 201\$' '$keys')"
check "idempotency keys: every scenario's numbers start at its step's block" 0 "0002000000000000001
0003000000000000001
0004000000000000001
0005000000000000001" -- sh -c "cut -d' ' -f1 '$keys' | sed 's/.*-//' | sort | awk '{ block = substr(\$0, 1, 4) } block != last { print; last = block }' | \
	awk '{ print substr(\$0, 1, 4) \"000000000000001\" }'"
check "status: the stage's last load test" 0 "compliance: generation 0, release none (no digest)
  last load test: run $run_id, passed, $(jq -r '.stages.compliance.last_loadtest.time | todate' "$good/.goose/run/stages.json"), report $report" -- \
	"$RUNNER" status --state "$good/.goose/run"
"$RUNNER" status --state "$good/.goose/run" --json >"$E2E_TMP/good-status.json"
check "status --json: the last load test beside the release" 0 "$run_id true true" -- \
	jq -r '.stages.compliance | "\(.last_loadtest.run_id) \(.last_loadtest.passed) \(.last_loadtest.complete)"' "$E2E_TMP/good-status.json"
check "status --json still feeds goosec build --state-from" 0 "" -- \
	sh -c "SOURCE_DATE_EPOCH=$NOW '$GOOSEC' build --no-cache --unsigned --state-from '$E2E_TMP/good-status.json' -o '$E2E_TMP/good-state-build' '$good' >/dev/null"
check "no progress line when stdout is not a terminal" 1 "" -- grep -F 'req/s' "$E2E_TMP/good.out"
check_contains "applying again: already applied" 0 "already applied" -- apply_loadtest "$good"

# on a terminal, a progress line per second of each scenario (the pipe above had none)
if command -v script >/dev/null 2>&1; then
	cat >"$E2E_TMP/tty.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"tty","workflow":"loadtest","stage":"compliance","from_stage":null,
 "created":$((NOW - 60)),"expires":$((NOW + 86400)),"expected_state":null,"state_check":"first-seen","inputs":{},"gates":{},
 "steps":[{"id":"steady","phase":"baseline-scenario","action":"loadtest.run","title":"steady","args":{"operation":"run",
  "scenario":"steady","base_url":"http://127.0.0.1:$GOOD_PORT","executor":"constant-rate","rate":20,"duration_ms":3000,
  "connections":2,"timeout_ms":2000,"requests":[{"name":"balance","method":"GET","path":"/v1/accounts/a/balance","weight":1,"headers":{}}]}}]}
JSON
	"$PLAN_SIGN" "$E2E_TMP/keys/gate-test.key" "$E2E_TMP/tty.json" >"$E2E_TMP/tty.plan"
	script -qefc "'$RUNNER' apply '$E2E_TMP/tty.plan' --trust '$E2E_TMP/keys/gate-test.pub' --now $WINDOW_NOW --root '$E2E_TMP' --state '$E2E_TMP/tty-state'" \
		/dev/null >"$E2E_TMP/tty.out" 2>&1
	check "terminal: progress lines with elapsed, remaining, rate, p95 and errors" 0 "true" -- \
		sh -c "grep -qE 'steady: 1 s, 2 s left, [0-9]+/20 req/s, p95 [0-9.]+ ms, 0 errors' '$E2E_TMP/tty.out' && echo true"
	check_contains "terminal: the step still ends done" 0 "steady: done" -- cat "$E2E_TMP/tty.out"
fi

# killed before the report, then resumed: the scenarios are not run again
resumed=$E2E_TMP/resumed
make_tree "$resumed" "$GOOD_PORT"
build_tree "$resumed"
GOOSE_RUN_CRASH_AT=report:intent apply_loadtest "$resumed" >/dev/null 2>&1
check "killed at the report step: the four scenario results are kept" 0 "baseline.json soak.json spike.json stress.json" -- \
	sh -c "ls '$resumed'/.goose/run/runs/*/loadtest | tr '\n' ' ' | sed 's/ \$//'"
sent=$(grep -c ' /v1/' "$GOOD_LOG")
check_contains "resume: scenarios already done, the report written" 0 "  2. loadtest.run       baseline-scenario: already done" -- \
	"$RUNNER" resume --state "$resumed/.goose/run" --allow-unsigned --now "$WINDOW_NOW"
check "resume: no load request sent again" 0 "$sent" -- grep -c ' /v1/' "$GOOD_LOG"
check "resume: the report covers the four scenarios" 0 "4 true" -- \
	sh -c "jq -r '\"\\(.scenarios | length) \\(.verdict.passed)\"' '$resumed'/load-test/reports/dr/*/report.json"

# killed in the middle of the baseline's load, then resumed: the scenario runs again, and its
# second attempt numbers its requests apart from the first (the ledger must not see a key twice)
crashed=$E2E_TMP/crashed
make_tree "$crashed" "$GOOD_PORT"
build_tree "$crashed"
keys_before=$(wc -l <"$keys")
"$RUNNER" apply "$crashed/build/plans/loadtest-compliance.plan" --allow-unsigned --now "$WINDOW_NOW" --root "$crashed" \
	--state "$crashed/.goose/run" >/dev/null 2>&1 &
apply_pid=$!
for _ in $(seq 1 100); do [ "$(wc -l <"$keys")" -gt "$keys_before" ] && break; sleep 0.1; done
sleep 0.3
{ kill -9 "$apply_pid"; wait "$apply_pid"; } 2>/dev/null
check_contains "killed mid-load: resume runs the baseline again" 0 "  2. loadtest.run       baseline-scenario: done" -- \
	"$RUNNER" resume --state "$crashed/.goose/run" --allow-unsigned --now "$WINDOW_NOW"
tail -n +"$((keys_before + 1))" "$keys" | cut -d' ' -f1 | sed 's/.*-//' >"$E2E_TMP/crashed-keys"
check "killed mid-load and resumed: no key twice; the baseline's two attempts, then each later scenario's block" 0 \
	"0 0002000 0002010 0003000 0004000 0005000" -- \
	sh -c "echo \$(sort '$E2E_TMP/crashed-keys' | uniq -d | wc -l) \$(cut -c1-7 '$E2E_TMP/crashed-keys' | sort -u)"

# outside the off-peak window the baseline runs, the off-peak scenarios wait: no report yet
deferred=$E2E_TMP/deferred
make_tree "$deferred" "$GOOD_PORT"
build_tree "$deferred"
check_contains "outside the window: stress deferred, exit 4" 4 "  3. loadtest.run       stress-scenarios: deferred" -- \
	"$RUNNER" apply "$deferred/build/plans/loadtest-compliance.plan" --allow-unsigned --now "$NOW" --root "$deferred" --state "$deferred/.goose/run"
check "outside the window: no report, the baseline result kept" 0 "baseline.json" -- \
	sh -c "ls '$deferred'/.goose/run/runs/*/loadtest; ls '$deferred/load-test/reports/dr' 2>/dev/null; true"
check_contains "inside the window, resume runs the rest and reports" 0 "applied loadtest plan" -- \
	"$RUNNER" resume --state "$deferred/.goose/run" --allow-unsigned --now "$WINDOW_NOW"
check "resumed in the window: every scenario in the report" 0 "baseline:ran stress:ran spike:ran soak:ran" -- \
	sh -c "jq -r '[.scenarios[] | \"\\(.name):\\(.status)\"] | join(\" \")' '$deferred'/load-test/reports/dr/*/report.json"

# the documented entry point: run-load-test.sh builds the tree it lives in and applies the plan
scripted=$E2E_TMP/scripted
make_tree "$scripted" "$GOOD_PORT"
check_contains "run-load-test.sh compliance: build, apply, report folder named" 0 "run-load-test: report in load-test/reports/dr/20261126T020000Z-" -- \
	env GOOSEC="$GOOSEC" GOOSE_RUN="$RUNNER" GOOSE_LOADTEST_UNSIGNED=1 SOURCE_DATE_EPOCH=$NOW \
	bash "$scripted/load-test/scripts/run-load-test.sh" compliance --now "$WINDOW_NOW"
check "run-load-test.sh: the four report files in the tree it lives in" 0 "4" -- \
	sh -c "ls '$scripted'/load-test/reports/dr/*/ | grep -cE '^(report.json|junit.xml|summary.md|report.html)\$'"
"$GOOSEC" keygen "$E2E_TMP/keys" --name release-ci-2026q4 >/dev/null
check_contains "run-load-test.sh signed: plan signed with the tree's key, trusted, report stored with evidence" 0 \
	"run-load-test: stage 'compliance' passed its load-test criteria" -- \
	env GOOSEC="$GOOSEC" GOOSE_RUN="$RUNNER" SOURCE_DATE_EPOCH=$NOW GOOSEC_SIGNING_KEY_FILE="$E2E_TMP/keys/release-ci-2026q4.key" \
	GOOSE_TRUST="$E2E_TMP/keys/release-ci-2026q4.pub" GOOSE_EVIDENCE_KEY_FILE="$E2E_TMP/keys/release-ci-2026q4.key" \
	bash "$scripted/load-test/scripts/run-load-test.sh" compliance --now "$WINDOW_NOW"
check "run-load-test.sh signed: a second report folder; each run stored its evidence bundle" 0 "2 2" -- \
	sh -c "echo \"\$(ls -d '$scripted'/load-test/reports/dr/*/ | wc -l) \$(ls '$scripted'/load-test/reports/dr/*/evidence.bundle 2>/dev/null | wc -l)\""
check_contains "run-load-test.sh: no signing key and no opt-out is a usage error" 2 "GOOSEC_SIGNING_KEY_FILE" -- \
	env -u GOOSEC_SIGNING_KEY_FILE GOOSEC="$GOOSEC" GOOSE_RUN="$RUNNER" bash "$scripted/load-test/scripts/run-load-test.sh" compliance

# the promotion gates read the verdict recorded for the compliance stage
gate_plan() {
	local max_p95=$1 max_regression=$2
	cat >"$E2E_TMP/gates.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"ledger","workflow":"promote","stage":"production","from_stage":"compliance",
 "created":$((NOW - 60)),"expires":$((NOW + 86400)),"expected_state":null,"state_check":"first-seen","inputs":{},
 "gates":{"loadtest":{"checked_before":"promote","enforcement":"required","from_stage":"compliance","level":"warning",
   "thresholds":[{"metric":"latency_p95","limit":$max_p95,"unit":"ms","direction":"above","threshold":"ledger_api_latency_p95"},
                 {"metric":"error_ratio","limit":10000,"unit":"ppm","direction":"above","threshold":"ledger_api_error_ratio"}]},
  "performance_baseline":{"checked_before":"promote","enforcement":"required","max_regression_ppm":$max_regression}},
 "steps":[{"id":"note","phase":"promote","action":"exec","title":"after the gates","args":{"argv":["true"],"env":{},"env_allow":[],"timeout_ms":5000}}]}
JSON
	"$PLAN_SIGN" "$E2E_TMP/keys/gate-test.key" "$E2E_TMP/gates.json" >"$E2E_TMP/gates-$max_p95-$max_regression.plan"
	printf '%s' "$E2E_TMP/gates-$max_p95-$max_regression.plan"
}
run_gates() {
	local tree=$1 plan=$2
	rm -f "$tree/.goose/run/current"
	"$RUNNER" apply "$plan" --trust "$E2E_TMP/keys/gate-test.pub" --now "$WINDOW_NOW" --root "$tree" --state "$tree/.goose/run"
}
check "report.json: no request path (they can carry account ids)" 1 "" -- grep -F 'acct-test-0001' "$report" "$dir/report.html" "$dir/summary.md"
check_contains "gates refuse a stage with no load test recorded" 3 "no load test of stage 'compliance' is recorded" -- \
	run_gates "$E2E_TMP/nowhere" "$(gate_plan 250 100000)"
check_contains "gates pass on the passing load test" 0 "gate performance_baseline: passed" -- run_gates "$good" "$(gate_plan 250 100000)"
check_contains "loadtest gate fails when its own limit is tighter than the run's p95" 3 \
	"gate loadtest: FAILED: load test" -- run_gates "$good" "$(gate_plan 0 100000)"

# ---- 2. a target not in compliance mode: refused before any load ----
start_nginx live production || { fail "start nginx (production mode)"; finish; exit 1; }
live=$E2E_TMP/live
make_tree "$live" "$PORT"
build_tree "$live"
check_contains "not in compliance mode: refused by the mode check, exit 1" 1 "validate-compliance-mode" -- apply_loadtest "$live"
check "not in compliance mode: nginx saw only /mode requests" 0 "0" -- sh -c "grep -v ' /mode ' '$LOG' | grep -c 'HTTP/1.1' || true"
check "not in compliance mode: nginx saw the mode probe" 0 "true" -- sh -c "grep -q 'GET /mode ' '$LOG' && echo true"
check "not in compliance mode: no report written" 1 "" -- report_dir_of "$live"

# ---- 3. a slow endpoint breaks the p95 criterion ----
SLOW_PORT=$(free_port)
"$SLOW_HTTP" "$SLOW_PORT" 400 &
SLOW_PID=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SLOW_PORT") 2>/dev/null && break; sleep 0.1; done
slow=$E2E_TMP/slow
make_tree "$slow" "$SLOW_PORT"
build_tree "$slow"
apply_loadtest "$slow" >"$E2E_TMP/slow.out" 2>&1
check "slow endpoint: criteria failed, exit 3 (not a step failure)" 3 "" -- sh -c "exit $?"
check_contains "slow endpoint: the p95 criterion named" 0 \
	"load-test criteria failed: latency_p95 <= 250 ms (ledger_api_latency_p95, warning) in scenario 'baseline'" -- cat "$E2E_TMP/slow.out"
check_contains "slow endpoint: the message points at the page" 0 "(report: $slow/load-test/reports/dr/20261126T020000Z-" -- \
	sh -c "grep -o '(report: .*/report.html)' '$E2E_TMP/slow.out'"
kill "$SLOW_PID" 2>/dev/null
wait "$SLOW_PID" 2>/dev/null
SLOW_PID=""
dir=$(report_dir_of "$slow")
check "slow endpoint: p95 of the baseline scenario failed, above 400 ms" 0 "failed true" -- \
	jq -r '.criteria[] | select(.metric == "latency_p95") | .results[] | select(.scenario == "baseline") | "\(.status) \(.value > 400)"' "$dir/report.json"
check "slow endpoint: verdict failed" 0 "false" -- jq '.verdict.passed' "$dir/report.json"
check_contains "slow endpoint: junit counts the failures" 0 'failures="' -- sh -c "sed -n 2p '$dir/junit.xml' | grep -v 'failures=\"0\"'"
check "slow endpoint: summary says FAILED" 0 "# Load test of ledger-api on compliance: FAILED" -- head -n 1 "$dir/summary.md"
check_contains "slow endpoint: the loadtest gate refuses a promotion" 3 "latency_p95" -- run_gates "$slow" "$(gate_plan 250 100000)"

# ---- 4. a baseline regression ----
regress=$E2E_TMP/regress
make_tree "$regress" "$GOOD_PORT"
# a baseline recorded as if every request answered in a microsecond: today's figures regress
jq '.scenarios[].requests[] |= (.p50_ms = 0.001 | .p95_ms = 0.001 | .p99_ms = 0.001)' \
	"$source_root/load-test/baseline/compliance.json" >"$regress/load-test/baseline/compliance.json"
build_tree "$regress"
tightened=$(sha256sum <"$regress/load-test/baseline/compliance.json")
check_contains "baseline regression: criteria failed, exit 3" 3 "baseline regression in scenario 'baseline', request 'get-balance', p50_ms" -- \
	apply_loadtest "$regress"
dir=$(report_dir_of "$regress")
check "baseline regression: thresholds passed, the baseline did not" 0 "true false false" -- \
	jq -r '"\(.verdict.criteria_passed) \(.verdict.baseline_passed) \(.verdict.passed)"' "$dir/report.json"
check "baseline regression: every latency comparison failed, error ratios held" 0 "18 6" -- \
	jq -r '"\([.baseline.comparisons[] | select(.passed | not)] | length) \([.baseline.comparisons[] | select(.passed)] | length)"' "$dir/report.json"
check "baseline regression: junit fails the two baseline testcases" 0 "2" -- grep -c '<failure type="baseline"' "$dir/junit.xml"
check "baseline regression: tracked baseline untouched, proposal beside the report" 0 "$tightened true" -- \
	sh -c "echo \"\$(sha256sum <'$regress/load-test/baseline/compliance.json') \$(jq '.scenarios.baseline.requests[\"get-balance\"].p95_ms > 0.001' '$dir/proposed-baseline.json')\""
check_contains "baseline regression: the performance_baseline gate refuses" 3 "gate performance_baseline: FAILED" -- \
	run_gates "$regress" "$(gate_plan 250 100000)"
check_contains "a changed baseline is refused (the plan pins its digest)" 1 "changed since the plan was built" -- \
	sh -c "rm -rf '$regress/.goose' '$regress/load-test/reports/dr'; echo '{}' >'$regress/load-test/baseline/compliance.json'; \
		'$RUNNER' apply '$regress/build/plans/loadtest-compliance.plan' --allow-unsigned --now $WINDOW_NOW --root '$regress' --state '$regress/.goose/run'"

# ---- 5. nginx stopped mid-run ----
start_nginx midrun compliance || { fail "start nginx (mid-run)"; finish; exit 1; }
midrun=$E2E_TMP/midrun
make_tree "$midrun" "$PORT"
build_tree "$midrun"
apply_loadtest "$midrun" >"$E2E_TMP/midrun.out" 2>&1 &
apply_pid=$!
# stop nginx half a second into the load (its access log shows the first load request)
for _ in $(seq 1 100); do grep -q ' /v1/' "$LOG" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
stop_nginx midrun
wait "$apply_pid"
status=$?
if [ "$status" = 3 ]; then pass "stopped mid-run: criteria failed, exit 3"; else fail "stopped mid-run: exit 3" "exit $status" "$(cat "$E2E_TMP/midrun.out")"; fi
check_contains "stopped mid-run: the error ratio criterion names the scenario" 0 "error_ratio <= 10000 ppm (ledger_api_error_ratio, warning) in scenario 'baseline'" -- \
	cat "$E2E_TMP/midrun.out"
dir=$(report_dir_of "$midrun")
check "stopped mid-run: connection errors counted in the baseline scenario, all four files written" 0 "true 4" -- \
	sh -c "echo \"\$(jq '.scenarios[0].errors_by_class.connect + .scenarios[0].errors_by_class.reset > 0 and .scenarios[0].responses > 0' '$dir/report.json') \$(ls '$dir' | grep -cE '^(report.json|junit.xml|summary.md|report.html)\$')\""
check "stopped mid-run: later scenarios only met refused connections" 0 "0 true" -- \
	jq -r '"\(.scenarios[3].responses) \(.scenarios[3].errors_by_class.connect > 0)"' "$dir/report.json"

# ---- 6. the target's resource usage from a real Prometheus ----
# target.prometheus in the config reaches each run step; Prometheus scrapes itself every second
# and the selector picks its own process metrics, so /proc can vouch for the figures
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus 2>/dev/null || echo /usr/bin/prometheus)}
if [ ! -x "$PROMETHEUS" ]; then
	echo "skip: prometheus is not installed; the target usage cases did not run"
	finish
	exit $?
fi
PROM_PORT=$(free_port)
mkdir -p "$E2E_TMP/prometheus"
printf 'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: [127.0.0.1:%s]\n' \
	"$PROM_PORT" >"$E2E_TMP/prometheus/prometheus.yml"
"$PROMETHEUS" --config.file="$E2E_TMP/prometheus/prometheus.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
	--storage.tsdb.path="$E2E_TMP/prometheus/data" --log.level=warn >"$E2E_TMP/prometheus/log" 2>&1 &
PROM_PID=$!
for _ in $(seq 100); do
	[ "$(curl -fsS --max-time 1 "http://127.0.0.1:$PROM_PORT/api/v1/query?query=count_over_time(up%5B1m%5D)" 2>/dev/null |
		jq -r '.data.result[0].value[1] // 0' 2>/dev/null)" -ge 2 ] 2>/dev/null && break
	sleep 0.2
done
start_nginx usage compliance || { fail "start nginx (usage)"; finish; exit 1; }
usage=$E2E_TMP/usage
make_tree "$usage" "$PORT"
sed -i "s#^  timeout: 5s\$#  timeout: 5s\n  prometheus: { url: 'http://127.0.0.1:$PROM_PORT', selector: '{job=\"self\"}' }#" \
	"$usage/load-test/config/stress-test.yaml"
SOURCE_DATE_EPOCH=$NOW "$GOOSEC" build --no-cache --unsigned -o "$usage/build" "$usage" >"$E2E_TMP/usage-build.out" 2>&1
check "target usage: the config field reaches every run step" 0 "4 {\"selector\":\"{job=\\\"self\\\"}\",\"url\":\"http://127.0.0.1:$PROM_PORT\"}" -- \
	sh -c "jq -r .payload '$usage/build/plans/loadtest-compliance.plan' | base64 -d |
		jq -r '[.steps[] | select(.args.operation == \"run\") | .args.target_prometheus | tojson] | \"\\(length) \\(unique | join(\" \"))\"'"
ticks_before=$(awk '{ print $14 + $15 }' "/proc/$PROM_PID/stat")
apply_loadtest "$usage" >"$E2E_TMP/usage.out" 2>&1
status=$?
ticks_after=$(awk '{ print $14 + $15 }' "/proc/$PROM_PID/stat")
rss_now=$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$PROM_PID/status")
proc_cpu=$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$(getconf CLK_TCK)" 'BEGIN { print (b - a) / hz }')
dir=$(report_dir_of "$usage")
if [ "$status" = 0 ] && jq -e --argjson rss "$rss_now" --argjson cpu "$proc_cpu" --arg url "http://127.0.0.1:$PROM_PORT" '
	(.scenarios | length) == 4 and (.scenarios | all(.duration_s as $d | .target_usage as $u |
		$u.prometheus == $url and $u.selector == "{job=\"self\"}" and $u.cpu_series == 1 and $u.memory_series == 1 and
		$u.samples >= 1 and ($u.window_s - $d | fabs) < 0.01 and $u.cpu_seconds >= 0 and
		$u.memory_bytes_max >= $rss * 0.5 and $u.memory_bytes_max <= $rss * 1.5 and $u.memory_bytes_mean <= $u.memory_bytes_max)) and
	([.scenarios[].target_usage.cpu_seconds] | add) <= $cpu * 1.2 + 0.1' "$dir/report.json" >/dev/null; then
	pass "target usage: report.json holds Prometheus's CPU and memory for each scenario ($(jq -c '[.scenarios[].target_usage.cpu_seconds]' "$dir/report.json") s CPU; /proc: $proc_cpu s over the whole apply)"
else
	fail "target usage in report.json" "exit $status, /proc: $proc_cpu s CPU, $rss_now bytes" "$(jq -c '[.scenarios[].target_usage]' "$dir/report.json" 2>&1 | head -c 1500)" "$(tail -5 "$E2E_TMP/usage.out")"
fi
check "target usage: a row per scenario in summary.md" 0 "4" -- \
	sh -c "sed -n '/^## Target resource usage/,/^## Criteria/p' '$dir/summary.md' | grep -cE '^\\| (baseline|stress|spike|soak) \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| http://127.0.0.1:$PROM_PORT \\{job=\"self\"\\} \\|\$'"
check "target usage: report.html has the table and its two charts" 0 "1 1 18" -- \
	sh -c "echo \$(grep -c '<h2>Target resource usage</h2>' '$dir/report.html') \$(grep -c 'aria-label=\"Target CPU by scenario\"' '$dir/report.html') \$(grep -c '<svg class=\"chart\"' '$dir/report.html')"
# the schema holds the field to an http:// URL
sed -i "s#url: 'http://127.0.0.1:$PROM_PORT'#url: 'ftp://127.0.0.1:$PROM_PORT'#" "$usage/load-test/config/stress-test.yaml"
check_contains "target usage: a Prometheus URL that is not http:// is a lint error" 1 "load-test/config/stress-test.yaml:17:" -- \
	"$GOOSEC" lint --no-cache "$usage"

finish
