#!/usr/bin/env bash
# End to end: `goosec validate` on generated files; exact diagnostics, formats and exit codes.
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"

cat > schema.json <<'JSON'
{ "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object", "additionalProperties": false, "required": ["name"],
  "properties": { "name": { "type": "string" },
                  "warning": { "type": "number" },
                  "critical": { "type": "number" } } }
JSON
printf 'name: ledger\nwarning: 1\n' > good.yaml
printf 'name: ledger\nwarnng: 1\n' > typo.yaml
printf 'a: 1\na: 2\n' > duplicate.yaml
printf '{"name": "x",}\n' > trailing.json
printf 'name: 5\n' > type.yaml

check "valid file" 0 "" -- "$GOOSEC" validate --schema schema.json good.yaml
check "unknown key gets did-you-mean" 1 "typo.yaml:2:1: error: unknown property 'warnng' [schema-additional-properties]
 2 | warnng: 1
   | ^
  = hint: did you mean 'warning'?" -- "$GOOSEC" validate --schema schema.json typo.yaml
check_contains "duplicate key names both places" 1 "duplicate.yaml:2:1: error: duplicate key 'a'" -- "$GOOSEC" validate --schema schema.json duplicate.yaml
check_contains "json trailing comma rejected" 1 "trailing.json:1:" -- "$GOOSEC" validate --schema schema.json trailing.json
check_contains "type mismatch at the value" 1 "type.yaml:1:7: error:" -- "$GOOSEC" validate --schema schema.json type.yaml
check "github format" 1 "::error file=typo.yaml,line=2,col=1,title=schema-additional-properties::unknown property 'warnng' (did you mean 'warning'?)" \
	-- "$GOOSEC" validate --format github --schema schema.json typo.yaml
check_contains "sarif format" 1 '"startLine": 2' -- "$GOOSEC" validate --format sarif --schema schema.json typo.yaml
check_contains "json format" 1 '"rule": "schema-additional-properties"' -- "$GOOSEC" validate --format json --schema schema.json typo.yaml
check "several files, sorted output, no colour when piped" 1 "duplicate.yaml:2:1: error: duplicate key 'a' (first defined at 1:1) [yaml-duplicate-key]
 2 | a: 2
   | ^
  duplicate.yaml:1:1: note: first defined here
typo.yaml:2:1: error: unknown property 'warnng' [schema-additional-properties]
 2 | warnng: 1
   | ^
  = hint: did you mean 'warning'?" -- "$GOOSEC" validate --schema schema.json typo.yaml good.yaml duplicate.yaml
check_contains "missing file is a diagnostic" 1 "missing.yaml" -- "$GOOSEC" validate --schema schema.json missing.yaml
check_contains "no schema is a usage error" 2 "--schema SCHEMA is required" -- "$GOOSEC" validate good.yaml
check_contains "bad format is a usage error" 2 "unknown format 'xml'" -- "$GOOSEC" validate --format xml --schema schema.json good.yaml
check_contains "unknown command suggests" 2 "did you mean 'validate'?" -- "$GOOSEC" valdate
check_contains "version" 0 "goosec " -- "$GOOSEC" --version
check_contains "help" 0 "usage: goosec" -- "$GOOSEC" --help

# A schema that uses a remote reference through --map.
mkdir -p remote
printf '{"$id": "https://example.test/defs/name.json", "type": "string", "minLength": 3}\n' > remote/name.json
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"name": {"$ref": "https://example.test/defs/name.json"}}}\n' > uses-remote.json
printf 'name: ab\n' > short.yaml
check_contains "remote ref through --map" 1 "short.yaml:1:7: error:" -- "$GOOSEC" validate --map https://example.test/defs/=remote --schema uses-remote.json short.yaml
check_contains "unmapped remote ref is refused" 1 "cannot use schema" -- "$GOOSEC" validate --schema uses-remote.json short.yaml

finish
