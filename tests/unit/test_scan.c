/* Unit tests for vuln/osv and vuln/scan: the database's three shapes, exact errors, the index
 * (ecosystem suffixes, PyPI names, withdrawn records), the OSV reference records, range
 * evaluation (unsorted events, last_affected, limit, versions[], Go 'v', GIT skipped), severity,
 * waivers with aliases, services, prefixes and expiry, fail-on, and the result JSON. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "osv.h"
#include "scan.h"
#include "util.h"

static void read_db(const char *text, struct osv_db *db)
{
	char *error = NULL;
	int status = osv_db_parse(db, text, strlen(text), &error);
	ck_assert_msg(status == 0, "%s", error ? error : "");
}

static void assert_db_error(const char *text, const char *expected)
{
	struct osv_db db;
	char *error = NULL;
	ck_assert_int_eq(osv_db_parse(&db, text, strlen(text), &error), -1);
	ck_assert_str_eq(error, expected);
	ck_assert_ptr_null(db.root);
	free(error);
}

START_TEST(database_shapes_and_index)
{
	struct osv_db db;
	read_db("{\"records\":[{\"id\":\"A-1\",\"aliases\":[\"CVE-1\"],\"affected\":["
		"{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},\"versions\":[\"1\"]},"
		"{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Zope.Interface\"},\"versions\":[\"1\"]}]},"
		"{\"id\":\"A-2\",\"withdrawn\":\"2024-01-01T00:00:00Z\",\"affected\":["
		"{\"package\":{\"ecosystem\":\"npm\",\"name\":\"gone\"},\"versions\":[\"1\"]}]},"
		"{\"id\":\"A-3\",\"affected\":[{\"ranges\":[{\"type\":\"GIT\",\"events\":[{\"introduced\":\"0\"}]}]}]}]}",
		&db);
	ck_assert_uint_eq(db.record_count, 3);
	ck_assert_uint_eq(db.package_count, 2); /* the withdrawn one and the packageless one are not indexed */
	size_t count;
	const struct osv_match *matches = osv_db_lookup(&db, "Debian", "openssl", &count);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(matches[0].record->id, "A-1");
	ck_assert_str_eq(matches[0].affected->ecosystem, "Debian:12");
	ck_assert_ptr_nonnull(osv_db_lookup(&db, "Debian:11", "openssl", &count));
	matches = osv_db_lookup(&db, "PyPI", "zope-interface", &count);
	ck_assert_uint_eq(count, 1);
	ck_assert_ptr_null(osv_db_lookup(&db, "npm", "gone", &count));
	ck_assert_uint_eq(count, 0);
	ck_assert_ptr_null(osv_db_lookup(&db, "npm", "openssl", &count));
	ck_assert_str_eq(osv_db_find(&db, "CVE-1")->id, "A-1");
	ck_assert_str_eq(osv_db_find(&db, "A-2")->id, "A-2");
	ck_assert_ptr_null(osv_db_find(&db, "CVE-9"));
	ck_assert_int_eq(db.records[2].affected[0].ranges[0].type, OSV_RANGE_GIT);
	osv_db_release(&db);

	read_db("[{\"id\":\"B-1\"},{\"id\":\"B-2\"}]", &db);
	ck_assert_uint_eq(db.record_count, 2);
	osv_db_release(&db);
	read_db("{\"id\":\"C-1\",\"summary\":\"one\",\"database_specific\":{\"severity\":\"MODERATE\"},"
		"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"}]}",
		&db);
	ck_assert_uint_eq(db.record_count, 1);
	ck_assert_str_eq(db.records[0].summary, "one");
	ck_assert_str_eq(db.records[0].database_severity, "MODERATE");
	ck_assert_str_eq(db.records[0].severities[0].type, "CVSS_V3");
	osv_db_release(&db);
}
END_TEST

