/* Evidence bundles: round trip, every tampering refused with its own reason, signature verdicts,
 * collection from a tree, a build dir and a journal, and retention. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "check_main.h"
#include "evidence.h"
#include "fileio.h"
#include "signing.h"
#include "util.h"

static struct signing_key key, other_key;

static void keys_setup(void)
{
	static const unsigned char seed[SIGNING_SEED_SIZE] = { 7, 7, 7 };
	static const unsigned char other_seed[SIGNING_SEED_SIZE] = { 9, 9, 9 };
	signing_key_init(&key);
	signing_key_init(&other_key);
	ck_assert_int_eq(signing_key_from_seed(&key, seed, NULL), 0);
	ck_assert_int_eq(signing_key_from_seed(&other_key, other_seed, NULL), 0);
}

static void keys_teardown(void)
{
	signing_key_release(&key);
	signing_key_release(&other_key);
}

/* Three items, two controls (one complete, one not), encoded with `signer`. */
static void example_bytes(const struct signing_key *signer, struct strbuf *out)
{
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	bundle.framework = xstrdup("SOC 2");
	bundle.workflow = xstrdup("promote");
	bundle.stage = xstrdup("compliance");
	bundle.run_id = xstrdup("20261126T000000Z-abcdef");
	bundle.created = 1795651200;
	const char *const first[] = { "a", "b" };
	const char *const second[] = { "b", "missing-thing" };
	evidence_bundle_add_control(&bundle, "CC1", first, 2);
	evidence_bundle_add_control(&bundle, "CC2", second, 2);
	ck_assert_int_eq(evidence_bundle_add_item(&bundle, "a", "a/one.json", "application/json", "file:one.json", "{\"x\":1}", 7), 0);
	ck_assert_int_eq(evidence_bundle_add_item(&bundle, "b", "b/two.txt", "text/plain", "build:two.txt", "two\n", 4), 0);
	ck_assert_int_eq(evidence_bundle_add_item(&bundle, "b", "b/three.txt", "text/plain", "build:three.txt", "", 0), 0);
	ck_assert_int_eq(evidence_bundle_add_item(&bundle, "b", "b/two.txt", "text/plain", "again", "x", 1), -1);
	evidence_bundle_add_missing(&bundle, "missing-thing", "nothing matches 'x'");
	char *error = NULL;
	ck_assert_int_eq(evidence_bundle_encode(&bundle, signer, out, &error), 0);
	ck_assert_ptr_null(error);
	evidence_bundle_release(&bundle);
}

static void decompress_text(const struct strbuf *bytes, struct strbuf *text)
{
	unsigned long long size = ZSTD_getFrameContentSize(bytes->buf, bytes->len);
	ck_assert(size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN);
	char *buffer = xmalloc((size_t)size + 1);
	size_t got = ZSTD_decompress(buffer, (size_t)size + 1, bytes->buf, bytes->len);
	ck_assert(!ZSTD_isError(got));
	strbuf_add(text, buffer, got);
	free(buffer);
}

static void compress_text(const char *text, size_t length, struct strbuf *bytes)
{
	size_t bound = ZSTD_compressBound(length);
	char *buffer = xmalloc(bound);
	size_t written = ZSTD_compress(buffer, bound, text, length, 3);
	ck_assert(!ZSTD_isError(written));
	strbuf_reset(bytes);
	strbuf_add(bytes, buffer, written);
	free(buffer);
}

/* The text's lines (each without its newline), malloc'd, NULL-terminated. */
static char **split_lines(const struct strbuf *text, size_t *count)
{
	char **lines = xcalloc(text->len + 2, sizeof(*lines));
	*count = 0;
	for (size_t start = 0; start < text->len;) {
		const char *end = memchr(text->buf + start, '\n', text->len - start);
		size_t length = end ? (size_t)(end - text->buf) - start : text->len - start;
		lines[(*count)++] = xstrndup(text->buf + start, length);
		start += length + 1;
	}
	return lines;
}

static void join_lines(char **lines, size_t count, struct strbuf *text)
{
	strbuf_reset(text);
	for (size_t i = 0; i < count; i++)
		if (lines[i])
			strbuf_addf(text, "%s\n", lines[i]);
}

static void free_lines(char **lines, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(lines[i]);
	free(lines);
}

