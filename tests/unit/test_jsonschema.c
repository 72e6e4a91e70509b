/* Unit tests for compiler/jsonschema: messages, paths and locations of errors, draft-07 rules,
 * ECMA-262 pattern behaviour, compile errors, and the real CycloneDX and Grafana schemas. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_main.h"
#include "jsonschema.h"
#include "util.h"

#define TEST_URI "https://goosec.invalid/test.schema.json"

/* Registers `schema_text` as TEST_URI in `registry` and compiles it; fails the test on error. */
static const struct schema *compile_text(struct schema_registry *registry, const char *schema_text)
{
	json_error_t json_error;
	json_t *document = json_loads(schema_text, 0, &json_error);
	ck_assert_msg(document != NULL, "bad test schema: %s", json_error.text);
	char *error = NULL;
	ck_assert_int_eq(schema_registry_add(registry, document, TEST_URI, &error), 0);
	json_decref(document);
	const struct schema *schema = schema_compile(registry, TEST_URI, &error);
	ck_assert_msg(schema != NULL, "compile failed: %s", error ? error : "");
	return schema;
}

/* The compile error for `schema_text`, or NULL if it compiles; the caller frees it. */
static char *compile_error_of(const char *schema_text)
{
	struct schema_registry *registry = schema_registry_new();
	json_t *document = json_loads(schema_text, 0, NULL);
	ck_assert_ptr_nonnull(document);
	char *error = NULL;
	if (schema_registry_add(registry, document, TEST_URI, &error) == 0 && schema_compile(registry, TEST_URI, &error))
		error = NULL;
	json_decref(document);
	schema_registry_free(registry);
	return error;
}

static bool validate_text(const struct schema *schema, const char *instance_text, struct schema_result *result)
{
	json_error_t json_error;
	json_t *instance = json_loads(instance_text, JSON_DECODE_ANY, &json_error);
	ck_assert_msg(instance != NULL, "bad test instance: %s", json_error.text);
	bool valid = schema_validate(schema, instance, result);
	json_decref(instance);
	return valid;
}

static bool is_valid(const char *schema_text, const char *instance_text)
{
	struct schema_registry *registry = schema_registry_new();
	bool valid = validate_text(compile_text(registry, schema_text), instance_text, NULL);
	schema_registry_free(registry);
	return valid;
}

static const char service_schema[] =
	"{\"type\":\"object\",\"required\":[\"service\"],\"additionalProperties\":false,"
	" \"properties\":{\"service\":{\"type\":\"string\"},\"warning\":{\"type\":\"number\"},"
	"  \"level\":{\"enum\":[\"a\",\"b\",\"c\"]},"
	"  \"interval\":{\"type\":\"string\",\"pattern\":\"^[0-9]+(ms|s|m|h|d)$\"}}}";

