/* Files compiled into the binary (schemas, meta-schemas, templates): see scripts/embed.c. */
#ifndef GOOSE_EMBEDDED_H
#define GOOSE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;            /* repository-relative, e.g. "schemas/meta/draft2020-12/schema.json" */
	const unsigned char *data;   /* NUL-terminated for convenience; length excludes it */
	size_t length;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_file_count;

/* The embedded file at `path`, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
