/* CycloneDX and SPDX JSON read into one component list: what enrichment, the licence policy
 * and the vulnerability scan need, with the component's own object kept for in-place edits. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sbom.h"
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

void sbom_init(struct sbom *sbom)
{
	memset(sbom, 0, sizeof(*sbom));
}

static void component_release(struct sbom_component *component)
{
	free(component->ref);
	free(component->name);
	free(component->group);
	free(component->version);
	free(component->purl);
	free(component->supplier);
	for (size_t i = 0; i < component->license_count; i++) {
		free(component->licenses[i].text);
		free(component->licenses[i].pointer);
	}
	free(component->licenses);
	free(component->pointer);
}

static void clear_components(struct sbom *sbom)
{
	for (size_t i = 0; i < sbom->component_count; i++)
		component_release(&sbom->components[i]);
	free(sbom->components);
	sbom->components = NULL;
	sbom->component_count = sbom->component_alloc = 0;
}

void sbom_release(struct sbom *sbom)
{
	clear_components(sbom);
	free(sbom->spec_version);
	json_decref(sbom->document);
	sbom_init(sbom);
}

/* An optional string member: 0 with *out NULL when absent, -1 when present but not a string. */
static int optional_string(const json_t *object, const char *key, const char *pointer, const char **out,
			   char **error)
{
	const json_t *value = json_object_get(object, key);
	*out = NULL;
	if (!value)
		return 0;
	if (!json_is_string(value))
		return fail(error, xasprintf("%s/%s: expected a string", pointer, key));
	*out = json_string_value(value);
	return 0;
}

static char *dup_or_null(const char *text)
{
	return text ? xstrdup(text) : NULL;
}

static void add_license(struct sbom_component *component, const char *license, enum sbom_license_form form,
			char *pointer)
{
	ALLOC_GROW(component->licenses, component->license_count + 1, component->license_alloc);
	struct sbom_license *entry = &component->licenses[component->license_count++];
	entry->text = xstrdup(license);
	entry->form = form;
	entry->pointer = pointer;
}

static struct sbom_component *new_component(struct sbom *sbom, json_t *object, const char *pointer)
{
	ALLOC_GROW(sbom->components, sbom->component_count + 1, sbom->component_alloc);
	struct sbom_component *component = &sbom->components[sbom->component_count++];
	memset(component, 0, sizeof(*component));
	component->object = object;
	component->pointer = xstrdup(pointer);
	return component;
}

/* CycloneDX licenses: [{license: {id | name}} | {expression}]. */
static int cyclonedx_licenses(struct sbom_component *component, const json_t *licenses, const char *pointer,
			      char **error)
{
	if (!licenses)
		return 0;
	if (!json_is_array(licenses))
		return fail(error, xasprintf("%s/licenses: expected an array", pointer));
	size_t index;
	const json_t *choice;
	json_array_foreach(licenses, index, choice) {
		if (!json_is_object(choice))
			return fail(error, xasprintf("%s/licenses/%zu: expected an object", pointer, index));
		const json_t *license = json_object_get(choice, "license");
		const json_t *expression_value = json_object_get(choice, "expression");
		if (expression_value && !json_is_string(expression_value))
			return fail(error, xasprintf("%s/licenses/%zu/expression: expected a string", pointer, index));
		const char *expression = json_string_value(expression_value);
		if (license && expression)
			return fail(error, xasprintf("%s/licenses/%zu: both 'license' and 'expression'", pointer, index));
		if (expression) {
			add_license(component, expression, SBOM_LICENSE_EXPRESSION,
				    xasprintf("%s/licenses/%zu/expression", pointer, index));
			continue;
		}
		if (!json_is_object(license))
			return fail(error, xasprintf("%s/licenses/%zu: expected 'license' or 'expression'", pointer, index));
		const json_t *id = json_object_get(license, "id"), *name = json_object_get(license, "name");
		if (id && name)
			return fail(error, xasprintf("%s/licenses/%zu/license: both 'id' and 'name'", pointer, index));
		const json_t *value = id ? id : name;
		if (!json_is_string(value))
			return fail(error, xasprintf("%s/licenses/%zu/license: expected a string 'id' or 'name'", pointer,
						     index));
		add_license(component, json_string_value(value), id ? SBOM_LICENSE_ID : SBOM_LICENSE_NAME,
			    xasprintf("%s/licenses/%zu/license/%s", pointer, index, id ? "id" : "name"));
	}
	return 0;
}

