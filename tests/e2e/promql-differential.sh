#!/usr/bin/env bash
# Differential test: every expression of tests/promql/corpus.txt goes through `goosec check rules`
# and `promtool check rules` (Prometheus 2.42); their verdicts (valid / invalid) must agree on
# every one. The verdicts are also compared with tests/promql/expected.txt, so goosec is checked
# even where promtool is not installed. UPDATE_EXPECTED=1 rewrites that file from promtool.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
GOOSEC=${GOOSEC:-$here/bin/goosec}
corpus=$here/tests/promql/corpus.txt
expected=$here/tests/promql/expected.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One group per expression, each exactly four lines, so a diagnostic's line names its group:
# group i starts on line 2 + 4i and its expr is on line 5 + 4i. Plain corpus lines become YAML
# double-quoted scalars; 'json:' lines already are one (a JSON string is valid YAML).
awk '
	BEGIN { print "groups:"; n = 0 }
	/^#/ || /^[[:space:]]*$/ { next }
	{
		if (substr($0, 1, 5) == "json:") {
			scalar = substr($0, 6)
		} else {
			scalar = "\""
			for (i = 1; i <= length($0); i++) {
				c = substr($0, i, 1)
				scalar = scalar ((c == "\\" || c == "\"") ? "\\" c : c)
			}
			scalar = scalar "\""
		}
		printf "- name: g%d\n  rules:\n  - alert: A\n    expr: %s\n", n, scalar
		n++
	}
' "$corpus" >"$work/rules.yaml"
count=$(grep -c '^- name: g' "$work/rules.yaml")

# goosec: the groups with an error-severity diagnostic
"$GOOSEC" check rules --format github "$work/rules.yaml" >"$work/goosec.out" 2>"$work/goosec.err"
status=$?
if [ "$status" -gt 1 ]; then
	echo "goosec check rules failed with exit $status:"
	cat "$work/goosec.err"
	echo "0 passed, 1 failed"
	exit 1
fi
sed -nE 's/^::error file=[^,]*,line=([0-9]+),.*/\1/p' "$work/goosec.out" |
	awk '{ print int(($1 - 2) / 4) }' | sort -un >"$work/goosec.invalid"

verdicts() { # FILE_OF_INVALID_GROUPS -> one "valid"/"invalid" line per expression
	awk -v count="$count" 'NR == FNR { bad[$1] = 1; next } END { for (i = 0; i < count; i++) print (i in bad) ? "invalid" : "valid" }' "$1" /dev/null
}
verdicts "$work/goosec.invalid" >"$work/goosec.verdicts"

# the expressions, one per line, for messages
awk '/^#/ || /^[[:space:]]*$/ { next } { print }' "$corpus" >"$work/expressions"

passed=0
failed=0
compare() { # NAME REFERENCE_VERDICTS
	local name=$1 reference=$2 i=0 ours theirs expression
	while IFS= read -r ours <&3 && IFS= read -r theirs <&4 && IFS= read -r expression <&5; do
		if [ "$ours" = "$theirs" ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "FAIL [$name] expression $i: goosec says $ours, $name says $theirs: $expression"
			grep -E "line=$((5 + 4 * i))," "$work/goosec.out" | sed 's/^/     goosec: /'
		fi
		i=$((i + 1))
	done 3<"$work/goosec.verdicts" 4<"$reference" 5<"$work/expressions"
}

if command -v promtool >/dev/null 2>&1; then
	promtool check rules "$work/rules.yaml" >"$work/promtool.out" 2>&1
	if ! grep -qE 'SUCCESS|group "g[0-9]+"' "$work/promtool.out"; then
		echo "promtool could not read the generated rule file:"
		cat "$work/promtool.out"
		echo "0 passed, 1 failed"
		exit 1
	fi
	sed -nE 's/.*group "g([0-9]+)", rule [0-9]+, .*/\1/p' "$work/promtool.out" | sort -un >"$work/promtool.invalid"
	verdicts "$work/promtool.invalid" >"$work/promtool.verdicts"
	if [ "${UPDATE_EXPECTED:-}" = 1 ]; then
		cp "$work/promtool.verdicts" "$expected"
		echo "wrote $expected"
	fi
	echo "$(promtool --version 2>&1 | head -n 1)"
	compare promtool "$work/promtool.verdicts"
	echo "promtool: $count expressions, $(grep -c invalid "$work/promtool.verdicts") invalid"
else
	echo "SKIP live comparison: promtool is not installed (install the 'prometheus' package);"
	echo "     checking goosec against the recorded verdicts in tests/promql/expected.txt only"
fi
if [ -f "$expected" ]; then
	if [ "$(wc -l <"$expected")" -ne "$count" ]; then
		echo "FAIL tests/promql/expected.txt has $(wc -l <"$expected") verdicts for $count expressions (UPDATE_EXPECTED=1)"
		failed=$((failed + 1))
	elif [ -f "$work/promtool.verdicts" ]; then
		cmp -s "$expected" "$work/promtool.verdicts" ||
			{ echo "FAIL tests/promql/expected.txt differs from promtool (UPDATE_EXPECTED=1)"; failed=$((failed + 1)); }
	else
		compare expected.txt "$expected"
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
