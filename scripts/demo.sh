#!/usr/bin/env bash
# The main job on the bundled example tree, narrated: what goosec sees, then `goosec lint`.
# Later stages (build, plans, runner) join this script as they land.
set -u
cd "$(dirname "$0")/.."
GOOSEC=$(realpath "${GOOSEC:-bin/goosec}")

step() { printf '\n== %s\n' "$*"; }

step "$("$GOOSEC" --version): the kinds it knows and where they live"
"$GOOSEC" schema list

step "goosec lint . (every file parsed with positions, schema-validated, cross-checked)"
files=$(find goose.yaml load-test monitoring golden-goose security -type f \( -name '*.yaml' -o -name '*.json' \) \
	-not -path 'load-test/reports/*' | wc -l)
if "$GOOSEC" lint .; then
	echo "lint: $files files, no problems"
else
	echo "lint: problems found (see above)"
	exit 1
fi

step "what a mistake looks like (a copy of the tree with a misspelt key)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r goose.yaml load-test monitoring golden-goose security "$scratch"/
sed -i 's/^    warning: 250ms/    warnng: 250ms/' "$scratch/monitoring/config/thresholds.yaml"
(cd "$scratch" && "$GOOSEC" lint --color never .)
echo "(exit $? — 1 means the tree has errors)"