static int cyclonedx_components(struct sbom *sbom, json_t *components, struct strbuf *pointer, char **error);

static int cyclonedx_component(struct sbom *sbom, json_t *object, struct strbuf *pointer, char **error)
{
	const char *at = pointer->buf;
	if (!json_is_object(object))
		return fail(error, xasprintf("%s: expected an object", at));
	const char *name, *type, *version, *purl, *group, *ref;
	if (optional_string(object, "name", at, &name, error) < 0 ||
	    optional_string(object, "type", at, &type, error) < 0 ||
	    optional_string(object, "version", at, &version, error) < 0 ||
	    optional_string(object, "purl", at, &purl, error) < 0 ||
	    optional_string(object, "group", at, &group, error) < 0 ||
	    optional_string(object, "bom-ref", at, &ref, error) < 0)
		return -1;
	if (!type)
		return fail(error, xasprintf("%s: missing 'type'", at));
	if (!name)
		return fail(error, xasprintf("%s: missing 'name'", at));
	struct sbom_component *component = new_component(sbom, object, at);
	component->name = xstrdup(name);
	component->version = dup_or_null(version);
	component->purl = dup_or_null(purl && *purl ? purl : NULL);
	component->group = dup_or_null(group && *group ? group : NULL);
	component->ref = dup_or_null(ref);
	const json_t *supplier = json_object_get(object, "supplier");
	if (supplier) {
		if (!json_is_object(supplier))
			return fail(error, xasprintf("%s/supplier: expected an object", at));
		const char *supplier_name;
		struct strbuf supplier_at;
		strbuf_init(&supplier_at);
		strbuf_addf(&supplier_at, "%s/supplier", at);
		int status = optional_string(supplier, "name", supplier_at.buf, &supplier_name, error);
		strbuf_release(&supplier_at);
		if (status < 0)
			return -1;
		component->supplier = dup_or_null(supplier_name && *supplier_name ? supplier_name : NULL);
	}
	if (cyclonedx_licenses(component, json_object_get(object, "licenses"), at, error) < 0)
		return -1;
	/* component may move when nested components grow the array: nothing uses it below */
	json_t *nested = json_object_get(object, "components");
	if (!nested)
		return 0;
	size_t length = pointer->len;
	strbuf_addstr(pointer, "/components");
	int status = cyclonedx_components(sbom, nested, pointer, error);
	pointer->len = length;
	pointer->buf[length] = '\0';
	return status;
}

static int cyclonedx_components(struct sbom *sbom, json_t *components, struct strbuf *pointer, char **error)
{
	if (!json_is_array(components))
		return fail(error, xasprintf("%s: expected an array", pointer->buf));
	size_t index;
	json_t *object;
	json_array_foreach(components, index, object) {
		size_t length = pointer->len;
		pointer_append_index(pointer, index);
		int status = cyclonedx_component(sbom, object, pointer, error);
		pointer->len = length;
		pointer->buf[length] = '\0';
		if (status < 0)
			return -1;
	}
	return 0;
}

