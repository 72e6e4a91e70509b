#!/usr/bin/env bash
# Grafana dashboards of the example tree: `goosec build` twice gives byte-identical dashboards,
# equal to the reviewed goldens in tests/golden-build/grafana/, each valid against Grafana's own
# dashboard JSON Schema (GOOSE_SHARED_DIR/reference/grafana; skipped when that is absent).
# UPDATE_GOLDEN=1 rewrites the goldens from the current binary: review the diff by eye.
#
# Why the schema check strips __inputs and __requires: they are export metadata that Grafana's
# import reads and drops before it saves the dashboard, and the dashboard schema (strict,
# additionalProperties false) does not list them. Everything else is validated as emitted.
. "$(dirname "$0")/lib.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)
golden="$repo/tests/golden-build/grafana"
dashboards=monitoring/grafana/dashboards
shared=${GOOSE_SHARED_DIR:-../shared}
case "$shared" in /*) ;; *) shared="$repo/$shared" ;; esac
schema="$shared/reference/grafana/dashboard.jsonschema.json"

check "build the example tree" 0 - -- "$GOOSEC" build --unsigned --no-cache -o "$E2E_TMP/first" "$repo"
check "build it again" 0 - -- "$GOOSEC" build --unsigned --no-cache -o "$E2E_TMP/second" "$repo"

count=$(find "$E2E_TMP/first/$dashboards" -name '*.json' 2>/dev/null | wc -l)
if [ "$count" -ge 5 ]; then
	pass "dashboards emitted ($count)"
else
	fail "dashboards emitted" "expected the 2 authored, 2 service and the pipeline dashboard, found $count"
fi

if diff -r "$E2E_TMP/first/$dashboards" "$E2E_TMP/second/$dashboards" >"$E2E_TMP/rebuild.diff"; then
	pass "two builds are byte-identical"
else
	fail "two builds are byte-identical" "$(head -n 20 "$E2E_TMP/rebuild.diff")"
fi

if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	rm -rf "$golden"
	mkdir -p "$golden"
	cp "$E2E_TMP/first/$dashboards"/*.json "$golden/"
fi
if diff -r "$golden" "$E2E_TMP/first/$dashboards" >"$E2E_TMP/golden.diff"; then
	pass "dashboards equal the goldens"
else
	fail "dashboards equal the goldens" "(UPDATE_GOLDEN=1 rewrites them)" "$(head -n 40 "$E2E_TMP/golden.diff")"
fi

if [ ! -f "$schema" ]; then
	echo "skip Grafana schema validation: no $schema (set GOOSE_SHARED_DIR to the shared reference data; a fresh clone has none)"
	finish
	exit
fi

# Our output is pretty JSON with 2-space indent and __inputs/__requires as the first members:
# drop each from its key line to its closing bracket at that indent.
mkdir -p "$E2E_TMP/imported"
for file in "$E2E_TMP/first/$dashboards"/*.json; do
	awk '/^  "__(inputs|requires)": /{ skipping = 1; next }
	     skipping && /^  [\]}]/  { skipping = 0; next }
	     !skipping' "$file" >"$E2E_TMP/imported/$(basename "$file")"
done
for file in "$E2E_TMP/imported"/*.json; do
	check "$(basename "$file") is valid against Grafana's dashboard schema" 0 - -- \
		"$GOOSEC" validate --color never --schema "$schema" "$file"
done
# and the export metadata is the only thing the strict schema refuses
for file in "$E2E_TMP/first/$dashboards"/*.json; do
	check_contains "$(basename "$file") as exported: only __inputs/__requires refused" 1 \
		"unknown property '__inputs'" -- "$GOOSEC" validate --color never --schema "$schema" "$file"
	errors=$("$GOOSEC" validate --color never --schema "$schema" "$file" 2>&1 | grep -c ': error: ')
	if [ "$errors" -eq 2 ]; then
		pass "$(basename "$file") as exported: exactly two errors"
	else
		fail "$(basename "$file") as exported: exactly two errors" "found $errors"
	fi
done
finish
