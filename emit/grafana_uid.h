/* Grafana dashboard uids: 1-40 of [A-Za-z0-9_-], unique across one build. Generated uids are
 * derived from a name, sanitized and truncated deterministically; a collision takes a hash
 * suffix, then a counter, so the same tree always gets the same uids. */
#ifndef GOOSE_GRAFANA_UID_H
#define GOOSE_GRAFANA_UID_H

#include <stdbool.h>
#include <stddef.h>

#define GRAFANA_UID_MAX 40

/* The set of uids taken so far in a build. Ownership: owns copies of its uids. */
struct grafana_uid_set {
	char **uids;
	size_t count, alloc;
};

void grafana_uid_set_init(struct grafana_uid_set *set);
void grafana_uid_set_release(struct grafana_uid_set *set);

bool grafana_uid_is_valid(const char *uid);
bool grafana_uid_taken(const struct grafana_uid_set *set, const char *uid);

/* Takes `uid` as written (an authored uid): 0, or -1 when it is invalid or already taken. */
int grafana_uid_claim(struct grafana_uid_set *set, const char *uid);

/* Derives a uid from `name` (each character outside [A-Za-z0-9_-] becomes '-', empty becomes
 * "dashboard", cut to 40), makes it unique against `set`, claims it and returns it (malloc'd). */
char *grafana_uid_derive(struct grafana_uid_set *set, const char *name);

#endif