START_TEST(test_messages_and_paths)
{
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(registry, service_schema);
	struct schema_result result;
	schema_result_init(&result);
	ck_assert(!validate_text(schema, "{\"level\":\"foo\",\"warnng\":1,\"interval\":\"5x\"}", &result));
	ck_assert_uint_eq(result.count, 4);
	/* the object's own error first, then in instance order */
	ck_assert_str_eq(result.errors[0].message, "missing required property 'service'");
	ck_assert_str_eq(result.errors[0].instance_path, "");
	ck_assert_str_eq(result.errors[0].keyword, "required");
	ck_assert_str_eq(result.errors[1].message, "value 'foo' is not one of 'a', 'b', 'c'");
	ck_assert_str_eq(result.errors[1].instance_path, "/level");
	ck_assert_str_eq(result.errors[1].keyword_location, "/properties/level/enum");
	ck_assert_str_eq(result.errors[1].absolute_keyword_location, TEST_URI "#/properties/level/enum");
	ck_assert_str_eq(result.errors[2].message, "unknown property 'warnng'");
	ck_assert_str_eq(result.errors[2].instance_path, "/warnng");
	ck_assert(result.errors[2].at_property_name);
	ck_assert_str_eq(result.errors[2].keyword, "additionalProperties");
	ck_assert_str_eq(result.errors[2].keyword_location, "/additionalProperties");
	ck_assert_ptr_nonnull(result.errors[2].suggestion);
	ck_assert_str_eq(result.errors[2].suggestion, "warning");
	ck_assert_str_eq(result.errors[3].message, "'5x' does not match pattern '^[0-9]+(ms|s|m|h|d)$'");
	ck_assert(!result.errors[3].at_property_name);
	schema_result_release(&result);

	ck_assert(!validate_text(schema, "{\"service\":7}", &result));
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].message, "expected string, got integer");
	ck_assert_str_eq(result.errors[0].instance_path, "/service");
	ck_assert_ptr_null(result.errors[0].suggestion);
	schema_result_release(&result);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_keyword_location_through_ref)
{
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(
		registry, "{\"$defs\":{\"duration\":{\"type\":\"string\",\"pattern\":\"^[0-9]+s$\"}},"
			  " \"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/duration\"}}}}");
	struct schema_result result;
	schema_result_init(&result);
	ck_assert(!validate_text(schema, "{\"items\":[\"1s\",\"2m\"]}", &result));
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].instance_path, "/items/1");
	ck_assert_str_eq(result.errors[0].keyword_location, "/properties/items/items/$ref/pattern");
	ck_assert_str_eq(result.errors[0].absolute_keyword_location, TEST_URI "#/$defs/duration/pattern");
	schema_result_release(&result);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_unevaluated_properties_suggestion)
{
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(
		registry, "{\"allOf\":[{\"properties\":{\"threshold\":true}}],\"properties\":{\"name\":true},"
			  " \"unevaluatedProperties\":false}");
	struct schema_result result;
	schema_result_init(&result);
	ck_assert(validate_text(schema, "{\"threshold\":1,\"name\":\"x\"}", &result));
	ck_assert(!validate_text(schema, "{\"name\":\"x\",\"treshold\":1}", &result));
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].message, "unknown property 'treshold'");
	ck_assert_str_eq(result.errors[0].instance_path, "/treshold");
	ck_assert(result.errors[0].at_property_name);
	ck_assert_str_eq(result.errors[0].suggestion, "threshold");
	schema_result_release(&result);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_one_of_reports_best_branch)
{
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(
		registry, "{\"oneOf\":["
			  " {\"properties\":{\"kind\":{\"const\":\"http\"},\"url\":{\"type\":\"string\"}},\"required\":[\"kind\",\"url\"]},"
			  " {\"properties\":{\"kind\":{\"const\":\"exec\"},\"argv\":{\"type\":\"array\"}},\"required\":[\"kind\",\"argv\"]}]}");
	struct schema_result result;
	schema_result_init(&result);
	ck_assert(!validate_text(schema, "{\"kind\":\"exec\",\"argv\":\"ls\"}", &result));
	ck_assert_uint_eq(result.count, 2);
	ck_assert_str_eq(result.errors[0].keyword, "oneOf");
	ck_assert_str_eq(result.errors[1].message, "expected array, got string");
	ck_assert_str_eq(result.errors[1].keyword_location, "/oneOf/1/properties/argv/type");
	schema_result_release(&result);
	/* nothing stands out: one error for the combinator only */
	ck_assert(!validate_text(schema, "{\"kind\":\"ftp\"}", &result));
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].keyword, "oneOf");
	schema_result_release(&result);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_draft7_rules)
{
	const char *items = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
			    " \"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"additionalItems\":false}";
	ck_assert(is_valid(items, "[\"a\",1]"));
	ck_assert(!is_valid(items, "[\"a\",1,2]"));
	ck_assert(!is_valid(items, "[1]"));
	/* `$ref` overrides its siblings in draft-07, not in 2020-12 */
	const char *ref07 = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
			    " \"definitions\":{\"s\":{\"type\":\"string\"}},"
			    " \"properties\":{\"a\":{\"$ref\":\"#/definitions/s\",\"maxLength\":2}}}";
	ck_assert(is_valid(ref07, "{\"a\":\"long string\"}"));
	ck_assert(!is_valid(ref07, "{\"a\":1}"));
	const char *ref2020 = "{\"$defs\":{\"s\":{\"type\":\"string\"}},"
			      " \"properties\":{\"a\":{\"$ref\":\"#/$defs/s\",\"maxLength\":2}}}";
	ck_assert(!is_valid(ref2020, "{\"a\":\"long string\"}"));
	const char *dependencies = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
				   " \"dependencies\":{\"a\":[\"b\"],\"c\":{\"required\":[\"d\"]}}}";
	ck_assert(is_valid(dependencies, "{\"a\":1,\"b\":2}"));
	ck_assert(!is_valid(dependencies, "{\"a\":1}"));
	ck_assert(!is_valid(dependencies, "{\"c\":1}"));
	ck_assert(is_valid(dependencies, "{\"c\":1,\"d\":1}"));
	/* unevaluatedProperties is not a draft-07 keyword */
	ck_assert(is_valid("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"unevaluatedProperties\":false}",
			   "{\"a\":1}"));
}
END_TEST

