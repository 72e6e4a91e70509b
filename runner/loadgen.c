/* Workers own their connections, histograms and counters outright and share nothing while the
 * load runs but a small per-second sample the main thread collects; results merge at the end. */
#define _GNU_SOURCE
#include "loadgen.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loadgen_http.h"
#include "loadgen_tls.h"
#include "banned.h"

#define SERIES_SLOTS 8            /* seconds a worker keeps before the collector takes them */
#define SERIES_SAMPLE 256         /* latencies sampled per worker per second (reservoir) */
#define READ_BUFFER_SIZE 65536
#define CONNECT_BACKOFF_NS 10000000LL
#define SCAN_INTERVAL_NS 1000000LL
#define LOOP_TICK_MS 5
#define START_DELAY_NS 20000000LL
#define TIMER_EVENT_TAG UINT64_MAX

enum connection_state { CONNECTION_CLOSED, CONNECTION_CONNECTING, CONNECTION_HANDSHAKE, CONNECTION_IDLE, CONNECTION_BUSY };

struct connection {
	int fd;
	uint32_t generation;     /* tags epoll events so a stale one never reaches a reopened socket */
	enum connection_state state;
	bool available;          /* on the worker's free stack */
	bool request_pending;    /* a request is assigned (connecting, writing or awaiting its response) */
	size_t request;
	const char *wire;        /* what is being sent: the request's wire, or `own_wire` with its sequence */
	char *own_wire;          /* per connection, for requests with ${request.sequence}; NULL when none has it */
	size_t written;
	int64_t intended_ns, sent_ns, retry_at_ns;
	struct loadgen_parser parser;
	struct loadgen_tls_connection tls;
};

struct series_slot {
	int64_t second;          /* -1 when empty */
	uint64_t responses, errors, seen;
	int64_t max_us;
	uint32_t sample_count;
	uint32_t samples[SERIES_SAMPLE];
};

/* Where a request's ${request.sequence} placeholders sit in its wire. */
struct request_template {
	size_t offsets[LOADGEN_SEQUENCE_SLOTS];
	size_t count;
};

struct worker {
	const struct loadgen_config *config;
	const struct request_template *templates;  /* one per request, shared read-only */
	size_t own_wire_size;        /* the longest wire with placeholders, 0 when none has one */
	unsigned id;
	pthread_t thread;
	struct connection *connections;
	unsigned connection_count;
	unsigned *free_stack;
	unsigned free_count;
	int epoll_fd, timer_fd;
	int64_t timer_armed_ns;
	int64_t start_ns, end_ns, next_scan_ns;
	uint64_t next_index;         /* open model: the next global index this worker sends */
	int64_t next_intended_ns;    /* its absolute intended time, -1 when the schedule is done */
	uint64_t closed_sequence;
	struct loadgen_counts counts;
	struct loadgen_hist latency;
	struct loadgen_request_stats *per_request;
	pthread_mutex_t series_lock;
	struct series_slot slots[SERIES_SLOTS];
	uint64_t random_state;
	char tls_error[256];         /* the first failed handshake's reason, "" when none failed */
	char read_buffer[READ_BUFFER_SIZE];
};

/* The ${request.sequence} placeholders of a request, in order, at most LOADGEN_SEQUENCE_SLOTS. */
static void find_sequences(const struct loadgen_request *request, struct request_template *template)
{
	static const char placeholder[] = LOADGEN_SEQUENCE_PLACEHOLDER;
	_Static_assert(sizeof(placeholder) - 1 == LOADGEN_SEQUENCE_DIGITS, "the digits replace the placeholder in place");
	template->count = 0;
	const char *cursor = request->wire, *end = request->wire + request->wire_length;
	while (template->count < LOADGEN_SEQUENCE_SLOTS && (size_t)(end - cursor) >= LOADGEN_SEQUENCE_DIGITS) {
		const char *found = memmem(cursor, (size_t)(end - cursor), placeholder, LOADGEN_SEQUENCE_DIGITS);
		if (!found)
			break;
		template->offsets[template->count++] = (size_t)(found - request->wire);
		cursor = found + LOADGEN_SEQUENCE_DIGITS;
	}
}

static int64_t now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

uint64_t loadgen_error_count(const struct loadgen_counts *counts)
{
	return counts->connect_errors + counts->timeouts + counts->resets + counts->protocol_errors + counts->tls_errors +
	       counts->status_class[4] + counts->status_class[5];
}

static bool is_open_model(const struct loadgen_config *config)
{
	return config->executor != LOADGEN_MAX_THROUGHPUT;
}

static uint64_t next_random(struct worker *worker)
{
	uint64_t x = worker->random_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	worker->random_state = x;
	return x;
}

