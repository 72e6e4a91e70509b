/* The front end over a whole config tree: find the files, classify them, then load and
 * schema-validate all of them on every core. Later stages (model, resolve, lint, emit) start
 * from a loaded project and never touch the file system again.
 *
 * Ownership: a project owns its files, documents, kind table and compiled schemas. */
#ifndef GOOSE_PROJECT_H
#define GOOSE_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "classify.h"
#include "diag.h"
#include "jsonschema.h"
#include "load.h"

struct project_file {
	char *path;          /* as opened and as shown in diagnostics */
	char *relative_path; /* '/'-separated, relative to the tree root */
	const struct classify_kind *kind; /* NULL until classified; stays NULL for unknown files */
	struct load_document document;
	bool loaded;         /* parsed into document.root */
	bool valid;          /* and valid against its kind's schema */
};

struct project {
	char *root;
	struct classify_table kinds;
	struct schema_registry *schemas;
	const struct schema **kind_schemas; /* parallel to kinds.kinds; NULL where compiling failed */
	struct project_file *files;         /* sorted by relative_path */
	size_t file_count, file_alloc;
	struct cache cache;                 /* off unless project_use_cache was called */
	char *salt;                         /* what besides a file's bytes decides its result */
	size_t salt_length;
};

void project_init(struct project *project);
void project_release(struct project *project);

/* Builds the kind table and compiles every kind's schema. 0, or -1 with diagnostics. */
int project_prepare(struct project *project, struct diag_list *diags);

/* Keeps per-file results under `directory` (usually ROOT/.goosec-cache) between runs. Call
 * after project_prepare. Results are identical with and without the cache. */
void project_use_cache(struct project *project, const char *directory);

/* Finds every YAML and JSON file of the tree at `root` that goosec owns: `goose.yaml` at the root
 * and every file under a folder of the seed layout (hidden folders and outputs are skipped). */
int project_discover(struct project *project, const char *root, struct diag_list *diags);

/* Loads, classifies and validates every discovered file on `threads` threads (0: one per core).
 * Diagnostics are appended in file order, whatever the scheduling. Returns the number of files
 * that failed to load or validate. */
size_t project_load(struct project *project, unsigned threads, struct diag_list *diags);

/* Turns schema validation errors into diagnostics at the document's source positions (the key's
 * position for errors about a property name), with "did you mean" hints. */
void project_report_schema_errors(const struct load_document *document, const struct schema_result *result,
				  struct diag_list *diags);

/* True for "schemas/NAME.schema.json": an embedded kind schema (not a meta-schema). */
bool project_is_kind_schema_path(const char *path);

/* The file at `relative_path`, or NULL. */
struct project_file *project_file_at(const struct project *project, const char *relative_path);

#endif
