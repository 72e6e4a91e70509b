/* Unit tests of the load engine's parts: histogram accuracy and merge, percentile math, the
 * response parser on split, chunked and pipelined input, the rate schedules, the request mix. */
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "loadgen.h"
#include "loadgen_hist.h"
#include "loadgen_http.h"
#include "loadgen_schedule.h"
#include "banned.h"

static int compare_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The exact percentile as HdrHistogram defines its target count: the ceil(p/100*n)-th value. */
static int64_t exact_percentile(const int64_t *sorted, size_t count, double percentile)
{
	size_t rank = (size_t)ceil(percentile / 100.0 * (double)count);
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

START_TEST(hist_layout_matches_hdrhistogram)
{
	struct loadgen_hist hist;
	loadgen_hist_init(&hist);
	ck_assert_int_eq(hist.sub_bucket_count, 2048);
	ck_assert_int_eq(hist.sub_bucket_half_count, 1024);
	ck_assert_int_eq(hist.unit_magnitude, 0);
	ck_assert_int_eq(hist.bucket_count, 16);
	ck_assert_int_eq(hist.counts_len, 17 * 1024);
	/* exact below 2048, then buckets twice as wide per power of two */
	for (int64_t value = 0; value < 2048; value++)
		ck_assert_int_eq(loadgen_hist_value_at_index(&hist, loadgen_hist_index(&hist, value)), value);
	ck_assert_int_eq(loadgen_hist_lowest_equivalent(&hist, 2049), 2048);
	ck_assert_int_eq(loadgen_hist_highest_equivalent(&hist, 2048), 2049);
	ck_assert_int_eq(loadgen_hist_lowest_equivalent(&hist, 10007), 10000);
	ck_assert_int_eq(loadgen_hist_highest_equivalent(&hist, 10007), 10007);
	/* every equivalent range stays within 1/1000 of its value (3 significant digits) */
	for (int64_t value = 1; value <= LOADGEN_HIST_HIGHEST; value = value * 3 / 2 + 1) {
		int64_t low = loadgen_hist_lowest_equivalent(&hist, value), high = loadgen_hist_highest_equivalent(&hist, value);
		ck_assert(low <= value && value <= high);
		ck_assert((double)(high - low) <= (double)value / 1000.0 + 1e-9);
	}
	loadgen_hist_release(&hist);
}
END_TEST

START_TEST(hist_percentiles_of_one_to_hundred)
{
	struct loadgen_hist hist;
	loadgen_hist_init(&hist);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 50), 0);
	for (int64_t value = 1; value <= 100; value++)
		loadgen_hist_record(&hist, value);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 0), 1);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 50), 50);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 90), 90);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 99), 99);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 99.9), 100);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 100), 100);
	ck_assert_int_eq(hist.min, 1);
	ck_assert_int_eq(hist.max, 100);
	ck_assert(fabs(loadgen_hist_mean(&hist) - 50.5) < 1e-9);
	loadgen_hist_release(&hist);
}
END_TEST

/* Uniform and exponential latencies: every percentile within 0.1% of the exact one. */
START_TEST(hist_accuracy_on_known_distributions)
{
	enum { COUNT = 200000 };
	int64_t *values = malloc(COUNT * sizeof(*values));
	for (int distribution = 0; distribution < 3; distribution++) {
		struct loadgen_hist hist;
		loadgen_hist_init(&hist);
		uint64_t state = 88172645463325252ULL;
		for (int i = 0; i < COUNT; i++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			double unit = (double)(state >> 11) / 9007199254740992.0;
			if (distribution == 0)
				values[i] = 1 + (int64_t)(unit * 1000000);                  /* uniform 1 µs .. 1 s */
			else if (distribution == 1)
				values[i] = 1 + (int64_t)(-log(1.0 - unit) * 2000.0);       /* exponential, mean 2 ms */
			else
				values[i] = 1 + (int64_t)exp(unit * log(50000000.0));       /* log-uniform to 50 s */
			loadgen_hist_record(&hist, values[i]);
		}
		qsort(values, COUNT, sizeof(*values), compare_int64);
		static const double percentiles[] = {1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99};
		for (size_t p = 0; p < sizeof(percentiles) / sizeof(percentiles[0]); p++) {
			int64_t exact = exact_percentile(values, COUNT, percentiles[p]);
			int64_t reported = loadgen_hist_percentile(&hist, percentiles[p]);
			ck_assert_msg(reported >= exact && (double)(reported - exact) <= (double)exact / 1000.0 + 1,
				      "distribution %d p%g: exact %lld, reported %lld", distribution, percentiles[p],
				      (long long)exact, (long long)reported);
		}
		ck_assert_int_eq(loadgen_hist_percentile(&hist, 100), values[COUNT - 1]);
		ck_assert_uint_eq(hist.total_count, COUNT);
		loadgen_hist_release(&hist);
	}
	free(values);
}
END_TEST