/* Verifies `bytes` against the example key; returns the verdict and leaves the reason in `reason`. */
static enum evidence_verdict verify_bytes(const struct strbuf *bytes, char **reason)
{
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	*reason = NULL;
	enum evidence_verdict verdict = evidence_bundle_verify(&bundle, bytes->buf, bytes->len, &key, 1, NULL, reason);
	evidence_bundle_release(&bundle);
	return verdict;
}

static void check_refused(const struct strbuf *bytes, enum evidence_verdict expected, const char *message)
{
	char *reason = NULL;
	enum evidence_verdict verdict = verify_bytes(bytes, &reason);
	ck_assert_int_eq(verdict, expected);
	ck_assert_ptr_nonnull(reason);
	ck_assert_str_eq(reason, message);
	free(reason);
}

/* Rewrites line `index` of the decompressed example with `edit` and compresses it again. */
typedef void (*line_edit)(char **lines, size_t *count);

static void tampered(line_edit edit, struct strbuf *bytes)
{
	strbuf_reset(bytes);
	example_bytes(&key, bytes);
	struct strbuf text;
	strbuf_init(&text);
	decompress_text(bytes, &text);
	size_t count;
	char **lines = split_lines(&text, &count);
	edit(lines, &count);
	join_lines(lines, count, &text);
	compress_text(text.buf, text.len, bytes);
	free_lines(lines, count);
	strbuf_release(&text);
}

START_TEST(round_trip)
{
	struct strbuf bytes;
	strbuf_init(&bytes);
	example_bytes(&key, &bytes);
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	char *error = NULL;
	const struct signing_key *signer = NULL;
	ck_assert_int_eq(evidence_bundle_verify(&bundle, bytes.buf, bytes.len, &key, 1, &signer, &error), EVIDENCE_VERIFIED);
	ck_assert_ptr_null(error);
	ck_assert_ptr_eq(signer, &key);
	ck_assert_uint_eq(bundle.item_count, 3);
	ck_assert_str_eq(bundle.items[0].name, "a/one.json");
	ck_assert_str_eq(bundle.items[0].content, "{\"x\":1}");
	ck_assert_uint_eq(bundle.items[2].size, 0);
	/* sha256 of the empty string */
	ck_assert_str_eq(bundle.items[2].sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* controls come from the template: b proves both */
	ck_assert_uint_eq(bundle.items[0].control_count, 1);
	ck_assert_str_eq(bundle.items[0].controls[0], "CC1");
	ck_assert_uint_eq(bundle.items[1].control_count, 2);
	ck_assert_str_eq(bundle.items[1].controls[1], "CC2");
	ck_assert_uint_eq(bundle.control_count, 2);
	ck_assert(evidence_control_complete(&bundle, 0));
	ck_assert(!evidence_control_complete(&bundle, 1));
	ck_assert(!evidence_bundle_complete(&bundle));
	ck_assert_str_eq(bundle.framework, "SOC 2");
	ck_assert_str_eq(bundle.run_id, "20261126T000000Z-abcdef");
	ck_assert_int_eq(bundle.created, 1795651200);
	ck_assert_uint_eq(bundle.missing_count, 1);
	ck_assert_str_eq(bundle.missing[0].reason, "nothing matches 'x'");
	ck_assert_str_eq(bundle.chain_head, bundle.items[2].record_hash);
	ck_assert_str_eq(bundle.envelope.payload_type, EVIDENCE_PAYLOAD_TYPE);
	const char *type = json_string_value(json_object_get(bundle.statement, "_type"));
	ck_assert_str_eq(type, "https://in-toto.io/Statement/v1");
	const json_t *subject = json_array_get(json_object_get(bundle.statement, "subject"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(subject, "name")), "b/two.txt");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(subject, "digest"), "sha256")), bundle.items[1].sha256);
	struct strbuf shown;
	strbuf_init(&shown);
	evidence_bundle_render(&bundle, &shown);
	ck_assert_ptr_nonnull(strstr(shown.buf, "controls: 1 of 2 complete\n"));
	ck_assert_ptr_nonnull(strstr(shown.buf, "  CC2      INCOMPLETE, missing missing-thing\n"));
	ck_assert_ptr_nonnull(strstr(shown.buf, "  2. b/two.txt (text/plain, 4 bytes) sha256:"));
	strbuf_release(&shown);
	evidence_bundle_release(&bundle);

	/* the same bundle encodes to the same bytes: nothing but its inputs goes in */
	struct strbuf again;
	strbuf_init(&again);
	example_bytes(&key, &again);
	ck_assert_uint_eq(again.len, bytes.len);
	ck_assert_mem_eq(again.buf, bytes.buf, bytes.len);
	strbuf_release(&again);
	strbuf_release(&bytes);
}
END_TEST

