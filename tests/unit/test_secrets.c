/* Unit tests for lint/secrets: every rule finds its positive sample (and only that rule, at the
 * secret's column) and not its negative one; no rendering shows a secret; the table agrees with
 * gitleaks' own file; allow comments, placeholders, .goosecignore globs, and a whole-tree scan. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check_main.h"
#include "diag.h"
#include "secrets.h"
#include "util.h"

/* Samples are templates, expanded at run time, so the repository holds no secret-shaped literal:
 * {X:N} is N characters drawn from charset X, \1 brackets the expected secret, and a private key
 * header is split in two literals. */
static const struct {
	const char *rule;
	const char *positive;
	const char *negative;
} samples[] = {
	{ "secret-1password-secret-key",
	  "op: \1A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}\1\n",
	  "op: A3-{U:6}-{U:11}-{U:5}-{U:5}\n" },
	{ "secret-age-secret-key",
	  "\1AGE-SECRET-KEY-1{Q:58}\1\n",
	  "AGE-SECRET-KEY-1{Q:57}\n" },
	{ "secret-alibaba-access-key-id",
	  "id: \1LTAI{a:20}\1\n",
	  "id: LTAI{a:19}\n" },
	{ "secret-anthropic-api-key",
	  "\1sk-ant-api03-{A:93}AA\1\n",
	  "sk-ant-api03-{A:93}AB\n" },
	{ "secret-aws-access-token",
	  "id = \1AKIA{Z:16}\1\n",
	  "id = AKIA{Z:9}EXAMPLE\n" },
	{ "secret-aws-secret-access-key",
	  "aws_secret_access_key = \1{B:40}\1\n",
	  "aws_secret_access_key = ${AWS_SECRET}\n" },
	{ "secret-azure-ad-client-secret",
	  "client: \1{A:3}8Q~{A:32}\1\n",
	  "client: {A:3}8Q~{A:20}\n" },
	{ "secret-azure-storage-account-key",
	  "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\1{B:86}==\1;EndpointSuffix=core.windows.net\n",
	  "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={B:40}==;\n" },
	{ "secret-curl-auth-user",
	  "curl -u \1alice:{A:16}\1 https://ci.internal/\n",
	  "curl -u alice:changeme https://ci.internal/\n" },
	{ "secret-databricks-api-token",
	  "\1dapi{h:32}\1\n",
	  "dapi{h:31}\n" },
	{ "secret-datadog-access-token",
	  "datadog_app = \1{a:40}\1\n",
	  "datadog_app = {a:39}\n" },
	{ "secret-digitalocean-access-token",
	  "\1doo_v1_{h:64}\1\n",
	  "doo_v1_{h:63}\n" },
	{ "secret-digitalocean-pat",
	  "\1dop_v1_{h:64}\1\n",
	  "dop_v1_{h:63}\n" },
	{ "secret-digitalocean-refresh-token",
	  "\1dor_v1_{h:64}\1\n",
	  "dor_v1_{h:63}\n" },
	{ "secret-discord-api-token",
	  "discord = \1{h:64}\1\n",
	  "discord = {h:63}\n" },
	{ "secret-discord-client-secret",
	  "discord_client = \1{a:32}\1\n",
	  "discord_client = {a:31}\n" },
	{ "secret-doppler-api-token",
	  "\1dp.pt.{a:43}\1\n",
	  "dp.pt.{a:42}\n" },
	{ "secret-dynatrace-api-token",
	  "\1dt0c01.{A:24}.{A:64}\1\n",
	  "dt0c01.{A:24}.{A:63}\n" },
	{ "secret-gcp-api-key",
	  "\1AIza{W:35}\1\n",
	  "AIza{W:34}\n" },
	{ "secret-generic-api-key",
	  "api_token = \1{A:22}7q\1\n",
	  "api_token = 1111aaaa2222bbbb\n" },
	{ "secret-github-app-token",
	  "\1ghs_{A:36}\1\n",
	  "ghs_{A:35}\n" },
	{ "secret-github-fine-grained-pat",
	  "\1github_pat_{w:82}\1\n",
	  "github_pat_{w:81}\n" },
	{ "secret-github-oauth",
	  "\1gho_{A:36}\1\n",
	  "gho_{A:35}\n" },
	{ "secret-github-pat",
	  "\1ghp_{A:36}\1\n",
	  "ghp_{A:35}\n" },
	{ "secret-github-refresh-token",
	  "\1ghr_{A:36}\1\n",
	  "ghr_{A:35}\n" },
	{ "secret-gitlab-deploy-token",
	  "\1gldt-{W:20}\1\n",
	  "gldt-{W:19}\n" },
	{ "secret-gitlab-pat",
	  "\1glpat-{w:20}\1\n",
	  "glpat-{w:19}\n" },
	{ "secret-gitlab-pat-routable",
	  "\1glpat-{W:27}.01{a:7}\1\n",
	  "glpat-{W:27}.01{a:6}\n" },
	{ "secret-gitlab-ptt",
	  "\1glptt-{h:40}\1\n",
	  "glptt-{h:39}\n" },
	{ "secret-gitlab-rrt",
	  "\1GR1348941{W:20}\1\n",
	  "GR1348941{W:19}\n" },
	{ "secret-gitlab-runner-authentication-token",
	  "\1glrt-{W:20}\1\n",
	  "glrt-{W:19}\n" },
	{ "secret-grafana-api-key",
	  "\1eyJrIjoi{A:70}\1\n",
	  "eyJrIjoi{A:69}\n" },
	{ "secret-grafana-cloud-api-token",
	  "\1glc_{A:32}\1\n",
	  "glc_{A:31}\n" },
	{ "secret-grafana-service-account-token",
	  "\1glsa_{A:32}_{h:8}\1\n",
	  "glsa_{A:32}_{h:7}\n" },
	{ "secret-hashicorp-tf-api-token",
	  "tf: \1{a:14}.atlasv1.{a:60}\1\n",
	  "tf: {a:14}.atlasv1.{a:59}\n" },
	{ "secret-heroku-api-key",
	  "heroku_id = \1{h:8}-{h:4}-{h:4}-{h:4}-{h:12}\1\n",
	  "heroku_id = {h:8}-{h:4}-{h:4}-{h:12}\n" },
	{ "secret-heroku-api-key-v2",
	  "\1HRKU-AA{W:58}\1\n",
	  "HRKU-AA{W:57}\n" },
	{ "secret-huggingface-access-token",
	  "\1hf_{L:34}\1\n",
	  "hf_{L:33}\n" },
	{ "secret-jwt",
	  "\1eyJ{A:20}.eyJ{A:30}.{W:43}\1\n",
	  "eyJ{A:20}.xyJ{A:30}.{W:43}\n" },
	{ "secret-linear-api-key",
	  "\1lin_api_{a:40}\1\n",
	  "lin_api_{a:39}\n" },
	{ "secret-mailgun-private-api-token",
	  "mailgun_private = \1key-{h:32}\1\n",
	  "mailgun_private = key-{h:31}\n" },
	{ "secret-mailgun-signing-key",
	  "mailgun_signing = \1{h:32}-{h:8}-{h:8}\1\n",
	  "mailgun_signing = {h:32}-{h:8}\n" },
	{ "secret-microsoft-teams-webhook",
	  "\1https://acme.webhook.office.com/webhookb2/{a:8}-{a:4}-{a:4}-{a:4}-{a:12}@{a:8}-{a:4}-{a:4}-{a:4}-{a:12}/IncomingWebhook/{a:32}/{a:8}-{a:4}-{a:4}-{a:4}-{a:12}\1\n",
	  "https://acme.webhook.office.com/webhookb2/{a:8}-{a:4}-{a:4}-{a:4}-{a:12}@{a:8}-{a:4}-{a:4}-{a:4}-{a:12}/IncomingWebhook/{a:32}/{a:8}-{a:4}-{a:4}-{a:4}-{a:11}\n" },
	{ "secret-new-relic-user-api-key",
	  "newrelic_user = \1NRAK-{U:27}\1\n",
	  "newrelic_user = NRAK-{U:26}\n" },
	{ "secret-npm-access-token",
	  "\1npm_{A:36}\1\n",
	  "npm_{A:35}\n" },
	{ "secret-openai-api-key",
	  "\1sk-{A:20}T3BlbkFJ{A:20}\1\n",
	  "sk-{A:20}T3BlbkFX{A:20}\n" },
	{ "secret-password-in-url",
	  "url: postgres://app:\1{A:16}\1@db.internal:5432/app\n",
	  "url: postgres://app:${DB_PASSWORD}@db.internal/app\n" },
	{ "secret-postman-api-token",
	  "\1PMAK-{h:24}-{h:34}\1\n",
	  "PMAK-{h:24}-{h:33}\n" },
	{ "secret-private-key",
	  "\1-----BEGIN RSA PRIV" "ATE KEY-----\n{B:64}\n{B:64}\n-----END RSA PRIV" "ATE KEY-----\1\n",
	  "-----BEGIN RSA PRIV" "ATE KEY-----\n{B:20}\n-----END RSA PRIV" "ATE KEY-----\n" },
	{ "secret-pulumi-api-token",
	  "\1pul-{h:40}\1\n",
	  "pul-{h:39}\n" },
	{ "secret-pypi-upload-token",
	  "\1pypi-AgEIcHlwaS5vcmc{W:50}\1\n",
	  "pypi-AgEIcHlwaS5vcmc{W:49}\n" },
	{ "secret-sendgrid-api-token",
	  "\1SG.{W:22}.{W:43}\1\n",
	  "SG.{W:22}.{W:42}\n" },
	{ "secret-shopify-access-token",
	  "\1shpat_{h:32}\1\n",
	  "shpat_{h:31}\n" },
	{ "secret-shopify-custom-access-token",
	  "\1shpca_{h:32}\1\n",
	  "shpca_{h:31}\n" },
	{ "secret-shopify-private-app-access-token",
	  "\1shppa_{h:32}\1\n",
	  "shppa_{h:31}\n" },
	{ "secret-shopify-shared-secret",
	  "\1shpss_{h:32}\1\n",
	  "shpss_{h:31}\n" },
	{ "secret-sidekiq-sensitive-url",
	  "source \"https://\1{h:8}:{h:8}\1@gems.contribsys.com/\"\n",
	  "source \"https://{h:8}:{h:7}@gems.contribsys.com/\"\n" },
	{ "secret-slack-app-token",
	  "\1xapp-1-A{U:10}-{D:13}-{a:64}\1\n",
	  "xapp-1-{U:10}\n" },
	{ "secret-slack-bot-token",
	  "\1xoxb-{D:12}-{D:12}-{A:24}\1\n",
	  "xoxb-{D:9}-{D:12}\n" },
	{ "secret-slack-legacy-token",
	  "\1xoxs-{D:10}-{D:10}-{D:10}-{h:32}\1\n",
	  "xoxs-{D:10}-{D:10}-{h:32}\n" },
	{ "secret-slack-user-token",
	  "\1xoxp-{D:12}-{D:12}-{D:12}-{h:32}\1\n",
	  "xoxp-{D:12}-{D:12}-{h:32}\n" },
	{ "secret-slack-webhook-url",
	  "\1https://hooks.slack.com/services/T{U:8}/B{U:8}/{A:24}\1\n",
	  "https://hooks.slack.com/services/T{U:8}/B{U:8}\n" },
	{ "secret-square-access-token",
	  "\1sq0atp-{W:22}\1\n",
	  "sq0atp-{W:21}\n" },
	{ "secret-stripe-access-token",
	  "\1sk_live_{A:24}\1\n",
	  "sk_live_{A:9}\n" },
	{ "secret-telegram-bot-api-token",
	  "telegram_bot = \1{D:10}:A{W:34}\1\n",
	  "telegram_bot = {D:10}:B{W:34}\n" },
	{ "secret-twilio-api-key",
	  "sid: \1SK{h:32}\1\n",
	  "sid: SK{h:31}\n" },
	{ "secret-vault-batch-token",
	  "\1hvb.{W:138}\1\n",
	  "hvb.{W:137}\n" },
	{ "secret-vault-service-token",
	  "\1hvs.{W:90}\1\n",
	  "vault: s.{L:24}\n" },
};

