/* Reads schema-valid documents into the typed model, one reader per kind, and the small pure
 * parsers of durations, ratios, sizes, times and dates the config language uses. */
#include "model.h"

#include <ctype.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbom.h"
#include "util.h"
#include "banned.h"

/* ---- arena ---- */

struct model_arena_block {
	struct model_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_BLOCK_SIZE (64 * 1024)

/* Zeroed memory that lives until model_release. */
static void *arena_alloc(struct model *model, size_t size)
{
	size_t alignment = alignof(max_align_t);
	size = (size + alignment - 1) / alignment * alignment;
	if (size == 0)
		size = alignment;
	struct model_arena_block *block = model->arena;
	if (!block || block->size - block->used < size) {
		size_t capacity = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
		block = xcalloc(1, sizeof(*block) + capacity);
		block->size = capacity;
		block->next = model->arena;
		model->arena = block;
	}
	void *memory = (char *)block->data + block->used;
	block->used += size;
	return memory;
}

static void *arena_array(struct model *model, size_t count, size_t element_size)
{
	if (count && element_size > SIZE_MAX / count)
		return xmalloc(SIZE_MAX); /* reports out of memory */
	return arena_alloc(model, count * element_size);
}

void model_init(struct model *model)
{
	memset(model, 0, sizeof(*model));
}

void model_release(struct model *model)
{
	struct model_arena_block *block = model->arena;
	while (block) {
		struct model_arena_block *next = block->next;
		free(block);
		block = next;
	}
	free(model->incomplete_kinds);
	memset(model, 0, sizeof(*model));
}

bool model_kind_incomplete(const struct model *model, const char *kind_name)
{
	for (size_t i = 0; i < model->incomplete_kind_count; i++)
		if (strcmp(model->incomplete_kinds[i], kind_name) == 0)
			return true;
	return false;
}

/* ---- value parsers ---- */

/* A non-negative decimal "12" or "12.5" at the start of `text`; returns its length (0: none). */
static size_t decimal_prefix(const char *text, double *value)
{
	size_t length = 0;
	while (isdigit((unsigned char)text[length]))
		length++;
	if (length == 0)
		return 0;
	if (text[length] == '.') {
		size_t fraction = length + 1;
		while (isdigit((unsigned char)text[fraction]))
			fraction++;
		if (fraction == length + 1)
			return 0; /* "1." is not a number of the language */
		length = fraction;
	}
	char buffer[64];
	if (length >= sizeof(buffer))
		return 0;
	memcpy(buffer, text, length);
	buffer[length] = '\0';
	*value = strtod(buffer, NULL);
	return length;
}

int model_parse_duration(const char *text, double *seconds)
{
	static const struct {
		const char *suffix;
		double seconds;
	} units[] = { { "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 604800 } };
	double number;
	size_t length = decimal_prefix(text, &number);
	if (!length)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(text + length, units[i].suffix) == 0) {
			*seconds = number * units[i].seconds;
			return 0;
		}
	}
	return -1;
}

int model_parse_percentage(const char *text, double *ratio)
{
	double number;
	size_t length = decimal_prefix(text, &number);
	if (!length || strcmp(text + length, "%") != 0 || number > 100)
		return -1;
	*ratio = number / 100;
	return 0;
}

int model_parse_size(const char *text, double *bytes)
{
	double number;
	size_t length = decimal_prefix(text, &number);
	if (!length)
		return -1;
	if (strcmp(text + length, "KiB") == 0)
		*bytes = number * 1024;
	else if (strcmp(text + length, "MiB") == 0)
		*bytes = number * 1024 * 1024;
	else
		return -1;
	return 0;
}

static bool two_digits(const char *text, int *value)
{
	if (!isdigit((unsigned char)text[0]) || !isdigit((unsigned char)text[1]))
		return false;
	*value = (text[0] - '0') * 10 + (text[1] - '0');
	return true;
}

int model_parse_time_of_day(const char *text, int *minutes)
{
	int hour, minute;
	if (strlen(text) != 5 || text[2] != ':' || !two_digits(text, &hour) || !two_digits(text + 3, &minute))
		return -1;
	if (minute > 59 || hour > 24 || (hour == 24 && minute != 0))
		return -1;
	*minutes = hour * 60 + minute;
	return 0;
}

int model_parse_date(const char *text, int *year, int *month, int *day)
{
	static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int century, year_in_century, parsed_month, parsed_day;
	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' || !two_digits(text, &century) ||
	    !two_digits(text + 2, &year_in_century) || !two_digits(text + 5, &parsed_month) ||
	    !two_digits(text + 8, &parsed_day))
		return -1;
	int parsed_year = century * 100 + year_in_century;
	if (parsed_month < 1 || parsed_month > 12 || parsed_day < 1)
		return -1;
	bool leap = (parsed_year % 4 == 0 && parsed_year % 100 != 0) || parsed_year % 400 == 0;
	int length = month_days[parsed_month - 1] + (parsed_month == 2 && leap);
	if (parsed_day > length)
		return -1;
	*year = parsed_year;
	*month = parsed_month;
	*day = parsed_day;
	return 0;
}

const char *model_level_name(enum model_level level)
{
	return level == MODEL_LEVEL_CRITICAL ? "critical" : "warning";
}

const char *model_unit_name(enum model_unit unit)
{
	switch (unit) {
	case MODEL_UNIT_SECONDS: return "seconds";
	case MODEL_UNIT_RATIO: return "ratio";
	case MODEL_UNIT_REQUESTS_PER_SECOND: return "requests_per_second";
	case MODEL_UNIT_BYTES: return "bytes";
	case MODEL_UNIT_COUNT: return "count";
	case MODEL_UNIT_NONE: break;
	}
	return "none";
}

const struct model_value *model_threshold_level(const struct model_threshold *threshold, enum model_level level)
{
	const struct model_value *value = level == MODEL_LEVEL_CRITICAL ? &threshold->critical : &threshold->warning;
	return !threshold->is_slo && value->present ? value : NULL;
}

void model_purl_without_version(const char *purl, struct strbuf *out)
{
	strbuf_reset(out);
	/* the version starts at the '@' after the last '/' of the name (namespaces may hold '@',
	 * e.g. pkg:npm/%40scope/name, but only percent-encoded) */
	size_t length = strcspn(purl, "?#");
	const char *last_slash = NULL;
	for (size_t i = 0; i < length; i++)
		if (purl[i] == '/')
			last_slash = purl + i;
	const char *at = NULL;
	for (const char *cursor = last_slash ? last_slash : purl; cursor < purl + length; cursor++)
		if (*cursor == '@') {
			at = cursor;
			break;
		}
	strbuf_add(out, purl, at ? (size_t)(at - purl) : length);
}

/* ---- reading documents ---- */

/* Walks one document, keeping the JSON Pointer of the value being read so every name gets its
 * source position. */
struct reader {
	struct model *model;
	const struct project_file *file;
	struct strbuf pointer;
};

static size_t enter(struct reader *reader, const char *token)
{
	size_t mark = reader->pointer.len;
	pointer_append_token(&reader->pointer, token);
	return mark;
}

static size_t enter_index(struct reader *reader, size_t index)
{
	size_t mark = reader->pointer.len;
	pointer_append_index(&reader->pointer, index);
	return mark;
}

static void leave(struct reader *reader, size_t mark)
{
	reader->pointer.len = mark;
	reader->pointer.buf[mark] = '\0';
}

static const struct load_position *position_here(const struct reader *reader)
{
	return load_position_nearest(&reader->file->document, reader->pointer.buf);
}

/* Where the current value starts. */
static struct model_location location_here(const struct reader *reader)
{
	const struct load_position *position = position_here(reader);
	struct model_location location = { reader->file->path, 0, 0 };
	if (position) {
		location.line = position->line;
		location.col = position->col;
	}
	return location;
}

/* Where the current mapping entry's key starts (the value's position for sequence items). */
static struct model_location location_of_key(const struct reader *reader)
{
	const struct load_position *position = position_here(reader);
	struct model_location location = { reader->file->path, 0, 0 };
	if (position) {
		location.line = position->has_key ? position->key_line : position->line;
		location.col = position->has_key ? position->key_col : position->col;
	}
	return location;
}

static const char *string_of(const json_t *object, const char *key)
{
	return json_string_value(json_object_get(object, key));
}

static double number_of(const json_t *object, const char *key, double fallback)
{
	const json_t *value = json_object_get(object, key);
	return json_is_number(value) ? json_number_value(value) : fallback;
}

