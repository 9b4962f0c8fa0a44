"""Operator test models of the reductions / normalization / matrix-product family (see oplib.py):
SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, ARG_MIN, TOPK_V2, L2_NORMALIZATION,
LOCAL_RESPONSE_NORMALIZATION, LOG_SOFTMAX, BATCH_MATMUL, TRANSPOSE_CONV.

    /opt/tfenv/bin/python tests/op_models/make_reduce.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oplib import Family, Spec, tf  # noqa: E402

Q = ('float32', 'int8')
W = np.random.default_rng(7)


def const(*shape, scale=0.5):
    return tf.constant(W.uniform(-scale, scale, shape).astype(np.float32))


fam = Family('reduce')

# Reductions: axes lists (positive, negative, all), keep_dims on and off.
fam.add('sum_axes12_keep', lambda x: tf.reduce_sum(x, axis=[1, 2], keepdims=True), [Spec((1, 4, 5, 3))], modes=Q)
fam.add('sum_neg_axis', lambda x: tf.reduce_sum(x, axis=-1), [Spec((2, 3, 6))], modes=Q)
fam.add('sum_all', lambda x: tf.reduce_sum(x, axis=[0, 1]), [Spec((3, 7))], modes=('float32',))
fam.add('sum_int32', lambda x: tf.reduce_sum(x, axis=[0, 2]), [Spec((3, 4, 5), 'int32', -50, 50)])
fam.add('reduce_max', lambda x: tf.reduce_max(x, axis=[1], keepdims=True), [Spec((2, 5, 4))], modes=Q)
fam.add('reduce_max_neg', lambda x: tf.reduce_max(x, axis=[-1, 0]), [Spec((3, 4, 6))], modes=Q)
fam.add('reduce_max_int32', lambda x: tf.reduce_max(x, axis=1), [Spec((4, 6), 'int32', -100, 100)])
fam.add('reduce_max_int64', lambda x: tf.reduce_max(x, axis=0), [Spec((4, 6), 'int64', -100, 100)])
fam.add('reduce_min', lambda x: tf.reduce_min(x, axis=[2], keepdims=True), [Spec((2, 3, 7))], modes=Q)
fam.add('reduce_min_int32', lambda x: tf.reduce_min(x, axis=[0, 1]), [Spec((4, 6, 2), 'int32', -100, 100)])
fam.add('reduce_prod', lambda x: tf.reduce_prod(x, axis=[1]), [Spec((3, 4, 2), lo=0.5, hi=1.5)], modes=Q)
fam.add('reduce_prod_neg_keep', lambda x: tf.reduce_prod(x, axis=[-1, 0], keepdims=True), [Spec((2, 3, 3), lo=-1.5, hi=1.5)],
        modes=Q)
fam.add('reduce_prod_int32', lambda x: tf.reduce_prod(x, axis=-1, keepdims=True), [Spec((3, 4), 'int32', -5, 5)])

# ARG_MIN / TOPK_V2.
fam.add('arg_min', lambda x: tf.math.argmin(x, axis=-1, output_type=tf.int32), [Spec((3, 4, 9))], modes=Q)
fam.add('arg_min_axis0_i64', lambda x: tf.math.argmin(x, axis=0), [Spec((5, 6))])
fam.add('arg_min_int32', lambda x: tf.math.argmin(x, axis=1, output_type=tf.int32), [Spec((4, 7), 'int32', -9, 9)])
fam.add('topk', lambda x: tf.math.top_k(x, k=3), [Spec((2, 3, 10))], modes=Q)
fam.add('topk_int32', lambda x: tf.math.top_k(x, k=4), [Spec((3, 12), 'int32', -1000, 1000)])

# Normalization and LOG_SOFTMAX.
fam.add('l2_norm', lambda x: tf.math.l2_normalize(x, axis=-1), [Spec((2, 3, 16))], modes=Q)
fam.add('lrn', lambda x: tf.nn.local_response_normalization(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75),
        [Spec((1, 3, 3, 12))])
fam.add('log_softmax', lambda x: tf.nn.log_softmax(x), [Spec((3, 10), lo=-4, hi=4)], modes=Q)
fam.add('log_softmax_4d', lambda x: tf.nn.log_softmax(x), [Spec((1, 2, 3, 20), lo=-6, hi=6)], modes=Q)

# BATCH_MATMUL: both operands activations, adjoint flags, broadcast batch dimensions.
fam.add('batch_matmul', lambda a, b: tf.linalg.matmul(a, b), [Spec((2, 3, 4)), Spec((2, 4, 5))], modes=Q)
fam.add('batch_matmul_adj', lambda a, b: tf.linalg.matmul(a, b, adjoint_a=True, adjoint_b=True),
        [Spec((2, 4, 3)), Spec((2, 5, 4))], modes=Q)
fam.add('batch_matmul_bcast', lambda a, b: tf.linalg.matmul(a, b), [Spec((2, 1, 3, 4)), Spec((3, 4, 5))], modes=Q)
BM_W = const(2, 6, 5)
fam.add('batch_matmul_const', lambda a: tf.linalg.matmul(a, BM_W), [Spec((2, 3, 6))],
        modes=('float32', 'int8', 'dynamic'))

# A weight of more than 1024 values: the dynamic-range converter makes it int8 (hybrid BATCH_MATMUL).
BM_W_BIG = const(2, 64, 24)
fam.add('batch_matmul_hybrid', lambda a: tf.linalg.matmul(a, BM_W_BIG), [Spec((2, 5, 64))],
        modes=('dynamic',))

# TRANSPOSE_CONV: TF's filter is [H, W, out, in]; bias and activations fused by the converter.
TC_W1 = const(3, 3, 4, 3)
TC_B1 = const(4)
TC_W2 = const(2, 2, 5, 6)
TC_W3 = const(3, 3, 8, 4, scale=0.3)
TC_B3 = const(8)
fam.add('transpose_conv_same_s2',
        lambda x: tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d_transpose(x, TC_W1, (1, 8, 8, 4), 2, 'SAME'), TC_B1)),
        [Spec((1, 4, 4, 3))], modes=('float32', 'int8', 'float16'))
fam.add('transpose_conv_valid_s2', lambda x: tf.nn.conv2d_transpose(x, TC_W2, (2, 6, 8, 5), 2, 'VALID'),
        [Spec((2, 3, 4, 6))], modes=Q)
fam.add('transpose_conv_same_s1_bias',
        lambda x: tf.nn.bias_add(tf.nn.conv2d_transpose(x, TC_W3, (1, 5, 6, 8), 1, 'SAME'), TC_B3),
        [Spec((1, 5, 6, 4))], modes=('float32', 'int8', 'int8_floatio'))
fam.add('transpose_conv_same_s2_odd', lambda x: tf.nn.conv2d_transpose(x, TC_W1[:, :, :, :], (1, 7, 9, 4), 2, 'SAME'),
        [Spec((1, 4, 5, 3))], modes=Q)

# More than 1024 weights: the dynamic-range converter makes them int8 per channel (hybrid TRANSPOSE_CONV);
# two batch items, each quantized on its own.
TC_W4 = const(3, 3, 16, 24, scale=0.2)
TC_B4 = const(16)
fam.add('transpose_conv_hybrid',
        lambda x: tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d_transpose(x, TC_W4, (2, 8, 8, 16), 2, 'SAME'), TC_B4)),
        [Spec((2, 4, 4, 24))], modes=('dynamic',))

fam.write()