static int read_cyclonedx(struct sbom *sbom, char **error)
{
	const json_t *spec = json_object_get(sbom->document, "specVersion");
	if (!json_is_string(spec))
		return fail(error, xstrdup("/specVersion: missing or not a string"));
	const char *version = json_string_value(spec);
	if (strncmp(version, "1.", 2) != 0 || version[2] < '2' || version[2] > '6' || version[3] != '\0')
		return fail(error, xasprintf("/specVersion: unsupported CycloneDX version '%s' (1.2 to 1.6 are read)",
					     version));
	sbom->format = SBOM_CYCLONEDX;
	free(sbom->spec_version);
	sbom->spec_version = xstrdup(version);
	json_t *components = json_object_get(sbom->document, "components");
	if (!components)
		return 0;
	struct strbuf pointer;
	strbuf_init(&pointer);
	strbuf_addstr(&pointer, "/components");
	int status = cyclonedx_components(sbom, components, &pointer, error);
	strbuf_release(&pointer);
	return status;
}

/* SPDX writes "NOASSERTION" and "NONE" where it knows nothing. */
static bool spdx_no_value(const char *text)
{
	return !text || !*text || strcmp(text, "NOASSERTION") == 0 || strcmp(text, "NONE") == 0;
}

bool sbom_spdx_describes(const json_t *document, const char *id)
{
	size_t index;
	const json_t *value;
	json_array_foreach(json_object_get(document, "documentDescribes"), index, value)
		if (json_is_string(value) && strcmp(json_string_value(value), id) == 0)
			return true;
	const char *document_id = json_string_value(json_object_get(document, "SPDXID"));
	json_array_foreach(json_object_get(document, "relationships"), index, value) {
		const char *element = json_string_value(json_object_get(value, "spdxElementId"));
		const char *type = json_string_value(json_object_get(value, "relationshipType"));
		const char *related = json_string_value(json_object_get(value, "relatedSpdxElement"));
		if (element && type && related && document_id && strcmp(element, document_id) == 0 &&
		    strcmp(type, "DESCRIBES") == 0 && strcmp(related, id) == 0)
			return true;
	}
	return false;
}

static int spdx_package(struct sbom *sbom, json_t *object, const char *at, char **error)
{
	if (!json_is_object(object))
		return fail(error, xasprintf("%s: expected an object", at));
	const char *id, *name, *version, *supplier, *concluded, *declared;
	if (optional_string(object, "SPDXID", at, &id, error) < 0 ||
	    optional_string(object, "name", at, &name, error) < 0 ||
	    optional_string(object, "versionInfo", at, &version, error) < 0 ||
	    optional_string(object, "supplier", at, &supplier, error) < 0 ||
	    optional_string(object, "licenseConcluded", at, &concluded, error) < 0 ||
	    optional_string(object, "licenseDeclared", at, &declared, error) < 0)
		return -1;
	if (!id)
		return fail(error, xasprintf("%s: missing 'SPDXID'", at));
	if (!name)
		return fail(error, xasprintf("%s: missing 'name'", at));
	const char *purl = NULL;
	const json_t *references = json_object_get(object, "externalRefs");
	if (references && !json_is_array(references))
		return fail(error, xasprintf("%s/externalRefs: expected an array", at));
	size_t index;
	const json_t *reference;
	json_array_foreach(references, index, reference) {
		const char *type = json_string_value(json_object_get(reference, "referenceType"));
		const char *locator = json_string_value(json_object_get(reference, "referenceLocator"));
		if (!json_is_object(reference) || !type || !locator)
			return fail(error, xasprintf("%s/externalRefs/%zu: expected referenceType and referenceLocator "
						     "strings",
						     at, index));
		if (!purl && strcmp(type, "purl") == 0 && *locator)
			purl = locator;
	}
	if (sbom_spdx_describes(sbom->document, id))
		return 0;
	struct sbom_component *component = new_component(sbom, object, at);
	component->ref = xstrdup(id);
	component->name = xstrdup(name);
	component->version = dup_or_null(spdx_no_value(version) ? NULL : version);
	component->purl = dup_or_null(purl);
	if (!spdx_no_value(supplier)) {
		const char *colon = strchr(supplier, ':');
		const char *start = colon && (strncmp(supplier, "Organization:", 13) == 0 ||
					      strncmp(supplier, "Person:", 7) == 0)
					    ? colon + 1
					    : supplier;
		while (*start == ' ')
			start++;
		if (*start)
			component->supplier = xstrdup(start);
	}
	const char *license = !spdx_no_value(concluded) ? concluded : declared;
	if (!spdx_no_value(license))
		add_license(component, license, SBOM_LICENSE_EXPRESSION,
			    xasprintf("%s/%s", at, license == concluded ? "licenseConcluded" : "licenseDeclared"));
	return 0;
}

