/* Discovery, classification and the parallel load + validate phase over a config tree.
 * Workers share only read-only state (kind table, compiled schemas); each file has its own
 * diagnostics list, merged in file order afterwards so output never depends on scheduling. */
#include "project.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "util.h"
#include "banned.h"

#define SCHEMA_BASE_URI "https://goosec.dev/schemas/"
#define MAX_TREE_DEPTH 32

/* Folders that hold outputs or runs, never config, though they sit under seed folders. */
static const char *const output_folders[] = { "build", "load-test/reports" };

void project_init(struct project *project)
{
	memset(project, 0, sizeof(*project));
	classify_table_init(&project->kinds);
}

void project_release(struct project *project)
{
	for (size_t i = 0; i < project->file_count; i++) {
		free(project->files[i].path);
		free(project->files[i].relative_path);
		load_document_release(&project->files[i].document);
	}
	free(project->files);
	free(project->kind_schemas);
	cache_close(&project->cache);
	free(project->salt);
	if (project->schemas)
		schema_registry_free(project->schemas);
	classify_table_release(&project->kinds);
	free(project->root);
	project_init(project);
}

int project_prepare(struct project *project, struct diag_list *diags)
{
	char *error = NULL;
	if (classify_table_load_builtin(&project->kinds, &error) != 0) {
		diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "%s", error);
		free(error);
		return -1;
	}
	/* The cache salt: the version and every built-in file (schemas, kind table, meta-schemas). */
	struct strbuf salt;
	strbuf_init(&salt);
	strbuf_addf(&salt, "goosec %s\n", GOOSE_VERSION);
	for (size_t i = 0; i < embedded_file_count; i++) {
		strbuf_addf(&salt, "%s %zu\n", embedded_files[i].path, embedded_files[i].length);
		strbuf_add(&salt, embedded_files[i].data, embedded_files[i].length);
	}
	project->salt = strbuf_detach(&salt, &project->salt_length);
	project->schemas = schema_registry_new();
	/* register every built-in schema first, so they may refer to each other */
	for (size_t i = 0; i < embedded_file_count; i++) {
		const struct embedded_file *file = &embedded_files[i];
		if (!project_is_kind_schema_path(file->path))
			continue;
		const char *name = file->path + strlen("schemas/");
		json_error_t json_error;
		json_t *document = json_loadb((const char *)file->data, file->length, 0, &json_error);
		char *uri = xasprintf(SCHEMA_BASE_URI "%s", name);
		if (!document || schema_registry_add(project->schemas, document, uri, &error) != 0) {
			diag_add(diags, DIAG_ERROR, "internal", file->path, document ? 0 : json_error.line,
				 document ? 0 : json_error.column, "built-in schema is broken: %s",
				 document ? error : json_error.text);
			free(error);
			error = NULL;
		}
		json_decref(document);
		free(uri);
	}
	project->kind_schemas = xcalloc(project->kinds.count ? project->kinds.count : 1, sizeof(*project->kind_schemas));
	int status = 0;
	for (size_t i = 0; i < project->kinds.count; i++) {
		char *uri = xasprintf(SCHEMA_BASE_URI "%s", project->kinds.kinds[i].schema_file);
		project->kind_schemas[i] = schema_compile(project->schemas, uri, &error);
		if (!project->kind_schemas[i]) {
			diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "built-in schema '%s' does not compile: %s",
				 project->kinds.kinds[i].schema_file, error ? error : "unknown error");
			free(error);
			error = NULL;
			status = -1;
		}
		free(uri);
	}
	return status;
}

bool project_is_kind_schema_path(const char *path)
{
	static const char suffix[] = ".schema.json";
	size_t length = strlen(path);
	return strncmp(path, "schemas/", 8) == 0 && !strchr(path + 8, '/') && length > 8 + sizeof(suffix) - 1 &&
	       strcmp(path + length - (sizeof(suffix) - 1), suffix) == 0;
}

void project_use_cache(struct project *project, const char *directory)
{
	cache_close(&project->cache);
	cache_open(&project->cache, directory, project->salt ? project->salt : "", project->salt_length);
}

static bool is_config_file_name(const char *name)
{
	size_t length = strlen(name);
	return (length > 5 && strcmp(name + length - 5, ".yaml") == 0) ||
	       (length > 4 && strcmp(name + length - 4, ".yml") == 0) ||
	       (length > 5 && strcmp(name + length - 5, ".json") == 0);
}

