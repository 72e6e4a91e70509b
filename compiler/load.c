/* The loader: YAML (libfyaml events typed with the YAML 1.2 core schema) and strict JSON become
 * jansson trees plus a JSON Pointer -> position table; every rejection is a positioned diagnostic. */
#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

const struct load_limits load_default_limits = {
	.max_file_bytes = (size_t)64 << 20,
	.max_depth = 256,
	.max_expanded_nodes = 4000000,
};

/* Past this many errors in one file the rest is noise: stop reading. */
#define LOAD_MAX_ERRORS 100
/* Longest piece of input quoted in a message. */
#define LOAD_QUOTE_MAX 64

/* ---- position table ---------------------------------------------------------------------- */

/* One value's position. `redirect` is set on aliases and merged keys: their descendants have
 * no entries of their own and are found under the redirect pointer instead (the anchored
 * definition), so an alias costs one entry whatever the size of what it copies. */
struct load_position_entry {
	struct load_position_entry *next;
	uint64_t hash;
	char *redirect;
	struct load_position position;
	size_t pointer_length;
	char pointer[];
};

static uint64_t load_hash(const char *bytes, size_t length)
{
	uint64_t hash = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < length; i++) {
		hash ^= (unsigned char)bytes[i];
		hash *= 1099511628211u;
	}
	return hash;
}

static struct load_position_entry *load_position_find(const struct load_document *document,
						       const char *pointer, size_t length)
{
	if (!document->position_bucket_count)
		return NULL;
	uint64_t hash = load_hash(pointer, length);
	struct load_position_entry *entry = document->position_buckets[hash % document->position_bucket_count];
	for (; entry; entry = entry->next)
		if (entry->hash == hash && entry->pointer_length == length &&
		    memcmp(entry->pointer, pointer, length) == 0)
			return entry;
	return NULL;
}

static void load_position_table_grow(struct load_document *document)
{
	size_t bucket_count = document->position_bucket_count ? document->position_bucket_count * 2 : 1024;
	struct load_position_entry **buckets = xcalloc(bucket_count, sizeof(*buckets));
	for (size_t i = 0; i < document->position_bucket_count; i++) {
		struct load_position_entry *entry = document->position_buckets[i];
		while (entry) {
			struct load_position_entry *next = entry->next;
			entry->next = buckets[entry->hash % bucket_count];
			buckets[entry->hash % bucket_count] = entry;
			entry = next;
		}
	}
	free(document->position_buckets);
	document->position_buckets = buckets;
	document->position_bucket_count = bucket_count;
}

/* Inserts or replaces the entry for `pointer`. */
static void load_position_put(struct load_document *document, const char *pointer, size_t length,
			      const struct load_position *position, const char *redirect)
{
	struct load_position_entry *entry = load_position_find(document, pointer, length);
	if (entry) {
		entry->position = *position;
		free(entry->redirect);
		entry->redirect = redirect ? xstrdup(redirect) : NULL;
		return;
	}
	if (document->position_count >= document->position_bucket_count)
		load_position_table_grow(document);
	entry = xmalloc(sizeof(*entry) + length + 1);
	entry->hash = load_hash(pointer, length);
	entry->redirect = redirect ? xstrdup(redirect) : NULL;
	entry->position = *position;
	entry->pointer_length = length;
	memcpy(entry->pointer, pointer, length);
	entry->pointer[length] = '\0';
	size_t bucket = entry->hash % document->position_bucket_count;
	entry->next = document->position_buckets[bucket];
	document->position_buckets[bucket] = entry;
	document->position_count++;
}

static void load_position_table_clear(struct load_document *document)
{
	for (size_t i = 0; i < document->position_bucket_count; i++) {
		struct load_position_entry *entry = document->position_buckets[i];
		while (entry) {
			struct load_position_entry *next = entry->next;
			free(entry->redirect);
			free(entry);
			entry = next;
		}
	}
	free(document->position_buckets);
	document->position_buckets = NULL;
	document->position_bucket_count = 0;
	document->position_count = 0;
}

/* Exact entry for `pointer`, following the redirect of the nearest ancestor that has one. */
static const struct load_position_entry *load_position_resolve(const struct load_document *document,
								const char *pointer)
{
	const struct load_position_entry *entry = load_position_find(document, pointer, strlen(pointer));
	if (entry || !document->position_count)
		return entry;
	struct strbuf work;
	strbuf_init(&work);
	strbuf_addstr(&work, pointer);
	/* Redirects always point at older definitions, so chains are short; the cap is a guard. */
	for (int hop = 0; hop < 4096 && !entry; hop++) {
		const struct load_position_entry *ancestor = NULL;
		size_t cut = work.len;
		while (cut > 0 && !ancestor) {
			do
				cut--;
			while (cut > 0 && work.buf[cut] != '/');
			ancestor = load_position_find(document, work.buf, cut);
		}
		if (!ancestor || !ancestor->redirect)
			break;
		struct strbuf next;
		strbuf_init(&next);
		strbuf_addstr(&next, ancestor->redirect);
		strbuf_add(&next, work.buf + cut, work.len - cut);
		strbuf_release(&work);
		work = next;
		entry = load_position_find(document, work.buf, work.len);
	}
	strbuf_release(&work);
	return entry;
}

const struct load_position *load_position_at(const struct load_document *document, const char *json_pointer)
{
	const struct load_position_entry *entry = load_position_resolve(document, json_pointer);
	return entry ? &entry->position : NULL;
}

const struct load_position *load_position_nearest(const struct load_document *document, const char *json_pointer)
{
	/* A document that failed to load has no table: answer the start of the file. */
	static const struct load_position file_start = { .line = 1, .col = 1 };
	struct strbuf work;
	strbuf_init(&work);
	strbuf_addstr(&work, json_pointer);
	const struct load_position *position = NULL;
	for (;;) {
		position = load_position_at(document, work.buf);
		if (position || work.len == 0)
			break;
		size_t cut = work.len;
		do
			cut--;
		while (cut > 0 && work.buf[cut] != '/');
		work.len = cut;
		work.buf[cut] = '\0';
	}
	strbuf_release(&work);
	return position ? position : &file_start;
}

/* ---- byte offset -> line and column ------------------------------------------------------ */

/* Columns count code points, so positions are computed from byte offsets by walking the text.
 * Parsers ask in increasing order, so a cursor keeps the total work linear. */
struct load_locator {
	const char *text;
	size_t length;
	size_t start; /* after a byte order mark */
	size_t offset;
	int line, col;
};

static void load_locator_init(struct load_locator *locator, const char *text, size_t length)
{
	locator->text = text;
	locator->length = length;
	locator->start = length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	locator->offset = locator->start;
	locator->line = 1;
	locator->col = 1;
}

static bool load_is_line_break(const unsigned char *text, size_t length, size_t i)
{
	return text[i] == '\n' || (text[i] == '\r' && (i + 1 >= length || text[i + 1] != '\n'));
}

/* Moving back costs the distance moved, like moving forward; only a move back across a line
 * break also rescans the start of the target's line. */
static void load_locate(struct load_locator *locator, size_t offset, int *line, int *col)
{
	if (offset > locator->length)
		offset = locator->length;
	if (offset < locator->start)
		offset = locator->start;
	const unsigned char *text = (const unsigned char *)locator->text;
	if (offset < locator->offset) {
		bool crossed_line = false;
		for (size_t i = locator->offset; i > offset; i--) {
			if (load_is_line_break(text, locator->length, i - 1)) {
				locator->line--;
				crossed_line = true;
			} else if (text[i - 1] != '\r' && (text[i - 1] & 0xC0) != 0x80) {
				locator->col--;
			}
		}
		if (crossed_line) {
			size_t line_start = offset;
			while (line_start > locator->start && !load_is_line_break(text, locator->length, line_start - 1))
				line_start--;
			locator->col = 1;
			for (size_t i = line_start; i < offset; i++)
				if (text[i] != '\r' && (text[i] & 0xC0) != 0x80)
					locator->col++;
		}
	} else {
		for (size_t i = locator->offset; i < offset; i++) {
			if (load_is_line_break(text, locator->length, i)) {
				locator->line++;
				locator->col = 1;
			} else if (text[i] != '\r' && (text[i] & 0xC0) != 0x80) {
				locator->col++;
			}
		}
	}
	locator->offset = offset;
	*line = locator->line;
	*col = locator->col;
}

/* ---- the tree builder shared by both syntaxes ---------------------------------------------- */

enum load_frame_kind {
	LOAD_FRAME_SEQUENCE,
	LOAD_FRAME_MAPPING,
};

/* A mapping merged in with `<<`, applied when the mapping ends so explicit keys win. */
struct load_merge_source {
	json_t *mapping;
	char *pointer;
};

/* An open sequence or mapping. */
struct load_frame {
	enum load_frame_kind kind;
	json_t *container;
	size_t offset;
	size_t pointer_length;    /* this collection's own pointer is pointer.buf[0..pointer_length) */
	size_t next_index;
	bool expecting_value;     /* mappings: a key was read */
	bool discard_value;       /* mappings: the key was refused, drop its value */
	bool value_is_merge;      /* mappings: the key is the merge key `<<` */
	bool merge_seen;
	size_t merge_key_offset;
	char *key;
	size_t key_offset;
	char *anchor;
	size_t node_count;        /* nodes in this subtree, aliases expanded */
	int height;               /* levels of nesting in this subtree, itself included */
	struct load_merge_source *merges;
	size_t merge_count, merge_alloc;
};

