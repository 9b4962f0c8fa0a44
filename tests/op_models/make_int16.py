"""The converter's 16x8 mode (EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8: int16
activations with zero point 0, int8 per-channel weights, int64 biases), as onnx2tf and Ultralytics
write it (`*_integer_quant_with_int16_act.tflite`), for every operator such a model uses: the
convolutions and the fully connected layer, the elementwise arithmetic, the activations and softmax, the
data movement, pooling, resizes, concatenation with different input scales, and QUANTIZE / DEQUANTIZE
at float I/O. Expected outputs come from LiteRT, whose int16 kernels are TFLite's builtin ones (the
XNNPACK delegate takes no int16 operator).

Writes tests/op_models/int16/ (run: /opt/tfenv/bin/python tests/op_models/make_int16.py).
"""
import numpy as np
import tensorflow as tf

from oplib import Family, Spec

rng = np.random.default_rng(16)


def const(*shape, scale=0.3):
    return tf.constant(rng.normal(0.0, scale, shape).astype(np.float32))


IMG = [Spec((1, 9, 11, 6), lo=-3, hi=3)]
TWO = [Spec((1, 6, 7, 5), lo=-3, hi=3), Spec((1, 6, 7, 5), lo=-1, hi=1)]
BCAST = [Spec((1, 6, 7, 5), lo=-3, hi=3), Spec((1, 1, 7, 5), lo=-0.5, hi=2)]
M = ('int16', 'int16_floatio')

w3, b3 = const(3, 3, 6, 10), const(10)
w1, b1 = const(1, 1, 6, 13), const(13)
w5, b5 = const(5, 5, 6, 7, scale=0.1), const(7)
dw, db = const(3, 3, 6, 2), const(12)
fw, fb = const(6, 17), const(17)
fam = Family('int16')
fam.add('conv-3x3-same-relu', lambda x: tf.nn.relu(tf.nn.conv2d(x, w3, 1, 'SAME') + b3), IMG, modes=M)
fam.add('conv-1x1', lambda x: tf.nn.conv2d(x, w1, 1, 'VALID') + b1, IMG, modes=M)
fam.add('conv-5x5-stride2-valid-relu6', lambda x: tf.nn.relu6(tf.nn.conv2d(x, w5, 2, 'VALID') + b5), IMG, modes=M)
fam.add('conv-dilated', lambda x: tf.nn.conv2d(x, w3, 1, 'SAME', dilations=2) + b3, IMG, modes=('int16',))
fam.add('depthwise-mult2', lambda x: tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], 'SAME') + db, IMG, modes=M)
fam.add('depthwise-stride2-relu', lambda x: tf.nn.relu(tf.nn.depthwise_conv2d(x, dw, [1, 2, 2, 1], 'VALID') + db),
        IMG, modes=('int16',))
fam.add('fully-connected', lambda x: tf.matmul(x, fw) + fb, [Spec((3, 6), lo=-2, hi=2)], modes=M)
fam.add('add', lambda a, b: a + b, TWO, modes=M)
fam.add('add-broadcast-relu', lambda a, b: tf.nn.relu(a + b), BCAST, modes=('int16',))
fam.add('sub', lambda a, b: a - b, BCAST, modes=M)
fam.add('mul', lambda a, b: a * b, TWO, modes=M)
fam.add('mul-broadcast', lambda a, b: a * b, BCAST, modes=('int16',))
fam.add('silu', lambda x: x * tf.math.sigmoid(x), IMG, modes=M)
fam.add('logistic', tf.math.sigmoid, [Spec((2, 200), lo=-9, hi=9)], modes=M)
fam.add('tanh', tf.math.tanh, [Spec((2, 200), lo=-5, hi=5)], modes=M)
fam.add('softmax', lambda x: tf.nn.softmax(x * 2.0), [Spec((3, 37), lo=-4, hi=4)], modes=M)
fam.add('relu', tf.nn.relu, IMG, modes=('int16',))
fam.add('relu6', tf.nn.relu6, IMG, modes=('int16',))
fam.add('leaky-relu', lambda x: tf.nn.leaky_relu(x, alpha=0.1), IMG, modes=('int16',))
fam.add('concat-scales', lambda a, b: tf.concat([a * 3.0, b], axis=-1), TWO, modes=M)
fam.add('pad', lambda x: tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]]), IMG, modes=('int16',))
fam.add('max-pool', lambda x: tf.nn.max_pool2d(x, 3, 2, 'SAME'), IMG, modes=M)
fam.add('avg-pool', lambda x: tf.nn.avg_pool2d(x, 2, 2, 'VALID'), IMG, modes=M)
fam.add('mean', lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True), IMG, modes=('int16',))
fam.add('resize-nearest', lambda x: tf.image.resize(x, (18, 22), method='nearest'), IMG, modes=('int16',))
fam.add('resize-bilinear', lambda x: tf.image.resize(x, (13, 17), method='bilinear'), IMG, modes=('int16',))
fam.add('transpose-slice-reshape',
        lambda x: tf.reshape(tf.transpose(x, [0, 3, 1, 2])[:, 1:5, ::2, :], (1, 4, -1)), IMG, modes=('int16',))
fam.write()
