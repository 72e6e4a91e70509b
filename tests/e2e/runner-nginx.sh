#!/usr/bin/env bash
# The release story on real nginx: three stages served from their state dirs on loopback, a
# signed build of the example tree, promotions into compliance and production, then the built
# rollback plan puts production's previous release back and nginx serves it again, its
# after-restore checks (files_match among them) passing; a restored file changed before those
# checks fails files_match and resume puts production's recovery snapshot back. goose-run runs
# from outside the tree with --root, and resume finds the root in the journal.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/runner-lib.bash"
source "$(dirname "$0")/../../scripts/stages.sh"
source_root=$(cd "$(dirname "$0")/../.." && pwd)
trap 'stages_stop; rm -rf "$E2E_TMP"' EXIT
unset GOOSE_EVIDENCE_KEY_FILE # step 2 runs a promotion without one

if ! stages_available; then
	echo "0 passed, 0 failed"
	exit 0
fi
if ! command -v curl >/dev/null 2>&1 || [ ! -x "$PLAN_SIGN" ]; then
	echo "skip: needs curl and the test helper $PLAN_SIGN (make check builds it)"
	echo "0 passed, 0 failed"
	exit 0
fi

# The example tree, with its stages pointed at the ports the nginx instances got.
tree=$E2E_TMP/tree
mkdir -p "$tree"
(cd "$source_root" && cp -r goose.yaml load-test monitoring golden-goose security "$tree"/)
stages_seed "$tree"
export STAGES_RANDOM_PORTS=1
if ! stages_start "$tree"; then
	fail "start nginx for the three stages"
	finish
	exit 1
fi
stages_point_tree "$tree"
pass "nginx serves sandbox :$STAGE_PORT_sandbox, compliance :$STAGE_PORT_compliance, production :$STAGE_PORT_production"

get() { curl -fsS --max-time 5 "http://127.0.0.1:$1$2"; }
check "sandbox /healthz" 0 "ok" -- get "$STAGE_PORT_sandbox" /healthz
check "compliance /mode" 0 '{"mode":"compliance"}' -- get "$STAGE_PORT_compliance" /mode
check "production /version before" 0 '{"version": "1.0.0"}' -- get "$STAGE_PORT_production" /version

keys=$E2E_TMP/keys
"$GOOSEC" keygen "$keys" --name release-ci-2026q4 >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$E2E_TMP/snapshot.key"
build=$E2E_TMP/build
check_contains "signed build of the adapted tree" 0 "plans" -- \
	env SOURCE_DATE_EPOCH=$((NOW - 60)) "$GOOSEC" build --no-cache --sign-key "$keys/release-ci-2026q4.key" -o "$build" "$tree"

# what the built plans hold: a promotion signs its evidence, a rollback needs no key for it
check_contains "promotion plans collect evidence" 0 "evidence.collect" -- \
	"$GOOSEC" plan show "$build/plans/promote-compliance-to-production.plan"
rollback_actions=$("$GOOSEC" plan show "$build/plans/rollback-production.plan" | sed -nE 's/^ +[0-9]+\. ([a-z.]+) .*/\1/p' | sort -u | tr '\n' ' ')
check "rollback plan uses only implemented actions" 0 "http.check monitoring.update snapshot.create snapshot.restore stage.promote stage.validate " -- \
	printf '%s' "$rollback_actions"

# goose-run runs from the folder above the tree: --root names the tree, --state its state dir
run() {
	(cd "$E2E_TMP" && "$RUNNER" "$@" --root tree --state tree/.goose/run --trust "$keys/release-ci-2026q4.pub" \
		--now "$NOW" --snapshot-key "$E2E_TMP/snapshot.key")
}
# resume from another folder, without --root: the run's journal knows the tree
resume_elsewhere() {
	(cd / && "$RUNNER" resume --state "$tree/.goose/run" --trust "$keys/release-ci-2026q4.pub" --now "$NOW" \
		--snapshot-key "$E2E_TMP/snapshot.key" "$@")
}
# sign FROM TO [NOW]: a hand-made promotion of implemented steps (another NOW, another plan)
sign() {
	stages_promotion_payload "$1" "$2" "${3:-$NOW}" ledger >"$E2E_TMP/$1-$2.json"
	"$PLAN_SIGN" "$keys/release-ci-2026q4.key" "$E2E_TMP/$1-$2.json" >"$E2E_TMP/$1-$2.plan"
}
# normalized CMD...: CMD's stdout and stderr with digests and the temp folder masked, its exit status
normalized() {
	"$@" >"$E2E_TMP/normalized" 2>&1
	local status=$?
	sed -E -e 's/sha256:[0-9a-f]{64}/sha256:D/g' -e "s#$E2E_TMP#TMP#g" "$E2E_TMP/normalized"
	return $status
}

