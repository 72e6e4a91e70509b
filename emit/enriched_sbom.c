/* The tree's SBOMs, enriched in memory from the loaded documents, and the build backend that
 * writes them to security/sbom/<service>.cdx.json or .spdx.json (each in its own format) with
 * one note per change. */
#include "enriched_sbom.h"

#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "util.h"
#include "banned.h"

void enriched_sbom_set_init(struct enriched_sbom_set *set)
{
	memset(set, 0, sizeof(*set));
}

void enriched_sbom_set_release(struct enriched_sbom_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		sbom_release(&set->items[i].sbom);
		enrich_report_release(&set->items[i].report);
	}
	free(set->items);
	enriched_sbom_set_init(set);
}

void enriched_sbom_position(const struct project_file *file, const char *pointer, int *line, int *col)
{
	*line = *col = 0;
	if (!file || !file->document.root)
		return;
	const struct load_position *position = load_position_nearest(&file->document, pointer);
	if (position) {
		*line = position->line;
		*col = position->col;
	}
}

/* An error message of vuln/ starts with the JSON Pointer it is about: place it. */
static void report(struct diag_list *diags, const char *rule, const struct project_file *file, const char *message)
{
	int line = 0, col = 0;
	const char *end = message[0] == '/' ? strstr(message, ": ") : NULL;
	if (end) {
		char *pointer = xstrndup(message, (size_t)(end - message));
		enriched_sbom_position(file, pointer, &line, &col);
		free(pointer);
		message = end + 2;
	}
	diag_add(diags, DIAG_ERROR, rule, file->path, line, col, "%s", message);
}

static const char *service_sbom(const struct model *model, const char *service)
{
	for (size_t p = 0; p < model->project_count; p++)
		for (size_t s = 0; s < model->projects[p].service_count; s++)
			if (model->projects[p].services[s].name.text &&
			    strcmp(model->projects[p].services[s].name.text, service) == 0)
				return model->projects[p].services[s].sbom.text;
	return NULL;
}

void enriched_sbom_set_build(const struct project *project, const struct model *model, bool force,
			     struct enriched_sbom_set *set, struct diag_list *diags)
{
	for (size_t e = 0; e < model->sbom_enrichment_count; e++) {
		const struct model_sbom_enrichment *enrichment = &model->sbom_enrichments[e];
		const json_t *config = enrichment->source ? enrichment->source->document.root : NULL;
		if (!config)
			continue;
		for (size_t s = 0; s < enrichment->sbom_count; s++) {
			const char *service = enrichment->sboms[s].service.text;
			const char *path = service ? service_sbom(model, service) : NULL;
			const struct project_file *file = path ? project_file_at(project, path) : NULL;
			if (!file || !file->loaded || !file->document.root)
				continue;
			json_t *copy = json_deep_copy(file->document.root);
			ALLOC_GROW(set->items, set->count + 1, set->alloc);
			struct enriched_sbom *item = &set->items[set->count];
			memset(item, 0, sizeof(*item));
			item->service = service;
			item->file = file;
			item->enrichment = enrichment->source;
			enrich_report_init(&item->report);
			char *error = NULL;
			int status = sbom_read(&item->sbom, copy, &error);
			json_decref(copy);
			if (status != 0) {
				report(diags, "sbom-invalid", file, error);
				free(error);
				enrich_report_release(&item->report);
				continue;
			}
			if (enrich_sbom(&item->sbom, config, service, force, &item->report, &error) != 0) {
				report(diags, "sbom-enrichment-invalid", enrichment->source, error);
				free(error);
				sbom_release(&item->sbom);
				enrich_report_release(&item->report);
				continue;
			}
			set->count++;
		}
	}
}

/* Where a change is shown: the name of the component it changed (changes name it by label). */
static char *change_pointer(const struct sbom *sbom, const char *label)
{
	for (size_t c = 0; c < sbom->component_count; c++) {
		char *candidate = sbom_component_label(&sbom->components[c]);
		bool same = strcmp(candidate, label) == 0;
		free(candidate);
		if (same)
			return xasprintf("%s/name", sbom->components[c].pointer);
	}
	return xstrdup("");
}

void emit_enriched_sboms(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	struct enriched_sbom_set set;
	enriched_sbom_set_init(&set);
	enriched_sbom_set_build(context->project, context->model, context->sbom_force, &set, diags);
	for (size_t i = 0; i < set.count; i++) {
		const struct enriched_sbom *item = &set.items[i];
		for (size_t c = 0; c < item->report.change_count; c++) {
			const struct enrich_change *change = &item->report.changes[c];
			int line, col;
			char *pointer = change_pointer(&item->sbom, change->component);
			enriched_sbom_position(item->file, pointer, &line, &col);
			free(pointer);
			diag_add(diags, DIAG_NOTE, "sbom-enriched", item->file->path, line, col, "%s", change->message);
		}
		char *path = xasprintf("security/sbom/%s.%s.json", item->service,
				       item->sbom.format == SBOM_SPDX ? "spdx" : "cdx");
		if (emit_output_add_json(output, path, json_incref(item->sbom.document)) != 0)
			diag_add(diags, DIAG_ERROR, "internal", item->file->path, 0, 0, "cannot emit '%s'", path);
		free(path);
	}
	enriched_sbom_set_release(&set);
}
