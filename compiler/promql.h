/* PromQL as Prometheus 2.42 parses it: a lexer and a depth-limited recursive-descent parser
 * into an AST, the type checks of the Prometheus parser, and walks for later users.
 *
 * Ownership: a promql_expr owns every node, string and list of its parse (one arena), freed by
 * promql_expr_release. Nodes point into that arena only, never into the input text. */
#ifndef GOOSE_PROMQL_H
#define GOOSE_PROMQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum promql_value_type {
	PROMQL_TYPE_NONE,
	PROMQL_TYPE_SCALAR,
	PROMQL_TYPE_VECTOR, /* instant vector */
	PROMQL_TYPE_MATRIX, /* range vector */
	PROMQL_TYPE_STRING,
};

enum promql_node_kind {
	PROMQL_NUMBER,
	PROMQL_STRING,
	PROMQL_VECTOR_SELECTOR,
	PROMQL_MATRIX_SELECTOR, /* operand: the vector selector */
	PROMQL_SUBQUERY,        /* operand: any instant-vector expression */
	PROMQL_PAREN,
	PROMQL_UNARY,
	PROMQL_BINARY,
	PROMQL_AGGREGATE,
	PROMQL_CALL,
};

enum promql_operator {
	PROMQL_OP_ADD,
	PROMQL_OP_SUB,
	PROMQL_OP_MUL,
	PROMQL_OP_DIV,
	PROMQL_OP_MOD,
	PROMQL_OP_POW,
	PROMQL_OP_ATAN2,
	PROMQL_OP_EQUAL,         /* == */
	PROMQL_OP_NOT_EQUAL,     /* != */
	PROMQL_OP_LESS_EQUAL,
	PROMQL_OP_LESS,
	PROMQL_OP_GREATER_EQUAL,
	PROMQL_OP_GREATER,
	PROMQL_OP_AND,
	PROMQL_OP_OR,
	PROMQL_OP_UNLESS,
};

enum promql_aggregation {
	PROMQL_AGG_SUM,
	PROMQL_AGG_AVG,
	PROMQL_AGG_COUNT,
	PROMQL_AGG_MIN,
	PROMQL_AGG_MAX,
	PROMQL_AGG_GROUP,
	PROMQL_AGG_STDDEV,
	PROMQL_AGG_STDVAR,
	PROMQL_AGG_TOPK,
	PROMQL_AGG_BOTTOMK,
	PROMQL_AGG_COUNT_VALUES,
	PROMQL_AGG_QUANTILE,
};

enum promql_match_type {
	PROMQL_MATCH_EQUAL,     /* = */
	PROMQL_MATCH_NOT_EQUAL, /* != */
	PROMQL_MATCH_REGEX,     /* =~ */
	PROMQL_MATCH_NOT_REGEX, /* !~ */
};

enum promql_cardinality {
	PROMQL_ONE_TO_ONE,
	PROMQL_MANY_TO_ONE,  /* group_left */
	PROMQL_ONE_TO_MANY,  /* group_right */
	PROMQL_MANY_TO_MANY, /* set operators */
};

enum promql_at {
	PROMQL_AT_NONE,
	PROMQL_AT_TIMESTAMP,
	PROMQL_AT_START,
	PROMQL_AT_END,
};

struct promql_matcher {
	const char *name;
	enum promql_match_type type;
	const char *value;
	size_t offset; /* of the label name in the expression */
};

struct promql_label_list {
	const char **names;
	size_t count;
};

struct promql_function {
	const char *name;
	enum promql_value_type argument_types[5];
	size_t argument_count;
	int variadic; /* 0: exactly argument_count; n > 0: up to n more of the last type; -1: any */
	enum promql_value_type return_type;
};

struct promql_node {
	enum promql_node_kind kind;
	size_t start, end;           /* byte range in the expression */
	enum promql_value_type type; /* set by the type check */

	double number;      /* PROMQL_NUMBER */
	const char *string; /* PROMQL_STRING, decoded */

