/* Grafana dashboard uids: validation, deterministic derivation from names, and collision
 * resolution within one build. */
#include "grafana_uid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

void grafana_uid_set_init(struct grafana_uid_set *set)
{
	memset(set, 0, sizeof(*set));
}

void grafana_uid_set_release(struct grafana_uid_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->uids[i]);
	free(set->uids);
	grafana_uid_set_init(set);
}

static bool is_uid_character(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool grafana_uid_is_valid(const char *uid)
{
	size_t length = strlen(uid);
	if (length == 0 || length > GRAFANA_UID_MAX)
		return false;
	for (size_t i = 0; i < length; i++)
		if (!is_uid_character(uid[i]))
			return false;
	return true;
}

bool grafana_uid_taken(const struct grafana_uid_set *set, const char *uid)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->uids[i], uid) == 0)
			return true;
	return false;
}

int grafana_uid_claim(struct grafana_uid_set *set, const char *uid)
{
	if (!grafana_uid_is_valid(uid) || grafana_uid_taken(set, uid))
		return -1;
	ALLOC_GROW(set->uids, set->count + 1, set->alloc);
	set->uids[set->count++] = xstrdup(uid);
	return 0;
}

/* FNV-1a: a stable hash of the full name, so two names cut to the same prefix part ways. */
static uint32_t name_hash(const char *name)
{
	uint32_t hash = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		hash ^= *c;
		hash *= 16777619u;
	}
	return hash;
}

/* `base` cut so that `suffix` fits within the uid limit, then `suffix`. */
static char *with_suffix(const char *base, const char *suffix)
{
	size_t room = GRAFANA_UID_MAX - strlen(suffix);
	size_t length = strlen(base);
	if (length > room)
		length = room;
	return xasprintf("%.*s%s", (int)length, base, suffix);
}

char *grafana_uid_derive(struct grafana_uid_set *set, const char *name)
{
	struct strbuf sanitized;
	strbuf_init(&sanitized);
	for (const char *c = name; *c; c++)
		strbuf_addch(&sanitized, is_uid_character(*c) ? *c : '-');
	if (!sanitized.len)
		strbuf_addstr(&sanitized, "dashboard");
	char *candidate = with_suffix(sanitized.buf, "");
	if (grafana_uid_taken(set, candidate)) {
		free(candidate);
		char hash_suffix[16];
		snprintf(hash_suffix, sizeof(hash_suffix), "-%08x", (unsigned)name_hash(name));
		candidate = with_suffix(sanitized.buf, hash_suffix);
		for (unsigned counter = 2; grafana_uid_taken(set, candidate); counter++) {
			free(candidate);
			char counter_suffix[32];
			snprintf(counter_suffix, sizeof(counter_suffix), "-%08x-%u", (unsigned)name_hash(name), counter);
			candidate = with_suffix(sanitized.buf, counter_suffix);
		}
	}
	strbuf_release(&sanitized);
	grafana_uid_claim(set, candidate);
	return candidate;
}