START_TEST(database_errors_are_exact)
{
	assert_db_error("{\"kind\":\"x\"}", "expected an OSV record, an array of records or an object with 'records'");
	assert_db_error("{\"records\":{}}", "/records: expected an array");
	assert_db_error("{\"records\":[{\"summary\":\"x\"}]}", "/records/0: missing 'id'");
	assert_db_error("[{\"id\":\"A\",\"aliases\":[1]}]", "/0/aliases/0: expected a string");
	assert_db_error("[{\"id\":\"A\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\"}}]}]",
			"/0/affected/0/package: missing 'name'");
	assert_db_error("[{\"id\":\"A\",\"affected\":[{\"ranges\":[{\"type\":\"SEMVER\",\"events\":[]}]}]}]",
			"/0/affected/0/ranges/0/events: expected a non-empty array");
	assert_db_error("[{\"id\":\"A\",\"affected\":[{\"ranges\":[{\"type\":\"DATE\",\"events\":[{\"fixed\":\"1\"}]}]}]}]",
			"/0/affected/0/ranges/0/type: unknown range type 'DATE' (SEMVER, ECOSYSTEM or GIT)");
	assert_db_error("[{\"id\":\"A\",\"affected\":[{\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}]",
			"/0/affected/0/ranges/0/events/0: expected an object with one event");
	assert_db_error("[{\"id\":\"A\",\"affected\":[{\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"patched\":\"1\"}]}]}]}]",
			"/0/affected/0/ranges/0/events/0: unknown event 'patched'");
	assert_db_error("[{\"id\":\"A\",\"severity\":[{\"type\":\"CVSS_V3\"}]}]",
			"/0/severity/0: expected 'type' and 'score' strings");
	assert_db_error("{\"records\":[", "line 1 column 12: ']' expected near end of file");
}
END_TEST

static char *reference_path(const char *name)
{
	return xasprintf("%s/reference/osv/%s", check_shared_dir(), name);
}

/* A reference record, or NULL (with a skip line) when the shared data is absent. */
static bool read_reference(const char *name, struct osv_db *db)
{
	char *path = reference_path(name);
	char *data;
	size_t length;
	if (read_file_bytes(path, 1 << 24, &data, &length) != 0) {
		printf("skip OSV reference record: no %s (set GOOSE_SHARED_DIR to the shared reference data)\n", path);
		free(path);
		return false;
	}
	char *error = NULL;
	int status = osv_db_parse(db, data, length, &error);
	ck_assert_msg(status == 0, "%s: %s", path, error ? error : "");
	free(data);
	free(path);
	return true;
}

static void assert_affected(const struct osv_affected *affected, const char *version, bool expected,
			    const char *expected_fixed)
{
	const char *fixed = "unset";
	bool actual = scan_version_affected(affected, version, &fixed, NULL);
	ck_assert_msg(actual == expected, "%s %s: affected %d, expected %d", affected->name, version, actual, expected);
	if (!expected_fixed)
		ck_assert_msg(fixed == NULL, "%s %s: fixed %s, expected none", affected->name, version, fixed);
	else
		ck_assert_msg(fixed && strcmp(fixed, expected_fixed) == 0, "%s %s: fixed %s, expected %s", affected->name,
			      version, fixed ? fixed : "none", expected_fixed);
}

