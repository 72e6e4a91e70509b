/* Diagnostics as data: every stage appends to a diag_list; only main renders it,
 * as text (with the source line and a caret), JSON, SARIF 2.1.0 or GitHub annotations.
 *
 * Ownership: a diag_list owns copies of every string given to it. */
#ifndef GOOSE_DIAG_H
#define GOOSE_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTE,
};

enum diag_format {
	DIAG_FORMAT_TEXT,
	DIAG_FORMAT_JSON,
	DIAG_FORMAT_SARIF,
	DIAG_FORMAT_GITHUB,
};

/* A second place a diagnostic talks about: "first defined here", a candidate's definition. */
struct diag_related {
	char *file;    /* may be NULL */
	int line, col; /* 1-based; 0 when unknown */
	char *message;
};

struct diag {
	enum diag_severity severity;
	char *rule;    /* stable id, e.g. "yaml-duplicate-key"; never NULL */
	char *file;    /* NULL for diagnostics about no file (usage, configuration) */
	int line, col; /* 1-based; 0 when unknown */
	char *message; /* lowercase, no final full stop, subjects quoted */
	char *hint;    /* NULL or e.g. "did you mean 'warning'?" */
	struct diag_related *related;
	size_t related_count, related_alloc;
};

/* The text of a file, so the text renderer can show the offending line. */
struct diag_source {
	char *file;
	char *text;
	size_t length;
};

struct diag_list {
	struct diag *items;
	size_t count, alloc;
	struct diag_source *sources;
	size_t source_count, source_alloc;
};

void diag_list_init(struct diag_list *list);
void diag_list_release(struct diag_list *list);

/* Appends a diagnostic. The returned pointer is valid until the next diag_add on the list:
 * use it at once to set a hint or add related places. */
struct diag *diag_add(struct diag_list *list, enum diag_severity severity, const char *rule,
		      const char *file, int line, int col, const char *format, ...)
	__attribute__((format(printf, 7, 8)));
void diag_set_hint(struct diag *diag, const char *format, ...) __attribute__((format(printf, 2, 3)));
void diag_add_related(struct diag *diag, const char *file, int line, int col, const char *format, ...)
	__attribute__((format(printf, 5, 6)));

/* Moves every diagnostic of `from` to the end of `into`; `from` is left empty. */
void diag_list_take(struct diag_list *into, struct diag_list *from);

/* Keeps the diagnostics for which `keep` returns true, in order; frees the others. */
void diag_list_filter(struct diag_list *list, bool (*keep)(const struct diag *diag, void *context), void *context);

/* Copies the text of `file` so the text renderer can quote its lines. */
void diag_register_source(struct diag_list *list, const char *file, const char *text, size_t length);

/* Hides bytes [offset, offset + span) of `file` from every excerpt the text renderer quotes
 * (replaced by '*', line breaks kept): for secrets found in it. Registers `text` first when the
 * file has no source yet. */
void diag_mask_source(struct diag_list *list, const char *file, const char *text, size_t length, size_t offset,
		      size_t span);

/* Stable order: file, line, column, then the order they were added. */
void diag_sort(struct diag_list *list);

size_t diag_count(const struct diag_list *list, enum diag_severity severity);

struct diag_render_options {
	enum diag_format format;
	bool color;         /* text only; main decides (TTY and no NO_COLOR) */
	bool show_source;   /* text only: quote the line and put a caret under the column */
	const char *tool_version; /* for SARIF's tool.driver.version */
};

/* Renders every diagnostic to `out`. Returns 0, or -1 if writing failed. */
int diag_render(FILE *out, const struct diag_list *list, const struct diag_render_options *options);

/* "error", "warning", "note" */
const char *diag_severity_name(enum diag_severity severity);

/* Parses "text", "json", "sarif", "github"; -1 when unknown. */
int diag_format_parse(const char *name, enum diag_format *format);

#endif
