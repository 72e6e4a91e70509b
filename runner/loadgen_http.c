/* The response parser is a small state machine over lines and counted bodies; every length is
 * checked for overflow and every line is bounded, because it reads what any server sends. */
#include "loadgen_http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

void loadgen_parser_reset(struct loadgen_parser *parser, bool no_body)
{
	parser->state = LOADGEN_PARSE_STATUS_LINE;
	parser->no_body = no_body;
	parser->status = 0;
	parser->chunked = false;
	parser->has_content_length = false;
	parser->connection_close = false;
	parser->http10 = false;
	parser->content_length = 0;
	parser->remaining = 0;
	parser->body_bytes = 0;
	parser->header_bytes = 0;
	parser->error = NULL;
	parser->line_length = 0;
}

static void fail(struct loadgen_parser *parser, const char *message)
{
	parser->state = LOADGEN_PARSE_ERROR;
	parser->error = message;
}

static bool is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* Does the comma-separated token list contain `token` (case-insensitive)? */
static bool list_has_token(const char *value, size_t length, const char *token)
{
	size_t token_length = strlen(token);
	size_t i = 0;
	while (i < length) {
		while (i < length && (value[i] == ' ' || value[i] == '\t' || value[i] == ','))
			i++;
		size_t start = i;
		while (i < length && value[i] != ',')
			i++;
		size_t end = i;
		while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t'))
			end--;
		if (end - start == token_length && strncasecmp(value + start, token, token_length) == 0)
			return true;
	}
	return false;
}

/* The last coding of Transfer-Encoding decides whether the body is chunked. */
static bool last_coding_is_chunked(const char *value, size_t length)
{
	size_t end = length;
	while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t'))
		end--;
	size_t start = end;
	while (start > 0 && value[start - 1] != ',' && value[start - 1] != ' ' && value[start - 1] != '\t')
		start--;
	return end - start == 7 && strncasecmp(value + start, "chunked", 7) == 0;
}

static int parse_decimal(const char *text, size_t length, uint64_t *value)
{
	uint64_t number = 0;
	if (length == 0)
		return -1;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		if (number > (UINT64_MAX - 9) / 10)
			return -1;
		number = number * 10 + (uint64_t)(text[i] - '0');
	}
	*value = number;
	return 0;
}

static void parse_status_line(struct loadgen_parser *parser, const char *line, size_t length)
{
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (length < 12 || memcmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ') {
		fail(parser, "malformed status line");
		return;
	}
	for (int i = 9; i < 12; i++)
		if (line[i] < '0' || line[i] > '9') {
			fail(parser, "malformed status code");
			return;
		}
	if (length > 12 && line[12] != ' ') {
		fail(parser, "malformed status line");
		return;
	}
	parser->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (parser->status < 100) {
		fail(parser, "malformed status code");
		return;
	}
	parser->http10 = line[7] == '0';
	parser->connection_close = parser->http10;
	parser->state = LOADGEN_PARSE_HEADERS;
}

static void parse_header_line(struct loadgen_parser *parser, const char *line, size_t length)
{
	const char *colon = memchr(line, ':', length);
	if (!colon || colon == line) {
		fail(parser, "malformed header line");
		return;
	}
	size_t name_length = (size_t)(colon - line);
	for (size_t i = 0; i < name_length; i++)
		if (!is_token_char((unsigned char)line[i])) {
			fail(parser, "malformed header name");
			return;
		}
	const char *value = colon + 1;
	size_t value_length = length - name_length - 1;
	while (value_length && (*value == ' ' || *value == '\t')) {
		value++;
		value_length--;
	}
	while (value_length && (value[value_length - 1] == ' ' || value[value_length - 1] == '\t'))
		value_length--;
	if (name_length == 14 && strncasecmp(line, "content-length", 14) == 0) {
		uint64_t content_length;
		if (parse_decimal(value, value_length, &content_length) != 0) {
			fail(parser, "malformed content-length");
			return;
		}
		if (parser->has_content_length && content_length != parser->content_length) {
			fail(parser, "conflicting content-length headers");
			return;
		}
		parser->has_content_length = true;
		parser->content_length = content_length;
	} else if (name_length == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
		parser->chunked = last_coding_is_chunked(value, value_length);
	} else if (name_length == 10 && strncasecmp(line, "connection", 10) == 0) {
		if (list_has_token(value, value_length, "close"))
			parser->connection_close = true;
		else if (parser->http10 && list_has_token(value, value_length, "keep-alive"))
			parser->connection_close = false;
	}
}

