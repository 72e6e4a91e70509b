/* libFuzzer entry for the CVSS v3.x parser: any bytes parse or fail with a message; a parsed
 * vector scores within 0.0-10.0 and reports a severity. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cvss.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct cvss_vector vector;
	char *error = NULL;
	enum cvss_status status = cvss_parse(text, &vector, &error);
	if (status == CVSS_OK) {
		if (error)
			abort();
		int tenths = cvss_base_score_tenths(&vector);
		if (tenths < 0 || tenths > 100)
			abort();
		if (!cvss_severity_name(cvss_severity_of_tenths(tenths))[0])
			abort();
	} else if (!error) {
		abort();
	}
	free(error);
	free(text);
	return 0;
}
