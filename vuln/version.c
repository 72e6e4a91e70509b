/* Version ordering per ecosystem: SemVer and its npm/Go variants, PEP 440 (with packaging's
 * legacy fallback), dpkg, Maven and apk, as OSV range matching needs them. No allocation except
 * legacy PyPI keys and Maven token lists. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "version.h"
#include "banned.h"

struct span {
	const char *start;
	size_t length;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static char to_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }
static int sign(int value) { return (value > 0) - (value < 0); }

/* Orders two decimal digit strings of any length by value (an empty string is zero). */
static int compare_numeric(struct span a, struct span b)
{
	while (a.length > 0 && a.start[0] == '0') {
		a.start++;
		a.length--;
	}
	while (b.length > 0 && b.start[0] == '0') {
		b.start++;
		b.length--;
	}
	if (a.length != b.length)
		return a.length < b.length ? -1 : 1;
	return a.length == 0 ? 0 : sign(memcmp(a.start, b.start, a.length));
}

static struct span read_digits(const char **cursor, const char *end)
{
	struct span digits = { *cursor, 0 };
	while (*cursor < end && is_digit(**cursor)) {
		(*cursor)++;
		digits.length++;
	}
	return digits;
}

/* ---- SemVer family ---------------------------------------------------------------------- */

struct semver {
	struct span core[3]; /* a missing component has length 0 and counts as 0 */
	struct span prerelease;
	bool has_prerelease;
};

static bool is_identifier_char(char c) { return is_digit(c) || is_alpha(c) || c == '-'; }

/* Dot-separated, non-empty identifiers of [0-9A-Za-z-]. */
static bool valid_identifiers(struct span text)
{
	if (text.length == 0)
		return false;
	size_t run = 0;
	for (size_t i = 0; i < text.length; i++) {
		char c = text.start[i];
		if (c == '.') {
			if (run == 0)
				return false;
			run = 0;
		} else if (is_identifier_char(c)) {
			run++;
		} else {
			return false;
		}
	}
	return run > 0;
}

/* Accepts 1 to 3 numeric components (missing ones are 0), leading zeros, and a 'v' prefix, as
 * OSV's own comparators do; numeric components after the third are build metadata. npm also
 * accepts node-semver's loose forms: leading '=', 'v' and spaces, a prerelease without '-'. */
static int parse_semver(enum version_ecosystem ecosystem, const char *text, struct semver *version)
{
	memset(version, 0, sizeof(*version));
	const char *cursor = text;
	const char *end = text + strlen(text);
	if (ecosystem == VERSION_NPM) {
		while (cursor < end && (is_space(*cursor) || *cursor == '=' || *cursor == 'v' || *cursor == 'V'))
			cursor++;
		while (end > cursor && is_space(end[-1]))
			end--;
	} else if (*cursor == 'v') {
		cursor++;
	}
	if (cursor == end || !is_digit(*cursor))
		return -1;
	version->core[0] = read_digits(&cursor, end);
	int count = 1;
	while (cursor + 1 < end && cursor[0] == '.' && is_digit(cursor[1])) {
		if (count == 3) {
			/* A fourth component: the rest is build metadata, so it does not order. */
			struct span rest = { cursor + 1, (size_t)(end - cursor - 1) };
			for (size_t i = 0; i < rest.length; i++)
				if (!is_identifier_char(rest.start[i]) && rest.start[i] != '.' && rest.start[i] != '+')
					return -1;
			return 0;
		}
		cursor++;
		version->core[count++] = read_digits(&cursor, end);
	}
	if (cursor < end && (*cursor == '-' || (ecosystem == VERSION_NPM && is_alpha(*cursor)))) {
		if (*cursor == '-')
			cursor++;
		const char *start = cursor;
		while (cursor < end && *cursor != '+')
			cursor++;
		version->prerelease = (struct span){ start, (size_t)(cursor - start) };
		version->has_prerelease = true;
		if (!valid_identifiers(version->prerelease))
			return -1;
	}
	if (cursor < end && *cursor == '+') {
		struct span build = { cursor + 1, (size_t)(end - cursor - 1) };
		if (!valid_identifiers(build))
			return -1;
		cursor = end;
	}
	return cursor == end ? 0 : -1;
}

static bool all_digits(struct span text)
{
	if (text.length == 0)
		return false;
	for (size_t i = 0; i < text.length; i++)
		if (!is_digit(text.start[i]))
			return false;
	return true;
}

/* Splits off the next dot-separated identifier of *rest. */
static struct span next_identifier(struct span *rest)
{
	const char *dot = memchr(rest->start, '.', rest->length);
	size_t length = dot ? (size_t)(dot - rest->start) : rest->length;
	struct span identifier = { rest->start, length };
	size_t skip = dot ? length + 1 : length;
	rest->start += skip;
	rest->length -= skip;
	return identifier;
}

