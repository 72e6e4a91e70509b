/* Unit tests for vuln/sbom: CycloneDX (nested components, licence forms, supplier) and SPDX
 * (externalRefs purl, supplier prefixes, NOASSERTION, the described package left out), exact
 * error messages, and the CycloneDX 1.6 reference BOMs read in place from the shared data. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "sbom.h"
#include "util.h"

static int parse(const char *text, struct sbom *sbom, char **error)
{
	*error = NULL;
	return sbom_parse(sbom, text, strlen(text), error);
}

/* The error a document gets; the sbom must be left released. */
static char *error_of(const char *text)
{
	struct sbom sbom;
	char *error = NULL;
	ck_assert_int_eq(parse(text, &sbom, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_ptr_null(sbom.document);
	ck_assert_uint_eq(sbom.component_count, 0);
	return error;
}

static void assert_error(const char *text, const char *expected)
{
	char *error = error_of(text);
	ck_assert_str_eq(error, expected);
	free(error);
}

START_TEST(cyclonedx_components_nested_depth_first)
{
	const char *text =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
		"\"metadata\":{\"component\":{\"type\":\"application\",\"name\":\"product\"}},"
		"\"components\":["
		"{\"type\":\"library\",\"bom-ref\":\"a\",\"name\":\"outer\",\"version\":\"1.0\",\"group\":\"org.x\","
		" \"purl\":\"pkg:maven/org.x/outer@1.0\",\"supplier\":{\"name\":\"X Corp\"},"
		" \"licenses\":[{\"license\":{\"id\":\"MIT\"}},{\"license\":{\"name\":\"Custom Licence\"}}],"
		" \"components\":[{\"type\":\"library\",\"name\":\"inner\",\"licenses\":[{\"expression\":\"MIT OR Apache-2.0\"}],"
		"   \"components\":[{\"type\":\"file\",\"name\":\"deepest\"}]}]},"
		"{\"type\":\"library\",\"name\":\"second\",\"version\":\"2\",\"supplier\":{\"url\":[\"https://x\"]}}]}";
	struct sbom sbom;
	char *error;
	ck_assert_int_eq(parse(text, &sbom, &error), 0);
	ck_assert_int_eq(sbom.format, SBOM_CYCLONEDX);
	ck_assert_str_eq(sbom.spec_version, "1.6");
	ck_assert_uint_eq(sbom.component_count, 4);
	const struct sbom_component *outer = &sbom.components[0];
	ck_assert_str_eq(outer->name, "outer");
	ck_assert_str_eq(outer->group, "org.x");
	ck_assert_str_eq(outer->version, "1.0");
	ck_assert_str_eq(outer->ref, "a");
	ck_assert_str_eq(outer->purl, "pkg:maven/org.x/outer@1.0");
	ck_assert_str_eq(outer->supplier, "X Corp");
	ck_assert_uint_eq(outer->license_count, 2);
	ck_assert_str_eq(outer->licenses[0].text, "MIT");
	ck_assert_str_eq(outer->licenses[1].text, "Custom Licence");
	ck_assert_int_eq(outer->licenses[0].form, SBOM_LICENSE_ID);
	ck_assert_str_eq(outer->licenses[0].pointer, "/components/0/licenses/0/license/id");
	ck_assert_int_eq(outer->licenses[1].form, SBOM_LICENSE_NAME);
	ck_assert_str_eq(outer->licenses[1].pointer, "/components/0/licenses/1/license/name");
	ck_assert_str_eq(outer->pointer, "/components/0");
	ck_assert_ptr_eq(outer->object, json_array_get(json_object_get(sbom.document, "components"), 0));
	ck_assert_str_eq(sbom.components[1].name, "inner");
	ck_assert_str_eq(sbom.components[1].pointer, "/components/0/components/0");
	ck_assert_str_eq(sbom.components[1].licenses[0].text, "MIT OR Apache-2.0");
	ck_assert_int_eq(sbom.components[1].licenses[0].form, SBOM_LICENSE_EXPRESSION);
	ck_assert_str_eq(sbom.components[1].licenses[0].pointer, "/components/0/components/0/licenses/0/expression");
	ck_assert_ptr_null(sbom.components[1].version);
	ck_assert_ptr_null(sbom.components[1].purl);
	ck_assert_str_eq(sbom.components[2].name, "deepest");
	ck_assert_str_eq(sbom.components[2].pointer, "/components/0/components/0/components/0");
	ck_assert_str_eq(sbom.components[3].name, "second");
	ck_assert_ptr_null(sbom.components[3].supplier); /* a supplier without a name is no supplier */
	ck_assert_uint_eq(sbom.components[3].license_count, 0);
	char *label = sbom_component_label(outer);
	ck_assert_str_eq(label, "org.x/outer@1.0");
	free(label);
	label = sbom_component_label(&sbom.components[1]);
	ck_assert_str_eq(label, "inner");
	free(label);
	sbom_release(&sbom);
}
END_TEST

START_TEST(cyclonedx_reload_sees_edits)
{
	struct sbom sbom;
	char *error;
	ck_assert_int_eq(parse("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":"
			       "[{\"type\":\"library\",\"name\":\"a\"}]}",
			       &sbom, &error),
			 0);
	json_object_set_new(sbom.components[0].object, "purl", json_string("pkg:npm/a@1"));
	ck_assert_ptr_null(sbom.components[0].purl);
	ck_assert_int_eq(sbom_reload(&sbom, &error), 0);
	ck_assert_str_eq(sbom.components[0].purl, "pkg:npm/a@1");
	ck_assert_uint_eq(sbom.component_count, 1);
	sbom_release(&sbom);
}
END_TEST

START_TEST(spdx_packages)
{
	const char *text =
		"{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"documentDescribes\":[\"SPDXRef-root\"],"
		"\"packages\":["
		"{\"SPDXID\":\"SPDXRef-root\",\"name\":\"product\",\"versionInfo\":\"1\"},"
		"{\"SPDXID\":\"SPDXRef-a\",\"name\":\"requests\",\"versionInfo\":\"2.30.0\",\"supplier\":\"Organization: PSF\","
		" \"licenseConcluded\":\"NOASSERTION\",\"licenseDeclared\":\"Apache-2.0\","
		" \"externalRefs\":[{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\",\"referenceLocator\":\"cpe:x\"},"
		"  {\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:pypi/requests@2.30.0\"}]},"
		"{\"SPDXID\":\"SPDXRef-b\",\"name\":\"b\",\"versionInfo\":\"NOASSERTION\",\"supplier\":\"NOASSERTION\","
		" \"licenseConcluded\":\"MIT AND BSD-3-Clause\"},"
		"{\"SPDXID\":\"SPDXRef-c\",\"name\":\"c\",\"supplier\":\"Person: Jane Doe\"}],"
		"\"relationships\":[{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relationshipType\":\"DESCRIBES\","
		" \"relatedSpdxElement\":\"SPDXRef-c\"}]}";
	struct sbom sbom;
	char *error;
	ck_assert_int_eq(parse(text, &sbom, &error), 0);
	ck_assert_int_eq(sbom.format, SBOM_SPDX);
	ck_assert_str_eq(sbom.spec_version, "SPDX-2.3");
	/* the root (documentDescribes) and c (a DESCRIBES relationship) are the product */
	ck_assert_uint_eq(sbom.component_count, 2);
	const struct sbom_component *a = &sbom.components[0];
	ck_assert_str_eq(a->ref, "SPDXRef-a");
	ck_assert_str_eq(a->name, "requests");
	ck_assert_str_eq(a->version, "2.30.0");
	ck_assert_str_eq(a->purl, "pkg:pypi/requests@2.30.0");
	ck_assert_str_eq(a->supplier, "PSF");
	ck_assert_uint_eq(a->license_count, 1);
	ck_assert_str_eq(a->licenses[0].text, "Apache-2.0");
	/* licenseConcluded NOASSERTION: the declared licence, and where it is */
	ck_assert_int_eq(a->licenses[0].form, SBOM_LICENSE_EXPRESSION);
	ck_assert_str_eq(a->licenses[0].pointer, "/packages/1/licenseDeclared");
	ck_assert_str_eq(a->pointer, "/packages/1");
	const struct sbom_component *b = &sbom.components[1];
	ck_assert_ptr_null(b->version);
	ck_assert_ptr_null(b->supplier);
	ck_assert_ptr_null(b->purl);
	ck_assert_str_eq(b->licenses[0].text, "MIT AND BSD-3-Clause");
	ck_assert_str_eq(b->licenses[0].pointer, "/packages/2/licenseConcluded");
	sbom_release(&sbom);
}
END_TEST

START_TEST(errors_are_exact)
{
	assert_error("[]", "expected a JSON object (a CycloneDX or SPDX document)");
	assert_error("{}", "neither a CycloneDX document ('bomFormat') nor an SPDX one ('spdxVersion')");
	assert_error("{\"bomFormat\":\"SPDX\"}", "/bomFormat: expected 'CycloneDX'");
	assert_error("{\"bomFormat\":\"CycloneDX\"}", "/specVersion: missing or not a string");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}",
		     "/specVersion: unsupported CycloneDX version '2.0' (1.2 to 1.6 are read)");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":{}}",
		     "/components: expected an array");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\"}]}",
		     "/components/0: missing 'name'");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\",\"name\":\"a\","
		     "\"components\":[{\"type\":\"library\",\"name\":\"b\"},{\"name\":\"c\"}]}]}",
		     "/components/0/components/1: missing 'type'");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\",\"name\":\"a\","
		     "\"version\":3}]}",
		     "/components/0/version: expected a string");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\",\"name\":\"a\","
		     "\"licenses\":[{\"license\":{\"id\":\"MIT\",\"name\":\"MIT\"}}]}]}",
		     "/components/0/licenses/0/license: both 'id' and 'name'");
	assert_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\",\"name\":\"a\","
		     "\"supplier\":{\"name\":1}}]}",
		     "/components/0/supplier/name: expected a string");
	assert_error("{\"spdxVersion\":\"SPDX-3.0\"}", "/spdxVersion: unsupported SPDX version 'SPDX-3.0' (SPDX-2.2 and SPDX-2.3 are read)");
	assert_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"x\"}]}", "/packages/0: missing 'SPDXID'");
	assert_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"a\",\"name\":\"x\",\"externalRefs\":[{}]}]}",
		     "/packages/0/externalRefs/0: expected referenceType and referenceLocator strings");
	assert_error("{\"bomFormat\":\"CycloneDX\",", "line 1 column 25: string or '}' expected near end of file");
	assert_error("{\"a\":1,\"a\":2}", "line 1 column 10: duplicate object key near '\"a\"'");
}
END_TEST

