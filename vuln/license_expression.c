/* SPDX license expressions: a tokenizer and a recursive-descent parser (precedence + > WITH >
 * AND > OR) into an index-linked tree, and the judgement of a tree against a licence policy. */
#include "license_expression.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "banned.h"

void license_expression_init(struct license_expression *expression)
{
	memset(expression, 0, sizeof(*expression));
}

void license_expression_release(struct license_expression *expression)
{
	for (size_t i = 0; i < expression->count; i++) {
		free(expression->nodes[i].id);
		free(expression->nodes[i].exception);
		free(expression->nodes[i].children);
	}
	free(expression->nodes);
	license_expression_init(expression);
}

/* ---- tokens ---- */

enum token_kind {
	TOKEN_END,
	TOKEN_OPEN,
	TOKEN_CLOSE,
	TOKEN_AND,
	TOKEN_OR,
	TOKEN_WITH,
	TOKEN_WORD,
};

struct token {
	enum token_kind kind;
	size_t offset, length;
};

struct parser {
	const char *text;
	size_t position;
	struct token token;
	struct license_expression *expression;
	char *error;
	size_t error_offset;
	int depth;
};

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
	       c == '+' || c == ':';
}

static int fail_at(struct parser *parser, size_t offset, char *message)
{
	if (!parser->error) {
		parser->error = message;
		parser->error_offset = offset;
	} else {
		free(message);
	}
	return -1;
}

static bool word_is(const struct parser *parser, const struct token *token, const char *upper, const char *lower)
{
	size_t length = strlen(upper);
	return token->length == length && (strncmp(parser->text + token->offset, upper, length) == 0 ||
					   strncmp(parser->text + token->offset, lower, length) == 0);
}