static int compare_bytes(struct span a, struct span b)
{
	size_t shorter = a.length < b.length ? a.length : b.length;
	int order = shorter ? memcmp(a.start, b.start, shorter) : 0;
	if (order != 0)
		return sign(order);
	return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1);
}

/* SemVer 2.0 rule 11: numeric identifiers by value, below alphanumeric ones (ASCII order);
 * a shorter list that is a prefix of the longer orders first. */
static int compare_prerelease(struct span a, struct span b)
{
	while (a.length > 0 && b.length > 0) {
		struct span left = next_identifier(&a), right = next_identifier(&b);
		bool left_numeric = all_digits(left), right_numeric = all_digits(right);
		int order;
		if (left_numeric && right_numeric)
			order = compare_numeric(left, right);
		else if (left_numeric != right_numeric)
			order = left_numeric ? -1 : 1;
		else
			order = compare_bytes(left, right);
		if (order != 0)
			return order;
	}
	return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1);
}

static int compare_semver(const struct semver *a, const struct semver *b)
{
	for (int i = 0; i < 3; i++) {
		int order = compare_numeric(a->core[i], b->core[i]);
		if (order != 0)
			return order;
	}
	if (a->has_prerelease != b->has_prerelease)
		return a->has_prerelease ? -1 : 1;
	return a->has_prerelease ? compare_prerelease(a->prerelease, b->prerelease) : 0;
}

/* ---- PyPI: PEP 440 ---------------------------------------------------------------------- */

enum pep440_pre { PRE_NONE, PRE_ALPHA, PRE_BETA, PRE_RC };

struct pep440 {
	struct span epoch;
	struct span release; /* digits and dots */
	enum pep440_pre pre;
	struct span pre_number;
	bool has_post;
	struct span post_number;
	bool has_dev;
	struct span dev_number;
	struct span local; /* without the '+' */
	bool legacy;       /* not PEP 440: ordered by packaging's LegacyVersion key */
	char **legacy_parts;
	size_t legacy_count, legacy_alloc;
};

static bool is_separator(char c) { return c == '-' || c == '_' || c == '.'; }

/* Case-insensitive match of a word at the cursor; advances past it. */
static bool match_word(const char **cursor, const char *end, const char *word)
{
	size_t length = strlen(word);
	if ((size_t)(end - *cursor) < length)
		return false;
	for (size_t i = 0; i < length; i++)
		if (to_lower((*cursor)[i]) != word[i])
			return false;
	*cursor += length;
	return true;
}

/* An optional separator followed by digits: consumed only when the digits are there. */
static struct span optional_number(const char **cursor, const char *end)
{
	const char *start = *cursor;
	if (start < end && is_separator(*start))
		start++;
	if (start < end && is_digit(*start)) {
		*cursor = start;
		return read_digits(cursor, end);
	}
	return (struct span){ *cursor, 0 };
}

/* PEP 440's grammar (packaging's VERSION_PATTERN, case-insensitive, spaces around ignored).
 * Where the regex would backtrack between alternatives, the longest spelling is tried first;
 * no shorter one could complete a match the longer one fails. */
