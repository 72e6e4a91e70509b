#!/usr/bin/env bash
# The lint cache is only an optimisation: with it, without it, and with corrupt entries the
# output is the same; entries are written atomically and the store stays bounded.
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
tree="$E2E_TMP/tree"
mkdir -p "$tree"
cp -r "$source_root"/goose.yaml "$source_root"/load-test "$source_root"/monitoring "$source_root"/golden-goose \
	"$source_root"/security "$tree"/
# a few problems of different stages, so cached diagnostics are exercised too
sed -i 's/^    warning: 250ms/    warnng: 250ms/' "$tree/monitoring/config/thresholds.yaml"
sed -i 's/snapshot_policy: default/snapshot_policy: defualt/' "$tree/golden-goose/stages/compliance.yaml"
printf 'a: 1\na: 2\n' > "$tree/golden-goose/stages/broken.yaml"
cd "$tree"

lint() { NO_COLOR=1 "$GOOSEC" lint --now 2026-11-26 "$@" . 2>&1; echo "exit $?"; }

reference=$(lint --no-cache)
[ ! -e .goosec-cache ] && pass "--no-cache writes no cache" || fail "--no-cache wrote .goosec-cache"
case "$reference" in *"exit 1"*) pass "the broken tree fails" ;; *) fail "the broken tree passed" "$reference" ;; esac

first=$(lint)
[ "$first" = "$reference" ] && pass "first run (cache misses) matches --no-cache" || fail "cold cache output differs" "$(diff <(echo "$reference") <(echo "$first"))"
entries=$(find .goosec-cache -name '*.json' | wc -l)
[ "$entries" -ge 20 ] && pass "one entry per file ($entries)" || fail "expected cache entries, found $entries"
[ -z "$(find .goosec-cache -name '*.tmp')" ] && pass "no temporary files left" || fail "temporary files left behind"

second=$(lint)
[ "$second" = "$reference" ] && pass "second run (cache hits) matches --no-cache" || fail "warm cache output differs" "$(diff <(echo "$reference") <(echo "$second"))"

# corrupt every entry in a different way: truncated, garbage, empty, wrong key inside
i=0
for entry in .goosec-cache/v1/*.json; do
	case $((i % 4)) in
	0) head -c 40 "$entry" > "$entry.x" && mv "$entry.x" "$entry" ;;
	1) printf 'not a cache entry\n' > "$entry" ;;
	2) : > "$entry" ;;
	3) sed -i '2s/^./0/' "$entry" ;;
	esac
	i=$((i + 1))
done
third=$(lint)
[ "$third" = "$reference" ] && pass "corrupt entries are ignored" || fail "output differs with corrupt entries" "$(diff <(echo "$reference") <(echo "$third"))"
fourth=$(lint)
[ "$fourth" = "$reference" ] && pass "corrupt entries are rewritten and then used" || fail "output differs after rewrite"

# an edit invalidates exactly that file's entry: the fix shows at once
sed -i 's/    warnng: 250ms/    warning: 250ms/' monitoring/config/thresholds.yaml
fixed=$(lint)
case "$fixed" in *warnng*) fail "a fixed file is still reported from the cache" ;; *) pass "an edited file is re-read" ;; esac

# bounded: old entries beyond the bound are pruned (bound: 4 x files, at least 1024)
for n in $(seq 1 1100); do printf 'x' > ".goosec-cache/v1/$(printf '%064d' "$n").json"; done
touch -d '2000-01-01' .goosec-cache/v1/0000*.json
sed -i 's/defualt/default/' golden-goose/stages/compliance.yaml # a change, so something is stored
lint >/dev/null
entries=$(find .goosec-cache/v1 -type f | wc -l)
[ "$entries" -le 1024 ] && pass "the store is pruned to its bound ($entries entries)" || fail "cache grew to $entries entries"
finish
