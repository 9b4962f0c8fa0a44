"""A MoveNet-Lightning-sized single-pose model made with TensorFlow's own converter (random weights).

Structure, after the real MoveNet SinglePose Lightning (int8, uint8 input, float output; see
/work/shared/models/zoo/zoo-movenet-lightning-int8.tflite):

  * uint8 [1, S, S, 3] input, CAST to float, x / 127.5 - 1.
  * MobileNetV2 backbone (Keras functional, inverted residuals: 1x1 expand + BN + ReLU6, 3x3
    depthwise + BN + ReLU6, 1x1 project + BN, residual ADD), width --alpha (1.0), last 1x1 conv to
    1280 channels at stride 32. BatchNorm moving statistics are random so folding is exercised.
  * FPN-ish decoder: 1x1 conv to 64 at stride 32, three times: bilinear x2 upsampling (UpSampling2D
    'bilinear' -> RESIZE_BILINEAR) + a 1x1 lateral conv of the backbone's stride-16/8/4 features,
    ADD, separable conv (64 -> 32 -> 24 -> 24), ending at stride 4 (48x48 at 192).
  * Four heads (separable 3x3 to 96 + ReLU, 1x1 conv): person centre (1), keypoint heatmaps (17),
    centre-to-keypoint regression (34), keypoint offsets (34).
  * MoveNet's decoding: sigmoid centre heatmap times a fixed 1 / (distance to the image centre +
    1.8) prior, ARG_MAX over the flattened map, FLOOR_DIV / MUL / SUB for (y, x), PACK + GATHER_ND of
    the regression, UNPACK, distance-weighted keypoint heatmaps ((Y - ky)^2 + (X - kx)^2, SQRT,
    + 1.8, DIV), ARG_MAX / FLOOR_DIV again, GATHER_ND of the offsets and of the scores, CAST to
    float, output [1, 1, 17, 3] (y, x normalised to [0, 1], score).

At --imgsz 192 --alpha 1.0: 2.37 M parameters (with BatchNorm statistics), 0.54 GFLOPs; int8 file
2.75 MB (the real Lightning int8: 2.9 MB) with the real one's 50 CONV_2D, 24 DEPTHWISE_CONV_2D and 19
ADD, and its decoding operators.

Modes (--modes, comma-separated):
  float32   as converted (still uint8 input: CAST inside)
  int8      MoveNet's: integer-quantised, float fallback allowed (TFLITE_BUILTINS), uint8 input,
            float32 output, calibrated on --calib random images. TensorFlow 2.21's converter makes
            SQRT and DIV int8 (the real MoveNet, an older conversion, runs them in float between
            DEQUANTIZE/QUANTIZE).
  float16   float16 weights
  dynamic   dynamic-range quantisation

Usage (outputs are for benchmarks and are NOT committed):
  /opt/tfenv/bin/python bench/make_movenet_like.py --out /tmp/movenet            # 192, float32+int8
  /opt/tfenv/bin/python bench/make_movenet_like.py --imgsz 256 --out /tmp/movenet   # Thunder-sized input
Writes DIR/movenet-like-<imgsz>-<mode>.tflite and prints parameters, sizes, op histograms and a
LiteRT sanity run. tests/op_models/make_yolo.py imports build_movenet() for a small committed test model.
"""
import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

from make_yolov8n import litert_run, make_divisible, print_histogram  # noqa: E402

KEYPOINTS = 17
# MobileNetV2 (t expansion, c channels, n repeats, s stride)
MBV2 = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


