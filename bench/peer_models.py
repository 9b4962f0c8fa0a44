#!/usr/bin/env python3
"""edgebench's `auto` engine against the runtimes users would deploy instead, in one table (issue 17):

  bench/peer_models.py --edgebench build/daemon/edgebench [--peers litert,onnxruntime,xnnpack]
      [--threads 1,2] [--repeats 5] [--warmup 5] [--iterations 30] [--work-dir build/peers]
      [--python /opt/tfenv/bin/python] [--raw RUNS.jsonl] MODEL.tflite...
  bench/peer_models.py --from-raw RUNS.jsonl      (the same tables again from a run's records)

Peers: `litert` (LiteRT's Python interpreter, its default XNNPACK delegate) and `onnxruntime` (CPU EP, on
the model converted by `python -m tf2onnx.convert --tflite`), both measured by bench/peers.py, and
`xnnpack` (`edgebench bench --engine xnnpack`: Debian's XNNPACK of 2022 under edgebench's loop).
`--python` is the interpreter that has the peers (and tensorflow + tf2onnx for the conversions and the
trivial model); a peer that is not installed there is skipped with a message, not failed.

Every measurement is a fresh process, as `edgebench bench` is: load, first inference, W warm-ups, K timed
inferences on edgebench's own seeded random inputs (bench/peers.py says how they are reproduced). The
engines alternate run by run, and the order rotates each repeat, so drift on a shared machine (heat,
other jobs) hits all of them alike. Each cell is the median over the repeats of each run's p50 (or load,
or first-inference time); the ratio is edgebench-auto / peer (below 1: edgebench is faster).

The first row is a one-ADD model: its p50 is what the call path and the clock cost in each engine
(for the peers, the Python call). Nothing is subtracted from any figure; that row says how much of a
small model's time it is. It is not in the geometric means.

Memory, kept apart because the figures are not the same quantity: edgebench's is the peak RSS of the
`edgebench bench` process (its binary, the model, the loop); a peer's is the peak RSS of the Python
process that ran it (interpreter, numpy, the runtime's library, the model) and, beside it, that peak
over the process's RSS just after importing the runtime ("over import").
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS_PY = os.path.join(HERE, 'peers.py')
TRIVIAL = '(trivial ADD: call overhead)'
TIMEOUT_S = 900


def one_line(text, fallback):
    lines = [ln for ln in (text or '').strip().splitlines() if ln.strip() and not ln.startswith('INFO:')]
    return lines[-1].strip() if lines else fallback


def check_peers(py, peers):
    """Drops the peers whose Python package is missing, saying so."""
    modules = {'litert': 'ai_edge_litert.interpreter', 'onnxruntime': 'onnxruntime'}
    kept = []
    for p in peers:
        if p == 'xnnpack':
            kept.append(p)
            continue
        if p not in modules:
            sys.exit('unknown peer %r (litert, onnxruntime, xnnpack)' % p)
        # numpy first: bench/peers.py needs it to make the inputs, whichever peer runs
        r = subprocess.run([py, '-c', 'import numpy, ' + modules[p]], capture_output=True, text=True)
        if r.returncode != 0:
            print('skipping peer %s: %s cannot import numpy and %s (%s)' % (p, py, modules[p], one_line(r.stderr, 'error')),
                  file=sys.stderr)
            continue
        if p == 'onnxruntime':
            r = subprocess.run([py, '-c', 'import tf2onnx'], capture_output=True, text=True)
            if r.returncode != 0:
                print('skipping peer onnxruntime: %s cannot import tf2onnx to convert the models' % py, file=sys.stderr)
                continue
        kept.append(p)
    return kept


def tool_versions(py, edgebench):
    code = ('import importlib.metadata as m\n'
            'for p in ("ai-edge-litert", "onnxruntime", "tf2onnx", "onnx", "tensorflow", "numpy"):\n'
            '    try: print(p, m.version(p))\n'
            '    except Exception: print(p, "not installed")\n')
    r = subprocess.run([py, '-c', code], capture_output=True, text=True)
    out = [ln for ln in r.stdout.splitlines() if ln]
    v = subprocess.run([edgebench, '--version'], capture_output=True, text=True)
    out.append('edgebench ' + one_line(v.stdout, '?'))
    d = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'libxnnpack0'], capture_output=True, text=True)
    out.append('Debian libxnnpack0 (edgebench --engine xnnpack) ' + (d.stdout or 'not installed'))
    return out


def convert_onnx(py, model, work):
    """tf2onnx's conversion, cached beside its log; returns (path, None) or (None, one-line reason)."""
    name = os.path.splitext(os.path.basename(model))[0]
    out = os.path.join(work, 'onnx', name + '.onnx')
    log = os.path.join(work, 'onnx', name + '.convert.log')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    fresh = os.path.exists(out) and os.path.exists(log) and os.path.getmtime(out) >= os.path.getmtime(model)
    if not fresh:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', CUDA_VISIBLE_DEVICES='')
        r = subprocess.run([py, '-m', 'tf2onnx.convert', '--tflite', model, '--output', out],
                           capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
        with open(log, 'w') as f:
            f.write(r.stdout + r.stderr + '\nexit status %d\n' % r.returncode)
        if r.returncode != 0 and os.path.exists(out):
            os.remove(out)
    with open(log) as f:
        text = f.read()
    # tf2onnx writes a model even when it leaves an operator unconverted (exit 0); that is a failure too.
    for ln in text.splitlines():
        if 'ERROR - Unsupported ops' in ln:
            return None, ln.split('ERROR - ', 1)[1].strip()
    if not os.path.exists(out):
        errs = [ln for ln in text.splitlines() if 'Error' in ln or 'ERROR -' in ln]
        return None, (errs[-1].split('ERROR - ', 1)[-1].strip() if errs else one_line(text, 'conversion failed'))
    return out, None


def run_json(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, 'timed out after %d s' % TIMEOUT_S
    if p.returncode != 0:
        return None, one_line(p.stderr, 'exit status %d' % p.returncode)
    return json.loads(p.stdout.strip().splitlines()[-1]), None


def measure(args, engine, model, onnx, inputs, threads):
    common = ['--threads', str(threads), '--warmup', str(args.warmup), '--iterations', str(args.iterations)]
    if engine in ('auto', 'xnnpack'):
        return run_json([args.edgebench, 'bench', model, '--engine', engine, '--json'] + common)
    path = onnx if engine == 'onnxruntime' else model
    return run_json([args.python, PEERS_PY, 'measure', '--peer', engine, '--model', path, '--inputs', inputs] + common)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def fmt(x, digits=3):
    return '-' if x is None else ('%.*f' % (digits, x))


def fmt_us(ms):
    """Latency in microseconds, three figures or more, never in exponent form (0.05 to 40000)."""
    if ms is None:
        return '-'
    v = ms * 1000.0
    return '%.0f' % v if v >= 100 else ('%.1f' % v if v >= 10 else '%.2f' % v)


def collect(args, emit):
    """Measures; every record (the configuration, each run, each refusal) goes to emit()."""
    os.makedirs(args.work_dir, exist_ok=True)
    peers = check_peers(args.python, [p for p in args.peers.split(',') if p])
    engines = ['auto'] + peers
    threads = [int(t) for t in args.threads.split(',')]
    emit({'kind': 'config', 'engines': engines, 'threads': threads, 'repeats': args.repeats, 'warmup': args.warmup,
          'iterations': args.iterations, 'command': sys.argv, 'versions': tool_versions(args.python, args.edgebench)})

    models = [(os.path.splitext(os.path.basename(m))[0], os.path.abspath(m)) for m in args.models]
    if not args.no_trivial:
        trivial = os.path.join(args.work_dir, 'trivial-add.tflite')
        if not os.path.exists(trivial):
            r = subprocess.run([args.python, PEERS_PY, 'trivial', '--output-dir', args.work_dir], capture_output=True,
                               text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
            if r.returncode != 0:
                print('no call-overhead row: cannot write the trivial model (%s)' % one_line(r.stderr, 'error'),
                      file=sys.stderr)
        if os.path.exists(trivial):
            models.insert(0, (TRIVIAL, trivial))

    prepared = []
    python_peers = [p for p in peers if p in ('litert', 'onnxruntime')]
    for name, path in models:
        inputs = None  # edgebench's engines make their own; the Python peers read these
        if python_peers:
            inputs = os.path.join(args.work_dir, name.replace(' ', '_').strip('()') + '.inputs.npz')
            r = subprocess.run([args.python, PEERS_PY, 'inputs', '--edgebench', args.edgebench, '--model', path,
                                '--output', inputs], capture_output=True, text=True)
            if r.returncode != 0:
                # read from `edgebench inspect`: a model edgebench refuses has no auto row to compare anyway
                emit({'kind': 'skipped', 'model_name': name,
                      'error': 'its inputs could not be made: ' + one_line(r.stderr, 'error')})
                continue
        onnx = None
        skip = {}
        if 'onnxruntime' in peers:
            onnx, why = convert_onnx(args.python, path, args.work_dir)
            if onnx is None:
                skip['onnxruntime'] = 'tf2onnx cannot convert it: ' + why
        prepared.append((name, path, onnx, inputs, skip))

    for name, path, onnx, inputs, skip in prepared:
        for t in threads:
            refused = dict(skip)
            for e, why in skip.items():
                emit({'kind': 'refused', 'model_name': name, 'engine': e, 'threads': t, 'error': why})
            for rep in range(args.repeats):
                k = rep % len(engines)
                for e in engines[k:] + engines[:k]:
                    if e in refused:
                        continue
                    res, err = measure(args, e, path, onnx, inputs, t)
                    if res is None:
                        refused[e] = err
                        emit({'kind': 'refused', 'model_name': name, 'engine': e, 'threads': t, 'error': err})
                        continue
                    emit(dict(res, kind='run', model_name=name, engine=e, threads=t, repeat=rep))


def render(records):
    config = next(r for r in records if r['kind'] == 'config')
    engines, threads = config['engines'], config['threads']
    peers = engines[1:]
    runs, refused, notes, order = {}, {}, [], []
    for r in records:
        key = (r.get('model_name'), r.get('threads'))
        if r['kind'] == 'run':
            runs.setdefault(key, {}).setdefault(r['engine'], []).append(r)
        elif r['kind'] == 'refused':
            refused.setdefault(key, {})[r['engine']] = r['error']
            # a conversion failure is said once, not per thread count
            if not (r['error'].startswith('tf2onnx') and r['threads'] != threads[0]):
                notes.append('%s (%d thread%s): %s: %s' % (r['model_name'], r['threads'], 's' if r['threads'] > 1 else '',
                                                           r['engine'], r['error']))
        elif r['kind'] == 'skipped':
            notes.append('%s: skipped, %s' % (r['model_name'], r['error']))
        if r['kind'] in ('run', 'refused') and key not in order:
            order.append(key)

    results = {}
    for key in order:
        med = {}
        for e, rs in runs.get(key, {}).items():
            if e in refused.get(key, {}):
                continue  # a run that failed once is not half-counted
            med[e] = {k: statistics.median(r['latency_ms']['p50'] if k == 'p50' else r[k] for r in rs)
                      for k in ('p50', 'load_ms', 'first_ms', 'peak_rss_bytes')}
            med[e]['runs'] = len(rs)
            if 'rss_after_import_bytes' in rs[0]:
                med[e]['over_import'] = statistics.median(r['peak_rss_bytes'] - r['rss_after_import_bytes'] for r in rs)
        results[key] = med

    print('Latency: median over %d runs of each run\'s p50, microseconds (%d timed inferences after the first and %d '
          'warm-ups; engines alternating run by run, order rotated each repeat). Ratio = auto / peer (below 1: '
          'edgebench faster).' % (config['repeats'], config['iterations'], config['warmup']))
    print()
    head = '| model | thr | auto p50 | ' + ' | '.join('%s p50 | auto/%s' % (p, p) for p in peers) + ' |'
    print(head)
    print('|' + '---|' * (head.count('|') - 1))
    ratios = {(p, t): [] for p in peers for t in threads}
    for (name, t), med in results.items():
        row = '| %s | %d | %s |' % (name, t, fmt_us(med.get('auto', {}).get('p50')))
        for p in peers:
            if p in med and 'auto' in med:
                ratio = med['auto']['p50'] / med[p]['p50']
                if name != TRIVIAL:
                    ratios[(p, t)].append((ratio, name))
                row += ' %s | %.2f |' % (fmt_us(med[p]['p50']), ratio)
            else:
                row += ' %s | - |' % ('refused' if p in refused.get((name, t), {}) else '-')
        print(row)

    print()
    print('Summary: auto / peer p50, geometric mean and worst over the models both ran (the trivial row left out).')
    print()
    print('| peer | threads | models | geomean | worst | worst model | models above 1.2 |')
    print('|---|---|---|---|---|---|---|')
    for p in peers:
        for t in threads:
            rs = ratios[(p, t)]
            if rs:
                w = max(rs)
                above = ', '.join('%s %.2f' % (n, r) for r, n in sorted(rs, reverse=True) if r > 1.2) or 'none'
                print('| %s | %d | %d | %.2f | %.2f | %s | %s |' % (p, t, len(rs), geomean([r for r, _ in rs]), w[0],
                                                                    w[1], above))

    print()
    print('Load (edgebench: file to prepared engine; LiteRT: Interpreter() + allocate_tensors(); ONNX Runtime: '
          'InferenceSession()) and first inference, ms, medians over the runs:')
    print()
    head = '| model | thr | ' + ' | '.join('%s load' % e for e in engines) + ' | ' + \
        ' | '.join('%s first' % e for e in engines) + ' |'
    print(head)
    print('|' + '---|' * (head.count('|') - 1))
    for (name, t), med in results.items():
        print('| %s | %d | ' % (name, t) + ' | '.join(fmt(med.get(e, {}).get('load_ms'), 2) for e in engines) + ' | ' +
              ' | '.join(fmt(med.get(e, {}).get('first_ms'), 3) for e in engines) + ' |')

    print()
    print('Memory, MiB, medians over the runs. Not one quantity: auto / xnnpack = peak RSS of the `edgebench bench` '
          'process; litert / onnxruntime = peak RSS of the Python process that ran the peer ("peak") and that peak '
          'over its RSS after importing the runtime and loading the inputs ("over import").')
    print()
    head = '| model | thr | ' + ' | '.join(
        ('%s peak | %s over import' % (e, e)) if e in ('litert', 'onnxruntime') else '%s peak' % e for e in engines) + ' |'
    print(head)
    print('|' + '---|' * (head.count('|') - 1))
    mib = 1048576.0
    for (name, t), med in results.items():
        cells = []
        for e in engines:
            m = med.get(e)
            cells.append(fmt(m['peak_rss_bytes'] / mib, 1) if m else '-')
            if e in ('litert', 'onnxruntime'):
                cells.append(fmt(m['over_import'] / mib, 1) if m and 'over_import' in m else '-')
        print('| %s | %d | ' % (name, t) + ' | '.join(cells) + ' |')

    if notes:
        print()
        print('Not run:')
        for n in notes:
            print('- ' + n)
    print()
    print('Versions:')
    for v in config['versions']:
        print('- ' + v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--edgebench')
    ap.add_argument('--peers', default='litert,onnxruntime,xnnpack')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--iterations', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--work-dir', default='build/peers')
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--raw', help='write every record (configuration, runs, refusals) here, one JSON a line')
    ap.add_argument('--from-raw', help='print the tables of a --raw file instead of measuring')
    ap.add_argument('--no-trivial', action='store_true', help='leave out the call-overhead row')
    ap.add_argument('models', nargs='*')
    args = ap.parse_args()
    if args.from_raw:
        with open(args.from_raw) as f:
            render([json.loads(ln) for ln in f if ln.strip()])
        return 0
    if not args.edgebench or not args.models:
        ap.error('--edgebench and at least one MODEL are required (or --from-raw)')
    records = []
    raw = open(args.raw, 'w') if args.raw else None

    def emit(rec):
        records.append(rec)
        if raw:
            raw.write(json.dumps(rec) + '\n')
            raw.flush()
        if rec['kind'] == 'run':  # progress on stderr: a full run takes a while
            print('%s, %d thread(s), %s: p50 %s us' % (rec['model_name'], rec['threads'], rec['engine'],
                                                        fmt_us(rec['latency_ms']['p50'])), file=sys.stderr, flush=True)

    collect(args, emit)
    render(records)
    return 0


if __name__ == '__main__':
    sys.exit(main())
