"""Builds the TFLite_Detection_PostProcess test models and records what LiteRT computes on them, in
oplib.py's layout (cases.json + <case>/input_<i>.npy + <case>/expected_<j>.npy) under detection/.

TensorFlow's converter cannot emit this custom operator from a tf.function, so each model is written
directly with the flatbuffer schema classes TensorFlow ships: one subgraph, inputs box encodings and
class predictions, constant anchors, one custom operator whose options are a FlexBuffer map.

    /opt/tfenv/bin/python tests/op_models/make_detection.py
"""
import json
import os
import shutil
import sys

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import flatbuffers  # noqa: E402
from flatbuffers import flexbuffers  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from ai_edge_litert.interpreter import Interpreter  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'detection')
ZOO = '/work/shared/models/zoo/zoo-traffic-detector-uint8.tflite'
TYPES = {'float32': schema.TensorType.FLOAT32, 'uint8': schema.TensorType.UINT8, 'int8': schema.TensorType.INT8}
OP = b'TFLite_Detection_PostProcess'


class Quant:
    def __init__(self, scale, zero_point):
        self.scale, self.zero_point = float(scale), int(zero_point)

    def quantize(self, x, dtype):
        info = np.iinfo(dtype)
        return np.clip(np.round(x / self.scale) + self.zero_point, info.min, info.max).astype(dtype)


def tensor(name, shape, dtype, buffer, quant=None):
    t = schema.TensorT()
    t.name, t.shape, t.type, t.buffer = name.encode(), list(shape), TYPES[dtype], buffer
    if quant is not None:
        q = schema.QuantizationParametersT()
        q.scale, q.zeroPoint = [quant.scale], [quant.zero_point]
        t.quantization = q
    return t


def build_model(boxes, scores, anchors, options):
    """boxes/scores: (shape, dtype, Quant or None); anchors: (np array of the stored dtype, Quant or None)."""
    anchor_data, anchor_quant = anchors
    buffers = [schema.BufferT() for _ in range(2)]
    buffers[1].data = np.frombuffer(anchor_data.tobytes(), np.uint8)
    tensors = [tensor('box_encodings', boxes[0], boxes[1], 0, boxes[2]),
               tensor('class_predictions', scores[0], scores[1], 0, scores[2]),
               tensor('anchors', anchor_data.shape, str(anchor_data.dtype), 1, anchor_quant)]
    tensors += [tensor(n, [], 'float32', 0) for n in ('detection_boxes', 'detection_classes', 'detection_scores',
                                                        'num_detections')]
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1, 2], [3, 4, 5, 6]
    op.customOptions = list(flexbuffers.Dumps(options))
    op.customOptionsFormat = schema.CustomOptionsFormat.FLEXBUFFERS
    sg = schema.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators, sg.name = tensors, [0, 1], [3, 4, 5, 6], [op], b'main'
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM
    code.customCode = OP
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [sg], buffers
    model.description = b'edgebench detection postprocess test'
    b = flatbuffers.Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b'TFL3')
    return bytes(b.Output())


def make_anchors(rng, n, clusters):
    """Anchors (y, x, h, w) gathered around a few centres, so decoded boxes overlap and NMS has work."""
    centres = rng.uniform(0.2, 0.8, (clusters, 2))
    pick = rng.integers(0, clusters, n)
    yx = centres[pick] + rng.uniform(-0.05, 0.05, (n, 2))
    hw = rng.uniform(0.1, 0.4, (n, 2))
    return np.concatenate([yx, hw], axis=1).astype(np.float32)


def options(**kw):
    o = {'max_detections': 10, 'max_classes_per_detection': 1, 'nms_score_threshold': 0.3,
         'nms_iou_threshold': 0.5, 'num_classes': 3, 'y_scale': 10.0, 'x_scale': 10.0, 'h_scale': 5.0,
         'w_scale': 5.0}
    o.update(kw)
    return o


