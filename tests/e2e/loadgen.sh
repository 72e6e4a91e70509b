#!/usr/bin/env bash
# End to end: goose-run load against nginx on loopback (a config in a temp dir, a free port,
# stopped by pid): a fixed rate is met with no errors, --max runs, refused connections are
# counted as connect errors with exit 1, --json has its fields, usage errors exit 2; the progress
# line only on a terminal; the target's CPU and memory read from a real Prometheus server.
source "$(dirname "$0")/lib.sh"
RUN=${GOOSE_RUN:-$(cd "$(dirname "$0")/../.." && pwd)/${BIN:-bin}/goose-run}
NGINX=${NGINX:-/usr/sbin/nginx}
T=$E2E_TMP

check_contains "usage: no URL" 2 "no URL given" -- "$RUN" load
check_contains "usage: not http" 2 "is not an http:// or https:// URL" -- "$RUN" load ftp://127.0.0.1/
check_contains "usage: rate and max" 2 "exclude each other" -- "$RUN" load http://127.0.0.1:1/ --rate 10 --max
check_contains "usage: bad header" 2 "would break the request" -- "$RUN" load http://127.0.0.1:1/ --header NoColon
check_contains "help lists load" 0 "load URL" -- "$RUN" --help

if ! command -v jq >/dev/null; then
	echo "skip: jq not found; the load runs were not checked"
	finish
	exit $?
fi

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A refused port needs no server: every request is a connect error.
REFUSED=$(free_port)
check_contains "connection refused: connect errors, exit 1" 1 "connect " -- \
	"$RUN" load "http://127.0.0.1:$REFUSED/" --rate 100 --duration 1s --connections 4 --threads 2
out=$("$RUN" load "http://127.0.0.1:$REFUSED/" --rate 100 --duration 1s --connections 4 --threads 2 --json 2>/dev/null)
connect=$(jq '.errors_by_class.connect' <<<"$out")
if [ "${connect:-0}" -gt 0 ] && [ "$(jq '.requests' <<<"$out")" = 0 ] && [ "$(jq '.errors' <<<"$out")" = "$connect" ]; then
	pass "connection refused: JSON counts connect errors ($connect)"
else
	fail "connection refused: JSON counts connect errors" "$out"
fi

if [ ! -x "$NGINX" ]; then
	echo "skip: nginx not found at $NGINX (install it with scripts/install-deps.sh); the nginx cases did not run"
	finish
	exit $?
fi

PORT=$(free_port)
mkdir -p "$T/nginx/logs" "$T/nginx/tmp"
cat >"$T/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 1000000;
	log_format keys '\$http_idempotency_key \$arg_n \$content_length \$status';
	client_body_temp_path $T/nginx/tmp;
	proxy_temp_path $T/nginx/tmp;
	fastcgi_temp_path $T/nginx/tmp;
	uwsgi_temp_path $T/nginx/tmp;
	scgi_temp_path $T/nginx/tmp;
	server {
		listen 127.0.0.1:$PORT;
		location / { return 200 "hello from nginx\n"; }
		location /missing { return 404; }
		location /keys { access_log $T/nginx/logs/keys.log keys; return 200 "recorded\n"; }
	}
}
CONF
"$NGINX" -c "$T/nginx/nginx.conf" -p "$T/nginx" 2>"$T/nginx/start.log" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
for _ in $(seq 50); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
	sleep 0.1
done
URL="http://127.0.0.1:$PORT/"

out=$("$RUN" load "$URL" --rate 1000 --duration 2s --connections 16 --json)
status=$?
rps=$(jq '.rps' <<<"$out")
if [ "$status" -eq 0 ] && [ "$(jq '.errors' <<<"$out")" = 0 ] &&
	awk -v r="$rps" 'BEGIN { exit !(r >= 950 && r <= 1050) }' && [ "$(jq '.requests' <<<"$out")" -ge 1900 ]; then
	pass "a fixed rate of 1000 req/s for 2 s: $rps req/s, 0 errors"
else
	fail "a fixed rate of 1000 req/s for 2 s" "exit $status" "$out"
