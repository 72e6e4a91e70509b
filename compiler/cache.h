/* The content-addressed cache of per-file front-end results (parsed tree, positions, kind,
 * validity and diagnostics), so an unchanged file skips parsing and validation. It is only an
 * optimisation: a missing, stale or corrupt entry is a miss, and results never depend on it.
 *
 * Entries live under DIR/v1/<sha256>.json, written atomically; the store is pruned to a bound. */
#ifndef GOOSE_CACHE_H
#define GOOSE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "load.h"

struct cache {
	char *directory;     /* NULL when the cache is off */
	char salt[65];       /* hex SHA-256 of the goosec version and every built-in schema */
};

/* Opens the cache under `directory` (created on first store). `salt_data` is what, besides a
 * file's bytes, decides its result (version, schemas); hashed once. */
void cache_open(struct cache *cache, const char *directory, const void *salt_data, size_t salt_length);
void cache_close(struct cache *cache);

/* The key of one file: its bytes, the salt, and the kind its path gives (`kind_by_path` or ""). */
void cache_key(const struct cache *cache, const char *text, size_t length, const char *kind_by_path, char key[65]);

struct cache_result {
	char *kind;           /* NULL when unclassified */
	bool loaded, valid;
};

/* On a hit: fills `document` (path, text, tree and positions), appends the cached diagnostics
 * for `path` to `diags`, and returns true. Thread-safe for distinct documents. */
bool cache_lookup(const struct cache *cache, const char *key, const char *path, const char *text, size_t length,
		  struct load_document *document, struct cache_result *result, struct diag_list *diags);

/* Stores the outcome of loading one file (`file_diags` holds only that file's diagnostics).
 * Failures to write are ignored: the cache is an optimisation. */
void cache_store(struct cache *cache, const char *key, const struct load_document *document,
		 const struct cache_result *result, const struct diag_list *file_diags);

/* Keeps at most `max_entries` entries, dropping the least recently used. */
void cache_prune(const struct cache *cache, size_t max_entries);

#endif
