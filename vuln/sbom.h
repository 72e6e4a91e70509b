/* Software bills of materials: CycloneDX 1.5/1.6 JSON and SPDX 2.3 JSON read into one flat
 * component list, so enrichment and the vulnerability scan never care which format came in.
 *
 * Ownership: a struct sbom holds one reference to its JSON document and owns every string of
 * its component list (copies, so editing the document never leaves a component dangling).
 * A component's `object` is borrowed from the document: enrichment edits it in place, then
 * calls sbom_reload so the list shows the edit. Errors returned through `char **error` are the
 * caller's to free. jansson and libc only: goose-run links this too. */
#ifndef GOOSE_SBOM_H
#define GOOSE_SBOM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum sbom_format {
	SBOM_CYCLONEDX, /* bomFormat "CycloneDX", specVersion 1.5 or 1.6 (1.2 to 1.4 read alike) */
	SBOM_SPDX,      /* spdxVersion "SPDX-2.3" (2.2 read alike) */
};

/* How a licence is written: CycloneDX license.id, license.name or expression; SPDX always an
 * expression (licenseConcluded, else licenseDeclared). */
enum sbom_license_form {
	SBOM_LICENSE_ID,         /* one SPDX id */
	SBOM_LICENSE_NAME,       /* a free name ("Apache License 2.0"), not SPDX syntax */
	SBOM_LICENSE_EXPRESSION, /* an SPDX license expression */
};

struct sbom_license {
	char *text;
	enum sbom_license_form form;
	char *pointer; /* JSON Pointer of the string in the document */
};

struct sbom_component {
	char *ref;       /* CycloneDX bom-ref or SPDX SPDXID, or NULL */
	char *name;      /* never NULL (a component without a name is an error) */
	char *group;     /* CycloneDX group, or NULL */
	char *version;   /* or NULL */
	char *purl;      /* as written in the document, or NULL */
	char *supplier;  /* the supplier's name (SPDX "Organization: X" gives X), or NULL */
	struct sbom_license *licenses; /* in document order */
	size_t license_count, license_alloc;
	json_t *object;  /* borrowed: the component's object inside sbom->document */
	char *pointer;   /* JSON Pointer of the object in the document ("/components/3") */
};

struct sbom {
	enum sbom_format format;
	char *spec_version;                 /* "1.6", "SPDX-2.3" */
	json_t *document;                   /* one reference owned */
	struct sbom_component *components;  /* document order, nested CycloneDX components after
					       their parent (depth first); the metadata component
					       (the product itself) is not listed */
	size_t component_count, component_alloc;
};

void sbom_init(struct sbom *sbom);
void sbom_release(struct sbom *sbom); /* frees the list, drops the document reference */

/* Reads a parsed document (takes a new reference to it; the caller keeps its own). 0, or -1
 * with *error set to a lowercase one-line message naming the JSON Pointer at fault
 * ("/components/2/name: expected a string"). On failure the sbom is left released. */
int sbom_read(struct sbom *sbom, json_t *document, char **error);

/* Parses JSON bytes (strict: duplicate keys and trailing data refused), then sbom_read. On a
 * syntax error *error is "line L column C: message". */
int sbom_parse(struct sbom *sbom, const char *bytes, size_t length, char **error);

/* Rebuilds the component list from the (edited) document. 0, or -1 with *error set. */
int sbom_reload(struct sbom *sbom, char **error);

/* Whether an SPDX document describes the package `id` (documentDescribes, or a DESCRIBES
 * relationship from the document): the product itself, not one of its components. */
bool sbom_spdx_describes(const json_t *document, const char *id);

/* "name@version" (or "name" when there is no version); the caller frees it. With a group:
 * "group/name@version". Used in change lists and findings. */
char *sbom_component_label(const struct sbom_component *component);

#endif