struct load_anchor {
	char *name;
	json_t *value;
	char *pointer;            /* where it is defined; NULL when that was not recorded */
	size_t node_count;
	int height;
	char *scalar_text;        /* scalars only: the text, for use as a mapping key */
	bool scalar_is_null;
};

struct load_builder {
	struct load_document *document;
	struct diag_list *diags;
	const struct load_limits *limits;
	struct load_locator locator;
	struct load_frame *frames;
	size_t frame_count, frame_alloc;
	struct strbuf pointer;    /* pointer of the value being read */
	json_t *root;
	bool have_root;
	bool root_is_empty;       /* an empty plain scalar: the document holds nothing */
	size_t node_total;
	size_t discard_level;     /* 1-based frame whose current value is being dropped; 0 if none */
	struct load_anchor *anchors;
	size_t anchor_count, anchor_alloc;
	json_t *anchor_index;     /* name -> index into anchors */
	size_t last_end_offset;
	int error_count;
	bool stopped;             /* a fatal error: read no further */
	bool json;                /* rule ids of shared checks say which syntax was read */
};

static void load_builder_init(struct load_builder *builder, struct load_document *document,
			      struct diag_list *diags, const struct load_limits *limits)
{
	memset(builder, 0, sizeof(*builder));
	builder->document = document;
	builder->diags = diags;
	builder->limits = limits;
	load_locator_init(&builder->locator, document->text, document->text_length);
	strbuf_init(&builder->pointer);
	builder->anchor_index = json_object();
}

static void load_frame_release(struct load_frame *frame)
{
	json_decref(frame->container);
	free(frame->key);
	free(frame->anchor);
	for (size_t i = 0; i < frame->merge_count; i++) {
		json_decref(frame->merges[i].mapping);
		free(frame->merges[i].pointer);
	}
	free(frame->merges);
	memset(frame, 0, sizeof(*frame));
}

static void load_builder_release(struct load_builder *builder)
{
	for (size_t i = 0; i < builder->frame_count; i++)
		load_frame_release(&builder->frames[i]);
	free(builder->frames);
	strbuf_release(&builder->pointer);
	json_decref(builder->root);
	for (size_t i = 0; i < builder->anchor_count; i++) {
		free(builder->anchors[i].name);
		json_decref(builder->anchors[i].value);
		free(builder->anchors[i].pointer);
		free(builder->anchors[i].scalar_text);
	}
	free(builder->anchors);
	json_decref(builder->anchor_index);
}

/* A copy of `text` short enough to quote in a message, cut on a character boundary. */
static char *load_quote(const char *text, size_t length)
{
	if (length <= LOAD_QUOTE_MAX)
		return xstrndup(text, length);
	size_t cut = LOAD_QUOTE_MAX;
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--;
	return xasprintf("%.*s...", (int)cut, text);
}

static struct diag *load_error_at(struct load_builder *builder, size_t offset, const char *rule,
				  const char *format, ...) __attribute__((format(printf, 4, 5)));

static struct diag *load_error_at(struct load_builder *builder, size_t offset, const char *rule,
				  const char *format, ...)
{
	int line, col;
	load_locate(&builder->locator, offset, &line, &col);
	va_list args;
	va_start(args, format);
	char *message = xvasprintf(format, args);
	va_end(args);
	struct diag *diag = diag_add(builder->diags, DIAG_ERROR, rule, builder->document->path, line, col,
				     "%s", message);
	free(message);
	if (++builder->error_count >= LOAD_MAX_ERRORS && !builder->stopped) {
		builder->stopped = true;
		diag = NULL; /* diag_add below moves the list */
		diag_add(builder->diags, DIAG_NOTE, "load-too-many-errors", builder->document->path, line, col,
			 "too many errors; stopped reading this file");
	}
	return diag;
}

static struct load_frame *load_top(struct load_builder *builder)
{
	return builder->frame_count ? &builder->frames[builder->frame_count - 1] : NULL;
}

static bool load_expecting_key(struct load_builder *builder)
{
	struct load_frame *top = load_top(builder);
	return top && top->kind == LOAD_FRAME_MAPPING && !top->expecting_value;
}

static void load_pointer_truncate(struct strbuf *pointer, size_t length)
{
	pointer->len = length;
	pointer->buf[length] = '\0';
}

/* Counts nodes before they are built, so an alias bomb is refused before it costs anything. */
static bool load_count_nodes(struct load_builder *builder, size_t count, size_t offset, const char *alias)
{
	if (count <= builder->limits->max_expanded_nodes &&
	    builder->node_total <= builder->limits->max_expanded_nodes - count) {
		builder->node_total += count;
		return true;
	}
	if (alias)
		load_error_at(builder, offset, "yaml-alias-limit",
			      "alias '*%s' expands the document beyond %zu nodes", alias,
			      builder->limits->max_expanded_nodes);
	else
		load_error_at(builder, offset, "load-too-many-nodes", "document has more than %zu nodes",
			      builder->limits->max_expanded_nodes);
	builder->stopped = true;
	return false;
}

/* Points builder->pointer at the slot the next value fills and records where the value starts. */
static void load_value_start(struct load_builder *builder, size_t offset, const char *redirect)
{
	struct load_position position = { 0 };
	position.offset = offset;
	struct load_frame *top = load_top(builder);
	if (!top) {
		load_locate(&builder->locator, offset, &position.line, &position.col);
		load_pointer_truncate(&builder->pointer, 0);
	} else {
		load_pointer_truncate(&builder->pointer, top->pointer_length);
		if (top->kind == LOAD_FRAME_SEQUENCE) {
			pointer_append_index(&builder->pointer, top->next_index);
			load_locate(&builder->locator, offset, &position.line, &position.col);
		} else {
			pointer_append_token(&builder->pointer, top->key);
			position.has_key = true;
			position.key_offset = top->key_offset;
			load_locate(&builder->locator, top->key_offset, &position.key_line, &position.key_col);
			load_locate(&builder->locator, offset, &position.line, &position.col);
			if (top->discard_value && !builder->discard_level)
				builder->discard_level = builder->frame_count;
		}
	}
	if (!builder->discard_level)
		load_position_put(builder->document, builder->pointer.buf, builder->pointer.len, &position, redirect);
}

static void load_add_merge_source(struct load_frame *frame, json_t *mapping, const char *pointer)
{
	ALLOC_GROW(frame->merges, frame->merge_count + 1, frame->merge_alloc);
	frame->merges[frame->merge_count].mapping = json_incref(mapping);
	frame->merges[frame->merge_count].pointer = xstrdup(pointer);
	frame->merge_count++;
}

/* The value of `<<`: a mapping, or a sequence of mappings (earlier ones win). Takes `value`. */
static void load_take_merge_value(struct load_builder *builder, struct load_frame *frame, json_t *value,
				  size_t offset)
{
	struct strbuf pointer;
	strbuf_init(&pointer);
	strbuf_add(&pointer, builder->pointer.buf, frame->pointer_length);
	pointer_append_token(&pointer, "<<");
	if (json_is_object(value)) {
		load_add_merge_source(frame, value, pointer.buf);
	} else if (json_is_array(value)) {
		size_t index;
		json_t *element;
		bool all_mappings = true;
		json_array_foreach(value, index, element)
			all_mappings = all_mappings && json_is_object(element);
		if (all_mappings) {
			size_t base = pointer.len;
			json_array_foreach(value, index, element) {
				load_pointer_truncate(&pointer, base);
				pointer_append_index(&pointer, index);
				load_add_merge_source(frame, element, pointer.buf);
			}
		} else {
			load_error_at(builder, offset, "yaml-merge-invalid",
				      "merge key '<<' needs a mapping or a sequence of mappings");
		}
	} else {
		load_error_at(builder, offset, "yaml-merge-invalid",
			      "merge key '<<' needs a mapping or a sequence of mappings");
	}
	strbuf_release(&pointer);
	json_decref(value);
}

/* Puts a finished value into its slot. Takes `value`. */
static void load_value_complete(struct load_builder *builder, json_t *value, size_t node_count, int height,
				size_t offset)
{
	struct load_frame *top = load_top(builder);
	if (!top) {
		json_decref(builder->root);
		builder->root = value;
		builder->have_root = true;
		return;
	}
	top->node_count += node_count;
	if (height + 1 > top->height)
		top->height = height + 1;
	if (top->kind == LOAD_FRAME_SEQUENCE) {
		json_array_append_new(top->container, value);
		top->next_index++;
		return;
	}
	bool dropping_here = builder->discard_level == builder->frame_count;
	if (!top->expecting_value) {
		/* a collection used as a key: already reported; its value goes too */
		json_decref(value);
		if (dropping_here)
			builder->discard_level = 0;
		top->expecting_value = true;
		top->discard_value = true;
		top->key_offset = offset;
		free(top->key);
		top->key = xstrdup("");
		return;
	}
	if (top->discard_value)
		json_decref(value);
	else if (top->value_is_merge)
		load_take_merge_value(builder, top, value, offset);
	else if (json_object_set_new(top->container, top->key, value) != 0)
		load_error_at(builder, top->key_offset, "load-invalid-utf8", "mapping key is not valid UTF-8");
	if (dropping_here)
		builder->discard_level = 0;
	top->expecting_value = false;
	top->discard_value = false;
	top->value_is_merge = false;
	free(top->key);
	top->key = NULL;
}

