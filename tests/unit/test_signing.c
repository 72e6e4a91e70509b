/* Tests of Ed25519 and DSSE: the RFC 8032 vectors byte for byte, PEM round trips, strict base64,
 * envelope verdicts, and an independent check of our signatures with the openssl command. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

static size_t hex_decode(const char *hex, unsigned char *out, size_t capacity)
{
	size_t length = strlen(hex) / 2;
	ck_assert_uint_le(length, capacity);
	for (size_t i = 0; i < length; i++) {
		unsigned int byte;
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &byte), 1);
		out[i] = (unsigned char)byte;
	}
	return length;
}

static void generate_key(struct signing_key *key)
{
	char *error = NULL;
	signing_key_init(key);
	ck_assert_int_eq(signing_key_generate(key, &error), 0);
	ck_assert_ptr_null(error);
}

START_TEST(test_rfc8032_vectors)
{
	char *path = xasprintf("%s/reference/ed25519/rfc8032-vectors.json", check_shared_dir());
	json_error_t parse_error;
	json_t *root = json_load_file(path, 0, &parse_error);
	if (!root) {
		printf("skip RFC 8032 vectors: cannot read %s (set GOOSE_SHARED_DIR to the shared reference data)\n", path);
		free(path);
		return;
	}
	json_t *vectors = json_object_get(root, "vectors");
	size_t index;
	json_t *vector;
	json_array_foreach(vectors, index, vector) {
		const char *name = json_string_value(json_object_get(vector, "name"));
		unsigned char seed[32], public_key[32], signature[64], made[64];
		size_t message_hex_length = strlen(json_string_value(json_object_get(vector, "message")));
		unsigned char *message = xmalloc(message_hex_length / 2 + 1);
		ck_assert_uint_eq(hex_decode(json_string_value(json_object_get(vector, "secret_key")), seed, 32), 32);
		ck_assert_uint_eq(hex_decode(json_string_value(json_object_get(vector, "public_key")), public_key, 32), 32);
		ck_assert_uint_eq(hex_decode(json_string_value(json_object_get(vector, "signature")), signature, 64), 64);
		size_t message_length = hex_decode(json_string_value(json_object_get(vector, "message")), message,
						   message_hex_length / 2 + 1);

		struct signing_key key;
		signing_key_init(&key);
		ck_assert_int_eq(signing_key_from_seed(&key, seed, NULL), 0);
		ck_assert_msg(memcmp(key.public_key, public_key, 32) == 0, "%s: public key differs", name);
		ck_assert_int_eq(signing_sign(&key, message, message_length, made), 0);
		ck_assert_msg(memcmp(made, signature, 64) == 0, "%s: signature differs", name);

		struct signing_key verifier;
		signing_key_init(&verifier);
		ck_assert_int_eq(signing_key_from_public(&verifier, public_key, NULL), 0);
		ck_assert_msg(signing_verify(&verifier, message, message_length, signature), "%s: does not verify", name);
		for (size_t bit = 0; bit < 512; bit += 37) {
			signature[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			ck_assert_msg(!signing_verify(&verifier, message, message_length, signature),
				      "%s: flipped bit %zu verifies", name, bit);
			signature[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		}
		if (message_length) {
			message[0] ^= 1;
			ck_assert(!signing_verify(&verifier, message, message_length, signature));
		}
		ck_assert_int_eq(signing_sign(&verifier, message, message_length, made), -1); /* public-only cannot sign */
		printf("RFC 8032 %s: public key, signature and verification match\n", name);
		signing_key_release(&key);
		signing_key_release(&verifier);
		free(message);
	}
	ck_assert_uint_ge(json_array_size(vectors), 4);
	json_decref(root);
	free(path);
}
END_TEST

