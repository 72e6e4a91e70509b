/* IANA time zones for goose-run, read from TZif files (RFC 8536) by the runner itself: no TZ
 * environment variable, no localtime, no process-wide state, so any thread may use any zone.
 *
 * A zone is its transition table (64-bit times of version 2+ files; version 1 files give the
 * 32-bit table) plus the footer's POSIX TZ string, which rules every time after the last
 * transition. Times before the first transition take the first local time type.
 *
 * Ownership: a tz_zone owns its tables (tz_zone_release); `*error` goes to the caller. */
#ifndef GOOSE_TZ_H
#define GOOSE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_DIR_ENV "TZDIR"        /* another zoneinfo folder (tests, systems that keep it elsewhere) */
#define TZ_FILE_MAX (1u << 20)    /* real TZif files are a few KiB */
#define TZ_NAME_MAX 255

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, then the local time of day (seconds,
 * -167 h..167 h as RFC 8536 allows). */
struct tz_rule_date {
	char kind;     /* 'J' (1..365, February 29 never counted), 'D' (0..365), 'M' */
	int day;       /* J and D: the day number; M: the weekday 0 (Sunday)..6 */
	int month;     /* M: 1..12 */
	int week;      /* M: 1..5, 5 meaning the last */
	int32_t time;  /* seconds after local midnight */
};

/* A POSIX TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3": offsets are seconds east of UTC. */
struct tz_posix {
	int32_t std_offset;
	int32_t dst_offset;
	bool has_dst;
	struct tz_rule_date start; /* DST begins, in standard time */
	struct tz_rule_date end;   /* DST ends, in daylight time */
};

struct tz_type {
	int32_t offset; /* seconds east of UTC */
	bool is_dst;
};

struct tz_zone {
	int64_t *transitions;     /* ascending UTC times */
	uint8_t *transition_type; /* index into types, one per transition */
	size_t transition_count;
	struct tz_type *types;
	size_t type_count;
	struct tz_posix footer;
	bool has_footer;          /* version 2+ with a non-empty TZ string */
};

/* What a UTC instant is in a zone: the local civil date and time. */
struct tz_local {
	int64_t year;
	int month;    /* 1..12 */
	int day;      /* 1..31 */
	int hour, minute, second;
	int weekday;  /* 0 Sunday .. 6 Saturday */
	int32_t offset;
	bool is_dst;
};

void tz_zone_init(struct tz_zone *zone);
void tz_zone_release(struct tz_zone *zone);

/* Parses the bytes of a TZif file (versions 1 to 4). Leap-second ("right/") zones are refused:
 * the runner's clock is POSIX time. 0, or -1 with `*error`. */
int tz_parse(const unsigned char *data, size_t length, struct tz_zone *zone, char **error);

/* Parses a POSIX TZ string as a TZif footer holds it ("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").
 * 0, or -1 when it is not one. */
int tz_parse_posix(const char *text, size_t length, struct tz_posix *posix);

/* True for a name that may name a zone file: components of [A-Za-z0-9_+-.], no "." or ".."
 * component, no leading or doubled '/', at most TZ_NAME_MAX bytes. */
bool tz_name_is_valid(const char *name);

/* Loads the zone `name` from $TZDIR or TZ_DEFAULT_DIR. "UTC" needs no file. 0, or -1 with
 * `*error` (an unknown zone, a missing tzdata, a file that is not TZif). */
int tz_load(const char *name, struct tz_zone *zone, char **error);

/* The local time type in force at `utc`. */
struct tz_type tz_type_at(const struct tz_zone *zone, int64_t utc);

/* `utc` as local civil time in the zone. */
void tz_localize(const struct tz_zone *zone, int64_t utc, struct tz_local *local);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tz_days_from_civil(int64_t year, int month, int day);
void tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
