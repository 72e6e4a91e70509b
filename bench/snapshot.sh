#!/usr/bin/env bash
# Snapshot throughput: goose-run snapshots create/restore on a generated state directory
# (half compressible log-like text, half random bytes, plus many small files) against
# `tar | zstd -3 | openssl enc -aes-256-ctr` and its reverse on the same data, same run.
# Each figure is the best of RUNS runs (default 3) on a warm page cache, in MB/s of source
# data (1 MB = 10^6 bytes). Usage: bench/snapshot.sh [SIZE_MB] (default 200).
# GOOSE_RUN names the binary (default bin/goose-run); THREADS sets --threads (default 2).
set -u
cd "$(dirname "$0")/.." || exit 2
RUN=${GOOSE_RUN:-$PWD/bin/goose-run}
SIZE_MB=${1:-200}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
for tool in tar zstd openssl awk; do
	command -v "$tool" >/dev/null || { echo "bench/snapshot.sh: needs '$tool'" >&2; exit 2; }
done
if [ ! -x "$RUN" ]; then
	echo "bench/snapshot.sh: no goose-run at '$RUN' (run make, or set GOOSE_RUN)" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/goose-snapshot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
state="$work/state"
mkdir -p "$state/logs" "$state/blobs" "$state/conf"

# half text: access-log lines with varying fields (zstd -3 compresses them about 4-6x)
text_mb=$((SIZE_MB / 2))
files=$(((text_mb + 3) / 4))
for i in $(seq 1 "$files"); do
	awk -v seed="$i" -v bytes=$((text_mb * 1000000 / files)) 'BEGIN {
		srand(seed); n = 0
		split("GET POST PUT DELETE", verbs, " "); split("200 200 200 201 204 304 404 500", codes, " ")
		while (n < bytes) {
			line = sprintf("2026-11-26T10:%02d:%02d.%03dZ level=info svc=checkout-%d %s /api/v1/orders/%d?cursor=%x status=%s latency_ms=%d bytes=%d trace=%08x%08x\n",
				int(rand() * 60), int(rand() * 60), int(rand() * 1000), int(rand() * 8), verbs[int(rand() * 4) + 1],
				int(rand() * 1000000), int(rand() * 4294967295), codes[int(rand() * 8) + 1], int(rand() * rand() * 2000),
				int(rand() * 65536), int(rand() * 4294967295), int(rand() * 4294967295))
			printf "%s", line; n += length(line)
		}
	}' >"$state/logs/access-$i.log"
done
# half random: incompressible release artifacts
random_mb=$((SIZE_MB - text_mb))
for i in $(seq 1 $(((random_mb + 7) / 8))); do
	head -c $((random_mb * 1000000 / ((random_mb + 7) / 8))) /dev/urandom >"$state/blobs/artifact-$i.bin"
done
# many small config files
for i in $(seq 1 500); do
	printf 'service: svc-%d\nreplicas: %d\nimage: registry.example/svc-%d:1.%d.0\n' "$i" $((i % 7 + 1)) "$i" "$i" >"$state/conf/svc-$i.yaml"
