/* libFuzzer entry for the version comparators: the input is split at its first NUL (or in half)
 * into two versions, compared in every ecosystem. No crash, and compare(a,b) == -compare(b,a). */
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
	char *b = xstrndup((const char *)data + (size - rest), rest);
	for (int ecosystem = 0; ecosystem < VERSION_ECOSYSTEM_COUNT; ecosystem++) {
		int forward = 0, backward = 0, self = 1;
		int forward_status = version_compare((enum version_ecosystem)ecosystem, a, b, &forward);
		int backward_status = version_compare((enum version_ecosystem)ecosystem, b, a, &backward);
		if (forward_status != backward_status)
			abort(); /* parsing must not depend on the side */
		if (forward_status == 0 && forward != -backward)
			abort(); /* antisymmetry */
		if (version_compare((enum version_ecosystem)ecosystem, a, a, &self) == 0 && self != 0)
			abort(); /* reflexivity */
	}
	free(a);
	free(b);
	return 0;
}
