/* PromQL lexer, parser and type checker, matching what Prometheus 2.42 (promtool) accepts,
 * including its quirks: case-insensitive keywords, keywords as metric and label names. */
#include "promql.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util.h"
#include "banned.h"

/* ---- arena ---- */

struct promql_arena_block {
	struct promql_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

static void *arena_alloc(struct promql_expr *expr, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	struct promql_arena_block *block = expr->arena;
	if (!block || block->size - block->used < size) {
		size_t block_size = size > 8192 ? size : 8192;
		block = xmalloc(sizeof(*block) + block_size);
		block->next = expr->arena;
		block->used = 0;
		block->size = block_size;
		expr->arena = block;
	}
	void *result = (char *)block->data + block->used;
	block->used += size;
	memset(result, 0, size);
	return result;
}

static char *arena_strndup(struct promql_expr *expr, const char *text, size_t length)
{
	char *copy = arena_alloc(expr, length + 1);
	memcpy(copy, text, length);
	copy[length] = '\0';
	return copy;
}

void promql_expr_init(struct promql_expr *expr)
{
	memset(expr, 0, sizeof(*expr));
}

void promql_expr_release(struct promql_expr *expr)
{
	while (expr->arena) {
		struct promql_arena_block *next = expr->arena->next;
		free(expr->arena);
		expr->arena = next;
	}
	memset(expr, 0, sizeof(*expr));
}

/* ---- functions of Prometheus 2.42 ---- */

#define V PROMQL_TYPE_VECTOR
#define M PROMQL_TYPE_MATRIX
#define S PROMQL_TYPE_SCALAR
#define T PROMQL_TYPE_STRING

static const struct promql_function functions[] = {
	{ "abs", { V }, 1, 0, V },
	{ "absent", { V }, 1, 0, V },
	{ "absent_over_time", { M }, 1, 0, V },
	{ "acos", { V }, 1, 0, V },
	{ "acosh", { V }, 1, 0, V },
	{ "asin", { V }, 1, 0, V },
	{ "asinh", { V }, 1, 0, V },
	{ "atan", { V }, 1, 0, V },
	{ "atanh", { V }, 1, 0, V },
	{ "avg_over_time", { M }, 1, 0, V },
	{ "ceil", { V }, 1, 0, V },
	{ "changes", { M }, 1, 0, V },
	{ "clamp", { V, S, S }, 3, 0, V },
	{ "clamp_max", { V, S }, 2, 0, V },
	{ "clamp_min", { V, S }, 2, 0, V },
	{ "cos", { V }, 1, 0, V },
	{ "cosh", { V }, 1, 0, V },
	{ "count_over_time", { M }, 1, 0, V },
	{ "day_of_month", { V }, 1, 1, V },
	{ "day_of_week", { V }, 1, 1, V },
	{ "day_of_year", { V }, 1, 1, V },
	{ "days_in_month", { V }, 1, 1, V },
	{ "deg", { V }, 1, 0, V },
	{ "delta", { M }, 1, 0, V },
	{ "deriv", { M }, 1, 0, V },
	{ "exp", { V }, 1, 0, V },
	{ "floor", { V }, 1, 0, V },
	{ "histogram_count", { V }, 1, 0, V },
	{ "histogram_fraction", { S, S, V }, 3, 0, V },
	{ "histogram_quantile", { S, V }, 2, 0, V },
	{ "histogram_sum", { V }, 1, 0, V },
	{ "holt_winters", { M, S, S }, 3, 0, V },
	{ "hour", { V }, 1, 1, V },
	{ "idelta", { M }, 1, 0, V },
	{ "increase", { M }, 1, 0, V },
	{ "irate", { M }, 1, 0, V },
	{ "label_join", { V, T, T, T }, 4, -1, V },
	{ "label_replace", { V, T, T, T, T }, 5, 0, V },
	{ "last_over_time", { M }, 1, 0, V },
	{ "ln", { V }, 1, 0, V },
	{ "log10", { V }, 1, 0, V },
	{ "log2", { V }, 1, 0, V },
	{ "max_over_time", { M }, 1, 0, V },
	{ "min_over_time", { M }, 1, 0, V },
	{ "minute", { V }, 1, 1, V },
	{ "month", { V }, 1, 1, V },
	{ "pi", { 0 }, 0, 0, S },
	{ "predict_linear", { M, S }, 2, 0, V },
	{ "present_over_time", { M }, 1, 0, V },
	{ "quantile_over_time", { S, M }, 2, 0, V },
	{ "rad", { V }, 1, 0, V },
	{ "rate", { M }, 1, 0, V },
	{ "resets", { M }, 1, 0, V },
	{ "round", { V, S }, 2, 1, V },
	{ "scalar", { V }, 1, 0, S },
	{ "sgn", { V }, 1, 0, V },
	{ "sin", { V }, 1, 0, V },
	{ "sinh", { V }, 1, 0, V },
	{ "sort", { V }, 1, 0, V },
	{ "sort_desc", { V }, 1, 0, V },
	{ "sqrt", { V }, 1, 0, V },
	{ "stddev_over_time", { M }, 1, 0, V },
	{ "stdvar_over_time", { M }, 1, 0, V },
	{ "sum_over_time", { M }, 1, 0, V },
	{ "tan", { V }, 1, 0, V },
	{ "tanh", { V }, 1, 0, V },
	{ "time", { 0 }, 0, 0, S },
	{ "timestamp", { V }, 1, 0, V },
	{ "vector", { S }, 1, 0, V },
	{ "year", { V }, 1, 1, V },
};

#undef V
#undef M
#undef S
#undef T

const struct promql_function *promql_function_find(const char *name)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strcmp(functions[i].name, name) == 0)
			return &functions[i];
	return NULL;
}

const char *promql_type_name(enum promql_value_type type)
{
	switch (type) {
	case PROMQL_TYPE_SCALAR:
		return "scalar";
	case PROMQL_TYPE_VECTOR:
		return "instant vector";
	case PROMQL_TYPE_MATRIX:
		return "range vector";
	case PROMQL_TYPE_STRING:
		return "string";
	case PROMQL_TYPE_NONE:
		break;
	}
	return "none";
}

/* ---- lexer ---- */

enum token_type {
	TOKEN_EOF,
	TOKEN_ERROR,
	TOKEN_COMMA,
	TOKEN_LEFT_PAREN,
	TOKEN_RIGHT_PAREN,
	TOKEN_LEFT_BRACE,
	TOKEN_RIGHT_BRACE,
	TOKEN_LEFT_BRACKET,
	TOKEN_RIGHT_BRACKET,
	TOKEN_COLON,
	TOKEN_AT,
	TOKEN_ADD,
	TOKEN_SUB,
	TOKEN_MUL,
	TOKEN_DIV,
	TOKEN_MOD,
	TOKEN_POW,
	TOKEN_EQLC,      /* == */
	TOKEN_NEQ,       /* != */
	TOKEN_LTE,
	TOKEN_LSS,
	TOKEN_GTE,
	TOKEN_GTR,
	TOKEN_EQL,       /* = */
	TOKEN_EQL_REGEX, /* =~ */
	TOKEN_NEQ_REGEX, /* !~ */
	TOKEN_NUMBER,
	TOKEN_STRING,
	TOKEN_DURATION,
	TOKEN_IDENTIFIER,
	TOKEN_METRIC_IDENTIFIER, /* contains ':' */
	/* keywords, matched case-insensitively */
	TOKEN_AND,
	TOKEN_OR,
	TOKEN_UNLESS,
	TOKEN_ATAN2,
	TOKEN_AGGREGATOR,
	TOKEN_OFFSET,
	TOKEN_BY,
	TOKEN_WITHOUT,
	TOKEN_ON,
	TOKEN_IGNORING,
	TOKEN_GROUP_LEFT,
	TOKEN_GROUP_RIGHT,
	TOKEN_BOOL,
	TOKEN_START,
	TOKEN_END,
};

struct token {
	enum token_type type;
	size_t start, end;
	int aggregation;     /* TOKEN_AGGREGATOR */
	const char *message; /* TOKEN_ERROR */
};

struct keyword {
	const char *word;
	enum token_type type;
	int aggregation;
};

static const struct keyword keywords[] = {
	{ "and", TOKEN_AND, 0 },
	{ "or", TOKEN_OR, 0 },
	{ "unless", TOKEN_UNLESS, 0 },
	{ "atan2", TOKEN_ATAN2, 0 },
	{ "sum", TOKEN_AGGREGATOR, PROMQL_AGG_SUM },
	{ "avg", TOKEN_AGGREGATOR, PROMQL_AGG_AVG },
	{ "count", TOKEN_AGGREGATOR, PROMQL_AGG_COUNT },
	{ "min", TOKEN_AGGREGATOR, PROMQL_AGG_MIN },
	{ "max", TOKEN_AGGREGATOR, PROMQL_AGG_MAX },
	{ "group", TOKEN_AGGREGATOR, PROMQL_AGG_GROUP },
	{ "stddev", TOKEN_AGGREGATOR, PROMQL_AGG_STDDEV },
	{ "stdvar", TOKEN_AGGREGATOR, PROMQL_AGG_STDVAR },
	{ "topk", TOKEN_AGGREGATOR, PROMQL_AGG_TOPK },
	{ "bottomk", TOKEN_AGGREGATOR, PROMQL_AGG_BOTTOMK },
	{ "count_values", TOKEN_AGGREGATOR, PROMQL_AGG_COUNT_VALUES },
	{ "quantile", TOKEN_AGGREGATOR, PROMQL_AGG_QUANTILE },
	{ "offset", TOKEN_OFFSET, 0 },
	{ "by", TOKEN_BY, 0 },
	{ "without", TOKEN_WITHOUT, 0 },
	{ "on", TOKEN_ON, 0 },
	{ "ignoring", TOKEN_IGNORING, 0 },
	{ "group_left", TOKEN_GROUP_LEFT, 0 },
	{ "group_right", TOKEN_GROUP_RIGHT, 0 },
	{ "bool", TOKEN_BOOL, 0 },
	{ "start", TOKEN_START, 0 },
	{ "end", TOKEN_END, 0 },
	{ "inf", TOKEN_NUMBER, 0 },
	{ "nan", TOKEN_NUMBER, 0 },
};

