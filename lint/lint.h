/* The structural and coverage rules that run on the resolved model: one function per rule
 * family, one file per family (stages.c, thresholds.c, coverage.c). Each appends findings to a
 * diag_list under stable rule ids that `goosec explain` documents. */
#ifndef GOOSE_LINT_H
#define GOOSE_LINT_H

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

#endif
