#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/evidence: bundles signed with the fixed fuzz key (the Ed25519
# seed 01..08 then zeros, as fuzz_evidence.c trusts), an unsigned one, and damaged variants
# (a changed item, reordered and missing records, a broken chain, a cut frame), each also as
# 'T' + its decompressed text. Needs python3, openssl and zstd.
set -eu
cd "$(dirname "$0")/../.."
OUT=tests/fuzz/corpus/evidence
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT" && mkdir -p "$OUT"
python3 - "$TMP" <<'PY'
import base64, hashlib, json, subprocess, sys
tmp = sys.argv[1]
seed = bytes([1, 2, 3, 4, 5, 6, 7, 8]) + bytes(24)
der = bytes.fromhex("302e020100300506032b657004220420") + seed
open(tmp + "/key.pem", "w").write("-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PRIVATE KEY-----\n")
public = subprocess.run(["openssl", "pkey", "-in", tmp + "/key.pem", "-pubout", "-outform", "DER"], capture_output=True, check=True).stdout[-32:]
key_id = hashlib.sha256(public).hexdigest()

def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def bundle(items, controls, sign=True):
    header = canonical({"format": "goosec-evidence", "version": 1})
    lines, prev = [header], hashlib.sha256(header.encode()).hexdigest()
    for seq, (evidence, name, content) in enumerate(items, 1):
        ids = [c["id"] for c in controls if evidence in c["evidence"]]
        record = canonical({"content": base64.b64encode(content).decode(), "controls": ids, "evidence": evidence,
                            "media_type": "text/plain", "name": name, "prev": prev, "seq": seq,
                            "sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "source": "file:" + name})
        lines.append(record)
        prev = hashlib.sha256(record.encode()).hexdigest()
    have = {e for e, _, _ in items}
    coverage = [{"complete": all(e in have for e in c["evidence"]), "evidence": c["evidence"], "id": c["id"],
                 "missing": [e for e in c["evidence"] if e not in have]} for c in controls]
    statement = canonical({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://goosec.dev/evidence/v1",
        "subject": [{"digest": {"sha256": hashlib.sha256(c).hexdigest()}, "name": n} for _, n, c in items],
        "predicate": {"chain_head": prev, "complete": all(c["complete"] for c in coverage), "controls": coverage,
                      "created": 1795651200, "framework": "fuzz", "items": len(items), "missing": [],
                      "plan_digest": None, "run_id": "20261126T000000Z-abcdef", "stage": "compliance", "workflow": "promote"}}).encode()
    kind = b"application/vnd.in-toto+json"
    signatures = []
    if sign:
        open(tmp + "/pae", "wb").write(b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(statement), statement))
        signature = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", tmp + "/key.pem", "-in", tmp + "/pae"],
                                   capture_output=True, check=True).stdout
        signatures = [{"keyid": key_id, "sig": base64.b64encode(signature).decode()}]
    lines.append(canonical({"payload": base64.b64encode(statement).decode(), "payloadType": kind.decode(), "signatures": signatures}))
    return lines

controls = [{"id": "CC1", "evidence": ["a", "b"]}, {"id": "CC2", "evidence": ["b", "c"]}]
items = [("a", "a/one.json", b'{"x":1}'), ("b", "b/two.txt", b"two\n"), ("b", "b/empty", b"")]
variants = {
    "signed": bundle(items, controls),
    "unsigned": bundle(items, controls, sign=False),
    "empty": bundle([], []),
}
good = variants["signed"]
variants["reordered"] = [good[0], good[2], good[1]] + good[3:]
variants["removed"] = [good[0]] + good[2:]
variants["changed"] = [good[0], good[1].replace("eyJ4IjoxfQ==", "eyJ4IjoyfQ==")] + good[2:]
at = good[2].index('"prev":"') + 8
variants["broken-chain"] = [good[0], good[1], good[2][:at] + ("1" if good[2][at] == "0" else "0") + good[2][at + 1:]] + good[3:]
for name, lines in variants.items():
    open("%s/%s.txt" % (tmp, name), "w").write("\n".join(lines) + "\n")
PY
for text in "$TMP"/*.txt; do
	name=$(basename "$text" .txt)
	zstd -q -19 --check -c "$text" >"$OUT/$name.bundle"
	# 'T' + text: the harness compresses it, so mutations reach the records
	{ printf T; cat "$text"; } >"$OUT/$name.text"
done
head -c 60 "$OUT/signed.bundle" >"$OUT/cut.bundle"
printf 'not a bundle\n' >"$OUT/not-zstd"
ls "$OUT"
