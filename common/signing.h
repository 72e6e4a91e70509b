/* Ed25519 keys and DSSE v1 envelopes through OpenSSL 3's EVP API: what goosec signs plans with
 * and what goose-run verifies them with. Shared by both binaries; no file system access.
 *
 * Key ids: a key's id is the lowercase hex SHA-256 of its raw 32-byte public key (64 digits),
 * so an id names exactly one key and anyone can recompute it from the .pub file. Human names
 * (goose.yaml's `signing.plans`, e.g. "release-ci-2026q4") are carried beside it in the plan.
 *
 * Ownership: a signing_key owns its EVP_PKEY; a signing_envelope owns its strings. */
#ifndef GOOSE_SIGNING_H
#define GOOSE_SIGNING_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define SIGNING_PUBLIC_KEY_SIZE 32
#define SIGNING_SEED_SIZE 32
#define SIGNING_SIGNATURE_SIZE 64
#define SIGNING_KEY_ID_SIZE 65 /* 64 hex digits and a NUL */

/* The DSSE payload type of goosec plans. */
#define SIGNING_PLAN_PAYLOAD_TYPE "application/vnd.goosec.plan+json"

struct evp_pkey_st;

struct signing_key {
	struct evp_pkey_st *key; /* NULL when empty */
	bool has_private;
	unsigned char public_key[SIGNING_PUBLIC_KEY_SIZE];
	char key_id[SIGNING_KEY_ID_SIZE];
};

void signing_key_init(struct signing_key *key);
void signing_key_release(struct signing_key *key);

/* The name a key file carries, as `goosec keygen --name NAME` writes NAME.key: the file name
 * without its folder and its ".key" suffix (caller frees). *has_suffix tells whether the suffix was
 * there; without it the whole file name is returned. */
char *signing_key_name_from_path(const char *path, bool *has_suffix);

/* Each fills an initialised, empty `key`: 0, or -1 with `*error` (malloc'd) and `key` empty. */
int signing_key_generate(struct signing_key *key, char **error);
int signing_key_from_seed(struct signing_key *key, const unsigned char seed[SIGNING_SEED_SIZE], char **error);
int signing_key_from_public(struct signing_key *key, const unsigned char public_key[SIGNING_PUBLIC_KEY_SIZE],
			    char **error);
/* PEM text: a PKCS#8 "PRIVATE KEY" or an SPKI "PUBLIC KEY"; only Ed25519 keys are accepted. */
int signing_key_read_private_pem(struct signing_key *key, const char *pem, size_t length, char **error);
int signing_key_read_public_pem(struct signing_key *key, const char *pem, size_t length, char **error);

/* Appends the key as PEM to `out`: 0, or -1 (a public-only key has no private PEM). */
int signing_key_write_private_pem(const struct signing_key *key, struct strbuf *out);
int signing_key_write_public_pem(const struct signing_key *key, struct strbuf *out);

/* Pure Ed25519 (no prehash, no context) over `message`. */
int signing_sign(const struct signing_key *key, const void *message, size_t length,
		 unsigned char signature[SIGNING_SIGNATURE_SIZE]);
bool signing_verify(const struct signing_key *key, const void *message, size_t length,
		    const unsigned char signature[SIGNING_SIGNATURE_SIZE]);

/* Lowercase hex SHA-256 of `data`. */
void signing_sha256_hex(const void *data, size_t length, char hex[SIGNING_KEY_ID_SIZE]);

/* Standard base64 with padding. Decoding is strict: no whitespace, no missing or extra padding,
 * zero unused bits; returns 0, or -1 on anything else. */
void signing_base64_encode(const void *data, size_t length, struct strbuf *out);
int signing_base64_decode(const char *text, size_t length, struct strbuf *out);

/* DSSE v1 pre-authentication encoding, appended to `out`:
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal. */
void signing_pae(const char *payload_type, const void *payload, size_t length, struct strbuf *out);

/* Appends the canonical JSON DSSE envelope
 * {"payload":B64,"payloadType":TYPE,"signatures":[{"keyid":ID,"sig":B64}]} to `out`; with
 * `key` NULL the envelope is unsigned ("signatures":[]). 0, or -1 when signing failed. */
int signing_dsse_envelope(const char *payload_type, const void *payload, size_t length, const struct signing_key *key,
			  struct strbuf *out);

struct signing_signature {
	char *key_id;
	unsigned char signature[SIGNING_SIGNATURE_SIZE];
};

struct signing_envelope {
	char *payload_type;
	char *payload; /* decoded bytes, NUL-terminated for convenience */
	size_t payload_length;
	struct signing_signature *signatures;
	size_t signature_count;
};

void signing_envelope_init(struct signing_envelope *envelope);
void signing_envelope_release(struct signing_envelope *envelope);

/* Reads an envelope: canonical JSON with exactly the three DSSE members, base64 strictly
 * decoded, every signature 64 bytes. 0, or -1 with `*error` (malloc'd) and nothing kept. */
int signing_envelope_parse(struct signing_envelope *envelope, const char *data, size_t length, char **error);

enum signing_verdict {
	SIGNING_VERIFIED,       /* a signature by a trusted key verifies */
	SIGNING_UNSIGNED,       /* no signatures at all */
	SIGNING_UNTRUSTED_KEY,  /* signatures, but none by a trusted key id */
	SIGNING_BAD_SIGNATURE,  /* a trusted key id signed, but the signature does not verify */
};

/* Checks the envelope's signatures over PAE(payloadType, payload) against `trusted`; on
 * SIGNING_VERIFIED `*signer` (if not NULL) points at the trusted key that verified. */
enum signing_verdict signing_envelope_verify(const struct signing_envelope *envelope, const struct signing_key *trusted,
					     size_t trusted_count, const struct signing_key **signer);

/* "verified", "unsigned", "signed by an untrusted key", "bad signature". */
const char *signing_verdict_text(enum signing_verdict verdict);

#endif
