/* HdrHistogram's bucket layout in plain C: a value's bucket is its power of two above the
 * sub-bucket range, its sub-bucket the leading bits kept at the configured precision. */
#include "loadgen_hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static int count_leading_zeros(int64_t value)
{
	return __builtin_clzll((unsigned long long)value);
}

int loadgen_hist_init_range(struct loadgen_hist *hist, int64_t lowest, int64_t highest, int significant_digits)
{
	memset(hist, 0, sizeof(*hist));
	if (lowest < 1 || significant_digits < 1 || significant_digits > 5 || highest < 2 * lowest)
		return -1;
	int64_t largest_single_unit = 2;
	for (int i = 0; i < significant_digits; i++)
		largest_single_unit *= 10;
	int sub_bucket_count_magnitude = (int)ceil(log2((double)largest_single_unit));
	hist->lowest = lowest;
	hist->highest = highest;
	hist->significant_digits = significant_digits;
	hist->sub_bucket_half_count_magnitude = (sub_bucket_count_magnitude > 1 ? sub_bucket_count_magnitude : 1) - 1;
	hist->unit_magnitude = (int)floor(log2((double)lowest));
	hist->sub_bucket_count = (int32_t)1 << (hist->sub_bucket_half_count_magnitude + 1);
	hist->sub_bucket_half_count = hist->sub_bucket_count / 2;
	hist->sub_bucket_mask = ((int64_t)hist->sub_bucket_count - 1) << hist->unit_magnitude;
	int64_t smallest_untrackable = (int64_t)hist->sub_bucket_count << hist->unit_magnitude;
	int32_t buckets_needed = 1;
	while (smallest_untrackable <= highest) {
		if (smallest_untrackable > INT64_MAX / 2) {
			buckets_needed++;
			break;
		}
		smallest_untrackable <<= 1;
		buckets_needed++;
	}
	hist->bucket_count = buckets_needed;
	hist->counts_len = (buckets_needed + 1) * hist->sub_bucket_half_count;
	hist->counts = xcalloc((size_t)hist->counts_len, sizeof(*hist->counts));
	hist->min = INT64_MAX;
	return 0;
}

void loadgen_hist_init(struct loadgen_hist *hist)
{
	loadgen_hist_init_range(hist, LOADGEN_HIST_LOWEST, LOADGEN_HIST_HIGHEST, LOADGEN_HIST_SIGNIFICANT_DIGITS);
}

void loadgen_hist_release(struct loadgen_hist *hist)
{
	free(hist->counts);
	hist->counts = NULL;
	hist->counts_len = 0;
}

void loadgen_hist_reset(struct loadgen_hist *hist)
{
	memset(hist->counts, 0, (size_t)hist->counts_len * sizeof(*hist->counts));
	hist->total_count = 0;
	hist->min = INT64_MAX;
	hist->max = 0;
}

static int32_t bucket_index_of(const struct loadgen_hist *hist, int64_t value)
{
	int pow2_ceiling = 64 - count_leading_zeros(value | hist->sub_bucket_mask);
	return pow2_ceiling - hist->unit_magnitude - (hist->sub_bucket_half_count_magnitude + 1);
}

int32_t loadgen_hist_index(const struct loadgen_hist *hist, int64_t value)
{
	if (value < 0)
		value = 0;
	int32_t bucket_index = bucket_index_of(hist, value);
	int32_t sub_bucket_index = (int32_t)(value >> (bucket_index + hist->unit_magnitude));
	int32_t bucket_base_index = (bucket_index + 1) << hist->sub_bucket_half_count_magnitude;
	int32_t offset_in_bucket = sub_bucket_index - hist->sub_bucket_half_count;
	int32_t index = bucket_base_index + offset_in_bucket;
	return index < hist->counts_len ? index : hist->counts_len - 1;
}

