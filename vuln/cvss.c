/* CVSS vector parsing and scores as the FIRST specifications define them: v3.x base scores (3.1
 * section 7 and Appendix A's Roundup, 3.0 section 8) and v4.0 scores (section 8: macrovectors,
 * their table of scores and the severity-distance interpolation); v2 is refused as unsupported. */
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
		return fail(error, CVSS_UNSUPPORTED, xstrdup("a cvss v4.0 vector where a v3.x vector is expected"));
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

/* ---- CVSS v4.0 -------------------------------------------------------------------------- */

/* Metric names and their values in the specification's order; the first letter of each value
 * is what struct cvss4_vector keeps. The base metrics (the first 11) have no 'X'. */
static const struct {
	const char *name;
	const char *const values[6];
} cvss4_metrics[CVSS4_METRIC_COUNT] = {
	[CVSS4_AV] = { "AV", { "N", "A", "L", "P" } },
	[CVSS4_AC] = { "AC", { "L", "H" } },
	[CVSS4_AT] = { "AT", { "N", "P" } },
	[CVSS4_PR] = { "PR", { "N", "L", "H" } },
	[CVSS4_UI] = { "UI", { "N", "P", "A" } },
	[CVSS4_VC] = { "VC", { "H", "L", "N" } },
	[CVSS4_VI] = { "VI", { "H", "L", "N" } },
	[CVSS4_VA] = { "VA", { "H", "L", "N" } },
	[CVSS4_SC] = { "SC", { "H", "L", "N" } },
	[CVSS4_SI] = { "SI", { "H", "L", "N" } },
	[CVSS4_SA] = { "SA", { "H", "L", "N" } },
	[CVSS4_E] = { "E", { "X", "A", "P", "U" } },
	[CVSS4_CR] = { "CR", { "X", "H", "M", "L" } },
	[CVSS4_IR] = { "IR", { "X", "H", "M", "L" } },
	[CVSS4_AR] = { "AR", { "X", "H", "M", "L" } },
	[CVSS4_MAV] = { "MAV", { "X", "N", "A", "L", "P" } },
	[CVSS4_MAC] = { "MAC", { "X", "L", "H" } },
	[CVSS4_MAT] = { "MAT", { "X", "N", "P" } },
	[CVSS4_MPR] = { "MPR", { "X", "N", "L", "H" } },
	[CVSS4_MUI] = { "MUI", { "X", "N", "P", "A" } },
	[CVSS4_MVC] = { "MVC", { "X", "H", "L", "N" } },
	[CVSS4_MVI] = { "MVI", { "X", "H", "L", "N" } },
	[CVSS4_MVA] = { "MVA", { "X", "H", "L", "N" } },
	[CVSS4_MSC] = { "MSC", { "X", "H", "L", "N" } },
	[CVSS4_MSI] = { "MSI", { "X", "S", "H", "L", "N" } },
	[CVSS4_MSA] = { "MSA", { "X", "S", "H", "L", "N" } },
	[CVSS4_S] = { "S", { "X", "N", "P" } },
	[CVSS4_AU] = { "AU", { "X", "N", "Y" } },
	[CVSS4_R] = { "R", { "X", "A", "U", "I" } },
	[CVSS4_V] = { "V", { "X", "D", "C" } },
	[CVSS4_RE] = { "RE", { "X", "L", "M", "H" } },
	[CVSS4_U] = { "U", { "X", "Clear", "Green", "Amber", "Red" } },
};

