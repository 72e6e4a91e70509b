#!/usr/bin/env bash
# Builds the tree and runs the signed load-test plan of one stage.
# Usage: load-test/scripts/run-load-test.sh [STAGE]    (default: compliance)
# GOOSEC and GOOSE_RUN name the binaries when they are not on PATH.
set -euo pipefail

stage="${1:-compliance}"
if [[ ! "$stage" =~ ^[a-z][a-z0-9_-]*$ ]]; then
	echo "run-load-test: invalid stage name '$stage'" >&2
	exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

"${GOOSEC:-goosec}" build
plan="build/plans/loadtest-${stage}.plan"
if [[ ! -f "$plan" ]]; then
	echo "run-load-test: no load-test plan for stage '$stage' ($plan)" >&2
	exit 2
fi
exec "${GOOSE_RUN:-goose-run}" apply "$plan"
