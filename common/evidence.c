/* Evidence bundles: hash-chained records of evidence items, zstd-compressed, with the chain
 * head signed as an in-toto Statement in a DSSE envelope; collection and retention helpers. */
#define _DEFAULT_SOURCE
#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "canonical_json.h"
#include "crypto.h"
#include "fileio.h"
#include "banned.h"

#define EVIDENCE_ZSTD_LEVEL 9

void evidence_bundle_init(struct evidence_bundle *bundle)
{
	memset(bundle, 0, sizeof(*bundle));
	signing_envelope_init(&bundle->envelope);
}

static void free_strings(char **strings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(strings[i]);
	free(strings);
}

void evidence_bundle_release(struct evidence_bundle *bundle)
{
	free(bundle->framework);
	free(bundle->workflow);
	free(bundle->stage);
	free(bundle->run_id);
	free(bundle->plan_digest);
	for (size_t i = 0; i < bundle->control_count; i++) {
		free(bundle->controls[i].id);
		free_strings(bundle->controls[i].evidence, bundle->controls[i].evidence_count);
	}
	free(bundle->controls);
	for (size_t i = 0; i < bundle->item_count; i++) {
		struct evidence_item *item = &bundle->items[i];
		free(item->evidence);
		free(item->name);
		free(item->media_type);
		free(item->source);
		free_strings(item->controls, item->control_count);
		free(item->content);
	}
	free(bundle->items);
	for (size_t i = 0; i < bundle->missing_count; i++) {
		free(bundle->missing[i].evidence);
		free(bundle->missing[i].reason);
	}
	free(bundle->missing);
	signing_envelope_release(&bundle->envelope);
	json_decref(bundle->statement);
	evidence_bundle_init(bundle);
}

void evidence_bundle_add_control(struct evidence_bundle *bundle, const char *id, const char *const *evidence,
				 size_t evidence_count)
{
	ALLOC_GROW(bundle->controls, bundle->control_count + 1, bundle->control_alloc);
	struct evidence_control *control = &bundle->controls[bundle->control_count++];
	control->id = xstrdup(id);
	control->evidence = xcalloc(evidence_count ? evidence_count : 1, sizeof(*control->evidence));
	control->evidence_count = evidence_count;
	for (size_t i = 0; i < evidence_count; i++)
		control->evidence[i] = xstrdup(evidence[i]);
}

static void sha256_hex(const void *data, size_t length, char hex[EVIDENCE_HEX_SIZE])
{
	unsigned char digest[CRYPTO_SHA256_SIZE];
	crypto_sha256(data, length, digest);
	crypto_hex(digest, sizeof(digest), hex);
}

static struct evidence_item *find_item(const struct evidence_bundle *bundle, const char *name)
{
	for (size_t i = 0; i < bundle->item_count; i++)
		if (strcmp(bundle->items[i].name, name) == 0)
			return &bundle->items[i];
	return NULL;
}

int evidence_bundle_add_item(struct evidence_bundle *bundle, const char *evidence, const char *name,
			     const char *media_type, const char *source, const void *content, size_t size)
{
	if (find_item(bundle, name))
		return -1;
	ALLOC_GROW(bundle->items, bundle->item_count + 1, bundle->item_alloc);
	struct evidence_item *item = &bundle->items[bundle->item_count++];
	memset(item, 0, sizeof(*item));
	item->evidence = xstrdup(evidence);
	item->name = xstrdup(name);
	item->media_type = xstrdup(media_type ? media_type : "application/octet-stream");
	item->source = xstrdup(source ? source : "");
	item->content = xmalloc(size + 1);
	if (size)
		memcpy(item->content, content, size);
	item->content[size] = '\0';
	item->size = size;
	sha256_hex(item->content, size, item->sha256);
	return 0;
}

void evidence_bundle_add_missing(struct evidence_bundle *bundle, const char *evidence, const char *reason)
{
	ALLOC_GROW(bundle->missing, bundle->missing_count + 1, bundle->missing_alloc);
	bundle->missing[bundle->missing_count].evidence = xstrdup(evidence);
	bundle->missing[bundle->missing_count].reason = xstrdup(reason);
	bundle->missing_count++;
}

bool evidence_bundle_has(const struct evidence_bundle *bundle, const char *evidence)
{
	for (size_t i = 0; i < bundle->item_count; i++)
		if (strcmp(bundle->items[i].evidence, evidence) == 0)
			return true;
	return false;
}

bool evidence_bundle_collected(const struct evidence_bundle *bundle, const char *evidence)
{
	for (size_t i = 0; i < bundle->missing_count; i++)
		if (strcmp(bundle->missing[i].evidence, evidence) == 0)
			return false;
	return evidence_bundle_has(bundle, evidence);
}

bool evidence_control_complete(const struct evidence_bundle *bundle, size_t index)
{
	const struct evidence_control *control = &bundle->controls[index];
	for (size_t i = 0; i < control->evidence_count; i++)
		if (!evidence_bundle_collected(bundle, control->evidence[i]))
			return false;
	return true;
}

bool evidence_bundle_complete(const struct evidence_bundle *bundle)
{
	for (size_t i = 0; i < bundle->control_count; i++)
		if (!evidence_control_complete(bundle, i))
			return false;
	return true;
}

const char *evidence_media_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".json", "application/json" },  { ".yaml", "application/yaml" },   { ".yml", "application/yaml" },
		{ ".md", "text/markdown" },       { ".html", "text/html" },          { ".xml", "application/xml" },
		{ ".txt", "text/plain" },         { ".plan", "application/vnd.goosec.plan+json" },
		{ ".sh", "text/x-shellscript" },  { ".prom", "text/plain" },
	};
	size_t length = strlen(path);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t suffix = strlen(types[i][0]);
		if (length > suffix && strcmp(path + length - suffix, types[i][0]) == 0)
			return types[i][1];
	}
	return "application/octet-stream";
}

/* ---- encoding ---- */

static json_t *string_array(char *const *strings, size_t count)
{
	json_t *array = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(array, json_string(strings[i]));
	return array;
}

static json_t *optional_string(const char *text)
{
	return text ? json_string(text) : json_null();
}

