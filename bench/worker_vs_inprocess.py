#!/usr/bin/python3
"""The measuring worker against the in-process loop it replaced: two edgebench binaries (a build from
before the worker, OLD, and one with it, NEW) each run `edgebench run MODEL --images DIR` on the same
models, alternating binary run by run. Per model: the median over repeated runs of each run's p50
latency (ms) and the ratio NEW / OLD, then the memory each reports (OLD: edgebench's own peak RSS while
measuring; NEW: the worker's peak and, when the database has it, model_memory_bytes). Markdown table;
nothing is kept.

  bench/worker_vs_inprocess.py --old OLD/edgebench --new NEW/edgebench --images DIR MODEL.tflite [...]
      [--engine auto] [--threads 1] [--limit 300] [--repeats 7]
"""
import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile


def measure(binary, model, args, tmp):
    db = os.path.join(tmp, 'r.db')
    if os.path.exists(db):
        os.remove(db)
    cmd = [binary, 'run', model, '--images', args.images, '--limit', str(args.limit), '--engine', args.engine,
           '--threads', str(args.threads), '--db', db]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('%s failed on %s: %s' % (binary, model, (p.stderr.strip().splitlines() or ['?'])[-1]))
    con = sqlite3.connect(db)
    try:
        cols = {r[1] for r in con.execute('pragma table_info(measurements)')}
        want = ['latency_p50_ms', 'peak_rss_bytes'] + (['model_memory_bytes'] if 'model_memory_bytes' in cols else [])
        row = con.execute('select %s, error from measurements' % ', '.join(want)).fetchone()
    finally:
        con.close()
    if row[-1]:
        sys.exit('%s measured %s as failed: %s' % (binary, model, row[-1]))
    return dict(zip(want, row[:-1]))


def mib(v):
    return '-' if v is None else '%.1f' % (v / 1048576.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--old', required=True)
    ap.add_argument('--new', required=True)
    ap.add_argument('--images', required=True)
    ap.add_argument('models', nargs='+')
    ap.add_argument('--engine', default='auto')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--limit', type=int, default=300)
    ap.add_argument('--repeats', type=int, default=7)
    args = ap.parse_args()
    print('| model | old p50 ms | new p50 ms | new / old | old peak MiB (edgebench) | new peak MiB (worker) | new model MiB |')
    print('|---|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory(prefix='ebwork_') as tmp:
        for model in args.models:
            old, new = [], []
            for _ in range(args.repeats):
                old.append(measure(args.old, model, args, tmp))
                new.append(measure(args.new, model, args, tmp))
            o = statistics.median(r['latency_p50_ms'] for r in old)
            n = statistics.median(r['latency_p50_ms'] for r in new)
            mm = new[-1].get('model_memory_bytes')
            print('| %s | %.4f | %.4f | %.3f | %s | %s | %s |' % (
                os.path.basename(model), o, n, n / o, mib(statistics.median(r['peak_rss_bytes'] for r in old)),
                mib(statistics.median(r['peak_rss_bytes'] for r in new)), mib(mm)), flush=True)


if __name__ == '__main__':
    sys.exit(main())
