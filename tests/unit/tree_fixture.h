/* A config tree written from inline YAML into a temporary folder, then run through the real
 * front end (prepare, discover, load + validate): what the model and resolver tests start from. */
#ifndef GOOSE_TREE_FIXTURE_H
#define GOOSE_TREE_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "project.h"
#include "util.h"

struct tree_fixture {
	char root[64];
	char **created; /* files and folders, in creation order, removed in reverse */
	size_t created_count, created_alloc;
	struct project project;
	struct diag_list diags;
};

static inline void tree_fixture_init(struct tree_fixture *tree)
{
	memset(tree, 0, sizeof(*tree));
	snprintf(tree->root, sizeof(tree->root), "/tmp/goosec-tree-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree->root));
	project_init(&tree->project);
	diag_list_init(&tree->diags);
}

/* Writes `text` at `relative_path`, creating folders on the way. */
static inline void tree_fixture_write(struct tree_fixture *tree, const char *relative_path, const char *text)
{
	char *path = xasprintf("%s/%s", tree->root, relative_path);
	for (char *slash = strchr(path + strlen(tree->root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0700) == 0) {
			ALLOC_GROW(tree->created, tree->created_count + 1, tree->created_alloc);
			tree->created[tree->created_count++] = xstrdup(path);
		}
		*slash = '/';
	}
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	fclose(file);
	ALLOC_GROW(tree->created, tree->created_count + 1, tree->created_alloc);
	tree->created[tree->created_count++] = path;
}

/* Loads the tree; diagnostics of the front end land in tree->diags. */
static inline void tree_fixture_load(struct tree_fixture *tree)
{
	ck_assert_int_eq(project_prepare(&tree->project, &tree->diags), 0);
	project_discover(&tree->project, tree->root, &tree->diags);
	project_load(&tree->project, 1, &tree->diags);
}

/* Loads, then runs the whole-tree checks; returns their error count. */
static inline size_t tree_fixture_check(struct tree_fixture *tree)
{
	tree_fixture_load(tree);
	struct check_options options = { .now = 1767225600 }; /* 2026-01-01 */
	return check_project(&tree->project, &options, NULL, &tree->diags);
}

/* The first diagnostic with `rule`, or NULL. */
static inline const struct diag *tree_fixture_find(const struct tree_fixture *tree, const char *rule)
{
	for (size_t i = 0; i < tree->diags.count; i++)
		if (strcmp(tree->diags.items[i].rule, rule) == 0)
			return &tree->diags.items[i];
	return NULL;
}

static inline size_t tree_fixture_count(const struct tree_fixture *tree, const char *rule)
{
	size_t count = 0;
	for (size_t i = 0; i < tree->diags.count; i++)
		count += strcmp(tree->diags.items[i].rule, rule) == 0;
	return count;
}

/* Every diagnostic as "file:line:col: rule: message", for failure messages. */
static inline void tree_fixture_dump(const struct tree_fixture *tree)
{
	for (size_t i = 0; i < tree->diags.count; i++) {
		const struct diag *diag = &tree->diags.items[i];
		fprintf(stderr, "  %s:%d:%d: %s: %s\n", diag->file ? diag->file : "-", diag->line, diag->col,
			diag->rule, diag->message);
	}
}

static inline void tree_fixture_release(struct tree_fixture *tree)
{
	project_release(&tree->project);
	diag_list_release(&tree->diags);
	while (tree->created_count) {
		char *path = tree->created[--tree->created_count];
		if (unlink(path) != 0)
			rmdir(path);
		free(path);
	}
	free(tree->created);
	rmdir(tree->root);
}

#endif
