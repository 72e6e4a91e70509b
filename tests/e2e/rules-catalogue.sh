#!/usr/bin/env bash
# Every rule id the sources can emit has a `goosec explain` entry, and explain itself behaves.
. "$(dirname "$0")/lib.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)

# Rule ids are string literals of the form "family-name" in the stage sources.
# Lines of getopt option tables ("plan-ttl", required_argument) name options, not rules.
ids=$(grep -hE '"(yaml|json|load|classify|project|lint|xref|promql|rules|emit|plan|secret|compliance|rotation|sbom|osv|enrichment|evidence|scan)-[a-z0-9-]+"' \
	"$source_root"/compiler/*.c "$source_root"/lint/*.c "$source_root"/emit/*.c "$source_root"/vuln/*.c "$source_root"/common/*.c 2>/dev/null |
	grep -vE '(required|no|optional)_argument' |
	grep -ohE '"(yaml|json|load|classify|project|lint|xref|promql|rules|emit|plan|secret|compliance|rotation|sbom|osv|enrichment|evidence|scan)-[a-z0-9-]+"' | tr -d '"' | sort -u)
missing=""
for id in $ids internal schema-required schema-additional-properties; do
	"$GOOSEC" explain "$id" >/dev/null 2>&1 || missing="$missing $id"
done
if [ -z "$missing" ]; then pass "every emitted rule id ($(wc -w <<<"$ids") ids) has an explanation"
else fail "rule ids without an explanation:$missing"; fi

check_contains "explain prints the paragraph" 0 "YAML 1.2 forbids duplicate keys" -- "$GOOSEC" explain yaml-duplicate-key
check_contains "explain covers a rule family" 0 "schema-additional-properties" -- "$GOOSEC" explain schema-enum
check_contains "explain suggests" 2 "did you mean 'yaml-duplicate-key'?" -- "$GOOSEC" explain yaml-duplicate-kye
check_contains "explain reads the tree's compliance rules" 0 "Production needs two approvals" -- "$GOOSEC" explain GG-OPS-002 --tree "$source_root"
check_contains "explain --list" 0 "json-trailing-comma" -- "$GOOSEC" explain --list
finish
