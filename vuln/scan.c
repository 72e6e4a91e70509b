/* The vulnerability scan: each component's purl looked up in the OSV index, its version checked
 * against versions[] and the affected ranges (OSV's sorted-events evaluation), severity from the
 * vectors, waivers applied with their expiry, and the fail-on threshold decided. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "purl.h"
#include "scan.h"
#include "version.h"
#include "util.h"
#include "banned.h"

static int fail(char **error, char *message)
{
	if (error)
		*error = message;
	else
		free(message);
	return -1;
}

static const char *const severity_names[] = { "none", "low", "medium", "high", "critical", "unknown" };

const char *scan_severity_name(enum scan_severity severity)
{
	return (unsigned)severity <= SCAN_SEVERITY_UNKNOWN ? severity_names[severity] : "unknown";
}

static bool equal_ignoring_case(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

int scan_fail_on_from_name(const char *name, enum scan_severity *threshold)
{
	for (int s = SCAN_SEVERITY_NONE; s <= SCAN_SEVERITY_CRITICAL; s++) {
		if (equal_ignoring_case(name, severity_names[s])) {
			*threshold = (enum scan_severity)s;
			return 0;
		}
	}
	return -1;
}

void scan_result_init(struct scan_result *result)
{
	memset(result, 0, sizeof(*result));
}

static void waiver_release(struct scan_waiver_ref *waiver)
{
	if (!waiver)
		return;
	free(waiver->id);
	free(waiver->service);
	free(waiver->component);
	free(waiver->reason);
	free(waiver->approved_by);
	free(waiver->expires);
}

static struct scan_waiver_ref *waiver_copy(const struct scan_waiver_ref *waiver)
{
	struct scan_waiver_ref *copy = xcalloc(1, sizeof(*copy));
	copy->id = xstrdup(waiver->id);
	copy->service = waiver->service ? xstrdup(waiver->service) : NULL;
	copy->component = xstrdup(waiver->component);
	copy->reason = xstrdup(waiver->reason);
	copy->approved_by = waiver->approved_by ? xstrdup(waiver->approved_by) : NULL;
	copy->expires = xstrdup(waiver->expires);
	return copy;
}

static void finding_release(struct scan_finding *finding)
{
	free(finding->id);
	for (size_t i = 0; i < finding->alias_count; i++)
		free(finding->aliases[i]);
	free(finding->aliases);
	free(finding->summary);
	free(finding->service);
	free(finding->component);
	free(finding->purl);
	free(finding->installed);
	free(finding->fixed);
	free(finding->vector);
	free(finding->pointer);
	waiver_release(finding->waived_by);
	free(finding->waived_by);
	waiver_release(finding->expired_waiver);
	free(finding->expired_waiver);
}

void scan_result_release(struct scan_result *result)
{
	for (size_t i = 0; i < result->finding_count; i++)
		finding_release(&result->findings[i]);
	free(result->findings);
	for (size_t i = 0; i < result->expired_waiver_count; i++)
		waiver_release(&result->expired_waivers[i]);
	free(result->expired_waivers);
	for (size_t i = 0; i < result->note_count; i++)
		free(result->notes[i]);
	free(result->notes);
	scan_result_init(result);
}

static void add_note(struct scan_result *result, char *note)
{
	if (!result) {
		free(note);
		return;
	}
	ALLOC_GROW(result->notes, result->note_count + 1, result->note_alloc);
	result->notes[result->note_count++] = note;
}

/* ---- version matching ---- */

/* "v1.2.3" and "1.2.3" are one Go version. */
static const char *strip_v(const char *version)
{
	return version[0] == 'v' && version[1] >= '0' && version[1] <= '9' ? version + 1 : version;
}

/* The ordering of a range: SEMVER ranges use SemVer (Go and npm keep their leniencies), an
 * ECOSYSTEM range its ecosystem's; -1 when goosec has none. */
