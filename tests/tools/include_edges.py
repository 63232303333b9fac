#!/usr/bin/env python3
"""Files per folder and include edges between folders, from `#include "run_anvil/..."` lines.
Usage: edges.py [--check] [git-rev]   (default: the work tree). A header include/run_anvil/X/h.h
belongs to folder X (its mirror), so a folder's files are its sources plus its headers.
--check: exit 1 when any file of sidecars/ includes one of launcher/ (the decisions depend on no
effect; ctest runs this)."""
import collections, re, subprocess, sys
args = sys.argv[1:]
check = '--check' in args
args = [a for a in args if a != '--check']
rev = args[0] if args else None
def files():
    if rev:
        out = subprocess.check_output(['git', 'ls-tree', '-r', '--name-only', rev], text=True)
    else:
        try:
            out = subprocess.check_output(['git', 'ls-files', '-co', '--exclude-standard'],
                                          text=True, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError):  # a source tarball: no git
            import os
            out = '\n'.join(os.path.relpath(os.path.join(d, n)) for top in ('launcher', 'sidecars', 'include')
                             for d, _, names in os.walk(top) for n in names)
    return [f for f in out.split() if re.match(r'(launcher|sidecars|include/run_anvil)/.*\.(cc|h)$', f)]
def read(f):
    if rev: return subprocess.check_output(['git', 'show', f'{rev}:{f}'], text=True)
    return open(f).read()
def folder(path):
    path = re.sub(r'^include/run_anvil/', '', path)
    d = path.rsplit('/', 1)[0] if '/' in path else '(top)'
    return d
count = collections.Counter(); edges = collections.Counter(); wrong_way = []
for f in files():
    src = folder(f); count[src] += 1
    for inc in re.findall(r'^#include "run_anvil/([^"]+)"', read(f), re.M):
        dst = folder(inc)
        if dst != src and dst != '(top)': edges[(src, dst)] += 1
        if src.startswith('sidecars') and dst.startswith('launcher'):
            wrong_way.append(f'{f}: #include "run_anvil/{inc}"')
if check:
    for w in wrong_way: print(f'wrong-way include (sidecars/ must not depend on launcher/): {w}')
    sys.exit(1 if wrong_way else 0)
print('files per folder (sources + mirrored headers):')
for k in sorted(count): print(f'  {k:22} {count[k]}')
print(f'include edges between folders: {len(edges)} distinct pairs, {sum(edges.values())} include lines')
for (a, b), n in sorted(edges.items()): print(f'  {a:22} -> {b:22} {n}')
