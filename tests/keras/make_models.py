#!/opt/tfenv/bin/python
"""Regenerates tests/keras/models/: small Keras models covering every layer and option edgebench's Keras
reader lowers, each saved as Keras 3 `.keras` and as legacy `.h5` (model.save('x.h5')), with seeded
random inputs and Keras' own outputs (.npy). Run with TensorFlow/Keras installed:
    /opt/tfenv/bin/python tests/keras/make_models.py
Also writes the error cases (an unsupported layer; a .h5 without its weights)."""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
rng = np.random.default_rng(18)


def randomize(model):
    """Non-trivial weights: BatchNormalization statistics away from identity, every kernel nonzero."""
    for layer in model.layers:
        ws = layer.get_weights()
        # Normalization keeps its adapted statistics (Keras derives mean/variance from them only when
        # it adapts or loads, so randomized ones would not be what predict() used).
        if not ws or isinstance(layer, L.Normalization):
            continue
        new = []
        for w, v in zip(ws, layer.weights):
            name = getattr(v, "path", None) or v.name
            if "variance" in name:
                new.append(rng.uniform(0.5, 2.0, w.shape).astype(np.float32))
            elif name.endswith("count"):
                new.append(w)
            else:
                new.append(rng.normal(0, 0.4, w.shape).astype(np.float32))
        layer.set_weights(new)


def inp(shape, name=None):
    return keras.Input(shape=shape, name=name)


def m_sequential():
    return keras.Sequential([
        keras.Input(shape=(12, 12, 3)),
        L.Conv2D(6, 3, padding="same", activation="relu"),
        L.BatchNormalization(),
        L.MaxPooling2D(),
        L.Conv2D(8, 3, strides=2, padding="valid"),
        L.BatchNormalization(),
        L.Activation("relu"),
        L.Flatten(),
        L.Dropout(0.3),
        L.Dense(16, activation="relu6"),
        L.Dense(5, activation="softmax"),
    ], name="sequential_basic")


def m_convs():
    x = inp((13, 11, 4))
    a = L.Conv2D(6, 3, padding="same", groups=2, activation="tanh")(x)
    b = L.Conv2D(4, (3, 2), dilation_rate=2, padding="same", use_bias=False)(x)
    c = L.Conv2D(4, (2, 3), strides=(2, 1), padding="same", activation="sigmoid")(x)
    d = L.DepthwiseConv2D(3, depth_multiplier=2, strides=2, padding="same", activation="relu")(x)
    e = L.DepthwiseConv2D(3, dilation_rate=2, padding="valid")(x)
    f = L.SeparableConv2D(5, 3, padding="same", depth_multiplier=2, activation="elu")(x)
    g = L.Conv2DTranspose(3, 3, strides=2, padding="same")(x)
    h = L.Conv2DTranspose(3, 2, strides=1, padding="valid", activation="relu", use_bias=False)(x)
    outs = [L.GlobalAveragePooling2D()(t) for t in (a, b, c, d, e, f, g, h)]
    y = L.Concatenate()(outs)
    return keras.Model(x, [y, L.Flatten()(g)], name="convs")


def m_activations():
    x = inp((10,))
    names = ["relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax", "swish", "silu", "gelu", "elu", "linear"]
    outs = [L.Dense(4, activation=n, name="dense_" + n)(x) for n in names]
    outs.append(L.Activation("hard_sigmoid")(x))
    outs.append(L.Activation("gelu")(x))
    return keras.Model(x, L.Concatenate()(outs), name="activations")


def m_layers():
    x = inp((8, 6, 4))
    y = L.Conv2D(4, 1)(x)
    outs = [
        L.ReLU(max_value=0.5)(y),
        L.ReLU(negative_slope=0.1)(y),
        L.ReLU(threshold=0.2)(y),
        L.ReLU(max_value=1.0, negative_slope=0.2, threshold=0.1)(y),
        L.LeakyReLU(negative_slope=0.2)(y),
        L.PReLU()(y),
        L.PReLU(shared_axes=[1, 2])(y),
        L.Softmax()(y),
        L.Rescaling(0.5, offset=-0.25)(y),
    ]
    cat = L.Concatenate(axis=-1)(outs)
    p1 = L.AveragePooling2D(pool_size=(2, 3), strides=(2, 1), padding="same")(cat)
    p2 = L.MaxPooling2D(pool_size=3, strides=2, padding="same")(cat)
    p3 = L.ZeroPadding2D(((1, 2), (0, 1)))(y)
    p4 = L.Cropping2D(((1, 0), (2, 1)))(y)
    p5 = L.UpSampling2D(size=(2, 3))(y)
    p6 = L.UpSampling2D(size=2, interpolation="bilinear")(y)
    p7 = L.GlobalMaxPooling2D(keepdims=True)(y)
    p8 = L.GlobalAveragePooling2D(keepdims=True)(y)
    p9 = L.Permute((2, 1, 3))(y)
    p10 = L.Reshape((-1, 8))(y)
    flat = L.Concatenate()([L.Flatten()(t) for t in (p1, p2, p3, p4, p5, p6, p7, p8, p9, p10)])
    return keras.Model(x, flat, name="layers")


def m_merge():
    a = inp((6, 6, 3), "a")
    b = inp((6, 6, 3), "b")
    n = L.Normalization(mean=[0.1, -0.2, 0.3], variance=[1.5, 0.5, 2.0])(a)
    outs = [L.Add()([n, b]), L.Subtract()([a, b]), L.Multiply()([a, b]), L.Average()([a, b, n]), L.Maximum()([a, b])]
    s = L.Add()(outs)
    s = L.BatchNormalization()(s)  # after an ADD: not folded
    t = L.Conv2D(3, 3, padding="same", activation="relu")(s)
    t = L.BatchNormalization(center=False)(t)  # after an activation: not folded
    d3 = L.Dense(5)(L.Reshape((36, 3))(t))  # Dense on rank 3
    d4 = L.Dense(2, activation="tanh")(t)  # Dense on rank 4
    bn_dense = L.BatchNormalization(scale=False)(L.Dense(7)(L.Flatten()(d4)))
    return keras.Model([a, b], [L.Flatten()(d3), bn_dense, L.Concatenate(axis=1)([t, s])], name="merge")


