/* Tests of the plan backend on the example tree: which plans, their steps in the seed's order,
 * inputs, expected state, expiry, signatures, and the reader's refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_main.h"
#include "emit.h"
#include "plan.h"
#include "project.h"
#include "signing.h"
#include "util.h"
#include "banned.h"

struct example {
	struct project project;
	struct analysis analysis;
	struct diag_list diags;
	struct signing_key key;
	struct emit_context context;
};

/* The example tree at the repository root (tests run from there). */
static void example_load(struct example *example)
{
	project_init(&example->project);
	analysis_init(&example->analysis);
	diag_list_init(&example->diags);
	ck_assert_int_eq(project_prepare(&example->project, &example->diags), 0);
	project_discover(&example->project, ".", &example->diags);
	project_load(&example->project, 1, &example->diags);
	struct check_options options = { .now = 1795651200 };
	ck_assert_uint_eq(check_project(&example->project, &options, &example->analysis, &example->diags), 0);
	static const unsigned char seed[SIGNING_SEED_SIZE] = { 7 };
	signing_key_init(&example->key);
	ck_assert_int_eq(signing_key_from_seed(&example->key, seed, NULL), 0);
	example->context = (struct emit_context){
		.project = &example->project,
		.model = &example->analysis.model,
		.table = &example->analysis.table,
		.source_date = 1795651200,
		.has_source_date = true,
		.plan_signing_key = &example->key,
		.plan_signing_key_name = "release-ci-2026q4",
		.plan_ttl_seconds = 86400,
	};
}

static void example_release(struct example *example)
{
	signing_key_release(&example->key);
	analysis_release(&example->analysis);
	project_release(&example->project);
	diag_list_release(&example->diags);
}

/* The phases of a plan's steps, each once, in order, joined by spaces. */
static char *phases_of(const json_t *plan)
{
	struct strbuf phases;
	strbuf_init(&phases);
	const char *last = "";
	size_t index;
	const json_t *step;
	json_array_foreach(json_object_get(plan, "steps"), index, step) {
		const char *phase = json_string_value(json_object_get(step, "phase"));
		ck_assert_ptr_nonnull(phase);
		if (strcmp(phase, last) != 0) {
			if (phases.len)
				strbuf_addch(&phases, ' ');
			strbuf_addstr(&phases, phase);
		}
		last = phase;
	}
	return strbuf_detach(&phases, NULL);
}

START_TEST(test_plans_of_the_example_tree)
{
	struct example example;
	example_load(&example);
	json_t *plans = plan_build_all(&example.context, &example.diags);
	static const char *const expected[] = {
		"plans/loadtest-compliance.plan", "plans/promote-compliance-to-production.plan",
		"plans/promote-sandbox-to-compliance.plan", "plans/rollback-compliance.plan",
		"plans/rollback-production.plan", "plans/rollback-sandbox.plan",
	};
	ck_assert_uint_eq(json_object_size(plans), 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_msg(json_object_get(plans, expected[i]) != NULL, "no %s", expected[i]);

	char *phases = phases_of(json_object_get(plans, "plans/promote-sandbox-to-compliance.plan"));
	ck_assert_str_eq(phases, "validate-current-stage create-stage-snapshot run-stage-tests update-sbom-and-scan "
				 "generate-compliance-evidence execute-promotion verify-new-stage");
	free(phases);
	phases = phases_of(json_object_get(plans, "plans/rollback-production.plan"));
	ck_assert_str_eq(phases, "validate-rollback-target create-recovery-snapshot restore-previous-snapshot "
				 "verify-dependencies execute-rollback run-health-checks update-monitoring");
	free(phases);
	phases = phases_of(json_object_get(plans, "plans/loadtest-compliance.plan"));
	ck_assert_str_eq(phases, "validate-compliance-mode baseline-scenario stress-scenarios report "
				 "compare-with-baselines store-report");
	free(phases);

	/* every step's action is from the closed set, every plan integer-only */
	const char *path;
	json_t *plan;
	json_object_foreach(plans, path, plan) {
		ck_assert_msg(plan_format_is_integer_only(plan), "%s holds a real number", path);
		size_t index;
		json_t *step;
		json_array_foreach(json_object_get(plan, "steps"), index, step) {
			const char *action = json_string_value(json_object_get(step, "action"));
			bool known = false;
			for (size_t a = 0; plan_format_actions[a]; a++)
				known |= strcmp(plan_format_actions[a], action) == 0;
			ck_assert_msg(known, "%s: unknown action %s", path, action);
		}
	}

	/* the promotion's stage tests are the compliance stage's scenarios, fully defined */
	json_t *promotion = json_object_get(plans, "plans/promote-sandbox-to-compliance.plan");
	json_t *steps = json_object_get(promotion, "steps");
	size_t runs = 0;
	size_t index;
	json_t *step;
	json_array_foreach(steps, index, step) {
		json_t *args = json_object_get(step, "args");
		if (strcmp(json_string_value(json_object_get(step, "action")), "loadtest.run") == 0) {
			runs++;
			ck_assert_ptr_nonnull(json_object_get(args, "requests"));
			ck_assert_ptr_nonnull(json_object_get(args, "connections"));
		}
		if (strcmp(json_string_value(json_object_get(step, "action")), "stage.promote") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(args, "from_state_dir")), ".goose/stages/sandbox");
			ck_assert_str_eq(json_string_value(json_object_get(args, "to_state_dir")), ".goose/stages/compliance");
		}
		if (strcmp(json_string_value(json_object_get(step, "action")), "sbom.scan") == 0)
			ck_assert_str_eq(json_string_value(json_object_get(args, "fail_on")), "high");
	}
	ck_assert_uint_eq(runs, 2); /* baseline and stress */
	json_t *gates = json_object_get(promotion, "gates");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(gates, "approvals"), "required")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(gates, "performance_baseline"), "max_regression_ppm")),
			 100000);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(gates, "rollback_tested"), "within_ms")),
			 30LL * 86400 * 1000);
	json_decref(plans);
	example_release(&example);
}
END_TEST

