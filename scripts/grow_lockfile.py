#!/usr/bin/env python3
"""Grow a real pnpm-lock.yaml (v9) or yarn berry yarn.lock to N packages.

    scripts/grow_lockfile.py IN OUT --packages 3000

Used by the issue 11 benchmark: no public lockfile we can fetch here has
3,000 packages, so we copy the real file's own entries under renamed
package names (`name` -> `name-g1`, `@s/name` -> `@s/name-g1`, ...) until
the count is reached. Each copy keeps its entry's real structure (fields,
peer suffixes, resolutions, checksums) and its edges point at the copies
of the same round, so the reader does the same work per package as on the
real file. Text-level on purpose: a YAML round trip would reorder and
re-quote and no longer be the format pnpm/yarn write.
"""
import argparse
import re
import sys


def rename(spec, k):
    """`name@rest` -> `name-gk@rest` (the scope's leading @ is not the split)."""
    at = spec.find("@", 1)
    if at < 0:
        return spec + f"-g{k}"
    return f"{spec[:at]}-g{k}{spec[at:]}"


def unquote(s):
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[0], s[1:-1]
    return "", s


def split_blocks(lines, indent):
    """Entries start at exactly `indent` spaces; returns (head, blocks)."""
    pad = " " * indent
    blocks, cur = [], None
    head = []
    for line in lines:
        starts = line.startswith(pad) and len(line) > indent and line[indent] not in " #"
        if starts:
            cur = [line]
            blocks.append(cur)
        elif cur is None:
            head.append(line)
        else:
            cur.append(line)
    return head, blocks


def key_of(line):
    body = line.strip()
    if body.startswith(("'", '"')):
        return unquote(body[: body.index(body[0], 1) + 1])[1]
    return body.split(":", 1)[0]


def pnpm_key(line, k):
    # `  'name@1.0.0(peer@2)':` or `  name@1.0.0:`
    body = line.strip()
    assert body.endswith(":") or body.endswith(": {}"), line
    key, tail = body.split(":", 1) if not body.startswith(("'", '"')) else (
        body[: body.index(body[0], 1) + 1], body[body.index(body[0], 1) + 2 :])
    q, key = unquote(key)
    q = q or ("'" if key.startswith("@") else "")
    return f"  {q}{rename(key, k)}{q}:{tail}"


def pnpm_dep(line, k):
    # `      name: 1.0.0(peer@2)` inside dependencies/optionalDependencies.
    m = re.match(r"^(\s+)('[^']*'|\"[^\"]*\"|[^:\s]+): (.*)$", line)
    if not m:
        return line
    q, name = unquote(m.group(2))
    return f"{m.group(1)}{q}{name}-g{k}{q}: {m.group(3)}"


def grow_pnpm(text, target):
    lines = text.split("\n")
    top = [i for i, l in enumerate(lines) if l and not l[0].isspace()]
    sect = {lines[i].rstrip(":"): i for i in top}
    if "packages" not in sect or "snapshots" not in sect:
        sys.exit("expected a pnpm v9 lockfile (packages: and snapshots:)")
    p0, s0 = sect["packages"], sect["snapshots"]
    ends = {i: next((j for j in top if j > i), len(lines)) for i in (p0, s0)}
    _, pkgs = split_blocks(lines[p0 + 1 : ends[p0]], 2)
    _, snaps = split_blocks(lines[s0 + 1 : ends[s0]], 2)
    have = len(pkgs)
    add_p, add_s = [], []
    k = 0
    while have < target:
        k += 1
        copied = set()
        for b in pkgs:
            if have >= target:
                break
            add_p.append([pnpm_key(b[0], k)] + b[1:])
            copied.add(key_of(b[0]))
            have += 1
        for b in snaps:
            if key_of(b[0]).split("(")[0] not in copied:
                continue
            out = [pnpm_key(b[0], k)]
            for line in b[1:]:
                out.append(pnpm_dep(line, k) if line.startswith("      ") and not line.startswith("       ") else line)
            add_s.append(out)
    flat = lambda bs: [l for b in bs for l in b]
    new = (lines[: ends[p0]] + flat(add_p) + lines[ends[p0] : ends[s0]] + flat(add_s) + lines[ends[s0] :])
    return "\n".join(new), have


def grow_berry(text, target):
    lines = text.split("\n")
    head, blocks = split_blocks(lines, 0)
    entries = [b for b in blocks if not b[0].startswith("__metadata") and "@workspace:" not in b[0]]
    have = sum(1 for b in blocks if not b[0].startswith("__metadata"))
    added = []
    k = 0
    while have < target:
        k += 1
        for b in entries:
            if have >= target:
                break
            key = b[0].rstrip().rstrip(":")
            descs = [unquote(d.strip())[1] for d in key.strip('"').split(",")]
            out = ['"' + ", ".join(rename(d, k) for d in descs) + '":']
            group = None
            for line in b[1:]:
                if line.startswith("  resolution: "):
                    _, r = unquote(line[len("  resolution: "):])
                    line = f'  resolution: "{rename(r, k)}"'
                elif line.startswith("  ") and not line.startswith("   "):
                    group = line.strip().rstrip(":")
                elif line.startswith("    ") and group in ("dependencies", "peerDependencies", "dependenciesMeta"):
                    line = pnpm_dep(line, k)
                out.append(line)
            added.append(out)
            have += 1
    body = "\n".join(lines).rstrip("\n")
    return body + "\n\n" + "\n".join(l for b in added for l in b).rstrip("\n") + "\n", have


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--packages", type=int, default=3000)
    a = ap.parse_args()
    text = open(a.input, encoding="utf-8").read()
    if "lockfileVersion:" in text[:200]:
        out, n = grow_pnpm(text, a.packages)
    elif "__metadata:" in text:
        out, n = grow_berry(text, a.packages)
    else:
        sys.exit(f"{a.input}: neither a pnpm v9 lockfile nor a yarn berry lockfile")
    open(a.output, "w", encoding="utf-8").write(out)
    print(f"{a.output}: {n} entries")


if __name__ == "__main__":
    main()
