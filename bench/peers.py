#!/usr/bin/env python3
"""One measurement of a model by a peer runtime, in this process, printed as one JSON line shaped like
`edgebench bench --json` (load_ms, first_ms, latency_ms {min, mean, std, p50, p90, p99, max}, memory).
bench/peer_models.py runs it once per measurement, in a fresh process each time, as edgebench is.

  peers.py measure --peer litert|onnxruntime --model FILE (.tflite, or the .onnx for onnxruntime)
      --inputs INPUTS.npz --threads N [--warmup 5] [--iterations 30]
  peers.py inputs --edgebench EDGEBENCH --model M.tflite --output INPUTS.npz
  peers.py trivial --output-dir DIR     (a one-ADD model, .tflite and .onnx: the Python call overhead)

Peers:
  litert       ai_edge_litert.interpreter.Interpreter(model_path, num_threads=N): LiteRT's default
               op resolver, which applies its default XNNPACK delegate; load = construction +
               allocate_tensors(); timed: interpreter.invoke().
  onnxruntime  onnxruntime.InferenceSession(M.onnx, CPUExecutionProvider, intra_op_num_threads=N,
               inter_op_num_threads=1, everything else default: graph optimizations on, spinning
               threads); load = session creation; timed: session.run_with_iobinding(binding), inputs
               and outputs bound once to buffers that stay in place, so no copy or allocation
               of inputs/outputs is inside the timed call (as in LiteRT's invoke()).

Both time the call alone with time.perf_counter_ns() around it, with the garbage collector off during
the timed loop. What the Python call itself costs is measured, not subtracted: `trivial` writes a model
whose one ADD takes nanoseconds, and peer_models.py reports every engine's p50 on it.

Inputs are edgebench's (`edgebench bench`: daemon/cli/bench_command.cc fill_random): input i is filled
from std::mt19937 seeded with 1234 + i, uniform [-1, 1) for float32 (libstdc++'s
uniform_real_distribution<float>: one 32-bit draw / 2^32, then * 2 - 1, in float), one draw per byte
(its low 8 bits) for every other dtype. numpy's legacy MT19937 seeding with an integer is the same
init_genrand, so the bytes are identical (checked against a C++ build, see bench/RESULTS.md).

Memory: `rss_after_import_bytes` is this Python process after importing the runtime and numpy and
loading the inputs; `peak_rss_bytes` is its VmHWM at the end. Neither is comparable with edgebench's
figures as such: the peer's peak includes the Python interpreter and the runtime's library.
"""
import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SEED_BASE = 1234  # bench_command.cc: fill_random(..., 1234u + i)

DTYPES = {'float32': np.float32, 'float16': np.float16, 'float64': np.float64, 'int8': np.int8,
          'uint8': np.uint8, 'int16': np.int16, 'uint16': np.uint16, 'int32': np.int32, 'uint32': np.uint32,
          'int64': np.int64, 'bool': np.bool_}


def mt_words(seed, n):
    """The first n outputs of std::mt19937(seed). RandomState(int) seeds with init_genrand, as the C++
    constructor does, and randint over [0, 2^32) takes one 32-bit output per value, unmasked."""
    return np.random.RandomState(seed).randint(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)


def edgebench_input(dtype, shape, index):
    """The input edgebench's bench command gives input `index` of this dtype and shape."""
    seed = SEED_BASE + index
    np_dtype = DTYPES[dtype]
    count = int(np.prod(shape, dtype=np.int64))
    if np_dtype == np.float32:
        u = mt_words(seed, count).astype(np.float32)  # rounds to nearest, as the C++ conversion does
        f = u / np.float32(2.0**32)
        f = np.minimum(f, np.nextafter(np.float32(1), np.float32(0)))  # generate_canonical never returns 1
        return (f * np.float32(2) + np.float32(-1)).astype(np.float32).reshape(shape)
    nbytes = count * np.dtype(np_dtype).itemsize
    raw = mt_words(seed, nbytes).astype(np.uint8)  # low 8 bits of each draw, one per byte
    return raw.view(np_dtype).reshape(shape)