static int parse_pep440_strict(const char *text, struct pep440 *version)
{
	const char *cursor = text, *end = text + strlen(text);
	while (cursor < end && is_space(*cursor))
		cursor++;
	while (end > cursor && is_space(end[-1]))
		end--;
	if (cursor < end && (*cursor == 'v' || *cursor == 'V'))
		cursor++;
	if (cursor == end || !is_digit(*cursor))
		return -1;
	const char *release_start = cursor;
	struct span first = read_digits(&cursor, end);
	if (cursor < end && *cursor == '!') {
		version->epoch = first;
		cursor++;
		if (cursor == end || !is_digit(*cursor))
			return -1;
		release_start = cursor;
		read_digits(&cursor, end);
	}
	while (cursor + 1 < end && cursor[0] == '.' && is_digit(cursor[1])) {
		cursor++;
		read_digits(&cursor, end);
	}
	version->release = (struct span){ release_start, (size_t)(cursor - release_start) };

	static const struct {
		const char *word;
		enum pep440_pre kind;
	} pre_labels[] = {
		{ "preview", PRE_RC }, { "pre", PRE_RC }, { "alpha", PRE_ALPHA }, { "beta", PRE_BETA },
		{ "rc", PRE_RC },      { "a", PRE_ALPHA }, { "b", PRE_BETA },      { "c", PRE_RC },
	};
	const char *saved = cursor;
	if (cursor < end && is_separator(*cursor))
		cursor++;
	for (size_t i = 0; i < sizeof(pre_labels) / sizeof(pre_labels[0]); i++) {
		if (match_word(&cursor, end, pre_labels[i].word)) {
			version->pre = pre_labels[i].kind;
			version->pre_number = optional_number(&cursor, end);
			break;
		}
	}
	if (version->pre == PRE_NONE)
		cursor = saved;

	saved = cursor;
	if (cursor + 1 < end && cursor[0] == '-' && is_digit(cursor[1])) {
		cursor++;
		version->has_post = true;
		version->post_number = read_digits(&cursor, end);
	} else {
		if (cursor < end && is_separator(*cursor))
			cursor++;
		if (match_word(&cursor, end, "post") || match_word(&cursor, end, "rev") || match_word(&cursor, end, "r")) {
			version->has_post = true;
			version->post_number = optional_number(&cursor, end);
		} else {
			cursor = saved;
		}
	}

	saved = cursor;
	if (cursor < end && is_separator(*cursor))
		cursor++;
	if (match_word(&cursor, end, "dev")) {
		version->has_dev = true;
		version->dev_number = optional_number(&cursor, end);
	} else {
		cursor = saved;
	}

	if (cursor < end && *cursor == '+') {
		cursor++;
		const char *start = cursor;
		bool need_alnum = true;
		while (cursor < end) {
			char c = *cursor;
			if (is_digit(c) || is_alpha(c))
				need_alnum = false;
			else if (is_separator(c) && !need_alnum)
				need_alnum = true;
			else
				return -1;
			cursor++;
		}
		if (need_alnum)
			return -1;
		version->local = (struct span){ start, (size_t)(cursor - start) };
	}
	return cursor == end ? 0 : -1;
}

static void legacy_push(struct pep440 *version, char *part)
{
	ALLOC_GROW(version->legacy_parts, version->legacy_count + 1, version->legacy_alloc);
	version->legacy_parts[version->legacy_count++] = part;
}

static void legacy_pop(struct pep440 *version)
{
	free(version->legacy_parts[--version->legacy_count]);
}

/* One part of packaging's _parse_version_parts, appended as _legacy_cmpkey does. */
static void legacy_add_part(struct pep440 *version, const char *token, size_t length)
{
	static const struct {
		const char *from, *to;
	} replacements[] = { { "pre", "c" }, { "preview", "c" }, { "-", "final-" }, { "rc", "c" }, { "dev", "@" } };
	char *raw = xstrndup(token, length);
	for (size_t i = 0; i < sizeof(replacements) / sizeof(replacements[0]); i++) {
		if (strcmp(raw, replacements[i].from) == 0) {
			free(raw);
			raw = xstrdup(replacements[i].to);
			break;
		}
	}
	if (raw[0] == '\0' || strcmp(raw, ".") == 0) {
		free(raw);
		return;
	}
	char *part;
	if (is_digit(raw[0])) {
		size_t raw_length = strlen(raw);
		size_t pad = raw_length < 8 ? 8 - raw_length : 0;
		part = xmalloc(pad + raw_length + 1);
		memset(part, '0', pad);
		memcpy(part + pad, raw, raw_length + 1);
	} else {
		part = xasprintf("*%s", raw);
	}
	free(raw);
	if (part[0] == '*') {
		if (strcmp(part, "*final") < 0)
			while (version->legacy_count > 0 && strcmp(version->legacy_parts[version->legacy_count - 1], "*final-") == 0)
				legacy_pop(version);
		while (version->legacy_count > 0 && strcmp(version->legacy_parts[version->legacy_count - 1], "00000000") == 0)
			legacy_pop(version);
	}
	legacy_push(version, part);
}

/* packaging < 22's LegacyVersion key: the lowercased string split by (\d+|[a-z]+|\.|-), the text
 * between matches kept as parts too, then "*final" appended. */
static void parse_pep440_legacy(const char *text, struct pep440 *version)
{
	version->legacy = true;
	size_t length = strlen(text);
	char *lower = xstrndup(text, length);
	for (size_t i = 0; i < length; i++)
		lower[i] = to_lower(lower[i]);
	size_t i = 0;
	while (i < length) {
		size_t start = i;
		char c = lower[i];
		if (is_digit(c)) {
			while (i < length && is_digit(lower[i]))
				i++;
		} else if (c >= 'a' && c <= 'z') {
			while (i < length && lower[i] >= 'a' && lower[i] <= 'z')
				i++;
		} else if (c == '.' || c == '-') {
			i++;
		} else {
			while (i < length && !is_digit(lower[i]) && !(lower[i] >= 'a' && lower[i] <= 'z') && lower[i] != '.' && lower[i] != '-')
				i++;
		}
		legacy_add_part(version, lower + start, i - start);
	}
	legacy_add_part(version, "final", 5);
	free(lower);
}

