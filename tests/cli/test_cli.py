#!/usr/bin/python3
"""The edgebench CLI contract, as a user meets it: exit codes, one clear error line, no crash and no
partial output on bad input (truncated and bit-flipped models, custom ops, wrong dtype/shape), and the
figures `inspect` reports. Prints 'N passed, M failed'; exit 77 when ../shared is absent.
"""
import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

import numpy as np

ARGS = None
RESULTS = []


def run(*cmd, timeout=300):
    full = shlex.split(ARGS.wrapper) + [ARGS.edgebench] + [str(c) for c in cmd]
    return subprocess.run(full, capture_output=True, text=True, timeout=timeout)


def model(name):
    return os.path.join(ARGS.shared, 'models', name)


def case_input(case, i=0):
    return os.path.join(ARGS.shared, 'conformance', case, 'input_%d.npy' % i)


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond), detail))
    if not cond:
        print('FAIL %s %s' % (name, detail))


def clean_failure(p):
    """Exit 1, exactly one line on stderr starting with 'edgebench: ', no signal."""
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    return p.returncode == 1 and len(lines) == 1 and lines[0].startswith('edgebench: ')


def test_readme_operator_table():
    # README's table is `edgebench ops --format markdown` (scripts/update-readme-ops.sh writes it).
    p = run('ops', '--format', 'markdown')
    readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'README.md')).read()
    block = readme.split('<!-- ops:begin -->\n', 1)[-1].split('<!-- ops:end -->', 1)[0]
    check('ops exit 0', p.returncode == 0, p.stderr)
    check('README operator table matches edgebench ops (run scripts/update-readme-ops.sh)', block == p.stdout,
          'README:\n%s\nops:\n%s' % (block[:300], p.stdout[:300]))
    p = run('ops', '--format', 'yaml')
    check('ops: bad --format is a usage error', p.returncode == 2 and '--format' in p.stderr, p.stderr)


def test_custom_op_refused():
    p = run('inspect', model('selfie-segmentation-float16-customop.tflite'))
    check('custom op refused', clean_failure(p) and 'Convolution2DTransposeBias' in p.stderr and 'node 244' in p.stderr, p.stderr)
    with tempfile.TemporaryDirectory() as out:
        x = os.path.join(out, 'x.npy')
        np.save(x, np.zeros((1, 256, 256, 3), np.float32))
        p = run('infer', model('selfie-segmentation-float16-customop.tflite'), '--input', x, '--output-dir', out + '/o')
        check('custom op refused by infer', clean_failure(p) and 'Convolution2DTransposeBias' in p.stderr and not os.path.exists(out + '/o'), p.stderr)


