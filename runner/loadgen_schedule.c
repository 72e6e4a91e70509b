/* Closed-form inverse of the cumulative request count: within a linear ramp the count is a
 * quadratic in time, so each intended time is one square root, with no state to drift. */
#include "loadgen_schedule.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "banned.h"

int64_t loadgen_schedule_time(const struct loadgen_schedule *schedule, uint64_t index)
{
	double wanted = (double)index;
	double before = 0.0;  /* requests due before the current stage */
	int64_t stage_start_ns = 0;
	double rate_from = schedule->start_rate;
	for (size_t i = 0; i < schedule->stage_count; i++) {
		const struct loadgen_stage *stage = &schedule->stages[i];
		double seconds = (double)stage->duration_ns / 1e9;
		double rate_to = stage->target_rate;
		double in_stage = (rate_from + rate_to) / 2.0 * seconds;
		if (seconds > 0 && wanted < before + in_stage) {
			double count = wanted - before;
			double slope = (rate_to - rate_from) / seconds;
			double offset;
			if (fabs(slope) < 1e-12) {
				offset = count / rate_from;
			} else {
				double discriminant = rate_from * rate_from + 2.0 * slope * count;
				offset = (-rate_from + sqrt(discriminant > 0 ? discriminant : 0)) / slope;
			}
			if (offset < 0)
				offset = 0;
			if (offset > seconds)
				offset = seconds;
			return stage_start_ns + (int64_t)llround(offset * 1e9);
		}
		before += in_stage;
		stage_start_ns += stage->duration_ns;
		rate_from = rate_to;
	}
	return -1;
}

uint64_t loadgen_schedule_total(const struct loadgen_schedule *schedule)
{
	double total = 0.0;
	double rate_from = schedule->start_rate;
	for (size_t i = 0; i < schedule->stage_count; i++) {
		total += (rate_from + schedule->stages[i].target_rate) / 2.0 * ((double)schedule->stages[i].duration_ns / 1e9);
		rate_from = schedule->stages[i].target_rate;
	}
	return (uint64_t)ceil(total - 1e-9);
}

double loadgen_schedule_count_before(const struct loadgen_schedule *schedule, int64_t at_ns)
{
	double total = 0.0;
	double rate_from = schedule->start_rate;
	int64_t stage_start_ns = 0;
	for (size_t i = 0; i < schedule->stage_count && at_ns > stage_start_ns; i++) {
		const struct loadgen_stage *stage = &schedule->stages[i];
		double seconds = (double)stage->duration_ns / 1e9;
		double rate_to = stage->target_rate;
		double within = (double)(at_ns - stage_start_ns) / 1e9;
		if (within >= seconds || seconds <= 0) {
			total += (rate_from + rate_to) / 2.0 * seconds;
		} else {
			double rate_then = rate_from + (rate_to - rate_from) * within / seconds;
			total += (rate_from + rate_then) / 2.0 * within;
		}
		stage_start_ns += stage->duration_ns;
		rate_from = rate_to;
	}
	return total;
}

size_t loadgen_mix_pick(const unsigned *weights, size_t count, unsigned total_weight, uint64_t index)
{
	if (count <= 1 || total_weight == 0)
		return 0;
	/* spread each request's share over the cycle rather than in runs: scatter the position */
	uint64_t position = (index % total_weight) * (2654435761u % total_weight) % total_weight;
	uint64_t cumulative = 0;
	for (size_t i = 0; i < count; i++) {
		cumulative += weights[i];
		if (position < cumulative)
			return i;
	}
	return count - 1;
}

int loadgen_parse_duration(const char *text, int64_t *nanoseconds)
{
	int64_t total = 0;
	const char *cursor = text;
	if (!*cursor)
		return -1;
	while (*cursor) {
		if (*cursor < '0' || *cursor > '9')
			return -1;
		int64_t number = 0;
		while (*cursor >= '0' && *cursor <= '9') {
			if (number > 1000000000)
				return -1;
			number = number * 10 + (*cursor++ - '0');
		}
		int64_t unit;
		if (strncmp(cursor, "ms", 2) == 0) {
			unit = 1000000;
			cursor += 2;
		} else if (strncmp(cursor, "us", 2) == 0) {
			unit = 1000;
			cursor += 2;
		} else if (*cursor == 's' || *cursor == '\0') {
			unit = 1000000000;
			cursor += *cursor ? 1 : 0;
		} else if (*cursor == 'm') {
			unit = 60LL * 1000000000;
			cursor++;
		} else if (*cursor == 'h') {
			unit = 3600LL * 1000000000;
			cursor++;
		} else {
			return -1;
		}
		if (number > (INT64_MAX / 4 - total) / unit)
			return -1;
		total += number * unit;
	}
	*nanoseconds = total;
	return 0;
}
