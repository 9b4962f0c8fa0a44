#!/usr/bin/python3
"""What installing the edgebench .deb pulls onto a minimal Debian 12 arm64 system: the packages beyond
a minbase system (Priority: required, and what they depend on) that the package's Depends bring in,
resolved through bookworm's arm64 Packages index, with their Installed-Size. Alternatives take their
first choice and virtual packages their first provider, as apt does without preferences; versions are
not compared (one suite). Prints a Markdown summary and the largest packages pulled in.

  bench/deb_footprint.py EDGEBENCH.deb [--without REGEX] [--index Packages.xz]
      --without drops matching names from the Depends first (e.g. '^libopencv' for what a package
      without the image module would pull).
"""
import argparse
import lzma
import re
import subprocess
import sys
import urllib.request

INDEX_URL = 'http://deb.debian.org/debian/dists/bookworm/main/binary-arm64/Packages.xz'


def read_index(path):
    data = open(path, 'rb').read() if path else urllib.request.urlopen(INDEX_URL, timeout=60).read()
    text = lzma.decompress(data).decode('utf-8', 'replace')
    packages, providers = {}, {}
    for stanza in text.split('\n\n'):
        fields = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ':' in line:
                key, _, value = line.partition(':')
                fields[key] = value.strip()
        name = fields.get('Package')
        if not name:
            continue
        packages[name] = fields
        for p in split_depends(fields.get('Provides', '')):
            providers.setdefault(p[0], []).append(name)
    return packages, providers


def split_depends(text):
    """'a (>= 1) | b, c' -> [['a', 'b'], ['c']] (names only, arch qualifiers dropped)."""
    groups = []
    for group in text.split(','):
        names = [re.sub(r'\s*\(.*?\)|\s*\[.*?\]|:\w+', '', alt).strip() for alt in group.split('|')]
        names = [n for n in names if n]
        if names:
            groups.append(names)
    return groups


def resolve(name, packages, providers):
    if name in packages:
        return name
    return (providers.get(name) or [None])[0]


def closure(roots, packages, providers, have=frozenset()):
    seen, todo = set(), list(roots)
    while todo:
        group = todo.pop()
        if any(alt in seen or alt in have for alt in group):
            continue
        name = next((resolve(a, packages, providers) for a in group if resolve(a, packages, providers)), None)
        if name is None or name in seen or name in have:
            continue
        seen.add(name)
        fields = packages[name]
        todo.extend(split_depends(fields.get('Pre-Depends', '')) + split_depends(fields.get('Depends', '')))
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('deb')
    ap.add_argument('--without', default='')
    ap.add_argument('--index', default='', help='a local copy of bookworm main binary-arm64 Packages.xz')
    args = ap.parse_args()
    depends = subprocess.run(['dpkg-deb', '-f', args.deb, 'Depends'], capture_output=True, text=True, check=True).stdout
    groups = split_depends(depends)
    if args.without:
        groups = [g for g in groups if not any(re.search(args.without, n) for n in g)]
    packages, providers = read_index(args.index)
    base_roots = [[n] for n, f in packages.items() if f.get('Priority') == 'required' or f.get('Essential') == 'yes']
    base = closure(base_roots, packages, providers)
    pulled = closure(groups, packages, providers, have=frozenset(base))
    size = {n: int(packages[n].get('Installed-Size', '0')) for n in pulled}
    print('Depends (%d names%s): %s' % (len(groups), ', without /%s/' % args.without if args.without else '',
                                        ', '.join(g[0] for g in groups)))
    print('minbase: %d packages. Pulled in beyond it: **%d packages, %.1f MB installed**'
          % (len(base), len(pulled), sum(size.values()) / 1024.0))
    print('largest: ' + ', '.join('%s %.1f MB' % (n, s / 1024.0) for n, s in sorted(size.items(), key=lambda x: -x[1])[:12]))


if __name__ == '__main__':
    sys.exit(main())