START_TEST(reference_records)
{
	static const char *const all[] = {
		"records/CVE-2018-5407.json", "records/CVE-2023-41045.json", "records/GHSA-9v2f-6vcg-3hgv.json",
		"records/GO-2020-0001.json", "records/GO-2024-2963.json", "records/MAL-2024-10238.json",
		"records/PYSEC-2023-74.json", "records/RHSA-2022_0216.json", "records/SUSE-FU-2022_0444-1.json",
		"records/nointroduced-CVE-2023-41045.json", "records/nondistinct-CVE-2018-5407.json",
		"records/nopackage-GHSA-9v2f-6vcg-3hgv.json", "ghsa-converted/equals_no_patch.osv.json",
		"ghsa-converted/equals_with_patch.osv.json", "ghsa-converted/full_ranges.osv.json",
		"ghsa-converted/greater_than_equals_no_patch.osv.json", "ghsa-converted/less_than_equals_no_patch.osv.json",
		"ghsa-converted/less_than_equals_with_patch.osv.json", "ghsa-converted/maven_greater_than.osv.json",
		"ghsa-converted/multiple_ranges_in_package.osv.json", "ghsa-converted/npm_greater_than.osv.json",
		"ghsa-converted/withdrawn.osv.json",
	};
	struct osv_db db;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!read_reference(all[i], &db))
			return;
		ck_assert_uint_eq(db.record_count, 1);
		osv_db_release(&db);
	}

	/* Go: 'v' or not, SEMVER range */
	read_reference("records/GO-2020-0001.json", &db);
	const struct osv_affected *gin = &db.records[0].affected[0];
	assert_affected(gin, "v1.5.0", true, "1.6.0");
	assert_affected(gin, "1.5.0", true, "1.6.0");
	assert_affected(gin, "v1.6.0", false, NULL);
	assert_affected(gin, "v1.10.0", false, NULL);
	osv_db_release(&db);

	/* Go stdlib: a second range introduced at a pre-release */
	read_reference("records/GO-2024-2963.json", &db);
	const struct osv_affected *stdlib = &db.records[0].affected[0];
	assert_affected(stdlib, "v1.21.11", true, "1.21.12");
	assert_affected(stdlib, "v1.21.12", false, NULL);
	assert_affected(stdlib, "v1.22.0", true, "1.22.5");
	assert_affected(stdlib, "v1.22.5", false, NULL);
	osv_db_release(&db);

	/* events out of order: sorted before they are walked */
	read_reference("ghsa-converted/equals_with_patch.osv.json", &db);
	const struct osv_affected *mixin = &db.records[0].affected[0];
	assert_affected(mixin, "1.3.1", true, "1.3.2");
	assert_affected(mixin, "1.3.2", false, NULL);
	assert_affected(mixin, "2.0.0", true, "2.0.1");
	assert_affected(mixin, "2.0.1", false, NULL);
	osv_db_release(&db);

	/* npm: introduced at a pre-release */
	read_reference("ghsa-converted/npm_greater_than.osv.json", &db);
	const struct osv_affected *jquery = &db.records[0].affected[0];
	assert_affected(jquery, "2.1.0", false, NULL);
	assert_affected(jquery, "2.1.1", true, "3.0.0");
	assert_affected(jquery, "3.0.0-rc1", true, "3.0.0");
	osv_db_release(&db);

	/* PyPI: the ECOSYSTEM range gives the fix; versions[] alone matches too; GIT is skipped */
	read_reference("records/PYSEC-2023-74.json", &db);
	const struct osv_affected *requests = &db.records[0].affected[0];
	assert_affected(requests, "2.30.0", true, "2.31.0");
	assert_affected(requests, "2.3.0", true, "2.31.0");
	assert_affected(requests, "2.31.0", false, NULL);
	assert_affected(requests, "2.2.1", false, NULL);
	struct scan_result notes;
	scan_result_init(&notes);
	scan_version_affected(requests, "2.31.0", NULL, &notes);
	ck_assert_uint_eq(notes.note_count, 1);
	ck_assert_str_eq(notes.notes[0], "GIT ranges are not matched against versions (a range of 'requests' in PyPI)");
	scan_result_release(&notes);
	osv_db_release(&db);

	/* versions[] only */
	read_reference("records/GHSA-9v2f-6vcg-3hgv.json", &db);
	assert_affected(&db.records[0].affected[0], "4.36.1", true, NULL);
	assert_affected(&db.records[0].affected[0], "4.36.0", false, NULL);
	osv_db_release(&db);

	/* RubyGems has no ordering in goosec: the range is noted, not guessed */
	read_reference("ghsa-converted/multiple_ranges_in_package.osv.json", &db);
	scan_result_init(&notes);
	ck_assert(!scan_version_affected(&db.records[0].affected[0], "4.0.2", NULL, &notes));
	ck_assert_uint_eq(notes.note_count, 1);
	ck_assert_str_eq(notes.notes[0], "no version ordering for ecosystem 'RubyGems': its ECOSYSTEM ranges were not checked");
	scan_result_release(&notes);
	osv_db_release(&db);
}
END_TEST

