/* Diagnostics: collected as data by every stage, sorted, then rendered by one of four
 * renderers (text with source excerpt, JSON, SARIF 2.1.0, GitHub Actions annotations). */
#include "diag.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

void diag_list_init(struct diag_list *list)
{
	memset(list, 0, sizeof(*list));
}

static void diag_release(struct diag *diag)
{
	free(diag->rule);
	free(diag->file);
	free(diag->message);
	free(diag->hint);
	for (size_t i = 0; i < diag->related_count; i++) {
		free(diag->related[i].file);
		free(diag->related[i].message);
	}
	free(diag->related);
}

void diag_list_release(struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		diag_release(&list->items[i]);
	free(list->items);
	for (size_t i = 0; i < list->source_count; i++) {
		free(list->sources[i].file);
		free(list->sources[i].text);
	}
	free(list->sources);
	diag_list_init(list);
}

struct diag *diag_add(struct diag_list *list, enum diag_severity severity, const char *rule,
		      const char *file, int line, int col, const char *format, ...)
{
	ALLOC_GROW(list->items, list->count + 1, list->alloc);
	struct diag *diag = &list->items[list->count++];
	memset(diag, 0, sizeof(*diag));
	diag->severity = severity;
	diag->rule = xstrdup(rule);
	diag->file = file ? xstrdup(file) : NULL;
	diag->line = line;
	diag->col = col;
	va_list args;
	va_start(args, format);
	diag->message = xvasprintf(format, args);
	va_end(args);
	return diag;
}

void diag_set_hint(struct diag *diag, const char *format, ...)
{
	free(diag->hint);
	va_list args;
	va_start(args, format);
	diag->hint = xvasprintf(format, args);
	va_end(args);
}

void diag_add_related(struct diag *diag, const char *file, int line, int col, const char *format, ...)
{
	ALLOC_GROW(diag->related, diag->related_count + 1, diag->related_alloc);
	struct diag_related *related = &diag->related[diag->related_count++];
	related->file = file ? xstrdup(file) : NULL;
	related->line = line;
	related->col = col;
	va_list args;
	va_start(args, format);
	related->message = xvasprintf(format, args);
	va_end(args);
}

void diag_list_take(struct diag_list *into, struct diag_list *from)
{
	for (size_t i = 0; i < from->count; i++) {
		ALLOC_GROW(into->items, into->count + 1, into->alloc);
		into->items[into->count++] = from->items[i];
	}
	free(from->items);
	from->items = NULL;
	from->count = from->alloc = 0;
	for (size_t i = 0; i < from->source_count; i++) {
		struct diag_source *source = &from->sources[i];
		bool known = false;
		for (size_t j = 0; j < into->source_count && !known; j++)
			known = strcmp(into->sources[j].file, source->file) == 0;
		if (known) {
			free(source->file);
			free(source->text);
			continue;
		}
		ALLOC_GROW(into->sources, into->source_count + 1, into->source_alloc);
		into->sources[into->source_count++] = *source;
	}
	free(from->sources);
	from->sources = NULL;
	from->source_count = from->source_alloc = 0;
}

void diag_list_filter(struct diag_list *list, bool (*keep)(const struct diag *diag, void *context), void *context)
{
	size_t kept = 0;
	for (size_t i = 0; i < list->count; i++) {
		if (keep(&list->items[i], context))
			list->items[kept++] = list->items[i];
		else
			diag_release(&list->items[i]);
	}
	list->count = kept;
}

void diag_register_source(struct diag_list *list, const char *file, const char *text, size_t length)
{
	for (size_t i = 0; i < list->source_count; i++)
		if (strcmp(list->sources[i].file, file) == 0)
			return;
	ALLOC_GROW(list->sources, list->source_count + 1, list->source_alloc);
	struct diag_source *source = &list->sources[list->source_count++];
	source->file = xstrdup(file);
	source->text = xstrndup(text, length);
	source->length = length;
}

void diag_mask_source(struct diag_list *list, const char *file, const char *text, size_t length, size_t offset,
		      size_t span)
{
	diag_register_source(list, file, text, length);
	for (size_t i = 0; i < list->source_count; i++) {
		struct diag_source *source = &list->sources[i];
		if (strcmp(source->file, file) != 0)
			continue;
		for (size_t j = offset; j < offset + span && j < source->length; j++)
			if (source->text[j] != '\n' && source->text[j] != '\r')
				source->text[j] = '*';
	}
}

static const struct diag_source *find_source(const struct diag_list *list, const char *file)
{
	if (!file)
		return NULL;
	for (size_t i = 0; i < list->source_count; i++)
		if (strcmp(list->sources[i].file, file) == 0)
			return &list->sources[i];
	return NULL;
}

