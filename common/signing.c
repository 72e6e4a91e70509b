/* Ed25519 through OpenSSL EVP, strict base64, and the DSSE v1 envelope around signed plans.
 * Every OpenSSL failure leaves its error queue cleared, so one bad input never taints the next. */
#include "signing.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "util.h"
#include "banned.h"

void signing_key_init(struct signing_key *key)
{
	memset(key, 0, sizeof(*key));
}

void signing_key_release(struct signing_key *key)
{
	EVP_PKEY_free(key->key);
	signing_key_init(key);
}

static int fail(char **error, const char *message)
{
	ERR_clear_error();
	if (error)
		*error = xstrdup(message);
	return -1;
}

/* Takes ownership of `pkey`: checks it is Ed25519 and fills in the public key and key id. */
static int adopt_key(struct signing_key *key, EVP_PKEY *pkey, bool has_private, char **error)
{
	if (!pkey)
		return fail(error, "not a readable key");
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return fail(error, "not an Ed25519 key");
	}
	size_t length = SIGNING_PUBLIC_KEY_SIZE;
	if (EVP_PKEY_get_raw_public_key(pkey, key->public_key, &length) != 1 || length != SIGNING_PUBLIC_KEY_SIZE) {
		EVP_PKEY_free(pkey);
		return fail(error, "cannot read the public key");
	}
	key->key = pkey;
	key->has_private = has_private;
	signing_sha256_hex(key->public_key, SIGNING_PUBLIC_KEY_SIZE, key->key_id);
	return 0;
}

int signing_key_generate(struct signing_key *key, char **error)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return adopt_key(key, pkey, true, error);
}

int signing_key_from_seed(struct signing_key *key, const unsigned char seed[SIGNING_SEED_SIZE], char **error)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, SIGNING_SEED_SIZE);
	return adopt_key(key, pkey, true, error);
}

int signing_key_from_public(struct signing_key *key, const unsigned char public_key[SIGNING_PUBLIC_KEY_SIZE],
			    char **error)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, public_key, SIGNING_PUBLIC_KEY_SIZE);
	return adopt_key(key, pkey, false, error);
}

int signing_key_read_private_pem(struct signing_key *key, const char *pem, size_t length, char **error)
{
	if (length > 1 << 16)
		return fail(error, "key file is too large");
	BIO *bio = BIO_new_mem_buf(pem, (int)length);
	/* an empty passphrase callback result: encrypted keys are refused, never prompted for */
	EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"") : NULL;
	BIO_free(bio);
	if (!pkey)
		return fail(error, "not a PEM private key (PKCS#8 'PRIVATE KEY', unencrypted)");
	return adopt_key(key, pkey, true, error);
}

int signing_key_read_public_pem(struct signing_key *key, const char *pem, size_t length, char **error)
{
	if (length > 1 << 16)
		return fail(error, "key file is too large");
	BIO *bio = BIO_new_mem_buf(pem, (int)length);
	EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!pkey)
		return fail(error, "not a PEM public key ('PUBLIC KEY')");
	return adopt_key(key, pkey, false, error);
}

static int write_pem(const struct signing_key *key, bool private_part, struct strbuf *out)
{
	if (!key->key || (private_part && !key->has_private))
		return -1;
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio)
		return fail(NULL, "");
	int written = private_part ? PEM_write_bio_PrivateKey(bio, key->key, NULL, NULL, 0, NULL, NULL)
				   : PEM_write_bio_PUBKEY(bio, key->key);
	char *data;
	long length = BIO_get_mem_data(bio, &data);
	if (written == 1 && length > 0)
		strbuf_add(out, data, (size_t)length);
	BIO_free(bio);
	return written == 1 ? 0 : fail(NULL, "");
}

int signing_key_write_private_pem(const struct signing_key *key, struct strbuf *out)
{
	return write_pem(key, true, out);
}

int signing_key_write_public_pem(const struct signing_key *key, struct strbuf *out)
{
	return write_pem(key, false, out);
}

