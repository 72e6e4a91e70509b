/* Unit tests for compiler/classify: globs, the kinds table, modelines, known folders. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "classify.h"

static const char kinds_json[] =
	"[{\"kind\":\"Project\",\"schema\":\"goose.schema.json\",\"paths\":[\"goose.yaml\"]},"
	" {\"kind\":\"Stage\",\"schema\":\"stage.schema.json\",\"paths\":[\"golden-goose/stages/*.yaml\"]},"
	" {\"kind\":\"Dashboard\",\"schema\":\"dashboard.schema.json\",\"paths\":[\"monitoring/grafana/dashboards/**/*.json\"]}]";

static void load_table(struct classify_table *table)
{
	classify_table_init(table);
	json_t *kinds = json_loads(kinds_json, 0, NULL);
	ck_assert_ptr_nonnull(kinds);
	char *error = NULL;
	ck_assert_int_eq(classify_table_read(table, kinds, &error), 0);
	json_decref(kinds);
}

START_TEST(test_glob_segments)
{
	ck_assert(classify_glob_match("golden-goose/stages/*.yaml", "golden-goose/stages/sandbox.yaml"));
	ck_assert(!classify_glob_match("golden-goose/stages/*.yaml", "golden-goose/stages/x/sandbox.yaml"));
	ck_assert(!classify_glob_match("golden-goose/stages/*.yaml", "golden-goose/stages/sandbox.yml"));
	ck_assert(classify_glob_match("a/**/*.json", "a/b.json"));
	ck_assert(classify_glob_match("a/**/*.json", "a/x/y/b.json"));
	ck_assert(!classify_glob_match("a/**/*.json", "b/x/b.json"));
	ck_assert(classify_glob_match("**", "anything/at/all"));
	ck_assert(classify_glob_match("**/*.tmp", "x.tmp"));
	ck_assert(classify_glob_match("s?ages/[ab].yaml", "stages/a.yaml"));
	ck_assert(!classify_glob_match("*.yaml", ".hidden.yaml"));
	ck_assert(!classify_glob_match("goose.yaml", "goose.yaml/x"));
}
END_TEST

START_TEST(test_classify_by_path_and_project_paths)
{
	struct classify_table table;
	load_table(&table);
	ck_assert_str_eq(classify_by_path(&table, "goose.yaml")->name, "Project");
	ck_assert_str_eq(classify_by_path(&table, "golden-goose/stages/production.yaml")->name, "Stage");
	ck_assert_str_eq(classify_by_path(&table, "monitoring/grafana/dashboards/team/a.json")->name, "Dashboard");
	ck_assert_ptr_null(classify_by_path(&table, "golden-goose/other.yaml"));
	/* a project path added later wins over the seed layout */
	ck_assert_int_eq(classify_add_path(&table, "Dashboard", "golden-goose/stages/board.yaml"), 0);
	ck_assert_str_eq(classify_by_path(&table, "golden-goose/stages/board.yaml")->name, "Dashboard");
	ck_assert_int_eq(classify_add_path(&table, "Nope", "x"), -1);
	ck_assert_str_eq(classify_kind_named(&table, "Stage")->schema_file, "stage.schema.json");
	classify_table_release(&table);
}
END_TEST

START_TEST(test_known_folders)
{
	struct classify_table table;
	load_table(&table);
	ck_assert(classify_in_known_folder(&table, "golden-goose/unknown.yaml"));
	ck_assert(classify_in_known_folder(&table, "monitoring/x/y.json"));
	ck_assert(!classify_in_known_folder(&table, "tests/fixtures/bad.yaml"));
	ck_assert(!classify_in_known_folder(&table, "goose.yaml"));
	classify_table_release(&table);
}
END_TEST

START_TEST(test_modeline)
{
	const char text[] = "# comment\n\n#   yaml-language-server: $schema=../schemas/stage.schema.json\nname: x\n";
	char *schema = classify_modeline_schema(text, strlen(text));
	ck_assert_str_eq(schema, "../schemas/stage.schema.json");
	struct classify_table table;
	load_table(&table);
	ck_assert_str_eq(classify_by_schema_reference(&table, schema)->name, "Stage");
	ck_assert_ptr_null(classify_by_schema_reference(&table, "https://example.com/other.json"));
	classify_table_release(&table);
	free(schema);
	const char late[] = "name: x\n# yaml-language-server: $schema=stage.schema.json\n";
	ck_assert_ptr_null(classify_modeline_schema(late, strlen(late)));
	const char empty[] = "# yaml-language-server: $schema=\n";
	ck_assert_ptr_null(classify_modeline_schema(empty, strlen(empty)));
}
END_TEST

START_TEST(test_bad_table)
{
	struct classify_table table;
	classify_table_init(&table);
	json_t *kinds = json_loads("[{\"kind\":\"X\"}]", 0, NULL);
	char *error = NULL;
	ck_assert_int_eq(classify_table_read(&table, kinds, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "needs 'kind', 'schema'"));
	free(error);
	json_decref(kinds);
	classify_table_release(&table);
}
END_TEST

static Suite *classify_suite(void)
{
	Suite *suite = suite_create("classify");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, test_glob_segments);
	tcase_add_test(tcase, test_classify_by_path_and_project_paths);
	tcase_add_test(tcase, test_known_folders);
	tcase_add_test(tcase, test_modeline);
	tcase_add_test(tcase, test_bad_table);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(classify_suite)