START_TEST(hist_merge_equals_recording_everything)
{
	struct loadgen_hist workers[3], merged, all;
	loadgen_hist_init(&merged);
	loadgen_hist_init(&all);
	for (int w = 0; w < 3; w++)
		loadgen_hist_init(&workers[w]);
	for (int64_t i = 1; i <= 30000; i++) {
		int64_t value = (i * 7919) % 5000000 + 1;
		loadgen_hist_record(&workers[i % 3], value);
		loadgen_hist_record(&all, value);
	}
	for (int w = 0; w < 3; w++) {
		ck_assert_int_eq(loadgen_hist_merge(&merged, &workers[w]), 0);
		loadgen_hist_release(&workers[w]);
	}
	ck_assert_uint_eq(merged.total_count, all.total_count);
	ck_assert_int_eq(merged.min, all.min);
	ck_assert_int_eq(merged.max, all.max);
	ck_assert_int_eq(memcmp(merged.counts, all.counts, (size_t)all.counts_len * sizeof(*all.counts)), 0);
	ck_assert_int_eq(loadgen_hist_percentile(&merged, 99), loadgen_hist_percentile(&all, 99));
	struct loadgen_hist other;
	ck_assert_int_eq(loadgen_hist_init_range(&other, 1, 1000, 2), 0);
	ck_assert_int_eq(loadgen_hist_merge(&merged, &other), -1);
	loadgen_hist_release(&other);
	loadgen_hist_release(&merged);
	loadgen_hist_release(&all);
}
END_TEST

START_TEST(hist_clamps_beyond_range)
{
	struct loadgen_hist hist;
	loadgen_hist_init(&hist);
	loadgen_hist_record(&hist, 1000);
	loadgen_hist_record(&hist, 120000000); /* 2 minutes: beyond 60 s */
	loadgen_hist_record(&hist, -5);
	ck_assert_uint_eq(hist.total_count, 3);
	ck_assert_int_eq(hist.max, 120000000);
	ck_assert_int_eq(hist.min, 0);
	ck_assert_int_eq(loadgen_hist_percentile(&hist, 100), 120000000);
	ck_assert(loadgen_hist_percentile(&hist, 99) >= LOADGEN_HIST_HIGHEST);
	loadgen_hist_reset(&hist);
	ck_assert_uint_eq(hist.total_count, 0);
	ck_assert_int_eq(loadgen_hist_init_range(&(struct loadgen_hist){0}, 0, 10, 3), -1);
	loadgen_hist_release(&hist);
}
END_TEST

/* Feeds `text` in pieces of `piece` bytes; returns the number of complete responses, leaving
 * the status of the last in *status and the parser's final state in *state. */
static int parse_pieces(const char *text, size_t piece, bool no_body, int *status, enum loadgen_parse_state *state,
			uint64_t *body_bytes)
{
	struct loadgen_parser *parser = malloc(sizeof(*parser));
	loadgen_parser_reset(parser, no_body);
	size_t length = strlen(text), offset = 0;
	int responses = 0;
	*body_bytes = 0;
	while (offset < length) {
		size_t take = length - offset < piece ? length - offset : piece;
		size_t used = loadgen_parser_feed(parser, text + offset, take);
		offset += used;
		if (parser->state == LOADGEN_PARSE_ERROR)
			break;
		if (parser->state == LOADGEN_PARSE_DONE) {
			responses++;
			*status = parser->status;
			*body_bytes += parser->body_bytes;
			loadgen_parser_reset(parser, no_body);
		}
	}
	*state = parser->state;
	free(parser);
	return responses;
}

START_TEST(parser_content_length_split_anywhere)
{
	const char *text = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nhello world\n";
	for (size_t piece = 1; piece <= strlen(text); piece++) {
		int status = 0;
		enum loadgen_parse_state state;
		uint64_t body = 0;
		ck_assert_int_eq(parse_pieces(text, piece, false, &status, &state, &body), 1);
		ck_assert_int_eq(status, 200);
		ck_assert_uint_eq(body, 12);
		ck_assert_int_eq(state, LOADGEN_PARSE_STATUS_LINE);
	}
}
END_TEST

