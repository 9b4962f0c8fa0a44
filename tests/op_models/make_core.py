"""Operators edgebench ran before the op list, in TensorFlow-made models where ../shared has none:
activations, SUB/MUL with broadcast, SQUEEZE, resizes, ARG_MAX, in float32 and full-integer int8.
Writes tests/op_models/core/ (run: /opt/tfenv/bin/python tests/op_models/make_core.py)."""
import tensorflow as tf

from oplib import Family, Spec

IMG = [Spec((1, 6, 7, 5), lo=-3, hi=3)]
TWO = [Spec((1, 6, 7, 5), lo=-3, hi=3), Spec((1, 1, 7, 5), lo=-2, hi=2)]
Q = ('float32', 'int8')

fam = Family('core')
fam.add('relu6', tf.nn.relu6, IMG, modes=Q)
fam.add('leaky-relu', lambda x: tf.nn.leaky_relu(x, alpha=0.15), IMG, modes=Q)
fam.add('tanh', tf.math.tanh, IMG, modes=Q)
fam.add('hard-swish', lambda x: x * tf.nn.relu6(x + 3.0) / 6.0, IMG, modes=Q)
fam.add('sub-broadcast', lambda a, b: a - b, TWO, modes=Q)
fam.add('mul-broadcast', lambda a, b: a * b, TWO, modes=Q)
# A dynamic batch keeps SQUEEZE (a static one becomes RESHAPE in the converter).
fam.add('squeeze', lambda x: tf.squeeze(x, axis=[2]), [Spec((1, 4, 1, 3), signature=(None, None, 1, None))], modes=Q)
fam.add('resize-bilinear-half-pixel', lambda x: tf.image.resize(x, (11, 9), method='bilinear'), IMG, modes=Q)
fam.add('resize-nearest', lambda x: tf.image.resize(x, (12, 14), method='nearest'), IMG, modes=Q)
fam.add('arg-max', lambda x: tf.math.argmax(x * 2.0, axis=-1, output_type=tf.int32), IMG, modes=Q)
# A dynamic batch keeps EXPAND_DIMS and ZEROS_LIKE (static shapes become RESHAPE / a folded constant).
fam.add('expand-dims', lambda x: tf.expand_dims(x, 1), [Spec((2, 3), signature=(None, 3))])
fam.add('zeros-like-int32', lambda x: tf.zeros_like(x) + 0 * x, [Spec((2, 3), 'int32', lo=-5, hi=5, signature=(None, 3))])
fam.add('zeros-like', tf.zeros_like, [Spec((2, 3), signature=(None, 3))])
fam.write()
