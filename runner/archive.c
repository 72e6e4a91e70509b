/* The snapshot archive: walks a directory into a stream of entries, parses such a stream
 * back (push style, fed in pieces) and extracts it safely. Format described in archive.h. */
#define _GNU_SOURCE /* syncfs */
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "util.h"
#include "banned.h"

#define ARCHIVE_HEADER_SIZE 20      /* magic, root mode, root mtime */
#define ARCHIVE_ENTRY_HEAD_SIZE 23  /* type, mode, mtime, path length, size */
#define ARCHIVE_END_SIZE 9          /* 'E', entry count */
#define ARCHIVE_READ_BUFFER (256 * 1024)
#define ARCHIVE_MAX_DEPTH 256

static void put_be16(unsigned char *out, uint16_t value)
{
	out[0] = (unsigned char)(value >> 8);
	out[1] = (unsigned char)value;
}

static void put_be32(unsigned char *out, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(value >> (24 - 8 * i));
}

static void put_be64(unsigned char *out, uint64_t value)
{
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(value >> (56 - 8 * i));
}

static uint16_t get_be16(const unsigned char *in)
{
	return (uint16_t)((in[0] << 8) | in[1]);
}

static uint32_t get_be32(const unsigned char *in)
{
	return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | in[3];
}

static uint64_t get_be64(const unsigned char *in)
{
	uint64_t value = 0;
	for (int i = 0; i < 8; i++)
		value = (value << 8) | in[i];
	return value;
}

/* ---- globs ---- */

/* Matches one bracket class at *pattern against c; advances *pattern past it. -1 if malformed. */
static int match_class(const char **pattern, char c)
{
	const char *p = *pattern + 1;
	bool negate = false;
	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	bool matched = false;
	bool first = true;
	while (*p && (*p != ']' || first)) {
		char low = *p;
		if (low == '\\' && p[1])
			low = *++p;
		char high = low;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			high = p[2];
			if (high == '\\' && p[3])
				high = p[3], p++;
			p += 2;
		}
		if (c >= low && c <= high)
			matched = true;
		p++;
		first = false;
	}
	if (*p != ']')
		return -1;
	*pattern = p + 1;
	return matched != negate;
}