START_TEST(last_affected_limit_and_orderings)
{
	struct osv_db db;
	read_db("[{\"id\":\"X\",\"affected\":["
		"{\"package\":{\"ecosystem\":\"npm\",\"name\":\"last\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
		"  [{\"introduced\":\"1.0.0\"},{\"last_affected\":\"1.2.0\"}]}]},"
		"{\"package\":{\"ecosystem\":\"npm\",\"name\":\"limited\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
		"  [{\"introduced\":\"0\"},{\"limit\":\"2.0.0\"}]},{\"type\":\"SEMVER\",\"events\":"
		"  [{\"introduced\":\"3.0.0\"},{\"limit\":\"*\"}]}]},"
		"{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":"
		"  [{\"introduced\":\"0\"},{\"fixed\":\"1:2.3-1\"}]}]},"
		"{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"pep\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":"
		"  [{\"introduced\":\"1.0\"},{\"fixed\":\"1.0.1\"}]}]},"
		"{\"package\":{\"ecosystem\":\"npm\",\"name\":\"badevent\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
		"  [{\"introduced\":\"0\"},{\"fixed\":\"not-a-version\"}]}]}]}]",
		&db);
	const struct osv_affected *last = &db.records[0].affected[0];
	assert_affected(last, "0.9.0", false, NULL);
	assert_affected(last, "1.0.0", true, NULL);
	assert_affected(last, "1.2.0", true, NULL);
	assert_affected(last, "1.2.1", false, NULL);
	const struct osv_affected *limited = &db.records[0].affected[1];
	assert_affected(limited, "1.9.9", true, NULL);
	assert_affected(limited, "2.0.0", false, NULL);
	assert_affected(limited, "2.5.0", false, NULL);
	assert_affected(limited, "3.1.0", true, NULL);
	const struct osv_affected *debian = &db.records[0].affected[2];
	assert_affected(debian, "9.9-1", true, "1:2.3-1"); /* epoch 0 < epoch 1 */
	assert_affected(debian, "1:2.3-1~deb12u1", true, "1:2.3-1");
	assert_affected(debian, "1:2.3-1", false, NULL);
	const struct osv_affected *pep = &db.records[0].affected[3];
	assert_affected(pep, "1.0.post1", true, "1.0.1");
	assert_affected(pep, "1.0.1rc1", true, "1.0.1");
	assert_affected(pep, "1.0.dev1", false, NULL);
	struct scan_result notes;
	scan_result_init(&notes);
	ck_assert(!scan_version_affected(&db.records[0].affected[4], "1.0.0", NULL, &notes));
	ck_assert(!scan_version_affected(&db.records[0].affected[0], "one.two", NULL, &notes));
	ck_assert_uint_eq(notes.note_count, 2);
	ck_assert_str_eq(notes.notes[0], "'not-a-version' in a range of 'badevent' (npm) is not a npm version: the range was skipped");
	ck_assert_str_eq(notes.notes[1], "'one.two' is not a npm version: npm ranges of 'last' were not checked");
	scan_result_release(&notes);
	osv_db_release(&db);
}
END_TEST

