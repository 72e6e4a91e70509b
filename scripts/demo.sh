#!/usr/bin/env bash
# The main job on the bundled example tree: every file of a known kind is validated against its
# schema. (Cross-file checks and outputs join as `goosec lint` and `goosec build` land.)
set -u
cd "$(dirname "$0")/.."
GOOSEC=${GOOSEC:-bin/goosec}
status=0
# kind schema, then the files of that kind
while read -r schema files; do
	[ -n "$schema" ] || continue
	[ -f "schemas/$schema" ] || continue
	for file in $files; do
		[ -f "$file" ] || continue
		if "$GOOSEC" validate --schema "schemas/$schema" "$file"; then
			echo "ok     $file"
		else
			status=1
		fi
	done
done <<'TABLE'
goose.schema.json goose.yaml
thresholds.schema.json monitoring/config/thresholds.yaml
alert-rules.schema.json monitoring/prometheus/alerts.yaml
recording-rules.schema.json monitoring/prometheus/recording.yaml
dashboard.schema.json monitoring/grafana/dashboards/*.json
load-test.schema.json load-test/config/stress-test.yaml
baseline.schema.json load-test/baseline/compliance.json
stage.schema.json golden-goose/stages/sandbox.yaml golden-goose/stages/compliance.yaml golden-goose/stages/production.yaml
snapshot-manifest.schema.json golden-goose/snapshots/manifest.yaml
snapshot-validation.schema.json golden-goose/snapshots/validation.yaml
secret-rotation.schema.json security/policies/secret-rotation.yaml
compliance-rules.schema.json security/policies/compliance-rules.yaml
sbom-enrichment.schema.json security/sbom/enrichment.yaml
vulnerability-db.schema.json security/sbom/vulnerability-db.json
cyclonedx-sbom.schema.json security/sbom/*.cdx.json
evidence-template.schema.json security/audit/evidence-template.yaml
collection-rules.schema.json security/audit/collection-rules.yaml
TABLE
if [ "$status" -eq 0 ]; then
	echo "demo: every bundled file is valid"
else
	echo "demo: some files have errors (see above)"
fi
exit "$status"
