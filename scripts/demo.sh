#!/usr/bin/env bash
# The main job on the bundled example tree, narrated: what goosec sees, `goosec lint`, then
# `goosec build` with a freshly generated signing key, the emitted rules checked by promtool, a
# signed plan shown and verified, then goose-run on three nginx stages: promotions, the built
# promotion stopping at a step of a later issue, and production rolled back. Keys, outputs and
# the stages' state go to a temporary folder; nginx is stopped on exit.
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
# hand-made promotions are signed by the test helper: build it beside the binaries
out=${OUT:-.build/default}
if ! ${MAKE:-make} --no-print-directory -s OUT="$out" "$out/tests/plan_sign" >/dev/null; then
	echo "demo: cannot build the plan-signing test helper $out/tests/plan_sign"
	exit 1
fi
plan_sign=$out/tests/plan_sign
tree=$scratch/env
mkdir "$tree"
cp -r goose.yaml load-test monitoring golden-goose security "$tree"/
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
now=$((SOURCE_DATE_EPOCH + 60))
"$GOOSEC" build --no-cache --sign-key "$scratch/keys/release-ci-2026q4.key" -o "$scratch/env-build" "$tree" >/dev/null || exit 1
echo "built the plans for these stages into $scratch/env-build/plans"
# goose-run prints its steps on stdout and a refusal on stderr: shown in that order
run() {
	local plan=${2:-}
	echo "\$ goose-run $1 ${plan##*/}"
	(cd "$tree" && "$RUNNER" "$@" --trust "$scratch/keys/release-ci-2026q4.pub" --now "$now" \
		--snapshot-key "$scratch/snapshot.key" 2>"$scratch/stderr")
	local status=$?
	cat "$scratch/stderr"
	echo "(exit $status)"
}
version() {
	local port=STAGE_PORT_$1
	echo "$1 serves $(curl -fsS "http://127.0.0.1:${!port}/version")"
}
sign() {
	stages_promotion_payload "$1" "$2" "$now" ledger >"$scratch/$1-$2.json"
	"$plan_sign" "$scratch/keys/release-ci-2026q4.key" "$scratch/$1-$2.json" >"$scratch/promote-$1-to-$2.plan" || exit 1
}

step "promote sandbox -> compliance (a signed plan of the steps goose-run implements today)"
sign sandbox compliance
run apply "$scratch/promote-sandbox-to-compliance.plan"
version compliance

step "the built promotion compliance -> production: it stops at sbom.scan, which a later issue implements"
run apply "$scratch/env-build/plans/promote-compliance-to-production.plan" --approve release-managers --approve team-ledger
echo "resume runs the failed step again; it fails again, so production gets its recovery snapshot back:"
run resume
version production

step "promote compliance -> production (snapshot of production first, then the swap)"
sign compliance production
run apply "$scratch/promote-compliance-to-production.plan"
version production

step "roll production back with the built plan (recovery snapshot, restore, swap, health, metrics)"
run apply "$scratch/env-build/plans/rollback-production.plan"
version production

step "goose-run status and the metrics textfile"
(cd "$tree" && "$RUNNER" status)
grep -E '^goose_(promotions|rollbacks)_total|^goose_last_recovery|^goose_release_info' "$tree/.goose/run/metrics/goose-run.prom"
stages_stop
echo "nginx stopped"
