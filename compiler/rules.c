/* The rule catalogue behind `goosec explain`. Keep entries sorted by id; a test checks that every
 * rule id the sources emit has an entry here. */
#include "rules.h"

#include <string.h>

#include "banned.h"

const struct rule_info rules_catalogue[] = {
	{ "classify-unknown-file", "a file under a goosec folder matches no kind",
	  "Every YAML and JSON file under the folders of the seed layout (load-test/, monitoring/,\n"
	  "golden-goose/, security/) must be one of goosec's kinds, so that nothing is silently skipped.\n"
	  "The kind comes from the file's path, a top-level 'kind:' field, or a\n"
	  "'# yaml-language-server: $schema=...' modeline naming one of goosec's schemas. Move the file,\n"
	  "give it a 'kind:', or add its path to a kind under 'extra_paths' in goose.yaml.\n" },
	{ "classify-unknown-kind", "a 'kind:' field or extra_paths entry names no kind",
	  "The value of a top-level 'kind:' field, and each key of goose.yaml's 'extra_paths', must be\n"
	  "one of the kinds 'goosec schema list' prints (PascalCase, e.g. Stage, Thresholds).\n" },
	{ "internal", "goosec itself failed",
	  "An internal error: a built-in table or schema could not be read. This is a bug in goosec;\n"
	  "the exit code is 2.\n" },
	{ "json-comment", "comments are not JSON",
	  "Files ending in .json are parsed strictly as JSON (RFC 8259). '//' and '/* */' comments are\n"
	  "not part of JSON; use YAML if the file needs comments.\n" },
	{ "json-duplicate-key", "a JSON object has the same key twice",
	  "JSON parsers disagree on which of two equal keys wins, so goosec refuses both. The message\n"
	  "names the position of the first definition.\n" },
	{ "json-leading-zero", "a JSON number has a leading zero",
	  "JSON numbers may not start with 0 unless they are 0 or 0.x ('007' is not JSON).\n" },
	{ "json-nonfinite", "NaN and Infinity are not JSON",
	  "JSON has no NaN or Infinity literals; write a number or a string.\n" },
	{ "json-single-quote", "JSON strings take double quotes",
	  "JSON strings are written in double quotes; single-quoted strings are JavaScript, not JSON.\n" },
	{ "json-syntax", "the file is not well-formed JSON",
	  "The JSON parser stopped at the position shown. Common causes: a missing comma or colon, an\n"
	  "unterminated string, an unescaped control character in a string, text after the value.\n" },
	{ "json-trailing-comma", "a trailing comma in a JSON array or object",
	  "JSON does not allow a comma before ']' or '}'.\n" },
	{ "load-control-character", "a control character or NUL byte in the file",
	  "Config files are text: control characters other than tab, line feed and carriage return,\n"
	  "and NUL bytes, are refused wherever they appear.\n" },
	{ "load-empty-document", "the file holds no document",
	  "A config file must hold one YAML or JSON document; an empty file (or only comments) is\n"
	  "almost always a mistake.\n" },
	{ "load-file-too-large", "the file is larger than goosec reads",
	  "Config files over the size limit (64 MiB) are refused before parsing.\n" },
	{ "load-internal", "the parser failed internally",
	  "The YAML parser reported an internal failure for this file. Please report it with the file.\n" },
	{ "load-invalid-utf8", "the file is not valid UTF-8",
	  "YAML and JSON are Unicode text; goosec reads UTF-8 (a byte-order mark is accepted). Convert\n"
	  "the file from its legacy encoding.\n" },
	{ "load-key-not-scalar", "a mapping key is a mapping, a sequence or null",
	  "Keys must be scalars so every document maps to JSON: '? [a, b]: x' and '~: x' are refused.\n" },
	{ "load-number-range", "a number does not fit",
	  "Integers must fit in 64 bits and floating-point numbers in a double; quote the value if it\n"
	  "is an identifier rather than a number.\n" },
	{ "load-read-error", "the file or folder cannot be read",
	  "goosec could not open or read the path (missing, no permission, or not the expected type).\n" },
	{ "load-too-deep", "nesting is deeper than the limit",
	  "Sequences and mappings may nest 256 levels deep at most; deeper input is refused without\n"
	  "recursion, so no input can exhaust the stack.\n" },
	{ "load-too-many-errors", "later errors in the file are not shown",
	  "After many errors in one file goosec stops reporting more of them: fix the first ones.\n" },
	{ "load-too-many-nodes", "the document expands to too many nodes",
	  "After aliases are expanded a document may hold at most 4 million nodes; larger expansions\n"
	  "(such as a 'billion laughs' alias bomb) are refused before they are built.\n" },
	{ "project-too-deep", "folders nested too deeply are not searched",
	  "goosec searches the tree 32 folders deep; deeper folders are skipped with this warning.\n" },
	{ "schema-*", "the document does not match its kind's JSON Schema",
	  "Each kind has a JSON Schema (draft 2020-12; 'goosec schema show KIND' prints it). The rule\n"
	  "id names the failing keyword: schema-required (a required property is missing),\n"
	  "schema-additional-properties (an unknown property, with 'did you mean'), schema-type,\n"
	  "schema-enum, schema-pattern, schema-minimum and so on. Editors show the same schemas on\n"
	  "hover after 'goosec schema export DIR'.\n" },
	{ "yaml-alias-limit", "an alias expands beyond the node limit",
	  "Aliases are expanded into copies; when the copies would exceed the node limit the alias is\n"
	  "refused at once, so an alias bomb costs nothing.\n" },
	{ "yaml-duplicate-key", "a mapping has the same key twice",
	  "YAML 1.2 forbids duplicate keys, and tools disagree on which one wins. The message names the\n"
	  "first definition's position.\n" },
	{ "yaml-merge-invalid", "a merge key '<<' does not name mappings",
	  "The value of '<<' must be a mapping (usually an alias to one) or a sequence of mappings.\n" },
	{ "yaml-multiple-documents", "a file holds more than one YAML document",
	  "Each config file holds exactly one document; a second '---' document would be silently\n"
	  "ignored by many tools, so goosec refuses it at its position.\n" },
	{ "yaml-recursive-alias", "an alias refers to the node that contains it",
	  "An alias inside its own anchored node would expand forever.\n" },
	{ "yaml-syntax", "the file is not well-formed YAML",
	  "The YAML parser stopped at the position shown; the message is the parser's.\n" },
	{ "yaml-tag-mismatch", "a value does not fit its explicit tag",
	  "A '!!int', '!!float', '!!bool' or '!!null' tag was put on a value that is not of that type.\n" },
	{ "yaml-undefined-alias", "an alias names no anchor",
	  "'*name' must follow an '&name' anchor earlier in the same document.\n" },
	{ "yaml-unknown-tag", "a tag goosec does not understand",
	  "Only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are\n"
	  "accepted; application tags such as '!ruby/object' are refused.\n" },
};

const size_t rules_catalogue_count = sizeof(rules_catalogue) / sizeof(rules_catalogue[0]);

const struct rule_info *rules_find(const char *id)
{
	const struct rule_info *family = NULL;
	size_t family_length = 0;
	for (size_t i = 0; i < rules_catalogue_count; i++) {
		const char *candidate = rules_catalogue[i].id;
		size_t length = strlen(candidate);
		if (strcmp(candidate, id) == 0)
			return &rules_catalogue[i];
		if (length && candidate[length - 1] == '*' && strncmp(candidate, id, length - 1) == 0 &&
		    length > family_length) {
			family = &rules_catalogue[i];
			family_length = length;
		}
	}
	return family;
}
