/* Unit tests for vuln/cvss: published base scores (NVD and the FIRST examples), strict
 * parsing, v2/v4 refusal, and every one of the 2,592 base vectors against exact arithmetic. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "cvss.h"
#include "util.h"

static int score_of(const char *text)
{
	struct cvss_vector vector;
	char *error = NULL;
	enum cvss_status status = cvss_parse(text, &vector, &error);
	ck_assert_msg(status == CVSS_OK, "'%s': %s", text, error ? error : "?");
	return cvss_base_score_tenths(&vector);
}

static const struct {
	const char *vector;
	int tenths;
	const char *severity;
} published[] = {
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, "critical" }, /* Shellshock */
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, "critical" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, "critical" }, /* Log4Shell */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, "high" },      /* Heartbleed */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, "medium" },    /* reflected XSS */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 54, "medium" },    /* stored XSS */
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78, "high" },      /* Dirty Pipe */
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:N/A:N", 56, "medium" },    /* Spectre v1 */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81, "high" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75, "high" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 53, "medium" },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 72, "high" },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, "critical" },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 91, "critical" },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31, "low" },
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68, "medium" },
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 88, "high" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", 65, "medium" },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 55, "medium" },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 40, "medium" },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16, "low" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, "none" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0, "none" },
	/* Temporal and environmental metrics do not change the base score. */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:L", 98, "critical" },
	/* Any order. */
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 98, "critical" },
};

START_TEST(test_published_scores)
{
	for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		int tenths = score_of(published[i].vector);
		ck_assert_msg(tenths == published[i].tenths, "'%s': %d.%d, expected %d.%d", published[i].vector, tenths / 10,
			      tenths % 10, published[i].tenths / 10, published[i].tenths % 10);
		ck_assert_str_eq(cvss_severity_name(cvss_severity_of_tenths(tenths)), published[i].severity);
	}
}
END_TEST

START_TEST(test_invalid_vectors)
{
	static const char *const invalid[] = {
		"",
		"CVSS:3.1",
		"CVSS:3.1/",
		"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",          /* A missing */
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",     /* trailing slash */
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",  /* twice */
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      /* no such value */
		"CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:H", /* unknown metric */
		"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Q",
	};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct cvss_vector vector;
		char *error = NULL;
		ck_assert_msg(cvss_parse(invalid[i], &vector, &error) == CVSS_INVALID, "'%s' parsed", invalid[i]);
		ck_assert_ptr_nonnull(error);
		ck_assert_msg(error[0] >= 'a' && error[0] <= 'z', "message not lowercase: %s", error);
		free(error);
	}
	struct cvss_vector vector;
	ck_assert_int_eq(cvss_parse("CVSS:3.1/AV:Q", &vector, NULL), CVSS_INVALID);
}
END_TEST

START_TEST(test_unsupported_versions)
{
	struct cvss_vector vector;
	char *error = NULL;
	ck_assert_int_eq(cvss_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", &vector, &error),
			 CVSS_UNSUPPORTED);
	ck_assert_str_eq(error, "cvss v4.0 vectors are not supported yet");
	free(error);
	ck_assert_int_eq(cvss_parse("AV:N/AC:L/Au:N/C:P/I:P/A:P", &vector, &error), CVSS_UNSUPPORTED);
	ck_assert_str_eq(error, "cvss v2 vectors are not supported");
	free(error);
}
END_TEST

START_TEST(test_severity_bands)
{
	ck_assert_int_eq(cvss_severity_of_tenths(0), CVSS_SEVERITY_NONE);
	ck_assert_int_eq(cvss_severity_of_tenths(1), CVSS_SEVERITY_LOW);
	ck_assert_int_eq(cvss_severity_of_tenths(39), CVSS_SEVERITY_LOW);
	ck_assert_int_eq(cvss_severity_of_tenths(40), CVSS_SEVERITY_MEDIUM);
	ck_assert_int_eq(cvss_severity_of_tenths(69), CVSS_SEVERITY_MEDIUM);
	ck_assert_int_eq(cvss_severity_of_tenths(70), CVSS_SEVERITY_HIGH);
	ck_assert_int_eq(cvss_severity_of_tenths(89), CVSS_SEVERITY_HIGH);
	ck_assert_int_eq(cvss_severity_of_tenths(90), CVSS_SEVERITY_CRITICAL);
	ck_assert_int_eq(cvss_severity_of_tenths(100), CVSS_SEVERITY_CRITICAL);
	enum cvss_severity severity;
	ck_assert_int_eq(cvss_severity_from_name("HIGH", &severity), 0);
	ck_assert_int_eq(severity, CVSS_SEVERITY_HIGH);
	ck_assert_int_eq(cvss_severity_from_name("severe", &severity), -1);
}
END_TEST

/* All 2,592 base vectors of both versions, judged by tests/unit/cvss_reference.py (exact
 * fractions) when python3 is there. */
START_TEST(test_every_vector_against_exact_arithmetic)
{
	if (system("python3 -c '' >/dev/null 2>&1") != 0) {
		printf("skip exhaustive cvss check: no python3 on PATH\n");
		return;
	}
	char path[] = "/tmp/goose-cvss-XXXXXX";
	int descriptor = mkstemp(path);
	ck_assert_int_ge(descriptor, 0);
	FILE *output = fdopen(descriptor, "w");
	ck_assert_ptr_nonnull(output);
	const char *av = "NALP", *ac = "LH", *pr = "NLH", *ui = "NR", *scope = "UC", *cia = "HLN";
	int count = 0;
	for (int version = 0; version <= 1; version++)
		for (const char *a = av; *a; a++)
			for (const char *b = ac; *b; b++)
				for (const char *p = pr; *p; p++)
					for (const char *u = ui; *u; u++)
						for (const char *s = scope; *s; s++)
							for (const char *c = cia; *c; c++)
								for (const char *i = cia; *i; i++)
									for (const char *x = cia; *x; x++) {
										char *text = xasprintf(
											"CVSS:3.%d/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c",
											version, *a, *b, *p, *u, *s, *c, *i, *x);
										fprintf(output, "%s %d\n", text, score_of(text));
										free(text);
										count++;
									}
	fclose(output);
	ck_assert_int_eq(count, 2 * 2592);
	char *command = xasprintf("python3 tests/unit/cvss_reference.py %s", path);
	int status = system(command);
	free(command);
	unlink(path);
	ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "scores disagree with exact arithmetic (see above)");
}
END_TEST

static Suite *cvss_suite(void)
{
	Suite *suite = suite_create("cvss");
	TCase *cases = tcase_create("cvss");
	tcase_set_timeout(cases, 120);
	tcase_add_test(cases, test_published_scores);
	tcase_add_test(cases, test_invalid_vectors);
	tcase_add_test(cases, test_unsupported_versions);
	tcase_add_test(cases, test_severity_bands);
	tcase_add_test(cases, test_every_vector_against_exact_arithmetic);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(cvss_suite)