done
bytes=$(du -sb "$state" | cut -f1)
cat "$state"/*/* >/dev/null # warm the page cache for every contender

head -c 32 /dev/urandom >"$work/key"
hexkey=$(od -An -tx1 -v "$work/key" | tr -d ' \n')
hexiv=$(head -c 16 /dev/urandom | od -An -tx1 -v | tr -d ' \n')

now() { date +%s.%N; }
best=""
# time_best NAME SETUP COMMAND: best wall time over RUNS runs; SETUP runs untimed before each
time_best() {
	local setup=$2 command=$3 fastest="" start end elapsed
	for _ in $(seq 1 "$RUNS"); do
		eval "$setup"
		start=$(now)
		if ! eval "$command"; then
			echo "bench/snapshot.sh: '$1' failed" >&2
			exit 1
		fi
		end=$(now)
		elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
		if [ -z "$fastest" ] || awk -v a="$elapsed" -v b="$fastest" 'BEGIN { exit !(a < b) }'; then fastest=$elapsed; fi
	done
	best=$fastest
}
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1000000 / s }'; }

time_best "goose-run create" 'rm -rf "$work/store"' \
	'"$RUN" snapshots create "$state" --store "$work/store" --key "$work/key" --level 3 --threads "$THREADS" >/dev/null'
ours_create=$best
id=$("$RUN" snapshots list --store "$work/store" --json | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -n 1)
stored=$(du -sb "$work/store/data" | cut -f1)
time_best "goose-run restore" 'rm -rf "$work/restored"' \
	'"$RUN" snapshots restore "$id" --store "$work/store" --key "$work/key" --to "$work/restored" >/dev/null'
ours_restore=$best
diff -r "$state" "$work/restored" >/dev/null || { echo "bench/snapshot.sh: restored tree differs" >&2; exit 1; }

pipe_create_cmd='tar -C "$state" -cf - . | zstd -3 -q -T1 | openssl enc -aes-256-ctr -K "$hexkey" -iv "$hexiv" >"$work/pipe.enc"'
pipe_restore_cmd='mkdir "$work/piped" && openssl enc -d -aes-256-ctr -K "$hexkey" -iv "$hexiv" <"$work/pipe.enc" | zstd -d -q | tar -C "$work/piped" -xf -'
time_best "pipeline create" 'rm -f "$work/pipe.enc"' "$pipe_create_cmd"
pipe_create=$best
time_best "pipeline restore" 'rm -rf "$work/piped"' "$pipe_restore_cmd"
pipe_restore=$best
# the same pipelines made as durable as goose-run (which fsyncs the snapshot and syncs the restored tree)
time_best "pipeline create + sync" 'rm -f "$work/pipe.enc"' "$pipe_create_cmd && sync -f \"\$work/pipe.enc\""
pipe_create_sync=$best
time_best "pipeline restore + sync" 'rm -rf "$work/piped"' "$pipe_restore_cmd && sync -f \"\$work/piped\""
pipe_restore_sync=$best
piped=$(stat -c %s "$work/pipe.enc")

printf '\nsnapshot benchmark: %s MB state dir (%s MB text, %s MB random, 500 small files), best of %s, %s CPUs\n' \
	"$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1000000 }')" "$text_mb" "$random_mb" "$RUNS" "$(nproc)"
printf 'goose-run: zstd -3 with %s worker threads, 1 MiB AES-256-GCM chunks, SHA-256 of the archive, fsync/syncfs\n\n' "$THREADS"
printf '%-44s %10s %10s %12s\n' "contender" "seconds" "MB/s" "output MB"
printf '%-44s %10s %10s %12s\n' "goose-run snapshots create" "$ours_create" "$(rate "$ours_create")" "$(awk -v b="$stored" 'BEGIN { printf "%.1f", b / 1000000 }')"
printf '%-44s %10s %10s %12s\n' "tar | zstd -3 | openssl aes-256-ctr" "$pipe_create" "$(rate "$pipe_create")" "$(awk -v b="$piped" 'BEGIN { printf "%.1f", b / 1000000 }')"
printf '%-44s %10s %10s %12s\n' "  same, then sync" "$pipe_create_sync" "$(rate "$pipe_create_sync")" ""
printf '%-44s %10s %10s %12s\n' "goose-run snapshots restore" "$ours_restore" "$(rate "$ours_restore")" ""
printf '%-44s %10s %10s %12s\n' "openssl -d | zstd -d | tar -x" "$pipe_restore" "$(rate "$pipe_restore")" ""
printf '%-44s %10s %10s %12s\n' "  same, then sync" "$pipe_restore_sync" "$(rate "$pipe_restore_sync")" ""
