/* libFuzzer entry for `goosec check rules FILE` (compiler/rulefile.c), which reads any plain
 * Prometheus rule file: the input is written to a file and checked, and the diagnostics are
 * rendered as text (with the quoted source line and caret), JSON and SARIF. An input starting
 * with 'T' is instead one label or annotation value: checked as a Go template, and every
 * `$labels.NAME` (or `index $labels "NAME"`) it reads must lie inside the text. Every diagnostic has a
 * rule id and a message, errors are counted as returned, and positions are 1-based or 0. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "rulefile.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct template_text {
	const char *text;
	size_t length;
};

static void label_found(const char *name, size_t length, size_t offset, void *context)
{
	const struct template_text *template = context;
	/* `index $labels "NAME"` may name any string, even "": only where it lies is certain */
	if (offset + length > template->length || name != template->text + offset)
		abort();
}

static void fuzz_template(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char message[512];
	message[0] = '\0';
	if (rulefile_check_template(text, message, sizeof(message)) != 0 && (!message[0] || !memchr(message, '\0', sizeof(message))))
		abort();
	struct template_text template = { text, strlen(text) };
	rulefile_template_labels(text, label_found, &template);
	free(text);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	char in_memory[] = "/dev/shm/goose-fuzz-rules-XXXXXX", on_disk[] = "/tmp/goose-fuzz-rules-XXXXXX";
	const char *directory = mkdtemp(in_memory);
	if (!directory && !(directory = mkdtemp(on_disk)))
		return;
	char *path = xasprintf("%s/rules.yaml", directory);
	FILE *file = fopen(path, "wb");
	if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0)
		abort();
	struct diag_list diags;
	diag_list_init(&diags);
	size_t errors = rulefile_check(path, &diags);
	if (errors != diag_count(&diags, DIAG_ERROR))
		abort();
	for (size_t i = 0; i < diags.count; i++)
		if (!diags.items[i].rule || !*diags.items[i].rule || !diags.items[i].message || diags.items[i].line < 0 ||
		    diags.items[i].col < 0)
			abort();
	FILE *sink = fopen("/dev/null", "w");
	if (sink) {
		static const enum diag_format formats[] = { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_SARIF };
		for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
			struct diag_render_options options = { formats[f], f == 0, true, "0.0.0" };
			if (diag_render(sink, &diags, &options) != 0)
				abort();
		}
		fclose(sink);
	}
	diag_list_release(&diags);
	unlink(path);
	free(path);
	rmdir(directory);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 18))
		return 0;
	if (size > 0 && data[0] == 'T')
		fuzz_template(data + 1, size - 1);
	else
		fuzz_file(data, size);
	return 0;
}
