/* Secret scanning over every text file of the tree: keyword prefilter, the PCRE2 patterns of
 * secret_rules.c, entropy, allowlists and allow comments; findings are reported redacted. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrets.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint.h"
#include "util.h"
#include "banned.h"

#define SECRETS_MATCH_LIMIT 1000000u
#define SECRETS_MAX_FILE_SIZE (2u << 20) /* larger files are data or generated, not config */
#define SECRETS_MAX_DEPTH 32

/* Values that are never secrets: gitleaks' global allowlist (regexes and stopwords), then
 * goosec's placeholders (documentation examples, template variables, angle-bracket slots). */
static const char *const global_allow_patterns[] = {
	"(?i)^true|false|null$",
	"^(?i:a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|q+|r+|s+|t+|u+|v+|w+|x+|y+|z+|\\*+|\\.+)$",
	"^\\$(?:\\d+|{\\d+})$",
	"^\\$(?:[A-Z_]+|[a-z_]+)$",
	"^\\${(?:[A-Z_]+|[a-z_]+)}$",
	"^\\{\\{[ \\t]*[\\w ().|]+[ \\t]*}}$",
	"^\\$\\{\\{[ \\t]*(?:(?:env|github|secrets|vars)(?:\\.[A-Za-z]\\w+)+[\\w \"'&./=|]*)[ \\t]*}}$",
	"^%(?:[A-Z_]+|[a-z_]+)%$",
	"^%[+\\-# 0]?[bcdeEfFgGoOpqstTUvxX]$",
	"^\\{\\d{0,2}}$",
	"^@(?:[A-Z_]+|[a-z_]+)@$",
	"^/Users/(?i)[a-z0-9]+/[\\w .-/]+$",
	"^/(?:bin|etc|home|opt|tmp|usr|var)/[\\w ./-]+$",
	"(?i)014df517-39d1-4453-b7b3-9930c563627c|abcdefghijklmnopqrstuvwxyz",
	"(?i)example|xxxx|placeholder|redacted",
	"^<[^<>]*>$",
	"^\\$\\{[^}]*\\}$",
	"^\\$\\([^)]*\\)$",
};

static const char *const allow_comments[] = { "goosec:allow-secret", "gitleaks:allow" };

struct secrets_compiled_rule {
	pcre2_code *code;
	pcre2_code *allow_secret, *allow_match, *allow_line;
};

static pcre2_code *compile(const char *pattern, char **error)
{
	int code;
	PCRE2_SIZE offset;
	pcre2_code *compiled = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY, &code,
					     &offset, NULL);
	if (!compiled) {
		PCRE2_UCHAR message[256];
		pcre2_get_error_message(code, message, sizeof(message));
		*error = xasprintf("'%s' at offset %zu: %s", pattern, (size_t)offset, (const char *)message);
		return NULL;
	}
	pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
	return compiled;
}

/* Distinct keywords, and for each bigram the keywords that start with it (a counting sort). */
static void build_keyword_index(struct secrets_scanner *scanner)
{
	size_t alloc = 0;
	scanner->rule_keywords = xcalloc(secrets_rule_count ? secrets_rule_count : 1, sizeof(*scanner->rule_keywords));
	for (size_t r = 0; r < secrets_rule_count; r++) {
		for (size_t k = 0; k < SECRETS_MAX_KEYWORDS && secrets_rules[r].keywords[k]; k++) {
			const char *keyword = secrets_rules[r].keywords[k];
			size_t index = 0;
			while (index < scanner->keyword_count && strcmp(scanner->keywords[index], keyword) != 0)
				index++;
			if (index == scanner->keyword_count) {
				ALLOC_GROW(scanner->keywords, scanner->keyword_count + 1, alloc);
				scanner->keywords[scanner->keyword_count++] = keyword;
			}
			scanner->rule_keywords[r][k] = (uint32_t)index;
		}
	}
	scanner->keyword_lengths = xcalloc(scanner->keyword_count ? scanner->keyword_count : 1, sizeof(size_t));
	scanner->keywords_by_bigram = xcalloc(65537, sizeof(uint32_t));
	scanner->keyword_order = xcalloc(scanner->keyword_count ? scanner->keyword_count : 1, sizeof(uint32_t));
	for (size_t i = 0; i < scanner->keyword_count; i++) {
		const unsigned char *keyword = (const unsigned char *)scanner->keywords[i];
		scanner->keyword_lengths[i] = strlen(scanner->keywords[i]);
		if (scanner->keyword_lengths[i] >= 2)
			scanner->keywords_by_bigram[(keyword[0] << 8 | keyword[1]) + 1]++;
	}
	for (size_t bigram = 1; bigram <= 65536; bigram++)
		scanner->keywords_by_bigram[bigram] += scanner->keywords_by_bigram[bigram - 1];
	uint32_t *next = xcalloc(65536, sizeof(uint32_t));
	for (size_t i = 0; i < scanner->keyword_count; i++) {
		const unsigned char *keyword = (const unsigned char *)scanner->keywords[i];
		if (scanner->keyword_lengths[i] < 2)
			continue;
		unsigned bigram = keyword[0] << 8 | keyword[1];
		scanner->keyword_order[scanner->keywords_by_bigram[bigram] + next[bigram]++] = (uint32_t)i;
	}
	free(next);
}

