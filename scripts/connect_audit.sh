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
strace -f -qq -e trace=socket,connect,sendto,sendmsg,write,close -o "$LOG" "$@" >/dev/null 2>&1
rc=$?
echo "test exit code: $rc"
# A connect on a UDP socket sends nothing: Chromium does one to a public
# IPv6 address at start to learn its route (IPv6 reachability). Such a
# socket passes only if nothing is written or sent on it before it closes.
python3 - "$LOG" <<'PY'
import re, sys, collections
addr_re = re.compile(r'inet_addr\("([0-9.]+)"\)|inet_pton\(AF_INET6?, "([0-9a-f.:]+)"')
kinds, probes = {}, {}
seen, outside, sent = collections.Counter(), [], []
def loopback(a): return a.startswith('127.') or a == '::1' or a.startswith('::ffff:127.')
pending = {}
for line in open(sys.argv[1], errors='replace'):
    r = re.match(r'(\d+) +<\.\.\. socket resumed>.*= (\d+)$', line.strip())
    if r:
        if r.group(1) in pending: kinds[(r.group(1), r.group(2))] = pending.pop(r.group(1))
        continue
    if ' socket(' in line and 'unfinished' in line:
        pending[line.split()[0]] = 'udp' if 'SOCK_DGRAM' in line else 'other'
        continue
    m = re.match(r'(\d+) +(\w+)\((\d+)?', line)
    if not m: continue
    pid, call, fd = m.group(1), m.group(2), m.group(3)
    if call == 'socket':
        r = re.search(r'= (\d+)$', line.strip())
        if r: kinds[(pid, r.group(1))] = 'udp' if 'SOCK_DGRAM' in line else 'other'
        continue
    if call == 'close' and fd: probes.pop((pid, fd), None); continue
    if call in ('write', 'sendto', 'sendmsg') and fd and (pid, fd) in probes:
        sent.append(probes.pop((pid, fd))); continue
    a = addr_re.search(line)
    if not a: continue
    a = a.group(1) or a.group(2)
    port53 = 'htons(53)' in line
    seen[a] += 1
    if loopback(a) and not port53: continue
    if call == 'connect' and kinds.get((pid, fd)) == 'udp' and not port53:
        probes[(pid, fd)] = line.strip(); continue
    outside.append(line.strip())
print("addresses (count address):")
for a, n in seen.most_common(): print(f"  {n:6} {a}")
bad = outside + sent
if bad:
    print("FAIL: traffic outside loopback:")
    for l in bad[:10]: print("  " + l)
    sys.exit(1)
print("ok: only loopback (UDP route lookups that send nothing are allowed)")
PY
