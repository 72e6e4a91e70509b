/* Classification: which kind of artifact a file is, from its path in the seed layout, a
 * `# yaml-language-server: $schema=` modeline, or an explicit top-level `kind:` field.
 *
 * The kind table comes from schemas/kinds.json (embedded); a project adds path globs for kinds in
 * goose.yaml. Ownership: a classify_table owns all its strings. */
#ifndef GOOSE_CLASSIFY_H
#define GOOSE_CLASSIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct classify_kind {
	char *name;        /* "Stage" */
	char *schema_file; /* "stage.schema.json", relative to schemas/ */
	char **paths;      /* globs relative to the tree root, e.g. "golden-goose/stages/STAR.yaml" */
	size_t *path_sequence; /* when each glob was added: the latest match wins */
	size_t path_count, path_alloc, path_sequence_alloc;
};

struct classify_table {
	struct classify_kind *kinds;
	size_t count, alloc;
	size_t next_sequence;
};

void classify_table_init(struct classify_table *table);
void classify_table_release(struct classify_table *table);

/* Reads a kinds table: a JSON array (or {"kinds": [...]}) of {kind, schema, paths}. 0 or -1
 * with *error (malloc'd). */
int classify_table_read(struct classify_table *table, const json_t *kinds, char **error);

/* The embedded schemas/kinds.json. */
int classify_table_load_builtin(struct classify_table *table, char **error);

const struct classify_kind *classify_kind_named(const struct classify_table *table, const char *name);

/* Adds a glob for a kind (goose.yaml's extra paths). -1 when the kind is unknown. */
int classify_add_path(struct classify_table *table, const char *kind_name, const char *glob);

/* The kind whose globs match `relative_path` ('/'-separated, relative to the tree root); NULL when
 * none does. Later-added globs win, so a project can reassign a seed path. */
const struct classify_kind *classify_by_path(const struct classify_table *table, const char *relative_path);

/* True when `relative_path` lies under a folder the seed layout owns (the first segment of any
 * glob of the table): such a file must classify, never be silently skipped. */
bool classify_in_known_folder(const struct classify_table *table, const char *relative_path);

/* The schema a `# yaml-language-server: $schema=VALUE` modeline names, from the comment lines at
 * the top of `text`; NULL when there is none. Caller frees. */
char *classify_modeline_schema(const char *text, size_t length);

/* The kind a modeline's schema reference names, matched on the schema file name at its end
 * (".../stage.schema.json" names Stage); NULL when it is not one of ours. */
const struct classify_kind *classify_by_schema_reference(const struct classify_table *table, const char *reference);

/* Glob match on '/'-separated paths: `*` and `?` stay within a segment, `**` spans any number of
 * segments (zero included), `[...]` is a character class. */
bool classify_glob_match(const char *glob, const char *path);

#endif
