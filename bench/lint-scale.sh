#!/usr/bin/env bash
# Lint cost against tree size: generates a valid tree of N services (the example tree plus, per
# service, a threshold, a threshold-backed alert, a dashboard and a secret), then prints the wall
# time and peak memory of `goosec lint` over it. Usage: bench/lint-scale.sh [N...] (default 10 100 1000).
set -eu
cd "$(dirname "$0")/.."
GOOSEC=$(realpath "${GOOSEC:-bin/goosec}")
[ $# -gt 0 ] || set -- 10 100 1000
RUNS=${RUNS:-5}

generate() {
	local tree=$1 count=$2
	cp -r goose.yaml load-test monitoring golden-goose security "$tree"/
	local services="$tree/generated-services.yaml"
	: > "$services"
	{
		echo "  - name: generated.alerts"
		echo "    rules:"
	} > "$tree/generated-alerts.yaml"
	for i in $(seq -w 1 "$count"); do
		local name="svc-$i" id="svc_$i"
		cat >> "$services" <<YAML
  $name:
    description: Generated service $i
    job: $name
    owner: team-generated
YAML
		cat >> "$tree/monitoring/config/thresholds.yaml" <<YAML
  ${id}_latency_p95:
    service: $name
    description: 95th percentile latency of $name
    unit: seconds
    direction: above
    warning: 250ms
    critical: 500ms
YAML
		cat >> "$tree/generated-alerts.yaml" <<YAML
      - alert: Svc${i}HighLatencyP95
        expr: job:http_request_duration_seconds:p95{job="$name"}
        threshold: ${id}_latency_p95
        for: 5m
        annotations:
          summary: $name p95 latency is high
          runbook_url: https://runbooks.example.com/$name/latency
YAML
		cat > "$tree/monitoring/grafana/dashboards/$name.json" <<JSON
{ "kind": "Dashboard", "uid": "$name-overview", "title": "$name", "service": "$name",
  "rows": [ { "title": "Latency", "panels": [
    { "title": "p95", "type": "timeseries",
      "query": "job:http_request_duration_seconds:p95{job=\\"$name\\"}", "threshold": "${id}_latency_p95" } ] } ] }
JSON
	done
	# splice the generated services in after the `services:` line, and the alert group at the end
	sed -i "/^services:/r $services" "$tree/goose.yaml"
	cat "$tree/generated-alerts.yaml" >> "$tree/monitoring/prometheus/alerts.yaml"
	rm "$services" "$tree/generated-alerts.yaml"
}

printf '%-9s %-7s %-14s %-14s %s\n' services files "wall (median)" "peak RSS" "exit"
for count in "$@"; do
	tree=$(mktemp -d)
	generate "$tree" "$count"
	files=$(find "$tree" -type f \( -name '*.yaml' -o -name '*.json' \) | wc -l)
	times=()
	peak=0
	status=0
	for _ in $(seq "$RUNS"); do
		(cd "$tree" && /usr/bin/time -o "$tree/.time" -f '%e %M' "$GOOSEC" lint --no-cache . >"$tree/.lint-errors" 2>&1) || status=$?
		read -r wall rss <"$tree/.time"
		times+=("$wall")
		[ "$rss" -gt "$peak" ] && peak=$rss
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	printf '%-9s %-7s %-14s %-14s %s\n' "$count" "$files" "${median}s" "$((peak / 1024)) MiB" "$status"
	if [ "$status" -ne 0 ]; then head -5 "$tree/.lint-errors"; fi
	rm -rf "$tree"
done
