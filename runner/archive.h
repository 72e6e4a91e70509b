/* The snapshot archive: a small streaming format for a directory tree (regular files,
 * directories, symlinks), written by walking a directory and read by a push parser.
 *
 * Format (all integers big-endian; documented in full in docs/snapshot-format.md):
 *
 *   stream  = "GOOSEAR1" root-mode:u32 root-mtime:i64 entry* end
 *   entry   = type:u8 mode:u32 mtime:i64 path-length:u16 size:u64 path data
 *             type 'f' regular file (data = size bytes of content)
 *             type 'd' directory    (size = 0, no data)
 *             type 'l' symlink      (data = the link target, 1..4095 bytes)
 *   end     = 'E' entry-count:u64, and nothing after it
 *
 * Paths are relative, '/'-separated, without empty, "." or ".." components, at most 4095
 * bytes, and come after their parent directory's entry; modes keep the permission bits only.
 * Owners are not recorded. Extraction refuses anything else, so a hostile archive can only
 * fail, never write outside its target.
 *
 * Ownership: functions that return a string through `char **error` hand it to the caller,
 * who frees it; nothing else crosses the interface owned. */
#ifndef GOOSE_ARCHIVE_H
#define GOOSE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARCHIVE_MAGIC "GOOSEAR1"
#define ARCHIVE_PATH_MAX 4095
#define ARCHIVE_LINK_MAX 4095

enum archive_type {
	ARCHIVE_FILE = 'f',
	ARCHIVE_DIRECTORY = 'd',
	ARCHIVE_SYMLINK = 'l',
};

struct archive_entry {
	enum archive_type type;
	const char *path;        /* NUL-terminated, already checked by archive_path_is_safe */
	uint32_t mode;           /* permission bits (07777) */
	int64_t mtime;           /* seconds since the epoch */
	uint64_t size;           /* content bytes of a file; target length of a symlink */
	const char *link_target; /* symlinks only, NUL-terminated */
};

/* Where a writer's bytes go: return 0, or -1 with *error set. */
struct archive_sink {
	void *context;
	int (*write)(void *context, const void *data, size_t length, char **error);
};

/* What the parser reports, in archive order. `begin` sees every entry; a file's content then
 * arrives through `data` (any number of calls) and `end`. Callbacks return 0, or -1 with
 * *error set, which stops the parse. Any callback may be NULL. */
struct archive_visitor {
	void *context;
	int (*root)(void *context, uint32_t mode, int64_t mtime, char **error);
	int (*begin)(void *context, const struct archive_entry *entry, char **error);
	int (*data)(void *context, const void *data, size_t length, char **error);
	int (*end)(void *context, char **error);
};

/* Which paths a snapshot holds. Globs: `*` and `?` stay inside one path component, `**`
 * crosses them (`**` followed by '/' also matches no directory at all), `[a-z]` and `[!x]`
 * are classes, `\` escapes. A pattern without '/' is matched against the last component,
 * at any depth; a pattern with '/' against the whole relative path. No include pattern
 * means everything; an excluded directory is not descended into. */
struct archive_filter {
	const char *const *include;
	size_t include_count;
	const char *const *exclude;
	size_t exclude_count;
	bool skip_directory_set;  /* a directory never archived, e.g. the store inside the tree */
	dev_t skip_device;
	ino_t skip_inode;
};

#define ARCHIVE_TREE_DIGEST_SIZE 72 /* "sha256:" + 64 hex digits + NUL */

struct archive_stats {
	uint64_t files;
	uint64_t directories;
	uint64_t symlinks;
	uint64_t skipped;       /* sockets, fifos, devices: not state, never archived */
	uint64_t content_bytes;
	char tree_digest[ARCHIVE_TREE_DIGEST_SIZE]; /* of what was archived: see archive_tree_hash */
};

