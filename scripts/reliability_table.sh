#!/usr/bin/env bash
# Runs each failure case of issue 15 against a built radar and prints one
# Markdown row per case: what radar did (its first line of stderr or the
# summary), the exit code, and what was left on disk. The integration tests
# assert the same cases (tests/it/reliability.rs); this shows them on the
# command line, for the closing note and for anyone checking a build.
#
#   scripts/reliability_table.sh [RADAR_BINARY]
#
# Needs python3 (a loopback HTTP server that redirects) and strace (to show
# that refused redirects never connect). The full-disk row needs root (it
# mounts a 3 MiB tmpfs); without it the row says so. Only 127.0.0.1 is
# contacted.
set -u
RADAR=$(realpath "${1:-target/release/radar}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  mountpoint -q "$WORK/disk" 2>/dev/null && umount "$WORK/disk"
  rm -rf "$WORK"
}
trap cleanup EXIT
export RADAR_NOW=2026-11-25T10:00:00Z NO_COLOR=1

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" | sed "s|$WORK|…|g"; }
# First stderr line, without the log timestamp and with the temp folder as
# `…`, so rows compare across runs.
first_err() { head -n1 "$WORK/err" | sed -E "s/^[0-9T:.-]+Z +//; s|$WORK|…|g; s/\\|/\\\\|/g" | cut -c1-220; }
files_in() { find "$1" -type f 2>/dev/null | wc -l; }

# A radar folder with the sample stack and one entry of a lead's.
new_radar() {
  rm -rf "$WORK/r" && mkdir -p "$WORK/r/entries/tools" && cd "$WORK/r" || exit 2
  printf '[index]\npath = "index"\n\n[crawl]\ntrack = "none"\n' > radar.toml
  cp "$ROOT/tests/fixtures/entries/stack.toml" stack.toml
  printf '+++\nname = "Kafka"\nquadrant = "tools"\nring = "adopt"\n+++\nWhy we run it.\n' \
    > entries/tools/kafka.md
}

echo "| case | what radar did | exit | left on disk |"
echo "| --- | --- | ---: | --- |"

# --- exit codes -----------------------------------------------------------
new_radar
printf '<rss><channel><item><title>cut' > garbage.xml
"$RADAR" ingest garbage.xml > "$WORK/out" 2> "$WORK/err"; code=$?
row "\`ingest garbage.xml\` (named file fails to parse)" "$(cat "$WORK/out" "$WORK/err" | grep -m1 '^failed' | cut -c1-160)" "$code" "index: $(files_in index) files, opens"
mkdir -p walk && cp "$ROOT/tests/fixtures/widgets-v1.xml" walk/ && printf '# notes\n' > walk/README.md
"$RADAR" ingest walk > "$WORK/out" 2> "$WORK/err"; code=$?
row "\`ingest walk/\` (a feed and a README)" "$(tail -n1 "$WORK/out"); stderr: $(wc -l < "$WORK/err") lines" "$code" "README not mentioned"

