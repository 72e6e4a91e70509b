/* Unit tests of the target usage read from Prometheus answers: the scrapes that bracket a run,
 * counter restarts, memory inside the window, several series, and refused or malformed answers. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "loadgen_target.h"
#include "banned.h"

#define MATRIX_HEAD "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
#define MATRIX_TAIL "]}}"

/* CPU counter scraped every 2 s from 96 to 110, run from 100.5 to 105.5: the scrapes that bracket
 * it are 100 (value 10) and 106 (value 13), so 3 CPU seconds over 6 s. */
static const char cpu_one[] = MATRIX_HEAD
	"{\"metric\":{\"instance\":\"a:1\"},\"values\":[[96,\"9\"],[98,\"9.5\"],[100,\"10\"],[102,\"11\"],[104,\"12\"],"
	"[106,\"13\"],[108,\"20\"],[110,\"30\"]]}" MATRIX_TAIL;
/* memory at those scrapes: inside the run only 102 and 104 count */
static const char memory_one[] = MATRIX_HEAD
	"{\"metric\":{\"instance\":\"a:1\"},\"values\":[[98,\"1000\"],[100,\"5000\"],[102,\"2000\"],[104,\"4000\"],"
	"[106,\"9000\"]]}" MATRIX_TAIL;

START_TEST(brackets_the_run)
{
	struct loadgen_target_usage usage;
	char *error = NULL;
	ck_assert_int_eq(loadgen_target_from_answers(cpu_one, memory_one, 100.5, 105.5, &usage, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_double_eq_tol(usage.cpu_seconds, 3.0, 1e-9);
	ck_assert_double_eq_tol(usage.cpu_interval_s, 6.0, 1e-9);
	ck_assert_double_eq_tol(usage.cpu_cores, 0.5, 1e-9);
	ck_assert_double_eq_tol(usage.memory_bytes_max, 4000.0, 1e-9);
	ck_assert_double_eq_tol(usage.memory_bytes_mean, 3000.0, 1e-9);
	ck_assert_uint_eq(usage.cpu_series, 1);
	ck_assert_uint_eq(usage.memory_series, 1);
	ck_assert_uint_eq(usage.samples, 4 + 2);
	ck_assert_double_eq_tol(usage.window_end - usage.window_start, 5.0, 1e-9);

	/* the run ends after the last scrape: the last one there is closes the interval */
	ck_assert_int_eq(loadgen_target_from_answers(cpu_one, memory_one, 100.5, 120, &usage, &error), 0);
	ck_assert_double_eq_tol(usage.cpu_seconds, 20.0, 1e-9);
	ck_assert_double_eq_tol(usage.cpu_interval_s, 10.0, 1e-9);
	/* a run between two scrapes: no memory sample inside, the one before it stands */
	ck_assert_int_eq(loadgen_target_from_answers(cpu_one, memory_one, 102.2, 103.5, &usage, &error), 0);
	ck_assert_double_eq_tol(usage.cpu_seconds, 1.0, 1e-9);
	ck_assert_double_eq_tol(usage.memory_bytes_max, 2000.0, 1e-9);
}
END_TEST

START_TEST(counter_restart_and_several_series)
{
	/* process b restarted between 102 and 104: its counter went from 50 to 1 */
	static const char cpu[] = MATRIX_HEAD
		"{\"metric\":{\"instance\":\"a:1\"},\"values\":[[100,\"10\"],[102,\"11\"],[104,\"12\"],[106,\"13\"]]},"
		"{\"metric\":{\"instance\":\"b:1\"},\"values\":[[100,\"49\"],[102,\"50\"],[104,\"1\"],[106,\"2\"]]}" MATRIX_TAIL;
	static const char memory[] = MATRIX_HEAD
		"{\"metric\":{\"instance\":\"a:1\"},\"values\":[[102,\"100\"],[104,\"300\"]]},"
		"{\"metric\":{\"instance\":\"b:1\"},\"values\":[[102,\"1000\"],[104,\"1000\"]]}" MATRIX_TAIL;
	struct loadgen_target_usage usage;
	char *error = NULL;
	ck_assert_int_eq(loadgen_target_from_answers(cpu, memory, 100, 106, &usage, &error), 0);
	ck_assert_double_eq_tol(usage.cpu_seconds, 3.0 + 3.0, 1e-9); /* b: 1 + 1 (restart, counted from 0) + 1 */
	ck_assert_double_eq_tol(usage.cpu_cores, 1.0, 1e-9);
	ck_assert_uint_eq(usage.cpu_series, 2);
	ck_assert_double_eq_tol(usage.memory_bytes_max, 1300.0, 1e-9);
	ck_assert_double_eq_tol(usage.memory_bytes_mean, 1200.0, 1e-9);
	json_t *object = loadgen_target_json(&usage, "http://p:9090", "{job=\"x\"}");
	ck_assert_str_eq(json_string_value(json_object_get(object, "selector")), "{job=\"x\"}");
	ck_assert_double_eq_tol(json_real_value(json_object_get(object, "cpu_cores")), 1.0, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(object, "cpu_series")), 2);
	json_decref(object);
}
END_TEST

static void expect_error(const char *cpu, const char *memory, const char *message)
{
	struct loadgen_target_usage usage;
	char *error = NULL;
	ck_assert_int_eq(loadgen_target_from_answers(cpu, memory, 100, 106, &usage, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(error, message);
	free(error);
}

START_TEST(refused_and_malformed_answers)
{
	static const char empty[] = MATRIX_HEAD MATRIX_TAIL;
	expect_error(empty, empty, "no series matched the selector (process_cpu_seconds_total, process_resident_memory_bytes)");
	static const char one_scrape[] = MATRIX_HEAD "{\"metric\":{},\"values\":[[101,\"3\"]]}" MATRIX_TAIL;
	expect_error(one_scrape, one_scrape,
		     "too few CPU samples around the run: it needs two scrapes (a run shorter than the scrape interval?)");
	expect_error("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 5\"}", empty,
		     "prometheus refused the CPU query: parse error at char 5");
	expect_error("<html>", empty, "prometheus answered the CPU query with something other than JSON");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", empty,
		     "prometheus answered the CPU query without a matrix");
	expect_error(cpu_one, "{\"status\":\"success\"}", "prometheus answered the memory query without a matrix");
	static const char bad_value[] = MATRIX_HEAD "{\"metric\":{},\"values\":[[100,\"x\"],[102,\"2\"]]}" MATRIX_TAIL;
	expect_error(bad_value, empty, "prometheus sent a CPU series that is not a list of [time, \"value\"] pairs");
	static const char backwards[] = MATRIX_HEAD "{\"metric\":{},\"values\":[[102,\"1\"],[100,\"2\"]]}" MATRIX_TAIL;
	expect_error(backwards, empty, "prometheus sent a CPU series that is not a list of [time, \"value\"] pairs");
	static const char memory_bad[] = MATRIX_HEAD "{\"metric\":{},\"values\":7}" MATRIX_TAIL;
	expect_error(cpu_one, memory_bad, "prometheus sent a memory series that is not a list of [time, \"value\"] pairs");
}
END_TEST

START_TEST(selectors)
{
	char *selector = loadgen_target_default_selector("127.0.0.1", "9090");
	ck_assert_str_eq(selector, "{instance=\"127.0.0.1:9090\"}");
	free(selector);
	selector = loadgen_target_default_selector("::1", "80");
	ck_assert_str_eq(selector, "{instance=\"[::1]:80\"}");
	free(selector);
	struct loadgen_target_usage usage;
	char *error = NULL;
	ck_assert_int_eq(loadgen_target_query("http://127.0.0.1:1", "job=\"x\"", 1, 2, 100, 0, &usage, &error), -1);
	ck_assert_str_eq(error, "'job=\"x\"' is not a series selector such as {job=\"api\"}");
	free(error);
}
END_TEST

static Suite *loadgen_target_suite(void)
{
	Suite *suite = suite_create("loadgen_target");
	TCase *usage = tcase_create("usage");
	tcase_add_test(usage, brackets_the_run);
	tcase_add_test(usage, counter_restart_and_several_series);
	tcase_add_test(usage, refused_and_malformed_answers);
	tcase_add_test(usage, selectors);
	suite_add_tcase(suite, usage);
	return suite;
}

CHECK_MAIN(loadgen_target_suite)
