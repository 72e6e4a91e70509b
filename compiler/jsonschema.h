/* A general JSON Schema validator: draft 2020-12 (all vocabularies; `format` as an annotation)
 * and draft-07. Schemas are compiled once into a graph with resolved references and compiled
 * patterns, then evaluated against any number of instances.
 *
 * Ownership: the registry owns every compiled schema; a schema_result owns its errors. */
#ifndef GOOSE_JSONSCHEMA_H
#define GOOSE_JSONSCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct schema_registry;
struct schema;

/* Loads the document at `path` for a remote reference. Returns a new reference, or NULL with
 * `*error` set to a malloc'd message. The default loader reads JSON with jansson. */
typedef json_t *(*schema_loader_fn)(const char *path, void *context, char **error);

struct schema_registry *schema_registry_new(void);
void schema_registry_free(struct schema_registry *registry);

/* Remote references under `uri_prefix` (e.g. "http://localhost:1234/") resolve to files under
 * `directory`; there is no network access. */
void schema_registry_map(struct schema_registry *registry, const char *uri_prefix, const char *directory);
void schema_registry_set_loader(struct schema_registry *registry, schema_loader_fn loader, void *context);

/* Registers a schema document under `retrieval_uri` (its `$id`, if any, is honoured as well).
 * The registry takes its own reference to `document`. Returns 0, or -1 with `*error` set. */
int schema_registry_add(struct schema_registry *registry, json_t *document, const char *retrieval_uri,
			char **error);

/* Compiles the schema at `uri` (a registered document, a mapped remote one, or a built-in
 * meta-schema), with every reference it reaches. The result lives as long as the registry.
 * Returns NULL with `*error` set (malloc'd) on a bad schema or an unresolvable reference. */
const struct schema *schema_compile(struct schema_registry *registry, const char *uri, char **error);

struct schema_error {
	char *instance_path;     /* JSON Pointer into the instance */
	bool at_property_name;   /* the error is about the key at instance_path, not its value */
	char *keyword_location;  /* JSON Pointer of the keyword in the schema, via $refs as evaluated */
	char *absolute_keyword_location; /* canonical URI of that keyword */
	char *keyword;           /* "required", "additionalProperties", ... */
	char *message;           /* lowercase, names the subject: "unknown property 'warnng'" */
	char *suggestion;        /* NULL or the closest allowed property name, for "did you mean" */
};

struct schema_result {
	struct schema_error *errors;
	size_t count, alloc;
};

void schema_result_init(struct schema_result *result);
void schema_result_release(struct schema_result *result);

/* Validates `instance`. Returns true when valid; otherwise false with errors appended to `result`
 * (the leaf failures, in instance order; may be NULL when only the verdict is wanted).
 * Validation only reads the compiled schema, so several threads may validate with one schema at
 * once (while nobody compiles into the same registry). */
bool schema_validate(const struct schema *schema, const json_t *instance, struct schema_result *result);

#endif