/* Marks in `present` every keyword that `lower` (already lowercase) contains, in one pass. */
static void find_keywords(const struct secrets_scanner *scanner, const char *lower, size_t length, bool *present)
{
	for (size_t i = 0; i < scanner->keyword_count; i++)
		if (scanner->keyword_lengths[i] < 2)
			present[i] = scanner->keyword_lengths[i] == 0 || memchr(lower, scanner->keywords[i][0], length);
	const unsigned char *text = (const unsigned char *)lower;
	for (size_t at = 0; at + 1 < length; at++) {
		unsigned bigram = text[at] << 8 | text[at + 1];
		for (uint32_t slot = scanner->keywords_by_bigram[bigram]; slot < scanner->keywords_by_bigram[bigram + 1]; slot++) {
			uint32_t index = scanner->keyword_order[slot];
			size_t keyword_length = scanner->keyword_lengths[index];
			if (!present[index] && keyword_length <= length - at &&
			    memcmp(lower + at, scanner->keywords[index], keyword_length) == 0)
				present[index] = true;
		}
	}
}

int secrets_scanner_init(struct secrets_scanner *scanner, char **error)
{
	memset(scanner, 0, sizeof(*scanner));
	*error = NULL;
	scanner->rule_count = secrets_rule_count;
	scanner->rules = xcalloc(secrets_rule_count, sizeof(*scanner->rules));
	uint32_t most_groups = 1;
	for (size_t i = 0; i < secrets_rule_count && !*error; i++) {
		const struct secrets_rule *rule = &secrets_rules[i];
		struct secrets_compiled_rule *compiled = &scanner->rules[i];
		compiled->code = compile(rule->pattern, error);
		if (compiled->code) {
			uint32_t groups = 0;
			pcre2_pattern_info(compiled->code, PCRE2_INFO_CAPTURECOUNT, &groups);
			if (groups + 1 > most_groups)
				most_groups = groups + 1;
		}
		if (!*error && rule->allow_secret)
			compiled->allow_secret = compile(rule->allow_secret, error);
		if (!*error && rule->allow_match)
			compiled->allow_match = compile(rule->allow_match, error);
		if (!*error && rule->allow_line)
			compiled->allow_line = compile(rule->allow_line, error);
	}
	if (!*error) {
		struct strbuf global;
		strbuf_init(&global);
		for (size_t i = 0; i < sizeof(global_allow_patterns) / sizeof(global_allow_patterns[0]); i++)
			strbuf_addf(&global, "%s(?:%s)", i ? "|" : "", global_allow_patterns[i]);
		scanner->global_allow = compile(global.buf, error);
		strbuf_release(&global);
	}
	build_keyword_index(scanner);
	scanner->match_context = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(scanner->match_context, SECRETS_MATCH_LIMIT);
	scanner->match_data = pcre2_match_data_create(most_groups, NULL);
	if (*error) {
		secrets_scanner_release(scanner);
		return -1;
	}
	return 0;
}

