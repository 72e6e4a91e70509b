/* `goosec check rules`: the rule-group format of Prometheus 2.42 (rulefmt), its PromQL and its
 * label and annotation templates, reported with exact positions; shared expression checks. */
#include "rulefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "resolve.h"
#include "util.h"
#include "banned.h"

/* ---- expressions ---- */

static const char *error_rule(enum promql_error_kind kind)
{
	switch (kind) {
	case PROMQL_ERROR_TYPE:
		return "promql-type";
	case PROMQL_ERROR_SELECTOR:
		return "promql-selector";
	default:
		return "promql-syntax";
	}
}

int rulefile_check_expression(struct promql_expr *parsed, const struct model_text *value, const char *source_text,
			      size_t source_length, bool require_instant, const char *subject, struct diag_list *diags)
{
	if (promql_parse(parsed, value->text, strlen(value->text)) != 0) {
		struct model_location at =
			xref_location_inside(source_text, source_length, value, parsed->error_offset);
		diag_add(diags, DIAG_ERROR, error_rule(parsed->error_kind), at.file, at.line, at.col, "%s: %s", subject,
			 parsed->error_message);
		return -1;
	}
	enum promql_value_type type = parsed->root->type;
	if (require_instant && type != PROMQL_TYPE_VECTOR && type != PROMQL_TYPE_SCALAR) {
		struct diag *diag = diag_add(diags, DIAG_ERROR, "promql-type", value->location.file, value->location.line,
					     value->location.col, "%s: the expression is a %s, not an instant vector or scalar",
					     subject, promql_type_name(type));
		if (type == PROMQL_TYPE_MATRIX)
			diag_set_hint(diag, "wrap the range in a function such as rate(...) or max_over_time(...)");
		return -1;
	}
	return 0;
}

/* ---- Go templates: a checker for the subset Prometheus alert templates use ---- */

static const char *const template_functions[] = {
	/* text/template */
	"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery",
	"eq", "ge", "gt", "le", "lt", "ne",
	/* Prometheus 2.42 template/template.go */
	"query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
	"toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "humanize", "humanize1024",
	"humanizeDuration", "humanizePercentage", "humanizeTimestamp", "pathPrefix", "externalURL",
	"parseDuration", "toTime",
};

