#!/usr/bin/env bash
# Growth curve (issue 14): for each size, generate a corpus (three years of
# JSON Feed items, 20 technologies at known rates), then measure
#   - `radar ingest` items/s beside raw tantivy indexing the same files,
#   - index bytes per item,
#   - search p50/p99 in process (examples/bench_search) and whole process,
#     for 5 query shapes,
#   - update, trends and digest: wall time and peak RSS.
#
# Usage: scripts/bench_scale.sh [SIZE...]        (default: 10000 100000 1000000)
#        RUNS=50 scripts/bench_scale.sh 200000   (whole-process search runs per shape)
# Output: one Markdown table row per size on stdout, details in $LOGDIR.
# Needs /usr/bin/time. Uses $CARGO_TARGET_DIR (default target/); with
# RADAR_BIN_DIR=DIR it builds nothing and runs DIR/radar and DIR/examples/*.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000 1000000)
RUNS=${RUNS:-30}
TGT=${CARGO_TARGET_DIR:-$ROOT/target}
LOGDIR=${LOGDIR:-$(mktemp -d)}
mkdir -p "$LOGDIR"
if [ -z "${RADAR_BIN_DIR:-}" ]; then
  cargo build --release -q --bin radar --example bench_scale_data --example bench_raw_tantivy --example bench_search
  RADAR_BIN_DIR=$TGT/release
fi
RADAR=$RADAR_BIN_DIR/radar
EX=$RADAR_BIN_DIR/examples
export RADAR_NOW=2026-11-25T10:00:00Z

# wall seconds and peak RSS (MiB) of one command: "S MIB"
measure() {
  local log=$1; shift
  /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log.out" 2>"$log.err"
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$log.time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p99() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99+0.5); if(i<1)i=1; print a[i]}'; }

echo "| items | ingest items/s | raw tantivy items/s | ratio | bytes/item | search p50/p99 in process (ms) | search p50/p99 whole process (ms) | update s / MiB | trends s / MiB | digest s / MiB |"
echo "| ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |"
for n in "${SIZES[@]}"; do
  W=$(mktemp -d "${TMPDIR:-/tmp}/bench_scale.XXXXXX")
  "$EX/bench_scale_data" "$W" "$n" >/dev/null
  read -r raw_s _ < <(measure "$LOGDIR/raw-$n" "$EX/bench_raw_tantivy" "$W/feeds" "$W/raw")
  raw_rate=$(grep -o 'items_per_s=[0-9]*' "$LOGDIR/raw-$n.out" | cut -d= -f2)
  rm -rf "$W/raw"
  read -r ing_s ing_mib < <(cd "$W" && measure "$LOGDIR/ingest-$n" "$RADAR" -q ingest feeds)
  ing_rate=$(awk -v n="$n" -v s="$ing_s" 'BEGIN{printf "%.0f", n/s}')
  ratio=$(awk -v a="$ing_rate" -v b="$raw_rate" 'BEGIN{printf "%.2f", a/b}')
  bytes=$(du -sb "$W/index" | cut -f1)
  per_item=$(awk -v b="$bytes" -v n="$n" 'BEGIN{printf "%.0f", b/n}')
  "$EX/bench_search" "$W/index" 200 >"$LOGDIR/search-$n.txt"
  inproc=$(awk '{split($3,a,"=");split($4,b,"="); printf "%s%s %s/%s", (NR>1?", ":""), substr($1,7), a[2], b[2]}' "$LOGDIR/search-$n.txt")
  whole=""
  for q in "kubernetes" "tokio latency" '"feature flag"' "title:migration" "*"; do
    extra=()
    [ "$q" = "*" ] && extra=(--kind article --since 30d)
    : >"$LOGDIR/whole-$n.txt"
    for _ in $(seq "$RUNS"); do
      s=$(date +%s%N); (cd "$W" && "$RADAR" -q search "$q" "${extra[@]}" >/dev/null); e=$(date +%s%N)
      echo "$(( (e - s) / 1000 ))" >>"$LOGDIR/whole-$n.txt"
    done
    p50=$(median <"$LOGDIR/whole-$n.txt"); p9=$(p99 <"$LOGDIR/whole-$n.txt")
    whole+="$(awk -v a="$p50" -v b="$p9" 'BEGIN{printf "%.1f/%.1f", a/1000, b/1000}') "
  done
  (cd "$W" && "$RADAR" -q update >/dev/null)   # first run writes every entry
  read -r up_s up_mib < <(cd "$W" && measure "$LOGDIR/update-$n" "$RADAR" -q update)
  read -r tr_s tr_mib < <(cd "$W" && measure "$LOGDIR/trends-$n" "$RADAR" -q trends)
  read -r dg_s dg_mib < <(cd "$W" && measure "$LOGDIR/digest-$n" "$RADAR" -q digest)
  echo "| $n | $ing_rate | $raw_rate | $ratio | $per_item | $inproc | ${whole% } | $up_s / $up_mib | $tr_s / $tr_mib | $dg_s / $dg_mib |"
  rm -rf "$W"
done
echo "details: $LOGDIR" >&2
