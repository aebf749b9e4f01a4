#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that reads hostile or hand-edited
# input (fuzz/fuzz_targets/*.rs), each seeded from our sample data and, when
# present, the real-world files in ../shared/fixtures. Prints per target the
# executions, the seconds run and the crashes; exits 1 if any target
# crashed (or ran one input past the timeout). Needs the nightly toolchain;
# installs cargo-fuzz from crates.io when it is missing.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 36 s per target (28 targets: about 17 minutes). Crashing inputs
# land in fuzz/artifacts/TARGET/; reproduce one with
#   cargo +nightly fuzz run -O -a -s none TARGET fuzz/artifacts/TARGET/crash-…
# and turn it into a regression test in tests/it/properties.rs.
# The grown corpus is kept in fuzz/corpus/ (ignored by git) for the next run.
set -u
SECS=${1:-36}
shift || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED="$ROOT/../shared/fixtures"
FUZZ="$ROOT/fuzz"
TARGET_DIR=${CARGO_TARGET_DIR:-$FUZZ/target}
LOGS=${FUZZ_LOGS:-$FUZZ/logs}
mkdir -p "$LOGS"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked || exit 2
# No sanitizer: the crate has no unsafe code, so what fuzzing can find is a
# panic (index out of bounds, overflow with -a, unwrap), a hang or runaway
# memory; ASan would only slow the search.
FLAGS=(-O -a -s none --target-dir "$TARGET_DIR")
(cd "$FUZZ" && cargo +nightly fuzz build "${FLAGS[@]}") || exit 2

# Seed files per target: our own paths first, then ../shared's (skipped
# when absent). A folder means every file under it.
seeds() {
  case "$1" in
    feed) echo "src/demo/data/feeds tests/fixtures/entries/feeds tests/fixtures/entries/releases tests/fixtures/widgets-v1.xml @feeds" ;;
    osv) echo "src/demo/data/advisories tests/fixtures/entries/advisories @osv" ;;
    rustsec) echo "src/demo/data/rustsec @rustsec" ;;
    lock_cargo_lock) echo "Cargo.lock src/demo/data/lockfiles/Cargo.lock @lockfiles/alacritty-0.10.0-Cargo.lock @lockfiles/mdbook-0.4.0-Cargo.lock @lockfiles/ripgrep-11.0.2-Cargo.lock" ;;
    lock_package_lock) echo "src/demo/data/lockfiles/package-lock.json @lockfiles/express-4.0.0-package-lock.json @lockfiles/express-4.0.0-package-lock-v1.json" ;;
    lock_requirements) echo "src/demo/data/lockfiles/requirements.txt @lockfiles/docker-compose-1.25.0-requirements.txt" ;;
    lock_pnpm_lock) echo "@lockfiles/osv-scalibr/pnpmlock" ;;
    lock_yarn_lock) echo "@lockfiles/osv-scalibr/yarnlock" ;;
    lock_poetry_lock) echo "@lockfiles/osv-scalibr/poetrylock" ;;
    lock_uv_lock) echo "@lockfiles/osv-scalibr/uvlock" ;;
    lock_pipfile_lock) echo "@lockfiles/osv-scalibr/pipfilelock" ;;
    lock_pdm_lock) echo "@lockfiles/osv-scalibr/pdmlock" ;;
    lock_gemfile_lock) echo "@lockfiles/osv-scalibr/gemfilelock" ;;
    lock_composer_lock) echo "@lockfiles/osv-scalibr/composerlock" ;;
    lock_bun) echo "fuzz/seeds/lockfiles/bun @lockfiles/osv-scalibr/bunlock" ;;
    lock_gradle) echo "fuzz/seeds/lockfiles/gradle @lockfiles/osv-scalibr/gradlelockfile" ;;
    lock_pom) echo "fuzz/seeds/lockfiles/pom @lockfiles/osv-scalibr/pomxml" ;;
    lock_nuget) echo "fuzz/seeds/lockfiles/nuget @lockfiles/osv-scalibr/packageslockjson" ;;
    lock_pubspec) echo "fuzz/seeds/lockfiles/pubspec @lockfiles/osv-scalibr/pubspec" ;;
    lock_mix) echo "fuzz/seeds/lockfiles/mix @lockfiles/osv-scalibr/mixlock" ;;
    lock_cyclonedx) echo "fuzz/seeds/lockfiles/cyclonedx" ;;
    lock_spdx) echo "fuzz/seeds/lockfiles/spdx" ;;
    lock_go_mod) echo "fuzz/seeds/go_mod" ;;
    entry) echo "fuzz/seeds/entry radar/entries" ;;
    radar_toml) echo "radar/radar.toml src/demo tests/fixtures/entries/releases/sources.toml" ;;
    stack_toml) echo "radar/stack.toml tests/fixtures/entries/stack.toml" ;;
    cron) echo "fuzz/seeds/cron" ;;
    *) echo "" ;;
  esac
}

keep() { # which seed files suit a target: by name, to skip READMEs etc.
  case "$1" in
    radar_toml|stack_toml) [[ "$2" == *.toml ]] ;;
    entry) [[ "$2" == *.md ]] ;;
    *) true ;;
  esac
}

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$FUZZ/fuzz_targets" && ls *.rs | sed 's/\.rs$//')
fi

printf '%-20s %12s %6s %8s\n' target executions secs crashes | tee "$LOGS/summary.txt"
total_exec=0 total_crash=0
for t in "${targets[@]}"; do
  corpus="$FUZZ/corpus/$t"
  mkdir -p "$corpus" "$FUZZ/artifacts/$t"
  for s in $(seeds "$t"); do
    if [[ "$s" == @* ]]; then
      p="$SHARED/${s#@}"
      [ -e "$p" ] || { echo "note: $p absent, seeding $t without it" >&2; continue; }
    else
      p="$ROOT/$s"
    fi
    while IFS= read -r -d '' f; do
      keep "$t" "$f" || continue
      # Named by content, so reruns do not pile up copies.
      cp "$f" "$corpus/seed-$(sha1sum < "$f" | cut -c1-16)"
    done < <(find "$p" -type f -size -256k -print0)
  done
  log="$LOGS/$t.log"
  start=$(date +%s)
  (cd "$FUZZ" && cargo +nightly fuzz run "${FLAGS[@]}" "$t" "$corpus" -- \
      -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -print_final_stats=1 >"$log" 2>&1)
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  execs=${execs:-$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -1)}
  execs=${execs:-0}
  crashes=$(find "$FUZZ/artifacts/$t" -type f | wc -l)
  [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="rc=$rc"
  printf '%-20s %12s %6s %8s\n' "$t" "$execs" "$secs" "$crashes" | tee -a "$LOGS/summary.txt"
  total_exec=$((total_exec + execs))
  [ "$crashes" != 0 ] && total_crash=$((total_crash + 1))
done
echo "total executions: $total_exec; targets with crashes: $total_crash" | tee -a "$LOGS/summary.txt"
[ "$total_crash" -eq 0 ]
