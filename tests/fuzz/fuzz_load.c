/* libFuzzer entry for the loader: the same bytes are loaded as YAML and as JSON, then a few
 * positions are looked up. Any crash, hang, leak or sanitizer report is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "load.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_load_as(const uint8_t *data, size_t size, enum load_syntax syntax)
{
	/* smaller limits than the defaults keep every run fast without hiding any code path */
	struct load_limits limits = load_default_limits;
	limits.max_expanded_nodes = 100000;
	struct load_document document;
	struct diag_list diags;
	load_document_init(&document);
	diag_list_init(&diags);
	if (load_buffer("fuzz", (const char *)data, size, syntax, &limits, &document, &diags) == 0) {
		static const char *const pointers[] = { "", "/a", "/0", "/a/0", "/0/a/b", "/<<", "/~0/~1", "/a/b/c/d" };
		for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
			load_position_at(&document, pointers[i]);
			load_position_nearest(&document, pointers[i]);
		}
		/* the first key of the root and of its first member, wherever they come from */
		if (json_is_object(document.root) && json_object_size(document.root)) {
			void *iterator = json_object_iter(document.root);
			const char *key = json_object_iter_key(iterator);
			struct strbuf pointer;
			strbuf_init(&pointer);
			pointer_append_token(&pointer, key);
			load_position_nearest(&document, pointer.buf);
			pointer_append_index(&pointer, 0);
			load_position_nearest(&document, pointer.buf);
			strbuf_release(&pointer);
		}
	}
	load_document_release(&document);
	diag_list_release(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_load_as(data, size, LOAD_SYNTAX_YAML);
	fuzz_load_as(data, size, LOAD_SYNTAX_JSON);
	return 0;
}
