#!/usr/bin/env bash
# Leaves `radar schedule` running against the demo's loopback server, then
# stops it with SIGTERM and checks the index: exit code, log lines, item
# count and duplicate ids. Loopback only.
#
#   scripts/schedule_soak.sh [MINUTES=5] [RADAR=target/debug/radar]
set -euo pipefail
minutes=${1:-5}
radar=$(realpath "${2:-target/debug/radar}")
work=$(mktemp -d /tmp/radar-soak-XXXXXX)
port=$((40000 + RANDOM % 20000))
cd "$work"

"$radar" demo --keep demo --serve --port "$port" > demo.out 2>&1 &
demo=$!
trap 'kill -INT $demo 2>/dev/null || true' EXIT
until grep -q "Serving the sample feeds" demo.out; do
  kill -0 $demo 2>/dev/null || { cat demo.out; exit 2; }
  sleep 0.2
done
printf '\n[schedule]\ncrawl = "0 * * * * *"\nupdate = "30 * * * * *"\ndigest = "45 */2 * * * *"\n' >> demo/radar.toml

count() { "$radar" --config demo/radar.toml search '*' --limit 1000000 --json; }
echo "items after the demo: $(count | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"

"$radar" --config demo/radar.toml schedule 2> schedule.log &
sched=$!
echo "schedule started $(date -u +%FT%TZ), pid $sched; stopping in $minutes min"
sleep $((minutes * 60))
kill -TERM $sched
status=0
wait $sched || status=$?
echo "schedule exit code: $status"
cat schedule.log
count | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = [h["id"] for h in d["hits"]]
total, distinct = d["total"], len(set(ids))
print(f"final index: {total} items, {distinct} distinct ids, {len(ids) - distinct} duplicates")'
echo "work folder: $work"