fi
if jq -e '(.requests|type) == "number" and (.errors|type) == "number" and (.duration_s|type) == "number" and
	(.rps|type) == "number" and ([.latency_us.p50, .latency_us.p90, .latency_us.p99, .latency_us.p999, .latency_us.max] |
	all(type == "number")) and .latency_us.p50 <= .latency_us.p99 and .latency_us.p99 <= .latency_us.max and
	.executor == "constant-rate" and (.series | length) == 2 and (.series | all(.engine_rss_kib > 0 and .p50_us <= .p90_us and .p90_us <= .p95_us and .p95_us <= .p99_us and .p99_us <= .max_us)) and
	.series[0].engine_cpu_s > 0 and .series[1].engine_cpu_s >= .series[0].engine_cpu_s and
	.engine.max_rss_kib >= .series[0].engine_rss_kib and .engine.cpu_user_s + .engine.cpu_system_s > 0' <<<"$out" >/dev/null; then
	pass "JSON has requests, errors, duration_s, rps, latency_us percentiles, the engine's CPU and memory, a series per second"
else
	fail "JSON fields" "$out"
fi

out=$("$RUN" load "$URL" --max --duration 1s --connections 8 --threads 2 --json)
status=$?
if [ "$status" -eq 0 ] && [ "$(jq '.errors' <<<"$out")" = 0 ] && [ "$(jq '.requests' <<<"$out")" -gt 1000 ] &&
	[ "$(jq -r '.executor' <<<"$out")" = max-throughput ]; then
	pass "--max runs: $(jq '.rps' <<<"$out") req/s"
else
	fail "--max runs" "exit $status" "$out"
fi

out=$("$RUN" load "$URL" --rate 200 --ramp-to 600 --duration 2s --connections 8 --json)
requests=$(jq '.requests' <<<"$out")
if [ "$(jq -r '.executor' <<<"$out")" = ramping-rate ] && [ "$requests" -ge 760 ] && [ "$requests" -le 820 ]; then
	pass "a ramp from 200 to 600 req/s over 2 s sends about 800 requests ($requests)"
else
	fail "ramping rate" "$out"
fi

check_contains "text output" 0 "latency (us)  p50" -- "$RUN" load "$URL" --rate 100 --duration 1s --connections 2
check_contains "404s are errors of class 4xx, exit 1" 1 "4xx 100" -- \
	"$RUN" load "${URL}missing" --rate 100 --duration 1s --connections 2
printf '{"a":1}' >"$T/body.json"
check_contains "POST with a body and headers" 0 "0 (connect 0" -- "$RUN" load "$URL" --method POST --body "$T/body.json" \
	--header 'Content-Type: application/json' --rate 50 --duration 1s --connections 2

# ${request.sequence}: every send carries its own number (19 digits, written over the
# placeholder in the path, a header and the body alike), unique across the two workers; the
# body keeps its length, so Content-Length stays right and keep-alive framing holds
printf '{"transfer":"${request.sequence}","amount":"1.00"}' >"$T/sequence-body.json"
body_length=$(wc -c <"$T/sequence-body.json")
out=$("$RUN" load "${URL}keys?n=\${request.sequence}" --method POST --body "$T/sequence-body.json" \
	--header 'Idempotency-Key: run-7-${request.sequence}' --header 'Content-Type: application/json' \
	--rate 1000 --duration 2s --connections 8 --threads 2 --json)
status=$?
requests=$(jq '.requests' <<<"$out")
logged=$(wc -l <"$T/nginx/logs/keys.log")
unique=$(cut -d' ' -f1 "$T/nginx/logs/keys.log" | sort -u | wc -l)
# the keys are exactly run-7-1 .. run-7-N (zero-padded): none repeated, none skipped
expected=$(seq -f 'run-7-%019.0f' 1 "${requests:-0}" | sha256sum)
got=$(cut -d' ' -f1 "$T/nginx/logs/keys.log" | sort | sha256sum)
mismatched=$(awk -v len="$body_length" '{ split($1, key, "-"); if (key[3] != $2 || $3 != len || $4 != 200) bad++ } END { print bad + 0 }' \
	"$T/nginx/logs/keys.log")
if [ "$status" -eq 0 ] && [ "$(jq '.errors' <<<"$out")" = 0 ] && [ "$requests" = 2000 ] && [ "$logged" = 2000 ] &&
	[ "$unique" = 2000 ] && [ "$expected" = "$got" ] && [ "$mismatched" = 0 ]; then
	pass "\${request.sequence}: 2000 POSTs carry keys run-7-1..2000 once each, the same number in the path, Content-Length $body_length"