START_TEST(parser_chunked_split_anywhere)
{
	const char *text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n";
	for (size_t piece = 1; piece <= strlen(text); piece++) {
		int status = 0;
		enum loadgen_parse_state state;
		uint64_t body = 0;
		ck_assert_int_eq(parse_pieces(text, piece, false, &status, &state, &body), 1);
		ck_assert_uint_eq(body, 15);
	}
}
END_TEST

START_TEST(parser_pipelined_responses)
{
	const char *text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
			   "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
			   "HTTP/1.1 204 No Content\r\n\r\n"
			   "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	for (size_t piece = 1; piece <= strlen(text); piece += 3) {
		int status = 0;
		enum loadgen_parse_state state;
		uint64_t body = 0;
		ck_assert_int_eq(parse_pieces(text, piece, false, &status, &state, &body), 4);
		ck_assert_int_eq(status, 503);
		ck_assert_uint_eq(body, 5);
	}
}
END_TEST

START_TEST(parser_head_close_and_http10)
{
	struct loadgen_parser *parser = malloc(sizeof(*parser));
	const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
	loadgen_parser_reset(parser, true);
	ck_assert_uint_eq(loadgen_parser_feed(parser, head, strlen(head)), strlen(head));
	ck_assert_int_eq(parser->state, LOADGEN_PARSE_DONE);
	ck_assert(!parser->connection_close);

	const char *until_close = "HTTP/1.0 200 OK\r\n\r\nsome body";
	loadgen_parser_reset(parser, false);
	loadgen_parser_feed(parser, until_close, strlen(until_close));
	ck_assert_int_eq(parser->state, LOADGEN_PARSE_BODY_UNTIL_CLOSE);
	ck_assert_int_eq(loadgen_parser_eof(parser), 0);
	ck_assert_uint_eq(parser->body_bytes, 9);
	ck_assert(parser->connection_close);

	const char *closing = "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 1\r\n\r\nx";
	loadgen_parser_reset(parser, false);
	loadgen_parser_feed(parser, closing, strlen(closing));
	ck_assert_int_eq(parser->state, LOADGEN_PARSE_DONE);
	ck_assert(parser->connection_close);

	const char *cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
	loadgen_parser_reset(parser, false);
	loadgen_parser_feed(parser, cut, strlen(cut));
	ck_assert_int_eq(loadgen_parser_eof(parser), -1);
	ck_assert_int_eq(parser->state, LOADGEN_PARSE_ERROR);
	free(parser);
}
END_TEST

START_TEST(parser_refuses_malformed)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"garbage\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int status = 0;
		enum loadgen_parse_state state;
		uint64_t body = 0;
		ck_assert_int_eq(parse_pieces(bad[i], 4096, false, &status, &state, &body), 0);
		ck_assert_msg(state == LOADGEN_PARSE_ERROR, "accepted: %s", bad[i]);
	}
	/* an endless header line stops at the line limit */
	struct loadgen_parser *parser = malloc(sizeof(*parser));
	loadgen_parser_reset(parser, false);
	char *long_line = malloc(100000);
	memset(long_line, 'a', 100000);
	loadgen_parser_feed(parser, "HTTP/1.1 200 OK\r\nX: ", 20);
	loadgen_parser_feed(parser, long_line, 100000);
	ck_assert_int_eq(parser->state, LOADGEN_PARSE_ERROR);
	free(long_line);
	free(parser);
}
END_TEST