START_TEST(text_is_readable)
{
	struct strbuf bytes, text;
	strbuf_init(&bytes);
	strbuf_init(&text);
	example_bytes(&key, &bytes);
	decompress_text(&bytes, &text);
	size_t count;
	char **lines = split_lines(&text, &count);
	ck_assert_uint_eq(count, 5);
	ck_assert_str_eq(lines[0], "{\"format\":\"goosec-evidence\",\"version\":1}");
	ck_assert_ptr_nonnull(strstr(lines[1], "\"name\":\"a/one.json\""));
	ck_assert_ptr_nonnull(strstr(lines[1], "\"seq\":1"));
	ck_assert_ptr_nonnull(strstr(lines[4], "\"payloadType\":\"application/vnd.in-toto+json\""));
	free_lines(lines, count);
	strbuf_release(&text);
	strbuf_release(&bytes);
}
END_TEST

static void change_content(char **lines, size_t *count)
{
	/* "two\n" -> "owt\n", same length, same sha256 claim */
	char *found = strstr(lines[2], "dHdvCg==");
	ck_assert_ptr_nonnull(found);
	memcpy(found, "b3d0Cg==", 8);
}

static void swap_records(char **lines, size_t *count)
{
	char *keep = lines[1];
	lines[1] = lines[2];
	lines[2] = keep;
}

static void remove_first_record(char **lines, size_t *count)
{
	free(lines[1]);
	for (size_t i = 1; i + 1 < *count; i++)
		lines[i] = lines[i + 1];
	lines[--*count] = NULL;
}

static void remove_last_record(char **lines, size_t *count)
{
	free(lines[3]);
	lines[3] = lines[4];
	lines[4] = NULL;
	--*count;
}

static void add_record(char **lines, size_t *count)
{
	/* a copy of record 3 placed as record 4: its seq and prev say where it belongs */
	lines[5] = lines[4];
	lines[4] = xstrdup(lines[3]);
	++*count;
}

static void break_chain(char **lines, size_t *count)
{
	char *prev = strstr(lines[2], "\"prev\":\"");
	ck_assert_ptr_nonnull(prev);
	prev[8] = prev[8] == '0' ? '1' : '0';
}

static void cut_signature(char **lines, size_t *count)
{
	free(lines[4]);
	lines[4] = NULL;
	--*count;
}

START_TEST(tampering_refused)
{
	struct strbuf bytes;
	strbuf_init(&bytes);
	tampered(change_content, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "record 2 'b/two.txt': content does not match its sha256");
	tampered(swap_records, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED,
		      "record 1 'b/two.txt': it is item 2 of the chain: records were reordered, added or removed");
	tampered(remove_first_record, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED,
		      "record 1 'b/two.txt': it is item 2 of the chain: records were reordered, added or removed");
	tampered(remove_last_record, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "the bundle holds 2 items, the statement lists 3");
	tampered(add_record, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED,
		      "record 4 'b/three.txt': it is item 3 of the chain: records were reordered, added or removed");
	tampered(break_chain, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "record 2 'b/two.txt': chain broken: prev is not the hash of the record before");
	tampered(cut_signature, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "truncated bundle: no signature line");
	strbuf_release(&bytes);
}
END_TEST

