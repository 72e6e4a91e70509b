/* Unit tests for runner/steps_scan: the sbom.scan step over a small tree (digests checked before
 * anything is read, enrichment and waivers from the args, the result file and the journal
 * summary, the day waivers expire against) and the security_scan gate's verdicts and reasons. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "fileio.h"
#include "signing.h"
#include "steps.h"
#include "util.h"

struct tree {
	char root[64];
	char *run_dir;
	struct steps_context context;
};

static void write_text(const char *root, const char *relative, const char *text)
{
	char *path = xasprintf("%s/%s", root, relative);
	char *error = NULL;
	ck_assert_msg(fileio_write_atomic(path, text, strlen(text), 0644, &error) == 0, "%s", error ? error : "?");
	free(path);
}

static char *digest_of(const char *text)
{
	char hex[SIGNING_KEY_ID_SIZE];
	signing_sha256_hex(text, strlen(text), hex);
	return xstrdup(hex);
}

static const char *const sbom_text =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
	"{\"type\":\"library\",\"name\":\"left-pad\",\"version\":\"1.0.0\"},"
	"{\"type\":\"library\",\"name\":\"express\",\"version\":\"4.17.0\",\"purl\":\"pkg:npm/express@4.17.0\"},"
	"{\"type\":\"library\",\"name\":\"qs\",\"version\":\"6.5.0\",\"purl\":\"pkg:npm/qs@6.5.0\"}]}";

/* Two records: express (high 7.5, waived below) and left-pad, whose purl only enrichment adds
 * (critical 9.8). qs is not affected (fixed before 6.5.0). */
static const char *const database_text =
	"{\"records\":["
	"{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"aliases\":[\"CVE-2024-0001\"],\"modified\":\"2024-01-01T00:00:00Z\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"express\"},"
	"\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"4.19.2\"}]}]}]},"
	"{\"id\":\"GHSA-dddd-eeee-ffff\",\"modified\":\"2024-01-01T00:00:00Z\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},\"versions\":[\"1.0.0\"]}]},"
	"{\"id\":\"GHSA-gggg-hhhh-iiii\",\"modified\":\"2024-01-01T00:00:00Z\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"qs\"},"
	"\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"6.2.4\"}]}]}]}]}";