START_TEST(test_pem_round_trip)
{
	struct signing_key key, private_copy, public_copy;
	generate_key(&key);
	struct strbuf private_pem, public_pem;
	strbuf_init(&private_pem);
	strbuf_init(&public_pem);
	ck_assert_int_eq(signing_key_write_private_pem(&key, &private_pem), 0);
	ck_assert_int_eq(signing_key_write_public_pem(&key, &public_pem), 0);
	ck_assert_ptr_nonnull(strstr(private_pem.buf, "-----BEGIN PRIVATE KEY-----"));
	ck_assert_ptr_nonnull(strstr(public_pem.buf, "-----BEGIN PUBLIC KEY-----"));

	signing_key_init(&private_copy);
	signing_key_init(&public_copy);
	ck_assert_int_eq(signing_key_read_private_pem(&private_copy, private_pem.buf, private_pem.len, NULL), 0);
	ck_assert_int_eq(signing_key_read_public_pem(&public_copy, public_pem.buf, public_pem.len, NULL), 0);
	ck_assert_str_eq(private_copy.key_id, key.key_id);
	ck_assert_str_eq(public_copy.key_id, key.key_id);
	ck_assert_uint_eq(strlen(key.key_id), 64);
	ck_assert(private_copy.has_private);
	ck_assert(!public_copy.has_private);
	ck_assert_int_eq(signing_key_write_private_pem(&public_copy, &private_pem), -1);

	/* the id is the SHA-256 of the raw public key */
	char expected_id[SIGNING_KEY_ID_SIZE];
	signing_sha256_hex(key.public_key, sizeof(key.public_key), expected_id);
	ck_assert_str_eq(key.key_id, expected_id);

	/* a public PEM is not a private key, garbage is neither */
	struct signing_key wrong;
	signing_key_init(&wrong);
	char *error = NULL;
	ck_assert_int_eq(signing_key_read_private_pem(&wrong, public_pem.buf, public_pem.len, &error), -1);
	ck_assert_ptr_nonnull(error);
	free(error);
	error = NULL;
	ck_assert_int_eq(signing_key_read_public_pem(&wrong, "garbage", 7, &error), -1);
	ck_assert_ptr_null(wrong.key);
	free(error);

	strbuf_release(&private_pem);
	strbuf_release(&public_pem);
	signing_key_release(&key);
	signing_key_release(&private_copy);
	signing_key_release(&public_copy);
}
END_TEST

static void assert_base64(const char *plain, const char *encoded)
{
	struct strbuf out;
	strbuf_init(&out);
	signing_base64_encode(plain, strlen(plain), &out);
	ck_assert_str_eq(out.buf, encoded);
	strbuf_reset(&out);
	ck_assert_int_eq(signing_base64_decode(encoded, strlen(encoded), &out), 0);
	ck_assert_str_eq(out.buf, plain);
	strbuf_release(&out);
}

START_TEST(test_base64)
{
	/* RFC 4648 section 10 */
	assert_base64("", "");
	assert_base64("f", "Zg==");
	assert_base64("fo", "Zm8=");
	assert_base64("foo", "Zm9v");
	assert_base64("foob", "Zm9vYg==");
	assert_base64("fooba", "Zm9vYmE=");
	assert_base64("foobar", "Zm9vYmFy");
	static const char *const refused[] = { "Zg", "Zg=", "Zh==", "Zm9=", "Zm9v\n", "Zm 9v", "Z===", "=Zg=", "Zg==Zg==",
					       "Zm-v", "Zm_v", "Zm9v====" };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct strbuf out;
		strbuf_init(&out);
		ck_assert_msg(signing_base64_decode(refused[i], strlen(refused[i]), &out) == -1, "accepted '%s'", refused[i]);
		ck_assert_uint_eq(out.len, 0);
		strbuf_release(&out);
	}
}
END_TEST