static long integer_of(const json_t *object, const char *key, long fallback)
{
	const json_t *value = json_object_get(object, key);
	return json_is_integer(value) ? (long)json_integer_value(value) : fallback;
}

static bool boolean_of(const json_t *object, const char *key)
{
	return json_is_true(json_object_get(object, key));
}

/* A string field as a name, located at its value. */
static struct model_name read_name(struct reader *reader, const json_t *object, const char *key)
{
	struct model_name name = { 0 };
	const char *text = string_of(object, key);
	if (!text)
		return name;
	size_t mark = enter(reader, key);
	name.text = text;
	name.location = location_here(reader);
	leave(reader, mark);
	return name;
}

static struct model_text read_text(struct reader *reader, const json_t *object, const char *key)
{
	struct model_text text = { 0 };
	const char *value = string_of(object, key);
	if (!value)
		return text;
	size_t mark = enter(reader, key);
	text.text = value;
	text.location = location_here(reader);
	const struct load_position *position = position_here(reader);
	text.offset = position ? position->offset : 0;
	leave(reader, mark);
	return text;
}

/* An array of strings as names, each at its own position. */
static struct model_name_list read_name_list(struct reader *reader, const json_t *object, const char *key)
{
	struct model_name_list list = { 0 };
	const json_t *array = json_object_get(object, key);
	if (!json_is_array(array))
		return list;
	size_t mark = enter(reader, key);
	list.items = arena_array(reader->model, json_array_size(array), sizeof(*list.items));
	for (size_t i = 0; i < json_array_size(array); i++) {
		const char *text = json_string_value(json_array_get(array, i));
		if (!text)
			continue;
		size_t item_mark = enter_index(reader, i);
		list.items[list.count].text = text;
		list.items[list.count].location = location_here(reader);
		list.count++;
		leave(reader, item_mark);
	}
	leave(reader, mark);
	return list;
}

static const char *const *read_strings(struct reader *reader, const json_t *object, const char *key, size_t *count)
{
	*count = 0;
	const json_t *array = json_object_get(object, key);
	if (!json_is_array(array))
		return NULL;
	const char **strings = arena_array(reader->model, json_array_size(array), sizeof(*strings));
	for (size_t i = 0; i < json_array_size(array); i++) {
		const char *text = json_string_value(json_array_get(array, i));
		if (text)
			strings[(*count)++] = text;
	}
	return strings;
}

static struct model_label_list read_labels(struct reader *reader, const json_t *object, const char *key)
{
	struct model_label_list list = { 0 };
	const json_t *map = json_object_get(object, key);
	if (!json_is_object(map))
		return list;
	size_t mark = enter(reader, key);
	list.items = arena_array(reader->model, json_object_size(map), sizeof(*list.items));
	const char *name;
	const json_t *value;
	json_object_foreach((json_t *)map, name, value) {
		if (!json_is_string(value))
			continue;
		size_t item_mark = enter(reader, name);
		list.items[list.count].name = name;
		list.items[list.count].value = json_string_value(value);
		list.items[list.count].location = location_of_key(reader);
		list.count++;
		leave(reader, item_mark);
	}
	leave(reader, mark);
	return list;
}

enum value_syntax {
	VALUE_DURATION = 1,   /* "250ms" */
	VALUE_PERCENTAGE = 2, /* "1%" */
};

/* A number, or a string in one of the `accepted` syntaxes (durations first: "5m" is never a
 * percentage). */
static struct model_value read_value(struct reader *reader, const json_t *object, const char *key, int accepted)
{
	struct model_value value = { 0 };
	const json_t *json = json_object_get(object, key);
	if (!json)
		return value;
	if (json_is_number(json)) {
		value.present = true;
		value.value = json_number_value(json);
	} else if (json_is_string(json)) {
		const char *text = json_string_value(json);
		double parsed;
		if ((accepted & VALUE_DURATION) && model_parse_duration(text, &parsed) == 0)
			value.present = true;
		else if ((accepted & VALUE_PERCENTAGE) && model_parse_percentage(text, &parsed) == 0)
			value.present = true;
		if (!value.present)
			return value;
		value.value = parsed;
		value.spelling = text;
	} else {
		return value;
	}
	size_t mark = enter(reader, key);
	value.location = location_here(reader);
	leave(reader, mark);
	return value;
}

/* A number as written: integers kept exact, others as doubles. */
static struct model_number read_number(struct reader *reader, const json_t *object, const char *key)
{
	struct model_number number = { 0 };
	const json_t *json = json_object_get(object, key);
	if (!json_is_number(json))
		return number;
	number.present = true;
	number.integral = json_is_integer(json);
	number.integer = number.integral ? (long long)json_integer_value(json) : 0;
	number.value = json_number_value(json);
	size_t mark = enter(reader, key);
	number.location = location_here(reader);
	leave(reader, mark);
	return number;
}

static struct model_flag read_flag(struct reader *reader, const json_t *object, const char *key)
{
	struct model_flag flag = { 0 };
	const json_t *json = json_object_get(object, key);
	if (!json_is_boolean(json))
		return flag;
	flag.present = true;
	flag.value = json_is_true(json);
	size_t mark = enter(reader, key);
	flag.location = location_here(reader);
	leave(reader, mark);
	return flag;
}

static struct model_date read_date(struct reader *reader, const json_t *object, const char *key)
{
	struct model_date date = { 0 };
	const char *text = string_of(object, key);
	if (!text || model_parse_date(text, &date.year, &date.month, &date.day) != 0)
		return date;
	size_t mark = enter(reader, key);
	date.location = location_here(reader);
	leave(reader, mark);
	return date;
}

static enum model_level level_of(const char *text)
{
	return text && strcmp(text, "critical") == 0 ? MODEL_LEVEL_CRITICAL : MODEL_LEVEL_WARNING;
}

static enum model_enforcement enforcement_of(const json_t *gate)
{
	if (!gate)
		return MODEL_ENFORCEMENT_NONE;
	const char *text = json_is_string(gate) ? json_string_value(gate) : string_of(gate, "enforcement");
	return text && strcmp(text, "advisory") == 0 ? MODEL_ENFORCEMENT_ADVISORY : MODEL_ENFORCEMENT_REQUIRED;
}

/* ---- one reader per kind ---- */

static void read_project(struct reader *reader, const json_t *root, struct model_project *project)
{
	project->source = reader->file;
	project->name = read_name(reader, root, "project");
	project->output = string_of(root, "output");
	if (!project->output)
		project->output = "build";
	const json_t *services = json_object_get(root, "services");
	size_t mark = enter(reader, "services");
	project->services = arena_array(reader->model, json_object_size(services), sizeof(*project->services));
	const char *name;
	const json_t *service;
	json_object_foreach((json_t *)services, name, service) {
		struct model_service *out = &project->services[project->service_count++];
		size_t service_mark = enter(reader, name);
		out->name.text = name;
		out->name.location = location_of_key(reader);
		out->job = string_of(service, "job");
		out->owner = string_of(service, "owner");
		out->description = string_of(service, "description");
		out->sbom = read_name(reader, service, "sbom");
		leave(reader, service_mark);
	}
	leave(reader, mark);
	const json_t *signing = json_object_get(root, "signing");
	if (signing) {
		mark = enter(reader, "signing");
		project->signing_plans = read_name(reader, signing, "plans");
		project->signing_evidence = read_name(reader, signing, "evidence");
		leave(reader, mark);
	}
	project->sensitive_labels = read_name_list(reader, root, "sensitive_labels");
}

static enum model_unit unit_of(const char *text)
{
	static const char *const names[] = { "seconds", "ratio", "requests_per_second", "bytes", "count" };
	for (size_t i = 0; text && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0)
			return (enum model_unit)(MODEL_UNIT_SECONDS + i);
	return MODEL_UNIT_NONE;
}

