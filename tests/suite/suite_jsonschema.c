/* Runs the official JSON-Schema-Test-Suite (draft 2020-12) against compiler/jsonschema.c:
 * every required test file, and with --optional the optional ones, reported separately. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonschema.h"
#include "util.h"
#include "banned.h"

/* The bar: at least 1287 of the 1299 required tests. */
#define REQUIRED_PASS_MINIMUM 1287

struct tally {
	size_t passed, failed;
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of `directory`, sorted; the caller frees each name and the array. */
static char **list_json_files(const char *directory, size_t *count)
{
	*count = 0;
	DIR *dir = opendir(directory);
	if (!dir)
		return NULL;
	char **names = NULL;
	size_t alloc = 0;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		size_t length = strlen(entry->d_name);
		if (length > 5 && strcmp(entry->d_name + length - 5, ".json") == 0) {
			ALLOC_GROW(names, *count + 1, alloc);
			names[(*count)++] = xstrdup(entry->d_name);
		}
	}
	closedir(dir);
	if (*count)
		qsort(names, *count, sizeof(*names), compare_names);
	return names;
}

static void run_case(const char *label, size_t case_number, json_t *test_case, const char *remotes,
		     struct tally *tally)
{
	const char *description = json_string_value(json_object_get(test_case, "description"));
	json_t *tests = json_object_get(test_case, "tests");
	struct schema_registry *registry = schema_registry_new();
	schema_registry_map(registry, "http://localhost:1234/", remotes);
	char *uri = xasprintf("https://goosec.invalid/suite/%s/%zu.json", label, case_number);
	char *error = NULL;
	const struct schema *schema = NULL;
	if (schema_registry_add(registry, json_object_get(test_case, "schema"), uri, &error) == 0)
		schema = schema_compile(registry, uri, &error);
	size_t index;
	json_t *test;
	json_array_foreach(tests, index, test) {
		const char *test_description = json_string_value(json_object_get(test, "description"));
		bool expected = json_is_true(json_object_get(test, "valid"));
		if (!schema) {
			printf("FAIL %s: %s / %s (schema does not compile: %s)\n", label, description, test_description,
			       error);
			tally->failed++;
			continue;
		}
		struct schema_result result;
		schema_result_init(&result);
		json_t *data = json_object_get(test, "data");
		bool verdict = schema_validate(schema, data, NULL);
		bool detailed = schema_validate(schema, data, &result);
		bool consistent = verdict == detailed && (detailed == (result.count == 0));
		if (verdict == expected && consistent) {
			tally->passed++;
		} else {
			printf("FAIL %s: %s / %s (expected %s%s)\n", label, description, test_description,
			       expected ? "valid" : "invalid",
			       consistent ? "" : "; verdict and detailed result disagree");
			tally->failed++;
		}
		schema_result_release(&result);
	}
	free(error);
	free(uri);
	schema_registry_free(registry);
}

static void run_directory(const char *directory, const char *label_prefix, const char *remotes, struct tally *tally)
{
	size_t count;
	char **names = list_json_files(directory, &count);
	for (size_t i = 0; i < count; i++) {
		char *path = xasprintf("%s/%s", directory, names[i]);
		char *label = xasprintf("%s%s", label_prefix, names[i]);
		json_error_t json_error;
		json_t *cases = json_load_file(path, JSON_ALLOW_NUL, &json_error);
		if (!json_is_array(cases)) {
			printf("FAIL %s: cannot read: %s\n", label, json_error.text);
			tally->failed++;
		}
		size_t case_index;
		json_t *test_case;
		json_array_foreach(cases, case_index, test_case)
			run_case(label, case_index, test_case, remotes, tally);
		json_decref(cases);
		free(label);
		free(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	bool optional = argc > 1 && strcmp(argv[1], "--optional") == 0;
	const char *shared = getenv("GOOSE_SHARED_DIR");
	char *suite = xasprintf("%s/json-schema-test-suite", shared && *shared ? shared : "../shared");
	char *tests = xasprintf("%s/tests/draft2020-12", suite);
	char *remotes = xasprintf("%s/remotes", suite);
	struct stat info;
	if (stat(tests, &info) != 0 || !S_ISDIR(info.st_mode)) {
		printf("suite_jsonschema: skipped: %s not found (set GOOSE_SHARED_DIR)\n", suite);
		free(suite);
		free(tests);
		free(remotes);
		return 0;
	}
	struct tally required = { 0 };
	run_directory(tests, "", remotes, &required);
	if (optional) {
		struct tally extra = { 0 };
		char *optional_dir = xasprintf("%s/optional", tests);
		char *format_dir = xasprintf("%s/optional/format", tests);
		run_directory(optional_dir, "optional/", remotes, &extra);
		run_directory(format_dir, "optional/format/", remotes, &extra);
		printf("optional: %zu passed, %zu failed\n", extra.passed, extra.failed);
		free(optional_dir);
		free(format_dir);
	}
	printf("%zu passed, %zu failed\n", required.passed, required.failed);
	free(suite);
	free(tests);
	free(remotes);
	return required.passed >= REQUIRED_PASS_MINIMUM ? 0 : 1;
}
