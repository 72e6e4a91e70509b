/* The apply engine of goose-run: verify a plan, take the state dir's lock, check the state the
 * plan expects, then run its steps in order with gates, journaling every phase; resume finishes
 * an interrupted run. Progress lines go to `out`; the result is an enum runner_exit.
 *
 * Ownership: the options are borrowed; `*error` (one line, no newline) goes to the caller. */
#ifndef GOOSE_APPLY_H
#define GOOSE_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "signing.h"

struct apply_options {
	const char *plan_path;          /* NULL for resume: the plan stored in the state dir */
	const char *state_path;
	const struct signing_key *trusted;
	size_t trusted_count;
	bool allow_unsigned;
	bool allow_no_expiry;
	bool dry_run;
	bool ignore_window;
	const char *const *approvals;
	size_t approval_count;
	int64_t now;
	const char *snapshot_key_path;  /* NULL: snapshot steps fail asking for one */
	const char *metrics_path;       /* NULL: STATE/metrics/goose-run.prom */
	const char *root;               /* the config tree plan paths are relative to; NULL: the cwd */
	const char *evidence_key_path;  /* Ed25519 PEM that signs evidence bundles; NULL: unsigned refused */
	FILE *out;
};

/* `goose-run verify`: parse and verify only. */
int apply_verify(const struct apply_options *options, char **error);

/* `goose-run apply` (plan_path set) and `goose-run resume` (plan_path NULL). */
int apply_run(const struct apply_options *options, char **error);

/* `goose-run status [--json]`. */
int apply_status(const char *state_path, bool json, FILE *out, char **error);

#endif
