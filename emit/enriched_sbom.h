/* The tree's SBOMs enriched per security/sbom/enrichment.yaml, from the loaded project (no file
 * system): what `goosec build` writes to security/sbom/<service>.cdx.json (.spdx.json for an
 * SPDX SBOM, written back in its own format) and what the licence policy of lint reads.
 *
 * Ownership: a set owns its SBOM copies and change reports; services and files are borrowed
 * from the model and project, which must outlive it. */
#ifndef GOOSE_ENRICHED_SBOM_H
#define GOOSE_ENRICHED_SBOM_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "enrich.h"
#include "model.h"
#include "project.h"
#include "sbom.h"

struct enriched_sbom {
	const char *service;              /* borrowed */
	const struct project_file *file;  /* the SBOM's file in the tree (borrowed) */
	const struct project_file *enrichment; /* the enrichment file that named it (borrowed) */
	struct sbom sbom;                 /* a deep copy of the file's document, enriched */
	struct enrich_report report;      /* what enrichment changed */
};

struct enriched_sbom_set {
	struct enriched_sbom *items; /* enrichment file order, then its sboms[] order */
	size_t count, alloc;
};

void enriched_sbom_set_init(struct enriched_sbom_set *set);
void enriched_sbom_set_release(struct enriched_sbom_set *set);

/* Reads and enriches (overwriting existing values when `force`) every SBOM the enrichment
 * files name. A service without an SBOM, or an SBOM file that did not load, is skipped (the
 * resolver and loader report those); an SBOM goosec cannot read or an enrichment it cannot
 * apply is an error diagnostic ("sbom-invalid", "sbom-enrichment-invalid") at its position. */
void enriched_sbom_set_build(const struct project *project, const struct model *model, bool force,
			     struct enriched_sbom_set *set, struct diag_list *diags);

/* Where a JSON Pointer of a tree file is (nearest existing ancestor); line and col are 0 when unknown. */
void enriched_sbom_position(const struct project_file *file, const char *pointer, int *line, int *col);

#endif
