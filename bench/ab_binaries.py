#!/usr/bin/python3
"""Before/after of a change: two edgebench binaries (say, a build of the previous commit and of this one)
run `bench --json` on the same models, engine and thread counts, alternating binary run by run, and
the median over repeated runs of each run's p50 latency (ms) is printed per binary with the ratio
NEW / OLD (lower is better for NEW), as a Markdown table. Nothing is stored.

  bench/ab_binaries.py --old OLD/edgebench --new NEW/edgebench MODEL.tflite [MODEL ...]
      [--engine auto] [--threads 1,2] [--repeats 9] [--iterations 50] [--warmup 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def p50(binary, model, engine, threads, args):
    cmd = [binary, 'bench', model, '--engine', engine, '--threads', str(threads), '--warmup', str(args.warmup),
           '--iterations', str(args.iterations), '--json']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('%s failed on %s: %s' % (binary, model, (p.stderr.strip().splitlines() or ['?'])[-1]))
    return json.loads(p.stdout)['latency_ms']['p50']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--old', required=True)
    ap.add_argument('--new', required=True)
    ap.add_argument('models', nargs='+')
    ap.add_argument('--engine', default='auto')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--repeats', type=int, default=9)
    ap.add_argument('--iterations', type=int, default=50)
    ap.add_argument('--warmup', type=int, default=5)
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(',')]
    print('| model | threads | old p50 ms | new p50 ms | new / old |')
    print('|---|---|---|---|---|')
    for model in args.models:
        for t in threads:
            old, new = [], []
            for r in range(args.repeats):  # alternate, and alternate which goes first
                pair = [(args.old, old), (args.new, new)]
                for binary, out in (pair if r % 2 == 0 else pair[::-1]):
                    out.append(p50(binary, model, args.engine, t, args))
            o, n = statistics.median(old), statistics.median(new)
            print('| %s | %d | %.3f | %.3f | %.2f |' % (os.path.basename(model), t, o, n, n / o))


if __name__ == '__main__':
    main()
