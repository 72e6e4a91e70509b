/* Secret scanning: a built-in rule set modelled on gitleaks' defaults (keyword prefilter, PCRE2,
 * Shannon entropy, allowlists) run over the text of every file of the tree. A finding names the
 * rule and a redacted preview; the secret itself never reaches a diagnostic or a quoted line.
 *
 * Ownership: a scanner owns its compiled patterns; findings point into the caller's text. */
#ifndef GOOSE_SECRETS_H
#define GOOSE_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define SECRETS_MAX_KEYWORDS 12

/* One rule of the table in secret_rules.c. */
struct secrets_rule {
	const char *id;          /* "secret-<gitleaks id>", the diagnostic's rule id */
	const char *gitleaks_id; /* the upstream rule it ports; NULL for goosec's own rules */
	const char *description; /* lowercase, no final full stop */
	const char *pattern;     /* PCRE2 (gitleaks' RE2 pattern, which PCRE2 reads the same way) */
	const char *keywords[SECRETS_MAX_KEYWORDS]; /* lowercase, NULL-terminated: the prefilter */
	double entropy;          /* minimum Shannon entropy of the secret in bits per byte; 0: none */
	int secret_group;        /* 0: the first non-empty capture group, or the whole match; -1: the
				 * whole match even when the pattern has groups */
	const char *allow_secret; /* a secret this pattern matches is not reported (NULL: none) */
	const char *allow_match;  /* the same, tried on the whole match */
	const char *allow_line;   /* the same, tried on the line of the match */
	bool generic;             /* yields to a specific rule finding the same secret on its line */
};

extern const struct secrets_rule secrets_rules[];
extern const size_t secrets_rule_count;

struct secrets_compiled_rule;

struct secrets_scanner {
	struct secrets_compiled_rule *rules; /* parallel to secrets_rules */
	void *global_allow;                  /* pcre2_code *: placeholders and gitleaks' global list */
	void *match_context;                 /* pcre2_match_context *: the match limit */
	void *match_data;                    /* pcre2_match_data *, sized for every pattern */
	size_t rule_count;
	/* the keyword prefilter: distinct keywords indexed by their first two bytes, so one pass over
	 * a file finds every keyword it holds */
	const char **keywords;
	size_t *keyword_lengths;
	size_t keyword_count;
	uint32_t *keywords_by_bigram;        /* 65537 offsets into keyword_order */
	uint32_t *keyword_order;
	uint32_t (*rule_keywords)[SECRETS_MAX_KEYWORDS]; /* per rule: indices into keywords */
};

struct secrets_finding {
	size_t rule;          /* index into secrets_rules */
	size_t offset, length; /* of the secret in the scanned text */
	int line, col;        /* 1-based; col counts UTF-8 characters */
};

/* Compiles every pattern once. 0, or -1 with a message in *error (caller frees). */
int secrets_scanner_init(struct secrets_scanner *scanner, char **error);
void secrets_scanner_release(struct secrets_scanner *scanner);

/* Calls `found` for every finding in `text` (no NUL bytes expected), in order of offset, after
 * the keyword prefilter, entropy, allowlists and inline allow comments ("goosec:allow-secret" or
 * "gitleaks:allow" on the line). Returns the number of findings. */
size_t secrets_scan(const struct secrets_scanner *scanner, const char *text, size_t length,
		    void (*found)(const struct secrets_finding *finding, void *opaque), void *opaque);

/* Shannon entropy in bits per byte. */
double secrets_entropy(const char *text, size_t length);

/* A preview that cannot give the secret away: up to 4 leading characters (fewer for short
 * secrets), an ellipsis and the length. Caller frees. */
char *secrets_redacted_preview(const char *secret, size_t length);

/* Scans one file's text and reports every finding at `path` as an error diagnostic. Any copy of
 * the file's text registered on `diags` for quoting has its secrets masked, and a file with a
 * finding is registered masked, so a quoted line never shows a secret. Returns the count. */
size_t secrets_report(const struct secrets_scanner *scanner, const char *path, const char *text, size_t length,
		      struct diag_list *diags);

/* The gitignore-style globs of a .goosecignore file (comments, '!', leading and trailing '/',
 * '*', '?', '[...]', '**'). */
struct secrets_ignore {
	char **patterns;
	size_t count, alloc;
};

void secrets_ignore_init(struct secrets_ignore *ignore);
void secrets_ignore_release(struct secrets_ignore *ignore);
void secrets_ignore_parse(struct secrets_ignore *ignore, const char *text, size_t length);
/* True when `relative_path` ('/'-separated) is ignored; `is_directory` for folders. */
bool secrets_ignore_match(const struct secrets_ignore *ignore, const char *relative_path, bool is_directory);

#endif
