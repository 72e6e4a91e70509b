/* Emitters: pure functions from the checked model to output files held in memory. Nothing is
 * written until every emitter has run without errors; then the whole set replaces the output
 * directory in one rename, so a failed build never leaves half an output.
 *
 * Ownership: an emit_output owns every file's path and bytes. */
#ifndef GOOSE_EMIT_H
#define GOOSE_EMIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "check.h"
#include "diag.h"
#include "project.h"
#include "signing.h"

/* What every emitter may read. Emitters never touch the file system or the clock. */
struct emit_context {
	const struct project *project;
	const struct model *model;
	const struct xref_table *table;
	time_t source_date; /* SOURCE_DATE_EPOCH, or --now: the only time that may enter outputs */
	/* plans (emit/plan.h): signed with plan_signing_key, or unsigned envelopes when it is NULL
	 * and plans_unsigned is set; without either no plan is emitted and the build fails */
	bool has_source_date;                    /* source_date was given: plans get an expiry */
	const struct signing_key *plan_signing_key;
	const char *plan_signing_key_name;       /* goose.yaml's signing.plans name for the key */
	bool plans_unsigned;
	const json_t *plan_state;                /* a `goose-run status --json` export, or NULL */
	long long plan_ttl_seconds;              /* expiry = source_date + this */
	bool sbom_force;                         /* enrichment overwrites values SBOMs have (--force) */
};

struct emit_file {
	char *path;   /* relative to the output directory, '/'-separated */
	char *data;
	size_t length;
};

struct emit_output {
	struct emit_file *files;
	size_t count, alloc;
};

void emit_output_init(struct emit_output *output);
void emit_output_release(struct emit_output *output);

/* Adds a file, taking ownership of `data` (malloc'd). A second file at the same path is an
 * internal error: returns -1 and frees `data`. */
int emit_output_add(struct emit_output *output, const char *path, char *data, size_t length);

/* Adds `document` as pretty JSON (2-space indent, keys in insertion order, final newline);
 * steals the reference. */
int emit_output_add_json(struct emit_output *output, const char *path, json_t *document);

/* The file at `path`, or NULL. */
const struct emit_file *emit_output_find(const struct emit_output *output, const char *path);

/* Writes every file under a new temporary directory beside `directory`, fsyncs, then swaps it
 * into place with one rename (the previous output is removed afterwards). Files are written in
 * path order. Returns 0, or -1 with `*error` (malloc'd) and nothing changed. */
int emit_output_commit(const struct emit_output *output, const char *directory, char **error);

/* The backends, in the order `goosec build` runs them. Each adds its files to `output` and its
 * problems to `diags`; none writes anything itself. */
void emit_prometheus_rules(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);
void emit_promtool_tests(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);
void emit_grafana_dashboards(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);
void emit_plans(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);
void emit_pipeline_monitoring(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);

/* The tree's SBOMs, enriched per security/sbom/enrichment.yaml (emit/enriched_sbom.c). */
void emit_enriched_sboms(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);

/* Runs every backend. */
void emit_all(const struct emit_context *context, struct emit_output *output, struct diag_list *diags);

#endif