void secrets_scanner_release(struct secrets_scanner *scanner)
{
	for (size_t i = 0; scanner->rules && i < scanner->rule_count; i++) {
		pcre2_code_free(scanner->rules[i].code);
		pcre2_code_free(scanner->rules[i].allow_secret);
		pcre2_code_free(scanner->rules[i].allow_match);
		pcre2_code_free(scanner->rules[i].allow_line);
	}
	free(scanner->rules);
	pcre2_code_free(scanner->global_allow);
	pcre2_match_context_free(scanner->match_context);
	pcre2_match_data_free(scanner->match_data);
	free(scanner->keywords);
	free(scanner->keyword_lengths);
	free(scanner->keywords_by_bigram);
	free(scanner->keyword_order);
	free(scanner->rule_keywords);
	memset(scanner, 0, sizeof(*scanner));
}

double secrets_entropy(const char *text, size_t length)
{
	if (length == 0)
		return 0;
	size_t counts[256] = { 0 };
	for (size_t i = 0; i < length; i++)
		counts[(unsigned char)text[i]]++;
	double entropy = 0;
	for (size_t i = 0; i < 256; i++) {
		if (!counts[i])
			continue;
		double share = (double)counts[i] / (double)length;
		entropy -= share * log2(share);
	}
	return entropy;
}

char *secrets_redacted_preview(const char *secret, size_t length)
{
	size_t shown = length / 8 < 4 ? length / 8 : 4;
	size_t printable = 0;
	while (printable < shown && secret[printable] > ' ' && secret[printable] < 0x7f && secret[printable] != '\'')
		printable++;
	return xasprintf("%.*s\xe2\x80\xa6", (int)printable, secret);
}

/* Whether `subject` matches `code` anywhere. */
static bool matches(const struct secrets_scanner *scanner, const pcre2_code *code, const char *subject, size_t length)
{
	if (!code)
		return false;
	pcre2_match_data *data = pcre2_match_data_create(1, NULL);
	int result = pcre2_match(code, (PCRE2_SPTR)subject, length, 0, 0, data, scanner->match_context);
	pcre2_match_data_free(data);
	return result >= 0;
}

static bool contains(const char *haystack, size_t length, const char *needle)
{
	size_t needle_length = strlen(needle);
	if (needle_length == 0)
		return true;
	for (const char *at = haystack; length >= needle_length;) {
		const char *first = memchr(at, needle[0], length - needle_length + 1);
		if (!first)
			return false;
		if (memcmp(first, needle, needle_length) == 0)
			return true;
		length -= (size_t)(first - at) + 1;
		at = first + 1;
	}
	return false;
}

static const char *line_start(const char *text, size_t offset)
{
	while (offset > 0 && text[offset - 1] != '\n')
		offset--;
	return text + offset;
}

static const char *line_end(const char *text, size_t length, size_t offset)
{
	const char *newline = memchr(text + offset, '\n', length - offset);
	return newline ? newline : text + length;
}

static bool has_allow_comment(const char *text, size_t length, size_t from, size_t to)
{
	const char *start = line_start(text, from), *end = line_end(text, length, to);
	for (size_t i = 0; i < sizeof(allow_comments) / sizeof(allow_comments[0]); i++)
		if (contains(start, (size_t)(end - start), allow_comments[i]))
			return true;
	return false;
}

static bool has_digit(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (text[i] >= '0' && text[i] <= '9')
			return true;
	return false;
}

struct finding_list {
	struct secrets_finding *items;
	size_t count, alloc;
};

/* Tries one match of a rule; true (and a filled `finding`) when it is reported. */
static bool judge(const struct secrets_scanner *scanner, size_t rule_index, const char *text, size_t length,
		  const PCRE2_SIZE *ovector, int groups, struct secrets_finding *finding)
{
	const struct secrets_rule *rule = &secrets_rules[rule_index];
	const struct secrets_compiled_rule *compiled = &scanner->rules[rule_index];
	size_t match_start = ovector[0], match_end = ovector[1];
	size_t secret_start = match_start, secret_end = match_end;
	if (rule->secret_group > 0 && rule->secret_group < groups && ovector[2 * rule->secret_group] != PCRE2_UNSET) {
		secret_start = ovector[2 * rule->secret_group];
		secret_end = ovector[2 * rule->secret_group + 1];
	} else if (rule->secret_group == 0) {
		for (int g = 1; g < groups; g++)
			if (ovector[2 * g] != PCRE2_UNSET && ovector[2 * g + 1] > ovector[2 * g]) {
				secret_start = ovector[2 * g];
				secret_end = ovector[2 * g + 1];
				break;
			}
	}
	const char *secret = text + secret_start;
	size_t secret_length = secret_end - secret_start;
	if (secret_length == 0)
		return false;
	if (rule->entropy > 0 && secrets_entropy(secret, secret_length) < rule->entropy)
		return false;
	if (rule->generic && rule->gitleaks_id && !has_digit(secret, secret_length))
		return false; /* gitleaks: a generic secret without a digit is most likely a word */
	if (matches(scanner, scanner->global_allow, secret, secret_length) ||
	    matches(scanner, compiled->allow_secret, secret, secret_length) ||
	    matches(scanner, compiled->allow_match, text + match_start, match_end - match_start))
		return false;
	if (compiled->allow_line) {
		const char *start = line_start(text, match_start), *end = line_end(text, length, match_start);
		if (matches(scanner, compiled->allow_line, start, (size_t)(end - start)))
			return false;
	}
	if (has_allow_comment(text, length, match_start, match_end > match_start ? match_end - 1 : match_start))
		return false;
	finding->rule = rule_index;
	finding->offset = secret_start;
	finding->length = secret_length;
	return true;
}

