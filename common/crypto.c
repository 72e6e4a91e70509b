/* OpenSSL wrappers shared by goosec and goose-run: digests, HKDF, randomness, hex.
 * Kept tiny so the callers never touch OpenSSL's parameter plumbing themselves. */
#include "crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "banned.h"

int crypto_sha256(const void *data, size_t length, unsigned char digest[CRYPTO_SHA256_SIZE])
{
	unsigned int digest_length = 0;
	if (EVP_Digest(data, length, digest, &digest_length, EVP_sha256(), NULL) != 1)
		return -1;
	return digest_length == CRYPTO_SHA256_SIZE ? 0 : -1;
}

void crypto_hex(const unsigned char *bytes, size_t length, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < length; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * length] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int crypto_unhex(const char *hex, size_t hex_length, unsigned char *bytes, size_t length)
{
	if (hex_length != 2 * length)
		return -1;
	for (size_t i = 0; i < length; i++) {
		int high = hex_value(hex[2 * i]);
		int low = hex_value(hex[2 * i + 1]);
		if (high < 0 || low < 0)
			return -1;
		bytes[i] = (unsigned char)(high << 4 | low);
	}
	return 0;
}

int crypto_hkdf_sha256(const unsigned char *secret, size_t secret_length, const unsigned char *salt,
		       size_t salt_length, const char *info, unsigned char *out, size_t out_length)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *context = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!context)
		return -1;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_length),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_length),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info)),
		OSSL_PARAM_construct_end(),
	};
	int status = EVP_KDF_derive(context, out, out_length, params) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(context);
	return status;
}

int crypto_random(unsigned char *out, size_t length)
{
	return RAND_bytes(out, (int)length) == 1 ? 0 : -1;
}

void crypto_wipe(void *secret, size_t length)
{
	OPENSSL_cleanse(secret, length);
}
