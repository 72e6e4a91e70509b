#!/usr/bin/env bash
# Runs every test of one build (OUT, BIN from make): Check unit suites, the JSON Schema test
# suite, fuzz corpus replays and end-to-end scripts. Prints each program's own summary, then one
# closing line "N passed, M failed" over all of them. Exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-.build/default}
BIN=${BIN:-bin}
export GOOSEC="$PWD/$BIN/goosec"
export GOOSE_SHARED_DIR=${GOOSE_SHARED_DIR:-../shared}
export GOOSE_TEST_OUT="$PWD/$OUT"
# The example tree is dated: its secrets come due for rotation as real time passes. Tests pin
# "now" to the tree's date unless the caller chose one, so they pass on any day.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795651200}
# Sanitizers: any report fails the program (and so the run); leaks are reported at exit. Their
# exit codes are distinctive, so an end-to-end check that expects exit 1 cannot mistake a
# sanitizer report for an ordinary diagnostic.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=87}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=88}
# Check forks each test by default; without fork, leaks are seen by LeakSanitizer at exit.
if [ "${SANITIZE:-}" = 1 ]; then export CK_FORK=no; fi

passed=0
failed=0
failed_programs=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds the counts a program printed (Check's "Checks: N, Failures: F, Errors: E" or our
# "N passed, M failed") to the totals; a program that failed without counting counts as one failure.
count() {
	local name=$1 status=$2
	local line checks failures errors p f
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		failures=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
		errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
		passed=$((passed + 10#$checks - 10#$failures - 10#$errors))
		failed=$((failed + 10#$failures + 10#$errors))
	else
		line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
			f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
			passed=$((passed + 10#$p))
			failed=$((failed + 10#$f))
		elif [ "$status" -eq 0 ]; then
			passed=$((passed + 1))
		fi
	fi
	if [ "$status" -ne 0 ]; then
		failed_programs+=("$name")
		if [ -z "$line" ]; then failed=$((failed + 1)); fi
	fi
}

run() {
	local name=$1
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	local status=$?
	cat "$log"
	count "$name" "$status"
}

for test_program in "$OUT"/tests/test_*; do
	[ -x "$test_program" ] || continue
	run "unit $(basename "$test_program")" "$test_program"
done

for suite_program in "$OUT"/tests/suite_*; do
	[ -x "$suite_program" ] || continue
	run "suite $(basename "$suite_program")" "$suite_program"
done

for replay in "$OUT"/fuzz/replay_*; do
	[ -x "$replay" ] || continue
	target=${replay##*/replay_}
	run "fuzz corpus $target" "$replay" "tests/fuzz/corpus/$target"
done

for script in tests/e2e/*.sh; do
	[ -f "$script" ] || continue
	[ "$(basename "$script")" = lib.sh ] && continue
	run "e2e $(basename "$script")" bash "$script"
done

echo
if [ ${#failed_programs[@]} -gt 0 ]; then
	echo "failing: ${failed_programs[*]}"
fi
echo "$passed passed, $failed failed"
[ ${#failed_programs[@]} -eq 0 ] && [ "$failed" -eq 0 ]