/* qsort is not stable: carry the insertion index to break ties */
struct diag_sort_entry {
	struct diag diag;
	size_t index;
};

static int compare_diag_entries(const void *left_pointer, const void *right_pointer)
{
	const struct diag_sort_entry *left = left_pointer, *right = right_pointer;
	const char *left_file = left->diag.file ? left->diag.file : "";
	const char *right_file = right->diag.file ? right->diag.file : "";
	int by_file = strcmp(left_file, right_file);
	if (by_file)
		return by_file;
	if (left->diag.line != right->diag.line)
		return left->diag.line < right->diag.line ? -1 : 1;
	if (left->diag.col != right->diag.col)
		return left->diag.col < right->diag.col ? -1 : 1;
	return left->index < right->index ? -1 : left->index > right->index;
}

void diag_sort(struct diag_list *list)
{
	if (list->count < 2)
		return;
	struct diag_sort_entry *entries = xmalloc(list->count * sizeof(*entries));
	for (size_t i = 0; i < list->count; i++) {
		entries[i].diag = list->items[i];
		entries[i].index = i;
	}
	qsort(entries, list->count, sizeof(*entries), compare_diag_entries);
	for (size_t i = 0; i < list->count; i++)
		list->items[i] = entries[i].diag;
	free(entries);
}

size_t diag_count(const struct diag_list *list, enum diag_severity severity)
{
	size_t count = 0;
	for (size_t i = 0; i < list->count; i++)
		count += list->items[i].severity == severity;
	return count;
}

const char *diag_severity_name(enum diag_severity severity)
{
	switch (severity) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "error";
}

int diag_format_parse(const char *name, enum diag_format *format)
{
	static const struct {
		const char *name;
		enum diag_format format;
	} formats[] = {
		{ "text", DIAG_FORMAT_TEXT },
		{ "json", DIAG_FORMAT_JSON },
		{ "sarif", DIAG_FORMAT_SARIF },
		{ "github", DIAG_FORMAT_GITHUB },
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0) {
			*format = formats[i].format;
			return 0;
		}
	}
	return -1;
}

/* ---- text ---- */

#define COLOR_RESET "\033[0m"
#define COLOR_BOLD "\033[1m"

static const char *severity_color(enum diag_severity severity)
{
	switch (severity) {
	case DIAG_ERROR:
		return "\033[1;31m";
	case DIAG_WARNING:
		return "\033[1;35m";
	case DIAG_NOTE:
		return "\033[1;36m";
	}
	return "";
}

static void render_location(struct strbuf *out, const char *file, int line, int col, bool color)
{
	if (color)
		strbuf_addstr(out, COLOR_BOLD);
	if (file) {
		strbuf_addstr(out, file);
		if (line > 0) {
			strbuf_addf(out, ":%d", line);
			if (col > 0)
				strbuf_addf(out, ":%d", col);
		}
		strbuf_addstr(out, ": ");
	} else {
		strbuf_addstr(out, "goosec: ");
	}
	if (color)
		strbuf_addstr(out, COLOR_RESET);
}

/* Bytes of a UTF-8 sequence starting with `lead` (1 for anything malformed). */
static size_t utf8_sequence_length(unsigned char lead)
{
	if (lead >= 0xf0 && lead < 0xf8)
		return 4;
	if (lead >= 0xe0)
		return lead < 0xf0 ? 3 : 1;
	if (lead >= 0xc0)
		return 2;
	return 1;
}