def build_network(imgsz=192, alpha=1.0, last=1280):
    """Keras functional backbone + decoder + heads on the normalised float image; outputs the
    centre logits, keypoint heatmap logits, regression and offsets at stride 4."""
    relu6 = lambda nm: layers.ReLU(6.0, name=nm)  # noqa: E731

    def bn(x, nm):
        return layers.BatchNormalization(epsilon=1e-3, name=nm + '_bn')(x)

    inp = keras.Input((imgsz, imgsz, 3), batch_size=1, name='image')
    c = make_divisible(32 * alpha, 8)
    x = relu6('stem_relu')(bn(layers.Conv2D(c, 3, 2, 'same', use_bias=False, name='stem')(inp), 'stem'))
    feats, block = {}, 0
    for t, ch, n, s in MBV2:
        ch = make_divisible(ch * alpha, 8)
        for i in range(n):
            stride = s if i == 0 else 1
            nm = 'block%d' % block
            y = x
            if t != 1:
                y = relu6(nm + '_expand_relu')(bn(layers.Conv2D(x.shape[-1] * t, 1, use_bias=False,
                                                                name=nm + '_expand')(y), nm + '_expand'))
            y = relu6(nm + '_dw_relu')(bn(layers.DepthwiseConv2D(3, stride, 'same', use_bias=False,
                                                                 name=nm + '_dw')(y), nm + '_dw'))
            y = bn(layers.Conv2D(ch, 1, use_bias=False, name=nm + '_project')(y), nm + '_project')
            x = layers.Add(name=nm + '_add')([x, y]) if stride == 1 and x.shape[-1] == ch else y
            block += 1
        feats[imgsz // x.shape[1]] = x       # last features at each stride
    last = make_divisible(last * alpha, 8) if alpha > 1.0 else last
    x = relu6('last_relu')(bn(layers.Conv2D(last, 1, use_bias=False, name='last')(x), 'last'))
    x = layers.Conv2D(64, 1, name='fpn_in')(x)
    for stride, ch in ((16, 32), (8, 24), (4, 24)):
        up = layers.UpSampling2D(2, interpolation='bilinear', name='fpn_up%d' % stride)(x)
        lat = layers.Conv2D(x.shape[-1], 1, name='fpn_lat%d' % stride)(feats[stride])
        x = layers.Add(name='fpn_add%d' % stride)([up, lat])
        x = layers.SeparableConv2D(ch, 3, padding='same', activation='relu', name='fpn_sep%d' % stride)(x)
    outs = []
    for name, ch in (('center', 1), ('heatmap', KEYPOINTS), ('regress', 2 * KEYPOINTS), ('offset', 2 * KEYPOINTS)):
        h = layers.SeparableConv2D(96, 3, padding='same', activation='relu', name=name + '_sep')(x)
        outs.append(layers.Conv2D(ch, 1, name=name)(h))
    return keras.Model(inp, outs, name='movenet_like')


def randomize(model, seed):
    """Seeded He-scaled kernels, small biases, BatchNorm with random gamma/beta/moving statistics;
    the centre/heatmap biases make sigmoid scores spread over (0, 1), the regression head's gain
    makes keypoints land a few cells from the centre."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.gamma.assign(rng.uniform(0.6, 1.4, c).astype(np.float32))
            layer.beta.assign(rng.normal(0.0, 0.2, c).astype(np.float32))
            layer.moving_mean.assign(rng.normal(0.0, 0.2, c).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
            continue
        for v in layer.weights:
            shape = tuple(v.shape)
            if 'depthwise_kernel' in v.path:
                std = math.sqrt(2.0 / (shape[0] * shape[1]))
            elif 'kernel' in v.path:
                std = math.sqrt(2.0 / int(np.prod(shape[:-1])))
            else:  # bias
                v.assign(rng.normal(0.0, 0.1, shape).astype(np.float32))
                continue
            if layer.name in ('center', 'heatmap', 'regress', 'offset'):
                std *= {'center': 1.0, 'heatmap': 1.0, 'regress': 3.0, 'offset': 0.3}[layer.name]
            v.assign(rng.normal(0.0, std, shape).astype(np.float32))


class MoveNetLike(tf.Module):
    """uint8 image [1, S, S, 3] -> keypoints [1, 1, 17, 3] (y, x in [0, 1], score)."""

    def __init__(self, net, imgsz):
        super().__init__(name='movenet_like')
        self.net = net
        h = self.h = imgsz // 4
        yy, xx = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(h, dtype=np.float32), indexing='ij')
        c = (h - 1) / 2.0
        self.prior = tf.constant((1.0 / (np.sqrt((yy - c) ** 2 + (xx - c) ** 2) + 1.8))[..., None])  # [H, H, 1]
        self.ygrid, self.xgrid = tf.constant(yy[..., None]), tf.constant(xx[..., None])             # [H, H, 1]
        self.kk = tf.constant(np.stack([np.arange(KEYPOINTS)] * 2, 1).astype(np.int32))              # [17, 2]
        self.kcol = tf.constant(np.arange(KEYPOINTS, dtype=np.int32)[:, None])                       # [17, 1]

    def __call__(self, image):
        h, k = self.h, KEYPOINTS
        x = tf.cast(image, tf.float32) / 127.5 - 1.0
        center, heat, regress, offset = self.net(x, training=False)
        heat = tf.sigmoid(heat)                                                # [1, H, H, 17]
        # person centre: argmax of the prior-weighted centre heatmap
        cmap = tf.reshape(tf.sigmoid(center) * self.prior, [1, h * h, 1])
        ci = tf.math.argmax(cmap, axis=1, output_type=tf.int32)                # [1, 1]
        cy = ci // h
        cx = ci - cy * h
        b0 = tf.zeros([1], tf.int32)
        cidx = tf.stack([b0, tf.reshape(cy, [1]), tf.reshape(cx, [1])], axis=1)  # [1, 3]
        reg = tf.reshape(tf.gather_nd(regress, cidx), [k, 2])                  # [17, 2]
        dy, dx = tf.unstack(reg, axis=1)
        ky = tf.cast(cy, tf.float32) + tf.reshape(dy, [1, k])                                # [1, 17]
        kx = tf.cast(cx, tf.float32) + tf.reshape(dx, [1, k])
        dist = tf.sqrt((self.ygrid - ky) ** 2 + (self.xgrid - kx) ** 2) + 1.8  # [H, H, 17]
        score = tf.reshape(heat / dist, [1, h * h, k])
        ki = tf.math.argmax(score, axis=1, output_type=tf.int32)               # [1, 17]
        py = ki // h
        px = ki - py * h
        bk = tf.zeros([k], tf.int32)
        kidx = tf.stack([bk, tf.reshape(py, [k]), tf.reshape(px, [k])], axis=1)  # [17, 3]
        off = tf.reshape(tf.gather_nd(offset, kidx), [k, k, 2])                # [17, 17, 2]
        oy, ox = tf.unstack(tf.gather_nd(off, self.kk), axis=1)                # [17] each
        y = tf.cast(py, tf.float32) + tf.reshape(oy, [1, k])
        xk = tf.cast(px, tf.float32) + tf.reshape(ox, [1, k])
        yx = tf.reshape(tf.stack([y, xk], axis=-1), [1, 1, k, 2]) * (1.0 / h)
        sc = tf.reshape(tf.gather_nd(heat, tf.concat([kidx, self.kcol], axis=1)), [1, 1, k, 1])
        return tf.concat([yx, sc], axis=-1)                                    # [1, 1, 17, 3]


def build_movenet(imgsz=192, alpha=1.0, last=1280, seed=17):
    assert imgsz % 32 == 0, 'imgsz must be a multiple of 32'
    net = build_network(imgsz, alpha, last)
    randomize(net, seed)
    return MoveNetLike(net, imgsz)


def convert(fn, imgsz, mode, calib=8, seed=0):
    """mode 'int8' is MoveNet's: integer where possible (float SQRT/DIV), uint8 in, float out."""
    spec = tf.TensorSpec([1, imgsz, imgsz, 3], tf.uint8)
    concrete = tf.function(fn, input_signature=[spec], autograph=False).get_concrete_function()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])  # no trackable: variables are frozen
    if mode != 'float32':
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == 'float16':
        conv.target_spec.supported_types = [tf.float16]
    if mode == 'int8':
        rng = np.random.default_rng(seed)

        def rep():
            for _ in range(calib):
                yield [rng.integers(0, 256, spec.shape).astype(np.uint8)]
        conv.representative_dataset = rep
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]
        conv.inference_input_type = tf.uint8
    return conv.convert()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--imgsz', type=int, default=192)
    ap.add_argument('--alpha', type=float, default=1.0, help='MobileNetV2 width')
    ap.add_argument('--last', type=int, default=1280, help="backbone's last 1x1 conv channels")
    ap.add_argument('--seed', type=int, default=17)
    ap.add_argument('--calib', type=int, default=8)
    ap.add_argument('--modes', default='float32,int8')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    m = build_movenet(a.imgsz, a.alpha, a.last, a.seed)
    n = sum(int(np.prod(v.shape)) for v in m.net.weights)
    macs = sum(int(np.prod(l.output.shape[1:3])) * int(np.prod(w.shape))
               for l in m.net.layers if isinstance(l, (layers.Conv2D, layers.DepthwiseConv2D, layers.SeparableConv2D))
               for w in l.weights if 'kernel' in w.path)
    print('movenet-like-%d: %d parameters (with BatchNorm statistics), %.2f GFLOPs' % (a.imgsz, n, 2 * macs / 1e9))
    for mode in a.modes.split(','):
        t = time.time()
        blob = convert(m, a.imgsz, mode, a.calib, a.seed)
        path = os.path.join(a.out, 'movenet-like-%d-%s.tflite' % (a.imgsz, mode))
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