static void series_record(struct worker *worker, int64_t now, int64_t latency_us, bool error)
{
	int64_t second = now > worker->start_ns ? (now - worker->start_ns) / 1000000000 : 0;
	struct series_slot *slot = &worker->slots[second % SERIES_SLOTS];
	pthread_mutex_lock(&worker->series_lock);
	if (slot->second != second) {
		memset(slot, 0, offsetof(struct series_slot, samples));
		slot->second = second;
	}
	if (error)
		slot->errors++;
	if (latency_us >= 0) {
		slot->responses++;
		slot->seen++;
		if (latency_us > slot->max_us)
			slot->max_us = latency_us;
		uint32_t value = latency_us > UINT32_MAX ? UINT32_MAX : (uint32_t)latency_us;
		if (slot->sample_count < SERIES_SAMPLE) {
			slot->samples[slot->sample_count++] = value;
		} else {
			uint64_t pick = next_random(worker) % slot->seen;
			if (pick < SERIES_SAMPLE)
				slot->samples[pick] = value;
		}
	}
	pthread_mutex_unlock(&worker->series_lock);
}

static void count_error(struct worker *worker, size_t request, uint64_t *(*field)(struct loadgen_counts *), int64_t now)
{
	(*field(&worker->counts))++;
	(*field(&worker->per_request[request].counts))++;
	series_record(worker, now, -1, true);
}

static uint64_t *connect_field(struct loadgen_counts *counts) { return &counts->connect_errors; }
static uint64_t *timeout_field(struct loadgen_counts *counts) { return &counts->timeouts; }
static uint64_t *reset_field(struct loadgen_counts *counts) { return &counts->resets; }
static uint64_t *protocol_field(struct loadgen_counts *counts) { return &counts->protocol_errors; }
static uint64_t *tls_field(struct loadgen_counts *counts) { return &counts->tls_errors; }

static void push_free(struct worker *worker, unsigned index)
{
	struct connection *connection = &worker->connections[index];
	if (connection->available)
		return;
	connection->available = true;
	worker->free_stack[worker->free_count++] = index;
}

static void close_connection(struct worker *worker, struct connection *connection)
{
	loadgen_tls_close(&connection->tls);
	if (connection->fd >= 0) {
		epoll_ctl(worker->epoll_fd, EPOLL_CTL_DEL, connection->fd, NULL);
		close(connection->fd);
	}
	connection->fd = -1;
	connection->generation++;
	connection->state = CONNECTION_CLOSED;
	connection->request_pending = false;
}

/* The request on this connection failed: count it, drop the socket, and make the connection
 * available again (after a pause when the server refused the connection). */
static void fail_request(struct worker *worker, unsigned index, uint64_t *(*field)(struct loadgen_counts *), int64_t now)
{
	struct connection *connection = &worker->connections[index];
	if (connection->request_pending)
		count_error(worker, connection->request, field, now);
	close_connection(worker, connection);
	if (field == connect_field || field == tls_field) {
		connection->retry_at_ns = now + CONNECT_BACKOFF_NS;
	} else {
		push_free(worker, index);
	}
}

