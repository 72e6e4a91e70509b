/* libFuzzer entry for the PromQL parser: parse any bytes, then walk the tree the ways later
 * phases do (metric names, label propagation). Any crash, hang, leak or sanitizer report is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "promql.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_name(const char *name, size_t offset, void *context)
{
	size_t *count = context;
	*count += name[0] != '\0' || offset == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct promql_expr expr;
	promql_expr_init(&expr);
	if (promql_parse(&expr, (const char *)data, size) == 0) {
		size_t names = 0;
		promql_metric_names(expr.root, count_name, &names);
		promql_may_carry_label(expr.root, "account_id", NULL, NULL);
		promql_may_carry_label(expr.root, "le", NULL, NULL);
	}
	promql_expr_release(&expr);
	return 0;
}
