/* libFuzzer entry for the CVSS parsers (v3.x and v4.0): any bytes parse or fail with a message;
 * a parsed vector scores within 0.0-10.0 and reports a severity, and the any-version entry point
 * agrees with the parser of the vector's own version. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tenths(int tenths)
{
	if (tenths < 0 || tenths > 100)
		abort();
	if (!cvss_severity_name(cvss_severity_of_tenths(tenths))[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct cvss_vector vector;
	char *error = NULL;
	int v3_tenths = -1;
	enum cvss_status status = cvss_parse(text, &vector, &error);
	if (status == CVSS_OK) {
		if (error)
			abort();
		v3_tenths = cvss_base_score_tenths(&vector);
		check_tenths(v3_tenths);
	} else if (!error) {
		abort();
	}
	free(error);

	struct cvss4_vector vector4;
	error = NULL;
	int v4_tenths = -1;
	enum cvss_status status4 = cvss4_parse(text, &vector4, &error);
	if (status4 == CVSS_OK) {
		if (error || status == CVSS_OK)
			abort(); /* no string is both a v3 and a v4 vector */
		v4_tenths = cvss4_base_score_tenths(&vector4);
		check_tenths(v4_tenths);
		check_tenths(cvss4_score_tenths(&vector4));
		char macrovector[7];
		cvss4_macrovector(&vector4, false, macrovector);
		if (strspn(macrovector, "012") != 6)
			abort();
	} else if (!error) {
		abort();
	}
	free(error);

	int tenths = -1;
	error = NULL;
	enum cvss_status any = cvss_vector_base_score(text, &tenths, &error);
	if (any == CVSS_OK) {
		if (error || (tenths != v3_tenths && tenths != v4_tenths) || (status != CVSS_OK && status4 != CVSS_OK))
			abort();
	} else if (!error || status4 == CVSS_OK || status == CVSS_OK) {
		abort();
	}
	free(error);
	free(text);
	return 0;
}
