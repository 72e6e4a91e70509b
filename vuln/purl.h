/* Package URLs (purl, ECMA-427): parsing into decoded components, building the canonical string,
 * and the type-specific normalisation that makes two spellings of one package compare equal.
 *
 * Ownership: a struct purl owns all its strings; purl_release frees them. Strings returned
 * through `char **` (canonical forms, error messages) are the caller's to free. */
#ifndef GOOSE_PURL_H
#define GOOSE_PURL_H

#include <stddef.h>

struct purl_qualifier {
	char *key;   /* lowercase */
	char *value; /* decoded, never empty */
};

struct purl {
	char *type;      /* lowercase; never NULL after a successful parse */
	char *namespace; /* decoded segments joined by '/', or NULL */
	char *name;      /* decoded; never NULL after a successful parse */
	char *version;   /* decoded, or NULL */
	struct purl_qualifier *qualifiers; /* sorted by key, keys unique */
	size_t qualifier_count, qualifier_alloc;
	char *subpath;   /* decoded segments joined by '/', or NULL */
};

void purl_init(struct purl *purl);
void purl_release(struct purl *purl);

/* Parses and normalises a purl string. 0, or -1 with *error set (lowercase message). On failure
 * the purl is left released. */
int purl_parse(const char *text, struct purl *purl, char **error);

/* Validates and normalises components set by hand (type and name required); the purl then holds
 * what purl_parse would have returned for its canonical string. 0, or -1 with *error set. */
int purl_normalize(struct purl *purl, char **error);

/* The canonical string of a normalised purl (as purl_parse or purl_normalize left it). */
char *purl_to_string(const struct purl *purl);

/* Parses, normalises and rebuilds: the canonical form of a purl string, or NULL with *error set. */
char *purl_canonicalize(const char *text, char **error);

/* Adds a qualifier (copies key and value); a later one with the same key replaces it. */
void purl_set_qualifier(struct purl *purl, const char *key, const char *value);

/* The value of a qualifier, or NULL. */
const char *purl_qualifier(const struct purl *purl, const char *key);

#endif
