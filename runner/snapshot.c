/* Encrypted snapshot store: archive -> zstd -> AES-256-GCM chunks on create, the reverse on
 * restore and verify, with an atomically rewritten index and count/age retention. */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zstd.h>

#include "crypto.h"
#include "fileio.h"
#include "util.h"
#include "banned.h"

#define SNAP_MAGIC "GOOSESNP"
#define SNAP_VERSION 1
#define SNAP_SUITE 1 /* HKDF-SHA256, AES-256-GCM, zstd, archive v1 */
#define SNAP_SALT_SIZE 32
#define SNAP_AUTHENTICATED_HEADER (SNAP_HEADER_SIZE - SNAP_TAG_SIZE)
#define SNAP_AAD_SIZE (CRYPTO_SHA256_SIZE + 8 + 1)
#define SNAP_NONCE_CHUNK 0u  /* nonce prefix of data chunks */
#define SNAP_NONCE_HEADER 1u /* nonce prefix of the header tag: never collides with a chunk */
#define SNAP_KDF_INFO "goosec snapshot v1 aes-256-gcm"
#define SNAP_KEY_ID_LABEL "goosec snapshot key id v1"
#define SNAP_WINDOW_LOG_MAX 25 /* levels up to 19 use at most 2^23; bounds a hostile frame's memory */

/* header field offsets */
enum {
	HEADER_MAGIC = 0,
	HEADER_VERSION = 8,
	HEADER_SUITE = 9,
	HEADER_RESERVED = 10,
	HEADER_CHUNK_SIZE = 12,
	HEADER_KEY_ID = 16,
	HEADER_KEY_NAME = 24,  /* length byte, then 63 bytes zero-padded */
	HEADER_SALT = 88,
	HEADER_CREATED = 120,
	HEADER_SNAPSHOT_ID = 128, /* 32 bytes, NUL-padded */
	HEADER_TAG = 160,
};

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

/* ---- keys ---- */

void snap_key_from_bytes(struct snap_key *key, const unsigned char bytes[SNAP_KEY_SIZE])
{
	memcpy(key->bytes, bytes, SNAP_KEY_SIZE);
	unsigned char labelled[sizeof(SNAP_KEY_ID_LABEL) + SNAP_KEY_SIZE];
	memcpy(labelled, SNAP_KEY_ID_LABEL, sizeof(SNAP_KEY_ID_LABEL));
	memcpy(labelled + sizeof(SNAP_KEY_ID_LABEL), bytes, SNAP_KEY_SIZE);
	unsigned char digest[CRYPTO_SHA256_SIZE];
	crypto_sha256(labelled, sizeof(labelled), digest);
	crypto_wipe(labelled, sizeof(labelled));
	crypto_hex(digest, SNAP_KEY_ID_SIZE, key->id);
}

void snap_key_clear(struct snap_key *key)
{
	crypto_wipe(key->bytes, sizeof(key->bytes));
}

int snap_key_load(const char *path, struct snap_key *key, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(path, 4096, &data, &length) != 0) {
		*error = xasprintf("cannot read key file '%s': %s", path, errno == EFBIG ? "too large for a key" : strerror(errno));
		return -1;
	}
	int status = -1;
	unsigned char bytes[SNAP_KEY_SIZE];
	if (length == SNAP_KEY_SIZE) {
		memcpy(bytes, data, SNAP_KEY_SIZE);
		status = 0;
	} else {
		size_t start = 0, end = length;
		while (start < end && strchr(" \t\r\n", data[start]))
			start++;
		while (end > start && strchr(" \t\r\n", data[end - 1]))
			end--;
		status = crypto_unhex(data + start, end - start, bytes, SNAP_KEY_SIZE);
	}
	crypto_wipe(data, length);
	free(data);
	if (status != 0) {
		*error = xasprintf("key file '%s' must hold 32 raw bytes or 64 hex digits", path);
		return -1;
	}
	snap_key_from_bytes(key, bytes);
	crypto_wipe(bytes, sizeof(bytes));
	return 0;
}

/* ---- ids, times, sizes ---- */

