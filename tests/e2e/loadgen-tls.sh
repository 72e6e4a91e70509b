#!/usr/bin/env bash
# End to end: goose-run load over TLS against nginx on loopback with a self-signed certificate
# made here (openssl req): trusted through --cacert, refused without it (verification is on by
# default), accepted with --insecure; a wrong name is refused; reconnects resume the session
# (nginx closes a connection after 50 requests: 1000 requests need at least 20 handshakes, and
# only the first on each of the 8 connections may be a full one).
source "$(dirname "$0")/lib.sh"
RUN=${GOOSE_RUN:-$(cd "$(dirname "$0")/../.." && pwd)/${BIN:-bin}/goose-run}
NGINX=${NGINX:-/usr/sbin/nginx}
T=$E2E_TMP

check_contains "usage: --cacert and --insecure" 2 "exclude each other" -- \
	"$RUN" load https://127.0.0.1:1/ --cacert /nonexistent --insecure
check_contains "usage: TLS options need https" 2 "are for https:// URLs" -- "$RUN" load http://127.0.0.1:1/ --insecure
check_contains "an unreadable CA file" 2 "cannot load CA certificates from '$T/none.pem'" -- \
	"$RUN" load https://127.0.0.1:1/ --cacert "$T/none.pem" --duration 1s

for tool in jq openssl; do
	if ! command -v "$tool" >/dev/null; then
		echo "skip: $tool not found; the TLS runs were not checked"
		finish
		exit $?
	fi
done
if [ ! -x "$NGINX" ]; then
	echo "skip: nginx not found at $NGINX (install it with scripts/install-deps.sh); the TLS runs did not run"
	finish
	exit $?
fi

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# a certificate for localhost and 127.0.0.1; another one for a name nobody uses here, served on a
# second port and also the wrong CA for the first
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" 2>"$T/openssl.log" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other.test" -addext "subjectAltName=DNS:other.test" \
		-keyout "$T/other-key.pem" -out "$T/other.pem" 2>>"$T/openssl.log" || {
	fail "openssl req made the test certificates" "$(cat "$T/openssl.log")"
	finish
	exit $?
}