/* The digest of the tree an archive holds, in the form steps_tree_digest computes over a
 * directory on disk: SHA-256 over one record per entry, in archive order (each directory's
 * names sorted, a directory before its content):
 *   directory  path NUL "dir" LF
 *   file       path NUL "file" NUL ["x" when any execute bit is set] hex(SHA-256(content)) LF
 *   symlink    path NUL "link" NUL "x" hex(SHA-256(target)) LF
 * So a restored tree can be compared with what was archived by hashing it again. Fed by the
 * writer as it archives, or through a visitor by anything parsing an archive. */
struct archive_tree_hash {
	void *listing;           /* EVP_MD_CTX over the records */
	void *content;           /* EVP_MD_CTX over the current file's bytes */
	char *file_path;         /* the file whose content is being hashed */
	uint32_t file_mode;
	bool failed;
	struct archive_visitor inner; /* the visitor a tee passes every call on to (may be empty) */
};

/* 0, or -1 when OpenSSL cannot set up SHA-256. */
int archive_tree_hash_init(struct archive_tree_hash *hash);
void archive_tree_hash_release(struct archive_tree_hash *hash);
void archive_tree_hash_begin(struct archive_tree_hash *hash, const struct archive_entry *entry);
void archive_tree_hash_data(struct archive_tree_hash *hash, const void *data, size_t length);
void archive_tree_hash_end(struct archive_tree_hash *hash);
/* Writes "sha256:<hex>" into `digest`: 0, or -1 when hashing failed along the way. */
int archive_tree_hash_final(struct archive_tree_hash *hash, char digest[ARCHIVE_TREE_DIGEST_SIZE]);
/* A visitor that hashes every entry and passes each call on to `inner` (may be NULL). */
void archive_tree_hash_visitor(struct archive_tree_hash *hash, const struct archive_visitor *inner,
			       struct archive_visitor *visitor);

bool archive_glob_match(const char *pattern, const char *path);

/* True when `path` (length bytes, not necessarily NUL-terminated) is a safe relative path. */
bool archive_path_is_safe(const char *path, size_t length);

/* Streams the tree under source_dir into sink, in sorted order. */
int archive_write_tree(const char *source_dir, const struct archive_filter *filter,
		       const struct archive_sink *sink, struct archive_stats *stats, char **error);

struct archive_parser {
	struct archive_visitor visitor;
	int state;
	unsigned char head[32];
	size_t head_length;
	size_t head_needed;
	char *path;
	char *link_target;
	size_t field_length;     /* bytes of path or link target collected so far */
	struct archive_entry entry;
	uint64_t remaining;      /* file content still to come */
	uint64_t entry_count;
	int64_t last_mtime;
};

void archive_parser_init(struct archive_parser *parser, const struct archive_visitor *visitor);
int archive_parser_feed(struct archive_parser *parser, const void *data, size_t length, char **error);
/* The stream ended: -1 unless the end record was seen. */
int archive_parser_finish(struct archive_parser *parser, char **error);
void archive_parser_release(struct archive_parser *parser);

/* Extraction into an existing, empty directory. Files are written as their data arrives;
 * directory modes and times are applied at finish, deepest first, so read-only
 * directories still receive their content. */
struct archive_extractor {
	int root_fd;
	int parent_fd;           /* cached descriptor of the current entry's parent */
	char *parent_path;       /* relative path of parent_fd ("" for the root) */
	int file_fd;             /* file being written, or -1 */
	struct archive_entry file_entry;
	char *file_path;
	struct deferred_directory *directories;
	size_t directory_count;
	size_t directory_alloc;
	bool root_set;
	uint32_t root_mode;
	int64_t root_mtime;
};

int archive_extractor_open(struct archive_extractor *extractor, const char *root_dir, char **error);
void archive_extractor_visitor(struct archive_extractor *extractor, struct archive_visitor *visitor);
/* Applies directory modes and times, then flushes everything written to disk. */
int archive_extractor_finish(struct archive_extractor *extractor, char **error);
void archive_extractor_release(struct archive_extractor *extractor);

#endif