bool snap_id_is_valid(const char *id)
{
	static const char shape[] = "99999999T999999Z-xxxxxxxx";
	if (strlen(id) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		char c = id[i];
		if (shape[i] == '9' && !(c >= '0' && c <= '9'))
			return false;
		if (shape[i] == 'x' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		if (shape[i] != '9' && shape[i] != 'x' && c != shape[i])
			return false;
	}
	return true;
}

static int format_utc(int64_t seconds, const char *format, char *out, size_t size)
{
	time_t when = (time_t)seconds;
	struct tm parts;
	if (!gmtime_r(&when, &parts) || strftime(out, size, format, &parts) == 0)
		return -1;
	return 0;
}

static int make_snapshot_id(int64_t created, char id[SNAP_ID_SIZE])
{
	unsigned char random[4];
	char suffix[9];
	char stamp[17];
	if (crypto_random(random, sizeof(random)) != 0 || format_utc(created, "%Y%m%dT%H%M%SZ", stamp, sizeof(stamp)) != 0)
		return -1;
	crypto_hex(random, sizeof(random), suffix);
	if (snprintf(id, SNAP_ID_SIZE, "%s-%s", stamp, suffix) != SNAP_ID_SIZE - 1)
		return -1;
	return 0;
}

int snap_parse_duration(const char *text, int64_t *seconds)
{
	int64_t total = 0;
	const char *cursor = text;
	if (!*cursor)
		return -1;
	while (*cursor) {
		if (*cursor < '0' || *cursor > '9')
			return -1;
		int64_t number = 0;
		while (*cursor >= '0' && *cursor <= '9') {
			if (number > INT64_MAX / 10 / 2)
				return -1;
			number = number * 10 + (*cursor++ - '0');
		}
		int64_t unit;
		switch (*cursor++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		case 'y': unit = 365 * 86400; break;
		default: return -1;
		}
		if (number > (INT64_MAX / 2 - total) / unit)
			return -1;
		total += number * unit;
	}
	*seconds = total;
	return 0;
}

int snap_parse_size(const char *text, uint64_t *bytes)
{
	char *end;
	errno = 0;
	if (*text < '0' || *text > '9')
		return -1;
	unsigned long long number = strtoull(text, &end, 10);
	if (errno)
		return -1;
	uint64_t unit = 1;
	if (strcmp(end, "") == 0 || strcmp(end, "B") == 0)
		unit = 1;
	else if (strcmp(end, "KiB") == 0 || strcmp(end, "K") == 0)
		unit = 1024;
	else if (strcmp(end, "MiB") == 0 || strcmp(end, "M") == 0)
		unit = 1024 * 1024;
	else
		return -1;
	if (number > UINT64_MAX / unit)
		return -1;
	*bytes = number * unit;
	return 0;
}

/* ---- files ---- */

static ssize_t read_full(const struct snap_source *source, unsigned char *buffer, size_t length)
{
	size_t total = 0;
	while (total < length) {
		ssize_t got = source->read(source->context, buffer + total, length - total);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		total += (size_t)got;
	}
	return (ssize_t)total;
}

static int make_directories(const char *path, char **error)
{
	char *copy = xstrdup(path);
	for (char *slash = copy + 1; *slash; slash++) {
		if (*slash != '/')
			continue;
		*slash = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			*error = xasprintf("cannot create '%s': %s", copy, strerror(errno));
			free(copy);
			return -1;
		}
		*slash = '/';
	}
	free(copy);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		*error = xasprintf("cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- index ---- */

void snap_info_release(struct snap_info *info)
{
	free(info->label);
	free(info->key_name);
	info->label = NULL;
	info->key_name = NULL;
}

void snap_index_init(struct snap_index *index)
{
	index->items = NULL;
	index->count = 0;
	index->alloc = 0;
}

void snap_index_release(struct snap_index *index)
{
	for (size_t i = 0; i < index->count; i++)
		snap_info_release(&index->items[i]);
	free(index->items);
	snap_index_init(index);
}

static void index_append_copy(struct snap_index *index, const struct snap_info *info)
{
	ALLOC_GROW(index->items, index->count + 1, index->alloc);
	struct snap_info *copy = &index->items[index->count++];
	*copy = *info;
	copy->label = info->label ? xstrdup(info->label) : NULL;
	copy->key_name = info->key_name ? xstrdup(info->key_name) : NULL;
}

static bool read_hex_field(json_t *object, const char *name, char *out, size_t digits)
{
	const char *text = json_string_value(json_object_get(object, name));
	if (!text || strlen(text) != digits)
		return false;
	for (size_t i = 0; i < digits; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	memcpy(out, text, digits + 1);
	return true;
}

static bool read_count(json_t *object, const char *name, uint64_t *out)
{
	json_t *value = json_object_get(object, name);
	if (!json_is_integer(value) || json_integer_value(value) < 0)
		return false;
	*out = (uint64_t)json_integer_value(value);
	return true;
}

static int parse_index_entry(json_t *entry, struct snap_info *info)
{
	memset(info, 0, sizeof(*info));
	const char *id = json_string_value(json_object_get(entry, "id"));
	const char *digest = json_string_value(json_object_get(entry, "digest"));
	json_t *created = json_object_get(entry, "created_unix");
	uint64_t chunk_size = 0;
	if (!id || !snap_id_is_valid(id) || !digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 71 ||
	    !json_is_integer(created) || !read_hex_field(entry, "key_id", info->key_id, 2 * SNAP_KEY_ID_SIZE) ||
	    !read_count(entry, "archive_size", &info->archive_size) || !read_count(entry, "stored_size", &info->stored_size) ||
	    !read_count(entry, "files", &info->files) || !read_count(entry, "directories", &info->directories) ||
	    !read_count(entry, "symlinks", &info->symlinks) || !read_count(entry, "chunk_size", &chunk_size) ||
	    chunk_size < SNAP_CHUNK_MIN || chunk_size > SNAP_CHUNK_MAX)
		return -1;
	memcpy(info->id, id, SNAP_ID_SIZE);
	memcpy(info->digest, digest + 7, 65);
	for (size_t i = 0; i < 64; i++)
		if (!((info->digest[i] >= '0' && info->digest[i] <= '9') || (info->digest[i] >= 'a' && info->digest[i] <= 'f')))
			return -1;
	info->created = (int64_t)json_integer_value(created);
	info->chunk_size = (uint32_t)chunk_size;
	const json_t *tree_digest = json_object_get(entry, "tree_digest");
	if (tree_digest) {
		const char *text = json_string_value(tree_digest);
		if (!text || strncmp(text, "sha256:", 7) != 0 || strlen(text) != ARCHIVE_TREE_DIGEST_SIZE - 1 ||
		    strspn(text + 7, "0123456789abcdef") != 64)
			return -1;
		memcpy(info->tree_digest, text, ARCHIVE_TREE_DIGEST_SIZE);
	}
	const char *label = json_string_value(json_object_get(entry, "label"));
	const char *key_name = json_string_value(json_object_get(entry, "key_name"));
	info->label = label ? xstrdup(label) : NULL;
	info->key_name = key_name ? xstrdup(key_name) : NULL;
	return 0;
}

int snap_index_load(const struct snap_store *store, struct snap_index *index, char **error)
{
	snap_index_init(index);
	char *path = xasprintf("%s/index.json", store->path);
	json_error_t json_error;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &json_error);
	if (!root) {
		struct stat info;
		if (stat(path, &info) != 0 && errno == ENOENT) {
			free(path);
			return 0;
		}
		*error = xasprintf("cannot read index '%s': %s", path, json_error.text);
		free(path);
		return -1;
	}
	json_t *snapshots = json_object_get(root, "snapshots");
	int status = 0;
	if (json_integer_value(json_object_get(root, "version")) != 1 || !json_is_array(snapshots)) {
		*error = xasprintf("index '%s' is not a version 1 snapshot index", path);
		status = -1;
	}
	for (size_t i = 0; status == 0 && i < json_array_size(snapshots); i++) {
		struct snap_info info;
		if (parse_index_entry(json_array_get(snapshots, i), &info) != 0) {
			snap_info_release(&info);
			*error = xasprintf("index '%s': entry %zu is malformed", path, i + 1);
			status = -1;
			break;
		}
		ALLOC_GROW(index->items, index->count + 1, index->alloc);
		index->items[index->count++] = info;
	}
	json_decref(root);
	free(path);
	if (status != 0)
		snap_index_release(index);
	return status;
}

static json_t *index_entry_json(const struct snap_info *info)
{
	char created[32] = "";
	format_utc(info->created, "%Y-%m-%dT%H:%M:%SZ", created, sizeof(created));
	char digest[80];
	snprintf(digest, sizeof(digest), "sha256:%s", info->digest);
	json_t *entry = json_object();
	json_object_set_new(entry, "id", json_string(info->id));
	if (info->label)
		json_object_set_new(entry, "label", json_string(info->label));
	json_object_set_new(entry, "created", json_string(created));
	json_object_set_new(entry, "created_unix", json_integer((json_int_t)info->created));
	json_object_set_new(entry, "digest", json_string(digest));
	if (info->tree_digest[0])
		json_object_set_new(entry, "tree_digest", json_string(info->tree_digest));
	json_object_set_new(entry, "archive_size", json_integer((json_int_t)info->archive_size));
	json_object_set_new(entry, "stored_size", json_integer((json_int_t)info->stored_size));
	json_object_set_new(entry, "files", json_integer((json_int_t)info->files));
	json_object_set_new(entry, "directories", json_integer((json_int_t)info->directories));
	json_object_set_new(entry, "symlinks", json_integer((json_int_t)info->symlinks));
	json_object_set_new(entry, "key_id", json_string(info->key_id));
	if (info->key_name)
		json_object_set_new(entry, "key_name", json_string(info->key_name));
	json_object_set_new(entry, "chunk_size", json_integer((json_int_t)info->chunk_size));
	return entry;
}

json_t *snap_info_to_json(const struct snap_info *info)
{
	return index_entry_json(info);
}

static int index_save(const struct snap_store *store, const struct snap_index *index, char **error)
{
	json_t *root = json_object();
	json_t *snapshots = json_array();
	json_object_set_new(root, "version", json_integer(1));
	for (size_t i = 0; i < index->count; i++)
		json_array_append_new(snapshots, index_entry_json(&index->items[i]));
	json_object_set_new(root, "snapshots", snapshots);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text) {
		*error = xstrdup("cannot serialise the snapshot index");
		return -1;
	}
	struct strbuf content;
	strbuf_init(&content);
	strbuf_addstr(&content, text);
	strbuf_addch(&content, '\n');
	free(text);
	char *index_path = xasprintf("%s/index.json", store->path);
	int status = fileio_write_atomic(index_path, content.buf, content.len, 0600, error);
	free(index_path);
	strbuf_release(&content);
	return status;
}

/* One writer of the index at a time; readers need no lock (the index is replaced by rename). */
static int store_lock(const struct snap_store *store, char **error)
{
	char *path = xasprintf("%s/lock", store->path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		*error = xasprintf("cannot lock '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

static void store_unlock(int lock_fd)
{
	close(lock_fd);
}

static char *snapshot_file(const struct snap_store *store, const char *id)
{
	return xasprintf("%s/data/%s.snap", store->path, id);
}

/* ---- encryption ---- */

static void make_nonce(unsigned char nonce[12], uint32_t prefix, uint64_t counter)
{
	put_be32(nonce, prefix);
	put_be64(nonce + 4, counter);
}

static void make_aad(unsigned char aad[SNAP_AAD_SIZE], const unsigned char header_digest[CRYPTO_SHA256_SIZE],
		     uint64_t chunk_index, bool final)
{
	memcpy(aad, header_digest, CRYPTO_SHA256_SIZE);
	put_be64(aad + CRYPTO_SHA256_SIZE, chunk_index);
	aad[CRYPTO_SHA256_SIZE + 8] = final ? 1 : 0;
}

/* Encrypts (or, with encrypt false, decrypts and authenticates) data in place. */
static int gcm_chunk(EVP_CIPHER_CTX *cipher, bool encrypt, const unsigned char nonce[12], const unsigned char *aad,
		     size_t aad_length, unsigned char *data, size_t length, unsigned char tag[SNAP_TAG_SIZE])
{
	int out_length;
	unsigned char *end = data ? data + length : NULL; /* the header passes no data at all */
	if (encrypt) {
		if (EVP_EncryptInit_ex(cipher, NULL, NULL, NULL, nonce) != 1 ||
		    EVP_EncryptUpdate(cipher, NULL, &out_length, aad, (int)aad_length) != 1 ||
		    (length && EVP_EncryptUpdate(cipher, data, &out_length, data, (int)length) != 1) ||
		    EVP_EncryptFinal_ex(cipher, end, &out_length) != 1 ||
		    EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, SNAP_TAG_SIZE, tag) != 1)
			return -1;
		return 0;
	}
	if (EVP_DecryptInit_ex(cipher, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_DecryptUpdate(cipher, NULL, &out_length, aad, (int)aad_length) != 1 ||
	    (length && EVP_DecryptUpdate(cipher, data, &out_length, data, (int)length) != 1) ||
	    EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, SNAP_TAG_SIZE, tag) != 1 ||
	    EVP_DecryptFinal_ex(cipher, end, &out_length) != 1)
		return -1;
	return 0;
}

static EVP_CIPHER_CTX *cipher_for(const unsigned char key[SNAP_KEY_SIZE], bool encrypt)
{
	EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new();
	if (!cipher)
		return NULL;
	int ok = encrypt ? EVP_EncryptInit_ex(cipher, EVP_aes_256_gcm(), NULL, key, NULL)
			 : EVP_DecryptInit_ex(cipher, EVP_aes_256_gcm(), NULL, key, NULL);
	if (ok != 1) {
		EVP_CIPHER_CTX_free(cipher);
		return NULL;
	}
	return cipher;
}

static int derive_key(const struct snap_key *key, const unsigned char *salt, unsigned char out[SNAP_KEY_SIZE])
{
	return crypto_hkdf_sha256(key->bytes, SNAP_KEY_SIZE, salt, SNAP_SALT_SIZE, SNAP_KDF_INFO, out, SNAP_KEY_SIZE);
}

/* ---- create ---- */

struct snap_writer {
	int fd;
	const char *path;
	EVP_CIPHER_CTX *cipher;
	EVP_MD_CTX *digest;
	ZSTD_CCtx *compressor;
	unsigned char *chunk;     /* chunk_size bytes of compressed data, then room for the tag */
	size_t chunk_used;
	size_t chunk_size;
	uint64_t chunk_index;
	unsigned char header_digest[CRYPTO_SHA256_SIZE];
	uint64_t archive_size;
	uint64_t stored_size;
};

static int writer_seal(struct snap_writer *writer, bool final, char **error)
{
	unsigned char nonce[12], aad[SNAP_AAD_SIZE];
	make_nonce(nonce, SNAP_NONCE_CHUNK, writer->chunk_index);
	make_aad(aad, writer->header_digest, writer->chunk_index, final);
	size_t length = writer->chunk_used;
	if (gcm_chunk(writer->cipher, true, nonce, aad, sizeof(aad), writer->chunk, length, writer->chunk + length) != 0) {
		*error = xstrdup("cannot encrypt a snapshot chunk");
		return -1;
	}
	if (fileio_write_all(writer->fd, writer->chunk, length + SNAP_TAG_SIZE) != 0) {
		*error = xasprintf("cannot write '%s': %s", writer->path, strerror(errno));
		return -1;
	}
	writer->stored_size += length + SNAP_TAG_SIZE;
	writer->chunk_index++;
	writer->chunk_used = 0;
	return 0;
}

/* Compresses straight into the chunk buffer; a full chunk is sealed as not-final only when
 * more output is about to follow, so the final flag always lands on the true last chunk. */
static int writer_compress(struct snap_writer *writer, const void *data, size_t length, ZSTD_EndDirective mode,
			   char **error)
{
	ZSTD_inBuffer input = { data, length, 0 };
	for (;;) {
		if (writer->chunk_used == writer->chunk_size && writer_seal(writer, false, error) != 0)
			return -1;
		ZSTD_outBuffer output = { writer->chunk, writer->chunk_size, writer->chunk_used };
		size_t remaining = ZSTD_compressStream2(writer->compressor, &output, &input, mode);
		if (ZSTD_isError(remaining)) {
			*error = xasprintf("cannot compress: %s", ZSTD_getErrorName(remaining));
			return -1;
		}
		writer->chunk_used = output.pos;
		if (mode == ZSTD_e_end ? remaining == 0 : (input.pos == input.size && output.pos < output.size))
			return 0;
	}
}

static int writer_sink(void *context, const void *data, size_t length, char **error)
{
	struct snap_writer *writer = context;
	if (EVP_DigestUpdate(writer->digest, data, length) != 1) {
		*error = xstrdup("cannot hash the archive");
		return -1;
	}
	writer->archive_size += length;
	return writer_compress(writer, data, length, ZSTD_e_continue, error);
}

static void build_header(unsigned char header[SNAP_HEADER_SIZE], uint32_t chunk_size, const struct snap_key *key,
			 const char *key_name, const unsigned char salt[SNAP_SALT_SIZE], int64_t created, const char *id)
{
	memset(header, 0, SNAP_HEADER_SIZE);
	memcpy(header + HEADER_MAGIC, SNAP_MAGIC, 8);
	header[HEADER_VERSION] = SNAP_VERSION;
	header[HEADER_SUITE] = SNAP_SUITE;
	put_be32(header + HEADER_CHUNK_SIZE, chunk_size);
	crypto_unhex(key->id, 2 * SNAP_KEY_ID_SIZE, header + HEADER_KEY_ID, SNAP_KEY_ID_SIZE);
	size_t name_length = key_name ? strlen(key_name) : 0;
	header[HEADER_KEY_NAME] = (unsigned char)name_length;
	if (name_length)
		memcpy(header + HEADER_KEY_NAME + 1, key_name, name_length);
	memcpy(header + HEADER_SALT, salt, SNAP_SALT_SIZE);
	put_be64(header + HEADER_CREATED, (uint64_t)created);
	memcpy(header + HEADER_SNAPSHOT_ID, id, strlen(id));
}

static bool key_name_is_valid(const char *name)
{
	if (!name)
		return true;
	size_t length = strlen(name);
	if (length == 0 || length > SNAP_KEY_NAME_MAX)
		return false;
	for (size_t i = 0; i < length; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return false;
	return true;
}

/* Writes the encrypted snapshot of source_dir to `path` (a new file) and fills `info`. */
static int write_snapshot_file(const char *path, const char *source_dir, const struct snap_store *store,
			       const struct snap_policy *policy, const struct snap_key *key, struct snap_info *info,
			       char **error)
{
	uint32_t chunk_size = policy->chunk_size ? policy->chunk_size : SNAP_CHUNK_DEFAULT;
	unsigned char salt[SNAP_SALT_SIZE], derived[SNAP_KEY_SIZE], header[SNAP_HEADER_SIZE];
	struct snap_writer writer = { .fd = -1, .path = path, .chunk_size = chunk_size };
	int status = -1;
	if (crypto_random(salt, sizeof(salt)) != 0 || derive_key(key, salt, derived) != 0) {
		*error = xstrdup("cannot derive the snapshot key");
		return -1;
	}
	writer.cipher = cipher_for(derived, true);
	crypto_wipe(derived, sizeof(derived));
	writer.digest = EVP_MD_CTX_new();
	writer.compressor = ZSTD_createCCtx();
	writer.chunk = xmalloc((size_t)chunk_size + SNAP_TAG_SIZE);
	if (!writer.cipher || !writer.digest || EVP_DigestInit_ex(writer.digest, EVP_sha256(), NULL) != 1 ||
	    !writer.compressor) {
		*error = xstrdup("cannot set up encryption and compression");
		goto done;
	}
	ZSTD_CCtx_setParameter(writer.compressor, ZSTD_c_compressionLevel, policy->level ? policy->level : SNAP_LEVEL_DEFAULT);
	ZSTD_CCtx_setParameter(writer.compressor, ZSTD_c_checksumFlag, 0); /* GCM already authenticates */
	if (policy->workers > 0)
		ZSTD_CCtx_setParameter(writer.compressor, ZSTD_c_nbWorkers, policy->workers);

	build_header(header, chunk_size, key, policy->key_name, salt, info->created, info->id);
	unsigned char nonce[12];
	make_nonce(nonce, SNAP_NONCE_HEADER, 0);
	if (gcm_chunk(writer.cipher, true, nonce, header, SNAP_AUTHENTICATED_HEADER, NULL, 0, header + HEADER_TAG) != 0 ||
	    crypto_sha256(header, SNAP_HEADER_SIZE, writer.header_digest) != 0) {
		*error = xstrdup("cannot authenticate the snapshot header");
		goto done;
	}
	writer.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (writer.fd < 0 || fileio_write_all(writer.fd, header, sizeof(header)) != 0) {
		*error = xasprintf("cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	writer.stored_size = SNAP_HEADER_SIZE;

	struct archive_filter filter = {
		.include = policy->include, .include_count = policy->include_count,
		.exclude = policy->exclude, .exclude_count = policy->exclude_count,
	};
	struct stat store_info;
	if (stat(store->path, &store_info) == 0) {
		filter.skip_directory_set = true;
		filter.skip_device = store_info.st_dev;
		filter.skip_inode = store_info.st_ino;
	}
	struct archive_sink sink = { &writer, writer_sink };
	struct archive_stats stats;
	if (archive_write_tree(source_dir, &filter, &sink, &stats, error) != 0 ||
	    writer_compress(&writer, NULL, 0, ZSTD_e_end, error) != 0 || writer_seal(&writer, true, error) != 0)
		goto done;
	unsigned char digest[CRYPTO_SHA256_SIZE];
	unsigned int digest_length;
	if (EVP_DigestFinal_ex(writer.digest, digest, &digest_length) != 1) {
		*error = xstrdup("cannot hash the archive");
		goto done;
	}
	if (fsync(writer.fd) != 0) {
		*error = xasprintf("cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	crypto_hex(digest, sizeof(digest), info->digest);
	info->archive_size = writer.archive_size;
	info->stored_size = writer.stored_size;
	info->files = stats.files;
	memcpy(info->tree_digest, stats.tree_digest, ARCHIVE_TREE_DIGEST_SIZE);
	info->directories = stats.directories;
	info->symlinks = stats.symlinks;
	info->chunk_size = chunk_size;
	memcpy(info->key_id, key->id, SNAP_KEY_ID_HEX);
	status = 0;
done:
	if (writer.fd >= 0 && close(writer.fd) != 0 && status == 0) {
		*error = xasprintf("cannot write '%s': %s", path, strerror(errno));
		status = -1;
	}
	EVP_CIPHER_CTX_free(writer.cipher);
	EVP_MD_CTX_free(writer.digest);
	ZSTD_freeCCtx(writer.compressor);
	free(writer.chunk);
	return status;
}

static bool retention_keeps(const struct snap_index *index, size_t position, unsigned keep_last, int64_t max_age,
			    int64_t now)
{
	if (keep_last && position + keep_last >= index->count)
		return true;
	if (max_age && index->items[position].created >= now - max_age)
		return true;
	return false;
}

/* With the store locked: drops what retention does not keep from the index, then the files. */
static int prune_locked(const struct snap_store *store, unsigned keep_last, int64_t max_age, int64_t now,
			struct snap_index *removed, char **error)
{
	struct snap_index index, kept, dropped;
	if (snap_index_load(store, &index, error) != 0)
		return -1;
	snap_index_init(&kept);
	snap_index_init(&dropped);
	for (size_t i = 0; i < index.count; i++)
		index_append_copy(retention_keeps(&index, i, keep_last, max_age, now) ? &kept : &dropped, &index.items[i]);
	int status = 0;
	if (dropped.count) {
		status = index_save(store, &kept, error);
		for (size_t i = 0; status == 0 && i < dropped.count; i++) {
			char *path = snapshot_file(store, dropped.items[i].id);
			unlink(path); /* a file already gone is as good as removed */
			free(path);
		}
		if (status == 0) {
			char *data = xasprintf("%s/data", store->path);
			fileio_sync_directory(data);
			free(data);
		}
	}
	if (status == 0 && removed) {
		for (size_t i = 0; i < dropped.count; i++)
			index_append_copy(removed, &dropped.items[i]);
	}
	snap_index_release(&index);
	snap_index_release(&kept);
	snap_index_release(&dropped);
	return status;
}

int snap_create(const struct snap_store *store, const char *source_dir, const struct snap_policy *policy,
		const struct snap_key *key, const char *label, int64_t now, struct snap_info *created,
		struct snap_index *removed, char **error)
{
	uint32_t chunk_size = policy->chunk_size ? policy->chunk_size : SNAP_CHUNK_DEFAULT;
	int level = policy->level ? policy->level : SNAP_LEVEL_DEFAULT;
	if (chunk_size < SNAP_CHUNK_MIN || chunk_size > SNAP_CHUNK_MAX) {
		*error = xasprintf("chunk size %u is outside %u..%u bytes", chunk_size, SNAP_CHUNK_MIN, SNAP_CHUNK_MAX);
		return -1;
	}
	if (level < 1 || level > SNAP_LEVEL_MAX) {
		*error = xasprintf("compression level %d is outside 1..%d", level, SNAP_LEVEL_MAX);
		return -1;
	}
	if (!key_name_is_valid(policy->key_name)) {
		*error = xasprintf("key name '%s' must be 1..%d printable characters without spaces", policy->key_name,
				   SNAP_KEY_NAME_MAX);
		return -1;
	}
	struct stat source_info;
	if (stat(source_dir, &source_info) != 0 || !S_ISDIR(source_info.st_mode)) {
		*error = xasprintf("cannot snapshot '%s': not a directory", source_dir);
		return -1;
	}
	char *data_dir = xasprintf("%s/data", store->path);
	if (make_directories(data_dir, error) != 0) {
		free(data_dir);
		return -1;
	}
	struct snap_info info;
	memset(&info, 0, sizeof(info));
	info.created = now;
	info.label = label ? xstrdup(label) : NULL;
	info.key_name = policy->key_name ? xstrdup(policy->key_name) : NULL;
	int status = -1;
	char *final_path = NULL, *temporary = NULL;
	if (make_snapshot_id(now, info.id) != 0) {
		*error = xstrdup("cannot make a snapshot id");
		goto done;
	}
	final_path = snapshot_file(store, info.id);
	temporary = xasprintf("%s/.%s.snap.tmp", data_dir, info.id);
	if (write_snapshot_file(temporary, source_dir, store, policy, key, &info, error) != 0) {
		unlink(temporary);
		goto done;
	}
	if (rename(temporary, final_path) != 0 || fileio_sync_directory(data_dir) != 0) {
		*error = xasprintf("cannot store '%s': %s", final_path, strerror(errno));
		unlink(temporary);
		goto done;
	}
	/* the data file is complete and durable: only now may the index name it */
	int lock_fd = store_lock(store, error);
	if (lock_fd < 0) {
		unlink(final_path);
		goto done;
	}
	struct snap_index index;
	if (snap_index_load(store, &index, error) == 0) {
		index_append_copy(&index, &info);
		status = index_save(store, &index, error);
		snap_index_release(&index);
	}
	if (status != 0)
		unlink(final_path);
	else if (policy->keep_last || policy->max_age)
		status = prune_locked(store, policy->keep_last, policy->max_age, now, removed, error);
	store_unlock(lock_fd);
	if (status == 0 && created) {
		*created = info;
		info.label = info.key_name = NULL;
	}
done:
	snap_info_release(&info);
	free(final_path);
	free(temporary);
	free(data_dir);
	return status;
}

int snap_prune(const struct snap_store *store, unsigned keep_last, int64_t max_age, int64_t now,
	       struct snap_index *removed, char **error)
{
	if (!keep_last && !max_age) {
		*error = xstrdup("prune needs a rule: keep-last or max-age");
		return -1;
	}
	int lock_fd = store_lock(store, error);
	if (lock_fd < 0)
		return -1;
	int status = prune_locked(store, keep_last, max_age, now, removed, error);
	store_unlock(lock_fd);
	return status;
}

/* ---- read ---- */

struct snap_reader {
	const struct archive_visitor *visitor;
	struct archive_parser parser;
	EVP_MD_CTX *digest;
	ZSTD_DCtx *decompressor;
	unsigned char *output;
	size_t output_size;
	size_t frame_remaining; /* 0 once a zstd frame is complete */
	uint64_t archive_size;
};

static int reader_decompress(struct snap_reader *reader, const unsigned char *data, size_t length, char **error)
{
	ZSTD_inBuffer input = { data, length, 0 };
	while (input.pos < input.size) {
		ZSTD_outBuffer output = { reader->output, reader->output_size, 0 };
		size_t result = ZSTD_decompressStream(reader->decompressor, &output, &input);
		if (ZSTD_isError(result)) {
			*error = xasprintf("corrupt compressed data: %s", ZSTD_getErrorName(result));
			return -1;
		}
		reader->frame_remaining = result;
		if (output.pos) {
			EVP_DigestUpdate(reader->digest, reader->output, output.pos);
			reader->archive_size += output.pos;
			if (archive_parser_feed(&reader->parser, reader->output, output.pos, error) != 0)
				return -1;
		}
		/* a full output buffer may hide more output for the same input */
		while (output.pos == output.size) {
			output.pos = 0;
			result = ZSTD_decompressStream(reader->decompressor, &output, &input);
			if (ZSTD_isError(result)) {
				*error = xasprintf("corrupt compressed data: %s", ZSTD_getErrorName(result));
				return -1;
			}
			reader->frame_remaining = result;
			if (!output.pos)
				break;
			EVP_DigestUpdate(reader->digest, reader->output, output.pos);
			reader->archive_size += output.pos;
			if (archive_parser_feed(&reader->parser, reader->output, output.pos, error) != 0)
				return -1;
		}
	}
	return 0;
}

/* After a chunk failed authentication: would it pass with the final flag the other way?
 * The failed in-place decryption left the CTR plaintext in data; encrypting it again under
 * the same nonce restores the ciphertext and yields the tag for the other flag. */
static bool tag_matches_flipped(const unsigned char derived[SNAP_KEY_SIZE], const unsigned char nonce[12],
				const unsigned char header_digest[CRYPTO_SHA256_SIZE], uint64_t index, bool final,
				unsigned char *data, size_t length, const unsigned char expected[SNAP_TAG_SIZE])
{
	EVP_CIPHER_CTX *cipher = cipher_for(derived, true);
	unsigned char aad[SNAP_AAD_SIZE], tag[SNAP_TAG_SIZE];
	make_aad(aad, header_digest, index, final);
	bool matches = cipher && gcm_chunk(cipher, true, nonce, aad, sizeof(aad), data, length, tag) == 0 &&
		       CRYPTO_memcmp(tag, expected, SNAP_TAG_SIZE) == 0;
	EVP_CIPHER_CTX_free(cipher);
	return matches;
}

static int parse_header(const unsigned char header[SNAP_HEADER_SIZE], const struct snap_key *key,
			struct snap_read_result *result, char **error)
{
	if (memcmp(header + HEADER_MAGIC, SNAP_MAGIC, 8) != 0) {
		*error = xstrdup("not a goose snapshot (bad magic)");
		return -1;
	}
	if (header[HEADER_VERSION] != SNAP_VERSION || header[HEADER_SUITE] != SNAP_SUITE ||
	    header[HEADER_RESERVED] || header[HEADER_RESERVED + 1]) {
		*error = xasprintf("unsupported snapshot version %u (suite %u)", header[HEADER_VERSION], header[HEADER_SUITE]);
		return -1;
	}
	result->chunk_size = get_be32(header + HEADER_CHUNK_SIZE);
	if (result->chunk_size < SNAP_CHUNK_MIN || result->chunk_size > SNAP_CHUNK_MAX) {
		*error = xasprintf("invalid chunk size %u in the header", result->chunk_size);
		return -1;
	}
	crypto_hex(header + HEADER_KEY_ID, SNAP_KEY_ID_SIZE, result->key_id);
	size_t name_length = header[HEADER_KEY_NAME];
	if (name_length > SNAP_KEY_NAME_MAX) {
		*error = xstrdup("invalid key name in the header");
		return -1;
	}
	memcpy(result->key_name, header + HEADER_KEY_NAME + 1, name_length);
	result->key_name[name_length] = '\0';
	if (!key_name_is_valid(name_length ? result->key_name : NULL)) {
		*error = xstrdup("invalid key name in the header");
		return -1;
	}
	result->created = (int64_t)get_be64(header + HEADER_CREATED);
	memcpy(result->id, header + HEADER_SNAPSHOT_ID, SNAP_ID_SIZE - 1);
	result->id[SNAP_ID_SIZE - 1] = '\0';
	if (!snap_id_is_valid(result->id)) {
		*error = xstrdup("invalid snapshot id in the header");
		return -1;
	}
	if (strcmp(result->key_id, key->id) != 0) {
		if (name_length)
			*error = xasprintf("wrong key: the snapshot needs key '%s' (id %s), the key given has id %s",
					   result->key_name, result->key_id, key->id);
		else
			*error = xasprintf("wrong key: the snapshot needs key id %s, the key given has id %s", result->key_id,
					   key->id);
		return -1;
	}
	return 0;
}

int snap_read_stream(const struct snap_source *source, const struct snap_key *key,
		     const struct archive_visitor *visitor, struct snap_read_result *result, char **error)
{
	memset(result, 0, sizeof(*result));
	unsigned char header[SNAP_HEADER_SIZE];
	ssize_t got = read_full(source, header, sizeof(header));
	if (got < 0) {
		*error = xasprintf("cannot read: %s", strerror(errno));
		return -1;
	}
	if ((size_t)got < sizeof(header)) {
		*error = xstrdup(got >= 8 && memcmp(header, SNAP_MAGIC, 8) == 0 ? "truncated: the file ends inside the header"
										 : "not a goose snapshot (too short)");
		return -1;
	}
	if (parse_header(header, key, result, error) != 0)
		return -1;

	unsigned char derived[SNAP_KEY_SIZE];
	if (derive_key(key, header + HEADER_SALT, derived) != 0) {
		*error = xstrdup("cannot derive the snapshot key");
		return -1;
	}
	EVP_CIPHER_CTX *cipher = cipher_for(derived, false);
	struct archive_visitor parse_only = { 0 };
	struct snap_reader reader = { .visitor = visitor ? visitor : &parse_only };
	archive_parser_init(&reader.parser, reader.visitor);
	reader.digest = EVP_MD_CTX_new();
	reader.decompressor = ZSTD_createDCtx();
	reader.output_size = ZSTD_DStreamOutSize();
	reader.output = xmalloc(reader.output_size);
	reader.frame_remaining = 1;
	size_t record_size = (size_t)result->chunk_size + SNAP_TAG_SIZE;
	unsigned char *record = xmalloc(record_size + 1);
	int status = -1;
	unsigned char nonce[12], header_digest[CRYPTO_SHA256_SIZE], aad[SNAP_AAD_SIZE];
	if (!cipher || !reader.digest || !reader.decompressor || EVP_DigestInit_ex(reader.digest, EVP_sha256(), NULL) != 1) {
		*error = xstrdup("cannot set up decryption");
		goto done;
	}
	ZSTD_DCtx_setParameter(reader.decompressor, ZSTD_d_windowLogMax, SNAP_WINDOW_LOG_MAX);
	make_nonce(nonce, SNAP_NONCE_HEADER, 0);
	if (gcm_chunk(cipher, false, nonce, header, SNAP_AUTHENTICATED_HEADER, NULL, 0, header + HEADER_TAG) != 0) {
		*error = xstrdup("header failed authentication (tampered header)");
		goto done;
	}
	crypto_sha256(header, sizeof(header), header_digest);
	result->stored_size = SNAP_HEADER_SIZE;

	/* read one byte past each record: whether more follows decides the final flag */
	got = read_full(source, record, record_size + 1);
	for (uint64_t index = 0;; index++) {
		if (got < 0) {
			*error = xasprintf("cannot read: %s", strerror(errno));
			goto done;
		}
		bool final = (size_t)got <= record_size;
		size_t length = final ? (size_t)got : record_size;
		if (index == 0 && got == 0) {
			*error = xstrdup("truncated: no chunk after the header");
			goto done;
		}
		if (length < SNAP_TAG_SIZE) {
			*error = xasprintf("truncated: chunk %llu is cut short", (unsigned long long)index);
			goto done;
		}
		size_t data_length = length - SNAP_TAG_SIZE;
		unsigned char saved_tag[SNAP_TAG_SIZE];
		memcpy(saved_tag, record + data_length, SNAP_TAG_SIZE);
		make_nonce(nonce, SNAP_NONCE_CHUNK, index);
		make_aad(aad, header_digest, index, final);
		if (gcm_chunk(cipher, false, nonce, aad, sizeof(aad), record, data_length, record + data_length) != 0) {
			if (tag_matches_flipped(derived, nonce, header_digest, index, !final, record, data_length, saved_tag))
				*error = final ? xasprintf("truncated: chunk %llu is not the last one, the end of the snapshot is missing",
							   (unsigned long long)index)
					       : xasprintf("unexpected data after the last chunk (chunk %llu)", (unsigned long long)index);
			else
				*error = xasprintf("chunk %llu failed authentication (modified, reordered or from another snapshot)",
						   (unsigned long long)index);
			goto done;
		}
		result->stored_size += length;
		result->chunk_count = index + 1;
		if (reader_decompress(&reader, record, data_length, error) != 0)
			goto done;
		if (final)
			break;
		record[0] = record[record_size];
		ssize_t more = read_full(source, record + 1, record_size);
		got = more < 0 ? -1 : more + 1;
	}
	if (reader.frame_remaining != 0) {
		*error = xstrdup("truncated: the compressed stream ends early");
		goto done;
	}
	if (archive_parser_finish(&reader.parser, error) != 0)
		goto done;
	unsigned char digest[CRYPTO_SHA256_SIZE];
	unsigned int digest_length;
	if (EVP_DigestFinal_ex(reader.digest, digest, &digest_length) != 1) {
		*error = xstrdup("cannot hash the archive");
		goto done;
	}
	crypto_hex(digest, sizeof(digest), result->digest);
	result->archive_size = reader.archive_size;
	status = 0;
done:
	crypto_wipe(derived, sizeof(derived));
	archive_parser_release(&reader.parser);
	EVP_CIPHER_CTX_free(cipher);
	EVP_MD_CTX_free(reader.digest);
	ZSTD_freeDCtx(reader.decompressor);
	free(reader.output);
	free(record);
	return status;
}

static ssize_t fd_read(void *context, void *buffer, size_t length)
{
	int fd = *(int *)context;
	for (;;) {
		ssize_t got = read(fd, buffer, length);
		if (got >= 0 || errno != EINTR)
			return got;
	}
}

/* Reads the indexed snapshot `entry` into visitor and checks it against the index. */
static int read_indexed(const struct snap_store *store, const struct snap_info *entry, const struct snap_key *key,
			const struct archive_visitor *visitor, char **error)
{
	char *path = snapshot_file(store, entry->id);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*error = xasprintf("snapshot '%s': cannot open '%s': %s", entry->id, path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	struct snap_source source = { &fd, fd_read };
	struct snap_read_result result;
	char *reason = NULL;
	/* the tree digest is taken from the authenticated stream, on its way to `visitor` */
	struct archive_tree_hash tree_hash;
	if (archive_tree_hash_init(&tree_hash) != 0) {
		close(fd);
		*error = xstrdup("cannot set up SHA-256 for the tree digest");
		return -1;
	}
	struct archive_visitor tee;
	archive_tree_hash_visitor(&tree_hash, visitor, &tee);
	int status = snap_read_stream(&source, key, &tee, &result, &reason);
	close(fd);
	char tree_digest[ARCHIVE_TREE_DIGEST_SIZE];
	if (status == 0 && archive_tree_hash_final(&tree_hash, tree_digest) != 0) {
		reason = xstrdup("cannot compute the tree digest");
		status = -1;
	}
	archive_tree_hash_release(&tree_hash);
	if (status != 0) {
		*error = xasprintf("snapshot '%s': %s", entry->id, reason);
		free(reason);
		return -1;
	}
	if (entry->tree_digest[0] && strcmp(tree_digest, entry->tree_digest) != 0) {
		*error = xasprintf("snapshot '%s': the archived files do not hash as the index records", entry->id);
		return -1;
	}
	if (strcmp(result.id, entry->id) != 0) {
		*error = xasprintf("snapshot '%s': the file holds snapshot '%s'", entry->id, result.id);
		return -1;
	}
	if (strcmp(result.digest, entry->digest) != 0) {
		*error = xasprintf("snapshot '%s': archive digest does not match the index", entry->id);
		return -1;
	}
	if (result.archive_size != entry->archive_size || result.stored_size != entry->stored_size) {
		*error = xasprintf("snapshot '%s': sizes do not match the index", entry->id);
		return -1;
	}
	return 0;
}

static int find_entry(const struct snap_store *store, const char *id, struct snap_index *index, const struct snap_info **entry,
		      char **error)
{
	if (!snap_id_is_valid(id)) {
		*error = xasprintf("'%s' is not a snapshot id (expected e.g. 20261126T101500Z-0123abcd)", id);
		return -1;
	}
	if (snap_index_load(store, index, error) != 0)
		return -1;
	for (size_t i = 0; i < index->count; i++) {
		if (strcmp(index->items[i].id, id) == 0) {
			*entry = &index->items[i];
			return 0;
		}
	}
	*error = xasprintf("no snapshot '%s' in store '%s'", id, store->path);
	snap_index_release(index);
	return -1;
}

int snap_read(const struct snap_store *store, const struct snap_info *entry, const struct snap_key *key,
	      const struct archive_visitor *visitor, char **error)
{
	return read_indexed(store, entry, key, visitor, error);
}

int snap_verify(const struct snap_store *store, const struct snap_info *entry, const struct snap_key *key,
		char **error)
{
	return read_indexed(store, entry, key, NULL, error);
}

int snap_restore(const struct snap_store *store, const char *id, const struct snap_key *key,
		 const char *target_dir, char **error)
{
	struct snap_index index;
	const struct snap_info *entry;
	if (find_entry(store, id, &index, &entry, error) != 0)
		return -1;
	char *target = xstrdup(target_dir);
	size_t length = strlen(target);
	while (length > 1 && target[length - 1] == '/')
		target[--length] = '\0';
	struct stat target_info;
	bool target_exists = lstat(target, &target_info) == 0;
	char *parent = fileio_parent_directory(target);
	char *staging = NULL;
	int status = -1;
	if (target_exists && !S_ISDIR(target_info.st_mode)) {
		*error = xasprintf("cannot restore to '%s': not a directory", target);
		goto done;
	}
	const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	staging = xasprintf("%s/.%s.restore-XXXXXX", parent, base);
	if (!mkdtemp(staging)) {
		*error = xasprintf("cannot create a directory beside '%s': %s", target, strerror(errno));
		free(staging);
		staging = NULL;
		goto done;
	}
	struct archive_extractor extractor;
	if (archive_extractor_open(&extractor, staging, error) != 0)
		goto done;
	struct archive_visitor visitor;
	archive_extractor_visitor(&extractor, &visitor);
	/* everything is extracted beside the target and checked before the target is touched */
	status = read_indexed(store, entry, key, &visitor, error);
	if (status == 0 && archive_extractor_finish(&extractor, error) != 0)
		status = -1;
	archive_extractor_release(&extractor);
	if (status != 0)
		goto done;
	status = -1;
	if (target_exists) {
		if (renameat2(AT_FDCWD, staging, AT_FDCWD, target, RENAME_EXCHANGE) != 0) {
			*error = xasprintf("cannot replace '%s': %s", target, strerror(errno));
			goto done;
		}
	} else if (rename(staging, target) != 0) {
		*error = xasprintf("cannot create '%s': %s", target, strerror(errno));
		goto done;
	}
	fileio_sync_directory(parent);
	status = 0;
done:
	if (staging)
		fileio_remove_tree(staging); /* the failed extraction, or after the swap the old tree */
	free(staging);
	free(parent);
	free(target);
	snap_index_release(&index);
	return status;
}
