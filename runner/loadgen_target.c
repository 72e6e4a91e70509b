/* Two instant queries of range selectors ending at the run's end give the raw samples, so the
 * figures come from the scrapes themselves (no rate() window to choose against a short run). */
#define _GNU_SOURCE
#include "loadgen_target.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steps.h"
#include "util.h"
#include "banned.h"

#define TARGET_LOOKBACK_S 60    /* reaches back for the scrape before the run's start */

char *loadgen_target_default_selector(const char *host, const char *port)
{
	return strchr(host, ':') ? xasprintf("{instance=\"[%s]:%s\"}", host, port) : xasprintf("{instance=\"%s:%s\"}", host, port);
}

static void percent_encode(struct strbuf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
			strbuf_addch(out, (char)*c);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[*c >> 4]);
			strbuf_addch(out, hex[*c & 15]);
		}
	}
}

struct sample {
	double time, value;
};

/* The samples of one series of a matrix answer; -1 when the shape is not Prometheus'. */
static int series_samples(const json_t *series, struct sample **samples, size_t *count)
{
	const json_t *values = json_object_get(series, "values");
	*samples = NULL;
	*count = 0;
	if (!json_is_array(values))
		return -1;
	*samples = xcalloc(json_array_size(values) + 1, sizeof(**samples));
	for (size_t i = 0; i < json_array_size(values); i++) {
		const json_t *pair = json_array_get(values, i);
		const json_t *time = json_array_get(pair, 0), *value = json_array_get(pair, 1);
		char *end = NULL;
		if (!json_is_number(time) || !json_is_string(value))
			goto bad;
		double number = strtod(json_string_value(value), &end);
		if (end == json_string_value(value) || *end || !isfinite(number))
			goto bad;
		if (*count && json_number_value(time) < (*samples)[*count - 1].time)
			goto bad;
		(*samples)[*count].time = json_number_value(time);
		(*samples)[(*count)++].value = number;
	}
	return 0;
bad:
	free(*samples);
	*samples = NULL;
	return -1;
}

/* The series of a successful matrix answer; NULL with *error set otherwise. */
static json_t *matrix_of(const char *answer, const char *what, json_t **root, char **error)
{
	json_error_t parse_error;
	*root = json_loads(answer, 0, &parse_error);
	if (!*root) {
		*error = xasprintf("prometheus answered the %s query with something other than JSON", what);
		return NULL;
	}
	const char *status = json_string_value(json_object_get(*root, "status"));
	if (!status || strcmp(status, "success") != 0) {
		const char *reason = json_string_value(json_object_get(*root, "error"));
		*error = xasprintf("prometheus refused the %s query: %s", what, reason ? reason : "no reason given");
		return NULL;
	}
	json_t *data = json_object_get(*root, "data");
	const char *type = json_string_value(json_object_get(data, "resultType"));
	json_t *result = json_object_get(data, "result");
	if (!type || strcmp(type, "matrix") != 0 || !json_is_array(result)) {
		*error = xasprintf("prometheus answered the %s query without a matrix", what);
		return NULL;
	}
	return result;
}

/* Index of the last sample at or before `at`, or 0 when all are after it. */
static size_t last_at_or_before(const struct sample *samples, size_t count, double at)
{
	size_t found = 0;
	for (size_t i = 0; i < count && samples[i].time <= at; i++)
		found = i;
	return found;
}

/* Index of the first sample at or after `at`, or the last one when none is. */
static size_t first_at_or_after(const struct sample *samples, size_t count, double at)
{
	for (size_t i = 0; i < count; i++)
		if (samples[i].time >= at)
			return i;
	return count ? count - 1 : 0;
}