else
	fail "\${request.sequence} in path, header and body" "exit $status, $requests requests, $logged logged, $unique unique, $mismatched mismatched" \
		"$(head -3 "$T/nginx/logs/keys.log")" "$(jq -c '.errors_by_class' <<<"$out")"
fi

# --series-points: the series merges neighbouring seconds beyond the bound, keeping every response
out=$("$RUN" load "$URL" --rate 500 --duration 5s --connections 4 --threads 2 --series-points 2 --json)
if jq -e '(.series | length) == 2 and ([.series[].span_s] == [4, 1]) and ([.series[].responses] | add) == .requests and
	.requests == 2500 and ([.series[].max_us] | max) == .latency_us.max' <<<"$out" >/dev/null; then
	pass "--series-points 2: 5 s kept as points of 4 s and 1 s, every response and the max kept"
else
	fail "--series-points 2" "$(jq -c '[.requests, .latency_us.max, [.series[] | {second, span_s, responses, max_us}]]' <<<"$out")"
fi
check_contains "usage: --series-points 1" 2 "--series-points needs a count from 2 to 1000000, not '1'" -- \
	"$RUN" load "$URL" --series-points 1

# progress: a live line per second on stderr when it is a terminal (script(1) gives it one),
# rewritten in place with a carriage return and cleared before the result; nothing otherwise
if command -v script >/dev/null; then
	# stderr stays on the pseudo-terminal, which script records in its typescript file
	script -qec "'$RUN' load '$URL' --rate 200 --duration 3s --connections 4 --threads 2 --json >'$T/tty-stdout'" \
		"$T/tty-stderr" >/dev/null 2>&1 </dev/null
	lines=$(tr '\r' '\n' <"$T/tty-stderr" | grep -c 's elapsed')
	if [ "$lines" = 2 ] && grep -q 'of 200 req/s  p95 [1-9][0-9]* us  [0-9]* requests  0 errors' "$T/tty-stderr" &&
		grep -q "$(printf '\r\033\\[K')" "$T/tty-stderr" && jq -e '.requests == 600' "$T/tty-stdout" >/dev/null; then
		pass "on a terminal: one progress line per whole second on stderr, JSON alone on stdout"
	else
		fail "progress on a terminal" "$(od -c "$T/tty-stderr" | head -20)" "$(head -c 300 "$T/tty-stdout")"
	fi
	script -qec "'$RUN' load '$URL' --rate 200 --duration 2s --connections 4 --no-progress" "$T/tty-quiet" \
		>/dev/null 2>&1 </dev/null
	if grep -q 'requests  *400 ' "$T/tty-quiet" && ! grep -q 'elapsed' "$T/tty-quiet"; then
		pass "--no-progress keeps a terminal quiet"
	else
		fail "--no-progress" "$(cat "$T/tty-quiet")"
	fi
else
	echo "skip: script(1) not found; progress on a terminal was not checked"
fi
"$RUN" load "$URL" --rate 200 --duration 2s --connections 4 2>"$T/pipe-stderr" | cat >/dev/null
if [ ! -s "$T/pipe-stderr" ]; then
	pass "no progress when stderr is not a terminal"
else
	fail "no progress off a terminal" "$(od -c "$T/pipe-stderr" | head)"
fi

# the target goes away mid-run: the rest are connect errors or resets, exit 1
"$RUN" load "$URL" --rate 200 --duration 2s --connections 4 --threads 2 --json >"$T/midrun.json" 2>/dev/null &
LOAD_PID=$!
sleep 1
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null
wait "$LOAD_PID"
status=$?
if [ "$status" -eq 1 ] && jq -e '.requests > 100 and (.errors_by_class.connect + .errors_by_class.reset) > 0' "$T/midrun.json" >/dev/null; then
	pass "server stopped mid-run: $(jq -c '.errors_by_class' "$T/midrun.json")"
else
	fail "server stopped mid-run" "exit $status" "$(cat "$T/midrun.json")"
fi

# --prometheus: the target's CPU and memory over the run, from a real Prometheus server that
# scrapes itself every second, loaded itself (its own process metrics are the target's)
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
if [ ! -x "$PROMETHEUS" ]; then
	echo "skip: prometheus not found at $PROMETHEUS; the target usage cases did not run"
	finish
	exit $?
