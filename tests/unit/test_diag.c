/* Unit tests for compiler/diag: ordering, counting, and the four renderers' exact output. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "diag.h"
#include "util.h"

/* Renders `list` in `format` into a malloc'd string. */
static char *render(const struct diag_list *list, enum diag_format format, bool show_source)
{
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);
	struct diag_render_options options = { .format = format, .show_source = show_source, .tool_version = "9.9" };
	ck_assert_int_eq(diag_render(out, list, &options), 0);
	fclose(out);
	return text;
}

START_TEST(test_text_with_caret_hint_and_related)
{
	struct diag_list list;
	diag_list_init(&list);
	const char source[] = "a: 1\n\tb: 2\na: 3\n";
	diag_register_source(&list, "f.yaml", source, strlen(source));
	struct diag *diag = diag_add(&list, DIAG_ERROR, "yaml-duplicate-key", "f.yaml", 3, 1,
				     "duplicate key '%s' (first defined at %d:%d)", "a", 1, 1);
	diag_add_related(diag, "f.yaml", 1, 1, "first defined here");
	diag = diag_add(&list, DIAG_WARNING, "schema-additional-properties", "f.yaml", 2, 2, "unknown property 'b'");
	diag_set_hint(diag, "did you mean '%s'?", "bb");
	diag_sort(&list);
	char *text = render(&list, DIAG_FORMAT_TEXT, true);
	ck_assert_str_eq(text,
			 "f.yaml:2:2: warning: unknown property 'b' [schema-additional-properties]\n"
			 " 2 | \tb: 2\n"
			 "   | \t^\n"
			 "  = hint: did you mean 'bb'?\n"
			 "f.yaml:3:1: error: duplicate key 'a' (first defined at 1:1) [yaml-duplicate-key]\n"
			 " 3 | a: 3\n"
			 "   | ^\n"
			 "  f.yaml:1:1: note: first defined here\n");
	free(text);
	ck_assert_uint_eq(diag_count(&list, DIAG_ERROR), 1);
	ck_assert_uint_eq(diag_count(&list, DIAG_WARNING), 1);
	diag_list_release(&list);
}
END_TEST

START_TEST(test_caret_counts_characters_not_bytes)
{
	struct diag_list list;
	diag_list_init(&list);
	const char source[] = "n\xc3\xa4me: x\n";
	diag_register_source(&list, "u.yaml", source, strlen(source));
	diag_add(&list, DIAG_ERROR, "r", "u.yaml", 1, 7, "bad value");
	char *text = render(&list, DIAG_FORMAT_TEXT, true);
	ck_assert_str_eq(text, "u.yaml:1:7: error: bad value [r]\n"
			       " 1 | n\xc3\xa4me: x\n"
			       "   |       ^\n");
	free(text);
	diag_list_release(&list);
}
END_TEST

START_TEST(test_sort_is_stable_by_file_line_col)
{
	struct diag_list list;
	diag_list_init(&list);
	diag_add(&list, DIAG_ERROR, "r", "b.yaml", 1, 1, "third");
	diag_add(&list, DIAG_ERROR, "r", "a.yaml", 2, 5, "second");
	diag_add(&list, DIAG_ERROR, "r", "a.yaml", 2, 1, "first-a");
	diag_add(&list, DIAG_ERROR, "r", "a.yaml", 2, 1, "first-b");
	diag_sort(&list);
	ck_assert_str_eq(list.items[0].message, "first-a");
	ck_assert_str_eq(list.items[1].message, "first-b");
	ck_assert_str_eq(list.items[2].message, "second");
	ck_assert_str_eq(list.items[3].message, "third");
	diag_list_release(&list);
}
END_TEST

START_TEST(test_json_output)
{
	struct diag_list list;
	diag_list_init(&list);
	struct diag *diag = diag_add(&list, DIAG_ERROR, "rule-x", "f.yaml", 4, 2, "broken \"thing\"");
	diag_set_hint(diag, "try this");
	char *text = render(&list, DIAG_FORMAT_JSON, false);
	json_error_t error;
	json_t *document = json_loads(text, 0, &error);
	ck_assert_ptr_nonnull(document);
	json_t *first = json_array_get(json_object_get(document, "diagnostics"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(first, "rule")), "rule-x");
	ck_assert_str_eq(json_string_value(json_object_get(first, "message")), "broken \"thing\"");
	ck_assert_str_eq(json_string_value(json_object_get(first, "hint")), "try this");
	ck_assert_int_eq(json_integer_value(json_object_get(first, "line")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(first, "column")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(document, "summary"), "errors")), 1);
	json_decref(document);
	free(text);
	diag_list_release(&list);
}
END_TEST