static const char *charset(char name)
{
	switch (name) {
	case 'A': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	case 'a': return "abcdefghijklmnopqrstuvwxyz0123456789";
	case 'h': return "0123456789abcdef";
	case 'U': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	case 'L': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	case 'D': return "0123456789";
	case 'B': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	case 'Z': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	case 'W': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	case 'w': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
	case 'Q': return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
	default: return NULL;
	}
}

struct sample {
	char *text;
	size_t length;
	size_t secret_offset, secret_length; /* secret_length 0: no \1 markers */
};

/* Expands a template deterministically (the seed picks the characters). */
static void expand(const char *template, unsigned seed, struct sample *sample)
{
	struct strbuf out;
	strbuf_init(&out);
	unsigned long long state = 0x9e3779b97f4a7c15ull ^ seed;
	size_t marks = 0;
	memset(sample, 0, sizeof(*sample));
	for (const char *c = template; *c; c++) {
		if (*c == '\1') {
			if (marks++ == 0)
				sample->secret_offset = out.len;
			else
				sample->secret_length = out.len - sample->secret_offset;
		} else if (*c == '{' && charset(c[1]) && c[2] == ':') {
			const char *set = charset(c[1]);
			char *end;
			long count = strtol(c + 3, &end, 10);
			ck_assert_msg(*end == '}', "bad template '%s'", template);
			for (long i = 0; i < count; i++) {
				state = state * 6364136223846793005ull + 1442695040888963407ull;
				strbuf_addch(&out, set[(state >> 33) % strlen(set)]);
			}
			c = end;
		} else {
			strbuf_addch(&out, *c);
		}
	}
	sample->text = strbuf_detach(&out, &sample->length);
}

