/* The hash-chained journal: every record is a line of canonical JSON that proves its own bytes
 * and its predecessor's, so one flipped byte anywhere is found and the record named. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canonical_json.h"
#include "crypto.h"
#include "state.h"
#include "util.h"
#include "banned.h"

static const char zero_hash[JOURNAL_HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000";

void journal_init(struct journal *journal)
{
	journal->path = NULL;
	journal->fd = -1;
	journal->plan_digest = NULL;
	journal->records = NULL;
	memcpy(journal->last_hash, zero_hash, JOURNAL_HASH_HEX);
}

void journal_release(struct journal *journal)
{
	if (journal->fd >= 0)
		close(journal->fd);
	free(journal->path);
	free(journal->plan_digest);
	json_decref(journal->records);
	journal_init(journal);
}

/* The hex SHA-256 of the record's canonical bytes without its "hash" member. */
static int record_hash(const json_t *record, char hex[JOURNAL_HASH_HEX])
{
	json_t *copy = json_copy((json_t *)record);
	json_object_del(copy, "hash");
	size_t length;
	char *canonical = canonical_json_dumps(copy, &length);
	json_decref(copy);
	if (!canonical)
		return -1;
	unsigned char digest[CRYPTO_SHA256_SIZE];
	crypto_sha256(canonical, length, digest);
	crypto_hex(digest, sizeof(digest), hex);
	free(canonical);
	return 0;
}

