#!/usr/bin/env bash
# Ingest throughput of the fixture feeds into a fresh index (release build).
# Usage: scripts/bench_ingest.sh [RUNS]   (needs ../shared/fixtures/feeds)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
feeds=../shared/fixtures/feeds
cargo build --release -q
bin=target/release/radar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
times=()
for i in $(seq "$runs"); do
  rm -rf "$tmp/index"
  start=$(date +%s.%N)
  out=$("$bin" -q --index "$tmp/index" ingest --json "$feeds" 2>/dev/null)
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
items=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items_new"])')
start=$(date +%s.%N)
again=$("$bin" -q --index "$tmp/index" ingest --json "$feeds" 2>/dev/null)
end=$(date +%s.%N)
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'files: %s  items: %s  runs: %s\n' "$(ls "$feeds" | wc -l)" "$items" "$runs"
printf 'fresh index, median wall: %.3f s  => %.0f items/s (whole process)\n' "$median" "$(echo "$items / $median" | bc -l)"
printf 're-ingest (all unchanged): %.3f s, items_new=%s\n' "$(echo "$end - $start" | bc -l)" \
  "$(echo "$again" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items_new"])')"
