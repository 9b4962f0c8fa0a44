#!/usr/bin/python3
"""Latency through the measuring worker against the in-process loop with the same kernels: per model,
the median over --repeats of `edgebench run MODEL --images DIR --limit N`'s p50 (each inference in the
worker process, inputs handed over a socket) and of `edgebench bench MODEL --iterations N`'s p50 (in
process, back to back), runs alternating, and their ratio. Markdown table; nothing is kept.

  bench/worker_vs_bench.py --edgebench build-release/daemon/edgebench --images DIR [--limit 1000]
      [--repeats 5] MODEL.tflite...
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--images', required=True)
    ap.add_argument('--limit', type=int, default=1000)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('models', nargs='+')
    a = ap.parse_args()
    print('| model | in-process `bench` p50 ms | worker `run` p50 ms | worker / in-process |')
    print('|---|---|---|---|')
    for m in a.models:
        inproc, worker = [], []
        for _ in range(a.repeats):
            p = subprocess.run([a.edgebench, 'bench', m, '--iterations', str(a.limit), '--json'], capture_output=True,
                               text=True, check=True)
            inproc.append(json.loads(p.stdout)['latency_ms']['p50'])
            with tempfile.TemporaryDirectory() as d:
                db = os.path.join(d, 'r.db')
                subprocess.run([a.edgebench, 'run', m, '--images', a.images, '--limit', str(a.limit), '--db', db],
                               capture_output=True, check=True)
                con = sqlite3.connect(db)
                worker.append(con.execute('select latency_p50_ms from measurements').fetchone()[0])
                con.close()
        b, r = statistics.median(inproc), statistics.median(worker)
        print('| %s | %.4f | %.4f | %.3f |' % (os.path.basename(m), b, r, r / b))


if __name__ == '__main__':
    main()