START_TEST(rewritten_records_against_the_signed_statement)
{
	/* an attacker who rebuilds the records consistently still cannot change the signed statement */
	struct strbuf original, forged;
	strbuf_init(&original);
	strbuf_init(&forged);
	example_bytes(&key, &original);
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	bundle.created = 1795651200;
	const char *const first[] = { "a", "b" };
	evidence_bundle_add_control(&bundle, "CC1", first, 2);
	evidence_bundle_add_item(&bundle, "a", "a/one.json", "application/json", "file:one.json", "{\"x\":2}", 7);
	evidence_bundle_add_item(&bundle, "b", "b/two.txt", "text/plain", "build:two.txt", "two\n", 4);
	evidence_bundle_add_item(&bundle, "b", "b/three.txt", "text/plain", "build:three.txt", "", 0);
	char *error = NULL;
	ck_assert_int_eq(evidence_bundle_encode(&bundle, NULL, &forged, &error), 0);
	evidence_bundle_release(&bundle);
	/* forged records, the original signature line */
	struct strbuf original_text, forged_text;
	strbuf_init(&original_text);
	strbuf_init(&forged_text);
	decompress_text(&original, &original_text);
	decompress_text(&forged, &forged_text);
	size_t original_count, forged_count;
	char **original_lines = split_lines(&original_text, &original_count);
	char **forged_lines = split_lines(&forged_text, &forged_count);
	free(forged_lines[4]);
	forged_lines[4] = xstrdup(original_lines[4]);
	join_lines(forged_lines, forged_count, &forged_text);
	compress_text(forged_text.buf, forged_text.len, &forged);
	check_refused(&forged, EVIDENCE_MALFORMED, "record 1 'a/one.json': sha256 differs from the statement's subject");
	/* and a statement edited to match is no longer the one the key signed */
	free_lines(original_lines, original_count);
	free_lines(forged_lines, forged_count);
	strbuf_release(&original_text);
	strbuf_release(&forged_text);
	strbuf_release(&original);
	strbuf_release(&forged);
}
END_TEST

START_TEST(signature_verdicts)
{
	struct strbuf bytes;
	strbuf_init(&bytes);
	example_bytes(NULL, &bytes);
	check_refused(&bytes, EVIDENCE_UNSIGNED, "unsigned bundle: the statement carries no signature");
	strbuf_reset(&bytes);
	example_bytes(&other_key, &bytes);
	char *expected = xasprintf("signed by an untrusted key (key id %s)", other_key.key_id);
	check_refused(&bytes, EVIDENCE_UNTRUSTED_KEY, expected);
	free(expected);

	/* one flipped bit of the signature */
	strbuf_reset(&bytes);
	example_bytes(&key, &bytes);
	struct strbuf text, signature;
	strbuf_init(&text);
	strbuf_init(&signature);
	decompress_text(&bytes, &text);
	char *sig = strstr(text.buf, "\"sig\":\"");
	ck_assert_ptr_nonnull(sig);
	sig += 7;
	char *end = strchr(sig, '"');
	ck_assert_int_eq(signing_base64_decode(sig, (size_t)(end - sig), &signature), 0);
	signature.buf[10] ^= 0x01;
	struct strbuf encoded;
	strbuf_init(&encoded);
	signing_base64_encode(signature.buf, signature.len, &encoded);
	ck_assert_uint_eq(encoded.len, (size_t)(end - sig));
	memcpy(sig, encoded.buf, encoded.len);
	compress_text(text.buf, text.len, &bytes);
	check_refused(&bytes, EVIDENCE_BAD_SIGNATURE, "bad signature: the statement is not the one the key signed");
	strbuf_release(&encoded);
	strbuf_release(&signature);
	strbuf_release(&text);
	strbuf_release(&bytes);
}
END_TEST

START_TEST(damaged_files)
{
	struct strbuf bytes;
	strbuf_init(&bytes);
	example_bytes(&key, &bytes);
	size_t full = bytes.len;
	bytes.len = full - 20;
	check_refused(&bytes, EVIDENCE_MALFORMED, "truncated bundle: the compressed data ends early");
	bytes.len = 3;
	check_refused(&bytes, EVIDENCE_MALFORMED, "not an evidence bundle: no zstd frame");
	bytes.len = full;
	strbuf_addstr(&bytes, "junk");
	check_refused(&bytes, EVIDENCE_MALFORMED, "corrupt bundle: 4 bytes after the compressed data");
	/* a flipped byte inside the frame: zstd's checksum or its block decoder refuses it */
	bytes.len = full;
	bytes.buf[full - 6] ^= 0x40;
	char *reason = NULL;
	ck_assert_int_eq(verify_bytes(&bytes, &reason), EVIDENCE_MALFORMED);
	ck_assert_msg(strncmp(reason, "corrupt bundle: ", 16) == 0, "%s", reason);
	free(reason);
	/* not a bundle inside a good frame */
	compress_text("hello\n", 6, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "truncated bundle: no signature line");
	compress_text("hello\n{}\n", 9, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "not an evidence bundle: line 1 is not its header");
	compress_text("{\"format\":\"goosec-evidence\",\"version\":2}\n{}\n", 44, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "unsupported evidence bundle version 2");
	compress_text("{\"format\":\"goosec-evidence\",\"version\":1}", 40, &bytes);
	check_refused(&bytes, EVIDENCE_MALFORMED, "truncated bundle: the last line is incomplete");
	strbuf_release(&bytes);
}
END_TEST