static void pep440_release(struct pep440 *version)
{
	for (size_t i = 0; i < version->legacy_count; i++)
		free(version->legacy_parts[i]);
	free(version->legacy_parts);
}

static int parse_pep440(const char *text, struct pep440 *version)
{
	memset(version, 0, sizeof(*version));
	if (text[0] == '\0')
		return -1;
	if (parse_pep440_strict(text, version) == 0)
		return 0;
	memset(version, 0, sizeof(*version));
	parse_pep440_legacy(text, version);
	return 0;
}

/* Compares dot-separated numeric releases as if trailing zeros were absent. */
static int compare_release(struct span a, struct span b)
{
	while (a.length > 0 || b.length > 0) {
		struct span left = a.length ? next_identifier(&a) : (struct span){ "", 0 };
		struct span right = b.length ? next_identifier(&b) : (struct span){ "", 0 };
		int order = compare_numeric(left, right);
		if (order != 0)
			return order;
	}
	return 0;
}

static struct span next_local_segment(struct span *rest)
{
	size_t length = 0;
	while (length < rest->length && !is_separator(rest->start[length]))
		length++;
	struct span segment = { rest->start, length };
	size_t skip = length < rest->length ? length + 1 : length;
	rest->start += skip;
	rest->length -= skip;
	return segment;
}

/* Local versions: segments split on [-_.], numbers by value and above strings (compared
 * case-insensitively); a shorter prefix orders first. */
static int compare_local(struct span a, struct span b)
{
	while (a.length > 0 && b.length > 0) {
		struct span left = next_local_segment(&a), right = next_local_segment(&b);
		bool left_numeric = all_digits(left), right_numeric = all_digits(right);
		int order = 0;
		if (left_numeric && right_numeric) {
			order = compare_numeric(left, right);
		} else if (left_numeric != right_numeric) {
			order = left_numeric ? 1 : -1;
		} else {
			size_t shorter = left.length < right.length ? left.length : right.length;
			for (size_t i = 0; i < shorter && order == 0; i++)
				order = sign((unsigned char)to_lower(left.start[i]) - (unsigned char)to_lower(right.start[i]));
			if (order == 0 && left.length != right.length)
				order = left.length < right.length ? -1 : 1;
		}
		if (order != 0)
			return order;
	}
	return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1);
}

static int compare_legacy(const struct pep440 *a, const struct pep440 *b)
{
	for (size_t i = 0; i < a->legacy_count && i < b->legacy_count; i++) {
		int order = strcmp(a->legacy_parts[i], b->legacy_parts[i]);
		if (order != 0)
			return sign(order);
	}
	return a->legacy_count == b->legacy_count ? 0 : (a->legacy_count < b->legacy_count ? -1 : 1);
}

/* packaging's _cmpkey: epoch, release, pre (a dev-only release sorts before any pre-release,
 * no pre-release after all), post (absent first), dev (absent last), local (absent first). */
static int compare_pep440(const struct pep440 *a, const struct pep440 *b)
{
	if (a->legacy || b->legacy)
		return a->legacy && b->legacy ? compare_legacy(a, b) : (a->legacy ? -1 : 1);
	int order = compare_numeric(a->epoch, b->epoch);
	if (order == 0)
		order = compare_release(a->release, b->release);
	if (order != 0)
		return order;
	int a_pre_rank = a->pre != PRE_NONE ? 1 : (!a->has_post && a->has_dev ? 0 : 2);
	int b_pre_rank = b->pre != PRE_NONE ? 1 : (!b->has_post && b->has_dev ? 0 : 2);
	if (a_pre_rank != b_pre_rank)
		return a_pre_rank < b_pre_rank ? -1 : 1;
	if (a_pre_rank == 1) {
		if (a->pre != b->pre)
			return a->pre < b->pre ? -1 : 1;
		if ((order = compare_numeric(a->pre_number, b->pre_number)) != 0)
			return order;
	}
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post && (order = compare_numeric(a->post_number, b->post_number)) != 0)
		return order;
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev && (order = compare_numeric(a->dev_number, b->dev_number)) != 0)
		return order;
	if ((a->local.length > 0) != (b->local.length > 0))
		return a->local.length > 0 ? 1 : -1;
	return compare_local(a->local, b->local);
}

/* ---- Debian: dpkg ----------------------------------------------------------------------- */

struct debian_version {
	struct span epoch, upstream, revision;
};