START_TEST(test_inputs_expiry_and_state)
{
	struct example example;
	example_load(&example);
	json_t *plans = plan_build_all(&example.context, &example.diags);
	json_t *plan = json_object_get(plans, "plans/promote-sandbox-to-compliance.plan");
	ck_assert_int_eq(json_integer_value(json_object_get(plan, "expires")), 1795651200 + 86400);
	ck_assert(json_is_null(json_object_get(plan, "expected_state")));
	ck_assert_str_eq(json_string_value(json_object_get(plan, "state_check")), "first-seen");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(plan, "signing_key"), "id")), example.key.key_id);

	/* every input's digest is the SHA-256 of the file's bytes */
	json_t *inputs = json_object_get(plan, "inputs");
	static const char *const needed[] = { "goose.yaml", "golden-goose/stages/sandbox.yaml", "golden-goose/stages/compliance.yaml",
					      "golden-goose/snapshots/manifest.yaml", "load-test/config/stress-test.yaml" };
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		ck_assert_msg(json_object_get(inputs, needed[i]) != NULL, "input %s missing", needed[i]);
	const char *path;
	json_t *digest;
	json_object_foreach(inputs, path, digest) {
		const struct project_file *file = project_file_at(&example.project, path);
		ck_assert_ptr_nonnull(file);
		char expected[SIGNING_KEY_ID_SIZE];
		signing_sha256_hex(file->document.text, file->document.text_length, expected);
		ck_assert_str_eq(json_string_value(digest), expected);
	}
	json_decref(plans);

	/* with a state export the plan expects exactly that state; unknown stages: generation 0 */
	json_error_t error;
	json_t *state = json_loads("{\"stages\":{\"compliance\":{\"generation\":40,\"release_digest\":\"sha256:ab\"}}}", 0, &error);
	example.context.plan_state = state;
	example.context.has_source_date = false;
	plans = plan_build_all(&example.context, &example.diags);
	plan = json_object_get(plans, "plans/promote-sandbox-to-compliance.plan");
	ck_assert_str_eq(json_string_value(json_object_get(plan, "state_check")), "exact");
	json_t *expected_state = json_object_get(plan, "expected_state");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(expected_state, "compliance"), "generation")), 40);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(expected_state, "compliance"), "release_digest")), "sha256:ab");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(expected_state, "sandbox"), "generation")), 0);
	ck_assert(json_is_null(json_object_get(plan, "expires")));
	json_decref(plans);
	json_decref(state);
	example_release(&example);
}
END_TEST

START_TEST(test_encode_read_verify)
{
	struct example example;
	example_load(&example);
	json_t *plans = plan_build_all(&example.context, &example.diags);
	const char *path;
	json_t *plan;
	json_object_foreach(plans, path, plan) {
		struct strbuf encoded;
		strbuf_init(&encoded);
		ck_assert_int_eq(plan_encode(plan, &example.key, &encoded), 0);
		struct signing_envelope envelope;
		json_t *payload = NULL;
		char *error = NULL;
		ck_assert_msg(plan_read(encoded.buf, encoded.len, &envelope, &payload, &error) == 0, "%s: %s", path, error);
		ck_assert(json_equal(payload, plan));
		ck_assert_int_eq(signing_envelope_verify(&envelope, &example.key, 1, NULL), SIGNING_VERIFIED);

		/* one changed payload byte: still a readable plan, but the signature fails */
		envelope.payload[envelope.payload_length / 2] ^= 0x01;
		ck_assert_int_eq(signing_envelope_verify(&envelope, &example.key, 1, NULL), SIGNING_BAD_SIGNATURE);
		struct strbuf rendered;
		strbuf_init(&rendered);
		plan_render_text(payload, &rendered);
		ck_assert_ptr_nonnull(strstr(rendered.buf, "steps: "));
		strbuf_release(&rendered);
		json_decref(payload);
		signing_envelope_release(&envelope);
		strbuf_release(&encoded);
	}
	json_decref(plans);
	example_release(&example);
}
END_TEST

