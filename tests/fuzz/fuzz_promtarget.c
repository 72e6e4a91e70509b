/* libFuzzer entry for the reader of Prometheus' answers about a load test's target
 * (runner/loadgen_target.c): the input, split at its first NUL, is the CPU answer and the memory
 * answer (the same text for both without a NUL), as /api/v1/query sends them. Whatever a server
 * sends, the reader refuses with a message or gives figures that are finite, that the result
 * JSON can hold, and that count at least one CPU series. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen_target.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double fuzz_start = 1795651200.0, fuzz_end = 1795651230.0;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	const uint8_t *nul = memchr(data, '\0', size);
	char *cpu = xstrndup((const char *)data, nul ? (size_t)(nul - data) : size);
	char *memory = nul ? xstrndup((const char *)nul + 1, size - (size_t)(nul - data) - 1) : xstrdup(cpu);
	struct loadgen_target_usage usage;
	char *error = NULL;
	if (loadgen_target_from_answers(cpu, memory, fuzz_start, fuzz_end, &usage, &error) == 0) {
		if (error || usage.cpu_series == 0 || usage.window_start != fuzz_start || usage.window_end != fuzz_end)
			abort();
		const double figures[] = { usage.cpu_seconds, usage.cpu_cores, usage.cpu_interval_s, usage.memory_bytes_max,
					   usage.memory_bytes_mean };
		for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
			if (!isfinite(figures[i]))
				abort();
		json_t *json = loadgen_target_json(&usage, "http://127.0.0.1:9090", "{instance=\"127.0.0.1:8080\"}");
		if (!json)
			abort(); /* the run's result would silently lose its "target" member */
		json_decref(json);
	} else if (!error) {
		abort();
	}
	free(error);
	free(cpu);
	free(memory);
	return 0;
}
