"""Models whose inputs have dynamic dimensions, as TensorFlow's converter writes them for a Keras model
built with input_shape=(None, None, 3): stored shape [1, 1, 1, 3], shape_signature [-1, -1, -1, 3].
edgebench must give the input the shape of the data before it first prepares the graph (a 3x3 VALID
convolution over the stored 1x1 would be empty). Cases at two sizes per model; expected outputs from
LiteRT after resize_tensor_input. Writes tests/op_models/dynamic/ (run: /opt/tfenv/bin/python
tests/op_models/make_dynamic.py).
"""
import json
import os
import shutil

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import tensorflow as tf  # noqa: E402
from ai_edge_litert.interpreter import Interpreter  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'dynamic')


def keras_model():
    tf.keras.utils.set_random_seed(7)
    x = inp = tf.keras.Input(shape=(None, None, 3))
    x = tf.keras.layers.Conv2D(32, 3, strides=2, padding='valid', activation='relu6')(x)
    x = tf.keras.layers.DepthwiseConv2D(3, padding='same', activation='relu')(x)
    # 2048 weights: above the converter's 1024-element floor, so the dynamic variant is really hybrid.
    x = tf.keras.layers.Conv2D(64, 1)(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dense(5, activation='softmax')(x)
    return tf.keras.Model(inp, x)


def convert(model, mode):
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode == 'dynamic':
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    return conv.convert()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    model = keras_model()
    rng = np.random.default_rng(11)
    entries = []
    for mode in ('float32', 'dynamic'):
        stem = 'mobilenet-like-any-size-%s' % mode
        path = os.path.join(OUT, stem + '.tflite')
        with open(path, 'wb') as f:
            f.write(convert(model, mode))
        for k, size in enumerate(((1, 33, 47, 3), (2, 64, 64, 3))):
            interp = Interpreter(model_path=path)
            d = interp.get_input_details()[0]
            assert list(d['shape_signature']) == [-1, -1, -1, 3], d['shape_signature']
            interp.resize_tensor_input(d['index'], size)
            interp.allocate_tensors()
            x = rng.uniform(-1, 1, size).astype(np.float32)
            interp.set_tensor(d['index'], x)
            interp.invoke()
            case = '%s/%d' % (stem, k)
            os.makedirs(os.path.join(OUT, case))
            np.save(os.path.join(OUT, case, 'input_0.npy'), x)
            outs = []
            for j, od in enumerate(interp.get_output_details()):
                y = interp.get_tensor(od['index'])
                np.save(os.path.join(OUT, case, 'expected_%d.npy' % j), y)
                # dynamic-range: hybrid kernels legitimately differ a little (conformance README's rule).
                tol = 1e-4 * max(1.0, float(np.max(np.abs(y)))) if mode == 'float32' else 0.01 * max(1.0, float(np.max(np.abs(y))))
                outs.append({'dtype': str(y.dtype), 'shape': list(y.shape), 'tolerance_abs': tol,
                             'argmax_must_match': False})
            entries.append({'model': stem + '.tflite', 'case': case, 'kind': mode, 'input': 'random', 'outputs': outs})
        print(stem)
    with open(os.path.join(OUT, 'cases.json'), 'w') as f:
        json.dump(entries, f, indent=1)


if __name__ == '__main__':
    main()