START_TEST(test_pae)
{
	struct strbuf pae;
	strbuf_init(&pae);
	/* the example of the DSSE protocol description */
	signing_pae("http://example.com/HelloWorld", "hello world", 11, &pae);
	ck_assert_str_eq(pae.buf, "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
	strbuf_reset(&pae);
	signing_pae(SIGNING_PLAN_PAYLOAD_TYPE, "", 0, &pae);
	ck_assert_str_eq(pae.buf, "DSSEv1 32 application/vnd.goosec.plan+json 0 ");
	strbuf_release(&pae);
}
END_TEST

START_TEST(test_envelope_verdicts)
{
	struct signing_key signer, stranger;
	generate_key(&signer);
	generate_key(&stranger);
	static const char payload[] = "{\"format\":1}";
	struct strbuf text;
	strbuf_init(&text);
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, payload, strlen(payload), &signer, &text), 0);
	ck_assert_ptr_nonnull(strstr(text.buf, signer.key_id));

	struct signing_envelope envelope;
	char *error = NULL;
	ck_assert_int_eq(signing_envelope_parse(&envelope, text.buf, text.len, &error), 0);
	ck_assert_str_eq(envelope.payload_type, SIGNING_PLAN_PAYLOAD_TYPE);
	ck_assert_str_eq(envelope.payload, payload);
	ck_assert_uint_eq(envelope.signature_count, 1);
	const struct signing_key *who = NULL;
	ck_assert_int_eq(signing_envelope_verify(&envelope, &signer, 1, &who), SIGNING_VERIFIED);
	ck_assert_ptr_eq(who, &signer);
	ck_assert_int_eq(signing_envelope_verify(&envelope, &stranger, 1, NULL), SIGNING_UNTRUSTED_KEY);
	struct signing_key both[2] = { stranger, signer };
	ck_assert_int_eq(signing_envelope_verify(&envelope, both, 2, &who), SIGNING_VERIFIED);
	ck_assert_ptr_eq(who, &both[1]);

	/* a payload changed after signing: the trusted key's signature no longer verifies */
	envelope.payload[2] = 'F';
	ck_assert_int_eq(signing_envelope_verify(&envelope, &signer, 1, NULL), SIGNING_BAD_SIGNATURE);
	envelope.payload[2] = 'f';
	free(envelope.payload_type);
	envelope.payload_type = xstrdup("application/json");
	ck_assert_int_eq(signing_envelope_verify(&envelope, &signer, 1, NULL), SIGNING_BAD_SIGNATURE);
	signing_envelope_release(&envelope);

	/* an unsigned envelope */
	strbuf_reset(&text);
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, payload, strlen(payload), NULL, &text), 0);
	ck_assert_ptr_nonnull(strstr(text.buf, "\"signatures\":[]"));
	ck_assert_int_eq(signing_envelope_parse(&envelope, text.buf, text.len, NULL), 0);
	ck_assert_int_eq(signing_envelope_verify(&envelope, &signer, 1, NULL), SIGNING_UNSIGNED);
	signing_envelope_release(&envelope);

	/* malformed envelopes are refused with a reason */
	static const char *const refused[] = {
		"{\"payload\":\"e30=\",\"payloadType\":\"t\"}",
		"{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[],\"x\":1}",
		"{\"payload\":\"e30\",\"payloadType\":\"t\",\"signatures\":[]}",
		"{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AAAA\"}]}",
		"{\"payload\":\"e30=\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"k\"}]}",
		"{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[]}",
		"{\"payload\":\"e30=\",\"payloadType\":\"t\\u0000x\",\"signatures\":[]}",
		"[]",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		error = NULL;
		ck_assert_msg(signing_envelope_parse(&envelope, refused[i], strlen(refused[i]), &error) == -1, "accepted %s",
			      refused[i]);
		ck_assert_ptr_nonnull(error);
		ck_assert_ptr_null(envelope.payload);
		free(error);
	}
	strbuf_release(&text);
	signing_key_release(&signer);
	signing_key_release(&stranger);
}
END_TEST

static int write_bytes(const char *path, const void *data, size_t length)
{
	FILE *file = fopen(path, "wb");
	if (!file)
		return -1;
	size_t written = fwrite(data, 1, length, file);
	return fclose(file) == 0 && written == length ? 0 : -1;
}

