/* Compliance rules (security/policies/compliance-rules.yaml): forbidden PCRE2 patterns over file
 * text and `require` conditions at JSON Pointer paths, each finding under the rule's own id. */
#include "lint.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

/* Backtracking budget per match attempt: a hostile pattern fails with a diagnostic, it does not
 * hang a pre-commit hook. */
#define COMPLIANCE_MATCH_LIMIT 1000000
#define COMPLIANCE_DEPTH_LIMIT 10000
/* Findings of one forbidden pattern in one file beyond this are summarised. */
#define COMPLIANCE_MAX_FINDINGS_PER_FILE 50
/* Values quoted in messages are cut at this many bytes. */
#define COMPLIANCE_VALUE_QUOTE_MAX 60

/* ---- JSON Pointer walk with wildcards ---- */

/* The next reference token of `pointer` (which starts at a '/'), unescaped into `token`;
 * returns where the rest starts. */
static const char *next_token(const char *pointer, struct strbuf *token)
{
	strbuf_reset(token);
	const char *c = pointer + 1;
	for (; *c && *c != '/'; c++) {
		if (c[0] == '~' && c[1] == '0') {
			strbuf_addch(token, '~');
			c++;
		} else if (c[0] == '~' && c[1] == '1') {
			strbuf_addch(token, '/');
			c++;
		} else {
			strbuf_addch(token, *c);
		}
	}
	return c;
}

/* An array index token: digits, no leading zero (RFC 6901); "-" and anything else are none. */
static bool array_index(const char *token, size_t *index)
{
	if (!*token || (token[0] == '0' && token[1]))
		return false;
	size_t value = 0;
	for (const char *c = token; *c; c++) {
		if (*c < '0' || *c > '9' || value > (SIZE_MAX - 9) / 10)
			return false;
		value = value * 10 + (size_t)(*c - '0');
	}
	*index = value;
	return true;
}

static void truncate_to(struct strbuf *pointer, size_t length)
{
	pointer->len = length;
	pointer->buf[length] = '\0';
}

struct walk {
	compliance_visit visit;
	void *opaque;
	struct strbuf concrete; /* the pointer walked so far */
	int visits;
};

static void walk_from(struct walk *walk, const json_t *value, const char *rest)
{
	if (!*rest) {
		walk->visit(value, walk->concrete.buf, walk->opaque);
		walk->visits++;
		return;
	}
	size_t mark = walk->concrete.len;
	struct strbuf token;
	strbuf_init(&token);
	const char *after = next_token(rest, &token);
	bool wildcard = strcmp(token.buf, "*") == 0 && after - rest == 2;
	if (wildcard && json_is_array(value)) {
		for (size_t i = 0; i < json_array_size(value); i++) {
			pointer_append_index(&walk->concrete, i);
			walk_from(walk, json_array_get(value, i), after);
			truncate_to(&walk->concrete, mark);
		}
	} else if (wildcard && json_is_object(value)) {
		const char *key;
		const json_t *member;
		json_object_foreach((json_t *)value, key, member) {
			pointer_append_token(&walk->concrete, key);
			walk_from(walk, member, after);
			truncate_to(&walk->concrete, mark);
		}
	} else {
		const json_t *next = NULL;
		size_t index;
		if (!wildcard && json_is_object(value))
			next = json_object_get(value, token.buf);
		else if (!wildcard && json_is_array(value) && array_index(token.buf, &index))
			next = json_array_get(value, index);
		if (next) {
			strbuf_add(&walk->concrete, rest, (size_t)(after - rest));
			walk_from(walk, next, after);
		} else {
			strbuf_addstr(&walk->concrete, rest); /* the missing part, as written */
			walk->visit(NULL, walk->concrete.buf, walk->opaque);
			walk->visits++;
		}
		truncate_to(&walk->concrete, mark);
	}
	strbuf_release(&token);
}

int compliance_pointer_walk(const json_t *root, const char *pointer, compliance_visit visit, void *opaque)
{
	if (!pointer || (*pointer && *pointer != '/'))
		return -1;
	struct walk walk = { visit, opaque, { 0 }, 0 };
	strbuf_init(&walk.concrete);
	if (root)
		walk_from(&walk, root, pointer);
	else {
		visit(NULL, pointer, opaque);
		walk.visits++;
	}
	strbuf_release(&walk.concrete);
	return walk.visits;
}

