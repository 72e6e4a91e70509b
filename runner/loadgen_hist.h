/* Latency histograms with HdrHistogram's structure: log-bucketed sub-buckets, 1 µs to 60 s at
 * 3 significant digits, fixed size, mergeable; one per worker, merged at the end of a run. */
#ifndef GOOSE_LOADGEN_HIST_H
#define GOOSE_LOADGEN_HIST_H

#include <stdint.h>

#define LOADGEN_HIST_LOWEST 1                  /* µs */
#define LOADGEN_HIST_HIGHEST 60000000          /* 60 s in µs */
#define LOADGEN_HIST_SIGNIFICANT_DIGITS 3

/* Values are in microseconds. Values above the highest trackable are counted in the top bucket
 * (max keeps the true value); the structure never allocates after init. */
struct loadgen_hist {
	int64_t lowest, highest;
	int significant_digits;
	int unit_magnitude;
	int sub_bucket_half_count_magnitude;
	int32_t sub_bucket_count, sub_bucket_half_count;
	int64_t sub_bucket_mask;
	int32_t bucket_count;
	int32_t counts_len;
	uint64_t total_count;
	int64_t min, max;           /* exact; min is INT64_MAX while empty */
	uint64_t *counts;
};

/* Sets up an empty histogram over [lowest, highest] with the given significant digits (1..5);
 * -1 on invalid bounds. loadgen_hist_release frees its counts. */
int loadgen_hist_init_range(struct loadgen_hist *hist, int64_t lowest, int64_t highest, int significant_digits);
void loadgen_hist_init(struct loadgen_hist *hist);   /* the 1 µs .. 60 s, 3 digit default */
void loadgen_hist_release(struct loadgen_hist *hist);
void loadgen_hist_reset(struct loadgen_hist *hist);

void loadgen_hist_record(struct loadgen_hist *hist, int64_t value);
void loadgen_hist_record_n(struct loadgen_hist *hist, int64_t value, uint64_t count);
/* Adds every count of `from` to `into`; both must have the same layout (-1 otherwise). */
int loadgen_hist_merge(struct loadgen_hist *into, const struct loadgen_hist *from);

/* The value at a percentile (0..100): the highest value equivalent to the bucket where the
 * cumulative count first reaches ceil(percentile/100 * total), as HdrHistogram reports it;
 * 100 gives the exact max. 0 when the histogram is empty. */
int64_t loadgen_hist_percentile(const struct loadgen_hist *hist, double percentile);
double loadgen_hist_mean(const struct loadgen_hist *hist);

/* Index arithmetic, exposed for tests. */
int32_t loadgen_hist_index(const struct loadgen_hist *hist, int64_t value);
int64_t loadgen_hist_value_at_index(const struct loadgen_hist *hist, int32_t index);
int64_t loadgen_hist_lowest_equivalent(const struct loadgen_hist *hist, int64_t value);
int64_t loadgen_hist_highest_equivalent(const struct loadgen_hist *hist, int64_t value);

#endif