struct lexer {
	struct promql_expr *expr;
	const char *text;
	size_t length, position;
	struct token *tokens;
	size_t token_count, token_alloc;
	int paren_depth;
	bool brace_open, bracket_open, got_colon;
};

static bool is_alpha(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alphanumeric(int c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int peek_at(const struct lexer *lexer, size_t position)
{
	return position < lexer->length ? (unsigned char)lexer->text[position] : -1;
}

static int peek(const struct lexer *lexer)
{
	return peek_at(lexer, lexer->position);
}

static bool accept(struct lexer *lexer, const char *valid)
{
	int c = peek(lexer);
	if (c > 0 && strchr(valid, c)) {
		lexer->position++;
		return true;
	}
	return false;
}

static void accept_run(struct lexer *lexer, const char *valid)
{
	while (accept(lexer, valid))
		;
}

static struct token *emit(struct lexer *lexer, enum token_type type, size_t start)
{
	ALLOC_GROW(lexer->tokens, lexer->token_count + 1, lexer->token_alloc);
	struct token *token = &lexer->tokens[lexer->token_count++];
	memset(token, 0, sizeof(*token));
	token->type = type;
	token->start = start;
	token->end = lexer->position;
	return token;
}

static int lex_error(struct lexer *lexer, size_t start, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int lex_error(struct lexer *lexer, size_t start, const char *format, ...)
{
	char message[256];
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	struct token *token = emit(lexer, TOKEN_ERROR, start);
	token->message = arena_strndup(lexer->expr, message, strlen(message));
	return -1;
}

/* A character for messages: printable ASCII as is, anything else as a code. */
static const char *show_character(int c, char buffer[16])
{
	if (c < 0)
		snprintf(buffer, 16, "end of input");
	else if (c >= 0x20 && c < 0x7f)
		snprintf(buffer, 16, "'%c'", c);
	else
		snprintf(buffer, 16, "byte 0x%02x", c);
	return buffer;
}

/* Prometheus' scanNumber: true when the number ends where a non-alphanumeric follows. */
static bool scan_number(struct lexer *lexer)
{
	const char *digits = "0123456789";
	if (accept(lexer, "0") && accept(lexer, "xX"))
		digits = "0123456789abcdefABCDEF";
	accept_run(lexer, digits);
	if (accept(lexer, "."))
		accept_run(lexer, digits);
	if (accept(lexer, "eE")) {
		accept(lexer, "+-");
		accept_run(lexer, "0123456789");
	}
	return !is_alphanumeric(peek(lexer));
}

static bool accept_remaining_duration(struct lexer *lexer)
{
	if (!accept(lexer, "smhdwy"))
		return false;
	accept(lexer, "s"); /* ms; bad units like "hs" fail later, in the duration parser */
	while (accept(lexer, "0123456789")) {
		accept_run(lexer, "0123456789");
		if (!accept(lexer, "smhdw"))
			return false;
		accept(lexer, "s");
	}
	return !is_alphanumeric(peek(lexer));
}

/* Validates one escape after a backslash in a "..." or '...' string (Go's rules). */
static int lex_escape(struct lexer *lexer, char quote)
{
	size_t start = lexer->position - 1;
	int c = peek(lexer);
	char shown[16];
	int digits, base;
	uint32_t max;
	if (c < 0)
		return lex_error(lexer, start, "escape sequence not terminated");
	lexer->position++;
	if (strchr("abfnrtv\\", c) || c == quote)
		return 0;
	if (c >= '0' && c <= '7') {
		lexer->position--;
		digits = 3, base = 8, max = 255;
	} else if (c == 'x') {
		digits = 2, base = 16, max = 255;
	} else if (c == 'u') {
		digits = 4, base = 16, max = 0x10ffff;
	} else if (c == 'U') {
		digits = 8, base = 16, max = 0x10ffff;
	} else {
		return lex_error(lexer, start, "unknown escape sequence %s", show_character(c, shown));
	}
	uint64_t value = 0;
	for (int i = 0; i < digits; i++) {
		int d = peek(lexer);
		int digit = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : 99;
		if (digit >= base) {
			if (d < 0)
				return lex_error(lexer, start, "escape sequence not terminated");
			return lex_error(lexer, start, "illegal character %s in escape sequence", show_character(d, shown));
		}
		value = value * (uint64_t)base + (uint64_t)digit;
		lexer->position++;
	}
	if (value > max || (value >= 0xd800 && value < 0xe000))
		return lex_error(lexer, start, "escape sequence is an invalid unicode code point");
	return 0;
}

/* Length of the valid UTF-8 sequence at `text`, or 0. */
static size_t utf8_sequence_length(const unsigned char *text, size_t available)
{
	unsigned char c = text[0];
	size_t length;
	uint32_t value;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		length = 2, value = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		length = 3, value = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		length = 4, value = c & 0x07;
	else
		return 0;
	if (available < length)
		return 0;
	for (size_t i = 1; i < length; i++) {
		if ((text[i] & 0xc0) != 0x80)
			return 0;
		value = value << 6 | (text[i] & 0x3f);
	}
	if ((length == 3 && (value < 0x800 || (value >= 0xd800 && value < 0xe000))) ||
	    (length == 4 && (value < 0x10000 || value > 0x10ffff)))
		return 0;
	return length;
}

static int lex_string(struct lexer *lexer, char quote)
{
	size_t start = lexer->position - 1;
	for (;;) {
		int c = peek(lexer);
		if (c < 0 || (c == '\n' && quote != '`'))
			return lex_error(lexer, start, quote == '`' ? "unterminated raw string" : "unterminated quoted string");
		size_t width = utf8_sequence_length((const unsigned char *)lexer->text + lexer->position,
						    lexer->length - lexer->position);
		if (width == 0)
			return lex_error(lexer, lexer->position, "invalid utf-8 in string");
		lexer->position += width;
		if (c == quote)
			break;
		if (c == '\\' && quote != '`' && lex_escape(lexer, quote) != 0)
			return -1;
	}
	emit(lexer, TOKEN_STRING, start);
	return 0;
}

static void skip_comment(struct lexer *lexer)
{
	while (lexer->position < lexer->length && lexer->text[lexer->position] != '\n' &&
	       lexer->text[lexer->position] != '\r')
		lexer->position++;
}

static int lex_inside_braces(struct lexer *lexer)
{
	size_t start = lexer->position;
	int c = peek(lexer);
	char shown[16];
	if (c == '#') {
		skip_comment(lexer);
		return 0;
	}
	if (c < 0)
		return lex_error(lexer, start, "unexpected end of input inside braces");
	lexer->position++;
	if (is_space(c))
		return 0;
	if (is_alpha(c)) {
		while (is_alphanumeric(peek(lexer)))
			lexer->position++;
		emit(lexer, TOKEN_IDENTIFIER, start);
		return 0;
	}
	switch (c) {
	case ',':
		emit(lexer, TOKEN_COMMA, start);
		return 0;
	case '"':
	case '\'':
	case '`':
		return lex_string(lexer, (char)c);
	case '=':
		emit(lexer, accept(lexer, "~") ? TOKEN_EQL_REGEX : TOKEN_EQL, start);
		return 0;
	case '!':
		if (accept(lexer, "~"))
			emit(lexer, TOKEN_NEQ_REGEX, start);
		else if (accept(lexer, "="))
			emit(lexer, TOKEN_NEQ, start);
		else
			return lex_error(lexer, start, "unexpected character after '!' inside braces: %s",
					 show_character(peek(lexer), shown));
		return 0;
	case '}':
		emit(lexer, TOKEN_RIGHT_BRACE, start);
		lexer->brace_open = false;
		return 0;
	default:
		return lex_error(lexer, start, "unexpected character inside braces: %s", show_character(c, shown));
	}
}

static int lex_duration_in_brackets(struct lexer *lexer)
{
	size_t start = lexer->position;
	if (scan_number(lexer))
		return lex_error(lexer, start, "missing unit character in duration");
	if (!accept_remaining_duration(lexer))
		return lex_error(lexer, start, "bad duration syntax");
	emit(lexer, TOKEN_DURATION, start);
	return 0;
}

static void lex_word(struct lexer *lexer)
{
	size_t start = lexer->position;
	bool has_colon = false;
	while (is_alphanumeric(peek(lexer)) || peek(lexer) == ':') {
		has_colon |= peek(lexer) == ':';
		lexer->position++;
	}
	size_t length = lexer->position - start;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == length && strncasecmp(keywords[i].word, lexer->text + start, length) == 0) {
			emit(lexer, keywords[i].type, start)->aggregation = keywords[i].aggregation;
			return;
		}
	}
	emit(lexer, has_colon ? TOKEN_METRIC_IDENTIFIER : TOKEN_IDENTIFIER, start);
}

static int lex_statement(struct lexer *lexer)
{
	size_t start = lexer->position;
	int c = peek(lexer);
	char shown[16];
	if (c == '#') {
		skip_comment(lexer);
		return 0;
	}
	if (c < 0) {
		if (lexer->paren_depth != 0)
			return lex_error(lexer, start, "unclosed left parenthesis");
		if (lexer->bracket_open)
			return lex_error(lexer, start, "unclosed left bracket");
		emit(lexer, TOKEN_EOF, start);
		return 1;
	}
	lexer->position++;
	if (is_space(c))
		return 0;
	switch (c) {
	case ',':
		emit(lexer, TOKEN_COMMA, start);
		return 0;
	case '*':
		emit(lexer, TOKEN_MUL, start);
		return 0;
	case '/':
		emit(lexer, TOKEN_DIV, start);
		return 0;
	case '%':
		emit(lexer, TOKEN_MOD, start);
		return 0;
	case '+':
		emit(lexer, TOKEN_ADD, start);
		return 0;
	case '-':
		emit(lexer, TOKEN_SUB, start);
		return 0;
	case '^':
		emit(lexer, TOKEN_POW, start);
		return 0;
	case '@':
		emit(lexer, TOKEN_AT, start);
		return 0;
	case '=':
		if (accept(lexer, "="))
			emit(lexer, TOKEN_EQLC, start);
		else if (peek(lexer) == '~')
			return lex_error(lexer, start, "unexpected character after '=': '~'");
		else
			emit(lexer, TOKEN_EQL, start);
		return 0;
	case '!':
		if (!accept(lexer, "="))
			return lex_error(lexer, start, "unexpected character after '!': %s", show_character(peek(lexer), shown));
		emit(lexer, TOKEN_NEQ, start);
		return 0;
	case '<':
		emit(lexer, accept(lexer, "=") ? TOKEN_LTE : TOKEN_LSS, start);
		return 0;
	case '>':
		emit(lexer, accept(lexer, "=") ? TOKEN_GTE : TOKEN_GTR, start);
		return 0;
	case '"':
	case '\'':
	case '`':
		return lex_string(lexer, (char)c);
	case '(':
		emit(lexer, TOKEN_LEFT_PAREN, start);
		lexer->paren_depth++;
		return 0;
	case ')':
		emit(lexer, TOKEN_RIGHT_PAREN, start);
		if (--lexer->paren_depth < 0)
			return lex_error(lexer, start, "unexpected right parenthesis ')'");
		return 0;
	case '{':
		emit(lexer, TOKEN_LEFT_BRACE, start);
		lexer->brace_open = true;
		return 0;
	case '[':
		if (lexer->bracket_open)
			return lex_error(lexer, start, "unexpected left bracket '['");
		lexer->got_colon = false;
		emit(lexer, TOKEN_LEFT_BRACKET, start);
		while (is_space(peek(lexer)))
			lexer->position++;
		lexer->bracket_open = true;
		return lex_duration_in_brackets(lexer);
	case ']':
		if (!lexer->bracket_open)
			return lex_error(lexer, start, "unexpected right bracket ']'");
		emit(lexer, TOKEN_RIGHT_BRACKET, start);
		lexer->bracket_open = false;
		return 0;
	}
	if (is_digit(c) || (c == '.' && is_digit(peek(lexer)))) {
		lexer->position = start;
		if (scan_number(lexer)) {
			emit(lexer, TOKEN_NUMBER, start);
			return 0;
		}
		if (accept_remaining_duration(lexer)) {
			emit(lexer, TOKEN_DURATION, start);
			return 0;
		}
		return lex_error(lexer, start, "bad number or duration syntax");
	}
	if (is_alpha(c) || c == ':') {
		if (!lexer->bracket_open) {
			lexer->position = start;
			lex_word(lexer);
			return 0;
		}
		/* Prometheus 2.42 reads any letter or ':' inside brackets as the subquery colon */
		if (lexer->got_colon)
			return lex_error(lexer, start, "unexpected colon %s", show_character(c, shown));
		emit(lexer, TOKEN_COLON, start);
		lexer->got_colon = true;
		return 0;
	}
	return lex_error(lexer, start, "unexpected character: %s", show_character(c, shown));
}

/* Tokenizes the whole input; the last token is TOKEN_EOF or TOKEN_ERROR. */
static void lex_all(struct lexer *lexer)
{
	for (;;) {
		int status = lexer->brace_open ? lex_inside_braces(lexer) : lex_statement(lexer);
		if (status != 0)
			return;
	}
}

/* ---- literals ---- */

/* Go's strconv.ParseInt(s, 0, 64), then ParseFloat(s, 64), on the spellings the lexer makes. */
static int parse_number(const char *text, size_t length, double *value)
{
	char buffer[512];
	if (length >= sizeof(buffer))
		length = sizeof(buffer) - 1; /* so long a spelling only matters for range: strtod still sees it */
	memcpy(buffer, text, length);
	buffer[length] = '\0';
	if (strcasecmp(buffer, "inf") == 0) {
		*value = INFINITY;
		return 0;
	}
	if (strcasecmp(buffer, "nan") == 0) {
		*value = NAN;
		return 0;
	}
	if (length > 2 && buffer[0] == '0' && (buffer[1] == 'x' || buffer[1] == 'X')) {
		/* a hex integer; ParseFloat would want a 'p' exponent */
		for (size_t i = 2; i < length; i++)
			if (!strchr("0123456789abcdefABCDEF", buffer[i]))
				return -1;
		errno = 0;
		unsigned long long integer = strtoull(buffer + 2, NULL, 16);
		if (errno == ERANGE || integer > INT64_MAX)
			return -1;
		*value = (double)integer;
		return 0;
	}
	if (length < 2 && !is_digit(buffer[0]))
		return -1;
	bool octal = buffer[0] == '0' && length > 1;
	for (size_t i = 1; octal && i < length; i++)
		octal = buffer[i] >= '0' && buffer[i] <= '7';
	if (octal) {
		errno = 0;
		unsigned long long integer = strtoull(buffer, NULL, 8);
		if (errno != ERANGE && integer <= INT64_MAX) {
			*value = (double)integer;
			return 0;
		}
	}
	char *end;
	errno = 0;
	*value = strtod(buffer, &end);
	if (*end != '\0' || (errno == ERANGE && isinf(*value)))
		return -1;
	return 0;
}

int promql_duration_parse(const char *text, size_t length, int64_t *milliseconds, const char **message)
{
	static const struct {
		const char *unit;
		uint64_t milliseconds;
	} units[] = {
		{ "y", 365ULL * 24 * 3600 * 1000 }, { "w", 7ULL * 24 * 3600 * 1000 }, { "d", 24ULL * 3600 * 1000 },
		{ "h", 3600ULL * 1000 }, { "m", 60ULL * 1000 }, { "s", 1000 }, { "ms", 1 },
	};
	size_t position = 0, next_unit = 0;
	uint64_t total_ns = 0;
	bool overflow = false;
	if (length == 0) {
		*message = "empty duration string";
		return -1;
	}
	if (length == 1 && text[0] == '0') {
		*milliseconds = 0; /* the one duration written without a unit */
		return 0;
	}
	while (position < length) {
		size_t digits_start = position;
		while (position < length && is_digit(text[position]))
			position++;
		size_t unit_start = position;
		while (position < length && is_alpha(text[position]))
			position++;
		if (digits_start == unit_start || unit_start == position)
			goto invalid;
		size_t unit_length = position - unit_start;
		size_t unit = next_unit;
		while (unit < 7 && !(strlen(units[unit].unit) == unit_length &&
				     strncmp(units[unit].unit, text + unit_start, unit_length) == 0))
			unit++;
		if (unit == 7)
			goto invalid;
		next_unit = unit + 1;
		uint64_t count = 0;
		bool count_overflow = false;
		for (size_t i = digits_start; i < unit_start; i++) {
			if (count > (UINT64_MAX - 9) / 10)
				count_overflow = true;
			else
				count = count * 10 + (uint64_t)(text[i] - '0');
		}
		uint64_t limit = (uint64_t)INT64_MAX / units[unit].milliseconds / 1000000ULL;
		if (count_overflow || count > limit) {
			overflow = true;
			continue;
		}
		uint64_t part = count * units[unit].milliseconds * 1000000ULL;
		total_ns += part;
		if (total_ns > (uint64_t)INT64_MAX)
			overflow = true;
	}
	if (overflow) {
		*message = "duration out of range";
		return -1;
	}
	*milliseconds = (int64_t)(total_ns / 1000000ULL);
	return 0;
invalid:
	*message = "not a valid duration string";
	return -1;
}

static void append_utf8(struct strbuf *out, uint32_t value)
{
	if (value < 0x80) {
		strbuf_addch(out, (char)value);
	} else if (value < 0x800) {
		strbuf_addch(out, (char)(0xc0 | value >> 6));
		strbuf_addch(out, (char)(0x80 | (value & 0x3f)));
	} else if (value < 0x10000) {
		strbuf_addch(out, (char)(0xe0 | value >> 12));
		strbuf_addch(out, (char)(0x80 | ((value >> 6) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | (value & 0x3f)));
	} else {
		strbuf_addch(out, (char)(0xf0 | value >> 18));
		strbuf_addch(out, (char)(0x80 | ((value >> 12) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | ((value >> 6) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | (value & 0x3f)));
	}
}

/* Decodes a string token the lexer already validated. */
static const char *unquote(struct promql_expr *expr, const char *text, size_t length)
{
	char quote = text[0];
	struct strbuf out;
	strbuf_init(&out);
	for (size_t i = 1; i + 1 < length; i++) {
		char c = text[i];
		if (c != '\\' || quote == '`') {
			strbuf_addch(&out, c);
			continue;
		}
		char e = text[++i];
		int digits = 0, base = 16;
		switch (e) {
		case 'a': strbuf_addch(&out, '\a'); continue;
		case 'b': strbuf_addch(&out, '\b'); continue;
		case 'f': strbuf_addch(&out, '\f'); continue;
		case 'n': strbuf_addch(&out, '\n'); continue;
		case 'r': strbuf_addch(&out, '\r'); continue;
		case 't': strbuf_addch(&out, '\t'); continue;
		case 'v': strbuf_addch(&out, '\v'); continue;
		case 'x': digits = 2; break;
		case 'u': digits = 4; break;
		case 'U': digits = 8; break;
		default:
			if (e >= '0' && e <= '7') {
				digits = 3, base = 8;
				i--;
				break;
			}
			strbuf_addch(&out, e); /* \\ and the quote */
			continue;
		}
		uint32_t value = 0;
		for (int k = 0; k < digits && i + 1 < length; k++) {
			char d = text[++i];
			value = value * (uint32_t)base +
				(uint32_t)(d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
		}
		if (e == 'u' || e == 'U')
			append_utf8(&out, value);
		else
			strbuf_addch(&out, (char)value);
	}
	const char *result = arena_strndup(expr, out.buf, out.len);
	strbuf_release(&out);
	return result;
}

/* ---- regular expressions: RE2 (Go) rules PCRE2 does not enforce, then PCRE2 ---- */

static size_t repeat_length(const char *pattern, size_t at, bool *valid_count)
{
	/* `{n}`, `{n,}`, `{n,m}`; Go reads anything else as literal text */
	size_t i = at + 1;
	long low = 0, high = -1;
	size_t digits = 0;
	for (; is_digit(pattern[i]); i++, digits++)
		low = low < 100000 ? low * 10 + (pattern[i] - '0') : low; /* saturates: over 1000 is invalid anyway */
	if (digits == 0)
		return 0;
	high = low;
	if (pattern[i] == ',') {
		i++;
		high = -1;
		size_t high_digits = 0;
		long value = 0;
		for (; is_digit(pattern[i]); i++, high_digits++)
			value = value < 100000 ? value * 10 + (pattern[i] - '0') : value;
		if (high_digits)
			high = value;
	}
	if (pattern[i] != '}')
		return 0;
	*valid_count = low <= 1000 && high <= 1000 && (high < 0 || high >= low);
	return i + 1 - at;
}

int promql_check_regex(const char *pattern, char *buffer, size_t buffer_size, const char **message)
{
	bool after_quantifier = false;
	bool in_class = false;
	for (size_t i = 0; pattern[i]; i++) {
		char c = pattern[i];
		if (c == '\\') {
			char e = pattern[i + 1];
			if (e == '\0') {
				*message = "trailing backslash at end of expression";
				return -1;
			}
			if (e == 'Q') {
				const char *end = strstr(pattern + i + 2, "\\E");
				if (!end)
					break;
				i = (size_t)(end - pattern) + 1;
				after_quantifier = false;
				continue;
			}
			bool digit_escape = e >= '1' && e <= '9' && !(e <= '7' && pattern[i + 2] >= '0' && pattern[i + 2] <= '7');
			if (digit_escape || (is_alpha(e) && !strchr("aftnrvxdDsSwWpPbBAz", e)) || (unsigned char)e >= 0x80) {
				snprintf(buffer, buffer_size, "invalid escape sequence '\\%c'", e);
				*message = buffer;
				return -1;
			}
			if ((e == 'b' || e == 'B' || e == 'A' || e == 'z') && in_class) {
				snprintf(buffer, buffer_size, "invalid escape sequence '\\%c'", e);
				*message = buffer;
				return -1;
			}
			i++;
			after_quantifier = false;
			continue;
		}
		if (in_class) {
			if (c == ']')
				in_class = false;
			else if (c == '[' && pattern[i + 1] == ':') {
				const char *end = strstr(pattern + i + 2, ":]");
				if (end)
					i = (size_t)(end - pattern) + 1;
			}
			continue;
		}
		bool quantifier = false;
		size_t width = 1;
		if (c == '*' || c == '+' || c == '?') {
			quantifier = true;
		} else if (c == '{') {
			bool valid_count = true;
			width = repeat_length(pattern, i, &valid_count);
			if (width) {
				if (!valid_count) {
					*message = "invalid repeat count";
					return -1;
				}
				quantifier = true;
			} else {
				width = 1;
			}
		}
		if (quantifier) {
			if (after_quantifier) {
				*message = "invalid nested repetition operator";
				return -1;
			}
			i += width - 1;
			if (pattern[i + 1] == '?')
				i++; /* lazy */
			after_quantifier = true;
			continue;
		}
		after_quantifier = false;
		if (c == '[') {
			in_class = true;
			if (pattern[i + 1] == '^')
				i++;
			if (pattern[i + 1] == ']')
				i++; /* a leading ']' is a literal */
		} else if (c == '(' && pattern[i + 1] == '?') {
			size_t k = i + 2;
			if (pattern[k] == 'P' && pattern[k + 1] == '<')
				continue;
			while (pattern[k] && strchr("imsU-", pattern[k]))
				k++;
			if (k == i + 2 ? pattern[k] != ':' : (pattern[k] != ':' && pattern[k] != ')')) {
				*message = "invalid or unsupported perl syntax";
				return -1;
			}
		}
	}
	int error_code;
	PCRE2_SIZE error_offset;
	size_t length = strlen(pattern);
	char *anchored = xmalloc(length + 8);
	memcpy(anchored, "^(?:", 4);
	memcpy(anchored + 4, pattern, length);
	memcpy(anchored + 4 + length, ")$", 3);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)anchored, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY,
					 &error_code, &error_offset, NULL);
	free(anchored);
	if (!code) {
		PCRE2_UCHAR text[160];
		pcre2_get_error_message(error_code, text, sizeof(text));
		snprintf(buffer, buffer_size, "%s", (const char *)text);
		*message = buffer;
		return -1;
	}
	pcre2_code_free(code);
	return 0;
}

/* Whether an anchored regex matches the empty string (the pattern already passed the check). */
static bool regex_matches_empty(const char *pattern)
{
	int error_code;
	PCRE2_SIZE error_offset;
	size_t length = strlen(pattern);
	char *anchored = xmalloc(length + 8);
	memcpy(anchored, "^(?:", 4);
	memcpy(anchored + 4, pattern, length);
	memcpy(anchored + 4 + length, ")$", 3);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)anchored, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY,
					 &error_code, &error_offset, NULL);
	free(anchored);
	if (!code)
		return false;
	pcre2_match_data *match = pcre2_match_data_create_from_pattern(code, NULL);
	int result = pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, match, NULL);
	pcre2_match_data_free(match);
	pcre2_code_free(code);
	return result >= 0;
}