static void read_thresholds(struct reader *reader, const json_t *root, struct model_thresholds *out)
{
	out->source = reader->file;
	const json_t *thresholds = json_object_get(root, "thresholds");
	size_t mark = enter(reader, "thresholds");
	out->thresholds = arena_array(reader->model, json_object_size(thresholds), sizeof(*out->thresholds));
	const char *name;
	const json_t *definition;
	json_object_foreach((json_t *)thresholds, name, definition) {
		struct model_threshold *threshold = &out->thresholds[out->threshold_count++];
		size_t entry_mark = enter(reader, name);
		threshold->name.text = name;
		threshold->name.location = location_of_key(reader);
		threshold->service = read_name(reader, definition, "service");
		threshold->description = string_of(definition, "description");
		const json_t *slo = json_object_get(definition, "slo");
		if (slo) {
			threshold->is_slo = true;
			size_t slo_mark = enter(reader, "slo");
			threshold->objective = read_value(reader, slo, "objective", VALUE_PERCENTAGE);
			threshold->window = read_value(reader, slo, "window", VALUE_DURATION);
			const json_t *sli = json_object_get(slo, "sli");
			size_t sli_mark = enter(reader, "sli");
			threshold->sli_errors = read_text(reader, sli, "errors");
			threshold->sli_total = read_text(reader, sli, "total");
			leave(reader, sli_mark);
			leave(reader, slo_mark);
		} else {
			threshold->unit = unit_of(string_of(definition, "unit"));
			const char *direction = string_of(definition, "direction");
			threshold->direction = direction && strcmp(direction, "below") == 0 ? MODEL_DIRECTION_BELOW
											  : MODEL_DIRECTION_ABOVE;
			threshold->direction_location = read_name(reader, definition, "direction").location;
			int accepted = threshold->unit == MODEL_UNIT_SECONDS ? VALUE_DURATION
				       : threshold->unit == MODEL_UNIT_RATIO ? VALUE_PERCENTAGE
									     : 0;
			threshold->warning = read_value(reader, definition, "warning", accepted);
			threshold->critical = read_value(reader, definition, "critical", accepted);
		}
		leave(reader, entry_mark);
	}
	leave(reader, mark);
}

static void read_alert(struct reader *reader, const json_t *rule, struct model_alert *alert)
{
	alert->location = location_here(reader);
	alert->name = read_name(reader, rule, "alert");
	alert->expr = read_text(reader, rule, "expr");
	alert->threshold = read_name(reader, rule, "threshold");
	alert->slo = read_name(reader, rule, "slo");
	const json_t *levels = json_object_get(rule, "levels");
	if (json_is_array(levels)) {
		alert->levels_given = true;
		size_t mark = enter(reader, "levels");
		alert->levels_location = location_here(reader);
		leave(reader, mark);
		for (size_t i = 0; i < json_array_size(levels); i++) {
			const char *level = json_string_value(json_array_get(levels, i));
			if (level && strcmp(level, "warning") == 0)
				alert->level_warning = true;
			else if (level && strcmp(level, "critical") == 0)
				alert->level_critical = true;
		}
	}
	alert->for_duration = read_value(reader, rule, "for", VALUE_DURATION);
	alert->keep_firing_for = read_value(reader, rule, "keep_firing_for", VALUE_DURATION);
	alert->labels = read_labels(reader, rule, "labels");
	alert->annotations = read_labels(reader, rule, "annotations");
	const json_t *labels = json_object_get(rule, "labels");
	if (labels) {
		size_t mark = enter(reader, "labels");
		alert->severity = read_name(reader, labels, "severity");
		leave(reader, mark);
	}
	const json_t *annotations = json_object_get(rule, "annotations");
	if (annotations) {
		size_t mark = enter(reader, "annotations");
		alert->runbook_url = read_text(reader, annotations, "runbook_url");
		leave(reader, mark);
	}
}

static struct model_group_options read_group_options(struct reader *reader, const json_t *group)
{
	struct model_group_options options = { 0 };
	options.limit = read_number(reader, group, "limit");
	options.query_offset = read_value(reader, group, "query_offset", VALUE_DURATION);
	options.labels = read_labels(reader, group, "labels");
	return options;
}

static void read_alert_rules(struct reader *reader, const json_t *root, struct model_alert_rules *out)
{
	out->source = reader->file;
	const json_t *groups = json_object_get(root, "groups");
	size_t mark = enter(reader, "groups");
	out->groups = arena_array(reader->model, json_array_size(groups), sizeof(*out->groups));
	for (size_t g = 0; g < json_array_size(groups); g++) {
		const json_t *group = json_array_get(groups, g);
		struct model_alert_group *group_out = &out->groups[out->group_count++];
		size_t group_mark = enter_index(reader, g);
		group_out->name = read_name(reader, group, "name");
		group_out->interval = read_value(reader, group, "interval", VALUE_DURATION);
		group_out->options = read_group_options(reader, group);
		const json_t *rules = json_object_get(group, "rules");
		size_t rules_mark = enter(reader, "rules");
		group_out->alerts = arena_array(reader->model, json_array_size(rules), sizeof(*group_out->alerts));
		for (size_t r = 0; r < json_array_size(rules); r++) {
			size_t rule_mark = enter_index(reader, r);
			read_alert(reader, json_array_get(rules, r), &group_out->alerts[group_out->alert_count++]);
			leave(reader, rule_mark);
		}
		leave(reader, rules_mark);
		leave(reader, group_mark);
	}
	leave(reader, mark);
}

static void read_recording_rules(struct reader *reader, const json_t *root, struct model_recording_rules *out)
{
	out->source = reader->file;
	const json_t *groups = json_object_get(root, "groups");
	size_t mark = enter(reader, "groups");
	out->groups = arena_array(reader->model, json_array_size(groups), sizeof(*out->groups));
	for (size_t g = 0; g < json_array_size(groups); g++) {
		const json_t *group = json_array_get(groups, g);
		struct model_recording_group *group_out = &out->groups[out->group_count++];
		size_t group_mark = enter_index(reader, g);
		group_out->name = read_name(reader, group, "name");
		group_out->interval = read_value(reader, group, "interval", VALUE_DURATION);
		group_out->options = read_group_options(reader, group);
		const json_t *rules = json_object_get(group, "rules");
		size_t rules_mark = enter(reader, "rules");
		group_out->rules = arena_array(reader->model, json_array_size(rules), sizeof(*group_out->rules));
		for (size_t r = 0; r < json_array_size(rules); r++) {
			const json_t *rule = json_array_get(rules, r);
			struct model_recording_rule *rule_out = &group_out->rules[group_out->rule_count++];
			size_t rule_mark = enter_index(reader, r);
			rule_out->record = read_name(reader, rule, "record");
			rule_out->expr = read_text(reader, rule, "expr");
			rule_out->labels = read_labels(reader, rule, "labels");
			leave(reader, rule_mark);
		}
		leave(reader, rules_mark);
		leave(reader, group_mark);
	}
	leave(reader, mark);
}

static void read_panel(struct reader *reader, const json_t *panel, const char *row_title, struct model_panel *out)
{
	out->title = string_of(panel, "title");
	out->row_title = row_title;
	out->type = string_of(panel, "type");
	out->unit = string_of(panel, "unit");
	out->description = string_of(panel, "description");
	out->location = location_here(reader);
	out->min = read_number(reader, panel, "min");
	out->max = read_number(reader, panel, "max");
	out->decimals = read_number(reader, panel, "decimals");
	out->width = read_number(reader, panel, "width");
	out->height = read_number(reader, panel, "height");
	out->stack = read_flag(reader, panel, "stack");
	out->threshold = read_name(reader, panel, "threshold");
	const json_t *queries = json_object_get(panel, "queries");
	if (string_of(panel, "query")) {
		out->queries = arena_array(reader->model, 1, sizeof(*out->queries));
		out->queries[0].expr = read_text(reader, panel, "query");
		out->queries[0].legend = string_of(panel, "legend");
		out->query_count = 1;
	} else if (json_is_array(queries)) {
		size_t mark = enter(reader, "queries");
		out->queries = arena_array(reader->model, json_array_size(queries), sizeof(*out->queries));
		for (size_t q = 0; q < json_array_size(queries); q++) {
			const json_t *query = json_array_get(queries, q);
			size_t query_mark = enter_index(reader, q);
			struct model_query *query_out = &out->queries[out->query_count++];
			query_out->expr = read_text(reader, query, "expr");
			query_out->legend = string_of(query, "legend");
			leave(reader, query_mark);
		}
		leave(reader, mark);
	}
}