/* ---- compiled patterns ---- */

struct compiled_pattern {
	pcre2_code *code; /* NULL when the pattern did not compile (already reported) */
};

struct compiled_rule {
	const struct model_compliance_rule *rule;
	enum diag_severity severity;
	struct compiled_pattern forbid;
	struct compiled_pattern *allow;      /* one per allow_patterns item */
	struct compiled_pattern *requirement; /* one per requirement (its `pattern`) */
	bool usable;                        /* every pattern compiled */
};

struct compliance_run {
	const struct lint_context *context;
	struct diag_list *diags;
	pcre2_match_context *match_context;
	pcre2_match_data *match_data;
};

static enum diag_severity severity_of(const char *name)
{
	if (name && strcmp(name, "warning") == 0)
		return DIAG_WARNING;
	if (name && strcmp(name, "note") == 0)
		return DIAG_NOTE;
	return DIAG_ERROR;
}

/* Compiles `text` once; an invalid pattern is a diagnostic at the pattern, never a crash. */
static bool compile_pattern(const struct model_compliance_rule *rule, const struct model_text *text,
			    struct compiled_pattern *out, struct diag_list *diags)
{
	out->code = NULL;
	if (!text->text)
		return true;
	int error_code;
	PCRE2_SIZE error_offset;
	out->code = pcre2_compile((PCRE2_SPTR)text->text, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				  &error_code, &error_offset, NULL);
	if (out->code)
		return true;
	PCRE2_UCHAR message[256];
	pcre2_get_error_message(error_code, message, sizeof(message));
	struct diag *diag = diag_add(diags, DIAG_ERROR, "compliance-invalid-pattern", text->location.file,
				     text->location.line, text->location.col,
				     "invalid pattern in compliance rule '%s': %s at offset %zu", rule->id.text,
				     (const char *)message, (size_t)error_offset);
	diag_set_hint(diag, "the rule is not checked until its patterns compile (PCRE2 syntax)");
	return false;
}

static void compile_rule(const struct model_compliance_rule *rule, struct compiled_rule *out, struct diag_list *diags)
{
	out->rule = rule;
	out->severity = severity_of(rule->severity);
	out->usable = compile_pattern(rule, &rule->forbid_pattern, &out->forbid, diags);
	out->allow = xcalloc(rule->allow_pattern_count + 1, sizeof(*out->allow));
	for (size_t i = 0; i < rule->allow_pattern_count; i++)
		out->usable &= compile_pattern(rule, &rule->allow_patterns[i], &out->allow[i], diags);
	out->requirement = xcalloc(rule->requirement_count + 1, sizeof(*out->requirement));
	for (size_t i = 0; i < rule->requirement_count; i++)
		out->usable &= compile_pattern(rule, &rule->requirements[i].pattern, &out->requirement[i], diags);
}

static void release_rule(struct compiled_rule *compiled)
{
	pcre2_code_free(compiled->forbid.code);
	for (size_t i = 0; i < compiled->rule->allow_pattern_count; i++)
		pcre2_code_free(compiled->allow[i].code);
	for (size_t i = 0; i < compiled->rule->requirement_count; i++)
		pcre2_code_free(compiled->requirement[i].code);
	free(compiled->allow);
	free(compiled->requirement);
}

/* 1 match, 0 none, -1 the match limit was hit or matching failed. */
static int pattern_search(struct compliance_run *run, const pcre2_code *code, const char *subject, size_t length,
			  size_t start, size_t *match_start, size_t *match_end)
{
	int status = pcre2_match(code, (PCRE2_SPTR)subject, length, start, 0, run->match_data, run->match_context);
	if (status == PCRE2_ERROR_NOMATCH)
		return 0;
	if (status < 0)
		return -1;
	PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(run->match_data);
	*match_start = ovector[0];
	*match_end = ovector[1] < ovector[0] ? ovector[0] : ovector[1]; /* \K can put the end first */
	return 1;
}

