/* Package URL parsing and canonical building after the purl-spec how-to-parse and how-to-build
 * algorithms, with the registered types' case and character normalisations. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "purl.h"
#include "util.h"
#include "banned.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char to_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static void lowercase(char *text)
{
	for (; text && *text; text++)
		*text = to_lower(*text);
}

static int set_error(char **error, char *message)
{
	if (error)
		*error = message;
	else
		free(message);
	return -1;
}

void purl_init(struct purl *purl)
{
	memset(purl, 0, sizeof(*purl));
}

void purl_release(struct purl *purl)
{
	free(purl->type);
	free(purl->namespace);
	free(purl->name);
	free(purl->version);
	free(purl->subpath);
	for (size_t i = 0; i < purl->qualifier_count; i++) {
		free(purl->qualifiers[i].key);
		free(purl->qualifiers[i].value);
	}
	free(purl->qualifiers);
	purl_init(purl);
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	c = to_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes %XX escapes of text[0..length); a bad escape or an encoded NUL is an error. */
static char *percent_decode(const char *text, size_t length, const char *what, char **error)
{
	struct strbuf decoded;
	strbuf_init(&decoded);
	for (size_t i = 0; i < length; i++) {
		if (text[i] != '%') {
			strbuf_addch(&decoded, text[i]);
			continue;
		}
		int high = i + 1 < length ? hex_value(text[i + 1]) : -1;
		int low = i + 2 < length ? hex_value(text[i + 2]) : -1;
		if (high >= 0 && low >= 0 && (high || low)) {
			strbuf_addch(&decoded, (char)(high * 16 + low));
			i += 2;
			continue;
		}
		strbuf_release(&decoded);
		set_error(error, xasprintf("invalid percent-encoding in the %s", what));
		return NULL;
	}
	return strbuf_detach(&decoded, NULL);
}

