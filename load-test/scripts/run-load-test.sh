#!/usr/bin/env bash
# The load-test workflow of one stage: build the tree, then apply the stage's load-test plan
# (compliance-mode check, baseline and stress scenarios, report, baseline comparison, evidence).
#
# Usage: load-test/scripts/run-load-test.sh [STAGE] [goose-run apply options...]
#   STAGE defaults to compliance; further options go to `goose-run apply` as they are
#   (--ignore-window runs off-peak scenarios now, --now SECONDS sets the clock, --evidence-key FILE).
#
# Environment:
#   GOOSEC, GOOSE_RUN          the binaries, when they are not on PATH
#   GOOSEC_SIGNING_KEY_FILE    the plan-signing key: the build is signed with it ...
#   GOOSE_TRUST                ... and goose-run trusts these public keys (space-separated paths)
#   GOOSE_LOADTEST_UNSIGNED=1  no key: build --unsigned and apply --allow-unsigned (local trials only)
#   GOOSE_EVIDENCE_KEY_FILE    the evidence signing key goose-run signs the stored report with
#                              (needed when goose.yaml names one, as the example does)
#   GOOSE_STATE                goose-run's state dir (default .goose/run under the tree)
#   BUILD_DIR                  where goosec writes (default build/ under the tree)
#
# Exit status is goose-run's: 0 the criteria passed, 3 a criterion or the baseline failed (the
# report is written), 4 a scenario waits for the off-peak window (goose-run resume continues),
# 1 an error (the stage is not in compliance mode, the target cannot be reached...), 2 usage.
set -euo pipefail

stage="${1:-compliance}"
[ $# -gt 0 ] && shift
if [[ ! "$stage" =~ ^[a-z][a-z0-9_-]*$ ]]; then
	echo "run-load-test: invalid stage name '$stage'" >&2
	exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
goosec="${GOOSEC:-goosec}"
goose_run="${GOOSE_RUN:-goose-run}"
build_dir="${BUILD_DIR:-build}"
state_dir="${GOOSE_STATE:-.goose/run}"

build_flags=()
apply_flags=()
if [ "${GOOSE_LOADTEST_UNSIGNED:-}" = 1 ]; then
	build_flags+=(--unsigned)
	apply_flags+=(--allow-unsigned)
elif [ -n "${GOOSEC_SIGNING_KEY_FILE:-}" ]; then
	if [ -z "${GOOSE_TRUST:-}" ]; then
		echo "run-load-test: GOOSE_TRUST must name the public key of GOOSEC_SIGNING_KEY_FILE" >&2
		exit 2
	fi
	for key in $GOOSE_TRUST; do apply_flags+=(--trust "$key"); done
	# a signed plan takes its creation time and expiry from SOURCE_DATE_EPOCH: now, for a run now
	export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date +%s)}"
else
	echo "run-load-test: set GOOSEC_SIGNING_KEY_FILE and GOOSE_TRUST (or GOOSE_LOADTEST_UNSIGNED=1 for a local trial)" >&2
	exit 2
fi

# the plan expects the stages as goose-run's registry has them now (Terraform-style): a stage
# promoted since gets a new plan, and a plan outlived by a promotion is refused as stale
state_export="$(mktemp)"
trap 'rm -f "$state_export"' EXIT
"$goose_run" status --state "$state_dir" --json >"$state_export"
echo "run-load-test: building $root into $build_dir"
"$goosec" build "${build_flags[@]}" --state-from "$state_export" -o "$build_dir" "$root"
plan="$build_dir/plans/loadtest-${stage}.plan"
if [[ ! -f "$plan" ]]; then
	echo "run-load-test: no load-test plan for stage '$stage' ($plan)" >&2
	exit 2
fi
"$goosec" plan show "$plan" | sed -n '/^steps:/,$p'

started="$(mktemp)"
trap 'rm -f "$started" "$state_export"' EXIT
status=0
"$goose_run" apply "$plan" --root "$root" --state "$state_dir" "${apply_flags[@]}" "$@" || status=$?

# the report folder this run wrote (report.json is written last, so its presence means complete)
report="$(find load-test/reports -name report.json -newer "$started" 2>/dev/null | sort | tail -n 1)"
if [ -n "$report" ]; then
	dir="$(dirname "$report")"
	echo "run-load-test: report in $dir: report.html, summary.md, junit.xml, report.json"
	[ -f "$dir/proposed-baseline.json" ] && echo "run-load-test: proposed new baseline for review: $dir/proposed-baseline.json"
fi
if [ -z "$report" ] && [ "$status" = 0 ]; then
	echo "run-load-test: this plan was applied before (same inputs, same stage state): no new run" >&2
fi
case "$status" in
0) echo "run-load-test: stage '$stage' passed its load-test criteria" ;;
3) echo "run-load-test: stage '$stage' FAILED its load-test criteria" >&2 ;;
4) echo "run-load-test: the run waits for the off-peak window; 'goose-run resume --state $state_dir' continues it" >&2 ;;
*) echo "run-load-test: the load test did not complete (goose-run exit $status)" >&2 ;;
esac
exit "$status"
