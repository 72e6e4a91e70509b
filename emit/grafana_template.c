/* Structural template filling for dashboards: walks the JSON tree and swaps placeholder nodes
 * for bound values; PromQL label values are escaped as PromQL strings, never spliced raw. */
#include "grafana_template.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

void grafana_bindings_init(struct grafana_bindings *bindings)
{
	memset(bindings, 0, sizeof(*bindings));
}

void grafana_bindings_release(struct grafana_bindings *bindings)
{
	for (size_t i = 0; i < bindings->count; i++) {
		free(bindings->items[i].name);
		json_decref(bindings->items[i].value);
		free(bindings->items[i].promql);
	}
	free(bindings->items);
	grafana_bindings_init(bindings);
}

static struct grafana_binding *add_binding(struct grafana_bindings *bindings, const char *name)
{
	ALLOC_GROW(bindings->items, bindings->count + 1, bindings->alloc);
	struct grafana_binding *binding = &bindings->items[bindings->count++];
	memset(binding, 0, sizeof(*binding));
	binding->name = xstrdup(name);
	return binding;
}

void grafana_bind_value(struct grafana_bindings *bindings, const char *name, json_t *value)
{
	add_binding(bindings, name)->value = value;
}

void grafana_bind_label(struct grafana_bindings *bindings, const char *name, const char *label_value)
{
	struct grafana_binding *binding = add_binding(bindings, name);
	binding->value = json_string(label_value);
	struct strbuf quoted;
	strbuf_init(&quoted);
	grafana_promql_quote(&quoted, label_value);
	binding->promql = strbuf_detach(&quoted, NULL);
}

void grafana_bind_promql(struct grafana_bindings *bindings, const char *name, const char *promql)
{
	add_binding(bindings, name)->promql = xstrdup(promql);
}

void grafana_promql_quote(struct strbuf *out, const char *value)
{
	strbuf_addch(out, '"');
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		switch (*c) {
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				strbuf_addf(out, "\\x%02x", *c);
			else
				strbuf_addch(out, (char)*c); /* UTF-8 passes through: PromQL strings are UTF-8 */
		}
	}
	strbuf_addch(out, '"');
}

static const struct grafana_binding *find_binding(const struct grafana_bindings *bindings, const char *name,
						  size_t length)
{
	for (size_t i = 0; i < bindings->count; i++)
		if (strlen(bindings->items[i].name) == length && memcmp(bindings->items[i].name, name, length) == 0)
			return &bindings->items[i];
	return NULL;
}

/* The NAME of a string that is exactly "${NAME}", or NULL. */
static const char *whole_placeholder(const char *text, size_t *length)
{
	size_t total = strlen(text);
	if (total < 4 || text[0] != '$' || text[1] != '{' || text[total - 1] != '}')
		return NULL;
	if (memchr(text + 2, '}', total - 3) || memchr(text + 2, '$', total - 3))
		return NULL;
	*length = total - 3;
	return text + 2;
}

/* Replaces each "${NAME}" of an expr with the binding's PromQL text; NULL with `*error` set when
 * a name has no PromQL binding. */
static char *fill_expr(const char *expr, const struct grafana_bindings *bindings, char **error)
{
	struct strbuf filled;
	strbuf_init(&filled);
	const char *cursor = expr;
	for (const char *start; (start = strstr(cursor, "${")) != NULL;) {
		const char *end = strchr(start + 2, '}');
		if (!end)
			break;
		const struct grafana_binding *binding = find_binding(bindings, start + 2, (size_t)(end - start - 2));
		if (!binding || !binding->promql) {
			*error = xasprintf("no value for '%.*s' in expr '%s'", (int)(end - start + 1), start, expr);
			strbuf_release(&filled);
			return NULL;
		}
		strbuf_add(&filled, cursor, (size_t)(start - cursor));
		strbuf_addstr(&filled, binding->promql);
		cursor = end + 1;
	}
	strbuf_addstr(&filled, cursor);
	return strbuf_detach(&filled, NULL);
}

/* The value to put in place of string node `node`, or NULL to keep it (a new reference). */
static int replacement_for(const json_t *node, bool in_expr, const struct grafana_bindings *bindings,
			   json_t **replacement, char **error)
{
	*replacement = NULL;
	const char *text = json_string_value(node);
	size_t length;
	const char *name = whole_placeholder(text, &length);
	if (name && !in_expr) {
		const struct grafana_binding *binding = find_binding(bindings, name, length);
		if (!binding || !binding->value) {
			*error = xasprintf("no value for '%s'", text);
			return -1;
		}
		*replacement = json_deep_copy(binding->value);
		return 0;
	}
	if (in_expr && strstr(text, "${")) {
		char *filled = fill_expr(text, bindings, error);
		if (!filled)
			return -1;
		*replacement = json_string(filled);
		free(filled);
	}
	return 0;
}

static int fill_node(json_t *node, const struct grafana_bindings *bindings, char **error)
{
	if (json_is_object(node)) {
		const char *key;
		json_t *child;
		json_object_foreach(node, key, child) {
			json_t *replacement = NULL;
			if (json_is_string(child)) {
				if (replacement_for(child, strcmp(key, "expr") == 0, bindings, &replacement, error) != 0)
					return -1;
				if (replacement)
					json_object_set_new(node, key, replacement);
			} else if (fill_node(child, bindings, error) != 0) {
				return -1;
			}
		}
	} else if (json_is_array(node)) {
		for (size_t i = 0; i < json_array_size(node); i++) {
			json_t *child = json_array_get(node, i);
			json_t *replacement = NULL;
			if (json_is_string(child)) {
				if (replacement_for(child, false, bindings, &replacement, error) != 0)
					return -1;
				if (replacement)
					json_array_set_new(node, i, replacement);
			} else if (fill_node(child, bindings, error) != 0) {
				return -1;
			}
		}
	}
	return 0;
}

int grafana_template_fill(json_t *document, const struct grafana_bindings *bindings, char **error)
{
	*error = NULL;
	/* a document that is itself one placeholder is not a template */
	if (!json_is_object(document) && !json_is_array(document)) {
		*error = xstrdup("a template must be a JSON object or array");
		return -1;
	}
	return fill_node(document, bindings, error);
}
