/* The vulnerability scan: components of SBOMs matched against an OSV database (purl type ->
 * OSV ecosystem, version inside `versions[]` or an affected range), severity from the CVSS
 * vectors or the database's own rating, waivers with expiry, and a fail-on threshold. One
 * result, rendered as JSON (printed and journalled by both binaries) or text.
 *
 * Ownership: a struct scan_result owns every string it holds (copies; the db and SBOMs may be
 * released first). Errors returned through `char **error` are the caller's to free.
 * jansson and libc only. */
#ifndef GOOSE_SCAN_H
#define GOOSE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util.h"
#include "osv.h"
#include "sbom.h"

/* Ordered: a threshold is met by every severity at or above it. UNKNOWN (no CVSS v3.x or v4.0
 * vector goosec can score, and no database rating) is ranked above CRITICAL for thresholds: a vulnerability whose
 * severity cannot be told is never assumed harmless. */
enum scan_severity {
	SCAN_SEVERITY_NONE,
	SCAN_SEVERITY_LOW,
	SCAN_SEVERITY_MEDIUM,
	SCAN_SEVERITY_HIGH,
	SCAN_SEVERITY_CRITICAL,
	SCAN_SEVERITY_UNKNOWN,
};

/* "none", "low", "medium", "high", "critical", "unknown". */
const char *scan_severity_name(enum scan_severity severity);

/* A fail-on threshold name ("none", "low", "medium", "high", "critical"; case-insensitive):
 * 0, or -1 when unknown. "none" makes every unwaived finding fail. */
int scan_fail_on_from_name(const char *name, enum scan_severity *threshold);

struct scan_options {
	enum scan_severity fail_on; /* unwaived findings at or above it fail the scan */
	const char *today;          /* "YYYY-MM-DD": waivers expiring before it are expired */
};

/* One SBOM to scan, under its service's name (NULL: no service; service-bound waivers then
 * never apply to it). */
struct scan_input {
	const char *service;
	const struct sbom *sbom;
};

struct scan_waiver_ref {
	char *id;          /* the waiver's id as written (the record's id or an alias) */
	char *service;     /* or NULL */
	char *component;   /* purl prefix */
	char *reason;
	char *approved_by; /* or NULL */
	char *expires;     /* "YYYY-MM-DD" */
};

struct scan_finding {
	char *id;               /* the OSV record's id */
	char **aliases;
	size_t alias_count;
	char *summary;          /* or NULL */
	char *service;          /* or NULL */
	char *component;        /* sbom_component_label */
	char *purl;             /* the component's purl, as matched */
	char *installed;        /* the component's version */
	char *fixed;            /* the first fixed version of the matching range, or NULL */
	enum scan_severity severity;
	int score_tenths;       /* 75 for 7.5, or -1 when no vector was scored */
	char *vector;           /* the scored vector, or NULL */
	struct scan_waiver_ref *waived_by;      /* the unexpired waiver that accepts it, or NULL */
	struct scan_waiver_ref *expired_waiver; /* an expired waiver that would have, or NULL */
	bool fails;             /* unwaived and at or above fail_on */
	size_t input_index;     /* which scan_input held the component */
	char *pointer;          /* the component's JSON Pointer in that SBOM */
};

struct scan_result {
	struct scan_finding *findings; /* sorted by service, component, id */
	size_t finding_count, finding_alloc;
	struct scan_waiver_ref *expired_waivers; /* every expired waiver, file order */
	size_t expired_waiver_count, expired_waiver_alloc;
	char **notes;                  /* sorted, unique: skipped GIT ranges, unknown ecosystems... */
	size_t note_count, note_alloc;
	size_t component_count;        /* components scanned */
	size_t waived_count;
	size_t failing_count;
	enum scan_severity fail_on;
	bool failed;                   /* failing_count > 0 */
};

void scan_result_init(struct scan_result *result);
void scan_result_release(struct scan_result *result);

/* Scans every input against the db. `waivers` is enrichment.yaml's `waivers` array as JSON
 * (or NULL). Matching: the component's purl type gives the OSV ecosystem (golang -> Go, npm,
 * pypi -> PyPI, deb -> Debian, maven -> Maven, apk -> Alpine, cargo -> crates.io, gem ->
 * RubyGems, nuget -> NuGet, composer -> Packagist, hex -> Hex, pub -> Pub, swift -> SwiftURL);
 * the name is namespace/name (maven namespace:name); a component without a purl or version is
 * not matched (noted). A version is affected when listed in versions[] or inside a SEMVER or
 * ECOSYSTEM range (introduced <= v < fixed, v <= last_affected, v < limit); Go versions match
 * with or without 'v'. 0, or -1 with *error set when a waiver is malformed. */
int scan_run(const struct osv_db *db, const struct scan_input *inputs, size_t input_count,
	     const json_t *waivers, const struct scan_options *options, struct scan_result *result,
	     char **error);

/* The OSV package a component is looked up as: 0 with *ecosystem ("Go", "npm", ...) and *name
 * (both the caller's to free), or -1 when it has no purl, an invalid one, or a purl type with
 * no OSV ecosystem. With osv_package_set_add, what osv_db_parse_only needs to keep. */
int scan_component_package(const struct sbom_component *component, char **ecosystem, char **name);

/* osv_db_parse_only over the packages of every component of the SBOMs: the database keeps only
 * the records a scan of them can match. 0, or -1 with *error as osv_db_parse_only sets it. */
int scan_read_database_for(struct osv_db *db, const char *bytes, size_t length, const struct sbom *sboms,
			   size_t sbom_count, char **error);

/* True when the version is affected by the entry (versions[] or a range); *fixed (when not
 * NULL) gets the matching range's fixed version or NULL; notes about skipped ranges are
 * added to result when not NULL. Exposed for tests. */
bool scan_version_affected(const struct osv_affected *affected, const char *version, const char **fixed,
			   struct scan_result *result);

/* The result as JSON (a new reference):
 * {"fail_on","failed","summary":{"components","findings","waived","failing","by_severity":{..}},
 *  "findings":[{"id","aliases","summary","service","component","purl","installed","fixed",
 *  "severity","score","vector","waived_by","expired_waiver","fails"}],
 *  "expired_waivers":[...], "notes":[...]}; absent values are null. */
json_t *scan_result_to_json(const struct scan_result *result);

/* The result for people, one finding a line, then waivers, notes and a summary line. */
void scan_result_format_text(const struct scan_result *result, struct strbuf *out);

#endif
