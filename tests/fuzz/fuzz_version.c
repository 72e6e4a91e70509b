/* libFuzzer entry for the version comparators: the input is split at its first NUL (or in half)
 * into two versions, compared in every ecosystem (Maven and Alpine included). No crash,
 * compare(a,b) == -compare(b,a), compare(a,a) == 0, and version_is_valid agrees with whether a
 * comparison parses. An input with a second NUL gives a third version, and then the ordering
 * must be transitive (a <= b and b <= c imply a <= c) where the ecosystem's own tool is: Maven's
 * padding rules and apk's token comparison are not, over malformed versions ("0.sls" < "0b2" <
 * "0" < "0.sls" in Maven itself), so those two are held to the other properties only. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "version.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t split = nul ? (size_t)(nul - data) : size / 2;
	char *a = xstrndup((const char *)data, split);
	size_t rest = nul ? size - split - 1 : size - split;
	const uint8_t *rest_start = data + (size - rest);
	const uint8_t *second_nul = nul ? memchr(rest_start, '\0', rest) : NULL;
	size_t b_length = second_nul ? (size_t)(second_nul - rest_start) : rest;
	char *b = xstrndup((const char *)rest_start, b_length);
	char *c = second_nul ? xstrndup((const char *)second_nul + 1, rest - b_length - 1) : NULL;
	for (int ecosystem = 0; ecosystem < VERSION_ECOSYSTEM_COUNT; ecosystem++) {
		enum version_ecosystem kind = (enum version_ecosystem)ecosystem;
		int forward = 0, backward = 0, self = 1;
		int forward_status = version_compare(kind, a, b, &forward);
		int backward_status = version_compare(kind, b, a, &backward);
		if (forward_status != backward_status)
			abort(); /* parsing must not depend on the side */
		if (forward_status == 0 && forward != -backward)
			abort(); /* antisymmetry */
		if (version_compare(kind, a, a, &self) == 0 && self != 0)
			abort(); /* reflexivity */
		if ((forward_status == 0) != (version_is_valid(kind, a) && version_is_valid(kind, b)))
			abort();
		int bc = 0, ac = 0;
		bool transitive = kind != VERSION_MAVEN && kind != VERSION_ALPINE;
		if (c && transitive && forward_status == 0 && version_compare(kind, b, c, &bc) == 0 &&
		    version_compare(kind, a, c, &ac) == 0 && forward <= 0 && bc <= 0 && ac > 0)
			abort(); /* transitivity */
	}
	free(a);
	free(b);
	free(c);
	return 0;
}
