/* Unit tests for common/util: strbuf, JSON Pointer building, edit distance and suggestions. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "util.h"

START_TEST(test_strbuf_grows_and_detaches)
{
	struct strbuf sb;
	strbuf_init(&sb);
	ck_assert_str_eq(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	ck_assert_uint_eq(sb.len, 2000);
	size_t length;
	char *text = strbuf_detach(&sb, &length);
	ck_assert_uint_eq(length, 2000);
	ck_assert_int_eq(strncmp(text, "0,1,2,", 6), 0);
	ck_assert_str_eq(sb.buf, "");
	free(text);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_pointer_escaping)
{
	struct strbuf pointer;
	strbuf_init(&pointer);
	pointer_append_token(&pointer, "a/b");
	pointer_append_token(&pointer, "m~n");
	pointer_append_index(&pointer, 12);
	ck_assert_str_eq(pointer.buf, "/a~1b/m~0n/12");
	strbuf_release(&pointer);
}
END_TEST

START_TEST(test_edit_distance)
{
	ck_assert_uint_eq(edit_distance("warning", "warning"), 0);
	ck_assert_uint_eq(edit_distance("warnng", "warning"), 1);
	ck_assert_uint_eq(edit_distance("wraning", "warning"), 1); /* transposition */
	ck_assert_uint_eq(edit_distance("Critical", "critical"), 0);
	ck_assert_uint_eq(edit_distance("", "abc"), 3);
}
END_TEST

START_TEST(test_suggest_closest)
{
	const char *candidates[] = { "warning", "critical", "direction", "unit" };
	ck_assert_str_eq(suggest_closest("warnng", candidates, 4), "warning");
	ck_assert_str_eq(suggest_closest("critcal", candidates, 4), "critical");
	ck_assert_ptr_null(suggest_closest("zzzzzz", candidates, 4));
	ck_assert_ptr_null(suggest_closest("x", candidates, 4));
}
END_TEST

static Suite *util_suite(void)
{
	Suite *suite = suite_create("util");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, test_strbuf_grows_and_detaches);
	tcase_add_test(tcase, test_pointer_escaping);
	tcase_add_test(tcase, test_edit_distance);
	tcase_add_test(tcase, test_suggest_closest);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(util_suite)