/* Reads a key for the mapping on top. A refused key still takes its value (then dropped). */
static void load_key(struct load_builder *builder, const char *text, size_t length, size_t offset, bool is_merge)
{
	struct load_frame *top = load_top(builder);
	top->expecting_value = true;
	top->key_offset = offset;
	free(top->key);
	if (memchr(text, '\0', length)) {
		load_error_at(builder, offset, "load-control-character", "mapping key contains a NUL character");
		top->key = xstrdup("");
		top->discard_value = true;
		return;
	}
	top->key = xstrndup(text, length);
	if (is_merge) {
		if (top->merge_seen) {
			int first_line, first_col;
			load_locate(&builder->locator, top->merge_key_offset, &first_line, &first_col);
			struct diag *diag = load_error_at(builder, offset, "yaml-duplicate-key",
							  "duplicate key '<<' (first defined at %d:%d)",
							  first_line, first_col);
			if (diag)
				diag_add_related(diag, builder->document->path, first_line, first_col, "first defined here");
			top->discard_value = true;
			return;
		}
		top->merge_seen = true;
		top->merge_key_offset = offset;
		top->value_is_merge = true;
		return;
	}
	if (!json_object_get(top->container, top->key))
		return;
	top->discard_value = true;
	struct strbuf first_pointer;
	strbuf_init(&first_pointer);
	strbuf_add(&first_pointer, builder->pointer.buf, top->pointer_length);
	pointer_append_token(&first_pointer, top->key);
	const struct load_position_entry *first =
		load_position_find(builder->document, first_pointer.buf, first_pointer.len);
	strbuf_release(&first_pointer);
	const char *duplicate_rule = builder->json ? "json-duplicate-key" : "yaml-duplicate-key";
	char *quoted = load_quote(text, length);
	if (first && first->position.has_key) {
		int first_line = first->position.key_line, first_col = first->position.key_col;
		struct diag *diag = load_error_at(builder, offset, duplicate_rule,
						  "duplicate key '%s' (first defined at %d:%d)", quoted, first_line, first_col);
		if (diag)
			diag_add_related(diag, builder->document->path, first_line, first_col, "first defined here");
	} else {
		load_error_at(builder, offset, duplicate_rule, "duplicate key '%s'", quoted);
	}
	free(quoted);
}

/* Opens a sequence or mapping whose position was already recorded (or that is a refused key). */
static void load_push(struct load_builder *builder, enum load_frame_kind kind, size_t offset, const char *anchor)
{
	if (builder->frame_count + 1 > (size_t)builder->limits->max_depth) {
		load_error_at(builder, offset, "load-too-deep", "nesting deeper than %d levels",
			      builder->limits->max_depth);
		builder->stopped = true;
		return;
	}
	ALLOC_GROW(builder->frames, builder->frame_count + 1, builder->frame_alloc);
	struct load_frame *frame = &builder->frames[builder->frame_count++];
	memset(frame, 0, sizeof(*frame));
	frame->kind = kind;
	frame->container = kind == LOAD_FRAME_MAPPING ? json_object() : json_array();
	frame->offset = offset;
	frame->pointer_length = builder->pointer.len;
	frame->anchor = anchor ? xstrdup(anchor) : NULL;
	frame->node_count = 1;
	frame->height = 1;
}

static void load_register_anchor(struct load_builder *builder, const char *name, json_t *value,
				 const char *pointer, size_t node_count, int height,
				 const char *scalar_text, size_t scalar_length, bool scalar_is_null)
{
	ALLOC_GROW(builder->anchors, builder->anchor_count + 1, builder->anchor_alloc);
	struct load_anchor *anchor = &builder->anchors[builder->anchor_count];
	anchor->name = xstrdup(name);
	anchor->value = json_incref(value);
	anchor->pointer = pointer ? xstrdup(pointer) : NULL;
	anchor->node_count = node_count;
	anchor->height = height;
	anchor->scalar_text = scalar_text ? xstrndup(scalar_text, scalar_length) : NULL;
	anchor->scalar_is_null = scalar_is_null;
	/* a later anchor of the same name replaces the earlier one from here on */
	json_object_set_new_nocheck(builder->anchor_index, name, json_integer((json_int_t)builder->anchor_count));
	builder->anchor_count++;
}

/* Closes the collection on top: applies merges, registers its anchor, fills its slot. */
static void load_pop(struct load_builder *builder)
{
	struct load_frame *frame = load_top(builder);
	if (!frame)
		return;
	if (frame->merge_count) {
		struct strbuf target, source;
		strbuf_init(&target);
		strbuf_init(&source);
		struct load_position frame_position = { 0 };
		frame_position.offset = frame->offset;
		load_locate(&builder->locator, frame->offset, &frame_position.line, &frame_position.col);
		for (size_t i = 0; i < frame->merge_count; i++) {
			const char *key;
			json_t *value;
			json_object_foreach(frame->merges[i].mapping, key, value) {
				if (json_object_get(frame->container, key))
					continue;
				json_object_set(frame->container, key, value);
				if (builder->discard_level)
					continue;
				strbuf_reset(&target);
				strbuf_add(&target, builder->pointer.buf, frame->pointer_length);
				pointer_append_token(&target, key);
				strbuf_reset(&source);
				strbuf_addstr(&source, frame->merges[i].pointer);
				pointer_append_token(&source, key);
				const struct load_position_entry *found = load_position_resolve(builder->document, source.buf);
				load_position_put(builder->document, target.buf, target.len,
						  found ? &found->position : &frame_position, source.buf);
			}
		}
		strbuf_release(&target);
		strbuf_release(&source);
	}
	json_t *container = frame->container;
	frame->container = NULL;
	size_t node_count = frame->node_count;
	int height = frame->height;
	size_t offset = frame->offset;
	char *anchor = frame->anchor;
	frame->anchor = NULL;
	load_pointer_truncate(&builder->pointer, frame->pointer_length);
	load_frame_release(frame);
	builder->frame_count--;
	if (builder->discard_level > builder->frame_count)
		builder->discard_level = 0;
	if (anchor)
		load_register_anchor(builder, anchor, container, builder->discard_level ? NULL : builder->pointer.buf,
				     node_count, height, NULL, 0, false);
	free(anchor);
	load_value_complete(builder, container, node_count, height, offset);
}

static void load_finish(struct load_builder *builder, int *status)
{
	if (builder->stopped || builder->error_count > 0)
		*status = -1;
	if (*status == 0 && (!builder->have_root || builder->root_is_empty)) {
		load_error_at(builder, builder->locator.start, "load-empty-document",
			      "empty document: the file holds no value");
		*status = -1;
	}
	if (*status == 0) {
		builder->document->root = builder->root;
		builder->root = NULL;
	} else {
		load_position_table_clear(builder->document);
	}
}

/* ---- input checks -------------------------------------------------------------------------- */

/* Decodes one UTF-8 sequence strictly; returns its length, or 0 when it is invalid. */
static size_t load_utf8_decode(const unsigned char *text, size_t length, uint32_t *code_point)
{
	unsigned char lead = text[0];
	size_t size;
	uint32_t value, minimum;
	if (lead < 0x80) {
		*code_point = lead;
		return 1;
	} else if ((lead & 0xE0) == 0xC0) {
		size = 2, value = lead & 0x1F, minimum = 0x80;
	} else if ((lead & 0xF0) == 0xE0) {
		size = 3, value = lead & 0x0F, minimum = 0x800;
	} else if ((lead & 0xF8) == 0xF0) {
		size = 4, value = lead & 0x07, minimum = 0x10000;
	} else {
		return 0;
	}
	if (size > length)
		return 0;
	for (size_t i = 1; i < size; i++) {
		if ((text[i] & 0xC0) != 0x80)
			return 0;
		value = (value << 6) | (text[i] & 0x3F);
	}
	if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
		return 0;
	*code_point = value;
	return size;
}

/* Valid UTF-8 and no control characters: checked before any parser sees the bytes, which also
 * keeps libfyaml away from input it was never meant to take. YAML forbids what is not
 * c-printable (YAML 1.2 5.1); JSON only the C0 controls outside whitespace (RFC 8259). */
static bool load_check_text(struct load_builder *builder, bool json)
{
	const unsigned char *text = (const unsigned char *)builder->document->text;
	size_t length = builder->document->text_length;
	for (size_t i = builder->locator.start; i < length;) {
		uint32_t code_point;
		size_t size = load_utf8_decode(text + i, length - i, &code_point);
		if (size == 0) {
			load_error_at(builder, i, "load-invalid-utf8", "invalid UTF-8 byte 0x%02X", text[i]);
			builder->stopped = true;
			return false;
		}
		bool control = (code_point < 0x20 && code_point != '\t' && code_point != '\n' && code_point != '\r');
		if (!json)
			control = control || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F && code_point != 0x85) ||
				  code_point == 0xFFFE || code_point == 0xFFFF;
		if (control) {
			if (code_point == 0)
				load_error_at(builder, i, "load-control-character", "NUL byte is not allowed");
			else
				load_error_at(builder, i, "load-control-character",
					      "control character U+%04" PRIX32 " is not allowed", code_point);
			builder->stopped = true;
			return false;
		}
		i += size;
	}
	return true;
}

/* ---- YAML 1.2 core schema -------------------------------------------------------------------- */