/* Bytes written (> 0), 0 when the socket would block, -1 on error; through TLS when it is on. */
static ssize_t connection_send(struct connection *connection, const char *data, size_t length)
{
	if (connection->tls.ssl)
		return loadgen_tls_send(&connection->tls, data, length);
	for (;;) {
		ssize_t sent = send(connection->fd, data, length, MSG_NOSIGNAL);
		if (sent >= 0)
			return sent;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
}

/* Bytes read (> 0), 0 at the end of the stream, -2 when the socket would block, -1 on error. */
static ssize_t connection_recv(struct connection *connection, char *buffer, size_t size)
{
	if (connection->tls.ssl)
		return loadgen_tls_recv(&connection->tls, buffer, size);
	for (;;) {
		ssize_t got = recv(connection->fd, buffer, size, 0);
		if (got >= 0)
			return got;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
	}
}

static void write_request(struct worker *worker, unsigned index, int64_t now)
{
	struct connection *connection = &worker->connections[index];
	const struct loadgen_request *request = &worker->config->requests[connection->request];
	while (connection->written < request->wire_length) {
		ssize_t sent = connection_send(connection, connection->wire + connection->written, request->wire_length - connection->written);
		if (sent == 0)
			return;
		if (sent < 0) {
			fail_request(worker, index, reset_field, now);
			return;
		}
		connection->written += (size_t)sent;
	}
}

/* The connection is ready to carry requests (after the TCP connect, or the TLS handshake). */
static void connection_ready(struct worker *worker, unsigned index, int64_t now)
{
	struct connection *connection = &worker->connections[index];
	connection->state = CONNECTION_BUSY;
	if (!is_open_model(worker->config))
		connection->sent_ns = now; /* the closed model times the request, not the connect */
	write_request(worker, index, now);
}

static void continue_handshake(struct worker *worker, unsigned index, int64_t now)
{
	struct connection *connection = &worker->connections[index];
	char reason[sizeof(worker->tls_error)];
	switch (loadgen_tls_handshake(&connection->tls, reason, sizeof(reason))) {
	case LOADGEN_TLS_AGAIN:
		return;
	case LOADGEN_TLS_FAILED:
		if (!worker->tls_error[0])
			memcpy(worker->tls_error, reason, sizeof(reason));
		fail_request(worker, index, tls_field, now);
		return;
	case LOADGEN_TLS_DONE:
		break;
	}
	worker->counts.tls_handshakes++;
	if (loadgen_tls_resumed(&connection->tls))
		worker->counts.tls_resumed++;
	connection_ready(worker, index, now);
}

static int start_connect(struct worker *worker, unsigned index)
{
	struct connection *connection = &worker->connections[index];
	const struct loadgen_config *config = worker->config;
	int fd = socket(config->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&config->address, config->address_length) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	connection->fd = fd;
	connection->generation++;
	struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				    .data.u64 = ((uint64_t)connection->generation << 32) | index};
	if (epoll_ctl(worker->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
		close(fd);
		connection->fd = -1;
		return -1;
	}
	connection->state = CONNECTION_CONNECTING;
	return 0;
}

/* Writes `value` as LOADGEN_SEQUENCE_DIGITS zero-padded digits (the lowest ones if it has more). */
static void write_sequence(char *at, uint64_t value)
{
	for (int i = LOADGEN_SEQUENCE_DIGITS - 1; i >= 0; i--) {
		at[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* Assigns request `request` to a free connection and sends it (connecting first if needed);
 * `global_index` numbers the send across the whole run (its ${request.sequence}). */
static void send_request(struct worker *worker, unsigned index, size_t request, uint64_t global_index, int64_t intended,
			 int64_t now)
{
	struct connection *connection = &worker->connections[index];
	const struct loadgen_request *definition = &worker->config->requests[request];
	const struct request_template *template = &worker->templates[request];
	if (template->count == 0) {
		connection->wire = definition->wire;
	} else {
		if (!connection->own_wire)
			connection->own_wire = xmalloc(worker->own_wire_size);
		memcpy(connection->own_wire, definition->wire, definition->wire_length);
		uint64_t sequence = worker->config->sequence_start + global_index + 1;
		for (size_t i = 0; i < template->count; i++)
			write_sequence(connection->own_wire + template->offsets[i], sequence);
		connection->wire = connection->own_wire;
	}
	connection->request = request;
	connection->request_pending = true;
	connection->intended_ns = intended;
	connection->sent_ns = now;
	connection->written = 0;
	loadgen_parser_reset(&connection->parser, worker->config->requests[request].no_body);
	if (connection->state == CONNECTION_CLOSED) {
		if (start_connect(worker, index) != 0)
			fail_request(worker, index, connect_field, now);
		return;
	}
	connection->state = CONNECTION_BUSY;
	write_request(worker, index, now);
}

static void complete_response(struct worker *worker, unsigned index, int64_t now)
{
	struct connection *connection = &worker->connections[index];
	const struct loadgen_config *config = worker->config;
	int64_t from = is_open_model(config) ? connection->intended_ns : connection->sent_ns;
	int64_t latency_us = (now - from + 999) / 1000;
	if (latency_us < 1)
		latency_us = 1;
	int status_class = connection->parser.status / 100;
	if (status_class < 1 || status_class > 5)
		status_class = 0;
	struct loadgen_request_stats *stats = &worker->per_request[connection->request];
	worker->counts.responses++;
	worker->counts.status_class[status_class]++;
	stats->counts.responses++;
	stats->counts.status_class[status_class]++;
	loadgen_hist_record(&worker->latency, latency_us);
	loadgen_hist_record(&stats->latency, latency_us);
	series_record(worker, now, latency_us, status_class >= 4);
	connection->request_pending = false;
	if (connection->parser.connection_close) {
		close_connection(worker, connection);
	} else {
		connection->state = CONNECTION_IDLE;
	}
	push_free(worker, index);
}

static void handle_readable(struct worker *worker, unsigned index, int64_t now)
{
	struct connection *connection = &worker->connections[index];
	for (;;) {
		ssize_t got = connection_recv(connection, worker->read_buffer, sizeof(worker->read_buffer));
		if (got == -2)
			return;
		if (got < 0) {
			fail_request(worker, index, reset_field, now);
			return;
		}
		if (got == 0) {
			if (connection->state == CONNECTION_BUSY && loadgen_parser_eof(&connection->parser) == 0) {
				complete_response(worker, index, now);
				close_connection(worker, connection);
			} else if (connection->request_pending) {
				fail_request(worker, index, reset_field, now);
			} else {
				close_connection(worker, connection); /* an idle keep-alive connection timed out */
			}
			return;
		}
		worker->counts.bytes_read += (uint64_t)got;
		if (connection->state != CONNECTION_BUSY) {
			fail_request(worker, index, protocol_field, now); /* bytes nobody asked for */
			return;
		}
		size_t used = loadgen_parser_feed(&connection->parser, worker->read_buffer, (size_t)got);
		if (connection->parser.state == LOADGEN_PARSE_ERROR || (connection->parser.state == LOADGEN_PARSE_DONE && used < (size_t)got)) {
			fail_request(worker, index, protocol_field, now);
			return;
		}
		if (connection->parser.state == LOADGEN_PARSE_DONE) {
			complete_response(worker, index, now);
			return;
		}
	}
}

static void handle_event(struct worker *worker, uint64_t tag, uint32_t events, int64_t now)
{
	unsigned index = (unsigned)(tag & 0xffffffffu);
	if (index >= worker->connection_count)
		return;
	struct connection *connection = &worker->connections[index];
	if ((uint32_t)(tag >> 32) != connection->generation || connection->fd < 0)
		return;
	if (connection->state == CONNECTION_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int socket_error = 0;
		socklen_t length = sizeof(socket_error);
		if (getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &socket_error, &length) != 0 || socket_error != 0 ||
		    (events & (EPOLLERR | EPOLLHUP))) {
			fail_request(worker, index, connect_field, now);
			return;
		}
		if (worker->config->tls) {
			if (loadgen_tls_start(&connection->tls, worker->config->tls, connection->fd, worker->config->tls_server_name) != 0) {
				fail_request(worker, index, tls_field, now);
				return;
			}
			connection->state = CONNECTION_HANDSHAKE;
			continue_handshake(worker, index, now);
			return;
		}
		connection_ready(worker, index, now);
		return;
	}
	if (connection->state == CONNECTION_HANDSHAKE) {
		continue_handshake(worker, index, now);
		return;
	}
	/* TLS may need the socket readable to go on writing, so any event retries a pending write */
	if ((events & EPOLLOUT || connection->tls.ssl) && connection->state == CONNECTION_BUSY &&
	    connection->written < worker->config->requests[connection->request].wire_length)
		write_request(worker, index, now);
	if (connection->fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		handle_readable(worker, index, now);
}

static void advance_schedule(struct worker *worker)
{
	worker->next_index += worker->config->threads;
	int64_t offset = loadgen_schedule_time(&worker->config->schedule, worker->next_index);
	worker->next_intended_ns = offset < 0 ? -1 : worker->start_ns + offset;
	if (worker->next_intended_ns >= worker->end_ns)
		worker->next_intended_ns = -1;
}

static void dispatch(struct worker *worker, int64_t now)
{
	const struct loadgen_config *config = worker->config;
	unsigned total_weight = 0;
	unsigned weights[64];
	size_t weight_count = config->request_count < 64 ? config->request_count : 64;
	for (size_t i = 0; i < weight_count; i++) {
		weights[i] = config->requests[i].weight;
		total_weight += weights[i];
	}
	if (!is_open_model(config)) {
		while (worker->free_count) {
			unsigned index = worker->free_stack[--worker->free_count];
			worker->connections[index].available = false;
			uint64_t global = worker->closed_sequence++ * config->threads + worker->id;
			send_request(worker, index, loadgen_mix_pick(weights, weight_count, total_weight, global), global, now, now);
		}
		return;
	}
	while (worker->next_intended_ns >= 0 && worker->next_intended_ns <= now && worker->free_count) {
		unsigned index = worker->free_stack[--worker->free_count];
		worker->connections[index].available = false;
		if (now - worker->next_intended_ns > config->late_threshold_ns)
			worker->counts.late_sends++;
		send_request(worker, index, loadgen_mix_pick(weights, weight_count, total_weight, worker->next_index),
			     worker->next_index, worker->next_intended_ns, now);
		advance_schedule(worker);
	}
}

/* Timeouts of requests in flight, and connections whose connect backoff has passed. */
static void scan_connections(struct worker *worker, int64_t now)
{
	for (unsigned i = 0; i < worker->connection_count; i++) {
		struct connection *connection = &worker->connections[i];
		if (connection->request_pending && now - connection->sent_ns > worker->config->timeout_ns) {
			fail_request(worker, i, timeout_field, now);
		} else if (connection->state == CONNECTION_CLOSED && !connection->available && !connection->request_pending &&
			   connection->retry_at_ns <= now) {
			push_free(worker, i);
		}
	}
}

static void arm_timer(struct worker *worker, int64_t at)
{
	if (at == worker->timer_armed_ns)
		return;
	struct itimerspec spec = {0};
	spec.it_value.tv_sec = at / 1000000000;
	spec.it_value.tv_nsec = at % 1000000000;
	timerfd_settime(worker->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL);
	worker->timer_armed_ns = at;
}

static void *worker_main(void *argument)
{
	struct worker *worker = argument;
	const struct loadgen_config *config = worker->config;
	struct epoll_event events[256];
	/* OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a peer gone away must give EPIPE,
	 * not kill the process (a synchronous SIGPIPE goes to this thread, which blocks it) */
	sigset_t pipe_signal;
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
	struct timespec start = {.tv_sec = worker->start_ns / 1000000000, .tv_nsec = worker->start_ns % 1000000000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &start, NULL) == EINTR)
		;
	if (is_open_model(config)) {
		worker->next_index = worker->id;
		int64_t offset = loadgen_schedule_time(&config->schedule, worker->next_index);
		worker->next_intended_ns = offset < 0 ? -1 : worker->start_ns + offset;
	}
	for (;;) {
		int64_t now = now_ns();
		if (now >= worker->end_ns || (config->stop && *config->stop))
			break;
		if (now >= worker->next_scan_ns) {
			scan_connections(worker, now);
			worker->next_scan_ns = now + SCAN_INTERVAL_NS;
		}
		dispatch(worker, now);
		int timeout_ms = LOOP_TICK_MS;
		if (is_open_model(config) && worker->next_intended_ns > now && worker->free_count) {
			if (worker->next_intended_ns - now < (int64_t)LOOP_TICK_MS * 1000000)
				arm_timer(worker, worker->next_intended_ns);
		}
		int ready = epoll_wait(worker->epoll_fd, events, (int)(sizeof(events) / sizeof(events[0])), timeout_ms);
		if (ready < 0)
			continue;
		now = now_ns();
		for (int i = 0; i < ready; i++) {
			if (events[i].data.u64 == TIMER_EVENT_TAG) {
				uint64_t expirations;
				if (read(worker->timer_fd, &expirations, sizeof(expirations)) < 0)
					expirations = 0;
				worker->timer_armed_ns = 0;
				continue;
			}
			handle_event(worker, events[i].data.u64, events[i].events, now);
		}
	}
	if (is_open_model(config)) {
		/* what was due before the end but never went out */
		while (worker->next_intended_ns >= 0 && worker->next_intended_ns < worker->end_ns) {
			worker->counts.dropped_sends++;
			advance_schedule(worker);
		}
	}
	for (unsigned i = 0; i < worker->connection_count; i++)
		close_connection(worker, &worker->connections[i]);
	return NULL;
}

static int worker_init(struct worker *worker, const struct loadgen_config *config, const struct request_template *templates,
		       unsigned id, unsigned connections)
{
	memset(worker, 0, offsetof(struct worker, read_buffer));
	worker->config = config;
	worker->templates = templates;
	for (size_t i = 0; i < config->request_count; i++)
		if (templates[i].count && config->requests[i].wire_length > worker->own_wire_size)
			worker->own_wire_size = config->requests[i].wire_length;
	worker->id = id;
	worker->connection_count = connections;
	worker->connections = xcalloc(connections, sizeof(*worker->connections));
	worker->free_stack = xcalloc(connections, sizeof(*worker->free_stack));
	for (unsigned i = 0; i < connections; i++) {
		worker->connections[i].fd = -1;
		push_free(worker, connections - 1 - i);
	}
	loadgen_hist_init(&worker->latency);
	worker->per_request = xcalloc(config->request_count, sizeof(*worker->per_request));
	for (size_t i = 0; i < config->request_count; i++)
		loadgen_hist_init(&worker->per_request[i].latency);
	pthread_mutex_init(&worker->series_lock, NULL);
	for (int i = 0; i < SERIES_SLOTS; i++)
		worker->slots[i].second = -1;
	worker->random_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)id + 1) * 0xbf58476d1ce4e5b9ULL;
	worker->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	worker->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (worker->epoll_fd < 0 || worker->timer_fd < 0)
		return -1;
	struct epoll_event event = {.events = EPOLLIN, .data.u64 = TIMER_EVENT_TAG};
	return epoll_ctl(worker->epoll_fd, EPOLL_CTL_ADD, worker->timer_fd, &event);
}

static void worker_release(struct worker *worker)
{
	if (worker->epoll_fd >= 0)
		close(worker->epoll_fd);
	if (worker->timer_fd >= 0)
		close(worker->timer_fd);
	for (unsigned i = 0; i < worker->connection_count; i++) {
		loadgen_tls_release(&worker->connections[i].tls);
		free(worker->connections[i].own_wire);
	}
	free(worker->connections);
	free(worker->free_stack);
	loadgen_hist_release(&worker->latency);
	for (size_t i = 0; i < worker->config->request_count; i++)
		loadgen_hist_release(&worker->per_request[i].latency);
	free(worker->per_request);
	pthread_mutex_destroy(&worker->series_lock);
}

static void add_counts(struct loadgen_counts *into, const struct loadgen_counts *from)
{
	into->responses += from->responses;
	for (int i = 0; i < 6; i++)
		into->status_class[i] += from->status_class[i];
	into->connect_errors += from->connect_errors;
	into->timeouts += from->timeouts;
	into->resets += from->resets;
	into->protocol_errors += from->protocol_errors;
	into->late_sends += from->late_sends;
	into->dropped_sends += from->dropped_sends;
	into->bytes_read += from->bytes_read;
	into->tls_errors += from->tls_errors;
	into->tls_handshakes += from->tls_handshakes;
	into->tls_resumed += from->tls_resumed;
}

struct weighted_sample {
	uint32_t value;
	double weight;
};

static int compare_samples(const void *a, const void *b)
{
	uint32_t x = ((const struct weighted_sample *)a)->value, y = ((const struct weighted_sample *)b)->value;
	return x < y ? -1 : x > y;
}

static int64_t weighted_percentile(const struct weighted_sample *samples, size_t count, double total_weight, double percentile)
{
	double wanted = percentile / 100.0 * total_weight;
	double running = 0.0;
	for (size_t i = 0; i < count; i++) {
		running += samples[i].weight;
		if (running >= wanted - 1e-9)
			return samples[i].value;
	}
	return count ? samples[count - 1].value : 0;
}

/* The main thread's view of the run while it lasts: seconds already turned into series points
 * (and, for progress, their sampled latencies and totals). */
struct collector {
	struct worker *workers;
	unsigned worker_count;
	int64_t next_second;          /* the first second not yet collected */
	bool track_progress;
	uint64_t responses, errors;   /* over the collected seconds */
	struct loadgen_hist latency;  /* sampled latencies of the collected seconds, weighted */
	struct loadgen_hist scratch;  /* latency plus the seconds still open, rebuilt per report */
	int64_t last_reported;        /* the last second handed to the progress callback */
	double cpu_at_start;          /* the process's CPU seconds when the run began */
	size_t series_max_points;
};

static int64_t max_of(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Folds `next` (the seconds right after it) into `into`. */
static void merge_points(struct loadgen_series_point *into, const struct loadgen_series_point *next)
{
	into->span_s += next->span_s;
	into->responses += next->responses;
	into->errors += next->errors;
	into->p50_us = max_of(into->p50_us, next->p50_us);
	into->p90_us = max_of(into->p90_us, next->p90_us);
	into->p95_us = max_of(into->p95_us, next->p95_us);
	into->p99_us = max_of(into->p99_us, next->p99_us);
	into->max_us = max_of(into->max_us, next->max_us);
	if (next->engine_rss_kib > into->engine_rss_kib)
		into->engine_rss_kib = next->engine_rss_kib;
	into->engine_cpu_s = next->engine_cpu_s; /* cumulative: the later reading */
}

void loadgen_series_append(struct loadgen_result *result, const struct loadgen_series_point *point, size_t max_points)
{
	if (max_points < 2)
		max_points = 2;
	if (result->series_resolution_s < 1)
		result->series_resolution_s = 1;
	if (result->series_count && result->series[result->series_count - 1].span_s < result->series_resolution_s) {
		merge_points(&result->series[result->series_count - 1], point);
		return;
	}
	if (result->series_count >= max_points) {
		/* full: pairs become one point each, the resolution doubles, and the new second goes
		 * into the last point if that one is not yet as wide */
		size_t kept = 0;
		for (size_t i = 0; i < result->series_count; i += 2) {
			result->series[kept] = result->series[i];
			if (i + 1 < result->series_count)
				merge_points(&result->series[kept], &result->series[i + 1]);
			kept++;
		}
		result->series_count = kept;
		result->series_resolution_s *= 2;
		if (result->series[kept - 1].span_s < result->series_resolution_s) {
			merge_points(&result->series[kept - 1], point);
			return;
		}
	}
	if (result->series_count == result->series_alloc) {
		/* grows to the bound at most: a long run's series never takes more than max_points */
		size_t grown = result->series_alloc ? result->series_alloc * 2 : 64;
		result->series_alloc = grown < max_points ? grown : max_points;
		result->series = xrealloc(result->series, result->series_alloc * sizeof(*result->series));
	}
	result->series[result->series_count++] = *point;
}

static double process_cpu_seconds(void)
{
	struct timespec used;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used) != 0)
		return 0.0;
	return (double)used.tv_sec + (double)used.tv_nsec / 1e9;
}

