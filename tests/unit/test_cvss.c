/* Unit tests for vuln/cvss: published v3.x base scores (NVD and the FIRST examples), strict
 * parsing, v2 refusal, every one of the 2,592 v3 base vectors against exact arithmetic, and v4.0
 * scores against FIRST's calculator. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <check.h>
#include <jansson.h>
#include <pcre2.h>
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
	ck_assert_str_eq(error, "a cvss v4.0 vector where a v3.x vector is expected");
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

/* ---- CVSS v4.0 -------------------------------------------------------------------------- */

static int score4_of(const char *text, bool base_only)
{
	struct cvss4_vector vector;
	char *error = NULL;
	enum cvss_status status = cvss4_parse(text, &vector, &error);
	ck_assert_msg(status == CVSS_OK, "'%s': %s", text, error ? error : "?");
	return base_only ? cvss4_base_score_tenths(&vector) : cvss4_score_tenths(&vector);
}

/* Scores from FIRST's calculator and the issues that fixed its rounding. */
static const struct {
	const char *vector;
	int tenths;
} v4_published[] = {
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 100 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 69 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 87 },
	/* x.x5 ties that floating point used to put one ulp low: they round up. */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 86 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P", 90 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 4 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H", 50 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 61 },
	/* No impact at all. */
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0 },
	/* Supplemental metrics never change the score; any order. */
	{ "CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/S:P/AU:Y/R:I/V:C/RE:H/U:Amber", 93 },
};

/* A sample of the base-vector space (every 997th vector, and every 25th of the 522 ties) and of
 * random vectors with threat and environmental metrics, scored by ae-cvss-calculator 1.0.13,
 * which follows FIRST's calculator including its 2024 fix of x.x5 ties. During development the
 * implementation agreed with it on all 104,976 base vectors and on 200,000 random vectors with
 * threat and environmental metrics. */
