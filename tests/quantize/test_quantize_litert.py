#!/usr/bin/env python3
"""`edgebench quantize` checked against TensorFlow Lite itself (LiteRT) and TensorFlow's own converter.

1. Every model it writes (float16, dynamic, int8 with float / int8 / uint8 I/O) from the committed
   small-cnn-float32.tflite and from ../shared's fmnist-cnn-float32.tflite loads and runs in LiteRT, and
   `edgebench infer` (--engine ref and auto) gives LiteRT's outputs: integer outputs within one
   quantized step, float outputs within the conformance tolerance (../shared/conformance/README.md).
2. Against TensorFlow's converter on the same float model and the same calibration images (the small
   model rebuilt by make_models.py, 40 random images; fmnist-cnn.h5 converted by TensorFlow, 200
   Fashion-MNIST training images): the same tensors are int8, their scales within 1%; fmnist's float16
   and dynamic-range constants equal TensorFlow's bit for bit, and its int8 top-1 on the 10,000 test
   images is within 0.5 points of TensorFlow's int8 (both run in LiteRT).

Needs TensorFlow and LiteRT (/opt/tfenv): it re-runs itself under /opt/tfenv/bin/python when the
current Python lacks them, and exits 77 (skipped) with a message when neither has them. Part 2 is
skipped when ../shared or Debian's Fashion-MNIST is absent."""
import argparse
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

TFENV = os.environ.get("EB_TFENV_PYTHON", "/opt/tfenv/bin/python")
FMNIST = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
HERE = os.path.dirname(os.path.abspath(__file__))


def have_litert():
    try:
        import numpy  # noqa: F401
        from ai_edge_litert.interpreter import Interpreter  # noqa: F401
        return True
    except ImportError:
        return False


