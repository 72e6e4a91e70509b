/* Tests of RFC 8785 canonical JSON: the reference vectors of cyberphone/json-canonicalization
 * byte for byte, and ECMAScript number formatting against the generated es6 test file's hashes. */
#include <dirent.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "check_main.h"
#include "util.h"
#include "banned.h"

static char *canonical_of(const char *json_text)
{
	json_error_t error;
	json_t *root = json_loads(json_text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	ck_assert_msg(root != NULL, "cannot parse %s: %s", json_text, error.text);
	char *text = canonical_json_dumps(root, NULL);
	json_decref(root);
	return text;
}

static void assert_canonical(const char *input, const char *expected)
{
	char *actual = canonical_of(input);
	ck_assert_msg(actual != NULL, "no canonical form for %s", input);
	ck_assert_str_eq(actual, expected);
	free(actual);
}

static void assert_number(double value, const char *expected)
{
	char text[CANONICAL_JSON_NUMBER_SIZE];
	ck_assert_int_eq(canonical_json_format_number(value, text), 0);
	ck_assert_msg(strcmp(text, expected) == 0, "%.17g printed as %s, expected %s", value, text, expected);
}

static double double_from_bits(uint64_t bits)
{
	double value;
	memcpy(&value, &bits, sizeof(value));
	return value;
}

START_TEST(test_reference_vectors)
{
	char *input_directory = xasprintf("%s/reference/jcs/input", check_shared_dir());
	DIR *directory = opendir(input_directory);
	if (!directory) {
		printf("skip JCS reference vectors: no %s (set GOOSE_SHARED_DIR to the shared reference data)\n",
		       input_directory);
		free(input_directory);
		return;
	}
	size_t compared = 0;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		char *input_path = xasprintf("%s/%s", input_directory, entry->d_name);
		char *output_path = xasprintf("%s/reference/jcs/output/%s", check_shared_dir(), entry->d_name);
		char *input, *expected;
		size_t input_length, expected_length;
		ck_assert_int_eq(read_file_bytes(input_path, 1 << 20, &input, &input_length), 0);
		ck_assert_int_eq(read_file_bytes(output_path, 1 << 20, &expected, &expected_length), 0);
		json_error_t error;
		json_t *root = json_loadb(input, input_length, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
		ck_assert_msg(root != NULL, "%s: %s", input_path, error.text);
		size_t actual_length;
		char *actual = canonical_json_dumps(root, &actual_length);
		ck_assert_ptr_nonnull(actual);
		ck_assert_msg(actual_length == expected_length && memcmp(actual, expected, actual_length) == 0,
			      "%s:\n got      %s\n expected %.*s", entry->d_name, actual, (int)expected_length, expected);
		/* and the expected bytes are recognised as canonical */
		ck_assert(canonical_json_parse_canonical(expected, expected_length, NULL, NULL));
		compared++;
		free(actual);
		json_decref(root);
		free(input);
		free(expected);
		free(input_path);
		free(output_path);
	}
	closedir(directory);
	free(input_directory);
	printf("JCS reference vectors: %zu files byte-identical\n", compared);
	ck_assert_uint_ge(compared, 6);
}
END_TEST

START_TEST(test_number_formatting)
{
	/* the sample lines of the es6 test file's description, and ECMAScript's edges */
	assert_number(double_from_bits(0x4340000000000001ULL), "9007199254740994");
	assert_number(double_from_bits(0x4340000000000002ULL), "9007199254740996");
	assert_number(double_from_bits(0x444b1ae4d6e2ef50ULL), "1e+21");
	assert_number(double_from_bits(0x3eb0c6f7a0b5ed8dULL), "0.000001");
	assert_number(double_from_bits(0x3eb0c6f7a0b5ed8cULL), "9.999999999999997e-7");
	assert_number(double_from_bits(0x8000000000000000ULL), "0");
	assert_number(0, "0");
	assert_number(1e21 - 65536 * 2, "999999999999999900000");
	assert_number(123e-20, "1.23e-18");
	assert_number(0.1, "0.1");
	assert_number(-1.5, "-1.5");
	assert_number(100, "100");
	assert_number(5e-324, "5e-324");
	assert_number(1.7976931348623157e308, "1.7976931348623157e+308");
	assert_number(333333333.33333329, "333333333.3333333");
	assert_number(0.000001, "0.000001");
	assert_number(0.0000001, "1e-7");
	char text[CANONICAL_JSON_NUMBER_SIZE];
	ck_assert_int_eq(canonical_json_format_number(NAN, text), -1);
	ck_assert_int_eq(canonical_json_format_number(INFINITY, text), -1);
	ck_assert_int_eq(canonical_json_format_number(-INFINITY, text), -1);
}
END_TEST

/* The es6 test file's generator (testdata-README.md): fixed edge values, 2000 consecutive
 * subnormal-adjacent values, then doubles read from a SHA-256 chain. */
static const uint64_t es6_static_values[] = {
	0x0000000000000000ULL, 0x8000000000000000ULL, 0x0000000000000001ULL, 0x8000000000000001ULL,
	0xc46696695dbd1cc3ULL, 0xc43211ede4974a35ULL, 0xc3fce97ca0f21056ULL, 0xc3c7213080c1a6acULL,
	0xc39280f39a348556ULL, 0xc35d9b1f5d20d557ULL, 0xc327af4c4a80aaacULL, 0xc2f2f2a36ecd5556ULL,
	0xc2be51057e155558ULL, 0xc28840d131aaaaacULL, 0xc253670dc1555557ULL, 0xc21f0b4935555557ULL,
	0xc1e8d5d42aaaaaacULL, 0xc1b3de4355555556ULL, 0xc17fca0555555556ULL, 0xc1496e6aaaaaaaabULL,
	0xc114585555555555ULL, 0xc0e046aaaaaaaaabULL, 0xc0aa0aaaaaaaaaaaULL, 0xc074d55555555555ULL,
	0xc040aaaaaaaaaaabULL, 0xc00aaaaaaaaaaaabULL, 0xbfd5555555555555ULL, 0xbfa1111111111111ULL,
	0xbf6b4e81b4e81b4fULL, 0xbf35d867c3ece2a5ULL, 0xbf0179ec9cbd821eULL, 0xbecbf647612f3696ULL,
	0xbe965e9f80f29212ULL, 0xbe61e54c672874dbULL, 0xbe2ca213d840baf8ULL, 0xbdf6e80fe033c8c6ULL,
	0xbdc2533fe68fd3d2ULL, 0xbd8d51ffd74c861cULL, 0xbd5774ccac3d3817ULL, 0xbd22c3d6f030f9acULL,
	0xbcee0624b3818f79ULL, 0xbcb804ea293472c7ULL, 0xbc833721ba905bd3ULL, 0xbc4ebe9c5db3c61eULL,
	0xbc18987d17c304e5ULL, 0xbbe3ad30dfcf371dULL, 0xbbaf7b816618582fULL, 0xbb792f9ab81379bfULL,
	0xbb442615600f9499ULL, 0xbb101e77800c76e1ULL, 0xbad9ca58cce0be35ULL, 0xbaa4a1e0a3e6fe90ULL,
	0xba708180831f320dULL, 0xba3a68cd9e985016ULL, 0x446696695dbd1cc3ULL, 0x443211ede4974a35ULL,
	0x43fce97ca0f21056ULL, 0x43c7213080c1a6acULL, 0x439280f39a348556ULL, 0x435d9b1f5d20d557ULL,
	0x4327af4c4a80aaacULL, 0x42f2f2a36ecd5556ULL, 0x42be51057e155558ULL, 0x428840d131aaaaacULL,
	0x4253670dc1555557ULL, 0x421f0b4935555557ULL, 0x41e8d5d42aaaaaacULL, 0x41b3de4355555556ULL,
	0x417fca0555555556ULL, 0x41496e6aaaaaaaabULL, 0x4114585555555555ULL, 0x40e046aaaaaaaaabULL,
	0x40aa0aaaaaaaaaaaULL, 0x4074d55555555555ULL, 0x4040aaaaaaaaaaabULL, 0x400aaaaaaaaaaaabULL,
	0x3fd5555555555555ULL, 0x3fa1111111111111ULL, 0x3f6b4e81b4e81b4fULL, 0x3f35d867c3ece2a5ULL,
	0x3f0179ec9cbd821eULL, 0x3ecbf647612f3696ULL, 0x3e965e9f80f29212ULL, 0x3e61e54c672874dbULL,
	0x3e2ca213d840baf8ULL, 0x3df6e80fe033c8c6ULL, 0x3dc2533fe68fd3d2ULL, 0x3d8d51ffd74c861cULL,
	0x3d5774ccac3d3817ULL, 0x3d22c3d6f030f9acULL, 0x3cee0624b3818f79ULL, 0x3cb804ea293472c7ULL,
	0x3c833721ba905bd3ULL, 0x3c4ebe9c5db3c61eULL, 0x3c18987d17c304e5ULL, 0x3be3ad30dfcf371dULL,
	0x3baf7b816618582fULL, 0x3b792f9ab81379bfULL, 0x3b442615600f9499ULL, 0x3b101e77800c76e1ULL,
	0x3ad9ca58cce0be35ULL, 0x3aa4a1e0a3e6fe90ULL, 0x3a708180831f320dULL, 0x3a3a68cd9e985016ULL,
	0x4024000000000000ULL, 0x4014000000000000ULL, 0x3fe0000000000000ULL, 0x3fa999999999999aULL,
	0x3f747ae147ae147bULL, 0x3f40624dd2f1a9fcULL, 0x3f0a36e2eb1c432dULL, 0x3ed4f8b588e368f1ULL,
	0x3ea0c6f7a0b5ed8dULL, 0x3e6ad7f29abcaf48ULL, 0x3e35798ee2308c3aULL, 0x3ed539223589fa95ULL,
	0x3ed4ff26cd5a7781ULL, 0x3ed4f95a762283ffULL, 0x3ed4f8c60703520cULL, 0x3ed4f8b72f19cd0dULL,
	0x3ed4f8b5b31c0c8dULL, 0x3ed4f8b58d1c461aULL, 0x3ed4f8b5894f7f0eULL, 0x3ed4f8b588ee37f3ULL,
	0x3ed4f8b588e47da4ULL, 0x3ed4f8b588e3849cULL, 0x3ed4f8b588e36bb5ULL, 0x3ed4f8b588e36937ULL,
	0x3ed4f8b588e368f8ULL, 0x3ed4f8b588e368f1ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
	0xbfeffffffffffffaULL, 0xbfeffffffffffffbULL, 0x3feffffffffffffaULL, 0x3feffffffffffffbULL,
	0x3feffffffffffffcULL, 0x3feffffffffffffeULL, 0xbfefffffffffffffULL, 0xbfefffffffffffffULL,
	0x3fefffffffffffffULL, 0x3fefffffffffffffULL, 0x3fd3333333333332ULL, 0x3fd3333333333333ULL,
	0x3fd3333333333334ULL, 0x0010000000000000ULL, 0x000ffffffffffffdULL, 0x000fffffffffffffULL,
	0x7fefffffffffffffULL, 0xffefffffffffffffULL, 0x4340000000000000ULL, 0xc340000000000000ULL,
	0x4430000000000000ULL, 0x44b52d02c7e14af5ULL, 0x44b52d02c7e14af6ULL, 0x44b52d02c7e14af7ULL,
	0x444b1ae4d6e2ef4eULL, 0x444b1ae4d6e2ef4fULL, 0x444b1ae4d6e2ef50ULL, 0x3eb0c6f7a0b5ed8cULL,
	0x3eb0c6f7a0b5ed8dULL, 0x41b3de4355555553ULL, 0x41b3de4355555554ULL, 0x41b3de4355555555ULL,
	0x41b3de4355555556ULL, 0x41b3de4355555557ULL, 0xbecbf647612f3696ULL, 0x43143ff3c1cb0959ULL,};

struct es6_generator {
	size_t index;
	unsigned char block[32];
	size_t block_used; /* doubles of `block` already taken (4 = none left) */
};

static uint64_t es6_next(struct es6_generator *generator)
{
	size_t static_count = sizeof(es6_static_values) / sizeof(es6_static_values[0]);
	size_t index = generator->index++;
	if (index < static_count)
		return es6_static_values[index];
	if (index < static_count + 2000)
		return 0x0010000000000000ULL + (index - static_count);
	for (;;) {
		if (generator->block_used == 4) {
			unsigned int length;
			EVP_Digest(generator->block, sizeof(generator->block), generator->block, &length, EVP_sha256(), NULL);
			generator->block_used = 0;
		}
		uint64_t bits = 0;
		for (int byte = 7; byte >= 0; byte--) /* Float64Array reads little-endian */
			bits = (bits << 8) | generator->block[generator->block_used * 8 + (size_t)byte];
		generator->block_used++;
		double value = double_from_bits(bits);
		if (value != 0 && isfinite(value))
			return bits;
	}
}

/* SHA-256 of the first `lines` lines "hex-ieee,expected\n" of the es6 test file, with our
 * formatting as "expected". The README's table holds the real file's hashes. */
static void es6_file_hash(size_t lines, char hex_digest[65])
{
	struct es6_generator generator = { .block_used = 4 };
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	EVP_DigestInit_ex(context, EVP_sha256(), NULL);
	for (size_t i = 0; i < lines; i++) {
		uint64_t bits = es6_next(&generator);
		char number[CANONICAL_JSON_NUMBER_SIZE];
		ck_assert_int_eq(canonical_json_format_number(double_from_bits(bits), number), 0);
		char line[64];
		int length = snprintf(line, sizeof(line), "%llx,%s\n", (unsigned long long)bits, number);
		EVP_DigestUpdate(context, line, (size_t)length);
	}
	unsigned char digest[32];
	unsigned int digest_length;
	EVP_DigestFinal_ex(context, digest, &digest_length);
	EVP_MD_CTX_free(context);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex_digest + 2 * i, 3, "%02x", digest[i]);
}

