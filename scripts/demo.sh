#!/usr/bin/env bash
# The main job on the bundled example tree, narrated: what goosec sees, `goosec lint`, then
# `goosec build` with a freshly generated signing key, the emitted rules checked by promtool, and
# a signed plan shown and verified. Keys and outputs go to a temporary folder.
set -u
cd "$(dirname "$0")/.."
GOOSEC=$(realpath "${GOOSEC:-bin/goosec}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

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
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795651200}
"$GOOSEC" build --sign-key "$scratch/keys/release-ci-2026q4.key" -o "$scratch/build" . || exit 1

if command -v promtool >/dev/null 2>&1; then
	step "promtool checks the emitted rules and runs the generated unit tests"
	promtool check rules "$scratch/build/monitoring/prometheus/alerts.yaml" \
		"$scratch/build/monitoring/prometheus/recording.yaml" || exit 1
	(cd "$scratch/build/monitoring/prometheus/tests" && promtool test rules ./*.yaml) || exit 1
fi

step "a signed plan, verified against the public key"
"$GOOSEC" plan show "$scratch/build/plans/promote-sandbox-to-compliance.plan" \
	--trust "$scratch/keys/release-ci-2026q4.pub" || exit 1