PORT=$(free_port)
OTHER_PORT=$(free_port)
TLS13_PORT=$(free_port)
mkdir -p "$T/nginx/logs" "$T/nginx/tmp"
# keepalive_requests 50: nginx closes each connection after 50 requests, so the engine reconnects
# and can offer its session back
cat >"$T/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 50;
	client_body_temp_path $T/nginx/tmp;
	proxy_temp_path $T/nginx/tmp;
	fastcgi_temp_path $T/nginx/tmp;
	uwsgi_temp_path $T/nginx/tmp;
	scgi_temp_path $T/nginx/tmp;
	server {
		listen 127.0.0.1:$PORT ssl;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		ssl_session_cache shared:tls:1m;
		location / { return 200 "hello over tls from \$ssl_server_name\n"; }
		# 421 unless the client named localhost through SNI
		location /sni {
			if (\$ssl_server_name != "localhost") { return 421; }
			return 200 "named\n";
		}
	}
	server {
		listen 127.0.0.1:$OTHER_PORT ssl;
		ssl_certificate $T/other.pem;
		ssl_certificate_key $T/other-key.pem;
		location / { return 200 "other\n"; }
	}
	server {
		listen 127.0.0.1:$TLS13_PORT ssl;
		ssl_protocols TLSv1.3;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		location / { return 200 "hello over tls 1.3\n"; }
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

URL="https://localhost:$PORT/"
out=$("$RUN" load "$URL" --cacert "$T/cert.pem" --rate 500 --duration 2s --connections 8 --threads 2 --json 2>"$T/err")
status=$?
if [ "$status" -eq 0 ] && jq -e '.requests == 1000 and .errors == 0 and .tls.errors == 0 and .tls.handshakes >= 20 and
	.tls.resumed >= .tls.handshakes - 8 and .tls.resumed >= 12 and .latency_us.p99 > 0' <<<"$out" >/dev/null; then
	pass "https with --cacert: 1000 requests at 500 req/s, no errors, every reconnect resumed: $(jq -c .tls <<<"$out")"
else
	fail "https with --cacert" "exit $status" "$out" "$(cat "$T/err")"
fi
# TLS 1.3 hands sessions out in tickets after the handshake: reconnects resume them too
out=$("$RUN" load "https://localhost:$TLS13_PORT/" --cacert "$T/cert.pem" --rate 500 --duration 2s --connections 8 --threads 2 --json 2>"$T/err")
status=$?
if [ "$status" -eq 0 ] && jq -e '.requests == 1000 and .errors == 0 and .tls.handshakes >= 20 and
	.tls.resumed >= .tls.handshakes - 8 and .tls.resumed >= 12' <<<"$out" >/dev/null; then
	pass "TLS 1.3: every reconnect resumed a ticket: $(jq -c .tls <<<"$out")"
else
	fail "TLS 1.3 resumption" "exit $status" "$out" "$(cat "$T/err")"
fi

out=$("$RUN" load "https://127.0.0.1:$PORT/" --cacert "$T/cert.pem" --max --duration 1s --connections 4 --threads 2 --json 2>"$T/err")
status=$?
if [ "$status" -eq 0 ] && jq -e '.requests > 200 and .errors == 0' <<<"$out" >/dev/null; then
	pass "https to an IP address checks the certificate's IP name: --max $(jq .rps <<<"$out") req/s"
else
	fail "https to an IP address" "exit $status" "$out" "$(cat "$T/err")"
fi

out=$("$RUN" load "$URL" --rate 50 --duration 1s --connections 2 --threads 1 --json 2>"$T/err")
status=$?
if [ "$status" -eq 1 ] && jq -e '.requests == 0 and .errors_by_class.tls > 0 and .errors == .errors_by_class.tls' <<<"$out" >/dev/null &&
	grep -qx "goose-run load: TLS handshake with 'localhost' failed: certificate verify failed: self-signed certificate" "$T/err"; then
	pass "without --cacert the self-signed certificate is refused: $(jq .errors_by_class.tls <<<"$out") TLS errors"
else
	fail "verification on by default" "exit $status" "$out" "$(cat "$T/err")"
fi

check_contains "another CA's certificate does not vouch for it" 1 "certificate verify failed" -- \
	"$RUN" load "$URL" --cacert "$T/other.pem" --rate 20 --duration 1s --connections 1 --threads 1
check_contains "a certificate for another name is refused" 1 \
	"TLS handshake with 'localhost' failed: certificate verify failed: hostname mismatch" -- \
	"$RUN" load "https://localhost:$OTHER_PORT/" --cacert "$T/other.pem" --rate 20 --duration 1s --connections 1 --threads 1
check_contains "--insecure skips verification" 0 "0 (connect 0, timeout 0, reset 0, protocol 0, tls 0" -- \
	"$RUN" load "$URL" --insecure --rate 100 --duration 1s --connections 2 --threads 1

# SNI: /sni answers 421 unless the client sent the server name localhost; an IP address sends none
out=$("$RUN" load "${URL}sni" --cacert "$T/cert.pem" --rate 10 --duration 1s --connections 1 --threads 1 --json)
out_ip=$("$RUN" load "https://127.0.0.1:$PORT/sni" --cacert "$T/cert.pem" --rate 10 --duration 1s --connections 1 --threads 1 --json 2>/dev/null)
if jq -e '.requests == 10 and .errors == 0 and .status["2xx"] == 10' <<<"$out" >/dev/null &&
	jq -e '.requests == 10 and .status["4xx"] == 10' <<<"$out_ip" >/dev/null; then
	pass "SNI names the host (and none is sent for an IP address)"
else
	fail "SNI" "$out" "$out_ip"
fi

# plain HTTP to a TLS port is a protocol error (nginx answers 400), TLS to a plain port a TLS error
check_contains "plain http to the TLS port" 1 "4xx" -- \
	"$RUN" load "http://127.0.0.1:$PORT/" --rate 20 --duration 1s --connections 1 --threads 1
finish