def test_inspect_figures():
    p = run('inspect', model('mobilenet-v2-1.0-224-int8-uint8io.tflite'), '--json')
    check('inspect json exit 0', p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    j = json.loads(p.stdout)
    check('mobilenet-v2 MACs about 300 M', 290e6 <= j['macs'] <= 315e6, str(j['macs']))
    check('mobilenet-v2 variant int8', j['variant'] == 'int8', j['variant'])
    check('mobilenet-v2 input uint8', j['inputs'][0]['dtype'] == 'uint8' and j['inputs'][0]['shape'] == [1, 224, 224, 3], str(j['inputs']))
    check('arena at least its lower bound', j['arena_bytes'] >= j['arena_lower_bound_bytes'] > 0, str(j))
    check('histogram counts CONV_2D', j['operators'].get('CONV_2D') == 36, str(j['operators']))
    check('parameters counted', 3.0e6 < j['parameters'] < 4.0e6, str(j['parameters']))
    kinds = {'fmnist-cnn-float32.tflite': 'float32', 'kws-dscnn-dynamic.tflite': 'dynamic-range',
             'face-detection-short-float16.tflite': 'float16', 'mobilenet-v1-0.25-128-uint8.tflite': 'uint8',
             'kws-dscnn-int8.tflite': 'int8'}
    for m, kind in kinds.items():
        p = run('inspect', model(m), '--json')
        got = json.loads(p.stdout)['variant'] if p.returncode == 0 else p.stderr
        check('variant of %s' % m, got == kind, got)
    p = run('inspect', model('fmnist-cnn-int8.tflite'))
    check('inspect text', p.returncode == 0 and 'variant:' in p.stdout and 'MACs:' in p.stdout and 'arena:' in p.stdout, p.stdout + p.stderr)


def test_truncated_and_flipped():
    rng = random.Random(1234)
    with tempfile.TemporaryDirectory() as d:
        for name in ['kws-dscnn-int8.tflite', 'ad-toycar-int8.tflite', 'fmnist-cnn-float32.tflite', 'face-detection-short-float16.tflite']:
            data = open(model(name), 'rb').read()
            for k, cut in enumerate([0, 8, 100, len(data) // 3, len(data) // 2, len(data) - 1]):
                f = os.path.join(d, 'trunc_%d_%s' % (k, name))
                open(f, 'wb').write(data[:cut])
                p = run('inspect', f)
                check('truncated %s at %d refused' % (name, cut), clean_failure(p), p.stderr[-300:])
            # Bit flips: the loader must either refuse cleanly or load a model that runs without crashing.
            stem = name[:-7]
            x = case_input(stem + '/0')
            for k in range(12):
                buf = bytearray(data)
                for _ in range(rng.choice([1, 4, 16])):
                    pos = rng.randrange(0, min(len(buf), 4096)) if rng.random() < 0.7 else rng.randrange(len(buf))
                    buf[pos] ^= 1 << rng.randrange(8)
                f = os.path.join(d, 'flip_%d_%s' % (k, name))
                open(f, 'wb').write(bytes(buf))
                out = os.path.join(d, 'out_%d_%s' % (k, stem))
                p = run('infer', f, '--input', x, '--output-dir', out)
                ok = p.returncode == 0 or clean_failure(p)
                if p.returncode != 0:
                    ok = ok and not os.path.exists(os.path.join(out, 'output_0.npy'))
                check('bit-flipped %s #%d handled' % (name, k), ok, 'rc=%d %s' % (p.returncode, p.stderr[-300:]))


def test_input_errors():
    m = model('fmnist-cnn-int8.tflite')
    with tempfile.TemporaryDirectory() as d:
        wrong_dtype = os.path.join(d, 'f.npy')
        np.save(wrong_dtype, np.zeros((1, 28, 28, 1), np.float32))
        p = run('infer', m, '--input', wrong_dtype, '--output-dir', d + '/o1')
        check('wrong input dtype', clean_failure(p) and 'int8' in p.stderr and 'float32' in p.stderr and not os.path.exists(d + '/o1'), p.stderr)
        wrong_shape = os.path.join(d, 's.npy')
        np.save(wrong_shape, np.zeros((1, 27, 28, 1), np.int8))
        p = run('infer', m, '--input', wrong_shape, '--output-dir', d + '/o2')
        check('wrong input shape', clean_failure(p) and '[1, 27, 28, 1]' in p.stderr and not os.path.exists(d + '/o2'), p.stderr)
        p = run('infer', m, '--input', os.path.join(d, 'missing.npy'), '--output-dir', d + '/o3')
        check('missing input file', clean_failure(p) and 'missing.npy' in p.stderr, p.stderr)
        bad_npy = os.path.join(d, 'bad.npy')
        open(bad_npy, 'wb').write(b'\x93NUMPY\x01\x00garbage')
        p = run('infer', m, '--input', bad_npy, '--output-dir', d + '/o4')
        check('corrupt npy', clean_failure(p) and 'bad.npy' in p.stderr, p.stderr)
        p = run('infer', os.path.join(d, 'nope.tflite'), '--input', wrong_dtype, '--output-dir', d + '/o5')
        check('missing model', clean_failure(p) and 'nope.tflite' in p.stderr, p.stderr)
        p = run('infer', m, '--input', case_input('fmnist-cnn-int8/0'), '--output-dir', d + '/o6', '--bogus')
        check('unknown option is a usage error', p.returncode == 2 and '--bogus' in p.stderr, p.stderr)
        p = run('infer', m, '--input', case_input('fmnist-cnn-int8/0'), '--output-dir', d + '/o7', '--input-shape', '0:1,29,28,1')
        check('fixed input dimension cannot be resized', clean_failure(p) and 'fixed' in p.stderr, p.stderr)
        # The batch dimension is dynamic (signature -1): a batch of 3 gives each item's single result.
        xs = [np.load(case_input('fmnist-cnn-int8/%d' % k)) for k in range(3)]
        batch = os.path.join(d, 'batch.npy')
        np.save(batch, np.concatenate(xs, axis=0))
        p = run('infer', m, '--input', batch, '--output-dir', d + '/ob', '--input-shape', '0:3,28,28,1')
        ok = p.returncode == 0
        if ok:
            yb = np.load(d + '/ob/output_0.npy')
            for k in range(3):
                p1 = run('infer', m, '--input', case_input('fmnist-cnn-int8/%d' % k), '--output-dir', d + '/o1_%d' % k)
                ok = ok and p1.returncode == 0 and yb.shape == (3, 10) and np.array_equal(yb[k], np.load(d + '/o1_%d/output_0.npy' % k)[0])
        check('batch of 3 equals three single inferences', ok, p.stderr)
        p = run('infer', m, '--input', batch, '--output-dir', d + '/oc')
        check('dynamic batch taken from the input file', p.returncode == 0 and np.load(d + '/oc/output_0.npy').shape == (3, 10), p.stderr)
        p = run('infer', m, '--input', case_input('fmnist-cnn-int8/0'), '--output-dir', d + '/o8')
        check('infer writes output_0.npy', p.returncode == 0 and os.path.exists(d + '/o8/output_0.npy'), p.stderr)
        if p.returncode == 0:
            y = np.load(d + '/o8/output_0.npy')
            check('output dtype and shape', y.dtype == np.int8 and y.shape == (1, 10), str((y.dtype, y.shape)))
        p = run('nonsense')
        check('unknown command', p.returncode == 2, p.stderr)


def test_bad_flag_values_are_usage_errors():
    """Every bad value of a flag of inspect, infer and bench exits 2 with one line naming the flag, before
    any work: the model given here does not even exist, so a flag checked late would exit 1 instead."""
    missing = '/nonexistent/model.tflite'
    io = ['--input', '/nonexistent/in.npy', '--output-dir', '/nonexistent/out']
    cases = [
        (['bench', missing, '--iterations', 'abc'], '--iterations'),
        (['bench', missing, '--iterations', '0'], '--iterations'),
        (['bench', missing, '--warmup', '-1'], '--warmup'),
        (['bench', missing, '--threads', '0'], '--threads'),
        (['bench', missing, '--threads', '9999'], '--threads'),
        (['bench', missing, '--engine', 'foo'], '--engine'),
        (['bench', missing, '--engine', 'xnnpack', '--isa', 'avx2'], '--isa'),
        (['bench', missing, '--engine', 'ref', '--isa', 'ref'], '--isa'),
        (['bench', missing, '--isa', 'avx9'], '--isa'),
        (['bench', missing, '--input-shape', '0:1,x'], '--input-shape'),
        (['bench'], 'MODEL'),
        (['inspect', missing, '--engine', 'litert2'], '--engine'),
        (['inspect', missing, '--engine', 'litert', '--isa', 'neon'], '--isa'),
        (['inspect', missing, '--input-shape', 'zz'], '--input-shape'),
        (['inspect', missing, 'second.tflite'], 'MODEL'),
        (['infer', missing] + io + ['--threads', 'two'], '--threads'),
        (['infer', missing] + io + ['--engine', 'xnnpack', '--isa', 'neon'], '--isa'),
        (['infer', missing, '--output-dir', '/nonexistent/out'], '--input'),
        (['infer', missing, '--input', '/nonexistent/in.npy'], '--output-dir'),
    ]
    for argv, flag in cases:
        p = run(*argv)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        check('usage error (exit 2) naming %s: %s' % (flag, ' '.join(argv[2:] if len(argv) > 2 else argv)),
              p.returncode == 2 and len(lines) == 1 and flag in lines[0], (p.returncode, p.stderr))


def test_bench_json():
    p = run('bench', model('kws-dscnn-int8.tflite'), '--warmup', '1', '--iterations', '7', '--threads', '2', '--json')
    check('bench exit 0', p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    j = json.loads(p.stdout)
    keys = ['engine', 'isa', 'threads', 'load_ms', 'first_ms', 'latency_ms', 'peak_rss_bytes', 'arena_bytes']
    check('bench json names', all(k in j for k in keys), str(j))
    l = j['latency_ms']
    check('bench percentiles ordered', 0 < l['min'] <= l['p50'] <= l['p90'] <= l['p99'] <= l['max'] and l['min'] <= l['mean'] <= l['max'], str(l))
    check('bench reports threads really used', j['threads'] == 2 and j['threads_requested'] == 2, str(j))
    p = run('bench', model('kws-dscnn-int8.tflite'), '--engine', 'ref', '--iterations', '2', '--threads', '2', '--json')
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    check('bench: the reference engine stays on one thread', j.get('threads') == 1 and j.get('isa') == 'ref', p.stdout + p.stderr)
    check('bench memory figures', j['peak_rss_bytes'] > j['arena_bytes'] > 0, str(j))
    p = run('bench', model('kws-dscnn-int8.tflite'), '--iterations', '0')
    check('bench rejects zero iterations', p.returncode == 2 and '--iterations' in p.stderr, p.stderr)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    ap.add_argument('--wrapper', default='')
    ARGS = ap.parse_args()
    if not os.path.isdir(os.path.join(ARGS.shared, 'models')):
        print('SKIPPED: shared models not found at %s' % ARGS.shared)
        return 77
    for t in [test_readme_operator_table, test_custom_op_refused, test_inspect_figures, test_truncated_and_flipped, test_input_errors, test_bad_flag_values_are_usage_errors,
              test_bench_json]:
        t()
    failed = sum(1 for _, ok, _ in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
