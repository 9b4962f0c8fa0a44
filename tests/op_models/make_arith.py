"""DIV, FLOOR_DIV and SQRT as TensorFlow's converter writes them (float32 and int32), with broadcast.
Writes tests/op_models/arith/ (run: /opt/tfenv/bin/python tests/op_models/make_arith.py)."""
import tensorflow as tf

from oplib import Family, Spec

fam = Family('arith')
A = Spec((2, 3, 5), lo=-4, hi=4)
B = Spec((3, 1), lo=0.5, hi=3)  # divisors away from zero: TFLite's own float result there is +-inf
fam.add('div-broadcast', lambda a, b: a / b, [A, B])
fam.add('div-relu6', lambda a, b: tf.nn.relu6(a / b), [A, B])
AI = Spec((2, 3, 5), 'int32', lo=-50, hi=50)
BI = Spec((3, 1), 'int32', lo=1, hi=7)
fam.add('div-int32', lambda a, b: tf.raw_ops.Div(x=a, y=b), [AI, BI])
fam.add('floor-div-int32', lambda a, b: tf.math.floordiv(a, b) + 0 * a, [AI, Spec((3, 1), 'int32', lo=-7, hi=-1)])
fam.add('floor-div-float32', lambda a, b: tf.math.floordiv(a, b), [A, B])
fam.add('sqrt', lambda x: tf.math.sqrt(x), [Spec((4, 7), lo=0, hi=9)])
fam.write()