START_TEST(serialize_and_parse_url)
{
	struct strbuf out;
	strbuf_init(&out);
	const char *headers[] = {"Accept: */*", "X-Test: 1"};
	ck_assert_int_eq(loadgen_http_serialize(&out, "POST", "127.0.0.1:8080", "/api?q=1", headers, 2, "{}", 2), 0);
	ck_assert_str_eq(out.buf, "POST /api?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\nX-Test: 1\r\n"
				  "Content-Length: 2\r\n\r\n{}");
	strbuf_reset(&out);
	const char *own_host[] = {"host: example.org"};
	ck_assert_int_eq(loadgen_http_serialize(&out, "GET", "h", "/", own_host, 1, NULL, 0), 0);
	ck_assert_str_eq(out.buf, "GET / HTTP/1.1\r\nhost: example.org\r\n\r\n");
	const char *broken[] = {"X-Evil: a\r\nInjected: b"};
	ck_assert_int_eq(loadgen_http_serialize(&out, "GET", "h", "/", broken, 1, NULL, 0), -1);
	const char *no_colon[] = {"NoColon"};
	ck_assert_int_eq(loadgen_http_serialize(&out, "GET", "h", "/", no_colon, 1, NULL, 0), -1);
	ck_assert_int_eq(loadgen_http_serialize(&out, "G ET", "h", "/", NULL, 0, NULL, 0), -1);
	strbuf_release(&out);

	char *host, *port, *target;
	ck_assert_int_eq(loadgen_parse_url("http://127.0.0.1:8080/a/b?c", &host, &port, &target), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_str_eq(port, "8080");
	ck_assert_str_eq(target, "/a/b?c");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url("http://[::1]:81", &host, &port, &target), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_str_eq(target, "/");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url("http://localhost?x=1#frag", &host, &port, &target), 0);
	ck_assert_str_eq(port, "80");
	ck_assert_str_eq(target, "/?x=1");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url("https://x/", &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url("http://x:0/", &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url("http://x:70000/", &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url("http://user@x/", &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url("http:///", &host, &port, &target), -1);
}
END_TEST

START_TEST(parse_url_with_scheme)
{
	char *host, *port, *target;
	bool tls;
	ck_assert_int_eq(loadgen_parse_url_tls("https://example.test/a?b", &tls, &host, &port, &target), 0);
	ck_assert(tls);
	ck_assert_str_eq(host, "example.test");
	ck_assert_str_eq(port, "443");
	ck_assert_str_eq(target, "/a?b");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url_tls("https://[::1]:8443", &tls, &host, &port, &target), 0);
	ck_assert(tls);
	ck_assert_str_eq(host, "::1");
	ck_assert_str_eq(port, "8443");
	ck_assert_str_eq(target, "/");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url_tls("http://h", &tls, &host, &port, &target), 0);
	ck_assert(!tls);
	ck_assert_str_eq(port, "80");
	free(host), free(port), free(target);
	ck_assert_int_eq(loadgen_parse_url_tls("ftp://h/", &tls, &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url_tls("https://", &tls, &host, &port, &target), -1);
	ck_assert_int_eq(loadgen_parse_url_tls("https://h:0/", &tls, &host, &port, &target), -1);
	/* the plain entry point stays http:// only */
	ck_assert_int_eq(loadgen_parse_url("https://h/", &host, &port, &target), -1);
}
END_TEST

START_TEST(schedule_constant_rate)
{
	struct loadgen_stage stage = {.duration_ns = 2000000000LL, .target_rate = 1000};
	struct loadgen_schedule schedule = {.start_rate = 1000, .stages = &stage, .stage_count = 1};
	for (uint64_t i = 0; i < 2000; i++)
		ck_assert_int_eq(loadgen_schedule_time(&schedule, i), (int64_t)i * 1000000);
	ck_assert_int_eq(loadgen_schedule_time(&schedule, 2000), -1);
	ck_assert_uint_eq(loadgen_schedule_total(&schedule), 2000);
}
END_TEST

START_TEST(schedule_ramping_rate)
{
	/* 0 -> 100 req/s over 10 s: N(t) = 5 t^2, so request n is due at sqrt(n / 5) s */
	struct loadgen_stage ramp = {.duration_ns = 10000000000LL, .target_rate = 100};
	struct loadgen_schedule schedule = {.start_rate = 0, .stages = &ramp, .stage_count = 1};
	ck_assert_uint_eq(loadgen_schedule_total(&schedule), 500);
	for (uint64_t n = 0; n < 500; n++) {
		double expected = sqrt((double)n / 5.0) * 1e9;
		ck_assert(llabs(loadgen_schedule_time(&schedule, n) - (int64_t)llround(expected)) <= 1);
	}
	ck_assert_int_eq(loadgen_schedule_time(&schedule, 500), -1);

	/* 10 req/s for 1 s (10 requests), ramp 10 -> 30 over 1 s (20), down 30 -> 0 over 2 s (30) */
	struct loadgen_stage stages[] = {{1000000000LL, 10}, {1000000000LL, 30}, {2000000000LL, 0}};
	struct loadgen_schedule staged = {.start_rate = 10, .stages = stages, .stage_count = 3};
	ck_assert_uint_eq(loadgen_schedule_total(&staged), 60);
	ck_assert_int_eq(loadgen_schedule_time(&staged, 5), 500000000);
	ck_assert_int_eq(loadgen_schedule_time(&staged, 10), 1000000000);
	/* in the ramp: 10 t + 10 t^2 = 10 -> t = (sqrt(5) - 1) / 2 */
	ck_assert(llabs(loadgen_schedule_time(&staged, 20) - (1000000000LL + llround((sqrt(5.0) - 1) / 2 * 1e9))) <= 1);
	ck_assert_int_eq(loadgen_schedule_time(&staged, 30), 2000000000);
	/* ramp down: 30 t - 7.5 t^2 = 15 -> t = 2 - sqrt(2) */
	ck_assert(llabs(loadgen_schedule_time(&staged, 45) - (2000000000LL + llround((2 - sqrt(2.0)) * 1e9))) <= 1);
	ck_assert_int_eq(loadgen_schedule_time(&staged, 60), -1);
	int64_t previous = -1;
	for (uint64_t n = 0; n < 60; n++) {
		int64_t at = loadgen_schedule_time(&staged, n);
		ck_assert(at > previous);
		previous = at;
	}
}
END_TEST

START_TEST(schedule_count_before)
{
	struct loadgen_stage stage = {.duration_ns = 2500000000LL, .target_rate = 200};
	struct loadgen_schedule constant = {.start_rate = 200, .stages = &stage, .stage_count = 1};
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&constant, 0), 0.0, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&constant, 1000000000LL), 200.0, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&constant, 2500000000LL), 500.0, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&constant, 9000000000LL), 500.0, 1e-9);
	/* 10 req/s for 1 s, ramp 10 -> 30 over 1 s, down 30 -> 0 over 2 s */
	struct loadgen_stage stages[] = {{1000000000LL, 10}, {1000000000LL, 30}, {2000000000LL, 0}};
	struct loadgen_schedule staged = {.start_rate = 10, .stages = stages, .stage_count = 3};
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&staged, 500000000LL), 5.0, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&staged, 1500000000LL), 10.0 + 7.5, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&staged, 3000000000LL), 30.0 + 22.5, 1e-9);
	ck_assert_double_eq_tol(loadgen_schedule_count_before(&staged, 4000000000LL), 60.0, 1e-9);
	/* the inverse of loadgen_schedule_time */
	for (uint64_t n = 1; n < 60; n++)
		ck_assert_double_eq_tol(loadgen_schedule_count_before(&staged, loadgen_schedule_time(&staged, n)), (double)n, 1e-6);
}
END_TEST

