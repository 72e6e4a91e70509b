/* Secret rotation (security/policies/secret-rotation.yaml) checked against "now": overdue secrets
 * are errors, secrets inside their warning window warnings, rotations dated after now errors. */
#include "lint.h"

#include <stdio.h>

#include "util.h"
#include "banned.h"

#define SECONDS_PER_DAY 86400LL

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date. */
long long rotation_days_from_civil(int year, int month, int day)
{
	long long y = (long long)year - (month <= 2);
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long year_of_era = y - era * 400;
	long long day_of_year = (153LL * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	long long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

void rotation_civil_from_days(long long days, int *year, int *month, int *day)
{
	days += 719468;
	long long era = (days >= 0 ? days : days - 146096) / 146097;
	long long day_of_era = days - era * 146097;
	long long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	long long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	long long month_index = (5 * day_of_year + 2) / 153;
	*day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
	*month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
	*year = (int)(year_of_era + era * 400 + (*month <= 2));
}

/* Whole days, rounded down (toward minus infinity). */
static long long floor_days(long long seconds)
{
	return seconds >= 0 ? seconds / SECONDS_PER_DAY : -((-seconds + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

static void format_date(long long days, char out[16])
{
	int year, month, day;
	rotation_civil_from_days(days, &year, &month, &day);
	snprintf(out, 16, "%04d-%02d-%02d", year, month, day);
}

static const char *plural(long long count)
{
	return count == 1 ? "" : "s";
}

/* The secret's own value, else the file's default. */
static const struct model_value *own_or_default(const struct model_value *own, const struct model_value *fallback)
{
	return own->present ? own : fallback->present ? fallback : NULL;
}

static void check_secret(const struct model_secret_rotation *file, const struct model_secret *secret, time_t now,
			 struct diag_list *diags)
{
	const struct model_date *last = &secret->last_rotated;
	if (!secret->name.text || last->year == 0)
		return;
	long long last_day = rotation_days_from_civil(last->year, last->month, last->day);
	long long last_seconds = last_day * SECONDS_PER_DAY;
	long long now_seconds = (long long)now;
	char last_text[16], today_text[16];
	format_date(last_day, last_text);
	format_date(floor_days(now_seconds), today_text);
	if (last_seconds > now_seconds) {
		struct diag *diag = diag_add(diags, DIAG_ERROR, "rotation-future-date", last->location.file,
					     last->location.line, last->location.col,
					     "secret '%s' was last rotated on %s, after today (%s)", secret->name.text,
					     last_text, today_text);
		diag_set_hint(diag, "write the date the secret was actually rotated");
		return;
	}
	const struct model_value *max_age = own_or_default(&secret->max_age, &file->default_max_age);
	if (!max_age)
		return; /* no limit set: nothing to be late for */
	const struct model_value *warn_before = own_or_default(&secret->warn_before, &file->default_warn_before);
	const char *max_age_text = max_age->spelling ? max_age->spelling : "?";
	long long due_seconds = last_seconds + (long long)max_age->value;
	char due_text[16];
	format_date(floor_days(due_seconds), due_text);
	if (now_seconds > due_seconds) {
		long long late = floor_days(now_seconds - due_seconds);
		struct diag *diag;
		if (late >= 1)
			diag = diag_add(diags, DIAG_ERROR, "rotation-overdue", last->location.file, last->location.line,
					last->location.col,
					"secret '%s' is %lld day%s overdue for rotation (last rotated %s, max age %s)",
					secret->name.text, late, plural(late), last_text, max_age_text);
		else
			diag = diag_add(diags, DIAG_ERROR, "rotation-overdue", last->location.file, last->location.line,
					last->location.col,
					"secret '%s' is overdue for rotation since %s (last rotated %s, max age %s)",
					secret->name.text, due_text, last_text, max_age_text);
		diag_set_hint(diag, "rotate it, then set last_rotated to the day of the rotation");
		diag_add_related(diag, max_age->location.file, max_age->location.line, max_age->location.col,
				 "the maximum age is set here");
		return;
	}
	if (!warn_before || now_seconds <= due_seconds - (long long)warn_before->value)
		return;
	long long left = (due_seconds - now_seconds + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
	struct diag *diag = diag_add(diags, DIAG_WARNING, "rotation-due-soon", last->location.file, last->location.line,
				     last->location.col,
				     "secret '%s' is due for rotation in %lld day%s, on %s (last rotated %s, max age %s)",
				     secret->name.text, left, plural(left), due_text, last_text, max_age_text);
	diag_add_related(diag, warn_before->location.file, warn_before->location.line, warn_before->location.col,
			 "the warning window (%s) is set here", warn_before->spelling ? warn_before->spelling : "?");
}

void lint_secret_rotation(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	for (size_t f = 0; f < model->secret_rotation_count; f++) {
		const struct model_secret_rotation *file = &model->secret_rotations[f];
		for (size_t i = 0; i < file->secret_count; i++)
			check_secret(file, &file->secrets[i], context->now, diags);
	}
}
