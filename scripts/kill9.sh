#!/usr/bin/env bash
# kill -9 `radar update` at random points, N times, and check after each
# kill that every entry file still parses (`radar doctor`) and that the
# next update runs cleanly. Loopback only: the radar is built by `radar
# ingest` from the repository's own fixtures, no network.
#
#   scripts/kill9.sh [RADAR_BINARY] [RUNS]
set -u
RADAR=${1:-target/release/radar}
RUNS=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RADAR_NOW=2026-11-25T10:00:00Z NO_COLOR=1
cd "$WORK"
printf '[index]\npath = "index"\n' > radar.toml
cp "$ROOT/tests/fixtures/entries/stack.toml" stack.toml
"$RADAR" ingest "$ROOT/tests/fixtures/entries/feeds" "$ROOT/src/demo/data/feeds" >/dev/null || exit 2
killed=0 broken=0 failed_next=0
for i in $(seq 1 "$RUNS"); do
  rm -rf entries
  "$RADAR" update >/dev/null 2>&1 &
  pid=$!
  # A random point in the first 10 ms: a run takes a few tens.
  sleep "0.00$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
  n=$(find entries -name '*.md' 2>/dev/null | wc -l)
  tmp=$(find entries -name '.*.tmp' 2>/dev/null | wc -l)
  if ! "$RADAR" doctor >"doctor-$i.txt" 2>&1 && grep -q "FAIL entry" "doctor-$i.txt"; then
    broken=$((broken + 1)); cat "doctor-$i.txt"
  fi
  if ! "$RADAR" update >/dev/null 2>"update-$i.txt"; then
    failed_next=$((failed_next + 1)); cat "update-$i.txt"
  fi
  echo "run $i: entries after kill=$n temp files left=$tmp"
done
echo "update: runs=$RUNS killed=$killed truncated_or_unparsable_entries=$broken next_update_failed=$failed_next"
[ "$broken" -eq 0 ] && [ "$failed_next" -eq 0 ]
