/* Unit tests for lint/compliance.c and lint/rotation.c: the JSON Pointer walker with '*'
 * wildcards (found values, missing branches, escapes) and the calendar arithmetic of rotation. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lint.h"
#include "util.h"

/* Each visit as "POINTER=VALUE" (VALUE "missing" when absent, the JSON text otherwise), joined by
 * spaces. */
static void record(const json_t *value, const char *pointer, void *opaque)
{
	struct strbuf *out = opaque;
	if (out->len)
		strbuf_addch(out, ' ');
	strbuf_addstr(out, pointer);
	strbuf_addch(out, '=');
	if (!value) {
		strbuf_addstr(out, "missing");
		return;
	}
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	strbuf_addstr(out, text);
	free(text);
}

/* The visits of `pointer` over the JSON document `document`; the caller frees. */
static char *walk(const char *document, const char *pointer, int *visits)
{
	json_error_t error;
	json_t *root = json_loads(document, JSON_DECODE_ANY, &error);
	ck_assert_msg(root != NULL, "bad test document: %s", error.text);
	struct strbuf out;
	strbuf_init(&out);
	*visits = compliance_pointer_walk(root, pointer, record, &out);
	json_decref(root);
	return strbuf_detach(&out, NULL);
}

static void expect_walk(const char *document, const char *pointer, const char *expected, int expected_visits)
{
	int visits;
	char *actual = walk(document, pointer, &visits);
	ck_assert_msg(strcmp(actual, expected) == 0, "%s: got '%s', expected '%s'", pointer, actual, expected);
	ck_assert_int_eq(visits, expected_visits);
	free(actual);
}

static const char *alerts = "{\"groups\": ["
			    "{\"rules\": [{\"a\": {\"url\": \"https://x\"}}, {\"b\": 1}]},"
			    "{\"rules\": []},"
			    "{\"name\": \"no rules\"}]}";

START_TEST(test_plain_pointers)
{
	expect_walk("{\"approvals\": {\"required\": 2}}", "/approvals/required", "/approvals/required=2", 1);
	expect_walk("{\"a\": 1}", "", "={\"a\":1}", 1);
	expect_walk("{\"a\": [10, 20]}", "/a/1", "/a/1=20", 1);
	/* RFC 6901: no leading zeros, "-" is past the end, and indexes out of range are missing */
	expect_walk("{\"a\": [10, 20]}", "/a/01", "/a/01=missing", 1);
	expect_walk("{\"a\": [10, 20]}", "/a/-", "/a/-=missing", 1);
	expect_walk("{\"a\": [10, 20]}", "/a/2", "/a/2=missing", 1);
	/* escapes: ~1 is '/', ~0 is '~'; the concrete pointer keeps them escaped */
	expect_walk("{\"a/b\": {\"c~d\": true}}", "/a~1b/c~0d", "/a~1b/c~0d=true", 1);
	/* a missing value names the whole path as written */
	expect_walk("{\"approvals\": {}}", "/approvals/required", "/approvals/required=missing", 1);
	expect_walk("{\"approvals\": 3}", "/approvals/required", "/approvals/required=missing", 1);
	int visits;
	char *none = walk("{}", "approvals", &visits);
	ck_assert_int_eq(visits, -1);
	ck_assert_str_eq(none, "");
	free(none);
}
END_TEST

