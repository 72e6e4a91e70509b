/* Signed executable plans: one per workflow and stage (load test, promotion, rollback), each a
 * canonical-JSON payload of typed steps with fully resolved arguments inside a DSSE envelope.
 * emit_plans (emit.h) builds them; this header also holds the reader `goosec plan show` uses.
 *
 * Ownership: functions returning json_t give the caller a new reference. */
#ifndef GOOSE_PLAN_H
#define GOOSE_PLAN_H

#include <jansson.h>
#include <stdbool.h>

#include "emit.h"
#include "plan_format.h"
#include "signing.h"
#include "util.h"

/* The payload of every plan of the tree, as (file path under the output, payload) pairs in a
 * JSON object sorted by path; problems go to `diags`. Used by emit_plans and by tests. */
json_t *plan_build_all(const struct emit_context *context, struct diag_list *diags);

/* Encodes a payload: canonical JSON inside a DSSE envelope, signed with `key` (NULL: unsigned),
 * appended to `out`. 0, or -1 when the payload is not integer-only canonical JSON or signing
 * failed. */
int plan_encode(const json_t *payload, const struct signing_key *key, struct strbuf *out);

/* Reads a .plan file: the DSSE envelope, its payload type, the payload as canonical,
 * integer-only JSON, and the plan's required members (format, workflow, stage, inputs,
 * expected_state, state_check, expires, steps with known actions). Signatures are parsed but
 * not verified (see signing_envelope_verify). 0, or -1 with `*error` (malloc'd) and nothing kept. */
int plan_read(const char *data, size_t length, struct signing_envelope *envelope, json_t **payload, char **error);

/* A plan for people: workflow, stages, expiry, expected state, inputs, gates, then every step
 * numbered with its key arguments. Appended to `out`. */
void plan_render_text(const json_t *payload, struct strbuf *out);

#endif
