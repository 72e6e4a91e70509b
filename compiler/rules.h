/* The catalogue of diagnostic rule ids: every id a stage can emit has a one-line summary and a
 * paragraph for `goosec explain ID`. Rule families (e.g. every "schema-KEYWORD") share an entry. */
#ifndef GOOSE_RULES_H
#define GOOSE_RULES_H

#include <stddef.h>

struct rule_info {
	const char *id;          /* exact id, or a family prefix ending in '*' ("schema-*") */
	const char *summary;
	const char *explanation; /* a paragraph, wrapped at ~90 columns */
};

extern const struct rule_info rules_catalogue[];
extern const size_t rules_catalogue_count;

/* The entry for `id` (exact match first, then the longest matching family); NULL if unknown. */
const struct rule_info *rules_find(const char *id);

#endif