static void read_dashboard(struct reader *reader, const json_t *root, struct model_dashboard *out)
{
	out->source = reader->file;
	out->uid = read_name(reader, root, "uid");
	out->title = string_of(root, "title");
	/* a complete Grafana dashboard is passed through as is: it names no service */
	if (json_object_get(root, "schemaVersion") || json_object_get(root, "panels")) {
		out->complete = true;
		out->grafana_document = root;
		return;
	}
	out->service = read_name(reader, root, "service");
	out->description = string_of(root, "description");
	out->tags_given = json_is_array(json_object_get(root, "tags"));
	out->tags = read_name_list(reader, root, "tags");
	out->refresh = read_text(reader, root, "refresh");
	const json_t *time = json_object_get(root, "time");
	if (json_is_object(time)) {
		size_t time_mark = enter(reader, "time");
		out->time_from = read_text(reader, time, "from");
		out->time_to = read_text(reader, time, "to");
		leave(reader, time_mark);
	}
	const json_t *rows = json_object_get(root, "rows");
	size_t total = 0;
	for (size_t r = 0; r < json_array_size(rows); r++)
		total += json_array_size(json_object_get(json_array_get(rows, r), "panels"));
	out->panels = arena_array(reader->model, total, sizeof(*out->panels));
	out->rows = arena_array(reader->model, json_array_size(rows), sizeof(*out->rows));
	size_t mark = enter(reader, "rows");
	for (size_t r = 0; r < json_array_size(rows); r++) {
		const json_t *row = json_array_get(rows, r);
		const json_t *panels = json_object_get(row, "panels");
		size_t row_mark = enter_index(reader, r);
		struct model_row *row_out = &out->rows[out->row_count++];
		row_out->title = string_of(row, "title");
		row_out->collapsed = boolean_of(row, "collapsed");
		row_out->location = location_here(reader);
		row_out->first_panel = out->panel_count;
		row_out->panel_count = json_array_size(panels);
		size_t panels_mark = enter(reader, "panels");
		for (size_t p = 0; p < json_array_size(panels); p++) {
			size_t panel_mark = enter_index(reader, p);
			read_panel(reader, json_array_get(panels, p), string_of(row, "title"), &out->panels[out->panel_count++]);
			leave(reader, panel_mark);
		}
		leave(reader, panels_mark);
		leave(reader, row_mark);
	}
	leave(reader, mark);
}

static enum model_metric metric_of(const char *text)
{
	static const char *const names[] = { "latency_p50", "latency_p95", "latency_p99", "latency_max",
					     "error_ratio", "throughput", "baseline_regression" };
	for (size_t i = 0; text && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0)
			return (enum model_metric)i;
	return MODEL_METRIC_LATENCY_P95;
}

static void read_scenario(struct reader *reader, const char *name, const json_t *scenario, struct model_scenario *out)
{
	out->name.text = name;
	out->name.location = location_of_key(reader);
	out->executor = string_of(scenario, "executor");
	out->rate = number_of(scenario, "rate", 0);
	out->duration = read_value(reader, scenario, "duration", VALUE_DURATION);
	out->connections = integer_of(scenario, "connections", 0);
	out->requests = read_name_list(reader, scenario, "requests");
	out->off_peak_only = boolean_of(scenario, "off_peak_only");
	const json_t *stages = json_object_get(scenario, "stages");
	if (json_is_array(stages)) {
		size_t mark = enter(reader, "stages");
		out->ramp = arena_array(reader->model, json_array_size(stages), sizeof(*out->ramp));
		for (size_t i = 0; i < json_array_size(stages); i++) {
			const json_t *stage = json_array_get(stages, i);
			size_t stage_mark = enter_index(reader, i);
			out->ramp[out->ramp_count].target = number_of(stage, "target", 0);
			out->ramp[out->ramp_count].duration = read_value(reader, stage, "duration", VALUE_DURATION);
			out->ramp_count++;
			leave(reader, stage_mark);
		}
		leave(reader, mark);
	}
}

/* `check` is the current position of the reader. */
static void read_http_check(struct reader *reader, const json_t *check, struct model_http_check *out)
{
	out->present = json_is_object(check);
	if (!out->present)
		return;
	out->location = location_here(reader);
	out->path = string_of(check, "path");
	out->method = string_of(check, "method");
	const json_t *expect = json_object_get(check, "expect");
	out->expect_status = json_object_get(expect, "status");
	out->expect_json = json_object_get(expect, "json");
	out->expect_body_contains = json_object_get(expect, "body_contains");
	out->timeout = read_value(reader, check, "timeout", VALUE_DURATION);
}

static void read_load_test(struct reader *reader, const json_t *root, struct model_load_test *out)
{
	out->source = reader->file;
	out->service = read_name(reader, root, "service");
	const json_t *target = json_object_get(root, "target");
	size_t mark = enter(reader, "target");
	out->target_stage = read_name(reader, target, "stage");
	out->target_base_url = string_of(target, "base_url");
	out->timeout = read_value(reader, target, "timeout", VALUE_DURATION);
	size_t check_mark = enter(reader, "compliance_mode");
	read_http_check(reader, json_object_get(target, "compliance_mode"), &out->compliance_mode);
	leave(reader, check_mark);
	const json_t *prometheus = json_object_get(target, "prometheus");
	out->prometheus_url = string_of(prometheus, "url");
	out->prometheus_selector = string_of(prometheus, "selector");
	leave(reader, mark);
	out->reports_dir = string_of(json_object_get(root, "reports"), "dir");
	out->headers = json_object_get(root, "headers");

	const json_t *requests = json_object_get(root, "requests");
	mark = enter(reader, "requests");
	out->requests = arena_array(reader->model, json_array_size(requests), sizeof(*out->requests));
	for (size_t i = 0; i < json_array_size(requests); i++) {
		const json_t *request = json_array_get(requests, i);
		struct model_request *request_out = &out->requests[out->request_count++];
		size_t request_mark = enter_index(reader, i);
		request_out->name = read_name(reader, request, "name");
		request_out->method = string_of(request, "method");
		request_out->path = string_of(request, "path");
		request_out->weight = integer_of(request, "weight", 1);
		request_out->headers = json_object_get(request, "headers");
		request_out->json_body = json_object_get(request, "json");
		request_out->body = json_object_get(request, "body");
		request_out->expect = json_object_get(request, "expect");
		leave(reader, request_mark);
	}
	leave(reader, mark);

	const json_t *scenarios = json_object_get(root, "scenarios");
	mark = enter(reader, "scenarios");
	out->scenarios = arena_array(reader->model, json_object_size(scenarios), sizeof(*out->scenarios));
	const char *name;
	const json_t *scenario;
	json_object_foreach((json_t *)scenarios, name, scenario) {
		size_t scenario_mark = enter(reader, name);
		read_scenario(reader, name, scenario, &out->scenarios[out->scenario_count++]);
		leave(reader, scenario_mark);
	}
	leave(reader, mark);

	const json_t *criteria = json_object_get(root, "criteria");
	mark = enter(reader, "criteria");
	out->criteria = arena_array(reader->model, json_array_size(criteria), sizeof(*out->criteria));
	for (size_t i = 0; i < json_array_size(criteria); i++) {
		const json_t *criterion = json_array_get(criteria, i);
		struct model_criterion *criterion_out = &out->criteria[out->criterion_count++];
		size_t criterion_mark = enter_index(reader, i);
		criterion_out->location = location_here(reader);
		criterion_out->metric_name = string_of(criterion, "metric");
		criterion_out->metric = metric_of(criterion_out->metric_name);
		criterion_out->threshold = read_name(reader, criterion, "threshold");
		struct model_name level = read_name(reader, criterion, "level");
		criterion_out->level = level_of(level.text);
		criterion_out->level_location = level.location;
		criterion_out->max = read_value(reader, criterion, "max", VALUE_DURATION | VALUE_PERCENTAGE);
		criterion_out->min = read_value(reader, criterion, "min", VALUE_DURATION | VALUE_PERCENTAGE);
		criterion_out->baseline = read_name(reader, criterion, "baseline");
		criterion_out->max_increase = read_value(reader, criterion, "max_increase", VALUE_PERCENTAGE);
		criterion_out->scenarios = read_name_list(reader, criterion, "scenarios");
		criterion_out->requests = read_name_list(reader, criterion, "requests");
		leave(reader, criterion_mark);
	}
	leave(reader, mark);
}

