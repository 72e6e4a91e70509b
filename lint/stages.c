/* Stage rules: promotion stages form one chain from exactly one root (no gap, no cycle, no fork,
 * no second root), and each stage is named after its file. */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/* The stage a promotes_from names, when it names one; NULL for a root or a gap. */
static const struct model_stage *previous_stage(const struct lint_context *context, const struct model_stage *stage)
{
	const struct xref_symbol *symbol = xref_find(context->table, XREF_STAGE, NULL, stage->promotes_from.text);
	return symbol ? symbol->definition : NULL;
}

/* Only the first definition of a name takes part in the chain: duplicates are reported already. */
static bool is_definition(const struct lint_context *context, const struct model_stage *stage)
{
	const struct xref_symbol *symbol = xref_find(context->table, XREF_STAGE, NULL, stage->name.text);
	return symbol && symbol->definition == stage;
}

static void check_file_name(const struct lint_context *context, const struct model_stage *stage,
			    struct diag_list *diags)
{
	const char *path = stage->source->relative_path;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t length = dot ? (size_t)(dot - base) : strlen(base);
	if (!stage->name.text || (strlen(stage->name.text) == length && strncmp(stage->name.text, base, length) == 0))
		return;
	const struct model_location *at = &stage->name.location;
	struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-stage-file-name", at->file, at->line, at->col,
				     "stage '%s' is defined in '%s': a stage is named after its file", stage->name.text,
				     base);
	/* offer renaming the file only when no other file has that name already */
	struct strbuf renamed;
	strbuf_init(&renamed);
	strbuf_add(&renamed, path, (size_t)(base - path));
	strbuf_addf(&renamed, "%s%s", stage->name.text, dot ? dot : "");
	if (project_file_at(context->project, renamed.buf))
		diag_set_hint(diag, "rename the stage to '%.*s'", (int)length, base);
	else
		diag_set_hint(diag, "rename the stage to '%.*s' or the file to '%s%s'", (int)length, base,
			      stage->name.text, dot ? dot : "");
	strbuf_release(&renamed);
}

static void report_gap(const struct lint_context *context, const struct model_stage *stage, struct diag_list *diags)
{
	const struct model_name *reference = &stage->promotes_from;
	struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-stage-gap", reference->location.file,
				     reference->location.line, reference->location.col,
				     "stage '%s' promotes from unknown stage '%s'", stage->name.text, reference->text);
	const struct xref_symbol *closest = xref_suggest(context->table, XREF_STAGE, NULL, 0, NULL, reference->text);
	if (closest) {
		diag_set_hint(diag, "did you mean '%s'?", closest->name);
		diag_add_related(diag, closest->location.file, closest->location.line, closest->location.col,
				 "'%s' is defined here", closest->name);
	} else {
		diag_set_hint(diag, "the chain has a gap: add a stage '%s', or promote from an existing one",
			      reference->text);
	}
}

/* Walks promotes_from from every stage; a walk that comes back to a stage of its own path has
 * found a cycle, reported once at the cycle's first stage in file order. */