enum load_tag {
	LOAD_TAG_NONE,
	LOAD_TAG_NONSPECIFIC, /* `!`: a string, for scalars */
	LOAD_TAG_STR,
	LOAD_TAG_INT,
	LOAD_TAG_FLOAT,
	LOAD_TAG_BOOL,
	LOAD_TAG_NULL,
	LOAD_TAG_MAP,
	LOAD_TAG_SEQ,
	LOAD_TAG_UNKNOWN,
};

static const char *const load_tag_names[] = {
	[LOAD_TAG_STR] = "!!str", [LOAD_TAG_INT] = "!!int", [LOAD_TAG_FLOAT] = "!!float",
	[LOAD_TAG_BOOL] = "!!bool", [LOAD_TAG_NULL] = "!!null", [LOAD_TAG_MAP] = "!!map",
	[LOAD_TAG_SEQ] = "!!seq",
};

enum load_scalar_kind {
	LOAD_SCALAR_NULL,
	LOAD_SCALAR_BOOL,
	LOAD_SCALAR_INT,
	LOAD_SCALAR_FLOAT,
	LOAD_SCALAR_STRING,
};

static bool load_text_is(const char *text, size_t length, const char *word)
{
	return strlen(word) == length && memcmp(text, word, length) == 0;
}

static bool load_text_is_any(const char *text, size_t length, const char *const *words)
{
	for (; *words; words++)
		if (load_text_is(text, length, *words))
			return true;
	return false;
}

static bool load_all_digits(const char *text, size_t length, const char *digits)
{
	if (length == 0)
		return false;
	for (size_t i = 0; i < length; i++)
		if (!strchr(digits, text[i]) || text[i] == '\0')
			return false;
	return true;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool load_is_core_float(const char *text, size_t length)
{
	size_t i = 0, digits = 0;
	if (i < length && (text[i] == '-' || text[i] == '+'))
		i++;
	while (i < length && text[i] >= '0' && text[i] <= '9')
		i++, digits++;
	if (i < length && text[i] == '.') {
		i++;
		size_t fraction = 0;
		while (i < length && text[i] >= '0' && text[i] <= '9')
			i++, fraction++;
		if (digits == 0 && fraction == 0)
			return false;
		digits += fraction;
	}
	if (digits == 0)
		return false;
	if (i < length && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		if (i < length && (text[i] == '-' || text[i] == '+'))
			i++;
		size_t exponent = 0;
		while (i < length && text[i] >= '0' && text[i] <= '9')
			i++, exponent++;
		if (exponent == 0)
			return false;
	}
	return i == length;
}

static const char *const load_null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const load_true_words[] = { "true", "True", "TRUE", NULL };
static const char *const load_false_words[] = { "false", "False", "FALSE", NULL };
static const char *const load_infinity_words[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
						    "-.inf", "-.Inf", "-.INF", NULL };
static const char *const load_nan_words[] = { ".nan", ".NaN", ".NAN", NULL };

static enum load_scalar_kind load_core_kind(const char *text, size_t length)
{
	if (length == 0 || load_text_is_any(text, length, load_null_words))
		return LOAD_SCALAR_NULL;
	if (load_text_is_any(text, length, load_true_words) || load_text_is_any(text, length, load_false_words))
		return LOAD_SCALAR_BOOL;
	size_t sign = text[0] == '-' || text[0] == '+';
	if (load_all_digits(text + sign, length - sign, "0123456789") ||
	    (length > 2 && text[0] == '0' && text[1] == 'o' && load_all_digits(text + 2, length - 2, "01234567")) ||
	    (length > 2 && text[0] == '0' && text[1] == 'x' &&
	     load_all_digits(text + 2, length - 2, "0123456789abcdefABCDEF")))
		return LOAD_SCALAR_INT;
	if (load_is_core_float(text, length) || load_text_is_any(text, length, load_infinity_words) ||
	    load_text_is_any(text, length, load_nan_words))
		return LOAD_SCALAR_FLOAT;
	return LOAD_SCALAR_STRING;
}

/* Parses an integer already matched by load_core_kind; false when it does not fit int64. */
static bool load_parse_integer(const char *text, size_t length, int64_t *result)
{
	bool negative = false;
	unsigned base = 10;
	size_t i = 0;
	if (text[0] == '-' || text[0] == '+')
		negative = text[0] == '-', i = 1;
	else if (length > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'x'))
		base = text[1] == 'o' ? 8 : 16, i = 2;
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t value = 0;
	for (; i < length; i++) {
		char c = text[i];
		unsigned digit = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - 'A' + 10);
		if (value > (limit - digit) / base)
			return false;
		value = value * base + digit;
	}
	*result = negative ? (value == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)value) : (int64_t)value;
	return true;
}

static json_t *load_integer_value(struct load_builder *builder, const char *text, size_t length, size_t offset)
{
	int64_t value;
	if (!load_parse_integer(text, length, &value)) {
		char *quoted = load_quote(text, length);
		load_error_at(builder, offset, "load-number-range",
			      "integer '%s' is outside the signed 64-bit range", quoted);
		free(quoted);
		return NULL;
	}
	return json_integer((json_int_t)value);
}

/* `text` matched the float grammar (or an integer), so strtod reads all of it. */
static json_t *load_real_value(struct load_builder *builder, const char *text, size_t length, size_t offset)
{
	char *copy = xstrndup(text, length);
	double value = strtod(copy, NULL);
	free(copy);
	if (isfinite(value))
		return json_real(value);
	char *quoted = load_quote(text, length);
	load_error_at(builder, offset, "load-number-range", "number '%s' is outside the range of a double", quoted);
	free(quoted);
	return NULL;
}

/* A YAML scalar as a JSON value, typed by its tag or, for plain scalars, by the core schema.
 * Returns NULL after reporting an error. */
static json_t *load_yaml_scalar_value(struct load_builder *builder, const char *text, size_t length, bool plain,
				      enum load_tag tag, size_t offset, bool *is_null)
{
	*is_null = false;
	if (tag == LOAD_TAG_UNKNOWN)
		return NULL;
	if (tag == LOAD_TAG_MAP || tag == LOAD_TAG_SEQ) {
		load_error_at(builder, offset, "yaml-tag-mismatch", "tag '%s' cannot be used on a scalar",
			      load_tag_names[tag]);
		return NULL;
	}
	if (tag == LOAD_TAG_STR || tag == LOAD_TAG_NONSPECIFIC || (tag == LOAD_TAG_NONE && !plain)) {
		json_t *string = json_stringn(text, length);
		if (!string)
			load_error_at(builder, offset, "load-invalid-utf8", "string is not valid UTF-8");
		return string;
	}
	enum load_scalar_kind kind = load_core_kind(text, length);
	bool fits = tag == LOAD_TAG_NONE || (tag == LOAD_TAG_NULL && kind == LOAD_SCALAR_NULL) ||
		    (tag == LOAD_TAG_BOOL && kind == LOAD_SCALAR_BOOL) || (tag == LOAD_TAG_INT && kind == LOAD_SCALAR_INT) ||
		    (tag == LOAD_TAG_FLOAT && (kind == LOAD_SCALAR_FLOAT || kind == LOAD_SCALAR_INT));
	if (!fits) {
		char *quoted = load_quote(text, length);
		load_error_at(builder, offset, "yaml-tag-mismatch", "'%s' is not a valid %s", quoted, load_tag_names[tag]);
		free(quoted);
		return NULL;
	}
	switch (kind) {
	case LOAD_SCALAR_NULL:
		*is_null = true;
		return json_null();
	case LOAD_SCALAR_BOOL:
		return json_boolean(load_text_is_any(text, length, load_true_words));
	case LOAD_SCALAR_INT:
		return tag == LOAD_TAG_FLOAT ? load_real_value(builder, text, length, offset)
					     : load_integer_value(builder, text, length, offset);
	case LOAD_SCALAR_FLOAT:
		if (load_is_core_float(text, length))
			return load_real_value(builder, text, length, offset);
		{
			char *quoted = load_quote(text, length);
			load_error_at(builder, offset, "load-number-range", "'%s' (infinity or NaN) has no JSON representation",
				      quoted);
			free(quoted);
		}
		return NULL;
	case LOAD_SCALAR_STRING:
		break;
	}
	json_t *string = json_stringn(text, length);
	if (!string)
		load_error_at(builder, offset, "load-invalid-utf8", "string is not valid UTF-8");
	return string;
}

/* ---- YAML through libfyaml's event API -------------------------------------------------------- */

static void load_yaml_discard_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag, (void)user, (void)buf, (void)len;
}

static enum load_tag load_yaml_tag(struct load_builder *builder, struct fy_token *tag_token, size_t offset)
{
	if (!tag_token)
		return LOAD_TAG_NONE;
	size_t length = 0;
	const char *resolved = fy_token_get_text(tag_token, &length);
	if (!resolved)
		resolved = "", length = 0;
	static const struct {
		const char *name;
		enum load_tag tag;
	} core_tags[] = {
		{ "!", LOAD_TAG_NONSPECIFIC },
		{ "tag:yaml.org,2002:str", LOAD_TAG_STR },
		{ "tag:yaml.org,2002:int", LOAD_TAG_INT },
		{ "tag:yaml.org,2002:float", LOAD_TAG_FLOAT },
		{ "tag:yaml.org,2002:bool", LOAD_TAG_BOOL },
		{ "tag:yaml.org,2002:null", LOAD_TAG_NULL },
		{ "tag:yaml.org,2002:map", LOAD_TAG_MAP },
		{ "tag:yaml.org,2002:seq", LOAD_TAG_SEQ },
	};
	for (size_t i = 0; i < sizeof(core_tags) / sizeof(core_tags[0]); i++)
		if (load_text_is(resolved, length, core_tags[i].name))
			return core_tags[i].tag;
	size_t handle_length = 0, suffix_length = 0;
	const char *handle = fy_tag_token_handle(tag_token, &handle_length);
	const char *suffix = fy_tag_token_suffix(tag_token, &suffix_length);
	char *written;
	if (handle && suffix && handle_length)
		written = xasprintf("%.*s%.*s", (int)handle_length, handle, (int)suffix_length, suffix);
	else
		written = xasprintf("!<%.*s>", (int)length, resolved);
	char *quoted = load_quote(written, strlen(written));
	load_error_at(builder, offset, "yaml-unknown-tag", "unknown tag '%s'", quoted);
	free(quoted);
	free(written);
	return LOAD_TAG_UNKNOWN;
}