static int range_ordering(const struct osv_affected *affected, enum osv_range_type type,
			  enum version_ecosystem *ordering)
{
	enum version_ecosystem own;
	bool has_own = affected->ecosystem && version_ecosystem_from_osv(affected->ecosystem, &own) == 0;
	if (type == OSV_RANGE_SEMVER) {
		*ordering = has_own && (own == VERSION_GO || own == VERSION_NPM) ? own : VERSION_SEMVER;
		return 0;
	}
	if (!has_own)
		return -1;
	*ordering = own;
	return 0;
}

static int compare(enum version_ecosystem ordering, const char *a, const char *b)
{
	int result = 0;
	if (version_compare(ordering, a, b, &result) < 0)
		return 0; /* not reached: both were validated */
	return result;
}

static bool is_zero_event(const struct osv_event *event)
{
	return event->kind == OSV_EVENT_INTRODUCED && strcmp(event->version, "0") == 0;
}

/* True when event a sorts before b: "introduced: 0" first, then by version. */
static bool event_before(const struct osv_event *a, const struct osv_event *b, enum version_ecosystem ordering)
{
	if (is_zero_event(b))
		return false;
	return is_zero_event(a) || compare(ordering, a->version, b->version) < 0;
}

/* Insertion sort: events are few, and ties keep the record's order. */
static void sort_events(struct osv_event *events, size_t count, enum version_ecosystem ordering)
{
	for (size_t i = 1; i < count; i++) {
		struct osv_event event = events[i];
		size_t j = i;
		for (; j > 0 && event_before(&event, &events[j - 1], ordering); j--)
			events[j] = events[j - 1];
		events[j] = event;
	}
}

static const char *ecosystem_label(const struct osv_affected *affected)
{
	return affected->ecosystem ? affected->ecosystem : "(no ecosystem)";
}

static bool range_affected(const struct osv_affected *affected, const struct osv_range *range, const char *version,
			   const char **fixed, struct scan_result *result)
{
	enum version_ecosystem ordering;
	if (range_ordering(affected, range->type, &ordering) < 0) {
		const char *ecosystem = ecosystem_label(affected);
		add_note(result, xasprintf("no version ordering for ecosystem '%.*s': its ECOSYSTEM ranges were not checked",
					   (int)strcspn(ecosystem, ":"), ecosystem));
		return false;
	}
	if (!version_is_valid(ordering, version)) {
		add_note(result, xasprintf("'%s' is not a %s version: %s ranges of '%s' were not checked", version,
					   version_ecosystem_name(ordering), ecosystem_label(affected),
					   affected->name ? affected->name : ""));
		return false;
	}
	for (size_t i = 0; i < range->event_count; i++) {
		const struct osv_event *event = &range->events[i];
		if (is_zero_event(event) || (event->kind == OSV_EVENT_LIMIT && strcmp(event->version, "*") == 0))
			continue;
		if (!version_is_valid(ordering, event->version)) {
			add_note(result, xasprintf("'%s' in a range of '%s' (%s) is not a %s version: the range was skipped",
						   event->version, affected->name ? affected->name : "",
						   ecosystem_label(affected), version_ecosystem_name(ordering)));
			return false;
		}
	}
	struct osv_event *events = xmalloc((range->event_count ? range->event_count : 1) * sizeof(*events));
	size_t count = 0;
	for (size_t i = 0; i < range->event_count; i++) {
		const struct osv_event *event = &range->events[i];
		if (event->kind == OSV_EVENT_LIMIT) {
			/* limit bounds the search space: at or above it nothing in this range applies */
			if (strcmp(event->version, "*") != 0 && compare(ordering, version, event->version) >= 0) {
				free(events);
				return false;
			}
			continue;
		}
		events[count++] = *event;
	}
	sort_events(events, count, ordering);
	bool is_affected = false;
	const char *next_fixed = NULL;
	for (size_t i = 0; i < count; i++) {
		const struct osv_event *event = &events[i];
		switch (event->kind) {
		case OSV_EVENT_INTRODUCED:
			if (is_zero_event(event) || compare(ordering, version, event->version) >= 0)
				is_affected = true;
			break;
		case OSV_EVENT_FIXED:
			if (compare(ordering, version, event->version) >= 0)
				is_affected = false;
			else if (!next_fixed)
				next_fixed = event->version;
			break;
		case OSV_EVENT_LAST_AFFECTED:
			if (compare(ordering, version, event->version) > 0)
				is_affected = false;
			break;
		case OSV_EVENT_LIMIT:
			break;
		}
	}
	free(events);
	if (is_affected && fixed)
		*fixed = next_fixed;
	return is_affected;
}

