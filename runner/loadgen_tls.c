/* OpenSSL under the engine's epoll loop: handshakes, reads and writes that return instead of
 * blocking, so one worker drives every connection; sessions are kept per connection for reuse. */
#define _GNU_SOURCE
#include "loadgen_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static bool is_ip_address(const char *name)
{
	unsigned char address[16];
	return inet_pton(AF_INET, name, address) == 1 || inet_pton(AF_INET6, name, address) == 1;
}

static char *openssl_error(const char *what)
{
	unsigned long code = ERR_get_error();
	ERR_clear_error();
	if (!code)
		return xstrdup(what);
	char reason[256];
	ERR_error_string_n(code, reason, sizeof(reason));
	return xasprintf("%s: %s", what, reason);
}

/* The server sent a session (at the handshake in TLS 1.2, in a ticket after it in TLS 1.3):
 * keep the latest one on the connection that received it. */
static int keep_session(SSL *ssl, SSL_SESSION *session)
{
	struct loadgen_tls_connection *connection = SSL_get_app_data(ssl);
	if (!connection)
		return 0;
	if (connection->session)
		SSL_SESSION_free(connection->session);
	connection->session = session;
	return 1; /* the reference is ours now */
}

SSL_CTX *loadgen_tls_context_new(const char *server_name, const char *ca_file, bool insecure, char **error)
{
	*error = NULL;
	SSL_CTX *context = SSL_CTX_new(TLS_client_method());
	if (!context) {
		*error = openssl_error("cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
	SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* one read(2) takes a whole response's records rather than a header, then a body, per record */
	SSL_CTX_set_read_ahead(context, 1);
	/* a peer that closes without close_notify ends the stream like any HTTP server may */
	SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(context, keep_session);
	if (insecure) {
		SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
		return context;
	}
	SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
	int loaded = ca_file ? SSL_CTX_load_verify_locations(context, ca_file, NULL) : SSL_CTX_set_default_verify_paths(context);
	if (loaded != 1) {
		char *what = ca_file ? xasprintf("cannot load CA certificates from '%s'", ca_file)
				     : xstrdup("cannot load the system CA certificates");
		*error = openssl_error(what);
		free(what);
		SSL_CTX_free(context);
		return NULL;
	}
	X509_VERIFY_PARAM *param = SSL_CTX_get0_param(context);
	int named = is_ip_address(server_name) ? X509_VERIFY_PARAM_set1_ip_asc(param, server_name)
					       : X509_VERIFY_PARAM_set1_host(param, server_name, 0);
	if (named != 1) {
		*error = xasprintf("cannot verify certificates for '%s'", server_name);
		SSL_CTX_free(context);
		return NULL;
	}
	X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return context;
}

void loadgen_tls_context_free(SSL_CTX *context)
{
	SSL_CTX_free(context);
}

int loadgen_tls_start(struct loadgen_tls_connection *connection, SSL_CTX *context, int fd, const char *server_name)
{
	ERR_clear_error();
	SSL *ssl = SSL_new(context);
	if (!ssl)
		return -1;
	if (SSL_set_fd(ssl, fd) != 1 || (!is_ip_address(server_name) && SSL_set_tlsext_host_name(ssl, server_name) != 1)) {
		SSL_free(ssl);
		ERR_clear_error();
		return -1;
	}
	SSL_set_app_data(ssl, connection);
	if (connection->session)
		SSL_set_session(ssl, connection->session);
	SSL_set_connect_state(ssl);
	connection->ssl = ssl;
	return 0;
}

enum loadgen_tls_status loadgen_tls_handshake(struct loadgen_tls_connection *connection, char *error, size_t error_size)
{
	ERR_clear_error();
	int done = SSL_do_handshake(connection->ssl);
	if (done == 1)
		return LOADGEN_TLS_DONE;
	int reason = SSL_get_error(connection->ssl, done);
	if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
		return LOADGEN_TLS_AGAIN;
	long verify = SSL_get_verify_result(connection->ssl);
	unsigned long code = ERR_peek_error();
	if (verify != X509_V_OK) {
		snprintf(error, error_size, "certificate verify failed: %s", X509_verify_cert_error_string(verify));
	} else if (code) {
		char text[200];
		ERR_error_string_n(code, text, sizeof(text));
		snprintf(error, error_size, "%s", text);
	} else if (reason == SSL_ERROR_SYSCALL && errno) {
		snprintf(error, error_size, "%s", strerror(errno));
	} else {
		snprintf(error, error_size, "the server closed the connection during the handshake");
	}
	ERR_clear_error();
	/* a session that led to a failed handshake is not offered again */
	if (connection->session) {
		SSL_SESSION_free(connection->session);
		connection->session = NULL;
	}
	return LOADGEN_TLS_FAILED;
}

bool loadgen_tls_resumed(const struct loadgen_tls_connection *connection)
{
	return connection->ssl && SSL_session_reused(connection->ssl) == 1;
}

ssize_t loadgen_tls_send(struct loadgen_tls_connection *connection, const char *data, size_t length)
{
	ERR_clear_error();
	size_t written = 0;
	if (SSL_write_ex(connection->ssl, data, length, &written) == 1)
		return (ssize_t)written;
	int reason = SSL_get_error(connection->ssl, 0);
	ERR_clear_error();
	return reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

ssize_t loadgen_tls_recv(struct loadgen_tls_connection *connection, char *buffer, size_t size)
{
	ERR_clear_error();
	size_t got = 0;
	if (SSL_read_ex(connection->ssl, buffer, size, &got) == 1)
		return (ssize_t)got;
	int reason = SSL_get_error(connection->ssl, 0);
	ERR_clear_error();
	if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
		return -2;
	if (reason == SSL_ERROR_ZERO_RETURN)
		return 0;
	return -1;
}

void loadgen_tls_close(struct loadgen_tls_connection *connection)
{
	if (connection->ssl) {
		SSL_set_app_data(connection->ssl, NULL);
		/* freed without a shutdown, OpenSSL would mark the session not resumable: the socket
		 * goes away quietly, the session stays good for the next connect */
		SSL_set_shutdown(connection->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(connection->ssl);
		connection->ssl = NULL;
	}
}

void loadgen_tls_release(struct loadgen_tls_connection *connection)
{
	loadgen_tls_close(connection);
	if (connection->session) {
		SSL_SESSION_free(connection->session);
		connection->session = NULL;
	}
}
