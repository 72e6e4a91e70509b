/* Shared main() for Check unit-test programs: each tests/unit/test_<module>.c defines
 * `Suite *MODULE_suite(void)` and then writes CHECK_MAIN(MODULE_suite). */
#ifndef GOOSE_CHECK_MAIN_H
#define GOOSE_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_function)                                         \
	int main(void)                                                     \
	{                                                                  \
		SRunner *runner = srunner_create(suite_function());        \
		srunner_run_all(runner, CK_NORMAL);                        \
		int failed = srunner_ntests_failed(runner);                \
		srunner_free(runner);                                      \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;          \
	}

/* Directory of the shared reference data (GOOSE_SHARED_DIR, default ../shared). */
static inline const char *check_shared_dir(void)
{
	const char *dir = getenv("GOOSE_SHARED_DIR");
	return dir && *dir ? dir : "../shared";
}

#endif
