"""YOLOv8-structured benchmark models made with TensorFlow's own converter (no ultralytics, no torch).

Builds the YOLOv8 detection architecture (ultralytics/cfg/models/v8/yolov8.yaml) in the Keras
functional API with random, seeded weights and converts it with tf.lite.TFLiteConverter:

  * Conv = Conv2D (no bias) + BatchNormalization (eps 1e-3; random gamma/beta, moving statistics
    near the ones measured on random images, see randomize(), folded by the converter) + SiLU
    (x * sigmoid(x): LOGISTIC + MUL). Stride-2 convs pad 1 pixel on each side explicitly (PAD + VALID
    CONV_2D), as PyTorch's symmetric padding does.
  * C2f: Conv 1x1 -> tf.split into two halves -> n Bottlenecks (3x3, 3x3, shortcut in the backbone)
    chained on the last half -> concat of all -> Conv 1x1.
  * SPPF: Conv 1x1 -> 3 chained MaxPool2D 5x5 stride 1 'same' -> concat -> Conv 1x1.
  * Neck (PAN): UpSampling2D nearest x2 (as RESIZE_NEAREST_NEIGHBOR) + Concatenate, stride-2 Convs back down.
  * Detect at strides 8/16/32: box branch (Conv3, Conv3, Conv2D 1x1 to 4*16 DFL bins, with bias) and
    class branch (Conv3, Conv3, Conv2D 1x1 to nc, with bias; see randomize() for the init), then the decoding
    of Ultralytics' TFLite export: the three levels reshaped and concatenated to [1, 144, N] (N = 8400
    at 640), split into box/classes, DFL (reshape [1, 4, 16, N], softmax over the 16 bins, a fixed
    1x1 CONV_2D with arange(16) weights), dist2bbox with anchor points (SUB/ADD/MUL, xywh), boxes
    normalised by the image size as the tflite/edgetpu export does (Detect: `norm = strides /
    (stride[0] * grid_size)`), sigmoid of the classes, output [1, 4 + nc, N].

Channels: make_divisible(min(c, --max-channels 1024) * width, 8); repeats: max(round(n * depth), 1);
Detect's DFL bins: --reg-max 16. At --imgsz 640 --width 0.25 --depth 0.33 --nc 80 (YOLOv8n) it
reports 3,157,200 parameters (Ultralytics' count for yolov8n: the same) and 8.74 GFLOPs (2 x
multiply-adds, as Ultralytics counts; it reports 8.7); float32 12.2 MB, int8 3.25 MB, 241 operators.

Modes (--modes, comma-separated):
  float32   as converted
  float16   float16 weights
  dynamic   dynamic-range (int8 weights, float activations)
  int8      full-integer inside, float32 input/output (what Ultralytics' int8 export ships),
            calibrated on --calib random images in [0, 1]
  int8io    full-integer with int8 input/output

Usage (outputs are for benchmarks and are NOT committed):
  /opt/tfenv/bin/python bench/make_yolov8n.py --out /tmp/yolo                      # 640, float32+int8
  /opt/tfenv/bin/python bench/make_yolov8n.py --imgsz 320 --modes float32,int8,float16 --out /tmp/yolo
Writes DIR/yolov8n-<imgsz>-<mode>.tflite (the name follows --width/--depth: yolov8s at 0.5/0.33, ...),
prints the parameter count, GFLOPs, each model's size, op histogram, and a LiteRT sanity run
(output range; median of 5 invokes on 1 thread, not a benchmark). Building at 640 takes ~25 s (the
BatchNorm statistics), each conversion 2-15 s.
tests/op_models/make_yolo.py imports build_detector() from here for the small committed test models.
"""
import argparse
import collections
import math
import os
import sys
import time

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

REG_MAX = 16
STRIDES = (8, 16, 32)
HEAD_GAIN = 10.0  # see randomize()
CLS_BIAS = -3.0
BN_GAMMA = (0.15, 0.4)  # see randomize()
CALIB_SIZE = 128  # BatchNorm statistics: measured at --imgsz, at least this, on as many random
CALIB_IMAGES = 8  # images as make CALIB_IMAGES of CALIB_SIZE (at least 2)


def make_divisible(x, d=8):
    return int(math.ceil(x / d) * d)


class Split(layers.Layer):
    """tf.split of the channels into equal parts (C2f's chunk(2, 1))."""

    def __init__(self, parts=2, **kw):
        super().__init__(**kw)
        self.parts = parts

    def call(self, x):
        return tf.split(x, self.parts, axis=-1)


