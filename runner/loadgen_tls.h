/* TLS for the load engine through OpenSSL: one client context per run (verification on by
 * default against the system CA store or a given file) and non-blocking client connections. */
#ifndef GOOSE_LOADGEN_TLS_H
#define GOOSE_LOADGEN_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ssl_ctx_st;
struct ssl_st;
struct ssl_session_st;

/* A client context for one target. `server_name` is the URL's host: the certificate must match
 * it (a DNS name or an IP address) unless `insecure`. `ca_file` (PEM) replaces the system CA
 * store when given. NULL with *error set (owned by the caller) on failure. */
struct ssl_ctx_st *loadgen_tls_context_new(const char *server_name, const char *ca_file, bool insecure, char **error);
void loadgen_tls_context_free(struct ssl_ctx_st *context);

/* One connection's TLS state. The session outlives the socket: a reconnect offers it, so the
 * server can resume instead of a full handshake. */
struct loadgen_tls_connection {
	struct ssl_st *ssl;                /* NULL while closed */
	struct ssl_session_st *session;    /* the latest session the server gave, or NULL */
};

enum loadgen_tls_status { LOADGEN_TLS_DONE, LOADGEN_TLS_AGAIN, LOADGEN_TLS_FAILED };

/* Starts TLS over a connected non-blocking socket (SNI for a DNS name). -1 on failure.
 * OpenSSL writes with write(2): the calling thread must block or ignore SIGPIPE (the engine's
 * workers block it), or a peer that went away ends the process. */
int loadgen_tls_start(struct loadgen_tls_connection *connection, struct ssl_ctx_st *context, int fd,
		      const char *server_name);
/* Advances the handshake; on FAILED `error` holds why (a verification error names the reason). */
enum loadgen_tls_status loadgen_tls_handshake(struct loadgen_tls_connection *connection, char *error, size_t error_size);
bool loadgen_tls_resumed(const struct loadgen_tls_connection *connection);
/* Bytes written (> 0), 0 when the socket would block, -1 on error. */
ssize_t loadgen_tls_send(struct loadgen_tls_connection *connection, const char *data, size_t length);
/* Bytes read (> 0), 0 at the end of the stream, -2 when the socket would block, -1 on error. */
ssize_t loadgen_tls_recv(struct loadgen_tls_connection *connection, char *buffer, size_t size);
/* Drops the TLS state of a closed socket, keeping the session for the next connect. */
void loadgen_tls_close(struct loadgen_tls_connection *connection);
/* loadgen_tls_close, and the session too. */
void loadgen_tls_release(struct loadgen_tls_connection *connection);

#endif
