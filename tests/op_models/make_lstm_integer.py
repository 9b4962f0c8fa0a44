"""Full-integer (8x8_16) UNIDIRECTIONAL_SEQUENCE_LSTM test models in the forms TensorFlow's converter
does not emit from Keras layers: layer normalization (int16 coefficients, the gate biases applied after
the normalisation, gate intermediates 0..3 carrying the pre-activation scales), peephole (int16),
projection, CIFG, clips, time-major and batch-major, several batch rows and time steps (the state
carried across steps). Each model is written directly with the flatbuffer schema classes TensorFlow
ships (one subgraph: the int8 sequence input, the weights as constants, the two variable state
tensors, one operator with 5 intermediates), with random weights and quantization parameters in
ranges a calibrated model has; LiteRT's interpreter records the expected outputs, in oplib.py's layout
(cases.json + <case>/input_0.npy + <case>/expected_0.npy) under lstm_integer/. Outputs are expected
bit for bit (tolerance 0).

The generator also checks that LiteRT's sequence kernel refuses the 8x8_8 form (12 intermediates),
which edgebench refuses as well.

    /opt/tfenv/bin/python tests/op_models/make_lstm_integer.py
"""
import json
import os
import shutil

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import flatbuffers  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from ai_edge_litert.interpreter import Interpreter  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'lstm_integer')
TYPES = {'float32': schema.TensorType.FLOAT32, 'int8': schema.TensorType.INT8, 'int16': schema.TensorType.INT16,
         'int32': schema.TensorType.INT32}


class Builder:
    """Tensors and buffers of one subgraph."""

    def __init__(self):
        self.tensors, self.buffers = [], [schema.BufferT()]

    def tensor(self, name, shape, dtype, scale=None, zero_point=0, data=None, variable=False):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.isVariable = name.encode(), list(shape), TYPES[dtype], variable
        t.buffer = 0
        if data is not None:
            b = schema.BufferT()
            b.data = np.frombuffer(np.ascontiguousarray(data, dtype=dtype).tobytes(), np.uint8)
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        if scale is not None:
            q = schema.QuantizationParametersT()
            q.scale, q.zeroPoint = [float(scale)], [int(zero_point)]
            t.quantization = q
        self.tensors.append(t)
        return len(self.tensors) - 1


class Config:
    def __init__(self, name, batch=2, time=5, n_input=6, n_cell=8, n_output=None, layer_norm=True, peephole=False,
                 cifg=False, time_major=False, cell_log2=-11, cell_clip=0.0, proj_clip=0.0, proj_bias=True,
                 intermediates=5):
        self.name, self.batch, self.time, self.n_input, self.n_cell = name, batch, time, n_input, n_cell
        self.projection = n_output is not None
        self.n_output = n_output if n_output is not None else n_cell
        self.layer_norm, self.peephole, self.cifg, self.time_major = layer_norm, peephole, cifg, time_major
        self.cell_log2, self.cell_clip, self.proj_clip, self.proj_bias = cell_log2, cell_clip, proj_clip, proj_bias
        self.intermediates = intermediates

    def input_shape(self):
        return (self.time, self.batch, self.n_input) if self.time_major else (self.batch, self.time, self.n_input)


def int8_weights(rng, shape, real_max):
    """Symmetric int8 weights whose largest magnitude is about real_max."""
    scale = real_max / 127.0 * rng.uniform(0.8, 1.2)
    return rng.integers(-127, 128, shape).astype(np.int8), scale


