#!/usr/bin/env bash
# The emitted rule files loaded by a real Prometheus server: started on a free loopback port with
# a config and storage in a temp folder, asked through /api/v1/rules whether every group and rule
# loaded and evaluates with health "ok", then stopped by its pid (also on any exit).
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
# Plans are signed when a build has a key; these tests are about rules, so ask for unsigned plans
# where the build knows that option.
build_options=(--no-cache)
if "$GOOSEC" build --help 2>&1 | grep -q -- '--unsigned'; then build_options+=(--unsigned); fi
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}

if [ ! -x "$PROMETHEUS" ] || ! command -v curl >/dev/null 2>&1; then
	echo "skip: needs $PROMETHEUS and curl (scripts/install-deps.sh installs both)"
	echo "0 passed, 0 failed"
	exit 0
fi

server_pid=""
stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=""
	fi
}
trap 'stop_server; rm -rf "$E2E_TMP"' EXIT

out="$E2E_TMP/build"
check "build the example tree" 0 - -- "$GOOSEC" build "${build_options[@]}" -o "$out" "$source_root"
rules_dir="$out/monitoring/prometheus"
expected_groups=$(grep -cE '^  - name: ' "$rules_dir/alerts.yaml" "$rules_dir/recording.yaml" | awk -F: '{ n += $2 } END { print n }')
expected_rules=$(grep -cE '^      - (alert|record): ' "$rules_dir/alerts.yaml" "$rules_dir/recording.yaml" | awk -F: '{ n += $2 } END { print n }')

cat >"$E2E_TMP/prometheus.yml" <<CONFIG
global:
  evaluation_interval: 1s
rule_files:
  - $rules_dir/alerts.yaml
  - $rules_dir/recording.yaml
CONFIG

# A free port: try a few random ones until the server stays up on one.
port=""
for attempt in 1 2 3 4 5; do
	candidate=$((20000 + RANDOM % 20000))
	(exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue # someone listens there
	"$PROMETHEUS" --config.file="$E2E_TMP/prometheus.yml" --web.listen-address="127.0.0.1:$candidate" \
		--storage.tsdb.path="$E2E_TMP/data-$attempt" --log.level=warn >"$E2E_TMP/server.log" 2>&1 &
	server_pid=$!
	for _ in $(seq 1 100); do
		if curl -fsS --max-time 1 "http://127.0.0.1:$candidate/-/ready" >/dev/null 2>&1; then
			port=$candidate
			break
		fi
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$port" ] && break
	stop_server
done

if [ -z "$port" ]; then
	fail "prometheus became ready" "$(tail -20 "$E2E_TMP/server.log")"
	finish
	exit 1
fi
pass "prometheus is ready on 127.0.0.1:$port"

# Rules report "unknown" until first evaluated; groups with a 30s interval take up to 30s.
rules_json=""
for _ in $(seq 1 90); do
	rules_json=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/api/v1/rules")
	healthy=$(grep -o '"health":"ok"' <<<"$rules_json" | wc -l)
	[ "$healthy" -ge "$expected_rules" ] && break
	sleep 0.5
done

groups=$(grep -o '"file":"' <<<"$rules_json" | wc -l)
rules=$(grep -o '"health":"' <<<"$rules_json" | wc -l)
healthy=$(grep -o '"health":"ok"' <<<"$rules_json" | wc -l)
if [ "$groups" -eq "$expected_groups" ]; then pass "all $groups rule groups loaded"
else fail "rule groups" "loaded $groups, expected $expected_groups"; fi
if [ "$rules" -eq "$expected_rules" ]; then pass "all $rules rules loaded"
else fail "rules" "loaded $rules, expected $expected_rules"; fi
if [ "$healthy" -eq "$expected_rules" ]; then pass "every rule evaluates with health ok"
else fail "rule health" "$healthy of $expected_rules ok" "$(grep -o '"lastError":"[^"]\+"' <<<"$rules_json" | sort -u | head -5)"; fi
if grep -q '"lastError":"[^"]' <<<"$rules_json"; then fail "no rule reports an error" "$(grep -o '"lastError":"[^"]\+"' <<<"$rules_json" | head -3)"
else pass "no rule reports an error"; fi

stopped_pid=$server_pid
stop_server
if kill -0 "$stopped_pid" 2>/dev/null; then fail "the server stopped"; else pass "the server stopped"; fi
finish
