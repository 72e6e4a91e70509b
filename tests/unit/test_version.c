/* Unit tests for vuln/version: osv-scalibr's ordering vectors for every ecosystem we order (Maven
 * and Alpine included),
 * dpkg --compare-versions and python3-packaging as independent judges, and hand-picked cases. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_main.h"
#include "util.h"
#include "version.h"

static void assert_order(enum version_ecosystem ecosystem, const char *a, const char *b, int expected)
{
	int result = 99;
	ck_assert_msg(version_compare(ecosystem, a, b, &result) == 0, "%s: '%s' or '%s' does not parse",
		      version_ecosystem_name(ecosystem), a, b);
	ck_assert_msg(result == expected, "%s: '%s' vs '%s' gave %d, expected %d", version_ecosystem_name(ecosystem), a,
		      b, result, expected);
	ck_assert_int_eq(version_compare(ecosystem, b, a, &result), 0);
	ck_assert_int_eq(result, -expected);
}

/* Lines of a vector file where osv-scalibr's own ordering differs from the tool it models and we
 * follow the tool: each must still disagree (so the list cannot go stale), and is not counted. */
struct divergence {
	const char *file, *line;
};

/* alpine-versions-generated.txt was ordered by apk-tools 2.x's `apk version -t` (a digit may
 * follow the letter: 5.7.3p1-r0 < 5.7.3p1-r1), which we follow and match on every line. These
 * hand-written lines about invalid versions follow apk-tools 3 instead (the file's comments say
 * "on latest apk" for most of them), where 2.x orders the other way. */
static const struct divergence divergences[] = {
	{ "alpine-versions.txt", "1-r-0 < 1-r0" },
	{ "alpine-versions.txt", "1-r-1 < 1-r0" },
	{ "alpine-versions.txt", "0.r1 < 0r2" },
	{ "alpine-versions.txt", "0.8.21.r2 < 0.8.21r2" },
	{ "alpine-versions.txt", "1.2.0A < 1.2.0d" },
	{ "alpine-versions.txt", "1.2.0D < 1.2.0d" },
	{ "alpine-versions.txt", "1 > 1-ruff" },
	{ "alpine-versions.txt", "1-ruff2 = 1--ruff1" },
};

static bool is_divergence(const char *file, const char *a, char op, const char *b)
{
	char *line = xasprintf("%s %c %s", a, op, b);
	bool found = false;
	for (size_t i = 0; i < sizeof(divergences) / sizeof(divergences[0]) && !found; i++)
		found = strcmp(divergences[i].file, file) == 0 && strcmp(divergences[i].line, line) == 0;
	free(line);
	return found;
}

/* Runs every line of one vector file in both directions; returns lines that disagreed, or -1
 * when the file is absent (the caller skips). A listed divergence that agrees counts as a
 * disagreement too. */
static int run_vector_file(enum version_ecosystem ecosystem, const char *file, int *total)
{
	char *path = xasprintf("%s/reference/version-comparison/%s", check_shared_dir(), file);
	FILE *input = fopen(path, "r");
	if (!input) {
		printf("skip %s vectors: cannot open %s: %s (set GOOSE_SHARED_DIR to the shared reference data)\n",
		       version_ecosystem_name(ecosystem), path, strerror(errno));
		free(path);
		return -1;
	}
	char *line = NULL;
	size_t alloc = 0;
	ssize_t length;
	int failures = 0, lines = 0, line_number = 0;
	while ((length = getline(&line, &alloc, input)) >= 0) {
		line_number++;
		while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
			line[--length] = '\0';
		if (length == 0 || strncmp(line, "# ", 2) == 0 || strncmp(line, "// ", 3) == 0)
			continue;
		char *first = strchr(line, ' ');
		char *second = first ? strchr(first + 1, ' ') : NULL;
		ck_assert_msg(second && !strchr(second + 1, ' ') && second == first + 2, "%s:%d: broken fixture line", file,
			      line_number);
		*first = *second = '\0';
		const char *a = line, *b = second + 1;
		int expected = first[1] == '<' ? -1 : first[1] == '>' ? 1 : 0;
		lines++;
		int forward = 99, backward = 99;
		bool divergent = is_divergence(file, a, first[1], b);
		if (divergent) {
			lines--;
			if (version_compare(ecosystem, a, b, &forward) == 0 && forward == expected && failures++ < 20)
				printf("%s:%d: '%s' %c '%s' is listed as a divergence but agrees\n", file, line_number, a,
				       first[1], b);
			continue;
		}
		if (version_compare(ecosystem, a, b, &forward) != 0 || version_compare(ecosystem, b, a, &backward) != 0) {
			if (failures++ < 20)
				printf("%s:%d: '%s' or '%s' does not parse\n", file, line_number, a, b);
		} else if (forward != expected || backward != -expected) {
			if (failures++ < 20)
				printf("%s:%d: '%s' %c '%s' expected, got %d (reverse %d)\n", file, line_number, a, first[1], b,
				       forward, backward);
		}
	}
	free(line);
	fclose(input);
	free(path);
	printf("%s: %s: %d agree / %d total\n", version_ecosystem_name(ecosystem), file, lines - failures, lines);
	*total = lines;
	return failures;
}