static size_t rule_index(const char *id)
{
	for (size_t i = 0; i < secrets_rule_count; i++)
		if (strcmp(secrets_rules[i].id, id) == 0)
			return i;
	ck_abort_msg("no rule '%s'", id);
	return 0;
}

struct collected {
	struct secrets_finding items[16];
	size_t count;
};

static void collect(const struct secrets_finding *finding, void *opaque)
{
	struct collected *collected = opaque;
	if (collected->count < 16)
		collected->items[collected->count] = *finding;
	collected->count++;
}

static struct secrets_scanner scanner;

static void setup(void)
{
	char *error = NULL;
	int status = secrets_scanner_init(&scanner, &error);
	ck_assert_msg(status == 0, "%s", error ? error : "?");
}

static void teardown(void)
{
	secrets_scanner_release(&scanner);
}

static int expected_col(const struct sample *sample)
{
	int col = 1;
	for (size_t i = sample->secret_offset; i > 0 && sample->text[i - 1] != '\n'; i--)
		col++;
	return col;
}

START_TEST(test_every_rule_has_samples)
{
	ck_assert_uint_eq(sizeof(samples) / sizeof(samples[0]), secrets_rule_count);
	for (size_t i = 0; i < secrets_rule_count; i++) {
		ck_assert_str_eq(samples[i].rule, secrets_rules[i].id); /* same order as the table */
		if (i > 0)
			ck_assert_msg(strcmp(secrets_rules[i - 1].id, secrets_rules[i].id) < 0, "table not sorted at '%s'",
				      secrets_rules[i].id);
	}
}
END_TEST

