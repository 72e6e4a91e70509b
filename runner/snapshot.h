/* The snapshot store: archives of a directory, zstd-compressed and encrypted with
 * AES-256-GCM in authenticated chunks, listed in an index, restored by an atomic swap.
 *
 * Store layout: STORE/index.json, STORE/lock, STORE/data/<id>.snap. Every file is written to
 * a temporary name, fsync'd, renamed and its directory fsync'd; a snapshot enters the index
 * only once its data file is complete. The file format is in docs/snapshot-format.md.
 *
 * Ownership: strings returned through `char **error` and the contents of a snap_info or
 * snap_index belong to the caller (snap_info_release / snap_index_release). */
#ifndef GOOSE_SNAPSHOT_H
#define GOOSE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "archive.h"

#define SNAP_KEY_SIZE 32
#define SNAP_KEY_ID_SIZE 8                     /* bytes of the key fingerprint */
#define SNAP_KEY_ID_HEX (2 * SNAP_KEY_ID_SIZE + 1)
#define SNAP_KEY_NAME_MAX 63
#define SNAP_ID_SIZE 26                        /* "20261126T101500Z-0123abcd" and its NUL */
#define SNAP_HEADER_SIZE 176
#define SNAP_TAG_SIZE 16
#define SNAP_CHUNK_MIN 64
#define SNAP_CHUNK_MAX (64u << 20)
#define SNAP_CHUNK_DEFAULT (1u << 20)
#define SNAP_LEVEL_DEFAULT 3
#define SNAP_LEVEL_MAX 19

/* The master key and its public fingerprint (first 8 bytes of SHA-256 over a fixed label
 * and the key). Only the fingerprint is ever printed or stored. */
struct snap_key {
	unsigned char bytes[SNAP_KEY_SIZE];
	char id[SNAP_KEY_ID_HEX];
};

/* A key file holds 32 raw bytes or 64 hex digits (surrounding whitespace allowed). */
int snap_key_load(const char *path, struct snap_key *key, char **error);
void snap_key_from_bytes(struct snap_key *key, const unsigned char bytes[SNAP_KEY_SIZE]);
void snap_key_clear(struct snap_key *key);

struct snap_store {
	const char *path;
};

/* What to archive and how: a manifest policy plus the manifest's encryption settings. */
struct snap_policy {
	const char *const *include;
	size_t include_count;
	const char *const *exclude;
	size_t exclude_count;
	uint32_t chunk_size;     /* plaintext bytes per chunk; 0 means SNAP_CHUNK_DEFAULT */
	int level;               /* zstd level 1..19; 0 means SNAP_LEVEL_DEFAULT */
	int workers;             /* zstd worker threads; 0 compresses on the calling thread */
	const char *key_name;    /* the manifest's key_id, recorded beside the fingerprint; may be NULL */
	unsigned keep_last;      /* retention after create: 0 = no count rule */
	int64_t max_age;         /* seconds; 0 = no age rule */
};

/* One index entry. */
struct snap_info {
	char id[SNAP_ID_SIZE];
	char *label;             /* may be NULL */
	int64_t created;         /* seconds since the epoch, UTC */
	char digest[2 * 32 + 1]; /* SHA-256 of the archive (the plaintext before compression) */
	uint64_t archive_size;
	uint64_t stored_size;    /* bytes of the .snap file */
	uint64_t files;
	uint64_t directories;
	uint64_t symlinks;
	char key_id[SNAP_KEY_ID_HEX];
	char *key_name;          /* may be NULL */
	uint32_t chunk_size;
	/* "sha256:..." of the archived tree as steps_tree_digest computes it over a directory
	 * (archive.h, archive_tree_hash), recorded at create time; "" for older entries */
	char tree_digest[ARCHIVE_TREE_DIGEST_SIZE];
};

struct snap_index {
	struct snap_info *items; /* oldest first */
	size_t count;
	size_t alloc;
};

void snap_info_release(struct snap_info *info);
void snap_index_init(struct snap_index *index);
void snap_index_release(struct snap_index *index);

/* The index entry as JSON (what `snapshots list --json` prints); the caller owns it. */
json_t *snap_info_to_json(const struct snap_info *info);

/* "20261126T101500Z-0123abcd": the only shape an id may have (ids name files). */
bool snap_id_is_valid(const char *id);

/* Reads STORE/index.json; a store without one has no snapshots. */
int snap_index_load(const struct snap_store *store, struct snap_index *index, char **error);

/* Archives source_dir into a new snapshot created at `now`, adds it to the index, then
 * applies the policy's retention. `created` (may be NULL) receives the new entry, `removed`
 * (may be NULL) the entries retention took out. */
int snap_create(const struct snap_store *store, const char *source_dir, const struct snap_policy *policy,
		const struct snap_key *key, const char *label, int64_t now, struct snap_info *created,
		struct snap_index *removed, char **error);

/* Decrypts and extracts snapshot `id` beside target_dir, checks every chunk, the archive, its
 * digest and the extracted tree's digest (when the index records one), and only then swaps it
 * in place of target_dir (which need not exist). On any error target_dir is untouched. */
int snap_restore(const struct snap_store *store, const char *id, const struct snap_key *key,
		 const char *target_dir, char **error);

/* Reads indexed snapshot `entry` through `visitor` (NULL: parse only), writing nothing, with
 * every check of a restore: header, every chunk, the archive's structure, its digest, tree
 * digest and sizes against the index. The visitor sees a chunk's bytes once it authenticated,
 * before the end of the stream is checked. */
int snap_read(const struct snap_store *store, const struct snap_info *entry, const struct snap_key *key,
	      const struct archive_visitor *visitor, char **error);

/* snap_read without a visitor. */
int snap_verify(const struct snap_store *store, const struct snap_info *entry, const struct snap_key *key,
		char **error);

/* Removes every snapshot no rule keeps: the keep_last newest, and all younger than max_age
 * at `now` (a snapshot either rule keeps stays). At least one rule must be set. */
int snap_prune(const struct snap_store *store, unsigned keep_last, int64_t max_age, int64_t now,
	       struct snap_index *removed, char **error);

/* The raw reader, for the store above and for fuzzing: a byte source and what it yields. */
struct snap_source {
	void *context;
	ssize_t (*read)(void *context, void *buffer, size_t length); /* 0 at the end, -1 on error */
};

struct snap_read_result {
	char id[SNAP_ID_SIZE];
	int64_t created;
	char key_id[SNAP_KEY_ID_HEX];
	char key_name[SNAP_KEY_NAME_MAX + 1];
	uint32_t chunk_size;
	char digest[2 * 32 + 1];
	uint64_t archive_size;
	uint64_t stored_size;
	uint64_t chunk_count;
};

/* Authenticates and decrypts a snapshot stream, decompresses it and feeds the archive to
 * `visitor` (NULL: parse only). Chunk plaintext reaches the visitor only after its tag
 * verified. Errors name what failed, e.g. "chunk 3 failed authentication". */
int snap_read_stream(const struct snap_source *source, const struct snap_key *key,
		     const struct archive_visitor *visitor, struct snap_read_result *result, char **error);

/* Parses a duration such as "90d", "12h", "1w2d", "30m", "45s" (y = 365 days) into seconds. */
int snap_parse_duration(const char *text, int64_t *seconds);

/* Parses a size such as "1MiB", "64KiB", "4096" into bytes. */
int snap_parse_size(const char *text, uint64_t *bytes);

#endif
