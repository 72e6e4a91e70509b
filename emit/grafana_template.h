/* Dashboard templates filled structurally: values are substituted into the parsed JSON tree,
 * never into its text, so the output is always valid JSON and no value can add structure.
 *
 * Two kinds of placeholder:
 * - a string node that is exactly "${NAME}" is replaced by the binding's JSON value (a copy; it
 *   may be a string, a number, an object...);
 * - inside the string of an "expr" member (a PromQL query), "${NAME}" is replaced by the
 *   binding's PromQL text: a label value bound with grafana_binding_label is written as a
 *   quoted PromQL string with '\\', '"' and control characters escaped.
 * A placeholder without a binding is an error: a template and its emitter must agree. */
#ifndef GOOSE_GRAFANA_TEMPLATE_H
#define GOOSE_GRAFANA_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "util.h"

struct grafana_binding {
	char *name;
	json_t *value;      /* for whole-node placeholders; NULL when the name is for exprs only */
	char *promql;       /* for placeholders inside exprs; NULL when the name is for nodes only */
};

struct grafana_bindings {
	struct grafana_binding *items;
	size_t count, alloc;
};

void grafana_bindings_init(struct grafana_bindings *bindings);
void grafana_bindings_release(struct grafana_bindings *bindings);

/* Binds NAME to a JSON value (steals the reference). */
void grafana_bind_value(struct grafana_bindings *bindings, const char *name, json_t *value);
/* Binds NAME to a string: the node value, and the PromQL string literal of it inside exprs. */
void grafana_bind_label(struct grafana_bindings *bindings, const char *name, const char *label_value);
/* Binds NAME to PromQL text used as is inside exprs (an authored, checked expression or a number). */
void grafana_bind_promql(struct grafana_bindings *bindings, const char *name, const char *promql);

/* `value` as a PromQL double-quoted string literal, appended to `out`. */
void grafana_promql_quote(struct strbuf *out, const char *value);

/* Fills every placeholder of `document` in place. Returns 0, or -1 with `*error` (malloc'd)
 * naming the first placeholder that has no binding. */
int grafana_template_fill(json_t *document, const struct grafana_bindings *bindings, char **error);

#endif