# 0. a fresh state dir knows no stage: the built sandbox -> compliance plan adopts the release
#    sandbox runs (CI deploys it, goose-run never did), so its first health checks know which
#    version to expect. Killed right after them (the later steps are not this test's subject).
fresh=$E2E_TMP/fresh-state
check "fresh state dir: the built promotion runs (killed after its source health checks)" 137 - -- env GOOSE_RUN_CRASH_AT=validate-current-stage-3:done \
	"$RUNNER" apply "$build/plans/promote-sandbox-to-compliance.plan" --root "$tree" --state "$fresh" \
	--trust "$keys/release-ci-2026q4.pub" --now "$NOW" --snapshot-key "$E2E_TMP/snapshot.key" --approve team-ledger
check "... which passed, /version expecting the adopted release" 0 "validate-current-stage:done
validate-current-stage-2:done
validate-current-stage-3:done" -- \
	bash -c "grep -o '\"kind\":\"done\",.*\"step\":\"[a-z0-9-]*\"' '$fresh'/runs/*/journal | sed -E 's/.*\"step\":\"([^\"]*)\"/\\1:done/'"
check "... and the registry holds sandbox's release" 0 "compliance: generation 0, release none (no digest)
sandbox: generation 0, release 1.1.0 (sha256:D)
in progress: plan sha256:D (run 'goose-run resume')" -- \
	normalized "$RUNNER" status --state "$fresh"
check_contains "the adoption is journaled in the begin record" 0 '"adopted":{"sandbox":{"release_digest":"sha256:' -- \
	bash -c "head -n 1 '$fresh'/runs/*/journal"
check_contains "the begin record holds the absolute root" 0 "\"root\":\"$tree\"" -- bash -c "head -n 1 '$fresh'/runs/*/journal"
check "a --root that does not exist is a usage error" 2 "" -- \
	"$RUNNER" apply "$build/plans/promote-sandbox-to-compliance.plan" --root "$E2E_TMP/nowhere" --state "$E2E_TMP/other" \
	--trust "$keys/release-ci-2026q4.pub" --now "$NOW"
check_contains "... with the reason" 2 "goose-run apply: --root '$E2E_TMP/nowhere': No such file or directory" -- \
	"$RUNNER" apply "$build/plans/promote-sandbox-to-compliance.plan" --root "$E2E_TMP/nowhere" --state "$E2E_TMP/other" \
	--trust "$keys/release-ci-2026q4.pub" --now "$NOW"
rm -rf "$fresh"

# 1. sandbox -> compliance with a promotion of implemented steps only
sign sandbox compliance
check "promote sandbox to compliance" 0 "stage 'sandbox' was not deployed by goose-run: adopted 1.1.0 (sha256:D) from 'TMP/tree/.goose/stages/sandbox'
no expected state in the plan: recorded the state first seen
  1. stage.validate     validate: done
  2. snapshot.create    snapshot: done
  3. stage.promote      promote: done
  4. http.check         verify-version: done
  5. http.check         verify-health: done
  6. monitoring.update  monitoring: done
applied promote plan for stage 'compliance'" -- normalized run apply "$E2E_TMP/sandbox-compliance.plan"
check "compliance serves 1.1.0" 0 '{"version": "1.1.0"}' -- get "$STAGE_PORT_compliance" /version

# 2. the built compliance -> production plan, given no evidence signing key, fails at its
#    evidence step, after production's recovery snapshot; resume runs the step again, it fails
#    again, and the runner puts production's recovery snapshot back
check_contains "built promotion fails at evidence.collect without --evidence-key" 1 \
	"step 'generate-compliance-evidence' failed: evidence.collect needs the evidence signing key" -- \
	run apply "$build/plans/promote-compliance-to-production.plan" --approve release-managers --approve team-ledger
check_contains "resume with another --root is refused" 2 "began with --root '$tree', not '$source_root'" -- \
	resume_elsewhere --root "$source_root"
check_contains "resume (elsewhere, root from the journal) restores production's recovery snapshot" 1 \
	"the stage was restored from its recovery snapshot" -- resume_elsewhere
check "production still serves 1.0.0" 0 '{"version": "1.0.0"}' -- get "$STAGE_PORT_production" /version

# 3. compliance -> production: snapshot of production, then the new release swapped in
sign compliance production
check_contains "promote compliance to production" 0 "applied promote plan for stage 'production'" -- \
	run apply "$E2E_TMP/compliance-production.plan"
check "production serves 1.1.0" 0 '{"version": "1.1.0"}' -- get "$STAGE_PORT_production" /version

# 4. the built rollback plan: recovery snapshot, restore the previous one, swap, health, metrics
check "roll production back" 0 "no expected state in the plan: recorded the state first seen
  1. stage.validate     validate-rollback-target: done
  2. snapshot.create    create-recovery-snapshot: done
  3. snapshot.restore   restore-previous-snapshot: done
  4. stage.validate     verify-dependencies: done
  5. stage.promote      execute-rollback: done
  6. http.check         run-health-checks: done
  7. http.check         run-health-checks-2: done
  8. stage.validate     run-health-checks-3: done
  9. monitoring.update  update-monitoring: done
