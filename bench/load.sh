#!/usr/bin/env bash
# Times the loader on hostile and large inputs through the real binary: an 80,000-key mapping,
# an alias bomb (10 levels x 10 aliases), and 100,000 nested '[' in YAML and in JSON.
# Builds nothing: GOOSEC names the binary (default bin/goosec). Prints one line per input:
# the wall time and goosec's exit status (0 accepted, 1 refused with a diagnostic; >1 is a bug).
set -u
cd "$(dirname "$0")/.." || exit 2
GOOSEC=${GOOSEC:-$PWD/bin/goosec}
if [ ! -x "$GOOSEC" ]; then
	echo "bench/load.sh: no goosec at '$GOOSEC' (run make, or set GOOSEC)" >&2
	exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
with open(f"{work}/true.json", "w") as out:
    out.write("true\n")
with open(f"{work}/mapping-80k.yaml", "w") as out:
    out.writelines(f"key{i}: value {i}\n" for i in range(80000))
with open(f"{work}/mapping-80k.json", "w") as out:
    json.dump({f"key{i}": i for i in range(80000)}, out)
with open(f"{work}/alias-bomb.yaml", "w") as out:
    out.write("l0: &l0 [" + ", ".join(["lol"] * 10) + "]\n")
    for level in range(1, 10):
        out.write(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]\n")
with open(f"{work}/nested-100k.yaml", "w") as out:
    out.write("[" * 100000)
with open(f"{work}/nested-100k.json", "w") as out:
    out.write("[" * 100000)
PY

status=0
for input in mapping-80k.yaml mapping-80k.json alias-bomb.yaml nested-100k.yaml nested-100k.json; do
	start=$(date +%s.%N)
	"$GOOSEC" validate --schema "$work/true.json" "$work/$input" >"$work/output" 2>&1
	exit_status=$?
	end=$(date +%s.%N)
	printf '%-20s %8s s  exit %d  %s\n' "$input" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')" \
		"$exit_status" "$(grep -m 1 -E 'error|warning' "$work/output" | sed "s|$work/||" | cut -c1-100)"
	if [ "$exit_status" -gt 1 ]; then status=1; fi
done
exit "$status"
