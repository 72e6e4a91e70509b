/* Unit tests for runner/steps_exec: the exec step runs in the tree root (--root), finds a
 * relative argv[0] there, passes only the allowed environment and says clearly when the root
 * cannot be entered. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "fileio.h"
#include "steps.h"
#include "util.h"

struct tree {
	char root[PATH_MAX];
	struct steps_context context;
};

static void tree_init(struct tree *tree)
{
	char made[64];
	snprintf(made, sizeof(made), "/tmp/goose-steps-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(made));
	/* the physical path: what pwd prints, even when /tmp is a link */
	ck_assert_ptr_nonnull(realpath(made, tree->root));
	memset(&tree->context, 0, sizeof(tree->context));
	tree->context.root = tree->root;
}

static void tree_release(struct tree *tree)
{
	fileio_remove_tree(tree->root);
}

/* Runs one exec step; returns its outcome, with the detail and error handed back. */
static enum steps_outcome run_exec(struct tree *tree, const char *args_json, json_t **detail, char **error)
{
	json_error_t json_error;
	json_t *args = json_loads(args_json, 0, &json_error);
	ck_assert_msg(args != NULL, "%s", json_error.text);
	*detail = json_object();
	*error = NULL;
	enum steps_outcome outcome = steps_exec(&tree->context, args, *detail, error);
	json_decref(args);
	return outcome;
}

START_TEST(test_exec_runs_in_the_tree_root)
{
	struct tree tree;
	tree_init(&tree);
	json_t *detail;
	char *error;
	ck_assert_int_eq(run_exec(&tree, "{\"argv\":[\"pwd\"],\"env\":{},\"env_allow\":[]}", &detail, &error), STEPS_DONE);
	ck_assert_ptr_null(error);
	char *expected = xasprintf("%s\n", tree.root);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "output")), expected);
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "exit_code")), 0);
	free(expected);
	json_decref(detail);
	tree_release(&tree);
}
END_TEST

START_TEST(test_exec_finds_a_relative_program_in_the_root)
{
	struct tree tree;
	tree_init(&tree);
	char *dir = xasprintf("%s/scripts", tree.root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	char *script = xasprintf("%s/hello.sh", dir);
	const char *text = "#!/bin/sh\necho \"hello $WHO from $(basename \"$(pwd)\")\"\ncat data.txt\n";
	char *write_error = NULL;
	ck_assert_int_eq(fileio_write_atomic(script, text, strlen(text), 0755, &write_error), 0);
	char *data = xasprintf("%s/data.txt", tree.root);
	ck_assert_int_eq(fileio_write_atomic(data, "tree data\n", 10, 0644, &write_error), 0);
	json_t *detail;
	char *error;
	ck_assert_int_eq(run_exec(&tree, "{\"argv\":[\"./scripts/hello.sh\"],\"env\":{\"WHO\":\"ops\"},\"env_allow\":[\"PATH\"]}",
				  &detail, &error),
			 STEPS_DONE);
	char *expected = xasprintf("hello ops from %s\ntree data\n", strrchr(tree.root, '/') + 1);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "output")), expected);
	free(expected);
	free(data);
	free(script);
	free(dir);
	json_decref(detail);
	tree_release(&tree);
}
END_TEST

START_TEST(test_exec_a_failing_command_in_the_root)
{
	struct tree tree;
	tree_init(&tree);
	json_t *detail;
	char *error;
	/* data.txt is not in the root: cat fails there, whatever the test's own folder holds */
	ck_assert_int_eq(run_exec(&tree, "{\"argv\":[\"cat\",\"data.txt\"],\"env\":{},\"env_allow\":[]}", &detail, &error),
			 STEPS_FAILED);
	ck_assert_str_eq(error, "exec: 'cat' exited with 1");
	ck_assert_int_eq(json_integer_value(json_object_get(detail, "exit_code")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "output")), "cat: data.txt: No such file or directory\n");
	free(error);
	json_decref(detail);
	tree_release(&tree);
}
END_TEST

START_TEST(test_exec_root_that_cannot_be_entered)
{
	struct tree tree;
	tree_init(&tree);
	char *missing = xasprintf("%s/missing", tree.root);
	tree.context.root = missing;
	json_t *detail;
	char *error;
	ck_assert_int_eq(run_exec(&tree, "{\"argv\":[\"pwd\"],\"env\":{},\"env_allow\":[]}", &detail, &error), STEPS_FAILED);
	char *expected = xasprintf("exec: cannot run 'pwd' in '%s': No such file or directory", missing);
	ck_assert_str_eq(error, expected);
	free(expected);
	free(error);
	free(missing);
	json_decref(detail);
	tree_release(&tree);
}
END_TEST

static Suite *steps_exec_suite(void)
{
	Suite *suite = suite_create("steps_exec");
	TCase *tcase = tcase_create("exec");
	tcase_set_timeout(tcase, 30);
	tcase_add_test(tcase, test_exec_runs_in_the_tree_root);
	tcase_add_test(tcase, test_exec_finds_a_relative_program_in_the_root);
	tcase_add_test(tcase, test_exec_a_failing_command_in_the_root);
	tcase_add_test(tcase, test_exec_root_that_cannot_be_entered);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(steps_exec_suite)