/* Reads the next token into parser->token: 0, or -1 on a character no token starts with. */
static int next_token(struct parser *parser)
{
	const char *text = parser->text;
	size_t at = parser->position;
	while (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')
		at++;
	struct token *token = &parser->token;
	token->offset = at;
	token->length = 1;
	if (!text[at]) {
		token->kind = TOKEN_END;
		token->length = 0;
	} else if (text[at] == '(') {
		token->kind = TOKEN_OPEN;
	} else if (text[at] == ')') {
		token->kind = TOKEN_CLOSE;
	} else if (is_word_char(text[at])) {
		size_t end = at;
		while (is_word_char(text[end]))
			end++;
		token->length = end - at;
		token->kind = TOKEN_WORD;
		if (word_is(parser, token, "AND", "and"))
			token->kind = TOKEN_AND;
		else if (word_is(parser, token, "OR", "or"))
			token->kind = TOKEN_OR;
		else if (word_is(parser, token, "WITH", "with"))
			token->kind = TOKEN_WITH;
		else if ((token->length == 3 && strncasecmp(text + at, "AND", 3) == 0) ||
			 (token->length == 2 && strncasecmp(text + at, "OR", 2) == 0) ||
			 (token->length == 4 && strncasecmp(text + at, "WITH", 4) == 0))
			return fail_at(parser, at,
				       xasprintf("operator '%.*s' must be written all upper case or all lower case",
						 (int)token->length, text + at));
	} else {
		unsigned char c = (unsigned char)text[at];
		if (c >= 0x20 && c < 0x7f)
			return fail_at(parser, at, xasprintf("unexpected character '%c' in a licence expression", c));
		return fail_at(parser, at, xasprintf("unexpected byte 0x%02x in a licence expression", c));
	}
	parser->position = token->offset + token->length;
	return 0;
}

/* How the current token is named in a message; the caller frees. */
static char *token_description(const struct parser *parser)
{
	if (parser->token.kind == TOKEN_END)
		return xstrdup("the end");
	return xasprintf("'%.*s'", (int)parser->token.length, parser->text + parser->token.offset);
}

/* The error for a token where an operator (`expected` says which) should have come. */
static int fail_expected_operator(struct parser *parser, const char *expected)
{
	if (parser->token.kind == TOKEN_WORD && parser->text[parser->token.offset] == '+')
		return fail_at(parser, parser->token.offset, xstrdup("'+' must follow a licence id directly"));
	char *found = token_description(parser);
	int status = fail_at(parser, parser->token.offset, xasprintf("expected %s, found %s", expected, found));
	free(found);
	return status;
}

/* ---- nodes ---- */

static size_t add_node(struct parser *parser, enum license_expression_kind kind, size_t offset)
{
	struct license_expression *expression = parser->expression;
	ALLOC_GROW(expression->nodes, expression->count + 1, expression->alloc);
	struct license_expression_node *node = &expression->nodes[expression->count];
	memset(node, 0, sizeof(*node));
	node->kind = kind;
	node->offset = offset;
	return expression->count++;
}

static bool id_string(const char *text, size_t length)
{
	if (!length)
		return false;
	for (size_t i = 0; i < length; i++)
		if (!is_word_char(text[i]) || text[i] == '+' || text[i] == ':')
			return false;
	return true;
}

/* Checks a licence word (with its '+') against the SPDX forms. */
static int check_license_word(struct parser *parser, size_t offset, size_t length)
{
	const char *word = parser->text + offset;
	size_t plus = 0;
	while (plus < length && word[plus] != '+')
		plus++;
	if (plus == 0)
		return fail_at(parser, offset, xstrdup("'+' must follow a licence id directly"));
	if (plus < length - 1)
		return fail_at(parser, offset + plus, xasprintf("'+' may only end a licence id, in '%.*s'", (int)length, word));
	size_t id_length = plus;
	static const char license_ref[] = "LicenseRef-", document_ref[] = "DocumentRef-";
	const char *colon = memchr(word, ':', id_length);
	if (colon) {
		size_t document_length = (size_t)(colon - word);
		const char *rest = colon + 1;
		size_t rest_length = id_length - document_length - 1;
		if (document_length <= strlen(document_ref) || strncmp(word, document_ref, strlen(document_ref)) != 0 ||
		    !id_string(word, document_length) || rest_length <= strlen(license_ref) ||
		    strncmp(rest, license_ref, strlen(license_ref)) != 0 || !id_string(rest, rest_length))
			return fail_at(parser, offset,
				       xasprintf("'%.*s' is not a licence id: ':' only joins DocumentRef-<id>:LicenseRef-<id>",
						 (int)length, word));
		return 0;
	}
	if (id_length == strlen(license_ref) && strncmp(word, license_ref, id_length) == 0)
		return fail_at(parser, offset, xstrdup("'LicenseRef-' needs an id after it"));
	return 0;
}

static int parse_or(struct parser *parser, const char *after, size_t *out);

/* A licence with its '+' and WITH exception, or a parenthesised expression. */
static int parse_primary(struct parser *parser, const char *after, size_t *out)
{
	struct token token = parser->token;
	if (token.kind == TOKEN_OPEN) {
		if (parser->depth >= LICENSE_EXPRESSION_MAX_DEPTH)
			return fail_at(parser, token.offset,
				       xasprintf("parentheses nested deeper than %d", LICENSE_EXPRESSION_MAX_DEPTH));
		parser->depth++;
		if (next_token(parser) < 0 || parse_or(parser, "(", out) < 0)
			return -1;
		parser->depth--;
		if (parser->token.kind == TOKEN_END)
			return fail_at(parser, token.offset, xstrdup("'(' is never closed"));
		if (parser->token.kind != TOKEN_CLOSE)
			return fail_expected_operator(parser, "AND, OR, WITH or ')'");
		if (next_token(parser) < 0)
			return -1;
		if (parser->token.kind == TOKEN_WITH)
			return fail_at(parser, parser->token.offset,
				       xstrdup("WITH must follow a licence id, not a parenthesised expression"));
		return 0;
	}
	if (token.kind != TOKEN_WORD) {
		char *found = token_description(parser);
		int status = after ? fail_at(parser, token.offset,
					     xasprintf("expected a licence id after '%s', found %s", after, found))
				   : fail_at(parser, token.offset, xasprintf("expected a licence id, found %s", found));
		free(found);
		return status;
	}
	if (check_license_word(parser, token.offset, token.length) < 0)
		return -1;
	bool or_later = parser->text[token.offset + token.length - 1] == '+';
	size_t index = add_node(parser, LICENSE_EXPRESSION_LICENSE, token.offset);
	struct license_expression_node *leaf = &parser->expression->nodes[index];
	leaf->id = xstrndup(parser->text + token.offset, token.length - (or_later ? 1 : 0));
	leaf->or_later = or_later;
	leaf->length = token.length;
	*out = index;
	if (next_token(parser) < 0)
		return -1;
	if (parser->token.kind != TOKEN_WITH)
		return 0;
	if (next_token(parser) < 0)
		return -1;
	struct token exception = parser->token;
	if (exception.kind != TOKEN_WORD) {
		char *found = token_description(parser);
		int status = fail_at(parser, exception.offset,
				     xasprintf("expected an exception id after 'WITH', found %s", found));
		free(found);
		return status;
	}
	const char *word = parser->text + exception.offset;
	if (!id_string(word, exception.length))
		return fail_at(parser, exception.offset,
			       xasprintf("'%.*s' is not an exception id: letters, digits, '.' and '-' only",
					 (int)exception.length, word));
	parser->expression->nodes[index].exception = xstrndup(word, exception.length);
	if (next_token(parser) < 0)
		return -1;
	if (parser->token.kind == TOKEN_WITH)
		return fail_at(parser, parser->token.offset, xstrdup("a licence takes one WITH exception"));
	return 0;
}

/* operand (OPERATOR operand)*, made one node of `kind` when there are two or more. */
static int parse_chain(struct parser *parser, enum token_kind operator_token, enum license_expression_kind kind,
		       const char *operator_name, int (*operand)(struct parser *, const char *, size_t *),
		       const char *after, size_t *out)
{
	size_t first;
	if (operand(parser, after, &first) < 0)
		return -1;
	if (parser->token.kind != operator_token) {
		*out = first;
		return 0;
	}
	size_t *children = xmalloc(2 * sizeof(*children));
	size_t count = 0, alloc = 2;
	children[count++] = first;
	while (parser->token.kind == operator_token) {
		size_t next;
		if (next_token(parser) < 0 || operand(parser, operator_name, &next) < 0) {
			free(children);
			return -1;
		}
		ALLOC_GROW(children, count + 1, alloc);
		children[count++] = next;
	}
	size_t index = add_node(parser, kind, parser->expression->nodes[first].offset);
	parser->expression->nodes[index].children = children;
	parser->expression->nodes[index].child_count = count;
	*out = index;
	return 0;
}

static int parse_and(struct parser *parser, const char *after, size_t *out)
{
	return parse_chain(parser, TOKEN_AND, LICENSE_EXPRESSION_AND, "AND", parse_primary, after, out);
}

static int parse_or(struct parser *parser, const char *after, size_t *out)
{
	return parse_chain(parser, TOKEN_OR, LICENSE_EXPRESSION_OR, "OR", parse_and, after, out);
}

int license_expression_parse(struct license_expression *expression, const char *text, char **error,
			     size_t *error_offset)
{
	license_expression_init(expression);
	struct parser parser = { .text = text, .expression = expression };
	int status = next_token(&parser);
	if (status == 0 && parser.token.kind == TOKEN_END)
		status = fail_at(&parser, parser.token.offset, xstrdup("the licence expression is empty"));
	if (status == 0)
		status = parse_or(&parser, NULL, &expression->root);
	if (status == 0 && parser.token.kind == TOKEN_CLOSE)
		status = fail_at(&parser, parser.token.offset, xstrdup("')' without a matching '('"));
	else if (status == 0 && parser.token.kind != TOKEN_END)
		status = fail_expected_operator(&parser, "AND, OR or WITH");
	if (status < 0) {
		license_expression_release(expression);
		*error = parser.error;
		*error_offset = parser.error_offset;
		return -1;
	}
	return 0;
}

char *license_expression_leaf_text(const struct license_expression_node *leaf)
{
	if (leaf->exception)
		return xasprintf("%s%s WITH %s", leaf->id, leaf->or_later ? "+" : "", leaf->exception);
	return xasprintf("%s%s", leaf->id, leaf->or_later ? "+" : "");
}

/* ---- the policy ---- */

static void entries_init(struct license_policy_entry **entries, size_t *count, const char *const *texts, size_t n)
{
	*entries = n ? xcalloc(n, sizeof(**entries)) : NULL;
	*count = n;
	for (size_t i = 0; i < n; i++) {
		struct license_policy_entry *entry = &(*entries)[i];
		entry->text = xstrdup(texts[i]);
		char *error = NULL;
		size_t offset;
		if (license_expression_parse(&entry->parsed, texts[i], &error, &offset) < 0) {
			free(error);
			license_expression_init(&entry->parsed);
		} else if (entry->parsed.count != 1) {
			license_expression_release(&entry->parsed);
		}
	}
}

static void entries_release(struct license_policy_entry *entries, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(entries[i].text);
		license_expression_release(&entries[i].parsed);
	}
	free(entries);
}

