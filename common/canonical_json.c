/* RFC 8785 canonical JSON: a small serializer over jansson trees (jansson's own output sorts
 * keys bytewise and prints reals its own way, so it is not canonical). */
#include "canonical_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* 2^53 - 1: the largest integer every double-based JSON reader holds exactly (I-JSON). */
#define CANONICAL_JSON_MAX_SAFE_INTEGER 9007199254740991LL

/* Decodes one code point of valid UTF-8 (jansson guarantees strings are valid). */
static uint32_t next_code_point(const unsigned char *text, size_t length, size_t *index)
{
	unsigned char lead = text[*index];
	size_t extra = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
	uint32_t code_point = extra == 0 ? lead : extra == 1 ? (lead & 0x1Fu) : extra == 2 ? (lead & 0x0Fu) : (lead & 0x07u);
	(*index)++;
	for (size_t i = 0; i < extra && *index < length; i++, (*index)++)
		code_point = (code_point << 6) | (text[*index] & 0x3Fu);
	return code_point;
}

/* A code point's rank in UTF-16 code unit order: supplementary characters (surrogate pairs,
 * first unit 0xD800-0xDBFF) come before U+E000..U+FFFF, unlike in code point order. */
static uint32_t utf16_rank(uint32_t code_point)
{
	return code_point >= 0xE000 && code_point <= 0xFFFF ? code_point + 0x200000 : code_point;
}

int canonical_json_compare_names(const char *left, size_t left_length, const char *right, size_t right_length)
{
	const unsigned char *a = (const unsigned char *)left, *b = (const unsigned char *)right;
	size_t i = 0, j = 0;
	while (i < left_length && j < right_length) {
		uint32_t rank_a = utf16_rank(next_code_point(a, left_length, &i));
		uint32_t rank_b = utf16_rank(next_code_point(b, right_length, &j));
		if (rank_a != rank_b)
			return rank_a < rank_b ? -1 : 1;
	}
	if (i < left_length)
		return 1;
	if (j < right_length)
		return -1;
	return 0;
}

int canonical_json_format_number(double value, char buffer[CANONICAL_JSON_NUMBER_SIZE])
{
	if (!isfinite(value))
		return -1;
	if (value == 0) { /* -0 too */
		buffer[0] = '0';
		buffer[1] = '\0';
		return 0;
	}
	/* The shortest precision that reads back to the same double; printf rounds correctly, so
	 * at that precision it gives the digits closest to the value, as ECMAScript requires. */
	char scientific[40];
	double magnitude = fabs(value);
	for (int precision = 1; precision <= 17; precision++) {
		snprintf(scientific, sizeof(scientific), "%.*e", precision - 1, magnitude);
		if (strtod(scientific, NULL) == magnitude)
			break;
	}
	char digits[20];
	size_t digit_count = 0;
	const char *cursor = scientific;
	for (; *cursor && *cursor != 'e'; cursor++)
		if (*cursor >= '0' && *cursor <= '9')
			digits[digit_count++] = *cursor;
	while (digit_count > 1 && digits[digit_count - 1] == '0')
		digit_count--;
	int exponent = atoi(cursor + 1);
	/* ECMAScript's n: the value is 0.d1d2...dk × 10^n */
	int point = exponent + 1;
	int k = (int)digit_count;

	struct strbuf text;
	strbuf_init(&text);
	if (value < 0)
		strbuf_addch(&text, '-');
	if (k <= point && point <= 21) {
		strbuf_add(&text, digits, digit_count);
		for (int i = 0; i < point - k; i++)
			strbuf_addch(&text, '0');
	} else if (0 < point && point <= 21) {
		strbuf_add(&text, digits, (size_t)point);
		strbuf_addch(&text, '.');
		strbuf_add(&text, digits + point, (size_t)(k - point));
	} else if (-6 < point && point <= 0) {
		strbuf_addstr(&text, "0.");
		for (int i = 0; i < -point; i++)
			strbuf_addch(&text, '0');
		strbuf_add(&text, digits, digit_count);
	} else {
		strbuf_addch(&text, digits[0]);
		if (k > 1) {
			strbuf_addch(&text, '.');
			strbuf_add(&text, digits + 1, digit_count - 1);
		}
		strbuf_addf(&text, "e%c%d", point - 1 < 0 ? '-' : '+', abs(point - 1));
	}
	memcpy(buffer, text.buf, text.len + 1);
	strbuf_release(&text);
	return 0;
}