static void check_vector_file(enum version_ecosystem ecosystem, const char *file)
{
	int total = 0;
	int failures = run_vector_file(ecosystem, file, &total);
	if (failures < 0)
		return;
	ck_assert_int_gt(total, 0);
	ck_assert_msg(failures == 0, "%s: %d of %d lines disagree", file, failures, total);
}

/* The file osv-scalibr runs for npm, crates.io, Go and Hex, against each of our variants. */
START_TEST(test_semver_vectors) { check_vector_file(VERSION_SEMVER, "semver-versions.txt"); }
END_TEST
START_TEST(test_npm_vectors) { check_vector_file(VERSION_NPM, "semver-versions.txt"); }
END_TEST
START_TEST(test_go_vectors) { check_vector_file(VERSION_GO, "semver-versions.txt"); }
END_TEST
START_TEST(test_pypi_vectors)
{
	check_vector_file(VERSION_PYPI, "pypi-versions.txt");
	check_vector_file(VERSION_PYPI, "pypi-versions-generated.txt");
}
END_TEST
START_TEST(test_debian_vectors)
{
	check_vector_file(VERSION_DEBIAN, "debian-versions.txt");
	check_vector_file(VERSION_DEBIAN, "debian-versions-generated.txt");
}
END_TEST

START_TEST(test_maven_vectors)
{
	check_vector_file(VERSION_MAVEN, "maven-versions.txt");
	check_vector_file(VERSION_MAVEN, "maven-versions-generated.txt");
}
END_TEST
START_TEST(test_alpine_vectors)
{
	check_vector_file(VERSION_ALPINE, "alpine-versions.txt");
	check_vector_file(VERSION_ALPINE, "alpine-versions-generated.txt");
}
END_TEST

START_TEST(test_semver_rules)
{
	assert_order(VERSION_SEMVER, "1.0.0-alpha", "1.0.0", -1);
	assert_order(VERSION_SEMVER, "1.0.0+build.1", "1.0.0+build.2", 0);
	assert_order(VERSION_SEMVER, "1.0.0-rc.1+build", "1.0.0-rc.1", 0);
	assert_order(VERSION_SEMVER, "1.10.0", "1.9.0", 1);
	assert_order(VERSION_SEMVER, "1.0.0-1", "1.0.0-alpha", -1);
	assert_order(VERSION_SEMVER, "1.2", "1.2.0", 0);
	int result;
	const char *invalid[] = { "", "v", "abc", "1.0.0-", "1.0.0+", "1.0.0-a..b", "1.0.0 ", "1.0.0_x", "1.0.0-a$" };
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		ck_assert_msg(version_compare(VERSION_SEMVER, invalid[i], "1.0.0", &result) == -1, "'%s' parsed", invalid[i]);
}
END_TEST

