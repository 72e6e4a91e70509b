/* OSV records read from their JSON tree (strings borrowed, arrays owned) and an open-addressing
 * hash from (ecosystem, package name) to the (record, affected) pairs that name the package. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "osv.h"
#include "util.h"
#include "banned.h"

struct osv_index_slot {
	uint64_t hash;
	char *key; /* "Ecosystem\0name", owned; NULL for an empty slot */
	size_t key_length;
	struct osv_match *matches;
	size_t match_count, match_alloc;
};

static int fail(char **error, char *message)
{
	if (error)
		*error = message;
	else
		free(message);
	return -1;
}

void osv_db_init(struct osv_db *db)
{
	memset(db, 0, sizeof(*db));
}

static void record_release(struct osv_record *record)
{
	free(record->aliases);
	free(record->severities);
	for (size_t a = 0; a < record->affected_count; a++) {
		struct osv_affected *affected = &record->affected[a];
		free(affected->versions);
		for (size_t r = 0; r < affected->range_count; r++)
			free(affected->ranges[r].events);
		free(affected->ranges);
	}
	free(record->affected);
}

void osv_db_release(struct osv_db *db)
{
	for (size_t i = 0; i < db->record_count; i++)
		record_release(&db->records[i]);
	free(db->records);
	for (size_t i = 0; i < db->slot_count; i++) {
		free(db->slots[i].key);
		free(db->slots[i].matches);
	}
	free(db->slots);
	json_decref(db->root);
	osv_db_init(db);
}

/* The ecosystem without its ":release" suffix: "Debian:12" -> "Debian". */
static size_t base_ecosystem_length(const char *ecosystem)
{
	return strcspn(ecosystem, ":");
}

/* The index key "Ecosystem\0name", names normalised as the ecosystem compares them. */
static char *index_key(const char *ecosystem, const char *name, size_t *length)
{
	size_t base = base_ecosystem_length(ecosystem);
	struct strbuf key;
	strbuf_init(&key);
	strbuf_add(&key, ecosystem, base);
	strbuf_addch(&key, '\0');
	if (base == 4 && strncmp(ecosystem, "PyPI", 4) == 0) {
		/* PEP 503: lowercase, runs of '-', '_' and '.' are one '-' */
		bool in_separator = false;
		for (const char *c = name; *c; c++) {
			if (*c == '-' || *c == '_' || *c == '.') {
				if (!in_separator)
					strbuf_addch(&key, '-');
				in_separator = true;
				continue;
			}
			in_separator = false;
			strbuf_addch(&key, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
		}
	} else {
		strbuf_addstr(&key, name);
	}
	*length = key.len;
	return strbuf_detach(&key, NULL);
}

static uint64_t hash_bytes(const char *bytes, size_t length)
{
	uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < length; i++) {
		hash ^= (unsigned char)bytes[i];
		hash *= 1099511628211ULL;
	}
	return hash;
}

static struct osv_index_slot *find_slot(struct osv_index_slot *slots, size_t slot_count, uint64_t hash,
					const char *key, size_t key_length)
{
	size_t mask = slot_count - 1;
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct osv_index_slot *slot = &slots[i];
		if (!slot->key)
			return slot;
		if (slot->hash == hash && slot->key_length == key_length && memcmp(slot->key, key, key_length) == 0)
			return slot;
	}
}

static void grow_index(struct osv_db *db)
{
	size_t new_count = db->slot_count ? db->slot_count * 2 : 64;
	struct osv_index_slot *slots = xcalloc(new_count, sizeof(*slots));
	for (size_t i = 0; i < db->slot_count; i++) {
		struct osv_index_slot *old = &db->slots[i];
		if (old->key)
			*find_slot(slots, new_count, old->hash, old->key, old->key_length) = *old;
	}
	free(db->slots);
	db->slots = slots;
	db->slot_count = new_count;
}

static void index_add(struct osv_db *db, size_t record_index, size_t affected_index)
{
	const struct osv_affected *affected = &db->records[record_index].affected[affected_index];
	if (!affected->ecosystem || !affected->name)
		return;
	if ((db->package_count + 1) * 4 > db->slot_count * 3)
		grow_index(db);
	size_t key_length;
	char *key = index_key(affected->ecosystem, affected->name, &key_length);
	uint64_t hash = hash_bytes(key, key_length);
	struct osv_index_slot *slot = find_slot(db->slots, db->slot_count, hash, key, key_length);
	if (!slot->key) {
		slot->key = key;
		slot->key_length = key_length;
		slot->hash = hash;
		db->package_count++;
	} else {
		free(key);
	}
	/* the records array was allocated whole before indexing: these pointers stay valid */
	ALLOC_GROW(slot->matches, slot->match_count + 1, slot->match_alloc);
	slot->matches[slot->match_count].record = &db->records[record_index];
	slot->matches[slot->match_count].affected = affected;
	slot->match_count++;
}