static int read_spdx(struct sbom *sbom, const char *version, char **error)
{
	if (strcmp(version, "SPDX-2.3") != 0 && strcmp(version, "SPDX-2.2") != 0)
		return fail(error, xasprintf("/spdxVersion: unsupported SPDX version '%s' (SPDX-2.2 and SPDX-2.3 are read)",
					     version));
	sbom->format = SBOM_SPDX;
	free(sbom->spec_version);
	sbom->spec_version = xstrdup(version);
	json_t *packages = json_object_get(sbom->document, "packages");
	if (!packages)
		return 0;
	if (!json_is_array(packages))
		return fail(error, xstrdup("/packages: expected an array"));
	size_t index;
	json_t *object;
	json_array_foreach(packages, index, object) {
		char *at = xasprintf("/packages/%zu", index);
		int status = spdx_package(sbom, object, at, error);
		free(at);
		if (status < 0)
			return -1;
	}
	return 0;
}

static int read_document(struct sbom *sbom, char **error)
{
	const json_t *document = sbom->document;
	if (!json_is_object(document))
		return fail(error, xstrdup("expected a JSON object (a CycloneDX or SPDX document)"));
	const json_t *format = json_object_get(document, "bomFormat");
	const json_t *spdx = json_object_get(document, "spdxVersion");
	if (format) {
		if (!json_is_string(format) || strcmp(json_string_value(format), "CycloneDX") != 0)
			return fail(error, xstrdup("/bomFormat: expected 'CycloneDX'"));
		return read_cyclonedx(sbom, error);
	}
	if (spdx) {
		if (!json_is_string(spdx))
			return fail(error, xstrdup("/spdxVersion: expected a string"));
		return read_spdx(sbom, json_string_value(spdx), error);
	}
	return fail(error, xstrdup("neither a CycloneDX document ('bomFormat') nor an SPDX one ('spdxVersion')"));
}

int sbom_read(struct sbom *sbom, json_t *document, char **error)
{
	sbom_init(sbom);
	sbom->document = json_incref(document);
	if (read_document(sbom, error) < 0) {
		sbom_release(sbom);
		return -1;
	}
	return 0;
}

int sbom_parse(struct sbom *sbom, const char *bytes, size_t length, char **error)
{
	json_error_t json_error;
	sbom_init(sbom);
	json_t *document = json_loadb(bytes, length, JSON_REJECT_DUPLICATES, &json_error);
	if (!document)
		return fail(error, xasprintf("line %d column %d: %s", json_error.line, json_error.column, json_error.text));
	int status = sbom_read(sbom, document, error);
	json_decref(document);
	return status;
}

int sbom_reload(struct sbom *sbom, char **error)
{
	clear_components(sbom);
	if (read_document(sbom, error) < 0) {
		clear_components(sbom);
		return -1;
	}
	return 0;
}

char *sbom_component_label(const struct sbom_component *component)
{
	struct strbuf label;
	strbuf_init(&label);
	if (component->group)
		strbuf_addf(&label, "%s/", component->group);
	strbuf_addstr(&label, component->name);
	if (component->version)
		strbuf_addf(&label, "@%s", component->version);
	return strbuf_detach(&label, NULL);
}