START_TEST(mix_and_durations)
{
	unsigned weights[] = {3, 1, 4};
	for (uint64_t start = 0; start < 80; start += 8) {
		unsigned seen[3] = {0};
		for (uint64_t i = start; i < start + 8; i++)
			seen[loadgen_mix_pick(weights, 3, 8, i)]++;
		ck_assert_uint_eq(seen[0], 3);
		ck_assert_uint_eq(seen[1], 1);
		ck_assert_uint_eq(seen[2], 4);
	}
	int64_t ns;
	ck_assert_int_eq(loadgen_parse_duration("250ms", &ns), 0);
	ck_assert_int_eq(ns, 250000000);
	ck_assert_int_eq(loadgen_parse_duration("1m30s", &ns), 0);
	ck_assert_int_eq(ns, 90000000000LL);
	ck_assert_int_eq(loadgen_parse_duration("2", &ns), 0);
	ck_assert_int_eq(ns, 2000000000);
	ck_assert_int_eq(loadgen_parse_duration("500us", &ns), 0);
	ck_assert_int_eq(ns, 500000);
	ck_assert_int_eq(loadgen_parse_duration("", &ns), -1);
	ck_assert_int_eq(loadgen_parse_duration("5x", &ns), -1);
	ck_assert_int_eq(loadgen_parse_duration("-1s", &ns), -1);
}
END_TEST

/* A tiny keep-alive server on loopback for engine tests: answers every request (a header block
 * ending in a blank line) with a fixed 200 response, until told to stop. */
struct test_server {
	int listener;
	struct sockaddr_in address;
	pthread_t thread;
	volatile int stop;
};

static void *test_server_main(void *argument)
{
	static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	struct test_server *server = argument;
	struct pollfd fds[33];
	int tail[33] = {0}; /* how much of "\r\n\r\n" the last bytes matched */
	nfds_t count = 1;
	fds[0] = (struct pollfd){.fd = server->listener, .events = POLLIN};
	while (!server->stop) {
		if (poll(fds, count, 50) <= 0)
			continue;
		for (nfds_t i = count; i-- > 1;) {
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buffer[4096];
			ssize_t got = read(fds[i].fd, buffer, sizeof(buffer));
			if (got <= 0) {
				close(fds[i].fd);
				fds[i] = fds[count - 1];
				tail[i] = tail[count - 1];
				count--;
				continue;
			}
			for (ssize_t j = 0; j < got; j++) {
				char expected = "\r\n\r\n"[tail[i]];
				tail[i] = buffer[j] == expected ? tail[i] + 1 : (buffer[j] == '\r' ? 1 : 0);
				if (tail[i] == 4) {
					tail[i] = 0;
					ck_assert_int_eq(write(fds[i].fd, response, sizeof(response) - 1), (ssize_t)sizeof(response) - 1);
				}
			}
		}
		if ((fds[0].revents & POLLIN) && count < 33) {
			int client = accept(server->listener, NULL, NULL);
			if (client >= 0) {
				tail[count] = 0;
				fds[count++] = (struct pollfd){.fd = client, .events = POLLIN};
			}
		}
	}
	for (nfds_t i = 1; i < count; i++)
		close(fds[i].fd);
	return NULL;
}

