#!/usr/bin/python3
"""Every operator of the one list (`edgebench ops`) is exercised by at least one TFLite model made by
TensorFlow's converter and checked against TFLite's outputs: a model under tests/op_models/*/ or one of
../shared (conformance and zoo sets). An operator listed without such a model fails this test, so none
is registered on unit tests alone. Prints 'N passed, M failed'.

  check_coverage.py --edgebench PATH [--shared ../shared]
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def operators_of(edgebench, model):
    """The operator histogram edgebench reads from the model; a dynamic model is given its first case's shape."""
    cmd = [edgebench, 'inspect', '--json', '--engine', 'ref', model]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        stem = os.path.splitext(model)[0]
        first = sorted(glob.glob(os.path.join(stem, '*', 'input_0.npy')))
        if first:
            shape = np.load(first[0]).shape
            p = subprocess.run(cmd + ['--input-shape', '0:' + ','.join(str(d) for d in shape)], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return set(json.loads(p.stdout)['operators']), ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    args = ap.parse_args()
    listed = json.loads(subprocess.run([args.edgebench, 'ops', '--format', 'json'], capture_output=True, text=True,
                                       check=True).stdout)
    models = sorted(glob.glob(os.path.join(HERE, '*', '*.tflite')))
    models += sorted(glob.glob(os.path.join(args.shared, 'models', '*.tflite')))
    models += sorted(glob.glob(os.path.join(args.shared, 'models', 'zoo', '*.tflite')))
    seen = {}
    problems = []
    for m in models:
        ops, err = operators_of(args.edgebench, m)
        if ops is None:
            if '/op_models/' in m:  # committed test models must all load
                problems.append('%s does not load: %s' % (os.path.relpath(m, HERE), err))
            continue
        for op in ops:
            seen.setdefault(op, os.path.basename(m))
    passed = 0
    for op in listed:
        if op['name'] in seen:
            passed += 1
        else:
            problems.append('%s is listed but no TFLite-made model exercises it' % op['name'])
    for p in problems:
        print('FAIL ' + p)
    print('%d passed, %d failed' % (passed, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
