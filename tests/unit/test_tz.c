/* Unit tests of the runner's time zones: real zones of the system's tzdata localized by our
 * TZif reader and by date(1) (TZ=zone date -d @T), compared instant by instant around DST
 * changes and far beyond the transition tables; POSIX TZ strings; malformed TZif files; and the
 * off-peak window on a wall clock across a DST gap and overlap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "lint.h"
#include "steps.h"
#include "tz.h"
#include "util.h"

#define ZONEINFO TZ_DEFAULT_DIR

static bool have_zone(const char *name)
{
	char *path = xasprintf("%s/%s", ZONEINFO, name);
	bool present = access(path, R_OK) == 0;
	free(path);
	if (!present)
		printf("skip: %s/%s is absent (the tzdata package provides it)\n", ZONEINFO, name);
	return present;
}

static bool have_date(void)
{
	bool present = system("date -u -d @0 >/dev/null 2>&1") == 0;
	if (!present)
		printf("skip: no GNU date(1) to compare with\n");
	return present;
}

/* What date(1) says `utc` is in `zone`: "YYYY-MM-DD HH:MM:SS +HHMM W" (W: 0 = Sunday). */
static void date_says(const char *zone, int64_t utc, char *out, size_t size)
{
	char *command = xasprintf("TZ=':%s' date -d @%lld '+%%Y-%%m-%%d %%H:%%M:%%S %%z %%w'", zone, (long long)utc);
	FILE *pipe = popen(command, "r");
	ck_assert_ptr_nonnull(pipe);
	ck_assert_ptr_nonnull(fgets(out, (int)size, pipe));
	out[strcspn(out, "\n")] = '\0';
	ck_assert_int_eq(pclose(pipe), 0);
	free(command);
}

static void we_say(const struct tz_zone *zone, int64_t utc, char *out, size_t size)
{
	struct tz_local local;
	tz_localize(zone, utc, &local);
	int32_t offset = local.offset < 0 ? -local.offset : local.offset;
	snprintf(out, size, "%04lld-%02d-%02d %02d:%02d:%02d %c%02d%02d %d", (long long)local.year, local.month, local.day,
		 local.hour, local.minute, local.second, local.offset < 0 ? '-' : '+', offset / 3600, offset / 60 % 60,
		 local.weekday);
}

/* Every instant of `around` ± the given spans, as date(1) and as tz_localize see it. */
static void compare_zone(const char *name, const int64_t *instants, size_t count)
{
	if (!have_zone(name) || !have_date())
		return;
	struct tz_zone zone;
	char *error = NULL;
	ck_assert_msg(tz_load(name, &zone, &error) == 0, "%s: %s", name, error ? error : "");
	static const int64_t offsets[] = { -86400, -3601, -3600, -1801, -1800, -1, 0, 1, 1799, 1800, 3599, 3600, 86400 };
	size_t compared = 0;
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < sizeof(offsets) / sizeof(offsets[0]); j++) {
			char expected[64], actual[64];
			date_says(name, instants[i] + offsets[j], expected, sizeof(expected));
			we_say(&zone, instants[i] + offsets[j], actual, sizeof(actual));
			ck_assert_msg(strcmp(expected, actual) == 0, "%s at %lld: date says '%s', tz '%s'", name,
				      (long long)(instants[i] + offsets[j]), expected, actual);
			compared++;
		}
	}
	ck_assert_uint_eq(compared, count * (sizeof(offsets) / sizeof(offsets[0])));
	tz_zone_release(&zone);
}

START_TEST(test_europe_berlin)
{
	static const int64_t instants[] = {
		1774746000, /* 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST */
		1792890000, /* 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET */
		2121901200, /* 2037-03-29 01:00 UTC, near the end of 32-bit time */
		4133984400, /* 2101-01-01 and beyond the table: the footer's rule */
		4141587600, /* 2101-03-27 01:00 UTC: a DST start the footer computes */
		4162150800, /* 2101-11-20, standard time again */
		-1693706400, /* 1916-04-30 22:00 UTC: the first DST of all */
		-2422054408, /* 1893-04-01 before the first transition: local mean time */
		0,
	};
	compare_zone("Europe/Berlin", instants, sizeof(instants) / sizeof(instants[0]));
}
END_TEST