static void assert_refused(const char *payload_text, const char *reason_part)
{
	struct strbuf envelope_text;
	strbuf_init(&envelope_text);
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, payload_text, strlen(payload_text), NULL, &envelope_text), 0);
	struct signing_envelope envelope;
	json_t *payload = NULL;
	char *error = NULL;
	ck_assert_msg(plan_read(envelope_text.buf, envelope_text.len, &envelope, &payload, &error) == -1, "accepted %s", payload_text);
	ck_assert_ptr_null(payload);
	ck_assert_msg(strstr(error, reason_part) != NULL, "'%s' lacks '%s'", error, reason_part);
	free(error);
	strbuf_release(&envelope_text);
}

START_TEST(test_reader_refusals)
{
	static const char base[] = "\"expected_state\":null,\"expires\":null,\"format\":1,\"inputs\":{},\"project\":\"p\","
				   "\"stage\":\"s\",\"state_check\":\"first-seen\"";
	char *valid = xasprintf("{%s,\"steps\":[],\"workflow\":\"promote\"}", base);
	struct strbuf envelope_text;
	strbuf_init(&envelope_text);
	ck_assert_int_eq(signing_dsse_envelope(SIGNING_PLAN_PAYLOAD_TYPE, valid, strlen(valid), NULL, &envelope_text), 0);
	struct signing_envelope envelope;
	json_t *payload = NULL;
	ck_assert_int_eq(plan_read(envelope_text.buf, envelope_text.len, &envelope, &payload, NULL), 0);
	ck_assert_int_eq(signing_envelope_verify(&envelope, NULL, 0, NULL), SIGNING_UNSIGNED);
	json_decref(payload);
	signing_envelope_release(&envelope);
	strbuf_release(&envelope_text);
	free(valid);

	char *text = xasprintf("{%s,\"steps\":[{\"action\":\"shell\",\"args\":{},\"id\":\"x\"}],\"workflow\":\"promote\"}", base);
	assert_refused(text, "unknown action 'shell'");
	free(text);
	text = xasprintf("{%s,\"steps\":[],\"workflow\":\"deploy\"}", base);
	assert_refused(text, "'workflow'");
	free(text);
	text = xasprintf("{%s,\"steps\":[],\"workflow\":\"promote\",\"x\":1.5}", base);
	assert_refused(text, "non-integer");
	free(text);
	text = xasprintf("{%s, \"steps\":[],\"workflow\":\"promote\"}", base);
	assert_refused(text, "canonical");
	free(text);
	text = xasprintf("{%s,\"steps\":[{\"action\":\"exec\",\"args\":{},\"id\":\"../x\"}],\"workflow\":\"promote\"}", base);
	assert_refused(text, "plain 'id'");
	free(text);
	assert_refused("{\"format\":2}", "format");
}
END_TEST

START_TEST(test_emit_refuses_without_key)
{
	struct example example;
	example_load(&example);
	example.context.plan_signing_key = NULL;
	struct emit_output output;
	emit_output_init(&output);
	struct diag_list diags;
	diag_list_init(&diags);
	emit_plans(&example.context, &output, &diags);
	ck_assert_uint_eq(output.count, 0);
	ck_assert_uint_eq(diag_count(&diags, DIAG_ERROR), 1);
	diag_list_release(&diags);

	/* --unsigned: envelopes with no signatures */
	example.context.plans_unsigned = true;
	diag_list_init(&diags);
	emit_plans(&example.context, &output, &diags);
	ck_assert_uint_eq(diag_count(&diags, DIAG_ERROR), 0);
	ck_assert_uint_eq(output.count, 6);
	ck_assert_ptr_nonnull(strstr(output.files[0].data, "\"signatures\":[]"));
	diag_list_release(&diags);
	emit_output_release(&output);
	example_release(&example);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *suite = suite_create("plan");
	TCase *tcase = tcase_create("plan");
	tcase_set_timeout(tcase, 60);
	tcase_add_test(tcase, test_plans_of_the_example_tree);
	tcase_add_test(tcase, test_inputs_expiry_and_state);
	tcase_add_test(tcase, test_encode_read_verify);
	tcase_add_test(tcase, test_reader_refusals);
	tcase_add_test(tcase, test_emit_refuses_without_key);
	suite_add_tcase(suite, tcase);
	return suite;
}

CHECK_MAIN(plan_suite)
