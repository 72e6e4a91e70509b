/* The exit codes of goose-run, in one place: main returns them, the apply engine chooses them,
 * `goose-run --help` and the README document them. Precondition refusals are 10 and up. */
#ifndef GOOSE_RUNNER_EXIT_H
#define GOOSE_RUNNER_EXIT_H

enum runner_exit {
	RUNNER_EXIT_SUCCESS = 0,
	RUNNER_EXIT_STEP_FAILED = 1,      /* a step failed (state dir or journal I/O errors too) */
	RUNNER_EXIT_USAGE = 2,
	RUNNER_EXIT_GATE_FAILED = 3,      /* a gate refused the promotion */
	RUNNER_EXIT_INTERRUPTED = 4,      /* the run stopped part way and can be resumed */
	RUNNER_EXIT_MALFORMED_PLAN = 10,  /* not a plan: envelope, payload or shape */
	RUNNER_EXIT_BAD_SIGNATURE = 11,   /* a trusted key's signature does not verify */
	RUNNER_EXIT_UNTRUSTED_KEY = 12,   /* signed, but by no key given with --trust */
	RUNNER_EXIT_UNSIGNED = 13,        /* no signature and no --allow-unsigned */
	RUNNER_EXIT_EXPIRED = 14,         /* past its expiry */
	RUNNER_EXIT_NO_EXPIRY = 15,       /* no expiry and no --allow-no-expiry */
	RUNNER_EXIT_WRONG_STAGE = 16,     /* the state dir serves another project or stage */
	RUNNER_EXIT_STALE = 17,           /* the stage moved on since the plan was built */
	RUNNER_EXIT_JOURNAL_TAMPERED = 18,/* a journal record fails its hash or its chain */
	RUNNER_EXIT_BUSY = 19,            /* the state dir is locked, or another plan is in progress */
};

#endif
