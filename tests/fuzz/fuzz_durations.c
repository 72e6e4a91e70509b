/* libFuzzer entry for the runner's small text parsers that plans and flags feed: snapshot
 * retention durations ("1w2d"), sizes ("64KiB") and load durations ("1m30s", "250ms"). The input,
 * split at its first NUL, is two texts a and b. Accepted values are never negative, and a
 * duration is the sum of its parts: when a, b and a+b all parse, value(a+b) = value(a) + value(b). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen_schedule.h"
#include "snapshot.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t a_length = nul ? (size_t)(nul - data) : size;
	char *a = xstrndup((const char *)data, a_length);
	char *b = nul ? xstrndup((const char *)nul + 1, size - a_length - 1) : xstrdup("");
	char *joined = xasprintf("%s%s", a, b);

	int64_t sa = 0, sb = 0, sj = 0;
	int ra = snap_parse_duration(a, &sa), rb = snap_parse_duration(b, &sb), rj = snap_parse_duration(joined, &sj);
	if ((ra == 0 && sa < 0) || (rj == 0 && sj < 0))
		abort();
	if (ra == 0 && rb == 0 && rj == 0 && sj != sa + sb)
		abort();

	/* a load duration's last number may go without its unit (seconds), so only a b that starts
	 * a new part is additive when a ends with a unit */
	int64_t la = 0, lb = 0, lj = 0;
	int qa = loadgen_parse_duration(a, &la), qb = loadgen_parse_duration(b, &lb), qj = loadgen_parse_duration(joined, &lj);
	if ((qa == 0 && la < 0) || (qj == 0 && lj < 0))
		abort();
	bool a_has_unit = a_length > 0 && (a[a_length - 1] < '0' || a[a_length - 1] > '9');
	if (qa == 0 && qb == 0 && qj == 0 && a_has_unit && lj != la + lb)
		abort();

	uint64_t bytes = 0;
	if (snap_parse_size(a, &bytes) == 0 && (a[0] < '0' || a[0] > '9'))
		abort();
	free(a);
	free(b);
	free(joined);
	return 0;
}