static bool template_function_known(const char *name, size_t length)
{
	for (size_t i = 0; i < sizeof(template_functions) / sizeof(template_functions[0]); i++)
		if (strlen(template_functions[i]) == length && strncmp(template_functions[i], name, length) == 0)
			return true;
	return false;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

enum { TEMPLATE_MAX_NESTING = 64, TEMPLATE_MAX_VARIABLES = 64 };

struct template_state {
	const char *blocks[TEMPLATE_MAX_NESTING]; /* "if", "range", ... */
	size_t depth;
	const char *variables[TEMPLATE_MAX_VARIABLES];
	size_t variable_lengths[TEMPLATE_MAX_VARIABLES];
	size_t variable_count;
};

static bool variable_known(const struct template_state *state, const char *name, size_t length)
{
	static const char *const predeclared[] = { "$", "$labels", "$value", "$externalLabels", "$externalURL" };
	for (size_t i = 0; i < sizeof(predeclared) / sizeof(predeclared[0]); i++)
		if (strlen(predeclared[i]) == length && strncmp(predeclared[i], name, length) == 0)
			return true;
	for (size_t i = 0; i < state->variable_count; i++)
		if (state->variable_lengths[i] == length && strncmp(state->variables[i], name, length) == 0)
			return true;
	return false;
}

/* Checks one action's inside (between the delimiters, trim markers removed). */
static int check_action(struct template_state *state, const char *action, size_t length, char *buffer,
			size_t buffer_size)
{
	size_t i = 0;
	while (i < length && (action[i] == ' ' || action[i] == '\t' || action[i] == '\n' || action[i] == '\r'))
		i++;
	if (i + 1 < length && action[i] == '/' && action[i + 1] == '*') {
		if (length < i + 4 || action[length - 2] != '*' || action[length - 1] != '/') {
			snprintf(buffer, buffer_size, "unclosed comment");
			return -1;
		}
		return 0;
	}
	if (i == length) {
		snprintf(buffer, buffer_size, "missing value for command");
		return -1;
	}
	int parens = 0;
	bool command_start = true;
	size_t word_index = 0;
	while (i < length) {
		char c = action[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		if (c == '"' || c == '`' || c == '\'') {
			size_t k = i + 1;
			while (k < length && action[k] != c) {
				if (c != '`' && action[k] == '\\')
					k++;
				if (c != '`' && k < length && action[k] == '\n')
					break;
				k++;
			}
			if (k >= length || action[k] != c) {
				snprintf(buffer, buffer_size, "unterminated quoted string");
				return -1;
			}
			i = k + 1;
			command_start = false;
			word_index++;
			continue;
		}
		if (c == '(') {
			parens++;
			i++;
			command_start = true;
			continue;
		}
		if (c == ')') {
			if (--parens < 0) {
				snprintf(buffer, buffer_size, "unexpected right paren");
				return -1;
			}
			i++;
			command_start = false;
			continue;
		}
		if (c == '|') {
			i++;
			command_start = true;
			continue;
		}
		if (c == ':' && i + 1 < length && action[i + 1] == '=') {
			i += 2;
			command_start = true;
			continue;
		}
		if (c == '=' || c == ',') {
			i++;
			command_start = true;
			continue;
		}
		size_t start = i;
		if (c == '$') {
			i++;
			while (i < length && is_word_char(action[i]))
				i++;
			size_t name_length = i - start;
			size_t k = i;
			while (k < length && action[k] == ' ')
				k++;
			bool declared = (k + 1 < length && action[k] == ':' && action[k + 1] == '=') ||
					(k < length && action[k] == ',');
			if (declared) {
				if (state->variable_count < TEMPLATE_MAX_VARIABLES) {
					state->variables[state->variable_count] = action + start;
					state->variable_lengths[state->variable_count++] = name_length;
				}
			} else if (!variable_known(state, action + start, name_length)) {
				snprintf(buffer, buffer_size, "undefined variable '%.*s'", (int)name_length, action + start);
				return -1;
			}
			while (i < length && (action[i] == '.' || is_word_char(action[i])))
				i++;
			command_start = false;
			word_index++;
			continue;
		}
		if (c == '.') {
			i++;
			while (i < length && (action[i] == '.' || is_word_char(action[i])))
				i++;
			command_start = false;
			word_index++;
			continue;
		}
		if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
			i++;
			while (i < length && (is_word_char(action[i]) || action[i] == '.' || action[i] == '+' || action[i] == '-'))
				i++;
			command_start = false;
			word_index++;
			continue;
		}
		if (!is_word_char(c)) {
			snprintf(buffer, buffer_size, "unexpected '%c' in command", c);
			return -1;
		}
		while (i < length && is_word_char(action[i]))
			i++;
		size_t word_length = i - start;
		const char *word = action + start;
#define WORD_IS(literal) (word_length == sizeof(literal) - 1 && strncmp(word, literal, word_length) == 0)
		if (word_index == 0 && parens == 0) {
			if (WORD_IS("if") || WORD_IS("range") || WORD_IS("with") || WORD_IS("define") || WORD_IS("block")) {
				if (state->depth == TEMPLATE_MAX_NESTING) {
					snprintf(buffer, buffer_size, "nested too deeply");
					return -1;
				}
				state->blocks[state->depth++] = WORD_IS("range") ? "range" : "block";
				word_index++;
				command_start = true;
				continue;
			}
			if (WORD_IS("end")) {
				if (state->depth == 0) {
					snprintf(buffer, buffer_size, "unexpected {{end}}");
					return -1;
				}
				state->depth--;
				word_index++;
				continue;
			}
			if (WORD_IS("else")) {
				if (state->depth == 0) {
					snprintf(buffer, buffer_size, "unexpected {{else}}");
					return -1;
				}
				word_index++;
				command_start = true;
				continue;
			}
			if (WORD_IS("break") || WORD_IS("continue")) {
				bool in_range = false;
				for (size_t d = 0; d < state->depth; d++)
					in_range |= strcmp(state->blocks[d], "range") == 0;
				if (!in_range) {
					snprintf(buffer, buffer_size, "{{%.*s}} outside {{range}}", (int)word_length, word);
					return -1;
				}
				word_index++;
				continue;
			}
			if (WORD_IS("template")) {
				word_index++;
				continue;
			}
		}
		if (!(WORD_IS("true") || WORD_IS("false") || WORD_IS("nil")) && command_start &&
		    !template_function_known(word, word_length)) {
			snprintf(buffer, buffer_size, "function '%.*s' not defined", (int)word_length, word);
			return -1;
		}
#undef WORD_IS
		command_start = false;
		word_index++;
	}
	if (parens != 0) {
		snprintf(buffer, buffer_size, "unclosed left paren");
		return -1;
	}
	return 0;
}

int rulefile_check_template(const char *text, char *buffer, size_t buffer_size)
{
	struct template_state state = { 0 };
	const char *cursor = text;
	for (;;) {
		const char *open = strstr(cursor, "{{");
		if (!open)
			break;
		const char *inside = open + 2;
		if (inside[0] == '-' && (inside[1] == ' ' || inside[1] == '\t' || inside[1] == '\n' || inside[1] == '\r'))
			inside += 2;
		/* the action ends at the first "}}" outside a quoted string */
		const char *close = inside;
		char quote = '\0';
		while (*close) {
			if (quote) {
				if (*close == '\\' && quote != '`' && close[1])
					close++;
				else if (*close == quote)
					quote = '\0';
			} else if (*close == '"' || *close == '`' || *close == '\'') {
				quote = *close;
			} else if (close[0] == '}' && close[1] == '}') {
				break;
			}
			close++;
		}
		if (!*close) {
			snprintf(buffer, buffer_size, "unclosed action");
			return -1;
		}
		const char *inside_end = close;
		if (inside_end - inside >= 2 && inside_end[-1] == '-' &&
		    (inside_end[-2] == ' ' || inside_end[-2] == '\t' || inside_end[-2] == '\n' || inside_end[-2] == '\r'))
			inside_end -= 2;
		if (inside_end < inside)
			inside_end = inside;
		if (check_action(&state, inside, (size_t)(inside_end - inside), buffer, buffer_size) != 0)
			return -1;
		cursor = close + 2;
	}
	if (state.depth) {
		snprintf(buffer, buffer_size, "unexpected EOF: an {{if}}, {{range}} or {{with}} has no {{end}}");
		return -1;
	}
	return 0;
}

void rulefile_template_labels(const char *text, void (*found)(const char *name, size_t length, size_t offset, void *context),
			      void *context)
{
	static const char *const prefixes[] = { "$labels.", ".Labels." };
	for (size_t p = 0; p < 2; p++) {
		size_t prefix_length = strlen(prefixes[p]);
		for (const char *at = strstr(text, prefixes[p]); at; at = strstr(at + 1, prefixes[p])) {
			if (p == 1 && at > text && (is_word_char(at[-1]) || at[-1] == '$'))
				continue; /* `$labels.Labels.x` or `foo.Labels.x` is not the alert's labels */
			const char *name = at + prefix_length;
			size_t length = 0;
			while (is_word_char(name[length]))
				length++;
			if (length)
				found(name, length, (size_t)(name - text), context);
		}
	}
	/* `index $labels "name"` */
	for (const char *at = strstr(text, "index $labels"); at; at = strstr(at + 1, "index $labels")) {
		const char *quote = at + strlen("index $labels");
		while (*quote == ' ')
			quote++;
		if (*quote != '"' && *quote != '`')
			continue;
		const char *end = strchr(quote + 1, *quote);
		if (end)
			found(quote + 1, (size_t)(end - quote - 1), (size_t)(quote + 1 - text), context);
	}
}

/* ---- rule files ---- */

struct rule_file {
	struct load_document document;
	struct diag_list *diags;
};

static void position_of(const struct rule_file *file, const char *pointer, bool key, int *line, int *col)
{
	const struct load_position *position = load_position_nearest(&file->document, pointer);
	if (key && position->has_key) {
		*line = position->key_line;
		*col = position->key_col;
	} else {
		*line = position->line;
		*col = position->col;
	}
}

static struct diag *report(struct rule_file *file, enum diag_severity severity, const char *rule, const char *pointer,
			   bool at_key, const char *format, ...) __attribute__((format(printf, 6, 7)));
static struct diag *report(struct rule_file *file, enum diag_severity severity, const char *rule, const char *pointer,
			   bool at_key, const char *format, ...)
{
	int line, col;
	position_of(file, pointer, at_key, &line, &col);
	va_list args;
	va_start(args, format);
	char *message = xvasprintf(format, args);
	va_end(args);
	struct diag *diag = diag_add(file->diags, severity, rule, file->document.path, line, col, "%s", message);
	free(message);
	return diag;
}

static char *child_pointer(const char *parent, const char *key)
{
	struct strbuf pointer;
	strbuf_init(&pointer);
	strbuf_addstr(&pointer, parent);
	pointer_append_token(&pointer, key);
	return strbuf_detach(&pointer, NULL);
}

static char *index_pointer(const char *parent, size_t index)
{
	struct strbuf pointer;
	strbuf_init(&pointer);
	strbuf_addstr(&pointer, parent);
	pointer_append_index(&pointer, index);
	return strbuf_detach(&pointer, NULL);
}

/* Unknown fields are errors, as with yaml.v3's KnownFields. */
static void check_known_fields(struct rule_file *file, const json_t *object, const char *pointer,
			       const char *const *known, const char *what)
{
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)object, key, value) {
		bool found = false;
		for (size_t i = 0; known[i]; i++)
			found |= strcmp(known[i], key) == 0;
		if (found)
			continue;
		char *at = child_pointer(pointer, key);
		size_t known_count = 0;
		while (known[known_count])
			known_count++;
		const char *closest = suggest_closest(key, known, known_count);
		struct diag *diag = report(file, DIAG_ERROR, "rules-format", at, true, "unknown field '%s' in %s", key, what);
		if (strcmp(key, "keep_firing_for") == 0)
			diag_set_hint(diag, "'keep_firing_for' is newer than Prometheus 2.42");
		else if (closest)
			diag_set_hint(diag, "did you mean '%s'?", closest);
		free(at);
	}
}

