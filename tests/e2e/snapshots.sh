#!/usr/bin/env bash
# End to end: goose-run snapshots on a generated directory: create, list, verify, restore to a
# new directory (diff -r), tampering refused by verify and restore, retention and prune.
source "$(dirname "$0")/lib.sh"
RUN=${GOOSE_RUN:-$(cd "$(dirname "$0")/../.." && pwd)/${BIN:-bin}/goose-run}
T=$E2E_TMP

mkdir -p "$T/state/conf/deep" "$T/state/cache" "$T/state/empty-dir"
printf 'release: 41\n' >"$T/state/conf/app.yaml"
printf 'secret' >"$T/state/conf/deep/token"
chmod 600 "$T/state/conf/deep/token"
: >"$T/state/empty"
head -c 200000 /dev/urandom >"$T/state/release.bin"
seq 1 20000 >"$T/state/numbers.txt"
printf 'x' >"$T/state/cache/blob"
printf 'x' >"$T/state/scratch.tmp"
ln -s conf/app.yaml "$T/state/current"
head -c 32 /dev/urandom >"$T/key"
head -c 32 /dev/urandom >"$T/other-key"
STORE="$T/store"

check_contains "create" 0 "created snapshot" -- "$RUN" snapshots create "$T/state" --store "$STORE" --key "$T/key" \
	--label sandbox --exclude '*.tmp' --exclude 'cache/**' --chunk-size 4KiB --key-name snap-test
ID=$("$RUN" snapshots list --store "$STORE" --json | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -n 1)
check_contains "list shows the snapshot" 0 "$ID" -- "$RUN" snapshots list --store "$STORE"
check_contains "list --json" 0 '"key_name": "snap-test"' -- "$RUN" snapshots list --store "$STORE" --json
check_contains "verify" 0 "1 ok, 0 failed" -- "$RUN" snapshots verify --store "$STORE" --key "$T/key"
GOOSE_SNAPSHOT_KEY_FILE="$T/key" check_contains "key from the environment" 0 "1 ok" -- "$RUN" snapshots verify --store "$STORE"
check_contains "restore" 0 "restored snapshot $ID" -- "$RUN" snapshots restore "$ID" --store "$STORE" --key "$T/key" --to "$T/restored"
rm -rf "$T/expected" && cp -a "$T/state" "$T/expected" && rm -rf "$T/expected/cache" "$T/expected/scratch.tmp"
if diff -r "$T/expected" "$T/restored" >/dev/null && [ "$(stat -c %a "$T/restored/conf/deep/token")" = 600 ] &&
	[ "$(readlink "$T/restored/current")" = conf/app.yaml ]; then
	pass "restored tree equals the source"
else
	fail "restored tree equals the source" "$(diff -r "$T/expected" "$T/restored")"
fi
check_contains "wrong key refused" 1 "wrong key" -- "$RUN" snapshots restore "$ID" --store "$STORE" --key "$T/other-key" --to "$T/restored"
check_contains "no key is a usage error" 2 "no key" -- env -u GOOSE_SNAPSHOT_KEY_FILE "$RUN" snapshots verify --store "$STORE"
check_contains "unknown id" 1 "no snapshot" -- "$RUN" snapshots restore 20991231T000000Z-00000000 --store "$STORE" --key "$T/key" --to "$T/x"
check_contains "bad id" 1 "is not a snapshot id" -- "$RUN" snapshots restore ../../x --store "$STORE" --key "$T/key" --to "$T/x"
check_contains "unknown subcommand" 2 "did you mean 'list'" -- "$RUN" snapshots lsit --store "$STORE"
check_contains "misplaced option" 2 "unknown option '--to'" -- "$RUN" snapshots list --store "$STORE" --to x