/* Where a node starts: the earliest of its anchor, tag and own token. An empty scalar has no
 * token; it is placed where the previous event ended (just after its key). */
static size_t load_yaml_node_offset(struct load_builder *builder, struct fy_token *anchor, struct fy_token *tag,
				    struct fy_token *main_token)
{
	struct fy_token *tokens[] = { anchor, tag, main_token };
	size_t offset = SIZE_MAX;
	for (size_t i = 0; i < 3; i++) {
		const struct fy_mark *mark = tokens[i] ? fy_token_start_mark(tokens[i]) : NULL;
		if (mark && mark->input_pos < offset)
			offset = mark->input_pos;
	}
	return offset == SIZE_MAX ? builder->last_end_offset : offset;
}

static char *load_yaml_anchor_name(struct fy_token *anchor)
{
	if (!anchor)
		return NULL;
	size_t length = 0;
	const char *text = fy_token_get_text(anchor, &length);
	return text ? xstrndup(text, length) : NULL;
}

/* Decodes the body of a single-quoted scalar (YAML 1.2 7.3.2): '' is a quote; a line break
 * with the white space around it folds to a space, and each empty line to a newline. Done here
 * because libfyaml 0.7.12 leaks a buffer in fy_token_get_text() for such scalars with many ''. */
static void load_yaml_single_quoted(const char *raw, size_t length, struct strbuf *out)
{
	size_t line_start = 0;
	for (size_t i = 0; i < length;) {
		char c = raw[i];
		if (c == '\'' && i + 1 < length && raw[i + 1] == '\'') {
			strbuf_addch(out, '\'');
			i += 2;
		} else if (c == '\n' || c == '\r') {
			while (out->len > line_start && (out->buf[out->len - 1] == ' ' || out->buf[out->len - 1] == '\t'))
				out->len--;
			out->buf[out->len] = '\0';
			size_t empty_lines = 0;
			for (;;) {
				if (i < length && raw[i] == '\r')
					i++;
				if (i < length && raw[i] == '\n')
					i++;
				while (i < length && (raw[i] == ' ' || raw[i] == '\t'))
					i++;
				if (i < length && (raw[i] == '\n' || raw[i] == '\r'))
					empty_lines++;
				else
					break;
			}
			if (empty_lines == 0)
				strbuf_addch(out, ' ');
			for (size_t line = 0; line < empty_lines; line++)
				strbuf_addch(out, '\n');
			line_start = out->len;
		} else {
			strbuf_addch(out, c);
			i++;
		}
	}
}

/* libfyaml marks the body of quoted and block scalars; a value's position is its quote or its
 * block indicator. */
static size_t load_yaml_scalar_start(const struct load_builder *builder, size_t offset, enum fy_scalar_style style)
{
	const char *text = builder->document->text;
	if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && offset > 0 &&
	    text[offset - 1] == (style == FYSS_SINGLE_QUOTED ? '\'' : '"'))
		return offset - 1;
	if (style != FYSS_LITERAL && style != FYSS_FOLDED)
		return offset;
	/* the indicator ends the header line, before any comment: `key: |-2  # note` */
	size_t line_end = offset;
	while (line_end > 0 && text[line_end - 1] != '\n')
		line_end--;
	if (line_end == 0)
		return offset;
	line_end--;
	size_t line_start = line_end;
	while (line_start > 0 && text[line_start - 1] != '\n')
		line_start--;
	size_t end = line_end;
	for (size_t i = line_start; i + 1 < line_end; i++)
		if ((text[i] == ' ' || text[i] == '\t') && text[i + 1] == '#') {
			end = i;
			break;
		}
	while (end > line_start && strchr(" \t\r+-0123456789", text[end - 1]))
		end--;
	if (end > line_start && (text[end - 1] == '|' || text[end - 1] == '>'))
		return end - 1;
	return offset;
}

static void load_yaml_scalar(struct load_builder *builder, struct fy_event *event)
{
	struct fy_token *value_token = event->scalar.value;
	const char *text = NULL;
	size_t length = 0;
	bool plain = true;
	enum fy_scalar_style style = FYSS_PLAIN;
	struct strbuf decoded;
	strbuf_init(&decoded);
	if (value_token) {
		style = fy_token_scalar_style(value_token);
		plain = style == FYSS_PLAIN;
		const struct fy_mark *start = fy_token_start_mark(value_token);
		const struct fy_mark *end = fy_token_end_mark(value_token);
		if (style == FYSS_SINGLE_QUOTED && start && end && start->input_pos <= end->input_pos &&
		    end->input_pos <= builder->document->text_length) {
			load_yaml_single_quoted(builder->document->text + start->input_pos,
						end->input_pos - start->input_pos, &decoded);
			text = decoded.buf;
			length = decoded.len;
		} else {
			text = fy_token_get_text(value_token, &length);
		}
	}
	if (!text)
		text = "", length = 0;
	size_t offset = load_yaml_node_offset(builder, event->scalar.anchor, event->scalar.tag, value_token);
	if (value_token && !event->scalar.anchor && !event->scalar.tag)
		offset = load_yaml_scalar_start(builder, offset, style);
	enum load_tag tag = load_yaml_tag(builder, event->scalar.tag, offset);
	char *anchor = load_yaml_anchor_name(event->scalar.anchor);
	bool is_null = false;
	json_t *value;

	if (load_expecting_key(builder)) {
		/* a key needs a typed value only to check its tag or to serve an alias later */
		if (anchor || tag != LOAD_TAG_NONE) {
			value = load_yaml_scalar_value(builder, text, length, plain, tag, offset, &is_null);
		} else {
			is_null = plain && load_core_kind(text, length) == LOAD_SCALAR_NULL;
			value = is_null ? json_null() : json_true();
		}
		if (!value || is_null) {
			if (is_null)
				load_error_at(builder, offset, "load-key-not-scalar", "mapping key is null");
			load_key(builder, "", 0, offset, false);
			load_top(builder)->discard_value = true;
		} else {
			/* keys are strings: `1: x` and `true: x` use the text as written */
			load_key(builder, text, length, offset, tag == LOAD_TAG_NONE && plain && load_text_is(text, length, "<<"));
		}
		if (anchor && value)
			load_register_anchor(builder, anchor, value, NULL, 1, 0, text, length, is_null);
		json_decref(value);
		free(anchor);
		strbuf_release(&decoded);
		return;
	}

	if (!load_count_nodes(builder, 1, offset, NULL)) {
		free(anchor);
		strbuf_release(&decoded);
		return;
	}
	value = load_yaml_scalar_value(builder, text, length, plain, tag, offset, &is_null);
	if (!value)
		value = json_null();
	if (!builder->frame_count && tag == LOAD_TAG_NONE && plain && length == 0)
		builder->root_is_empty = true;
	load_value_start(builder, offset, NULL);
	if (anchor)
		load_register_anchor(builder, anchor, value, builder->discard_level ? NULL : builder->pointer.buf, 1, 0,
				     text, length, is_null);
	free(anchor);
	load_value_complete(builder, value, 1, 0, offset);
	strbuf_release(&decoded);
}

static void load_yaml_collection_start(struct load_builder *builder, struct fy_event *event,
				       enum load_frame_kind kind)
{
	struct fy_token *anchor_token = kind == LOAD_FRAME_MAPPING ? event->mapping_start.anchor : event->sequence_start.anchor;
	struct fy_token *tag_token = kind == LOAD_FRAME_MAPPING ? event->mapping_start.tag : event->sequence_start.tag;
	struct fy_token *main_token = fy_event_get_token(event);
	size_t offset = load_yaml_node_offset(builder, anchor_token, tag_token, main_token);
	enum load_tag tag = load_yaml_tag(builder, tag_token, offset);
	enum load_tag expected = kind == LOAD_FRAME_MAPPING ? LOAD_TAG_MAP : LOAD_TAG_SEQ;
	if (tag != LOAD_TAG_NONE && tag != LOAD_TAG_NONSPECIFIC && tag != LOAD_TAG_UNKNOWN && tag != expected)
		load_error_at(builder, offset, "yaml-tag-mismatch", "tag '%s' cannot be used on a %s",
			      load_tag_names[tag], kind == LOAD_FRAME_MAPPING ? "mapping" : "sequence");
	if (!load_count_nodes(builder, 1, offset, NULL))
		return;
	if (load_expecting_key(builder)) {
		/* inside a key already refused, more refusals are noise */
		if (!builder->discard_level)
			load_error_at(builder, offset, "load-key-not-scalar", "mapping key must be a scalar, not a %s",
				      kind == LOAD_FRAME_MAPPING ? "mapping" : "sequence");
		load_top(builder)->discard_value = true;
		if (!builder->discard_level)
			builder->discard_level = builder->frame_count;
	} else {
		load_value_start(builder, offset, NULL);
	}
	char *anchor = load_yaml_anchor_name(anchor_token);
	load_push(builder, kind, offset, anchor);
	free(anchor);
}