START_TEST(test_es6_number_file_hashes)
{
	char digest[65];
	es6_file_hash(1000, digest);
	ck_assert_str_eq(digest, "be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687");
	es6_file_hash(10000, digest);
	ck_assert_str_eq(digest, "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892");
	es6_file_hash(100000, digest);
	ck_assert_str_eq(digest, "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7");
	/* a million lines takes seconds: only when asked */
	const char *long_run = getenv("GOOSE_JCS_MILLION");
	if (long_run && *long_run) {
		es6_file_hash(1000000, digest);
		ck_assert_str_eq(digest, "49415fee2c56c77864931bd3624faad425c3c577d6d74e89a83bc725506dad16");
		printf("es6 number file: 1000000 lines match\n");
	}
}
END_TEST

START_TEST(test_strings_and_structure)
{
	assert_canonical("\"\\u0000\\u0001\\u001f\\u007f\\b\\f\\n\\r\\t\\\"\\\\/\"",
			 "\"\\u0000\\u0001\\u001f\x7f\\b\\f\\n\\r\\t\\\"\\\\/\"");
	assert_canonical("\"\\u2028\\u00e9\"", "\"\xe2\x80\xa8\xc3\xa9\"");
	assert_canonical(" { \"b\" : [ 1 , 2.0 , -0.0 , true , null ] , \"a\" : { } } ", "{\"a\":{},\"b\":[1,2,0,true,null]}");
	assert_canonical("[]", "[]");
	assert_canonical("[[[]]]", "[[[]]]");
	assert_canonical("{\"\":1}", "{\"\":1}");
	assert_canonical("-9007199254740991", "-9007199254740991");
}
END_TEST

