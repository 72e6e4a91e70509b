/* Command line of the load engine: turns flags into a loadgen_config (a constant or ramping
 * rate, or the closed model at --max), resolves the target once and renders the result. */
#define _GNU_SOURCE
#include "load_cli.h"

#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"
#include "loadgen_http.h"
#include "loadgen_target.h"
#include "loadgen_tls.h"
#include "runner_exit.h"
#include "banned.h"

#define LOAD_CLI_BODY_MAX (64u << 20)

const char load_cli_help_text[] =
	"  load URL [--rate N [--ramp-to N] | --max] [--connections C] [--threads T] [--duration D]\n"
	"       [--method M] [--header 'Name: value']... [--body FILE] [--timeout D] [--json] [--no-progress]\n"
	"       [--cacert FILE | --insecure] [--prometheus URL [--target-selector '{job=\"x\"}']] [--series-points N]\n"
	"                                      HTTP load on URL: achieved req/s, errors, latency percentiles;\n"
	"                                      ${request.sequence} in the URL, a header or the body becomes\n"
	"                                      each request's number (19 digits, unique over the run);\n"
	"                                      https:// verifies the server against the system CAs (or --cacert);\n"
	"                                      --rate times each request from its intended send (exit 1 on errors);\n"
	"                                      a live line per second on stderr when it is a terminal;\n"
	"                                      --prometheus adds the target's CPU and memory over the run\n"
	"                                      (default selector {instance=\"HOST:PORT\"} of URL);\n"
	"                                      the per-second series merges neighbours beyond N points (2048)\n";

struct load_options {
	const char *url;
	double rate, ramp_to;
	bool max, json, has_ramp, no_progress, insecure;
	const char *ca_file;
	const char *prometheus, *target_selector;
	unsigned connections, threads, series_points;
	int64_t duration_ns, timeout_ns;
	const char *method;
	const char **headers;
	size_t header_count, header_alloc;
	const char *body_path;
};

static volatile int load_cli_stop;

static void on_interrupt(int signal_number)
{
	(void)signal_number;
	load_cli_stop = 1;
}

static int usage_error(const char *message, const char *subject)
{
	fputs("goose-run load: ", stderr);
	fprintf(stderr, message, subject);
	fputs("\nrun 'goose-run --help' for usage\n", stderr);
	return RUNNER_EXIT_USAGE;
}

static int parse_count(const char *text, unsigned long max, unsigned *value)
{
	char *end;
	errno = 0;
	unsigned long number = strtoul(text, &end, 10);
	if (errno || *end || end == text || *text == '-' || number == 0 || number > max)
		return -1;
	*value = (unsigned)number;
	return 0;
}

static int parse_rate(const char *text, double *value)
{
	char *end;
	errno = 0;
	double number = strtod(text, &end);
	if (errno || *end || end == text || !(number > 0) || number > 1e8)
		return -1;
	*value = number;
	return 0;
}

