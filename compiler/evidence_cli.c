/* `goosec evidence`: collect a tree's evidence (template, collection rules, build outputs, a
 * plan, a goose-run run directory) into a signed bundle; verify and show bundles. */
#include "evidence_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canonical_json.h"
#include "check.h"
#include "crypto.h"
#include "diag.h"
#include "evidence.h"
#include "model.h"
#include "plan.h"
#include "project.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

enum { EVIDENCE_EXIT_OK = 0, EVIDENCE_EXIT_REFUSED = 1, EVIDENCE_EXIT_USAGE = 2 };

#define EVIDENCE_CLI_MAX_PLAN (16u << 20)
#define EVIDENCE_CLI_MAX_JOURNAL (64u << 20)

static const char usage_text[] =
	"usage: goosec evidence collect [--tree DIR] [--build-dir DIR] [--run-dir DIR] [--plan FILE]\n"
	"                               [--run-id ID] [--stage NAME] [--out FILE] [--sign-key FILE | --unsigned]\n"
	"                               [--sign-key-name NAME] [--require-complete]\n"
	"         the key's name (default: its file name without .key) must be goose.yaml's signing.evidence\n"
	"       goosec evidence verify BUNDLE --trust PUB...\n"
	"       goosec evidence show BUNDLE [--trust PUB]... [--item NAME]\n"
	"         (--item prints that item's bytes, e.g. an approvals record, to stdout)\n";

static int usage(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fputs("goosec: evidence ", stderr);
	vfprintf(stderr, format, args);
	va_end(args);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return EVIDENCE_EXIT_USAGE;
}

/* ---- trusted keys ---- */

struct key_list {
	struct signing_key *keys;
	size_t count, alloc;
};

static void key_list_release(struct key_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		signing_key_release(&list->keys[i]);
	free(list->keys);
	memset(list, 0, sizeof(*list));
}

static int key_list_add(struct key_list *list, const char *command, const char *path)
{
	char *pem;
	size_t length;
	if (read_file_bytes(path, 1 << 16, &pem, &length) != 0) {
		fprintf(stderr, "goosec: evidence %s: cannot read '%s': %s\n", command, path, strerror(errno));
		return -1;
	}
	ALLOC_GROW(list->keys, list->count + 1, list->alloc);
	signing_key_init(&list->keys[list->count]);
	char *error = NULL;
	int status = signing_key_read_public_pem(&list->keys[list->count], pem, length, &error);
	free(pem);
	if (status != 0) {
		fprintf(stderr, "goosec: evidence %s: '%s': %s\n", command, path, error);
		free(error);
		return -1;
	}
	list->count++;
	return 0;
}

static const char *verdict_rule(enum evidence_verdict verdict)
{
	switch (verdict) {
	case EVIDENCE_VERIFIED:
	case EVIDENCE_MALFORMED: return "evidence-tampered";
	case EVIDENCE_UNSIGNED: return "evidence-unsigned";
	case EVIDENCE_UNTRUSTED_KEY: return "evidence-untrusted-key";
	case EVIDENCE_BAD_SIGNATURE: return "evidence-bad-signature";
	}
	return "evidence-tampered";
}

static size_t complete_controls(const struct evidence_bundle *bundle)
{
	size_t complete = 0;
	for (size_t c = 0; c < bundle->control_count; c++)
		complete += evidence_control_complete(bundle, c);
	return complete;
}

/* ---- verify and show ---- */

