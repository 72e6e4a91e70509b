/* Unit tests of the runner's plan reader (each refusal its own verdict), the off-peak window,
 * ${release.version} substitution, release digests and the stage registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canonical_json.h"
#include "check_main.h"
#include "plan_reader.h"
#include "state.h"
#include "steps.h"
#include "util.h"

static const char payload_text[] =
	"{\"created\":1,\"expected_state\":null,\"expires\":1000,\"format\":1,\"from_stage\":null,\"inputs\":{},"
	"\"project\":\"p\",\"stage\":\"s\",\"state_check\":\"first-seen\",\"steps\":[{\"action\":\"exec\",\"args\":{},\"id\":\"a\"}],"
	"\"workflow\":\"promote\"}";

static void envelope_for(const char *payload, const struct signing_key *key, struct strbuf *out)
{
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, payload, strlen(payload), key, out), 0);
}

static enum plan_reader_verdict verify_with(const char *payload, const struct signing_key *signer,
					    const struct signing_key *trusted, int64_t now, bool allow_unsigned)
{
	struct strbuf envelope;
	strbuf_init(&envelope);
	envelope_for(payload, signer, &envelope);
	struct plan_reader_plan plan;
	plan_reader_init(&plan);
	char *error = NULL;
	ck_assert_int_eq(plan_reader_parse(&plan, envelope.buf, envelope.len, &error), 0);
	struct plan_reader_policy policy = { .trusted = trusted, .trusted_count = 1, .allow_unsigned = allow_unsigned,
					     .check_expiry = true, .now = now };
	enum plan_reader_verdict verdict = plan_reader_verify(&plan, &policy, &error);
	free(error);
	plan_reader_release(&plan);
	strbuf_release(&envelope);
	return verdict;
}

START_TEST(test_verdicts)
{
	struct signing_key key, other;
	signing_key_init(&key);
	signing_key_init(&other);
	char *error = NULL;
	ck_assert_int_eq(signing_key_generate(&key, &error), 0);
	ck_assert_int_eq(signing_key_generate(&other, &error), 0);
	ck_assert_int_eq(verify_with(payload_text, &key, &key, 10, false), PLAN_READER_ACCEPTED);
	ck_assert_int_eq(verify_with(payload_text, &key, &other, 10, false), PLAN_READER_UNTRUSTED_KEY);
	ck_assert_int_eq(verify_with(payload_text, NULL, &key, 10, false), PLAN_READER_UNSIGNED);
	ck_assert_int_eq(verify_with(payload_text, NULL, &key, 10, true), PLAN_READER_ACCEPTED);
	ck_assert_int_eq(verify_with(payload_text, &key, &key, 1000, false), PLAN_READER_EXPIRED);
	/* a signed payload that is not canonical is malformed, after the signature checked out */
	ck_assert_int_eq(verify_with("{\"format\": 1}", &key, &key, 10, false), PLAN_READER_MALFORMED);
	char *no_expiry = xstrdup(payload_text);
	memcpy(strstr(no_expiry, "\"expires\":1000"), "\"expires\":null", 14);
	ck_assert_int_eq(verify_with(no_expiry, &key, &key, 10, false), PLAN_READER_NO_EXPIRY);
	free(no_expiry);
	signing_key_release(&key);
	signing_key_release(&other);
}
END_TEST

START_TEST(test_shape_refusals)
{
	static const char *const bad[] = {
		"{\"format\":2}",
		"{\"created\":1,\"expected_state\":null,\"expires\":1000,\"format\":1,\"inputs\":{},\"project\":\"p\",\"stage\":\"../x\","
		"\"state_check\":\"first-seen\",\"steps\":[],\"workflow\":\"promote\"}",
		"{\"created\":1,\"expected_state\":null,\"expires\":1000,\"format\":1,\"inputs\":{},\"project\":\"p\",\"stage\":\"s\","
		"\"state_check\":\"exact\",\"steps\":[],\"workflow\":\"promote\"}",
		"{\"created\":1,\"expected_state\":null,\"expires\":1000,\"format\":1,\"inputs\":{},\"project\":\"p\",\"stage\":\"s\","
		"\"state_check\":\"first-seen\",\"steps\":[{\"action\":\"exec\",\"args\":{},\"id\":\"a\"},{\"action\":\"exec\",\"args\":{},\"id\":\"a\"}],\"workflow\":\"promote\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strbuf envelope;
		strbuf_init(&envelope);
		envelope_for(bad[i], NULL, &envelope);
		struct plan_reader_plan plan;
		plan_reader_init(&plan);
		char *error = NULL;
		ck_assert_int_eq(plan_reader_parse(&plan, envelope.buf, envelope.len, &error), 0);
		ck_assert_msg(plan.payload_error != NULL, "payload %zu accepted", i);
		plan_reader_release(&plan);
		strbuf_release(&envelope);
	}
	struct plan_reader_plan plan;
	plan_reader_init(&plan);
	char *error = NULL;
	ck_assert_int_eq(plan_reader_parse(&plan, "{}", 2, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "not a plan envelope"));
	free(error);
}
END_TEST

