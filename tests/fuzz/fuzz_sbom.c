/* libFuzzer entry for the SBOM reader, enrichment and scan: any bytes read or fail with a
 * message; a read SBOM is enriched (a second pass changes nothing) and scanned without a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "osv.h"
#include "sbom.h"
#include "scan.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char enrichment_text[] =
	"{\"sboms\":[{\"service\":\"web\",\"purl_type\":\"npm\"}],"
	"\"rules\":[{\"match\":{\"purl\":\"pkg:npm/*\"},\"set\":{\"licenses\":[\"MIT\"],\"supplier\":{\"name\":\"x\"}}},"
	"{\"match\":{\"name\":\"*a*\"},\"set\":{\"purl\":\"pkg:npm/a@1.0.0\"}}]}";

static const char database_text[] =
	"[{\"id\":\"A\",\"aliases\":[\"CVE-1\"],\"severity\":[{\"type\":\"CVSS_V3\","
	"\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},\"versions\":[\"1.0.0\"],"
	"\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0.0\"}]}]}]}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbom sbom;
	char *error = NULL;
	if (sbom_parse(&sbom, (const char *)data, size, &error) != 0) {
		if (!error)
			abort();
		free(error);
		return 0;
	}
	for (size_t i = 0; i < sbom.component_count; i++)
		if (!sbom.components[i].name || !sbom.components[i].pointer || !sbom.components[i].object)
			abort();
	json_t *enrichment = json_loads(enrichment_text, 0, NULL);
	struct enrich_report report;
	enrich_report_init(&report);
	if (enrich_sbom(&sbom, enrichment, "web", false, &report, &error) == 0) {
		enrich_report_release(&report);
		/* whatever the first pass filled in, a second finds nothing left to fill */
		if (enrich_sbom(&sbom, enrichment, "web", false, &report, &error) != 0 || report.change_count != 0)
			abort();
	} else {
		free(error);
	}
	enrich_report_release(&report);
	json_decref(enrichment);

	struct osv_db db;
	if (osv_db_parse(&db, database_text, strlen(database_text), NULL) != 0)
		abort();
	struct scan_input input = { "web", &sbom };
	struct scan_options options = { SCAN_SEVERITY_NONE, "2026-11-26" };
	struct scan_result result;
	if (scan_run(&db, &input, 1, NULL, &options, &result, NULL) != 0)
		abort();
	json_decref(scan_result_to_json(&result));
	struct strbuf text;
	strbuf_init(&text);
	scan_result_format_text(&result, &text);
	strbuf_release(&text);
	scan_result_release(&result);
	osv_db_release(&db);
	sbom_release(&sbom);
	return 0;
}
