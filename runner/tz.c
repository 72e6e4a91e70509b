/* TZif (RFC 8536) and POSIX TZ strings, read without the C library's time zone machinery: a
 * zone is plain data, so lookups are thread-safe and never touch the process environment. */
#include "tz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "banned.h"

#define TZ_HEADER_SIZE 44
#define TZ_TYPE_MAX 256
#define TZ_OFFSET_MIN (-89999)      /* RFC 8536: utoff in -89999..93599 */
#define TZ_OFFSET_MAX 93599
#define TZ_RULE_HOURS_MAX 167       /* RFC 8536 extension of the POSIX rule time */
#define TZ_TIME_LIMIT (INT64_C(1) << 59) /* instants are clamped here: no overflow in date math */

static uint32_t be32(const unsigned char *in)
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

static int64_t be64(const unsigned char *in)
{
	return (int64_t)((uint64_t)be32(in) << 32 | be32(in + 4));
}

static int64_t floor_div(int64_t value, int64_t divisor)
{
	int64_t quotient = value / divisor;
	return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

static int64_t clamp_time(int64_t utc)
{
	return utc < -TZ_TIME_LIMIT ? -TZ_TIME_LIMIT : utc > TZ_TIME_LIMIT ? TZ_TIME_LIMIT : utc;
}

/* Howard Hinnant's days_from_civil / civil_from_days, in 64 bits. */
int64_t tz_days_from_civil(int64_t year, int month, int day)
{
	year -= month <= 2;
	int64_t era = floor_div(year, 400);
	int64_t year_of_era = year - era * 400;
	int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	days += 719468;
	int64_t era = floor_div(days, 146097);
	int64_t day_of_era = days - era * 146097;
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_index = (5 * day_of_year + 2) / 153;
	*day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
	*month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

static int weekday_of(int64_t days)
{
	return (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

static bool is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int month_length(int64_t year, int month)
{
	static const int lengths[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return month == 2 && is_leap(year) ? 29 : lengths[month - 1];
}

void tz_zone_init(struct tz_zone *zone)
{
	memset(zone, 0, sizeof(*zone));
}

void tz_zone_release(struct tz_zone *zone)
{
	free(zone->transitions);
	free(zone->transition_type);
	free(zone->types);
	tz_zone_init(zone);
}

/* ---- POSIX TZ strings ---- */

struct cursor {
	const char *at;
	const char *end;
};

static bool at_end(const struct cursor *cursor)
{
	return cursor->at >= cursor->end;
}

static int peek(const struct cursor *cursor)
{
	return at_end(cursor) ? -1 : (unsigned char)*cursor->at;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits, '+' and '-'. */
static bool parse_abbreviation(struct cursor *cursor)
{
	size_t length = 0;
	if (peek(cursor) == '<') {
		cursor->at++;
		while (!at_end(cursor) && (is_alpha(peek(cursor)) || is_digit(peek(cursor)) || peek(cursor) == '+' ||
					   peek(cursor) == '-')) {
			cursor->at++;
			length++;
		}
		if (peek(cursor) != '>')
			return false;
		cursor->at++;
	} else {
		while (is_alpha(peek(cursor))) {
			cursor->at++;
			length++;
		}
	}
	return length >= 3;
}

static bool parse_number(struct cursor *cursor, int maximum, int *value)
{
	if (!is_digit(peek(cursor)))
		return false;
	long number = 0;
	while (is_digit(peek(cursor))) {
		number = number * 10 + (peek(cursor) - '0');
		if (number > maximum)
			return false;
		cursor->at++;
	}
	*value = (int)number;
	return true;
}

/* [+-]hh[:mm[:ss]] as seconds; hours up to `max_hours`. */
static bool parse_time(struct cursor *cursor, int max_hours, int32_t *seconds)
{
	int sign = 1;
	if (peek(cursor) == '+' || peek(cursor) == '-') {
		sign = peek(cursor) == '-' ? -1 : 1;
		cursor->at++;
	}
	int hours, minutes = 0, secs = 0;
	if (!parse_number(cursor, max_hours, &hours))
		return false;
	if (peek(cursor) == ':') {
		cursor->at++;
		if (!parse_number(cursor, 59, &minutes))
			return false;
		if (peek(cursor) == ':') {
			cursor->at++;
			if (!parse_number(cursor, 59, &secs))
				return false;
		}
	}
	*seconds = sign * (hours * 3600 + minutes * 60 + secs);
	return true;
}

static bool parse_rule_date(struct cursor *cursor, struct tz_rule_date *date)
{
	memset(date, 0, sizeof(*date));
	date->time = 2 * 3600;
	if (peek(cursor) == 'J') {
		cursor->at++;
		date->kind = 'J';
		if (!parse_number(cursor, 365, &date->day) || date->day < 1)
			return false;
	} else if (peek(cursor) == 'M') {
		cursor->at++;
		date->kind = 'M';
		if (!parse_number(cursor, 12, &date->month) || date->month < 1 || peek(cursor) != '.')
			return false;
		cursor->at++;
		if (!parse_number(cursor, 5, &date->week) || date->week < 1 || peek(cursor) != '.')
			return false;
		cursor->at++;
		if (!parse_number(cursor, 6, &date->day))
			return false;
	} else {
		date->kind = 'D';
		if (!parse_number(cursor, 365, &date->day))
			return false;
	}
	if (peek(cursor) == '/') {
		cursor->at++;
		if (!parse_time(cursor, TZ_RULE_HOURS_MAX, &date->time))
			return false;
	}
	return true;
}

int tz_parse_posix(const char *text, size_t length, struct tz_posix *posix)
{
	struct cursor cursor = { text, text + length };
	memset(posix, 0, sizeof(*posix));
	int32_t offset;
	/* POSIX offsets count west of Greenwich: "CET-1" is one hour east */
	if (!parse_abbreviation(&cursor) || !parse_time(&cursor, 24, &offset))
		return -1;
	posix->std_offset = -offset;
	posix->dst_offset = posix->std_offset;
	if (at_end(&cursor))
		return 0;
	if (!parse_abbreviation(&cursor))
		return -1;
	posix->has_dst = true;
	posix->dst_offset = posix->std_offset + 3600;
	if (peek(&cursor) != ',' && !at_end(&cursor)) {
		if (!parse_time(&cursor, 24, &offset))
			return -1;
		posix->dst_offset = -offset;
	}
	if (at_end(&cursor)) {
		/* no rule: POSIX leaves it to the implementation; glibc takes the US rule */
		posix->start = (struct tz_rule_date){ .kind = 'M', .month = 3, .week = 2, .day = 0, .time = 7200 };
		posix->end = (struct tz_rule_date){ .kind = 'M', .month = 11, .week = 1, .day = 0, .time = 7200 };
		return 0;
	}
	if (peek(&cursor) != ',')
		return -1;
	cursor.at++;
	if (!parse_rule_date(&cursor, &posix->start) || peek(&cursor) != ',')
		return -1;
	cursor.at++;
	if (!parse_rule_date(&cursor, &posix->end) || !at_end(&cursor))
		return -1;
	return 0;
}

/* Seconds from the epoch to the rule's local date and time in `year`, as if local were UTC. */
static int64_t rule_local_seconds(const struct tz_rule_date *date, int64_t year)
{
	int64_t days;
	if (date->kind == 'J') {
		days = tz_days_from_civil(year, 1, 1) + date->day - 1 + (is_leap(year) && date->day >= 60 ? 1 : 0);
	} else if (date->kind == 'D') {
		days = tz_days_from_civil(year, 1, 1) + date->day;
	} else {
		int64_t first = tz_days_from_civil(year, date->month, 1);
		days = first + (date->day - weekday_of(first) + 7) % 7 + 7 * (date->week - 1);
		while (days >= first + month_length(year, date->month))
			days -= 7; /* week 5: the last such weekday of the month */
	}
	return days * 86400 + date->time;
}

static struct tz_type posix_type_at(const struct tz_posix *posix, int64_t utc)
{
	struct tz_type standard = { posix->std_offset, false };
	if (!posix->has_dst)
		return standard;
	int64_t year;
	int month, day;
	tz_civil_from_days(floor_div(utc + posix->std_offset, 86400), &year, &month, &day);
	/* DST starts at a standard-time wall clock reading and ends at a daylight-time one */
	int64_t start = rule_local_seconds(&posix->start, year) - posix->std_offset;
	int64_t end = rule_local_seconds(&posix->end, year) - posix->dst_offset;
	bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
	return dst ? (struct tz_type){ posix->dst_offset, true } : standard;
}

/* ---- TZif ---- */

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static int read_header(const unsigned char *data, size_t length, size_t offset, struct tzif_counts *counts,
		       int *version, char **error)
{
	if (length < offset || length - offset < TZ_HEADER_SIZE || memcmp(data + offset, "TZif", 4) != 0) {
		*error = xstrdup("not a TZif file (no 'TZif' header)");
		return -1;
	}
	unsigned char version_byte = data[offset + 4];
	if (version_byte != 0 && (version_byte < '2' || version_byte > '9')) {
		*error = xasprintf("unknown TZif version byte 0x%02x", version_byte);
		return -1;
	}
	*version = version_byte == 0 ? 1 : version_byte - '0';
	const unsigned char *field = data + offset + 20;
	counts->isut = be32(field);
	counts->isstd = be32(field + 4);
	counts->leap = be32(field + 8);
	counts->time = be32(field + 12);
	counts->type = be32(field + 16);
	counts->chars = be32(field + 20);
	if (counts->type == 0 || counts->type > TZ_TYPE_MAX || counts->chars == 0 ||
	    (counts->isut != 0 && counts->isut != counts->type) || (counts->isstd != 0 && counts->isstd != counts->type)) {
		*error = xstrdup("TZif header counts are inconsistent");
		return -1;
	}
	return 0;
}

static uint64_t block_size(const struct tzif_counts *counts, unsigned time_size)
{
	return (uint64_t)counts->time * (time_size + 1) + (uint64_t)counts->type * 6 + counts->chars +
	       (uint64_t)counts->leap * (time_size + 4) + counts->isstd + counts->isut;
}

int tz_parse(const unsigned char *data, size_t length, struct tz_zone *zone, char **error)
{
	tz_zone_init(zone);
	struct tzif_counts counts;
	int version;
	if (read_header(data, length, 0, &counts, &version, error) != 0)
		return -1;
	size_t offset = TZ_HEADER_SIZE;
	unsigned time_size = 4;
	if (version >= 2) {
		/* the version 1 block is for old readers: skip it, read the 64-bit one */
		uint64_t skip = block_size(&counts, 4);
		if (skip > length - offset) {
			*error = xstrdup("TZif file is truncated");
			return -1;
		}
		offset += (size_t)skip;
		int second_version;
		if (read_header(data, length, offset, &counts, &second_version, error) != 0)
			return -1;
		offset += TZ_HEADER_SIZE;
		time_size = 8;
	}
	if (counts.leap != 0) {
		*error = xstrdup("leap-second zones (right/...) are not supported: the runner's clock is POSIX time");
		return -1;
	}
	if (block_size(&counts, time_size) > length - offset) {
		*error = xstrdup("TZif file is truncated");
		return -1;
	}
	const unsigned char *times = data + offset;
	const unsigned char *indices = times + (size_t)counts.time * time_size;
	const unsigned char *types = indices + counts.time;
	zone->transition_count = counts.time;
	zone->transitions = xcalloc(counts.time ? counts.time : 1, sizeof(*zone->transitions));
	zone->transition_type = xcalloc(counts.time ? counts.time : 1, 1);
	zone->type_count = counts.type;
	zone->types = xcalloc(counts.type, sizeof(*zone->types));
	for (uint32_t i = 0; i < counts.time; i++) {
		zone->transitions[i] = time_size == 8 ? be64(times + 8 * (size_t)i) : (int64_t)(int32_t)be32(times + 4 * (size_t)i);
		zone->transition_type[i] = indices[i];
		if (indices[i] >= counts.type || (i > 0 && zone->transitions[i] <= zone->transitions[i - 1])) {
			*error = xasprintf("TZif transition %u is out of order or names no type", i + 1);
			tz_zone_release(zone);
			return -1;
		}
	}
	for (uint32_t i = 0; i < counts.type; i++) {
		const unsigned char *record = types + 6 * (size_t)i;
		int32_t utoff = (int32_t)be32(record);
		if (utoff < TZ_OFFSET_MIN || utoff > TZ_OFFSET_MAX || record[4] > 1 || record[5] >= counts.chars) {
			*error = xasprintf("TZif local time type %u is invalid", i + 1);
			tz_zone_release(zone);
			return -1;
		}
		zone->types[i] = (struct tz_type){ utoff, record[4] == 1 };
	}
	offset += (size_t)block_size(&counts, time_size);
	if (version >= 2) {
		const unsigned char *newline = offset < length && data[offset] == '\n'
						       ? memchr(data + offset + 1, '\n', length - offset - 1)
						       : NULL;
		if (!newline) {
			*error = xstrdup("TZif footer is missing or unterminated");
			tz_zone_release(zone);
			return -1;
		}
		const char *text = (const char *)data + offset + 1;
		size_t text_length = (size_t)((const char *)newline - text);
		if (text_length > 0) {
			if (tz_parse_posix(text, text_length, &zone->footer) != 0) {
				*error = xasprintf("TZif footer '%.*s' is not a POSIX TZ string", (int)(text_length > 64 ? 64 : text_length),
						   text);
				tz_zone_release(zone);
				return -1;
			}
			zone->has_footer = true;
		}
	}
	return 0;
}

struct tz_type tz_type_at(const struct tz_zone *zone, int64_t utc)
{
	utc = clamp_time(utc);
	size_t count = zone->transition_count;
	if (count == 0)
		return zone->has_footer ? posix_type_at(&zone->footer, utc) : zone->types[0];
	if (utc < zone->transitions[0])
		return zone->types[0];
	if (utc >= zone->transitions[count - 1] && zone->has_footer)
		return posix_type_at(&zone->footer, utc);
	size_t low = 0, high = count; /* the last transition at or before utc is in [low, high) */
	while (high - low > 1) {
		size_t middle = low + (high - low) / 2;
		if (zone->transitions[middle] <= utc)
			low = middle;
		else
			high = middle;
	}
	return zone->types[zone->transition_type[low]];
}

void tz_localize(const struct tz_zone *zone, int64_t utc, struct tz_local *local)
{
	utc = clamp_time(utc);
	struct tz_type type = tz_type_at(zone, utc);
	int64_t seconds = utc + type.offset;
	int64_t days = floor_div(seconds, 86400);
	int64_t in_day = seconds - days * 86400;
	tz_civil_from_days(days, &local->year, &local->month, &local->day);
	local->hour = (int)(in_day / 3600);
	local->minute = (int)(in_day / 60 % 60);
	local->second = (int)(in_day % 60);
	local->weekday = weekday_of(days);
	local->offset = type.offset;
	local->is_dst = type.is_dst;
}

bool tz_name_is_valid(const char *name)
{
	size_t length = name ? strlen(name) : 0;
	if (length == 0 || length > TZ_NAME_MAX || name[0] == '/')
		return false;
	const char *component = name;
	for (const char *c = name;; c++) {
		if (*c == '/' || *c == '\0') {
			size_t part = (size_t)(c - component);
			if (part == 0 || (part == 1 && component[0] == '.') || (part == 2 && component[0] == '.' && component[1] == '.'))
				return false;
			if (*c == '\0')
				return true;
			component = c + 1;
		} else if (!is_alpha(*c) && !is_digit(*c) && *c != '_' && *c != '+' && *c != '-' && *c != '.') {
			return false;
		}
	}
}

int tz_load(const char *name, struct tz_zone *zone, char **error)
{
	tz_zone_init(zone);
	if (name && strcmp(name, "UTC") == 0) {
		/* built in: a runner without tzdata still keeps UTC windows */
		zone->types = xcalloc(1, sizeof(*zone->types));
		zone->type_count = 1;
		return 0;
	}
	if (!tz_name_is_valid(name)) {
		*error = xasprintf("'%s' is not a time zone name", name ? name : "");
		return -1;
	}
	const char *dir = getenv(TZ_DIR_ENV);
	if (!dir || !*dir)
		dir = TZ_DEFAULT_DIR;
	char *path = xasprintf("%s/%s", dir, name);
	char *data = NULL;
	size_t length = 0;
	int status = -1;
	struct stat info;
	if (stat(path, &info) == 0 && !S_ISREG(info.st_mode)) {
		*error = xasprintf("unknown time zone '%s' ('%s' is not a zone file)", name, path);
	} else if (read_file_bytes(path, TZ_FILE_MAX, &data, &length) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			*error = xasprintf("unknown time zone '%s' (no '%s'; the tzdata package provides the zones)", name, path);
		else
			*error = xasprintf("cannot read time zone '%s' from '%s': %s", name, path, strerror(errno));
	} else {
		char *reason = NULL;
		status = tz_parse((const unsigned char *)data, length, zone, &reason);
		if (status != 0) {
			*error = xasprintf("time zone '%s' ('%s'): %s", name, path, reason);
			free(reason);
		}
	}
	free(data);
	free(path);
	return status;
}
