#!/usr/bin/env bash
# Crawl benchmark (issue 3): 1,000 feeds from a loopback server crawled twice
# by the release binary, against `curl --parallel` on the same URLs, then the
# kill -9 experiment. Prints markdown tables for BENCHMARKS.md.
#
#   scripts/bench_crawl.sh                      # defaults: 1000 feeds x 10 items
#   BENCH_FEEDS=200 BENCH_TRIALS=1 scripts/bench_crawl.sh
#
# Knobs: BENCH_FEEDS, BENCH_ITEMS, BENCH_HOSTS, BENCH_CONCURRENCY,
# BENCH_PER_HOST, BENCH_TRIALS, RADAR_BIN (see benches/crawl.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { echo "curl is needed for the comparison" >&2; exit 2; }
cargo build --release --bin radar
cargo bench --bench crawl
