/* Whole-tree checks: the entry point the lint and build commands call after loading. Reads the
 * model, resolves every name through the symbol table, then runs each lint rule family. */
#include "check.h"

#include "lint.h"
#include "model.h"
#include "resolve.h"
#include "banned.h"

size_t check_project(const struct project *project, const struct check_options *options, struct diag_list *diags)
{
	(void)options; /* date rules (secret rotation, waiver expiry) come with the rules engine */
	size_t errors_before = diag_count(diags, DIAG_ERROR);
	struct model model;
	model_init(&model);
	model_read(&model, project);
	struct xref_table table;
	xref_table_init(&table);
	xref_build(&table, &model, project, diags);
	xref_resolve_all(&table, &model, project, diags);

	struct lint_context context = { &model, &table, project };
	lint_stages(&context, diags);
	lint_thresholds(&context, diags);
	lint_coverage(&context, diags);

	xref_report_unused(&table, &model, diags);
	xref_table_release(&table);
	model_release(&model);
	return diag_count(diags, DIAG_ERROR) - errors_before;
}
