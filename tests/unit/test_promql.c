/* Unit tests for the PromQL parser: precedence and associativity, every construct, error
 * positions and kinds, type errors, metric names and label propagation. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "promql.h"
#include "banned.h"

static struct promql_expr parsed;

static const struct promql_node *parse_ok(const char *text)
{
	promql_expr_release(&parsed);
	int status = promql_parse(&parsed, text, strlen(text));
	ck_assert_msg(status == 0, "'%s' should parse: %s", text, parsed.error_message ? parsed.error_message : "");
	return parsed.root;
}

static void parse_fails(const char *text, enum promql_error_kind kind, size_t offset)
{
	promql_expr_release(&parsed);
	ck_assert_msg(promql_parse(&parsed, text, strlen(text)) != 0, "'%s' should fail", text);
	ck_assert_msg(parsed.error_kind == kind, "'%s': kind %d, expected %d (%s)", text, parsed.error_kind, kind,
		      parsed.error_message);
	ck_assert_msg(parsed.error_offset == offset, "'%s': offset %zu, expected %zu (%s)", text, parsed.error_offset,
		      offset, parsed.error_message);
}

static void teardown(void)
{
	promql_expr_release(&parsed);
}

START_TEST(test_precedence)
{
	const struct promql_node *root = parse_ok("a + b * c");
	ck_assert_int_eq(root->op, PROMQL_OP_ADD);
	ck_assert_int_eq(root->right->op, PROMQL_OP_MUL);
	root = parse_ok("a * b + c");
	ck_assert_int_eq(root->op, PROMQL_OP_ADD);
	ck_assert_int_eq(root->left->op, PROMQL_OP_MUL);
	root = parse_ok("a or b and c unless d");
	ck_assert_int_eq(root->op, PROMQL_OP_OR);
	ck_assert_int_eq(root->right->op, PROMQL_OP_UNLESS);
	root = parse_ok("a > b + c");
	ck_assert_int_eq(root->op, PROMQL_OP_GREATER);
	root = parse_ok("a atan2 b + c");
	ck_assert_int_eq(root->op, PROMQL_OP_ADD);
}
END_TEST

START_TEST(test_associativity)
{
	const struct promql_node *root = parse_ok("2 ^ 3 ^ 2");
	ck_assert_int_eq(root->op, PROMQL_OP_POW);
	ck_assert_int_eq(root->left->kind, PROMQL_NUMBER);
	ck_assert_int_eq(root->right->op, PROMQL_OP_POW);
	root = parse_ok("a - b - c");
	ck_assert_int_eq(root->left->op, PROMQL_OP_SUB);
	ck_assert_int_eq(root->right->kind, PROMQL_VECTOR_SELECTOR);
	root = parse_ok("-a ^ 2"); /* -(a ^ 2) */
	ck_assert_int_eq(root->kind, PROMQL_UNARY);
	ck_assert_int_eq(root->operand->op, PROMQL_OP_POW);
	root = parse_ok("-a * 2"); /* (-a) * 2 */
	ck_assert_int_eq(root->op, PROMQL_OP_MUL);
	ck_assert_int_eq(root->left->kind, PROMQL_UNARY);
	root = parse_ok("-1");
	ck_assert_int_eq(root->kind, PROMQL_NUMBER);
	ck_assert(root->number == -1);
}
END_TEST

START_TEST(test_selectors)
{
	const struct promql_node *root = parse_ok("http_requests_total{job=\"api\", code=~\"5..\", path!~`/h.*`, a!='b',}");
	ck_assert_str_eq(root->metric_name, "http_requests_total");
	ck_assert_uint_eq(root->matcher_count, 4);
	ck_assert_int_eq(root->matchers[1].type, PROMQL_MATCH_REGEX);
	ck_assert_str_eq(root->matchers[2].value, "/h.*");
	root = parse_ok("foo[5m] offset -1h @ end()");
	ck_assert_int_eq(root->kind, PROMQL_MATRIX_SELECTOR);
	ck_assert_int_eq(root->range_ms, 300000);
	ck_assert_int_eq(root->operand->offset_ms, -3600000);
	ck_assert_int_eq(root->operand->at, PROMQL_AT_END);
	root = parse_ok("rate(foo[5m])[1d:]");
	ck_assert_int_eq(root->kind, PROMQL_SUBQUERY);
	ck_assert_int_eq(root->step_ms, 0);
	root = parse_ok("foo[1h30m:1m] @ 1609746000");
	ck_assert_int_eq(root->range_ms, 5400000);
	ck_assert_int_eq(root->step_ms, 60000);
	ck_assert_int_eq(root->at, PROMQL_AT_TIMESTAMP);
	root = parse_ok("{__name__=\"a:b\"}");
	ck_assert_ptr_null(root->metric_name);
	root = parse_ok("foo{a=\"\\x41\\u00e9\\101\"}");
	ck_assert_str_eq(root->matchers[0].value, "A\xc3\xa9" "A");
}
END_TEST

