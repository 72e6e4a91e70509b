/* The shape of a plan payload, checked the same way by the compiler and the runner. */
#include "plan_format.h"

#include <string.h>

#include "util.h"
#include "banned.h"

const char *const plan_format_actions[] = {
	"stage.validate", "snapshot.create", "snapshot.restore", "loadtest.run", "http.check",
	"sbom.scan", "evidence.collect", "stage.promote", "exec", "monitoring.update", NULL,
};

bool plan_format_is_known_action(const char *action)
{
	for (size_t i = 0; action && plan_format_actions[i]; i++)
		if (strcmp(plan_format_actions[i], action) == 0)
			return true;
	return false;
}

bool plan_format_is_integer_only(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_REAL:
		return false;
	case JSON_ARRAY:
		for (size_t i = 0; i < json_array_size(value); i++)
			if (!plan_format_is_integer_only(json_array_get(value, i)))
				return false;
		return true;
	case JSON_OBJECT: {
		const char *key;
		json_t *member;
		json_object_foreach((json_t *)value, key, member)
			if (!plan_format_is_integer_only(member))
				return false;
		return true;
	}
	default:
		return true;
	}
}

bool plan_format_is_plain_name(const char *name)
{
	if (!name || !*name || strlen(name) > 128)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_' || *c == '.'))
			return false;
	return true;
}

char *plan_format_check(const json_t *payload)
{
	if (!json_is_object(payload))
		return xstrdup("plan payload is not a JSON object");
	const json_t *format = json_object_get(payload, "format");
	if (!json_is_integer(format) || json_integer_value(format) != PLAN_FORMAT_VERSION)
		return xasprintf("unsupported plan format (expected 'format': %d)", PLAN_FORMAT_VERSION);
	const char *workflow = json_string_value(json_object_get(payload, "workflow"));
	if (!workflow || (strcmp(workflow, "loadtest") != 0 && strcmp(workflow, "promote") != 0 &&
			  strcmp(workflow, "rollback") != 0))
		return xstrdup("'workflow' must be 'loadtest', 'promote' or 'rollback'");
	if (!plan_format_is_plain_name(json_string_value(json_object_get(payload, "stage"))))
		return xstrdup("'stage' must be a plain name");
	const json_t *from_stage = json_object_get(payload, "from_stage");
	if (from_stage && !json_is_null(from_stage) && !plan_format_is_plain_name(json_string_value(from_stage)))
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
		if (!plan_format_is_plain_name(key) || !json_is_integer(json_object_get(value, "generation")) ||
		    json_integer_value(json_object_get(value, "generation")) < 0 || (!json_is_string(digest) && !json_is_null(digest)))
			return xasprintf("expected state of '%s' needs a generation and a release digest or null", key);
	}
	const json_t *steps = json_object_get(payload, "steps");
	if (!json_is_array(steps))
		return xstrdup("'steps' must be an array");
	size_t index;
	const json_t *step;
	json_array_foreach(steps, index, step) {
		const char *id = json_string_value(json_object_get(step, "id"));
		const char *action = json_string_value(json_object_get(step, "action"));
		if (!plan_format_is_plain_name(id) || !json_is_object(json_object_get(step, "args")))
			return xasprintf("step %zu: needs a plain 'id' and 'args'", index + 1);
		if (!plan_format_is_known_action(action))
			return xasprintf("step '%s': unknown action '%s'", id, action ? action : "(none)");
		for (size_t earlier = 0; earlier < index; earlier++)
			if (strcmp(json_string_value(json_object_get(json_array_get(steps, earlier), "id")), id) == 0)
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
