/* The licence policy of security/sbom/enrichment.yaml over the enriched SBOMs (deny, allow,
 * unknown; SPDX expressions judged by the choices they offer), and waivers past their expiry date. */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "enriched_sbom.h"
#include "license_expression.h"
#include "util.h"
#include "banned.h"

/* Where a licence is shown: inside its string in the file, at `offset` bytes into the licence,
 * when the file holds exactly that text there; else at the file's licences, else at the
 * component's name (a licence enrichment set). */
static void licence_position(const struct enriched_sbom *item, const struct sbom_component *component,
			     const struct sbom_license *licence, size_t offset, int *line, int *col)
{
	const struct load_document *document = &item->file->document;
	const struct load_position *position = load_position_at(document, licence->pointer);
	size_t length = strlen(licence->text);
	if (position && position->offset + 1 + length < document->text_length &&
	    document->text[position->offset] == '"' &&
	    memcmp(document->text + position->offset + 1, licence->text, length) == 0 &&
	    document->text[position->offset + 1 + length] == '"') {
		*line = position->line;
		*col = position->col + 1 + (int)offset;
		return;
	}
	char *pointer = xasprintf("%s/licenses", component->pointer);
	if (!load_position_at(document, pointer)) {
		free(pointer);
		pointer = xasprintf("%s/name", component->pointer);
	}
	enriched_sbom_position(item->file, pointer, line, col);
	free(pointer);
}

static void relate_policy_entry(struct diag *diag, const struct enriched_sbom *item, const char *list, long index,
				const char *note)
{
	char *at = index >= 0 ? xasprintf("/licenses/%s/%ld", list, index) : xasprintf("/licenses/%s", list);
	int line, col;
	enriched_sbom_position(item->enrichment, at, &line, &col);
	free(at);
	diag_add_related(diag, item->enrichment->path, line, col, "%s", note);
}

/* One licence judged as one unit (an SPDX id, or a free name). */
static void report_single(const struct enriched_sbom *item, const struct sbom_component *component,
			  const struct sbom_license *licence, const char *label, const char *shown, size_t offset,
			  enum license_verdict verdict, long entry, struct diag_list *diags)
{
	if (verdict == LICENSE_ALLOWED)
		return;
	int line, col;
	licence_position(item, component, licence, offset, &line, &col);
	if (verdict == LICENSE_DENIED) {
		struct diag *diag = diag_add(diags, DIAG_ERROR, "sbom-license-denied", item->file->path, line, col,
					     "component '%s' has licence '%s', which the licence policy denies", label, shown);
		relate_policy_entry(diag, item, "deny", entry, "denied here");
		return;
	}
	struct diag *diag = diag_add(diags, DIAG_ERROR, "sbom-license-not-allowed", item->file->path, line, col,
				     "component '%s' has licence '%s', which is not in the allowed list", label, shown);
	relate_policy_entry(diag, item, "allow", -1, "the allowed licences");
}

/* An expression of two or more licences that no choice satisfies: the licences to blame. */
static void report_expression(const struct enriched_sbom *item, const struct sbom_component *component,
			      const struct sbom_license *licence, const char *label,
			      const struct license_expression *expression, const struct license_policy *policy,
			      const struct license_judgement *judgement, struct diag_list *diags)
{
	struct strbuf message;
	strbuf_init(&message);
	bool denied = judgement->verdict == LICENSE_DENIED;
	strbuf_addf(&message, "component '%s' has licence '%s': %s", label, licence->text,
		    denied ? "every choice it offers needs a denied licence: " : "no choice it offers is allowed: ");
	long *entries = xcalloc(judgement->leaf_count, sizeof(*entries));
	char **shown = xcalloc(judgement->leaf_count, sizeof(*shown));
	size_t named = 0;
	for (size_t i = 0; i < judgement->leaf_count; i++) {
		const struct license_expression_node *leaf = &expression->nodes[judgement->leaves[i]];
		shown[i] = license_expression_leaf_text(leaf);
		enum license_verdict verdict =
			license_policy_license(policy, leaf->id, leaf->or_later, leaf->exception, &entries[i]);
		if (verdict != LICENSE_DENIED)
			entries[i] = -2; /* not a deny entry */
		bool repeated = false; /* a licence written twice is named once */
		for (size_t j = 0; j < i && !repeated; j++)
			repeated = strcmp(shown[j], shown[i]) == 0;
		if (repeated)
			continue;
		if (denied)
			strbuf_addf(&message, "%s'%s'", named++ ? ", " : "", shown[i]);
		else
			strbuf_addf(&message, "%s'%s' %s", named++ ? ", " : "", shown[i],
				    verdict == LICENSE_DENIED ? "is denied" : "is not in the allowed list");
	}
	for (size_t i = 0; i < judgement->leaf_count; i++)
		free(shown[i]);
	free(shown);
	int line, col;
	licence_position(item, component, licence, expression->nodes[judgement->leaves[0]].offset, &line, &col);
	struct diag *diag = diag_add(diags, DIAG_ERROR, denied ? "sbom-license-denied" : "sbom-license-not-allowed",
				     item->file->path, line, col, "%s", message.buf);
	if (!denied)
		relate_policy_entry(diag, item, "allow", -1, "the allowed licences");
	/* each deny entry once, in the order the licences are written */
	for (size_t i = 0; i < judgement->leaf_count; i++) {
		bool seen = entries[i] < 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = entries[j] == entries[i];
		if (!seen)
			relate_policy_entry(diag, item, "deny", entries[i], "denied here");
	}
	free(entries);
	strbuf_release(&message);
}