static int verify_or_show(int argc, char **argv, bool show)
{
	static const struct option long_options[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "item", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *command = show ? "show" : "verify";
	const char *item_name = NULL;
	struct key_list trusted = { 0 };
	int status = EVIDENCE_EXIT_USAGE;
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "t:h", long_options, NULL)) != -1) {
		if (option == 'h') {
			fputs(usage_text, stdout);
			status = EVIDENCE_EXIT_OK;
			goto out;
		}
		if (option == 'i' && show) {
			item_name = optarg;
			continue;
		}
		if (option != 't') {
			usage("%s: bad option", command);
			goto out;
		}
		if (key_list_add(&trusted, command, optarg) != 0)
			goto out;
	}
	if (argc - optind != 1) {
		usage("%s: expected one bundle file", command);
		goto out;
	}
	if (!show && trusted.count == 0) {
		usage("verify: --trust PUB is required (the evidence key's public half)");
		goto out;
	}
	const char *path = argv[optind];
	char *data;
	size_t length;
	if (read_file_bytes(path, EVIDENCE_MAX_SIZE, &data, &length) != 0) {
		fprintf(stderr, "goosec: evidence %s: cannot read '%s': %s\n", command, path, strerror(errno));
		goto out;
	}
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	char *error = NULL;
	enum evidence_verdict verdict = EVIDENCE_VERIFIED;
	const struct signing_key *signer = NULL;
	if (trusted.count) {
		verdict = evidence_bundle_verify(&bundle, data, length, trusted.keys, trusted.count, &signer, &error);
	} else if (evidence_bundle_decode(&bundle, data, length, &error) != 0) {
		verdict = EVIDENCE_MALFORMED;
	}
	free(data);
	if (verdict != EVIDENCE_VERIFIED) {
		printf("%s: error: %s [%s]\n", path, error, verdict_rule(verdict));
		status = EVIDENCE_EXIT_REFUSED;
	} else if (show && item_name) {
		status = EVIDENCE_EXIT_REFUSED;
		for (size_t i = 0; i < bundle.item_count; i++)
			if (strcmp(bundle.items[i].name, item_name) == 0) {
				fwrite(bundle.items[i].content, 1, bundle.items[i].size, stdout);
				status = EVIDENCE_EXIT_OK;
			}
		if (status != EVIDENCE_EXIT_OK)
			fprintf(stderr, "goosec: evidence show: '%s' holds no item '%s'\n", path, item_name);
	} else if (show) {
		struct strbuf text;
		strbuf_init(&text);
		evidence_bundle_render(&bundle, &text);
		if (signer)
			strbuf_addf(&text, "signature: verified (key id %s)\n", signer->key_id);
		else
			strbuf_addstr(&text, "signature: not checked (pass --trust PUB to verify)\n");
		fwrite(text.buf, 1, text.len, stdout);
		strbuf_release(&text);
		status = EVIDENCE_EXIT_OK;
	} else {
		printf("%s: verified: %zu item%s, %zu of %zu controls complete, chain head %.16s, signed by key id %s\n", path,
		       bundle.item_count, bundle.item_count == 1 ? "" : "s", complete_controls(&bundle), bundle.control_count,
		       bundle.chain_head, signer->key_id);
		status = EVIDENCE_EXIT_OK;
	}
	free(error);
	evidence_bundle_release(&bundle);
out:
	key_list_release(&trusted);
	return status;
}

/* ---- collect ---- */

struct collect_options {
	const char *tree, *build_dir, *run_dir, *plan_path, *run_id, *stage, *out, *key_path, *key_name;
	bool unsigned_bundle, require_complete;
};