START_TEST(test_keywords_and_quirks)
{
	const struct promql_node *root = parse_ok("SUM BY (job) (foo) > BOOL ON (job) GROUP_LEFT () bar");
	ck_assert(root->return_bool);
	ck_assert(root->matching_on);
	ck_assert_int_eq(root->cardinality, PROMQL_MANY_TO_ONE);
	root = parse_ok("sum");
	ck_assert_str_eq(root->metric_name, "sum");
	root = parse_ok("sum by (on, bool, offset) (foo)");
	ck_assert_uint_eq(root->grouping.count, 3);
	root = parse_ok("foo_offset + by + offset");
	ck_assert_int_eq(root->kind, PROMQL_BINARY);
	root = parse_ok("foo{on=\"x\", offset=\"y\"}");
	ck_assert_str_eq(root->matchers[0].name, "on");
	root = parse_ok("rate(foo[5m] # comment\n) # end");
	ck_assert_int_eq(root->kind, PROMQL_CALL);
	root = parse_ok("sum(foo) without (a)");
	ck_assert(root->grouping_without);
	root = parse_ok("foo[5m a1m]"); /* 2.42 reads the letter as the colon */
	ck_assert_int_eq(root->kind, PROMQL_SUBQUERY);
	root = parse_ok("0x1F + 1e3 + .5 + Inf + NaN + 017");
	parse_ok("label_join(up, \"d\", \",\", \"a\", \"b\", \"c\")");
	parse_ok("round(foo)");
	parse_ok("day_of_week()");
	parse_ok("count_values(\"v\", foo)");
	parse_ok("quantile(0.9, foo)");
	parse_ok("\"a string\"");
}
END_TEST