/* The controls that name `evidence`, into the item (replacing what it had). */
static void assign_controls(const struct evidence_bundle *bundle, struct evidence_item *item)
{
	free_strings(item->controls, item->control_count);
	item->controls = xcalloc(bundle->control_count ? bundle->control_count : 1, sizeof(*item->controls));
	item->control_count = 0;
	for (size_t c = 0; c < bundle->control_count; c++)
		for (size_t e = 0; e < bundle->controls[c].evidence_count; e++)
			if (strcmp(bundle->controls[c].evidence[e], item->evidence) == 0) {
				item->controls[item->control_count++] = xstrdup(bundle->controls[c].id);
				break;
			}
}

static json_t *header_json(void)
{
	return json_pack("{s:s,s:i}", "format", EVIDENCE_FORMAT, "version", EVIDENCE_FORMAT_VERSION);
}

static json_t *record_json(const struct evidence_item *item, size_t seq, const char *prev)
{
	struct strbuf content;
	strbuf_init(&content);
	signing_base64_encode(item->content, item->size, &content);
	json_t *record = json_object();
	json_object_set_new(record, "content", json_stringn(content.buf, content.len));
	json_object_set_new(record, "controls", string_array(item->controls, item->control_count));
	json_object_set_new(record, "evidence", json_string(item->evidence));
	json_object_set_new(record, "media_type", json_string(item->media_type));
	json_object_set_new(record, "name", json_string(item->name));
	json_object_set_new(record, "prev", json_string(prev));
	json_object_set_new(record, "seq", json_integer((json_int_t)seq));
	json_object_set_new(record, "sha256", json_string(item->sha256));
	json_object_set_new(record, "size", json_integer((json_int_t)item->size));
	json_object_set_new(record, "source", json_string(item->source));
	strbuf_release(&content);
	return record;
}

static json_t *coverage_json(const struct evidence_bundle *bundle)
{
	json_t *controls = json_array();
	for (size_t c = 0; c < bundle->control_count; c++) {
		const struct evidence_control *control = &bundle->controls[c];
		json_t *missing = json_array();
		for (size_t e = 0; e < control->evidence_count; e++)
			if (!evidence_bundle_collected(bundle, control->evidence[e]))
				json_array_append_new(missing, json_string(control->evidence[e]));
		json_array_append_new(controls,
				      json_pack("{s:b,s:o,s:s,s:o}", "complete", json_array_size(missing) == 0, "evidence",
						string_array(control->evidence, control->evidence_count), "id", control->id,
						"missing", missing));
	}
	return controls;
}

static json_t *statement_json(const struct evidence_bundle *bundle)
{
	json_t *subjects = json_array();
	for (size_t i = 0; i < bundle->item_count; i++)
		json_array_append_new(subjects, json_pack("{s:{s:s},s:s}", "digest", "sha256", bundle->items[i].sha256, "name",
							  bundle->items[i].name));
	json_t *missing = json_array();
	for (size_t i = 0; i < bundle->missing_count; i++)
		json_array_append_new(missing, json_pack("{s:s,s:s}", "evidence", bundle->missing[i].evidence, "reason",
							 bundle->missing[i].reason));
	json_t *predicate = json_object();
	json_object_set_new(predicate, "chain_head", json_string(bundle->chain_head));
	json_object_set_new(predicate, "complete", json_boolean(evidence_bundle_complete(bundle)));
	json_object_set_new(predicate, "controls", coverage_json(bundle));
	json_object_set_new(predicate, "created", json_integer((json_int_t)bundle->created));
	json_object_set_new(predicate, "framework", optional_string(bundle->framework));
	json_object_set_new(predicate, "items", json_integer((json_int_t)bundle->item_count));
	json_object_set_new(predicate, "missing", missing);
	json_object_set_new(predicate, "plan_digest", optional_string(bundle->plan_digest));
	json_object_set_new(predicate, "run_id", optional_string(bundle->run_id));
	json_object_set_new(predicate, "stage", optional_string(bundle->stage));
	json_object_set_new(predicate, "workflow", optional_string(bundle->workflow));
	return json_pack("{s:s,s:o,s:s,s:o}", "_type", EVIDENCE_STATEMENT_TYPE, "predicate", predicate, "predicateType",
			 EVIDENCE_PREDICATE_TYPE, "subject", subjects);
}

/* Appends the canonical form of `value` and a newline; steals `value`. -1 when not representable. */
static int add_line(struct strbuf *text, json_t *value, char hash[EVIDENCE_HEX_SIZE])
{
	size_t start = text->len;
	int status = canonical_json_write(value, text);
	json_decref(value);
	if (status != 0)
		return -1;
	if (hash)
		sha256_hex(text->buf + start, text->len - start, hash);
	strbuf_addch(text, '\n');
	return 0;
}