void license_policy_init(struct license_policy *policy, const char *const *allow, size_t allow_count,
			 const char *const *deny, size_t deny_count)
{
	entries_init(&policy->allow, &policy->allow_count, allow, allow_count);
	entries_init(&policy->deny, &policy->deny_count, deny, deny_count);
}

void license_policy_release(struct license_policy *policy)
{
	entries_release(policy->allow, policy->allow_count);
	entries_release(policy->deny, policy->deny_count);
	memset(policy, 0, sizeof(*policy));
}

static bool ends_with(const char *text, size_t length, const char *suffix)
{
	size_t suffix_length = strlen(suffix);
	return length > suffix_length && strncasecmp(text + length - suffix_length, suffix, suffix_length) == 0;
}

/* A licence reduced to a version and whether later ones count: "GPL-2.0-only" and "GPL-2.0"
 * are (GPL-2.0, false); "GPL-2.0+" and "GPL-2.0-or-later" are (GPL-2.0, true). */
static size_t base_length(const char *id, bool or_later, bool *later)
{
	size_t length = strlen(id);
	*later = or_later;
	if (ends_with(id, length, "-or-later")) {
		*later = true;
		return length - strlen("-or-later");
	}
	if (ends_with(id, length, "-only"))
		return length - strlen("-only");
	return length;
}