static void tree_init(struct tree *tree)
{
	snprintf(tree->root, sizeof(tree->root), "/tmp/goose-steps-scan-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree->root));
	char *dir = xasprintf("%s/security", tree->root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(dir);
	tree->run_dir = xasprintf("%s/run", tree->root);
	ck_assert_int_eq(mkdir(tree->run_dir, 0755), 0);
	write_text(tree->root, "security/web.cdx.json", sbom_text);
	write_text(tree->root, "security/db.json", database_text);
	memset(&tree->context, 0, sizeof(tree->context));
	tree->context.root = tree->root;
	tree->context.run_dir = tree->run_dir;
	tree->context.run_id = "20261126T000000Z-abcdef";
	tree->context.now = 1795651200; /* 2026-11-26 */
}

static void tree_release(struct tree *tree)
{
	fileio_remove_tree(tree->root);
	free(tree->run_dir);
}

/* The args goosec build writes for one service "web" with an npm purl type. */
static json_t *scan_args(const char *waiver_expires)
{
	char *sbom_digest = digest_of(sbom_text), *database_digest = digest_of(database_text);
	json_t *args = json_pack(
		"{s:[{s:s,s:s,s:s,s:s},{s:s,s:n,s:n,s:n}],s:{s:[{s:s,s:s}],s:[]},s:[{s:s,s:s,s:s,s:s,s:s,s:s}],"
		"s:s,s:s,s:s,s:s}",
		"services", "service", "web", "sbom", "security/web.cdx.json", "sbom_sha256", sbom_digest, "purl_type", "npm",
		"service", "worker", "sbom", "sbom_sha256", "purl_type", "enrichment", "sboms", "service", "web", "purl_type",
		"npm", "rules", "waivers", "id", "CVE-2024-0001", "service", "web", "component", "pkg:npm/express", "reason",
		"not reachable", "approved_by", "security-team", "expires", waiver_expires, "database", "security/db.json",
		"database_sha256", database_digest, "fail_on", "high", "enforcement", "required");
	free(sbom_digest);
	free(database_digest);
	return args;
}

static json_t *read_result(const struct tree *tree)
{
	char *path = xasprintf("%s/scan.json", tree->run_dir);
	json_t *result = json_load_file(path, 0, NULL);
	free(path);
	ck_assert_ptr_nonnull(result);
	return result;
}

START_TEST(test_scan_step_writes_result_and_summary)
{
	struct tree tree;
	tree_init(&tree);
	json_t *args = scan_args("2027-01-31");
	json_t *detail = json_object();
	char *error = NULL;
	ck_assert_int_eq(steps_sbom_scan(&tree.context, args, detail, &error), STEPS_DONE);
	ck_assert_ptr_null(error);
	/* left-pad got its purl from the service's purl type, so it is matched too */
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "sboms")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "components")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "findings")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "waived")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "failing")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "enrichment_changes")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "fail_on")), "high");
	ck_assert_str_eq(json_string_value(json_object_get(detail, "today")), "2026-11-26");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(detail, "services_without_sbom"), 0)), "worker");
	ck_assert_str_eq(json_string_value(json_object_get(detail, "worst_unwaived")),
			 "GHSA-dddd-eeee-ffff (critical 9.8) in pkg:npm/left-pad@1.0.0");
	json_t *result = read_result(&tree);
	ck_assert_str_eq(json_string_value(json_object_get(result, "run_id")), "20261126T000000Z-abcdef");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(result, "database"), "path")), "security/db.json");
	const json_t *findings = json_object_get(result, "findings");
	ck_assert_uint_eq(json_array_size(findings), 2);
	/* the waiver names the record by its alias */
	size_t index;
	const json_t *finding;
	int checked = 0;
	json_array_foreach(findings, index, finding) {
		const char *id = json_string_value(json_object_get(finding, "id"));
		if (strcmp(id, "GHSA-aaaa-bbbb-cccc") == 0) {
			ck_assert(json_is_object(json_object_get(finding, "waived_by")));
			checked++;
		} else {
			ck_assert_str_eq(id, "GHSA-dddd-eeee-ffff");
			ck_assert_str_eq(json_string_value(json_object_get(finding, "purl")), "pkg:npm/left-pad@1.0.0");
			ck_assert(json_is_true(json_object_get(finding, "fails")));
			checked++;
		}
	}
	ck_assert_int_eq(checked, 2);
	json_decref(result);

	/* the gate over that result */
	json_t *gate = json_pack("{s:s,s:s}", "fail_on", "high", "enforcement", "required");
	char *reason = NULL;
	ck_assert(!steps_gate_security_scan(&tree.context, gate, &reason));
	ck_assert_str_eq(reason, "1 unwaived finding at or above high: GHSA-dddd-eeee-ffff (critical 9.8) in pkg:npm/left-pad@1.0.0");
	free(reason);
	json_object_set_new(gate, "fail_on", json_string("critical"));
	ck_assert(!steps_gate_security_scan(&tree.context, gate, &reason));
	free(reason);
	json_decref(gate);
	json_decref(detail);
	json_decref(args);
	tree_release(&tree);
}
END_TEST

/* The same run a day after the waiver's expiry: the finding it waived counts again. */
START_TEST(test_scan_step_expired_waiver)
{
	struct tree tree;
	tree_init(&tree);
	tree.context.now = 1795651200 + 86400; /* 2026-11-27 */
	json_t *args = scan_args("2026-11-26");
	json_t *detail = json_object();
	char *error = NULL;
	ck_assert_int_eq(steps_sbom_scan(&tree.context, args, detail, &error), STEPS_DONE);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "waived")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "expired_waivers")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "today")), "2026-11-27");
	ck_assert_str_eq(json_string_value(json_object_get(detail, "worst_unwaived")),
			 "GHSA-dddd-eeee-ffff (critical 9.8) in pkg:npm/left-pad@1.0.0");
	json_t *gate = json_pack("{s:s}", "fail_on", "high");
	char *reason = NULL;
	ck_assert(!steps_gate_security_scan(&tree.context, gate, &reason));
	ck_assert_str_eq(reason, "2 unwaived findings at or above high: GHSA-dddd-eeee-ffff (critical 9.8) in "
				 "pkg:npm/left-pad@1.0.0, GHSA-aaaa-bbbb-cccc (high 7.5) in pkg:npm/express@4.17.0 (its waiver "
				 "expired 2026-11-26)");
	free(reason);
	json_decref(gate);
	json_decref(detail);
	json_decref(args);
	tree_release(&tree);
}
END_TEST

static void assert_step_fails(struct tree *tree, json_t *args, const char *expected)
{
	json_t *detail = json_object();
	char *error = NULL;
	ck_assert_int_eq(steps_sbom_scan(&tree->context, args, detail, &error), STEPS_FAILED);
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(error, expected);
	free(error);
	json_decref(detail);
	char *path = xasprintf("%s/scan.json", tree->run_dir);
	ck_assert_int_ne(access(path, F_OK), 0); /* no result from a refused scan */
	free(path);
}