def write_png(path, img):
    """8-bit gray (H, W) or RGB (H, W, 3) PNG, written without any imaging library."""
    h, w = img.shape[:2]
    colour = 2 if img.ndim == 3 else 0
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def quantize(edgebench, model, out_dir, images, count, io="float"):
    os.makedirs(out_dir, exist_ok=True)
    cmd = [edgebench, "quantize", model, "--to", "float16,dynamic,int8", "--images", images, "--calibration",
           str(count), "--io", io, "--out", out_dir]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    print(r.stdout.rstrip())
    base = os.path.basename(model).replace(".tflite", "")
    for suffix in ("-float32", "_float32"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return {k: os.path.join(out_dir, "%s-%s.tflite" % (base, k)) for k in ("float16", "dynamic", "int8")}


def litert(path):
    from ai_edge_litert.interpreter import Interpreter
    it = Interpreter(model_path=path)
    it.allocate_tensors()
    return it


def run_litert(it, x):
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"]).copy()


def run_edgebench(edgebench, model, x, engine, tmp):
    import numpy as np
    np.save(os.path.join(tmp, "in.npy"), x)
    out = os.path.join(tmp, "out")
    r = subprocess.run([edgebench, "infer", model, "--input", os.path.join(tmp, "in.npy"), "--output-dir", out,
                        "--engine", engine], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("edgebench infer %s --engine %s: %s" % (model, engine, r.stderr.strip()))
    return np.load(os.path.join(out, "output_0.npy"))


def output_step(it):
    """The quantized step of the int8 tensor a float output is dequantized from (edgebench names it
    <output>_int8), or of an integer output itself."""
    out = it.get_output_details()[0]
    if out["quantization"][0]:
        return out["quantization"][0]
    for t in it.get_tensor_details():
        if t["name"] == out["name"] + "_int8" and t["quantization"][0]:
            return t["quantization"][0]
    return None


def check_against_litert(edgebench, kind, path, tmp, seed):
    """Part 1 for one written model; returns the largest difference seen, in units of the tolerance."""
    import numpy as np
    it = litert(path)
    inp = it.get_input_details()[0]
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(5):
        if inp["dtype"] == np.float32:
            x = (rng.integers(0, 256, inp["shape"]) / 255.0).astype(np.float32)
        else:
            info = np.iinfo(inp["dtype"])
            x = rng.integers(info.min, info.max + 1, inp["shape"]).astype(inp["dtype"])
        want = run_litert(it, x)
        for engine in ("ref", "auto"):
            got = run_edgebench(edgebench, path, x, engine, tmp)
            assert got.dtype == want.dtype and got.shape == want.shape, (path, engine, got.dtype, want.dtype)
            diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
            if kind == "int8":
                tol = 1.0 if want.dtype != np.float32 else output_step(it) * 1.0001
            elif kind == "float16":
                tol = 1e-4 * max(1.0, float(np.max(np.abs(want))))
            else:  # dynamic-range: the hybrid kernels may differ from LiteRT's (its own float path)
                tol = 0.01 * max(1.0, float(np.max(np.abs(want))))
            assert diff <= tol, "%s (%s, --engine %s): max |edgebench - LiteRT| = %g above %g" % (path, kind, engine, diff, tol)
            worst = max(worst, diff / tol)
    return worst


def fmnist(name, count):
    import numpy as np
    with gzip.open(os.path.join(FMNIST, name)) as f:
        data = f.read()
    if "labels" in name:
        return np.frombuffer(data, np.uint8, offset=8)[:count]
    return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28)[:count]


def top1(path, images, labels):
    import numpy as np
    it = litert(path)
    inp = it.get_input_details()[0]
    right = 0
    for img, label in zip(images, labels):
        right += int(np.argmax(run_litert(it, (img.astype(np.float32) / 255.0).reshape(inp["shape"])))) == int(label)
    return 100.0 * right / len(labels)


def compare_constants(tf_path, eb_path, kind):
    """Every float16 / int8 constant of TensorFlow's model has the same values and scales in edgebench's
    (edgebench's float16 copy of a tensor is named <name>_fp16)."""
    import numpy as np

    def constants(path):
        it = litert(path)
        r = {}
        for t in it.get_tensor_details():
            if t["dtype"] in (np.float16, np.int8):
                try:
                    r[t["name"]] = (it.get_tensor(t["index"]), t["quantization_parameters"]["scales"])
                except ValueError:  # an activation: no data before invoke
                    pass
        return r

    theirs, mine = constants(tf_path), constants(eb_path)
    assert theirs, "TensorFlow's %s model has no float16/int8 constants" % kind
    for name, (values, scales) in theirs.items():
        m = mine.get(name, mine.get(name + "_fp16"))
        assert m is not None, "%s: TensorFlow's %s constant '%s' is not in edgebench's model" % (kind, values.dtype, name)
        assert np.array_equal(values, m[0]), "%s: constant '%s' differs from TensorFlow's" % (kind, name)
        assert np.array_equal(scales, m[1]), "%s: scales of '%s' differ from TensorFlow's" % (kind, name)
    print("OK %s: all %d constants equal TensorFlow's converter's, bit for bit" % (kind, len(theirs)))


def compare_int8(tf_int8, ours):
    """Every int8 tensor of TensorFlow's model is int8 in edgebench's, under the same name, with scales
    within 1% and zero points within 1 (the graph's QUANTIZE output and final int8 output are named by
    each tool, so two may go unmatched)."""
    import numpy as np

    def int8_tensors(path):
        return {t["name"]: t for t in litert(path).get_tensor_details() if t["dtype"] == np.int8}

    theirs, mine = int8_tensors(tf_int8), int8_tensors(ours)
    matched = 0
    for name, t in theirs.items():
        m = mine.get(name)
        if m is None:
            continue
        matched += 1
        s_tf = np.asarray(t["quantization_parameters"]["scales"])
        s_eb = np.asarray(m["quantization_parameters"]["scales"])
        assert s_tf.shape == s_eb.shape, "%s: %d scales from TensorFlow, %d from edgebench" % (name, s_tf.size, s_eb.size)
        rel = float(np.max(np.abs(s_eb - s_tf) / s_tf))
        assert rel <= 0.01, "%s: scales differ by %.2f%% from TensorFlow's" % (name, 100 * rel)
        zp_tf = np.asarray(t["quantization_parameters"]["zero_points"])
        zp_eb = np.asarray(m["quantization_parameters"]["zero_points"])
        assert np.max(np.abs(zp_tf - zp_eb)) <= 1, "%s: zero points %s vs TensorFlow's %s" % (name, zp_eb, zp_tf)
    unmatched = sorted(set(theirs) - set(mine))
    print("OK %s: %d of TensorFlow's %d int8 tensors int8 in edgebench's with scales within 1%%; not matched by "
          "name: %s" % (os.path.basename(ours), matched, len(theirs), unmatched))
    assert matched >= len(theirs) - 2, "only %d of TensorFlow's %d int8 tensors found" % (matched, len(theirs))


def small_against_tensorflow(edgebench, tmp):
    """The committed small model (CONCATENATION, ADD, MEAN, LOGISTIC ...) rebuilt by make_models.py and
    quantized by TensorFlow's converter and by edgebench on the same 40 random images."""
    import numpy as np
    import tensorflow as tf
    sys.path.insert(0, HERE)
    import make_models
    model = make_models.build()
    rng = np.random.default_rng(21)
    images = rng.integers(0, 256, (40, 16, 16, 3), dtype=np.uint8)
    calib_dir = os.path.join(tmp, "small-tf-calibration")
    os.makedirs(calib_dir)
    for i, img in enumerate(images):
        write_png(os.path.join(calib_dir, "%03d.png" % i), img)
    f32 = os.path.join(tmp, "small-tf-float32.tflite")
    with open(f32, "wb") as f:
        f.write(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: ([(img.astype(np.float32) / 255.0)[None]] for img in images)
    tf_int8 = os.path.join(tmp, "small-tf-int8.tflite")
    with open(tf_int8, "wb") as f:
        f.write(c.convert())
    compare_int8(tf_int8, quantize(edgebench, f32, os.path.join(tmp, "small-ours"), calib_dir, len(images))["int8"])


def against_tensorflow(edgebench, shared, tmp):
    """Part 2: edgebench's int8 of TensorFlow's float32 fmnist model against TensorFlow's int8 of it."""
    import numpy as np
    import tensorflow as tf
    import keras
    h5 = os.path.join(shared, "models", "fmnist-cnn.h5")
    if not os.path.exists(h5) or not os.path.exists(os.path.join(FMNIST, "train-images-idx3-ubyte.gz")):
        print("SKIP part 2: %s or Debian's Fashion-MNIST (%s) absent" % (h5, FMNIST))
        return
    calib = fmnist("train-images-idx3-ubyte.gz", 200)
    calib_dir = os.path.join(tmp, "calibration")
    os.makedirs(calib_dir, exist_ok=True)
    for i, img in enumerate(calib):
        write_png(os.path.join(calib_dir, "%05d.png" % i), img)
    model = keras.models.load_model(h5, compile=False)

    def convert(representative=None):
        c = tf.lite.TFLiteConverter.from_keras_model(model)
        if representative:
            c.optimizations = [tf.lite.Optimize.DEFAULT]
            c.representative_dataset = representative
        return c.convert()

    f32 = os.path.join(tmp, "tf-fmnist-float32.tflite")
    with open(f32, "wb") as f:
        f.write(convert())
    tf_int8 = os.path.join(tmp, "tf-fmnist-int8.tflite")
    with open(tf_int8, "wb") as f:
        f.write(convert(lambda: ([(img.astype(np.float32) / 255.0).reshape(1, 28, 28, 1)] for img in calib)))
    written = quantize(edgebench, f32, os.path.join(tmp, "ours"), calib_dir, len(calib))
    ours = written["int8"]
    # float16 and dynamic-range involve no calibration: their constants must be TensorFlow's, bit for bit.
    for kind in ("float16", "dynamic"):
        c = tf.lite.TFLiteConverter.from_keras_model(model)
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        if kind == "float16":
            c.target_spec.supported_types = [tf.float16]
        path = os.path.join(tmp, "tf-%s.tflite" % kind)
        with open(path, "wb") as f:
            f.write(c.convert())
        compare_constants(path, written[kind], kind)

    compare_int8(tf_int8, ours)
    images, labels = fmnist("t10k-images-idx3-ubyte.gz", 10000), fmnist("t10k-labels-idx1-ubyte.gz", 10000)
    a_tf, a_eb = top1(tf_int8, images, labels), top1(ours, images, labels)
    print("top-1 on the 10,000 test images in LiteRT: TensorFlow's int8 %.2f%%, edgebench's int8 %.2f%%" % (a_tf, a_eb))
    assert abs(a_tf - a_eb) <= 0.5, "top-1 %.2f%% vs TensorFlow's %.2f%%" % (a_eb, a_tf)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgebench", required=True)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    args = ap.parse_args()
    if not have_litert():
        if os.path.exists(TFENV) and os.path.realpath(sys.executable) != os.path.realpath(TFENV):
            os.execv(TFENV, [TFENV] + sys.argv)
        print("SKIP: LiteRT (ai_edge_litert) and TensorFlow are not installed (looked in this Python and %s)" % TFENV)
        return 77
    import numpy as np
    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(11)
        calib = os.path.join(tmp, "small-calibration")
        os.makedirs(calib)
        for i in range(30):
            write_png(os.path.join(calib, "%03d.png" % i), rng.integers(0, 256, (16, 16, 3), dtype=np.uint8))
        models = [(os.path.join(HERE, "small-cnn-float32.tflite"), calib, 30)]
        shared_fmnist = os.path.join(args.shared, "models", "fmnist-cnn-float32.tflite")
        if os.path.exists(shared_fmnist):
            fm = os.path.join(tmp, "fmnist-calibration")
            os.makedirs(fm)
            for i in range(50):
                write_png(os.path.join(fm, "%03d.png" % i), rng.integers(0, 256, (28, 28), dtype=np.uint8))
            models.append((shared_fmnist, fm, 50))
        else:
            print("SKIP fmnist part of 1: %s absent" % shared_fmnist)
        checked = 0
        for model, images, count in models:
            for io in ("float", "int8", "uint8"):
                out = quantize(args.edgebench, model, os.path.join(tmp, "out-" + io), images, count, io)
                kinds = ("float16", "dynamic", "int8") if io == "float" else ("int8",)
                for kind in kinds:
                    worst = check_against_litert(args.edgebench, kind, out[kind], tmp, checked)
                    print("OK %s (%s, io %s): edgebench ref/auto vs LiteRT: largest difference %.3g of the tolerance" % (
                        os.path.basename(out[kind]), kind, io, worst))
                    checked += 1
        small_against_tensorflow(args.edgebench, tmp)
        against_tensorflow(args.edgebench, args.shared, tmp)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