static bool listed_version(const struct osv_affected *affected, const char *version)
{
	enum version_ecosystem ordering;
	bool ordered = affected->ecosystem && version_ecosystem_from_osv(affected->ecosystem, &ordering) == 0;
	bool go = ordered && ordering == VERSION_GO;
	for (size_t i = 0; i < affected->version_count; i++) {
		const char *listed = affected->versions[i];
		if (strcmp(listed, version) == 0 || (go && strcmp(strip_v(listed), strip_v(version)) == 0))
			return true;
		int order;
		if (ordered && version_compare(ordering, listed, version, &order) == 0 && order == 0)
			return true;
	}
	return false;
}

bool scan_version_affected(const struct osv_affected *affected, const char *version, const char **fixed,
			   struct scan_result *result)
{
	if (fixed)
		*fixed = NULL;
	/* ranges first: a range knows the fixed version, versions[] does not */
	for (size_t r = 0; r < affected->range_count; r++) {
		const struct osv_range *range = &affected->ranges[r];
		if (range->type == OSV_RANGE_GIT) {
			add_note(result, xasprintf("GIT ranges are not matched against versions (a range of '%s' in %s)",
						   affected->name ? affected->name : "", ecosystem_label(affected)));
			continue;
		}
		if (range_affected(affected, range, version, fixed, result))
			return true;
	}
	return listed_version(affected, version);
}

/* ---- components to OSV packages ---- */

struct ecosystem_map {
	const char *purl_type;
	const char *namespace; /* NULL: any */
	const char *ecosystem;
};

static const struct ecosystem_map ecosystems[] = {
	{ "golang", NULL, "Go" },        { "npm", NULL, "npm" },          { "pypi", NULL, "PyPI" },
	{ "deb", "ubuntu", "Ubuntu" },   { "deb", NULL, "Debian" },       { "maven", NULL, "Maven" },
	{ "apk", "wolfi", "Wolfi" },     { "apk", NULL, "Alpine" },       { "cargo", NULL, "crates.io" },
	{ "gem", NULL, "RubyGems" },     { "nuget", NULL, "NuGet" },      { "composer", NULL, "Packagist" },
	{ "hex", NULL, "Hex" },          { "pub", NULL, "Pub" },          { "swift", NULL, "SwiftURL" },
	{ "cran", NULL, "CRAN" },        { "hackage", NULL, "Hackage" },
};

static const char *osv_ecosystem_of(const struct purl *purl)
{
	for (size_t i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++) {
		if (strcmp(ecosystems[i].purl_type, purl->type) != 0)
			continue;
		if (ecosystems[i].namespace && (!purl->namespace || strcmp(purl->namespace, ecosystems[i].namespace) != 0))
			continue;
		return ecosystems[i].ecosystem;
	}
	return NULL;
}

/* The package name as OSV spells it for the purl's ecosystem. */
static char *osv_name_of(const struct purl *purl)
{
	const char *type = purl->type;
	if (!purl->namespace || strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 || strcmp(type, "rpm") == 0)
		return xstrdup(purl->name);
	if (strcmp(type, "maven") == 0)
		return xasprintf("%s:%s", purl->namespace, purl->name);
	return xasprintf("%s/%s", purl->namespace, purl->name);
}