int signing_sign(const struct signing_key *key, const void *message, size_t length,
		 unsigned char signature[SIGNING_SIGNATURE_SIZE])
{
	if (!key->key || !key->has_private)
		return -1;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	size_t signature_length = SIGNING_SIGNATURE_SIZE;
	/* Ed25519 hashes internally: the digest must be NULL and the message given in one call */
	int status = context && EVP_DigestSignInit(context, NULL, NULL, NULL, key->key) == 1 &&
				     EVP_DigestSign(context, signature, &signature_length, message, length) == 1 &&
				     signature_length == SIGNING_SIGNATURE_SIZE
			     ? 0
			     : -1;
	EVP_MD_CTX_free(context);
	if (status != 0)
		ERR_clear_error();
	return status;
}

bool signing_verify(const struct signing_key *key, const void *message, size_t length,
		    const unsigned char signature[SIGNING_SIGNATURE_SIZE])
{
	if (!key->key)
		return false;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	bool verified = context && EVP_DigestVerifyInit(context, NULL, NULL, NULL, key->key) == 1 &&
			EVP_DigestVerify(context, signature, SIGNING_SIGNATURE_SIZE, message, length) == 1;
	EVP_MD_CTX_free(context);
	if (!verified)
		ERR_clear_error();
	return verified;
}

void signing_sha256_hex(const void *data, size_t length, char hex[SIGNING_KEY_ID_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char digest[32];
	unsigned int digest_length = 0;
	if (EVP_Digest(data, length, digest, &digest_length, EVP_sha256(), NULL) != 1 || digest_length != 32) {
		/* SHA-256 cannot fail short of a broken library; an all-zero id then matches nothing real */
		ERR_clear_error();
		memset(digest, 0, sizeof(digest));
	}
	for (size_t i = 0; i < 32; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xF];
	}
	hex[64] = '\0';
}

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void signing_base64_encode(const void *data, size_t length, struct strbuf *out)
{
	const unsigned char *bytes = data;
	size_t i = 0;
	for (; i + 3 <= length; i += 3) {
		unsigned long group = (unsigned long)bytes[i] << 16 | (unsigned long)bytes[i + 1] << 8 | bytes[i + 2];
		strbuf_addch(out, base64_alphabet[(group >> 18) & 63]);
		strbuf_addch(out, base64_alphabet[(group >> 12) & 63]);
		strbuf_addch(out, base64_alphabet[(group >> 6) & 63]);
		strbuf_addch(out, base64_alphabet[group & 63]);
	}
	if (length - i == 1) {
		unsigned long group = (unsigned long)bytes[i] << 16;
		strbuf_addch(out, base64_alphabet[(group >> 18) & 63]);
		strbuf_addch(out, base64_alphabet[(group >> 12) & 63]);
		strbuf_addstr(out, "==");
	} else if (length - i == 2) {
		unsigned long group = (unsigned long)bytes[i] << 16 | (unsigned long)bytes[i + 1] << 8;
		strbuf_addch(out, base64_alphabet[(group >> 18) & 63]);
		strbuf_addch(out, base64_alphabet[(group >> 12) & 63]);
		strbuf_addch(out, base64_alphabet[(group >> 6) & 63]);
		strbuf_addch(out, '=');
	}
}

static int base64_value(char c)
{
	const char *found = c ? strchr(base64_alphabet, c) : NULL;
	return found ? (int)(found - base64_alphabet) : -1;
}

int signing_base64_decode(const char *text, size_t length, struct strbuf *out)
{
	if (length % 4 != 0)
		return -1;
	size_t start = out->len;
	for (size_t i = 0; i < length; i += 4) {
		bool last = i + 4 == length;
		int padding = 0;
		if (last && text[i + 3] == '=')
			padding = text[i + 2] == '=' ? 2 : 1;
		int values[4];
		for (int k = 0; k < 4; k++) {
			values[k] = k >= 4 - padding ? 0 : base64_value(text[i + (size_t)k]);
			if (values[k] < 0)
				goto bad;
		}
		unsigned long group = (unsigned long)values[0] << 18 | (unsigned long)values[1] << 12 |
				      (unsigned long)values[2] << 6 | (unsigned long)values[3];
		/* the bits a padded group leaves unused must be zero: one spelling per byte string */
		if ((padding == 2 && (group & 0xFFFF)) || (padding == 1 && (group & 0xFF)))
			goto bad;
		strbuf_addch(out, (char)(group >> 16));
		if (padding < 2)
			strbuf_addch(out, (char)((group >> 8) & 0xFF));
		if (padding < 1)
			strbuf_addch(out, (char)(group & 0xFF));
	}
	return 0;
bad:
	out->len = start;
	out->buf[start] = '\0';
	return -1;
}