/* A scalar as the string yaml.v3 would decode into a Go string field, or NULL. */
static const char *scalar_text(const json_t *value, char *buffer, size_t size)
{
	if (json_is_string(value))
		return json_string_value(value);
	if (json_is_integer(value)) {
		snprintf(buffer, size, "%lld", (long long)json_integer_value(value));
		return buffer;
	}
	if (json_is_real(value)) {
		snprintf(buffer, size, "%g", json_real_value(value));
		return buffer;
	}
	if (json_is_boolean(value))
		return json_is_true(value) ? "true" : "false";
	return NULL;
}

static bool string_field(struct rule_file *file, const json_t *object, const char *pointer, const char *key,
			 const char **text, char *buffer, size_t size)
{
	*text = "";
	json_t *value = json_object_get(object, key);
	if (!value || json_is_null(value))
		return true;
	*text = scalar_text(value, buffer, size);
	if (*text)
		return true;
	char *at = child_pointer(pointer, key);
	report(file, DIAG_ERROR, "rules-format", at, false, "'%s' must be a string", key);
	free(at);
	*text = "";
	return false;
}

static bool duration_field(struct rule_file *file, const json_t *object, const char *pointer, const char *key,
			   int64_t *milliseconds)
{
	*milliseconds = 0;
	json_t *value = json_object_get(object, key);
	if (!value || json_is_null(value))
		return true;
	char buffer[64];
	const char *text = scalar_text(value, buffer, sizeof(buffer));
	const char *message = "not a valid duration string";
	if (text && promql_duration_parse(text, strlen(text), milliseconds, &message) == 0)
		return true;
	char *at = child_pointer(pointer, key);
	report(file, DIAG_ERROR, "rules-format", at, false, "'%s': %s: '%s'", key, message, text ? text : "");
	free(at);
	return false;
}