applied rollback plan for stage 'production'" -- run apply "$build/plans/rollback-production.plan"
check "production serves 1.0.0 again" 0 '{"version": "1.0.0"}' -- get "$STAGE_PORT_production" /version
check_contains "the after-restore checks passed, files_match among them" 0 \
	'"step":"run-health-checks-3"' -- bash -c "grep '\"kind\":\"done\"' '$tree'/.goose/run/runs/*/journal | grep '\"checks\":\[\"health\",\"version_matches\",\"files_match\"\]'"
check "status shows the generations" 0 "compliance: generation 1, release 1.1.0 (sha256:D)
production: generation 2, release 1.0.0 (sha256:D)
sandbox: generation 0, release 1.1.0 (sha256:D)" -- \
	bash -c "cd '$tree' && '$RUNNER' status | sed -E 's/sha256:[0-9a-f]{64}/sha256:D/'"

metrics=$tree/.goose/run/metrics/goose-run.prom
for line in 'goose_rollbacks_total{stage="production"} 1' 'goose_promotions_total{stage="production"} 1' \
	'goose_stage_generation{stage="production"} 2' 'goose_last_recovery_duration_seconds{stage="production"} 0' \
	'goose_release_info{stage="production",version="1.0.0",'; do
	check_contains "metrics: $line" 0 "$line" -- cat "$metrics"
done

check_contains "applying the rollback again changes nothing" 0 "already applied" -- run apply "$build/plans/rollback-production.plan"

# 5. files_match refuses a tampered restore: production gets 1.1.0 again, a second rollback plan
#    (another build time, another plan) is killed right after its swap, a restored file is
#    changed, and resume fails the after-restore check, which puts the recovery snapshot (1.1.0)
#    back at once, as validation.yaml says
sign compliance production $((NOW - 1))
check_contains "promote compliance to production again" 0 "applied promote plan for stage 'production'" -- \
	run apply "$E2E_TMP/compliance-production.plan"
build2=$E2E_TMP/build2
env SOURCE_DATE_EPOCH=$((NOW - 30)) "$GOOSEC" build --no-cache --sign-key "$keys/release-ci-2026q4.key" -o "$build2" "$tree" >/dev/null 2>&1
GOOSE_RUN_CRASH_AT=execute-rollback:done run apply "$build2/plans/rollback-production.plan" >/dev/null 2>&1
check "second rollback killed after its swap" 0 '{"version": "1.0.0"}' -- get "$STAGE_PORT_production" /version
live_1_1=$(sha256sum <"$tree/.goose/stages/compliance/index.html")
printf '<p>tampered</p>\n' >"$tree/.goose/stages/production/index.html"
resume_elsewhere >"$E2E_TMP/resume.out" 2>&1
check "resume: files_match fails, naming the changed file, and the stage is restored" 1 \
	"goose-run resume: step 'run-health-checks-3' failed: stage 'production': files in '$tree/.goose/stages/production' do not hash as snapshot 'ID' recorded: 'index.html' differs from the snapshot (sha256:D, recorded sha256:D); the stage was restored from its recovery snapshot" -- \
	sh -c "grep '^goose-run resume' '$E2E_TMP/resume.out' | sed -E -e 's/sha256:[0-9a-f]{64}/sha256:D/g' -e \"s/snapshot '[0-9a-fTZ-]+'/snapshot 'ID'/\"; exit 1"
check "... and production is back on its recovery snapshot" 0 '{"version": "1.1.0"}' -- get "$STAGE_PORT_production" /version
check "... whose files are whole again" 0 "$live_1_1" -- bash -c "sha256sum <'$tree/.goose/stages/production/index.html'"
check "... and the registry as the run first saw it" 0 "production: generation 3, release 1.1.0 (sha256:D)" -- \
	bash -c "cd '$tree' && '$RUNNER' status | grep '^production' | sed -E 's/sha256:[0-9a-f]{64}/sha256:D/'"

# 6. CI deploys 1.2.0 to sandbox behind goose-run's back: the next promotion from sandbox adopts
#    it (goose-run never deployed sandbox), and a promotion that finds it unchanged does not
printf '{"version": "1.2.0"}\n' >"$tree/.goose/stages/sandbox/version.json"
printf '{"release": "1.2.0", "services": ["ledger-api", "gateway"]}\n' >"$tree/.goose/stages/sandbox/release.json"
sign sandbox compliance $((NOW - 2))
check_contains "a new sandbox release is adopted by the next promotion" 0 \
	"stage 'sandbox' was not deployed by goose-run: adopted 1.2.0 (sha256:" -- run apply "$E2E_TMP/sandbox-compliance.plan"
check "compliance serves 1.2.0" 0 '{"version": "1.2.0"}' -- get "$STAGE_PORT_compliance" /version
sign sandbox compliance $((NOW - 3))
again=$(run apply "$E2E_TMP/sandbox-compliance.plan" 2>&1)
case "$again" in
*adopted*) fail "an unchanged sandbox is not adopted again" "$again" ;;
*"applied promote plan for stage 'compliance'"*) pass "an unchanged sandbox is not adopted again" ;;
*) fail "an unchanged sandbox is not adopted again" "$again" ;;
esac
stages_stop
if pgrep -f "$E2E_TMP" >/dev/null 2>&1; then fail "nginx stopped"; else pass "nginx stopped"; fi
finish