static char *temporary_directory(void)
{
	char template[] = "/tmp/goose-evidence-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(template));
	return xstrdup(template);
}

static void write_text(const char *dir, const char *relative, const char *text)
{
	char *path = xasprintf("%s/%s", dir, relative);
	char *parent = fileio_parent_directory(path);
	char *command = xasprintf("mkdir -p '%s'", parent);
	ck_assert_int_eq(system(command), 0);
	char *error = NULL;
	ck_assert_int_eq(fileio_write_atomic(path, text, strlen(text), 0644, &error), 0);
	free(command);
	free(parent);
	free(path);
}

START_TEST(collect_from_sources)
{
	char *root = temporary_directory();
	write_text(root, "build/monitoring/alerts.yaml", "groups: []\n");
	write_text(root, "build/dash/a.json", "{}");
	write_text(root, "build/dash/b.json", "[]");
	write_text(root, "security/rotation.yaml", "secrets: []\n");
	write_text(root, "reports/20261120T000000Z-111111/report.json", "{\"old\":true}");
	write_text(root, "reports/20261125T000000Z-222222/report.json", "{\"new\":true}");
	write_text(root, "run/scan.json", "{\"findings\":[]}");
	json_t *rules = json_loads("{\"alerts\":{\"from\":\"build\",\"path\":\"monitoring/alerts.yaml\"},"
				   "\"dashboards\":{\"from\":\"build\",\"path\":\"dash/*.json\"},"
				   "\"rotation\":{\"from\":\"file\",\"path\":\"security/rotation.yaml\"},"
				   "\"report\":{\"from\":\"report\",\"path\":\"reports/{run}/report.json\"},"
				   "\"plan\":{\"from\":\"plan\"},"
				   "\"approvals\":{\"from\":\"approvals\"},"
				   "\"scan\":{\"from\":\"step\",\"step\":\"sbom.scan\"},"
				   "\"snap\":{\"from\":\"step\",\"step\":\"snapshot.create\"},"
				   "\"restore\":{\"from\":\"step\",\"step\":\"snapshot.restore\"},"
				   "\"unused\":{\"from\":\"file\",\"path\":\"nothing\"}}",
				   0, NULL);
	json_t *journal = json_loads("[{\"kind\":\"begin\",\"seq\":1,\"step\":null,\"time\":10,\"detail\":{}},"
				     "{\"kind\":\"approval\",\"seq\":2,\"step\":null,\"time\":11,\"detail\":{\"name\":\"alice\"}},"
				     "{\"kind\":\"intent\",\"seq\":3,\"step\":\"snapshot\",\"time\":12,\"detail\":{\"action\":\"snapshot.create\"}},"
				     "{\"kind\":\"done\",\"seq\":4,\"step\":\"snapshot\",\"time\":13,\"detail\":{\"snapshot_id\":\"s1\"}},"
				     "{\"kind\":\"intent\",\"seq\":5,\"step\":\"scan\",\"time\":14,\"detail\":{\"action\":\"sbom.scan\"}}]",
				     0, NULL);
	ck_assert_ptr_nonnull(rules);
	ck_assert_ptr_nonnull(journal);
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	const char *const needs[] = { "alerts", "dashboards", "rotation", "report", "plan", "approvals", "scan", "snap", "restore" };
	evidence_bundle_add_control(&bundle, "C1", needs, sizeof(needs) / sizeof(needs[0]));
	char *build = xasprintf("%s/build", root);
	char *run_dir = xasprintf("%s/run", root);
	struct evidence_sources sources = {
		.tree_root = root,
		.build_dir = build,
		.run_dir = run_dir,
		.plan_bytes = "{\"payload\":\"\"}",
		.plan_length = 14,
		.plan_source = "my.plan",
		.journal_records = journal,
		.run_id = "20261126T000000Z-333333",
	};
	char *error = NULL;
	ck_assert_int_eq(evidence_collect(&bundle, rules, &sources, &error), 0);
	/* rules go in their object order (jansson keeps insertion order) */
	static const char *const expected[][2] = {
		{ "alerts/monitoring/alerts.yaml", "build:monitoring/alerts.yaml" },
		{ "dashboards/dash/a.json", "build:dash/a.json" },
		{ "dashboards/dash/b.json", "build:dash/b.json" },
		{ "rotation/security/rotation.yaml", "file:security/rotation.yaml" },
		{ "report/reports/20261125T000000Z-222222/report.json", "report:reports/20261125T000000Z-222222/report.json" },
		{ "plan/plan", "plan:my.plan" },
		{ "approvals/approvals.json", "journal:approval" },
		{ "scan/scan.json", "run:scan.json" },
		{ "snap/snapshot.json", "step:snapshot" },
	};
	ck_assert_uint_eq(bundle.item_count, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < bundle.item_count; i++) {
		ck_assert_str_eq(bundle.items[i].name, expected[i][0]);
		ck_assert_str_eq(bundle.items[i].source, expected[i][1]);
	}
	ck_assert_str_eq(bundle.items[4].content, "{\"new\":true}");
	ck_assert_str_eq(bundle.items[6].content, "{\"approvals\":[{\"name\":\"alice\",\"time\":11}]}");
	ck_assert_str_eq(bundle.items[8].content,
			 "{\"action\":\"snapshot.create\",\"detail\":{\"snapshot_id\":\"s1\"},\"step\":\"snapshot\",\"time\":13}");
	ck_assert_str_eq(bundle.items[1].media_type, "application/json");
	ck_assert_str_eq(bundle.items[0].media_type, "application/yaml");
	/* restore is missing (no such step finished); unused is not needed by any control */
	ck_assert_uint_eq(bundle.missing_count, 1);
	ck_assert_str_eq(bundle.missing[0].evidence, "restore");
	ck_assert_str_eq(bundle.missing[0].reason, "no 'snapshot.restore' step finished in the run");
	ck_assert(!evidence_bundle_complete(&bundle));
	evidence_bundle_release(&bundle);

	/* no journal, no plan: each says why */
	evidence_bundle_init(&bundle);
	struct evidence_sources bare = { .tree_root = root, .build_dir = build };
	ck_assert_int_eq(evidence_collect(&bundle, rules, &bare, &error), 0);
	ck_assert_uint_eq(bundle.item_count, 5);
	ck_assert_uint_eq(bundle.missing_count, 6);
	ck_assert_str_eq(bundle.missing[0].evidence, "plan");
	ck_assert_str_eq(bundle.missing[0].reason, "no plan (pass --plan FILE or --run-dir DIR)");
	ck_assert_str_eq(bundle.missing[1].reason, "no run journal");
	char *nothing = xasprintf("nothing matches 'nothing' in '%s'", root);
	ck_assert_str_eq(bundle.missing[5].reason, nothing);
	free(nothing);
	evidence_bundle_release(&bundle);

	free(build);
	free(run_dir);
	json_decref(rules);
	json_decref(journal);
	fileio_remove_tree(root);
	free(root);
}
END_TEST