	/* PROMQL_VECTOR_SELECTOR: name NULL for `{...}` alone */
	const char *metric_name;
	struct promql_matcher *matchers;
	size_t matcher_count;
	int64_t offset_ms;      /* vector selector or subquery; 0 when none */
	enum promql_at at;
	double at_timestamp;
	int64_t range_ms;       /* matrix selector and subquery */
	int64_t step_ms;        /* subquery; 0 when omitted */

	/* PROMQL_UNARY (op ADD or SUB) and PROMQL_BINARY */
	enum promql_operator op;
	size_t operator_offset; /* binary: where the operator is written */
	bool return_bool;
	bool has_matching, matching_on; /* on(...) when matching_on, ignoring(...) otherwise */
	struct promql_label_list matching_labels, include_labels;
	enum promql_cardinality cardinality;
	struct promql_node *left, *right;

	/* PROMQL_AGGREGATE */
	enum promql_aggregation aggregation;
	bool has_grouping, grouping_without;
	struct promql_label_list grouping;
	struct promql_node *parameter; /* topk, bottomk, quantile, count_values */

	/* operand of matrix selector, subquery, paren, unary and aggregate */
	struct promql_node *operand;

	/* PROMQL_CALL */
	const struct promql_function *function;
	struct promql_node **arguments;
	size_t argument_count;
};

enum promql_error_kind {
	PROMQL_ERROR_NONE,
	PROMQL_ERROR_SYNTAX,   /* lexing and grammar, literals, modifiers */
	PROMQL_ERROR_TYPE,     /* argument and operand types, arity, bool rules */
	PROMQL_ERROR_SELECTOR, /* empty-matching selectors, invalid regexes, name set twice */
};

struct promql_arena_block;

struct promql_expr {
	struct promql_node *root;          /* NULL when the parse failed */
	enum promql_error_kind error_kind; /* the first error only */
	size_t error_offset;               /* byte index in the expression */
	const char *error_message;         /* lowercase, no final full stop */
	struct promql_arena_block *arena;
};

/* Deeper nesting than this (parentheses, unary signs, `^` chains) is an error, not a crash. */
#define PROMQL_MAX_DEPTH 200

void promql_expr_init(struct promql_expr *expr);
void promql_expr_release(struct promql_expr *expr);

/* Parses and type-checks `length` bytes of `text` (no NUL needed). Returns 0, or -1 with the
 * error in expr. An expression may release and parse again. */
int promql_parse(struct promql_expr *expr, const char *text, size_t length);

/* "scalar", "instant vector", "range vector", "string" */
const char *promql_type_name(enum promql_value_type type);

/* The function of Prometheus 2.42 called `name`, or NULL. */
const struct promql_function *promql_function_find(const char *name);

/* Calls `visit` for every node, parents before children, operands in source order. */
void promql_walk(const struct promql_node *node, void (*visit)(const struct promql_node *node, void *context),
		 void *context);

/* Calls `found` for every metric name a selector names (`name{...}` or `{__name__="name"}`),
 * with the byte index where the name is written. */
void promql_metric_names(const struct promql_node *root,
			 void (*found)(const char *name, size_t offset, void *context), void *context);

/* Whether the result of `node` may carry label `label`: selectors may carry any label,
 * aggregations keep only their `by` labels (or drop their `without` labels), binary operators
 * keep the labels of the side the matching keeps, label_replace/label_join/count_values add
 * theirs. `carries_metric`, when not NULL, answers for a selector's metric (a recording rule
 * whose own result may carry the label); NULL treats every selector as "any label". */
bool promql_may_carry_label(const struct promql_node *node, const char *label,
			    bool (*carries_metric)(const struct promql_node *selector, const char *label, void *context),
			    void *context);

/* Prometheus' duration syntax (model.ParseDuration): units in the order y w d h m s ms, each at
 * most once, or "0". Returns 0 with the milliseconds, or -1 with a message. */
int promql_duration_parse(const char *text, size_t length, int64_t *milliseconds, const char **message);

/* Checks a regex matcher the way Prometheus (Go RE2, anchored) would: 0, or -1 with a message
 * (static storage or `buffer`). */
int promql_check_regex(const char *pattern, char *buffer, size_t buffer_size, const char **message);

#endif
