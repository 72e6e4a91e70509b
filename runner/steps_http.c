/* The http.check step over a minimal HTTP/1.1 client (plain http:// only, as the stages serve
 * on loopback): status, body pattern and JSON field expectations, retried with backoff. */
#define _GNU_SOURCE
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

#define HTTP_MAX_RESPONSE (4u << 20)
#define HTTP_MAX_BACKOFF_MS 30000

static long long monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - monotonic_ms();
		if (left <= 0)
			return -1;
		struct pollfd poll_fd = { .fd = fd, .events = events };
		int ready = poll(&poll_fd, 1, (int)(left > 1000 ? 1000 : left));
		if (ready > 0)
			return 0;
		if (ready < 0 && errno != EINTR)
			return -1;
	}
}

/* Splits "http://host[:port]/path" (host may be [v6]); -1 for anything else. */
static int split_url(const char *url, char **host, char **port, char **path)
{
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	const char *authority = url + 7;
	const char *slash = strchr(authority, '/');
	size_t authority_length = slash ? (size_t)(slash - authority) : strlen(authority);
	char *hostport = xstrndup(authority, authority_length);
	char *colon = hostport[0] == '[' ? strstr(hostport, "]:") : strrchr(hostport, ':');
	if (colon && hostport[0] == '[')
		colon++;
	*port = xstrdup(colon ? colon + 1 : "80");
	if (colon)
		*colon = '\0';
	if (hostport[0] == '[') {
		size_t length = strlen(hostport);
		*host = xstrndup(hostport + 1, length > 2 ? length - 2 : 0);
		free(hostport);
	} else {
		*host = hostport;
	}
	*path = xstrdup(slash ? slash : "/");
	return **host ? 0 : -1;
}

static int decode_chunked(const char *data, size_t length, struct strbuf *out)
{
	size_t offset = 0;
	for (;;) {
		char *end;
		unsigned long size = strtoul(data + offset, &end, 16);
		const char *line_end = memchr(data + offset, '\n', length - offset);
		if (!line_end || end == data + offset)
			return -1;
		offset = (size_t)(line_end - data) + 1;
		if (size == 0)
			return 0;
		if (size > length - offset)
			return -1;
		strbuf_add(out, data + offset, size);
		offset += size + 2;
		if (offset > length)
			return -1;
	}
}

