/* Whole-tree checks: the entry point the lint and build commands call after loading. */
#include "check.h"

#include "banned.h"

size_t check_project(const struct project *project, const struct check_options *options, struct diag_list *diags)
{
	(void)project;
	(void)options;
	(void)diags;
	return 0; /* the model, resolver and rules plug in here */
}