/* An optional string member: 0 (value or NULL), -1 when present and not a string. */
static int member_string(const json_t *object, const char *key, const char **out, struct strbuf *at, char **error)
{
	const json_t *value = json_object_get(object, key);
	*out = NULL;
	if (!value)
		return 0;
	if (!json_is_string(value))
		return fail(error, xasprintf("%s/%s: expected a string", at->buf, key));
	*out = json_string_value(value);
	return 0;
}

/* An optional array of strings, borrowed into a new array of pointers. */
static int member_strings(const json_t *object, const char *key, const char ***out, size_t *count,
			  struct strbuf *at, char **error)
{
	const json_t *value = json_object_get(object, key);
	*out = NULL;
	*count = 0;
	if (!value)
		return 0;
	if (!json_is_array(value))
		return fail(error, xasprintf("%s/%s: expected an array", at->buf, key));
	size_t length = json_array_size(value);
	const char **items = length ? xcalloc(length, sizeof(*items)) : NULL;
	for (size_t i = 0; i < length; i++) {
		const json_t *item = json_array_get(value, i);
		if (!json_is_string(item)) {
			free(items);
			return fail(error, xasprintf("%s/%s/%zu: expected a string", at->buf, key, i));
		}
		items[i] = json_string_value(item);
	}
	*out = items;
	*count = length;
	return 0;
}

static void pointer_truncate(struct strbuf *at, size_t length)
{
	at->len = length;
	at->buf[length] = '\0';
}

static int read_range(struct osv_range *range, const json_t *object, struct strbuf *at, char **error)
{
	if (!json_is_object(object))
		return fail(error, xasprintf("%s: expected an object", at->buf));
	const char *type;
	if (member_string(object, "type", &type, at, error) < 0)
		return -1;
	if (!type)
		return fail(error, xasprintf("%s: missing 'type'", at->buf));
	if (strcmp(type, "SEMVER") == 0)
		range->type = OSV_RANGE_SEMVER;
	else if (strcmp(type, "ECOSYSTEM") == 0)
		range->type = OSV_RANGE_ECOSYSTEM;
	else if (strcmp(type, "GIT") == 0)
		range->type = OSV_RANGE_GIT;
	else
		return fail(error, xasprintf("%s/type: unknown range type '%s' (SEMVER, ECOSYSTEM or GIT)", at->buf, type));
	const json_t *events = json_object_get(object, "events");
	if (!json_is_array(events) || json_array_size(events) == 0)
		return fail(error, xasprintf("%s/events: expected a non-empty array", at->buf));
	range->events = xcalloc(json_array_size(events), sizeof(*range->events));
	static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };
	size_t index;
	const json_t *event;
	json_array_foreach(events, index, event) {
		if (!json_is_object(event) || json_object_size(event) != 1)
			return fail(error, xasprintf("%s/events/%zu: expected an object with one event", at->buf, index));
		const char *key = json_object_iter_key(json_object_iter((json_t *)event));
		const json_t *value = json_object_iter_value(json_object_iter((json_t *)event));
		size_t kind = 0;
		while (kind < 4 && strcmp(kinds[kind], key) != 0)
			kind++;
		if (kind == 4)
			return fail(error, xasprintf("%s/events/%zu: unknown event '%s'", at->buf, index, key));
		if (!json_is_string(value) || !*json_string_value(value))
			return fail(error, xasprintf("%s/events/%zu/%s: expected a version string", at->buf, index, key));
		range->events[range->event_count].kind = (enum osv_event_kind)kind;
		range->events[range->event_count].version = json_string_value(value);
		range->event_count++;
	}
	return 0;
}

