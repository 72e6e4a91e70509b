/* libFuzzer entry point for the journal reader: any bytes, with and without a plan digest to
 * bind to, must be refused or read without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char plan_digest[] = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	for (int bound = 0; bound < 2; bound++) {
		json_t *records = NULL;
		size_t torn = 0;
		char *error = NULL;
		if (journal_verify_bytes((const char *)data, size, bound ? plan_digest : NULL, &records, &torn, &error) == 0)
			json_decref(records);
		free(error);
	}
	return 0;
}
