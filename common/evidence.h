/* Signed evidence bundles: the items that prove a framework's controls (a plan, approvals,
 * reports, step results, build outputs, files), hash-chained, zstd-compressed into one file and
 * signed as an in-toto Statement v1 in a DSSE envelope. Shared by goosec and goose-run.
 *
 * The file is one zstd frame (with its content checksum). Decompressed (`zstd -dc`) it is text,
 * one canonical JSON document per line, so people can read it:
 *
 *   {"format":"goosec-evidence","version":1}                                     the header
 *   {"content":B64,"controls":[..],"evidence":E,"media_type":M,"name":N,
 *    "prev":HEX,"seq":1,"sha256":HEX,"size":BYTES,"source":S}                     one record per item
 *   ...
 *   {"payload":B64,"payloadType":"application/vnd.in-toto+json","signatures":[..]} the DSSE envelope
 *
 * A record's hash is the SHA-256 of its line (no newline); record n's "prev" is record n-1's
 * hash, record 1's the header line's. The last record's hash is the chain head. The envelope's
 * payload is the Statement: "_type" https://in-toto.io/Statement/v1, one subject per item in
 * bundle order ({"digest":{"sha256":HEX},"name":N}), "predicateType" EVIDENCE_PREDICATE_TYPE
 * and a predicate {chain_head, controls (per control: evidence, missing, complete), created,
 * framework, items, missing, plan_digest, run_id, stage, workflow}.
 *
 * Ownership: a bundle owns every string and content buffer it holds (evidence_bundle_release);
 * strings passed to the add functions are copied; errors come back malloc'd. */
#ifndef GOOSE_EVIDENCE_H
#define GOOSE_EVIDENCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signing.h"
#include "util.h"

#define EVIDENCE_FORMAT "goosec-evidence"
#define EVIDENCE_FORMAT_VERSION 1
#define EVIDENCE_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define EVIDENCE_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define EVIDENCE_PREDICATE_TYPE "https://goosec.dev/evidence/v1"
#define EVIDENCE_HEX_SIZE 65
/* Bounds on what a bundle may hold, decompressed, and on one item. */
#define EVIDENCE_MAX_SIZE (256u << 20)
#define EVIDENCE_MAX_ITEM_SIZE (64u << 20)

struct evidence_item {
	char *evidence;   /* the collection rule it answers: "alert-rules" */
	char *name;       /* unique in the bundle, the in-toto subject name: "alert-rules/alerts.yaml" */
	char *media_type;
	char *source;     /* where it was collected: "build:monitoring/prometheus/alerts.yaml" */
	char **controls;  /* the control ids it proves (set when encoding or read back) */
	size_t control_count;
	char *content;    /* NUL-terminated for convenience; `size` bytes */
	size_t size;
	char sha256[EVIDENCE_HEX_SIZE];
	char record_hash[EVIDENCE_HEX_SIZE]; /* set when encoding or read back */
};

struct evidence_control {
	char *id;
	char **evidence; /* the evidence names the control needs */
	size_t evidence_count;
};

struct evidence_missing {
	char *evidence;
	char *reason;
};

struct evidence_bundle {
	/* what the statement says of the run; any may be NULL */
	char *framework, *workflow, *stage, *run_id, *plan_digest;
	int64_t created; /* seconds since the epoch */
	struct evidence_control *controls;
	size_t control_count, control_alloc;
	struct evidence_item *items;
	size_t item_count, item_alloc;
	struct evidence_missing *missing;
	size_t missing_count, missing_alloc;
	char chain_head[EVIDENCE_HEX_SIZE];
	/* set by evidence_bundle_decode */
	struct signing_envelope envelope;
	json_t *statement;
};

void evidence_bundle_init(struct evidence_bundle *bundle);
void evidence_bundle_release(struct evidence_bundle *bundle);

void evidence_bundle_add_control(struct evidence_bundle *bundle, const char *id, const char *const *evidence,
				 size_t evidence_count);

/* Adds an item (content copied, SHA-256 computed): 0, or -1 when `name` is already taken. */
int evidence_bundle_add_item(struct evidence_bundle *bundle, const char *evidence, const char *name,
			     const char *media_type, const char *source, const void *content, size_t size);

/* Records why a piece of evidence could not be collected (shown in the predicate). */
void evidence_bundle_add_missing(struct evidence_bundle *bundle, const char *evidence, const char *reason);

/* Whether the bundle holds at least one item of `evidence`. */
bool evidence_bundle_has(const struct evidence_bundle *bundle, const char *evidence);

/* Whether `evidence` was collected whole: the bundle holds an item of it and no part of it
 * is recorded missing (a {service} path found for some services but not all is not whole). */
bool evidence_bundle_collected(const struct evidence_bundle *bundle, const char *evidence);

/* Whether every evidence control `index` needs is collected whole. */
bool evidence_control_complete(const struct evidence_bundle *bundle, size_t index);

/* True when every control is complete. */
bool evidence_bundle_complete(const struct evidence_bundle *bundle);

