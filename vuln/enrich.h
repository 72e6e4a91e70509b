/* SBOM enrichment: the rules of security/sbom/enrichment.yaml (given as its JSON tree) fill in a
 * component's missing supplier, licences and purl in place, and say what they changed.
 *
 * A pure function over jansson trees, so goosec build and goose-run's sbom.scan step enrich
 * exactly alike. Ownership: a struct enrich_report owns its strings; errors returned through
 * `char **error` are the caller's to free. jansson and libc only. */
#ifndef GOOSE_ENRICH_H
#define GOOSE_ENRICH_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sbom.h"

/* One change, for printing: "component github.com/go-chi/chi/v5@v5.0.12: licenses set to [MIT]",
 * "... supplier set to 'go-chi'", "... purl set to 'pkg:npm/pino@8.19.0'"; with force, "...
 * licenses changed from [ISC] to [MIT]". */
struct enrich_change {
	char *component; /* sbom_component_label */
	char *field;     /* "licenses", "supplier" or "purl" */
	char *message;   /* the whole line, without a trailing newline */
};

struct enrich_report {
	struct enrich_change *changes; /* in component order, then rule order */
	size_t change_count, change_alloc;
};

void enrich_report_init(struct enrich_report *report);
void enrich_report_release(struct enrich_report *report);

/* Applies the enrichment document to the SBOM of `service`:
 *  - a purl is synthesised first for a component without one when the service's entry of
 *    `sboms[]` names a `purl_type` (from group, name and version; golang versions get a 'v');
 *  - then every rule of `rules[]` whose `match` (purl glob and/or name glob, '*' matching any
 *    characters; the purl glob is tried against the purl with and without its version) matches
 *    fills the fields of `set` the component lacks; later rules never override earlier ones;
 *  - with `force`, values already in the SBOM are replaced (and the change says from what).
 * The document is edited in place (CycloneDX: licenses[].license.id, supplier{name,url},
 * purl; SPDX: licenseDeclared, supplier "Organization: X", externalRefs purl), then the
 * component list is reloaded. service may be NULL (no purl_type). Changes are appended to
 * *report. 0, or -1 with *error set when the enrichment document is malformed (it is meant to
 * have passed its schema; goose-run reads it unchecked). */
int enrich_sbom(struct sbom *sbom, const json_t *enrichment, const char *service, bool force,
		struct enrich_report *report, char **error);

/* '*' matches any run of characters (also '/'); everything else literally. */
bool enrich_glob_match(const char *pattern, const char *text);

#endif
