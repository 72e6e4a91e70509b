/* Unit tests of runner/journal: appending, reopening, the hash chain, torn tails and every
 * kind of tampering a reader must refuse by record number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "journal.h"
#include "util.h"

static const char plan_digest[] = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

static char *temp_journal(void)
{
	char template[] = "/tmp/goose-journal-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(template));
	return xasprintf("%s/journal", template);
}

static void remove_journal(char *path)
{
	unlink(path);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	rmdir(path);
	free(path);
}

static void write_three(const char *path)
{
	struct journal journal;
	journal_init(&journal);
	char *error = NULL;
	ck_assert_int_eq(journal_open(&journal, path, plan_digest, &error), 0);
	ck_assert_int_eq(journal_append(&journal, "begin", NULL, 10, NULL, &error), 0);
	ck_assert_int_eq(journal_append(&journal, "intent", "a", 11, json_pack("{s:s}", "action", "exec"), &error), 0);
	ck_assert_int_eq(journal_append(&journal, "done", "a", 12, NULL, &error), 0);
	journal_release(&journal);
}

static char *read_all(const char *path, size_t *length)
{
	char *data;
	ck_assert_int_eq(read_file_bytes(path, 1 << 20, &data, length), 0);
	return data;
}

START_TEST(test_append_and_reopen)
{
	char *path = temp_journal();
	write_three(path);
	struct journal journal;
	journal_init(&journal);
	char *error = NULL;
	ck_assert_int_eq(journal_open(&journal, path, plan_digest, &error), 0);
	ck_assert_uint_eq(json_array_size(journal.records), 3);
	ck_assert_ptr_nonnull(journal_find(&journal, "done", "a"));
	ck_assert_ptr_null(journal_find(&journal, "done", "b"));
	ck_assert(!journal_is_finished(&journal));
	ck_assert_int_eq(journal_append(&journal, "finish", NULL, 13, NULL, &error), 0);
	ck_assert(journal_is_finished(&journal));
	journal_release(&journal);
	ck_assert_int_eq(journal_load(&journal, path, plan_digest, &error), 0);
	ck_assert_uint_eq(json_array_size(journal.records), 4);
	journal_release(&journal);
	remove_journal(path);
}
END_TEST

START_TEST(test_every_flipped_byte_is_refused)
{
	char *path = temp_journal();
	write_three(path);
	size_t length;
	char *data = read_all(path, &length);
	for (size_t offset = 0; offset < length; offset++) {
		char saved = data[offset];
		data[offset] = (char)(saved ^ 0x01);
		json_t *records = NULL;
		size_t torn = 0;
		char *error = NULL;
		int status = journal_verify_bytes(data, length, plan_digest, &records, &torn, &error);
		/* the last newline cut turns the final record into a torn tail only if it stops parsing */
		ck_assert_msg(status != 0, "flipped byte %zu accepted", offset);
		ck_assert_ptr_nonnull(strstr(error, "journal record"));
		free(error);
		json_decref(records);
		data[offset] = saved;
	}
	free(data);
	remove_journal(path);
}
END_TEST

START_TEST(test_torn_tail_is_dropped_and_cut)
{
	char *path = temp_journal();
	write_three(path);
	size_t length;
	char *data = read_all(path, &length);
	json_t *records = NULL;
	size_t torn = 0;
	char *error = NULL;
	ck_assert_int_eq(journal_verify_bytes(data, length - 20, plan_digest, &records, &torn, &error), 0);
	ck_assert_uint_eq(json_array_size(records), 2);
	ck_assert_uint_gt(torn, 0);
	json_decref(records);
	FILE *file = fopen(path, "wb");
	fwrite(data, 1, length - 20, file);
	fclose(file);
	struct journal journal;
	journal_init(&journal);
	ck_assert_int_eq(journal_open(&journal, path, plan_digest, &error), 0);
	ck_assert_int_eq(journal_append(&journal, "done", "a", 12, NULL, &error), 0);
	journal_release(&journal);
	ck_assert_int_eq(journal_load(&journal, path, plan_digest, &error), 0);
	ck_assert_uint_eq(json_array_size(journal.records), 3);
	journal_release(&journal);
	free(data);
	remove_journal(path);
}
END_TEST

START_TEST(test_removed_record_and_other_plan)
{
	char *path = temp_journal();
	write_three(path);
	size_t length;
	char *data = read_all(path, &length);
	char *second = strchr(data, '\n') + 1;
	char *third = strchr(second, '\n') + 1;
	struct strbuf without;
	strbuf_init(&without);
	strbuf_add(&without, data, (size_t)(second - data));
	strbuf_add(&without, third, length - (size_t)(third - data));
	json_t *records = NULL;
	size_t torn = 0;
	char *error = NULL;
	ck_assert_int_ne(journal_verify_bytes(without.buf, without.len, plan_digest, &records, &torn, &error), 0);
	ck_assert_ptr_nonnull(strstr(error, "journal record 2"));
	free(error);
	error = NULL;
	ck_assert_int_ne(journal_verify_bytes(data, length, "sha256:other", &records, &torn, &error), 0);
	ck_assert_ptr_nonnull(strstr(error, "another plan"));
	free(error);
	strbuf_release(&without);
	free(data);
	remove_journal(path);
}
END_TEST

static Suite *journal_suite(void)
{
	Suite *suite = suite_create("journal");
	TCase *tcase = tcase_create("journal");
	tcase_add_test(tcase, test_append_and_reopen);
	tcase_add_test(tcase, test_every_flipped_byte_is_refused);
	tcase_add_test(tcase, test_torn_tail_is_dropped_and_cut);
	tcase_add_test(tcase, test_removed_record_and_other_plan);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(journal_suite)
