/* libFuzzer entry point for the load engine's HTTP response parser: any bytes, fed whole and
 * in pieces of every size the first byte picks, must parse the same way without overrunning.
 * The same bytes as a URL go through the http:// and https:// URL splitter too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
	enum loadgen_parse_state state;
	int status;
	uint64_t body_bytes;
	size_t consumed;
	size_t responses;
};

/* Parses as many pipelined responses as the input holds, `piece` bytes per feed at most. */
static struct outcome parse_all(const char *text, size_t size, size_t piece, bool no_body)
{
	struct loadgen_parser *parser = malloc(sizeof(*parser));
	struct outcome outcome = {0};
	loadgen_parser_reset(parser, no_body);
	size_t offset = 0;
	while (offset < size) {
		size_t length = size - offset < piece ? size - offset : piece;
		size_t used = loadgen_parser_feed(parser, text + offset, length);
		if (used > length)
			abort();
		offset += used;
		if (parser->state == LOADGEN_PARSE_ERROR)
			break;
		if (parser->state == LOADGEN_PARSE_DONE) {
			outcome.responses++;
			outcome.status = parser->status;
			loadgen_parser_reset(parser, no_body);
			continue;
		}
		if (used < length)
			abort(); /* a parser that is neither done nor failed takes every byte */
	}
	if (parser->state != LOADGEN_PARSE_ERROR && parser->state != LOADGEN_PARSE_STATUS_LINE)
		loadgen_parser_eof(parser);
	outcome.state = parser->state;
	outcome.body_bytes = parser->body_bytes;
	outcome.consumed = offset;
	free(parser);
	return outcome;
}

/* A URL the splitter accepts has a host, a port from 1 to 65535 and a target starting with '/';
 * the http:// only entry point agrees with it on http:// URLs. */
static void check_url(const char *text, size_t size)
{
	char *url = malloc(size + 1);
	memcpy(url, text, size);
	url[size] = '\0';
	char *host = NULL, *port = NULL, *target = NULL;
	bool tls = false;
	int parsed = loadgen_parse_url_tls(url, &tls, &host, &port, &target);
	if (parsed == 0) {
		long number = strtol(port, NULL, 10);
		if (!*host || number < 1 || number > 65535 || target[0] != '/' || tls != (strncmp(url, "https://", 8) == 0))
			abort();
		free(host), free(port), free(target);
	}
	if (strncmp(url, "http://", 7) == 0) {
		int plain = loadgen_parse_url(url, &host, &port, &target);
		if (plain != parsed)
			abort();
		if (plain == 0)
			free(host), free(port), free(target);
	}
	free(url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)(data[0] % 17) + 1;
	bool no_body = data[0] & 0x80;
	const char *text = (const char *)data + 1;
	size -= 1;
	struct outcome whole = parse_all(text, size, size ? size : 1, no_body);
	struct outcome split = parse_all(text, size, piece, no_body);
	if (whole.state != split.state || whole.responses != split.responses || whole.status != split.status ||
	    whole.body_bytes != split.body_bytes || whole.consumed != split.consumed)
		abort();
	check_url(text, strnlen(text, size));
	return 0;
}
