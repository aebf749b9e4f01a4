#!/usr/bin/env bash
# Whole-process time, peak memory and instruction count of `radar stack`
# and `radar audit` on big lockfiles (issue 11).
#
#   cargo build --release
#   scripts/bench_stack.sh LOCKFILE...        # e.g. a package-lock.json, a yarn.lock
#
# For each lockfile (copied into a temp folder under its own name, so the
# kind is recognised): its package count (`radar stack --json`), then
#   - hyperfine: `radar stack --lockfile F --json` and `radar audit
#     --lockfile F --json` (RUNS runs, 3 warm-ups; audit exits 1 on
#     findings, so failures are ignored);
#   - /usr/bin/time -v: peak RSS of each;
#   - valgrind callgrind: instructions of each (load-independent: the
#     machine is shared with other builds).
# Advisories: one synthetic OSV record per distinct package name of the
# lockfile (every package's version is checked against a range: the worst
# case for audit), ingested into a temp index before timing.
# Env: RADAR (binary, default $CARGO_TARGET_DIR/release/radar or
# target/release/radar), RUNS (default 20), NO_CALLGRIND=1 to skip.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${RADAR:-${CARGO_TARGET_DIR:-$here/target}/release/radar}
runs=${RUNS:-20}
[ -x "$bin" ] || { echo "no radar binary at $bin: cargo build --release first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: $0 LOCKFILE..." >&2; exit 2; }
export RADAR_NOW=2026-06-01T08:00:00Z NO_COLOR=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '| lockfile | kind | packages | stack: median (min–max) | stack: peak RSS | stack: instructions | audit: median (min–max) | audit: peak RSS | audit: instructions |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
n=0
for lock in "$@"; do
  n=$((n + 1))
  dir="$work/$n"
  mkdir -p "$dir/advisories"
  name=$(basename "$lock")
  # `babel+babel-yarn.lock` → `yarn.lock`: the reader goes by the name's end.
  cp "$lock" "$dir/$name"
  f="$dir/$name"
  "$bin" stack --lockfile "$f" --json >"$dir/stack.json"
  read -r count kind < <(python3 - "$dir/stack.json" "$dir/advisories" <<'PY'
import json, sys, os
inv = json.load(open(sys.argv[1]))
names = sorted({(p["ecosystem"], p["name"]) for p in inv["packages"]})
for i, (eco, name) in enumerate(names):
    rec = {"schema_version": "1.6.0", "id": f"BENCH-{i}", "modified": "2026-01-01T00:00:00Z",
           "summary": f"synthetic advisory for {name}",
           "affected": [{"package": {"ecosystem": eco, "name": name},
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.0.1"}]}]}]}
    json.dump(rec, open(os.path.join(sys.argv[2], f"BENCH-{i}.json"), "w"))
print(len(inv["packages"]), inv["lockfiles"][0]["kind"])
PY
)
  "$bin" --index "$dir/index" ingest "$dir/advisories" >/dev/null
  stack_cmd="$bin stack --lockfile $f --json"
  audit_cmd="$bin --index $dir/index audit --lockfile $f --json"
  hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$dir/h.json" "$stack_cmd" "$audit_cmd" >/dev/null 2>&1
  read -r s_med s_min s_max a_med a_min a_max < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(" ".join(f"{x*1000:.1f}" for res in r for x in (res["median"], res["min"], res["max"])))' "$dir/h.json")
  # audit exits 1 on findings: the figures still count.
  rss() { { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident/ {printf "%.1f MiB", $6/1024}'; }
  s_rss=$(rss $stack_cmd)
  a_rss=$(rss $audit_cmd)
  if [ -z "${NO_CALLGRIND:-}" ]; then
    ir() { { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } | awk '/Collected/ {printf "%.0f M", $4/1e6}'; }
    s_ir=$(ir $stack_cmd)
    a_ir=$(ir $audit_cmd)
  else
    s_ir=-; a_ir=-
  fi
  printf '| %s | %s | %s | %s ms (%s–%s) | %s | %s | %s ms (%s–%s) | %s | %s |\n' \
    "$name" "$kind" "$count" "$s_med" "$s_min" "$s_max" "$s_rss" "$s_ir" "$a_med" "$a_min" "$a_max" "$a_rss" "$a_ir"
done