START_TEST(test_america_new_york)
{
	static const int64_t instants[] = {
		1772953200, /* 2026-03-08 07:00 UTC: 02:00 EST becomes 03:00 EDT */
		1793512800, /* 2026-11-01 06:00 UTC: 02:00 EDT becomes 01:00 EST */
		2140668000, /* 2037-11-01 06:00 UTC */
		4102444800, /* 2100-01-01 */
		4110501600, /* 2100-03-14 07:00 UTC (second Sunday of March), from the footer */
		4131064800, /* 2100-11-07 06:00 UTC */
		-2717650800, /* 1883-11-18 noon: the switch to standard time */
	};
	compare_zone("America/New_York", instants, sizeof(instants) / sizeof(instants[0]));
}
END_TEST

START_TEST(test_australia_lord_howe)
{
	/* DST is half an hour there: +10:30 standard, +11 daylight, changing at 02:00 local */
	static const int64_t instants[] = {
		1775314800, /* 2026-04-04 15:00 UTC: 02:00 +11 becomes 01:30 +1030 */
		1791043200, /* 2026-10-03 15:30 UTC: 02:00 +1030 becomes 02:30 +11 */
		2138628600, /* 2037-10-03 15:30 UTC */
		4102444800, /* 2100-01-01, daylight time across New Year from the footer */
		4110966000, /* 2100-04-03 15:00 UTC: the footer's end of DST */
		4126692600, /* 2100-10-02 15:30 UTC: the footer's start of DST */
	};
	compare_zone("Australia/Lord_Howe", instants, sizeof(instants) / sizeof(instants[0]));
}
END_TEST

START_TEST(test_utc)
{
	struct tz_zone zone;
	char *error = NULL;
	/* built in: no file needed */
	ck_assert_int_eq(tz_load("UTC", &zone, &error), 0);
	struct tz_local local;
	tz_localize(&zone, 1795651200, &local);
	ck_assert_int_eq(local.year, 2026);
	ck_assert_int_eq(local.month, 11);
	ck_assert_int_eq(local.day, 26);
	ck_assert_int_eq(local.hour, 0);
	ck_assert_int_eq(local.weekday, 4);
	ck_assert_int_eq(local.offset, 0);
	tz_localize(&zone, -1, &local);
	ck_assert_int_eq(local.year, 1969);
	ck_assert_int_eq(local.month, 12);
	ck_assert_int_eq(local.day, 31);
	ck_assert_int_eq(local.hour, 23);
	ck_assert_int_eq(local.second, 59);
	ck_assert_int_eq(local.weekday, 3);
	tz_zone_release(&zone);
	static const int64_t instants[] = { 0, 951782400 /* 2000-02-29 */, 4107456000 /* 2100-03-01 */, -62135596800 };
	compare_zone("Etc/UTC", instants, sizeof(instants) / sizeof(instants[0]));
}
END_TEST

