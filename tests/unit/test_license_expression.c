/* Unit tests for vuln/license_expression: the SPDX expression grammar (precedence, parentheses,
 * WITH, '+', LicenseRef- and DocumentRef- ids, case of operators), errors with their offsets,
 * and the judgement of expressions against allow and deny lists. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "license_expression.h"
#include "util.h"

/* The tree written back with explicit parentheses: "OR(MIT,AND(a,b))". */
static void show(const struct license_expression *expression, size_t index, struct strbuf *out)
{
	const struct license_expression_node *node = &expression->nodes[index];
	if (node->kind == LICENSE_EXPRESSION_LICENSE) {
		char *text = license_expression_leaf_text(node);
		strbuf_addf(out, "%s@%zu", text, node->offset);
		free(text);
		return;
	}
	strbuf_addstr(out, node->kind == LICENSE_EXPRESSION_AND ? "AND(" : "OR(");
	for (size_t i = 0; i < node->child_count; i++) {
		if (i)
			strbuf_addch(out, ',');
		show(expression, node->children[i], out);
	}
	strbuf_addch(out, ')');
}

static void assert_parses(const char *text, const char *expected)
{
	struct license_expression expression;
	char *error = NULL;
	size_t offset = 0;
	ck_assert_msg(license_expression_parse(&expression, text, &error, &offset) == 0, "'%s': %s at %zu", text,
		      error ? error : "?", offset);
	struct strbuf shown;
	strbuf_init(&shown);
	show(&expression, expression.root, &shown);
	ck_assert_msg(strcmp(shown.buf, expected) == 0, "'%s' parsed as %s, expected %s", text, shown.buf, expected);
	strbuf_release(&shown);
	license_expression_release(&expression);
}

static void assert_refused(const char *text, const char *message, size_t expected_offset)
{
	struct license_expression expression;
	char *error = NULL;
	size_t offset = 99999;
	ck_assert_msg(license_expression_parse(&expression, text, &error, &offset) == -1, "'%s' parsed", text);
	ck_assert_msg(strcmp(error, message) == 0, "'%s': got '%s', expected '%s'", text, error, message);
	ck_assert_msg(offset == expected_offset, "'%s': offset %zu, expected %zu", text, offset, expected_offset);
	ck_assert_uint_eq(expression.count, 0);
	free(error);
}

START_TEST(test_precedence_and_grouping)
{
	assert_parses("MIT", "MIT@0");
	assert_parses("MIT OR Apache-2.0 AND BSD-3-Clause", "OR(MIT@0,AND(Apache-2.0@7,BSD-3-Clause@22))");
	assert_parses("MIT AND Apache-2.0 OR BSD-3-Clause", "OR(AND(MIT@0,Apache-2.0@8),BSD-3-Clause@22)");
	assert_parses("(MIT OR Apache-2.0) AND BSD-3-Clause", "AND(OR(MIT@1,Apache-2.0@8),BSD-3-Clause@24)");
	assert_parses("a AND b AND c OR d OR e", "OR(AND(a@0,b@6,c@12),d@17,e@22)");
	assert_parses("((MIT))", "MIT@2");
	assert_parses("  MIT  OR\tISC\n", "OR(MIT@2,ISC@10)");
	assert_parses("mit or isc and zlib", "OR(mit@0,AND(isc@7,zlib@15))");
	assert_parses("(MIT)AND(ISC)", "AND(MIT@1,ISC@9)");
}
END_TEST

START_TEST(test_licences_plus_with_and_refs)
{
	assert_parses("GPL-2.0+ WITH Classpath-exception-2.0", "GPL-2.0+ WITH Classpath-exception-2.0@0");
	assert_parses("GPL-2.0-only with Classpath-exception-2.0 OR MIT",
		      "OR(GPL-2.0-only WITH Classpath-exception-2.0@0,MIT@45)");
	assert_parses("LicenseRef-acme-1.0 OR DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
		      "OR(LicenseRef-acme-1.0@0,DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2@23)");
	struct license_expression expression;
	char *error = NULL;
	size_t offset;
	ck_assert_int_eq(license_expression_parse(&expression, "LGPL-2.1+", &error, &offset), 0);
	ck_assert_str_eq(expression.nodes[0].id, "LGPL-2.1");
	ck_assert(expression.nodes[0].or_later);
	ck_assert_uint_eq(expression.nodes[0].length, 9);
	ck_assert_ptr_null(expression.nodes[0].exception);
	license_expression_release(&expression);
}
END_TEST