static bool same_exception(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0;
}

/* The first entry naming this licence, else (for an "X+" licence) the first naming X. */
static long find_entry(const struct license_policy_entry *entries, size_t count, const char *id, bool or_later,
		       const char *exception)
{
	bool later;
	size_t length = base_length(id, or_later, &later);
	for (int pass = 0; pass < (later ? 2 : 1); pass++) {
		for (size_t i = 0; i < count; i++) {
			if (entries[i].parsed.count != 1)
				continue;
			const struct license_expression_node *entry = &entries[i].parsed.nodes[0];
			bool entry_later;
			size_t entry_length = base_length(entry->id, entry->or_later, &entry_later);
			if (entry_length == length && strncasecmp(entry->id, id, length) == 0 &&
			    same_exception(entry->exception, exception) && entry_later == (pass == 0 ? later : false))
				return (long)i;
		}
	}
	return -1;
}

static enum license_verdict decided(long index, enum license_verdict verdict, long *entry_index)
{
	if (entry_index)
		*entry_index = index;
	return verdict;
}

enum license_verdict license_policy_license(const struct license_policy *policy, const char *id, bool or_later,
					    const char *exception, long *entry_index)
{
	long index;
	if (exception) {
		if ((index = find_entry(policy->deny, policy->deny_count, id, or_later, exception)) >= 0)
			return decided(index, LICENSE_DENIED, entry_index);
		if ((index = find_entry(policy->allow, policy->allow_count, id, or_later, exception)) >= 0)
			return decided(index, LICENSE_ALLOWED, entry_index);
	}
	if ((index = find_entry(policy->deny, policy->deny_count, id, or_later, NULL)) >= 0)
		return decided(index, LICENSE_DENIED, entry_index);
	if (!policy->allow_count)
		return decided(-1, LICENSE_ALLOWED, entry_index);
	if ((index = find_entry(policy->allow, policy->allow_count, id, or_later, NULL)) >= 0)
		return decided(index, LICENSE_ALLOWED, entry_index);
	return decided(-1, LICENSE_NOT_ALLOWED, entry_index);
}

