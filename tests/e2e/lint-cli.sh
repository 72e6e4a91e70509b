#!/usr/bin/env bash
# End to end: `goosec lint` over copies of the example tree: clean tree, pre-commit file mode,
# classification (unknown files, kind fields, modelines, extra_paths), warnings, formats, and
# the `schema` commands.
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)

fresh_tree() {
	rm -rf "$E2E_TMP/tree"
	mkdir -p "$E2E_TMP/tree"
	cp -r "$source_root"/goose.yaml "$source_root"/load-test "$source_root"/monitoring "$source_root"/golden-goose \
		"$source_root"/security "$E2E_TMP/tree"/
	cd "$E2E_TMP/tree" || exit 1
}

fresh_tree
check "the example tree is clean" 0 "" -- "$GOOSEC" lint --no-cache .
check "lint with no argument lints the current folder" 0 "" -- "$GOOSEC" lint --no-cache
check "lint of a tree given by path" 0 "" -- "$GOOSEC" lint --no-cache "$E2E_TMP/tree"

# pre-commit mode: the whole tree is loaded, only the named files are reported on
sed -i 's/^    warning: 250ms/    warnng: 250ms/' monitoring/config/thresholds.yaml
sed -i 's/snapshot_policy: default/snapshot_policy: defualt/' golden-goose/stages/compliance.yaml
check_contains "file mode reports on the named file" 1 "golden-goose/stages/compliance.yaml" \
	-- "$GOOSEC" lint --no-cache golden-goose/stages/compliance.yaml
output=$(NO_COLOR=1 "$GOOSEC" lint --no-cache golden-goose/stages/compliance.yaml 2>&1)
case "$output" in
*thresholds.yaml*) fail "file mode leaks diagnostics of other files" "$output" ;;
*) pass "file mode stays silent about other files" ;;
esac
check_contains "file mode finds the tree from a sub-folder path" 1 "did you mean 'default'?" \
	-- "$GOOSEC" lint --no-cache "$E2E_TMP/tree/golden-goose/stages/compliance.yaml"
check "file mode on a clean file of a broken tree" 0 "" -- "$GOOSEC" lint --no-cache goose.yaml

# classification
fresh_tree
printf 'name: stray\n' > golden-goose/notes.yaml
check_contains "an unknown file under a goosec folder is reported" 1 \
	"golden-goose/notes.yaml:1:1: error: file is under a goosec folder but matches no kind [classify-unknown-file]" \
	-- "$GOOSEC" lint --no-cache .
printf 'kind: Stag\nname: stray\n' > golden-goose/notes.yaml
check_contains "an unknown kind field gets did-you-mean" 1 "did you mean 'Stage'?" -- "$GOOSEC" lint --no-cache .
printf '# yaml-language-server: $schema=../../schemas/thresholds.schema.json\nthresholds:\n  x_latency: { service: ledger-api, unit: seconds, direction: sideways, warning: 1s, critical: 2s }\n' \
	> golden-goose/notes.yaml
check_contains "a modeline classifies the file" 1 "golden-goose/notes.yaml:3:" -- "$GOOSEC" lint --no-cache .
check_contains "and its schema applies" 1 "[schema-enum]" -- "$GOOSEC" lint --no-cache .
rm golden-goose/notes.yaml
printf 'not: a config\n' > load-test/reports/run.json 2>/dev/null || true
check "load-test/reports holds outputs, never config" 0 "" -- "$GOOSEC" lint --no-cache .

# extra_paths in goose.yaml
fresh_tree
mkdir -p monitoring/imported
cp monitoring/grafana/dashboards/gateway.json monitoring/imported/gateway-copy.json
sed -i 's/"uid": "gateway-overview"/"uid": "gateway-copy"/; /"kind": "Dashboard",/d' monitoring/imported/gateway-copy.json
check_contains "without extra_paths the file is unknown" 1 "[classify-unknown-file]" -- "$GOOSEC" lint --no-cache .
printf 'extra_paths:\n  Dashboard: [monitoring/imported/*.json]\n' >> goose.yaml
check "extra_paths classifies it" 0 "" -- "$GOOSEC" lint --no-cache .
printf '  Dashbord: [x/*.json]\n' >> goose.yaml
check_contains "an unknown kind in extra_paths" 1 "did you mean 'Dashboard'?" -- "$GOOSEC" lint --no-cache .

# warnings and formats
fresh_tree
cat >> monitoring/config/thresholds.yaml <<'YAML'
  gateway_unused_latency:
    service: gateway
    description: not used by any alert
    unit: seconds
    direction: above
    warning: 1s
    critical: 2s
YAML
check_contains "a warning alone exits 0" 0 "warning:" -- "$GOOSEC" lint --no-cache .
check_contains "--warnings-as-errors exits 1" 1 "warning:" -- "$GOOSEC" lint --no-cache --warnings-as-errors .
check_contains "sarif output" 0 '"version": "2.1.0"' -- "$GOOSEC" lint --no-cache --format sarif .
check_contains "github output" 0 "::warning file=monitoring/config/thresholds.yaml" -- "$GOOSEC" lint --no-cache --format github .
check_contains "bad --now" 2 "--now takes" -- "$GOOSEC" lint --now yesterday .
check_contains "bad SOURCE_DATE_EPOCH" 2 "SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH=soon "$GOOSEC" lint .
check_contains "bad --threads" 2 "--threads takes" -- "$GOOSEC" lint --threads 999 .
single=$("$GOOSEC" lint --no-cache --threads 1 --format json . 2>&1)
parallel=$("$GOOSEC" lint --no-cache --threads 8 --format json . 2>&1)
[ "$single" = "$parallel" ] && pass "output does not depend on the number of threads" || fail "thread count changes output"

# schema commands
check_contains "schema list names every kind" 0 "CollectionRules" -- "$GOOSEC" schema list
check_contains "schema show prints a schema" 0 '"$schema": "https://json-schema.org/draft/2020-12/schema"' -- "$GOOSEC" schema show Stage
check_contains "schema show suggests" 2 "did you mean 'Stage'?" -- "$GOOSEC" schema show Stag
check_contains "schema export" 0 "wrote 17 schemas" -- "$GOOSEC" schema export "$E2E_TMP/exported"
[ -f "$E2E_TMP/exported/stage.schema.json" ] && cmp -s "$E2E_TMP/exported/stage.schema.json" "$source_root/schemas/stage.schema.json" \
	&& pass "exported schemas are the built-in ones" || fail "exported stage schema differs"
check_contains "the settings snippet maps seed paths" 0 '"golden-goose/stages/*.yaml"' -- cat "$E2E_TMP/exported/vscode-settings.json"
finish
