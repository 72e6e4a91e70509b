/* Command line of the snapshot store: create, restore, list, verify, prune. Only this file
 * prints; runner/snapshot does the work and returns errors as text. */
#include "snapshot_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snapshot.h"
#include "util.h"
#include "banned.h"

#define SNAP_CLI_KEY_ENV "GOOSE_SNAPSHOT_KEY_FILE"

static const char usage_text[] =
	"usage: goose-run snapshots create DIR --store STORE --key FILE [--label NAME] [--include GLOB]...\n"
	"                                  [--exclude GLOB]... [--level N] [--chunk-size SIZE] [--key-name NAME]\n"
	"                                  [--threads N] [--keep-last N] [--max-age DURATION]\n"
	"       goose-run snapshots restore ID --store STORE --key FILE --to DIR\n"
	"       goose-run snapshots list --store STORE [--json]\n"
	"       goose-run snapshots verify --store STORE --key FILE\n"
	"       goose-run snapshots prune --store STORE --keep-last N [--max-age DURATION]\n"
	"\n"
	"--threads N sets zstd worker threads (default one per CPU, up to 4; 0 = none).\n"
	"The key file holds 32 raw bytes or 64 hex digits; without --key, $" SNAP_CLI_KEY_ENV " names it.\n"
	"restore replaces DIR as a whole, in one atomic swap, after the snapshot checked out.\n";

struct cli_options {
	const char *positional;
	const char *store;
	const char *key_file;
	const char *label;
	const char *to;
	const char *key_name;
	const char **include;
	size_t include_count, include_alloc;
	const char **exclude;
	size_t exclude_count, exclude_alloc;
	int level;
	int threads;
	uint32_t chunk_size;
	unsigned keep_last;
	int64_t max_age;
	bool json;
};

static int usage_error(const char *format, const char *subject)
{
	fputs("goose-run snapshots: ", stderr);
	fprintf(stderr, format, subject);
	fputs("\nrun 'goose-run snapshots --help' for usage\n", stderr);
	return SNAP_CLI_EXIT_USAGE;
}

static int failure(char *error)
{
	fprintf(stderr, "goose-run snapshots: %s\n", error);
	free(error);
	return SNAP_CLI_EXIT_FAILURE;
}

static bool parse_number(const char *text, long minimum, long maximum, long *value)
{
	char *end;
	errno = 0;
	long parsed = strtol(text, &end, 10);
	if (errno || end == text || *end || parsed < minimum || parsed > maximum)
		return false;
	*value = parsed;
	return true;
}

/* Which options each subcommand accepts, so a misplaced one is an error, not ignored. */
static bool option_allowed(const char *command, const char *option)
{
	static const struct {
		const char *command;
		const char *options;
	} allowed[] = {
		{ "create", " store key label include exclude level chunk-size key-name threads keep-last max-age " },
		{ "restore", " store key to " },
		{ "list", " store json " },
		{ "verify", " store key " },
		{ "prune", " store keep-last max-age " },
	};
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (strcmp(allowed[i].command, command) != 0)
			continue;
		char *needle = xasprintf(" %s ", option);
		bool found = strstr(allowed[i].options, needle) != NULL;
		free(needle);
		return found;
	}
	return false;
}

static int parse_options(const char *command, int argc, char **argv, struct cli_options *options)
{
	for (int i = 2; i < argc; i++) {
		const char *argument = argv[i];
		if (strncmp(argument, "--", 2) != 0 || argument[2] == '\0') {
			if (options->positional)
				return usage_error("unexpected argument '%s'", argument);
			options->positional = argument;
			continue;
		}
		char *name = xstrdup(argument + 2);
		char *value = strchr(name, '=');
		if (value)
			*value++ = '\0';
		if (!option_allowed(command, name)) {
			int status = usage_error("unknown option '%s'", argument);
			free(name);
			return status;
		}
		if (strcmp(name, "json") == 0) {
			options->json = true;
			free(name);
			continue;
		}
		if (!value) {
			if (i + 1 >= argc) {
				int status = usage_error("option '%s' needs a value", argument);
				free(name);
				return status;
			}
			value = argv[++i];
		} else {
			/* keep the value alive after name is freed: it points into argv's copy */
			value = argv[i] + (value - name) + 2;
		}
		long number;
		int64_t seconds;
		uint64_t bytes;
		int status = 0;
		if (strcmp(name, "store") == 0)
			options->store = value;
		else if (strcmp(name, "key") == 0)
			options->key_file = value;
		else if (strcmp(name, "label") == 0)
			options->label = value;
		else if (strcmp(name, "to") == 0)
			options->to = value;
		else if (strcmp(name, "key-name") == 0)
			options->key_name = value;
		else if (strcmp(name, "include") == 0) {
			ALLOC_GROW(options->include, options->include_count + 1, options->include_alloc);
			options->include[options->include_count++] = value;
		} else if (strcmp(name, "exclude") == 0) {
			ALLOC_GROW(options->exclude, options->exclude_count + 1, options->exclude_alloc);
			options->exclude[options->exclude_count++] = value;
		} else if (strcmp(name, "level") == 0) {
			if (parse_number(value, 1, SNAP_LEVEL_MAX, &number))
				options->level = (int)number;
			else
				status = usage_error("--level must be 1..19, not '%s'", value);
		} else if (strcmp(name, "threads") == 0) {
			if (parse_number(value, 0, 64, &number))
				options->threads = (int)number;
			else
				status = usage_error("--threads must be 0..64, not '%s'", value);
		} else if (strcmp(name, "keep-last") == 0) {
			if (parse_number(value, 1, 1000000, &number))
				options->keep_last = (unsigned)number;
			else
				status = usage_error("--keep-last must be a positive count, not '%s'", value);
		} else if (strcmp(name, "max-age") == 0) {
			if (snap_parse_duration(value, &seconds) == 0 && seconds > 0)
				options->max_age = seconds;
			else
				status = usage_error("--max-age must be a duration such as 90d or 12h, not '%s'", value);
		} else if (strcmp(name, "chunk-size") == 0) {
			if (snap_parse_size(value, &bytes) == 0 && bytes >= SNAP_CHUNK_MIN && bytes <= SNAP_CHUNK_MAX)
				options->chunk_size = (uint32_t)bytes;
			else
				status = usage_error("--chunk-size must be 64 bytes to 64MiB (e.g. 1MiB), not '%s'", value);
		}
		free(name);
		if (status)
			return status;
	}
	return 0;
}