/* Journal lines as JSON records (the runner verified them as it wrote; here they are read). */
static json_t *read_journal(const char *path, char **error)
{
	char *data;
	size_t length;
	if (read_file_bytes(path, EVIDENCE_CLI_MAX_JOURNAL, &data, &length) != 0) {
		*error = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	json_t *records = json_array();
	char last_hash[2 * CRYPTO_SHA256_SIZE + 1];
	memset(last_hash, '0', 2 * CRYPTO_SHA256_SIZE);
	last_hash[2 * CRYPTO_SHA256_SIZE] = '\0';
	size_t line = 1;
	for (size_t start = 0; start < length; line++) {
		const char *end = memchr(data + start, '\n', length - start);
		size_t line_length = end ? (size_t)(end - (data + start)) : length - start;
		json_error_t json_error;
		json_t *record = json_loadb(data + start, line_length, JSON_REJECT_DUPLICATES, &json_error);
		if (!json_is_object(record)) {
			json_decref(record);
			if (!end)
				break; /* a torn last line: a write cut short */
			*error = xasprintf("'%s' line %zu is not a journal record", path, line);
			json_decref(records);
			free(data);
			return NULL;
		}
		/* the runner chains its records by hash: a changed journal is no evidence */
		json_t *copy = json_deep_copy(record);
		const char *hash = json_string_value(json_object_get(record, "hash"));
		const char *prev = json_string_value(json_object_get(record, "prev"));
		json_object_del(copy, "hash");
		size_t canonical_length = 0;
		char *canonical = canonical_json_dumps(copy, &canonical_length);
		json_decref(copy);
		unsigned char digest[CRYPTO_SHA256_SIZE];
		char hex[2 * CRYPTO_SHA256_SIZE + 1] = "";
		if (canonical) {
			crypto_sha256(canonical, canonical_length, digest);
			crypto_hex(digest, sizeof(digest), hex);
		}
		free(canonical);
		if (!hash || !prev || strcmp(hash, hex) != 0 || strcmp(prev, last_hash) != 0) {
			*error = xasprintf("'%s' line %zu: the journal record was changed (its hash chain does not hold)", path, line);
			json_decref(record);
			json_decref(records);
			free(data);
			return NULL;
		}
		memcpy(last_hash, hash, sizeof(last_hash));
		json_array_append_new(records, record);
		start += line_length + 1;
	}
	free(data);
	return records;
}

/* "<begin time, compact ISO 8601>-<6 hex of the plan digest>", as goose-run names runs. */
static char *run_id_from_journal(const json_t *records, const char *plan_digest)
{
	size_t index;
	const json_t *record;
	json_array_foreach(records, index, record) {
		const char *kind = json_string_value(json_object_get(record, "kind"));
		if (!kind || strcmp(kind, "begin") != 0)
			continue;
		time_t began = (time_t)json_integer_value(json_object_get(record, "time"));
		struct tm utc;
		char stamp[32] = "00000000T000000Z";
		if (gmtime_r(&began, &utc))
			strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
		return xasprintf("%s-%.6s", stamp, plan_digest ? plan_digest + 7 : "000000");
	}
	return NULL;
}

/* Loads the tree like lint does; 0 with the analysis filled, or 1 after printing its errors. */
static int load_tree(const char *root, struct project *project, struct analysis *analysis)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct check_options check = { .now = time(NULL) };
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch)
		check.now = (time_t)strtoll(epoch, NULL, 10);
	int status = 0;
	if (project_prepare(project, &diags) != 0) {
		status = EVIDENCE_EXIT_USAGE;
	} else {
		project_discover(project, root, &diags);
		project_load(project, 1, &diags);
		check_project(project, &check, analysis, &diags);
		if (diag_count(&diags, DIAG_ERROR)) {
			diag_sort(&diags);
			struct diag_render_options render = { .format = DIAG_FORMAT_TEXT, .show_source = true,
							      .tool_version = GOOSE_VERSION };
			diag_render(stdout, &diags, &render);
			fprintf(stderr, "goosec: evidence collect: the tree at '%s' has errors; fix them first\n", root);
			status = EVIDENCE_EXIT_REFUSED;
		}
	}
	diag_list_release(&diags);
	return status;
}

/* The journal of the stage's last rollback drill, for a run directory STATE/runs/<hex>: the
 * state dir's registry (STATE/stages.json) names it in last_rollback {plan, run}. NULL when
 * there is none or it cannot be read whole (a changed journal is no evidence); *run_id is set
 * with it (caller frees both). */
static json_t *read_drill(const char *run_dir, const char *stage, char **run_id)
{
	*run_id = NULL;
	char *registry_path = xasprintf("%s/../../stages.json", run_dir);
	json_t *registry = json_load_file(registry_path, JSON_REJECT_DUPLICATES, NULL);
	free(registry_path);
	const json_t *record = json_object_get(json_object_get(json_object_get(registry, "stages"), stage), "last_rollback");
	const char *plan = json_string_value(json_object_get(record, "plan"));
	const char *run = json_string_value(json_object_get(record, "run"));
	json_t *journal = NULL;
	if (plan && run && strncmp(plan, "sha256:", 7) == 0 && plan_format_is_plain_name(plan + 7)) {
		char *path = xasprintf("%s/../%s/journal", run_dir, plan + 7);
		char *error = NULL;
		journal = read_journal(path, &error);
		if (!journal)
			fprintf(stderr, "goosec: evidence collect: the last rollback drill of '%s' is not used: %s\n", stage,
				error);
		else
			*run_id = xstrdup(run);
		free(error);
		free(path);
	}
	json_decref(registry);
	return journal;
}

/* The services {service} stands for: the stage's own list when it has one, else every service
 * of goose.yaml (in its order). The array is the caller's to free, the names the model's. */
