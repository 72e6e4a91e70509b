/* libFuzzer entry for the snapshot store's index reader (runner/snapshot.c, STORE/index.json),
 * which `goose-run snapshots list`, restore and prune trust to name files: the input is written
 * as the index and loaded. It is refused with a message, or every entry has a well-formed id,
 * and the entries printed as JSON (what `snapshots list --json` shows and what the index holds)
 * load back as the same entries. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_index(const char *directory, const void *data, size_t size)
{
	char *path = xasprintf("%s/index.json", directory);
	FILE *file = fopen(path, "wb");
	if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0)
		abort();
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in_memory[] = "/dev/shm/goose-fuzz-snapindex-XXXXXX", on_disk[] = "/tmp/goose-fuzz-snapindex-XXXXXX";
	if (size > (1u << 20))
		return 0;
	const char *directory = mkdtemp(in_memory);
	if (!directory && !(directory = mkdtemp(on_disk)))
		return 0;
	write_index(directory, data, size);
	struct snap_store store = { directory };
	struct snap_index index;
	char *error = NULL;
	if (snap_index_load(&store, &index, &error) != 0) {
		if (!error || index.count != 0)
			abort();
		free(error);
	} else {
		if (error)
			abort();
		json_t *snapshots = json_array();
		for (size_t i = 0; i < index.count; i++) {
			if (!snap_id_is_valid(index.items[i].id) || strlen(index.items[i].digest) != 64)
				abort();
			json_t *entry = snap_info_to_json(&index.items[i]);
			if (!entry)
				abort();
			json_array_append_new(snapshots, entry);
		}
		json_t *root = json_pack("{s:i,s:o}", "version", 1, "snapshots", snapshots);
		char *text = json_dumps(root, JSON_COMPACT);
		if (!text)
			abort();
		write_index(directory, text, strlen(text));
		struct snap_index again;
		if (snap_index_load(&store, &again, &error) != 0 || again.count != index.count)
			abort(); /* an index goose-run writes from what it read must read back */
		for (size_t i = 0; i < index.count; i++) {
			json_t *first = snap_info_to_json(&index.items[i]), *second = snap_info_to_json(&again.items[i]);
			if (!json_equal(first, second))
				abort();
			json_decref(first);
			json_decref(second);
		}
		snap_index_release(&again);
		free(text);
		json_decref(root);
		snap_index_release(&index);
	}
	char *path = xasprintf("%s/index.json", directory);
	unlink(path);
	free(path);
	rmdir(directory);
	return 0;
}