static void test_server_start(struct test_server *server)
{
	memset(server, 0, sizeof(*server));
	server->listener = socket(AF_INET, SOCK_STREAM, 0);
	server->address = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(server->address);
	ck_assert_int_eq(bind(server->listener, (struct sockaddr *)&server->address, length), 0);
	ck_assert_int_eq(getsockname(server->listener, (struct sockaddr *)&server->address, &length), 0);
	ck_assert_int_eq(listen(server->listener, 64), 0);
	ck_assert_int_eq(pthread_create(&server->thread, NULL, test_server_main, server), 0);
}

static void test_server_stop(struct test_server *server)
{
	server->stop = 1;
	pthread_join(server->thread, NULL);
	close(server->listener);
}

struct progress_log {
	pthread_t caller;
	bool other_thread;
	size_t count;
	struct loadgen_progress reports[8];
};

static void record_progress(const struct loadgen_progress *progress, void *data)
{
	struct progress_log *log = data;
	if (!pthread_equal(pthread_self(), log->caller))
		log->other_thread = true;
	if (log->count < 8)
		log->reports[log->count] = *progress;
	log->count++;
}

/* 200 req/s for 2.5 s: a report after each of the two whole seconds, from the calling thread,
 * with the schedule's rate, what came back, running totals and a latency percentile. */