static char *cvss4_expected_values(enum cvss4_metric metric)
{
	struct strbuf list;
	strbuf_init(&list);
	for (size_t i = 0; i < 6 && cvss4_metrics[metric].values[i]; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", cvss4_metrics[metric].values[i]);
	return strbuf_detach(&list, NULL);
}

enum cvss_status cvss4_parse(const char *text, struct cvss4_vector *vector, char **error)
{
	if (error)
		*error = NULL;
	memset(vector->value, 'X', sizeof(vector->value));
	if (!text)
		return fail(error, CVSS_INVALID, xstrdup("no cvss vector"));
	if (strncmp(text, "CVSS:4.0/", 9) != 0)
		return fail(error, CVSS_INVALID, xstrdup("a cvss v4.0 vector starts with 'CVSS:4.0/'"));
	bool seen[CVSS4_METRIC_COUNT] = { false };
	const char *cursor = text + 9;
	for (;;) {
		size_t length = strcspn(cursor, "/");
		const char *colon = memchr(cursor, ':', length);
		if (length == 0 || !colon)
			return fail(error, CVSS_INVALID,
				    xasprintf("expected 'METRIC:VALUE' at offset %zu", (size_t)(cursor - text)));
		size_t name_length = (size_t)(colon - cursor);
		const char *value = colon + 1;
		size_t value_length = length - name_length - 1;
		int metric = 0;
		while (metric < CVSS4_METRIC_COUNT && !(strlen(cvss4_metrics[metric].name) == name_length &&
							 memcmp(cvss4_metrics[metric].name, cursor, name_length) == 0))
			metric++;
		if (metric == CVSS4_METRIC_COUNT)
			return fail(error, CVSS_INVALID, xasprintf("unknown metric '%.*s'", (int)name_length, cursor));
		if (seen[metric])
			return fail(error, CVSS_INVALID, xasprintf("metric '%s' given twice", cvss4_metrics[metric].name));
		seen[metric] = true;
		size_t known = 0;
		while (known < 6 && cvss4_metrics[metric].values[known] &&
		       !(strlen(cvss4_metrics[metric].values[known]) == value_length &&
			 memcmp(cvss4_metrics[metric].values[known], value, value_length) == 0))
			known++;
		if (known == 6 || !cvss4_metrics[metric].values[known]) {
			char *expected = cvss4_expected_values((enum cvss4_metric)metric);
			enum cvss_status status =
				fail(error, CVSS_INVALID,
				     xasprintf("metric '%s' has no value '%.*s' (expected one of %s)", cvss4_metrics[metric].name,
					       (int)value_length, value, expected));
			free(expected);
			return status;
		}
		vector->value[metric] = value[0];
		cursor += length;
		if (*cursor == '\0')
			break;
		cursor++; /* the '/' */
	}
	for (int metric = 0; metric < CVSS4_BASE_METRIC_COUNT; metric++)
		if (!seen[metric])
			return fail(error, CVSS_INVALID, xasprintf("missing base metric '%s'", cvss4_metrics[metric].name));
	return CVSS_OK;
}

/* The value a metric takes in scoring: a modified base metric (MAV...) replaces its base value
 * when defined; an undefined E, CR, IR or AR takes its worst case (A, H, H, H). base_only scores
 * the base metrics as if nothing else were given. */
static char cvss4_effective(const struct cvss4_vector *vector, enum cvss4_metric metric, bool base_only)
{
	char value = vector->value[metric];
	if (metric < CVSS4_BASE_METRIC_COUNT) {
		char modified = vector->value[CVSS4_MAV + (metric - CVSS4_AV)];
		return !base_only && modified != 'X' ? modified : value;
	}
	if (base_only)
		value = 'X';
	if (value == 'X') {
		if (metric == CVSS4_E)
			return 'A';
		if (metric == CVSS4_CR || metric == CVSS4_IR || metric == CVSS4_AR)
			return 'H';
	}
	return value;
}

/* The macrovector's six equivalence classes (section 8.2, table 24). */
static void cvss4_classes(const struct cvss4_vector *vector, bool base_only, int eq[6])
{
#define V(metric) cvss4_effective(vector, CVSS4_##metric, base_only)
	char av = V(AV), pr = V(PR), ui = V(UI);
	if (av == 'N' && pr == 'N' && ui == 'N')
		eq[0] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = V(AC) == 'L' && V(AT) == 'N' ? 0 : 1;
	char vc = V(VC), vi = V(VI), va = V(VA);
	if (vc == 'H' && vi == 'H')
		eq[2] = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	/* MSI/MSA:S (safety) is reachable only through the environmental metrics. */
	char msi = base_only ? 'X' : vector->value[CVSS4_MSI], msa = base_only ? 'X' : vector->value[CVSS4_MSA];
	if (msi == 'S' || msa == 'S')
		eq[3] = 0;
	else if (V(SC) == 'H' || V(SI) == 'H' || V(SA) == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	char exploit = V(E);
	eq[4] = exploit == 'A' ? 0 : exploit == 'P' ? 1 : 2;
	eq[5] = (V(CR) == 'H' && vc == 'H') || (V(IR) == 'H' && vi == 'H') || (V(AR) == 'H' && va == 'H') ? 0 : 1;
#undef V
}

void cvss4_macrovector(const struct cvss4_vector *vector, bool base_only, char macrovector[7])
{
	int eq[6];
	cvss4_classes(vector, base_only, eq);
	for (int i = 0; i < 6; i++)
		macrovector[i] = (char)('0' + eq[i]);
	macrovector[6] = '\0';
}

/* The score of every macrovector in tenths (the specification's lookup table), indexed
 * [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6]; 0 where no vector has that macrovector (EQ3 2 with EQ6 0). */
static const unsigned char cvss4_macrovector_scores[3][2][3][3][3][2] = {
	{ /* EQ1 0 */
	  { /* EQ2 0 */
	    { { { 100, 99 }, { 98, 95 }, { 95, 92 } },
	      { { 100, 96 }, { 93, 87 }, { 91, 81 } },
	      { { 93, 90 }, { 89, 80 }, { 81, 68 } } },
	    { { { 98, 95 }, { 95, 92 }, { 90, 84 } },
	      { { 93, 92 }, { 89, 81 }, { 81, 65 } },
	      { { 88, 80 }, { 78, 70 }, { 69, 48 } } },
	    { { { 0, 92 }, { 0, 82 }, { 0, 72 } },
	      { { 0, 79 }, { 0, 69 }, { 0, 50 } },
	      { { 0, 69 }, { 0, 55 }, { 0, 27 } } } },
	  { /* EQ2 1 */
	    { { { 99, 97 }, { 95, 92 }, { 92, 85 } },
	      { { 95, 91 }, { 90, 83 }, { 84, 71 } },
	      { { 92, 81 }, { 82, 71 }, { 72, 53 } } },
	    { { { 95, 93 }, { 92, 85 }, { 85, 73 } },
	      { { 92, 82 }, { 80, 72 }, { 70, 59 } },
	      { { 84, 70 }, { 71, 52 }, { 50, 30 } } },
	    { { { 0, 86 }, { 0, 75 }, { 0, 52 } },
	      { { 0, 71 }, { 0, 52 }, { 0, 29 } },
	      { { 0, 63 }, { 0, 29 }, { 0, 17 } } } } },
	{ /* EQ1 1 */
	  { /* EQ2 0 */
	    { { { 98, 95 }, { 94, 87 }, { 91, 81 } },
	      { { 94, 89 }, { 86, 74 }, { 77, 64 } },
	      { { 87, 75 }, { 74, 63 }, { 63, 49 } } },
	    { { { 94, 89 }, { 88, 77 }, { 76, 67 } },
	      { { 86, 76 }, { 74, 58 }, { 59, 50 } },
	      { { 72, 57 }, { 57, 52 }, { 52, 25 } } },
	    { { { 0, 83 }, { 0, 70 }, { 0, 54 } },
	      { { 0, 65 }, { 0, 58 }, { 0, 26 } },
	      { { 0, 53 }, { 0, 21 }, { 0, 13 } } } },
	  { /* EQ2 1 */
	    { { { 95, 90 }, { 88, 76 }, { 76, 70 } },
	      { { 90, 77 }, { 75, 62 }, { 61, 53 } },
	      { { 77, 66 }, { 68, 59 }, { 52, 30 } } },
	    { { { 89, 78 }, { 76, 67 }, { 62, 58 } },
	      { { 74, 59 }, { 57, 57 }, { 47, 23 } },
	      { { 61, 52 }, { 57, 29 }, { 24, 16 } } },
	    { { { 0, 71 }, { 0, 59 }, { 0, 30 } },
	      { { 0, 58 }, { 0, 26 }, { 0, 15 } },
	      { { 0, 23 }, { 0, 13 }, { 0, 6 } } } } },
	{ /* EQ1 2 */
	  { /* EQ2 0 */
	    { { { 93, 87 }, { 86, 72 }, { 75, 58 } },
	      { { 86, 74 }, { 74, 61 }, { 56, 34 } },
	      { { 70, 54 }, { 52, 40 }, { 40, 22 } } },
	    { { { 85, 75 }, { 74, 55 }, { 62, 51 } },
	      { { 72, 57 }, { 55, 41 }, { 46, 19 } },
	      { { 53, 36 }, { 34, 19 }, { 19, 8 } } },
	    { { { 0, 64 }, { 0, 51 }, { 0, 20 } },
	      { { 0, 47 }, { 0, 21 }, { 0, 11 } },
	      { { 0, 24 }, { 0, 9 }, { 0, 4 } } } },
	  { /* EQ2 1 */
	    { { { 88, 75 }, { 73, 53 }, { 60, 50 } },
	      { { 73, 55 }, { 59, 40 }, { 41, 20 } },
	      { { 54, 43 }, { 45, 22 }, { 20, 11 } } },
	    { { { 75, 55 }, { 58, 45 }, { 40, 21 } },
	      { { 61, 51 }, { 48, 18 }, { 20, 9 } },
	      { { 46, 18 }, { 17, 7 }, { 8, 2 } } },
	    { { { 0, 53 }, { 0, 24 }, { 0, 14 } },
	      { { 0, 24 }, { 0, 12 }, { 0, 5 } },
	      { { 0, 10 }, { 0, 3 }, { 0, 1 } } } } },
};

/* The score of a macrovector in tenths, or -1 when there is no such macrovector: outside the
 * table or an empty cell. */
static int cvss4_macrovector_score(const int eq[6])
{
	static const int limits[6] = { 3, 2, 3, 3, 3, 2 };
	for (int i = 0; i < 6; i++)
		if (eq[i] < 0 || eq[i] >= limits[i])
			return -1;
	int tenths = cvss4_macrovector_scores[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]][eq[5]];
	return tenths == 0 ? -1 : tenths;
}

/* The severity level of a metric value that enters the distance, in steps (the calculator's
 * 0.1 units): a higher level is less severe; -1 for a value without a level. */
static int cvss4_level(enum cvss4_metric metric, char value)
{
	static const struct {
		enum cvss4_metric metric;
		const char *values; /* from level 0 upwards */
		int first_level;    /* SC starts at 1: it has no 'S' */
	} table[] = {
		{ CVSS4_AV, "NALP", 0 }, { CVSS4_PR, "NLH", 0 }, { CVSS4_UI, "NPA", 0 }, { CVSS4_AC, "LH", 0 },
		{ CVSS4_AT, "NP", 0 },   { CVSS4_VC, "HLN", 0 }, { CVSS4_VI, "HLN", 0 }, { CVSS4_VA, "HLN", 0 },
		{ CVSS4_SC, "HLN", 1 },  { CVSS4_SI, "SHLN", 0 }, { CVSS4_SA, "SHLN", 0 }, { CVSS4_CR, "HML", 0 },
		{ CVSS4_IR, "HML", 0 },  { CVSS4_AR, "HML", 0 }, { CVSS4_E, "APU", 0 },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].metric != metric)
			continue;
		const char *found = value ? strchr(table[i].values, value) : NULL;
		return found ? table[i].first_level + (int)(found - table[i].values) : -1;
	}
	return -1;
}