int evidence_bundle_encode(struct evidence_bundle *bundle, const struct signing_key *key, struct strbuf *out,
			   char **error)
{
	struct strbuf text;
	strbuf_init(&text);
	char prev[EVIDENCE_HEX_SIZE];
	add_line(&text, header_json(), prev);
	for (size_t i = 0; i < bundle->item_count; i++) {
		struct evidence_item *item = &bundle->items[i];
		if (item->size > EVIDENCE_MAX_ITEM_SIZE) {
			*error = xasprintf("item '%s' is larger than %u MiB", item->name, EVIDENCE_MAX_ITEM_SIZE >> 20);
			strbuf_release(&text);
			return -1;
		}
		assign_controls(bundle, item);
		add_line(&text, record_json(item, i + 1, prev), item->record_hash);
		memcpy(prev, item->record_hash, EVIDENCE_HEX_SIZE);
	}
	memcpy(bundle->chain_head, prev, EVIDENCE_HEX_SIZE);
	if (text.len > EVIDENCE_MAX_SIZE) {
		*error = xasprintf("the bundle would be larger than %u MiB", EVIDENCE_MAX_SIZE >> 20);
		strbuf_release(&text);
		return -1;
	}
	json_t *statement = statement_json(bundle);
	size_t statement_length = 0;
	char *payload = canonical_json_dumps(statement, &statement_length);
	json_decref(statement);
	if (!payload || signing_dsse_envelope(EVIDENCE_PAYLOAD_TYPE, payload, statement_length, key, &text) != 0) {
		*error = xstrdup(payload ? "cannot sign the evidence statement" : "cannot encode the evidence statement");
		free(payload);
		strbuf_release(&text);
		return -1;
	}
	free(payload);
	strbuf_addch(&text, '\n');

	ZSTD_CCtx *compressor = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(text.len);
	char *compressed = xmalloc(bound);
	size_t written = 0;
	if (compressor) {
		ZSTD_CCtx_setParameter(compressor, ZSTD_c_compressionLevel, EVIDENCE_ZSTD_LEVEL);
		ZSTD_CCtx_setParameter(compressor, ZSTD_c_checksumFlag, 1);
		ZSTD_CCtx_setParameter(compressor, ZSTD_c_contentSizeFlag, 1);
		written = ZSTD_compress2(compressor, compressed, bound, text.buf, text.len);
	}
	ZSTD_freeCCtx(compressor);
	strbuf_release(&text);
	if (!compressor || ZSTD_isError(written)) {
		*error = xasprintf("cannot compress the bundle: %s", compressor ? ZSTD_getErrorName(written) : "no memory");
		free(compressed);
		return -1;
	}
	strbuf_add(out, compressed, written);
	free(compressed);
	return 0;
}

int evidence_bundle_write_file(struct evidence_bundle *bundle, const struct signing_key *key, const char *path,
			       char **error)
{
	struct strbuf bytes;
	strbuf_init(&bytes);
	int status = evidence_bundle_encode(bundle, key, &bytes, error);
	if (status == 0)
		status = fileio_write_atomic(path, bytes.buf, bytes.len, 0644, error);
	strbuf_release(&bytes);
	return status;
}

/* ---- decoding ---- */

static int fail(char **error, char *message)
{
	*error = message;
	return -1;
}

/* Decompresses one zstd frame (and nothing after it) into `text`, bounded. */
static int decompress(const void *data, size_t length, struct strbuf *text, char **error)
{
	static const unsigned char magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	if (length < 4 || memcmp(data, magic, sizeof(magic)) != 0)
		return fail(error, xstrdup("not an evidence bundle: no zstd frame"));
	ZSTD_DCtx *decompressor = ZSTD_createDCtx();
	if (!decompressor)
		return fail(error, xstrdup("cannot decompress: out of memory"));
	ZSTD_DCtx_setParameter(decompressor, ZSTD_d_windowLogMax, 27);
	ZSTD_inBuffer input = { data, length, 0 };
	char chunk[1 << 16];
	size_t hint = 1;
	int status = 0;
	while (status == 0) {
		ZSTD_outBuffer output = { chunk, sizeof(chunk), 0 };
		hint = ZSTD_decompressStream(decompressor, &output, &input);
		if (ZSTD_isError(hint)) {
			status = fail(error, xasprintf("corrupt bundle: %s", ZSTD_getErrorName(hint)));
			break;
		}
		if (text->len + output.pos > EVIDENCE_MAX_SIZE) {
			status = fail(error, xasprintf("bundle is larger than %u MiB decompressed", EVIDENCE_MAX_SIZE >> 20));
			break;
		}
		strbuf_add(text, chunk, output.pos);
		if (hint == 0)
			break;
		if (input.pos == input.size && output.pos < output.size) {
			status = fail(error, xstrdup("truncated bundle: the compressed data ends early"));
			break;
		}
	}
	if (status == 0 && input.pos != input.size)
		status = fail(error, xasprintf("corrupt bundle: %zu bytes after the compressed data", input.size - input.pos));
	ZSTD_freeDCtx(decompressor);
	return status;
}

