/* The run journal: append-only, one fsync'd line per record, each line canonical JSON that
 * carries its own SHA-256 and the previous record's, bound to the plan's digest.
 *
 * Record: {"detail":{...},"hash":H,"kind":K,"plan":"sha256:...","prev":P,"seq":N,"step":ID|null,"time":T}
 * where H is the lowercase hex SHA-256 of the record's canonical bytes without "hash", P is
 * the previous record's H (64 zeros for the first), and N counts from 1. Kinds: begin, intent,
 * done, failed, gate, approval, recovered, finish.
 * Ownership: a journal owns its records (journal_release); details passed in are stolen. */
#ifndef GOOSE_JOURNAL_H
#define GOOSE_JOURNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_MAX_SIZE (64u << 20)
#define JOURNAL_HASH_HEX 65

struct journal {
	char *path;
	int fd;                          /* -1 until opened for appending */
	char *plan_digest;
	json_t *records;                 /* every verified record, oldest first */
	char last_hash[JOURNAL_HASH_HEX];
};

void journal_init(struct journal *journal);
void journal_release(struct journal *journal);

/* Checks journal bytes: every complete line a canonical record with the right seq, plan,
 * prev and own hash. A final line without its newline that does not parse is a write cut short
 * by a crash and is left out (`*torn_length` receives its length). With `plan_digest` NULL the
 * plan is taken from the first record. 0 with `*records` (caller owns), or -1 with `*error`
 * naming the record. */
int journal_verify_bytes(const char *data, size_t length, const char *plan_digest, json_t **records,
			 size_t *torn_length, char **error);

/* Opens (creating) the journal at `path` for the plan `plan_digest`, verifying what is there
 * and cutting a torn final line. Returns 0; -1 on I/O errors; -2 when a record was tampered
 * with (the error names it). */
int journal_open(struct journal *journal, const char *path, const char *plan_digest, char **error);

/* Reads and verifies without opening for append (status, tests). Same returns as journal_open. */
int journal_load(struct journal *journal, const char *path, const char *plan_digest, char **error);

/* Appends one record and fsyncs it: 0, or -1 with `*error`. Steals `detail` (NULL: {}). */
int journal_append(struct journal *journal, const char *kind, const char *step, int64_t time, json_t *detail,
		   char **error);

/* The last record of `kind` for `step` (NULL step: any), or NULL. Borrowed. */
const json_t *journal_find(const struct journal *journal, const char *kind, const char *step);

/* True once the run recorded its finish. */
bool journal_is_finished(const struct journal *journal);

#endif
