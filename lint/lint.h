/* The structural and coverage rules that run on the resolved model: one function per rule
 * family, one file per family (stages.c, thresholds.c, coverage.c, compliance.c, rotation.c).
 * Each appends findings to a diag_list under stable rule ids that `goosec explain` documents. */
#ifndef GOOSE_LINT_H
#define GOOSE_LINT_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "diag.h"
#include "model.h"
#include "project.h"
#include "resolve.h"

/* What every family reads: the model, the resolved symbol table (lookups only; a family may
 * count uses) and the project for file paths. */
struct lint_context {
	const struct model *model;
	struct xref_table *table;
	const struct project *project;
	time_t now; /* "now" for date rules (check_options.now) */
};

/* Stages form one chain from one root: no gap, cycle, fork or second root; names match files. */
void lint_stages(const struct lint_context *context, struct diag_list *diags);

/* Levels ordered by direction, SLO objectives and windows in range, and every use of a threshold
 * asks for a level it has, in a unit that fits the metric. */
void lint_thresholds(const struct lint_context *context, struct diag_list *diags);

/* "All alerts configured": every service has a threshold-backed alert and a dashboard, every
 * alert a runbook and a severity. */
void lint_coverage(const struct lint_context *context, struct diag_list *diags);

/* No alert, recording rule or dashboard query may return a series that can still carry one of
 * goose.yaml's sensitive_labels, and no alert may set one or show it in a template. */
void lint_sensitive_labels(const struct lint_context *context, struct diag_list *diags);

/* Secret scanning (secrets.c): every text file of the tree under the project root, except .git,
 * .goosec-cache, node_modules, the output folder, symlinks, binary and oversized files and what
 * the root's .goosecignore lists, against the built-in rules of secret_rules.c. */
void lint_secrets(const struct lint_context *context, struct diag_list *diags);

/* The rules of security/policies/compliance-rules.yaml: forbidden PCRE2 patterns over the text of
 * the files they select, and `require` conditions at JSON Pointer paths of the documents of a
 * kind (narrowed by `where`). A finding carries the compliance rule's own id and severity. */
void lint_compliance(const struct lint_context *context, struct diag_list *diags);

/* Called by compliance_pointer_walk for each value a pointer reaches (`value` not NULL) and for
 * each branch that stops short (`value` NULL): `pointer` is the concrete JSON Pointer, wildcards
 * replaced, and for a missing value the rest of the path as written. */
typedef void (*compliance_visit)(const json_t *value, const char *pointer, void *opaque);

/* Walks `pointer` (RFC 6901; a segment `*` matches every element of an array and every member
 * of an object) from `root`. Returns the number of visits, or -1 when `pointer` is not a JSON
 * Pointer (neither empty nor starting with '/'). */
int compliance_pointer_walk(const json_t *root, const char *pointer, compliance_visit visit, void *opaque);

/* The licence policy of enrichment.yaml (deny, allow, unknown) over the enriched SBOMs, and
 * waivers past their expiry (licenses.c). */
void lint_sbom_licenses(const struct lint_context *context, struct diag_list *diags);

/* Every off-peak window names a real IANA time zone (time_zones.c: the names of tzdata, compiled
 * in, so a machine without tzdata lints the same). */
void lint_time_zones(const struct lint_context *context, struct diag_list *diags);
bool lint_time_zone_is_known(const char *name);

/* secret-rotation.yaml against `now`: past last_rotated + max_age is an error, inside
 * warn_before of it a warning, a last rotation after now an error. */
void lint_secret_rotation(const struct lint_context *context, struct diag_list *diags);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (no gmtime: it is banned). */
long long rotation_days_from_civil(int year, int month, int day);
void rotation_civil_from_days(long long days, int *year, int *month, int *day);

#endif
