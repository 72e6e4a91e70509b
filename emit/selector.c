/* A reader for one PromQL instant-vector selector, and matching of label sets against it with
 * PCRE2 (close enough to Go's RE2 for the simple patterns SLIs and tests use). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "selector.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static const char *skip_blanks(const char *cursor)
{
	while (*cursor == ' ' || *cursor == '\t' || *cursor == '\n' || *cursor == '\r')
		cursor++;
	return cursor;
}

static const char *read_identifier(const char *cursor, bool allow_colon, char **out)
{
	const char *start = cursor;
	if (!(isalpha((unsigned char)*cursor) || *cursor == '_' || (allow_colon && *cursor == ':')))
		return NULL;
	while (isalnum((unsigned char)*cursor) || *cursor == '_' || (allow_colon && *cursor == ':'))
		cursor++;
	*out = xstrndup(start, (size_t)(cursor - start));
	return cursor;
}

/* A PromQL string: "..." or '...' with the common escapes, or `...` raw. */
static const char *read_string(const char *cursor, char **out)
{
	char quote = *cursor;
	if (quote != '"' && quote != '\'' && quote != '`')
		return NULL;
	struct strbuf value;
	strbuf_init(&value);
	for (cursor++; *cursor && *cursor != quote; cursor++) {
		if (*cursor == '\n' && quote != '`')
			break;
		if (*cursor != '\\' || quote == '`') {
			strbuf_addch(&value, *cursor);
			continue;
		}
		cursor++;
		const char *escapes = "abfnrtv\\\"'";
		const char *replacements = "\a\b\f\n\r\t\v\\\"'";
		const char *found = *cursor ? strchr(escapes, *cursor) : NULL;
		if (!found) {
			strbuf_release(&value);
			return NULL;
		}
		strbuf_addch(&value, replacements[found - escapes]);
	}
	if (*cursor != quote) {
		strbuf_release(&value);
		return NULL;
	}
	*out = strbuf_detach(&value, NULL);
	return cursor + 1;
}

void selector_release(struct selector *selector)
{
	free(selector->metric);
	for (size_t i = 0; i < selector->matcher_count; i++) {
		free(selector->matchers[i].label);
		free(selector->matchers[i].value);
	}
	free(selector->matchers);
	memset(selector, 0, sizeof(*selector));
}

int selector_parse(const char *text, struct selector *selector)
{
	memset(selector, 0, sizeof(*selector));
	const char *cursor = skip_blanks(text);
	if (*cursor != '{') {
		cursor = read_identifier(cursor, true, &selector->metric);
		if (!cursor)
			return -1;
		cursor = skip_blanks(cursor);
	}
	size_t alloc = 0;
	if (*cursor == '{') {
		cursor = skip_blanks(cursor + 1);
		while (*cursor != '}') {
			ALLOC_GROW(selector->matchers, selector->matcher_count + 1, alloc);
			struct selector_matcher *matcher = &selector->matchers[selector->matcher_count];
			memset(matcher, 0, sizeof(*matcher));
			selector->matcher_count++;
			cursor = read_identifier(cursor, false, &matcher->label);
			if (!cursor)
				goto refuse;
			cursor = skip_blanks(cursor);
			if (cursor[0] == '=' && cursor[1] == '~')
				matcher->match = SELECTOR_REGEX, cursor += 2;
			else if (cursor[0] == '!' && cursor[1] == '~')
				matcher->match = SELECTOR_NOT_REGEX, cursor += 2;
			else if (cursor[0] == '!' && cursor[1] == '=')
				matcher->match = SELECTOR_NOT_EQUAL, cursor += 2;
			else if (cursor[0] == '=')
				matcher->match = SELECTOR_EQUAL, cursor += 1;
			else
				goto refuse;
			cursor = read_string(skip_blanks(cursor), &matcher->value);
			if (!cursor)
				goto refuse;
			cursor = skip_blanks(cursor);
			if (*cursor == ',')
				cursor = skip_blanks(cursor + 1);
			else if (*cursor != '}')
				goto refuse;
		}
		cursor = skip_blanks(cursor + 1);
	}
	if (*cursor || (!selector->metric && selector->matcher_count == 0))
		goto refuse;
	return 0;
refuse:
	selector_release(selector);
	return -1;
}

static int regex_matches(const char *pattern, const char *value)
{
	char *anchored = xasprintf("^(?:%s)$", pattern);
	int error_code;
	PCRE2_SIZE error_offset;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)anchored, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_DOTALL, &error_code,
					 &error_offset, NULL);
	free(anchored);
	if (!code)
		return -1;
	pcre2_match_data *match = pcre2_match_data_create_from_pattern(code, NULL);
	int result = pcre2_match(code, (PCRE2_SPTR)value, strlen(value), 0, 0, match, NULL) >= 0;
	pcre2_match_data_free(match);
	pcre2_code_free(code);
	return result;
}

static const char *label_value(const char *const *labels, const char *name)
{
	for (size_t i = 0; labels && labels[i]; i += 2)
		if (strcmp(labels[i], name) == 0)
			return labels[i + 1];
	return "";
}

int selector_matches(const struct selector *selector, const char *metric, const char *const *labels)
{
	if (selector->metric && strcmp(selector->metric, metric) != 0)
		return 0;
	for (size_t i = 0; i < selector->matcher_count; i++) {
		const struct selector_matcher *matcher = &selector->matchers[i];
		const char *value = strcmp(matcher->label, "__name__") == 0 ? metric : label_value(labels, matcher->label);
		int matched;
		switch (matcher->match) {
		case SELECTOR_EQUAL: matched = strcmp(value, matcher->value) == 0; break;
		case SELECTOR_NOT_EQUAL: matched = strcmp(value, matcher->value) != 0; break;
		default:
			matched = regex_matches(matcher->value, value);
			if (matched < 0)
				return -1;
			if (matcher->match == SELECTOR_NOT_REGEX)
				matched = !matched;
			break;
		}
		if (!matched)
			return 0;
	}
	return 1;
}
