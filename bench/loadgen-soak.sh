#!/usr/bin/env bash
# Benchmark: does the load engine's memory stay flat on long runs? goose-run load at a fixed
# rate against nginx on loopback for a short and a long run (default 10 s and 60 s at 20,000
# req/s): peak RSS (from /usr/bin/time and from the engine itself), the engine's resident memory
# per second from its series, and its CPU per second of load. Prints a table and the growth.
set -u
cd "$(dirname "$0")/.."
RUN=${GOOSE_RUN:-${BIN:-bin}/goose-run}
NGINX=${NGINX:-/usr/sbin/nginx}
SHORT=${SHORT:-10}
LONG=${LONG:-60}
RATE=${RATE:-20000}
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

run() { # seconds -> $T/run-N.json, $T/run-N.time
	/usr/bin/time -f 'peak_kib=%M' -o "$T/run-$1.time" "$RUN" load "$URL" --rate "$RATE" --threads 2 --connections 64 \
		--duration "$1s" --json >"$T/run-$1.json" 2>/dev/null
}
run "$SHORT"
run "$LONG"

printf '%-22s %10s %10s %10s %12s %12s %14s\n' "run at $RATE req/s" "req/s" "errors" "peak KiB" "engine KiB" "rss @2s KiB" "rss @end KiB"
for seconds in "$SHORT" "$LONG"; do
	jq -r --arg name "${seconds} s" --arg peak "$(sed -n 's/^peak_kib=//p' "$T/run-$seconds.time")" '
		[$name, (.rps|floor), .errors, $peak, .engine.max_rss_kib,
		 (.series[2].engine_rss_kib // 0), (.series[-1].engine_rss_kib // 0),
		 ((.engine.cpu_user_s + .engine.cpu_system_s) / .duration_s)] |
		"\(.[0])|\(.[1])|\(.[2])|\(.[3])|\(.[4])|\(.[5])|\(.[6])|\(.[7])"' "$T/run-$seconds.json"
done | awk -F'|' '{ printf "%-22s %10s %10s %10s %12s %12s %14s   engine cpu %.2f cores\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
short_peak=$(sed -n 's/^peak_kib=//p' "$T/run-$SHORT.time")
long_peak=$(sed -n 's/^peak_kib=//p' "$T/run-$LONG.time")
echo "peak RSS ${LONG} s / ${SHORT} s: $(awk -v a="$long_peak" -v b="$short_peak" 'BEGIN { printf "%.3f (%+d KiB)", a / b, a - b }')"
jq -r '"engine rss over the long run (KiB, every 10th second): " + ([.series | to_entries[] | select(.key % 10 == 0) | .value.engine_rss_kib] | map(tostring) | join(" "))' "$T/run-$LONG.json"
