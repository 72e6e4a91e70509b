/* goose-run's view of a plan: reads the DSSE envelope and its canonical payload, checks the
 * shape the steps rely on, verifies the signature against trusted keys and the expiry.
 *
 * Ownership: a plan_reader_plan owns its envelope, payload and bytes (plan_reader_release);
 * errors come back as malloc'd text the caller frees. */
#ifndef GOOSE_PLAN_READER_H
#define GOOSE_PLAN_READER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signing.h"

#include "plan_format.h"

#define PLAN_READER_FORMAT_VERSION PLAN_FORMAT_VERSION
#define PLAN_READER_MAX_SIZE (16u << 20)
/* "sha256:" and 64 hex digits: the plan's identity, over its canonical payload bytes */
#define PLAN_READER_DIGEST_SIZE (7 + 64 + 1)

struct plan_reader_plan {
	struct signing_envelope envelope;
	json_t *payload;              /* NULL until parsed */
	char *envelope_bytes;         /* the file as read, kept to store beside the journal */
	size_t envelope_length;
	char digest[PLAN_READER_DIGEST_SIZE];
	const char *project;          /* borrowed from payload */
	const char *workflow;
	const char *stage;
	const json_t *steps;
	char *payload_error;          /* set when the envelope parsed but its payload did not */
};

enum plan_reader_verdict {
	PLAN_READER_ACCEPTED,
	PLAN_READER_MALFORMED,        /* signature fine (or allowed absent), payload not a plan */
	PLAN_READER_BAD_SIGNATURE,
	PLAN_READER_UNTRUSTED_KEY,
	PLAN_READER_UNSIGNED,
	PLAN_READER_EXPIRED,
	PLAN_READER_NO_EXPIRY,
};

struct plan_reader_policy {
	const struct signing_key *trusted;
	size_t trusted_count;
	bool allow_unsigned;
	bool allow_no_expiry;
	bool check_expiry;            /* resume finishes a started run even past its expiry */
	int64_t now;                  /* seconds since the epoch */
};

void plan_reader_init(struct plan_reader_plan *plan);
void plan_reader_release(struct plan_reader_plan *plan);

/* Parses the bytes of a .plan file (copied): 0, or -1 with `*error` when the envelope is not
 * DSSE. A payload that is not a plan is reported by plan_reader_verify after the signature
 * check, so a flipped payload byte reads as what it is: a bad signature. */
int plan_reader_parse(struct plan_reader_plan *plan, const char *data, size_t length, char **error);

/* Reads and parses a file: 0, or -1 with `*error`. */
int plan_reader_load(struct plan_reader_plan *plan, const char *path, char **error);

/* Signature, trust and expiry; on refusal `*error` says why in one line. */
enum plan_reader_verdict plan_reader_verify(const struct plan_reader_plan *plan, const struct plan_reader_policy *policy,
					    char **error);

/* Reads a PEM public key file (`goosec keygen`'s .pub): 0, or -1 with `*error`. */
int plan_reader_load_trusted_key(const char *path, struct signing_key *key, char **error);

/* The step at `index`'s id and action (borrowed), for callers that walk the steps. */
const char *plan_reader_step_id(const json_t *step);
const char *plan_reader_step_action(const json_t *step);

#endif