static void report_limit(struct compliance_run *run, const struct compiled_rule *compiled, const char *file,
			 const struct model_text *pattern)
{
	struct diag *diag = diag_add(run->diags, DIAG_WARNING, "compliance-pattern-limit", pattern->location.file,
				     pattern->location.line, pattern->location.col,
				     "pattern of compliance rule '%s' hit the match limit on '%s'; the rest of the file "
				     "was not checked",
				     compiled->rule->id.text, file);
	diag_set_hint(diag, "simplify the pattern: nested quantifiers backtrack exponentially");
}

/* ---- selection ---- */

static bool scalar_equals(const struct model_scalar *scalar, const json_t *value)
{
	switch (scalar->type) {
	case MODEL_SCALAR_STRING:
		return json_is_string(value) && strcmp(json_string_value(value), scalar->string) == 0;
	case MODEL_SCALAR_NUMBER:
		return json_is_number(value) && json_number_value(value) == scalar->number;
	case MODEL_SCALAR_BOOLEAN:
		return json_is_boolean(value) && json_is_true(value) == scalar->boolean;
	}
	return false;
}

struct where_match {
	const struct model_where *where;
	bool matched;
};

static void where_visit(const json_t *value, const char *pointer, void *opaque)
{
	struct where_match *match = opaque;
	(void)pointer;
	for (size_t i = 0; value && i < match->where->value_count; i++)
		if (scalar_equals(&match->where->values[i], value))
			match->matched = true;
}

/* Every `where` entry holds: some value at its pointer equals one of its values. */
static bool where_holds(const struct model_compliance_rule *rule, const json_t *root)
{
	for (size_t i = 0; i < rule->where_count; i++) {
		struct where_match match = { &rule->where[i], false };
		compliance_pointer_walk(root, rule->where[i].pointer, where_visit, &match);
		if (!match.matched)
			return false;
	}
	return true;
}

static bool selects_file(const struct model_compliance_rule *rule, const struct project_file *file)
{
	if (rule->file_count) {
		bool selected = false;
		for (size_t i = 0; i < rule->file_count && !selected; i++)
			selected = classify_glob_match(rule->files[i], file->relative_path);
		for (size_t i = 0; i < rule->exclude_count && selected; i++)
			selected = !classify_glob_match(rule->exclude[i], file->relative_path);
		return selected;
	}
	if (!rule->kind.text || !file->kind || strcmp(file->kind->name, rule->kind.text) != 0)
		return false;
	return file->valid && file->document.root && where_holds(rule, file->document.root);
}

/* ---- forbid_pattern ---- */

/* 1-based line and column (in characters) of byte `offset` of `text`. */
static void line_col_at(const char *text, size_t offset, int *line, int *col)
{
	int line_number = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < offset; i++)
		if (text[i] == '\n') {
			line_number++;
			line_start = i + 1;
		}
	int column = 1;
	for (size_t i = line_start; i < offset; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			column++;
	*line = line_number;
	*col = column;
}

static bool excused(struct compliance_run *run, const struct compiled_rule *compiled, const char *text, size_t start,
		    size_t end)
{
	for (size_t i = 0; i < compiled->rule->allow_pattern_count; i++) {
		size_t allow_start, allow_end;
		if (pattern_search(run, compiled->allow[i].code, text + start, end - start, 0, &allow_start, &allow_end) == 1)
			return true;
	}
	return false;
}

static void check_forbidden(struct compliance_run *run, const struct compiled_rule *compiled,
			    const struct project_file *file)
{
	const struct load_document *document = &file->document;
	if (!document->text)
		return;
	const char *text = document->text;
	size_t length = document->text_length, position = 0, findings = 0;
	const struct model_compliance_rule *rule = compiled->rule;
	while (position <= length) {
		size_t start, end;
		int found = pattern_search(run, compiled->forbid.code, text, length, position, &start, &end);
		if (found < 0) {
			report_limit(run, compiled, file->path, &rule->forbid_pattern);
			return;
		}
		if (found == 0)
			break;
		/* the matched text is never quoted: this is where plaintext secrets are found */
		if (!excused(run, compiled, text, start, end)) {
			int line, col;
			line_col_at(text, start, &line, &col);
			if (++findings > COMPLIANCE_MAX_FINDINGS_PER_FILE) {
				diag_add(run->diags, compiled->severity, rule->id.text, file->path, line, col,
					 "'%s': more matches of the forbidden pattern in this file are not shown", rule->title);
				return;
			}
			diag_add(run->diags, compiled->severity, rule->id.text, file->path, line, col,
				 "'%s': the text matches the forbidden pattern", rule->title);
		}
		position = end > start ? end : end + 1;
		while (position < length && ((unsigned char)text[position] & 0xC0) == 0x80)
			position++; /* an empty match moves on by a whole character */
	}
}

