/* Unit tests for vuln/enrich: globs, filling only what is missing, rule order, --force, purl
 * synthesis per type, SPDX edits, malformed enrichment, and the example tree's exact changes. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "diag.h"
#include "enrich.h"
#include "load.h"
#include "sbom.h"
#include "util.h"

static json_t *json(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	ck_assert_msg(value != NULL, "%s: %s", text, error.text);
	return value;
}

static void read_sbom(const char *text, struct sbom *sbom)
{
	char *error = NULL;
	ck_assert_int_eq(sbom_parse(sbom, text, strlen(text), &error), 0);
}

/* Runs the enrichment and returns the change messages joined by newlines. */
static char *enrich(struct sbom *sbom, const char *enrichment_text, const char *service, bool force)
{
	json_t *enrichment = json(enrichment_text);
	struct enrich_report report;
	enrich_report_init(&report);
	char *error = NULL;
	int status = enrich_sbom(sbom, enrichment, service, force, &report, &error);
	ck_assert_msg(status == 0, "%s", error ? error : "");
	struct strbuf out;
	strbuf_init(&out);
	for (size_t i = 0; i < report.change_count; i++)
		strbuf_addf(&out, "%s\n", report.changes[i].message);
	enrich_report_release(&report);
	json_decref(enrichment);
	return strbuf_detach(&out, NULL);
}