static int parse_options(struct load_options *options, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(arg, "--max") == 0) {
			options->max = true;
		} else if (strcmp(arg, "--json") == 0) {
			options->json = true;
		} else if (strcmp(arg, "--no-progress") == 0) {
			options->no_progress = true;
		} else if (strcmp(arg, "--insecure") == 0) {
			options->insecure = true;
		} else if (strcmp(arg, "--cacert") == 0 && has_value) {
			options->ca_file = argv[++i];
		} else if (strcmp(arg, "--prometheus") == 0 && has_value) {
			options->prometheus = argv[++i];
		} else if (strcmp(arg, "--target-selector") == 0 && has_value) {
			options->target_selector = argv[++i];
		} else if (strcmp(arg, "--rate") == 0 && has_value) {
			if (parse_rate(argv[++i], &options->rate) != 0)
				return usage_error("--rate needs requests per second, not '%s'", argv[i]);
		} else if (strcmp(arg, "--ramp-to") == 0 && has_value) {
			if (parse_rate(argv[++i], &options->ramp_to) != 0)
				return usage_error("--ramp-to needs requests per second, not '%s'", argv[i]);
			options->has_ramp = true;
		} else if (strcmp(arg, "--connections") == 0 && has_value) {
			if (parse_count(argv[++i], 100000, &options->connections) != 0)
				return usage_error("--connections needs a count from 1 to 100000, not '%s'", argv[i]);
		} else if (strcmp(arg, "--threads") == 0 && has_value) {
			if (parse_count(argv[++i], 1024, &options->threads) != 0)
				return usage_error("--threads needs a count from 1 to 1024, not '%s'", argv[i]);
		} else if (strcmp(arg, "--duration") == 0 && has_value) {
			if (loadgen_parse_duration(argv[++i], &options->duration_ns) != 0 || options->duration_ns <= 0)
				return usage_error("--duration needs a duration such as 10s or 2m, not '%s'", argv[i]);
		} else if (strcmp(arg, "--timeout") == 0 && has_value) {
			if (loadgen_parse_duration(argv[++i], &options->timeout_ns) != 0 || options->timeout_ns <= 0)
				return usage_error("--timeout needs a duration such as 500ms or 5s, not '%s'", argv[i]);
		} else if (strcmp(arg, "--series-points") == 0 && has_value) {
			if (parse_count(argv[++i], 1000000, &options->series_points) != 0 || options->series_points < 2)
				return usage_error("--series-points needs a count from 2 to 1000000, not '%s'", argv[i]);
		} else if (strcmp(arg, "--method") == 0 && has_value) {
			options->method = argv[++i];
		} else if (strcmp(arg, "--header") == 0 && has_value) {
			ALLOC_GROW(options->headers, options->header_count + 1, options->header_alloc);
			options->headers[options->header_count++] = argv[++i];
		} else if (strcmp(arg, "--body") == 0 && has_value) {
			options->body_path = argv[++i];
		} else if (arg[0] == '-') {
			return usage_error("unknown or incomplete option '%s'", arg);
		} else if (!options->url) {
			options->url = arg;
		} else {
			return usage_error("unexpected argument '%s'", arg);
		}
	}
	if (!options->url)
		return usage_error("%s", "no URL given");
	if (options->max && options->rate > 0)
		return usage_error("%s", "--rate and --max exclude each other");
	if (options->has_ramp && !(options->rate > 0))
		return usage_error("%s", "--ramp-to needs --rate (the starting rate)");
	if (options->insecure && options->ca_file)
		return usage_error("%s", "--cacert and --insecure exclude each other");
	if (options->target_selector && !options->prometheus)
		return usage_error("%s", "--target-selector needs --prometheus");
	if (options->prometheus && strncmp(options->prometheus, "http://", 7) != 0)
		return usage_error("--prometheus needs an http:// URL, not '%s'", options->prometheus);
	return 0;
}

static int resolve(const char *host, const char *port, struct loadgen_config *config, char **error)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *found = NULL;
	int status = getaddrinfo(host, port, &hints, &found);
	if (status != 0 || !found) {
		*error = xasprintf("cannot resolve '%s': %s", host, gai_strerror(status));
		return -1;
	}
	memcpy(&config->address, found->ai_addr, found->ai_addrlen);
	config->address_length = found->ai_addrlen;
	freeaddrinfo(found);
	return 0;
}

static json_t *latency_json(const struct loadgen_hist *latency)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "min", (json_int_t)(latency->total_count ? latency->min : 0),
			 "p50", (json_int_t)loadgen_hist_percentile(latency, 50), "p90", (json_int_t)loadgen_hist_percentile(latency, 90),
			 "p99", (json_int_t)loadgen_hist_percentile(latency, 99), "p999",
			 (json_int_t)loadgen_hist_percentile(latency, 99.9), "max", (json_int_t)latency->max, "count",
			 (json_int_t)latency->total_count, "mean", loadgen_hist_mean(latency));
}

static json_t *counts_json(const struct loadgen_counts *counts)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "connect", (json_int_t)counts->connect_errors, "timeout",
			 (json_int_t)counts->timeouts, "reset", (json_int_t)counts->resets, "protocol",
			 (json_int_t)counts->protocol_errors, "tls", (json_int_t)counts->tls_errors, "status_4xx",
			 (json_int_t)counts->status_class[4], "status_5xx", (json_int_t)counts->status_class[5], "total",
			 (json_int_t)loadgen_error_count(counts));
}

static const char *executor_name(enum loadgen_executor executor)
{
	switch (executor) {
	case LOADGEN_CONSTANT_RATE: return "constant-rate";
	case LOADGEN_RAMPING_RATE: return "ramping-rate";
	default: return "max-throughput";
	}
}