/* After the blank line that ends the headers: where the body comes from. */
static void end_of_headers(struct loadgen_parser *parser)
{
	if (parser->status >= 100 && parser->status < 200 && parser->status != 101) {
		/* an interim response: the real one follows */
		bool no_body = parser->no_body;
		loadgen_parser_reset(parser, no_body);
		return;
	}
	if (parser->no_body || parser->status == 204 || parser->status == 304 || parser->status == 101) {
		parser->state = LOADGEN_PARSE_DONE;
	} else if (parser->chunked) {
		parser->state = LOADGEN_PARSE_CHUNK_SIZE;
	} else if (parser->has_content_length) {
		parser->remaining = parser->content_length;
		parser->state = parser->remaining ? LOADGEN_PARSE_BODY_LENGTH : LOADGEN_PARSE_DONE;
	} else {
		parser->connection_close = true;
		parser->state = LOADGEN_PARSE_BODY_UNTIL_CLOSE;
	}
}

static void parse_chunk_size(struct loadgen_parser *parser, const char *line, size_t length)
{
	uint64_t size = 0;
	size_t i = 0;
	for (; i < length; i++) {
		char c = line[i];
		int digit;
		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			break;
		if (size > (UINT64_MAX >> 4)) {
			fail(parser, "chunk size overflows");
			return;
		}
		size = (size << 4) | (uint64_t)digit;
	}
	if (i == 0) {
		fail(parser, "malformed chunk size");
		return;
	}
	while (i < length && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < length && line[i] != ';') {
		fail(parser, "malformed chunk size");
		return;
	}
	if (size == 0) {
		parser->state = LOADGEN_PARSE_TRAILERS;
	} else {
		parser->remaining = size;
		parser->state = LOADGEN_PARSE_CHUNK_DATA;
	}
}

/* One complete line (without its LF, and without a CR before it). */
static void handle_line(struct loadgen_parser *parser, const char *line, size_t length)
{
	switch (parser->state) {
	case LOADGEN_PARSE_STATUS_LINE:
		parse_status_line(parser, line, length);
		break;
	case LOADGEN_PARSE_HEADERS:
		if (length == 0)
			end_of_headers(parser);
		else
			parse_header_line(parser, line, length);
		break;
	case LOADGEN_PARSE_CHUNK_SIZE:
		parse_chunk_size(parser, line, length);
		break;
	case LOADGEN_PARSE_CHUNK_DATA_END:
		if (length != 0)
			fail(parser, "chunk data longer than its size");
		else
			parser->state = LOADGEN_PARSE_CHUNK_SIZE;
		break;
	case LOADGEN_PARSE_TRAILERS:
		if (length == 0)
			parser->state = LOADGEN_PARSE_DONE;
		else if (!memchr(line, ':', length))
			fail(parser, "malformed trailer line");
		break;
	default:
		fail(parser, "internal parser state");
		break;
	}
}

static bool is_line_state(enum loadgen_parse_state state)
{
	return state == LOADGEN_PARSE_STATUS_LINE || state == LOADGEN_PARSE_HEADERS || state == LOADGEN_PARSE_CHUNK_SIZE ||
	       state == LOADGEN_PARSE_CHUNK_DATA_END || state == LOADGEN_PARSE_TRAILERS;
}

size_t loadgen_parser_feed(struct loadgen_parser *parser, const char *data, size_t length)
{
	size_t used = 0;
	while (used < length && parser->state != LOADGEN_PARSE_DONE && parser->state != LOADGEN_PARSE_ERROR) {
		if (is_line_state(parser->state)) {
			const char *start = data + used;
			size_t available = length - used;
			const char *newline = memchr(start, '\n', available);
			size_t take = newline ? (size_t)(newline - start) + 1 : available;
			bool counts_as_header = parser->state == LOADGEN_PARSE_HEADERS || parser->state == LOADGEN_PARSE_STATUS_LINE ||
						parser->state == LOADGEN_PARSE_TRAILERS;
			if (counts_as_header) {
				parser->header_bytes += take;
				if (parser->header_bytes > LOADGEN_HTTP_HEADER_BYTES_MAX) {
					fail(parser, "response headers too large");
					break;
				}
			}
			size_t content = newline ? take - 1 : take;
			if (parser->line_length + content > sizeof(parser->line)) {
				fail(parser, "line too long");
				break;
			}
			memcpy(parser->line + parser->line_length, start, content);
			parser->line_length += content;
			used += take;
			if (!newline)
				break;
			size_t line_length = parser->line_length;
			if (line_length && parser->line[line_length - 1] == '\r')
				line_length--;
			parser->line_length = 0;
			handle_line(parser, parser->line, line_length);
			continue;
		}
		size_t available = length - used;
		if (parser->state == LOADGEN_PARSE_BODY_UNTIL_CLOSE) {
			parser->body_bytes += available;
			used = length;
			break;
		}
		/* BODY_LENGTH or CHUNK_DATA: counted bytes */
		size_t take = parser->remaining < available ? (size_t)parser->remaining : available;
		parser->remaining -= take;
		parser->body_bytes += take;
		used += take;
		if (parser->remaining == 0)
			parser->state = parser->state == LOADGEN_PARSE_BODY_LENGTH ? LOADGEN_PARSE_DONE : LOADGEN_PARSE_CHUNK_DATA_END;
	}
	return used;
}