int scan_read_database_for(struct osv_db *db, const char *bytes, size_t length, const struct sbom *sboms,
			   size_t sbom_count, char **error)
{
	struct osv_package_set *packages = osv_package_set_new();
	for (size_t i = 0; i < sbom_count; i++) {
		for (size_t c = 0; c < sboms[i].component_count; c++) {
			char *ecosystem, *name;
			if (scan_component_package(&sboms[i].components[c], &ecosystem, &name) == 0)
				osv_package_set_add(packages, ecosystem, name);
			free(ecosystem);
			free(name);
		}
	}
	int status = osv_db_parse_only(db, bytes, length, packages, error);
	osv_package_set_free(packages);
	return status;
}

int scan_component_package(const struct sbom_component *component, char **ecosystem, char **name)
{
	*ecosystem = *name = NULL;
	struct purl purl;
	if (!component->purl || purl_parse(component->purl, &purl, NULL) < 0)
		return -1;
	const char *osv_ecosystem = osv_ecosystem_of(&purl);
	if (osv_ecosystem) {
		*ecosystem = xstrdup(osv_ecosystem);
		*name = osv_name_of(&purl);
	}
	purl_release(&purl);
	return osv_ecosystem ? 0 : -1;
}

/* An OSV "Debian:12" entry applies to a purl whose distro qualifier names that release
 * ("debian-12", "12", "bookworm" is not resolved); no qualifier or no suffix: it applies. */
static bool release_applies(const char *ecosystem, const struct purl *purl)
{
	const char *colon = strchr(ecosystem, ':');
	const char *distro = purl_qualifier(purl, "distro");
	if (!colon || !distro)
		return true;
	const char *release = colon + 1;
	size_t length = strlen(release), distro_length = strlen(distro);
	if (strcmp(distro, release) == 0)
		return true;
	return distro_length > length && distro[distro_length - length - 1] == '-' &&
	       strcmp(distro + distro_length - length, release) == 0;
}

/* ---- waivers ---- */

struct waiver_set {
	struct scan_waiver_ref *waivers;
	size_t count;
	bool *expired;
	char **canonical; /* each waiver's component in canonical purl form, or NULL */
};

static void waiver_set_release(struct waiver_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		waiver_release(&set->waivers[i]);
		free(set->canonical[i]);
	}
	free(set->waivers);
	free(set->expired);
	free(set->canonical);
}

static int read_waivers(const json_t *waivers, const char *today, struct waiver_set *set, char **error)
{
	memset(set, 0, sizeof(*set));
	if (!waivers)
		return 0;
	if (!json_is_array(waivers))
		return fail(error, xstrdup("/waivers: expected an array"));
	size_t count = json_array_size(waivers);
	set->waivers = xcalloc(count + 1, sizeof(*set->waivers));
	set->expired = xcalloc(count + 1, sizeof(*set->expired));
	set->canonical = xcalloc(count + 1, sizeof(*set->canonical));
	size_t index;
	const json_t *object;
	json_array_foreach(waivers, index, object) {
		static const char *const required[] = { "id", "component", "reason", "expires" };
		for (size_t k = 0; k < 4; k++)
			if (!json_is_string(json_object_get(object, required[k])))
				return fail(error, xasprintf("/waivers/%zu: missing '%s'", index, required[k]));
		const json_t *service = json_object_get(object, "service");
		const json_t *approved_by = json_object_get(object, "approved_by");
		if ((service && !json_is_string(service)) || (approved_by && !json_is_string(approved_by)))
			return fail(error, xasprintf("/waivers/%zu: 'service' and 'approved_by' must be strings", index));
		const char *expires = json_string_value(json_object_get(object, "expires"));
		if (strlen(expires) != 10 || expires[4] != '-' || expires[7] != '-')
			return fail(error, xasprintf("/waivers/%zu/expires: '%s' is not a date (YYYY-MM-DD)", index, expires));
		struct scan_waiver_ref *waiver = &set->waivers[set->count];
		set->expired[set->count] = today && strcmp(expires, today) < 0;
		set->count++;
		waiver->id = xstrdup(json_string_value(json_object_get(object, "id")));
		waiver->component = xstrdup(json_string_value(json_object_get(object, "component")));
		waiver->reason = xstrdup(json_string_value(json_object_get(object, "reason")));
		waiver->expires = xstrdup(expires);
		waiver->service = service ? xstrdup(json_string_value(service)) : NULL;
		waiver->approved_by = approved_by ? xstrdup(json_string_value(approved_by)) : NULL;
		/* "pkg:npm/@types/node" and "pkg:npm/%40types/node" are one package */
		set->canonical[set->count - 1] = purl_canonicalize(waiver->component, NULL);
	}
	return 0;
}