class Case:
    """One model: shapes, types, anchors, options, and how to draw its inputs."""

    def __init__(self, name, n=32, classes=3, background=True, stride=4, options=None, boxes='float32',
                 scores='float32', score_levels=None, seeds=2, anchors=None, anchor_quant=None,
                 boxes_quant=None, scores_quant=None):
        self.name, self.n, self.stride, self.opts, self.seeds = name, n, stride, options, seeds
        self.cbg = classes + (1 if background else 0)
        self.boxes_type, self.scores_type, self.score_levels = boxes, scores, score_levels
        self.anchors, self.anchor_quant = anchors, anchor_quant
        self.boxes_quant = boxes_quant or (Quant(0.02, 128) if boxes != 'float32' else None)
        self.scores_quant = scores_quant or (Quant(1 / 256, 0) if scores != 'float32' else None)

    def model(self, rng):
        anchors = self.anchors
        if anchors is None:
            anchors = make_anchors(rng, self.n, 4)
            if self.boxes_type != 'float32':
                self.anchor_quant = Quant(1 / 255, 0)
                anchors = self.anchor_quant.quantize(anchors, np.dtype(self.boxes_type))
        return build_model(((1, self.n, self.stride), self.boxes_type, self.boxes_quant),
                           ((1, self.n, self.cbg), self.scores_type, self.scores_quant),
                           (anchors, self.anchor_quant), self.opts)

    def unwritten_slots(self, count):
        """Output slots TFLite's kernel never writes: their contents are whatever the arena held."""
        o = self.opts
        slots = o['max_detections'] * o['max_classes_per_detection']
        mask = np.zeros(slots, bool)
        if o.get('use_regular_nms', False):
            mask[o['max_detections']:] = True  # regular NMS fills max_detections slots (zeros past count)
        else:
            per_anchor = min(o['max_classes_per_detection'], o['num_classes'])
            for k in range(slots):
                box, col = divmod(k, o['max_classes_per_detection'])
                mask[k] = box >= count or col >= per_anchor
        return mask

    def inputs(self, rng):
        shape_b, shape_s = (1, self.n, self.stride), (1, self.n, self.cbg)
        if self.boxes_type == 'float32':
            boxes = rng.uniform(-1.5, 1.5, shape_b).astype(np.float32)
        else:
            info = np.iinfo(self.boxes_type)
            boxes = rng.integers(info.min, info.max + 1, shape_b).astype(self.boxes_type)
        if self.scores_type == 'float32':
            if self.score_levels:  # few distinct scores: ties everywhere
                scores = (rng.integers(0, self.score_levels, shape_s) / (self.score_levels - 1)).astype(np.float32)
            else:
                scores = rng.uniform(0, 1, shape_s).astype(np.float32)
        else:
            info = np.iinfo(self.scores_type)
            hi = info.max + 1 if not self.score_levels else info.min + self.score_levels
            scores = rng.integers(info.min, hi, shape_s).astype(self.scores_type)
            if self.score_levels:
                scores = (scores.astype(np.int32) * (255 // self.score_levels)).astype(self.scores_type)
        return [boxes, scores]


def zoo_case():
    """The traffic detector's own postprocess: its anchors, options and input quantization."""
    if not os.path.exists(ZOO):
        return None
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(open(ZOO, 'rb').read(), 0))
    sg = m.subgraphs[0]
    op = next(o for o in sg.operators if m.operatorCodes[o.opcodeIndex].customCode == OP)
    opts = flexbuffers.Loads(bytes(op.customOptions))
    b, s, a = (sg.tensors[i] for i in op.inputs)
    q = lambda t: Quant(t.quantization.scale[0], t.quantization.zeroPoint[0])  # noqa: E731
    anchors = np.frombuffer(bytes(m.buffers[a.buffer].data), np.uint8).reshape(a.shape)
    return Case('zoo_traffic_uint8', n=int(b.shape[1]), classes=opts['num_classes'], stride=int(b.shape[2]),
                background=int(s.shape[2]) == opts['num_classes'] + 1, options=opts, boxes='uint8', scores='uint8',
                seeds=1, anchors=anchors, anchor_quant=q(a), boxes_quant=q(b), scores_quant=q(s))


CASES = [
    Case('fast_f32', options=options()),
    Case('fast_f32_two_classes', classes=4, options=options(num_classes=4, max_classes_per_detection=2)),
    Case('fast_f32_ties', classes=4, score_levels=3, options=options(num_classes=4, max_classes_per_detection=2)),
    Case('fast_f32_more_classes_than_exist', classes=2, options=options(num_classes=2, max_classes_per_detection=3)),
    Case('fast_f32_no_background', classes=3, background=False, options=options()),
    Case('fast_f32_few_detections', options=options(nms_score_threshold=0.85)),
    Case('fast_f32_none_above_threshold', options=options(nms_score_threshold=1.5)),
    Case('fast_f32_keypoints', stride=6, options=options()),
    Case('regular_f32', classes=4, options=options(num_classes=4, use_regular_nms=True, detections_per_class=4)),
    Case('regular_f32_ties', classes=5, background=False, score_levels=4,
         options=options(num_classes=5, use_regular_nms=True, detections_per_class=6, nms_score_threshold=0.2)),
    Case('regular_f32_default_per_class', n=48, classes=3,
         options=options(use_regular_nms=True, max_detections=20, nms_iou_threshold=0.3)),
    Case('regular_f32_one_detection', classes=3, options=options(use_regular_nms=True, max_detections=1)),
    Case('regular_f32_few_detections', classes=3,
         options=options(use_regular_nms=True, detections_per_class=2, nms_score_threshold=0.9, max_detections=12)),
    Case('fast_uint8', classes=3, boxes='uint8', scores='uint8', options=options(max_detections=8)),
    Case('fast_uint8_ties', classes=4, boxes='uint8', scores='uint8', score_levels=4,
         options=options(num_classes=4, max_classes_per_detection=2)),
    Case('regular_uint8', classes=3, boxes='uint8', scores='uint8',
         options=options(use_regular_nms=True, detections_per_class=3)),
    Case('fast_f32_boxes_uint8_scores', classes=3, scores='uint8', options=options()),
    Case('fast_int8', classes=3, boxes='int8', scores='int8', options=options()),
]


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20261204)
    entries = []
    cases = CASES + [c for c in [zoo_case()] if c is not None]
    for c in cases:
        blob = c.model(rng)
        path = os.path.join(OUT, c.name + '.tflite')
        with open(path, 'wb') as f:
            f.write(blob)
        try:
            interp = Interpreter(model_path=path, num_threads=1)
            interp.allocate_tensors()
            interp.invoke()  # LiteRT checks types at Eval: a first run on zeros tells whether it runs at all
        except Exception as e:  # a type TFLite's kernel refuses: no case
            print('skip %s: %s' % (c.name, str(e).splitlines()[0][:200]), file=sys.stderr)
            os.remove(path)
            continue
        ins, outs = interp.get_input_details(), interp.get_output_details()
        if c.seeds == 0:
            continue
        for k in range(c.seeds):
            # A fresh interpreter per case: TFLite leaves unfilled output slots as they were. One thread:
            # TFLite's multi-threaded regular NMS merges the classes in scheduling order, so its order
            # among equal scores of different classes is not deterministic.
            interp = Interpreter(model_path=path, num_threads=1)
            interp.allocate_tensors()
            case = '%s/%d' % (c.name, k)
            cdir = os.path.join(OUT, case)
            os.makedirs(cdir)
            for i, (d, x) in enumerate(zip(ins, c.inputs(rng))):
                interp.set_tensor(d['index'], x)
                np.save(os.path.join(cdir, 'input_%d.npy' % i), x)
            interp.invoke()
            ys = [interp.get_tensor(d['index']).copy() for d in outs]
            unwritten = c.unwritten_slots(int(ys[3][0]))
            out_specs = []
            for j, (d, y) in enumerate(zip(outs, ys)):
                if j < 3:  # TFLite leaves these as the arena had them (garbage); edgebench writes zeros
                    y[0, unwritten] = 0
                np.save(os.path.join(cdir, 'expected_%d.npy' % j), y)
                m = float(np.max(np.abs(y))) if y.size and np.all(np.isfinite(y)) else 1.0
                out_specs.append({'dtype': str(y.dtype), 'shape': list(y.shape), 'tolerance_abs': 1e-4 * max(1.0, m),
                                  'argmax_must_match': False})
            entries.append({'model': c.name + '.tflite', 'case': case, 'kind': 'float32' if c.boxes_type == 'float32'
                            else c.boxes_type, 'input': 'random', 'outputs': out_specs})
        print('%s: %d cases' % (c.name, c.seeds))
    with open(os.path.join(OUT, 'cases.json'), 'w') as f:
        json.dump(entries, f, indent=1)


if __name__ == '__main__':
    main()
