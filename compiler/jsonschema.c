/* General JSON Schema validator (draft 2020-12 and draft-07): documents are indexed by URI, schemas
 * are compiled once into a graph of struct schema, then evaluated read-only against instances. */
#include "jsonschema.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "util.h"
#include "banned.h"

/* Evaluation nesting limits: a schema that recurses without consuming the instance (`{"$ref": "#"}`)
 * is cut off by the in-place limit; the total limit keeps the C stack bounded on deep instances. */
#define MAX_EVALUATION_DEPTH 1024
#define MAX_IN_PLACE_DEPTH 200
/* Backtracking budget per pattern match, so a hostile pattern cannot hang validation. */
#define PATTERN_MATCH_LIMIT 1000000

/* ---- hash maps: string keys (owned) or pointer keys ---- */

struct map_entry {
	uint64_t hash;
	const void *key; /* NULL marks an empty slot */
	void *value;
};

struct hash_map {
	struct map_entry *entries;
	size_t count, capacity;
	bool string_keys;
};

static uint64_t hash_bytes(const void *data, size_t length, uint64_t hash)
{
	const unsigned char *bytes = data;
	for (size_t i = 0; i < length; i++) {
		hash ^= bytes[i];
		hash *= 1099511628211ULL;
	}
	return hash;
}

static uint64_t map_hash(const struct hash_map *map, const void *key)
{
	if (map->string_keys)
		return hash_bytes(key, strlen(key), 14695981039346656037ULL);
	uint64_t x = (uint64_t)(uintptr_t)key;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static bool map_keys_equal(const struct hash_map *map, const void *a, const void *b)
{
	return map->string_keys ? strcmp(a, b) == 0 : a == b;
}

static struct map_entry *map_find(const struct hash_map *map, const void *key, uint64_t hash)
{
	if (!map->capacity)
		return NULL;
	size_t mask = map->capacity - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct map_entry *entry = &map->entries[i];
		if (!entry->key || (entry->hash == hash && map_keys_equal(map, entry->key, key)))
			return entry;
	}
}

static void *map_get(const struct hash_map *map, const void *key)
{
	struct map_entry *entry = map_find(map, key, map_hash(map, key));
	return entry && entry->key ? entry->value : NULL;
}

static void map_put(struct hash_map *map, const void *key, void *value);

static void map_grow(struct hash_map *map)
{
	struct map_entry *old = map->entries;
	size_t old_capacity = map->capacity;
	map->capacity = old_capacity ? old_capacity * 2 : 64;
	map->entries = xcalloc(map->capacity, sizeof(*map->entries));
	map->count = 0;
	for (size_t i = 0; i < old_capacity; i++) {
		if (!old[i].key)
			continue;
		struct map_entry *entry = map_find(map, old[i].key, old[i].hash);
		*entry = old[i];
		map->count++;
	}
	free(old);
}

/* Inserts or replaces; a string key is copied. */
static void map_put(struct hash_map *map, const void *key, void *value)
{
	if ((map->count + 1) * 4 > map->capacity * 3)
		map_grow(map);
	uint64_t hash = map_hash(map, key);
	struct map_entry *entry = map_find(map, key, hash);
	if (!entry->key) {
		entry->key = map->string_keys ? xstrdup(key) : key;
		entry->hash = hash;
		map->count++;
	}
	entry->value = value;
}

static void map_release(struct hash_map *map)
{
	if (map->string_keys)
		for (size_t i = 0; i < map->capacity; i++)
			free((void *)map->entries[i].key);
	free(map->entries);
	map->entries = NULL;
	map->count = map->capacity = 0;
}

/* ---- URIs (RFC 3986 reference resolution) ---- */

struct uri_parts {
	const char *scheme, *authority, *path, *query, *fragment;
	size_t scheme_length, authority_length, path_length, query_length, fragment_length;
	bool has_scheme, has_authority, has_query, has_fragment;
};

static void uri_parse(const char *text, struct uri_parts *parts)
{
	memset(parts, 0, sizeof(*parts));
	const char *cursor = text;
	const char *scan = text;
	if ((*scan >= 'a' && *scan <= 'z') || (*scan >= 'A' && *scan <= 'Z')) {
		while (*scan && (strchr("+-.", *scan) || (*scan >= 'a' && *scan <= 'z') ||
				 (*scan >= 'A' && *scan <= 'Z') || (*scan >= '0' && *scan <= '9')))
			scan++;
		if (*scan == ':') {
			parts->has_scheme = true;
			parts->scheme = text;
			parts->scheme_length = (size_t)(scan - text);
			cursor = scan + 1;
		}
	}
	if (cursor[0] == '/' && cursor[1] == '/') {
		parts->has_authority = true;
		parts->authority = cursor + 2;
		parts->authority_length = strcspn(parts->authority, "/?#");
		cursor = parts->authority + parts->authority_length;
	}
	parts->path = cursor;
	parts->path_length = strcspn(cursor, "?#");
	cursor += parts->path_length;
	if (*cursor == '?') {
		parts->has_query = true;
		parts->query = cursor + 1;
		parts->query_length = strcspn(parts->query, "#");
		cursor = parts->query + parts->query_length;
	}
	if (*cursor == '#') {
		parts->has_fragment = true;
		parts->fragment = cursor + 1;
		parts->fragment_length = strlen(parts->fragment);
	}
}