/* A waiver's component names a purl prefix: the whole purl, the purl without version, or a
 * leading part of the path ending at a '/'. */
static bool component_matches(const char *prefix, const char *purl)
{
	size_t length = strlen(prefix);
	if (strncmp(prefix, purl, length) != 0)
		return false;
	char next = purl[length];
	return next == '\0' || next == '@' || next == '?' || next == '#' || next == '/' || prefix[length - 1] == '/';
}

/* The component matches as written or in canonical form (both sides normalised alike). */
static bool waiver_applies(const struct waiver_set *set, size_t index, const struct osv_record *record,
			   const char *service, const char *purl, const char *canonical_purl)
{
	const struct scan_waiver_ref *waiver = &set->waivers[index];
	if (waiver->service && (!service || strcmp(waiver->service, service) != 0))
		return false;
	if (!component_matches(waiver->component, purl) &&
	    !(set->canonical[index] && canonical_purl && component_matches(set->canonical[index], canonical_purl)))
		return false;
	if (strcmp(waiver->id, record->id) == 0)
		return true;
	for (size_t a = 0; a < record->alias_count; a++)
		if (strcmp(waiver->id, record->aliases[a]) == 0)
			return true;
	return false;
}

/* ---- severity ---- */

static void rate(const struct osv_record *record, struct scan_finding *finding)
{
	finding->severity = SCAN_SEVERITY_UNKNOWN;
	finding->score_tenths = -1;
	for (size_t i = 0; i < record->severity_count; i++) {
		if (strncmp(record->severities[i].type, "CVSS_V", 6) != 0)
			continue;
		int tenths;
		if (cvss_vector_base_score(record->severities[i].score, &tenths, NULL) != CVSS_OK)
			continue; /* v2 or malformed: no score from this one */
		if (tenths > finding->score_tenths) {
			finding->score_tenths = tenths;
			free(finding->vector);
			finding->vector = xstrdup(record->severities[i].score);
		}
	}
	if (finding->score_tenths >= 0) {
		finding->severity = (enum scan_severity)(SCAN_SEVERITY_NONE + cvss_severity_of_tenths(finding->score_tenths));
		return;
	}
	const char *rating = record->database_severity;
	if (!rating)
		return;
	if (equal_ignoring_case(rating, "moderate") || equal_ignoring_case(rating, "medium"))
		finding->severity = SCAN_SEVERITY_MEDIUM;
	else if (equal_ignoring_case(rating, "low"))
		finding->severity = SCAN_SEVERITY_LOW;
	else if (equal_ignoring_case(rating, "high"))
		finding->severity = SCAN_SEVERITY_HIGH;
	else if (equal_ignoring_case(rating, "critical"))
		finding->severity = SCAN_SEVERITY_CRITICAL;
}

/* ---- the scan ---- */

static bool already_found(const struct scan_result *result, size_t first, const char *id)
{
	for (size_t i = first; i < result->finding_count; i++)
		if (strcmp(result->findings[i].id, id) == 0)
			return true;
	return false;
}

