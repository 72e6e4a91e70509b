/* Unit tests for the loader: core-schema typing, positions, duplicate keys, documents, anchors,
 * merge keys, limits (alias bombs, deep nesting, big mappings) and strict JSON. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "load.h"
#include "util.h"
#include "banned.h"

struct loaded {
	struct load_document document;
	struct diag_list diags;
	int status;
};

static void load_text(struct loaded *loaded, const char *path, const char *text, size_t length,
		      enum load_syntax syntax)
{
	load_document_init(&loaded->document);
	diag_list_init(&loaded->diags);
	loaded->status = load_buffer(path, text, length, syntax, NULL, &loaded->document, &loaded->diags);
}

static void load_yaml(struct loaded *loaded, const char *text)
{
	load_text(loaded, "f.yaml", text, strlen(text), LOAD_SYNTAX_YAML);
}

static void load_json(struct loaded *loaded, const char *text)
{
	load_text(loaded, "f.json", text, strlen(text), LOAD_SYNTAX_AUTO);
}

static void loaded_release(struct loaded *loaded)
{
	load_document_release(&loaded->document);
	diag_list_release(&loaded->diags);
}

/* Asserts that loading failed with exactly one first error of `rule` at line:col. */
static void assert_first_error(const struct loaded *loaded, const char *rule, int line, int col)
{
	ck_assert_int_eq(loaded->status, -1);
	ck_assert_ptr_null(loaded->document.root);
	ck_assert_uint_ge(loaded->diags.count, 1);
	const struct diag *diag = &loaded->diags.items[0];
	ck_assert_int_eq(diag->severity, DIAG_ERROR);
	ck_assert_str_eq(diag->rule, rule);
	ck_assert_int_eq(diag->line, line);
	ck_assert_int_eq(diag->col, col);
}

static json_t *at(const struct loaded *loaded, const char *pointer_path)
{
	/* a tiny pointer walk: tokens without escapes are enough here */
	json_t *node = loaded->document.root;
	char *copy = xstrdup(pointer_path);
	char *rest = copy;
	while (node && *rest == '/') {
		rest++;
		char *end = strchr(rest, '/');
		if (end)
			*end = '\0';
		if (json_is_array(node))
			node = json_array_get(node, (size_t)strtoul(rest, NULL, 10));
		else
			node = json_object_get(node, rest);
		if (!end)
			break;
		*end = '/';
		rest = end;
	}
	free(copy);
	return node;
}

