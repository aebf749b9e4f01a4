#!/usr/bin/env python3
"""Cycles among sibling source files (a parent mod.rs and its children excluded)."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
mods = {}
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs') or f in ('main.rs', 'lib.rs'): continue
        rel = os.path.relpath(os.path.join(dp, f), root)[:-3].split(os.sep)
        if rel[-1] == 'mod': rel = rel[:-1]
        if rel[-1] == 'tests': continue
        mods[tuple(rel)] = os.path.join(dp, f)
def resolve(path):
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in mods: return tuple(path[:n])
edges = {m: set() for m in mods}
for m, p in mods.items():
    s = open(p).read()
    s = re.sub(r'#\[cfg\(test\)\]\s*mod tests \{.*', '', s, flags=re.S)
    s = re.sub(r'//[^\n]*', '', s)
    is_modrs = p.endswith('mod.rs')
    here = list(m) if is_modrs else list(m[:-1])  # where `super` points from: parent of m
    parent = list(m[:-1])
    for ref in re.findall(r'\b((?:crate|super)(?:::\w+)+|(?:crate|super)::\{[^}]*\})', s):
        targets = []
        base, *rest = ref.split('::', 1)
        start = [] if base == 'crate' else parent
        rest = rest[0] if rest else ''
        if rest.startswith('{'):
            for part in re.split(r',', rest.strip('{}')):
                part = part.strip().split(' ')[0]
                if part and part != 'self': targets.append(start + part.split('::'))
        else:
            targets.append(start + rest.split('::'))
        for t in targets:
            r = resolve(t)
            if r and r != m: edges[m].add(r)
def sibling(a, b):
    return not (a[:len(b)] == b or b[:len(a)] == a)
cyc = set()
for a in edges:
    for b in edges[a]:
        if sibling(a, b):
            # path back from b to a through sibling-only edges
            seen, stack = set(), [b]
            while stack:
                x = stack.pop()
                if x == a: cyc.add(tuple(sorted(['::'.join(a), '::'.join(b)]))); break
                if x in seen: continue
                seen.add(x)
                stack.extend(y for y in edges[x] if sibling(x, y))
for c in sorted(cyc): print("cycle through:", c[0], "<->", c[1])
print("file cycles:", len(cyc))
