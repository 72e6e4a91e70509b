/* Content-addressed cache of front-end results: one JSON file per (bytes, salt, path kind).
 * Reads verify the entry's shape and its key; anything unexpected is treated as a miss. */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"
#include "banned.h"

#define CACHE_FORMAT 1
#define CACHE_MAX_ENTRY_BYTES ((size_t)256 << 20)

static void sha256_hex(const void *data, size_t length, const void *more, size_t more_length, char hex[65])
{
	unsigned char digest[32];
	unsigned int digest_length = 0;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	if (!context || EVP_DigestInit_ex(context, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(context, data, length) != 1 ||
	    (more && EVP_DigestUpdate(context, more, more_length) != 1) ||
	    EVP_DigestFinal_ex(context, digest, &digest_length) != 1 || digest_length != 32) {
		memset(digest, 0, sizeof(digest));
	}
	EVP_MD_CTX_free(context);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

void cache_open(struct cache *cache, const char *directory, const void *salt_data, size_t salt_length)
{
	cache->directory = directory ? xstrdup(directory) : NULL;
	sha256_hex(salt_data, salt_length, NULL, 0, cache->salt);
}

void cache_close(struct cache *cache)
{
	free(cache->directory);
	cache->directory = NULL;
}

void cache_key(const struct cache *cache, const char *text, size_t length, const char *kind_by_path, char key[65])
{
	/* the salt and path kind go first, with a separator no salt or kind contains */
	char *prefix = xasprintf("%s\n%s\n", cache->salt, kind_by_path ? kind_by_path : "");
	sha256_hex(prefix, strlen(prefix), text, length, key);
	free(prefix);
}

static char *entry_path(const struct cache *cache, const char *key)
{
	return xasprintf("%s/v%d/%s.json", cache->directory, CACHE_FORMAT, key);
}

/* ---- diagnostics <-> JSON (the file is implied: every entry is about one file) ---- */

static json_t *diagnostics_to_json(const struct diag_list *diags, const char *path)
{
	json_t *array = json_array();
	for (size_t i = 0; i < diags->count; i++) {
		const struct diag *diag = &diags->items[i];
		json_t *item = json_pack("{s:i, s:s, s:i, s:i, s:s, s:b}", "severity", (int)diag->severity, "rule", diag->rule,
					 "line", diag->line, "col", diag->col, "message", diag->message, "same_file",
					 diag->file && strcmp(diag->file, path) == 0);
		if (diag->hint)
			json_object_set_new(item, "hint", json_string(diag->hint));
		json_t *related = json_array();
		for (size_t j = 0; j < diag->related_count; j++) {
			const struct diag_related *place = &diag->related[j];
			json_array_append_new(related, json_pack("{s:i, s:i, s:s, s:b}", "line", place->line, "col", place->col,
								"message", place->message, "same_file",
								place->file && strcmp(place->file, path) == 0));
		}
		json_object_set_new(item, "related", related);
		json_array_append_new(array, item);
	}
	return array;
}

/* Only diagnostics about the file itself are cached; anything else makes the entry unusable. */
static bool diagnostics_cacheable(const struct diag_list *diags, const char *path)
{
	for (size_t i = 0; i < diags->count; i++) {
		if (!diags->items[i].file || strcmp(diags->items[i].file, path) != 0)
			return false;
		for (size_t j = 0; j < diags->items[i].related_count; j++) {
			const char *file = diags->items[i].related[j].file;
			if (!file || strcmp(file, path) != 0)
				return false;
		}
	}
	return true;
}

static bool diagnostics_from_json(const json_t *array, const char *path, struct diag_list *diags)
{
	size_t index;
	const json_t *item;
	if (!json_is_array(array))
		return false;
	/* validate everything before adding anything, so a corrupt entry adds nothing */
	json_array_foreach(array, index, item) {
		json_int_t severity = json_integer_value(json_object_get(item, "severity"));
		if (!json_is_integer(json_object_get(item, "severity")) || severity < DIAG_ERROR || severity > DIAG_NOTE ||
		    !json_is_string(json_object_get(item, "rule")) || !json_is_string(json_object_get(item, "message")) ||
		    !json_is_integer(json_object_get(item, "line")) || !json_is_integer(json_object_get(item, "col")) ||
		    !json_is_array(json_object_get(item, "related")))
			return false;
		size_t related_index;
		const json_t *place;
		json_array_foreach(json_object_get(item, "related"), related_index, place) {
			if (!json_is_integer(json_object_get(place, "line")) || !json_is_integer(json_object_get(place, "col")) ||
			    !json_is_string(json_object_get(place, "message")))
				return false;
		}
	}
	json_array_foreach(array, index, item) {
		struct diag *diag = diag_add(diags, (enum diag_severity)json_integer_value(json_object_get(item, "severity")),
					     json_string_value(json_object_get(item, "rule")), path,
					     (int)json_integer_value(json_object_get(item, "line")),
					     (int)json_integer_value(json_object_get(item, "col")), "%s",
					     json_string_value(json_object_get(item, "message")));
		const char *hint = json_string_value(json_object_get(item, "hint"));
		if (hint)
			diag_set_hint(diag, "%s", hint);
		size_t related_index;
		const json_t *place;
		json_array_foreach(json_object_get(item, "related"), related_index, place) {
			diag_add_related(diag, path, (int)json_integer_value(json_object_get(place, "line")),
					 (int)json_integer_value(json_object_get(place, "col")), "%s",
					 json_string_value(json_object_get(place, "message")));
		}
	}
	return true;
}

/* An entry is a small header then length-prefixed sections, so reading one is a single read
 * and two jansson parses of compact text (positions are parsed by the loader directly):
 *   goosec-cache FORMAT \n KEY \n KIND-or-- \n LOADED VALID \n
 *   LEN \n DIAGNOSTICS-JSON \n LEN \n TREE-JSON \n LEN \n POSITIONS */
struct cache_entry {
	const char *kind;
	size_t kind_length;
	bool loaded, valid;
	const char *sections[3]; /* diagnostics, tree, positions */
	size_t section_lengths[3];
};

static bool read_line(const char **cursor, const char *end, const char **line, size_t *length)
{
	const char *newline = memchr(*cursor, '\n', (size_t)(end - *cursor));
	if (!newline)
		return false;
	*line = *cursor;
	*length = (size_t)(newline - *cursor);
	*cursor = newline + 1;
	return true;
}

static bool parse_entry(const char *data, size_t length, const char *key, struct cache_entry *entry)
{
	const char *cursor = data, *end = data + length, *line;
	size_t line_length;
	char expected_header[32];
	snprintf(expected_header, sizeof(expected_header), "goosec-cache %d", CACHE_FORMAT);
	if (!read_line(&cursor, end, &line, &line_length) || line_length != strlen(expected_header) ||
	    memcmp(line, expected_header, line_length) != 0)
		return false;
	if (!read_line(&cursor, end, &line, &line_length) || line_length != 64 || memcmp(line, key, 64) != 0)
		return false;
	if (!read_line(&cursor, end, &entry->kind, &entry->kind_length) || entry->kind_length == 0)
		return false;
	if (!read_line(&cursor, end, &line, &line_length) || line_length != 3 || line[1] != ' ' ||
	    (line[0] != '0' && line[0] != '1') || (line[2] != '0' && line[2] != '1'))
		return false;
	entry->loaded = line[0] == '1';
	entry->valid = line[2] == '1';
	for (int i = 0; i < 3; i++) {
		if (!read_line(&cursor, end, &line, &line_length) || line_length == 0 || line_length > 12)
			return false;
		size_t section_length = 0;
		for (size_t j = 0; j < line_length; j++) {
			if (line[j] < '0' || line[j] > '9')
				return false;
			section_length = section_length * 10 + (size_t)(line[j] - '0');
		}
		if (section_length > (size_t)(end - cursor))
			return false;
		entry->sections[i] = cursor;
		entry->section_lengths[i] = section_length;
		cursor += section_length;
		if (i < 2) {
			if (cursor >= end || *cursor != '\n')
				return false;
			cursor++;
		}
	}
	return cursor == end;
}

bool cache_lookup(const struct cache *cache, const char *key, const char *path, const char *text, size_t length,
		  struct load_document *document, struct cache_result *result, struct diag_list *diags)
{
	if (!cache->directory)
		return false;
	char *file = entry_path(cache, key);
	char *data = NULL;
	size_t data_length = 0;
	bool hit = false;
	struct cache_entry entry;
	json_t *diagnostics = NULL, *root = NULL;
	if (read_file_bytes(file, CACHE_MAX_ENTRY_BYTES, &data, &data_length) != 0 ||
	    !parse_entry(data, data_length, key, &entry))
		goto out;
	diagnostics = json_loadb(entry.sections[0], entry.section_lengths[0], JSON_REJECT_DUPLICATES, NULL);
	if (entry.loaded) {
		root = json_loadb(entry.sections[1], entry.section_lengths[1], JSON_DECODE_ANY, NULL);
		if (!root || load_document_import(document, path, text, length, root, entry.sections[2],
						  entry.section_lengths[2]) != 0)
			goto out;
	}
	struct diag_list cached;
	diag_list_init(&cached);
	if (!diagnostics_from_json(diagnostics, path, &cached)) {
		diag_list_release(&cached);
		load_document_release(document);
		load_document_init(document);
		goto out;
	}
	bool unclassified = entry.kind_length == 1 && entry.kind[0] == '-';
	result->kind = unclassified ? NULL : xstrndup(entry.kind, entry.kind_length);
	result->loaded = entry.loaded;
	result->valid = entry.valid;
	/* later stages may report on this file too: they need its text for the excerpt */
	diag_register_source(diags, path, text, length);
	diag_list_take(diags, &cached);
	diag_list_release(&cached);
	hit = true;
	/* mark as recently used for pruning; best effort */
	struct timespec times[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	utimensat(AT_FDCWD, file, times, 0);
out:
	json_decref(diagnostics);
	json_decref(root);
	free(data);
	free(file);
	return hit;
}

static atomic_uint temporary_counter;

void cache_store(struct cache *cache, const char *key, const struct load_document *document,
		 const struct cache_result *result, const struct diag_list *file_diags)
{
	if (!cache->directory || !diagnostics_cacheable(file_diags, document->path))
		return;
	char *version_directory = xasprintf("%s/v%d", cache->directory, CACHE_FORMAT);
	if ((mkdir(cache->directory, 0777) != 0 && errno != EEXIST) ||
	    (mkdir(version_directory, 0777) != 0 && errno != EEXIST)) {
		free(version_directory);
		return;
	}
	free(version_directory);

	json_t *diagnostics = diagnostics_to_json(file_diags, document->path);
	char *diagnostics_text = json_dumps(diagnostics, JSON_COMPACT);
	json_decref(diagnostics);
	char *tree_text = result->loaded ? json_dumps(document->root, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	struct strbuf positions;
	strbuf_init(&positions);
	if (result->loaded)
		load_document_export_positions(document, &positions);

	struct strbuf entry;
	strbuf_init(&entry);
	strbuf_addf(&entry, "goosec-cache %d\n%s\n%s\n%d %d\n", CACHE_FORMAT, key, result->kind ? result->kind : "-",
		    result->loaded, result->valid);
	const char *sections[3] = { diagnostics_text ? diagnostics_text : "[]", tree_text ? tree_text : "", positions.buf };
	size_t lengths[3] = { strlen(sections[0]), strlen(sections[1]), positions.len };
	for (int i = 0; i < 3; i++) {
		strbuf_addf(&entry, "%zu\n", lengths[i]);
		strbuf_add(&entry, sections[i], lengths[i]);
		if (i < 2)
			strbuf_addch(&entry, '\n');
	}
	free(diagnostics_text);
	free(tree_text);
	strbuf_release(&positions);

	char *file = entry_path(cache, key);
	char *temporary = xasprintf("%s.%ld.%u.tmp", file, (long)getpid(), atomic_fetch_add(&temporary_counter, 1));
	/* atomic but not fsync'd: an entry lost in a crash is only a miss */
	int fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0666);
	bool written = fd >= 0 && fileio_write_all(fd, entry.buf, entry.len) == 0;
	if (fd >= 0 && close(fd) != 0)
		written = false;
	if (!written || rename(temporary, file) != 0)
		unlink(temporary);
	free(temporary);
	free(file);
	strbuf_release(&entry);
}

struct cache_entry_age {
	char *path;
	struct timespec used;
};

static int compare_newest_first(const void *left_pointer, const void *right_pointer)
{
	const struct cache_entry_age *left = left_pointer, *right = right_pointer;
	if (left->used.tv_sec != right->used.tv_sec)
		return left->used.tv_sec > right->used.tv_sec ? -1 : 1;
	if (left->used.tv_nsec != right->used.tv_nsec)
		return left->used.tv_nsec > right->used.tv_nsec ? -1 : 1;
	return strcmp(left->path, right->path);
}

void cache_prune(const struct cache *cache, size_t max_entries)
{
	if (!cache->directory)
		return;
	char *version_directory = xasprintf("%s/v%d", cache->directory, CACHE_FORMAT);
	DIR *dir = opendir(version_directory);
	if (!dir) {
		free(version_directory);
		return;
	}
	struct cache_entry_age *entries = NULL;
	size_t count = 0, alloc = 0;
	struct dirent *dirent;
	while ((dirent = readdir(dir)) != NULL) {
		if (dirent->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", version_directory, dirent->d_name);
		struct stat info;
		if (stat(path, &info) != 0) {
			free(path);
			continue;
		}
		ALLOC_GROW(entries, count + 1, alloc);
		entries[count].path = path;
		entries[count].used = info.st_mtim;
		count++;
	}
	closedir(dir);
	if (count > max_entries) {
		qsort(entries, count, sizeof(*entries), compare_newest_first);
		for (size_t i = max_entries; i < count; i++)
			unlink(entries[i].path);
	}
	for (size_t i = 0; i < count; i++)
		free(entries[i].path);
	free(entries);
	free(version_directory);
}