START_TEST(test_civil_days)
{
	for (int64_t days = -800000; days <= 800000; days += 997) {
		int64_t year;
		int month, day;
		tz_civil_from_days(days, &year, &month, &day);
		ck_assert_int_eq(tz_days_from_civil(year, month, day), days);
	}
	ck_assert_int_eq(tz_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(tz_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(tz_days_from_civil(1600, 1, 1), -135140);
}
END_TEST

START_TEST(test_posix_strings)
{
	struct tz_posix posix;
	static const char berlin[] = "CET-1CEST,M3.5.0,M10.5.0/3";
	ck_assert_int_eq(tz_parse_posix(berlin, strlen(berlin), &posix), 0);
	ck_assert_int_eq(posix.std_offset, 3600);
	ck_assert_int_eq(posix.dst_offset, 7200);
	ck_assert(posix.has_dst);
	ck_assert_int_eq(posix.start.kind, 'M');
	ck_assert_int_eq(posix.start.month, 3);
	ck_assert_int_eq(posix.start.week, 5);
	ck_assert_int_eq(posix.start.time, 7200);
	ck_assert_int_eq(posix.end.time, 3 * 3600);
	static const char lord_howe[] = "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0";
	ck_assert_int_eq(tz_parse_posix(lord_howe, strlen(lord_howe), &posix), 0);
	ck_assert_int_eq(posix.std_offset, 37800);
	ck_assert_int_eq(posix.dst_offset, 39600);
	static const char plain[] = "<-03>3";
	ck_assert_int_eq(tz_parse_posix(plain, strlen(plain), &posix), 0);
	ck_assert_int_eq(posix.std_offset, -3 * 3600);
	ck_assert(!posix.has_dst);
	/* RFC 8536 extensions: hours past 24 in rule times, negative rule times, Jn and n dates */
	static const char extended[] = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
	ck_assert_int_eq(tz_parse_posix(extended, strlen(extended), &posix), 0);
	ck_assert_int_eq(posix.start.time, -3600);
	static const char all_year[] = "EST5EDT,0/0,J365/25";
	ck_assert_int_eq(tz_parse_posix(all_year, strlen(all_year), &posix), 0);
	ck_assert_int_eq(posix.end.kind, 'J');
	ck_assert_int_eq(posix.end.time, 25 * 3600);
	/* DST all year: July and January both daylight time */
	struct tz_zone zone;
	tz_zone_init(&zone);
	zone.types = xcalloc(1, sizeof(*zone.types));
	zone.type_count = 1;
	zone.footer = posix;
	zone.has_footer = true;
	ck_assert(tz_type_at(&zone, 1783000000).is_dst);
	ck_assert(tz_type_at(&zone, 1767300000).is_dst);
	ck_assert_int_eq(tz_type_at(&zone, 1767300000).offset, -4 * 3600);
	tz_zone_release(&zone);
	static const char *const bad[] = { "", "CE-1", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
					   "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,J0,J365", "CET-1CEST,M3.5.0,M10.5.0/168",
					   "<+1030-10:30", "CET-25", "CET-1CEST,M3.5.0,M10.5.0x", "CET-1:60" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(tz_parse_posix(bad[i], strlen(bad[i]), &posix) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(test_names)
{
	ck_assert(tz_name_is_valid("Europe/Berlin"));
	ck_assert(tz_name_is_valid("America/Argentina/Buenos_Aires"));
	ck_assert(tz_name_is_valid("Etc/GMT+5"));
	ck_assert(!tz_name_is_valid("../etc/passwd"));
	ck_assert(!tz_name_is_valid("Europe/../../etc/passwd"));
	ck_assert(!tz_name_is_valid("/etc/localtime"));
	ck_assert(!tz_name_is_valid("Europe//Berlin"));
	ck_assert(!tz_name_is_valid("Europe/Berlin/"));
	ck_assert(!tz_name_is_valid("Europe/Ber lin"));
	ck_assert(!tz_name_is_valid(""));
	struct tz_zone zone;
	char *error = NULL;
	ck_assert_int_eq(tz_load("../../etc/passwd", &zone, &error), -1);
	ck_assert_str_eq(error, "'../../etc/passwd' is not a time zone name");
	free(error);
	error = NULL;
	if (have_zone("Europe")) {
		ck_assert_int_eq(tz_load("Europe", &zone, &error), -1);
		ck_assert_str_eq(error, "unknown time zone 'Europe' ('" ZONEINFO "/Europe' is not a zone file)");
		free(error);
		error = NULL;
	}
	ck_assert_int_eq(tz_load("Europe/Berlinn", &zone, &error), -1);
	ck_assert_str_eq(error, "unknown time zone 'Europe/Berlinn' (no '" ZONEINFO
				"/Europe/Berlinn'; the tzdata package provides the zones)");
	free(error);
}
END_TEST

/* A version 2 TZif file: one transition at `when` into type 1, types {+0, +3600 dst}, a footer. */
static size_t make_tzif(unsigned char *out, int64_t when, const char *footer)
{
	size_t length = 0;
	/* version 1 block: empty (counts with one type and one char) */
	unsigned char header_v1[44] = { 'T', 'Z', 'i', 'f', '2' };
	header_v1[39] = 1; /* typecnt (big-endian, counts at 20..43: isut isstd leap time type char) */
	header_v1[43] = 1; /* charcnt */
	memcpy(out, header_v1, 44);
	length = 44;
	memset(out + length, 0, 6 + 1);
	length += 7;
	unsigned char header_v2[44] = { 'T', 'Z', 'i', 'f', '2' };
	header_v2[35] = 1; /* timecnt */
	header_v2[39] = 2; /* typecnt */
	header_v2[43] = 4; /* charcnt */
	memcpy(out + length, header_v2, 44);
	length += 44;
	for (int i = 7; i >= 0; i--)
		out[length++] = (unsigned char)((uint64_t)when >> (8 * i));
	out[length++] = 1;
	static const unsigned char types[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0x10, 1, 0 };
	memcpy(out + length, types, sizeof(types));
	length += sizeof(types);
	memcpy(out + length, "UTC", 4);
	length += 4;
	out[length++] = '\n';
	memcpy(out + length, footer, strlen(footer));
	length += strlen(footer);
	out[length++] = '\n';
	return length;
}

START_TEST(test_malformed_tzif)
{
	unsigned char data[256];
	struct tz_zone zone;
	char *error = NULL;
	size_t length = make_tzif(data, 1000, "XST-1");
	ck_assert_int_eq(tz_parse(data, length, &zone, &error), 0);
	ck_assert_int_eq(tz_type_at(&zone, 999).offset, 0);
	ck_assert_int_eq(tz_type_at(&zone, 1000).offset, 3600);
	ck_assert_int_eq(tz_type_at(&zone, INT64_MAX).offset, 3600);
	ck_assert_int_eq(tz_type_at(&zone, INT64_MIN).offset, 0);
	tz_zone_release(&zone);
	/* every truncation is refused, never read past */
	for (size_t cut = 0; cut < length; cut++) {
		ck_assert_msg(tz_parse(data, cut, &zone, &error) == -1, "accepted a file cut at %zu", cut);
		free(error);
		error = NULL;
	}
	struct {
		size_t at;
		unsigned char value;
		const char *message;
	} flips[] = {
		{ 0, 'X', "not a TZif file (no 'TZif' header)" },
		{ 4, '1', "unknown TZif version byte 0x31" },
		{ 44 + 7 + 39, 0, "TZif header counts are inconsistent" },
		{ 44 + 7 + 31, 1, "leap-second zones (right/...) are not supported: the runner's clock is POSIX time" },
		{ 44 + 7 + 44 + 8, 2, "TZif transition 1 is out of order or names no type" },
		{ 44 + 7 + 44 + 9 + 6 + 4, 2, "TZif local time type 2 is invalid" },
		{ 44 + 7 + 44 + 9 + 12 + 4, 'x', "TZif footer is missing or unterminated" },
		{ 44 + 7 + 44 + 9 + 12 + 4 + 1, '!', "TZif footer '!ST-1' is not a POSIX TZ string" },
	};
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		unsigned char copy[256];
		memcpy(copy, data, length);
		copy[flips[i].at] = flips[i].value;
		ck_assert_msg(tz_parse(copy, length, &zone, &error) == -1, "flip %zu accepted", i);
		ck_assert_str_eq(error, flips[i].message);
		free(error);
		error = NULL;
	}
}
END_TEST

/* $TZDIR names another zoneinfo folder: a zone written there is loaded from it, a file there that
 * is not TZif is refused with the file's name. */
START_TEST(test_tzdir)
{
	char dir[] = "/tmp/goose-tz-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *zone_dir = xasprintf("%s/Test", dir);
	ck_assert_int_eq(mkdir(zone_dir, 0700), 0);
	unsigned char data[256];
	size_t length = make_tzif(data, 1000, "XST-1");
	char *path = xasprintf("%s/Zone", zone_dir);
	FILE *file = fopen(path, "wb");
	ck_assert_ptr_nonnull(file);
	ck_assert_uint_eq(fwrite(data, 1, length, file), length);
	fclose(file);
	char *broken = xasprintf("%s/Broken", zone_dir);
	file = fopen(broken, "wb");
	ck_assert_ptr_nonnull(file);
	fputs("not a zone\n", file);
	fclose(file);
	const char *saved = getenv(TZ_DIR_ENV);
	char *saved_copy = saved ? xstrdup(saved) : NULL;
	setenv(TZ_DIR_ENV, dir, 1);
	struct tz_zone zone;
	char *error = NULL;
	ck_assert_int_eq(tz_load("Test/Zone", &zone, &error), 0);
	ck_assert_int_eq(tz_type_at(&zone, 999).offset, 0);
	ck_assert_int_eq(tz_type_at(&zone, 1000).offset, 3600);
	tz_zone_release(&zone);
	ck_assert_int_eq(tz_load("Test/Broken", &zone, &error), -1);
	char *expected = xasprintf("time zone 'Test/Broken' ('%s'): not a TZif file (no 'TZif' header)", broken);
	ck_assert_str_eq(error, expected);
	free(expected);
	free(error);
	error = NULL;
	/* UTC needs no file, wherever TZDIR points */
	ck_assert_int_eq(tz_load("UTC", &zone, &error), 0);
	tz_zone_release(&zone);
	if (saved_copy)
		setenv(TZ_DIR_ENV, saved_copy, 1);
	else
		unsetenv(TZ_DIR_ENV);
	free(saved_copy);
	unlink(path);
	unlink(broken);
	rmdir(zone_dir);
	rmdir(dir);
	free(path);
	free(broken);
	free(zone_dir);
}
END_TEST

static json_t *window_in(const char *zone, const char *day, int start, int end)
{
	return json_pack("{s:[s],s:i,s:i,s:s}", "days", day, "start_minute", start, "end_minute", end, "timezone", zone);
}

START_TEST(test_window_across_dst)
{
	if (!have_zone("Europe/Berlin"))
		return;
	/* Sunday 2026-03-29 in Berlin, window 02:00-04:00: 02:00-03:00 never happens (the gap), so
	 * the window opens at 01:00 UTC, when the clock jumps to 03:00, and closes at 02:00 UTC */
	json_t *window = window_in("Europe/Berlin", "sun", 120, 240);
	int64_t jump = 1774746000;
	ck_assert(!steps_in_window(window, jump - 1));
	ck_assert(steps_in_window(window, jump));
	ck_assert(steps_in_window(window, jump + 3599));
	ck_assert(!steps_in_window(window, jump + 3600));
	json_decref(window);
	/* Sunday 2026-10-25, window 02:00-02:30: the clock shows 02:00-02:30 twice, in CEST
	 * (00:00 UTC) and in CET (01:00 UTC); the window is open both times */
	window = window_in("Europe/Berlin", "sun", 120, 150);
	int64_t first = 1792886400, second = 1792890000;
	ck_assert(steps_in_window(window, first));
	ck_assert(!steps_in_window(window, first + 1800));
	ck_assert(steps_in_window(window, second));
	ck_assert(steps_in_window(window, second + 1799));
	ck_assert(!steps_in_window(window, second + 1800));
	json_decref(window);
	/* the example tree's production window (sat/sun 02:00-05:00) in New York, on a weekday */
	if (have_zone("America/New_York")) {
		window = json_pack("{s:[s,s],s:i,s:i,s:s}", "days", "sat", "sun", "start_minute", 120, "end_minute", 300,
				   "timezone", "America/New_York");
		ck_assert(steps_in_window(window, 1795219200 + 7 * 3600));   /* Sat 2026-11-21 02:00 EST */
		ck_assert(!steps_in_window(window, 1795219200 + 2 * 3600));  /* Fri 21:00 EST */
		ck_assert(!steps_in_window(window, 1795219200 + 10 * 3600)); /* Sat 05:00 EST */
		json_decref(window);
	}
	char *error = NULL;
	window = window_in("Mars/Olympus_Mons", "sun", 0, 60);
	ck_assert_int_eq(steps_window_contains(window, 0, &error), -1);
	ck_assert_str_eq(error, "unknown time zone 'Mars/Olympus_Mons' (no '" ZONEINFO
				"/Mars/Olympus_Mons'; the tzdata package provides the zones)");
	ck_assert(!steps_in_window(window, 0));
	free(error);
	json_decref(window);
}
END_TEST

/* goosec's compiled-in zone names (lint/time_zones.c): the table bsearch reads must hold every
 * zone and link of the tzdata release it was made from, and nothing else. */
START_TEST(test_lint_zone_names)
{
	ck_assert(lint_time_zone_is_known("UTC"));
	ck_assert(lint_time_zone_is_known("Europe/Berlin"));
	ck_assert(lint_time_zone_is_known("America/Argentina/Buenos_Aires"));
	ck_assert(lint_time_zone_is_known("US/Eastern"));
	ck_assert(lint_time_zone_is_known("Etc/GMT+5"));
	ck_assert(!lint_time_zone_is_known("Europe/Berln"));
	ck_assert(!lint_time_zone_is_known("europe/berlin"));
	ck_assert(!lint_time_zone_is_known(""));
	ck_assert(!lint_time_zone_is_known(NULL));
	FILE *zi = fopen(ZONEINFO "/tzdata.zi", "r");
	char line[512];
	if (!zi || !fgets(line, sizeof(line), zi) || strcmp(line, "# version 2025b\n") != 0) {
		printf("skip: no tzdata 2025b tzdata.zi to compare the compiled-in names with\n");
		if (zi)
			fclose(zi);
		return;
	}
	size_t names = 0;
	while (fgets(line, sizeof(line), zi)) {
		char *fields[3] = { NULL, NULL, NULL };
		char *cursor = line;
		for (int i = 0; i < 3 && cursor; i++) {
			fields[i] = cursor;
			cursor = strpbrk(cursor, " \n");
			if (cursor)
				*cursor++ = '\0';
		}
		const char *name = strcmp(fields[0], "Z") == 0 ? fields[1] : strcmp(fields[0], "L") == 0 ? fields[2] : NULL;
		if (!name)
			continue;
		ck_assert_msg(lint_time_zone_is_known(name), "'%s' of tzdata.zi is not known", name);
		names++;
	}
	fclose(zi);
	ck_assert_uint_eq(names, 598);
}
END_TEST

static Suite *tz_suite(void)
{
	Suite *suite = suite_create("tz");
	TCase *tcase = tcase_create("core");
	tcase_set_timeout(tcase, 60);
	tcase_add_test(tcase, test_europe_berlin);
	tcase_add_test(tcase, test_america_new_york);
	tcase_add_test(tcase, test_australia_lord_howe);
	tcase_add_test(tcase, test_utc);
	tcase_add_test(tcase, test_civil_days);
	tcase_add_test(tcase, test_posix_strings);
	tcase_add_test(tcase, test_names);
	tcase_add_test(tcase, test_malformed_tzif);
	tcase_add_test(tcase, test_window_across_dst);
	tcase_add_test(tcase, test_lint_zone_names);
	tcase_add_test(tcase, test_tzdir);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(tz_suite)