int steps_http_get(const char *url, const char *method, long timeout_ms, int *status, struct strbuf *body, char **error)
{
	char *host = NULL, *port = NULL, *path = NULL;
	if (split_url(url, &host, &port, &path) != 0) {
		free(host);
		free(port);
		free(path);
		*error = xasprintf("only http:// URLs are supported, not '%s'", url);
		return -1;
	}
	long long deadline = monotonic_ms() + timeout_ms;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *addresses = NULL;
	int result = -1;
	int fd = -1;
	struct strbuf response;
	strbuf_init(&response);
	int lookup = getaddrinfo(host, port, &hints, &addresses);
	if (lookup != 0) {
		*error = xasprintf("cannot resolve '%s': %s", host, gai_strerror(lookup));
		goto out;
	}
	for (struct addrinfo *address = addresses; address && fd < 0; address = address->ai_next) {
		fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, address->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, address->ai_addr, address->ai_addrlen) != 0 && errno != EINPROGRESS) {
			close(fd);
			fd = -1;
			continue;
		}
		int socket_error = 0;
		socklen_t error_length = sizeof(socket_error);
		if (wait_for(fd, POLLOUT, deadline) != 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &error_length) != 0 ||
		    socket_error != 0) {
			errno = socket_error ? socket_error : ETIMEDOUT;
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		*error = xasprintf("cannot connect to '%s:%s': %s", host, port, strerror(errno));
		goto out;
	}
	struct strbuf request;
	strbuf_init(&request);
	strbuf_addf(&request, "%s %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: goose-run/%s\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		    method, path, host, port, GOOSE_VERSION);
	size_t sent = 0;
	while (sent < request.len) {
		if (wait_for(fd, POLLOUT, deadline) != 0)
			break;
		ssize_t written = send(fd, request.buf + sent, request.len - sent, MSG_NOSIGNAL);
		if (written < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (written < 0)
			break;
		sent += (size_t)written;
	}
	bool request_sent = sent == request.len;
	strbuf_release(&request);
	if (!request_sent) {
		*error = xasprintf("cannot send the request to '%s'", url);
		goto out;
	}
	for (;;) {
		if (wait_for(fd, POLLIN, deadline) != 0) {
			*error = xasprintf("no complete answer from '%s' within %ld ms", url, timeout_ms);
			goto out;
		}
		char buffer[8192];
		ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got < 0) {
			*error = xasprintf("reading from '%s': %s", url, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		if (response.len + (size_t)got > HTTP_MAX_RESPONSE) {
			*error = xasprintf("answer from '%s' is larger than %u bytes", url, HTTP_MAX_RESPONSE);
			goto out;
		}
		strbuf_add(&response, buffer, (size_t)got);
	}
	const char *header_end = strstr(response.buf, "\r\n\r\n");
	int major, minor;
	if (!header_end || sscanf(response.buf, "HTTP/%d.%d %d", &major, &minor, status) != 3) {
		*error = xasprintf("'%s' did not answer HTTP", url);
		goto out;
	}
	const char *content = header_end + 4;
	size_t content_length = response.len - (size_t)(content - response.buf);
	bool chunked = false;
	for (const char *line = strstr(response.buf, "\r\n"); line && line < header_end; line = strstr(line + 2, "\r\n"))
		if (strncasecmp(line + 2, "transfer-encoding:", 18) == 0 && strstr(line + 2, "chunked") &&
		    strstr(line + 2, "chunked") < header_end)
			chunked = true;
	if (chunked) {
		if (decode_chunked(content, content_length, body) != 0) {
			*error = xasprintf("'%s' sent a damaged chunked body", url);
			goto out;
		}
	} else {
		strbuf_add(body, content, content_length);
	}
	result = 0;
out:
	if (fd >= 0)
		close(fd);
	if (addresses)
		freeaddrinfo(addresses);
	strbuf_release(&response);
	free(host);
	free(port);
	free(path);
	return result;
}

/* A member by dotted path ("a.b.c"). */
static const json_t *member_at(const json_t *root, const char *path)
{
	char *copy = xstrdup(path);
	const json_t *node = root;
	char *cursor = copy;
	while (node && cursor) {
		char *dot = strchr(cursor, '.');
		if (dot)
			*dot = '\0';
		node = json_object_get(node, cursor);
		cursor = dot ? dot + 1 : NULL;
	}
	free(copy);
	return node;
}

/* NULL when the answer meets `expect`; otherwise what did not. */
static char *check_answer(const json_t *expect, int status, const struct strbuf *body, const char *version)
{
	const json_t *statuses = json_object_get(expect, "status");
	if (json_array_size(statuses)) {
		bool matched = false;
		size_t index;
		const json_t *wanted;
		json_array_foreach(statuses, index, wanted)
			matched |= json_integer_value(wanted) == status;
		if (!matched)
			return xasprintf("status %d is not the expected one", status);
	} else if (status < 200 || status > 299) {
		return xasprintf("status %d", status);
	}
	const char *pattern = json_string_value(json_object_get(expect, "body_contains"));
	if (pattern) {
		char *wanted = steps_substitute(pattern, version);
		bool found = memmem(body->buf, body->len, wanted, strlen(wanted)) != NULL;
		char *message = found ? NULL : xasprintf("body does not contain '%s'", wanted);
		free(wanted);
		if (message)
			return message;
	}
	const json_t *fields = json_object_get(expect, "json");
	if (json_object_size(fields) == 0)
		return NULL;
	json_t *document = json_loadb(body->buf, body->len, JSON_REJECT_DUPLICATES, NULL);
	if (!document)
		return xstrdup("body is not JSON");
	char *message = NULL;
	const char *name;
	const json_t *wanted;
	json_object_foreach((json_t *)fields, name, wanted) {
		const json_t *actual = member_at(document, name);
		if (json_is_string(wanted)) {
			char *text = steps_substitute(json_string_value(wanted), version);
			if (!json_is_string(actual) || strcmp(json_string_value(actual), text) != 0)
				message = xasprintf("JSON field '%s' is %s, expected '%s'", name,
						    json_is_string(actual) ? json_string_value(actual) : "missing or not a string", text);
			free(text);
		} else if (!actual || !json_equal(actual, wanted)) {
			message = xasprintf("JSON field '%s' does not have the expected value", name);
		}
		if (message)
			break;
	}
	json_decref(document);
	return message;
}

enum steps_outcome steps_http_check(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const char *url = json_string_value(json_object_get(args, "url"));
	const char *method = json_string_value(json_object_get(args, "method"));
	const char *stage = json_string_value(json_object_get(args, "stage"));
	if (!url) {
		*error = xstrdup("http.check needs 'url'");
		return STEPS_FAILED;
	}
	if (!method || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
		*error = xasprintf("http.check: method '%s' is not supported (GET or HEAD)", method ? method : "?");
		return STEPS_FAILED;
	}
	const json_t *retry = json_object_get(args, "retry");
	long long attempts = json_is_integer(json_object_get(retry, "attempts")) ? json_integer_value(json_object_get(retry, "attempts")) : 1;
	long long backoff_ms = json_is_integer(json_object_get(retry, "backoff_ms")) ? json_integer_value(json_object_get(retry, "backoff_ms")) : 0;
	long long timeout_ms = json_is_integer(json_object_get(args, "timeout_ms")) ? json_integer_value(json_object_get(args, "timeout_ms")) : 5000;
	if (attempts < 1)
		attempts = 1;
	const char *version = stage ? state_stage_release_version(context->state, stage) : NULL;
	char *last_problem = NULL;
	long long attempt;
	for (attempt = 1; attempt <= attempts; attempt++) {
		if (attempt > 1 && backoff_ms > 0) {
			/* doubling backoff, capped (before shifting: a plan's backoff_ms may be any integer) */
			long long pause_ms = backoff_ms > HTTP_MAX_BACKOFF_MS ? HTTP_MAX_BACKOFF_MS
									    : backoff_ms << (attempt - 2 > 10 ? 10 : attempt - 2);
			if (pause_ms > HTTP_MAX_BACKOFF_MS)
				pause_ms = HTTP_MAX_BACKOFF_MS;
			struct timespec pause = { (time_t)(pause_ms / 1000), (long)(pause_ms % 1000) * 1000000 };
			nanosleep(&pause, NULL);
		}
		int status = 0;
		struct strbuf body;
		strbuf_init(&body);
		char *problem = NULL;
		if (steps_http_get(url, method, (long)timeout_ms, &status, &body, &problem) == 0)
			problem = check_answer(json_object_get(args, "expect"), status, &body, version);
		strbuf_release(&body);
		free(last_problem);
		last_problem = problem;
		if (!problem) {
			json_object_set_new(detail, "status", json_integer(status));
			break;
		}
	}
	json_object_set_new(detail, "attempts", json_integer(attempt > attempts ? attempts : attempt));
	if (last_problem) {
		*error = xasprintf("http.check '%s': %s (after %lld attempts)", url, last_problem, attempts);
		free(last_problem);
		return STEPS_FAILED;
	}
	return STEPS_DONE;
}
