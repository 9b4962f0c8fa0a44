"""UNIDIRECTIONAL_SEQUENCE_LSTM test models: Keras LSTM layers (fused by the converter into one
UNIDIRECTIONAL_SEQUENCE_LSTM) in every form TensorFlow produces: float32, full-integer (int8 I/O and
float I/O, int16 cell state, gate scales in the op's intermediates) and dynamic-range (hybrid).
Needs tf_keras (pip install tf-keras) besides TensorFlow."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oplib import Family, Spec  # noqa: E402
# Keras 2 (tf_keras) marks its LSTM for the converter's fusion into UNIDIRECTIONAL_SEQUENCE_LSTM; a
# Keras 3 LSTM converts to a WHILE loop over variables instead.
import tf_keras  # noqa: E402


def keras_lstm(units, time, features, return_sequences, seed):
    tf_keras.utils.set_random_seed(seed)
    inp = tf_keras.Input(shape=(time, features), batch_size=1)
    out = tf_keras.layers.LSTM(units, return_sequences=return_sequences, unroll=False)(inp)
    return tf_keras.Model(inp, out)


fam = Family('lstm')
modes = ('float32', 'int8', 'int8_floatio', 'dynamic')
fam.add('lstm_sequences', keras_lstm(8, 6, 5, True, 1), [Spec((1, 6, 5))], modes=modes)
fam.add('lstm_last', keras_lstm(12, 5, 7, False, 2), [Spec((1, 5, 7))], modes=modes)
# Big enough (>= 1024 weights per matrix) for the dynamic-range converter to really quantize the
# weights: the small models above keep float weights in 'dynamic' mode.
fam.add('lstm_hybrid', keras_lstm(40, 4, 40, True, 3), [Spec((1, 4, 40))], modes=('dynamic',))
fam.write()
