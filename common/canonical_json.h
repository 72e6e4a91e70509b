/* RFC 8785 JSON Canonicalization Scheme (JCS) for jansson trees: the exact bytes that plans are
 * signed over, so that the same tree always gives the same signature input. */
#ifndef GOOSE_CANONICAL_JSON_H
#define GOOSE_CANONICAL_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Deeper trees are refused rather than recursed into (jansson's own parser stops at 2048). */
#define CANONICAL_JSON_MAX_DEPTH 512

/* Longest text canonical_json_format_number writes, NUL included ("-1.2345678901234567e-308"). */
#define CANONICAL_JSON_NUMBER_SIZE 32

/* Appends the canonical form of `value` to `out`: object members sorted by the UTF-16 code
 * units of their names, no insignificant whitespace, only the mandatory string escapes, numbers
 * as ECMAScript's Number-to-String prints them. Returns 0, or -1 (with `out` partly written)
 * when the tree holds something JCS cannot represent exactly: an integer beyond ±(2^53 - 1)
 * (it would be rounded to a double), a non-finite real, or nesting deeper than the limit. */
int canonical_json_write(const json_t *value, struct strbuf *out);

/* The canonical form as a new malloc'd, NUL-terminated buffer (caller frees), or NULL. */
char *canonical_json_dumps(const json_t *value, size_t *length);

/* Writes `value` as ECMAScript's Number.prototype.toString does: the shortest digits that read
 * back to the same double, plain notation for exponents -7 < e < 21, else d.ddde±x; -0 is "0".
 * Returns 0, or -1 for NaN and infinities (JSON has no spelling for them). */
int canonical_json_format_number(double value, char buffer[CANONICAL_JSON_NUMBER_SIZE]);

/* Orders two UTF-8 strings as RFC 8785 sorts member names: by UTF-16 code units. */
int canonical_json_compare_names(const char *left, size_t left_length, const char *right, size_t right_length);

/* Parses `data` strictly (one JSON value, no duplicate keys) and tells whether it is exactly
 * the canonical form of what it holds. On success `*parsed` (if not NULL) receives the tree
 * (caller owns it); on failure a reason for people goes to `*error` (malloc'd) when not NULL. */
bool canonical_json_parse_canonical(const char *data, size_t length, json_t **parsed, char **error);

#endif