static const char **evidence_services(const struct model *model, const char *stage, size_t *count)
{
	*count = 0;
	for (size_t s = 0; stage && s < model->stage_count; s++) {
		const struct model_stage *candidate = &model->stages[s];
		if (!candidate->name.text || strcmp(candidate->name.text, stage) != 0 || !candidate->services.count)
			continue;
		const char **names = xcalloc(candidate->services.count + 1, sizeof(*names));
		for (size_t i = 0; i < candidate->services.count; i++)
			if (candidate->services.items[i].text)
				names[(*count)++] = candidate->services.items[i].text;
		return names;
	}
	size_t total = 0;
	for (size_t p = 0; p < model->project_count; p++)
		total += model->projects[p].service_count;
	const char **names = xcalloc(total + 1, sizeof(*names));
	for (size_t p = 0; p < model->project_count; p++)
		for (size_t i = 0; i < model->projects[p].service_count; i++)
			if (model->projects[p].services[i].name.text)
				names[(*count)++] = model->projects[p].services[i].name.text;
	return names;
}

static void add_template(struct evidence_bundle *bundle, const struct model *model, json_t *rules)
{
	for (size_t i = 0; i < model->evidence_template_count; i++) {
		const struct model_evidence_template *template = &model->evidence_templates[i];
		if (!bundle->framework && template->framework)
			bundle->framework = xstrdup(template->framework);
		for (size_t c = 0; c < template->control_count; c++) {
			const struct model_control *control = &template->controls[c];
			const char **names = xcalloc(control->evidence.count + 1, sizeof(*names));
			for (size_t e = 0; e < control->evidence.count; e++)
				names[e] = control->evidence.items[e].text;
			evidence_bundle_add_control(bundle, control->id.text, names, control->evidence.count);
			free(names);
		}
	}
	for (size_t i = 0; i < model->collection_rules_count; i++)
		for (size_t k = 0; k < model->collection_rules[i].item_count; k++) {
			const struct model_evidence_item *item = &model->collection_rules[i].items[k];
			json_t *rule = json_pack("{s:s}", "from", item->from ? item->from : "");
			if (item->step)
				json_object_set_new(rule, "step", json_string(item->step));
			if (item->path)
				json_object_set_new(rule, "path", json_string(item->path));
			json_object_set_new(rules, item->name.text, rule);
		}
}

static int load_signing_key(const struct collect_options *options, struct signing_key *key, bool *has_key)
{
	const char *environment = getenv(EVIDENCE_CLI_KEY_ENV);
	const char *path = options->key_path ? options->key_path : environment && *environment ? environment : NULL;
	*has_key = false;
	if (!path && !options->unsigned_bundle)
		return usage("collect: no evidence key: pass --sign-key FILE (or set %s), or --unsigned", EVIDENCE_CLI_KEY_ENV);
	if (path && options->unsigned_bundle)
		return usage("collect: --unsigned and a signing key exclude each other");
	if (!path)
		return 0;
	char *pem;
	size_t length;
	if (read_file_bytes(path, 1 << 16, &pem, &length) != 0) {
		fprintf(stderr, "goosec: evidence collect: cannot read key '%s': %s\n", path, strerror(errno));
		return EVIDENCE_EXIT_USAGE;
	}
	char *error = NULL;
	int status = signing_key_read_private_pem(key, pem, length, &error);
	crypto_wipe(pem, length);
	free(pem);
	if (status != 0) {
		fprintf(stderr, "goosec: evidence collect: key '%s': %s\n", path, error);
		free(error);
		return EVIDENCE_EXIT_USAGE;
	}
	*has_key = true;
	return 0;
}