START_TEST(parse_only_keeps_what_a_scan_needs)
{
	const char *text = "{\"kind\":\"VulnerabilityDb\",\"records\":["
			   "{\"id\":\"A\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"}}]},"
			   "{\"id\":\"B\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"other\"},"
			   "  \"ranges\":[{\"type\":\"NOT-CHECKED\",\"events\":[]}]}]},"
			   "{\"id\":\"C\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Zope_Interface\"}}]},"
			   "{\"id\":\"D\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"esc\\u0061ped\"}}]}]}";
	struct osv_package_set *packages = osv_package_set_new();
	osv_package_set_add(packages, "npm", "left-pad");
	osv_package_set_add(packages, "PyPI", "zope.interface");
	osv_package_set_add(packages, "npm", "left-pad");
	struct osv_db db;
	char *error = NULL;
	ck_assert_int_eq(osv_db_parse_only(&db, text, strlen(text), packages, &error), 0);
	/* B is skipped unread (its bad range is not seen); D's escaped name is parsed to be compared */
	ck_assert_uint_eq(db.record_count, 3);
	ck_assert_str_eq(db.records[0].id, "A");
	ck_assert_str_eq(db.records[1].id, "C");
	ck_assert_str_eq(db.records[2].id, "D");
	size_t count;
	ck_assert_ptr_nonnull(osv_db_lookup(&db, "npm", "escaped", &count));
	osv_db_release(&db);

	/* errors are osv_db_parse's, pointers into the whole file */
	const char *bad = "{\"records\":[{\"id\":\"A\"},{\"summary\":\"no id\"}]}";
	ck_assert_int_eq(osv_db_parse_only(&db, bad, strlen(bad), packages, &error), -1);
	ck_assert_str_eq(error, "/records/1: missing 'id'");
	free(error);
	bad = "{\"records\":[{\"id\":\"A\",\"affected\":[{\"package\":{\"name\":\"x\"}}]}]}";
	ck_assert_int_eq(osv_db_parse_only(&db, bad, strlen(bad), packages, &error), -1);
	ck_assert_str_eq(error, "/records/0/affected/0/package: missing 'ecosystem'");
	free(error);
	bad = "{\"records\":[{\"id\":\"A\"}],\"records\":[]}";
	ck_assert_int_eq(osv_db_parse_only(&db, bad, strlen(bad), packages, &error), -1);
	ck_assert_str_eq(error, "line 1 column 33: duplicate object key near '\"records\"'");
	free(error);
	bad = "{\"records\":[{\"id\":\"A\"} {}]}";
	ck_assert_int_eq(osv_db_parse_only(&db, bad, strlen(bad), packages, &error), -1);
	ck_assert_str_eq(error, "line 1 column 24: ']' expected near '{'");
	free(error);
	/* a bare array is not skimmed: read whole */
	ck_assert_int_eq(osv_db_parse_only(&db, "[{\"id\":\"Z\"}]", 12, packages, &error), 0);
	ck_assert_uint_eq(db.record_count, 1);
	osv_db_release(&db);
	osv_package_set_free(packages);
}
END_TEST

/* ---- whole scans ---- */

static const char *const scan_db =
	"{\"records\":["
	"{\"id\":\"GHSA-high\",\"aliases\":[\"CVE-2024-1\"],\"summary\":\"high one\","
	" \"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"}],"
	" \"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"proxy\"},"
	"  \"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0.7\"}]}]}]},"
	"{\"id\":\"GHSA-moderate\",\"database_specific\":{\"severity\":\"MODERATE\"},"
	" \"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"express\"},\"versions\":[\"4.18.0\"]}]},"
	"{\"id\":\"GHSA-v2only\",\"severity\":[{\"type\":\"CVSS_V2\",\"score\":\"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}],"
	" \"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"express\"},\"versions\":[\"4.18.0\"]}]},"
	"{\"id\":\"GHSA-v4only\",\"severity\":[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}],"
	" \"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"express\"},\"versions\":[\"4.18.0\"]}]},"
	"{\"id\":\"GO-crit\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
	" \"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"golang.org/x/net\"},"
	"   \"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0.17.0\"}]}]},"
	"  {\"package\":{\"ecosystem\":\"Go\",\"name\":\"golang.org/x/net\"},\"versions\":[\"0.15.0\"]}]}]}";

static const char *const scan_sbom_gateway =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
	"{\"type\":\"library\",\"name\":\"proxy\",\"version\":\"2.0.6\",\"purl\":\"pkg:npm/proxy@2.0.6\"},"
	"{\"type\":\"library\",\"name\":\"express\",\"version\":\"4.18.0\",\"purl\":\"pkg:npm/express@4.18.0\"},"
	"{\"type\":\"library\",\"name\":\"nopurl\",\"version\":\"1\"},"
	"{\"type\":\"library\",\"name\":\"thing\",\"version\":\"1\",\"purl\":\"pkg:generic/thing@1\"}]}";

static const char *const scan_sbom_api =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
	"{\"type\":\"library\",\"name\":\"golang.org/x/net\",\"version\":\"v0.15.0\",\"purl\":\"pkg:golang/golang.org/x/net@v0.15.0\"}]}";