/* The target's usage as read from Prometheus after the run, or why it could not be. */
struct target_report {
	const char *selector;
	bool available;
	struct loadgen_target_usage usage;
	char *error;
};

static void print_json(const struct loadgen_config *config, const struct load_options *options,
		       const struct loadgen_result *result, const struct target_report *target)
{
	double rps = result->duration_s > 0 ? (double)result->counts.responses / result->duration_s : 0.0;
	json_t *series = json_array();
	for (size_t i = 0; i < result->series_count; i++) {
		const struct loadgen_series_point *point = &result->series[i];
		json_array_append_new(series, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "second", (json_int_t)point->second,
							"span_s", (json_int_t)point->span_s, "responses", (json_int_t)point->responses, "errors",
							(json_int_t)point->errors, "p50_us", (json_int_t)point->p50_us, "p90_us",
							(json_int_t)point->p90_us, "p95_us", (json_int_t)point->p95_us, "p99_us", (json_int_t)point->p99_us, "max_us",
							(json_int_t)point->max_us, "engine_rss_kib", (json_int_t)point->engine_rss_kib,
							"engine_cpu_s", point->engine_cpu_s));
	}
	json_t *status = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "1xx", (json_int_t)result->counts.status_class[1], "2xx",
				   (json_int_t)result->counts.status_class[2], "3xx", (json_int_t)result->counts.status_class[3],
				   "4xx", (json_int_t)result->counts.status_class[4], "5xx",
				   (json_int_t)result->counts.status_class[5], "other", (json_int_t)result->counts.status_class[0]);
	json_t *object = json_pack(
		"{s:s,s:s,s:I,s:I,s:f,s:f,s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:{s:f,s:f,s:I},s:o}", "url", options->url, "executor",
		executor_name(config->executor), "requests", (json_int_t)result->counts.responses, "errors",
		(json_int_t)loadgen_error_count(&result->counts), "duration_s", result->duration_s, "rps", rps, "latency_us",
		latency_json(&result->latency), "errors_by_class", counts_json(&result->counts), "status", status, "late_sends",
		(json_int_t)result->counts.late_sends, "dropped_sends", (json_int_t)result->counts.dropped_sends, "bytes_read",
		(json_int_t)result->counts.bytes_read, "connections", (json_int_t)result->connections, "threads",
		(json_int_t)result->threads, "engine", "cpu_user_s", result->cpu_user_s, "cpu_system_s", result->cpu_system_s,
		"max_rss_kib", (json_int_t)result->max_rss_kib, "series", series);
	if (options->prometheus) {
		json_t *usage = target->available ? loadgen_target_json(&target->usage, options->prometheus, target->selector)
						  : json_pack("{s:s,s:s,s:s}", "prometheus", options->prometheus, "selector",
							      target->selector, "error", target->error);
		json_object_set_new(object, "target", usage);
	}
	if (config->tls)
		json_object_set_new(object, "tls", json_pack("{s:I,s:I,s:I}", "handshakes", (json_int_t)result->counts.tls_handshakes,
							     "resumed", (json_int_t)result->counts.tls_resumed, "errors",
							     (json_int_t)result->counts.tls_errors));
	if (config->executor != LOADGEN_MAX_THROUGHPUT) {
		json_object_set_new(object, "target_rate", json_real(options->rate));
		if (options->has_ramp)
			json_object_set_new(object, "ramp_to", json_real(options->ramp_to));
	}
	char *text = json_dumps(object, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	puts(text);
	free(text);
	json_decref(object);
}

