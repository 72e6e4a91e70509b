/* libFuzzer entry for the load-test report: any JSON document {"scenarios":[...],"criteria":[...],
 * "baseline":{...},"compare":{...}} (scenario records as a run directory may hold them, damaged
 * or not) is built into a report, compared, and rendered as JUnit, Markdown and HTML without
 * crashing; the verdict is always a boolean and the renderings are never NULL. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "loadreport.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *input = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!input)
		return 0;
	json_t *meta = json_pack("{s:s,s:s,s:s,s:s}", "run_id", "fuzz", "service", "s", "stage", "compliance", "time_utc", "t");
	json_t *report = loadreport_build(meta, json_object_get(input, "scenarios"), json_object_get(input, "criteria"));
	if (!json_is_boolean(json_object_get(json_object_get(report, "verdict"), "passed")))
		abort();
	char *error = NULL;
	if (json_object_get(input, "baseline")) {
		if (loadreport_compare(report, json_object_get(input, "baseline"), json_object_get(input, "compare"), "b.json", "00",
				       &error) != 0 && !error)
			abort();
		free(error);
		error = NULL;
		json_t *proposed = loadreport_proposed_baseline(report, json_object_get(input, "baseline"), NULL, "t");
		json_decref(proposed);
	}
	char *junit = loadreport_junit(report);
	char *markdown = loadreport_markdown(report);
	char *html = loadreport_html(report, "{{title}}{{verdict_class}}{{verdict}}{{body}}", &error);
	if (!junit || !markdown || !html)
		abort();
	free(junit);
	free(markdown);
	free(html);
	free(error);
	json_decref(report);
	json_decref(meta);
	json_decref(input);
	return 0;
}