/* ---- parser ---- */

struct parser {
	struct promql_expr *expr;
	const char *text;
	struct token *tokens;
	size_t position;
	int depth;
	bool failed;
};

static const struct token *current(const struct parser *parser)
{
	return &parser->tokens[parser->position];
}

static enum token_type current_type(const struct parser *parser)
{
	return parser->tokens[parser->position].type;
}

static const struct token *advance(struct parser *parser)
{
	const struct token *token = current(parser);
	if (token->type != TOKEN_EOF && token->type != TOKEN_ERROR)
		parser->position++;
	return token;
}

static void *fail_at(struct parser *parser, enum promql_error_kind kind, size_t offset, const char *format, ...)
	__attribute__((format(printf, 4, 5)));
static void *fail_at(struct parser *parser, enum promql_error_kind kind, size_t offset, const char *format, ...)
{
	if (parser->failed)
		return NULL;
	char message[320];
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	parser->failed = true;
	parser->expr->error_kind = kind;
	parser->expr->error_offset = offset;
	parser->expr->error_message = arena_strndup(parser->expr, message, strlen(message));
	return NULL;
}

/* "unexpected ..." at the current token, or the lexer's error when that is what comes next. */
static void *unexpected(struct parser *parser, const char *context)
{
	const struct token *token = current(parser);
	if (token->type == TOKEN_ERROR)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "%s", token->message);
	if (token->type == TOKEN_EOF)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "unexpected end of input%s%s",
			       context ? " in " : "", context ? context : "");
	int length = (int)(token->end - token->start);
	if (length > 40)
		length = 40;
	return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "unexpected '%.*s'%s%s", length,
		       parser->text + token->start, context ? " in " : "", context ? context : "");
}