START_TEST(collect_per_service_and_from_the_drill)
{
	char *root = temporary_directory();
	write_text(root, "build/sbom/api.cdx.json", "{\"api\":1}");
	write_text(root, "build/sbom/web.cdx.json", "{\"web\":1}");
	write_text(root, "build/sbom/retired.cdx.json", "{\"retired\":1}");
	json_t *rules = json_loads("{\"sbom\":{\"from\":\"build\",\"path\":\"sbom/{service}.cdx.json\"},"
				   "\"restore\":{\"from\":\"step\",\"step\":\"snapshot.restore\"}}",
				   0, NULL);
	/* this run took no restore; the drill did */
	json_t *journal = json_loads("[{\"kind\":\"begin\",\"seq\":1,\"step\":null,\"time\":10,\"detail\":{}}]", 0, NULL);
	json_t *drill = json_loads("[{\"kind\":\"intent\",\"seq\":2,\"step\":\"restore\",\"time\":5,"
				   "\"detail\":{\"action\":\"snapshot.restore\"}},"
				   "{\"kind\":\"done\",\"seq\":3,\"step\":\"restore\",\"time\":6,\"detail\":{\"snapshot_id\":\"s0\"}}]",
				   0, NULL);
	ck_assert_ptr_nonnull(rules);
	ck_assert_ptr_nonnull(journal);
	ck_assert_ptr_nonnull(drill);
	char *build = xasprintf("%s/build", root);
	static const char *const services[] = { "web", "api" };
	struct evidence_sources sources = {
		.tree_root = root,
		.build_dir = build,
		.journal_records = journal,
		.services = services,
		.service_count = 2,
		.drill_journal_records = drill,
		.drill_run_id = "20261120T000000Z-dddddd",
	};
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	const char *const needs[] = { "sbom", "restore" };
	evidence_bundle_add_control(&bundle, "A1", needs, 2);
	char *error = NULL;
	ck_assert_int_eq(evidence_collect(&bundle, rules, &sources, &error), 0);
	/* one SBOM per service, in the services' order; the file no service names is left out */
	ck_assert_uint_eq(bundle.item_count, 3);
	ck_assert_str_eq(bundle.items[0].name, "sbom/sbom/web.cdx.json");
	ck_assert_str_eq(bundle.items[1].name, "sbom/sbom/api.cdx.json");
	ck_assert_str_eq(bundle.items[2].name, "restore/drill-restore.json");
	ck_assert_str_eq(bundle.items[2].source, "drill:20261120T000000Z-dddddd/step:restore");
	ck_assert_str_eq(bundle.items[2].content,
			 "{\"action\":\"snapshot.restore\",\"detail\":{\"snapshot_id\":\"s0\"},\"step\":\"restore\",\"time\":6}");
	ck_assert_uint_eq(bundle.missing_count, 0);
	ck_assert(evidence_bundle_complete(&bundle));
	evidence_bundle_release(&bundle);

	/* a service whose file is missing: its part of the evidence is missing, the control is not
	 * complete although the other service's file is there; without the drill no restore */
	static const char *const more[] = { "web", "api", "batch" };
	sources.services = more;
	sources.service_count = 3;
	sources.drill_journal_records = NULL;
	evidence_bundle_init(&bundle);
	evidence_bundle_add_control(&bundle, "A1", needs, 2);
	ck_assert_int_eq(evidence_collect(&bundle, rules, &sources, &error), 0);
	ck_assert_uint_eq(bundle.item_count, 2);
	ck_assert_uint_eq(bundle.missing_count, 2);
	ck_assert_str_eq(bundle.missing[0].evidence, "sbom");
	char *reason = xasprintf("nothing matches 'sbom/batch.cdx.json' in '%s' for service 'batch'", build);
	ck_assert_str_eq(bundle.missing[0].reason, reason);
	free(reason);
	ck_assert_str_eq(bundle.missing[1].reason, "no 'snapshot.restore' step finished in the run");
	ck_assert(evidence_bundle_has(&bundle, "sbom"));
	ck_assert(!evidence_bundle_collected(&bundle, "sbom"));
	ck_assert(!evidence_control_complete(&bundle, 0));
	evidence_bundle_release(&bundle);

	/* a drill that took no restore is named in the reason; no services listed: nothing to collect */
	json_t *no_restore = json_loads("[]", 0, NULL);
	sources.drill_journal_records = no_restore;
	sources.service_count = 0;
	evidence_bundle_init(&bundle);
	evidence_bundle_add_control(&bundle, "A1", needs, 2);
	ck_assert_int_eq(evidence_collect(&bundle, rules, &sources, &error), 0);
	ck_assert_uint_eq(bundle.item_count, 0);
	ck_assert_uint_eq(bundle.missing_count, 2);
	ck_assert_str_eq(bundle.missing[0].reason, "no service to collect it for");
	ck_assert_str_eq(bundle.missing[1].reason, "no 'snapshot.restore' step finished in the run, nor in the stage's last "
						   "rollback drill (run 20261120T000000Z-dddddd)");
	evidence_bundle_release(&bundle);

	/* no list of services known: any file matches, as a glob */
	sources.services = NULL;
	evidence_bundle_init(&bundle);
	ck_assert_int_eq(evidence_collect(&bundle, rules, &sources, &error), 0);
	ck_assert_uint_eq(bundle.item_count, 3);
	ck_assert_str_eq(bundle.items[0].name, "sbom/sbom/api.cdx.json");
	ck_assert_str_eq(bundle.items[1].name, "sbom/sbom/retired.cdx.json");
	evidence_bundle_release(&bundle);

	json_decref(no_restore);
	free(build);
	json_decref(rules);
	json_decref(journal);
	json_decref(drill);
	fileio_remove_tree(root);
	free(root);
}
END_TEST