static const struct {
	const char *vector;
	int tenths;
} v4_reference[] = {
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 100 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:H/VA:H/SC:N/SI:N/SA:L", 72 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:L/SC:N/SI:L/SA:N", 70 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:H/VA:N/SC:N/SI:L/SA:H", 92 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:H/SC:N/SI:H/SA:L", 83 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 51 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:A/VC:H/VI:L/VA:N/SC:L/SI:N/SA:H", 82 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:L/SA:L", 83 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:L/SC:L/SI:H/SA:N", 51 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:N/VA:N/SC:L/SI:H/SA:H", 72 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:H/VA:H/SC:H/SI:N/SA:L", 71 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:L/SC:H/SI:L/SA:N", 87 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:P/VC:L/VI:H/VA:N/SC:H/SI:L/SA:H", 71 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:H/SC:H/SI:H/SA:L", 70 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:P/VC:H/VI:L/VA:H/SC:N/SI:N/SA:N", 61 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:H", 46 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:L/SA:L", 23 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:H/VI:N/VA:H/SC:N/SI:H/SA:N", 69 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:L/VI:N/VA:L/SC:N/SI:H/SA:H", 51 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:P/VC:N/VI:N/VA:N/SC:L/SI:N/SA:L", 20 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:L/VI:H/VA:H/SC:L/SI:L/SA:N", 84 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:P/VC:N/VI:H/VA:L/SC:L/SI:L/SA:H", 72 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 88 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:H/SC:H/SI:N/SA:N", 70 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:A/VC:N/VI:L/VA:L/SC:H/SI:N/SA:H", 48 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:P/VC:H/VI:L/VA:N/SC:H/SI:L/SA:L", 70 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:H/SC:H/SI:H/SA:N", 69 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H", 65 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:A/VC:H/VI:N/VA:L/SC:N/SI:N/SA:L", 69 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:L/SA:N", 51 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:N/SI:L/SA:H", 84 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 83 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:P/VC:N/VI:H/VA:N/SC:L/SI:N/SA:N", 51 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:H/SC:L/SI:N/SA:H", 72 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L", 21 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:A/VC:N/VI:L/VA:N/SC:L/SI:H/SA:N", 45 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:H/VI:N/VA:H/SC:L/SI:H/SA:H", 60 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:A/VC:L/VI:N/VA:L/SC:H/SI:N/SA:L", 20 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:N", 45 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:H/UI:A/VC:L/VI:H/VA:H/SC:H/SI:L/SA:H", 60 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:N/VC:N/VI:H/VA:L/SC:H/SI:H/SA:L", 72 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:A/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N", 73 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:N/VC:L/VI:H/VA:N/SC:N/SI:N/SA:H", 70 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:N/VI:L/VA:H/SC:N/SI:L/SA:L", 43 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:N/VC:H/VI:L/VA:L/SC:N/SI:H/SA:N", 69 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:N/SI:H/SA:H", 21 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:H/SC:L/SI:N/SA:L", 41 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:P/VC:H/VI:N/VA:L/SC:L/SI:L/SA:N", 59 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:A/VC:L/VI:N/VA:N/SC:L/SI:L/SA:H", 48 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:H/SA:L", 70 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:L/VI:H/VA:L/SC:H/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:N/VC:N/VI:H/VA:N/SC:H/SI:N/SA:H", 70 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:A/VC:H/VI:L/VA:H/SC:H/SI:L/SA:L", 59 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:H/SA:N", 63 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:N/VI:L/VA:N/SC:H/SI:H/SA:H", 63 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:L", 69 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:L/SA:N", 52 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:A/VC:N/VI:N/VA:L/SC:N/SI:L/SA:H", 42 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:P/VC:H/VI:N/VA:N/SC:N/SI:H/SA:L", 68 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:A/VC:N/VI:H/VA:H/SC:L/SI:N/SA:N", 52 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:L/SC:L/SI:N/SA:H", 85 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:L/SI:L/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:N/VI:L/VA:H/SC:L/SI:H/SA:N", 69 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:H/VI:L/VA:L/SC:L/SI:H/SA:H", 60 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:L/VI:L/VA:N/SC:H/SI:N/SA:L", 43 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:P/VC:N/VI:N/VA:H/SC:H/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:L/SC:H/SI:L/SA:H", 72 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:H/SI:H/SA:L", 50 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:L/UI:P/VC:L/VI:H/VA:H/SC:N/SI:N/SA:H", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:L/UI:A/VC:N/VI:H/VA:L/SC:N/SI:L/SA:L", 43 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:P/VC:H/VI:H/VA:N/SC:N/SI:H/SA:N", 67 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:A/VC:L/VI:L/VA:H/SC:N/SI:H/SA:H", 59 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:L/SC:L/SI:N/SA:L", 21 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:H/VI:L/VA:N/SC:L/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:N/VC:L/VI:N/VA:H/SC:L/SI:L/SA:H", 70 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:L/SC:L/SI:H/SA:L", 21 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N", 68 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:P/VC:N/VI:H/VA:H/SC:H/SI:N/SA:H", 59 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:H/SI:L/SA:L", 84 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:P/VC:L/VI:H/VA:N/SC:H/SI:H/SA:N", 69 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:H/SC:H/SI:H/SA:H", 71 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:H/SC:N/SI:N/SA:L", 53 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N", 24 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:N/VC:N/VI:L/VA:N/SC:N/SI:L/SA:H", 42 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:A/VC:H/VI:N/VA:H/SC:N/SI:H/SA:L", 69 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:N/VC:L/VI:N/VA:L/SC:L/SI:N/SA:N", 10 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:N/SA:H", 20 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:N/VC:L/VI:H/VA:H/SC:L/SI:L/SA:L", 46 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:P/VC:N/VI:H/VA:L/SC:L/SI:H/SA:N", 57 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:H", 71 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:L/VI:L/VA:H/SC:H/SI:N/SA:L", 58 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:H/SI:L/SA:N", 20 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:L/SA:H", 59 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:A/VC:L/VI:N/VA:H/SC:H/SI:H/SA:L", 59 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:L/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 41 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:L/UI:A/VC:H/VI:N/VA:L/SC:N/SI:N/SA:H", 56 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:N/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L", 10 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N", 68 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:H", 59 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:P/VC:N/VI:H/VA:N/SC:L/SI:N/SA:L", 41 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:N/VC:H/VI:L/VA:H/SC:L/SI:L/SA:N", 46 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:L/SC:L/SI:L/SA:H", 21 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:A/VC:N/VI:L/VA:N/SC:L/SI:H/SA:L", 21 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:P/VC:H/VI:N/VA:H/SC:H/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:L/SC:H/SI:N/SA:H", 21 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 86 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:H/VI:N/VA:L/SC:N/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 57 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:H/VI:N/VA:L/SC:N/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:L/VA:H/SC:L/SI:L/SA:L", 57 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:H/VA:N/SC:L/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:L/VA:H/SC:L/SI:N/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:H/VI:N/VA:L/SC:N/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:N/VA:L/SC:N/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:N/VI:L/VA:H/SC:L/SI:L/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:L/VI:H/VA:N/SC:L/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:L/VA:H/SC:L/SI:N/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:L/VI:H/VA:N/SC:L/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:N/VI:L/VA:H/SC:N/SI:L/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:N/SI:L/SA:N", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:N/VI:L/VA:H/SC:N/SI:N/SA:L", 57 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:N/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N", 57 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:N/VC:L/VI:N/VA:N/SC:L/SI:N/SA:H/AR:L/MAT:P/MVI:X/MVA:N/MSC:X/MSI:H", 23 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:H/VI:H/VA:L/SC:H/SI:N/SA:N/IR:X/AR:M/MAV:L/MPR:X/MUI:A/MVA:N/MSI:L/MSA:X", 67 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:H/SI:N/SA:N/E:X/CR:M/AR:M/MAC:H/MAT:P/MUI:X/MVA:N/MSA:S", 92 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:N/VI:L/VA:H/SC:N/SI:H/SA:N/E:P/CR:M/IR:L/MAV:N/MSA:X", 56 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/IR:H/AR:M/MAC:H/MAT:P/MPR:H/MVC:X/MSA:N", 57 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:P/VC:N/VI:H/VA:L/SC:L/SI:L/SA:N/CR:X/IR:M/AR:L/MAC:H/MAT:N/MUI:N/MVC:L/MSI:S", 72 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:H/SA:N/CR:X/IR:M/AR:M/MPR:L/MVI:X/MVA:N/MSI:S/MSA:L", 82 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:N/SC:L/SI:H/SA:L/IR:H/MPR:X/MUI:N/MVC:L", 21 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:H/SC:L/SI:L/SA:H/E:X/CR:L/IR:M/AR:X/MAT:P/MUI:N/MVI:X/MSI:N", 90 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:P/VC:H/VI:N/VA:H/SC:N/SI:L/SA:H/IR:X/MSA:L", 44 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:L/SA:L/E:X/IR:M/AR:X/MAC:X/MSA:N", 69 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:L/SI:L/SA:H/AR:M/MAV:L/MAC:H/MAT:P/MUI:A/MVC:X/MVA:N/MSI:L", 84 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:P/VC:L/VI:H/VA:L/SC:L/SI:L/SA:H/E:X/CR:L/IR:M/AR:L/MAT:P/MPR:N/MSC:L/MSI:S", 74 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:N/SC:H/SI:L/SA:N/AR:X/MAV:L/MAT:N/MPR:X/MVC:X/MVI:L/MVA:L/MSC:X/MSI:X", 83 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:L/AR:H/MPR:L/MUI:X/MVI:N/MSI:N/MSA:N", 10 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:H/IR:H/AR:X/MAT:P/MPR:L/MUI:P/MVC:H/MVI:X/MVA:L/MSC:H/MSA:H", 59 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:L/SI:L/SA:H/E:A/IR:M/MAV:P/MAT:N/MUI:X/MSC:L/MSI:N", 56 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/CR:M/AR:X/MAV:A/MAC:H/MVA:L/MSC:X/MSA:N", 67 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:H/VA:L/SC:L/SI:L/SA:H/E:X/IR:X/AR:M/MAC:L/MAT:P/MPR:N/MVC:H/MVA:N/MSC:N/MSI:S/MSA:X", 94 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:P/VC:N/VI:L/VA:N/SC:L/SI:N/SA:N/E:X/CR:H/MAC:L/MVA:H/MSC:X/MSI:S/MSA:N", 82 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:N/VC:L/VI:N/VA:H/SC:H/SI:L/SA:H/E:U/CR:X/MAC:H/MAT:P/MUI:X/MVC:N/MVI:H/MVA:N/MSA:H", 40 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:A/VC:L/VI:L/VA:L/SC:L/SI:H/SA:L/IR:L/MAV:N/MAC:H/MAT:N/MPR:X/MVC:H/MVI:X/MSI:X", 70 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:L/SC:L/SI:H/SA:L/E:A/IR:M/AR:X/MAT:X/MPR:X/MVI:N/MSI:X", 71 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:H/SI:L/SA:N/E:X/CR:H/MAT:X/MPR:N/MVI:L/MVA:X/MSC:L/MSI:H", 45 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:H/VA:N/SC:L/SI:N/SA:H/MAT:N/MPR:H/MUI:P/MVC:L/MVA:L/MSC:H/MSA:N", 68 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:N/SI:L/SA:L/CR:L/IR:M/MAV:A/MAC:H/MUI:N/MVI:X/MSC:N/MSI:H", 58 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:N/VI:H/VA:L/SC:L/SI:H/SA:H/E:A/AR:L/MVI:H/MVA:H/MSA:H", 83 },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:N/VI:H/VA:N/SC:L/SI:L/SA:H/IR:L/AR:L/MAT:X/MSC:L/MSA:X", 57 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:H/VA:L/SC:N/SI:L/SA:N/CR:H/IR:X/MAV:X/MAC:X/MPR:H/MUI:X/MVC:H/MSI:X/MSA:L", 71 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:L/MAC:L/MPR:L/MUI:N/MSC:X/MSA:X", 87 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:N/SI:L/SA:H/CR:X/AR:M/MAV:X/MAT:N/MPR:N/MVC:L/MVI:X/MSI:H", 70 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:L/SC:L/SI:L/SA:L/E:P/CR:L/MAV:P/MPR:X/MVC:X/MVI:X/MSC:L/MSA:L", 40 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:N/VI:H/VA:H/SC:L/SI:N/SA:N/E:P/IR:L/AR:L/MAV:P/MAT:P/MVC:N/MVA:H/MSC:X", 6 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:P/VC:L/VI:N/VA:L/SC:L/SI:L/SA:L/E:U/IR:X/MAC:L/MPR:N/MVA:X/MSC:X/MSI:L/MSA:X", 4 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:L/SC:L/SI:H/SA:N/CR:X/MAC:H/MAT:N/MPR:H/MVI:X/MSI:S", 65 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:A/VC:N/VI:N/VA:H/SC:L/SI:H/SA:H/IR:M/MAC:H/MPR:H/MUI:A/MVC:H/MSC:X/MSA:N", 57 },
	{ "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:L/VI:H/VA:H/SC:N/SI:L/SA:L/E:X/IR:X/AR:M/MAV:L/MPR:L/MUI:N/MVC:X/MVI:L/MVA:N/MSI:X", 20 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:L/SI:H/SA:L/E:X/CR:L/MAT:X/MVI:H/MVA:L/MSI:N", 69 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:H/SA:N/E:A/AR:H/MAV:P/MAC:L/MPR:L/MUI:N/MVA:N/MSC:X", 56 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/IR:L/MAT:P/MPR:H/MUI:A/MVC:X/MVI:N/MSC:H/MSI:H", 58 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:A/VC:L/VI:N/VA:L/SC:L/SI:N/SA:N/E:U/IR:X/AR:L/MAV:N/MAC:H/MPR:H/MVC:N/MSI:H", 9 },
	{ "CVSS:4.0/AV:P/AC:H/AT:N/PR:L/UI:A/VC:H/VI:L/VA:N/SC:H/SI:N/SA:N/E:U/CR:X/IR:H/MAT:N/MUI:X/MVI:H/MVA:H/MSC:L", 20 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:L/SA:H/E:P/CR:M/MAV:L/MAC:L/MPR:L/MVC:N/MSA:L", 9 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:P/VC:N/VI:L/VA:L/SC:H/SI:L/SA:N/MAC:L/MAT:X/MUI:N/MVC:X/MVI:H/MVA:L/MSC:L", 60 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:H/SC:N/SI:H/SA:L/E:P/IR:L/AR:M/MAV:L/MAC:X/MPR:H/MVC:H/MVA:X/MSC:H", 72 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:L/SI:N/SA:L/AR:H/MAV:X/MPR:N/MVC:X/MVI:H/MVA:X", 60 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:L/VI:L/VA:H/SC:N/SI:L/SA:H/IR:L/AR:M/MAV:L/MAT:P/MPR:L/MUI:X/MSI:S/MSA:L", 54 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:L/SC:N/SI:N/SA:L/E:A/CR:M/MAV:L/MAT:P/MVC:N/MSA:X", 18 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:L/SC:H/SI:L/SA:H/E:U/IR:H/AR:X/MAV:X/MPR:L/MVC:L/MVA:N/MSI:H", 11 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:N/SC:H/SI:N/SA:L/E:P/IR:X/MAT:X/MPR:H/MUI:X/MVC:X/MVA:X/MSA:X", 56 },
};

