/* Placeholder until this backend lands: it emits nothing yet. */
#include "emit.h"

#include "banned.h"

void emit_grafana_dashboards(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	(void)context;
	(void)output;
	(void)diags;
}