static bool exists(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	bool found = access(path, F_OK) == 0;
	free(path);
	return found;
}

START_TEST(retention)
{
	char *dir = temporary_directory();
	write_text(dir, "20261101T000000Z-aaaaaa.bundle", "1");
	write_text(dir, "20261110T000000Z-bbbbbb.bundle", "2");
	write_text(dir, "20261120T000000Z-cccccc.bundle", "3");
	write_text(dir, "20261125T000000Z-dddddd.bundle", "4");
	write_text(dir, "notes.txt", "kept: not a bundle");
	char *error = NULL;
	int64_t now = 1795651200; /* 2026-11-26 */
	/* no bounds: nothing happens */
	ck_assert_int_eq(evidence_retention_apply(dir, ".bundle", 0, 0, now, NULL, NULL, &error), 0);
	/* keep the newest 3 */
	json_t *removed = json_array();
	ck_assert_int_eq(evidence_retention_apply(dir, ".bundle", 3, 0, now, NULL, removed, &error), 1);
	ck_assert_str_eq(json_string_value(json_array_get(removed, 0)), "20261101T000000Z-aaaaaa.bundle");
	ck_assert(!exists(dir, "20261101T000000Z-aaaaaa.bundle"));
	/* keep 1 but also anything younger than 10 days: the 20th and 25th stay */
	ck_assert_int_eq(evidence_retention_apply(dir, ".bundle", 1, 10 * 86400, now, NULL, NULL, &error), 1);
	ck_assert(!exists(dir, "20261110T000000Z-bbbbbb.bundle"));
	ck_assert(exists(dir, "20261120T000000Z-cccccc.bundle"));
	/* max age alone: 12 hours; the bundle just written is never removed, even when old by name */
	ck_assert_int_eq(evidence_retention_apply(dir, ".bundle", 0, 12 * 3600, now, "20261120T000000Z-cccccc.bundle", NULL,
						  &error), 1);
	ck_assert(exists(dir, "20261120T000000Z-cccccc.bundle"));
	ck_assert(!exists(dir, "20261125T000000Z-dddddd.bundle"));
	ck_assert(exists(dir, "notes.txt"));
	/* run folders go whole */
	write_text(dir, "runs/20261101T000000Z-aaaaaa/report.json", "{}");
	write_text(dir, "runs/20261125T000000Z-bbbbbb/report.json", "{}");
	char *runs = xasprintf("%s/runs", dir);
	ck_assert_int_eq(evidence_retention_apply(runs, "", 1, 0, now, NULL, NULL, &error), 1);
	ck_assert(!exists(runs, "20261101T000000Z-aaaaaa"));
	ck_assert(exists(runs, "20261125T000000Z-bbbbbb/report.json"));
	/* a missing folder has nothing to remove */
	ck_assert_int_eq(evidence_retention_apply("/nonexistent/goose", "", 1, 0, now, NULL, NULL, &error), 0);
	free(runs);
	json_decref(removed);
	fileio_remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(media_types)
{
	ck_assert_str_eq(evidence_media_type("a/b.json"), "application/json");
	ck_assert_str_eq(evidence_media_type("x.yml"), "application/yaml");
	ck_assert_str_eq(evidence_media_type("report.html"), "text/html");
	ck_assert_str_eq(evidence_media_type("junit.xml"), "application/xml");
	ck_assert_str_eq(evidence_media_type("summary.md"), "text/markdown");
	ck_assert_str_eq(evidence_media_type("json"), "application/octet-stream");
}
END_TEST

static Suite *evidence_suite(void)
{
	Suite *suite = suite_create("evidence");
	TCase *bundle = tcase_create("bundle");
	tcase_add_checked_fixture(bundle, keys_setup, keys_teardown);
	tcase_add_test(bundle, round_trip);
	tcase_add_test(bundle, text_is_readable);
	tcase_add_test(bundle, tampering_refused);
	tcase_add_test(bundle, rewritten_records_against_the_signed_statement);
	tcase_add_test(bundle, signature_verdicts);
	tcase_add_test(bundle, damaged_files);
	suite_add_tcase(suite, bundle);
	TCase *collection = tcase_create("collection");
	tcase_add_test(collection, collect_from_sources);
	tcase_add_test(collection, collect_per_service_and_from_the_drill);
	tcase_add_test(collection, retention);
	tcase_add_test(collection, media_types);
	suite_add_tcase(suite, collection);
	return suite;
}

CHECK_MAIN(evidence_suite)