def build(c, rng):
    b = Builder()
    gates = ('input', 'forget', 'cell', 'output')
    in_scale, in_zp = rng.uniform(1 / 80, 1 / 50), int(rng.integers(-12, 13))
    h_scale, h_zp = rng.uniform(1 / 140, 1 / 110), int(rng.integers(-8, 9))
    hidden_scale, hidden_zp = rng.uniform(1 / 135, 1 / 120), int(rng.integers(-6, 7))
    cell_scale = 2.0 ** c.cell_log2
    inputs = [b.tensor('input', c.input_shape(), 'int8', in_scale, in_zp)]
    # Gate pre-activation scales (the intermediates with layer norm): the matrix products' sums spread
    # over a few hundred to a few thousand steps of int16.
    gate_scale = [rng.uniform(2e-4, 6e-4) for _ in gates]
    w_in, w_rec, biases, peep, ln = {}, {}, {}, {}, {}
    for g in gates:
        if g == 'input' and c.cifg:
            continue
        w_in[g] = int8_weights(rng, (c.n_cell, c.n_input), rng.uniform(0.3, 0.6))
        w_rec[g] = int8_weights(rng, (c.n_cell, c.n_output), rng.uniform(0.3, 0.6))
        if c.layer_norm:
            ln_scale = rng.uniform(3e-5, 6e-5)
            coeff = rng.uniform(0.5, 1.4, c.n_cell)
            ln[g] = (np.round(coeff / ln_scale).astype(np.int16), ln_scale)
            # The bias is added to the normalised value times 1024 (the coefficient's scale / 1024).
            bias_real = rng.uniform(-1.0, 1.0, c.n_cell) + (1.0 if g == 'forget' else 0.0)
            biases[g] = (np.round(bias_real * 1024 / ln_scale).astype(np.int32), ln_scale / 1024)
        else:
            bscale = in_scale * w_in[g][1]
            biases[g] = (np.round(rng.uniform(-0.5, 0.5, c.n_cell) / bscale).astype(np.int32), bscale)
        if c.peephole and g != 'cell':
            pscale = rng.uniform(0.3, 0.6) / 32767
            peep[g] = (rng.integers(-32767, 32768, c.n_cell).astype(np.int16), pscale)
    for g in gates:
        inputs.append(b.tensor('w_in_' + g, w_in[g][0].shape, 'int8', w_in[g][1], 0, w_in[g][0]) if g in w_in else -1)
    for g in gates:
        inputs.append(b.tensor('w_rec_' + g, w_rec[g][0].shape, 'int8', w_rec[g][1], 0, w_rec[g][0])
                      if g in w_rec else -1)
    for g in ('input', 'forget', 'output'):
        inputs.append(b.tensor('peephole_' + g, (c.n_cell,), 'int16', peep[g][1], 0, peep[g][0]) if g in peep else -1)
    for g in gates:
        inputs.append(b.tensor('bias_' + g, (c.n_cell,), 'int32', biases[g][1], 0, biases[g][0]) if g in biases else -1)
    if c.projection:
        pw, pscale = int8_weights(rng, (c.n_output, c.n_cell), rng.uniform(0.3, 0.5))
        inputs.append(b.tensor('projection', pw.shape, 'int8', pscale, 0, pw))
        if c.proj_bias:
            pbs = pscale * hidden_scale
            pb = np.round(rng.uniform(-0.3, 0.3, c.n_output) / pbs).astype(np.int32)
            inputs.append(b.tensor('projection_bias', (c.n_output,), 'int32', pbs, 0, pb))
        else:
            inputs.append(-1)
    else:
        inputs += [-1, -1]
    inputs.append(b.tensor('output_state', (c.batch, c.n_output), 'int8', h_scale, h_zp, variable=True))
    inputs.append(b.tensor('cell_state', (c.batch, c.n_cell), 'int16', cell_scale, 0, variable=True))
    for g in gates:
        inputs.append(b.tensor('layer_norm_' + g, (c.n_cell,), 'int16', ln[g][1], 0, ln[g][0]) if g in ln else -1)
    out_shape = c.input_shape()[:2] + (c.n_output,)
    output = b.tensor('output', out_shape, 'int8', h_scale, h_zp)
    intermediates = []
    for k in range(c.intermediates - 1):
        if c.layer_norm and k < 4:
            intermediates.append(b.tensor('gate_%d' % k, (), 'int16', gate_scale[k], 0))
        else:
            intermediates.append(b.tensor('intermediate_%d' % k, (), 'int16', 2.0 ** -12, 0))
    intermediates.append(b.tensor('hidden', (), 'int8', hidden_scale, hidden_zp))

    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs, op.intermediates = 0, inputs, [output], intermediates
    o = schema.UnidirectionalSequenceLSTMOptionsT()
    o.fusedActivationFunction = schema.ActivationFunctionType.TANH
    o.cellClip, o.projClip, o.timeMajor = c.cell_clip, c.proj_clip, c.time_major
    op.builtinOptionsType = schema.BuiltinOptions.UnidirectionalSequenceLSTMOptions
    op.builtinOptions = o
    sg = schema.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators, sg.name = b.tensors, [0], [output], [op], b'main'
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    code.version = 1
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [sg], b.buffers
    model.description = b'edgebench integer LSTM test'
    fb = flatbuffers.Builder(4096)
    fb.Finish(model.Pack(fb), file_identifier=b'TFL3')
    return bytes(fb.Output())