# tampering: one flipped byte in a chunk; the restore target stays as it was
SNAP="$STORE/data/$ID.snap"
cp "$SNAP" "$T/pristine"
printf '\x55' | dd of="$SNAP" bs=1 seek=$((176 + 4112 + 7)) conv=notrunc status=none
check_contains "flipped chunk byte: verify fails" 1 "chunk 1 failed authentication" -- "$RUN" snapshots verify --store "$STORE" --key "$T/key"
check_contains "flipped chunk byte: restore refused" 1 "chunk 1 failed authentication" -- "$RUN" snapshots restore "$ID" --store "$STORE" --key "$T/key" --to "$T/restored"
if diff -r "$T/expected" "$T/restored" >/dev/null; then pass "target untouched after a refused restore"; else fail "target untouched after a refused restore"; fi
cp "$T/pristine" "$SNAP"
printf '\x55' | dd of="$SNAP" bs=1 seek=100 conv=notrunc status=none
check_contains "flipped header byte" 1 "header failed authentication" -- "$RUN" snapshots verify --store "$STORE" --key "$T/key"
cp "$T/pristine" "$SNAP"
size=$(stat -c %s "$SNAP")
records=$(((size - 176 + 4111) / 4112))
head -c $((176 + (records - 1) * 4112)) "$T/pristine" >"$SNAP"
check_contains "truncated snapshot" 1 "truncated" -- "$RUN" snapshots verify --store "$STORE" --key "$T/key"
cp "$T/pristine" "$SNAP"
check_contains "verify after repair" 0 "1 ok" -- "$RUN" snapshots verify --store "$STORE" --key "$T/key"

# the tree digest: recorded at create time over what was archived, in the form a walk of the
# restored tree gives (here computed independently: path NUL kind NUL [x] sha256 LF, names
# sorted per directory, a directory before its content)
tree_digest() {
	python3 - "$1" <<'PY'
import hashlib, os, stat, sys
def walk(root, relative, out):
    for name in sorted(os.listdir(os.path.join(root, relative) if relative else root), key=os.fsencode):
        child = relative + "/" + name if relative else name
        info = os.lstat(os.path.join(root, child))
        if stat.S_ISDIR(info.st_mode):
            out += os.fsencode(child) + b"\0dir\n"
            walk(root, child, out)
            continue
        if stat.S_ISLNK(info.st_mode):
            kind, data = b"link", os.fsencode(os.readlink(os.path.join(root, child)))
        else:
            kind, data = b"file", open(os.path.join(root, child), "rb").read()
        execute = b"x" if info.st_mode & 0o111 else b""
        out += os.fsencode(child) + b"\0" + kind + b"\0" + execute + hashlib.sha256(data).hexdigest().encode() + b"\n"
listing = bytearray()
walk(sys.argv[1], "", listing)
print("sha256:" + hashlib.sha256(listing).hexdigest())
PY
}
recorded=$("$RUN" snapshots list --store "$STORE" --json | sed -n 's/.*"tree_digest": "\(.*\)".*/\1/p')
if command -v python3 >/dev/null 2>&1; then
	check "tree digest recorded at create = an independent walk of what was archived" 0 "$recorded" -- tree_digest "$T/expected"
	check "... and of the restored tree" 0 "$recorded" -- tree_digest "$T/restored"
	chmod +x "$T/restored/numbers.txt"
	if [ "$(tree_digest "$T/restored")" != "$recorded" ]; then pass "an execute bit changes the digest"; else fail "an execute bit changes the digest"; fi
	chmod -x "$T/restored/numbers.txt"
fi
cp "$STORE/index.json" "$T/index.pristine"
other=sha256:$(printf 'other' | sha256sum | cut -d' ' -f1)
sed -i "s/\"tree_digest\": \"$recorded\"/\"tree_digest\": \"$other\"/" "$STORE/index.json"
check_contains "an index with another tree digest: verify fails" 1 "the archived files do not hash as the index records" -- \
	"$RUN" snapshots verify --store "$STORE" --key "$T/key"
check_contains "... and restore is refused" 1 "the archived files do not hash as the index records" -- \
	"$RUN" snapshots restore "$ID" --store "$STORE" --key "$T/key" --to "$T/restored"
if diff -r "$T/expected" "$T/restored" >/dev/null; then pass "target untouched after a refused restore"; else fail "target untouched after a refused restore"; fi
sed -i '/"tree_digest"/d' "$STORE/index.json"
check_contains "an index entry without a tree digest (an older goose-run) still verifies" 0 "1 ok" -- \
	"$RUN" snapshots verify --store "$STORE" --key "$T/key"