static void load_yaml_alias(struct load_builder *builder, struct fy_event *event)
{
	struct fy_token *token = event->alias.anchor;
	size_t length = 0;
	const char *text = token ? fy_token_get_text(token, &length) : NULL;
	char *name = xstrndup(text ? text : "", text ? length : 0);
	const struct fy_mark *mark = token ? fy_token_start_mark(token) : NULL;
	size_t offset = mark ? mark->input_pos : builder->last_end_offset;
	/* the token is the anchor name; the alias starts at its '*' */
	if (offset > 0 && offset <= builder->document->text_length && builder->document->text[offset - 1] == '*')
		offset--;
	for (size_t i = 0; i < builder->frame_count; i++) {
		if (builder->frames[i].anchor && strcmp(builder->frames[i].anchor, name) == 0) {
			load_error_at(builder, offset, "yaml-recursive-alias", "alias '*%s' refers to a node that contains it",
				      name);
			builder->stopped = true;
			free(name);
			return;
		}
	}
	json_t *index = json_object_get(builder->anchor_index, name);
	const struct load_anchor *anchor = index ? &builder->anchors[json_integer_value(index)] : NULL;
	if (!anchor) {
		load_error_at(builder, offset, "yaml-undefined-alias", "undefined alias '*%s'", name);
		if (load_expecting_key(builder)) {
			load_key(builder, "", 0, offset, false);
			load_top(builder)->discard_value = true;
		} else if (load_count_nodes(builder, 1, offset, NULL)) {
			load_value_start(builder, offset, NULL);
			load_value_complete(builder, json_null(), 1, 0, offset);
		}
		free(name);
		return;
	}
	if (load_expecting_key(builder)) {
		if (anchor->scalar_text && !anchor->scalar_is_null) {
			load_key(builder, anchor->scalar_text, strlen(anchor->scalar_text), offset, false);
		} else {
			load_error_at(builder, offset, "load-key-not-scalar", "mapping key '*%s' is not a non-null scalar",
				      name);
			load_key(builder, "", 0, offset, false);
			load_top(builder)->discard_value = true;
		}
		free(name);
		return;
	}
	if (builder->frame_count + (size_t)anchor->height > (size_t)builder->limits->max_depth) {
		load_error_at(builder, offset, "load-too-deep", "alias '*%s' makes nesting deeper than %d levels", name,
			      builder->limits->max_depth);
		builder->stopped = true;
	} else if (load_count_nodes(builder, anchor->node_count, offset, name)) {
		load_value_start(builder, offset, anchor->pointer);
		/* shared, not copied: the tree is read-only and the cost was counted above */
		load_value_complete(builder, json_incref(anchor->value), anchor->node_count, anchor->height, offset);
	}
	free(name);
}

static void load_yaml_report_syntax(struct load_builder *builder, struct fy_diag *yaml_diag)
{
	void *iterator = NULL;
	struct fy_diag_error *error;
	int reported = 0;
	while ((error = fy_diag_errors_iterate(yaml_diag, &iterator)) != NULL) {
		if (error->type < FYET_ERROR || !error->msg)
			continue;
		int line, col;
		load_locate(&builder->locator, builder->last_end_offset, &line, &col);
		if (error->line > 0 && error->column > 0)
			line = error->line, col = error->column;
		diag_add(builder->diags, DIAG_ERROR, "yaml-syntax", builder->document->path, line, col, "%s", error->msg);
		builder->error_count++;
		if (++reported >= 10)
			break;
	}
	if (!reported)
		load_error_at(builder, builder->last_end_offset, "yaml-syntax", "invalid YAML");
}

static int load_yaml(struct load_builder *builder)
{
	struct fy_diag_cfg diag_cfg;
	fy_diag_cfg_default(&diag_cfg);
	diag_cfg.fp = NULL;
	diag_cfg.output_fn = load_yaml_discard_output;
	diag_cfg.colorize = false;
	struct fy_diag *yaml_diag = fy_diag_create(&diag_cfg);
	if (!yaml_diag) {
		load_error_at(builder, 0, "load-internal", "cannot start the YAML parser");
		return -1;
	}
	fy_diag_set_collect_errors(yaml_diag, true);
	struct fy_parse_cfg parse_cfg = {
		.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_ALLOW_DUPLICATE_KEYS | FYPCF_JSON_NONE |
			 FYPCF_DEFAULT_VERSION_1_2,
		.diag = yaml_diag,
	};
	struct fy_parser *parser = fy_parser_create(&parse_cfg);
	if (!parser || fy_parser_set_string(parser, builder->document->text, builder->document->text_length) != 0) {
		if (parser)
			fy_parser_destroy(parser);
		fy_diag_destroy(yaml_diag);
		load_error_at(builder, 0, "load-internal", "cannot start the YAML parser");
		return -1;
	}
	int documents = 0;
	bool second_document = false;
	struct fy_event *event;
	while (!builder->stopped && (event = fy_parser_parse(parser)) != NULL) {
		const struct fy_mark *start = fy_event_start_mark(event);
		if (second_document && start) {
			/* an implicit document start has no mark: report at the first thing in it */
			load_error_at(builder, start->input_pos, "yaml-multiple-documents",
				      "a config file holds one document; a second one starts here");
			builder->stopped = true;
			fy_parser_event_free(parser, event);
			break;
		}
		switch (event->type) {
		case FYET_DOCUMENT_START:
			if (++documents > 1)
				second_document = true;
			if (second_document && start) {
				load_error_at(builder, start->input_pos, "yaml-multiple-documents",
					      "a config file holds one document; a second one starts here");
				builder->stopped = true;
			}
			break;
		case FYET_MAPPING_START:
			load_yaml_collection_start(builder, event, LOAD_FRAME_MAPPING);
			break;
		case FYET_SEQUENCE_START:
			load_yaml_collection_start(builder, event, LOAD_FRAME_SEQUENCE);
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			load_pop(builder);
			break;
		case FYET_SCALAR:
			load_yaml_scalar(builder, event);
			break;
		case FYET_ALIAS:
			load_yaml_alias(builder, event);
			break;
		case FYET_STREAM_END:
			if (second_document) {
				load_error_at(builder, builder->last_end_offset, "yaml-multiple-documents",
					      "a config file holds one document; a second one starts here");
				builder->stopped = true;
			}
			break;
		default:
			break;
		}
		const struct fy_mark *end = fy_event_end_mark(event);
		if (end && end->input_pos > builder->last_end_offset)
			builder->last_end_offset = end->input_pos;
		fy_parser_event_free(parser, event);
	}
	if (!builder->stopped && fy_parser_get_stream_error(parser))
		load_yaml_report_syntax(builder, yaml_diag);
	fy_parser_destroy(parser);
	fy_diag_destroy(yaml_diag);
	return builder->stopped || builder->error_count ? -1 : 0;
}

/* ---- strict JSON (RFC 8259), without recursion ------------------------------------------------ */

struct load_json_reader {
	struct load_builder *builder;
	const char *text;
	size_t length;
	size_t at;
};

static void load_json_skip_space(struct load_json_reader *reader)
{
	while (reader->at < reader->length) {
		char c = reader->text[reader->at];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		reader->at++;
	}
}

static void load_json_fail(struct load_json_reader *reader, size_t offset, const char *rule, const char *message)
{
	load_error_at(reader->builder, offset, rule, "%s", message);
	reader->builder->stopped = true;
}

static int load_json_hex4(const char *text, uint32_t *value)
{
	*value = 0;
	for (int i = 0; i < 4; i++) {
		char c = text[i];
		unsigned digit;
		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (unsigned)(c - 'A' + 10);
		else
			return -1;
		*value = (*value << 4) | digit;
	}
	return 0;
}

static void load_utf8_encode(struct strbuf *out, uint32_t code_point)
{
	if (code_point < 0x80) {
		strbuf_addch(out, (char)code_point);
	} else if (code_point < 0x800) {
		strbuf_addch(out, (char)(0xC0 | (code_point >> 6)));
		strbuf_addch(out, (char)(0x80 | (code_point & 0x3F)));
	} else if (code_point < 0x10000) {
		strbuf_addch(out, (char)(0xE0 | (code_point >> 12)));
		strbuf_addch(out, (char)(0x80 | ((code_point >> 6) & 0x3F)));
		strbuf_addch(out, (char)(0x80 | (code_point & 0x3F)));
	} else {
		strbuf_addch(out, (char)(0xF0 | (code_point >> 18)));
		strbuf_addch(out, (char)(0x80 | ((code_point >> 12) & 0x3F)));
		strbuf_addch(out, (char)(0x80 | ((code_point >> 6) & 0x3F)));
		strbuf_addch(out, (char)(0x80 | (code_point & 0x3F)));
	}
}

