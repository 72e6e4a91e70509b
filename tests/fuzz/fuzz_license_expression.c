/* libFuzzer entry for the SPDX license expression parser: any bytes parse or fail with a
 * message at an offset inside the input; a parsed tree written back with full parentheses
 * parses again to the same text, and its judgement blames licences exactly when it refuses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license_expression.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_back(const struct license_expression *expression, size_t index, struct strbuf *out)
{
	const struct license_expression_node *node = &expression->nodes[index];
	if (node->kind == LICENSE_EXPRESSION_LICENSE) {
		char *text = license_expression_leaf_text(node);
		strbuf_addstr(out, text);
		free(text);
		return;
	}
	strbuf_addch(out, '(');
	for (size_t i = 0; i < node->child_count; i++) {
		if (i)
			strbuf_addstr(out, node->kind == LICENSE_EXPRESSION_AND ? " AND " : " OR ");
		write_back(expression, node->children[i], out);
	}
	strbuf_addch(out, ')');
}

static char *parse_and_write(const char *text, size_t length, size_t *nodes)
{
	struct license_expression expression;
	char *error = NULL;
	size_t offset = 0;
	if (license_expression_parse(&expression, text, &error, &offset) < 0) {
		if (!error || offset > length || expression.count != 0)
			abort();
		free(error);
		return NULL;
	}
	if (expression.root >= expression.count)
		abort();
	for (size_t i = 0; i < expression.count; i++) {
		const struct license_expression_node *node = &expression.nodes[i];
		if (node->offset >= length)
			abort();
		for (size_t c = 0; c < node->child_count; c++)
			if (node->children[c] >= i) /* children come before their parent */
				abort();
	}
	static const char *const allow[] = { "MIT", "ISC", "GPL-2.0-only WITH Classpath-exception-2.0", "LGPL-2.1+" };
	static const char *const deny[] = { "GPL-3.0-only", "LicenseRef-x" };
	struct license_policy policy;
	license_policy_init(&policy, allow, 4, deny, 2);
	struct license_judgement judgement;
	license_judgement_init(&judgement);
	license_expression_judge(&expression, &policy, &judgement);
	if ((judgement.verdict == LICENSE_ALLOWED) != (judgement.leaf_count == 0))
		abort();
	for (size_t i = 0; i < judgement.leaf_count; i++)
		if (expression.nodes[judgement.leaves[i]].kind != LICENSE_EXPRESSION_LICENSE)
			abort();
	license_judgement_release(&judgement);
	license_policy_release(&policy);
	struct strbuf out;
	strbuf_init(&out);
	write_back(&expression, expression.root, &out);
	*nodes = expression.count;
	license_expression_release(&expression);
	return strbuf_detach(&out, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	size_t length = strlen(text), nodes = 0, nodes_again = 0;
	char *written = parse_and_write(text, length, &nodes);
	if (written) {
		char *again = parse_and_write(written, strlen(written), &nodes_again);
		if (!again || strcmp(again, written) != 0 || nodes != nodes_again)
			abort();
		free(again);
	}
	free(written);
	free(text);
	return 0;
}