static int add_cpu(const json_t *result, double start, double end, struct loadgen_target_usage *usage, char **error)
{
	for (size_t s = 0; s < json_array_size(result); s++) {
		struct sample *samples;
		size_t count;
		if (series_samples(json_array_get(result, s), &samples, &count) != 0) {
			*error = xstrdup("prometheus sent a CPU series that is not a list of [time, \"value\"] pairs");
			return -1;
		}
		/* the scrapes that bracket the run: the last one before it and the first one after */
		size_t first = last_at_or_before(samples, count, start);
		size_t last = first_at_or_after(samples, count, end);
		if (count >= 2 && first < last) {
			double used = 0.0;
			for (size_t i = first + 1; i <= last; i++) /* a counter that went down restarted from 0 */
				used += samples[i].value >= samples[i - 1].value ? samples[i].value - samples[i - 1].value : samples[i].value;
			double interval = samples[last].time - samples[first].time;
			usage->cpu_seconds += used;
			usage->cpu_cores += interval > 0 ? used / interval : 0.0;
			if (interval > usage->cpu_interval_s)
				usage->cpu_interval_s = interval;
			usage->cpu_series++;
			usage->samples += (unsigned)(last - first + 1);
		}
		free(samples);
	}
	return 0;
}

static int add_memory(const json_t *result, double start, double end, struct loadgen_target_usage *usage, char **error)
{
	for (size_t s = 0; s < json_array_size(result); s++) {
		struct sample *samples;
		size_t count;
		if (series_samples(json_array_get(result, s), &samples, &count) != 0) {
			*error = xstrdup("prometheus sent a memory series that is not a list of [time, \"value\"] pairs");
			return -1;
		}
		double max = 0.0, sum = 0.0;
		size_t used = 0;
		for (size_t i = 0; i < count; i++) {
			if (samples[i].time < start || samples[i].time > end)
				continue;
			sum += samples[i].value;
			if (samples[i].value > max)
				max = samples[i].value;
			used++;
		}
		if (!used && count) { /* no scrape inside a short run: the one before it */
			size_t before = last_at_or_before(samples, count, start);
			max = sum = samples[before].value;
			used = 1;
		}
		if (used) {
			usage->memory_bytes_max += max;
			usage->memory_bytes_mean += sum / (double)used;
			usage->memory_series++;
			usage->samples += (unsigned)used;
		}
		free(samples);
	}
	return 0;
}

int loadgen_target_from_answers(const char *cpu_answer, const char *memory_answer, double start, double end,
				struct loadgen_target_usage *usage, char **error)
{
	memset(usage, 0, sizeof(*usage));
	usage->window_start = start;
	usage->window_end = end;
	*error = NULL;
	json_t *cpu_root = NULL, *memory_root = NULL;
	int status = -1;
	json_t *cpu = matrix_of(cpu_answer, "CPU", &cpu_root, error);
	if (!cpu)
		goto out;
	json_t *memory = matrix_of(memory_answer, "memory", &memory_root, error);
	if (!memory)
		goto out;
	if (add_cpu(cpu, start, end, usage, error) != 0 || add_memory(memory, start, end, usage, error) != 0)
		goto out;
	if (!json_array_size(cpu) && !json_array_size(memory)) {
		*error = xstrdup("no series matched the selector (process_cpu_seconds_total, process_resident_memory_bytes)");
		goto out;
	}
	if (!usage->cpu_series) {
		*error = xstrdup("too few CPU samples around the run: it needs two scrapes (a run shorter than the scrape interval?)");
		goto out;
	}
	/* finite samples can still add up past a double (the result JSON cannot hold infinity) */
	if (!isfinite(usage->cpu_seconds) || !isfinite(usage->cpu_cores) || !isfinite(usage->cpu_interval_s) ||
	    !isfinite(usage->memory_bytes_max) || !isfinite(usage->memory_bytes_mean)) {
		*error = xstrdup("prometheus sent samples whose figures overflow (CPU or memory beyond a double)");
		goto out;
	}
	status = 0;
out:
	json_decref(cpu_root);
	json_decref(memory_root);
	return status;
}

