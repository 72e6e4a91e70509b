/* Unit tests of the load engine's TLS context: verification against the system store by default,
 * a CA file that replaces it, names that are DNS names or IP addresses, and clear refusals. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "check_main.h"
#include "loadgen_tls.h"
#include "banned.h"

START_TEST(context_verifies_by_default)
{
	char *error = NULL;
	SSL_CTX *context = loadgen_tls_context_new("example.test", NULL, false, &error);
	ck_assert_ptr_nonnull(context);
	ck_assert_ptr_null(error);
	ck_assert_int_eq(SSL_CTX_get_verify_mode(context), SSL_VERIFY_PEER);
	X509_VERIFY_PARAM *param = SSL_CTX_get0_param(context);
	ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(param, 0), "example.test");
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(context), TLS1_2_VERSION);
	loadgen_tls_context_free(context);

	/* an IP address is checked against the certificate's IP names, not as a host name */
	context = loadgen_tls_context_new("127.0.0.1", NULL, false, &error);
	ck_assert_ptr_nonnull(context);
	ck_assert_ptr_null(X509_VERIFY_PARAM_get0_host(SSL_CTX_get0_param(context), 0));
	loadgen_tls_context_free(context);
	context = loadgen_tls_context_new("::1", NULL, false, &error);
	ck_assert_ptr_nonnull(context);
	loadgen_tls_context_free(context);

	context = loadgen_tls_context_new("example.test", NULL, true, &error);
	ck_assert_ptr_nonnull(context);
	ck_assert_int_eq(SSL_CTX_get_verify_mode(context), SSL_VERIFY_NONE);
	loadgen_tls_context_free(context);
}
END_TEST

START_TEST(context_refuses_a_bad_ca_file)
{
	char *error = NULL;
	ck_assert_ptr_null(loadgen_tls_context_new("example.test", "/nonexistent/ca.pem", false, &error));
	ck_assert_ptr_nonnull(error);
	ck_assert(strncmp(error, "cannot load CA certificates from '/nonexistent/ca.pem'", 54) == 0);
	free(error);

	char path[] = "/tmp/loadgen-tls-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *file = fdopen(fd, "w");
	fputs("not a certificate\n", file);
	fclose(file);
	ck_assert_ptr_null(loadgen_tls_context_new("example.test", path, false, &error));
	ck_assert_ptr_nonnull(strstr(error, "cannot load CA certificates from '"));
	free(error);
	remove(path);
}
END_TEST

START_TEST(connection_without_a_peer)
{
	char *error = NULL;
	SSL_CTX *context = loadgen_tls_context_new("localhost", NULL, true, &error);
	ck_assert_ptr_nonnull(context);
	signal(SIGPIPE, SIG_IGN); /* as the engine's workers block it */
	/* a socket pair stands for a server that closes at once */
	int pair[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	struct loadgen_tls_connection connection = {0};
	ck_assert_int_eq(loadgen_tls_start(&connection, context, pair[0], "localhost"), 0);
	close(pair[1]);
	char reason[256] = "";
	ck_assert_int_eq(loadgen_tls_handshake(&connection, reason, sizeof(reason)), LOADGEN_TLS_FAILED);
	ck_assert_str_ne(reason, "");
	ck_assert(!loadgen_tls_resumed(&connection));
	loadgen_tls_release(&connection);
	ck_assert_ptr_null(connection.ssl);
	ck_assert_ptr_null(connection.session);
	close(pair[0]);
	loadgen_tls_context_free(context);
}
END_TEST

static Suite *loadgen_tls_suite(void)
{
	Suite *suite = suite_create("loadgen_tls");
	TCase *context = tcase_create("context");
	tcase_add_test(context, context_verifies_by_default);
	tcase_add_test(context, context_refuses_a_bad_ca_file);
	tcase_add_test(context, connection_without_a_peer);
	suite_add_tcase(suite, context);
	return suite;
}

CHECK_MAIN(loadgen_tls_suite)