def write_inputs(edgebench, model, output):
    """Reads the model's inputs from `edgebench inspect --json` (what `bench` fills) and saves them."""
    p = subprocess.run([edgebench, 'inspect', model, '--json'], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError((p.stderr.strip().splitlines() or ['inspect failed'])[-1])
    info = json.loads(p.stdout)
    arrays = {}
    names = []
    for i, t in enumerate(info['inputs']):
        if t['dtype'] not in DTYPES:
            raise RuntimeError('input %d: dtype %s not handled' % (i, t['dtype']))
        arrays['in%d' % i] = edgebench_input(t['dtype'], t['shape'], i)
        names.append(t['name'])
    np.savez(output, names=np.array(names), **arrays)


def load_inputs(path):
    with np.load(path) as z:
        names = [str(n) for n in z['names']]
        return [(names[i], np.ascontiguousarray(z['in%d' % i])) for i in range(len(names))]


def proc_status_bytes(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    return 0


def timed_loop(call, warmup, iterations):
    """First call, warm-ups, then `iterations` timed calls; returns (first_ms, samples_ms)."""
    t0 = time.perf_counter_ns()
    call()
    first_ms = (time.perf_counter_ns() - t0) / 1e6
    for _ in range(warmup):
        call()
    samples = []
    gc.disable()  # a collection inside a timed call would be Python's, not the runtime's
    try:
        for _ in range(iterations):
            t0 = time.perf_counter_ns()
            call()
            samples.append((time.perf_counter_ns() - t0) / 1e6)
    finally:
        gc.enable()
    return first_ms, samples


def percentile(sorted_samples, q):
    """Linear interpolation between closest ranks, as edgebench's latency_stats.h (NumPy's default)."""
    if len(sorted_samples) == 1:
        return sorted_samples[0]
    pos = q * (len(sorted_samples) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_samples) - 1)
    return sorted_samples[lo] + (sorted_samples[hi] - sorted_samples[lo]) * (pos - lo)


def summarize(samples):
    s = sorted(samples)
    return {'min': s[0], 'mean': statistics.fmean(s), 'std': statistics.stdev(s) if len(s) > 1 else 0.0,
            'p50': percentile(s, 0.5), 'p90': percentile(s, 0.9), 'p99': percentile(s, 0.99), 'max': s[-1]}


def measure_litert(model, inputs, threads, warmup, iterations):
    from ai_edge_litert.interpreter import Interpreter
    rss0 = proc_status_bytes('VmRSS')
    t0 = time.perf_counter_ns()
    interp = Interpreter(model_path=model, num_threads=threads)
    details = interp.get_input_details()
    for d, (_, a) in zip(details, inputs):
        if list(d['shape']) != list(a.shape):  # batch-None models: the shape edgebench used
            interp.resize_tensor_input(d['index'], list(a.shape))
    interp.allocate_tensors()
    load_ms = (time.perf_counter_ns() - t0) / 1e6
    if len(details) != len(inputs):
        raise RuntimeError('LiteRT sees %d inputs, edgebench %d' % (len(details), len(inputs)))
    for d, (name, a) in zip(details, inputs):
        if np.dtype(d['dtype']) != a.dtype:
            raise RuntimeError('input %s: LiteRT wants %s, edgebench fills %s' % (name, np.dtype(d['dtype']), a.dtype))
        interp.set_tensor(d['index'], a)
    first_ms, samples = timed_loop(interp.invoke, warmup, iterations)
    return load_ms, first_ms, samples, rss0


ORT_TYPES = {'tensor(float)': np.float32, 'tensor(float16)': np.float16, 'tensor(double)': np.float64,
             'tensor(int8)': np.int8, 'tensor(uint8)': np.uint8, 'tensor(int16)': np.int16,
             'tensor(int32)': np.int32, 'tensor(int64)': np.int64, 'tensor(bool)': np.bool_}


def measure_onnxruntime(model, inputs, threads, warmup, iterations):
    import onnxruntime as ort
    rss0 = proc_status_bytes('VmRSS')
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    t0 = time.perf_counter_ns()
    sess = ort.InferenceSession(model, sess_options=so, providers=['CPUExecutionProvider'])
    load_ms = (time.perf_counter_ns() - t0) / 1e6
    onnx_inputs = sess.get_inputs()
    if len(onnx_inputs) != len(inputs):
        raise RuntimeError('ONNX model has %d inputs, the .tflite %d' % (len(onnx_inputs), len(inputs)))
    by_name = {n: a for n, a in inputs}
    binding = sess.io_binding()
    keep = []  # the OrtValues must outlive the binding
    for k, oi in enumerate(onnx_inputs):
        # tf2onnx keeps the TFLite tensor names; fall back to position when it does not
        a = by_name.get(oi.name, inputs[k][1])
        want = ORT_TYPES.get(oi.type)
        if want is None or np.dtype(want) != a.dtype:
            raise RuntimeError('input %s: ONNX wants %s, edgebench fills %s' % (oi.name, oi.type, a.dtype))
        v = ort.OrtValue.ortvalue_from_numpy(a)
        keep.append(v)
        binding.bind_ortvalue_input(oi.name, v)
    outputs = [o.name for o in sess.get_outputs()]
    for name in outputs:
        binding.bind_output(name, 'cpu')
    # The first run allocates the outputs; binding those buffers keeps later runs from allocating.
    t0 = time.perf_counter_ns()
    sess.run_with_iobinding(binding)
    first_ms = (time.perf_counter_ns() - t0) / 1e6
    produced = binding.get_outputs()
    binding.clear_binding_outputs()
    for name, v in zip(outputs, produced):
        keep.append(v)
        binding.bind_ortvalue_output(name, v)
    _, samples = timed_loop(lambda: sess.run_with_iobinding(binding), warmup, iterations)
    return load_ms, first_ms, samples, rss0


def measure(args):
    inputs = load_inputs(args.inputs)
    fn = {'litert': measure_litert, 'onnxruntime': measure_onnxruntime}[args.peer]
    try:
        load_ms, first_ms, samples, rss0 = fn(args.model, inputs, args.threads, args.warmup, args.iterations)
    except ImportError as e:
        print('peer %s is not installed (%s)' % (args.peer, e), file=sys.stderr)
        return 3
    except Exception as e:  # one line, as edgebench refuses a model
        print('%s: %s' % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else ''), file=sys.stderr)
        return 1
    print(json.dumps({'model': args.model, 'engine': args.peer, 'threads': args.threads, 'warmup': args.warmup,
                      'iterations': args.iterations, 'load_ms': load_ms, 'first_ms': first_ms,
                      'latency_ms': summarize(samples), 'rss_after_import_bytes': rss0,
                      'peak_rss_bytes': proc_status_bytes('VmHWM')}))
    return 0