class UpNearest(layers.UpSampling2D):
    """UpSampling2D(2, 'nearest') computed with tf.image.resize, so it converts to one
    RESIZE_NEAREST_NEIGHBOR as in Ultralytics' TFLite exports (Keras 3's UpSampling2D repeats with
    RESHAPE + TILE)."""

    def call(self, x):
        h, w = x.shape[1], x.shape[2]
        return tf.image.resize(x, (h * self.size[0], w * self.size[1]), method='nearest')


class Builder:
    def __init__(self, width, depth, max_channels=1024):
        self.width, self.depth, self.max_channels = width, depth, max_channels
        self.n = collections.Counter()

    def name(self, kind):
        self.n[kind] += 1
        return '%s%d' % (kind, self.n[kind])

    def ch(self, c):
        return make_divisible(min(c, self.max_channels) * self.width, 8)

    def reps(self, n):
        return max(round(n * self.depth), 1) if n > 1 else n

    def conv(self, x, c2, k=1, s=1):
        nm = self.name('conv')
        if s > 1:  # PyTorch pads k//2 on every side; TF 'same' would pad (0, 1) at stride 2
            x = layers.ZeroPadding2D(k // 2, name=nm + '_pad')(x)
        x = layers.Conv2D(c2, k, s, padding='valid' if s > 1 else 'same', use_bias=False, name=nm)(x)
        x = layers.BatchNormalization(epsilon=1e-3, name=nm + '_bn')(x)
        return layers.Activation(lambda t: t * tf.sigmoid(t), name=nm + '_silu')(x)  # SiLU

    def bottleneck(self, x, c2, shortcut):
        y = self.conv(self.conv(x, c2, 3), c2, 3)
        return layers.Add(name=self.name('add'))([x, y]) if shortcut and x.shape[-1] == c2 else y

    def c2f(self, x, c2, n, shortcut):
        c = int(c2 * 0.5)
        y = list(Split(2, name=self.name('split'))(self.conv(x, 2 * c, 1)))
        for _ in range(n):
            y.append(self.bottleneck(y[-1], c, shortcut))
        return self.conv(layers.Concatenate(name=self.name('cat'))(y), c2, 1)

    def sppf(self, x, c2, k=5):
        c_ = x.shape[-1] // 2
        y = [self.conv(x, c_, 1)]
        for _ in range(3):
            y.append(layers.MaxPooling2D(k, 1, padding='same', name=self.name('pool'))(y[-1]))
        return self.conv(layers.Concatenate(name=self.name('cat'))(y), c2, 1)

    def up(self, x):
        return UpNearest(2, interpolation='nearest', name=self.name('up'))(x)


def build_heads(imgsz, width=0.25, depth=0.33, nc=80, reg_max=REG_MAX, max_channels=1024):
    """Keras functional YOLOv8 backbone + neck + Detect convolutions: outputs the three levels'
    [1, H, W, 4*reg_max + nc] (box DFL logits, class logits)."""
    b = Builder(width, depth, max_channels)
    inp = keras.Input((imgsz, imgsz, 3), batch_size=1, name='images')
    x = b.conv(inp, b.ch(64), 3, 2)                       # 0 P1/2
    x = b.conv(x, b.ch(128), 3, 2)                        # 1 P2/4
    x = b.c2f(x, b.ch(128), b.reps(3), True)              # 2
    x = b.conv(x, b.ch(256), 3, 2)                        # 3 P3/8
    p3 = b.c2f(x, b.ch(256), b.reps(6), True)             # 4
    x = b.conv(p3, b.ch(512), 3, 2)                       # 5 P4/16
    p4 = b.c2f(x, b.ch(512), b.reps(6), True)             # 6
    x = b.conv(p4, b.ch(1024), 3, 2)                      # 7 P5/32
    x = b.c2f(x, b.ch(1024), b.reps(3), True)             # 8
    p5 = b.sppf(x, b.ch(1024))                            # 9
    x = layers.Concatenate(name=b.name('cat'))([b.up(p5), p4])          # 10, 11
    h12 = b.c2f(x, b.ch(512), b.reps(3), False)           # 12
    x = layers.Concatenate(name=b.name('cat'))([b.up(h12), p3])         # 13, 14
    o3 = b.c2f(x, b.ch(256), b.reps(3), False)            # 15 (P3/8-small)
    x = layers.Concatenate(name=b.name('cat'))([b.conv(o3, b.ch(256), 3, 2), h12])  # 16, 17
    o4 = b.c2f(x, b.ch(512), b.reps(3), False)            # 18 (P4/16-medium)
    x = layers.Concatenate(name=b.name('cat'))([b.conv(o4, b.ch(512), 3, 2), p5])   # 19, 20
    o5 = b.c2f(x, b.ch(1024), b.reps(3), False)           # 21 (P5/32-large)
    # 22 Detect
    feats = [o3, o4, o5]
    c2 = max(16, feats[0].shape[-1] // 4, reg_max * 4)
    c3 = max(feats[0].shape[-1], min(nc, 100))
    outs = []
    for i, f in enumerate(feats):
        box = layers.Conv2D(4 * reg_max, 1, name='det%d_box' % i)(b.conv(b.conv(f, c2, 3), c2, 3))
        cls = layers.Conv2D(nc, 1, name='det%d_cls' % i)(b.conv(b.conv(f, c3, 3), c3, 3))
        outs.append(layers.Concatenate(name='det%d_cat' % i)([box, cls]))
    return keras.Model(inp, outs, name='yolov8')


def randomize(model, seed, probe=None):
    """Seeded random weights in a fixed order: conv kernels N(0, 1/fan_in), Detect's box bias 1.0 as
    Ultralytics initialises it, and BatchNorm like a trained network's: gamma U(BN_GAMMA), beta
    N(0, 0.3), and moving statistics near the channel's actual mean and variance on random images
    (set layer by layer, then perturbed), so that folding is exercised, activations neither vanish
    nor explode through the 57 convolutions, and the output depends on the input (with plain random
    statistics a deep random net outputs nearly the same thing for every image). The small gammas
    keep SiLU near its linear range, so the net is less chaotic and int8 tracks float32 better (at
    256: mean |int8 - float32| 0.03 on class scores, 0.024 on boxes; with gamma U(0.6, 1.6), 0.13
    and 0.10). Unlike a fresh Ultralytics model (class bias log(5/nc/(640/s)^2), about -11), the final 1x1 convs get
    HEAD_GAIN x larger weights and class bias CLS_BIAS, so that, as in a trained model, the DFL
    softmaxes are peaked and the class scores spread over (0, 1) instead of all rounding to 0 in int8.
    probe: the same network built at CALIB_SIZE to measure the statistics on when the model's input
    is smaller (weights do not depend on the input size; a 2x2 P5 map is too few samples), or None
    for the model itself."""
    rng = np.random.default_rng(seed)
    bns = []
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            k = layer.kernel
            fan_in = int(np.prod(k.shape[:3]))
            gain = HEAD_GAIN if layer.use_bias else 1.0
            k.assign(rng.normal(0, gain / math.sqrt(fan_in), k.shape).astype(np.float32))
            if layer.use_bias:
                if layer.name.endswith('_box'):
                    layer.bias.assign(np.ones(layer.bias.shape, np.float32))
                else:
                    layer.bias.assign(np.full(layer.bias.shape, CLS_BIAS, np.float32))
        elif isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.gamma.assign(rng.uniform(*BN_GAMMA, c).astype(np.float32))
            layer.beta.assign(rng.normal(0.0, 0.3, c).astype(np.float32))
            bns.append(layer)
    # each BatchNorm's input measured on `probe` (the same network at CALIB_SIZE, or the model itself)
    probe = probe or model
    if probe is not model:
        probe.set_weights(model.get_weights())
    pbns = [probe.get_layer(bn.name) for bn in bns]
    probe_out = keras.Model(probe.inputs, [bn.input for bn in pbns])
    size = probe.inputs[0].shape[1]
    count = max(2, round(CALIB_IMAGES * (CALIB_SIZE / size) ** 2))
    images = rng.uniform(0.0, 1.0, (count, size, size, 3)).astype(np.float32)
    for i, (bn, pbn) in enumerate(zip(bns, pbns)):
        x = probe_out(images, training=False)[i].numpy()
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        var = np.maximum(var, 0.1 * np.median(var))  # a nearly constant channel must not amplify
        c = mean.shape[0]
        mean = (mean + rng.normal(0.0, 0.2, c) * np.sqrt(var)).astype(np.float32)
        var = (var * rng.uniform(0.7, 1.4, c) + 1e-3).astype(np.float32)
        for layer in {id(bn): bn, id(pbn): pbn}.values():
            layer.moving_mean.assign(mean)
            layer.moving_variance.assign(var)


class Detector(tf.Module):
    """The Keras heads + Ultralytics' TFLite-export decoding; call(images [1, S, S, 3]) -> [1, 4+nc, N]."""

    def __init__(self, heads, imgsz, nc, reg_max=REG_MAX):
        super().__init__(name='yolov8_detector')
        self.heads, self.nc, self.reg_max = heads, nc, reg_max
        anchors, strides = [], []
        for s in STRIDES:
            g = imgsz // s
            sy, sx = np.meshgrid(np.arange(g, dtype=np.float32) + 0.5, np.arange(g, dtype=np.float32) + 0.5,
                                 indexing='ij')
            anchors.append(np.stack([sx.ravel(), sy.ravel()], 0))
            strides.append(np.full(g * g, s, np.float32))
        anchors, strides = np.concatenate(anchors, 1)[None], np.concatenate(strides)[None, None]
        norm = strides / float(imgsz)                       # strides / (stride[0] * grid_w of P3)
        self.norm = tf.constant(norm)                       # [1, 1, N]
        self.anchors = tf.constant(anchors * norm)          # [1, 2, N], pre-normalised like the export
        self.dfl = tf.constant(np.arange(reg_max, dtype=np.float32).reshape(1, 1, reg_max, 1))
        self.n = anchors.shape[-1]

    @property
    def trainable_variables(self):
        return self.heads.trainable_variables

    def __call__(self, images):
        levels = self.heads(images, training=False)
        r = self.reg_max
        no = 4 * r + self.nc
        x = tf.concat([tf.reshape(t, [1, -1, no]) for t in levels], axis=1)   # [1, N, 144]
        x = tf.transpose(x, [0, 2, 1])                                         # [1, 144, N]
        box, cls = tf.split(x, [4 * r, self.nc], axis=1)
        # DFL: view(b, 4, 16, a).transpose(2, 1).softmax(1) -> 1x1 conv with arange(16)
        d = tf.transpose(tf.reshape(box, [1, 4, r, self.n]), [0, 3, 1, 2])     # [1, N, 4, 16]
        d = tf.nn.softmax(d, axis=-1)
        d = tf.nn.conv2d(d, self.dfl, 1, 'VALID')                              # [1, N, 4, 1]
        d = tf.transpose(tf.reshape(d, [1, self.n, 4]), [0, 2, 1]) * self.norm  # [1, 4, N]
        lt, rb = tf.split(d, 2, axis=1)
        x1y1, x2y2 = self.anchors - lt, self.anchors + rb
        dbox = tf.concat([(x1y1 + x2y2) * 0.5, x2y2 - x1y1], axis=1)           # xywh, / imgsz
        return tf.concat([dbox, tf.sigmoid(cls)], axis=1)                      # [1, 4 + nc, N]


def build_detector(imgsz=640, width=0.25, depth=0.33, nc=80, seed=8, reg_max=REG_MAX, max_channels=1024):
    heads = build_heads(imgsz, width, depth, nc, reg_max, max_channels)
    probe = build_heads(CALIB_SIZE, width, depth, nc, reg_max, max_channels) if imgsz < CALIB_SIZE else None
    randomize(heads, seed, probe)
    return Detector(heads, imgsz, nc, reg_max)


def count_params(heads, reg_max=REG_MAX):
    """Ultralytics' count: conv kernels and biases, BatchNorm gamma and beta, plus the DFL conv's 16."""
    n = sum(int(np.prod(v.shape)) for v in heads.trainable_variables)
    return n + reg_max


def count_gflops(heads):
    macs = 0
    for layer in heads.layers:
        if isinstance(layer, layers.Conv2D):
            o = layer.output.shape
            k = layer.kernel.shape
            macs += o[1] * o[2] * k[0] * k[1] * k[2] * k[3]
    return 2 * macs / 1e9


def convert(fn, imgsz, mode, calib=8, seed=0, lo=0.0, hi=1.0, input_dtype=None):
    """Converts a tf.Module / callable taking one [1, S, S, 3] float image. mode: see module doc.
    input_dtype: the declared input dtype (default float32)."""
    spec = tf.TensorSpec([1, imgsz, imgsz, 3], input_dtype or tf.float32)
    concrete = tf.function(fn, input_signature=[spec], autograph=False).get_concrete_function()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])  # no trackable: variables are frozen
    if mode != 'float32':
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == 'float16':
        conv.target_spec.supported_types = [tf.float16]
    if mode in ('int8', 'int8io'):
        rng = np.random.default_rng(seed)

        def rep():
            for _ in range(calib):
                yield [rng.uniform(lo, hi, spec.shape).astype(spec.dtype.as_numpy_dtype)]
        conv.representative_dataset = rep
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if mode == 'int8io':
            conv.inference_input_type = tf.int8
            conv.inference_output_type = tf.int8
    return conv.convert()


