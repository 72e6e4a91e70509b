/* Plan reading for goose-run: envelope, canonical payload, the members steps rely on, then
 * signature, trust and expiry, each refusal with its own verdict so main can pick the exit. */
#include "plan_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "crypto.h"
#include "util.h"
#include "banned.h"

static const char *const known_actions[] = {
	"stage.validate", "snapshot.create", "snapshot.restore", "loadtest.run", "http.check",
	"sbom.scan", "evidence.collect", "stage.promote", "exec", "monitoring.update", NULL,
};

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

static bool is_known_action(const char *action)
{
	for (size_t i = 0; action && known_actions[i]; i++)
		if (strcmp(known_actions[i], action) == 0)
			return true;
	return false;
}

static bool is_integer_only(const json_t *value)
{
	if (json_is_real(value))
		return false;
	if (json_is_array(value)) {
		for (size_t i = 0; i < json_array_size(value); i++)
			if (!is_integer_only(json_array_get(value, i)))
				return false;
	} else if (json_is_object(value)) {
		const char *key;
		json_t *member;
		json_object_foreach((json_t *)value, key, member)
			if (!is_integer_only(member))
				return false;
	}
	return true;
}

static bool is_safe_id(const char *id)
{
	if (!id || !*id || strlen(id) > 128)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_' || *c == '.'))
			return false;
	return true;
}

/* The members the runner relies on; NULL when the payload has them all. */
static char *check_shape(const json_t *payload)
{
	if (!json_is_object(payload))
		return xstrdup("plan payload is not a JSON object");
	const json_t *format = json_object_get(payload, "format");
	if (!json_is_integer(format) || json_integer_value(format) != PLAN_READER_FORMAT_VERSION)
		return xasprintf("unsupported plan format (expected 'format': %d)", PLAN_READER_FORMAT_VERSION);
	const char *workflow = json_string_value(json_object_get(payload, "workflow"));
	if (!workflow || (strcmp(workflow, "loadtest") != 0 && strcmp(workflow, "promote") != 0 &&
			  strcmp(workflow, "rollback") != 0))
		return xstrdup("'workflow' must be 'loadtest', 'promote' or 'rollback'");
	if (!is_safe_id(json_string_value(json_object_get(payload, "stage"))))
		return xstrdup("'stage' must be a plain name");
	const json_t *from_stage = json_object_get(payload, "from_stage");
	if (from_stage && !json_is_null(from_stage) && !is_safe_id(json_string_value(from_stage)))
		return xstrdup("'from_stage' must be a plain name or null");
	if (!json_is_string(json_object_get(payload, "project")))
		return xstrdup("'project' must be a string");
	const json_t *inputs = json_object_get(payload, "inputs");
	if (!json_is_object(inputs))
		return xstrdup("'inputs' must be an object of file digests");
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)inputs, key, value)
		if (!json_is_string(value) || json_string_length(value) != 64)
			return xasprintf("input '%s' has no SHA-256 digest", key);
	const json_t *expires = json_object_get(payload, "expires");
	if (!json_is_integer(expires) && !json_is_null(expires))
		return xstrdup("'expires' must be seconds since the epoch or null");
	const json_t *expected = json_object_get(payload, "expected_state");
	const char *state_check = json_string_value(json_object_get(payload, "state_check"));
	if (!json_is_object(expected) && !json_is_null(expected))
		return xstrdup("'expected_state' must be an object or null");
	if (!state_check || (strcmp(state_check, "exact") != 0 && strcmp(state_check, "first-seen") != 0) ||
	    (strcmp(state_check, "exact") == 0) != json_is_object(expected))
		return xstrdup("'state_check' must be 'exact' with an expected state, or 'first-seen' without one");
	json_object_foreach((json_t *)expected, key, value) {
		const json_t *digest = json_object_get(value, "release_digest");
		if (!is_safe_id(key) || !json_is_integer(json_object_get(value, "generation")) ||
		    json_integer_value(json_object_get(value, "generation")) < 0 || (!json_is_string(digest) && !json_is_null(digest)))
			return xasprintf("expected state of '%s' needs a generation and a release digest or null", key);
	}
	const json_t *steps = json_object_get(payload, "steps");
	if (!json_is_array(steps))
		return xstrdup("'steps' must be an array");
	size_t index;
	const json_t *step;
	json_array_foreach(steps, index, step) {
		const char *id = plan_reader_step_id(step);
		const char *action = plan_reader_step_action(step);
		if (!is_safe_id(id) || !json_is_object(json_object_get(step, "args")))
			return xasprintf("step %zu: needs a plain 'id' and 'args'", index + 1);
		if (!is_known_action(action))
			return xasprintf("step '%s': unknown action '%s'", id, action ? action : "(none)");
		for (size_t earlier = 0; earlier < index; earlier++)
			if (strcmp(plan_reader_step_id(json_array_get(steps, earlier)), id) == 0)
				return xasprintf("step id '%s' is used twice", id);
	}
	const json_t *gates = json_object_get(payload, "gates");
	if (gates && !json_is_object(gates) && !json_is_null(gates))
		return xstrdup("'gates' must be an object");
	json_object_foreach((json_t *)gates, key, value)
		if (!json_is_object(value) || !json_is_string(json_object_get(value, "checked_before")))
			return xasprintf("gate '%s' needs 'checked_before'", key);
	return NULL;
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
	} else if (!is_integer_only(root)) {
		reason = xstrdup("plan payload holds a non-integer number");
	} else {
		reason = check_shape(root);
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