/* The highest-severity vectors of each equivalence class (section 8.3): the candidates a scored
 * vector's severity distance is measured from. Metric values in the order of each group. */
static const char *const cvss4_max_eq1[3][3] = { /* AV PR UI */
	{ "NNN" }, { "ANN", "NLN", "NNP" }, { "PNN", "ALP" } };
static const char *const cvss4_max_eq2[2][2] = { /* AC AT */
	{ "LN" }, { "HN", "LP" } };
static const char *const cvss4_max_eq3_eq6[3][2][5] = { /* VC VI VA CR IR AR */
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" }, { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } } };
static const char *const cvss4_max_eq4[3] = { /* SC SI SA */
	"HSS", "HHH", "LLL" };
static const enum cvss4_metric cvss4_eq3_eq6_metrics[6] = { CVSS4_VC, CVSS4_VI, CVSS4_VA, CVSS4_CR, CVSS4_IR, CVSS4_AR };

static size_t count_strings(const char *const *list, size_t capacity)
{
	size_t count = 0;
	while (count < capacity && list[count])
		count++;
	return count;
}

/* The score of the next lower macrovector in one class (section 8.3 step 1a), or -1. EQ3 and
 * EQ6 move together: 00 goes to the higher of 01 and 10, 01 and 11 to EQ3+1, 10 to 11. */
static int cvss4_lower_score(const int eq[6], int class_index)
{
	int lower[6];
	memcpy(lower, eq, sizeof(lower));
	if (class_index != 2) {
		lower[class_index]++;
		return cvss4_macrovector_score(lower);
	}
	if (eq[2] == 0 && eq[5] == 0) {
		lower[5]++;
		int left = cvss4_macrovector_score(lower);
		memcpy(lower, eq, sizeof(lower));
		lower[2]++;
		int right = cvss4_macrovector_score(lower);
		return left < 0 || right < 0 ? -1 : (left > right ? left : right);
	}
	if (eq[2] == 1 && eq[5] == 0)
		lower[5]++;
	else
		lower[2]++; /* 01, 11; from 21 there is no lower one */
	return cvss4_macrovector_score(lower);
}

/* Section 8.3: the macrovector's score minus the mean, over the equivalence classes that have a
 * lower macrovector, of (score difference to it) x (severity distance from the class's
 * highest-severity vector / the class's depth), rounded half up to one decimal. The arithmetic
 * is exact (integers over a common denominator): FIRST's calculator used floating point, which
 * put some x.x5 ties one ulp low, and now lifts them to round up; exact arithmetic needs no
 * lift. */
static int cvss4_score(const struct cvss4_vector *vector, bool base_only)
{
	static const enum cvss4_metric impact[] = { CVSS4_VC, CVSS4_VI, CVSS4_VA, CVSS4_SC, CVSS4_SI, CVSS4_SA };
	bool any_impact = false;
	for (size_t i = 0; i < sizeof(impact) / sizeof(impact[0]); i++)
		if (cvss4_effective(vector, impact[i], base_only) != 'N')
			any_impact = true;
	if (!any_impact)
		return 0;
	int eq[6];
	cvss4_classes(vector, base_only, eq);
	int value = cvss4_macrovector_score(eq);
	if (value < 0)
		return 0; /* unreachable: every vector's macrovector is in the table */

	/* The first composition of highest-severity vectors that the scored vector does not exceed
	 * in any metric: its distance from it, metric by metric, in steps. */
	int level[CVSS4_METRIC_COUNT] = { 0 };
	static const enum cvss4_metric distance_metrics[] = {
		CVSS4_AV, CVSS4_PR, CVSS4_UI, CVSS4_AC, CVSS4_AT, CVSS4_VC, CVSS4_VI, CVSS4_VA,
		CVSS4_CR, CVSS4_IR, CVSS4_AR, CVSS4_SC, CVSS4_SI, CVSS4_SA,
	};
	enum { DISTANCE_COUNT = sizeof(distance_metrics) / sizeof(distance_metrics[0]) };
	for (size_t i = 0; i < DISTANCE_COUNT; i++)
		level[distance_metrics[i]] = cvss4_level(distance_metrics[i],
							 cvss4_effective(vector, distance_metrics[i], base_only));
	int distance[CVSS4_METRIC_COUNT] = { 0 };
	const char *const *eq1_max = cvss4_max_eq1[eq[0]];
	const char *const *eq2_max = cvss4_max_eq2[eq[1]];
	const char *const *eq3_max = cvss4_max_eq3_eq6[eq[2]][eq[5]];
	size_t eq1_count = count_strings(eq1_max, 3), eq2_count = count_strings(eq2_max, 2);
	size_t eq3_count = count_strings(eq3_max, 5);
	bool found = false;
	for (size_t a = 0; a < eq1_count && !found; a++) {
		for (size_t b = 0; b < eq2_count && !found; b++) {
			for (size_t c = 0; c < eq3_count && !found; c++) {
				char max[CVSS4_METRIC_COUNT] = { 0 };
				max[CVSS4_AV] = eq1_max[a][0];
				max[CVSS4_PR] = eq1_max[a][1];
				max[CVSS4_UI] = eq1_max[a][2];
				max[CVSS4_AC] = eq2_max[b][0];
				max[CVSS4_AT] = eq2_max[b][1];
				for (int i = 0; i < 6; i++)
					max[cvss4_eq3_eq6_metrics[i]] = eq3_max[c][i];
				max[CVSS4_SC] = cvss4_max_eq4[eq[3]][0];
				max[CVSS4_SI] = cvss4_max_eq4[eq[3]][1];
				max[CVSS4_SA] = cvss4_max_eq4[eq[3]][2];
				found = true;
				for (size_t i = 0; i < DISTANCE_COUNT; i++) {
					enum cvss4_metric metric = distance_metrics[i];
					distance[metric] = level[metric] - cvss4_level(metric, max[metric]);
					if (distance[metric] < 0)
						found = false;
				}
			}
		}
	}
	int class_distance[5] = {
		distance[CVSS4_AV] + distance[CVSS4_PR] + distance[CVSS4_UI],
		distance[CVSS4_AC] + distance[CVSS4_AT],
		distance[CVSS4_VC] + distance[CVSS4_VI] + distance[CVSS4_VA] + distance[CVSS4_CR] + distance[CVSS4_IR] +
			distance[CVSS4_AR],
		distance[CVSS4_SC] + distance[CVSS4_SI] + distance[CVSS4_SA],
		0, /* EQ5 has one level per class: no distance */
	};
	/* Each class's depth in steps: its largest severity distance plus one. */
	static const int depth_eq1[3] = { 1, 4, 5 }, depth_eq2[2] = { 1, 2 };
	static const int depth_eq3_eq6[3][2] = { { 7, 6 }, { 8, 8 }, { 1, 10 } }, depth_eq4[3] = { 6, 5, 4 };
	int depth[5] = { depth_eq1[eq[0]], depth_eq2[eq[1]], depth_eq3_eq6[eq[2]][eq[5]], depth_eq4[eq[3]], 1 };

	/* mean x 2520 x existing, in tenths: 2520 is divisible by every depth (1 to 10). */
	enum { COMMON = 2520 };
	long long weighted = 0;
	int existing = 0;
	for (int i = 0; i < 5; i++) {
		int lower = cvss4_lower_score(eq, i);
		if (lower < 0)
			continue;
		existing++;
		weighted += (long long)(value - lower) * class_distance[i] * (COMMON / depth[i]);
	}
	if (existing == 0)
		return value;
	long long denominator = (long long)COMMON * existing;
	long long numerator = (long long)value * denominator - weighted; /* the score x denominator */
	if (numerator <= 0)
		return 0;
	if (numerator >= 100 * denominator)
		return 100;
	return (int)((2 * numerator + denominator) / (2 * denominator));
}

int cvss4_base_score_tenths(const struct cvss4_vector *vector)
{
	return cvss4_score(vector, true);
}

int cvss4_score_tenths(const struct cvss4_vector *vector)
{
	return cvss4_score(vector, false);
}

/* ---- Any version ------------------------------------------------------------------------- */

enum cvss_status cvss_vector_base_score(const char *text, int *tenths, char **error)
{
	if (text && strncmp(text, "CVSS:4.0/", 9) == 0) {
		struct cvss4_vector vector;
		enum cvss_status status = cvss4_parse(text, &vector, error);
		if (status == CVSS_OK)
			*tenths = cvss4_base_score_tenths(&vector);
		return status;
	}
	struct cvss_vector vector;
	enum cvss_status status = cvss_parse(text, &vector, error);
	if (status == CVSS_OK)
		*tenths = cvss_base_score_tenths(&vector);
	return status;
}
