#!/usr/bin/env python3
"""Builds a large OSV zip (like osv.dev's all-ecosystems all.zip) from the
real records in ../shared/fixtures (osv/ and rustsec/osv-export/), each copy
rewritten with a unique id (aliases too, so no two copies collapse into
one advisory). For scripts/bench_osv_zip.sh; never committed.

Usage: scripts/make_osv_zip.py OUT.zip [MEGABYTES]   (default 520)
"""
import json
import os
import sys
import zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fix = os.path.join(root, "..", "shared", "fixtures")
out = sys.argv[1]
target = int(sys.argv[2] if len(sys.argv) > 2 else 520) * 1024 * 1024

records = []
for sub in ("osv", "rustsec/osv-export"):
    for dirpath, _, files in os.walk(os.path.join(fix, sub)):
        for name in sorted(files):
            if name.endswith(".json"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    records.append(json.load(f))
if not records:
    sys.exit("no OSV records under ../shared/fixtures")

n = 0
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    while z.fp.tell() < target:
        for rec in records:
            copy = dict(rec)
            suffix = f"-X{n:07d}"
            copy["id"] = rec["id"] + suffix
            copy["aliases"] = [a + suffix for a in (rec.get("aliases") or [])]
            copy["related"] = []
            z.writestr(copy["id"] + ".json", json.dumps(copy, indent=2))
            n += 1
        print(f"{n} records, {z.fp.tell() / 1048576:.0f} MiB", file=sys.stderr)
print(f"wrote {n} records to {out} ({os.path.getsize(out) / 1048576:.0f} MiB)")
