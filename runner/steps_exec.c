/* The exec step: an argv run without a shell in the tree root, with only allowed environment
 * variables, a timeout (SIGTERM, then SIGKILL) and its output captured, bounded, for the journal. */
#define _GNU_SOURCE
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

#define EXEC_DEFAULT_TIMEOUT_MS 60000
#define EXEC_KILL_GRACE_MS 2000

extern char **environ;

static long long monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static bool is_env_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

/* NAME=value strings: the plan's explicit values, then allowed names from our environment. */
static char **build_environment(const json_t *args, char **error)
{
	size_t count = 0, alloc = 0;
	char **env = NULL;
	const char *name;
	const json_t *value;
	json_object_foreach((json_t *)json_object_get(args, "env"), name, value) {
		if (!is_env_name(name) || !json_is_string(value)) {
			*error = xasprintf("exec: environment entry '%s' must be a NAME with a string value", name);
			goto fail;
		}
		ALLOC_GROW(env, count + 2, alloc);
		env[count++] = xasprintf("%s=%s", name, json_string_value(value));
	}
	size_t index;
	json_array_foreach(json_object_get(args, "env_allow"), index, value) {
		const char *allowed = json_string_value(value);
		if (!is_env_name(allowed)) {
			*error = xstrdup("exec: 'env_allow' holds something that is not a variable name");
			goto fail;
		}
		const char *current = getenv(allowed);
		if (!current || json_object_get(json_object_get(args, "env"), allowed))
			continue;
		ALLOC_GROW(env, count + 2, alloc);
		env[count++] = xasprintf("%s=%s", allowed, current);
	}
	ALLOC_GROW(env, count + 1, alloc);
	env[count] = NULL;
	return env;
fail:
	for (size_t i = 0; i < count; i++)
		free(env[i]);
	free(env);
	return NULL;
}

static void free_strings(char **strings)
{
	for (size_t i = 0; strings && strings[i]; i++)
		free(strings[i]);
	free(strings);
}

enum steps_outcome steps_exec(struct steps_context *context, const json_t *args, json_t *detail, char **error)
{
	const json_t *argv_json = json_object_get(args, "argv");
	size_t argc = json_array_size(argv_json);
	if (argc == 0) {
		*error = xstrdup("exec needs a non-empty 'argv'");
		return STEPS_FAILED;
	}
	char **argv = xcalloc(argc + 1, sizeof(*argv));
	for (size_t i = 0; i < argc; i++) {
		const char *word = json_string_value(json_array_get(argv_json, i));
		if (!word) {
			*error = xasprintf("exec: argv[%zu] is not a string", i);
			free_strings(argv);
			return STEPS_FAILED;
		}
		argv[i] = xstrdup(word);
	}
	char **env = build_environment(args, error);
	if (!env) {
		free_strings(argv);
		return STEPS_FAILED;
	}
	const json_t *timeout_json = json_object_get(args, "timeout_ms");
	long long timeout_ms = json_is_integer(timeout_json) ? json_integer_value(timeout_json) : EXEC_DEFAULT_TIMEOUT_MS;
	const json_t *limit_json = json_object_get(args, "output_limit_bytes");
	size_t limit = json_is_integer(limit_json) && json_integer_value(limit_json) > 0 ? (size_t)json_integer_value(limit_json)
											 : STEPS_EXEC_OUTPUT_LIMIT;

	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
		*error = xasprintf("exec: cannot create a pipe: %s", strerror(errno));
		free_strings(argv);
		free_strings(env);
		return STEPS_FAILED;
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
	/* the plan's paths are relative to the tree, whatever folder goose-run was started in; a
	 * relative argv[0] ("./scripts/x.sh") is found there too */
	const char *directory = context->root && *context->root ? context->root : ".";
	posix_spawn_file_actions_addchdir_np(&actions, directory);
	posix_spawnattr_t attributes;
	posix_spawnattr_init(&attributes);
	/* its own process group, so the timeout reaches what it started too */
	posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attributes, 0);
	pid_t child;
	int spawn_status = posix_spawnp(&child, argv[0], &actions, &attributes, argv, env);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attributes);
	close(pipe_fds[1]);
	if (spawn_status != 0) {
		*error = xasprintf("exec: cannot run '%s' in '%s': %s", argv[0], directory, strerror(spawn_status));
		close(pipe_fds[0]);
		free_strings(argv);
		free_strings(env);
		return STEPS_FAILED;
	}
	struct strbuf output;
	strbuf_init(&output);
	bool truncated = false, timed_out = false, open_pipe = true;
	long long deadline = monotonic_ms() + timeout_ms, kill_at = 0;
	int wait_status = 0;
	bool reaped = false;
	for (;;) {
		long long now = monotonic_ms();
		if (!timed_out && now >= deadline) {
			timed_out = true;
			kill(-child, SIGTERM);
			kill_at = now + EXEC_KILL_GRACE_MS;
		}
		if (timed_out && kill_at && now >= kill_at) {
			kill(-child, SIGKILL);
			kill_at = 0;
		}
		if (open_pipe) {
			struct pollfd poll_fd = { .fd = pipe_fds[0], .events = POLLIN };
			if (poll(&poll_fd, 1, 50) > 0) {
				char buffer[4096];
				ssize_t got = read(pipe_fds[0], buffer, sizeof(buffer));
				if (got > 0) {
					size_t room = output.len < limit ? limit - output.len : 0;
					strbuf_add(&output, buffer, (size_t)got < room ? (size_t)got : room);
					truncated |= (size_t)got > room;
				} else if (got == 0 || errno != EINTR) {
					open_pipe = false;
				}
			}
		} else {
			struct timespec pause = { 0, 20 * 1000000 };
			nanosleep(&pause, NULL);
		}
		if (!reaped && waitpid(child, &wait_status, WNOHANG) == child)
			reaped = true;
		/* after the exit, keep reading until whoever holds the pipe closes it */
		if (reaped && !open_pipe)
			break;
	}
	close(pipe_fds[0]);
	free_strings(argv);
	free_strings(env);
	/* the journal holds text: bytes that are not plain ASCII become '?' */
	for (size_t i = 0; i < output.len; i++)
		if (((unsigned char)output.buf[i] < 0x20 && output.buf[i] != '\n' && output.buf[i] != '\t') ||
		    (unsigned char)output.buf[i] >= 0x7f)
			output.buf[i] = '?';
	json_object_set_new(detail, "output", json_stringn(output.buf, output.len));
	json_object_set_new(detail, "output_truncated", json_boolean(truncated));
	strbuf_release(&output);
	if (timed_out) {
		json_object_set_new(detail, "timed_out", json_true());
		*error = xasprintf("exec: '%s' ran past its timeout of %lld ms", json_string_value(json_array_get(argv_json, 0)),
				   timeout_ms);
		return STEPS_FAILED;
	}
	if (WIFEXITED(wait_status)) {
		json_object_set_new(detail, "exit_code", json_integer(WEXITSTATUS(wait_status)));
		if (WEXITSTATUS(wait_status) == 0)
			return STEPS_DONE;
		*error = xasprintf("exec: '%s' exited with %d", json_string_value(json_array_get(argv_json, 0)),
				   WEXITSTATUS(wait_status));
		return STEPS_FAILED;
	}
	json_object_set_new(detail, "signal", json_integer(WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0));
	*error = xasprintf("exec: '%s' was killed by signal %d", json_string_value(json_array_get(argv_json, 0)),
			   WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
	return STEPS_FAILED;
}
