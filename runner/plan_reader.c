/* Plan reading for goose-run: envelope, canonical payload, the members steps rely on, then
 * signature, trust and expiry, each refusal with its own verdict so main can pick the exit. */
#include "plan_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "plan_format.h"
#include "crypto.h"
#include "util.h"
#include "banned.h"

void plan_reader_init(struct plan_reader_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	signing_envelope_init(&plan->envelope);
}

void plan_reader_release(struct plan_reader_plan *plan)
{
	signing_envelope_release(&plan->envelope);
	json_decref(plan->payload);
	free(plan->envelope_bytes);
	free(plan->payload_error);
	plan_reader_init(plan);
}

const char *plan_reader_step_id(const json_t *step)
{
	return json_string_value(json_object_get(step, "id"));
}

const char *plan_reader_step_action(const json_t *step)
{
	return json_string_value(json_object_get(step, "action"));
}

int plan_reader_parse(struct plan_reader_plan *plan, const char *data, size_t length, char **error)
{
	plan_reader_release(plan);
	char *reason = NULL;
	if (signing_envelope_parse(&plan->envelope, data, length, &reason) != 0) {
		*error = xasprintf("not a plan envelope: %s", reason);
		free(reason);
		return -1;
	}
	json_t *root = NULL;
	if (strcmp(plan->envelope.payload_type, SIGNING_PLAN_PAYLOAD_TYPE) != 0) {
		reason = xasprintf("payload type is '%s', not '%s'", plan->envelope.payload_type, SIGNING_PLAN_PAYLOAD_TYPE);
	} else if (!canonical_json_parse_canonical(plan->envelope.payload, plan->envelope.payload_length, &root, &reason)) {
		char *detail = reason;
		reason = xasprintf("plan payload: %s", detail);
		free(detail);
	} else if (!plan_format_is_integer_only(root)) {
		reason = xstrdup("plan payload holds a non-integer number");
	} else {
		reason = plan_format_check(root);
	}
	if (reason) {
		json_decref(root);
		root = NULL;
		plan->payload_error = reason;
	}
	plan->payload = root;
	plan->envelope_bytes = xmalloc(length + 1);
	memcpy(plan->envelope_bytes, data, length);
	plan->envelope_bytes[length] = '\0';
	plan->envelope_length = length;
	unsigned char digest[CRYPTO_SHA256_SIZE];
	crypto_sha256(plan->envelope.payload, plan->envelope.payload_length, digest);
	memcpy(plan->digest, "sha256:", 7);
	crypto_hex(digest, sizeof(digest), plan->digest + 7);
	if (!root)
		return 0;
	plan->project = json_string_value(json_object_get(root, "project"));
	plan->workflow = json_string_value(json_object_get(root, "workflow"));
	plan->stage = json_string_value(json_object_get(root, "stage"));
	plan->steps = json_object_get(root, "steps");
	return 0;
}

int plan_reader_load(struct plan_reader_plan *plan, const char *path, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(path, PLAN_READER_MAX_SIZE, &data, &length) != 0) {
		*error = xasprintf("cannot read plan '%s': %s", path, strerror(errno));
		return -1;
	}
	int status = plan_reader_parse(plan, data, length, error);
	free(data);
	return status;
}

enum plan_reader_verdict plan_reader_verify(const struct plan_reader_plan *plan, const struct plan_reader_policy *policy,
					    char **error)
{
	const struct signing_key *signer = NULL;
	enum signing_verdict verdict =
		signing_envelope_verify(&plan->envelope, policy->trusted, policy->trusted_count, &signer);
	switch (verdict) {
	case SIGNING_VERIFIED:
		break;
	case SIGNING_UNSIGNED:
		if (!policy->allow_unsigned) {
			*error = xstrdup("plan is unsigned (pass --allow-unsigned to accept it)");
			return PLAN_READER_UNSIGNED;
		}
		break;
	case SIGNING_UNTRUSTED_KEY:
		*error = xasprintf("plan is signed by an untrusted key '%s' (give its public key with --trust)",
				   plan->envelope.signatures[0].key_id);
		return PLAN_READER_UNTRUSTED_KEY;
	case SIGNING_BAD_SIGNATURE:
	default:
		*error = xstrdup("bad signature: the plan was altered after signing, or the signature is damaged");
		return PLAN_READER_BAD_SIGNATURE;
	}
	if (plan->payload_error) {
		*error = xasprintf("malformed plan: %s", plan->payload_error);
		return PLAN_READER_MALFORMED;
	}
	/* the payload names its key: a signature by another trusted key is not the one the build meant */
	const char *named = json_string_value(json_object_get(json_object_get(plan->payload, "signing_key"), "id"));
	if (signer && named && strcmp(named, signer->key_id) != 0) {
		*error = xasprintf("plan names signing key '%s' but was signed by '%s'", named, signer->key_id);
		return PLAN_READER_BAD_SIGNATURE;
	}
	const json_t *expires = json_object_get(plan->payload, "expires");
	if (!json_is_integer(expires)) {
		if (!policy->allow_no_expiry) {
			*error = xstrdup("plan has no expiry (pass --allow-no-expiry to accept it)");
			return PLAN_READER_NO_EXPIRY;
		}
	} else if (policy->check_expiry && json_integer_value(expires) <= policy->now) {
		*error = xasprintf("plan expired at %lld, now is %lld", (long long)json_integer_value(expires),
				   (long long)policy->now);
		return PLAN_READER_EXPIRED;
	}
	return PLAN_READER_ACCEPTED;
}

int plan_reader_load_trusted_key(const char *path, struct signing_key *key, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(path, 1 << 16, &data, &length) != 0) {
		*error = xasprintf("cannot read trusted key '%s': %s", path, strerror(errno));
		return -1;
	}
	char *reason = NULL;
	int status = signing_key_read_public_pem(key, data, length, &reason);
	free(data);
	if (status != 0) {
		*error = xasprintf("trusted key '%s': %s", path, reason);
		free(reason);
	}
	return status;
}
