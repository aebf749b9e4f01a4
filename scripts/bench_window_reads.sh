#!/usr/bin/env bash
# Window reads before/after (issue 14): runs `radar trends`, `update` and
# `digest` with two builds on one growth-curve corpus, prints wall time and
# peak RSS of each, and says whether their outputs are identical.
#
# Usage: scripts/bench_window_reads.sh OLD_RADAR NEW_RADAR CORPUS_DIR [NEW_CORPUS_DIR]
#   CORPUS_DIR: a folder written by `bench_scale_data DIR N` and ingested
#   (`cd DIR && radar -q ingest feeds && radar -q update`), with an index
#   format both builds read. When the new build has a newer index format,
#   give it its own copy as NEW_CORPUS_DIR (`cp -al DIR/index COPY/index`
#   plus radar.toml, stack.toml and entries; the first command the new
#   build runs there migrates the copy: run one before measuring).
# Each command runs in the corpus folder (update rewrites entries/ there).
# Needs /usr/bin/time. Output files go to $LOGDIR (default: a temp dir).
set -euo pipefail
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 OLD_RADAR NEW_RADAR CORPUS_DIR [NEW_CORPUS_DIR]" >&2; exit 2; }
OLD=$(realpath "$1"); NEW=$(realpath "$2"); W=$(realpath "$3"); W_NEW=$(realpath "${4:-$3}")
LOGDIR=${LOGDIR:-$(mktemp -d)}
mkdir -p "$LOGDIR"
LOGDIR=$(realpath "$LOGDIR")
export RADAR_NOW=${RADAR_NOW:-2026-11-25T10:00:00Z}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in trends update digest; do
  case $c in
    trends) args=(-q trends --json --all) ;;
    update) args=(-q update --json) ;;
    digest) args=(-q digest) ;;
  esac
  for b in old new; do
    bin=$OLD; dir=$W; [ $b = new ] && bin=$NEW && dir=$W_NEW
    cd "$dir"
    /usr/bin/time -f "%e %M %U %S" -o "$LOGDIR/$c-$b.time" "$bin" "${args[@]}" >"$LOGDIR/$c-$b.out"
    # CPU seconds (user + system) beside wall time: on a loaded machine the
    # wall time includes waiting for a core, CPU time much less so.
    awk -v c="$c" -v b="$b" '{printf "%s %s: %s s (cpu %.2f s), %.0f MiB\n", c, b, $1, $3 + $4, $2/1024}' "$LOGDIR/$c-$b.time"
  done
  if cmp -s "$LOGDIR/$c-old.out" "$LOGDIR/$c-new.out"; then echo "$c: identical"; else echo "$c: DIFFERS (see $LOGDIR)"; fi
done
