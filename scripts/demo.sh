#!/usr/bin/env bash
# The main job on the bundled example tree, narrated: what goosec sees, `goosec lint`, then
# `goosec build` with a freshly generated signing key, the emitted rules checked by promtool, a
# signed plan shown and verified, then goose-run on three nginx stages with the built plans only:
# a load test of compliance, sandbox -> compliance, a promotion to production refused by the
# vulnerability scan, the fix, the promotion, production rolled back, and the signed evidence
# verified. Keys, outputs and the stages' state go to a temporary folder; nginx is stopped on exit.
set -u
cd "$(dirname "$0")/.."
# The example tree is dated 2026-11-26 (secret rotations, waivers): the demo looks at it as of
# that day, so it tells the same story on any day. Set SOURCE_DATE_EPOCH to see it as of another.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795651200}
GOOSEC=$(realpath "${GOOSEC:-bin/goosec}")
RUNNER=$(dirname "$GOOSEC")/goose-run
scratch=$(mktemp -d)
source scripts/stages.sh
trap 'stages_stop; rm -rf "$scratch"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "$("$GOOSEC" --version): the kinds it knows and where they live"
"$GOOSEC" schema list

step "goosec lint (every file parsed with positions, schema-validated, cross-checked)"
files=$(find goose.yaml load-test monitoring golden-goose security -type f \( -name '*.yaml' -o -name '*.json' \) \
	-not -path 'load-test/reports/*' | wc -l)
if "$GOOSEC" lint .; then
	echo "lint: $files files, no problems"
else
	echo "lint: problems found (see above)"
	exit 1
fi

step "what a mistake looks like (a copy of the tree with a misspelt key and a misspelt name)"
mkdir "$scratch/broken"
cp -r goose.yaml load-test monitoring golden-goose security "$scratch/broken"/
sed -i 's/^    warning: 250ms/    warnng: 250ms/' "$scratch/broken/monitoring/config/thresholds.yaml"
sed -i 's/snapshot_policy: default/snapshot_policy: defualt/' "$scratch/broken/golden-goose/stages/compliance.yaml"
(cd "$scratch/broken" && "$GOOSEC" lint --color never .)
echo "(exit $? — 1 means the tree has errors, and goosec build would write nothing)"

step "goosec keygen: a plan-signing key, kept outside the tree"
"$GOOSEC" keygen "$scratch/keys" --name release-ci-2026q4

step "goosec build (rules, promtool tests, dashboards, signed plans; reproducible with SOURCE_DATE_EPOCH)"
"$GOOSEC" build --sign-key "$scratch/keys/release-ci-2026q4.key" -o "$scratch/build" . || exit 1