START_TEST(test_errors_and_their_offsets)
{
	assert_refused("", "the licence expression is empty", 0);
	assert_refused("   ", "the licence expression is empty", 3);
	assert_refused("MIT OR", "expected a licence id after 'OR', found the end", 6);
	assert_refused("MIT AND", "expected a licence id after 'AND', found the end", 7);
	assert_refused("AND MIT", "expected a licence id, found 'AND'", 0);
	assert_refused("MIT OR OR ISC", "expected a licence id after 'OR', found 'OR'", 7);
	assert_refused("Apache License 2.0", "expected AND, OR or WITH, found 'License'", 7);
	assert_refused("(MIT", "'(' is never closed", 0);
	assert_refused("MIT OR (ISC AND (Zlib)", "'(' is never closed", 7);
	assert_refused("MIT)", "')' without a matching '('", 3);
	assert_refused("()", "expected a licence id after '(', found ')'", 1);
	assert_refused("(MIT ISC)", "expected AND, OR, WITH or ')', found 'ISC'", 5);
	assert_refused("MIT And ISC", "operator 'And' must be written all upper case or all lower case", 4);
	assert_refused("(MIT OR ISC) WITH Classpath-exception-2.0",
		       "WITH must follow a licence id, not a parenthesised expression", 13);
	assert_refused("GPL-2.0 WITH", "expected an exception id after 'WITH', found the end", 12);
	assert_refused("GPL-2.0 WITH (X)", "expected an exception id after 'WITH', found '('", 13);
	assert_refused("GPL-2.0 WITH A WITH B", "a licence takes one WITH exception", 15);
	assert_refused("WITH MIT", "expected a licence id, found 'WITH'", 0);
	assert_refused("GPL-2.0 WITH Classpath+", "'Classpath+' is not an exception id: letters, digits, '.' and '-' only", 13);
	assert_refused("GPL+-2.0", "'+' may only end a licence id, in 'GPL+-2.0'", 3);
	assert_refused("MIT +", "'+' must follow a licence id directly", 4);
	assert_refused("(MIT +)", "'+' must follow a licence id directly", 5);
	assert_refused("+MIT", "'+' must follow a licence id directly", 0);
	assert_refused("LicenseRef-", "'LicenseRef-' needs an id after it", 0);
	assert_refused("a:b", "'a:b' is not a licence id: ':' only joins DocumentRef-<id>:LicenseRef-<id>", 0);
	assert_refused("MIT OR DocumentRef-x:Other", "'DocumentRef-x:Other' is not a licence id: ':' only joins "
						     "DocumentRef-<id>:LicenseRef-<id>", 7);
	assert_refused("MIT/ISC", "unexpected character '/' in a licence expression", 3);
	assert_refused("MIT, ISC", "unexpected character ',' in a licence expression", 3);
	assert_refused("MIT OR \xc3\xa9", "unexpected byte 0xc3 in a licence expression", 7);
}
END_TEST

START_TEST(test_nesting_limit)
{
	struct strbuf text;
	strbuf_init(&text);
	for (int i = 0; i < LICENSE_EXPRESSION_MAX_DEPTH; i++)
		strbuf_addch(&text, '(');
	strbuf_addstr(&text, "MIT");
	for (int i = 0; i < LICENSE_EXPRESSION_MAX_DEPTH; i++)
		strbuf_addch(&text, ')');
	char *expected = xasprintf("MIT@%d", LICENSE_EXPRESSION_MAX_DEPTH);
	assert_parses(text.buf, expected);
	free(expected);
	strbuf_reset(&text);
	for (int i = 0; i <= LICENSE_EXPRESSION_MAX_DEPTH; i++)
		strbuf_addch(&text, '(');
	strbuf_addstr(&text, "MIT");
	assert_refused(text.buf, "parentheses nested deeper than 64", LICENSE_EXPRESSION_MAX_DEPTH);
	strbuf_release(&text);
}
END_TEST

static const char *const allow_list[] = { "MIT", "ISC", "GPL-2.0-only WITH Classpath-exception-2.0", "LGPL-2.1-only",
					  "GPL-2.0-or-later" };
static const char *const deny_list[] = { "AGPL-3.0-only", "GPL-3.0-only" };