static const char *member_string(const json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

static bool is_hex_digest(const char *text)
{
	if (!text || strlen(text) != 64)
		return false;
	for (const char *c = text; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

/* Reads the record on `line` (already known canonical) into a new item of the bundle. */
static int read_record(struct evidence_bundle *bundle, const json_t *record, size_t seq, const char *prev,
		       const char *line, size_t line_length, char **error)
{
	static const char *const members[] = { "content", "controls", "evidence", "media_type", "name",
					       "prev",    "seq",      "sha256",   "size",       "source" };
	if (!json_is_object(record) || json_object_size(record) != sizeof(members) / sizeof(members[0]))
		return fail(error, xasprintf("record %zu: not an evidence record", seq));
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (!json_object_get(record, members[i]))
			return fail(error, xasprintf("record %zu: no '%s'", seq, members[i]));
	const char *name = member_string(record, "name");
	const char *evidence = member_string(record, "evidence");
	const char *content = member_string(record, "content");
	const char *sha = member_string(record, "sha256");
	const char *record_prev = member_string(record, "prev");
	const json_t *seq_value = json_object_get(record, "seq");
	const json_t *size_value = json_object_get(record, "size");
	const json_t *controls = json_object_get(record, "controls");
	if (!name || !*name || !evidence || !content || !member_string(record, "media_type") ||
	    !member_string(record, "source") || !is_hex_digest(sha) || !is_hex_digest(record_prev) ||
	    !json_is_integer(seq_value) || !json_is_integer(size_value) || json_integer_value(size_value) < 0 ||
	    !json_is_array(controls))
		return fail(error, xasprintf("record %zu: a member has the wrong type", seq));
	size_t index;
	const json_t *control;
	json_array_foreach(controls, index, control)
		if (!json_is_string(control))
			return fail(error, xasprintf("record %zu: a control id is not a string", seq));
	if (json_integer_value(seq_value) != (json_int_t)seq)
		return fail(error, xasprintf("record %zu '%s': it is item %lld of the chain: records were reordered, added or removed",
					     seq, name, (long long)json_integer_value(seq_value)));
	if (strcmp(record_prev, prev) != 0)
		return fail(error, xasprintf("record %zu '%s': chain broken: prev is not the hash of %s", seq, name,
					     seq == 1 ? "the header" : "the record before"));
	struct strbuf bytes;
	strbuf_init(&bytes);
	if (signing_base64_decode(content, strlen(content), &bytes) != 0) {
		strbuf_release(&bytes);
		return fail(error, xasprintf("record %zu '%s': content is not base64", seq, name));
	}
	if ((json_int_t)bytes.len != json_integer_value(size_value)) {
		char *message = xasprintf("record %zu '%s': size is %lld, the content has %zu bytes", seq, name,
					  (long long)json_integer_value(size_value), bytes.len);
		strbuf_release(&bytes);
		return fail(error, message);
	}
	char actual[EVIDENCE_HEX_SIZE];
	sha256_hex(bytes.buf, bytes.len, actual);
	if (strcmp(actual, sha) != 0) {
		strbuf_release(&bytes);
		return fail(error, xasprintf("record %zu '%s': content does not match its sha256", seq, name));
	}
	if (evidence_bundle_add_item(bundle, evidence, name, member_string(record, "media_type"),
				     member_string(record, "source"), bytes.buf, bytes.len) != 0) {
		strbuf_release(&bytes);
		return fail(error, xasprintf("record %zu: a second item named '%s'", seq, name));
	}
	strbuf_release(&bytes);
	struct evidence_item *item = &bundle->items[bundle->item_count - 1];
	item->controls = xcalloc(json_array_size(controls) + 1, sizeof(*item->controls));
	json_array_foreach(controls, index, control)
		item->controls[item->control_count++] = xstrdup(json_string_value(control));
	sha256_hex(line, line_length, item->record_hash);
	return 0;
}

static char *string_member_copy(const json_t *object, const char *name)
{
	const char *text = member_string(object, name);
	return text ? xstrdup(text) : NULL;
}

/* The statement's form, and that it names exactly the records. */
static int check_statement(struct evidence_bundle *bundle, char **error)
{
	const json_t *statement = bundle->statement;
	const char *type = member_string(statement, "_type");
	const char *predicate_type = member_string(statement, "predicateType");
	const json_t *subjects = json_object_get(statement, "subject");
	const json_t *predicate = json_object_get(statement, "predicate");
	if (!type || strcmp(type, EVIDENCE_STATEMENT_TYPE) != 0)
		return fail(error, xasprintf("statement: _type is not %s", EVIDENCE_STATEMENT_TYPE));
	if (!predicate_type || strcmp(predicate_type, EVIDENCE_PREDICATE_TYPE) != 0)
		return fail(error, xasprintf("statement: predicateType is not %s", EVIDENCE_PREDICATE_TYPE));
	if (!json_is_array(subjects) || !json_is_object(predicate))
		return fail(error, xstrdup("statement: no subject list or predicate"));
	if (json_array_size(subjects) != bundle->item_count)
		return fail(error, xasprintf("the bundle holds %zu item%s, the statement lists %zu", bundle->item_count,
					     bundle->item_count == 1 ? "" : "s", json_array_size(subjects)));
	for (size_t i = 0; i < bundle->item_count; i++) {
		const json_t *subject = json_array_get(subjects, i);
		const char *name = member_string(subject, "name");
		const char *sha = member_string(json_object_get(subject, "digest"), "sha256");
		const struct evidence_item *item = &bundle->items[i];
		if (!name || !sha)
			return fail(error, xasprintf("statement: subject %zu has no name or sha256 digest", i + 1));
		if (strcmp(name, item->name) != 0)
			return fail(error, xasprintf("record %zu is '%s', the statement lists '%s' there: items were reordered, "
						     "added or removed", i + 1, item->name, name));
		if (strcmp(sha, item->sha256) != 0)
			return fail(error, xasprintf("record %zu '%s': sha256 differs from the statement's subject", i + 1,
						     item->name));
	}
	const char *head = member_string(predicate, "chain_head");
	if (!head || strcmp(head, bundle->chain_head) != 0)
		return fail(error, xstrdup("chain head differs from the statement's chain_head"));
	const json_t *created = json_object_get(predicate, "created");
	bundle->created = json_is_integer(created) ? (int64_t)json_integer_value(created) : 0;
	bundle->framework = string_member_copy(predicate, "framework");
	bundle->workflow = string_member_copy(predicate, "workflow");
	bundle->stage = string_member_copy(predicate, "stage");
	bundle->run_id = string_member_copy(predicate, "run_id");
	bundle->plan_digest = string_member_copy(predicate, "plan_digest");
	size_t index;
	const json_t *control;
	json_array_foreach(json_object_get(predicate, "controls"), index, control) {
		const char *id = member_string(control, "id");
		const json_t *needs = json_object_get(control, "evidence");
		if (!id || !json_is_array(needs))
			return fail(error, xasprintf("statement: control %zu has no id or evidence list", index + 1));
		size_t count = json_array_size(needs);
		const char **names = xcalloc(count + 1, sizeof(*names));
		for (size_t e = 0; e < count; e++)
			names[e] = json_string_value(json_array_get(needs, e)) ? json_string_value(json_array_get(needs, e)) : "";
		evidence_bundle_add_control(bundle, id, names, count);
		free(names);
	}
	const json_t *missing;
	json_array_foreach(json_object_get(predicate, "missing"), index, missing) {
		const char *evidence = member_string(missing, "evidence");
		const char *reason = member_string(missing, "reason");
		if (evidence && reason)
			evidence_bundle_add_missing(bundle, evidence, reason);
	}
	return 0;
}

int evidence_bundle_decode(struct evidence_bundle *bundle, const void *data, size_t length, char **error)
{
	struct strbuf text;
	strbuf_init(&text);
	int status = decompress(data, length, &text, error);
	if (status != 0)
		goto out;
	if (text.len == 0 || text.buf[text.len - 1] != '\n') {
		status = fail(error, xstrdup("truncated bundle: the last line is incomplete"));
		goto out;
	}
	/* split into lines: header, records, envelope */
	size_t line_count = 0, line_alloc = 0;
	struct { const char *start; size_t length; } *lines = NULL;
	for (size_t start = 0; start < text.len;) {
		const char *end = memchr(text.buf + start, '\n', text.len - start);
		ALLOC_GROW(lines, line_count + 1, line_alloc);
		lines[line_count].start = text.buf + start;
		lines[line_count].length = (size_t)(end - (text.buf + start));
		line_count++;
		start = (size_t)(end - text.buf) + 1;
	}
	if (line_count < 2) {
		status = fail(error, xstrdup("truncated bundle: no signature line"));
		goto lines_out;
	}
	json_t *header = NULL;
	char *reason = NULL;
	if (!canonical_json_parse_canonical(lines[0].start, lines[0].length, &header, &reason) ||
	    !json_is_object(header) || !member_string(header, "format") ||
	    strcmp(member_string(header, "format"), EVIDENCE_FORMAT) != 0) {
		status = fail(error, xstrdup("not an evidence bundle: line 1 is not its header"));
		json_decref(header);
		free(reason);
		goto lines_out;
	}
	json_int_t version = json_integer_value(json_object_get(header, "version"));
	json_decref(header);
	if (version != EVIDENCE_FORMAT_VERSION) {
		status = fail(error, xasprintf("unsupported evidence bundle version %lld", (long long)version));
		goto lines_out;
	}
	char prev[EVIDENCE_HEX_SIZE];
	sha256_hex(lines[0].start, lines[0].length, prev);
	for (size_t i = 1; i + 1 < line_count; i++) {
		json_t *record = NULL;
		if (!canonical_json_parse_canonical(lines[i].start, lines[i].length, &record, &reason)) {
			status = fail(error, xasprintf("record %zu: %s", i, reason ? reason : "not canonical JSON"));
			free(reason);
			goto lines_out;
		}
		status = read_record(bundle, record, i, prev, lines[i].start, lines[i].length, error);
		json_decref(record);
		if (status != 0)
			goto lines_out;
		memcpy(prev, bundle->items[bundle->item_count - 1].record_hash, EVIDENCE_HEX_SIZE);
	}
	memcpy(bundle->chain_head, prev, EVIDENCE_HEX_SIZE);
	const char *last = lines[line_count - 1].start;
	size_t last_length = lines[line_count - 1].length;
	if (last_length == 0 || last[0] != '{' || !strstr(last, "\"payloadType\"")) {
		status = fail(error, xstrdup("truncated bundle: no signature line"));
		goto lines_out;
	}
	if (signing_envelope_parse(&bundle->envelope, last, last_length, &reason) != 0) {
		status = fail(error, xasprintf("signature line: %s", reason));
		free(reason);
		goto lines_out;
	}
	if (strcmp(bundle->envelope.payload_type, EVIDENCE_PAYLOAD_TYPE) != 0) {
		status = fail(error, xasprintf("signature line: payload type is '%s', expected %s", bundle->envelope.payload_type,
					       EVIDENCE_PAYLOAD_TYPE));
		goto lines_out;
	}
	if (!canonical_json_parse_canonical(bundle->envelope.payload, bundle->envelope.payload_length, &bundle->statement,
					    &reason) ||
	    !json_is_object(bundle->statement)) {
		status = fail(error, xasprintf("statement: %s", reason ? reason : "not an object"));
		free(reason);
		goto lines_out;
	}
	status = check_statement(bundle, error);
lines_out:
	free(lines);
out:
	strbuf_release(&text);
	return status;
}

enum evidence_verdict evidence_bundle_verify(struct evidence_bundle *bundle, const void *data, size_t length,
					     const struct signing_key *trusted, size_t trusted_count,
					     const struct signing_key **signer, char **error)
{
	/* the signature first: a statement an attacker rewrote reads as a bad signature, not as
	 * whatever inconsistency the rewrite left behind */
	if (evidence_bundle_decode(bundle, data, length, error) != 0) {
		if (bundle->envelope.payload_type && bundle->statement) {
			enum signing_verdict early = signing_envelope_verify(&bundle->envelope, trusted, trusted_count, NULL);
			if (early == SIGNING_BAD_SIGNATURE) {
				free(*error);
				*error = xstrdup("bad signature: the statement is not the one the key signed");
				return EVIDENCE_BAD_SIGNATURE;
			}
		}
		return EVIDENCE_MALFORMED;
	}
	enum signing_verdict verdict = signing_envelope_verify(&bundle->envelope, trusted, trusted_count, signer);
	switch (verdict) {
	case SIGNING_VERIFIED:
		return EVIDENCE_VERIFIED;
	case SIGNING_UNSIGNED:
		*error = xstrdup("unsigned bundle: the statement carries no signature");
		return EVIDENCE_UNSIGNED;
	case SIGNING_UNTRUSTED_KEY:
		*error = xasprintf("signed by an untrusted key (key id %s)", bundle->envelope.signatures[0].key_id);
		return EVIDENCE_UNTRUSTED_KEY;
	case SIGNING_BAD_SIGNATURE:
		break;
	}
	*error = xstrdup("bad signature: the statement is not the one the key signed");
	return EVIDENCE_BAD_SIGNATURE;
}

void evidence_bundle_render(const struct evidence_bundle *bundle, struct strbuf *out)
{
	strbuf_addf(out, "evidence bundle (%s v%d)\n", EVIDENCE_FORMAT, EVIDENCE_FORMAT_VERSION);
	strbuf_addf(out, "framework: %s\n", bundle->framework ? bundle->framework : "none");
	strbuf_addf(out, "run: %s, %s of stage %s\n", bundle->run_id ? bundle->run_id : "none",
		    bundle->workflow ? bundle->workflow : "collection", bundle->stage ? bundle->stage : "none");
	strbuf_addf(out, "plan: %s\n", bundle->plan_digest ? bundle->plan_digest : "none");
	strbuf_addf(out, "created: %lld\n", (long long)bundle->created);
	strbuf_addf(out, "chain head: %s\n", bundle->chain_head);
	if (bundle->envelope.signature_count)
		strbuf_addf(out, "signed by key id %s\n", bundle->envelope.signatures[0].key_id);
	else
		strbuf_addstr(out, "unsigned\n");
	size_t complete = 0;
	for (size_t c = 0; c < bundle->control_count; c++)
		complete += evidence_control_complete(bundle, c);
	strbuf_addf(out, "controls: %zu of %zu complete\n", complete, bundle->control_count);
	for (size_t c = 0; c < bundle->control_count; c++) {
		const struct evidence_control *control = &bundle->controls[c];
		bool done = evidence_control_complete(bundle, c);
		strbuf_addf(out, "  %-8s %s", control->id, done ? "complete" : "INCOMPLETE, missing");
		for (size_t e = 0; !done && e < control->evidence_count; e++)
			if (!evidence_bundle_collected(bundle, control->evidence[e]))
				strbuf_addf(out, " %s", control->evidence[e]);
		strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < bundle->missing_count; i++)
		strbuf_addf(out, "  missing %s: %s\n", bundle->missing[i].evidence, bundle->missing[i].reason);
	strbuf_addf(out, "items: %zu\n", bundle->item_count);
	for (size_t i = 0; i < bundle->item_count; i++) {
		const struct evidence_item *item = &bundle->items[i];
		strbuf_addf(out, "%3zu. %s (%s, %zu bytes) sha256:%.16s from %s", i + 1, item->name, item->media_type, item->size,
			    item->sha256, item->source);
		if (item->control_count) {
			strbuf_addstr(out, " for");
			for (size_t c = 0; c < item->control_count; c++)
				strbuf_addf(out, " %s", item->controls[c]);
		}
		strbuf_addch(out, '\n');
	}
}

/* ---- collection ---- */

static char *substitute(const char *pattern, const struct evidence_sources *sources, bool any_run, const char *service)
{
	static const char *const names[] = { "{run}", "{stage}", "{service}", "{release}" };
	const char *values[] = { any_run ? NULL : sources->run_id, sources->stage, service, sources->release };
	struct strbuf out;
	strbuf_init(&out);
	for (const char *c = pattern; *c;) {
		size_t matched = 0;
		for (size_t i = 0; i < 4 && !matched; i++) {
			size_t length = strlen(names[i]);
			if (strncmp(c, names[i], length) == 0) {
				strbuf_addstr(&out, values[i] ? values[i] : "*");
				matched = length;
			}
		}
		if (matched) {
			c += matched;
		} else {
			strbuf_addch(&out, *c);
			c++;
		}
	}
	return strbuf_detach(&out, NULL);
}

static int add_file(struct evidence_bundle *bundle, const char *evidence, const char *kind, const char *path,
		    const char *shown, char **error)
{
	char *data = NULL;
	size_t length = 0;
	if (read_file_bytes(path, EVIDENCE_MAX_ITEM_SIZE, &data, &length) != 0) {
		*error = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	char *name = xasprintf("%s/%s", evidence, shown);
	char *source = xasprintf("%s:%s", kind, shown);
	/* a name already taken is the same file matched twice: one copy is enough */
	evidence_bundle_add_item(bundle, evidence, name, evidence_media_type(path), source, data, length);
	free(name);
	free(source);
	free(data);
	return 0;
}

static int glob_matches(const char *base, const char *pattern, glob_t *matches)
{
	char *full = xasprintf("%s/%s", base, pattern);
	int status = glob(full, 0, NULL, matches);
	free(full);
	return status;
}

int evidence_collect_glob(struct evidence_bundle *bundle, const char *evidence, const char *kind, const char *base,
			  const char *pattern, char **error)
{
	glob_t matches;
	memset(&matches, 0, sizeof(matches));
	if (strstr(pattern, "..") || pattern[0] == '/') {
		*error = xasprintf("evidence path '%s' leaves its folder", pattern);
		return -1;
	}
	int status = glob_matches(base, pattern, &matches);
	if (status == GLOB_NOMATCH) {
		globfree(&matches);
		return 0;
	}
	if (status != 0) {
		globfree(&matches);
		*error = xasprintf("cannot search '%s/%s'", base, pattern);
		return -1;
	}
	int added = 0;
	size_t base_length = strlen(base);
	for (size_t i = 0; i < matches.gl_pathc; i++) {
		const char *path = matches.gl_pathv[i];
		struct stat info;
		if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
			continue;
		const char *shown = strncmp(path, base, base_length) == 0 && path[base_length] == '/' ? path + base_length + 1 : path;
		if (add_file(bundle, evidence, kind, path, shown, error) != 0) {
			globfree(&matches);
			return -1;
		}
		added++;
	}
	globfree(&matches);
	return added;
}

/* The newest directory-level match of a {run} path: run ids sort by time. */
static int collect_latest_run(struct evidence_bundle *bundle, const char *evidence, const char *base,
			      const char *pattern, char **error)
{
	glob_t matches;
	memset(&matches, 0, sizeof(matches));
	if (glob_matches(base, pattern, &matches) != 0 || matches.gl_pathc == 0) {
		globfree(&matches);
		return 0;
	}
	/* glob sorts its results: the last is the newest run */
	const char *path = matches.gl_pathv[matches.gl_pathc - 1];
	size_t base_length = strlen(base);
	const char *shown = strncmp(path, base, base_length) == 0 && path[base_length] == '/' ? path + base_length + 1 : path;
	int status = add_file(bundle, evidence, "report", path, shown, error) == 0 ? 1 : -1;
	globfree(&matches);
	return status;
}

static const char *record_kind(const json_t *record)
{
	return member_string(record, "kind") ? member_string(record, "kind") : "";
}

static void add_json_item(struct evidence_bundle *bundle, const char *evidence, const char *name, const char *source,
			  json_t *value)
{
	size_t length = 0;
	char *text = canonical_json_dumps(value, &length);
	json_decref(value);
	if (text)
		evidence_bundle_add_item(bundle, evidence, name, "application/json", source, text, length);
	free(text);
}

/* The snapshot store's index entry of the snapshot a step's detail names ({store, snapshot_id}),
 * or NULL: what the store itself says of the recovery point (size, digests, creation time). */
static json_t *snapshot_index_entry(const json_t *detail)
{
	const char *store = member_string(detail, "store");
	const char *id = member_string(detail, "snapshot_id");
	if (!store || !id)
		return NULL;
	char *path = xasprintf("%s/index.json", store);
	json_t *index = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	free(path);
	json_t *found = NULL;
	size_t position;
	const json_t *entry;
	json_array_foreach(json_object_get(index, "snapshots"), position, entry)
		if (member_string(entry, "id") && strcmp(member_string(entry, "id"), id) == 0)
			found = json_deep_copy(entry);
	json_decref(index);
	return found;
}

/* The done records of the steps of `journal` whose action is `action`, as items named
 * "EVIDENCE/<prefix><step>.json" and sourced "<source_prefix>step:<step>". */
static int collect_step_records(struct evidence_bundle *bundle, const char *evidence, const char *action,
				const json_t *journal, const char *prefix, const char *source_prefix)
{
	int added = 0;
	size_t index;
	const json_t *record;
	json_array_foreach(journal, index, record) {
		if (strcmp(record_kind(record), "intent") != 0 || !member_string(record, "step"))
			continue;
		const char *action_name = member_string(json_object_get(record, "detail"), "action");
		if (!action_name || strcmp(action_name, action) != 0)
			continue;
		const char *step = member_string(record, "step");
		const json_t *done = NULL;
		size_t other;
		const json_t *candidate;
		json_array_foreach(journal, other, candidate)
			if (strcmp(record_kind(candidate), "done") == 0 && member_string(candidate, "step") &&
			    strcmp(member_string(candidate, "step"), step) == 0)
				done = candidate;
		if (!done)
			continue;
		char *name = xasprintf("%s/%s%s.json", evidence, prefix, step);
		if (!find_item(bundle, name)) {
			char *source = xasprintf("%sstep:%s", source_prefix, step);
			json_t *item = json_pack("{s:s,s:s,s:O?,s:O?}", "action", action, "step", step, "detail",
						 json_object_get(done, "detail"), "time", json_object_get(done, "time"));
			json_t *entry = snapshot_index_entry(json_object_get(done, "detail"));
			if (entry)
				json_object_set_new(item, "index_entry", entry);
			add_json_item(bundle, evidence, name, source, item);
			free(source);
			added++;
		}
		free(name);
	}
	return added;
}

/* from: step — the done records of the steps whose action is `action`, and their files; a
 * restore the run did not take is the one of the stage's last rollback drill. */
static int collect_step(struct evidence_bundle *bundle, const char *evidence, const char *action,
			const struct evidence_sources *sources, char **error)
{
	int added = collect_step_records(bundle, evidence, action, sources->journal_records, "", "");
	if (added == 0 && strcmp(action, "snapshot.restore") == 0 && sources->drill_journal_records) {
		char *source_prefix = xasprintf("drill:%s/", sources->drill_run_id ? sources->drill_run_id : "?");
		added = collect_step_records(bundle, evidence, action, sources->drill_journal_records, "drill-",
					     source_prefix);
		free(source_prefix);
	}
	/* files a step leaves in the run directory: the scan result of sbom.scan */
	if (sources->run_dir && strcmp(action, "sbom.scan") == 0) {
		int found = evidence_collect_glob(bundle, evidence, "run", sources->run_dir, "scan.json", error);
		if (found < 0)
			return -1;
		added += found;
	}
	return added;
}

static int collect_approvals(struct evidence_bundle *bundle, const char *evidence, const struct evidence_sources *sources)
{
	if (!sources->journal_records)
		return 0;
	json_t *approvals = json_array();
	size_t index;
	const json_t *record;
	json_array_foreach(sources->journal_records, index, record) {
		if (strcmp(record_kind(record), "approval") == 0)
			json_array_append_new(approvals, json_pack("{s:O?,s:O?}", "name",
								   json_object_get(json_object_get(record, "detail"), "name"),
								   "time", json_object_get(record, "time")));
		else if (strcmp(record_kind(record), "gate") == 0 &&
			 strcmp(member_string(json_object_get(record, "detail"), "gate") ? member_string(json_object_get(record, "detail"), "gate") : "", "approvals") == 0)
			json_array_append_new(approvals, json_pack("{s:s,s:O?,s:O?}", "gate", "approvals", "result",
								   json_object_get(record, "detail"), "time",
								   json_object_get(record, "time")));
	}
	if (json_array_size(approvals) == 0) {
		json_decref(approvals);
		return 0;
	}
	char *name = xasprintf("%s/approvals.json", evidence);
	add_json_item(bundle, evidence, name, "journal:approval", json_pack("{s:o}", "approvals", approvals));
	free(name);
	return 1;
}

/* from: build, file or report — the files `path` matches under `base` ({service} standing for
 * `service`, any when NULL); a {run} path the run has none for takes the newest run's. The
 * number found (0 with *reason set), or -1 with *error. */
static int collect_path(struct evidence_bundle *bundle, const char *evidence, const char *from, const char *base,
			const char *path, const struct evidence_sources *sources, const char *service, char **reason,
			char **error)
{
	char *pattern = substitute(path, sources, false, service);
	bool per_run = strstr(path, "{run}") != NULL;
	int found = per_run && !sources->run_id ? 0 : evidence_collect_glob(bundle, evidence, from, base, pattern, error);
	if (found == 0 && per_run) {
		/* a promotion's run is not the load test's: the newest report stands in */
		char *any = substitute(path, sources, true, service);
		found = collect_latest_run(bundle, evidence, base, any, error);
		free(any);
	}
	if (found == 0)
		*reason = service ? xasprintf("nothing matches '%s' in '%s' for service '%s'", pattern, base, service)
				  : xasprintf("nothing matches '%s' in '%s'", pattern, base);
	free(pattern);
	return found;
}

int evidence_collect(struct evidence_bundle *bundle, const json_t *rules, const struct evidence_sources *sources,
		     char **error)
{
	const char *root = sources->tree_root ? sources->tree_root : ".";
	char *default_build = xasprintf("%s/build", root);
	const char *build = sources->build_dir ? sources->build_dir : default_build;
	int status = 0;
	const char *evidence;
	const json_t *rule;
	json_object_foreach((json_t *)rules, evidence, rule) {
		bool needed = bundle->control_count == 0;
		for (size_t c = 0; c < bundle->control_count && !needed; c++)
			for (size_t e = 0; e < bundle->controls[c].evidence_count && !needed; e++)
				needed = strcmp(bundle->controls[c].evidence[e], evidence) == 0;
		if (!needed)
			continue;
		const char *from = member_string(rule, "from") ? member_string(rule, "from") : "";
		const char *path = member_string(rule, "path");
		const char *step = member_string(rule, "step");
		int found = 0;
		char *reason = NULL;
		if (strcmp(from, "plan") == 0) {
			if (sources->plan_bytes) {
				char *name = xasprintf("%s/plan", evidence);
				char *source = xasprintf("plan:%s", sources->plan_source ? sources->plan_source : "plan");
				found = evidence_bundle_add_item(bundle, evidence, name, "application/vnd.goosec.plan+json", source,
								 sources->plan_bytes, sources->plan_length) == 0;
				free(name);
				free(source);
			} else {
				reason = xstrdup("no plan (pass --plan FILE or --run-dir DIR)");
			}
		} else if (strcmp(from, "approvals") == 0) {
			found = collect_approvals(bundle, evidence, sources);
			if (!found)
				reason = xstrdup(sources->journal_records ? "the run recorded no approval" : "no run journal");
		} else if (strcmp(from, "journal") == 0) {
			if (sources->journal_records) {
				char *name = xasprintf("%s/journal.json", evidence);
				add_json_item(bundle, evidence, name, "journal", json_deep_copy(sources->journal_records));
				free(name);
				found = 1;
			} else {
				reason = xstrdup("no run journal");
			}
		} else if (strcmp(from, "step") == 0 && step) {
			found = collect_step(bundle, evidence, step, sources, error);
			if (found == 0 && strcmp(step, "snapshot.restore") == 0 && sources->drill_journal_records)
				reason = xasprintf("no '%s' step finished in the run, nor in the stage's last rollback drill "
						   "(run %s)",
						   step, sources->drill_run_id ? sources->drill_run_id : "?");
			else if (found == 0)
				reason = sources->journal_records ? xasprintf("no '%s' step finished in the run", step)
								  : xstrdup("no run journal");
		} else if ((strcmp(from, "build") == 0 || strcmp(from, "file") == 0 || strcmp(from, "report") == 0) && path) {
			const char *base = strcmp(from, "build") == 0 ? build : root;
			if (strstr(path, "{service}") && sources->services) {
				/* once per service: each one's file is a piece of this evidence */
				for (size_t i = 0; i < sources->service_count && found >= 0; i++) {
					char *service_reason = NULL;
					int one = collect_path(bundle, evidence, from, base, path, sources, sources->services[i],
							       &service_reason, error);
					if (one == 0)
						evidence_bundle_add_missing(bundle, evidence, service_reason);
					free(service_reason);
					found = one < 0 ? -1 : found + one;
				}
				if (found == 0 && !sources->service_count)
					reason = xstrdup("no service to collect it for");
			} else {
				found = collect_path(bundle, evidence, from, base, path, sources, NULL, &reason, error);
			}
		} else {
			reason = xasprintf("unknown source '%s'", from);
		}
		if (found < 0) {
			free(reason);
			status = -1;
			break;
		}
		if (found == 0 && reason)
			evidence_bundle_add_missing(bundle, evidence, reason);
		free(reason);
	}
	free(default_build);
	return status;
}

/* ---- retention ---- */

/* Seconds since the epoch of a name starting "YYYYMMDDTHHMMSSZ", or -1. */
static int64_t name_time(const char *name)
{
	int year, month, day, hour, minute, second;
	char t, z;
	if (sscanf(name, "%4d%2d%2d%c%2d%2d%2d%c", &year, &month, &day, &t, &hour, &minute, &second, &z) != 8 || t != 'T' ||
	    z != 'Z' || month < 1 || month > 12 || day < 1 || day > 31)
		return -1;
	/* days from the civil date (Howard Hinnant's algorithm) */
	int y = year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	int year_of_era = y - era * 400;
	int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	int64_t days = (int64_t)era * 146097 + day_of_era - 719468;
	return days * 86400 + hour * 3600 + minute * 60 + second;
}

static int compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

int evidence_retention_apply(const char *dir, const char *suffix, long long keep_last, long long max_age_seconds,
			     int64_t now, const char *keep, json_t *removed, char **error)
{
	if (keep_last <= 0 && max_age_seconds <= 0)
		return 0;
	DIR *handle = opendir(dir);
	if (!handle) {
		if (errno == ENOENT)
			return 0;
		*error = xasprintf("cannot read '%s': %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t count = 0, alloc = 0;
	size_t suffix_length = strlen(suffix);
	struct dirent *entry;
	while ((entry = readdir(handle))) {
		size_t length = strlen(entry->d_name);
		if (entry->d_name[0] == '.' || length < suffix_length ||
		    strcmp(entry->d_name + length - suffix_length, suffix) != 0)
			continue;
		ALLOC_GROW(names, count + 1, alloc);
		names[count++] = xstrdup(entry->d_name);
	}
	closedir(handle);
	if (count)
		qsort(names, count, sizeof(*names), compare_names);
	int removed_count = 0;
	int status = 0;
	for (size_t i = 0; i < count; i++) {
		bool kept_by_count = keep_last > 0 && i + (size_t)keep_last >= count;
		char *path = xasprintf("%s/%s", dir, names[i]);
		int64_t created = name_time(names[i]);
		struct stat info;
		if (created < 0 && lstat(path, &info) == 0)
			created = (int64_t)info.st_mtime;
		bool kept_by_age = max_age_seconds > 0 && created >= now - max_age_seconds;
		if (!kept_by_count && !kept_by_age && !(keep && strcmp(names[i], keep) == 0) && status == 0) {
			if (lstat(path, &info) == 0 && S_ISDIR(info.st_mode))
				fileio_remove_tree(path);
			else if (unlink(path) != 0 && errno != ENOENT) {
				*error = xasprintf("cannot remove '%s': %s", path, strerror(errno));
				status = -1;
			}
			if (status == 0) {
				removed_count++;
				if (removed)
					json_array_append_new(removed, json_string(names[i]));
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	if (removed_count)
		fileio_sync_directory(dir);
	return status == 0 ? removed_count : -1;
}
