#!/usr/bin/python3
"""Runs `edgebench bench --json` on every model of a directory for each engine and thread count,
alternating engines run by run, and prints the median over repeated runs of each run's p50 latency
(milliseconds), each engine's peak RSS, and the first engine's arena against its lower bound, as a
Markdown table. Where two engines are given, the ratio column is ENGINE0 / ENGINE1 (lower is better for
ENGINE0), and a summary gives the geometric mean and the maximum of the ratios per thread count (issue 3's
targets: geometric mean <= 1.0, no model above 1.5). By default: edgebench's `auto` engine against
XNNPACK, at 1 and 2 threads.

  bench/bench_models.py --edgebench build-release/daemon/edgebench [--models ../shared/models]
      [--extra MODEL ...] [--engines auto,xnnpack] [--threads 1,2] [--repeats 5] [--iterations 30] [--warmup 5]

--extra adds single model files after the directory's, e.g. the full-size synthetic models that are
too large to commit and are generated on demand (TensorFlow needed only to make them):
  /opt/tfenv/bin/python bench/make_yolov8n.py --out /tmp/eb-models          # yolov8n-640-{float32,int8}
  /opt/tfenv/bin/python bench/make_movenet_like.py --out /tmp/eb-models      # movenet-like-192-{float32,int8}
  bench/bench_models.py ... --extra /tmp/eb-models/yolov8n-640-int8.tflite --extra ...
A missing --extra file is skipped with a message naming the script that makes it; --models '' leaves
the directory out.

A model an engine refuses (XNNPACK takes a subset) is shown as "refused" in that engine's cells, with the
one-line reason listed under the table; it is left out of the ratio summary.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys


def bench_once(args, model, engine, threads):
    cmd = [args.edgebench, 'bench', model, '--engine', engine, '--threads', str(threads),
           '--warmup', str(args.warmup), '--iterations', str(args.iterations), '--json']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ['exit status %d' % p.returncode])[-1]
    return json.loads(p.stdout), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--models', default=os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'models'))
    ap.add_argument('--extra', action='append', default=[], metavar='MODEL',
                    help='a further .tflite file (repeatable); skipped with a message when absent')
    ap.add_argument('--engines', default='auto,xnnpack')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--iterations', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=5)
    args = ap.parse_args()
    engines = args.engines.split(',')
    threads = [int(t) for t in args.threads.split(',')]
    models = []  # (name shown, path)
    if args.models:
        if not os.path.isdir(args.models):
            print('models directory not found: %s' % args.models, file=sys.stderr)
            return 2
        models = [(f, os.path.join(args.models, f)) for f in sorted(os.listdir(args.models)) if f.endswith('.tflite')]
    skipped = []
    for path in args.extra:
        if os.path.isfile(path):
            models.append((os.path.basename(path), path))
        else:
            skipped.append(path)
    if not models:
        print('no models to measure', file=sys.stderr)
        return 2
    pair = len(engines) == 2
    head = '| model | threads | ' + ' | '.join('%s p50 ms' % e for e in engines)
    if pair:
        head += ' | ratio %s/%s' % tuple(engines)
    head += ' | ' + ' | '.join('%s peak RSS MiB' % e for e in engines)
    head += ' | %s arena KiB | arena / lower bound |' % engines[0]
    print('Latency: median over %d alternating runs of each run\'s p50 (%d timed inferences after %d warm-ups).'
          % (args.repeats, args.iterations, args.warmup))
    print()
    print(head)
    print('|' + '---|' * (head.count('|') - 1))
    ratios = {t: [] for t in threads}
    refusals = {}
    for m, path in models:
        for t in threads:
            p50 = {e: [] for e in engines}
            rss = {e: [] for e in engines}
            last = {}
            refused = {}
            for _ in range(args.repeats):
                for e in engines:  # alternate engines so drift (heat, other load) hits both alike
                    if e in refused:
                        continue
                    r, err = bench_once(args, path, e, t)
                    if r is None:
                        refused[e] = err
                        refusals[(m, e)] = err
                        continue
                    p50[e].append(r['latency_ms']['p50'])
                    rss[e].append(r['peak_rss_bytes'])
                    last[e] = r
            med = {e: statistics.median(v) for e, v in p50.items() if v and e not in refused}
            row = '| %s | %d | ' % (m, t) + ' | '.join('%.3f' % med[e] if e in med else 'refused' for e in engines)
            if pair:
                if all(e in med for e in engines) and med[engines[1]] > 0:
                    ratio = med[engines[0]] / med[engines[1]]
                    ratios[t].append((ratio, m))
                    row += ' | %.2f' % ratio
                else:
                    row += ' | n/a'
            row += ' | ' + ' | '.join('%.1f' % (statistics.median(rss[e]) / 1048576) if e in med else '-' for e in engines)
            r0 = last.get(engines[0])
            if r0:
                lb = r0.get('arena_lower_bound_bytes') or 0
                row += ' | %.1f | %s |' % (r0['arena_bytes'] / 1024, '%.3f' % (r0['arena_bytes'] / lb) if lb else 'n/a')
            else:
                row += ' | - | - |'
            print(row, flush=True)
    if pair:
        print()
        for t in threads:
            rs = ratios[t]
            if not rs:
                continue
            geo = math.exp(sum(math.log(r) for r, _ in rs) / len(rs))
            worst = max(rs)
            print('%d thread(s): geometric mean of %s/%s over %d models = %.2f; max %.2f (%s)'
                  % (t, engines[0], engines[1], len(rs), geo, worst[0], worst[1]))
    for path in skipped:
        name = os.path.basename(path)
        maker = ('bench/make_yolov8n.py' if name.startswith('yolov8') else
                 'bench/make_movenet_like.py' if name.startswith('movenet-like') else 'its generator')
        print()
        print('skipped %s: file not found (not committed; make it with %s, see --help)' % (path, maker))
    if refusals:
        print()
        for (m, e), err in sorted(refusals.items()):
            print('%s refused %s: %s' % (e, m, err))
    return 0


if __name__ == '__main__':
    sys.exit(main())
