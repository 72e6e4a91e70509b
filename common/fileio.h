/* Durable file operations shared by both binaries: every file goosec or goose-run writes for
 * keeps goes through a temporary sibling, fsync, rename and a directory fsync. */
#ifndef GOOSE_FILEIO_H
#define GOOSE_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all of `data` to `fd`, retrying short writes and EINTR. 0, or -1 with errno set. */
int fileio_write_all(int fd, const void *data, size_t length);

/* fsyncs a directory, so a rename or a new entry in it survives a crash. */
int fileio_sync_directory(const char *directory);

/* fsyncs the directory that holds `path`. */
int fileio_sync_parent(const char *path);

/* Replaces `path` with `data` atomically and durably: a hidden temporary sibling (mode `mode`),
 * fsync, rename over `path`, fsync of the directory. On failure `path` is untouched, the
 * temporary is removed and `*error` (malloc'd) says why. */
int fileio_write_atomic(const char *path, const void *data, size_t length, mode_t mode, char **error);

/* The directory part of `path` ("a/b" -> "a", "b" -> ".", "/b" -> "/"); caller frees. */
char *fileio_parent_directory(const char *path);

/* Removes `path` and everything below it without following symbolic links; read-only
 * directories are made writable first. Best effort: errors are ignored. */
void fileio_remove_tree(const char *path);

#endif
