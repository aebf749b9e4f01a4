#!/usr/bin/env bash
# Runs the integration-test binary (or any command) under strace and lists
# every network address it, or any child (the radar binary, git), tried to
# connect to. Passes only when every one is on loopback (127.0.0.0/8 or
# ::1): tests must never reach DNS or any other host.
#
#   scripts/connect_audit.sh [COMMAND...]
# Default command: the newest tests/it binary in $CARGO_TARGET_DIR (or
# target/), all tests.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "$#" -eq 0 ]; then
  dir=${CARGO_TARGET_DIR:-$ROOT/target}/release/deps
  bin=$(ls -t "$dir"/it-* 2>/dev/null | grep -v '\.d$' | head -1)
  [ -n "$bin" ] || { echo "no it binary in $dir; run cargo test --release --no-run" >&2; exit 2; }
  set -- "$bin"
fi
command -v strace >/dev/null || { echo "strace is not installed" >&2; exit 2; }
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
strace -f -qq -e trace=connect,sendto,sendmsg -o "$LOG" "$@" >/dev/null 2>&1
rc=$?
echo "test exit code: $rc"
inet=$(grep -oE 'sin6?_addr=inet_(pton\(AF_INET6?, )?"?[0-9a-f.:]+"?|inet_addr\("[0-9.]+"\)' "$LOG" \
  | grep -oE '[0-9a-f]*[.:][0-9a-f.:]*' | sort | uniq -c | sort -rn)
echo "addresses connected to (count address):"
echo "${inet:-  none}"
dns=$(grep -cE 'htons\(53\)' "$LOG")
echo "connects or sends to port 53: $dns"
outside=$(echo "$inet" | awk '{print $2}' | grep -vE '^(127\.|::1$|::ffff:127\.)' | grep -v '^$')
if [ -n "$outside" ] || [ "$dns" -ne 0 ]; then
  echo "FAIL: traffic outside loopback:"; echo "$outside"
  grep -E 'htons\(53\)' "$LOG" | head -5
  exit 1
fi
echo "ok: only loopback"