static void read_baseline(struct reader *reader, const json_t *root, struct model_baseline *out)
{
	out->source = reader->file;
	out->service = read_name(reader, root, "service");
	out->stage = read_name(reader, root, "stage");
	out->mode = string_of(root, "mode");
	out->release = string_of(root, "release");
	out->run_id = string_of(root, "run_id");
	out->recorded = string_of(root, "recorded");
	const json_t *scenarios = json_object_get(root, "scenarios");
	size_t mark = enter(reader, "scenarios");
	out->scenarios = arena_array(reader->model, json_object_size(scenarios), sizeof(*out->scenarios));
	const char *name;
	const json_t *scenario;
	json_object_foreach((json_t *)scenarios, name, scenario) {
		struct model_scenario_result *scenario_out = &out->scenarios[out->scenario_count++];
		size_t scenario_mark = enter(reader, name);
		scenario_out->name.text = name;
		scenario_out->name.location = location_of_key(reader);
		scenario_out->rate = number_of(scenario, "rate", -1);
		const json_t *requests = json_object_get(scenario, "requests");
		size_t requests_mark = enter(reader, "requests");
		scenario_out->requests =
			arena_array(reader->model, json_object_size(requests), sizeof(*scenario_out->requests));
		const char *request_name;
		const json_t *result;
		json_object_foreach((json_t *)requests, request_name, result) {
			struct model_request_result *result_out = &scenario_out->requests[scenario_out->request_count++];
			size_t request_mark = enter(reader, request_name);
			result_out->name.text = request_name;
			result_out->name.location = location_of_key(reader);
			result_out->p50_ms = number_of(result, "p50_ms", -1);
			result_out->p95_ms = number_of(result, "p95_ms", -1);
			result_out->p99_ms = number_of(result, "p99_ms", -1);
			result_out->max_ms = number_of(result, "max_ms", -1);
			result_out->error_ratio = number_of(result, "error_ratio", -1);
			result_out->throughput_rps = number_of(result, "throughput_rps", -1);
			leave(reader, request_mark);
		}
		leave(reader, requests_mark);
		leave(reader, scenario_mark);
	}
	leave(reader, mark);
}

static void read_window(struct reader *reader, const json_t *window, struct model_window *out)
{
	static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	if (!json_is_object(window))
		return;
	out->present = true;
	out->location = location_here(reader);
	const json_t *days = json_object_get(window, "days");
	for (size_t i = 0; i < json_array_size(days); i++) {
		const char *day = json_string_value(json_array_get(days, i));
		for (size_t d = 0; day && d < 7; d++)
			if (strcmp(day, day_names[d]) == 0)
				out->days |= 1u << d;
	}
	const char *start = string_of(window, "start"), *end = string_of(window, "end");
	if (!start || model_parse_time_of_day(start, &out->start_minute) != 0)
		out->start_minute = 0;
	if (!end || model_parse_time_of_day(end, &out->end_minute) != 0)
		out->end_minute = 0;
	out->timezone = string_of(window, "timezone");
	if (!out->timezone)
		out->timezone = "UTC";
}

static void read_stage(struct reader *reader, const json_t *root, struct model_stage *out)
{
	out->source = reader->file;
	out->name = read_name(reader, root, "name");
	out->promotes_from = read_name(reader, root, "promotes_from");
	out->services = read_name_list(reader, root, "services");
	const json_t *target = json_object_get(root, "target");
	out->base_url = string_of(target, "base_url");
	const json_t *health = json_object_get(target, "health");
	size_t target_mark = enter(reader, "target");
	size_t health_mark = enter(reader, "health");
	out->health_checks = arena_array(reader->model, json_array_size(health), sizeof(*out->health_checks));
	for (size_t i = 0; i < json_array_size(health); i++) {
		size_t check_mark = enter_index(reader, i);
		read_http_check(reader, json_array_get(health, i), &out->health_checks[out->health_check_count++]);
		leave(reader, check_mark);
	}
	leave(reader, health_mark);
	leave(reader, target_mark);
	out->state_dir = string_of(root, "state_dir");
	out->snapshot_policy = read_name(reader, root, "snapshot_policy");
	size_t mark = enter(reader, "off_peak_window");
	read_window(reader, json_object_get(root, "off_peak_window"), &out->off_peak_window);
	leave(reader, mark);

	const json_t *loadtest_tests = json_object_get(json_object_get(root, "tests"), "loadtest");
	if (loadtest_tests) {
		mark = enter(reader, "tests");
		size_t inner = enter(reader, "loadtest");
		out->tests_location = location_of_key(reader);
		out->test_scenarios = read_name_list(reader, loadtest_tests, "scenarios");
		leave(reader, inner);
		leave(reader, mark);
	}

	const json_t *gates = json_object_get(root, "gates");
	mark = enter(reader, "gates");
	const json_t *loadtest = json_object_get(gates, "loadtest");
	out->loadtest_gate = enforcement_of(loadtest);
	if (loadtest) {
		size_t gate_mark = enter(reader, "loadtest");
		out->loadtest_from_stage = read_name(reader, loadtest, "from_stage");
		struct model_name level = read_name(reader, loadtest, "level");
		out->loadtest_level = level_of(level.text);
		out->loadtest_level_location = level.location;
		const json_t *thresholds = json_object_get(loadtest, "thresholds");
		out->gate_thresholds = arena_array(reader->model, json_object_size(thresholds), sizeof(*out->gate_thresholds));
		size_t thresholds_mark = enter(reader, "thresholds");
		const char *metric;
		const json_t *threshold;
		json_object_foreach((json_t *)thresholds, metric, threshold) {
			if (!json_is_string(threshold))
				continue;
			struct model_gate_threshold *gate = &out->gate_thresholds[out->gate_threshold_count++];
			size_t entry_mark = enter(reader, metric);
			gate->metric = metric;
			gate->threshold.text = json_string_value(threshold);
			gate->threshold.location = location_here(reader);
			leave(reader, entry_mark);
		}
		leave(reader, thresholds_mark);
		leave(reader, gate_mark);
	}
	const json_t *baseline = json_object_get(gates, "performance_baseline");
	out->baseline_gate = enforcement_of(baseline);
	if (baseline) {
		size_t gate_mark = enter(reader, "performance_baseline");
		out->max_regression = read_value(reader, baseline, "max_regression", VALUE_PERCENTAGE);
		leave(reader, gate_mark);
	}
	out->alerts_configured = enforcement_of(json_object_get(gates, "alerts_configured"));
	const json_t *rollback = json_object_get(gates, "rollback_tested");
	out->rollback_gate = enforcement_of(rollback);
	if (rollback) {
		size_t gate_mark = enter(reader, "rollback_tested");
		out->rollback_within = read_value(reader, rollback, "within", VALUE_DURATION);
		leave(reader, gate_mark);
	}
	const json_t *security = json_object_get(gates, "security_scan");
	out->security_gate = enforcement_of(security);
	out->security_fail_on = string_of(security, "fail_on");
	leave(reader, mark);

	const json_t *approvals = json_object_get(root, "approvals");
	out->approvals_required = integer_of(approvals, "required", 0);
	mark = enter(reader, "approvals");
	out->approvers = read_name_list(reader, approvals, "from");
	leave(reader, mark);
}

static void read_snapshot_manifest(struct reader *reader, const json_t *root, struct model_snapshot_manifest *out)
{
	out->source = reader->file;
	out->store = string_of(root, "store");
	const json_t *encryption = json_object_get(root, "encryption");
	out->encryption_algorithm = string_of(encryption, "algorithm");
	size_t mark = enter(reader, "encryption");
	out->key_id = read_name(reader, encryption, "key_id");
	leave(reader, mark);
	const char *chunk_size = string_of(encryption, "chunk_size");
	if (!chunk_size || model_parse_size(chunk_size, &out->chunk_size_bytes) != 0)
		out->chunk_size_bytes = 0;
	const json_t *compression = json_object_get(root, "compression");
	out->compression_algorithm = string_of(compression, "algorithm");
	out->compression_level = integer_of(compression, "level", 0);

	const json_t *policies = json_object_get(root, "policies");
	mark = enter(reader, "policies");
	out->policies = arena_array(reader->model, json_object_size(policies), sizeof(*out->policies));
	const char *name;
	const json_t *policy;
	json_object_foreach((json_t *)policies, name, policy) {
		struct model_snapshot_policy *policy_out = &out->policies[out->policy_count++];
		size_t policy_mark = enter(reader, name);
		policy_out->name.text = name;
		policy_out->name.location = location_of_key(reader);
		policy_out->include = read_strings(reader, policy, "include", &policy_out->include_count);
		policy_out->exclude = read_strings(reader, policy, "exclude", &policy_out->exclude_count);
		const json_t *retention = json_object_get(policy, "retention");
		policy_out->keep_last = integer_of(retention, "keep_last", 0);
		size_t retention_mark = enter(reader, "retention");
		policy_out->max_age = read_value(reader, retention, "max_age", VALUE_DURATION);
		leave(reader, retention_mark);
		leave(reader, policy_mark);
	}
	leave(reader, mark);
}