static void add_finding(struct scan_result *result, const struct osv_record *record, size_t input_index,
			const char *service, const struct sbom_component *component, const char *purl,
			const char *canonical_purl, const char *version, const char *fixed,
			const struct waiver_set *waivers, enum scan_severity fail_on)
{
	ALLOC_GROW(result->findings, result->finding_count + 1, result->finding_alloc);
	struct scan_finding *finding = &result->findings[result->finding_count++];
	memset(finding, 0, sizeof(*finding));
	finding->id = xstrdup(record->id);
	if (record->alias_count)
		finding->aliases = xcalloc(record->alias_count, sizeof(*finding->aliases));
	for (size_t a = 0; a < record->alias_count; a++)
		finding->aliases[finding->alias_count++] = xstrdup(record->aliases[a]);
	finding->summary = record->summary ? xstrdup(record->summary) : NULL;
	finding->service = service ? xstrdup(service) : NULL;
	finding->component = sbom_component_label(component);
	finding->purl = xstrdup(purl);
	finding->installed = xstrdup(version);
	finding->fixed = fixed ? xstrdup(fixed) : NULL;
	finding->input_index = input_index;
	finding->pointer = xstrdup(component->pointer);
	rate(record, finding);
	for (size_t w = 0; w < waivers->count; w++) {
		if (!waiver_applies(waivers, w, record, service, purl, canonical_purl))
			continue;
		if (!waivers->expired[w] && !finding->waived_by)
			finding->waived_by = waiver_copy(&waivers->waivers[w]);
		else if (waivers->expired[w] && !finding->expired_waiver)
			finding->expired_waiver = waiver_copy(&waivers->waivers[w]);
	}
	if (finding->waived_by) {
		waiver_release(finding->expired_waiver);
		free(finding->expired_waiver);
		finding->expired_waiver = NULL;
		result->waived_count++;
	}
	finding->fails = !finding->waived_by && finding->severity >= fail_on;
	if (finding->fails)
		result->failing_count++;
}

static void scan_component(const struct osv_db *db, size_t input_index, const char *service,
			   const struct sbom_component *component, const struct waiver_set *waivers,
			   enum scan_severity fail_on, struct scan_result *result)
{
	char *label = sbom_component_label(component);
	if (!component->purl) {
		add_note(result, xasprintf("component %s has no purl: not scanned", label));
		free(label);
		return;
	}
	struct purl purl;
	char *error = NULL;
	if (purl_parse(component->purl, &purl, &error) < 0) {
		add_note(result, xasprintf("component %s: invalid purl '%s' (%s): not scanned", label, component->purl, error));
		free(error);
		free(label);
		return;
	}
	const char *ecosystem = osv_ecosystem_of(&purl);
	const char *version = purl.version ? purl.version : component->version;
	if (!ecosystem) {
		add_note(result, xasprintf("purl type '%s' has no OSV ecosystem: its components were not scanned", purl.type));
	} else if (!version) {
		add_note(result, xasprintf("component %s has no version: not scanned", label));
	} else {
		char *name = osv_name_of(&purl);
		char *canonical = purl_to_string(&purl);
		size_t count;
		const struct osv_match *matches = osv_db_lookup(db, ecosystem, name, &count);
		size_t first = result->finding_count;
		for (size_t m = 0; m < count; m++) {
			const struct osv_record *record = matches[m].record;
			const struct osv_affected *affected = matches[m].affected;
			if (!release_applies(affected->ecosystem, &purl) || already_found(result, first, record->id))
				continue;
			const char *fixed = NULL;
			if (scan_version_affected(affected, version, &fixed, result))
				add_finding(result, record, input_index, service, component, component->purl, canonical, version,
					    fixed, waivers, fail_on);
		}
		free(canonical);
		free(name);
	}
	purl_release(&purl);
	free(label);
}