static int read_affected(struct osv_affected *affected, const json_t *object, struct strbuf *at, char **error)
{
	if (!json_is_object(object))
		return fail(error, xasprintf("%s: expected an object", at->buf));
	const json_t *package = json_object_get(object, "package");
	if (package) {
		size_t length = at->len;
		strbuf_addstr(at, "/package");
		int status = 0;
		if (!json_is_object(package))
			status = fail(error, xasprintf("%s: expected an object", at->buf));
		else if (member_string(package, "ecosystem", &affected->ecosystem, at, error) < 0 ||
			 member_string(package, "name", &affected->name, at, error) < 0 ||
			 member_string(package, "purl", &affected->purl, at, error) < 0)
			status = -1;
		else if (!affected->ecosystem || !*affected->ecosystem)
			status = fail(error, xasprintf("%s: missing 'ecosystem'", at->buf));
		else if (!affected->name || !*affected->name)
			status = fail(error, xasprintf("%s: missing 'name'", at->buf));
		pointer_truncate(at, length);
		if (status < 0)
			return -1;
	}
	if (member_strings(object, "versions", &affected->versions, &affected->version_count, at, error) < 0)
		return -1;
	const json_t *ranges = json_object_get(object, "ranges");
	if (!ranges)
		return 0;
	if (!json_is_array(ranges))
		return fail(error, xasprintf("%s/ranges: expected an array", at->buf));
	affected->ranges = xcalloc(json_array_size(ranges) + 1, sizeof(*affected->ranges));
	size_t index;
	const json_t *range;
	json_array_foreach(ranges, index, range) {
		size_t length = at->len;
		strbuf_addstr(at, "/ranges");
		pointer_append_index(at, index);
		affected->range_count++;
		int status = read_range(&affected->ranges[index], range, at, error);
		pointer_truncate(at, length);
		if (status < 0)
			return -1;
	}
	return 0;
}

static int read_record(struct osv_record *record, const json_t *object, struct strbuf *at, char **error)
{
	if (!json_is_object(object))
		return fail(error, xasprintf("%s: expected an object", at->buf));
	record->object = object;
	if (member_string(object, "id", &record->id, at, error) < 0 ||
	    member_string(object, "summary", &record->summary, at, error) < 0 ||
	    member_strings(object, "aliases", &record->aliases, &record->alias_count, at, error) < 0)
		return -1;
	if (!record->id || !*record->id)
		return fail(error, xasprintf("%s: missing 'id'", at->buf));
	const json_t *severities = json_object_get(object, "severity");
	if (severities) {
		if (!json_is_array(severities))
			return fail(error, xasprintf("%s/severity: expected an array", at->buf));
		record->severities = xcalloc(json_array_size(severities) + 1, sizeof(*record->severities));
		size_t index;
		const json_t *severity;
		json_array_foreach(severities, index, severity) {
			const char *type = json_string_value(json_object_get(severity, "type"));
			const char *score = json_string_value(json_object_get(severity, "score"));
			if (!type || !score)
				return fail(error, xasprintf("%s/severity/%zu: expected 'type' and 'score' strings", at->buf,
							     index));
			record->severities[index].type = type;
			record->severities[index].score = score;
			record->severity_count++;
		}
	}
	const json_t *database_specific = json_object_get(object, "database_specific");
	if (json_is_object(database_specific))
		record->database_severity = json_string_value(json_object_get(database_specific, "severity"));
	const json_t *affected = json_object_get(object, "affected");
	if (!affected)
		return 0;
	if (!json_is_array(affected))
		return fail(error, xasprintf("%s/affected: expected an array", at->buf));
	record->affected = xcalloc(json_array_size(affected) + 1, sizeof(*record->affected));
	size_t index;
	const json_t *entry;
	json_array_foreach(affected, index, entry) {
		size_t length = at->len;
		strbuf_addstr(at, "/affected");
		pointer_append_index(at, index);
		record->affected_count++;
		int status = read_affected(&record->affected[index], entry, at, error);
		pointer_truncate(at, length);
		if (status < 0)
			return -1;
	}
	return 0;
}

static int read_records(struct osv_db *db, const json_t *records, const char *prefix, char **error)
{
	size_t count = json_array_size(records);
	db->records = count ? xcalloc(count, sizeof(*db->records)) : NULL;
	struct strbuf at;
	strbuf_init(&at);
	for (size_t i = 0; i < count; i++) {
		strbuf_reset(&at);
		strbuf_addstr(&at, prefix);
		pointer_append_index(&at, i);
		db->record_count++;
		if (read_record(&db->records[i], json_array_get(records, i), &at, error) < 0) {
			strbuf_release(&at);
			return -1;
		}
	}
	strbuf_release(&at);
	return 0;
}