struct scan_fixture {
	struct osv_db db;
	struct sbom sboms[2];
	struct scan_input inputs[2];
};

static void fixture_init(struct scan_fixture *fixture)
{
	read_db(scan_db, &fixture->db);
	char *error = NULL;
	ck_assert_int_eq(sbom_parse(&fixture->sboms[0], scan_sbom_gateway, strlen(scan_sbom_gateway), &error), 0);
	ck_assert_int_eq(sbom_parse(&fixture->sboms[1], scan_sbom_api, strlen(scan_sbom_api), &error), 0);
	fixture->inputs[0] = (struct scan_input){ "gateway", &fixture->sboms[0] };
	fixture->inputs[1] = (struct scan_input){ "api", &fixture->sboms[1] };
}

static void fixture_release(struct scan_fixture *fixture)
{
	osv_db_release(&fixture->db);
	sbom_release(&fixture->sboms[0]);
	sbom_release(&fixture->sboms[1]);
}

static char *scan_text(const char *waivers_text, enum scan_severity fail_on, const char *today, bool *failed)
{
	struct scan_fixture fixture;
	fixture_init(&fixture);
	json_t *waivers = waivers_text ? json_loads(waivers_text, 0, NULL) : NULL;
	struct scan_options options = { fail_on, today };
	struct scan_result result;
	char *error = NULL;
	int status = scan_run(&fixture.db, fixture.inputs, 2, waivers, &options, &result, &error);
	ck_assert_msg(status == 0, "%s", error ? error : "");
	struct strbuf out;
	strbuf_init(&out);
	scan_result_format_text(&result, &out);
	*failed = result.failed;
	scan_result_release(&result);
	json_decref(waivers);
	fixture_release(&fixture);
	return strbuf_detach(&out, NULL);
}

START_TEST(scan_findings_and_fail_on)
{
	bool failed;
	char *text = scan_text(NULL, SCAN_SEVERITY_NONE, "2026-11-26", &failed);
	ck_assert_str_eq(text,
			 "api: golang.org/x/net@v0.15.0: GO-crit critical 9.8, fixed in 0.17.0\n"
			 "gateway: express@4.18.0: GHSA-moderate medium, no fix\n"
			 "gateway: express@4.18.0: GHSA-v2only unknown, no fix\n"
			 "gateway: express@4.18.0: GHSA-v4only critical 9.3, no fix\n"
			 "gateway: proxy@2.0.6: GHSA-high high 7.5, fixed in 2.0.7 (CVE-2024-1)\n"
			 "note: component nopurl@1 has no purl: not scanned\n"
			 "note: purl type 'generic' has no OSV ecosystem: its components were not scanned\n"
			 "5 components scanned, 5 findings (0 waived), 5 failing at fail-on none: FAIL\n");
	ck_assert(failed);
	free(text);
	/* high: the two critical, the high and the unknown (a v2 vector goosec does not score) fail;
	 * medium does not */
	text = scan_text(NULL, SCAN_SEVERITY_HIGH, "2026-11-26", &failed);
	ck_assert_ptr_nonnull(strstr(text, "5 findings (0 waived), 4 failing at fail-on high: FAIL\n"));
	free(text);
	text = scan_text(NULL, SCAN_SEVERITY_CRITICAL, "2026-11-26", &failed);
	ck_assert_ptr_nonnull(strstr(text, "3 failing at fail-on critical: FAIL\n"));
	free(text);
}
END_TEST