static char *reference_path(const char *name)
{
	return xasprintf("%s/reference/cyclonedx/1.6/%s", check_shared_dir(), name);
}

static char *read_reference(const char *name, size_t *length)
{
	char *path = reference_path(name);
	char *data = NULL;
	int status = read_file_bytes(path, 1 << 24, &data, length);
	free(path);
	return status == 0 ? data : NULL;
}

START_TEST(cyclonedx_reference_boms)
{
	char *directory = reference_path("");
	DIR *dir = opendir(directory);
	if (!dir) {
		printf("skip CycloneDX reference BOMs: no %s (set GOOSE_SHARED_DIR to the shared reference data)\n", directory);
		free(directory);
		return;
	}
	size_t valid = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (strncmp(entry->d_name, "valid-", 6) != 0)
			continue;
		size_t length;
		char *data = read_reference(entry->d_name, &length);
		ck_assert_ptr_nonnull(data);
		struct sbom sbom;
		char *error = NULL;
		int status = sbom_parse(&sbom, data, length, &error);
		ck_assert_msg(status == 0, "%s: %s", entry->d_name, error ? error : "");
		ck_assert_str_eq(sbom.spec_version, "1.6");
		sbom_release(&sbom);
		free(data);
		valid++;
	}
	closedir(dir);
	free(directory);
	ck_assert_uint_eq(valid, 15);

	/* what a reader must refuse of the invalid ones (the rest are schema matters: hash
	 * lengths, enum values, timestamps, which the scan does not depend on) */
	static const struct {
		const char *file, *error;
	} refused[] = {
		{ "invalid-bomformat-1.6.json", "/bomFormat: expected 'CycloneDX'" },
		{ "invalid-empty-component-1.6.json", "/components/0: missing 'name'" },
		{ "invalid-missing-component-type-1.6.json", "/components/0: missing 'type'" },
		{ "invalid-license-choice-1.6.json", "/components/0/licenses/0: both 'license' and 'expression'" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		size_t length;
		char *data = read_reference(refused[i].file, &length);
		ck_assert_ptr_nonnull(data);
		struct sbom sbom;
		char *error = NULL;
		ck_assert_int_eq(sbom_parse(&sbom, data, length, &error), -1);
		ck_assert_str_eq(error, refused[i].error);
		free(error);
		free(data);
	}

	/* a reference BOM's components in detail */
	size_t length;
	char *data = read_reference("valid-license-expression-1.6.json", &length);
	struct sbom sbom;
	char *error = NULL;
	ck_assert_int_eq(sbom_parse(&sbom, data, length, &error), 0);
	ck_assert_uint_eq(sbom.component_count, 1);
	ck_assert_str_eq(sbom.components[0].name, "tomcat-catalina");
	ck_assert_str_eq(sbom.components[0].group, "com.acme");
	ck_assert_str_eq(sbom.components[0].licenses[0].text, "EPL-2.0 OR GPL-2.0 WITH Classpath-exception-2.0");
	sbom_release(&sbom);
	free(data);
}
END_TEST