START_TEST(test_sarif_output)
{
	struct diag_list list;
	diag_list_init(&list);
	struct diag *diag = diag_add(&list, DIAG_WARNING, "w-1", "dir/f.yaml", 7, 3, "careful");
	diag_add_related(diag, "dir/g.yaml", 1, 1, "defined here");
	diag_add(&list, DIAG_ERROR, "w-1", "dir/f.yaml", 8, 1, "again");
	char *text = render(&list, DIAG_FORMAT_SARIF, false);
	json_t *document = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(document);
	ck_assert_str_eq(json_string_value(json_object_get(document, "version")), "2.1.0");
	json_t *run = json_array_get(json_object_get(document, "runs"), 0);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
	ck_assert_str_eq(json_string_value(json_object_get(driver, "name")), "goosec");
	ck_assert_str_eq(json_string_value(json_object_get(driver, "version")), "9.9");
	ck_assert_uint_eq(json_array_size(json_object_get(driver, "rules")), 1);
	json_t *result = json_array_get(json_object_get(run, "results"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(result, "level")), "warning");
	json_t *region = json_object_get(
		json_object_get(json_array_get(json_object_get(result, "locations"), 0), "physicalLocation"), "region");
	ck_assert_int_eq(json_integer_value(json_object_get(region, "startLine")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(region, "startColumn")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(result, "relatedLocations")), 1);
	json_t *second = json_array_get(json_object_get(run, "results"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(second, "ruleIndex")), 0);
	json_decref(document);
	free(text);
	diag_list_release(&list);
}
END_TEST

START_TEST(test_github_output_escapes)
{
	struct diag_list list;
	diag_list_init(&list);
	diag_add(&list, DIAG_ERROR, "r", "a,b:c.yaml", 2, 3, "100%% bad\nreally");
	diag_add(&list, DIAG_WARNING, "w", NULL, 0, 0, "global");
	char *text = render(&list, DIAG_FORMAT_GITHUB, false);
	ck_assert_str_eq(text, "::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=r::100%25 bad%0Areally\n"
			       "::warning title=w::global\n");
	free(text);
	diag_list_release(&list);
}
END_TEST

START_TEST(test_take_moves_everything)
{
	struct diag_list into, from;
	diag_list_init(&into);
	diag_list_init(&from);
	diag_register_source(&from, "x", "abc", 3);
	diag_add(&from, DIAG_NOTE, "n", "x", 1, 1, "moved");
	diag_list_take(&into, &from);
	ck_assert_uint_eq(into.count, 1);
	ck_assert_uint_eq(from.count, 0);
	ck_assert_uint_eq(into.source_count, 1);
	diag_list_release(&into);
	diag_list_release(&from);
}
END_TEST

START_TEST(test_masked_source_never_shows_the_span)
{
	struct diag_list list;
	diag_list_init(&list);
	const char source[] = "url: postgres://app:hunter2hunter2@db\nnext: line\n";
	/* not registered yet: the mask registers a copy first */
	diag_mask_source(&list, "s.yaml", source, strlen(source), 20, 14);
	diag_add(&list, DIAG_ERROR, "secret-password-in-url", "s.yaml", 1, 21, "possible secret");
	char *text = render(&list, DIAG_FORMAT_TEXT, true);
	ck_assert_ptr_null(strstr(text, "hunter2"));
	ck_assert_ptr_nonnull(strstr(text, "postgres://app:**************@db"));
	free(text);
	/* the caller's text is untouched */
	ck_assert_ptr_nonnull(strstr(source, "hunter2hunter2"));
	diag_list_release(&list);
}
END_TEST

START_TEST(test_format_names)
{
	enum diag_format format;
	ck_assert_int_eq(diag_format_parse("sarif", &format), 0);
	ck_assert_int_eq(format, DIAG_FORMAT_SARIF);
	ck_assert_int_eq(diag_format_parse("xml", &format), -1);
}
END_TEST

static Suite *diag_suite(void)
{
	Suite *suite = suite_create("diag");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, test_text_with_caret_hint_and_related);
	tcase_add_test(tcase, test_caret_counts_characters_not_bytes);
	tcase_add_test(tcase, test_sort_is_stable_by_file_line_col);
	tcase_add_test(tcase, test_json_output);
	tcase_add_test(tcase, test_sarif_output);
	tcase_add_test(tcase, test_github_output_escapes);
	tcase_add_test(tcase, test_take_moves_everything);
	tcase_add_test(tcase, test_masked_source_never_shows_the_span);
	tcase_add_test(tcase, test_format_names);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(diag_suite)
