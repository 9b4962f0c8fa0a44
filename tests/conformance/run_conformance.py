#!/usr/bin/python3
"""Runs every case of ../shared/conformance through `edgebench infer` and applies the pass rule of
conformance/README.md. Prints one line per failure and a closing 'N passed, M failed'.

  run_conformance.py --edgebench build/daemon/edgebench [--shared ../shared] [--filter SUBSTR]
                     [--engine ref] [--wrapper "qemu-aarch64 -L SYSROOT"] [--jobs 2]
                     [--allow-refused MODEL_STEM,...|*] [--set conformance-zoo]
                     [--cases DIR ...]

--set names the folder of ../shared to run (conformance, the default, or conformance-zoo, whose models
live in ../shared/models/zoo). --cases DIR (repeatable) runs a folder of the same layout instead, whose
cases.json names model files inside DIR itself: the operator test models under tests/op_models/.

Exit status: 0 all passed (or were refused as allowed), 1 a case failed, 77 the shared material or the
engine is absent (CTest: skipped).
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np


UNAVAILABLE = 'unavailable'
OVERRIDES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'litert_overrides')


class Refused(str):
    """edgebench declined the model with a clear error (--allow-refused): not a failure."""


def refusal_allowed(args, case):
    stem = case['model'][:-len('.tflite')] if case['model'].endswith('.tflite') else case['model']
    return '*' in args.allow_refused or stem in args.allow_refused


def is_clear_refusal(returncode, stderr):
    # Exit status 1 (not a signal, not a crash), one line, naming what is not supported.
    return returncode == 1 and stderr.count('\n') == 0 and stderr.startswith('edgebench: ') and 'not supported' in stderr


def check_case(args, case):
    d = os.path.join(case['_cases_dir'], case['case'])
    model = os.path.join(case['_models_dir'], case['model'])
    inputs = sorted((f for f in os.listdir(d) if f.startswith('input_')), key=lambda f: int(f[6:-4]))
    with tempfile.TemporaryDirectory(prefix='ebconf_') as out:
        cmd = shlex.split(args.wrapper) + [args.edgebench, 'infer', model, '--output-dir', out, '--engine', args.engine]
        for f in inputs:
            cmd += ['--input', os.path.join(d, f)]
        if args.threads:
            cmd += ['--threads', str(args.threads)]
        p = subprocess.run(cmd, capture_output=True, text=True, errors='replace', timeout=args.timeout)
        if p.returncode != 0:
            err = p.stderr.strip()
            # This build lacks the engine (factory message; older builds: "unknown engine").
            if p.returncode == 1 and any(m % args.engine in err for m in ("engine '%s' is not available", "unknown engine '%s'")):
                return UNAVAILABLE
            if refusal_allowed(args, case) and is_clear_refusal(p.returncode, err):
                return Refused(err)
            return 'edgebench exited %d: %s' % (p.returncode, err[-400:])
        problems = []
        for j, spec in enumerate(case['outputs']):
            exp = np.load(os.path.join(d, 'expected_%d.npy' % j))
            path = os.path.join(out, 'output_%d.npy' % j)
            if not os.path.exists(path):
                problems.append('output %d missing' % j)
                continue
            got = np.load(path)
            if got.dtype != exp.dtype or got.size != exp.size:
                problems.append('output %d: got %s%s, expected %s%s' % (j, got.dtype, got.shape, exp.dtype, exp.shape))
                continue
            g = got.reshape(-1).astype(np.float64)
            diffs = [np.max(np.abs(g - exp.reshape(-1).astype(np.float64))) if g.size else 0.0]
            alt = os.path.join(d, 'alt_expected_%d.npy' % j)
            if case.get('alt_expected') and os.path.exists(alt):
                a = np.load(alt).reshape(-1).astype(np.float64)
                diffs.append(np.max(np.abs(g - a)) if g.size else 0.0)
            # Current LiteRT's output, recorded where an older TFLite produced the stored reference and the
            # two disagree (tests/conformance/litert_overrides/README.md says which and why).
            override = os.path.join(case.get('_overrides', ''), case['case'], 'expected_%d.npy' % j)
            if case.get('_overrides') and os.path.exists(override):
                o = np.load(override).reshape(-1).astype(np.float64)
                diffs.append(np.max(np.abs(g - o)) if g.size else 0.0)
            diff = min(diffs)
            if not diff <= spec['tolerance_abs']:
                problems.append('output %d: max |diff| %.6g > tolerance %.6g' % (j, diff, spec['tolerance_abs']))
            if spec.get('argmax_must_match') and g.size and np.argmax(g) != np.argmax(exp.reshape(-1)):
                problems.append('output %d: argmax %d != expected %d' % (j, np.argmax(g), np.argmax(exp.reshape(-1))))
        return '; '.join(problems) or None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    ap.add_argument('--filter', default='')
    ap.add_argument('--set', default='conformance', choices=['conformance', 'conformance-zoo'])
    ap.add_argument('--cases', action='append', default=[], help='a folder with cases.json and its models')
    # Under an emulator every case is a process start of ~0.5 s: cross builds check the first N cases
    # of each model (every model, every operator and type still runs; native builds run them all).
    ap.add_argument('--cases-per-model', type=int, default=0, help='0: all')
    ap.add_argument('--engine', default='ref')
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--wrapper', default='')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--timeout', type=float, default=600)
    # Peer engines (--engine xnnpack) take a subset of the models: a model listed here (file stem, or '*'
    # for any) may be refused instead of run, provided the refusal is one clear line ("... not supported
    # ..."), exit status 1. Refusals are counted apart from failures; any other model must pass.
    ap.add_argument('--allow-refused', default='', help='comma-separated model stems, or *')
    args = ap.parse_args()
    args.allow_refused = [m for m in args.allow_refused.split(',') if m]
    if args.cases:
        sources = [(d, d) for d in args.cases]
    else:
        models = os.path.join(args.shared, 'models', 'zoo' if args.set == 'conformance-zoo' else '')
        sources = [(os.path.join(args.shared, args.set), models)]
    cases = []
    for cases_dir, models_dir in sources:
        cases_json = os.path.join(cases_dir, 'cases.json')
        if not os.path.exists(cases_json):
            print('SKIPPED: conformance data not found at %s (../shared absent)' % cases_json)
            return 77
        taken = {}
        for c in json.load(open(cases_json)):
            taken[c['model']] = taken.get(c['model'], 0) + 1
            if args.cases_per_model and taken[c['model']] > args.cases_per_model:
                continue
            if args.filter in c['case']:
                c['_cases_dir'], c['_models_dir'] = cases_dir, models_dir
                c['_overrides'] = os.path.join(OVERRIDES, os.path.basename(os.path.normpath(cases_dir)))
                cases.append(c)
    failed = 0
    refused = {}  # model -> the one-line refusal
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(lambda c: (c, check_case(args, c)), cases))
    if results and all(problem == UNAVAILABLE for _, problem in results):
        print('SKIPPED: engine %s is not available in this edgebench build' % args.engine)
        return 77
    for c, problem in results:
        if isinstance(problem, Refused):
            refused.setdefault(c['model'], []).append(str(problem))
        elif problem:
            failed += 1
            print('FAIL %s: %s' % (c['case'], problem))
    for model, messages in sorted(refused.items()):
        print('REFUSED %s (%d cases): %s' % (model, len(messages), messages[0]))
    n_refused = sum(len(v) for v in refused.values())
    passed = len(cases) - failed - n_refused
    if args.allow_refused:
        print('%d passed, %d failed, %d refused with a clear error (%d models)' % (passed, failed, n_refused, len(refused)))
    else:
        print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