START_TEST(test_name_order_is_utf16)
{
	/* U+1F602 is a surrogate pair (0xD83D...) and sorts before U+E000 and U+FB33 in UTF-16,
	 * though its code point is larger */
	assert_canonical("{\"\\ufb33\":1,\"\\ue000\":2,\"\\ud83d\\ude02\":3,\"\\u00f6\":4}",
			 "{\"\xc3\xb6\":4,\"\xf0\x9f\x98\x82\":3,\"\xee\x80\x80\":2,\"\xef\xac\xb3\":1}");
	ck_assert_int_lt(canonical_json_compare_names("a", 1, "ab", 2), 0);
	ck_assert_int_gt(canonical_json_compare_names("b", 1, "ab", 2), 0);
	ck_assert_int_eq(canonical_json_compare_names("ab", 2, "ab", 2), 0);
	/* names with NUL are compared by their full length */
	ck_assert_int_lt(canonical_json_compare_names("a", 1, "a\0", 2), 0);
}
END_TEST

START_TEST(test_unrepresentable_values)
{
	json_t *big = json_integer(9007199254740992LL);
	ck_assert_ptr_null(canonical_json_dumps(big, NULL));
	json_decref(big);
	/* a chain deeper than the limit is refused, not recursed into */
	json_t *root = json_array(), *inner = root;
	for (int i = 0; i < CANONICAL_JSON_MAX_DEPTH + 2; i++) {
		json_t *next = json_array();
		json_array_append_new(inner, next);
		inner = next;
	}
	ck_assert_ptr_null(canonical_json_dumps(root, NULL));
	json_decref(root);
}
END_TEST