/* Resident memory now, from /proc/self/statm (0 where there is none). */
static long resident_kib(void)
{
	FILE *statm = fopen("/proc/self/statm", "r");
	long size = 0, resident = 0;
	if (!statm)
		return 0;
	if (fscanf(statm, "%ld %ld", &size, &resident) != 2)
		resident = 0;
	fclose(statm);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A sample stands for seen / sampled latencies of its second. */
static uint64_t sample_weight(const struct series_slot *slot)
{
	if (!slot->sample_count)
		return 0;
	uint64_t weight = (slot->seen + slot->sample_count / 2) / slot->sample_count;
	return weight ? weight : 1;
}

/* Turns second `second` of every worker into one series point. Each worker's sample stands for
 * all it saw that second, so samples are weighted by seen / sampled when merged. */
static void collect_second(struct collector *collector, int64_t second, struct loadgen_result *result)
{
	struct worker *workers = collector->workers;
	unsigned worker_count = collector->worker_count;
	struct loadgen_series_point point = {.second = second, .span_s = 1};
	struct weighted_sample *samples = xmalloc((size_t)worker_count * SERIES_SAMPLE * sizeof(*samples));
	size_t sample_count = 0;
	double total_weight = 0.0;
	for (unsigned w = 0; w < worker_count; w++) {
		struct series_slot *slot = &workers[w].slots[second % SERIES_SLOTS];
		pthread_mutex_lock(&workers[w].series_lock);
		if (slot->second == second) {
			point.responses += slot->responses;
			point.errors += slot->errors;
			if (slot->max_us > point.max_us)
				point.max_us = slot->max_us;
			double weight = slot->sample_count ? (double)slot->seen / slot->sample_count : 0.0;
			uint64_t progress_weight = sample_weight(slot);
			for (uint32_t i = 0; i < slot->sample_count; i++) {
				samples[sample_count].value = slot->samples[i];
				samples[sample_count++].weight = weight;
				total_weight += weight;
				if (collector->track_progress)
					loadgen_hist_record_n(&collector->latency, slot->samples[i], progress_weight);
			}
			slot->second = -1;
		}
		pthread_mutex_unlock(&workers[w].series_lock);
	}
	qsort(samples, sample_count, sizeof(*samples), compare_samples);
	point.p50_us = weighted_percentile(samples, sample_count, total_weight, 50);
	point.p90_us = weighted_percentile(samples, sample_count, total_weight, 90);
	point.p99_us = weighted_percentile(samples, sample_count, total_weight, 99);
	point.p95_us = weighted_percentile(samples, sample_count, total_weight, 95);
	point.engine_rss_kib = resident_kib();
	point.engine_cpu_s = process_cpu_seconds() - collector->cpu_at_start;
	free(samples);
	size_t max_points = collector->series_max_points;
	loadgen_series_append(result, &point, max_points);
	collector->responses += point.responses;
	collector->errors += point.errors;
	collector->next_second = second + 1;
}

/* Reads the seconds not yet collected (up to `through`) without taking them: their totals, the
 * responses and errors of second `through` alone, and their samples into the scratch histogram. */
static void peek_open_seconds(struct collector *collector, int64_t through, uint64_t *responses, uint64_t *errors,
			      uint64_t *last_responses)
{
	*responses = *errors = *last_responses = 0;
	for (unsigned w = 0; w < collector->worker_count; w++) {
		struct worker *worker = &collector->workers[w];
		pthread_mutex_lock(&worker->series_lock);
		for (int i = 0; i < SERIES_SLOTS; i++) {
			const struct series_slot *slot = &worker->slots[i];
			if (slot->second < collector->next_second || slot->second > through)
				continue;
			*responses += slot->responses;
			*errors += slot->errors;
			if (slot->second == through)
				*last_responses += slot->responses;
			uint64_t weight = sample_weight(slot);
			for (uint32_t j = 0; j < slot->sample_count; j++)
				loadgen_hist_record_n(&collector->scratch, slot->samples[j], weight);
		}
		pthread_mutex_unlock(&worker->series_lock);
	}
}

/* Hands the progress callback the figures as of the end of whole second `second`. */
static void report_progress(struct collector *collector, const struct loadgen_config *config, int64_t second,
			    int64_t run_ns)
{
	struct loadgen_progress progress = {.second = second};
	int64_t elapsed_ns = (second + 1) * 1000000000;
	if (elapsed_ns > run_ns)
		elapsed_ns = run_ns;
	progress.elapsed_s = (double)elapsed_ns / 1e9;
	progress.remaining_s = (double)(run_ns - elapsed_ns) / 1e9;
	loadgen_hist_reset(&collector->scratch);
	loadgen_hist_merge(&collector->scratch, &collector->latency);
	uint64_t open_responses, open_errors, last_responses;
	peek_open_seconds(collector, second, &open_responses, &open_errors, &last_responses);
	progress.requests = collector->responses + open_responses;
	progress.errors = collector->errors + open_errors;
	double second_length = (double)(elapsed_ns - second * 1000000000) / 1e9;
	progress.achieved_rate = second_length > 0 ? (double)last_responses / second_length : 0.0;
	if (is_open_model(config)) {
		double due = loadgen_schedule_count_before(&config->schedule, elapsed_ns) -
			     loadgen_schedule_count_before(&config->schedule, second * 1000000000);
		progress.target_rate = second_length > 0 ? due / second_length : 0.0;
	}
	progress.p95_us = loadgen_hist_percentile(&collector->scratch, 95);
	config->progress(&progress, config->progress_data);
}

static double timeval_seconds(struct timeval value)
{
	return (double)value.tv_sec + (double)value.tv_usec / 1e6;
}

int loadgen_run(const struct loadgen_config *config, struct loadgen_result *result, char **error)
{
	memset(result, 0, sizeof(*result));
	*error = NULL;
	if (config->request_count == 0 || config->request_count > 64) {
		*error = xstrdup("a run needs between 1 and 64 requests in its mix");
		return -1;
	}
	if (config->threads == 0 || config->connections < config->threads) {
		*error = xstrdup("a run needs at least one connection per thread");
		return -1;
	}
	int64_t run_ns = config->duration_ns;
	if (is_open_model(config)) {
		run_ns = 0;
		for (size_t i = 0; i < config->schedule.stage_count; i++)
			run_ns += config->schedule.stages[i].duration_ns;
	}
	if (run_ns <= 0) {
		*error = xstrdup("a run needs a duration");
		return -1;
	}
	struct rusage usage_before, usage_after;
	getrusage(RUSAGE_SELF, &usage_before);
	unsigned worker_count = config->threads;
	struct request_template templates[64];
	for (size_t i = 0; i < config->request_count; i++)
		find_sequences(&config->requests[i], &templates[i]);
	struct worker *workers = xcalloc(worker_count, sizeof(*workers));
	int64_t start = now_ns() + START_DELAY_NS;
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	double unix_minus_monotonic = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9 - (double)now_ns() / 1e9;
	unsigned started = 0;
	int status = 0;
	for (unsigned w = 0; w < worker_count; w++) {
		unsigned connections = config->connections / worker_count + (w < config->connections % worker_count);
		if (worker_init(&workers[w], config, templates, w, connections) != 0) {
			*error = xasprintf("cannot set up worker %u: %s", w, strerror(errno));
			status = -1;
			worker_count = w + 1;
			break;
		}
		workers[w].start_ns = start;
		workers[w].end_ns = start + run_ns;
	}
	for (unsigned w = 0; status == 0 && w < worker_count; w++) {
		if (pthread_create(&workers[w].thread, NULL, worker_main, &workers[w]) != 0) {
			*error = xstrdup("cannot start a worker thread");
			status = -1;
			break;
		}
		started++;
	}
	if (status != 0 && config->stop)
		*config->stop = 1;
	result->latency.counts = NULL;
	loadgen_hist_init(&result->latency);
	result->request_count = config->request_count;
	result->per_request = xcalloc(config->request_count, sizeof(*result->per_request));
	for (size_t i = 0; i < config->request_count; i++)
		loadgen_hist_init(&result->per_request[i].latency);
	/* collect whole seconds while the workers run; a second is final two seconds later */
	struct collector collector = {.workers = workers, .worker_count = worker_count, .last_reported = -1,
				      .track_progress = config->progress != NULL, .cpu_at_start = process_cpu_seconds(),
				      .series_max_points = config->series_max_points ? config->series_max_points : LOADGEN_SERIES_MAX_POINTS};
	if (collector.track_progress) {
		loadgen_hist_init(&collector.latency);
		loadgen_hist_init(&collector.scratch);
	}
	while (status == 0) {
		int64_t now = now_ns();
		if (now >= start + run_ns || (config->stop && *config->stop))
			break;
		int64_t finished = now > start ? (now - start) / 1000000000 - 2 : -1;
		while (collector.next_second <= finished)
			collect_second(&collector, collector.next_second, result);
		int64_t completed = now > start ? (now - start) / 1000000000 - 1 : -1;
		if (collector.track_progress && completed > collector.last_reported) {
			report_progress(&collector, config, completed, run_ns); /* completed > the last collected */
			collector.last_reported = completed;
		}
		struct timespec pause = {0, 100000000};
		nanosleep(&pause, NULL);
	}
	for (unsigned w = 0; w < started; w++)
		pthread_join(workers[w].thread, NULL);
	int64_t end = now_ns();
	if (status == 0) {
		int64_t last_second = (run_ns - 1) / 1000000000;
		while (collector.next_second <= last_second)
			collect_second(&collector, collector.next_second, result);
	}
	if (collector.track_progress) {
		loadgen_hist_release(&collector.latency);
		loadgen_hist_release(&collector.scratch);
	}
	getrusage(RUSAGE_SELF, &usage_after);
	for (unsigned w = 0; w < worker_count; w++) {
		add_counts(&result->counts, &workers[w].counts);
		if (!result->tls_error && workers[w].tls_error[0])
			result->tls_error = xstrdup(workers[w].tls_error);
		loadgen_hist_merge(&result->latency, &workers[w].latency);
		for (size_t i = 0; i < config->request_count; i++) {
			add_counts(&result->per_request[i].counts, &workers[w].per_request[i].counts);
			loadgen_hist_merge(&result->per_request[i].latency, &workers[w].per_request[i].latency);
		}
		worker_release(&workers[w]);
	}
	free(workers);
	int64_t elapsed = end - start;
	if (elapsed > run_ns)
		elapsed = run_ns;
	result->duration_s = elapsed > 0 ? (double)elapsed / 1e9 : 0.0;
	result->start_unix_s = unix_minus_monotonic + (double)start / 1e9;
	result->end_unix_s = result->start_unix_s + result->duration_s;
	result->cpu_user_s = timeval_seconds(usage_after.ru_utime) - timeval_seconds(usage_before.ru_utime);
	result->cpu_system_s = timeval_seconds(usage_after.ru_stime) - timeval_seconds(usage_before.ru_stime);
	/* the kernel updates its high-water mark lazily: a reading taken during the run can be higher */
	result->max_rss_kib = usage_after.ru_maxrss;
	for (size_t i = 0; i < result->series_count; i++)
		if (result->series[i].engine_rss_kib > result->max_rss_kib)
			result->max_rss_kib = result->series[i].engine_rss_kib;
	result->threads = config->threads;
	result->connections = config->connections;
	return status;
}

void loadgen_result_release(struct loadgen_result *result)
{
	loadgen_hist_release(&result->latency);
	for (size_t i = 0; i < result->request_count; i++)
		loadgen_hist_release(&result->per_request[i].latency);
	free(result->per_request);
	free(result->series);
	free(result->tls_error);
	memset(result, 0, sizeof(*result));
}