static bool glob_match_here(const char *pattern, const char *path)
{
	while (*pattern) {
		if (pattern[0] == '*' && pattern[1] == '*') {
			const char *rest = pattern + 2;
			while (*rest == '*')
				rest++;
			if (*rest == '/') {
				/* "**" + "/": zero or more whole directories */
				if (glob_match_here(rest + 1, path))
					return true;
				for (const char *s = path; *s; s++)
					if (*s == '/' && glob_match_here(rest + 1, s + 1))
						return true;
				return false;
			}
			for (const char *s = path;; s++) {
				if (glob_match_here(rest, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (*pattern == '*') {
			for (const char *s = path;; s++) {
				if (glob_match_here(pattern + 1, s))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		}
		if (!*path)
			return false;
		if (*pattern == '?') {
			if (*path == '/')
				return false;
			pattern++;
			path++;
			continue;
		}
		if (*pattern == '[') {
			const char *after = pattern;
			int result = *path == '/' ? 0 : match_class(&after, *path);
			if (result < 0) {
				/* an unclosed '[' is a literal character */
				if (*path != '[')
					return false;
				pattern++;
			} else if (result == 0) {
				return false;
			} else {
				pattern = after;
			}
			path++;
			continue;
		}
		if (*pattern == '\\' && pattern[1])
			pattern++;
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	return *path == '\0';
}

bool archive_glob_match(const char *pattern, const char *path)
{
	if (!strchr(pattern, '/')) {
		const char *slash = strrchr(path, '/');
		/* "name/" (a directory probe) keeps its trailing slash on the last component */
		if (slash && slash[1] == '\0') {
			const char *start = slash;
			while (start > path && start[-1] != '/')
				start--;
			return glob_match_here(pattern, start);
		}
		return glob_match_here(pattern, slash ? slash + 1 : path);
	}
	return glob_match_here(pattern, path);
}

static bool matches_any(const char *const *patterns, size_t count, const char *path, bool directory)
{
	for (size_t i = 0; i < count; i++) {
		if (archive_glob_match(patterns[i], path))
			return true;
		if (directory) {
			/* a pattern for everything below a directory names the directory itself too */
			char *probe = xasprintf("%s/", path);
			bool matched = archive_glob_match(patterns[i], probe);
			free(probe);
			if (matched)
				return true;
		}
	}
	return false;
}

bool archive_path_is_safe(const char *path, size_t length)
{
	if (length == 0 || length > ARCHIVE_PATH_MAX || memchr(path, '\0', length))
		return false;
	size_t start = 0;
	while (start <= length) {
		size_t end = start;
		while (end < length && path[end] != '/')
			end++;
		size_t component = end - start;
		if (component == 0)
			return false; /* leading '/', "//" or trailing '/' */
		if (component == 1 && path[start] == '.')
			return false;
		if (component == 2 && path[start] == '.' && path[start + 1] == '.')
			return false;
		start = end + 1;
	}
	return true;
}

/* ---- tree digest ---- */

int archive_tree_hash_init(struct archive_tree_hash *hash)
{
	memset(hash, 0, sizeof(*hash));
	hash->listing = EVP_MD_CTX_new();
	hash->content = EVP_MD_CTX_new();
	if (!hash->listing || !hash->content || EVP_DigestInit_ex(hash->listing, EVP_sha256(), NULL) != 1) {
		archive_tree_hash_release(hash);
		return -1;
	}
	return 0;
}

void archive_tree_hash_release(struct archive_tree_hash *hash)
{
	EVP_MD_CTX_free(hash->listing);
	EVP_MD_CTX_free(hash->content);
	free(hash->file_path);
	hash->listing = hash->content = NULL;
	hash->file_path = NULL;
}

static void tree_hash_add(struct archive_tree_hash *hash, const void *data, size_t length)
{
	if (EVP_DigestUpdate(hash->listing, data, length) != 1)
		hash->failed = true;
}

/* One record's tail: NUL kind NUL [x] hex LF, after the path and its NUL. */
static void tree_hash_record(struct archive_tree_hash *hash, const char *path, const char *kind, bool executable,
			     const unsigned char content_digest[CRYPTO_SHA256_SIZE])
{
	tree_hash_add(hash, path, strlen(path) + 1);
	tree_hash_add(hash, kind, strlen(kind));
	if (!content_digest) {
		tree_hash_add(hash, "\n", 1);
		return;
	}
	char hex[2 * CRYPTO_SHA256_SIZE + 1];
	crypto_hex(content_digest, CRYPTO_SHA256_SIZE, hex);
	tree_hash_add(hash, "", 1);
	if (executable)
		tree_hash_add(hash, "x", 1);
	tree_hash_add(hash, hex, 2 * CRYPTO_SHA256_SIZE);
	tree_hash_add(hash, "\n", 1);
}

void archive_tree_hash_begin(struct archive_tree_hash *hash, const struct archive_entry *entry)
{
	if (entry->type == ARCHIVE_DIRECTORY) {
		tree_hash_record(hash, entry->path, "dir", false, NULL);
	} else if (entry->type == ARCHIVE_SYMLINK) {
		unsigned char digest[CRYPTO_SHA256_SIZE];
		const char *target = entry->link_target ? entry->link_target : "";
		crypto_sha256(target, strlen(target), digest);
		/* lstat reports a symlink's mode as 0777 on Linux: always "x", as the disk walk sees it */
		tree_hash_record(hash, entry->path, "link", true, digest);
	} else {
		free(hash->file_path);
		hash->file_path = xstrdup(entry->path);
		hash->file_mode = entry->mode;
		if (EVP_DigestInit_ex(hash->content, EVP_sha256(), NULL) != 1)
			hash->failed = true;
	}
}

void archive_tree_hash_data(struct archive_tree_hash *hash, const void *data, size_t length)
{
	if (EVP_DigestUpdate(hash->content, data, length) != 1)
		hash->failed = true;
}

void archive_tree_hash_end(struct archive_tree_hash *hash)
{
	unsigned char digest[CRYPTO_SHA256_SIZE];
	unsigned int length;
	if (!hash->file_path || EVP_DigestFinal_ex(hash->content, digest, &length) != 1) {
		hash->failed = true;
		return;
	}
	tree_hash_record(hash, hash->file_path, "file", (hash->file_mode & 0111) != 0, digest);
	free(hash->file_path);
	hash->file_path = NULL;
}

int archive_tree_hash_final(struct archive_tree_hash *hash, char digest[ARCHIVE_TREE_DIGEST_SIZE])
{
	unsigned char bytes[CRYPTO_SHA256_SIZE];
	unsigned int length;
	if (hash->failed || EVP_DigestFinal_ex(hash->listing, bytes, &length) != 1)
		return -1;
	memcpy(digest, "sha256:", 7);
	crypto_hex(bytes, sizeof(bytes), digest + 7);
	return 0;
}

static int tee_root(void *context, uint32_t mode, int64_t mtime, char **error)
{
	struct archive_tree_hash *hash = context;
	return hash->inner.root ? hash->inner.root(hash->inner.context, mode, mtime, error) : 0;
}

static int tee_begin(void *context, const struct archive_entry *entry, char **error)
{
	struct archive_tree_hash *hash = context;
	archive_tree_hash_begin(hash, entry);
	return hash->inner.begin ? hash->inner.begin(hash->inner.context, entry, error) : 0;
}

static int tee_data(void *context, const void *data, size_t length, char **error)
{
	struct archive_tree_hash *hash = context;
	archive_tree_hash_data(hash, data, length);
	return hash->inner.data ? hash->inner.data(hash->inner.context, data, length, error) : 0;
}

static int tee_end(void *context, char **error)
{
	struct archive_tree_hash *hash = context;
	archive_tree_hash_end(hash);
	return hash->inner.end ? hash->inner.end(hash->inner.context, error) : 0;
}

void archive_tree_hash_visitor(struct archive_tree_hash *hash, const struct archive_visitor *inner,
			       struct archive_visitor *visitor)
{
	if (inner)
		hash->inner = *inner;
	else
		memset(&hash->inner, 0, sizeof(hash->inner));
	visitor->context = hash;
	visitor->root = tee_root;
	visitor->begin = tee_begin;
	visitor->data = tee_data;
	visitor->end = tee_end;
}

/* ---- writer ---- */

struct pending_directory {
	char *path;
	uint32_t mode;
	int64_t mtime;
	bool emitted;
};

struct tree_writer {
	const struct archive_filter *filter;
	const struct archive_sink *sink;
	struct archive_stats *stats;
	char **error;
	unsigned char *buffer;
	struct pending_directory ancestors[ARCHIVE_MAX_DEPTH];
	size_t depth;
	uint64_t entry_count;
	struct archive_tree_hash tree_hash;
};

static int emit_head(struct tree_writer *writer, enum archive_type type, const char *path, uint32_t mode,
		     int64_t mtime, uint64_t size)
{
	size_t path_length = strlen(path);
	if (!archive_path_is_safe(path, path_length)) {
		*writer->error = xasprintf("cannot archive '%s': path too long or not portable", path);
		return -1;
	}
	unsigned char head[ARCHIVE_ENTRY_HEAD_SIZE];
	head[0] = (unsigned char)type;
	put_be32(head + 1, mode & 07777);
	put_be64(head + 5, (uint64_t)mtime);
	put_be16(head + 13, (uint16_t)path_length);
	put_be64(head + 15, size);
	writer->entry_count++;
	if (type != ARCHIVE_SYMLINK) {
		struct archive_entry entry = { .type = type, .path = path, .mode = mode & 07777, .mtime = mtime, .size = size };
		archive_tree_hash_begin(&writer->tree_hash, &entry);
	}
	if (writer->sink->write(writer->sink->context, head, sizeof(head), writer->error) != 0)
		return -1;
	return writer->sink->write(writer->sink->context, path, path_length, writer->error);
}

/* Directories are emitted lazily, just before their first included descendant. */
static int emit_ancestors(struct tree_writer *writer)
{
	for (size_t i = 0; i < writer->depth; i++) {
		struct pending_directory *ancestor = &writer->ancestors[i];
		if (ancestor->emitted)
			continue;
		if (emit_head(writer, ARCHIVE_DIRECTORY, ancestor->path, ancestor->mode, ancestor->mtime, 0) != 0)
			return -1;
		ancestor->emitted = true;
		writer->stats->directories++;
	}
	return 0;
}

static int write_file_entry(struct tree_writer *writer, int dir_fd, const char *name, const char *path)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*writer->error = xasprintf("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	struct stat info;
	if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
		*writer->error = xasprintf("cannot read '%s': changed while reading", path);
		close(fd);
		return -1;
	}
	int status = emit_ancestors(writer);
	if (status == 0)
		status = emit_head(writer, ARCHIVE_FILE, path, (uint32_t)info.st_mode, info.st_mtime, (uint64_t)info.st_size);
	uint64_t remaining = (uint64_t)info.st_size;
	while (status == 0 && remaining > 0) {
		size_t want = remaining < ARCHIVE_READ_BUFFER ? (size_t)remaining : ARCHIVE_READ_BUFFER;
		ssize_t got = read(fd, writer->buffer, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*writer->error = xasprintf("cannot read '%s': %s", path, strerror(errno));
			status = -1;
		} else if (got == 0) {
			*writer->error = xasprintf("cannot read '%s': file shrank while reading", path);
			status = -1;
		} else {
			remaining -= (uint64_t)got;
			archive_tree_hash_data(&writer->tree_hash, writer->buffer, (size_t)got);
			status = writer->sink->write(writer->sink->context, writer->buffer, (size_t)got, writer->error);
		}
	}
	close(fd);
	if (status == 0) {
		archive_tree_hash_end(&writer->tree_hash);
		writer->stats->files++;
		writer->stats->content_bytes += (uint64_t)info.st_size;
	}
	return status;
}

static int write_symlink_entry(struct tree_writer *writer, int dir_fd, const char *name, const char *path,
			       const struct stat *info)
{
	char target[ARCHIVE_LINK_MAX + 1];
	ssize_t length = readlinkat(dir_fd, name, target, sizeof(target));
	if (length < 0) {
		*writer->error = xasprintf("cannot read link '%s': %s", path, strerror(errno));
		return -1;
	}
	if (length == 0 || (size_t)length > ARCHIVE_LINK_MAX) {
		*writer->error = xasprintf("cannot archive link '%s': target too long", path);
		return -1;
	}
	target[length] = '\0';
	if (emit_ancestors(writer) != 0)
		return -1;
	/* hashed in archive order: after the directories just emitted */
	struct archive_entry entry = { .type = ARCHIVE_SYMLINK, .path = path, .mode = (uint32_t)info->st_mode & 07777,
				       .size = (uint64_t)length, .link_target = target };
	archive_tree_hash_begin(&writer->tree_hash, &entry);
	if (emit_head(writer, ARCHIVE_SYMLINK, path, (uint32_t)info->st_mode, info->st_mtime, (uint64_t)length) != 0 ||
	    writer->sink->write(writer->sink->context, target, (size_t)length, writer->error) != 0)
		return -1;
	writer->stats->symlinks++;
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_included(const struct archive_filter *filter, const char *path, bool directory)
{
	if (filter->include_count && !matches_any(filter->include, filter->include_count, path, directory))
		return false;
	return true;
}

static bool is_excluded(const struct archive_filter *filter, const char *path, bool directory)
{
	return matches_any(filter->exclude, filter->exclude_count, path, directory);
}

/* Reads a directory's names, sorted, so archives list entries in a stable order. */
static int read_names(int dir_fd, const char *path, char ***names_out, size_t *count_out, char **error)
{
	int copy = dup(dir_fd);
	DIR *dir = copy >= 0 ? fdopendir(copy) : NULL;
	if (!dir) {
		if (copy >= 0)
			close(copy);
		*error = xasprintf("cannot list '%s': %s", *path ? path : ".", strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t count = 0, alloc = 0;
	struct dirent *entry;
	errno = 0;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		ALLOC_GROW(names, count + 1, alloc);
		names[count++] = xstrdup(entry->d_name);
	}
	closedir(dir);
	if (count > 1)
		qsort(names, count, sizeof(*names), compare_names);
	*names_out = names;
	*count_out = count;
	return 0;
}

static int write_directory(struct tree_writer *writer, int dir_fd, const char *path)
{
	char **names;
	size_t count;
	if (read_names(dir_fd, path, &names, &count, writer->error) != 0)
		return -1;
	int status = 0;
	for (size_t i = 0; i < count && status == 0; i++) {
		char *child = *path ? xasprintf("%s/%s", path, names[i]) : xstrdup(names[i]);
		struct stat info;
		if (fstatat(dir_fd, names[i], &info, AT_SYMLINK_NOFOLLOW) != 0) {
			*writer->error = xasprintf("cannot stat '%s': %s", child, strerror(errno));
			status = -1;
		} else if (S_ISDIR(info.st_mode)) {
			bool skip = writer->filter->skip_directory_set && info.st_dev == writer->filter->skip_device &&
				    info.st_ino == writer->filter->skip_inode;
			if (!skip && !is_excluded(writer->filter, child, true)) {
				if (writer->depth >= ARCHIVE_MAX_DEPTH) {
					*writer->error = xasprintf("cannot archive '%s': nested too deep", child);
					status = -1;
				} else {
					int child_fd = openat(dir_fd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					if (child_fd < 0) {
						*writer->error = xasprintf("cannot open '%s': %s", child, strerror(errno));
						status = -1;
					} else {
						struct pending_directory *pending = &writer->ancestors[writer->depth++];
						pending->path = child;
						pending->mode = (uint32_t)info.st_mode;
						pending->mtime = info.st_mtime;
						pending->emitted = false;
						if (is_included(writer->filter, child, true))
							status = emit_ancestors(writer);
						if (status == 0)
							status = write_directory(writer, child_fd, child);
						writer->depth--;
						close(child_fd);
					}
				}
			}
		} else if (is_excluded(writer->filter, child, false) || !is_included(writer->filter, child, false)) {
			/* filtered out */
		} else if (S_ISREG(info.st_mode)) {
			status = write_file_entry(writer, dir_fd, names[i], child);
		} else if (S_ISLNK(info.st_mode)) {
			status = write_symlink_entry(writer, dir_fd, names[i], child, &info);
		} else {
			writer->stats->skipped++;
		}
		free(child);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return status;
}

int archive_write_tree(const char *source_dir, const struct archive_filter *filter,
		       const struct archive_sink *sink, struct archive_stats *stats, char **error)
{
	memset(stats, 0, sizeof(*stats));
	int root_fd = open(source_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat info;
	if (root_fd < 0 || fstat(root_fd, &info) != 0) {
		*error = xasprintf("cannot open directory '%s': %s", source_dir, strerror(errno));
		if (root_fd >= 0)
			close(root_fd);
		return -1;
	}
	struct tree_writer writer = { .filter = filter, .sink = sink, .stats = stats, .error = error };
	if (archive_tree_hash_init(&writer.tree_hash) != 0) {
		*error = xstrdup("cannot set up SHA-256 for the tree digest");
		close(root_fd);
		return -1;
	}
	writer.buffer = xmalloc(ARCHIVE_READ_BUFFER);
	unsigned char header[ARCHIVE_HEADER_SIZE];
	memcpy(header, ARCHIVE_MAGIC, 8);
	put_be32(header + 8, (uint32_t)info.st_mode & 07777);
	put_be64(header + 12, (uint64_t)info.st_mtime);
	int status = sink->write(sink->context, header, sizeof(header), error);
	if (status == 0)
		status = write_directory(&writer, root_fd, "");
	if (status == 0) {
		unsigned char end[ARCHIVE_END_SIZE];
		end[0] = 'E';
		put_be64(end + 1, writer.entry_count);
		status = sink->write(sink->context, end, sizeof(end), error);
	}
	if (status == 0 && archive_tree_hash_final(&writer.tree_hash, stats->tree_digest) != 0) {
		*error = xstrdup("cannot compute the tree digest");
		status = -1;
	}
	archive_tree_hash_release(&writer.tree_hash);
	free(writer.buffer);
	close(root_fd);
	return status;
}

/* ---- parser ---- */

enum parser_state {
	PARSER_HEADER,
	PARSER_ENTRY_TYPE,
	PARSER_ENTRY_HEAD,
	PARSER_PATH,
	PARSER_LINK,
	PARSER_DATA,
	PARSER_END_COUNT,
	PARSER_DONE,
};

void archive_parser_init(struct archive_parser *parser, const struct archive_visitor *visitor)
{
	memset(parser, 0, sizeof(*parser));
	parser->visitor = *visitor;
	parser->state = PARSER_HEADER;
	parser->head_needed = ARCHIVE_HEADER_SIZE;
}

void archive_parser_release(struct archive_parser *parser)
{
	free(parser->path);
	free(parser->link_target);
	parser->path = NULL;
	parser->link_target = NULL;
}

static int entry_complete(struct archive_parser *parser, char **error)
{
	parser->entry_count++;
	if (parser->entry.type == ARCHIVE_FILE) {
		if (parser->entry.size > 0) {
			parser->remaining = parser->entry.size;
			parser->state = PARSER_DATA;
			return parser->visitor.begin ? parser->visitor.begin(parser->visitor.context, &parser->entry, error) : 0;
		}
		if (parser->visitor.begin && parser->visitor.begin(parser->visitor.context, &parser->entry, error) != 0)
			return -1;
		if (parser->visitor.end && parser->visitor.end(parser->visitor.context, error) != 0)
			return -1;
	} else if (parser->visitor.begin && parser->visitor.begin(parser->visitor.context, &parser->entry, error) != 0) {
		return -1;
	}
	parser->state = PARSER_ENTRY_TYPE;
	return 0;
}

static int parse_entry_head(struct archive_parser *parser, char **error)
{
	const unsigned char *head = parser->head;
	uint32_t mode = get_be32(head + 1);
	size_t path_length = get_be16(head + 13);
	uint64_t size = get_be64(head + 15);
	parser->entry.type = (enum archive_type)head[0];
	parser->entry.mode = mode;
	parser->entry.mtime = (int64_t)get_be64(head + 5);
	parser->entry.size = size;
	parser->entry.link_target = NULL;
	if (mode & ~07777u) {
		*error = xasprintf("archive entry %llu has an invalid mode", (unsigned long long)parser->entry_count + 1);
		return -1;
	}
	if (path_length == 0 || path_length > ARCHIVE_PATH_MAX) {
		*error = xasprintf("archive entry %llu has an invalid path length", (unsigned long long)parser->entry_count + 1);
		return -1;
	}
	if (parser->entry.type == ARCHIVE_DIRECTORY && size != 0) {
		*error = xasprintf("archive entry %llu: a directory with content", (unsigned long long)parser->entry_count + 1);
		return -1;
	}
	if (parser->entry.type == ARCHIVE_SYMLINK && (size == 0 || size > ARCHIVE_LINK_MAX)) {
		*error = xasprintf("archive entry %llu: invalid symlink target length", (unsigned long long)parser->entry_count + 1);
		return -1;
	}
	if (parser->entry.type == ARCHIVE_FILE && size > (uint64_t)INT64_MAX) {
		*error = xasprintf("archive entry %llu: file too large", (unsigned long long)parser->entry_count + 1);
		return -1;
	}
	free(parser->path);
	parser->path = xmalloc(path_length + 1);
	parser->head_needed = path_length;
	parser->field_length = 0;
	parser->state = PARSER_PATH;
	return 0;
}

int archive_parser_feed(struct archive_parser *parser, const void *data, size_t length, char **error)
{
	const unsigned char *in = data;
	while (length > 0) {
		switch (parser->state) {
		case PARSER_HEADER:
		case PARSER_ENTRY_HEAD:
		case PARSER_END_COUNT: {
			size_t take = parser->head_needed - parser->head_length;
			if (take > length)
				take = length;
			memcpy(parser->head + parser->head_length, in, take);
			parser->head_length += take;
			in += take;
			length -= take;
			if (parser->head_length < parser->head_needed)
				break;
			parser->head_length = 0;
			if (parser->state == PARSER_HEADER) {
				if (memcmp(parser->head, ARCHIVE_MAGIC, 8) != 0) {
					*error = xstrdup("not a goose archive (bad magic)");
					return -1;
				}
				uint32_t mode = get_be32(parser->head + 8);
				if (mode & ~07777u) {
					*error = xstrdup("archive root has an invalid mode");
					return -1;
				}
				if (parser->visitor.root &&
				    parser->visitor.root(parser->visitor.context, mode, (int64_t)get_be64(parser->head + 12), error) != 0)
					return -1;
				parser->state = PARSER_ENTRY_TYPE;
			} else if (parser->state == PARSER_ENTRY_HEAD) {
				if (parse_entry_head(parser, error) != 0)
					return -1;
			} else {
				if (get_be64(parser->head + 1) != parser->entry_count) {
					*error = xasprintf("archive end record counts %llu entries, found %llu",
							   (unsigned long long)get_be64(parser->head + 1),
							   (unsigned long long)parser->entry_count);
					return -1;
				}
				parser->state = PARSER_DONE;
			}
			break;
		}
		case PARSER_ENTRY_TYPE:
			parser->head[0] = *in;
			parser->head_length = 1;
			if (*in == 'E') {
				parser->head_needed = ARCHIVE_END_SIZE;
				parser->state = PARSER_END_COUNT;
			} else if (*in == ARCHIVE_FILE || *in == ARCHIVE_DIRECTORY || *in == ARCHIVE_SYMLINK) {
				parser->head_needed = ARCHIVE_ENTRY_HEAD_SIZE;
				parser->state = PARSER_ENTRY_HEAD;
			} else {
				*error = xasprintf("archive entry %llu has an unknown type 0x%02x",
						   (unsigned long long)parser->entry_count + 1, *in);
				return -1;
			}
			in++;
			length--;
			break;
		case PARSER_PATH:
		case PARSER_LINK: {
			char *field = parser->state == PARSER_PATH ? parser->path : parser->link_target;
			size_t take = parser->head_needed - parser->field_length;
			if (take > length)
				take = length;
			memcpy(field + parser->field_length, in, take);
			parser->field_length += take;
			in += take;
			length -= take;
			if (parser->field_length < parser->head_needed)
				break;
			field[parser->field_length] = '\0';
			if (parser->state == PARSER_PATH) {
				if (!archive_path_is_safe(parser->path, parser->field_length)) {
					*error = xasprintf("archive entry %llu has an unsafe path",
							   (unsigned long long)parser->entry_count + 1);
					return -1;
				}
				parser->entry.path = parser->path;
				if (parser->entry.type == ARCHIVE_SYMLINK) {
					free(parser->link_target);
					parser->link_target = xmalloc((size_t)parser->entry.size + 1);
					parser->head_needed = (size_t)parser->entry.size;
					parser->field_length = 0;
					parser->state = PARSER_LINK;
					break;
				}
			} else {
				if (memchr(parser->link_target, '\0', parser->field_length)) {
					*error = xasprintf("archive entry '%s' has an invalid link target", parser->path);
					return -1;
				}
				parser->entry.link_target = parser->link_target;
			}
			parser->head_needed = 0;
			if (entry_complete(parser, error) != 0)
				return -1;
			break;
		}
		case PARSER_DATA: {
			size_t take = parser->remaining < length ? (size_t)parser->remaining : length;
			if (parser->visitor.data && parser->visitor.data(parser->visitor.context, in, take, error) != 0)
				return -1;
			parser->remaining -= take;
			in += take;
			length -= take;
			if (parser->remaining == 0) {
				if (parser->visitor.end && parser->visitor.end(parser->visitor.context, error) != 0)
					return -1;
				parser->state = PARSER_ENTRY_TYPE;
			}
			break;
		}
		case PARSER_DONE:
		default:
			*error = xstrdup("data after the archive's end record");
			return -1;
		}
	}
	return 0;
}

int archive_parser_finish(struct archive_parser *parser, char **error)
{
	if (parser->state == PARSER_DONE)
		return 0;
	if (parser->state == PARSER_DATA)
		*error = xasprintf("archive ends inside the content of '%s'", parser->path);
	else
		*error = xstrdup("archive ends before its end record");
	return -1;
}

/* ---- extractor ---- */

struct deferred_directory {
	char *path;
	uint32_t mode;
	int64_t mtime;
};

int archive_extractor_open(struct archive_extractor *extractor, const char *root_dir, char **error)
{
	memset(extractor, 0, sizeof(*extractor));
	extractor->file_fd = -1;
	extractor->parent_fd = -1;
	extractor->root_fd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (extractor->root_fd < 0) {
		*error = xasprintf("cannot open '%s': %s", root_dir, strerror(errno));
		return -1;
	}
	return 0;
}

void archive_extractor_release(struct archive_extractor *extractor)
{
	if (extractor->file_fd >= 0)
		close(extractor->file_fd);
	if (extractor->parent_fd >= 0)
		close(extractor->parent_fd);
	if (extractor->root_fd >= 0)
		close(extractor->root_fd);
	extractor->file_fd = extractor->parent_fd = extractor->root_fd = -1;
	for (size_t i = 0; i < extractor->directory_count; i++)
		free(extractor->directories[i].path);
	free(extractor->directories);
	free(extractor->parent_path);
	free(extractor->file_path);
	extractor->directories = NULL;
	extractor->parent_path = NULL;
	extractor->file_path = NULL;
	extractor->directory_count = extractor->directory_alloc = 0;
}

/* Opens the parent directory of `path` component by component without following any
 * symlink, so an archived link can never redirect a later entry outside the root. */
static int open_parent(struct archive_extractor *extractor, const char *path, const char **name, char **error)
{
	const char *slash = strrchr(path, '/');
	size_t parent_length = slash ? (size_t)(slash - path) : 0;
	*name = slash ? slash + 1 : path;
	if (extractor->parent_path && strlen(extractor->parent_path) == parent_length &&
	    memcmp(extractor->parent_path, path, parent_length) == 0)
		return extractor->parent_fd;
	if (extractor->parent_fd >= 0)
		close(extractor->parent_fd);
	free(extractor->parent_path);
	extractor->parent_path = NULL;
	extractor->parent_fd = -1;
	int fd = dup(extractor->root_fd);
	char *components = xstrndup(path, parent_length);
	char *cursor = components;
	while (fd >= 0 && parent_length > 0) {
		char *next = strchr(cursor, '/');
		if (next)
			*next = '\0';
		int child = openat(fd, cursor, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = child;
		if (!next)
			break;
		cursor = next + 1;
	}
	free(components);
	if (fd < 0) {
		*error = xasprintf("cannot extract '%s': its parent is not a directory of the archive", path);
		return -1;
	}
	extractor->parent_fd = fd;
	extractor->parent_path = xstrndup(path, parent_length);
	return fd;
}

static int extract_root(void *context, uint32_t mode, int64_t mtime, char **error)
{
	struct archive_extractor *extractor = context;
	extractor->root_set = true;
	extractor->root_mode = mode;
	extractor->root_mtime = mtime;
	return 0;
}

static int extract_begin(void *context, const struct archive_entry *entry, char **error)
{
	struct archive_extractor *extractor = context;
	const char *name;
	int parent = open_parent(extractor, entry->path, &name, error);
	if (parent < 0)
		return -1;
	switch (entry->type) {
	case ARCHIVE_DIRECTORY:
		if (mkdirat(parent, name, 0700) != 0) {
			*error = xasprintf("cannot create directory '%s': %s", entry->path, strerror(errno));
			return -1;
		}
		ALLOC_GROW(extractor->directories, extractor->directory_count + 1, extractor->directory_alloc);
		extractor->directories[extractor->directory_count++] =
			(struct deferred_directory){ xstrdup(entry->path), entry->mode, entry->mtime };
		return 0;
	case ARCHIVE_SYMLINK: {
		if (symlinkat(entry->link_target, parent, name) != 0) {
			*error = xasprintf("cannot create link '%s': %s", entry->path, strerror(errno));
			return -1;
		}
		struct timespec times[2] = { { (time_t)entry->mtime, 0 }, { (time_t)entry->mtime, 0 } };
		utimensat(parent, name, times, AT_SYMLINK_NOFOLLOW); /* link times are best effort */
		return 0;
	}
	case ARCHIVE_FILE:
	default:
		extractor->file_fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (extractor->file_fd < 0) {
			*error = xasprintf("cannot create '%s': %s", entry->path, strerror(errno));
			return -1;
		}
		extractor->file_entry = *entry;
		free(extractor->file_path);
		extractor->file_path = xstrdup(entry->path);
		return 0;
	}
}

static int extract_data(void *context, const void *data, size_t length, char **error)
{
	struct archive_extractor *extractor = context;
	const char *bytes = data;
	while (length > 0) {
		ssize_t written = write(extractor->file_fd, bytes, length);
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0) {
			*error = xasprintf("cannot write '%s': %s", extractor->file_path, strerror(errno));
			return -1;
		}
		bytes += written;
		length -= (size_t)written;
	}
	return 0;
}

static int extract_end(void *context, char **error)
{
	struct archive_extractor *extractor = context;
	struct timespec times[2] = { { (time_t)extractor->file_entry.mtime, 0 }, { (time_t)extractor->file_entry.mtime, 0 } };
	int status = 0;
	if (fchmod(extractor->file_fd, (mode_t)extractor->file_entry.mode) != 0 || futimens(extractor->file_fd, times) != 0) {
		*error = xasprintf("cannot set mode and time of '%s': %s", extractor->file_path, strerror(errno));
		status = -1;
	}
	if (close(extractor->file_fd) != 0 && status == 0) {
		*error = xasprintf("cannot write '%s': %s", extractor->file_path, strerror(errno));
		status = -1;
	}
	extractor->file_fd = -1;
	return status;
}

void archive_extractor_visitor(struct archive_extractor *extractor, struct archive_visitor *visitor)
{
	visitor->context = extractor;
	visitor->root = extract_root;
	visitor->begin = extract_begin;
	visitor->data = extract_data;
	visitor->end = extract_end;
}

int archive_extractor_finish(struct archive_extractor *extractor, char **error)
{
	if (extractor->parent_fd >= 0)
		close(extractor->parent_fd);
	extractor->parent_fd = -1;
	free(extractor->parent_path);
	extractor->parent_path = NULL;
	/* deepest first: a directory's time changes whenever something is created inside it */
	for (size_t i = extractor->directory_count; i-- > 0;) {
		const struct deferred_directory *directory = &extractor->directories[i];
		const char *name;
		int parent = open_parent(extractor, directory->path, &name, error);
		if (parent < 0)
			return -1;
		struct timespec times[2] = { { (time_t)directory->mtime, 0 }, { (time_t)directory->mtime, 0 } };
		if (fchmodat(parent, name, (mode_t)directory->mode, 0) != 0 ||
		    utimensat(parent, name, times, AT_SYMLINK_NOFOLLOW) != 0) {
			*error = xasprintf("cannot set mode and time of '%s': %s", directory->path, strerror(errno));
			return -1;
		}
	}
	if (extractor->root_set) {
		struct timespec times[2] = { { (time_t)extractor->root_mtime, 0 }, { (time_t)extractor->root_mtime, 0 } };
		if (fchmod(extractor->root_fd, (mode_t)extractor->root_mode) != 0 || futimens(extractor->root_fd, times) != 0) {
			*error = xasprintf("cannot set mode and time of the restored root: %s", strerror(errno));
			return -1;
		}
	}
	/* one filesystem flush instead of an fsync per restored file */
	if (syncfs(extractor->root_fd) != 0) {
		*error = xasprintf("cannot flush the restored files: %s", strerror(errno));
		return -1;
	}
	return 0;
}
