/* The target's own resource usage over a load run, read from Prometheus: CPU from the
 * process_cpu_seconds_total counter and resident memory from process_resident_memory_bytes. */
#ifndef GOOSE_LOADGEN_TARGET_H
#define GOOSE_LOADGEN_TARGET_H

#include <jansson.h>
#include <stdbool.h>

/* Figures are sums over every series the selector matched (several processes of one target add up). */
struct loadgen_target_usage {
	double window_start, window_end;   /* unix seconds: the run */
	double cpu_seconds;                /* CPU the target used, between the scrapes that bracket the run */
	double cpu_cores;                  /* cpu_seconds per second of that interval */
	double cpu_interval_s;             /* the interval (the longest of the series) */
	double memory_bytes_max, memory_bytes_mean; /* resident memory over the samples inside the run */
	unsigned cpu_series, memory_series, samples;
};

/* The default selector for a load URL's host and port: {instance="host:port"}. Owned by the caller. */
char *loadgen_target_default_selector(const char *host, const char *port);

/* Reads the usage over [start, end] (unix seconds) from the Prometheus HTTP API at base_url
 * (http://host:port[/prefix]) for the series `selector` ({label="value",...}) picks, waiting up
 * to settle_ms for the first scrape after the end. Each request is bounded by timeout_ms. 0, or
 * -1 with *error set (owned by the caller): unreachable, refused query, or too few samples. */
int loadgen_target_query(const char *base_url, const char *selector, double start, double end, long timeout_ms,
			 long settle_ms, struct loadgen_target_usage *usage, char **error);

/* The computation alone, over the two answers of /api/v1/query for range selectors reaching
 * from before `start` to after `end` (the CPU counter's and the memory gauge's matrices, as JSON
 * text). CPU is counted between the last scrape at or before the start and the first at or after
 * the end (or the last there is); memory over the scrapes inside the run (or the one before it). */
int loadgen_target_from_answers(const char *cpu_answer, const char *memory_answer, double start, double end,
				struct loadgen_target_usage *usage, char **error);

/* {"prometheus", "selector", "window_s", "cpu_seconds", "cpu_cores", "memory_bytes_max", ...}. */
json_t *loadgen_target_json(const struct loadgen_target_usage *usage, const char *base_url, const char *selector);

#endif
