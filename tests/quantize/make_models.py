"""Regenerates the small float32 model the quantizer's tests start from (TensorFlow needed; the test that
uses it does not). Run with /opt/tfenv/bin/python tests/quantize/make_models.py.

small-cnn-float32.tflite: a 16x16 RGB classifier made by TensorFlow's converter from a Keras model with
random (seeded) weights, holding the operators `edgebench quantize` gives an int8 form: CONV_2D,
DEPTHWISE_CONV_2D, MAX_POOL_2D, CONCATENATION, ADD, MEAN, FULLY_CONNECTED, LOGISTIC, SOFTMAX; some
weights above TFLite's 1024-element dynamic-range threshold, some below."""
import os

import numpy as np
import tensorflow as tf
import keras

HERE = os.path.dirname(os.path.abspath(__file__))


def build():
    keras.utils.set_random_seed(7)
    b = {"bias_initializer": "random_normal"}
    x = inp = keras.Input((16, 16, 3), batch_size=1)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", **b)(x)           # 432 weights: stays float in dynamic
    x = keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6", **b)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", **b)(x)           # 4608 weights
    x = keras.layers.MaxPooling2D(2)(x)
    a = keras.layers.Conv2D(16, 1, **b)(x)
    c = keras.layers.Conv2D(16, 1, activation="relu", **b)(x)
    x = keras.layers.Concatenate()([a, c])
    x = keras.layers.Add()([x, keras.layers.Conv2D(32, 1, **b)(x)])
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(40, activation="sigmoid", **b)(x)                            # 1280 weights
    x = keras.layers.Dense(10, activation="softmax", **b)(x)
    return keras.Model(inp, x)


def main():
    model = build()
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    path = os.path.join(HERE, "small-cnn-float32.tflite")
    with open(path, "wb") as f:
        f.write(conv.convert())
    print("wrote", path)


if __name__ == "__main__":
    main()