/* ---- require ---- */

struct requirement_check {
	struct compliance_run *run;
	const struct compiled_rule *compiled;
	const struct model_requirement *requirement;
	const pcre2_code *pattern;
	const struct project_file *file;
};

/* A short rendering of a value for a message: 'text' (cut), a number, true/false, or its type. */
static void describe_value(const json_t *value, struct strbuf *out)
{
	strbuf_reset(out);
	if (json_is_string(value)) {
		const char *text = json_string_value(value);
		size_t length = strlen(text);
		if (length > COMPLIANCE_VALUE_QUOTE_MAX) {
			length = COMPLIANCE_VALUE_QUOTE_MAX;
			while (length > 0 && ((unsigned char)text[length] & 0xC0) == 0x80)
				length--;
			strbuf_addch(out, '\'');
			strbuf_add(out, text, length);
			strbuf_addstr(out, "...'");
		} else {
			strbuf_addf(out, "'%s'", text);
		}
	} else if (json_is_integer(value)) {
		strbuf_addf(out, "%lld", (long long)json_integer_value(value));
	} else if (json_is_real(value)) {
		strbuf_addf(out, "%g", json_real_value(value));
	} else if (json_is_boolean(value)) {
		strbuf_addstr(out, json_is_true(value) ? "true" : "false");
	} else if (json_is_null(value)) {
		strbuf_addstr(out, "null");
	} else if (json_is_array(value)) {
		strbuf_addstr(out, "a list");
	} else {
		strbuf_addstr(out, "a mapping");
	}
}

static void describe_scalar(const struct model_scalar *scalar, struct strbuf *out)
{
	switch (scalar->type) {
	case MODEL_SCALAR_STRING:
		strbuf_addf(out, "'%s'", scalar->string);
		break;
	case MODEL_SCALAR_NUMBER:
		strbuf_addf(out, "%g", scalar->number);
		break;
	case MODEL_SCALAR_BOOLEAN:
		strbuf_addstr(out, scalar->boolean ? "true" : "false");
		break;
	}
}

/* What is wrong with `value` (NULL: it is missing), in `problem`; false when nothing is. */
static bool requirement_problem(struct requirement_check *check, const json_t *value, struct strbuf *problem)
{
	const struct model_requirement *requirement = check->requirement;
	struct strbuf shown;
	strbuf_init(&shown);
	strbuf_reset(problem);
	if (requirement->has_exists && !requirement->exists) {
		if (value)
			strbuf_addstr(problem, "must not be present");
		goto done;
	}
	if (!value) {
		strbuf_addstr(problem, "is missing");
		goto done;
	}
	describe_value(value, &shown);
	if (requirement->has_equals && !scalar_equals(&requirement->equals, value)) {
		strbuf_addf(problem, "is %s, expected ", shown.buf);
		describe_scalar(&requirement->equals, problem);
		goto done;
	}
	if (requirement->one_of_count) {
		bool any = false;
		for (size_t i = 0; i < requirement->one_of_count && !any; i++)
			any = scalar_equals(&requirement->one_of[i], value);
		if (!any) {
			strbuf_addf(problem, "is %s, expected one of ", shown.buf);
			for (size_t i = 0; i < requirement->one_of_count; i++) {
				if (i)
					strbuf_addstr(problem, ", ");
				describe_scalar(&requirement->one_of[i], problem);
			}
			goto done;
		}
	}
	if (check->pattern) {
		if (!json_is_string(value)) {
			strbuf_addf(problem, "is %s, not a string matching '%s'", shown.buf, requirement->pattern.text);
			goto done;
		}
		size_t start, end;
		const char *text = json_string_value(value);
		int found = pattern_search(check->run, check->pattern, text, json_string_length(value), 0, &start, &end);
		if (found < 0) {
			strbuf_addf(problem, "could not be checked against '%s': the match limit was hit",
				    requirement->pattern.text);
			goto done;
		}
		if (found == 0) {
			strbuf_addf(problem, "is %s, which does not match '%s'", shown.buf, requirement->pattern.text);
			goto done;
		}
	}
	if (requirement->has_min || requirement->has_max) {
		if (!json_is_number(value)) {
			strbuf_addf(problem, "is %s, not a number", shown.buf);
			goto done;
		}
		double number = json_number_value(value);
		if (requirement->has_min && number < requirement->min)
			strbuf_addf(problem, "is %s, less than the minimum %g", shown.buf, requirement->min);
		else if (requirement->has_max && number > requirement->max)
			strbuf_addf(problem, "is %s, more than the maximum %g", shown.buf, requirement->max);
	}
done:
	strbuf_release(&shown);
	return problem->len > 0;
}

