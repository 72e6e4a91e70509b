/* libFuzzer entry for the plan reader: a DSSE envelope, its canonical payload and the plan's
 * members, then signature verification against a fixed key and the text rendering. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "canonical_json.h"
#include "plan.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct signing_key trusted;
	static int key_ready;
	if (!key_ready) {
		static const unsigned char seed[SIGNING_SEED_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		signing_key_init(&trusted);
		key_ready = signing_key_from_seed(&trusted, seed, NULL) == 0 ? 1 : -1;
	}
	const char *text = (const char *)data;

	/* the layers on their own */
	json_t *parsed = NULL;
	if (canonical_json_parse_canonical(text, size, &parsed, NULL))
		json_decref(parsed);
	struct signing_envelope envelope;
	char *error = NULL;
	if (signing_envelope_parse(&envelope, text, size, &error) == 0) {
		signing_envelope_verify(&envelope, &trusted, key_ready == 1 ? 1 : 0, NULL);
		signing_envelope_release(&envelope);
	}
	free(error);
	error = NULL;

	/* the whole reader, as goosec plan show and goose-run use it */
	json_t *payload = NULL;
	if (plan_read(text, size, &envelope, &payload, &error) == 0) {
		signing_envelope_verify(&envelope, &trusted, key_ready == 1 ? 1 : 0, NULL);
		struct strbuf rendered;
		strbuf_init(&rendered);
		plan_render_text(payload, &rendered);
		strbuf_release(&rendered);
		/* what was read encodes again */
		struct strbuf again;
		strbuf_init(&again);
		plan_encode(payload, NULL, &again);
		strbuf_release(&again);
		json_decref(payload);
		signing_envelope_release(&envelope);
	}
	free(error);
	return 0;
}
