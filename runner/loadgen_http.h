/* HTTP/1.1 for the load engine: requests serialised once before a run, and an incremental
 * response parser fed whatever bytes a read returned (split, chunked or pipelined). */
#ifndef GOOSE_LOADGEN_HTTP_H
#define GOOSE_LOADGEN_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define LOADGEN_HTTP_LINE_MAX 8192        /* status line, header line or chunk-size line */
#define LOADGEN_HTTP_HEADER_BYTES_MAX 65536 /* all headers (and trailers) of one response */

enum loadgen_parse_state {
	LOADGEN_PARSE_STATUS_LINE,
	LOADGEN_PARSE_HEADERS,
	LOADGEN_PARSE_BODY_LENGTH,
	LOADGEN_PARSE_CHUNK_SIZE,
	LOADGEN_PARSE_CHUNK_DATA,
	LOADGEN_PARSE_CHUNK_DATA_END,
	LOADGEN_PARSE_TRAILERS,
	LOADGEN_PARSE_BODY_UNTIL_CLOSE,
	LOADGEN_PARSE_DONE,
	LOADGEN_PARSE_ERROR,
};

/* One response in progress. No allocation: lines are kept in the fixed buffer. */
struct loadgen_parser {
	enum loadgen_parse_state state;
	bool no_body;            /* the request was HEAD: the response has headers only */
	int status;              /* 100..999 once the status line is read */
	bool chunked;
	bool has_content_length;
	bool connection_close;   /* the server will close after this response */
	bool http10;
	uint64_t content_length;
	uint64_t remaining;      /* body or chunk bytes still to come */
	uint64_t body_bytes;
	size_t header_bytes;
	const char *error;       /* static text when state is ERROR */
	size_t line_length;
	char line[LOADGEN_HTTP_LINE_MAX];
};

void loadgen_parser_reset(struct loadgen_parser *parser, bool no_body);
/* Feeds bytes; returns how many were consumed. Stops right after a complete response (state
 * DONE: the rest of `data` belongs to the next one) or at the first error (state ERROR). */
size_t loadgen_parser_feed(struct loadgen_parser *parser, const char *data, size_t length);
/* The peer closed the connection: completes a body that runs until close; 0 when the response
 * is complete, -1 when it was cut short. */
int loadgen_parser_eof(struct loadgen_parser *parser);

/* A request written out once: "METHOD target HTTP/1.1", Host, the extra headers ("Name: value"
 * each), Content-Length when there is a body, then the body. Appends to `out`; -1 when the
 * method, target or a header would break the framing (spaces, CR/LF, missing colon). */
int loadgen_http_serialize(struct strbuf *out, const char *method, const char *host_header, const char *target,
			   const char *const *headers, size_t header_count, const char *body, size_t body_length);

/* Splits http://host[:port][/path] into parts (owned by the caller); -1 on anything else. */
int loadgen_parse_url(const char *url, char **host, char **port, char **target);
/* The same for http:// or https:// (port 443 by default); *tls tells which. */
int loadgen_parse_url_tls(const char *url, bool *tls, char **host, char **port, char **target);

#endif
