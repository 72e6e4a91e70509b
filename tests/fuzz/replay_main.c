/* A plain main for fuzz harnesses: feeds every file under the given paths (files or
 * directories) to LLVMFuzzerTestOneInput once. Built with gcc and the sanitizers by
 * `make test`, so the corpus is replayed on every run without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_path(const char *path, int *count)
{
	struct stat info;
	if (stat(path, &info) != 0) {
		perror(path);
		return -1;
	}
	if (S_ISDIR(info.st_mode)) {
		struct dirent **entries;
		int n = scandir(path, &entries, NULL, alphasort);
		if (n < 0) {
			perror(path);
			return -1;
		}
		int status = 0;
		for (int i = 0; i < n; i++) {
			if (entries[i]->d_name[0] != '.' && status == 0) {
				char *child = xasprintf("%s/%s", path, entries[i]->d_name);
				status = replay_path(child, count);
				free(child);
			}
			free(entries[i]);
		}
		free(entries);
		return status;
	}
	char *data;
	size_t length;
	if (read_file_bytes(path, (size_t)1 << 30, &data, &length) != 0) {
		perror(path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, length);
	free(data);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0;
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0)
			return 1;
	printf("replayed %d inputs without a crash\n", count);
	printf("%d passed, 0 failed\n", count);
	return 0;
}
