/* The load engine: HTTP/1.1 over non-blocking keep-alive connections, one epoll worker thread
 * per core, open (constant/ramping rate, coordinated omission corrected) or closed model. */
#ifndef GOOSE_LOADGEN_H
#define GOOSE_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "loadgen_hist.h"
#include "loadgen_schedule.h"
#include "util.h"

enum loadgen_executor {
	LOADGEN_MAX_THROUGHPUT,  /* closed model: each connection sends as soon as it is free */
	LOADGEN_CONSTANT_RATE,   /* open model: one stage at a fixed rate */
	LOADGEN_RAMPING_RATE,    /* open model: linear stages */
};

/* Where `${request.sequence}` appears in a request's wire (path, a header or the body), the
 * engine writes each send's sequence number over it: LOADGEN_SEQUENCE_DIGITS zero-padded digits,
 * as long as the placeholder, so the request keeps its length and its Content-Length. Requests
 * without it are sent from `wire` as they are, with no copy. */
#define LOADGEN_SEQUENCE_PLACEHOLDER "${request.sequence}"
#define LOADGEN_SEQUENCE_DIGITS 19
#define LOADGEN_SEQUENCE_SLOTS 8  /* placeholders rewritten per request; more are sent as written */

/* One request of the mix; `wire` is the whole serialised request (loadgen_http_serialize). */
struct loadgen_request {
	const char *name;          /* borrowed */
	const char *wire;          /* borrowed */
	size_t wire_length;
	unsigned weight;           /* > 0 */
	bool no_body;              /* HEAD: the response carries no body */
};

/* What a run has done so far, handed to the progress callback once per elapsed second. Figures
 * come from the per-second samples (the same ones the series is built from), so they are
 * estimates for the last second or two; the result after the run is exact. */
struct loadgen_progress {
	int64_t second;             /* the whole second just completed (0-based from the start) */
	double elapsed_s, remaining_s;
	double target_rate;         /* req/s the schedule asked for over that second; 0 in the closed model */
	double achieved_rate;       /* responses completed over that second */
	uint64_t requests;          /* responses so far */
	uint64_t errors;            /* errors of every class so far */
	int64_t p95_us;             /* 95th percentile of latency so far (sampled), 0 before any response */
};

/* Called from the thread that called loadgen_run (never from a worker), once per elapsed whole
 * second while the run lasts; it must return quickly, and must not call back into the engine. */
typedef void (*loadgen_progress_fn)(const struct loadgen_progress *progress, void *data);

struct ssl_ctx_st;

struct loadgen_config {
	struct sockaddr_storage address;
	socklen_t address_length;
	const struct loadgen_request *requests;  /* borrowed, request_count >= 1 */
	size_t request_count;
	enum loadgen_executor executor;
	struct loadgen_schedule schedule;        /* open model; the run lasts its stages */
	int64_t duration_ns;                     /* closed model */
	unsigned connections;                    /* total, spread over the threads */
	unsigned threads;
	int64_t timeout_ns;                      /* per request, from its send */
	int64_t late_threshold_ns;               /* a send this far past its intended time is late */
	volatile int *stop;                      /* optional: set to nonzero to end the run early */
	loadgen_progress_fn progress;            /* optional: per-second progress (see above) */
	void *progress_data;                     /* passed to progress as is */
	struct ssl_ctx_st *tls;                  /* optional, borrowed: speak TLS (loadgen_tls_context_new) */
	const char *tls_server_name;             /* with tls: the name sent as SNI (not for an IP address) */
	/* ${request.sequence} of the run's sends is sequence_start + 1 + the send's global index: unique
	 * across workers (worker w sends indices w, w + threads, ...) and increasing with intended time */
	uint64_t sequence_start;
	size_t series_max_points;                /* coarsen the series beyond this (0: LOADGEN_SERIES_MAX_POINTS) */
};

/* Errors by class. HTTP 4xx/5xx responses are errors too, counted by status class. */
struct loadgen_counts {
	uint64_t responses;            /* complete responses of any status */
	uint64_t status_class[6];      /* [1..5] = 1xx..5xx, [0] = anything else */
	uint64_t connect_errors;
	uint64_t timeouts;
	uint64_t resets;               /* reset, broken pipe or closed mid-response */
	uint64_t protocol_errors;      /* a response the parser refused */
	uint64_t late_sends;
	uint64_t dropped_sends;        /* due in the run, never sent */
	uint64_t bytes_read;
	uint64_t tls_errors;           /* TLS handshakes that failed (an error: the request never went out) */
	uint64_t tls_handshakes;       /* completed, resumed ones included */
	uint64_t tls_resumed;          /* completed by resuming the connection's previous session */
};

struct loadgen_request_stats {
	struct loadgen_counts counts;
	struct loadgen_hist latency;   /* µs */
};

/* One second of the run, summarised from the workers' sampled latencies; on long runs a point
 * covers span_s seconds (see loadgen_series_append). */
struct loadgen_series_point {
	int64_t second;           /* the first second it covers */
	int64_t span_s;           /* how many seconds it covers (1 until the series is coarsened) */
	uint64_t responses;
	uint64_t errors;
	int64_t p50_us, p90_us, p99_us, max_us;
	int64_t p95_us;
	long engine_rss_kib;      /* the engine's resident memory when the point was collected */
	double engine_cpu_s;      /* the engine's CPU (user + system) from the start to then */
};

/* Points a series holds before it is coarsened: 2048 one-second points are 34 minutes; a 2 h
 * soak ends with 4-second points, 30 days with 2048-second ones, and the series stays within
 * 2048 points (about 170 KiB) however long the run. */
#define LOADGEN_SERIES_MAX_POINTS 2048

struct loadgen_result {
	struct loadgen_counts counts;
	struct loadgen_hist latency;               /* all requests, µs */
	struct loadgen_request_stats *per_request; /* request_count entries, in config order */
	size_t request_count;
	struct loadgen_series_point *series;
	size_t series_count, series_alloc;
	int64_t series_resolution_s;               /* seconds per point the series is kept at now (1, 2, 4...) */
	double duration_s;                         /* from the first intended send to the end */
	double cpu_user_s, cpu_system_s;           /* the engine's own CPU over the run */
	long max_rss_kib;
	unsigned threads, connections;
	char *tls_error;                           /* owned: why the first failed handshake failed, or NULL */
	double start_unix_s, end_unix_s;           /* the run on the wall clock (for queries about it) */
};

uint64_t loadgen_error_count(const struct loadgen_counts *counts);

/* Adds the next point (span_s >= 1, starting where the last one ends) to the result's series,
 * keeping it within max_points (>= 2): when it is full, neighbouring points are merged in pairs
 * and the resolution doubles; later seconds then fill a point until it spans the resolution.
 * A merged point sums responses and errors, keeps the largest max and, for each percentile, the
 * largest of the merged points' values (an upper envelope: a coarse point never hides a slow
 * second), the larger resident memory and the later cumulative CPU. */
void loadgen_series_append(struct loadgen_result *result, const struct loadgen_series_point *point, size_t max_points);

/* Runs the load as configured and fills `result` (release with loadgen_result_release).
 * Returns 0, or -1 with *error set (owned by the caller) when the run could not start. */
int loadgen_run(const struct loadgen_config *config, struct loadgen_result *result, char **error);
void loadgen_result_release(struct loadgen_result *result);

#endif
