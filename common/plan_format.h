/* The plan format both binaries agree on: its version, its closed set of step actions, and the
 * shape a payload must have. goosec writes plans and checks them before `plan show`; goose-run
 * refuses any payload that fails the same check before it runs a step. */
#ifndef GOOSE_PLAN_FORMAT_H
#define GOOSE_PLAN_FORMAT_H

#include <jansson.h>
#include <stdbool.h>

#define PLAN_FORMAT_VERSION 1

/* NULL-terminated: the typed actions a step may name. */
extern const char *const plan_format_actions[];

bool plan_format_is_known_action(const char *action);

/* True when no number in `value` is a real: plans are integer-only, so canonical JSON is exact. */
bool plan_format_is_integer_only(const json_t *value);

/* Names that end up in paths and registries: [A-Za-z0-9._-], 1 to 128 characters. */
bool plan_format_is_plain_name(const char *name);

/* Why `payload` is not a well-formed plan (malloc'd), or NULL when it is: format version,
 * workflow, plain stage names, input digests, expiry, expected state, unique step ids with known
 * actions, gates with the step they are checked before. */
char *plan_format_check(const json_t *payload);

#endif