START_TEST(test_core_schema_typing)
{
	struct loaded loaded;
	load_yaml(&loaded, "nulls: [~, null, Null, NULL, ]\n"
			   "empty:\n"
			   "bools: [true, True, TRUE, false, False, FALSE]\n"
			   "ints: [0, -12, +3, 0o17, 0x1F, 9223372036854775807, -9223372036854775808]\n"
			   "floats: [1.5, 1e3, .5, -2.5E-1, 1.]\n"
			   "strings: [yes, no, on, off, \"true\", '1', 0b11, 1_000, 0X1F, nulls]\n"
			   "block: |\n  text\n");
	ck_assert_int_eq(loaded.status, 0);
	for (int i = 0; i < 4; i++) {
		char pointer[32];
		snprintf(pointer, sizeof(pointer), "/nulls/%d", i);
		ck_assert(json_is_null(at(&loaded, pointer)));
	}
	ck_assert_uint_eq(json_array_size(at(&loaded, "/nulls")), 4);
	ck_assert(json_is_null(at(&loaded, "/empty")));
	ck_assert(json_is_true(at(&loaded, "/bools/2")));
	ck_assert(json_is_false(at(&loaded, "/bools/5")));
	ck_assert_int_eq(json_integer_value(at(&loaded, "/ints/1")), -12);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/ints/2")), 3);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/ints/3")), 15);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/ints/4")), 31);
	ck_assert(json_integer_value(at(&loaded, "/ints/5")) == INT64_MAX);
	ck_assert(json_integer_value(at(&loaded, "/ints/6")) == INT64_MIN);
	ck_assert(json_is_real(at(&loaded, "/floats/0")));
	ck_assert_double_eq(json_real_value(at(&loaded, "/floats/1")), 1000.0);
	ck_assert_double_eq(json_real_value(at(&loaded, "/floats/2")), 0.5);
	ck_assert_double_eq(json_real_value(at(&loaded, "/floats/3")), -0.25);
	ck_assert_double_eq(json_real_value(at(&loaded, "/floats/4")), 1.0);
	json_t *strings = at(&loaded, "/strings");
	for (size_t i = 0; i < json_array_size(strings); i++)
		ck_assert_msg(json_is_string(json_array_get(strings, i)), "strings[%zu] is not a string", i);
	ck_assert_str_eq(json_string_value(at(&loaded, "/strings/0")), "yes");
	ck_assert_str_eq(json_string_value(at(&loaded, "/block")), "text\n");
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_explicit_tags)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: !!str 12\nb: !!int \"7\"\nc: !!float 3\nd: !!bool true\ne: !!null ~\n"
			   "f: !!map {x: 1}\ng: !!seq [1]\nh: ! 5\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_str_eq(json_string_value(at(&loaded, "/a")), "12");
	ck_assert_int_eq(json_integer_value(at(&loaded, "/b")), 7);
	ck_assert(json_is_real(at(&loaded, "/c")));
	ck_assert(json_is_true(at(&loaded, "/d")));
	ck_assert(json_is_null(at(&loaded, "/e")));
	ck_assert(json_is_object(at(&loaded, "/f")));
	ck_assert(json_is_array(at(&loaded, "/g")));
	ck_assert_str_eq(json_string_value(at(&loaded, "/h")), "5");
	loaded_release(&loaded);

	load_yaml(&loaded, "a: !!int 1.5\n");
	assert_first_error(&loaded, "yaml-tag-mismatch", 1, 4);
	ck_assert_str_eq(loaded.diags.items[0].message, "'1.5' is not a valid !!int");
	loaded_release(&loaded);

	load_yaml(&loaded, "a: !!seq {x: 1}\n");
	assert_first_error(&loaded, "yaml-tag-mismatch", 1, 4);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_unknown_tag)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: 1\nb: !foo bar\n");
	assert_first_error(&loaded, "yaml-unknown-tag", 2, 4);
	ck_assert_str_eq(loaded.diags.items[0].message, "unknown tag '!foo'");
	ck_assert_str_eq(loaded.diags.items[0].file, "f.yaml");
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_positions)
{
	struct loaded loaded;
	load_yaml(&loaded, "name: demo\n"
			   "list:\n"
			   "  - first\n"
			   "  - {k: v}\n"
			   "empty:\n"
			   "\"é\": [1, 2]\n");
	ck_assert_int_eq(loaded.status, 0);
	const struct load_position *position = load_position_at(&loaded.document, "");
	ck_assert_ptr_nonnull(position);
	ck_assert_int_eq(position->line, 1);
	ck_assert_int_eq(position->col, 1);
	ck_assert(!position->has_key);

	position = load_position_at(&loaded.document, "/name");
	ck_assert_int_eq(position->line, 1);
	ck_assert_int_eq(position->col, 7);
	ck_assert_uint_eq(position->offset, 6);
	ck_assert(position->has_key);
	ck_assert_int_eq(position->key_line, 1);
	ck_assert_int_eq(position->key_col, 1);

	position = load_position_at(&loaded.document, "/list"); /* a block sequence starts at its first '-' */
	ck_assert_int_eq(position->line, 3);
	ck_assert_int_eq(position->col, 3);
	ck_assert_int_eq(position->key_line, 2);

	position = load_position_at(&loaded.document, "/list/1");
	ck_assert_int_eq(position->line, 4);
	ck_assert_int_eq(position->col, 5);
	ck_assert(!position->has_key);

	position = load_position_at(&loaded.document, "/list/1/k");
	ck_assert_int_eq(position->line, 4);
	ck_assert_int_eq(position->col, 9);
	ck_assert_int_eq(position->key_col, 6);

	position = load_position_at(&loaded.document, "/empty"); /* an empty value sits where its key ends */
	ck_assert_ptr_nonnull(position);
	ck_assert_int_eq(position->line, 5);
	ck_assert_int_eq(position->col, 6);
	ck_assert_int_eq(position->key_col, 1);

	position = load_position_at(&loaded.document, "/é/1"); /* columns count characters */
	ck_assert_int_eq(position->line, 6);
	ck_assert_int_eq(position->col, 10);
	ck_assert_uint_eq(position->offset, strlen("name: demo\nlist:\n  - first\n  - {k: v}\nempty:\n\"é\": [1, "));

	ck_assert_ptr_null(load_position_at(&loaded.document, "/list/7"));
	position = load_position_nearest(&loaded.document, "/list/7/deeper");
	ck_assert_int_eq(position->line, 3);
	ck_assert_ptr_eq(load_position_nearest(&loaded.document, "/name"), load_position_at(&loaded.document, "/name"));
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_key_not_scalar_and_null_key)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: 1\n[x]: 2\n");
	assert_first_error(&loaded, "load-key-not-scalar", 2, 1);
	ck_assert_str_eq(loaded.diags.items[0].message, "mapping key must be a scalar, not a sequence");
	loaded_release(&loaded);

	load_yaml(&loaded, "a: 1\n~: 2\n");
	assert_first_error(&loaded, "load-key-not-scalar", 2, 1);
	ck_assert_str_eq(loaded.diags.items[0].message, "mapping key is null");
	loaded_release(&loaded);

	load_yaml(&loaded, "1: one\ntrue: yes\n0x1F: hex\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_str_eq(json_string_value(at(&loaded, "/1")), "one");
	ck_assert_str_eq(json_string_value(at(&loaded, "/true")), "yes");
	ck_assert_str_eq(json_string_value(at(&loaded, "/0x1F")), "hex");
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_duplicate_key)
{
	struct loaded loaded;
	load_yaml(&loaded, "x: 0\na: 1\na: 2\n");
	assert_first_error(&loaded, "yaml-duplicate-key", 3, 1);
	const struct diag *diag = &loaded.diags.items[0];
	ck_assert_str_eq(diag->message, "duplicate key 'a' (first defined at 2:1)");
	ck_assert_uint_eq(diag->related_count, 1);
	ck_assert_int_eq(diag->related[0].line, 2);
	ck_assert_int_eq(diag->related[0].col, 1);
	ck_assert_str_eq(diag->related[0].file, "f.yaml");
	loaded_release(&loaded);

	/* every duplicate is reported, nested ones too */
	load_yaml(&loaded, "a: {b: 1, b: 2}\nc: 1\nc: 2\n");
	ck_assert_int_eq(loaded.status, -1);
	ck_assert_uint_eq(loaded.diags.count, 2);
	ck_assert_int_eq(loaded.diags.items[0].line, 1);
	ck_assert_int_eq(loaded.diags.items[0].col, 11);
	ck_assert_int_eq(loaded.diags.items[1].line, 3);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_documents)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: 1\n---\nb: 2\n");
	assert_first_error(&loaded, "yaml-multiple-documents", 2, 1);
	loaded_release(&loaded);

	load_yaml(&loaded, "---\na: 1\n...\n---\nb: 2\n");
	assert_first_error(&loaded, "yaml-multiple-documents", 4, 1);
	loaded_release(&loaded);

	load_yaml(&loaded, "");
	assert_first_error(&loaded, "load-empty-document", 1, 1);
	loaded_release(&loaded);

	load_yaml(&loaded, "# only a comment\n");
	assert_first_error(&loaded, "load-empty-document", 1, 1);
	loaded_release(&loaded);

	load_yaml(&loaded, "---\n");
	assert_first_error(&loaded, "load-empty-document", 1, 1);
	loaded_release(&loaded);

	load_yaml(&loaded, "~\n"); /* an explicit null is a value */
	ck_assert_int_eq(loaded.status, 0);
	ck_assert(json_is_null(loaded.document.root));
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_anchors_and_aliases)
{
	struct loaded loaded;
	load_yaml(&loaded, "base: &b\n  x: 1\n  y: [2, 3]\n"
			   "copy: *b\n"
			   "scalar: &s hello\n"
			   "again: *s\n"
			   "*s : keyed\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert(json_equal(at(&loaded, "/base"), at(&loaded, "/copy")));
	ck_assert_str_eq(json_string_value(at(&loaded, "/again")), "hello");
	ck_assert_str_eq(json_string_value(at(&loaded, "/hello")), "keyed");
	const struct load_position *alias = load_position_at(&loaded.document, "/copy");
	ck_assert_int_eq(alias->line, 4);
	ck_assert_int_eq(alias->col, 7);
	ck_assert_int_eq(alias->key_line, 4);
	/* inside an alias: the anchored definition */
	const struct load_position *inside = load_position_at(&loaded.document, "/copy/y/1");
	ck_assert_ptr_nonnull(inside);
	ck_assert_int_eq(inside->line, 3);
	ck_assert_int_eq(inside->col, 10);
	ck_assert_ptr_null(load_position_at(&loaded.document, "/copy/z"));
	ck_assert_int_eq(load_position_nearest(&loaded.document, "/copy/z")->line, 4);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: *missing\n");
	assert_first_error(&loaded, "yaml-undefined-alias", 1, 4);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: &r [1, *r]\n");
	assert_first_error(&loaded, "yaml-recursive-alias", 1, 11);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_merge_keys)
{
	struct loaded loaded;
	load_yaml(&loaded, "defaults: &d {timeout: 5, retries: 3, mode: slow}\n"
			   "extra: &e {mode: fast, color: red, retries: 9}\n"
			   "job:\n"
			   "  <<: [*d, *e]\n"
			   "  timeout: 10\n"
			   "single:\n"
			   "  <<: *e\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/job/timeout")), 10); /* explicit wins */
	ck_assert_int_eq(json_integer_value(at(&loaded, "/job/retries")), 3);  /* earlier merge wins */
	ck_assert_str_eq(json_string_value(at(&loaded, "/job/mode")), "slow");
	ck_assert_str_eq(json_string_value(at(&loaded, "/job/color")), "red");
	ck_assert_ptr_null(at(&loaded, "/job/<<"));
	ck_assert_uint_eq(json_object_size(at(&loaded, "/job")), 4);
	ck_assert_str_eq(json_string_value(at(&loaded, "/single/color")), "red");
	const struct load_position *merged = load_position_at(&loaded.document, "/job/color");
	ck_assert_ptr_nonnull(merged);
	ck_assert_int_eq(merged->line, 2); /* where it is defined */
	loaded_release(&loaded);

	load_yaml(&loaded, "a:\n  <<: 5\n");
	assert_first_error(&loaded, "yaml-merge-invalid", 2, 7);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_quoted_and_block_scalars)
{
	struct loaded loaded;
	/* many '' escapes: libfyaml 0.7.12 leaks on these, so the loader decodes them itself */
	load_yaml(&loaded, "a: 'it''s '''''''''''''''''''''''''''''''''''''''''\n"
			   "b: ' lead\n  \n\n  two  \n three '\n"
			   "c: \"dq\"\n"
			   "d: |-  # note\n  text\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_str_eq(json_string_value(at(&loaded, "/a")), "it's ''''''''''''''''''''");
	ck_assert_str_eq(json_string_value(at(&loaded, "/b")), " lead\n\ntwo three ");
	ck_assert_str_eq(json_string_value(at(&loaded, "/d")), "text");
	ck_assert_int_eq(load_position_at(&loaded.document, "/a")->col, 4); /* at the quote */
	ck_assert_int_eq(load_position_at(&loaded.document, "/c")->col, 4);
	const struct load_position *block = load_position_at(&loaded.document, "/d");
	ck_assert_int_eq(block->line, 8); /* at the indicator */
	ck_assert_int_eq(block->col, 4);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_alias_bomb_refused)
{
	struct strbuf text;
	strbuf_init(&text);
	strbuf_addstr(&text, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int level = 1; level < 10; level++) {
		strbuf_addf(&text, "l%d: &l%d [", level, level);
		for (int i = 0; i < 10; i++)
			strbuf_addf(&text, "%s*l%d", i ? ", " : "", level - 1);
		strbuf_addstr(&text, "]\n");
	}
	struct loaded loaded;
	load_text(&loaded, "bomb.yaml", text.buf, text.len, LOAD_SYNTAX_YAML);
	ck_assert_int_eq(loaded.status, -1);
	ck_assert_str_eq(loaded.diags.items[0].rule, "yaml-alias-limit");
	ck_assert_int_eq(loaded.diags.items[0].line, 7);
	ck_assert_ptr_nonnull(strstr(loaded.diags.items[0].message, "alias '*l5'"));
	loaded_release(&loaded);

	/* a small limit refuses a small expansion */
	struct load_limits limits = load_default_limits;
	limits.max_expanded_nodes = 20;
	load_document_init(&loaded.document);
	diag_list_init(&loaded.diags);
	const char *small = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n";
	loaded.status = load_buffer("f.yaml", small, strlen(small), LOAD_SYNTAX_YAML, &limits, &loaded.document,
				    &loaded.diags);
	assert_first_error(&loaded, "yaml-alias-limit", 2, 13);
	loaded_release(&loaded);
	strbuf_release(&text);
}
END_TEST

START_TEST(test_big_mapping)
{
	struct strbuf yaml, json;
	strbuf_init(&yaml);
	strbuf_init(&json);
	strbuf_addch(&json, '{');
	for (int i = 0; i < 80000; i++) {
		strbuf_addf(&yaml, "key%d: value %d\n", i, i);
		strbuf_addf(&json, "%s\"key%d\": %d", i ? ", " : "", i, i);
	}
	strbuf_addch(&json, '}');
	struct loaded loaded;
	load_text(&loaded, "big.yaml", yaml.buf, yaml.len, LOAD_SYNTAX_YAML);
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_uint_eq(json_object_size(loaded.document.root), 80000);
	ck_assert_str_eq(json_string_value(at(&loaded, "/key79999")), "value 79999");
	ck_assert_int_eq(load_position_at(&loaded.document, "/key79999")->line, 80000);
	loaded_release(&loaded);

	load_text(&loaded, "big.json", json.buf, json.len, LOAD_SYNTAX_JSON);
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_uint_eq(json_object_size(loaded.document.root), 80000);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/key12345")), 12345);
	ck_assert_uint_eq(load_position_at(&loaded.document, "/key79999")->offset, json.len - 6);
	loaded_release(&loaded);
	strbuf_release(&yaml);
	strbuf_release(&json);
}
END_TEST

START_TEST(test_deep_nesting_refused)
{
	size_t depth = 100000;
	char *brackets = xmalloc(depth + 1);
	memset(brackets, '[', depth);
	brackets[depth] = '\0';
	struct loaded loaded;
	load_text(&loaded, "deep.yaml", brackets, depth, LOAD_SYNTAX_YAML);
	assert_first_error(&loaded, "load-too-deep", 1, 257);
	ck_assert_str_eq(loaded.diags.items[0].message, "nesting deeper than 256 levels");
	loaded_release(&loaded);

	load_text(&loaded, "deep.json", brackets, depth, LOAD_SYNTAX_JSON);
	assert_first_error(&loaded, "load-too-deep", 1, 257);
	loaded_release(&loaded);

	memset(brackets, '{', depth);
	load_text(&loaded, "deep.json", brackets, depth, LOAD_SYNTAX_JSON);
	ck_assert_int_eq(loaded.status, -1);
	loaded_release(&loaded);

	/* block nesting too, and exactly the limit is fine */
	struct strbuf block;
	strbuf_init(&block);
	for (int level = 0; level < 256; level++)
		strbuf_addf(&block, "%*sk:\n", level, "");
	strbuf_addf(&block, "%*s- x\n", 256, "");
	load_text(&loaded, "block.yaml", block.buf, block.len, LOAD_SYNTAX_YAML);
	assert_first_error(&loaded, "load-too-deep", 257, 257);
	loaded_release(&loaded);
	strbuf_reset(&block);
	for (int level = 0; level < 255; level++)
		strbuf_addf(&block, "%*sk:\n", level, "");
	strbuf_addf(&block, "%*s- x\n", 255, "");
	load_text(&loaded, "block.yaml", block.buf, block.len, LOAD_SYNTAX_YAML);
	ck_assert_int_eq(loaded.status, 0);
	loaded_release(&loaded);
	strbuf_release(&block);
	free(brackets);
}
END_TEST

START_TEST(test_bad_bytes)
{
	struct loaded loaded;
	load_text(&loaded, "f.yaml", "a: b\nc: \xC3\x28\n", 10, LOAD_SYNTAX_YAML);
	assert_first_error(&loaded, "load-invalid-utf8", 2, 4);
	ck_assert_str_eq(loaded.diags.items[0].message, "invalid UTF-8 byte 0xC3");
	loaded_release(&loaded);

	load_text(&loaded, "f.yaml", "a: b\0c\n", 7, LOAD_SYNTAX_YAML);
	assert_first_error(&loaded, "load-control-character", 1, 5);
	ck_assert_str_eq(loaded.diags.items[0].message, "NUL byte is not allowed");
	loaded_release(&loaded);

	load_text(&loaded, "f.json", "{\"a\": \"\x01\"}", 10, LOAD_SYNTAX_JSON);
	assert_first_error(&loaded, "load-control-character", 1, 8);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: \"\x7F\"\n");
	assert_first_error(&loaded, "load-control-character", 1, 5);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: \"tab\there\"\r\nb: 1\r\n"); /* tab and CRLF are fine */
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_int_eq(load_position_at(&loaded.document, "/b")->line, 2);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_number_range)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: 9223372036854775808\n");
	assert_first_error(&loaded, "load-number-range", 1, 4);
	ck_assert_str_eq(loaded.diags.items[0].message,
			 "integer '9223372036854775808' is outside the signed 64-bit range");
	loaded_release(&loaded);

	load_yaml(&loaded, "a: 0x8000000000000000\n");
	assert_first_error(&loaded, "load-number-range", 1, 4);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: 1e400\n");
	assert_first_error(&loaded, "load-number-range", 1, 4);
	loaded_release(&loaded);

	load_yaml(&loaded, "a: -.inf\n");
	assert_first_error(&loaded, "load-number-range", 1, 4);
	loaded_release(&loaded);

	load_json(&loaded, "[1, -9223372036854775809]");
	assert_first_error(&loaded, "load-number-range", 1, 5);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_json_values_and_positions)
{
	struct loaded loaded;
	load_json(&loaded, "{\n  \"a\": [1, 2.5, -0, 1e2, \"s\\u00e9\\ud83d\\ude00\\n\", true, false, null],\n"
			   "  \"b\": {}\n}\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert(json_is_integer(at(&loaded, "/a/0")));
	ck_assert(json_is_real(at(&loaded, "/a/1")));
	ck_assert(json_is_integer(at(&loaded, "/a/2")));
	ck_assert(json_is_real(at(&loaded, "/a/3")));
	ck_assert_str_eq(json_string_value(at(&loaded, "/a/4")), "s\xC3\xA9\xF0\x9F\x98\x80\n");
	ck_assert(json_is_null(at(&loaded, "/a/7")));
	const struct load_position *position = load_position_at(&loaded.document, "/a/1");
	ck_assert_int_eq(position->line, 2);
	ck_assert_int_eq(position->col, 12);
	position = load_position_at(&loaded.document, "/b");
	ck_assert_int_eq(position->line, 3);
	ck_assert_int_eq(position->col, 8);
	ck_assert_int_eq(position->key_col, 3);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_json_strictness)
{
	static const struct {
		const char *text, *rule;
		int line, col;
	} cases[] = {
		{ "{\"a\": 1} // note", "json-comment", 1, 10 },
		{ "{/* c */ \"a\": 1}", "json-comment", 1, 2 },
		{ "[1, 2,]", "json-trailing-comma", 1, 7 },
		{ "{\"a\": 1,}", "json-trailing-comma", 1, 9 },
		{ "{\"a\": 1, \"a\": 2}", "json-duplicate-key", 1, 10 },
		{ "[01]", "json-leading-zero", 1, 2 },
		{ "['a']", "json-single-quote", 1, 2 },
		{ "[NaN]", "json-nonfinite", 1, 2 },
		{ "[-Infinity]", "json-nonfinite", 1, 2 },
		{ "[1 2]", "json-syntax", 1, 4 },
		{ "{\"a\" 1}", "json-syntax", 1, 6 },
		{ "[\"a\\x\"]", "json-syntax", 1, 4 },
		{ "[\"\\ud800\"]", "json-syntax", 1, 3 },
		{ "\"unterminated", "json-syntax", 1, 1 },
		{ "[1.]", "json-syntax", 1, 2 },
		{ "{} {}", "json-syntax", 1, 4 },
		{ "[tru]", "json-syntax", 1, 2 },
		{ "[\"a\tb\"]", "json-syntax", 1, 4 },
		{ "", "load-empty-document", 1, 1 },
		{ "  \n ", "load-empty-document", 1, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded loaded;
		load_json(&loaded, cases[i].text);
		ck_assert_msg(loaded.status == -1 && loaded.diags.count >= 1, "accepted: %s", cases[i].text);
		const struct diag *diag = &loaded.diags.items[0];
		ck_assert_msg(strcmp(diag->rule, cases[i].rule) == 0 && diag->line == cases[i].line &&
				      diag->col == cases[i].col,
			      "%s: got %s at %d:%d (%s)", cases[i].text, diag->rule, diag->line, diag->col, diag->message);
		loaded_release(&loaded);
	}
	struct loaded loaded;
	load_json(&loaded, "{\"a\": 1, \"a\": 2}");
	ck_assert_str_eq(loaded.diags.items[0].message, "duplicate key 'a' (first defined at 1:2)");
	ck_assert_int_eq(loaded.diags.items[0].related[0].col, 2);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_bom_accepted)
{
	struct loaded loaded;
	load_yaml(&loaded, "\xEF\xBB\xBF" "a: 1\n");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_int_eq(json_integer_value(at(&loaded, "/a")), 1);
	ck_assert_int_eq(load_position_at(&loaded.document, "/a")->col, 4);
	ck_assert_uint_eq(load_position_at(&loaded.document, "/a")->offset, 6);
	loaded_release(&loaded);

	load_json(&loaded, "\xEF\xBB\xBF{\"a\": 1}");
	ck_assert_int_eq(loaded.status, 0);
	ck_assert_int_eq(load_position_at(&loaded.document, "/a")->col, 7);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_yaml_syntax_error)
{
	struct loaded loaded;
	load_yaml(&loaded, "a: [1, 2\nb: 3\n");
	ck_assert_int_eq(loaded.status, -1);
	ck_assert_str_eq(loaded.diags.items[0].rule, "yaml-syntax");
	ck_assert_int_gt(loaded.diags.items[0].line, 0);
	ck_assert_int_gt(loaded.diags.items[0].col, 0);
	loaded_release(&loaded);
}
END_TEST

START_TEST(test_files)
{
	char directory[] = "/tmp/test_load_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(directory));
	char *path = xasprintf("%s/x.json", directory);
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs("{\"a\": [true]}\n", file);
	fclose(file);
	struct load_document document;
	struct diag_list diags;
	load_document_init(&document);
	diag_list_init(&diags);
	ck_assert_int_eq(load_file(path, LOAD_SYNTAX_AUTO, NULL, &document, &diags), 0);
	ck_assert(json_is_true(json_array_get(json_object_get(document.root, "a"), 0)));
	ck_assert_uint_eq(diags.source_count, 1);
	struct load_limits limits = load_default_limits;
	limits.max_file_bytes = 4;
	ck_assert_int_eq(load_file(path, LOAD_SYNTAX_AUTO, &limits, &document, &diags), -1);
	ck_assert_str_eq(diags.items[diags.count - 1].rule, "load-file-too-large");
	ck_assert_int_eq(load_file("/nonexistent/x.yaml", LOAD_SYNTAX_AUTO, NULL, &document, &diags), -1);
	ck_assert_str_eq(diags.items[diags.count - 1].rule, "load-read-error");
	unlink(path);
	rmdir(directory);
	free(path);
	load_document_release(&document);
	diag_list_release(&diags);
}
END_TEST

Suite *load_suite(void);

Suite *load_suite(void)
{
	Suite *suite = suite_create("load");
	TCase *tcase = tcase_create("load");
	tcase_set_timeout(tcase, 60);
	tcase_add_test(tcase, test_core_schema_typing);
	tcase_add_test(tcase, test_explicit_tags);
	tcase_add_test(tcase, test_unknown_tag);
	tcase_add_test(tcase, test_positions);
	tcase_add_test(tcase, test_key_not_scalar_and_null_key);
	tcase_add_test(tcase, test_duplicate_key);
	tcase_add_test(tcase, test_documents);
	tcase_add_test(tcase, test_anchors_and_aliases);
	tcase_add_test(tcase, test_merge_keys);
	tcase_add_test(tcase, test_quoted_and_block_scalars);
	tcase_add_test(tcase, test_alias_bomb_refused);
	tcase_add_test(tcase, test_big_mapping);
	tcase_add_test(tcase, test_deep_nesting_refused);
	tcase_add_test(tcase, test_bad_bytes);
	tcase_add_test(tcase, test_number_range);
	tcase_add_test(tcase, test_json_values_and_positions);
	tcase_add_test(tcase, test_json_strictness);
	tcase_add_test(tcase, test_bom_accepted);
	tcase_add_test(tcase, test_yaml_syntax_error);
	tcase_add_test(tcase, test_files);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(load_suite)