static bool is_output_folder(const char *relative_path)
{
	for (size_t i = 0; i < sizeof(output_folders) / sizeof(output_folders[0]); i++)
		if (strcmp(relative_path, output_folders[i]) == 0)
			return true;
	return false;
}

static void add_file(struct project *project, const char *path, const char *relative_path)
{
	ALLOC_GROW(project->files, project->file_count + 1, project->file_alloc);
	struct project_file *file = &project->files[project->file_count++];
	memset(file, 0, sizeof(*file));
	file->path = xstrdup(path);
	file->relative_path = xstrdup(relative_path);
	file->kind = classify_by_path(&project->kinds, relative_path);
	load_document_init(&file->document);
}

static int walk(struct project *project, const char *directory, const char *relative, int depth, struct diag_list *diags)
{
	if (depth > MAX_TREE_DEPTH) {
		diag_add(diags, DIAG_WARNING, "project-too-deep", directory, 0, 0,
			 "folders nested deeper than %d levels are not searched", MAX_TREE_DEPTH);
		return 0;
	}
	DIR *dir = opendir(directory);
	if (!dir) {
		diag_add(diags, DIAG_ERROR, "load-read-error", directory, 0, 0, "cannot open folder: %s", strerror(errno));
		return -1;
	}
	struct dirent *entry;
	int status = 0;
	while ((entry = readdir(dir)) != NULL) {
		const char *name = entry->d_name;
		if (name[0] == '.' || strcmp(name, "node_modules") == 0)
			continue;
		char *path = strcmp(directory, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", directory, name);
		char *child_relative = *relative ? xasprintf("%s/%s", relative, name) : xstrdup(name);
		struct stat info;
		/* lstat: a symlinked folder could loop or leave the tree */
		if (lstat(path, &info) == 0) {
			if (S_ISDIR(info.st_mode)) {
				if (!is_output_folder(child_relative))
					status |= walk(project, path, child_relative, depth + 1, diags);
			} else if (S_ISREG(info.st_mode) && is_config_file_name(name)) {
				if (classify_by_path(&project->kinds, child_relative) ||
				    classify_in_known_folder(&project->kinds, child_relative))
					add_file(project, path, child_relative);
			}
		}
		free(path);
		free(child_relative);
	}
	closedir(dir);
	return status;
}

static int compare_files(const void *left, const void *right)
{
	return strcmp(((const struct project_file *)left)->relative_path,
		      ((const struct project_file *)right)->relative_path);
}

/* goose.yaml may add path globs per kind (`extra_paths: {Dashboard: [...]}`); they must be known
 * before the walk classifies anything. Problems with the file itself are reported when it is
 * loaded with the others, so this pre-read keeps its own diagnostics to itself. */
static void read_extra_paths(struct project *project, const char *root, struct diag_list *diags)
{
	char *path = strcmp(root, ".") == 0 ? xstrdup("goose.yaml") : xasprintf("%s/goose.yaml", root);
	struct diag_list scratch;
	diag_list_init(&scratch);
	struct load_document document;
	load_document_init(&document);
	if (access(path, F_OK) == 0 &&
	    load_file(path, LOAD_SYNTAX_YAML, &load_default_limits, &document, &scratch) == 0) {
		json_t *extra = json_object_get(document.root, "extra_paths");
		const char *kind_name;
		json_t *globs;
		json_object_foreach(extra, kind_name, globs) {
			struct strbuf pointer;
			strbuf_init(&pointer);
			strbuf_addstr(&pointer, "/extra_paths");
			pointer_append_token(&pointer, kind_name);
			size_t index;
			json_t *glob;
			json_array_foreach(globs, index, glob) {
				if (!json_is_string(glob) || classify_add_path(&project->kinds, kind_name, json_string_value(glob)) == 0)
					continue;
				const struct load_position *position = load_position_nearest(&document, pointer.buf);
				const char **names = xmalloc((project->kinds.count + 1) * sizeof(*names));
				for (size_t i = 0; i < project->kinds.count; i++)
					names[i] = project->kinds.kinds[i].name;
				struct diag *diag = diag_add(diags, DIAG_ERROR, "classify-unknown-kind", path,
							     position->has_key ? position->key_line : position->line,
							     position->has_key ? position->key_col : position->col,
							     "unknown kind '%s' in extra_paths", kind_name);
				const char *closest = suggest_closest(kind_name, names, project->kinds.count);
				if (closest)
					diag_set_hint(diag, "did you mean '%s'?", closest);
				free(names);
				break;
			}
			strbuf_release(&pointer);
		}
	}
	load_document_release(&document);
	diag_list_release(&scratch);
	free(path);
}

int project_discover(struct project *project, const char *root, struct diag_list *diags)
{
	free(project->root);
	project->root = xstrdup(root);
	struct stat info;
	if (stat(root, &info) != 0 || !S_ISDIR(info.st_mode)) {
		diag_add(diags, DIAG_ERROR, "load-read-error", root, 0, 0, "not a folder");
		return -1;
	}
	read_extra_paths(project, root, diags);
	int status = walk(project, root, "", 0, diags);
	if (project->file_count > 1)
		qsort(project->files, project->file_count, sizeof(*project->files), compare_files);
	return status;
}

struct project_file *project_file_at(const struct project *project, const char *relative_path)
{
	struct project_file key = { .relative_path = (char *)relative_path };
	return bsearch(&key, project->files, project->file_count, sizeof(*project->files), compare_files);
}

static const struct schema *schema_of_kind(const struct project *project, const struct classify_kind *kind)
{
	return project->kind_schemas ? project->kind_schemas[kind - project->kinds.kinds] : NULL;
}

/* An explicit `kind:` field or modeline overrides the path; an unknown one is an error. */
static void classify_loaded(const struct project *project, struct project_file *file, struct diag_list *diags)
{
	const json_t *kind_field = json_object_get(file->document.root, "kind");
	if (json_is_string(kind_field)) {
		const char *name = json_string_value(kind_field);
		const struct classify_kind *kind = classify_kind_named(&project->kinds, name);
		if (kind) {
			file->kind = kind;
			return;
		}
		const struct load_position *position = load_position_nearest(&file->document, "/kind");
		const char **names = xmalloc(project->kinds.count * sizeof(*names));
		for (size_t i = 0; i < project->kinds.count; i++)
			names[i] = project->kinds.kinds[i].name;
		struct diag *diag = diag_add(diags, DIAG_ERROR, "classify-unknown-kind", file->path, position->line,
					     position->col, "unknown kind '%s'", name);
		const char *closest = suggest_closest(name, names, project->kinds.count);
		if (closest)
			diag_set_hint(diag, "did you mean '%s'?", closest);
		free(names);
		file->kind = NULL;
		return;
	}
	char *modeline = classify_modeline_schema(file->document.text, file->document.text_length);
	if (modeline) {
		const struct classify_kind *kind = classify_by_schema_reference(&project->kinds, modeline);
		if (kind)
			file->kind = kind;
		free(modeline);
	}
	if (!file->kind) {
		struct diag *diag = diag_add(diags, DIAG_ERROR, "classify-unknown-file", file->path, 1, 1,
					     "file is under a goosec folder but matches no kind");
		diag_set_hint(diag, "move it, add a top-level 'kind:' field, or add its path to a kind in goose.yaml");
	}
}

/* Turns validation errors into diagnostics at the instance's source positions. */
void project_report_schema_errors(const struct load_document *document, const struct schema_result *result,
				  struct diag_list *diags)
{
	for (size_t i = 0; i < result->count; i++) {
		const struct schema_error *error = &result->errors[i];
		const struct load_position *position = load_position_nearest(document, error->instance_path);
		int line = position ? position->line : 0, col = position ? position->col : 0;
		if (position && error->at_property_name && position->has_key) {
			line = position->key_line;
			col = position->key_col;
		}
		struct strbuf rule;
		strbuf_init(&rule);
		strbuf_addstr(&rule, "schema-");
		for (const char *c = error->keyword ? error->keyword : "invalid"; *c; c++) {
			if (*c == '$')
				continue;
			if (*c >= 'A' && *c <= 'Z') {
				strbuf_addch(&rule, '-');
				strbuf_addch(&rule, (char)(*c - 'A' + 'a'));
			} else {
				strbuf_addch(&rule, *c);
			}
		}
		struct diag *diag = diag_add(diags, DIAG_ERROR, rule.buf, document->path, line, col, "%s", error->message);
		if (error->suggestion)
			diag_set_hint(diag, "did you mean '%s'?", error->suggestion);
		strbuf_release(&rule);
	}
}

static void parse_and_validate(struct project *project, struct project_file *file, const char *data, size_t length,
			       struct diag_list *diags)
{
	if (load_buffer(file->path, data, length, LOAD_SYNTAX_AUTO, &load_default_limits, &file->document, diags) != 0)
		return;
	file->loaded = true;
	classify_loaded(project, file, diags);
	if (!file->kind)
		return;
	const struct schema *schema = schema_of_kind(project, file->kind);
	if (!schema)
		return;
	struct schema_result result;
	schema_result_init(&result);
	file->valid = schema_validate(schema, file->document.root, &result);
	if (!file->valid)
		project_report_schema_errors(&file->document, &result, diags);
	schema_result_release(&result);
}

/* Loads one file, through the cache when it is on. Returns true when a cache entry was written. */
static bool load_one(struct project *project, struct project_file *file, struct diag_list *diags)
{
	char *data;
	size_t length;
	if (read_file_bytes(file->path, load_default_limits.max_file_bytes, &data, &length) != 0) {
		/* let the loader word the failure */
		load_file(file->path, LOAD_SYNTAX_AUTO, &load_default_limits, &file->document, diags);
		return false;
	}
	char key[65];
	const char *kind_by_path = file->kind ? file->kind->name : "";
	bool stored = false;
	if (project->cache.directory) {
		cache_key(&project->cache, data, length, kind_by_path, key);
		struct cache_result cached = { 0 };
		if (cache_lookup(&project->cache, key, file->path, data, length, &file->document, &cached, diags)) {
			file->loaded = cached.loaded;
			file->valid = cached.valid;
			file->kind = cached.kind ? classify_kind_named(&project->kinds, cached.kind) : NULL;
			free(cached.kind);
			free(data);
			return false;
		}
		/* a miss: run the pipeline into a list of this file's own, then remember it */
		struct diag_list own;
		diag_list_init(&own);
		parse_and_validate(project, file, data, length, &own);
		struct cache_result result = { .kind = file->kind ? file->kind->name : NULL, .loaded = file->loaded,
					       .valid = file->valid };
		cache_store(&project->cache, key, &file->document, &result, &own);
		stored = true;
		diag_list_take(diags, &own);
		diag_list_release(&own);
	} else {
		parse_and_validate(project, file, data, length, diags);
	}
	free(data);
	return stored;
}

struct load_work {
	struct project *project;
	struct diag_list *file_diags; /* one list per file */
	atomic_size_t next;
	atomic_bool stored;           /* some cache entry was written: prune afterwards */
};

static void *load_worker(void *argument)
{
	struct load_work *work = argument;
	for (;;) {
		size_t index = atomic_fetch_add(&work->next, 1);
		if (index >= work->project->file_count)
			return NULL;
		if (load_one(work->project, &work->project->files[index], &work->file_diags[index]))
			atomic_store(&work->stored, true);
	}
}

size_t project_load(struct project *project, unsigned threads, struct diag_list *diags)
{
	if (!project->file_count)
		return 0;
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (unsigned)cores : 1;
	}
	if (threads > project->file_count)
		threads = (unsigned)project->file_count;
	if (threads > 64)
		threads = 64;
	struct load_work work = { .project = project };
	atomic_init(&work.next, 0);
	atomic_init(&work.stored, false);
	work.file_diags = xcalloc(project->file_count, sizeof(*work.file_diags));
	pthread_t workers[64];
	unsigned started = 0;
	/* the calling thread works too; extra threads only when there is more than one file */
	for (unsigned i = 1; i < threads; i++) {
		if (pthread_create(&workers[started], NULL, load_worker, &work) == 0)
			started++;
	}
	load_worker(&work);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	size_t failed = 0;
	for (size_t i = 0; i < project->file_count; i++) {
		diag_list_take(diags, &work.file_diags[i]);
		diag_list_release(&work.file_diags[i]);
		failed += !(project->files[i].loaded && project->files[i].valid);
	}
	free(work.file_diags);
	if (atomic_load(&work.stored)) {
		/* bounded: a few generations of this tree, never less than a working set */
		size_t bound = project->file_count * 4;
		cache_prune(&project->cache, bound < 1024 ? 1024 : bound);
	}
	return failed;
}
