/* Durable writes (temporary sibling, fsync, rename, directory fsync) and tree removal that never
 * follows links: the one implementation both binaries use. */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW, fdopendir, *at() */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

int fileio_write_all(int fd, const void *data, size_t length)
{
	const unsigned char *bytes = data;
	while (length > 0) {
		ssize_t written = write(fd, bytes, length);
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0)
			return -1;
		bytes += written;
		length -= (size_t)written;
	}
	return 0;
}

int fileio_sync_directory(const char *directory)
{
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int status = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return status;
}

char *fileio_parent_directory(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int fileio_sync_parent(const char *path)
{
	char *parent = fileio_parent_directory(path);
	int status = fileio_sync_directory(parent);
	free(parent);
	return status;
}

/* Distinguishes the temporaries of concurrent writers in one process (threads). */
static atomic_uint temporary_counter;

int fileio_write_atomic(const char *path, const void *data, size_t length, mode_t mode, char **error)
{
	char *parent = fileio_parent_directory(path);
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char *temporary = xasprintf("%s/.%s.tmp-%ld-%u", parent, name, (long)getpid(),
				    atomic_fetch_add(&temporary_counter, 1));
	int status = -1;
	int fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		*error = xasprintf("cannot create '%s': %s", temporary, strerror(errno));
	} else if (fileio_write_all(fd, data, length) != 0 || fsync(fd) != 0) {
		*error = xasprintf("cannot write '%s': %s", temporary, strerror(errno));
		close(fd);
		unlink(temporary);
	} else if (close(fd) != 0 || rename(temporary, path) != 0) {
		*error = xasprintf("cannot replace '%s': %s", path, strerror(errno));
		unlink(temporary);
	} else if (fileio_sync_directory(parent) != 0) {
		*error = xasprintf("cannot sync '%s': %s", parent, strerror(errno));
	} else {
		status = 0;
	}
	free(temporary);
	free(parent);
	return status;
}

static void remove_tree_at(int parent_fd, const char *name)
{
	struct stat info;
	if (fstatat(parent_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(info.st_mode)) {
		unlinkat(parent_fd, name, 0);
		return;
	}
	fchmodat(parent_fd, name, 0700, 0);
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *dir = fdopendir(fd);
		if (dir) {
			struct dirent *entry;
			while ((entry = readdir(dir)) != NULL) {
				if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
					remove_tree_at(dirfd(dir), entry->d_name);
			}
			closedir(dir);
		} else {
			close(fd);
		}
	}
	unlinkat(parent_fd, name, AT_REMOVEDIR);
}

void fileio_remove_tree(const char *path)
{
	remove_tree_at(AT_FDCWD, path);
}