/* A media type from a file name's extension ("application/octet-stream" when unknown). */
const char *evidence_media_type(const char *path);

/* Encodes the bundle as the compressed file bytes, appended to `out`; the statement is signed
 * with `key`, or left unsigned (no signatures) when `key` is NULL. Fills each item's controls
 * and record hash and the chain head. 0, or -1 with `*error`. */
int evidence_bundle_encode(struct evidence_bundle *bundle, const struct signing_key *key, struct strbuf *out,
			   char **error);

/* Encodes and writes `path` atomically (temporary sibling, fsync, rename): 0, or -1 with `*error`. */
int evidence_bundle_write_file(struct evidence_bundle *bundle, const struct signing_key *key, const char *path,
			       char **error);

/* Reads a bundle's bytes into an initialised, empty `bundle` and checks everything but the
 * signature: the zstd frame, the header, every record's form, seq, chain link, size and
 * digest, the statement's form, and that its subjects and chain head are exactly the records.
 * 0, or -1 with a one-line reason in `*error`. */
int evidence_bundle_decode(struct evidence_bundle *bundle, const void *data, size_t length, char **error);

enum evidence_verdict {
	EVIDENCE_VERIFIED,
	EVIDENCE_MALFORMED,       /* changed, reordered, added, removed, truncated: see the reason */
	EVIDENCE_UNSIGNED,
	EVIDENCE_UNTRUSTED_KEY,
	EVIDENCE_BAD_SIGNATURE,
};

/* evidence_bundle_decode, then the signature against `trusted`. On anything but VERIFIED
 * `*error` holds the one-line reason; on VERIFIED `*signer` (if not NULL) is the trusted key. */
enum evidence_verdict evidence_bundle_verify(struct evidence_bundle *bundle, const void *data, size_t length,
					     const struct signing_key *trusted, size_t trusted_count,
					     const struct signing_key **signer, char **error);

/* Appends a summary for people (header, run, controls with their coverage, items). */
void evidence_bundle_render(const struct evidence_bundle *bundle, struct strbuf *out);

/* ---- collection: shared by `goosec evidence collect` and the evidence.collect step ---- */

struct evidence_sources {
	const char *tree_root;          /* from: file and report paths; NULL: "." */
	const char *build_dir;          /* from: build paths; NULL: TREE/build */
	const char *run_dir;            /* a goose-run run directory (scan.json and other step files), or NULL */
	const char *plan_bytes;         /* from: plan, the envelope as signed; NULL when there is none */
	size_t plan_length;
	const char *plan_source;        /* where the plan came from, for the item's source */
	const json_t *journal_records;  /* the run's journal records (array), or NULL */
	const char *run_id, *stage, *release; /* placeholders {run}, {stage}, {release}; NULL: any */
	/* {service}: the path is collected once per service named here, and a service it finds
	 * nothing for is missing evidence; NULL (no list known): any file matches */
	const char *const *services;
	size_t service_count;
	/* the stage's last successful rollback drill, where a step this run did not take is looked
	 * for (snapshot.restore: the restore a promotion proves by the drill); NULL: none */
	const json_t *drill_journal_records;
	const char *drill_run_id;
};

/* Collects every item of `rules` ({NAME: {from, step?, path?}}) that a control of the bundle
 * needs (all of them when the bundle has no controls) into the bundle; what cannot be found is
 * noted with evidence_bundle_add_missing (per service for a {service} path). A `step` rule
 * finds the done records of that action in the run's journal; for snapshot.restore, when the
 * run took none, in the journal of the stage's last rollback drill (items named
 * "EVIDENCE/drill-<step>.json", sourced "drill:<run id>/step:<step>"). Returns 0, or -1 with
 * `*error` when a file that exists cannot be read (missing evidence is not an error). */
int evidence_collect(struct evidence_bundle *bundle, const json_t *rules, const struct evidence_sources *sources,
		     char **error);

/* Adds every regular file matching `pattern` (glob(3), relative to `base`) as `evidence`
 * items named "EVIDENCE/<path relative to base>", sourced "KIND:<path>". The number added, or
 * -1 with `*error`. */
int evidence_collect_glob(struct evidence_bundle *bundle, const char *evidence, const char *kind, const char *base,
			  const char *pattern, char **error);

/* ---- retention ---- */

/* Keeps the newest `keep_last` entries of `dir` whose names end in `suffix` ("" for any; ".bundle")
 * and those younger than `max_age_seconds` — an entry is removed only when both say so (a
 * bound of 0 / negative is "no bound": an entry is removed when it is beyond every bound that
 * is set) — and never removes `keep` (a name in `dir`). Entries sort by name: run ids start
 * with their UTC time. Age comes from the entry's mtime against `now`. Appends each removed
 * name to `removed` (a JSON array, may be NULL). Returns how many were removed, or -1 with `*error`. */
int evidence_retention_apply(const char *dir, const char *suffix, long long keep_last, long long max_age_seconds,
			     int64_t now, const char *keep, json_t *removed, char **error);

#endif
