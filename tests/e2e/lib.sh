# Helpers for end-to-end scripts: run the real binary, compare exit code and exact output.
# Source it, call `check NAME EXPECTED_EXIT EXPECTED_STDOUT_FILE -- COMMAND...`, end with `finish`.
set -u
GOOSEC=${GOOSEC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin/goosec}
E2E_PASSED=0
E2E_FAILED=0
E2E_TMP=$(mktemp -d)
trap 'rm -rf "$E2E_TMP"' EXIT

pass() { E2E_PASSED=$((E2E_PASSED + 1)); echo "ok   $1"; }
fail() { E2E_FAILED=$((E2E_FAILED + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }

# check NAME EXIT EXPECTED -- CMD...: EXPECTED is the exact stdout ("-" to skip comparing it).
check() {
	local name=$1 expected_exit=$2 expected_output=$3
	shift 4
	local actual_output actual_exit
	actual_output=$("$@" 2>"$E2E_TMP/stderr")
	actual_exit=$?
	if [ "$actual_exit" -ne "$expected_exit" ]; then
		fail "$name" "exit $actual_exit, expected $expected_exit" "stdout: $actual_output" "stderr: $(cat "$E2E_TMP/stderr")"
		return
	fi
	if [ "$expected_output" != "-" ] && [ "$actual_output" != "$expected_output" ]; then
		fail "$name" "output differs:" "$(diff <(printf '%s\n' "$expected_output") <(printf '%s\n' "$actual_output"))"
		return
	fi
	pass "$name"
}

# check_contains NAME EXIT NEEDLE -- CMD...: stdout+stderr must contain NEEDLE.
check_contains() {
	local name=$1 expected_exit=$2 needle=$3
	shift 4
	local actual_output actual_exit
	actual_output=$("$@" 2>&1)
	actual_exit=$?
	if [ "$actual_exit" -ne "$expected_exit" ]; then
		fail "$name" "exit $actual_exit, expected $expected_exit" "output: $actual_output"
		return
	fi
	case "$actual_output" in
	*"$needle"*) pass "$name" ;;
	*) fail "$name" "output lacks: $needle" "output: $actual_output" ;;
	esac
}

finish() {
	echo "$E2E_PASSED passed, $E2E_FAILED failed"
	[ "$E2E_FAILED" -eq 0 ]
}