START_TEST(test_cvss4_published_scores)
{
	for (size_t i = 0; i < sizeof(v4_published) / sizeof(v4_published[0]); i++) {
		int tenths = score4_of(v4_published[i].vector, false);
		ck_assert_msg(tenths == v4_published[i].tenths, "'%s': %d.%d, expected %d.%d", v4_published[i].vector,
			      tenths / 10, tenths % 10, v4_published[i].tenths / 10, v4_published[i].tenths % 10);
	}
}
END_TEST

START_TEST(test_cvss4_reference_sample)
{
	size_t count = sizeof(v4_reference) / sizeof(v4_reference[0]);
	ck_assert_uint_gt(count, 150);
	for (size_t i = 0; i < count; i++) {
		int tenths = score4_of(v4_reference[i].vector, false);
		ck_assert_msg(tenths == v4_reference[i].tenths, "'%s': %d.%d, expected %d.%d", v4_reference[i].vector,
			      tenths / 10, tenths % 10, v4_reference[i].tenths / 10, v4_reference[i].tenths % 10);
	}
}
END_TEST

/* CVSS-B ignores threat and environmental metrics; the score as written does not. */
START_TEST(test_cvss4_base_and_full_scores)
{
	const char *bte = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A";
	ck_assert_int_eq(score4_of(bte, true), 93);
	ck_assert_int_eq(score4_of(bte, false), 87);
	const char *unreported = "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U";
	ck_assert_int_eq(score4_of(unreported, true), 20);
	ck_assert_int_eq(score4_of(unreported, false), 4);
	/* Safety (MSI:S) exists only as an environmental value: it moves EQ4 to 0. */
	struct cvss4_vector vector;
	char macrovector[7];
	ck_assert_int_eq(cvss4_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S", &vector, NULL),
			 CVSS_OK);
	cvss4_macrovector(&vector, true, macrovector);
	ck_assert_str_eq(macrovector, "000100");
	cvss4_macrovector(&vector, false, macrovector);
	ck_assert_str_eq(macrovector, "000000");
	ck_assert_int_eq(cvss4_parse("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U/CR:L", &vector,
				     NULL),
			 CVSS_OK);
	cvss4_macrovector(&vector, false, macrovector);
	ck_assert_str_eq(macrovector, "212221");
	ck_assert_int_eq(cvss4_score_tenths(&vector), 1);
	/* A modified impact brings a vector without base impact above zero. */
	ck_assert_int_eq(score4_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H", true), 0);
	ck_assert_int_gt(score4_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H", false), 0);
}
END_TEST

/* Over every one of the 104,976 base vectors: undefined threat and requirement metrics mean
 * their worst case (E:A, CR/IR/AR:H) and a modified metric equal to its base value changes
 * nothing; the score is 0 exactly when there is no impact, else within 0.1 to 10.0. */
START_TEST(test_cvss4_whole_base_space)
{
	static const char *const names[] = { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" };
	static const char *const values[] = { "NALP", "LH", "NP", "NLH", "NPA", "HLN", "HLN", "HLN", "HLN", "HLN", "HLN" };
	int index[11] = { 0 };
	int count = 0;
	for (;;) {
		struct strbuf text;
		strbuf_init(&text);
		strbuf_addstr(&text, "CVSS:4.0");
		bool impact = false;
		for (int i = 0; i < 11; i++) {
			strbuf_addf(&text, "/%s:%c", names[i], values[i][index[i]]);
			if (i >= 5 && values[i][index[i]] != 'N')
				impact = true;
		}
		int base = score4_of(text.buf, true);
		ck_assert_int_eq(score4_of(text.buf, false), base);
		ck_assert_msg(impact ? base >= 1 && base <= 100 : base == 0, "'%s' scores %d", text.buf, base);
		if (count % 7 == 0) {
			size_t length = text.len;
			strbuf_addstr(&text, "/E:A/CR:H/IR:H/AR:H");
			ck_assert_int_eq(score4_of(text.buf, false), base);
			text.len = length;
			text.buf[length] = '\0';
			for (int i = 0; i < 11; i++)
				strbuf_addf(&text, "/M%s:%c", names[i], values[i][index[i]]);
			ck_assert_int_eq(score4_of(text.buf, false), base);
		}
		strbuf_release(&text);
		count++;
		int position = 10;
		while (position >= 0 && !values[position][++index[position]]) {
			index[position] = 0;
			position--;
		}
		if (position < 0)
			break;
	}
	ck_assert_int_eq(count, 104976);
}
END_TEST

START_TEST(test_cvss4_invalid_vectors)
{
	static const struct {
		const char *vector, *message;
	} invalid[] = {
		{ "CVSS:4.0", "a cvss v4.0 vector starts with 'CVSS:4.0/'" },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "a cvss v4.0 vector starts with 'CVSS:4.0/'" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing base metric 'SA'" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/", "expected 'METRIC:VALUE' at offset 64" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AV:N", "metric 'AV' given twice" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
		  "metric 'SI' has no value 'S' (expected one of H, L, N)" },
		{ "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		  "metric 'AV' has no value 'X' (expected one of N, A, L, P)" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Purple",
		  "metric 'U' has no value 'Purple' (expected one of X, Clear, Green, Amber, Red)" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:C",
		  "metric 'U' has no value 'C' (expected one of X, Clear, Green, Amber, Red)" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", /* v3's scope */
		  "metric 'S' has no value 'U' (expected one of X, N, P)" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H/VI:H/VA:H/SC:N/SI:N/SA:N", "unknown metric 'C'" },
		{ "CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		  "metric 'AV' has no value 'n' (expected one of N, A, L, P)" },
	};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct cvss4_vector vector;
		char *error = NULL;
		ck_assert_msg(cvss4_parse(invalid[i].vector, &vector, &error) == CVSS_INVALID, "'%s' parsed", invalid[i].vector);
		ck_assert_ptr_nonnull(error);
		ck_assert_str_eq(error, invalid[i].message);
		free(error);
	}
	struct cvss4_vector vector;
	ck_assert_int_eq(cvss4_parse(NULL, &vector, NULL), CVSS_INVALID);
	ck_assert_int_eq(cvss4_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Clear/MSA:S", &vector,
				     NULL),
			 CVSS_OK);
	ck_assert_int_eq(vector.value[CVSS4_U], 'C');
	ck_assert_int_eq(vector.value[CVSS4_MSA], 'S');
	ck_assert_int_eq(vector.value[CVSS4_E], 'X');
}
END_TEST

/* The OSV schema's own pattern for CVSS_V4 scores (the shared reference data) as a second
 * judge of what parses: vectors in the specification's metric order, with metrics left out,
 * values swapped for ones of other metrics, and small damage, must parse exactly when the
 * pattern matches. */
static const char *find_v4_pattern(const json_t *node)
{
	if (json_is_string(node) && strncmp(json_string_value(node), "^CVSS:4", 7) == 0)
		return json_string_value(node);
	const char *key;
	const json_t *value;
	size_t index;
	if (json_is_object(node)) {
		json_object_foreach((json_t *)node, key, value) {
			const char *found = find_v4_pattern(value);
			if (found)
				return found;
		}
	} else if (json_is_array(node)) {
		json_array_foreach(node, index, value) {
			const char *found = find_v4_pattern(value);
			if (found)
				return found;
		}
	}
	return NULL;
}

START_TEST(test_cvss4_parser_against_osv_schema)
{
	char *path = xasprintf("%s/reference/osv/schema.json", check_shared_dir());
	json_t *schema = json_load_file(path, 0, NULL);
	if (!schema) {
		printf("skip osv schema cross-check: cannot read %s (set GOOSE_SHARED_DIR to the shared reference data)\n", path);
		free(path);
		return;
	}
	free(path);
	const char *pattern = find_v4_pattern(schema);
	ck_assert_ptr_nonnull(pattern);
	int code;
	PCRE2_SIZE offset;
	pcre2_code *regex = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &offset, NULL);
	ck_assert_ptr_nonnull(regex);
	pcre2_match_data *match = pcre2_match_data_create_from_pattern(regex, NULL);
	/* each metric with the values the specification gives it, then a pool of any values */
	static const struct {
		const char *name;
		const char *values[6];
	} metrics[] = {
		{ "AV", { "N", "A", "L", "P" } },      { "AC", { "L", "H" } },           { "AT", { "N", "P" } },
		{ "PR", { "N", "L", "H" } },           { "UI", { "N", "P", "A" } },      { "VC", { "H", "L", "N" } },
		{ "VI", { "H", "L", "N" } },           { "VA", { "H", "L", "N" } },      { "SC", { "H", "L", "N" } },
		{ "SI", { "H", "L", "N" } },           { "SA", { "H", "L", "N" } },      { "E", { "X", "A", "P", "U" } },
		{ "CR", { "X", "H", "M", "L" } },      { "IR", { "X", "H", "M", "L" } }, { "AR", { "X", "H", "M", "L" } },
		{ "MAV", { "X", "N", "A", "L", "P" } }, { "MAC", { "X", "L", "H" } },    { "MAT", { "X", "N", "P" } },
		{ "MPR", { "X", "N", "L", "H" } },     { "MUI", { "X", "N", "P", "A" } }, { "MVC", { "X", "H", "L", "N" } },
		{ "MVI", { "X", "H", "L", "N" } },     { "MVA", { "X", "H", "L", "N" } }, { "MSC", { "X", "H", "L", "N" } },
		{ "MSI", { "X", "S", "H", "L", "N" } }, { "MSA", { "X", "S", "H", "L", "N" } }, { "S", { "X", "N", "P" } },
		{ "AU", { "X", "N", "Y" } },           { "R", { "X", "A", "U", "I" } },  { "V", { "X", "D", "C" } },
		{ "RE", { "X", "L", "M", "H" } },      { "U", { "X", "Clear", "Green", "Amber", "Red" } },
	};
	static const char *const pool[] = { "N", "A", "L", "P", "H", "X", "U", "M", "S", "Y", "I", "D", "C",
					    "Clear", "Red", "Q", "", "n", "HH" };
	unsigned seed = 20261126;
	int matched = 0, total = 20000;
	for (int n = 0; n < total; n++) {
		struct strbuf text;
		strbuf_init(&text);
		strbuf_addstr(&text, "CVSS:4.0");
		for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
			seed = seed * 1103515245u + 12345u;
			unsigned roll = (seed >> 16) % 1000;
			if (m >= 11 ? roll < 500 : roll < 3)
				continue; /* left out: fine for all but the base metrics */
			seed = seed * 1103515245u + 12345u;
			unsigned pick = (seed >> 16) % 1000;
			const char *value;
			if (pick < 980) {
				size_t count = 0;
				while (count < 6 && metrics[m].values[count])
					count++;
				value = metrics[m].values[pick % count];
			} else {
				value = pool[pick % (sizeof(pool) / sizeof(pool[0]))];
			}
			strbuf_addf(&text, "/%s:%s", metrics[m].name, value);
		}
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 50 == 0)
			strbuf_addch(&text, '/');
		bool schema_accepts = pcre2_match(regex, (PCRE2_SPTR)text.buf, text.len, 0, 0, match, NULL) >= 0;
		struct cvss4_vector vector;
		char *error = NULL;
		bool parsed = cvss4_parse(text.buf, &vector, &error) == CVSS_OK;
		ck_assert_msg(parsed == schema_accepts, "'%s': parser %s, osv schema %s (%s)", text.buf,
			      parsed ? "accepts" : "refuses", schema_accepts ? "accepts" : "refuses", error ? error : "");
		free(error);
		matched += schema_accepts;
		strbuf_release(&text);
	}
	printf("osv schema cross-check: %d of %d generated v4 vectors valid, parser agrees on all\n", matched, total);
	ck_assert_int_gt(matched, 100);
	pcre2_match_data_free(match);
	pcre2_code_free(regex);
	json_decref(schema);
}
END_TEST

