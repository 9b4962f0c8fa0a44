#!/usr/bin/python3
"""Where the time goes, per operator type, for one or two edgebench builds: runs `edgebench bench
--profile-ops` REPEATS times per model and build (alternating builds run by run, so drift hits both
alike) and prints, per model, a Markdown table of each operator type's median milliseconds per
inference and median share of the total, with the kernels its slowest nodes ran, and the reference-
kernel operators above --limit percent (issue 15's rule: none above 5 %).

  bench/profile_ops.py --edgebench build/daemon/edgebench [--edgebench OTHER --labels after,before]
      MODEL... [--engine auto] [--threads 1] [--repeats 5] [--iterations 10] [--warmup 2] [--limit 5]

Kernels come from the profile's slowest-node list (15 nodes), so an operator type whose nodes are all
outside it shows none; a reference kernel is one whose name ends in "_ref" (or "_ref(variant)", e.g.
"add_int8_tflite_ref(sub)").
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

OP_LINE = re.compile(r'^\s+(\S+)\s+([0-9.]+)\s+([0-9.]+)%$')
NODE_LINE = re.compile(r'^\s+node\s+(\d+)\s+(\S+)\s+(\S+)\s+([0-9.]+)$')
P50_LINE = re.compile(r'\bp50 ([0-9.]+)')
REF_KERNEL = re.compile(r'_ref(\(.*\))?$')


def profile_once(binary, model, args):
    cmd = [binary, 'bench', model, '--engine', args.engine, '--threads', str(args.threads), '--warmup',
           str(args.warmup), '--iterations', str(args.iterations), '--profile-ops']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit('%s failed: %s' % (' '.join(cmd), p.stderr.strip()))
    ops, nodes, p50, section = {}, [], None, None
    for line in p.stdout.splitlines():
        if line.startswith('operator profile'):
            section = 'ops'
        elif line.startswith('slowest nodes'):
            section = 'nodes'
        elif section == 'ops' and OP_LINE.match(line):
            m = OP_LINE.match(line)
            ops[m.group(1)] = (float(m.group(2)), float(m.group(3)))
        elif section == 'nodes' and NODE_LINE.match(line):
            m = NODE_LINE.match(line)
            nodes.append((int(m.group(1)), m.group(2), m.group(3), float(m.group(4))))
        m = P50_LINE.search(line)
        if m and p50 is None:
            p50 = float(m.group(1))
    return ops, nodes, p50


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', action='append', required=True, help='a build to profile (once or twice)')
    ap.add_argument('--labels', default=None, help='comma-separated names of the builds (default: the paths)')
    ap.add_argument('models', nargs='+')
    ap.add_argument('--engine', default='auto')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--iterations', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--limit', type=float, default=5.0, help='percent: flag reference kernels above it')
    args = ap.parse_args()
    builds = args.edgebench
    labels = args.labels.split(',') if args.labels else builds
    print('`edgebench bench MODEL --engine %s --threads %d --warmup %d --iterations %d --profile-ops`, '
          'median over %d runs per build (alternating).' % (args.engine, args.threads, args.warmup, args.iterations,
                                                              args.repeats))
    for model in args.models:
        if not os.path.isfile(model):
            print('\nskipped %s: file not found' % model)
            continue
        runs = {b: [] for b in builds}
        for _ in range(args.repeats):
            for b in builds:
                runs[b].append(profile_once(b, model, args))
        print('\n**%s**\n' % os.path.basename(model))
        p50s = ' · '.join('%s p50 %.3f ms' % (l, statistics.median(r[2] for r in runs[b])) for b, l in zip(builds, labels))
        print(p50s + '\n')
        head = '| operator | ' + ' | '.join('%s ms | %s %%' % (l, l) for l in labels) + ' | kernels (%s) |' % labels[0]
        print(head)
        print('|' + '---|' * (head.count('|') - 1))
        types = set()
        for b in builds:
            for ops, _, _ in runs[b]:
                types.update(ops)
        med = {}
        for b in builds:
            for t in types:
                ms = statistics.median(ops.get(t, (0.0, 0.0))[0] for ops, _, _ in runs[b])
                share = statistics.median(ops.get(t, (0.0, 0.0))[1] for ops, _, _ in runs[b])
                med[(b, t)] = (ms, share)
        flagged = {b: [] for b in builds}
        for t in sorted(types, key=lambda t: -med[(builds[0], t)][0]):
            if max(med[(b, t)][1] for b in builds) < 1.0:
                continue
            kernels = {}
            for b in builds:
                ks = sorted({k for _, nodes, _ in runs[b] for _, ty, k, _ in nodes if ty == t})
                kernels[b] = ks
                if any(REF_KERNEL.search(k) for k in ks) and med[(b, t)][1] > args.limit:
                    flagged[b].append('%s (%.1f %%)' % (t, med[(b, t)][1]))
            cells = ' | '.join('%.3f | %.1f' % med[(b, t)] for b in builds)
            print('| %s | %s | %s |' % (t, cells, ', '.join('`%s`' % k for k in kernels[builds[0]]) or '-'))
        print()
        for b, l in zip(builds, labels):
            print('%s: reference-kernel operators above %g %%: %s' % (l, args.limit, ', '.join(flagged[b]) or 'none'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
