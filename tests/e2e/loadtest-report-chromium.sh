#!/usr/bin/env bash
# The HTML load-test report in a real browser: a two-second load test against nginx on loopback
# writes report.html, headless Chromium takes a screenshot of it, and a small PNG reader (python3,
# no new dependency) checks the picture is not blank: many distinct colours, the verdict badge's
# green and the chart lines' colours among them. Outside CI a machine without chromium skips;
# in CI (scripts/install-deps.sh installs it) its absence is a failure.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
NGINX=${NGINX:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
CHROMIUM=${CHROMIUM:-$(command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null)}
NGINX_PID=""
# LT_KEEP=1 keeps the temporary folder (report, screenshot) for inspection
trap '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; [ -n "${LT_KEEP:-}" ] || rm -rf "$E2E_TMP"' EXIT

if [ -z "$CHROMIUM" ]; then
	if [ -n "${CI:-}" ]; then
		fail "chromium is installed (scripts/install-deps.sh installs it in CI)"
		finish
		exit 1
	fi
	echo "skip: chromium is not installed (scripts/install-deps.sh installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ ! -x "$NGINX" ] || ! command -v python3 >/dev/null 2>&1 || [ ! -x "$PLAN_SIGN" ]; then
	echo "skip: needs nginx, python3 and the test helper $PLAN_SIGN (make check-build builds it)"
	echo "0 passed, 0 failed"
	exit 0
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$E2E_TMP/nginx/tmp"
cat >"$E2E_TMP/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $E2E_TMP/nginx/nginx.pid;
error_log $E2E_TMP/nginx/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $E2E_TMP/nginx/tmp;
	proxy_temp_path $E2E_TMP/nginx/tmp;
	fastcgi_temp_path $E2E_TMP/nginx/tmp;
	uwsgi_temp_path $E2E_TMP/nginx/tmp;
	scgi_temp_path $E2E_TMP/nginx/tmp;
	server {
		listen 127.0.0.1:$PORT;
		location / { default_type application/json; return 200 '{"ok":true}'; }
	}
}
CONF
"$NGINX" -p "$E2E_TMP/nginx" -c "$E2E_TMP/nginx/nginx.conf" -e "$E2E_TMP/nginx/error.log" -g 'daemon on;'
for _ in $(seq 1 50); do [ -s "$E2E_TMP/nginx/nginx.pid" ] && break; sleep 0.1; done
NGINX_PID=$(cat "$E2E_TMP/nginx/nginx.pid" 2>/dev/null)

# a load-test plan of one ramping scenario and its report, signed for this test
"$GOOSEC" keygen "$E2E_TMP/keys" --name chromium-test >/dev/null
cat >"$E2E_TMP/payload.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"report-test","workflow":"loadtest","stage":"compliance","from_stage":null,
 "created":$((NOW - 60)),"expires":$((NOW + 3600)),"expected_state":null,"state_check":"first-seen","inputs":{},"gates":{},
 "steps":[
  {"id":"ramp","phase":"stress-scenarios","action":"loadtest.run","title":"ramp","args":{"operation":"run","service":"ledger-api",
   "stage":"compliance","scenario":"ramp","base_url":"http://127.0.0.1:$PORT","executor":"ramping-rate",
   "stages":[{"target":80,"duration_ms":1500},{"target":20,"duration_ms":1500}],"connections":8,"timeout_ms":2000,"off_peak_only":false,
   "requests":[{"name":"read","method":"GET","path":"/read","weight":3,"headers":{}},{"name":"write","method":"POST","path":"/write","weight":1,"headers":{},"body_json":{"a":1}}]}},
  {"id":"report","phase":"report","action":"loadtest.run","title":"report","args":{"operation":"report","service":"ledger-api","stage":"compliance",
   "reports_dir":"reports","criteria":[{"metric":"latency_p95","threshold":"p95","level":"warning","limit":1000,"unit":"ms","direction":"above"},
   {"metric":"error_ratio","threshold":"errors","level":"warning","limit":10000,"unit":"ppm","direction":"above"}]}}
 ]}
JSON
"$PLAN_SIGN" "$E2E_TMP/keys/chromium-test.key" "$E2E_TMP/payload.json" >"$E2E_TMP/loadtest.plan"
mkdir -p "$E2E_TMP/tree"
check_contains "a short load test writes its report" 0 "applied loadtest plan" -- \
	"$RUNNER" apply "$E2E_TMP/loadtest.plan" --trust "$E2E_TMP/keys/chromium-test.pub" --now "$NOW" --root "$E2E_TMP/tree" --state "$E2E_TMP/state"
html=$(find "$E2E_TMP/tree/reports" -name report.html | head -n 1)
if [ -s "$html" ]; then pass "report.html written"; else fail "report.html written"; finish; exit 1; fi

shot=$E2E_TMP/report.png
HOME=$E2E_TMP timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$E2E_TMP/profile" --window-size=1400,1600 --screenshot="$shot" "file://$html" >"$E2E_TMP/chromium.log" 2>&1
if [ -s "$shot" ]; then pass "chromium took a screenshot"; else fail "chromium took a screenshot" "$(tail -n 5 "$E2E_TMP/chromium.log")"; finish; exit 1; fi

# Distinct colours of a PNG (8-bit RGB or RGBA, non-interlaced, as Chromium writes them), and
# whether the given colours occur.
png_colours() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
offset, idat = 8, b""
while offset < len(data):
    length, kind = struct.unpack(">I4s", data[offset:offset + 8])
    body = data[offset + 8:offset + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    offset += 12 + length
assert depth == 8 and colour_type in (2, 6) and interlace == 0, "unsupported PNG layout"
channels = 3 if colour_type == 2 else 4
raw, stride = zlib.decompress(idat), width * channels
previous, colours, position = bytearray(stride), set(), 0
for _ in range(height):
    kind, line = raw[position], bytearray(raw[position + 1:position + 1 + stride])
    position += 1 + stride
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up, corner = previous[i], previous[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + left) & 255
        elif kind == 2: line[i] = (line[i] + up) & 255
        elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
    for i in range(0, stride, channels):
        colours.add(bytes(line[i:i + 3]))
    previous = line
print(len(colours), " ".join("yes" if bytes.fromhex(wanted) in colours else "no" for wanted in sys.argv[2:]))
PY
}
result=$(png_colours "$shot" 1e8449 2b7bb9 e69f00)
count=${result%% *}
if [ "${count:-0}" -ge 16 ]; then pass "the screenshot is not blank ($count distinct colours)"; else fail "the screenshot is not blank" "$result"; fi
check "the screenshot shows the green PASSED badge and the p50 and p90 chart lines" 0 "yes yes yes" -- printf '%s' "${result#* }"
blank=$E2E_TMP/blank.html
printf '<!DOCTYPE html><html><body style="background:#ffffff"></body></html>' >"$blank"
HOME=$E2E_TMP timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$E2E_TMP/profile" --window-size=400,300 --screenshot="$E2E_TMP/blank.png" "file://$blank" >/dev/null 2>&1
check "the checker tells a blank page (one colour)" 0 "1 " -- png_colours "$E2E_TMP/blank.png"
finish