START_TEST(test_patterns_behave_like_ecma262)
{
	ck_assert(is_valid("{\"pattern\":\"^\\\\d+$\"}", "\"123\""));
	ck_assert(!is_valid("{\"pattern\":\"^\\\\d+$\"}", "\"\xd9\xa3\"")); /* ARABIC-INDIC DIGIT THREE */
	ck_assert(!is_valid("{\"pattern\":\"^\\\\w+$\"}", "\"\xc3\xa9t\xc3\xa9\""));
	ck_assert(!is_valid("{\"pattern\":\"^abc$\"}", "\"abc\\n\""));
	ck_assert(is_valid("{\"pattern\":\"^\\\\p{Letter}+$\"}", "\"\xc3\xa9t\xc3\xa9\""));
	ck_assert(!is_valid("{\"pattern\":\"^\\\\p{Letter}+$\"}", "\"a1\""));
	ck_assert(is_valid("{\"pattern\":\"^\\\\u0041$\"}", "\"A\""));
	/* ECMA-262 \s includes Unicode spaces such as NO-BREAK SPACE, inside classes too */
	ck_assert(is_valid("{\"pattern\":\"^\\\\s$\"}", "\"\xc2\xa0\""));
	ck_assert(is_valid("{\"pattern\":\"^[a\\\\s]+$\"}", "\"a\xc2\xa0" "a\""));
	ck_assert(!is_valid("{\"pattern\":\"^\\\\S$\"}", "\"\xc2\xa0\""));
	ck_assert(is_valid("{\"pattern\":\"^[^]$\"}", "\"\\n\""));
	ck_assert(!is_valid("{\"pattern\":\"[]\"}", "\"a\""));
	ck_assert(is_valid("{\"patternProperties\":{\"^x-\":{\"type\":\"string\"}}}", "{\"x-a\":\"s\",\"y\":1}"));
	ck_assert(!is_valid("{\"patternProperties\":{\"^x-\":{\"type\":\"string\"}}}", "{\"x-a\":1}"));
	/* code points, not bytes */
	ck_assert(is_valid("{\"maxLength\":2}", "\"\xc3\xa9\xc3\xa9\""));
	ck_assert(!is_valid("{\"minLength\":3}", "\"\xc3\xa9\xc3\xa9\""));
}
END_TEST

START_TEST(test_compile_errors)
{
	char *error = compile_error_of("{\"pattern\":\"(unclosed\"}");
	ck_assert_ptr_nonnull(error);
	ck_assert_msg(strstr(error, "invalid pattern '(unclosed'"), "%s", error);
	free(error);
	error = compile_error_of("{\"patternProperties\":{\"[\":true}}");
	ck_assert_ptr_nonnull(error);
	free(error);
	error = compile_error_of("{\"properties\":{\"a\":{\"$ref\":\"#/$defs/missing\"}}}");
	ck_assert_ptr_nonnull(error);
	ck_assert_msg(strstr(error, "cannot resolve reference '#/$defs/missing'"), "%s", error);
	ck_assert_msg(strstr(error, "#/properties/a/$ref"), "%s", error);
	free(error);
	error = compile_error_of("{\"$ref\":\"https://elsewhere.invalid/x.json\"}");
	ck_assert_ptr_nonnull(error);
	free(error);
	error = compile_error_of("{\"type\":\"strin\"}");
	ck_assert_ptr_nonnull(error);
	free(error);
	error = compile_error_of("{\"minLength\":-1}");
	ck_assert_ptr_nonnull(error);
	free(error);
}
END_TEST

