/* libFuzzer entry for SBOM enrichment (vuln/enrich.c) driven by the enrichment document, which
 * goose-run's sbom.scan step reads unchecked: the input is the enrichment JSON, then optionally a
 * NUL and the SBOM (else a fixed CycloneDX and a fixed SPDX SBOM are used). Enrichment refuses
 * with a message or edits the SBOM; an edited SBOM still reads, every change is described, and
 * a second pass without force finds nothing left to fill. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "sbom.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char cyclonedx_text[] =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
	"{\"type\":\"library\",\"name\":\"chi\",\"group\":\"github.com/go-chi\",\"version\":\"5.0.12\"},"
	"{\"type\":\"library\",\"name\":\"pino\",\"version\":\"8.19.0\",\"purl\":\"pkg:npm/pino@8.19.0\","
	"\"licenses\":[{\"license\":{\"id\":\"ISC\"}}],\"components\":[{\"type\":\"library\",\"name\":\"@s/b\",\"version\":\"2\"}]},"
	"{\"type\":\"library\",\"name\":\"helmet\",\"supplier\":{\"name\":\"h\"}}]}";

static const char spdx_text[] =
	"{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"documentDescribes\":[\"SPDXRef-root\"],"
	"\"packages\":[{\"SPDXID\":\"SPDXRef-root\",\"name\":\"p\"},{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\","
	"\"versionInfo\":\"1.0.0\",\"supplier\":\"Organization: A\",\"licenseConcluded\":\"MIT OR ISC\"},"
	"{\"SPDXID\":\"SPDXRef-b\",\"name\":\"b\",\"versionInfo\":\"2\",\"externalRefs\":[{\"referenceCategory\":"
	"\"PACKAGE-MANAGER\",\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:npm/b@2\"}]}]}";

static void enrich_one(const json_t *enrichment, const char *sbom_text, size_t sbom_length, const char *service,
		       bool force)
{
	struct sbom sbom;
	if (sbom_parse(&sbom, sbom_text, sbom_length, NULL) != 0)
		return;
	struct enrich_report report;
	enrich_report_init(&report);
	char *error = NULL;
	if (enrich_sbom(&sbom, enrichment, service, force, &report, &error) != 0) {
		if (!error)
			abort();
		free(error);
	} else {
		if (error)
			abort();
		for (size_t i = 0; i < report.change_count; i++)
			if (!report.changes[i].component || !report.changes[i].field || !report.changes[i].message)
				abort();
		for (size_t i = 0; i < sbom.component_count; i++)
			free(sbom_component_label(&sbom.components[i]));
		enrich_report_release(&report);
		/* whatever a pass filled in, a second one without force finds nothing left to fill */
		if (enrich_sbom(&sbom, enrichment, service, false, &report, &error) != 0 || report.change_count != 0)
			abort();
	}
	enrich_report_release(&report);
	sbom_release(&sbom);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t enrichment_length = nul ? (size_t)(nul - data) : size;
	json_t *enrichment = json_loadb((const char *)data, enrichment_length, 0, NULL);
	if (!enrichment)
		return 0;
	static const char *const services[] = { "web", "gateway", "ledger-api", NULL };
	for (size_t s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
		bool force = s % 2 == 1;
		if (nul) {
			enrich_one(enrichment, (const char *)nul + 1, size - enrichment_length - 1, services[s], force);
		} else {
			enrich_one(enrichment, cyclonedx_text, strlen(cyclonedx_text), services[s], force);
			enrich_one(enrichment, spdx_text, strlen(spdx_text), services[s], force);
		}
	}
	json_decref(enrichment);
	return 0;
}
