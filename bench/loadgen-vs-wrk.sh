#!/usr/bin/env bash
# Benchmark: goose-run load --max against wrk -t2 -c64 -d10s on the same nginx on loopback
# (requests per second and peak memory, from /usr/bin/time), then goose-run's latency at a fixed
# 20,000 req/s beside wrk's latency at max (wrk2 is not packaged). Prints a table and the ratio.
# TLS=1 runs the same over https (a self-signed certificate made here; neither tool verifies it:
# wrk cannot, goose-run is given --insecure).
set -u
cd "$(dirname "$0")/.."
RUN=${GOOSE_RUN:-${BIN:-bin}/goose-run}
NGINX=${NGINX:-/usr/sbin/nginx}
DURATION=${DURATION:-10}
RATE=${RATE:-20000}
for tool in "$RUN" "$NGINX" /usr/bin/wrk /usr/bin/time jq; do
	command -v "$tool" >/dev/null || { echo "loadgen-vs-wrk: '$tool' is missing (scripts/install-deps.sh)" >&2; exit 2; }
done
T=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/logs" "$T/tmp"
SCHEME=http
LISTEN="listen 127.0.0.1:$PORT;"
TLS_OPTION=()
if [ "${TLS:-0}" = 1 ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -keyout "$T/key.pem" -out "$T/cert.pem" \
		2>/dev/null || { echo "loadgen-vs-wrk: openssl req failed" >&2; exit 2; }
	SCHEME=https
	LISTEN="listen 127.0.0.1:$PORT ssl; ssl_certificate $T/cert.pem; ssl_certificate_key $T/key.pem;"
	TLS_OPTION=(--insecure)
fi
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
	server { $LISTEN location / { return 200 "hello from nginx\n"; } }
}
CONF
"$NGINX" -c "$T/nginx.conf" -p "$T" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.5
URL="$SCHEME://127.0.0.1:$PORT/"

peak_kib() { sed -n 's/^peak_kib=//p' "$1"; }

# wrk prints "Requests/sec: N" and latency percentiles with --latency
/usr/bin/time -f 'peak_kib=%M' -o "$T/wrk.time" wrk -t2 -c64 -d"${DURATION}s" --latency "$URL" >"$T/wrk.out" 2>&1
wrk_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.out")
wrk_latency=$(awk '/Latency Distribution/ { on = 1; next } on && NF == 2 { printf "%s=%s ", $1, $2 } on && NF != 2 { on = 0 }' "$T/wrk.out")
/usr/bin/time -f 'peak_kib=%M' -o "$T/goose.time" "$RUN" load "$URL" "${TLS_OPTION[@]}" --max --threads 2 --connections 64 \
	--duration "${DURATION}s" --json >"$T/goose.json"
goose_rps=$(jq '.rps' "$T/goose.json")
"$RUN" load "$URL" "${TLS_OPTION[@]}" --rate "$RATE" --threads 2 --connections 64 --duration "${DURATION}s" --json >"$T/rate.json"

ratio=$(awk -v g="$goose_rps" -v w="$wrk_rps" 'BEGIN { printf "%.3f", g / w }')
printf '%-34s %14s %12s\n' "tool (nginx 1 worker, loopback, $SCHEME)" "req/s" "peak KiB"
printf '%-34s %14.0f %12s\n' "wrk -t2 -c64 -d${DURATION}s" "$wrk_rps" "$(peak_kib "$T/wrk.time")"
printf '%-34s %14.0f %12s\n' "goose-run load --max -t2 -c64" "$goose_rps" "$(peak_kib "$T/goose.time")"
echo "throughput ratio goose-run / wrk: $ratio"
echo
echo "wrk latency at max (closed model, from actual send): $wrk_latency"
jq -r '"goose-run latency at max (µs): p50 \(.latency_us.p50) p90 \(.latency_us.p90) p99 \(.latency_us.p99) p99.9 \(.latency_us.p999) max \(.latency_us.max)"' "$T/goose.json"
jq -r --arg rate "$RATE" '"goose-run at \($rate) req/s: achieved \(.rps|floor) req/s, \(.errors) errors, \(.late_sends) late, \(.dropped_sends) dropped; latency from intended send (µs): p50 \(.latency_us.p50) p90 \(.latency_us.p90) p99 \(.latency_us.p99) p99.9 \(.latency_us.p999) max \(.latency_us.max)"' "$T/rate.json"
