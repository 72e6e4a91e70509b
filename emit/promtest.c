/* The promtool backend: a unit-test file per threshold and SLO alert under
 * monitoring/prometheus/tests/, proving each emitted rule fires on one side of its level and
 * stays silent on the other (run with `promtool test rules FILE`). */
#include "emit.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "promrule.h"
#include "selector.h"
#include "util.h"
#include "yaml.h"
#include "banned.h"

/* A series the tests feed: a metric name and labels, as name/value pairs ending in NULL. */
struct series {
	char *metric;
	char **labels;
	size_t label_count; /* pairs */
};

static void series_release(struct series *series)
{
	free(series->metric);
	for (size_t i = 0; i < series->label_count * 2; i++)
		free(series->labels[i]);
	free(series->labels);
	memset(series, 0, sizeof(*series));
}

static void series_set(struct series *series, const char *name, const char *value)
{
	for (size_t i = 0; i < series->label_count; i++)
		if (strcmp(series->labels[2 * i], name) == 0) {
			free(series->labels[2 * i + 1]);
			series->labels[2 * i + 1] = xstrdup(value);
			return;
		}
	series->labels = xrealloc(series->labels, (series->label_count * 2 + 3) * sizeof(*series->labels));
	series->labels[2 * series->label_count] = xstrdup(name);
	series->labels[2 * series->label_count + 1] = xstrdup(value);
	series->label_count++;
	series->labels[2 * series->label_count] = NULL;
}

static const char *series_get(const struct series *series, const char *name)
{
	for (size_t i = 0; i < series->label_count; i++)
		if (strcmp(series->labels[2 * i], name) == 0)
			return series->labels[2 * i + 1];
	return NULL;
}

