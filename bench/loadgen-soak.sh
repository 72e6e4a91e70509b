#!/usr/bin/env bash
# Benchmark: does the load engine's memory stay flat on long runs? goose-run load at a fixed
# rate against nginx on loopback for a short and a long run (default 10 s and 60 s at 20,000
# req/s): peak RSS (from /usr/bin/time and from the engine itself), the engine's resident memory
# per second from its series, and its CPU per second of load. Prints a table and the growth.
# The series itself is bounded: beyond LOADGEN_SERIES_MAX_POINTS (2048) neighbouring points
# merge; a third run of the long duration with --series-points BOUNDED (default 16) shows the
# coarsening at work, and the last lines give what the bound means for a 2 h soak.
set -u
cd "$(dirname "$0")/.."
RUN=${GOOSE_RUN:-${BIN:-bin}/goose-run}
NGINX=${NGINX:-/usr/sbin/nginx}
SHORT=${SHORT:-10}
LONG=${LONG:-60}
RATE=${RATE:-20000}
BOUNDED=${BOUNDED:-16}
for tool in "$RUN" "$NGINX" /usr/bin/time jq; do
	command -v "$tool" >/dev/null || { echo "loadgen-soak: '$tool' is missing (scripts/install-deps.sh)" >&2; exit 2; }
done
T=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/logs" "$T/tmp"
cat >"$T/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-1};
daemon off;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 100000000;
	client_body_temp_path $T/tmp;
	proxy_temp_path $T/tmp;
	fastcgi_temp_path $T/tmp;
	uwsgi_temp_path $T/tmp;
	scgi_temp_path $T/tmp;
	server { listen 127.0.0.1:$PORT; location / { return 200 "hello from nginx\n"; } }
}
CONF
"$NGINX" -c "$T/nginx.conf" -p "$T" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.5
URL="http://127.0.0.1:$PORT/"

run() { # name seconds [options] -> $T/run-NAME.json, $T/run-NAME.time
	local name=$1 seconds=$2
	shift 2
	/usr/bin/time -f 'peak_kib=%M' -o "$T/run-$name.time" "$RUN" load "$URL" --rate "$RATE" --threads 2 --connections 64 \
		--duration "${seconds}s" --json "$@" >"$T/run-$name.json" 2>/dev/null
}
run "$SHORT" "$SHORT"
run "$LONG" "$LONG"
run "$LONG-bounded" "$LONG" --series-points "$BOUNDED"

printf '%-26s %8s %7s %9s %11s %11s %12s %7s %6s\n' "run at $RATE req/s" "req/s" "errors" "peak KiB" "engine KiB" "rss @2 KiB" "rss @end KiB" "points" "span"
for name in "$SHORT" "$LONG" "$LONG-bounded"; do
	label="${name%-bounded} s"
	[ "$name" = "$LONG-bounded" ] && label="$LONG s, <= $BOUNDED points"
	jq -r --arg name "$label" --arg peak "$(sed -n 's/^peak_kib=//p' "$T/run-$name.time")" '
		[$name, (.rps|floor), .errors, $peak, .engine.max_rss_kib,
		 (.series[2].engine_rss_kib // 0), (.series[-1].engine_rss_kib // 0), (.series | length), (.series[0].span_s // 0),
		 ((.engine.cpu_user_s + .engine.cpu_system_s) / .duration_s)] |
		"\(.[0])|\(.[1])|\(.[2])|\(.[3])|\(.[4])|\(.[5])|\(.[6])|\(.[7])|\(.[8])|\(.[9])"' "$T/run-$name.json"
done | awk -F'|' '{ printf "%-26s %8s %7s %9s %11s %11s %12s %7s %5ss   engine cpu %.2f cores\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
short_peak=$(sed -n 's/^peak_kib=//p' "$T/run-$SHORT.time")
long_peak=$(sed -n 's/^peak_kib=//p' "$T/run-$LONG.time")
echo "peak RSS ${LONG} s / ${SHORT} s: $(awk -v a="$long_peak" -v b="$short_peak" 'BEGIN { printf "%.3f (%+d KiB)", a / b, a - b }')"
jq -r '"engine rss over the long run (KiB, every 10th second): " + ([.series | to_entries[] | select(.key % 10 == 0) | .value.engine_rss_kib] | map(tostring) | join(" "))' "$T/run-$LONG.json"
jq -r --argjson bounded "$BOUNDED" '"bounded run: " + (.series | length | tostring) + " points of " + (.series[0].span_s | tostring) +
	" s cover " + ([.series[].span_s] | add | tostring) + " s; responses in the series " + ([.series[].responses] | add | tostring) +
	" of " + (.requests | tostring) + "; largest p99 " + ([.series[].p99_us] | max | tostring) + " us (whole run p99 " +
	(.latency_us.p99 | tostring) + " us)"' "$T/run-$LONG-bounded.json"
# a series point is 88 bytes (struct loadgen_series_point); the bound is LOADGEN_SERIES_MAX_POINTS
echo "series memory for a 2 h soak: $((7200 * 88 / 1024)) KiB unbounded (88 bytes a second), at most $((2048 * 88 / 1024)) KiB bounded (2048 points of 4 s); 30 days: $((2592000 * 88 / 1024)) KiB vs $((2048 * 88 / 1024)) KiB"