/* Runs argv with stdout and stderr discarded; returns the exit status, or -1. */
static int run_quietly(char *const argv[])
{
	pid_t child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

START_TEST(test_independent_openssl_verification)
{
	char *openssl_version[] = { "openssl", "version", NULL };
	if (run_quietly(openssl_version) != 0) {
		printf("skip independent verification: no 'openssl' command on PATH\n");
		return;
	}
	char directory[] = "/tmp/goose-signing-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(directory));
	char *public_path = xasprintf("%s/key.pub", directory);
	char *private_path = xasprintf("%s/key.pem", directory);
	char *pae_path = xasprintf("%s/pae.bin", directory);
	char *signature_path = xasprintf("%s/sig.bin", directory);
	char *openssl_signature_path = xasprintf("%s/openssl-sig.bin", directory);

	struct signing_key key;
	generate_key(&key);
	struct strbuf pem, pae, envelope_text;
	strbuf_init(&pem);
	strbuf_init(&pae);
	strbuf_init(&envelope_text);
	ck_assert_int_eq(signing_key_write_public_pem(&key, &pem), 0);
	ck_assert_int_eq(write_bytes(public_path, pem.buf, pem.len), 0);
	strbuf_reset(&pem);
	ck_assert_int_eq(signing_key_write_private_pem(&key, &pem), 0);
	ck_assert_int_eq(write_bytes(private_path, pem.buf, pem.len), 0);

	/* our envelope's signature, over the PAE bytes, checked by openssl alone */
	static const char payload[] = "{\"format\":1,\"steps\":[],\"workflow\":\"promote\"}";
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, payload, strlen(payload), &key, &envelope_text), 0);
	struct signing_envelope envelope;
	ck_assert_int_eq(signing_envelope_parse(&envelope, envelope_text.buf, envelope_text.len, NULL), 0);
	signing_pae(envelope.payload_type, envelope.payload, envelope.payload_length, &pae);
	ck_assert_int_eq(write_bytes(pae_path, pae.buf, pae.len), 0);
	ck_assert_int_eq(write_bytes(signature_path, envelope.signatures[0].signature, SIGNING_SIGNATURE_SIZE), 0);
	char *verify[] = { "openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", public_path,
			   "-in", pae_path, "-sigfile", signature_path, NULL };
	ck_assert_msg(run_quietly(verify) == 0, "openssl pkeyutl -verify refused our signature");

	/* and refuses it over one changed byte */
	pae.buf[pae.len - 3] ^= 1;
	ck_assert_int_eq(write_bytes(pae_path, pae.buf, pae.len), 0);
	ck_assert_msg(run_quietly(verify) != 0, "openssl accepted a signature over changed bytes");
	pae.buf[pae.len - 3] ^= 1;
	ck_assert_int_eq(write_bytes(pae_path, pae.buf, pae.len), 0);

	/* the other way round: openssl signs the PAE with our PEM key, we verify */
	char *sign[] = { "openssl", "pkeyutl", "-sign", "-rawin", "-inkey", private_path,
			 "-in", pae_path, "-out", openssl_signature_path, NULL };
	ck_assert_int_eq(run_quietly(sign), 0);
	char *signature;
	size_t signature_length;
	ck_assert_int_eq(read_file_bytes(openssl_signature_path, 1024, &signature, &signature_length), 0);
	ck_assert_uint_eq(signature_length, SIGNING_SIGNATURE_SIZE);
	ck_assert(signing_verify(&key, pae.buf, pae.len, (const unsigned char *)signature));
	/* Ed25519 is deterministic: both signers produce the same bytes */
	ck_assert(memcmp(signature, envelope.signatures[0].signature, SIGNING_SIGNATURE_SIZE) == 0);
	printf("independent check: openssl pkeyutl verifies our DSSE signature and rejects a changed byte\n");
	free(signature);

	signing_envelope_release(&envelope);
	strbuf_release(&pem);
	strbuf_release(&pae);
	strbuf_release(&envelope_text);
	signing_key_release(&key);
	const char *paths[] = { public_path, private_path, pae_path, signature_path, openssl_signature_path };
	for (size_t i = 0; i < 5; i++)
		unlink(paths[i]);
	rmdir(directory);
	free(public_path);
	free(private_path);
	free(pae_path);
	free(signature_path);
	free(openssl_signature_path);
}
END_TEST

static Suite *signing_suite(void)
{
	Suite *suite = suite_create("signing");
	TCase *tcase = tcase_create("signing");
	tcase_set_timeout(tcase, 60);
	tcase_add_test(tcase, test_rfc8032_vectors);
	tcase_add_test(tcase, test_pem_round_trip);
	tcase_add_test(tcase, test_base64);
	tcase_add_test(tcase, test_pae);
	tcase_add_test(tcase, test_envelope_verdicts);
	tcase_add_test(tcase, test_independent_openssl_verification);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(signing_suite)
