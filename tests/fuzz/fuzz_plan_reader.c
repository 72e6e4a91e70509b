/* libFuzzer entry for goose-run's plan reader (runner/plan_reader.c), the trust boundary of the
 * runner. An input starting with 'P' is a payload: it is wrapped in a DSSE envelope signed by the
 * one trusted key, so the fuzzer reaches everything after the signature check; any other input
 * is the envelope itself. The reader must refuse with a message or accept a plan whose members
 * the steps rely on are all there, whatever the policy. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan_format.h"
#include "plan_reader.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int64_t fuzz_now = 1795651200;

static void check_accepted(const struct plan_reader_plan *plan)
{
	if (!plan->payload || plan->payload_error || !plan->project || !plan->workflow || !plan->stage ||
	    !json_is_array(plan->steps))
		abort();
	size_t index;
	const json_t *step;
	json_array_foreach(plan->steps, index, step)
		if (!plan_reader_step_id(step) || !plan_format_is_known_action(plan_reader_step_action(step)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct signing_key trusted;
	static int key_ready;
	if (!key_ready) {
		static const unsigned char seed[SIGNING_SEED_SIZE] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
		signing_key_init(&trusted);
		key_ready = signing_key_from_seed(&trusted, seed, NULL) == 0 ? 1 : -1;
		if (key_ready != 1)
			abort();
	}
	bool signed_payload = size > 0 && data[0] == 'P';
	struct strbuf envelope_text;
	strbuf_init(&envelope_text);
	if (signed_payload) {
		if (signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, data + 1, size - 1, &trusted, &envelope_text) != 0)
			abort();
	} else {
		strbuf_add(&envelope_text, data, size);
	}

	struct plan_reader_plan plan;
	plan_reader_init(&plan);
	char *error = NULL;
	if (plan_reader_parse(&plan, envelope_text.buf, envelope_text.len, &error) != 0) {
		if (!error || signed_payload)
			abort(); /* an envelope we signed ourselves always parses */
		free(error);
		plan_reader_release(&plan);
		strbuf_release(&envelope_text);
		return 0;
	}
	if (strncmp(plan.digest, "sha256:", 7) != 0 || strlen(plan.digest) != PLAN_READER_DIGEST_SIZE - 1)
		abort();
	if ((plan.payload == NULL) == (plan.payload_error == NULL))
		abort(); /* either a payload or the reason there is none */

	const struct plan_reader_policy policies[] = {
		{ &trusted, 1, false, false, true, fuzz_now },
		{ &trusted, 1, true, true, true, fuzz_now },
		{ &trusted, 1, false, false, false, fuzz_now },
		{ NULL, 0, true, true, false, fuzz_now },
	};
	for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
		error = NULL;
		enum plan_reader_verdict verdict = plan_reader_verify(&plan, &policies[p], &error);
		if (verdict == PLAN_READER_ACCEPTED) {
			if (error)
				abort();
			check_accepted(&plan);
		} else if (!error) {
			abort();
		}
		/* signed by the trusted key: only the payload itself (or the key it names) can refuse it */
		if (signed_payload && policies[p].trusted_count == 1 && verdict == PLAN_READER_BAD_SIGNATURE &&
		    !json_is_string(json_object_get(json_object_get(plan.payload, "signing_key"), "id")))
			abort();
		if (signed_payload && (verdict == PLAN_READER_UNSIGNED || verdict == PLAN_READER_UNTRUSTED_KEY) &&
		    policies[p].trusted_count == 1)
			abort();
		free(error);
	}
	plan_reader_release(&plan);
	strbuf_release(&envelope_text);
	return 0;
}