static bool expect(struct parser *parser, enum token_type type, const char *context)
{
	if (current_type(parser) != type) {
		unexpected(parser, context);
		return false;
	}
	advance(parser);
	return true;
}

static struct promql_node *new_node(struct parser *parser, enum promql_node_kind kind, size_t start)
{
	struct promql_node *node = arena_alloc(parser->expr, sizeof(*node));
	node->kind = kind;
	node->start = start;
	node->end = start;
	return node;
}

static size_t previous_end(const struct parser *parser)
{
	return parser->position ? parser->tokens[parser->position - 1].end : 0;
}

static struct promql_node *parse_expression(struct parser *parser, int min_precedence);

static int binary_precedence(enum token_type type)
{
	switch (type) {
	case TOKEN_OR:
		return 1;
	case TOKEN_AND:
	case TOKEN_UNLESS:
		return 2;
	case TOKEN_EQLC:
	case TOKEN_NEQ:
	case TOKEN_LTE:
	case TOKEN_LSS:
	case TOKEN_GTE:
	case TOKEN_GTR:
		return 3;
	case TOKEN_ADD:
	case TOKEN_SUB:
		return 4;
	case TOKEN_MUL:
	case TOKEN_DIV:
	case TOKEN_MOD:
	case TOKEN_ATAN2:
		return 5;
	case TOKEN_POW:
		return 6;
	default:
		return 0;
	}
}

