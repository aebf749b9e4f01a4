#!/usr/bin/env python3
"""Function signatures in library code (src/ less cmd/, main.rs, tests) returning Result<_, String>."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
n = 0
for dp, _, fs in os.walk(root):
    if dp.startswith(os.path.join(root, 'cmd')): continue
    for f in sorted(fs):
        if not f.endswith('.rs') or f in ('main.rs', 'tests.rs'): continue
        p = os.path.join(dp, f); s = open(p).read()
        s = re.sub(r'#\[cfg\(test\)\]\s*mod tests \{.*', '', s, flags=re.S)
        for m in re.finditer(r'\bfn\s+(\w+)[^{;]*?->\s*Result<[^;{]*?,\s*String\s*>', s, flags=re.S):
            line = s[:m.start()].count('\n') + 1
            print(f"{p}:{line}: {m.group(1)}"); n += 1
        for m in re.finditer(r'(?:type\s+\w+\s*=|dyn\s+Fn[^;{]*?->)\s*Result<[^;{]*?,\s*String\s*>', s, flags=re.S):
            line = s[:m.start()].count('\n') + 1
            print(f"{p}:{line}: (type/closure) {m.group(0)[:60]!r}"); n += 1
print("total", n)