int osv_db_read(struct osv_db *db, json_t *root, char **error)
{
	osv_db_init(db);
	db->root = json_incref(root);
	int status;
	if (json_is_array(root)) {
		status = read_records(db, root, "", error);
	} else if (json_is_object(root) && json_object_get(root, "records")) {
		const json_t *records = json_object_get(root, "records");
		status = json_is_array(records) ? read_records(db, records, "/records", error)
						: fail(error, xstrdup("/records: expected an array"));
	} else if (json_is_object(root) && json_object_get(root, "id")) {
		db->records = xcalloc(1, sizeof(*db->records));
		db->record_count = 1;
		struct strbuf at;
		strbuf_init(&at);
		status = read_record(&db->records[0], root, &at, error);
		strbuf_release(&at);
	} else {
		status = fail(error, xstrdup("expected an OSV record, an array of records or an object with 'records'"));
	}
	if (status < 0) {
		osv_db_release(db);
		return -1;
	}
	/* withdrawn records stay readable (osv_db_find) but no scan matches them */
	for (size_t r = 0; r < db->record_count; r++) {
		if (json_object_get(db->records[r].object, "withdrawn"))
			continue;
		for (size_t a = 0; a < db->records[r].affected_count; a++)
			index_add(db, r, a);
	}
	return 0;
}

int osv_db_parse(struct osv_db *db, const char *bytes, size_t length, char **error)
{
	json_error_t json_error;
	osv_db_init(db);
	json_t *root = json_loadb(bytes, length, JSON_REJECT_DUPLICATES, &json_error);
	if (!root)
		return fail(error, xasprintf("line %d column %d: %s", json_error.line, json_error.column, json_error.text));
	int status = osv_db_read(db, root, error);
	json_decref(root);
	return status;
}

const struct osv_match *osv_db_lookup(const struct osv_db *db, const char *ecosystem, const char *name,
				      size_t *count)
{
	*count = 0;
	if (!db->slot_count || !ecosystem || !name)
		return NULL;
	size_t key_length;
	char *key = index_key(ecosystem, name, &key_length);
	struct osv_index_slot *slot = find_slot(db->slots, db->slot_count, hash_bytes(key, key_length), key, key_length);
	free(key);
	if (!slot->key)
		return NULL;
	*count = slot->match_count;
	return slot->matches;
}

const struct osv_record *osv_db_find(const struct osv_db *db, const char *id)
{
	for (size_t r = 0; r < db->record_count; r++) {
		const struct osv_record *record = &db->records[r];
		if (strcmp(record->id, id) == 0)
			return record;
		for (size_t a = 0; a < record->alias_count; a++)
			if (strcmp(record->aliases[a], id) == 0)
				return record;
	}
	return NULL;
}

/* ---- reading only the records a scan needs ---- */

struct osv_package_set {
	struct osv_db keys; /* only its index is used: slots hold the keys, no matches */
};

struct osv_package_set *osv_package_set_new(void)
{
	struct osv_package_set *set = xcalloc(1, sizeof(*set));
	osv_db_init(&set->keys);
	return set;
}

void osv_package_set_add(struct osv_package_set *set, const char *ecosystem, const char *name)
{
	struct osv_db *db = &set->keys;
	if ((db->package_count + 1) * 4 > db->slot_count * 3)
		grow_index(db);
	size_t key_length;
	char *key = index_key(ecosystem, name, &key_length);
	uint64_t hash = hash_bytes(key, key_length);
	struct osv_index_slot *slot = find_slot(db->slots, db->slot_count, hash, key, key_length);
	if (slot->key) {
		free(key);
		return;
	}
	slot->key = key;
	slot->key_length = key_length;
	slot->hash = hash;
	db->package_count++;
}

void osv_package_set_free(struct osv_package_set *set)
{
	if (!set)
		return;
	osv_db_release(&set->keys);
	free(set);
}

static bool package_set_has(const struct osv_package_set *set, const char *ecosystem, const char *name)
{
	const struct osv_db *db = &set->keys;
	if (!db->slot_count)
		return false;
	size_t key_length;
	char *key = index_key(ecosystem, name, &key_length);
	const struct osv_index_slot *slot = find_slot(db->slots, db->slot_count, hash_bytes(key, key_length), key, key_length);
	free(key);
	return slot->key != NULL;
}

/* A syntax-checking walk over JSON bytes that builds nothing. Any doubt (bad syntax, too deep)
 * sets `failed`; the caller then parses the whole input the ordinary way. */
struct skim {
	const char *cursor, *end;
	int depth;
	bool failed;
};

#define SKIM_MAX_DEPTH 512