static enum promql_operator binary_operator(enum token_type type)
{
	switch (type) {
	case TOKEN_ADD: return PROMQL_OP_ADD;
	case TOKEN_SUB: return PROMQL_OP_SUB;
	case TOKEN_MUL: return PROMQL_OP_MUL;
	case TOKEN_DIV: return PROMQL_OP_DIV;
	case TOKEN_MOD: return PROMQL_OP_MOD;
	case TOKEN_POW: return PROMQL_OP_POW;
	case TOKEN_ATAN2: return PROMQL_OP_ATAN2;
	case TOKEN_EQLC: return PROMQL_OP_EQUAL;
	case TOKEN_NEQ: return PROMQL_OP_NOT_EQUAL;
	case TOKEN_LTE: return PROMQL_OP_LESS_EQUAL;
	case TOKEN_LSS: return PROMQL_OP_LESS;
	case TOKEN_GTE: return PROMQL_OP_GREATER_EQUAL;
	case TOKEN_GTR: return PROMQL_OP_GREATER;
	case TOKEN_AND: return PROMQL_OP_AND;
	case TOKEN_OR: return PROMQL_OP_OR;
	default: return PROMQL_OP_UNLESS;
	}
}

static bool is_keyword(enum token_type type)
{
	return type >= TOKEN_AND;
}

/* Tokens Prometheus 2.42 accepts as a metric name: identifiers and some keywords. */
static bool is_metric_identifier(enum token_type type)
{
	switch (type) {
	case TOKEN_IDENTIFIER:
	case TOKEN_METRIC_IDENTIFIER:
	case TOKEN_AGGREGATOR:
	case TOKEN_AND:
	case TOKEN_OR:
	case TOKEN_UNLESS:
	case TOKEN_OFFSET:
	case TOKEN_BY:
	case TOKEN_WITHOUT:
	case TOKEN_START:
	case TOKEN_END:
		return true;
	default:
		return false;
	}
}

/* `( label, ... )`: identifiers and every keyword but `without` may name a label. */
static bool parse_label_list(struct parser *parser, struct promql_label_list *list)
{
	if (!expect(parser, TOKEN_LEFT_PAREN, "grouping opts"))
		return false;
	size_t alloc = 0;
	for (;;) {
		const struct token *token = current(parser);
		if (token->type == TOKEN_RIGHT_PAREN)
			break;
		if (token->type == TOKEN_METRIC_IDENTIFIER || token->type == TOKEN_NUMBER) {
			fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "unexpected '%.*s' in grouping opts, expected label",
				(int)(token->end - token->start), parser->text + token->start);
			return false;
		}
		if (token->type != TOKEN_IDENTIFIER && !(is_keyword(token->type) && token->type != TOKEN_WITHOUT)) {
			unexpected(parser, "grouping opts, expected label");
			return false;
		}
		size_t needed = list->count + 1;
		if (needed > alloc) {
			size_t new_alloc = alloc ? alloc * 2 : 4;
			const char **names = arena_alloc(parser->expr, new_alloc * sizeof(*names));
			if (list->count)
				memcpy(names, list->names, list->count * sizeof(*names));
			list->names = names;
			alloc = new_alloc;
		}
		list->names[list->count++] = arena_strndup(parser->expr, parser->text + token->start, token->end - token->start);
		advance(parser);
		if (current_type(parser) == TOKEN_COMMA) {
			advance(parser);
			continue;
		}
		if (current_type(parser) != TOKEN_RIGHT_PAREN) {
			unexpected(parser, "grouping opts, expected ',' or ')'");
			return false;
		}
	}
	advance(parser);
	return true;
}

static struct promql_node *parse_vector_selector(struct parser *parser, const struct token *name_token)
{
	size_t start = name_token ? name_token->start : current(parser)->start;
	struct promql_node *node = new_node(parser, PROMQL_VECTOR_SELECTOR, start);
	if (name_token)
		node->metric_name =
			arena_strndup(parser->expr, parser->text + name_token->start, name_token->end - name_token->start);
	node->end = name_token ? name_token->end : start;
	if (current_type(parser) != TOKEN_LEFT_BRACE)
		return node;
	advance(parser);
	size_t alloc = 0;
	while (current_type(parser) != TOKEN_RIGHT_BRACE) {
		const struct token *label = current(parser);
		if (label->type != TOKEN_IDENTIFIER)
			return unexpected(parser, "label matching, expected identifier or '}'");
		advance(parser);
		enum promql_match_type type;
		switch (current_type(parser)) {
		case TOKEN_EQL: type = PROMQL_MATCH_EQUAL; break;
		case TOKEN_NEQ: type = PROMQL_MATCH_NOT_EQUAL; break;
		case TOKEN_EQL_REGEX: type = PROMQL_MATCH_REGEX; break;
		case TOKEN_NEQ_REGEX: type = PROMQL_MATCH_NOT_REGEX; break;
		default: return unexpected(parser, "label matching, expected label matching operator");
		}
		advance(parser);
		const struct token *value = current(parser);
		if (value->type != TOKEN_STRING)
			return unexpected(parser, "label matching, expected string");
		advance(parser);
		if (node->matcher_count + 1 > alloc) {
			size_t new_alloc = alloc ? alloc * 2 : 4;
			struct promql_matcher *matchers = arena_alloc(parser->expr, new_alloc * sizeof(*matchers));
			if (node->matcher_count)
				memcpy(matchers, node->matchers, node->matcher_count * sizeof(*matchers));
			node->matchers = matchers;
			alloc = new_alloc;
		}
		struct promql_matcher *matcher = &node->matchers[node->matcher_count++];
		matcher->name = arena_strndup(parser->expr, parser->text + label->start, label->end - label->start);
		matcher->type = type;
		matcher->value = unquote(parser->expr, parser->text + value->start, value->end - value->start);
		matcher->offset = label->start;
		if (type == PROMQL_MATCH_REGEX || type == PROMQL_MATCH_NOT_REGEX) {
			char buffer[200];
			const char *message;
			if (promql_check_regex(matcher->value, buffer, sizeof(buffer), &message) != 0)
				return fail_at(parser, PROMQL_ERROR_SELECTOR, value->start, "invalid regular expression '%s': %s",
					       matcher->value, message);
		}
		if (current_type(parser) == TOKEN_COMMA) {
			advance(parser);
			continue;
		}
		if (current_type(parser) != TOKEN_RIGHT_BRACE)
			return unexpected(parser, "label matching, expected ',' or '}'");
	}
	node->end = current(parser)->end;
	advance(parser);
	return node;
}

/* `( expr, ... )` of calls and aggregations: the arguments, in arena storage. */
static bool parse_arguments(struct parser *parser, struct promql_node ***arguments, size_t *count)
{
	if (!expect(parser, TOKEN_LEFT_PAREN, NULL))
		return false;
	size_t alloc = 0;
	*count = 0;
	*arguments = NULL;
	if (current_type(parser) == TOKEN_RIGHT_PAREN) {
		advance(parser);
		return true;
	}
	for (;;) {
		struct promql_node *argument = parse_expression(parser, 1);
		if (!argument)
			return false;
		if (*count + 1 > alloc) {
			size_t new_alloc = alloc ? alloc * 2 : 4;
			struct promql_node **grown = arena_alloc(parser->expr, new_alloc * sizeof(*grown));
			if (*count)
				memcpy(grown, *arguments, *count * sizeof(*grown));
			*arguments = grown;
			alloc = new_alloc;
		}
		(*arguments)[(*count)++] = argument;
		if (current_type(parser) == TOKEN_COMMA) {
			advance(parser);
			if (current_type(parser) == TOKEN_RIGHT_PAREN) {
				fail_at(parser, PROMQL_ERROR_SYNTAX, parser->tokens[parser->position - 1].start,
					"trailing commas not allowed in function call args");
				return false;
			}
			continue;
		}
		if (current_type(parser) != TOKEN_RIGHT_PAREN) {
			unexpected(parser, "argument list, expected ',' or ')'");
			return false;
		}
		advance(parser);
		return true;
	}
}