void signing_pae(const char *payload_type, const void *payload, size_t length, struct strbuf *out)
{
	size_t type_length = strlen(payload_type);
	strbuf_addf(out, "DSSEv1 %zu ", type_length);
	strbuf_add(out, payload_type, type_length);
	strbuf_addf(out, " %zu ", length);
	strbuf_add(out, payload, length);
}

int signing_dsse_envelope(const char *payload_type, const void *payload, size_t length, const struct signing_key *key,
			  struct strbuf *out)
{
	struct strbuf encoded;
	strbuf_init(&encoded);
	signing_base64_encode(payload, length, &encoded);
	json_t *envelope = json_object();
	json_object_set_new(envelope, "payload", json_stringn(encoded.buf, encoded.len));
	json_object_set_new(envelope, "payloadType", json_string(payload_type));
	json_t *signatures = json_array();
	json_object_set_new(envelope, "signatures", signatures);
	int status = 0;
	if (key) {
		struct strbuf pae;
		strbuf_init(&pae);
		signing_pae(payload_type, payload, length, &pae);
		unsigned char signature[SIGNING_SIGNATURE_SIZE];
		status = signing_sign(key, pae.buf, pae.len, signature);
		strbuf_release(&pae);
		if (status == 0) {
			strbuf_reset(&encoded);
			signing_base64_encode(signature, sizeof(signature), &encoded);
			json_t *entry = json_object();
			json_object_set_new(entry, "keyid", json_string(key->key_id));
			json_object_set_new(entry, "sig", json_stringn(encoded.buf, encoded.len));
			json_array_append_new(signatures, entry);
		}
	}
	if (status == 0)
		status = canonical_json_write(envelope, out);
	json_decref(envelope);
	strbuf_release(&encoded);
	return status;
}

void signing_envelope_init(struct signing_envelope *envelope)
{
	memset(envelope, 0, sizeof(*envelope));
}

void signing_envelope_release(struct signing_envelope *envelope)
{
	free(envelope->payload_type);
	free(envelope->payload);
	for (size_t i = 0; i < envelope->signature_count; i++)
		free(envelope->signatures[i].key_id);
	free(envelope->signatures);
	signing_envelope_init(envelope);
}

/* A plan carries a handful of signatures at most; more is a hostile input. */
#define SIGNING_MAX_SIGNATURES 16

static int envelope_error(struct signing_envelope *envelope, json_t *root, char **error, char *message)
{
	json_decref(root);
	signing_envelope_release(envelope);
	if (error)
		*error = message;
	else
		free(message);
	return -1;
}

