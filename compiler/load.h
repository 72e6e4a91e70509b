/* The loader: one YAML or JSON file becomes a jansson tree plus the source position of every
 * value and every mapping key, addressed by JSON Pointer (RFC 6901).
 *
 * YAML is read with libfyaml's event API and typed with the YAML 1.2 core schema; `.json` files
 * are parsed strictly as JSON. Anything that is not a single well-formed document within the
 * limits becomes a diagnostic with a position; nothing crashes, hangs or exhausts memory.
 *
 * Decisions a caller can rely on:
 * - An empty file, or a document holding only an empty plain scalar (`---` alone), is the error
 *   `load-empty-document`; an explicit `~` or `null` is a null root.
 * - Mapping keys are strings: a scalar key keeps its text as written (`1: x` -> "1",
 *   `true: x` -> "true", `0x1F: x` -> "0x1F"); a null key (`~: x`, `? : x`) or a collection
 *   key is the error `load-key-not-scalar`.
 * - Alias targets are shared (reference-counted), not copied, so the tree is read-only. Their
 *   expansion still counts against max_expanded_nodes and max_depth. Below an alias, positions
 *   are those of the anchored definition; the alias's own value position is the alias.
 * - Keys merged with `<<` take the positions of their definitions; explicit keys win over merged
 *   ones and earlier merged mappings over later ones.
 * - An empty value (`key:`) is placed where its key ends.
 *
 * Ownership: a load_document owns its path copy, text, tree and position table. */
#ifndef GOOSE_LOAD_H
#define GOOSE_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "util.h"

/* Where a value starts (1-based line and column in characters, byte offset from the start of
 * the file); for a value inside a mapping, also where its key starts. */
struct load_position {
	int line, col;
	size_t offset;
	bool has_key;
	int key_line, key_col;
	size_t key_offset;
};

struct load_limits {
	size_t max_file_bytes;       /* larger files are refused */
	int max_depth;               /* nesting of sequences and mappings */
	size_t max_expanded_nodes;   /* nodes after alias expansion: stops alias bombs */
};

/* 64 MiB, depth 256, 4 million nodes */
extern const struct load_limits load_default_limits;

enum load_syntax {
	LOAD_SYNTAX_AUTO,  /* by extension: .json is JSON, anything else YAML */
	LOAD_SYNTAX_YAML,
	LOAD_SYNTAX_JSON,
};

struct load_position_entry;

struct load_document {
	char *path;          /* as given; used in diagnostics */
	char *text;          /* the file's bytes, NUL-terminated */
	size_t text_length;
	json_t *root;        /* NULL when loading failed */
	/* JSON Pointer -> position, a chained hash table; private to load.c */
	struct load_position_entry **position_buckets;
	size_t position_bucket_count, position_count;
};

void load_document_init(struct load_document *document);
void load_document_release(struct load_document *document);

/* Reads and parses `path`. Returns 0 on success; -1 when the file could not be read or parsed,
 * with every problem appended to `diags` (rule ids start with "yaml-", "json-" or "load-").
 * The source text is registered with `diags` for caret display. */
int load_file(const char *path, enum load_syntax syntax, const struct load_limits *limits,
	      struct load_document *document, struct diag_list *diags);

/* The same for bytes already in memory; `display_path` names them in diagnostics. */
int load_buffer(const char *display_path, const char *data, size_t length, enum load_syntax syntax,
		const struct load_limits *limits, struct load_document *document, struct diag_list *diags);

/* The position table in a compact text form, for the cache: one record per entry,
 * "LEN:POINTER LINE COL OFFSET KEY_LINE KEY_COL KEY_OFFSET LEN:REDIRECT\n" (KEY_* 0 when the value
 * has no key; LEN -1 and nothing after the colon for no redirect). Sorted, so equal documents
 * give equal bytes. */
void load_document_export_positions(const struct load_document *document, struct strbuf *out);

/* Fills `document` from a cached result: copies of `path` and `text`, a new reference to `root`,
 * and the positions `load_document_export_positions` wrote. Returns 0, or -1 (document left
 * empty) when `positions` is malformed. */
int load_document_import(struct load_document *document, const char *path, const char *text, size_t length,
			 json_t *root, const char *positions, size_t positions_length);

/* The position of the value at `json_pointer` ("" is the root), or NULL if there is none. */
const struct load_position *load_position_at(const struct load_document *document, const char *json_pointer);

/* The position of the value at `json_pointer` or, if it has none (it does not exist), of the
 * closest ancestor that does. Never NULL for a loaded document. */
const struct load_position *load_position_nearest(const struct load_document *document, const char *json_pointer);

#endif