START_TEST(run_reports_progress_each_second)
{
	struct test_server server;
	test_server_start(&server);
	static const char wire[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct loadgen_request request = {.name = "/", .wire = wire, .wire_length = sizeof(wire) - 1, .weight = 1};
	struct loadgen_stage stage = {.duration_ns = 2500000000LL, .target_rate = 200};
	struct progress_log log = {.caller = pthread_self()};
	struct loadgen_config config = {.request_count = 1, .requests = &request, .executor = LOADGEN_CONSTANT_RATE,
					.schedule = {.start_rate = 200, .stages = &stage, .stage_count = 1},
					.connections = 4, .threads = 2, .timeout_ns = 1000000000LL, .late_threshold_ns = 1000000,
					.progress = record_progress, .progress_data = &log};
	memcpy(&config.address, &server.address, sizeof(server.address));
	config.address_length = sizeof(server.address);
	struct loadgen_result result;
	char *error = NULL;
	ck_assert_int_eq(loadgen_run(&config, &result, &error), 0);
	test_server_stop(&server);
	ck_assert_uint_eq(log.count, 2);
	ck_assert(!log.other_thread);
	for (size_t i = 0; i < 2; i++) {
		const struct loadgen_progress *report = &log.reports[i];
		ck_assert_int_eq(report->second, (int64_t)i);
		ck_assert_double_eq_tol(report->elapsed_s, (double)(i + 1), 1e-9);
		ck_assert_double_eq_tol(report->remaining_s, 1.5 - (double)i, 1e-9);
		ck_assert_double_eq_tol(report->target_rate, 200.0, 1e-6);
		/* loopback keeps up with 200 req/s; a second's edge (or a busy machine) shifts a few responses */
		ck_assert(report->achieved_rate >= 100 && report->achieved_rate <= 300);
		ck_assert_uint_eq(report->errors, 0);
		ck_assert(report->p95_us > 0 && report->p95_us < 1000000);
	}
	ck_assert(log.reports[0].requests >= 100 && log.reports[0].requests <= 300);
	ck_assert(log.reports[1].requests >= 300 && log.reports[1].requests <= 500);
	ck_assert_uint_gt(log.reports[1].requests, log.reports[0].requests);
	ck_assert_uint_eq(result.counts.responses, 500);
	ck_assert_uint_eq(loadgen_error_count(&result.counts), 0);
	ck_assert_uint_eq(result.series_count, 3);
	for (size_t i = 0; i < result.series_count; i++) {
		const struct loadgen_series_point *point = &result.series[i];
		ck_assert(point->p90_us <= point->p95_us && point->p95_us <= point->p99_us && point->p99_us <= point->max_us);
		ck_assert_int_gt(point->engine_rss_kib, 0);
	}
	ck_assert(result.end_unix_s - result.start_unix_s > 2.4 && result.end_unix_s - result.start_unix_s < 2.6);
	loadgen_result_release(&result);

	/* the closed model has no target */
	test_server_start(&server);
	memcpy(&config.address, &server.address, sizeof(server.address));
	config.executor = LOADGEN_MAX_THROUGHPUT;
	config.duration_ns = 1200000000LL;
	log.count = 0;
	ck_assert_int_eq(loadgen_run(&config, &result, &error), 0);
	test_server_stop(&server);
	ck_assert_uint_eq(log.count, 1);
	ck_assert_double_eq_tol(log.reports[0].target_rate, 0.0, 1e-9);
	ck_assert(log.reports[0].achieved_rate > 0);
	ck_assert(log.reports[0].requests > 0);
	ck_assert_double_eq_tol(log.reports[0].remaining_s, 0.2, 1e-9);
	loadgen_result_release(&result);
}
END_TEST

/* A port nobody listens on: every request is a connect error, nothing leaks. */
START_TEST(run_against_refused_port)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(address);
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&address, length), 0);
	ck_assert_int_eq(getsockname(listener, (struct sockaddr *)&address, &length), 0);
	close(listener); /* bound, never listened: the port refuses */
	static const char wire[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct loadgen_request request = {.name = "/", .wire = wire, .wire_length = sizeof(wire) - 1, .weight = 1};
	struct loadgen_stage stage = {.duration_ns = 300000000LL, .target_rate = 200};
	struct loadgen_config config = {.request_count = 1, .requests = &request, .executor = LOADGEN_CONSTANT_RATE,
					.schedule = {.start_rate = 200, .stages = &stage, .stage_count = 1},
					.connections = 4, .threads = 2, .timeout_ns = 1000000000LL, .late_threshold_ns = 1000000};
	memcpy(&config.address, &address, sizeof(address));
	config.address_length = sizeof(address);
	struct loadgen_result result;
	char *error = NULL;
	ck_assert_int_eq(loadgen_run(&config, &result, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_uint_eq(result.counts.responses, 0);
	ck_assert_uint_gt(result.counts.connect_errors, 0);
	ck_assert_uint_eq(loadgen_error_count(&result.counts), result.counts.connect_errors);
	/* every scheduled request is a connect error or was dropped (connections back off) */
	ck_assert_uint_le(result.counts.connect_errors + result.counts.dropped_sends, 61);
	ck_assert_uint_ge(result.counts.connect_errors + result.counts.dropped_sends, 59);
	loadgen_result_release(&result);

	config.threads = 8; /* more threads than connections */
	ck_assert_int_eq(loadgen_run(&config, &result, &error), -1);
	ck_assert_ptr_nonnull(error);
	free(error);
	loadgen_result_release(&result);
}
END_TEST

/* Two hours of one-second points kept within 64: pairs merge as the series fills, every point
 * starts where the previous one ends, totals are kept, and each coarse point's percentiles and
 * max are the largest of the seconds it covers (a slow second is never averaged away). */
START_TEST(series_coarsens_within_bound)
{
	enum { SECONDS = 7200, BOUND = 64 };
	struct loadgen_result result;
	memset(&result, 0, sizeof(result));
	uint64_t responses = 0, errors = 0;
	for (int64_t second = 0; second < SECONDS; second++) {
		struct loadgen_series_point point = {.second = second, .span_s = 1, .responses = 100 + (uint64_t)(second % 7),
						     .errors = second % 100 == 0, .p50_us = 1000 + second % 13,
						     .p90_us = 2000 + second % 17, .p95_us = 3000 + second % 19,
						     .p99_us = second == 4321 ? 900000 : 4000 + second % 23,
						     .max_us = second == 4321 ? 950000 : 5000 + second % 29,
						     .engine_rss_kib = second == 100 ? 9000 : 4000, .engine_cpu_s = (double)second * 0.5};
		responses += point.responses;
		errors += point.errors;
		loadgen_series_append(&result, &point, BOUND);
		ck_assert_uint_le(result.series_count, BOUND);
		ck_assert_uint_le(result.series_alloc, BOUND);
	}
	ck_assert_int_eq(result.series_resolution_s, 128); /* 64 points of 64 s hold 4096 s, not 7200 */
	ck_assert_uint_eq(result.series_count, (SECONDS + 127) / 128);
	uint64_t responses_kept = 0, errors_kept = 0;
	for (size_t i = 0; i < result.series_count; i++) {
		const struct loadgen_series_point *point = &result.series[i];
		ck_assert_int_eq(point->second, (int64_t)i * 128);
		ck_assert_int_eq(point->span_s, i + 1 < result.series_count ? 128 : SECONDS - (int64_t)i * 128);
		responses_kept += point->responses;
		errors_kept += point->errors;
		int64_t p99 = 0, p50 = 0, max = 0;
		for (int64_t second = point->second; second < point->second + point->span_s; second++) {
			int64_t second_p99 = second == 4321 ? 900000 : 4000 + second % 23;
			int64_t second_max = second == 4321 ? 950000 : 5000 + second % 29;
			p99 = second_p99 > p99 ? second_p99 : p99;
			p50 = 1000 + second % 13 > p50 ? 1000 + second % 13 : p50;
			max = second_max > max ? second_max : max;
		}
		ck_assert_int_eq(point->p99_us, p99);
		ck_assert_int_eq(point->p50_us, p50);
		ck_assert_int_eq(point->max_us, max);
		ck_assert_int_eq(point->engine_rss_kib, point->second <= 100 && 100 < point->second + point->span_s ? 9000 : 4000);
		ck_assert_double_eq_tol(point->engine_cpu_s, (double)(point->second + point->span_s - 1) * 0.5, 1e-9);
	}
	ck_assert_uint_eq(responses_kept, responses);
	ck_assert_uint_eq(errors_kept, errors);
	ck_assert_int_eq(result.series[4321 / 128].p99_us, 900000);
	loadgen_result_release(&result);

	/* the engine's own bound: 2 h at one point a second ends at 4-second points */
	memset(&result, 0, sizeof(result));
	for (int64_t second = 0; second < SECONDS; second++) {
		struct loadgen_series_point point = {.second = second, .span_s = 1, .responses = 1};
		loadgen_series_append(&result, &point, LOADGEN_SERIES_MAX_POINTS);
	}
	ck_assert_int_eq(result.series_resolution_s, 4);
	ck_assert_uint_eq(result.series_count, SECONDS / 4);
	ck_assert_uint_le(result.series_alloc, LOADGEN_SERIES_MAX_POINTS);
	loadgen_result_release(&result);

	/* the smallest bound: a full series merges before the next second goes in, so 5 s in 2
	 * points are 4 s and 1 s (the last second is not folded into the rest) */
	memset(&result, 0, sizeof(result));
	int64_t expected_spans[][2] = {{1, 0}, {1, 1}, {2, 1}, {2, 2}, {4, 1}};
	for (int64_t second = 0; second < 5; second++) {
		struct loadgen_series_point point = {.second = second, .span_s = 1, .responses = 1};
		loadgen_series_append(&result, &point, 2);
		ck_assert_int_eq(result.series[0].span_s, expected_spans[second][0]);
		ck_assert_int_eq(result.series_count > 1 ? result.series[1].span_s : 0, expected_spans[second][1]);
		ck_assert_uint_le(result.series_alloc, 2);
	}
	loadgen_result_release(&result);
}
END_TEST

static Suite *loadgen_suite(void)
{
	Suite *suite = suite_create("loadgen");
	TCase *hist = tcase_create("histogram");
	tcase_add_test(hist, hist_layout_matches_hdrhistogram);
	tcase_add_test(hist, hist_percentiles_of_one_to_hundred);
	tcase_add_test(hist, hist_accuracy_on_known_distributions);
	tcase_add_test(hist, hist_merge_equals_recording_everything);
	tcase_add_test(hist, hist_clamps_beyond_range);
	tcase_set_timeout(hist, 60);
	suite_add_tcase(suite, hist);
	TCase *http = tcase_create("http");
	tcase_add_test(http, parser_content_length_split_anywhere);
	tcase_add_test(http, parser_chunked_split_anywhere);
	tcase_add_test(http, parser_pipelined_responses);
	tcase_add_test(http, parser_head_close_and_http10);
	tcase_add_test(http, parser_refuses_malformed);
	tcase_add_test(http, serialize_and_parse_url);
	tcase_add_test(http, parse_url_with_scheme);
	suite_add_tcase(suite, http);
	TCase *schedule = tcase_create("schedule");
	tcase_add_test(schedule, schedule_constant_rate);
	tcase_add_test(schedule, schedule_ramping_rate);
	tcase_add_test(schedule, schedule_count_before);
	tcase_add_test(schedule, mix_and_durations);
	suite_add_tcase(suite, schedule);
	TCase *engine = tcase_create("engine");
	tcase_add_test(engine, series_coarsens_within_bound);
	tcase_add_test(engine, run_against_refused_port);
	tcase_add_test(engine, run_reports_progress_each_second);
	tcase_set_timeout(engine, 30);
	suite_add_tcase(suite, engine);
	return suite;
}

CHECK_MAIN(loadgen_suite)
