#!/usr/bin/env bash
# Signed plans end to end: keygen, a signed build, plan show with and without trust, openssl
# verifying a plan's signature over the PAE bytes on its own, byte-identical rebuilds under
# SOURCE_DATE_EPOCH, and the refusals (no key, a key in the tree, no build time, a wrong name).
. "$(dirname "$0")/lib.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)
keys="$E2E_TMP/keys"
export SOURCE_DATE_EPOCH=1795651200 # 2026-11-26: after the example's secret rotations, before any is due
unset GOOSEC_SIGNING_KEY_FILE

check_contains "keygen writes a key pair and prints its id" 0 "key id " -- "$GOOSEC" keygen "$keys" --name release-ci-2026q4
mode=$(stat -c %a "$keys/release-ci-2026q4.key")
if [ "$mode" = 600 ]; then pass "private key is mode 0600"; else fail "private key is mode 0600" "mode $mode"; fi
check_contains "keygen refuses to overwrite" 2 "not overwriting" -- "$GOOSEC" keygen "$keys" --name release-ci-2026q4
"$GOOSEC" keygen "$keys" --name other-key >/dev/null

check_contains "build without a key is refused" 2 "plans need a signing key" -- \
	"$GOOSEC" build --no-cache -o "$E2E_TMP/nokey" "$repo"
if [ ! -e "$E2E_TMP/nokey" ]; then pass "nothing written without a key"; else fail "nothing written without a key"; fi
check_contains "a signed build needs a build time" 2 "SOURCE_DATE_EPOCH" -- \
	env -u SOURCE_DATE_EPOCH "$GOOSEC" build --no-cache --sign-key "$keys/release-ci-2026q4.key" -o "$E2E_TMP/notime" "$repo"
check_contains "a key whose name goose.yaml does not name is refused" 1 "goose.yaml names 'release-ci-2026q4'" -- \
	"$GOOSEC" build --no-cache --sign-key "$keys/other-key.key" -o "$E2E_TMP/wrongname" "$repo"
check "--unsigned builds" 0 - -- "$GOOSEC" build --no-cache --unsigned -o "$E2E_TMP/unsigned" "$repo"
check "signed build" 0 - -- "$GOOSEC" build --no-cache --sign-key "$keys/release-ci-2026q4.key" -o "$E2E_TMP/first" "$repo"
check "signed build from GOOSEC_SIGNING_KEY_FILE" 0 - -- \
	env GOOSEC_SIGNING_KEY_FILE="$keys/release-ci-2026q4.key" "$GOOSEC" build --no-cache -o "$E2E_TMP/second" "$repo"

count=$(ls "$E2E_TMP/first/plans" 2>/dev/null | wc -l)
if [ "$count" -eq 6 ]; then pass "six plans"; else fail "six plans" "found $count"; fi
if diff -r "$E2E_TMP/first" "$E2E_TMP/second" >/dev/null; then pass "rebuilds are byte-identical"; else fail "rebuilds are byte-identical"; fi

plan="$E2E_TMP/first/plans/promote-sandbox-to-compliance.plan"
check_contains "plan show verifies with the trusted key" 0 "signature: verified" -- \
	"$GOOSEC" plan show "$plan" --trust "$keys/release-ci-2026q4.pub"
check_contains "plan show lists the promotion step" 0 "stage.promote" -- "$GOOSEC" plan show "$plan"
check_contains "plan show refuses another key" 1 "untrusted key" -- \
	"$GOOSEC" plan show "$plan" --trust "$keys/other-key.pub"
check_contains "an unsigned plan says so" 0 "signature: none" -- "$GOOSEC" plan show "$E2E_TMP/unsigned/plans/rollback-sandbox.plan"

# Independent check: take the envelope apart with python3 and let openssl verify the PAE bytes.
if command -v openssl >/dev/null && command -v python3 >/dev/null; then
	python3 - "$plan" "$E2E_TMP" <<'PY'
import base64, json, sys
envelope = json.load(open(sys.argv[1]))
payload = base64.b64decode(envelope["payload"])
kind = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
open(sys.argv[2] + "/pae.bin", "wb").write(pae)
open(sys.argv[2] + "/sig.bin", "wb").write(base64.b64decode(envelope["signatures"][0]["sig"]))
PY
	check "openssl verifies the plan's signature over the PAE bytes" 0 - -- \
		openssl pkeyutl -verify -rawin -pubin -inkey "$keys/release-ci-2026q4.pub" -in "$E2E_TMP/pae.bin" -sigfile "$E2E_TMP/sig.bin"
	printf 'x' >>"$E2E_TMP/pae.bin"
	check "openssl refuses changed bytes" 1 - -- \
		openssl pkeyutl -verify -rawin -pubin -inkey "$keys/release-ci-2026q4.pub" -in "$E2E_TMP/pae.bin" -sigfile "$E2E_TMP/sig.bin"
	keyid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signatures"][0]["keyid"])' "$plan")
	fingerprint=$(openssl pkey -pubin -in "$keys/release-ci-2026q4.pub" -outform DER | tail -c 32 | sha256sum | cut -d' ' -f1)
	if [ "$keyid" = "$fingerprint" ]; then pass "key id is the SHA-256 of the raw public key"; else fail "key id" "$keyid != $fingerprint"; fi
else
	echo "skip independent verification: needs openssl and python3"
fi

# Tampering: one changed character of the payload's base64, then of the signature.
python3 - "$plan" "$E2E_TMP" <<'PY'
import sys
text = open(sys.argv[1]).read()
def flip(marker, offset, name):
    i = text.index(marker) + len(marker) + offset
    changed = text[:i] + ("B" if text[i] != "B" else "C") + text[i + 1:]
    open(sys.argv[2] + "/" + name, "w").write(changed)
flip('"payload":"', 40, "tampered-payload.plan")
flip('"sig":"', 10, "tampered-signature.plan")
PY
check_contains "a tampered payload is refused" 1 "plan show" -- \
	"$GOOSEC" plan show "$E2E_TMP/tampered-payload.plan" --trust "$keys/release-ci-2026q4.pub"
check_contains "a tampered signature is refused" 1 "REFUSED: bad signature" -- \
	"$GOOSEC" plan show "$E2E_TMP/tampered-signature.plan" --trust "$keys/release-ci-2026q4.pub"

# A key inside the tree is refused.
mkdir -p "$E2E_TMP/tree"
cp -r "$repo/goose.yaml" "$repo/golden-goose" "$repo/load-test" "$repo/monitoring" "$repo/security" "$E2E_TMP/tree/"
cp "$keys/release-ci-2026q4.key" "$E2E_TMP/tree/release-ci-2026q4.key"
check_contains "a key inside the tree is refused" 2 "inside the tree" -- \
	"$GOOSEC" build --no-cache --sign-key "$E2E_TMP/tree/release-ci-2026q4.key" -o "$E2E_TMP/intree" "$E2E_TMP/tree"

# Expected state from a status export.
printf '{"stages":{"compliance":{"generation":40,"release_digest":"sha256:%064d"}}}\n' 0 >"$E2E_TMP/state.json"
check "build with --state-from" 0 - -- "$GOOSEC" build --no-cache --sign-key "$keys/release-ci-2026q4.key" \
	--state-from "$E2E_TMP/state.json" -o "$E2E_TMP/stated" "$repo"
check_contains "the plan expects that state" 0 "compliance generation 40" -- \
	"$GOOSEC" plan show "$E2E_TMP/stated/plans/promote-compliance-to-production.plan"
finish