/* dpkg's parseversion: the errors it refuses (empty parts, a non-numeric epoch, embedded
 * spaces); what it only warns about (odd characters, no leading digit) is accepted. */
static int parse_debian(const char *text, struct debian_version *version)
{
	memset(version, 0, sizeof(*version));
	const char *start = text, *end = text + strlen(text);
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	if (start == end)
		return -1;
	for (const char *c = start; c < end; c++)
		if (is_space(*c))
			return -1;
	const char *colon = memchr(start, ':', (size_t)(end - start));
	if (colon) {
		version->epoch = (struct span){ start, (size_t)(colon - start) };
		if (!all_digits(version->epoch))
			return -1;
		/* dpkg keeps the epoch in an int. */
		struct span int_max = { "2147483647", 10 };
		if (compare_numeric(version->epoch, int_max) > 0)
			return -1;
		start = colon + 1;
	}
	const char *hyphen = NULL;
	for (const char *c = start; c < end; c++)
		if (*c == '-')
			hyphen = c;
	if (hyphen) {
		version->revision = (struct span){ hyphen + 1, (size_t)(end - hyphen - 1) };
		if (version->revision.length == 0)
			return -1;
		end = hyphen;
	}
	version->upstream = (struct span){ start, (size_t)(end - start) };
	return version->upstream.length == 0 ? -1 : 0;
}

