"""Builds the operator test models of one family with TensorFlow's own converter and records what
TensorFlow Lite's own interpreter (LiteRT) computes on them, in the layout of ../shared/conformance
(cases.json + <case>/input_<i>.npy + <case>/expected_<j>.npy), so tests/conformance/run_conformance.py
--cases tests/op_models/<family> checks edgebench against it. CI needs none of TensorFlow: the small
models and outputs are committed; `make_<family>.py` regenerates them (`/opt/tfenv/bin/python
tests/op_models/make_<family>.py`, after `pip install tensorflow-cpu ai-edge-litert`).

    fam = Family('shape')
    fam.add('strided_slice_masks', lambda x: tf.strided_slice(x, [0, 1], [0, 5], [1, 2], begin_mask=1),
            [Spec((2, 8, 3))], modes=('float32', 'int8'))
    fam.write()

Modes: 'float32' (as converted), 'int8' (full-integer with int8 I/O: calibrated on random inputs in
the spec's range), 'int8_floatio' (full-integer inside, float32 I/O), 'int16' and 'int16_floatio' (the
converter's 16x8 mode: int16 activations, int8 weights, int64 biases; int16 or float32 I/O), 'dynamic'
(dynamic-range: int8 weights, float activations), 'float16' (float16 weights). Inputs of integer or bool specs pass
through unchanged (indices, masks). Each case gets `seeds` random inputs.
"""
import json
import os
import shutil
import sys

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow as tf  # noqa: E402

try:
    from ai_edge_litert.interpreter import Interpreter  # noqa: E402
except ImportError:  # pragma: no cover
    Interpreter = tf.lite.Interpreter

HERE = os.path.dirname(os.path.abspath(__file__))


class Spec:
    """One model input: shape, dtype ('float32', 'int32', 'int64', 'uint8', 'int8', 'bool'), value range
    for random data (integers lo..hi inclusive)."""

    def __init__(self, shape, dtype='float32', lo=-1.0, hi=1.0, signature=None):
        """signature: the shape the model declares, with None for dynamic dimensions (default: shape)."""
        self.shape, self.dtype, self.lo, self.hi = tuple(shape), dtype, lo, hi
        self.signature = tuple(signature) if signature is not None else self.shape

    def sample(self, rng):
        if self.dtype == 'bool':
            return rng.integers(0, 2, self.shape).astype(bool)
        if self.dtype in ('int32', 'int64', 'uint8', 'int8'):
            return rng.integers(int(self.lo), int(self.hi) + 1, self.shape).astype(self.dtype)
        return rng.uniform(self.lo, self.hi, self.shape).astype(np.float32)

    def tensor_spec(self):
        return tf.TensorSpec(self.signature, getattr(tf, self.dtype))


class Family:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(HERE, name)
        self.cases = []
        self.models = []

    def add(self, name, fn, specs, modes=('float32',), seeds=2, tolerance=None):
        """fn(*tensors) -> tensor or tuple of tensors. tolerance: absolute, overrides the default rule; or
        a callable (interpreter, output detail, expected array) -> absolute tolerance, or None for the
        default rule (to derive it from the converted model, e.g. its output quantization)."""
        self.models.append((name, fn, specs, modes, seeds, tolerance))

    def _convert(self, fn, specs, mode, rng):
        concrete = tf.function(fn, input_signature=[s.tensor_spec() for s in specs]).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete], fn if hasattr(fn, 'trainable_variables') else None)
        if mode in ('int8', 'int8_floatio', 'int16', 'int16_floatio', 'dynamic', 'float16'):
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
        if mode == 'float16':
            conv.target_spec.supported_types = [tf.float16]
        if mode in ('int8', 'int8_floatio', 'int16', 'int16_floatio'):
            def rep():
                for _ in range(32):
                    yield [s.sample(rng) for s in specs]
            conv.representative_dataset = rep
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8] if mode.startswith('int8') else \
                [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            if mode in ('int8', 'int16'):
                conv.inference_input_type = getattr(tf, mode)
                conv.inference_output_type = getattr(tf, mode)
        return conv.convert()

    def write(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        rng = np.random.default_rng(20261204)
        entries = []
        for name, fn, specs, modes, seeds, tolerance in self.models:
            for mode in modes:
                stem = '%s-%s' % (name, mode.replace('_', '-'))
                try:
                    blob = self._convert(fn, specs, mode, rng)
                except Exception as e:  # a mode TensorFlow cannot make for this op
                    print('skip %s: %s' % (stem, str(e).splitlines()[0][:200]), file=sys.stderr)
                    continue
                path = os.path.join(self.dir, stem + '.tflite')
                with open(path, 'wb') as f:
                    f.write(blob)
                interp = Interpreter(model_path=path)
                for i, d in enumerate(interp.get_input_details()):
                    if i < len(specs) and -1 in list(d['shape_signature']):
                        interp.resize_tensor_input(d['index'], specs[i].shape)  # dynamic: the spec's shape
                interp.allocate_tensors()
                ins, outs = interp.get_input_details(), interp.get_output_details()
                for k in range(seeds):
                    case = '%s/%d' % (stem, k)
                    # Each case starts from fresh state (an LSTM's variable tensors), as edgebench's run does.
                    interp.reset_all_variables()
                    cdir = os.path.join(self.dir, case)
                    os.makedirs(cdir)
                    for i, d in enumerate(ins):
                        spec = specs[i] if i < len(specs) else Spec(d['shape'])
                        x = spec.sample(rng)
                        if d['dtype'] == np.int16 and spec.dtype == 'float32':
                            # The spec's range through the input's quantization (the int16 range is far
                            # wider than any calibrated one: random int16 would saturate everything).
                            sc, zp = d['quantization']
                            x = np.clip(np.round(x / sc) + zp, -32768, 32767)
                        elif d['dtype'] in (np.int8, np.uint8) and spec.dtype == 'float32':
                            info = np.iinfo(d['dtype'])
                            x = rng.integers(info.min, info.max + 1, d['shape']).astype(d['dtype'])
                        x = x.astype(d['dtype']).reshape(d['shape'])
                        interp.set_tensor(d['index'], x)
                        np.save(os.path.join(cdir, 'input_%d.npy' % i), x)
                    interp.invoke()
                    out_specs = []
                    for j, d in enumerate(outs):
                        y = interp.get_tensor(d['index'])
                        np.save(os.path.join(cdir, 'expected_%d.npy' % j), y)
                        tol = tolerance(interp, d, y) if callable(tolerance) else tolerance
                        if tol is not None:
                            tol = float(tol)
                        elif np.issubdtype(y.dtype, np.integer) or y.dtype == bool:
                            tol = 1.0 if d['quantization'][0] else 0.0
                        else:
                            m = float(np.max(np.abs(y))) if y.size and np.all(np.isfinite(y)) else 1.0
                            tol = 1e-4 * max(1.0, m)
                        out_specs.append({'dtype': str(y.dtype), 'shape': list(y.shape),
                                          'tolerance_abs': tol, 'argmax_must_match': False})
                    entries.append({'model': stem + '.tflite', 'case': case, 'kind': mode, 'input': 'random',
                                    'outputs': out_specs})
                print('%s: %d cases' % (stem, seeds))
        with open(os.path.join(self.dir, 'cases.json'), 'w') as f:
            json.dump(entries, f, indent=1)