START_TEST(test_parse_canonical)
{
	static const char canonical[] = "{\"a\":[1,\"x\"],\"b\":null}";
	json_t *parsed = NULL;
	char *error = NULL;
	ck_assert(canonical_json_parse_canonical(canonical, strlen(canonical), &parsed, &error));
	ck_assert_ptr_nonnull(parsed);
	ck_assert_ptr_null(error);
	json_decref(parsed);
	static const char *const refused[] = {
		"{\"b\":null,\"a\":[1,\"x\"]}", /* order */
		"{\"a\": [1,\"x\"],\"b\":null}", /* whitespace */
		"{\"a\":[1.0,\"x\"],\"b\":null}", /* number spelling */
		"{\"a\":1,\"a\":2}",            /* duplicate */
		"{\"a\":\"\\u0041\"}",          /* needless escape */
		"{\"a\":1} ",                   /* trailing space */
		"-0",
		"",
		"{",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		error = NULL;
		parsed = (json_t *)1;
		ck_assert_msg(!canonical_json_parse_canonical(refused[i], strlen(refused[i]), &parsed, &error),
			      "accepted %s", refused[i]);
		ck_assert_ptr_null(parsed);
		ck_assert_ptr_nonnull(error);
		free(error);
	}
}
END_TEST

static Suite *canonical_json_suite(void)
{
	Suite *suite = suite_create("canonical_json");
	TCase *tcase = tcase_create("canonical_json");
	tcase_set_timeout(tcase, 120);
	tcase_add_test(tcase, test_reference_vectors);
	tcase_add_test(tcase, test_number_formatting);
	tcase_add_test(tcase, test_es6_number_file_hashes);
	tcase_add_test(tcase, test_strings_and_structure);
	tcase_add_test(tcase, test_name_order_is_utf16);
	tcase_add_test(tcase, test_unrepresentable_values);
	tcase_add_test(tcase, test_parse_canonical);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(canonical_json_suite)
