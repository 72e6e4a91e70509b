/* Small helpers every module uses: checked allocation, owned string buffers,
 * "did you mean" suggestions. Shared by goosec and goose-run. */
#ifndef GOOSE_UTIL_H
#define GOOSE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Allocation failure is an internal error: these print "out of memory" and exit 2.
 * This is the one exception to "only main exits"; no caller could recover anyway. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *pointer, size_t size);
char *xstrdup(const char *string);
char *xstrndup(const char *string, size_t length);
char *xasprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *format, va_list args);

/* Grow an array to hold at least `needed` elements: ALLOC_GROW(items, count + 1, alloc). */
#define ALLOC_GROW(array, needed, alloc)                                            \
	do {                                                                        \
		if ((needed) > (alloc)) {                                           \
			size_t alloc_grow_new_ = (alloc) < 8 ? 8 : (alloc) * 2;     \
			while (alloc_grow_new_ < (needed))                          \
				alloc_grow_new_ *= 2;                               \
			(array) = xrealloc((array), alloc_grow_new_ * sizeof(*(array))); \
			(alloc) = alloc_grow_new_;                                  \
		}                                                                   \
	} while (0)

/* An owned, always NUL-terminated, growable byte string. */
struct strbuf {
	char *buf;     /* never NULL after strbuf_init */
	size_t len;
	size_t alloc;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);           /* frees, leaves an empty buffer */
char *strbuf_detach(struct strbuf *sb, size_t *length); /* caller owns the result */
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t length);
void strbuf_addstr(struct strbuf *sb, const char *string);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *format, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *format, va_list args);

/* JSON Pointer (RFC 6901): append one reference token, escaping '~' as ~0 and '/' as ~1. */
void pointer_append_token(struct strbuf *pointer, const char *token);
void pointer_append_index(struct strbuf *pointer, size_t index);

/* Reads a whole file; 0 on success, -1 with errno set. Files over max_size fail with EFBIG. */
int read_file_bytes(const char *path, size_t max_size, char **data, size_t *length);

/* Damerau-Levenshtein distance (adjacent transpositions count 1), case-insensitive. */
size_t edit_distance(const char *a, const char *b);

/* The candidate closest to `word`, or NULL when none is close enough to be a likely typo. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t count);

#endif
