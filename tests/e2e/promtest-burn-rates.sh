#!/usr/bin/env bash
# The generated burn-rate tests under the real promtool, over SLOs of several objectives and
# windows (so every scaled factor, including the floor at 1x, is exercised) and with errors in a
# metric of their own: every file passes `promtool test rules`, each window pair has a test that
# fires through it, one where only its long window burns and one where only its short window
# does; and the tests can fail: rules with one condition dropped or one rate changed are caught.
. "$(dirname "$0")/lib.sh"

if ! command -v promtool >/dev/null 2>&1; then
	echo "skip: promtool is not installed (scripts/install-deps.sh installs the prometheus package)"
	echo "0 passed, 0 failed"
	exit 0
fi

# make_tree DIR OBJECTIVE WINDOW ERRORS TOTAL
make_tree() {
	local dir=$1
	mkdir -p "$dir/monitoring/config" "$dir/monitoring/prometheus"
	printf 'project: demo\nservices:\n  api:\n    job: api\n    owner: team-a\n' >"$dir/goose.yaml"
	cat >"$dir/monitoring/prometheus/alerts.yaml" <<-EOF
	groups:
	  - name: api.slo
	    rules:
	      - alert: ApiBudgetBurn
	        slo: api_availability
	        annotations:
	          summary: "{{ \$labels.job }} burns its budget at {{ \$value | humanizePercentage }} errors"
	          runbook_url: https://runbooks.example.com/api/budget
	EOF
	cat >"$dir/monitoring/config/thresholds.yaml" <<-EOF
	thresholds:
	  api_availability:
	    service: api
	    slo:
	      objective: $2
	      window: $3
	      sli:
	        errors: '$4'
	        total: '$5'
	EOF
}

same_metric_errors='http_requests_total{job="api", code=~"5.."}'
same_metric_total='http_requests_total{job="api"}'
configs=(
	"99.9% 30d same"
	"99.5% 7d same"
	"99% 28d same"
	"99.99% 90d same"
	"99.9% 1d same"
	"99.9% 30d separate"
)
for config in "${configs[@]}"; do
	read -r objective window metrics <<<"$config"
	tree="$E2E_TMP/tree-${objective%\%}-$window-$metrics"
	if [ "$metrics" = same ]; then
		make_tree "$tree" "$objective" "$window" "$same_metric_errors" "$same_metric_total"
	else
		make_tree "$tree" "$objective" "$window" 'http_request_errors_total{job="api"}' "$same_metric_total"
	fi
	out="$tree.out"
	check "build an SLO of $objective over $window ($metrics metric for errors)" 0 - -- \
		"$GOOSEC" build --unsigned --no-cache -o "$out" "$tree"
	test_file="$out/monitoring/prometheus/tests/ApiBudgetBurn.yaml"
	[ -f "$test_file" ] || { fail "$config: no test file"; continue; }
	check_contains "$config: promtool test rules passes" 0 "SUCCESS" -- promtool test rules "$test_file"
	for pair in 1h/5m 6h/30m 1d/2h 3d/6h; do
		long=${pair%/*} short=${pair#*/}
		if grep -qE "name: \"ApiBudgetBurn: (only )?the $pair pair burns past" "$test_file"; then
			pass "$config: the $pair pair has a test that fires through it"
		else
			fail "$config: the $pair pair has no test that fires through it"
		fi
		if grep -q "name: \"ApiBudgetBurn: $long burns past .* but $short does not" "$test_file"; then
			pass "$config: $long past the rate without $short is tested silent"
		else
			fail "$config: no test of $long past the rate without $short"
		fi
		if grep -q "name: \"ApiBudgetBurn: a spike $short sees past .* but $long does not" "$test_file"; then
			pass "$config: a spike only $short sees is tested silent"
		else
			fail "$config: no test of a spike only $short sees"
		fi
	done
done

# The tests must catch wrong rules: mutate the emitted alerts of the 30-day SLO, one fault at a
# time, and expect promtool to report a failing test.
out="$E2E_TMP/tree-99.9-30d-same.out/monitoring/prometheus"
cp "$out/alerts.yaml" "$E2E_TMP/alerts.yaml.orig"
mutate() {
	local name=$1 script=$2
	perl -0pe "$script" "$E2E_TMP/alerts.yaml.orig" >"$out/alerts.yaml"
	if cmp -s "$out/alerts.yaml" "$E2E_TMP/alerts.yaml.orig"; then
		fail "mutation '$name' changed nothing"
		return
	fi
	check_contains "the mutated rules are valid: $name" 0 "SUCCESS" -- promtool check rules "$out/alerts.yaml"
	check_contains "promtool catches: $name" 1 "FAILED" -- promtool test rules "$out/tests/ApiBudgetBurn.yaml"
}
# each pair is `(\n  LONG > rate\n  and\n  SHORT > rate\n)`: drop one side with its `and`
mutate "page without its 5m confirmation" 's/\n +and\n +slo:sli_error:ratio_rate5m\{[^\n]*//'
mutate "page without its 1h window" 's/slo:sli_error:ratio_rate1h\{[^\n]*\n +and\n +//'
mutate "6h/30m pair at 7x instead of 6x" 's/(ratio_rate(?:6h|30m)\{slo="api_availability"\}) > 0\.006\n/$1 > 0.007\n/g'
mutate "ticket without its 6h confirmation" 's/\n +and\n +slo:sli_error:ratio_rate6h\{slo="api_availability"\} > 0\.001\n/\n/'
mutate "3d/6h pair at 1.2x instead of 1x" 's/(ratio_rate(?:3d|6h)\{slo="api_availability"\}) > 0\.001\n/$1 > 0.0012\n/g'
cp "$E2E_TMP/alerts.yaml.orig" "$out/alerts.yaml"
check_contains "the unmutated rules pass again" 0 "SUCCESS" -- promtool test rules "$out/tests/ApiBudgetBurn.yaml"
finish
