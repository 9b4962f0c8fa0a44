#!/usr/bin/python3
"""Runs models through real TFLite (../shared/tools/tflite-oracle, default runtime tfjs: TFLite's C++
kernels with the XNNPACK delegate) and through `edgebench infer` on the same random inputs, and prints the
largest difference per model and engine: in quantized steps for integer outputs, absolute and relative
for float ones. For models that are not in ../shared (bench/make_models.cc writes some).

  bench/oracle_compare.py --edgebench build/daemon/edgebench [--engines ref,auto] [--seeds 3] MODEL...

Needs the oracle installed (../shared/tools/tflite-oracle/setup.sh) and /usr/bin/python3 with numpy.
Exit status 1 when an integer output is more than one step from TFLite (the conformance rule).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, '..', '..', 'shared', 'tools', 'tflite-oracle', 'ref_infer.py')


def input_spec(model):
    out = subprocess.run(['/usr/bin/python3', ORACLE, 'info', model], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.strip().startswith('input 0:'))
    shape = [int(v) for v in line.split('shape=[')[1].split(']')[0].split(',')]
    dtype = line.split('dtype=')[1].split()[0]
    return shape, dtype


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--engines', default='ref,auto')
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('models', nargs='+')
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            shape, dtype = input_spec(model)
            worst = {}
            for seed in range(args.seeds):
                rng = np.random.default_rng(seed)
                if dtype == 'float32':
                    x = rng.uniform(-2, 2, shape).astype(np.float32)
                else:
                    info = np.iinfo(dtype)
                    x = rng.integers(info.min, info.max + 1, shape).astype(dtype)
                inp, want_path = os.path.join(tmp, 'in.npy'), os.path.join(tmp, 'want.npy')
                np.save(inp, x)
                subprocess.run(['/usr/bin/python3', ORACLE, model, inp, want_path], check=True, capture_output=True)
                want = np.load(want_path)
                for engine in args.engines.split(','):
                    out_dir = os.path.join(tmp, engine)
                    subprocess.run([args.edgebench, 'infer', model, '--input', inp, '--output-dir', out_dir,
                                    '--engine', engine], check=True, capture_output=True)
                    got = np.load(os.path.join(out_dir, 'output_0.npy'))
                    if got.dtype.kind == 'f':
                        d = float(np.max(np.abs(got.astype(np.float64) - want)))
                        rel = d / max(float(np.max(np.abs(want))), 1e-30)
                        cur = worst.get(engine, (0.0, 0.0, 0))
                        worst[engine] = (max(cur[0], d), max(cur[1], rel), cur[2] + int(np.sum(got != want)))
                    else:
                        d = int(np.max(np.abs(got.astype(np.int64) - want.astype(np.int64))))
                        cur = worst.get(engine, (0, 0))
                        worst[engine] = (max(cur[0], d), cur[1] + int(np.sum(got != want)))
            for engine, w in worst.items():
                if len(w) == 3:
                    print('%s  %-5s max |diff| %.3g (relative %.3g), %d values differ, %d seeds'
                          % (os.path.basename(model), engine, w[0], w[1], w[2], args.seeds))
                else:
                    print('%s  %-5s max %d quantized step(s), %d values differ, %d seeds'
                          % (os.path.basename(model), engine, w[0], w[1], args.seeds))
                    bad += w[0] > 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
