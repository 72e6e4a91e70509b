/* Unit tests for runner/archive and runner/snapshot: round trips, filters, wrong keys, every
 * kind of tampering, an untouched target after a refused restore, retention and the index. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "snapshot.h"
#include "util.h"

#define TEST_NOW 1795700000 /* 2026-11-26 */
#define DAY 86400

static char *scratch;     /* per-test temporary directory */
static struct snap_key test_key;
static struct snap_key other_key;

static void setup(void)
{
	char template[] = "/tmp/goose-snap-test-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(template));
	scratch = xstrdup(template);
	unsigned char bytes[SNAP_KEY_SIZE];
	for (int i = 0; i < SNAP_KEY_SIZE; i++)
		bytes[i] = (unsigned char)(i * 7 + 1);
	snap_key_from_bytes(&test_key, bytes);
	bytes[0] ^= 1;
	snap_key_from_bytes(&other_key, bytes);
}

static void remove_all(const char *path)
{
	struct stat info;
	if (lstat(path, &info) != 0)
		return;
	if (S_ISDIR(info.st_mode)) {
		chmod(path, 0700);
		DIR *dir = opendir(path);
		struct dirent *entry;
		while (dir && (entry = readdir(dir)) != NULL) {
			if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
				continue;
			char *child = xasprintf("%s/%s", path, entry->d_name);
			remove_all(child);
			free(child);
		}
		if (dir)
			closedir(dir);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void teardown(void)
{
	remove_all(scratch);
	free(scratch);
	snap_key_clear(&test_key);
	snap_key_clear(&other_key);
}

static char *at(const char *relative)
{
	return xasprintf("%s/%s", scratch, relative);
}

static void write_bytes(const char *relative, const void *data, size_t length, mode_t mode)
{
	char *path = at(relative);
	FILE *file = fopen(path, "wb");
	ck_assert_ptr_nonnull(file);
	ck_assert_uint_eq(fwrite(data, 1, length, file), length);
	fclose(file);
	chmod(path, mode);
	free(path);
}

static void write_text(const char *relative, const char *text)
{
	write_bytes(relative, text, strlen(text), 0644);
}

static void make_dir(const char *relative, mode_t mode)
{
	char *path = at(relative);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	chmod(path, mode);
	free(path);
}

static void make_link(const char *target, const char *relative)
{
	char *path = at(relative);
	ck_assert_int_eq(symlink(target, path), 0);
	free(path);
}

/* A state directory: nested dirs, empty file and dir, a symlink, modes, incompressible data
 * large enough for many small chunks, and things the manifest excludes. */
static void make_state(const char *root)
{
	make_dir(root, 0755);
	char *p;
	p = xasprintf("%s/conf", root); make_dir(p, 0750); free(p);
	p = xasprintf("%s/conf/deep", root); make_dir(p, 0755); free(p);
	p = xasprintf("%s/conf/deep/er", root); make_dir(p, 0700); free(p);
	p = xasprintf("%s/empty-dir", root); make_dir(p, 0755); free(p);
	p = xasprintf("%s/cache", root); make_dir(p, 0755); free(p);
	p = xasprintf("%s/conf/app.yaml", root); write_text(p, "release: 41\nname: goose\n"); free(p);
	p = xasprintf("%s/conf/deep/er/secret.txt", root); write_bytes(p, "s3", 2, 0600); free(p);
	p = xasprintf("%s/empty", root); write_bytes(p, "", 0, 0644); free(p);
	p = xasprintf("%s/run.sh", root); write_bytes(p, "#!/bin/sh\n", 10, 0755); free(p);
	p = xasprintf("%s/cache/blob", root); write_text(p, "cached"); free(p);
	p = xasprintf("%s/scratch.tmp", root); write_text(p, "temporary"); free(p);
	p = xasprintf("%s/current", root); make_link("conf/app.yaml", p); free(p);
	p = xasprintf("%s/dangling", root); make_link("../nowhere", p); free(p);
	size_t size = 300 * 1024;
	unsigned char *noise = xmalloc(size);
	uint32_t state = 12345;
	for (size_t i = 0; i < size; i++) {
		state = state * 1103515245u + 12345u;
		noise[i] = (unsigned char)(state >> 16);
	}
	p = xasprintf("%s/release.bin", root); write_bytes(p, noise, size, 0644); free(p);
	free(noise);
}

/* Compares two trees: types, permission bits, content, link targets, file times. */
static void assert_same_tree(const char *left, const char *right)
{
	struct stat a, b;
	ck_assert_msg(lstat(left, &a) == 0, "missing '%s'", left);
	ck_assert_msg(lstat(right, &b) == 0, "missing '%s'", right);
	ck_assert_msg((a.st_mode & S_IFMT) == (b.st_mode & S_IFMT), "type differs at '%s'", right);
	if (!S_ISLNK(a.st_mode))
		ck_assert_msg((a.st_mode & 07777) == (b.st_mode & 07777), "mode differs at '%s'", right);
	if (S_ISREG(a.st_mode)) {
		char *x, *y;
		size_t xl, yl;
		ck_assert_int_eq(read_file_bytes(left, 1 << 26, &x, &xl), 0);
		ck_assert_int_eq(read_file_bytes(right, 1 << 26, &y, &yl), 0);
		ck_assert_msg(xl == yl && memcmp(x, y, xl) == 0, "content differs at '%s'", right);
		ck_assert_int_eq(a.st_mtime, b.st_mtime);
		free(x);
		free(y);
	} else if (S_ISLNK(a.st_mode)) {
		char x[256] = "", y[256] = "";
		ck_assert_int_gt(readlink(left, x, sizeof(x) - 1), 0);
		ck_assert_int_gt(readlink(right, y, sizeof(y) - 1), 0);
		ck_assert_str_eq(x, y);
	} else if (S_ISDIR(a.st_mode)) {
		ck_assert_int_eq(a.st_mtime, b.st_mtime);
		size_t count_left = 0, count_right = 0;
		DIR *dir = opendir(left);
		struct dirent *entry;
		while ((entry = readdir(dir)) != NULL) {
			if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
				continue;
			count_left++;
			char *l = xasprintf("%s/%s", left, entry->d_name);
			char *r = xasprintf("%s/%s", right, entry->d_name);
			assert_same_tree(l, r);
			free(l);
			free(r);
		}
		closedir(dir);
		dir = opendir(right);
		while ((entry = readdir(dir)) != NULL)
			if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
				count_right++;
		closedir(dir);
		ck_assert_msg(count_left == count_right, "entry count differs at '%s'", right);
	}
}

static bool exists(const char *relative)
{
	char *path = at(relative);
	struct stat info;
	bool found = lstat(path, &info) == 0;
	free(path);
	return found;
}

static struct snap_policy small_chunks(void)
{
	struct snap_policy policy = { .chunk_size = 4096, .level = 3, .key_name = "snap-test" };
	return policy;
}

/* Creates a snapshot of scratch/state into scratch/store; returns its id in `id`. */
static void create_snapshot(const struct snap_policy *policy, int64_t now, char id[SNAP_ID_SIZE])
{
	char *source = at("state");
	char *store_path = at("store");
	struct snap_store store = { store_path };
	struct snap_info info;
	char *error = NULL;
	int status = snap_create(&store, source, policy, &test_key, "sandbox", now, &info, NULL, &error);
	ck_assert_msg(status == 0, "create failed: %s", error ? error : "");
	ck_assert(snap_id_is_valid(info.id));
	memcpy(id, info.id, SNAP_ID_SIZE);
	snap_info_release(&info);
	free(source);
	free(store_path);
}

static int restore_to(const char *id, const struct snap_key *key, const char *relative_target, char **error)
{
	char *store_path = at("store");
	char *target = at(relative_target);
	struct snap_store store = { store_path };
	int status = snap_restore(&store, id, key, target, error);
	free(store_path);
	free(target);
	return status;
}

static char *snapshot_path(const char *id)
{
	return xasprintf("%s/store/data/%s.snap", scratch, id);
}

START_TEST(test_round_trip)
{
	char *state = at("state");
	make_state("state");
	char id[SNAP_ID_SIZE];
	struct snap_policy policy = small_chunks();
	create_snapshot(&policy, TEST_NOW, id);
	char *error = NULL;
	ck_assert_msg(restore_to(id, &test_key, "restored", &error) == 0, "%s", error ? error : "");
	char *restored = at("restored");
	assert_same_tree(state, restored);
	/* no staging directory is left beside the target */
	DIR *dir = opendir(scratch);
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL)
		ck_assert_msg(strstr(entry->d_name, ".restore-") == NULL, "left over '%s'", entry->d_name);
	closedir(dir);
	free(state);
	free(restored);
}
END_TEST

START_TEST(test_restore_replaces_existing_target)
{
	char *state = at("state");
	make_state("state");
	char id[SNAP_ID_SIZE];
	struct snap_policy policy = small_chunks();
	create_snapshot(&policy, TEST_NOW, id);
	make_dir("live", 0755);
	write_text("live/stale", "old release");
	char *error = NULL;
	ck_assert_msg(restore_to(id, &test_key, "live/", &error) == 0, "%s", error ? error : "");
	ck_assert(!exists("live/stale"));
	char *live = at("live");
	assert_same_tree(state, live);
	free(live);
	free(state);
}
END_TEST

START_TEST(test_include_exclude)
{
	char *state = at("state");
	make_state("state");
	static const char *const exclude[] = { "*.tmp", "cache/**" };
	struct snap_policy policy = small_chunks();
	policy.exclude = exclude;
	policy.exclude_count = 2;
	char id[SNAP_ID_SIZE];
	create_snapshot(&policy, TEST_NOW, id);
	char *error = NULL;
	ck_assert_int_eq(restore_to(id, &test_key, "out", &error), 0);
	ck_assert(exists("out/conf/app.yaml"));
	ck_assert(exists("out/empty-dir"));
	ck_assert(!exists("out/cache"));
	ck_assert(!exists("out/scratch.tmp"));

	static const char *const include[] = { "conf/deep/**" };
	struct snap_policy only = small_chunks();
	only.include = include;
	only.include_count = 1;
	create_snapshot(&only, TEST_NOW + 1, id);
	ck_assert_int_eq(restore_to(id, &test_key, "only", &error), 0);
	ck_assert(exists("only/conf/deep/er/secret.txt"));
	ck_assert(!exists("only/conf/app.yaml"));
	ck_assert(!exists("only/run.sh"));
	ck_assert(!exists("only/empty-dir"));
	free(state);
}
END_TEST

START_TEST(test_globs)
{
	ck_assert(archive_glob_match("*.tmp", "a/b/x.tmp"));
	ck_assert(!archive_glob_match("*.tmp", "a/x.tmpl"));
	ck_assert(archive_glob_match("**", "a/b/c"));
	ck_assert(archive_glob_match("cache/**", "cache/a/b"));
	ck_assert(!archive_glob_match("cache/**", "other/cache/a"));
	ck_assert(archive_glob_match("**/logs/*.log", "logs/a.log"));
	ck_assert(archive_glob_match("**/logs/*.log", "x/y/logs/a.log"));
	ck_assert(!archive_glob_match("a/*/c", "a/b/d/c"));
	ck_assert(archive_glob_match("a/?/[b-d]", "a/x/c"));
	ck_assert(!archive_glob_match("a/[!x]", "a/x"));
	ck_assert(archive_glob_match("a\\*", "a*"));
	ck_assert(!archive_glob_match("a\\*", "ab"));
	ck_assert(archive_path_is_safe("a/b", 3));
	ck_assert(!archive_path_is_safe("../a", 4));
	ck_assert(!archive_path_is_safe("/a", 2));
	ck_assert(!archive_path_is_safe("a//b", 4));
	ck_assert(!archive_path_is_safe("a/./b", 5));
	ck_assert(!archive_path_is_safe("a/", 2));
}
END_TEST

/* Makes a tampered copy scenario: a sentinel target, then asserts restore fails with
 * `expected` in the message and the sentinel target is unchanged. */
static void assert_refused(const char *id, const struct snap_key *key, const char *expected)
{
	if (!exists("target")) {
		make_dir("target", 0755);
		write_text("target/sentinel", "still here");
	}
	char *error = NULL;
	ck_assert_int_eq(restore_to(id, key, "target", &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_msg(strstr(error, expected) != NULL, "error '%s' lacks '%s'", error, expected);
	free(error);
	ck_assert(exists("target/sentinel"));
	DIR *dir = opendir(scratch);
	struct dirent *entry;
	size_t count = 0;
	while ((entry = readdir(dir)) != NULL)
		count += entry->d_name[0] != '.';
	closedir(dir);
	ck_assert_uint_eq(count, 3); /* state, store, target: no staging left */
	/* verify agrees with restore */
	char *store_path = at("store");
	struct snap_store store = { store_path };
	struct snap_index index;
	ck_assert_int_eq(snap_index_load(&store, &index, &error), 0);
	ck_assert_uint_eq(index.count, 1);
	ck_assert_int_eq(snap_verify(&store, &index.items[0], key, &error), -1);
	ck_assert_msg(strstr(error, expected) != NULL, "verify error '%s' lacks '%s'", error, expected);
	free(error);
	snap_index_release(&index);
	free(store_path);
}

static void tampered_snapshot(char id[SNAP_ID_SIZE], char **data, size_t *length)
{
	char *state = at("state");
	make_state("state");
	free(state);
	struct snap_policy policy = small_chunks();
	create_snapshot(&policy, TEST_NOW, id);
	char *path = snapshot_path(id);
	ck_assert_int_eq(read_file_bytes(path, 1 << 26, data, length), 0);
	ck_assert_uint_gt(*length, SNAP_HEADER_SIZE + 4 * (4096 + SNAP_TAG_SIZE));
	free(path);
}

static void store_bytes(const char *id, const char *data, size_t length)
{
	char *path = snapshot_path(id);
	FILE *file = fopen(path, "wb");
	ck_assert_ptr_nonnull(file);
	ck_assert_uint_eq(fwrite(data, 1, length, file), length);
	fclose(file);
	free(path);
}

START_TEST(test_wrong_key_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	free(data);
	assert_refused(id, &other_key, "wrong key");
}
END_TEST

START_TEST(test_flipped_chunk_byte_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	data[SNAP_HEADER_SIZE + (4096 + SNAP_TAG_SIZE) + 100] ^= 0x01; /* inside chunk 1 */
	store_bytes(id, data, length);
	free(data);
	assert_refused(id, &test_key, "chunk 1 failed authentication");
}
END_TEST

START_TEST(test_flipped_tag_byte_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	data[length - 1] ^= 0x80; /* the last chunk's tag */
	store_bytes(id, data, length);
	free(data);
	assert_refused(id, &test_key, "failed authentication");
}
END_TEST

START_TEST(test_flipped_header_byte_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	data[100] ^= 0x01; /* inside the salt */
	store_bytes(id, data, length);
	free(data);
	assert_refused(id, &test_key, "header failed authentication");
}
END_TEST

START_TEST(test_truncated_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	size_t record = 4096 + SNAP_TAG_SIZE;
	size_t chunks = (length - SNAP_HEADER_SIZE + record - 1) / record;
	store_bytes(id, data, SNAP_HEADER_SIZE + (chunks - 1) * record); /* the last chunk removed */
	free(data);
	assert_refused(id, &test_key, "truncated");
}
END_TEST

START_TEST(test_swapped_chunks_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	size_t record = 4096 + SNAP_TAG_SIZE;
	char *swap = xmalloc(record);
	memcpy(swap, data + SNAP_HEADER_SIZE + record, record);
	memcpy(data + SNAP_HEADER_SIZE + record, data + SNAP_HEADER_SIZE + 2 * record, record);
	memcpy(data + SNAP_HEADER_SIZE + 2 * record, swap, record);
	free(swap);
	store_bytes(id, data, length);
	free(data);
	assert_refused(id, &test_key, "chunk 1 failed authentication");
}
END_TEST

START_TEST(test_appended_data_refused)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	data = xrealloc(data, length + 20);
	memset(data + length, 'x', 20);
	store_bytes(id, data, length + 20);
	free(data);
	assert_refused(id, &test_key, "failed authentication");
}
END_TEST

START_TEST(test_index_digest_checked)
{
	char id[SNAP_ID_SIZE];
	char *data;
	size_t length;
	tampered_snapshot(id, &data, &length);
	free(data);
	char *index_path = at("store/index.json");
	char *text;
	size_t text_length;
	ck_assert_int_eq(read_file_bytes(index_path, 1 << 20, &text, &text_length), 0);
	char *digest = strstr(text, "sha256:");
	ck_assert_ptr_nonnull(digest);
	digest[7] = digest[7] == '0' ? '1' : '0';
	FILE *file = fopen(index_path, "wb");
	fwrite(text, 1, text_length, file);
	fclose(file);
	free(text);
	free(index_path);
	assert_refused(id, &test_key, "digest does not match the index");
}
END_TEST

START_TEST(test_other_snapshot_under_this_name_refused)
{
	char *state = at("state");
	make_state("state");
	free(state);
	struct snap_policy policy = small_chunks();
	char first[SNAP_ID_SIZE], second[SNAP_ID_SIZE];
	create_snapshot(&policy, TEST_NOW, first);
	create_snapshot(&policy, TEST_NOW + 1, second);
	char *from = snapshot_path(second), *to = snapshot_path(first);
	ck_assert_int_eq(rename(from, to), 0);
	free(from);
	free(to);
	char *error = NULL;
	ck_assert_int_eq(restore_to(first, &test_key, "target", &error), -1);
	ck_assert_msg(strstr(error, "holds snapshot") != NULL, "%s", error);
	free(error);
	ck_assert(!exists("target"));
}
END_TEST

static size_t count_data_files(void)
{
	char *path = at("store/data");
	DIR *dir = opendir(path);
	size_t count = 0;
	struct dirent *entry;
	while (dir && (entry = readdir(dir)) != NULL)
		count += strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
	if (dir)
		closedir(dir);
	free(path);
	return count;
}

START_TEST(test_retention_by_count)
{
	char *state = at("state");
	make_state("state");
	free(state);
	struct snap_policy policy = small_chunks();
	policy.keep_last = 3;
	char ids[5][SNAP_ID_SIZE];
	for (int i = 0; i < 5; i++)
		create_snapshot(&policy, TEST_NOW + i, ids[i]);
	char *store_path = at("store");
	struct snap_store store = { store_path };
	struct snap_index index;
	char *error = NULL;
	ck_assert_int_eq(snap_index_load(&store, &index, &error), 0);
	ck_assert_uint_eq(index.count, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(index.items[i].id, ids[i + 2]);
	for (size_t i = 0; i < index.count; i++)
		ck_assert_int_eq(snap_verify(&store, &index.items[i], &test_key, &error), 0);
	snap_index_release(&index);
	ck_assert_uint_eq(count_data_files(), 3);
	free(store_path);
}
END_TEST

START_TEST(test_retention_by_age)
{
	char *state = at("state");
	make_state("state");
	free(state);
	struct snap_policy policy = small_chunks();
	char ids[4][SNAP_ID_SIZE];
	int64_t ages[4] = { 30 * DAY, 10 * DAY, 5 * DAY, 1 * DAY };
	for (int i = 0; i < 4; i++)
		create_snapshot(&policy, TEST_NOW - ages[i], ids[i]);
	char *store_path = at("store");
	struct snap_store store = { store_path };
	struct snap_index removed, index;
	snap_index_init(&removed);
	char *error = NULL;
	ck_assert_int_eq(snap_prune(&store, 0, 7 * DAY, TEST_NOW, &removed, &error), 0);
	ck_assert_uint_eq(removed.count, 2);
	ck_assert_str_eq(removed.items[0].id, ids[0]);
	ck_assert_str_eq(removed.items[1].id, ids[1]);
	snap_index_release(&removed);
	/* count and age together: a snapshot either rule keeps stays */
	ck_assert_int_eq(snap_prune(&store, 1, 2 * DAY, TEST_NOW + 30 * DAY, NULL, &error), 0);
	ck_assert_int_eq(snap_index_load(&store, &index, &error), 0);
	ck_assert_uint_eq(index.count, 1);
	ck_assert_str_eq(index.items[0].id, ids[3]);
	snap_index_release(&index);
	ck_assert_uint_eq(count_data_files(), 1);
	ck_assert_int_eq(snap_prune(&store, 0, 0, TEST_NOW, NULL, &error), -1);
	free(error);
	free(store_path);
}
END_TEST

START_TEST(test_failed_create_leaves_index_alone)
{
	char *state = at("state");
	make_state("state");
	struct snap_policy policy = small_chunks();
	char id[SNAP_ID_SIZE];
	create_snapshot(&policy, TEST_NOW, id);
	char *index_path = at("store/index.json");
	char *before, *after;
	size_t before_length, after_length;
	ck_assert_int_eq(read_file_bytes(index_path, 1 << 20, &before, &before_length), 0);
	/* a tree nested too deep fails in the middle of the stream, after the header is written */
	struct strbuf deep;
	strbuf_init(&deep);
	strbuf_addstr(&deep, state);
	for (int i = 0; i < 300; i++) {
		strbuf_addstr(&deep, "/d");
		ck_assert_int_eq(mkdir(deep.buf, 0755), 0);
	}
	strbuf_release(&deep);
	char *store_path = at("store");
	struct snap_store store = { store_path };
	char *error = NULL;
	ck_assert_int_eq(snap_create(&store, state, &policy, &test_key, NULL, TEST_NOW + 1, NULL, NULL, &error), -1);
	ck_assert_msg(strstr(error, "nested too deep") != NULL, "%s", error);
	free(error);
	ck_assert_int_eq(read_file_bytes(index_path, 1 << 20, &after, &after_length), 0);
	ck_assert_uint_eq(before_length, after_length);
	ck_assert_int_eq(memcmp(before, after, before_length), 0);
	ck_assert_uint_eq(count_data_files(), 1); /* no half-written snapshot stays behind */
	char *listing = at("store");
	DIR *dir = opendir(listing);
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL)
		ck_assert_msg(strstr(entry->d_name, ".tmp") == NULL, "left over '%s'", entry->d_name);
	closedir(dir);
	/* a source that is not a directory, and an invalid level, fail before writing anything */
	ck_assert_int_eq(snap_create(&store, index_path, &policy, &test_key, NULL, TEST_NOW, NULL, NULL, &error), -1);
	free(error);
	policy.level = 40;
	ck_assert_int_eq(snap_create(&store, state, &policy, &test_key, NULL, TEST_NOW, NULL, NULL, &error), -1);
	free(error);
	free(listing);
	free(before);
	free(after);
	free(index_path);
	free(store_path);
	free(state);
}
END_TEST

START_TEST(test_unknown_and_malformed_ids)
{
	char *state = at("state");
	make_state("state");
	free(state);
	struct snap_policy policy = small_chunks();
	char id[SNAP_ID_SIZE];
	create_snapshot(&policy, TEST_NOW, id);
	char *error = NULL;
	ck_assert_int_eq(restore_to("../../etc/passwd", &test_key, "t", &error), -1);
	ck_assert_msg(strstr(error, "is not a snapshot id") != NULL, "%s", error);
	free(error);
	ck_assert_int_eq(restore_to("20991231T000000Z-00000000", &test_key, "t", &error), -1);
	ck_assert_msg(strstr(error, "no snapshot") != NULL, "%s", error);
	free(error);
}
END_TEST

START_TEST(test_key_files)
{
	struct snap_key key;
	char *error = NULL;
	unsigned char raw[SNAP_KEY_SIZE];
	for (int i = 0; i < SNAP_KEY_SIZE; i++)
		raw[i] = (unsigned char)(i * 7 + 1);
	write_bytes("raw.key", raw, sizeof(raw), 0600);
	char *path = at("raw.key");
	ck_assert_int_eq(snap_key_load(path, &key, &error), 0);
	ck_assert_str_eq(key.id, test_key.id);
	free(path);
	char hex[80];
	for (int i = 0; i < SNAP_KEY_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02X", raw[i]);
	char with_newline[82];
	snprintf(with_newline, sizeof(with_newline), "%s\n", hex);
	write_text("hex.key", with_newline);
	path = at("hex.key");
	ck_assert_int_eq(snap_key_load(path, &key, &error), 0);
	ck_assert_str_eq(key.id, test_key.id);
	free(path);
	write_text("short.key", "abcd\n");
	path = at("short.key");
	ck_assert_int_eq(snap_key_load(path, &key, &error), -1);
	ck_assert_msg(strstr(error, "32 raw bytes or 64 hex digits") != NULL, "%s", error);
	ck_assert_msg(strstr(error, "abcd") == NULL, "a key file's content is never echoed");
	free(error);
	free(path);
	path = at("missing.key");
	ck_assert_int_eq(snap_key_load(path, &key, &error), -1);
	free(error);
	free(path);
	snap_key_clear(&key);
}
END_TEST

START_TEST(test_durations_and_sizes)
{
	int64_t seconds;
	ck_assert_int_eq(snap_parse_duration("7d", &seconds), 0);
	ck_assert_int_eq(seconds, 7 * DAY);
	ck_assert_int_eq(snap_parse_duration("1w2d3h", &seconds), 0);
	ck_assert_int_eq(seconds, 9 * DAY + 3 * 3600);
	ck_assert_int_eq(snap_parse_duration("365d", &seconds), 0);
	ck_assert_int_eq(snap_parse_duration("", &seconds), -1);
	ck_assert_int_eq(snap_parse_duration("7", &seconds), -1);
	ck_assert_int_eq(snap_parse_duration("d", &seconds), -1);
	ck_assert_int_eq(snap_parse_duration("99999999999999999999d", &seconds), -1);
	uint64_t bytes;
	ck_assert_int_eq(snap_parse_size("1MiB", &bytes), 0);
	ck_assert_uint_eq(bytes, 1 << 20);
	ck_assert_int_eq(snap_parse_size("64KiB", &bytes), 0);
	ck_assert_uint_eq(bytes, 64 << 10);
	ck_assert_int_eq(snap_parse_size("4096", &bytes), 0);
	ck_assert_int_eq(snap_parse_size("1GB", &bytes), -1);
	ck_assert_int_eq(snap_parse_size("-1", &bytes), -1);
}
END_TEST

START_TEST(test_empty_tree_and_exact_chunk_multiple)
{
	make_dir("state", 0755);
	struct snap_policy policy = { .chunk_size = SNAP_CHUNK_MIN };
	char id[SNAP_ID_SIZE];
	create_snapshot(&policy, TEST_NOW, id);
	char *error = NULL;
	ck_assert_msg(restore_to(id, &test_key, "empty", &error) == 0, "%s", error ? error : "");
	char *state = at("state"), *restored = at("empty");
	assert_same_tree(state, restored);
	free(state);
	free(restored);
}
END_TEST

Suite *snapshot_suite(void);
Suite *snapshot_suite(void)
{
	Suite *suite = suite_create("snapshot");
	TCase *round_trip = tcase_create("round trip");
	tcase_add_checked_fixture(round_trip, setup, teardown);
	tcase_add_test(round_trip, test_round_trip);
	tcase_add_test(round_trip, test_restore_replaces_existing_target);
	tcase_add_test(round_trip, test_include_exclude);
	tcase_add_test(round_trip, test_globs);
	tcase_add_test(round_trip, test_empty_tree_and_exact_chunk_multiple);
	tcase_add_test(round_trip, test_key_files);
	tcase_add_test(round_trip, test_durations_and_sizes);
	suite_add_tcase(suite, round_trip);
	TCase *tamper = tcase_create("tampering");
	tcase_add_checked_fixture(tamper, setup, teardown);
	tcase_add_test(tamper, test_wrong_key_refused);
	tcase_add_test(tamper, test_flipped_chunk_byte_refused);
	tcase_add_test(tamper, test_flipped_tag_byte_refused);
	tcase_add_test(tamper, test_flipped_header_byte_refused);
	tcase_add_test(tamper, test_truncated_refused);
	tcase_add_test(tamper, test_swapped_chunks_refused);
	tcase_add_test(tamper, test_appended_data_refused);
	tcase_add_test(tamper, test_index_digest_checked);
	tcase_add_test(tamper, test_other_snapshot_under_this_name_refused);
	tcase_add_test(tamper, test_unknown_and_malformed_ids);
	suite_add_tcase(suite, tamper);
	TCase *store = tcase_create("store");
	tcase_add_checked_fixture(store, setup, teardown);
	tcase_add_test(store, test_retention_by_count);
	tcase_add_test(store, test_retention_by_age);
	tcase_add_test(store, test_failed_create_leaves_index_alone);
	suite_add_tcase(suite, store);
	return suite;
}

CHECK_MAIN(snapshot_suite)
