#!/usr/bin/env python3
"""Turns osv-scalibr's extractor tests (*_test.go) into our expectation
tables: tests/fixtures/scalibr/<kind>.json, one entry per test case with
the input file, whether an error is expected, and the packages (name,
version, commit, dependency groups) osv-scalibr expects.

Usage: scripts/scalibr_expectations.py OSV_SCALIBR_GIT_DIR
(a clone or bare mirror of google/osv-scalibr at the commit named in
../shared/fixtures/SOURCES.md). The inputs themselves stay in ../shared.
"""
import json, os, re, subprocess, sys

COMMIT = "c2094f2d68e3994551d9998a54e2e97985a18a39"
KINDS = {
    "pnpmlock": "javascript/pnpmlock", "yarnlock": "javascript/yarnlock",
    "bunlock": "javascript/bunlock", "poetrylock": "python/poetrylock",
    "uvlock": "python/uvlock", "pipfilelock": "python/pipfilelock",
    "pdmlock": "python/pdmlock", "gemfilelock": "ruby/gemfilelock",
    "composerlock": "php/composerlock", "gradlelockfile": "java/gradlelockfile",
    "pomxml": "java/pomxml", "packageslockjson": "dotnet/packageslockjson",
    "pubspec": "dart/pubspec", "mixlock": "elixir/mixlock",
}
STR = r'"((?:[^"\\]|\\.)*)"'


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True,
                          capture_output=True, text=True).stdout


def cases(text):
    out, case, pkg, in_extract = [], None, None, False
    for line in text.splitlines():
        if line.startswith("func "):
            in_extract = (line.startswith("func TestExtractor_Extract") or line.startswith("func TestExtract")
                          or line.startswith("func TestExtractor("))
            continue
        if not in_extract:
            continue
        tabs = len(line) - len(line.lstrip("\t"))
        body = line.strip()
        # Case tables use `Name:`/`Path:`/`WantErr:` or (dotnet) `name:`/`path:`/`wantErr:`.
        m = re.match(r'[Nn]ame:\s+' + STR + ',', body)
        if m and tabs == 3:
            case = {"name": m.group(1), "path": None, "error": None, "packages": []}
            out.append(case)
            pkg = None
            continue
        if case is None:
            continue
        m = re.match(r'[Pp]ath:\s+' + STR, body)
        if m and tabs in (3, 4) and case["path"] is None:
            case["path"] = m.group(1)
            continue
        if body.startswith("WantErr:") or body.startswith("wantErr:"):
            m = re.search(r'Str:\s*' + STR, body)
            case["error"] = m.group(1) if m else "error"
            continue
        if m := re.match(r'pkg\(t, ' + STR + r', ' + STR, body):
            case["packages"].append({"name": m.group(1), "version": m.group(2), "commit": "", "groups": []})
            pkg = None
            continue
        if m := re.match(r'Name:\s+' + STR + ',', body):
            pkg = {"name": m.group(1), "version": None, "commit": "", "groups": None}
            case["packages"].append(pkg)
            continue
        if pkg is None:
            continue
        if m := re.match(r'Version:\s+' + STR, body):
            pkg["version"] = m.group(1)
        elif m := re.match(r'Commit:\s+' + STR, body):
            pkg["commit"] = m.group(1)
        elif m := re.match(r'DepGroupVals:\s+\[\]string\{(.*)\}', body):
            pkg["groups"] = re.findall(STR, m.group(1))
    return [c for c in out if c["path"]]


def main():
    repo = sys.argv[1]
    dest = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "scalibr")
    for kind, origin in KINDS.items():
        folder = f"extractor/filesystem/language/{origin}"
        files = [f for f in git(repo, "ls-tree", "--name-only", COMMIT, folder + "/").split()
                 if f.endswith("_test.go")]
        all_cases = []
        for f in sorted(files):
            for c in cases(git(repo, "show", f"{COMMIT}:{f}")):
                c["origin"] = os.path.basename(f)
                all_cases.append(c)
        with open(os.path.join(dest, kind + ".json"), "w") as fh:
            json.dump({"origin": f"google/osv-scalibr@{COMMIT}:{folder}", "cases": all_cases}, fh, indent=1)
            fh.write("\n")
        print(kind, len(all_cases))


main()
