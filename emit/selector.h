/* Instant-vector selectors (`metric{label="value", code=~"5.."}`) read just far enough to
 * build on them: append a range to an SLI selector, or invent series a selector matches for a
 * generated test. Anything richer than one selector is refused, not guessed at. */
#ifndef GOOSE_SELECTOR_H
#define GOOSE_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

enum selector_match {
	SELECTOR_EQUAL,        /* = */
	SELECTOR_NOT_EQUAL,    /* != */
	SELECTOR_REGEX,        /* =~ */
	SELECTOR_NOT_REGEX,    /* !~ */
};

struct selector_matcher {
	char *label;
	enum selector_match match;
	char *value; /* unescaped */
};

/* Ownership: a selector owns its strings. */
struct selector {
	char *metric; /* NULL when only matchers are given */
	struct selector_matcher *matchers;
	size_t matcher_count;
};

/* Parses `text` (surrounding blanks allowed). Returns 0, or -1 when it is not a single
 * instant-vector selector (the selector is then left empty). */
int selector_parse(const char *text, struct selector *selector);
void selector_release(struct selector *selector);

/* Does a series with these labels (NULL-terminated name/value pairs; absent labels are "")
 * match? Regexes are anchored as in Prometheus. Returns -1 when a regex does not compile. */
int selector_matches(const struct selector *selector, const char *metric, const char *const *labels);

#endif