START_TEST(test_scan_step_refusals)
{
	struct tree tree;
	tree_init(&tree);
	json_t *args = scan_args("2027-01-31");

	/* a changed SBOM: refused before it is read */
	write_text(tree.root, "security/web.cdx.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]}");
	char *changed = digest_of("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]}");
	char *pinned = digest_of(sbom_text);
	char *expected = xasprintf("the SBOM '%s/security/web.cdx.json' changed after the plan was built: sha256 %.12s..., "
				   "the plan expects %.12s...",
				   tree.root, changed, pinned);
	assert_step_fails(&tree, args, expected);
	free(expected);
	free(changed);
	free(pinned);
	write_text(tree.root, "security/web.cdx.json", sbom_text);

	/* a changed database */
	write_text(tree.root, "security/db.json", "{\"records\":[]}");
	changed = digest_of("{\"records\":[]}");
	pinned = digest_of(database_text);
	expected = xasprintf("the vulnerability database '%s/security/db.json' changed after the plan was built: sha256 "
			     "%.12s..., the plan expects %.12s...",
			     tree.root, changed, pinned);
	assert_step_fails(&tree, args, expected);
	free(expected);
	free(changed);
	free(pinned);
	write_text(tree.root, "security/db.json", database_text);

	/* a file the tree lacked at build, a missing file, no database, a bad fail_on, a bad waiver */
	json_t *service = json_array_get(json_object_get(args, "services"), 0);
	json_object_set_new(service, "sbom_sha256", json_null());
	assert_step_fails(&tree, args, "the SBOM 'security/web.cdx.json' has no digest in the plan (the tree lacked it at build)");
	json_object_set_new(service, "sbom_sha256", json_string("0000000000000000000000000000000000000000000000000000000000000000"));
	json_object_set_new(service, "sbom", json_string("security/gone.json"));
	expected = xasprintf("cannot read the SBOM '%s/security/gone.json': No such file or directory", tree.root);
	assert_step_fails(&tree, args, expected);
	free(expected);
	json_decref(args);

	args = scan_args("2027-01-31");
	json_object_set_new(args, "database", json_null());
	assert_step_fails(&tree, args, "the plan's sbom.scan step names no vulnerability database");
	json_decref(args);

	args = scan_args("2027-01-31");
	json_object_set_new(args, "fail_on", json_string("severe"));
	assert_step_fails(&tree, args, "the plan's fail_on 'severe' is not a severity");
	json_decref(args);

	args = scan_args("2027-01-31");
	json_object_set_new(args, "services", json_string("web"));
	assert_step_fails(&tree, args, "the plan's sbom.scan step names no services");
	json_decref(args);

	/* an SBOM that is not one */
	const char *not_sbom = "{\"hello\":1}";
	write_text(tree.root, "security/web.cdx.json", not_sbom);
	args = scan_args("2027-01-31");
	char *digest = digest_of(not_sbom);
	json_object_set_new(json_array_get(json_object_get(args, "services"), 0), "sbom_sha256", json_string(digest));
	free(digest);
	json_t *detail = json_object();
	char *error = NULL;
	ck_assert_int_eq(steps_sbom_scan(&tree.context, args, detail, &error), STEPS_FAILED);
	ck_assert_msg(strncmp(error, "SBOM 'security/web.cdx.json' of service 'web': ", 47) == 0, "%s", error);
	free(error);
	json_decref(detail);
	json_decref(args);
	tree_release(&tree);
}
END_TEST

static void write_result(struct tree *tree, const char *findings)
{
	char *text = xasprintf("{\"fail_on\":\"high\",\"findings\":[%s]}", findings);
	write_text(tree->run_dir, "scan.json", text);
	free(text);
}

static const char *gate_reason(struct tree *tree, const char *fail_on, bool expected_pass)
{
	static char saved[1024];
	json_t *gate = json_pack("{s:s?}", "fail_on", fail_on);
	char *reason = NULL;
	bool passed = steps_gate_security_scan(&tree->context, gate, &reason);
	ck_assert_msg(passed == expected_pass, "%s", reason ? reason : "?");
	ck_assert_ptr_nonnull(reason);
	snprintf(saved, sizeof(saved), "%s", reason);
	free(reason);
	json_decref(gate);
	return saved;
}

