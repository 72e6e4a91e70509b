#!/usr/bin/env bash
# Every schema fixture (tests/fixtures/schemas/<schema>/{valid,invalid}-*.yaml) gets its expected
# verdict from `goosec validate`, and an invalid one fails with the keyword its first line names
# ("# expect: KEYWORD at POINTER: why").
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)

kebab() { sed -E 's/\$//g; s/([A-Z])/-\L\1/g' <<<"$1"; }

for fixture in "$source_root"/tests/fixtures/schemas/*/*.yaml; do
	schema_name=$(basename "$(dirname "$fixture")")
	schema="$source_root/schemas/$schema_name.schema.json"
	name="$schema_name/$(basename "$fixture")"
	expect=$(sed -n '1s/^# expect: //p' "$fixture")
	keyword=${expect%% *}
	output=$("$GOOSEC" validate --format json --schema "$schema" "$fixture" 2>&1)
	status=$?
	if [ "$keyword" = valid ]; then
		[ "$status" -eq 0 ] && pass "$name" || fail "$name" "expected valid, exit $status" "$output"
		continue
	fi
	rule="schema-$(kebab "$keyword")"
	# a `false` subschema under `properties` is reported as that property not being allowed
	[ "$keyword" = false ] && rule="schema-properties"
	if [ "$status" -ne 1 ]; then
		fail "$name" "expected exit 1, got $status" "$output"
	elif ! grep -q "\"rule\": \"$rule\"" <<<"$output"; then
		fail "$name" "expected a $rule diagnostic" "$output"
	else
		pass "$name"
	fi
done
finish