static void scan_rule(const struct secrets_scanner *scanner, size_t rule_index, const char *text, size_t length,
		      struct finding_list *findings)
{
	pcre2_match_data *data = scanner->match_data;
	size_t start = 0;
	while (start <= length) {
		int groups = pcre2_match(scanner->rules[rule_index].code, (PCRE2_SPTR)text, length, start, 0, data,
					 scanner->match_context);
		if (groups < 0)
			break; /* no match, or the match limit: this rule gives up on this text */
		const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data);
		size_t match_end = ovector[1];
		struct secrets_finding finding;
		if (judge(scanner, rule_index, text, length, ovector, groups, &finding)) {
			ALLOC_GROW(findings->items, findings->count + 1, findings->alloc);
			findings->items[findings->count++] = finding;
		}
		start = match_end > ovector[0] ? match_end : ovector[0] + 1;
	}
}

static int compare_findings(const void *left, const void *right)
{
	const struct secrets_finding *a = left, *b = right;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static void locate(const char *text, struct secrets_finding *finding)
{
	int line = 1, col = 1;
	for (size_t i = 0; i < finding->offset; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	finding->line = line;
	finding->col = col;
}

/* gitleaks' filter: a generic finding yields to a specific one on the same line whose secret
 * contains it. Beyond gitleaks, a finding inside a longer finding's span (a short token pattern
 * matching the start of a longer one) yields too: one secret, one diagnostic. */
static bool superseded(const struct finding_list *findings, size_t index, const char *text)
{
	const struct secrets_finding *generic = &findings->items[index];
	for (size_t i = 0; i < findings->count; i++) {
		const struct secrets_finding *other = &findings->items[i];
		if (i != index && other->length > generic->length && other->offset <= generic->offset &&
		    other->offset + other->length >= generic->offset + generic->length)
			return true;
	}
	if (!secrets_rules[generic->rule].generic)
		return false;
	for (size_t i = 0; i < findings->count; i++) {
		const struct secrets_finding *other = &findings->items[i];
		if (i == index || secrets_rules[other->rule].generic || other->line != generic->line)
			continue;
		char *needle = xstrndup(text + generic->offset, generic->length);
		bool inside = contains(text + other->offset, other->length, needle);
		free(needle);
		if (inside)
			return true;
	}
	return false;
}

size_t secrets_scan(const struct secrets_scanner *scanner, const char *text, size_t length,
		    void (*found)(const struct secrets_finding *finding, void *opaque), void *opaque)
{
	/* the prefilter: one lowercase copy, one pass for every keyword it holds */
	char *lower = xmalloc(length + 1);
	for (size_t i = 0; i < length; i++)
		lower[i] = (text[i] >= 'A' && text[i] <= 'Z') ? (char)(text[i] + 32) : text[i];
	lower[length] = '\0';

	bool *present = xcalloc(scanner->keyword_count ? scanner->keyword_count : 1, sizeof(bool));
	find_keywords(scanner, lower, length, present);
	struct finding_list findings = { NULL, 0, 0 };
	for (size_t r = 0; r < scanner->rule_count; r++) {
		const struct secrets_rule *rule = &secrets_rules[r];
		bool wanted = rule->keywords[0] == NULL;
		for (size_t k = 0; !wanted && k < SECRETS_MAX_KEYWORDS && rule->keywords[k]; k++)
			wanted = present[scanner->rule_keywords[r][k]];
		if (wanted)
			scan_rule(scanner, r, text, length, &findings);
	}
	free(present);
	free(lower);

	if (findings.count > 1)
		qsort(findings.items, findings.count, sizeof(*findings.items), compare_findings);
	for (size_t i = 0; i < findings.count; i++)
		locate(text, &findings.items[i]);
	size_t reported = 0;
	for (size_t i = 0; i < findings.count; i++) {
		if (superseded(&findings, i, text))
			continue;
		reported++;
		if (found)
			found(&findings.items[i], opaque);
	}
	free(findings.items);
	return reported;
}

struct report_state {
	const char *path, *text;
	struct diag_list *diags;
	struct secrets_finding *findings;
	size_t count, alloc;
};

static void collect(const struct secrets_finding *finding, void *opaque)
{
	struct report_state *state = opaque;
	ALLOC_GROW(state->findings, state->count + 1, state->alloc);
	state->findings[state->count++] = *finding;
}

size_t secrets_report(const struct secrets_scanner *scanner, const char *path, const char *text, size_t length,
		      struct diag_list *diags)
{
	struct report_state state = { path, text, diags, NULL, 0, 0 };
	secrets_scan(scanner, text, length, collect, &state);
	for (size_t i = 0; i < state.count; i++) {
		const struct secrets_finding *finding = &state.findings[i];
		const struct secrets_rule *rule = &secrets_rules[finding->rule];
		char *preview = secrets_redacted_preview(text + finding->offset, finding->length);
		struct diag *diag = diag_add(diags, DIAG_ERROR, rule->id, path, finding->line, finding->col,
					     "possible secret (%s): '%s' (%zu characters, redacted)",
					     rule->gitleaks_id ? rule->gitleaks_id : rule->id + 7, preview, finding->length);
		diag_set_hint(diag, "move it to a secret store and rotate it; if it is not a secret, end the line "
				    "with '# goosec:allow-secret'");
		free(preview);
	}
	/* a quoted line must not show the secret */
	for (size_t i = 0; i < state.count; i++)
		diag_mask_source(diags, path, text, length, state.findings[i].offset, state.findings[i].length);
	size_t count = state.count;
	free(state.findings);
	return count;
}

/* ---- .goosecignore ---- */

void secrets_ignore_init(struct secrets_ignore *ignore)
{
	memset(ignore, 0, sizeof(*ignore));
}

void secrets_ignore_release(struct secrets_ignore *ignore)
{
	for (size_t i = 0; i < ignore->count; i++)
		free(ignore->patterns[i]);
	free(ignore->patterns);
	memset(ignore, 0, sizeof(*ignore));
}

void secrets_ignore_parse(struct secrets_ignore *ignore, const char *text, size_t length)
{
	const char *end = text + length;
	for (const char *line = text; line < end;) {
		const char *newline = memchr(line, '\n', (size_t)(end - line));
		const char *stop = newline ? newline : end;
		while (stop > line && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r'))
			stop--;
		if (stop > line && line[0] != '#') {
			ALLOC_GROW(ignore->patterns, ignore->count + 1, ignore->alloc);
			ignore->patterns[ignore->count++] = xstrndup(line, (size_t)(stop - line));
		}
		line = newline ? newline + 1 : end;
	}
}

static bool pattern_matches(const char *raw, const char *relative_path, bool is_directory)
{
	char *pattern = xstrdup(raw);
	size_t length = strlen(pattern);
	bool directory_only = length > 1 && pattern[length - 1] == '/';
	if (directory_only)
		pattern[--length] = '\0';
	const char *glob = pattern[0] == '/' ? pattern + 1 : pattern;
	bool anchored = pattern[0] == '/' || strchr(glob, '/') != NULL;
	bool result = false;
	if (!directory_only || is_directory) {
		if (anchored) {
			int flags = strstr(glob, "**") ? 0 : FNM_PATHNAME;
			result = fnmatch(glob, relative_path, flags) == 0;
		} else {
			const char *slash = strrchr(relative_path, '/');
			result = fnmatch(glob, slash ? slash + 1 : relative_path, 0) == 0;
		}
	}
	free(pattern);
	return result;
}

bool secrets_ignore_match(const struct secrets_ignore *ignore, const char *relative_path, bool is_directory)
{
	bool ignored = false;
	for (size_t i = 0; i < ignore->count; i++) {
		const char *pattern = ignore->patterns[i];
		bool negated = pattern[0] == '!';
		if (pattern_matches(negated ? pattern + 1 : pattern, relative_path, is_directory))
			ignored = !negated; /* the last matching line decides, as in gitignore */
	}
	return ignored;
}

/* ---- the tree walk ---- */

struct walk_state {
	const struct secrets_scanner *scanner;
	const struct secrets_ignore *ignore;
	const char *output; /* the build output folder, relative to the root */
	struct diag_list *diags;
};

static int compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

static bool is_skipped_folder(const struct walk_state *state, const char *name, const char *relative)
{
	return strcmp(name, ".git") == 0 || strcmp(name, ".goosec-cache") == 0 || strcmp(name, "node_modules") == 0 ||
	       strcmp(relative, state->output) == 0;
}

static void scan_file(const struct walk_state *state, const char *path, const struct stat *info)
{
	if (info->st_size <= 0 || (unsigned long long)info->st_size > SECRETS_MAX_FILE_SIZE)
		return;
	char *data = NULL;
	size_t length = 0;
	if (read_file_bytes(path, SECRETS_MAX_FILE_SIZE, &data, &length) != 0)
		return; /* unreadable files are load's to report when they matter */
	if (!memchr(data, '\0', length))
		secrets_report(state->scanner, path, data, length, state->diags);
	free(data);
}

static void walk(const struct walk_state *state, const char *directory, const char *relative, int depth)
{
	if (depth > SECRETS_MAX_DEPTH)
		return;
	DIR *dir = opendir(directory);
	if (!dir)
		return;
	char **names = NULL;
	size_t count = 0, alloc = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		ALLOC_GROW(names, count + 1, alloc);
		names[count++] = xstrdup(entry->d_name);
	}
	closedir(dir);
	if (count)
		qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		const char *name = names[i];
		char *path = strcmp(directory, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", directory, name);
		char *child = *relative ? xasprintf("%s/%s", relative, name) : xstrdup(name);
		struct stat info;
		if (lstat(path, &info) == 0) { /* symlinks are skipped: they may leave the tree or loop */
			if (S_ISDIR(info.st_mode)) {
				if (!is_skipped_folder(state, name, child) && !secrets_ignore_match(state->ignore, child, true))
					walk(state, path, child, depth + 1);
			} else if (S_ISREG(info.st_mode) && !secrets_ignore_match(state->ignore, child, false)) {
				scan_file(state, path, &info);
			}
		}
		free(path);
		free(child);
		free(names[i]);
	}
	free(names);
}

void lint_secrets(const struct lint_context *context, struct diag_list *diags)
{
	const struct project *project = context->project;
	if (!project || !project->root)
		return;
	struct secrets_scanner scanner;
	char *error = NULL;
	if (secrets_scanner_init(&scanner, &error) != 0) {
		diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "a built-in secret rule does not compile: %s", error);
		free(error);
		return;
	}
	const char *output = "build";
	if (context->model && context->model->project_count > 0 && context->model->projects[0].output)
		output = context->model->projects[0].output;
	while (output[0] == '.' && output[1] == '/')
		output += 2;
	char *output_folder = xstrdup(output);
	size_t output_length = strlen(output_folder);
	while (output_length > 1 && output_folder[output_length - 1] == '/')
		output_folder[--output_length] = '\0';

	struct secrets_ignore ignore;
	secrets_ignore_init(&ignore);
	char *ignore_path = strcmp(project->root, ".") == 0 ? xstrdup(".goosecignore")
							      : xasprintf("%s/.goosecignore", project->root);
	char *ignore_text = NULL;
	size_t ignore_length = 0;
	if (read_file_bytes(ignore_path, 1u << 20, &ignore_text, &ignore_length) == 0)
		secrets_ignore_parse(&ignore, ignore_text, ignore_length);
	free(ignore_text);
	free(ignore_path);

	struct walk_state state = { &scanner, &ignore, output_folder, diags };
	walk(&state, project->root, "", 0);

	secrets_ignore_release(&ignore);
	free(output_folder);
	secrets_scanner_release(&scanner);
}
