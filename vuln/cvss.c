/* CVSS v3.x vector parsing and base score computation as the FIRST specifications define them
 * (3.1 section 7 and Appendix A's Roundup, 3.0 section 8); v2 and v4 are refused as unsupported. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "util.h"
#include "banned.h"

struct metric {
	const char *name;
	const char *values; /* each a single letter */
	size_t offset;      /* where a base metric's value goes, or (size_t)-1 */
};

#define BASE(field) offsetof(struct cvss_vector, field)
#define NOT_BASE ((size_t)-1)

static const struct metric metrics[] = {
	{ "AV", "NALP", BASE(attack_vector) },
	{ "AC", "LH", BASE(attack_complexity) },
	{ "PR", "NLH", BASE(privileges_required) },
	{ "UI", "NR", BASE(user_interaction) },
	{ "S", "UC", BASE(scope) },
	{ "C", "HLN", BASE(confidentiality) },
	{ "I", "HLN", BASE(integrity) },
	{ "A", "HLN", BASE(availability) },
	{ "E", "XUPFH", NOT_BASE },
	{ "RL", "XOTWU", NOT_BASE },
	{ "RC", "XURC", NOT_BASE },
	{ "CR", "XLMH", NOT_BASE },
	{ "IR", "XLMH", NOT_BASE },
	{ "AR", "XLMH", NOT_BASE },
	{ "MAV", "XNALP", NOT_BASE },
	{ "MAC", "XLH", NOT_BASE },
	{ "MPR", "XNLH", NOT_BASE },
	{ "MUI", "XNR", NOT_BASE },
	{ "MS", "XUC", NOT_BASE },
	{ "MC", "XNLH", NOT_BASE },
	{ "MI", "XNLH", NOT_BASE },
	{ "MA", "XNLH", NOT_BASE },
};
#define METRIC_COUNT (sizeof(metrics) / sizeof(metrics[0]))
#define BASE_METRIC_COUNT 8

static enum cvss_status fail(char **error, enum cvss_status status, char *message)
{
	if (error)
		*error = message;
	else
		free(message);
	return status;
}

enum cvss_status cvss_parse(const char *text, struct cvss_vector *vector, char **error)
{
	if (error)
		*error = NULL;
	memset(vector, 0, sizeof(*vector));
	if (!text)
		return fail(error, CVSS_INVALID, xstrdup("no cvss vector"));
	if (strncmp(text, "CVSS:4.0/", 9) == 0)
		return fail(error, CVSS_UNSUPPORTED, xstrdup("cvss v4.0 vectors are not supported yet"));
	if (strncmp(text, "AV:", 3) == 0 && strstr(text, "/Au:"))
		return fail(error, CVSS_UNSUPPORTED, xstrdup("cvss v2 vectors are not supported"));
	if (strncmp(text, "CVSS:3.1/", 9) == 0)
		vector->minor_version = 1;
	else if (strncmp(text, "CVSS:3.0/", 9) == 0)
		vector->minor_version = 0;
	else
		return fail(error, CVSS_INVALID, xstrdup("a cvss v3 vector starts with 'CVSS:3.0/' or 'CVSS:3.1/'"));

	bool seen[METRIC_COUNT] = { false };
	const char *cursor = text + 9;
	for (;;) {
		size_t length = strcspn(cursor, "/");
		const char *colon = memchr(cursor, ':', length);
		if (length == 0 || !colon)
			return fail(error, CVSS_INVALID,
				    xasprintf("expected 'METRIC:VALUE' at offset %zu", (size_t)(cursor - text)));
		size_t name_length = (size_t)(colon - cursor);
		size_t value_length = length - name_length - 1;
		size_t index = 0;
		while (index < METRIC_COUNT &&
		       !(strlen(metrics[index].name) == name_length && memcmp(metrics[index].name, cursor, name_length) == 0))
			index++;
		if (index == METRIC_COUNT)
			return fail(error, CVSS_INVALID, xasprintf("unknown metric '%.*s'", (int)name_length, cursor));
		if (seen[index])
			return fail(error, CVSS_INVALID, xasprintf("metric '%s' given twice", metrics[index].name));
		seen[index] = true;
		char value = colon[1];
		if (value_length != 1 || !strchr(metrics[index].values, value))
			return fail(error, CVSS_INVALID,
				    xasprintf("metric '%s' has no value '%.*s' (expected one of %s)", metrics[index].name,
					      (int)value_length, colon + 1, metrics[index].values));
		if (metrics[index].offset != NOT_BASE)
			*((char *)vector + metrics[index].offset) = value;
		cursor += length;
		if (*cursor == '\0')
			break;
		cursor++; /* the '/' */
	}
	for (size_t i = 0; i < BASE_METRIC_COUNT; i++)
		if (!seen[i])
			return fail(error, CVSS_INVALID, xasprintf("missing base metric '%s'", metrics[i].name));
	return CVSS_OK;
}