START_TEST(waivers_apply_and_expire)
{
	const char *waivers =
		"[{\"id\":\"CVE-2024-1\",\"service\":\"gateway\",\"component\":\"pkg:npm/proxy\",\"reason\":\"behind auth\","
		"  \"approved_by\":\"security-team\",\"expires\":\"2027-01-31\"},"
		/* another service: does not apply */
		" {\"id\":\"GO-crit\",\"service\":\"gateway\",\"component\":\"pkg:golang/golang.org/x\",\"reason\":\"r\","
		"  \"expires\":\"2027-01-31\"},"
		/* a prefix that is not at a boundary: does not apply */
		" {\"id\":\"GHSA-moderate\",\"component\":\"pkg:npm/expr\",\"reason\":\"r\",\"expires\":\"2027-01-31\"},"
		/* expired */
		" {\"id\":\"GHSA-v4only\",\"component\":\"pkg:npm/express@4.18.0\",\"reason\":\"r\",\"expires\":\"2026-11-25\"}]";
	bool failed;
	/* written differently from the SBOM's purl, the same package once canonical */
	char *text = scan_text("[{\"id\":\"GHSA-high\",\"component\":\"PKG:NPM/proxy\",\"reason\":\"r\",\"expires\":\"2027-01-31\"}]",
			       SCAN_SEVERITY_HIGH, "2026-11-26", &failed);
	ck_assert_ptr_nonnull(strstr(text, "(CVE-2024-1) [waived until 2027-01-31]\n"));
	free(text);
	text = scan_text(waivers, SCAN_SEVERITY_HIGH, "2026-11-26", &failed);
	ck_assert_str_eq(text,
			 "api: golang.org/x/net@v0.15.0: GO-crit critical 9.8, fixed in 0.17.0\n"
			 "gateway: express@4.18.0: GHSA-moderate medium, no fix\n"
			 "gateway: express@4.18.0: GHSA-v2only unknown, no fix\n"
			 "gateway: express@4.18.0: GHSA-v4only critical 9.3, no fix [waiver expired on 2026-11-25]\n"
			 "gateway: proxy@2.0.6: GHSA-high high 7.5, fixed in 2.0.7 (CVE-2024-1) [waived by security-team until 2027-01-31]\n"
			 "expired waiver: GHSA-v4only for pkg:npm/express@4.18.0 expired on 2026-11-25\n"
			 "note: component nopurl@1 has no purl: not scanned\n"
			 "note: purl type 'generic' has no OSV ecosystem: its components were not scanned\n"
			 "5 components scanned, 5 findings (1 waived), 3 failing at fail-on high: FAIL\n");
	free(text);
	/* the expiry day itself still applies */
	text = scan_text(waivers, SCAN_SEVERITY_HIGH, "2027-01-31", &failed);
	ck_assert_ptr_nonnull(strstr(text, "[waived by security-team until 2027-01-31]"));
	free(text);
	text = scan_text(waivers, SCAN_SEVERITY_HIGH, "2027-02-01", &failed);
	ck_assert_ptr_nonnull(strstr(text, "(CVE-2024-1) [waiver expired on 2027-01-31]\n"));
	ck_assert_ptr_nonnull(strstr(text, "expired waiver: CVE-2024-1 for pkg:npm/proxy in gateway expired on 2027-01-31\n"));
	free(text);

	struct scan_fixture fixture;
	fixture_init(&fixture);
	struct scan_options options = { SCAN_SEVERITY_NONE, "2026-11-26" };
	struct scan_result result;
	char *error = NULL;
	json_t *bad = json_loads("[{\"id\":\"X\",\"component\":\"pkg:npm/a\",\"reason\":\"r\",\"expires\":\"31.1.2027\"}]", 0, NULL);
	ck_assert_int_eq(scan_run(&fixture.db, fixture.inputs, 2, bad, &options, &result, &error), -1);
	ck_assert_str_eq(error, "/waivers/0/expires: '31.1.2027' is not a date (YYYY-MM-DD)");
	free(error);
	json_decref(bad);
	bad = json_loads("[{\"id\":\"X\",\"reason\":\"r\",\"expires\":\"2027-01-01\"}]", 0, NULL);
	ck_assert_int_eq(scan_run(&fixture.db, fixture.inputs, 2, bad, &options, &result, &error), -1);
	ck_assert_str_eq(error, "/waivers/0: missing 'component'");
	free(error);
	json_decref(bad);
	fixture_release(&fixture);
}
END_TEST

