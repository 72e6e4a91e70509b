#!/usr/bin/env bash
# Golden tests: each tests/golden/<case>/ holds a tree (`tree/`), the arguments (`args`, default
# `lint .`, run inside tree/), the expected stdout (`expected`) and exit code (`exit`, default 1).
# UPDATE_GOLDEN=1 rewrites the expectations from the current binary (review the diff!).
. "$(dirname "$0")/lib.sh"
golden_root=$(cd "$(dirname "$0")/../golden" && pwd)

for case_dir in "$golden_root"/*/; do
	case_dir=${case_dir%/}
	name=$(basename "$case_dir")
	[ -d "$case_dir/tree" ] || continue
	args="lint ."
	[ -f "$case_dir/args" ] && args=$(cat "$case_dir/args")
	expected_exit=1
	[ -f "$case_dir/exit" ] && expected_exit=$(cat "$case_dir/exit")
	# run in a copy, so the source tree never gains a cache or outputs
	rm -rf "$E2E_TMP/case" && cp -r "$case_dir/tree" "$E2E_TMP/case"
	# shellcheck disable=SC2086
	actual=$(cd "$E2E_TMP/case" && NO_COLOR=1 "$GOOSEC" $args 2>&1)
	actual_exit=$?
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$actual" > "$case_dir/expected"
		echo "$actual_exit" > "$case_dir/exit"
	fi
	if [ "$actual_exit" -ne "$expected_exit" ]; then
		fail "golden $name" "exit $actual_exit, expected $expected_exit" "$actual"
	elif [ "$actual" != "$(cat "$case_dir/expected")" ]; then
		fail "golden $name" "$(diff "$case_dir/expected" <(printf '%s\n' "$actual"))"
	else
		pass "golden $name"
	fi
done
finish