START_TEST(test_positive_sample)
{
	size_t rule = rule_index(samples[_i].rule);
	struct sample sample;
	expand(samples[_i].positive, (unsigned)_i, &sample);
	ck_assert_uint_gt(sample.secret_length, 0);
	struct collected found = { .count = 0 };
	secrets_scan(&scanner, sample.text, sample.length, collect, &found);
	ck_assert_msg(found.count == 1, "'%s': %zu findings (first by '%s')", samples[_i].rule, found.count,
		      found.count ? secrets_rules[found.items[0].rule].id : "-");
	ck_assert_str_eq(secrets_rules[found.items[0].rule].id, samples[_i].rule);
	ck_assert_uint_eq(found.items[0].offset, sample.secret_offset);
	ck_assert_uint_eq(found.items[0].length, sample.secret_length);
	ck_assert_int_eq(found.items[0].col, expected_col(&sample));
	(void)rule;

	/* the same line with an allow comment is quiet, in either spelling */
	for (int spelling = 0; spelling < 2; spelling++) {
		char *allowed = xasprintf("%.*s %s\n", (int)(sample.length - 1), sample.text,
					  spelling ? "# goosec:allow-secret" : "// gitleaks:allow");
		ck_assert_uint_eq(secrets_scan(&scanner, allowed, strlen(allowed), NULL, NULL), 0);
		free(allowed);
	}
	free(sample.text);
}
END_TEST