/* Quotes line `line` of the source and puts a caret under column `col` (in characters). */
static void render_excerpt(struct strbuf *out, const struct diag_source *source, int line, int col,
			   enum diag_severity severity, bool color)
{
	const char *text = source->text, *end = source->text + source->length;
	const char *start = text;
	for (int current = 1; current < line && start < end; current++) {
		const char *newline = memchr(start, '\n', (size_t)(end - start));
		if (!newline)
			return;
		start = newline + 1;
	}
	if (start >= end && line > 1)
		return;
	const char *line_end = memchr(start, '\n', (size_t)(end - start));
	if (!line_end)
		line_end = end;
	if (line_end > start && line_end[-1] == '\r')
		line_end--;
	/* long or binary lines are not worth quoting */
	if (line_end - start > 400)
		return;
	for (const char *c = start; c < line_end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return;

	char gutter[32];
	int gutter_width = snprintf(gutter, sizeof(gutter), "%d", line);
	strbuf_addf(out, " %s | ", gutter);
	strbuf_add(out, start, (size_t)(line_end - start));
	strbuf_addch(out, '\n');
	strbuf_addf(out, " %*s | ", gutter_width, "");
	/* pad with the line's own whitespace so tabs line up */
	const char *c = start;
	for (int current = 1; current < col && c < line_end; current++) {
		strbuf_addch(out, *c == '\t' ? '\t' : ' ');
		c += utf8_sequence_length((unsigned char)*c);
	}
	if (color)
		strbuf_addstr(out, severity_color(severity));
	strbuf_addch(out, '^');
	if (color)
		strbuf_addstr(out, COLOR_RESET);
	strbuf_addch(out, '\n');
}

static void render_text(struct strbuf *out, const struct diag_list *list, const struct diag_render_options *options)
{
	bool color = options->color;
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *diag = &list->items[i];
		render_location(out, diag->file, diag->line, diag->col, color);
		if (color)
			strbuf_addstr(out, severity_color(diag->severity));
		strbuf_addstr(out, diag_severity_name(diag->severity));
		if (color)
			strbuf_addstr(out, COLOR_RESET);
		strbuf_addf(out, ": %s [%s]\n", diag->message, diag->rule);
		const struct diag_source *source = find_source(list, diag->file);
		if (options->show_source && source && diag->line > 0)
			render_excerpt(out, source, diag->line, diag->col > 0 ? diag->col : 1, diag->severity, color);
		if (diag->hint)
			strbuf_addf(out, "  = hint: %s\n", diag->hint);
		for (size_t j = 0; j < diag->related_count; j++) {
			const struct diag_related *related = &diag->related[j];
			strbuf_addstr(out, "  ");
			render_location(out, related->file, related->line, related->col, color);
			strbuf_addf(out, "note: %s\n", related->message);
		}
	}
}

/* ---- JSON ---- */

static json_t *json_location(const char *file, int line, int col)
{
	json_t *location = json_object();
	json_object_set_new(location, "file", file ? json_string(file) : json_null());
	json_object_set_new(location, "line", json_integer(line));
	json_object_set_new(location, "column", json_integer(col));
	return location;
}

static json_t *render_json(const struct diag_list *list)
{
	json_t *diagnostics = json_array();
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *diag = &list->items[i];
		json_t *item = json_location(diag->file, diag->line, diag->col);
		json_object_set_new(item, "severity", json_string(diag_severity_name(diag->severity)));
		json_object_set_new(item, "rule", json_string(diag->rule));
		json_object_set_new(item, "message", json_string(diag->message));
		if (diag->hint)
			json_object_set_new(item, "hint", json_string(diag->hint));
		json_t *related = json_array();
		for (size_t j = 0; j < diag->related_count; j++) {
			json_t *place = json_location(diag->related[j].file, diag->related[j].line, diag->related[j].col);
			json_object_set_new(place, "message", json_string(diag->related[j].message));
			json_array_append_new(related, place);
		}
		json_object_set_new(item, "related", related);
		json_array_append_new(diagnostics, item);
	}
	json_t *document = json_object();
	json_object_set_new(document, "diagnostics", diagnostics);
	json_t *summary = json_object();
	json_object_set_new(summary, "errors", json_integer((json_int_t)diag_count(list, DIAG_ERROR)));
	json_object_set_new(summary, "warnings", json_integer((json_int_t)diag_count(list, DIAG_WARNING)));
	json_object_set_new(document, "summary", summary);
	return document;
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(enum diag_severity severity)
{
	return severity == DIAG_ERROR ? "error" : severity == DIAG_WARNING ? "warning" : "note";
}

static json_t *sarif_physical_location(const char *file, int line, int col)
{
	json_t *physical = json_object();
	json_t *artifact = json_object();
	json_object_set_new(artifact, "uri", json_string(file));
	json_object_set_new(physical, "artifactLocation", artifact);
	if (line > 0) {
		json_t *region = json_object();
		json_object_set_new(region, "startLine", json_integer(line));
		if (col > 0)
			json_object_set_new(region, "startColumn", json_integer(col));
		json_object_set_new(physical, "region", region);
	}
	json_t *location = json_object();
	json_object_set_new(location, "physicalLocation", physical);
	return location;
}

static json_t *sarif_message(const char *text)
{
	json_t *message = json_object();
	json_object_set_new(message, "text", json_string(text));
	return message;
}