CONFIGS = [
    Config('ln', batch=2, time=6, n_input=6, n_cell=8),
    Config('ln_projection', batch=3, time=4, n_input=7, n_cell=16, n_output=6),
    Config('ln_peephole_timemajor', batch=2, time=5, n_input=5, n_cell=12, peephole=True, time_major=True,
           cell_log2=-12),
    # Peephole with an output narrower than the cell: TFLite's peephole product walks n_output elements of
    # the flat [batch, n_cell] state (its VectorBatchVectorCwiseProductAccumulate gets n_output).
    Config('ln_peephole_projection_timemajor_clip', batch=3, time=4, n_input=9, n_cell=10, n_output=7,
           peephole=True, time_major=True, cell_clip=0.6, proj_clip=0.3),
    Config('ln_peephole_projection', batch=2, time=4, n_input=4, n_cell=16, n_output=16, peephole=True,
           proj_bias=False, cell_log2=-10),
    Config('ln_cifg', batch=2, time=5, n_input=6, n_cell=8, cifg=True, cell_log2=-10),
    Config('ln_cifg_peephole_timemajor', batch=2, time=4, n_input=3, n_cell=9, cifg=True, peephole=True,
           time_major=True, cell_log2=-13),
    Config('peephole_projection_timemajor', batch=2, time=5, n_input=6, n_cell=12, n_output=5, peephole=True,
           layer_norm=False, time_major=True),
    Config('cifg_peephole', batch=3, time=4, n_input=5, n_cell=7, cifg=True, peephole=True, layer_norm=False,
           cell_log2=-9),
]


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20261205)
    entries = []
    for c in CONFIGS:
        stem = 'lstm_' + c.name + '-int8'
        path = os.path.join(OUT, stem + '.tflite')
        with open(path, 'wb') as f:
            f.write(build(c, rng))
        interp = Interpreter(model_path=path)
        interp.allocate_tensors()
        d_in, d_out = interp.get_input_details()[0], interp.get_output_details()[0]
        for k in range(2):
            case = '%s/%d' % (stem, k)
            interp.reset_all_variables()  # each case from fresh state, as edgebench's run
            cdir = os.path.join(OUT, case)
            os.makedirs(cdir)
            x = rng.integers(-128, 128, d_in['shape']).astype(np.int8)
            interp.set_tensor(d_in['index'], x)
            interp.invoke()
            y = interp.get_tensor(d_out['index'])
            np.save(os.path.join(cdir, 'input_0.npy'), x)
            np.save(os.path.join(cdir, 'expected_0.npy'), y)
            # The outputs must move with the input and over time, or the case checks little.
            assert len(np.unique(y)) > 8, (case, np.unique(y))
            entries.append({'model': stem + '.tflite', 'case': case, 'kind': 'int8', 'input': 'random',
                            'outputs': [{'dtype': 'int8', 'shape': list(y.shape), 'tolerance_abs': 0.0,
                                         'argmax_must_match': False}]})
        print('%s: 2 cases' % stem)
    with open(os.path.join(OUT, 'cases.json'), 'w') as f:
        json.dump(entries, f, indent=1)

    # The 8x8_8 form: LiteRT's sequence kernel refuses it (Prepare wants 5 intermediates).
    blob = build(Config('ln_8x8_8', intermediates=12), np.random.default_rng(1))
    try:
        interp = Interpreter(model_content=blob)
        interp.allocate_tensors()
        raise SystemExit('LiteRT ran the 8x8_8 form: edgebench refuses it')
    except (RuntimeError, ValueError) as e:
        print('8x8_8 refused by LiteRT as expected: %s' % str(e).splitlines()[0][:160])


if __name__ == '__main__':
    main()