/* The verdict and the blamed licences ("GPL-3.0-only,Zlib") of an expression. */
static void assert_judged(const struct license_policy *policy, const char *text, enum license_verdict verdict,
			  const char *blamed)
{
	struct license_expression expression;
	char *error = NULL;
	size_t offset;
	ck_assert_msg(license_expression_parse(&expression, text, &error, &offset) == 0, "%s", error ? error : "?");
	struct license_judgement judgement;
	license_judgement_init(&judgement);
	license_expression_judge(&expression, policy, &judgement);
	struct strbuf shown;
	strbuf_init(&shown);
	for (size_t i = 0; i < judgement.leaf_count; i++) {
		char *leaf = license_expression_leaf_text(&expression.nodes[judgement.leaves[i]]);
		strbuf_addf(&shown, "%s%s", i ? "," : "", leaf);
		free(leaf);
	}
	ck_assert_msg(judgement.verdict == verdict, "'%s': verdict %d, expected %d", text, judgement.verdict, verdict);
	ck_assert_msg(strcmp(shown.buf, blamed) == 0, "'%s': blamed '%s', expected '%s'", text, shown.buf, blamed);
	strbuf_release(&shown);
	license_judgement_release(&judgement);
	license_expression_release(&expression);
}

START_TEST(test_judgement_of_choices)
{
	struct license_policy policy;
	license_policy_init(&policy, allow_list, 5, deny_list, 2);
	assert_judged(&policy, "MIT", LICENSE_ALLOWED, "");
	assert_judged(&policy, "MIT OR GPL-3.0-only", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-3.0-only OR MIT", LICENSE_ALLOWED, "");
	assert_judged(&policy, "MIT AND GPL-3.0-only", LICENSE_DENIED, "GPL-3.0-only");
	assert_judged(&policy, "GPL-3.0-only OR AGPL-3.0-only", LICENSE_DENIED, "GPL-3.0-only,AGPL-3.0-only");
	/* a way around the denied licence exists, but it is not allowed either */
	assert_judged(&policy, "GPL-3.0-only OR Zlib", LICENSE_NOT_ALLOWED, "GPL-3.0-only,Zlib");
	assert_judged(&policy, "(MIT OR Zlib) AND (ISC OR GPL-3.0-only)", LICENSE_ALLOWED, "");
	/* Zlib and BSD-2-Clause are a way out of nothing: only the denied licence is blamed */
	assert_judged(&policy, "(Zlib OR BSD-2-Clause) AND GPL-3.0-only", LICENSE_DENIED, "GPL-3.0-only");
	assert_judged(&policy, "(Zlib OR BSD-2-Clause) AND MIT", LICENSE_NOT_ALLOWED, "Zlib,BSD-2-Clause");
	assert_judged(&policy, "MIT AND (Zlib OR (ISC AND AGPL-3.0-only))", LICENSE_NOT_ALLOWED, "Zlib,AGPL-3.0-only");
	assert_judged(&policy, "(MIT AND AGPL-3.0-only) OR (ISC AND GPL-3.0+)", LICENSE_DENIED, "AGPL-3.0-only,GPL-3.0+");
	assert_judged(&policy, "mit AND isc", LICENSE_ALLOWED, "");
	license_policy_release(&policy);
}
END_TEST

START_TEST(test_judgement_of_one_licence)
{
	struct license_policy policy;
	license_policy_init(&policy, allow_list, 5, deny_list, 2);
	/* an exception decides only where an entry names the pairing */
	assert_judged(&policy, "GPL-2.0-only WITH Classpath-exception-2.0", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-2.0 WITH classpath-exception-2.0", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-2.0-only", LICENSE_NOT_ALLOWED, "GPL-2.0-only");
	assert_judged(&policy, "AGPL-3.0-only WITH Classpath-exception-2.0", LICENSE_DENIED,
		      "AGPL-3.0-only WITH Classpath-exception-2.0");
	assert_judged(&policy, "MIT WITH Some-exception", LICENSE_ALLOWED, "");
	/* '+' and -or-later are one thing; an X+ is allowed when X is, denied when X is */
	assert_judged(&policy, "LGPL-2.1+", LICENSE_ALLOWED, "");
	assert_judged(&policy, "LGPL-2.1-or-later", LICENSE_ALLOWED, "");
	assert_judged(&policy, "LGPL-2.1", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-3.0+", LICENSE_DENIED, "GPL-3.0+");
	assert_judged(&policy, "GPL-3.0-or-later", LICENSE_DENIED, "GPL-3.0-or-later");
	assert_judged(&policy, "GPL-2.0+", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-2.0-only+", LICENSE_ALLOWED, "");
	assert_judged(&policy, "LGPL-3.0-only", LICENSE_NOT_ALLOWED, "LGPL-3.0-only");
	assert_judged(&policy, "LicenseRef-acme", LICENSE_NOT_ALLOWED, "LicenseRef-acme");
	long entry;
	ck_assert_int_eq(license_policy_license(&policy, "gpl-3.0", true, NULL, &entry), LICENSE_DENIED);
	ck_assert_int_eq(entry, 1);
	/* an entry for the or-later licence itself comes before one for its base version */
	static const char *const versions[] = { "AGPL-3.0-only", "AGPL-3.0-or-later" };
	struct license_policy by_version;
	license_policy_init(&by_version, NULL, 0, versions, 2);
	ck_assert_int_eq(license_policy_license(&by_version, "AGPL-3.0-or-later", false, NULL, &entry), LICENSE_DENIED);
	ck_assert_int_eq(entry, 1);
	ck_assert_int_eq(license_policy_license(&by_version, "AGPL-3.0", true, NULL, &entry), LICENSE_DENIED);
	ck_assert_int_eq(entry, 1);
	ck_assert_int_eq(license_policy_license(&by_version, "AGPL-3.0", false, NULL, &entry), LICENSE_DENIED);
	ck_assert_int_eq(entry, 0);
	license_policy_release(&by_version);
	ck_assert_int_eq(license_policy_license(&policy, "GPL-2.0", false, "Classpath-exception-2.0", &entry),
			 LICENSE_ALLOWED);
	ck_assert_int_eq(entry, 2);
	ck_assert_int_eq(license_policy_license(&policy, "Zlib", false, NULL, &entry), LICENSE_NOT_ALLOWED);
	ck_assert_int_eq(entry, -1);
	/* free names compare as text */
	ck_assert_int_eq(license_policy_name(&policy, "isc", &entry), LICENSE_ALLOWED);
	ck_assert_int_eq(entry, 1);
	ck_assert_int_eq(license_policy_name(&policy, "Apache License 2.0", &entry), LICENSE_NOT_ALLOWED);
	ck_assert_int_eq(license_policy_name(&policy, "agpl-3.0-only", &entry), LICENSE_DENIED);
	ck_assert_int_eq(entry, 0);
	license_policy_release(&policy);
}
END_TEST

START_TEST(test_policy_without_allow_list)
{
	struct license_policy policy;
	static const char *const deny[] = { "GPL-3.0-only", "LicenseRef-proprietary" };
	license_policy_init(&policy, NULL, 0, deny, 2);
	assert_judged(&policy, "Zlib", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-3.0-only OR Zlib", LICENSE_ALLOWED, "");
	assert_judged(&policy, "GPL-3.0-only AND Zlib", LICENSE_DENIED, "GPL-3.0-only");
	assert_judged(&policy, "licenseref-PROPRIETARY", LICENSE_DENIED, "licenseref-PROPRIETARY");
	long entry = 7;
	ck_assert_int_eq(license_policy_license(&policy, "Zlib", false, NULL, &entry), LICENSE_ALLOWED);
	ck_assert_int_eq(entry, -1);
	license_policy_release(&policy);
	/* deny wins over allow */
	static const char *const both[] = { "MIT" };
	license_policy_init(&policy, both, 1, both, 1);
	assert_judged(&policy, "MIT", LICENSE_DENIED, "MIT");
	license_policy_release(&policy);
}
END_TEST

static Suite *license_expression_suite(void)
{
	Suite *suite = suite_create("license_expression");
	TCase *parse = tcase_create("parse");
	tcase_add_test(parse, test_precedence_and_grouping);
	tcase_add_test(parse, test_licences_plus_with_and_refs);
	tcase_add_test(parse, test_errors_and_their_offsets);
	tcase_add_test(parse, test_nesting_limit);
	suite_add_tcase(suite, parse);
	TCase *judge = tcase_create("judge");
	tcase_add_test(judge, test_judgement_of_choices);
	tcase_add_test(judge, test_judgement_of_one_licence);
	tcase_add_test(judge, test_policy_without_allow_list);
	suite_add_tcase(suite, judge);
	return suite;
}

CHECK_MAIN(license_expression_suite)