static bool is_known_kind(const char *kind)
{
	static const char *const kinds[] = { "begin", "intent", "done", "failed", "gate", "approval", "recovered", "parked", "finish", NULL };
	for (size_t i = 0; kind && kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

/* NULL when `record` is the valid successor of `prev_hash` at `seq`; otherwise why not. */
static char *check_record(const json_t *record, uint64_t seq, const char *prev_hash, const char *plan_digest)
{
	if (!json_is_object(record) || json_object_size(record) != 8)
		return xstrdup("not a journal record");
	const json_t *seq_value = json_object_get(record, "seq");
	if (!json_is_integer(seq_value) || (uint64_t)json_integer_value(seq_value) != seq)
		return xasprintf("sequence number is not %llu (a record was removed or reordered)", (unsigned long long)seq);
	const char *kind = json_string_value(json_object_get(record, "kind"));
	if (!is_known_kind(kind))
		return xstrdup("unknown record kind");
	const json_t *step = json_object_get(record, "step");
	if (!json_is_string(step) && !json_is_null(step))
		return xstrdup("'step' must be a string or null");
	if (!json_is_integer(json_object_get(record, "time")) || !json_is_object(json_object_get(record, "detail")))
		return xstrdup("'time' and 'detail' are missing");
	const char *plan = json_string_value(json_object_get(record, "plan"));
	if (!plan || (plan_digest && strcmp(plan, plan_digest) != 0))
		return xstrdup("it belongs to another plan");
	const char *stored_hash = json_string_value(json_object_get(record, "hash"));
	char computed[JOURNAL_HASH_HEX];
	if (!stored_hash || record_hash(record, computed) != 0 || strcmp(stored_hash, computed) != 0)
		return xstrdup("its hash does not match its contents (the record was altered)");
	const char *prev = json_string_value(json_object_get(record, "prev"));
	if (!prev || strcmp(prev, prev_hash) != 0)
		return xstrdup("it does not chain to the previous record");
	return NULL;
}

int journal_verify_bytes(const char *data, size_t length, const char *plan_digest, json_t **records,
			 size_t *torn_length, char **error)
{
	json_t *list = json_array();
	char prev_hash[JOURNAL_HASH_HEX];
	memcpy(prev_hash, zero_hash, JOURNAL_HASH_HEX);
	char *first_plan = NULL;
	size_t offset = 0;
	*torn_length = 0;
	uint64_t seq = 1;
	while (offset < length) {
		const char *line = data + offset;
		const char *newline = memchr(line, '\n', length - offset);
		size_t line_length = newline ? (size_t)(newline - line) : length - offset;
		char *reason = NULL;
		json_t *record = NULL;
		bool parsed = canonical_json_parse_canonical(line, line_length, &record, &reason);
		if (!newline && !parsed && line_length > 1 &&
		    canonical_json_parse_canonical(line, line_length - 1, NULL, NULL)) {
			/* a whole record followed by a stray byte is no cut-short write: its line end was altered */
			free(reason);
			*error = xasprintf("journal record %llu has no line end (the record was altered)", (unsigned long long)seq);
			goto fail;
		}
		if (!newline && !parsed) {
			/* a crash cut the last write short: that record never happened */
			free(reason);
			*torn_length = line_length;
			break;
		}
		if (!parsed) {
			*error = xasprintf("journal record %llu is damaged: %s", (unsigned long long)seq, reason);
			free(reason);
			goto fail;
		}
		if (!newline) {
			json_decref(record);
			*error = xasprintf("journal record %llu has no line end (the record was altered)", (unsigned long long)seq);
			goto fail;
		}
		char *problem = check_record(record, seq, prev_hash, plan_digest ? plan_digest : first_plan);
		if (problem) {
			*error = xasprintf("journal record %llu is refused: %s", (unsigned long long)seq, problem);
			free(problem);
			json_decref(record);
			goto fail;
		}
		if (!first_plan)
			first_plan = xstrdup(json_string_value(json_object_get(record, "plan")));
		memcpy(prev_hash, json_string_value(json_object_get(record, "hash")), JOURNAL_HASH_HEX);
		json_array_append_new(list, record);
		offset += line_length + 1;
		seq++;
	}
	free(first_plan);
	*records = list;
	return 0;
fail:
	free(first_plan);
	json_decref(list);
	return -1;
}

int journal_load(struct journal *journal, const char *path, const char *plan_digest, char **error)
{
	journal_release(journal);
	journal->path = xstrdup(path);
	journal->plan_digest = xstrdup(plan_digest);
	char *data = NULL;
	size_t length = 0;
	if (read_file_bytes(path, JOURNAL_MAX_SIZE, &data, &length) != 0 && errno != ENOENT) {
		*error = xasprintf("cannot read journal '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t torn_length = 0;
	json_t *records = NULL;
	int status = journal_verify_bytes(data ? data : "", length, plan_digest, &records, &torn_length, error);
	free(data);
	if (status != 0) {
		char *detail = *error;
		*error = xasprintf("%s: %s", path, detail);
		free(detail);
		return -2;
	}
	journal->records = records;
	size_t count = json_array_size(records);
	if (count)
		memcpy(journal->last_hash, json_string_value(json_object_get(json_array_get(records, count - 1), "hash")),
		       JOURNAL_HASH_HEX);
	return 0;
}

int journal_open(struct journal *journal, const char *path, const char *plan_digest, char **error)
{
	int status = journal_load(journal, path, plan_digest, error);
	if (status < 0)
		return status;
	bool created = access(path, F_OK) != 0;
	journal->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (journal->fd < 0) {
		*error = xasprintf("cannot open journal '%s': %s", path, strerror(errno));
		return -1;
	}
	/* keep exactly the verified records: a torn tail is cut before the next append */
	size_t verified = 0;
	for (size_t i = 0; i < json_array_size(journal->records); i++) {
		size_t length;
		char *canonical = canonical_json_dumps(json_array_get(journal->records, i), &length);
		verified += length + 1;
		free(canonical);
	}
	if (ftruncate(journal->fd, (off_t)verified) != 0 || lseek(journal->fd, 0, SEEK_END) < 0 ||
	    fsync(journal->fd) != 0 || (created && state_sync_parent(path) != 0)) {
		*error = xasprintf("cannot prepare journal '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int journal_append(struct journal *journal, const char *kind, const char *step, int64_t time, json_t *detail,
		   char **error)
{
	uint64_t seq = json_array_size(journal->records) + 1;
	json_t *record = json_object();
	json_object_set_new(record, "seq", json_integer((json_int_t)seq));
	json_object_set_new(record, "kind", json_string(kind));
	json_object_set_new(record, "step", step ? json_string(step) : json_null());
	json_object_set_new(record, "time", json_integer((json_int_t)time));
	json_object_set_new(record, "plan", json_string(journal->plan_digest));
	json_object_set_new(record, "prev", json_string(journal->last_hash));
	json_object_set_new(record, "detail", detail ? detail : json_object());
	char hash[JOURNAL_HASH_HEX];
	if (record_hash(record, hash) != 0) {
		json_decref(record);
		*error = xstrdup("journal record cannot be written as canonical JSON");
		return -1;
	}
	json_object_set_new(record, "hash", json_string(hash));
	struct strbuf line;
	strbuf_init(&line);
	canonical_json_write(record, &line);
	strbuf_addch(&line, '\n');
	/* one write per record: a kill between records never leaves half of one */
	size_t offset = 0;
	while (offset < line.len) {
		ssize_t written = write(journal->fd, line.buf + offset, line.len - offset);
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0)
			break;
		offset += (size_t)written;
	}
	int status = offset == line.len && fsync(journal->fd) == 0 ? 0 : -1;
	strbuf_release(&line);
	if (status != 0) {
		*error = xasprintf("cannot append to journal '%s': %s", journal->path, strerror(errno));
		json_decref(record);
		return -1;
	}
	memcpy(journal->last_hash, hash, JOURNAL_HASH_HEX);
	json_array_append_new(journal->records, record);
	return 0;
}

const json_t *journal_find(const struct journal *journal, const char *kind, const char *step)
{
	for (size_t i = json_array_size(journal->records); i > 0; i--) {
		const json_t *record = json_array_get(journal->records, i - 1);
		const char *record_step = json_string_value(json_object_get(record, "step"));
		if (strcmp(json_string_value(json_object_get(record, "kind")), kind) != 0)
			continue;
		if (step && (!record_step || strcmp(record_step, step) != 0))
			continue;
		return record;
	}
	return NULL;
}

bool journal_is_finished(const struct journal *journal)
{
	return journal_find(journal, "finish", NULL) != NULL;
}