START_TEST(test_wildcards)
{
	/* every element; empty arrays give nothing; a branch without the key is missing there */
	expect_walk(alerts, "/groups/*/rules/*/a/url",
		    "/groups/0/rules/0/a/url=\"https://x\" /groups/0/rules/1/a/url=missing "
		    "/groups/2/rules/*/a/url=missing",
		    3);
	expect_walk(alerts, "/groups/*/name", "/groups/0/name=missing /groups/1/name=missing /groups/2/name=\"no rules\"",
		    3);
	/* over an object, every member, escaped in the concrete pointer */
	expect_walk("{\"t\": {\"x/y\": {\"s\": 1}, \"z\": {\"s\": 2}}}", "/t/*/s", "/t/x~1y/s=1 /t/z/s=2", 2);
	/* a wildcard at the end visits the elements themselves */
	expect_walk("[1, \"a\"]", "/*", "/0=1 /1=\"a\"", 2);
	expect_walk("[]", "/*", "", 0);
	/* '*' inside a longer token is a literal key */
	expect_walk("{\"a*\": 1, \"b\": 2}", "/a*", "/a*=1", 1);
	/* a wildcard on a scalar is a missing branch */
	expect_walk("{\"a\": 5}", "/a/*/b", "/a/*/b=missing", 1);
}
END_TEST

START_TEST(test_days_from_civil)
{
	ck_assert_int_eq(rotation_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(rotation_days_from_civil(1969, 12, 31), -1);
	ck_assert_int_eq(rotation_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(rotation_days_from_civil(2026, 11, 26) * 86400LL, 1795651200LL);
	/* leap days: 2024 and 2000 have one, 2100 and 1900 do not */
	ck_assert_int_eq(rotation_days_from_civil(2024, 3, 1) - rotation_days_from_civil(2024, 2, 28), 2);
	ck_assert_int_eq(rotation_days_from_civil(2000, 3, 1) - rotation_days_from_civil(2000, 2, 28), 2);
	ck_assert_int_eq(rotation_days_from_civil(2100, 3, 1) - rotation_days_from_civil(2100, 2, 28), 1);
	ck_assert_int_eq(rotation_days_from_civil(1900, 3, 1) - rotation_days_from_civil(1900, 2, 28), 1);
	/* the example of the rotation message: 2026-08-01 + 90 days is 2026-10-30 */
	ck_assert_int_eq(rotation_days_from_civil(2026, 10, 30) - rotation_days_from_civil(2026, 8, 1), 90);
	ck_assert_int_eq(rotation_days_from_civil(2027, 1, 1) - rotation_days_from_civil(2026, 1, 1), 365);
}
END_TEST

START_TEST(test_civil_round_trip)
{
	/* every day from 1600 to 2400 maps back to itself, and consecutive days are consecutive */
	long long first = rotation_days_from_civil(1600, 1, 1), last = rotation_days_from_civil(2400, 12, 31);
	int previous_year = 1599, previous_month = 12, previous_day = 31;
	for (long long days = first; days <= last; days++) {
		int year, month, day;
		rotation_civil_from_days(days, &year, &month, &day);
		ck_assert_int_eq(rotation_days_from_civil(year, month, day), days);
		ck_assert(month >= 1 && month <= 12 && day >= 1 && day <= 31);
		bool next_day = year == previous_year && month == previous_month && day == previous_day + 1;
		bool next_month = year == previous_year && month == previous_month + 1 && day == 1;
		bool next_year = year == previous_year + 1 && month == 1 && day == 1 && previous_month == 12;
		ck_assert_msg(next_day || next_month || next_year, "%d-%d-%d follows %d-%d-%d", year, month, day,
			      previous_year, previous_month, previous_day);
		previous_year = year;
		previous_month = month;
		previous_day = day;
	}
	int year, month, day;
	rotation_civil_from_days(-719468, &year, &month, &day); /* 0000-03-01 */
	ck_assert(year == 0 && month == 3 && day == 1);
}
END_TEST

static Suite *compliance_suite(void)
{
	Suite *suite = suite_create("compliance");
	TCase *pointer = tcase_create("pointer");
	tcase_add_test(pointer, test_plain_pointers);
	tcase_add_test(pointer, test_wildcards);
	suite_add_tcase(suite, pointer);
	TCase *dates = tcase_create("dates");
	tcase_add_test(dates, test_days_from_civil);
	tcase_add_test(dates, test_civil_round_trip);
	suite_add_tcase(suite, dates);
	return suite;
}

CHECK_MAIN(compliance_suite)
