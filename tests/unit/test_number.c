/* Unit tests for emit/number: clean decimals, Go's float formatting and Prometheus durations. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "number.h"
#include "util.h"

static void expect_format(void (*format)(double, struct strbuf *), double value, const char *expected)
{
	struct strbuf sb;
	strbuf_init(&sb);
	format(value, &sb);
	ck_assert_msg(strcmp(sb.buf, expected) == 0, "%.17g gave '%s', expected '%s'", value, sb.buf, expected);
	strbuf_release(&sb);
}

START_TEST(test_clean_numbers)
{
	expect_format(number_format, 1 - 0.999, "0.001");
	expect_format(number_format, 14.4 * (1 - 0.999), "0.0144");
	expect_format(number_format, 14.4 * 0.001, "0.0144");
	expect_format(number_format, 0.02 * 720, "14.4");
	expect_format(number_format, 0.1 + 0.2, "0.3");
	expect_format(number_format, 0.25, "0.25");
	expect_format(number_format, 300, "300");
	expect_format(number_format, -2.5, "-2.5");
	expect_format(number_format, 0, "0");
	expect_format(number_format, -0.0, "0");
	expect_format(number_format, 1e-7, "0.0000001");
	expect_format(number_format, 123456789012, "123456789012");
	expect_format(number_format, 1e20, "1e+20");
	expect_format(number_format, 1.5e-20, "1.5e-20");
	expect_format(number_format, 1.0 / 3, "0.333333333333");
	expect_format(number_format, 0.1 * 168 / 72, "0.233333333333");
	expect_format(number_format, NAN, "NaN");
	expect_format(number_format, INFINITY, "+Inf");
	expect_format(number_format, -INFINITY, "-Inf");
}
END_TEST

/* Every value printed reads back as itself rounded to 12 significant digits. */
START_TEST(test_clean_numbers_round_trip)
{
	unsigned seed = 12345;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		double value = (double)(seed % 1000003) / (double)(1 + seed % 997) * pow(10, (int)(seed % 13) - 6);
		struct strbuf sb;
		strbuf_init(&sb);
		number_format(value, &sb);
		char expected[40];
		snprintf(expected, sizeof(expected), "%.11e", value);
		ck_assert_msg(strtod(sb.buf, NULL) == strtod(expected, NULL), "%.17g printed as %s", value, sb.buf);
		strbuf_release(&sb);
	}
}
END_TEST

START_TEST(test_go_value_format)
{
	expect_format(number_format_go, 0.2525, "0.2525");
	expect_format(number_format_go, 0.1 + 0.2, "0.30000000000000004");
	expect_format(number_format_go, 5, "5");
	expect_format(number_format_go, 123456, "123456");
	expect_format(number_format_go, 1234567, "1.234567e+06");
	expect_format(number_format_go, 1e-5, "1e-05");
	expect_format(number_format_go, 0.0001, "0.0001");
	expect_format(number_format_go, -1.5, "-1.5");
	expect_format(number_format_go_4g, 252.49999999999997, "252.5");
	expect_format(number_format_go_4g, 100000, "1e+05");
	expect_format(number_format_go_4g, 1.5, "1.5");
}
END_TEST

START_TEST(test_durations)
{
	expect_format(number_format_duration, 300, "5m");
	expect_format(number_format_duration, 5400, "1h30m");
	expect_format(number_format_duration, 3 * 86400, "3d");
	expect_format(number_format_duration, 30 * 86400, "30d");
	expect_format(number_format_duration, 0.25, "250ms");
	expect_format(number_format_duration, 90.5, "1m30s500ms");
	expect_format(number_format_duration, 0, "0s");
}
END_TEST

static Suite *number_suite(void)
{
	Suite *suite = suite_create("number");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, test_clean_numbers);
	tcase_add_test(tcase, test_clean_numbers_round_trip);
	tcase_add_test(tcase, test_go_value_format);
	tcase_add_test(tcase, test_durations);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(number_suite)
