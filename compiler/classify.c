/* Classification of files into kinds: seed-layout globs, modelines and `kind:` fields.
 * Pure functions over a small table; the driver decides what a mismatch means. */
#include "classify.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "util.h"
#include "banned.h"

void classify_table_init(struct classify_table *table)
{
	memset(table, 0, sizeof(*table));
}

void classify_table_release(struct classify_table *table)
{
	for (size_t i = 0; i < table->count; i++) {
		struct classify_kind *kind = &table->kinds[i];
		free(kind->name);
		free(kind->schema_file);
		for (size_t j = 0; j < kind->path_count; j++)
			free(kind->paths[j]);
		free(kind->paths);
		free(kind->path_sequence);
	}
	free(table->kinds);
	classify_table_init(table);
}

static void kind_add_path(struct classify_table *table, struct classify_kind *kind, const char *glob)
{
	ALLOC_GROW(kind->paths, kind->path_count + 1, kind->path_alloc);
	ALLOC_GROW(kind->path_sequence, kind->path_count + 1, kind->path_sequence_alloc);
	kind->path_sequence[kind->path_count] = ++table->next_sequence;
	kind->paths[kind->path_count++] = xstrdup(glob);
}

int classify_table_read(struct classify_table *table, const json_t *kinds, char **error)
{
	if (json_is_object(kinds))
		kinds = json_object_get(kinds, "kinds");
	if (!json_is_array(kinds)) {
		*error = xstrdup("kinds table is not an array");
		return -1;
	}
	size_t index;
	const json_t *entry;
	json_array_foreach(kinds, index, entry) {
		const char *name = json_string_value(json_object_get(entry, "kind"));
		const char *schema = json_string_value(json_object_get(entry, "schema"));
		const json_t *paths = json_object_get(entry, "paths");
		if (!name || !schema || (paths && !json_is_array(paths))) {
			*error = xasprintf("kinds table entry %zu needs 'kind', 'schema' and 'paths'", index);
			return -1;
		}
		ALLOC_GROW(table->kinds, table->count + 1, table->alloc);
		struct classify_kind *kind = &table->kinds[table->count++];
		memset(kind, 0, sizeof(*kind));
		kind->name = xstrdup(name);
		kind->schema_file = xstrdup(schema);
		size_t path_index;
		const json_t *path;
		json_array_foreach(paths, path_index, path) {
			if (json_is_string(path))
				kind_add_path(table, kind, json_string_value(path));
		}
	}
	return 0;
}

int classify_table_load_builtin(struct classify_table *table, char **error)
{
	const struct embedded_file *file = embedded_find("schemas/kinds.json");
	if (!file) {
		*error = xstrdup("schemas/kinds.json is not built in");
		return -1;
	}
	json_error_t json_error;
	json_t *kinds = json_loadb((const char *)file->data, file->length, 0, &json_error);
	if (!kinds) {
		*error = xasprintf("schemas/kinds.json:%d:%d: %s", json_error.line, json_error.column, json_error.text);
		return -1;
	}
	int status = classify_table_read(table, kinds, error);
	json_decref(kinds);
	return status;
}

const struct classify_kind *classify_kind_named(const struct classify_table *table, const char *name)
{
	for (size_t i = 0; i < table->count; i++)
		if (strcmp(table->kinds[i].name, name) == 0)
			return &table->kinds[i];
	return NULL;
}

int classify_add_path(struct classify_table *table, const char *kind_name, const char *glob)
{
	for (size_t i = 0; i < table->count; i++) {
		if (strcmp(table->kinds[i].name, kind_name) == 0) {
			kind_add_path(table, &table->kinds[i], glob);
			return 0;
		}
	}
	return -1;
}

/* Matches one segment of a glob (up to '/' or end) against one path segment. */
static bool segment_match(const char *glob, size_t glob_length, const char *segment, size_t segment_length)
{
	char *pattern = xstrndup(glob, glob_length);
	char *text = xstrndup(segment, segment_length);
	bool matched = fnmatch(pattern, text, FNM_PERIOD) == 0;
	free(pattern);
	free(text);
	return matched;
}

