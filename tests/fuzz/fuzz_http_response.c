/* libFuzzer entry point for the load engine's HTTP response parser: any bytes, fed whole and
 * in pieces of every size the first byte picks, must parse the same way without overrunning. */
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
	return 0;
}