START_TEST(result_json)
{
	struct scan_fixture fixture;
	fixture_init(&fixture);
	json_t *waivers = json_loads("[{\"id\":\"GHSA-high\",\"component\":\"pkg:npm/proxy@2.0.6\",\"reason\":\"behind auth\","
				     "\"approved_by\":\"sec\",\"expires\":\"2027-01-31\"}]",
				     0, NULL);
	struct scan_options options = { SCAN_SEVERITY_CRITICAL, "2026-11-26" };
	struct scan_result result;
	char *error = NULL;
	ck_assert_int_eq(scan_run(&fixture.db, &fixture.inputs[0], 1, waivers, &options, &result, &error), 0);
	json_t *document = scan_result_to_json(&result);
	json_t *proxy = json_array_get(json_object_get(document, "findings"), 3);
	char *text = json_dumps(proxy, JSON_COMPACT | JSON_REAL_PRECISION(15));
	ck_assert_str_eq(text,
			 "{\"id\":\"GHSA-high\",\"aliases\":[\"CVE-2024-1\"],\"summary\":\"high one\",\"service\":\"gateway\","
			 "\"component\":\"proxy@2.0.6\",\"purl\":\"pkg:npm/proxy@2.0.6\",\"installed\":\"2.0.6\",\"fixed\":\"2.0.7\","
			 "\"severity\":\"high\",\"score\":7.5,\"vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\","
			 "\"waived_by\":{\"id\":\"GHSA-high\",\"service\":null,\"component\":\"pkg:npm/proxy@2.0.6\","
			 "\"reason\":\"behind auth\",\"approved_by\":\"sec\",\"expires\":\"2027-01-31\"},\"expired_waiver\":null,"
			 "\"fails\":false}");
	free(text);
	text = json_dumps(json_object_get(document, "summary"), JSON_COMPACT);
	/* the unknown-severity finding fails even at critical */
	ck_assert_str_eq(text, "{\"components\":4,\"findings\":4,\"waived\":1,\"failing\":2,\"by_severity\":"
			       "{\"none\":0,\"low\":0,\"medium\":1,\"high\":0,\"critical\":1,\"unknown\":1}}");
	free(text);
	ck_assert(json_is_true(json_object_get(document, "failed")));
	ck_assert_str_eq(json_string_value(json_object_get(document, "fail_on")), "critical");
	ck_assert_str_eq(result.findings[3].pointer, "/components/0");
	ck_assert_uint_eq(result.findings[3].input_index, 0);
	ck_assert_str_eq(result.findings[2].vector, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
	ck_assert_int_eq(result.findings[2].score_tenths, 93);
	ck_assert_ptr_null(result.findings[1].vector);
	ck_assert_int_eq(result.findings[1].score_tenths, -1);
	json_decref(document);
	json_decref(waivers);
	scan_result_release(&result);
	fixture_release(&fixture);
}
END_TEST

START_TEST(severity_names)
{
	enum scan_severity severity;
	ck_assert_int_eq(scan_fail_on_from_name("HIGH", &severity), 0);
	ck_assert_int_eq(severity, SCAN_SEVERITY_HIGH);
	ck_assert_int_eq(scan_fail_on_from_name("none", &severity), 0);
	ck_assert_int_eq(severity, SCAN_SEVERITY_NONE);
	ck_assert_int_eq(scan_fail_on_from_name("unknown", &severity), -1);
	ck_assert_int_eq(scan_fail_on_from_name("severe", &severity), -1);
	ck_assert_str_eq(scan_severity_name(SCAN_SEVERITY_MEDIUM), "medium");
	ck_assert_str_eq(scan_severity_name(SCAN_SEVERITY_UNKNOWN), "unknown");
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *suite = suite_create("scan");
	TCase *tcase = tcase_create("scan");
	tcase_add_test(tcase, database_shapes_and_index);
	tcase_add_test(tcase, database_errors_are_exact);
	tcase_add_test(tcase, reference_records);
	tcase_add_test(tcase, last_affected_limit_and_orderings);
	tcase_add_test(tcase, parse_only_keeps_what_a_scan_needs);
	tcase_add_test(tcase, scan_findings_and_fail_on);
	tcase_add_test(tcase, waivers_apply_and_expire);
	tcase_add_test(tcase, result_json);
	tcase_add_test(tcase, severity_names);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(scan_suite)