def write_trivial(output_dir):
    """y = x + 1 on float32[1, 4]: one ADD, so its p50 is the call path and the clock, nothing else."""
    os.makedirs(output_dir, exist_ok=True)
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    import tensorflow as tf
    fn = tf.function(lambda x: x + tf.constant(1.0), input_signature=[tf.TensorSpec([1, 4], tf.float32)])
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    path = os.path.join(output_dir, 'trivial-add.tflite')
    with open(path, 'wb') as f:
        f.write(conv.convert())
    print(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('measure')
    m.add_argument('--peer', required=True, choices=['litert', 'onnxruntime'])
    m.add_argument('--model', required=True)
    m.add_argument('--inputs', required=True)
    m.add_argument('--threads', type=int, default=1)
    m.add_argument('--warmup', type=int, default=5)
    m.add_argument('--iterations', type=int, default=30)
    i = sub.add_parser('inputs')
    i.add_argument('--edgebench', required=True)
    i.add_argument('--model', required=True)
    i.add_argument('--output', required=True)
    t = sub.add_parser('trivial')
    t.add_argument('--output-dir', required=True)
    args = ap.parse_args()
    if args.cmd == 'measure':
        return measure(args)
    if args.cmd == 'inputs':
        write_inputs(args.edgebench, args.model, args.output)
        return 0
    write_trivial(args.output_dir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