static void check_cycles(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	size_t count = model->stage_count;
	/* 0: not seen; k + 1: seen by the walk that started at stage k */
	size_t *walk = xcalloc(count + 1, sizeof(*walk));
	for (size_t start = 0; start < count; start++) {
		const struct model_stage *stage = &model->stages[start];
		while (stage && is_definition(context, stage)) {
			size_t index = (size_t)(stage - model->stages);
			if (walk[index] == start + 1) {
				/* a cycle through `stage`: name its members from its first stage in file order */
				const struct model_stage *first = stage;
				for (const struct model_stage *member = previous_stage(context, stage); member != stage;
				     member = previous_stage(context, member))
					if (member < first)
						first = member;
				/* printed in promotion order: against the promotes_from links */
				const char **names = xmalloc((count + 1) * sizeof(*names));
				size_t length = 0;
				const struct model_stage *member = first;
				do {
					names[length++] = member->name.text;
					member = previous_stage(context, member);
				} while (member != first && length < count);
				struct strbuf path;
				strbuf_init(&path);
				strbuf_addf(&path, "'%s'", first->name.text);
				while (length > 0)
					strbuf_addf(&path, " -> '%s'", names[--length]);
				free(names);
				const struct model_location *at = &first->promotes_from.location;
				struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-stage-cycle", at->file, at->line,
							     at->col, "stages promote in a cycle: %s", path.buf);
				diag_set_hint(diag, "the first stage of the chain has no 'promotes_from'");
				for (member = previous_stage(context, first); member != first;
				     member = previous_stage(context, member))
					diag_add_related(diag, member->promotes_from.location.file,
							 member->promotes_from.location.line,
							 member->promotes_from.location.col, "'%s' promotes from '%s' here",
							 member->name.text, member->promotes_from.text);
				strbuf_release(&path);
				break;
			}
			if (walk[index])
				break; /* an earlier walk went on from here */
			walk[index] = start + 1;
			stage = previous_stage(context, stage);
		}
	}
	free(walk);
}

/* The last stage of the chain that starts at `root` (following successors), for hints. */
static const struct model_stage *chain_end(const struct lint_context *context, const struct model_stage *root,
					   const struct model_stage **successor)
{
	const struct model_stage *end = root;
	for (size_t steps = 0; steps < context->model->stage_count && successor[end - context->model->stages]; steps++)
		end = successor[end - context->model->stages];
	return end;
}

void lint_stages(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	size_t count = model->stage_count;
	if (count == 0)
		return;
	bool complete = !model_kind_incomplete(model, "Stage");
	/* the first stage found promoting from each stage, to find forks */
	const struct model_stage **successor = xcalloc(count, sizeof(*successor));
	const struct model_stage *first_root = NULL;
	for (size_t i = 0; i < count; i++) {
		const struct model_stage *stage = &model->stages[i];
		check_file_name(context, stage, diags);
		if (!is_definition(context, stage))
			continue;
		if (!stage->promotes_from.text) {
			if (!first_root)
				first_root = stage;
			continue;
		}
		const struct model_stage *previous = previous_stage(context, stage);
		if (!previous) {
			if (complete)
				report_gap(context, stage, diags);
			continue;
		}
		if (previous == stage)
			continue; /* promotes from itself: a cycle of one */
		const struct model_stage **slot = &successor[previous - model->stages];
		if (!*slot) {
			*slot = stage;
			continue;
		}
		const struct model_location *at = &stage->promotes_from.location;
		struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-stage-fork", at->file, at->line, at->col,
					     "stages '%s' and '%s' both promote from '%s'", (*slot)->name.text,
					     stage->name.text, previous->name.text);
		diag_set_hint(diag, "stages form one chain: promote '%s' from '%s' instead", stage->name.text,
			      (*slot)->name.text);
		diag_add_related(diag, (*slot)->promotes_from.location.file, (*slot)->promotes_from.location.line,
				 (*slot)->promotes_from.location.col, "'%s' promotes from '%s' here", (*slot)->name.text,
				 previous->name.text);
	}
	if (first_root) {
		for (size_t i = 0; i < count; i++) {
			const struct model_stage *stage = &model->stages[i];
			if (stage == first_root || stage->promotes_from.text || !is_definition(context, stage))
				continue;
			const struct model_location *at = &stage->name.location;
			struct diag *diag = diag_add(diags, DIAG_ERROR, "lint-stage-second-root", at->file, at->line,
						     at->col, "stage '%s' is a second root: only the first stage omits 'promotes_from'",
						     stage->name.text);
			diag_set_hint(diag, "add 'promotes_from: %s' to extend the chain",
				      chain_end(context, first_root, successor)->name.text);
			diag_add_related(diag, first_root->name.location.file, first_root->name.location.line,
					 first_root->name.location.col, "'%s' is the first root", first_root->name.text);
		}
	}
	check_cycles(context, diags);
	free(successor);
}