START_TEST(test_negative_sample)
{
	size_t rule = rule_index(samples[_i].rule);
	struct sample sample;
	expand(samples[_i].negative, (unsigned)_i + 1000, &sample);
	struct collected found = { .count = 0 };
	secrets_scan(&scanner, sample.text, sample.length, collect, &found);
	for (size_t i = 0; i < found.count && i < 16; i++)
		ck_assert_msg(found.items[i].rule != rule, "'%s' finds its negative sample", samples[_i].rule);
	free(sample.text);
}
END_TEST

static char *render(const struct diag_list *diags, enum diag_format format)
{
	char *buffer = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buffer, &size);
	struct diag_render_options options = { format, false, true, "test" };
	ck_assert_int_eq(diag_render(out, diags, &options), 0);
	fclose(out);
	return buffer;
}

/* The invariant: no output format shows the secret, though the file's text was registered for
 * quoting before the scan (as load does for YAML) and the text renderer quotes lines. */
START_TEST(test_rendering_never_shows_the_secret)
{
	struct sample sample;
	expand(samples[_i].positive, (unsigned)_i, &sample);
	char *secret = xstrndup(sample.text + sample.secret_offset, sample.secret_length);
	for (int registered = 0; registered < 2; registered++) {
		struct diag_list diags;
		diag_list_init(&diags);
		if (registered)
			diag_register_source(&diags, "tree/file.yaml", sample.text, sample.length);
		ck_assert_uint_eq(secrets_report(&scanner, "tree/file.yaml", sample.text, sample.length, &diags), 1);
		const enum diag_format formats[] = { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_SARIF,
						     DIAG_FORMAT_GITHUB };
		for (size_t f = 0; f < 4; f++) {
			char *output = render(&diags, formats[f]);
			ck_assert_msg(strstr(output, samples[_i].rule), "format %zu does not name the rule", f);
			/* the secret, and no 8-character piece of it beyond the shown prefix */
			ck_assert_msg(!strstr(output, secret), "format %zu shows the '%s' secret", f, samples[_i].rule);
			for (size_t at = 4; at + 8 <= sample.secret_length; at++) {
				char piece[9];
				memcpy(piece, secret + at, 8);
				piece[8] = '\0';
				if (strchr(piece, '\n') || strspn(piece, "-") == 8)
					continue;
				ck_assert_msg(!strstr(output, piece), "format %zu shows part of the '%s' secret: %s", f,
					      samples[_i].rule, output);
			}
			free(output);
		}
		diag_list_release(&diags);
	}
	free(secret);
	free(sample.text);
}
END_TEST

START_TEST(test_preview)
{
	char *preview = secrets_redacted_preview("abcdefghijklmnopqrstuvwxyz0123456789", 36);
	ck_assert_str_eq(preview, "abcd\xe2\x80\xa6");
	free(preview);
	preview = secrets_redacted_preview("hunter2", 7);
	ck_assert_str_eq(preview, "\xe2\x80\xa6");
	free(preview);
	preview = secrets_redacted_preview("a'cdefghijklmnop", 16);
	ck_assert_str_eq(preview, "a\xe2\x80\xa6");
	free(preview);
}
END_TEST

START_TEST(test_entropy)
{
	ck_assert_double_eq_tol(secrets_entropy("aaaa", 4), 0, 1e-9);
	ck_assert_double_eq_tol(secrets_entropy("abab", 4), 1, 1e-9);
	ck_assert_double_eq_tol(secrets_entropy("0123456789abcdef", 16), 4, 1e-9);
}
END_TEST

START_TEST(test_placeholders_are_not_secrets)
{
	static const char *const quiet[] = {
		"api_token = ${API_TOKEN}\n",
		"api_token: \"<your-token-here>\"\n",
		"password = $DB_PASSWORD1\n",
		"secret_key = EXAMPLEKEY0123456789abcd\n",
		"api_key = xxxxxxxxxxxxxxxx1234\n",
		"url: https://user:password@host.internal/\n",
		"url: https://user:{{ .Values.pw }}@host.internal/\n",
		"token = 'abcdefghijklmnopqrstuvwxyz0123'\n",
	};
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		struct collected found = { .count = 0 };
		secrets_scan(&scanner, quiet[i], strlen(quiet[i]), collect, &found);
		ck_assert_msg(found.count == 0, "'%s' is reported by '%s'", quiet[i], secrets_rules[found.items[0].rule].id);
	}
}
END_TEST