int signing_envelope_parse(struct signing_envelope *envelope, const char *data, size_t length, char **error)
{
	signing_envelope_init(envelope);
	json_t *root = NULL;
	char *reason = NULL;
	if (!canonical_json_parse_canonical(data, length, &root, &reason)) {
		char *message = xasprintf("envelope is not canonical JSON: %s", reason);
		free(reason);
		return envelope_error(envelope, NULL, error, message);
	}
	json_t *payload = json_object_get(root, "payload");
	json_t *payload_type = json_object_get(root, "payloadType");
	json_t *signatures = json_object_get(root, "signatures");
	if (!json_is_object(root) || json_object_size(root) != 3 || !json_is_string(payload) ||
	    !json_is_string(payload_type) || !json_is_array(signatures))
		return envelope_error(envelope, root, error,
				      xstrdup("not a DSSE envelope (expected exactly 'payload', 'payloadType' and 'signatures')"));
	if (strlen(json_string_value(payload_type)) != json_string_length(payload_type))
		return envelope_error(envelope, root, error, xstrdup("'payloadType' holds a NUL byte"));
	struct strbuf decoded;
	strbuf_init(&decoded);
	if (signing_base64_decode(json_string_value(payload), json_string_length(payload), &decoded) != 0) {
		strbuf_release(&decoded);
		return envelope_error(envelope, root, error, xstrdup("'payload' is not strict base64"));
	}
	envelope->payload = strbuf_detach(&decoded, &envelope->payload_length);
	envelope->payload_type = xstrdup(json_string_value(payload_type));
	size_t count = json_array_size(signatures);
	if (count > SIGNING_MAX_SIGNATURES)
		return envelope_error(envelope, root, error, xasprintf("more than %d signatures", SIGNING_MAX_SIGNATURES));
	envelope->signatures = xcalloc(count ? count : 1, sizeof(*envelope->signatures));
	for (size_t i = 0; i < count; i++) {
		json_t *entry = json_array_get(signatures, i);
		json_t *key_id = json_object_get(entry, "keyid");
		json_t *signature = json_object_get(entry, "sig");
		if (!json_is_object(entry) || json_object_size(entry) != 2 || !json_is_string(key_id) ||
		    !json_is_string(signature))
			return envelope_error(envelope, root, error,
					      xasprintf("signature %zu: expected exactly 'keyid' and 'sig' strings", i + 1));
		if (strlen(json_string_value(key_id)) != json_string_length(key_id))
			return envelope_error(envelope, root, error, xasprintf("signature %zu: 'keyid' holds a NUL byte", i + 1));
		strbuf_init(&decoded);
		if (signing_base64_decode(json_string_value(signature), json_string_length(signature), &decoded) != 0 ||
		    decoded.len != SIGNING_SIGNATURE_SIZE) {
			strbuf_release(&decoded);
			return envelope_error(envelope, root, error,
					      xasprintf("signature %zu: 'sig' is not a base64 Ed25519 signature", i + 1));
		}
		envelope->signatures[i].key_id = xstrdup(json_string_value(key_id));
		memcpy(envelope->signatures[i].signature, decoded.buf, SIGNING_SIGNATURE_SIZE);
		envelope->signature_count = i + 1;
		strbuf_release(&decoded);
	}
	json_decref(root);
	return 0;
}

enum signing_verdict signing_envelope_verify(const struct signing_envelope *envelope, const struct signing_key *trusted,
					     size_t trusted_count, const struct signing_key **signer)
{
	if (signer)
		*signer = NULL;
	if (envelope->signature_count == 0)
		return SIGNING_UNSIGNED;
	struct strbuf pae;
	strbuf_init(&pae);
	signing_pae(envelope->payload_type, envelope->payload, envelope->payload_length, &pae);
	enum signing_verdict verdict = SIGNING_UNTRUSTED_KEY;
	for (size_t i = 0; i < envelope->signature_count && verdict != SIGNING_VERIFIED; i++) {
		for (size_t k = 0; k < trusted_count; k++) {
			if (strcmp(envelope->signatures[i].key_id, trusted[k].key_id) != 0)
				continue;
			if (signing_verify(&trusted[k], pae.buf, pae.len, envelope->signatures[i].signature)) {
				verdict = SIGNING_VERIFIED;
				if (signer)
					*signer = &trusted[k];
				break;
			}
			verdict = SIGNING_BAD_SIGNATURE;
		}
	}
	strbuf_release(&pae);
	return verdict;
}

const char *signing_verdict_text(enum signing_verdict verdict)
{
	switch (verdict) {
	case SIGNING_VERIFIED: return "verified";
	case SIGNING_UNSIGNED: return "unsigned";
	case SIGNING_UNTRUSTED_KEY: return "signed by an untrusted key";
	case SIGNING_BAD_SIGNATURE: return "bad signature";
	}
	return "unknown";
}

char *signing_key_name_from_path(const char *path, bool *has_suffix)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t length = strlen(base);
	*has_suffix = length > 4 && strcmp(base + length - 4, ".key") == 0;
	return xstrndup(base, *has_suffix ? length - 4 : length);
}