static double weight_attack_vector(char value)
{
	switch (value) {
	case 'N': return 0.85;
	case 'A': return 0.62;
	case 'L': return 0.55;
	default: return 0.2; /* P */
	}
}

static double weight_privileges(char value, bool scope_changed)
{
	switch (value) {
	case 'N': return 0.85;
	case 'L': return scope_changed ? 0.68 : 0.62;
	default: return scope_changed ? 0.5 : 0.27; /* H */
	}
}

static double weight_impact(char value)
{
	return value == 'H' ? 0.56 : value == 'L' ? 0.22 : 0.0;
}

/* CVSS 3.1 Appendix A: round up to one decimal through an integer, so that 4.000000000000001
 * (a floating-point artefact of an exact 4.0) stays 4.0. Result in tenths. */
static int roundup_31(double value)
{
	long long integer = llround(value * 100000.0);
	if (integer % 10000 == 0)
		return (int)(integer / 10000);
	return (int)(integer / 10000 + 1);
}

/* CVSS 3.0: the smallest one-decimal number not below the input. Result in tenths. */
static int roundup_30(double value)
{
	return (int)ceil(value * 10.0);
}

int cvss_base_score_tenths(const struct cvss_vector *vector)
{
	bool scope_changed = vector->scope == 'C';
	double impact_subscore = 1.0 - (1.0 - weight_impact(vector->confidentiality)) *
					       (1.0 - weight_impact(vector->integrity)) *
					       (1.0 - weight_impact(vector->availability));
	double impact = scope_changed ? 7.52 * (impact_subscore - 0.029) - 3.25 * pow(impact_subscore - 0.02, 15)
				      : 6.42 * impact_subscore;
	double exploitability = 8.22 * weight_attack_vector(vector->attack_vector) *
				(vector->attack_complexity == 'L' ? 0.77 : 0.44) *
				weight_privileges(vector->privileges_required, scope_changed) *
				(vector->user_interaction == 'N' ? 0.85 : 0.62);
	if (impact <= 0)
		return 0;
	double sum = scope_changed ? 1.08 * (impact + exploitability) : impact + exploitability;
	if (sum > 10.0)
		sum = 10.0;
	return vector->minor_version == 1 ? roundup_31(sum) : roundup_30(sum);
}

enum cvss_severity cvss_severity_of_tenths(int score_tenths)
{
	if (score_tenths <= 0)
		return CVSS_SEVERITY_NONE;
	if (score_tenths < 40)
		return CVSS_SEVERITY_LOW;
	if (score_tenths < 70)
		return CVSS_SEVERITY_MEDIUM;
	if (score_tenths < 90)
		return CVSS_SEVERITY_HIGH;
	return CVSS_SEVERITY_CRITICAL;
}

static const char *const severity_names[] = { "none", "low", "medium", "high", "critical" };

const char *cvss_severity_name(enum cvss_severity severity)
{
	return (unsigned)severity <= CVSS_SEVERITY_CRITICAL ? severity_names[severity] : "unknown";
}

int cvss_severity_from_name(const char *name, enum cvss_severity *severity)
{
	for (int i = 0; i <= CVSS_SEVERITY_CRITICAL; i++) {
		size_t length = strlen(severity_names[i]);
		if (!name || strlen(name) != length)
			continue;
		bool same = true;
		for (size_t j = 0; j < length && same; j++) {
			char c = name[j];
			same = (c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c) == severity_names[i][j];
		}
		if (same) {
			*severity = (enum cvss_severity)i;
			return 0;
		}
	}
	return -1;
}
