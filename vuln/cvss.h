/* CVSS v3.0 and v3.1 base scores from vector strings (OSV gives vectors, not numbers), and the
 * qualitative severity they map to. CVSS v2 and v4 vectors are recognised and refused as unsupported.
 *
 * Ownership: an error message returned through `char **error` is the caller's to free. */
#ifndef GOOSE_CVSS_H
#define GOOSE_CVSS_H

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
	CVSS_UNSUPPORTED = -2, /* a CVSS v2 or v4 vector: recognised, not scored */
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

#endif