def op_histogram(blob):
    """Counter of (operator, first input's tensor type) as /tmp/ops.py lists them."""
    from tensorflow.lite.python import schema_py_generated as s
    m = s.ModelT.InitFromObj(s.Model.GetRootAsModel(blob, 0))
    names = {v: k for k, v in s.BuiltinOperator.__dict__.items() if not k.startswith('_')}
    tnames = {v: k for k, v in s.TensorType.__dict__.items() if not k.startswith('_')}
    c = collections.Counter()
    for sg in m.subgraphs:
        for op in sg.operators:
            oc = m.operatorCodes[op.opcodeIndex]
            code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
            nm = names.get(code, code) if code != 32 else 'CUSTOM:' + oc.customCode.decode()
            ins = [sg.tensors[i].type for i in op.inputs if i >= 0]
            c['%s(%s)' % (nm, tnames.get(ins[0], ins[0]) if ins else '-')] += 1
    return c


def print_histogram(blob, file=sys.stdout):
    c = op_histogram(blob)
    print('    %d operators' % sum(c.values()), file=file)
    for k, v in sorted(c.items()):
        print('    %-32s %4d' % (k, v), file=file)


def litert_run(path, lo=0.0, hi=1.0, seed=1, runs=5):
    """LiteRT (1 thread, its default XNNPACK delegate) on a random input: one warm-up, then the median
    of `runs` invokes; returns (seconds, [(name, shape, dtype, min, max)]). A sanity check, not the
    benchmark."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # pragma: no cover
        Interpreter = tf.lite.Interpreter
    it = Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    rng = np.random.default_rng(seed)
    for d in it.get_input_details():
        if d['dtype'] == np.float32:
            x = rng.uniform(lo, hi, d['shape']).astype(np.float32)
        else:
            info = np.iinfo(d['dtype'])
            x = rng.integers(info.min, info.max + 1, d['shape']).astype(d['dtype'])
        it.set_tensor(d['index'], x)
    it.invoke()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        it.invoke()
        times.append(time.perf_counter() - t)
    dt = float(np.median(times))
    res = []
    for d in it.get_output_details():
        y = it.get_tensor(d['index'])
        res.append((d['name'], tuple(y.shape), y.dtype.name, float(y.min()), float(y.max())))
    return dt, res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--imgsz', type=int, default=640)
    ap.add_argument('--width', type=float, default=0.25)
    ap.add_argument('--depth', type=float, default=0.33)
    ap.add_argument('--nc', type=int, default=80)
    ap.add_argument('--max-channels', type=int, default=1024,
                    help='scale cap before --width (n, s: 1024; m: 768; l, x: 512)')
    ap.add_argument('--reg-max', type=int, default=REG_MAX, help='DFL bins (Detect(reg_max=16))')
    ap.add_argument('--seed', type=int, default=8)
    ap.add_argument('--calib', type=int, default=8, help='representative images for int8 modes')
    ap.add_argument('--modes', default='float32,int8')
    ap.add_argument('--out', required=True)
    ap.add_argument('--name', default=None, help='file stem (default yolov8<n|s|m|l|x>-<imgsz>)')
    a = ap.parse_args()
    assert a.imgsz % 32 == 0, '--imgsz must be a multiple of 32'
    os.makedirs(a.out, exist_ok=True)
    scale = {(0.25, 0.33): 'n', (0.5, 0.33): 's', (0.75, 0.67): 'm', (1.0, 1.0): 'l', (1.25, 1.0): 'x'}
    stem = a.name or 'yolov8%s-%d' % (scale.get((a.width, a.depth), '-w%g-d%g' % (a.width, a.depth)), a.imgsz)
    det = build_detector(a.imgsz, a.width, a.depth, a.nc, a.seed, a.reg_max, a.max_channels)
    print('%s: %d parameters, %.2f GFLOPs at %d (nc %d, %d anchors)'
          % (stem, count_params(det.heads, a.reg_max), count_gflops(det.heads), a.imgsz, a.nc, det.n))
    for mode in a.modes.split(','):
        t = time.time()
        blob = convert(det, a.imgsz, mode, a.calib, a.seed)
        path = os.path.join(a.out, '%s-%s.tflite' % (stem, mode))
        with open(path, 'wb') as f:
            f.write(blob)
        print('%s: %d bytes (%.2f MB), converted in %.0f s' % (path, len(blob), len(blob) / 2**20, time.time() - t))
        print_histogram(blob)
        dt, res = litert_run(path)
        for r in res:
            print('    LiteRT: %s %s %s in [%.4g, %.4g], %.4f s (median, 1 thread)' % (r + (dt,)))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
