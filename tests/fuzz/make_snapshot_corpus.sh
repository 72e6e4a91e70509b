#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/snapshot: whole snapshots ('S' + file) made with the fixed
# fuzz key (bytes 00..1f), raw archives ('A' + stream, hostile ones included) and
# zstd-compressed archives ('Z' + frame). Needs bin/goose-run (or GOOSE_RUN) and zstd.
set -eu
cd "$(dirname "$0")/../.."
RUN=${GOOSE_RUN:-bin/goose-run}
OUT=tests/fuzz/corpus/snapshot
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT" && mkdir -p "$OUT"
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$TMP/key"

mkdir -p "$TMP/tree/conf/deep" "$TMP/tree/empty"
printf 'release: 1\n' >"$TMP/tree/conf/app.yaml"
seq 1 300 >"$TMP/tree/conf/deep/numbers"
: >"$TMP/tree/zero"
ln -s conf/app.yaml "$TMP/tree/current"
mkdir -p "$TMP/empty-tree"
n=0
for source in tree empty-tree; do
	for chunk in 64 256 4KiB; do
		"$RUN" snapshots create "$TMP/$source" --store "$TMP/store" --key "$TMP/key" --chunk-size "$chunk" >/dev/null
	done
done
for snap in "$TMP"/store/data/*.snap; do
	n=$((n + 1))
	{ printf 'S'; cat "$snap"; } >"$OUT/snapshot-$n"
done
# a header alone, and a snapshot cut inside its first chunk
head -c 177 "$OUT/snapshot-1" >"$OUT/snapshot-header-only"
head -c 230 "$OUT/snapshot-1" >"$OUT/snapshot-cut"

be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
be64() { be32 0; be32 "$1"; }
be16() { printf "\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
# entry TYPE MODE PATH [DATA]
entry() {
	local type=$1 mode=$2 path=$3 data=${4-}
	printf '%s' "$type"; be32 "$mode"; be64 1795700000; be16 ${#path}; be64 ${#data}; printf '%s' "$path"; printf '%s' "$data"
}
archive() { printf 'GOOSEAR1'; be32 493; be64 1795700000; }
end() { printf 'E'; be64 "$1"; }

{ archive; entry d 493 dir; entry f 420 dir/a hello; entry f 384 dir/empty; entry l 511 link dir/a; end 4; } >"$TMP/good"
{ printf 'A'; cat "$TMP/good"; } >"$OUT/archive-good"
{ printf 'Z'; zstd -q -3 -c "$TMP/good"; } >"$OUT/compressed-good"
{ printf 'A'; archive; entry f 420 ../escape x; end 1; } >"$OUT/archive-dotdot"
{ printf 'A'; archive; entry f 420 /abs x; end 1; } >"$OUT/archive-absolute"
{ printf 'A'; archive; entry l 511 out /tmp; entry f 420 out/x x; end 2; } >"$OUT/archive-through-link"
{ printf 'A'; archive; entry f 420 a x; entry f 420 a y; end 2; } >"$OUT/archive-duplicate"
{ printf 'A'; archive; entry f 420 missing/a x; end 1; } >"$OUT/archive-no-parent"
{ printf 'A'; archive; entry d 0 ro; entry f 420 ro/a x; end 2; } >"$OUT/archive-read-only-dir"
{ printf 'A'; archive; entry f 420 a hello; end 7; } >"$OUT/archive-bad-count"
{ printf 'A'; head -c 40 "$TMP/good"; } >"$OUT/archive-truncated"
echo "wrote $(ls "$OUT" | wc -l) inputs to $OUT"
