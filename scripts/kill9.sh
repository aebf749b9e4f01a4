#!/usr/bin/env bash
# kill -9 `radar update`, `radar propose` and `radar schedule --once` at
# random points, RUNS times each, and check what each kill left:
#   update:   every entry file still parses (`radar doctor`), the next
#             update runs cleanly and removes any temp file the kill left;
#   propose:  no leftover worktree and no empty branch blocks the next
#             propose; a branch the kill left is whole (has its commit);
#   schedule: (mid-crawl, 40 local sources) no item committed before the
#             kill is lost, and the next run indexes everything served.
# No network: sources are local files, the radar repository is a temp git
# repository.
#
#   scripts/kill9.sh [RADAR_BINARY] [RUNS] [update|propose|schedule...]
set -u
RADAR=${1:-target/release/radar}
RUNS=${2:-20}
shift 2 2>/dev/null || shift $#
CASES=("$@")
[ "${#CASES[@]}" -eq 0 ] && CASES=(update propose schedule)
RADAR=$(realpath "$RADAR")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RADAR_NOW=2026-11-25T10:00:00Z NO_COLOR=1
status=0
# A random point in the first $1 ms.
pause() { sleep "$(printf '0.%03d' $((RANDOM % $1)))"; }

kill_update() {
mkdir -p "$WORK/update" && cd "$WORK/update" || exit 2
printf '[index]\npath = "index"\n' > radar.toml
cp "$ROOT/tests/fixtures/entries/stack.toml" stack.toml
"$RADAR" ingest "$ROOT/tests/fixtures/entries/feeds" "$ROOT/src/demo/data/feeds" >/dev/null || exit 2
killed=0 broken=0 failed_next=0 temps_after=0
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
  left=$(find entries -name '.*.tmp' 2>/dev/null | wc -l)
  echo "update run $i: entries after kill=$n temp files left=$tmp, after the next update=$left"
  [ "$left" -eq 0 ] || temps_after=$((temps_after + 1))
done
echo "update: runs=$RUNS killed=$killed truncated_or_unparsable_entries=$broken next_update_failed=$failed_next temp_files_after_next_run=$temps_after"
[ "$broken" -eq 0 ] && [ "$failed_next" -eq 0 ] && [ "$temps_after" -eq 0 ] || status=1
}

kill_propose() {
mkdir -p "$WORK/propose/radar" && cd "$WORK/propose/radar" || exit 2
printf '[index]\npath = "index"\n' > radar.toml
printf 'index/\n' > .gitignore
for n in $(seq 1 30); do
  mkdir -p entries/tools
  cat > "entries/tools/tool-$n.md" <<ENTRY
+++
name = "Tool $n"
quadrant = "tools"
ring = "adopt"
proposed = "hold"
score = -0.6
rule = "an unfixed severe advisory → hold"
updated = 2026-11-23
+++
Written for the kill -9 script.
ENTRY
done
git init --quiet -b main && git config user.name kill9 && git config user.email kill9@example.org \
  && git config commit.gpgsign false && git add -A && git commit --quiet -m radar || exit 2
local killed=0 half=0 whole=0 blocked=0 worktrees_left=0
for i in $(seq 1 "$RUNS"); do
  "$RADAR" propose --branch "radar/run-$i" >/dev/null 2>&1 &
  pid=$!
  pause 60
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
  # The next propose must work and clean up what the kill left.
  if ! "$RADAR" propose --branch "radar/next-$i" >"propose-$i.txt" 2>&1; then
    blocked=$((blocked + 1)); cat "propose-$i.txt"
  fi
  wt=$(git worktree list --porcelain | grep -c '^worktree ')
  [ "$wt" -eq 1 ] || worktrees_left=$((worktrees_left + 1))
  state=absent
  if git rev-parse --verify --quiet "refs/heads/radar/run-$i" >/dev/null; then
    if [ "$(git rev-list --count "main..radar/run-$i")" -eq 1 ]; then
      state=whole; whole=$((whole + 1))
    else
      state=half; half=$((half + 1))
    fi
  fi
  echo "propose run $i: branch after kill=$state worktrees=$wt"
  git branch -D --quiet "radar/next-$i" 2>/dev/null
done
echo "propose: runs=$RUNS killed=$killed whole_branches_kept=$whole half_branches_left=$half next_propose_failed=$blocked worktrees_left=$worktrees_left"
[ "$half" -eq 0 ] && [ "$blocked" -eq 0 ] && [ "$worktrees_left" -eq 0 ] || status=1
}

total() {
  "$RADAR" search '*' --limit 1000000 --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo -1
}

kill_schedule() {
mkdir -p "$WORK/schedule/feeds" && cd "$WORK/schedule" || exit 2
printf '[index]\npath = "index"\n\n[crawl]\ntrack = "none"\n\n[schedule]\ncrawl = "0 0 */6 * * *"\n' > radar.toml
for s in $(seq 1 40); do printf '\n[[source]]\nname = "s%s"\npath = "feeds/s%s.xml"\n' "$s" "$s" >> radar.toml; done
# Run i serves 5 new items per source; every earlier one stays in the feed.
feeds() {
  for s in $(seq 1 40); do
    {
      printf '<?xml version="1.0"?><rss version="2.0"><channel><title>s%s</title>\n' "$s"
      for r in $(seq 1 "$1"); do for j in 1 2 3 4 5; do
        printf '<item><title>tool%s %s.%s.0 released</title><guid>s%s-r%s-%s</guid><link>https://example.org/s%s/%s/%s</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>\n' "$s" "$r" "$j" "$s" "$r" "$j" "$s" "$r" "$j"
      done; done
      printf '</channel></rss>\n'
    } > "feeds/s$s.xml"
  done
}
local killed=0 lost=0 short=0 failed_next=0
# Kill within the time an unkilled run took (the previous next-run), so a
# fast machine still gets killed mid-crawl; 400 ms until one is timed.
local bound=400
for i in $(seq 1 "$RUNS"); do
  feeds "$i"
  before=$(total); [ "$before" -lt 0 ] && before=0
  # An hour past a 6-hourly tick, so the crawl job is due in this run.
  at=$(date -u -d "2026-11-25 00:00 UTC + $((i * 12 + 1)) hours" +%FT%TZ)
  RADAR_NOW=$at "$RADAR" schedule --once >/dev/null 2>&1 &
  pid=$!
  pause "$bound"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
  after=$(total)
  [ "$after" -ge "$before" ] || { lost=$((lost + 1)); echo "run $i: $before items before, $after after the kill"; }
  next=$(date -u -d "$at + 7 hours" +%FT%TZ)
  started=$(date +%s%N)
  if ! RADAR_NOW=$next "$RADAR" schedule --once >/dev/null 2>"schedule-$i.txt"; then
    failed_next=$((failed_next + 1)); cat "schedule-$i.txt"
  fi
  bound=$(( ($(date +%s%N) - started) / 1000000 ))
  [ "$bound" -ge 1 ] && [ "$bound" -le 999 ] || bound=400
  final=$(total)
  [ "$final" -eq $((i * 40 * 5)) ] || short=$((short + 1))
  echo "schedule run $i: items before=$before after kill=$after after next run=$final of $((i * 40 * 5))"
done
echo "schedule: runs=$RUNS killed=$killed committed_items_lost=$lost next_run_failed=$failed_next runs_not_complete_after_next=$short"
[ "$killed" -gt 0 ] && [ "$lost" -eq 0 ] && [ "$failed_next" -eq 0 ] && [ "$short" -eq 0 ] || status=1
}

for c in "${CASES[@]}"; do
  "kill_$c"
done
exit $status
