/* Block-style YAML from a jansson tree: deterministic (insertion order, fixed indentation) and
 * safe (anything a reader could retype or misparse is quoted). */
#include "yaml.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "banned.h"

/* Plain words that YAML 1.1 (Go's yaml.v2, many tools) or 1.2 read as something else. */
static const char *const reserved_words[] = {
	"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<", "=",
};

/* Code points written as escapes because readers treat them as line breaks or byte-order marks:
 * C1 controls (U+0080..U+009F, including NEL), U+2028, U+2029 and U+FEFF. Returns the length of
 * the UTF-8 sequence at `text` when it is one of them, else 0. */
static size_t special_unicode_length(const unsigned char *text, size_t remaining)
{
	if (remaining >= 2 && text[0] == 0xC2 && text[1] >= 0x80 && text[1] <= 0x9F)
		return 2;
	if (remaining >= 3 && text[0] == 0xE2 && text[1] == 0x80 && (text[2] == 0xA8 || text[2] == 0xA9))
		return 3;
	if (remaining >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF)
		return 3;
	return 0;
}

/* Could a YAML 1.1 or 1.2 reader take this for a number or a timestamp ("1e3", "0x1F", "1_000",
 * ".5", "1:20", "2026-10-01")? Text that starts like a number but holds another letter
 * ("30s", "5m", "1h30m") cannot be one. */
static bool looks_like_number(const char *text, size_t length)
{
	size_t start = text[0] == '+' || text[0] == '-' ? 1 : 0;
	if (start >= length || !(isdigit((unsigned char)text[start]) || text[start] == '.'))
		return false;
	if (text[start] == '0' && start + 1 < length && (text[start + 1] == 'x' || text[start + 1] == 'X'))
		return true;
	return strspn(text, "0123456789_+-.:eEoObBtTzZ ") == length;
}

bool yaml_plain_is_safe(const char *text, size_t length)
{
	if (length == 0 || memchr(text, '\0', length))
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", text[0]) || text[0] == ' ' || text[length - 1] == ' ')
		return false;
	if (text[0] == '.' || looks_like_number(text, length))
		return false;
	for (size_t i = 0; i < sizeof(reserved_words) / sizeof(reserved_words[0]); i++)
		if (strcasecmp(text, reserved_words[i]) == 0)
			return false;
	if (text[length - 1] == ':')
		return false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7F)
			return false;
		if (c == ':' && text[i + 1] == ' ')
			return false;
		if (c == '#' && i > 0 && text[i - 1] == ' ')
			return false;
		if (c >= 0x80 && special_unicode_length((const unsigned char *)text + i, length - i))
			return false;
	}
	return true;
}

void yaml_add_quoted(const char *text, size_t length, struct strbuf *out)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); continue;
		case '\\': strbuf_addstr(out, "\\\\"); continue;
		case '\0': strbuf_addstr(out, "\\0"); continue;
		case '\a': strbuf_addstr(out, "\\a"); continue;
		case '\b': strbuf_addstr(out, "\\b"); continue;
		case '\t': strbuf_addstr(out, "\\t"); continue;
		case '\n': strbuf_addstr(out, "\\n"); continue;
		case '\v': strbuf_addstr(out, "\\v"); continue;
		case '\f': strbuf_addstr(out, "\\f"); continue;
		case '\r': strbuf_addstr(out, "\\r"); continue;
		case 0x1B: strbuf_addstr(out, "\\e"); continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7F) {
			strbuf_addf(out, "\\x%02x", c);
			continue;
		}
		size_t special = c >= 0x80 ? special_unicode_length((const unsigned char *)text + i, length - i) : 0;
		if (special == 2) {
			strbuf_addf(out, "\\x%02x", (unsigned char)text[i + 1]); /* the code point U+0080..U+009F */
		} else if (special == 3) {
			strbuf_addstr(out, (unsigned char)text[i] == 0xEF ? "\\uFEFF"
					   : (unsigned char)text[i + 2] == 0xA8 ? "\\L"
										: "\\P");
		} else {
			strbuf_addch(out, (char)c);
			continue;
		}
		i += special - 1;
	}
	strbuf_addch(out, '"');
}

/* A literal block scalar gives back the text exactly only when: it has a line break, no
 * character that needs an escape, does not start with a space or a line break (that would need
 * an indentation indicator), no line ends in blanks, and at most one final line break. */
static bool literal_block_fits(const char *text, size_t length)
{
	if (!memchr(text, '\n', length) || text[0] == ' ' || text[0] == '\n')
		return false;
	if (length >= 2 && text[length - 1] == '\n' && text[length - 2] == '\n')
		return false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			return false;
		if (c >= 0x80 && special_unicode_length((const unsigned char *)text + i, length - i))
			return false;
		if (c == '\n' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
			return false;
	}
	unsigned char last = (unsigned char)text[length - 1];
	return last != ' ' && last != '\t';
}

static void add_indent(struct strbuf *out, size_t indent)
{
	for (size_t i = 0; i < indent; i++)
		strbuf_addch(out, ' ');
}

