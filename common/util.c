/* Checked allocation, strbuf and suggestions: the few helpers every module needs. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static void out_of_memory(void)
{
	fputs("fatal: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *pointer = malloc(size ? size : 1);
	if (!pointer)
		out_of_memory();
	return pointer;
}

void *xcalloc(size_t count, size_t size)
{
	void *pointer = calloc(count ? count : 1, size ? size : 1);
	if (!pointer)
		out_of_memory();
	return pointer;
}

void *xrealloc(void *pointer, size_t size)
{
	void *result = realloc(pointer, size ? size : 1);
	if (!result)
		out_of_memory();
	return result;
}

char *xstrdup(const char *string)
{
	return xstrndup(string, strlen(string));
}

char *xstrndup(const char *string, size_t length)
{
	char *copy = xmalloc(length + 1);
	memcpy(copy, string, length);
	copy[length] = '\0';
	return copy;
}

char *xvasprintf(const char *format, va_list args)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_vaddf(&sb, format, args);
	return strbuf_detach(&sb, NULL);
}

char *xasprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	char *result = xvasprintf(format, args);
	va_end(args);
	return result;
}

static char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *length)
{
	char *result = sb->alloc ? sb->buf : xstrdup("");
	if (length)
		*length = sb->len;
	strbuf_init(sb);
	return result;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t needed = sb->len + extra + 1;
	if (needed < sb->len)
		out_of_memory();
	if (needed <= sb->alloc)
		return;
	char *old = sb->alloc ? sb->buf : NULL;
	size_t alloc = sb->alloc;
	ALLOC_GROW(old, needed, alloc);
	sb->buf = old;
	if (!sb->alloc)
		sb->buf[0] = '\0';
	sb->alloc = alloc;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t length)
{
	strbuf_grow(sb, length);
	memcpy(sb->buf + sb->len, data, length);
	sb->len += length;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *string)
{
	strbuf_add(sb, string, strlen(string));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *format, va_list args)
{
	va_list copy;
	va_copy(copy, args);
	int needed = vsnprintf(NULL, 0, format, copy);
	va_end(copy);
	if (needed < 0)
		return;
	strbuf_grow(sb, (size_t)needed);
	vsnprintf(sb->buf + sb->len, (size_t)needed + 1, format, args);
	sb->len += (size_t)needed;
}

void strbuf_addf(struct strbuf *sb, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	strbuf_vaddf(sb, format, args);
	va_end(args);
}

void pointer_append_token(struct strbuf *pointer, const char *token)
{
	strbuf_addch(pointer, '/');
	for (const char *c = token; *c; c++) {
		if (*c == '~')
			strbuf_add(pointer, "~0", 2);
		else if (*c == '/')
			strbuf_add(pointer, "~1", 2);
		else
			strbuf_addch(pointer, *c);
	}
}

void pointer_append_index(struct strbuf *pointer, size_t index)
{
	strbuf_addf(pointer, "/%zu", index);
}

int read_file_bytes(const char *path, size_t max_size, char **data, size_t *length)
{
	FILE *file = fopen(path, "rb");
	if (!file)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		if (sb.len + got > max_size) {
			strbuf_release(&sb);
			fclose(file);
			errno = EFBIG;
			return -1;
		}
		strbuf_add(&sb, chunk, got);
	}
	int failed = ferror(file);
	fclose(file);
	if (failed) {
		strbuf_release(&sb);
		errno = EIO;
		return -1;
	}
	*data = strbuf_detach(&sb, length);
	return 0;
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 256 || lb > 256)
		return SIZE_MAX;
	/* three rows: two back (for transpositions), previous, current */
	size_t *rows = xcalloc(3 * (lb + 1), sizeof(size_t));
	size_t *back2 = rows, *prev = rows + lb + 1, *cur = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca == cb ? 0 : 1;
			size_t best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && back2[j - 2] + 1 < best)
				best = back2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *spare = back2;
		back2 = prev;
		prev = cur;
		cur = spare;
	}
	size_t result = prev[lb];
	free(rows);
	return result;
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t count)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX;
	size_t word_length = strlen(word);
	/* a typo changes about a third of a short word at most */
	size_t limit = word_length < 3 ? 1 : (word_length + 2) / 3;
	if (limit > 4)
		limit = 4;
	for (size_t i = 0; i < count; i++) {
		size_t distance = edit_distance(word, candidates[i]);
		if (distance <= limit && distance < best_distance) {
			best = candidates[i];
			best_distance = distance;
		}
	}
	return best;
}