START_TEST(test_positions_in_a_longer_file)
{
	struct sample sample;
	expand("# deploy settings\nname: api\n  \xc3\xa9t\xc3\xa9: \1ghp_{A:36}\1\nother: 1\n", 7, &sample);
	struct collected found = { .count = 0 };
	secrets_scan(&scanner, sample.text, sample.length, collect, &found);
	ck_assert_uint_eq(found.count, 1);
	ck_assert_int_eq(found.items[0].line, 3);
	ck_assert_int_eq(found.items[0].col, 8); /* characters, not bytes */
	free(sample.text);
}
END_TEST

START_TEST(test_ignore_globs)
{
	struct secrets_ignore ignore;
	secrets_ignore_init(&ignore);
	const char text[] = "# comment\n/tests/\n*.log\nlint/secret_rules.c\ndocs/**/*.md\n!docs/keep/*.md\nvendor/\n";
	secrets_ignore_parse(&ignore, text, sizeof(text) - 1);
	ck_assert(secrets_ignore_match(&ignore, "tests", true));
	ck_assert(!secrets_ignore_match(&ignore, "tests", false));
	ck_assert(!secrets_ignore_match(&ignore, "lint/tests", true)); /* anchored */
	ck_assert(secrets_ignore_match(&ignore, "a/b/run.log", false));
	ck_assert(secrets_ignore_match(&ignore, "lint/secret_rules.c", false));
	ck_assert(!secrets_ignore_match(&ignore, "lint/secrets.c", false));
	ck_assert(secrets_ignore_match(&ignore, "docs/a/b/x.md", false));
	ck_assert(!secrets_ignore_match(&ignore, "docs/keep/x.md", false));
	ck_assert(secrets_ignore_match(&ignore, "x/vendor", true));
	secrets_ignore_release(&ignore);
}
END_TEST

/* ---- against gitleaks' own rule file ---- */

struct upstream_rule {
	char *id, *regex;
	double entropy;
	char *keywords; /* as written: ["a", "b"] */
};

static char *between(const char *from, const char *open, const char *close, const char *limit)
{
	const char *start = strstr(from, open);
	if (!start || (limit && start > limit))
		return NULL;
	start += strlen(open);
	const char *end = strstr(start, close);
	return end ? xstrndup(start, (size_t)(end - start)) : NULL;
}

static bool upstream_find(const char *toml, const char *id, struct upstream_rule *rule)
{
	char *needle = xasprintf("\n[[rules]]\nid = \"%s\"\n", id);
	const char *at = strstr(toml, needle);
	free(needle);
	if (!at)
		return false;
	const char *next = strstr(at + 10, "\n[[rules]]");
	rule->regex = between(at, "\nregex = \'\'\'", "\'\'\'", next);
	char *entropy = between(at, "\nentropy = ", "\n", next);
	rule->entropy = entropy ? strtod(entropy, NULL) : 0;
	free(entropy);
	rule->keywords = between(at, "\nkeywords = [", "]", next);
	return true;
}