static void assert_component_json(const struct sbom *sbom, size_t index, const char *expected)
{
	char *actual = json_dumps(sbom->components[index].object, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(actual, expected);
	free(actual);
}

START_TEST(glob)
{
	ck_assert(enrich_glob_match("pkg:golang/github.com/jackc/*", "pkg:golang/github.com/jackc/pgx/v5@v5.5.5"));
	ck_assert(!enrich_glob_match("pkg:golang/github.com/jackc/*", "pkg:golang/github.com/jack/pgx"));
	ck_assert(enrich_glob_match("*", ""));
	ck_assert(enrich_glob_match("a*b*c", "aXXbYYc"));
	ck_assert(!enrich_glob_match("a*b*c", "aXXbYY"));
	ck_assert(enrich_glob_match("pkg:npm/helmet@*", "pkg:npm/helmet@8.0.0"));
	ck_assert(!enrich_glob_match("pkg:npm/helmet@*", "pkg:npm/helmet-csp@1"));
	ck_assert(enrich_glob_match("*-middleware", "http-proxy-middleware"));
	ck_assert(!enrich_glob_match("abc", "abcd"));
}
END_TEST

static const char *const cyclonedx =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
	"{\"type\":\"library\",\"name\":\"a\",\"version\":\"1.0.0\",\"purl\":\"pkg:npm/a@1.0.0\"},"
	"{\"type\":\"library\",\"name\":\"b\",\"version\":\"2.0.0\",\"purl\":\"pkg:npm/b@2.0.0\","
	" \"licenses\":[{\"license\":{\"id\":\"ISC\"}}],\"supplier\":{\"name\":\"B Inc\"}},"
	"{\"type\":\"library\",\"name\":\"@scope/c\",\"version\":\"3.0.0\"}]}";

START_TEST(fills_only_missing_fields_first_rule_wins)
{
	struct sbom sbom;
	read_sbom(cyclonedx, &sbom);
	char *changes = enrich(&sbom,
			       "{\"rules\":["
			       "{\"match\":{\"purl\":\"pkg:npm/*\"},\"set\":{\"licenses\":[\"MIT\"],"
			       " \"supplier\":{\"name\":\"Npm Folk\",\"url\":[\"https://npmjs.com\"]}}},"
			       "{\"match\":{\"name\":\"a\"},\"set\":{\"licenses\":[\"Apache-2.0\"]}}]}",
			       NULL, false);
	/* c has no purl and no purl_type: the purl glob cannot match it */
	ck_assert_str_eq(changes, "component a@1.0.0: licenses set to [MIT]\n"
				  "component a@1.0.0: supplier set to 'Npm Folk'\n");
	assert_component_json(&sbom, 0,
			      "{\"licenses\":[{\"license\":{\"id\":\"MIT\"}}],\"name\":\"a\",\"purl\":\"pkg:npm/a@1.0.0\","
			      "\"supplier\":{\"name\":\"Npm Folk\",\"url\":[\"https://npmjs.com\"]},\"type\":\"library\","
			      "\"version\":\"1.0.0\"}");
	/* b keeps what it had; the list was reloaded */
	ck_assert_str_eq(sbom.components[1].licenses[0].text, "ISC");
	ck_assert_str_eq(sbom.components[1].supplier, "B Inc");
	ck_assert_str_eq(sbom.components[0].licenses[0].text, "MIT");
	ck_assert_str_eq(sbom.components[0].supplier, "Npm Folk");
	free(changes);
	sbom_release(&sbom);
}
END_TEST

START_TEST(force_overwrites_and_says_from_what)
{
	struct sbom sbom;
	read_sbom(cyclonedx, &sbom);
	char *changes = enrich(&sbom,
			       "{\"rules\":[{\"match\":{\"purl\":\"pkg:npm/b\"},\"set\":{\"licenses\":[\"MIT\"],"
			       " \"supplier\":{\"name\":\"B Inc\"},\"purl\":\"pkg:npm/b-renamed@2.0.0\"}}]}",
			       NULL, true);
	/* the supplier is the same: not a change */
	ck_assert_str_eq(changes, "component b@2.0.0: licenses changed from [ISC] to [MIT]\n"
				  "component b@2.0.0: purl changed from 'pkg:npm/b@2.0.0' to 'pkg:npm/b-renamed@2.0.0'\n");
	ck_assert_str_eq(sbom.components[1].licenses[0].text, "MIT");
	ck_assert_str_eq(sbom.components[1].purl, "pkg:npm/b-renamed@2.0.0");
	free(changes);
	/* without force nothing changes */
	sbom_release(&sbom);
	read_sbom(cyclonedx, &sbom);
	changes = enrich(&sbom,
			 "{\"rules\":[{\"match\":{\"purl\":\"pkg:npm/b\"},\"set\":{\"licenses\":[\"MIT\"]}}]}", NULL, false);
	ck_assert_str_eq(changes, "");
	ck_assert_str_eq(sbom.components[1].licenses[0].text, "ISC");
	free(changes);
	sbom_release(&sbom);
}
END_TEST

START_TEST(purl_synthesis_per_type)
{
	struct sbom sbom;
	read_sbom(cyclonedx, &sbom);
	char *changes = enrich(&sbom,
			       "{\"sboms\":[{\"service\":\"web\",\"purl_type\":\"npm\"}],"
			       "\"rules\":[{\"match\":{\"purl\":\"pkg:npm/%40scope/*\"},\"set\":{\"licenses\":[\"0BSD\"]}}]}",
			       "web", false);
	/* the synthesised purl is what the later rules match */
	ck_assert_str_eq(changes, "component @scope/c@3.0.0: purl set to 'pkg:npm/%40scope/c@3.0.0'\n"
				  "component @scope/c@3.0.0: licenses set to [0BSD]\n");
	ck_assert_str_eq(sbom.components[2].purl, "pkg:npm/%40scope/c@3.0.0");
	free(changes);
	sbom_release(&sbom);

	/* Go: the module path splits at its last '/', and the version gets its 'v' */
	read_sbom("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
		  "{\"type\":\"library\",\"name\":\"github.com/go-chi/chi/v5\",\"version\":\"5.0.12\"},"
		  "{\"type\":\"library\",\"name\":\"golang.org/x/net\",\"version\":\"v0.15.0\"},"
		  "{\"type\":\"library\",\"name\":\"nover\"}]}",
		  &sbom);
	changes = enrich(&sbom, "{\"sboms\":[{\"service\":\"api\",\"purl_type\":\"golang\"},{\"service\":\"web\"}]}", "api",
			 false);
	ck_assert_str_eq(changes, "component github.com/go-chi/chi/v5@5.0.12: purl set to 'pkg:golang/github.com/go-chi/chi/v5@v5.0.12'\n"
				  "component golang.org/x/net@v0.15.0: purl set to 'pkg:golang/golang.org/x/net@v0.15.0'\n");
	/* a Go purl needs a namespace: "nover" gets none rather than an invalid one */
	ck_assert_ptr_null(sbom.components[2].purl);
	free(changes);
	sbom_release(&sbom);

	/* Maven: the group is the namespace; another service's purl_type does not apply */
	read_sbom("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
		  "{\"type\":\"library\",\"group\":\"org.apache\",\"name\":\"commons\",\"version\":\"1.2\"}]}",
		  &sbom);
	changes = enrich(&sbom, "{\"sboms\":[{\"service\":\"jvm\",\"purl_type\":\"maven\"}]}", "other", false);
	ck_assert_str_eq(changes, "");
	free(changes);
	changes = enrich(&sbom, "{\"sboms\":[{\"service\":\"jvm\",\"purl_type\":\"maven\"}]}", "jvm", false);
	ck_assert_str_eq(changes, "component org.apache/commons@1.2: purl set to 'pkg:maven/org.apache/commons@1.2'\n");
	free(changes);
	sbom_release(&sbom);
}
END_TEST

START_TEST(spdx_edits)
{
	struct sbom sbom;
	read_sbom("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"requests\","
		  "\"versionInfo\":\"2.30.0\",\"licenseConcluded\":\"NOASSERTION\"}]}",
		  &sbom);
	char *changes = enrich(&sbom,
			       "{\"sboms\":[{\"service\":\"py\",\"purl_type\":\"pypi\"}],"
			       "\"rules\":[{\"match\":{\"name\":\"requests\"},\"set\":{\"licenses\":[\"Apache-2.0\",\"MIT\"],"
			       " \"supplier\":{\"name\":\"PSF\"}}}]}",
			       "py", false);
	ck_assert_str_eq(changes, "component requests@2.30.0: purl set to 'pkg:pypi/requests@2.30.0'\n"
				  "component requests@2.30.0: licenses set to [Apache-2.0, MIT]\n"
				  "component requests@2.30.0: supplier set to 'PSF'\n");
	assert_component_json(&sbom, 0,
			      "{\"SPDXID\":\"SPDXRef-a\",\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\","
			      "\"referenceLocator\":\"pkg:pypi/requests@2.30.0\",\"referenceType\":\"purl\"}],"
			      "\"licenseConcluded\":\"Apache-2.0 AND MIT\",\"name\":\"requests\",\"supplier\":\"Organization: PSF\","
			      "\"versionInfo\":\"2.30.0\"}");
	ck_assert_str_eq(sbom.components[0].supplier, "PSF");
	ck_assert_str_eq(sbom.components[0].purl, "pkg:pypi/requests@2.30.0");
	free(changes);
	sbom_release(&sbom);
}
END_TEST

static void assert_enrichment_error(const char *enrichment_text, const char *expected)
{
	struct sbom sbom;
	read_sbom(cyclonedx, &sbom);
	json_t *enrichment = json(enrichment_text);
	struct enrich_report report;
	enrich_report_init(&report);
	char *error = NULL;
	ck_assert_int_eq(enrich_sbom(&sbom, enrichment, NULL, false, &report, &error), -1);
	ck_assert_str_eq(error, expected);
	ck_assert_uint_eq(report.change_count, 0);
	free(error);
	enrich_report_release(&report);
	json_decref(enrichment);
	sbom_release(&sbom);
}

START_TEST(malformed_enrichment)
{
	assert_enrichment_error("[]", "the enrichment document is not an object");
	assert_enrichment_error("{\"rules\":{}}", "/rules: expected an array");
	assert_enrichment_error("{\"rules\":[{\"match\":{}}]}", "/rules/0: expected 'match' and 'set' objects");
	assert_enrichment_error("{\"rules\":[{\"match\":{\"version\":\"1\"},\"set\":{}}]}",
				"/rules/0/match: expected a 'purl' or 'name' glob");
	assert_enrichment_error("{\"rules\":[{\"match\":{\"name\":\"a\"},\"set\":{\"licenses\":[]}}]}",
				"/rules/0/set/licenses: expected a list of licence ids");
	assert_enrichment_error("{\"rules\":[{\"match\":{\"name\":\"a\"},\"set\":{\"supplier\":{\"url\":[]}}}]}",
				"/rules/0/set/supplier: expected an object with a name");
	assert_enrichment_error("{\"sboms\":[{\"service\":\"a\",\"purl_type\":7}]}",
				"/sboms/0: expected an object with a string purl_type");
}
END_TEST

/* The example tree: enrichment.yaml loaded as goosec loads it, both SBOMs, every change. */
START_TEST(example_tree)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document document;
	load_document_init(&document);
	ck_assert_int_eq(load_file("security/sbom/enrichment.yaml", LOAD_SYNTAX_AUTO, &load_default_limits, &document, &diags), 0);
	static const struct {
		const char *service, *path, *changes;
	} cases[] = {
		{ "ledger-api", "security/sbom/ledger-api.cdx.json",
		  "component github.com/jackc/pgx/v5@v5.5.5: supplier set to 'Jack Christensen'\n"
		  "component github.com/go-chi/chi/v5@v5.0.12: licenses set to [MIT]\n"
		  "component github.com/go-chi/chi/v5@v5.0.12: supplier set to 'go-chi'\n"
		  "component github.com/google/uuid@v1.6.0: supplier set to 'Google LLC'\n" },
		{ "gateway", "security/sbom/gateway.cdx.json",
		  "component helmet@8.0.0: licenses set to [MIT]\n"
		  "component pino@9.5.0: purl set to 'pkg:npm/pino@9.5.0'\n"
		  "component pino@9.5.0: supplier set to 'pino'\n" },
	};
	for (size_t i = 0; i < 2; i++) {
		char *data;
		size_t length;
		ck_assert_int_eq(read_file_bytes(cases[i].path, 1 << 24, &data, &length), 0);
		struct sbom sbom;
		char *error = NULL;
		ck_assert_int_eq(sbom_parse(&sbom, data, length, &error), 0);
		free(data);
		struct enrich_report report;
		enrich_report_init(&report);
		ck_assert_int_eq(enrich_sbom(&sbom, document.root, cases[i].service, false, &report, &error), 0);
		struct strbuf out;
		strbuf_init(&out);
		for (size_t c = 0; c < report.change_count; c++)
			strbuf_addf(&out, "%s\n", report.changes[c].message);
		ck_assert_str_eq(out.buf, cases[i].changes);
		/* a second pass finds nothing left to do */
		enrich_report_release(&report);
		ck_assert_int_eq(enrich_sbom(&sbom, document.root, cases[i].service, false, &report, &error), 0);
		ck_assert_uint_eq(report.change_count, 0);
		strbuf_release(&out);
		enrich_report_release(&report);
		sbom_release(&sbom);
	}
	load_document_release(&document);
	diag_list_release(&diags);
}
END_TEST

static Suite *enrich_suite(void)
{
	Suite *suite = suite_create("enrich");
	TCase *tcase = tcase_create("enrich");
	tcase_add_test(tcase, glob);
	tcase_add_test(tcase, fills_only_missing_fields_first_rule_wins);
	tcase_add_test(tcase, force_overwrites_and_says_from_what);
	tcase_add_test(tcase, purl_synthesis_per_type);
	tcase_add_test(tcase, spdx_edits);
	tcase_add_test(tcase, malformed_enrichment);
	tcase_add_test(tcase, example_tree);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(enrich_suite)