static long find_text(const struct license_policy_entry *entries, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(entries[i].text, name) == 0)
			return (long)i;
	return -1;
}

enum license_verdict license_policy_name(const struct license_policy *policy, const char *name, long *entry_index)
{
	long index;
	if ((index = find_text(policy->deny, policy->deny_count, name)) >= 0)
		return decided(index, LICENSE_DENIED, entry_index);
	if (!policy->allow_count)
		return decided(-1, LICENSE_ALLOWED, entry_index);
	if ((index = find_text(policy->allow, policy->allow_count, name)) >= 0)
		return decided(index, LICENSE_ALLOWED, entry_index);
	return decided(-1, LICENSE_NOT_ALLOWED, entry_index);
}

/* ---- judgement ---- */

void license_judgement_init(struct license_judgement *judgement)
{
	memset(judgement, 0, sizeof(*judgement));
}

void license_judgement_release(struct license_judgement *judgement)
{
	free(judgement->leaves);
	license_judgement_init(judgement);
}

/* Per node: can a choice of it avoid every denied licence (clear), can one hold only allowed
 * licences (satisfied). */
struct node_state {
	bool clear, satisfied;
};

/* The leaves under `index` that keep it from being clear (want_satisfied false) or
 * satisfied (true): of an AND only the children that fail, of an OR all of them. */
static void blame(const struct license_expression *expression, const struct node_state *states, size_t index,
		  bool want_satisfied, struct license_judgement *judgement)
{
	const struct license_expression_node *node = &expression->nodes[index];
	if (node->kind == LICENSE_EXPRESSION_LICENSE) {
		ALLOC_GROW(judgement->leaves, judgement->leaf_count + 1, judgement->leaf_alloc);
		judgement->leaves[judgement->leaf_count++] = index;
		return;
	}
	for (size_t i = 0; i < node->child_count; i++) {
		const struct node_state *child = &states[node->children[i]];
		if (!(want_satisfied ? child->satisfied : child->clear))
			blame(expression, states, node->children[i], want_satisfied, judgement);
	}
}

void license_expression_judge(const struct license_expression *expression, const struct license_policy *policy,
			      struct license_judgement *judgement)
{
	judgement->leaf_count = 0;
	judgement->verdict = LICENSE_ALLOWED;
	if (!expression->count)
		return;
	struct node_state *states = xcalloc(expression->count, sizeof(*states));
	/* children come before their parent, so one pass in index order suffices */
	for (size_t i = 0; i < expression->count; i++) {
		const struct license_expression_node *node = &expression->nodes[i];
		struct node_state *state = &states[i];
		if (node->kind == LICENSE_EXPRESSION_LICENSE) {
			enum license_verdict verdict =
				license_policy_license(policy, node->id, node->or_later, node->exception, NULL);
			state->clear = verdict != LICENSE_DENIED;
			state->satisfied = verdict == LICENSE_ALLOWED;
			continue;
		}
		bool all = node->kind == LICENSE_EXPRESSION_AND;
		state->clear = state->satisfied = all;
		for (size_t c = 0; c < node->child_count; c++) {
			const struct node_state *child = &states[node->children[c]];
			if (all) {
				state->clear &= child->clear;
				state->satisfied &= child->satisfied;
			} else {
				state->clear |= child->clear;
				state->satisfied |= child->satisfied;
			}
		}
	}
	const struct node_state *root = &states[expression->root];
	if (!root->satisfied) {
		judgement->verdict = root->clear ? LICENSE_NOT_ALLOWED : LICENSE_DENIED;
		blame(expression, states, expression->root, root->clear, judgement);
	}
	free(states);
}
