/* Whole-tree checks: the entry point the lint and build commands call after loading. Reads the
 * model, resolves every name through the symbol table, then runs each lint rule family. */
#include "check.h"

#include "lint.h"
#include "model.h"
#include "resolve.h"
#include "banned.h"

void analysis_init(struct analysis *analysis)
{
	model_init(&analysis->model);
	xref_table_init(&analysis->table);
}

void analysis_release(struct analysis *analysis)
{
	xref_table_release(&analysis->table);
	model_release(&analysis->model);
}

size_t check_project(const struct project *project, const struct check_options *options, struct analysis *analysis,
		     struct diag_list *diags)
{
	size_t errors_before = diag_count(diags, DIAG_ERROR);
	struct analysis local;
	struct analysis *result = analysis;
	if (!result) {
		analysis_init(&local);
		result = &local;
	}
	model_read(&result->model, project);
	xref_build(&result->table, &result->model, project, diags);
	xref_resolve_all(&result->table, &result->model, project, diags);

	struct lint_context context = { &result->model, &result->table, project, options ? options->now : 0 };
	lint_stages(&context, diags);
	lint_time_zones(&context, diags);
	lint_thresholds(&context, diags);
	lint_coverage(&context, diags);
	lint_sensitive_labels(&context, diags);
	lint_secrets(&context, diags);
	lint_compliance(&context, diags);
	lint_secret_rotation(&context, diags);
	lint_sbom_licenses(&context, diags);

	xref_report_unused(&result->table, &result->model, diags);
	if (!analysis)
		analysis_release(&local);
	return diag_count(diags, DIAG_ERROR) - errors_before;
}