/* RFC 3986 section 5.2.4, appending the result to `out`. */
static void uri_remove_dot_segments(struct strbuf *out, const char *path, size_t length)
{
	struct strbuf input;
	strbuf_init(&input);
	strbuf_add(&input, path, length);
	const char *in = input.buf;
	size_t start = out->len;
	while (*in) {
		if (strncmp(in, "../", 3) == 0)
			in += 3;
		else if (strncmp(in, "./", 2) == 0)
			in += 2;
		else if (strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (strcmp(in, "/.") == 0)
			in = "/";
		else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			in = in[3] ? in + 3 : "/";
			while (out->len > start && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len > start)
				out->len--;
			out->buf[out->len] = '\0';
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
			in += strlen(in);
		else {
			size_t segment = 1 + strcspn(in + 1, "/");
			if (*in != '/')
				segment = strcspn(in, "/");
			strbuf_add(out, in, segment);
			in += segment;
		}
	}
	strbuf_release(&input);
}

/* Resolves `reference` against the absolute `base`; the caller owns the result. */
static char *uri_resolve(const char *base, const char *reference)
{
	struct uri_parts b, r;
	uri_parse(base ? base : "", &b);
	uri_parse(reference, &r);
	struct strbuf out;
	strbuf_init(&out);
	const struct uri_parts *scheme_from = r.has_scheme ? &r : &b;
	if (scheme_from->has_scheme) {
		strbuf_add(&out, scheme_from->scheme, scheme_from->scheme_length);
		strbuf_addch(&out, ':');
	}
	if (r.has_scheme || r.has_authority) {
		if (r.has_authority) {
			strbuf_addstr(&out, "//");
			strbuf_add(&out, r.authority, r.authority_length);
		}
		uri_remove_dot_segments(&out, r.path, r.path_length);
		if (r.has_query) {
			strbuf_addch(&out, '?');
			strbuf_add(&out, r.query, r.query_length);
		}
	} else {
		if (b.has_authority) {
			strbuf_addstr(&out, "//");
			strbuf_add(&out, b.authority, b.authority_length);
		}
		if (r.path_length == 0) {
			strbuf_add(&out, b.path, b.path_length);
			const struct uri_parts *query_from = r.has_query ? &r : &b;
			if (query_from->has_query) {
				strbuf_addch(&out, '?');
				strbuf_add(&out, query_from->query, query_from->query_length);
			}
		} else {
			if (r.path[0] == '/') {
				uri_remove_dot_segments(&out, r.path, r.path_length);
			} else {
				struct strbuf merged;
				strbuf_init(&merged);
				if (b.has_authority && b.path_length == 0) {
					strbuf_addch(&merged, '/');
				} else {
					size_t keep = b.path_length;
					while (keep > 0 && b.path[keep - 1] != '/')
						keep--;
					strbuf_add(&merged, b.path, keep);
				}
				strbuf_add(&merged, r.path, r.path_length);
				uri_remove_dot_segments(&out, merged.buf, merged.len);
				strbuf_release(&merged);
			}
			if (r.has_query) {
				strbuf_addch(&out, '?');
				strbuf_add(&out, r.query, r.query_length);
			}
		}
	}
	if (r.has_fragment) {
		strbuf_addch(&out, '#');
		strbuf_add(&out, r.fragment, r.fragment_length);
	}
	return strbuf_detach(&out, NULL);
}

/* The URI without its fragment; the caller owns the result. */
static char *uri_without_fragment(const char *uri)
{
	return xstrndup(uri, strcspn(uri, "#"));
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *percent_decode(const char *text)
{
	struct strbuf out;
	strbuf_init(&out);
	for (const char *p = text; *p; p++) {
		if (p[0] == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
			strbuf_addch(&out, (char)(hex_value(p[1]) * 16 + hex_value(p[2])));
			p += 2;
		} else {
			strbuf_addch(&out, *p);
		}
	}
	return strbuf_detach(&out, NULL);
}

/* ---- registry ---- */

enum schema_dialect { DIALECT_2020_12, DIALECT_DRAFT7 };

struct vocabularies {
	bool applicator, unevaluated, validation;
};

struct dynamic_anchor {
	char *name;
	json_t *node;
	struct schema *schema; /* compiled once any schema of the resource is compiled */
};

/* A schema resource: a document root or a subschema with its own `$id`. */
struct schema_resource {
	char *uri; /* absolute, without fragment */
	json_t *node;
	enum schema_dialect dialect;
	char *metaschema_uri; /* from the nearest `$schema`, or NULL */
	struct dynamic_anchor *dynamic_anchors;
	size_t dynamic_anchor_count, dynamic_anchor_alloc;
	bool vocabularies_known;
	struct vocabularies vocabularies;
};

/* What the registry knows of each schema node: its resource and canonical location. */
struct node_info {
	struct schema_resource *resource;
	char *location; /* resource URI + "#" + JSON Pointer within the resource */
	char *pointer;  /* that JSON Pointer alone */
	enum schema_dialect dialect;
};

struct uri_mapping {
	char *prefix;
	char *directory;
};

struct pattern {
	pcre2_code *code;
	pcre2_match_context *match_context;
	const char *source; /* borrowed from the schema document */
};

struct named_schema {
	const char *name;
	struct schema *schema;
};

struct pattern_schema {
	struct pattern *pattern;
	struct schema *schema;
};

struct dependent_required {
	const char *name;
	const char **required;
	size_t count;
};

enum {
	TYPE_NULL = 1,
	TYPE_BOOLEAN = 2,
	TYPE_OBJECT = 4,
	TYPE_ARRAY = 8,
	TYPE_NUMBER = 16,
	TYPE_STRING = 32,
	TYPE_INTEGER = 64,
};

static const char *const type_names[] = { "null", "boolean", "object", "array", "number", "string", "integer" };

struct schema {
	json_t *node;
	const struct node_info *info;
	bool is_boolean, boolean_value;
	bool ref_overrides_siblings; /* draft-07: `$ref` ignores every other keyword */

	unsigned type_mask; /* 0 when `type` is absent */
	json_t *enum_values, *const_value;
	json_t *multiple_of, *maximum, *exclusive_maximum, *minimum, *exclusive_minimum;
	long long max_length, min_length, max_items, min_items, max_contains, min_contains;
	long long max_properties, min_properties; /* -1 when absent */
	bool unique_items;
	struct pattern *pattern;
	const char **required;
	size_t required_count;
	struct dependent_required *dependent_required;
	size_t dependent_required_count;
	const char *dependent_required_keyword;

	struct schema *ref;
	struct schema *dynamic_ref;      /* its static target */
	const char *dynamic_anchor_name; /* set when the target bookends a `$dynamicAnchor` */
	struct schema **all_of, **any_of, **one_of;
	size_t all_of_count, any_of_count, one_of_count;
	struct schema *not_schema, *if_schema, *then_schema, *else_schema;
	struct named_schema *properties; /* sorted by name */
	size_t property_count;
	struct pattern_schema *pattern_properties;
	size_t pattern_property_count;
	struct schema *additional_properties;
	struct schema *property_names;
	struct named_schema *dependent_schemas;
	size_t dependent_schema_count;
	const char *dependent_schemas_keyword;
	struct schema **prefix_items;
	size_t prefix_item_count;
	const char *prefix_items_keyword; /* "prefixItems", or draft-07 array-form "items" */
	struct schema *items;
	const char *items_keyword; /* "items", or draft-07 "additionalItems" */
	struct schema *contains;
	struct schema *unevaluated_items, *unevaluated_properties;

	/* Property names the schema declares, for "did you mean" on unknown ones. */
	const char **known_names;
	size_t known_name_count;
};

struct schema_registry {
	json_t **documents;
	size_t document_count, document_alloc;
	struct schema_resource **resources;
	size_t resource_count, resource_alloc;
	struct node_info **infos;
	size_t info_count, info_alloc;
	struct schema **schemas;
	size_t schema_count, schema_alloc;
	struct uri_mapping *mappings;
	size_t mapping_count, mapping_alloc;
	struct hash_map resources_by_uri; /* URI -> struct schema_resource */
	struct hash_map anchors;          /* "resource-uri#name" -> json_t node */
	struct hash_map node_infos;       /* json_t node -> struct node_info */
	struct hash_map compiled;         /* json_t node -> struct schema */
	schema_loader_fn loader;
	void *loader_context;
};

static json_t *default_loader(const char *path, void *context, char **error)
{
	json_error_t json_error;
	json_t *document = json_load_file(path, JSON_REJECT_DUPLICATES, &json_error);
	if (!document)
		*error = xasprintf("cannot load '%s': %s (line %d)", path, json_error.text, json_error.line);
	return document;
}

struct schema_registry *schema_registry_new(void)
{
	struct schema_registry *registry = xcalloc(1, sizeof(*registry));
	registry->resources_by_uri.string_keys = true;
	registry->anchors.string_keys = true;
	registry->loader = default_loader;
	return registry;
}

static void pattern_free(struct pattern *pattern)
{
	if (!pattern)
		return;
	pcre2_code_free(pattern->code);
	pcre2_match_context_free(pattern->match_context);
	free(pattern);
}

static void schema_free(struct schema *schema)
{
	pattern_free(schema->pattern);
	free(schema->required);
	for (size_t i = 0; i < schema->dependent_required_count; i++)
		free(schema->dependent_required[i].required);
	free(schema->dependent_required);
	free(schema->all_of);
	free(schema->any_of);
	free(schema->one_of);
	free(schema->properties);
	for (size_t i = 0; i < schema->pattern_property_count; i++)
		pattern_free(schema->pattern_properties[i].pattern);
	free(schema->pattern_properties);
	free(schema->dependent_schemas);
	free(schema->prefix_items);
	free(schema->known_names);
	free(schema);
}

void schema_registry_free(struct schema_registry *registry)
{
	if (!registry)
		return;
	for (size_t i = 0; i < registry->schema_count; i++)
		schema_free(registry->schemas[i]);
	free(registry->schemas);
	for (size_t i = 0; i < registry->info_count; i++) {
		free(registry->infos[i]->location);
		free(registry->infos[i]->pointer);
		free(registry->infos[i]);
	}
	free(registry->infos);
	for (size_t i = 0; i < registry->resource_count; i++) {
		struct schema_resource *resource = registry->resources[i];
		for (size_t j = 0; j < resource->dynamic_anchor_count; j++)
			free(resource->dynamic_anchors[j].name);
		free(resource->dynamic_anchors);
		free(resource->uri);
		free(resource->metaschema_uri);
		free(resource);
	}
	free(registry->resources);
	for (size_t i = 0; i < registry->document_count; i++)
		json_decref(registry->documents[i]);
	free(registry->documents);
	for (size_t i = 0; i < registry->mapping_count; i++) {
		free(registry->mappings[i].prefix);
		free(registry->mappings[i].directory);
	}
	free(registry->mappings);
	map_release(&registry->resources_by_uri);
	map_release(&registry->anchors);
	map_release(&registry->node_infos);
	map_release(&registry->compiled);
	free(registry);
}

void schema_registry_map(struct schema_registry *registry, const char *uri_prefix, const char *directory)
{
	ALLOC_GROW(registry->mappings, registry->mapping_count + 1, registry->mapping_alloc);
	struct uri_mapping *mapping = &registry->mappings[registry->mapping_count++];
	mapping->prefix = xstrdup(uri_prefix);
	mapping->directory = xstrdup(directory);
}

void schema_registry_set_loader(struct schema_registry *registry, schema_loader_fn loader, void *context)
{
	registry->loader = loader ? loader : default_loader;
	registry->loader_context = loader ? context : NULL;
}

static bool uri_is_draft7_metaschema(const char *uri)
{
	static const char *const older[] = {
		"http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema",
		"http://json-schema.org/draft-04/schema",
	};
	for (size_t i = 0; i < sizeof(older) / sizeof(*older); i++) {
		size_t length = strlen(older[i]);
		if (strncmp(uri, older[i], length) == 0 && (uri[length] == '\0' || strcmp(uri + length, "#") == 0))
			return true;
	}
	return false;
}

static bool uri_is_standard_metaschema(const char *uri)
{
	return uri_is_draft7_metaschema(uri) || strcmp(uri, "https://json-schema.org/draft/2020-12/schema") == 0 ||
	       strcmp(uri, "https://json-schema.org/draft/2020-12/schema#") == 0;
}

static struct schema_resource *resource_new(struct schema_registry *registry, const char *uri, json_t *node,
					    enum schema_dialect dialect, const char *metaschema_uri)
{
	struct schema_resource *resource = xcalloc(1, sizeof(*resource));
	resource->uri = xstrdup(uri);
	resource->node = node;
	resource->dialect = dialect;
	resource->metaschema_uri = metaschema_uri ? xstrdup(metaschema_uri) : NULL;
	ALLOC_GROW(registry->resources, registry->resource_count + 1, registry->resource_alloc);
	registry->resources[registry->resource_count++] = resource;
	/* The first resource to claim a URI keeps it: a later duplicate `$id` does not hijack it. */
	if (!map_get(&registry->resources_by_uri, uri))
		map_put(&registry->resources_by_uri, uri, resource);
	return resource;
}

static struct node_info *info_new(struct schema_registry *registry, json_t *node, struct schema_resource *resource,
				  const char *pointer, enum schema_dialect dialect)
{
	struct node_info *info = xcalloc(1, sizeof(*info));
	info->resource = resource;
	info->pointer = xstrdup(pointer);
	info->location = xasprintf("%s#%s", resource->uri, pointer);
	info->dialect = dialect;
	ALLOC_GROW(registry->infos, registry->info_count + 1, registry->info_alloc);
	registry->infos[registry->info_count++] = info;
	map_put(&registry->node_infos, node, info);
	return info;
}

static void register_anchor(struct schema_registry *registry, struct schema_resource *resource, const char *name,
			    json_t *node)
{
	char *key = xasprintf("%s#%s", resource->uri, name);
	if (!map_get(&registry->anchors, key))
		map_put(&registry->anchors, key, node);
	free(key);
}

static void walk_schema(struct schema_registry *registry, json_t *node, struct schema_resource *resource,
			struct strbuf *pointer, enum schema_dialect dialect, const char *metaschema_uri,
			const char *retrieval_uri);

static void walk_keyword_schema(struct schema_registry *registry, json_t *parent, const char *keyword,
				struct schema_resource *resource, struct strbuf *pointer,
				enum schema_dialect dialect, const char *metaschema_uri)
{
	json_t *child = json_object_get(parent, keyword);
	if (!child)
		return;
	size_t mark = pointer->len;
	pointer_append_token(pointer, keyword);
	walk_schema(registry, child, resource, pointer, dialect, metaschema_uri, NULL);
	pointer->len = mark;
	pointer->buf[mark] = '\0';
}

static void walk_keyword_array(struct schema_registry *registry, json_t *parent, const char *keyword,
			       struct schema_resource *resource, struct strbuf *pointer, enum schema_dialect dialect,
			       const char *metaschema_uri)
{
	json_t *array = json_object_get(parent, keyword);
	if (!json_is_array(array))
		return;
	size_t mark = pointer->len;
	size_t index;
	json_t *child;
	json_array_foreach(array, index, child) {
		pointer_append_token(pointer, keyword);
		pointer_append_index(pointer, index);
		walk_schema(registry, child, resource, pointer, dialect, metaschema_uri, NULL);
		pointer->len = mark;
		pointer->buf[mark] = '\0';
	}
}

static void walk_keyword_object(struct schema_registry *registry, json_t *parent, const char *keyword,
				struct schema_resource *resource, struct strbuf *pointer,
				enum schema_dialect dialect, const char *metaschema_uri)
{
	json_t *object = json_object_get(parent, keyword);
	if (!json_is_object(object))
		return;
	size_t mark = pointer->len;
	const char *key;
	json_t *child;
	json_object_foreach(object, key, child) {
		if (!json_is_object(child) && !json_is_boolean(child))
			continue; /* draft-07 `dependencies` mixes schemas and name arrays */
		pointer_append_token(pointer, keyword);
		pointer_append_token(pointer, key);
		walk_schema(registry, child, resource, pointer, dialect, metaschema_uri, NULL);
		pointer->len = mark;
		pointer->buf[mark] = '\0';
	}
}

/* Records resources, anchors and locations of `node` and every subschema under it. Only
 * keywords that hold schemas are entered, so an `$id` inside `enum` or `const` is just data. */
static void walk_schema(struct schema_registry *registry, json_t *node, struct schema_resource *resource,
			struct strbuf *pointer, enum schema_dialect dialect, const char *metaschema_uri,
			const char *retrieval_uri)
{
	if (map_get(&registry->node_infos, node))
		return;
	if (!json_is_object(node)) {
		if (json_is_boolean(node)) {
			if (!resource)
				resource = resource_new(registry, retrieval_uri, node, dialect, metaschema_uri);
			info_new(registry, node, resource, pointer->buf, dialect);
		}
		return;
	}
	json_t *schema_keyword = json_object_get(node, "$schema");
	json_t *id = json_object_get(node, "$id");
	if (dialect == DIALECT_DRAFT7 && json_object_get(node, "$ref"))
		id = NULL; /* draft-07: `$ref` makes every sibling, `$id` included, ignored */
	if (json_is_string(schema_keyword) && (!resource || json_is_string(id))) {
		metaschema_uri = json_string_value(schema_keyword);
		dialect = uri_is_draft7_metaschema(metaschema_uri) ? DIALECT_DRAFT7 : DIALECT_2020_12;
		if (dialect == DIALECT_DRAFT7 && json_object_get(node, "$ref"))
			id = NULL;
	}
	struct strbuf root_pointer;
	strbuf_init(&root_pointer);
	const char *id_text = json_is_string(id) ? json_string_value(id) : NULL;
	const char *id_anchor = NULL;
	if (id_text && dialect == DIALECT_DRAFT7 && id_text[0] == '#') {
		id_anchor = id_text + 1;
		id_text = NULL;
	}
	if (!resource) {
		resource = resource_new(registry, retrieval_uri, node, dialect, metaschema_uri);
		pointer = &root_pointer;
	}
	if (id_text) {
		char *absolute = uri_resolve(resource->uri, id_text);
		char *without_fragment = uri_without_fragment(absolute);
		const char *fragment = strchr(absolute, '#');
		/* a root `$id` other than the retrieval URI makes a second resource for the same node,
		 * so the document is found under both URIs */
		if (strcmp(without_fragment, resource->uri) != 0 || resource->node != node) {
			resource = resource_new(registry, without_fragment, node, dialect, metaschema_uri);
			pointer = &root_pointer;
		}
		if (dialect == DIALECT_DRAFT7 && fragment && fragment[1])
			id_anchor = fragment + 1;
		free(without_fragment);
		if (id_anchor) {
			register_anchor(registry, resource, id_anchor, node);
			id_anchor = NULL;
		}
		free(absolute);
	}
	info_new(registry, node, resource, pointer->buf, dialect);
	if (id_anchor)
		register_anchor(registry, resource, id_anchor, node);
	if (dialect == DIALECT_2020_12) {
		json_t *anchor = json_object_get(node, "$anchor");
		if (json_is_string(anchor))
			register_anchor(registry, resource, json_string_value(anchor), node);
		json_t *dynamic_anchor = json_object_get(node, "$dynamicAnchor");
		if (json_is_string(dynamic_anchor)) {
			register_anchor(registry, resource, json_string_value(dynamic_anchor), node);
			ALLOC_GROW(resource->dynamic_anchors, resource->dynamic_anchor_count + 1,
				   resource->dynamic_anchor_alloc);
			struct dynamic_anchor *entry = &resource->dynamic_anchors[resource->dynamic_anchor_count++];
			entry->name = xstrdup(json_string_value(dynamic_anchor));
			entry->node = node;
		}
	}

	static const char *const single_2020[] = { "additionalProperties", "unevaluatedProperties", "items",
						   "contains", "propertyNames", "if", "then", "else", "not",
						   "unevaluatedItems", "contentSchema" };
	static const char *const arrays_2020[] = { "allOf", "anyOf", "oneOf", "prefixItems" };
	static const char *const objects_2020[] = { "$defs", "definitions", "properties", "patternProperties",
						    "dependentSchemas" };
	static const char *const single_07[] = { "additionalItems", "additionalProperties", "contains",
						 "propertyNames", "if", "then", "else", "not", "items" };
	static const char *const arrays_07[] = { "allOf", "anyOf", "oneOf", "items" };
	static const char *const objects_07[] = { "definitions", "properties", "patternProperties", "dependencies" };
	bool draft7 = dialect == DIALECT_DRAFT7;
	const char *const *single = draft7 ? single_07 : single_2020;
	size_t single_count = draft7 ? sizeof(single_07) / sizeof(*single_07) : sizeof(single_2020) / sizeof(*single_2020);
	const char *const *arrays = draft7 ? arrays_07 : arrays_2020;
	size_t array_count = draft7 ? sizeof(arrays_07) / sizeof(*arrays_07) : sizeof(arrays_2020) / sizeof(*arrays_2020);
	const char *const *objects = draft7 ? objects_07 : objects_2020;
	size_t object_count =
		draft7 ? sizeof(objects_07) / sizeof(*objects_07) : sizeof(objects_2020) / sizeof(*objects_2020);
	for (size_t i = 0; i < single_count; i++)
		walk_keyword_schema(registry, node, single[i], resource, pointer, dialect, metaschema_uri);
	for (size_t i = 0; i < array_count; i++)
		walk_keyword_array(registry, node, arrays[i], resource, pointer, dialect, metaschema_uri);
	for (size_t i = 0; i < object_count; i++)
		walk_keyword_object(registry, node, objects[i], resource, pointer, dialect, metaschema_uri);
	strbuf_release(&root_pointer);
}

int schema_registry_add(struct schema_registry *registry, json_t *document, const char *retrieval_uri,
			char **error)
{
	if (!json_is_object(document) && !json_is_boolean(document)) {
		*error = xasprintf("schema '%s' must be an object or a boolean", retrieval_uri);
		return -1;
	}
	char *uri = uri_without_fragment(retrieval_uri);
	if (map_get(&registry->resources_by_uri, uri)) {
		*error = xasprintf("a schema is already registered as '%s'", uri);
		free(uri);
		return -1;
	}
	ALLOC_GROW(registry->documents, registry->document_count + 1, registry->document_alloc);
	registry->documents[registry->document_count++] = json_incref(document);
	struct strbuf pointer;
	strbuf_init(&pointer);
	walk_schema(registry, document, NULL, &pointer, DIALECT_2020_12, NULL, uri);
	strbuf_release(&pointer);
	free(uri);
	return 0;
}

/* Canonical URIs of the meta-schemas built into the binary. */
static const struct {
	const char *uri;
	const char *path;
} builtin_metaschemas[] = {
	{ "https://json-schema.org/draft/2020-12/schema", "schemas/meta/draft2020-12/schema.json" },
	{ "https://json-schema.org/draft/2020-12/meta/core", "schemas/meta/draft2020-12/meta/core.json" },
	{ "https://json-schema.org/draft/2020-12/meta/applicator", "schemas/meta/draft2020-12/meta/applicator.json" },
	{ "https://json-schema.org/draft/2020-12/meta/unevaluated", "schemas/meta/draft2020-12/meta/unevaluated.json" },
	{ "https://json-schema.org/draft/2020-12/meta/validation", "schemas/meta/draft2020-12/meta/validation.json" },
	{ "https://json-schema.org/draft/2020-12/meta/meta-data", "schemas/meta/draft2020-12/meta/meta-data.json" },
	{ "https://json-schema.org/draft/2020-12/meta/format-annotation",
	  "schemas/meta/draft2020-12/meta/format-annotation.json" },
	{ "https://json-schema.org/draft/2020-12/meta/content", "schemas/meta/draft2020-12/meta/content.json" },
	{ "http://json-schema.org/draft-07/schema", "schemas/meta/draft-07/schema.json" },
};

/* Loads the document for `uri` (no fragment) from the built-ins or a mapped directory. */
static int registry_load(struct schema_registry *registry, const char *uri, char **error)
{
	for (size_t i = 0; i < sizeof(builtin_metaschemas) / sizeof(*builtin_metaschemas); i++) {
		if (strcmp(uri, builtin_metaschemas[i].uri) != 0)
			continue;
		const struct embedded_file *file = embedded_find(builtin_metaschemas[i].path);
		if (!file) {
			*error = xasprintf("built-in meta-schema '%s' is missing", uri);
			return -1;
		}
		json_error_t json_error;
		json_t *document = json_loadb((const char *)file->data, file->length, 0, &json_error);
		if (!document) {
			*error = xasprintf("built-in meta-schema '%s' is not valid JSON: %s", uri, json_error.text);
			return -1;
		}
		int status = schema_registry_add(registry, document, uri, error);
		json_decref(document);
		return status;
	}
	for (size_t i = 0; i < registry->mapping_count; i++) {
		const struct uri_mapping *mapping = &registry->mappings[i];
		size_t prefix_length = strlen(mapping->prefix);
		if (strncmp(uri, mapping->prefix, prefix_length) != 0)
			continue;
		const char *rest = uri + prefix_length;
		if (strstr(rest, "..") || strchr(rest, '?')) {
			*error = xasprintf("refusing to map '%s' outside '%s'", uri, mapping->directory);
			return -1;
		}
		char *path = xasprintf("%s/%s", mapping->directory, rest);
		char *load_error = NULL;
		json_t *document = registry->loader(path, registry->loader_context, &load_error);
		free(path);
		if (!document) {
			*error = xasprintf("cannot load '%s': %s", uri, load_error ? load_error : "loader failed");
			free(load_error);
			return -1;
		}
		int status = schema_registry_add(registry, document, uri, error);
		json_decref(document);
		return status;
	}
	*error = xasprintf("no schema is registered or mapped for '%s'", uri);
	return -1;
}

/* Follows a JSON Pointer from `start`, making sure the node reached has a known location even
 * when it sits under a keyword the walk did not enter. */
static json_t *registry_follow_pointer(struct schema_registry *registry, json_t *start, const char *pointer)
{
	json_t *node = start;
	const struct node_info *known = map_get(&registry->node_infos, start);
	struct strbuf rest;
	strbuf_init(&rest);
	const char *cursor = pointer;
	while (*cursor == '/' && node) {
		cursor++;
		size_t length = strcspn(cursor, "/");
		struct strbuf token;
		strbuf_init(&token);
		for (size_t i = 0; i < length; i++) {
			if (cursor[i] == '~' && i + 1 < length && cursor[i + 1] == '0') {
				strbuf_addch(&token, '~');
				i++;
			} else if (cursor[i] == '~' && i + 1 < length && cursor[i + 1] == '1') {
				strbuf_addch(&token, '/');
				i++;
			} else {
				strbuf_addch(&token, cursor[i]);
			}
		}
		if (json_is_object(node)) {
			node = json_object_get(node, token.buf);
		} else if (json_is_array(node)) {
			char *end;
			unsigned long index = strtoul(token.buf, &end, 10);
			bool numeric = token.len > 0 && *end == '\0' && (token.buf[0] != '0' || token.len == 1);
			node = numeric ? json_array_get(node, index) : NULL;
		} else {
			node = NULL;
		}
		pointer_append_token(&rest, token.buf);
		strbuf_release(&token);
		cursor += length;
		const struct node_info *info = node ? map_get(&registry->node_infos, node) : NULL;
		if (info) {
			known = info;
			strbuf_reset(&rest);
		}
	}
	if (node && *cursor)
		node = NULL;
	if (node && !map_get(&registry->node_infos, node) && known) {
		struct strbuf location;
		strbuf_init(&location);
		strbuf_addstr(&location, known->pointer);
		strbuf_addstr(&location, rest.buf);
		walk_schema(registry, node, known->resource, &location, known->dialect, known->resource->metaschema_uri,
			    NULL);
		strbuf_release(&location);
	}
	strbuf_release(&rest);
	return node;
}

/* The schema node that absolute `uri` (with optional fragment) identifies, loading its
 * document when needed. */
static json_t *registry_resolve(struct schema_registry *registry, const char *uri, char **error)
{
	char *document_uri = uri_without_fragment(uri);
	const char *hash = strchr(uri, '#');
	char *fragment = percent_decode(hash ? hash + 1 : "");
	json_t *node = NULL;
	struct schema_resource *resource = map_get(&registry->resources_by_uri, document_uri);
	if (!resource && registry_load(registry, document_uri, error) == 0) {
		resource = map_get(&registry->resources_by_uri, document_uri);
		if (!resource)
			*error = xasprintf("'%s' does not define the schema '%s'", document_uri, document_uri);
	}
	if (resource) {
		if (fragment[0] == '\0') {
			node = resource->node;
		} else if (fragment[0] == '/') {
			node = registry_follow_pointer(registry, resource->node, fragment);
			if (!node)
				*error = xasprintf("cannot resolve '%s': no such location", uri);
		} else {
			/* anchors live under the canonical URI, which a retrieval URI may only alias */
			const struct node_info *info = map_get(&registry->node_infos, resource->node);
			char *key = xasprintf("%s#%s", info ? info->resource->uri : resource->uri, fragment);
			node = map_get(&registry->anchors, key);
			free(key);
			if (!node)
				*error = xasprintf("cannot resolve '%s': no anchor '%s'", uri, fragment);
		}
	}
	free(fragment);
	free(document_uri);
	return node;
}

/* ---- compiling ---- */

struct compiler {
	struct schema_registry *registry;
	struct schema **pending;
	size_t pending_count, pending_alloc;
	char *error;
};

static struct schema *compiler_schema_for(struct compiler *compiler, json_t *node)
{
	struct schema_registry *registry = compiler->registry;
	struct schema *schema = map_get(&registry->compiled, node);
	if (schema)
		return schema;
	const struct node_info *info = map_get(&registry->node_infos, node);
	if (!info) {
		compiler->error = xstrdup("internal error: schema location unknown");
		return NULL;
	}
	if (!json_is_object(node) && !json_is_boolean(node)) {
		compiler->error = xasprintf("schema at '%s' must be an object or a boolean", info->location);
		return NULL;
	}
	schema = xcalloc(1, sizeof(*schema));
	schema->node = node;
	schema->info = info;
	ALLOC_GROW(registry->schemas, registry->schema_count + 1, registry->schema_alloc);
	registry->schemas[registry->schema_count++] = schema;
	map_put(&registry->compiled, node, schema);
	ALLOC_GROW(compiler->pending, compiler->pending_count + 1, compiler->pending_alloc);
	compiler->pending[compiler->pending_count++] = schema;
	return schema;
}

static int compile_error(struct compiler *compiler, const struct schema *schema, const char *keyword,
			 const char *format, ...) __attribute__((format(printf, 4, 5)));

static int compile_error(struct compiler *compiler, const struct schema *schema, const char *keyword,
			 const char *format, ...)
{
	va_list args;
	va_start(args, format);
	char *message = xvasprintf(format, args);
	va_end(args);
	compiler->error = xasprintf("%s at '%s/%s'", message, schema->info->location, keyword);
	free(message);
	return -1;
}

static struct vocabularies all_vocabularies(void)
{
	return (struct vocabularies){ .applicator = true, .unevaluated = true, .validation = true };
}

/* The vocabularies a custom meta-schema declares; unknown required ones are an error. */
static int resource_vocabularies(struct compiler *compiler, struct schema_resource *resource,
				 struct vocabularies *out)
{
	if (resource->vocabularies_known) {
		*out = resource->vocabularies;
		return 0;
	}
	struct vocabularies vocabularies = all_vocabularies();
	const char *metaschema = resource->metaschema_uri;
	if (metaschema && !uri_is_standard_metaschema(metaschema)) {
		char *absolute = uri_resolve(resource->uri, metaschema);
		char *error = NULL;
		json_t *node = registry_resolve(compiler->registry, absolute, &error);
		free(absolute);
		if (!node) {
			compiler->error = xasprintf("cannot load meta-schema '%s': %s", metaschema, error);
			free(error);
			return -1;
		}
		json_t *declared = json_object_get(node, "$vocabulary");
		if (json_is_object(declared)) {
			vocabularies = (struct vocabularies){ 0 };
			const char *vocabulary;
			json_t *required;
			json_object_foreach(declared, vocabulary, required) {
				const char *name = strrchr(vocabulary, '/');
				bool standard = strncmp(vocabulary, "https://json-schema.org/draft/", 30) == 0 && name;
				name = name ? name + 1 : "";
				if (standard && strcmp(name, "applicator") == 0)
					vocabularies.applicator = true;
				else if (standard && strcmp(name, "unevaluated") == 0)
					vocabularies.unevaluated = true;
				else if (standard && strcmp(name, "validation") == 0)
					vocabularies.validation = true;
				else if (standard && (strcmp(name, "core") == 0 || strcmp(name, "meta-data") == 0 ||
						      strcmp(name, "format-annotation") == 0 ||
						      strcmp(name, "format-assertion") == 0 || strcmp(name, "format") == 0 ||
						      strcmp(name, "content") == 0))
					continue;
				else if (json_is_true(required)) {
					compiler->error = xasprintf("meta-schema '%s' requires the unknown vocabulary '%s'",
								    metaschema, vocabulary);
					return -1;
				}
			}
		}
	}
	resource->vocabularies = vocabularies;
	resource->vocabularies_known = true;
	*out = vocabularies;
	return 0;
}

static struct schema *compile_child(struct compiler *compiler, json_t *child)
{
	return compiler_schema_for(compiler, child);
}

static int compile_schema_array(struct compiler *compiler, const struct schema *schema, const char *keyword,
				struct schema ***out, size_t *count)
{
	json_t *array = json_object_get(schema->node, keyword);
	if (!array)
		return 0;
	if (!json_is_array(array) || json_array_size(array) == 0)
		return compile_error(compiler, schema, keyword, "'%s' must be a non-empty array of schemas", keyword);
	*count = json_array_size(array);
	*out = xcalloc(*count, sizeof(**out));
	for (size_t i = 0; i < *count; i++)
		if (!((*out)[i] = compile_child(compiler, json_array_get(array, i))))
			return -1;
	return 0;
}

static int compile_single(struct compiler *compiler, const struct schema *schema, const char *keyword,
			  struct schema **out)
{
	json_t *child = json_object_get(schema->node, keyword);
	if (!child)
		return 0;
	*out = compile_child(compiler, child);
	return *out ? 0 : -1;
}

static int compare_named_schemas(const void *a, const void *b)
{
	return strcmp(((const struct named_schema *)a)->name, ((const struct named_schema *)b)->name);
}

static int compile_named_schemas(struct compiler *compiler, const struct schema *schema, const char *keyword,
				 struct named_schema **out, size_t *count, bool sort)
{
	json_t *object = json_object_get(schema->node, keyword);
	if (!object)
		return 0;
	if (!json_is_object(object))
		return compile_error(compiler, schema, keyword, "'%s' must be an object of schemas", keyword);
	*out = xcalloc(json_object_size(object) + 1, sizeof(**out));
	const char *key;
	json_t *child;
	json_object_foreach(object, key, child) {
		struct named_schema *entry = &(*out)[(*count)++];
		entry->name = key;
		if (!(entry->schema = compile_child(compiler, child)))
			return -1;
	}
	if (sort)
		qsort(*out, *count, sizeof(**out), compare_named_schemas);
	return 0;
}

static const char *const unicode_property_aliases[][2] = {
	{ "Letter", "L" }, { "Cased_Letter", "LC" }, { "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
	{ "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" }, { "Other_Letter", "Lo" }, { "Mark", "M" },
	{ "Nonspacing_Mark", "Mn" }, { "Spacing_Mark", "Mc" }, { "Enclosing_Mark", "Me" }, { "Number", "N" },
	{ "Decimal_Number", "Nd" }, { "digit", "Nd" }, { "Letter_Number", "Nl" }, { "Other_Number", "No" },
	{ "Punctuation", "P" }, { "punct", "P" }, { "Connector_Punctuation", "Pc" }, { "Dash_Punctuation", "Pd" },
	{ "Open_Punctuation", "Ps" }, { "Close_Punctuation", "Pe" }, { "Initial_Punctuation", "Pi" },
	{ "Final_Punctuation", "Pf" }, { "Other_Punctuation", "Po" }, { "Symbol", "S" }, { "Math_Symbol", "Sm" },
	{ "Currency_Symbol", "Sc" }, { "Modifier_Symbol", "Sk" }, { "Other_Symbol", "So" }, { "Separator", "Z" },
	{ "Space_Separator", "Zs" }, { "Line_Separator", "Zl" }, { "Paragraph_Separator", "Zp" }, { "Other", "C" },
	{ "Control", "Cc" }, { "cntrl", "Cc" }, { "Format", "Cf" }, { "Surrogate", "Cs" }, { "Private_Use", "Co" },
	{ "Unassigned", "Cn" },
};

/* ECMA-262 white space and line terminators beyond the ASCII ones PCRE2's `\s` has without UCP. */
#define ECMA_EXTRA_SPACE "\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

/* Rewrites an ECMA-262 pattern for PCRE2: Unicode properties are spelled `\p{Letter}`,
 * `\p{gc=Lu}` or `\p{Script=Greek}` in ECMA but our PCRE2 only knows the short forms, and
 * ECMA's `\s` covers Unicode spaces while `\d` and `\w` stay ASCII (so UCP stays off). */
static char *pattern_to_pcre2(const char *source)
{
	struct strbuf out;
	strbuf_init(&out);
	bool in_class = false;
	for (const char *p = source; *p; p++) {
		if (p[0] != '\\' || !p[1]) {
			if (!in_class && p[0] == '[') {
				in_class = true;
				strbuf_addch(&out, *p);
				if (p[1] == '^')
					strbuf_addch(&out, *++p);
				continue;
			}
			if (in_class && p[0] == ']')
				in_class = false;
			strbuf_addch(&out, *p);
			continue;
		}
		if ((p[1] == 'p' || p[1] == 'P') && p[2] == '{') {
			const char *name = p + 3;
			size_t length = strcspn(name, "}");
			if (name[length] == '}') {
				char *property = xstrndup(name, length);
				const char *value = property;
				const char *equals = strchr(property, '=');
				if (equals)
					value = equals + 1;
				for (size_t i = 0; i < sizeof(unicode_property_aliases) / sizeof(*unicode_property_aliases);
				     i++)
					if (strcmp(value, unicode_property_aliases[i][0]) == 0)
						value = unicode_property_aliases[i][1];
				strbuf_addf(&out, "\\%c{%s}", p[1], value);
				free(property);
				p = name + length;
				continue;
			}
		}
		if (p[1] == 's') {
			strbuf_addstr(&out, in_class ? "\\s" ECMA_EXTRA_SPACE : "[\\s" ECMA_EXTRA_SPACE "]");
			p++;
			continue;
		}
		if (p[1] == 'S' && !in_class) {
			strbuf_addstr(&out, "[^\\s" ECMA_EXTRA_SPACE "]");
			p++;
			continue;
		}
		strbuf_addch(&out, p[0]);
		strbuf_addch(&out, p[1]);
		p++;
	}
	return strbuf_detach(&out, NULL);
}

static struct pattern *pattern_compile(const char *source, char **error)
{
	char *translated = pattern_to_pcre2(source);
	int error_code;
	PCRE2_SIZE error_offset;
	pcre2_compile_context *context = pcre2_compile_context_create(NULL);
	/* ECMA-262 `\u` escapes, including `\u{...}` */
	pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
	/* UTF without UCP keeps `\d`, `\w`, `\b` ASCII as in ECMA-262; `$` matches only at the end;
	 * `[]` is an empty class and `[^]` any character, as in ECMA-262 */
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX |
						 PCRE2_ALLOW_EMPTY_CLASS, &error_code, &error_offset,
					 context);
	pcre2_compile_context_free(context);
	free(translated);
	if (!code) {
		PCRE2_UCHAR message[256];
		pcre2_get_error_message(error_code, message, sizeof(message));
		*error = xasprintf("invalid pattern '%s': %s at offset %zu", source, (const char *)message,
				   (size_t)error_offset);
		return NULL;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* optional speed-up; the interpreter is the fallback */
	struct pattern *pattern = xcalloc(1, sizeof(*pattern));
	pattern->code = code;
	pattern->source = source;
	pattern->match_context = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(pattern->match_context, PATTERN_MATCH_LIMIT);
	return pattern;
}

/* Match data is allocated per call so one compiled schema can be shared between threads. */
static bool pattern_matches(const struct pattern *pattern, const char *subject, size_t length)
{
	pcre2_match_data *match_data = pcre2_match_data_create_from_pattern(pattern->code, NULL);
	int status = pcre2_match(pattern->code, (PCRE2_SPTR)subject, length, 0, 0, match_data,
				 pattern->match_context);
	pcre2_match_data_free(match_data);
	return status >= 0;
}

static bool json_is_integral(const json_t *value)
{
	if (json_is_integer(value))
		return true;
	if (!json_is_real(value))
		return false;
	double number = json_real_value(value);
	return isfinite(number) && floor(number) == number;
}

/* Reads a non-negative integer keyword into *out (left at -1 when absent). */
static int compile_count(struct compiler *compiler, const struct schema *schema, const char *keyword,
			 long long *out)
{
	*out = -1;
	json_t *value = json_object_get(schema->node, keyword);
	if (!value)
		return 0;
	if (!json_is_integral(value) || json_number_value(value) < 0)
		return compile_error(compiler, schema, keyword, "'%s' must be a non-negative integer", keyword);
	double number = json_number_value(value);
	*out = json_is_integer(value) ? (long long)json_integer_value(value)
				      : (number > 9e18 ? (long long)9e18 : (long long)number);
	return 0;
}

static int compile_number(struct compiler *compiler, const struct schema *schema, const char *keyword,
			  json_t **out)
{
	json_t *value = json_object_get(schema->node, keyword);
	if (!value)
		return 0;
	if (!json_is_number(value))
		return compile_error(compiler, schema, keyword, "'%s' must be a number", keyword);
	*out = value;
	return 0;
}

static int compile_string_array(struct compiler *compiler, const struct schema *schema, const char *keyword,
				json_t *array, const char ***out, size_t *count)
{
	if (!json_is_array(array))
		return compile_error(compiler, schema, keyword, "'%s' must be an array of strings", keyword);
	*count = json_array_size(array);
	*out = xcalloc(*count + 1, sizeof(**out));
	for (size_t i = 0; i < *count; i++) {
		json_t *name = json_array_get(array, i);
		if (!json_is_string(name))
			return compile_error(compiler, schema, keyword, "'%s' must be an array of strings", keyword);
		(*out)[i] = json_string_value(name);
	}
	return 0;
}

static int compile_type(struct compiler *compiler, struct schema *schema)
{
	json_t *type = json_object_get(schema->node, "type");
	if (!type)
		return 0;
	json_t *single = json_array();
	if (json_is_string(type))
		json_array_append(single, type);
	json_t *list = json_is_array(type) ? type : single;
	size_t index;
	json_t *name;
	int status = 0;
	json_array_foreach(list, index, name) {
		size_t i = 0;
		while (i < sizeof(type_names) / sizeof(*type_names) &&
		       !(json_is_string(name) && strcmp(json_string_value(name), type_names[i]) == 0))
			i++;
		if (i == sizeof(type_names) / sizeof(*type_names)) {
			status = compile_error(compiler, schema, "type", "unknown type %s",
					       json_is_string(name) ? json_string_value(name) : "(not a string)");
			break;
		}
		schema->type_mask |= 1u << i;
	}
	if (status == 0 && schema->type_mask == 0)
		status = compile_error(compiler, schema, "type", "'type' must name at least one type");
	json_decref(single);
	return status;
}

static int compile_applicators(struct compiler *compiler, struct schema *schema, bool draft7)
{
	json_t *node = schema->node;
	if (compile_schema_array(compiler, schema, "allOf", &schema->all_of, &schema->all_of_count) ||
	    compile_schema_array(compiler, schema, "anyOf", &schema->any_of, &schema->any_of_count) ||
	    compile_schema_array(compiler, schema, "oneOf", &schema->one_of, &schema->one_of_count) ||
	    compile_single(compiler, schema, "not", &schema->not_schema) ||
	    compile_single(compiler, schema, "if", &schema->if_schema) ||
	    compile_single(compiler, schema, "then", &schema->then_schema) ||
	    compile_single(compiler, schema, "else", &schema->else_schema) ||
	    compile_named_schemas(compiler, schema, "properties", &schema->properties, &schema->property_count,
				  true) ||
	    compile_single(compiler, schema, "additionalProperties", &schema->additional_properties) ||
	    compile_single(compiler, schema, "propertyNames", &schema->property_names) ||
	    compile_single(compiler, schema, "contains", &schema->contains))
		return -1;
	json_t *patterns = json_object_get(node, "patternProperties");
	if (patterns) {
		if (!json_is_object(patterns))
			return compile_error(compiler, schema, "patternProperties",
					     "'patternProperties' must be an object of schemas");
		schema->pattern_properties = xcalloc(json_object_size(patterns) + 1, sizeof(*schema->pattern_properties));
		const char *source;
		json_t *child;
		json_object_foreach(patterns, source, child) {
			struct pattern_schema *entry = &schema->pattern_properties[schema->pattern_property_count++];
			char *error = NULL;
			entry->pattern = pattern_compile(source, &error);
			if (!entry->pattern) {
				compile_error(compiler, schema, "patternProperties", "%s", error);
				free(error);
				return -1;
			}
			if (!(entry->schema = compile_child(compiler, child)))
				return -1;
		}
	}
	if (!draft7) {
		if (compile_named_schemas(compiler, schema, "dependentSchemas", &schema->dependent_schemas,
					  &schema->dependent_schema_count, false) ||
		    compile_schema_array(compiler, schema, "prefixItems", &schema->prefix_items,
					 &schema->prefix_item_count))
			return -1;
		schema->dependent_schemas_keyword = "dependentSchemas";
		schema->prefix_items_keyword = "prefixItems";
		schema->items_keyword = "items";
		json_t *items = json_object_get(node, "items");
		if (items && !json_is_array(items) && compile_single(compiler, schema, "items", &schema->items))
			return -1;
		return 0;
	}
	json_t *items = json_object_get(node, "items");
	if (json_is_array(items)) {
		schema->prefix_items_keyword = "items";
		schema->items_keyword = "additionalItems";
		if (json_array_size(items) > 0 &&
		    compile_schema_array(compiler, schema, "items", &schema->prefix_items, &schema->prefix_item_count))
			return -1;
		if (compile_single(compiler, schema, "additionalItems", &schema->items))
			return -1;
	} else {
		schema->items_keyword = "items";
		if (compile_single(compiler, schema, "items", &schema->items))
			return -1;
	}
	json_t *dependencies = json_object_get(node, "dependencies");
	if (json_is_object(dependencies)) {
		size_t size = json_object_size(dependencies);
		schema->dependent_schemas = xcalloc(size + 1, sizeof(*schema->dependent_schemas));
		schema->dependent_required = xcalloc(size + 1, sizeof(*schema->dependent_required));
		schema->dependent_schemas_keyword = "dependencies";
		schema->dependent_required_keyword = "dependencies";
		const char *name;
		json_t *value;
		json_object_foreach(dependencies, name, value) {
			if (json_is_array(value)) {
				struct dependent_required *entry =
					&schema->dependent_required[schema->dependent_required_count++];
				entry->name = name;
				if (compile_string_array(compiler, schema, "dependencies", value, &entry->required,
							 &entry->count))
					return -1;
			} else {
				struct named_schema *entry = &schema->dependent_schemas[schema->dependent_schema_count++];
				entry->name = name;
				if (!(entry->schema = compile_child(compiler, value)))
					return -1;
			}
		}
	}
	return 0;
}

static int compile_validation(struct compiler *compiler, struct schema *schema, bool draft7)
{
	json_t *node = schema->node;
	if (compile_type(compiler, schema))
		return -1;
	json_t *enum_values = json_object_get(node, "enum");
	if (enum_values) {
		if (!json_is_array(enum_values))
			return compile_error(compiler, schema, "enum", "'enum' must be an array");
		schema->enum_values = enum_values;
	}
	schema->const_value = json_object_get(node, "const");
	if (compile_number(compiler, schema, "multipleOf", &schema->multiple_of) ||
	    compile_number(compiler, schema, "maximum", &schema->maximum) ||
	    compile_number(compiler, schema, "exclusiveMaximum", &schema->exclusive_maximum) ||
	    compile_number(compiler, schema, "minimum", &schema->minimum) ||
	    compile_number(compiler, schema, "exclusiveMinimum", &schema->exclusive_minimum) ||
	    compile_count(compiler, schema, "maxLength", &schema->max_length) ||
	    compile_count(compiler, schema, "minLength", &schema->min_length) ||
	    compile_count(compiler, schema, "maxItems", &schema->max_items) ||
	    compile_count(compiler, schema, "minItems", &schema->min_items) ||
	    compile_count(compiler, schema, "maxProperties", &schema->max_properties) ||
	    compile_count(compiler, schema, "minProperties", &schema->min_properties))
		return -1;
	schema->max_contains = schema->min_contains = -1;
	if (!draft7 && (compile_count(compiler, schema, "maxContains", &schema->max_contains) ||
			compile_count(compiler, schema, "minContains", &schema->min_contains)))
		return -1;
	if (schema->multiple_of && json_number_value(schema->multiple_of) <= 0)
		return compile_error(compiler, schema, "multipleOf", "'multipleOf' must be greater than 0");
	schema->unique_items = json_is_true(json_object_get(node, "uniqueItems"));
	json_t *pattern = json_object_get(node, "pattern");
	if (pattern) {
		if (!json_is_string(pattern))
			return compile_error(compiler, schema, "pattern", "'pattern' must be a string");
		char *error = NULL;
		schema->pattern = pattern_compile(json_string_value(pattern), &error);
		if (!schema->pattern) {
			compile_error(compiler, schema, "pattern", "%s", error);
			free(error);
			return -1;
		}
	}
	json_t *required = json_object_get(node, "required");
	if (required && compile_string_array(compiler, schema, "required", required, &schema->required,
					     &schema->required_count))
		return -1;
	json_t *dependent = json_object_get(node, "dependentRequired");
	if (!draft7 && dependent) {
		if (!json_is_object(dependent))
			return compile_error(compiler, schema, "dependentRequired", "'dependentRequired' must be an object");
		schema->dependent_required = xcalloc(json_object_size(dependent) + 1, sizeof(*schema->dependent_required));
		schema->dependent_required_keyword = "dependentRequired";
		const char *name;
		json_t *value;
		json_object_foreach(dependent, name, value) {
			struct dependent_required *entry = &schema->dependent_required[schema->dependent_required_count++];
			entry->name = name;
			if (compile_string_array(compiler, schema, "dependentRequired", value, &entry->required,
						 &entry->count))
				return -1;
		}
	}
	return 0;
}

static int compile_reference(struct compiler *compiler, struct schema *schema, const char *keyword,
			     struct schema **out, json_t **target_out)
{
	json_t *reference = json_object_get(schema->node, keyword);
	if (!reference)
		return 0;
	if (!json_is_string(reference))
		return compile_error(compiler, schema, keyword, "'%s' must be a string", keyword);
	char *absolute = uri_resolve(schema->info->resource->uri, json_string_value(reference));
	char *error = NULL;
	json_t *target = registry_resolve(compiler->registry, absolute, &error);
	free(absolute);
	if (!target) {
		compile_error(compiler, schema, keyword, "cannot resolve reference '%s': %s",
			      json_string_value(reference), error);
		free(error);
		return -1;
	}
	if (target_out)
		*target_out = target;
	*out = compile_child(compiler, target);
	return *out ? 0 : -1;
}

static int compile_schema(struct compiler *compiler, struct schema *schema)
{
	json_t *node = schema->node;
	schema->max_length = schema->min_length = schema->max_items = schema->min_items = -1;
	schema->max_contains = schema->min_contains = schema->max_properties = schema->min_properties = -1;
	if (json_is_boolean(node)) {
		schema->is_boolean = true;
		schema->boolean_value = json_is_true(node);
		return 0;
	}
	struct schema_resource *resource = schema->info->resource;
	/* every dynamic anchor of a resource we enter may be the target of a `$dynamicRef` */
	for (size_t i = 0; i < resource->dynamic_anchor_count; i++)
		if (!(resource->dynamic_anchors[i].schema = compile_child(compiler, resource->dynamic_anchors[i].node)))
			return -1;
	bool draft7 = schema->info->dialect == DIALECT_DRAFT7;
	struct vocabularies vocabularies;
	if (resource_vocabularies(compiler, resource, &vocabularies))
		return -1;
	if (compile_reference(compiler, schema, "$ref", &schema->ref, NULL))
		return -1;
	if (draft7 && schema->ref) {
		schema->ref_overrides_siblings = true;
		return 0;
	}
	json_t *dynamic_target = NULL;
	if (!draft7 && compile_reference(compiler, schema, "$dynamicRef", &schema->dynamic_ref, &dynamic_target))
		return -1;
	if (dynamic_target) {
		/* Only a target that itself declares the same `$dynamicAnchor` makes the reference
		 * dynamic; otherwise `$dynamicRef` behaves exactly like `$ref`. */
		const char *fragment = strchr(json_string_value(json_object_get(node, "$dynamicRef")), '#');
		json_t *anchor = json_object_get(dynamic_target, "$dynamicAnchor");
		if (fragment && fragment[1] && fragment[1] != '/' && json_is_string(anchor) &&
		    strcmp(json_string_value(anchor), fragment + 1) == 0)
			schema->dynamic_anchor_name = json_string_value(anchor);
	}
	if (vocabularies.applicator && compile_applicators(compiler, schema, draft7))
		return -1;
	if (vocabularies.unevaluated && !draft7 &&
	    (compile_single(compiler, schema, "unevaluatedItems", &schema->unevaluated_items) ||
	     compile_single(compiler, schema, "unevaluatedProperties", &schema->unevaluated_properties)))
		return -1;
	if (vocabularies.validation && compile_validation(compiler, schema, draft7))
		return -1;
	return 0;
}

static void add_known_name(struct schema *schema, size_t *alloc, const char *name)
{
	for (size_t i = 0; i < schema->known_name_count; i++)
		if (strcmp(schema->known_names[i], name) == 0)
			return;
	ALLOC_GROW(schema->known_names, schema->known_name_count + 1, *alloc);
	schema->known_names[schema->known_name_count++] = name;
}

/* Collects the `properties` names of `from` and of the schemas it applies in place, which are
 * what `unevaluatedProperties` considers evaluated. */
static void collect_known_names(struct schema *schema, size_t *alloc, const struct schema *from,
				struct hash_map *visited)
{
	if (!from || from->is_boolean || map_get(visited, from))
		return;
	map_put(visited, from, (void *)from);
	for (size_t i = 0; i < from->property_count; i++)
		add_known_name(schema, alloc, from->properties[i].name);
	collect_known_names(schema, alloc, from->ref, visited);
	collect_known_names(schema, alloc, from->dynamic_ref, visited);
	for (size_t i = 0; i < from->all_of_count; i++)
		collect_known_names(schema, alloc, from->all_of[i], visited);
	for (size_t i = 0; i < from->any_of_count; i++)
		collect_known_names(schema, alloc, from->any_of[i], visited);
	for (size_t i = 0; i < from->one_of_count; i++)
		collect_known_names(schema, alloc, from->one_of[i], visited);
	collect_known_names(schema, alloc, from->if_schema, visited);
	collect_known_names(schema, alloc, from->then_schema, visited);
	collect_known_names(schema, alloc, from->else_schema, visited);
	for (size_t i = 0; i < from->dependent_schema_count; i++)
		collect_known_names(schema, alloc, from->dependent_schemas[i].schema, visited);
}

static void compute_known_names(struct schema *schema)
{
	size_t alloc = 0;
	if (schema->unevaluated_properties) {
		struct hash_map visited = { 0 };
		collect_known_names(schema, &alloc, schema, &visited);
		map_release(&visited);
	} else if (schema->additional_properties || schema->property_names) {
		for (size_t i = 0; i < schema->property_count; i++)
			add_known_name(schema, &alloc, schema->properties[i].name);
	}
}

const struct schema *schema_compile(struct schema_registry *registry, const char *uri, char **error)
{
	struct compiler compiler = { .registry = registry };
	size_t first_new = registry->schema_count;
	char *resolve_error = NULL;
	json_t *node = registry_resolve(registry, uri, &resolve_error);
	if (!node) {
		*error = xasprintf("cannot compile '%s': %s", uri, resolve_error);
		free(resolve_error);
		return NULL;
	}
	struct schema *root = compiler_schema_for(&compiler, node);
	while (root && compiler.pending_count > 0) {
		struct schema *schema = compiler.pending[--compiler.pending_count];
		if (compile_schema(&compiler, schema) != 0)
			root = NULL;
	}
	free(compiler.pending);
	if (!root) {
		/* drop what this call created so no half-compiled schema is ever reused */
		for (size_t i = first_new; i < registry->schema_count; i++)
			schema_free(registry->schemas[i]);
		registry->schema_count = first_new;
		map_release(&registry->compiled);
		for (size_t i = 0; i < first_new; i++)
			map_put(&registry->compiled, registry->schemas[i]->node, registry->schemas[i]);
		for (size_t i = 0; i < registry->resource_count; i++) {
			struct schema_resource *resource = registry->resources[i];
			for (size_t j = 0; j < resource->dynamic_anchor_count; j++)
				resource->dynamic_anchors[j].schema =
					map_get(&registry->compiled, resource->dynamic_anchors[j].node);
		}
		*error = compiler.error ? compiler.error : xstrdup("cannot compile schema");
		return NULL;
	}
	for (size_t i = first_new; i < registry->schema_count; i++)
		compute_known_names(registry->schemas[i]);
	return root;
}

/* ---- results ---- */

void schema_result_init(struct schema_result *result)
{
	memset(result, 0, sizeof(*result));
}

static void schema_error_release(struct schema_error *error)
{
	free(error->instance_path);
	free(error->keyword_location);
	free(error->absolute_keyword_location);
	free(error->keyword);
	free(error->message);
	free(error->suggestion);
}

void schema_result_release(struct schema_result *result)
{
	for (size_t i = 0; i < result->count; i++)
		schema_error_release(&result->errors[i]);
	free(result->errors);
	schema_result_init(result);
}

/* ---- evaluation ---- */

/* An error while evaluating, with the instance positions (index of each key or item along the
 * instance path) that order errors by where they occur in the instance. */
struct eval_error {
	struct schema_error error;
	size_t *positions;
	size_t depth;
};

struct error_list {
	struct eval_error *items;
	size_t count, alloc;
};

static void error_list_release(struct error_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		schema_error_release(&list->items[i].error);
		free(list->items[i].positions);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* Moves every error of `from` to the end of `to`. */
static void error_list_take(struct error_list *to, struct error_list *from)
{
	if (!from->count)
		return;
	ALLOC_GROW(to->items, to->count + from->count, to->alloc);
	memcpy(to->items + to->count, from->items, from->count * sizeof(*from->items));
	to->count += from->count;
	free(from->items);
	memset(from, 0, sizeof(*from));
}

/* Which keys or items of the current instance have been evaluated (for unevaluated*). */
struct annotations {
	unsigned char *marks; /* allocated on the first mark */
	size_t size;
	bool all;
};

static void annotations_mark(struct annotations *annotations, size_t index)
{
	if (!annotations || annotations->all || index >= annotations->size)
		return;
	if (!annotations->marks)
		annotations->marks = xcalloc(annotations->size, 1);
	annotations->marks[index] = 1;
}

static bool annotations_marked(const struct annotations *annotations, size_t index)
{
	return annotations->all || (annotations->marks && annotations->marks[index]);
}

static void annotations_merge(struct annotations *to, const struct annotations *from)
{
	if (!to || to->all)
		return;
	if (from->all) {
		to->all = true;
		return;
	}
	if (!from->marks)
		return;
	for (size_t i = 0; i < from->size && i < to->size; i++)
		if (from->marks[i])
			annotations_mark(to, i);
}

struct evaluator {
	struct strbuf instance_path, keyword_path;
	size_t *positions;
	size_t position_count, position_alloc;
	const struct schema_resource **scope; /* dynamic scope, outermost first */
	size_t scope_count, scope_alloc;
	size_t depth, in_place_depth;
};

static size_t path_push(struct strbuf *path, const char *token)
{
	size_t mark = path->len;
	pointer_append_token(path, token);
	return mark;
}

static void path_pop(struct strbuf *path, size_t mark)
{
	path->len = mark;
	path->buf[mark] = '\0';
}

static void add_error(struct evaluator *evaluator, struct error_list *errors, const struct schema *schema,
		      const char *keyword, const char *suggestion, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

static void add_error(struct evaluator *evaluator, struct error_list *errors, const struct schema *schema,
		      const char *keyword, const char *suggestion, const char *format, ...)
{
	if (!errors)
		return;
	ALLOC_GROW(errors->items, errors->count + 1, errors->alloc);
	struct eval_error *entry = &errors->items[errors->count++];
	memset(entry, 0, sizeof(*entry));
	va_list args;
	va_start(args, format);
	entry->error.message = xvasprintf(format, args);
	va_end(args);
	entry->error.instance_path = xstrdup(evaluator->instance_path.buf);
	bool boolean = schema->is_boolean;
	entry->error.keyword = xstrdup(boolean ? "false" : keyword);
	entry->error.keyword_location =
		boolean ? xstrdup(evaluator->keyword_path.buf) : xasprintf("%s/%s", evaluator->keyword_path.buf, keyword);
	entry->error.absolute_keyword_location =
		boolean ? xstrdup(schema->info->location) : xasprintf("%s/%s", schema->info->location, keyword);
	entry->error.suggestion = suggestion ? xstrdup(suggestion) : NULL;
	entry->depth = evaluator->position_count;
	entry->positions = xmalloc((entry->depth + 1) * sizeof(*entry->positions));
	if (entry->depth)
		memcpy(entry->positions, evaluator->positions, entry->depth * sizeof(*entry->positions));
}

/* A short rendering of a value for messages: strings quoted, long values cut. */
static char *describe_value(const json_t *value)
{
	char *text;
	if (json_is_string(value))
		text = xasprintf("'%s'", json_string_value(value));
	else {
		char *dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
		text = xstrdup(dumped ? dumped : "?");
		free(dumped);
	}
	size_t limit = 60;
	if (strlen(text) > limit) {
		size_t cut = limit;
		while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut--; /* never split a UTF-8 sequence */
		char *shortened = xasprintf("%.*s...%s", (int)cut, text, json_is_string(value) ? "'" : "");
		free(text);
		text = shortened;
	}
	return text;
}

static const char *instance_type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static bool type_matches(unsigned mask, const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return mask & TYPE_OBJECT;
	case JSON_ARRAY:
		return mask & TYPE_ARRAY;
	case JSON_STRING:
		return mask & TYPE_STRING;
	case JSON_INTEGER:
		return mask & (TYPE_INTEGER | TYPE_NUMBER);
	case JSON_REAL:
		return (mask & TYPE_NUMBER) || ((mask & TYPE_INTEGER) && json_is_integral(value));
	case JSON_TRUE:
	case JSON_FALSE:
		return mask & TYPE_BOOLEAN;
	default:
		return mask & TYPE_NULL;
	}
}

static int number_compare(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		return (x > y) - (x < y);
	}
	long double x = json_is_integer(a) ? (long double)json_integer_value(a) : (long double)json_real_value(a);
	long double y = json_is_integer(b) ? (long double)json_integer_value(b) : (long double)json_real_value(b);
	return (x > y) - (x < y);
}

/* JSON equality as JSON Schema defines it: 1 and 1.0 are equal, key order does not matter. */
static bool values_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return number_compare(a, b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!values_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	case JSON_OBJECT: {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *key;
		json_t *value;
		json_object_foreach((json_t *)a, key, value) {
			json_t *other = json_object_get(b, key);
			if (!other || !values_equal(value, other))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}

/* A hash consistent with values_equal. */
static uint64_t value_hash(const json_t *value)
{
	uint64_t hash = 14695981039346656037ULL;
	switch (json_typeof(value)) {
	case JSON_INTEGER:
	case JSON_REAL: {
		double number = json_number_value(value);
		if (json_is_integer(value) || (isfinite(number) && floor(number) == number && fabs(number) < 9e18)) {
			long long integral = json_is_integer(value) ? (long long)json_integer_value(value) : (long long)number;
			return hash_bytes(&integral, sizeof(integral), hash ^ 1);
		}
		return hash_bytes(&number, sizeof(number), hash ^ 2);
	}
	case JSON_STRING:
		return hash_bytes(json_string_value(value), json_string_length(value), hash ^ 3);
	case JSON_ARRAY:
		hash ^= 4;
		for (size_t i = 0; i < json_array_size(value); i++)
			hash = (hash ^ value_hash(json_array_get(value, i))) * 1099511628211ULL;
		return hash;
	case JSON_OBJECT: {
		uint64_t sum = 5;
		const char *key;
		json_t *member;
		json_object_foreach((json_t *)value, key, member) {
			uint64_t key_hash = hash_bytes(key, strlen(key), hash);
			sum += key_hash * 31 + value_hash(member);
		}
		return sum;
	}
	default:
		return hash ^ (uint64_t)json_typeof(value) * 7919;
	}
}

static size_t utf8_length(const char *text, size_t bytes)
{
	size_t count = 0;
	for (size_t i = 0; i < bytes; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static bool evaluate(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
		     struct error_list *errors, struct annotations *annotations);

/* Evaluates `schema` against a child of the current instance (key or item at `position`). */
static bool evaluate_child(struct evaluator *evaluator, const struct schema *schema, const json_t *child,
			   const char *token, size_t position, struct error_list *errors)
{
	size_t instance_mark = path_push(&evaluator->instance_path, token);
	ALLOC_GROW(evaluator->positions, evaluator->position_count + 1, evaluator->position_alloc);
	evaluator->positions[evaluator->position_count++] = position;
	size_t saved_in_place = evaluator->in_place_depth;
	evaluator->in_place_depth = 0;
	bool valid = evaluate(evaluator, schema, child, errors, NULL);
	evaluator->in_place_depth = saved_in_place;
	evaluator->position_count--;
	path_pop(&evaluator->instance_path, instance_mark);
	return valid;
}

static bool evaluate_keyword(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			     struct error_list *errors, struct annotations *annotations, const char *keyword,
			     const char *token)
{
	size_t mark = path_push(&evaluator->keyword_path, keyword);
	if (token)
		pointer_append_token(&evaluator->keyword_path, token);
	bool valid = evaluate(evaluator, schema, instance, errors, annotations);
	path_pop(&evaluator->keyword_path, mark);
	return valid;
}

static size_t index_token(char *buffer, size_t size, size_t index)
{
	return (size_t)snprintf(buffer, size, "%zu", index);
}

static size_t max_error_depth(const struct error_list *list)
{
	size_t depth = 0;
	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].depth > depth)
			depth = list->items[i].depth;
	return depth;
}

/* True when a branch failed on the value itself (its type, const or enum), or on a
 * discriminating `const`/`enum` of a direct member: that branch is not what the author meant. */
static bool branch_rejects_outright(const struct error_list *list, size_t depth)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct eval_error *entry = &list->items[i];
		const char *keyword = entry->error.keyword;
		bool discriminating = strcmp(keyword, "const") == 0 || strcmp(keyword, "enum") == 0;
		if (entry->depth == depth &&
		    (discriminating || strcmp(keyword, "type") == 0 || strcmp(keyword, "false") == 0))
			return true;
		if (entry->depth == depth + 1 && discriminating)
			return true;
	}
	return false;
}

/* The branch of a failed anyOf/oneOf that clearly fits best, or -1 when none stands out. */
static long best_branch(struct error_list *branches, size_t count, size_t depth)
{
	long best = -1;
	bool tie = false;
	size_t best_depth = 0, best_count = 0;
	for (size_t i = 0; i < count; i++) {
		if (branches[i].count == 0 || branch_rejects_outright(&branches[i], depth))
			continue;
		size_t reached = max_error_depth(&branches[i]);
		if (best < 0 || reached > best_depth || (reached == best_depth && branches[i].count < best_count)) {
			best = (long)i;
			best_depth = reached;
			best_count = branches[i].count;
			tie = false;
		} else if (reached == best_depth && branches[i].count == best_count) {
			tie = true;
		}
	}
	return tie ? -1 : best;
}

static size_t container_size(const json_t *instance)
{
	if (json_is_object(instance))
		return json_object_size(instance);
	if (json_is_array(instance))
		return json_array_size(instance);
	return 0;
}

static bool evaluate_alternatives(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
				  struct error_list *errors, struct annotations *annotations, bool exactly_one)
{
	const char *keyword = exactly_one ? "oneOf" : "anyOf";
	struct schema *const *branches = exactly_one ? schema->one_of : schema->any_of;
	size_t count = exactly_one ? schema->one_of_count : schema->any_of_count;
	struct error_list *branch_errors = errors ? xcalloc(count, sizeof(*branch_errors)) : NULL;
	struct annotations kept = { .size = annotations ? annotations->size : 0 };
	size_t valid_count = 0;
	size_t first_valid = 0, second_valid = 0;
	for (size_t i = 0; i < count; i++) {
		char token[32];
		index_token(token, sizeof(token), i);
		struct annotations branch_annotations = { .size = annotations ? annotations->size : 0 };
		bool valid = evaluate_keyword(evaluator, branches[i], instance, errors ? &branch_errors[i] : NULL,
					      annotations ? &branch_annotations : NULL, keyword, token);
		if (valid) {
			if (valid_count == 0)
				first_valid = i;
			else if (valid_count == 1)
				second_valid = i;
			valid_count++;
			if (annotations && (!exactly_one || valid_count == 1))
				annotations_merge(&kept, &branch_annotations);
		}
		free(branch_annotations.marks);
		/* without annotations to collect, the verdict is known as soon as it cannot change */
		if (!exactly_one && valid && !annotations)
			break;
		if (exactly_one && valid_count > 1)
			break;
	}
	bool valid = exactly_one ? valid_count == 1 : valid_count > 0;
	if (valid)
		annotations_merge(annotations, &kept);
	free(kept.marks);
	if (!valid && errors) {
		if (valid_count > 1) {
			add_error(evaluator, errors, schema, keyword, NULL,
				  "value matches more than one schema of 'oneOf' (%zu and %zu), expected exactly one",
				  first_valid, second_valid);
		} else {
			add_error(evaluator, errors, schema, keyword, NULL, "value does not match any schema of '%s'",
				  keyword);
			long best = best_branch(branch_errors, count, evaluator->position_count);
			if (best >= 0)
				error_list_take(errors, &branch_errors[best]);
		}
	}
	if (branch_errors) {
		for (size_t i = 0; i < count; i++)
			error_list_release(&branch_errors[i]);
		free(branch_errors);
	}
	return valid;
}

static bool evaluate_number(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			    struct error_list *errors)
{
	bool valid = true;
	char *shown = NULL;
#define SHOWN (shown ? shown : (shown = describe_value(instance)))
	if (schema->multiple_of) {
		bool multiple;
		if (json_is_integer(instance) && json_is_integer(schema->multiple_of)) {
			json_int_t divisor = json_integer_value(schema->multiple_of);
			multiple = divisor == -1 || json_integer_value(instance) % divisor == 0;
		} else {
			double quotient = json_number_value(instance) / json_number_value(schema->multiple_of);
			double tolerance = fmax(1e-9, fabs(quotient) * 4 * 2.220446049250313e-16);
			if (isfinite(quotient))
				multiple = fabs(quotient - nearbyint(quotient)) <= tolerance;
			else /* the quotient overflowed: fmod is exact, if slower */
				multiple = fmod(json_number_value(instance), json_number_value(schema->multiple_of)) == 0;
		}
		if (!multiple) {
			char *divisor = describe_value(schema->multiple_of);
			add_error(evaluator, errors, schema, "multipleOf", NULL, "%s is not a multiple of %s", SHOWN, divisor);
			free(divisor);
			valid = false;
		}
	}
	static const struct {
		const char *keyword, *relation;
		int failing_sign, failing_equal;
	} bounds[] = {
		{ "maximum", "greater than the maximum", 1, 0 },
		{ "exclusiveMaximum", "not less than the exclusive maximum", 1, 1 },
		{ "minimum", "less than the minimum", -1, 0 },
		{ "exclusiveMinimum", "not greater than the exclusive minimum", -1, 1 },
	};
	json_t *limits[] = { schema->maximum, schema->exclusive_maximum, schema->minimum, schema->exclusive_minimum };
	for (size_t i = 0; i < 4; i++) {
		if (!limits[i] || (!valid && !errors))
			continue;
		int comparison = number_compare(instance, limits[i]);
		if (comparison == bounds[i].failing_sign || (bounds[i].failing_equal && comparison == 0)) {
			char *limit = describe_value(limits[i]);
			add_error(evaluator, errors, schema, bounds[i].keyword, NULL, "%s is %s %s", SHOWN,
				  bounds[i].relation, limit);
			free(limit);
			valid = false;
		}
	}
#undef SHOWN
	free(shown);
	return valid;
}

static bool evaluate_string(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			    struct error_list *errors)
{
	bool valid = true;
	const char *text = json_string_value(instance);
	size_t bytes = json_string_length(instance);
	if (schema->max_length >= 0 || schema->min_length >= 0) {
		size_t length = utf8_length(text, bytes);
		if (schema->max_length >= 0 && length > (unsigned long long)schema->max_length) {
			char *shown = describe_value(instance);
			add_error(evaluator, errors, schema, "maxLength", NULL,
				  "%s is longer than %lld characters", shown, schema->max_length);
			free(shown);
			valid = false;
		}
		if (schema->min_length >= 0 && length < (unsigned long long)schema->min_length) {
			char *shown = describe_value(instance);
			add_error(evaluator, errors, schema, "minLength", NULL,
				  "%s is shorter than %lld characters", shown, schema->min_length);
			free(shown);
			valid = false;
		}
	}
	if (schema->pattern && (valid || errors) && !pattern_matches(schema->pattern, text, bytes)) {
		char *shown = describe_value(instance);
		add_error(evaluator, errors, schema, "pattern", NULL, "%s does not match pattern '%s'", shown,
			  schema->pattern->source);
		free(shown);
		valid = false;
	}
	return valid;
}

static const struct named_schema *find_property(const struct schema *schema, const char *name)
{
	size_t low = 0, high = schema->property_count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int comparison = strcmp(schema->properties[middle].name, name);
		if (comparison == 0)
			return &schema->properties[middle];
		if (comparison < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

static const char *suggest_name(const struct schema *schema, const char *name)
{
	return schema->known_name_count ? suggest_closest(name, schema->known_names, schema->known_name_count) : NULL;
}

static bool evaluate_object(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			    struct error_list *errors, struct annotations *annotations)
{
	bool valid = true;
	size_t size = json_object_size(instance);
	for (size_t i = 0; i < schema->required_count && (valid || errors); i++) {
		if (!json_object_get(instance, schema->required[i])) {
			add_error(evaluator, errors, schema, "required", NULL, "missing required property '%s'",
				  schema->required[i]);
			valid = false;
		}
	}
	if (schema->max_properties >= 0 && size > (unsigned long long)schema->max_properties) {
		add_error(evaluator, errors, schema, "maxProperties", NULL, "object has %zu properties, at most %lld allowed",
			  size, schema->max_properties);
		valid = false;
	}
	if (schema->min_properties >= 0 && size < (unsigned long long)schema->min_properties) {
		add_error(evaluator, errors, schema, "minProperties", NULL, "object has %zu properties, at least %lld required",
			  size, schema->min_properties);
		valid = false;
	}
	for (size_t i = 0; i < schema->dependent_required_count && (valid || errors); i++) {
		const struct dependent_required *dependency = &schema->dependent_required[i];
		if (!json_object_get(instance, dependency->name))
			continue;
		for (size_t j = 0; j < dependency->count; j++) {
			if (!json_object_get(instance, dependency->required[j])) {
				add_error(evaluator, errors, schema, schema->dependent_required_keyword, NULL,
					  "missing property '%s', required when '%s' is present", dependency->required[j],
					  dependency->name);
				valid = false;
			}
		}
	}
	for (size_t i = 0; i < schema->dependent_schema_count && (valid || errors); i++) {
		const struct named_schema *dependency = &schema->dependent_schemas[i];
		if (json_object_get(instance, dependency->name) &&
		    !evaluate_keyword(evaluator, dependency->schema, instance, errors, annotations,
				      schema->dependent_schemas_keyword, dependency->name))
			valid = false;
	}
	if (!schema->property_count && !schema->pattern_property_count && !schema->additional_properties &&
	    !schema->property_names)
		return valid;
	size_t position = 0;
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)instance, key, value) {
		if (!valid && !errors)
			break;
		bool matched = false;
		const struct named_schema *property = find_property(schema, key);
		if (property) {
			matched = true;
			annotations_mark(annotations, position);
			size_t mark = path_push(&evaluator->keyword_path, "properties");
			pointer_append_token(&evaluator->keyword_path, key);
			if (property->schema->is_boolean && !property->schema->boolean_value) {
				size_t instance_mark = path_push(&evaluator->instance_path, key);
				ALLOC_GROW(evaluator->positions, evaluator->position_count + 1, evaluator->position_alloc);
				evaluator->positions[evaluator->position_count++] = position;
				path_pop(&evaluator->keyword_path, mark);
				add_error(evaluator, errors, schema, "properties", NULL, "property '%s' is not allowed", key);
				if (errors)
					errors->items[errors->count - 1].error.at_property_name = true;
				evaluator->position_count--;
				path_pop(&evaluator->instance_path, instance_mark);
				valid = false;
			} else if (!evaluate_child(evaluator, property->schema, value, key, position, errors)) {
				valid = false;
			}
			path_pop(&evaluator->keyword_path, mark);
		}
		for (size_t i = 0; i < schema->pattern_property_count; i++) {
			const struct pattern_schema *entry = &schema->pattern_properties[i];
			if (!pattern_matches(entry->pattern, key, strlen(key)))
				continue;
			matched = true;
			annotations_mark(annotations, position);
			size_t mark = path_push(&evaluator->keyword_path, "patternProperties");
			pointer_append_token(&evaluator->keyword_path, entry->pattern->source);
			if (!evaluate_child(evaluator, entry->schema, value, key, position, errors))
				valid = false;
			path_pop(&evaluator->keyword_path, mark);
		}
		if (schema->additional_properties && !matched) {
			annotations_mark(annotations, position);
			const struct schema *additional = schema->additional_properties;
			if (additional->is_boolean && !additional->boolean_value) {
				size_t instance_mark = path_push(&evaluator->instance_path, key);
				ALLOC_GROW(evaluator->positions, evaluator->position_count + 1, evaluator->position_alloc);
				evaluator->positions[evaluator->position_count++] = position;
				add_error(evaluator, errors, schema, "additionalProperties", suggest_name(schema, key),
					  "unknown property '%s'", key);
				if (errors)
					errors->items[errors->count - 1].error.at_property_name = true;
				evaluator->position_count--;
				path_pop(&evaluator->instance_path, instance_mark);
				valid = false;
			} else {
				size_t mark = path_push(&evaluator->keyword_path, "additionalProperties");
				if (!evaluate_child(evaluator, additional, value, key, position, errors))
					valid = false;
				path_pop(&evaluator->keyword_path, mark);
			}
		}
		if (schema->property_names) {
			json_t *name = json_stringn(key, strlen(key));
			size_t first = errors ? errors->count : 0;
			size_t mark = path_push(&evaluator->keyword_path, "propertyNames");
			if (!evaluate_child(evaluator, schema->property_names, name, key, position, errors))
				valid = false;
			path_pop(&evaluator->keyword_path, mark);
			for (size_t i = first; errors && i < errors->count; i++) {
				struct schema_error *error = &errors->items[i].error;
				error->at_property_name = true;
				const char *suggestion = suggest_name(schema, key);
				if (!error->suggestion && suggestion)
					error->suggestion = xstrdup(suggestion);
			}
			json_decref(name);
		}
		position++;
	}
	return valid;
}

/* Stable comparison of two errors by where they occur in the instance. */
static int compare_positions(const struct eval_error *a, const struct eval_error *b)
{
	for (size_t i = 0; i < a->depth && i < b->depth; i++)
		if (a->positions[i] != b->positions[i])
			return a->positions[i] < b->positions[i] ? -1 : 1;
	return (a->depth > b->depth) - (a->depth < b->depth);
}

struct hashed_item {
	uint64_t hash;
	size_t index;
};

static int compare_hashed_items(const void *a, const void *b)
{
	const struct hashed_item *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static bool evaluate_array(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			   struct error_list *errors, struct annotations *annotations)
{
	bool valid = true;
	size_t size = json_array_size(instance);
	if (schema->max_items >= 0 && size > (unsigned long long)schema->max_items) {
		add_error(evaluator, errors, schema, "maxItems", NULL, "array has %zu items, at most %lld allowed", size,
			  schema->max_items);
		valid = false;
	}
	if (schema->min_items >= 0 && size < (unsigned long long)schema->min_items) {
		add_error(evaluator, errors, schema, "minItems", NULL, "array has %zu items, at least %lld required", size,
			  schema->min_items);
		valid = false;
	}
	if (schema->unique_items && size > 1 && (valid || errors)) {
		/* sort item indexes by hash, then compare only items whose hashes collide */
		struct hashed_item *hashed = xmalloc(size * sizeof(*hashed));
		for (size_t i = 0; i < size; i++) {
			hashed[i].hash = value_hash(json_array_get(instance, i));
			hashed[i].index = i;
		}
		qsort(hashed, size, sizeof(*hashed), compare_hashed_items);
		size_t duplicate_first = 0, duplicate_second = SIZE_MAX;
		for (size_t start = 0; start < size;) {
			size_t end = start + 1;
			while (end < size && hashed[end].hash == hashed[start].hash)
				end++;
			for (size_t i = start; i < end; i++)
				for (size_t j = i + 1; j < end; j++) {
					size_t low = hashed[i].index, high = hashed[j].index;
					if (high < duplicate_second &&
					    values_equal(json_array_get(instance, low), json_array_get(instance, high))) {
						duplicate_first = low;
						duplicate_second = high;
					}
				}
			start = end;
		}
		free(hashed);
		if (duplicate_second != SIZE_MAX) {
			add_error(evaluator, errors, schema, "uniqueItems", NULL,
				  "items %zu and %zu are equal, items must be unique", duplicate_first, duplicate_second);
			valid = false;
		}
	}
	size_t prefix = schema->prefix_item_count < size ? schema->prefix_item_count : size;
	for (size_t i = 0; i < prefix && (valid || errors); i++) {
		char token[32];
		index_token(token, sizeof(token), i);
		annotations_mark(annotations, i);
		size_t mark = path_push(&evaluator->keyword_path, schema->prefix_items_keyword);
		pointer_append_token(&evaluator->keyword_path, token);
		if (!evaluate_child(evaluator, schema->prefix_items[i], json_array_get(instance, i), token, i, errors))
			valid = false;
		path_pop(&evaluator->keyword_path, mark);
	}
	if (schema->items && size > prefix) {
		if (annotations)
			annotations->all = true;
		size_t mark = path_push(&evaluator->keyword_path, schema->items_keyword);
		for (size_t i = prefix; i < size && (valid || errors); i++) {
			char token[32];
			index_token(token, sizeof(token), i);
			if (schema->items->is_boolean && !schema->items->boolean_value) {
				size_t instance_mark = path_push(&evaluator->instance_path, token);
				ALLOC_GROW(evaluator->positions, evaluator->position_count + 1, evaluator->position_alloc);
				evaluator->positions[evaluator->position_count++] = i;
				path_pop(&evaluator->keyword_path, mark);
				add_error(evaluator, errors, schema, schema->items_keyword, NULL,
					  "array has %zu items, at most %zu allowed", size, prefix);
				evaluator->position_count--;
				path_pop(&evaluator->instance_path, instance_mark);
				valid = false;
				break;
			}
			if (!evaluate_child(evaluator, schema->items, json_array_get(instance, i), token, i, errors))
				valid = false;
		}
		path_pop(&evaluator->keyword_path, mark);
	}
	if (schema->contains && (valid || errors)) {
		size_t matches = 0;
		size_t mark = path_push(&evaluator->keyword_path, "contains");
		for (size_t i = 0; i < size; i++) {
			char token[32];
			index_token(token, sizeof(token), i);
			if (evaluate_child(evaluator, schema->contains, json_array_get(instance, i), token, i, NULL)) {
				matches++;
				annotations_mark(annotations, i);
			}
		}
		path_pop(&evaluator->keyword_path, mark);
		long long minimum = schema->min_contains >= 0 ? schema->min_contains : 1;
		if ((long long)matches < minimum) {
			if (schema->min_contains >= 0)
				add_error(evaluator, errors, schema, "minContains", NULL,
					  "%zu items match 'contains', at least %lld required", matches, minimum);
			else
				add_error(evaluator, errors, schema, "contains", NULL, "no item matches 'contains'");
			valid = false;
		}
		if (schema->max_contains >= 0 && (long long)matches > schema->max_contains) {
			add_error(evaluator, errors, schema, "maxContains", NULL,
				  "%zu items match 'contains', at most %lld allowed", matches, schema->max_contains);
			valid = false;
		}
	}
	return valid;
}

static bool evaluate_unevaluated(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
				 struct error_list *errors, struct annotations *evaluated)
{
	bool valid = true;
	if (json_is_object(instance) && schema->unevaluated_properties) {
		const struct schema *unevaluated = schema->unevaluated_properties;
		size_t position = 0;
		const char *key;
		json_t *value;
		size_t mark = path_push(&evaluator->keyword_path, "unevaluatedProperties");
		json_object_foreach((json_t *)instance, key, value) {
			if (!valid && !errors)
				break;
			if (!annotations_marked(evaluated, position)) {
				if (unevaluated->is_boolean && !unevaluated->boolean_value) {
					size_t instance_mark = path_push(&evaluator->instance_path, key);
					ALLOC_GROW(evaluator->positions, evaluator->position_count + 1,
						   evaluator->position_alloc);
					evaluator->positions[evaluator->position_count++] = position;
					path_pop(&evaluator->keyword_path, mark);
					add_error(evaluator, errors, schema, "unevaluatedProperties", suggest_name(schema, key),
						  "unknown property '%s'", key);
					if (errors)
						errors->items[errors->count - 1].error.at_property_name = true;
					mark = path_push(&evaluator->keyword_path, "unevaluatedProperties");
					evaluator->position_count--;
					path_pop(&evaluator->instance_path, instance_mark);
					valid = false;
				} else if (!evaluate_child(evaluator, unevaluated, value, key, position, errors)) {
					valid = false;
				}
			}
			position++;
		}
		path_pop(&evaluator->keyword_path, mark);
	}
	if (json_is_array(instance) && schema->unevaluated_items) {
		size_t mark = path_push(&evaluator->keyword_path, "unevaluatedItems");
		for (size_t i = 0; i < json_array_size(instance) && (valid || errors); i++) {
			if (annotations_marked(evaluated, i))
				continue;
			char token[32];
			index_token(token, sizeof(token), i);
			if (!evaluate_child(evaluator, schema->unevaluated_items, json_array_get(instance, i), token, i,
					    errors))
				valid = false;
		}
		path_pop(&evaluator->keyword_path, mark);
	}
	return valid;
}

static bool evaluate_in_place(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
			      struct error_list *errors, struct annotations *annotations)
{
	bool valid = true;
	if (schema->ref && !evaluate_keyword(evaluator, schema->ref, instance, errors, annotations, "$ref", NULL))
		valid = false;
	if (schema->ref_overrides_siblings)
		return valid;
	if (schema->dynamic_ref && (valid || errors)) {
		/* a bookended dynamic reference lands on the outermost resource in the dynamic scope
		 * that declares the anchor */
		const struct schema *target = schema->dynamic_ref;
		if (schema->dynamic_anchor_name) {
			for (size_t i = 0; i < evaluator->scope_count; i++) {
				const struct schema_resource *resource = evaluator->scope[i];
				const struct schema *found = NULL;
				for (size_t j = 0; j < resource->dynamic_anchor_count && !found; j++)
					if (strcmp(resource->dynamic_anchors[j].name, schema->dynamic_anchor_name) == 0)
						found = resource->dynamic_anchors[j].schema;
				if (found) {
					target = found;
					break;
				}
			}
		}
		if (!evaluate_keyword(evaluator, target, instance, errors, annotations, "$dynamicRef", NULL))
			valid = false;
	}
	if (schema->type_mask && !type_matches(schema->type_mask, instance)) {
		if (errors) {
			struct strbuf expected;
			strbuf_init(&expected);
			size_t named = 0, total = 0;
			for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++)
				total += (schema->type_mask >> i) & 1;
			for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++) {
				if (!((schema->type_mask >> i) & 1))
					continue;
				if (named > 0)
					strbuf_addstr(&expected, named + 1 == total ? " or " : ", ");
				strbuf_addstr(&expected, type_names[i]);
				named++;
			}
			add_error(evaluator, errors, schema, "type", NULL, "expected %s, got %s", expected.buf,
				  instance_type_name(instance));
			strbuf_release(&expected);
		}
		valid = false;
		if (!errors)
			return false;
	}
	if (schema->const_value && !values_equal(schema->const_value, instance)) {
		if (errors) {
			char *expected = describe_value(schema->const_value);
			char *actual = describe_value(instance);
			add_error(evaluator, errors, schema, "const", NULL, "expected %s, got %s", expected, actual);
			free(expected);
			free(actual);
		}
		valid = false;
	}
	if (schema->enum_values) {
		bool found = false;
		for (size_t i = 0; i < json_array_size(schema->enum_values) && !found; i++)
			found = values_equal(json_array_get(schema->enum_values, i), instance);
		if (!found) {
			if (errors) {
				struct strbuf allowed;
				strbuf_init(&allowed);
				size_t count = json_array_size(schema->enum_values);
				for (size_t i = 0; i < count && i < 12; i++) {
					char *shown = describe_value(json_array_get(schema->enum_values, i));
					strbuf_addf(&allowed, "%s%s", i ? ", " : "", shown);
					free(shown);
				}
				if (count > 12)
					strbuf_addf(&allowed, " and %zu more", count - 12);
				/* a misspelt string gets the closest allowed string as "did you mean" */
				const char *suggestion = NULL;
				if (json_is_string(instance)) {
					const char **strings = xmalloc((count + 1) * sizeof(*strings));
					size_t string_count = 0;
					for (size_t i = 0; i < count; i++)
						if (json_is_string(json_array_get(schema->enum_values, i)))
							strings[string_count++] = json_string_value(json_array_get(schema->enum_values, i));
					suggestion = suggest_closest(json_string_value(instance), strings, string_count);
					free(strings);
				}
				char *actual = describe_value(instance);
				add_error(evaluator, errors, schema, "enum", suggestion, "value %s is not one of %s", actual,
					  allowed.buf);
				free(actual);
				strbuf_release(&allowed);
			}
			valid = false;
		}
	}
	if (!valid && !errors)
		return false;
	if (json_is_number(instance) && !evaluate_number(evaluator, schema, instance, errors))
		valid = false;
	if (json_is_string(instance) && !evaluate_string(evaluator, schema, instance, errors))
		valid = false;
	if (!valid && !errors)
		return false;
	for (size_t i = 0; i < schema->all_of_count && (valid || errors); i++) {
		char token[32];
		index_token(token, sizeof(token), i);
		if (!evaluate_keyword(evaluator, schema->all_of[i], instance, errors, annotations, "allOf", token))
			valid = false;
	}
	if (schema->any_of_count && (valid || errors) &&
	    !evaluate_alternatives(evaluator, schema, instance, errors, annotations, false))
		valid = false;
	if (schema->one_of_count && (valid || errors) &&
	    !evaluate_alternatives(evaluator, schema, instance, errors, annotations, true))
		valid = false;
	if (schema->not_schema && (valid || errors) &&
	    evaluate_keyword(evaluator, schema->not_schema, instance, NULL, NULL, "not", NULL)) {
		add_error(evaluator, errors, schema, "not", NULL, "value must not match the 'not' schema");
		valid = false;
	}
	if (schema->if_schema && (valid || errors)) {
		struct annotations condition_annotations = { .size = annotations ? annotations->size : 0 };
		bool condition = evaluate_keyword(evaluator, schema->if_schema, instance, NULL,
						  annotations ? &condition_annotations : NULL, "if", NULL);
		if (condition)
			annotations_merge(annotations, &condition_annotations);
		free(condition_annotations.marks);
		const struct schema *branch = condition ? schema->then_schema : schema->else_schema;
		if (branch && !evaluate_keyword(evaluator, branch, instance, errors, annotations,
						condition ? "then" : "else", NULL))
			valid = false;
	}
	if (json_is_object(instance) && (valid || errors) &&
	    !evaluate_object(evaluator, schema, instance, errors, annotations))
		valid = false;
	if (json_is_array(instance) && (valid || errors) &&
	    !evaluate_array(evaluator, schema, instance, errors, annotations))
		valid = false;
	return valid;
}

static bool evaluate(struct evaluator *evaluator, const struct schema *schema, const json_t *instance,
		     struct error_list *errors, struct annotations *annotations)
{
	if (schema->is_boolean) {
		if (schema->boolean_value)
			return true;
		add_error(evaluator, errors, schema, "false", NULL, "no value is allowed here");
		return false;
	}
	if (evaluator->depth >= MAX_EVALUATION_DEPTH || evaluator->in_place_depth >= MAX_IN_PLACE_DEPTH) {
		add_error(evaluator, errors, schema, "$ref", NULL,
			  "schema nesting is too deep here (circular reference without progress?)");
		return false;
	}
	evaluator->depth++;
	evaluator->in_place_depth++;
	const struct schema_resource *resource = schema->info->resource;
	bool entered = evaluator->scope_count == 0 || evaluator->scope[evaluator->scope_count - 1] != resource;
	if (entered) {
		ALLOC_GROW(evaluator->scope, evaluator->scope_count + 1, evaluator->scope_alloc);
		evaluator->scope[evaluator->scope_count++] = resource;
	}
	bool tracks_unevaluated = (schema->unevaluated_properties && json_is_object(instance)) ||
				  (schema->unevaluated_items && json_is_array(instance));
	struct annotations local = { .size = container_size(instance) };
	struct annotations *collected = tracks_unevaluated ? &local : annotations;
	bool valid = evaluate_in_place(evaluator, schema, instance, errors, collected);
	if (tracks_unevaluated) {
		if ((valid || errors) && !evaluate_unevaluated(evaluator, schema, instance, errors, &local))
			valid = false;
		/* after unevaluated*, every key or item of this instance counts as evaluated */
		if (annotations && valid)
			annotations->all = true;
		free(local.marks);
	}
	if (entered)
		evaluator->scope_count--;
	evaluator->in_place_depth--;
	evaluator->depth--;
	return valid;
}

/* Merge sort by instance position: stable, so errors at one place keep evaluation order. */
static void sort_errors(struct eval_error *items, size_t count, struct eval_error *scratch)
{
	if (count < 2)
		return;
	size_t half = count / 2;
	sort_errors(items, half, scratch);
	sort_errors(items + half, count - half, scratch);
	size_t left = 0, right = half, out = 0;
	while (left < half && right < count)
		scratch[out++] = compare_positions(&items[right], &items[left]) < 0 ? items[right++] : items[left++];
	while (left < half)
		scratch[out++] = items[left++];
	while (right < count)
		scratch[out++] = items[right++];
	memcpy(items, scratch, count * sizeof(*items));
}

bool schema_validate(const struct schema *schema, const json_t *instance, struct schema_result *result)
{
	struct evaluator evaluator = { 0 };
	strbuf_init(&evaluator.instance_path);
	strbuf_init(&evaluator.keyword_path);
	struct error_list errors = { 0 };
	bool valid = evaluate(&evaluator, schema, instance, result ? &errors : NULL, NULL);
	if (result && errors.count) {
		struct eval_error *scratch = xmalloc(errors.count * sizeof(*scratch));
		sort_errors(errors.items, errors.count, scratch);
		free(scratch);
		ALLOC_GROW(result->errors, result->count + errors.count, result->alloc);
		for (size_t i = 0; i < errors.count; i++) {
			result->errors[result->count++] = errors.items[i].error;
			free(errors.items[i].positions);
		}
		free(errors.items);
	}
	strbuf_release(&evaluator.instance_path);
	strbuf_release(&evaluator.keyword_path);
	free(evaluator.positions);
	free(evaluator.scope);
	return valid;
}
