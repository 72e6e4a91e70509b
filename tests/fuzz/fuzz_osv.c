/* libFuzzer entry for the OSV reader: any bytes read or fail with a message; the skimming reader
 * agrees with the full one (same error when it fails, the same matches for the packages it
 * keeps when the full one succeeds), and range evaluation survives every record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "osv.h"
#include "scan.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const packages[][2] = { { "npm", "a" }, { "Go", "golang.org/x/net" }, { "PyPI", "zope-interface" } };
static const char *const versions[] = { "0", "1.0.0", "v1.2.3", "2.0.0-rc.1", "1:2.3-1", "1.0.post1", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bytes = (const char *)data;
	struct osv_db full, only;
	char *full_error = NULL, *only_error = NULL;
	int full_status = osv_db_parse(&full, bytes, size, &full_error);
	if (full_status != 0 && !full_error)
		abort();
	struct osv_package_set *set = osv_package_set_new();
	for (size_t p = 0; p < 3; p++)
		osv_package_set_add(set, packages[p][0], packages[p][1]);
	int only_status = osv_db_parse_only(&only, bytes, size, set, &only_error);
	osv_package_set_free(set);
	if (only_status != 0 && (full_status == 0 || strcmp(only_error, full_error) != 0))
		abort();
	if (full_status == 0) {
		if (only_status != 0)
			abort();
		for (size_t p = 0; p < 3; p++) {
			size_t full_count, only_count;
			const struct osv_match *full_matches = osv_db_lookup(&full, packages[p][0], packages[p][1], &full_count);
			const struct osv_match *only_matches = osv_db_lookup(&only, packages[p][0], packages[p][1], &only_count);
			if (full_count != only_count)
				abort();
			for (size_t m = 0; m < full_count; m++)
				if (strcmp(full_matches[m].record->id, only_matches[m].record->id) != 0)
					abort();
		}
		struct scan_result notes;
		scan_result_init(&notes);
		for (size_t r = 0; r < full.record_count; r++)
			for (size_t a = 0; a < full.records[r].affected_count; a++)
				for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
					const char *fixed;
					scan_version_affected(&full.records[r].affected[a], versions[v], &fixed, &notes);
				}
		scan_result_release(&notes);
		osv_db_release(&full);
	}
	if (only_status == 0)
		osv_db_release(&only);
	free(full_error);
	free(only_error);
	return 0;
}
