/* The list of backends `goosec build` runs, in order. A backend is a pure function from the
 * checked model to files; this is the one place that names them all. */
#include "emit.h"

#include "banned.h"

void emit_all(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	emit_prometheus_rules(context, output, diags);
	emit_promtool_tests(context, output, diags);
	emit_grafana_dashboards(context, output, diags);
	emit_pipeline_monitoring(context, output, diags);
	emit_plans(context, output, diags);
	emit_enriched_sboms(context, output, diags);
}