static struct promql_node *parse_aggregation(struct parser *parser)
{
	const struct token *op = advance(parser);
	struct promql_node *node = new_node(parser, PROMQL_AGGREGATE, op->start);
	node->aggregation = (enum promql_aggregation)op->aggregation;
	if (current_type(parser) == TOKEN_BY || current_type(parser) == TOKEN_WITHOUT) {
		node->has_grouping = true;
		node->grouping_without = advance(parser)->type == TOKEN_WITHOUT;
		if (!parse_label_list(parser, &node->grouping))
			return NULL;
	}
	struct promql_node **arguments;
	size_t count;
	if (!parse_arguments(parser, &arguments, &count))
		return NULL;
	node->end = previous_end(parser);
	if (!node->has_grouping && (current_type(parser) == TOKEN_BY || current_type(parser) == TOKEN_WITHOUT)) {
		node->has_grouping = true;
		node->grouping_without = advance(parser)->type == TOKEN_WITHOUT;
		if (!parse_label_list(parser, &node->grouping))
			return NULL;
		node->end = previous_end(parser);
	}
	if (count == 0)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start, "no arguments for aggregate expression provided");
	bool has_parameter = node->aggregation == PROMQL_AGG_TOPK || node->aggregation == PROMQL_AGG_BOTTOMK ||
			     node->aggregation == PROMQL_AGG_COUNT_VALUES || node->aggregation == PROMQL_AGG_QUANTILE;
	size_t wanted = has_parameter ? 2 : 1;
	if (count != wanted)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start,
			       "wrong number of arguments for aggregate expression provided, expected %zu, got %zu", wanted, count);
	if (has_parameter)
		node->parameter = arguments[0];
	node->operand = arguments[wanted - 1];
	return node;
}

static struct promql_node *parse_call(struct parser *parser)
{
	const struct token *name = advance(parser);
	struct promql_node *node = new_node(parser, PROMQL_CALL, name->start);
	char *function_name = arena_strndup(parser->expr, parser->text + name->start, name->end - name->start);
	if (!parse_arguments(parser, &node->arguments, &node->argument_count))
		return NULL;
	node->end = previous_end(parser);
	node->function = promql_function_find(function_name);
	if (!node->function)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, name->start, "unknown function with name '%s'", function_name);
	return node;
}

static struct promql_node *parse_primary(struct parser *parser)
{
	const struct token *token = current(parser);
	switch (token->type) {
	case TOKEN_NUMBER: {
		struct promql_node *node = new_node(parser, PROMQL_NUMBER, token->start);
		node->end = token->end;
		if (parse_number(parser->text + token->start, token->end - token->start, &node->number) != 0)
			return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "error parsing number '%.*s'",
				       (int)(token->end - token->start > 40 ? 40 : token->end - token->start),
				       parser->text + token->start);
		advance(parser);
		return node;
	}
	case TOKEN_STRING: {
		struct promql_node *node = new_node(parser, PROMQL_STRING, token->start);
		node->end = token->end;
		node->string = unquote(parser->expr, parser->text + token->start, token->end - token->start);
		advance(parser);
		return node;
	}
	case TOKEN_LEFT_PAREN: {
		struct promql_node *node = new_node(parser, PROMQL_PAREN, token->start);
		advance(parser);
		node->operand = parse_expression(parser, 1);
		if (!node->operand)
			return NULL;
		if (current_type(parser) != TOKEN_RIGHT_PAREN)
			return unexpected(parser, "parenthesized expression, expected ')'");
		node->end = advance(parser)->end;
		return node;
	}
	case TOKEN_LEFT_BRACE:
		return parse_vector_selector(parser, NULL);
	case TOKEN_AGGREGATOR: {
		enum token_type next = parser->tokens[parser->position + 1].type;
		if (next == TOKEN_LEFT_PAREN || next == TOKEN_BY || next == TOKEN_WITHOUT)
			return parse_aggregation(parser);
		break;
	}
	case TOKEN_IDENTIFIER:
		if (parser->tokens[parser->position + 1].type == TOKEN_LEFT_PAREN)
			return parse_call(parser);
		break;
	default:
		break;
	}
	if (is_metric_identifier(token->type)) {
		advance(parser);
		return parse_vector_selector(parser, token);
	}
	return unexpected(parser, NULL);
}

static bool parse_duration_token(struct parser *parser, int64_t *milliseconds)
{
	const struct token *token = current(parser);
	if (token->type != TOKEN_DURATION) {
		unexpected(parser, "duration");
		return false;
	}
	const char *message = "duration must be greater than 0";
	if (promql_duration_parse(parser->text + token->start, token->end - token->start, milliseconds, &message) != 0 ||
	    *milliseconds == 0) {
		fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "%s: '%.*s'", message, (int)(token->end - token->start),
			parser->text + token->start);
		return false;
	}
	advance(parser);
	return true;
}

/* The vector selector or subquery an offset or @ applies to, or NULL with the error. */
static struct promql_node *modifier_target(struct parser *parser, struct promql_node *node, const char *what)
{
	if (node->kind == PROMQL_VECTOR_SELECTOR || node->kind == PROMQL_SUBQUERY)
		return node;
	if (node->kind == PROMQL_MATRIX_SELECTOR)
		return node->operand;
	return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start,
		       "%s modifier must be preceded by an instant vector selector or range vector selector or a subquery",
		       what);
}

/* Postfix `[range]`, `[range:step]`, `offset d` and `@ t`, which bind tighter than any operator. */
static struct promql_node *parse_postfix(struct parser *parser, struct promql_node *node)
{
	while (node) {
		const struct token *token = current(parser);
		if (token->type == TOKEN_LEFT_BRACKET) {
			advance(parser);
			int64_t range;
			if (!parse_duration_token(parser, &range))
				return NULL;
			if (current_type(parser) == TOKEN_COLON) {
				advance(parser);
				struct promql_node *subquery = new_node(parser, PROMQL_SUBQUERY, node->start);
				subquery->operand = node;
				subquery->range_ms = range;
				if (current_type(parser) == TOKEN_DURATION && !parse_duration_token(parser, &subquery->step_ms))
					return NULL;
				if (current_type(parser) != TOKEN_RIGHT_BRACKET)
					return unexpected(parser, "subquery selector, expected ']'");
				subquery->end = advance(parser)->end;
				node = subquery;
				continue;
			}
			if (current_type(parser) != TOKEN_RIGHT_BRACKET)
				return unexpected(parser, "matrix selector, expected ']' or ':'");
			size_t end = advance(parser)->end;
			if (node->kind != PROMQL_VECTOR_SELECTOR)
				return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "ranges only allowed for vector selectors");
			if (node->offset_ms != 0)
				return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "no offset modifiers allowed before range");
			if (node->at == PROMQL_AT_TIMESTAMP) /* 2.42 lets `@ start()` and `@ end()` through */
				return fail_at(parser, PROMQL_ERROR_SYNTAX, token->start, "no @ modifiers allowed before range");
			struct promql_node *matrix = new_node(parser, PROMQL_MATRIX_SELECTOR, node->start);
			matrix->operand = node;
			matrix->range_ms = range;
			matrix->end = end;
			node = matrix;
		} else if (token->type == TOKEN_OFFSET) {
			advance(parser);
			bool negative = false;
			if (current_type(parser) == TOKEN_SUB) {
				advance(parser);
				negative = true;
			}
			int64_t offset;
			if (!parse_duration_token(parser, &offset))
				return NULL;
			struct promql_node *target = modifier_target(parser, node, "offset");
			if (!target)
				return NULL;
			if (target->offset_ms != 0)
				return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start, "offset may not be set multiple times");
			target->offset_ms = negative ? -offset : offset;
			node->end = previous_end(parser);
		} else if (token->type == TOKEN_AT) {
			advance(parser);
			enum promql_at at = PROMQL_AT_TIMESTAMP;
			double timestamp = 0;
			const struct token *value = current(parser);
			if (value->type == TOKEN_START || value->type == TOKEN_END) {
				at = value->type == TOKEN_START ? PROMQL_AT_START : PROMQL_AT_END;
				advance(parser);
				if (!expect(parser, TOKEN_LEFT_PAREN, "@") || !expect(parser, TOKEN_RIGHT_PAREN, "@"))
					return NULL;
			} else {
				bool negative = false;
				if (value->type == TOKEN_ADD || value->type == TOKEN_SUB) {
					negative = value->type == TOKEN_SUB;
					advance(parser);
					value = current(parser);
				}
				if (value->type != TOKEN_NUMBER)
					return unexpected(parser, "@, expected timestamp");
				if (parse_number(parser->text + value->start, value->end - value->start, &timestamp) != 0)
					return fail_at(parser, PROMQL_ERROR_SYNTAX, value->start, "error parsing number");
				advance(parser);
				if (negative)
					timestamp = -timestamp;
			}
			struct promql_node *target = modifier_target(parser, node, "@");
			if (!target)
				return NULL;
			if (at == PROMQL_AT_TIMESTAMP && (isnan(timestamp) || isinf(timestamp) ||
							  timestamp >= 9223372036854775807.0 || timestamp <= -9223372036854775808.0))
				return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start, "timestamp out of bounds for @ modifier");
			if (target->at != PROMQL_AT_NONE)
				return fail_at(parser, PROMQL_ERROR_SYNTAX, node->start, "@ <timestamp> may not be set multiple times");
			target->at = at;
			target->at_timestamp = timestamp;
			node->end = previous_end(parser);
		} else {
			return node;
		}
	}
	return node;
}

/* A unary sign binds less tightly than `^` and the postfix modifiers, more than `*`. */
static struct promql_node *parse_unary(struct parser *parser)
{
	const struct token *token = current(parser);
	if (token->type != TOKEN_ADD && token->type != TOKEN_SUB)
		return parse_postfix(parser, parse_primary(parser));
	advance(parser);
	struct promql_node *operand = parse_expression(parser, 6);
	if (!operand)
		return NULL;
	if (operand->kind == PROMQL_NUMBER) {
		/* Prometheus folds a signed number literal into the literal */
		if (token->type == TOKEN_SUB)
			operand->number = -operand->number;
		operand->start = token->start;
		return operand;
	}
	struct promql_node *node = new_node(parser, PROMQL_UNARY, token->start);
	node->op = token->type == TOKEN_ADD ? PROMQL_OP_ADD : PROMQL_OP_SUB;
	node->operand = operand;
	node->end = operand->end;
	return node;
}