static const char *const phase_names[MODEL_PHASE_COUNT] = { "after_create", "before_restore", "after_restore" };

static void read_check_list(struct reader *reader, const json_t *object, const char *key,
			    struct model_snapshot_check_list *out)
{
	const json_t *checks = json_object_get(object, key);
	if (!json_is_array(checks))
		return;
	size_t mark = enter(reader, key);
	out->checks = arena_array(reader->model, json_array_size(checks), sizeof(*out->checks));
	for (size_t i = 0; i < json_array_size(checks); i++) {
		const json_t *check = json_array_get(checks, i);
		struct model_snapshot_check *check_out = &out->checks[out->count];
		size_t check_mark = enter_index(reader, i);
		check_out->location = location_here(reader);
		if (json_is_string(check)) {
			check_out->name = json_string_value(check);
		} else if (json_is_object(check) && json_object_size(check) == 1) {
			const char *name = json_object_iter_key(json_object_iter((json_t *)check));
			check_out->name = name;
			check_out->files = read_strings(reader, check, "require_files", &check_out->file_count);
			check_out->max_age = read_value(reader, check, "max_age", VALUE_DURATION);
			check_out->http_path = string_of(json_object_get(check, "http"), "path");
		} else {
			leave(reader, check_mark);
			continue;
		}
		out->count++;
		leave(reader, check_mark);
	}
	leave(reader, mark);
}

static void read_snapshot_validation(struct reader *reader, const json_t *root, struct model_snapshot_validation *out)
{
	out->source = reader->file;
	for (int phase = 0; phase < MODEL_PHASE_COUNT; phase++)
		read_check_list(reader, root, phase_names[phase], &out->phases[phase]);
	const json_t *policies = json_object_get(root, "policies");
	size_t mark = enter(reader, "policies");
	out->policies = arena_array(reader->model, json_object_size(policies), sizeof(*out->policies));
	const char *name;
	const json_t *checks;
	json_object_foreach((json_t *)policies, name, checks) {
		struct model_policy_checks *policy_out = &out->policies[out->policy_count++];
		size_t policy_mark = enter(reader, name);
		policy_out->policy.text = name;
		policy_out->policy.location = location_of_key(reader);
		for (int phase = 0; phase < MODEL_PHASE_COUNT; phase++)
			read_check_list(reader, checks, phase_names[phase], &policy_out->phases[phase]);
		leave(reader, policy_mark);
	}
	leave(reader, mark);
}

static void read_secret_rotation(struct reader *reader, const json_t *root, struct model_secret_rotation *out)
{
	out->source = reader->file;
	const json_t *defaults = json_object_get(root, "defaults");
	size_t mark = enter(reader, "defaults");
	out->default_max_age = read_value(reader, defaults, "max_age", VALUE_DURATION);
	out->default_warn_before = read_value(reader, defaults, "warn_before", VALUE_DURATION);
	leave(reader, mark);
	const json_t *secrets = json_object_get(root, "secrets");
	mark = enter(reader, "secrets");
	out->secrets = arena_array(reader->model, json_array_size(secrets), sizeof(*out->secrets));
	for (size_t i = 0; i < json_array_size(secrets); i++) {
		const json_t *secret = json_array_get(secrets, i);
		struct model_secret *secret_out = &out->secrets[out->secret_count++];
		size_t secret_mark = enter_index(reader, i);
		secret_out->name = read_name(reader, secret, "name");
		secret_out->owner = string_of(secret, "owner");
		secret_out->description = string_of(secret, "description");
		secret_out->location_reference = string_of(secret, "location");
		secret_out->rotation = string_of(secret, "rotation");
		secret_out->last_rotated = read_date(reader, secret, "last_rotated");
		secret_out->max_age = read_value(reader, secret, "max_age", VALUE_DURATION);
		secret_out->warn_before = read_value(reader, secret, "warn_before", VALUE_DURATION);
		secret_out->used_by = read_name_list(reader, secret, "used_by");
		leave(reader, secret_mark);
	}
	leave(reader, mark);
}

static bool read_scalar(const json_t *json, struct model_scalar *out)
{
	if (json_is_string(json)) {
		out->type = MODEL_SCALAR_STRING;
		out->string = json_string_value(json);
	} else if (json_is_number(json)) {
		out->type = MODEL_SCALAR_NUMBER;
		out->number = json_number_value(json);
	} else if (json_is_boolean(json)) {
		out->type = MODEL_SCALAR_BOOLEAN;
		out->boolean = json_is_true(json);
	} else {
		return false;
	}
	return true;
}

/* A scalar or a list of scalars. */
static struct model_scalar *read_scalars(struct reader *reader, const json_t *json, size_t *count)
{
	*count = 0;
	size_t capacity = json_is_array(json) ? json_array_size(json) : 1;
	struct model_scalar *scalars = arena_array(reader->model, capacity, sizeof(*scalars));
	if (json_is_array(json)) {
		for (size_t i = 0; i < json_array_size(json); i++)
			if (read_scalar(json_array_get(json, i), &scalars[*count]))
				(*count)++;
	} else if (read_scalar(json, &scalars[0])) {
		*count = 1;
	}
	return scalars;
}

static void read_compliance_rule(struct reader *reader, const json_t *rule, struct model_compliance_rule *out)
{
	out->id = read_name(reader, rule, "id");
	out->title = string_of(rule, "title");
	out->description = string_of(rule, "description");
	out->severity = string_of(rule, "severity");
	out->controls = read_name_list(reader, rule, "controls");
	out->files = read_strings(reader, rule, "files", &out->file_count);
	out->exclude = read_strings(reader, rule, "exclude", &out->exclude_count);
	out->kind = read_name(reader, rule, "kind");
	out->forbid_pattern = read_text(reader, rule, "forbid_pattern");

	const json_t *where = json_object_get(rule, "where");
	if (json_is_object(where)) {
		size_t mark = enter(reader, "where");
		out->where = arena_array(reader->model, json_object_size(where), sizeof(*out->where));
		const char *pointer;
		const json_t *value;
		json_object_foreach((json_t *)where, pointer, value) {
			struct model_where *where_out = &out->where[out->where_count++];
			size_t entry_mark = enter(reader, pointer);
			where_out->pointer = pointer;
			where_out->location = location_of_key(reader);
			where_out->values = read_scalars(reader, value, &where_out->value_count);
			leave(reader, entry_mark);
		}
		leave(reader, mark);
	}

	const json_t *allow = json_object_get(rule, "allow_patterns");
	if (json_is_array(allow)) {
		size_t mark = enter(reader, "allow_patterns");
		out->allow_patterns = arena_array(reader->model, json_array_size(allow), sizeof(*out->allow_patterns));
		for (size_t i = 0; i < json_array_size(allow); i++) {
			const char *pattern = json_string_value(json_array_get(allow, i));
			if (!pattern)
				continue;
			size_t item_mark = enter_index(reader, i);
			struct model_text *text = &out->allow_patterns[out->allow_pattern_count++];
			text->text = pattern;
			text->location = location_here(reader);
			const struct load_position *position = position_here(reader);
			text->offset = position ? position->offset : 0;
			leave(reader, item_mark);
		}
		leave(reader, mark);
	}

	const json_t *require = json_object_get(rule, "require");
	if (json_is_array(require)) {
		size_t mark = enter(reader, "require");
		out->requirements = arena_array(reader->model, json_array_size(require), sizeof(*out->requirements));
		for (size_t i = 0; i < json_array_size(require); i++) {
			const json_t *requirement = json_array_get(require, i);
			struct model_requirement *requirement_out = &out->requirements[out->requirement_count++];
			size_t item_mark = enter_index(reader, i);
			requirement_out->location = location_here(reader);
			requirement_out->path = string_of(requirement, "path");
			const json_t *exists = json_object_get(requirement, "exists");
			requirement_out->has_exists = json_is_boolean(exists);
			requirement_out->exists = json_is_true(exists);
			requirement_out->has_equals =
				read_scalar(json_object_get(requirement, "equals"), &requirement_out->equals);
			const json_t *one_of = json_object_get(requirement, "one_of");
			if (one_of)
				requirement_out->one_of = read_scalars(reader, one_of, &requirement_out->one_of_count);
			requirement_out->pattern = read_text(reader, requirement, "pattern");
			const json_t *min = json_object_get(requirement, "min"), *max = json_object_get(requirement, "max");
			requirement_out->has_min = json_is_number(min);
			requirement_out->min = json_number_value(min);
			requirement_out->has_max = json_is_number(max);
			requirement_out->max = json_number_value(max);
			leave(reader, item_mark);
		}
		leave(reader, mark);
	}
}

