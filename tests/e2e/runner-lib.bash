# Shared setup of the goose-run end-to-end tests (sourced after lib.sh): a key pair, a
# snapshot key, a sandbox and a compliance stage, and a signed promotion plan that uses only
# steps that work locally (stage.validate, snapshot.create, exec, stage.promote, http.check
# when python3 can serve the stage, monitoring.update).
RUNNER=${GOOSE_RUN:-$(dirname "$GOOSEC")/goose-run}
PLAN_SIGN=${GOOSE_TEST_OUT:-.build/default}/tests/plan_sign
NOW=1795651200 # 2026-11-26: the example tree's secret rotation dates are valid then

runner_setup() {
	"$GOOSEC" keygen "$E2E_TMP/keys" --name runner-test >/dev/null || return 1
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$E2E_TMP/snapshot.key"
	TEMPLATE=$E2E_TMP/template
	mkdir -p "$TEMPLATE/.goose/stages/sandbox" "$TEMPLATE/.goose/stages/compliance"
	printf '{"version":"1.2.0"}' >"$TEMPLATE/.goose/stages/sandbox/version.json"
	printf '{"release":"1.2.0","built":"reproducible"}' >"$TEMPLATE/.goose/stages/sandbox/release.json"
	printf 'sandbox page\n' >"$TEMPLATE/.goose/stages/sandbox/index.html"
	printf '{"version":"1.1.0"}' >"$TEMPLATE/.goose/stages/compliance/version.json"
	printf 'old page\n' >"$TEMPLATE/.goose/stages/compliance/index.html"
	HTTP_PORT=
	if command -v python3 >/dev/null 2>&1; then
		HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	fi
	local http_step=
	if [ -n "$HTTP_PORT" ]; then
		http_step='{"id":"verify","phase":"verify","action":"http.check","title":"version of the new release","args":{"stage":"compliance","url":"http://127.0.0.1:'"$HTTP_PORT"'/version.json","method":"GET","expect":{"status":[200],"json":{"version":"${release.version}"}},"timeout_ms":2000,"retry":{"attempts":20,"backoff_ms":100}}},'
	fi
	cat >"$E2E_TMP/payload.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"runner-test","workflow":"promote","stage":"compliance","from_stage":"sandbox",
 "created":$((NOW - 60)),"expires":$((NOW + 3600)),"expected_state":null,"state_check":"first-seen","inputs":{},
 "gates":{"approvals":{"required":1,"from":["alice","bob"],"checked_before":"promote"}},
 "steps":[
  {"id":"validate","phase":"validate","action":"stage.validate","title":"sandbox is whole","args":{"stage":"sandbox","state_dir":".goose/stages/sandbox","require_files":["version.json","release.json"]}},
  {"id":"snapshot","phase":"snapshot","action":"snapshot.create","title":"recovery point","args":{"stage":"compliance","state_dir":".goose/stages/compliance","purpose":"recovery","store":".goose/snapshots","include":[],"exclude":[],"retention":{"keep_last":5,"max_age_ms":null},"key_id":"test","checks":[{"check":"integrity"}]}},
  {"id":"exec","phase":"exec","action":"exec","title":"a command without a shell","args":{"argv":["sh","-c","echo prepared \$GREETING; test -z \"\$HOME_IS_HIDDEN\$SECRET\""],"env":{"GREETING":"hello"},"env_allow":["PATH"],"timeout_ms":5000}},
  {"id":"promote","phase":"promote","action":"stage.promote","title":"promote","args":{"from":"sandbox","to":"compliance","from_state_dir":".goose/stages/sandbox","to_state_dir":".goose/stages/compliance","source":"stage","release_digest":null}},
  $http_step
  {"id":"monitoring","phase":"monitoring","action":"monitoring.update","title":"metrics","args":{"stage":"compliance","event":"promote"}}
 ]}
JSON
	"$PLAN_SIGN" "$E2E_TMP/keys/runner-test.key" "$E2E_TMP/payload.json" >"$E2E_TMP/promote.plan"
}

# A fresh work dir (copy of the template) with the stage served over HTTP when python3 is there.
fresh_workdir() {
	local dir=$1
	rm -rf "$dir"
	cp -a "$TEMPLATE" "$dir"
}

start_server() {
	local dir=$1
	[ -n "$HTTP_PORT" ] || return 0
	(cd "$dir" && exec python3 -m http.server --bind 127.0.0.1 --directory .goose/stages/compliance "$HTTP_PORT" >/dev/null 2>&1) &
	SERVER_PID=$!
}

stop_server() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

run_in() {
	local dir=$1
	shift
	(cd "$dir" && SECRET=do-not-pass "$RUNNER" "$@" --trust "$E2E_TMP/keys/runner-test.pub" --now "$NOW" \
		--snapshot-key "$E2E_TMP/snapshot.key")
}

# What must be the same after any crash and resume: registry, live release, metrics, snapshot count.
final_state() {
	local dir=$1
	(cd "$dir" && "$RUNNER" status --json &&
		(cd .goose/stages/compliance && find . -type f | LC_ALL=C sort | xargs sha256sum) &&
		ls -d .goose/stages/* &&
		cat .goose/run/metrics/goose-run.prom &&
		"$RUNNER" snapshots list --store .goose/snapshots --json | grep -c '"id"')
}

# plan_payload PLAN: the payload JSON of a DSSE plan (needs jq).
plan_payload() {
	jq -r .payload "$1" | base64 -d
}

# crash_points PAYLOAD_FILE: every place GOOSE_RUN_CRASH_AT can kill a run of the plan, one per
# line: begin:done, each step's intent and done (and a stage.promote's swapped and registered,
# between its rename and its registry write), finish:done. Derived from the plan's own steps, so
# a step added to a workflow is killed at as soon as plans hold it.
crash_points() {
	echo "begin:done"
	jq -r '.steps[] | "\(.id):intent", "\(.id):done", (select(.action == "stage.promote") | "\(.id):swapped", "\(.id):registered")' "$1"
	echo "finish:done"
}

# done_steps JOURNAL: the steps a run's journal records as done, in order.
done_steps() {
	jq -r 'select(.kind == "done") | .step' "$1" | tr '\n' ' '
}