if command -v promtool >/dev/null 2>&1; then
	step "promtool checks the emitted rules and runs the generated unit tests"
	promtool check rules "$scratch/build/monitoring/prometheus/alerts.yaml" \
		"$scratch/build/monitoring/prometheus/recording.yaml" "$scratch/build/monitoring/prometheus/pipeline-alerts.yaml" || exit 1
	(cd "$scratch/build/monitoring/prometheus/tests" && promtool test rules ./*.yaml) || exit 1
fi

step "a signed plan, verified against the public key"
"$GOOSEC" plan show "$scratch/build/plans/promote-sandbox-to-compliance.plan" \
	--trust "$scratch/keys/release-ci-2026q4.pub" || exit 1

step "goose-run on real nginx: three stages on loopback, each serving its state dir"
if ! stages_available; then
	echo "(the runner part needs nginx: scripts/install-deps.sh installs it)"
	exit 0
fi
tree=$scratch/env
mkdir "$tree"
cp -r goose.yaml load-test monitoring golden-goose security "$tree"/
# the example's scenarios run for minutes (the soak for two hours): seconds are enough to watch
sed -i -E 's/duration: [0-9]+s \}/duration: 1s }/; s/duration: (60s|2h)$/duration: 4s/' \
	"$tree/load-test/config/stress-test.yaml"
stages_seed "$tree"
stages_start "$tree" || exit 1
stages_point_tree "$tree"
for stage in $STAGES_NAMES; do
	port=STAGE_PORT_$stage
	printf '%-11s http://127.0.0.1:%s  /healthz %s  /version %s  /mode %s\n' "$stage" "${!port}" \
		"$(curl -fsS "http://127.0.0.1:${!port}/healthz")" "$(curl -fsS "http://127.0.0.1:${!port}/version")" \
		"$(curl -fsS "http://127.0.0.1:${!port}/mode")"
done
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$scratch/snapshot.key"
"$GOOSEC" keygen "$scratch/keys" --name audit-2026q4 >/dev/null || exit 1
now=$((SOURCE_DATE_EPOCH + 60))
keys=(--trust "$scratch/keys/release-ci-2026q4.pub" --now "$now" --snapshot-key "$scratch/snapshot.key"
	--evidence-key "$scratch/keys/audit-2026q4.key")
# the demo's clock is a Thursday afternoon: heavy steps (load scenarios) would wait for the
# stage's off-peak window; --ignore-window runs them now
keys+=(--ignore-window)
# CI builds the plans against the registry as it is now (Terraform-style): a plan outlived by a
# promotion is refused as stale, so each step below works from a fresh build
build_env() {
	(cd "$tree" && "$RUNNER" status --json) >"$scratch/state.json" || exit 1
	"$GOOSEC" build --no-cache --sign-key "$scratch/keys/release-ci-2026q4.key" --state-from "$scratch/state.json" \
		-o "$tree/build" "$tree" >/dev/null || exit 1
}
build_env
echo "built and signed the plans for these stages into $tree/build/plans"
# goose-run prints its steps on stdout and a refusal on stderr: shown in that order
run() {
	local plan=${2:-}
	echo "\$ goose-run $1 ${plan##*/} ${*:3}"
	(cd "$tree" && "$RUNNER" "$@" "${keys[@]}" 2>"$scratch/stderr")
	local status=$?
	cat "$scratch/stderr"
	echo "(exit $status)"
	return $status
}
version() {
	local port=STAGE_PORT_$1
	echo "$1 serves $(curl -fsS "http://127.0.0.1:${!port}/version")"
}
loadtest() {
	echo "\$ load-test/scripts/run-load-test.sh compliance --ignore-window"
	(cd "$tree" && GOOSEC="$GOOSEC" GOOSE_RUN="$RUNNER" GOOSEC_SIGNING_KEY_FILE="$scratch/keys/release-ci-2026q4.key" \
		GOOSE_TRUST="$scratch/keys/release-ci-2026q4.pub" load-test/scripts/run-load-test.sh compliance \
		"${keys[@]:2}" >"$scratch/loadtest.out" 2>&1)
	local status=$?
	# the build's notes and the plan listing are in the log; the run's own lines are the story
	grep -E '^(run-load-test: [^b]|  *[0-9]+\. [a-z.]+ +[a-z0-9-]+: |applied |gate |goose-run )' "$scratch/loadtest.out"
	echo "(exit $status: 0 the criteria passed, 3 a criterion or the baseline failed; the report is written either way)"
	local report
	report=$(sed -n 's/^run-load-test: report in \([^:]*\):.*/\1/p' "$scratch/loadtest.out")
	[ -n "$report" ] || return 0
	echo "report folder $report: $(cd "$tree/$report" && ls | tr '\n' ' ')"
	sed -n '1,12p' "$tree/$report/summary.md"
}

step "load test of the compliance stage as it runs today (its off-peak scenarios run now: --ignore-window)"
loadtest

step "goosec scan: the enriched SBOMs against the OSV database, waivers applied"
(cd "$tree" && "$GOOSEC" scan)
echo "(exit $? — 1: an unwaived finding at or above --fail-on)"

step "promote sandbox -> compliance with the built plan: the security_scan gate refuses, nothing changes"
run apply "$tree/build/plans/promote-sandbox-to-compliance.plan" --approve team-ledger
version compliance

step "the fix: ledger-api upgrades golang.org/x/net to v0.17.0; rebuild (new plans), promote again"
sed -i 's/golang.org\/x\/net@v0.15.0/golang.org\/x\/net@v0.17.0/g; s/"version": "v0.15.0"/"version": "v0.17.0"/' \
	"$tree/security/sbom/ledger-api.cdx.json"
build_env
run apply "$tree/build/plans/promote-sandbox-to-compliance.plan" --approve team-ledger
version compliance

step "the new compliance release is load-tested: production's gate reads this report"
loadtest

step "promote compliance -> production (two approvals; gates read compliance's load test of this release)"
run apply "$tree/build/plans/promote-compliance-to-production.plan" --approve release-managers --approve team-ledger
version production

build_env
step "roll production back with the built plan (recovery snapshot, restore, files_match, health, metrics)"
run apply "$tree/build/plans/rollback-production.plan"
version production

step "the promotion's evidence bundle: hash-chained items, signed in-toto statement"
bundle=$(ls "$tree"/.goose/run/evidence/production/*.bundle | tail -1)
"$GOOSEC" evidence verify "$bundle" --trust "$scratch/keys/audit-2026q4.pub"
"$GOOSEC" evidence show "$bundle" | sed -n '/ontrol/,$p' | head -40

step "goose-run status and the metrics textfile"
(cd "$tree" && "$RUNNER" status)
grep -E '^goose_(promotions|rollbacks)_total|^goose_last_recovery|^goose_release_info' "$tree/.goose/run/metrics/goose-run.prom"
stages_stop
echo "nginx stopped"
