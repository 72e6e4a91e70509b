/* Plain Prometheus rule files checked as promtool 2.42 checks them (`goosec check rules`), and
 * the PromQL and Go-template checks the tree rules share, with positions inside YAML scalars. */
#ifndef GOOSE_RULEFILE_H
#define GOOSE_RULEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "promql.h"

/* Loads `path` and reports every problem promtool 2.42 reports (and a warning for duplicate
 * rules, as promtool prints). Returns the number of errors. */
size_t rulefile_check(const char *path, struct diag_list *diags);

/* Parses the expression `value` (a string value of the file whose text is `source_text`) into
 * `parsed` and reports a failure as promql-syntax, promql-type or promql-selector at the exact
 * position inside the scalar. `require_instant`: a rule or query result must be an instant
 * vector or a scalar (promql-type otherwise). `subject` names the expression in messages
 * ("alert 'X'"). Returns 0 when `parsed` holds a valid expression, else -1. */
int rulefile_check_expression(struct promql_expr *parsed, const struct model_text *value, const char *source_text,
			      size_t source_length, bool require_instant, const char *subject, struct diag_list *diags);

/* Checks a label or annotation value as a Go text/template with Prometheus' alert functions and
 * variables ($labels, $value, $externalLabels, $externalURL). Returns 0, or -1 with a message
 * in `buffer`. */
int rulefile_check_template(const char *text, char *buffer, size_t buffer_size);

/* Calls `found` for every `$labels.NAME` (and `.Labels.NAME`) a template reads, with the byte
 * index of NAME. */
void rulefile_template_labels(const char *text, void (*found)(const char *name, size_t length, size_t offset, void *context),
			      void *context);

#endif