static int load_key(const struct cli_options *options, struct snap_key *key)
{
	const char *path = options->key_file;
	if (!path || !*path) {
		path = getenv(SNAP_CLI_KEY_ENV);
		if (!path || !*path)
			return usage_error("%s", "no key: give --key FILE or set " SNAP_CLI_KEY_ENV);
	}
	char *error = NULL;
	if (snap_key_load(path, key, &error) != 0)
		return failure(error);
	return 0;
}

static void format_size(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double value = (double)bytes;
	size_t unit = 0;
	while (value >= 1024 && unit + 1 < sizeof(units) / sizeof(units[0])) {
		value /= 1024;
		unit++;
	}
	if (unit == 0)
		snprintf(out, size, "%llu B", (unsigned long long)bytes);
	else
		snprintf(out, size, "%.1f %s", value, units[unit]);
}

static void print_removed(const struct snap_index *removed)
{
	for (size_t i = 0; i < removed->count; i++)
		printf("removed snapshot %s\n", removed->items[i].id);
}

/* Compression runs beside the walk, hashing and encryption: one zstd worker per CPU, up to
 * 4, unless --threads says otherwise (0 compresses on the main thread). */
static int default_workers(int requested)
{
	if (requested >= 0)
		return requested;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 0 : cpus > 4 ? 4 : (int)cpus;
}

static int run_create(const struct cli_options *options)
{
	if (!options->positional)
		return usage_error("%s", "create needs the directory to snapshot");
	struct snap_key key;
	int status = load_key(options, &key);
	if (status)
		return status;
	struct snap_store store = { options->store };
	struct snap_policy policy = {
		.include = options->include, .include_count = options->include_count,
		.exclude = options->exclude, .exclude_count = options->exclude_count,
		.chunk_size = options->chunk_size, .level = options->level, .workers = default_workers(options->threads),
		.key_name = options->key_name, .keep_last = options->keep_last, .max_age = options->max_age,
	};
	struct snap_info info;
	struct snap_index removed;
	snap_index_init(&removed);
	char *error = NULL;
	status = snap_create(&store, options->positional, &policy, &key, options->label, (int64_t)time(NULL), &info,
			     &removed, &error);
	snap_key_clear(&key);
	if (status != 0) {
		snap_index_release(&removed);
		return failure(error);
	}
	char archive[32], stored[32];
	format_size(info.archive_size, archive, sizeof(archive));
	format_size(info.stored_size, stored, sizeof(stored));
	printf("created snapshot %s: %llu files, %llu directories, %llu symlinks, %s archived, %s stored, key %s\n",
	       info.id, (unsigned long long)info.files, (unsigned long long)info.directories,
	       (unsigned long long)info.symlinks, archive, stored, info.key_id);
	print_removed(&removed);
	snap_index_release(&removed);
	snap_info_release(&info);
	return SNAP_CLI_EXIT_SUCCESS;
}

static int run_restore(const struct cli_options *options)
{
	if (!options->positional)
		return usage_error("%s", "restore needs a snapshot id");
	if (!options->to)
		return usage_error("%s", "restore needs --to DIR");
	struct snap_key key;
	int status = load_key(options, &key);
	if (status)
		return status;
	struct snap_store store = { options->store };
	char *error = NULL;
	status = snap_restore(&store, options->positional, &key, options->to, &error);
	snap_key_clear(&key);
	if (status != 0)
		return failure(error);
	printf("restored snapshot %s to '%s'\n", options->positional, options->to);
	return SNAP_CLI_EXIT_SUCCESS;
}