START_TEST(test_compiled_schema_is_reused)
{
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(registry, service_schema);
	char *error = NULL;
	ck_assert_ptr_eq(schema_compile(registry, TEST_URI, &error), schema);
	for (int i = 0; i < 2000; i++) {
		char *instance = xasprintf("{\"service\":\"s%d\",\"warning\":%d}", i, i);
		ck_assert(validate_text(schema, instance, NULL));
		free(instance);
		instance = xasprintf("{\"service\":%d}", i);
		struct schema_result result;
		schema_result_init(&result);
		ck_assert(!validate_text(schema, instance, &result));
		ck_assert_uint_eq(result.count, 1);
		schema_result_release(&result);
		free(instance);
	}
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_recursion)
{
	/* a normal recursive schema */
	const char *tree = "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"children\":{\"type\":\"array\","
			   " \"items\":{\"$ref\":\"#/$defs/node\"}}},\"additionalProperties\":false}},"
			   " \"$ref\":\"#/$defs/node\"}";
	ck_assert(is_valid(tree, "{\"children\":[{\"children\":[{}]},{}]}"));
	ck_assert(!is_valid(tree, "{\"children\":[{\"children\":[{\"x\":1}]}]}"));
	/* recursion that never consumes the instance ends in an error, not a crash */
	struct schema_registry *registry = schema_registry_new();
	const struct schema *schema = compile_text(registry, "{\"$defs\":{\"a\":{\"$ref\":\"#\"}},\"$ref\":\"#/$defs/a\"}");
	struct schema_result result;
	schema_result_init(&result);
	ck_assert(!validate_text(schema, "1", &result));
	ck_assert_uint_ge(result.count, 1);
	schema_result_release(&result);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_unique_items_and_numbers)
{
	ck_assert(!is_valid("{\"uniqueItems\":true}", "[1,{\"a\":[1,2]},3,{\"a\":[1,2.0]}]"));
	ck_assert(is_valid("{\"uniqueItems\":true}", "[1,{\"a\":[1,2]},3,{\"a\":[2,1]}]"));
	ck_assert(is_valid("{\"type\":\"integer\"}", "1.0"));
	ck_assert(!is_valid("{\"exclusiveMaximum\":3}", "3"));
	ck_assert(is_valid("{\"multipleOf\":0.01}", "0.07"));
	ck_assert(is_valid("{\"const\":{\"a\":1,\"b\":2}}", "{\"b\":2.0,\"a\":1}"));
}
END_TEST

/* ---- real third-party schemas (shared reference data) ---- */

static char *shared_path(const char *relative)
{
	return xasprintf("%s/reference/%s", check_shared_dir(), relative);
}

static bool shared_present(const char *relative)
{
	char *path = shared_path(relative);
	struct stat info;
	bool present = stat(path, &info) == 0;
	if (!present)
		printf("jsonschema: skipped: %s not found (set GOOSE_SHARED_DIR)\n", path);
	free(path);
	return present;
}

static void add_file(struct schema_registry *registry, const char *relative, const char *uri)
{
	char *path = shared_path(relative);
	json_error_t json_error;
	json_t *document = json_load_file(path, 0, &json_error);
	ck_assert_msg(document != NULL, "%s: %s", path, json_error.text);
	char *error = NULL;
	ck_assert_msg(schema_registry_add(registry, document, uri, &error) == 0, "%s", error ? error : "");
	json_decref(document);
	free(path);
}