/* Every nesting (parentheses, arguments, signs, right operands) passes here: the depth limit
 * keeps hostile input from exhausting the stack. */
static struct promql_node *parse_expression(struct parser *parser, int min_precedence)
{
	if (parser->depth >= PROMQL_MAX_DEPTH)
		return fail_at(parser, PROMQL_ERROR_SYNTAX, current(parser)->start, "expression nested too deeply");
	parser->depth++;
	struct promql_node *left = parse_unary(parser);
	while (left) {
		const struct token *op = current(parser);
		int precedence = binary_precedence(op->type);
		if (precedence == 0 || precedence < min_precedence)
			break;
		advance(parser);
		struct promql_node *node = new_node(parser, PROMQL_BINARY, left->start);
		node->op = binary_operator(op->type);
		node->left = left;
		if (current_type(parser) == TOKEN_BOOL) {
			advance(parser);
			node->return_bool = true;
		}
		if (current_type(parser) == TOKEN_ON || current_type(parser) == TOKEN_IGNORING) {
			node->has_matching = true;
			node->matching_on = advance(parser)->type == TOKEN_ON;
			if (!parse_label_list(parser, &node->matching_labels)) {
				left = NULL;
				break;
			}
			if (current_type(parser) == TOKEN_GROUP_LEFT || current_type(parser) == TOKEN_GROUP_RIGHT) {
				node->cardinality = advance(parser)->type == TOKEN_GROUP_LEFT ? PROMQL_MANY_TO_ONE : PROMQL_ONE_TO_MANY;
				if (current_type(parser) == TOKEN_LEFT_PAREN && !parse_label_list(parser, &node->include_labels)) {
					left = NULL;
					break;
				}
			}
		}
		/* `^` is right-associative: its right side may hold another `^` */
		int next_min = op->type == TOKEN_POW ? precedence : precedence + 1;
		node->right = parse_expression(parser, next_min);
		if (!node->right) {
			left = NULL;
			break;
		}
		node->end = node->right->end;
		node->start = left->start;
		node->operator_offset = op->start;
		left = node;
		continue;
	}
	parser->depth--;
	return left;
}

/* ---- type check (Prometheus' checkAST), after a clean parse ---- */

struct checker {
	struct parser *parser;
};

static bool is_comparison(enum promql_operator op)
{
	return op >= PROMQL_OP_EQUAL && op <= PROMQL_OP_GREATER;
}

static bool is_set_operator(enum promql_operator op)
{
	return op == PROMQL_OP_AND || op == PROMQL_OP_OR || op == PROMQL_OP_UNLESS;
}

static const char *operator_spelling(enum promql_operator op)
{
	static const char *const spellings[] = { "+", "-", "*", "/", "%", "^", "atan2", "==", "!=", "<=", "<", ">=", ">",
						 "and", "or", "unless" };
	return spellings[op];
}

static enum promql_value_type check_node(struct parser *parser, struct promql_node *node);

static bool expect_type(struct parser *parser, struct promql_node *node, enum promql_value_type want, const char *context)
{
	enum promql_value_type got = check_node(parser, node);
	if (parser->failed)
		return false;
	if (got != want) {
		fail_at(parser, PROMQL_ERROR_TYPE, node->start, "expected type %s in %s, got %s", promql_type_name(want),
			context, promql_type_name(got));
		return false;
	}
	return true;
}

static bool label_listed(const struct promql_label_list *list, const char *label)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->names[i], label) == 0)
			return true;
	return false;
}

static enum promql_value_type check_binary(struct parser *parser, struct promql_node *node)
{
	enum promql_value_type left = check_node(parser, node->left);
	enum promql_value_type right = parser->failed ? PROMQL_TYPE_NONE : check_node(parser, node->right);
	if (parser->failed)
		return PROMQL_TYPE_NONE;
	size_t op_at = node->operator_offset;
	const char *spelling = operator_spelling(node->op);
	if (node->return_bool && !is_comparison(node->op))
		return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "bool modifier can only be used on comparison operators"),
		       PROMQL_TYPE_NONE;
	if (is_comparison(node->op) && !node->return_bool && left == PROMQL_TYPE_SCALAR && right == PROMQL_TYPE_SCALAR)
		return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "comparisons between scalars must use bool modifier"),
		       PROMQL_TYPE_NONE;
	if (is_set_operator(node->op) && node->cardinality == PROMQL_ONE_TO_ONE)
		node->cardinality = PROMQL_MANY_TO_MANY;
	if (node->matching_on)
		for (size_t i = 0; i < node->matching_labels.count; i++)
			if (label_listed(&node->include_labels, node->matching_labels.names[i]))
				return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "label '%s' must not occur in on and group clause at once",
					       node->matching_labels.names[i]),
				       PROMQL_TYPE_NONE;
	if (left != PROMQL_TYPE_SCALAR && left != PROMQL_TYPE_VECTOR)
		return fail_at(parser, PROMQL_ERROR_TYPE, node->left->start,
			       "binary expression must contain only scalar and instant vector types, got %s",
			       promql_type_name(left)),
		       PROMQL_TYPE_NONE;
	if (right != PROMQL_TYPE_SCALAR && right != PROMQL_TYPE_VECTOR)
		return fail_at(parser, PROMQL_ERROR_TYPE, node->right->start,
			       "binary expression must contain only scalar and instant vector types, got %s",
			       promql_type_name(right)),
		       PROMQL_TYPE_NONE;
	if (left != PROMQL_TYPE_VECTOR || right != PROMQL_TYPE_VECTOR) {
		if (node->matching_labels.count > 0)
			return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "vector matching only allowed between instant vectors"),
			       PROMQL_TYPE_NONE;
	} else if (is_set_operator(node->op)) {
		if (node->cardinality == PROMQL_MANY_TO_ONE || node->cardinality == PROMQL_ONE_TO_MANY)
			return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "no grouping allowed for '%s' operation", spelling),
			       PROMQL_TYPE_NONE;
	}
	if ((left == PROMQL_TYPE_SCALAR || right == PROMQL_TYPE_SCALAR) && is_set_operator(node->op))
		return fail_at(parser, PROMQL_ERROR_TYPE, op_at, "set operator '%s' not allowed in binary scalar expression",
			       spelling),
		       PROMQL_TYPE_NONE;
	return left == PROMQL_TYPE_SCALAR && right == PROMQL_TYPE_SCALAR ? PROMQL_TYPE_SCALAR : PROMQL_TYPE_VECTOR;
}

static enum promql_value_type check_selector(struct parser *parser, struct promql_node *node)
{
	bool not_empty = node->metric_name != NULL;
	for (size_t i = 0; i < node->matcher_count; i++) {
		const struct promql_matcher *matcher = &node->matchers[i];
		if (node->metric_name && strcmp(matcher->name, "__name__") == 0)
			return fail_at(parser, PROMQL_ERROR_SELECTOR, node->start, "metric name must not be set twice: '%s' or '%s'",
				       node->metric_name, matcher->value),
			       PROMQL_TYPE_NONE;
		bool matches_empty;
		switch (matcher->type) {
		case PROMQL_MATCH_EQUAL:
			matches_empty = matcher->value[0] == '\0';
			break;
		case PROMQL_MATCH_NOT_EQUAL:
			matches_empty = matcher->value[0] != '\0';
			break;
		case PROMQL_MATCH_REGEX:
			matches_empty = regex_matches_empty(matcher->value);
			break;
		default:
			matches_empty = !regex_matches_empty(matcher->value);
			break;
		}
		not_empty |= !matches_empty;
	}
	if (!not_empty)
		return fail_at(parser, PROMQL_ERROR_SELECTOR, node->start,
			       "vector selector must contain at least one non-empty matcher"),
		       PROMQL_TYPE_NONE;
	return PROMQL_TYPE_VECTOR;
}

static enum promql_value_type check_call(struct parser *parser, struct promql_node *node)
{
	const struct promql_function *function = node->function;
	size_t wanted = function->argument_count, got = node->argument_count;
	if (function->variadic == 0) {
		if (wanted != got)
			return fail_at(parser, PROMQL_ERROR_TYPE, node->start, "expected %zu argument(s) in call to '%s', got %zu",
				       wanted, function->name, got),
			       PROMQL_TYPE_NONE;
	} else {
		size_t minimum = wanted - 1;
		if (got < minimum)
			return fail_at(parser, PROMQL_ERROR_TYPE, node->start,
				       "expected at least %zu argument(s) in call to '%s', got %zu", minimum, function->name, got),
			       PROMQL_TYPE_NONE;
		if (function->variadic > 0 && got > minimum + (size_t)function->variadic)
			return fail_at(parser, PROMQL_ERROR_TYPE, node->start,
				       "expected at most %zu argument(s) in call to '%s', got %zu",
				       minimum + (size_t)function->variadic, function->name, got),
			       PROMQL_TYPE_NONE;
	}
	char context[96];
	snprintf(context, sizeof(context), "call to function '%s'", function->name);
	for (size_t i = 0; i < got; i++) {
		size_t type_index = i < wanted ? i : wanted - 1;
		if (!expect_type(parser, node->arguments[i], function->argument_types[type_index], context))
			return PROMQL_TYPE_NONE;
	}
	return function->return_type;
}