static int compare_optional(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int compare_findings(const void *left, const void *right)
{
	const struct scan_finding *a = left, *b = right;
	int order = compare_optional(a->service, b->service);
	if (!order)
		order = strcmp(a->component, b->component);
	if (!order)
		order = strcmp(a->id, b->id);
	return order;
}

static int compare_strings(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

int scan_run(const struct osv_db *db, const struct scan_input *inputs, size_t input_count,
	     const json_t *waivers, const struct scan_options *options, struct scan_result *result,
	     char **error)
{
	scan_result_init(result);
	result->fail_on = options->fail_on;
	struct waiver_set set;
	if (read_waivers(waivers, options->today, &set, error) < 0) {
		waiver_set_release(&set);
		return -1;
	}
	for (size_t w = 0; w < set.count; w++) {
		if (!set.expired[w])
			continue;
		ALLOC_GROW(result->expired_waivers, result->expired_waiver_count + 1, result->expired_waiver_alloc);
		struct scan_waiver_ref *copy = waiver_copy(&set.waivers[w]);
		result->expired_waivers[result->expired_waiver_count++] = *copy;
		free(copy);
	}
	for (size_t i = 0; i < input_count; i++) {
		const struct sbom *sbom = inputs[i].sbom;
		for (size_t c = 0; c < sbom->component_count; c++)
			scan_component(db, i, inputs[i].service, &sbom->components[c], &set, options->fail_on, result);
		result->component_count += sbom->component_count;
	}
	waiver_set_release(&set);
	if (result->finding_count > 1)
		qsort(result->findings, result->finding_count, sizeof(*result->findings), compare_findings);
	if (result->note_count > 1)
		qsort(result->notes, result->note_count, sizeof(*result->notes), compare_strings);
	size_t unique = 0;
	for (size_t i = 0; i < result->note_count; i++) {
		if (unique && strcmp(result->notes[unique - 1], result->notes[i]) == 0)
			free(result->notes[i]);
		else
			result->notes[unique++] = result->notes[i];
	}
	result->note_count = unique;
	result->failed = result->failing_count > 0;
	return 0;
}

/* ---- output ---- */

static json_t *string_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

static json_t *waiver_json(const struct scan_waiver_ref *waiver)
{
	if (!waiver)
		return json_null();
	json_t *object = json_object();
	json_object_set_new(object, "id", json_string(waiver->id));
	json_object_set_new(object, "service", string_or_null(waiver->service));
	json_object_set_new(object, "component", json_string(waiver->component));
	json_object_set_new(object, "reason", json_string(waiver->reason));
	json_object_set_new(object, "approved_by", string_or_null(waiver->approved_by));
	json_object_set_new(object, "expires", json_string(waiver->expires));
	return object;
}

json_t *scan_result_to_json(const struct scan_result *result)
{
	json_t *root = json_object();
	json_object_set_new(root, "fail_on", json_string(scan_severity_name(result->fail_on)));
	json_object_set_new(root, "failed", json_boolean(result->failed));
	size_t by_severity[SCAN_SEVERITY_UNKNOWN + 1] = { 0 };
	json_t *findings = json_array();
	for (size_t i = 0; i < result->finding_count; i++) {
		const struct scan_finding *finding = &result->findings[i];
		if (!finding->waived_by)
			by_severity[finding->severity]++;
		json_t *object = json_object();
		json_object_set_new(object, "id", json_string(finding->id));
		json_t *aliases = json_array();
		for (size_t a = 0; a < finding->alias_count; a++)
			json_array_append_new(aliases, json_string(finding->aliases[a]));
		json_object_set_new(object, "aliases", aliases);
		json_object_set_new(object, "summary", string_or_null(finding->summary));
		json_object_set_new(object, "service", string_or_null(finding->service));
		json_object_set_new(object, "component", json_string(finding->component));
		json_object_set_new(object, "purl", json_string(finding->purl));
		json_object_set_new(object, "installed", json_string(finding->installed));
		json_object_set_new(object, "fixed", string_or_null(finding->fixed));
		json_object_set_new(object, "severity", json_string(scan_severity_name(finding->severity)));
		json_object_set_new(object, "score",
				    finding->score_tenths >= 0 ? json_real(finding->score_tenths / 10.0) : json_null());
		json_object_set_new(object, "vector", string_or_null(finding->vector));
		json_object_set_new(object, "waived_by", waiver_json(finding->waived_by));
		json_object_set_new(object, "expired_waiver", waiver_json(finding->expired_waiver));
		json_object_set_new(object, "fails", json_boolean(finding->fails));
		json_array_append_new(findings, object);
	}
	json_t *summary = json_object();
	json_object_set_new(summary, "components", json_integer((json_int_t)result->component_count));
	json_object_set_new(summary, "findings", json_integer((json_int_t)result->finding_count));
	json_object_set_new(summary, "waived", json_integer((json_int_t)result->waived_count));
	json_object_set_new(summary, "failing", json_integer((json_int_t)result->failing_count));
	json_t *counts = json_object();
	for (int s = SCAN_SEVERITY_NONE; s <= SCAN_SEVERITY_UNKNOWN; s++)
		json_object_set_new(counts, severity_names[s], json_integer((json_int_t)by_severity[s]));
	json_object_set_new(summary, "by_severity", counts);
	json_object_set_new(root, "summary", summary);
	json_object_set_new(root, "findings", findings);
	json_t *expired = json_array();
	for (size_t i = 0; i < result->expired_waiver_count; i++)
		json_array_append_new(expired, waiver_json(&result->expired_waivers[i]));
	json_object_set_new(root, "expired_waivers", expired);
	json_t *notes = json_array();
	for (size_t i = 0; i < result->note_count; i++)
		json_array_append_new(notes, json_string(result->notes[i]));
	json_object_set_new(root, "notes", notes);
	return root;
}

void scan_result_format_text(const struct scan_result *result, struct strbuf *out)
{
	for (size_t i = 0; i < result->finding_count; i++) {
		const struct scan_finding *finding = &result->findings[i];
		if (finding->service)
			strbuf_addf(out, "%s: ", finding->service);
		strbuf_addf(out, "%s: %s %s", finding->component, finding->id, scan_severity_name(finding->severity));
		if (finding->score_tenths >= 0)
			strbuf_addf(out, " %d.%d", finding->score_tenths / 10, finding->score_tenths % 10);
		if (finding->fixed)
			strbuf_addf(out, ", fixed in %s", finding->fixed);
		else
			strbuf_addstr(out, ", no fix");
		if (finding->alias_count) {
			strbuf_addstr(out, " (");
			for (size_t a = 0; a < finding->alias_count; a++)
				strbuf_addf(out, "%s%s", a ? ", " : "", finding->aliases[a]);
			strbuf_addch(out, ')');
		}
		if (finding->waived_by && finding->waived_by->approved_by)
			strbuf_addf(out, " [waived by %s until %s]", finding->waived_by->approved_by,
				    finding->waived_by->expires);
		else if (finding->waived_by)
			strbuf_addf(out, " [waived until %s]", finding->waived_by->expires);
		else if (finding->expired_waiver)
			strbuf_addf(out, " [waiver expired on %s]", finding->expired_waiver->expires);
		strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < result->expired_waiver_count; i++) {
		const struct scan_waiver_ref *waiver = &result->expired_waivers[i];
		strbuf_addf(out, "expired waiver: %s for %s", waiver->id, waiver->component);
		if (waiver->service)
			strbuf_addf(out, " in %s", waiver->service);
		strbuf_addf(out, " expired on %s\n", waiver->expires);
	}
	for (size_t i = 0; i < result->note_count; i++)
		strbuf_addf(out, "note: %s\n", result->notes[i]);
	strbuf_addf(out, "%zu component%s scanned, %zu finding%s (%zu waived), %zu failing at fail-on %s: %s\n",
		    result->component_count, result->component_count == 1 ? "" : "s", result->finding_count,
		    result->finding_count == 1 ? "" : "s", result->waived_count, result->failing_count,
		    scan_severity_name(result->fail_on), result->failed ? "FAIL" : "ok");
}
