/* libFuzzer entry for the snapshot reader. The first byte picks the layer: 'A' a raw archive
 * extracted into a temporary directory, 'Z' a zstd stream decompressed and parsed, anything
 * else a whole snapshot file read with a fixed test key (header, chunks, decryption). */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "archive.h"
#include "snapshot.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct memory_source {
	const uint8_t *data;
	size_t size;
	size_t offset;
};

static ssize_t memory_read(void *context, void *buffer, size_t length)
{
	struct memory_source *source = context;
	size_t left = source->size - source->offset;
	if (length > left)
		length = left;
	memcpy(buffer, source->data + source->offset, length);
	source->offset += length;
	return (ssize_t)length;
}

static void remove_tree(int parent_fd, const char *name)
{
	struct stat info;
	if (fstatat(parent_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (S_ISDIR(info.st_mode)) {
		fchmodat(parent_fd, name, 0700, 0);
		int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *entry;
		while (dir && (entry = readdir(dir)) != NULL)
			if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
				remove_tree(dirfd(dir), entry->d_name);
		if (dir)
			closedir(dir);
		else if (fd >= 0)
			close(fd);
		unlinkat(parent_fd, name, AT_REMOVEDIR);
	} else {
		unlinkat(parent_fd, name, 0);
	}
}

/* Extracts an archive into a fresh directory; whatever the input, nothing may land outside it. */
static void fuzz_archive(const uint8_t *data, size_t size)
{
	char root[] = "/tmp/goose-fuzz-archive-XXXXXX";
	if (!mkdtemp(root))
		return;
	struct archive_extractor extractor;
	char *error = NULL;
	if (archive_extractor_open(&extractor, root, &error) == 0) {
		struct archive_visitor visitor;
		archive_extractor_visitor(&extractor, &visitor);
		struct archive_parser parser;
		archive_parser_init(&parser, &visitor);
		/* feed in uneven pieces so every state boundary is crossed mid-field */
		size_t offset = 0, piece = 1;
		int status = 0;
		while (status == 0 && offset < size) {
			size_t take = size - offset < piece ? size - offset : piece;
			status = archive_parser_feed(&parser, data + offset, take, &error);
			offset += take;
			piece = piece * 3 + 1;
		}
		if (status == 0 && archive_parser_finish(&parser, &error) == 0)
			archive_extractor_finish(&extractor, &error);
		archive_parser_release(&parser);
		archive_extractor_release(&extractor);
	}
	free(error);
	remove_tree(AT_FDCWD, root);
}

static void fuzz_compressed(const uint8_t *data, size_t size)
{
	ZSTD_DCtx *decompressor = ZSTD_createDCtx();
	ZSTD_DCtx_setParameter(decompressor, ZSTD_d_windowLogMax, 20);
	struct archive_visitor parse_only = { 0 };
	struct archive_parser parser;
	archive_parser_init(&parser, &parse_only);
	unsigned char output[4096];
	ZSTD_inBuffer input = { data, size, 0 };
	char *error = NULL;
	size_t produced = 0;
	for (;;) {
		ZSTD_outBuffer out = { output, sizeof(output), 0 };
		size_t result = ZSTD_decompressStream(decompressor, &out, &input);
		if (ZSTD_isError(result) || archive_parser_feed(&parser, output, out.pos, &error) != 0)
			break;
		produced += out.pos;
		if ((input.pos == input.size && out.pos < out.size) || produced > (64u << 20))
			break;
	}
	free(error);
	archive_parser_release(&parser);
	ZSTD_freeDCtx(decompressor);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 'A') {
		fuzz_archive(data + 1, size - 1);
		return 0;
	}
	if (size > 0 && data[0] == 'Z') {
		fuzz_compressed(data + 1, size - 1);
		return 0;
	}
	unsigned char bytes[SNAP_KEY_SIZE];
	for (int i = 0; i < SNAP_KEY_SIZE; i++)
		bytes[i] = (unsigned char)i;
	struct snap_key key;
	snap_key_from_bytes(&key, bytes);
	struct memory_source source = { data + (size > 0), size - (size > 0), 0 };
	struct snap_source reader = { &source, memory_read };
	struct snap_read_result result;
	char *error = NULL;
	snap_read_stream(&reader, &key, NULL, &result, &error);
	free(error);
	return 0;
}