static int run_list(const struct cli_options *options)
{
	struct snap_store store = { options->store };
	struct snap_index index;
	char *error = NULL;
	if (snap_index_load(&store, &index, &error) != 0)
		return failure(error);
	if (options->json) {
		json_t *array = json_array();
		for (size_t i = 0; i < index.count; i++)
			json_array_append_new(array, snap_info_to_json(&index.items[i]));
		char *text = json_dumps(array, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(array);
		if (text)
			puts(text);
		free(text);
	} else {
		printf("%-25s  %-20s  %-12s  %7s  %10s  %10s  %s\n", "ID", "CREATED", "LABEL", "FILES", "ARCHIVE", "STORED", "KEY");
		for (size_t i = 0; i < index.count; i++) {
			const struct snap_info *info = &index.items[i];
			json_t *entry = snap_info_to_json(info);
			char archive[32], stored[32];
			format_size(info->archive_size, archive, sizeof(archive));
			format_size(info->stored_size, stored, sizeof(stored));
			printf("%-25s  %-20s  %-12s  %7llu  %10s  %10s  %s%s%s\n", info->id,
			       json_string_value(json_object_get(entry, "created")), info->label ? info->label : "-",
			       (unsigned long long)info->files, archive, stored, info->key_name ? info->key_name : "",
			       info->key_name ? " " : "", info->key_id);
			json_decref(entry);
		}
	}
	snap_index_release(&index);
	return SNAP_CLI_EXIT_SUCCESS;
}

static int run_verify(const struct cli_options *options)
{
	struct snap_key key;
	int status = load_key(options, &key);
	if (status)
		return status;
	struct snap_store store = { options->store };
	struct snap_index index;
	char *error = NULL;
	if (snap_index_load(&store, &index, &error) != 0) {
		snap_key_clear(&key);
		return failure(error);
	}
	size_t failed = 0;
	for (size_t i = 0; i < index.count; i++) {
		if (snap_verify(&store, &index.items[i], &key, &error) == 0) {
			printf("ok snapshot %s\n", index.items[i].id);
		} else {
			fprintf(stderr, "goose-run snapshots: %s\n", error);
			free(error);
			error = NULL;
			failed++;
		}
	}
	printf("verified %zu snapshots: %zu ok, %zu failed\n", index.count, index.count - failed, failed);
	snap_index_release(&index);
	snap_key_clear(&key);
	return failed ? SNAP_CLI_EXIT_FAILURE : SNAP_CLI_EXIT_SUCCESS;
}

static int run_prune(const struct cli_options *options)
{
	if (!options->keep_last && !options->max_age)
		return usage_error("%s", "prune needs --keep-last N or --max-age DURATION");
	struct snap_store store = { options->store };
	struct snap_index removed;
	snap_index_init(&removed);
	char *error = NULL;
	if (snap_prune(&store, options->keep_last, options->max_age, (int64_t)time(NULL), &removed, &error) != 0) {
		snap_index_release(&removed);
		return failure(error);
	}
	print_removed(&removed);
	printf("pruned %zu snapshots\n", removed.count);
	snap_index_release(&removed);
	return SNAP_CLI_EXIT_SUCCESS;
}

int snap_cli_main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "missing subcommand: create, restore, list, verify or prune");
	const char *command = argv[1];
	if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
		fputs(usage_text, stdout);
		return SNAP_CLI_EXIT_SUCCESS;
	}
	static const char *const commands[] = { "create", "restore", "list", "verify", "prune" };
	bool known = false;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		known = known || strcmp(command, commands[i]) == 0;
	if (!known) {
		const char *suggestion = suggest_closest(command, commands, sizeof(commands) / sizeof(commands[0]));
		if (suggestion) {
			fprintf(stderr, "goose-run snapshots: unknown subcommand '%s'; did you mean '%s'?\n", command, suggestion);
			return SNAP_CLI_EXIT_USAGE;
		}
		return usage_error("unknown subcommand '%s'", command);
	}
	struct cli_options options = { .threads = -1 };
	int status = parse_options(command, argc, argv, &options);
	if (status == 0 && (!options.store || !*options.store))
		status = usage_error("%s", "--store STORE is required");
	if (status == 0) {
		if (strcmp(command, "create") == 0)
			status = run_create(&options);
		else if (strcmp(command, "restore") == 0)
			status = run_restore(&options);
		else if (strcmp(command, "list") == 0)
			status = run_list(&options);
		else if (strcmp(command, "verify") == 0)
			status = run_verify(&options);
		else
			status = run_prune(&options);
	}
	free(options.include);
	free(options.exclude);
	return status;
}