static void read_compliance_rules(struct reader *reader, const json_t *root, struct model_compliance_rules *out)
{
	out->source = reader->file;
	const json_t *rules = json_object_get(root, "rules");
	size_t mark = enter(reader, "rules");
	out->rules = arena_array(reader->model, json_array_size(rules), sizeof(*out->rules));
	for (size_t i = 0; i < json_array_size(rules); i++) {
		size_t rule_mark = enter_index(reader, i);
		read_compliance_rule(reader, json_array_get(rules, i), &out->rules[out->rule_count++]);
		leave(reader, rule_mark);
	}
	leave(reader, mark);
}

static void read_sbom_enrichment(struct reader *reader, const json_t *root, struct model_sbom_enrichment *out)
{
	out->source = reader->file;
	out->database = read_name(reader, root, "database");
	const json_t *sboms = json_object_get(root, "sboms");
	size_t mark = enter(reader, "sboms");
	out->sboms = arena_array(reader->model, json_array_size(sboms), sizeof(*out->sboms));
	for (size_t i = 0; i < json_array_size(sboms); i++) {
		const json_t *sbom = json_array_get(sboms, i);
		size_t item_mark = enter_index(reader, i);
		out->sboms[out->sbom_count].service = read_name(reader, sbom, "service");
		out->sboms[out->sbom_count].purl_type = string_of(sbom, "purl_type");
		out->sbom_count++;
		leave(reader, item_mark);
	}
	leave(reader, mark);

	const json_t *rules = json_object_get(root, "rules");
	mark = enter(reader, "rules");
	out->rules = arena_array(reader->model, json_array_size(rules), sizeof(*out->rules));
	for (size_t i = 0; i < json_array_size(rules); i++) {
		const json_t *rule = json_array_get(rules, i);
		struct model_enrichment_rule *rule_out = &out->rules[out->rule_count++];
		size_t item_mark = enter_index(reader, i);
		rule_out->location = location_here(reader);
		const json_t *match = json_object_get(rule, "match"), *set = json_object_get(rule, "set");
		rule_out->match_purl = string_of(match, "purl");
		rule_out->match_name = string_of(match, "name");
		rule_out->licenses = read_strings(reader, set, "licenses", &rule_out->license_count);
		rule_out->supplier_name = string_of(json_object_get(set, "supplier"), "name");
		leave(reader, item_mark);
	}
	leave(reader, mark);

	const json_t *licenses = json_object_get(root, "licenses");
	out->licenses_allow = read_strings(reader, licenses, "allow", &out->licenses_allow_count);
	out->licenses_deny = read_strings(reader, licenses, "deny", &out->licenses_deny_count);
	out->licenses_unknown = string_of(licenses, "unknown");
	if (!out->licenses_unknown)
		out->licenses_unknown = "warning";

	const json_t *waivers = json_object_get(root, "waivers");
	mark = enter(reader, "waivers");
	out->waivers = arena_array(reader->model, json_array_size(waivers), sizeof(*out->waivers));
	for (size_t i = 0; i < json_array_size(waivers); i++) {
		const json_t *waiver = json_array_get(waivers, i);
		struct model_waiver *waiver_out = &out->waivers[out->waiver_count++];
		size_t item_mark = enter_index(reader, i);
		waiver_out->location = location_here(reader);
		waiver_out->id = read_name(reader, waiver, "id");
		waiver_out->service = read_name(reader, waiver, "service");
		waiver_out->component = read_name(reader, waiver, "component");
		waiver_out->reason = string_of(waiver, "reason");
		waiver_out->approved_by = string_of(waiver, "approved_by");
		waiver_out->ticket = string_of(waiver, "ticket");
		waiver_out->expires = read_date(reader, waiver, "expires");
		leave(reader, item_mark);
	}
	leave(reader, mark);
}

static void read_vulnerability_db(struct reader *reader, const json_t *root, struct model_vulnerability_db *out)
{
	out->source = reader->file;
	const json_t *records = json_object_get(root, "records");
	size_t mark = enter(reader, "records");
	out->records = arena_array(reader->model, json_array_size(records), sizeof(*out->records));
	for (size_t i = 0; i < json_array_size(records); i++) {
		const json_t *record = json_array_get(records, i);
		struct model_vulnerability *record_out = &out->records[out->record_count++];
		size_t item_mark = enter_index(reader, i);
		record_out->id = read_name(reader, record, "id");
		record_out->aliases = read_name_list(reader, record, "aliases");
		record_out->summary = string_of(record, "summary");
		const json_t *affected = json_object_get(record, "affected");
		const char **purls = arena_array(reader->model, json_array_size(affected), sizeof(*purls));
		for (size_t a = 0; a < json_array_size(affected); a++) {
			const char *purl = string_of(json_object_get(json_array_get(affected, a), "package"), "purl");
			if (purl)
				purls[record_out->affected_purl_count++] = purl;
		}
		record_out->affected_purls = purls;
		leave(reader, item_mark);
	}
	leave(reader, mark);
}

static size_t count_components(const json_t *components)
{
	size_t count = json_array_size(components);
	for (size_t i = 0; i < json_array_size(components); i++)
		count += count_components(json_object_get(json_array_get(components, i), "components"));
	return count;
}

static void read_component(struct reader *reader, const json_t *component, struct model_component *out)
{
	out->name = string_of(component, "name");
	out->group = string_of(component, "group");
	out->version = string_of(component, "version");
	out->purl = string_of(component, "purl");
	out->bom_ref = string_of(component, "bom-ref");
	out->location = location_here(reader);
}

/* Nested components are bounded by the loader's depth limit, so recursion is safe here. */
static void read_components(struct reader *reader, const json_t *components, struct model_sbom *out)
{
	for (size_t i = 0; i < json_array_size(components); i++) {
		const json_t *component = json_array_get(components, i);
		size_t mark = enter_index(reader, i);
		read_component(reader, component, &out->components[out->component_count++]);
		const json_t *nested = json_object_get(component, "components");
		if (json_is_array(nested)) {
			size_t nested_mark = enter(reader, "components");
			read_components(reader, nested, out);
			leave(reader, nested_mark);
		}
		leave(reader, mark);
	}
}

/* An SPDX package as a component: its SPDXID stands for the bom-ref, its purl is the first
 * externalRefs entry of type purl. */
static void read_spdx_package(struct reader *reader, const json_t *package, struct model_component *out)
{
	out->name = string_of(package, "name");
	out->version = string_of(package, "versionInfo");
	out->bom_ref = string_of(package, "SPDXID");
	const json_t *reference;
	size_t index;
	json_array_foreach(json_object_get(package, "externalRefs"), index, reference) {
		const char *type = string_of(reference, "referenceType");
		if (type && strcmp(type, "purl") == 0 && string_of(reference, "referenceLocator")) {
			out->purl = string_of(reference, "referenceLocator");
			break;
		}
	}
	out->location = location_here(reader);
}

/* SPDX 2.3 JSON: the packages the document describes are the product, the others components. */
static void read_spdx_sbom(struct reader *reader, const json_t *root, struct model_sbom *out)
{
	out->spec_version = string_of(root, "spdxVersion");
	const json_t *packages = json_object_get(root, "packages");
	out->components = arena_array(reader->model, json_array_size(packages), sizeof(*out->components));
	size_t mark = enter(reader, "packages");
	for (size_t i = 0; i < json_array_size(packages); i++) {
		const json_t *package = json_array_get(packages, i);
		const char *id = string_of(package, "SPDXID");
		size_t item_mark = enter_index(reader, i);
		if (id && sbom_spdx_describes(root, id)) {
			if (!out->main_component.name)
				read_spdx_package(reader, package, &out->main_component);
		} else {
			read_spdx_package(reader, package, &out->components[out->component_count++]);
		}
		leave(reader, item_mark);
	}
	leave(reader, mark);
}

static void read_sbom(struct reader *reader, const json_t *root, struct model_sbom *out)
{
	out->source = reader->file;
	if (json_object_get(root, "spdxVersion")) {
		read_spdx_sbom(reader, root, out);
		return;
	}
	out->spec_version = string_of(root, "specVersion");
	const json_t *main_component = json_object_get(json_object_get(root, "metadata"), "component");
	if (json_is_object(main_component)) {
		size_t mark = enter(reader, "metadata");
		size_t inner = enter(reader, "component");
		read_component(reader, main_component, &out->main_component);
		leave(reader, inner);
		leave(reader, mark);
	}
	const json_t *components = json_object_get(root, "components");
	out->components = arena_array(reader->model, count_components(components), sizeof(*out->components));
	size_t mark = enter(reader, "components");
	read_components(reader, components, out);
	leave(reader, mark);
}

