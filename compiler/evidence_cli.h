/* `goosec evidence collect | verify | show`: gathers the evidence a tree's controls need into a
 * signed bundle, and checks or renders a bundle. */
#ifndef GOOSE_EVIDENCE_CLI_H
#define GOOSE_EVIDENCE_CLI_H

/* The key that signs bundles when --sign-key is not given. */
#define EVIDENCE_CLI_KEY_ENV "GOOSEC_EVIDENCE_KEY_FILE"

/* argv[0] is "evidence". Returns the exit code: 0, 1 (refused bundle, incomplete evidence with
 * --require-complete, a tree with errors) or 2 (usage, internal failure). */
int evidence_cli_main(int argc, char **argv);

#endif
