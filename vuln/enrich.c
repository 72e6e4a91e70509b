/* SBOM enrichment: purls synthesised from the service's purl type, then rule by rule the
 * supplier, licences and purl a component lacks, written into the document in place. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "purl.h"
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

void enrich_report_init(struct enrich_report *report)
{
	memset(report, 0, sizeof(*report));
}

void enrich_report_release(struct enrich_report *report)
{
	for (size_t i = 0; i < report->change_count; i++) {
		free(report->changes[i].component);
		free(report->changes[i].field);
		free(report->changes[i].message);
	}
	free(report->changes);
	enrich_report_init(report);
}

bool enrich_glob_match(const char *pattern, const char *text)
{
	const char *star = NULL, *resume = NULL;
	while (*text) {
		if (*pattern == '*') {
			star = pattern++;
			resume = text;
		} else if (*pattern == *text) {
			pattern++;
			text++;
		} else if (star) {
			pattern = star + 1;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* The purl without "@version" (qualifiers and subpath kept out too): what a versionless glob
 * or waiver prefix is compared with. */
static char *purl_without_version(const char *purl)
{
	size_t end = strcspn(purl, "?#");
	size_t slash = 0;
	for (size_t i = 0; i < end; i++)
		if (purl[i] == '/')
			slash = i;
	for (size_t i = slash; i < end; i++)
		if (purl[i] == '@')
			return xstrndup(purl, i);
	return xstrndup(purl, end);
}

static bool purl_glob_match(const char *pattern, const char *purl)
{
	if (!purl)
		return false;
	if (enrich_glob_match(pattern, purl))
		return true;
	char *bare = purl_without_version(purl);
	bool matched = enrich_glob_match(pattern, bare);
	free(bare);
	return matched;
}

/* The values a component has while rules run, and which fields this run already set. */
struct working {
	char *purl;      /* owned copy */
	bool has_licenses, has_supplier;
	bool set_licenses, set_supplier, set_purl; /* set by an earlier rule or the synthesis */
};

static void add_change(struct enrich_report *report, const char *label, const char *field, char *message)
{
	ALLOC_GROW(report->changes, report->change_count + 1, report->change_alloc);
	struct enrich_change *change = &report->changes[report->change_count++];
	change->component = xstrdup(label);
	change->field = xstrdup(field);
	change->message = message;
}

