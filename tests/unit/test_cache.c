/* Unit tests for compiler/cache and the loader's position export/import it relies on. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "check_main.h"
#include "load.h"
#include "util.h"

static const char yaml[] = "name: x\nitems:\n  - &a { k: 1 }\n  - *a\nweird/key~: 2\n";

static char *make_directory(void)
{
	char template[] = "/tmp/goosec-cache-test-XXXXXX";
	char *directory = mkdtemp(template);
	ck_assert_ptr_nonnull(directory);
	return xstrdup(directory);
}

static void remove_tree(const char *directory)
{
	char *command = xasprintf("rm -rf '%s'", directory);
	ck_assert_int_eq(system(command), 0);
	free(command);
}

START_TEST(test_positions_round_trip)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document original, copy;
	load_document_init(&original);
	load_document_init(&copy);
	ck_assert_int_eq(load_buffer("f.yaml", yaml, strlen(yaml), LOAD_SYNTAX_YAML, NULL, &original, &diags), 0);
	struct strbuf exported;
	strbuf_init(&exported);
	load_document_export_positions(&original, &exported);
	ck_assert_int_eq(load_document_import(&copy, "f.yaml", yaml, strlen(yaml), original.root, exported.buf, exported.len), 0);
	const char *pointers[] = { "", "/name", "/items/0/k", "/items/1", "/items/1/k", "/weird~1key~0" };
	for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
		const struct load_position *a = load_position_at(&original, pointers[i]);
		const struct load_position *b = load_position_at(&copy, pointers[i]);
		ck_assert_msg(a && b, "no position for '%s'", pointers[i]);
		ck_assert_int_eq(a->line, b->line);
		ck_assert_int_eq(a->col, b->col);
		ck_assert_int_eq(a->has_key, b->has_key);
		ck_assert_int_eq(a->key_line, b->key_line);
	}
	/* the export is canonical: exporting the copy gives the same bytes */
	struct strbuf again;
	strbuf_init(&again);
	load_document_export_positions(&copy, &again);
	ck_assert_str_eq(again.buf, exported.buf);
	/* malformed input is refused and leaves the document empty */
	ck_assert_int_eq(load_document_import(&copy, "f.yaml", yaml, strlen(yaml), original.root, "5:/name 1\n", 10), -1);
	ck_assert_ptr_null(copy.root);
	strbuf_release(&again);
	strbuf_release(&exported);
	load_document_release(&original);
	load_document_release(&copy);
	diag_list_release(&diags);
}
END_TEST

START_TEST(test_store_and_lookup)
{
	char *directory = make_directory();
	struct cache cache;
	cache_open(&cache, directory, "salt", 4);
	char key[65], other_salt_key[65];
	cache_key(&cache, yaml, strlen(yaml), "Stage", key);
	struct cache other;
	cache_open(&other, directory, "salt2", 5);
	cache_key(&other, yaml, strlen(yaml), "Stage", other_salt_key);
	ck_assert_str_ne(key, other_salt_key);
	cache_close(&other);

	struct diag_list diags;
	diag_list_init(&diags);
	struct load_document document;
	load_document_init(&document);
	ck_assert_int_eq(load_buffer("f.yaml", yaml, strlen(yaml), LOAD_SYNTAX_YAML, NULL, &document, &diags), 0);
	struct diag *diag = diag_add(&diags, DIAG_WARNING, "schema-enum", "f.yaml", 1, 7, "value 'x' is bad");
	diag_set_hint(diag, "did you mean 'y'?");
	struct cache_result stored = { .kind = "Stage", .loaded = true, .valid = false };
	cache_store(&cache, key, &document, &stored, &diags);

	struct diag_list found_diags;
	diag_list_init(&found_diags);
	struct load_document found;
	load_document_init(&found);
	struct cache_result result = { 0 };
	ck_assert(cache_lookup(&cache, key, "g.yaml", yaml, strlen(yaml), &found, &result, &found_diags));
	ck_assert_str_eq(result.kind, "Stage");
	ck_assert(result.loaded && !result.valid);
	ck_assert(json_equal(found.root, document.root));
	ck_assert_uint_eq(found_diags.count, 1);
	ck_assert_str_eq(found_diags.items[0].file, "g.yaml"); /* re-attached to the current path */
	ck_assert_str_eq(found_diags.items[0].hint, "did you mean 'y'?");
	ck_assert_int_eq(found_diags.items[0].col, 7);
	free(result.kind);

	/* an unknown key is a miss */
	char missing[65];
	cache_key(&cache, "other", 5, "Stage", missing);
	struct cache_result none = { 0 };
	ck_assert(!cache_lookup(&cache, missing, "g.yaml", "other", 5, &found, &none, &found_diags));

	load_document_release(&found);
	load_document_release(&document);
	diag_list_release(&found_diags);
	diag_list_release(&diags);
	cache_close(&cache);
	remove_tree(directory);
	free(directory);
}
END_TEST

START_TEST(test_off_cache_does_nothing)
{
	struct cache cache;
	cache_open(&cache, NULL, "", 0);
	char key[65];
	cache_key(&cache, "a", 1, "", key);
	struct load_document document;
	load_document_init(&document);
	struct diag_list diags;
	diag_list_init(&diags);
	struct cache_result result = { 0 };
	ck_assert(!cache_lookup(&cache, key, "a.yaml", "a", 1, &document, &result, &diags));
	cache_prune(&cache, 0);
	cache_close(&cache);
	diag_list_release(&diags);
}
END_TEST

static Suite *cache_suite(void)
{
	Suite *suite = suite_create("cache");
	TCase *tcase = tcase_create("core");
	tcase_add_test(tcase, test_positions_round_trip);
	tcase_add_test(tcase, test_store_and_lookup);
	tcase_add_test(tcase, test_off_cache_does_nothing);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(cache_suite)
