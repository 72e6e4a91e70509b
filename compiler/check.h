/* Whole-tree checks after every file is loaded and schema-valid: build the typed model, resolve
 * every cross-file name through one symbol table, and run the structural and coverage rules.
 * Only files that loaded and validated take part; others already have their diagnostics. */
#ifndef GOOSE_CHECK_H
#define GOOSE_CHECK_H

#include <stdbool.h>
#include <time.h>

#include "diag.h"
#include "project.h"

struct check_options {
	time_t now; /* "now" for date rules: --now, else SOURCE_DATE_EPOCH, else the clock */
};

/* Appends every finding to `diags`. Returns the number of error-severity findings. */
size_t check_project(const struct project *project, const struct check_options *options, struct diag_list *diags);

#endif