cp "$T/index.pristine" "$STORE/index.json"

# an include filter archives a directory only once something in it is included: the digest
# still lists it before its content, as the walk of the restored tree does (a snapshot.create
# step of an unsigned plan, the way stage policies with include patterns take snapshots)
PLAN_SIGN=${GOOSE_TEST_OUT:-.build/default}/tests/plan_sign
if [ -x "$PLAN_SIGN" ] && command -v python3 >/dev/null 2>&1; then
	mkdir -p "$T/filtered/stage/a/b" "$T/filtered/stage/c"
	printf 'one\n' >"$T/filtered/stage/a/b/one.txt"
	printf 'skip\n' >"$T/filtered/stage/a/skip.bin"
	ln -s b/one.txt "$T/filtered/stage/a/link.txt"
	ln -s ../a/b/one.txt "$T/filtered/stage/c/only-link.txt"
	cat >"$T/filtered/payload.json" <<JSON
{"format":1,"kind":"goosec-plan","project":"snapshots-test","workflow":"promote","stage":"stage","from_stage":null,
 "created":0,"expires":null,"expected_state":null,"state_check":"first-seen","inputs":{},"gates":{},
 "steps":[{"id":"snap","phase":"snap","action":"snapshot.create","args":{"stage":"stage","state_dir":"stage","purpose":"recovery",
  "store":"store","include":["*.txt"],"exclude":[],"retention":{"keep_last":null,"max_age_ms":null},"key_id":"t","checks":[{"check":"integrity"}]}}]}
JSON
	"$PLAN_SIGN" --unsigned "$T/filtered/payload.json" >"$T/filtered/plan"
	check_contains "snapshot.create with an include filter" 0 "applied promote plan" -- \
		sh -c "cd '$T/filtered' && '$RUN' apply plan --allow-unsigned --allow-no-expiry --snapshot-key '$T/key' --now 1795651200"
	check_contains "... verifies (the stream's tree digest is the recorded one)" 0 "1 ok" -- \
		"$RUN" snapshots verify --store "$T/filtered/store" --key "$T/key"
	FILTERED_ID=$("$RUN" snapshots list --store "$T/filtered/store" --json | sed -n 's/.*"id": "\(.*\)".*/\1/p')
	"$RUN" snapshots restore "$FILTERED_ID" --store "$T/filtered/store" --key "$T/key" --to "$T/filtered/restored" >/dev/null
	check "... restores only what it included" 0 "a a/b a/b/one.txt a/link.txt c c/only-link.txt" -- \
		sh -c "cd '$T/filtered/restored' && find . -mindepth 1 | sed 's#^./##' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'"
	check "... whose walk gives the recorded tree digest" 0 \
		"$("$RUN" snapshots list --store "$T/filtered/store" --json | sed -n 's/.*"tree_digest": "\(.*\)".*/\1/p')" -- \
		tree_digest "$T/filtered/restored"
fi

# retention: --keep-last on create, then prune by count
for i in 1 2 3; do
	"$RUN" snapshots create "$T/state" --store "$STORE" --key "$T/key" --keep-last 3 >/dev/null
done
count=$("$RUN" snapshots list --store "$STORE" --json | grep -c '"id"')
if [ "$count" = 3 ]; then pass "create applies --keep-last"; else fail "create applies --keep-last" "found $count"; fi
check_contains "prune --keep-last 1" 0 "pruned 2 snapshots" -- "$RUN" snapshots prune --store "$STORE" --keep-last 1
files=$(find "$STORE/data" -type f | wc -l)
if [ "$files" = 1 ]; then pass "pruned files removed"; else fail "pruned files removed" "found $files"; fi
check_contains "prune needs a rule" 2 "needs --keep-last" -- "$RUN" snapshots prune --store "$STORE"
check_contains "prune --max-age keeps recent" 0 "pruned 0 snapshots" -- "$RUN" snapshots prune --store "$STORE" --max-age 1d
finish