static void describe_licenses(struct strbuf *out, const struct sbom_license *items, size_t count)
{
	strbuf_addch(out, '[');
	for (size_t i = 0; i < count; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", items[i].text);
	strbuf_addch(out, ']');
}

static void describe_json_list(struct strbuf *out, const json_t *list)
{
	size_t index;
	const json_t *item;
	strbuf_addch(out, '[');
	json_array_foreach(list, index, item)
		strbuf_addf(out, "%s%s", index ? ", " : "", json_string_value(item));
	strbuf_addch(out, ']');
}

static void set_licenses(struct sbom *sbom, struct sbom_component *component, const json_t *licenses)
{
	if (sbom->format == SBOM_CYCLONEDX) {
		json_t *list = json_array();
		size_t index;
		const json_t *id;
		json_array_foreach(licenses, index, id) {
			json_t *choice = json_object();
			json_t *license = json_object();
			json_object_set_new(license, "id", json_string(json_string_value(id)));
			json_object_set_new(choice, "license", license);
			json_array_append_new(list, choice);
		}
		json_object_set_new(component->object, "licenses", list);
		return;
	}
	struct strbuf expression;
	strbuf_init(&expression);
	size_t index;
	const json_t *id;
	json_array_foreach(licenses, index, id)
		strbuf_addf(&expression, "%s%s", index ? " AND " : "", json_string_value(id));
	json_object_set_new(component->object, "licenseConcluded", json_string(expression.buf));
	strbuf_release(&expression);
}

static void set_supplier(struct sbom *sbom, struct sbom_component *component, const json_t *supplier)
{
	const char *name = json_string_value(json_object_get(supplier, "name"));
	if (sbom->format == SBOM_CYCLONEDX) {
		json_t *object = json_object();
		json_object_set_new(object, "name", json_string(name));
		const json_t *urls = json_object_get(supplier, "url");
		if (json_is_array(urls))
			json_object_set_new(object, "url", json_deep_copy(urls));
		json_object_set_new(component->object, "supplier", object);
		return;
	}
	char *text = xasprintf("Organization: %s", name);
	json_object_set_new(component->object, "supplier", json_string(text));
	free(text);
}

static void set_purl(struct sbom *sbom, struct sbom_component *component, const char *purl)
{
	if (sbom->format == SBOM_CYCLONEDX) {
		json_object_set_new(component->object, "purl", json_string(purl));
		return;
	}
	json_t *references = json_object_get(component->object, "externalRefs");
	if (!json_is_array(references)) {
		references = json_array();
		json_object_set_new(component->object, "externalRefs", references);
	}
	size_t index;
	json_t *reference;
	json_array_foreach(references, index, reference) {
		const char *type = json_string_value(json_object_get(reference, "referenceType"));
		if (type && strcmp(type, "purl") == 0) {
			json_object_set_new(reference, "referenceLocator", json_string(purl));
			return;
		}
	}
	reference = json_object();
	json_object_set_new(reference, "referenceCategory", json_string("PACKAGE-MANAGER"));
	json_object_set_new(reference, "referenceType", json_string("purl"));
	json_object_set_new(reference, "referenceLocator", json_string(purl));
	json_array_append_new(references, reference);
}

/* A purl from the component's group, name and version under purl_type, or NULL when the parts
 * do not make a valid one. Go module paths and npm scopes split into namespace and name. */
static char *synthesise_purl(const char *purl_type, const struct sbom_component *component)
{
	struct purl purl;
	purl_init(&purl);
	purl.type = xstrdup(purl_type);
	const char *name = component->name;
	const char *slash = strrchr(name, '/');
	if (component->group) {
		purl.namespace = xstrdup(component->group);
		purl.name = xstrdup(name);
	} else if (slash && (strcmp(purl_type, "golang") == 0 || (strcmp(purl_type, "npm") == 0 && name[0] == '@'))) {
		purl.namespace = xstrndup(name, (size_t)(slash - name));
		purl.name = xstrdup(slash + 1);
	} else {
		purl.name = xstrdup(name);
	}
	const char *version = component->version;
	if (version && *version) {
		bool go_needs_v = strcmp(purl_type, "golang") == 0 && version[0] >= '0' && version[0] <= '9';
		purl.version = go_needs_v ? xasprintf("v%s", version) : xstrdup(version);
	}
	char *error = NULL;
	char *text = NULL;
	if (purl_normalize(&purl, &error) == 0)
		text = purl_to_string(&purl);
	free(error);
	purl_release(&purl);
	return text;
}

static const char *purl_type_of(const json_t *enrichment, const char *service)
{
	if (!service)
		return NULL;
	size_t index;
	const json_t *entry;
	json_array_foreach(json_object_get(enrichment, "sboms"), index, entry) {
		const char *name = json_string_value(json_object_get(entry, "service"));
		if (name && strcmp(name, service) == 0)
			return json_string_value(json_object_get(entry, "purl_type"));
	}
	return NULL;
}

static bool string_array(const json_t *value)
{
	if (!json_is_array(value) || json_array_size(value) == 0)
		return false;
	size_t index;
	const json_t *item;
	json_array_foreach(value, index, item)
		if (!json_is_string(item) || !*json_string_value(item))
			return false;
	return true;
}

/* SPDX's words for "no value": written as a licence, the SBOM would read back without one. */
static bool licence_ids(const json_t *value)
{
	size_t index;
	const json_t *item;
	json_array_foreach(value, index, item)
		if (strcmp(json_string_value(item), "NOASSERTION") == 0 || strcmp(json_string_value(item), "NONE") == 0)
			return false;
	return true;
}

/* A supplier name an SBOM reads back: not empty once the spaces after "Organization:" are skipped. */
static bool supplier_name(const json_t *value)
{
	const char *name = json_string_value(value);
	if (!name)
		return false;
	while (*name == ' ')
		name++;
	return *name != '\0';
}

/* The shape enrich_sbom relies on; the schema says more, goose-run does not load it. */
static int check_enrichment(const json_t *enrichment, char **error)
{
	if (!json_is_object(enrichment))
		return fail(error, xstrdup("the enrichment document is not an object"));
	const json_t *sboms = json_object_get(enrichment, "sboms");
	if (sboms && !json_is_array(sboms))
		return fail(error, xstrdup("/sboms: expected an array"));
	size_t index;
	const json_t *entry;
	json_array_foreach(sboms, index, entry) {
		const json_t *purl_type = json_object_get(entry, "purl_type");
		if (!json_is_object(entry) || (purl_type && !json_is_string(purl_type)))
			return fail(error, xasprintf("/sboms/%zu: expected an object with a string purl_type",
						     index));
	}
	const json_t *rules = json_object_get(enrichment, "rules");
	if (rules && !json_is_array(rules))
		return fail(error, xstrdup("/rules: expected an array"));
	const json_t *rule;
	json_array_foreach(rules, index, rule) {
		const json_t *match = json_object_get(rule, "match"), *set = json_object_get(rule, "set");
		if (!json_is_object(match) || !json_is_object(set))
			return fail(error, xasprintf("/rules/%zu: expected 'match' and 'set' objects", index));
		const json_t *purl = json_object_get(match, "purl"), *name = json_object_get(match, "name");
		if ((!purl && !name) || (purl && !json_is_string(purl)) || (name && !json_is_string(name)))
			return fail(error, xasprintf("/rules/%zu/match: expected a 'purl' or 'name' glob", index));
		const json_t *licenses = json_object_get(set, "licenses");
		if (licenses && (!string_array(licenses) || !licence_ids(licenses)))
			return fail(error, xasprintf("/rules/%zu/set/licenses: expected a list of licence ids",
						     index));
		const json_t *supplier = json_object_get(set, "supplier");
		if (supplier && (!json_is_object(supplier) || !supplier_name(json_object_get(supplier, "name"))))
			return fail(error, xasprintf("/rules/%zu/set/supplier: expected an object with a name",
						     index));
		const json_t *urls = json_object_get(supplier, "url");
		if (urls && !(json_is_array(urls) && (json_array_size(urls) == 0 || string_array(urls))))
			return fail(error, xasprintf("/rules/%zu/set/supplier/url: expected a list of strings",
						     index));
		const json_t *set_purl_value = json_object_get(set, "purl");
		if (set_purl_value && (!json_is_string(set_purl_value) || !*json_string_value(set_purl_value)))
			return fail(error, xasprintf("/rules/%zu/set/purl: expected a string", index));
	}
	return 0;
}

static bool rule_matches(const json_t *match, const struct working *working, const struct sbom_component *component)
{
	const char *purl = json_string_value(json_object_get(match, "purl"));
	const char *name = json_string_value(json_object_get(match, "name"));
	if (purl && !purl_glob_match(purl, working->purl))
		return false;
	if (name && !enrich_glob_match(name, component->name))
		return false;
	return true;
}

static bool same_licenses(const struct sbom_component *component, const json_t *licenses)
{
	if (component->license_count != json_array_size(licenses))
		return false;
	for (size_t i = 0; i < component->license_count; i++)
		if (strcmp(component->licenses[i].text, json_string_value(json_array_get(licenses, i))) != 0)
			return false;
	return true;
}

static void apply_rule(struct sbom *sbom, struct sbom_component *component, struct working *working,
		       const json_t *set, bool force, const char *label, struct enrich_report *report)
{
	struct strbuf message;
	strbuf_init(&message);
	const json_t *licenses = json_object_get(set, "licenses");
	if (licenses && !working->set_licenses && (!working->has_licenses || force) &&
	    !(working->has_licenses && same_licenses(component, licenses))) {
		strbuf_addf(&message, "component %s: licenses ", label);
		if (working->has_licenses) {
			strbuf_addstr(&message, "changed from ");
			describe_licenses(&message, component->licenses, component->license_count);
			strbuf_addstr(&message, " to ");
		} else {
			strbuf_addstr(&message, "set to ");
		}
		describe_json_list(&message, licenses);
		set_licenses(sbom, component, licenses);
		add_change(report, label, "licenses", strbuf_detach(&message, NULL));
		working->set_licenses = working->has_licenses = true;
	}
	const json_t *supplier = json_object_get(set, "supplier");
	const char *supplier_name = json_string_value(json_object_get(supplier, "name"));
	if (supplier && !working->set_supplier && (!working->has_supplier || force) &&
	    !(working->has_supplier && strcmp(component->supplier, supplier_name) == 0)) {
		strbuf_reset(&message);
		if (working->has_supplier)
			strbuf_addf(&message, "component %s: supplier changed from '%s' to '%s'", label,
				    component->supplier, supplier_name);
		else
			strbuf_addf(&message, "component %s: supplier set to '%s'", label, supplier_name);
		set_supplier(sbom, component, supplier);
		add_change(report, label, "supplier", strbuf_detach(&message, NULL));
		working->set_supplier = working->has_supplier = true;
	}
	const char *purl = json_string_value(json_object_get(set, "purl"));
	if (purl && !working->set_purl && (!working->purl || force) &&
	    !(working->purl && strcmp(working->purl, purl) == 0)) {
		strbuf_reset(&message);
		if (working->purl)
			strbuf_addf(&message, "component %s: purl changed from '%s' to '%s'", label, working->purl, purl);
		else
			strbuf_addf(&message, "component %s: purl set to '%s'", label, purl);
		set_purl(sbom, component, purl);
		add_change(report, label, "purl", strbuf_detach(&message, NULL));
		free(working->purl);
		working->purl = xstrdup(purl);
		working->set_purl = true;
	}
	strbuf_release(&message);
}

int enrich_sbom(struct sbom *sbom, const json_t *enrichment, const char *service, bool force,
		struct enrich_report *report, char **error)
{
	if (check_enrichment(enrichment, error) < 0)
		return -1;
	const char *purl_type = purl_type_of(enrichment, service);
	const json_t *rules = json_object_get(enrichment, "rules");
	for (size_t c = 0; c < sbom->component_count; c++) {
		struct sbom_component *component = &sbom->components[c];
		char *label = sbom_component_label(component);
		struct working working = {
			.purl = component->purl ? xstrdup(component->purl) : NULL,
			.has_licenses = component->license_count > 0,
			.has_supplier = component->supplier != NULL,
		};
		if (!working.purl && purl_type) {
			working.purl = synthesise_purl(purl_type, component);
			if (working.purl) {
				set_purl(sbom, component, working.purl);
				add_change(report, label, "purl",
					   xasprintf("component %s: purl set to '%s'", label, working.purl));
				working.set_purl = true;
			}
		}
		size_t index;
		const json_t *rule;
		json_array_foreach(rules, index, rule) {
			if (rule_matches(json_object_get(rule, "match"), &working, component))
				apply_rule(sbom, component, &working, json_object_get(rule, "set"), force, label, report);
		}
		free(working.purl);
		free(label);
	}
	return sbom_reload(sbom, error);
}