START_TEST(test_syntax_errors)
{
	parse_fails("foo +", PROMQL_ERROR_SYNTAX, 5);
	parse_fails("sum(foo) by", PROMQL_ERROR_SYNTAX, 11);
	parse_fails("foo[5]", PROMQL_ERROR_SYNTAX, 4);
	parse_fails("foo[0s]", PROMQL_ERROR_SYNTAX, 4);
	parse_fails("foo[30m1h]", PROMQL_ERROR_SYNTAX, 4);
	parse_fails("foo offset 5m offset 1m", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("(foo)[5m]", PROMQL_ERROR_SYNTAX, 5);
	parse_fails("sum(foo) offset 5m", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("Rate(foo[5m])", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("rate(foo[5m],)", PROMQL_ERROR_SYNTAX, 12);
	parse_fails("foo{a=\"\\q\"}", PROMQL_ERROR_SYNTAX, 7);
	parse_fails("1e400", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("foo @ inf", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("sum by (without) (foo)", PROMQL_ERROR_SYNTAX, 8);
	parse_fails("foo * on(a) bool bar", PROMQL_ERROR_SYNTAX, 12);
	parse_fails("", PROMQL_ERROR_SYNTAX, 0);
	parse_fails("# only a comment", PROMQL_ERROR_SYNTAX, 16);
	parse_fails("(foo", PROMQL_ERROR_SYNTAX, 4);
}
END_TEST

START_TEST(test_type_errors)
{
	parse_fails("rate(foo)", PROMQL_ERROR_TYPE, 5);
	parse_fails("abs(foo[5m])", PROMQL_ERROR_TYPE, 4);
	parse_fails("1 > 2", PROMQL_ERROR_TYPE, 2);
	parse_fails("foo and 1", PROMQL_ERROR_TYPE, 4);
	parse_fails("foo + bool bar", PROMQL_ERROR_TYPE, 4);
	parse_fails("histogram_quantile(foo, 0.9)", PROMQL_ERROR_TYPE, 19);
	parse_fails("label_replace(foo, \"a\", \"b\", \"c\")", PROMQL_ERROR_TYPE, 0);
	parse_fails("round(foo, 1, 2)", PROMQL_ERROR_TYPE, 0);
	parse_fails("foo[5m][10m:]", PROMQL_ERROR_TYPE, 0);
	parse_fails("-foo[5m]", PROMQL_ERROR_TYPE, 0);
	parse_fails("count_values(1, foo)", PROMQL_ERROR_TYPE, 13);
	parse_fails("foo + on(a) group_left(a) bar", PROMQL_ERROR_TYPE, 4);
	parse_fails("sum(foo[5m])", PROMQL_ERROR_TYPE, 4);
	const struct promql_node *root = parse_ok("foo[5m]");
	ck_assert_int_eq(root->type, PROMQL_TYPE_MATRIX);
	root = parse_ok("scalar(foo) * 2");
	ck_assert_int_eq(root->type, PROMQL_TYPE_SCALAR);
}
END_TEST

START_TEST(test_selector_errors)
{
	parse_fails("{foo=\"\"}", PROMQL_ERROR_SELECTOR, 0);
	parse_fails("{a=~\".*\"}", PROMQL_ERROR_SELECTOR, 0);
	parse_fails("foo{__name__=\"bar\"}", PROMQL_ERROR_SELECTOR, 0);
	parse_fails("foo{a=~\"(\"}", PROMQL_ERROR_SELECTOR, 7);
	parse_fails("foo{a=~\"(?=x)\"}", PROMQL_ERROR_SELECTOR, 7);
	parse_fails("foo{a=~\"a++\"}", PROMQL_ERROR_SELECTOR, 7);
	parse_fails("foo{a=~\"a{1001}\"}", PROMQL_ERROR_SELECTOR, 7);
	parse_fails("foo{a=~\"\\\\Z\"}", PROMQL_ERROR_SELECTOR, 7);
	parse_ok("{a!~\".*\"}");
	parse_ok("foo{a=~\"(?P<n>x)|(?i)y\"}");
}
END_TEST

START_TEST(test_depth_limit)
{
	char text[20000];
	size_t n = 0;
	for (int i = 0; i < 5000; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < 5000; i++)
		text[n++] = ')';
	text[n] = '\0';
	promql_expr_release(&parsed);
	ck_assert_int_ne(promql_parse(&parsed, text, n), 0);
	ck_assert_ptr_nonnull(strstr(parsed.error_message, "too deeply"));
	n = 0;
	for (int i = 0; i < 3000; i++)
		n += (size_t)(text[n] = '-', 1);
	text[n++] = '1';
	ck_assert_int_ne(promql_parse(&parsed, text, n), 0);
	n = 0;
	for (int i = 0; i < 100; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < 100; i++)
		text[n++] = ')';
	ck_assert_int_eq(promql_parse(&parsed, text, n), 0);
}
END_TEST

static void collect_name(const char *name, size_t offset, void *context)
{
	char *out = context;
	size_t used = strlen(out);
	snprintf(out + used, 256 - used, "%s@%zu ", name, offset);
}

START_TEST(test_metric_names)
{
	char names[256] = "";
	parse_ok("sum(job:requests:rate5m{a=\"x:y\"}) / on() group_left {__name__=\"b:c\"} # d:e\n");
	promql_metric_names(parsed.root, collect_name, names);
	ck_assert_str_eq(names, "job:requests:rate5m@4 b:c@53 ");
}
END_TEST

static bool carries(const char *text, const char *label)
{
	parse_ok(text);
	return promql_may_carry_label(parsed.root, label, NULL, NULL);
}

START_TEST(test_label_propagation)
{
	ck_assert(carries("foo", "email"));
	ck_assert(!carries("foo{email=\"\"}", "email"));
	ck_assert(!carries("sum(foo)", "email"));
	ck_assert(!carries("sum by (job) (foo)", "email"));
	ck_assert(carries("sum by (job, email) (foo)", "email"));
	ck_assert(!carries("sum without (email) (foo)", "email"));
	ck_assert(carries("sum without (job) (foo)", "email"));
	ck_assert(carries("topk by (job) (3, foo)", "email"));
	ck_assert(carries("rate(foo[5m])", "email"));
	ck_assert(!carries("rate(sum by (a) (foo)[5m:])", "email"));
	ck_assert(carries("label_replace(sum(foo), \"email\", \"$1\", \"a\", \"(.*)\")", "email"));
	ck_assert(carries("label_join(sum(foo), \"email\", \",\", \"a\")", "email"));
	ck_assert(carries("count_values(\"email\", sum(foo))", "email"));
	ck_assert(!carries("absent(foo{job=\"x\"})", "email"));
	ck_assert(carries("absent(foo{email=\"x\"})", "email"));
	ck_assert(!carries("vector(1)", "email"));
	ck_assert(!carries("sum(foo) / on() group_left bar", "email"));
	ck_assert(carries("sum(foo) * on() group_left(email) bar", "email"));
	ck_assert(!carries("foo / on(job) bar", "email"));
	ck_assert(!carries("foo / ignoring(email) bar", "email"));
	ck_assert(carries("sum(foo) or bar", "email"));
	ck_assert(!carries("sum(foo) and bar", "email"));
	ck_assert(!carries("sum(foo) * 2 > 1", "email"));
	ck_assert(!carries("histogram_quantile(0.9, foo)", "le"));
}
END_TEST

START_TEST(test_durations)
{
	int64_t ms;
	const char *message;
	ck_assert_int_eq(promql_duration_parse("1y2w3d4h5m6s7ms", 15, &ms, &message), 0);
	ck_assert_int_eq(promql_duration_parse("0", 1, &ms, &message), 0);
	ck_assert_int_eq(ms, 0);
	ck_assert_int_ne(promql_duration_parse("5hs", 3, &ms, &message), 0);
	ck_assert_int_ne(promql_duration_parse("99999999999999y", 15, &ms, &message), 0);
	ck_assert_str_eq(message, "duration out of range");
}
END_TEST

Suite *promql_suite(void);
Suite *promql_suite(void)
{
	Suite *suite = suite_create("promql");
	TCase *tc = tcase_create("parser");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_associativity);
	tcase_add_test(tc, test_selectors);
	tcase_add_test(tc, test_keywords_and_quirks);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_selector_errors);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_metric_names);
	tcase_add_test(tc, test_label_propagation);
	tcase_add_test(tc, test_durations);
	suite_add_tcase(suite, tc);
	return suite;
}

CHECK_MAIN(promql_suite)
