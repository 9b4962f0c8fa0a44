"""Operator test models of the unary math and activation family: FLOOR, EXP, LOG, SQRT, RSQRT, SQUARE,
ABS, NEG, GELU (erf and tanh forms), PRELU. Run: /opt/tfenv/bin/python tests/op_models/make_unary.py"""
import numpy as np
import tensorflow as tf

from oplib import Family, Spec

F, Q = ('float32',), ('float32', 'int8')
fam = Family('unary')
x = Spec((2, 5, 7))
pos = Spec((2, 5, 7), lo=0.05, hi=4.0)
fam.add('floor', lambda t: tf.floor(t * 3.0), [x], modes=F)
fam.add('exp', lambda t: tf.exp(t), [x], modes=Q)
fam.add('log', lambda t: tf.math.log(t), [pos], modes=Q)
fam.add('sqrt', lambda t: tf.sqrt(t), [pos], modes=Q)
fam.add('rsqrt', lambda t: tf.math.rsqrt(t), [pos], modes=Q)
fam.add('rsqrt_small', lambda t: tf.math.rsqrt(t), [Spec((4, 16), lo=0.001, hi=0.5)], modes=('int8',))
fam.add('square', lambda t: tf.square(t), [x], modes=F)
fam.add('abs', lambda t: tf.abs(t), [x], modes=Q)
fam.add('neg', lambda t: tf.negative(t), [x], modes=F)
fam.add('neg_int32', lambda t: tf.negative(t), [Spec((3, 4), 'int32', -100, 100)], modes=F)
fam.add('neg_int64', lambda t: tf.negative(t), [Spec((3, 4), 'int64', -100, 100)], modes=F)
fam.add('abs_int32', lambda t: tf.abs(t), [Spec((3, 4), 'int32', -100, 100)], modes=F)
xg = Spec((2, 5, 7), lo=-4.0, hi=4.0)
fam.add('elu', lambda t: tf.nn.elu(t), [Spec((2, 5, 7), lo=-4.0, hi=2.0)], modes=Q)
fam.add('gelu', lambda t: tf.nn.gelu(t, approximate=False), [xg], modes=('float32', 'int8', 'int8_floatio'))
fam.add('gelu_tanh', lambda t: tf.nn.gelu(t, approximate=True), [xg], modes=('float32', 'int8'))
rng = np.random.default_rng(7)
alpha_c = tf.constant(rng.uniform(0.05, 0.5, (1, 1, 7)).astype(np.float32))
alpha_hwc = tf.constant(rng.uniform(0.05, 0.5, (5, 7)).astype(np.float32))


def prelu(alpha):
    # The converter fuses relu(x) + (-alpha) * relu(-x) (Keras' PReLU formula) into PRELU.
    neg_alpha = -alpha
    return lambda t: tf.nn.relu(t) + neg_alpha * tf.nn.relu(-t)


fam.add('prelu_channel', prelu(alpha_c), [Spec((1, 4, 5, 7))], modes=('float32', 'int8'))
fam.add('prelu_hwc', prelu(alpha_hwc), [Spec((2, 5, 7))], modes=('float32', 'int8'))
fam.write()
