/* Test helper: signs a plan payload for the runner's end-to-end tests. Reads JSON (any
 * layout), writes its canonical form inside a DSSE envelope, signed with a goosec keygen key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canonical_json.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: plan_sign KEY.key|--unsigned PAYLOAD.json > PLAN\n", stderr);
		return 2;
	}
	json_error_t parse_error;
	json_t *payload = json_load_file(argv[2], JSON_REJECT_DUPLICATES, &parse_error);
	if (!payload) {
		fprintf(stderr, "plan_sign: '%s': %s\n", argv[2], parse_error.text);
		return 1;
	}
	struct signing_key key;
	signing_key_init(&key);
	bool sign = strcmp(argv[1], "--unsigned") != 0;
	if (sign) {
		char *pem, *error = NULL;
		size_t length;
		if (read_file_bytes(argv[1], 1 << 16, &pem, &length) != 0 ||
		    signing_key_read_private_pem(&key, pem, length, &error) != 0) {
			fprintf(stderr, "plan_sign: cannot read key '%s': %s\n", argv[1], error ? error : "unreadable");
			return 1;
		}
		free(pem);
		/* the payload names its signer, as goosec build writes it */
		json_object_set_new(payload, "signing_key", json_pack("{s:s,s:s}", "name", "test", "id", key.key_id));
	}
	size_t length;
	char *canonical = canonical_json_dumps(payload, &length);
	struct strbuf envelope;
	strbuf_init(&envelope);
	int status = canonical && signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, canonical, length, sign ? &key : NULL,
							  &envelope) == 0 ? 0 : 1;
	if (status == 0)
		fwrite(envelope.buf, 1, envelope.len, stdout);
	strbuf_release(&envelope);
	free(canonical);
	json_decref(payload);
	signing_key_release(&key);
	return status;
}