/* Reads a string starting at its opening quote into `out`; 0, or -1 after reporting. */
static int load_json_string(struct load_json_reader *reader, struct strbuf *out)
{
	size_t start = reader->at++;
	strbuf_reset(out);
	while (reader->at < reader->length) {
		size_t run = reader->at;
		while (reader->at < reader->length && reader->text[reader->at] != '"' && reader->text[reader->at] != '\\' &&
		       (unsigned char)reader->text[reader->at] >= 0x20)
			reader->at++;
		strbuf_add(out, reader->text + run, reader->at - run);
		if (reader->at >= reader->length)
			break;
		char c = reader->text[reader->at];
		if (c == '"') {
			reader->at++;
			return 0;
		}
		if (c != '\\') {
			load_error_at(reader->builder, reader->at, "json-syntax",
				      "control character U+%04X in a string must be escaped", (unsigned)(unsigned char)c);
			reader->builder->stopped = true;
			return -1;
		}
		size_t escape = reader->at;
		if (reader->at + 1 >= reader->length)
			break;
		char kind = reader->text[reader->at + 1];
		reader->at += 2;
		switch (kind) {
		case '"': strbuf_addch(out, '"'); continue;
		case '\\': strbuf_addch(out, '\\'); continue;
		case '/': strbuf_addch(out, '/'); continue;
		case 'b': strbuf_addch(out, '\b'); continue;
		case 'f': strbuf_addch(out, '\f'); continue;
		case 'n': strbuf_addch(out, '\n'); continue;
		case 'r': strbuf_addch(out, '\r'); continue;
		case 't': strbuf_addch(out, '\t'); continue;
		case 'u': break;
		default:
			if ((unsigned char)kind >= 0x20 && (unsigned char)kind < 0x7F)
				load_error_at(reader->builder, escape, "json-syntax", "invalid escape '\\%c'", kind);
			else
				load_error_at(reader->builder, escape, "json-syntax", "invalid escape");
			reader->builder->stopped = true;
			return -1;
		}
		uint32_t unit, low;
		if (reader->at + 4 > reader->length || load_json_hex4(reader->text + reader->at, &unit) != 0) {
			load_json_fail(reader, escape, "json-syntax", "'\\u' needs four hexadecimal digits");
			return -1;
		}
		reader->at += 4;
		if (unit >= 0xD800 && unit <= 0xDBFF && reader->at + 6 <= reader->length &&
		    reader->text[reader->at] == '\\' && reader->text[reader->at + 1] == 'u' &&
		    load_json_hex4(reader->text + reader->at + 2, &low) == 0 && low >= 0xDC00 && low <= 0xDFFF) {
			reader->at += 6;
			unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
		} else if (unit >= 0xD800 && unit <= 0xDFFF) {
			load_json_fail(reader, escape, "json-syntax", "'\\u' escape is an unpaired surrogate");
			return -1;
		}
		load_utf8_encode(out, unit);
	}
	load_json_fail(reader, start, "json-syntax", "unterminated string");
	return -1;
}