static int collect(const struct collect_options *options)
{
	struct signing_key key;
	signing_key_init(&key);
	bool has_key;
	int status = load_signing_key(options, &key, &has_key);
	if (status != 0) {
		signing_key_release(&key);
		return status;
	}
	const char *root = options->tree ? options->tree : ".";
	struct project project;
	project_init(&project);
	struct analysis analysis;
	analysis_init(&analysis);
	struct evidence_bundle bundle;
	evidence_bundle_init(&bundle);
	json_t *rules = json_object();
	json_t *journal = NULL;
	char *plan_bytes = NULL, *plan_path = NULL, *build_dir = NULL, *error = NULL;
	size_t plan_length = 0;
	status = load_tree(root, &project, &analysis);
	if (status != 0)
		goto out;
	status = EVIDENCE_EXIT_REFUSED;
	add_template(&bundle, &analysis.model, rules);
	const struct model *model = &analysis.model;
	/* the key must be the one goose.yaml names for evidence, as plans are checked against theirs */
	const struct model_name *declared = model->project_count ? &model->projects[0].signing_evidence : NULL;
	if (has_key && declared && declared->text) {
		const char *key_path = options->key_path ? options->key_path : getenv(EVIDENCE_CLI_KEY_ENV);
		bool has_suffix;
		char *name = options->key_name ? xstrdup(options->key_name) : signing_key_name_from_path(key_path, &has_suffix);
		bool matches = strcmp(name, declared->text) == 0;
		if (!matches)
			printf("%s:%d:%d: error: evidence would be signed with key '%s' (id %s) but goose.yaml names '%s' "
			       "[evidence-signing-key]\n",
			       declared->location.file, declared->location.line, declared->location.col, name, key.key_id,
			       declared->text);
		free(name);
		if (!matches)
			goto out;
	}
	const char *output = model->project_count && model->projects[0].output ? model->projects[0].output : "build";
	build_dir = options->build_dir ? xstrdup(options->build_dir) : xasprintf("%s/%s", root, output);

	if (options->run_dir) {
		char *journal_path = xasprintf("%s/journal", options->run_dir);
		journal = read_journal(journal_path, &error);
		free(journal_path);
		if (!journal) {
			fprintf(stderr, "goosec: evidence collect: %s\n", error);
			goto out;
		}
	}
	plan_path = options->plan_path ? xstrdup(options->plan_path)
		    : options->run_dir ? xasprintf("%s/plan", options->run_dir) : NULL;
	if (plan_path && read_file_bytes(plan_path, EVIDENCE_CLI_MAX_PLAN, &plan_bytes, &plan_length) != 0) {
		fprintf(stderr, "goosec: evidence collect: cannot read plan '%s': %s\n", plan_path, strerror(errno));
		goto out;
	}
	if (plan_bytes) {
		struct signing_envelope envelope;
		json_t *payload = NULL;
		if (plan_read(plan_bytes, plan_length, &envelope, &payload, &error) != 0) {
			printf("%s: error: %s [evidence-plan]\n", plan_path, error);
			goto out;
		}
		unsigned char digest[CRYPTO_SHA256_SIZE];
		char hex[2 * CRYPTO_SHA256_SIZE + 1];
		crypto_sha256(envelope.payload, envelope.payload_length, digest);
		crypto_hex(digest, sizeof(digest), hex);
		bundle.plan_digest = xasprintf("sha256:%s", hex);
		const char *workflow = json_string_value(json_object_get(payload, "workflow"));
		const char *stage = json_string_value(json_object_get(payload, "stage"));
		bundle.workflow = workflow ? xstrdup(workflow) : NULL;
		bundle.stage = stage ? xstrdup(stage) : NULL;
		json_decref(payload);
		signing_envelope_release(&envelope);
	}
	if (options->stage) {
		free(bundle.stage);
		bundle.stage = xstrdup(options->stage);
	}
	bundle.run_id = options->run_id ? xstrdup(options->run_id) : journal ? run_id_from_journal(journal, bundle.plan_digest) : NULL;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	bundle.created = epoch && *epoch ? (int64_t)strtoll(epoch, NULL, 10) : (int64_t)time(NULL);

	size_t service_count = 0;
	const char **services = evidence_services(model, bundle.stage, &service_count);
	char *drill_run_id = NULL;
	json_t *drill = options->run_dir && bundle.stage ? read_drill(options->run_dir, bundle.stage, &drill_run_id) : NULL;
	struct evidence_sources sources = {
		.services = services,
		.service_count = service_count,
		.drill_journal_records = drill,
		.drill_run_id = drill_run_id,
		.tree_root = root,
		.build_dir = build_dir,
		.run_dir = options->run_dir,
		.plan_bytes = plan_bytes,
		.plan_length = plan_length,
		.plan_source = plan_path,
		.journal_records = journal,
		.run_id = bundle.run_id,
		.stage = bundle.stage,
	};
	int collected = evidence_collect(&bundle, rules, &sources, &error);
	free(services);
	json_decref(drill);
	free(drill_run_id);
	if (collected != 0) {
		fprintf(stderr, "goosec: evidence collect: %s\n", error);
		goto out;
	}
	const char *out_path = options->out ? options->out : "evidence.bundle";
	bool complete = evidence_bundle_complete(&bundle);
	for (size_t c = 0; c < bundle.control_count; c++) {
		if (evidence_control_complete(&bundle, c))
			continue;
		const struct evidence_control *control = &bundle.controls[c];
		for (size_t e = 0; e < control->evidence_count; e++) {
			if (evidence_bundle_collected(&bundle, control->evidence[e]))
				continue;
			bool named = false; /* one line per reason: a {service} path has one per service */
			for (size_t m = 0; m < bundle.missing_count; m++) {
				if (strcmp(bundle.missing[m].evidence, control->evidence[e]) != 0)
					continue;
				printf("%s: %s: control %s lacks evidence '%s': %s [evidence-incomplete]\n", out_path,
				       options->require_complete ? "error" : "warning", control->id, control->evidence[e],
				       bundle.missing[m].reason);
				named = true;
			}
			if (!named)
				printf("%s: %s: control %s lacks evidence '%s': not collected [evidence-incomplete]\n", out_path,
				       options->require_complete ? "error" : "warning", control->id, control->evidence[e]);
		}
	}
	if (!complete && options->require_complete) {
		fprintf(stderr, "goosec: evidence collect: evidence is incomplete: no bundle written (--require-complete)\n");
		goto out;
	}
	if (evidence_bundle_write_file(&bundle, has_key ? &key : NULL, out_path, &error) != 0) {
		fprintf(stderr, "goosec: evidence collect: cannot write '%s': %s\n", out_path, error);
		status = EVIDENCE_EXIT_USAGE;
		goto out;
	}
	printf("%s: %zu item%s, %zu of %zu controls complete, chain head %.16s, %s\n", out_path, bundle.item_count,
	       bundle.item_count == 1 ? "" : "s", complete_controls(&bundle), bundle.control_count, bundle.chain_head,
	       has_key ? "signed" : "UNSIGNED");
	status = EVIDENCE_EXIT_OK;
out:
	free(error);
	free(plan_bytes);
	free(plan_path);
	free(build_dir);
	json_decref(journal);
	json_decref(rules);
	evidence_bundle_release(&bundle);
	analysis_release(&analysis);
	project_release(&project);
	signing_key_release(&key);
	return status;
}