def m_adapted_norm():
    x = inp((5,))
    norm = L.Normalization()
    norm.adapt(rng.normal(2, 3, (64, 5)).astype(np.float32))
    return keras.Model(x, L.Dense(3)(norm(x)), name="adapted_norm")


MODELS = [m_sequential, m_convs, m_activations, m_layers, m_merge, m_adapted_norm]


def keras2_models():
    """The same layers written by tf_keras (Keras 2: its config and weight layout, its hard_sigmoid)."""
    import tf_keras as k2
    K = k2.layers
    seq = k2.Sequential([
        K.Conv2D(4, 3, padding="same", input_shape=(10, 10, 2)),
        K.BatchNormalization(),
        K.Activation("relu"),
        K.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6"),
        K.SeparableConv2D(5, 3, padding="valid", activation="hard_sigmoid"),
        K.MaxPooling2D(2),
        K.Flatten(),
        K.Dense(6, activation="sigmoid"),
    ], name="k2_sequential")
    x = k2.Input((8, 8, 3))
    a = K.Conv2D(3, 3, padding="same")(x)
    a = K.BatchNormalization(axis=[3])(a)
    b = K.LeakyReLU(alpha=0.2)(x)
    c = K.ReLU(max_value=6.0, negative_slope=0.1)(x)
    d = K.PReLU(shared_axes=[1, 2])(x)
    s = K.Add()([a, b, c, d])
    s = K.Activation("swish")(s)
    up = K.UpSampling2D(2, interpolation="bilinear")(s)
    t = K.Conv2DTranspose(3, 3, strides=2, padding="same", activation="tanh")(s)
    cat = K.Concatenate()([up, t, K.Multiply()([up, t])])
    g = K.GlobalAveragePooling2D()(cat)
    func = k2.Model(x, [K.Dense(4, activation="softmax")(g), K.Average()([g, g])], name="k2_functional")
    return [seq, func]


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for make in MODELS:
        keras.utils.set_random_seed(18)
        model = make()
        randomize(model)
        name = model.name
        inputs = [rng.uniform(-1, 1, (1,) + tuple(t.shape[1:])).astype(np.float32) for t in model.inputs]
        outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        if not isinstance(outputs, list):
            outputs = [outputs]
        model.save(os.path.join(OUT, name + ".keras"))
        model.save(os.path.join(OUT, name + ".h5"))
        for i, a in enumerate(inputs):
            np.save(os.path.join(OUT, f"{name}.input_{i}.npy"), a)
        for j, a in enumerate(outputs):
            np.save(os.path.join(OUT, f"{name}.expected_{j}.npy"), np.asarray(a, np.float32))
        cases.append({"name": name, "inputs": len(inputs), "outputs": len(outputs)})
    try:
        k2_models = keras2_models()
    except ImportError:
        k2_models = []
        print("tf_keras is absent: no Keras 2 models written")
    for model in k2_models:
        randomize(model)
        name = model.name
        inputs = [rng.uniform(-1, 1, (1,) + tuple(t.shape[1:])).astype(np.float32) for t in model.inputs]
        outputs = model.predict(inputs[0], verbose=0)
        if not isinstance(outputs, list):
            outputs = [outputs]
        model.save(os.path.join(OUT, name + ".h5"))
        for i, a in enumerate(inputs):
            np.save(os.path.join(OUT, f"{name}.input_{i}.npy"), a)
        for j, a in enumerate(outputs):
            np.save(os.path.join(OUT, f"{name}.expected_{j}.npy"), np.asarray(a, np.float32))
        cases.append({"name": name, "inputs": len(inputs), "outputs": len(outputs), "formats": [".h5"]})
    # Error cases: an LSTM (not lowered), a .h5 holding only the architecture.
    x = inp((4, 3))
    bad = keras.Model(x, L.Dense(2)(L.LSTM(3, name="my_lstm")(x)), name="unsupported")
    bad.save(os.path.join(OUT, "unsupported.keras"))
    bad.save(os.path.join(OUT, "unsupported.h5"))
    import h5py
    with h5py.File(os.path.join(OUT, "sequential_basic.h5"), "r") as src, \
         h5py.File(os.path.join(OUT, "no_weights.h5"), "w") as dst:
        for k, v in src.attrs.items():
            dst.attrs[k] = v
        dst.create_group("model_weights")
    # Hostile configs beside real weights: nested 500 deep, a 2^40 filter count, a float where an int goes.
    with h5py.File(os.path.join(OUT, "sequential_basic.h5"), "r") as src:
        config = json.loads(src.attrs["model_config"])
        weights_attrs = dict(src.attrs)
    hostile = {
        "deep_config.h5": "[" * 500 + "]" * 500,
        "huge_filters.h5": json.dumps(config).replace('"filters": 6', '"filters": 1099511627776'),
        "float_kernel.h5": json.dumps(config).replace('"kernel_size": [3, 3]', '"kernel_size": [3.5, 3]', 1),
    }
    for fname, text in hostile.items():
        with h5py.File(os.path.join(OUT, "sequential_basic.h5"), "r") as src, \
             h5py.File(os.path.join(OUT, fname), "w") as dst:
            for k, v in weights_attrs.items():
                dst.attrs[k] = v
            dst.attrs["model_config"] = text
            src.copy("model_weights", dst)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
