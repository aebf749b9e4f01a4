#!/usr/bin/env bash
# `radar update` on an index of ITEMS items and a stack of TECHS technologies
# (release build, whole process). Usage: scripts/bench_update.sh [ITEMS] [TECHS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-100000}
techs=${2:-300}
runs=${3:-5}
cargo build --release -q --bin radar --example bench_radar_data
bin=target/release/radar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/release/examples/bench_radar_data "$tmp" "$items" "$techs"
export RADAR_NOW=2026-11-25T10:00:00Z
cd "$tmp"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
printf 'ingest %s items: %.2f s\n' "$items" "$(t "$OLDPWD/$bin" -q ingest feeds)"
printf 'update, first run (writes every entry): %.3f s\n' "$(t "$OLDPWD/$bin" -q update)"
times=()
for i in $(seq "$runs"); do times+=("$(t "$OLDPWD/$bin" -q update)"); done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'update, unchanged (median of %s): %.3f s\n' "$runs" "$median"
echo "phases of one unchanged update:"
RADAR_LOG=techradar=debug "$OLDPWD/$bin" update 2>&1 >/dev/null | grep -E 'read [0-9]+ items|scored and wrote' | sed 's/\x1b\[[0-9;]*m//g; s/^.*DEBUG [^ ]* /  /'
printf 'trends: %.3f s\n' "$(t "$OLDPWD/$bin" -q trends)"
printf 'entries: %s files, %s pending\n' "$(find entries -name '*.md' | wc -l)" \
  "$("$OLDPWD/$bin" review list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