START_TEST(test_window)
{
	json_t *window = json_pack("{s:[s,s],s:i,s:i,s:s}", "days", "mon", "tue", "start_minute", 60, "end_minute", 300,
				   "timezone", "UTC");
	/* 2026-11-23 is a Monday */
	int64_t monday = 1795392000;
	ck_assert(steps_in_window(window, monday + 2 * 3600));
	ck_assert(!steps_in_window(window, monday + 6 * 3600));
	ck_assert(!steps_in_window(window, monday - 86400 + 2 * 3600)); /* Sunday */
	/* on a Paris wall clock (UTC+1 in November): 00:30 UTC is 01:30 there, 04:30 UTC is 05:30
	 * (test_tz compares zones with date(1) and covers DST) */
	json_object_set_new(window, "timezone", json_string("Europe/Paris"));
	if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0) {
		ck_assert(steps_in_window(window, monday + 1800));
		ck_assert(!steps_in_window(window, monday + 4 * 3600 + 1800));
	}
	json_object_set_new(window, "timezone", json_string("Europe/Nowhere"));
	ck_assert(!steps_in_window(window, monday + 2 * 3600));
	json_decref(window);
	/* past midnight: a Monday-evening window covers early Tuesday */
	window = json_pack("{s:[s],s:i,s:i}", "days", "mon", "start_minute", 22 * 60, "end_minute", 120);
	ck_assert(steps_in_window(window, monday + 86400 + 3600));
	ck_assert(!steps_in_window(window, monday + 3600));
	json_decref(window);
}
END_TEST

START_TEST(test_substitute)
{
	char *text = steps_substitute("v=${release.version}, again ${release.version}", "1.2.3");
	ck_assert_str_eq(text, "v=1.2.3, again 1.2.3");
	free(text);
	text = steps_substitute("${release.version}", NULL);
	ck_assert_str_eq(text, "${release.version}");
	free(text);
}
END_TEST

START_TEST(test_tree_digest_and_registry)
{
	char template[] = "/tmp/goose-runner-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(template));
	char *tree = xasprintf("%s/tree", template);
	char *file = xasprintf("%s/tree/a.txt", template);
	ck_assert_int_eq(state_make_directories(tree), 0);
	char *error = NULL;
	ck_assert_int_eq(state_write_file_atomic(file, "one", 3, &error), 0);
	char *first = NULL, *second = NULL;
	ck_assert_int_eq(steps_tree_digest(tree, &first, &error), 0);
	ck_assert_int_eq(state_write_file_atomic(file, "two", 3, &error), 0);
	ck_assert_int_eq(steps_tree_digest(tree, &second, &error), 0);
	ck_assert_str_ne(first, second);
	ck_assert_int_eq(strncmp(first, "sha256:", 7), 0);

	char *state_path_text = xasprintf("%s/state", template);
	struct state_dir state;
	state_dir_init(&state);
	ck_assert_int_eq(state_dir_open(&state, state_path_text, true, &error), 0);
	ck_assert_int_eq(state_dir_lock(&state, &error), 0);
	struct state_dir second_state;
	state_dir_init(&second_state);
	ck_assert_int_eq(state_dir_open(&second_state, state_path_text, false, &error), 0);
	ck_assert_int_eq(state_dir_lock(&second_state, &error), 1);
	free(error);
	error = NULL;
	state_dir_release(&second_state);
	json_t *entry = state_stage(&state, "compliance", true);
	json_object_set_new(entry, "generation", json_integer(41));
	json_object_set_new(entry, "release_digest", json_string(first));
	ck_assert_int_eq(state_registry_save(&state, &error), 0);
	state_dir_release(&state);
	ck_assert_int_eq(state_dir_open(&state, state_path_text, false, &error), 0);
	ck_assert_int_eq(state_stage_generation(&state, "compliance"), 41);
	json_t *status = state_status_json(&state);
	char *text = canonical_json_dumps(status, NULL);
	char *expected = xasprintf("{\"stages\":{\"compliance\":{\"generation\":41,\"release_digest\":\"%s\",\"release_version\":null}}}", first);
	ck_assert_str_eq(text, expected);
	free(expected);
	free(text);
	json_decref(status);
	state_dir_release(&state);
	ck_assert_int_eq(steps_remove_tree(template), 0);
	free(first);
	free(second);
	free(tree);
	free(file);
	free(state_path_text);
}
END_TEST

static Suite *runner_suite(void)
{
	Suite *suite = suite_create("runner");
	TCase *tcase = tcase_create("runner");
	tcase_add_test(tcase, test_verdicts);
	tcase_add_test(tcase, test_shape_refusals);
	tcase_add_test(tcase, test_window);
	tcase_add_test(tcase, test_substitute);
	tcase_add_test(tcase, test_tree_digest_and_registry);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(runner_suite)
