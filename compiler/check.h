/* Whole-tree checks after every file is loaded and schema-valid: build the typed model, resolve
 * every cross-file name through one symbol table, and run the structural and coverage rules.
 * Only files that loaded and validated take part; others already have their diagnostics. */
#ifndef GOOSE_CHECK_H
#define GOOSE_CHECK_H

#include <stdbool.h>
#include <time.h>

#include "diag.h"
#include "model.h"
#include "project.h"
#include "resolve.h"

struct check_options {
	time_t now; /* "now" for date rules: --now, else SOURCE_DATE_EPOCH, else the clock */
};

/* What the checks built, kept for the emitters: the typed model and the resolved symbol table.
 * Ownership: released together by analysis_release, before the project they borrow from. */
struct analysis {
	struct model model;
	struct xref_table table;
};

void analysis_init(struct analysis *analysis);
void analysis_release(struct analysis *analysis);

/* Appends every finding to `diags` and returns the number of error-severity findings. When
 * `analysis` is not NULL (initialised by the caller) the model and symbol table are left in it. */
size_t check_project(const struct project *project, const struct check_options *options, struct analysis *analysis,
		     struct diag_list *diags);

#endif
