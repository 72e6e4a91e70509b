/* SPDX license expressions (SPDX 2.3 annex D): parsed into a tree with byte offsets, and
 * judged against a licence policy of allowed and denied licences.
 *
 * Grammar: `+` binds tightest ("GPL-2.0+": that version or any later one), then WITH (a
 * licence and one exception), then AND, then OR; parentheses group. Operators are written all
 * upper case or all lower case. A licence is an SPDX id, LicenseRef-<id> or
 * DocumentRef-<id>:LicenseRef-<id> (letters, digits, '.' and '-').
 *
 * Judgement: an expression offers choices (OR: either side; AND: both sides together). It is
 * allowed when one choice holds only allowed licences; it is denied when every choice holds a
 * denied licence; otherwise it is not allowed.
 *
 * Ownership: a struct license_expression owns its nodes and their strings; a judgement owns
 * its list of node indices; error messages are the caller's to free. libc only (both binaries
 * link vuln/). */
#ifndef GOOSE_LICENSE_EXPRESSION_H
#define GOOSE_LICENSE_EXPRESSION_H

#include <stdbool.h>
#include <stddef.h>

/* Parentheses nested deeper than this are refused (the parser recurses on them). */
#define LICENSE_EXPRESSION_MAX_DEPTH 64

enum license_expression_kind {
	LICENSE_EXPRESSION_LICENSE, /* a leaf: id, or_later, exception */
	LICENSE_EXPRESSION_AND,
	LICENSE_EXPRESSION_OR,
};

struct license_expression_node {
	enum license_expression_kind kind;
	char *id;          /* LICENSE: "MIT", "LicenseRef-acme", without the '+' */
	bool or_later;     /* LICENSE: written with '+' */
	char *exception;   /* LICENSE: the id after WITH, or NULL */
	size_t offset;     /* byte offset of the id (of the first operand for AND and OR) */
	size_t length;     /* bytes of the id with its '+' (leaves only) */
	size_t *children;  /* AND, OR: node indices, two or more, in written order */
	size_t child_count;
};

struct license_expression {
	struct license_expression_node *nodes; /* children before their parent */
	size_t count, alloc;
	size_t root;                           /* index of the top node */
};

void license_expression_init(struct license_expression *expression);
void license_expression_release(struct license_expression *expression);

/* Parses `text`. 0, or -1 with *error a one-line message ("expected a licence id after 'OR',
 * found the end") and *error_offset the byte offset it is about; the expression is then left
 * released. */
int license_expression_parse(struct license_expression *expression, const char *text, char **error,
			     size_t *error_offset);

enum license_verdict {
	LICENSE_ALLOWED,
	LICENSE_NOT_ALLOWED, /* some licence of every choice is outside the allowed list */
	LICENSE_DENIED,      /* every choice needs a denied licence */
};

/* A policy: the licences of its lists are compared as SPDX licences (ids case-insensitively;
 * "GPL-2.0" and "GPL-2.0-only" alike, "GPL-2.0+" and "GPL-2.0-or-later" alike); an entry that
 * is not one licence ("Apache License 2.0") is compared as text, case-insensitively. An empty
 * allowed list allows everything not denied. */
struct license_policy_entry {
	char *text;
	struct license_expression parsed; /* count 0 when the entry is not one licence */
};

struct license_policy {
	struct license_policy_entry *allow, *deny;
	size_t allow_count, deny_count;
};

/* Builds a policy from the two lists (copied). */
void license_policy_init(struct license_policy *policy, const char *const *allow, size_t allow_count,
			 const char *const *deny, size_t deny_count);
void license_policy_release(struct license_policy *policy);

/* The verdict on one licence (a leaf):
 *  - with an exception, an entry naming the licence with that exception decides first (deny,
 *    then allow); otherwise the licence decides as if written without it (an exception only
 *    grants more);
 *  - denied when an entry of deny names it; "X+" is also denied when X is;
 *  - allowed when the allowed list is empty or names it; "X+" is also allowed when X is.
 * *entry_index (may be NULL) gets the index of the deciding entry in its list (deny for
 * DENIED, allow for ALLOWED), or -1 (allowed by an empty list, or not allowed). */
enum license_verdict license_policy_license(const struct license_policy *policy, const char *id, bool or_later,
					    const char *exception, long *entry_index);

/* The verdict on a free licence name (not SPDX syntax): compared as text with every entry. */
enum license_verdict license_policy_name(const struct license_policy *policy, const char *name, long *entry_index);

struct license_judgement {
	enum license_verdict verdict;
	/* the leaves that explain a verdict other than ALLOWED, in written order: for DENIED the
	 * denied licences no choice can avoid; for NOT_ALLOWED the licences that keep each choice
	 * from being allowed (each is denied or not in the allowed list) */
	size_t *leaves;
	size_t leaf_count, leaf_alloc;
};

void license_judgement_init(struct license_judgement *judgement);
void license_judgement_release(struct license_judgement *judgement);

/* Judges a parsed expression against the policy (fills *judgement, which must be initialised). */
void license_expression_judge(const struct license_expression *expression, const struct license_policy *policy,
			      struct license_judgement *judgement);

/* The leaf written back as text: "GPL-2.0+ WITH Classpath-exception-2.0"; caller frees. */
char *license_expression_leaf_text(const struct license_expression_node *leaf);

#endif
