#!/usr/bin/env bash
# `radar audit` from the advisory table vs from tantivy vs cargo-audit
# (issue 14). alacritty-0.4.0's Cargo.lock against the 1,225 RustSec
# advisories of ../shared/fixtures (Markdown; cargo-audit reads the same
# files). hyperfine runs the commands side by side in one run; callgrind
# counts instructions (load-independent) for the radar runs and, when
# installed, cargo-audit.
#
# Usage: scripts/bench_audit_table.sh [RUNS]     (default 40)
# Needs: ../shared/fixtures, hyperfine; valgrind and cargo-audit optional
# (cargo install cargo-audit --locked). RADAR_BIN=path/to/radar skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-40}
FIX=$PWD/../shared/fixtures
[ -d "$FIX" ] || { echo "skipping: ../shared absent" >&2; exit 0; }
if [ -z "${RADAR_BIN:-}" ]; then
  cargo build --release -q --bin radar
  RADAR_BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/radar
fi
LOCK=$FIX/lockfiles/alacritty-0.4.0-Cargo.lock
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_audit.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/db"
cp -r "$FIX/rustsec/crates" "$FIX/rustsec/rust" "$W/db/"
"$RADAR_BIN" -q --index "$W/ix" ingest "$FIX/rustsec/crates" "$FIX/rustsec/rust"
"$RADAR_BIN" -q --index "$W/ix" audit --lockfile "$LOCK" --json >"$W/first.json" || true   # writes the table
cp -r "$W/ix" "$W/ix-tantivy"
# A commit in progress makes the table unusable: this copy always reads tantivy.
echo pending >"$W/ix-tantivy/radar-advisories.gen"
"$RADAR_BIN" -q --index "$W/ix" audit --lockfile "$LOCK" --json >"$W/table.json" || true
"$RADAR_BIN" -q --index "$W/ix-tantivy" audit --lockfile "$LOCK" --json >"$W/tantivy.json" || true
cmp "$W/table.json" "$W/tantivy.json" && echo "findings identical (table vs tantivy)"
table="$RADAR_BIN -q --index $W/ix audit --lockfile $LOCK --json"
tantivy="$RADAR_BIN -q --index $W/ix-tantivy audit --lockfile $LOCK --json"
cmds=("$table" "$tantivy")
names=(-n "radar audit (table)" -n "radar audit (tantivy)")
if command -v cargo-audit >/dev/null; then
  ca="cargo-audit audit --db $W/db --no-fetch --stale --no-yanked -f $LOCK --json"
  cmds+=("$ca"); names+=(-n "cargo-audit audit")
fi
hyperfine -N -i --warmup 3 --runs "$RUNS" "${names[@]}" "${cmds[@]}" --export-markdown "$W/hf.md" >/dev/null
cat "$W/hf.md"
# hyperfine runs all of one command, then the next: on a shared machine the
# load moves between them. Interleaved (A B C A B C …) every command sees
# the same load; the ratio of medians is the figure to quote.
inter=("table=$table" "tantivy=$tantivy")
[ -n "${ca:-}" ] && inter+=("cargo-audit=$ca")
python3 scripts/interleave.py "$RUNS" "${inter[@]}"
if command -v valgrind >/dev/null; then
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" $c >/dev/null 2>"$W/cg.err" || true
    echo "instructions: $(grep -o 'Collected : [0-9]*' "$W/cg.err" | awk '{print $3}')  $c"
  done
fi