fi
PROM_PORT=$(free_port)
cat >"$T/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:$PROM_PORT']
CONF
"$PROMETHEUS" --config.file="$T/prometheus.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
	--storage.tsdb.path="$T/prometheus-data" --log.level=warn >"$T/prometheus.log" 2>&1 &
PROM_PID=$!
trap 'kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
PROM="http://127.0.0.1:$PROM_PORT"
# ready, with a couple of scrapes of itself stored
for _ in $(seq 100); do
	[ "$(curl -fsS --max-time 1 "$PROM/api/v1/query?query=count_over_time(up%5B1m%5D)" 2>/dev/null |
		jq -r '.data.result[0].value[1] // 0' 2>/dev/null)" -ge 2 ] 2>/dev/null && break
	sleep 0.2
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PROM_PID/stat"; }
ticks_before=$(cpu_ticks)
out=$("$RUN" load "$PROM/-/healthy" --rate 500 --duration 3s --connections 4 --threads 2 --prometheus "$PROM" --json 2>"$T/err")
status=$?
ticks_after=$(cpu_ticks)
rss_now=$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$PROM_PID/status")
proc_cpu=$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$(getconf CLK_TCK)" 'BEGIN { print (b - a) / hz }')
if [ "$status" -eq 0 ] && jq -e --arg sel "{instance=\"127.0.0.1:$PROM_PORT\"}" --argjson rss "$rss_now" --argjson cpu "$proc_cpu" '
	.requests == 1500 and .target.selector == $sel and .target.window_s == 3 and
	.target.cpu_series == 1 and .target.memory_series == 1 and
	.target.cpu_interval_s >= 3 and .target.cpu_interval_s <= 6 and
	.target.cpu_seconds > 0 and .target.cpu_seconds <= $cpu * 1.2 + 0.05 and .target.cpu_seconds >= $cpu * 0.25 and
	(.target.cpu_cores - .target.cpu_seconds / .target.cpu_interval_s | fabs) < 1e-6 and
	.target.memory_bytes_max >= $rss * 0.5 and .target.memory_bytes_max <= $rss * 1.5 and
	.target.memory_bytes_mean <= .target.memory_bytes_max and .target.samples >= 5' <<<"$out" >/dev/null; then
	pass "target usage from prometheus: $(jq -c '.target | {cpu_seconds, cpu_cores, memory_bytes_max}' <<<"$out") (/proc: ${proc_cpu} s CPU, $rss_now bytes)"
else
	fail "target usage from prometheus" "exit $status, /proc: $proc_cpu s CPU, $rss_now bytes RSS" "$(jq -c .target <<<"$out")" "$(cat "$T/err")"
fi
check_contains "target usage in the text output" 0 "target usage  cpu " -- \
	"$RUN" load "$PROM/-/healthy" --rate 100 --duration 2s --connections 2 --prometheus "$PROM" --target-selector '{job="self"}'

out=$("$RUN" load "$PROM/-/healthy" --rate 50 --duration 1s --connections 2 --prometheus "$PROM" \
	--target-selector '{job="nobody"}' --json 2>"$T/err")
status=$?
if [ "$status" -eq 0 ] && jq -e '.requests == 50 and .target.error == "no series matched the selector (process_cpu_seconds_total, process_resident_memory_bytes)"' \
	<<<"$out" >/dev/null && grep -qx "goose-run load: no target usage from '$PROM': no series matched the selector (process_cpu_seconds_total, process_resident_memory_bytes)" "$T/err"; then
	pass "a selector that matches nothing: the run stands, the reason is reported"
else
	fail "selector matching nothing" "exit $status" "$(jq -c .target <<<"$out")" "$(cat "$T/err")"
fi
DOWN=$(free_port)
out=$("$RUN" load "$PROM/-/healthy" --rate 50 --duration 1s --connections 2 --prometheus "http://127.0.0.1:$DOWN" --json 2>"$T/err")
if jq -e '.target.error | startswith("cannot connect to")' <<<"$out" >/dev/null && grep -q "no target usage from 'http://127.0.0.1:$DOWN': cannot connect" "$T/err"; then
	pass "prometheus unreachable: reported, the run stands"
else
	fail "prometheus unreachable" "$(jq -c .target <<<"$out")" "$(cat "$T/err")"
fi
check_contains "usage: --target-selector needs --prometheus" 2 "--target-selector needs --prometheus" -- \
	"$RUN" load "$PROM/" --target-selector '{job="x"}'
finish
