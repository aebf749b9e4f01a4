#!/usr/bin/env python3
"""Top-level module import graph of src/ (crate::X uses), with cycle check."""
import os, re, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
mods = set()
for f in os.listdir(root):
    if f.endswith('.rs') and f not in ('lib.rs', 'main.rs'): mods.add(f[:-3])
    elif os.path.isdir(os.path.join(root, f)): mods.add(f)
edges = {m: set() for m in mods}
pat = re.compile(r'crate::(\{[^}]*\}|[a-z_]+)')
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f); rel = os.path.relpath(p, root)
        top = rel.split(os.sep)[0]
        top = top[:-3] if top.endswith('.rs') else top
        if top not in mods: continue
        src = open(p).read()
        # drop #[cfg(test)] mod tests { ... } roughly: skip files named tests.rs
        if f == 'tests.rs': continue
        src = re.sub(r'#\[cfg\(test\)\]\s*mod tests \{.*', '', src, flags=re.S)
        for m in pat.finditer(src):
            g = m.group(1)
            names = re.findall(r'\b([a-z_]+)\b', g) if g.startswith('{') else [g]
            for n in names:
                if n in mods and n != top: edges[top].add(n)
for m in sorted(edges): print(f"{m:10} -> {', '.join(sorted(edges[m])) or '-'}")
# cycles via Tarjan SCC
idx = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in idx: sc(v)
print("cycles:", sccs if sccs else "none")
