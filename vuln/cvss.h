/* CVSS v3.0, v3.1 and v4.0 scores from vector strings (OSV gives vectors, not numbers), and the
 * qualitative severity they map to. CVSS v2 vectors are recognised and refused as unsupported.
 *
 * Ownership: an error message returned through `char **error` is the caller's to free. */
#ifndef GOOSE_CVSS_H
#define GOOSE_CVSS_H

#include <stdbool.h>

enum cvss_severity {
	CVSS_SEVERITY_NONE,     /* 0.0 */
	CVSS_SEVERITY_LOW,      /* 0.1 - 3.9 */
	CVSS_SEVERITY_MEDIUM,   /* 4.0 - 6.9 */
	CVSS_SEVERITY_HIGH,     /* 7.0 - 8.9 */
	CVSS_SEVERITY_CRITICAL, /* 9.0 - 10.0 */
};

enum cvss_status {
	CVSS_OK = 0,
	CVSS_INVALID = -1,     /* not a well-formed CVSS v3.x vector */
	CVSS_UNSUPPORTED = -2, /* a CVSS v2 vector (or v4.0 given to the v3 parser): recognised, not scored */
};

/* The base metrics as their one-letter values ('N', 'L', 'H', ...). */
struct cvss_vector {
	int minor_version; /* 0 for CVSS:3.0, 1 for CVSS:3.1 */
	char attack_vector, attack_complexity, privileges_required, user_interaction, scope;
	char confidentiality, integrity, availability;
};

/* Parses "CVSS:3.x/AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_" strictly: every base metric exactly once,
 * known values only, temporal and environmental metrics allowed (validated, not scored), any
 * order. Returns CVSS_OK, or CVSS_INVALID / CVSS_UNSUPPORTED with *error set (when error is
 * not NULL) to a lowercase message the caller frees. */
enum cvss_status cvss_parse(const char *text, struct cvss_vector *vector, char **error);

/* The base score in tenths (0 to 100): 98 means 9.8. Uses the version's own rounding: 3.1's
 * integer Roundup, 3.0's ceiling to one decimal. */
int cvss_base_score_tenths(const struct cvss_vector *vector);

enum cvss_severity cvss_severity_of_tenths(int score_tenths);

/* "none", "low", "medium", "high", "critical". */
const char *cvss_severity_name(enum cvss_severity severity);

/* Parses a severity name (case-insensitive): 0, or -1 when unknown. */
int cvss_severity_from_name(const char *name, enum cvss_severity *severity);

/* ---- CVSS v4.0 -------------------------------------------------------------------------- */

/* Every metric of the v4.0 vector string, in the specification's order: the 11 base metrics, the
 * threat metric, the 14 environmental metrics and the 6 supplemental ones. */
enum cvss4_metric {
	CVSS4_AV, CVSS4_AC, CVSS4_AT, CVSS4_PR, CVSS4_UI, CVSS4_VC, CVSS4_VI, CVSS4_VA, CVSS4_SC, CVSS4_SI,
	CVSS4_SA,
	CVSS4_E,
	CVSS4_CR, CVSS4_IR, CVSS4_AR, CVSS4_MAV, CVSS4_MAC, CVSS4_MAT, CVSS4_MPR, CVSS4_MUI, CVSS4_MVC,
	CVSS4_MVI, CVSS4_MVA, CVSS4_MSC, CVSS4_MSI, CVSS4_MSA,
	CVSS4_S, CVSS4_AU, CVSS4_R, CVSS4_V, CVSS4_RE, CVSS4_U,
	CVSS4_METRIC_COUNT,
};
#define CVSS4_BASE_METRIC_COUNT 11

/* One letter per metric; 'X' (not defined) for an absent optional metric. Urgency's values
 * Clear, Green, Amber and Red are kept as 'C', 'G', 'A' and 'R'. */
struct cvss4_vector {
	char value[CVSS4_METRIC_COUNT];
};

/* Parses "CVSS:4.0/AV:_/AC:_/AT:_/PR:_/UI:_/VC:_/VI:_/VA:_/SC:_/SI:_/SA:_[/...]" strictly: every
 * base metric exactly once, any other metric at most once, known values only, any order.
 * Returns CVSS_OK, or CVSS_INVALID with *error set (when error is not NULL) to a lowercase
 * message the caller frees. */
enum cvss_status cvss4_parse(const char *text, struct cvss4_vector *vector, char **error);

/* CVSS-B, the base score in tenths (0 to 100): threat, environmental and supplemental metrics
 * are ignored, as the specification's macrovector table and severity-distance interpolation
 * score a vector of base metrics alone. */
int cvss4_base_score_tenths(const struct cvss4_vector *vector);

/* The score of the vector as written (CVSS-BT, -BE or -BTE when threat or environmental metrics
 * are given; the same as the base score otherwise), in tenths. */
int cvss4_score_tenths(const struct cvss4_vector *vector);

/* The six-digit macrovector ("EQ1".."EQ6", e.g. "002201") of the vector as written, or of its
 * base metrics alone when base_only. Writes 7 bytes, NUL included. */
void cvss4_macrovector(const struct cvss4_vector *vector, bool base_only, char macrovector[7]);

/* ---- Any version ------------------------------------------------------------------------- */

/* The base score in tenths of a CVSS v3.0, v3.1 or v4.0 vector string: CVSS_OK and *tenths set,
 * or CVSS_INVALID / CVSS_UNSUPPORTED (v2) with *error set as cvss_parse does. */
enum cvss_status cvss_vector_base_score(const char *text, int *tenths, char **error);

#endif
