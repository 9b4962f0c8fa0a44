"""Operator test models of the binary math / comparison / logic family (DIV, FLOOR_DIV, SQUARED_DIFFERENCE,
POW, MAXIMUM, MINIMUM, EQUAL ... GREATER_EQUAL, LOGICAL_AND/OR/NOT, SELECT, SELECT_V2), made by TensorFlow's
converter; see oplib.py. Run: /opt/tfenv/bin/python tests/op_models/make_binary.py"""
import numpy as np
import tensorflow as tf

from oplib import Family, Spec

F = ('float32',)
FQ = ('float32', 'int8', 'int8_floatio')

fam = Family('binary')
X = Spec((2, 3, 4))
POS = Spec((2, 3, 4), lo=0.5, hi=2.0)
ROW = Spec((4,), lo=0.5, hi=2.0)

# DIV: same shape, broadcast, fused relu; int32 with mixed-sign constant divisors.
fam.add('div', lambda x, y: x / y, [X, POS], modes=F)
fam.add('div_bcast', lambda x, y: x / y, [Spec((1, 2, 3, 4)), ROW], modes=F)
fam.add('div_relu', lambda x, y: tf.nn.relu(x / y), [X, POS], modes=F)
fam.add('div_int32', lambda x: tf.raw_ops.Div(x=x, y=tf.constant([3, -2, 5, -7], tf.int32)),
        [Spec((2, 4), 'int32', -50, 50)], modes=F)

# FLOOR_DIV (MoveNet: int32 by a constant).
fam.add('floor_div', lambda x, y: tf.math.floordiv(x, y), [X, POS], modes=F)
fam.add('floor_div_int32', lambda x: tf.math.floordiv(x, tf.constant([3, -2, 5, -7], tf.int32)),
        [Spec((3, 4), 'int32', -50, 50)], modes=F)
fam.add('floor_div_int32_bcast', lambda x, y: tf.math.floordiv(x, y),
        [Spec((2, 3, 4), 'int32', -50, 50), Spec((3, 1), 'int32', 1, 9)], modes=F)

# SQUARED_DIFFERENCE.
fam.add('squared_difference', lambda x, y: tf.math.squared_difference(x, y), [X, Spec((3, 4))], modes=FQ)
fam.add('squared_difference_int32', lambda x, y: tf.math.squared_difference(x, y),
        [Spec((2, 4), 'int32', -100, 100), Spec((2, 4), 'int32', -100, 100)], modes=F)

# POW.
fam.add('pow', lambda x, y: tf.pow(x, y), [POS, Spec((4,), lo=-2.0, hi=2.0)], modes=F)
fam.add('pow_int32', lambda x, y: tf.pow(x, y), [Spec((2, 4), 'int32', -5, 5), Spec((2, 4), 'int32', 0, 5)],
        modes=F)

# MAXIMUM / MINIMUM (YOLOv8: float32 and int8), int32, int64.
fam.add('maximum', lambda x, y: tf.maximum(x, y), [X, X], modes=FQ)
fam.add('minimum_bcast', lambda x, y: tf.minimum(x, y), [X, Spec((3, 1))], modes=FQ)
fam.add('clip_const', lambda x: tf.minimum(tf.maximum(x, -0.5), 0.5), [X], modes=FQ)
fam.add('maximum_int32', lambda x, y: tf.maximum(x, y),
        [Spec((2, 4), 'int32', -9, 9), Spec((4,), 'int32', -9, 9)], modes=F)
fam.add('minimum_int64', lambda x, y: tf.minimum(x, y),
        [Spec((2, 4), 'int64', -9, 9), Spec((2, 4), 'int64', -9, 9)], modes=F)

# Comparisons: float, quantized (int8 inside), int32, int64, bool equality.
for name, op in (('equal', tf.equal), ('not_equal', tf.not_equal), ('less', tf.less),
                 ('less_equal', tf.less_equal), ('greater', tf.greater), ('greater_equal', tf.greater_equal)):
    fam.add(name, lambda x, y, op=op: op(x, y), [X, Spec((3, 4))], modes=FQ, seeds=1)
    fam.add(name + '_int32', lambda x, y, op=op: op(x, y),
            [Spec((2, 4), 'int32', -3, 3), Spec((4,), 'int32', -3, 3)], modes=F, seeds=1)
fam.add('less_int64', lambda x, y: tf.less(x, y), [Spec((2, 4), 'int64', -3, 3), Spec((2, 4), 'int64', -3, 3)],
        modes=F, seeds=1)
fam.add('equal_bool', lambda x, y: tf.equal(x, y), [Spec((2, 4), 'bool'), Spec((4,), 'bool')], modes=F, seeds=1)
fam.add('equal_const', lambda x: tf.equal(x, 2), [Spec((2, 4), 'int32', 0, 3)], modes=F, seeds=1)

# Logic.
fam.add('logical_and', lambda x, y: tf.logical_and(x, y), [Spec((2, 4), 'bool'), Spec((4,), 'bool')], modes=F)
fam.add('logical_or', lambda x, y: tf.logical_or(x, y), [Spec((2, 4), 'bool'), Spec((2, 1), 'bool')], modes=F)
fam.add('logical_not', lambda x: tf.logical_not(x), [Spec((2, 4), 'bool')], modes=F)

# SELECT (rank-1 condition) and SELECT_V2 (full broadcast).
fam.add('select_rank1', lambda c, x, y: tf.raw_ops.Select(condition=c, x=x, y=y),
        [Spec((2,), 'bool'), Spec((2, 3)), Spec((2, 3))], modes=F)
fam.add('select_same', lambda c, x, y: tf.raw_ops.Select(condition=c, x=x, y=y),
        [Spec((2, 3), 'bool'), Spec((2, 3), 'int32', -9, 9), Spec((2, 3), 'int32', -9, 9)], modes=F)
fam.add('select_v2', lambda c, x, y: tf.where(c, x, y), [Spec((3, 1), 'bool'), Spec((2, 3, 4)), Spec((4,))],
        modes=F)
fam.add('where_greater', lambda x, y: tf.where(x > y, x, y * 0.5), [X, X], modes=FQ)
fam.add('select_v2_int64', lambda c, x, y: tf.where(c, x, y),
        [Spec((2, 1), 'bool'), Spec((2, 4), 'int64', -9, 9), Spec((1, 4), 'int64', -9, 9)], modes=F)

# ADD/SUB/MUL on int32 (MoveNet's index arithmetic) and int64 (kernels/ops/elementwise).
fam.add('add_sub_mul_int32', lambda x, y: (x + y, x - y, x * y),
        [Spec((2, 3), 'int32', -50, 50), Spec((3,), 'int32', -50, 50)], modes=F, seeds=1)
fam.add('add_sub_mul_int64', lambda x, y: (x + y, x - y, x * y),
        [Spec((2, 3), 'int64', -50, 50), Spec((2, 1), 'int64', -50, 50)], modes=F, seeds=1)

fam.write()
