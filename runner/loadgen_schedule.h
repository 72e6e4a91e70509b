/* The open model's clock: the intended send time of every request of a constant or ramping
 * rate, as a pure function of its index, so workers share one schedule without talking. */
#ifndef GOOSE_LOADGEN_SCHEDULE_H
#define GOOSE_LOADGEN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

/* The rate moves linearly from the previous stage's target (or start_rate) to target_rate. */
struct loadgen_stage {
	int64_t duration_ns;
	double target_rate;     /* requests per second at the end of the stage */
};

struct loadgen_schedule {
	double start_rate;
	const struct loadgen_stage *stages; /* borrowed */
	size_t stage_count;
};

/* Intended send time of request `index` (0-based) in ns after the start, or -1 when it falls
 * after the last stage. Request 0 goes at 0; request n when the integral of the rate reaches n. */
int64_t loadgen_schedule_time(const struct loadgen_schedule *schedule, uint64_t index);
/* Requests the schedule holds in total (the integral of the rate over all stages, rounded up). */
uint64_t loadgen_schedule_total(const struct loadgen_schedule *schedule);
/* Requests due before `at_ns` after the start (the integral of the rate up to then, not rounded):
 * the difference over an interval is what the schedule asks for in it. */
double loadgen_schedule_count_before(const struct loadgen_schedule *schedule, int64_t at_ns);
/* Picks a request of a weighted mix for a global index: exact proportions over every
 * sum-of-weights consecutive indices, the same on every worker. */
size_t loadgen_mix_pick(const unsigned *weights, size_t count, unsigned total_weight, uint64_t index);

/* Parses "250ms", "2s", "1m30s", "500us", "1h" or a bare number of seconds into ns. */
int loadgen_parse_duration(const char *text, int64_t *nanoseconds);

#endif