START_TEST(test_go_rules)
{
	assert_order(VERSION_GO, "v2.0.0+incompatible", "v2.0.0", 0);
	assert_order(VERSION_GO, "v2.0.1+incompatible", "v2.0.0", 1);
	/* Pseudo-versions: vX.0.0-yyyymmddhhmmss-abcdef, vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef. */
	assert_order(VERSION_GO, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000", -1);
	assert_order(VERSION_GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1);
	assert_order(VERSION_GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1);
	assert_order(VERSION_GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4-pre", -1);
	assert_order(VERSION_GO, "v1.2.4-pre.0.20191109021931-daa7c04131f5", "v1.2.4-pre", 1);
	assert_order(VERSION_GO, "0.3.1", "v0.3.1", 0);
}
END_TEST

START_TEST(test_npm_leniencies)
{
	assert_order(VERSION_NPM, "=1.2.3", "1.2.3", 0);
	assert_order(VERSION_NPM, " v1.2.3 ", "1.2.3", 0);
	assert_order(VERSION_NPM, "1.2.3beta", "1.2.3-beta", 0);
	assert_order(VERSION_NPM, "1.2.3-beta.2", "1.2.3-beta.10", -1);
	int result;
	ck_assert_int_eq(version_compare(VERSION_SEMVER, "=1.2.3", "1.2.3", &result), -1);
	ck_assert_int_eq(version_compare(VERSION_SEMVER, "1.2.3beta", "1.2.3", &result), -1);
}
END_TEST

START_TEST(test_pypi_rules)
{
	assert_order(VERSION_PYPI, "1.0", "1.0.0", 0);
	assert_order(VERSION_PYPI, "1!0.1", "2.0", 1);
	assert_order(VERSION_PYPI, "1.0a1", "1.0.0-ALPHA.1", 0);
	assert_order(VERSION_PYPI, "1.0rc1", "1.0c1", 0);
	assert_order(VERSION_PYPI, "1.0.pre1", "1.0rc1", 0);
	assert_order(VERSION_PYPI, "1.0.post1", "1.0-1", 0);
	assert_order(VERSION_PYPI, "1.0.post1", "1.0rev1", 0);
	assert_order(VERSION_PYPI, "1.0.dev1", "1.0a1", -1);
	assert_order(VERSION_PYPI, "1.0a1.dev1", "1.0a1", -1);
	assert_order(VERSION_PYPI, "1.0.post1.dev1", "1.0.post1", -1);
	assert_order(VERSION_PYPI, "1.0.post1.dev1", "1.0", 1);
	assert_order(VERSION_PYPI, "1.0+abc.5", "1.0+abc.10", -1);
	assert_order(VERSION_PYPI, "1.0+ABC", "1.0+abc", 0);
	assert_order(VERSION_PYPI, "1.0+5", "1.0+abc", 1);
	assert_order(VERSION_PYPI, "v1.0", "1.0", 0);
	assert_order(VERSION_PYPI, "  1.0  ", "1.0", 0);
	/* Not PEP 440: packaging's legacy ordering, before every PEP 440 version. */
	assert_order(VERSION_PYPI, "french toast", "0.0.dev0", -1);
	int result;
	ck_assert_int_eq(version_compare(VERSION_PYPI, "", "1.0", &result), -1);
}
END_TEST

START_TEST(test_debian_rules)
{
	assert_order(VERSION_DEBIAN, "1.0~rc1", "1.0", -1);
	assert_order(VERSION_DEBIAN, "1.0~~", "1.0~~a", -1);
	assert_order(VERSION_DEBIAN, "1.0~", "1.0~~", 1);
	assert_order(VERSION_DEBIAN, "1:0.1", "2.0", 1);
	assert_order(VERSION_DEBIAN, "1.0-1", "1.0-1ubuntu1", -1);
	assert_order(VERSION_DEBIAN, "1.0+dfsg", "1.0", 1);
	assert_order(VERSION_DEBIAN, "1.0a", "1.0+", -1);
	assert_order(VERSION_DEBIAN, "1.2-3-4", "1.2-3-3", 1);
	int result;
	const char *invalid[] = { "", "a:1.0", ":1.0", "1.0-", "1.0 2", "-1", "99999999999:1" };
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		ck_assert_msg(version_compare(VERSION_DEBIAN, invalid[i], "1.0", &result) == -1, "'%s' parsed", invalid[i]);
}
END_TEST

START_TEST(test_maven_rules)
{
	assert_order(VERSION_MAVEN, "1.0-alpha-1", "1.0", -1);
	assert_order(VERSION_MAVEN, "1.0-SNAPSHOT", "1.0", -1);
	assert_order(VERSION_MAVEN, "1.0-rc1", "1.0-CR1", 0);
	assert_order(VERSION_MAVEN, "1.0.Final", "1.0", 0);
	assert_order(VERSION_MAVEN, "1.0-sp1", "1.0", 1);
	assert_order(VERSION_MAVEN, "1.0-foo", "1.0-sp", 1); /* unknown qualifiers after the known ones */
	assert_order(VERSION_MAVEN, "1.0-foo", "1.0-bar", 1);
	assert_order(VERSION_MAVEN, "1.0.1", "1.0-1", 1);     /* ".number" above "-number" */
	assert_order(VERSION_MAVEN, "1.0-1", "1.0-foo", 1);   /* "-number" above "-qualifier" */
	assert_order(VERSION_MAVEN, "2.17.1", "2.17.0", 1);
	assert_order(VERSION_MAVEN, "2.0.0-M1", "2.0.0-milestone-1", 0);
	assert_order(VERSION_MAVEN, "1.0.0.v20210101", "1.0.0", 1);
	assert_order(VERSION_MAVEN, "99999999999999999999.1", "99999999999999999999", 1);
	int result;
	ck_assert_int_eq(version_compare(VERSION_MAVEN, "", "1.0", &result), -1);
	ck_assert_int_eq(version_compare(VERSION_MAVEN, "1.0 beta", "1.0", &result), -1);
}
END_TEST

START_TEST(test_alpine_rules)
{
	assert_order(VERSION_ALPINE, "1.2.3-r0", "1.2.3-r1", -1);
	assert_order(VERSION_ALPINE, "1.2.3_rc1", "1.2.3", -1);
	assert_order(VERSION_ALPINE, "1.2.3_p1", "1.2.3", 1);
	assert_order(VERSION_ALPINE, "1.2.3a", "1.2.3", 1);
	assert_order(VERSION_ALPINE, "1.2.3a", "1.2.4", -1);
	assert_order(VERSION_ALPINE, "1.2.3_alpha", "1.2.3_beta", -1);
	assert_order(VERSION_ALPINE, "1.2.3_git20240101", "1.2.3_p1", -1);
	assert_order(VERSION_ALPINE, "1.02", "1.1", -1); /* a leading zero compares as text */
	assert_order(VERSION_ALPINE, "3.0.13-r0", "3.0.8-r0", 1);
	assert_order(VERSION_ALPINE, "2.6.1_pre1-r0", "2.6.1-r0", -1);
	assert_order(VERSION_ALPINE, "5.7.3p1-r0", "5.7.3p1-r1", -1);
	assert_order(VERSION_ALPINE, "1-r1", "1-r01", 0);
	int result;
	ck_assert_int_eq(version_compare(VERSION_ALPINE, "", "1.0", &result), -1);
	ck_assert_int_eq(version_compare(VERSION_ALPINE, "1.0 -r1", "1.0", &result), -1);
}
END_TEST

START_TEST(test_osv_ecosystem_names)
{
	enum version_ecosystem ecosystem;
	ck_assert_int_eq(version_ecosystem_from_osv("Debian:12", &ecosystem), 0);
	ck_assert_int_eq(ecosystem, VERSION_DEBIAN);
	ck_assert_int_eq(version_ecosystem_from_osv("crates.io", &ecosystem), 0);
	ck_assert_int_eq(ecosystem, VERSION_SEMVER);
	ck_assert_int_eq(version_ecosystem_from_osv("Go", &ecosystem), 0);
	ck_assert_int_eq(ecosystem, VERSION_GO);
	ck_assert_int_eq(version_ecosystem_from_osv("Maven", &ecosystem), 0);
	ck_assert_int_eq(ecosystem, VERSION_MAVEN);
	ck_assert_int_eq(version_ecosystem_from_osv("Alpine:v3.20", &ecosystem), 0);
	ck_assert_int_eq(ecosystem, VERSION_ALPINE);
	ck_assert_str_eq(version_ecosystem_name(VERSION_ALPINE), "alpine");
	ck_assert_int_eq(version_ecosystem_from_osv("RubyGems", &ecosystem), -1);
	ck_assert_int_eq(version_ecosystem_from_osv("Debianx", &ecosystem), -1);
}
END_TEST

static bool command_available(const char *probe)
{
	int status = system(probe);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* dpkg itself judges a sample: pairs from the hand-written vectors plus tricky made-up ones. */
START_TEST(test_debian_against_dpkg)
{
	if (!command_available("dpkg --version >/dev/null 2>&1")) {
		printf("skip dpkg cross-check: no 'dpkg' command on PATH\n");
		return;
	}
	static const char *const versions[] = {
		"0",          "0.0.0",       "1:0.0.0",   "1.0",          "1.0~rc1",      "1.0~~",      "1.0~",
		"1.0+dfsg-1", "1.0-1",       "1.0-1~bpo1", "1.0-1ubuntu1", "1.0a",        "1.0+",       "1.0.1",
		"2:1.0",      "1.00",        "1.0-0",     "10.0",         "9.9.9.9",      "1.2-3-4",    "1.2-3-3",
		"1.0-1.1",    "1.0-1+b1",    "0.9.6c-2.woody.7", "2.0.36~rc1~dfsg-3", "1:3.7.3-1.1", "1.0-1~",
	};
	size_t count = sizeof(versions) / sizeof(versions[0]);
	int checked = 0, disagreements = 0;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count; j++) {
			int ours = 99;
			ck_assert_int_eq(version_compare(VERSION_DEBIAN, versions[i], versions[j], &ours), 0);
			char *command = xasprintf("dpkg --compare-versions '%s' %s '%s'", versions[i],
						  ours < 0 ? "lt" : ours > 0 ? "gt" : "eq", versions[j]);
			if (!command_available(command)) {
				printf("dpkg disagrees: '%s' %d '%s'\n", versions[i], ours, versions[j]);
				disagreements++;
			}
			free(command);
			checked++;
		}
	}
	printf("dpkg cross-check: %d agree / %d pairs\n", checked - disagreements, checked);
	ck_assert_int_eq(disagreements, 0);
}
END_TEST

/* python3-packaging judges a sample when it is installed. */
START_TEST(test_pypi_against_packaging)
{
	if (!command_available("python3 -c 'from packaging.version import Version' >/dev/null 2>&1")) {
		printf("skip python3-packaging cross-check: python3 or its 'packaging' module is not installed\n");
		return;
	}
	static const char *const versions[] = {
		"1.0", "1.0.0", "1!0.1", "1.0a1", "1.0b2", "1.0rc1", "1.0c2", "1.0.dev1", "1.0a1.dev2", "1.0.post1",
		"1.0-2", "1.0.post1.dev1", "1.0+abc.5", "1.0+abc.10", "1.0+5", "v1.0", "2.0", "0.9", "1.0.0.0.1",
	};
	size_t count = sizeof(versions) / sizeof(versions[0]);
	int checked = 0, disagreements = 0;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count; j++) {
			int ours = 99;
			ck_assert_int_eq(version_compare(VERSION_PYPI, versions[i], versions[j], &ours), 0);
			char *command = xasprintf("python3 -c 'import sys; from packaging.version import Version as V; "
						  "a, b = V(\"%s\"), V(\"%s\"); sys.exit(0 if (a > b) - (a < b) == %d else 1)'",
						  versions[i], versions[j], ours);
			if (!command_available(command)) {
				printf("packaging disagrees: '%s' %d '%s'\n", versions[i], ours, versions[j]);
				disagreements++;
			}
			free(command);
			checked++;
		}
	}
	printf("python3-packaging cross-check: %d agree / %d pairs\n", checked - disagreements, checked);
	ck_assert_int_eq(disagreements, 0);
}
END_TEST

