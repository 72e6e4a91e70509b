/* libFuzzer entry for the purl parser: any bytes parse or fail with a message; a parsed purl's
 * canonical string parses again to the same canonical string (canonicalisation is idempotent). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "purl.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *error = NULL;
	char *canonical = purl_canonicalize(text, &error);
	if (canonical) {
		char *again_error = NULL;
		char *again = purl_canonicalize(canonical, &again_error);
		if (!again || strcmp(again, canonical) != 0)
			abort();
		free(again);
	} else if (!error) {
		abort();
	}
	free(canonical);
	free(error);
	free(text);
	return 0;
}