# --- modes ----------------------------------------------------------------
new_radar
"$RADAR" ingest "$ROOT/tests/fixtures/entries/feeds" > /dev/null 2>&1
chmod 600 entries/tools/kafka.md
mkdir -p digests
(umask 022 && "$RADAR" update > /dev/null 2> "$WORK/err" && "$RADAR" digest --out digests/week.md > /dev/null 2>> "$WORK/err" && "$RADAR" digest --format html --out digests/week.html > /dev/null 2>> "$WORK/err"); code=$?
modes=$(find entries digests -type f -newer radar.toml ! -name kafka.md -printf '%m\n' | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
row "\`update\` + \`digest\` under umask 022; one entry was 0600" "entries and digest written" "$code" "new files: ${modes}; kafka.md kept $(stat -c %a entries/tools/kafka.md)"

# --- damaged index --------------------------------------------------------
new_radar
"$RADAR" ingest "$ROOT/tests/fixtures/widgets-v1.xml" > /dev/null 2>&1
meta=index/meta.json
head -c $(( $(stat -c %s "$meta") / 2 )) "$meta" > "$WORK/half" && cp "$WORK/half" "$meta"
"$RADAR" search widgets > /dev/null 2> "$WORK/err"; code=$?
row "truncated \`meta.json\`, then \`search\`" "$(first_err) ($(wc -l < "$WORK/err") line)" "$code" "entries/: $(files_in entries) file kept"

# --- damaged state files, doctor ------------------------------------------
new_radar
mkdir feeds && cp "$ROOT/tests/fixtures/widgets-v1.xml" feeds/w.xml
printf '\n[[source]]\nname = "widgets"\npath = "feeds/w.xml"\n' >> radar.toml
"$RADAR" crawl > /dev/null 2>&1
printf '{"sources": {"widgets"' > index/crawl-state.json
"$RADAR" crawl > "$WORK/out" 2> "$WORK/err"; code=$?
row "damaged \`crawl-state.json\`, then \`crawl\`" "$(first_err) ($(grep -c crawl-state "$WORK/err") warning)" "$code" "state rewritten: $(python3 -c 'import json,sys; json.load(open(sys.argv[1])); print("valid JSON")' index/crawl-state.json 2>&1 | tail -n1)"
printf '{"jobs": ' > index/schedule-state.json
printf '[index]\npath = "index"\n\n[crawl]\ntrack = "none"\n\n[schedule]\ncrawl = "0 0 */6 * * *"\n\n[[source]]\nname = "widgets"\npath = "feeds/w.xml"\n' > radar.toml
"$RADAR" schedule --once > "$WORK/out" 2> "$WORK/err"; code=$?
row "damaged \`schedule-state.json\`, then \`schedule --once\`" "$(first_err)" "$code" "state: $(python3 -c 'import json,sys; json.load(open(sys.argv[1])); print("valid JSON")' index/schedule-state.json 2>&1 | tail -n1)"
printf '{"sources": {' > index/crawl-state.json
printf 'pid 99999999 `radar crawl`' > index/radar-writer.pid
printf '+++\nname = "Broken\n+++\n' > entries/tools/broken.md
"$RADAR" doctor > "$WORK/out" 2> "$WORK/err"; code=$?
row "\`doctor\`: damaged state, stale lock, broken entry" "$(grep -c FAIL "$WORK/out") FAIL lines: $(grep FAIL "$WORK/out" | sed 's/^ *FAIL //; s/:.*//' | paste -sd, -)" "$code" "nothing changed"
"$RADAR" doctor --fix > "$WORK/out" 2> "$WORK/err"; code=$?
row "\`doctor --fix\`" "$(grep -ci fixed "$WORK/out") repairs: $(grep -i fixed "$WORK/out" | sed 's/^ *//' | cut -c1-90 | paste -sd';' -)" "$code" "$(ls index | grep -c damaged) state moved aside; lock: $(ls index/radar-writer.pid 2>/dev/null || echo removed); broken entry left for a person"
rm entries/tools/broken.md
"$RADAR" doctor > "$WORK/out" 2> "$WORK/err"; code=$?
row "\`doctor\` after the fix and the entry mended" "$(grep -c '^ *ok' "$WORK/out") ok, $(grep -c FAIL "$WORK/out") FAIL" "$code" "-"

# --- private addresses ----------------------------------------------------
new_radar
cat > "$WORK/server.py" <<'EOF'
import http.server, sys
HOPS = {"/meta": "http://169.254.169.254/latest/meta-data/", "/ten": "http://10.0.0.1/feed",
        "/local": "http://localhost:9/feed", "/v6": "http://[fe80::1]/feed"}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in HOPS:
            self.send_response(302); self.send_header("location", HOPS[self.path]); self.end_headers()
        else:
            body = b"<rss version='2.0'><channel><title>ok</title><item><title>ok 1.0</title><guid>ok1</guid></item></channel></rss>"
            self.send_response(200); self.send_header("content-type", "application/rss+xml")
            self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$WORK/server.py" > "$WORK/port" & SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port=$(head -n1 "$WORK/port")
for s in meta ten local v6 feed; do
  printf '\n[[source]]\nname = "%s"\nurl = "http://127.0.0.1:%s/%s"\n' "$s" "$port" "$s" >> radar.toml
done
strace -f -qq -e trace=connect -o "$WORK/strace" "$RADAR" crawl --json > "$WORK/out" 2> "$WORK/err"; code=$?
outside=$(grep -E 'sin6?_addr' "$WORK/strace" | grep -v -E '127\.0\.0\.1|"::1"|inet_pton\(AF_INET6, "::ffff:127' | grep -c -E 'AF_INET6?')
for s in meta ten local v6; do
  msg=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(next(x.get('error','') for x in d['sources'] if x['name']==sys.argv[2]))" "$WORK/out" "$s")
  row "redirect to a private address (\`$s\`)" "${msg}" "$code" "-"
done
row "connections outside loopback during that crawl (strace)" "$outside" "-" "-"
feed=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(next(x['status'] for x in d['sources'] if x['name']=='feed'))" "$WORK/out")
row "the configured loopback URL itself" "$feed" "$code" "-"

# --- full disk ------------------------------------------------------------
mkdir -p "$WORK/disk"
if mount -t tmpfs -o size=3m tmpfs "$WORK/disk" 2>/dev/null; then
  python3 - "$WORK/big.xml" <<'EOF'
import random, sys
r = random.Random(7)
w = lambda: "".join(r.choice("abcdefghijklmnop") for _ in range(r.randint(3, 9)))
items = "".join(f"<item><title>pkg{i} {i}.0</title><guid>g{i}</guid><description>{' '.join(w() for _ in range(120))}</description></item>" for i in range(6000))
open(sys.argv[1], "w").write(f"<rss version='2.0'><channel><title>bulk</title>{items}</channel></rss>")
EOF
  cp "$ROOT/tests/fixtures/widgets-v1.xml" "$WORK/small.xml"
  idx="$WORK/disk/index"
  "$RADAR" --index "$idx" ingest "$WORK/small.xml" > /dev/null 2>&1
  before=$(ls "$idx" | sort | md5sum)
  "$RADAR" --index "$idx" ingest "$WORK/big.xml" > /dev/null 2> "$WORK/err"; code=$?
  after=$(ls "$idx" | sort | md5sum)
  left=$([ "$before" = "$after" ] && echo "same files as before the batch" || echo "files changed")
  row "ingest into a full 3 MiB disk" "$(first_err)" "$code" "$left; $(du -sk "$idx" | cut -f1) KiB"
  "$RADAR" --index "$idx" ingest "$ROOT/tests/fixtures/entries/feeds" > /dev/null 2> "$WORK/err"; code=$?
  row "the next small ingest on that disk" "$(wc -l < "$WORK/err") lines on stderr" "$code" "no cleanup by hand"
else
  row "ingest into a full disk" "not run: mounting a tmpfs needs root" "-" "-"
fi