START_TEST(example_tree_sboms)
{
	static const struct {
		const char *path;
		size_t count;
		const char *first, *last_purl;
	} trees[] = {
		{ "security/sbom/ledger-api.cdx.json", 6, "github.com/jackc/pgx/v5", "pkg:golang/google.golang.org/grpc@v1.64.1" },
		{ "security/sbom/gateway.cdx.json", 6, "express", NULL },
	};
	for (size_t i = 0; i < 2; i++) {
		char *data;
		size_t length;
		ck_assert_int_eq(read_file_bytes(trees[i].path, 1 << 24, &data, &length), 0);
		struct sbom sbom;
		char *error = NULL;
		ck_assert_int_eq(sbom_parse(&sbom, data, length, &error), 0);
		ck_assert_uint_eq(sbom.component_count, trees[i].count);
		ck_assert_str_eq(sbom.components[0].name, trees[i].first);
		const char *last_purl = sbom.components[trees[i].count - 1].purl;
		if (trees[i].last_purl)
			ck_assert_str_eq(last_purl, trees[i].last_purl);
		else
			ck_assert_ptr_null(last_purl); /* pino has no purl until enrichment */
		sbom_release(&sbom);
		free(data);
	}
}
END_TEST

static Suite *sbom_suite(void)
{
	Suite *suite = suite_create("sbom");
	TCase *tcase = tcase_create("sbom");
	tcase_add_test(tcase, cyclonedx_components_nested_depth_first);
	tcase_add_test(tcase, cyclonedx_reload_sees_edits);
	tcase_add_test(tcase, spdx_packages);
	tcase_add_test(tcase, errors_are_exact);
	tcase_add_test(tcase, cyclonedx_reference_boms);
	tcase_add_test(tcase, example_tree_sboms);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(sbom_suite)