static bool load_json_digit(const struct load_json_reader *reader)
{
	return reader->at < reader->length && reader->text[reader->at] >= '0' && reader->text[reader->at] <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? ; integers must fit int64. */
static json_t *load_json_number(struct load_json_reader *reader)
{
	size_t start = reader->at;
	if (reader->text[reader->at] == '-')
		reader->at++;
	if (!load_json_digit(reader)) {
		if (reader->length - reader->at >= 8 && memcmp(reader->text + reader->at, "Infinity", 8) == 0)
			load_json_fail(reader, start, "json-nonfinite", "'Infinity' is not valid JSON");
		else
			load_json_fail(reader, start, "json-syntax", "invalid number: a digit must follow '-'");
		return NULL;
	}
	if (reader->text[reader->at] == '0') {
		reader->at++;
		if (load_json_digit(reader)) {
			load_json_fail(reader, start, "json-leading-zero", "leading zeros are not allowed in numbers");
			return NULL;
		}
	} else {
		while (load_json_digit(reader))
			reader->at++;
	}
	bool integer = true;
	if (reader->at < reader->length && reader->text[reader->at] == '.') {
		integer = false;
		reader->at++;
		if (!load_json_digit(reader)) {
			load_json_fail(reader, start, "json-syntax", "invalid number: digits must follow '.'");
			return NULL;
		}
		while (load_json_digit(reader))
			reader->at++;
	}
	if (reader->at < reader->length && (reader->text[reader->at] == 'e' || reader->text[reader->at] == 'E')) {
		integer = false;
		reader->at++;
		if (reader->at < reader->length && (reader->text[reader->at] == '+' || reader->text[reader->at] == '-'))
			reader->at++;
		if (!load_json_digit(reader)) {
			load_json_fail(reader, start, "json-syntax", "invalid number: digits must follow the exponent");
			return NULL;
		}
		while (load_json_digit(reader))
			reader->at++;
	}
	const char *text = reader->text + start;
	size_t length = reader->at - start;
	json_t *value = integer ? load_integer_value(reader->builder, text, length, start)
				: load_real_value(reader->builder, text, length, start);
	return value ? value : json_null();
}

static bool load_json_word(const struct load_json_reader *reader, const char *word)
{
	size_t length = strlen(word);
	return reader->length - reader->at >= length && memcmp(reader->text + reader->at, word, length) == 0;
}

/* Explains a character where a value or key was expected, naming the non-JSON habit it shows. */
static void load_json_unexpected(struct load_json_reader *reader, bool after_comma)
{
	size_t at = reader->at;
	if (at >= reader->length) {
		load_json_fail(reader, at, "json-syntax", "unexpected end of file");
		return;
	}
	char c = reader->text[at];
	if (c == '/' && at + 1 < reader->length && (reader->text[at + 1] == '/' || reader->text[at + 1] == '*'))
		load_json_fail(reader, at, "json-comment", "comments are not allowed in JSON");
	else if ((c == ']' || c == '}') && after_comma)
		load_json_fail(reader, at, "json-trailing-comma", "trailing comma before the end of the collection");
	else if (c == '\'')
		load_json_fail(reader, at, "json-single-quote", "strings must use double quotes in JSON");
	else if (load_json_word(reader, "NaN") || load_json_word(reader, "Infinity"))
		load_json_fail(reader, at, "json-nonfinite", "NaN and Infinity are not valid JSON");
	else if ((unsigned char)c >= 0x21 && (unsigned char)c < 0x7F) {
		load_error_at(reader->builder, at, "json-syntax", "unexpected character '%c'", c);
		reader->builder->stopped = true;
	} else
		load_json_fail(reader, at, "json-syntax", "unexpected character");
}

static int load_json(struct load_builder *builder)
{
	struct load_json_reader reader = {
		.builder = builder,
		.text = builder->document->text,
		.length = builder->document->text_length,
		.at = builder->locator.start,
	};
	enum { EXPECT_VALUE, EXPECT_KEY, AFTER_VALUE } state = EXPECT_VALUE;
	bool after_comma = false, just_opened = false;
	struct strbuf string;
	strbuf_init(&string);
	load_json_skip_space(&reader);
	if (reader.at >= reader.length) {
		strbuf_release(&string);
		return 0; /* load_finish reports the empty document */
	}
	while (!builder->stopped) {
		load_json_skip_space(&reader);
		struct load_frame *top = load_top(builder);
		if (state == AFTER_VALUE) {
			if (!top) {
				if (reader.at < reader.length) {
					if (load_json_word(&reader, "//") || load_json_word(&reader, "/*"))
						load_json_fail(&reader, reader.at, "json-comment", "comments are not allowed in JSON");
					else
						load_json_fail(&reader, reader.at, "json-syntax",
							       "unexpected content after the JSON value");
				}
				break;
			}
			char close = top->kind == LOAD_FRAME_SEQUENCE ? ']' : '}';
			char c = reader.at < reader.length ? reader.text[reader.at] : '\0';
			if (reader.at < reader.length && c == ',') {
				reader.at++;
				state = top->kind == LOAD_FRAME_SEQUENCE ? EXPECT_VALUE : EXPECT_KEY;
				after_comma = true;
			} else if (reader.at < reader.length && c == close) {
				reader.at++;
				load_pop(builder);
			} else if (reader.at >= reader.length) {
				load_json_fail(&reader, reader.at, "json-syntax", "unexpected end of file");
			} else if (load_json_word(&reader, "//") || load_json_word(&reader, "/*")) {
				load_json_fail(&reader, reader.at, "json-comment", "comments are not allowed in JSON");
			} else {
				load_error_at(builder, reader.at, "json-syntax", "expected ',' or '%c'", close);
				builder->stopped = true;
			}
			continue;
		}
		if (state == EXPECT_KEY) {
			if (reader.at < reader.length && reader.text[reader.at] == '}' && just_opened) {
				reader.at++;
				just_opened = false;
				load_pop(builder);
				state = AFTER_VALUE;
				continue;
			}
			if (reader.at >= reader.length || reader.text[reader.at] != '"') {
				if (reader.at < reader.length && reader.text[reader.at] != '}' && reader.text[reader.at] != '\'' &&
				    reader.text[reader.at] != '/')
					load_json_fail(&reader, reader.at, "json-syntax", "expected a string key");
				else
					load_json_unexpected(&reader, after_comma);
				continue;
			}
			size_t key_offset = reader.at;
			if (load_json_string(&reader, &string) != 0)
				continue;
			load_json_skip_space(&reader);
			if (reader.at >= reader.length || reader.text[reader.at] != ':') {
				load_json_fail(&reader, reader.at, "json-syntax", "expected ':' after the key");
				continue;
			}
			reader.at++;
			load_key(builder, string.buf, string.len, key_offset, false);
			state = EXPECT_VALUE;
			after_comma = just_opened = false;
			continue;
		}
		/* EXPECT_VALUE */
		if (reader.at < reader.length && reader.text[reader.at] == ']' && just_opened && top &&
		    top->kind == LOAD_FRAME_SEQUENCE) {
			reader.at++;
			just_opened = false;
			load_pop(builder);
			state = AFTER_VALUE;
			continue;
		}
		if (reader.at >= reader.length) {
			load_json_unexpected(&reader, after_comma);
			continue;
		}
		size_t offset = reader.at;
		char c = reader.text[reader.at];
		if (c == '{' || c == '[') {
			if (!load_count_nodes(builder, 1, offset, NULL))
				continue;
			load_value_start(builder, offset, NULL);
			load_push(builder, c == '{' ? LOAD_FRAME_MAPPING : LOAD_FRAME_SEQUENCE, offset, NULL);
			reader.at++;
			state = c == '{' ? EXPECT_KEY : EXPECT_VALUE;
			just_opened = true;
			after_comma = false;
			continue;
		}
		json_t *value = NULL;
		if (c == '"') {
			if (load_json_string(&reader, &string) != 0)
				continue;
			value = json_stringn(string.buf, string.len);
			if (!value) {
				load_json_fail(&reader, offset, "load-invalid-utf8", "string is not valid UTF-8");
				continue;
			}
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			value = load_json_number(&reader);
			if (!value)
				continue;
		} else if (load_json_word(&reader, "true")) {
			value = json_true(), reader.at += 4;
		} else if (load_json_word(&reader, "false")) {
			value = json_false(), reader.at += 5;
		} else if (load_json_word(&reader, "null")) {
			value = json_null(), reader.at += 4;
		} else {
			load_json_unexpected(&reader, after_comma);
			continue;
		}
		if (!load_count_nodes(builder, 1, offset, NULL)) {
			json_decref(value);
			continue;
		}
		load_value_start(builder, offset, NULL);
		load_value_complete(builder, value, 1, 0, offset);
		state = AFTER_VALUE;
		after_comma = just_opened = false;
	}
	strbuf_release(&string);
	return builder->stopped || builder->error_count ? -1 : 0;
}

/* ---- entry points ------------------------------------------------------------------------------ */

void load_document_init(struct load_document *document)
{
	memset(document, 0, sizeof(*document));
}

void load_document_release(struct load_document *document)
{
	free(document->path);
	free(document->text);
	json_decref(document->root);
	load_position_table_clear(document);
	load_document_init(document);
}

static int load_compare_entries(const void *left, const void *right)
{
	const struct load_position_entry *a = *(const struct load_position_entry *const *)left;
	const struct load_position_entry *b = *(const struct load_position_entry *const *)right;
	size_t common = a->pointer_length < b->pointer_length ? a->pointer_length : b->pointer_length;
	int order = memcmp(a->pointer, b->pointer, common);
	if (order)
		return order;
	return a->pointer_length < b->pointer_length ? -1 : a->pointer_length > b->pointer_length;
}

void load_document_export_positions(const struct load_document *document, struct strbuf *out)
{
	const struct load_position_entry **entries =
		xcalloc(document->position_count ? document->position_count : 1, sizeof(*entries));
	size_t count = 0;
	for (size_t i = 0; i < document->position_bucket_count; i++)
		for (const struct load_position_entry *entry = document->position_buckets[i]; entry; entry = entry->next)
			entries[count++] = entry;
	qsort(entries, count, sizeof(*entries), load_compare_entries);
	for (size_t i = 0; i < count; i++) {
		const struct load_position_entry *entry = entries[i];
		const struct load_position *p = &entry->position;
		strbuf_addf(out, "%zu:", entry->pointer_length);
		strbuf_add(out, entry->pointer, entry->pointer_length);
		strbuf_addf(out, " %d %d %zu %d %d %zu ", p->line, p->col, p->offset, p->has_key ? p->key_line : 0,
			    p->has_key ? p->key_col : 0, p->has_key ? p->key_offset : (size_t)0);
		if (entry->redirect) {
			strbuf_addf(out, "%zu:", strlen(entry->redirect));
			strbuf_addstr(out, entry->redirect);
		} else {
			strbuf_addstr(out, "-1:");
		}
		strbuf_addch(out, '\n');
	}
	free(entries);
}

/* Reads a decimal number at *cursor followed by `terminator`; false when malformed. */
static bool load_read_number(const char **cursor, const char *end, char terminator, long long minimum, long long *value)
{
	const char *c = *cursor;
	bool negative = c < end && *c == '-';
	if (negative)
		c++;
	if (c >= end || *c < '0' || *c > '9')
		return false;
	long long result = 0;
	while (c < end && *c >= '0' && *c <= '9') {
		if (result > (INT64_MAX - 9) / 10)
			return false;
		result = result * 10 + (*c++ - '0');
	}
	if (c >= end || *c != terminator)
		return false;
	result = negative ? -result : result;
	if (result < minimum)
		return false;
	*value = result;
	*cursor = c + 1;
	return true;
}

int load_document_import(struct load_document *document, const char *path, const char *text, size_t length,
			 json_t *root, const char *positions, size_t positions_length)
{
	load_document_release(document);
	if (!root)
		return -1;
	document->path = xstrdup(path);
	document->text = xstrndup(text, length);
	document->text_length = length;
	const char *cursor = positions, *end = positions + positions_length;
	char *redirect = NULL;
	while (cursor < end) {
		long long pointer_length, numbers[6], redirect_length;
		if (!load_read_number(&cursor, end, ':', 0, &pointer_length) || pointer_length > end - cursor)
			goto malformed;
		const char *pointer = cursor;
		cursor += pointer_length;
		if (cursor >= end || *cursor++ != ' ')
			goto malformed;
		for (int i = 0; i < 6; i++)
			if (!load_read_number(&cursor, end, ' ', 0, &numbers[i]) || numbers[i] > INT32_MAX)
				goto malformed;
		if (!load_read_number(&cursor, end, ':', -1, &redirect_length) || redirect_length > end - cursor)
			goto malformed;
		redirect = redirect_length >= 0 ? xstrndup(cursor, (size_t)redirect_length) : NULL;
		cursor += redirect_length > 0 ? redirect_length : 0;
		if (cursor >= end || *cursor++ != '\n')
			goto malformed;
		struct load_position position = {
			.line = (int)numbers[0],
			.col = (int)numbers[1],
			.offset = (size_t)numbers[2],
			.has_key = numbers[3] > 0,
			.key_line = (int)numbers[3],
			.key_col = (int)numbers[4],
			.key_offset = (size_t)numbers[5],
		};
		load_position_put(document, pointer, (size_t)pointer_length, &position, redirect);
		free(redirect);
		redirect = NULL;
	}
	document->root = json_incref(root);
	return 0;
malformed:
	free(redirect);
	load_document_release(document);
	return -1;
}

static bool load_path_is_json(const char *path)
{
	size_t length = strlen(path);
	if (length < 5)
		return false;
	const char *extension = path + length - 5;
	return extension[0] == '.' && (extension[1] | 0x20) == 'j' && (extension[2] | 0x20) == 's' &&
	       (extension[3] | 0x20) == 'o' && (extension[4] | 0x20) == 'n';
}

/* Parses document->text, which the document already owns. */
static int load_parse(struct load_document *document, enum load_syntax syntax, const struct load_limits *limits,
		      struct diag_list *diags)
{
	if (!limits)
		limits = &load_default_limits;
	bool json = syntax == LOAD_SYNTAX_JSON || (syntax == LOAD_SYNTAX_AUTO && load_path_is_json(document->path));
	struct load_builder builder;
	load_builder_init(&builder, document, diags, limits);
	builder.json = json;
	int status = 0;
	if (document->text_length > limits->max_file_bytes) {
		load_error_at(&builder, 0, "load-file-too-large", "file is larger than %zu bytes", limits->max_file_bytes);
		status = -1;
	} else if (!load_check_text(&builder, json)) {
		status = -1;
	} else {
		status = json ? load_json(&builder) : load_yaml(&builder);
	}
	load_finish(&builder, &status);
	load_builder_release(&builder);
	return status;
}

int load_buffer(const char *display_path, const char *data, size_t length, enum load_syntax syntax,
		const struct load_limits *limits, struct load_document *document, struct diag_list *diags)
{
	load_document_release(document);
	document->path = xstrdup(display_path ? display_path : "<input>");
	document->text = xmalloc(length + 1);
	if (length)
		memcpy(document->text, data, length);
	document->text[length] = '\0';
	document->text_length = length;
	diag_register_source(diags, document->path, document->text, length);
	return load_parse(document, syntax, limits, diags);
}

int load_file(const char *path, enum load_syntax syntax, const struct load_limits *limits,
	      struct load_document *document, struct diag_list *diags)
{
	if (!limits)
		limits = &load_default_limits;
	load_document_release(document);
	document->path = xstrdup(path);
	char *data;
	size_t length;
	if (read_file_bytes(path, limits->max_file_bytes, &data, &length) != 0) {
		if (errno == EFBIG)
			diag_add(diags, DIAG_ERROR, "load-file-too-large", path, 1, 1, "file is larger than %zu bytes",
				 limits->max_file_bytes);
		else
			diag_add(diags, DIAG_ERROR, "load-read-error", path, 0, 0, "cannot read '%s': %s", path,
				 strerror(errno));
		return -1;
	}
	document->text = data;
	document->text_length = length;
	diag_register_source(diags, path, data, length);
	return load_parse(document, syntax, limits, diags);
}