static void skim_space(struct skim *skim)
{
	while (skim->cursor < skim->end &&
	       (*skim->cursor == ' ' || *skim->cursor == '\n' || *skim->cursor == '\r' || *skim->cursor == '\t'))
		skim->cursor++;
}

static bool skim_peek(struct skim *skim, char c)
{
	skim_space(skim);
	return skim->cursor < skim->end && *skim->cursor == c;
}

/* A string: its raw bytes between the quotes, and whether it holds escapes. */
static bool skim_string(struct skim *skim, const char **start, size_t *length, bool *escaped)
{
	skim_space(skim);
	if (skim->cursor >= skim->end || *skim->cursor != '"')
		return !(skim->failed = true);
	const char *begin = ++skim->cursor;
	bool has_escape = false;
	while (skim->cursor < skim->end && *skim->cursor != '"') {
		unsigned char c = (unsigned char)*skim->cursor;
		if (c < 0x20)
			return !(skim->failed = true);
		if (c == '\\') {
			has_escape = true;
			skim->cursor++;
		}
		skim->cursor++;
	}
	if (skim->cursor >= skim->end)
		return !(skim->failed = true);
	if (start) {
		*start = begin;
		*length = (size_t)(skim->cursor - begin);
		*escaped = has_escape;
	}
	skim->cursor++;
	return true;
}

static bool skim_value(struct skim *skim);

/* Walks an object's members, handing each key to `member` (which must consume the value). */
static bool skim_object(struct skim *skim, bool (*member)(struct skim *, const char *, size_t, void *), void *opaque)
{
	if (!skim_peek(skim, '{') || ++skim->depth > SKIM_MAX_DEPTH)
		return !(skim->failed = true);
	skim->cursor++;
	if (skim_peek(skim, '}')) {
		skim->cursor++;
		skim->depth--;
		return true;
	}
	for (;;) {
		const char *key;
		size_t key_length;
		bool escaped;
		/* an escaped key could spell a key the walk looks for: leave it to the parser */
		if (!skim_string(skim, &key, &key_length, &escaped) || (escaped && member) || !skim_peek(skim, ':'))
			return !(skim->failed = true);
		skim->cursor++;
		if (!(member ? member(skim, key, key_length, opaque) : skim_value(skim)))
			return !(skim->failed = true);
		if (skim_peek(skim, ',')) {
			skim->cursor++;
			continue;
		}
		if (skim_peek(skim, '}')) {
			skim->cursor++;
			skim->depth--;
			return true;
		}
		return !(skim->failed = true);
	}
}

/* Walks an array's elements, handing each to `element` (which must consume it). */
static bool skim_array(struct skim *skim, bool (*element)(struct skim *, void *), void *opaque)
{
	if (!skim_peek(skim, '[') || ++skim->depth > SKIM_MAX_DEPTH)
		return !(skim->failed = true);
	skim->cursor++;
	if (skim_peek(skim, ']')) {
		skim->cursor++;
		skim->depth--;
		return true;
	}
	for (;;) {
		if (!(element ? element(skim, opaque) : skim_value(skim)))
			return !(skim->failed = true);
		if (skim_peek(skim, ',')) {
			skim->cursor++;
			continue;
		}
		if (skim_peek(skim, ']')) {
			skim->cursor++;
			skim->depth--;
			return true;
		}
		return !(skim->failed = true);
	}
}

static bool skim_literal(struct skim *skim, const char *word)
{
	size_t length = strlen(word);
	if ((size_t)(skim->end - skim->cursor) < length || memcmp(skim->cursor, word, length) != 0)
		return !(skim->failed = true);
	skim->cursor += length;
	return true;
}

static bool skim_number(struct skim *skim)
{
	const char *start = skim->cursor;
	while (skim->cursor < skim->end && (strchr("+-.eE", *skim->cursor) || (*skim->cursor >= '0' && *skim->cursor <= '9')))
		skim->cursor++;
	return skim->cursor > start || !(skim->failed = true);
}

static bool skim_value(struct skim *skim)
{
	skim_space(skim);
	if (skim->cursor >= skim->end)
		return !(skim->failed = true);
	switch (*skim->cursor) {
	case '{': return skim_object(skim, NULL, NULL);
	case '[': return skim_array(skim, NULL, NULL);
	case '"': return skim_string(skim, NULL, NULL, NULL);
	case 't': return skim_literal(skim, "true");
	case 'f': return skim_literal(skim, "false");
	case 'n': return skim_literal(skim, "null");
	default: return skim_number(skim);
	}
}

