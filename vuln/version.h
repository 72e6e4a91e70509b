/* Version ordering per package ecosystem, for matching SBOM component versions against OSV
 * affected ranges: SemVer (crates.io, Hex), npm, Go modules, PyPI (PEP 440), Debian (dpkg), Maven
 * (ComparableVersion) and Alpine (apk-tools).
 *
 * Pure functions over NUL-terminated strings: nothing is kept, nothing is printed. */
#ifndef GOOSE_VERSION_H
#define GOOSE_VERSION_H

#include <stdbool.h>

enum version_ecosystem {
	VERSION_SEMVER, /* SemVer 2.0 ordering, leading 'v' accepted (crates.io, Hex) */
	VERSION_NPM,    /* SemVer with node-semver's loose leniencies ('=', spaces, "1.2.3beta") */
	VERSION_GO,     /* Go modules: SemVer, 'v' prefix optional, pseudo-versions, +incompatible */
	VERSION_PYPI,   /* PEP 440, with pre-PEP 440 "legacy" versions ordered before all others */
	VERSION_DEBIAN, /* dpkg: [epoch:]upstream[-revision], '~' before everything */
	VERSION_MAVEN,  /* Maven's ComparableVersion: '.'/'-' tokens, qualifiers alpha < ... < sp */
	VERSION_ALPINE, /* apk-tools: digit{.digit}{letter}{_suffix{#}}{~hash}{-r#} */
	VERSION_ECOSYSTEM_COUNT,
};

/* Compares a with b under the ecosystem's rules: *result is -1, 0 or 1 (a < b, equal in
 * ordering, a > b). Returns 0, or -1 when either string is not a version of the ecosystem
 * (*result is then left unchanged). */
int version_compare(enum version_ecosystem ecosystem, const char *a, const char *b, int *result);

/* True when the string parses as a version of the ecosystem. */
bool version_is_valid(enum version_ecosystem ecosystem, const char *version);

/* The short name of an ecosystem ("semver", "npm", "go", "pypi", "debian", "maven", "alpine"). */
const char *version_ecosystem_name(enum version_ecosystem ecosystem);

/* The ordering an OSV ecosystem name uses ("npm", "crates.io", "Go", "PyPI", "Debian:12",
 * "Maven", "Alpine:v3.20", ...):
 * 0 and *ecosystem set, or -1 when goosec has no ordering for it. */
int version_ecosystem_from_osv(const char *osv_ecosystem, enum version_ecosystem *ecosystem);

#endif