static Suite *version_suite(void)
{
	Suite *suite = suite_create("version");
	TCase *vectors = tcase_create("vectors");
	tcase_set_timeout(vectors, 120);
	tcase_add_test(vectors, test_semver_vectors);
	tcase_add_test(vectors, test_npm_vectors);
	tcase_add_test(vectors, test_go_vectors);
	tcase_add_test(vectors, test_pypi_vectors);
	tcase_add_test(vectors, test_debian_vectors);
	tcase_add_test(vectors, test_maven_vectors);
	tcase_add_test(vectors, test_alpine_vectors);
	suite_add_tcase(suite, vectors);
	TCase *rules = tcase_create("rules");
	tcase_add_test(rules, test_semver_rules);
	tcase_add_test(rules, test_go_rules);
	tcase_add_test(rules, test_npm_leniencies);
	tcase_add_test(rules, test_pypi_rules);
	tcase_add_test(rules, test_debian_rules);
	tcase_add_test(rules, test_maven_rules);
	tcase_add_test(rules, test_alpine_rules);
	tcase_add_test(rules, test_osv_ecosystem_names);
	suite_add_tcase(suite, rules);
	TCase *judges = tcase_create("judges");
	tcase_set_timeout(judges, 300);
	tcase_add_test(judges, test_debian_against_dpkg);
	tcase_add_test(judges, test_pypi_against_packaging);
	suite_add_tcase(suite, judges);
	return suite;
}

CHECK_MAIN(version_suite)