static void requirement_visit(const json_t *value, const char *pointer, void *opaque)
{
	struct requirement_check *check = opaque;
	struct strbuf problem;
	strbuf_init(&problem);
	if (requirement_problem(check, value, &problem)) {
		/* a missing value is reported where its closest existing parent is */
		const struct load_position *position = value ? load_position_at(&check->file->document, pointer) : NULL;
		if (!position)
			position = load_position_nearest(&check->file->document, pointer);
		int line = position ? position->line : 0, col = position ? position->col : 0;
		if (!value && position && position->has_key) { /* the parent's key names what lacks the value */
			line = position->key_line;
			col = position->key_col;
		}
		const struct model_compliance_rule *rule = check->compiled->rule;
		struct diag *diag = diag_add(check->run->diags, check->compiled->severity, rule->id.text,
					     check->file->path, line, col,
					     "'%s': '%s' %s", rule->title, pointer, problem.buf);
		const struct model_location *at = &check->requirement->location;
		diag_add_related(diag, at->file, at->line, at->col, "required by compliance rule '%s' here", rule->id.text);
	}
	strbuf_release(&problem);
}

static void check_requirements(struct compliance_run *run, const struct compiled_rule *compiled,
			       const struct project_file *file)
{
	if (!file->valid || !file->document.root)
		return;
	for (size_t i = 0; i < compiled->rule->requirement_count; i++) {
		struct requirement_check check = { run, compiled, &compiled->rule->requirements[i],
						   compiled->requirement[i].code, file };
		compliance_pointer_walk(file->document.root, check.requirement->path, requirement_visit, &check);
	}
}

/* ---- the family ---- */

void lint_compliance(const struct lint_context *context, struct diag_list *diags)
{
	const struct model *model = context->model;
	size_t rule_count = 0;
	for (size_t f = 0; f < model->compliance_rules_count; f++)
		rule_count += model->compliance_rules[f].rule_count;
	if (!rule_count)
		return;
	struct compiled_rule *compiled = xcalloc(rule_count, sizeof(*compiled));
	size_t count = 0;
	for (size_t f = 0; f < model->compliance_rules_count; f++)
		for (size_t i = 0; i < model->compliance_rules[f].rule_count; i++)
			compile_rule(&model->compliance_rules[f].rules[i], &compiled[count++], diags);

	struct compliance_run run = { context, diags, pcre2_match_context_create(NULL),
				      pcre2_match_data_create(16, NULL) };
	pcre2_set_match_limit(run.match_context, COMPLIANCE_MATCH_LIMIT);
	pcre2_set_depth_limit(run.match_context, COMPLIANCE_DEPTH_LIMIT);

	const struct project *project = context->project;
	for (size_t r = 0; r < count; r++) {
		if (!compiled[r].usable || !compiled[r].rule->id.text)
			continue;
		for (size_t f = 0; f < project->file_count; f++) {
			const struct project_file *file = &project->files[f];
			if (!selects_file(compiled[r].rule, file))
				continue;
			if (compiled[r].forbid.code)
				check_forbidden(&run, &compiled[r], file);
			else
				check_requirements(&run, &compiled[r], file);
		}
	}

	pcre2_match_data_free(run.match_data);
	pcre2_match_context_free(run.match_context);
	for (size_t r = 0; r < count; r++)
		release_rule(&compiled[r]);
	free(compiled);
}