/* Everything but ASCII letters, digits and ".-_~:" is percent-encoded. */
static void percent_encode(struct strbuf *out, const char *text)
{
	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;
		if (is_digit((char)c) || is_alpha((char)c) || strchr(".-_~:", c))
			strbuf_addch(out, (char)c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

/* Splits on '/', drops empty segments (and, for subpaths, "." and ".."), decodes each segment
 * and joins them with '/'. NULL result (no error) when nothing is left. */
static int decode_segments(const char *text, size_t length, bool is_subpath, char **result, char **error)
{
	struct strbuf joined;
	strbuf_init(&joined);
	size_t start = 0;
	*result = NULL;
	while (start <= length) {
		size_t end = start;
		while (end < length && text[end] != '/')
			end++;
		size_t segment_length = end - start;
		bool skip = segment_length == 0 ||
			    (is_subpath && ((segment_length == 1 && text[start] == '.') ||
					    (segment_length == 2 && text[start] == '.' && text[start + 1] == '.')));
		if (!skip) {
			char *segment = percent_decode(text + start, segment_length, is_subpath ? "subpath" : "namespace", error);
			if (!segment) {
				strbuf_release(&joined);
				return -1;
			}
			if (strchr(segment, '/')) {
				free(segment);
				strbuf_release(&joined);
				return set_error(error, xasprintf("a %s segment cannot contain '/'", is_subpath ? "subpath" : "namespace"));
			}
			if (joined.len)
				strbuf_addch(&joined, '/');
			strbuf_addstr(&joined, segment);
			free(segment);
		}
		start = end + 1;
	}
	if (joined.len)
		*result = strbuf_detach(&joined, NULL);
	strbuf_release(&joined);
	return 0;
}

static int compare_qualifiers(const void *left, const void *right)
{
	return strcmp(((const struct purl_qualifier *)left)->key, ((const struct purl_qualifier *)right)->key);
}

void purl_set_qualifier(struct purl *purl, const char *key, const char *value)
{
	for (size_t i = 0; i < purl->qualifier_count; i++) {
		if (strcmp(purl->qualifiers[i].key, key) == 0) {
			free(purl->qualifiers[i].value);
			purl->qualifiers[i].value = xstrdup(value);
			return;
		}
	}
	ALLOC_GROW(purl->qualifiers, purl->qualifier_count + 1, purl->qualifier_alloc);
	purl->qualifiers[purl->qualifier_count].key = xstrdup(key);
	purl->qualifiers[purl->qualifier_count].value = xstrdup(value);
	purl->qualifier_count++;
}

const char *purl_qualifier(const struct purl *purl, const char *key)
{
	for (size_t i = 0; i < purl->qualifier_count; i++)
		if (strcmp(purl->qualifiers[i].key, key) == 0)
			return purl->qualifiers[i].value;
	return NULL;
}

/* A type: ASCII letters, digits, '.', '-' (and '+' of older types), not starting with a digit. */
static bool valid_type(const char *type)
{
	if (!type || !*type || is_digit(type[0]))
		return false;
	for (const char *c = type; *c; c++)
		if (!is_digit(*c) && !is_alpha(*c) && !strchr(".-+", *c))
			return false;
	return true;
}

/* A qualifier key: ASCII letters, digits, '.', '-', '_', not starting with a digit. */
static bool valid_qualifier_key(const char *key)
{
	if (!*key || is_digit(key[0]))
		return false;
	for (const char *c = key; *c; c++)
		if (!is_digit(*c) && !is_alpha(*c) && !strchr(".-_", *c))
			return false;
	return true;
}

static void replace_char(char *text, char from, char to)
{
	for (; text && *text; text++)
		if (*text == from)
			*text = to;
}

static bool in_list(const char *type, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(type, *list) == 0)
			return true;
	return false;
}

/* Chrome extension ids are 32 letters a-p; versions 1 to 4 dot-separated numbers. */
static bool chrome_extension_invalid(const struct purl *purl)
{
	if (strlen(purl->name) != 32)
		return true;
	for (const char *c = purl->name; *c; c++)
		if (*c < 'a' || *c > 'p')
			return true;
	if (!purl->version)
		return false;
	int parts = 1;
	bool digit_seen = false;
	for (const char *c = purl->version; *c; c++) {
		if (*c == '.') {
			if (!digit_seen)
				return true;
			parts++;
			digit_seen = false;
		} else if (is_digit(*c)) {
			digit_seen = true;
		} else {
			return true;
		}
	}
	return !digit_seen || parts > 4;
}

/* Type-specific rules of the registered purl types (purl-spec types/<type>-test.json). */
static int normalize_type_rules(struct purl *purl, char **error)
{
	static const char *const lower_namespace[] = { "alpm",  "apk",    "bitbucket", "bitnami", "composer", "deb", "git",
						       "github", "golang", "hex",      "npm",     "qpkg",     "rpm_",
						       "pypi",  "luarocks", "brew", NULL };
	static const char *const lower_name[] = { "alpm", "apk", "bitbucket", "bitnami", "composer", "deb", "github", "git", "git",
						  "hex",  "npm", "pypi",      "qpkg",    "oci",      "pub", "luarocks", "brew", NULL };
	const char *type = purl->type;
	if (in_list(type, lower_namespace))
		lowercase(purl->namespace);
	if (in_list(type, lower_name))
		lowercase(purl->name);
	if (strcmp(type, "pypi") == 0)
		replace_char(purl->name, '_', '-');
	if (strcmp(type, "pub") == 0)
		replace_char(purl->name, '-', '_');
	if (strcmp(type, "huggingface") == 0)
		lowercase(purl->version);
	if (strcmp(type, "mlflow") == 0) {
		const char *repository = purl_qualifier(purl, "repository_url");
		if (repository && strstr(repository, "databricks"))
			lowercase(purl->name);
	}
	static const char *const need_namespace[] = { "bitbucket", "composer", "github", "golang", "maven", "swift", "vscode-extension", NULL };
	if (in_list(type, need_namespace) && !purl->namespace)
		return set_error(error, xasprintf("a '%s' purl needs a namespace", type));
	static const char *const no_namespace[] = { "bitnami", "cargo", "gem", "hackage", "huggingface_", "nuget", "oci", "pub", "otp", "vcpkg", NULL };
	if (in_list(type, no_namespace) && purl->namespace)
		return set_error(error, xasprintf("a '%s' purl has no namespace", type));
	if (strcmp(type, "cpan") == 0 && strstr(purl->name, "::"))
		return set_error(error, xstrdup("a 'cpan' purl names a distribution, not a module ('::')"));
	if (strcmp(type, "julia") == 0 && !purl_qualifier(purl, "uuid"))
		return set_error(error, xstrdup("a 'julia' purl needs a 'uuid' qualifier"));
	if (strcmp(type, "chrome-extension") == 0 && chrome_extension_invalid(purl))
		return set_error(error, xstrdup("a 'chrome-extension' purl needs a 32-letter id (a-p) and a version of up to 4 numbers"));
	static const char *const need_version[] = { "cran", "swift", NULL };
	if (in_list(type, need_version) && !purl->version)
		return set_error(error, xasprintf("a '%s' purl needs a version", type));
	return 0;
}

int purl_normalize(struct purl *purl, char **error)
{
	if (error)
		*error = NULL;
	if (!valid_type(purl->type))
		return set_error(error, purl->type ? xasprintf("invalid purl type '%s'", purl->type) : xstrdup("a purl needs a type"));
	lowercase(purl->type);
	if (!purl->name || !*purl->name)
		return set_error(error, xstrdup("a purl needs a name"));
	if (purl->namespace) {
		char *namespace;
		/* Hand-set namespaces are decoded already: re-split them without decoding twice. */
		struct strbuf encoded;
		strbuf_init(&encoded);
		for (const char *c = purl->namespace; *c; c++) {
			if (*c == '%')
				strbuf_addstr(&encoded, "%25");
			else
				strbuf_addch(&encoded, *c);
		}
		int status = decode_segments(encoded.buf, encoded.len, false, &namespace, error);
		strbuf_release(&encoded);
		if (status != 0)
			return -1;
		free(purl->namespace);
		purl->namespace = namespace;
	}
	if (purl->version && !*purl->version) {
		free(purl->version);
		purl->version = NULL;
	}
	if (purl->subpath) {
		char *subpath;
		struct strbuf encoded;
		strbuf_init(&encoded);
		for (const char *c = purl->subpath; *c; c++) {
			if (*c == '%')
				strbuf_addstr(&encoded, "%25");
			else
				strbuf_addch(&encoded, *c);
		}
		int status = decode_segments(encoded.buf, encoded.len, true, &subpath, error);
		strbuf_release(&encoded);
		if (status != 0)
			return -1;
		free(purl->subpath);
		purl->subpath = subpath;
	}
	/* Validate every key first, then drop empty values: an error leaves the list whole. */
	for (size_t i = 0; i < purl->qualifier_count; i++) {
		struct purl_qualifier *qualifier = &purl->qualifiers[i];
		lowercase(qualifier->key);
		if (!valid_qualifier_key(qualifier->key))
			return set_error(error, xasprintf("invalid qualifier key '%s'", qualifier->key));
		for (size_t j = 0; j < i; j++)
			if (strcmp(purl->qualifiers[j].key, qualifier->key) == 0)
				return set_error(error, xasprintf("qualifier '%s' given twice", qualifier->key));
	}
	size_t kept = 0;
	for (size_t i = 0; i < purl->qualifier_count; i++) {
		struct purl_qualifier *qualifier = &purl->qualifiers[i];
		if (!qualifier->value || !*qualifier->value) {
			free(qualifier->key);
			free(qualifier->value);
			continue;
		}
		purl->qualifiers[kept++] = *qualifier;
	}
	purl->qualifier_count = kept;
	if (purl->qualifier_count > 1)
		qsort(purl->qualifiers, purl->qualifier_count, sizeof(*purl->qualifiers), compare_qualifiers);
	return normalize_type_rules(purl, error);
}

static int parse_qualifiers(struct purl *purl, const char *text, size_t length, char **error)
{
	size_t start = 0;
	while (start < length) {
		size_t end = start;
		while (end < length && text[end] != '&')
			end++;
		const char *equals = memchr(text + start, '=', end - start);
		if (end > start) {
			if (!equals)
				return set_error(error, xasprintf("qualifier '%.*s' has no '='", (int)(end - start), text + start));
			size_t key_length = (size_t)(equals - (text + start));
			char *key = xstrndup(text + start, key_length);
			char *value = percent_decode(equals + 1, end - start - key_length - 1, "qualifiers", error);
			if (!value) {
				free(key);
				return -1;
			}
			lowercase(key);
			if (purl_qualifier(purl, key)) {
				set_error(error, xasprintf("qualifier '%s' given twice", key));
				free(key);
				free(value);
				return -1;
			}
			ALLOC_GROW(purl->qualifiers, purl->qualifier_count + 1, purl->qualifier_alloc);
			purl->qualifiers[purl->qualifier_count].key = key;
			purl->qualifiers[purl->qualifier_count].value = value;
			purl->qualifier_count++;
		}
		start = end + 1;
	}
	return 0;
}

static int parse_into(const char *text, struct purl *purl, char **error)
{
	const char *end = text + strlen(text);
	const char *hash = memchr(text, '#', (size_t)(end - text));
	if (hash) {
		if (decode_segments(hash + 1, (size_t)(end - hash - 1), true, &purl->subpath, error) != 0)
			return -1;
		end = hash;
	}
	const char *question = memchr(text, '?', (size_t)(end - text));
	if (question) {
		if (parse_qualifiers(purl, question + 1, (size_t)(end - question - 1), error) != 0)
			return -1;
		end = question;
	}
	const char *colon = memchr(text, ':', (size_t)(end - text));
	if (!colon || colon - text != 3 || to_lower(text[0]) != 'p' || to_lower(text[1]) != 'k' || to_lower(text[2]) != 'g')
		return set_error(error, xstrdup("a purl starts with 'pkg:'"));
	const char *cursor = colon + 1;
	while (cursor < end && *cursor == '/')
		cursor++;
	const char *slash = memchr(cursor, '/', (size_t)(end - cursor));
	if (!slash)
		return set_error(error, xstrdup("a purl needs a type and a name ('pkg:type/name')"));
	purl->type = xstrndup(cursor, (size_t)(slash - cursor));
	if (!valid_type(purl->type))
		return set_error(error, xasprintf("invalid purl type '%s'", purl->type));
	cursor = slash + 1;
	const char *at = NULL;
	for (const char *c = cursor; c < end; c++)
		if (*c == '@')
			at = c;
	/* An '@' before the last '/' belongs to the namespace or name (npm scopes are encoded). */
	const char *last_slash = NULL;
	for (const char *c = cursor; c < end; c++)
		if (*c == '/')
			last_slash = c;
	if (at && (!last_slash || at > last_slash)) {
		purl->version = percent_decode(at + 1, (size_t)(end - at - 1), "version", error);
		if (!purl->version)
			return -1;
		end = at;
	}
	last_slash = NULL;
	for (const char *c = cursor; c < end; c++)
		if (*c == '/')
			last_slash = c;
	const char *name_start = last_slash ? last_slash + 1 : cursor;
	purl->name = percent_decode(name_start, (size_t)(end - name_start), "name", error);
	if (!purl->name)
		return -1;
	if (last_slash && decode_segments(cursor, (size_t)(last_slash - cursor), false, &purl->namespace, error) != 0)
		return -1;
	return purl_normalize(purl, error);
}

int purl_parse(const char *text, struct purl *purl, char **error)
{
	if (error)
		*error = NULL;
	purl_init(purl);
	if (!text)
		return set_error(error, xstrdup("no purl"));
	if (parse_into(text, purl, error) != 0) {
		purl_release(purl);
		return -1;
	}
	return 0;
}

char *purl_to_string(const struct purl *purl)
{
	struct strbuf out;
	strbuf_init(&out);
	strbuf_addstr(&out, "pkg:");
	strbuf_addstr(&out, purl->type ? purl->type : "");
	strbuf_addch(&out, '/');
	if (purl->namespace) {
		const char *segment = purl->namespace;
		while (*segment) {
			size_t length = strcspn(segment, "/");
			char *copy = xstrndup(segment, length);
			percent_encode(&out, copy);
			free(copy);
			strbuf_addch(&out, '/');
			segment += length;
			if (*segment == '/')
				segment++;
		}
	}
	percent_encode(&out, purl->name ? purl->name : "");
	if (purl->version) {
		strbuf_addch(&out, '@');
		percent_encode(&out, purl->version);
	}
	for (size_t i = 0; i < purl->qualifier_count; i++) {
		strbuf_addch(&out, i == 0 ? '?' : '&');
		strbuf_addstr(&out, purl->qualifiers[i].key);
		strbuf_addch(&out, '=');
		percent_encode(&out, purl->qualifiers[i].value);
	}
	if (purl->subpath) {
		strbuf_addch(&out, '#');
		const char *segment = purl->subpath;
		while (*segment) {
			size_t length = strcspn(segment, "/");
			char *copy = xstrndup(segment, length);
			percent_encode(&out, copy);
			free(copy);
			segment += length;
			if (*segment == '/') {
				strbuf_addch(&out, '/');
				segment++;
			}
		}
	}
	return strbuf_detach(&out, NULL);
}

char *purl_canonicalize(const char *text, char **error)
{
	struct purl purl;
	if (purl_parse(text, &purl, error) != 0)
		return NULL;
	char *canonical = purl_to_string(&purl);
	purl_release(&purl);
	return canonical;
}