static bool valid_label_name(const char *name)
{
	if (!name[0] || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (const char *c = name; *c; c++)
		if (!is_word_char(*c))
			return false;
	return true;
}

static bool valid_metric_name(const char *name)
{
	if (!name[0] || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (const char *c = name; *c; c++)
		if (!is_word_char(*c) && *c != ':')
			return false;
	return true;
}

static void check_labels(struct rule_file *file, const json_t *rule, const char *rule_pointer, const char *key,
			 bool templates, bool is_annotation)
{
	json_t *map = json_object_get(rule, key);
	if (!map || json_is_null(map))
		return;
	char *pointer = child_pointer(rule_pointer, key);
	if (!json_is_object(map)) {
		report(file, DIAG_ERROR, "rules-format", pointer, false, "'%s' must be a mapping of names to strings", key);
		free(pointer);
		return;
	}
	const char *name;
	json_t *value;
	json_object_foreach(map, name, value) {
		char *at = child_pointer(pointer, name);
		if (!valid_label_name(name) || (!is_annotation && strcmp(name, "__name__") == 0))
			report(file, DIAG_ERROR, "rules-invalid-name", at, true, "invalid %s name '%s'",
			       is_annotation ? "annotation" : "label", name);
		char buffer[64];
		const char *text = scalar_text(value, buffer, sizeof(buffer));
		if (!text) {
			report(file, DIAG_ERROR, "rules-format", at, false, "the value of '%s' must be a string", name);
		} else if (templates) {
			char message[200];
			if (rulefile_check_template(text, message, sizeof(message)) != 0)
				report(file, DIAG_ERROR, "rules-template", at, false, "%s '%s' is not a valid template: %s",
				       is_annotation ? "annotation" : "label", name, message);
		}
		free(at);
	}
	free(pointer);
}

static void check_rule(struct rule_file *file, const json_t *rule, const char *pointer)
{
	static const char *const known[] = { "record", "alert", "expr", "for", "labels", "annotations", NULL };
	if (!json_is_object(rule)) {
		report(file, DIAG_ERROR, "rules-format", pointer, false, "a rule must be a mapping");
		return;
	}
	check_known_fields(file, rule, pointer, known, "a rule");
	char record_buffer[64], alert_buffer[64], expr_buffer[64];
	const char *record, *alert, *expr;
	string_field(file, rule, pointer, "record", &record, record_buffer, sizeof(record_buffer));
	string_field(file, rule, pointer, "alert", &alert, alert_buffer, sizeof(alert_buffer));
	bool expr_ok = string_field(file, rule, pointer, "expr", &expr, expr_buffer, sizeof(expr_buffer));
	int64_t for_ms;
	duration_field(file, rule, pointer, "for", &for_ms);

	if (record[0] && alert[0])
		report(file, DIAG_ERROR, "rules-format", pointer, false, "only one of 'record' and 'alert' must be set");
	if (!record[0] && !alert[0])
		report(file, DIAG_ERROR, "rules-format", pointer, false, "one of 'record' or 'alert' must be set");

	char *subject = record[0] ? xasprintf("recording rule '%s'", record)
				  : alert[0] ? xasprintf("alert '%s'", alert) : xstrdup("rule");
	if (!expr[0]) {
		if (expr_ok)
			report(file, DIAG_ERROR, "rules-format", pointer, false, "field 'expr' must be set in %s", subject);
	} else {
		char *expr_pointer = child_pointer(pointer, "expr");
		const struct load_position *position = load_position_nearest(&file->document, expr_pointer);
		struct model_text value = { expr, { file->document.path, position->line, position->col }, position->offset };
		struct promql_expr parsed;
		promql_expr_init(&parsed);
		rulefile_check_expression(&parsed, &value, file->document.text, file->document.text_length, false, subject,
					  file->diags);
		promql_expr_release(&parsed);
		free(expr_pointer);
	}
	if (record[0]) {
		json_t *annotations = json_object_get(rule, "annotations");
		if (json_is_object(annotations) && json_object_size(annotations)) {
			char *at = child_pointer(pointer, "annotations");
			report(file, DIAG_ERROR, "rules-format", at, true, "invalid field 'annotations' in %s", subject);
			free(at);
		}
		if (for_ms != 0) {
			char *at = child_pointer(pointer, "for");
			report(file, DIAG_ERROR, "rules-format", at, true, "invalid field 'for' in %s", subject);
			free(at);
		}
		if (!valid_metric_name(record)) {
			char *at = child_pointer(pointer, "record");
			report(file, DIAG_ERROR, "rules-invalid-name", at, false, "invalid recording rule name '%s'", record);
			free(at);
		}
	}
	/* promtool parses labels and annotations as templates for alerts only */
	check_labels(file, rule, pointer, "labels", alert[0] && !record[0], false);
	check_labels(file, rule, pointer, "annotations", alert[0] && !record[0], true);
	free(subject);
}

/* promtool prints rules that have the same name and labels as duplicates; not an error. */
static void report_duplicate_rules(struct rule_file *file, const json_t *groups)
{
	size_t group_index;
	json_t *group;
	json_array_foreach(groups, group_index, group) {
		json_t *rules = json_object_get(group, "rules");
		if (!json_is_array(rules))
			continue;
		for (size_t i = 0; i < json_array_size(rules); i++) {
			json_t *rule = json_array_get(rules, i);
			for (size_t j = 0; j < i; j++) {
				json_t *earlier = json_array_get(rules, j);
				if (!json_is_object(rule) || !json_is_object(earlier))
					continue;
				json_t *name = json_object_get(rule, "record");
				const char *kind = "record";
				if (!json_is_string(name)) {
					name = json_object_get(rule, "alert");
					kind = "alert";
				}
				if (!json_is_string(name) || !json_equal(name, json_object_get(earlier, kind)))
					continue;
				json_t *labels = json_object_get(rule, "labels"), *earlier_labels = json_object_get(earlier, "labels");
				bool same_labels = (!labels || json_is_null(labels) || !json_object_size(labels))
							   ? (!earlier_labels || json_is_null(earlier_labels) ||
							      !json_object_size(earlier_labels))
							   : json_equal(labels, earlier_labels);
				if (!same_labels)
					continue;
				char *groups_pointer = index_pointer("/groups", group_index);
				char *rules_pointer = child_pointer(groups_pointer, "rules");
				char *at = index_pointer(rules_pointer, i);
				char *first = index_pointer(rules_pointer, j);
				struct diag *diag = report(file, DIAG_WARNING, "rules-duplicate-rule", at, false,
							   "duplicate rule '%s' with the same labels in group", json_string_value(name));
				int line, col;
				position_of(file, first, false, &line, &col);
				diag_add_related(diag, file->document.path, line, col, "first defined here");
				free(groups_pointer);
				free(rules_pointer);
				free(at);
				free(first);
				break;
			}
		}
	}
}

size_t rulefile_check(const char *path, struct diag_list *diags)
{
	size_t errors_before = diag_count(diags, DIAG_ERROR);
	struct rule_file file = { .diags = diags };
	load_document_init(&file.document);
	struct diag_list load_diags;
	diag_list_init(&load_diags);
	int loaded = load_file(path, LOAD_SYNTAX_YAML, &load_default_limits, &file.document, &load_diags);
	/* an empty file is a valid rule file with no groups */
	bool empty = loaded != 0 && load_diags.count == 1 && strcmp(load_diags.items[0].rule, "load-empty-document") == 0;
	if (!empty)
		diag_list_take(diags, &load_diags);
	diag_list_release(&load_diags);
	if (loaded != 0 || !file.document.root || json_is_null(file.document.root)) {
		load_document_release(&file.document);
		return diag_count(diags, DIAG_ERROR) - errors_before;
	}
	json_t *root = file.document.root;
	static const char *const root_fields[] = { "groups", NULL };
	static const char *const group_fields[] = { "name", "interval", "limit", "rules", NULL };
	if (!json_is_object(root)) {
		report(&file, DIAG_ERROR, "rules-format", "", false, "a rule file must be a mapping with 'groups'");
		load_document_release(&file.document);
		return diag_count(diags, DIAG_ERROR) - errors_before;
	}
	check_known_fields(&file, root, "", root_fields, "the rule file");
	json_t *groups = json_object_get(root, "groups");
	if (groups && !json_is_null(groups) && !json_is_array(groups)) {
		report(&file, DIAG_ERROR, "rules-format", "/groups", false, "'groups' must be a list");
		groups = NULL;
	}
	size_t group_index;
	json_t *group;
	json_array_foreach(groups, group_index, group) {
		char *pointer = index_pointer("/groups", group_index);
		if (!json_is_object(group)) {
			report(&file, DIAG_ERROR, "rules-format", pointer, false, "a group must be a mapping");
			free(pointer);
			continue;
		}
		check_known_fields(&file, group, pointer, group_fields, "a group");
		char name_buffer[64];
		const char *name;
		string_field(&file, group, pointer, "name", &name, name_buffer, sizeof(name_buffer));
		if (!name[0]) {
			report(&file, DIAG_ERROR, "rules-format", pointer, false, "group name must not be empty");
		} else {
			for (size_t earlier = 0; earlier < group_index; earlier++) {
				char other_buffer[64];
				const char *other = scalar_text(json_object_get(json_array_get(groups, earlier), "name"), other_buffer,
								sizeof(other_buffer));
				if (!other || strcmp(other, name) != 0)
					continue;
				char *at = child_pointer(pointer, "name");
				char *first_group = index_pointer("/groups", earlier);
				char *first = child_pointer(first_group, "name");
				struct diag *diag =
					report(&file, DIAG_ERROR, "rules-duplicate-group", at, false, "group name '%s' is repeated in the same file", name);
				int line, col;
				position_of(&file, first, false, &line, &col);
				diag_add_related(diag, file.document.path, line, col, "first defined here");
				free(at);
				free(first_group);
				free(first);
				break;
			}
		}
		int64_t interval;
		duration_field(&file, group, pointer, "interval", &interval);
		json_t *limit = json_object_get(group, "limit");
		if (limit && !json_is_null(limit) && !json_is_integer(limit)) {
			char *at = child_pointer(pointer, "limit");
			report(&file, DIAG_ERROR, "rules-format", at, false, "'limit' must be an integer");
			free(at);
		}
		json_t *rules = json_object_get(group, "rules");
		char *rules_pointer = child_pointer(pointer, "rules");
		if (rules && !json_is_null(rules) && !json_is_array(rules)) {
			report(&file, DIAG_ERROR, "rules-format", rules_pointer, false, "'rules' must be a list");
		} else {
			size_t rule_index;
			json_t *rule;
			json_array_foreach(rules, rule_index, rule) {
				char *rule_pointer = index_pointer(rules_pointer, rule_index);
				check_rule(&file, rule, rule_pointer);
				free(rule_pointer);
			}
		}
		free(rules_pointer);
		free(pointer);
	}
	if (json_is_array(groups))
		report_duplicate_rules(&file, groups);
	load_document_release(&file.document);
	return diag_count(diags, DIAG_ERROR) - errors_before;
}
