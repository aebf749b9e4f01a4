#!/usr/bin/env bash
# Ingest of a >= 500 MB OSV zip (issue 14): peak RSS and items/s.
# Usage: scripts/bench_osv_zip.sh [MEGABYTES]     (default 520)
# Builds the zip with scripts/make_osv_zip.py into a temp folder (needs
# ../shared/fixtures and ~1 GB free for zip + index), ingests it with the
# release binary under /usr/bin/time, prints one line. Uses $CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-520}
TGT=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q --bin radar
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_osv_zip.XXXXXX")
trap 'rm -rf "$W"' EXIT
python3 scripts/make_osv_zip.py "$W/all.zip" "$MB" 2>/dev/null
records=$(python3 -c 'import sys,zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$W/all.zip")
/usr/bin/time -f '%e %M' -o "$W/time" "$TGT/release/radar" -q --index "$W/ix" ingest --json "$W/all.zip" >"$W/report.json"
read -r secs kib <"$W/time"
new=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["items_new"], len(r["errors"]))' "$W/report.json")
echo "zip $(du -m "$W/all.zip" | cut -f1) MB, $records records; items new/errors: $new; ${secs} s; $(awk -v n="$records" -v s="$secs" 'BEGIN{printf "%.0f", n/s}') items/s; peak RSS $(awk -v k="$kib" 'BEGIN{printf "%.0f", k/1024}') MiB; index $(du -sm "$W/ix" | cut -f1) MB"