/* One entry point for every version a vulnerability database carries. */
START_TEST(test_vector_base_score_any_version)
{
	int tenths = -1;
	char *error = NULL;
	ck_assert_int_eq(cvss_vector_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &tenths, &error), CVSS_OK);
	ck_assert_int_eq(tenths, 98);
	ck_assert_int_eq(cvss_vector_base_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", &tenths, &error), CVSS_OK);
	ck_assert_int_eq(tenths, 100);
	ck_assert_int_eq(cvss_vector_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A",
						&tenths, &error),
			 CVSS_OK);
	ck_assert_int_eq(tenths, 93);
	ck_assert_ptr_null(error);
	tenths = -1;
	ck_assert_int_eq(cvss_vector_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P", &tenths, &error), CVSS_UNSUPPORTED);
	ck_assert_str_eq(error, "cvss v2 vectors are not supported");
	free(error);
	ck_assert_int_eq(cvss_vector_base_score("CVSS:4.0/AV:N", &tenths, &error), CVSS_INVALID);
	ck_assert_str_eq(error, "missing base metric 'AC'");
	free(error);
	ck_assert_int_eq(cvss_vector_base_score("high", &tenths, &error), CVSS_INVALID);
	free(error);
	ck_assert_int_eq(cvss_vector_base_score(NULL, &tenths, NULL), CVSS_INVALID);
	ck_assert_int_eq(tenths, -1);
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
	TCase *v4 = tcase_create("cvss4");
	tcase_set_timeout(v4, 120);
	tcase_add_test(v4, test_cvss4_published_scores);
	tcase_add_test(v4, test_cvss4_reference_sample);
	tcase_add_test(v4, test_cvss4_base_and_full_scores);
	tcase_add_test(v4, test_cvss4_whole_base_space);
	tcase_add_test(v4, test_cvss4_invalid_vectors);
	tcase_add_test(v4, test_cvss4_parser_against_osv_schema);
	tcase_add_test(v4, test_vector_base_score_any_version);
	suite_add_tcase(suite, v4);
	return suite;
}

CHECK_MAIN(cvss_suite)
