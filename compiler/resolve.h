/* The symbol table: every named thing of a tree (services, thresholds, stages, scenarios,
 * snapshot policies, controls...) in one hash map, and the resolution of every cross-file
 * reference through it. An unknown name is an error at the use site with "did you mean" and a
 * note at the candidate's definition; a duplicate name is an error naming both places; some
 * definitions nobody uses are warnings.
 *
 * Ownership: a table borrows names and locations from the model (and so from the project); it
 * owns only the few names it computes (purls without versions). Release it before the model. */
#ifndef GOOSE_RESOLVE_H
#define GOOSE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "project.h"

/* What a name names. Candidates for "did you mean" come from one class only. */
enum xref_class {
	XREF_SERVICE,
	XREF_THRESHOLD,
	XREF_RECORDING_RULE,
	XREF_ALERT,
	XREF_RULE_GROUP,      /* scoped by rule file */
	XREF_DASHBOARD,       /* by uid */
	XREF_REQUEST,         /* scoped by load-test file */
	XREF_SCENARIO,        /* scoped by load-test file */
	XREF_STAGE,
	XREF_SNAPSHOT_POLICY,
	XREF_KEY_ID,
	XREF_SECRET,
	XREF_COMPLIANCE_RULE,
	XREF_EVIDENCE,
	XREF_CONTROL,
	XREF_VULNERABILITY,   /* ids and aliases, scoped by database file */
	XREF_COMPONENT,       /* purls without version, scoped by SBOM file */
	XREF_FILE,            /* relative paths, scoped by kind name */
	XREF_KIND,
	XREF_CLASS_COUNT,
};

struct xref_symbol {
	enum xref_class class;
	const char *scope;    /* "" for tree-wide names */
	const char *name;
	struct model_location location;
	const void *definition; /* the model struct the name defines (see xref_define callers) */
	unsigned use_count;     /* uses that count against "unused" (e.g. alerts for thresholds) */
	struct xref_symbol *next_in_bucket;
};

struct xref_symbol_block;

struct xref_table {
	struct xref_symbol **buckets;
	size_t bucket_count, symbol_count;
	struct xref_symbol **class_symbols[XREF_CLASS_COUNT]; /* in definition order */
	size_t class_count[XREF_CLASS_COUNT], class_alloc[XREF_CLASS_COUNT];
	/* classes whose defining files did not all load: unknown names there are not reported */
	bool incomplete[XREF_CLASS_COUNT];
	struct xref_symbol_block *blocks;
	char **owned_names;
	size_t owned_name_count, owned_name_alloc;
};

void xref_table_init(struct xref_table *table);
void xref_table_release(struct xref_table *table);

/* Defines every name of the model (and every classified file of the project, and every kind).
 * Duplicates are reported to `diags` (error, with the first definition as related note). */
void xref_build(struct xref_table *table, const struct model *model, const struct project *project,
		struct diag_list *diags);

/* Resolves every reference of the model (see docs/config-language.md, "Cross-references at a
 * glance"), except Stage.promotes_from, which the stage chain rules own. */
void xref_resolve_all(struct xref_table *table, const struct model *model, const struct project *project,
		      struct diag_list *diags);

/* Warnings for definitions nobody uses: thresholds no alert names, snapshot policies no stage
 * uses, evidence items no control names. Call after xref_resolve_all and every other user. */
void xref_report_unused(const struct xref_table *table, const struct model *model, struct diag_list *diags);

/* Adds a symbol. When the name is already defined in the class and scope, reports a duplicate
 * (if `diags` is not NULL) and returns NULL. */
struct xref_symbol *xref_define(struct xref_table *table, enum xref_class class, const char *scope,
				const struct model_name *name, const void *definition, struct diag_list *diags);

/* The symbol, or NULL. `scope` NULL means "". */
struct xref_symbol *xref_find(const struct xref_table *table, enum xref_class class, const char *scope,
			      const char *name);

/* Which candidates may be suggested (e.g. only SLO thresholds for `slo:`); NULL accepts all. */
typedef bool xref_filter(const struct xref_symbol *symbol);

/* Looks `reference` up; on success counts a use when `counts_as_use` and returns the symbol.
 * Otherwise reports "unknown CLASS 'name'" at the reference (unless the class is incomplete)
 * and returns NULL. */
struct xref_symbol *xref_resolve(struct xref_table *table, enum xref_class class, const char *scope,
				 const struct model_name *reference, bool counts_as_use, xref_filter *suggest,
				 struct diag_list *diags);

/* The closest defined name to `name` among the symbols of `class` in any of `scopes` (NULL: the
 * tree-wide scope) accepted by `suggest`, or NULL when none is close enough to be a typo. */
const struct xref_symbol *xref_suggest(const struct xref_table *table, enum xref_class class,
				       const char *const *scopes, size_t scope_count, xref_filter *suggest,
				       const char *name);

/* Reports "unknown NOUN 'name'" with rule `rule` at `reference`, with the closest candidate of
 * the class in `scopes` as hint and related note (returned; NULL when none is close). For
 * resolutions with several scopes. */
const struct xref_symbol *xref_report_unknown(const struct xref_table *table, enum xref_class class,
					      const char *const *scopes, size_t scope_count, xref_filter *suggest,
					      const char *rule, const struct model_name *reference, struct diag_list *diags);

/* "threshold", "snapshot policy", ... */
const char *xref_class_noun(enum xref_class class);

/* Where byte `index` of a string value lies in its source, given the value's location and byte
 * offset in `source_text`: exact for plain, single- and double-quoted one-line scalars and JSON
 * strings; the value's own location otherwise (block scalars, values spanning lines). */
struct model_location xref_location_inside(const char *source_text, size_t source_length,
					   const struct model_text *value, size_t index);

#endif
