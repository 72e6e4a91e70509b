/* The in-memory output set and its atomic commit: write a sibling temporary directory, then
 * exchange it with the old output in one rename, so readers see the old build or the new one. */
#define _GNU_SOURCE /* renameat2 */
#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"
#include "banned.h"

void emit_output_init(struct emit_output *output)
{
	memset(output, 0, sizeof(*output));
}

void emit_output_release(struct emit_output *output)
{
	for (size_t i = 0; i < output->count; i++) {
		free(output->files[i].path);
		free(output->files[i].data);
	}
	free(output->files);
	emit_output_init(output);
}

const struct emit_file *emit_output_find(const struct emit_output *output, const char *path)
{
	for (size_t i = 0; i < output->count; i++)
		if (strcmp(output->files[i].path, path) == 0)
			return &output->files[i];
	return NULL;
}

int emit_output_add(struct emit_output *output, const char *path, char *data, size_t length)
{
	if (emit_output_find(output, path) || !*path || path[0] == '/' || strstr(path, "..")) {
		free(data);
		return -1;
	}
	ALLOC_GROW(output->files, output->count + 1, output->alloc);
	struct emit_file *file = &output->files[output->count++];
	file->path = xstrdup(path);
	file->data = data;
	file->length = length;
	return 0;
}

int emit_output_add_json(struct emit_output *output, const char *path, json_t *document)
{
	char *text = json_dumps(document, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
	json_decref(document);
	if (!text)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, text);
	strbuf_addch(&sb, '\n');
	free(text);
	size_t length;
	char *data = strbuf_detach(&sb, &length);
	return emit_output_add(output, path, data, length);
}

static int compare_files(const void *left, const void *right)
{
	return strcmp((*(const struct emit_file *const *)left)->path, (*(const struct emit_file *const *)right)->path);
}

/* mkdir -p for the parents of `path` under `root`. */
static int make_parents(const char *root, const char *path)
{
	char *full = xasprintf("%s/%s", root, path);
	int status = 0;
	for (char *slash = full + strlen(root) + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		if (mkdir(full, 0777) != 0 && errno != EEXIST)
			status = -1;
		*slash = '/';
		if (status)
			break;
	}
	free(full);
	return status;
}

static int write_file_synced(const char *path, const char *data, size_t length)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		return -1;
	while (length) {
		ssize_t written = write(fd, data, length);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		data += written;
		length -= (size_t)written;
	}
	if (fsync(fd) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int emit_output_commit(const struct emit_output *output, const char *directory, char **error)
{
	char *staging = xasprintf("%s.tmp-%ld", directory, (long)getpid());
	fileio_remove_tree(staging);
	if (mkdir(staging, 0777) != 0) {
		*error = xasprintf("cannot create '%s': %s", staging, strerror(errno));
		free(staging);
		return -1;
	}
	const struct emit_file **sorted = xcalloc(output->count ? output->count : 1, sizeof(*sorted));
	for (size_t i = 0; i < output->count; i++)
		sorted[i] = &output->files[i];
	qsort(sorted, output->count, sizeof(*sorted), compare_files);
	int status = 0;
	for (size_t i = 0; i < output->count && status == 0; i++) {
		char *path = xasprintf("%s/%s", staging, sorted[i]->path);
		if (make_parents(staging, sorted[i]->path) != 0 || write_file_synced(path, sorted[i]->data, sorted[i]->length) != 0) {
			*error = xasprintf("cannot write '%s': %s", path, strerror(errno));
			status = -1;
		}
		free(path);
	}
	free(sorted);
	if (status == 0) {
		fileio_sync_directory(staging);
		struct stat info;
		if (lstat(directory, &info) == 0) {
			/* swap old and new in one step; the old output then sits at the staging name */
			if (renameat2(AT_FDCWD, staging, AT_FDCWD, directory, RENAME_EXCHANGE) != 0) {
				*error = xasprintf("cannot replace '%s': %s", directory, strerror(errno));
				status = -1;
			}
		} else if (rename(staging, directory) != 0) {
			*error = xasprintf("cannot create '%s': %s", directory, strerror(errno));
			status = -1;
		}
		if (status == 0) {
			char *parent = fileio_parent_directory(directory);
			fileio_sync_directory(parent);
			free(parent);
		}
	}
	fileio_remove_tree(staging);
	free(staging);
	return status;
}