int loadgen_parser_eof(struct loadgen_parser *parser)
{
	if (parser->state == LOADGEN_PARSE_BODY_UNTIL_CLOSE) {
		parser->state = LOADGEN_PARSE_DONE;
		return 0;
	}
	if (parser->state == LOADGEN_PARSE_DONE)
		return 0;
	fail(parser, "connection closed before the response ended");
	return -1;
}

static bool has_framing_bytes(const char *text)
{
	for (const char *c = text; *c; c++)
		if (*c == '\r' || *c == '\n' || *c == '\0')
			return true;
	return false;
}

int loadgen_http_serialize(struct strbuf *out, const char *method, const char *host_header, const char *target,
			   const char *const *headers, size_t header_count, const char *body, size_t body_length)
{
	if (!*method || !*target || strpbrk(method, " \t\r\n") || strpbrk(target, " \t\r\n") || has_framing_bytes(host_header))
		return -1;
	for (const char *c = method; *c; c++)
		if (!is_token_char((unsigned char)*c))
			return -1;
	bool has_host = false;
	for (size_t i = 0; i < header_count; i++) {
		const char *colon = strchr(headers[i], ':');
		if (!colon || colon == headers[i] || has_framing_bytes(headers[i]))
			return -1;
		for (const char *c = headers[i]; c < colon; c++)
			if (!is_token_char((unsigned char)*c))
				return -1;
		if (colon - headers[i] == 4 && strncasecmp(headers[i], "host", 4) == 0)
			has_host = true;
		if (colon - headers[i] == 14 && strncasecmp(headers[i], "content-length", 14) == 0)
			return -1; /* the engine frames the body itself */
	}
	strbuf_addf(out, "%s %s HTTP/1.1\r\n", method, target);
	if (!has_host)
		strbuf_addf(out, "Host: %s\r\n", host_header);
	for (size_t i = 0; i < header_count; i++) {
		strbuf_addstr(out, headers[i]);
		strbuf_addstr(out, "\r\n");
	}
	if (body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0)
		strbuf_addf(out, "Content-Length: %zu\r\n", body ? body_length : 0);
	strbuf_addstr(out, "\r\n");
	if (body && body_length)
		strbuf_add(out, body, body_length);
	return 0;
}

int loadgen_parse_url(const char *url, char **host, char **port, char **target)
{
	bool tls;
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	return loadgen_parse_url_tls(url, &tls, host, port, target);
}

int loadgen_parse_url_tls(const char *url, bool *tls, char **host, char **port, char **target)
{
	const char *authority;
	if (strncmp(url, "http://", 7) == 0) {
		*tls = false;
		authority = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		*tls = true;
		authority = url + 8;
	} else {
		return -1;
	}
	size_t authority_length = strcspn(authority, "/?#");
	if (authority_length == 0 || memchr(authority, '@', authority_length))
		return -1;
	const char *rest = authority + authority_length;
	const char *host_start = authority, *host_end, *port_start = NULL;
	const char *authority_end = authority + authority_length;
	if (*authority == '[') {
		host_start = authority + 1;
		host_end = memchr(host_start, ']', authority_length - 1);
		if (!host_end)
			return -1;
		if (host_end + 1 < authority_end) {
			if (host_end[1] != ':')
				return -1;
			port_start = host_end + 2;
		}
	} else {
		const char *colon = memchr(authority, ':', authority_length);
		host_end = colon ? colon : authority_end;
		if (colon)
			port_start = colon + 1;
	}
	if (host_end == host_start)
		return -1;
	if (port_start) {
		size_t port_length = (size_t)(authority_end - port_start);
		uint64_t number;
		if (port_length == 0 || port_length > 5 || parse_decimal(port_start, port_length, &number) != 0 || number == 0 ||
		    number > 65535)
			return -1;
	}
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 127)
			return -1;
	const char *fragment = strchr(rest, '#');
	size_t rest_length = fragment ? (size_t)(fragment - rest) : strlen(rest);
	*host = xstrndup(host_start, (size_t)(host_end - host_start));
	*port = port_start ? xstrndup(port_start, (size_t)(authority_end - port_start)) : xstrdup(*tls ? "443" : "80");
	if (rest_length == 0)
		*target = xstrdup("/");
	else if (*rest == '?')
		*target = xasprintf("/%.*s", (int)rest_length, rest);
	else
		*target = xstrndup(rest, rest_length);
	return 0;
}