static size_t segment_length(const char *s)
{
	const char *slash = strchr(s, '/');
	return slash ? (size_t)(slash - s) : strlen(s);
}

bool classify_glob_match(const char *glob, const char *path)
{
	for (;;) {
		size_t glob_segment = segment_length(glob);
		if (glob_segment == 2 && glob[0] == '*' && glob[1] == '*') {
			const char *rest = glob[2] == '/' ? glob + 3 : glob + 2;
			if (!*rest)
				return true;
			/* `**` takes zero or more whole segments */
			for (const char *candidate = path;;) {
				if (classify_glob_match(rest, candidate))
					return true;
				const char *slash = strchr(candidate, '/');
				if (!slash)
					return false;
				candidate = slash + 1;
			}
		}
		size_t path_segment = segment_length(path);
		if (!segment_match(glob, glob_segment, path, path_segment))
			return false;
		bool glob_done = glob[glob_segment] == '\0', path_done = path[path_segment] == '\0';
		if (glob_done || path_done)
			return glob_done && path_done;
		glob += glob_segment + 1;
		path += path_segment + 1;
	}
}

const struct classify_kind *classify_by_path(const struct classify_table *table, const char *relative_path)
{
	const struct classify_kind *found = NULL;
	size_t found_sequence = 0;
	/* Project globs are added after the built-in ones; the one added last wins. */
	for (size_t i = 0; i < table->count; i++) {
		const struct classify_kind *kind = &table->kinds[i];
		for (size_t j = 0; j < kind->path_count; j++) {
			if (kind->path_sequence[j] > found_sequence && classify_glob_match(kind->paths[j], relative_path)) {
				found = kind;
				found_sequence = kind->path_sequence[j];
			}
		}
	}
	return found;
}

bool classify_in_known_folder(const struct classify_table *table, const char *relative_path)
{
	size_t first = segment_length(relative_path);
	if (relative_path[first] != '/')
		return false; /* a file at the root is known only by its exact name */
	for (size_t i = 0; i < table->count; i++) {
		const struct classify_kind *kind = &table->kinds[i];
		for (size_t j = 0; j < kind->path_count; j++) {
			const char *glob = kind->paths[j];
			size_t glob_first = segment_length(glob);
			if (glob[glob_first] == '/' && glob_first == first && memcmp(glob, relative_path, first) == 0 &&
			    !memchr(glob, '*', glob_first))
				return true;
		}
	}
	return false;
}

char *classify_modeline_schema(const char *text, size_t length)
{
	static const char marker[] = "yaml-language-server:";
	const char *line = text, *end = text + length;
	if (length >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	while (line < end) {
		const char *line_end = memchr(line, '\n', (size_t)(end - line));
		if (!line_end)
			line_end = end;
		const char *c = line;
		while (c < line_end && (*c == ' ' || *c == '\t'))
			c++;
		if (c == line_end) {
			line = line_end + 1;
			continue;
		}
		if (*c != '#')
			return NULL; /* modelines stand in the leading comment block */
		c++;
		while (c < line_end && (*c == ' ' || *c == '\t'))
			c++;
		size_t rest = (size_t)(line_end - c);
		if (rest > sizeof(marker) - 1 && memcmp(c, marker, sizeof(marker) - 1) == 0) {
			c += sizeof(marker) - 1;
			while (c < line_end && (*c == ' ' || *c == '\t'))
				c++;
			if ((size_t)(line_end - c) > 8 && memcmp(c, "$schema=", 8) == 0) {
				c += 8;
				const char *value_end = c;
				while (value_end < line_end && *value_end != ' ' && *value_end != '\t' && *value_end != '\r')
					value_end++;
				if (value_end > c)
					return xstrndup(c, (size_t)(value_end - c));
			}
		}
		line = line_end + 1;
	}
	return NULL;
}

const struct classify_kind *classify_by_schema_reference(const struct classify_table *table, const char *reference)
{
	const char *base = strrchr(reference, '/');
	base = base ? base + 1 : reference;
	for (size_t i = 0; i < table->count; i++)
		if (strcmp(table->kinds[i].schema_file, base) == 0)
			return &table->kinds[i];
	return NULL;
}