static void print_text(const struct loadgen_config *config, const struct load_options *options,
		       const struct loadgen_result *result, const struct target_report *target)
{
	const struct loadgen_counts *counts = &result->counts;
	double rps = result->duration_s > 0 ? (double)counts->responses / result->duration_s : 0.0;
	printf("%s: %s, %.2f s, %u connections, %u threads\n", options->url, executor_name(config->executor), result->duration_s,
	       result->connections, result->threads);
	if (config->executor == LOADGEN_CONSTANT_RATE)
		printf("  target        %.1f req/s\n", options->rate);
	else if (config->executor == LOADGEN_RAMPING_RATE)
		printf("  target        %.1f -> %.1f req/s\n", options->rate, options->ramp_to);
	printf("  requests      %llu (%.1f req/s)\n", (unsigned long long)counts->responses, rps);
	printf("  errors        %llu (connect %llu, timeout %llu, reset %llu, protocol %llu, tls %llu, 4xx %llu, 5xx %llu)\n",
	       (unsigned long long)loadgen_error_count(counts), (unsigned long long)counts->connect_errors,
	       (unsigned long long)counts->timeouts, (unsigned long long)counts->resets,
	       (unsigned long long)counts->protocol_errors, (unsigned long long)counts->tls_errors,
	       (unsigned long long)counts->status_class[4], (unsigned long long)counts->status_class[5]);
	if (config->tls)
		printf("  tls           %llu handshakes, %llu resumed\n", (unsigned long long)counts->tls_handshakes,
		       (unsigned long long)counts->tls_resumed);
	const struct loadgen_hist *latency = &result->latency;
	printf("  latency (us)  p50 %lld, p90 %lld, p99 %lld, p99.9 %lld, max %lld, mean %.1f%s\n",
	       (long long)loadgen_hist_percentile(latency, 50), (long long)loadgen_hist_percentile(latency, 90),
	       (long long)loadgen_hist_percentile(latency, 99), (long long)loadgen_hist_percentile(latency, 99.9),
	       (long long)latency->max, loadgen_hist_mean(latency),
	       config->executor == LOADGEN_MAX_THROUGHPUT ? "" : " (from intended send times)");
	if (config->executor != LOADGEN_MAX_THROUGHPUT)
		printf("  sends         %llu late, %llu dropped\n", (unsigned long long)counts->late_sends,
		       (unsigned long long)counts->dropped_sends);
	printf("  engine        cpu %.2f s user, %.2f s system, peak rss %ld KiB\n", result->cpu_user_s, result->cpu_system_s,
	       result->max_rss_kib);
	if (target->available)
		printf("  target usage  cpu %.3f cores (%.2f s over %.1f s), rss max %.1f MiB, mean %.1f MiB (%s %s)\n",
		       target->usage.cpu_cores, target->usage.cpu_seconds, target->usage.cpu_interval_s,
		       target->usage.memory_bytes_max / 1048576.0, target->usage.memory_bytes_mean / 1048576.0, options->prometheus,
		       target->selector);
}

/* The live line: rewritten in place on stderr (stdout keeps only the result, so it can be piped
 * or redirected while the terminal still shows progress). */
static void print_progress(const struct loadgen_progress *progress, void *data)
{
	(void)data;
	char target[48] = "";
	if (progress->target_rate > 0)
		snprintf(target, sizeof(target), " of %.0f", progress->target_rate);
	fprintf(stderr, "\r%4.0fs elapsed, %4.0fs left  %8.0f%s req/s  p95 %lld us  %llu requests  %llu errors\033[K",
		progress->elapsed_s, progress->remaining_s, progress->achieved_rate, target, (long long)progress->p95_us,
		(unsigned long long)progress->requests, (unsigned long long)progress->errors);
	fflush(stderr);
}

