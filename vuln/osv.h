/* OSV vulnerability records (https://ossf.github.io/osv-schema/): read from a database file's
 * "records" array, a bare array of records or one record, and indexed by (ecosystem, package
 * name) so a scan looks a component up in one hash probe.
 *
 * Ownership: a struct osv_db holds one reference to the JSON tree it was read from; every
 * string in its records is borrowed from that tree and lives until osv_db_release. Errors
 * returned through `char **error` are the caller's to free. jansson and libc only. */
#ifndef GOOSE_OSV_H
#define GOOSE_OSV_H

#include <stddef.h>

#include <jansson.h>

enum osv_event_kind {
	OSV_EVENT_INTRODUCED,    /* "0" means from the first version */
	OSV_EVENT_FIXED,         /* first version without the vulnerability */
	OSV_EVENT_LAST_AFFECTED, /* last version with it (inclusive) */
	OSV_EVENT_LIMIT,         /* upper bound of the range's search space ("*": none) */
};

struct osv_event {
	enum osv_event_kind kind;
	const char *version;
};

enum osv_range_type {
	OSV_RANGE_SEMVER,    /* SemVer 2.0 ordering */
	OSV_RANGE_ECOSYSTEM, /* the ecosystem's own ordering (vuln/version.h) */
	OSV_RANGE_GIT,       /* commit hashes: never matched against a version, only noted */
};

struct osv_range {
	enum osv_range_type type;
	struct osv_event *events; /* in the record's order */
	size_t event_count;
};

struct osv_affected {
	const char *ecosystem; /* as written: "Go", "npm", "PyPI", "Debian:12", "Alpine:v3.19" */
	const char *name;      /* as written */
	const char *purl;      /* package.purl, or NULL */
	const char **versions; /* the explicit versions[] list */
	size_t version_count;
	struct osv_range *ranges;
	size_t range_count;
};

struct osv_severity {
	const char *type;  /* "CVSS_V3", "CVSS_V4", "CVSS_V2", "Ubuntu", ... */
	const char *score; /* the vector (or the type's own score string) */
};

struct osv_record {
	const char *id;
	const char **aliases;
	size_t alias_count;
	const char *summary;          /* or NULL */
	struct osv_severity *severities;
	size_t severity_count;
	const char *database_severity; /* database_specific.severity ("HIGH", "MODERATE"), or NULL */
	struct osv_affected *affected;
	size_t affected_count;
	const json_t *object;          /* borrowed: the record in the tree */
};

/* One (record, affected entry) pair of a package. */
struct osv_match {
	const struct osv_record *record;
	const struct osv_affected *affected;
};

struct osv_index_slot;

struct osv_db {
	json_t *root;               /* one reference owned */
	struct osv_record *records; /* file order */
	size_t record_count;
	struct osv_index_slot *slots; /* open-addressing hash of (ecosystem, name) */
	size_t slot_count;            /* a power of two, or 0 */
	size_t package_count;         /* distinct (ecosystem, name) keys */
};

void osv_db_init(struct osv_db *db);
void osv_db_release(struct osv_db *db);

/* Reads a parsed tree (takes a new reference; the caller keeps its own): an object with
 * "records" (a database file), a bare array of records, or a single record (an object with
 * "id"). 0, or -1 with *error set to a lowercase one-line message naming the JSON Pointer at
 * fault ("/records/4/affected/0/package: missing 'name'"). On failure the db is left released. */
int osv_db_read(struct osv_db *db, json_t *root, char **error);

/* Parses JSON bytes strictly (duplicate keys refused), then osv_db_read. */
int osv_db_parse(struct osv_db *db, const char *bytes, size_t length, char **error);

/* A set of packages, (ecosystem, name) compared as osv_db_lookup compares them. */
struct osv_package_set;

struct osv_package_set *osv_package_set_new(void);
void osv_package_set_add(struct osv_package_set *set, const char *ecosystem, const char *name);
void osv_package_set_free(struct osv_package_set *set);

/* osv_db_parse for a scan that needs only some packages: the bytes are checked by a fast scan
 * that builds no tree, and only the records naming a package of `packages` (or a name it
 * cannot compare without decoding escapes, or that lacks an id or a package's ecosystem or
 * name) are parsed and read; the others are skipped, so their content beyond JSON syntax and
 * those fields is not checked (range types, events, UTF-8). A document that is not an object with
 * "records", or any error, falls back to osv_db_parse over the whole input, so errors and
 * their JSON Pointers are the same as osv_db_parse's. */
int osv_db_parse_only(struct osv_db *db, const char *bytes, size_t length, const struct osv_package_set *packages,
		      char **error);

/* Every (record, affected) pair naming the package, in file order; *count set. The ecosystem
 * is compared without its ":suffix" ("Debian:12" is found under "Debian"), case-sensitively
 * as OSV spells it; names are compared as the ecosystem does (PyPI: case-insensitive, '-',
 * '_' and '.' alike). Returns NULL with *count 0 when nothing names it. */
const struct osv_match *osv_db_lookup(const struct osv_db *db, const char *ecosystem, const char *name,
				      size_t *count);

/* The record whose id or one of whose aliases is `id`, or NULL. Linear: for tests and tools. */
const struct osv_record *osv_db_find(const struct osv_db *db, const char *id);

#endif