static int command_collect(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "tree", required_argument, NULL, 'T' },
		{ "build-dir", required_argument, NULL, 'b' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "plan", required_argument, NULL, 'p' },
		{ "run-id", required_argument, NULL, 'i' },
		{ "stage", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "sign-key", required_argument, NULL, 'k' },
		{ "sign-key-name", required_argument, NULL, 'N' },
		{ "unsigned", no_argument, NULL, 'U' },
		{ "require-complete", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct collect_options options = { 0 };
	int option;
	optind = 1;
	while ((option = getopt_long(argc, argv, "o:h", long_options, NULL)) != -1) {
		switch (option) {
		case 'T': options.tree = optarg; break;
		case 'b': options.build_dir = optarg; break;
		case 'r': options.run_dir = optarg; break;
		case 'p': options.plan_path = optarg; break;
		case 'i': options.run_id = optarg; break;
		case 's': options.stage = optarg; break;
		case 'o': options.out = optarg; break;
		case 'k': options.key_path = optarg; break;
		case 'N': options.key_name = optarg; break;
		case 'U': options.unsigned_bundle = true; break;
		case 'R': options.require_complete = true; break;
		case 'h': fputs(usage_text, stdout); return EVIDENCE_EXIT_OK;
		default: return usage("collect: bad option");
		}
	}
	if (optind != argc)
		return usage("collect: unexpected argument '%s'", argv[optind]);
	return collect(&options);
}

int evidence_cli_main(int argc, char **argv)
{
	if (argc < 2)
		return usage("expected 'collect', 'verify' or 'show'");
	if (strcmp(argv[1], "collect") == 0)
		return command_collect(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return verify_or_show(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "show") == 0)
		return verify_or_show(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return EVIDENCE_EXIT_OK;
	}
	return usage("unknown subcommand '%s' (expected collect, verify or show)", argv[1]);
}
