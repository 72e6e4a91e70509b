/* The rule catalogue behind `goosec explain`. Keep entries sorted by id; a test checks that every
 * rule id the sources emit has an entry here. */
#include "rules.h"

#include <string.h>

#include "banned.h"

const struct rule_info rules_catalogue[] = {
	{ "classify-unknown-file", "a file under a goosec folder matches no kind",
	  "Every YAML and JSON file under the folders of the seed layout (load-test/, monitoring/,\n"
	  "golden-goose/, security/) must be one of goosec's kinds, so that nothing is silently skipped.\n"
	  "The kind comes from the file's path, a top-level 'kind:' field, or a\n"
	  "'# yaml-language-server: $schema=...' modeline naming one of goosec's schemas. Move the file,\n"
	  "give it a 'kind:', or add its path to a kind under 'extra_paths' in goose.yaml.\n" },
	{ "classify-unknown-kind", "a 'kind:' field or extra_paths entry names no kind",
	  "The value of a top-level 'kind:' field, and each key of goose.yaml's 'extra_paths', must be\n"
	  "one of the kinds 'goosec schema list' prints (PascalCase, e.g. Stage, Thresholds).\n" },
	{ "compliance-invalid-pattern", "a compliance rule's PCRE2 pattern does not compile",
	  "The forbid_pattern, allow_patterns and require[].pattern of security/policies/compliance-rules.yaml\n"
	  "are PCRE2 regular expressions (UTF mode). One that does not compile is reported at the pattern\n"
	  "with PCRE2's message and the offset in the pattern; the rule is not checked until it compiles.\n" },
	{ "compliance-pattern-limit", "a compliance pattern hit the match limit",
	  "Every match of a compliance pattern runs under a PCRE2 match limit, so a pattern that backtracks\n"
	  "exponentially (nested quantifiers such as (a+)+) cannot hang lint. When the limit is hit the\n"
	  "rest of that file is not checked for that rule: a warning. Simplify the pattern.\n" },
	{ "compliance-rule", "the tree's own compliance rules (ids such as GG-OPS-002)",
	  "Rules of security/policies/compliance-rules.yaml report under their own id and severity\n"
	  "(for instance GG-SEC-001 or GG-OPS-002): a forbidden pattern at the line and column of each\n"
	  "match (the matched text is never shown), a 'require' condition at the offending value or, when a\n"
	  "required value is missing, at its closest existing parent. 'goosec explain ID' run inside the\n"
	  "tree (or with --tree DIR) prints the rule's title and description.\n" },
	{ "emit-prometheus-duplicate-group", "two rule groups of one name would go into one emitted file",
	  "Prometheus refuses a rule file with two groups of the same name. goosec writes every alerting\n"
	  "group to build/monitoring/prometheus/alerts.yaml and every recording group, plus one group\n"
	  "'slo:NAME' per SLO threshold, to recording.yaml: rename one of the groups.\n" },
	{ "emit-prometheus-query-offset", "a rule group sets query_offset, which Prometheus 2.42 does not know",
	  "goosec emits rule files for Prometheus 2.42, whose rule format has no group 'query_offset'\n"
	  "(added in 2.53). Remove it, or shift the queries with 'offset' in the expressions. Group\n"
	  "'labels' (Prometheus 3) are folded into every rule of the group instead.\n" },
	{ "emit-prometheus-sli-not-selector", "an SLO's errors or total is not a single counter selector",
	  "goosec builds the SLO's recording rules by wrapping 'sli.errors' and 'sli.total' in\n"
	  "sum by (job) (rate(SELECTOR[WINDOW])) for each burn-rate window, so each must be one counter\n"
	  "selector such as http_requests_total{job=\"api\", code=~\"5..\"}, not an expression.\n" },
	{ "emit-promtest-untestable", "no promtool test could be generated for an alert",
	  "goosec writes a promtool unit test for every threshold and SLO alert. It feeds the alert's\n"
	  "signal directly, so the signal must be one selector (a recording rule such as\n"
	  "job:http_request_duration_seconds:p95{job=\"api\"}), its regex matchers simple, and the\n"
	  "expected annotations must be predictable: $value, $labels.NAME and the humanize functions are;\n"
	  "other template functions are not, nor an exact $value of a computed burn rate. A warning.\n" },
	{ "enrichment-invalid", "security/sbom/enrichment.yaml cannot be applied",
	  "'goosec scan' reads security/sbom/enrichment.yaml without the whole tree. A rule without a\n"
	  "'match' or 'set' object, a waiver without id, component, reason or expires, a waiver date that\n"
	  "is not YYYY-MM-DD, or a service of sboms[] without an sbom in goose.yaml stops the scan (exit 2).\n"
	  "'goosec lint' reports the same file against its schema with every problem's position.\n" },
	{ "evidence-bad-signature", "an evidence bundle's signature does not verify",
	  "The bundle's in-toto statement (item digests, control coverage, chain head) is signed with the\n"
	  "evidence key in a DSSE envelope. A trusted key id signed it, but the signature does not verify\n"
	  "over the statement: the statement or the signature was changed after signing. Collect again.\n" },
	{ "evidence-incomplete", "a control lacks some of its evidence",
	  "Every control of security/audit/evidence-template.yaml names the evidence that proves it, and\n"
	  "security/audit/collection-rules.yaml says where each piece comes from. 'goosec evidence collect'\n"
	  "and the evidence.collect step report each piece they could not find with the reason (no run\n"
	  "journal, nothing matches a path, no such step in the run). A warning; with --require-complete\n"
	  "(or the plan's evidence_complete gate) an error, and no bundle is written.\n" },
	{ "evidence-plan", "the plan given to evidence collect cannot be read",
	  "'goosec evidence collect --plan FILE' (or RUN_DIR/plan) must be a goosec plan in a DSSE envelope.\n" },
	{ "evidence-signing-key", "evidence is signed with a key goose.yaml does not name",
	  "goose.yaml's signing.evidence names the key that signs evidence bundles (an auditor trusts that\n"
	  "key). 'goosec evidence collect --sign-key FILE' takes the key's name from the file name without\n"
	  ".key, or from --sign-key-name NAME, and refuses a key of another name.\n" },
	{ "evidence-tampered", "an evidence bundle was changed, reordered, cut short or is not a bundle",
	  "'goosec evidence verify' decompresses the bundle (a damaged zstd frame or a cut file is refused),\n"
	  "then checks each record in order: its seq (records reordered, added or removed), its link to the\n"
	  "record before (chain broken), its size and SHA-256 against its content (a changed item), and\n"
	  "that the signed statement lists exactly these items, in this order, with these digests, and this\n"
	  "chain head. The message names the first record that fails. 'goosec evidence show' renders a bundle.\n" },
	{ "evidence-unsigned", "an evidence bundle carries no signature",
	  "The bundle was collected with --unsigned (or by a plan run with --allow-unsigned). Unsigned\n"
	  "evidence proves nothing to an auditor: collect it again with the evidence key.\n" },
	{ "evidence-untrusted-key", "an evidence bundle is signed by a key not passed with --trust",
	  "The signature's key id (the SHA-256 of the raw public key) matches none of the --trust keys.\n"
	  "Pass the public half of the evidence key goose.yaml's signing.evidence names.\n" },
	{ "internal", "goosec itself failed",
	  "An internal error: a built-in table or schema could not be read. This is a bug in goosec;\n"
	  "the exit code is 2.\n" },
	{ "json-comment", "comments are not JSON",
	  "Files ending in .json are parsed strictly as JSON (RFC 8259). '//' and '/* */' comments are\n"
	  "not part of JSON; use YAML if the file needs comments.\n" },
	{ "json-duplicate-key", "a JSON object has the same key twice",
	  "JSON parsers disagree on which of two equal keys wins, so goosec refuses both. The message\n"
	  "names the position of the first definition.\n" },
	{ "json-leading-zero", "a JSON number has a leading zero",
	  "JSON numbers may not start with 0 unless they are 0 or 0.x ('007' is not JSON).\n" },
	{ "json-nonfinite", "NaN and Infinity are not JSON",
	  "JSON has no NaN or Infinity literals; write a number or a string.\n" },
	{ "json-single-quote", "JSON strings take double quotes",
	  "JSON strings are written in double quotes; single-quoted strings are JavaScript, not JSON.\n" },
	{ "json-syntax", "the file is not well-formed JSON",
	  "The JSON parser stopped at the position shown. Common causes: a missing comma or colon, an\n"
	  "unterminated string, an unescaped control character in a string, text after the value.\n" },
	{ "json-trailing-comma", "a trailing comma in a JSON array or object",
	  "JSON does not allow a comma before ']' or '}'.\n" },
	{ "lint-alert-missing-runbook", "an alert has no runbook_url annotation",
	  "Every alert must say what to do when it fires: 'annotations.runbook_url' links the runbook\n"
	  "(https; compliance rule GG-MON-003 checks the scheme). This is part of 'all alerts\n"
	  "configured', which stages can require with 'gates.alerts_configured'.\n" },
	{ "lint-alert-missing-severity", "a plain alert has no severity label",
	  "Alerts with neither 'threshold:' nor 'slo:' are passed to Prometheus as written, so they need\n"
	  "'labels.severity' (critical, warning or info) for routing. Threshold and SLO alerts get their\n"
	  "severity from the level they fire at and must not set it.\n" },
	{ "lint-metric-unit-mismatch", "a load-test metric is compared with a threshold of another unit",
	  "Load-test criteria and load-test gates compare a measured metric with a threshold's level.\n"
	  "Latency metrics (latency_p50, latency_p95, latency_p99, latency_max) need a threshold in\n"
	  "seconds, error_ratio one in ratio, throughput one in requests_per_second.\n" },
	{ "lint-sensitive-label", "a query result, alert label or annotation can expose a sensitive label",
	  "goose.yaml's 'sensitive_labels' names labels that must never leave Prometheus (account ids,\n"
	  "customer ids, emails). An alert, recording rule or dashboard query whose result can still carry\n"
	  "one is an error: a selector carries every label, sum/avg/... by (a, b) keeps only a and b,\n"
	  "without (x) drops x, binary operators keep the labels of their matched side, label_replace,\n"
	  "label_join and count_values add theirs, and a recording rule passes on what its expression\n"
	  "carries. Aggregate the label away with by (...) or without (...). A sensitive label written\n"
	  "in an alert's labels, or read by an annotation template ({{ $labels.email }}), is an error too.\n" },
	{ "lint-service-without-alert", "a service has no threshold-backed alert",
	  "Every service of goose.yaml needs at least one alert with 'threshold:' or 'slo:' naming one of\n"
	  "its thresholds (a threshold's 'service' says whose it is), so the numbers that gate releases\n"
	  "also page someone. It is an error unless every stage that deploys the service sets\n"
	  "'gates.alerts_configured: advisory'; then it is a warning.\n" },
	{ "lint-service-without-dashboard", "a service has no dashboard",
	  "Each service should have a dashboard under monitoring/grafana/dashboards/ whose 'service'\n"
	  "names it, so the alerts' signals can be looked at. A warning.\n" },
	{ "lint-slo-objective-range", "an SLO objective is not strictly between 0% and 100%",
	  "An SLO objective is the share of good events to meet. 100% leaves no error budget, so every\n"
	  "error would burn it at an infinite rate; 0% means nothing. Write e.g. 99.9% or 0.999.\n" },
	{ "lint-slo-window-range", "an SLO window is shorter than a day or longer than a year",
	  "The window an SLO objective is measured over must hold the slow burn-rate alert windows (days):\n"
	  "use 1d to 365d; 7d, 28d and 30d are common.\n" },
	{ "lint-stage-cycle", "stages promote from each other in a cycle",
	  "Following 'promotes_from' from any stage must end at the first stage (the one without\n"
	  "'promotes_from'). The message lists the stages of the cycle; notes point at each link.\n" },
	{ "lint-stage-file-name", "a stage's name does not match its file name",
	  "golden-goose/stages/NAME.yaml defines stage NAME: plans, state folders and reports are found\n"
	  "by name, so the file and the name must agree.\n" },
	{ "lint-stage-fork", "two stages promote from the same stage",
	  "Stages form one chain (sandbox -> compliance -> production): each stage has at most one\n"
	  "successor. Promote the second stage from the first one's successor instead.\n" },
	{ "lint-stage-gap", "promotes_from names a stage that does not exist",
	  "A missing link breaks the chain of stages: 'promotes_from' must name another stage's 'name'.\n"
	  "The hint suggests the closest stage name.\n" },
	{ "lint-stage-second-root", "more than one stage has no promotes_from",
	  "Exactly one stage starts the chain and omits 'promotes_from'; every other stage promotes from\n"
	  "the one before it. The hint names the current end of the chain.\n" },
	{ "lint-threshold-level-missing", "a threshold is used at a level it does not define",
	  "An alert's 'levels', a load-test criterion's 'level' and a load-test gate's 'level' must name a\n"
	  "level ('warning' or 'critical') that the threshold sets.\n" },
	{ "lint-threshold-level-order", "warning and critical levels are in the wrong order",
	  "With 'direction: above' the value rises through warning before critical, so warning must be\n"
	  "lower than critical; with 'direction: below' it must be higher. Equal levels are refused too:\n"
	  "the warning would never fire on its own.\n" },
	{ "lint-unknown-time-zone", "an off-peak window names a time zone that does not exist",
	  "A stage's off_peak_window.timezone must be 'UTC' or an IANA zone name such as 'Europe/Berlin'\n"
	  "(links such as 'US/Eastern' too). goosec knows the names of tzdata 2025b, compiled in, so lint\n"
	  "gives the same answer on every machine; goose-run reads the zone's rules from the system's\n"
	  "tzdata when it runs and refuses a window whose zone it cannot load. The hint suggests the\n"
	  "closest name.\n" },
	{ "load-control-character", "a control character or NUL byte in the file",
	  "Config files are text: control characters other than tab, line feed and carriage return,\n"
	  "and NUL bytes, are refused wherever they appear.\n" },
	{ "load-empty-document", "the file holds no document",
	  "A config file must hold one YAML or JSON document; an empty file (or only comments) is\n"
	  "almost always a mistake.\n" },
	{ "load-file-too-large", "the file is larger than goosec reads",
	  "Config files over the size limit (64 MiB) are refused before parsing.\n" },
	{ "load-internal", "the parser failed internally",
	  "The YAML parser reported an internal failure for this file. Please report it with the file.\n" },
	{ "load-invalid-utf8", "the file is not valid UTF-8",
	  "YAML and JSON are Unicode text; goosec reads UTF-8 (a byte-order mark is accepted). Convert\n"
	  "the file from its legacy encoding.\n" },
	{ "load-key-not-scalar", "a mapping key is a mapping, a sequence or null",
	  "Keys must be scalars so every document maps to JSON: '? [a, b]: x' and '~: x' are refused.\n" },
	{ "load-number-range", "a number does not fit",
	  "Integers must fit in 64 bits and floating-point numbers in a double; quote the value if it\n"
	  "is an identifier rather than a number.\n" },
	{ "load-read-error", "the file or folder cannot be read",
	  "goosec could not open or read the path (missing, no permission, or not the expected type).\n" },
	{ "load-too-deep", "nesting is deeper than the limit",
	  "Sequences and mappings may nest 256 levels deep at most; deeper input is refused without\n"
	  "recursion, so no input can exhaust the stack.\n" },
	{ "load-too-many-errors", "later errors in the file are not shown",
	  "After many errors in one file goosec stops reporting more of them: fix the first ones.\n" },
	{ "load-too-many-nodes", "the document expands to too many nodes",
	  "After aliases are expanded a document may hold at most 4 million nodes; larger expansions\n"
	  "(such as a 'billion laughs' alias bomb) are refused before they are built.\n" },
	{ "osv-invalid", "the vulnerability database is not OSV JSON",
	  "The database (enrichment.yaml's database, or --db) holds OSV records: an object with a\n"
	  "'records' array, a bare array of records, or one record. Every record needs an 'id'; an affected\n"
	  "package needs an 'ecosystem' and a 'name'; a range needs a 'type' (SEMVER, ECOSYSTEM or GIT) and\n"
	  "events of one key each (introduced, fixed, last_affected, limit). The scan stops with exit 2.\n" },
	{ "project-too-deep", "folders nested too deeply are not searched",
	  "goosec searches the tree 32 folders deep; deeper folders are skipped with this warning.\n" },
	{ "promql-selector", "a selector matches everything or has an invalid regular expression",
	  "A vector selector must have at least one matcher that does not match the empty string\n"
	  "({job=\"\"} or {job=~\".*\"} alone would select every series), must not name the metric twice\n"
	  "(foo{__name__=\"bar\"}), and every =~ or !~ matcher must be an RE2 regular expression, which\n"
	  "Prometheus anchors as ^(?:...)$: no look-around, backreferences, possessive or nested\n"
	  "quantifiers, repeat counts over 1000 or escapes RE2 does not know (\\Z, \\h, \\K...).\n" },
	{ "promql-syntax", "an expression is not valid PromQL",
	  "goosec parses PromQL as Prometheus 2.42 does (promtool is the reference): the error points at\n"
	  "the offending character inside the YAML value. Durations need a unit and run y w d h m s ms in\n"
	  "that order, offset and @ follow a selector or subquery, ranges follow a plain selector, and a\n"
	  "function call needs a function Prometheus 2.42 has (names are case-sensitive; keywords and\n"
	  "aggregations are not).\n" },
	{ "promql-type", "an expression has the wrong type somewhere",
	  "PromQL is typed: rate() and the *_over_time functions take a range vector (foo[5m]), most\n"
	  "functions and every aggregation an instant vector, binary operators only scalars and instant\n"
	  "vectors, a comparison between two scalars needs bool, set operators (and, or, unless) work\n"
	  "only between vectors, and bool only on comparisons. A rule, panel query or SLI expression must\n"
	  "give an instant vector or a scalar.\n" },
	{ "rotation-due-soon", "a secret is inside its warning window before max_age",
	  "security/policies/secret-rotation.yaml: a secret is due when last_rotated plus its max_age\n"
	  "(its own, else defaults.max_age) is reached; within warn_before (its own, else the default) of\n"
	  "that day it is a warning, naming the due date. 'Now' is --now, else SOURCE_DATE_EPOCH, else\n"
	  "the clock.\n" },
	{ "rotation-future-date", "a secret's last rotation is dated after now",
	  "last_rotated in security/policies/secret-rotation.yaml is later than 'now' (--now, else\n"
	  "SOURCE_DATE_EPOCH, else the clock): a typo or a date planned rather than done. Write the day\n"
	  "the secret was actually rotated.\n" },
	{ "rotation-overdue", "a secret is older than its max_age",
	  "A secret of security/policies/secret-rotation.yaml whose last_rotated plus max_age (its own,\n"
	  "else defaults.max_age) lies before 'now' is an error, with the number of days it is overdue.\n"
	  "Rotate it in the secret manager, then set last_rotated to the day of the rotation.\n" },
	{ "rules-duplicate-group", "two groups of a rule file have the same name",
	  "Prometheus refuses a rule file whose groups share a name; rename one of them.\n" },
	{ "rules-duplicate-rule", "two rules of a group have the same name and labels",
	  "promtool prints such rules as duplicates: they write the same series (recording rules) or the\n"
	  "same alerts, and only one of them can win. Give them different names or labels.\n" },
	{ "rules-format", "a rule file does not have the rule-group format of Prometheus 2.42",
	  "A rule file is 'groups:', each group a 'name' (required), optional 'interval' and\n"
	  "'limit', and 'rules'; each rule has exactly one of 'record' and 'alert', an 'expr', and\n"
	  "optional 'for', 'labels' and 'annotations' (not for recording rules). Prometheus 2.42\n"
	  "refuses unknown fields, including the newer 'keep_firing_for' and 'query_offset'.\n" },
	{ "rules-invalid-name", "a recording rule, label or annotation name is not valid",
	  "Recording rule names must be metric names ([a-zA-Z_:][a-zA-Z0-9_:]*); label and annotation\n"
	  "names must be label names ([a-zA-Z_][a-zA-Z0-9_]*), and a rule may not set __name__.\n" },
	{ "rules-template", "an alert label or annotation is not a valid Go template",
	  "Prometheus expands alert labels and annotations as Go text/template documents and refuses a\n"
	  "rule file whose templates do not parse: every {{ needs its }}, {{if}}/{{range}}/{{with}} their\n"
	  "{{end}}, functions must exist (humanize, printf, query, ...) and variables must be defined\n"
	  "($labels, $value, $externalLabels, $externalURL, or declared with :=).\n" },
	{ "sbom-enriched", "enrichment filled in a value of an SBOM component",
	  "A note of 'goosec build': a rule of security/sbom/enrichment.yaml set a component's licences,\n"
	  "supplier or purl (or a purl was built from the service's purl_type), in the SBOM written to\n"
	  "build/security/sbom/<service>.cdx.json. Values the SBOM has are kept unless 'build --force'.\n" },
	{ "sbom-enrichment-invalid", "an enrichment rule cannot be applied to an SBOM",
	  "An enrichment rule or sboms[] entry of security/sbom/enrichment.yaml has a shape goosec cannot\n"
	  "apply (the schema normally stops it first). The message names the JSON Pointer at fault.\n" },
	{ "sbom-invalid", "an SBOM is not CycloneDX 1.2-1.6 or SPDX 2.2/2.3 JSON goosec can read",
	  "SBOMs are CycloneDX JSON (bomFormat 'CycloneDX', specVersion 1.2 to 1.6; every component with\n"
	  "a 'type' and a 'name', licences as {license: {id | name}} or {expression}) or SPDX JSON\n"
	  "(spdxVersion SPDX-2.2 or SPDX-2.3; every package with SPDXID and name; the purl from\n"
	  "externalRefs of referenceType 'purl'). The message names the JSON Pointer at fault.\n" },
	{ "sbom-license-denied", "a component's licence needs a licence the licence policy denies",
	  "security/sbom/enrichment.yaml's licenses.deny lists licences never accepted. A component's\n"
	  "licence (after enrichment) is read as an SPDX expression: OR offers a choice, AND needs both\n"
	  "sides, WITH adds an exception, '+' means that version or a later one. It is denied when every\n"
	  "choice it offers needs a denied licence ('MIT OR GPL-3.0-only' is not: MIT is a way out; 'MIT\n"
	  "AND GPL-3.0-only' is). Ids compare case-insensitively, 'GPL-2.0' as 'GPL-2.0-only', 'GPL-2.0+'\n"
	  "as 'GPL-2.0-or-later' (also denied when GPL-2.0 is); an entry 'X WITH E' decides for X with\n"
	  "that exception before X alone does. Replace the component, or change the policy.\n" },
	{ "sbom-license-expression-invalid", "a component's licence expression is not valid SPDX",
	  "An SPDX licenseConcluded/licenseDeclared or a CycloneDX 'expression' must follow the SPDX\n"
	  "license expression grammar: licence ids (letters, digits, '.', '-'; LicenseRef-<id>;\n"
	  "DocumentRef-<id>:LicenseRef-<id>), an optional '+', 'WITH <exception>', joined by AND and OR\n"
	  "(all upper or all lower case), grouped by parentheses. The error is at the offending character.\n"
	  "A free licence name belongs in CycloneDX license.name, or as a LicenseRef- id.\n" },
	{ "sbom-license-not-allowed", "no choice a component's licence offers is in the allowed list",
	  "When security/sbom/enrichment.yaml's licenses.allow is set, a component's licence (after\n"
	  "enrichment, read as an SPDX expression) must offer one choice whose every licence is allowed\n"
	  "and none denied: 'MIT OR GPL-2.0-only' passes when MIT is allowed. The message names the\n"
	  "licences that keep each choice out. 'X+' is allowed when X or X-or-later is. Add the licence to\n"
	  "allow after review, or replace the component.\n" },
	{ "sbom-license-unknown", "a component has no licence, even after enrichment",
	  "A component whose SBOM entry has no licence and that no enrichment rule gives one. Its severity\n"
	  "is licenses.unknown of security/sbom/enrichment.yaml: error, warning (the default) or ignore.\n"
	  "Add a rule with match and set.licenses for it.\n" },
	{ "sbom-waiver-expired", "a vulnerability waiver is past its expiry date",
	  "A waiver of security/sbom/enrichment.yaml applies up to and including its 'expires' day (against\n"
	  "--now, SOURCE_DATE_EPOCH or today). After it, 'goosec scan' and the sbom.scan step report the\n"
	  "finding again and list the waiver as expired. Fix the vulnerability or renew the waiver.\n" },
	{ "schema-*", "the document does not match its kind's JSON Schema",
	  "Each kind has a JSON Schema (draft 2020-12; 'goosec schema show KIND' prints it). The rule\n"
	  "id names the failing keyword: schema-required (a required property is missing),\n"
	  "schema-additional-properties (an unknown property, with 'did you mean'), schema-type,\n"
	  "schema-enum, schema-pattern, schema-minimum and so on. Editors show the same schemas on\n"
	  "hover after 'goosec schema export DIR'.\n" },
	{ "secret-1password-secret-key", "uncovered a possible 1Password secret key",
	  "Uncovered a possible 1Password secret key, potentially compromising access to secrets in\n"
	  "vaults. Ported from gitleaks' default rule '1password-secret-key'. It runs on files that\n"
	  "contain 'a3-' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 3.8 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-age-secret-key", "discovered a potential Age encryption tool secret key",
	  "Discovered a potential Age encryption tool secret key, risking data decryption and\n"
	  "unauthorized access to sensitive information. Ported from gitleaks' default rule\n"
	  "'age-secret-key'. It runs on files that contain 'age-secret-key-1' (any case). The message\n"
	  "shows only a redacted preview. Remove the secret, rotate it, and read it from a secret store\n"
	  "at run time; if the value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow')\n"
	  "on its line, or list the file in .goosecignore.\n" },
	{ "secret-alibaba-access-key-id", "detected an Alibaba Cloud AccessKey ID",
	  "Detected an Alibaba Cloud AccessKey ID, posing a risk of unauthorized cloud resource access\n"
	  "and potential data compromise. Ported from gitleaks' default rule 'alibaba-access-key-id'.\n"
	  "It runs on files that contain 'ltai' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 2 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-anthropic-api-key", "identified an Anthropic API Key",
	  "Identified an Anthropic API Key, which may compromise AI assistant integrations and expose\n"
	  "sensitive data to unauthorized access. Ported from gitleaks' default rule\n"
	  "'anthropic-api-key'. It runs on files that contain 'sk-ant-api03' (any case). The message\n"
	  "shows only a redacted preview. Remove the secret, rotate it, and read it from a secret store\n"
	  "at run time; if the value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow')\n"
	  "on its line, or list the file in .goosecignore.\n" },
	{ "secret-aws-access-token", "identified a pattern that may indicate AWS credentials",
	  "Identified a pattern that may indicate AWS credentials, risking unauthorized cloud resource\n"
	  "access and data breaches on AWS platforms. Ported from gitleaks' default rule\n"
	  "'aws-access-token'. It runs on files that contain 'a3t' or 'akia' or 'asia' or 'abia' or\n"
	  "'acca' (any case), and reports a match only when the secret's Shannon entropy is at least 3\n"
	  "bits per character. The message shows only a redacted preview. Remove the secret, rotate it,\n"
	  "and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-aws-secret-access-key", "an AWS secret access key assigned to a name that mentions AWS and a secret",
	  "An AWS secret access key assigned to a name that mentions AWS and a secret, which with its\n"
	  "key id signs any AWS API call. A goosec rule (gitleaks has no default rule for it). It runs\n"
	  "on files that contain 'aws' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 4 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-azure-ad-client-secret", "azure AD Client Secret",
	  "Azure AD Client Secret. Ported from gitleaks' default rule 'azure-ad-client-secret'. It runs\n"
	  "on files that contain 'q ' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-azure-storage-account-key", "an Azure storage account key in a connection string",
	  "An Azure storage account key in a connection string, which gives full access to the\n"
	  "account's blobs, queues and tables. A goosec rule (gitleaks has no default rule for it). It\n"
	  "runs on files that contain 'accountkey=' (any case), and reports a match only when the\n"
	  "secret's Shannon entropy is at least 4 bits per character. The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-curl-auth-user", "discovered a potential basic authorization token provided in a curl command",
	  "Discovered a potential basic authorization token provided in a curl command, which could\n"
	  "compromise the curl accessed resource. Ported from gitleaks' default rule 'curl-auth-user'.\n"
	  "It runs on files that contain 'curl' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 2 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-databricks-api-token", "uncovered a Databricks API token",
	  "Uncovered a Databricks API token, which may compromise big data analytics platforms and\n"
	  "sensitive data processing. Ported from gitleaks' default rule 'databricks-api-token'. It\n"
	  "runs on files that contain 'dapi' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-datadog-access-token", "detected a Datadog Access Token",
	  "Detected a Datadog Access Token, potentially risking monitoring and analytics data exposure\n"
	  "and manipulation. Ported from gitleaks' default rule 'datadog-access-token'. It runs on\n"
	  "files that contain 'datadog' (any case). The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-digitalocean-access-token", "found a DigitalOcean OAuth Access Token",
	  "Found a DigitalOcean OAuth Access Token, risking unauthorized cloud resource access and data\n"
	  "compromise. Ported from gitleaks' default rule 'digitalocean-access-token'. It runs on files\n"
	  "that contain 'doo_v1_' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-digitalocean-pat", "discovered a DigitalOcean Personal Access Token",
	  "Discovered a DigitalOcean Personal Access Token, posing a threat to cloud infrastructure\n"
	  "security and data privacy. Ported from gitleaks' default rule 'digitalocean-pat'. It runs on\n"
	  "files that contain 'dop_v1_' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-digitalocean-refresh-token", "uncovered a DigitalOcean OAuth Refresh Token",
	  "Uncovered a DigitalOcean OAuth Refresh Token, which could allow prolonged unauthorized\n"
	  "access and resource manipulation. Ported from gitleaks' default rule\n"
	  "'digitalocean-refresh-token'. It runs on files that contain 'dor_v1_' (any case). The\n"
	  "message shows only a redacted preview. Remove the secret, rotate it, and read it from a\n"
	  "secret store at run time; if the value is not a secret, put '# goosec:allow-secret' (or\n"
	  "'gitleaks:allow') on its line, or list the file in .goosecignore.\n" },
	{ "secret-discord-api-token", "detected a Discord API key",
	  "Detected a Discord API key, potentially compromising communication channels and user data\n"
	  "privacy on Discord. Ported from gitleaks' default rule 'discord-api-token'. It runs on files\n"
	  "that contain 'discord' (any case). The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-discord-client-secret", "discovered a potential Discord client secret",
	  "Discovered a potential Discord client secret, risking compromised Discord bot integrations\n"
	  "and data leaks. Ported from gitleaks' default rule 'discord-client-secret'. It runs on files\n"
	  "that contain 'discord' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 2 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-doppler-api-token", "discovered a Doppler API token",
	  "Discovered a Doppler API token, posing a risk to environment and secrets management\n"
	  "security. Ported from gitleaks' default rule 'doppler-api-token'. It runs on files that\n"
	  "contain 'dp.pt.' (any case), and reports a match only when the secret's Shannon entropy is\n"
	  "at least 2 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-dynatrace-api-token", "detected a Dynatrace API token",
	  "Detected a Dynatrace API token, potentially risking application performance monitoring and\n"
	  "data exposure. Ported from gitleaks' default rule 'dynatrace-api-token'. It runs on files\n"
	  "that contain 'dt0c01.' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 4 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-gcp-api-key", "uncovered a GCP API key",
	  "Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services\n"
	  "and data breaches. Ported from gitleaks' default rule 'gcp-api-key'. It runs on files that\n"
	  "contain 'aiza' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 4 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-generic-api-key", "detected a Generic API Key",
	  "Detected a Generic API Key, potentially exposing access to various services and sensitive\n"
	  "operations. Ported from gitleaks' default rule 'generic-api-key'. It runs on files that\n"
	  "contain 'access' or 'api' or 'auth' or 'key' or 'credential' or 'creds' or 'passwd' or\n"
	  "'password' or 'secret' or 'token' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3.5 bits per character. The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-github-app-token", "identified a GitHub App Token",
	  "Identified a GitHub App Token, which may compromise GitHub application integrations and\n"
	  "source code security. Ported from gitleaks' default rule 'github-app-token'. It runs on\n"
	  "files that contain 'ghu_' or 'ghs_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-github-fine-grained-pat", "found a GitHub Fine-Grained Personal Access Token",
	  "Found a GitHub Fine-Grained Personal Access Token, risking unauthorized repository access\n"
	  "and code manipulation. Ported from gitleaks' default rule 'github-fine-grained-pat'. It runs\n"
	  "on files that contain 'github_pat_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-github-oauth", "discovered a GitHub OAuth Access Token",
	  "Discovered a GitHub OAuth Access Token, posing a risk of compromised GitHub account\n"
	  "integrations and data leaks. Ported from gitleaks' default rule 'github-oauth'. It runs on\n"
	  "files that contain 'gho_' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-github-pat", "uncovered a GitHub Personal Access Token",
	  "Uncovered a GitHub Personal Access Token, potentially leading to unauthorized repository\n"
	  "access and sensitive content exposure. Ported from gitleaks' default rule 'github-pat'. It\n"
	  "runs on files that contain 'ghp_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-github-refresh-token", "detected a GitHub Refresh Token",
	  "Detected a GitHub Refresh Token, which could allow prolonged unauthorized access to GitHub\n"
	  "services. Ported from gitleaks' default rule 'github-refresh-token'. It runs on files that\n"
	  "contain 'ghr_' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 3 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-gitlab-deploy-token", "identified a GitLab Deploy Token",
	  "Identified a GitLab Deploy Token, risking access to repositories, packages and containers\n"
	  "with write access. Ported from gitleaks' default rule 'gitlab-deploy-token'. It runs on\n"
	  "files that contain 'gldt-' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-gitlab-pat", "identified a GitLab Personal Access Token",
	  "Identified a GitLab Personal Access Token, risking unauthorized access to GitLab\n"
	  "repositories and codebase exposure. Ported from gitleaks' default rule 'gitlab-pat'. It runs\n"
	  "on files that contain 'glpat-' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-gitlab-pat-routable", "identified a GitLab Personal Access Token (routable)",
	  "Identified a GitLab Personal Access Token (routable), risking unauthorized access to GitLab\n"
	  "repositories and codebase exposure. Ported from gitleaks' default rule\n"
	  "'gitlab-pat-routable'. It runs on files that contain 'glpat-' (any case), and reports a\n"
	  "match only when the secret's Shannon entropy is at least 4 bits per character. The message\n"
	  "shows only a redacted preview. Remove the secret, rotate it, and read it from a secret store\n"
	  "at run time; if the value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow')\n"
	  "on its line, or list the file in .goosecignore.\n" },
	{ "secret-gitlab-ptt", "found a GitLab Pipeline Trigger Token",
	  "Found a GitLab Pipeline Trigger Token, potentially compromising continuous integration\n"
	  "workflows and project security. Ported from gitleaks' default rule 'gitlab-ptt'. It runs on\n"
	  "files that contain 'glptt-' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 3 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-gitlab-rrt", "discovered a GitLab Runner Registration Token",
	  "Discovered a GitLab Runner Registration Token, posing a risk to CI/CD pipeline integrity and\n"
	  "unauthorized access. Ported from gitleaks' default rule 'gitlab-rrt'. It runs on files that\n"
	  "contain 'gr1348941' (any case), and reports a match only when the secret's Shannon entropy\n"
	  "is at least 3 bits per character. The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-gitlab-runner-authentication-token", "discovered a GitLab Runner Authentication Token",
	  "Discovered a GitLab Runner Authentication Token, posing a risk to CI/CD pipeline integrity\n"
	  "and unauthorized access. Ported from gitleaks' default rule\n"
	  "'gitlab-runner-authentication-token'. It runs on files that contain 'glrt-' (any case), and\n"
	  "reports a match only when the secret's Shannon entropy is at least 3 bits per character. The\n"
	  "message shows only a redacted preview. Remove the secret, rotate it, and read it from a\n"
	  "secret store at run time; if the value is not a secret, put '# goosec:allow-secret' (or\n"
	  "'gitleaks:allow') on its line, or list the file in .goosecignore.\n" },
	{ "secret-grafana-api-key", "identified a Grafana API key",
	  "Identified a Grafana API key, which could compromise monitoring dashboards and sensitive\n"
	  "data analytics. Ported from gitleaks' default rule 'grafana-api-key'. It runs on files that\n"
	  "contain 'eyjrijoi' (any case), and reports a match only when the secret's Shannon entropy is\n"
	  "at least 3 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-grafana-cloud-api-token", "found a Grafana cloud API token",
	  "Found a Grafana cloud API token, risking unauthorized access to cloud-based monitoring\n"
	  "services and data exposure. Ported from gitleaks' default rule 'grafana-cloud-api-token'. It\n"
	  "runs on files that contain 'glc_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-grafana-service-account-token", "discovered a Grafana service account token",
	  "Discovered a Grafana service account token, posing a risk of compromised monitoring services\n"
	  "and data integrity. Ported from gitleaks' default rule 'grafana-service-account-token'. It\n"
	  "runs on files that contain 'glsa_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 3 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-hashicorp-tf-api-token", "uncovered a HashiCorp Terraform user/org API token",
	  "Uncovered a HashiCorp Terraform user/org API token, which may lead to unauthorized\n"
	  "infrastructure management and security breaches. Ported from gitleaks' default rule\n"
	  "'hashicorp-tf-api-token'. It runs on files that contain 'atlasv1' (any case), and reports a\n"
	  "match only when the secret's Shannon entropy is at least 3.5 bits per character. The message\n"
	  "shows only a redacted preview. Remove the secret, rotate it, and read it from a secret store\n"
	  "at run time; if the value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow')\n"
	  "on its line, or list the file in .goosecignore.\n" },
	{ "secret-heroku-api-key", "detected a Heroku API Key",
	  "Detected a Heroku API Key, potentially compromising cloud application deployments and\n"
	  "operational security. Ported from gitleaks' default rule 'heroku-api-key'. It runs on files\n"
	  "that contain 'heroku' (any case). The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-heroku-api-key-v2", "detected a Heroku API Key",
	  "Detected a Heroku API Key, potentially compromising cloud application deployments and\n"
	  "operational security. Ported from gitleaks' default rule 'heroku-api-key-v2'. It runs on\n"
	  "files that contain 'hrku-aa' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 4 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-huggingface-access-token", "discovered a Hugging Face Access token",
	  "Discovered a Hugging Face Access token, which could lead to unauthorized access to AI models\n"
	  "and sensitive data. Ported from gitleaks' default rule 'huggingface-access-token'. It runs\n"
	  "on files that contain 'hf_' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 2 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-jwt", "uncovered a JSON Web Token",
	  "Uncovered a JSON Web Token, which may lead to unauthorized access to web applications and\n"
	  "sensitive user data. Ported from gitleaks' default rule 'jwt'. It runs on files that contain\n"
	  "'ey' (any case), and reports a match only when the secret's Shannon entropy is at least 3\n"
	  "bits per character. The message shows only a redacted preview. Remove the secret, rotate it,\n"
	  "and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-linear-api-key", "detected a Linear API Token",
	  "Detected a Linear API Token, posing a risk to project management tools and sensitive task\n"
	  "data. Ported from gitleaks' default rule 'linear-api-key'. It runs on files that contain\n"
	  "'lin_api_' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 2 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-mailgun-private-api-token", "found a Mailgun private API token",
	  "Found a Mailgun private API token, risking unauthorized email service operations and data\n"
	  "breaches. Ported from gitleaks' default rule 'mailgun-private-api-token'. It runs on files\n"
	  "that contain 'mailgun' (any case). The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-mailgun-signing-key", "uncovered a Mailgun webhook signing key",
	  "Uncovered a Mailgun webhook signing key, potentially compromising email automation and data\n"
	  "integrity. Ported from gitleaks' default rule 'mailgun-signing-key'. It runs on files that\n"
	  "contain 'mailgun' (any case). The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-microsoft-teams-webhook", "uncovered a Microsoft Teams Webhook",
	  "Uncovered a Microsoft Teams Webhook, which could lead to unauthorized access to team\n"
	  "collaboration tools and data leaks. Ported from gitleaks' default rule\n"
	  "'microsoft-teams-webhook'. It runs on files that contain 'webhook.office.com' or 'webhookb2'\n"
	  "or 'incomingwebhook' (any case). The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-new-relic-user-api-key", "discovered a New Relic user API Key",
	  "Discovered a New Relic user API Key, which could lead to compromised application insights\n"
	  "and performance monitoring. Ported from gitleaks' default rule 'new-relic-user-api-key'. It\n"
	  "runs on files that contain 'nrak' (any case). The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-npm-access-token", "uncovered an npm access token",
	  "Uncovered an npm access token, potentially compromising package management and code\n"
	  "repository access. Ported from gitleaks' default rule 'npm-access-token'. It runs on files\n"
	  "that contain 'npm_' (any case), and reports a match only when the secret's Shannon entropy\n"
	  "is at least 2 bits per character. The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-openai-api-key", "found an OpenAI API Key",
	  "Found an OpenAI API Key, posing a risk of unauthorized access to AI services and data\n"
	  "manipulation. Ported from gitleaks' default rule 'openai-api-key'. It runs on files that\n"
	  "contain 't3blbkfj' (any case), and reports a match only when the secret's Shannon entropy is\n"
	  "at least 3 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-password-in-url", "a password written into a URL (scheme://user:password@host)",
	  "A password written into a URL (scheme://user:password@host), which anyone who reads the file\n"
	  "or a log of the URL can reuse. A goosec rule (gitleaks has no default rule for it). It runs\n"
	  "on files that contain '://' (any case). The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-postman-api-token", "uncovered a Postman API token",
	  "Uncovered a Postman API token, potentially compromising API testing and development\n"
	  "workflows. Ported from gitleaks' default rule 'postman-api-token'. It runs on files that\n"
	  "contain 'pmak-' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 3 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-private-key", "identified a Private Key",
	  "Identified a Private Key, which may compromise cryptographic security and sensitive data\n"
	  "encryption. Ported from gitleaks' default rule 'private-key'. It runs on files that contain\n"
	  "'-----begin' (any case). The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-pulumi-api-token", "found a Pulumi API token",
	  "Found a Pulumi API token, posing a risk to infrastructure as code services and cloud\n"
	  "resource management. Ported from gitleaks' default rule 'pulumi-api-token'. It runs on files\n"
	  "that contain 'pul-' (any case), and reports a match only when the secret's Shannon entropy\n"
	  "is at least 2 bits per character. The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-pypi-upload-token", "discovered a PyPI upload token",
	  "Discovered a PyPI upload token, potentially compromising Python package distribution and\n"
	  "repository integrity. Ported from gitleaks' default rule 'pypi-upload-token'. It runs on\n"
	  "files that contain 'pypi-ageichlwas5vcmc' (any case), and reports a match only when the\n"
	  "secret's Shannon entropy is at least 3 bits per character. The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-sendgrid-api-token", "detected a SendGrid API token",
	  "Detected a SendGrid API token, posing a risk of unauthorized email service operations and\n"
	  "data exposure. Ported from gitleaks' default rule 'sendgrid-api-token'. It runs on files\n"
	  "that contain 'sg.' (any case), and reports a match only when the secret's Shannon entropy is\n"
	  "at least 2 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-shopify-access-token", "uncovered a Shopify access token",
	  "Uncovered a Shopify access token, which could lead to unauthorized e-commerce platform\n"
	  "access and data breaches. Ported from gitleaks' default rule 'shopify-access-token'. It runs\n"
	  "on files that contain 'shpat_' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 2 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-shopify-custom-access-token", "detected a Shopify custom access token",
	  "Detected a Shopify custom access token, potentially compromising custom app integrations and\n"
	  "e-commerce data security. Ported from gitleaks' default rule 'shopify-custom-access-token'.\n"
	  "It runs on files that contain 'shpca_' (any case), and reports a match only when the\n"
	  "secret's Shannon entropy is at least 2 bits per character. The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-shopify-private-app-access-token", "identified a Shopify private app access token",
	  "Identified a Shopify private app access token, risking unauthorized access to private app\n"
	  "data and store operations. Ported from gitleaks' default rule\n"
	  "'shopify-private-app-access-token'. It runs on files that contain 'shppa_' (any case), and\n"
	  "reports a match only when the secret's Shannon entropy is at least 2 bits per character. The\n"
	  "message shows only a redacted preview. Remove the secret, rotate it, and read it from a\n"
	  "secret store at run time; if the value is not a secret, put '# goosec:allow-secret' (or\n"
	  "'gitleaks:allow') on its line, or list the file in .goosecignore.\n" },
	{ "secret-shopify-shared-secret", "found a Shopify shared secret",
	  "Found a Shopify shared secret, posing a risk to application authentication and e-commerce\n"
	  "platform security. Ported from gitleaks' default rule 'shopify-shared-secret'. It runs on\n"
	  "files that contain 'shpss_' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 2 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-sidekiq-sensitive-url", "uncovered a Sidekiq Sensitive URL",
	  "Uncovered a Sidekiq Sensitive URL, potentially exposing internal job queues and sensitive\n"
	  "operation details. Ported from gitleaks' default rule 'sidekiq-sensitive-url'. It runs on\n"
	  "files that contain 'gems.contribsys.com' or 'enterprise.contribsys.com' (any case). The\n"
	  "message shows only a redacted preview. Remove the secret, rotate it, and read it from a\n"
	  "secret store at run time; if the value is not a secret, put '# goosec:allow-secret' (or\n"
	  "'gitleaks:allow') on its line, or list the file in .goosecignore.\n" },
	{ "secret-slack-app-token", "detected a Slack App-level token",
	  "Detected a Slack App-level token, risking unauthorized access to Slack applications and\n"
	  "workspace data. Ported from gitleaks' default rule 'slack-app-token'. It runs on files that\n"
	  "contain 'xapp' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 2 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-slack-bot-token", "identified a Slack Bot token",
	  "Identified a Slack Bot token, which may compromise bot integrations and communication\n"
	  "channel security. Ported from gitleaks' default rule 'slack-bot-token'. It runs on files\n"
	  "that contain 'xoxb' (any case), and reports a match only when the secret's Shannon entropy\n"
	  "is at least 3 bits per character. The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-slack-legacy-token", "detected a Slack Legacy token",
	  "Detected a Slack Legacy token, risking unauthorized access to older Slack integrations and\n"
	  "user data. Ported from gitleaks' default rule 'slack-legacy-token'. It runs on files that\n"
	  "contain 'xoxo' or 'xoxs' (any case), and reports a match only when the secret's Shannon\n"
	  "entropy is at least 2 bits per character. The message shows only a redacted preview. Remove\n"
	  "the secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-slack-user-token", "found a Slack User token",
	  "Found a Slack User token, posing a risk of unauthorized user impersonation and data access\n"
	  "within Slack workspaces. Ported from gitleaks' default rule 'slack-user-token'. It runs on\n"
	  "files that contain 'xoxp-' or 'xoxe-' (any case), and reports a match only when the secret's\n"
	  "Shannon entropy is at least 2 bits per character. The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-slack-webhook-url", "discovered a Slack Webhook",
	  "Discovered a Slack Webhook, which could lead to unauthorized message posting and data\n"
	  "leakage in Slack channels. Ported from gitleaks' default rule 'slack-webhook-url'. It runs\n"
	  "on files that contain 'hooks.slack.com' (any case). The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-square-access-token", "detected a Square Access Token",
	  "Detected a Square Access Token, risking unauthorized payment processing and financial\n"
	  "transaction exposure. Ported from gitleaks' default rule 'square-access-token'. It runs on\n"
	  "files that contain 'sq0atp-' or 'eaaa' (any case), and reports a match only when the\n"
	  "secret's Shannon entropy is at least 2 bits per character. The message shows only a redacted\n"
	  "preview. Remove the secret, rotate it, and read it from a secret store at run time; if the\n"
	  "value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or\n"
	  "list the file in .goosecignore.\n" },
	{ "secret-stripe-access-token", "found a Stripe Access Token",
	  "Found a Stripe Access Token, posing a risk to payment processing services and sensitive\n"
	  "financial data. Ported from gitleaks' default rule 'stripe-access-token'. It runs on files\n"
	  "that contain 'sk_test' or 'sk_live' or 'sk_prod' or 'rk_test' or 'rk_live' or 'rk_prod' (any\n"
	  "case), and reports a match only when the secret's Shannon entropy is at least 2 bits per\n"
	  "character. The message shows only a redacted preview. Remove the secret, rotate it, and read\n"
	  "it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-telegram-bot-api-token", "detected a Telegram Bot API Token",
	  "Detected a Telegram Bot API Token, risking unauthorized bot operations and message\n"
	  "interception on Telegram. Ported from gitleaks' default rule 'telegram-bot-api-token'. It\n"
	  "runs on files that contain 'telegr' (any case). The message shows only a redacted preview.\n"
	  "Remove the secret, rotate it, and read it from a secret store at run time; if the value is\n"
	  "not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the\n"
	  "file in .goosecignore.\n" },
	{ "secret-twilio-api-key", "found a Twilio API Key",
	  "Found a Twilio API Key, posing a risk to communication services and sensitive customer\n"
	  "interaction data. Ported from gitleaks' default rule 'twilio-api-key'. It runs on files that\n"
	  "contain 'sk' (any case), and reports a match only when the secret's Shannon entropy is at\n"
	  "least 3 bits per character. The message shows only a redacted preview. Remove the secret,\n"
	  "rotate it, and read it from a secret store at run time; if the value is not a secret, put\n"
	  "'# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-vault-batch-token", "detected a Vault Batch Token",
	  "Detected a Vault Batch Token, risking unauthorized access to secret management services and\n"
	  "sensitive data. Ported from gitleaks' default rule 'vault-batch-token'. It runs on files\n"
	  "that contain 'hvb.' (any case), and reports a match only when the secret's Shannon entropy\n"
	  "is at least 4 bits per character. The message shows only a redacted preview. Remove the\n"
	  "secret, rotate it, and read it from a secret store at run time; if the value is not a\n"
	  "secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line, or list the file in\n"
	  ".goosecignore.\n" },
	{ "secret-vault-service-token", "identified a Vault Service Token",
	  "Identified a Vault Service Token, potentially compromising infrastructure security and\n"
	  "access to sensitive credentials. Ported from gitleaks' default rule 'vault-service-token'.\n"
	  "It runs on files that contain 'hvs.' or 's.' (any case), and reports a match only when the\n"
	  "secret's Shannon entropy is at least 3.5 bits per character. The message shows only a\n"
	  "redacted preview. Remove the secret, rotate it, and read it from a secret store at run time;\n"
	  "if the value is not a secret, put '# goosec:allow-secret' (or 'gitleaks:allow') on its line,\n"
	  "or list the file in .goosecignore.\n" },
	{ "xref-unused-recording-rule", "a recording rule is used by no alert, dashboard or other recording rule",
	  "A recording rule costs an evaluation every interval and a series per result. When no alert\n"
	  "expression, dashboard query, SLO selector or other recording rule reads its name, remove it or\n"
	  "use it.\n" },
	{ "yaml-alias-limit", "an alias expands beyond the node limit",
	  "Aliases are expanded into copies; when the copies would exceed the node limit the alias is\n"
	  "refused at once, so an alias bomb costs nothing.\n" },
	{ "yaml-duplicate-key", "a mapping has the same key twice",
	  "YAML 1.2 forbids duplicate keys, and tools disagree on which one wins. The message names the\n"
	  "first definition's position.\n" },
	{ "yaml-merge-invalid", "a merge key '<<' does not name mappings",
	  "The value of '<<' must be a mapping (usually an alias to one) or a sequence of mappings.\n" },
	{ "yaml-multiple-documents", "a file holds more than one YAML document",
	  "Each config file holds exactly one document; a second '---' document would be silently\n"
	  "ignored by many tools, so goosec refuses it at its position.\n" },
	{ "yaml-recursive-alias", "an alias refers to the node that contains it",
	  "An alias inside its own anchored node would expand forever.\n" },
	{ "yaml-syntax", "the file is not well-formed YAML",
	  "The YAML parser stopped at the position shown; the message is the parser's.\n" },
	{ "yaml-tag-mismatch", "a value does not fit its explicit tag",
	  "A '!!int', '!!float', '!!bool' or '!!null' tag was put on a value that is not of that type.\n" },
	{ "yaml-undefined-alias", "an alias names no anchor",
	  "'*name' must follow an '&name' anchor earlier in the same document.\n" },
	{ "yaml-unknown-tag", "a tag goosec does not understand",
	  "Only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are\n"
	  "accepted; application tags such as '!ruby/object' are refused.\n" },
	{ "plan-encoding", "a plan could not be written as integer-only canonical JSON or signed",
	  "Plans are canonical JSON (RFC 8785) with integers only, inside a signed DSSE envelope. A value\n"
	  "that has no exact integer form, or a failure of the signing key, stops the build before\n"
	  "anything is written.\n" },
	{ "plan-not-integer", "a value that enters a plan is not a whole number",
	  "Plans carry integers only (milliseconds, parts per million, requests per second), so that\n"
	  "every reader decodes the same bytes to the same numbers. Write the value as a whole number.\n" },
	{ "plan-signing-key", "plans have no signing key, or it is not the key goose.yaml names",
	  "goosec build signs plans with --sign-key FILE or GOOSEC_SIGNING_KEY_FILE (never a file of the\n"
	  "tree); --unsigned emits unsigned plans instead. The key's name (--sign-key-name, else the\n"
	  "key file's name without .key) must be goose.yaml's signing.plans, so the runner's keyring\n"
	  "and the tree agree on which key signs releases.\n" },
	{ "xref-baseline-service", "a baseline records another service than its load test",
	  "A baseline's 'service' must be the service of the load test whose criteria name it, or the\n"
	  "comparison mixes two services' numbers.\n" },
	{ "xref-duplicate-*", "a name is defined twice",
	  "Names are unique within their class across the whole tree: services, thresholds, recording\n"
	  "rules, alerts, dashboard uids, stages, snapshot policies, secrets, compliance rule ids,\n"
	  "evidence items, controls and vulnerability ids; request names within a load test; rule group\n"
	  "names within a rule file. The note points at the first definition.\n" },
	{ "xref-file-kind", "a path names a file of the wrong kind",
	  "A reference to a file (a service's 'sbom', a criterion's 'baseline', the enrichment's\n"
	  "'database') must name a file of the expected kind; the hint says what goosec reads it as.\n" },
	{ "xref-scenario-not-in-baseline", "a baseline criterion names a scenario the baseline lacks",
	  "A 'baseline_regression' criterion compares the listed scenarios with the baseline file's\n"
	  "recorded results, so each scenario must have results there.\n" },
	{ "xref-service-without-sbom", "SBOM enrichment names a service that has no SBOM",
	  "'sboms[].service' in the SBOM enrichment must name a service with an 'sbom' path in goose.yaml:\n"
	  "that is the file that gets enriched.\n" },
	{ "xref-stage-without-loadtest", "a stage runs load-test scenarios but no load test applies",
	  "'tests.loadtest.scenarios' of a stage name scenarios of the load tests that target the stage\n"
	  "('target.stage'), or, when none does, of the load tests of the services the stage deploys.\n" },
	{ "xref-threshold-type", "a level threshold is used where an SLO is needed, or the reverse",
	  "'threshold:' on an alert, load-test criteria and load-test gates need a level threshold\n"
	  "(warning/critical); 'slo:' on an alert needs an SLO threshold. Dashboard panels take either.\n" },
	{ "xref-unknown-component", "a waiver names a component that is not in the service's SBOM",
	  "'waivers[].component' is a purl without version ('pkg:npm/http-proxy-middleware') of a\n"
	  "component in the SBOM of the waiver's service (or of any enriched SBOM without 'service').\n" },
	{ "xref-unknown-control", "a compliance rule cites an unknown control",
	  "'controls' of a compliance rule name 'controls[].id' of the evidence template.\n" },
	{ "xref-unknown-evidence", "a control names evidence that no collection rule provides",
	  "Every name in a control's 'evidence' must be a key of 'evidence' in\n"
	  "security/audit/collection-rules.yaml, which says where it is collected from.\n" },
	{ "xref-unknown-file", "a path names no file of the expected kind",
	  "Paths are relative to the tree root. A service's 'sbom' names a CycloneDX SBOM, a criterion's\n"
	  "'baseline' a baseline under load-test/baseline/, the enrichment's 'database' the\n"
	  "vulnerability database.\n" },
	{ "xref-unknown-kind", "a compliance rule names an unknown kind",
	  "'kind' of a compliance rule is one of the kinds 'goosec schema list' prints.\n" },
	{ "xref-unknown-recording-rule", "a query uses a recording rule that is not defined",
	  "Metric names containing ':' (level:metric:operations) are recording rules by convention, and\n"
	  "every one an alert expression or dashboard query uses must be recorded in\n"
	  "monitoring/prometheus/recording.yaml. Names come from the PromQL parse: metric names of\n"
	  "selectors, never strings, label values or comments.\n" },
	{ "xref-unknown-request", "a request name is not in the load test",
	  "Scenario 'requests', criterion 'requests' and a baseline's per-request results name\n"
	  "'requests[].name' of the load test.\n" },
	{ "xref-unknown-scenario", "a scenario name is not in the load test",
	  "Criterion 'scenarios' name scenarios of the same load test; a baseline's scenarios those of\n"
	  "the load test that uses it (or of its service); a stage's 'tests.loadtest.scenarios' those of\n"
	  "the load tests targeting the stage.\n" },
	{ "xref-unknown-service", "a service name is not in goose.yaml",
	  "Thresholds, dashboards, load tests, baselines, stages, secrets and SBOM enrichment name\n"
	  "services of the catalog under 'services' in goose.yaml.\n" },
	{ "xref-unknown-snapshot-policy", "a snapshot policy is not in the snapshot manifest",
	  "A stage's 'snapshot_policy' and the keys of 'policies' in the snapshot validation name\n"
	  "policies of golden-goose/snapshots/manifest.yaml.\n" },
	{ "xref-unknown-stage", "a stage name is not defined",
	  "A load test's 'target.stage', a baseline's 'stage' and a gate's 'from_stage' name the 'name'\n"
	  "of a stage under golden-goose/stages/.\n" },
	{ "xref-unknown-threshold", "a threshold name is not defined",
	  "Alerts, dashboard panels, load-test criteria and load-test gates name thresholds of\n"
	  "monitoring/config/thresholds.yaml. The hint suggests the closest name of the right type.\n" },
	{ "xref-unknown-vulnerability", "a waiver names an id that is not in the vulnerability database",
	  "'waivers[].id' must be the 'id' or one of the 'aliases' (a CVE, a GO- id) of a record of the\n"
	  "database the enrichment names.\n" },
	{ "xref-unused-evidence", "an evidence item no control names",
	  "Evidence that is collected but proves no control of the evidence template is dead weight in\n"
	  "every bundle. A warning.\n" },
	{ "xref-unused-snapshot-policy", "a snapshot policy no stage uses",
	  "A policy of the snapshot manifest that no stage's 'snapshot_policy' names. A warning.\n" },
	{ "xref-unused-threshold", "a threshold no alert uses",
	  "Every threshold should page someone: name it from an alert with 'threshold:' (level\n"
	  "thresholds) or 'slo:' (SLO thresholds). Uses by dashboards, load tests and gates do not count.\n" },
};

const size_t rules_catalogue_count = sizeof(rules_catalogue) / sizeof(rules_catalogue[0]);

const struct rule_info *rules_find(const char *id)
{
	const struct rule_info *family = NULL;
	size_t family_length = 0;
	for (size_t i = 0; i < rules_catalogue_count; i++) {
		const char *candidate = rules_catalogue[i].id;
		size_t length = strlen(candidate);
		if (strcmp(candidate, id) == 0)
			return &rules_catalogue[i];
		if (length && candidate[length - 1] == '*' && strncmp(candidate, id, length - 1) == 0 &&
		    length > family_length) {
			family = &rules_catalogue[i];
			family_length = length;
		}
	}
	return family;
}