int64_t loadgen_hist_value_at_index(const struct loadgen_hist *hist, int32_t index)
{
	int32_t bucket_index = (index >> hist->sub_bucket_half_count_magnitude) - 1;
	int32_t sub_bucket_index = (index & (hist->sub_bucket_half_count - 1)) + hist->sub_bucket_half_count;
	if (bucket_index < 0) {
		sub_bucket_index -= hist->sub_bucket_half_count;
		bucket_index = 0;
	}
	return (int64_t)sub_bucket_index << (bucket_index + hist->unit_magnitude);
}

static int64_t size_of_equivalent_range(const struct loadgen_hist *hist, int64_t value)
{
	int32_t bucket_index = bucket_index_of(hist, value);
	int32_t sub_bucket_index = (int32_t)(value >> (bucket_index + hist->unit_magnitude));
	int32_t adjusted_bucket = sub_bucket_index >= hist->sub_bucket_count ? bucket_index + 1 : bucket_index;
	return (int64_t)1 << (hist->unit_magnitude + adjusted_bucket);
}

int64_t loadgen_hist_lowest_equivalent(const struct loadgen_hist *hist, int64_t value)
{
	int32_t bucket_index = bucket_index_of(hist, value);
	int32_t sub_bucket_index = (int32_t)(value >> (bucket_index + hist->unit_magnitude));
	return (int64_t)sub_bucket_index << (bucket_index + hist->unit_magnitude);
}

int64_t loadgen_hist_highest_equivalent(const struct loadgen_hist *hist, int64_t value)
{
	return loadgen_hist_lowest_equivalent(hist, value) + size_of_equivalent_range(hist, value) - 1;
}

void loadgen_hist_record_n(struct loadgen_hist *hist, int64_t value, uint64_t count)
{
	if (count == 0)
		return;
	if (value < 0)
		value = 0;
	hist->counts[loadgen_hist_index(hist, value)] += count;
	hist->total_count += count;
	if (value < hist->min)
		hist->min = value;
	if (value > hist->max)
		hist->max = value;
}

void loadgen_hist_record(struct loadgen_hist *hist, int64_t value)
{
	loadgen_hist_record_n(hist, value, 1);
}

int loadgen_hist_merge(struct loadgen_hist *into, const struct loadgen_hist *from)
{
	if (into->counts_len != from->counts_len || into->unit_magnitude != from->unit_magnitude ||
	    into->sub_bucket_count != from->sub_bucket_count)
		return -1;
	for (int32_t i = 0; i < from->counts_len; i++)
		into->counts[i] += from->counts[i];
	into->total_count += from->total_count;
	if (from->total_count) {
		if (from->min < into->min)
			into->min = from->min;
		if (from->max > into->max)
			into->max = from->max;
	}
	return 0;
}

int64_t loadgen_hist_percentile(const struct loadgen_hist *hist, double percentile)
{
	if (hist->total_count == 0)
		return 0;
	if (percentile >= 100.0)
		return hist->max;
	if (percentile < 0.0)
		percentile = 0.0;
	uint64_t wanted = (uint64_t)ceil(percentile / 100.0 * (double)hist->total_count);
	if (wanted < 1)
		wanted = 1;
	uint64_t running = 0;
	for (int32_t i = 0; i < hist->counts_len; i++) {
		running += hist->counts[i];
		if (running >= wanted) {
			int64_t value = loadgen_hist_highest_equivalent(hist, loadgen_hist_value_at_index(hist, i));
			/* never report beyond what was seen: the bucket's top can exceed the true max */
			return value > hist->max ? hist->max : value;
		}
	}
	return hist->max;
}

double loadgen_hist_mean(const struct loadgen_hist *hist)
{
	if (hist->total_count == 0)
		return 0.0;
	double total = 0.0;
	for (int32_t i = 0; i < hist->counts_len; i++) {
		if (hist->counts[i] == 0)
			continue;
		int64_t value = loadgen_hist_value_at_index(hist, i);
		int64_t median_equivalent = loadgen_hist_lowest_equivalent(hist, value) + (size_of_equivalent_range(hist, value) >> 1);
		total += (double)hist->counts[i] * (double)median_equivalent;
	}
	return total / (double)hist->total_count;
}