#define FINDING(id, severity, score, purl, waived)                                                               \
	"{\"id\":\"" id "\",\"severity\":\"" severity "\",\"score\":" score ",\"purl\":\"" purl "\",\"component\":\"c\"," \
	"\"waived_by\":" waived ",\"expired_waiver\":null}"

START_TEST(test_gate_verdicts)
{
	struct tree tree;
	tree_init(&tree);
	ck_assert_str_eq(gate_reason(&tree, "high", false), "no scan result in this run: the sbom.scan step has not run");
	write_result(&tree, "");
	ck_assert_str_eq(gate_reason(&tree, "high", true), "no unwaived finding at or above high (0 findings, 0 waived)");
	write_result(&tree, FINDING("A", "medium", "5.3", "pkg:npm/a@1", "null") ","
			    FINDING("B", "critical", "9.8", "pkg:npm/b@1", "{\"id\":\"B\"}"));
	ck_assert_str_eq(gate_reason(&tree, "high", true), "no unwaived finding at or above high (2 findings, 1 waived)");
	ck_assert_str_eq(gate_reason(&tree, "medium", false), "1 unwaived finding at or above medium: A (medium 5.3) in pkg:npm/a@1");
	/* worst first (unknown above critical, then by score), at most three named */
	write_result(&tree, FINDING("L", "low", "2.0", "pkg:npm/l@1", "null") ","
			    FINDING("H1", "high", "7.5", "pkg:npm/h@1", "null") ","
			    FINDING("H2", "high", "8.8", "pkg:npm/h@2", "null") ","
			    FINDING("U", "unknown", "null", "pkg:npm/u@1", "null") ","
			    FINDING("C", "critical", "9.1", "pkg:npm/c@1", "null"));
	ck_assert_str_eq(gate_reason(&tree, "high", false),
			 "4 unwaived findings at or above high: U (unknown) in pkg:npm/u@1, C (critical 9.1) in pkg:npm/c@1, "
			 "H2 (high 8.8) in pkg:npm/h@2 and 1 more");
	ck_assert_str_eq(gate_reason(&tree, "none", false),
			 "5 unwaived findings at or above none: U (unknown) in pkg:npm/u@1, C (critical 9.1) in pkg:npm/c@1, "
			 "H2 (high 8.8) in pkg:npm/h@2 and 2 more");
	ck_assert_str_eq(gate_reason(&tree, "bogus", false), "the gate's fail_on 'bogus' is not a severity");
	ck_assert_str_eq(gate_reason(&tree, NULL, false), "the gate's fail_on '(none)' is not a severity");
	write_text(tree.run_dir, "scan.json", "{\"summary\":{}}");
	char *expected = xasprintf("the scan result '%s/scan.json' has no findings list", tree.run_dir);
	ck_assert_str_eq(gate_reason(&tree, "high", false), expected);
	free(expected);
	write_text(tree.run_dir, "scan.json", "{\"findings\":[");
	const char *reason = gate_reason(&tree, "high", false);
	ck_assert_msg(strncmp(reason, "cannot read the scan result '", 29) == 0, "%s", reason);
	tree_release(&tree);
}
END_TEST

/* Waivers expire against the UTC day of the run's clock. */
START_TEST(test_scan_day_boundaries)
{
	static const struct {
		int64_t now;
		const char *day;
	} days[] = {
		{ 951782400, "2000-02-29" },  { 951868799, "2000-02-29" }, { 951868800, "2000-03-01" },
		{ 0, "1970-01-01" },          { -1, "1969-12-31" },        { 4102444800, "2100-01-01" },
		{ 1795651199, "2026-11-25" },
	};
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		struct tree tree;
		tree_init(&tree);
		tree.context.now = days[i].now;
		json_t *args = scan_args("2027-01-31");
		json_t *detail = json_object();
		char *error = NULL;
		ck_assert_int_eq(steps_sbom_scan(&tree.context, args, detail, &error), STEPS_DONE);
		ck_assert_str_eq(json_string_value(json_object_get(detail, "today")), days[i].day);
		json_decref(detail);
		json_decref(args);
		tree_release(&tree);
	}
}
END_TEST

static Suite *steps_scan_suite(void)
{
	Suite *suite = suite_create("steps_scan");
	TCase *cases = tcase_create("steps_scan");
	tcase_add_test(cases, test_scan_step_writes_result_and_summary);
	tcase_add_test(cases, test_scan_step_expired_waiver);
	tcase_add_test(cases, test_scan_step_refusals);
	tcase_add_test(cases, test_gate_verdicts);
	tcase_add_test(cases, test_scan_day_boundaries);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(steps_scan_suite)