/* `metric{a="b", c="d"}` in promtool's series notation, labels sorted for stable output. */
static int compare_label_pairs(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

static void series_notation(const struct series *series, struct strbuf *out)
{
	char **pairs = xcalloc(series->label_count + 1, sizeof(*pairs));
	for (size_t i = 0; i < series->label_count; i++)
		pairs[i] = xasprintf("%s=\"%s\"", series->labels[2 * i], series->labels[2 * i + 1]);
	qsort(pairs, series->label_count, sizeof(*pairs), compare_label_pairs);
	strbuf_addstr(out, series->metric);
	strbuf_addch(out, '{');
	for (size_t i = 0; i < series->label_count; i++) {
		strbuf_addf(out, "%s%s", i ? ", " : "", pairs[i]);
		free(pairs[i]);
	}
	strbuf_addch(out, '}');
	free(pairs);
}

/* A label value the regex `pattern` matches, for the simple patterns label matchers use
 * ("5..", "5\\d\\d", "[45]..", "GET|POST"); -1 for anything richer. The caller checks the
 * result against the whole selector. */
static int value_for_regex(const char *pattern, struct strbuf *out)
{
	for (const char *cursor = pattern; *cursor && *cursor != '|'; cursor++) {
		char c = *cursor;
		if (isalnum((unsigned char)c) || strchr("_-/: ", c)) {
			strbuf_addch(out, c);
		} else if (c == '.') {
			strbuf_addch(out, '0');
		} else if (c == '+') {
			continue; /* one of the atom before is enough */
		} else if (c == '\\' && cursor[1]) {
			cursor++;
			if (*cursor == 'd')
				strbuf_addch(out, '0');
			else if (*cursor == 'w')
				strbuf_addch(out, 'a');
			else if (!isalnum((unsigned char)*cursor))
				strbuf_addch(out, *cursor);
			else
				return -1;
		} else if (c == '[' && cursor[1] && cursor[1] != '^' && cursor[1] != ']' && cursor[1] != '\\') {
			strbuf_addch(out, cursor[1]);
			const char *close = strchr(cursor + 2, ']');
			if (!close)
				return -1;
			cursor = close;
		} else {
			return -1;
		}
	}
	return 0;
}

/* A series `selector` matches: its metric, its `=` labels, a value for each regex. -1 when no
 * such series can be made simply. */
static int series_for_selector(const struct selector *selector, struct series *series)
{
	memset(series, 0, sizeof(*series));
	const char *metric = selector->metric;
	for (size_t i = 0; i < selector->matcher_count; i++)
		if (strcmp(selector->matchers[i].label, "__name__") == 0 && selector->matchers[i].match == SELECTOR_EQUAL)
			metric = selector->matchers[i].value;
	if (!metric)
		return -1;
	series->metric = xstrdup(metric);
	struct strbuf value;
	strbuf_init(&value);
	for (size_t i = 0; i < selector->matcher_count; i++) {
		const struct selector_matcher *matcher = &selector->matchers[i];
		if (strcmp(matcher->label, "__name__") == 0)
			continue;
		strbuf_reset(&value);
		if (matcher->match == SELECTOR_EQUAL)
			strbuf_addstr(&value, matcher->value);
		else if (matcher->match == SELECTOR_REGEX && value_for_regex(matcher->value, &value) != 0)
			goto refuse;
		if (value.len)
			series_set(series, matcher->label, value.buf);
	}
	strbuf_release(&value);
	if (selector_matches(selector, series->metric, (const char *const *)series->labels) == 1)
		return 0;
	series_release(series);
	return -1;
refuse:
	strbuf_release(&value);
	series_release(series);
	return -1;
}

/* ---- Prometheus template expansion, for the exact annotations promtool compares ---- */

/* Prometheus' humanize functions (template/template.go), which print with %.4g. */
static void humanize(double value, bool binary, struct strbuf *out)
{
	static const char *const big[] = { "k", "M", "G", "T", "P", "E", "Z", "Y" };
	static const char *const big_binary[] = { "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi" };
	static const char *const small[] = { "m", "u", "n", "p", "f", "a", "z", "y" };
	const char *prefix = "";
	if (binary) {
		if (fabs(value) <= 1 || !isfinite(value)) {
			number_format_go_4g(value, out);
			return;
		}
		for (size_t i = 0; i < 8 && fabs(value) >= 1024; i++) {
			prefix = big_binary[i];
			value /= 1024;
		}
	} else if (value == 0 || !isfinite(value)) {
		number_format_go_4g(value, out);
		return;
	} else if (fabs(value) >= 1) {
		for (size_t i = 0; i < 8 && fabs(value) >= 1000; i++) {
			prefix = big[i];
			value /= 1000;
		}
	} else {
		for (size_t i = 0; i < 8 && fabs(value) < 1; i++) {
			prefix = small[i];
			value *= 1000;
		}
	}
	number_format_go_4g(value, out);
	strbuf_addstr(out, prefix);
}

static void humanize_duration(double value, struct strbuf *out)
{
	if (!isfinite(value)) {
		number_format_go_4g(value, out);
		return;
	}
	if (value == 0) {
		number_format_go_4g(value, out);
		strbuf_addch(out, 's');
		return;
	}
	if (fabs(value) >= 1) {
		const char *sign = value < 0 ? "-" : "";
		value = fabs(value);
		long long duration = (long long)value;
		long long seconds = duration % 60, minutes = duration / 60 % 60, hours = duration / 3600 % 24,
			  days = duration / 86400;
		if (days)
			strbuf_addf(out, "%s%lldd %lldh %lldm %llds", sign, days, hours, minutes, seconds);
		else if (hours)
			strbuf_addf(out, "%s%lldh %lldm %llds", sign, hours, minutes, seconds);
		else if (minutes)
			strbuf_addf(out, "%s%lldm %llds", sign, minutes, seconds);
		else {
			strbuf_addstr(out, sign);
			number_format_go_4g(value, out);
			strbuf_addch(out, 's');
		}
		return;
	}
	static const char *const small[] = { "m", "u", "n", "p", "f", "a", "z", "y" };
	const char *prefix = "";
	for (size_t i = 0; i < 8 && fabs(value) < 1; i++) {
		prefix = small[i];
		value *= 1000;
	}
	number_format_go_4g(value, out);
	strbuf_addf(out, "%ss", prefix);
}

/* One {{ ... }} action: `$value`, `.Value`, `$labels.NAME`, `.Labels.NAME`, optionally piped
 * through humanize, humanize1024, humanizeDuration or humanizePercentage. */
static int expand_action(const char *action, size_t length, double value, bool value_exact,
			 const struct series *labels, struct strbuf *out)
{
	char *text = xstrndup(action, length);
	char *words[8];
	size_t word_count = 0;
	bool expect_word = true;
	int status = 0;
	for (char *cursor = text; *cursor && status == 0;) {
		while (*cursor == ' ' || *cursor == '\t' || *cursor == '\n')
			*cursor++ = '\0';
		if (!*cursor)
			break;
		if (*cursor == '|') {
			if (expect_word)
				status = -1;
			expect_word = true;
			*cursor++ = '\0';
			continue;
		}
		if (!expect_word || word_count == 8) {
			status = -1;
			break;
		}
		words[word_count++] = cursor;
		expect_word = false;
		while (*cursor && !strchr(" \t\n|", *cursor))
			cursor++;
	}
	if (status != 0 || word_count == 0 || expect_word) {
		free(text);
		return -1;
	}
	const char *label = NULL;
	bool is_value = strcmp(words[0], "$value") == 0 || strcmp(words[0], ".Value") == 0;
	if (strncmp(words[0], "$labels.", 8) == 0)
		label = words[0] + 8;
	else if (strncmp(words[0], ".Labels.", 8) == 0)
		label = words[0] + 8;
	if (!is_value && !label) {
		free(text);
		return -1;
	}
	if (word_count == 1) {
		if (is_value) {
			if (!value_exact)
				status = -1; /* all digits of a computed ratio cannot be predicted */
			number_format_go(value, out);
		} else {
			const char *found = strcmp(label, "__name__") == 0 ? labels->metric : series_get(labels, label);
			strbuf_addstr(out, found ? found : ""); /* Prometheus expands a missing label to "" */
		}
	} else if (word_count == 2 && is_value) {
		if (strcmp(words[1], "humanize") == 0)
			humanize(value, false, out);
		else if (strcmp(words[1], "humanize1024") == 0)
			humanize(value, true, out);
		else if (strcmp(words[1], "humanizeDuration") == 0)
			humanize_duration(value, out);
		else if (strcmp(words[1], "humanizePercentage") == 0) {
			number_format_go_4g(value * 100, out);
			strbuf_addch(out, '%');
		} else
			status = -1;
	} else {
		status = -1;
	}
	free(text);
	return status;
}

/* Expands `text` as Prometheus expands an annotation or label for a sample with `value` and
 * `labels`. -1 for templates beyond the simple forms (the test then cannot predict them). */
static int expand_template(const char *text, double value, bool value_exact, const struct series *labels,
			   struct strbuf *out)
{
	const char *cursor = text;
	for (;;) {
		const char *open = strstr(cursor, "{{");
		if (!open) {
			strbuf_addstr(out, cursor);
			return 0;
		}
		const char *close = strstr(open + 2, "}}");
		if (!close)
			return -1;
		const char *action = open + 2, *action_end = close;
		size_t literal_end = (size_t)(open - cursor);
		if (*action == '-') { /* {{- trims blanks before */
			action++;
			while (literal_end && isspace((unsigned char)cursor[literal_end - 1]))
				literal_end--;
		}
		bool trim_after = action_end > action && action_end[-1] == '-';
		if (trim_after)
			action_end--;
		strbuf_add(out, cursor, literal_end);
		if (expand_action(action, (size_t)(action_end - action), value, value_exact, labels, out) != 0)
			return -1;
		cursor = close + 2;
		if (trim_after)
			while (isspace((unsigned char)*cursor))
				cursor++;
	}
}

/* ---- the test documents ---- */

struct test_file {
	json_t *tests;    /* the `tests` array */
	bool ok;          /* false once something could not be predicted */
	bool value_exact; /* the alert's value is exactly the fed value, not computed by rules */
	char *problem;    /* why not, for the warning */
};

static void fail_test_file(struct test_file *file, char *problem)
{
	if (file->ok)
		file->problem = problem;
	else
		free(problem);
	file->ok = false;
}

/* The alert promtool should see for `rule` firing on a sample with `value` and `labels`. */
static json_t *expected_alert(struct test_file *file, const json_t *rule, double value, const struct series *labels)
{
	json_t *expected_labels = json_object();
	for (size_t i = 0; i < labels->label_count; i++)
		json_object_set_new(expected_labels, labels->labels[2 * i], json_string(labels->labels[2 * i + 1]));
	struct strbuf text;
	strbuf_init(&text);
	const char *key;
	const json_t *template;
	json_object_foreach(json_object_get(rule, "labels"), key, template) {
		strbuf_reset(&text);
		if (expand_template(json_string_value(template), value, file->value_exact, labels, &text) != 0)
			fail_test_file(file, xasprintf("label '%s' uses a template goosec cannot expand", key));
		json_object_set_new(expected_labels, key, json_string(text.buf));
	}
	json_t *expected_annotations = json_object();
	json_object_foreach(json_object_get(rule, "annotations"), key, template) {
		strbuf_reset(&text);
		if (expand_template(json_string_value(template), value, file->value_exact, labels, &text) != 0)
			fail_test_file(file, xasprintf("annotation '%s' uses a template goosec cannot expand", key));
		json_object_set_new(expected_annotations, key, json_string(text.buf));
	}
	strbuf_release(&text);
	json_t *alert = json_pack("{s:o}", "exp_labels", expected_labels);
	if (json_object_size(expected_annotations))
		json_object_set_new(alert, "exp_annotations", expected_annotations);
	else
		json_decref(expected_annotations);
	return alert;
}

static json_t *alert_check(const char *eval_time, const char *alert_name, json_t *expected_alerts)
{
	return json_pack("{s:s, s:s, s:o}", "eval_time", eval_time, "alertname", alert_name, "exp_alerts", expected_alerts);
}

/* "0.2525+0x12": a constant (step 0) or a counter (step > 0) over `samples` + 1 points. */
static json_t *series_entry(const struct series *series, double start, double step, int samples)
{
	struct strbuf name, values;
	strbuf_init(&name);
	strbuf_init(&values);
	series_notation(series, &name);
	number_format(start, &values);
	strbuf_addch(&values, '+');
	number_format(step, &values);
	strbuf_addf(&values, "x%d", samples);
	json_t *entry = json_pack("{s:s, s:s}", "series", name.buf, "values", values.buf);
	strbuf_release(&name);
	strbuf_release(&values);
	return entry;
}

/* The value as promtool will read it back from the test file: the annotations see that. */
static double as_written(double value)
{
	struct strbuf text;
	strbuf_init(&text);
	number_format(value, &text);
	double written = strtod(text.buf, NULL);
	strbuf_release(&text);
	return written;
}

static void minutes_text(long minutes, struct strbuf *out)
{
	strbuf_reset(out);
	number_format_duration((double)minutes * 60, out);
}

/* Level alerts of one `threshold:` alert: for each level, the signal just on the quiet side
 * (only the levels it trips fire) and just past it for longer than `for` (that level fires,
 * and not before `for` has passed). */
static void level_tests(struct test_file *file, const struct promrule_alert_group *group, const struct model_alert *source)
{
	struct selector selector;
	struct series signal;
	if (selector_parse(source->expr.text, &selector) != 0) {
		fail_test_file(file, xstrdup("its signal is not a single selector, so no series can feed it directly"));
		return;
	}
	int made = series_for_selector(&selector, &signal);
	selector_release(&selector);
	if (made != 0) {
		fail_test_file(file, xstrdup("no series matching its signal's selector can be made simply"));
		return;
	}
	long for_minutes = source->for_duration.present ? (long)ceil(source->for_duration.value / 60) : 0;
	long eval_minutes = for_minutes + 2;
	struct strbuf name, time;
	strbuf_init(&name);
	strbuf_init(&time);
	for (size_t a = 0; a < group->alert_count; a++) {
		const struct promrule_alert *alert = &group->alerts[a];
		if (alert->source != source || alert->kind != PROMRULE_LEVEL)
			continue;
		double level = alert->level_value;
		double margin = level != 0 ? fabs(level) * 0.01 : 0.01;
		bool below = alert->threshold->direction == MODEL_DIRECTION_BELOW;
		for (int past = 0; past < 2; past++) {
			double value = as_written(level + (past == below ? -margin : margin));
			json_t *checks = json_array();
			if (past && for_minutes >= 2) {
				minutes_text(for_minutes - 1, &time);
				json_array_append_new(checks, alert_check(time.buf, source->name.text, json_array()));
			}
			json_t *expected = json_array();
			for (size_t b = 0; b < group->alert_count; b++) {
				const struct promrule_alert *other = &group->alerts[b];
				if (other->source == source && other->kind == PROMRULE_LEVEL &&
				    promrule_level_trips(alert->threshold->direction, value, other->level_value))
					json_array_append_new(expected, expected_alert(file, other->rule, value, &signal));
			}
			minutes_text(eval_minutes, &time);
			json_array_append_new(checks, alert_check(time.buf, source->name.text, expected));
			strbuf_reset(&name);
			strbuf_addf(&name, "%s %s: %s ", source->name.text, model_level_name(alert->level),
				    past ? "fires past" : "stays silent short of");
			number_format(level, &name);
			json_t *series_list = json_array();
			json_array_append_new(series_list, series_entry(&signal, value, 0, (int)eval_minutes + 5));
			json_array_append_new(file->tests, json_pack("{s:s, s:s, s:o, s:o}", "name", name.buf, "interval", "1m",
								    "input_series", series_list, "alert_rule_test", checks));
		}
	}
	strbuf_release(&name);
	strbuf_release(&time);
	series_release(&signal);
}

/* The series an SLO's errors and total selectors read, so that the error ratio is exactly a
 * chosen value: an error series, and a good series counted only in total (or a separate total
 * series when errors and total are different metrics). */
struct slo_series {
	struct series errors, other;
	bool errors_in_total; /* the error series is also one of the total's */
};

static int slo_series_make(const struct model_threshold *threshold, struct slo_series *out)
{
	memset(out, 0, sizeof(*out));
	struct selector errors, total;
	if (selector_parse(threshold->sli_errors.text, &errors) != 0)
		return -1;
	if (selector_parse(threshold->sli_total.text, &total) != 0) {
		selector_release(&errors);
		return -1;
	}
	int status = -1;
	if (series_for_selector(&errors, &out->errors) == 0 && series_for_selector(&total, &out->other) == 0) {
		out->errors_in_total =
			selector_matches(&total, out->errors.metric, (const char *const *)out->errors.labels) == 1;
		/* the other series must not count as an error */
		if (selector_matches(&errors, out->other.metric, (const char *const *)out->other.labels) == 0)
			status = 0;
	}
	if (status != 0) {
		series_release(&out->errors);
		series_release(&out->other);
	}
	selector_release(&errors);
	selector_release(&total);
	return status;
}

static void slo_series_release(struct slo_series *series)
{
	series_release(&series->errors);
	series_release(&series->other);
}

/* ---- burn-rate scenarios ----
 *
 * Each window pair (long + short window, one burn rate) gets three tests built from a burst of
 * errors: one where only that pair's condition holds, so the alert fires through that pair
 * alone; one where the long window burns past the rate but the short one does not (the burst
 * is over), and one where a spike trips the short window but not the long one: both silent.
 * The series run for the longest window, so every recorded window sees whole history, and a
 * burst is placed relative to the evaluation time:
 * errors at a fixed ratio of the requests from `start` to `end` minutes before it. The ratio each
 * window then records is exact arithmetic (rate() over samples that fall on the window's edges
 * is increase / window), so the expected alerts are computed here and promtool checks them.
 * Samples come every 5 minutes and rules run every hour: only the value at the evaluation time
 * matters (burn-rate alerts have no `for`), and promtool runs every rule at every step. */

#define BURN_HISTORY_MINUTES (3 * 24 * 60)      /* the longest recorded window */
#define BURN_SAMPLE_MINUTES 5                  /* every window and burst edge is a multiple */
#define BURN_EVALUATION_INTERVAL "1h"          /* divides every evaluation time; fewer steps, same results */
#define BURN_REQUESTS_PER_MINUTE 100000.0      /* large, so error counts are whole numbers */
#define BURN_MARGIN 1.1                        /* a burst's ratio: 10% past the rate it must trip */
#define BURN_CLEAR 0.05                        /* every condition at least 5% from its edge */

struct burst {
	long start, end;          /* minutes before the evaluation time; start > end >= 0 */
	double errors_per_minute; /* during the burst; requests are BURN_REQUESTS_PER_MINUTE throughout */
};

struct burn_pair {
	const struct promrule_burn_window *window;
	long long_minutes, short_minutes;
	double limit; /* the error ratio both windows must exceed */
};

/* The error ratio a window of `minutes` records at the evaluation time. */
static double burst_ratio(const struct burst *burst, long minutes)
{
	long covered = minutes < BURN_HISTORY_MINUTES ? minutes : BURN_HISTORY_MINUTES;
	long overlap = (burst->start < covered ? burst->start : covered) - burst->end;
	if (overlap <= 0 || covered <= 0)
		return 0;
	return burst->errors_per_minute * (double)overlap / (BURN_REQUESTS_PER_MINUTE * (double)covered);
}

enum pair_state { PAIR_QUIET, PAIR_BURNING, PAIR_UNCLEAR };

/* Whether the pair's condition holds, PAIR_UNCLEAR when a window sits too near its limit for the
 * outcome to be certain under float rounding. */
static enum pair_state pair_state(const struct burn_pair *pair, const struct burst *burst)
{
	double long_ratio = burst_ratio(burst, pair->long_minutes), short_ratio = burst_ratio(burst, pair->short_minutes);
	double low = pair->limit * (1 - BURN_CLEAR), high = pair->limit * (1 + BURN_CLEAR);
	if (long_ratio < low || short_ratio < low)
		return PAIR_QUIET;
	if (long_ratio > high && short_ratio > high)
		return PAIR_BURNING;
	return PAIR_UNCLEAR;
}

/* A burst from `start` to `end` at the ratio that puts `fraction_of_window` x ratio 10% past
 * `limit`; -1 when no such ratio can be fed (the ratio would reach 1, or round to no errors). */
static int burst_make(struct burst *burst, long start, long end, double limit, double fraction_of_window)
{
	if (fraction_of_window <= 0)
		return -1;
	double errors = round(BURN_MARGIN * limit / fraction_of_window * BURN_REQUESTS_PER_MINUTE);
	if (errors < 1 || errors >= BURN_REQUESTS_PER_MINUTE)
		return -1;
	burst->start = start;
	burst->end = end;
	burst->errors_per_minute = errors;
	return 0;
}

static double window_fraction(long start, long end, long minutes)
{
	long covered = minutes < BURN_HISTORY_MINUTES ? minutes : BURN_HISTORY_MINUTES;
	long overlap = (start < covered ? start : covered) - end;
	return overlap > 0 && covered > 0 ? (double)overlap / (double)covered : 0;
}

enum burst_goal {
	BURST_ALONE,       /* the pair burns, every other pair is quiet */
	BURST_LONG_ONLY,   /* the pair's long window is past its rate, its short one is not; all quiet */
	BURST_SHORT_ONLY,  /* a spike: the short window is past the rate, the long one is not; all quiet */
	BURST_WITH_OTHERS, /* the pair burns; others may too (when no burst makes it burn alone) */
};

/* Finds a burst that meets `goal` for pair `target`, with every pair's outcome clear. The burst
 * the scenario describes most simply is tried first (the pair's long window up to now or up to
 * its short window, or the short window alone); then bursts between any two window edges. */
static int find_burst(const struct burn_pair *pairs, size_t target, enum burst_goal goal, struct burst *out)
{
	static const long edges[] = { 0, 5, 30, 60, 120, 360, 1440, BURN_HISTORY_MINUTES };
	const size_t edge_count = sizeof(edges) / sizeof(edges[0]);
	const struct burn_pair *pair = &pairs[target];
	bool long_only = goal == BURST_LONG_ONLY, short_only = goal == BURST_SHORT_ONLY;
	for (size_t attempt = 0; attempt <= edge_count * edge_count; attempt++) {
		long start, end;
		if (attempt == 0) {
			start = short_only ? pair->short_minutes : pair->long_minutes;
			end = long_only ? pair->short_minutes : 0;
		} else {
			start = edges[(attempt - 1) % edge_count];
			end = edges[(attempt - 1) / edge_count];
			if (start <= end)
				continue;
		}
		double fraction = window_fraction(start, end, short_only ? pair->short_minutes : pair->long_minutes);
		if (!long_only && !short_only) {
			double short_fraction = window_fraction(start, end, pair->short_minutes);
			fraction = short_fraction < fraction ? short_fraction : fraction;
		}
		struct burst burst;
		if (burst_make(&burst, start, end, pair->limit, fraction) != 0)
			continue;
		bool meets = true;
		for (size_t p = 0; p < PROMRULE_BURN_WINDOW_COUNT && meets; p++) {
			enum pair_state state = pair_state(&pairs[p], &burst);
			if (p == target && goal != BURST_LONG_ONLY && goal != BURST_SHORT_ONLY)
				meets = state == PAIR_BURNING;
			else if (goal == BURST_WITH_OTHERS)
				meets = state != PAIR_UNCLEAR;
			else
				meets = state == PAIR_QUIET;
		}
		if ((long_only || short_only) && meets)
			meets = burst_ratio(&burst, short_only ? pair->short_minutes : pair->long_minutes) >
				pair->limit * (1 + BURN_CLEAR);
		if (meets) {
			*out = burst;
			return 0;
		}
	}
	return -1;
}

/* A counter's values in promtool's expanding notation, one sample every BURN_SAMPLE_MINUTES:
 * `per_minute[0]` a minute up to minute `until[0]`, then `per_minute[1]` up to `until[1]`... */
static void counter_values(const double *per_minute, const long *until, size_t segments, struct strbuf *out)
{
	double value = 0;
	long minute = 0;
	number_format(value, out);
	for (size_t s = 0; s < segments; s++) {
		long steps = (until[s] - minute) / BURN_SAMPLE_MINUTES;
		if (steps <= 0)
			continue;
		double per_step = per_minute[s] * BURN_SAMPLE_MINUTES;
		strbuf_addch(out, ' ');
		number_format(value + per_step, out);
		if (steps > 1) {
			strbuf_addch(out, '+');
			number_format(per_step, out);
			strbuf_addf(out, "x%ld", steps - 1);
		}
		value += per_step * (double)steps;
		minute += steps * BURN_SAMPLE_MINUTES;
	}
}

static json_t *counter_entry(const struct series *series, const double *per_minute, const long *until, size_t segments)
{
	struct strbuf name, values;
	strbuf_init(&name);
	strbuf_init(&values);
	series_notation(series, &name);
	counter_values(per_minute, until, segments, &values);
	json_t *entry = json_pack("{s:s, s:s}", "series", name.buf, "values", values.buf);
	strbuf_release(&name);
	strbuf_release(&values);
	return entry;
}

/* The alerts of `source` that fire on `burst`, or on a steady `steady_ratio` when burst is NULL:
 * each level fires when one of its pairs burns, with the value of the first burning pair's long
 * window (the left side of `and`, the first operand of `or` that has a sample). */
static json_t *expected_burn_alerts(struct test_file *file, const struct promrule_alert_group *group,
				    const struct model_alert *source, const struct model_threshold *threshold,
				    const struct burn_pair *pairs, const struct burst *burst, double steady_ratio,
				    const char *job)
{
	json_t *expected = json_array();
	for (size_t a = 0; a < group->alert_count; a++) {
		const struct promrule_alert *alert = &group->alerts[a];
		if (alert->source != source || alert->kind != PROMRULE_BURN_RATE)
			continue;
		const struct burn_pair *burning = NULL;
		for (size_t p = 0; p < PROMRULE_BURN_WINDOW_COUNT && !burning; p++)
			if (pairs[p].window->level == alert->level &&
			    (burst ? pair_state(&pairs[p], burst) == PAIR_BURNING : steady_ratio > pairs[p].limit))
				burning = &pairs[p];
		if (!burning)
			continue;
		struct series sample = { 0 };
		struct strbuf metric;
		strbuf_init(&metric);
		promrule_error_ratio_name(burning->window->long_window, &metric);
		sample.metric = strbuf_detach(&metric, NULL);
		if (job)
			series_set(&sample, "job", job);
		series_set(&sample, "slo", threshold->name.text);
		double value = burst ? burst_ratio(burst, burning->long_minutes) : steady_ratio;
		json_array_append_new(expected, expected_alert(file, alert->rule, value, &sample));
		series_release(&sample);
	}
	return expected;
}

static void add_burst_test(struct test_file *file, const struct promrule_alert_group *group,
			   const struct model_alert *source, const struct model_threshold *threshold,
			   const struct burn_pair *pairs, const struct slo_series *series, const struct burst *burst,
			   const char *name)
{
	/* errors in (T-start, T-end], T = the history's end; ten quiet minutes after it */
	const long total_minutes = BURN_HISTORY_MINUTES + 10;
	const long until[] = { BURN_HISTORY_MINUTES - burst->start, BURN_HISTORY_MINUTES - burst->end, total_minutes };
	const double errors[] = { 0, burst->errors_per_minute, 0 };
	double other[3];
	for (size_t i = 0; i < 3; i++)
		other[i] = series->errors_in_total ? BURN_REQUESTS_PER_MINUTE - errors[i] : BURN_REQUESTS_PER_MINUTE;
	json_t *series_list = json_array();
	json_array_append_new(series_list, counter_entry(&series->errors, errors, until, 3));
	json_array_append_new(series_list, counter_entry(&series->other, other, until, 3));
	json_t *expected = expected_burn_alerts(file, group, source, threshold, pairs, burst, 0,
						series_get(&series->errors, "job"));
	struct strbuf time;
	strbuf_init(&time);
	minutes_text(BURN_HISTORY_MINUTES, &time);
	json_t *checks = json_array();
	json_array_append_new(checks, alert_check(time.buf, source->name.text, expected));
	strbuf_release(&time);
	char *interval = xasprintf("%dm", BURN_SAMPLE_MINUTES);
	json_array_append_new(file->tests, json_pack("{s:s, s:s, s:o, s:o}", "name", name, "interval", interval,
						    "input_series", series_list, "alert_rule_test", checks));
	free(interval);
}

/* "from 1h ago until now" / "from 1d to 6h ago" */
static void burst_span(const struct burst *burst, struct strbuf *out)
{
	struct strbuf minutes;
	strbuf_init(&minutes);
	minutes_text(burst->start, &minutes);
	strbuf_addf(out, "from %s", minutes.buf);
	if (burst->end == 0) {
		strbuf_addstr(out, " ago until now");
	} else {
		minutes_text(burst->end, &minutes);
		strbuf_addf(out, " to %s ago", minutes.buf);
	}
	strbuf_release(&minutes);
}

/* Burn-rate alerts of one `slo:` alert: for each window pair a burst it alone fires on, a burst
 * only its long window still sees (silent) and a spike only its short window sees (silent); then an error ratio 10% short of each alert's slowest
 * pair, held steady (silent). */
static void burn_rate_tests(struct test_file *file, const struct promrule_alert_group *group,
			    const struct model_alert *source, const struct model_threshold *threshold)
{
	struct slo_series series;
	if (slo_series_make(threshold, &series) != 0) {
		fail_test_file(file, xstrdup("no series matching its SLI selectors can be made simply"));
		return;
	}
	double budget = 1 - threshold->objective.value;
	struct burn_pair pairs[PROMRULE_BURN_WINDOW_COUNT];
	for (size_t p = 0; p < PROMRULE_BURN_WINDOW_COUNT; p++) {
		const struct promrule_burn_window *window = &promrule_burn_windows[p];
		double short_seconds = 0;
		model_parse_duration(window->short_window, &short_seconds);
		pairs[p].window = window;
		pairs[p].long_minutes = (long)(window->long_seconds / 60);
		pairs[p].short_minutes = (long)(short_seconds / 60);
		pairs[p].limit = promrule_burn_factor(window, threshold->window.value) * budget;
	}
	struct strbuf name;
	strbuf_init(&name);
	for (size_t p = 0; p < PROMRULE_BURN_WINDOW_COUNT; p++) {
		const struct burn_pair *pair = &pairs[p];
		bool page = pair->window->level == MODEL_LEVEL_CRITICAL;
		struct strbuf factor;
		strbuf_init(&factor);
		number_format(promrule_burn_factor(pair->window, threshold->window.value), &factor);
		struct burst burst;
		bool alone = find_burst(pairs, p, BURST_ALONE, &burst) == 0;
		if (alone || find_burst(pairs, p, BURST_WITH_OTHERS, &burst) == 0) {
			strbuf_reset(&name);
			strbuf_addf(&name, "%s: %s %s/%s pair burns past %sx (error ratio ", source->name.text,
				    alone ? "only the" : "the", pair->window->long_window, pair->window->short_window, factor.buf);
			number_format(burst.errors_per_minute / BURN_REQUESTS_PER_MINUTE, &name);
			strbuf_addch(&name, ' ');
			burst_span(&burst, &name);
			strbuf_addch(&name, ')');
			/* a pair no burst isolates: e.g. r3d >= r1d / 3 > 1x whenever r1d > 3x, so the
			 * 3d/6h pair burns whenever 1d/2h does; the test names who burns with it */
			for (size_t other = 0; !alone && other < PROMRULE_BURN_WINDOW_COUNT; other++)
				if (other != p && pair_state(&pairs[other], &burst) == PAIR_BURNING)
					strbuf_addf(&name, ", with the %s/%s pair", pairs[other].window->long_window,
						    pairs[other].window->short_window);
			strbuf_addf(&name, ": %s", page ? "pages" : "tickets");
			add_burst_test(file, group, source, threshold, pairs, &series, &burst, name.buf);
		}
		if (find_burst(pairs, p, BURST_LONG_ONLY, &burst) == 0) {
			strbuf_reset(&name);
			strbuf_addf(&name, "%s: %s burns past %sx but %s does not (error ratio ", source->name.text,
				    pair->window->long_window, factor.buf, pair->window->short_window);
			number_format(burst.errors_per_minute / BURN_REQUESTS_PER_MINUTE, &name);
			strbuf_addch(&name, ' ');
			burst_span(&burst, &name);
			strbuf_addf(&name, "): no %s", page ? "page" : "ticket");
			add_burst_test(file, group, source, threshold, pairs, &series, &burst, name.buf);
		}
		if (find_burst(pairs, p, BURST_SHORT_ONLY, &burst) == 0) {
			strbuf_reset(&name);
			strbuf_addf(&name, "%s: a spike %s sees past %sx but %s does not (error ratio ", source->name.text,
				    pair->window->short_window, factor.buf, pair->window->long_window);
			number_format(burst.errors_per_minute / BURN_REQUESTS_PER_MINUTE, &name);
			strbuf_addch(&name, ' ');
			burst_span(&burst, &name);
			strbuf_addf(&name, "): no %s", page ? "page" : "ticket");
			add_burst_test(file, group, source, threshold, pairs, &series, &burst, name.buf);
		}
		strbuf_release(&factor);
	}

	/* steady burns just short of each alert's slowest pair: silent */
	static const enum model_level levels[] = { MODEL_LEVEL_CRITICAL, MODEL_LEVEL_WARNING };
	const long eval_minutes = 60; /* a step of BURN_EVALUATION_INTERVAL */
	const double requests_per_minute = 1000;
	for (size_t l = 0; l < 2; l++) {
		double slowest = INFINITY;
		const char *slowest_window = NULL;
		for (size_t p = 0; p < PROMRULE_BURN_WINDOW_COUNT; p++)
			if (pairs[p].window->level == levels[l] && pairs[p].limit < slowest) {
				slowest = pairs[p].limit;
				slowest_window = pairs[p].window->long_window;
			}
		double ratio = 0.9 * slowest;
		if (ratio >= 1)
			continue; /* every request failing is a ratio of 1 */
		double errors_per_minute = as_written(ratio * requests_per_minute);
		double other_per_minute = as_written(series.errors_in_total ? requests_per_minute - errors_per_minute
									    : requests_per_minute);
		double measured = series.errors_in_total ? errors_per_minute / (errors_per_minute + other_per_minute)
							 : errors_per_minute / other_per_minute;
		json_t *series_list = json_array();
		json_array_append_new(series_list, series_entry(&series.errors, 0, errors_per_minute, (int)eval_minutes + 10));
		json_array_append_new(series_list, series_entry(&series.other, 0, other_per_minute, (int)eval_minutes + 10));
		strbuf_reset(&name);
		strbuf_addf(&name, "%s: error ratio ", source->name.text);
		number_format(ratio, &name);
		strbuf_addf(&name, " %s the %s burn rate", levels[l] == MODEL_LEVEL_CRITICAL ? "does not page short of" : "does not ticket short of",
			    slowest_window);
		json_t *checks = json_array();
		struct strbuf time;
		strbuf_init(&time);
		minutes_text(eval_minutes, &time);
		json_array_append_new(checks, alert_check(time.buf, source->name.text,
							  expected_burn_alerts(file, group, source, threshold, pairs, NULL,
									       measured, series_get(&series.errors, "job"))));
		strbuf_release(&time);
		json_array_append_new(file->tests, json_pack("{s:s, s:s, s:o, s:o}", "name", name.buf, "interval", "1m",
							    "input_series", series_list, "alert_rule_test", checks));
	}
	strbuf_release(&name);
	slo_series_release(&series);
}

/* `eval_order` (taken): group names promtool must evaluate first to last at each step, or NULL. */
static void add_test_file(struct emit_output *output, const struct model_alert *source, struct test_file *file,
			  bool with_recording, const char *evaluation_interval, json_t *eval_order,
			  struct diag_list *diags)
{
	if (!file->ok) {
		json_decref(eval_order);
		struct diag *diag = diag_add(diags, DIAG_WARNING, "emit-promtest-untestable", source->name.location.file,
					     source->name.location.line, source->name.location.col,
					     "no promtool test generated for alert '%s': %s", source->name.text, file->problem);
		diag_set_hint(diag, "feed the alert a recording rule (level:metric:operation) and use only $value, "
				    "$labels.NAME and the humanize functions in its templates");
		return;
	}
	if (json_array_size(file->tests) == 0) {
		json_decref(eval_order);
		return;
	}
	json_t *rule_files = json_array();
	json_array_append_new(rule_files, json_string("../alerts.yaml"));
	if (with_recording)
		json_array_append_new(rule_files, json_string("../recording.yaml"));
	json_t *document = json_pack("{s:o, s:s}", "rule_files", rule_files, "evaluation_interval", evaluation_interval);
	if (eval_order)
		json_object_set_new(document, "group_eval_order", eval_order);
	json_object_set(document, "tests", file->tests);
	char *header = xasprintf("Generated by goosec from alert '%s' of %s.\n"
				 "Run with: promtool test rules %s.yaml",
				 source->name.text, source->name.location.file ? source->name.location.file : "the tree",
				 source->name.text);
	struct strbuf text;
	strbuf_init(&text);
	yaml_write(document, header, &text);
	free(header);
	json_decref(document);
	char *path = xasprintf("monitoring/prometheus/tests/%s.yaml", source->name.text);
	size_t length;
	char *data = strbuf_detach(&text, &length);
	if (emit_output_add(output, path, data, length) != 0)
		diag_add(diags, DIAG_ERROR, "internal", NULL, 0, 0, "'%s' was emitted twice", path);
	free(path);
}

void emit_promtool_tests(const struct emit_context *context, struct emit_output *output, struct diag_list *diags)
{
	/* the rules are built again here; their problems were reported by the rules backend */
	struct diag_list ignored;
	diag_list_init(&ignored);
	struct promrule_set set;
	promrule_set_init(&set);
	promrule_set_build(&set, context->model, &ignored);
	for (size_t g = 0; g < set.alert_group_count; g++) {
		const struct promrule_alert_group *group = &set.alert_groups[g];
		for (size_t a = 0; a < group->alert_count; a++) {
			const struct promrule_alert *alert = &group->alerts[a];
			if (alert->kind == PROMRULE_PLAIN || (a > 0 && group->alerts[a - 1].source == alert->source))
				continue; /* one file per authored alert, written at its first rule */
			struct test_file file = { json_array(), true, false, NULL };
			if (alert->kind == PROMRULE_LEVEL) {
				file.value_exact = true;
				level_tests(&file, group, alert->source);
			} else {
				burn_rate_tests(&file, group, alert->source, alert->threshold);
			}
			/* the SLO's error ratios are recorded before the alerts read them, at every step */
			json_t *eval_order = NULL;
			if (alert->kind == PROMRULE_BURN_RATE) {
				char *recording_group = xasprintf("slo:%s", alert->threshold->name.text);
				eval_order = json_pack("[s, s]", recording_group,
						       json_string_value(json_object_get(group->group, "name")));
				free(recording_group);
			}
			bool burn = alert->kind == PROMRULE_BURN_RATE;
			add_test_file(output, alert->source, &file, burn, burn ? BURN_EVALUATION_INTERVAL : "1m", eval_order, diags);
			json_decref(file.tests);
			free(file.problem);
		}
	}
	promrule_set_release(&set);
	diag_list_release(&ignored);
}