static int fetch(const char *base_url, const char *metric, const char *selector, double start, double at, long timeout_ms,
		 struct strbuf *answer, char **error)
{
	size_t base_length = strlen(base_url);
	while (base_length && base_url[base_length - 1] == '/')
		base_length--;
	char *query = xasprintf("%s%s[%llds]", metric, selector, (long long)ceil(at - start) + TARGET_LOOKBACK_S);
	struct strbuf url;
	strbuf_init(&url);
	strbuf_add(&url, base_url, base_length);
	strbuf_addstr(&url, "/api/v1/query?query=");
	percent_encode(&url, query);
	strbuf_addf(&url, "&time=%.3f", at);
	free(query);
	int http_status = 0;
	int fetched = steps_http_get(url.buf, "GET", timeout_ms, &http_status, answer, error);
	strbuf_release(&url);
	if (fetched != 0)
		return -1;
	/* a refused query comes back as 400 or 422 with a JSON reason, which the caller reports */
	if (http_status != 200 && http_status != 400 && http_status != 422) {
		*error = xasprintf("prometheus at '%s' answered HTTP %d", base_url, http_status);
		return -1;
	}
	return 0;
}

static double unix_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Whether every CPU series of the answer has a scrape at or after `end`. */
static bool scraped_after(const char *cpu_answer, double end)
{
	json_t *root = json_loads(cpu_answer, 0, NULL);
	json_t *result = json_object_get(json_object_get(root, "data"), "result");
	bool all = json_array_size(result) > 0;
	for (size_t i = 0; all && i < json_array_size(result); i++) {
		const json_t *values = json_object_get(json_array_get(result, i), "values");
		const json_t *time = json_array_get(json_array_get(values, json_array_size(values) - 1), 0);
		all = json_is_number(time) && json_number_value(time) >= end;
	}
	json_decref(root);
	return all;
}

int loadgen_target_query(const char *base_url, const char *selector, double start, double end, long timeout_ms,
			 long settle_ms, struct loadgen_target_usage *usage, char **error)
{
	memset(usage, 0, sizeof(*usage));
	*error = NULL;
	size_t length = strlen(selector);
	if (length < 2 || selector[0] != '{' || selector[length - 1] != '}' || strpbrk(selector, "\r\n")) {
		*error = xasprintf("'%s' is not a series selector such as {job=\"api\"}", selector);
		return -1;
	}
	struct strbuf cpu, memory;
	strbuf_init(&cpu);
	strbuf_init(&memory);
	int status = -1;
	/* the scrape after the run's end may still be due: ask again until it is there or settle_ms pass */
	double give_up = unix_now() + (double)settle_ms / 1000.0;
	for (;;) {
		double at = unix_now();
		strbuf_reset(&cpu);
		if (fetch(base_url, "process_cpu_seconds_total", selector, start, at, timeout_ms, &cpu, error) != 0)
			goto out;
		if (scraped_after(cpu.buf, end) || at >= give_up)
			break;
		struct timespec pause = {0, 250000000};
		nanosleep(&pause, NULL);
	}
	if (fetch(base_url, "process_resident_memory_bytes", selector, start, unix_now(), timeout_ms, &memory, error) == 0)
		status = loadgen_target_from_answers(cpu.buf, memory.buf, start, end, usage, error);
out:
	strbuf_release(&cpu);
	strbuf_release(&memory);
	return status;
}

json_t *loadgen_target_json(const struct loadgen_target_usage *usage, const char *base_url, const char *selector)
{
	return json_pack("{s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:I,s:I,s:I}", "prometheus", base_url, "selector", selector, "window_s",
			 usage->window_end - usage->window_start, "cpu_seconds", usage->cpu_seconds, "cpu_cores", usage->cpu_cores,
			 "cpu_interval_s", usage->cpu_interval_s, "memory_bytes_max", usage->memory_bytes_max, "memory_bytes_mean",
			 usage->memory_bytes_mean, "cpu_series", (json_int_t)usage->cpu_series, "memory_series",
			 (json_int_t)usage->memory_series, "samples", (json_int_t)usage->samples);
}
