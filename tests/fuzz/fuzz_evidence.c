/* libFuzzer entry for evidence bundles: the zstd frame, the line layout, every record, the
 * envelope and the statement, then the signature against a fixed key; a bundle that decodes is
 * rendered and encoded again, and the re-encoded bytes must decode to the same items.
 * An input starting with 'T' is the decompressed text: it is compressed first, so mutations
 * reach the records instead of stopping at zstd's checksum. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "evidence.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the key the seed corpus is signed with (tests/fuzz/corpus/evidence/README) */
	static struct signing_key trusted;
	static int key_ready;
	if (!key_ready) {
		static const unsigned char seed[SIGNING_SEED_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		signing_key_init(&trusted);
		key_ready = signing_key_from_seed(&trusted, seed, NULL) == 0 ? 1 : -1;
	}
	struct strbuf compressed;
	strbuf_init(&compressed);
	if (size > 0 && data[0] == 'T') {
		size_t bound = ZSTD_compressBound(size - 1);
		char *frame = xmalloc(bound);
		size_t written = ZSTD_compress(frame, bound, data + 1, size - 1, 1);
		if (!ZSTD_isError(written))
			strbuf_add(&compressed, frame, written);
		free(frame);
		data = (const uint8_t *)compressed.buf;
		size = compressed.len;
	}
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	char *error = NULL;
	enum evidence_verdict verdict =
		evidence_bundle_verify(&bundle, data, size, &trusted, key_ready == 1 ? 1 : 0, NULL, &error);
	if (verdict != EVIDENCE_VERIFIED && !error)
		abort(); /* every refusal has a reason */
	free(error);
	error = NULL;
	if (verdict == EVIDENCE_MALFORMED) {
		evidence_bundle_release(&bundle);
		strbuf_release(&compressed);
		return 0;
	}
	struct strbuf text;
	strbuf_init(&text);
	evidence_bundle_render(&bundle, &text);
	strbuf_release(&text);
	/* what decoded encodes again, and that decodes to the same items */
	struct strbuf again;
	strbuf_init(&again);
	if (evidence_bundle_encode(&bundle, NULL, &again, &error) == 0) {
		struct evidence_bundle copy;
		evidence_bundle_init(&copy);
		char *copy_error = NULL;
		if (evidence_bundle_decode(&copy, again.buf, again.len, &copy_error) != 0 || copy.item_count != bundle.item_count)
			abort();
		for (size_t i = 0; i < copy.item_count; i++)
			if (strcmp(copy.items[i].sha256, bundle.items[i].sha256) != 0 || strcmp(copy.items[i].name, bundle.items[i].name) != 0)
				abort();
		evidence_bundle_release(&copy);
	}
	free(error);
	strbuf_release(&again);
	evidence_bundle_release(&bundle);
	strbuf_release(&compressed);
	return 0;
}
