#!/usr/bin/env bash
# Audit and ingest benchmark for `radar audit` (issue 4), beside cargo-audit.
#
# Usage: scripts/bench-audit.sh [RUNS]      (default 30 runs per command)
#
# Needs: ../shared/fixtures, a release build (cargo build --release), and
# cargo-audit on PATH (cargo install cargo-audit --locked). Prints a table;
# copy it into BENCHMARKS.md with the machine it ran on. Whole-process wall
# time, median of RUNS, commands interleaved so both see the same machine.
set -euo pipefail

RUNS="${1:-30}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FIX="$ROOT/../shared/fixtures"
RADAR="$ROOT/target/release/radar"
LOCK="$FIX/lockfiles/alacritty-0.4.0-Cargo.lock"

[ -d "$FIX" ] || { echo "skipping: ../shared absent" >&2; exit 0; }
[ -x "$RADAR" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v cargo-audit >/dev/null || { echo "install cargo-audit: cargo install cargo-audit --locked" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# cargo-audit reads the advisory-db layout; --no-fetch --stale needs no git.
mkdir -p "$WORK/db"
cp -r "$FIX/rustsec/crates" "$FIX/rustsec/rust" "$WORK/db/"

# The OSV export as one zip (like osv.dev's per-ecosystem all.zip), to show
# that a zip is streamed entry by entry.
python3 - "$FIX/rustsec/osv-export/crates" "$WORK/osv-export.zip" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY

echo "## ingest into a fresh index: median of 5 runs, wall time and peak RSS from /usr/bin/time -v"
for what in "markdown:$FIX/rustsec/crates $FIX/rustsec/rust" \
            "osv-export:$FIX/rustsec/osv-export" \
            "both:$FIX/rustsec/osv-export $FIX/rustsec/crates $FIX/rustsec/rust" \
            "zip:$WORK/osv-export.zip"; do
  name="${what%%:*}"; paths="${what#*:}"
  : > "$WORK/runs-$name.txt"
  for _ in 1 2 3 4 5; do
    rm -rf "$WORK/ix-$name"
    # shellcheck disable=SC2086
    /usr/bin/time -v "$RADAR" -q --index "$WORK/ix-$name" ingest $paths 2> "$WORK/time-$name.txt"
    wall=$(grep "Elapsed (wall clock)" "$WORK/time-$name.txt" | awk '{print $NF}' | awk -F: '{print $(NF-1)*60+$NF}')
    rss=$(grep "Maximum resident set size" "$WORK/time-$name.txt" | awk '{print $NF}')
    echo "$wall $rss" >> "$WORK/runs-$name.txt"
  done
  if [ "$name" = zip ]; then
    files=$(python3 -c "import zipfile,sys; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))" "$paths")
  else
    # shellcheck disable=SC2086
    files=$(find $paths -type f \( -name '*.json' -o -name '*.md' \) | wc -l)
  fi
  python3 - "$name" "$files" "$WORK/runs-$name.txt" <<'PY'
import statistics, sys
name, files, runs = sys.argv[1], int(sys.argv[2]), [l.split() for l in open(sys.argv[3])]
wall = statistics.median(float(w) for w, _ in runs)
rss = max(int(r) for _, r in runs) / 1024
print(f"{name:<11} {files:>5} files  wall {wall * 1000:6.0f} ms  peak RSS {rss:5.1f} MiB")
PY
done

# Audit against the Markdown database (the one cargo-audit reads).
"$RADAR" -q --index "$WORK/ix-audit" ingest "$FIX/rustsec/crates" "$FIX/rustsec/rust"
/usr/bin/time -v "$RADAR" --index "$WORK/ix-audit" audit --lockfile "$LOCK" --json > /dev/null 2> "$WORK/time-audit.txt" || true
audit_rss=$(grep "Maximum resident set size" "$WORK/time-audit.txt" | awk '{print $NF}')

python3 - "$RUNS" "$RADAR" "$WORK" "$LOCK" "$audit_rss" <<'PY'
import statistics, subprocess, sys, time
runs, radar, work, lock, audit_rss = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
cmds = {
    "radar audit": [radar, "--index", f"{work}/ix-audit", "audit", "--lockfile", lock, "--json"],
    "cargo audit": ["cargo", "audit", "--db", f"{work}/db", "--no-fetch", "--stale", "--no-yanked", "-f", lock, "--json"],
    "cargo-audit audit": ["cargo-audit", "audit", "--db", f"{work}/db", "--no-fetch", "--stale", "--no-yanked", "-f", lock, "--json"],
}
times = {k: [] for k in cmds}
for k, c in cmds.items():  # warm the page cache once
    subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(runs):
    for k, c in cmds.items():
        t = time.perf_counter()
        r = subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[k].append((time.perf_counter() - t) * 1000)
        assert r.returncode == 1, f"{k} exited {r.returncode} (expected 1: vulnerabilities found)"
ours = statistics.median(times["radar audit"])
print(f"\n## audit alacritty-0.4.0-Cargo.lock (291 packages), 1,225 RustSec advisories, {runs} runs each")
print(f"{'command':<20} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'vs radar':>9}")
for k, v in times.items():
    m = statistics.median(v)
    print(f"{k:<20} {m:>10.1f} {min(v):>8.1f} {max(v):>8.1f} {m / ours:>8.1f}x")
print(f"radar audit peak RSS {audit_rss / 1024:.1f} MiB")
PY