static void write_string(const char *string, size_t length, struct strbuf *out)
{
	static const char hex[] = "0123456789abcdef";
	strbuf_addch(out, '"');
	size_t run_start = 0;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)string[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(out, string + run_start, i - run_start);
		run_start = i + 1;
		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			strbuf_addstr(out, "\\u00");
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 0xF]);
		}
	}
	strbuf_add(out, string + run_start, length - run_start);
	strbuf_addch(out, '"');
}

struct member {
	const char *name;
	size_t name_length;
	const json_t *value;
};

static int compare_members(const void *left, const void *right)
{
	const struct member *a = left, *b = right;
	return canonical_json_compare_names(a->name, a->name_length, b->name, b->name_length);
}

static int write_value(const json_t *value, struct strbuf *out, int depth)
{
	if (depth > CANONICAL_JSON_MAX_DEPTH)
		return -1;
	switch (json_typeof(value)) {
	case JSON_NULL: strbuf_addstr(out, "null"); return 0;
	case JSON_TRUE: strbuf_addstr(out, "true"); return 0;
	case JSON_FALSE: strbuf_addstr(out, "false"); return 0;
	case JSON_INTEGER: {
		json_int_t integer = json_integer_value(value);
		if (integer > CANONICAL_JSON_MAX_SAFE_INTEGER || integer < -CANONICAL_JSON_MAX_SAFE_INTEGER)
			return -1;
		strbuf_addf(out, "%lld", (long long)integer);
		return 0;
	}
	case JSON_REAL: {
		char number[CANONICAL_JSON_NUMBER_SIZE];
		if (canonical_json_format_number(json_real_value(value), number) != 0)
			return -1;
		strbuf_addstr(out, number);
		return 0;
	}
	case JSON_STRING:
		write_string(json_string_value(value), json_string_length(value), out);
		return 0;
	case JSON_ARRAY: {
		strbuf_addch(out, '[');
		for (size_t i = 0; i < json_array_size(value); i++) {
			if (i)
				strbuf_addch(out, ',');
			if (write_value(json_array_get(value, i), out, depth + 1) != 0)
				return -1;
		}
		strbuf_addch(out, ']');
		return 0;
	}
	case JSON_OBJECT: {
		size_t count = json_object_size(value);
		struct member *members = xcalloc(count ? count : 1, sizeof(*members));
		size_t index = 0;
		/* jansson's iteration API takes a non-const object but does not modify it */
		for (void *iterator = json_object_iter((json_t *)value); iterator && index < count;
		     iterator = json_object_iter_next((json_t *)value, iterator), index++) {
			members[index].name = json_object_iter_key(iterator);
			members[index].name_length = json_object_iter_key_len(iterator);
			members[index].value = json_object_iter_value(iterator);
		}
		qsort(members, index, sizeof(*members), compare_members);
		int status = 0;
		strbuf_addch(out, '{');
		for (size_t i = 0; i < index && status == 0; i++) {
			if (i)
				strbuf_addch(out, ',');
			write_string(members[i].name, members[i].name_length, out);
			strbuf_addch(out, ':');
			status = write_value(members[i].value, out, depth + 1);
		}
		strbuf_addch(out, '}');
		free(members);
		return status;
	}
	}
	return -1;
}

int canonical_json_write(const json_t *value, struct strbuf *out)
{
	if (!value)
		return -1;
	return write_value(value, out, 0);
}

char *canonical_json_dumps(const json_t *value, size_t *length)
{
	struct strbuf out;
	strbuf_init(&out);
	if (canonical_json_write(value, &out) != 0) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, length);
}

bool canonical_json_parse_canonical(const char *data, size_t length, json_t **parsed, char **error)
{
	if (parsed)
		*parsed = NULL;
	json_error_t parse_error;
	json_t *root = json_loadb(data, length, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &parse_error);
	if (!root) {
		if (error)
			*error = xasprintf("not JSON: %s at byte %d", parse_error.text, parse_error.position);
		return false;
	}
	struct strbuf canonical;
	strbuf_init(&canonical);
	bool matches = canonical_json_write(root, &canonical) == 0;
	if (!matches) {
		if (error)
			*error = xstrdup("holds a value canonical JSON cannot represent exactly");
	} else if (canonical.len != length || memcmp(canonical.buf, data, length) != 0) {
		size_t offset = 0;
		while (offset < length && offset < canonical.len && canonical.buf[offset] == data[offset])
			offset++;
		matches = false;
		if (error)
			*error = xasprintf("not in canonical form (first difference at byte %zu)", offset);
	}
	strbuf_release(&canonical);
	if (matches && parsed)
		*parsed = root;
	else
		json_decref(root);
	return matches;
}
