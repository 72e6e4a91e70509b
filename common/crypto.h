/* Small wrappers over OpenSSL for what both binaries need: SHA-256, hex, HKDF-SHA256,
 * random bytes and wiping secrets. Each returns 0, or -1 when OpenSSL fails. */
#ifndef GOOSE_CRYPTO_H
#define GOOSE_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_SIZE 32

int crypto_sha256(const void *data, size_t length, unsigned char digest[CRYPTO_SHA256_SIZE]);

/* Writes 2 * length lowercase hex digits and a NUL into out. */
void crypto_hex(const unsigned char *bytes, size_t length, char *out);

/* Decodes exactly 2 * length hex digits (either case); -1 on anything else. */
int crypto_unhex(const char *hex, size_t hex_length, unsigned char *bytes, size_t length);

/* RFC 5869 HKDF with SHA-256 (extract then expand) through OpenSSL's EVP_KDF "HKDF". */
int crypto_hkdf_sha256(const unsigned char *secret, size_t secret_length, const unsigned char *salt,
		       size_t salt_length, const char *info, unsigned char *out, size_t out_length);

int crypto_random(unsigned char *out, size_t length);

/* Overwrites a secret in a way the compiler may not optimise away. */
void crypto_wipe(void *secret, size_t length);

#endif