START_TEST(test_table_matches_gitleaks)
{
	char *path = xasprintf("%s/reference/gitleaks/gitleaks.toml", check_shared_dir());
	char *toml = NULL;
	size_t length = 0;
	if (read_file_bytes(path, 1u << 24, &toml, &length) != 0) {
		printf("skipped: gitleaks reference not found at %s (set GOOSE_SHARED_DIR)\n", path);
		free(path);
		return;
	}
	size_t compared = 0;
	for (size_t i = 0; i < secrets_rule_count; i++) {
		const struct secrets_rule *rule = &secrets_rules[i];
		if (!rule->gitleaks_id)
			continue;
		struct upstream_rule upstream = { NULL, NULL, 0, NULL };
		ck_assert_msg(upstream_find(toml, rule->gitleaks_id, &upstream), "'%s' is not a gitleaks rule", rule->gitleaks_id);
		ck_assert_ptr_nonnull(upstream.regex);
		ck_assert_msg(strcmp(upstream.regex, rule->pattern) == 0, "'%s' pattern differs from upstream", rule->id);
		ck_assert_msg(upstream.entropy == rule->entropy, "'%s' entropy differs", rule->id);
		struct strbuf keywords;
		strbuf_init(&keywords);
		for (size_t k = 0; rule->keywords[k]; k++)
			strbuf_addf(&keywords, "%s\"%s\"", k ? "," : "", rule->keywords[k]);
		/* upstream writes long lists one keyword a line, with a trailing comma */
		size_t kept = 0;
		for (char *c = upstream.keywords; c && *c; c++)
			if (*c != ' ' && *c != '\n')
				upstream.keywords[kept++] = *c;
		if (upstream.keywords) {
			if (kept && upstream.keywords[kept - 1] == ',')
				kept--;
			upstream.keywords[kept] = '\0';
		}
		ck_assert_msg(upstream.keywords && strcmp(upstream.keywords, keywords.buf) == 0, "'%s' keywords differ: %s",
			      rule->id, upstream.keywords ? upstream.keywords : "(none)");
		strbuf_release(&keywords);

		/* the upstream pattern, compiled as goosec compiles its own, finds our sample's secret */
		int code;
		PCRE2_SIZE offset;
		pcre2_code *compiled = pcre2_compile((PCRE2_SPTR)upstream.regex, PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY,
						     &code, &offset, NULL);
		ck_assert_msg(compiled != NULL, "upstream '%s' does not compile", rule->id);
		struct sample sample;
		expand(samples[i].positive, (unsigned)i, &sample);
		pcre2_match_data *data = pcre2_match_data_create_from_pattern(compiled, NULL);
		int groups = pcre2_match(compiled, (PCRE2_SPTR)sample.text, sample.length, 0, 0, data, NULL);
		ck_assert_msg(groups > 0, "upstream '%s' does not match its sample", rule->id);
		PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data);
		ck_assert_uint_le(ovector[0], sample.secret_offset);
		ck_assert_uint_ge(ovector[1], sample.secret_offset + sample.secret_length);
		pcre2_match_data_free(data);
		pcre2_code_free(compiled);
		free(sample.text);
		free(upstream.id);
		free(upstream.regex);
		free(upstream.keywords);
		compared++;
	}
	printf("gitleaks reference: %zu ported rules identical to upstream (the file carries no sample secrets; "
	       "the upstream patterns match ours)\n", compared);
	free(toml);
	free(path);
}
END_TEST

/* A whole file of a thousand lines with one secret: scanned in well under a millisecond each. */
START_TEST(test_scan_speed)
{
	struct strbuf text;
	strbuf_init(&text);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&text, "  - name: step-%d\n    run: make test TARGET=unit-%d --jobs 4 # keep going\n", i, i);
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int round = 0; round < 20; round++)
		ck_assert_uint_eq(secrets_scan(&scanner, text.buf, text.len, NULL, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &end);
	double milliseconds = ((double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6) / 20;
	printf("secret scan: %zu bytes in %.3f ms\n", text.len, milliseconds);
	strbuf_release(&text);
}
END_TEST

static Suite *secrets_suite(void)
{
	Suite *suite = suite_create("secrets");
	TCase *rules = tcase_create("rules");
	tcase_add_checked_fixture(rules, setup, teardown);
	tcase_set_timeout(rules, 60);
	int count = (int)(sizeof(samples) / sizeof(samples[0]));
	tcase_add_test(rules, test_every_rule_has_samples);
	tcase_add_loop_test(rules, test_positive_sample, 0, count);
	tcase_add_loop_test(rules, test_negative_sample, 0, count);
	tcase_add_loop_test(rules, test_rendering_never_shows_the_secret, 0, count);
	tcase_add_test(rules, test_preview);
	tcase_add_test(rules, test_entropy);
	tcase_add_test(rules, test_placeholders_are_not_secrets);
	tcase_add_test(rules, test_positions_in_a_longer_file);
	tcase_add_test(rules, test_ignore_globs);
	tcase_add_test(rules, test_table_matches_gitleaks);
	tcase_add_test(rules, test_scan_speed);
	suite_add_tcase(suite, rules);
	return suite;
}

CHECK_MAIN(secrets_suite)