/* Writes a string value after "key:" or "-": " value\n", or a block scalar whose lines are
 * indented by `indent`. */
static void add_string_value(const char *text, size_t length, size_t indent, struct strbuf *out)
{
	if (yaml_plain_is_safe(text, length)) {
		strbuf_addch(out, ' ');
		strbuf_add(out, text, length);
		strbuf_addch(out, '\n');
		return;
	}
	if (literal_block_fits(text, length)) {
		bool final_break = text[length - 1] == '\n';
		strbuf_addstr(out, final_break ? " |\n" : " |-\n");
		size_t end = final_break ? length - 1 : length;
		size_t start = 0;
		while (start <= end) {
			const char *newline = memchr(text + start, '\n', end - start);
			size_t line_end = newline ? (size_t)(newline - text) : end;
			if (line_end > start) {
				add_indent(out, indent);
				strbuf_add(out, text + start, line_end - start);
			}
			strbuf_addch(out, '\n');
			start = line_end + 1;
		}
		return;
	}
	strbuf_addch(out, ' ');
	yaml_add_quoted(text, length, out);
	strbuf_addch(out, '\n');
}

static void add_key(const char *key, struct strbuf *out)
{
	size_t length = strlen(key);
	if (yaml_plain_is_safe(key, length))
		strbuf_add(out, key, length);
	else
		yaml_add_quoted(key, length, out);
	strbuf_addch(out, ':');
}

static void add_real(double value, struct strbuf *out)
{
	size_t start = out->len;
	if (!isfinite(value)) {
		strbuf_addstr(out, isnan(value) ? ".nan" : value > 0 ? ".inf" : "-.inf");
		return;
	}
	number_format(value, out);
	if (!strpbrk(out->buf + start, ".e"))
		strbuf_addstr(out, ".0");
}

static void add_node(const json_t *node, size_t indent, bool positioned, struct strbuf *out);

/* The value after "key:" or "-": scalars and empty collections on the same line, others on the
 * lines below at `indent`. */
static void add_value(const json_t *value, size_t indent, bool in_sequence, struct strbuf *out)
{
	switch (json_typeof(value)) {
	case JSON_STRING:
		add_string_value(json_string_value(value), json_string_length(value), indent, out);
		return;
	case JSON_INTEGER:
		strbuf_addf(out, " %" JSON_INTEGER_FORMAT "\n", json_integer_value(value));
		return;
	case JSON_REAL:
		strbuf_addch(out, ' ');
		add_real(json_real_value(value), out);
		strbuf_addch(out, '\n');
		return;
	case JSON_TRUE:
		strbuf_addstr(out, " true\n");
		return;
	case JSON_FALSE:
		strbuf_addstr(out, " false\n");
		return;
	case JSON_NULL:
		strbuf_addstr(out, " null\n");
		return;
	case JSON_OBJECT:
		if (json_object_size(value) == 0) {
			strbuf_addstr(out, " {}\n");
			return;
		}
		break;
	case JSON_ARRAY:
		if (json_array_size(value) == 0) {
			strbuf_addstr(out, " []\n");
			return;
		}
		break;
	}
	if (in_sequence) {
		/* "- key: value" and "- - item": the collection starts on the dash's line */
		strbuf_addch(out, ' ');
		add_node(value, indent, true, out);
	} else {
		strbuf_addch(out, '\n');
		add_node(value, indent, false, out);
	}
}

/* A non-empty collection at `indent`; `positioned` means the first line's indentation is
 * already written. */
static void add_node(const json_t *node, size_t indent, bool positioned, struct strbuf *out)
{
	bool first = true;
	if (json_is_object(node)) {
		const char *key;
		const json_t *value;
		json_object_foreach((json_t *)node, key, value) {
			if (!(first && positioned))
				add_indent(out, indent);
			first = false;
			add_key(key, out);
			add_value(value, indent + 2, false, out);
		}
		return;
	}
	size_t index;
	const json_t *item;
	json_array_foreach(node, index, item) {
		if (!(first && positioned))
			add_indent(out, indent);
		first = false;
		strbuf_addch(out, '-');
		add_value(item, indent + 2, true, out);
	}
}

void yaml_write(const json_t *document, const char *header, struct strbuf *out)
{
	for (const char *line = header; line && *line;) {
		const char *newline = strchr(line, '\n');
		size_t length = newline ? (size_t)(newline - line) : strlen(line);
		strbuf_addch(out, '#');
		if (length) {
			strbuf_addch(out, ' ');
			strbuf_add(out, line, length);
		}
		strbuf_addch(out, '\n');
		line = newline ? newline + 1 : line + length;
	}
	if (json_is_object(document) || json_is_array(document)) {
		if ((json_is_object(document) ? json_object_size(document) : json_array_size(document)) != 0) {
			add_node(document, 0, false, out);
			return;
		}
	}
	/* a scalar or empty document: the same rendering as a value, without the leading space */
	struct strbuf value;
	strbuf_init(&value);
	add_value(document, 2, false, &value);
	strbuf_addstr(out, value.buf + 1);
	strbuf_release(&value);
}
