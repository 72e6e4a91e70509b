/* A YAML writer for emitted files: a jansson tree rendered block-style, keys in insertion order,
 * every string written so that any YAML 1.1 or 1.2 reader gives back the same string. */
#ifndef GOOSE_YAML_H
#define GOOSE_YAML_H

#include <jansson.h>
#include <stdbool.h>

#include "util.h"

/* Appends `document` to `out`. `header` (may be NULL) comes first, each of its lines as a
 * "# " comment. Strings that another reader could take for a number, boolean, null, date or
 * structure, or that hold special characters, are double-quoted with escapes; multi-line text
 * (PromQL with comments) becomes a literal block scalar when it can be one exactly. Reals are
 * written with number_format and always keep a '.' or an exponent, so they read back as reals. */
void yaml_write(const json_t *document, const char *header, struct strbuf *out);

/* True when `text` can be written as a plain scalar and still read back as this string. */
bool yaml_plain_is_safe(const char *text, size_t length);

/* Appends `text` as a double-quoted YAML scalar. */
void yaml_add_quoted(const char *text, size_t length, struct strbuf *out);

#endif
