/* libFuzzer entry for compiler/jsonschema: the input is a schema and an instance, separated by
 * the first NUL byte (or, without one, the first newline); both are compiled and evaluated. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *separator = memchr(data, '\0', size);
	if (!separator)
		separator = memchr(data, '\n', size);
	if (!separator)
		return 0;
	size_t schema_length = (size_t)(separator - data);
	json_t *schema_document = json_loadb((const char *)data, schema_length, JSON_DECODE_ANY, NULL);
	json_t *instance = json_loadb((const char *)separator + 1, size - schema_length - 1,
				      JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (schema_document && instance) {
		struct schema_registry *registry = schema_registry_new();
		char *error = NULL;
		const char *uri = "https://goosec.invalid/fuzz.schema.json";
		const struct schema *schema = NULL;
		if (schema_registry_add(registry, schema_document, uri, &error) == 0)
			schema = schema_compile(registry, uri, &error);
		if (schema) {
			struct schema_result result;
			schema_result_init(&result);
			bool detailed = schema_validate(schema, instance, &result);
			bool verdict = schema_validate(schema, instance, NULL);
			/* the fast path and the detailed path must agree, and errors exist iff invalid */
			if (detailed != verdict || detailed != (result.count == 0))
				abort();
			schema_result_release(&result);
		}
		free(error);
		schema_registry_free(registry);
	}
	json_decref(schema_document);
	json_decref(instance);
	return 0;
}