START_TEST(test_cyclonedx_samples)
{
	if (!shared_present("cyclonedx/1.6"))
		return;
	struct schema_registry *registry = schema_registry_new();
	add_file(registry, "cyclonedx/schema/spdx.schema.json", "http://cyclonedx.org/schema/spdx.schema.json");
	add_file(registry, "cyclonedx/schema/jsf-0.82.schema.json", "http://cyclonedx.org/schema/jsf-0.82.schema.json");
	add_file(registry, "cyclonedx/schema/bom-1.6.schema.json", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	char *error = NULL;
	const struct schema *schema = schema_compile(registry, "http://cyclonedx.org/schema/bom-1.6.schema.json", &error);
	ck_assert_msg(schema != NULL, "%s", error ? error : "");
	char *directory = shared_path("cyclonedx/1.6");
	DIR *dir = opendir(directory);
	ck_assert_ptr_nonnull(dir);
	struct dirent *entry;
	int checked = 0;
	while ((entry = readdir(dir))) {
		if (!strstr(entry->d_name, ".json"))
			continue;
		bool expected = strncmp(entry->d_name, "valid-", 6) == 0;
		/* `format` is an annotation here: these two depend on format assertions (see the
		 * reference README): the timestamp is not checked, and "ES256" fits both JSF branches */
		if (strcmp(entry->d_name, "invalid-metadata-timestamp-1.6.json") == 0)
			expected = true;
		if (strcmp(entry->d_name, "valid-signatures-1.6.json") == 0)
			expected = false;
		char *path = xasprintf("%s/%s", directory, entry->d_name);
		json_t *bom = json_load_file(path, 0, NULL);
		ck_assert_msg(bom != NULL, "%s", path);
		struct schema_result result;
		schema_result_init(&result);
		bool valid = schema_validate(schema, bom, &result);
		ck_assert_msg(valid == expected, "%s: expected %s, first error: %s at '%s'", entry->d_name,
			      expected ? "valid" : "invalid", result.count ? result.errors[0].message : "-",
			      result.count ? result.errors[0].instance_path : "-");
		ck_assert(valid == (result.count == 0));
		ck_assert(schema_validate(schema, bom, NULL) == valid);
		schema_result_release(&result);
		json_decref(bom);
		free(path);
		checked++;
	}
	closedir(dir);
	ck_assert_int_eq(checked, 30);
	free(directory);
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_grafana_dashboard)
{
	if (!shared_present("grafana/dashboard.jsonschema.json"))
		return;
	struct schema_registry *registry = schema_registry_new();
	add_file(registry, "grafana/dashboard.jsonschema.json", "https://goosec.invalid/grafana/dashboard.json");
	char *error = NULL;
	const struct schema *schema = schema_compile(registry, "https://goosec.invalid/grafana/dashboard.json", &error);
	ck_assert_msg(schema != NULL, "%s", error ? error : "");
	struct schema_result result;
	schema_result_init(&result);
	const char *minimal = "{\"title\":\"Load test\",\"schemaVersion\":39,\"templating\":{\"list\":[]},"
			      " \"annotations\":{\"list\":[]},\"panels\":[]}";
	ck_assert_msg(validate_text(schema, minimal, &result), "%s", result.count ? result.errors[0].message : "");
	const char *misspelled = "{\"title\":\"Load test\",\"schemaVersion\":39,\"templating\":{\"list\":[]},"
				 " \"annotations\":{\"list\":[]},\"panels\":[],\"refersh\":\"5s\"}";
	ck_assert(!validate_text(schema, misspelled, &result));
	ck_assert_uint_eq(result.count, 1);
	ck_assert_str_eq(result.errors[0].message, "unknown property 'refersh'");
	ck_assert_str_eq(result.errors[0].instance_path, "/refersh");
	ck_assert_str_eq(result.errors[0].keyword_location, "/$ref/additionalProperties");
	ck_assert_ptr_nonnull(result.errors[0].suggestion);
	ck_assert_str_eq(result.errors[0].suggestion, "refresh");
	schema_result_release(&result);
	ck_assert(!validate_text(schema, "{\"schemaVersion\":\"39\",\"templating\":{\"list\":[]},"
					 " \"annotations\":{\"list\":[]}}", NULL));
	schema_registry_free(registry);
}
END_TEST

START_TEST(test_builtin_metaschema)
{
	/* a schema can be validated against the built-in 2020-12 meta-schema, offline */
	struct schema_registry *registry = schema_registry_new();
	char *error = NULL;
	const struct schema *meta = schema_compile(registry, "https://json-schema.org/draft/2020-12/schema", &error);
	ck_assert_msg(meta != NULL, "%s", error ? error : "");
	ck_assert(validate_text(meta, "{\"type\":\"object\",\"properties\":{\"a\":{\"minLength\":1}}}", NULL));
	ck_assert(!validate_text(meta, "{\"properties\":{\"a\":{\"minLength\":-1}}}", NULL));
	const struct schema *draft7 = schema_compile(registry, "http://json-schema.org/draft-07/schema#", &error);
	ck_assert_msg(draft7 != NULL, "%s", error ? error : "");
	ck_assert(!validate_text(draft7, "{\"type\":12}", NULL));
	schema_registry_free(registry);
}
END_TEST

Suite *jsonschema_suite(void);

Suite *jsonschema_suite(void)
{
	Suite *suite = suite_create("jsonschema");
	TCase *core = tcase_create("core");
	tcase_set_timeout(core, 60);
	tcase_add_test(core, test_messages_and_paths);
	tcase_add_test(core, test_keyword_location_through_ref);
	tcase_add_test(core, test_unevaluated_properties_suggestion);
	tcase_add_test(core, test_one_of_reports_best_branch);
	tcase_add_test(core, test_draft7_rules);
	tcase_add_test(core, test_patterns_behave_like_ecma262);
	tcase_add_test(core, test_compile_errors);
	tcase_add_test(core, test_compiled_schema_is_reused);
	tcase_add_test(core, test_recursion);
	tcase_add_test(core, test_unique_items_and_numbers);
	tcase_add_test(core, test_builtin_metaschema);
	suite_add_tcase(suite, core);
	TCase *reference = tcase_create("reference");
	tcase_set_timeout(reference, 120);
	tcase_add_test(reference, test_cyclonedx_samples);
	tcase_add_test(reference, test_grafana_dashboard);
	suite_add_tcase(suite, reference);
	return suite;
}

CHECK_MAIN(jsonschema_suite)