int load_cli_main(int argc, char **argv)
{
	struct load_options options = {.method = "GET", .connections = 64, .duration_ns = 10000000000LL,
				       .timeout_ns = 5000000000LL};
	int status = parse_options(&options, argc, argv);
	char *host = NULL, *port = NULL, *target = NULL, *error = NULL, *body = NULL;
	struct ssl_ctx_st *tls = NULL;
	bool use_tls = false;
	struct strbuf wire;
	strbuf_init(&wire);
	if (status != 0)
		goto out;
	if (loadgen_parse_url_tls(options.url, &use_tls, &host, &port, &target) != 0) {
		status = usage_error("'%s' is not an http:// or https:// URL", options.url);
		goto out;
	}
	if (!use_tls && (options.insecure || options.ca_file)) {
		status = usage_error("%s", "--cacert and --insecure are for https:// URLs");
		goto out;
	}
	size_t body_length = 0;
	if (options.body_path && read_file_bytes(options.body_path, LOAD_CLI_BODY_MAX, &body, &body_length) != 0) {
		fprintf(stderr, "goose-run load: cannot read '%s': %s\n", options.body_path, strerror(errno));
		status = RUNNER_EXIT_USAGE;
		goto out;
	}
	char *host_header = strchr(host, ':') ? xasprintf("[%s]", host) : xstrdup(host);
	if (strcmp(port, use_tls ? "443" : "80") != 0) {
		char *with_port = xasprintf("%s:%s", host_header, port);
		free(host_header);
		host_header = with_port;
	}
	int serialized = loadgen_http_serialize(&wire, options.method, host_header, target, options.headers, options.header_count,
						body, body_length);
	free(host_header);
	if (serialized != 0) {
		status = usage_error("%s", "the method, a header or the URL would break the request (header needs 'Name: value')");
		goto out;
	}
	struct loadgen_request request = {.name = target, .wire = wire.buf, .wire_length = wire.len, .weight = 1,
					  .no_body = strcmp(options.method, "HEAD") == 0};
	struct loadgen_stage stage = {.duration_ns = options.duration_ns, .target_rate = options.has_ramp ? options.ramp_to : options.rate};
	struct loadgen_config config = {.requests = &request, .request_count = 1, .duration_ns = options.duration_ns,
					.connections = options.connections, .timeout_ns = options.timeout_ns,
					.late_threshold_ns = 1000000, .stop = &load_cli_stop,
					.series_max_points = options.series_points};
	if (options.rate > 0) {
		config.executor = options.has_ramp ? LOADGEN_RAMPING_RATE : LOADGEN_CONSTANT_RATE;
		config.schedule.start_rate = options.rate;
		config.schedule.stages = &stage;
		config.schedule.stage_count = 1;
	} else {
		config.executor = LOADGEN_MAX_THROUGHPUT;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	config.threads = options.threads ? options.threads : (unsigned)(cpus > 0 ? cpus : 1);
	if (config.threads > config.connections) {
		if (options.threads) {
			status = usage_error("%s", "--threads cannot exceed --connections");
			goto out;
		}
		config.threads = config.connections;
	}
	if (use_tls) {
		tls = loadgen_tls_context_new(host, options.ca_file, options.insecure, &error);
		if (!tls) {
			fprintf(stderr, "goose-run load: %s\n", error);
			status = RUNNER_EXIT_USAGE;
			goto out;
		}
		config.tls = tls;
		config.tls_server_name = host;
	}
	if (resolve(host, port, &config, &error) != 0) {
		fprintf(stderr, "goose-run load: %s\n", error);
		status = RUNNER_EXIT_STEP_FAILED;
		goto out;
	}
	struct sigaction action = {.sa_handler = on_interrupt};
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	bool show_progress = !options.no_progress && isatty(STDERR_FILENO);
	if (show_progress)
		config.progress = print_progress;
	struct loadgen_result result;
	int run_status = loadgen_run(&config, &result, &error);
	if (show_progress)
		fputs("\r\033[K", stderr); /* the result replaces the live line */
	if (run_status != 0) {
		fprintf(stderr, "goose-run load: %s\n", error);
		loadgen_result_release(&result);
		status = RUNNER_EXIT_STEP_FAILED;
		goto out;
	}
	struct target_report usage = {0};
	char *default_selector = NULL;
	if (options.prometheus) {
		usage.selector = options.target_selector;
		if (!usage.selector)
			usage.selector = default_selector = loadgen_target_default_selector(host, port);
		usage.available = loadgen_target_query(options.prometheus, usage.selector, result.start_unix_s, result.end_unix_s,
						       5000, 3000, &usage.usage, &usage.error) == 0;
		if (!usage.available)
			fprintf(stderr, "goose-run load: no target usage from '%s': %s\n", options.prometheus, usage.error);
	}
	if (options.json)
		print_json(&config, &options, &result, &usage);
	else
		print_text(&config, &options, &result, &usage);
	free(usage.error);
	free(default_selector);
	uint64_t errors = loadgen_error_count(&result.counts);
	if (result.tls_error)
		fprintf(stderr, "goose-run load: TLS handshake with '%s' failed: %s\n", host, result.tls_error);
	if (errors)
		fprintf(stderr, "goose-run load: %llu request%s failed\n", (unsigned long long)errors, errors == 1 ? "" : "s");
	else if (result.counts.responses == 0)
		fputs("goose-run load: no response in the whole run\n", stderr);
	status = errors || result.counts.responses == 0 ? RUNNER_EXIT_STEP_FAILED : RUNNER_EXIT_SUCCESS;
	loadgen_result_release(&result);
out:
	free(host);
	free(port);
	free(target);
	free(error);
	free(body);
	free(options.headers);
	loadgen_tls_context_free(tls);
	strbuf_release(&wire);
	return status;
}