static bool key_is(const char *key, size_t length, const char *name)
{
	return strlen(name) == length && memcmp(key, name, length) == 0;
}

struct skim_package {
	const char *ecosystem, *name;
	size_t ecosystem_length, name_length;
	bool escaped;
};

static bool skim_package_member(struct skim *skim, const char *key, size_t length, void *opaque)
{
	struct skim_package *package = opaque;
	bool is_ecosystem = key_is(key, length, "ecosystem"), is_name = key_is(key, length, "name");
	if ((!is_ecosystem && !is_name) || !skim_peek(skim, '"'))
		return skim_value(skim);
	bool escaped;
	if (!skim_string(skim, is_name ? &package->name : &package->ecosystem,
			 is_name ? &package->name_length : &package->ecosystem_length, &escaped))
		return false;
	package->escaped |= escaped;
	return true;
}

struct skim_record {
	const struct osv_package_set *packages;
	bool wanted;
	bool has_id;
};

static bool skim_affected_member(struct skim *skim, const char *key, size_t length, void *opaque)
{
	struct skim_record *record = opaque;
	if (!key_is(key, length, "package") || !skim_peek(skim, '{'))
		return skim_value(skim);
	struct skim_package package = { 0 };
	if (!skim_object(skim, skim_package_member, &package))
		return false;
	if (package.escaped || !package.ecosystem || !package.name) {
		/* cannot compare without decoding, or malformed: let the parser see it */
		record->wanted = true;
	} else if (!record->wanted) {
		char *ecosystem = xstrndup(package.ecosystem, package.ecosystem_length);
		char *name = xstrndup(package.name, package.name_length);
		record->wanted = package_set_has(record->packages, ecosystem, name);
		free(ecosystem);
		free(name);
	}
	return true;
}

static bool skim_affected_element(struct skim *skim, void *opaque)
{
	if (!skim_peek(skim, '{'))
		return skim_value(skim);
	return skim_object(skim, skim_affected_member, opaque);
}

static bool skim_record_member(struct skim *skim, const char *key, size_t length, void *opaque)
{
	struct skim_record *record = opaque;
	if (key_is(key, length, "id") && skim_peek(skim, '"')) {
		record->has_id = true;
		return skim_value(skim);
	}
	if (!key_is(key, length, "affected") || !skim_peek(skim, '['))
		return skim_value(skim);
	return skim_array(skim, skim_affected_element, opaque);
}

struct skim_records {
	const struct osv_package_set *packages;
	json_t *kept;
	bool seen;
};

static bool skim_record_element(struct skim *skim, void *opaque)
{
	struct skim_records *records = opaque;
	skim_space(skim);
	const char *start = skim->cursor;
	struct skim_record record = { records->packages, false, false };
	if (!skim_peek(skim, '{') || !skim_object(skim, skim_record_member, &record))
		return !(skim->failed = true);
	if (!record.wanted && record.has_id)
		return true; /* a record without an id is parsed, so that it is reported */
	json_error_t json_error;
	json_t *value = json_loadb(start, (size_t)(skim->cursor - start), JSON_REJECT_DUPLICATES, &json_error);
	if (!value)
		return !(skim->failed = true);
	json_array_append_new(records->kept, value);
	return true;
}

static bool skim_root_member(struct skim *skim, const char *key, size_t length, void *opaque)
{
	struct skim_records *records = opaque;
	if (!key_is(key, length, "records"))
		return skim_value(skim);
	if (records->seen || !skim_peek(skim, '['))
		return !(skim->failed = true); /* a second "records", or not an array: the parser says why */
	records->seen = true;
	return skim_array(skim, skim_record_element, records);
}

int osv_db_parse_only(struct osv_db *db, const char *bytes, size_t length, const struct osv_package_set *packages,
		      char **error)
{
	struct skim skim = { bytes, bytes + length, 0, false };
	struct skim_records records = { packages, json_array(), false };
	bool skimmed = skim_object(&skim, skim_root_member, &records) && records.seen;
	skim_space(&skim);
	if (skimmed && !skim.failed && skim.cursor == skim.end) {
		json_t *root = json_object();
		json_object_set_new(root, "records", records.kept);
		int status = osv_db_read(db, root, NULL);
		json_decref(root);
		if (status == 0)
			return 0;
	} else {
		json_decref(records.kept);
	}
	return osv_db_parse(db, bytes, length, error);
}
