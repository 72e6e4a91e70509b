/* The licence policy of security/sbom/enrichment.yaml over the enriched SBOMs (deny, allow,
 * unknown), and waivers past their expiry date. */
#include "lint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enriched_sbom.h"
#include "util.h"
#include "banned.h"

static long long index_of(const char *id, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(id, list[i]) == 0)
			return (long long)i;
	return -1;
}

static bool is_operator(const char *token)
{
	return strcmp(token, "AND") == 0 || strcmp(token, "OR") == 0 || strcmp(token, "WITH") == 0;
}

/* The licence ids of one licence entry: an SPDX expression is split into its ids (operators,
 * parentheses and the exception after WITH dropped); a free name ("Apache License 2.0") stays
 * one. Every id must pass the policy: an OR is not a way around a denied licence. */
static size_t licence_ids(const char *licence, char ***ids)
{
	*ids = NULL;
	size_t count = 0, alloc = 0;
	bool expression = strchr(licence, '(') || strstr(licence, " AND ") || strstr(licence, " OR ") ||
			  strstr(licence, " WITH ");
	if (!expression) {
		ALLOC_GROW(*ids, 1, alloc);
		(*ids)[count++] = xstrdup(licence);
		return count;
	}
	bool skip_next = false;
	const char *cursor = licence;
	while (*cursor) {
		size_t gap = strspn(cursor, " \t()");
		cursor += gap;
		size_t length = strcspn(cursor, " \t()");
		if (!length)
			break;
		char *token = xstrndup(cursor, length);
		cursor += length;
		if (skip_next || is_operator(token)) {
			skip_next = strcmp(token, "WITH") == 0;
			free(token);
			continue;
		}
		ALLOC_GROW(*ids, count + 1, alloc);
		(*ids)[count++] = token;
	}
	return count;
}

static void check_component(const struct lint_context *context, const struct model_sbom_enrichment *policy,
			    const struct enriched_sbom *item, const struct sbom_component *component,
			    struct diag_list *diags)
{
	(void)context;
	char *label = sbom_component_label(component);
	/* at the licences the file has, else (none, or set by enrichment) at the component's name */
	char *pointer = xasprintf("%s/licenses", component->pointer);
	if (!load_position_at(&item->file->document, pointer)) {
		free(pointer);
		pointer = xasprintf("%s/name", component->pointer);
	}
	int line, col;
	enriched_sbom_position(item->file, pointer, &line, &col);
	free(pointer);
	const char *unknown = policy->licenses_unknown ? policy->licenses_unknown : "warning";
	if (!component->license_count && strcmp(unknown, "ignore") != 0) {
		struct diag *diag = diag_add(diags, strcmp(unknown, "error") == 0 ? DIAG_ERROR : DIAG_WARNING,
					     "sbom-license-unknown", item->file->path, line, col,
					     "component '%s' has no licence, even after enrichment", label);
		diag_set_hint(diag, "add an enrichment rule that sets its licenses, or set licenses.unknown");
	}
	for (size_t l = 0; l < component->license_count; l++) {
		char **ids;
		size_t id_count = licence_ids(component->licenses[l], &ids);
		for (size_t i = 0; i < id_count; i++) {
			long long denied = index_of(ids[i], policy->licenses_deny, policy->licenses_deny_count);
			if (denied >= 0) {
				struct diag *diag = diag_add(diags, DIAG_ERROR, "sbom-license-denied", item->file->path, line, col,
							     "component '%s' has licence '%s', which the licence policy denies",
							     label, ids[i]);
				char *at = xasprintf("/licenses/deny/%lld", denied);
				int policy_line, policy_col;
				enriched_sbom_position(item->enrichment, at, &policy_line, &policy_col);
				free(at);
				diag_add_related(diag, item->enrichment->path, policy_line, policy_col, "denied here");
			} else if (policy->licenses_allow_count &&
				   index_of(ids[i], policy->licenses_allow, policy->licenses_allow_count) < 0) {
				struct diag *diag = diag_add(diags, DIAG_ERROR, "sbom-license-not-allowed", item->file->path, line,
							     col, "component '%s' has licence '%s', which is not in the allowed list",
							     label, ids[i]);
				int policy_line, policy_col;
				enriched_sbom_position(item->enrichment, "/licenses/allow", &policy_line, &policy_col);
				diag_add_related(diag, item->enrichment->path, policy_line, policy_col, "the allowed licences");
			}
			free(ids[i]);
		}
		free(ids);
	}
	free(label);
}

static void check_waivers(const struct lint_context *context, const struct model_sbom_enrichment *policy,
			  struct diag_list *diags)
{
	long long today = context->now >= 0 ? (long long)context->now / 86400 : -((-(long long)context->now + 86399) / 86400);
	for (size_t w = 0; w < policy->waiver_count; w++) {
		const struct model_waiver *waiver = &policy->waivers[w];
		if (!waiver->expires.year)
			continue;
		long long expires = rotation_days_from_civil(waiver->expires.year, waiver->expires.month, waiver->expires.day);
		if (expires >= today)
			continue;
		struct diag *diag = diag_add(diags, DIAG_WARNING, "sbom-waiver-expired", waiver->expires.location.file,
					     waiver->expires.location.line, waiver->expires.location.col,
					     "the waiver of '%s' expired on %04d-%02d-%02d: the scan reports the finding again",
					     waiver->id.text ? waiver->id.text : "?", waiver->expires.year, waiver->expires.month,
					     waiver->expires.day);
		diag_set_hint(diag, "fix the vulnerability, or renew the waiver with a new reason and date");
	}
}

void lint_sbom_licenses(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	if (!model->sbom_enrichment_count)
		return;
	struct enriched_sbom_set set;
	enriched_sbom_set_init(&set);
	enriched_sbom_set_build(context->project, model, false, &set, diags);
	for (size_t i = 0; i < set.count; i++) {
		const struct enriched_sbom *item = &set.items[i];
		const struct model_sbom_enrichment *policy = NULL;
		for (size_t e = 0; e < model->sbom_enrichment_count && !policy; e++)
			if (model->sbom_enrichments[e].source == item->enrichment)
				policy = &model->sbom_enrichments[e];
		for (size_t c = 0; policy && c < item->sbom.component_count; c++)
			check_component(context, policy, item, &item->sbom.components[c], diags);
	}
	enriched_sbom_set_release(&set);
	for (size_t e = 0; e < model->sbom_enrichment_count; e++)
		check_waivers(context, &model->sbom_enrichments[e], diags);
}