static enum promql_value_type check_node(struct parser *parser, struct promql_node *node)
{
	enum promql_value_type type = PROMQL_TYPE_NONE;
	switch (node->kind) {
	case PROMQL_NUMBER:
		type = PROMQL_TYPE_SCALAR;
		break;
	case PROMQL_STRING:
		type = PROMQL_TYPE_STRING;
		break;
	case PROMQL_VECTOR_SELECTOR:
		type = check_selector(parser, node);
		break;
	case PROMQL_MATRIX_SELECTOR:
		check_node(parser, node->operand);
		type = PROMQL_TYPE_MATRIX;
		break;
	case PROMQL_SUBQUERY: {
		enum promql_value_type inner = check_node(parser, node->operand);
		if (!parser->failed && inner != PROMQL_TYPE_VECTOR)
			fail_at(parser, PROMQL_ERROR_TYPE, node->start, "subquery is only allowed on instant vector, got %s instead",
				promql_type_name(inner));
		type = PROMQL_TYPE_MATRIX;
		break;
	}
	case PROMQL_PAREN:
		type = check_node(parser, node->operand);
		break;
	case PROMQL_UNARY:
		type = check_node(parser, node->operand);
		if (!parser->failed && type != PROMQL_TYPE_SCALAR && type != PROMQL_TYPE_VECTOR)
			fail_at(parser, PROMQL_ERROR_TYPE, node->start,
				"unary expression only allowed on expressions of type scalar or instant vector, got %s",
				promql_type_name(type));
		break;
	case PROMQL_BINARY:
		type = check_binary(parser, node);
		break;
	case PROMQL_AGGREGATE:
		if (!expect_type(parser, node->operand, PROMQL_TYPE_VECTOR, "aggregation expression"))
			break;
		if (node->aggregation == PROMQL_AGG_COUNT_VALUES)
			expect_type(parser, node->parameter, PROMQL_TYPE_STRING, "aggregation parameter");
		else if (node->parameter)
			expect_type(parser, node->parameter, PROMQL_TYPE_SCALAR, "aggregation parameter");
		type = PROMQL_TYPE_VECTOR;
		break;
	case PROMQL_CALL:
		type = check_call(parser, node);
		break;
	}
	node->type = type;
	return parser->failed ? PROMQL_TYPE_NONE : type;
}

int promql_parse(struct promql_expr *expr, const char *text, size_t length)
{
	promql_expr_release(expr);
	struct lexer lexer = { 0 };
	lexer.expr = expr;
	lexer.text = text;
	lexer.length = length;
	lex_all(&lexer);
	/* one extra EOF so a look-ahead of two tokens never leaves the array */
	size_t end = lexer.position;
	emit(&lexer, TOKEN_EOF, end);

	struct parser parser = { expr, text, lexer.tokens, 0, 0, false };
	struct promql_node *root = parse_expression(&parser, 1);
	if (root && current_type(&parser) != TOKEN_EOF)
		unexpected(&parser, NULL);
	if (!parser.failed && root)
		check_node(&parser, root);
	free(lexer.tokens);
	if (parser.failed || !root) {
		if (!parser.failed)
			fail_at(&parser, PROMQL_ERROR_SYNTAX, 0, "empty expression");
		expr->root = NULL;
		return -1;
	}
	expr->root = root;
	return 0;
}

/* ---- walks ---- */

void promql_walk(const struct promql_node *node, void (*visit)(const struct promql_node *node, void *context),
		 void *context)
{
	if (!node)
		return;
	visit(node, context);
	switch (node->kind) {
	case PROMQL_BINARY:
		promql_walk(node->left, visit, context);
		promql_walk(node->right, visit, context);
		break;
	case PROMQL_AGGREGATE:
		promql_walk(node->parameter, visit, context);
		promql_walk(node->operand, visit, context);
		break;
	case PROMQL_CALL:
		for (size_t i = 0; i < node->argument_count; i++)
			promql_walk(node->arguments[i], visit, context);
		break;
	default:
		promql_walk(node->operand, visit, context);
		break;
	}
}

struct metric_name_walk {
	void (*found)(const char *name, size_t offset, void *context);
	void *context;
};

static void visit_metric_name(const struct promql_node *node, void *context)
{
	struct metric_name_walk *walk = context;
	if (node->kind != PROMQL_VECTOR_SELECTOR)
		return;
	if (node->metric_name) {
		walk->found(node->metric_name, node->start, walk->context);
		return;
	}
	for (size_t i = 0; i < node->matcher_count; i++)
		if (node->matchers[i].type == PROMQL_MATCH_EQUAL && strcmp(node->matchers[i].name, "__name__") == 0)
			walk->found(node->matchers[i].value, node->matchers[i].offset, walk->context);
}

void promql_metric_names(const struct promql_node *root,
			 void (*found)(const char *name, size_t offset, void *context), void *context)
{
	struct metric_name_walk walk = { found, context };
	promql_walk(root, visit_metric_name, &walk);
}

/* ---- label propagation ---- */

static bool vector_typed(const struct promql_node *node)
{
	return node->type == PROMQL_TYPE_VECTOR || node->type == PROMQL_TYPE_MATRIX;
}

bool promql_may_carry_label(const struct promql_node *node, const char *label,
			    bool (*carries_metric)(const struct promql_node *selector, const char *label, void *context),
			    void *context)
{
	if (!node)
		return false;
	switch (node->kind) {
	case PROMQL_NUMBER:
	case PROMQL_STRING:
		return false;
	case PROMQL_VECTOR_SELECTOR:
		for (size_t i = 0; i < node->matcher_count; i++)
			if (node->matchers[i].type == PROMQL_MATCH_EQUAL && node->matchers[i].value[0] == '\0' &&
			    strcmp(node->matchers[i].name, label) == 0)
				return false; /* `{label=""}` selects series without it */
		return carries_metric ? carries_metric(node, label, context) : true;
	case PROMQL_MATRIX_SELECTOR:
	case PROMQL_SUBQUERY:
	case PROMQL_PAREN:
	case PROMQL_UNARY:
		return promql_may_carry_label(node->operand, label, carries_metric, context);
	case PROMQL_BINARY: {
		const struct promql_node *left = node->left, *right = node->right;
		bool left_vector = left->type == PROMQL_TYPE_VECTOR, right_vector = right->type == PROMQL_TYPE_VECTOR;
		if (!left_vector && !right_vector)
			return false;
		if (!right_vector)
			return promql_may_carry_label(left, label, carries_metric, context);
		if (!left_vector)
			return promql_may_carry_label(right, label, carries_metric, context);
		if (node->op == PROMQL_OP_OR)
			return promql_may_carry_label(left, label, carries_metric, context) ||
			       promql_may_carry_label(right, label, carries_metric, context);
		if (is_set_operator(node->op))
			return promql_may_carry_label(left, label, carries_metric, context);
		const struct promql_node *many = node->cardinality == PROMQL_ONE_TO_MANY ? right : left;
		const struct promql_node *one = node->cardinality == PROMQL_ONE_TO_MANY ? left : right;
		if (node->cardinality == PROMQL_ONE_TO_ONE) {
			bool listed = label_listed(&node->matching_labels, label);
			if (node->matching_on ? !listed : listed)
				return false;
			return promql_may_carry_label(left, label, carries_metric, context);
		}
		if (promql_may_carry_label(many, label, carries_metric, context))
			return true;
		return label_listed(&node->include_labels, label) && promql_may_carry_label(one, label, carries_metric, context);
	}
	case PROMQL_AGGREGATE: {
		if (node->aggregation == PROMQL_AGG_COUNT_VALUES && node->parameter && node->parameter->kind == PROMQL_STRING &&
		    strcmp(node->parameter->string, label) == 0)
			return true;
		if (node->aggregation == PROMQL_AGG_TOPK || node->aggregation == PROMQL_AGG_BOTTOMK)
			return promql_may_carry_label(node->operand, label, carries_metric, context); /* whole series */
		if (!node->has_grouping)
			return false;
		bool listed = label_listed(&node->grouping, label);
		if (node->grouping_without ? listed : !listed)
			return false;
		return promql_may_carry_label(node->operand, label, carries_metric, context);
	}
	case PROMQL_CALL: {
		const char *name = node->function->name;
		if ((strcmp(name, "label_replace") == 0 || strcmp(name, "label_join") == 0) && node->argument_count > 1 &&
		    node->arguments[1]->kind == PROMQL_STRING && strcmp(node->arguments[1]->string, label) == 0)
			return true;
		if (strcmp(name, "absent") == 0 || strcmp(name, "absent_over_time") == 0) {
			/* the result carries the equality matchers of the selector */
			const struct promql_node *selector = node->argument_count ? node->arguments[0] : NULL;
			if (selector && selector->kind == PROMQL_MATRIX_SELECTOR)
				selector = selector->operand;
			if (!selector || selector->kind != PROMQL_VECTOR_SELECTOR)
				return false;
			for (size_t i = 0; i < selector->matcher_count; i++)
				if (selector->matchers[i].type == PROMQL_MATCH_EQUAL && strcmp(selector->matchers[i].name, label) == 0)
					return true;
			return false;
		}
		if (node->type != PROMQL_TYPE_VECTOR)
			return false;
		if (strcmp(name, "histogram_quantile") == 0 && strcmp(label, "le") == 0)
			return false;
		for (size_t i = 0; i < node->argument_count; i++)
			if (vector_typed(node->arguments[i]))
				return promql_may_carry_label(node->arguments[i], label, carries_metric, context);
		return false;
	}
	}
	return false;
}
