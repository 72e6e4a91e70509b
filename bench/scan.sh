#!/usr/bin/env bash
# Vulnerability scan speed: `goosec scan` of generated SBOMs (COMPONENTS components, default
# 10,000, over npm, Go and PyPI) against a generated OSV database (ADVISORIES records, default
# 100,000, with SEMVER and ECOSYSTEM ranges, versions[] lists, aliases and CVSS vectors), one
# in ten components affected. Prints the wall time (best of RUNS runs, default 3), its parts
# (database only, with no component) and peak memory. Goal: under 1 s for 10,000 x 100,000.
# GOOSEC names the binary (default bin/goosec). Usage: bench/scan.sh [COMPONENTS] [ADVISORIES]
set -u
cd "$(dirname "$0")/.." || exit 2
GOOSEC=${GOOSEC:-$PWD/bin/goosec}
COMPONENTS=${1:-10000}
ADVISORIES=${2:-100000}
RUNS=${RUNS:-3}
command -v python3 >/dev/null || { echo "bench/scan.sh: needs python3 to generate the data" >&2; exit 2; }
if [ ! -x "$GOOSEC" ]; then
	echo "bench/scan.sh: no goosec at '$GOOSEC' (run make, or set GOOSEC)" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/goose-scan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$COMPONENTS" "$ADVISORIES" <<'EOF'
import json, random, sys
work, components, advisories = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
ecosystems = [("npm", "npm"), ("golang", "Go"), ("pypi", "PyPI")]
def name(kind, i):
    return {"npm": f"pkg-{i}", "golang": f"github.com/org{i % 97}/mod{i}", "pypi": f"py-pkg-{i}"}[kind]
comps = []
for i in range(components):
    kind, _ = ecosystems[i % 3]
    major, minor, patch = random.randint(0, 5), random.randint(0, 20), random.randint(0, 30)
    version = f"{major}.{minor}.{patch}"
    pname = name(kind, i)
    purl_version = ("v" + version) if kind == "golang" else version
    comps.append({"type": "library", "name": pname, "version": purl_version,
                  "purl": f"pkg:{kind}/{pname}@{purl_version}",
                  "licenses": [{"license": {"id": "MIT"}}]})
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps},
          open(f"{work}/sbom.cdx.json", "w"))
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []},
          open(f"{work}/empty.cdx.json", "w"))
records = []
vectors = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N",
           "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]
for r in range(advisories):
    # one in ten components gets advisories that may hit; the rest name packages nobody has
    target = random.randrange(components) if r % 10 == 0 else components + r
    kind, osv_ecosystem = ecosystems[target % 3]
    affected = {"package": {"ecosystem": osv_ecosystem, "name": name(kind, target)}}
    shape = r % 4
    if shape == 3:
        affected["versions"] = [f"{random.randint(0, 5)}.{random.randint(0, 20)}.{p}" for p in range(5)]
    else:
        low = random.randint(0, 3)
        events = [{"introduced": "0" if shape == 0 else f"{low}.0.0"}]
        events.append({"fixed": f"{low + 2}.{random.randint(0, 9)}.0"} if shape != 2 else {"last_affected": f"{low + 1}.5.0"})
        affected["ranges"] = [{"type": "SEMVER" if kind != "pypi" else "ECOSYSTEM", "events": events}]
    records.append({"schema_version": "1.6.0", "id": f"BENCH-{r}", "aliases": [f"CVE-2026-{r}"],
                    "summary": f"generated advisory {r}", "modified": "2026-11-01T00:00:00Z",
                    "severity": [{"type": "CVSS_V3", "score": vectors[r % 3]}], "affected": [affected]})
json.dump({"records": records}, open(f"{work}/db.json", "w"))
EOF

best() { # best wall time of RUNS runs of the command, in seconds, the CPU time (user + system)
	# of that run, and the peak RSS of the last run
	local best_time="" best_cpu="" run
	for run in $(seq 1 "$RUNS"); do
		/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/out" 2>"$work/err"
		local status=$?
		if [ "$status" -gt 1 ]; then
			echo "bench/scan.sh: '$*' failed ($status): $(head -3 "$work/err")" >&2
			exit 2
		fi
		read -r seconds peak_kb user system < <(tail -n 1 "$work/time")
		if [ -z "$best_time" ] || awk -v a="$seconds" -v b="$best_time" 'BEGIN { exit !(a < b) }'; then
			best_time=$seconds
			best_cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
		fi
	done
	echo "$best_time $peak_kb $best_cpu"
}
if [ ! -x /usr/bin/time ]; then
	echo "bench/scan.sh: needs /usr/bin/time (GNU time)" >&2
	exit 2
fi
db_mb=$(awk -v b="$(stat -c %s "$work/db.json")" 'BEGIN { printf "%.1f", b / 1e6 }')
read -r db_only db_peak db_cpu < <(best "$GOOSEC" scan --db "$work/db.json" --now 2026-11-26 "$work/empty.cdx.json")
read -r full full_peak full_cpu < <(best "$GOOSEC" scan --db "$work/db.json" --now 2026-11-26 "$work/sbom.cdx.json")
summary=$(tail -n 1 "$work/out")
echo "scan: $COMPONENTS components x $ADVISORIES advisories (database $db_mb MB): ${full} s wall, ${full_cpu} s CPU, peak ${full_peak} kB (best of $RUNS)"
echo "  the database alone (an SBOM without components: every record skimmed, none kept): ${db_only} s wall, ${db_cpu} s CPU, peak ${db_peak} kB"
echo "  result: $summary"
awk -v t="$full" 'BEGIN { exit !(t < 1.0) }' && echo "  goal (< 1 s): met" || echo "  goal (< 1 s): NOT met"
