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

echo "## ingest (peak memory from /usr/bin/time -v)"
for what in "markdown:$FIX/rustsec/crates $FIX/rustsec/rust" \
            "osv-export:$FIX/rustsec/osv-export" \
            "both:$FIX/rustsec/osv-export $FIX/rustsec/crates $FIX/rustsec/rust"; do
  name="${what%%:*}"; paths="${what#*:}"
  rm -rf "$WORK/ix-$name"
  # shellcheck disable=SC2086
  /usr/bin/time -v "$RADAR" -q --index "$WORK/ix-$name" ingest $paths 2> "$WORK/time-$name.txt"
  wall=$(grep "Elapsed (wall clock)" "$WORK/time-$name.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$WORK/time-$name.txt" | awk '{print $NF}')
  files=$(find $paths -type f \( -name '*.json' -o -name '*.md' \) | wc -l)
  printf '%-11s %5d files  wall %s  peak RSS %6.1f MiB\n' "$name" "$files" "$wall" "$(echo "$rss/1024" | bc -l)"
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