static json_t *render_sarif(const struct diag_list *list, const char *tool_version)
{
	/* rules in first-seen order; results refer to them by index */
	json_t *rules = json_array();
	json_t *rule_index = json_object();
	json_t *results = json_array();
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *diag = &list->items[i];
		json_t *index = json_object_get(rule_index, diag->rule);
		if (!index) {
			json_t *rule = json_object();
			json_object_set_new(rule, "id", json_string(diag->rule));
			json_array_append_new(rules, rule);
			index = json_integer((json_int_t)json_array_size(rules) - 1);
			json_object_set_new(rule_index, diag->rule, index);
		}
		json_t *result = json_object();
		json_object_set_new(result, "ruleId", json_string(diag->rule));
		json_object_set(result, "ruleIndex", index);
		json_object_set_new(result, "level", json_string(sarif_level(diag->severity)));
		char *text = diag->hint ? xasprintf("%s (%s)", diag->message, diag->hint) : xstrdup(diag->message);
		json_object_set_new(result, "message", sarif_message(text));
		free(text);
		json_t *locations = json_array();
		if (diag->file)
			json_array_append_new(locations, sarif_physical_location(diag->file, diag->line, diag->col));
		json_object_set_new(result, "locations", locations);
		if (diag->related_count) {
			json_t *related = json_array();
			for (size_t j = 0; j < diag->related_count; j++) {
				const struct diag_related *place = &diag->related[j];
				json_t *location = place->file ? sarif_physical_location(place->file, place->line, place->col)
							       : json_object();
				json_object_set_new(location, "id", json_integer((json_int_t)j));
				json_object_set_new(location, "message", sarif_message(place->message));
				json_array_append_new(related, location);
			}
			json_object_set_new(result, "relatedLocations", related);
		}
		json_array_append_new(results, result);
	}
	json_decref(rule_index);

	json_t *driver = json_object();
	json_object_set_new(driver, "name", json_string("goosec"));
	json_object_set_new(driver, "version", json_string(tool_version ? tool_version : "unknown"));
	json_object_set_new(driver, "rules", rules);
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);
	json_t *run = json_object();
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_t *runs = json_array();
	json_array_append_new(runs, run);
	json_t *document = json_object();
	json_object_set_new(document, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(document, "version", json_string("2.1.0"));
	json_object_set_new(document, "runs", runs);
	return document;
}

/* ---- GitHub Actions workflow commands ---- */

static void github_escape(struct strbuf *out, const char *text, bool property)
{
	for (const char *c = text; *c; c++) {
		switch (*c) {
		case '%':
			strbuf_addstr(out, "%25");
			break;
		case '\r':
			strbuf_addstr(out, "%0D");
			break;
		case '\n':
			strbuf_addstr(out, "%0A");
			break;
		case ':':
			strbuf_addstr(out, property ? "%3A" : ":");
			break;
		case ',':
			strbuf_addstr(out, property ? "%2C" : ",");
			break;
		default:
			strbuf_addch(out, *c);
		}
	}
}

static void render_github(struct strbuf *out, const struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *diag = &list->items[i];
		const char *command = diag->severity == DIAG_ERROR ? "error" : diag->severity == DIAG_WARNING ? "warning" : "notice";
		strbuf_addf(out, "::%s ", command);
		if (diag->file) {
			strbuf_addstr(out, "file=");
			github_escape(out, diag->file, true);
			if (diag->line > 0)
				strbuf_addf(out, ",line=%d", diag->line);
			if (diag->col > 0)
				strbuf_addf(out, ",col=%d", diag->col);
			strbuf_addch(out, ',');
		}
		strbuf_addstr(out, "title=");
		github_escape(out, diag->rule, true);
		strbuf_addstr(out, "::");
		github_escape(out, diag->message, false);
		if (diag->hint) {
			strbuf_addstr(out, " (");
			github_escape(out, diag->hint, false);
			strbuf_addch(out, ')');
		}
		strbuf_addch(out, '\n');
	}
}

int diag_render(FILE *out, const struct diag_list *list, const struct diag_render_options *options)
{
	struct strbuf text;
	strbuf_init(&text);
	json_t *document = NULL;
	switch (options->format) {
	case DIAG_FORMAT_TEXT:
		render_text(&text, list, options);
		break;
	case DIAG_FORMAT_GITHUB:
		render_github(&text, list);
		break;
	case DIAG_FORMAT_JSON:
		document = render_json(list);
		break;
	case DIAG_FORMAT_SARIF:
		document = render_sarif(list, options->tool_version);
		break;
	}
	if (document) {
		char *dumped = json_dumps(document, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		json_decref(document);
		if (!dumped)
			return -1;
		strbuf_addstr(&text, dumped);
		strbuf_addch(&text, '\n');
		free(dumped);
	}
	size_t written = fwrite(text.buf, 1, text.len, out);
	int status = written == text.len && fflush(out) == 0 ? 0 : -1;
	strbuf_release(&text);
	return status;
}
