/* libFuzzer entry for goose-run's stage registry reader (runner/state.c): the input is written as
 * STATE/stages.json and the state directory opened. A registry is refused with a message, or
 * read; then every stage is an object with an integer generation (a damaged entry must not read
 * as generation 0), every stage lookup works, `goose-run status --json` is built from it, and that
 * export is what `goosec build --state-from` accepts (a generation >= 0 and a release digest
 * that is a string or null per stage), and saving the registry and opening it again reads the
 * same stages back. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The check goosec build applies to a --state-from file (compiler/main.c). */
static bool state_from_accepts(const json_t *status)
{
	const json_t *stages = json_object_get(status, "stages");
	const char *name;
	const json_t *entry;
	bool valid = json_is_object(stages);
	json_object_foreach((json_t *)stages, name, entry) {
		const json_t *generation = json_object_get(entry, "generation");
		const json_t *digest = json_object_get(entry, "release_digest");
		valid = valid && json_is_integer(generation) && json_integer_value(generation) >= 0 &&
			(json_is_null(digest) || json_is_string(digest));
	}
	return valid;
}

static void write_registry(const char *directory, const uint8_t *data, size_t size)
{
	char *path = xasprintf("%s/stages.json", directory);
	FILE *file = fopen(path, "wb");
	if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0)
		abort();
	free(path);
}

static void remove_state(const char *directory)
{
	char *path = xasprintf("%s/stages.json", directory);
	unlink(path);
	free(path);
	rmdir(directory);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* in memory where the machine has it: the save fsyncs */
	char in_memory[] = "/dev/shm/goose-fuzz-registry-XXXXXX", on_disk[] = "/tmp/goose-fuzz-registry-XXXXXX";
	if (size > (1u << 20))
		return 0;
	const char *directory = mkdtemp(in_memory);
	if (!directory && !(directory = mkdtemp(on_disk)))
		return 0;
	write_registry(directory, data, size);
	struct state_dir state;
	state_dir_init(&state);
	char *error = NULL;
	if (state_dir_open(&state, directory, false, &error) != 0) {
		if (!error)
			abort();
		free(error);
		state_dir_release(&state);
		remove_state(directory);
		return 0;
	}
	if (error)
		abort();
	json_t *status = state_status_json(&state);
	if (!state_from_accepts(status))
		abort(); /* goose-run would export a state goosec refuses */
	const char *name;
	json_t *entry;
	json_object_foreach(json_object_get(state.registry, "stages"), name, entry) {
		if (state_stage(&state, name, false) != entry || !json_is_object(entry) ||
		    !json_is_integer(json_object_get(entry, "generation")))
			abort(); /* a damaged entry would read as generation 0 */
		state_stage_release_digest(&state, name);
		state_stage_release_version(&state, name);
		if (state_stage_generation(&state, name) < 0)
			abort();
	}
	/* what goose-run saves, it reads back the same */
	if (state_registry_save(&state, &error) == 0) {
		struct state_dir again;
		state_dir_init(&again);
		if (state_dir_open(&again, directory, false, &error) != 0)
			abort();
		json_t *status_again = state_status_json(&again);
		if (!json_equal(status, status_again))
			abort();
		json_decref(status_again);
		state_dir_release(&again);
	} else {
		free(error);
	}
	json_decref(status);
	state_dir_release(&state);
	remove_state(directory);
	return 0;
}