static void check_licence(const struct enriched_sbom *item, const struct sbom_component *component,
			  const struct sbom_license *licence, const char *label, const struct license_policy *policy,
			  struct diag_list *diags)
{
	long entry;
	if (licence->form == SBOM_LICENSE_NAME) {
		enum license_verdict verdict = license_policy_name(policy, licence->text, &entry);
		report_single(item, component, licence, label, licence->text, 0, verdict, entry, diags);
		return;
	}
	struct license_expression expression;
	char *error = NULL;
	size_t error_offset = 0;
	if (license_expression_parse(&expression, licence->text, &error, &error_offset) < 0) {
		if (licence->form == SBOM_LICENSE_ID) {
			/* an id field that is no SPDX id: judged as a name, as written */
			free(error);
			enum license_verdict verdict = license_policy_name(policy, licence->text, &entry);
			report_single(item, component, licence, label, licence->text, 0, verdict, entry, diags);
			return;
		}
		int line, col;
		licence_position(item, component, licence, error_offset, &line, &col);
		struct diag *diag = diag_add(diags, DIAG_ERROR, "sbom-license-expression-invalid", item->file->path, line,
					     col, "component '%s' has licence '%s', which is not a valid SPDX expression: %s",
					     label, licence->text, error);
		diag_set_hint(diag, "join SPDX licence ids with AND, OR and WITH (e.g. 'MIT OR Apache-2.0'); name a "
				    "licence SPDX has no id for as LicenseRef-<name>");
		free(error);
		return;
	}
	if (expression.count == 1) {
		const struct license_expression_node *leaf = &expression.nodes[0];
		enum license_verdict verdict =
			license_policy_license(policy, leaf->id, leaf->or_later, leaf->exception, &entry);
		report_single(item, component, licence, label, licence->text, leaf->offset, verdict, entry, diags);
	} else {
		struct license_judgement judgement;
		license_judgement_init(&judgement);
		license_expression_judge(&expression, policy, &judgement);
		if (judgement.verdict != LICENSE_ALLOWED)
			report_expression(item, component, licence, label, &expression, policy, &judgement, diags);
		license_judgement_release(&judgement);
	}
	license_expression_release(&expression);
}

static void check_component(const struct model_sbom_enrichment *enrichment, const struct license_policy *policy,
			    const struct enriched_sbom *item, const struct sbom_component *component,
			    struct diag_list *diags)
{
	char *label = sbom_component_label(component);
	const char *unknown = enrichment->licenses_unknown ? enrichment->licenses_unknown : "warning";
	if (!component->license_count && strcmp(unknown, "ignore") != 0) {
		/* at the licences the file has, else (none, or set by enrichment) at the component's name */
		char *pointer = xasprintf("%s/licenses", component->pointer);
		if (!load_position_at(&item->file->document, pointer)) {
			free(pointer);
			pointer = xasprintf("%s/name", component->pointer);
		}
		int line, col;
		enriched_sbom_position(item->file, pointer, &line, &col);
		free(pointer);
		struct diag *diag = diag_add(diags, strcmp(unknown, "error") == 0 ? DIAG_ERROR : DIAG_WARNING,
					     "sbom-license-unknown", item->file->path, line, col,
					     "component '%s' has no licence, even after enrichment", label);
		diag_set_hint(diag, "add an enrichment rule that sets its licenses, or set licenses.unknown");
	}
	for (size_t l = 0; l < component->license_count; l++)
		check_licence(item, component, &component->licenses[l], label, policy, diags);
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
		const struct model_sbom_enrichment *enrichment = NULL;
		for (size_t e = 0; e < model->sbom_enrichment_count && !enrichment; e++)
			if (model->sbom_enrichments[e].source == item->enrichment)
				enrichment = &model->sbom_enrichments[e];
		if (!enrichment)
			continue;
		struct license_policy policy;
		license_policy_init(&policy, enrichment->licenses_allow, enrichment->licenses_allow_count,
				    enrichment->licenses_deny, enrichment->licenses_deny_count);
		for (size_t c = 0; c < item->sbom.component_count; c++)
			check_component(enrichment, &policy, item, &item->sbom.components[c], diags);
		license_policy_release(&policy);
	}
	enriched_sbom_set_release(&set);
	for (size_t e = 0; e < model->sbom_enrichment_count; e++)
		check_waivers(context, &model->sbom_enrichments[e], diags);
}
