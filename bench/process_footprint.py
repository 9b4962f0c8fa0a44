#!/usr/bin/python3
"""Peak resident memory and shared objects of edgebench commands that read no images (issue 16's lean
binary): each command runs with bench/at_exit_footprint.c preloaded (built here with cc), which writes
the process's own VmHWM and the number of distinct shared objects mapped when it exits. (A parent's
getrusage would count the forked Python's memory as the child's.) The preload itself is one of the
shared objects counted, and ld.so another. Markdown table; median over --repeats.

  bench/process_footprint.py --edgebench build/daemon/edgebench [--db results.db] [--model M.tflite]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def footprint(cmd, preload, tmp):
    out = os.path.join(tmp, 'fp.txt')
    if os.path.exists(out):
        os.remove(out)
    env = dict(os.environ, LD_PRELOAD=preload, EB_FOOTPRINT_OUT=out)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0 or not os.path.exists(out):
        sys.exit('%s failed: %s' % (' '.join(cmd), p.stderr.strip()[-300:]))
    vals = dict(line.split() for line in open(out))
    return int(vals['vmhwm_kb']), int(vals['shared_objects'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--db', default='')
    ap.add_argument('--model', default='')
    ap.add_argument('--repeats', type=int, default=5)
    args = ap.parse_args()
    eb = args.edgebench
    cmds = [['--version'], ['ops']]
    if args.model:
        cmds += [['inspect', args.model], ['bench', args.model, '--iterations', '20']]
    if args.db:
        cmds += [['query', 'runs', '--db', args.db], ['query', 'compare', '--db', args.db]]
    with tempfile.TemporaryDirectory(prefix='ebfp_') as tmp:
        preload = os.path.join(tmp, 'at_exit_footprint.so')
        subprocess.run(['cc', '-O2', '-shared', '-fPIC', '-o', preload, os.path.join(HERE, 'at_exit_footprint.c')], check=True)
        print('| command | peak RSS MiB | shared objects mapped (incl. ld.so and the preload) |')
        print('|---|---|---|')
        for c in cmds:
            runs = [footprint([eb] + c, preload, tmp) for _ in range(args.repeats)]
            print('| `edgebench %s` | %.1f | %d |' % (' '.join(os.path.basename(x) for x in c),
                                                     statistics.median(r[0] for r in runs) / 1024.0,
                                                     statistics.median(r[1] for r in runs)))


if __name__ == '__main__':
    sys.exit(main())