/* dpkg's order(): '~' before the end, the end before letters, letters before the rest. */
static int debian_order(int c)
{
	if (is_digit((char)c))
		return 0;
	if (is_alpha((char)c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* dpkg's verrevcmp: alternating non-digit runs (by debian_order) and digit runs (by value). */
static int compare_debian_part(struct span a, struct span b)
{
	/* an absent part (no revision) is { NULL, 0 }: no arithmetic on its NULL start */
	const char *left = a.start, *left_end = a.length ? a.start + a.length : a.start;
	const char *right = b.start, *right_end = b.length ? b.start + b.length : b.start;
	while (left < left_end || right < right_end) {
		while ((left < left_end && !is_digit(*left)) || (right < right_end && !is_digit(*right))) {
			int left_order = left < left_end ? debian_order((unsigned char)*left) : 0;
			int right_order = right < right_end ? debian_order((unsigned char)*right) : 0;
			if (left_order != right_order)
				return left_order < right_order ? -1 : 1;
			if (left < left_end)
				left++;
			if (right < right_end)
				right++;
		}
		struct span left_digits = read_digits(&left, left_end);
		struct span right_digits = read_digits(&right, right_end);
		int order = compare_numeric(left_digits, right_digits);
		if (order != 0)
			return order;
	}
	return 0;
}

static int compare_debian(const struct debian_version *a, const struct debian_version *b)
{
	int order = compare_numeric(a->epoch, b->epoch);
	if (order == 0)
		order = compare_debian_part(a->upstream, b->upstream);
	if (order == 0)
		order = compare_debian_part(a->revision, b->revision);
	return order;
}

/* ---- Maven: ComparableVersion ------------------------------------------------------------ */

/* One prefixed token of Maven's version order specification: the separator before it ('.' or
 * '-'; the first token has none) and its text (lowercased, aliases applied, a number without
 * leading zeros). `padding` marks the null tokens a shorter version is padded with. */
struct maven_token {
	char prefix; /* '\0', '.' or '-' */
	char *text;
	bool numeric, padding;
};

struct maven_version {
	struct maven_token *tokens;
	size_t count, alloc;
};

static void maven_release(struct maven_version *version)
{
	for (size_t i = 0; i < version->count; i++)
		free(version->tokens[i].text);
	free(version->tokens);
}

static bool maven_is_null(const struct maven_token *token)
{
	return strcmp(token->text, "0") == 0 || token->text[0] == '\0';
}

/* Appends one token: the piece [start, start+length) of a separator-delimited run, lowercased;
 * followed_by_digits when a digit run comes next in the same run. */
static void maven_add_piece(struct maven_version *version, char prefix, const char *start, size_t length,
			    bool followed_by_digits)
{
	char *text = xstrndup(start, length);
	for (size_t i = 0; i < length; i++)
		text[i] = to_lower(text[i]);
	bool numeric = length > 0 && is_digit(text[0]);
	if (length == 0) {
		free(text);
		text = xstrdup("0"); /* an empty token is a zero */
		numeric = true;
	} else if (numeric) {
		size_t zeros = 0;
		while (zeros + 1 < length && text[zeros] == '0')
			zeros++;
		memmove(text, text + zeros, length - zeros + 1);
	} else {
		static const struct {
			const char *from, *to;
			bool needs_digits;
		} aliases[] = {
			{ "cr", "rc", false },         { "ga", "", false },     { "final", "", false },
			{ "release", "", false },      { "a", "alpha", true },  { "b", "beta", true },
			{ "m", "milestone", true },
		};
		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
			if (strcmp(text, aliases[i].from) == 0 && (!aliases[i].needs_digits || followed_by_digits)) {
				free(text);
				text = xstrdup(aliases[i].to);
				break;
			}
		}
	}
	ALLOC_GROW(version->tokens, version->count + 1, version->alloc);
	version->tokens[version->count++] = (struct maven_token){ prefix, text, numeric, false };
}

/* Tokens between '.' and '-', split again where digits meet non-digits (a hyphen in effect);
 * then, from the end, null tokens (0, "", final, ga, release) are trimmed, and again before each
 * remaining hyphen. */
static int parse_maven(const char *text, struct maven_version *version)
{
	memset(version, 0, sizeof(*version));
	if (text[0] == '\0')
		return -1;
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -1;
	const char *cursor = text;
	char prefix = '\0';
	for (;;) {
		size_t run = strcspn(cursor, ".-");
		const char *end = cursor + run;
		const char *piece = cursor;
		char piece_prefix = prefix;
		do {
			const char *split = piece;
			bool digits = split < end && is_digit(*split);
			while (split < end && is_digit(*split) == digits)
				split++;
			maven_add_piece(version, piece_prefix, piece, (size_t)(split - piece), split < end);
			piece_prefix = '-';
			piece = split;
		} while (piece < end);
		if (*end == '\0')
			break;
		prefix = *end;
		cursor = end + 1;
	}
	size_t i = version->count - 1;
	while (i > 0) {
		if (maven_is_null(&version->tokens[i])) {
			free(version->tokens[i].text);
			memmove(version->tokens + i, version->tokens + i + 1, (version->count - i - 1) * sizeof(version->tokens[0]));
			version->count--;
			i--;
			continue;
		}
		while (i > 0 && version->tokens[i].prefix != '-')
			i--;
		if (i == 0)
			break;
		i--;
	}
	return 0;
}

/* "alpha" < "beta" < "milestone" < "rc" < "snapshot" < "" < "sp" < every other qualifier. */
static int maven_qualifier_rank(const char *text)
{
	static const char *const known[] = { "alpha", "beta", "milestone", "rc", "snapshot", "", "sp" };
	for (int i = 0; i < 7; i++)
		if (strcmp(text, known[i]) == 0)
			return i;
	return 7;
}

/* The null token a missing position is padded with, after the other version's token there: 0
 * after '.', "" after '-' (and "" against ".sp", the one qualifier above the empty one). */
static struct maven_token maven_padding(const struct maven_token *other)
{
	if (other->prefix == '-')
		return (struct maven_token){ '-', "", false, true };
	if (strcmp(other->text, "sp") == 0)
		return (struct maven_token){ '.', "", false, true };
	return (struct maven_token){ '.', "0", true, true };
}

/* Same prefix: numbers by value, above qualifiers unless padding; qualifiers by rank, unknown
 * ones alphabetically. Different prefixes: ".qualifier" < "-qualifier" < "-number" < ".number". */
static int maven_compare_token(const struct maven_token *a, const struct maven_token *b)
{
	if (a->prefix == b->prefix) {
		if (a->numeric && b->numeric) {
			struct span left = { a->text, strlen(a->text) }, right = { b->text, strlen(b->text) };
			return compare_numeric(left, right);
		}
		if (a->numeric && !a->padding)
			return 1;
		if (b->numeric && !b->padding)
			return -1;
		int left = maven_qualifier_rank(a->text), right = maven_qualifier_rank(b->text);
		if (left == 7 && right == 7)
			return sign(strcmp(a->text, b->text));
		return left == right ? 0 : (left < right ? -1 : 1);
	}
	int left = a->numeric ? (a->prefix == '-' ? 2 : 3) : (a->prefix == '-' ? 1 : 0);
	int right = b->numeric ? (b->prefix == '-' ? 2 : 3) : (b->prefix == '-' ? 1 : 0);
	return left == right ? 0 : (left < right ? -1 : 1);
}

static int compare_maven(const struct maven_version *a, const struct maven_version *b)
{
	size_t count = a->count > b->count ? a->count : b->count;
	for (size_t i = 0; i < count; i++) {
		struct maven_token left = i < a->count ? a->tokens[i] : maven_padding(&b->tokens[i]);
		struct maven_token right = i < b->count ? b->tokens[i] : maven_padding(&a->tokens[i]);
		if (left.prefix == right.prefix && strcmp(left.text, right.text) == 0)
			continue;
		int order = maven_compare_token(&left, &right);
		if (order != 0)
			return order;
	}
	return 0;
}

/* ---- Alpine: apk-tools ------------------------------------------------------------------ */

/* apk's token kinds, in the order a version uses them (apk-tools 2.x, whose `apk version -t`
 * ordered the reference vectors). */
enum apk_token {
	APK_INVALID = -1,
	APK_DIGIT_OR_ZERO,
	APK_DIGIT,
	APK_LETTER,
	APK_SUFFIX,
	APK_SUFFIX_NUMBER,
	APK_REVISION,
	APK_END,
};

struct apk_cursor {
	const char *rest, *end;
	enum apk_token token;
};

/* The kind of the token at the cursor, from the previous kind and the next character; a
 * separator is consumed. A kind that may not follow the previous one is INVALID. */
static void apk_next_kind(struct apk_cursor *cursor)
{
	enum apk_token previous = cursor->token, next = APK_INVALID;
	if (cursor->rest == cursor->end) {
		next = APK_END;
	} else if ((previous == APK_DIGIT || previous == APK_DIGIT_OR_ZERO) && *cursor->rest >= 'a' &&
		   *cursor->rest <= 'z') {
		next = APK_LETTER;
	} else if (previous == APK_LETTER && is_digit(*cursor->rest)) {
		next = APK_DIGIT;
	} else if (previous == APK_SUFFIX && is_digit(*cursor->rest)) {
		next = APK_SUFFIX_NUMBER;
	} else {
		char c = *cursor->rest;
		if (c == '.') {
			next = APK_DIGIT_OR_ZERO;
		} else if (c == '_') {
			next = APK_SUFFIX;
		} else if (c == '-' && cursor->end - cursor->rest > 1 && cursor->rest[1] == 'r') {
			next = APK_REVISION;
			cursor->rest++;
		}
		cursor->rest++;
	}
	if (next < previous && !((next == APK_DIGIT_OR_ZERO && previous == APK_DIGIT) ||
				 (next == APK_SUFFIX && previous == APK_SUFFIX_NUMBER) ||
				 (next == APK_DIGIT && previous == APK_LETTER)))
		next = APK_INVALID;
	cursor->token = next;
}

/* One token's value as apk's get_token computes it: numbers by value (a component's leading
 * zeros count as minus their number, before the digits that follow), a letter as its code,
 * suffixes by rank (pre-release ones negative). Then moves to the next token's kind. Values
 * saturate instead of overflowing. */
static long long apk_token_value(struct apk_cursor *cursor)
{
	static const char *const pre_suffixes[] = { "alpha", "beta", "pre", "rc" };
	static const char *const post_suffixes[] = { "cvs", "svn", "git", "hg", "p" };
	if (cursor->rest == cursor->end) {
		cursor->token = APK_END;
		return 0;
	}
	long long value = 0;
	size_t length = 0, available = (size_t)(cursor->end - cursor->rest);
	enum apk_token after = APK_INVALID;
	switch (cursor->token) {
	case APK_DIGIT_OR_ZERO:
		if (cursor->rest[0] == '0') {
			while (length < available && cursor->rest[length] == '0')
				length++;
			after = APK_DIGIT;
			value = -(long long)(length > 1000000 ? 1000000 : length);
			break;
		}
		/* fallthrough */
	case APK_DIGIT:
	case APK_SUFFIX_NUMBER:
	case APK_REVISION:
		while (length < available && is_digit(cursor->rest[length])) {
			value = value > (LLONG_MAX - 9) / 10 ? LLONG_MAX : value * 10 + (cursor->rest[length] - '0');
			length++;
		}
		break;
	case APK_LETTER:
		value = (unsigned char)cursor->rest[length++];
		break;
	case APK_SUFFIX: {
		bool found = false;
		for (size_t i = 0; i < 4 && !found; i++) {
			length = strlen(pre_suffixes[i]);
			if (length <= available && memcmp(pre_suffixes[i], cursor->rest, length) == 0) {
				value = (long long)i - 4;
				found = true;
			}
		}
		for (size_t i = 0; i < 5 && !found; i++) {
			length = strlen(post_suffixes[i]);
			if (length <= available && memcmp(post_suffixes[i], cursor->rest, length) == 0) {
				value = (long long)i;
				found = true;
			}
		}
		if (found)
			break;
		cursor->token = APK_INVALID;
		return -1;
	}
	default:
		cursor->token = APK_INVALID;
		return -1;
	}
	cursor->rest += length;
	if (cursor->rest == cursor->end)
		cursor->token = APK_END;
	else if (after != APK_INVALID)
		cursor->token = after;
	else
		apk_next_kind(cursor);
	return value;
}

/* apk_version_compare: token by token while kinds and values agree; then the version that goes
 * on is greater, unless what follows is a pre-release suffix. Versions apk cannot even begin
 * to read (no leading digit) are ordered as plain strings among themselves. */
static int compare_alpine(const char *a, const char *b)
{
	if (!is_digit(a[0]) && !is_digit(b[0]))
		return sign(strcmp(a, b));
	struct apk_cursor left = { a, a + strlen(a), APK_DIGIT }, right = { b, b + strlen(b), APK_DIGIT };
	long long left_value = 0, right_value = 0;
	while (left.token == right.token && left.token != APK_END && left.token != APK_INVALID &&
	       left_value == right_value) {
		left_value = apk_token_value(&left);
		right_value = apk_token_value(&right);
	}
	if (left_value != right_value)
		return left_value < right_value ? -1 : 1;
	if (left.token == right.token)
		return 0;
	struct apk_cursor peek = left;
	if (left.token == APK_SUFFIX && apk_token_value(&peek) < 0)
		return -1;
	peek = right;
	if (right.token == APK_SUFFIX && apk_token_value(&peek) < 0)
		return 1;
	if (left.token > right.token)
		return -1;
	if (right.token > left.token)
		return 1;
	return 0;
}

static bool valid_alpine(const char *text)
{
	if (text[0] == '\0')
		return false;
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

/* ---- Dispatch --------------------------------------------------------------------------- */

int version_compare(enum version_ecosystem ecosystem, const char *a, const char *b, int *result)
{
	if (!a || !b)
		return -1;
	switch (ecosystem) {
	case VERSION_SEMVER:
	case VERSION_NPM:
	case VERSION_GO: {
		struct semver left, right;
		if (parse_semver(ecosystem, a, &left) != 0 || parse_semver(ecosystem, b, &right) != 0)
			return -1;
		*result = compare_semver(&left, &right);
		return 0;
	}
	case VERSION_PYPI: {
		struct pep440 left, right;
		if (parse_pep440(a, &left) != 0)
			return -1;
		if (parse_pep440(b, &right) != 0) {
			pep440_release(&left);
			return -1;
		}
		*result = compare_pep440(&left, &right);
		pep440_release(&left);
		pep440_release(&right);
		return 0;
	}
	case VERSION_DEBIAN: {
		struct debian_version left, right;
		if (parse_debian(a, &left) != 0 || parse_debian(b, &right) != 0)
			return -1;
		*result = compare_debian(&left, &right);
		return 0;
	}
	case VERSION_MAVEN: {
		struct maven_version left, right;
		if (parse_maven(a, &left) != 0)
			return -1;
		if (parse_maven(b, &right) != 0) {
			maven_release(&left);
			return -1;
		}
		*result = compare_maven(&left, &right);
		maven_release(&left);
		maven_release(&right);
		return 0;
	}
	case VERSION_ALPINE:
		if (!valid_alpine(a) || !valid_alpine(b))
			return -1;
		*result = compare_alpine(a, b);
		return 0;
	case VERSION_ECOSYSTEM_COUNT:
		break;
	}
	return -1;
}

bool version_is_valid(enum version_ecosystem ecosystem, const char *version)
{
	int ignored;
	return version_compare(ecosystem, version, version, &ignored) == 0;
}

const char *version_ecosystem_name(enum version_ecosystem ecosystem)
{
	static const char *const names[] = { "semver", "npm", "go", "pypi", "debian", "maven", "alpine" };
	return (unsigned)ecosystem < VERSION_ECOSYSTEM_COUNT ? names[ecosystem] : "unknown";
}

int version_ecosystem_from_osv(const char *osv_ecosystem, enum version_ecosystem *ecosystem)
{
	static const struct {
		const char *name;
		enum version_ecosystem ecosystem;
	} table[] = {
		{ "npm", VERSION_NPM },       { "crates.io", VERSION_SEMVER }, { "Hex", VERSION_SEMVER },
		{ "Go", VERSION_GO },         { "PyPI", VERSION_PYPI },        { "Debian", VERSION_DEBIAN },
		{ "Ubuntu", VERSION_DEBIAN }, { "Maven", VERSION_MAVEN },    { "Alpine", VERSION_ALPINE },
	};
	if (!osv_ecosystem)
		return -1;
	/* "Debian:12", "Ubuntu:22.04:LTS": the release after the colon does not change the ordering. */
	size_t length = strcspn(osv_ecosystem, ":");
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strlen(table[i].name) == length && strncmp(osv_ecosystem, table[i].name, length) == 0) {
			*ecosystem = table[i].ecosystem;
			return 0;
		}
	}
	return -1;
}
