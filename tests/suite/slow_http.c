/* Test helper (not a suite): a small HTTP/1.1 server on 127.0.0.1 that answers like a stage in
 * compliance mode, but only after DELAY_MS on every request except /mode and /healthz, so an
 * end-to-end load test can break its latency criterion against a real socket.
 *
 * usage: slow_http PORT DELAY_MS     (runs until killed; one thread per connection, keep-alive) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long delay_ms;

static int write_all(int fd, const char *data, size_t length)
{
	while (length) {
		ssize_t written = write(fd, data, length);
		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0)
			return -1;
		data += written;
		length -= (size_t)written;
	}
	return 0;
}

static void respond(int fd, const char *path, const char *method)
{
	const char *body = "{\"balance\":{\"value\":\"100.00\",\"currency\":\"EUR\"}}";
	int status = 200;
	if (strcmp(path, "/mode") == 0) {
		body = "{\"mode\":\"compliance\"}";
	} else if (strcmp(path, "/healthz") == 0) {
		body = "ok";
	} else {
		if (strcmp(path, "/v1/transfers") == 0 && strcmp(method, "POST") == 0) {
			status = 201;
			body = "{\"status\":\"accepted\"}";
		}
		struct timespec pause = { .tv_sec = delay_ms / 1000, .tv_nsec = (delay_ms % 1000) * 1000000L };
		while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
			;
	}
	char head[256];
	int length = snprintf(head, sizeof(head),
			      "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", status,
			      status == 201 ? "Created" : "OK", strlen(body));
	if (write_all(fd, head, (size_t)length) == 0)
		write_all(fd, body, strlen(body));
}

static void *serve(void *argument)
{
	int fd = (int)(long)argument;
	char buffer[65536];
	size_t used = 0;
	for (;;) {
		char *end = used ? memmem(buffer, used, "\r\n\r\n", 4) : NULL;
		if (!end) {
			if (used == sizeof(buffer))
				break;
			ssize_t got = read(fd, buffer + used, sizeof(buffer) - used);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			used += (size_t)got;
			continue;
		}
		size_t head_length = (size_t)(end - buffer) + 4;
		char method[16] = "", path[1024] = "";
		sscanf(buffer, "%15s %1023s", method, path);
		char *query = strchr(path, '?');
		if (query)
			*query = '\0';
		size_t body_length = 0;
		bool close_after = false;
		for (char *line = buffer; line && line < end; line = memchr(line, '\n', (size_t)(end - line))) {
			if (*line == '\n')
				line++;
			if (strncasecmp(line, "Content-Length:", 15) == 0)
				body_length = strtoul(line + 15, NULL, 10);
			if (strncasecmp(line, "Connection:", 11) == 0 && strcasestr(line, "close") && strcasestr(line, "close") < end)
				close_after = true;
		}
		/* the body follows the head; read what is missing of it */
		while (used < head_length + body_length && used < sizeof(buffer)) {
			ssize_t got = read(fd, buffer + used, sizeof(buffer) - used);
			if (got <= 0)
				goto out;
			used += (size_t)got;
		}
		if (head_length + body_length > sizeof(buffer))
			break;
		respond(fd, path, method);
		if (close_after)
			break;
		memmove(buffer, buffer + head_length + body_length, used - head_length - body_length);
		used -= head_length + body_length;
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: slow_http PORT DELAY_MS\n");
		return 2;
	}
	int port = atoi(argv[1]);
	delay_ms = atol(argv[2]);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int yes = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 512) != 0) {
		fprintf(stderr, "slow_http: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	for (;;) {
		int fd = accept(listener, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_t thread;
		if (pthread_create(&thread, NULL, serve, (void *)(long)fd) != 0) {
			close(fd);
			continue;
		}
		pthread_detach(thread);
	}
}