static void read_evidence_template(struct reader *reader, const json_t *root, struct model_evidence_template *out)
{
	out->source = reader->file;
	out->framework = string_of(root, "framework");
	const json_t *controls = json_object_get(root, "controls");
	size_t mark = enter(reader, "controls");
	out->controls = arena_array(reader->model, json_array_size(controls), sizeof(*out->controls));
	for (size_t i = 0; i < json_array_size(controls); i++) {
		const json_t *control = json_array_get(controls, i);
		struct model_control *control_out = &out->controls[out->control_count++];
		size_t item_mark = enter_index(reader, i);
		control_out->id = read_name(reader, control, "id");
		control_out->title = string_of(control, "title");
		control_out->owner = string_of(control, "owner");
		control_out->evidence = read_name_list(reader, control, "evidence");
		leave(reader, item_mark);
	}
	leave(reader, mark);
}

static void read_collection_rules(struct reader *reader, const json_t *root, struct model_collection_rules *out)
{
	out->source = reader->file;
	const json_t *evidence = json_object_get(root, "evidence");
	size_t mark = enter(reader, "evidence");
	out->items = arena_array(reader->model, json_object_size(evidence), sizeof(*out->items));
	const char *name;
	const json_t *rule;
	json_object_foreach((json_t *)evidence, name, rule) {
		struct model_evidence_item *item = &out->items[out->item_count++];
		size_t item_mark = enter(reader, name);
		item->name.text = name;
		item->name.location = location_of_key(reader);
		item->from = string_of(rule, "from");
		item->step = string_of(rule, "step");
		item->path = string_of(rule, "path");
		item->description = string_of(rule, "description");
		leave(reader, item_mark);
	}
	leave(reader, mark);
}

/* ---- the kind table ---- */

/* How to read one kind: where its array lives in the model and which reader fills an element. */
struct kind_reader {
	const char *kind_name;
	size_t element_size;
	size_t array_offset, count_offset;
	void (*read)(struct reader *reader, const json_t *root, void *element);
};

/* Each reader behind the one signature the table needs (calling through a cast function pointer
 * would be undefined behaviour). */
#define ELEMENT_READER(function, type)                                                              \
	static void function##_element(struct reader *reader, const json_t *root, void *element)     \
	{                                                                                            \
		function(reader, root, (type *)element);                                              \
	}

ELEMENT_READER(read_project, struct model_project)
ELEMENT_READER(read_thresholds, struct model_thresholds)
ELEMENT_READER(read_alert_rules, struct model_alert_rules)
ELEMENT_READER(read_recording_rules, struct model_recording_rules)
ELEMENT_READER(read_dashboard, struct model_dashboard)
ELEMENT_READER(read_load_test, struct model_load_test)
ELEMENT_READER(read_baseline, struct model_baseline)
ELEMENT_READER(read_stage, struct model_stage)
ELEMENT_READER(read_snapshot_manifest, struct model_snapshot_manifest)
ELEMENT_READER(read_snapshot_validation, struct model_snapshot_validation)
ELEMENT_READER(read_secret_rotation, struct model_secret_rotation)
ELEMENT_READER(read_compliance_rules, struct model_compliance_rules)
ELEMENT_READER(read_sbom_enrichment, struct model_sbom_enrichment)
ELEMENT_READER(read_vulnerability_db, struct model_vulnerability_db)
ELEMENT_READER(read_sbom, struct model_sbom)
ELEMENT_READER(read_evidence_template, struct model_evidence_template)
ELEMENT_READER(read_collection_rules, struct model_collection_rules)

/* The model's array of each kind is found by offset: all object pointers share one
 * representation on the platforms we build for (POSIX). */
#define KIND_READER(name, type, array, count, function)                                                    \
	{ name, sizeof(type), offsetof(struct model, array), offsetof(struct model, count), function##_element }

static const struct kind_reader kind_readers[] = {
	KIND_READER("Project", struct model_project, projects, project_count, read_project),
	KIND_READER("Thresholds", struct model_thresholds, thresholds, thresholds_count, read_thresholds),
	KIND_READER("AlertRules", struct model_alert_rules, alert_rules, alert_rules_count, read_alert_rules),
	KIND_READER("RecordingRules", struct model_recording_rules, recording_rules, recording_rules_count,
		    read_recording_rules),
	KIND_READER("Dashboard", struct model_dashboard, dashboards, dashboard_count, read_dashboard),
	KIND_READER("LoadTest", struct model_load_test, load_tests, load_test_count, read_load_test),
	KIND_READER("Baseline", struct model_baseline, baselines, baseline_count, read_baseline),
	KIND_READER("Stage", struct model_stage, stages, stage_count, read_stage),
	KIND_READER("SnapshotManifest", struct model_snapshot_manifest, snapshot_manifests, snapshot_manifest_count,
		    read_snapshot_manifest),
	KIND_READER("SnapshotValidation", struct model_snapshot_validation, snapshot_validations,
		    snapshot_validation_count, read_snapshot_validation),
	KIND_READER("SecretRotation", struct model_secret_rotation, secret_rotations, secret_rotation_count,
		    read_secret_rotation),
	KIND_READER("ComplianceRules", struct model_compliance_rules, compliance_rules, compliance_rules_count,
		    read_compliance_rules),
	KIND_READER("SbomEnrichment", struct model_sbom_enrichment, sbom_enrichments, sbom_enrichment_count,
		    read_sbom_enrichment),
	KIND_READER("VulnerabilityDb", struct model_vulnerability_db, vulnerability_dbs, vulnerability_db_count,
		    read_vulnerability_db),
	KIND_READER("CycloneDxSbom", struct model_sbom, sboms, sbom_count, read_sbom),
	KIND_READER("EvidenceTemplate", struct model_evidence_template, evidence_templates, evidence_template_count,
		    read_evidence_template),
	KIND_READER("CollectionRules", struct model_collection_rules, collection_rules, collection_rules_count,
		    read_collection_rules),
};

#define KIND_READER_COUNT (sizeof(kind_readers) / sizeof(kind_readers[0]))

static const struct kind_reader *kind_reader_for(const struct project_file *file)
{
	if (!file->kind)
		return NULL;
	for (size_t i = 0; i < KIND_READER_COUNT; i++)
		if (strcmp(kind_readers[i].kind_name, file->kind->name) == 0)
			return &kind_readers[i];
	return NULL;
}

static void mark_incomplete(struct model *model, const char *kind_name)
{
	if (model_kind_incomplete(model, kind_name))
		return;
	ALLOC_GROW(model->incomplete_kinds, model->incomplete_kind_count + 1, model->incomplete_kind_alloc);
	model->incomplete_kinds[model->incomplete_kind_count++] = kind_name;
}

size_t model_read(struct model *model, const struct project *project)
{
	/* count first, so each kind's array is allocated once and never moves */
	size_t counts[KIND_READER_COUNT] = { 0 };
	for (size_t i = 0; i < project->file_count; i++) {
		const struct project_file *file = &project->files[i];
		const struct kind_reader *kind = kind_reader_for(file);
		if (!kind)
			continue;
		if (file->loaded && file->valid && json_is_object(file->document.root))
			counts[kind - kind_readers]++;
		else
			mark_incomplete(model, kind->kind_name);
	}
	for (size_t k = 0; k < KIND_READER_COUNT; k++) {
		void **array = (void **)((char *)model + kind_readers[k].array_offset);
		*array = arena_array(model, counts[k], kind_readers[k].element_size);
	}

	struct reader reader = { .model = model };
	strbuf_init(&reader.pointer);
	size_t read = 0;
	for (size_t i = 0; i < project->file_count; i++) {
		const struct project_file *file = &project->files[i];
		const struct kind_reader *kind = kind_reader_for(file);
		if (!kind || !file->loaded || !file->valid || !json_is_object(file->document.root))
			continue;
		char *array = *(char **)((char *)model + kind->array_offset);
		size_t *count = (size_t *)((char *)model + kind->count_offset);
		reader.file = file;
		strbuf_reset(&reader.pointer);
		kind->read(&reader, file->document.root, array + *count * kind->element_size);
		(*count)++;
		read++;
	}
	strbuf_release(&reader.pointer);
	return read;
}
