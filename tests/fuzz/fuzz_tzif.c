/* libFuzzer entry point for the runner's time zones: any bytes as a TZif file and as a POSIX TZ
 * string must be refused or read, and every zone read must localize any instant (its
 * transitions, either side of them, the extremes) without crashing, with offsets in range and
 * civil dates that map back to the same day. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void localize_checked(const struct tz_zone *zone, int64_t utc)
{
	struct tz_local local;
	tz_localize(zone, utc, &local);
	assert(local.offset >= -89999 && local.offset <= 93599);
	assert(local.month >= 1 && local.month <= 12 && local.day >= 1 && local.day <= 31);
	assert(local.hour >= 0 && local.hour < 24 && local.minute >= 0 && local.minute < 60);
	assert(local.second >= 0 && local.second < 60 && local.weekday >= 0 && local.weekday < 7);
	int64_t days = tz_days_from_civil(local.year, local.month, local.day);
	assert(((days % 7) + 7 + 4) % 7 == local.weekday);
}

static void exercise(const struct tz_zone *zone)
{
	static const int64_t instants[] = { INT64_MIN, -(INT64_C(1) << 59) - 1, -62135596800, -1, 0, 1,
					    1795651200, 4102444800, INT64_C(1) << 40, INT64_MAX };
	for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++)
		localize_checked(zone, instants[i]);
	for (size_t i = 0; i < zone->transition_count && i < 64; i++)
		for (int64_t delta = -1; delta <= 1; delta++) {
			int64_t at = zone->transitions[i]; /* a transition may sit at either extreme */
			if ((delta < 0 && at == INT64_MIN) || (delta > 0 && at == INT64_MAX))
				continue;
			localize_checked(zone, at + delta);
		}
	for (int64_t year = 0; year < 4; year++)
		for (int64_t day = 0; day < 366; day += 7)
			localize_checked(zone, 4102444800 + (year * 366 + day) * 86400);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz_zone zone;
	char *error = NULL;
	if (tz_parse(data, size, &zone, &error) == 0) {
		exercise(&zone);
		tz_zone_release(&zone);
	}
	free(error);
	/* the same bytes as a footer: a zone ruled by the POSIX string alone */
	struct tz_posix posix;
	if (size < 256 && tz_parse_posix((const char *)data, size, &posix) == 0) {
		struct tz_type standard = { 0, false };
		tz_zone_init(&zone);
		zone.types = &standard;
		zone.type_count = 1;
		zone.footer = posix;
		zone.has_footer = true;
		exercise(&zone);
	}
	return 0;
}
