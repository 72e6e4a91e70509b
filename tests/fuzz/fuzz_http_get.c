/* libFuzzer entry for goose-run's own HTTP client (steps_http_get in runner/steps_http.c), which
 * reads the answers of http.check steps and of Prometheus queries: a loopback server thread
 * answers every request with the input's bytes and closes. The client refuses with a message,
 * or gives a status and a body no longer than what was sent. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "steps.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct answer {
	int listener;
	const uint8_t *data;
	size_t size;
};

/* Accepts one connection, reads the request head, sends the answer and closes. */
static void *serve_once(void *context)
{
	struct answer *answer = context;
	int fd = accept(answer->listener, NULL, NULL);
	if (fd < 0)
		return NULL;
	char request[4096];
	size_t have = 0;
	while (have < sizeof(request) - 1) {
		ssize_t got = recv(fd, request + have, sizeof(request) - 1 - have, 0);
		if (got <= 0)
			break;
		have += (size_t)got;
		request[have] = '\0';
		if (strstr(request, "\r\n\r\n"))
			break;
	}
	size_t sent = 0;
	while (sent < answer->size) {
		ssize_t wrote = send(fd, answer->data + sent, answer->size - sent, MSG_NOSIGNAL);
		if (wrote <= 0)
			break;
		sent += (size_t)wrote;
	}
	close(fd);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int listener = -1;
	static char url[64];
	if (listener < 0) {
		signal(SIGPIPE, SIG_IGN);
		listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t length = sizeof(address);
		if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 ||
		    listen(listener, 4) != 0 || getsockname(listener, (struct sockaddr *)&address, &length) != 0)
			abort();
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v1/query?query=up", (unsigned)ntohs(address.sin_port));
	}
	if (size > (1u << 20))
		return 0;
	struct answer answer = { listener, data, size };
	pthread_t server;
	if (pthread_create(&server, NULL, serve_once, &answer) != 0)
		abort();
	int status = -1;
	struct strbuf body;
	strbuf_init(&body);
	char *error = NULL;
	int result = steps_http_get(url, "GET", 5000, &status, &body, &error);
	pthread_join(server, NULL);
	if (result == 0) {
		if (error || body.len > size)
			abort();
	} else if (!error) {
		abort();
	}
	free(error);
	strbuf_release(&body);
	return 0;
}
